"""Deadline cells of a plan's appendix, read as milestones.

A deadline cell (`Thời gian thực hiện`, `Thời gian hoàn thành`) says in words
when a task is due: `Quý I/2021`, `Trước ngày 31/12/2020`, `Thường xuyên`,
`Sau khi có văn bản của cấp trên`, or several such, each with its own action
(`- Ban hành Kế hoạch trong tháng 01/2021. - Báo cáo … trong quý IV năm 2021.`).
`milestones` turns one cell into dated milestones. What it cannot read it keeps
as `unknown` with its text: it never guesses a date.

How a cell is read:
1. normalised: NFC, one space between words, every dash a `-`;
2. cut into pieces at bullets and sentence ends; a piece that names no period,
   no recurrence and no event of its own goes back to the piece before it;
3. in each piece, period atoms (`Quý I/2021`, `tháng 6`, `31/12/2020` …) are
   found and chained into groups by list and range links (`,` `và` `-` `đến`);
4. a group that opens the piece, or that a joining word (`trong`, `trước`,
   `từ` …) ties to the words before it, is a milestone; those words are its action.

The vocabulary is data, in the tables below: a new spelling is a new row.
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

import regex as re

from parsers.language.vocab import roman_to_int

KINDS = frozenset(
    {"date", "before", "from", "month", "quarter", "half", "year", "range", "period", "recurring", "event",
     "duration", "none", "unknown"}
)

# Years a plan can speak of. A number outside is a typo or no year at all, and
# a milestone is better unknown than dated in the year 202 or 20210.
FIRST_YEAR, LAST_YEAR = 1900, 2100


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------
# Dashes typed for a range or a bullet (en, em, minus, Unicode hyphens): all
# mean `-`, so one pattern reads them. `raw` and `action` keep them as typed.
DASHES = "–—−‐‑"
# Web-text cell marks and emphasis (`Hàng năm |`, `**Quý I**`): not words.
NOISE = "|*"
# Left behind by extraction, invisible, and able to split a word in two.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE)
# One character for one, so the text parsed and the text shown share offsets.
_FOR_PARSING = str.maketrans(DASHES + NOISE, "-" * len(DASHES) + " " * len(NOISE))
_DROP_NOISE = str.maketrans("", "", NOISE)

ALNUM = re.compile(r"[\p{L}\p{N}]")
WORD_START = r"(?<!\p{L})"  # a word starts here, not inside `quyết`, `trong` …


# ---------------------------------------------------------------------------
# Period atoms: the smallest expressions that name a span of days.
# ---------------------------------------------------------------------------
# `Quý`; `Quí` is the older spelling; `Quy`/`Qui` where the marks were lost.
QUARTER_WORD = r"qu[ýíyi]"

# How a year follows its month, quarter or day: `tháng 6/2021`, `Quí IV-2025`,
# `quý IV năm 2021`. After a slash or `năm` any digits are taken, so that
# `tháng 6/21` is read, and refused, rather than left as a year-less June.
# After a dash only four digits: `tháng 10 - 11/2021` is two months, not month
# 10 of the year 11.
YEAR_SUFFIX = (
    r"(?:\s*/\s*(?P<year>[0-9]+)(?![0-9/])"
    r"|\s*-\s*(?P<year>[0-9]{4})(?![0-9/])"
    r"|\s*,?\s+năm\s+(?P<year>[0-9]+)(?![0-9]))"
)

# Each row: the unit it names, and its pattern. Where two rows match at the
# same place the first row wins, so the longer readings come first: `năm
# 2021-2025` is a span of years before it is the year 2021.
ATOM_PATTERNS: list[tuple[str, re.Pattern]] = [
    # a span of years: `giai đoạn 2021-2025`, `2025 - 2030`, `thời kỳ 2021 - 2030`
    ("years", re.compile(
        rf"(?:{WORD_START}(?:giai\s+đoạn|thời\s+kỳ|năm)\s*)?(?<![0-9/.])"
        r"(?P<year>[0-9]{4})\s*-\s*(?P<year2>[0-9]{2,4})(?![0-9/])", re.I)),
    # a half year: `6 tháng đầu năm 2021`, `6 tháng cuối năm` (`06`, `sáu` too)
    ("half", re.compile(
        r"(?<![0-9\p{L}])(?:0?6|sáu)\s+tháng\s+(?P<half>đầu|cuối)(?:\s+năm)?"
        r"(?:\s+(?P<year>[0-9]{4})(?![0-9]))?", re.I)),
    # a day in words: `ngày 25 tháng 10 năm 2017`
    ("day", re.compile(
        rf"{WORD_START}ngày\s*(?P<day>[0-9]{{1,2}})\s+tháng\s*(?P<month>[0-9]{{1,2}})(?![0-9])"
        r"(?:\s*,?\s*năm\s*(?P<year>[0-9]+)(?![0-9]))?", re.I)),
    # a day in figures: `ngày 25/10/2017`, `31/ 8/2018`, `trước 31/12/2020`, `15/3`
    ("day", re.compile(
        rf"(?:{WORD_START}ngày\s*)?(?<![0-9/])(?P<day>[0-9]{{1,2}})\s*/\s*(?P<month>[0-9]{{1,2}})"
        r"(?:\s*/\s*(?P<year>[0-9]+))?(?![0-9/])", re.I)),
    # a month: `tháng 01/2021`, `tháng 12 năm 2021`, `Tháng 3-2025`, `tháng 6`
    ("month", re.compile(rf"{WORD_START}tháng\s*(?P<month>[0-9]{{1,2}})(?![0-9]){YEAR_SUFFIX}?", re.I)),
    # a month in figures alone: `06/2021` (a document number `30/2020/NĐ-CP` goes on with `/`)
    ("month", re.compile(r"(?<![0-9/\p{L}])(?P<month>[0-9]{1,2})\s*/\s*(?P<year>[0-9]{4})(?![0-9/])")),
    # a quarter: `Quý I/2021`, `quý IV năm 2021`, `Quý 2/2021`, `quý ii/2021`, `Quí IV-2025`
    ("quarter", re.compile(
        rf"{WORD_START}{QUARTER_WORD}\s*(?P<quarter>[ivx]+|[0-9]{{1,2}})(?![\p{{L}}0-9]){YEAR_SUFFIX}?", re.I)),
    # a year: `năm 2021`, `Năm 2026`
    ("year", re.compile(rf"{WORD_START}năm\s+(?P<year>[0-9]{{4}})(?![0-9])", re.I)),
    # a year alone: `2026`. Only 19xx and 20xx: other lone numbers are counts.
    ("year", re.compile(r"(?<![0-9/.:\p{L}])(?P<year>(?:19|20)[0-9]{2})(?![0-9/])")),
]

# A list or span may leave out the unit word after its first member: `Quý I,
# II/2021`, `tháng 10 - 11/2021`, `tháng 6 và 12/2021`. Tried before the full
# atoms, so that `Quý 1, 2/2021` is two quarters and not a quarter and February.
# Not followed by `/`: `15/7/2021` after a month is a day, read as a full atom.
CONTINUATIONS: dict[str, re.Pattern] = {
    "month": re.compile(rf"(?P<month>[0-9]{{1,2}})(?![0-9]){YEAR_SUFFIX}?(?!\s*/)", re.I),
    "quarter": re.compile(rf"(?P<quarter>[ivx]+|[0-9])(?![\p{{L}}0-9]){YEAR_SUFFIX}?(?!\s*/)", re.I),
}

# Links between atoms of one group: a list gives one milestone per member,
# a span one milestone from the first member's start to the last one's end.
LIST_LINK = re.compile(r"\s*,\s*(?:(?:và|hoặc)\s+)?|\s+(?:và|hoặc)\s+", re.I)
RANGE_LINK = re.compile(r"\s*-\s*|\s+(?:đến|tới)(?:\s+hết)?\s+", re.I)

# What each unit is as a milestone of its own.
KIND_OF_UNIT = {"day": "date", "month": "month", "quarter": "quarter", "half": "half", "year": "year",
                "years": "period"}
YEAR_UNITS = frozenset({"year", "years"})


# ---------------------------------------------------------------------------
# The words around a period
# ---------------------------------------------------------------------------
# Words that tie an action to its period, and what they make of the period:
#   within: the task is done in the period (`Ban hành Kế hoạch trong tháng 01/2021`);
#   before: a deadline. Before a day, that day: plans mean `trước ngày 31/12/2020`
#           to be met on the 31st. Before a longer period, the day before it
#           starts: `trước tháng 6/2021` is due by 31 May;
#   by:     a deadline on the last day of the period (`chậm nhất trong tháng 6`,
#           `đến hết năm 2025`);
#   from:   the period opens a span; with no end given the span is open, and unknown.
# `hoàn thành trước` is deadline wording as a whole, so it is no action.
JOINERS: dict[str, str] = {
    "trong": "within",
    "vào": "within",
    "ngay trong": "within",
    "trước": "before",
    "hoàn thành trước": "before",
    "chậm nhất": "by",
    "chậm nhất là": "by",
    "chậm nhất vào": "by",
    "chậm nhất trong": "by",
    "hạn chót": "by",
    "đến": "by",
    "đến hết": "by",
    "tới": "by",
    "từ": "from",
    "bắt đầu từ": "from",
}

# Words that narrow a period to a part of it with no set bounds (`cuối năm
# 2021`, `đầu quý II`): unknown, rather than widened to the whole period.
NARROWING_WORDS = ["cuối", "đầu", "giữa"]

# Words of a task that recurs or never stops: no one deadline. The milestone
# spans the year it runs in.
RECURRING_WORDS = [
    "thường xuyên",
    "thường niên",
    "liên tục",
    "định kỳ",
    # hằng and hàng are both written, in every document tier
    "hằng năm", "hàng năm",
    "hằng quý", "hàng quý",
    "hằng tháng", "hàng tháng",
    "hằng tuần", "hàng tuần",
    "hằng ngày", "hàng ngày",
]

# Wording that hangs a task on something else happening rather than on a
# date: the upper level's plan or instruction, a request, another document.
# A date inside such wording is the date of that document, not a deadline.
EVENT_PATTERNS = [
    r"sau\s+khi",  # Sau khi có văn bản của cấp trên; Sau khi UBND tỉnh ban hành …
    r"(?:ngay\s+)?khi\s+(?:có|được|cần)",  # Khi có yêu cầu
    r"đột\s+xuất",  # ad hoc
    r"theo\s+(?:kế\s+hoạch|chỉ\s+đạo|yêu\s+cầu|hướng\s+dẫn|quyết\s+định|nghị\s+quyết|"
    r"thời\s+gian|tiến\s+độ|lộ\s+trình|văn\s+bản|thông\s+báo|đề\s+nghị)",  # Theo kế hoạch của cấp trên
    r"trong\s+thời\s+gian(?=\s+\p{L})",  # Trong thời gian thông báo tuyển dụng …; not `trong thời gian 05 ngày`
]


# Units of a length of time, after its number: how long a step may take (`07 ngày`, `04 giờ làm việc`,
# `0,5 ngày`, `Không quá 17 ngày kể từ ngày nhận được hồ sơ`), as a procedure's steps give it. No date.
DURATION_UNITS = ["ngày làm việc", "giờ làm việc", "ngày", "giờ", "tuần", "tháng", "năm"]


# A cell that says no time is set for the step or counted against it (`Không tính thời gian` for the
# step that hands the result back, `Không quy định`): a statement, not a date the reader failed to read.
NO_TIME_PHRASES = ["không tính thời gian", "không quy định", "không quy định thời gian", "không xác định thời hạn"]


def _words(words) -> str:
    """One alternation of whole words, longest first, spaces as `\\s+`."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)


