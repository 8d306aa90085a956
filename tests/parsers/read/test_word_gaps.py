"""Word spaces in small print: a gap is a word space when it is wide for the type's own size.

pdfplumber takes a gap of more than 3 pt for a word space; the word space of 11–12 pt Times is
2.8–3.0 pt, so the closing block and the tables of real documents ran together (`Nơinhận:`,
`-Nhưtrên;`). The two fixture PDFs are read as their pages print; pages typeset here at 9–12 pt, their
words set apart by narrow gaps, with no space characters or with spaces squeezed to nothing, give back
their words as typeset (the truth is the source strings), and text set normally, or tracked, or with
its marks as combining characters, is read as before: no word split, none run together.
"""

from __future__ import annotations

import unicodedata

import pdfplumber
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from parsers.read.extract import extract
from tests.support import pdfgen  # noqa: F401  (registers the DejaVu Serif fonts as "Serif", "Serif-Bold")
from tests.support.documents import FIXTURES

# Lines quoted from the closing blocks and headers of real documents (tests/fixtures, the real PDFs).
LINES = [
    "Nơi nhận:",
    "- Như trên;",
    "- Thường trực HĐND tỉnh;",
    "- Các cơ quan được mời tham gia Đoàn giám sát;",
    "- Báo; Đài PT-TH; Website Bình Dương;",
    "- Lưu: VT, Ly (10).",
    "Hà Nội, ngày 15 tháng 3 năm 2025",
    "Nguyễn Văn An",
    "a) b) c) d) đ) e)",
]
SIZES = [9, 10, 11, 12]


def _lines(path) -> list[str]:
    return [line.text for page in extract(path).pages for line in page.lines]


def _draw(c: canvas.Canvas, x: float, y: float, text: str, size: float, gap: float, tracking: float = 0.0,
          spaces: bool = False, font: str = "Serif") -> None:
    """One line at (x, y), its words `gap` points apart (from the last letter's edge to the next letter).

    Without `spaces` each word is drawn on its own, as PDF makers that place words do (no space
    characters); with them the line is one run whose space characters are squeezed (Tw) to the gap."""
    words = text.split(" ")
    if spaces:
        t = c.beginText(x, y)
        t.setFont(font, size)
        t.setCharSpace(tracking)
        # A space advances by its width, the tracking after it and the word spacing; the letter before it
        # already carries its own tracking.
        t.setWordSpace(gap - stringWidth(" ", font, size) - 2 * tracking)
        t.textOut(text)
        c.drawText(t)
        return
    for word in words:
        t = c.beginText(x, y)
        t.setFont(font, size)
        t.setCharSpace(tracking)
        t.textOut(word)
        c.drawText(t)
        # The tracking follows every glyph, the last one too: the next word starts `gap` past the last letter.
        x += stringWidth(word, font, size) + len(word) * tracking - tracking + gap


def _page(path, lines: list[str], size: float, **how) -> None:
    c = canvas.Canvas(str(path))
    y = 780.0
    for text in lines:
        _draw(c, 72.0, y, text, size, **how)
        y -= 2.2 * size
    c.save()


# ---------------------------------------------------------------------------------------- fixture PDFs


def test_tuan_giao_closing_block():
    lines = _lines(FIXTURES / "tuan-giao-hdnd-2020.pdf")
    start = lines.index("Nơi nhận:")
    assert lines[start:start + 3] == ["Nơi nhận:", "- Như trên;", "- Lưu VT."]
    assert lines[start + 3:start + 7] == ["TM. HỘI ĐỒNG NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Bình Trọng"]


def test_binh_duong_closing_block():
    lines = _lines(FIXTURES / "binh-duong-hdnd-tb11-2021.pdf")
    start = lines.index("Nơi nhận:")
    assert lines[start:start + 10] == [
        "Nơi nhận:",
        "- Thường trực HĐND tỉnh;",
        "- Ban Thường trực UBMTTQ tỉnh;",
        "- Thành viên Đoàn giám sát;",
        "- Các cơ quan được mời tham gia Đoàn giám sát;",
        "- Các cơ quan chịu sự giám sát;",
        "- Báo; Đài PT-TH; Website Bình Dương;",
        "- Lãnh đạo Văn phòng;",
        "- Các Phòng, App, Web;",
        "- Lưu: VT, Ly (10).",
    ]
    assert lines[start + 10:start + 13] == ["TM. ĐOÀN GIÁM SÁT", "TRƯỞNG ĐOÀN", "CHỦ TỊCH HĐND TỈNH"]


def test_footnote_colon_keeps_its_space():
    # binh-duong-hdnd-tb11-2021.pdf page 3: a 10 pt footnote whose space after the colon is 2.5 pt wide
    assert "3 Phường: Phú Mỹ, Phú Hòa, Hội Nghĩa, Tân Hiệp; thị trấn Tân Thành, xã Tân Định." in _lines(
        FIXTURES / "binh-duong-hdnd-tb11-2021.pdf")


# ------------------------------------------------------------------------------- typeset small print


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("gap_em", [0.18, 0.25])
def test_words_placed_without_spaces(tmp_path, size, gap_em):
    """Words drawn one by one, `gap_em` of the size apart (1.6–3.0 pt: under pdfplumber's 3 pt)."""
    path = tmp_path / "narrow.pdf"
    _page(path, LINES, size, gap=gap_em * size)
    assert _lines(path) == LINES


