"""PDF tables with some rules or none, found from the words' positions.

A table without vertical rules still shows its columns: between them runs
whitespace, a gutter, on every line of the table. Here a table is a run of
consecutive lines through which at least two gutters run (three columns or
more), seeded by lines that have text in three columns or more. Lines that
cross the gutters (a group title across the table, a header cell over two
columns) belong to the table when the lines below keep to its columns again.

Rows are cut at the horizontal rules that cross the table where there are
any; else at the wider vertical gaps that separate rows (a cell's padding),
else at each entry of the first column. A cell holds the characters of its
row's lines that fall between its column's gutters.

A row across the table at the foot of a page (a group's title: `III. Cải cách
tổ chức bộ máy`) has no line below it that keeps to the columns, and the page
alone cannot tell it from text after the table; where the next page opens with
the table again, it is a row of the table; so is one at the head of a page
whose table the page before began (carry_rows_across_pages).

Prose is never taken for a table: its word spaces are narrow and never line
up from one line to the next, so no line of prose seeds a table, and a
paragraph crosses every gutter.
"""

from __future__ import annotations

import dataclasses
import statistics
import unicodedata

from parsers.language import vocab
from parsers.model.records import Box, Line, Page, TableCell, TableGrid
from parsers.read.columns import TextLine
from parsers.tables.grid import CONTINUES_WITHIN, column_count

# A gap between characters this many times the font size separates two cells
# of a line: word spaces, even stretched in a justified line, stay narrower;
# cell padding on both sides of a column rule is wider.
CELL_GAP_EM = 0.8
# A line with text in this many cells or more can start a table.
SEED_CELLS = 3
# A page may open with the long rest of a row whose other cells ended on the
# page before; the table's columns are taken from the line with most cells
# among this many.
SEED_WINDOW = 16
# A gutter narrower than this (in em) no longer separates columns.
GUTTER_EM = 0.3
# Lines that cross the gutters and still belong to the table (a wrapped group
# title, the top row of a two-row header) come in runs no longer than this.
MAX_SPANNING_RUN = 3
# A table's lines follow one another closely: a vertical gap wider than this
# many line heights ends it (a caption above, the text after it).
MAX_LEADING = 2.5
# A table's cells share one font size; a line set larger is not one of them.
SIZE_TOLERANCE = 0.15
# A gap between two rows is wider than the leading inside a cell by at least this share of a line's
# height (the cells' padding).
ROW_PADDING = 0.3
# A table has at least this many lines, this many of them seeds.
MIN_LINES, MIN_SEEDS = 3, 2


def _segments(line: TextLine) -> list[tuple[float, float]]:
    """The x-ranges of the line's cells: runs of characters split at wide gaps."""
    ink = [c for c in line.chars if not c["text"].isspace()]
    if not ink:
        return []
    out = [[ink[0]["x0"], ink[0]["x1"]]]
    for a, b in zip(ink, ink[1:]):
        size = max(a.get("size", 10.0), b.get("size", 10.0))
        if b["x0"] - a["x1"] >= CELL_GAP_EM * size:
            out.append([b["x0"], b["x1"]])
        else:
            out[-1][1] = max(out[-1][1], b["x1"])
    return [(a, b) for a, b in out]


def _size(line: TextLine) -> float:
    sizes = [c.get("size", 10.0) for c in line.chars]
    return statistics.median(sizes) if sizes else 10.0


def _free(gutter: tuple[float, float], segs: list[tuple[float, float]], min_width: float) -> tuple[float, float] | None:
    """The part of the gutter that the line leaves blank, or None if the line crosses it."""
    lo, hi = gutter
    for a, b in segs:
        if b <= lo or a >= hi:
            continue
        # A cell reaching into the gutter from one side narrows it.
        if a <= lo and b < hi:
            lo = b
        elif a > lo and b >= hi:
            hi = a
        else:
            return None
        if hi - lo < min_width:
            return None
    return (lo, hi)


