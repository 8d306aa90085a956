"""Vietnamese vocabulary and patterns, kept as data.

Every stage reads its words and patterns from the tables here, so that a plan
from another province, with other spellings, is supported by adding a row, not
by adding a branch. Patterns run on NFC text (see parsers.structure.clean).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple, overload

import regex as re

from parsers.language import lexicon

# The point letters of the Vietnamese alphabet, in order. There is no f, j, w
# or z, and đ follows d: `a) b) c) d) đ) e)` is an unbroken run.
VIETNAMESE_ALPHABET = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
                       "u", "v", "x", "y"]
LETTER_INDEX = {letter: i + 1 for i, letter in enumerate(VIETNAMESE_ALPHABET)}

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(numeral: str) -> int | None:
    """I → 1, IV → 4, XII → 12; None for a string that is not a Roman numeral."""
    numeral = numeral.upper()
    if not numeral or any(ch not in ROMAN_VALUES for ch in numeral):
        return None
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " "):
        value = ROMAN_VALUES[ch]
        total += -value if ROMAN_VALUES.get(nxt, 0) > value else value
    return total


# Document types as they stand, in capitals, as the title line of a document or of a part of one
# (data/doc_types.tsv). Key: the heading words; value: (canonical name, kind of the part it opens, the
# type code used in numbers).
DOC_TYPES: dict[str, tuple[str, str, str]] = {heading: (name, kind, code)
                                              for heading, name, kind, code in lexicon.load("doc_types").rows()}

# Papers that several bodies sign together (a coordination rule of a People's Committee and the Fatherland
# Front, `12/QCPH-UBND-UBMTTQ-LĐLĐ`): their type code is the type's own with `PH` (phối hợp) added, and
# their type is that type.
JOINT_TYPE_CODES: dict[str, str] = {"QCPH": "QC", "KHPH": "KH", "CTrPH": "CTr", "CTPH": "CTr", "QyĐPH": "QyĐ"}

# The type a number's code names by its first part (`680/QĐ-UBND` → Quyết
# định). A Công văn has no type code: its code is the issuer's abbreviation.
TYPE_BY_CODE: dict[str, tuple[str, str]] = {code: (name, kind) for name, kind, code in DOC_TYPES.values()
                                             if kind not in ("law", "ordinance", "order")}
TYPE_BY_CODE.update({joint: TYPE_BY_CODE[code] for joint, code in JOINT_TYPE_CODES.items()})

# Type codes that say more than the title line: a consolidated text (`94/VBHN-BQP`) prints the title of the
# text it consolidates (`THÔNG TƯ`, `QUYẾT ĐỊNH`), and is certified, not issued, by its office.
CODE_OVER_TITLE = frozenset({"VBHN"})

# The type code at the head of a number's code: `QĐ` of `QĐ-UBND`, `NQ` of `NQ-HĐND`.
TYPE_CODE_HEAD = re.compile(r"^(?:\d{4}/)?(?P<head>[\p{L}]+)")


def type_of_code(code: str) -> tuple[str, str] | None:
    """(type name, part kind) that a number's code names by its head (`QĐ-UBND` → Quyết định), or None
    where the head is no type code (`VPCP-KGVX`). `CT-CS` reads as a Chỉ thị here: a Công văn, whose
    code names its issuer, is told apart by its form (`V/v …`, `Kính gửi:`) before this is asked."""
    head = TYPE_CODE_HEAD.match(code)
    return TYPE_BY_CODE.get(head.group("head")) if head else None

# Signs in a header that a document is an official letter (Công văn): the
# subject under its number (`V/v …`) and its addressee (`Kính gửi: …`).
# The abbreviation is typed in either case and spaced at will (`V/v`, `V/V`, `v/v`, `V/ v`), or written
# `V/việc`; a subject it does not open is taken for the document's title, and the place-date line under it
# for the title's next line (a letter numbered `…/CT-…` was then typed a Chỉ thị, its date unread).
LETTER_SUBJECT = re.compile(r"^\(?\s*(?:[Vv]\s*/\s*(?:[Vv]|việc)\b|Về\s)")
LETTER_ADDRESSEE = re.compile(r"^Kính\s+gửi\s*:")
# How a letter's body opens under its addressee, where no full stop ends the addressee
# (`Kính gửi: Thuế tỉnh Ninh Bình` / `Cục Thuế nhận được công văn số …`): a reply, an
# instruction carried out, a basis, a date, or someone having received something.
LETTER_BODY_OPENING = re.compile(
    r"^(?:Trả\s+lời|Thực\s+hiện|Triển\s+khai|Tiếp\s+theo|Căn\s+cứ|Theo|Xét|Về\s+việc|Ngày\s+\d)\b"
    r"|^\p{Lu}[^.;:]{0,60}?\s(?:đã\s+)?nhận\s+được\b")

# The national title and motto that open the right column of every header.
# HÒA/HOÀ: old and new tone-mark placement both occur.
NATIONAL_TITLE = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM")
NATIONAL_MOTTO = re.compile(r"Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc")

def national_heading(text: str) -> bool:
    """Is this line the national title or motto, alone or beside the issuer's words (a header's two
    columns read as one line)? Not a sentence that quotes them."""
    for pattern in (NATIONAL_TITLE, NATIONAL_MOTTO):
        m = pattern.search(text)
        if m:
            rest = (text[:m.start()] + " " + text[m.end():]).strip(" -–—_")
            return not rest or is_caps(rest) or bool(NATIONAL_MOTTO.fullmatch(rest) or NATIONAL_TITLE.fullmatch(rest))
    return False


# `Số: 123/QĐ-UBND`, `Số:      /QĐ-UBND` (a draft leaves the number blank),
# `Số: 47/2020/NĐ-CP`. The code runs to the first space.
# A part may carry a dotted section (`1234/VPCP-V.I`: the Government Office's department V.I;
# `838/CCTKV.XII-NVDTPC.HUE`): the dot between two capitals or digits is the code's, not a full stop.
_CODE_PART = r"[\p{Lu}\d][\p{L}\d&]*(?:\.[\p{Lu}\d]+(?![\p{Ll}]))*"
DOC_NUMBER = re.compile(
    rf"Số\s*:\s*(?P<number>\d+[A-Za-z]?)?\s*(?P<slash>/)?\s*(?P<code>(?:\d{{4}}/)?{_CODE_PART}(?:\s*[-–/]\s*{_CODE_PART})*)"
)

# `Mang Yang, ngày 15 tháng 12 năm 2020`; day and month are blank in drafts.
_PLACE_DATE = (r"(?P<place>[\p{L}][\p{L} .'-]*?)\s*COMMA\s*ngày\s*(?P<day>\d{1,2})?\s*"
               r"tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})")
PLACE_DATE = re.compile(_PLACE_DATE.replace("COMMA", ","))
# In a header, the comma may be missing (`Hà Nội ngày 01 tháng 12 năm 2025`); only
# there, for `Trước ngày 31 tháng 12 năm 2025` in a body is no place and date.
PLACE_DATE_LOOSE = re.compile(_PLACE_DATE.replace("COMMA", ",?"))
# A line that is a day and nothing else (`Ngày 16 tháng 3 năm 2026`, `Lào Cai, ngày 16 tháng 3 năm 2026.`):
# where a paper dates itself above its signatures (slips, minutes) rather than in its header.
DATE_LINE = re.compile(r"^(?:(?P<place>[\p{L}][\p{L} .'-]*?)\s*,\s*)?[Nn]gày\s*(?P<day>\d{1,2})\s*tháng\s*"
                       r"(?P<month>\d{1,2})\s*năm\s*(?P<year>\d{4})\s*\.?$")


def may_hold_date(text: str) -> bool:
    """Does text hold the three words every place and date is written with? A plain test that spares
    PLACE_DATE and PLACE_DATE_LOOSE the many lines they would be slow to find nothing in."""
    return "ngày" in text and "tháng" in text and "năm" in text

# The plan year as a subject line names it: `… năm 2021 …`, or in capitals `… NĂM 2025` (`… CUỐI NĂM 2025`,
# `(ĐỢT 3 NĂM 2025)`). A year the subject reaches for is not the plan's: a horizon or a bound (`đến năm 2030`,
# `TẦM NHÌN ĐẾN NĂM 2045`, `đến hết năm 2025`, `từ năm 2026`), nor is the date of a document it names
# (`NGHỊ QUYẾT SỐ 66/NQ-CP NGÀY 26 THÁNG 3 NĂM 2025`).
PLAN_YEAR = re.compile(
    r"(?<!\b(?:(?:đến|tới|trước|sau|từ)(?:\s+(?:hết|cuối))?|tháng\s+\d{1,2})\s+)"
    r"\bnăm\s+(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE)

# Words that make a caps line in the preamble of a decision the issuing
# authority (`ỦY BAN NHÂN DÂN HUYỆN`) rather than more of the subject.
AUTHORITY_WORDS = re.compile(r"^(?:ỦY|UỶ)\s+BAN|^HỘI\s+ĐỒNG|^CHỦ\s+TỊCH|^BỘ\s+TRƯỞNG|^GIÁM\s+ĐỐC|"
                             r"^CHÍNH\s+PHỦ|^THỦ\s+TƯỚNG")

# Bodies of local government, named by a level and a place: `Ủy ban nhân dân tỉnh Bình Phước`, `UBND
# huyện`, `Hội đồng nhân dân xã Ea Kao`. Such a name ends with the place's name, whose words are
# capitalised: a word in lower case after the level or the place is the sentence going on (`Báo cáo số
# 321/BC-UBND … của Ủy ban nhân dân tỉnh giải trình …`), where no list of verbs could say where it ends.
LOCAL_BODIES = ["Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND",
                "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban MTTQ Việt Nam", "Ủy ban MTTQ", "Ủy ban Mặt trận Tổ quốc"]
# The levels, in the words local bodies are named with (`huyện đảo` and `đặc khu` for islands).
LOCAL_LEVELS = ["tỉnh", "thành phố", "huyện", "huyện đảo", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"]

# Words that open an agency's name or name agencies as a group, each with the uses its readers make of it
# (data/agency_heads.tsv): `opens`, `opens-before-capital`, `cue`, `new`, `top`, `capital`.
AGENCY_HEADS: dict[str, frozenset[str]] = {words: frozenset(uses.split(","))
                                           for words, uses in lexicon.load("agency_heads").rows()}


def agency_heads(use: str) -> str:
    """The heads of one use as a pattern's alternation: longest first, so that `Bộ Chỉ huy` is found whole
    before `Bộ`, and its words apart by any white space."""
    heads = sorted((h for h, uses in AGENCY_HEADS.items() if use in uses), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in h.split()) for h in heads)


# Titles of signers, standing alone under `TM. …` / `KT. …`.
# `BỘ TRƯỞNG`, `CỤC TRƯỞNG`, `THỨ TRƯỞNG`, `TỔNG CỤC TRƯỞNG`: any `… TRƯỞNG` heads a body.
SIGNER_TITLES = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|(?:TỔNG\s+)?GIÁM\s+ĐỐC|TRƯỞNG\s+(?:BAN|ĐOÀN|PHÒNG)|(?:\p{Lu}+\s+){1,2}TRƯỞNG|"
    r"CHÁNH\s+(?:VĂN\s+PHÒNG|THANH\s+TRA|ÁN)|THỦ\s+TƯỚNG|BÍ\s+THƯ|CHỦ\s+NHIỆM|TỔNG\s+THƯ\s+KÝ|THỐNG\s+ĐỐC|"
    r"TỔNG\s+KIỂM\s+TOÁN\s+NHÀ\s+NƯỚC|VIỆN\s+TRƯỞNG)\b[\p{Lu}\s,]*$"
)

# The signers' titles most often printed as a line of their own, written out whole (data/signer_titles.tsv):
# what a scan's line is restored to where OCR misread a mark of it (ocr.TITLES).
SIGNER_TITLE_LINES = tuple(lexicon.load("signer_titles").column("title"))

# The rank an officer of the army or the police signs with, before the name (data/signer_ranks.tsv).
SIGNER_RANKS = lexicon.load("signer_ranks").column("rank")
_RANKS = "|".join(r"\s+".join(rank.split()) for rank in sorted(SIGNER_RANKS, key=len, reverse=True))
SIGNER_RANK = re.compile(rf"^(?:{_RANKS})\s+(?=\p{{Lu}})")

# A signer's name: two to five capitalised words, nothing else; perhaps after a rank.
SIGNER_NAME = re.compile(rf"^(?:(?:{_RANKS})\s+)?\p{{Lu}}\p{{Ll}}*(?:\s+\p{{Lu}}\p{{Ll}}*){{1,4}}$")


def signer_without_rank(name: str) -> str:
    return SIGNER_RANK.sub("", name, count=1)


# ---------------------------------------------------------------------------
# Two orthographies of one syllable. Where `oa`, `oe` or `uy` closes a syllable,
# one writer puts the tone mark on the first vowel (`hòa`, `khỏe`, `Thủy`, `Ủy`),
# another on the second (`hoà`, `khoẻ`, `Thuỷ`, `Uỷ`): the same word, the same
# name. Both are current. The Ministry of Education's rule for textbooks
# (Quyết định 1989/QĐ-BGDĐT of 25/5/2018, Điều 8) puts the mark on the
# syllable's main vowel, the second (`hoà nhạc`, `thuỷ thủ`, `mạnh khoẻ`); state
# documents mostly put it on the first, as the laws' own names do (`Luật Thủy
# lợi`) and as the legal-database pages print (in the 189 test pages 7399 such
# syllables with the mark on the first vowel, 140 on the second: `Ủy` 1895 times
# against `Uỷ` 14, `hóa` 2407 against `hoá` 58). Names are compared and grouped in
# that more common form, the one the agencies' canonical names were already
# written in: a key, never a correction; printed text stays as printed.
#
# The mark on the second vowel → on the first, for a pair closing its syllable
# (followed by no letter): with a coda (`hoàng`, `hoạch`, `khuyến`) or a third
# vowel (`xoài`, `khuỷu`), the mark has one place in both orthographies. After
# `q` the `u` is part of the onset `qu` and `y` is the syllable's only vowel,
# which carries the mark in both (`Quý I`, `Quỹ`): never moved. `gi` never
# stands before these pairs.
TONE_PLACEMENT: dict[str, str] = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Each letter in either case (`Hoà`, `HOÀ`, and the odd `HOà` a caps line ends with).
_TONE_PAIRS = {
    a(old[0]) + b(old[1]): a(new[0]) + b(new[1])
    for old, new in TONE_PLACEMENT.items() for a in (str.lower, str.upper) for b in (str.lower, str.upper)
}
_OLD_PLACEMENT = re.compile(r"(?<![qQ])(?:" + "|".join(_TONE_PAIRS) + r")(?!\p{L})")


@overload
def orthography_key(text: str) -> str: ...
@overload
def orthography_key(text: None) -> None: ...
def orthography_key(text: str | None) -> str | None:
    """`text` in NFC with every tone mark of TONE_PLACEMENT's pairs on the pair's first vowel: the key
    under which `Hoà` and `Hòa`, `Thuỷ` and `Thủy`, `UỶ BAN` and `ỦY BAN` are one name."""
    if text is None:
        return None
    return _OLD_PLACEMENT.sub(lambda m: _TONE_PAIRS[m.group(0)], unicodedata.normalize("NFC", text))

# Letters some PDF makers put under the glyph of a Vietnamese one (../shared/DOMAIN.md, broken character maps):
# `ƣ`/`Ƣ` (U+01A3/U+01A2, Latin "oi") for `ư`/`Ư`, `Ð` (U+00D0, Icelandic eth) for `Đ`. None of them is a
# Vietnamese letter: read as the letter their glyph shows.
SAME_GLYPH = str.maketrans({"ƣ": "ư", "Ƣ": "Ư", "Ð": "Đ"})

# Cyrillic capitals and small letters drawn as Latin ones, which an OCR layer made with both alphabets puts
# into a Latin word (`ВСТ-ВТC` for `BCT-BTC` in a number's code). Read as Latin only in a word that also
# holds a Latin letter: a Russian name quoted in a text stays Russian.
CYRILLIC_LOOKALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
    "і": "i",
})
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_MIXED_WORD = re.compile(r"\S*[\u0400-\u04FF]\S*")


def latin_lookalikes(text: str) -> str:
    """`text` with each word that mixes Cyrillic and Latin letters read in Latin letters."""
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(CYRILLIC_LOOKALIKES)
                           if re.search(r"[A-Za-z]", m.group(0)) else m.group(0), text)

# The line an e-office prints when it signs or certifies a file (`Ký bởi: UBND tỉnh Lâm Đồng`, `Giờ ký:
# 30/09/2025 17:58:22`, `Số: 2775/SNV-CCHC; 10/11/2025; 10:59:46;`, `Thời gian ký: 2025-10-09T16:52:54+07:00`,
# `Cơ quan phát hành: VĂN PHÒNG CHÍNH PHỦ`): when and by whom the file was signed, not the document's text.
# A date with a time to the second is printed by no document's own words.
ESIGN_STAMP = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\s*[;,]?\s*\d{1,2}:\d{2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
    r"|^(?:Ký\s+bởi|Thời\s+gian\s+ký|Giờ\s+ký|Người\s+ký|Cơ\s+quan\s+phát\s+hành)\s*:")

# Section titles that say which section holds what. Order matters: the first
# table that finds a section wins.
OBJECTIVE_SECTION_TITLES = [re.compile(r"MỤC\s+TIÊU", re.I), re.compile(r"MỤC\s+ĐÍCH", re.I)]
TASK_SECTION_TITLES = [re.compile(r"NHIỆM\s+VỤ", re.I), re.compile(r"GIẢI\s+PHÁP", re.I)]

# `1. Triển khai …`: a task's number opening its cell (the appendix reader splits it off; a PDF table whose
# tasks open with it tells a row carried over a page break by a task cell that does not).
ROW_LABEL = re.compile(r"^(?P<no>\d{1,3})\s*[.)]\s*(?P<rest>.*)$", re.S)

# A table's caption in running text: `Bảng 1. …`, `Biểu số 02 …`, `Danh mục …`.
CAPTION = re.compile(r"^(?:Bảng|Biểu|Danh\s+mục|DANH\s+MỤC)\b")

# Sentences that promise a part which a complete document then carries.
PROMISES_PLAN = re.compile(r"Ban\s+hành\s+kèm\s+theo\s+Quyết\s+định\s+này\s+Kế\s+hoạch", re.I)
PROMISES_APPENDIX = re.compile(r"phụ\s+lục\s+(?:kèm\s+theo|đính\s+kèm)|chi\s+tiết\s+tại\s+phụ\s+lục", re.I)

# How a document ends: `./.` closes the body; the last sentence ends with a stop.
TERMINAL_PUNCTUATION = tuple(".;:!?…)”\"")


# ---------------------------------------------------------------------------
# Block patterns: what a paragraph of the body is, read from how it starts.
#
# Each row: kind, pattern. A pattern's group `label` is the numbering label
# (kept in the outline's `label` column and stripped from `text`). The first
# row that matches wins, so the more specific rows come first.
# ---------------------------------------------------------------------------
BLOCK_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # `QUYẾT ĐỊNH:` — the enacting formula of a decision, before its articles.
    ("enact", re.compile(r"^(?:QUYẾT\s+ĐỊNH|QUYẾT\s+NGHỊ|NGHỊ\s+QUYẾT)\s*:\s*$")),
    ("basis", re.compile(r"^Căn\s+cứ\b")),
    ("proposal", re.compile(r"^(?:Theo|Xét)\s+đề\s+nghị\b")),
    ("attachment", re.compile(r"^\(\s*(?:Kèm|Ban\s+hành\s+kèm)\s+theo\b", re.I)),
    ("recipients", re.compile(r"^Nơi\s+nhận\s*:")),
    # `TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`: signing on behalf of / for.
    ("signature", re.compile(r"^(?P<label>TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*\.?\s+(?=\p{Lu}{2})")),
    # `PHỤ LỤC`, `PHỤ LỤC II`, alone or joined with the title in capitals below it.
    ("appendix", re.compile(r"^(?:Phụ\s+lục|PHỤ\s+LỤC)(?:\s+(?P<label>[IVXLC]+|\d+))?\s*[.:]?\s*"
                            r"(?=$|[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$)")),
    # The divisions of a normative text: Phần > Chương > Mục > Điều.
    ("division", re.compile(r"^(?:Phần|PHẦN)\s+(?P<label>[IVXLC]+|\d+)\b\s*[.:]?\s*")),
    # `Chương IQUY ĐỊNH CHUNG`: a page that glued the title to the label still names the chapter.
    ("chapter", re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<label>[IVXLC]+|\d+)(?:\b|(?=\p{Lu}{2}))\s*[.:]?\s*")),
    ("subchapter", re.compile(r"^(?:Mục|MỤC)\s+(?P<label>\d+|[IVXLC]+)\b\s*[.:]?\s*")),
    ("article", re.compile(r"^Điều\s+(?P<label>\d+)\s*[.:]\s*")),
    # Roman numerals are upper case; a lower-case `i.` is a point letter.
    ("section", re.compile(r"^(?P<label>[IVXLC]+)\s*[.)]\s*(?=\S)")),
    ("subitem", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\s*[.)]?\s+(?=\S)")),
    ("item", re.compile(r"^(?P<label>\d{1,2})\s*[.)]\s*(?=\p{L}|\()")),
    ("point", re.compile(r"^(?P<label>[a-eg-iklmnopqrstuvxyđ])\s*[).]\s*(?=\S)")),
    ("bullet", re.compile(r"^[-–—•]\s*(?=\S)")),
    ("subbullet", re.compile(r"^\+\s*(?=\S)")),
]

# The dash items of a list (`- …`, `+ …`), numbered by no label.
BULLET_KINDS = ("bullet", "subbullet")

# Kinds that are numbered in sequence; each is checked against its siblings.
NUMBERED_KINDS = ("division", "chapter", "subchapter", "article", "section", "item", "subitem", "point")

# Kinds numbered through the whole part, across the chapters and sections between (`Điều 3` ends
# Chương I, `Điều 4` opens Chương II); the others start again under each parent (`Mục 1` in each
# chapter, clause `1.` in each article).
NUMBERED_THROUGH_PART = frozenset({"division", "chapter", "article"})

# Depth of each kind in the body of a part; a node's parent is the nearest open
# node of a smaller depth. Chapters hold articles (decrees); sections hold items.
DEPTH = {
    "division": 1,
    "chapter": 2,
    "subchapter": 3,
    "section": 4,
    "article": 5,
    "item": 6,
    "subitem": 7,
    "point": 8,
    "bullet": 9,
    "subbullet": 10,
}

# Kinds that belong to the preamble or the closing of a part: they hang from
# the part itself and close whatever body node was open.
PART_LEVEL_KINDS = frozenset(
    {"header", "doc_type", "subject", "attachment", "authority", "basis", "proposal",
     "implementation", "enact", "preamble", "recipients", "signature", "letter_subject", "addressee"}
)

# Kinds that only mean what they say before the body starts: later, a
# sentence opening `Căn cứ …` is prose of a task.
PREAMBLE_ONLY_KINDS = frozenset({"basis", "proposal", "attachment"})

# `Thực hiện …`/`Triển khai thực hiện …` opening the preamble of a plan: what it
# implements, a legal basis of a kind.
IMPLEMENTATION = re.compile(r"^(?:Triển\s+khai\s+)?[Tt]hực\s+hiện\b")

# A paragraph that wholly consists of a decoration: rules under the header
# (`--------`, `_______`), web-text cell marks (`|`).
DECORATION = re.compile(r"^[\s\-–—_=|.*·]+$")
DECORATION_CHARS = "-–—_=|.*·"  # and spaces: what such a line opens with

# A line that is nothing but a web address.
LONE_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")

# A stray page number: one to three digits alone on a line.
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def _alternation_of_rows(rows: list[tuple[str, re.Pattern[str]]]) -> tuple[re.Pattern[str], list[int]]:
    """The rows' patterns as one alternation, and the number of the empty group
    that closes each row's branch. An alternation tries its branches in order,
    so the first row that matches still wins; one regex call instead of one a
    row, for match_block runs on every line and every paragraph."""
    branches = []
    for i, (kind, pattern) in enumerate(rows):
        assert not pattern.flags & ~(re.I | re.U | re.V0), f"{kind}: only re.I carries into the alternation"
        scope = "?i:" if pattern.flags & re.I else "?:"
        branches.append(f"({scope}{pattern.pattern})(?P<row{i}>)")
    alternation = re.compile("|".join(branches))
    return alternation, [alternation.groupindex[f"row{i}"] for i in range(len(rows))]


BLOCK_ALTERNATION, _BLOCK_ROW_GROUPS = _alternation_of_rows(BLOCK_PATTERNS)
_ROW_OF_GROUP = {group: row for row, group in enumerate(_BLOCK_ROW_GROUPS)}


@lru_cache(maxsize=65536)
def match_block(text: str) -> tuple[str, str | None, str] | None:
    """(kind, label, rest) for the first block pattern that matches, else None."""
    m = BLOCK_ALTERNATION.match(text)
    if not m:
        return None
    # The row whose branch matched: the one row group that took part, its empty string the first among the
    # groups (a label is never empty).
    row = _ROW_OF_GROUP[m.groups().index("") + 1]
    return BLOCK_PATTERNS[row][0], m.group("label"), text[m.end():].strip()


# The longest title in DOC_TYPES: a line with more letters than that names none.
DOC_TYPE_LONGEST = max(map(len, DOC_TYPES))


@lru_cache(maxsize=65536)
def doc_type_of(text: str) -> tuple[str, str, str] | None:
    """The document type a title line names (`QUYẾT ĐỊNH`), or None."""
    if text.isprintable() and len(text) - text.count(" ") - text.count(":") > DOC_TYPE_LONGEST:
        return None  # (its title would be at least as long: a capital is never shorter than its letter)
    key = " ".join(text.replace(":", " ").split()).upper()
    if key not in DOC_TYPES or text.rstrip().endswith(":") or not is_caps(text):
        return None  # `QUYẾT ĐỊNH:` is the enacting formula, and a title stands in capitals
    return DOC_TYPES[key]


@lru_cache(maxsize=65536)
def is_caps(text: str) -> bool:
    """True for a line written in capitals (headings, bodies, titles)."""
    if text[1:].islower():
        return False  # body text: a capital at most at its start, so never 90 % of two letters or more
    letters = list(filter(str.isalpha, text))
    return len(letters) >= 2 and sum(map(str.isupper, letters)) / len(letters) > 0.9


# ---------------------------------------------------------------------------
# Vietnamese syllables, for telling sound text from text that extraction
# damaged (a font that maps glyphs wrongly, a legacy 8-bit font read as Latin-1).
# Every Vietnamese word is one syllable: onset, one to three vowels, coda.
# ---------------------------------------------------------------------------
ONSETS = ["ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g", "h", "k", "l",
          "m", "n", "p", "r", "s", "t", "v", "x"]
VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
CODAS = ["ng", "nh", "ch", "c", "m", "n", "p", "t"]
SYLLABLE = re.compile(
    rf"^(?:{'|'.join(ONSETS)})?[{VOWELS}]{{1,3}}(?:{'|'.join(CODAS)})?$"
)
WORD = re.compile(r"\p{L}+")

# Every letter a Vietnamese text is written with (foreign words and acronyms
# use the plain Latin ones). Anything else in a word, `ƣ` for `ư` from a broken
# font map, `Õ ® Þ` from TCVN3 text read as Latin-1, means damaged text.
VIETNAMESE_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzđ" + VOWELS + "abcdefghijklmnopqrstuvwxyzđ".upper() + VOWELS.upper()
)
# Diacritics that only Vietnamese words carry: a word with one of them and no
# valid syllable shape is a damaged word, not a foreign one.
VIETNAMESE_MARKED = frozenset(set(VOWELS + VOWELS.upper() + "đĐ") - set("aeiouyAEIOUY"))

# Fonts that draw Vietnamese through an 8-bit legacy encoding.
LEGACY_FONTS = re.compile(r"\.Vn|VNI[-_]|VNtime|VNI-Times", re.I)

# Phrases every state document prints in its header. Found exactly, the text
# is sound; found only with letters lost or changed (`CỘNG ÒA XÃ ỘI C Ủ NG ĨA
# VIỆT NAM`), the font's character map is broken and no word can be trusted.
# Each row: name, exact pattern, the phrase as printed, how many edits (letters
# lost, added or changed) a damaged form may be away from it, and words of
# which a damaged form still keeps two or more. A line is damaged when some
# stretch of it lies within `max_edits` of the phrase (parsers.structure.clean reads it;
# the test is what regex's `(?:phrase){e<=max_edits}` search decides). The
# words spare the test the lines that cannot be the phrase.
class HeaderAnchor(NamedTuple):
    name: str
    exact: re.Pattern[str]
    phrase: str
    max_edits: int
    words: frozenset[str]


HEADER_ANCHORS = [
    HeaderAnchor("national title", NATIONAL_TITLE, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 8,
                 frozenset(["CỘNG", "HÒA", "HOÀ", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM"])),
    HeaderAnchor("motto", NATIONAL_MOTTO, "Độc lập - Tự do - Hạnh phúc", 6,
                 frozenset(["Độc", "lập", "Tự", "do", "Hạnh", "phúc"])),
]


# ---------------------------------------------------------------------------
# A person's name: two to six words, the first a family name (data/family_names.tsv), every word a
# syllable of letters. What a signing certificate's common name is checked by before it stands for the
# signer whose name the page does not print; never applied to printed names, which SIGNER_NAME reads.
FAMILY_NAMES = frozenset(orthography_key(name).casefold() for name in lexicon.load("family_names").column("family"))
_SYLLABLE = re.compile(r"^\p{L}+$")


def person_name(text: str) -> str | None:
    """`text` as a person's name in title case (`VƯƠNG QUỐC TUẤN` → `Vương Quốc Tuấn`), or None if it is not
    shaped as one."""
    words = text.split()
    if not 2 <= len(words) <= 6 or not all(_SYLLABLE.match(w) for w in words):
        return None
    if orthography_key(words[0]).casefold() not in FAMILY_NAMES:
        return None
    return " ".join(w[0].upper() + w[1:].lower() for w in words)


# ---------------------------------------------------------------------------
# A document number broken after its hyphen (`19-` / `NQ/TW`, `113/2018/NĐ-` / `CP`): Vietnamese prose never
# hyphenates a word across lines, so a hyphen glued to the end of a line belongs to such a code, and the
# next line, opening with a capital, carries it on with no space. Only the end of the text so far
# is searched (its last three characters: `$` also matches before a final newline), not the whole
# paragraph again for each line.
BROKEN_CODE = re.compile(r"\w[-–]$")
_BROKEN_CODE_ENDS = ("-", "–", "-\n", "–\n")


def code_broken_at(before: str, after: str) -> bool:
    """Does `after` carry on a code that `before` breaks at its hyphen?"""
    return (before.endswith(_BROKEN_CODE_ENDS) and BROKEN_CODE.search(before, max(0, len(before) - 3)) is not None
            and after[:1].isupper())
