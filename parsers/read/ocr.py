"""Stage 1 for scans: page images into lines and ruled tables, by Tesseract.

A scanned page (a PDF page with no text layer, or an image file) is rendered
to a grey image, straightened, searched for ruled tables, and read by the
`tesseract` program with its Vietnamese model. The words come back with their
boxes and confidences; they are made into the same `Line` records a PDF with
text gives (page, line number, box in PDF points) and the tables into the same
`TableGrid` records, so every later stage reads a scan as it reads a PDF.

What is cached is what costs: a page's words and table cells in pixels, keyed
by the file's hash, the page and the OCR settings, as JSON. Lines, corrections
and warnings are made from it afresh on every run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import secrets
import shutil
import stat
import statistics
import subprocess
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import regex as re

from parsers.language import vocab
from parsers.model.errors import EncryptedPdf, OcrUnavailable, TooLarge, UnreadableFile
from parsers.model.records import Issue, Line, Page, TableCell, TableGrid
from parsers.read import ocr_slots
from parsers.read.columns import TextLine, find_blocks

# Tesseract reads text best with capitals 20–40 pixels high; body text of 13–14
# points is 36–39 pixels high at 200 dpi and 54–58 at 300. bench/bench.py
# times both; the README says how each read the known plan's scan.
OCR_DPI = 200
TESSERACT = "tesseract"
LANGUAGE = "vie"
DIGITS_LANGUAGE = "eng"  # Debian's tesseract-ocr package brings it
# Digits alone, read with the English model, not the Vietnamese one: limited to digits it reads a hand's
# `4` and `1` where the Vietnamese model drops them, and a row number's `2` the other reads as `3`.
DIGITS_CONFIG = ("-l", DIGITS_LANGUAGE, "-c", "tessedit_char_whitelist=0123456789")
PACKAGES = "tesseract-ocr tesseract-ocr-vie"  # the Debian packages that give TESSERACT and LANGUAGE
# Bumped when what the cache holds would change (rendering, deskew, table finding, Tesseract's options).
OCR_CACHE_VERSION = "13"
# Where set, this folder caches OCR for every run (one cache for many output folders).
CACHE_ENV = "PLAN_OCR_CACHE"

# A character and its box in Tesseract's hOCR with `hocr_char_boxes` (x0 and x1 kept).
CHAR_BOX = re.compile(r"x_bboxes (\d+) \d+ (\d+) \d+; x_conf [\d.]+'>([^<]+)<")

# A page is a scan when its text layer holds fewer than this many characters
# (a stray page number, a stamp's caption) and an image covers most of it.
SCAN_MAX_TEXT_CHARS = 40
SCAN_MIN_IMAGE_SHARE = 0.5

# Words before a line's text that are a stamp's or a margin's, not the text's: words of
# these marks only (no bullet `-` `+` `*`, no bracket, no label's dot), or
# words read with less confidence than NOISE_CONFIDENCE that are no syllable.
NOISE_MARKS = frozenset("_|\\/⁄~`^¬®©«»¿¡'\"”“‘’„°#@%&=<>")
NOISE_CONFIDENCE = 0.35
# Marks no word of these documents is made of, anywhere in a line: a stamp's or a speck's.
STRAY_MARKS = frozenset("`^¬®©«»¿¡°\\~|„")

# A line read with a mean word confidence under this is worth a look.
LOW_CONFIDENCE = 0.70
# Scanners and phones tilt a page by a few degrees at most: the tilt is
# searched within this angle either way.
MAX_SKEW_DEGREES = 5.0

# Pixels a cell is cut inside its rules' centre lines (at OCR_DPI, about 0.8 mm).
CELL_INSET = 6
# A table's row-number column (`TT`, `STT`) is narrow: a cell no wider than this share of its table,
# read as a few marks, is read again for digits alone, where the Vietnamese model reads a `1` as `|`
# or a `2` as `3`. Marks a lone `1` is read as, where even the digits' reading finds nothing.
NUMBER_COLUMN_SHARE = 0.09
NUMBER_CELL_MARKS = 3
ONE_LOOKALIKES = frozenset({"|", "]", "[", "!"})  # not `I`: a group's Roman numeral stands in that column too

# Images: a file whose resolution is not recorded, or records one no scanner is set to, is taken as
# an A4 page (the documents' paper) scanned across its width (portrait) or height.
A4_INCHES = (8.27, 11.69)
# A recorded resolution is believed within what document scanners are set to (100–1200 dpi). Below,
# it is a program's default, not a measure (a phone's or a screen's 72 or 96 dpi, 1 dpi, a tester's 51
# dpi that would make a 10000-pixel image a 5-metre page); above, it is no optical resolution. An A4
# page loses nothing by the fallback: it is the page the A4 reading gives.
TRUSTED_DPI = (100, 1200)

# Budgets before work: what a page costs is known from its size before anything is rendered or
# decoded, and a file with a page over budget is refused (TooLarge) before its first page is read,
# so no file takes more memory than its largest allowed page.
#   MAX_PAGE_PIXELS   a page as OCR works on it, at OCR_DPI: straightening and table finding take about
#                     9 bytes a pixel (measured: 15.5 Mpx, 120 MB; 31 Mpx, 285 MB). An A4 page at 200
#                     dpi is 1654×2339 (3.9 Mpx), an A3 3308×4677 (15.5 Mpx); twice A3 lets a fold-out
#                     A2 table (4677×6614, 31 Mpx: a whole parse of it peaks at 430 MB) through, and no
#                     poster or drawing (A1: 62 Mpx).
#   MAX_IMAGE_PIXELS  an image file's page as decoded, before it is scaled to OCR_DPI (up to 4 bytes a
#                     pixel in colour, 1 in grey): an A3 page scanned at 600 dpi (7016×9921, 70 Mpx)
#                     fits; 72 Mpx of RGBA at 600 dpi peaks at 430 MB. Under Pillow's own bomb limit
#                     (89 Mpx): Pillow never warns of an image the budget lets through.
MAX_PAGE_PIXELS = 32_000_000
MAX_IMAGE_PIXELS = 72_000_000
# The image formats a scan comes in. Pillow would open others by their content whatever the name
# (EPS through Ghostscript among them); a scan needs none of them.
IMAGE_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP")  # JPEG: a phone's MPO too
# What Pillow raises on a damaged image while it decodes it.
IMAGE_DAMAGE = (OSError, ValueError, SyntaxError, EOFError, IndexError)


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


# ------------------------------------------------------------------ checks


def is_scan(page) -> bool:
    """Is this pdfplumber page an image with no real text over it?"""
    chars = sum(1 for ch in page.chars if not ch.get("text", "").isspace())
    if chars >= SCAN_MAX_TEXT_CHARS:
        return False
    area = float(page.width) * float(page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = min(float(im["x1"]), float(page.width)) - max(float(im["x0"]), 0.0)
        h = min(float(im["bottom"]), float(page.height)) - max(float(im["top"]), 0.0)
        covered = max(covered, max(w, 0.0) * max(h, 0.0))
    return covered / area >= SCAN_MIN_IMAGE_SHARE


def require_tesseract(path: str) -> None:
    """Raise a one-line error naming the packages when Tesseract or its Vietnamese model is missing."""
    exe = shutil.which(TESSERACT)
    if exe is None:
        raise OcrUnavailable(path, "a scan, and OCR needs Tesseract, which is not installed: "
                                   f"apt-get install {PACKAGES}")
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailable(path, f"a scan, and Tesseract does not run ({exc}): apt-get install {PACKAGES}") from None
    if LANGUAGE not in langs:
        raise OcrUnavailable(path, "a scan, and Tesseract has no Vietnamese model: "
                                   f"apt-get install tesseract-ocr-{LANGUAGE}")


def cache_dir(passed: str | Path | None) -> Path | None:
    """The OCR cache folder: PLAN_OCR_CACHE's where set, else the one passed (DIR/.cache/ocr).

    The operator's folder is taken as they name it, links resolved (a link there is theirs); the
    passed one is inside a data folder, where a link is never followed (_open_cache)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(os.path.realpath(env))
    return Path(passed) if passed else None


