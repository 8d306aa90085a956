"""Budgets before work: no small file makes a run render or decode gigabytes (issue 27).

What a page costs is known from its size before it is rendered or decoded: a file with a page over
budget is refused with one line, before its first page is read. The inputs are the hostile tester's,
made here: a PNG of 100 Mpx that records 51 dpi, one blank PDF page of 20,000 pt, a page that fits PDF's
limits but not the render budget, 100,000 pages. Each is parsed in a process of its own, whose peak
memory (VmHWM) is read at its end; an address-space limit makes a run past the budget fail rather than
take the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from parsers.model import errors
from parsers.read.extract import extract
from parsers.read.ocr import run as ocr_run
from parsers.read.ocr.cache import CACHE_ENV
from tests.support.documents import KNOWN_PDF, ROOT
from tests.support.rawpdf import write_objects

# The peak a hostile file may cost a parsing process: what the issue asks (500 MB), and for a page count
# read without building the pages, the interpreter and PDFium (some 60 MB) with room to spare.
PEAK_MB = 500
COUNT_PEAK_MB = 150

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # past 3 GB: a MemoryError, not the machine's memory
from parsers.model.errors import DocumentError
from parsers.read.extract import extract
try:
    source = extract(sys.argv[1])
    outcome = ["parsed", f"{len(source.pages)} pages"]
except DocumentError as exc:
    outcome = [exc.code, str(exc)]
except BaseException as exc:  # a MemoryError past the limit, a library's own error: no refusal
    outcome = ["bug", f"{type(exc).__name__}: {exc}"]
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": outcome[0], "message": outcome[1], "peak_mb": peak_kb / 1024}))
"""


def parse_alone(path: Path, tmp_path: Path) -> tuple[dict, str]:
    """Parse `path` in a process of its own: its outcome and peak memory, and what it wrote on stderr."""
    env = dict(os.environ, PLAN_OCR_CACHE=str(tmp_path / "ocr-cache"))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                          timeout=900, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1]), proc.stderr


