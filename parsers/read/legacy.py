"""Text drawn in legacy Vietnamese fonts (TCVN3 `.VnTime`, VNI `VNI-Times`) read as Unicode, font by font.

The fonts' codes are decoded where pdfminer builds each font, before any character is read: every stage
after (the lines, the ruled cells, the scan test, the header) sees Unicode, and a page with no legacy font
pays nothing. A font's codes, not the characters pdfplumber gives, are decoded, for pdfminer reads some
bytes of a font with no map of its own through WinAnsi, which loses them: TCVN3's `ư` (0xAD, the soft hyphen
there) comes out as a space, indistinguishable from a real one.

A font is decoded through the map the PDF gives it (its ToUnicode map where it has one: the byte read as
Latin-1, or another code point of the same byte, which pdfplumber reports), else by its byte codes, which in a
simple font are the legacy codes themselves. A map that already yields Vietnamese letters outside Latin-1
(`ư`, `ạ`) was made by a converter that knew the code, and is left as it is.
"""

from __future__ import annotations

import weakref
from typing import Any

from pdfminer.cmapdb import IdentityUnicodeMap, UnicodeMap
from pdfminer.pdffont import PDFFont, PDFSimpleFont
from pdfminer.pdfinterp import PDFResourceManager

from parsers.language import legacy_fonts


class ResourceManager(PDFResourceManager):
    """pdfminer's resource manager, whose fonts of a legacy Vietnamese code read as Unicode."""

    def __init__(self) -> None:
        super().__init__()
        # Fonts already decoded: a Type0 font is built through its descendant, and comes back twice.
        self._decoded: weakref.WeakSet[PDFFont] = weakref.WeakSet()

    def get_font(self, objid: object, spec: Any) -> PDFFont:
        font = super().get_font(objid, spec)
        if font not in self._decoded:
            self._decoded.add(font)
            decode_font(font)
        return font


def read_legacy_fonts(pdf: Any) -> None:
    """Have a pdfplumber PDF, just opened, read its legacy fonts as Unicode (before any page is read)."""
    pdf.rsrcmgr = ResourceManager()


def decode_font(font: PDFFont) -> None:
    """Give a pdfminer font of a legacy code maps that read its codes as Unicode; leave any other font."""
    names = (str(font.fontname), str(getattr(font, "basefont", "")))
    encoding = next((e for e in map(legacy_fonts.encoding_of, names) if e is not None), None)
    if encoding is None:
        return
    unicode_map = getattr(font, "unicode_map", None)
    if (isinstance(unicode_map, UnicodeMap) and not isinstance(unicode_map, IdentityUnicodeMap)
            and unicode_map.cid2unichr and not legacy_fonts.already_unicode(unicode_map.cid2unichr.values())):
        decoded = UnicodeMap()
        decoded.cid2unichr = {cid: encoding.decode(text) for cid, text in unicode_map.cid2unichr.items()}
        font.unicode_map = decoded  # type: ignore[attr-defined]  # a simple or CID font: both hold one
    if isinstance(font, PDFSimpleFont) and not legacy_fonts.already_unicode(font.cid2unicode.values()):
        # A simple font's codes are its bytes: each byte the table lists stands for its text, whatever the
        # font's Encoding names it (WinAnsi reads 0xAD as a space); the others keep theirs. A new dict, for
        # pdfminer shares one between all fonts of the same Encoding.
        read = font.cid2unicode
        font.cid2unicode = {code: encoding.text(code, text) for code, text in read.items()} | {
            code: encoding.text(code, chr(code)) for code in encoding.codes}
