"""What compares citations: a code as citations write theirs, and numbers that look like one document.

A code is normalised (spaces and look-alike letters out, a missing hyphen put back where the type code
is certain), so that parsers.facts.resolve can compare a document's own code with the codes citing it;
two numbers of one type, code and day are a likely typo (`conflicting_numbers`) unless the text lists
them side by side or they make a series. Neither reads running text, which is `find`'s part.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from parsers.facts.citations.patterns import CODE_PARTS, SPACES
from parsers.facts.citations.vocabulary import (
    ASSEMBLY_CODE,
    CODE_OF_TYPE,
    ISSUER_CODES,
    ISSUER_SPELLINGS,
    LOOK_ALIKES,
    TYPE_CODES,
)

if TYPE_CHECKING:
    from parsers.facts.citations.find import Citation

# Characters between two citations that a list puts side by side: `; `, ` và `.
LISTING_GAP = 5
# Numbers of one type, code and day from this many up: a series an issuer signed that day (conflicting_numbers).
SERIES_MIN = 3


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

def split_glued(first: str, type_name: str | None) -> tuple[str, str | None]:
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
    return repair_code(code.translate(LOOK_ALIKES))[0]


def repair_code(code: str, type_name: str | None = None) -> tuple[str, bool]:
    """`QĐ – TTg` → `QĐ-TTg`, `NĐ- CP` → `NĐ-CP`, `NQ-HDND` → `NQ-HĐND`, `NĐCP` → `NĐ-CP`;
    and whether a hyphen was put back."""
    compact = SPACES.sub("", code).replace("–", "-").replace("—", "-")
    parts = CODE_PARTS.split(compact)
    first, rest = split_glued(parts[0], type_name)
    if rest is not None:
        parts[:1] = [first, "-", rest]
    return "".join(ISSUER_SPELLINGS.get(part, part) for part in parts), rest is not None

