"""Tables found on PDF pages (`TableGrid`s: ruled, unruled, layout text, OCR) into the table model.

A grid lists, row by row, a cell where one starts and None where a cell from
the left or from above covers the place. Spans follow from the boxes: a cell
spans the columns whose left edges fall inside it, and the rows whose tops do.
A table that runs on over the next page (a grid at the top of it, with as many
columns) is one table; the header rows it prints again are dropped, at the top
of a page or wherever they stand (a typesetter may print the header above the
part of a row it carries over). Where the header names a row-number column
(`TT`, `STT`), a page's first row whose number cell is empty is the rest of the
row the page broke, and is joined to it, as the task-table reader does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Set

from parsers.language import vocab
from parsers.model.records import Line, Page, TableGrid
from parsers.tables import model, roles

# A grid whose top stands this far down a page at most continues the table of the page before.
CONTINUES_WITHIN = 0.2  # of the page's height
# A grid this close under another of as many columns, on the same page, is the same table: its rules
# stop short where a row breaks over the page (its part at the foot is found as an unruled grid).
ADJOINS_WITHIN = 12.0  # points: less than a line of text between them


def tables_of_pages(pages: list[Page], skip: Set[int] = frozenset()) -> list[model.Table]:
    """Every table of these pages, grids that run over a page break joined; grids whose id is in `skip`
    (read elsewhere) left out."""
    return [table for run in grid_runs(pages, skip) if (table := _table(run)) is not None]


def grid_runs(pages: list[Page], skip: Set[int] = frozenset()) -> list[list[tuple[TableGrid, Page]]]:
    """The grids of these pages, each run of them one table: a grid at the top of a page with as many
    columns as the last grid of the page before goes on from it, and so does one right under it."""
    runs: list[list[tuple[TableGrid, Page]]] = []
    for page in pages:
        for grid in page.tables:
            if id(grid) in skip or not grid.rows:
                continue
            last = runs[-1][-1][0] if runs else None
            if last is not None and _same_table(runs[-1][0][0], last, grid) and (
                    (last.page == grid.page - 1 and page.height and grid.bbox.top <= CONTINUES_WITHIN * page.height)
                    or (last.page == grid.page and 0 <= grid.bbox.top - last.bbox.bottom <= ADJOINS_WITHIN)):
                runs[-1].append((grid, page))
            else:
                runs.append([(grid, page)])
    return runs


def _same_table(first: TableGrid, last: TableGrid, grid: TableGrid) -> bool:
    """May `grid` go on from the run that `first` opens and `last` ends? With as many columns as the last
    grid, or under the header of the first printed again (a row of the page with a cell more or less, a
    title set in a column of its own, does not make another table of it)."""
    if column_count(last) == column_count(grid):
        return True
    texts = [[c.text for c in g.rows[0] if c is not None and c.text.strip()] for g in (first, grid)]
    return _same_words(*texts) and (roles.header_row_count(texts[1:]) > 0 or roles.opens_list(texts[1]))


# Two readings of one printed row agree this far (difflib's ratio over the row's folded words) at least.
SAME_ROW_RATIO = 0.85


def _same_words(row: list[str], first: list[str]) -> bool:
    """Is `row` the first row printed again: as many cells, words alike, some words in it?"""
    a, b = (roles.fold(" ".join(r)) for r in (row, first))
    return (len(row) == len(first) and sum(ch.isalpha() for ch in b) >= 6
            and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_ROW_RATIO)


def column_count(grid: TableGrid) -> int:
    """How many columns the grid has: the cells of its widest row."""
    return max(len(r) for r in grid.rows)


def _table(run: list[tuple[TableGrid, Page]]) -> model.Table | None:
    rows: list[list[tuple[str, tuple[Line, ...], dict]]] = []
    header: list[str] = []  # set by the first grid (k == 0) before any use
    header_rows = 0
    row_no: int | None = None  # the column of row numbers (`TT`, `STT`), where the header names one
    task: int | None = None  # else the task column, whose cells open with the rows' numbers (`1. Triển khai …`)
    repeats: set[int] = set()  # rows that are the header printed again, as the document prints it
    for k, (grid, page) in enumerate(run):
        placed = _placed(grid, page)
        texts = [[c[0] for c in row] for row in placed]
        if k == 0:
            header_rows = roles.header_row_count(texts) or int(bool(texts) and roles.opens_list(texts[0]))
            header = [" ".join(t.split()) for row in texts[:header_rows] for t in row]
            first_row = texts[0] if texts else []
            row_no = _row_no_column(placed[:header_rows])
            task = _column_of(placed[:header_rows], "task")
        elif header_rows == 0 and texts and _same_words(texts[0], first_row):
            # A row printed again at the top of the next page is the header, whatever its words name
            # (`Thành viên | Đơn vị được kiểm tra`); a scan reads it twice a little differently.
            header_rows = 1
            header = [" ".join(t.split()) for t in first_row]
            row_no = _row_no_column(placed[:1])
            task = _column_of(placed[:1], "task")
            placed, texts = placed[1:], texts[1:]
        for row in placed:
            for _text, _lines, extra in row:
                extra["page"] = grid.page
        kept = placed[:header_rows] if k == 0 else []
        first_data = True
        dropped = False  # the header a typesetter repeats at the top of a page: once a page
        i = len(kept)
        while i < len(placed):
            if header_rows and _repeats_header(texts[i:i + header_rows], header, first_row, header_rows):
                under_another = len(rows) + len(kept) - 1 in repeats  # the row above is a print of the header
                if (k > 0 and first_data and not dropped) or under_another \
                        or _one_row_to_the_end(placed[i + header_rows:]):
                    # The header printed again by the typesetter: at the top of the page, right under a print of
                    # it, or over the first part of a row the page breaks (the page's last, or rows a group cell
                    # ties to it). Not a row of the table.
                    i += header_rows
                    dropped = dropped or first_data
                    continue
                # The table's own header printed again above a list of its rows, as the document has it (and
                # under the typesetter's repeat where it falls at a page's top): header rows of the table.
                repeats.update(range(len(rows) + len(kept), len(rows) + len(kept) + header_rows))
                kept.extend(placed[i:i + header_rows])
                i += header_rows
                continue
            row = placed[i]
            following = placed[i + 1] if i + 1 < len(placed) else None
            if first_data and k > 0 and rows and _carries_on(rows[-1], row, row_no, task, _numbered(rows, task),
                                                             following):
                rows[-1] = _joined(rows[-1], row)  # the row broken by the page ends here
            else:
                kept.append(row)
            first_data = False
            i += 1
        rows.extend(kept)
    if not rows or not any(text.strip() for row in rows for text, _l, _x in row):
        return None
    lines = tuple(dict.fromkeys(l for row in rows for _t, cell_lines, _x in row for l in cell_lines))
    return model.build(run[0][0].source, rows, header_rows, lines, repeats)


def _one_row_to_the_end(rest: list[list[tuple[str, tuple[Line, ...], dict]]]) -> bool:
    """Are these rows, to the grid's end, one row: a single row, or the rows a cell of the first spans?"""
    spanned = max((x.get("row_span", 1) for _t, _l, x in rest[0]), default=1) if rest else 0
    return len(rest) == 1 or (bool(rest) and spanned == len(rest))


