"""Header facts of a document, read from its outline.

The header block prints two columns: the issuing body on the left, the
national title and motto on the right, then `Số: …` and `Place, ngày …`.
Extraction often interleaves the columns on one line; the facts are found by
pattern, and the issuer is what remains once the right column is taken away.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import vocab
from .errors import NotAPlan
from .records import Node, Outline


@dataclass(frozen=True, slots=True)
class HeaderFacts:
    doc_type: str | None
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


def _parts(outline: Outline) -> list[Node]:
    return [n for n in outline.nodes if n.parent_id == 0]


def read_header(outline: Outline) -> HeaderFacts:
    parts = _parts(outline)
    first = next((p for p in parts if p.title), parts[0] if parts else None)
    header_lines = [n.text for n in outline.children(first.node_id) if n.kind == "header"] if first else []

    number = code = number_raw = place = date_raw = None
    year = month = day = None
    issuer_bits: list[str] = []
    for text in header_lines:
        rest = text
        m = vocab.DOC_NUMBER.search(rest)
        if m and number_raw is None:
            number_raw = m.group(0).strip()
            code = " ".join(m.group("code").split()).replace(" ", "")
            number = f"{m.group('number')}/{code}" if m.group("number") else None
            rest = rest[: m.start()] + " " + rest[m.end():]
        d = vocab.PLACE_DATE.search(rest)
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
        if rest and vocab.is_caps(rest):
            issuer_bits.append(rest)

    title = first.text if first else None
    signer_name = signer_title = None
    for sig in (n for n in outline.nodes if n.kind == "signature"):
        kids = outline.children(sig.node_id)
        names = [k.text for k in kids if k.kind == "signer"]
        titles = [k.text for k in kids if k.kind == "signer_title"]
        if names:
            signer_name = names[-1]
            signer_title = titles[-1] if titles else sig.text
            break

    return HeaderFacts(
        doc_type=first.title if first else None,
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
    )


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
    """Refuse a document that is no decision or plan, naming what it is instead."""
    if any(kind in vocab.ACCEPTED_DOC_KINDS for kind in facts.parts):
        return
    if facts.doc_type is None:
        raise NotAPlan(path, "no document type title (QUYẾT ĐỊNH, KẾ HOẠCH …) found: not a decision or plan")
    what = [f"a {facts.doc_type}"]
    if facts.doc_number or facts.doc_code:
        what.append(f"no. {facts.doc_number or facts.doc_code}")
    if facts.issuer:
        what.append(f"of {facts.issuer}")
    if facts.issued_year:
        when = "/".join(str(x) for x in (facts.issued_day, facts.issued_month) if x)
        what.append(f"dated {when + '/' if when else ''}{facts.issued_year}")
    raise NotAPlan(path, f"not a decision or plan: {' '.join(what)}")
