"""Legal-database pages typeset as their issuers' PDFs (tests/support/pagegen.py), read back through the PDF path.

The pages are chosen by what their web reading holds (a signature of one
line, an appendix with text beside its table), the first few of each kind in
name order; the truth is the page's own: the site's metadata table
(tests/test_legaldb.site_metadata) and every line of the PDF.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from itertools import islice
from pathlib import Path

import pdfplumber
import pytest

from parsers.read.extract import open_feet
from pipeline.run import parse_document
from tests.documents.test_legaldb import NUMBER_HEADERS, _facts, site_metadata
from tests.support.documents import FIXTURES
from tests.support.pagegen import typeset

PAGES = sorted((FIXTURES / "legal-db").glob("*.txt"))
SAMPLE = 5  # pages of each kind
OUT = Path(tempfile.mkdtemp(prefix="typeset-pages-"))
atexit.register(shutil.rmtree, OUT, True)


@cache
def _web(page: Path) -> dict:
    return parse_document(page)


@cache
def _typeset(page: Path) -> Path:
    return typeset(page, OUT / f"{page.stem}.pdf")


@cache
def _pdf(page: Path) -> dict:
    return parse_document(_typeset(page))


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


def _first_row(rows: dict, table_id: str) -> tuple[str, ...]:
    """A table's first row, cell by cell, its words one space apart."""
    cells = sorted((c for c in rows["table_cells"] if c["table_id"] == table_id and c["row"] == 0),
                   key=lambda c: c["col"])
    return tuple(" ".join(c["text"].split()) for c in cells)


def list_headers(rows: dict, parts: tuple[str, ...] = ("appendix",)) -> list[tuple[str, ...]]:
    """The header of each list among the tables of these parts, cell by cell: a first row that opens with
    the number column (`STT`, `Số TT`)."""
    out = []
    for table in rows["tables"]:
        if table["part"] in parts and table["header_rows"]:
            header = _first_row(rows, table["table_id"])
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


def _appendix_kinds(rows: dict) -> list[str]:
    return [t["kind"] for t in sorted(rows["tables"], key=lambda t: t["seq"]) if t["part"] == "appendix"]


def _tables_but_no_tasks(page: Path) -> bool:
    """An appendix of tables none of which is a task table (procedures, a workflow, a form)."""
    kinds = _appendix_kinds(_web(page))
    return bool(kinds) and "tasks" not in kinds


def _one_list_over_pages(page: Path) -> bool:
    """An appendix of one list of procedures whose typeset PDF breaks a row over a page: the row's part
    at the page's foot has its column rules, and no rule closes them (extract.open_feet)."""
    if page.stat().st_size > 40_000 or _appendix_kinds(_web(page)) != ["procedures"]:
        return False
    with pdfplumber.open(_typeset(page)) as pdf:
        return any(open_feet(p) for p in pdf.pages)


ONE_LINE_SIGNATURES = list(islice(filter(_signs_with_one_line, PAGES), SAMPLE))
LISTS = list(islice(filter(_lists_under_headers_of_their_own, PAGES), SAMPLE))
TEXT_BESIDE_TABLES = list(islice(filter(_text_after_appendix_table, PAGES), SAMPLE))
# All of them under 40 kB, not the first few: what sets the order apart is in the forms and workflows
# the later pages hold.
NO_TASKS = list(islice(filter(_tables_but_no_tasks, PAGES), SAMPLE))
ONE_LIST_OVER_PAGES = list(filter(_one_list_over_pages, PAGES))
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
    return _first_row(rows, first["table_id"])


@pytest.mark.parametrize("page", APPENDICES_OF_TABLES, ids=lambda p: p.stem)
def test_tables_are_numbered_in_the_order_printed(page):
    """An appendix's task table hangs from the appendix's own node, above the lists printed before it;
    the tables are still numbered as printed: by page, and the appendices' first table is the web page's."""
    tables = sorted(_pdf(page)["tables"], key=lambda t: t["seq"])
    starts = [t["page_start"] for t in tables]
    assert starts == sorted(starts)
    assert _first_appendix_header(_pdf(page)) == _first_appendix_header(_web(page))


@pytest.mark.parametrize("page", NO_TASKS, ids=lambda p: p.stem)
def test_an_appendix_without_a_task_table_gives_no_task_rows(page):
    """A list of procedures, a workflow, a form: tables of their kinds in the PDF as on the web page, none
    read into task rows, and no warning of a task table without a header."""
    rows = _pdf(page)
    assert rows["appendix_rows"] == []
    assert "tasks" not in _appendix_kinds(rows)
    assert not [w for w in rows["warnings"] if w["code"] == "no_table_header"]