RECURRING = re.compile(rf"{WORD_START}(?:{_words(RECURRING_WORDS)})(?!\p{{L}})", re.I)
EVENT = re.compile(rf"{WORD_START}(?:{'|'.join(EVENT_PATTERNS)})(?!\p{{L}})", re.I)
DURATION = re.compile(rf"(?<![\p{{L}}\p{{N}}.,/])[0-9]+(?:[.,][0-9]+)?\s*(?:{_words(DURATION_UNITS)})(?!\p{{L}})", re.I)
NO_TIME = re.compile(rf"^\W*(?:{_words(NO_TIME_PHRASES)})\W*$", re.I)
# A column's header that gives the unit of its numbers (`Thời gian thực hiện (ngày làm việc)`), and a
# cell of that column that is a number alone (`0,5`, `8,25`): a length of time in that unit.
HEADER_UNIT = re.compile(rf"\(\s*(?P<unit>{_words(DURATION_UNITS)})\s*\)", re.I)
BARE_NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")


def header_unit(header: str) -> str | None:
    """The unit of time a column's header gives its numbers in, or None."""
    m = HEADER_UNIT.search(header)
    return " ".join(m.group("unit").lower().split()) if m else None

# What stands right before a group: a joining word, a narrowing word, or both
# (`trong cuối năm`), up to the group.
LEAD = re.compile(
    rf"(?:{WORD_START}(?P<joiner>{_words(JOINERS)})\s*)?(?:{WORD_START}(?P<narrow>{_words(NARROWING_WORDS)})\s*)?$",
    re.I,
)


