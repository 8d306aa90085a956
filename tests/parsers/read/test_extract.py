"""Stage 1: pages of lines from real files, and a clear error for each unusable one."""

from __future__ import annotations

import shutil

import pytest

from parsers.model import errors
from parsers.read.extract import extract
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT


def test_text_file_pages_follow_the_extraction_marks():
    source = extract(KNOWN_TXT)
    assert source.format == "text" and source.flavour == "plain"
    first_lines = [page.lines[0] for page in source.pages]
    # Page 2 is the plan's header, which the extraction began with a space.
    assert first_lines[1].text.startswith(" ỦY BAN NHÂN DÂN CỘNG HÒA")
    assert first_lines[1].source_line == 51
    # A lone `4` is page 4's number and opens it.
    assert first_lines[3].text == "4" and first_lines[3].page == 4
    # Every non-blank line of the file is a Line, in order, with its file line number.
    raw = KNOWN_TXT.read_text(encoding="utf-8").split("\n")
    assert [l.source_line for l in source.lines()] == [i + 1 for i, t in enumerate(raw) if t.strip()]


def test_pdf_lines_keep_page_and_box():
    source = extract(KNOWN_PDF)
    assert source.format == "pdf" and len(source.pages) == 20
    title = next(l for l in source.lines() if l.text == "QUYẾT ĐỊNH")
    # The header is read column by column: issuer and number (left), then title, motto and date (right).
    assert title.page == 1 and title.line_no == 7
    assert 270 < title.box.x0 < title.box.x1 < 370  # centred on an A4 page
    assert source.pages[9].width > source.pages[9].height  # the appendix is landscape


def test_web_text_is_recognised_by_its_cell_marks():
    source = extract(FIXTURES / "ha-noi-310-2025-5g-iot.txt")
    assert source.flavour == "web" and len(source.pages) == 1


def test_doc_id_is_the_content_hash(tmp_path):
    copy = tmp_path / "elsewhere.txt"
    copy.write_bytes(KNOWN_TXT.read_bytes())
    assert extract(copy).doc_id == extract(KNOWN_TXT).doc_id == extract(KNOWN_TXT).sha256[:16]


@pytest.mark.parametrize("name,pages", [("bcd-cchc-qd46-2021-scan.pdf", 10), ("vpcp-tb79-2022-scan.pdf", 5)])
def test_scan_without_text_layer_is_read_by_ocr(name, pages):
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed")
    source = extract(FIXTURES / name)
    assert source.format == "ocr" and len(source.pages) == pages and all(p.lines for p in source.pages)


def test_word_file_renamed_pdf(tmp_path):
    fake = tmp_path / "plan.pdf"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(errors.NotAPdf, match="Word or Office"):
        extract(fake)


def test_truncated_pdf(tmp_path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(KNOWN_PDF.read_bytes()[:40_000])
    with pytest.raises(errors.UnreadableFile, match="truncated"):
        extract(cut)


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(KNOWN_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(errors.EncryptedPdf, match="encrypted"):
        extract(locked)


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n \n")
    with pytest.raises(errors.EmptyDocument):
        extract(empty)


def test_legacy_encoding_is_named(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(KNOWN_TXT.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    with pytest.raises(errors.LegacyEncoding, match="not UTF-8"):
        extract(legacy)


@pytest.mark.parametrize("junk", [b"u\xabZ\x01\xaai\x96'\x1a\xb6*'\xfe\x97_\x01\xb6\xac{\xae\x00", b"\r\n" * 400])
def test_bytes_before_the_pdf_header_are_passed_over(tmp_path, junk):
    """lamdong-ubnd-qd1406-2025.pdf opens with 22 bytes before `%PDF-` (the first 22 here): readers look for the
    header in the first 1024 bytes, and so does extract; the pages read as the PDF's own."""
    path = tmp_path / "prefixed.pdf"
    path.write_bytes(junk + KNOWN_PDF.read_bytes())
    assert [p.lines for p in extract(path).pages] == [p.lines for p in extract(KNOWN_PDF).pages]
    path.write_bytes(b" " * 1024 + KNOWN_PDF.read_bytes())  # past where a reader looks
    with pytest.raises(errors.NotAPdf, match="no PDF signature"):
        extract(path)


def test_a_blank_page_is_said_to_be_blank(tmp_path):
    """The known plan's first two pages scanned, with an empty page scanned between them (a duplex scan's
    back): OCR reads only its dust there, lines of no confidence, and the page says it is blank; the others
    were read by OCR, and the dust goes to `residual` (nothing read is lost)."""
    from PIL import Image

    from tests.support.scangen import scan_to_pdf, scanned_pages

    first, second = scanned_pages(KNOWN_PDF, first=1, last=2)
    blank = scanned_pages(_blank_pdf(tmp_path), first=1, last=1)[0]
    assert isinstance(blank, Image.Image)
    source = extract(scan_to_pdf([first, blank, second], tmp_path / "with-blank.pdf"))
    assert [p.source for p in source.pages] == ["ocr", "blank", "ocr"]
    from parsers.structure.clean import clean

    dust = {(l.page, l.line_no) for l in source.pages[1].lines}
    assert {(r.line.page, r.line.line_no) for r in clean(source).residual if r.reason == "ocr_noise"} >= dust


def _blank_pdf(folder):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / "blank.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.showPage()
    page.save()
    return path
