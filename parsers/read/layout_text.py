"""Layout text: what `pdftotext -layout` (poppler) makes of a PDF.

That tool keeps each page's geometry in characters: a form feed ends a page,
a text line stays one line, and text side by side on the page stays side by
side, padded with spaces. A table's columns therefore stand in character
columns, and the two columns of a header (issuer left, national title right)
share their lines.

This module turns such a page into `Line`s whose box is in character units
(x0/x1 = columns, top = the line's index on the page, bottom = top + 1), so the
code that reads PDF boxes reads these too, and into `TableGrid`s
(source "layout") for every table whose header it recognises:

- the header: the fewest lines whose side-by-side pieces name the most
  column roles (`table.roles`; a header cell opens with a capital, and no
  line of it holds a row's number), with a cell's wrapped last words; a
  cell over two columns (`Cơ quan` over `Chủ trì | Phối hợp`) gives two
  header rows, as a ruled grid has them; a header repeated on each page
  has the wrapped words most of its copies show;
- column boundaries: between two header cells, the character positions
  blank on the most lines of the table, in the middle of the widest such run;
  each stretch between group titles, and a page where the table goes on
  without its header, moves them to its own blank runs (the tool's columns
  shift there), in their order;
- cells: a piece of a line (no two spaces in it) goes to the column it starts
  in; where the tool set two cells' texts one space apart, the piece is cut
  where the next cell's own lines start in the row, else by how wide each
  column's lines are set (Times New Roman's widths) over all the table's pages;
- rows: a row starts where the number column, or a task's or a group's label,
  opens a new entry, where two columns start again after a pause, after a
  blank line where two columns start at once, at a group's title, or, with no
  number column, where the entry cell's text has ended (a sentence's end, or
  a line with room left for the next word) and every cell opens anew; a
  cell's wrapped lines stay in one cell.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex as re

from parsers.language import vocab
from parsers.language.glyphs import HORN, HORN_WIDTHS, OTHER_WIDTH, TIMES_WIDTHS
from parsers.model.records import Line, Page, TableCell, TableGrid
from parsers.tables.roles import role_of

# ------------------------------------------------------------------ signs

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

# Two or more spaces part the pieces of a line (one space parts words).
PIECE = re.compile(r"\S+(?: \S+)*")
WORD = re.compile(r"\S+")
# The widest gap of a two-column header or closing line.
WIDE_GAP = re.compile(r" {3,}")

# A header cell is a few words; more, and the block is text, not a header.
MAX_HEADER_WORDS = 12
MAX_HEADER_LINES = 6  # a narrow column's header cell (`Tên thủ tục hành chính`) wraps to five
# A header cell's wrapped last words: a few, centred under the cell (within
# this many characters), as header cells are set.
MAX_WRAPPED_HEADER_WORDS = 3
# A cell's lines start within this many characters of each other (the tool rounds positions).
ALIGNED = 2
# The share of a column's cells' lines, one under the other, that start at one character
# column for the column to be taken as set flush left.
ALIGNED_SHARE = 0.7
SENTENCE_END = re.compile(r"\w[.!?]$")
SENTENCE_MARK = re.compile(r"[,;.:]")  # in a cell's text, not in a header's wrapped words
HEADER_CENTRING = 3
# A piece of a line (no two spaces in it) that spans this share of a table's
# width is running text below the table, not a row.
RUNNING_TEXT_SHARE = 0.6
# Pieces a column needs on a page to say where its text starts there.
MIN_SAMPLES = 3
# How far a table's columns may shift from one page, or one stretch of a page, to the next, in
# characters: up to 10 in the typeset tables where a page has no header.
MAX_PAGE_SHIFT = 16
# Characters a line of a cell may fall short of the column's longest and still be full
# (wrapped because its next word did not fit): characters' widths differ, and lines of the
# known plan's cells wrapped at one width differ in length by up to 6.
WRAP_SLACK = 6
# Words a cut between two touching cells may move to make their lines wrap alike.
MAX_SHIFT = 3
# Characters' widths differ, so lines wrapped at one width differ in length by
# a few characters (up to 6 in the known plan's own cells): a cut moves only
# for a clear gain.
MIN_GAIN = 3

# The column that names a row's entry (a task, a target, a procedure), the first found.
ENTRY_ROLES = ("task", "target", "procedure_name")
# `1.`, `12)`: a numbered entry of the task column; `I.`, `IV)`: a group.
ENTRY_LABEL = re.compile(r"^\d{1,3}\s*[.)]")
GROUP_LABEL = re.compile(r"^[IVXLC]+\s*[.)]")
GROUP_MARK = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])(?:\s*[.)]\s*|\s+)\S")
# How a cell's text may open: a number or a bullet.
CELL_OPENER = re.compile(r"^(?:\d{1,3}[.)]|[-–+•])")
NUMBER_CELL = re.compile(r"^\d{1,3}[.)]?$|^[IVXLC]+[.)]?$|^[A-ZĐ][.)]?$")

# Lines that open the two-column blocks of a document: the header (issuer
# left, national title right) and the closing (recipients left, signer right).
HEADER_OPENERS = (vocab.NATIONAL_TITLE, vocab.NATIONAL_MOTTO)
CLOSING_OPENER = re.compile(r"^Nơi\s+nhận\b")
# The header block runs from the national title to the first line of one piece
# (the document type, centred), at most this many lines.
MAX_HEADER_BLOCK = 6


# How wide text is set (glyphs.py): the sum of its letters' Times New Roman widths, read in the unit
# below, a character of average width, as the tool's columns count.
AVERAGE_WIDTH = 420  # of a character of Vietnamese text, spaces included (419 in the known plan, 407 in a web plan)
# How far a line may run past its column's widest line of its own, in those units, and still be
# taken as the column's: the widths read from the font are near the set ones, not the same.
WIDTH_SLACK = 0.5


@cache
def _letter_width(ch: str) -> float:
    parts = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    if HORN in parts and parts[0] in HORN_WIDTHS:
        return HORN_WIDTHS[parts[0]] / AVERAGE_WIDTH
    return TIMES_WIDTHS.get(parts[0], OTHER_WIDTH) / AVERAGE_WIDTH


def _width(text: str) -> float:
    """How far text runs when set, in characters of average width."""
    return sum(_letter_width(ch) for ch in text)


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


# ------------------------------------------------------------------- pages


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int  # one past the last character
    text: str


def _pieces(text: str, pattern=PIECE) -> list[_Piece]:
    return [_Piece(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def read_pages(raw_pages: list[list[tuple[int, str]]]) -> tuple[Page, ...]:
    """The pages of layout text: each a list of (source line, text) pairs, blank lines included, in order.

    A table's columns keep their widths from page to page while the tool's
    character positions shift, so what each column's lines look like (how
    long they run, where they start beside the header) is learnt from all
    pages of tables under the same header.
    """
    texts = [[unicodedata.normalize("NFC", t.expandtabs()).rstrip() for _, t in raw] for raw in raw_pages]
    found = [_find_tables(page) for page in texts]
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
        found = [_find_tables(page, wraps) for page in texts]
    for k in range(1, len(texts)):
        carried = _carried_table(texts[k - 1], found[k - 1], texts[k], found[k])
        if carried is not None:
            found[k].insert(0, carried)
    shapes: dict[tuple[str, ...], _Shape] = {}
    for page, tables in zip(texts, found):
        for table in tables:
            shapes.setdefault(table.signature, _Shape.empty(len(table.header.columns))).learn(page, table)
    out = []
    for number, (raw, page, tables) in enumerate(zip(raw_pages, texts, found), start=1):
        grids = tuple(_grid(page, table, shapes[table.signature], number) for table in tables)
        in_table = {i for table in tables for i in range(table.header.first, table.end)}
        out.append(_page(number, raw, page, in_table, grids))
    return tuple(out)


def _page(number: int, raw: list[tuple[int, str]], texts: list[str], in_table: set[int], grids) -> Page:
    split = _two_column_lines(texts, in_table)
    lines: list[Line] = []
    for index, ((source_line, _), text) in enumerate(zip(raw, texts)):
        if not text.strip():
            continue
        parts = split.get(index) or [_Piece(len(text) - len(text.lstrip()), len(text), text.strip())]
        for part in parts:
            lines.append(Line(page=number, line_no=len(lines) + 1, text=part.text, x0=float(part.start),
                              top=float(index), x1=float(part.end), bottom=float(index + 1), source_line=source_line))
    return Page(number=number, lines=tuple(lines), tables=grids)


def _two_column_lines(texts: list[str], in_table: set[int]) -> dict[int, list[_Piece]]:
    """Header and closing lines cut at their widest gap: the left column's piece, then the right one's."""
    out: dict[int, list[_Piece]] = {}
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
        out[i] = [_Piece(indent, cut[0], left.strip()), _Piece(cut[1], len(text), right.strip())]
    return out


def _widest_gap(text: str) -> tuple[int, int] | None:
    gaps = [m.span() for m in WIDE_GAP.finditer(text) if m.start() > len(text) - len(text.lstrip())]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None


# ------------------------------------------------------------------ tables


@dataclass(frozen=True, slots=True)
class _Header:
    first: int
    last: int  # line index of the header's last line
    columns: list[_Piece]  # each column's extent on the header lines and its words
    roles: list[str | None]
    spans: tuple[tuple[str, int, int], ...] = ()  # a cell over several columns: its text, first and last column
    core: tuple[str, ...] = ()  # the lines that name the roles, as printed
    wrapped: tuple[str, ...] = ()  # the lines of header cells' wrapped last words under them, as printed


@dataclass(frozen=True, slots=True)
class _Table:
    """A table on one page: its header, one past its last line, and where its columns start."""

    header: _Header
    end: int
    seps: list[int]
    lines: list[int] | None = None  # the body lines these boundaries hold for, if not all

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(" ".join(c.text.split()) for c in self.header.columns)

    def column_of(self, position: int) -> int:
        k = 0
        while k < len(self.seps) and position >= self.seps[k]:
            k += 1
        return k

    def body(self, texts: list[str]) -> list[int]:
        if self.lines is not None:
            return self.lines
        return [i for i in range(self.header.last + 1, self.end) if texts[i].strip()]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the lines of each column of a table look like, over all its pages."""

    lengths: list[list[int]]  # the pieces that stay within the column: how long they run
    offsets: list[list[int]]  # where they start, from the start of the column's header cell
    widths: list[list[float]]  # how wide they are set (`_width`)

    @classmethod
    def empty(cls, n: int) -> _Shape:
        return cls([[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)])

    def learn(self, texts: list[str], table: _Table) -> None:
        for i in table.body(texts):
            for piece in _pieces(texts[i]):
                k = table.column_of(piece.start)
                if table.column_of(piece.end - 1) == k:
                    self.lengths[k].append(piece.end - piece.start)
                    self.widths[k].append(_width(piece.text))
                    self.offsets[k].append(piece.start - table.header.columns[k].start)