# ---------------------------------------------------------------------------
# Pieces of a cell
# ---------------------------------------------------------------------------
# A sentence ends at a stop before a space; `;` ends a clause anywhere.
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|;")
# A bullet inside a line, before a capital: `… 01/2021 - Báo cáo …` (after a
# sentence end the stop already cuts). Not a dash before a period word, which
# links a span: `Quý IV/2025 - Quý II/2026`. `•` is a bullet anywhere.
PERIOD_START = rf"(?i:{QUARTER_WORD}|tháng|ngày|năm|giai\s+đoạn|thời\s+kỳ|[0-9])"
BULLET = re.compile(rf"(?<=\s)[-+](?=\s*\p{{Lu}})(?!\s*{PERIOD_START})|•")

# What surrounds an action and is no part of it: bullets, numbering, the
# punctuation left where a cell was cut, a linking `và` before a second action.
ACTION_HEAD = re.compile(r"^(?:[\s\-+•.,;:)\]]|(?:và|hoặc)\s|[0-9]{1,2}[.)]\s)+", re.I)
ACTION_TAIL = re.compile(r"[\s\-+•.,;:(\[]+$")


# ---------------------------------------------------------------------------
# The public face
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Milestone:
    seq: int  # 1-based order within the cell
    action: str  # the words before the period ("" if none)
    kind: str  # one of KINDS
    start: date | None
    end: date | None
    raw: str  # the part of the cell text this milestone came from


