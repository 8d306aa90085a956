"""Numbers and dates written by hand into a printed header, read again as digits.

A decision is printed and signed before it is registered; the clerk then writes
its number and day (often the month too) by hand into the blanks the form
leaves: `Số: 46 /QĐ-BCĐCCHC`, `Hà Nội, ngày 16 tháng 4 năm 2021`, and again in
each appendix's `(Kèm theo Quyết định số: 46/QĐ-… ngày 16 tháng 4 …)`. A model
trained on print reads such digits as letters and marks (`#6`, `f6`, `tháng#`).

Here each word that stands in such a slot and is not a number is cut out of
the page image and read again by Tesseract limited to digits. A re-reading
is kept only when it is a number the slot can hold (a day 1–31, a month 1–12);
what was first read stays beside it on the word.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import regex as re

# The words before a slot, and the slot: `kind` says what number may fill it.
# A slot word is matched whole; group `slot` is the part a hand filled
# (`tháng4` read as one word: the slot is what follows `tháng`).
SLOT_WORDS: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    # `Số: 46 /QĐ-…`, `số: 46/QĐ-…`: the number before its type code.
    ("number", re.compile(r"^[Ss][ốô]\s*:?$"), re.compile(r"^(?P<slot>[^/\s]{1,5})(?:/\S*)?$")),
    ("day", re.compile(r"^ngày$"), re.compile(r"^(?P<slot>\S{1,3})$")),
    ("month", re.compile(r"^tháng$"), re.compile(r"^(?P<slot>\S{1,3})$")),
)
# `tháng4`, `ngày16`: the date word and its hand-written number read as one word.
GLUED = re.compile(r"^(?P<word>ngày|tháng)(?P<slot>[^\s\p{L}]{1,3}|\p{L}?[^\s\p{L}]{1,2})$")
NOT_LETTER = re.compile(r"[^\p{L}]")
# A number's slot must be followed by its code (`/QĐ-…`, on the word or the next).
CODE_AFTER = re.compile(r"^/")
# What a slot may hold once read as digits.
VALID = {"number": range(1, 100_000), "day": range(1, 32), "month": range(1, 13)}
# A day or month slot is a date's only when the line goes on to its year.
YEAR = re.compile(r"^(?:19|20)\d\d\D?$")
# Pixels around a word's box kept in the cut (a hand's strokes overrun the box Tesseract drew).
PAD_X, PAD_Y = 8, 12
# A slot cut after a word's printed letters must be this wide, as a share of the cut's height (a digit's width).
MIN_SLOT_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Slot:
    index: int  # the word's position in the page's words
    kind: str
    start: int  # the slot's characters within the word's text
    end: int


def find_slots(words) -> list[Slot]:
    """The words of a page that stand in a hand-filled slot and do not read as a number."""
    slots = []
    lines: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault(w.line_key, []).append(i)
    for indices in lines.values():
        texts = [words[i].text for i in indices]
        dated = any(YEAR.match(t) for t in texts)
        for k, i in enumerate(indices):
            text = texts[k]
            glued = GLUED.match(text)
            if glued and dated and _unread(glued.group("slot")):
                kind = "day" if glued.group("word") == "ngày" else "month"
                slots.append(Slot(i, kind, glued.start("slot"), glued.end("slot")))
                continue
            if k == 0:
                continue
            prev = texts[k - 2] if texts[k - 1] == ":" and k >= 2 else texts[k - 1]  # `số : 46` spaced
            for kind, before, pattern in SLOT_WORDS:
                m = pattern.match(text) if before.match(prev) else None
                if m is None or not _unread(m.group("slot")):
                    continue
                if kind == "number" and "/" not in text and not (k + 1 < len(texts) and CODE_AFTER.match(texts[k + 1])):
                    continue
                if kind != "number" and not dated:
                    continue
                slots.append(Slot(i, kind, m.start("slot"), m.end("slot")))
                break
    return slots


def _unread(slot: str) -> bool:
    """A slot read as something other than a number, with a digit or a mark in it (`#6`, `f6`, `#`).

    A slot read as letters alone is left: `ngày ký` is a word, not a day.
    """
    return not slot.isdigit() and NOT_LETTER.search(slot) is not None


def reread(png: bytes, words, read_digits, read_chars) -> tuple:
    """The page's words with each hand-filled slot read again as digits.

    `read_digits(image)` gives the digits Tesseract reads in an image;
    `read_chars(image)` the (character, x0, x1) boxes it reads in a word.
    """
    slots = find_slots(words)
    if not slots:
        return tuple(words)
    from PIL import Image, ImageOps

    page = Image.open(io.BytesIO(png))
    page.load()
    out = list(words)
    for slot in slots:
        w = words[slot.index]
        box = (max(w.x0 - PAD_X, 0), max(w.top - PAD_Y, 0), min(w.x1 + PAD_X, page.width),
               min(w.bottom + PAD_Y, page.height))
        cut = page.crop(box)
        if slot.start > 0 or slot.end < len(w.text):  # part of a word (`tháng#`, `#6/QĐ-…`): cut it out
            boxes = read_chars(cut)
            if len(boxes) < max(slot.end, slot.start + 1):
                continue
            left, right = 0, boxes[slot.end][1] if slot.end < len(boxes) else cut.width
            if slot.start > 0:
                printed_end = max(x1 for _c, _x0, x1 in boxes[:slot.start])
                slot_x0, slot_x1 = boxes[slot.start][1], max(x1 for _c, _x0, x1 in boxes[slot.start:slot.end])
                # A hand's digit written into the last letter's box (`g` and `4` read as one
                # glyph): then the slot starts where Tesseract saw its first character.
                left = printed_end if slot_x1 - printed_end >= MIN_SLOT_SHARE * cut.height else slot_x0
            if right - left < MIN_SLOT_SHARE * cut.height:
                continue
            cut = cut.crop((left, 0, right, cut.height))
        digits = read_digits(ImageOps.expand(cut, border=12, fill=255))
        # As many digits as the slot had characters: a reading that drops or adds one
        # (`!I` for a printed 11 read as `1`) is no surer than the first.
        if not digits.isdigit() or len(digits) != slot.end - slot.start or int(digits) not in VALID[slot.kind]:
            continue
        text = w.text[:slot.start] + digits + w.text[slot.end:]
        out[slot.index] = replace(w, text=text, read=w.read or w.text)
    return tuple(out)
