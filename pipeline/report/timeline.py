"""The timeline's SVG: one lane per lead agency, a bar or a mark per dated deadline, over a month axis.

Overlapping bars of a lane are packed in tracks so that none hides another.
Pure drawing from the rows and their dated milestones: its pixel geometry
and constants stand apart from the HTML of the sections.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from pipeline.report.rows import date_text, row_ref, txt

# Long periods are drawn lighter, so that the short deadlines stand out on top of them.
LONG_KINDS = frozenset({"half", "year", "range", "period", "recurring"})

LABEL_W, CHART_W, RIGHT_PAD = 300, 940, 24
AXIS_H, BAR_H, BAR_GAP, LANE_PAD = 44, 16, 4, 6
CHAR_W = 6.6  # average width of a 11px character, to keep labels from running into each other


@dataclass
class _Bar:
    milestone: dict
    row: dict
    x0: float
    x1: float
    label: str
    label_inside: bool
    extent: tuple[float, float]  # pixels taken, label included


def timeline_svg(rows: list[dict], dated: list[dict], row_of: dict, flagged: set[str]) -> str:
    first, last = _month_span(dated)
    total_days = (last - first).days

    def x(day: dt.date) -> float:
        return LABEL_W + CHART_W * (day - first).days / total_days

    lanes: dict[str, list[_Bar]] = {}
    for row in rows:  # lanes in the order the appendix first names each agency
        lanes.setdefault(_lane_name(row), [])
    for m in dated:
        row = row_of[m["row_id"]]
        lanes[_lane_name(row)].append(_bar(m, row, x))

    parts, y = [], AXIS_H
    for index, (agency, bars) in enumerate(lanes.items()):
        drawn, height = _lane(agency, _pack(bars), y, index, flagged)
        parts.append(drawn)
        y += height
    width = LABEL_W + CHART_W + RIGHT_PAD
    axis = _axis(first, last, x, y)
    return (f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 8}" '
            f'viewBox="0 0 {width} {y + 8}" role="img" aria-label="Deadlines by lead agency">'
            f'{axis}{"".join(parts)}</svg>')


def _month_span(dated: list[dict]) -> tuple[dt.date, dt.date]:
    """From the first day of the earliest month to the first day after the latest month."""
    days = [d for m in dated for d in (m["start"], m["end"]) if d is not None]
    low, high = min(days), max(days)
    after = dt.date(high.year + (high.month == 12), high.month % 12 + 1, 1)
    return dt.date(low.year, low.month, 1), after


def _lane_name(row: dict) -> str:
    return txt(row.get("lane") or row["lead_agency"]).strip() or "(no lead agency)"


def _bar(m: dict, row: dict, x) -> _Bar:
    label = row_ref(row)
    label_w = len(label) * CHAR_W + 6
    if m["start"] is None:  # before: a mark at its end
        at = x(m["end"] + dt.timedelta(days=1))
        return _Bar(m, row, at, at, label, False, (at - 7, at + 8 + label_w))
    if m["end"] is None:  # from: a mark at its start, pointing on
        at = x(m["start"])
        return _Bar(m, row, at, at, label, False, (at, at + 12 + label_w))
    x0, x1 = x(m["start"]), max(x(m["end"] + dt.timedelta(days=1)), x(m["start"]) + 3)
    inside = x1 - x0 >= label_w + 2
    return _Bar(m, row, x0, x1, label, inside, (x0, x1 if inside else x1 + label_w))


def _pack(bars: list[_Bar]) -> list[list[_Bar]]:
    """Overlapping bars of one lane go to separate tracks, so that none hides another."""
    tracks: list[list[_Bar]] = []
    for bar in sorted(bars, key=lambda b: (b.extent[0], -b.extent[1])):
        track = next((t for t in tracks if t[-1].extent[1] + 2 <= bar.extent[0]), None)
        if track is None:
            tracks.append(track := [])
        track.append(bar)
    return tracks


def _lane(agency: str, tracks: list[list[_Bar]], top: float, index: int, flagged: set[str]) -> tuple[str, int]:
    height = max(1, len(tracks)) * (BAR_H + BAR_GAP) - BAR_GAP + 2 * LANE_PAD
    shown = agency if len(agency) <= 44 else agency[:42].rstrip() + "…"
    out = [f'<g class="lane"><rect class="lane-bg{" odd" if index % 2 else ""}" x="0" y="{top}" '
           f'width="{LABEL_W + CHART_W}" height="{height}"/>'
           f'<text class="lane-label" x="6" y="{top + LANE_PAD + BAR_H - 4}">{html.escape(shown)}'
           f'<title>{html.escape(agency)}</title></text>']
    if not tracks:
        out.append(f'<text class="none" x="{LABEL_W + 6}" y="{top + LANE_PAD + BAR_H - 4}">no dated deadline</text>')
    for i, track in enumerate(tracks):
        y = top + LANE_PAD + i * (BAR_H + BAR_GAP)
        out.extend(_bar_svg(bar, y, bar.row["row_id"] in flagged) for bar in track)
    out.append("</g>")
    return "".join(out), height


def _bar_svg(bar: _Bar, y: float, flagged: bool) -> str:
    m, row = bar.milestone, bar.row
    key = html.escape(f"{m['row_id']}/{m['seq']}")
    action = f"{txt(m['action'])}: " if m["action"] else ""
    tip = html.escape(f"{row_ref(row)} {txt(row['task'])[:160]}\n{action}{m['kind']} "
                      f"{date_text(m['start'])} – {date_text(m['end'])}\n“{txt(m['raw'])}”")
    mid = y + BAR_H / 2
    marked = " flagged" if flagged else ""
    if m["start"] is None:
        shape = (f'<path data-milestone="{key}" class="mark{marked}" '
                 f'd="M{bar.x0:.1f},{y} l7,{BAR_H / 2} l-7,{BAR_H / 2} '
                 f'l-7,-{BAR_H / 2} z"><title>{tip}</title></path>')
        text = f'<text class="bar-label" x="{bar.x0 + 9:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    elif m["end"] is None:
        shape = (f'<path data-milestone="{key}" class="mark from{marked}" d="M{bar.x0:.1f},{y} l10,{BAR_H / 2} '
                 f'l-10,{BAR_H / 2} z"><title>{tip}</title></path>')
        text = f'<text class="bar-label" x="{bar.x0 + 12:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    else:
        kind = "long" if m["kind"] in LONG_KINDS else "short"
        shape = (f'<rect data-milestone="{key}" class="bar {kind}{marked}" x="{bar.x0:.1f}" y="{y}" '
                 f'width="{bar.x1 - bar.x0:.1f}" height="{BAR_H}" rx="2"><title>{tip}</title></rect>')
        lx = bar.x0 + 4 if bar.label_inside else bar.x1 + 3
        cls = f"bar-label in-{kind}" if bar.label_inside else "bar-label"
        text = f'<text class="{cls}" x="{lx:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    return f'<a href="#row-{row["seq"]}">{shape}{text}</a>'


def _axis(first: dt.date, last: dt.date, x, bottom: float) -> str:
    months = []
    day = first
    while day < last:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    step = 1 if len(months) <= 24 else 3  # keep month labels legible on a long plan
    out = [f'<rect class="axis-bg" x="{LABEL_W}" y="0" width="{CHART_W}" height="{AXIS_H - 4}"/>']
    for i, month in enumerate(months):
        x0, x1 = x(month), x(months[i + 1]) if i + 1 < len(months) else x(last)
        new_year = month.month == 1 or i == 0
        out.append(f'<line class="{"year-line" if new_year else "grid"}" x1="{x0:.1f}" y1="{18 if new_year else 22}" '
                   f'x2="{x0:.1f}" y2="{bottom}"/>')
        if new_year:
            out.append(f'<text class="year" x="{x0 + 4:.1f}" y="14">{month.year}</text>')
        if (month.month - 1) % step == 0:
            out.append(f'<text class="month" x="{(x0 + x1) / 2:.1f}" y="34" text-anchor="middle">'
                       f'{month.month:02d}</text>')
    out.append(f'<line class="year-line" x1="{x(last):.1f}" y1="18" x2="{x(last):.1f}" y2="{bottom}"/>')
    out.append('<text class="axis-note" x="6" y="34">Lead agency</text>')
    return "".join(out)
