"""Header facts of a document, read from its outline.

The header block prints two columns: the issuing body on the left, the
national title and motto on the right, then `Số: …` and `Place, ngày …`.
Extraction often interleaves the columns on one line; the facts are found by
pattern, and the issuer is what remains once the right column is taken away.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass

import regex as re

from parsers.language import vocab
from parsers.model.errors import NotADocument
from parsers.model.records import Issue, Node, Outline, Signature
from parsers.structure.site import SiteMeta


@dataclass(frozen=True, slots=True)
class HeaderFacts:
    doc_type: str | None
    doc_type_source: str | None  # title, number (its type code), letter (V/v, Kính gửi), site (its metadata)
    parts: tuple[str, ...]
    issuer: str | None
    doc_number: str | None  # `617/KH-UBND`; None where the draft leaves it blank
    doc_code: str | None  # `KH-UBND`
    doc_number_raw: str | None
    place: str | None
    issued_date_raw: str | None
    issued_year: int | None
    issued_month: int | None
    issued_day: int | None
    title: str | None
    plan_year: int | None
    signer_name: str | None
    signer_title: str | None
    signer_authority: str | None  # `TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`: on whose behalf the signer signs


def _parts(outline: Outline) -> list[Node]:
    return [n for n in outline.nodes if n.parent_id == 0]


def read_header(outline: Outline, site: SiteMeta | None = None, signatures: Sequence[Signature] = ()) -> HeaderFacts:
    parts = _parts(outline)
    # The document is its first part with a title or a header of its own; an appendix never is.
    heads = [p for p in parts if p.kind != "appendix" and (p.title or _header_nodes(outline, p))]
    first = heads[0] if heads else (parts[0] if parts else None)
    if len(heads) > 1 and _fragment(outline, heads[0]) and heads[1].page_start == heads[0].page_start:
        # A header the outline cut in two (seven issuers' names over many short lines): the facts are in the
        # part under it, on the same page.
        first = heads[1]
    header_nodes = _header_nodes(outline, first) if first else []

    number = code = number_raw = place = date_raw = None
    year = month = day = None
    issuer_bits: list[str] = []
    for rest in _header_texts(header_nodes):
        m = vocab.DOC_NUMBER.search(rest)
        if m and number_raw is None:
            number_raw = m.group(0).strip()
            code = " ".join(m.group("code").split()).replace(" ", "")
            number = f"{m.group('number')}/{code}" if m.group("number") else None
            above = " ".join(vocab.NATIONAL_TITLE.sub(" ", rest[: m.start()]).split())
            if above and vocab.is_caps(above) and date_raw is None:
                issuer_bits.append(above)  # the issuer's lines, then `Số:` on the line the column read them into
            rest = rest[m.end():]
        d = vocab.PLACE_DATE_LOOSE.search(rest)
        if d and date_raw is None:
            place = d.group("place").strip()
            date_raw = " ".join(rest[d.start("place") + len(d.group("place")):d.end()].strip(" ,").split())
            year = int(d.group("year"))
            month = int(d.group("month")) if d.group("month") else None
            day = int(d.group("day")) if d.group("day") else None
            rest = rest[: d.start()] + " " + rest[d.end():]
        rest = vocab.NATIONAL_TITLE.sub(" ", rest)
        rest = vocab.NATIONAL_MOTTO.sub(" ", rest)
        rest = " ".join(rest.split())
        if rest and vocab.is_caps(rest) and number_raw is None and date_raw is None:
            issuer_bits.append(rest)  # the left column's lines stand above the number and the date

    if date_raw is None and first is not None:
        dated = _date_above_signatures(outline, first)
        if dated is not None:
            place = place or dated.group("place")
            date_raw = " ".join(dated.group(0).strip(" .").split())
            year, month, day = int(dated.group("year")), int(dated.group("month")), int(dated.group("day"))

    month, day = _possible(year, month, day)

    doc_type, source = _doc_type(outline, first, code, site)
    title = first.text if first else None
    signer_name = signer_title = authority = None
    for sig in (n for n in outline.nodes if n.kind == "signature"):
        kids = outline.children(sig.node_id)
        names = [k.text for k in kids if k.kind == "signer"]
        titles = [k.text for k in kids if k.kind == "signer_title"]
        if names:
            signer_name = vocab.signer_without_rank(names[0])
            signer_title = titles[-1] if titles else sig.text
            authority = " / ".join(f"{a.label}. {a.text}".strip() for a in _authorities(outline, sig)) or None
            break
    else:
        signer_name, signer_title = _name_standing_in_closing(outline, first)
        if signer_name is None:
            signer_name, signer_title = _signed_by_certificate(outline, signatures)

    return HeaderFacts(
        doc_type=doc_type,
        doc_type_source=source,
        parts=tuple(p.kind for p in parts),
        issuer=" ".join(issuer_bits) or None,
        doc_number=number,
        doc_code=code,
        doc_number_raw=number_raw,
        place=place,
        issued_date_raw=date_raw,
        issued_year=year,
        issued_month=month,
        issued_day=day,
        title=title,
        plan_year=_plan_year(parts),
        signer_name=signer_name,
        signer_title=signer_title,
        signer_authority=authority,
    )


# A file that is an appendix alone (`Phụ lục 2 – HƯỚNG DẪN CHẤM ĐIỂM …`, sent beside the letter it is attached
# to): its parts are appendices, under at most a head with no number of its own (the issuer's name).
STANDALONE_APPENDIX = "Phụ lục"


def _standalone_appendix(outline: Outline, first: Node | None) -> bool:
    parts = _parts(outline)
    rest = [p for p in parts if p is not first]
    # A head that is a part of no kind of its own: no title, no letter's form, no article.
    untitled_head = first is None or (first.kind == "part" and not first.title and not any(
        n.kind in ("article", "letter_subject", "addressee") for n in outline.descendants(first.node_id)))
    return untitled_head and bool(rest) and all(p.kind == "appendix" for p in rest)


# `Số:` that ends a header line, its number on the next (a narrow left column wraps a long code).
_NUMBER_LABEL_ALONE = re.compile(r"\bSố\s*:?\s*$")


def _header_texts(nodes: list[Node]) -> list[str]:
    """The header lines' texts, a `Số:` that ends one joined to the number that opens the next."""
    texts = [n.text for n in nodes]
    for k in range(len(texts) - 1):
        if _NUMBER_LABEL_ALONE.search(texts[k]) and re.match(r"\d+\s*/", texts[k + 1]):
            texts[k], texts[k + 1] = texts[k] + " " + texts[k + 1], ""
    return [t for t in texts if t]