def milestones(text: str, plan_year: int | None = None, unit: str | None = None) -> list[Milestone]:
    """The milestones of one deadline cell, in the order the cell gives them.

    `plan_year` is the year of the plan; a period without a year (`Quý II`,
    `tháng 6`, `trước ngày 15/3`, `Thường xuyên`) falls in it. With no year in
    the text nor a plan year, the milestone keeps its kind (quarter, month,
    before, recurring …) and its dates are None. Start and end are inclusive;
    a `before` milestone has only an end. An impossible date (`31/02/2021`,
    `29/02/2021`, a two-digit year) makes the milestone `unknown`, and so does
    wording this module does not know. Never raises; empty text gives [].
    `unit`: the unit of time the cell's column gives its numbers in (header_unit): a number alone is then
    a duration.
    """
    if not isinstance(text, str):
        return []
    shown = " ".join(unicodedata.normalize("NFC", text).translate(_DROP_INVISIBLE).split())
    if not ALNUM.search(shown):
        return []
    if unit and BARE_NUMBER.match(shown):
        return [Milestone(1, "", "duration", None, None, shown)]
    parsed = shown.translate(_FOR_PARSING)
    year = plan_year if isinstance(plan_year, int) and FIRST_YEAR <= plan_year <= LAST_YEAR else None
    found: list[Milestone] = []
    for start, end in _pieces(parsed):
        for action, kind, first, last, raw in _read_piece(parsed[start:end], shown[start:end], year):
            found.append(Milestone(len(found) + 1, action, kind, first, last, raw))
    return found


