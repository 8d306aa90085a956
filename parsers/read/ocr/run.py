"""OCR's run: which pages are scans, whether Tesseract is there, and the pages rendered and read.

A PDF's pages are rendered by PDFium, an image file's frames decoded by Pillow; every page is held
to the pixel budgets, from its size alone, before the first is rendered or decoded. Each page is
then straightened and its tables found (`image`), read by Tesseract (`tesseract`) in parallel, and
kept in the cache (`cache`). This is the one place where the parts are put together into each
page's `PageScan`; making records of it is `records`' work.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import regex as re

from parsers.language import vocab
from parsers.model.errors import EncryptedPdf, OcrUnavailable, TooLarge, UnreadableFile
from parsers.read.ocr.cache import cache_dir, load_entry, open_cache, store_entry
from parsers.read.ocr.image import prepare
from parsers.read.ocr.tesseract import LANGUAGE, PACKAGES, TESSERACT, png_bytes, read_page
from parsers.read.ocr.words import PageScan

# Tesseract reads text best with capitals 20–40 pixels high; body text of 13–14
# points is 36–39 pixels high at 200 dpi and 54–58 at 300. bench/bench.py
# times both; the README says how each read the known plan's scan.
OCR_DPI = 200
# Bumped when what the cache holds would change (rendering, deskew, table finding, Tesseract's options).
OCR_CACHE_VERSION = "13"

# A page is a scan when its text layer holds fewer than this many characters
# (a stray page number, a stamp's caption) and an image covers most of it.
SCAN_MAX_TEXT_CHARS = 40
SCAN_MIN_IMAGE_SHARE = 0.5
# A text layer over a page image is the page's text when it holds this many words, this share of them
# Vietnamese syllables and this share bearing a mark (a scan's own OCR layer in Vietnamese does; one made
# without the language, or drawn with a broken map, does not: lamdong-ubnd-cv4377-2025.pdf, 0 % marked).
LAYER_MIN_WORDS = 20
LAYER_MIN_SYLLABLES = 0.6
LAYER_MIN_MARKED = 0.2
# A page whose text has this many `(cid:N)` runs a character holds no text: its font maps its codes to nothing.
CID_SHARE = 0.05

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


# ------------------------------------------------------------------ checks


def is_scan(page) -> bool:
    """Is this pdfplumber page an image with no real text over it: no text, a few words (an e-sign stamp's
    line), or a text layer that is not Vietnamese as printed (an OCR layer made without Vietnamese, `CONG HOA
    XA HOI`, or with a broken map)? Such a page is read by OCR, its layer set aside."""
    chars = sum(1 for ch in page.chars if not ch.get("text", "").isspace())
    if chars < SCAN_MAX_TEXT_CHARS:
        return _image_share(page) >= SCAN_MIN_IMAGE_SHARE
    if _under_image(page):
        return not _vietnamese_layer(page.extract_text() or "")
    # Text drawn in a font whose codes map to no letters (`(cid:55)(cid:1228)…`, laocai-vpubnd-pc466-2026.pdf):
    # the glyphs print right, so the page is read from its image. (A legacy font is decoded, not read so.)
    # Counted on the characters, whose text is each `(cid:N)`: no page of text is laid out again for it.
    unmapped = sum(1 for ch in page.chars if ch.get("text", "").startswith("(cid:"))
    return unmapped >= CID_SHARE * chars and not any(
        vocab.LEGACY_FONTS.search(ch.get("fontname", "")) for ch in page.chars[:200])


def _image_share(page) -> float:
    area = float(page.width) * float(page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = min(float(im["x1"]), float(page.width)) - max(float(im["x0"]), 0.0)
        h = min(float(im["bottom"]), float(page.height)) - max(float(im["top"]), 0.0)
        covered = max(covered, max(w, 0.0) * max(h, 0.0))
    return covered / area


def _under_image(page) -> bool:
    return bool(page.images) and _image_share(page) >= SCAN_MIN_IMAGE_SHARE


def _vietnamese_layer(text: str) -> bool:
    """Does a text layer read as Vietnamese prose: enough words, most of them syllables, and the share of them
    bearing marks that the language's prose bears? (Real layers over page images: 85–90 % of words marked; the
    OCR layers made without Vietnamese in the real PDFs: none.)"""
    words = [w for w in vocab.WORD.findall(text) if len(w) > 1]
    if len(words) < LAYER_MIN_WORDS:
        return False
    syllables = sum(1 for w in words if vocab.SYLLABLE.match(w.lower()))
    marked = sum(1 for w in words if not vocab.VIETNAMESE_MARKED.isdisjoint(w))
    return syllables >= LAYER_MIN_SYLLABLES * len(words) and marked >= LAYER_MIN_MARKED * len(words)


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
            width, height = doc.get_page_size(number - 1)
            _check_render(path, number, width, height, dpi)
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
                image = image.resize(size, Image.Resampling.LANCZOS)  # == the int Image.LANCZOS, typed
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
    folder_fd = open_cache(folder) if folder is not None else None
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
            hit = load_entry(folder_fd, key)
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
            png = png_bytes(prepared)
            cell_pngs = [(png_bytes(im), x, y, narrow) for im, x, y, narrow in cells]
            del image, prepared, cells
            future = pool.submit(read_page, png, cell_pngs, dpi, path)
            pending[number] = (future, width, height, 72 / dpi, skew, tables)
            while sum(1 for f, *_ in pending.values() if not f.done()) > 2 * workers:
                next(f for f, *_ in pending.values() if not f.done()).result()
        for number, (future, width, height, scale, skew, tables) in pending.items():
            scan = PageScan(width, height, scale, skew, future.result(), tables)
            done[number] = scan
            if folder_fd is not None:
                store_entry(folder_fd, keys[number], scan)
    return done

