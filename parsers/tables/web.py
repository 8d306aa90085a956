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

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import regex as re

from parsers.facts.dates import DURATION, NO_TIME, holds_time
from parsers.language import vocab
from parsers.model.records import Line
from parsers.tables import model, roles

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
    text normalised (parsers.structure.clean.normalise), as the cells hold it."""
    bars = [i for i, l in enumerate(lines) if l.text.strip() == BAR]
    out: list[Run] = []
    items: list[WebCell | None] = []
    first = None
    for a, b in zip(bars, bars[1:]):
        if first is None:
            first = a
        stretch = lines[a + 1:b]
        # extraction drops blank lines; a gap in the source line numbers is one
        blank_after_bar = ((lines[a + 1].source_line or 0) - (lines[a].source_line or 0) > 1 if a + 1 < len(lines)
                           else True)
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
              signature: bool = False) -> list[tuple[str, Sequence[WebCell | None]]]:
    """The run's pieces, in order: ("heading", [cell]) for an appendix heading in a cell, ("layout", cells)
    for header, closing-block and furniture cells, ("table", items) for two or more cells of data, and
    ("text", [cell]) for a lone cell (a stretch of text between two marks, not a table).

    A cell holding `Nơi nhận` opens a signature block: its cells are layout up to the next heading
    (`signature`: a block that an earlier run opened is still open).
    In an appendix every other cell is the appendix's: a form's header block printed there is a table
    of the form, and a lone cell a table of one cell."""
    pieces: list[tuple[str, Sequence[WebCell | None]]] = []
    current: list[WebCell | None] = []

    def close() -> None:
        cells = [c for c in current if c is not None]
        filled = [c for c in cells if c.text.strip()]
        if len(filled) >= 2 or (filled and in_appendix):
            pieces.extend(_tables_of_run(list(current), in_appendix))
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


# Two tables the page sets one after the other, with nothing between them but a heading (`II. DANH MỤC THỦ
# TỤC HÀNH CHÍNH BỊ BÃI BỎ`), read as one run of cells: the second opens with a header of its own, as lists
# open theirs: with the number column (`STT`, `Số TT`), each of its cells opening in bold, none a value (a
# data row does not open every cell in bold; a totals row holds values). A header cell's name is in bold, a
# note or a footnote's mark after it need not be: `**Danh hiệu **(Nghệ nhân nhân dân/ Nghệ nhân ưu tú)`,
# `**Mã ngành**5`, `**Số kiểm kê ***(nếu có)*`. A header that repeats the first table's, every column of it
# (_repeats_header), goes on with it (a list of procedures under one header, printed again). A heading in the
# header's row, where the page lost the break after it, is a cell of its own between the two tables; so is a
# heading run into the first table's header.


def _tables_of_run(items: list[WebCell | None], in_appendix: bool) -> list[tuple[str, Sequence[WebCell | None]]]:
    """A table's items as pieces ("table", items), one for each table that opens with a header of its own
    (see above), and a heading run into such a header's row as a lone cell is (split_run): a table of one
    cell in an appendix, text elsewhere."""
    rows = _item_rows(items)
    lone = "table" if in_appendix else "text"
    top = _cells_at(items, rows[0])
    if _header_at(top) == 1:  # the table's own heading, run into its header
        return [(lone, [top[0]])] + _tables_of_run(items[rows[0][1]:], in_appendix)
    header_rows = _header_rows([_cells_at(items, row) for row in rows[:2]])
    if len(rows) <= header_rows:
        return [("table", items)]
    named = {roles.header_role(c.text) for c in top} - {None}
    own = [roles.fold(c.text) for c in top]
    for k in range(max(header_rows, 1), len(rows)):  # a table without a header may run into a list's too
        cells = _cells_at(items, rows[k])
        at = _header_at(cells, k > header_rows)
        if at is None or (len(cells) - at >= len(top) and _repeats_header(cells[at:at + len(top)], named, own)):
            continue  # no header, or the table's own printed again, every column of it
        heading = [(lone, [cells[at - 1]])] if at else []
        return ([("table", items[:rows[k][at - len(heading)]])] + heading +
                _tables_of_run(items[rows[k][at]:], in_appendix))
    return [("table", items)]


def _header_rows(rows: list[list[WebCell]]) -> int:
    """How many of the table's leading rows are its header: as the roles read the names (roles.header_row_count),
    or else one, a list's header whatever names its columns, as a PDF's table is read (grid.py): its first row
    opens with the number column and names others beside it (roles.opens_list), in bold or not."""
    texts = [[c.text for c in r] for r in rows]
    return roles.header_row_count(texts) or int(bool(texts) and roles.opens_list(texts[0]))


def _item_rows(items: Sequence[WebCell | None]) -> list[list[int]]:
    """The rows of a run's items, each the indices of its cells: a None ends a row (see Run)."""
    rows: list[list[int]] = [[]]
    for i, item in enumerate(items):
        if item is None:
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(i)
    return [r for r in rows if r]