def to_json_lines(texts: list[str], plan_year: int | None) -> list[dict]:
    """One dict per milestone of each text, dates as ISO strings: the rows of `plan-parse dates`.

    `text` is the milestone's own words (the piece of its input it was read
    from), `input` the number of that input (from 1): a long input of many
    milestones is not repeated on each of them.
    """
    return [
        {
            "input": number,
            "text": m.raw,
            "kind": m.kind,
            "start": m.start.isoformat() if m.start else None,
            "end": m.end.isoformat() if m.end else None,
            "action": m.action,
            "seq": m.seq,
        }
        for number, text in enumerate(texts, 1)
        for m in milestones(text, plan_year)
    ]


# ---------------------------------------------------------------------------
# Cutting a cell into pieces
# ---------------------------------------------------------------------------
def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the pieces of a cell: one per bullet or sentence that holds a period of its own."""
    cuts = {0, len(text)}
    cuts.update(m.end() for m in SENTENCE_END.finditer(text))
    cuts.update(m.start() for m in BULLET.finditer(text))
    bounds = sorted(cuts)
    pieces: list[list[int]] = []
    pending: int | None = None  # the start of leading text that waits for a period
    for start, end in zip(bounds, bounds[1:]):
        chunk = text[start:end]
        if not ALNUM.search(chunk):
            continue
        if pending is not None:
            start, pending = pending, None
        if _holds_period(chunk):
            pieces.append([start, end])
        elif pieces:
            pieces[-1][1] = end  # `TP. Hà Nội`, `HĐND - UBND`: a cut too many
        else:
            pending = start
    if pending is not None:
        pieces.append([pending, len(text)])
    return [(start, end) for start, end in pieces]


def _holds_period(text: str) -> bool:
    return bool(_next_atom(text, 0) or RECURRING.search(text) or EVENT.search(text))


def holds_time(text: str) -> bool:
    """Does the text name a time (a period, a recurrence, an event, a duration, no time at all)? What
    milestones() would read something of, without reading it."""
    return _holds_period(text) or bool(DURATION.search(text) or NO_TIME.match(text))


# ---------------------------------------------------------------------------
# Atoms and groups
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Atom:
    unit: str  # day, month, quarter, half, year, years
    start: int
    end: int
    bare: bool  # a lone number read as a year: a period only where it stands alone
    day: str | None = None
    month: str | None = None
    quarter: str | None = None
    half: str | None = None
    year: str | None = None
    year2: str | None = None


@dataclass(frozen=True, slots=True)
class _Group:
    atoms: tuple[_Atom, ...]
    links: tuple[str, ...]  # "list" or "range", between atoms[i] and atoms[i + 1]
    start: int
    end: int


def _atom(unit: str, m: re.Match) -> _Atom:
    bare = unit in YEAR_UNITS and m.group()[:1].isdigit()
    return _Atom(unit, m.start(), m.end(), bare, **m.groupdict())


def _next_atom(text: str, pos: int) -> _Atom | None:
    """The leftmost atom from pos; at one place, the first row of ATOM_PATTERNS."""
    best: _Atom | None = None
    for unit, pattern in ATOM_PATTERNS:
        m = pattern.search(text, pos)
        if m and (best is None or m.start() < best.start):
            best = _atom(unit, m)
    return best


def _atom_at(text: str, pos: int, unit: str) -> _Atom | None:
    """The atom that starts exactly at pos, the member of a list or span."""
    continuation = CONTINUATIONS.get(unit)
    m = continuation.match(text, pos) if continuation else None
    if m:
        return _atom(unit, m)
    for row_unit, pattern in ATOM_PATTERNS:
        m = pattern.match(text, pos)
        if m:
            return _atom(row_unit, m)
    return None


def _groups(text: str) -> list[_Group]:
    groups = []
    pos = 0
    while atom := _next_atom(text, pos):
        atoms, links, end = [atom], [], atom.end
        while True:
            for name, link in (("list", LIST_LINK), ("range", RANGE_LINK)):
                m = link.match(text, end)
                member = m and _atom_at(text, m.end(), atoms[-1].unit)
                if member:
                    atoms.append(member)
                    links.append(name)
                    end = member.end
                    break
            else:
                break
        groups.append(_Group(tuple(_inherit_years(atoms)), tuple(links), atom.start, end))
        pos = end
    return groups


def _inherit_years(atoms: list[_Atom]) -> list[_Atom]:
    """`tháng 6 và tháng 12/2021`, `Quý I, II/2021`: a member without a year takes the next given one."""
    out, year = [], None
    for atom in reversed(atoms):
        if atom.year is None and year is not None:
            atom = replace(atom, year=year)
        year = atom.year or year
        out.append(atom)
    return out[::-1]


# ---------------------------------------------------------------------------
# Reading a piece
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Anchor:
    group: _Group
    action_from: int  # where its action starts: the piece start or the end of the group before
    lead_start: int  # where its joining word starts (the group start if none)
    role: str  # within, before, by, from
    narrow: bool


def _read_piece(text: str, shown: str, year: int | None) -> list[tuple[str, str, date | None, date | None, str]]:
    """(action, kind, start, end, raw) for each milestone of one piece."""
    raw = shown.strip()
    groups = _groups(text)
    anchors = _anchors(text, groups)

    recurring = RECURRING.search(text)
    if recurring:
        cut = min([recurring.start()] + [a.lead_start for a in anchors[:1]])
        first, last = _years_of(groups, year)
        return [(_action(shown[:cut]), "recurring", first, last, raw)]

    if not anchors:
        event = EVENT.search(text)
        if event:
            return [(_action(shown[: event.start()]), "event", None, None, raw)]
        # No joining word and not at the start: the last group that is a
        # period in its own right (`Báo cáo Quý IV/2021`); a lone number is not.
        dated = [g for g in groups if not g.atoms[0].bare]
        if not dated:
            if NO_TIME.match(text):
                return [("", "none", None, None, raw)]
            duration = DURATION.search(text)
            if duration:
                return [("", "duration", None, None, raw)]  # the whole cell says it: `Không quá 17 ngày …`
            return [("", "unknown", None, None, raw)]
        anchors = [_Anchor(dated[-1], 0, dated[-1].start, "within", False)]

    out = []
    for i, anchor in enumerate(anchors):
        action = _action(shown[anchor.action_from : anchor.lead_start])
        if len(anchors) > 1:
            upto = anchors[i + 1].action_from if i + 1 < len(anchors) else len(shown)
            raw = shown[anchor.action_from : upto].strip(" ,")
        for kind, first, last in _resolve(anchor.group, anchor.role, anchor.narrow, year):
            out.append((action, kind, first, last, raw))
    return out


def _anchors(text: str, groups: list[_Group]) -> list[_Anchor]:
    """The groups that are milestones: those a joining word ties to an action, or that open the piece."""
    anchors = []
    action_from = 0
    for group in groups:
        lead = LEAD.search(text, action_from, group.start)
        assert lead is not None  # every part of LEAD is optional: it matches at least at group.start
        joiner, narrow = lead.group("joiner"), lead.group("narrow")
        if joiner or narrow or not ALNUM.search(text, action_from, lead.start()):
            role = JOINERS[" ".join(joiner.lower().split())] if joiner else "within"
            anchors.append(_Anchor(group, action_from, lead.start(), role, bool(narrow)))
            action_from = group.end
    return anchors


def _action(text: str) -> str:
    text = " ".join(text.translate(_DROP_NOISE).split())
    return ACTION_TAIL.sub("", ACTION_HEAD.sub("", text))


def _years_of(groups: list[_Group], year: int | None) -> tuple[date | None, date | None]:
    """Jan 1 – Dec 31 of the years a recurring task names, else of the plan year."""
    years = []
    for atom in (a for g in groups for a in g.atoms):
        for written in (atom.year, atom.year2):
            if written is None:
                continue
            with contextlib.suppress(ValueError):
                years.append(_year(written))
    if years:
        return date(min(years), 1, 1), date(max(years), 12, 31)
    if year is None:
        return None, None
    return date(year, 1, 1), date(year, 12, 31)


# ---------------------------------------------------------------------------
# From a group to dates
# ---------------------------------------------------------------------------
UNKNOWN = ("unknown", None, None)


def _resolve(group: _Group, role: str, narrow: bool, year: int | None) -> list[tuple[str, date | None, date | None]]:
    """One (kind, start, end) per member of the group's list; a span is one member."""
    if narrow:
        return [UNKNOWN]
    members: list[list[_Atom]] = [[group.atoms[0]]]
    for link, atom in zip(group.links, group.atoms[1:]):
        if link == "range":
            members[-1].append(atom)
        else:
            members.append([atom])
    return [_member(atoms, role, year) for atoms in members]


