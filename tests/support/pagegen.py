"""Legal-database pages typeset by reportlab as their issuers' PDFs: every kind of document, through the PDF path.

The page's flow (`flow.py`) is set the way such documents are set: the
national header in two columns (issuer and number left, the national title and
the place and date right), the body in paragraphs, the tables as ruled grids
whose header rows repeat on each page, the recipients and the signature side
by side, each appendix from a new page (landscape when its tables are wide).
Without a style, the house style of the other PDF tests (DejaVu Serif, 12 pt);
with one, its font, sizes and margins.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
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

from tests.support.flow import MM, Block, Columns, Grid, NewPage, Para, Style, column_widths, flow_of, style_for
from tests.support.pdfgen import BODY, CELL, CENTRE_BOLD, CENTRE_SMALL, HEAD, MARGIN, SMALL, SMALL_BOLD, _two_columns


@cache
def _font(style: Style | None) -> tuple[str, str]:
    """The regular and bold faces' names in reportlab, registered once."""
    if style is None:
        return "Serif", "Serif-Bold"
    names = (f"{style.font}", f"{style.font}-Bold")
    for name, file in zip(names, style.font_files):
        pdfmetrics.registerFont(TTFont(name, str(file)))
    return names


class _Styles:
    """The paragraph styles of one page: the house's, or drawn ones."""

    def __init__(self, style: Style | None):
        self.style = style
        if style is None:
            self.body = ParagraphStyle("justified", parent=BODY, alignment=4, spaceAfter=4)
            self.bold = ParagraphStyle("bold", parent=self.body, fontName="Serif-Bold")
            self.title = ParagraphStyle("centred-title", parent=CENTRE_BOLD, fontSize=13, leading=17, spaceAfter=4)
            self.cell, self.head = CELL, HEAD
            self.small, self.small_bold, self.centre, self.centre_bold = SMALL, SMALL_BOLD, CENTRE_SMALL, CENTRE_BOLD
            return
        regular, bold = _font(style)
        size, lead = style.size, style.leading
        self.body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=size * lead,
                                   alignment=4 if style.justify else 0, firstLineIndent=style.first_indent,
                                   spaceAfter=style.space_after)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=bold, firstLineIndent=0)
        self.title = ParagraphStyle("title", parent=self.body, fontName=bold, fontSize=size + 1,
                                    leading=(size + 1) * lead, alignment=1, firstLineIndent=0)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=style.cell_size,
                                   leading=style.cell_size * 1.2)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold, alignment=1)
        hs = style.header_size
        self.small = ParagraphStyle("small", fontName=regular, fontSize=hs, leading=hs * 1.25)
        self.small_bold = ParagraphStyle("small-bold", parent=self.small, fontName=bold)
        self.centre = ParagraphStyle("centre", parent=self.small, alignment=1)
        self.centre_bold = ParagraphStyle("centre-bold", parent=self.small_bold, alignment=1)

    def longest_word(self, text: str, bold: bool) -> float:
        style = self.head if bold else self.cell
        return max((pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in text.split()), default=0.0)


def _grid(grid: Grid, width: float, spans: bool, s: _Styles) -> Table:
    data: list[list] = [["" for _ in range(grid.n_cols)] for _ in range(grid.n_rows)]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    heads = grid.header_rows
    if 0 < heads < grid.n_rows:  # the rule under the header drawn again on each page, above a row's part carried over
        style += [("LINEBELOW", (0, heads - 1), (-1, heads - 1), 0.5, colors.black),
                  ("LINEABOVE", (0, heads), (-1, -1), 0.5, colors.black)]
    for c in grid.cells:
        text = escape(c.text)
        data[c.row][c.col] = Paragraph(text, s.head if c.is_header else s.cell) if text else ""
        if spans and (c.row_span > 1 or c.col_span > 1):
            style.append(("SPAN", (c.col, c.row), (c.col + c.col_span - 1, c.row + c.row_span - 1)))
    table = Table(data, colWidths=column_widths(grid, width, s.longest_word),
                  repeatRows=heads if heads < grid.n_rows else 0, splitInRow=1)
    table.setStyle(TableStyle(style))
    return table


def _columns(block: Columns, width: float, s: _Styles) -> Table:
    left: list = []
    right: list = []
    for side, items in ((left, block.left), (right, block.right)):
        for item in items:
            if block.kind == "header":
                text = ("<br/>" if item.broken else " ").join(map(escape, item.lines))
                side.append(Paragraph(text, s.centre_bold if item.bold else s.centre))
                continue
            if item.gap:
                side.append(Spacer(1, 48))
            text = escape(item.text)
            if item.small:
                side.append(Paragraph(text, s.small_bold if item.bold else s.small))
            else:
                side.append(Paragraph(text, s.centre_bold))
    share = 0.42
    if s.style is not None and block.kind == "header":
        share = s.style.left_share if not s.style.narrow_date else 0.55
    return _two_columns(left or [Spacer(1, 1)], right or [Spacer(1, 1)], width, share)


def story_of(flow: list[Block], widths: tuple[float, float], spans: bool, s: _Styles) -> list:
    """The flow as reportlab flowables; `widths` the portrait and landscape frames'."""
    story: list = []
    width = widths[0]
    for block in flow:
        if isinstance(block, NewPage):
            width = widths[block.landscape]
            story += [NextPageTemplate("landscape" if block.landscape else "portrait"), PageBreak()]
        elif isinstance(block, Columns):
            story.append(_columns(block, width, s))
        elif isinstance(block, Grid):
            story += [_grid(block, width, spans, s), Spacer(1, 8)]
        elif isinstance(block, Para):
            style = s.title if block.role == "title" else s.bold if block.role == "bold" else s.body
            story.append(Paragraph(escape(block.text), style))
    return story


def typeset(path: Path, out: Path, style: Style | None = None) -> Path:
    """Set the page at `path` as the PDF `out`; in the house style, or in `style`."""
    if style is None:
        top = right = bottom = left = MARGIN
    else:
        top, right, bottom, left = (m * MM for m in style.margins)
    doc = BaseDocTemplate(str(out), pagesize=A4, title=path.stem, invariant=1)  # the same bytes on every run
    portrait = Frame(left, bottom, A4[0] - left - right, A4[1] - top - bottom)
    land = Frame(left, bottom, landscape(A4)[0] - left - right, landscape(A4)[1] - top - bottom)
    doc.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4),
                          PageTemplate("landscape", [land], pagesize=landscape(A4))])
    flow, styles = flow_of(path), _Styles(style)
    widths = (portrait.width, land.width)
    try:
        doc.build(story_of(flow, widths, True, styles))
    except Exception:  # reportlab cannot break some cells spanning rows over a page: set them unmerged
        doc.build(story_of(flow, widths, False, styles))
    return out


def typeset_many(pages: list[Path], out_dir: Path) -> list[Path]:
    """Set each page in the style drawn from its name; a page reportlab cannot set is said on stderr."""
    made = []
    for page in pages:
        try:
            made.append(typeset(page, out_dir / f"{page.stem}.pdf", style_for(page.stem)))
        except Exception as exc:
            print(f"{page.name}: not typeset: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
    return made
