"""Tables found on PDF pages (`TableGrid`s: ruled, unruled, layout text, OCR) into the table model.

A grid lists, row by row, a cell where one starts and None where a cell from
the left or from above covers the place. Spans follow from the boxes: a cell
spans the columns whose left edges fall inside it, and the rows whose tops do.
A table that runs on over the next page (a grid at the top of it, with as many
columns) is one table; the header rows it repeats there are dropped.
"""

from __future__ import annotations

import difflib

from ..records import Line, Page, TableGrid
from . import model, roles

# A grid whose top stands this far down a page at most continues the table of the page before.
CONTINUES_WITHIN = 0.2  # of the page's height


def tables_of_pages(pages: list[Page], skip: set[int] = frozenset()) -> list[model.Table]:
    """Every table of these pages, grids that run over a page break joined; grids whose id is in `skip`
    (read elsewhere) left out."""
    runs: list[list[tuple[TableGrid, Page]]] = []
    for page in pages:
        for grid in page.tables:
            if id(grid) in skip or not grid.rows:
                continue
            last = runs[-1][-1] if runs else None
            if (last is not None and last[0].page == grid.page - 1 and _width(last[0]) == _width(grid)
                    and page.height and grid.bbox[1] <= CONTINUES_WITHIN * page.height):
                runs[-1].append((grid, page))
            else:
                runs.append([(grid, page)])
    return [table for run in runs if (table := _table(run)) is not None]


# Two readings of one printed row agree this far (difflib's ratio over the row's folded words) at least.
SAME_ROW_RATIO = 0.85


def _same_words(row: list[str], first: list[str]) -> bool:
    """Is `row` the first row printed again: as many cells, words alike, some words in it?"""
    a, b = (roles.fold(" ".join(r)) for r in (row, first))
    return (len(row) == len(first) and sum(ch.isalpha() for ch in b) >= 6
            and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_ROW_RATIO)


def _width(grid: TableGrid) -> int:
    return max(len(r) for r in grid.rows)


def _table(run: list[tuple[TableGrid, Page]]) -> model.Table | None:
    rows: list[list[tuple[str, tuple[Line, ...], dict]]] = []
    header: list[str] | None = None
    header_rows = 0
    for k, (grid, page) in enumerate(run):
        placed = _placed(grid, page)
        texts = [[c[0] for c in row] for row in placed]
        if k == 0:
            header_rows = roles.header_row_count(texts)
            header = [" ".join(t.split()) for row in texts[:header_rows] for t in row]
            first_row = texts[0] if texts else []
        elif header_rows == 0 and texts and _same_words(texts[0], first_row):
            # A row printed again at the top of the next page is the header, whatever its words name
            # (`Thành viên | Đơn vị được kiểm tra`); a scan reads it twice a little differently.
            header_rows = 1
            header = [" ".join(t.split()) for t in first_row]
            placed = placed[1:]
        else:
            # the header printed again on this page: as many rows as the first, the same words
            again = [" ".join(t.split()) for row in texts[:header_rows] for t in row]
            if header_rows and (again == header or (header_rows == 1 and texts and _same_words(texts[0], first_row))):
                placed = placed[header_rows:]
        for row in placed:
            for _text, _lines, extra in row:
                extra["page"] = grid.page
        rows.extend(placed)
    if not rows or not any(text.strip() for row in rows for text, _l, _x in row):
        return None
    lines = tuple(dict.fromkeys(l for row in rows for _t, cell_lines, _x in row for l in cell_lines))
    return model.build(run[0][0].source, rows, header_rows, lines)


def _placed(grid: TableGrid, page: Page) -> list[list[tuple[str, tuple[Line, ...], dict]]]:
    """The grid's cells as (text, lines, extras) with their column, spans and box."""
    n = _width(grid)
    lefts = sorted({round(c.x0) for row in grid.rows for c in row if c is not None})
    tops = sorted({round(c.top) for row in grid.rows for c in row if c is not None})
    out = []
    for row in grid.rows:
        placed = []
        for col, cell in enumerate(row):
            if cell is None:
                continue
            col_span = 1 + sum(1 for x in lefts if cell.x0 + 1 < x < cell.x1 - 1)
            row_span = 1 + sum(1 for y in tops if cell.top + 1 < y < cell.bottom - 1)
            mine = tuple(l for l in page.lines if l.top is not None and cell.x0 - 1 <= (l.x0 + l.x1) / 2 <= cell.x1 + 1
                         and cell.top - 1 <= (l.top + l.bottom) / 2 <= cell.bottom + 1)
            placed.append((cell.text, mine, {"col": col, "col_span": min(col_span, n - col), "row_span": row_span,
                                             "box": (cell.x0, cell.top, cell.x1, cell.bottom)}))
        out.append(placed)
    return out
