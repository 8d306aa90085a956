"""Where layout text's tables are: each table's header, end and column boundaries on its page.

A table is found by its header (the fewest lines whose side-by-side pieces name the most column roles,
with a cell's wrapped last words), runs to the page's end or the running text below it, and has its
columns parted where most of its lines are blank between two header cells; a table that goes on at the
top of the next page without its header takes the previous page's boundaries, moved to that page's own
blank runs. Reading the lines between those boundaries into rows and cells is `cells`' part.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex as re

from parsers.language import vocab
from parsers.read.layout_text.pieces import WORD, Piece, pieces_of, text_width
from parsers.tables.roles import role_of

# A header cell is a few words; more, and the block is text, not a header.
MAX_HEADER_WORDS = 12
MAX_HEADER_LINES = 6  # a narrow column's header cell (`Tên thủ tục hành chính`) wraps to five
# A header cell's wrapped last words: a few, centred under the cell (within
# this many characters), as header cells are set.
MAX_WRAPPED_HEADER_WORDS = 3
# A cell's lines start within this many characters of each other (the tool rounds positions).
ALIGNED = 2
SENTENCE_MARK = re.compile(r"[,;.:]")  # in a cell's text, not in a header's wrapped words
HEADER_CENTRING = 3
# A piece of a line (no two spaces in it) that spans this share of a table's
# width is running text below the table, not a row.
RUNNING_TEXT_SHARE = 0.6
# How far a table's columns may shift from one page, or one stretch of a page, to the next, in
# characters: up to 10 in the typeset tables where a page has no header.
MAX_PAGE_SHIFT = 16
# `I.`, `IV)`: a group.
GROUP_LABEL = re.compile(r"^[IVXLC]+\s*[.)]")
GROUP_MARK = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])(?:\s*[.)]\s*|\s+)\S")
NUMBER_CELL = re.compile(r"^\d{1,3}[.)]?$|^[IVXLC]+[.)]?$|^[A-ZĐ][.)]?$")


@dataclass(frozen=True, slots=True)
class _Header:
    first: int
    last: int  # line index of the header's last line
    columns: list[Piece]  # each column's extent on the header lines and its words
    roles: list[str | None]
    spans: tuple[tuple[str, int, int], ...] = ()  # a cell over several columns: its text, first and last column
    core: tuple[str, ...] = ()  # the lines that name the roles, as printed
    wrapped: tuple[str, ...] = ()  # the lines of header cells' wrapped last words under them, as printed


@dataclass(frozen=True, slots=True)
class LayoutTable:
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
class Shape:
    """What the lines of each column of a table look like, over all its pages."""

    lengths: list[list[int]]  # the pieces that stay within the column: how long they run
    offsets: list[list[int]]  # where they start, from the start of the column's header cell
    widths: list[list[float]]  # how wide they are set (`text_width`)

    @classmethod
    def empty(cls, n: int) -> Shape:
        return cls([[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)])

    def learn(self, texts: list[str], table: LayoutTable) -> None:
        for i in table.body(texts):
            for piece in pieces_of(texts[i]):
                k = table.column_of(piece.start)
                if table.column_of(piece.end - 1) == k:
                    self.lengths[k].append(piece.end - piece.start)
                    self.widths[k].append(text_width(piece.text))
                    self.offsets[k].append(piece.start - table.header.columns[k].start)


def carried_table(before: list[str], tables_before: list[LayoutTable], texts: list[str],
                   tables: list[LayoutTable]) -> LayoutTable | None:
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
    # before move to this page's blank runs (`moved_boundaries`). A group's title
    # crosses the columns: it has no say.
    lines = [texts[i] for i in range(top, end) if texts[i].strip() and not is_group_line(texts[i], last.seps)]
    return LayoutTable(header, end, moved_boundaries(last.seps, lines))


def moved_boundaries(seps: list[int], lines: list[str]) -> list[int]:
    """Each boundary moved to a run blank on every one of these lines, if one is near, or kept:
    together, the runs where most of the lines' pieces start (columns' left edges), else the
    nearest, the boundaries kept in their order (two never move to one run, nor past each other)."""
    runs = _blank_runs(lines)
    starts = Counter(p.start for text in lines for p in pieces_of(text))
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


def find_layout_tables(texts: list[str],
                       wraps: dict[tuple[str, ...], tuple[str, ...]] | None = None) -> list[LayoutTable]:
    """The page's tables: each from a header its words name, to the page's end or the running text below.

    `wraps`: for a header's lines as printed, the wrapped words its copies show under it.
    """
    tables: list[LayoutTable] = []
    i = 0
    while i < len(texts):
        header = _header_at(texts, i, wraps) if texts[i].strip() else None
        if header is not None:
            end = _table_end(texts, header)
            if end > header.last + 1:
                tables.append(LayoutTable(header, end, _separators(texts, header, end)))
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
        if any(NUMBER_CELL.match(p.text) for p in pieces_of(texts[i])):
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
            pieces_of(texts[could + 1])) < len(best.columns) and not NUMBER_CELL.match(
                pieces_of(texts[could + 1])[0].text) and all(
            len(p.text.split()) <= MAX_WRAPPED_HEADER_WORDS and not SENTENCE_MARK.search(p.text)
            and any(abs(p.start + p.end - c.start - c.end) <= 2 * HEADER_CENTRING for c in best.columns)
            for p in pieces_of(texts[could + 1])):
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
    above = pieces_of(texts[i])
    return all(any(p.start < a.end and a.start < p.end and abs(p.start - a.start) <= ALIGNED for a in above)
               for p in pieces_of(texts[i + 1]))


def _role(text: str) -> str | None:
    """The role a header cell names; a header cell opens with a capital (`Nội dung`, `STT`), so a
    piece of a row that holds a role's words (`hiện hoàn thành …`, `- Báo cáo kết quả`) names none."""
    return role_of(text) if text[:1].isupper() else None


