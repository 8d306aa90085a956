"""A legal-database page's flow as plain records, and a style drawn for it: what every typesetter sets.

The flow is read with the pipeline's own web reading: the outline's nodes in
order, each printed as the page prints it (its own lines, emphasis and heading
marks out), and its tables with their rows, columns and spans. What a test
checks a typeset PDF's reading against stays the page's own (its metadata
table and its cells), never this reading of it.

Three typesetters set a flow, each independent of the others: reportlab
(`pagegen.py`), Chromium printing HTML (`htmlgen.py`) and LibreOffice
converting an OpenDocument text (`odtgen.py`). Each takes the same `Style`,
drawn from the page's name, so a page is set in the same font and size by all
three and the pages of a run differ from each other.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFont

from parsers.read.extract import extract
from pipeline.run import parse_document

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


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class Para:
    """A paragraph: `title` (centred, bold), `bold` (a heading set in the body) or `body` (justified)."""
    text: str
    role: str


@dataclass(frozen=True)
class Item:
    """One entry of a two-column block. `lines` are kept apart (an issuer's parent body, then the unit) where
    `broken`, joined by spaces otherwise; `gap` leaves room above it (the signature's space)."""
    lines: tuple[str, ...]
    bold: bool
    broken: bool = False
    gap: bool = False
    small: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Columns:
    """The national header (`header`) or the closing (`closing`), two columns with no rules."""
    kind: str
    left: tuple[Item, ...]
    right: tuple[Item, ...]


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    is_header: bool


@dataclass(frozen=True)
class Grid:
    """A ruled table; its first `header_rows` rows repeat on each page it runs over."""
    n_rows: int
    n_cols: int
    header_rows: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class NewPage:
    """An appendix starts on a new page, landscape when its tables are wide."""
    landscape: bool


Block = Para | Columns | Grid | NewPage


# ------------------------------------------------------------------ style


# Font families every typesetter finds: by fontconfig's name (Chromium, LibreOffice) and by file (reportlab).
# Tinos and Arimo have Times New Roman's and Arial's metrics, as offices' documents are set, and Vietnamese
# letters (Liberation 1.x, Debian's `fonts-liberation`, has none: `C\x00NG HÒA`); the others set the same
# words to other widths. Debian's packages fonts-croscore, fonts-dejavu-core and fonts-freefont-ttf.
FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "Tinos": ("croscore/Tinos-Regular.ttf", "croscore/Tinos-Bold.ttf"),
    "DejaVu Serif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "FreeSerif": ("freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf"),
    "Arimo": ("croscore/Arimo-Regular.ttf", "croscore/Arimo-Bold.ttf"),
}
SANS = frozenset({"Arimo"})  # the others are serif faces
FONT_WEIGHTS = (6, 2, 2, 1)  # Times-like faces the most, as offices set


@dataclass(frozen=True)
class Style:
    """How one page is set: sizes in points, margins in millimetres."""
    font: str
    size: float  # the body's
    leading: float  # line height over size
    header_size: float  # the two-column blocks'
    cell_size: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    justify: bool
    first_indent: float  # the body paragraphs' first line, in points
    left_share: float  # the header's left column's share of the width
    narrow_date: bool  # the right column so narrow that the place and date line wraps
    space_after: float  # between paragraphs, in points

    @property
    def font_files(self) -> tuple[Path, Path]:
        regular, bold = FONTS[self.font]
        return FONT_DIR / regular, FONT_DIR / bold


def style_for(name: str) -> Style:
    """A style drawn for the page of this name: the same on every run, different from page to page."""
    pick = random.Random(name)
    size = pick.choice((10, 11, 12, 12, 13, 13, 14))
    return Style(
        font=pick.choices(list(FONTS), FONT_WEIGHTS)[0],
        size=size,
        leading=pick.choice((1.15, 1.2, 1.3, 1.4)),
        header_size=min(size, pick.choice((11, 12, 13))),
        cell_size=pick.choice((9, 10, 10, 11, 12)),
        margins=(pick.uniform(15, 25), pick.uniform(15, 20), pick.uniform(15, 25), pick.uniform(20, 35)),
        justify=pick.random() < 0.8,
        first_indent=pick.choice((0, 0, 18, 28, 36)),
        left_share=pick.uniform(0.36, 0.45),
        narrow_date=pick.random() < 0.25,
        space_after=pick.choice((0, 3, 6)),
    )


# ------------------------------------------------------------------ reading the page


class _Lines:
    """The page's lines as the pipeline's extraction numbers them (page, line), which the outline's nodes name."""

    def __init__(self, path: Path):
        lines = [line for page in extract(path).pages for line in page.lines]
        self.texts = [line.text for line in lines]
        self.index = {(line.page, line.line_no): k for k, line in enumerate(lines)}

    def of(self, node: dict) -> tuple[str, ...]:
        """The node's lines as the page prints them: its own lines, emphasis and heading marks out."""
        first = self.index[node["page_start"], node["line_start"]]
        last = self.index[node["page_end"], node["line_end"]]
        lines = [" ".join(MARKS.sub("", t).strip(" |").split()) for t in self.texts[first:last + 1]]
        return tuple(line for line in lines if line)

    def bold(self, node: dict) -> bool:
        return self.texts[self.index[node["page_start"], node["line_start"]]].lstrip("#").lstrip().startswith("**")


def flow_of(path: Path) -> list[Block]:
    """The page's flow, in the order it is printed."""
    doc = parse_document(path)
    tables = {t["node_id"]: t for t in doc["tables"]}
    cells: dict[str, list[dict]] = {}
    for c in doc["table_cells"]:
        cells.setdefault(c["table_id"], []).append(c)
    raw = _Lines(path)
    # In the order read (node ids follow the page), less the containers that print nothing of their own; a
    # task table's node has handed its lines to its rows, and stands where it was read.
    nodes = [n for n in doc["outline"] if n["kind"] not in IN_TABLE and (n["line_start"] or n["kind"] == "table")]
    by_id = {n["node_id"]: n for n in doc["outline"]}
    appendix_of = {}  # node -> its appendix node
    for n in doc["outline"]:
        up = n
        while up["parent_id"] is not None and up["kind"] != "appendix":
            up = by_id[up["parent_id"]]
        appendix_of[n["node_id"]] = up["node_id"] if up["kind"] == "appendix" else None

    flow: list[Block] = []
    current_appendix = None
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
            flow.append(NewPage(wide))
        if n["kind"] == "header":
            group = []
            while k < len(nodes) and nodes[k]["kind"] in ("header", "letter_subject"):
                group.append(nodes[k])
                k += 1
            flow.append(_header(raw, group))
            continue
        if n["kind"] in RECIPIENTS | SIGNATURE:
            group = []
            while k < len(nodes) and nodes[k]["kind"] in RECIPIENTS | SIGNATURE:
                group.append(nodes[k])
                k += 1
            flow.append(_closing(raw, group))
            continue
        k += 1
        if n["kind"] == "table":
            table = tables.get(n["node_id"])
            ends = [raw.index[n["page_end"], n["line_end"]]] if n["line_end"] else []
            table_end = max(ends + [table_end])
            if table is not None:
                flow.append(_grid(table, cells.get(table["table_id"], [])))
            continue
        text = " ".join(raw.of(n))
        if text:
            flow.append(Para(text, "title" if n["kind"] in CENTRED else "bold" if raw.bold(n) else "body"))
    return flow


def _header(raw: _Lines, group: list[dict]) -> Columns:
    """Issuer, number and subject line left; national title, motto and place and date right."""
    left: list[Item] = []
    right: list[Item] = []
    national = False
    for n in group:
        lines = raw.of(n)
        if not lines:
            continue
        national = national or " ".join(lines).startswith(NATIONAL)
        on_left = not national or lines[0].startswith(("Số", "V/v")) or n["kind"] == "letter_subject"
        # The issuer's lines are its own (the parent body, then the unit); the national title, the motto and
        # the place and date are each one line, which the page's source wraps where it likes.
        (left if on_left else right).append(Item(lines, raw.bold(n), broken=on_left))
    return Columns("header", tuple(left), tuple(right))


def _closing(raw: _Lines, group: list[dict]) -> Columns:
    """Recipients left, signature right, as a closing is set."""
    left: list[Item] = []
    right: list[Item] = []
    for n in group:
        lines = raw.of(n)
        if not lines:
            continue
        if n["kind"] in RECIPIENTS:
            left.append(Item(lines, bold=n["kind"] == "recipients", small=True))
        else:
            right.append(Item(lines, bold=True, gap=n["kind"] == "signer"))
    return Columns("closing", tuple(left), tuple(right))


def _grid(table: dict, cells: list[dict]) -> Grid:
    return Grid(table["n_rows"], table["n_cols"], table["header_rows"], tuple(
        Cell(c["row"], c["col"], c["row_span"], c["col_span"], c["text"], c["is_header"])
        for c in sorted(cells, key=lambda c: (c["row"], c["col"]))))


@cache
def _advances(file: Path) -> tuple[dict[int, float], float]:
    """A face's advance widths in thousandths of the size, by code point, and its missing glyph's."""
    face = TTFont(file.stem, str(file)).face
    return face.charWidths, face.defaultWidth


def longest_word(style: Style) -> Callable[[str, bool], float]:
    """`longest_word(text, bold)`: the widest word of a cell's text in points, at the cells' size, measured
    by the advances of the style's own faces (what every typesetter sizes a grid's columns by)."""
    def width(word: str, bold: bool) -> float:
        widths, missing = _advances(style.font_files[bold])
        return sum(widths.get(ord(ch), missing) for ch in word) * style.cell_size / 1000

    return lambda text, bold: max((width(w, bold) for w in text.split()), default=0.0)


def column_weights(grid: Grid, longest_word) -> tuple[list[float], list[float]]:
    """Each column's floor (its longest word, by `longest_word(text, bold)`) and its share of the rest (how
    much text it holds): how the typesetters size a grid's columns alike."""
    floors, weights = [14.0] * grid.n_cols, [1.0] * grid.n_cols
    for c in grid.cells:
        if c.col_span == 1:
            floors[c.col] = max(floors[c.col], longest_word(c.text, c.is_header) + 14)
        for col in range(c.col, min(grid.n_cols, c.col + c.col_span)):
            weights[col] += len(c.text) / c.col_span
    return floors, weights


def column_widths(grid: Grid, width: float, longest_word) -> list[float]:
    """Widths in points that fill `width`: every column its floor, the rest shared by text held."""
    floors, weights = column_weights(grid, longest_word)
    scale = min(1.0, width / sum(floors))
    floors = [f * scale for f in floors]
    spare = width - sum(floors)
    shares = [w ** 0.6 for w in weights]
    return [f + spare * s / sum(shares) for f, s in zip(floors, shares)]


MM = 72 / 25.4  # points in a millimetre
A4_MM = (210.0, 297.0)


def frame_width(style: Style, landscape: bool) -> float:
    """The text's width in points on a portrait or landscape A4 page of this style."""
    page = A4_MM[1] if landscape else A4_MM[0]
    return (page - style.margins[1] - style.margins[3]) * MM
