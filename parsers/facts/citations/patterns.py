"""The patterns a citation is read with, built from `vocabulary`'s words and codes.

A document number with its type word, a law or code cited by name, the Constitution, a date, an
issuer and where it ends, the words before a citation that say what it leaves out, and the gaps of a
list. They are compiled once, at import, and only read by `find` and `keys`.
"""

from __future__ import annotations

import regex as re

from parsers.facts.citations.vocabulary import (
    AMENDED_LIST_OPENING,
    AMENDING_NAME_ENDS,
    AMENDING_NAME_MAX_WORDS,
    AMENDING_WORDS,
    ISSUER_CODES,
    ISSUER_ENDS,
    LAW_NAME_ENDS,
    LAW_NAME_HARD_ENDS,
    LAW_NAME_MAX_WORDS,
    NAMED_TYPES,
    NAMES_WITH_COMMA,
    TYPE_CODES,
    TYPE_WORDS,
)
from parsers.language.vocab import LOCAL_BODIES, LOCAL_LEVELS


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


# A full stop that ends a sentence: followed by a capital, a number, a bullet,
# the `/.` of `./.` or nothing; not the one inside `2.0`.
AFTER_FULL_STOP = re.compile(r"\s*$|\s+[\p{Lu}\d\-–+•]|/")
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# The characters at which a subject may end (_clause_end).
CLAUSE_STOPS = re.compile(r"[();.\n]")
# What stands between two items of one list: the second shares the first's type
# (`văn bản số 16495/BTC-PTHT ngày 22/10/2025, số 13021/BTC-PTHT …`) …
LIST_GAP = re.compile(r"\s*(?:[,;]|(?:[,;]\s*)?(?:và|hoặc))\s*\**\s*")
# … and, joined by a comma or `và` (not by `;`, which ends a legal basis), the
# issuer the last of them names (`Nghị định số 48/… và Nghị định số 92/… của Chính phủ`).
SHARED_ISSUER_GAP = re.compile(r"\s*(?:,|(?:,\s*)?(?:và|hoặc))\s*\**\s*")

# What a clause must not end with once cut at the next citation: `… và`.
TRAILING = re.compile(r"(?:[\s,;:*–-]|\b(?:và|hoặc|của)\b)+$")