# ------------------------------------------------------------------ the run


def ocr_pdf_pages(path: str, sha256: str, page_numbers: list[int], cache: str | Path | None = None,
                  dpi: int = OCR_DPI, workers: int | None = None, data: bytes | None = None) -> dict[int, PageScan]:
    """OCR the given 1-based pages of a PDF; pages are rendered one at a time, read in parallel.

    `data`: the file's bytes as read and hashed (else the file at `path` is read). Every page is
    checked against the render budget before the first is rendered."""
    source = data if data is not None else path
    doc = open_pdfium(path, source)
    try:
        for number in page_numbers:
            if not 1 <= number <= len(doc):  # pdfminer found more pages than the tree's count PDFium reads
                raise UnreadableFile(path, f"damaged PDF: no page {number} in its page tree's count ({len(doc)})")
            _check_render(path, number, *doc.get_page_size(number - 1), dpi)
    finally:
        doc.close()

    def images(numbers: list[int]) -> Iterator[tuple[int, object, float, float]]:
        doc = open_pdfium(path, source)
        try:
            for number in numbers:
                yield (number, *_render(path, doc, number, dpi))
        finally:
            doc.close()

    return _run(path, sha256, page_numbers, images, cache, dpi, workers)


def open_pdfium(path: str, source: bytes | str):
    """The PDF opened by PDFium; a one-line refusal where it cannot be (a password needed to open it,
    a security scheme PDFium does not know, a file it cannot read)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        # PDFium's last error is the process's, not the call's: a load that fails without setting one
        # (a page tree of no pages) reports the error of an earlier file. Only a PDF with an /Encrypt
        # entry in its trailer can need a password.
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and not _names_encryption(source):
            raise UnreadableFile(path, f"damaged PDF: not readable ({_pdfium_reason(exc)})") from None
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPdf(path, "encrypted PDF: it cannot be opened without its password") from None
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedPdf(path, "encrypted PDF: its security scheme cannot be read") from None
        raise UnreadableFile(path, f"damaged PDF: not readable ({_pdfium_reason(exc)})") from None


def _names_encryption(source: bytes | str) -> bool:
    """Does the PDF name an /Encrypt dictionary? Its trailer (or cross-reference stream's dictionary,
    never compressed) must, for its content to be encrypted."""
    if isinstance(source, str):
        with open(source, "rb") as fh:
            source = fh.read()
    return b"/Encrypt" in source


def _pdfium_reason(exc: Exception) -> str:
    return f"PDFium: {str(exc).rstrip('.')}"


def _check_render(path: str, number: int, width: float, height: float, dpi: int) -> None:
    """Refuse the file if page `number` (`width`×`height` points) is over the budget at `dpi`."""
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if not math.isfinite(pixels) or pixels > MAX_PAGE_PIXELS:
        raise TooLarge(path, f"too large when rendered: page {number} is {width:.0f}×{height:.0f} pt, "
                             f"{pixels / 1e6:.0f} Mpx at {dpi} dpi "
                             f"(the budget is {MAX_PAGE_PIXELS / 1e6:.0f} Mpx a page)")


def _render(path: str, doc, number: int, dpi: int) -> tuple[object, float, float]:
    """Page `number` rendered in grey at `dpi`, and its size in points; the page is closed at once."""
    import pypdfium2 as pdfium

    page = doc[number - 1]
    try:
        width, height = page.get_size()
        _check_render(path, number, width, height, dpi)  # the page as loaded, as it will be drawn
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(path, f"damaged PDF: page {number} cannot be drawn ({_pdfium_reason(exc)})") from None
    finally:
        page.close()
    return image, width, height


def ocr_image_file(path: str, sha256: str, cache: str | Path | None = None, dpi: int = OCR_DPI,
                   workers: int | None = None, max_pages: int | None = None,
                   data: bytes | None = None) -> dict[int, PageScan]:
    """OCR every frame of an image file (a multi-page TIFF has several) as a page.

    `data`: the file's bytes as read and hashed (else the file at `path` is read). Every frame is
    checked against the budgets, from its header, before the first is decoded."""
    from PIL import Image

    source = data if data is not None else path
    with _open_image(path, source) as im:
        count = getattr(im, "n_frames", 1)
        if max_pages is not None and count > max_pages:
            raise TooLarge(path, f"image of {count} pages is over the {max_pages}-page limit for a plan")
        for number in range(1, count + 1):
            _seek(path, im, number)
            _check_image(path, number, im.size, _image_dpi(im.info, im.size), dpi)

    def images(numbers: list[int]):
        for number in numbers:
            # Opened again for each page: the page as decoded is let go before the next stage works.
            with _open_image(path, source) as im:
                _seek(path, im, number)
                source_dpi = _image_dpi(im.info, im.size)
                image = _decoded(path, number, im)
            width, height = image.size[0] * 72 / source_dpi, image.size[1] * 72 / source_dpi
            size = _scaled(image.size, source_dpi, dpi)
            if size != image.size:  # to the resolution Tesseract reads best at
                image = image.resize(size, Image.LANCZOS)
            yield number, image, width, height

    return _run(path, sha256, list(range(1, count + 1)), images, cache, dpi, workers)


def _open_image(path: str, source: bytes | str):
    """The image opened (its header read, nothing decoded); a one-line refusal where it cannot be.

    Pillow warns of an image over its bomb limit, on stderr with no file's name, and refuses one
    over twice that: the warning is kept quiet (the budget refuses every such image by its own
    figures) and the error is the file's refusal."""
    from PIL import Image, UnidentifiedImageError

    fp = io.BytesIO(source) if isinstance(source, bytes) else source
    Image.init()
    formats = [f for f in IMAGE_FORMATS if f in Image.OPEN]  # WebP only where Pillow was built with it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(fp, formats=formats)
    except Image.DecompressionBombError as exc:
        raise TooLarge(path, f"too large to decode: {_bomb_reason(exc)}") from None
    except UnidentifiedImageError:  # its message names the buffer read, not the file
        raise UnreadableFile(path, f"not a readable image (none of {', '.join(formats)})") from None
    except IMAGE_DAMAGE as exc:
        raise UnreadableFile(path, f"not a readable image ({exc})") from None


