"""Stage 1, extract: a PDF, a text file or a scan into pages of lines.

Nothing is dropped here: every non-blank line of the input becomes a `Line`
with its page, its line number on the page and, from a PDF, its box. What is a
page number or a rule is for `clean` to say. A scanned page, and an image
file, is read by OCR (`ocr/`) into the same records.
"""

from __future__ import annotations

import errno
import hashlib
import io
import math
import os
import stat
import unicodedata
from dataclasses import replace
from itertools import islice
from pathlib import Path

import regex as re

from parsers.language import vocab
from parsers.language.legacy_fonts import encoding_of
from parsers.model.errors import (
    DocumentError,
    EmptyDocument,
    EncryptedPdf,
    LegacyEncoding,
    NotAPdf,
    NoTextLayer,
    TooLarge,
    UnreadableFile,
)
from parsers.model.records import Box, Line, Page, Signature, Source, TableCell, TableGrid
from parsers.read.annotations import slot_chars
from parsers.read.columns import cell_text, split_columns, text_lines
from parsers.read.layout_text.pages import is_layout, read_pages
from parsers.read.legacy import read_legacy_fonts
from parsers.read.ocr.records import NOISE_LINE_CONFIDENCE, fix_label_runs, page_records
from parsers.read.ocr.run import is_scan, ocr_image_file, ocr_pdf_pages, open_pdfium
from parsers.read.signatures import read_signatures
from parsers.tables.unruled import carry_rows_across_pages, unruled_tables

# Yearly plans run to a few dozen pages; the largest seen is under 2 MB as
# PDF. Past these, a file is something else (a scanned archive, a data dump).
MAX_PDF_BYTES = 50 * 1024 * 1024
# Where a PDF's `%PDF-` header may stand: readers (Acrobat, PDFium, poppler) look for it in the first 1024 bytes,
# and files are published with bytes before it (22 in lamdong-ubnd-qd1406-2025.pdf, from a mail or scan system).
PDF_HEADER_WITHIN = 1024
MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 500
# A PDF page measures at most 14,400 units a side (ISO 32000's limit: 200 inches, 5 m; Acrobat shows
# no larger page). A plan's pages are A4 or A3 (595×842, 842×1191 pt); a larger one is no page.
MAX_PAGE_POINTS = 14_400

# A text file converted from a legal-database web page marks table cells and
# header columns with lines that hold only `|`.
WEB_CELL_MARK = re.compile(r"^\|\s*$", re.M)
# Some pages of the same sites keep no cell marks but bold runs (`**Điều 1. …**`), as markdown does.
WEB_BOLD = re.compile(r"^\*\*\S[^\n]*\*\*\s*$", re.M)
# A type's title and the subject under it, two bold blocks of the page set on one line with
# nothing between (`**NGHỊ ĐỊNH****Về hợp đồng …**`): the title is a line of its own; so is a
# heading's label and its title (`**Chương II****CHUẨN BỊ DỰ ÁN**`, where the label would read
# `IIC`). Only these: the pages also split bold runs inside words (`**V****ề việc s****ắp xếp**`).
GLUED_BOLD = re.compile(r"^\*\*([^*]+?)\*\*\*\*(?=\S)")
# Headings whose label stands on a line of its own, its title on the next (`Chương II` / `CHUẨN BỊ …`).
LABEL_LINE_KINDS = frozenset({"division", "chapter", "subchapter"})

# In text extracted from a PDF by the usual tools, a new page starts with a
# line that begins with a space, and a lone page number may stand at its top.
TEXT_PAGE_START = re.compile(r"^[ \t]+\S")
LONE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")

