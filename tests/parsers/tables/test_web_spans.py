"""Web tables whose cells span rows: a row under such a cell holds fewer cells than the table.

A page saved from a legal database writes an HTML table's cells between `|`
lines; a cell spanning rows (`rowspan`) is written once, in its first row, and
the rows under it hold only their other cells, wherever the spanning column
stands. Here the appendix tables of the four 2025 web plans are written so:
each cell equal to the one above it in its column is merged into it, as a
typesetter spans a lead agency or a deadline over the tasks they share. Both
writings, with and without the spans, come from the page's own cells, and
must give the same appendix rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.read.extract import extract
from parsers.structure.clean import clean
from pipeline.run import parse_document
from tests.support.documents import FIXTURES
from tests.support.tablesrc import WEB_PLANS, web_tables

FIELDS = ("task", "products", "lead_agency", "partner_agencies", "deadline_text")


def _table_lines(lines: list[str]) -> list[tuple[int, int]]:
    """The [first, last) lines of each `|` table of the page, read as tablesrc.web_tables reads them: from a
    `|` line to the blank line after a `|` line (the last table may run to the end)."""
    spans, start, previous_bar = [], None, False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line == "|":
            start = i if start is None else start
            previous_bar = True
        elif start is not None and not line:
            if previous_bar:
                spans.append((start, i))
                start = None
        elif start is not None:
            previous_bar = False
    if start is not None:
        spans.append((start, len(lines)))
    return spans


def _write(rows: list[list[str]], spanned: list[set[int]]) -> list[str]:
    """The table as the page writes it, the cells of `spanned[r]` left out of row r (a cell above spans them);
    an empty cell is a `|` line alone, as the page writes it."""
    out: list[str] = []
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            if c not in spanned[r]:
                out += ["|", text] if text else ["|"]
        out.append("|")
    return out


def _spans(rows: list[list[str]], width: int) -> list[set[int]]:
    """Per row of full width, the columns whose cell equals the one above it (a group row between breaks the run)."""
    spanned: list[set[int]] = []
    for r, cells in enumerate(rows):
        above = rows[r - 1] if r else None
        same = set()
        if len(cells) == width and above is not None and len(above) == width:
            same = {c for c in range(width) if cells[c] and cells[c] == above[c]}
        spanned.append(same if len(same) < width - 1 else set())
    return spanned


def _page(name: str, folder: Path, with_spans: bool) -> tuple[Path, int]:
    """The plan's page with its appendix table written anew (with spans or without); and how many cells span."""
    path = FIXTURES / f"{name}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    tables = web_tables(path)
    k = max(range(len(tables)), key=lambda t: len(tables[t]))
    spans = _table_lines(lines)
    assert len(spans) == len(tables)
    (first, last), rows = spans[k], tables[k]
    width = len(rows[0])
    spanned = _spans(rows, width) if with_spans else [set() for _ in rows]
    out = folder / f"{name}-{'spans' if with_spans else 'plain'}.txt"
    out.write_text("\n".join(lines[:first] + _write(rows, spanned) + lines[last:]), encoding="utf-8")
    return out, sum(len(s) for s in spanned)


def _rows(path: Path) -> list[tuple]:
    return [tuple(r[f] if not isinstance(r[f], list) else tuple(r[f]) for f in FIELDS)
            for r in parse_document(path)["appendix_rows"]]


@pytest.mark.parametrize("name", WEB_PLANS)
def test_rows_under_cells_spanning_rows_keep_their_tasks_products_and_deadlines(name, tmp_path):
    plain, _ = _page(name, tmp_path, with_spans=False)
    spans, merged = _page(name, tmp_path, with_spans=True)
    expected = _rows(plain)
    assert merged >= 3 and len(expected) >= 5  # the table shares cells down its columns: the test has spans to read
    got = _rows(spans)
    assert len(got) == len(expected)
    assert [(r[0], r[1], r[4]) for r in got] == [(r[0], r[1], r[4]) for r in expected]


def test_rows_under_cells_spanning_rows_keep_their_agencies(tmp_path):
    """A row that leaves out one agency column and writes the other, a single name, says nothing of which
    it wrote but by its words (`Các doanh nghiệp đầu tư hạ tầng`: lead or partner?): nearly every row is
    read as it was, over the four plans."""
    same = total = 0
    for name in WEB_PLANS:
        expected = _rows(_page(name, tmp_path, with_spans=False)[0])
        got = _rows(_page(name, tmp_path, with_spans=True)[0])
        same += sum((g[2], g[3]) == (e[2], e[3]) for g, e in zip(got, expected))
        total += len(expected)
    assert total >= 40 and same >= 0.9 * total, (same, total)


@pytest.mark.parametrize("name", WEB_PLANS)
def test_a_spanning_cell_covers_the_rows_under_it(name, tmp_path):
    """In the table model, the cell written once spans down over the rows that left it out."""
    spans, merged = _page(name, tmp_path, with_spans=True)
    table = max((p.table for p in clean(extract(spans)).paragraphs if p.table is not None), key=lambda t: t.n_rows)
    assert sum(c.row_span - 1 for c in table.cells) == merged
    by_place = {(c.row, c.col): c for c in table.cells}
    for cell in table.cells:
        for row in range(cell.row + 1, cell.row + cell.row_span):
            assert (row, cell.col) not in by_place  # the rows under it have no cell of their own there
