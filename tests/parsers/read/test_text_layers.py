"""A scan's own text layer is kept when it reads as Vietnamese, and read again by OCR when it does not.

Real scans come with the layers their scanners made (../shared/corpus/real-pdf: lamdong-ubnd-cv4377-2025.pdf,
lamdong-ubnd-qd1406-2025.pdf carry invisible layers made without Vietnamese, `0v naN NnAx oAN`, no word with a
mark). Here the known plan's first page is scanned (tests/support/scangen.py) and given an invisible layer of
its own words, once as printed and once with every mark stripped, as an OCR made without the language writes.
"""

from __future__ import annotations

import unicodedata

import pytest

from parsers.read.extract import extract
from tests.support.documents import KNOWN_PDF
from tests.support.scangen import scanned_pages


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _scan_with_layer(path, lines: list[str]) -> None:
    """The scanned page, and over it `lines` as an invisible text layer (text render mode 3), one a line."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.support import pdfgen  # noqa: F401  (registers the DejaVu Serif fonts as "Serif")

    (image,) = scanned_pages(KNOWN_PDF, first=1, last=1)
    page = canvas.Canvas(str(path), pagesize=(595.28, 841.89))
    page.drawImage(ImageReader(image), 0, 0, width=595.28, height=841.89)
    text = page.beginText(60, 800)
    text.setTextRenderMode(3)
    text.setFont("Serif", 11)
    for line in lines:
        text.textLine(line)
    page.drawText(text)
    page.save()


@pytest.fixture(scope="module")
def printed_lines() -> list[str]:
    return [line.text for line in extract(KNOWN_PDF).pages[0].lines]


def test_a_layer_without_the_language_is_read_again_by_ocr(tmp_path, printed_lines):
    path = tmp_path / "bare-layer.pdf"
    _scan_with_layer(path, [_bare(line) for line in printed_lines])
    source = extract(path)
    assert source.format == "ocr" and [p.source for p in source.pages] == ["ocr"]
    words = " ".join(line.text for line in source.pages[0].lines)
    assert "QUYẾT ĐỊNH" in words and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words  # read from the image
    assert "QUYET DINH" not in words


def test_a_layer_in_vietnamese_is_kept(tmp_path, printed_lines):
    path = tmp_path / "sound-layer.pdf"
    _scan_with_layer(path, printed_lines)
    source = extract(path)
    assert source.format == "pdf" and [p.source for p in source.pages] == ["text_layer"]
    assert [line.text for line in source.pages[0].lines] == printed_lines


def test_text_in_a_font_that_maps_to_no_letters_is_read_from_the_page_image(tmp_path):
    """laocai-vpubnd-pc466-2026.pdf draws its text in a font whose codes map to no letter (pdfminer reads
    `(cid:55)(cid:1228)…`); the glyphs print right. The known plan's first page with its fonts' character maps
    taken away is the same: read by OCR, it gives the page's words."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_page(PdfReader(KNOWN_PDF).pages[0])
    fonts = writer.pages[0]["/Resources"]["/Font"]
    for name in fonts:
        font = fonts[name].get_object()
        if "/ToUnicode" in font:
            del font[NameObject("/ToUnicode")]
    path = tmp_path / "no-map.pdf"
    writer.write(path)
    source = extract(path)
    assert source.format == "ocr"
    words = " ".join(line.text for line in source.pages[0].lines)
    assert "(cid:" not in words and "QUYẾT ĐỊNH" in words and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
