"""Appendix tables of real documents typeset in many layouts, read back from the PDF.

Every source table (the known plan's 35 rows, the four 2025 web plans'
appendices, a procedures table of a legal-database page) is set by
`tests/support/pdfgen.py` in each layout of `pdfgen.LAYOUTS`; the grids extraction
finds on the pages (ruled, or from the words' positions where the rules are
missing), read in order with repeated headers dropped and rows broken by a
page joined, must give every row and at least 99 % of the source's cells; and
so must the table model every table of a document is read into (`tables`,
`table_cells`), which drops the repeated headers and joins the broken rows
itself.
"""

from __future__ import annotations

from functools import cache

import pytest

from parsers.read.extract import extract
from parsers.structure.clean import clean
from parsers.structure.outline import outline
from parsers.tables.appendix import read_appendices
from parsers.tables.grid import tables_of_pages
from tests.support.gridread import norm, read_rows, score
from tests.support.pdfgen import LAYOUTS, table_pdf
from tests.support.tablesrc import PROCEDURES_PAGE, all_sources

SOURCES = {s.name: s for s in all_sources()}


def _cases():
    for name in SOURCES:
        for layout in LAYOUTS:
            yield pytest.param(name, layout, id=f"{name}-{layout.name}")


@cache
def _typeset(tmp: str, name: str, layout_name: str):
    source = SOURCES[name]
    layout = next(l for l in LAYOUTS if l.name == layout_name)
    from pathlib import Path

    return extract(table_pdf(Path(tmp) / f"{name}-{layout_name}.pdf", source.header, source.rows, source.groups,
                             layout))


@pytest.mark.parametrize("name,layout", list(_cases()))
def test_layout_gives_every_row_and_cell(name, layout, tmp_path_factory):
    source = SOURCES[name]
    pdf = _typeset(str(tmp_path_factory.getbasetemp()), name, layout.name)
    header = source.header if layout.number else source.header[1:]
    expected = [r if layout.number else r[1:] for r in source.rows]
    titles = [t for ts in source.groups.values() for t in ts]
    got = read_rows(pdf, header, titles, group_column=layout.groups == "column" and bool(source.groups))
    equal, total, misses = score(expected, got)
    assert len(got) == len(expected), f"{len(got)} rows read, the source has {len(expected)}: {misses}"
    assert equal >= 0.99 * total, f"{equal}/{total} cells: {misses}"


@pytest.mark.parametrize("name,layout", list(_cases()))
def test_layout_gives_every_row_and_cell_in_the_table_model(name, layout, tmp_path_factory):
    source = SOURCES[name]
    pdf = _typeset(str(tmp_path_factory.getbasetemp()), name, layout.name)
    tables = tables_of_pages(list(pdf.pages))
    assert len(tables) == 1, [t.n_rows for t in tables]
    table = tables[0]
    titles = {norm(t) for ts in source.groups.values() for t in ts}
    group_column = layout.groups == "column" and bool(source.groups)
    got, group_rows = [], []
    for row in table.rows()[table.header_rows:]:
        by_col = {c.col: c.text for c in row}
        if norm("".join(by_col.values())) in titles:
            group_rows.append(norm("".join(by_col.values())))  # a group's title across the table
            continue
        got.append([by_col.get(col, "") for col in range(1 if group_column else 0, table.n_cols)])
    expected = [r if layout.number else r[1:] for r in source.rows]
    equal, total, misses = score(expected, got)
    assert len(got) == len(expected), f"{len(got)} rows in the table, the source has {len(expected)}: {misses}"
    assert equal >= 0.99 * total, f"{equal}/{total} cells: {misses}"
    if layout.groups == "rows":  # each title a row of its own, in the source's order
        assert group_rows == [norm(t) for i in sorted(source.groups) for t in source.groups[i]]


def _grouped_cases():
    for name, source in SOURCES.items():
        if source.groups and name != PROCEDURES_PAGE:  # the procedures table is no task table
            for layout in LAYOUTS:
                yield pytest.param(name, layout, id=f"{name}-{layout.name}")


@pytest.mark.parametrize("name,layout", list(_grouped_cases()))
def test_layout_keeps_each_task_under_its_group(name, layout, tmp_path):
    """Set as an appendix (`PHỤ LỤC`), the task rows each keep the group the source puts them under,
    also where a page break parts a group's title from its rows, or where a short title shows no span."""
    source = SOURCES[name]
    pdf = extract(table_pdf(tmp_path / "appendix.pdf", source.header, source.rows, source.groups, layout,
                            caption="PHỤ LỤC"))
    cleaned = clean(pdf)
    rows = [r for a in read_appendices(cleaned, outline(cleaned)) for r in a.rows]
    expected, title = [], None
    for i in range(len(source.rows)):
        title = source.groups[i][-1] if i in source.groups else title
        expected.append(norm(title))
    assert len(rows) == len(expected)
    wrong = [(i, r.group_title, want) for i, (r, want) in enumerate(zip(rows, expected))
             if not r.group_title or not want.endswith(norm(r.group_title))]
    assert not wrong, wrong[:3]


def test_unruled_layouts_are_read_from_the_words():
    """The layouts without vertical rules give grids found from the words, not from rules."""
    for layout_name in ("no-rules", "horizontal-rules"):
        pdf = _typeset_once("ha-noi-310-2025-5g-iot", layout_name)
        kinds = {g.source for p in pdf.pages for g in p.tables}
        assert kinds == {"unruled"}, layout_name


def _typeset_once(name: str, layout_name: str):
    import tempfile

    return _typeset(tempfile.mkdtemp(), name, layout_name)
