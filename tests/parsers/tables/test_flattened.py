"""The flattened-table segmenter on real documents.

1. The known plan's appendix, as text extraction flattened it, against the
   true cells of its typeset twin (pdfplumber's ruled cells, pages 9–20).
2. Generalisation: true cells the method was not tuned on (the known plan's
   cells wrapped at other widths; the web plans' tables), wrapped, flattened
   column by column with repeated headers and page breaks the way extraction
   does, and recovered.
3. A merged line is split; the repeated header is recognised on every page.
"""

from __future__ import annotations

import random
import textwrap
from functools import cache

import pdfplumber
import pytest
import regex as re

from parsers.model.records import Line
from parsers.read.extract import extract
from parsers.structure.clean import clean, join_lines, normalise
from parsers.tables.flattened import segment_table
from parsers.tables.flattened.body import _glyph_width
from parsers.tables.flattened.header import header_roles
from parsers.tables.flattened.records import FlatTable
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT

ROLES = ("group", "task", "products", "lead", "partners", "deadline")
APPENDIX_PAGES = range(8, 20)  # the typeset plan's appendix: pages 9–20
KNOWN_HEADER = dict(zip(ROLES, ["Nhiệm vụ chung", "Nhiệm vụ cụ thể", "Sản phẩm", "Cơ quan chủ trì",
                                "Cơ quan phối hợp/thực hiện", "Thời gian thực hiện"]))  # as the known plan prints it
WEB_PLANS = [
    FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt",
    FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt",
    FIXTURES / "ha-noi-310-2025-5g-iot.txt",
    FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt",  # of another shape: TT | Chỉ tiêu | Chủ trì
]
ITEM = re.compile(r"^(?:\d{1,2}\s*[.)]|[-–+•])\s*")
TASK_LABEL = re.compile(r"^\d+\s*\.")


def canon(text: str | None) -> str | None:
    """Cell text to compare: `%` (lost in the text) out, one space between words, no space after a hyphen
    ending a line."""
    if text is None:
        return None
    text = normalise(text.replace("%", ""))
    return re.sub(r"(\w[-–])\s+(?=\S)", r"\1", " ".join(text.split()))


def cell_text(pieces) -> str:
    return canon(join_lines(p.text for p in pieces))


def true_text(cell: str | None) -> str | None:
    return None if cell is None else canon(join_lines(l for l in cell.split("\n") if l.strip()))


# ------------------------------------------------------------ the known plan


@cache
def appendix_lines(path=KNOWN_TXT) -> list[Line]:
    """The appendix's lines after its `(Kèm theo …)` line, from the clean stage (page numbers gone)."""
    paragraphs = clean(extract(path)).paragraphs
    title = next(k for k, p in enumerate(paragraphs) if p.text.startswith("Phụ lục"))
    attachment = next(k for k in range(title, len(paragraphs)) if paragraphs[k].text.startswith("(Kèm theo"))
    return [line for p in paragraphs[attachment + 1:] for line in p.lines]


@cache
def known_table() -> FlatTable:
    return segment_table(appendix_lines())


@cache
def pdf_rows() -> list[list[str | None]]:
    """The typeset appendix's rows, cell by cell (None: merged with the cell above).

    A page's first data row whose task cell does not open with a task number
    continues the previous page's last row and is merged into it; '' cells on
    a new row are cells spanning from the page before (merged: None)."""
    rows: list[list[str | None]] = []
    with pdfplumber.open(KNOWN_PDF) as pdf:
        for number in APPENDIX_PAGES:
            for table in pdf.pages[number].find_tables():
                body = table.extract()[1:]  # the header row repeats on every page
                for k, cells in enumerate(body):
                    task = cells[ROLES.index("task")]
                    if k == 0 and rows and task is not None and not TASK_LABEL.match(task):
                        for c, text in enumerate(cells):
                            if text:
                                owner = next(r for r in reversed(rows) if r[c] is not None)
                                owner[c] += "\n" + text
                        continue
                    rows.append([text or None for text in cells])
    return rows


