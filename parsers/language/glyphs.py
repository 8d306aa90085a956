"""How wide Times New Roman sets each character: one table for every reader that measures lines.

Administrative documents are set in Times New Roman (the font Nghị định
30/2020/NĐ-CP names for them), whose letters differ in width (`i` is a third
of `m`, capitals and acronyms such as `HĐND – UBND` take far more room than
their count of characters says), so how far a line runs is the sum of its
characters' advance widths, not their number. The widths are the font's own
metrics, in thousandths of the font size (data/times_widths.tsv); a Vietnamese
letter is as wide as its base letter (`ố` as `o`), except that a horn widens it (HORN_WIDTHS).
Readers: `tables/flattened/` (a table's cells wrapped at their column's width) and
`read/layout_text/` (the columns of `pdftotext -layout` text).
"""

from __future__ import annotations

import unicodedata

from parsers.language import lexicon

# A horn (`ơ`, `ư`) widens its letter: the table lists the horned letters, kept here by their base letter.
HORN = "\u031b"


def _widths() -> tuple[dict[str, int], dict[str, int]]:
    plain: dict[str, int] = {}
    horned: dict[str, int] = {}
    for char, width in lexicon.load("times_widths").rows():
        char = chr(int(char[2:], 16)) if char.startswith("U+") else char
        base = unicodedata.normalize("NFD", char)
        if base.endswith(HORN):
            horned[base[:-1]] = int(width)
        else:
            plain[char] = int(width)
    return plain, horned


TIMES_WIDTHS, HORN_WIDTHS = _widths()
# A character the table does not hold: as wide as most digits and lower-case letters.
OTHER_WIDTH = 500