def pdf_of(path: Path, pages: list[bytes], count: int | None = None) -> Path:
    """A PDF written object by object: one page object per entry of `pages` (its dictionary's body),
    under one page tree whose /Count is `count` (else the true one)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>",
               b"<</Type/Pages/Kids[%s]/Count %d>>" % (b" ".join(b"%d 0 R" % (i + 3) for i in range(len(pages))),
                                                      len(pages) if count is None else count)]
    objects += [b"<</Type/Page/Parent 2 0 R" + body + b">>" for body in pages]
    return write_objects(path, objects)


def blank_page(width: int, height: int) -> bytes:
    return b"/MediaBox[0 0 %d %d]/Resources<<>>" % (width, height)


# ------------------------------------------------------------------ the tester's inputs, each alone


def test_a_png_of_100_mpx_that_records_51_dpi_is_refused_in_little_memory(tmp_path):
    """120 KB of PNG: a 10000×10000 white page recording 51 dpi. Believed, 51 dpi made it a 5-metre page
    scaled to 39216×39216 pixels (some 3 GB, then the machine's memory); Pillow's bomb warning went to
    stderr naming no file."""
    png = tmp_path / "page.png"
    Image.new("L", (10_000, 10_000), 255).save(png, dpi=(51, 51))
    assert png.stat().st_size < 200_000
    result, stderr = parse_alone(png, tmp_path)
    assert result["code"] == "too_large", result
    assert result["message"] == (f"{png}: too large to decode: page 1 is an image of 10000×10000 px, 100 Mpx "
                                 f"(the budget is {ocr_run.MAX_IMAGE_PIXELS // 10**6} Mpx)")
    assert stderr == ""  # no stray line: the file's own refusal says it all
    assert result["peak_mb"] < PEAK_MB


def test_a_blank_pdf_page_of_20000_pt_is_refused_in_little_memory(tmp_path):
    """A few hundred bytes: one blank page of 20000×20000 pt, beyond PDF's 200 inches. With no text, it
    went to OCR, rendered at 200 dpi as 55556×55556 pixels."""
    pdf = pdf_of(tmp_path / "page.pdf", [blank_page(20_000, 20_000)])
    assert pdf.stat().st_size < 500
    result, stderr = parse_alone(pdf, tmp_path)
    assert result["code"] == "too_large", result
    assert result["message"] == (f"{pdf}: too large a page: page 1 is 20000×20000 pt, "
                                 "over the 14400 pt (200 in) a side a PDF page may measure")
    assert stderr == "" and result["peak_mb"] < PEAK_MB


def test_a_page_within_pdf_limits_but_over_the_render_budget_is_refused_before_rendering(tmp_path):
    """5000×5000 pt is a PDF page (a poster), but 193 Mpx at 200 dpi: the budget says so before it is drawn."""
    pdf = pdf_of(tmp_path / "poster.pdf", [blank_page(595, 842), blank_page(5_000, 5_000)])
    result, stderr = parse_alone(pdf, tmp_path)
    assert result["code"] == "too_large", result
    assert result["message"] == (f"{pdf}: too large when rendered: page 2 is 5000×5000 pt, 193 Mpx at 200 dpi "
                                 f"(the budget is {ocr_run.MAX_PAGE_PIXELS // 10**6} Mpx a page)")
    assert stderr == "" and result["peak_mb"] < PEAK_MB


def test_a_pdf_of_100000_pages_is_refused_by_its_count_alone(tmp_path):
    """PDFium reads the page count without building the pages (pdfplumber's list of 100,000 pages took
    15–30 s and some 360 MB before the limit was looked at)."""
    pdf = pdf_of(tmp_path / "many.pdf", [blank_page(595, 842)] * 100_000)
    result, stderr = parse_alone(pdf, tmp_path)
    assert result["code"] == "too_large", result
    assert result["message"] == f"{pdf}: PDF of 100000 pages is over the 500-page limit for a plan"
    assert stderr == "" and result["peak_mb"] < COUNT_PEAK_MB


# ------------------------------------------------------------------ images


def test_an_image_over_pillows_own_limit_is_too_large_not_a_parser_bug(tmp_path, capfd):
    """400 Mpx: Pillow refuses it itself (DecompressionBombError), which was labelled a parser bug."""
    png = tmp_path / "huge.png"
    Image.new("1", (20_000, 20_000), 1).save(png, dpi=(51, 51))
    with pytest.raises(errors.TooLarge) as info:
        extract(png)
    assert str(info.value) == (f"{png}: too large to decode: an image of 400 Mpx "
                               f"(the budget is {ocr_run.MAX_IMAGE_PIXELS // 10**6} Mpx)")
    assert capfd.readouterr().err == ""


def test_every_page_of_an_image_is_weighed_before_the_first_is_read(tmp_path, monkeypatch):
    """A TIFF whose second page is over budget is refused before its first page is read."""
    tiff = tmp_path / "two.tif"
    small, large = Image.new("L", (1654, 2339), 255), Image.new("L", (9_000, 9_000), 255)
    small.save(tiff, save_all=True, append_images=[large], compression="tiff_deflate", dpi=(200, 200))
    readings = []
    monkeypatch.setattr(ocr_run, "prepare", lambda image: readings.append(image.size) or pytest.fail("a page was read"))
    monkeypatch.setattr(ocr_run, "require_tesseract", lambda path: None)  # the refusal is the same with or without it
    with pytest.raises(errors.TooLarge) as info:
        extract(tiff)
    assert str(info.value) == (f"{tiff}: too large to decode: page 2 is an image of 9000×9000 px, 81 Mpx "
                               f"(the budget is {ocr_run.MAX_IMAGE_PIXELS // 10**6} Mpx)")
    assert readings == []


def test_a_cut_image_is_a_damaged_image_not_a_parser_bug(tmp_path, monkeypatch):
    """A PNG cut short (a download cut off): Pillow reads its header, then fails to decode it with an
    OSError, which was labelled a parser bug."""
    monkeypatch.setattr(ocr_run, "require_tesseract", lambda path: None)  # refused before Tesseract is asked
    whole = tmp_path / "whole.png"
    Image.effect_noise((800, 1000), 60).save(whole, dpi=(200, 200))
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(errors.UnreadableFile) as info:
        extract(cut)
    assert str(info.value) == f"{cut}: damaged image: page 1 cannot be decoded (image file is truncated)"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
@pytest.mark.parametrize("dpi", [51, 72, 5000])
def test_a_resolution_no_scanner_records_is_not_believed(tmp_path, monkeypatch, dpi):
    """A page whose image records 51, 72 (a phone's default) or 5000 dpi is taken as an A4 page scanned
    across its width, as one that records none: 595 pt wide, read at 200 dpi."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    png = tmp_path / "page.png"
    Image.new("L", (1000, 1414), 255).save(png, dpi=(dpi, dpi))
    [scan] = ocr_run.ocr_image_file(str(png), "0" * 64, cache=None, workers=1).values()
    assert round(scan.width) == 595 and round(scan.height) == 842


# ------------------------------------------------------------------ PDFs PDFium and pdfminer read apart


def test_a_page_tree_whose_count_lies_is_a_damaged_pdf_not_a_parser_bug(tmp_path, monkeypatch):
    """/Count 1 over two pages: pdfminer finds both, PDFium (which renders the scans) one. A page with no
    text went to OCR, and PDFium's error on page 2 was labelled a parser bug."""
    monkeypatch.setattr(ocr_run, "require_tesseract", lambda path: None)
    pdf = pdf_of(tmp_path / "lying.pdf", [blank_page(595, 842), blank_page(595, 842)], count=1)
    with pytest.raises(errors.UnreadableFile) as info:
        extract(pdf)
    assert str(info.value) == f"{pdf}: damaged PDF: no page 2 in its page tree's count (1)"


def _encrypted(tmp_path: Path, user_password: str) -> Path:
    pypdf = pytest.importorskip("pypdf")
    from pypdf.constants import UserAccessPermissions as Allowed

    writer = pypdf.PdfWriter(clone_from=str(KNOWN_PDF))
    # Locked as offices lock what they publish: no printing, copying or changing.
    locked = Allowed.all() & ~Allowed.PRINT & ~Allowed.EXTRACT & ~Allowed.MODIFY
    writer.encrypt(user_password=user_password, owner_password="owner", permissions_flag=locked, algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_a_pdf_locked_only_against_copying_and_printing_is_read_and_one_needing_a_password_is_refused(tmp_path):
    """The README's rule: an encrypted PDF is refused when it needs a password to open; one locked only by
    an owner password (its user password empty: anyone opens it) is read like any other."""
    assert extract(_encrypted(tmp_path, "")).pages == extract(KNOWN_PDF).pages
    locked = _encrypted(tmp_path, "secret")
    with pytest.raises(errors.EncryptedPdf) as info:
        extract(locked)
    assert str(info.value) == f"{locked}: encrypted PDF: it cannot be opened without its password"


def test_a_pdf_of_no_pages_after_an_encrypted_one_is_empty_not_encrypted(tmp_path):
    """PDFium's last error belongs to the process: a PDF it fails to load without an error of its own (a
    page tree of no pages) was refused as encrypted when an encrypted file had been read before it."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(KNOWN_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(tmp_path / "encrypted.pdf", "wb") as fh:
        writer.write(fh)
    with open(tmp_path / "zero-pages.pdf", "wb") as fh:
        pypdf.PdfWriter().write(fh)
    with pytest.raises(errors.EncryptedPdf):
        extract(tmp_path / "encrypted.pdf")
    with pytest.raises(errors.EmptyDocument, match="PDF has no pages"):
        extract(tmp_path / "zero-pages.pdf")