def _fragment(outline: Outline, part: Node) -> bool:
    """Is this part a header's piece alone: no title, and no number, date or body under its header lines?"""
    if part.title:
        return False
    kids = outline.children(part.node_id)
    texts = " ".join(n.text for n in kids if n.kind == "header")
    return (not vocab.DOC_NUMBER.search(texts) and not vocab.may_hold_date(texts)
            and all(n.kind in ("header", "bullet") for n in kids))


def _header_nodes(outline: Outline, part: Node) -> list[Node]:
    return [n for n in outline.children(part.node_id) if n.kind == "header"]


def _possible(year: int | None, month: int | None, day: int | None) -> tuple[int | None, int | None]:
    """Month and day as a calendar has them, or None: a day written by hand into the blank and misread
    (`ngày 40 tháng 9`) is no day, and the raw date keeps what was read."""
    if month is not None and not 1 <= month <= 12:
        return None, None
    if day is not None and (month is None or year is None or day > calendar.monthrange(year, month)[1] or day < 1):
        return month, None
    return month, day


def _date_above_signatures(outline: Outline, part: Node):
    """The day of a paper whose header has none: a line that is a day alone, the last such line of the part
    before its signatures (a slip's `Ngày 16 tháng 3 năm 2026` over the three who sign it)."""
    found = None
    for n in outline.descendants(part.node_id):
        if n.kind in ("signature", "signer_title", "signer"):
            break
        if n.kind in ("para", "closing_text", "header") and vocab.may_hold_date(n.text.lower()):
            found = vocab.DATE_LINE.match(" ".join(n.text.split())) or found
    return found


def _name_standing_in_closing(outline: Outline, part: Node | None) -> tuple[str | None, str | None]:
    """The signer of a closing the outline read no signature in: on a scan, a seal or a signature over the
    title leaves `TL, CHỦ TỊCH`, `NH VĂN PHÒNG` and the name as loose lines beside the recipients. The
    name is a line of its own below `Nơi nhận`, shaped as a person's name (perhaps after a rank); the
    title, the last signer's title above it."""
    if part is None:
        return None, None
    name = title = None
    closing = False
    for n in outline.descendants(part.node_id):
        closing = closing or n.kind == "recipients"
        if not closing or n.kind not in ("closing_text", "para", "recipients"):
            continue
        text = " ".join(n.text.split())
        if vocab.SIGNER_TITLES.match(text):
            title = text
        bare = vocab.signer_without_rank(text)
        if vocab.SIGNER_NAME.match(bare) and vocab.person_name(bare) == bare:
            name = bare
    return (name, title) if name else (None, None)


