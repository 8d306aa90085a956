"""Agency names: every spelling of one agency meets one id.

`Văn phòng HDNĐ - UBND huyện`, `Văn phòng HĐND – UBND huyện` and
`Văn phòng Hội đồng nhân dân - Ủy ban nhân dân huyện` are one office. The
canonical name is NFC, with the tone mark on the first vowel of `oa`, `oe`,
`uy` (`hòa`, `Ủy`), the abbreviations UBND and HĐND, and an en dash between
spaces; the id is derived from the canonical name, case folded.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

import regex as re

# Old and new tone-mark placement in `oa`, `oe`, `uy` closing a syllable: the
# canonical form puts the mark on the first vowel, as `Ủy ban` and `hòa` are
# printed in the plans.
TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
TONE_PLACEMENT.update({k.capitalize(): v.capitalize() for k, v in TONE_PLACEMENT.items()})
TONE_PLACEMENT.update({k.upper(): v.upper() for k, v in TONE_PLACEMENT.items()})
# Only where the pair ends the syllable: in `hoạch`, `khuya` … the mark stays put.
_TONES = re.compile("(?:" + "|".join(sorted(TONE_PLACEMENT, key=len, reverse=True)) + r")(?!\p{L})")

# Spelled-out bodies and the misspellings of their abbreviations.
ABBREVIATIONS = [
    (re.compile(r"\b(?:Ủy|ủy|ỦY)\s+(?:ban|BAN)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "UBND"),
    (re.compile(r"\b(?:Hội|hội|HỘI)\s+(?:đồng|ĐỒNG)\s+(?:nhân|NHÂN)\s+(?:dân|DÂN)\b"), "HĐND"),
    (re.compile(r"\bH[DĐ]N[DĐ]\b"), "HĐND"),  # HDND, HDNĐ: a lost stroke, a swapped letter
]
DASH = re.compile(r"\s*[-–—]\s*")


@lru_cache(maxsize=65536)  # one agency leads or partners on many rows
def canonical_name(name: str) -> str:
    text = unicodedata.normalize("NFC", " ".join(name.split())).strip(" .;,")
    text = _TONES.sub(lambda m: TONE_PLACEMENT[m.group(0)], text)
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