@pytest.mark.parametrize("size", SIZES)
def test_space_characters_squeezed(tmp_path, size):
    """Space characters whose word spacing (Tw) leaves the words 0.05 em apart: the spaces part them."""
    path = tmp_path / "squeezed.pdf"
    _page(path, LINES, size, gap=0.05 * size, spaces=True)
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["top"] < 80]  # the first line: `Nơi nhận:`
    ink = [c for c in chars if not c["text"].isspace()]
    assert min(b["x0"] - a["x1"] for a, b in zip(ink, ink[1:]) if b["text"] == "n") < 0.06 * size
    assert _lines(path) == LINES


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tracking", [0.5, 1.0])
def test_tracked_letters_stay_together(tmp_path, size, tracking):
    """Letters set `tracking` points apart (Word's "expanded by 0.5/1 pt"; 1 pt is 0.11 em at 9 pt), the
    words a word space (0.25 em) further apart, without space characters and with them."""
    for spaces in (False, True):
        path = tmp_path / f"tracked-{spaces}.pdf"
        _page(path, LINES, size, gap=tracking + 0.25 * size, tracking=tracking, spaces=spaces)
        assert _lines(path) == LINES, spaces


@pytest.mark.parametrize("size", SIZES)
def test_normally_set_text_unchanged(tmp_path, size):
    """Text set with its font's own spaces reads as pdfplumber reads it, and as typeset."""
    path = tmp_path / "normal.pdf"
    c = canvas.Canvas(str(path))
    y = 780.0
    for text in LINES:
        c.setFont("Serif", size)
        c.drawString(72.0, y, text)
        y -= 2.2 * size
    c.save()
    with pdfplumber.open(path) as pdf:
        plumbed = [t["text"] for t in pdf.pages[0].extract_text_lines(return_chars=False)]
    assert _lines(path) == plumbed == LINES


@pytest.mark.parametrize("size", SIZES)
def test_combining_marks_stay_in_their_word(tmp_path, size):
    """Diacritics drawn as marks of their own (decomposed text, `ê` as `e` and U+0302), words 0.18 em apart."""
    path = tmp_path / "marks.pdf"
    _page(path, [unicodedata.normalize("NFD", t) for t in LINES], size, gap=0.18 * size)
    with pdfplumber.open(path) as pdf:
        assert any(unicodedata.combining(c["text"]) for c in pdf.pages[0].chars)
    assert _lines(path) == LINES  # extract gives NFC text


def test_spaces_under_a_word_do_not_split_it(tmp_path):
    """A run of spaces from another text run drawn under `KT.` (lamdong-snv-ttr51-2026.pdf's closing
    block reads `K    T.` to pdfplumber) is no word space: the letters touch."""
    path = tmp_path / "covered.pdf"
    c = canvas.Canvas(str(path))
    _draw(c, 300.0, 700.0, "KT. CHỦ TỊCH", 14, gap=0.25 * 14, font="Serif-Bold")
    t = c.beginText(280.0, 700.0)
    t.setFont("Serif", 12.96)
    t.textOut(" " * 8)
    c.drawText(t)
    c.save()
    assert _lines(path) == ["KT. CHỦ TỊCH"]


def test_two_column_blocks_keep_their_word_spaces(tmp_path):
    """The header (space characters squeezed, as lamdong-snv-bc228-2025.pdf's title) and the closing
    block (words placed 0.2 em apart at 11 pt) read column by column, each word apart."""
    path = tmp_path / "blocks.pdf"
    c = canvas.Canvas(str(path))
    left = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "Số: 12/KH-UBND"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 15 tháng 3 năm 2025"]
    for k, (a, b) in enumerate(zip(left, right)):
        _draw(c, 60.0, 790.0 - 16 * k, a, 12, gap=0.08 * 12, spaces=True)
        _draw(c, 280.0, 790.0 - 16 * k, b, 12, gap=0.08 * 12, spaces=True)
    _draw(c, 72.0, 600.0, "Thực hiện các nhiệm vụ năm 2025 của thành phố.", 13, gap=0.25 * 13, spaces=True)
    recipients = ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    signer = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    for k, text in enumerate(recipients):
        _draw(c, 60.0, 560.0 - 13 * k, text, 11, gap=0.2 * 11)
    for k, text in enumerate(signer):
        _draw(c, 330.0, 560.0 - 15 * k, text, 13, gap=0.2 * 13)
    _draw(c, 345.0, 480.0, "Nguyễn Văn An", 13, gap=0.2 * 13)
    c.save()
    assert _lines(path) == [*left, *right, "Thực hiện các nhiệm vụ năm 2025 của thành phố.", *recipients, *signer,
                            "Nguyễn Văn An"]


# Cells of a real appendix row (the known plan's, its task table): task, lead agency, deadline.
ROW = ["Rà soát, đánh giá thủ tục hành chính", "Phòng Tư pháp huyện", "Trước ngày 31/12/2021"]


@pytest.mark.parametrize("size", SIZES)
def test_ruled_table_cells_keep_their_narrow_word_spaces(tmp_path, size):
    """A ruled table whose words are placed one by one, 0.18 em apart (under 3 pt): each cell's text is
    its words as typeset, as the page's lines are (pdfplumber's cell text glued them)."""
    path = tmp_path / "grid.pdf"
    c = canvas.Canvas(str(path))
    widths, x0, top, height = [250.0, 150.0, 160.0], 20.0, 780.0, 3 * size
    xs = [x0 + sum(widths[:k]) for k in range(len(widths) + 1)]
    for y in (top, top - height):
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, top, x, top - height)
    for x, text in zip(xs, ROW):
        _draw(c, x + 4, top - 2 * size, text, size, gap=0.18 * size)
    c.save()
    [grid] = [g for page in extract(path).pages for g in page.tables]
    assert [cell.text for cell in grid.rows[0]] == ROW