def _bomb_reason(exc: Exception) -> str:
    found = re.search(r"\((\d+) pixels\)", str(exc))
    size = f"an image of {int(found.group(1)) / 1e6:.0f} Mpx" if found else "an image"
    return f"{size} (the budget is {MAX_IMAGE_PIXELS / 1e6:.0f} Mpx)"


def _seek(path: str, im, number: int) -> None:
    """Go to page `number` of an open image (its frame's header read, nothing decoded)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.seek(number - 1)
    except Image.DecompressionBombError as exc:
        raise TooLarge(path, f"too large to decode: page {number} is {_bomb_reason(exc)}") from None
    except IMAGE_DAMAGE as exc:
        raise UnreadableFile(path, f"damaged image: page {number} cannot be read ({exc})") from None


def _check_image(path: str, number: int, size: tuple[int, int], source_dpi: float, dpi: int) -> None:
    """Refuse the file if page `number` of an image is over a budget, decoded or scaled to `dpi`."""
    pixels = size[0] * size[1]
    if pixels > MAX_IMAGE_PIXELS:
        raise TooLarge(path, f"too large to decode: page {number} is an image of {size[0]}×{size[1]} px, "
                             f"{pixels / 1e6:.0f} Mpx (the budget is {MAX_IMAGE_PIXELS / 1e6:.0f} Mpx)")
    width, height = _scaled(size, source_dpi, dpi)
    if width * height > MAX_PAGE_PIXELS:
        raise TooLarge(path, f"too large when rendered: page {number} is {size[0]}×{size[1]} px at "
                             f"{source_dpi:.0f} dpi, {width * height / 1e6:.0f} Mpx at {dpi} dpi "
                             f"(the budget is {MAX_PAGE_PIXELS / 1e6:.0f} Mpx a page)")


def _decoded(path: str, number: int, im):
    """The open image's current page decoded, in grey."""
    try:
        return im.convert("L")
    except IMAGE_DAMAGE as exc:
        raise UnreadableFile(path, f"damaged image: page {number} cannot be decoded ({exc})") from None


def _scaled(size: tuple[int, int], source_dpi: float, dpi: int) -> tuple[int, int]:
    """An image's size once scaled from `source_dpi` to `dpi`; as it is within 5 %."""
    factor = dpi / source_dpi
    if abs(factor - 1) <= 0.05:
        return size
    return max(round(size[0] * factor), 1), max(round(size[1] * factor), 1)


def _image_dpi(info: dict, size: tuple[int, int]) -> float:
    """The image's resolution: as recorded where a scanner could have recorded it, else an A4 page's."""
    try:
        recorded = float(info["dpi"][0])
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError):
        recorded = 0.0
    if TRUSTED_DPI[0] <= recorded <= TRUSTED_DPI[1]:
        return recorded
    return max(size) / A4_INCHES[1] if size[0] > size[1] else size[0] / A4_INCHES[0]


def _run(path: str, sha256: str, numbers: list[int], images, cache, dpi: int,
         workers: int | None) -> dict[int, PageScan]:
    """The pages' scans: from the cache where it holds them, else rendered (`images(numbers)` gives
    them one by one) and read by Tesseract."""
    require_tesseract(path)
    folder = cache_dir(cache)
    folder_fd = _open_cache(folder) if folder is not None else None
    try:
        return _read_pages(path, sha256, numbers, images, folder_fd, dpi, workers)
    finally:
        if folder_fd is not None:
            os.close(folder_fd)