def _cells_at(items: Sequence[WebCell | None], row: list[int]) -> list[WebCell]:
    """The cells at a row's indices (_item_rows); these are never None (a None only ends a row)."""
    return [cell for i in row if (cell := items[i]) is not None]


def _header_at(cells: list[WebCell], from_start: bool = True) -> int | None:
    """Where in this row a list's header (see above) begins: at its first cell, or (the page having lost the
    break before it) after a heading (_heading), itself after the row's own cells or not; None where it
    holds none. `from_start`: whether a header at the row's first cell counts."""
    for at in range(0 if from_start else 1, len(cells) - 1):
        if at and not _heading(cells[at - 1]):
            continue
        header = [c for c in cells[at:] if c.text.strip()]
        if (len(header) >= 2 and roles.header_role(header[0].text) == "row_no"
                and all(_opens_in_bold(c) and _shape(c.text) is None for c in header)):
            return at
    return None


def _heading(cell: WebCell) -> bool:
    """A title (`**QUY TRÌNH NỘI BỘ, …**` over `*(Kèm theo Quyết định …)*`, `## II.` over `DANH MỤC …`): it
    opens in bold or as a markdown heading, longer than a column's name, no value."""
    return (len(cell.text.split()) > REPEAT_CELL_MAX_WORDS and cell.lines[0].text.strip().startswith(("**", "#"))
            and _shape(cell.text) is None)


# A cell that opens in bold: its first words (`**Số** **TT**`, `**Danh hiệu **(Nghệ nhân …)`, `***Giai đoạn*`).
OPENS_IN_BOLD = re.compile(r"^\*\*+\s*[\p{L}\d]")


def _opens_in_bold(cell: WebCell) -> bool:
    """Does the cell open in bold: the whole of it (`**Tên VBQPPL quy định` / `việc bãi bỏ TTHC**`) or its
    first words, a note after them (`**Danh hiệu **(Nghệ nhân nhân dân/ Nghệ nhân ưu tú)`)?"""
    return bool(OPENS_IN_BOLD.match(cell.lines[0].text.strip())) if cell.lines else False


def to_table(items: Sequence[WebCell | None]) -> model.Table:
    rows = [_cells_at(items, row) for row in _item_rows(items)]
    header_rows = _header_rows(rows)
    repeats: set[int] = set()
    if header_rows == 1:
        rows, repeats = _header_repeats(rows)
    lines = tuple(l for r in rows for c in r for l in c.lines)
    placed, repeats = _place_totals(rows, header_rows, repeats)
    placed, repeats = _place_narrow(placed, header_rows, repeats)
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
NEXT_LIST = re.compile(r"^(?:Quy\s+trình\b|(?:[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*)[.)]\s|\p{Ll}\)\s|"
                       r"Số\s+TT\b|STT\b|TT\b|Bước\b)")


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
        plain: list[tuple[str, tuple[Line, ...], dict]] = [(c.text, c.lines, {}) for c in row]
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


