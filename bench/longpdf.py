"""A long PDF for the memory figures: the known plan's pages typeset again, over and over.

Each page of the source is redrawn with reportlab: every text line at its
place in its size, every ruling line of its tables, so that the copy costs
pdfplumber what the original costs, page for page. Built in the bench's
temporary folder, never committed.

    .venv/bin/python bench/longpdf.py OUT.pdf [PAGES]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pdfplumber
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "mang-yang-2021-cchc.pdf"
FONTS = ROOT / "tests" / "fixtures" / "fonts"


def _page_drawings(source: Path) -> list[tuple[float, float, list, list]]:
    """(width, height, text lines as (x, baseline, size, text), rules as (x0, y0, x1, y1)) of every page."""
    pages = []
    with pdfplumber.open(source) as pdf:
        for page in pdf.pages:
            texts = [(tl["x0"], page.height - tl["bottom"] + 2, tl["chars"][0]["size"], tl["text"])
                     for tl in page.extract_text_lines() if tl["text"].strip()]
            rules = [(e["x0"], page.height - e["bottom"], e["x1"], page.height - e["top"]) for e in page.edges]
            pages.append((float(page.width), float(page.height), texts, rules))
            page.close()
    return pages


def long_pdf(out: Path, pages: int = 400, source: Path = SOURCE) -> Path:
    """Write a PDF of `pages` pages, the pages of `source` in turn; return its path."""
    pdfmetrics.registerFont(TTFont("Serif", str(FONTS / "DejaVuSerif.ttf")))
    drawings = _page_drawings(source)
    pdf = canvas.Canvas(str(out))
    for number in range(pages):
        width, height, texts, rules = drawings[number % len(drawings)]
        pdf.setPageSize((width, height))
        for x, y, size, text in texts:
            pdf.setFont("Serif", size)
            pdf.drawString(x, y, text)
        for x0, y0, x1, y1 in rules:
            pdf.line(x0, y0, x1, y1)
        pdf.showPage()
    pdf.save()
    return out


if __name__ == "__main__":
    long_pdf(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 400)
