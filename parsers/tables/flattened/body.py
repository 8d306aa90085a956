"""The table's body lines: their words, where they may be cut, their widths under each measure, and how words
flow across a line break.

Read once per table, before any piece is made: the pieces (pieces.py) are
stretches of these lines, and what the search learns of widths (model.py)
is measured here.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain
from typing import TYPE_CHECKING

import numpy as np

from parsers.language.glyphs import OTHER_WIDTH, TIMES_WIDTHS
from parsers.model.records import Line
from parsers.structure.clean import normalise
from parsers.tables.flattened.kernels import LINE, FlowTable, flows_k
from parsers.tables.flattened.settings import SETTINGS
from parsers.tables.flattened.vocabulary import (
    CUT_AFTER,
    CUT_BEFORE,
    GLYPH_AVERAGE,
    ITEM_OPENING,
    LABEL,
    MAX_LINE_WORDS,
)

if TYPE_CHECKING:
    from parsers.tables.flattened.pieces import Pieces
    from parsers.tables.flattened.search import Steps


@lru_cache(maxsize=1 << 14)  # a table's words, and the lines measured twice (agreement, measure_with)
def _glyph_units(text: str) -> int:
    """The advance widths of `text` set in Times New Roman, in thousandths of an em."""
    try:
        return sum(map(CHAR_UNITS.__getitem__, text))
    except KeyError:
        for ch in set(text) - CHAR_UNITS.keys():
            CHAR_UNITS[ch] = _char_units(ch)
        return sum(map(CHAR_UNITS.__getitem__, text))


def _char_units(ch: str) -> int:
    """A character's advance width; a letter the table lacks (`ệ`) is as wide as its base letter (`e`)."""
    w = TIMES_WIDTHS.get(ch)
    return w if w is not None else TIMES_WIDTHS.get(unicodedata.normalize("NFD", ch)[0], OTHER_WIDTH)


# Each character's advance width (_char_units), filled as characters are met: a table, not a memo of
# any text's (what a character measures never changes), so that a word is summed without a call a letter.
CHAR_UNITS: dict[str, int] = dict(TIMES_WIDTHS)


def _glyph_width(text: str) -> float:
    """The width of `text` set in Times New Roman, in average characters."""
    return _glyph_units(text) / GLYPH_AVERAGE


def _char_width(text: str) -> float:
    """The width of `text` in characters, as a monospaced layout wraps it."""
    return float(len(text))


# The ways to measure a line; the table was set in the one under which the
# wrapped lines of each column agree best on one width (see agreement).
MEASURES = (_glyph_width, _char_width)
# Each measure is a whole number of units per character over the units of an
# average character, so a piece's width is its words' units and its spaces'
# over that, exactly as measured on its text (measure_with, candidate_pieces).
MEASURE_UNITS: dict[Callable[[str], float], tuple[Callable[[str], int], int]] = {
    _glyph_width: (_glyph_units, GLYPH_AVERAGE), _char_width: (len, 1)}


class _Flow:
    """How well one word follows another, learned from the word pairs inside
    the table's lines (which never straddle two cells): a sentence wrapped
    across lines reads on (`Nghị quyết của` / `Quốc hội`, `Chủ tịch UBND` /
    `huyện`); two cells side by side do not (`Phòng Tư pháp` / `Văn phòng`)."""

    def __init__(self, lines: list[list[str]], learn: list[bool]):
        """`learn`: per line, whether its words are counted (a cell set on one line, not measured, would
        outweigh the table: a thousand numbers, one key)."""
        # Each word's key (_Flow.key) as an id, in the order the keys first appear; each line's words as ids.
        self.ids: dict[str, int] = {}
        id_of: dict[str, int] = {}
        self.line_ids = []
        for words in lines:
            row = []
            for w in words:
                k = id_of.get(w)
                if k is None:
                    k = id_of[w] = self.ids.setdefault(self.key(w), len(self.ids))
                row.append(k)
            self.line_ids.append(row)
        keys = len(self.ids)
        counted = [row for row, kept in zip(self.line_ids, learn) if kept]
        flat = np.fromiter(chain.from_iterable(counted), np.int64)
        leads_on = np.ones(flat.size, np.bool_)  # a word another follows in its line: a pair's first
        leads_on[np.cumsum([len(row) for row in counted], dtype=np.int64) - 1] = False
        at = np.flatnonzero(leads_on)
        pair_codes, pair_counts = np.unique(flat[at] * keys + flat[at + 1], return_counts=True)
        self.total = flat.size + 0.5 * (keys + 1)
        self.table = FlowTable(np.bincount(flat, minlength=keys).astype(np.float64),
                                np.bincount(flat[at], minlength=keys).astype(np.float64),
                                pair_codes, pair_counts.astype(np.float64), keys, self.total)

    @staticmethod
    def key(word: str) -> str:
        word = word.strip(".,;:()“”\"").lower()
        return "0" if any(ch.isdigit() for ch in word) else word  # numbers and codes: one word

    def between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The pointwise mutual information of each pair of words (key ids, as in line_ids), smoothed and bounded."""
        t = self.table
        return flows_k(t.words, t.firsts, t.pair_codes, t.pair_counts, t.keys, t.total, a, b)


@dataclass(slots=True)
class Body:
    """The table's body lines: their words, where they may be cut, the page breaks."""

    lines: list[Line]
    words: list[list[str]]
    bounds: list[list[int]]  # word indices where a piece may start or end, 0 and len(words) included
    breaks: list[bool]  # a page break (a header) stands before the line
    item_opens: list[bool] = field(default_factory=list)  # the line opens an item (ITEM_OPENING): a break, never a wrap
    measured: list[bool] = field(default_factory=list)  # at most MAX_LINE_WORDS: its width tells of its column's
    measure: Callable[[str], float] = _glyph_width
    # what the next line's first word adds were it wrapped on; None: no wrap (measure_with)
    follow: list[float | None] | None = None
    units: list[list[int]] | None = None  # per line, its words' units under the measure added up: [0, w0, w0 + w1, …]
    # the same, the lines one after another: per slot (Pieces), its line's units before it
    slot_units: np.ndarray | None = None
    flow: _Flow | None = None


