"""Legal-database pages typeset as their issuers' PDFs: every kind of document, through the PDF path.

Each page's flow is read with the pipeline's own web reading: the outline's
nodes in order, each printed as the page prints it (its own lines, emphasis
marks out), and its tables with their rows, columns and spans. It is then set
the way such documents are set: the national header in two columns (issuer
and number left, the national title and the place and date right), the body
in paragraphs, the tables as ruled grids whose header rows repeat on each
page, the recipients and the signature side by side, each appendix from a new
page (landscape when its tables are wide). What a test checks the PDF's
reading against stays the page's own: its metadata table and its cells, never
this reading of it.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from parsers.read.extract import extract
from pipeline.run import parse_document
from tests.support.pdfgen import BODY, CELL, CENTRE_BOLD, CENTRE_SMALL, HEAD, MARGIN, SMALL, SMALL_BOLD, _two_columns

JUSTIFIED = ParagraphStyle("justified", parent=BODY, alignment=4, spaceAfter=4)
BOLD = ParagraphStyle("bold", parent=JUSTIFIED, fontName="Serif-Bold")
CENTRED_TITLE = ParagraphStyle("centred-title", parent=CENTRE_BOLD, fontSize=13, leading=17, spaceAfter=4)

# Outline kinds set centred, as titles are: the document's type and subject, the issuing authority, the
# enacting formula, an appendix's titles.
CENTRED = frozenset({"doc_type", "subject", "authority", "enact", "appendix_title", "attachment", "preamble",
                     "chapter", "subchapter", "part", "form_header"})
# Kinds the closing block is made of: the recipients' column, and the signature's.
RECIPIENTS, SIGNATURE = frozenset({"recipients", "recipient"}), frozenset({"signature", "signer_title", "signer"})
# Kinds read into a table's cells: the table prints them.
IN_TABLE = frozenset({"table_row", "table_group", "table_header"})
NATIONAL = ("CỘNG HÒA", "CỘNG HOÀ", "Độc lập")
MARKS = re.compile(r"\*+|^#+\s*")
WIDE_TABLE = 5  # columns from which an appendix is set landscape


class _Lines:
    """The page's lines as the pipeline's extraction numbers them (page, line), which the outline's nodes name."""

    def __init__(self, path: Path):
        lines = [l for page in extract(path).pages for l in page.lines]
        self.texts = [l.text for l in lines]
        self.index = {(l.page, l.line_no): k for k, l in enumerate(lines)}

    def of(self, node: dict) -> list[str]:
        """The node's lines as the page prints them: its own lines, emphasis and heading marks out."""
        first = self.index[node["page_start"], node["line_start"]]
        last = self.index[node["page_end"], node["line_end"]]
        lines = [" ".join(MARKS.sub("", t).split()) for t in self.texts[first:last + 1]]
        return [l for l in lines if l and l != "|"]

    def bold(self, node: dict) -> bool:
        return self.texts[self.index[node["page_start"], node["line_start"]]].lstrip("#").lstrip().startswith("**")


def _grid(table: dict, cells: list[dict], frame_width: float, spans: bool) -> Table:
    n_rows, n_cols, heads = table["n_rows"], table["n_cols"], table["header_rows"]
    data = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if 0 < heads < n_rows:  # the rule under the header drawn again on each page, above a row's part carried over
        style += [("LINEBELOW", (0, heads - 1), (-1, heads - 1), 0.5, colors.black),
                  ("LINEABOVE", (0, heads), (-1, -1), 0.5, colors.black)]
    for c in cells:
        text = escape(c["text"])
        data[c["row"]][c["col"]] = Paragraph(text, HEAD if c["is_header"] else CELL) if text else ""
        if spans and (c["row_span"] > 1 or c["col_span"] > 1):
            style.append(("SPAN", (c["col"], c["row"]), (c["col"] + c["col_span"] - 1, c["row"] + c["row_span"] - 1)))
    # Each column as wide as its longest word needs, the rest shared by how much text it holds.
    floors, weights = [14.0] * n_cols, [1.0] * n_cols
    for c in cells:
        if c["col_span"] == 1:
            font = "Serif-Bold" if c["is_header"] else "Serif"
            longest = max((pdfmetrics.stringWidth(w, font, CELL.fontSize) for w in c["text"].split()), default=0.0)
            floors[c["col"]] = max(floors[c["col"]], longest + 14)
        for col in range(c["col"], min(n_cols, c["col"] + c["col_span"])):
            weights[col] += len(c["text"]) / c["col_span"]
    scale = min(1.0, frame_width / sum(floors))
    floors = [f * scale for f in floors]
    spare = frame_width - sum(floors)
    widths = [f + spare * w ** 0.6 / sum(x ** 0.6 for x in weights) for f, w in zip(floors, weights)]
    grid = Table(data, colWidths=widths, repeatRows=heads if heads < n_rows else 0, splitInRow=1)
    grid.setStyle(TableStyle(style))
    return grid


