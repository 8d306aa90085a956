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
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

FONTS = Path(__file__).resolve().parents[1] / "fixtures" / "fonts"
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


# ------------------------------------------------------------ two-column blocks

SMALL = ParagraphStyle("small", parent=BODY, fontSize=11, leading=14)
SMALL_BOLD = ParagraphStyle("small-bold", parent=SMALL, fontName="Serif-Bold")
CENTRE_BOLD = ParagraphStyle("centre-bold", parent=SMALL, fontName="Serif-Bold", alignment=1)
CENTRE_SMALL = ParagraphStyle("centre-small", parent=SMALL, alignment=1)
MARGIN = 2 * 28.35


def _two_columns(left: list, right: list, width: float, left_share: float = 0.42) -> Table:
    """Two frames side by side, no rules: how headers and closing blocks are set."""
    table = Table([[left, right]], colWidths=[width * left_share, width * (1 - left_share)])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("RIGHTPADDING", (0, 0), (0, 0), 24),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def header_block(issuer: str, number: str, place_date: str, width: float) -> Table:
    """The national header as two columns: issuer and `Số:` left, national title and date right."""
    left = [Paragraph(escape(issuer), CENTRE_BOLD), Paragraph(f"Số: {escape(number)}", CENTRE_SMALL)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", CENTRE_BOLD),
             Paragraph("Độc lập - Tự do - Hạnh phúc", CENTRE_BOLD), Paragraph(escape(place_date), CENTRE_SMALL)]
    return _two_columns(left, right, width)


def closing_block(recipients: list[str], signature: list[str], signer: str, width: float) -> Table:
    """The closing as two columns: `Nơi nhận:` and its list left; `TM. …` / `KT. …` / title / name right."""
    from reportlab.platypus import Spacer

    left = [Paragraph("Nơi nhận:", SMALL_BOLD)] + [Paragraph(f"- {escape(r)}", SMALL) for r in recipients]
    right = ([Paragraph(escape(s), CENTRE_BOLD) for s in signature]
             + [Spacer(1, 56), Paragraph(escape(signer), CENTRE_BOLD)])
    return _two_columns(left, right, width)


def plan_with_closing(path: Path, *, issuer: str, number: str, place_date: str, title: str, body: list[str],
                      recipients: list[str], signature: list[str], signer: str, appendix_title: list[str],
                      header: list[str], rows: list[list[str]], groups: dict[int, list[str]] | None = None) -> Path:
    """A plan with a two-column header and closing block, its appendix on landscape pages after the signature."""
    doc = BaseDocTemplate(str(path), pagesize=A4)
    width = A4[0] - 2 * MARGIN
    portrait = Frame(MARGIN, MARGIN, width, A4[1] - 2 * MARGIN)
    land = Frame(1.5 * 28.35, 1.5 * 28.35, landscape(A4)[0] - 3 * 28.35, landscape(A4)[1] - 3 * 28.35)
    doc.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4),
                          PageTemplate("landscape", [land], pagesize=landscape(A4))])
    story = [header_block(issuer, number, place_date, width), Paragraph("KẾ HOẠCH", TITLE),
             Paragraph(escape(title), TITLE)]
    story += [Paragraph(escape(p), BODY) for p in body]
    story.append(closing_block(recipients, signature, signer, width))
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += [Paragraph(escape(t), TITLE) for t in appendix_title]
    story.append(layout_table(header, rows, groups or {}, Layout(), land.width))
    doc.build(story)
    return path


# ---------------------------------------------------------- appendix layouts

from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True)
class Layout:
    """How an appendix table is set.

    rules: "grid" (every rule), "horizontal" (rules between rows only), "none";
    groups: "rows" (a group title row across the table) or "column" (a first
    column whose cell spans the group's rows); number: keep the `STT` column;
    two_row_header: `Cơ quan` over `Chủ trì | Phối hợp` where the header has
    both; repeat_header: on every page; split_rows: a row may break across a
    page; landscape; wide: the columns fill the page, else they are narrow.
    """

    name: str = "grid"
    rules: str = "grid"
    groups: str = "rows"
    number: bool = True
    two_row_header: bool = False
    repeat_header: bool = True
    split_rows: bool = True
    landscape: bool = True
    wide: bool = True


LAYOUTS = [
    Layout("grid"),
    Layout("horizontal-rules", rules="horizontal"),
    Layout("no-rules", rules="none"),
    Layout("group-column", groups="column"),
    Layout("no-number", number=False, split_rows=False),
    Layout("two-row-header", two_row_header=True),
    Layout("header-once", repeat_header=False),
    Layout("rows-whole", split_rows=False),
    Layout("portrait-narrow", landscape=False, wide=False),
    Layout("no-rules-portrait", rules="none", landscape=False),
    Layout("horizontal-narrow", rules="horizontal", wide=False, repeat_header=False),
]

# Rows a group's cell spans in the group-column layout.
GROUP_SPAN = 2

# Header words that pair under one `Cơ quan` heading in a two-row header.
LEAD_WORDS, PARTNER_WORDS = "chủ trì", "phối hợp"