def _member(atoms: list[_Atom], role: str, year: int | None) -> tuple[str, date | None, date | None]:
    if len(atoms) > 2:
        return UNKNOWN  # `tháng 3 - 4 - 5`: no one reading
    try:
        spans = [_span(atom, year) for atom in atoms]
    except ValueError:
        return UNKNOWN
    if len(atoms) == 1:
        # `từ tháng 3/2021` and no end: a span open at its end, from the period's first day
        kind = "from" if role == "from" else KIND_OF_UNIT[atoms[0].unit]
    else:
        if role in ("before", "by"):
            return UNKNOWN  # a deadline on a span has no one reading either
        kind = "period" if all(a.unit in YEAR_UNITS for a in atoms) else "range"
    if role in ("before", "by"):
        kind = "before"
    known = [span for span in spans if span is not None]
    if len(known) < len(spans):
        return kind, None, None  # no year in the text and no plan year
    first, last = known[0][0], known[-1][1]
    if first > last:
        return UNKNOWN
    if role == "before":
        return kind, None, first if atoms[0].unit == "day" else first - timedelta(days=1)
    if role == "by":
        return kind, None, last
    if kind == "from":
        return kind, first, None
    return kind, first, last


def _year(written: str) -> int:
    if len(written) != 4:
        raise ValueError(f"not a four-digit year: {written}")
    year = int(written)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year out of range: {year}")
    return year