def body_of(lines: Sequence[Line], spans: list[tuple[int, int]], roles: tuple[str, ...]) -> tuple[Body, list[Line]]:
    in_header = {k for s, e in spans for k in range(s, e)}
    repeats = {s for s, e in spans if s > 0}
    body = Body([], [], [], [])
    own_numbers = "row_no" in roles  # an STT column: a row's number is a cell of its own
    pending = False
    looks: dict[str, tuple[bool, bool, bool]] = {}  # word -> (a label, may open a cell, ends a sentence)
    for k, line in enumerate(lines):
        pending = pending or k in repeats
        if k in in_header:
            continue
        words = normalise(line.text).split()
        if not words:
            continue
        brk = pending or bool(body.lines and body.lines[-1].page != line.page)
        for word in words:
            if word not in looks:
                looks[word] = (bool(LABEL.match(word)), bool(CUT_BEFORE.match(word)), bool(CUT_AFTER.search(word)))
        measured = len(words) <= MAX_LINE_WORDS  # else a cell set on one line: one piece
        cuts = [j for j in range(1, len(words)) if (own_numbers or not looks[words[j - 1]][0])
                and (brk or looks[words[j]][1] or looks[words[j - 1]][2])] if measured else []
        body.lines.append(line)
        body.words.append(words)
        body.bounds.append([0] + cuts + [len(words)])
        body.breaks.append(brk)
        body.measured.append(measured)
        pending = False
    body.item_opens = [bool(ITEM_OPENING.match(words[0])) for words in body.words]
    measure_with(body, _glyph_width)
    body.flow = _Flow(body.words, body.measured)
    return body, [lines[k] for k in sorted(in_header)]


def measure_with(body: Body, measure) -> None:
    # A measure counts whole units per character: a line's width, or a piece's, is its words' units and
    # its spaces' over the units of an average character, exactly as the measure reads the joined text.
    units, per = MEASURE_UNITS[measure]
    space = units(" ")
    body.measure = measure
    body.units = [list(accumulate(map(units, words), initial=0)) for words in body.words]
    body.slot_units = np.fromiter(chain.from_iterable(body.units), np.int64)
    n = len(body.lines)
    # None where no line wrapped before the next: past a page break, before an item, or before a cell
    # set on one line (not measured), whose first word then bounds no width.
    body.follow = [(space + units(body.words[i + 1][0])) / per  # measure(" " + the next line's first word)
                   if i + 1 < n and not body.breaks[i + 1] and not body.item_opens[i + 1] and body.measured[i + 1]
                   else None for i in range(n)]


def agreement(body: Body, pieces: Pieces, steps: Steps, measure) -> float:
    """The share of a segmentation's wrapped lines that agree exactly with their column's width under `measure`.

    Exactly: under the measure the table was set in, each column's wraps meet
    on one width; under another they scatter. (The segmentation keeps the
    columns apart: the wraps of the whole table would meet on some widths anyway.)"""
    units, per = MEASURE_UNITS[measure]
    space = units(" ")
    wraps: dict[int, list[tuple[float, float]]] = defaultdict(list)
    cands, kinds = steps.cand, steps.kind
    for k in range(len(cands) - 1):
        cand, nxt = cands[k], cands[k + 1]
        line = pieces.line[cand]
        if (kinds[k + 1] == LINE and pieces.start[cand] == 0 and pieces.end[cand] == len(body.words[line])
                and pieces.line[nxt] == line + 1 and not body.item_opens[line + 1] and body.measured[line]):
            words = body.words[line]
            width = (sum(map(units, words)) + (len(words) - 1) * space) / per  # measure(" ".join(words))
            wraps[steps.col[k]].append((width, width + (space + units(body.words[line + 1][0])) / per))
    return sum(most_agreed(w)[2] for w in wraps.values()) / max(1, sum(len(w) for w in wraps.values()))


def width_bounds(width: float, full: float) -> tuple[float, float]:
    """The column widths a line of `width` that wrapped before reaching `full` allows."""
    return width / (1 + SETTINGS.width_tolerance), full / (1 - SETTINGS.width_tolerance)


def most_agreed(bounds: list[tuple[float, float]]) -> tuple[float, float, int]:
    """The interval inside the most of these intervals, and how many (a sweep)."""
    events = sorted([(lo, 0) for lo, _ in bounds] + [(hi, 1) for _, hi in bounds])
    best, at, now = (0.0, 0.0, 0), None, 0
    for k, (x, kind) in enumerate(events):
        now += 1 if kind == 0 else -1
        if kind == 0 and now > best[2]:
            best, at = (x, x, now), k
        elif kind == 1 and at is not None and now == best[2] - 1:
            best, at = (best[0], x, best[2]), None
    return best
