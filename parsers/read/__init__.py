"""Stage 1, reading: a PDF, a text file or a scan into pages of lines, with their boxes.

- `extract`: the stage itself, choosing a reader per file and per page;
- `columns`: a PDF page's words into lines, and two-column blocks read column by column;
- `legacy`: text drawn in legacy Vietnamese fonts (TCVN3 `.VnTime`, VNI) read as Unicode, font by font;
- `layout_text`: what `pdftotext -layout` makes of a PDF, read back into lines and tables;
- `ocr/`: scanned pages by Tesseract (rendering, the image, Tesseract, the records, the cache, and the
  numbers written by hand into a header: `ocr/slots.py`).
"""
