"""The number and the day that an e-office stamps into a signed document's header, read as printed.

The clerk issues a signed document by stamping its number and day into the blanks of its header with
signature fields whose appearance streams draw the digits (../shared/DOMAIN.md, "Real PDFs as offices
publish them"). The facts below are the hand-read truth of ../shared/corpus/real-pdf/truth.tsv and, for
tuan-giao, what poppler's pdftotext prints (`Số: 06 /GM-HĐND`, `ngày12 tháng 11 năm 2020`).
"""

from __future__ import annotations

import pytest

import parsers.read.extract as extract_module
from pipeline.run import parse_document
from tests.support.documents import FIXTURES

STAMPED = [
    # file, type, number, (year, month, day), signer
    ("lamdong-ubnd-gm85-2026.pdf", "Giấy mời", "85/GM-UBND", (2026, 1, 19), "Trịnh Ngọc Duệ"),
    ("lamdong-hdtd-ttr95-2026.pdf", "Tờ trình", "95/TTr-HĐTĐ", (2026, 2, 3), "Đỗ Văn Chung"),
    ("tuan-giao-hdnd-2020.pdf", "Giấy mời", "06/GM-HĐND", (2020, 11, 12), "Trần Bình Trọng"),
]
# Signed too, but its fields draw only the signature: its number is printed in the page's own text.
PRINTED = [("btp-cv3917-2025.pdf", "Công văn", "3917/BTP-BTTP", (2025, 7, 1), "Mai Lương Khôi")]
SIGNED = STAMPED + PRINTED


def _facts(doc: dict) -> tuple:
    return (doc["doc_type"], doc["doc_number"], (doc["issued_year"], doc["issued_month"], doc["issued_day"]),
            doc["signer_name"])


@pytest.mark.parametrize(("name", "doc_type", "number", "date", "signer"), SIGNED, ids=[s[0] for s in SIGNED])
def test_the_stamped_number_and_day_are_read_once_in_their_line(name, doc_type, number, date, signer):
    tables = parse_document(FIXTURES / name)
    assert _facts(tables["documents"][0]) == (doc_type, number, date, signer)
    digits = number.split("/")[0]
    number_lines = [n for n in tables["outline"] if n["page_start"] == 1 and digits in f"{n['title']} {n['text']}"
                    and "Số" in f"{n['title']} {n['text']}"]
    assert number_lines and all(f"{n['title']} {n['text']}".count(digits) == 1 for n in number_lines)


@pytest.mark.parametrize("name", [s[0] for s in STAMPED])
def test_without_the_fields_the_blanks_stay_blank(name, monkeypatch):
    """What the page's content stream alone holds: the facts the fields stamp are missing."""
    monkeypatch.setattr(extract_module, "slot_chars", lambda document, page: [])
    doc = parse_document(FIXTURES / name)["documents"][0]
    assert doc["doc_number"] is None or doc["issued_day"] is None


# ---------------------------------------------------------------- generated pages

def _signed_page(path, fields: list[tuple[tuple[float, float, float, float], list[str]]]) -> None:
    """A header typed with blanks (`Số:          /QĐ-UBND`, `ngày      tháng 5 năm 2026`) and, over the page,
    signature fields whose appearance streams draw `fields`' lines (each a (rect, lines) in PDF points)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject
    from reportlab.pdfgen import canvas

    from tests.support import pdfgen  # noqa: F401  (registers the DejaVu Serif fonts as "Serif")

    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Serif", 13)
    page.drawString(70, 760, "ỦY BAN NHÂN DÂN")
    page.drawString(330, 760, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawString(70, 730, "Số:")
    page.drawString(140, 730, "/QĐ-UBND")
    page.drawString(300, 730, "Hà Nội, ngày")
    page.drawString(420, 730, "tháng 5 năm 2026")
    page.drawString(250, 680, "QUYẾT ĐỊNH")
    page.drawString(70, 650, "Về việc ban hành Kế hoạch cải cách hành chính năm 2026")
    page.drawString(380, 300, "CHỦ TỊCH")
    page.drawString(370, 200, "Nguyễn Văn An")
    page.save()
    writer = PdfWriter(clone_from=PdfReader(str(path)))
    annots = ArrayObject()
    for (x0, y0, x1, y1), lines in fields:
        ops = ["BT", "/Helv 12 Tf"] + [f"1 0 0 1 2 {(y1 - y0) - 14 * (k + 1)} Tm ({text}) Tj" for k, text in
                                       enumerate(lines)] + ["ET"]
        stream = StreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): ArrayObject(map(FloatObject, (0, 0, x1 - x0, y1 - y0))),
                       NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                           {NameObject("/Helv"): font})})})
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"), NameObject("/F"): FloatObject(4),
            NameObject("/Rect"): ArrayObject(map(FloatObject, (x0, y0, x1, y1))),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(stream)}),
        })
        annots.append(writer._add_object(annot))
    writer.pages[0][NameObject("/Annots")] = annots
    with open(path, "wb") as out:
        writer.write(out)


def test_generated_slots_are_read_and_a_signature_box_is_not(tmp_path):
    path = tmp_path / "signed.pdf"
    _signed_page(path, [
        ((100, 726, 138, 744), ["1234"]),  # the number, in the blank before `/QĐ-UBND`
        ((386, 726, 416, 744), ["07"]),  # the day, between `ngày` and `tháng`
        # The e-sign box over the signer's title: two rows, standing beside a printed line but not a slot's.
        ((300, 270, 560, 310), ["Ky boi: UBND tinh", "Thoi gian ky: 07/05/2026 10:00:00"]),
    ])
    tables = parse_document(path)
    doc = tables["documents"][0]
    facts = (doc["doc_number"], doc["issued_day"], doc["issued_month"], doc["issued_year"])
    assert facts == ("1234/QĐ-UBND", 7, 5, 2026)
    words = " ".join(f"{n['title'] or ''} {n['text']}" for n in tables["outline"]) + " ".join(
        r["text"] for r in tables["residual"])
    assert "Ky boi" not in words and "Thoi gian ky" not in words
    assert words.count("1234") == 1