def _gaps(segs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(a[1], b[0]) for a, b in zip(segs, segs[1:])]


def _inside(line: TextLine, boxes) -> bool:
    mid = (line.top + line.bottom) / 2
    return any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top <= mid <= bottom for x0, top, x1, bottom in boxes)


def _grow(lines, segs, start: int, gutters, step: int, limit: int, min_width: float):
    """Extend a table from line `start` in direction `step`; return the last line kept and the gutters."""
    i = start
    size = _size(lines[start])
    while True:
        run: list[int] = []
        j = i + step
        kept = None
        while 0 <= j < limit and len(run) <= MAX_SPANNING_RUN:
            prev = lines[j - step]
            gap = (lines[j].top - prev.bottom) if step > 0 else (prev.top - lines[j].bottom)
            if gap > MAX_LEADING * max(1.0, prev.bottom - prev.top) or segs[j] is None:
                break
            if abs(_size(lines[j]) - size) > SIZE_TOLERANCE * size:
                break  # a caption or a heading, set larger than the table's cells
            narrowed = [_free(g, segs[j], min_width) for g in gutters]
            if all(n is not None for n in narrowed):
                kept = narrowed
                break
            run.append(j)
            j += step
        if kept is None:
            return i, gutters
        # The crossing lines in between (if any) are rows across the table.
        gutters = kept
        i = j


def find_tables(lines: list[TextLine], blocked=()) -> list[tuple[int, int, list[tuple[float, float]]]]:
    """Tables as (first line, last line, gutters between their columns)."""
    segs = [None if _inside(l, blocked) else _segments(l) for l in lines]
    out: list[tuple[int, int, list[tuple[float, float]]]] = []
    i = 0
    n = len(lines)
    while i < n:
        at_i = segs[i]
        if at_i is None or len(at_i) < SEED_CELLS:
            i += 1
            continue
        seed = max(range(i, min(n, i + SEED_WINDOW)), key=lambda k: (len(segs[k] or ()), -k))
        min_width = GUTTER_EM * _size(lines[seed])
        seed_segs = segs[seed]
        assert seed_segs is not None  # the most segments of a window opening with segs[i], which has some
        last, gutters = _grow(lines, segs, seed, _gaps(seed_segs), +1, n, min_width)
        first, gutters = _grow(lines, segs, seed, gutters, -1, n, min_width)
        first = max(first, out[-1][1] + 1) if out else first
        body = range(first, last + 1)
        seeds = sum(1 for k in body if segs[k] and _cells_in(segs[k], gutters) >= SEED_CELLS)
        if len(gutters) >= SEED_CELLS - 1 and len(body) >= MIN_LINES and seeds >= MIN_SEEDS:
            out.append((first, last, gutters))
            i = last + 1
        else:
            i += 1
    return out


def _cells_in(segs, gutters) -> int:
    """How many columns the line has text in."""
    bounds = [g[0] for g in gutters]
    return len({sum(1 for b in bounds if (a + z) / 2 > b) for a, z in segs})


def _row_breaks(lines: list[TextLine], column_of, rules: list[float]) -> list[int]:
    """Indexes of the lines that open a row."""
    if len(lines) < 2:
        return [0]
    if rules:
        breaks = [0]
        for k in range(1, len(lines)):
            if any(lines[k - 1].bottom - 1 <= y <= lines[k].top + 1 for y in rules):
                breaks.append(k)
        if len(breaks) > 1:
            return breaks
    gaps = [lines[k].top - lines[k - 1].bottom for k in range(1, len(lines))]
    low = min(gaps)
    height = statistics.median(l.bottom - l.top for l in lines)
    # Padding between rows makes their gaps clearly wider than the leading inside a cell.
    if max(gaps) - low > ROW_PADDING * height:
        cut = low + ROW_PADDING * height
        return [0] + [k for k in range(1, len(lines)) if gaps[k - 1] > cut]
    return [k for k in range(len(lines)) if k == 0 or 0 in column_of(lines[k])]