def _read_pages(path: str, sha256: str, numbers: list[int], images, folder_fd: int | None, dpi: int,
                workers: int | None) -> dict[int, PageScan]:
    keys = {n: f"{sha256[:32]}-p{n}-{dpi}dpi-v{OCR_CACHE_VERSION}" for n in numbers}
    done: dict[int, PageScan] = {}
    if folder_fd is not None:
        for n, key in keys.items():
            hit = _load(folder_fd, key)
            if hit is not None:
                done[n] = hit
    todo = [n for n in numbers if n not in done]
    if not todo:
        return done
    workers = workers or os.cpu_count() or 1
    pending: dict[int, tuple[Future, float, float, float, float, tuple[dict, ...]]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Rendering, straightening and table finding run here, one page at a
        # time; Tesseract runs as separate processes, `workers` at a time. The
        # queue is kept short so that a long scan never holds all its images.
        for number, image, width, height in images(todo):
            prepared, cells, skew, tables = prepare(image)
            png = _png(prepared)
            cell_pngs = [(_png(im), x, y, narrow) for im, x, y, narrow in cells]
            del image, prepared, cells
            future = pool.submit(read_page, png, cell_pngs, dpi, path)
            pending[number] = (future, width, height, 72 / dpi, skew, tables)
            while sum(1 for f, *_ in pending.values() if not f.done()) > 2 * workers:
                next(f for f, *_ in pending.values() if not f.done()).result()
        for number, (future, width, height, scale, skew, tables) in pending.items():
            scan = PageScan(width, height, scale, skew, future.result(), tables)
            done[number] = scan
            if folder_fd is not None:
                _store(folder_fd, keys[number], scan)
    return done


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def read_page(png: bytes, cells: list[tuple[bytes, int, int, bool]], dpi: int, path: str) -> tuple[Word, ...]:
    """A page's words: the page read as a whole (its tables cut out), then each table cell as one block of text."""
    words = list(ocr_slots.reread(png, tesseract_words(png, dpi, path),
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
        proc = _tesseract(["stdin", "stdout", *args], _png(image), timeout=60)
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


# -------------------------------------------------------------- the image


def prepare(image):
    """The page made ready for Tesseract: the page image, its tables' cells, the angle, the tables.

    The image is cleaned and straightened. Each ruled table is cut out of the
    page image and its cells are handed over one by one (image, left, top, in a
    narrow column that may number the rows):
    read with the page, a table's short cell lines at uneven heights are
    joined into wrong lines and words, and its rules read as `|` and `I`.
    """
    import cv2
    import numpy as np
    from PIL import Image

    # A 3-pixel median takes out dust (single dark pixels Tesseract reads as
    # letters) and keeps every stroke and diacritic, which are wider.
    grey = cv2.medianBlur(np.asarray(image, dtype=np.uint8), 3)
    skew = find_skew(grey)
    if abs(skew) >= 0.05:
        h, w = grey.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
        grey = cv2.warpAffine(grey, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)
    tables, rules = find_tables(grey)
    cells = []
    if rules is not None:
        paper = int(np.median(grey))
        # The rules' pixels and the fringe a blurred rule leaves, painted over in the paper's shade.
        clean = grey.copy()
        clean[cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))) > 0] = paper
        grey = grey.copy()
        for table in tables:
            table_width = table["xs"][-1] - table["xs"][0]
            for x0, top, x1, bottom in _cell_boxes(table).values():
                narrow = x1 - x0 <= NUMBER_COLUMN_SHARE * table_width
                # Inside the rules' centres by a rule's width: a rule bent or thickened
                # by the scan leaves no stroke at the cell's edge to read as `|`.
                x0, top, x1, bottom = x0 + CELL_INSET, top + CELL_INSET, x1 - CELL_INSET, bottom - CELL_INSET
                crop = clean[top:bottom, x0:x1]
                if crop.size and (crop < 128).any():
                    framed = cv2.copyMakeBorder(crop, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=paper)
                    cells.append((Image.fromarray(framed), x0 - 12, top - 12, narrow))
            xs, ys = table["xs"], table["ys"]
            grey[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1] = paper
    return Image.fromarray(grey), cells, skew, tables


def _cell_boxes(table: dict) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Each cell's box in pixels, keyed by its grid position (the top-left of a merged cell)."""
    xs, ys, owner = table["xs"], table["ys"], table["owner"]
    boxes: dict[tuple[int, int], list[int]] = {}
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            box = boxes.setdefault(tuple(owner[r][c]), [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            box[0], box[1] = min(box[0], xs[c]), min(box[1], ys[r])
            box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
    return {k: (int(v[0]), int(v[1]), int(v[2]), int(v[3])) for k, v in boxes.items()}


def find_skew(grey) -> float:
    """The page's tilt in degrees (positive: its lines fall to the right), by the projection profile.

    Text lines turned level make the sharpest profile of ink per pixel row:
    the angle whose row sums vary most, searched coarse then fine on a small copy.
    """
    import cv2
    import numpy as np

    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if grey.shape[1] > 1200 else grey
    ink = (small < 128).astype(np.float32)
    if ink.sum() < 100:
        return 0.0
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
        rows = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05), key=sharpness)
    return round(float(best), 2)


