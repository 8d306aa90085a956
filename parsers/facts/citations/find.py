"""Citations of legal documents found in running text: `find_citations` and its `Citation`s.

Each citation is anchored on a document number (or on a law's name, or the Constitution); its date,
issuer and subject are read from the words that follow, up to the next citation, or from the words
that lead to it; the items of a list share their type and issuer. A citation amid words of another
language is left out.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, replace

import regex as re

from parsers.facts.citations.keys import repair_code, split_glued
from parsers.facts.citations.patterns import (
    AFTER_FULL_STOP,
    BLANK_LINE,
    BODY_RUNS_ON,
    CLAUSE_STOPS,
    CODE_PARTS,
    CODE_SEP,
    CODE_START,
    COMPLETE_ISSUER,
    CONSTITUTION,
    DATE,
    DIGIT,
    GLUED_TAIL,
    ISSUER,
    LEAD_DATE,
    LEAD_ISSUER,
    LEAD_REACH,
    LIST_GAP,
    LIST_HEAD,
    LOCAL_BODY,
    LOCAL_BODY_GOES_ON,
    NAMED_LAW,
    NAMED_TYPE_WORDS,
    NUMBERED,
    NUMBERED_APART,
    PARTY_TERM,
    SECTION_DOT,
    SHARED_ISSUER_GAP,
    SUBJECT_START,
    TRAILING,
    TYPE_BY_FOLD,
)
from parsers.facts.citations.vocabulary import (
    ASSEMBLY_CODE,
    EMPHASIS_AS_SPACE,
    LOOK_ALIKES,
    NAMED_TYPES,
    OTHER_SCRIPT,
    TITLE_WORDS,
    TYPE_CODES,
)
from parsers.language.vocab import VIETNAMESE_MARKED

# A text in another language: at least this many words, of which fewer than this share carry a
# Vietnamese mark (a tone or đ, ư, ơ, ă, â, ê, ô); Vietnamese running text marks about half its words.
FOREIGN_MIN_WORDS = 8
FOREIGN_MAX_MARKED = 0.15
FOREIGN_REACH = 100  # characters either side of a citation
WORD = re.compile(r"\p{L}+")


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
        first = split_glued(CODE_SEP.split(m["code"])[0], None)[0]
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
        code, glued = repair_code(m["code"], type_name)
        if glued and (t := GLUED_TAIL.match(folded, end, limit)) and t["piece"] not in TITLE_WORDS:
            code, end = code + t["piece"], t.end()
        doc_type = type_name or TYPE_CODES.get(CODE_PARTS.split(code)[0])
        if doc_type is None and listed_after is not None:
            doc_type = listed_after.doc_type  # `văn bản số …, số …`: the list's type word
    elif kind == "named":
        assert type_word is not None  # the type word is required in NAMED_LAW
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