def _text(chars: list[dict]) -> str:
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return ""
    found = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=False)
    return "\n".join(unicodedata.normalize("NFC", t["text"]) for t in found if t["text"].strip())


def unruled_tables(lines: list[TextLine], number: int, ruled_boxes, horizontal_edges=()) -> tuple[TableGrid, ...]:
    """The page's tables that no ruled grid holds, cell by cell (`source="unruled"`)."""
    grids = []
    for first, last, gutters in find_tables(lines, ruled_boxes):
        body = lines[first:last + 1]
        bounds = [(a + b) / 2 for a, b in gutters]
        x0 = min(l.x0 for l in body)
        x1 = max(l.x1 for l in body)
        top, bottom = body[0].top, body[-1].bottom
        edges = [x0 - 1] + bounds + [x1 + 1]

        def column(x: float, bounds=bounds) -> int:
            return sum(1 for b in bounds if x > b)

        def columns_of(line: TextLine) -> set[int]:
            return {column((c["x0"] + c["x1"]) / 2) for c in line.chars if not c["text"].isspace()}

        width = x1 - x0
        rules = sorted({round(e["top"], 1) for e in horizontal_edges
                        if e["x1"] - e["x0"] >= 0.5 * width and top - 4 <= e["top"] <= bottom + 4})
        breaks = _row_breaks(body, columns_of, rules) + [len(body)]
        rows = []
        for a, b in zip(breaks, breaks[1:]):
            row_lines = body[a:b]
            r_top = row_lines[0].top if a > 0 else top
            r_bottom = body[b].top if b < len(body) else bottom
            chars = [c for l in row_lines for c in l.chars]
            per_col: list[list[dict]] = [[] for _ in bounds + [0]]
            for c in chars:
                per_col[column((c["x0"] + c["x1"]) / 2)].append(c)
            # A row across the table reads as one run of words per line, and
            # at least one of its lines runs over a column boundary.
            if any(_crosses(l, bounds) for l in row_lines) and all(len(_segments(l)) == 1 for l in row_lines):
                # A row across the table (a group title): one cell, the others merged into it.
                cell = TableCell(_text(chars), Box(round(edges[0], 2), round(r_top, 2), round(edges[-1], 2),
                                                   round(r_bottom, 2)))
                rows.append((cell,) + (None,) * len(bounds))
                continue
            rows.append(tuple(TableCell(_text(cs), Box(round(edges[k], 2), round(r_top, 2), round(edges[k + 1], 2),
                                                       round(r_bottom, 2)))
                              for k, cs in enumerate(per_col)))
        grids.append(TableGrid(page=number, bbox=Box(round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)),
                               rows=tuple(rows), source="unruled"))
    return tuple(grids)


def _crosses(line: TextLine, bounds: list[float]) -> bool:
    """Does some word of the line run over a column boundary?"""
    ink = [c for c in line.chars if not c["text"].isspace()]
    for b in bounds:
        if any(c["x0"] < b < c["x1"] for c in ink):
            return True
        if any(a["x1"] <= b <= z["x0"] and z["x0"] - a["x1"] < CELL_GAP_EM * a.get("size", 10.0)
               for a, z in zip(ink, ink[1:])):
            return True
    return False