@dataclass(slots=True)
class _HeaderColumn:
    """A header cell while spanning cells are found: its piece, its first and last line, and the text of
    a spanning cell above it, which opens its text."""

    piece: Piece
    top: int
    bottom: int
    prefix: str = ""


def _header_columns(texts: list[str], block: list[int]) -> tuple[list[Piece], tuple[tuple[str, int, int], ...]]:
    """The header's columns: pieces of its lines that overlap side to side are one cell, its text read top down.

    A cell that names no role and stands above its two neighbours, both
    wholly below it (`Cơ quan` over `Chủ trì` and `Phối hợp`), spans them: it
    is no column of its own but the first part of theirs (`Cơ quan Chủ trì`).
    """
    cells: list[list[tuple[int, Piece]]] = []
    for k in block:
        for piece in pieces_of(texts[k]):
            touching = [c for c in cells if any(p.start <= piece.end and piece.start <= p.end for _, p in c)]
            merged = [(k, piece)]
            for c in touching:
                cells.remove(c)
                merged = c + merged
            cells.append(sorted(merged, key=lambda lp: lp[0]))
    cells.sort(key=lambda c: min(p.start for _, p in c))
    columns: list[_HeaderColumn | None] = [
        _HeaderColumn(Piece(min(p.start for _, p in c), max(p.end for _, p in c), " ".join(p.text for _, p in c)),
                      min(k for k, _ in c), max(k for k, _ in c)) for c in cells]
    parents: list[tuple[str, int]] = []  # a spanning cell's text and the index of its left child among the kept columns
    for j in range(1, len(columns) - 1):
        left, column, right = columns[j - 1], columns[j], columns[j + 1]
        if left is None:
            continue
        assert column is not None and right is not None  # only columns left of j are dropped yet
        piece, bottom = column.piece, column.bottom
        if _role(piece.text) is None and left.top > bottom and right.top > bottom:
            left.prefix = right.prefix = piece.text + " "
            columns[j] = None
            parents.append((piece.text, j - 1 - sum(1 for c in columns[:j - 1] if c is None)))
    kept = [Piece(c.piece.start, c.piece.end, c.prefix + c.piece.text) for c in columns if c is not None]
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
        longest = max(pieces_of(text), key=lambda p: p.end - p.start)
        if (longest.end - longest.start >= RUNNING_TEXT_SHARE * width
                and sum(longest.start < b < longest.end for b in bounds) >= min(2, len(bounds))
                and not is_group_line(text, bounds)):
            end = i
            break
        again = _header_at(texts, i)
        if again is not None and again.roles == header.roles:
            end = i  # the header again: the table goes on under it
            break
    while end > header.last + 1 and (not texts[end - 1].strip() or vocab.PAGE_NUMBER.match(texts[end - 1])):
        end -= 1
    return end


def is_group_line(text: str, bounds: list[int]) -> bool:
    """A group's title across the table: alone on its line, `I. Cải cách …`, or in capitals after its mark
    (`A THỦ TỤC …`)."""
    stripped = text.strip()
    return len(pieces_of(text)) == 1 and bool(GROUP_LABEL.match(stripped) or
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


def _misplaced(filled: list[int], run: list[int], runs: list[list[int]], left: Piece, right: Piece) -> int:
    """How much text a boundary in `run` puts on the side of the header cell it stands farther from."""
    bad = 0
    for a, b in zip(runs, runs[1:]):
        band = range(a[-1] + 1, b[0])
        centre = (band.start + band.stop) / 2
        nearer_right = abs(centre - (right.start + right.end) / 2) < abs(centre - (left.start + left.end) / 2)
        if nearer_right != (band.start > run[-1]):
            bad += sum(filled[c] for c in band)
    return bad