def _span(atom: _Atom, fallback_year: int | None) -> tuple[date, date] | None:
    """First and last day of an atom; None when no year is known; ValueError when it cannot be."""
    if atom.unit == "years":
        assert atom.year is not None and atom.year2 is not None  # both are required in the pattern of a span
        first_year, last_year = _year(atom.year), _year(atom.year2)
        if first_year > last_year:
            raise ValueError("span of years runs backwards")
        return date(first_year, 1, 1), date(last_year, 12, 31)
    year = _year(atom.year) if atom.year else fallback_year
    # Checked even with no year known: `31/02` is wrong in any year. 2000 is a
    # leap year, so `29/02` waits for its year to be judged.
    check_year = year if year is not None else 2000
    if atom.unit == "day":
        assert atom.month is not None and atom.day is not None  # required in both day patterns
        first = last = date(check_year, int(atom.month), int(atom.day))
    elif atom.unit == "month":
        assert atom.month is not None  # required in every month pattern
        first, last = _months(check_year, int(atom.month), int(atom.month))
    elif atom.unit == "quarter":
        assert atom.quarter is not None  # required in every quarter pattern
        q = int(atom.quarter) if atom.quarter.isdigit() else roman_to_int(atom.quarter)
        if q is None or not 1 <= q <= 4:
            raise ValueError(f"no quarter {atom.quarter}")
        first, last = _months(check_year, 3 * q - 2, 3 * q)
    elif atom.unit == "half":
        assert atom.half is not None  # required in the half-year pattern
        first, last = _months(check_year, *((1, 6) if atom.half.lower() == "đầu" else (7, 12)))
    else:  # year
        first, last = date(check_year, 1, 1), date(check_year, 12, 31)
    return (first, last) if year is not None else None


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    """First day of month `first` to last day of month `last`."""
    start = date(year, first, 1)
    after = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return start, after - timedelta(days=1)