def _row_no_column(header: list[list[tuple[str, tuple[Line, ...], dict]]]) -> int | None:
    return _column_of(header, "row_no")


def _column_of(header: list[list[tuple[str, tuple[Line, ...], dict]]], role: str) -> int | None:
    return next((x["col"] for row in header for text, _l, x in row if roles.header_role(text) == role), None)



def _numbered(rows: list, task: int | None) -> bool:
    """Do the task cells of these rows open with the rows' numbers (one of them is enough)?"""
    return task is not None and any(vocab.ROW_LABEL.match(text) for r in rows for text, _l, x in r if x["col"] == task)


def _repeats_header(texts: list[list[str]], header: list[str], first_row: list[str], header_rows: int) -> bool:
    """Are these rows the header printed again: the same words, or, for a header of one row, words alike?"""
    if len(texts) < header_rows:
        return False
    again = [" ".join(t.split()) for row in texts for t in row]
    return again == header or (header_rows == 1 and _same_words(texts[0], first_row))


def _carries_on(last: list, row: list, row_no: int | None, task: int | None = None, numbered: bool = False,
                following: list | None = None) -> bool:
    """Does a page's first row carry on the last row of the page before? Where the rows are numbered:
    when its number cell is empty and the last row's is not. Else, by its task cell (`task`: their
    column): when it is empty, or, where the tasks open with their numbers (`numbered`), when it does
    not. And each of its filled cells stands under a cell of the last row (a group's title across the
    table is no such row; a group cell spanning down to the last row leaves its place empty on the new
    page). An empty number cell spanning several rows is no broken row's: it is the group cell of the page
    before carried on over the rows below it, each a row of its own."""
    last_cells = {x["col"]: text for text, _l, x in last}
    cells = {x["col"]: text for text, _l, x in row}
    spans = {x["col"]: x.get("row_span", 1) for _t, _l, x in row}
    key = row_no if row_no is not None else task
    if key is not None and spans.get(key, 1) > 1:
        return False
    if row_no is not None:
        goes_on = row_no in cells and not cells[row_no].strip() and bool((last_cells.get(row_no) or "").strip())
    elif task is not None and task in cells:
        goes_on = not cells[task].strip() or (numbered and not vocab.ROW_LABEL.match(cells[task]))
        # A first column of labels no role names (`Bước 1`, `Bước 2`): empty where the last row's is not.
        goes_on = goes_on or (task != 0 and 0 in cells and not cells[0].strip() and _label(last_cells.get(0, "")))
    else:
        return False
    return (goes_on and any(text.strip() for text in cells.values())
            and all(col in last_cells for col, text in cells.items() if text.strip())
            and not (_starts_afresh(cells.values()) and _unnumbered(following, row_no))
            and not _under_a_title(last_cells, cells))