def _profile(rows: list[list[WebCell]], width: int) -> list[dict[str | None, float]]:
    """Per column, the share of each value shape among the cells of the rows of the table's usual width
    (the most common; the widest where several are), whose cells stand in their columns one by one."""
    usual = max(Counter(len(r) for r in rows if len(r) > 1).items(), key=lambda item: (item[1], item[0]),
                default=(width, 0))[0]
    full = [r for r in rows if len(r) == usual]
    return [{name: sum(_shape(r[c].text) == name for r in full) / max(1, len(full)) for name, _ in VALUE_SHAPES}
            if c < usual else {} for c in range(width)]


# A row narrower than its table: the page writes no cell where one above spans down over the row (an
# HTML rowspan), wherever that column stands (`STT`, the lead agency and the task group over several tasks
# at the left; a shared legal basis at the right; a shared unit in the middle). Its cells stand in the
# columns they read like: each column is learned from the table's rows of full width, by the words and
# marks of its cells (_features) and by what its header names, and the cells are laid in order over the
# columns where they fit best together, the cell above each column skipped spanning down over the row.
# Laid otherwise than from the left, a row must fit better by NARROW_MARGIN (log-odds). Right-aligned, the
# cells above its leading columns spanning down (a step's number and agency over its second line of work:
# `B2` | `Phòng Văn hóa - Xã hội` over `Chuyên viên được phân công` | `Dự thảo …` | `1/4 ngày`), is the
# other usual shape: a row whose cells are of the value shapes of the last columns' cells (_Columns.shaped_like:
# no words under numbers) and fit there better than from the left by NARROW_MARGIN stands there, unless
# another way beats that by NARROW_MARGIN again. Not so placed: a section's label and title (`II` | `LĨNH VỰC
# …`) and a totals row, laid from the left, the last cell spanning the rest. The page also shows an empty
# cell as a row break: a row so broken is joined again (_join_broken).
# With fewer than MIN_FULL_ROWS full rows the columns are not learned; but where the one full row stands right
# under the header, the rows after it that are narrower stand from the left and the cells above the columns
# they lack span down (one law repealing every procedure of a list, its cell in the first row only).
NARROW_MARGIN = 3.0
MIN_FULL_ROWS = 2  # rows of full width needed to learn the columns from
# What a column's header says its cells hold, counted as if ROLE_PRIOR_ROWS rows had shown it: a deadline
# column holds times, a row-number column labels.
ROLE_MARKS: dict[str, tuple[str, ...]] = {"deadline": ("<when:True>",), "row_no": ("<opens:label>",)}
ROLE_PRIOR_ROWS = 2
GAP_COST = 1.0  # per run of columns a row skips: cells spanning down stand side by side
SPAN_ON = 1.0  # per skipped column whose cell above spans rows already: a shared cell goes on more than it ends
CELL_SMOOTHING = 5.0  # pseudo-count of the table-wide distribution in each column's
CELL_CLIP = 3.0  # bound on a feature's log-odds: no single word decides a column
WORDS_WEIGHT = 3.0  # a cell's words together weigh as much as one of its marks at most
LENGTHS = ((1, "1"), (3, "2-3"), (8, "4-8"), (20, "9-20"))  # a cell's length in words, as a feature
# A row's number or a section's label alone in its cell, by its form: sections and rows are numbered apart.
LABEL_FORMS: list[tuple[str, re.Pattern]] = [
    ("roman", re.compile(r"^[IVXLC]+[.)]?$")),
    ("letter", re.compile(r"^[A-ZĐ][.)]?$")),
    ("number", re.compile(r"^\d{1,3}[.)]?$")),
    ("dotted", re.compile(r"^(?:[IVXLC]+|[A-ZĐ]|\d{1,3})(?:\.\d{1,3})+[.)]?$")),  # `1.2`, `III.1.2`
]
ITEM_BREAK = re.compile(r"[;,\n]|\s[-–+•]\s")  # between the items of a list (`Sở Công Thương; Ban Quản lý …`)
CELL_WORD = re.compile(r"[\p{L}\d][\p{L}\d./,%-]*")  # a word, a number or a code (`2.002709`, `31/12/2025`)


