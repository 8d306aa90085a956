"""How wide Times New Roman sets each character: one table for every reader that measures lines.

Administrative documents are set in Times New Roman (the font Nghị định
30/2020/NĐ-CP names for them), whose letters differ in width (`i` is a third
of `m`, capitals and acronyms such as `HĐND – UBND` take far more room than
their count of characters says), so how far a line runs is the sum of its
characters' advance widths, not their number. The widths are the font's own
metrics, in thousandths of the font size; a Vietnamese letter is as wide as its
base letter (`ố` as `o`), except that a horn widens it (HORN_WIDTHS).
Readers: `flattened.py` (a table's cells wrapped at their column's width) and
`layout_text.py` (the columns of `pdftotext -layout` text).
"""

from __future__ import annotations

TIMES_WIDTHS: dict[str, int] = {
    " ": 250, "!": 333, '"': 408, "#": 500, "$": 500, "%": 833, "&": 778, "'": 180, "(": 333, ")": 333, "*": 500,
    "+": 564, ",": 250, "-": 333, ".": 250, "/": 278, ":": 278, ";": 278, "<": 564, "=": 564, ">": 564, "?": 444,
    "@": 921, "[": 333, "\\": 278, "]": 333, "_": 500, "|": 200, "–": 500, "—": 1000, "…": 1000, "“": 444, "”": 444,
    **dict.fromkeys("0123456789", 500),
    "A": 722, "B": 667, "C": 667, "D": 722, "E": 611, "F": 556, "G": 722, "H": 722, "I": 333, "J": 389, "K": 722,
    "L": 611, "M": 889, "N": 722, "O": 722, "P": 556, "Q": 722, "R": 667, "S": 556, "T": 611, "U": 722, "V": 722,
    "W": 944, "X": 722, "Y": 722, "Z": 611, "Đ": 722,
    "a": 444, "b": 500, "c": 444, "d": 500, "e": 444, "f": 333, "g": 500, "h": 500, "i": 278, "j": 278, "k": 500,
    "l": 278, "m": 778, "n": 500, "o": 500, "p": 500, "q": 500, "r": 333, "s": 389, "t": 278, "u": 500, "v": 500,
    "w": 722, "x": 500, "y": 500, "z": 444, "đ": 500,
}
# A horn (`ơ`, `ư`) widens its letter (Liberation Serif, Times New Roman's metric twin: `ơ` 528, `ư` 541).
HORN = "\u031b"
HORN_WIDTHS = {"o": 528, "u": 541, "O": 760, "U": 760}
# A character the table does not hold: as wide as most digits and lower-case letters.
OTHER_WIDTH = 500