def carry_rows_across_pages(pages: list[Page]) -> list[Page]:
    """Pages whose table runs on over the next page, with the lines the page break set apart from its
    grid (found from the words) as rows across it: those at the foot of the page below its last grid,
    and those at the head of the next page above its first. Such lines are up to MAX_SPANNING_RUN, within
    the grid's width, set as close as its rows; a page number is not one of them."""
    out = list(pages)
    for k in range(len(out) - 1):
        page, after = out[k], out[k + 1]
        if not page.tables or not after.tables or not after.height:
            continue
        grid = max(page.tables, key=lambda g: g.bbox.bottom)  # the lowest on its page, and the highest on the next
        following = min(after.tables, key=lambda g: g.bbox.top)
        if column_count(grid) != column_count(following) or following.bbox.top > CONTINUES_WITHIN * after.height:
            continue
        if grid.source == "unruled":
            foot = _beside(page, lambda l, grid=grid: _box(l).top >= grid.bbox.bottom)
            if foot and _of_the_table(grid, foot, _box(foot[0]).top - grid.bbox.bottom):
                grown = dataclasses.replace(grid, bbox=grid.bbox._replace(bottom=round(_box(foot[-1]).bottom, 2)),
                                            rows=grid.rows + _rows_across(grid, page, foot))
                out[k] = _with_grid(page, grid, grown)
        if following.source == "unruled":
            head = _beside(after, lambda l, following=following: _box(l).bottom <= following.bbox.top)
            if head and _of_the_table(following, head, following.bbox.top - _box(head[-1]).bottom):
                grown = dataclasses.replace(following,
                                            bbox=following.bbox._replace(top=round(_box(head[0]).top, 2)),
                                            rows=_rows_across(following, after, head) + following.rows)
                out[k + 1] = _with_grid(after, following, grown)
    return out


def _box(line: Line) -> Box:
    """The box of a line of a PDF page (whose lines all have one, as their words do)."""
    assert line.box is not None, "a line of a PDF page has its box"
    return line.box


def _beside(page: Page, where) -> list[Line]:
    """The page's lines `where` says, a page number aside."""
    return [l for l in page.lines if l.box is not None and where(l) and not vocab.PAGE_NUMBER.match(l.text)]


def _with_grid(page: Page, old: TableGrid, new: TableGrid) -> Page:
    return dataclasses.replace(page, tables=tuple(new if g is old else g for g in page.tables))


def _of_the_table(grid: TableGrid, lines: list[Line], gap: float) -> bool:
    """Are these lines beside the grid (`gap` away) the table's: a few, within its width, set as close?"""
    x0, _top, x1, _bottom = grid.bbox
    if len(lines) > MAX_SPANNING_RUN or any(_box(l).x0 < x0 - 1 or _box(l).x1 > x1 + 1 for l in lines):
        return False
    height = max(_box(l).height for l in lines)
    gaps = [_box(b).top - _box(a).bottom for a, b in zip(lines, lines[1:])]
    return gap <= MAX_LEADING * height and all(g <= MAX_LEADING * height for g in gaps)


def _rows_across(grid: TableGrid, page: Page, lines: list[Line]) -> tuple:
    """`lines` beside the grid as rows across it."""
    _x0, top, _x1, bottom = grid.bbox
    inside = [l for l in page.lines if l.box is not None and top <= _box(l).top and _box(l).bottom <= bottom]
    return tuple(_row_across(grid, run, column_count(grid)) for run in _runs(inside, lines))


def _runs(inside: list[Line], foot: list[Line]) -> list[list[Line]]:
    """Lines beside a grid in rows: as _row_breaks cuts rows, where a gap is clearly wider than the leading
    inside a cell (the least gap between the table's lines)."""
    gaps = [_box(b).top - _box(a).bottom for a, b in zip(inside, inside[1:]) if _box(b).top > _box(a).bottom]
    low = min(gaps, default=0.0)
    height = statistics.median(_box(l).height for l in foot)
    runs = [[foot[0]]]
    for a, b in zip(foot, foot[1:]):
        if _box(b).top - _box(a).bottom > low + ROW_PADDING * height:
            runs.append([b])
        else:
            runs[-1].append(b)
    return runs


def _row_across(grid: TableGrid, lines: list[Line], n: int) -> tuple:
    cell = TableCell("\n".join(l.text for l in lines),
                     Box(grid.bbox.x0, round(_box(lines[0]).top, 2), grid.bbox.x1, round(_box(lines[-1]).bottom, 2)))
    return (cell,) + (None,) * (n - 1)
