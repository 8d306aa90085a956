"""Stage 2: normalised lines, wrapped lines joined, page numbers and rules out, damage refused."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from parsers.model import errors
from parsers.model.records import Page
from parsers.read.extract import extract
from parsers.structure.clean import clean, join_lines, normalise
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT


def test_normalise_nfc_spaces_and_emphasis():
    decomposed = unicodedata.normalize("NFD", "đạt tỷ lệ 100 .  Duy trì")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert normalise(decomposed) == "đạt tỷ lệ 100. Duy trì"
    assert normalise("nhất là doanh nghiệp nhỏ và vừa *(DNNVV)*, hộ kinh doanh *(HKD) *trên", "web") == \
        "nhất là doanh nghiệp nhỏ và vừa (DNNVV), hộ kinh doanh (HKD) trên"


def test_decomposed_input_gives_the_same_paragraphs():
    source = extract(KNOWN_TXT)
    nfd_pages = tuple(
        Page(p.number, tuple(l._replace(text=unicodedata.normalize("NFD", l.text)) for l in p.lines))
        for p in source.pages
    )
    nfd = replace(source, pages=nfd_pages)
    assert [p.text for p in clean(nfd).paragraphs] == [p.text for p in clean(source).paragraphs]


def test_page_numbers_go_to_residual_with_their_reason():
    cleaned = clean(extract(KNOWN_TXT))
    assert [(r.line.source_line, r.line.text, r.reason) for r in cleaned.residual] == [
        (212, "4", "page_number"), (458, "https://dichvucong.gialai.gov.vn/", "link_note"),
        (698, "2", "page_number"), (1342, "7", "page_number"),
    ]
    pdf = clean(extract(KNOWN_PDF))
    assert {r.reason for r in pdf.residual} == {"page_number"}
    assert len(pdf.residual) == 18  # every page but the first prints its number at the top


def test_wrapped_lines_join_into_paragraphs():
    paragraphs = [p.text for p in clean(extract(KNOWN_TXT)).paragraphs]
    assert ("Căn cứ kế hoạch số /QĐ-UBND ngày /12/2020 của UBND tỉnh Gia Lai về ban hành Kế hoạch cải cách hành chính "
            "năm 2021 của tỉnh Gia Lai;") in paragraphs
    # A one-line numbered heading stays apart from its first point.
    assert "7. Công tác chỉ đạo, điều hành, thông tin, tuyên truyền về cải cách hành chính" in paragraphs
    # The signature block: each line its own paragraph.
    assert paragraphs[paragraphs.index("TM. ỦY BAN NHÂN DÂN") + 1: paragraphs.index("TM. ỦY BAN NHÂN DÂN") + 3] == [
        "CHỦ TỊCH", "Lê Trọng"]


def test_document_number_broken_after_its_hyphen_is_rejoined():
    assert join_lines(["Nghị quyết số 19-", "NQ/TW ngày 25/10/2017"]) == "Nghị quyết số 19-NQ/TW ngày 25/10/2017"
    assert join_lines(["kinh tế -", "xã hội"]) == "kinh tế - xã hội"


def test_web_heading_that_wraps_onto_a_title_word_stays_one_heading():
    paragraphs = [p.text for p in clean(extract(FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt")).paragraphs]
    assert "VII. CHẾ ĐỘ BÁO CÁO" in paragraphs
    assert "PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ TỈNH BẮC NINH GIAI ĐOẠN 2026 - 2030" in paragraphs


def test_cyrillic_look_alikes_in_a_latin_word_are_read_as_latin():
    """An OCR layer made with both alphabets sets `В`, `С`, `Т` in a number's code (real-pdf/lienganh-hdln24-2026,
    `ВСТ-ВТC`): read in Latin letters where the word holds a Latin one; a Russian name stays as written."""
    assert normalise("Số: 24 /HDLN-BCA-BQP-BYT-ВСТ-ВТC") == "Số: 24 /HDLN-BCA-BQP-BYT-BCT-BTC"
    assert normalise("BYТ, Пушкин") == "BYT, Пушкин"


def test_broken_font_map_is_refused_as_damaged():
    # The header is read by columns: the title line holds the right column alone.
    with pytest.raises(errors.DamagedText, match="national title reads 'CỘNG ÒA XÃ ỘI C Ủ NG ĨA VIỆT NAM'"):
        clean(extract(FIXTURES / "chinh-phu-nd47-2020-broken-glyphs.pdf"))


def test_a_national_title_wrapped_before_its_last_word_is_no_damage(tmp_path):
    """A narrow right column wraps the title (`… CHỦ NGHĨA VIỆT` / `NAM`), and a header read across the page
    puts the issuer before it on one line: words lost at the end, no letter lost in a word (legal-db
    ceb89a53, set by LibreOffice at 13 pt bold in a narrow column)."""
    page = tmp_path / "wrapped.txt"
    page.write_text("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nTỈNH LÂM ĐỒNG NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                    "Số: 12/KH-UBND\nLâm Đồng, ngày 05 tháng 01 năm 2026\nKẾ HOẠCH\nCải cách hành chính năm 2026\n"
                    "I. MỤC TIÊU\n1. Nâng cao chất lượng công tác cải cách hành chính.\n", encoding="utf-8")
    assert clean(extract(page)).paragraphs
    page.write_text(page.read_text(encoding="utf-8").replace("CHỦ NGHĨA VIỆT\n", "CH NGHĨA VIỆT\n"), encoding="utf-8")
    with pytest.raises(errors.DamagedText, match="national title reads"):
        clean(extract(page))


def test_edit_distance_search_decides_as_fuzzy_regex_on_corpus_lines():
    """_within_edits answers what regex's `(?:phrase){e<=k}` search answers, on the
    first lines of every document, where the damage check runs, and on the broken title."""
    import regex

    from parsers.language import vocab
    from parsers.structure.clean import _within_edits

    broken = "C N P Ủ CỘNG ÒA XÃ ỘI C Ủ NG ĨA VIỆT NAM"
    lines = [broken, "PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ TỈNH BẮC NINH GIAI ĐOẠN"]
    for path in sorted(FIXTURES.glob("*.txt")) + [KNOWN_PDF]:
        lines += [normalise(line.text) for line in extract(path).lines()[:25]]
    for anchor in vocab.HEADER_ANCHORS:
        fuzzy = regex.compile(f"(?:{regex.escape(anchor.phrase)}){{e<={anchor.max_edits}}}")
        assert [_within_edits(anchor.phrase, l, anchor.max_edits) for l in lines] == \
            [bool(fuzzy.search(l)) for l in lines], anchor.name
    assert _within_edits(vocab.HEADER_ANCHORS[0].phrase, broken, 8)
    assert not _within_edits(vocab.HEADER_ANCHORS[0].phrase, lines[1], 8)


def test_a_few_damaged_words_in_sound_text_are_warned_not_refused():
    cleaned = clean(extract(FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt"))
    damaged = sorted({i.message.split("'")[1] for i in cleaned.issues if i.code == "damaged_word"})
    assert damaged == ["cǜ", "cǜng", "kǶ", "ngǜ"]
    assert not [i for i in clean(extract(KNOWN_TXT)).issues]


@pytest.mark.parametrize("page, word", [
    ("ff9aace5b310314d", "NAMĐộc"),  # the national title run into the motto by the page
    ("ee18506c3853f01d", "sốcủacác"),  # three syllables typed without spaces
])
def test_words_run_together_are_no_damage(page, word):
    cleaned = clean(extract(FIXTURES / "legal-db" / f"{page}.txt"))
    assert word in " ".join(p.text for p in cleaned.paragraphs) + " ".join(r.line.text for r in cleaned.residual)
    assert not [i for i in cleaned.issues if i.code == "damaged_word" and f"'{word}'" in i.message]


def test_a_slip_in_the_header_and_letters_of_another_code_are_no_damage(tmp_path):
    """The known plan as three real PDFs print theirs: its national title with one letter slipped (`CỘNG HÕA`,
    bct-dck-cv1178-2025.pdf), its motto without dashes (lienganh-hdln24-2026.pdf) and every `ư` under the code
    of `ƣ` (U+01A3, bct-dck-cv1178-2025.pdf). Read as the plan itself: the same paragraphs but the slipped title
    and the motto."""
    text = KNOWN_TXT.read_text(encoding="utf-8")
    assert "CỘNG HÒA" in text and "Độc lập – Tự do – Hạnh phúc" in text
    altered = text.replace("CỘNG HÒA", "CỘNG HÕA").replace("Độc lập – Tự do – Hạnh phúc", "Độc lập Tự do Hạnh phúc")
    path = tmp_path / "mang-yang-as-printed.txt"
    path.write_text(altered.replace("ư", "ƣ").replace("Ư", "Ƣ"), encoding="utf-8")
    read = [p.text for p in clean(extract(path)).paragraphs]
    want = [p.text.replace("CỘNG HÒA", "CỘNG HÕA").replace("Độc lập – Tự do – Hạnh phúc", "Độc lập Tự do Hạnh phúc")
            for p in clean(extract(KNOWN_TXT)).paragraphs]
    assert read == want


def test_letters_lost_from_the_header_are_still_damage():
    from parsers.language import vocab
    from parsers.structure.clean import _letter_edits

    title, motto = vocab.HEADER_ANCHORS
    assert _letter_edits(title.phrase, "CỘNG ÒA XÃ ỘI C Ủ NG ĨA VIỆT NAM", title.max_edits) >= 2  # nd47's map
    assert _letter_edits(motto.phrase, "Ù(cid:16)c l p - Tå do - H¡nh phúc", motto.max_edits) >= 2  # ttr298's
    assert _letter_edits(title.phrase, "CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM", title.max_edits) == 1
    assert _letter_edits(motto.phrase, "Độc lập Tự do Hạnh phúc", motto.max_edits) == 0
