"""Agency names: every spelling of one agency meets one id.

`Văn phòng HDNĐ - UBND huyện`, `Văn phòng HĐND – UBND huyện` and
`Văn phòng Hội đồng nhân dân - Ủy ban nhân dân huyện` are one office, and so are
`Sở Văn hoá …` and `Sở Văn hóa …`. The canonical name is the name in one
orthography (`vocab.orthography_key`: `hòa`, `Ủy`, never `Qúy` for `Quý`), with
the abbreviations UBND and HĐND and an en dash between spaces; the id is derived
from the canonical name, case folded.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import regex as re

from .vocab import orthography_key

# Spelled-out bodies and the misspellings of their abbreviations.
ABBREVIATIONS = [
    (re.compile(r"\b(?:Ủy|ủy|ỦY)\s+(?:ban|BAN)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "UBND"),
    (re.compile(r"\b(?:Hội|hội|HỘI)\s+(?:đồng|ĐỒNG)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "HĐND"),
    (re.compile(r"\bH[DĐ]N[DĐ]\b"), "HĐND"),  # HDND, HDNĐ: a lost stroke, a swapped letter
]
DASH = re.compile(r"\s*[-–—]\s*")


@lru_cache(maxsize=65536)  # one agency leads or partners on many rows
def canonical_name(name: str) -> str:
    text = orthography_key(" ".join(name.split())).strip(" .;,")
    for pattern, abbreviation in ABBREVIATIONS:
        text = pattern.sub(abbreviation, text)
    return DASH.sub(" – ", text)


def agency_id(name: str) -> str:
    key = canonical_name(name).casefold()
    return "ag-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def agency_rows(names) -> list[dict]:
    """One row per agency among `names`: id, canonical name and every spelling met."""
    by_id: dict[str, dict] = {}
    for name in names:
        if not name:
            continue
        ag_id = agency_id(name)
        row = by_id.setdefault(ag_id, {"agency_id": ag_id, "name": canonical_name(name), "aliases": []})
        if name not in row["aliases"]:
            row["aliases"].append(name)
    for row in by_id.values():
        row["aliases"].sort()
    return sorted(by_id.values(), key=lambda r: r["agency_id"])


def merge_agency_rows(rows: list[dict]) -> list[dict]:
    """Agencies of several documents: one row per id, aliases united."""
    by_id: dict[str, dict] = {}
    for row in rows:
        kept = by_id.setdefault(row["agency_id"], {**row, "aliases": list(row["aliases"])})
        kept["aliases"] = sorted(set(kept["aliases"]) | set(row["aliases"]))
    return sorted(by_id.values(), key=lambda r: r["agency_id"])
