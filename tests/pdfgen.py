"""Typeset small plans as real PDFs (reportlab), the way such plans are laid out.

A portrait page with the header, the plan's title and one section, then a
landscape appendix: a ruled table whose header row repeats on every page,
whose rows may break across pages and whose group cells span rows.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                Table, TableStyle)

FONTS = Path(__file__).parent / "fixtures" / "fonts"
pdfmetrics.registerFont(TTFont("Serif", str(FONTS / "DejaVuSerif.ttf")))
pdfmetrics.registerFont(TTFont("Serif-Bold", str(FONTS / "DejaVuSerif-Bold.ttf")))

BODY = ParagraphStyle("body", fontName="Serif", fontSize=12, leading=16)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=1)
TITLE = ParagraphStyle("title", parent=CENTRE, fontName="Serif-Bold", fontSize=13)
CELL = ParagraphStyle("cell", fontName="Serif", fontSize=10, leading=12.5)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Serif-Bold", alignment=1)


def _cell(text: str | None, style=CELL):
    return Paragraph(escape(text).replace("\n", "<br/>"), style) if text else ""


def plan_pdf(path: Path, header: list[str], rows: list[list[str | None]], col_widths: list[float],
             spans: list[tuple[int, int, int]] = (), number: str = "12/KH-UBND") -> Path:
    """A one-page plan and its appendix table.

    `rows` holds the table's data rows (cells may hold "\\n" line breaks);
    `spans` lists (column, first row, last row) of data cells merged downwards.
    """
    doc = BaseDocTemplate(str(path), pagesize=A4)
    portrait = Frame(2 * 28.35, 2 * 28.35, A4[0] - 4 * 28.35, A4[1] - 4 * 28.35)
    land = Frame(1.5 * 28.35, 1.5 * 28.35, landscape(A4)[0] - 3 * 28.35, landscape(A4)[1] - 3 * 28.35)
    doc.addPageTemplates([
        PageTemplate("portrait", [portrait], pagesize=A4),
        PageTemplate("landscape", [land], pagesize=landscape(A4)),
    ])
    story = [
        Paragraph("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", CENTRE),
        Paragraph("HUYỆN THỬ NGHIỆM Độc lập - Tự do - Hạnh phúc", CENTRE),
        Paragraph(f"Số: {number} Thử Nghiệm, ngày 05 tháng 01 năm 2021", CENTRE),
        Paragraph("KẾ HOẠCH", TITLE),
        Paragraph("Cải cách hành chính năm 2021", CENTRE),
        Paragraph("I. MỤC TIÊU", BODY),
        Paragraph("1. Nâng cao chất lượng, hiệu quả công tác cải cách hành chính.", BODY),
        Paragraph("II. NHIỆM VỤ", BODY),
        Paragraph("(Chi tiết tại phụ lục kèm theo).", BODY),
        Paragraph("TM. ỦY BAN NHÂN DÂN", CENTRE),
        Paragraph("CHỦ TỊCH", CENTRE),
        Paragraph("Nguyễn Văn An", CENTRE),
        NextPageTemplate("landscape"),
        PageBreak(),
        Paragraph("Phụ lục", TITLE),
        Paragraph("KẾ HOẠCH TRIỂN KHAI CÁC NHIỆM VỤ NĂM 2021", TITLE),
        Paragraph(f"(Kèm theo Kế hoạch số {number} ngày 05/01/2021 của UBND huyện)", CENTRE),
    ]
    data = [[_cell(h, HEAD) for h in header]] + [[_cell(c) for c in row] for row in rows]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black), ("LINEABOVE", (0, 1), (-1, -1), 0.5, colors.black)]
    style += [("SPAN", (col, first + 1), (col, last + 1)) for col, first, last in spans]
    table = Table(data, colWidths=col_widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    doc.build(story)
    return path