def _under_a_title(last_cells: dict[int, str], cells: dict[int, str]) -> bool:
    """Is the last row a group's title (its words in capitals: `BỘ KHOA HỌC VÀ CÔNG NGHỆ`) and this one not?
    A title is a line or two, never broken over a page: the row below it is a row of the group."""
    above = [t for t in last_cells.values() if t.strip() and not vocab.ROW_LABEL.fullmatch(t.strip())]
    return bool(above) and all(vocab.is_caps(t) for t in above) and not all(
        vocab.is_caps(t) for t in cells.values() if t.strip())


def _label(text: str) -> bool:
    """A row's label in a column of its own: a word or two and a number (`Bước 1`, `B1`, `1.`)."""
    words = text.split()
    return 1 <= len(words) <= 2 and any(ch.isdigit() for ch in words[-1])


def _starts_afresh(texts: Iterable[str | None]) -> bool:
    """Does each filled cell of a row open an item of its own (a dash, a capital, a number)? A row broken in the
    middle of a cell's text carries on in lower case in one cell at least."""
    filled = [text.strip() for text in texts if text and text.strip()]
    return bool(filled) and all(text[0] in "-–•+" or text[0].isupper() or text[0].isdigit() for text in filled)


def _unnumbered(row: list | None, row_no: int | None) -> bool:
    """Is the number cell of this row (the one under a page's first) empty too: a group cell that spans rows
    carried on over the page, its rows each a row of their own?"""
    if row is None or row_no is None:
        return False
    cells = {x["col"]: text for text, _l, x in row}
    return row_no in cells and not cells[row_no].strip() and any(text.strip() for text in cells.values())


def _joined(last: list, row: list) -> list:
    """The two parts of a broken row as one: each cell's text and lines run on; the cell keeps the page
    and box where it begins."""
    more = {x["col"]: (text, lines) for text, lines, x in row}
    joined = []
    for text, lines, extra in last:
        b, lines_b = more.get(extra["col"], ("", ()))
        joined.append((f"{text}\n{b}" if text.strip() and b.strip() else text or b, lines + lines_b, extra))
    return joined


def _placed(grid: TableGrid, page: Page) -> list[list[tuple[str, tuple[Line, ...], dict]]]:
    """The grid's cells as (text, lines, extras) with their column, spans and box."""
    n = column_count(grid)
    lefts = sorted({round(c.box.x0) for row in grid.rows for c in row if c is not None})
    tops = sorted({round(c.box.top) for row in grid.rows for c in row if c is not None})
    out = []
    for row in grid.rows:
        placed = []
        for col, cell in enumerate(row):
            if cell is None:
                continue
            box = cell.box
            col_span = 1 + sum(1 for x in lefts if box.x0 + 1 < x < box.x1 - 1)
            row_span = 1 + sum(1 for y in tops if box.top + 1 < y < box.bottom - 1)
            mine = tuple(l for l in page.lines if l.box is not None and box.x0 - 1 <= l.box.centre <= box.x1 + 1
                         and box.top - 1 <= l.box.middle <= box.bottom + 1)
            placed.append((cell.text, mine, {"col": col, "col_span": min(col_span, n - col), "row_span": row_span,
                                             "box": tuple(box)}))
        out.append(placed)
    return out