def story_of(path: Path, spans: bool = True) -> list:
    """The page's flow as reportlab flowables."""
    doc = parse_document(path)
    tables = {t["node_id"]: t for t in doc["tables"]}
    cells: dict[str, list[dict]] = {}
    for c in doc["table_cells"]:
        cells.setdefault(c["table_id"], []).append(c)
    raw = _Lines(path)
    # In the order read (node ids follow the page), less the containers that print nothing of their own; a
    # task table's node has handed its lines to its rows, and stands where it was read.
    nodes = [n for n in doc["outline"] if n["kind"] not in IN_TABLE and (n["line_start"] or n["kind"] == "table")]
    appendix_of = {}  # node -> its appendix node
    by_id = {n["node_id"]: n for n in doc["outline"]}
    for n in doc["outline"]:
        up = n
        while up["parent_id"] is not None and up["kind"] != "appendix":
            up = by_id[up["parent_id"]]
        appendix_of[n["node_id"]] = up["node_id"] if up["kind"] == "appendix" else None
    width_portrait, width_landscape = A4[0] - 2 * MARGIN, landscape(A4)[0] - 2 * MARGIN

    story: list = []
    current_appendix, wide = None, False
    k = 0
    table_end = -1  # the last line of the last table set: the nodes read from its cells are in it
    while k < len(nodes):
        n = nodes[k]
        if n["line_start"] and raw.index[n["page_start"], n["line_start"]] <= table_end:
            k += 1
            continue
        appendix = appendix_of[n["node_id"]]
        if appendix is not None and appendix != current_appendix:
            current_appendix = appendix
            wide = any(t["n_cols"] >= WIDE_TABLE for t in tables.values() if appendix_of[t["node_id"]] == appendix)
            story += [NextPageTemplate("landscape" if wide else "portrait"), PageBreak()]
        frame_width = width_landscape if wide else width_portrait
        if n["kind"] == "header":
            group = []
            while k < len(nodes) and nodes[k]["kind"] in ("header", "letter_subject"):
                group.append(nodes[k])
                k += 1
            story.append(_header_block(raw, group, frame_width))
            continue
        if n["kind"] in RECIPIENTS | SIGNATURE:
            group = []
            while k < len(nodes) and nodes[k]["kind"] in RECIPIENTS | SIGNATURE:
                group.append(nodes[k])
                k += 1
            story.append(_closing_block(raw, group, frame_width))
            continue
        k += 1
        if n["kind"] == "table":
            table = tables.get(n["node_id"])
            ends = [raw.index[n["page_end"], n["line_end"]]] if n["line_end"] else []
            table_end = max(ends + [table_end])
            if table is not None:
                story += [_grid(table, cells.get(table["table_id"], []), frame_width, spans), Spacer(1, 8)]
            continue
        text = " ".join(raw.of(n))
        if not text:
            continue
        style = CENTRED_TITLE if n["kind"] in CENTRED else BOLD if raw.bold(n) else JUSTIFIED
        story.append(Paragraph(escape(text), style))
    return story


def _header_block(raw: _Lines, group: list[dict], width: float) -> Table:
    """Issuer, number and subject line left; national title, motto and place and date right."""
    left, right = [], []
    national = False
    for n in group:
        text = raw.of(n)
        national = national or " ".join(text).startswith(NATIONAL)
        side = left if not national or text[0].startswith(("Số", "V/v")) or n["kind"] == "letter_subject" else right
        style = CENTRE_BOLD if raw.bold(n) else CENTRE_SMALL
        # The issuer's lines are its own (the parent body, then the unit); the national title, the motto and
        # the place and date are each one line, which the page's source wraps where it likes.
        side.append(Paragraph(("<br/>" if side is left else " ").join(map(escape, text)), style))
    return _two_columns(left or [Spacer(1, 1)], right or [Spacer(1, 1)], width)


def _closing_block(raw: _Lines, group: list[dict], width: float) -> Table:
    """Recipients left, signature right, as a closing is set."""
    left, right = [], []
    for n in group:
        text = raw.of(n)
        if not text:
            continue
        if n["kind"] in RECIPIENTS:
            left.append(Paragraph(escape(" ".join(text)), SMALL_BOLD if n["kind"] == "recipients" else SMALL))
        else:
            if n["kind"] == "signer":
                right.append(Spacer(1, 48))
            right.append(Paragraph(escape(" ".join(text)), CENTRE_BOLD))
    return _two_columns(left or [Spacer(1, 1)], right or [Spacer(1, 1)], width)


def typeset(path: Path, out: Path) -> Path:
    doc = BaseDocTemplate(str(out), pagesize=A4, title=path.stem, invariant=1)  # the same bytes on every run
    portrait = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
    land = Frame(MARGIN, MARGIN, landscape(A4)[0] - 2 * MARGIN, landscape(A4)[1] - 2 * MARGIN)
    doc.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4),
                          PageTemplate("landscape", [land], pagesize=landscape(A4))])
    try:
        doc.build(story_of(path))
    except Exception:  # reportlab cannot break some cells spanning rows over a page: set them unmerged
        doc.build(story_of(path, spans=False))
    return out
