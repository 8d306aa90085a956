"""Citations of legal documents in running text.

A citation reads `Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ
về …`: type, number, date, issuer, subject. Any part but the code may be
missing, the date may follow the issuer, the code may be mistyped (`QĐ – TTg`,
`NQ -CP`) or broken across a line (`NĐ- CP`). A citation is therefore anchored
on its document number (or, for a law cited by name, on `Luật` and the name);
its date, issuer and subject are read from the words that follow, up to the
next citation. Patterns run on NFC text; offsets refer to the NFC form of the
input, which is the input itself for text that parsers.clean produced.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

import regex as re

# Type codes, the first part of a document's code (`NĐ` in `108/2014/NĐ-CP`).
# KL, HD and TTLT are not in DOMAIN.md but stand in the same place in Party
# conclusions, guidance and joint circulars that plans cite.
TYPE_CODES: dict[str, str] = {
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "KH": "Kế hoạch",
    "CT": "Chỉ thị",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "BC": "Báo cáo",
    "CTr": "Chương trình",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
}

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
}

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
    "Pháp lệnh": "Pháp lệnh",
    "Bộ luật": "Bộ luật",
    "Luật": "Luật",
}

# Laws and codes are cited by name, without number: `Luật Tổ chức Chính quyền
# địa phương năm 2015`. Only a capitalised name makes one (`Luật sửa đổi, bổ
# sung …` and `thi hành Luật.` are not citations).
NAMED_TYPES: dict[str, str] = {"Luật": "Luật", "Bộ luật": "Bộ luật", "Pháp lệnh": "Pháp lệnh"}

# Law names that hold a comma; any other name ends at punctuation.
NAMES_WITH_COMMA = ["Cán bộ, công chức", "Phòng, chống"]

# Words that end a law's name: the year, a conjunction, the next phrase.
LAW_NAME_ENDS = ["năm", "ngày", "và", "hoặc", "của", "số", "theo", "tại", "về", "đã", "được", "để", "nhằm",
                 "trong", "với", "cho", "khi", "này", "quy", "hướng", "sửa", "thì", "là", "có"]

# Words that end an issuer: what follows is the date, the subject or what the
# document does. The Party term (`khóa XII`) is left out so that `(khóa XII)`
# and `khóa XII` give one issuer.
ISSUER_ENDS = ["về", "ngày", "khóa", "khoá", "sửa đổi", "quy định", "ban hành", "phê duyệt", "hướng dẫn",
               "thực hiện", "thông báo", "tại", "theo", "đã", "được"]


def _words(phrase: str, either_case: bool = True) -> str:
    """`Nghị định` → a pattern with any spaces between words (lines were joined)
    and, in running text, either case of the first letter (`kế hoạch số …`)."""
    first, rest = phrase[0], phrase[1:]
    head = f"[{first.upper()}{first.lower()}]" if either_case else re.escape(first)
    return head + r"\s+".join(re.escape(word) for word in rest.split(" "))


def _alternation(phrases, **kwargs) -> str:
    return "|".join(_words(p, **kwargs) for p in sorted(phrases, key=len, reverse=True))


SEP = r"\s*[-–—/]\s*"
_CODE_TOKEN = (
    rf"(?:{'|'.join(sorted(list(TYPE_CODES) + list(ISSUER_CODES), key=len, reverse=True))}"
    r"|\p{Lu}[\p{Lu}\d]+)(?![\p{L}\d])"
)

# The document number: `108/2014/NĐ-CP`, `680/QĐ-UBND`, `18-NQ/TW`,
# `47/2019/QH14`, a draft's blank `/QĐ-UBND`; with the type word and `số`
# before it when the text gives them.
NUMBERED = re.compile(
    rf"""
    (?:(?P<type>{_alternation(TYPE_WORDS)})\s*:?\s*)?
    (?:(?P<so>\b[Ss]ố)\s*(?P<colon>:)?\s*)?
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

NAMED_LAW = re.compile(
    rf"""
    \b(?P<type>{_alternation(NAMED_TYPES, either_case=False)})\s+
    (?P<name>(?:{_alternation(NAMES_WITH_COMMA, either_case=False)}|\p{{Lu}}[\p{{L}}\d]*)
        (?:\s+(?!(?:{'|'.join(LAW_NAME_ENDS)})\b)[\p{{L}}\d]+)*)
    (?:\s+năm\s+(?P<year>(?:19|20)\d{{2}}))?
    """,
    re.X,
)

