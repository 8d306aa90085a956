"""Layout text's pages: its signs, and each page into `Line`s and the `TableGrid`s of its tables.

A page's lines keep their character columns as boxes (x0/x1 = columns, top = the line's index on the
page); the two columns of a header (issuer left, national title right) and of a closing (recipients
left, signer right) are cut at their widest gap. The tables are found (`tables`) and read (`cells`) by
modules of their own; what is learnt across pages (a header's wrapped words, a table going on without its
header, each column's look) is gathered here, where all pages are seen.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import regex as re

from parsers.language import vocab
from parsers.model.records import Box, Line, Page
from parsers.read.layout_text.cells import read_grid
from parsers.read.layout_text.pieces import Piece
from parsers.read.layout_text.tables import Shape, carried_table, find_layout_tables

# Text, a run of three or more spaces, text: two things side by side on a line.
SIDE_BY_SIDE = re.compile(r"\S {3,}\S")
# Lines pushed deep to the right (centred titles, right-hand columns, page numbers).
DEEP_INDENT = re.compile(r"^ {8,}\S")
# What share of the lines must show each sign. The plain extraction of a PDF
# shows almost none (1 line in 250); layout text a third and more.
MIN_SIDE_BY_SIDE = 0.10
MIN_DEEP_INDENT = 0.10
# Layout text of prose indents half its lines and more (paragraphs, centred
# titles); plain extraction indents almost none (2 lines in 100).
MIN_INDENTED = 0.30

# The widest gap of a two-column header or closing line.
WIDE_GAP = re.compile(r" {3,}")

# Lines that open the two-column blocks of a document: the header (issuer
# left, national title right) and the closing (recipients left, signer right).
HEADER_OPENERS = (vocab.NATIONAL_TITLE, vocab.NATIONAL_MOTTO)
CLOSING_OPENER = re.compile(r"^Nơi\s+nhận\b")
# The header block runs from the national title to the first line of one piece
# (the document type, centred), at most this many lines.
MAX_HEADER_BLOCK = 6


def is_layout(text: str) -> bool:
    """Does this text carry the signs of `pdftotext -layout`?

    Text side by side on many lines (aligned columns) and many lines pushed far
    right; or, in text paged by form feeds (as every extraction tool pages
    it), some text side by side or many lines indented (the layout keeps a
    paragraph's indent and a title's centring, which plain extraction drops).
    Web text (`|` cells) is told apart before.
    """
    lines = [l for l in text.replace("\f", "\n").split("\n") if l.strip()]
    if not lines:
        return False
    # Each pattern only on lines with the run of spaces it needs: most lines hold none.
    side = sum(1 for l in lines if "   " in l and SIDE_BY_SIDE.search(l.strip())) / len(lines)
    deep = sum(1 for l in lines if l.startswith(" " * 8) and DEEP_INDENT.match(l)) / len(lines)
    if "\f" in text:
        indented = sum(1 for l in lines if l[:1] == " ") / len(lines)
        return side >= MIN_SIDE_BY_SIDE / 2 or indented >= MIN_INDENTED
    return side >= MIN_SIDE_BY_SIDE and deep >= MIN_DEEP_INDENT


def read_pages(raw_pages: list[list[tuple[int, str]]]) -> tuple[Page, ...]:
    """The pages of layout text: each a list of (source line, text) pairs, blank lines included, in order.

    A table's columns keep their widths from page to page while the tool's
    character positions shift, so what each column's lines look like (how
    long they run, where they start beside the header) is learnt from all
    pages of tables under the same header.
    """
    texts = [[unicodedata.normalize("NFC", t.expandtabs()).rstrip() for _, t in raw] for raw in raw_pages]
    found = [find_layout_tables(page) for page in texts]
    # A header repeated on each page is printed the same on each, its cells' wrapped words too;
    # what most of its copies show wrapped under it is taken for all (one whose next line goes
    # on under a wrapped word cannot tell by itself: a row's cell carried over does the same).
    votes: dict[tuple[str, ...], Counter] = {}
    for tables in found:
        for table in tables:
            votes.setdefault(table.header.core, Counter())[table.header.wrapped] += 1
    wraps = {core: count.most_common(1)[0][0] for core, count in votes.items() if sum(count.values()) > 1}
    if any(table.header.wrapped != wraps.get(table.header.core, table.header.wrapped)
           for tables in found for table in tables):
        found = [find_layout_tables(page, wraps) for page in texts]
    for k in range(1, len(texts)):
        carried = carried_table(texts[k - 1], found[k - 1], texts[k], found[k])
        if carried is not None:
            found[k].insert(0, carried)
    shapes: dict[tuple[str, ...], Shape] = {}
    for page, tables in zip(texts, found):
        for table in tables:
            shapes.setdefault(table.signature, Shape.empty(len(table.header.columns))).learn(page, table)
    out = []
    for number, (raw, page, tables) in enumerate(zip(raw_pages, texts, found), start=1):
        grids = tuple(read_grid(page, table, shapes[table.signature], number) for table in tables)
        in_table = {i for table in tables for i in range(table.header.first, table.end)}
        out.append(_page(number, raw, page, in_table, grids))
    return tuple(out)


def _page(number: int, raw: list[tuple[int, str]], texts: list[str], in_table: set[int], grids) -> Page:
    split = _two_column_lines(texts, in_table)
    lines: list[Line] = []
    for index, ((source_line, _), text) in enumerate(zip(raw, texts)):
        if not text.strip():
            continue
        parts = split.get(index) or [Piece(len(text) - len(text.lstrip()), len(text), text.strip())]
        for part in parts:
            lines.append(Line(page=number, line_no=len(lines) + 1, text=part.text,
                              box=Box(float(part.start), float(index), float(part.end), float(index + 1)),
                              source_line=source_line))
    return Page(number=number, lines=tuple(lines), tables=grids)


def _two_column_lines(texts: list[str], in_table: set[int]) -> dict[int, list[Piece]]:
    """Header and closing lines cut at their widest gap: the left column's piece, then the right one's."""
    out: dict[int, list[Piece]] = {}
    block_end = opener = -1
    for i, text in enumerate(texts):
        if i in in_table or not text.strip():
            continue
        stripped = text.strip()
        if any(p.search(text) for p in HEADER_OPENERS) and i > block_end:
            # The national title may stand beside the issuer: the block starts a line up at most.
            block_end = i + MAX_HEADER_BLOCK
            opener = i
        elif CLOSING_OPENER.match(stripped):
            block_end = len(texts)
            opener = i
        if i > block_end:
            continue
        cut = _widest_gap(text)
        if cut is None:
            if i > opener and block_end != len(texts):
                block_end = i  # one centred piece (the document type) ends the header block
            continue
        left, right = text[:cut[0]], text[cut[1]:]
        indent = len(left) - len(left.lstrip())
        out[i] = [Piece(indent, cut[0], left.strip()), Piece(cut[1], len(text), right.strip())]
    return out


def _widest_gap(text: str) -> tuple[int, int] | None:
    gaps = [m.span() for m in WIDE_GAP.finditer(text) if m.start() > len(text) - len(text.lstrip())]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None