def test_known_plan_rows_and_numbering():
    table = known_table()
    assert table.roles == ROLES
    assert len(table.rows) == 35
    assert not table.unclaimed and not table.issues
    groups: list[list[int]] = []
    for row in table.rows:
        if "group" in row.cells:
            assert re.match(r"^[IVX]+\.", row.cells["group"][0].text)
            groups.append([])
        if "task" in row.cells:
            groups[-1].append(int(TASK_LABEL.match(row.cells["task"][0].text).group().rstrip(".")))
    assert [len(g) for g in groups] == [3, 2, 3, 6, 3, 11, 6]
    assert all(g == list(range(1, len(g) + 1)) for g in groups)
    first_two = table.rows[:2]  # task I.1 spans two rows, one per product, each with its own product, lead and partners
    assert "task" not in first_two[1].cells and "deadline" not in first_two[1].cells
    assert all(role in first_two[1].cells for role in ("products", "lead", "partners"))


def test_known_plan_every_cell_equals_the_typeset_cell():
    table = known_table()
    truth = pdf_rows()
    assert len(truth) == 35
    equal, differ = 0, []
    for k, (row, cells) in enumerate(zip(table.rows, truth), start=1):
        for role, cell in zip(ROLES, cells):
            got = cell_text(row.cells[role]) if role in row.cells else None
            if got == true_text(cell):
                equal += 1
            else:
                differ.append((k, role, true_text(cell), got))
    print(f"\nknown plan: {equal} of {len(truth) * len(ROLES)} cells equal")
    assert equal == 210, differ[:5]


def test_merged_line_is_split():
    table = known_table()
    row = table.rows[0]
    partners, deadline = row.cells["partners"], row.cells["deadline"]
    assert partners[-1].text == "liên quan" and deadline[0].text == "Sau khi có văn"
    assert partners[-1].line is deadline[0].line and partners[-1].line.text == "liên quan Sau khi có văn"
    assert cell_text(deadline) == "Sau khi có văn bản của cấp trên"
    # A line holding the first lines of five cells at the foot of a page (the row goes on after the break).
    row = next(r for r in table.rows
               if r.cells.get("task") and r.cells["task"][0].text.startswith("4. Thực hiện đúng quy định về"))
    assert [row.cells[r][0].text for r in ROLES[1:]] == [
        "4. Thực hiện đúng quy định về", "Văn bản đôn đốc, hướng", "Phòng Nội vụ", "Các cơ quan, đơn",
        "Ban hành văn bản"]
    assert cell_text(row.cells["deadline"]) == "Ban hành văn bản trong tháng 12/2021"


def test_repeated_header_is_recognised_on_every_page():
    table = known_table()
    lines = appendix_lines()
    position = {line: k for k, line in enumerate(lines)}
    at = sorted(position[l] for l in table.header_lines)
    runs = [[at[0]]]
    for k in at[1:]:
        if k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    # `Nhiệm vụ` / `chung` / `Nhiệm vụ cụ thể  Sản phẩm Cơ quan chủ trì` / … / `hiện`,
    # at the top of each of the 12 pages
    assert [len(run) for run in runs] == [7] * len(APPENDIX_PAGES)
    assert all(lines[run[0]].text.strip() == "Nhiệm vụ" and lines[run[-1]].text.strip() == "hiện" for run in runs)
    assert {l.page for l in lines} == {l.page for l in table.header_lines}  # every page the text has holds one
    body = {p.line for r in table.rows for cell in r.cells.values() for p in cell}
    assert not body & set(table.header_lines)
    assert len(body) + len(table.header_lines) == len(lines)  # every line is a header's or a cell's


def test_rows_it_is_unsure_of_are_reported():
    """A task that lost its number, and a number out of the run: still segmented, and reported."""
    lines = list(appendix_lines())
    for old, new in (("3. Ban hành và triển khai thực", "Ban hành và triển khai thực"),
                     ("6. Nâng cao năng lực cho công", "7. Nâng cao năng lực cho công")):
        k = next(i for i, l in enumerate(lines) if l.text.strip() == old)
        lines[k] = Line(lines[k].page, lines[k].line_no, new, source_line=lines[k].source_line)
    table = segment_table(lines)
    assert len(table.rows) == 35
    assert [(i.code, i.page) for i in table.issues if i.code != "unsure_segmentation"] == [
        ("row_without_number", 11), ("numbering_break", 14)]


def test_header_roles():
    assert header_roles("Nhiệm vụ chung Nhiệm vụ cụ thể Sản phẩm Cơ quan chủ trì Cơ quan phối hợp/thực hiện "
                        "Thời gian thực hiện") == ROLES
    assert header_roles("STT Tên nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian hoàn thành") == (
        "row_no", "task", "lead", "partners", "deadline")
    assert header_roles("STT NHIỆM VỤ VÀ GIẢI PHÁP CHỦ TRÌ PHỐI HỢP THỜI GIAN") == (
        "row_no", "task", "lead", "partners", "deadline")
    assert header_roles("TT Nội dung/nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian thực hiện Ghi chú") == (
        "row_no", "task", "lead", "partners", "deadline", "notes")


