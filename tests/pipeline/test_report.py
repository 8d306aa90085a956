"""The review page: the known plan parsed, rendered, and opened in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch.runner import run_batch
from pipeline.report.page import render_report, write_report
from pipeline.storage.load import load_tables
from pipeline.storage.write import write_tables
from tests.support.documents import KNOWN_PDF, ROOT

CHROMIUM = Path("/usr/bin/chromium")
# What headless Chromium needs in a container (no sandbox, no GPU) and to stay off the network.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "test-artifacts" / "report-known-plan.png"
DATED_KINDS = {"date", "before", "from", "month", "quarter", "half", "year", "range", "period", "recurring"}


class Dom(HTMLParser):
    """The elements of a page (tag, attributes, inside an <svg>?) and its text outside scripts and styles."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, bool]] = []
        self.texts: list[str] = []
        self._svg = 0
        self._hidden = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._svg += tag == "svg"
        self._hidden += tag in ("script", "style")
        self.elements.append((tag, dict(attrs), self._svg > 0))

    def handle_endtag(self, tag):
        self._svg -= tag == "svg"
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)

    def having(self, attribute: str, in_svg: bool | None = None) -> list[dict]:
        return [attrs for _, attrs, svg in self.elements
                if attribute in attrs and (in_svg is None or svg == in_svg)]

    def by_id(self, element_id: str) -> dict:
        return next(attrs for _, attrs, _ in self.elements if attrs.get("id") == element_id)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


