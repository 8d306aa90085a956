"""Agency names: every spelling of one agency meets one id.

`Văn phòng HDNĐ - UBND huyện`, `Văn phòng HĐND – UBND huyện` and
`Văn phòng Hội đồng nhân dân - Ủy ban nhân dân huyện` are one office, and so are
`Sở Văn hoá …` and `Sở Văn hóa …`. The canonical name is the name in one
orthography (`vocab.orthography_key`: `hòa`, `Ủy`, never `Qúy` for `Quý`), with
the abbreviations UBND and HĐND and an en dash between spaces.

A department or ministry is named spelled out or abbreviated (`Sở KH&CN`, `Sở Khoa học
và Công nghệ`): the canonical name keeps the form printed, and the id is derived from
the canonical name with each such abbreviation spelled out (`DEPARTMENTS`), case folded,
so both spellings meet one id. An agency met under both is listed under its spelled-out name.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import regex as re

from parsers.language import lexicon
from parsers.language.vocab import orthography_key

# Spelled-out bodies and the misspellings of their abbreviations.
ABBREVIATIONS = [
    (re.compile(r"\b(?:Ủy|ủy|ỦY)\s+(?:ban|BAN)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "UBND"),
    (re.compile(r"\b(?:Hội|hội|HỘI)\s+(?:đồng|ĐỒNG)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "HĐND"),
    (re.compile(r"\bH[DĐ]N[DĐ]\b"), "HĐND"),  # HDND, HDNĐ: a lost stroke, a swapped letter
]
DASH = re.compile(r"\s*[-–—]\s*")

# The fields of departments (Sở) and ministries (Bộ) as abbreviated (data/agency_fields.tsv): (abbreviation
# as a pattern, the field spelled out as the key reads it). Spellings of the field itself (`Văn hóa Thể thao
# du lịch` without the comma, `Giáo dục – Đào tạo`) stay as they were: only the abbreviation is read as the field.
DEPARTMENTS: list[tuple[str, str]] = [(a, f) for a, f, _printed in lexicon.load("agency_fields").rows()]
# Each abbreviation as a whole word of a canonical name (not the `QLCN&TĐC` of a unit's own abbreviation).
_FIELDS = [(re.compile(rf"(?<![\w&])(?:{abbreviation})(?![\w&])"), field) for abbreviation, field in DEPARTMENTS]


@lru_cache(maxsize=65536)  # one agency leads or partners on many rows
def canonical_name(name: str) -> str:
    key = orthography_key(" ".join(name.split()))
    text = key.strip(" .;,")
    for pattern, abbreviation in ABBREVIATIONS:
        text = pattern.sub(abbreviation, text)
    return DASH.sub(" – ", text)


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    """The canonical name, case folded, each department's field spelled out: the id's key."""
    key = canonical_name(name)
    for pattern, field in _FIELDS:
        key = pattern.sub(field, key)
    return key.casefold()


def agency_id(name: str) -> str:
    return "ag-" + hashlib.sha1(_key(name).encode("utf-8")).hexdigest()[:12]


def _listed_name(names) -> str:
    """The name an agency is listed under, of the canonical names met: the first spelled out, else the first."""
    names = list(names)
    return next((n for n in names if n.casefold() == _key(n)), names[0])


def agency_rows(names) -> list[dict]:
    """One row per agency among `names`: id, canonical name and every spelling met."""
    by_id: dict[str, dict] = {}
    for name in names:
        if not name:
            continue
        ag_id = agency_id(name)
        row = by_id.setdefault(ag_id, {"agency_id": ag_id, "names": [], "aliases": []})
        row["names"].append(canonical_name(name))
        if name not in row["aliases"]:
            row["aliases"].append(name)
    rows = [{"agency_id": r["agency_id"], "name": _listed_name(r["names"]), "aliases": sorted(r["aliases"])}
            for r in by_id.values()]
    return sorted(rows, key=lambda r: r["agency_id"])


def merge_agency_rows(rows: list[dict]) -> list[dict]:
    """Agencies of several documents: one row per id, aliases united."""
    by_id: dict[str, dict] = {}
    names: dict[str, list[str]] = {}
    for row in rows:
        kept = by_id.setdefault(row["agency_id"], {**row, "aliases": list(row["aliases"])})
        kept["aliases"] = sorted(set(kept["aliases"]) | set(row["aliases"]))
        names.setdefault(row["agency_id"], []).append(row["name"])
    for ag_id, kept in by_id.items():
        kept["name"] = _listed_name(names[ag_id])
    return sorted(by_id.values(), key=lambda r: r["agency_id"])
