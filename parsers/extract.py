"""Stage 1, extract: a PDF or a text file into pages of lines.

Nothing is dropped here: every non-blank line of the input becomes a `Line`
with its page, its line number on the page and, from a PDF, its box. What is a
page number or a rule is for `clean` to say.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import regex as re

from .errors import (
    DocumentError,
    EmptyDocument,
    EncryptedPdf,
    LegacyEncoding,
    NoTextLayer,
    NotAPdf,
    TooLarge,
    UnreadableFile,
)
from .columns import split_columns, text_lines
from .layout_text import is_layout, read_pages
from .records import Line, Page, Source, TableCell, TableGrid
from .unruled import unruled_tables

# Yearly plans run to a few dozen pages; the largest seen is under 2 MB as
# PDF. Past these, a file is something else (a scanned archive, a data dump).
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 500

# A text file converted from a legal-database web page marks table cells and
# header columns with lines that hold only `|`.
WEB_CELL_MARK = re.compile(r"^\|\s*$", re.M)

# In text extracted from a PDF by the usual tools, a new page starts with a
# line that begins with a space, and a lone page number may stand at its top.
TEXT_PAGE_START = re.compile(r"^[ \t]+\S")
LONE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")


def extract(path: str | Path) -> Source:
    """Read a `.pdf` or `.txt` file into a `Source`; raise a DocumentError if unusable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        limit = MAX_PDF_BYTES if path.suffix.lower() == ".pdf" else MAX_TEXT_BYTES
        if size > limit:
            raise TooLarge(str(path), f"file of {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit for a plan")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(str(path), f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise EmptyDocument(str(path), "file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
        return _extract_pdf(path, data, digest)
    return _extract_text(path, data, digest)


# --------------------------------------------------------------------- text


def _decode(path: Path, data: bytes) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise TooLarge(str(path), f"text file of {len(data) / 1e6:.1f} MB is over the {MAX_TEXT_BYTES // 2**20} MB limit for a plan")
    if data[:4] in (b"PK\x03\x04",) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotAPdf(str(path), "a Word or Office file, not text or PDF")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LegacyEncoding(
            str(path), f"not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}): a legacy encoding such as TCVN3 or VNI? convert it to UTF-8 first"
        ) from None
    if "\x00" in text:
        raise NotAPdf(str(path), "binary data, not text")
    return text


def _extract_text(path: Path, data: bytes, digest: str) -> Source:
    text = _decode(path, data)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    flavour = "web" if len(WEB_CELL_MARK.findall(text)) >= 3 else "layout" if is_layout(text) else "plain"
    if flavour == "layout":
        return _extract_layout(path, raw_lines, digest)
    pages: list[list[Line]] = [[]]
    page_no = 1
    for idx, raw in enumerate(raw_lines, start=1):
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
            line = Line(page=page_no, line_no=len(pages[-1]) + 1, text=piece.rstrip(), source_line=idx)
            pages[-1].append(line)
    if not any(pages):
        raise EmptyDocument(str(path), "file holds no text")
    return Source(
        path=str(path),
        sha256=digest,
        format="text",
        flavour=flavour,
        pages=tuple(Page(number=i + 1, lines=tuple(ls)) for i, ls in enumerate(p for p in pages if p)),
    )


def _extract_layout(path: Path, raw_lines: list[str], digest: str) -> Source:
    """Text of `pdftotext -layout`: form feeds part the pages; each page keeps its blank lines, which place its lines."""
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
    number = LONE_NUMBER.match(piece)
    if number:
        return int(number.group(1)) == page_no + 1
    if TEXT_PAGE_START.match(piece):
        return not all(LONE_NUMBER.match(line.text) for line in page)
    return False


# ---------------------------------------------------------------------- pdf


def _extract_pdf(path: Path, data: bytes, digest: str) -> Source:
    import pdfplumber

    if data[:5] != b"%PDF-":
        kind = "a Word or Office file" if data[:4] == b"PK\x03\x04" or data[:4] == b"\xd0\xcf\x11\xe0" else "no PDF signature"
        raise NotAPdf(str(path), f"not a PDF ({kind})")
    if len(data) > MAX_PDF_BYTES:
        raise TooLarge(str(path), f"PDF of {len(data) / 1e6:.1f} MB is over the {MAX_PDF_BYTES // 2**20} MB limit for a plan")
    if b"%%EOF" not in data[-2048:]:
        # pdfminer often reads a cut file without complaint; the missing end
        # marker is the reliable sign of an interrupted download.
        raise UnreadableFile(str(path), "truncated PDF (no %%EOF end marker): the download was cut short?")
    pages: list[Page] = []
    fonts: set[str] = set()
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) == 0:
                raise EmptyDocument(str(path), "PDF has no pages")
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise TooLarge(str(path), f"PDF of {len(pdf.pages)} pages is over the {MAX_PDF_PAGES}-page limit for a plan")
            for number, page in enumerate(pdf.pages, start=1):
                if number <= 2:
                    fonts.update(ch.get("fontname", "") for ch in page.chars)
                found = text_lines(page)
                ruled = _ruled_tables(page, number)
                unruled = unruled_tables(found, number, [g.bbox for g in ruled], page.horizontal_edges if page.edges else ())
                # Two-column blocks are read column by column; lines of a table stay whole.
                ordered = split_columns(found, [g.bbox for g in ruled + unruled])
                lines = tuple(
                    Line(
                        page=number,
                        line_no=i,
                        text=unicodedata.normalize("NFC", tl.text),
                        x0=round(tl.x0, 2),
                        top=round(tl.top, 2),
                        x1=round(tl.x1, 2),
                        bottom=round(tl.bottom, 2),
                    )
                    for i, tl in enumerate(ordered, start=1)
                )
                pages.append(Page(number=number, lines=lines, width=float(page.width), height=float(page.height),
                                  tables=ruled + unruled))
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on broken files
        raise _pdf_error(path, exc) from None
    if not any(p.lines for p in pages):
        raise NoTextLayer(
            str(path), f"no text layer: {len(pages)} page(s) of images, a scan; OCR it first (this pipeline reads text, not images)"
        )
    return Source(
        path=str(path),
        sha256=digest,
        format="pdf",
        flavour="pdf",
        pages=tuple(pages),
        fonts=tuple(sorted(f for f in fonts if f)),
    )


def _ruled_tables(page, number: int) -> tuple[TableGrid, ...]:
    """The page's ruled tables, cell by cell; only pages with ruling lines are searched."""
    if not page.edges:
        return ()
    grids = []
    for table in page.find_tables():
        rows = []
        for row, texts in zip(table.rows, table.extract()):
            rows.append(tuple(
                None if box is None else TableCell(unicodedata.normalize("NFC", text or ""), *(round(v, 2) for v in box))
                for box, text in zip(row.cells, texts)
            ))
        grids.append(TableGrid(page=number, bbox=tuple(round(v, 2) for v in table.bbox), rows=tuple(rows)))
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