def _carried_table(before: list[str], tables_before: list[_Table], texts: list[str],
                   tables: list[_Table]) -> _Table | None:
    """The previous page's last table going on at the top of this page without its header, if it does.

    It does when it ran to the foot of the previous page and this page's first
    lines (after a page number) come before any header of this page.
    """
    if not tables_before:
        return None
    last = tables_before[-1]
    content = [i for i, t in enumerate(before) if t.strip() and not vocab.PAGE_NUMBER.match(t)]
    if not content or last.end <= content[-1]:
        return None
    top = next((i for i, t in enumerate(texts) if t.strip() and not vocab.PAGE_NUMBER.match(t)), None)
    if top is None or (tables and tables[0].header.first <= top):
        return None
    header = _Header(top, top - 1, last.header.columns, last.header.roles)
    end = _table_end(texts, header)
    if tables:
        end = min(end, tables[0].header.first)
    if end <= top:
        return None
    # The tool's columns shift from page to page: the boundaries of the page
    # before move to this page's blank runs (`_moved`). A group's title
    # crosses the columns: it has no say.
    lines = [texts[i] for i in range(top, end) if texts[i].strip() and not _is_group_line(texts[i], last.seps)]
    return _Table(header, end, _moved(last.seps, lines))


def _moved(seps: list[int], lines: list[str]) -> list[int]:
    """Each boundary moved to a run blank on every one of these lines, if one is near, or kept:
    together, the runs where most of the lines' pieces start (columns' left edges), else the
    nearest, the boundaries kept in their order (two never move to one run, nor past each other)."""
    runs = _blank_runs(lines)
    starts = Counter(p.start for text in lines for p in _pieces(text))
    # Each boundary's choices: (position, pieces starting at the run's right, -distance moved).
    # The tool's columns may shift by ten characters and more from page to page, all
    # alike: a boundary may move up to MAX_PAGE_SHIFT, never past its neighbours' old places.
    choices = []
    for k, sep in enumerate(seps):
        lo = max(seps[k - 1] if k else 0, sep - MAX_PAGE_SHIFT)
        hi = min(seps[k + 1] if k + 1 < len(seps) else sep + MAX_PAGE_SHIFT, sep + MAX_PAGE_SHIFT)
        near = [((a + b) // 2, starts[b], -abs((a + b) // 2 - sep)) for a, b in runs if lo < (a + b) // 2 < hi]
        choices.append(near + [(sep, 0, 0)])  # or where it was
    # The best choice for every boundary in order, positions rising: for each choice of the
    # boundary, the best total (edges, -distance) of the boundaries before it and their positions.
    best: list[tuple[tuple[int, int], list[int]]] = [((c[1], c[2]), [c[0]]) for c in choices[0]] if choices else []
    for options in choices[1:]:
        step = []
        for pos, edges, shift in options:
            before = [(score, path) for score, path in best if path[-1] < pos]
            if before:
                score, path = max(before, key=lambda sp: sp[0])
                step.append(((score[0] + edges, score[1] + shift), path + [pos]))
        best = step
    return max(best, key=lambda sp: sp[0])[1] if best else []


def _stretches(body: list[int], groups: set[int]) -> list[list[int]]:
    """The body's lines in stretches between group titles (each title a stretch of its own)."""
    out: list[list[int]] = [[]]
    for i in body:
        if i in groups:
            out.extend([[i], []])
        else:
            out[-1].append(i)
    return [s for s in out if s]


def _blank_runs(lines: list[str]) -> list[tuple[int, int]]:
    """The runs of positions blank on every line, with text on both sides."""
    if not lines:
        return []
    width = max(len(t) for t in lines)
    filled = [0] * width
    for text in lines:
        for w in WORD.finditer(text):
            for c in range(w.start(), w.end()):
                filled[c] += 1
    first = next(c for c in range(width) if filled[c])
    runs: list[tuple[int, int]] = []
    start = None
    for c in range(first, width):
        if filled[c] == 0 and start is None:
            start = c
        elif filled[c] and start is not None:
            runs.append((start, c))
            start = None
    return runs


def _find_tables(texts: list[str], wraps: dict[tuple[str, ...], tuple[str, ...]] | None = None) -> list[_Table]:
    """The page's tables: each from a header its words name, to the page's end or the running text below.

    `wraps`: for a header's lines as printed, the wrapped words its copies show under it.
    """
    tables: list[_Table] = []
    i = 0
    while i < len(texts):
        header = _header_at(texts, i, wraps) if texts[i].strip() else None
        if header is not None:
            end = _table_end(texts, header)
            if end > header.last + 1:
                tables.append(_Table(header, end, _separators(texts, header, end)))
                i = end
                continue
        i += 1
    return tables


def _header_at(texts: list[str], first: int,
               wraps: dict[tuple[str, ...], tuple[str, ...]] | None = None) -> _Header | None:
    """The shortest block of lines from `first` whose columns name the most roles (two at least),
    and the header cells' wrapped words under it (as `wraps` has them for this header, if it does)."""
    best: _Header | None = None
    block: list[int] = []
    for i in range(first, min(len(texts), first + MAX_HEADER_LINES)):
        if not texts[i].strip():
            break
        if any(NUMBER_CELL.match(p.text) for p in _pieces(texts[i])):
            break  # a row's number: a header numbers no line
        block.append(i)
        columns, spans = _header_columns(texts, block)
        if len(columns) < 2 or any(len(c.text.split()) > MAX_HEADER_WORDS for c in columns):
            break
        roles = [_role(c.text) for c in columns]
        named = [r for r in roles if r]
        if len(set(named)) < 2 or len(set(named)) != len(named):
            continue
        if best is None or len(named) > len([r for r in best.roles if r]):
            best = _Header(first, i, columns, roles, spans)
    if best is None:
        return None
    # A header cell's last words may wrap onto a line of their own (`thành` under `Thời gian hoàn`).
    # A row's first line is no such line: it opens with a number, or fills every column; nor is
    # a cell's text going on from the page before, which goes on under itself (and nowhere else)
    # on the line below, where a header's wrapped words are followed by a row.
    def printed(k):
        return " ".join(texts[k].split())
    core = tuple(printed(k) for k in range(first, best.last + 1))
    could = best.last  # the last line that may be wrapped words
    while could + 1 < len(texts) and could - first + 1 < MAX_HEADER_LINES and texts[could + 1].strip() and len(
            _pieces(texts[could + 1])) < len(best.columns) and not NUMBER_CELL.match(
                _pieces(texts[could + 1])[0].text) and all(
            len(p.text.split()) <= MAX_WRAPPED_HEADER_WORDS and not SENTENCE_MARK.search(p.text)
            and any(abs(p.start + p.end - c.start - c.end) <= 2 * HEADER_CENTRING for c in best.columns)
            for p in _pieces(texts[could + 1])):
        could += 1
    candidates = tuple(printed(k) for k in range(best.last + 1, could + 1))
    chosen = (wraps or {}).get(core)
    if chosen is not None and candidates[:len(chosen)] == chosen:
        last = best.last + len(chosen)
    else:
        last = next((k for k in range(best.last + 1, could + 1) if _goes_on_below(texts, k)), could + 1) - 1
    if last == best.last:
        return _Header(first, best.last, best.columns, best.roles, best.spans, core)
    columns, spans = _header_columns(texts, list(range(first, last + 1)))
    return _Header(first, last, columns, [_role(c.text) for c in columns], spans, core, candidates[:last - best.last])


def _goes_on_below(texts: list[str], i: int) -> bool:
    """Does the line below line i hold text only under line i's pieces, starting where they start
    (one cell's lines going on; a title across the table below a header is no such text)?"""
    if i + 1 >= len(texts) or not texts[i + 1].strip():
        return False
    above = _pieces(texts[i])
    return all(any(p.start < a.end and a.start < p.end and abs(p.start - a.start) <= ALIGNED for a in above)
               for p in _pieces(texts[i + 1]))


def _role(text: str) -> str | None:
    """The role a header cell names; a header cell opens with a capital (`Nội dung`, `STT`), so a
    piece of a row that holds a role's words (`hiện hoàn thành …`, `- Báo cáo kết quả`) names none."""
    return role_of(text) if text[:1].isupper() else None


def _header_columns(texts: list[str], block: list[int]) -> tuple[list[_Piece], tuple[tuple[str, int, int], ...]]:
    """The header's columns: pieces of its lines that overlap side to side are one cell, its text read top down.

    A cell that names no role and stands above its two neighbours, both
    wholly below it (`Cơ quan` over `Chủ trì` and `Phối hợp`), spans them: it
    is no column of its own but the first part of theirs (`Cơ quan Chủ trì`).
    """
    cells: list[list[tuple[int, _Piece]]] = []
    for k in block:
        for piece in _pieces(texts[k]):
            touching = [c for c in cells if any(p.start <= piece.end and piece.start <= p.end for _, p in c)]
            merged = [(k, piece)]
            for c in touching:
                cells.remove(c)
                merged = c + merged
            cells.append(sorted(merged, key=lambda lp: lp[0]))
    cells.sort(key=lambda c: min(p.start for _, p in c))
    columns = [[_Piece(min(p.start for _, p in c), max(p.end for _, p in c), " ".join(p.text for _, p in c)),
                min(k for k, _ in c), max(k for k, _ in c), ""] for c in cells]
    parents: list[tuple[str, int]] = []  # a spanning cell's text and the index of its left child among the kept columns
    for j in range(1, len(columns) - 1):
        if columns[j - 1] is None:
            continue
        piece, top, bottom, _ = columns[j]
        left, right = columns[j - 1], columns[j + 1]
        if _role(piece.text) is None and left[1] > bottom and right[1] > bottom:
            left[3] = right[3] = piece.text + " "
            columns[j] = None
            parents.append((piece.text, j - 1 - sum(1 for c in columns[:j - 1] if c is None)))
    kept = [_Piece(c[0].start, c[0].end, c[3] + c[0].text) for c in columns if c is not None]
    return kept, tuple((text, k, k + 1) for text, k in parents)


def _table_end(texts: list[str], header: _Header) -> int:
    """One past the table's last line: the page's end, or the first line of running text.

    Running text crosses the columns in one long piece, over most of the
    table's width and two header cells' starts; a table's line is cut into
    pieces at its columns (two cells may touch where one's text pushes the
    next one's right, but not over most of the table's width).
    A lone page number at the page's foot is no row; the header repeated
    starts the table again.
    """
    bounds = [c.start for c in header.columns[1:]]
    width = header.columns[-1].end - header.columns[0].start
    end = len(texts)
    for i in range(header.last + 1, len(texts)):
        text = texts[i]
        if not text.strip():
            continue
        longest = max(_pieces(text), key=lambda p: p.end - p.start)
        if (longest.end - longest.start >= RUNNING_TEXT_SHARE * width
                and sum(longest.start < b < longest.end for b in bounds) >= min(2, len(bounds))
                and not _is_group_line(text, bounds)):
            end = i
            break
        again = _header_at(texts, i)
        if again is not None and again.roles == header.roles:
            end = i  # the header again: the table goes on under it
            break
    while end > header.last + 1 and (not texts[end - 1].strip() or vocab.PAGE_NUMBER.match(texts[end - 1])):
        end -= 1
    return end


def _is_group_line(text: str, bounds: list[int]) -> bool:
    """A group's title across the table: alone on its line, `I. Cải cách …`, or in capitals after its mark
    (`A THỦ TỤC …`)."""
    stripped = text.strip()
    return len(_pieces(text)) == 1 and bool(GROUP_LABEL.match(stripped) or
                                            (GROUP_MARK.match(stripped) and vocab.is_caps(stripped)))


def _separators(texts: list[str], header: _Header, end: int) -> list[int]:
    """Where each column starts: between two header cells, the middle of the widest run of the positions blank
    on most lines."""
    body = [texts[i] for i in range(header.last + 1, end) if texts[i].strip()]
    width = max([len(t) for t in body] + [header.columns[-1].end])
    filled = [0] * (width + 1)
    for text in body:
        for w in WORD.finditer(text):
            for c in range(w.start(), w.end()):
                filled[c] += 1
    seps = []
    for left, right in zip(header.columns, header.columns[1:]):
        # Each header cell lies within its column: the boundary lies between them.
        lo = left.end
        hi = max(lo + 1, right.start + 1)
        least = min(filled[lo:hi])
        runs, run = [], []
        for c in range(lo, hi):
            if filled[c] == least:
                run.append(c)
            else:
                if run:
                    runs.append(run)
                run = []
        if run:
            runs.append(run)
        if least == 0 and len(runs) > 1:
            # Text stands between the blank runs (a narrow column's numbers):
            # the boundary is the run that leaves each such band on the side of
            # the header cell it stands nearer to.
            runs = [r for r in runs if _misplaced(filled, r, runs, left, right) == 0] or runs
        widest = max(runs, key=len)
        seps.append(widest[len(widest) // 2] if least == 0 else widest[-1])
    return seps


def _misplaced(filled: list[int], run: list[int], runs: list[list[int]], left: _Piece, right: _Piece) -> int:
    """How much text a boundary in `run` puts on the side of the header cell it stands farther from."""
    bad = 0
    for a, b in zip(runs, runs[1:]):
        band = range(a[-1] + 1, b[0])
        centre = (band.start + band.stop) / 2
        nearer_right = abs(centre - (right.start + right.end) / 2) < abs(centre - (left.start + left.end) / 2)
        if nearer_right != (band.start > run[-1]):
            bad += sum(filled[c] for c in band)
    return bad


def _grid(texts: list[str], table: _Table, shape: _Shape, page: int) -> TableGrid:
    header, end, seps = table.header, table.end, table.seps
    n = len(header.columns)
    right_edge = max([len(texts[i]) for i in range(header.first, end)] + [header.columns[-1].end])
    edges = [0] + seps + [right_edge]
    column_of = table.column_of
    body = table.body(texts)
    wrapped: set[int] = set()
    groups = {i for i in body if _is_group_line(texts[i], seps)}
    # A long group title wraps: a line of capitals alone right under it goes on with it.
    for before, i in zip(body, body[1:]):
        if before in groups and i not in groups and len(_pieces(texts[i])) == 1 and vocab.is_caps(texts[i].strip()):
            groups.add(i)
            wrapped.add(i)
    # Each body line's words, column by column. A title across the table
    # breaks the tool's alignment: below it the columns may stand elsewhere,
    # so each stretch between titles has its boundaries moved to its own blank runs.
    per_line: dict[int, list[list[str]]] = {}
    touching: dict[int, set[int]] = {}
    free: dict[int, dict[int, int]] = {}
    # How far a column's lines run when set: the widest of its lines that stand alone, on all its pages.
    limits = [max(shape.widths[k], default=0.0) for k in range(n)]
    for stretch in _stretches(body, groups):
        part = _Table(header, end, _moved(seps, [texts[i] for i in stretch]), stretch)
        widths, lefts = _column_widths(texts, part, shape)
        for i in stretch:
            per_line[i], touching[i], free[i] = _line_cells(texts[i], part.column_of, widths, lefts, limits)

    starts = _row_starts(per_line, header.roles, header.last + 1, end, groups, wrapped)
    row_lines = [[i for i in range(a, b) if i in per_line] for a, b in zip(starts, starts[1:] + [end])]
    aligned = _aligned_columns(row_lines, free, n)
    for mine in row_lines:
        _cut_at_edges(texts, per_line, touching, free, mine, aligned)
        _rewrap([per_line[i] for i in mine], [touching[i] for i in mine], limits)
    rows: list[tuple[TableCell | None, ...]] = []
    head_cells = [[] for _ in range(n)]
    for i in range(header.first, header.last + 1):
        for w in WORD.finditer(texts[i]):
            head_cells[column_of(w.start())].append(w.group())
    if header.last >= header.first:  # a table carried over from the page before has no header here
        def box(k, j=None):
            return (float(edges[k]), float(header.first), float(edges[(k if j is None else j) + 1]),
                    float(header.last + 1))
        if not header.spans:
            rows.append(tuple(TableCell(" ".join(words), *box(k)) for k, words in enumerate(head_cells)))
        else:
            # Two header rows, as a ruled grid has them: the spanning cell over its columns, then theirs.
            first_row: list[TableCell | None] = [TableCell(c.text, *box(k)) for k, c in enumerate(header.columns)]
            second_row: list[TableCell | None] = [None] * n
            for text, a, b in header.spans:
                first_row[a] = TableCell(text, *box(a, b))
                for k in range(a, b + 1):
                    if k > a:
                        first_row[k] = None
                    second_row[k] = TableCell(header.columns[k].text.removeprefix(text).strip(), *box(k))
            rows.extend([tuple(first_row), tuple(second_row)])
    for a, b in zip(starts, starts[1:] + [end]):
        lines = [i for i in range(a, b) if i in per_line]
        if not lines:
            continue
        top, bottom = float(lines[0]), float(lines[-1] + 1)
        if all(i in groups for i in lines):
            cell = TableCell("\n".join(texts[i].strip() for i in lines), float(edges[0]), top, float(edges[-1]), bottom)
            rows.append((cell,) + (None,) * (n - 1))
            continue
        texts_by_col = ["\n".join(" ".join(per_line[i][k]) for i in lines if per_line[i][k]) for k in range(n)]
        rows.append(tuple(_cell(texts_by_col, k, edges, top, bottom, a == starts[0]) for k in range(n)))
    bbox = (float(edges[0]), float(header.first), float(edges[-1]), float(end))
    return TableGrid(page=page, bbox=bbox, rows=tuple(rows), source="layout")


def _column_widths(texts: list[str], table: _Table, shape: _Shape) -> tuple[list[int], list[int]]:
    """How long each column's lines run, and where its text most often starts on this page.

    The start is this page's most common one where the column has a few
    pieces here; else the column's usual place beside its header cell.
    """
    n = len(table.header.columns)
    here: list[list[int]] = [[] for _ in range(n)]
    for i in table.body(texts):
        for piece in _pieces(texts[i]):
            k = table.column_of(piece.start)
            if table.column_of(piece.end - 1) == k:
                here[k].append(piece.start)
    lefts = []
    for k, starts in enumerate(here):
        pool = starts if len(starts) >= MIN_SAMPLES else [table.header.columns[k].start + o for o in shape.offsets[k]]
        lefts.append(max(set(pool), key=pool.count) if pool else table.header.columns[k].start)
    # A column's longest lines often touch the next column's text and are no
    # piece of their own: the room up to the next column's usual start counts too.
    widths = [max([*shape.lengths[k], lefts[k + 1] - lefts[k] - 2] if k + 1 < n and lefts[k + 1] > lefts[k]
                  else shape.lengths[k], default=0) for k in range(n)]
    return widths, lefts


def _aligned_columns(rows: list[list[int]], free: dict[int, dict[int, int]], n: int) -> set[int]:
    """The columns whose cells' lines start at one character column: where most lines of a
    cell that follow one another, each a piece of its own, start within a character of each other
    (a centred or right-aligned cell's lines start where their lengths put them)."""
    same, pairs = [0] * n, [0] * n
    for lines in rows:
        for a, b in zip(lines, lines[1:]):
            for k in set(free[a]) & set(free[b]):
                pairs[k] += 1
                same[k] += abs(free[a][k] - free[b][k]) <= 1
    return {k for k in range(n) if pairs[k] and same[k] >= ALIGNED_SHARE * pairs[k]}


def _cut_at_edges(texts: list[str], per_line: dict[int, list[list[str]]], touching: dict[int, set[int]],
                  free: dict[int, dict[int, int]], lines: list[int], aligned: set[int]) -> None:
    """Where a row's cell touches the next one on a line, cut where the next cell's own lines start.

    The tool sets a cell's lines at one character column, the same for all of
    them (`_line_cells` calls it free where a line of the cell is a piece of
    its own). A line that runs into the next cell is set as one piece, its
    words one space apart, from where the first cell starts: the next cell's
    words on it then stand at that column or left of it (the tool counts
    the characters before them, not their width), never right of it. So the
    next cell's text on that line begins at its last word standing at or
    left of where its other lines start in the row. A row that has no such
    line of the next cell leaves the cut to `_rewrap`.
    """
    for i in lines:
        for k in sorted(touching[i]):
            if k + 1 not in aligned:
                continue
            # A cell's paragraphs may be set apart (`2. Báo cáo …` further right): the nearest line counts.
            near = sorted((abs(j - i), j < i, j) for j in lines if k + 1 in free[j])
            if not near:
                continue
            edge = free[near[0][2]][k + 1]
            left, right = per_line[i][k], per_line[i][k + 1]
            placed = _placed(texts[i], left + right)
            if placed is None:
                continue
            cut = max((j for j in range(1, len(placed)) if placed[j] <= edge), default=None)
            if cut is None:
                continue
            words = left + right
            per_line[i][k], per_line[i][k + 1] = words[:cut], words[cut:]
            touching[i].discard(k)


def _placed(text: str, words: list[str]) -> list[int] | None:
    """Where these words, one after another, stand on the line: each word's character column."""
    found = [(m.start(), m.group()) for m in WORD.finditer(text)]
    for a in range(len(found) - len(words) + 1):
        if all(found[a + j][1] == w for j, w in enumerate(words)):
            return [found[a + j][0] for j in range(len(words))]
    return None


def _line_cells(text: str, column_of, widths: list[int], lefts: list[int],
                limits: list[float]) -> tuple[list[list[str]], set[int], dict[int, int]]:
    """A body line's words, column by column, the columns k whose text touches column k + 1's in one
    piece, and where each column's text starts that is a piece of its own (not cut from a piece).

    A piece goes to the column its start falls in, or to the next one where it
    would run from its column's text (or its column's usual start) further
    than that column's lines ever run; columns never go back left on a line.
    """
    n = len(widths)
    cells: list[list[str]] = [[] for _ in range(n)]
    touching: set[int] = set()
    begun: dict[int, int] = {}
    free: dict[int, int] = {}
    floor = 0
    for piece in _pieces(text):
        k = max(column_of(piece.start), floor)
        origin = min(begun.get(k, lefts[k]), piece.start)
        runs_over = k + 1 < n and piece.end - origin > widths[k] + 1 \
            and (k in begun or piece.end - piece.start <= widths[k + 1] + 1)
        if runs_over and (k in begun or column_of(piece.end - 1) > k or piece.start >= lefts[k + 1] - (widths[k] // 4)):
            k += 1
        parts = _split_piece(piece, k, column_of, limits)
        for col, start, words in parts:
            cells[col].extend(words)
            begun.setdefault(col, start)
            floor = col
        if len(parts) == 1 and parts[0][2] and cells[parts[0][0]] == parts[0][2]:
            free[parts[0][0]] = piece.start  # the column's text on this line is this piece
        touching.update(col for (col, _, _), (nxt, _, _) in zip(parts, parts[1:]) if nxt == col + 1)
    return cells, touching, free


def _rewrap(lines: list[list[list[str]]], touching: list[set[int]], limits: list[float]) -> None:
    """Move words across the touching cells of a row's lines where its cells then wrap alike.

    Where two cells touch, their words join with one space and nothing on the
    line tells where one ends. What does: every line of a cell but its last
    (and but one ending a paragraph, before a `-` or `2.`) is full, so the
    cell's longest full line is shorter than any full line with the next
    line's first word added; and no line runs much past the column's widest
    line that stands alone (`limits`). Lengths are widths as set (`_width`).
    The cut is moved by up to MAX_SHIFT words where that makes both cells'
    lines agree better.
    """
    for i, pairs in enumerate(touching):
        for k in sorted(pairs):
            best, best_cost = 0, _wrap_cost(lines, k, limits[k]) + _wrap_cost(lines, k + 1, limits[k + 1])
            left, right = lines[i][k], lines[i][k + 1]
            for shift in range(-min(MAX_SHIFT, len(left) - 1), min(MAX_SHIFT, len(right) - 1) + 1):
                if shift == 0:
                    continue
                lines[i][k], lines[i][k + 1] = ((left + right[:shift], right[shift:]) if shift > 0
                                                else (left[:shift], left[shift:] + right))
                cost = _wrap_cost(lines, k, limits[k]) + _wrap_cost(lines, k + 1, limits[k + 1])
                if cost + MIN_GAIN <= best_cost:
                    best, best_cost = shift, cost
            lines[i][k], lines[i][k + 1] = ((left + right[:best], right[best:]) if best >= 0
                                            else (left[:best], left[best:] + right))


def _wrap_cost(lines: list[list[list[str]]], k: int, limit: float = 0.0) -> float:
    """How far a cell's lines are from wrapping at one width: 0 when some width fits them all,
    and how far they run past the column's widest line of its own (`limit`)."""
    texts = [" ".join(cells[k]) for cells in lines if cells[k]]
    over = sum(max(0.0, _width(t) - limit) for t in texts) if limit else 0.0
    full = [j for j in range(len(texts) - 1) if not CELL_OPENER.match(texts[j + 1])]
    if not full:
        return over
    longest = max(_width(texts[j]) for j in full)
    shortest_overflow = min(_width(f"{texts[j]} {texts[j + 1].split()[0]}") for j in full)
    return over + max(0.0, longest - shortest_overflow + 1)


def _split_piece(piece: _Piece, first: int, column_of, widths: list[float]) -> list[tuple[int, int, list[str]]]:
    """A piece's words by column, from column `first` on: (column, where its words start, words).

    The tool places each word where the page has it, unless the text before
    it on the line already runs that far: then it follows after one space.
    So two cells can touch, and a word may stand left of its column's start.
    A piece set wider (`_width`) than its first column's lines ever are
    holds the text of the columns it reaches into: it is cut at a sentence's
    end before a word in lower case, else where a cell's text begins (a
    label, else a capital), else as far right as the column's width allows.
    """
    words = [(m.start() + piece.start, m.group()) for m in WORD.finditer(piece.text)]
    last = max(first, column_of(piece.end - 1))
    if _width(piece.text) <= widths[first] + WIDTH_SLACK:
        return [(first, piece.start, [w for _, w in words])]
    if last == first and first + 1 < len(widths):
        last = first + 1
    out: list[tuple[int, int, list[str]]] = []
    rest = words
    for k in range(first, last):
        if len(rest) < 2:
            break
        fits = [j for j in range(1, len(rest))
                if _width(" ".join(w for _, w in rest[:j])) <= widths[k] + WIDTH_SLACK] or [1]
        # A sentence's end followed by a word in lower case: one cell ends there, the next goes on.
        ends = [j for j in fits if SENTENCE_END.search(rest[j - 1][1]) and rest[j][1][:1].islower()]
        labels = [j for j in fits if CELL_OPENER.match(rest[j][1])]
        capitals = [j for j in fits if rest[j][1][:1].isupper() and rest[j][0] - rest[0][0] > widths[k] // 2]
        cut = ends[-1] if ends else labels[-1] if labels else capitals[0] if capitals else fits[-1]
        out.append((k, rest[0][0], [w for _, w in rest[:cut]]))
        rest = rest[cut:]
    if rest:
        out.append((last if out or first == last else first, rest[0][0], [w for _, w in rest]))
    return out


def _cell(texts: list[str], k: int, edges: list[int], top: float, bottom: float, page_first: bool) -> TableCell | None:
    """A row's cell in column k; None where it is empty and merged with the cell above.

    Text alone cannot show a merge. Empty cells left of the row's first text
    (a group or task spanning rows) are taken as merged; so is every empty cell
    of a row that has no text in its first two columns (a task split over rows,
    one per product), whose other cells then span it too. On a page's first
    row an empty cell is only empty, as the PDF's own grid has it: whether the
    row goes on from the page before is for the table reader to say.
    """
    if texts[k] or page_first:
        return TableCell(texts[k], float(edges[k]), top, float(edges[k + 1]), bottom)
    first = next((j for j, t in enumerate(texts) if t), len(texts))
    if k < first or first >= min(2, len(texts) - 1):
        return None
    return TableCell("", float(edges[k]), top, float(edges[k + 1]), bottom)


def _fresh_entries(before: list[str], cells: list[list[str]], key: int, longest: int) -> bool:
    """Without a number column: does this line open new cells in two columns or more?

    It does where the key column's text before (its last line in the row) has
    ended, and every cell on this line opens as a cell does (a capital, a
    number, a bullet). Text has ended at a sentence's end, or where its line
    broke before the column was full: a line wraps only where its next word
    does not fit, so a line with room left for this line's first word ends
    its paragraph. Lines as full differ in length by a few characters (the
    characters' widths differ), hence the room must exceed WRAP_SLACK.
    """
    filled = [c for c in cells if c]
    if len(filled) < 2 or not cells[key] or not before:
        return False
    room = longest - len(" ".join(before)) - 1 - len(cells[key][0])
    ended = before[-1].endswith(tuple(".!?")) or room >= WRAP_SLACK
    return ended and all(c[0][:1].isupper() or CELL_OPENER.match(c[0]) or c[0][:1].isdigit() for c in filled)


def _row_starts(per_line: dict[int, list[list[str]]], roles: list[str | None], first: int, end: int,
                groups: set[int], wrapped: set[int] = frozenset()) -> list[int]:
    """Line indices where rows begin; a group's title line (`II. Cải cách …` across the table) is a row of its own."""
    number = roles.index("row_no") if "row_no" in roles else None
    task = next((roles.index(r) for r in ENTRY_ROLES if r in roles), None)
    group = roles.index("group") if "group" in roles else None
    key = task if task is not None else 0
    longest = max((len(" ".join(c[key])) for c in per_line.values()), default=0)
    starts = [first]
    seen: list[bool] = []  # which columns have had text in the current row
    previous: list[list[str]] | None = None
    key_line: list[str] = []  # the key column's last line in the current row
    last_line = -1
    blank_before = False
    for i in range(first, end):
        cells = per_line.get(i)
        if cells is None:
            blank_before = previous is not None
            continue
        has = [bool(c) for c in cells]
        if (previous is not None and has[0] and not any(has[1:]) and roles[0] != "row_no" and
                roles[0] not in ENTRY_ROLES):
            # Only a spanning first column (a group's cell) goes on here: no sign of a row.
            seen[0] = True
            continue
        if previous is not None:
            had = [bool(c) for c in previous]
            restarted = [k for k in range(len(cells)) if has[k] and seen[k] and (not had[k] or blank_before)]
            opens = (
                (number is not None and has[number] and NUMBER_CELL.match(cells[number][0]))
                or (number is None and task is not None and has[task] and ENTRY_LABEL.match(cells[task][0]))
                or (group is not None and has[group] and GROUP_LABEL.match(cells[group][0]))
                or len(restarted) >= 2
                or (blank_before and sum(has) >= 2)
                or (i in groups and i not in wrapped) or (last_line in groups and i not in wrapped)
                or (number is None and _fresh_entries(key_line, cells, key, longest))
            )
            if opens:
                starts.append(i)
                seen = [False] * len(cells)
                key_line = []
        if not seen:
            seen = [False] * len(cells)
        seen = [s or h for s, h in zip(seen, has)]
        key_line = cells[key] or key_line
        previous = cells
        last_line = i
        blank_before = False
    return starts
