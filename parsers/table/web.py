"""Tables of a legal-database page: cells between lines that hold only `|`.

The page writes a table as a run of lines: a `|` line opens or closes a cell,
two `|` lines in a row end a table row, and a `|` line followed by a blank line
ends the table. The same marks also lay out the header block (issuer beside
the national title), the signature block (`Nơi nhận:` beside the signer) and
the site's metadata: those runs are layout, read as text, not as tables. A run
that joins a signature block and the next appendix's table is cut at the
appendix heading (`PHỤ LỤC`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex as re

from .. import vocab
from ..dates import DURATION, NO_TIME
from ..records import Line
from . import model, roles

BAR = "|"

# Cells that make a run layout: the header block, the closing block, the site's metadata.
LAYOUT_CELL = re.compile(
    r"^(?:CỘNG\s+H(?:ÒA|OÀ)\s+XÃ|Độc\s+lập\s*[-–—]|Số\s*:|Nơi\s+nhận\s*:|(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*\.?\s+\p{Lu}{2}|"
    r"Số\s+hiệu\s*:|Loại\s+văn\s+bản\s*:|Kính\s+gửi\s*:)"
)
# A cell that is only a label (`Kính gửi:`): the next cell is its value, layout too; but not a totals
# row's label (`Tổng thời gian thực hiện TTHC:`, TOTAL_LABEL), whose value is the table's.
LABEL_CELL = re.compile(r"^[\p{L} /]{2,30}:$")
SIGNATURE_OPENS = re.compile(r"^Nơi\s+nhận\s*:", re.M)
# An appendix heading in running text, where the page's appendices begin.
APPENDIX_MARK = re.compile(r"^\**\s*PHỤ\s+LỤC")
APPENDIX_HEADING = re.compile(r"^\s*PHỤ\s+LỤC\b|^\s*Phụ\s+lục\s*(?:[IVXLC]+|\d+)?\s*$")


@dataclass(frozen=True, slots=True)
class WebCell:
    lines: tuple[Line, ...]
    text: str  # normalised, lines joined by "\n"


@dataclass(frozen=True, slots=True)
class Run:
    """A run of `|`-marked lines: rows of cells, or None where a row ended."""

    items: tuple[WebCell | None, ...]  # cells in order; None marks a row break
    first: int  # index of its first line in the page's lines
    last: int  # index of its last line


def runs(lines: list[Line], texts: list[str]) -> list[Run]:
    """Every `|` run of the lines, as the page marks them (see the module docstring); `texts`: each line's
    text normalised (parsers.clean.normalise), as the cells hold it."""
    bars = [i for i, l in enumerate(lines) if l.text.strip() == BAR]
    out: list[Run] = []
    items: list[WebCell | None] = []
    first = None
    for a, b in zip(bars, bars[1:]):
        if first is None:
            first = a
        stretch = lines[a + 1:b]
        # extraction drops blank lines; a gap in the source line numbers is one
        blank_after_bar = (lines[a + 1].source_line or 0) - (lines[a].source_line or 0) > 1 if a + 1 < len(lines) else True
        if stretch and blank_after_bar:
            out.append(Run(tuple(items), first, a))
            items, first = [], None
            continue
        if stretch:
            items.append(WebCell(tuple(stretch), "\n".join(t for t in texts[a + 1:b] if t)))
        elif items and items[-1] is not None:
            items.append(None)  # `|` `|`: the row ends
    if first is not None and bars:
        out.append(Run(tuple(items), first, bars[-1]))
    return out


def is_layout(cell: WebCell) -> bool:
    texts = cell.text.split("\n")
    joined = " ".join(texts)  # a date wrapped in its cell: `Hà Nội, ngày 20` / `tháng 11 năm 2025`
    return (any(LAYOUT_CELL.match(t) or (vocab.is_caps(t) and vocab.doc_type_of(t)) for t in texts)
            or bool(vocab.may_hold_date(joined) and vocab.PLACE_DATE_LOOSE.match(joined))
            or bool(cell.text and vocab.SIGNER_TITLES.match(texts[0])))


def split_run(run: Run, furniture=lambda cell: False, in_appendix: bool = False,
              signature: bool = False) -> list[tuple[str, list[WebCell | None]]]:
    """The run's pieces, in order: ("heading", [cell]) for an appendix heading in a cell, ("layout", cells)
    for header, closing-block and furniture cells, ("table", items) for two or more cells of data, and
    ("text", [cell]) for a lone cell (a stretch of text between two marks, not a table).

    A cell holding `Nơi nhận` opens a signature block: its cells are layout up to the next heading
    (`signature`: a block that an earlier run opened is still open).
    In an appendix every other cell is the appendix's: a form's header block printed there is a table
    of the form, and a lone cell a table of one cell."""
    pieces: list[tuple[str, list[WebCell | None]]] = []
    current: list[WebCell | None] = []

    def close() -> None:
        cells = [c for c in current if c is not None]
        filled = [c for c in cells if c.text.strip()]
        if len(filled) >= 2 or (filled and in_appendix):
            pieces.append(("table", list(current)))
        elif cells:
            pieces.append(("text", cells))
        current.clear()

    label_before = False
    for item in run.items:
        if item is None:
            if current:
                current.append(None)
            continue
        flat = " ".join(item.text.split())
        value_of_label, label_before = label_before, bool(LABEL_CELL.match(flat)) and not TOTAL_LABEL.match(flat)
        if any(APPENDIX_HEADING.match(t) for t in item.text.split("\n")):
            close()
            pieces.append(("heading", [item]))
            signature, in_appendix = False, True
        elif furniture(item) or signature or SIGNATURE_OPENS.search(item.text) or (
                not in_appendix and (value_of_label or is_layout(item))):
            close()
            pieces.append(("layout", [item]))
            signature = signature or bool(SIGNATURE_OPENS.search(item.text))
            if signature and vocab.SIGNER_NAME.match(item.text.split("\n")[-1]):
                signature = False  # the closing block ends at the signer's name
        else:
            current.append(item)
    close()
    return pieces


def to_table(items: list[WebCell | None]) -> model.Table:
    rows: list[list[WebCell]] = [[]]
    for item in items:
        if item is None:
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(item)
    rows = [r for r in rows if r]
    header_rows = roles.header_row_count([[c.text for c in r] for r in rows])
    repeats: set[int] = set()
    if header_rows == 1:
        rows, repeats = _header_repeats(rows)
    lines = tuple(l for r in rows for c in r for l in c.lines)
    placed, repeats = _place_totals(rows, header_rows, repeats)
    return model.build("web", placed, header_rows, lines, repeats)


# A totals row: its label (`Tổng thời gian giải quyết TTHC`, `Tổng cộng`) spans the leading columns,
# its values (`56 giờ làm việc`, `1.500.000.000`) stand under the columns they belong to.
TOTAL_LABEL = re.compile(r"^(?:Tổng|TỔNG|Cộng|CỘNG)\b")
# The shapes of a value, to find the column a totals row's value belongs to: the one whose cells are
# most often of its shape (a procedure's steps last `04 giờ làm việc`; its fees are `10.000 đồng`).
VALUE_SHAPES: list[tuple[str, re.Pattern]] = [
    ("duration", re.compile(rf"^(?:{DURATION.pattern})|{NO_TIME.pattern}", re.I)),
    ("number", re.compile(r"^[\d.,]*\d\s*(?:%|\p{Ll}[\p{Ll}/ ]*)?$")),  # `100`, `69,87%`, `95.000.000 đồng/năm`
]


# What opens the next list of a table (`B. LĨNH VỰC DI SẢN VĂN HÓA`, `Quy trình số 02`, `2. Thủ tục …`,
# `b) Trường hợp …`), or its header: after a totals row's values, a row of its own whose break the page lost.
NEXT_LIST = re.compile(r"^(?:Quy\s+trình\b|(?:[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*)[.)]\s|\p{Ll}\)\s|Số\s+TT\b|STT\b|TT\b|Bước\b)")


def _shape(text: str) -> str | None:
    flat = " ".join(text.split())
    return next((name for name, pattern in VALUE_SHAPES if pattern.match(flat)), None)


def _place_totals(rows: list[list[WebCell]], header_rows: int, repeats: set[int]) -> tuple[list[list], set[int]]:
    """The rows as model.build takes them, a totals row placed: its label from the first column up to its
    values, each value under the column most of whose cells share its shape (_profile; the last such, where
    several do). Where the page lost the row break after the values, the next list that follows them is a
    row of its own (`… | 03 ngày làm việc | B. LĨNH VỰC DI SẢN VĂN HÓA`); where it showed the empty cells
    between label and values as a row break, the label's row and the values' are one. Returns the rows and
    the indices of the header's repeats among them."""
    width = max(len(r) for r in rows)
    profile = None
    out: list[list] = []
    moved: set[int] = set()
    k = 0
    while k < len(rows):
        index, row = k, rows[k]
        if index in repeats:
            moved.add(len(out))
        k += 1
        is_total = index >= header_rows and TOTAL_LABEL.match(row[0].text) is not None
        if (is_total and len(row) == 1 and k < len(rows) and len(rows[k]) < width
                and _shape(rows[k][0].text) is not None):
            row = row + rows[k]  # the label's empty cells, shown as a row break (see the module docstring)
            k += 1
        plain = [(c.text, c.lines, {}) for c in row]
        if not is_total or len(row) < 2 or _shape(row[1].text) is None:
            out.append(plain)
            continue
        shapes = [_shape(c.text) for c in row]
        end = 1
        while end < len(row) and (shapes[end] is not None or not row[end].text.strip()):
            end += 1
        if (end == len(row) == width) or (end < len(row) and not NEXT_LIST.match(row[end].text)):
            out.append(plain)  # a totals row of every column, or with cells of another kind: as it stands
            continue
        if profile is None:
            profile = _profile(rows[header_rows:], width)
        values = range(1, end)
        starts = range(1, width - len(values) + 1)
        start = max(starts, key=lambda s: (sum(profile[s + v - 1].get(shapes[v], 0.0) for v in values), s))
        out.append([(row[0].text, row[0].lines, {"col": 0, "col_span": start})]
                   + [(row[v].text, row[v].lines, {"col": start + v - 1}) for v in values])
        if end < len(row):
            out.append(plain[end:])
    return out, moved


