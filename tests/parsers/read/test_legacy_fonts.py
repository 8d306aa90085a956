"""Text drawn in legacy Vietnamese fonts (TCVN3 `.VnTime` / `.VnTimeH`, VNI `VNI-Times`) read as Unicode.

A real decision whose page numbers are set in `VnTime`, once refused as mojibake, read with its header facts
(../shared/corpus/real-pdf/truth.tsv); lines of the Mang Yang plan typed in the legacy codes, as a PDF whose
text is the codes' bytes, read back word for word, through the PDF's ToUnicode map (reportlab) and, as Word
writes such a font, through none (WinAnsi, which reads TCVN3's `ư` as a space); and the tables themselves.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from parsers.language import legacy_fonts, lexicon, vocab
from parsers.model.errors import DamagedText
from parsers.model.records import Line, Page, Source
from parsers.read.extract import extract
from parsers.structure.clean import clean
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_TXT
from tests.support.rawpdf import write_objects

REAL = FIXTURES / "legacy-fonts" / "laocai-ubnd-qd2463-2026.pdf"
FONT_FILE = FIXTURES / "fonts" / "DejaVuSerif.ttf"

# Lines of the Mang Yang plan: capitals with tone marks (typed in the `H` font), ư ơ đ Đ, a mid-line `Ủy`.
OPENINGS = ("ỦY BAN NHÂN DÂN HUYỆN", "QUYẾT ĐỊNH", "Ban hành Kế hoạch", "Căn cứ Luật Tổ chức",
            "Theo đề nghị của", "Điều 2. Phòng Nội vụ", "tổng hợp báo cáo Ủy ban")
SOURCE_LINES = [next(line for line in (raw.strip() for raw in KNOWN_TXT.read_text(encoding="utf-8").splitlines())
                     if line.startswith(opening)) for opening in OPENINGS]
TCVN3 = {int(code[2:], 16): letter for code, letter in lexicon.load("tcvn3").rows()}
SMALL_LETTERS = sorted(c for c in vocab.VIETNAMESE_MARKED | {"đ"} if c.islower())


# ------------------------------------------------------------------ a real document


def test_a_real_decision_with_a_vntime_font_is_read_with_its_header_facts():
    source = extract(REAL)
    assert "VnTime" in source.fonts  # its page numbers are set in it: read, not refused
    doc = parse_document(REAL)["documents"][0]
    assert (doc["doc_type"], doc["doc_number"], (doc["issued_year"], doc["issued_month"], doc["issued_day"]),
            doc["issuer"], doc["signer_name"]) == (
        "Quyết định", "2463/QĐ-UBND", (2026, 7, 16), "ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Nguyễn Tuấn Anh")


# ------------------------------------------------------------------ typed in TCVN3


def _tcvn3_runs(line: str) -> list[tuple[bool, str]]:
    """A line as typed in TCVN3: runs of (in the `H` font, its bytes as Latin-1 characters). A line in capitals
    is typed in the `H` font whole, in small letters; elsewhere a capital that `.VnTime` does not hold (a toned
    one, `Ủ`) is typed in the `H` font alone."""
    byte_of = {letter: code for code, letter in TCVN3.items()}
    caps = line.isupper()
    runs: list[tuple[bool, str]] = []
    for ch in line:
        if caps:
            h, typed = True, chr(byte_of[ch.lower()]) if ch.lower() in byte_of else ch.lower()
        elif ch in byte_of:
            h, typed = False, chr(byte_of[ch])
        elif ch.lower() in byte_of:
            h, typed = True, chr(byte_of[ch.lower()])
        else:
            assert ch.isascii(), ch
            h, typed = False, ch
        if runs and runs[-1][0] == h:
            runs[-1] = (h, runs[-1][1] + typed)
        else:
            runs.append((h, typed))
    return runs


def _register(name: str, ps_name: bytes) -> str:
    """DejaVu Serif registered with reportlab under `name`, its name in the PDF `ps_name` (reportlab would
    write the font file's own name)."""
    font = TTFont(name, str(FONT_FILE))
    font.face.name = ps_name
    pdfmetrics.registerFont(font)
    return name


def test_lines_typed_in_tcvn3_read_back_word_for_word(tmp_path):
    normal, capitals = _register("legacy-VnTime", b".VnTime"), _register("legacy-VnTimeH", b".VnTimeH")
    path = tmp_path / "tcvn3.pdf"
    pdf = canvas.Canvas(str(path))
    for i, line in enumerate(SOURCE_LINES):
        text = pdf.beginText(60, 780 - 24 * i)
        for h, typed in _tcvn3_runs(line):
            text.setFont(capitals if h else normal, 12)
            text.textOut(typed)  # reportlab maps each Latin-1 character to its own code: the PDF reads `¸`
        pdf.drawText(text)
    pdf.save()
    page = extract(path).pages[0]
    assert [line.text for line in page.lines] == SOURCE_LINES
    assert page.source == "mapped"  # recorded: its words were decoded from a legacy font


def _winansi_pdf(path: Path, lines: list[list[tuple[bool, bytes]]]) -> Path:
    """A PDF as Word writes a .VnTime document: TrueType fonts `VnTime` and `VnTimeH`, WinAnsiEncoding, no
    ToUnicode map; each line's runs of bytes drawn in one or the other."""
    serif = _register("legacy-widths", b"DejaVuSerif")
    widths = " ".join(str(round(pdfmetrics.stringWidth(chr(code), serif, 1000))) for code in range(32, 256))
    content = b"BT 12 TL 60 780 Td "
    for runs in lines:
        for h, typed in runs:
            content += b"/F%d 12 Tf <%s> Tj " % (2 if h else 1, typed.hex().encode())
        content += b"T* "
    content += b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        *(b"<< /Type /Font /Subtype /TrueType /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 32 "
          b"/LastChar 255 /Widths [%s] >>" % (name, widths.encode()) for name in (b"VnTime", b"VnTimeH")),
    ]
    return write_objects(path, objects)


