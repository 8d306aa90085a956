"""What signature fields print into a page's blank slots: the number and the day an e-office stamps.

An office signs in its e-office system, then its clerk issues the document: the number and the day
(often the month) are stamped into the blanks of the header (`Số:      /QĐ-UBND`, `ngày    tháng
năm 2025`) by signature fields placed over them, whose appearance streams draw the digits. The page as
printed reads `Số: 36/BC-HĐTĐ`; its own content stream reads `Số: /BC-HĐTĐ`. pdfplumber lists the
annotations but not what they draw; pdfium draws them once the page is flattened, so the page is
flattened in a copy of the document and the characters it gains there are read with their boxes.

A field's text is a slot's when it is one row of characters standing on a printed line of the page (the
characters of that line run beside it at its height) in a blank of that line (mostly over no printed
character). Those characters join the page's own, at the height of that line, so the line reads as
printed, once. What other fields and
annotations draw (an e-seal's image, the e-sign stamp's `Ký bởi: …` box, a `SAO Y` stamp line) stands on
no printed line and is not the document's text: it is left out, as before.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Sequence
from typing import Any

WIDGET = 20  # FPDF_ANNOT_WIDGET: a form field; a signature field is one
FLATTEN_FOR_DISPLAY = 0  # FLAT_NORMALDISPLAY: what a viewer shows, not what a printer would
# Characters of one row share their vertical middle within this share of their size.
ROW_TOLERANCE = 0.5
# A field's row stands on a printed line when it shares this share of its height with that line's characters
# (a clerk's stamp may stand a few points high: 26 % in bnv-cv12094-2025), and in its blank when printed
# characters cover no more than this share of the row's width.
ON_LINE = 0.2
OVER_PRINT = 0.5


def slot_chars(document: Any, page: Any) -> list[dict]:
    """The characters signature fields print into the blanks of pdfplumber `page`'s lines, as pdfplumber
    characters of that page (its coordinates, `doctop`, `size`, `fontname`); `document` is a pypdfium2
    PdfDocument of the same file, whose page is flattened (a copy's: it is not saved)."""
    import pypdfium2.raw as pdfium_c

    index = page.page_number - 1
    if index >= len(document):
        return []  # a page tree pdfminer reads further than PDFium
    pdfium_page = document[index]
    try:
        if pdfium_page.get_rotation() % 360:
            return []  # a turned page's coordinates are not pdfplumber's: not read here
        fields = _field_rects(pdfium_page, pdfium_c)
        if not fields:
            return []
        before = _chars(pdfium_page, pdfium_c)
        if pdfium_c.FPDFPage_Flatten(pdfium_page.raw, FLATTEN_FOR_DISPLAY) != 1:  # 1: FLATTEN_SUCCESS
            return []
    finally:
        pdfium_page.close()
    pdfium_page = document[index]  # a flattened page is read again from the document
    try:
        after = _chars(pdfium_page, pdfium_c)
    finally:
        pdfium_page.close()
    printed = [c for c in page.chars if not c["text"].isspace()]
    gained = _gained(before, after)
    out = []
    for rect in fields:
        row = [c for c in gained if _inside(c, rect)]
        line = _slot_line(row, printed, float(page.height))
        if line is not None:
            out += [_as_pdfplumber(c, page, line) for c in row]
    return out


def _field_rects(pdfium_page: Any, pdfium_c: Any) -> list[tuple[float, float, float, float]]:
    rects = []
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(pdfium_page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(pdfium_page.raw, k)
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) == WIDGET:
                r = pdfium_c.FS_RECTF()
                if pdfium_c.FPDFAnnot_GetRect(annot, r):
                    rects.append((r.left, r.bottom, r.right, r.top))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return rects


# A character as pdfium reads it: (text, left, bottom, right, top, font size, font name), in PDF points
# from the page's bottom-left corner; the box is the font's (ascent to descent), as pdfplumber's is.
_Char = tuple[str, float, float, float, float, float, str]


def _chars(pdfium_page: Any, pdfium_c: Any) -> list[_Char]:
    textpage = pdfium_page.get_textpage()
    try:
        out = []
        name = ctypes.create_string_buffer(128)
        for i in range(textpage.count_chars()):
            text = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            if not text.strip():
                continue
            box = pdfium_c.FS_RECTF()
            if not pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, i, box):
                continue
            pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, name, len(name), None)
            out.append((text, box.left, box.bottom, box.right, box.top, pdfium_c.FPDFText_GetFontSize(textpage.raw, i),
                        name.value.decode("latin-1", "replace")))
        return out
    finally:
        textpage.close()