def _signed_by_certificate(outline: Outline, signatures: Sequence[Signature]) -> tuple[str | None, str | None]:
    """The signer of a closing that prints no name, and the title signed under: an e-signed document may
    show the name only in its signature's appearance (`VƯƠNG QUỐC TUẤN`, `Ký số lúc …`), whose certificate
    names the same person. The signature taken is one on the closing's page, as near its last line as any,
    whose subject's common name is shaped as a person's name (the office's seal is signed too, in the
    office's name)."""
    closing = [n for n in outline.nodes if n.kind in ("signature", "signer_title") and n.lines]
    if not closing:
        return None, None
    last = closing[-1].lines[-1]
    people = [(s, name) for s in signatures if s.page == last.page and s.signer
              and (name := vocab.person_name(s.signer)) is not None]
    if not people:
        return None, None
    bottom = last.box.bottom if last.box else 0.0
    _, name = min(people, key=lambda p: abs(p[0].box.top - bottom) if p[0].box else math.inf)
    return name, closing[-1].text


def _authorities(outline: Outline, signature: Node) -> list[Node]:
    """The signature nodes of one closing block (`TM. …`, `KT. …`), up to the one the signer signs under:
    the run of signature siblings since the last one that had a signer of its own."""
    block: list[Node] = []
    for n in outline.children(signature.parent_id):
        if n.kind != "signature" or n.node_id > signature.node_id:
            continue
        if block and any(k.kind == "signer" for k in outline.children(block[-1].node_id)):
            block = []
        block.append(n)
    return [n for n in block if n.label]


def _doc_type(outline: Outline, first: Node | None, code: str | None,
              site: SiteMeta | None) -> tuple[str | None, str | None]:
    """The document's type: its title, unless its number's type code says more (a consolidated text);
    else its number's type code, unless the header has a letter's form (`V/v …`, `Kính gửi:`); else the
    site's metadata."""
    head = vocab.TYPE_CODE_HEAD.match(code) if code else None
    if head and head.group("head") in vocab.CODE_OVER_TITLE:
        return vocab.TYPE_BY_CODE[head.group("head")][0], "number"
    if first is not None and first.title:
        return first.title, "title"
    if code is None and _standalone_appendix(outline, first):
        return STANDALONE_APPENDIX, "appendix"
    kids = outline.children(first.node_id) if first is not None else []
    if any(k.kind in ("letter_subject", "addressee") for k in kids):
        return "Công văn", "letter"
    if code:
        named = vocab.type_of_code(code)
        if named:
            return named[0], "number"
    if site is not None and site.fields.get("site_type"):
        return site.fields["site_type"], "site"
    if code:
        return "Công văn", "number"  # a numbered paper whose code names only its issuer (NĐ 30/2020)
    return None, None


def check_against_site(facts: HeaderFacts, site: SiteMeta | None, page: int | None) -> list[Issue]:
    """A warning for every header fact that disagrees with the site's metadata, and for a type not read from a title."""
    issues = []
    if facts.doc_type_source not in (None, "title"):
        issues.append(Issue("header", "doc_type_source", f"document type {facts.doc_type!r} read from the "
                                                          f"{facts.doc_type_source}, not from a title line", page))
    if site is None:
        return issues
    date = (f"{facts.issued_day:02d}/{facts.issued_month:02d}/{facts.issued_year}"
            if facts.issued_day and facts.issued_month and facts.issued_year else None)
    ours = {"site_number": facts.doc_number or facts.doc_code, "site_type": facts.doc_type, "site_date": date,
            "site_signer": facts.signer_name}
    for column, theirs in site.fields.items():
        if column not in ours:
            continue
        mine = ours[column]
        if _comparable(mine) != _comparable(theirs):
            issues.append(Issue("header", "site_disagrees",
                                f"{column.removeprefix('site_')}: the document says {mine!r}, "
                                f"the site's metadata {theirs!r}", page))
    return issues


def _comparable(value: str | None) -> str:
    """One spelling of a fact: no spaces, either case, either orthography (`Lê Hải Hoà` is `Lê Hải Hòa`)."""
    key = vocab.orthography_key(value or "")
    return "".join(key.split()).casefold()


def _plan_year(parts: list[Node]) -> int | None:
    """The year a plan is for, as its subject says (`… năm 2021 …`)."""
    for kind in ("plan", "decision", "appendix"):
        for part in parts:
            if part.kind == kind and part.text:
                m = vocab.PLAN_YEAR.search(part.text)
                if m:
                    return int(m.group("year"))
    return None


def admit(path: str, outline: Outline, facts: HeaderFacts) -> None:
    """Refuse text that is no administrative document at all: no type, no number, no header, no article."""
    has_articles = any(n.kind == "article" for n in outline.nodes)
    if facts.doc_type or facts.doc_number_raw or facts.issued_year or has_articles:
        return
    raise NotADocument(path, "not an administrative document: no type title, number, dated header or article found")