@pytest.fixture(scope="module")
def browser() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `apt-get update && apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-3000:]
    return result


@pytest.fixture(scope="module")
def known_report(tmp_path_factory) -> tuple[Path, dict]:
    """The known plan's tables in a folder, and its review page written from them."""
    data = tmp_path_factory.mktemp("processed")
    batch = run_batch([KNOWN_PDF], data, workers=1)
    assert not batch.failed, batch.failed
    tables = load_tables(data)
    doc_id = tables["documents"]["doc_id"].iloc[0]
    page = write_report(data, doc_id[:8], tmp_path_factory.mktemp("report") / "known-plan.html")
    return page, {name: df[df["doc_id"] == doc_id] if "doc_id" in df else df for name, df in tables.items()}


def test_the_known_plan_in_chromium(browser, known_report, tmp_path):
    page, tables = known_report
    result = chromium(tmp_path / "profile", "--dump-dom", page.resolve().as_uri())
    dom = Dom(result.stdout.decode("utf-8"))

    assert len(dom.having("data-appendix-row")) == 35
    assert len(dom.having("data-task")) == 39
    assert len(dom.having("data-table")) == 1  # the known plan's one table, its appendix
    assert any(tag == "svg" and attrs.get("id") == "timeline" for tag, attrs, _ in dom.elements)

    milestones = tables["milestones"]
    dated = milestones[milestones["kind"].isin(DATED_KINDS) & (milestones["end"].notna() | milestones["start"].notna())]
    bars = dom.having("data-milestone", in_svg=True)
    assert len(dated) > 0 and len(bars) >= len(dated)
    assert {f"{m.row_id}/{m.seq}" for m in dated.itertuples()} <= {b["data-milestone"] for b in bars}

    assert "Lê Trọng" in dom.text


def test_the_known_plan_screenshot(browser, known_report, tmp_path):
    page, _ = known_report
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)  # an old screenshot must not pass for a new one
    chromium(tmp_path / "profile", f"--screenshot={SCREENSHOT}", "--window-size=1400,3000", page.resolve().as_uri())

    png = SCREENSHOT.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 0 and height > 0 and len(png) > 10_000


# ------------------------------------------------------------------ without a browser

DOC = "ab12cd34ef56ab78"
ROW = f"{DOC}:001"


def hostile_rows(doc_id: str = DOC) -> dict[str, list[dict]]:
    """One document of each table whose every text is markup."""
    row_id = f"{doc_id}:001"
    return {
        "documents": [{"doc_id": doc_id, "source_path": "plans/a&b.pdf", "doc_type": "Kế hoạch", "parts": ["plan"],
                       "title": "<script>alert('x')</script> & co", "signer_name": "Lê <b>Trọng</b>",
                       "issuer": "UBND <huyện>", "pages": 2, "lines_total": 10, "lines_layout": 1,
                       "lines_in_outline": 9, "coverage": 1.0}],
        "outline": [
            {"doc_id": doc_id, "node_id": 0, "kind": "document"},
            {"doc_id": doc_id, "node_id": 1, "parent_id": 0, "kind": "point", "label": "c",
             "text": "<b>bold</b>", "page_start": 1, "page_end": 1},
            {"doc_id": doc_id, "node_id": 2, "parent_id": 0, "kind": "table_row", "label": "1.1",
             "text": "row", "page_start": 2, "page_end": 2},
        ],
        "tasks": [{"doc_id": doc_id, "section_no": "1", "section_title": "<i>t</i>", "letter": "c", "letter_index": 3,
                   "text": "x < y", "bullets": ["<img src=x onerror=alert(1)>"], "node_id": 1, "page": 1}],
        "appendix_rows": [{"doc_id": doc_id, "row_id": row_id, "seq": 1, "appendix_no": 1, "group_no": 1,
                           "group_title": "<u>g</u>", "row_no": 1, "task": "<svg onload=alert(1)>",
                           "products": ["</table>x"], "lead_agency": "<Phòng>", "partner_agencies": ["a\"b"],
                           "deadline_text": "Quý I/2021 <", "notes": "<n>",
                           "other_cells": [{"header": "Kinh phí <h>", "text": "<t>"}],
                           "node_id": 2, "page_start": 2, "page_end": 2}],
        "milestones": [{"doc_id": doc_id, "row_id": row_id, "seq": 1, "action": "<a>", "kind": "quarter",
                        "start": dt.date(2021, 1, 1), "end": dt.date(2021, 3, 31), "raw": "<q>"}],
        "warnings": [{"doc_id": doc_id, "stage": "outline", "code": "letter_gap",
                      "message": "point 'c' follows 'a'", "page": 1, "node_id": 1},
                     {"doc_id": doc_id, "stage": "normalise", "code": "deadline_unknown",
                      "message": f"deadline not understood in row {row_id}: '<x>'", "page": 2, "row_id": row_id}],
        "residual": [{"doc_id": doc_id, "page": 1, "line_no": 1, "reason": "unclaimed", "text": "<hr>"}],
    }


def test_render_report_escapes_every_text_and_marks_what_warnings_name(tmp_path):
    write_tables(hostile_rows(), tmp_path)
    page = render_report(load_tables(tmp_path), DOC[:4])

    hostile = ("<script>alert", "<b>Trọng", "<b>bold", "<i>t", "<img", "<svg onload", "</table>x", "<a>", "<Phòng>",
               "<hr>", "<q>", "<u>", "<n>", "<h>", "<t>")
    assert [markup for markup in hostile if markup in page] == []
    assert page.count("<script>") == 1  # the page's own
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "Lê &lt;b&gt;Trọng&lt;/b&gt;" in page and "a&quot;b" in page

    dom = Dom(page)
    assert len(dom.having("data-other-cell")) == 2  # the notes and the cell of a column no role names
    assert "Ghi chú: &lt;n&gt;" in page and "Kinh phí &lt;h&gt;: &lt;t&gt;" in page
    assert "flagged" in dom.by_id("node-1").get("class", "")  # the letter gap's node_id
    assert "flagged" in dom.having("data-appendix-row")[0].get("class", "")  # the unknown deadline's row_id
    assert [bar["data-milestone"] for bar in dom.having("data-milestone", in_svg=True)] == [f"{ROW}/1"]


def test_write_report_finds_a_document_by_prefix_and_refuses_an_unknown_one(tmp_path):
    data = tmp_path / "data"
    rows = hostile_rows()
    other = hostile_rows("ab99000000000000")
    write_tables({name: rows[name] + other[name] for name in rows}, data)
    out = tmp_path / "pages" / "review.html"

    with pytest.raises(KeyError, match="no document 'ffff' in"):
        write_report(data, "ffff", out)
    with pytest.raises(KeyError):  # a prefix of two documents names neither
        write_report(data, "ab", out)
    assert not out.exists()

    assert write_report(data, "ab12", out) == out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["review.html"]  # no temporary file left behind


def test_the_page_lists_every_table_with_its_cells(tmp_path):
    """A decision that publishes administrative procedures: each table on the page, its cells in a grid."""
    page_path = ROOT / "tests" / "fixtures" / "legal-db" / "1796a553dfee88ef.txt"
    run_batch([page_path], tmp_path / "out", workers=1)
    tables = load_tables(tmp_path / "out")
    doc_id = tables["documents"].doc_id.iloc[0]
    dom = Dom(render_report(tables, doc_id))
    mine = tables["tables"][tables["tables"].doc_id == doc_id]
    assert len(dom.having("data-table")) == len(mine) >= 2
    assert "procedures" in set(mine.kind)
    header_words = set(tables["table_cells"].query("is_header and table_id == @mine.table_id.iloc[0]").text)
    assert {"Mã TTHC", "Căn cứ pháp lý"} <= header_words
    assert {"Mã TTHC", "Căn cứ pháp lý"} <= {t.strip() for t in dom.texts}


def test_a_period_with_no_end_is_a_mark_at_its_start(tmp_path):
    """`Triển khai từ năm 2026` (a plan's appendix on a legal-database page): kind `from`, drawn where it starts."""
    page_path = ROOT / "tests" / "fixtures" / "legal-db" / "646f0a00d4174382.txt"
    run_batch([page_path], tmp_path / "out", workers=1)
    tables = load_tables(tmp_path / "out")
    doc_id = tables["documents"].doc_id.iloc[0]
    milestones = tables["milestones"]
    starting = milestones[(milestones.doc_id == doc_id) & (milestones.kind == "from")]
    assert len(starting) >= 1 and starting.end.isna().all() and starting.start.notna().all()

    page = render_report(tables, doc_id)
    dom = Dom(page)
    marks = {m["data-milestone"]: m for m in dom.having("data-milestone", in_svg=True)}
    for m in starting.itertuples():
        mark = marks[f"{m.row_id}/{m.seq}"]
        assert mark["class"].split()[:2] == ["mark", "from"]
    undated = re.search(r"Not on the chart, no date to draw:(.*?)</p>", page)
    assert undated is None or "(from:" not in undated.group(1)
    # Each mark stands at its start: the later start further right.
    xs = {m.start: float(marks[f"{m.row_id}/{m.seq}"]["d"][1:].split(",")[0]) for m in starting.itertuples()}
    days = sorted(xs)
    assert [xs[d] for d in days] == sorted(xs[d] for d in days)


def test_every_group_of_the_appendix_heads_its_rows(tmp_path):
    """A national plan whose tasks are grouped by a column (`Thuộc nhóm nhiệm vụ`) spanning them, its
    groups titled and not numbered: each group heads its rows on the page, in order."""
    page_path = ROOT / "tests" / "fixtures" / "legal-db" / "646f0a00d4174382.txt"
    run_batch([page_path], tmp_path / "out", workers=1)
    tables = load_tables(tmp_path / "out")
    doc_id = tables["documents"].doc_id.iloc[0]
    rows = tables["appendix_rows"][tables["appendix_rows"].doc_id == doc_id]
    groups = []
    for key in zip(rows.appendix_no, rows.group_no, rows.group_title):
        if not groups or groups[-1] != key:
            groups.append(key)
    numerals = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    titled = [title if pd.isna(no) else f"{numerals[int(no)]}. {title}" for _, no, title in groups
              if isinstance(title, str)]
    assert len(titled) >= 10 and len(set(titled)) >= 8

    page = render_report(tables, doc_id)
    headings = [" ".join(re.sub(r"<[^>]+>", "", h).split())
                for h in re.findall(r'<tr class="group"><th colspan="9">(.*?)</th></tr>', page)]
    assert [html.unescape(h) for h in headings] == [" ".join(t.split()) for t in titled]


def test_a_warning_flags_by_its_ids_never_by_its_wording(tmp_path):
    """The same warnings with their ids taken away: their messages still name the point and the row, and
    nothing is flagged, for the page reads no message."""
    rows = hostile_rows()
    rows["warnings"] = [{k: v for k, v in w.items() if k not in ("node_id", "row_id")} for w in rows["warnings"]]
    write_tables(rows, tmp_path)
    dom = Dom(render_report(load_tables(tmp_path), DOC[:4]))
    assert "flagged" not in dom.by_id("node-1").get("class", "")
    assert "flagged" not in dom.having("data-appendix-row")[0].get("class", "")


def test_the_review_page_lists_the_files_signatures(tmp_path):
    """tuan-giao-hdnd-2020.pdf's four signatures, read back from its Parquet tables."""
    from tests.support.documents import FIXTURES

    run_batch([FIXTURES / "tuan-giao-hdnd-2020.pdf"], tmp_path / "out")
    tables = load_tables(tmp_path / "out")
    dom = Dom(render_report(tables, tables["documents"].doc_id[0]))
    rows = dom.having("data-signature")
    assert [r["data-signature"] for r in rows] == ["1", "2", "3", "4"]
    page = render_report(tables, tables["documents"].doc_id[0])
    assert "11/11/2020 23:57:45 UTC" in page and page.count("Hội đồng nhân dân Huyện Tuần Giáo") == 4
