"""The pieces of a layout-text line and how wide text is set.

A piece is text without two spaces in it: one space parts words, two or more part the things the tool
set side by side. Every part of the reading cuts lines into pieces, and the cells' readers compare how
wide pieces are set (Times New Roman's widths) with how many characters they take: both stand here,
below the page and table readers that share them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import regex as re

from parsers.language.glyphs import HORN, HORN_WIDTHS, OTHER_WIDTH, TIMES_WIDTHS

# Two or more spaces part the pieces of a line (one space parts words).
PIECE = re.compile(r"\S+(?: \S+)*")
WORD = re.compile(r"\S+")

# How wide text is set (glyphs.py): the sum of its letters' Times New Roman widths, read in the unit
# below, a character of average width, as the tool's columns count.
AVERAGE_WIDTH = 420  # of a character of Vietnamese text, spaces included (419 in the known plan, 407 in a web plan)


@cache
def _letter_width(ch: str) -> float:
    parts = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    if HORN in parts and parts[0] in HORN_WIDTHS:
        return HORN_WIDTHS[parts[0]] / AVERAGE_WIDTH
    return TIMES_WIDTHS.get(parts[0], OTHER_WIDTH) / AVERAGE_WIDTH


def text_width(text: str) -> float:
    """How far text runs when set, in characters of average width."""
    return sum(_letter_width(ch) for ch in text)


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    end: int  # one past the last character
    text: str


def pieces_of(text: str, pattern=PIECE) -> list[Piece]:
    return [Piece(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
