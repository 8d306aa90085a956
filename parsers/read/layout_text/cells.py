"""A layout-text table's body lines into rows and cells: the `TableGrid` of a table `tables` found.

Each line's pieces go to the columns they start in; where the tool set two cells' texts one space
apart, the piece is cut where the next cell's own lines start in the row, else by how wide each
column's lines are set over all the table's pages. Rows start where the number column, or a task's or
a group's label, opens a new entry, or where the cells open anew after the entry cell's text ended.
"""

from __future__ import annotations

import regex as re

from parsers.language import vocab
from parsers.model.records import Box, TableCell, TableGrid
from parsers.read.layout_text.pieces import WORD, Piece, pieces_of, text_width
from parsers.read.layout_text.tables import (
    GROUP_LABEL,
    NUMBER_CELL,
    LayoutTable,
    Shape,
    is_group_line,
    moved_boundaries,
)

# The share of a column's cells' lines, one under the other, that start at one character
# column for the column to be taken as set flush left.
ALIGNED_SHARE = 0.7
SENTENCE_END = re.compile(r"\w[.!?]$")
# Pieces a column needs on a page to say where its text starts there.
MIN_SAMPLES = 3
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
# `1.`, `12)`: a numbered entry of the task column.
ENTRY_LABEL = re.compile(r"^\d{1,3}\s*[.)]")
# How a cell's text may open: a number or a bullet.
CELL_OPENER = re.compile(r"^(?:\d{1,3}[.)]|[-–+•])")

# How far a line may run past its column's widest line of its own, in characters of average width
# (`pieces`), and still be taken as the column's: the widths read from the font are near the set ones, not the same.
WIDTH_SLACK = 0.5


def _stretches(body: list[int], groups: set[int]) -> list[list[int]]:
    """The body's lines in stretches between group titles (each title a stretch of its own)."""
    out: list[list[int]] = [[]]
    for i in body:
        if i in groups:
            out.extend([[i], []])
        else:
            out[-1].append(i)
    return [s for s in out if s]



def read_grid(texts: list[str], table: LayoutTable, shape: Shape, page: int) -> TableGrid:
    header, end, seps = table.header, table.end, table.seps
    n = len(header.columns)
    right_edge = max([len(texts[i]) for i in range(header.first, end)] + [header.columns[-1].end])
    edges = [0] + seps + [right_edge]
    column_of = table.column_of
    body = table.body(texts)
    wrapped: set[int] = set()
    groups = {i for i in body if is_group_line(texts[i], seps)}
    # A long group title wraps: a line of capitals alone right under it goes on with it.
    for before, i in zip(body, body[1:]):
        if before in groups and i not in groups and len(pieces_of(texts[i])) == 1 and vocab.is_caps(texts[i].strip()):
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
        part = LayoutTable(header, end, moved_boundaries(seps, [texts[i] for i in stretch]), stretch)
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
    head_cells: list[list[str]] = [[] for _ in range(n)]
    for i in range(header.first, header.last + 1):
        for w in WORD.finditer(texts[i]):
            head_cells[column_of(w.start())].append(w.group())
    if header.last >= header.first:  # a table carried over from the page before has no header here
        def box(k, j=None):
            return Box(float(edges[k]), float(header.first), float(edges[(k if j is None else j) + 1]),
                       float(header.last + 1))
        if not header.spans:
            rows.append(tuple(TableCell(" ".join(words), box(k)) for k, words in enumerate(head_cells)))
        else:
            # Two header rows, as a ruled grid has them: the spanning cell over its columns, then theirs.
            first_row: list[TableCell | None] = [TableCell(c.text, box(k)) for k, c in enumerate(header.columns)]
            second_row: list[TableCell | None] = [None] * n
            for text, a, b in header.spans:
                first_row[a] = TableCell(text, box(a, b))
                for k in range(a, b + 1):
                    if k > a:
                        first_row[k] = None
                    second_row[k] = TableCell(header.columns[k].text.removeprefix(text).strip(), box(k))
            rows.extend([tuple(first_row), tuple(second_row)])
    for a, b in zip(starts, starts[1:] + [end]):
        lines = [i for i in range(a, b) if i in per_line]
        if not lines:
            continue
        top, bottom = float(lines[0]), float(lines[-1] + 1)
        if all(i in groups for i in lines):
            text = "\n".join(texts[i].strip() for i in lines)
            cell = TableCell(text, Box(float(edges[0]), top, float(edges[-1]), bottom))
            rows.append((cell,) + (None,) * (n - 1))
            continue
        texts_by_col = ["\n".join(" ".join(per_line[i][k]) for i in lines if per_line[i][k]) for k in range(n)]
        rows.append(tuple(_cell(texts_by_col, k, edges, top, bottom, a == starts[0]) for k in range(n)))
    bbox = Box(float(edges[0]), float(header.first), float(edges[-1]), float(end))
    return TableGrid(page=page, bbox=bbox, rows=tuple(rows), source="layout")


def _column_widths(texts: list[str], table: LayoutTable, shape: Shape) -> tuple[list[int], list[int]]:
    """How long each column's lines run, and where its text most often starts on this page.

    The start is this page's most common one where the column has a few
    pieces here; else the column's usual place beside its header cell.
    """
    n = len(table.header.columns)
    here: list[list[int]] = [[] for _ in range(n)]
    for i in table.body(texts):
        for piece in pieces_of(texts[i]):
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
    for piece in pieces_of(text):
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
    line that stands alone (`limits`). Lengths are widths as set (`text_width`).
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
    over = sum(max(0.0, text_width(t) - limit) for t in texts) if limit else 0.0
    full = [j for j in range(len(texts) - 1) if not CELL_OPENER.match(texts[j + 1])]
    if not full:
        return over
    longest = max(text_width(texts[j]) for j in full)
    shortest_overflow = min(text_width(f"{texts[j]} {texts[j + 1].split()[0]}") for j in full)
    return over + max(0.0, longest - shortest_overflow + 1)


def _split_piece(piece: Piece, first: int, column_of, widths: list[float]) -> list[tuple[int, int, list[str]]]:
    """A piece's words by column, from column `first` on: (column, where its words start, words).

    The tool places each word where the page has it, unless the text before
    it on the line already runs that far: then it follows after one space.
    So two cells can touch, and a word may stand left of its column's start.
    A piece set wider (`text_width`) than its first column's lines ever are
    holds the text of the columns it reaches into: it is cut at a sentence's
    end before a word in lower case, else where a cell's text begins (a
    label, else a capital), else as far right as the column's width allows.
    """
    words = [(m.start() + piece.start, m.group()) for m in WORD.finditer(piece.text)]
    last = max(first, column_of(piece.end - 1))
    if text_width(piece.text) <= widths[first] + WIDTH_SLACK:
        return [(first, piece.start, [w for _, w in words])]
    if last == first and first + 1 < len(widths):
        last = first + 1
    out: list[tuple[int, int, list[str]]] = []
    rest = words
    for k in range(first, last):
        if len(rest) < 2:
            break
        fits = [j for j in range(1, len(rest))
                if text_width(" ".join(w for _, w in rest[:j])) <= widths[k] + WIDTH_SLACK] or [1]
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
        return TableCell(texts[k], Box(float(edges[k]), top, float(edges[k + 1]), bottom))
    first = next((j for j, t in enumerate(texts) if t), len(texts))
    if k < first or first >= min(2, len(texts) - 1):
        return None
    return TableCell("", Box(float(edges[k]), top, float(edges[k + 1]), bottom))


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
                groups: set[int], wrapped: set[int] | frozenset[int] = frozenset()) -> list[int]:
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