def test_a_word_pdf_of_tcvn3_reads_back_though_winansi_takes_its_u_horn_for_a_space(tmp_path):
    typed = [[(h, run.encode("latin-1")) for h, run in _tcvn3_runs(line)] for line in SOURCE_LINES]
    assert any(b"\xad" in run for line in typed for _, run in line)  # `ư`, a space to WinAnsi
    path = _winansi_pdf(tmp_path / "word.pdf", typed)
    assert [line.text for line in extract(path).pages[0].lines] == SOURCE_LINES


def test_a_vntime_font_already_mapped_to_unicode_is_left_as_it_reads(tmp_path):
    path = tmp_path / "mapped.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(_register("legacy-mapped", b"VnTime"), 12)
    for i, line in enumerate(SOURCE_LINES):
        pdf.drawString(60, 780 - 24 * i, line)  # a converter that knew TCVN3 wrote its ToUnicode map
    pdf.save()
    assert [line.text for line in extract(path).pages[0].lines] == SOURCE_LINES


# ------------------------------------------------------------------ typed in VNI


def _vni_typing() -> dict[str, str]:
    """Each Vietnamese letter as VNI types it: a letter byte alone, or a base letter and one byte of marks
    (the capitals' marks for a capital)."""
    table = {int(code[2:], 16): text for code, text in lexicon.load("vni").rows()}
    letters = [chr(code) for code, text in table.items() if not text.startswith("U+")]
    marks = [chr(code) for code, text in table.items() if text.startswith("U+")]
    typing: dict[str, str] = {}
    for base in [*"aeiouyAEIOUYdD", *letters]:
        typing.setdefault(legacy_fonts.decode(base, "VNI-Times"), base)
        for mark in marks:
            if (ord(mark) < 0xE0) == base.isupper():
                typing.setdefault(legacy_fonts.decode(base + mark, "VNI-Times"), base + mark)
    return typing


def test_lines_typed_in_vni_read_back_word_for_word(tmp_path):
    typing = _vni_typing()
    assert set(SMALL_LETTERS) | {c.upper() for c in SMALL_LETTERS} <= set(typing)
    path = tmp_path / "vni.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(_register("legacy-VNI-Times", b"VNI-Times"), 12)
    for i, line in enumerate(SOURCE_LINES):
        pdf.drawString(60, 780 - 24 * i, "".join(typing.get(ch, ch) for ch in line))
    pdf.save()
    assert [line.text for line in extract(path).pages[0].lines] == SOURCE_LINES


# ------------------------------------------------------------------ the tables and the font names


def test_the_tcvn3_table_gives_each_letter_one_byte():
    letters = list(TCVN3.values())
    assert all(len(letter) == 1 and letter in vocab.VIETNAMESE_LETTERS for letter in letters)
    small = [letter for letter in letters if letter.islower()]
    capitals = [letter for letter in letters if letter.isupper()]
    assert len(small) == len(set(small)) and len(capitals) == len(set(capitals))
    assert sorted(small) == SMALL_LETTERS  # every marked small letter of Vietnamese, and đ
    assert sorted(capitals) == sorted("ĂÂÊÔƠƯĐ")
    assert all(0xA1 <= code <= 0xFE for code in TCVN3)
    # the `H` font draws each small letter's capital at its byte
    assert [legacy_fonts.decode(chr(code), "VnTimeH") for code in TCVN3] == [c.upper() for c in letters]


def test_the_vni_table_gives_each_letter_or_mark_one_byte():
    table = {int(code[2:], 16): text for code, text in lexicon.load("vni").rows()}
    letters = [t for t in table.values() if not t.startswith("U+")]
    assert all(len(t) == 1 and t in vocab.VIETNAMESE_MARKED | {"đ", "Đ"} for t in letters)
    for case in (str.islower, str.isupper):
        same_case = [t for t in letters if case(t)]
        assert len(same_case) == len(set(same_case))
    for code, text in table.items():
        if text.startswith("U+"):
            marks = legacy_fonts.decode(chr(code), "VNI-Times")
            assert marks and all(unicodedata.combining(m) for m in marks), hex(code)


@pytest.mark.parametrize(("font", "code", "capitals"), [
    ("VnTime", "tcvn3", False),
    ("ABCDEF+.VnTimeH,Bold", "tcvn3", True),
    ("VnArialH-BoldItalic", "tcvn3", True),
    ("VnTime-Italic", "tcvn3", False),
    ("VNI-Times-Bold", "vni", False),
    ("TimesNewRomanPSMT", None, False),
    ("ABCDEF+DejaVuSerif", None, False),
])
def test_a_fonts_name_says_its_code(font, code, capitals):
    encoding = legacy_fonts.encoding_of(font)
    assert (encoding.name, encoding.capitals) == (code, capitals) if encoding else code is None


def test_text_in_a_legacy_font_of_no_known_code_is_still_refused():
    line = Line(page=1, line_no=1, text="Céng hoµ x· héi chñ nghÜa ViÖt Nam")
    source = Source(path="legacy.pdf", sha256="0" * 64, format="pdf", flavour="pdf",
                    pages=(Page(number=1, lines=(line,)),), fonts=("VNtimes new roman",))
    with pytest.raises(DamagedText, match="legacy Vietnamese font"):
        clean(source)