def _profile(rows: list[list[WebCell]], width: int) -> list[dict[str, float]]:
    """Per column, the share of each value shape among the cells of the rows of the table's usual width
    (the most common; the widest where several are), whose cells stand in their columns one by one."""
    usual = max(Counter(len(r) for r in rows if len(r) > 1).items(), key=lambda item: (item[1], item[0]),
                default=(width, 0))[0]
    full = [r for r in rows if len(r) == usual]
    return [{name: sum(_shape(r[c].text) == name for r in full) / max(1, len(full)) for name, _ in VALUE_SHAPES}
            if c < usual else {} for c in range(width)]


# A cell of a header printed again that names no role (`Bước thực hiện` over the steps) is short.
REPEAT_CELL_MAX_WORDS = 4


def _header_repeats(rows: list[list[WebCell]]) -> tuple[list[list[WebCell]], set[int]]:
    """A table of several lists, each under a header of its own (`Bước thực hiện | Nội dung công việc |
    Đơn vị thực hiện | Thời gian thực hiện` above each procedure's steps): the rows that print the header
    again, its words or others naming two or more of its columns, are header rows. Where the page lost the row
    break before such a header, it is cut from the row it ends (`Quy trình số 02 …` | `Bước thực hiện`
    | …). Returns the rows, so cut, and the indices of the repeats."""
    width = len(rows[0])
    named = {roles.header_role(c.text) for c in rows[0]} - {None}
    own = [roles.fold(c.text) for c in rows[0]]
    out, repeats = [rows[0]], set()
    for row in rows[1:]:
        if len(row) > width and _repeats_header(row[-width:], named, own):
            out.append(row[:-width])
            row = row[-width:]
        if len(row) == width and _repeats_header(row, named, own):
            repeats.add(len(out))
        out.append(row)
    return out, repeats


def _repeats_header(cells: list[WebCell], named: set[str], own: list[str]) -> bool:
    """Do these cells name two or more of the header's columns, every other cell short or the header's
    own words in its place (`Mức độ Dịch vụ công`)?"""
    found = [roles.header_role(c.text) for c in cells]
    return (len(set(found) & named) >= 2
            and all(r is not None or len(c.text.split()) <= REPEAT_CELL_MAX_WORDS or roles.fold(c.text) == mine
                    for r, c, mine in zip(found, cells, own)))
