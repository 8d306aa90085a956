"""What OCR saw on a page: Tesseract's words and the page's tables, in pixels.

These two records are what every other part of OCR hands on: Tesseract's reading gives the words,
the run gathers them with the tables into a page's scan, the cache stores and checks that scan,
and the records are made from it. They stand apart so that each part imports them from none of
the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    conf: float  # Tesseract's confidence, 0–1
    x0: int
    top: int
    x1: int
    bottom: int
    line_key: int  # Tesseract's image, block, paragraph and line, as one number (negative in a table cell)
    read: str | None = None  # what Tesseract first read, where the word was read again (a hand-filled number)


@dataclass(frozen=True, slots=True)
class PageScan:
    """What Tesseract and the table finder saw on one page, in pixels of the straightened image."""

    width: float  # the page in PDF points
    height: float
    scale: float  # PDF points per pixel
    skew: float  # degrees the image was turned to straighten it
    words: tuple[Word, ...]
    # Each table: the pixel edges of its grid and, per grid position, the position
    # (row, column) of the cell it belongs to (itself, or the top-left of its merged cell).
    tables: tuple[dict, ...]
