"""The plain records that flow between stages.

Each stage is a function from records to records; none of them is mutated
after it is made. Every derived record keeps the lines it came from, and every
line keeps its page, its line number on that page and (from a PDF) its box.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the table model is made of Lines: named here for the types alone, never imported at run time
    from parsers.tables.model import Table


class Box(NamedTuple):
    """A rectangle on a page, in PDF points from its top-left corner (pdfplumber's x0, top, x1, bottom).

    What every line, cell and table found on a page keeps of where it stood, so that a row of the tables
    leads back to the page's geometry."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> float:
        """Halfway across."""
        return (self.x0 + self.x1) / 2

    @property
    def middle(self) -> float:
        """Halfway down."""
        return (self.top + self.bottom) / 2


class Line(NamedTuple):
    """One line of the input, as extraction gave it.

    A named tuple, where the other records are frozen dataclasses: a document
    makes one per line of its input, and a tuple is made in a third of the
    time (a frozen dataclass sets each field through object.__setattr__).
    Immutable, compared and hashed by its fields, alike."""

    page: int  # 1-based page number
    line_no: int  # 1-based line number on its page
    text: str
    box: Box | None = None  # where a PDF or a scan printed it; None for text input
    source_line: int | None = None  # 1-based line number in a text file
    confidence: float | None = None  # OCR: mean confidence (0–1) of the line's words
    ocr_text: str | None = None  # OCR: the line as read, where a correction changed it


@dataclass(frozen=True, slots=True)
class TableCell:
    """A ruled cell of a PDF table: its text (lines joined by newlines) and its box."""

    text: str
    box: Box


@dataclass(frozen=True, slots=True)
class TableGrid:
    """A ruled table as pdfplumber's table finder sees it on one page.

    A cell is None where the grid has no cell of its own: it is merged with
    the cell above (a group spanning rows) or to its left.
    """

    page: int
    bbox: Box
    rows: tuple[tuple[TableCell | None, ...], ...]
    # How the grid was found: "ruled" (the PDF's rules), "unruled" (column
    # positions from the words), "layout" (character columns of layout text),
    # "ocr" (rules found in a scanned page's image).
    source: str = "ruled"


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    lines: tuple[Line, ...]
    width: float | None = None
    height: float | None = None
    tables: tuple[TableGrid, ...] = ()
    # Where its words came from: text (a text file), text_layer (a PDF's), mapped (a PDF's, drawn in a legacy
    # font and decoded), ocr (its image, read by Tesseract); blank: none on it.
    source: str = "text"


@dataclass(frozen=True, slots=True)
class Signature:
    """A digital signature of a PDF (parsers/read/signatures.py says what is checked and what is not)."""

    field_name: str | None
    page: int | None  # the page its field stands on
    box: Box | None
    signed_at: dt.datetime | None  # in UTC
    organisation: str | None  # the signing certificate's subject: O
    signer: str | None  # and CN (a person or an office)
    reason: str | None
    location: str | None
    application: str | None  # the signing application (`/Prop_Build /App /Name`)
    covers_whole_file: bool | None  # nothing appended after signing
    intact: bool | None  # the signed bytes' digest is the signed one
    valid: bool | None  # the signature verifies with the certificate's key (no chain or revocation checked)


@dataclass(frozen=True, slots=True)
class Source:
    """A document as extraction read it."""

    path: str
    sha256: str
    format: str  # "pdf" | "text" | "ocr" (a scan or an image, read by Tesseract)
    # "pdf", "plain" (text extracted from a PDF), "layout" (pdftotext -layout) or "web" (legal-database page)
    flavour: str
    pages: tuple[Page, ...]
    fonts: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()  # what extraction was unsure of (OCR's doubtful lines)
    signatures: tuple[Signature, ...] = ()  # a PDF's digital signatures

    @property
    def doc_id(self) -> str:
        # The content decides the id: the same file gives the same id on every
        # run and machine, wherever it lies.
        return self.sha256[:16]

    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Lines joined into one block of text (a wrapped paragraph, a heading), or a table in the text's flow."""

    text: str
    lines: tuple[Line, ...]
    table: Table | None = None  # a table standing here; its lines are its cells'

    @property
    def page_start(self) -> int:
        return self.lines[0].page

    @property
    def page_end(self) -> int:
        return self.lines[-1].page


@dataclass(frozen=True, slots=True)
class Residual:
    """A line that no node of the outline claimed, and why."""

    line: Line
    reason: str  # "page_number", "decoration", "unclaimed"


@dataclass(frozen=True, slots=True)
class Issue:
    """Something a stage was unsure of; becomes a row of `warnings`."""

    stage: str
    code: str
    message: str
    page: int | None = None
    node_id: int | None = None  # the outline node it is about, where there is one
    row_id: str | None = None  # the appendix row it is about
    # The line it is about, where the stage knows a line but not yet its node: projecting the warnings finds
    # the node (and the appendix row) that holds it, so that no reader has to look for places in the message.
    line: Line | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Node:
    """A node of the outline: a part, a section, an item, a point, a bullet…"""

    node_id: int
    parent_id: int | None
    kind: str
    label: str | None
    number: int | None  # the label's ordinal: 3 for `III`, 5 for `đ`
    title: str | None
    text: str
    lines: tuple[Line, ...] = field(repr=False)

    @property
    def page_start(self) -> int | None:
        return self.lines[0].page if self.lines else None

    @property
    def page_end(self) -> int | None:
        return self.lines[-1].page if self.lines else None


@dataclass(frozen=True, slots=True)
class Outline:
    nodes: tuple[Node, ...]
    issues: tuple[Issue, ...]
    tables: tuple[tuple[int, Table], ...] = ()  # (node_id of a `table` node, its table)
    # Each node's children, in order, indexed on first use: the stages ask for many nodes' children.
    _children: dict[int | None, list[Node]] | None = field(default=None, init=False, repr=False, compare=False)

    def children(self, node_id: int | None) -> list[Node]:
        index = self._children
        if index is None:
            index = {}
            for n in self.nodes:
                index.setdefault(n.parent_id, []).append(n)
            object.__setattr__(self, "_children", index)  # a cache, not a change: the record stays as it was made
        return list(index.get(node_id, ()))

    def descendants(self, node_id: int) -> list[Node]:
        out: list[Node] = []
        stack = [node_id]
        while stack:
            kids = self.children(stack.pop())
            out.extend(kids)
            stack.extend(k.node_id for k in reversed(kids))
        return sorted(out, key=lambda n: n.node_id)