# What a match of NUMBERED holds: a `/` (`108/2014/NĐ-CP`, a draft's blank
# `/QĐ-UBND`), or else a digit and a dash (`18-NQ`). And of NAMED_LAW: the
# last word of its type (`Luật`, `luật`, `lệnh`), written as in NAMED_TYPES.
DIGIT = re.compile(r"\d")
NAMED_TYPE_WORDS = frozenset(phrase.split(" ")[-1] for phrase in NAMED_TYPES)

# `Hiến pháp năm 2013`, `Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013`.
CONSTITUTION = re.compile(r"\b(?P<type>Hiến\s+pháp)(?:\s+[\p{L}]+){0,10}?\s+năm\s+(?P<year>(?:19|20)\d{2})")

# `ngày 20/11/2014`, `ngày 31/ 8/2018`, `ngày 25 tháng 10 năm 2017`; a draft
# leaves day and month blank (`ngày /12/2020`), which gives no date.
DATE = re.compile(
    r"ngày\s*(?:(?P<day>\d{1,2})?\s*/\s*(?P<month>\d{1,2})?\s*/\s*(?P<year>\d{4})"
    r"|(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4}))"
)

# `của Chính phủ`: the issuer runs to punctuation or to a word that ends it.
_PUNCTUATION = r";,.:()\[\]*“”\""
ISSUER = re.compile(
    rf"của\s+(?P<issuer>[^{_PUNCTUATION}]+?)"
    rf"(?=\s*(?:[{_PUNCTUATION}]|$)|\s+(?:{_alternation(ISSUER_ENDS, either_case=False)})\b)"
)

# Issuers whose name is complete as it stands: in a flattened table the next
# cell follows without punctuation (`của Chính phủ Triển khai theo …`), so an
# issuer that starts with one of these ends there.
COMPLETE_ISSUERS = ["Thủ tướng Chính phủ", "Chính phủ", "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Bộ Chính trị",
                    "Ban Bí thư", "Ban Chấp hành Trung ương Đảng", "Ban Chấp hành Trung ương"]
COMPLETE_ISSUER = re.compile(rf"(?:{_alternation(COMPLETE_ISSUERS, either_case=False)})(?![\p{{L}}\d])")

# The Party term after the issuer, `(khóa XII)` or `khóa XII`: read past, kept out of the issuer.
PARTY_TERM = re.compile(r"\(?\s*kh(?:óa|oá)\s+[IVXLC]+\s*\)?")

SUBJECT_START = re.compile(r"\s*,?\s*về(?:\s+việc)?\s+")

# A full stop that ends a sentence: followed by a capital, a number, a bullet,
# the `/.` of `./.` or nothing; not the one inside `2.0`.
AFTER_FULL_STOP = re.compile(r"\s*$|\s+[\p{Lu}\d\-–+•]|/")
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Characters between two citations that a list puts side by side: `; `, ` và `.
LISTING_GAP = 5

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
    """Every citation of a legal document in text, in order of appearance."""
    text = unicodedata.normalize("NFC", text)
    anchors = sorted(_anchors(text), key=lambda a: a[0].start())
    kept: list[tuple[re.Match, str]] = []
    for m, kind in anchors:
        if not kept or m.start() >= kept[-1][0].end():
            kept.append((m, kind))
    citations = []
    for i, (m, kind) in enumerate(kept):
        limit = kept[i + 1][0].start() if i + 1 < len(kept) else len(text)
        citations.append(_citation(text, m, kind, limit))
    return citations


def conflicting_numbers(citations: list[Citation]) -> list[tuple[Citation, Citation]]:
    """Pairs that look like one document cited under two numbers: same doc_type and code family (e.g. KH-UBND),
    same issued_date (both set), different numbers. Each pair of numbers is reported once, at its first citations.

    Two numbers the text lists side by side (`Nghị quyết số 18-NQ/TW; Nghị quyết số 19-NQ/TW`, both of
    25/10/2017) are two documents issued the same day, not one document mistyped: such pairs are left out.
    Side by side is read from the offsets of consecutive citations, so citations should come in text order
    (the citations of several texts, one text after another, also do).
    """
    listed_together = {
        _conflict_key(a, b) for a, b in zip(citations, citations[1:]) if 0 <= b.start - a.end <= LISTING_GAP
    }
    pairs, seen = [], set()
    for i, a in enumerate(citations):
        for b in citations[i + 1:]:
            if (a.issued_date and a.issued_date == b.issued_date and a.doc_type == b.doc_type
                    and a.code == b.code and a.number and b.number and a.number != b.number):
                key = _conflict_key(a, b)
                if key not in seen and key not in listed_together:
                    seen.add(key)
                    pairs.append((a, b))
    return pairs