def _split_agency_header(header: list[str]) -> tuple[int, int] | None:
    lead = next((i for i, h in enumerate(header) if LEAD_WORDS in h.lower()), None)
    if lead is not None and lead + 1 < len(header) and PARTNER_WORDS in header[lead + 1].lower():
        return lead, lead + 1
    return None


def _col_widths(header: list[str], rows: list[list[str]], total: float) -> list[float]:
    """Widths that hold each column's longest word (bold in the header), the rest shared by mean length."""
    def widest(texts, font):
        return max([pdfmetrics.stringWidth(w, font, CELL.fontSize) for t in texts for w in (t or "").split()] or [0.0])

    floors = [max(widest([h], "Serif-Bold"), widest([r[i] for r in rows], "Serif")) + 14 for i, h in enumerate(header)]
    mean = [sum(len(r[i] or "") for r in rows) / max(1, len(rows)) for i in range(len(header))]
    weight = [m ** 0.6 + 1 for m in mean]
    spare = max(0.0, total - sum(floors))
    return [f + spare * w / sum(weight) for f, w in zip(floors, weight)]


def layout_table(header: list[str], rows: list[list[str]], groups: dict[int, list[str]], layout: Layout,
                 frame_width: float) -> Table:
    """The table set in `layout`: data rows as given, group rows or a group column, one or two header rows."""
    header, rows = list(header), [list(r) for r in rows]
    if not layout.number:
        header, rows = header[1:], [r[1:] for r in rows]
    group_col = layout.groups == "column" and bool(groups)
    heads = [[_cell(h, HEAD) for h in header]]
    spans: list[tuple] = []
    pair = _split_agency_header(header) if layout.two_row_header else None
    if pair:
        top = [_cell(h, HEAD) for h in header]
        top[pair[0]], top[pair[1]] = _cell("Cơ quan", HEAD), ""
        bottom = ["" for _ in header]
        bottom[pair[0]], bottom[pair[1]] = _cell("Chủ trì", HEAD), _cell("Phối hợp", HEAD)
        heads = [top, bottom]
        spans.append(("SPAN", (pair[0], 0), (pair[1], 0)))
        spans += [("SPAN", (c, 0), (c, 1)) for c in range(len(header)) if c not in pair]
    n_head = len(heads)
    shift = 1 if group_col else 0
    if group_col:
        heads = [[_cell("Nhóm nhiệm vụ", HEAD) if i == 0 else ""] + h for i, h in enumerate(heads)]
        if n_head == 2:
            spans = [(s[0], (s[1][0] + 1, s[1][1]), (s[2][0] + 1, s[2][1])) for s in spans]
            spans.append(("SPAN", (0, 0), (0, 1)))
    data = list(heads)
    group_rows: list[int] = []
    current = None
    for i, row in enumerate(rows):
        titles = groups.get(i)
        # reportlab cannot break a spanning cell across pages: a group's cell
        # spans at most GROUP_SPAN rows, the rest of the group in empty cells below.
        if group_col and current is not None and (titles or len(data) - current == GROUP_SPAN):
            spans.append(("SPAN", (0, current), (0, len(data) - 1)))
            current = None
        if titles and group_col:
            current = len(data)
            data.append([_cell(" ".join(titles))] + [_cell(c) for c in row])
            continue
        if titles:
            for t in titles:
                group_rows.append(len(data))
                data.append([_cell(t, HEAD)] + [""] * (len(row) - 1))
        data.append(([""] if group_col else []) + [_cell(c) for c in row])
    if group_col and current is not None:
        spans.append(("SPAN", (0, current), (0, len(data) - 1)))
    spans += [("SPAN", (0, r), (-1, r)) for r in group_rows]
    width = frame_width if layout.wide else frame_width * 0.72
    group_texts = [" ".join(groups.get(i, [])) for i in range(len(rows))]
    widths = _col_widths(["Nhóm"] * shift + header, [[g] * shift + r for g, r in zip(group_texts, rows)], width)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP")] + spans
    if layout.rules == "grid":
        # The rule under the header is drawn again on each page, above a row's part carried over.
        style += [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                  ("LINEBELOW", (0, n_head - 1), (-1, n_head - 1), 0.5, colors.black),
                  ("LINEABOVE", (0, n_head), (-1, -1), 0.5, colors.black)]
    elif layout.rules == "horizontal":
        style += [("LINEABOVE", (0, 0), (-1, -1), 0.5, colors.black),
                  ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black)]
    table = Table(data, colWidths=widths, repeatRows=n_head if layout.repeat_header else 0,
                  splitInRow=1 if layout.split_rows else 0)
    table.setStyle(TableStyle(style))
    return table


def table_pdf(path: Path, header: list[str], rows: list[list[str]], groups: dict[int, list[str]], layout: Layout,
              caption: str = "DANH MỤC NHIỆM VỤ") -> Path:
    """The table alone on pages of the layout's orientation, under a caption."""
    size = landscape(A4) if layout.landscape else A4
    margin = 1.5 * 28.35
    doc = BaseDocTemplate(str(path), pagesize=size)
    frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin)
    doc.addPageTemplates([PageTemplate("page", [frame], pagesize=size)])
    doc.build([Paragraph(escape(caption), TITLE), layout_table(header, rows, groups, layout, frame.width)])
    return path