@pytest.mark.parametrize("page", ONE_LIST_OVER_PAGES, ids=lambda p: p.stem)
def test_a_row_broken_over_a_page_stays_in_its_table(page):
    """The row's part at a page's foot, a grid of its own, goes on the table above it: one list, as many
    rows as the web page's."""
    web = [t["n_rows"] for t in _web(page)["tables"] if t["part"] == "appendix"]
    assert [(t["kind"], t["n_rows"]) for t in _pdf(page)["tables"]
            if t["part"] == "appendix"] == [("procedures", web[0])]


def _task_rows(rows: dict) -> list[tuple]:
    return [(r["group_no"], r["group_title"], r["row_no"], " ".join((r["task"] or "").split()))
            for r in rows["appendix_rows"]]


# Task tables that the PDF path once read otherwise than the web page: a header naming a role twice
# (`Thời hạn` and `Tiến độ`; `Văn bản giao nhiệm vụ` beside `Nhiệm vụ`), and group rows whose label and
# title stand in cells of their own, the others empty (`I` | `CƠ CHẾ, CHÍNH SÁCH` | | |).
SAME_TASK_ROWS = [("74e2ddc7b11340da", "no groups"), ("ec00bd6f58be7864", "groups")]


@pytest.mark.parametrize("stem, grouped", SAME_TASK_ROWS)
def test_the_pdf_gives_the_web_pages_task_rows(stem, grouped):
    page = next(p for p in PAGES if p.stem == stem)
    web = _task_rows(_web(page))
    assert len(web) >= 20
    assert _task_rows(_pdf(page)) == web
    titles = {n["title"] for n in _web(page)["outline"] if n["kind"] == "table_group"}
    assert bool(titles) == (grouped == "groups")
    assert not titles & {task for *_, task in web}  # no group's title read as a task


def test_workflows_over_pages_give_the_web_pages_steps():
    """Procedures' workflows one after another in one table (legal-db 77dca8a7): a list's title spanning
    the table (`Quy trình số 02 …`) opens a group, a total spanning the task column (`Tổng thời gian giải
    quyết TTHC` | `190 ngày`) is a row of its own, not the step above again, and a step broken over a page
    (its `Bước` cell empty at the top of the next) is one row: as many rows as the web page's."""
    page = next(p for p in PAGES if p.stem == "77dca8a7aeea79a1")
    web, pdf = _web(page), _pdf(page)
    assert len(pdf["appendix_rows"]) == len(web["appendix_rows"]) >= 100
    no_task = [[r["seq"] for r in rows["appendix_rows"] if not r["task"]] for rows in (web, pdf)]
    assert no_task[1] == no_task[0] and len(no_task[0]) <= 1  # a total whose label stands beside the task column
    totals = [[r["task"] for r in rows["appendix_rows"] if r["task"] and r["task"].startswith("Tổng thời gian")]
              for rows in (web, pdf)]
    assert totals[1] == totals[0] and len(totals[0]) >= 5
    groups = [[n["title"] for n in rows["outline"] if n["kind"] == "table_group"] for rows in (web, pdf)]
    assert groups[1] == groups[0] and any(title.startswith("Quy trình số") for title in groups[0])


def _subject(rows: dict) -> str | None:
    return next((" ".join(n["text"].split()) for n in rows["outline"] if n["kind"] == "letter_subject"), None)


def _addressed_letter(page: Path) -> bool:
    """A letter with a `V/v …` subject under its number and `Kính gửi:` below the header."""
    kinds = {n["kind"] for n in _web(page)["outline"]}
    return {"letter_subject", "addressee"} <= kinds


LETTERS = list(islice(filter(_addressed_letter, PAGES), 3 * SAMPLE))


@pytest.mark.parametrize("page", LETTERS, ids=lambda p: p.stem)
def test_kinh_gui_below_the_header_is_not_the_subjects(page):
    """The subject, centred in the header's left column, may run on below the right column's last line;
    `Kính gửi:`, flush with the body's margin under it, opens the addressee, not a line of the subject."""
    pdf = _pdf(page)
    assert _subject(pdf) == _subject(_web(page))
    assert any(n["kind"] == "addressee" for n in pdf["outline"])


def _addressees(rows: dict) -> list[str]:
    return [" ".join(n["text"].split()) for n in rows["outline"] if n["kind"] == "addressee_item"]


@pytest.mark.parametrize("page", LETTERS, ids=lambda p: p.stem)
def test_the_letters_body_does_not_run_into_its_last_addressee(page):
    """`- Các đơn vị … trực thuộc.` ends short, and the body's first paragraph follows flush with the margin
    (no first-line indent): the addressees are the web page's, the body not among them."""
    assert _addressees(_pdf(page)) == _addressees(_web(page))


def test_the_samples_are_there():
    assert len(ONE_LINE_SIGNATURES) == len(TEXT_BESIDE_TABLES) == len(LISTS) == SAMPLE
    assert len(APPENDICES_OF_TABLES) >= SAMPLE and len(NO_TASKS) == SAMPLE and len(ONE_LIST_OVER_PAGES) >= 2