# Image files are scans; their size limit is a PDF's.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def extract(path: str | Path, ocr_cache: str | Path | None = None) -> Source:
    """Read a `.pdf`, `.txt` or image file into a `Source`; raise a DocumentError if unusable.

    `ocr_cache`: a folder where scanned pages' OCR is kept between runs."""
    path = Path(path)
    try:
        with os.fdopen(open_regular(path), "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            limit = MAX_PDF_BYTES if path.suffix.lower() in (".pdf", *IMAGE_SUFFIXES) else MAX_TEXT_BYTES
            if size > limit:
                raise TooLarge(str(path), f"file of {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit "
                                          "for a plan")
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(str(path), f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise EmptyDocument(str(path), "file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
        return _extract_pdf(path, data, digest, ocr_cache)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _extract_image(path, data, digest, ocr_cache)
    return _extract_text(path, data, digest)


# What a name may stand for that is not a file to read. Opening a pipe waits
# for a writer and a device never ends: such names are refused before a read.
NOT_A_FILE = {
    stat.S_IFDIR: "a folder, not a file",
    stat.S_IFIFO: "a named pipe (FIFO), not a file",
    stat.S_IFCHR: "a character device, not a file",
    stat.S_IFBLK: "a block device, not a file",
    stat.S_IFSOCK: "a socket, not a file",
}


def open_regular(path: str | Path) -> int:
    """A read-only descriptor of `path`, a regular file; UnreadableFile (with the reason) for anything else."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise UnreadableFile(str(path), _stat_failure(path, exc)) from None
    if not stat.S_ISREG(mode):
        raise UnreadableFile(str(path), _not_a_file(path, mode))
    try:
        # Non-blocking: were the name swapped for a pipe since, the open would not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(str(path), f"cannot read file ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnreadableFile(str(path), _not_a_file(path, mode))
    return fd


def _stat_failure(path: str | Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop: the link leads back to itself"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "a broken symlink: what it points to is missing"
    return f"cannot read file ({exc.strerror or exc})"


def _not_a_file(path: str | Path, mode: int) -> str:
    if stat.S_ISDIR(mode) and os.path.islink(path):
        target = os.path.realpath(path)
        folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
        if folder == target or folder.startswith(target.rstrip(os.sep) + os.sep):
            return "a symlink loop: a link to a folder that holds it"
    if stat.S_ISDIR(mode) and not os.access(path, os.R_OK | os.X_OK):
        return "a folder that cannot be read (permission denied)"
    return NOT_A_FILE.get(stat.S_IFMT(mode), "not a regular file")


# --------------------------------------------------------------------- text


def _decode(path: Path, data: bytes) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise TooLarge(str(path), f"text file of {len(data) / 1e6:.1f} MB is over the "
                                  f"{MAX_TEXT_BYTES // 2**20} MB limit for a plan")
    if data[:4] in (b"PK\x03\x04",) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotAPdf(str(path), "a Word or Office file, not text or PDF")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LegacyEncoding(
            str(path), f"not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}): "
                       "a legacy encoding such as TCVN3 or VNI? convert it to UTF-8 first"
        ) from None
    if "\x00" in text:
        raise NotAPdf(str(path), "binary data, not text")
    return text


def _extract_text(path: Path, data: bytes, digest: str) -> Source:
    text = _decode(path, data)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    flavour = ("web" if _at_least(3, WEB_CELL_MARK, text) or _at_least(3, WEB_BOLD, text)
               else "layout" if is_layout(text) else "plain")
    if flavour == "layout":
        return _extract_layout(path, raw_lines, digest)
    pages: list[list[Line]] = [[]]
    page_no = 1
    for idx, raw in enumerate(raw_lines, start=1):
        if "\f" not in raw and not raw.strip():
            continue  # a blank line, of one piece
        # A form feed always starts a page; what follows it on the line is text.
        for piece_no, piece in enumerate(raw.split("\f")):
            if piece_no > 0 and pages[-1]:
                page_no += 1
                pages.append([])
            if not piece.strip():
                continue
            if flavour == "plain" and pages[-1] and _starts_text_page(piece, pages[-1], page_no):
                page_no += 1
                pages.append([])
            for part in _web_blocks(piece) if flavour == "web" else (piece,):
                pages[-1].append(Line(page=page_no, line_no=len(pages[-1]) + 1, text=part.rstrip(), source_line=idx))
    if not any(pages):
        raise EmptyDocument(str(path), "file holds no text")
    return Source(
        path=str(path),
        sha256=digest,
        format="text",
        flavour=flavour,
        pages=tuple(Page(number=i + 1, lines=tuple(ls)) for i, ls in enumerate(p for p in pages if p)),
    )


def _web_blocks(piece: str) -> tuple[str, ...]:
    """A web line as its blocks: a type's title, or a heading's label, glued to the bold run after it is
    split off."""
    glued = GLUED_BOLD.match(piece) if piece.startswith("**") else None
    if glued is None or not (vocab.doc_type_of(glued.group(1)) or _label_alone(glued.group(1))):
        return (piece,)
    return f"**{glued.group(1)}**", piece[glued.end() - 2:]


def _label_alone(text: str) -> bool:
    block = vocab.match_block(" ".join(text.split()))
    return block is not None and block[0] in LABEL_LINE_KINDS and not block[2]


def _at_least(n: int, pattern: re.Pattern, text: str) -> bool:
    """Does `pattern` match `text` n times or more? The search stops at the n-th match."""
    return sum(1 for _ in islice(pattern.finditer(text), n)) >= n


def _extract_layout(path: Path, raw_lines: list[str], digest: str) -> Source:
    """Text of `pdftotext -layout`: form feeds part the pages; each page keeps its blank lines, which
    place its lines."""
    pages: list[list[tuple[int, str]]] = [[]]
    for idx, raw in enumerate(raw_lines, start=1):
        for piece_no, piece in enumerate(raw.split("\f")):
            if piece_no > 0:
                pages.append([])
            pages[-1].append((idx, piece))
    kept = [p for p in pages if any(t.strip() for _, t in p)]
    if not kept:
        raise EmptyDocument(str(path), "file holds no text")
    return Source(path=str(path), sha256=digest, format="text", flavour="layout",
                  pages=read_pages(kept))


def _starts_text_page(piece: str, page: list[Line], page_no: int) -> bool:
    """Does this line open a new page of PDF-extracted text?

    Two signs: a lone number that reads as the next page's number (`4` at the
    top of page 4), or a line that begins with a space (the extraction tool's
    mark of a page's first line), unless the page holds only its number so far.
    """
    number = LONE_NUMBER.match(piece) if len(piece.strip()) <= 3 else None  # a number and nothing else
    if number:
        return int(number.group(1)) == page_no + 1
    if piece[:1] in (" ", "\t") and TEXT_PAGE_START.match(piece):
        return not all(LONE_NUMBER.match(line.text) for line in page)
    return False


# ---------------------------------------------------------------------- pdf


def _extract_pdf(path: Path, data: bytes, digest: str, ocr_cache: str | Path | None = None) -> Source:
    import pdfplumber

    start = data.find(b"%PDF-", 0, PDF_HEADER_WITHIN)
    if start < 0:
        kind = ("a Word or Office file" if data[:4] == b"PK\x03\x04" or data[:4] == b"\xd0\xcf\x11\xe0"
                else "no PDF signature")
        raise NotAPdf(str(path), f"not a PDF ({kind})")
    data = data[start:]  # bytes before the header are no part of the PDF: its offsets count from the header
    if len(data) > MAX_PDF_BYTES:
        raise TooLarge(str(path), f"PDF of {len(data) / 1e6:.1f} MB is over the "
                                  f"{MAX_PDF_BYTES // 2**20} MB limit for a plan")
    if b"%%EOF" not in data[-2048:]:
        # pdfminer often reads a cut file without complaint; the missing end
        # marker is the reliable sign of an interrupted download.
        raise UnreadableFile(str(path), "truncated PDF (no %%EOF end marker): the download was cut short?")
    fields = _check_pdf_pages(path, data)  # kept open: it draws what signature fields print into the blanks
    pages: list[Page] = []
    fonts: set[str] = set()
    scans: list[int] = []  # pages with no text layer over their image
    try:
        # The bytes read and hashed, not the file again: what is parsed is what was checked.
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            read_legacy_fonts(pdf)  # text in .VnTime or VNI-Times fonts reads as Unicode from the first page on
            if _more_pages_than(pdf.doc, MAX_PDF_PAGES):
                raise TooLarge(str(path), f"PDF of more than {MAX_PDF_PAGES} pages (its page tree's own count is "
                                          f"false) is over the {MAX_PDF_PAGES}-page limit for a plan")
            if len(pdf.pages) == 0:
                raise EmptyDocument(str(path), "PDF has no pages")
            signatures = _signatures(pdf, data)
            for number, page in enumerate(pdf.pages, start=1):
                if is_scan(page):
                    scans.append(number)
                    pages.append(Page(number=number, lines=(), width=float(page.width), height=float(page.height)))
                    continue
                if number <= 2:
                    fonts.update(ch.get("fontname", "") for ch in page.chars)
                found = text_lines(page, slot_chars(fields, page) if fields is not None else ())
                ruled = _ruled_tables(page, number)
                unruled = unruled_tables(found, number, [g.bbox for g in ruled],
                                         page.horizontal_edges if page.edges else ())
                # Two-column blocks are read column by column; lines of a table stay whole.
                ordered = split_columns(found, [g.bbox for g in ruled + unruled])
                lines = tuple(
                    Line(
                        page=number,
                        line_no=i,
                        text=unicodedata.normalize("NFC", tl.text),
                        box=Box(round(tl.x0, 2), round(tl.top, 2), round(tl.x1, 2), round(tl.bottom, 2)),
                    )
                    for i, tl in enumerate(ordered, start=1)
                )
                mapped = any(encoding_of(name) for name in {ch.get("fontname", "") for ch in page.chars})
                pages.append(Page(number=number, lines=lines, width=float(page.width), height=float(page.height),
                                  tables=ruled + unruled, source="mapped" if mapped else "text_layer"))
                page.close()  # its layout objects go now, so that memory stays that of one page at any page count
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on broken files
        raise _pdf_error(path, exc) from None
    finally:
        if fields is not None:
            fields.close()
    pages = carry_rows_across_pages(pages)
    issues: list = []
    if not scans and not any(p.lines for p in pages):
        # No text anywhere and no page image pdfplumber could see (drawn in a form, or as vector
        # paths): read every page, as a scan.
        scans = [p.number for p in pages]
    if scans:
        read = ocr_pdf_pages(str(path), digest, scans, ocr_cache, data=data)
        for number, scan in read.items():
            pages[number - 1], doubtful = page_records(number, scan)
            issues.extend(doubtful)
        pages, doubtful = fix_label_runs(pages)
        issues.extend(doubtful)
    if not any(p.lines for p in pages):
        raise NoTextLayer(str(path), f"no text: {len(pages)} page(s) with neither a text layer "
                                     "nor words OCR could read")
    # A page with no word and no table on it (a duplex scan's back, a separator sheet) is said to be blank;
    # on a scan, so is one where OCR read only dust (each line's words doubtful: they go to `residual`).
    pages = [replace(p, source="blank") if _blank(p) else p for p in pages]
    return Source(
        path=str(path),
        sha256=digest,
        # A document with a scanned page is an OCR reading: its words carry OCR's doubts.
        format="ocr" if scans else "pdf",
        flavour="pdf",
        pages=tuple(pages),
        fonts=tuple(sorted(f for f in fonts if f)),
        issues=tuple(issues),
        signatures=signatures,
    )


def _blank(page: Page) -> bool:
    return not page.tables and all(
        line.confidence is not None and line.confidence < NOISE_LINE_CONFIDENCE for line in page.lines)


def _signatures(pdf, data: bytes) -> tuple[Signature, ...]:
    """The PDF's digital signatures; none where its form cannot be read (a broken form never stops a document)."""
    try:
        return read_signatures(pdf, data)
    except Exception:  # pdfminer raises many kinds of error on a broken object tree
        return ()


def _check_pdf_pages(path: Path, data: bytes):
    """Budgets before work, by PDFium, which reads a page count and page sizes without building the
    pages (pdfplumber's page list takes 15–30 s for 100,000 pages): the count, then each page's size.
    A PDF that needs a password to open is refused here too; one PDFium cannot open otherwise (a page
    tree of no pages, a file it finds damaged) is left to pdfminer, which says why it cannot read it, or
    reads it: its pages are then counted by pdfminer, lazily, up to the limit.

    Returns the PDFium document, open (the caller closes it: it draws the signature fields, page by page,
    annotations.slot_chars), or None where PDFium cannot open the file (its fields are then not read)."""
    try:
        doc = open_pdfium(str(path), data)
    except UnreadableFile:
        return None
    try:
        count = len(doc)  # the page tree's own count: 0 where it is broken, and pdfminer may still find pages
        if count > MAX_PDF_PAGES:
            raise TooLarge(str(path), f"PDF of {count} pages is over the {MAX_PDF_PAGES}-page limit for a plan")
        for index in range(count):
            width, height = doc.get_page_size(index)
            if not (math.isfinite(width) and math.isfinite(height)) or max(width, height) > MAX_PAGE_POINTS:
                raise TooLarge(str(path), f"too large a page: page {index + 1} is {width:.0f}×{height:.0f} pt, over "
                                          f"the {MAX_PAGE_POINTS} pt (200 in) a side a PDF page may measure")
    except BaseException:
        doc.close()
        raise
    return doc


def _more_pages_than(doc, limit: int) -> bool:
    """Does pdfminer find more than `limit` pages? Counted one by one and no further than the limit: a
    page tree whose count says 1 over 100,000 pages (PDFium believes the count) costs `limit` pages."""
    from pdfminer.pdfpage import PDFPage

    return sum(1 for _ in islice(PDFPage.create_pages(doc), limit + 1)) > limit


def _extract_image(path: Path, data: bytes, digest: str, ocr_cache: str | Path | None = None) -> Source:
    """An image file (a multi-page TIFF: one page a frame) read by OCR as a scanned PDF is."""
    read = ocr_image_file(str(path), digest, ocr_cache, max_pages=MAX_PDF_PAGES, data=data)
    pages, issues = [], []
    for number in sorted(read):
        page, found = page_records(number, read[number])
        pages.append(page)
        issues.extend(found)
    pages, found = fix_label_runs(pages)
    issues.extend(found)
    if not any(p.lines for p in pages):
        raise NoTextLayer(str(path), "no text: OCR read no words in the image")
    # The flavour is a PDF's: lines with boxes on pages, ruled tables as grids.
    return Source(path=str(path), sha256=digest, format="ocr", flavour="pdf", pages=tuple(pages), issues=tuple(issues))


def _centre_in(char: dict, box) -> bool:
    x0, top, x1, bottom = box
    return x0 <= (char["x0"] + char["x1"]) / 2 < x1 and top <= (char["top"] + char["bottom"]) / 2 < bottom


# A table's foot left open: its column rules run down to one height and no rule closes them there.
# A browser breaking a row over a page draws the row's part on this page so (Chromium: the cell's bottom
# border is drawn only where the cell ends); a rule there gives the part its row.
FOOT_SLACK = 1.5  # points: rules ending this close end at one height
MIN_RULE = 5.0  # points: a column rule at least this long


def open_feet(page) -> list[dict]:
    """A rule across each open foot: where two column rules or more end at one height, below a rule across
    them (drawn whole or cell by cell), and none across them there."""
    verticals = [e for e in page.vertical_edges if e["height"] >= MIN_RULE]
    horizontals = page.horizontal_edges
    feet = []
    for bottom in sorted({round(e["bottom"], 1) for e in verticals}):
        ending = [e for e in verticals if abs(e["bottom"] - bottom) <= FOOT_SLACK]
        if len(ending) < 2:
            continue
        x0, x1 = min(e["x0"] for e in ending), max(e["x1"] for e in ending)
        if _across(horizontals, bottom, x0, x1):
            continue
        if any(_across(horizontals, h["top"], x0, x1) for h in horizontals if h["top"] < bottom - MIN_RULE):
            feet.append({"x0": x0, "x1": x1, "top": bottom, "bottom": bottom, "width": x1 - x0, "height": 0.0,
                         "orientation": "h", "object_type": "line", "doctop": page.initial_doctop + bottom})
    return feet


def _across(horizontals: list[dict], y: float, x0: float, x1: float) -> bool:
    """Do the rules at height `y` run from x0 to x1, gaps of a rule's width aside?"""
    reach = x0
    for h in sorted((h for h in horizontals if abs(h["top"] - y) <= FOOT_SLACK), key=lambda h: h["x0"]):
        if h["x0"] > reach + FOOT_SLACK:
            return False
        reach = max(reach, h["x1"])
    return reach >= x1 - FOOT_SLACK


def _inside_box(inner: tuple, outer: tuple, slack: float = 1.0) -> bool:
    """Does box `inner` lie within box `outer` (x0, top, x1, bottom), and is it the smaller?"""
    return (outer[0] - slack <= inner[0] and inner[2] <= outer[2] + slack and outer[1] - slack <= inner[1]
            and inner[3] <= outer[3] + slack and (inner[2] - inner[0]) * (inner[3] - inner[1])
            < (outer[2] - outer[0]) * (outer[3] - outer[1]))


def _ruled_tables(page, number: int) -> tuple[TableGrid, ...]:
    """The page's ruled tables, cell by cell; only pages with ruling lines are searched."""
    if not page.edges:
        return ()
    grids = []
    feet = open_feet(page)
    found = page.find_tables({"explicit_horizontal_lines": feet} if feet else None)
    for table in found:
        if any(other is not table and _inside_box(table.bbox, other.bbox) for other in found):
            continue  # rules inside a cell (a box drawn around a few of its lines): the cell's text already
        rows = []
        for row in table.rows:
            # A character is a cell's where its middle is, as pdfplumber's Table.extract places it.
            row_chars = [c for c in page.chars if _centre_in(c, row.bbox)]
            rows.append(tuple(
                None if box is None else TableCell(
                    unicodedata.normalize("NFC", cell_text([c for c in row_chars if _centre_in(c, box)])),
                    Box(*(round(v, 2) for v in box)))
                for box in row.cells
            ))
        grids.append(TableGrid(page=number, bbox=Box(*(round(v, 2) for v in table.bbox)), rows=tuple(rows)))
    return tuple(grids)


def _pdf_error(path: Path, exc: Exception) -> DocumentError:
    """Name what pdfminer's exception means for the user."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    # pdfplumber wraps pdfminer's exception in its own; the cause is inside.
    inner = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(inner).lower():
        return EncryptedPdf(str(path), "encrypted PDF: it cannot be opened without its password")
    if isinstance(inner, (PDFSyntaxError, PSException)):
        return UnreadableFile(str(path), f"damaged or truncated PDF ({type(inner).__name__}: {inner})")
    return UnreadableFile(str(path), f"PDF could not be read ({type(inner).__name__}: {inner})")
