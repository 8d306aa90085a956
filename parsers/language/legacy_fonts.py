"""Vietnamese drawn in legacy 8-bit fonts, and the tables that read it back as Unicode.

Before Unicode, offices typed Vietnamese in fonts whose codes are their own: TCVN3 (`.VnTime`, `.VnArial`…:
one byte a letter; the `H` fonts, `.VnTimeH`, draw capitals at the same bytes) and VNI (`VNI-Times`…: a base
letter, then a byte for its marks). Some still do. A PDF made from such a document keeps the font's codes, and
a reader that takes them for Latin-1 gives mojibake (`Céng hoµ x· héi` for `Cộng hoà xã hội`). The font's
name says which table maps them back (`data/tcvn3.tsv`, `data/vni.tsv`, with their sources): here a font
name gives its `Encoding`, which gives each code's text. `parsers.read.legacy` applies it where pdfminer
builds a font, so that every later stage reads Unicode.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import regex as re

from parsers.language import lexicon, vocab

# How a PDF names a font: a subset tag (`ABCDEF+`), the family (`.VnTime`, `VnTimeH`: PDF makers often drop the
# dot), then its style (`,Bold`, `-Italic`, `Bold`).
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
STYLE = re.compile(r"(?:[,\-]?(?:Bold|Italic|Oblique|Regular|Normal))+$")
# TCVN3 families open with `Vn` and a capital (`.VnTime`, `VnArialH`, `VnCenturySchoolbook`); VNI's with `VNI-`.
TCVN3_FAMILY = re.compile(r"^\.?Vn\p{Lu}")
VNI_FAMILY = re.compile(r"^VNI[-_]", re.I)

# A letter of Vietnamese that Latin-1 does not hold (ư ơ ă đ ạ ế…): no legacy table gives a byte's text as
# one, so a font whose map already yields them was mapped to Unicode by whoever made the PDF.
UNICODE_ONLY_LETTERS = frozenset(c for c in vocab.VIETNAMESE_MARKED if ord(c) > 0xFF)


@dataclass(frozen=True, slots=True)
class Encoding:
    """A legacy font's code: what each byte stands for (a letter, or combining marks for the letter before
    it), and whether the font draws capitals only (TCVN3's `H` fonts)."""

    name: str
    codes: Mapping[int, str]
    capitals: bool = False

    def text(self, code: int, read: str) -> str:
        """What the byte `code` stands for, `read` being what the PDF's own map makes of it (kept for a byte
        the table does not list: ASCII, digits, punctuation)."""
        text = self.codes.get(code)
        if text is None:
            # An `H` font draws its ASCII letters as capitals too (`Qu¸n` typed in .VnTimeH prints `QUÁN`).
            return read.upper() if self.capitals and read.isascii() else read
        return text.upper() if self.capitals else text

    def decode(self, text: str) -> str:
        """A text read as Latin-1 code points (the font's bytes) back in Unicode, in NFC (VNI's marks join the
        letter before them)."""
        out = "".join(self.text(ord(ch), ch) if ord(ch) <= 0xFF else ch for ch in text)
        return unicodedata.normalize("NFC", out)


def family(fontname: str) -> str:
    """A font's family as a PDF names it, without its subset tag and style: `ABCDEF+VnTimeH,Bold` → `VnTimeH`."""
    return STYLE.sub("", SUBSET_TAG.sub("", fontname))


@cache
def encoding_of(fontname: str) -> Encoding | None:
    """The legacy code the font `fontname` draws with; None for a font of any other (Unicode) code."""
    name = family(fontname)
    if TCVN3_FAMILY.match(name):
        # `.VnTimeH`: the H ends the family name, after which only the style follows.
        return Encoding("tcvn3", _tcvn3(), capitals=name.endswith("H"))
    if VNI_FAMILY.match(name):
        return Encoding("vni", _vni())
    return None


def decode(text: str, fontname: str) -> str:
    """Text drawn in the font `fontname`, as read from the PDF (its bytes as Latin-1), in Unicode; text of a
    font of no legacy code as it is."""
    encoding = encoding_of(fontname)
    return text if encoding is None else encoding.decode(text)


def already_unicode(texts: Iterable[str]) -> bool:
    """Do these texts, a legacy font's map as the PDF gives it, hold letters no legacy byte reads as (`ư`,
    `ạ`)? Then the PDF maker mapped the font's codes to Unicode already, and decoding them again would
    garble them."""
    return any(ch in UNICODE_ONLY_LETTERS for text in texts for ch in text)


@cache
def _tcvn3() -> Mapping[int, str]:
    return _codes(lexicon.load("tcvn3"))


@cache
def _vni() -> Mapping[int, str]:
    return _codes(lexicon.load("vni"))


def _codes(table: lexicon.Lexicon) -> dict[int, str]:
    """A table as byte → text: its codes are written U+XXXX, its texts as themselves or as combining marks
    U+XXXX (one or more, parted by spaces)."""
    return {int(code[2:], 16): _text(text) for code, text in table.rows()}


def _text(field: str) -> str:
    if field.startswith("U+"):
        return "".join(chr(int(part[2:], 16)) for part in field.split())
    return field