# ------------------------------------------------------- flattening, as extraction does


def wrap_characters(text: str, width: float) -> list[str]:
    return textwrap.wrap(text, width=int(width), break_long_words=False, break_on_hyphens=False) or [""]


def wrap_typeset(text: str, width: float) -> list[str]:
    """Greedy wrapping by typeset width (Times New Roman, in average characters)."""
    lines, line = [], ""
    for word in text.split():
        if line and _glyph_width(f"{line} {word}") > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines or [""]


def paragraphs(cell: str) -> list[str]:
    """A cell's items (numbered or bulleted lines open one), each as one string."""
    items: list[str] = []
    for line in (l.strip() for l in cell.split("\n")):
        if line and (not items or ITEM.match(line)):
            items.append(line)
        elif line:
            items[-1] = join_lines([items[-1], line])
    return items


def flatten(header: dict[str, str], rows: list[dict[str, str | None]], roles, widths: dict[str, float], wrap,
            page_lines: int, merge_rate: float = 0.02, seed: int = 1) -> list[Line]:
    """Typeset `rows` in columns of `widths`, then extract them as a text tool does.

    Each cell comes out whole, column after column; on a page of `page_lines`
    lines a row that does not fit breaks, and after the repeated header its
    cells that go on do so, column after column. Lines on one baseline are one
    line: the first (or only) lines of a row cut by the page, and now and then
    the end of one cell with the start of the next."""
    rng = random.Random(seed)
    out: list[Line] = []
    page = [1]

    def emit(text: str, join: bool = False) -> None:
        if join and out:
            last = out[-1]
            out[-1] = Line(last.page, last.line_no, f"{last.text} {text}")
        else:
            out.append(Line(page[0], sum(1 for l in out if l.page == page[0]) + 1, text))

    def emit_header() -> None:
        single: list[str] = []
        for role in roles:
            cell = wrap(header[role], widths[role])
            if len(cell) == 1:
                single.append(cell[0])  # one-line header cells share a baseline
                continue
            if single:
                emit("  ".join(single))
                single = []
            for line in cell:
                emit(line)
        if single:
            emit("  ".join(single))

    emit_header()
    room = page_lines
    for row in rows:
        left = [[line for item in paragraphs(row[r]) for line in wrap(item, widths[r])] for r in roles if row.get(r)]
        while left:
            if room <= 0:
                page[0] += 1
                emit_header()
                room = page_lines
            k = min(room, max(len(cell) for cell in left))
            chunk = [cell[:k] for cell in left if cell[:k]]
            if k == 1 and len(chunk) > 1:
                emit(" ".join(cell[0] for cell in chunk))
            else:
                for c, cell in enumerate(chunk):
                    for j, line in enumerate(cell):
                        emit(line, join=c > 0 and j == 0 and rng.random() < merge_rate)
            room -= k
            left = [cell[k:] for cell in left if cell[k:]]
    return out


def recovered(table: FlatTable, rows: list[dict[str, str | None]], roles) -> tuple[int, int]:
    """Cells equal to the true ones, and all cells."""
    equal = 0
    for k, row in enumerate(rows):
        got = table.rows[k].cells if k < len(table.rows) else {}
        for role in roles:
            expected = canon(" ".join(paragraphs(row[role]))) if row.get(role) else None
            equal += (cell_text(got[role]) if role in got else None) == expected
    return equal, len(rows) * len(roles)


# (a) the known plan's true cells at other widths (original: about 12, 30, 23, 20, 16, 16 characters)
KNOWN_LAYOUTS = {
    "wider, characters": (wrap_characters, dict(group=16, task=40, products=34, lead=22, partners=26, deadline=18)),
    "narrower, characters": (wrap_characters, dict(group=12, task=28, products=24, lead=16, partners=18, deadline=14)),
    "wider, typeset": (wrap_typeset, dict(group=14, task=36, products=29, lead=21, partners=22, deadline=18)),
    "narrower, typeset": (wrap_typeset, dict(group=12, task=30, products=26, lead=19, partners=17, deadline=16)),
}


