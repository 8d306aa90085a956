"""Appendix tables of real documents typeset in many layouts, read back from the PDF.

Every source table (the known plan's 35 rows, the four 2025 web plans'
appendices, a procedures table of a legal-database page) is set by
`tests/pdfgen.py` in each layout of `pdfgen.LAYOUTS`; the grids extraction
finds on the pages (ruled, or from the words' positions where the rules are
missing), read in order with repeated headers dropped and rows broken by a
page joined, must give every row and at least 99 % of the source's cells.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from parsers.extract import extract

from .gridread import read_rows, score
from .pdfgen import LAYOUTS, table_pdf
from .tablesrc import all_sources

SOURCES = {s.name: s for s in all_sources()}

# Layouts that do not come out right yet, each with what is missing. A listed
# pair that starts passing fails the run (strict), so the list stays true.
NOT_YET = {
    ("mang-yang-2021-cchc", "horizontal-narrow"): "a page opening with the long rest of a row: its few cells set the columns",
    ("dong-thap-617-2025-chuyen-doi-so-doanh-nghiep", "no-rules-portrait"): "a wrapped group title across an unruled table",
}
# A layout the typesetter cannot set for a source (a spanning cell taller than a page).
CANNOT_SET: set[tuple[str, str]] = set()


def _cases():
    for name in SOURCES:
        for layout in LAYOUTS:
            if (name, layout.name) in CANNOT_SET:
                continue
            marks = [pytest.mark.xfail(reason=NOT_YET[name, layout.name], strict=True)] if (name, layout.name) in NOT_YET else []
            yield pytest.param(name, layout, id=f"{name}-{layout.name}", marks=marks)


@lru_cache(maxsize=None)
def _typeset(tmp: str, name: str, layout_name: str):
    source = SOURCES[name]
    layout = next(l for l in LAYOUTS if l.name == layout_name)
    from pathlib import Path

    return extract(table_pdf(Path(tmp) / f"{name}-{layout_name}.pdf", source.header, source.rows, source.groups, layout))


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


def test_unruled_layouts_are_read_from_the_words():
    """The layouts without vertical rules give grids found from the words, not from rules."""
    for layout_name in ("no-rules", "horizontal-rules"):
        pdf = _typeset_once("ha-noi-310-2025-5g-iot", layout_name)
        kinds = {g.source for p in pdf.pages for g in p.tables}
        assert kinds == {"unruled"}, layout_name


def _typeset_once(name: str, layout_name: str):
    import tempfile

    return _typeset(tempfile.mkdtemp(), name, layout_name)
