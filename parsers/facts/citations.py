"""Citations of legal documents in running text.

A citation reads `Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ
về …`: type, number, date, issuer, subject. Any part but the code may be
missing, the date may follow the issuer, the code may be mistyped (`QĐ – TTg`,
`NQ -CP`) or broken across a line (`NĐ- CP`). A citation is therefore anchored
on its document number (or, for a law cited by name, on `Luật` and the name);
its date, issuer and subject are read from the words that follow, up to the
next citation. Patterns run on NFC text with look-alike letters folded
(`TT-BTС` typed with a Cyrillic С reads as `TT-BTC`); offsets and `raw` refer to
the NFC form of the input, which is the input itself for text that
parsers.structure.clean produced.

Numbers are kept as printed, leading zeros too (`004/2025/TT-BNV`, `02125/QĐ-UBND`):
that is how the document is cited; parsers.facts.resolve compares numbers without them.
Codes are normalised: spaces and look-alike letters out, a missing hyphen put back
where the type code is certain (`NĐCP` → `NĐ-CP`, `TTBTC` → `TT-BTC`).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace

import regex as re

from parsers.language.vocab import JOINT_TYPE_CODES, LOCAL_BODIES, LOCAL_LEVELS, VIETNAMESE_MARKED

# Type codes, the first part of a document's code (`NĐ` in `108/2014/NĐ-CP`):
# the table of Nghị định 30/2020/NĐ-CP (Phụ lục III), the normative types
# (NĐ, TT, TTLT), the consolidated text (VBHN) and the Party's conclusions (KL).
TYPE_CODES: dict[str, str] = {
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "VBHN": "Văn bản hợp nhất",
    "KH": "Kế hoạch",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "KL": "Kết luận",
    "NQLT": "Nghị quyết liên tịch",
}
# A paper several bodies sign together has its type's code with `PH` added (`12/QCPH-UBND-UBMTTQ-LĐLĐ`).
TYPE_CODES.update({joint: TYPE_CODES[code] for joint, code in JOINT_TYPE_CODES.items()})
# The code a type word implies, to put back a hyphen the typist left out
# (`Nghị định số 193/2025/NĐCP`).
CODE_OF_TYPE: dict[str, str] = {name: code for code, name in TYPE_CODES.items() if code not in JOINT_TYPE_CODES}

# Issuer codes, the parts after the type code. Any all-capitals token is
# accepted as an issuer code (departments coin their own: SKHCN, BCĐCCHC);
# this table names the common ones and carries those an all-capitals pattern
# would miss (`TTg`). The names are for readers and for callers that want to
# name an issuer a citation leaves out; find_citations does not guess issuers.
ISSUER_CODES: dict[str, str] = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TW": "Ban Chấp hành Trung ương Đảng",  # also Bộ Chính trị, Ban Bí thư
    "TU": "Tỉnh ủy, Thành ủy",
    "HU": "Huyện ủy",
    "QH": "Quốc hội",  # with its term: QH14
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "VPCP": "Văn phòng Chính phủ",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BCĐ": "Ban Chỉ đạo",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BXD": "Bộ Xây dựng",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    # the ministries before the 2025 merger, which older documents cite
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
}

# Letters of other scripts that look like Latin capitals and slip into codes
# typed on another keyboard layout (`TT-BKHĐТ`, `TT-BTС` with Cyrillic Т, С).
# Folded to Latin before matching; `raw` keeps what was printed.
LOOK_ALIKES = str.maketrans({
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
})
OTHER_SCRIPT = re.compile(r"[\p{Greek}\p{Cyrillic}]")

# Markdown emphasis a web page's text keeps where no cleaning took it out (a page read as plain text, a
# cell): `Luật sửa **đổi, bổ sung một số điều của Luật …** số …`. A mark sets words apart, it does not end
# a phrase: read as a space (one character for one, so offsets stay), `raw` keeps it.
EMPHASIS_AS_SPACE = str.maketrans({"*": " "})

# Issuer codes typed without their Đ (a keyboard without Vietnamese input, or
# the HDNĐ typo DOMAIN.md records); the code is normalised to the right one.
ISSUER_SPELLINGS: dict[str, str] = {"HDND": "HĐND", "HDNĐ": "HĐND"}

# Codes of the National Assembly and its Standing Committee carry the term
# and no type code (`47/2019/QH14` is a law or a resolution: only the words
# before the number tell which).
ASSEMBLY_CODE = re.compile(r"^(?:UBTV)?QH\d*$")

# Type words as they stand before the number, and their canonical name. A
# qualifier after the type word (`Chương trình hành động`) is part of the row.
# Longest first, so that `Thông tư liên tịch` is not read as `Thông tư`.
TYPE_WORDS: dict[str, str] = {
    "Chương trình hành động": "Chương trình",
    "Kế hoạch hành động": "Kế hoạch",
    "Thông tư liên tịch": "Thông tư liên tịch",
    "Nghị quyết liên tịch": "Nghị quyết liên tịch",
    "Quy chế phối hợp": "Quy chế",
    "Kế hoạch phối hợp": "Kế hoạch",
    "Chương trình phối hợp": "Chương trình",
    "Văn bản hợp nhất": "Văn bản hợp nhất",
    "Thông báo kết luận": "Thông báo",
    "Nghị định": "Nghị định",
    "Quyết định": "Quyết định",
    "Nghị quyết": "Nghị quyết",
    "Thông tư": "Thông tư",
    "Kế hoạch": "Kế hoạch",
    "Chỉ thị": "Chỉ thị",
    "Thông báo": "Thông báo",
    "Công văn": "Công văn",
    "Văn bản": "Văn bản",
    "Tờ trình": "Tờ trình",
    "Báo cáo": "Báo cáo",
    "Chương trình": "Chương trình",
    "Kết luận": "Kết luận",
    "Hướng dẫn": "Hướng dẫn",
    "Quy định": "Quy định",
    "Quy chế": "Quy chế",
    "Công điện": "Công điện",
    "Đề án": "Đề án",
    "Phương án": "Phương án",
    "Pháp lệnh": "Pháp lệnh",
    "Bộ luật": "Bộ luật",
    "Luật": "Luật",
}

# Laws and codes are cited by name, without number: `Luật Tổ chức Chính quyền
# địa phương năm 2015`, `Luật Thủ đô số 39/2024/QH15`. Only a capitalised name
# makes one (`Luật sửa đổi, bổ sung …` and `thi hành Luật.` are not citations).
NAMED_TYPES: dict[str, str] = {"Luật": "Luật", "Bộ luật": "Bộ luật", "Pháp lệnh": "Pháp lệnh"}

# Law names that hold a comma or a `và` (compared in either case). Any other
# name ends at punctuation or at a word of LAW_NAME_ENDS, unless its number or
# date follows it (then the whole phrase up to them is the name).
NAMES_WITH_COMMA = ["Cán bộ, công chức", "Phòng, chống", "Thi đua, khen thưởng",
                    "Khoa học, công nghệ và đổi mới sáng tạo", "Văn hóa, thể thao và du lịch"]

# Words that end a law's name: the year, a conjunction, the next phrase.
LAW_NAME_ENDS = ["năm", "ngày", "và", "hoặc", "của", "số", "theo", "tại", "về", "đã", "được", "để",
                 "nhằm", "trong", "với", "cho", "khi", "này", "quy định", "hướng dẫn", "sửa đổi", "thi hành",
                 "thì", "là", "có", "các", "những"]
# Of these, the ones a name closed by its number or date still may not hold:
# `và` and a comma are inside `Luật Khoa học, công nghệ và đổi mới sáng tạo ngày …`.
LAW_NAME_HARD_ENDS = [w for w in LAW_NAME_ENDS if w not in ("và", "hoặc")] + ["một"]
# The longest name read up to its number or date, in words.
LAW_NAME_MAX_WORDS = 14

# An amending law is named by what it does, in lower case: `Luật sửa đổi, bổ sung một số điều của Luật Tổ
# chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019`. Its name runs to its
# number or date (then over commas, `và` and the names of the laws it amends), or, with neither, over the
# names of the laws it amends (`… của Luật Quy hoạch, Luật Đầu tư … và Luật Đấu thầu;`).
AMENDING_WORDS = ["sửa đổi, bổ sung", "sửa đổi và bổ sung", "sửa đổi bổ sung", "sửa đổi", "bổ sung"]
# The longest such name read up to its number or date, in words (a list of the laws it amends).
AMENDING_NAME_MAX_WORDS = 60
# Words that end such a name read up to a number or date: the sentence goes on (`… của 15 luật trong lĩnh
# vực nông nghiệp và môi trường phù hợp với tinh thần chỉ đạo tại văn bản số …`).
AMENDING_NAME_ENDS = ["theo", "tại", "để", "nhằm", "với", "cho", "khi", "này", "đã", "được", "là", "thì",
                      "quy định", "hướng dẫn"]  # not `ban hành`: `Luật ban hành văn bản quy phạm pháp luật`
# Words that open the amended laws' list after the amending words: `một số điều của`, `các`, `07`.
AMENDED_LIST_OPENING = r"(?:một\s+số\s+điều\s+(?:của\s+)?|các\s+|\d+\s+)?"

# Words that end an issuer, in either case: what follows is the date, the subject
# or what the document does (in a table the next cell follows the issuer without
# punctuation: `của Ủy ban nhân dân tỉnh Bình Phước Thành lập trạm y tế …`). The
# Party term (`khóa XII`) is left out so that `(khóa XII)` and `khóa XII` give one issuer.
ISSUER_ENDS = ["về", "ngày", "khóa", "khoá", "sửa đổi", "quy định", "ban hành", "phê duyệt", "hướng dẫn",
               "thực hiện", "thông báo", "tại", "theo", "đã", "được", "và các", "công bố", "v/v",
               "thành lập", "cho phép", "bổ sung", "quyết định", "không", "có", "hết", "chưa", "nêu",
               "trong", "tách"]

# Words in capitals that follow a document number in a title (`QĐ-UBND NGÀY …`) and
# are no part of its code (see GLUED_TAIL).
TITLE_WORDS = frozenset({"NGÀY", "CỦA", "VỀ", "VÀ", "NĂM", "SỐ", "THÁNG", "BAN", "TẠI", "THEO"})


def _words(phrase: str, either_case: bool = True, any_case: bool = False) -> str:
    """`Nghị định` → a pattern with any spaces between words (lines were joined)
    and, in running text, either case of the first letter (`kế hoạch số …`), or
    any case at all (`QUYẾT ĐỊNH SỐ …` in a title in capitals)."""
    words = r"\s+".join(re.escape(word) for word in phrase.split(" "))
    if any_case:
        return f"(?i:{words})"
    first, rest = phrase[0], phrase[1:]
    head = f"[{first.upper()}{first.lower()}]" if either_case else re.escape(first)
    return head + r"\s+".join(re.escape(word) for word in rest.split(" "))


def _alternation(phrases, **kwargs) -> str:
    return "|".join(_words(p, **kwargs) for p in sorted(phrases, key=len, reverse=True))


SEP = r"\s*[-–—/]\s*"
# A part of a code may carry a dotted section: `VPCP-V.III` (the Government Office's department V.III),
# `CCTKV.XII-NVDTPC.HUE` (a regional tax branch and its unit); then even one capital opens it. Or join two
# units' initials with `&` (`BNV-CTTN&BĐG`, `KH-BCA-BNN&MT`).
_SECTION = r"(?:\.|&)[\p{Lu}\d]+"
_CODE_TOKEN = (
    rf"(?:(?:{'|'.join(sorted(list(TYPE_CODES) + list(ISSUER_CODES), key=len, reverse=True))}"
    rf"|\p{{Lu}}[\p{{Lu}}\d]+)(?:{_SECTION})*|\p{{Lu}}(?:\.[\p{{Lu}}\d]+)+)(?![\p{{L}}\d])"
)
_TYPE_WORDS = _alternation(TYPE_WORDS, any_case=True)

# The document number: `108/2014/NĐ-CP`, `680/QĐ-UBND`, `18-NQ/TW`,
# `47/2019/QH14`, a draft's blank `/QĐ-UBND`; with the type word and `số`
# before it when the text gives them (in any case: titles are in capitals).
NUMBERED = re.compile(
    rf"""
    (?:(?P<type>{_TYPE_WORDS})\s*:?\s*)?
    (?:(?P<so>\b(?i:số))\s*(?P<colon>:)?\s*)?
    (?<![\p{{L}}\d/.,-])
    (?:(?P<number>\d{{1,5}})\s*(?:/\s*(?P<year>(?:19|20)\d{{2}})\s*)?[-–/]\s*|(?P<blank>/)\s*)
    (?P<code>{_CODE_TOKEN}(?:{SEP}{_CODE_TOKEN})*)
    """,
    re.X,
)

# The parts of a code, compiled once: they are split for every citation.
CODE_SEP = re.compile(SEP)
CODE_PARTS = re.compile(r"([-/])")  # of a code already normalised; the separators are kept
SPACES = re.compile(r"\s+")
# A piece of a carelessly typed code after one space: `TTBNN MT ngày …`.
GLUED_TAIL = re.compile(r" (?P<piece>\p{Lu}{1,4})(?=\s+(?i:ngày)\b|\s*[;,.)]|\s*$)")

_LAW_WORD = r"[\p{L}\d]+"
_NAME_ENDS = "|".join(_words(w, either_case=False) for w in sorted(LAW_NAME_ENDS, key=len, reverse=True))
_HARD_ENDS = "|".join(_words(w, either_case=False)
                      for w in sorted(LAW_NAME_HARD_ENDS + list(TYPE_WORDS), key=len, reverse=True))
_AMENDING = "|".join(r"\s*,\s*".join(_words(part.strip(), either_case=False) for part in w.split(","))
                     for w in sorted(AMENDING_WORDS, key=len, reverse=True))
# Type words of other documents, capitalised as a citation writes them: a name read up to a number stops
# short of one (`… và Nghị định số …`); in lower case they are words of the name (`văn bản quy phạm pháp luật`).
_OTHER_TYPES = "|".join(_words(w, either_case=False) for w in sorted(set(TYPE_WORDS) - set(NAMED_TYPES), key=len,
                                                                     reverse=True))
_AMENDING_STOPS = "|".join([_OTHER_TYPES] + [_words(w, either_case=False)
                                             for w in sorted(AMENDING_NAME_ENDS, key=len, reverse=True)])
# A law's own number (`số 87/2025/QH15`), not another document's (`văn bản số 574/TB-VPCP`).
_LAW_NUMBER_AHEAD = r"(?i:số)\s*\d{1,5}\s*/\s*(?:19|20)\d\d\s*/\s*(?:UBTV)?QH"
# A law an amending law names: after the amending words its name is a law's even in lower case (`Luật sửa
# đổi, bổ sung Luật dân quân tự vệ`).
_A_LAW = (rf"(?:{_alternation(NAMED_TYPES, either_case=False)})\s+\p{{L}}[\p{{L}}\d]*"
          rf"(?:\s+(?!(?:{_NAME_ENDS})\b){_LAW_WORD})*")
NAMED_LAW = re.compile(
    rf"""
    \b(?P<type>{_alternation(NAMED_TYPES, either_case=False)})\s+
    (?P<name>
        # an amending law, closed by its number or date
        (?:{_AMENDING})(?:(?:\s+|\s*,\s*)(?!(?:{_AMENDING_STOPS})\b|ngày\s*\d|(?i:số)\s*\d){_LAW_WORD}){{1,{AMENDING_NAME_MAX_WORDS}}}?
            (?=\s+(?:{_LAW_NUMBER_AHEAD}|ngày\s*\d|năm\s+(?:19|20)\d\d))
        # or named by the laws it amends
      | (?:{_AMENDING})\s+{AMENDED_LIST_OPENING}{_A_LAW}(?:(?:\s*,\s*|\s+và\s+){_A_LAW})*
      |
        # closed by its number or date: commas and `và` are part of it
        \p{{Lu}}[\p{{L}}\d]*(?:(?:\s+|\s*,\s*)(?!(?:{_HARD_ENDS})\b){_LAW_WORD}){{0,{LAW_NAME_MAX_WORDS}}}?
            (?=\s+(?:(?i:số)\s*\d|ngày\s*\d|năm\s+(?:19|20)\d\d))
      | (?:(?i:{'|'.join(_words(n, either_case=False) for n in NAMES_WITH_COMMA)})|\p{{Lu}}[\p{{L}}\d]*)
        (?:\s+(?!(?:{_NAME_ENDS})\b){_LAW_WORD})*
    )
    (?:\s+năm\s+(?P<year>(?:19|20)\d{{2}}))?
    (?:\s+(?i:số)\s*(?P<number>\d{{1,5}})\s*/\s*(?P<nyear>(?:19|20)\d{{2}})\s*/\s*(?P<code>(?:UBTV)?QH\d*)\b)?
    """,
    re.X,
)

# What a match of NUMBERED holds: a `/` (`108/2014/NĐ-CP`, a draft's blank
# `/QĐ-UBND`), or else a digit and a dash (`18-NQ`). And of NAMED_LAW: the
# last word of its type (`Luật`, `luật`, `lệnh`), written as in NAMED_TYPES.
DIGIT = re.compile(r"\d")
# Where a match of NUMBERED has its code: after a dash or a slash, a capital (every code opens with one).
CODE_START = re.compile(r"[-–/]\s*\p{Lu}")
# Characters no match of NUMBERED holds (its words, numbers, codes, spaces, `:` and dashes), nor opens with;
# but a dot between two capitals or digits, a code's section (`VPCP-V.III`).
NUMBERED_APART = ",;()"
SECTION_DOT = re.compile(r"(?<=[\p{Lu}\d])\.(?=[\p{Lu}\d])")
NAMED_TYPE_WORDS = frozenset(phrase.split(" ")[-1] for phrase in NAMED_TYPES)
TYPE_BY_FOLD = {phrase.casefold(): name for phrase, name in TYPE_WORDS.items()}

# `Hiến pháp năm 2013`, `Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013`.
CONSTITUTION = re.compile(r"\b(?P<type>Hiến\s+pháp)(?:\s+[\p{L}]+){0,10}?\s+năm\s+(?P<year>(?:19|20)\d{2})")

# `ngày 20/11/2014`, `ngày 31/ 8/2018`, `ngày 25 tháng 10 năm 2017`, `NGÀY 01/3/2025`;
# a draft leaves day and month blank (`ngày /12/2020`), a typo gives five digits
# for the year (`20/11/20225`): both are read past, and give no date.
DATE = re.compile(
    r"(?i:ngày)\s*(?:(?P<day>\d{1,2})?\s*/\s*(?P<month>\d{1,2})?\s*/\s*(?P<year>\d{4,5})(?!\d)"
    r"|(?P<day>\d{1,2})?\s*(?i:tháng)\s*(?P<month>\d{1,2})?\s*(?i:năm)\s*(?P<year>\d{4,5})(?!\d))"
)

# `của Chính phủ`: the issuer runs to punctuation or to a word that ends it. A
# comma followed by a capital goes on with the same noun phrase (`Bộ trưởng, Chủ
# nhiệm Văn phòng Chính phủ`, `Bộ Văn hóa, Thể thao và Du lịch`), unless a type
# word opens the next citation there.
_PUNCTUATION = r";,.:()\[\]“”\""  # not `*`: emphasis is read as a space (EMPHASIS_AS_SPACE)
_ISSUER_ENDS = "|".join(_words(w, any_case=True) for w in sorted(ISSUER_ENDS, key=len, reverse=True))
_ISSUER_PART = rf"[^{_PUNCTUATION}]+?"
_ISSUER_WORD = rf"[^\s{_PUNCTUATION}]+"
# The words a comma may add to an issuer: a short phrase (`Chủ nhiệm Văn phòng Chính
# phủ`); a longer one is the next clause (`…, Phó Thủ tướng Thường trực Chính phủ Nguyễn Hòa Bình - …`).
ISSUER_AFTER_COMMA_WORDS = 6
# The bodies ISSUER_CODES names may follow a comma whole, however long: several bodies sign a joint paper
# (`… của Bộ Quốc phòng, Bộ Lao động - Thương binh và Xã hội`).
_KNOWN_BODIES = "|".join(
    r"\s*[-–]\s*".join(_words(part.strip(), either_case=False) for part in name.split(" - "))
    for name in sorted(set(ISSUER_CODES.values()), key=len, reverse=True) if " " in name)
_AFTER_COMMA = (rf",\s*(?:(?:{_KNOWN_BODIES})(?![\p{{L}}\d])|(?=\p{{Lu}})(?!{_TYPE_WORDS}|Căn\s+cứ|Luật\b)"
                rf"{_ISSUER_WORD}(?:\s+{_ISSUER_WORD}){{0,{ISSUER_AFTER_COMMA_WORDS - 1}}}?)")
ISSUER = re.compile(
    rf"(?i:của)\s+(?P<issuer>{_ISSUER_PART}(?:{_AFTER_COMMA})*)"
    # a `và` before a word in lower case joins no second name: `… và trong phạm vi dự toán`
    rf"(?=\s*(?:[{_PUNCTUATION}]|$)|\s+(?:{_ISSUER_ENDS})\b|\s+và\s+\p{{Ll}})"
)

# Issuers whose name is complete as it stands: in a flattened table the next
# cell follows without punctuation (`của Chính phủ Triển khai theo …`), so an
# issuer that starts with one of these ends there.
COMPLETE_ISSUERS = ["Thủ tướng Chính phủ", "Chính phủ", "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Bộ Chính trị",
                    "Ban Bí thư", "Ban Chấp hành Trung ương Đảng", "Ban Chấp hành Trung ương"]
COMPLETE_ISSUER = re.compile(rf"(?:{_alternation(COMPLETE_ISSUERS, any_case=True)})(?![\p{{L}}\d])")

# A local body's name (vocab.LOCAL_BODIES, LOCAL_LEVELS), perhaps headed by its chair or standing
# committee, and the capitalised words of its place: an issuer that goes on after it in lower case ends there.
_LOCAL_BODY_HEAD = "|".join(_words(b, either_case=True) for b in sorted(LOCAL_BODIES, key=len, reverse=True))
_LOCAL_LEVEL = "|".join(_words(w, either_case=False) for w in sorted(LOCAL_LEVELS, key=len, reverse=True))
LOCAL_BODY = re.compile(
    rf"(?:(?:[Pp]hó\s+)?[Cc]hủ\s+tịch\s+|[Tt]hường\s+trực\s+)?(?:{_LOCAL_BODY_HEAD})\s+(?:cấp\s+)?(?:{_LOCAL_LEVEL})"
    rf"(?![\p{{L}}\d])(?:(?:\s+|\s*[-–]\s*)\p{{Lu}}[\p{{L}}\d]*)*"
)
# What may follow a local body's name in lower case and still be the issuer: a second body joined to it.
LOCAL_BODY_GOES_ON = re.compile(r"\s+(?:và|hoặc)\s")
BODY_RUNS_ON = re.compile(r"\s+\p{Ll}")

# The Party term after the issuer, `(khóa XII)` or `khóa XII`: read past, kept out of the issuer.
PARTY_TERM = re.compile(r"\(?\s*kh(?:óa|oá)\s+[IVXLC]+\s*\)?")

SUBJECT_START = re.compile(r"\s*,?\s*về(?:\s+việc)?\s+")

# What the words just before a citation may say of it, when its own words do not:
# - its date and issuer, in the sentence that opens with them: `Ngày 30/6/2025,
#   Chính phủ ban hành Nghị định số 175/2025/NĐ-CP`, `Ngày 22/10/2025, tại Thông báo số …`;
# - its issuer, in `Theo đề nghị của Sở Nội vụ tại Văn bản số …`, `ý kiến thẩm định của Sở Tư pháp
#   tại Báo cáo số …` (not in `quy định của … tại`, where the words name something else);
# - the issuer a list shares: `các Nghị định của Chính phủ: số 63/2010/NĐ-CP …; số 48/2013/NĐ-CP …`.
_LEAD_VERBS = r"(?:đã\s+)?(?:ban\s+hành|có|ký|gửi|phát\s+hành)"
LEAD_DATE = re.compile(
    rf"(?<![\p{{L}}\d])[Nn]gày\s*(?P<day>\d{{1,2}})\s*/\s*(?P<month>\d{{1,2}})\s*/\s*(?P<year>\d{{4}})"
    rf"\s*,\s*(?:tại\s+|(?P<issuer>\p{{Lu}}[^{_PUNCTUATION}]{{1,80}}?)\s+{_LEAD_VERBS}\s+)$"
)
LEAD_ISSUER = re.compile(
    rf"(?i:đề\s+nghị|thẩm\s+định|ý\s+kiến|chỉ\s+đạo|hướng\s+dẫn)\s+của\s+"
    rf"(?P<issuer>\p{{Lu}}[^{_PUNCTUATION}]{{1,120}}?)\s+tại\s+$"
)
LIST_HEAD = re.compile(
    rf"(?i:các|những)\s+(?:{_TYPE_WORDS})\s+(?i:của)\s+"
    rf"(?P<issuer>\p{{Lu}}[^{_PUNCTUATION}]{{1,80}}?)\s*:\s*$"
)
# How far back the words before a citation are read.
LEAD_REACH = 200

# A text in another language: at least this many words, of which fewer than this share carry a
# Vietnamese mark (a tone or đ, ư, ơ, ă, â, ê, ô); Vietnamese running text marks about half its words.
FOREIGN_MIN_WORDS = 8
FOREIGN_MAX_MARKED = 0.15
FOREIGN_REACH = 100  # characters either side of a citation
WORD = re.compile(r"\p{L}+")

# A full stop that ends a sentence: followed by a capital, a number, a bullet,
# the `/.` of `./.` or nothing; not the one inside `2.0`.
AFTER_FULL_STOP = re.compile(r"\s*$|\s+[\p{Lu}\d\-–+•]|/")
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# The characters at which a subject may end (_clause_end).
CLAUSE_STOPS = re.compile(r"[();.\n]")
# Characters between two citations that a list puts side by side: `; `, ` và `.
LISTING_GAP = 5
# Numbers of one type, code and day from this many up: a series an issuer signed that day (conflicting_numbers).
SERIES_MIN = 3
# What stands between two items of one list: the second shares the first's type
# (`văn bản số 16495/BTC-PTHT ngày 22/10/2025, số 13021/BTC-PTHT …`) …
LIST_GAP = re.compile(r"\s*(?:[,;]|(?:[,;]\s*)?(?:và|hoặc))\s*\**\s*")
# … and, joined by a comma or `và` (not by `;`, which ends a legal basis), the
# issuer the last of them names (`Nghị định số 48/… và Nghị định số 92/… của Chính phủ`).
SHARED_ISSUER_GAP = re.compile(r"\s*(?:,|(?:,\s*)?(?:và|hoặc))\s*\**\s*")

# What a clause must not end with once cut at the next citation: `… và`.
TRAILING = re.compile(r"(?:[\s,;:*–-]|\b(?:và|hoặc|của)\b)+$")


@dataclass(frozen=True, slots=True)
class Citation:
    doc_type: str | None
    number: str | None
    year: int | None
    code: str | None
    issued_date: datetime.date | None
    issuer: str | None
    subject: str | None
    raw: str
    start: int
    end: int


def find_citations(text: str) -> list[Citation]:
    """Every citation of a legal document in text, in order of appearance; none amid words of another
    language (a page's embedded English translation cites for its translator, not for the document)."""
    text = unicodedata.normalize("NFC", text)
    # One letter for one: offsets stay those of text. Translating is slow, so only a text that holds a
    # Greek or Cyrillic letter is translated.
    folded = text.translate(LOOK_ALIKES) if OTHER_SCRIPT.search(text) else text
    if "*" in folded:
        folded = folded.translate(EMPHASIS_AS_SPACE)
    anchors = sorted(_anchors(folded), key=lambda a: (a[0].start(), -a[0].end()))
    kept: list[tuple[re.Match, str]] = []
    for m, kind in anchors:
        if not kept or m.start() >= kept[-1][0].end():
            kept.append((m, kind))
    citations: list[Citation] = []
    shared: list[str | None] = []  # the issuer a list head gives each citation
    bare: list[bool] = []  # a list's item without a type word of its own (`…, số 012/CĐ-UBND`)
    # Where the previous citation's own words end: its subject, read up to the next citation, may hold the
    # words that lead to it (`… về lãnh đạo … và hướng dẫn của Bộ Nội vụ tại Công văn số 8935/…`).
    reach = 0
    for i, (m, kind) in enumerate(kept):
        limit = kept[i + 1][0].start() if i + 1 < len(kept) else len(text)
        previous = citations[-1] if citations else None
        in_list = previous is not None and LIST_GAP.fullmatch(folded, previous.end, m.start()) is not None
        if kind == "listed" and not in_list:
            continue  # a bare `số 1234/BTC-PTHT` is a citation only in a list
        if _foreign_around(folded, m.start(), m.end()):
            continue
        citation, head_issuer, reach = _citation(text, folded, m, kind, limit, previous if in_list else None,
                                                 reach)
        if head_issuer is None and in_list and kind in ("numbered", "listed") and m["so"] and not m["type"] and shared:
            head_issuer = shared[-1]  # an item of a list under `các Nghị định của Chính phủ:`
        if citation.issuer is None and head_issuer:
            citation = replace(citation, issuer=head_issuer)
        citations.append(citation)
        shared.append(head_issuer)
        bare.append(kind in ("numbered", "listed") and not m["type"] and in_list)
    return _share_list_parts(folded, citations, bare)


def _foreign(text: str) -> bool:
    """Hardly a word with a Vietnamese mark among enough words: English (`Pursuant to the Law on Fees and
    Charges No. 97/2015/QH13`), not Vietnamese, whose running text marks about half its words. Judged on
    the words around each citation: one text may hold both (a translation glued to the site's notes)."""
    return _foreign_words(WORD.findall(text))


def _foreign_words(words: list[str]) -> bool:
    if len(words) < FOREIGN_MIN_WORDS:
        return False
    marked = sum(1 for word in words if not VIETNAMESE_MARKED.isdisjoint(word))
    return marked < FOREIGN_MAX_MARKED * len(words)


def _foreign_around(text: str, start: int, end: int) -> bool:
    """The words that lead to a citation, or, where they are too few, those on both sides of it."""
    before = WORD.findall(text[max(0, start - FOREIGN_REACH):end])
    if len(before) >= FOREIGN_MIN_WORDS:
        return _foreign_words(before)
    return _foreign(text[max(0, start - FOREIGN_REACH):end + FOREIGN_REACH])


def conflicting_numbers(citations: list[Citation]) -> list[tuple[Citation, Citation]]:
    """Pairs that look like one document cited under two numbers: same doc_type and code family (e.g. KH-UBND),
    same issued_date (both set), different numbers. Each pair of numbers is reported once, at its first citations.

    Two numbers the text lists side by side (`Nghị quyết số 18-NQ/TW; Nghị quyết số 19-NQ/TW`, both of
    25/10/2017) are two documents issued the same day, not one document mistyped: such pairs are left out.
    Side by side is read from the offsets of consecutive citations, so citations should come in text order
    (the citations of several texts, one text after another, also do).

    A registry numbers an issuer's documents one after another, and one issuer often signs several on one
    day: numbers in a row (`78/NĐ-CP` and `79/NĐ-CP` of 01/04/2025), or SERIES_MIN numbers or more of one
    type, code and day (`73/QĐ-UB` … `78/QĐ-UB` of 21/08/2000, one decision per commune), are documents
    of their own, not one document mistyped; a typo gives two numbers, rarely in a row (`133` / `113`).
    """
    listed_together = {
        _conflict_key(a, b) for a, b in zip(citations, citations[1:]) if 0 <= b.start - a.end <= LISTING_GAP
    }
    numbers_of: dict[tuple, set[str]] = defaultdict(set)
    for c in citations:
        if c.issued_date and c.number:
            numbers_of[c.doc_type, c.code, c.issued_date].add(c.number)
    pairs, seen = [], set()
    for i, a in enumerate(citations):
        for b in citations[i + 1:]:
            if (a.issued_date and a.issued_date == b.issued_date and a.doc_type == b.doc_type
                    and a.code == b.code and a.number and b.number and a.number != b.number
                    and len(numbers_of[a.doc_type, a.code, a.issued_date]) < SERIES_MIN
                    and not _in_a_row(a.number, b.number)):
                key = _conflict_key(a, b)
                if key not in seen and key not in listed_together:
                    seen.add(key)
                    pairs.append((a, b))
    return pairs


def _in_a_row(a: str, b: str) -> bool:
    return a.isdigit() and b.isdigit() and abs(int(a) - int(b)) == 1


def _conflict_key(a: Citation, b: Citation):
    return a.doc_type, a.code, a.issued_date, frozenset((a.number, b.number))


def _anchors(text: str):
    # Each pattern is tried at every place of the text, which is slow for
    # NUMBERED; a plain test first spares it the many texts that hold none of
    # the characters or words a match needs (a date's `/` is no code's).
    if "/" in text or (("-" in text or "–" in text) and DIGIT.search(text)):
        for m in _numbered(text):
            kind = _number_kind(m)
            if kind:
                yield m, kind
    if any(word in text for word in NAMED_TYPE_WORDS):
        for m in NAMED_LAW.finditer(text):
            yield m, "named"
    if "Hiến" in text:
        for m in CONSTITUTION.finditer(text):
            yield m, "constitution"


def _numbered(text: str):
    """NUMBERED's matches in text, in order, as its finditer finds them; searched only in the stretches
    between the characters no match holds (NUMBERED_APART) that hold a code's start (CODE_START, which
    every match holds). A stretch is searched in place (pos, endpos), so that what a match looks at
    around it, before a number and after a code, is what the whole text shows there."""
    searched = 0
    for code in CODE_START.finditer(text):
        if code.start() < searched:
            continue
        start = max(max(text.rfind(ch, 0, code.start()) for ch in NUMBERED_APART),
                    _full_stop_before(text, code.start())) + 1
        ends = [at for at in (*(text.find(ch, code.end()) for ch in NUMBERED_APART), _full_stop_after(text, code.end()))
                if at >= 0]
        searched = min(ends) if ends else len(text)
        yield from NUMBERED.finditer(text, start, searched)


def _full_stop_before(text: str, pos: int) -> int:
    """The last dot before pos that is no code's section dot, or -1."""
    at = text.rfind(".", 0, pos)
    while at > 0 and SECTION_DOT.match(text, at):
        at = text.rfind(".", 0, at)
    return at


def _full_stop_after(text: str, pos: int) -> int:
    """The first dot from pos that is no code's section dot, or -1."""
    at = text.find(".", pos)
    while at > 0 and SECTION_DOT.match(text, at):
        at = text.find(".", at + 1)
    return at


def _number_kind(m: re.Match) -> str | None:
    """`numbered` for a document number, `listed` for a bare `số 1234/BTC-PTHT` or `1234/BTC-PTHT` that
    only a list makes one (find_citations decides), None for no citation."""
    if m["so"] and m["so"][0] == "S" and m["colon"]:
        return None  # `Số: 123/QĐ-UBND` in a header (whatever title precedes it): the document's own number
    if not m["type"]:
        if m["blank"] and not m["so"]:
            return None  # a lone `/QĐ-UBND` is no citation
        first = _split_glued(CODE_SEP.split(m["code"])[0], None)[0]
        # Without a type word, only a code that says its type is a document
        # number (`1234/UBND-VP` could be anything); in a list, after a comma or `và`, any numbered code
        # is its next item, with `số` or without (`các văn bản số: 10894/VPCP-CN …, 8563/VPCP-CN …`).
        if first in TYPE_CODES or ASSEMBLY_CODE.match(first):
            return "numbered"
        return "listed" if m["number"] else None
    return "numbered"


def _citation(text: str, folded: str, m: re.Match, kind: str, limit: int, listed_after: Citation | None,
              reach: int) -> tuple[Citation, str | None, int]:
    """The citation anchored at m, the issuer a list head before it gives (for the items that follow), and
    where the citation ends before its subject."""
    type_word = " ".join(m["type"].split()) if m["type"] else None
    number = code = subject = None
    year = int(m["year"]) if m["year"] else None
    end = m.end()
    if kind in ("numbered", "listed"):
        number = m["number"]
        type_name = TYPE_BY_FOLD.get(type_word.casefold()) if type_word else None
        code, glued = _normalise_code(m["code"], type_name)
        if glued and (t := GLUED_TAIL.match(folded, end, limit)) and t["piece"] not in TITLE_WORDS:
            code, end = code + t["piece"], t.end()
        doc_type = type_name or TYPE_CODES.get(CODE_PARTS.split(code)[0])
        if doc_type is None and listed_after is not None:
            doc_type = listed_after.doc_type  # `văn bản số …, số …`: the list's type word
    elif kind == "named":
        doc_type = NAMED_TYPES[type_word]
        subject = " ".join(m["name"].split())
        if m["number"]:
            number, code, year = m["number"], m["code"], int(m["nyear"])
    else:
        doc_type = "Hiến pháp"
    issued_date, issuer, subject_found, end, head_end = _read_tail(folded, end, limit, want_subject=kind != "named"
                                                                   and kind != "constitution")
    subject = subject or subject_found
    lead_from = max(reach, m.start() - LEAD_REACH)
    before = folded[lead_from:m.start()]
    head_issuer = None
    if (lead := LEAD_DATE.search(before)) is not None:
        issued_date = issued_date or _date(lead)
        issuer = issuer or _clean_issuer(lead["issuer"])
    elif (lead := LEAD_ISSUER.search(before)) is not None:
        issuer = issuer or _clean_issuer(lead["issuer"])
    elif (head := LIST_HEAD.search(before)) is not None:
        head_issuer = _clean_issuer(head["issuer"])
    if year is None and issued_date:
        year = issued_date.year
    return Citation(doc_type, number, year, code, issued_date, issuer, subject, text[m.start():end], m.start(),
                    end), head_issuer, head_end


def _clean_issuer(words: str | None) -> str | None:
    return " ".join(words.split()) if words and words.strip() else None


def _share_list_parts(text: str, citations: list[Citation], bare: list[bool]) -> list[Citation]:
    """Items of a list joined by a comma or `và`, of one type and issuer codes, share the issuer the last of
    them names; numbers listed under one type word (`văn bản số 16495/BTC-PTHT ngày 22/10/2025, số
    13021/BTC-PTHT …`) share the issuer the first names, too.

    Not the date: a date after the last item is that item's. `các Công điện số 217/CĐ-TTg, 218/CĐ-TTg,
    219/CĐ-TTg và 222/CĐ-TTg ngày 19/11/2025` (15e6fb3d3f3b2644) lists telegrams of 16, 16, 17 and 19
    November (858c0de43c18ce78 dates each)."""
    out = list(citations)

    def joined(i: int) -> bool:
        a, b = out[i], out[i + 1]
        return (a.doc_type == b.doc_type and _issuer_codes(a) == _issuer_codes(b)
                and SHARED_ISSUER_GAP.fullmatch(text, a.end, b.start) is not None)

    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if a.issuer is None and b.issuer and joined(i):
            out[i] = replace(a, issuer=b.issuer)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if bare[i + 1] and b.issuer is None and a.issuer and joined(i):
            out[i + 1] = replace(b, issuer=a.issuer)
    return out


def _issuer_codes(c: Citation) -> tuple[str, ...]:
    """The issuer's part of a code (`CP` of `NĐ-CP`, `BTC-PTHT` of itself): two codes that differ there
    name two issuers, whatever a list says."""
    parts = [part for part in CODE_PARTS.split(c.code or "") if part and part not in "-/"]
    return tuple(parts[1:] if parts and parts[0] in TYPE_CODES else parts)


def _split_glued(first: str, type_name: str | None) -> tuple[str, str | None]:
    """A code's first part typed without its hyphen (`NĐCP`, `TTBTC`), as (type code, rest);
    (first, None) when it is not one. Split only where it is certain: at the code of the
    type word before the number, or at a type code followed by a known issuer code."""
    if first in TYPE_CODES or ASSEMBLY_CODE.match(first):
        return first, None
    expected = CODE_OF_TYPE.get(type_name) if type_name else None
    if expected and first.startswith(expected) and _issuer_like(first[len(expected):]):
        return expected, first[len(expected):]
    for code in sorted(TYPE_CODES, key=len, reverse=True):
        if first.startswith(code) and first[len(code):] in ISSUER_CODES:
            return code, first[len(code):]
    return first, None


def _issuer_like(rest: str) -> bool:
    """Is what follows a type code an issuer's code: a known one, or a ministry's (`BNN`, Bộ …)?
    Not `PH` of `KHPH` (Kế hoạch phối hợp), a type code of its own."""
    return rest in ISSUER_CODES or (rest.startswith("B") and len(rest) >= 3)


def normalise_code(code: str) -> str:
    """A code written as citations write theirs (`QĐ – UBND` → `QĐ-UBND`): to compare a
    document's own code with the codes that cite it."""
    return _normalise_code(code.translate(LOOK_ALIKES))[0]


def _normalise_code(code: str, type_name: str | None = None) -> tuple[str, bool]:
    """`QĐ – TTg` → `QĐ-TTg`, `NĐ- CP` → `NĐ-CP`, `NQ-HDND` → `NQ-HĐND`, `NĐCP` → `NĐ-CP`;
    and whether a hyphen was put back."""
    compact = SPACES.sub("", code).replace("–", "-").replace("—", "-")
    parts = CODE_PARTS.split(compact)
    first, rest = _split_glued(parts[0], type_name)
    if rest is not None:
        parts[:1] = [first, "-", rest]
    return "".join(ISSUER_SPELLINGS.get(part, part) for part in parts), rest is not None


def _read_tail(text: str, pos: int, limit: int, want_subject: bool):
    """Date and issuer in either order (the issuer perhaps with its Party term), then the
    subject; where the citation ends, and where it ends before its subject."""
    issued_date = issuer = subject = None
    date_read = False  # a draft's blank date is read past, but gives no date
    end = pos
    while True:
        at = _skip_space(text, end, limit)
        if not date_read and (d := DATE.match(text, at, limit)):
            issued_date, date_read, end = _date(d), True, d.end()
        elif issuer is None and (i := ISSUER.match(text, at, limit)):
            issuer, end = _trimmed(text, i.start("issuer"), _issuer_end(text, i), end)
            if issuer is None:
                break  # an issuer's word with nothing left after trimming (`của và`): no issuer, and no way on
        elif issuer and (t := PARTY_TERM.match(text, at, limit)):
            end = t.end()
        else:
            break
    head_end = end
    if want_subject and (s := SUBJECT_START.match(text, end, limit)):
        subject, end = _trimmed(text, s.end(), _clause_end(text, s.end(), limit), end)
    return issued_date, issuer, subject, end, head_end


def _issuer_end(text: str, m: re.Match) -> int:
    complete = COMPLETE_ISSUER.match(text, m.start("issuer"), m.end("issuer"))
    if complete:
        return complete.end()
    body = LOCAL_BODY.match(text, m.start("issuer"), m.end("issuer"))
    if (body and BODY_RUNS_ON.match(text, body.end(), m.end("issuer"))
            and not LOCAL_BODY_GOES_ON.match(text, body.end(), m.end("issuer"))):
        return body.end()
    return m.end("issuer")


def _trimmed(text: str, start: int, stop: int, end: int) -> tuple[str | None, int]:
    """The words of text[start:stop] without a dangling `và` or comma, and where they
    end; (None, end) when nothing is left."""
    kept = TRAILING.sub("", text[start:stop])
    if not kept.strip():
        return None, end
    return " ".join(kept.split()), start + len(kept)


def _skip_space(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos].isspace():
        pos += 1
    return pos


def _date(m: re.Match) -> datetime.date | None:
    if not (m["day"] and m["month"]) or len(m["year"]) != 4:
        return None
    try:
        return datetime.date(int(m["year"]), int(m["month"]), int(m["day"]))
    except ValueError:
        return None


def _clause_end(text: str, pos: int, limit: int) -> int:
    """Where a subject ends: `;`, a closing bracket it did not open, the end of
    a sentence, a blank line, or the next citation (limit)."""
    depth = 0
    for stop in CLAUSE_STOPS.finditer(text, pos, limit):  # the characters below, passing over the rest
        i = stop.start()
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif ch == ";" or (ch == "." and AFTER_FULL_STOP.match(text, i + 1, limit)) \
                or (ch == "\n" and BLANK_LINE.match(text, i, limit)):
            return i
    return limit