def find_tables(grey) -> tuple[tuple[dict, ...], object]:
    """Ruled tables in a straightened page image: their grids and the rules' pixels.

    Rules are long thin runs of ink: a morphological opening with a long flat
    (or tall) kernel keeps them and drops the letters. A table is a connected
    figure of rules holding both; its row and column edges are where its
    horizontal and vertical rules stand; two neighbouring grid positions with
    no rule between them are one merged cell.
    """
    import cv2
    import numpy as np

    h, w = grey.shape
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    span = max(w, h) // 40  # a rule runs on for at least ~7 mm, far longer than any stroke of a letter
    flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (span, 1)))
    tall = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, span)))
    # Bridge the gaps a faint scan leaves in a rule.
    flat = cv2.dilate(flat, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    tall = cv2.dilate(tall, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    rules = cv2.bitwise_or(flat, tall)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables = []
    mask = np.zeros_like(rules)
    for i in range(1, count):
        x, y, bw, bh, _area = stats[i]
        if bw < w * 0.2 or bh < h * 0.03:
            continue  # an underline, a rule under a title, a signature's flourish
        region = labels[y:y + bh, x:x + bw] == i
        grid = _grid(flat[y:y + bh, x:x + bw] * region, tall[y:y + bh, x:x + bw] * region, x, y)
        if grid is None:
            continue
        tables.append(grid)
        mask[y:y + bh, x:x + bw][region] = 255
    if not tables:
        return (), None
    tables.sort(key=lambda t: (t["ys"][0], t["xs"][0]))
    return tuple(tables), mask


def _grid(flat, tall, x0: int, y0: int) -> dict | None:
    import numpy as np

    ys = _rule_positions(flat.max(axis=1) > 0)
    xs = _rule_positions(tall.max(axis=0) > 0)
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows * cols < 2:
        return None  # a framed box (a stamp, a note), not a table

    def ruled(run) -> bool:
        return run.size > 0 and float(np.count_nonzero(run)) / run.size >= 0.6

    owner = [[(r, c) for c in range(cols)] for r in range(rows)]
    for r in range(rows):
        for c in range(cols):
            inner_x = slice(xs[c] + 4, max(xs[c + 1] - 4, xs[c] + 5))
            inner_y = slice(ys[r] + 4, max(ys[r + 1] - 4, ys[r] + 5))
            if r > 0 and not ruled(flat[max(ys[r] - 3, 0):ys[r] + 4, inner_x].max(axis=0)):
                owner[r][c] = owner[r - 1][c]
            elif c > 0 and not ruled(tall[inner_y, max(xs[c] - 3, 0):xs[c] + 4].max(axis=1)):
                owner[r][c] = owner[r][c - 1]
    return {"xs": [int(x0 + v) for v in xs], "ys": [int(y0 + v) for v in ys],
            "owner": [[list(o) for o in row] for row in owner]}


def _rule_positions(present) -> list[int]:
    """Centres of the runs of True in a 1-D mask: where the rules stand."""
    out, start = [], None
    for i, on in enumerate(list(present) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


# ------------------------------------------------------------- the records


# Corrections OCR's misreadings need where the plans' vocabulary leaves one
# reading only. Each: why, the pattern, and what the matched text becomes
# (a fixed text, a translation of its look-alike characters, or a function of the match).
DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "|": "1", "]": "1", "O": "0", "o": "0"})
ROMAN_LOOKALIKES = str.maketrans({"l": "I", "1": "I", "|": "I", "H": "II"})


def _as_roman(m) -> str:
    """A numeral read with look-alikes (`HI`, `1V`), where it reads as one numeral only; else as read."""
    token = m.group(0)
    numeral = token.translate(ROMAN_LOOKALIKES)
    value = vocab.roman_to_int(numeral)
    return numeral if value and _roman(value) == numeral else token


def _glued(m) -> str:
    return f"{m.group(1)} {m.group(2)}"

CORRECTIONS: tuple[tuple[str, re.Pattern, object], ...] = (
    # Tesseract reads `Đ` as the Icelandic eth, a letter no Vietnamese word holds.
    ("eth for Đ", re.compile(r"[Ðð]"), str.maketrans("Ðð", "Đđ")),
    # `Điều` (article) is the only word of that shape before an article number.
    ("Điều before its number", re.compile(r"(?<!\p{L})[ĐD][iíìl][ểêềếễệeẻ]u(?= ?\d)"), "Điều"),
    # Type codes of document numbers (QĐ, NĐ) before their issuer: `QD-`, `OĐ-` are no codes.
    ("Đ of a type code", re.compile(r"(?<![\p{L}\d])[QO0](?:D|Đ)(?= ?[-–] ?\p{Lu})"), "QĐ"),
    ("Đ read twice in a type code", re.compile(r"(?<=(?<!\p{L})[QN])[ĐÐ]{2}(?= ?[-–])"), "Đ"),
    ("Đ of a decree's code", re.compile(r"(?<=/)N[D](?=[-–]CP)"), "NĐ"),
    # A quarter, an appendix or a group is numbered I–IV…; `l`, `1` and `|` in a numeral are `I`.
    ("Roman numeral after Quý, Phụ lục",
     re.compile(r"(?<=(?<!\p{L})(?:[Qq]uý|QUÝ|[Pp]hụ lục|PHỤ LỤC) )(?=[IVXHl1|]*[Hl1|])[IVXHl1|]{1,4}(?![\p{L}\d])"),
     _as_roman),
    # A Roman label opening a line (`HI. Cải cách …`, `1V. …`): H, l and | are in no label, nor a 1 beside V or X.
    ("Roman label at a line's start",
     re.compile(r"^(?:(?=[IVXHl1|]*[Hl|])|(?=[IVX1]*(?:1[VX]|[VX]1)))[IVXHl1|]{1,5}(?=\.\s?\p{Lu})"),
     _as_roman),
    # `Theo đề nghị`, `Xét đề nghị` (a decision's proposal): `đẻ`, `đè` there are `đề` read with the wrong mark.
    ("đề of đề nghị", re.compile(r"(?<=(?<!\p{L})(?:Theo|Xét) )đ[ẻèẽ](?= nghị)"), "đề"),
    # A signer's title in capitals: `BỘ TRƯỜNG`, `TRƯỜNG BAN` are `TRƯỞNG` (the head of), read with the grave.
    ("TRƯỞNG of a title", re.compile(r"(?<=(?<!\p{L})(?:BỘ|THỨ|PHÓ|CỤC|VỤ|VIỆN) )TRƯỜNG(?!\p{L})|"
                                     r"(?<!\p{L})TRƯỜNG(?= (?:BAN|PHÒNG|ĐOÀN)(?!\p{L}))"), "TRƯỞNG"),
    # `tháng4`: a date's word and its number are always apart.
    ("date word glued to its number", re.compile(r"(?<!\p{L})(ngày|tháng|năm)(\d{1,4})(?!\p{L})"), _glued),
    # A point label in a letter no Vietnamese word holds: `ø)` is `g)`, `¡)` is `i)`.
    ("point letter look-alike", re.compile(r"^[ø¡](?=\)\s)"), str.maketrans("ø¡", "gi")),
    # The documents' spaced dash (`Phòng Văn hóa – Thông tin`) is the en dash; the model reads it as an em dash.
    ("en dash read as em dash", re.compile(r"(?<= )—-?(?= |$)|(?<=\p{L})—-?(?=\p{L})"), "–"),
    # A numbered item read with a comma for its dot (`5, Tăng cường …`): no sentence opens a line so.
    ("comma for a label's dot", re.compile(r"^\d{1,2}\K,(?= \p{Lu}\p{Ll})"), "."),
    # A date: day and month with a digit in them, then a year; `l`, `I`, `O` among its digits are digits.
    ("look-alike letters in a date",
     re.compile(r"(?<![\p{L}\d])(?=[\dlIO]{1,2}/)(?=[lIO]?\d)[\dlIO]{1,2}/(?:[\dlIO]{1,2}/)?(?:19|20)[\dlIO\]|]{2}(?![\p{L}\d])"),
     DIGIT_LOOKALIKES),
    # A year after `năm` or in a period: `202l`, `202]`.
    ("look-alike letters in a year", re.compile(r"(?<=(?:năm|đoạn|Năm) )(?:19|20)\d[lI\]|](?![\p{L}\d])"),
     DIGIT_LOOKALIKES),
)

# Letters OCR takes for one another in a point label (`d)` and `đ)`): where
# the run of labels (a, b, c, …) wants one and the page shows its look-alike,
# the run decides. Key: letter read; value: letters it may stand for.
LABEL_LOOKALIKES = {"đ": "d", "d": "đ", "h": "g", "q": "g", "e": "c", "c": "e", "l": "i", "1": "i", "í": "i"}
POINT_LABEL = re.compile(r"^(\S)(?=\)\s)")
# `1.` is no look-alike here: an Arabic item label is as common as a Roman one.
ROMAN_LABEL = re.compile(r"^([IVXHLl|]{1,5})(?=\.\s?\p{Lu})")
I_LIKE = str.maketrans("", "", "IHLl|")  # strokes a numeral's I may be read as


# Titles a whole line may be: a type's title (`KẾ HOẠCH`), `PHỤ LỤC`, or a signer's
# title above the signature. A capitals line that is one of them but for its marks
# (`KÉ HOẠCH`, `TRƯỜNG BẠN` under a stamp) is it.
TITLES = (*vocab.DOC_TYPES, "PHỤ LỤC", *vocab.SIGNER_TITLE_LINES)


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


BARE_TITLES = {_bare(t): t for t in TITLES}
# One to three words in capitals, a colon after, a stamp's quote mark before.
TITLE_LINE = re.compile(r"^[\"“”']?(\p{Lu}+(?: \p{Lu}+){0,2})(:?)$")


def correct(text: str) -> str:
    for _why, pattern, fix in CORRECTIONS:
        if isinstance(fix, str):
            text = pattern.sub(fix, text)
        elif isinstance(fix, dict):
            text = pattern.sub(lambda m, table=fix: m.group(0).translate(table), text)
        else:
            text = pattern.sub(fix, text)  # a function of the match
    title = TITLE_LINE.match(text)
    if title and title.group(1) not in TITLES and _bare(title.group(1)) in BARE_TITLES:
        text = BARE_TITLES[_bare(title.group(1))] + title.group(2)
    return text


def fix_label_runs(pages: list[Page]) -> tuple[list[Page], list[Issue]]:
    """Point labels and Roman section labels put right where their run makes the reading certain.

    `a) b) c) đ)`: the fourth is `d)` read with a stroke too many. `I. II. II.`:
    the third is `III.` with an `I` lost (Roman labels only: a letter run may
    restart, a section run is never printed twice in a row).
    """
    letters = vocab.VIETNAMESE_ALPHABET
    last_letter: str | None = None
    last_roman = 0
    out, issues = [], []
    for page in pages:
        lines = []
        for line in page.lines:
            text = line.text
            m = POINT_LABEL.match(text)
            if m:
                read = m.group(1)
                wanted = letters[letters.index(last_letter) + 1] if last_letter in letters[:-1] else None
                if wanted and read != wanted and read != "a" and wanted in LABEL_LOOKALIKES.get(read, ""):
                    text = wanted + text[1:]
                last_letter = text[0]
            m = ROMAN_LABEL.match(text)
            if m:
                token, value = m.group(1), vocab.roman_to_int(m.group(1)) or 0
                after = _roman(last_roman + 1)
                if value and _roman(value) == token and token.isupper() and "L" not in token:
                    if last_roman and value == last_roman and after.count("I") == token.count("I") + 1:
                        token = after  # `I. II. II.`: an I lost
                elif last_roman and token.translate(I_LIKE) == after.translate(I_LIKE):
                    token = after  # `HH.` after `II.`: the strokes of III
                elif len(token) == 1:
                    token = "I"  # `L.`, `l.`, `|.`: no heading is numbered 50, nor by a letter l
                if token != m.group(1):
                    text = token + text[m.end():]
                last_roman = vocab.roman_to_int(token) or last_roman
            if text != line.text:
                issues.append(Issue("extract", "ocr_corrected",
                                    f"line {line.line_no}: label read {line.text[:12]!r}, "
                                    f"its run makes it {text[:12]!r}", page.number))
                line = Line(line.page, line.line_no, text, line.x0, line.top, line.x1, line.bottom, line.source_line,
                            line.confidence, line.ocr_text or line.text)
            lines.append(line)
        out.append(Page(page.number, tuple(lines), page.width, page.height, page.tables))
    return out, issues


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _foreign(word: str) -> bool:
    """A word Vietnamese has no syllable for (acronyms and plain Latin words pass)."""
    if not vocab.VIETNAMESE_LETTERS.issuperset(word):
        return True
    if word.isupper() or vocab.VIETNAMESE_MARKED.isdisjoint(word):
        return False
    return len(word) > 1 and not vocab.SYLLABLE.match(word.lower())


def page_records(number: int, scan: PageScan) -> tuple[Page, list[Issue]]:
    """One OCR'd page as the Page a PDF with text would give, and its doubtful lines."""
    rows = _reading_order(_rows(scan.words), scan)
    lines: list[Line] = []
    issues: list[Issue] = []
    s = scan.scale
    for row in rows:
        raw = " ".join(w.read or w.text for w in row)
        row = [w for w in row[_noise_before(row):] if not _speck(w)] or row
        text = correct(" ".join(w.text for w in row))
        conf = round(statistics.fmean(w.conf for w in row), 4)
        line = Line(page=number, line_no=len(lines) + 1, text=text,
                    x0=round(min(w.x0 for w in row) * s, 2), top=round(min(w.top for w in row) * s, 2),
                    x1=round(max(w.x1 for w in row) * s, 2), bottom=round(max(w.bottom for w in row) * s, 2),
                    confidence=conf, ocr_text=raw if raw != text else None)
        lines.append(line)
        if line.ocr_text is not None:
            issues.append(Issue("extract", "ocr_corrected",
                                f"line {line.line_no}: read {raw[:80]!r}, corrected to {text[:80]!r}", number))
        foreign = [w for w in vocab.WORD.findall(text) if _foreign(w)]
        if conf < LOW_CONFIDENCE or foreign:
            why = [f"confidence {conf:.2f}"] if conf < LOW_CONFIDENCE else []
            if foreign:
                why.append(f"not Vietnamese: {', '.join(foreign[:5])}")
            issues.append(Issue("extract", "ocr_low_confidence",
                                f"line {line.line_no}: {'; '.join(why)}: {text[:80]!r}", number))
    grids = tuple(_table_grid(number, t, scan) for t in scan.tables)
    return Page(number=number, lines=tuple(lines), width=scan.width, height=scan.height, tables=grids), issues


def _reading_order(rows: list[list[Word]], scan: PageScan) -> list[list[Word]]:
    """The page's rows with each two-column block (the header, the recipients beside the signature)
    given back column by column, as a PDF's lines are (parsers.read.columns)."""
    def ink(row: list[Word]) -> list[Word]:
        # A stamp's specks (`&`, `¬` read with no confidence) in the gutter would close it.
        return [w for w in row if not (_speck(w) or _doubtful(w))] or row

    def text_line(row: list[Word]) -> TextLine:
        size = statistics.median(w.bottom - w.top for w in row)  # the row's font size, in pixels as its boxes
        return TextLine(" ".join(w.text for w in row), min(w.x0 for w in row), min(w.top for w in row),
                        max(w.x1 for w in row), max(w.bottom for w in row),
                        tuple({"text": w.text, "x0": w.x0, "x1": w.x1, "size": size} for w in row))

    lines = [text_line(ink(row)) for row in rows]
    tables = [(t["xs"][0], t["ys"][0], t["xs"][-1], t["ys"][-1]) for t in scan.tables]
    out: list[list[Word]] = []
    i = 0
    for first, last, divide in find_blocks(lines, tables):
        out.extend(rows[i:first])
        band = [w for row in rows[first:last + 1] for w in row]
        for side in ([w for w in band if (w.x0 + w.x1) / 2 < divide], [w for w in band if (w.x0 + w.x1) / 2 >= divide]):
            out.extend(_rows(tuple(side)))
        i = last + 1
    out.extend(rows[i:])
    return out


def _speck(w: Word) -> bool:
    """A word of marks alone that is no text: a stray mark, or marks read with next to no confidence."""
    if w.text[-1] in ".)":
        return False  # a label read as marks (`¡)` for `i)`): the corrections read it
    return set(w.text) <= STRAY_MARKS or (w.conf < NOISE_CONFIDENCE and not any(ch.isalnum() for ch in w.text))


def _doubtful(w: Word) -> bool:
    """Letters read with next to no confidence that are no syllable (`N`, `XẠ\\®`, `/⁄@ã`); a badly read
    label (`L.` for `I.`) or number is no noise."""
    return (w.conf < NOISE_CONFIDENCE and w.text[-1] not in ".)" and not w.text.isdigit()
            and not vocab.SYLLABLE.match(w.text.lower()))


def _noise_before(row: list[Word]) -> int:
    """How many of a line's first words are a stamp's or a margin's marks, not text.

    A seal stamped over a heading (`Phụ lục II`, `TRƯỞNG BAN`) or a scanner's
    edge gives words of marks (`__`, `|`, `\\`) or of letters read with next
    to no confidence that are no Vietnamese syllable (`N`, `XẠ\\®`). Before the
    line's first word they hide its label (`Phụ lục`, `Căn cứ`, `1.`); the line
    keeps them in `ocr_text`. A badly read label (`L.` for `I.`) is no noise.
    """
    n = 0
    for w in row[:-1]:
        if not (set(w.text) <= NOISE_MARKS or _doubtful(w)):
            break
        n += 1
    return n


def _rows(words: tuple[Word, ...]) -> list[list[Word]]:
    """Words into lines across the page, as pdfplumber makes lines of a PDF's characters.

    Tesseract's own lines are kept whole; lines of different blocks that share
    a row (the header's two columns, a table's cells) are joined left to right.
    """
    by_key: dict[int, list[Word]] = {}
    for w in words:
        by_key.setdefault(w.line_key, []).append(w)
    tess_lines = sorted(by_key.values(), key=lambda ws: min(w.top for w in ws))
    rows: list[tuple[int, int, list[Word]]] = []
    for ws in tess_lines:
        top = statistics.median(w.top for w in ws)
        bottom = statistics.median(w.bottom for w in ws)
        for _i, (rtop, rbottom, row) in enumerate(rows):
            overlap = min(bottom, rbottom) - max(top, rtop)
            if overlap > 0.6 * min(bottom - top, rbottom - rtop):
                row.extend(ws)
                break
        else:
            rows.append((top, bottom, list(ws)))
    out = [sorted(row, key=lambda w: w.x0) for _t, _b, row in rows]
    out.sort(key=lambda row: min(w.top for w in row))
    return out


def _table_grid(number: int, table: dict, scan: PageScan) -> TableGrid:
    """A table's grid as pdfplumber gives it: cells with their words, None where merged."""
    xs, ys, owner = table["xs"], table["ys"], table["owner"]
    rows, cols = len(ys) - 1, len(xs) - 1
    extent: dict[tuple[int, int], list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            o = tuple(owner[r][c])
            box = extent.setdefault(o, [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            box[0], box[1] = min(box[0], xs[c]), min(box[1], ys[r])
            box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
    placed: dict[tuple[int, int], list[Word]] = {o: [] for o in extent}
    for w in scan.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(max(_index(xs, cx), 0), cols - 1)
        r = min(max(_index(ys, cy), 0), rows - 1)
        placed[tuple(owner[r][c])].append(w)
    s = scan.scale
    out_rows = []
    for r in range(rows):
        cells = []
        for c in range(cols):
            if tuple(owner[r][c]) != (r, c):
                cells.append(None)
                continue
            x0, top, x1, bottom = extent[(r, c)]
            text = "\n".join(correct(" ".join(w.text for w in row)) for row in _rows(tuple(placed[(r, c)])))
            cells.append(TableCell(text, round(x0 * s, 2), round(top * s, 2), round(x1 * s, 2), round(bottom * s, 2)))
        out_rows.append(tuple(cells))
    bbox = (round(xs[0] * s, 2), round(ys[0] * s, 2), round(xs[-1] * s, 2), round(ys[-1] * s, 2))
    return TableGrid(page=number, bbox=bbox, rows=tuple(out_rows), source="ocr")


def _index(edges: list[int], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2


# ------------------------------------------------------------------- cache
# The cache is data: whoever can write the data folder (or PLAN_OCR_CACHE) can put anything under an
# entry's name (a link to a file elsewhere, a pipe, a folder, a huge or edited file). It gets the rules
# the rows' cache has (pipeline.storage.store), and an entry that breaks one is a miss: the page is read again
# and its entry written anew.
#   - the folder (DIR/.cache/ocr) and the one holding it are never followed through a link: a link
#     or a file there and OCR runs uncached (it reads and writes nothing outside DIR);
#   - an entry is read only as a regular file, never through a link, opened without waiting (a pipe
#     does not hang the run), and only up to CACHE_ENTRY_MAX_BYTES;
#   - it is written under a temporary name of its own, created new (O_EXCL: nothing planted under
#     that name is written through), then moved over the entry's name in one step;
#   - it carries its key and the SHA-256 of its payload: an entry of another page or file, cut short
#     or edited is not used; nor is one whose payload is not what OCR writes.
# A real page's entry is at most some 50 KB (98 scanned pages of the fixtures and the corpus: 51 KB
# the largest, a page of table); the cap is 80 times that, and keeps what a crafted entry makes Python
# hold to some tens of MB.
CACHE_ENTRY_MAX_BYTES = 4 * 2**20
CACHE_FILE_MODE = 0o644  # cluster workers that run as another user read what this one wrote
CACHE_FOLDER_MODE = 0o755
_FLAG = {name: getattr(os, name, 0) for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_DIRECTORY")}
FOLDER_FLAGS = os.O_RDONLY | _FLAG["O_DIRECTORY"] | _FLAG["O_CLOEXEC"]
ENTRY_READ_FLAGS = os.O_RDONLY | _FLAG["O_NOFOLLOW"] | _FLAG["O_NONBLOCK"] | _FLAG["O_CLOEXEC"]
ENTRY_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAG["O_NOFOLLOW"] | _FLAG["O_CLOEXEC"]
PAYLOAD_NUMBERS = ("width", "height", "scale", "skew")
PAYLOAD_KEYS = frozenset({*PAYLOAD_NUMBERS, "words", "tables"})


def _open_cache(folder: Path) -> int | None:
    """A descriptor of the cache folder (made where missing) that every entry is opened through; None
    (OCR runs uncached) where it or the folder holding it is a link or no folder, or cannot be made."""
    folder = Path(os.path.abspath(folder))
    top, names = folder.parent.parent, [folder.parent.name, folder.name]
    if not folder.parent.name:  # a folder at the root: only it is checked
        top, names = folder.parent, [folder.name]
    try:
        top.mkdir(parents=True, exist_ok=True)
        fd = os.open(top, FOLDER_FLAGS)
    except OSError:
        return None
    try:
        for name in names:
            inner = _open_folder(fd, name)
            os.close(fd)
            fd = inner
    except OSError:
        os.close(fd)
        return None
    return fd


def _open_folder(parent_fd: int, name: str) -> int:
    """The folder `name` in `parent_fd`, made where missing, opened without following a link."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, CACHE_FOLDER_MODE, dir_fd=parent_fd)
    return os.open(name, FOLDER_FLAGS | _FLAG["O_NOFOLLOW"], dir_fd=parent_fd)


def _digest(payload: dict) -> str:
    """The SHA-256 of a payload, over its one canonical JSON form (the same before writing and after reading)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _store(folder_fd: int, key: str, scan: PageScan) -> None:
    """Write a page's entry; where it cannot be written, the page is read again the next time."""
    payload = {"width": scan.width, "height": scan.height, "scale": scan.scale, "skew": scan.skew,
               "words": [[w.text, w.conf, w.x0, w.top, w.x1, w.bottom, w.line_key, w.read] for w in scan.words],
               "tables": list(scan.tables)}
    payload = json.loads(json.dumps(payload))  # tuples as lists: the form a reader gets, hashed alike
    data = json.dumps({"key": key, "sha256": _digest(payload), **payload}, ensure_ascii=False).encode("utf-8")
    tmp = f".{key}.json.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, ENTRY_WRITE_FLAGS, CACHE_FILE_MODE, dir_fd=folder_fd)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), CACHE_FILE_MODE)  # the umask may have taken the group's and others' read
            fh.write(data)
        os.replace(tmp, f"{key}.json", src_dir_fd=folder_fd, dst_dir_fd=folder_fd)  # seen whole or not at all
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder_fd)


def _load(folder_fd: int, key: str) -> PageScan | None:
    """The page's entry where it is one this cache wrote for `key`, whole; None (read the page) else."""
    data = _read_entry(folder_fd, f"{key}.json")
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    payload = {k: v for k, v in entry.items() if k not in ("key", "sha256")}
    if entry.get("sha256") != _digest(payload):
        return None
    return _scan_of(payload)


def _read_entry(folder_fd: int, name: str) -> bytes | None:
    """An entry's bytes: a regular file, not a link, within the size cap; None for anything else."""
    try:
        fd = os.open(name, ENTRY_READ_FLAGS, dir_fd=folder_fd)
    except OSError:
        return None  # none there, or a link (O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > CACHE_ENTRY_MAX_BYTES:
            return None
        try:
            data = fh.read(CACHE_ENTRY_MAX_BYTES + 1)
        except OSError:
            return None
    return data if len(data) <= CACHE_ENTRY_MAX_BYTES else None


def _scan_of(payload: dict) -> PageScan | None:
    """The PageScan a payload holds, where it has the form OCR writes: a hand-made one with the right
    hash must not break a later stage."""
    if set(payload) != PAYLOAD_KEYS or not all(_is_number(payload[k]) for k in PAYLOAD_NUMBERS):
        return None
    words, tables = payload["words"], payload["tables"]
    if not (isinstance(words, list) and all(_is_word(w) for w in words)
            and isinstance(tables, list) and all(_is_table(t) for t in tables)):
        return None
    return PageScan(*(payload[k] for k in PAYLOAD_NUMBERS), tuple(Word(*w) for w in words), tuple(tables))


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_word(w) -> bool:
    """[text, confidence, x0, top, x1, bottom, line key, first reading or None]"""
    return (isinstance(w, list) and len(w) == 8 and isinstance(w[0], str) and w[0] != "" and _is_number(w[1])
            and all(_is_int(v) for v in w[2:7]) and (w[7] is None or isinstance(w[7], str)))


def _is_table(t) -> bool:
    """{"xs": column edges, "ys": row edges, "owner": per grid position, the [row, column] of its cell}"""
    if not (isinstance(t, dict) and set(t) == {"xs", "ys", "owner"}):
        return False
    xs, ys, owner = t["xs"], t["ys"], t["owner"]
    if not all(isinstance(e, list) and len(e) >= 2 and all(_is_int(v) for v in e) for e in (xs, ys)):
        return False
    rows, cols = len(ys) - 1, len(xs) - 1
    return (isinstance(owner, list) and len(owner) == rows
            and all(isinstance(row, list) and len(row) == cols and all(_is_position(o, rows, cols) for o in row)
                    for row in owner))


def _is_position(o, rows: int, cols: int) -> bool:
    return (isinstance(o, list) and len(o) == 2 and _is_int(o[0]) and _is_int(o[1])
            and 0 <= o[0] < rows and 0 <= o[1] < cols)
