"""Two-column blocks of a PDF (the national header, the closing block) read column by column.

The four 2025 web plans are typeset as their PDFs would be: the header and the
closing block in two columns, the appendix on landscape pages after the
signature. Every fact set in them comes from the web text itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from parsers.read.extract import extract
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_PDF
from tests.support.gridread import read_rows, score
from tests.support.pdfgen import BODY, plan_with_closing
from tests.support.tablesrc import WEB_PLANS, web_appendix


def test_known_plan_header_is_read_by_columns():
    page = extract(KNOWN_PDF).pages[0]
    texts = [l.text for l in page.lines[:6]]
    # The issuer and number (left column) come before the national title, motto and date (right column).
    assert texts == ["ỦY BAN NHÂN DÂN", "HUYỆN MANG YANG", "Số: /QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập – Tự do – Hạnh phúc", "Mang Yang, ngày tháng 12 năm 2020"]
    left, right = page.lines[:3], page.lines[3:6]
    assert max(l.box.x1 for l in left) < min(l.box.x0 for l in right)  # each line keeps its own box


def test_known_plan_body_lines_stay_whole():
    """Only the header is split: every other line of the known plan is as the line finder gives it."""
    import pdfplumber

    source = extract(KNOWN_PDF)
    with pdfplumber.open(KNOWN_PDF) as pdf:
        for page, plumbed in zip(source.pages[1:], pdf.pages[1:]):
            raw = [t["text"] for t in plumbed.extract_text_lines(return_chars=False) if t["text"].strip()]
            ours = [l.text for l in page.lines]
            if page.number == 2:  # the plan's own two-column header
                assert ours[1:5] == ["ỦY BAN NHÂN DÂN", "HUYỆN MANG YANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                     "Độc lập – Tự do – Hạnh phúc"]
                ours, raw = ours[5:], raw[3:]
            assert ours == raw, page.number


@pytest.mark.parametrize("pdf", ["mang-yang-2021-cchc.pdf", "binh-duong-hdnd-tb11-2021.pdf",
                                 "chinh-phu-nd47-2020-broken-glyphs.pdf", "tuan-giao-hdnd-2020.pdf"])
def test_no_table_is_found_in_prose(pdf):
    source = extract(FIXTURES / pdf)
    assert [(p.number, g.bbox) for p in source.pages for g in p.tables if g.source == "unruled"] == []


def test_no_table_is_found_in_justified_prose(tmp_path):
    """A plan's body text, set justified in a wide and a narrow frame, holds no table."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    texts = [n["text"] for n in parse_document(FIXTURES / "ha-noi-310-2025-5g-iot.txt")["outline"]
             if n["kind"] in ("item", "point", "bullet", "para") and len(n["text"]) > 120]
    assert len(texts) > 20
    for width in (A4[0] - 110, 260):
        path = tmp_path / f"prose-{int(width)}.pdf"
        style = ParagraphStyle("justified", parent=BODY, alignment=4)
        doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=55, rightMargin=A4[0] - 55 - width)
        doc.build([Paragraph(escape(t), style) for t in texts])
        source = extract(path)
        assert len(source.pages) >= 3
        assert [g for p in source.pages for g in p.tables] == []


# ------------------------------------------------------------ typeset web plans


@cache
def _web(name: str) -> dict:
    return parse_document(FIXTURES / f"{name}.txt")


def _typeset(name: str, folder: Path) -> Path:
    """The web plan as a PDF: its own header facts, recipients, signature and appendix table."""
    web = _web(name)
    doc = web["documents"][0]
    outline = web["outline"]
    appendix = next(n["node_id"] for n in outline if n["kind"] == "appendix")
    table = web_appendix(name)
    return plan_with_closing(
        folder / f"{name}.pdf", issuer=doc["issuer"], number=doc["doc_number"],
        place_date=f"{doc['place']}, {doc['issued_date_raw']}", title=doc["title"],
        body=["I. MỤC TIÊU", "1. Triển khai các nhiệm vụ của Kế hoạch.", "II. NHIỆM VỤ",
              "(Chi tiết tại Phụ lục kèm theo)."],
        recipients=[n["text"] for n in outline if n["kind"] == "recipient"],
        signature=[f"{n['label']}. {n['text']}" for n in outline if n["kind"] == "signature"] + [doc["signer_title"]],
        signer=doc["signer_name"],
        appendix_title=[n["text"] for n in outline
                        if n["parent_id"] == appendix and n["kind"] in ("appendix_title", "subject", "attachment")],
        header=table.header, rows=table.rows, groups=table.groups)


@cache
def _typeset_plan(name: str) -> Path:
    import tempfile

    return _typeset(name, Path(tempfile.mkdtemp()))


@pytest.mark.parametrize("name", WEB_PLANS)
def test_closing_block_gives_signer_lines_of_their_own(name):
    doc = _web(name)["documents"][0]
    lines = [l.text for l in extract(_typeset_plan(name)).pages[0].lines]
    assert doc["signer_name"] in lines and doc["signer_title"] in lines and "KT. CHỦ TỊCH" in lines
    # The recipients' column comes first, whole, then the signature's.
    assert lines.index("Nơi nhận:") < lines.index("TM. ỦY BAN NHÂN DÂN")
    last_recipient = max(i for i, t in enumerate(lines) if t.startswith("- Lưu"))
    assert last_recipient < lines.index("TM. ỦY BAN NHÂN DÂN") < lines.index(doc["signer_name"])


@pytest.mark.parametrize("name", WEB_PLANS)
def test_typeset_plan_header_facts_equal_the_web_text(name):
    want = _web(name)["documents"][0]
    got = parse_document(_typeset_plan(name))["documents"][0]
    for fact in ("issuer", "doc_number", "place", "issued_year", "issued_month", "issued_day", "signer_name",
                 "signer_title"):
        assert got[fact] == want[fact], fact


@pytest.mark.parametrize("name", WEB_PLANS)
def test_typeset_appendix_grids_give_the_web_cells(name):
    """The appendix after the signature: its ruled grids give the web table's rows and cells."""
    table = web_appendix(name)
    got = read_rows(extract(_typeset_plan(name)), table.header, [t for ts in table.groups.values() for t in ts])
    equal, total, misses = score(table.rows, got)
    assert len(got) == len(table.rows) and equal == total, misses


@pytest.mark.parametrize("name", WEB_PLANS)
def test_typeset_plan_appendix_rows_equal_the_web_text(name):
    want = _web(name)["appendix_rows"]
    got = parse_document(_typeset_plan(name))["appendix_rows"]
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert (a["task"], a["lead_agency"], a["deadline_text"]) == (b["task"], b["lead_agency"], b["deadline_text"])