def _gained(before: Sequence[_Char], after: Sequence[_Char]) -> list[_Char]:
    """The characters the flattened page has that the page had not (each printed one counted once)."""
    def key(c: _Char) -> tuple[str, int, int]:
        return c[0], round(c[1]), round(c[2])
    had = Counter(map(key, before))
    gained = []
    for c in after:
        if had[key(c)]:
            had[key(c)] -= 1
        else:
            gained.append(c)
    return gained


def _inside(c: _Char, rect: tuple[float, float, float, float]) -> bool:
    left, bottom, right, top = rect
    x, y = (c[1] + c[3]) / 2, (c[2] + c[4]) / 2
    return left <= x <= right and bottom <= y <= top


def _slot_line(row: list[_Char], printed: list[dict], height: float) -> tuple[float, float] | None:
    """The (top, bottom) of the printed line whose blank `row` fills, or None: one row of characters that
    shares the line's height, mostly over its blank (a stamp is set by hand: a digit may touch a letter beside
    the blank, and the row may stand a few points above the line)."""
    if not row:
        return None
    tops = [height - c[4] for c in row]  # from the page's top, as pdfplumber's
    bottoms = [height - c[2] for c in row]
    size = max(c[5] for c in row) or 10.0
    if max(tops) - min(tops) > ROW_TOLERANCE * size:
        return None
    top, bottom = min(tops), max(bottoms)
    # a printed line's (top, bottom) -> its characters beside the row
    shared: dict[tuple[float, float], list[dict]] = {}
    for p in printed:
        if min(bottom, p["bottom"]) - max(top, p["top"]) > ON_LINE * (bottom - top):
            shared.setdefault((round(p["top"], 1), round(p["bottom"], 1)), []).append(p)
    if not shared:
        return None  # on no printed line: a stamp's text, not a slot's
    # The line it fills is the one printed nearest beside it (a header's two columns share their heights).
    left, right = min(c[1] for c in row), max(c[3] for c in row)

    def distance(chars: list[dict]) -> float:
        return min(max(0.0, p["x0"] - right, left - p["x1"]) for p in chars)
    line, beside = min(shared.items(), key=lambda kv: distance(kv[1]))
    width = sum(c[3] - c[1] for c in row)
    over = sum(max(0.0, min(c[3], p["x1"]) - max(c[1], p["x0"])) for c in row for p in beside)
    return line if over <= OVER_PRINT * width else None  # mostly over printed text: not a blank


def _as_pdfplumber(c: _Char, page: Any, line: tuple[float, float]) -> dict:
    """A pdfplumber character at the height of the line whose blank it fills, so that it is read in it."""
    text, left, _bottom, right, _top, size, font = c
    height = float(page.height)
    top, bottom = line
    return {"text": text, "x0": left, "x1": right, "top": top, "bottom": bottom, "y0": height - bottom,
            "y1": height - top, "doctop": page.initial_doctop + top, "width": right - left, "height": bottom - top,
            "size": size, "fontname": font, "upright": True, "adv": right - left,
            "matrix": (1.0, 0.0, 0.0, 1.0, left, height - bottom), "object_type": "char",
            "page_number": page.page_number, "stroking_color": None, "non_stroking_color": None}