def _conflict_key(a: Citation, b: Citation):
    return a.doc_type, a.code, a.issued_date, frozenset((a.number, b.number))


def _anchors(text: str):
    # Each pattern is tried at every place of the text, which is slow for
    # NUMBERED; a plain substring test first spares it the many texts that
    # hold none of the characters or words a match needs.
    if "/" in text or (("-" in text or "–" in text) and DIGIT.search(text)):
        for m in NUMBERED.finditer(text):
            if _is_citation_number(m):
                yield m, "numbered"
    if any(word in text for word in NAMED_TYPE_WORDS):
        for m in NAMED_LAW.finditer(text):
            yield m, "named"
    if "Hiến" in text:
        for m in CONSTITUTION.finditer(text):
            yield m, "constitution"


def _is_citation_number(m: re.Match) -> bool:
    if not m["type"]:
        if m["so"] == "Số" and m["colon"]:
            return False  # `Số: 123/QĐ-UBND` in a header: the document's own number
        if m["blank"] and not m["so"]:
            return False  # a lone `/QĐ-UBND` is no citation
        first = CODE_SEP.split(m["code"])[0]
        # Without a type word, only a code that says its type is a document
        # number (`1234/UBND-VP` could be anything).
        return first in TYPE_CODES or bool(ASSEMBLY_CODE.match(first))
    return True


def _citation(text: str, m: re.Match, kind: str, limit: int) -> Citation:
    type_word = " ".join(m["type"].split()) if m["type"] else None
    type_word = type_word and type_word[0].upper() + type_word[1:]
    number = code = subject = None
    year = int(m["year"]) if m["year"] else None
    if kind == "numbered":
        number = m["number"]
        code = _normalise_code(m["code"])
        doc_type = TYPE_WORDS.get(type_word) if type_word else TYPE_CODES.get(CODE_PARTS.split(code)[0])
    elif kind == "named":
        doc_type = NAMED_TYPES[type_word]
        subject = " ".join(m["name"].split())
    else:
        doc_type = "Hiến pháp"
    issued_date, issuer, subject_found, end = _read_tail(text, m.end(), limit, want_subject=kind == "numbered")
    subject = subject or subject_found
    if year is None and issued_date:
        year = issued_date.year
    return Citation(doc_type, number, year, code, issued_date, issuer, subject, text[m.start():end], m.start(), end)


def _normalise_code(code: str) -> str:
    """`QĐ – TTg` → `QĐ-TTg`, `NĐ- CP` → `NĐ-CP`, `NQ-HDND` → `NQ-HĐND`."""
    compact = SPACES.sub("", code).replace("–", "-").replace("—", "-")
    return "".join(ISSUER_SPELLINGS.get(part, part) for part in CODE_PARTS.split(compact))


def _read_tail(text: str, pos: int, limit: int, want_subject: bool):
    """Date and issuer in either order (the issuer perhaps with its Party term), then the
    subject; and where the citation ends."""
    issued_date = issuer = subject = None
    date_read = False  # a draft's blank date is read past, but gives no date
    end = pos
    while True:
        at = _skip_space(text, end, limit)
        if not date_read and (d := DATE.match(text, at, limit)):
            issued_date, date_read, end = _date(d), True, d.end()
        elif issuer is None and (i := ISSUER.match(text, at, limit)):
            issuer, end = _trimmed(text, i.start("issuer"), _issuer_end(text, i), end)
        elif issuer and (t := PARTY_TERM.match(text, at, limit)):
            end = t.end()
        else:
            break
    if want_subject and (s := SUBJECT_START.match(text, end, limit)):
        subject, end = _trimmed(text, s.end(), _clause_end(text, s.end(), limit), end)
    return issued_date, issuer, subject, end


def _issuer_end(text: str, m: re.Match) -> int:
    complete = COMPLETE_ISSUER.match(text, m.start("issuer"), m.end("issuer"))
    return complete.end() if complete else m.end("issuer")


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
    if not (m["day"] and m["month"]):
        return None
    try:
        return datetime.date(int(m["year"]), int(m["month"]), int(m["day"]))
    except ValueError:
        return None


def _clause_end(text: str, pos: int, limit: int) -> int:
    """Where a subject ends: `;`, a closing bracket it did not open, the end of
    a sentence, a blank line, or the next citation (limit)."""
    depth = 0
    for i in range(pos, limit):
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
