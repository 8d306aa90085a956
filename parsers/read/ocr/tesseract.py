"""Tesseract itself: the program run on a page, on table cells and on small cuts, and its output read.

A page is read as a whole (its tables cut out), then its table cells, then a narrow column's few
marks again for digits alone; a hand-filled number in a header is cut out and read again
(`slots`). Tesseract's TSV becomes `Word`s, its hOCR a word's character boxes. Everything that
names the program, its models and its options is here, apart from what is done with the words.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import regex as re

from parsers.model.errors import OcrUnavailable, UnreadableFile
from parsers.read.ocr import slots
from parsers.read.ocr.words import Word

TESSERACT = "tesseract"
LANGUAGE = "vie"
DIGITS_LANGUAGE = "eng"  # Debian's tesseract-ocr package brings it
# Digits alone, read with the English model, not the Vietnamese one: limited to digits it reads a hand's
# `4` and `1` where the Vietnamese model drops them, and a row number's `2` the other reads as `3`.
DIGITS_CONFIG = ("-l", DIGITS_LANGUAGE, "-c", "tessedit_char_whitelist=0123456789")
PACKAGES = "tesseract-ocr tesseract-ocr-vie"  # the Debian packages that give TESSERACT and LANGUAGE

# A character and its box in Tesseract's hOCR with `hocr_char_boxes` (x0 and x1 kept).
CHAR_BOX = re.compile(r"x_bboxes (\d+) \d+ (\d+) \d+; x_conf [\d.]+'>([^<]+)<")

# A narrow cell (image.NUMBER_COLUMN_SHARE) read as no more than this many marks is read again for digits
# alone, where the Vietnamese model reads a `1` as `|` or a `2` as `3`. Marks a lone `1` is read as, where
# even the digits' reading finds nothing.
NUMBER_CELL_MARKS = 3
ONE_LOOKALIKES = frozenset({"|", "]", "[", "!"})  # not `I`: a group's Roman numeral stands in that column too


def png_bytes(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def read_page(png: bytes, cells: list[tuple[bytes, int, int, bool]], dpi: int, path: str) -> tuple[Word, ...]:
    """A page's words: the page read as a whole (its tables cut out), then each table cell as one block of text."""
    words = list(slots.reread(png, tesseract_words(png, dpi, path),
                                  lambda image: _read_digits(image, path), lambda image: _read_chars(image, path)))
    if cells:
        found = _read_cells(cells, range(len(cells)), dpi, path, psm="6")  # each cell a block of text
        # A cell of a character or two (`TT`, a row number) is too little for a block's
        # layout analysis: those read as nothing are read again as one line (psm 7).
        empty = [i for i in range(len(cells)) if i not in found]
        if empty:
            found.update(_read_cells(cells, empty, dpi, path, psm="7"))
        numbers = [i for i, cell_words in found.items() if cells[i][3] and _may_be_number(cell_words)]
        if numbers:
            digits = _read_cells(cells, numbers, dpi, path, psm="7", config=DIGITS_CONFIG)
            for i in numbers:
                found[i] = _as_number(found[i], digits.get(i, []))
        for i, cell_words in sorted(found.items()):
            _png_bytes, x, y, _narrow = cells[i]
            for w in cell_words:
                # A negative key: no cell line shares its name with a line of the page.
                words.append(Word(w.text, w.conf, w.x0 + x, w.top + y, w.x1 + x, w.bottom + y,
                                  -((i + 1) * 10**9 + w.line_key % 10**9)))
    return tuple(words)


def _may_be_number(words: list[Word]) -> bool:
    """Are a narrow cell's words a few marks and no letter (`|`, `3`): a row's number, maybe misread?"""
    text = "".join(w.text for w in words)
    return 0 < len(text) <= NUMBER_CELL_MARKS and not any(ch.isalpha() for ch in text)


