"""Legal-database pages typeset as their issuers' PDFs (tests/pagegen.py), read back through the PDF path.

The pages are chosen by what their web reading holds (a signature of one
line, an appendix with text beside its table), the first few of each kind in
name order; the truth is the page's own: the site's metadata table
(tests/test_legaldb.site_metadata) and every line of the PDF.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from itertools import islice
from pathlib import Path

import pytest

from pipeline.run import parse_document

from .conftest import FIXTURES
from .pagegen import typeset
from .test_legaldb import NUMBER_HEADERS, _facts, site_metadata

PAGES = sorted((FIXTURES / "legal-db").glob("*.txt"))
SAMPLE = 5  # pages of each kind
OUT = Path(tempfile.mkdtemp(prefix="typeset-pages-"))
atexit.register(shutil.rmtree, OUT, True)


@lru_cache(maxsize=None)
def _web(page: Path) -> dict:
    return parse_document(page)


@lru_cache(maxsize=None)
def _pdf(page: Path) -> dict:
    return parse_document(typeset(page, OUT / f"{page.stem}.pdf"))


def _signs_with_one_line(page: Path) -> bool:
    """Signed under one title line (`CHỦ TỊCH`, `THỦ TƯỚNG`) and a name, which the site names too."""
    kinds = [n["kind"] for n in _web(page)["outline"]]
    return (kinds.count("signature") == 1 and "signer_title" not in kinds and "signer" in kinds
            and bool(site_metadata(page).get("signer")))


def _text_after_appendix_table(page: Path) -> list[str]:
    """The texts that follow a task table in its appendix (headings of the next list, text after it)."""
    rows = _web(page)
    task_nodes = {t["node_id"] for t in rows["tables"] if t["kind"] == "tasks" and t["part"] == "appendix"}
    outline = rows["outline"]
    return [n["text"] for k, node in enumerate(outline) if node["node_id"] in task_nodes
            for n in outline[k + 1:] if n["parent_id"] == node["parent_id"] and n["kind"] != "table" and n["text"]]


def list_headers(rows: dict, parts: tuple[str, ...] = ("appendix",)) -> list[tuple[str, ...]]:
    """The header of each list among the tables of these parts, cell by cell: a first row that opens with
    the number column (`STT`, `Số TT`)."""
    out = []
    for table in rows["tables"]:
        if table["part"] in parts and table["header_rows"]:
            cells = sorted((c for c in rows["table_cells"] if c["table_id"] == table["table_id"] and c["row"] == 0),
                           key=lambda c: c["col"])
            header = tuple(" ".join(c["text"].split()) for c in cells)
            if header and header[0] in NUMBER_HEADERS:
                out.append(header)
    return out


def _lists_under_headers_of_their_own(page: Path) -> bool:
    """An appendix of two lists or more, under different headers (new and abolished procedures, a workflow)."""
    return len(set(list_headers(_web(page)))) >= 2


def _appendix_of_tables(page: Path) -> bool:
    """An appendix of several tables (a list of procedures, then each one's workflow; forms)."""
    numbers = [t["appendix_no"] for t in _web(page)["tables"] if t["part"] == "appendix"]
    return any(numbers.count(n) > 1 for n in numbers)


ONE_LINE_SIGNATURES = list(islice(filter(_signs_with_one_line, PAGES), SAMPLE))
LISTS = list(islice(filter(_lists_under_headers_of_their_own, PAGES), SAMPLE))
TEXT_BESIDE_TABLES = list(islice(filter(_text_after_appendix_table, PAGES), SAMPLE))
# All of them under 40 kB, not the first few: what sets the order apart is in the forms and workflows
# the later pages hold.
APPENDICES_OF_TABLES = [p for p in PAGES if p.stat().st_size < 40_000 and _appendix_of_tables(p)]


@pytest.mark.parametrize("page", ONE_LINE_SIGNATURES, ids=lambda p: p.stem)
def test_a_signature_of_one_line_gives_its_signer(page):
    """The closing set as two columns, `Nơi nhận:` beside a one-line title, the name below it on the right:
    the signer is the site's, and the header's facts are the site's too."""
    meta = site_metadata(page)
    ours = _facts(_pdf(page)["documents"][0])
    for field in ("number", "signer", "date"):
        if meta.get(field):
            assert "".join(ours[field].split()).casefold() == "".join(meta[field].split()).casefold(), field


@pytest.mark.parametrize("page", TEXT_BESIDE_TABLES, ids=lambda p: p.stem)
def test_text_beside_an_appendix_table_is_read(page):
    """Headings between an appendix's lists and the text after its table are paragraphs of the appendix:
    no line of the PDF is left unclaimed, and the web page's text after the table is in the outline."""
    rows = _pdf(page)
    assert [r["text"] for r in rows["residual"] if r["reason"] == "unclaimed"] == []
    assert rows["documents"][0]["coverage"] == 1.0
    outline = " ".join(" ".join(n["text"] for n in rows["outline"]).split())
    for text in _text_after_appendix_table(page):
        assert " ".join(text.split())[:60] in outline


@pytest.mark.parametrize("page", LISTS, ids=lambda p: p.stem)
def test_each_list_of_an_appendix_is_a_table_under_its_own_header(page):
    """The lists of an appendix, each under its own header, are tables of their own in the PDF too, not
    rows of the first one: every header the web page's tables open with opens a table of the PDF's.
    (A form printed in an appendix, with a national header of its own, opens a part of the PDF's.)"""
    printed = list_headers(_pdf(page), ("appendix", "body"))
    for header in list_headers(_web(page)):
        assert header in printed


def _first_appendix_header(rows: dict) -> tuple[str, ...]:
    """The first row of the first table of the appendices, cell by cell."""
    first = min((t for t in rows["tables"] if t["part"] == "appendix"), key=lambda t: t["seq"])
    cells = sorted((c for c in rows["table_cells"] if c["table_id"] == first["table_id"] and c["row"] == 0),
                   key=lambda c: c["col"])
    return tuple(" ".join(c["text"].split()) for c in cells)


@pytest.mark.parametrize("page", APPENDICES_OF_TABLES, ids=lambda p: p.stem)
def test_tables_are_numbered_in_the_order_printed(page):
    """An appendix's task table hangs from the appendix's own node, above the lists printed before it;
    the tables are still numbered as printed: by page, and the appendices' first table is the web page's."""
    tables = sorted(_pdf(page)["tables"], key=lambda t: t["seq"])
    starts = [t["page_start"] for t in tables]
    assert starts == sorted(starts)
    assert _first_appendix_header(_pdf(page)) == _first_appendix_header(_web(page))


def test_the_samples_are_there():
    assert len(ONE_LINE_SIGNATURES) == len(TEXT_BESIDE_TABLES) == len(LISTS) == SAMPLE
    assert len(APPENDICES_OF_TABLES) >= SAMPLE
