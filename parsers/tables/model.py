"""The table model: a table is cells placed on a grid of rows and columns.

A cell that spans rows or columns appears once, at its top-left, with its
spans. The header rows come first; each column's header is the path of the
header cells above it (`Cơ quan / Chủ trì`). Every cell keeps the input lines
its words came from, so every table line is accounted for.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from parsers.model.records import Line


@dataclass(frozen=True, slots=True)
class Cell:
    row: int  # 0-based, header rows first
    col: int  # 0-based
    text: str  # the cell's lines, normalised, joined by "\n"
    lines: tuple[Line, ...]
    row_span: int = 1
    col_span: int = 1
    is_header: bool = False
    page: int | None = None
    box: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points

    @property
    def flat(self) -> str:
        """The cell's words on one line, as `table_cells.text` holds them."""
        return " ".join(self.text.split())


@dataclass(frozen=True, slots=True)
class Table:
    source: str  # ruled, unruled, web, flattened, layout, ocr
    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    header_rows: int
    lines: tuple[Line, ...]  # every input line the table claims, in order

    @property
    def page_start(self) -> int | None:
        return min((l.page for l in self.lines), default=None)

    @property
    def page_end(self) -> int | None:
        return max((l.page for l in self.lines), default=None)

    def rows(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return [sorted(r, key=lambda c: c.col) for r in out]

    def headers(self) -> list[str]:
        """Each column's header path: the distinct header cells above it, top to bottom."""
        paths: list[list[str]] = [[] for _ in range(self.n_cols)]
        for cell in sorted((c for c in self.cells if c.is_header), key=lambda c: (c.row, c.col)):
            for col in range(cell.col, min(cell.col + cell.col_span, self.n_cols)):
                if cell.flat and cell.flat not in paths[col]:
                    paths[col].append(cell.flat)
        return [" / ".join(p) for p in paths]


def build(source: str, rows: list[list[tuple[str, tuple[Line, ...], dict]]], header_rows: int,
          lines: tuple[Line, ...], repeats: Set[int] = frozenset()) -> Table:
    """A table from rows of (text, lines, extras) cells placed left to right; extras may give
    `col`, `row_span`, `col_span`, `page`, `box`. A row with fewer cells than the widest row has its
    last cell span the rest (a group row `I. …` across the table). The first `header_rows` rows are the
    header, and so are the rows `repeats` names (the header printed again further down)."""
    n_cols = max((max((x.get("col", i) + x.get("col_span", 1) for i, (_t, _l, x) in enumerate(r)), default=0)
                  for r in rows), default=0)
    cells = []
    for r, row in enumerate(rows):
        for i, (text, cell_lines, extra) in enumerate(row):
            col = extra.get("col", i)
            span = extra.get("col_span", 1)
            if "col" not in extra and i == len(row) - 1 and col + span < n_cols:
                span = n_cols - col
            cells.append(Cell(r, col, text, cell_lines, extra.get("row_span", 1), span, r < header_rows or r in repeats,
                              extra.get("page", cell_lines[0].page if cell_lines else None), extra.get("box")))
    return Table(source, tuple(cells), len(rows), n_cols, header_rows, lines)