def _as_number(words: list[Word], digits: list[Word]) -> list[Word]:
    """A narrow cell's words, given what the digits' reading found in it: those digits as one word, or `1`
    for a lone mark a `1` looks like where it found none; the words as read where neither holds."""
    text, read = "".join(w.text for w in words), "".join(w.text for w in digits)
    if not read.isdigit():
        read = "1" if text in ONE_LOOKALIKES else ""
    if not read or read == text:
        return words
    first, last = words[0], words[-1]
    return [Word(read, min(w.conf for w in words), first.x0, min(w.top for w in words), last.x1,
                 max(w.bottom for w in words), first.line_key)]


def _read_cells(cells, indices, dpi: int, path: str, psm: str, config: tuple[str, ...] = ()) -> dict[int, list[Word]]:
    """One Tesseract process reads the given cells (one image each, through a list file); words by cell."""
    indices = list(indices)
    found: dict[int, list[Word]] = {}
    with tempfile.TemporaryDirectory(prefix="ocr-cells-") as tmp:
        names = []
        for n, i in enumerate(indices):
            name = Path(tmp) / f"{n:05d}.png"
            name.write_bytes(cells[i][0])
            names.append(str(name))
        listing = Path(tmp) / "cells.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        for w in tesseract_words(str(listing), dpi, path, psm=psm, config=config):
            found.setdefault(indices[w.line_key // 10**9 - 1], []).append(w)
    return found


def tesseract_words(image: bytes | str, dpi: int, path: str, psm: str = "3", config: tuple[str, ...] = ()):
    """Run Tesseract on a page image (bytes) or a list file of images (a path); its words. `config`: other
    options (the model and characters: DIGITS_CONFIG), in place of the Vietnamese model."""
    source, data = ("stdin", image) if isinstance(image, bytes) else (image, None)
    options = list(config) or ["-l", LANGUAGE]
    try:
        proc = _tesseract([source, "stdout", *options, "--dpi", str(dpi), "--psm", psm, "tsv"], data, timeout=600)
    except FileNotFoundError:
        raise OcrUnavailable(path, "a scan, and OCR needs Tesseract, which is not installed: "
                                   f"apt-get install {PACKAGES}") from None
    except subprocess.TimeoutExpired:
        raise UnreadableFile(path, "OCR of a page took over 10 minutes") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableFile(path, f"Tesseract failed: {message[-1] if message else proc.returncode}")
    return parse_tsv(proc.stdout.decode("utf-8"))


def _tesseract(args: list[str], data: bytes | None, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one thread per process: the pages give the parallelism
    return subprocess.run([TESSERACT, *args], input=data, capture_output=True, env=env, timeout=timeout)


def _tesseract_text(image, path: str, args: list[str]) -> str:
    """Tesseract's output on a small image (a word cut from a page); "" where it cannot read it."""
    try:
        proc = _tesseract(["stdin", "stdout", *args], png_bytes(image), timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""


def _read_digits(image, path: str) -> str:
    return _tesseract_text(image, path, [*DIGITS_CONFIG, "--psm", "7"]).strip()


def _read_chars(image, path: str) -> list[tuple[str, int, int]]:
    """Each character Tesseract reads in a one-word image, with its left and right edge."""
    hocr = _tesseract_text(image, path, ["-l", LANGUAGE, "--psm", "8", "-c", "hocr_char_boxes=1", "hocr"])
    return [(unicodedata.normalize("NFC", ch), int(x0), int(x1)) for x0, x1, ch in CHAR_BOX.findall(hocr)]


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    words = []
    rows = tsv.splitlines()
    for row in rows[1:]:
        f = row.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        text = unicodedata.normalize("NFC", f[11]).strip()
        if not text:
            continue
        left, top, width, height = (int(v) for v in f[6:10])
        # Image (of a list of cells), block, paragraph, line: one number that names the line.
        key = ((int(f[1]) * 1000 + int(f[2])) * 1000 + int(f[3])) * 1000 + int(f[4])
        words.append(Word(text, max(float(f[10]), 0.0) / 100, left, top, left + width, top + height, key))
    return tuple(words)