@lru_cache(maxsize=4096)
def _features(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a cell's column is read from: its words (numbers as one), and its marks: its value shape, how it
    opens, its length, whether it reads as a time (a deadline, a duration). Each set in sorted order: their
    odds are added up in it, and a set of strings is iterated in an order that changes from one process to
    the next (string hashing is seeded), which moved a near tie's sum, and a cell, between runs."""
    flat = " ".join(text.split())
    words = {("0" if w[:1].isdigit() else w) for w in CELL_WORD.findall(flat.lower())}
    n = len(flat.split())
    opens = ("empty" if not flat else "label" if _label_form(flat) else "dash" if flat[0] in "-–+•"
             else "digit" if flat[0].isdigit() else "upper" if flat[0].isupper() else "other")
    items = sum(1 for part in ITEM_BREAK.split(text) if part.strip()[:1].isupper())  # a list of names, or one
    length = next((name for most, name in LENGTHS if n <= most), "20+")
    marks = {f"<shape:{_shape(flat)}>", f"<length:{length}>", f"<opens:{opens}>", f"<when:{holds_time(flat)}>",
             f"<items:{min(items, 2)}>"}
    return tuple(sorted(words)), tuple(sorted(marks))


class _Columns:
    """Each column's words and marks (_features), counted over cells known to stand in it, and over what
    its header says it holds (ROLE_MARKS)."""

    def __init__(self, rows: list[list], width: int, header: list[str | None]):
        words: list[Counter[str]] = [Counter() for _ in range(width)]
        marks: list[Counter[str]] = [Counter() for _ in range(width)]
        for c, role in enumerate(header):
            if role is None:
                continue  # a column whose header names no role: nothing it says its cells hold
            for mark in ROLE_MARKS.get(role, ()):
                marks[c][mark] += ROLE_PRIOR_ROWS
        # the value shapes of each column's filled cells
        self.shapes: list[Counter[str | None]] = [Counter() for _ in range(width)]
        for row in rows:
            for c, (text, _, _) in enumerate(row):
                cell_words, cell_marks = _features(text)
                words[c].update(cell_words)
                marks[c].update(cell_marks)
                if text.strip():
                    self.shapes[c][_shape(text)] += 1
        self.words, self.marks = _Odds(words), _Odds(marks)
        self.known: dict[str, list[float]] = {}

    def shaped_like(self, text: str, c: int) -> bool:
        """Is the cell of a value shape (_shape: a time, a number, or none: words) that half of column c's
        cells have at least? An empty cell is of any column's shape."""
        total = self.shapes[c].total()
        return not text.strip() or self.shapes[c][_shape(text)] * 2 >= total

    def fits(self, text: str) -> list[float]:
        """How well a cell reads as one of each column: its marks' log-odds, and its words' on average (a long
        cell's many words weigh no more than a short one's few), each bounded by CELL_CLIP."""
        found = self.known.get(text)
        if found is None:
            words, marks = _features(text)
            found = self.known[text] = [
                sum(self.marks.of(c, m) for m in marks)
                + (WORDS_WEIGHT * sum(self.words.of(c, w) for w in words) / len(words) if words else 0.0)
                for c in range(len(self.marks.columns))]
        return found


class _Odds:
    """log P(feature | column) / P(feature) from counts per column, each column's smoothed towards the
    table's, bounded by CELL_CLIP; each read once."""

    def __init__(self, columns: list[Counter]):
        self.columns = columns
        self.table = sum(columns, Counter())
        self.sizes = [c.total() for c in columns]
        self.size, self.kinds = self.table.total(), len(self.table)
        self.known: dict[tuple[int, str], float] = {}

    def of(self, c: int, feature: str) -> float:
        odds = self.known.get((c, feature))
        if odds is None:
            bg = (self.table[feature] + 0.5) / (self.size + 0.5 * (self.kinds + 1))
            ratio = (self.columns[c][feature] + CELL_SMOOTHING * bg) / (self.sizes[c] + CELL_SMOOTHING) / bg
            odds = self.known[c, feature] = max(-CELL_CLIP, min(CELL_CLIP, math.log(ratio)))
        return odds


def _place_narrow(rows: list[list], header_rows: int, repeats: set[int]) -> tuple[list[list], set[int]]:
    """The rows, each narrower than the table placed in the columns its cells read like (see NARROW_MARGIN),
    the cell above a column it skips spanning down over it; a row the page broke at an empty cell joined
    again (_join_broken). Returns the rows and the indices of the header's repeats among them."""
    width = max((len(r) for r in rows), default=0)
    data = [k for k in range(header_rows, len(rows)) if k not in repeats]
    full = [rows[k] for k in data if len(rows[k]) == width and not any(x for _, _, x in rows[k])]
    learned = len(full) >= MIN_FULL_ROWS
    if not learned and not (header_rows and data and any(rows[data[0]] is r for r in full)):
        return rows, repeats  # too few full rows to learn from, and none right under the header to span down
    # The form of the table's row numbers: the commonest of its full rows' first cells that is a label.
    row_label = max(Counter(_label_form(r[0][0]) for r in full).items(),
                    key=lambda item: (item[0] is not None, item[1]))[0]
    if not any(_narrow(rows[k], width, row_label) for k in data):
        return rows, repeats
    last_header = rows[header_rows - 1] if header_rows else []
    header: list[str | None] = (
        [roles.header_role(t) for t, _, _ in last_header] if len(last_header) == width else [None] * width)
    columns = _Columns(full, width, header)
    out, repeats, joined = _join_broken(rows, header_rows, repeats, width, row_label, columns)
    above: list[dict | None] = [None] * width  # per column, the extras of the one-column data cell over it
    for k, row in enumerate(out):
        if k < header_rows or k in repeats:
            above = [None] * width
            continue
        cols = None
        if k in joined:
            above = [None] * width  # its skipped columns are empty cells: nothing above spans down
        elif _narrow(row, width, row_label):
            cols = _best_columns(row, width, columns, {c: cell_above.get("row_span", 1) > 1
                                                       for c in range(width) if (cell_above := above[c]) is not None},
                                 learned)
        spanned_down: set[int] = set()
        if cols is not None:
            row[:] = [(text, lines, {**extra, "col": c}) for (text, lines, extra), c in zip(row, cols)]
            spanned_down = {c for c in set(range(width)) - set(cols) if above[c] is not None}
            for c in spanned_down:
                spanning = above[c]
                assert spanning is not None  # spanned_down holds only columns with a cell above
                spanning["row_span"] = spanning.get("row_span", 1) + 1
        covering: list[dict | None] = [above[c] if c in spanned_down else None for c in range(width)]
        for i, (_, _, extra) in enumerate(row):
            col, span = extra.get("col", i), extra.get("col_span", 1)
            if "col" not in extra and i == len(row) - 1:
                span = width - col  # model.build: the last cell of a row laid from the left spans the rest
            for x in range(col, min(width, col + span)):
                covering[x] = extra if span == 1 else None
        above = covering
    return out, repeats


def _join_broken(rows: list[list], header_rows: int, repeats: set[int], width: int, row_label: str | None,
                 columns: _Columns) -> tuple[list[list], set[int], set[int]]:
    """The rows with each row the page broke at an empty cell joined again: a row opening with the table's
    row number (`7` | `Thủ tục hỗ trợ đầu tư …`) and the next, which opens with none (`Du lịch` | `Quyết
    định số 1106/QĐ-UBND` | …), together no wider than the table. The first part keeps its columns from
    the left; the second stands in the columns after it where its cells fit best; the columns between, the
    empty cells, stay empty. Returns the rows, the indices of the header's repeats among them, and those
    of the rows joined."""
    out: list[list] = []
    moved: set[int] = set()
    joined: set[int] = set()
    last_number = None  # the number of the last row that opened with one
    k = 0
    while k < len(rows):
        row = list(rows[k])
        numbered = k >= header_rows and row_label == "number" and _label_form(row[0][0]) == "number"
        if numbered:
            previous, last_number = last_number, _number(row[0][0])
        else:
            previous = None
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if k in repeats:
            moved.add(len(out))
        if (numbered and nxt is not None and k not in repeats and k + 1 not in repeats
                and 2 <= len(row) < width and 1 <= len(nxt) < width and len(row) + len(nxt) <= width
                and not any(x for _, _, x in row + nxt) and _label_form(nxt[0][0]) is None
                and not _totals_row(nxt) and not NEXT_LIST.match(nxt[0][0])):  # nor a section's title
            n = len(row)
            scores = [columns.fits(text) for text, _, _ in row + nxt]

            def fit(cells: range, cols, scores=scores) -> float:
                return sum(scores[i][c] for i, c in zip(cells, cols))

            first, second = range(n), range(n, len(scores))
            cols = _in_order(scores[n:], range(n, width))
            # Joined, the first part stands from the left, its number first, and the second after it. The number
            # must go on from the last row's, or start a run (a number that does not is a cell of figures, not a
            # row's opening), and the second part read better after it than from the left.
            if ((last_number == 1 or previous is not None and last_number == previous + 1) and
                    fit(second, cols) >= fit(second, range(len(nxt)))):
                joined.add(len(out))
                out.append([(t, l, {**x, "col": c}) for (t, l, x), c in zip(row + nxt, list(first) + list(cols))])
                k += 2
                continue
        out.append(row)
        k += 1
    return out, moved, joined


def _number(text: str) -> int | None:
    digits = re.match(r"\d+", text.strip())
    return int(digits.group()) if digits else None


def _narrow(row: list, width: int, row_label: str | None) -> bool:
    """Is the row one of a table's data rows, narrower than the table, that _place_narrow places?"""
    return (2 <= len(row) < width and not any(x for _, _, x in row)
            and not _section_row(row, row_label) and not _totals_row(row))


def _in_order(scores: list[list[float]], columns: range) -> list[int]:
    """The columns, in order, one per cell, where the cells fit best (scores[cell][column])."""
    n, cols = len(scores), list(columns)
    best = [[-math.inf] * len(cols) for _ in range(n)]
    back = [[-1] * len(cols) for _ in range(n)]
    for j in range(len(cols) - n + 1):
        best[0][j] = scores[0][cols[j]]
    for i in range(1, n):
        lead, at = -math.inf, -1
        for j in range(i, len(cols) - n + i + 1):
            if best[i - 1][j - 1] > lead:
                lead, at = best[i - 1][j - 1], j - 1
            best[i][j], back[i][j] = lead + scores[i][cols[j]], at
    j = max(range(n - 1, len(cols)), key=lambda j: best[n - 1][j])
    out = [j]
    for i in range(n - 1, 0, -1):
        out.append(back[i][out[-1]])
    return [cols[j] for j in reversed(out)]


def _label_form(text: str) -> str | None:
    flat = " ".join(text.split())
    return next((name for name, pattern in LABEL_FORMS if pattern.match(flat)), None)


def _section_row(row: list, row_label: str | None) -> bool:
    """A label and a title (`II` | `LĨNH VỰC TRỒNG TRỌT`, `B.` | `BỘ XÂY DỰNG`): a section of the table, its title
    spanning the row; but not where the label has the form that numbers the table's rows (`2` | `Triển khai …`:
    a row whose other cells span down from the row above). `row_label`: that form."""
    form = _label_form(row[0][0]) if len(row) == 2 else None
    return form is not None and form != row_label


def _totals_row(row: list) -> bool:
    """A totals row that _place_totals left as it stands: its label's columns are not the ones its words read like."""
    return TOTAL_LABEL.match(row[0][0]) is not None


def _best_columns(row: list, width: int, columns: _Columns, spannable: dict[int, bool],
                  learned: bool = True) -> list[int] | None:
    """The columns, in order, where the row's cells fit best together, if that beats laying them from the
    left (or right-aligned, where that beats the left; see NARROW_MARGIN) by NARROW_MARGIN; else from the
    left, or right-aligned. `learned`: the columns were learned (MIN_FULL_ROWS); if not, only from the left,
    the columns after the row's cells spanned down. A column the row skips is one a cell above spans down over,
    so only the `spannable` ones (under a one-column data cell; True where that cell spans rows already)
    may be skipped; None where no way to lay the row skips only those (model.build then lays it from the
    left, its last cell spanning the rest). Each run of skipped columns costs GAP_COST (cells spanning
    down stand side by side: one run is the rule, more the exception); each skipped column whose span
    goes on gains SPAN_ON (a run of rows sharing a cell goes on more often than it ends).

    A dynamic programme over (cell, column): a cell's column and the one before it decide the run
    of skipped columns between them."""
    n = len(row)
    if not learned:  # too few rows to tell the columns apart: from the left, the cells above the rest spanning down
        return list(range(n)) if all(c in spannable for c in range(n, width)) else None
    scores = [columns.fits(text) for text, _, _ in row]

    # Over the columns before each: how many cannot be skipped, how many continue a span.
    blocked = list(accumulate((c not in spannable for c in range(width)), initial=0))
    going_on = list(accumulate((spannable.get(c, False) for c in range(width)), initial=0))

    def between(a: int, b: int) -> float | None:
        """What skipping the columns strictly between a and b adds; None where one of them cannot be skipped."""
        if b - a == 1:
            return 0.0
        if blocked[b] - blocked[a + 1]:
            return None
        return -GAP_COST + SPAN_ON * (going_on[b] - going_on[a + 1])

    # best[i][c]: the best total of cells 0..i with cell i in column c; back[i][c]: cell i - 1's column.
    best = [[-math.inf] * width for _ in range(n)]
    back = [[-1] * width for _ in range(n)]
    for c in range(width - n + 1):
        gap = between(-1, c)
        if gap is not None:
            best[0][c] = gap + scores[0][c]
    for i in range(1, n):
        for c in range(i, width - n + i + 1):
            for prev in range(i - 1, c):
                gap = between(prev, c)
                if gap is not None and best[i - 1][prev] + gap + scores[i][c] > best[i][c]:
                    best[i][c], back[i][c] = best[i - 1][prev] + gap + scores[i][c], prev
    ends = [(best[n - 1][c] + gap, c) for c in range(n - 1, width)
            if best[n - 1][c] > -math.inf and (gap := between(c, width)) is not None]
    if not ends:
        return None
    total, end = max(ends)
    cols = [end]
    for i in range(n - 1, 0, -1):
        cols.append(back[i][cols[-1]])
    cols.reverse()
    left = list(range(n))
    tail = between(n - 1, width)
    if tail is None:  # the row cannot stand from the left with the columns after it spanned down
        # as model.build lays it: its last cell spans the rest
        default, laid = None, sum(scores[i][i] for i in range(n)) - GAP_COST
    else:
        default, laid = left, sum(scores[i][i] for i in range(n)) + tail
    head = between(-1, width - n)
    right = list(range(width - n, width))
    if head is not None and all(columns.shaped_like(text, c) for (text, _, _), c in zip(row, right)):
        laid_right = sum(scores[i][c] for i, c in enumerate(right)) + head
        if laid_right - laid >= NARROW_MARGIN:
            default, laid = right, laid_right
    return cols if cols != default and total - laid >= NARROW_MARGIN else default


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


def _repeats_header(cells: list[WebCell], named: set[str | None], own: list[str]) -> bool:
    """Do these cells name two or more of the header's columns, every other cell short or the header's
    own words in its place (`Mức độ Dịch vụ công`)?"""
    found = [roles.header_role(c.text) for c in cells]
    return (len(set(found) & named) >= 2
            and all(r is not None or len(c.text.split()) <= REPEAT_CELL_MAX_WORDS or roles.fold(c.text) == mine
                    for r, c, mine in zip(found, cells, own)))
