"""Stage 6, resolve: the citations of every document gathered into the documents they cite.

One cited document is one number, code and year (`108/2014/NĐ-CP`; `18-NQ/TW`
of 2017), whichever way it is printed: the number without leading zeros
(`004/2025/TT-BNV` is `4/2025/TT-BNV`), the code without spaces, in either case. A law cited by name
alone is its type, its name (in either case and either orthography: `Luật Hoà giải …` is `Luật Hòa giải …`)
and its year. A citation without a year (`18-NQ/TW` undated) joins the one dated document of its
number and code, where there is exactly one; a law cited by name and year joins the one
law cited elsewhere with that name, year and a number. A citation that names no number
(a draft's blank `/QĐ-UBND`) cites no document that could be told apart: it gets
no `cited_id`.

Its issuer and name are those most of its citations give, a name's spellings in the two orthographies
(`Uỷ ban nhân dân tỉnh …`, `Ủy ban nhân dân tỉnh …`) counted as one; `issuer_key` gives the issuer in
one orthography (`vocab.orthography_key`), for grouping cited documents by issuer.

Where a cited document is itself among the parsed documents (same number, code
and year), its row says which: the corpus becomes a graph that can be walked both
ways. This runs on the tables of the whole batch, after every document's rows are
gathered: a function from tables to tables.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from parsers.facts.citations.keys import normalise_code
from parsers.facts.citations.patterns import DIGIT
from parsers.language.vocab import orthography_key

# A document's own number, `617/KH-UBND` or `80/2025/NQ-HĐND`: its digits before the first separator.
NUMBER_END = frozenset("/-–")


def resolve_citations(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """`citations` with their `cited_id`, and `cited_documents`, one row per document cited."""
    citations = tables["citations"]
    keys = [_key(c) for c in citations]
    keys = _date_the_undated(keys)
    keys = _number_the_named(citations, keys)
    parsed = _parsed_documents(tables["documents"])

    groups: dict[tuple, list[dict]] = defaultdict(list)
    out_citations = []
    for c, key in zip(citations, keys):
        cited_id = _cited_id(key) if key else None
        out_citations.append({**c, "cited_id": cited_id})
        if key:
            groups[key].append(c)

    cited = []
    for key, rows in groups.items():
        cited.append({
            "cited_id": _cited_id(key),
            "doc_type": _most_common(r["doc_type"] for r in rows),
            "number": _most_common(r["number"] for r in rows),
            "year": key[-1],
            "code": _most_common(r["code"] for r in rows),
            "issued_date": _most_common(r["issued_date"] for r in rows),
            "issuer": (issuer := _most_common_spelling(r["issuer"] for r in rows)),
            "issuer_key": orthography_key(issuer),
            "name": _most_common_spelling(r["subject"] for r in rows),
            "n_citing_documents": len({r["doc_id"] for r in rows}),
            "doc_id": _parsed_match(key, parsed),
        })
    return {**tables, "citations": out_citations, "cited_documents": cited}


def _key(c: dict) -> tuple | None:
    if c["number"] and c["code"]:
        return ("number", _plain_number(c["number"]), _plain_code(c["code"]), c["year"])
    if c["number"] is None and c["code"] is None and c["doc_type"] and c["subject"]:
        return ("name", c["doc_type"], _name_key(c["subject"]), c["year"])
    return None


def _date_the_undated(keys: list[tuple | None]) -> list[tuple | None]:
    """A numbered key without a year takes the year of the only dated key of its number and code."""
    years: dict[tuple, set] = defaultdict(set)
    for k in keys:
        if k and k[0] == "number" and k[-1] is not None:
            years[k[:3]].add(k[-1])
    out = []
    for k in keys:
        if k and k[0] == "number" and k[-1] is None and len(years.get(k[:3], ())) == 1:
            k = (*k[:3], next(iter(years[k[:3]])))
        out.append(k)
    return out


def _number_the_named(citations: list[dict], keys: list[tuple | None]) -> list[tuple | None]:
    """A law cited by name and year (`Luật Tổ chức chính quyền địa phương ngày 16/6/2025`) is the law cited
    elsewhere by the same name, year and a number (`… số 72/2025/QH15`), where there is one such; of several
    (a law amended the same year, a number mistyped once), the one most often cited with the same date."""
    numbered: dict[tuple, set] = defaultdict(set)
    dated: dict[tuple, Counter] = defaultdict(Counter)
    for c, k in zip(citations, keys):
        if k and k[0] == "number" and c["subject"] and c["doc_type"] and k[-1] is not None:
            numbered[(c["doc_type"], _name_key(c["subject"]), k[-1])].add(k)
            if c["issued_date"]:
                dated[k][c["issued_date"]] += 1
    out = []
    for c, k in zip(citations, keys):
        if k and k[0] == "name" and k[-1] is not None:
            candidates = numbered.get(k[1:], set())
            if len(candidates) > 1 and c["issued_date"]:
                counts = sorted(((dated[n][c["issued_date"]], n) for n in candidates), reverse=True)
                candidates = {counts[0][1]} if counts[0][0] > counts[1][0] else set()
            if len(candidates) == 1:
                k = next(iter(candidates))
        out.append(k)
    return out


def _parsed_documents(documents: list[dict]) -> dict[tuple, list[tuple[int | None, str]]]:
    """The parsed documents by number and code: [(year, doc_id)]."""
    found: dict[tuple, list] = defaultdict(list)
    for d in documents:
        number = _own_number(d.get("doc_number"))
        if number and d.get("doc_code"):
            found[(_plain_number(number), _plain_code(normalise_code(d["doc_code"])))].append(
                (d.get("issued_year"), d["doc_id"]))
    return found


def _parsed_match(key: tuple, parsed: dict) -> str | None:
    """The parsed document a key names: same number, code and year; an undated key, the only one
    of its number and code."""
    if key[0] != "number":
        return None
    candidates = parsed.get(key[1:3], [])
    year = key[-1]
    ids = sorted({doc_id for y, doc_id in candidates if year is None or y == year})
    return ids[0] if len(ids) == 1 else None


def _own_number(doc_number: str | None) -> str | None:
    if not doc_number or not DIGIT.match(doc_number.strip()):
        return None
    text = doc_number.strip()
    end = next((i for i, ch in enumerate(text) if ch in NUMBER_END or ch.isspace()), len(text))
    return text[:end]


def _name_key(subject: str) -> str:
    """A name as it is compared: one space between words, either case, one orthography."""
    key = orthography_key(" ".join(subject.split()))
    return key.casefold()


def _plain_number(number: str) -> str:
    return number.lstrip("0") or "0"


def _plain_code(code: str) -> str:
    return "".join(code.split()).replace("–", "-").casefold()


def _cited_id(key: tuple) -> str:
    """Stable across runs and machines: a hash of the normalised key."""
    text = "\x1f".join("" if part is None else str(part) for part in key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _most_common_spelling(values):
    """The spelling most citations give, a name's spellings in the two orthographies counted as one: of
    the name most give, its spelling most give (the first met among equals); None where none gives one."""
    values = [v for v in values if v is not None and v != ""]
    key = _most_common(orthography_key(v) for v in values)
    return _most_common(v for v in values if orthography_key(v) == key)


def _most_common(values):
    """The value most citations give (the first met among equals); None where none gives one."""
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in counts if counts[v] == best)
