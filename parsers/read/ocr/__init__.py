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

- `run`: which pages are scans, rendering with its pixel budgets, and the pages read in parallel;
- `tesseract`: the program's invocations and its output read into `Word`s;
- `slots`: the numbers written by hand into a header, read again as digits;
- `image`: the page image cleaned, straightened, and its ruled tables found;
- `records`: the words into lines and tables, in reading order, corrected;
- `cache`: the cache folder and its entries, checked before they are believed;
- `words`: `Word` and `PageScan`, what the parts hand one another.
"""

from parsers.read.ocr.cache import CACHE_ENV
from parsers.read.ocr.run import OCR_DPI, ocr_pdf_pages

__all__ = ["CACHE_ENV", "OCR_DPI", "ocr_pdf_pages"]