@pytest.mark.parametrize("page_lines", [35, 50])
@pytest.mark.parametrize("layout", KNOWN_LAYOUTS)
def test_known_cells_rewrapped(layout, page_lines):
    wrap, widths = KNOWN_LAYOUTS[layout]
    rows = [dict(zip(ROLES, cells)) for cells in pdf_rows()]
    lines = flatten(KNOWN_HEADER, rows, ROLES, widths, wrap, page_lines, seed=page_lines)
    table = segment_table(lines)
    equal, total = recovered(table, rows, ROLES)
    print(f"\nknown cells re-wrapped ({layout}, {page_lines} lines a page): {equal} of {total} cells")
    assert table.roles == ROLES and len(table.rows) == len(rows)
    assert equal / total >= 0.94


# (b) the web plans' tables: cells between lines holding only `|`, a row ending at an empty cell


def web_table(path) -> tuple[dict[str, str], list[dict[str, str | None]], tuple[str, ...]]:
    """The appendix table of a web-text plan: its header and rows by role.

    A group's row spanning the table (`I.` and its title, in one cell or two)
    becomes a row of its number and its title in the task column."""
    text = path.read_text(encoding="utf-8")
    rows, row, cell, inside = [], [], [], False
    for raw in text[text.index("PHỤ LỤC"):].split("\n"):
        if raw.strip() == "|":
            if cell:
                row.append(join_lines(cell))
                cell = []
            elif inside and row:
                rows.append(row)
                row = []
            inside = True
        elif inside and raw.strip():
            cell.append(normalise(raw, "web"))
    rows.append(row + ([join_lines(cell)] if cell else []))
    header, body = rows[0], [r for r in rows[1:] if r]
    roles = tuple(next(iter(header_roles(h)), None) for h in header)  # each cell's column, as the reader names it
    out = []
    for r in body:
        if len(r) == len(roles):
            out.append(dict(zip(roles, r)))
        elif r and len(r) <= 2:
            label, _, title = r[0].partition(" ") if len(r) == 1 else (r[0], "", r[1])
            out.append({roles[0]: label, roles[1]: title})
    return dict(zip(roles, header)), out, roles


WEB_WIDTHS = {  # per role
    "typeset": (wrap_typeset, dict(row_no=5, task=38, lead=20, partners=24, deadline=14)),
    "characters": (wrap_characters, dict(row_no=6, task=45, lead=22, partners=26, deadline=16)),
}


@pytest.mark.parametrize("layout", WEB_WIDTHS)
@pytest.mark.parametrize("path", WEB_PLANS, ids=lambda p: p.stem)
def test_web_plan_tables_recovered(path, layout):
    header, rows, roles = web_table(path)
    assert roles[:3] == ("row_no", "task", "lead") and len(rows) >= 6
    wrap, widths = WEB_WIDTHS[layout]
    lines = flatten(header, rows, roles, widths, wrap, page_lines=38, seed=7)
    table = segment_table(lines)
    equal, total = recovered(table, rows, roles)
    print(f"\n{path.stem} ({layout}): {equal} of {total} cells")
    assert table.roles == roles and len(table.rows) == len(rows)
    assert equal / total >= 0.95


def test_a_column_no_role_names_is_reported():
    """Đồng Tháp 617's table with a funding column, flattened: the column is named in a warning, not dropped
    silently."""
    header, rows, roles = web_table(WEB_PLANS[0])
    wrap, widths = WEB_WIDTHS["characters"]
    with_funding = roles[:2] + ("funding",) + roles[2:]
    rows = [{**row, "funding": f"{100 * k} triệu"} for k, row in enumerate(rows, start=1)]
    lines = flatten({**header, "funding": "Kinh phí"}, rows, with_funding, {**widths, "funding": 10}, wrap,
                    page_lines=38)
    table = segment_table(lines)
    assert table.roles == roles
    assert [(i.code, "'Kinh phí'" in i.message) for i in table.issues
            if i.code == "unknown_column"] == [("unknown_column", True)]
    assert not [i for i in segment_table(flatten(header, web_table(WEB_PLANS[0])[1], roles, widths, wrap,
                                                 page_lines=38)).issues
                if i.code == "unknown_column"]


def test_no_header_is_reported():
    lines = [Line(1, 1, "Một dòng không phải tiêu đề bảng"), Line(1, 2, "và một dòng nữa")]
    table = segment_table(lines)
    assert table.roles == () and not table.rows and [i.code for i in table.issues] == ["no_table_header"]
