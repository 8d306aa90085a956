"""Legal-database pages set by three typesetters of our own, independent of each other, read back as PDFs.

reportlab (tests/support/pagegen.py), Chromium printing HTML (htmlgen.py) and
LibreOffice converting an OpenDocument text (odtgen.py) each set the same
pages, each page in a style drawn from its name (font, sizes, margins,
alignment, indents, the header's columns: tests/support/flow.py). The truth
is the page's own: the site's metadata table for the header facts
(`site_metadata`) and the page's appendix cells (`page_cells`), never the
flow the typesetters were given. Every page of the sample is parsed (none
refused), its facts agree with the site's, and its appendix cells are the
page's, in order. The whole set of 189 pages is measured by
bench/typeset_pages.py (figures in the README).
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from parsers.model.errors import DocumentError
from pipeline.run import parse_document
from tests.documents.test_legaldb import _appendix_cells, _facts, page_cells, site_metadata
from tests.support import htmlgen, odtgen, pagegen
from tests.support.documents import FIXTURES
from tests.support.flow import style_for

PAGES = sorted((FIXTURES / "legal-db").glob("*.txt"))
TYPESETTERS = {"reportlab": pagegen, "chromium": htmlgen, "libreoffice": odtgen}
# Every 16th page (every kind of document), and the first pages with appendix tables small enough to set
# quickly (lists of procedures, task tables, workflows, forms).
SPREAD = PAGES[::16]
WITH_TABLES = [p for p in PAGES if p not in SPREAD and p.stat().st_size < 30_000 and page_cells(p)][:6]
SAMPLE = SPREAD + WITH_TABLES


@pytest.fixture(scope="module", params=sorted(TYPESETTERS))
def typeset(request) -> tuple[str, dict[Path, dict | DocumentError]]:
    """(typesetter, each page's tables as parsed from its PDF, or the error that refused it)."""
    return request.param, _parsed(request.param)


@cache
def _parsed(name: str) -> dict[Path, dict | DocumentError]:
    out = Path(tempfile.mkdtemp(prefix=f"typeset-{name}-"))
    try:
        TYPESETTERS[name].typeset_many(SAMPLE, out)
        parsed: dict[Path, dict | DocumentError] = {}
        for page in SAMPLE:
            try:
                parsed[page] = parse_document(out / f"{page.stem}.pdf")
            except DocumentError as exc:
                parsed[page] = exc
        return parsed
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_the_sample_holds_every_kind_and_tables():
    assert len(SPREAD) >= 12 and len(WITH_TABLES) == 6
    assert len({style_for(p.stem).font for p in SAMPLE}) == 4  # every face the styles draw from


def test_no_page_is_refused(typeset):
    name, parsed = typeset
    refused = {page.stem: str(rows) for page, rows in parsed.items() if isinstance(rows, DocumentError)}
    assert refused == {}, name


def test_header_facts_agree_with_the_site(typeset):
    """Number, type, date and signer as the site's metadata gives them: at least 98 % of the sample's facts."""
    name, parsed = typeset
    facts, wrong = 0, []
    for page, rows in parsed.items():
        meta = site_metadata(page)
        if isinstance(rows, DocumentError) or not meta.get("number"):
            continue
        ours = _facts(rows["documents"][0])
        for field, theirs in meta.items():
            facts += 1
            if "".join(ours[field].split()).casefold() != "".join(theirs.split()).casefold():
                wrong.append(f"{page.stem} {field}: {ours[field]!r} against {theirs!r}")
    assert facts >= 40
    assert len(wrong) <= 0.02 * facts, f"{name}: {wrong}"


def test_appendix_cells_are_the_pages(typeset):
    """Read by (table, row, col), the appendix tables' cells are the page's own, in order (words compared
    without spaces: a typesetter breaks a line where it likes, after a hyphen too)."""
    name, parsed = typeset
    total = right = 0
    for page in WITH_TABLES:
        rows = parsed[page]
        assert not isinstance(rows, DocumentError), f"{name} {page.stem}: {rows}"
        want = page_cells(page)
        squeeze = lambda cells: [re.sub(r"[\s#]", "", c) for c in cells]  # noqa: E731
        matcher = difflib.SequenceMatcher(None, squeeze(want), squeeze(_appendix_cells(rows)), autojunk=False)
        total += len(want)
        right += sum(block.size for block in matcher.get_matching_blocks())
    assert total >= 100
    assert right >= 0.99 * total, f"{name}: {right}/{total} cells"


@pytest.mark.parametrize("name", sorted(TYPESETTERS))
def test_each_page_is_set_in_its_own_style(name, tmp_path):
    """The faces a PDF's characters are drawn in are its style's (no fallback face for a Vietnamese letter),
    and pages of other styles are drawn in other faces: the typesetters do set what the style draws."""
    pages = [p for p in SPREAD if style_for(p.stem).font in ("Tinos", "DejaVu Serif")][:1] + \
            [p for p in SPREAD if style_for(p.stem).font in ("FreeSerif", "Arimo")][:1]
    TYPESETTERS[name].typeset_many(pages, tmp_path)
    for page in pages:
        with pdfplumber.open(tmp_path / f"{page.stem}.pdf") as pdf:
            faces = {c["fontname"].split("+")[-1] for p in pdf.pages for c in p.chars}
        family = style_for(page.stem).font.replace(" ", "")
        assert faces and all(face.startswith(family) for face in faces), (name, page.stem, faces)
