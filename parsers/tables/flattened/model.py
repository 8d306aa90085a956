"""The model the search scores pieces by: its first-pass priors, and what each pass learns for the next.

A model is what a segmentation implies (column widths, first tokens, words,
presence, cell lengths, broken rows); it stands apart from the search, which
only reads it, so that the two alternate: search, learn, search again.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from parsers.tables.flattened.body import Body, most_agreed, width_bounds
from parsers.tables.flattened.kernels import KINDS, LINE, RESUME, START
from parsers.tables.flattened.pieces import Pieces, first_match
from parsers.tables.flattened.settings import SETTINGS
from parsers.tables.flattened.vocabulary import (
    CUE_WEIGHTS,
    CUES,
    LINE_OPENINGS,
    LINE_SHAPES,
    LINE_SHAPES_BY_ROLE,
    OPENING_NAMES,
    SHAPE_NAMES,
    SHAPES,
    START_OPENINGS,
    START_SHAPES,
)

if TYPE_CHECKING:
    from parsers.tables.flattened.search import Steps


@dataclass(slots=True)
class Model:
    roles: tuple[str, ...]
    numbered: int | None  # the column whose cells carry the row numbers
    widths: list[float | None]  # per column; None: not known (yet)
    shapes: list[list[dict[str, float]]]  # [kind][column] -> log P(the first token's shape)
    openings: list[list[dict[str, float]]]  # [kind][column] -> log P(what the first words name)
    word_odds: np.ndarray | None  # [column, token id] -> log(P(word | column) / P(word)); None until learned
    presence: list[list[float]]  # [row kind: task row, group row][column] -> P(the row has a cell of its own there)
    ends: list[float]  # [column] -> P(a cell ends after a line)
    cut_rows: float  # P(a page break falls inside a row)


def _log_dist(prior: dict[str, float], counts: Counter | None, names: list[str]) -> dict[str, float]:
    """Log-probabilities of a categorical feature: its counts, smoothed towards a prior (a partial table)."""
    rest = max(1e-3, 1.0 - sum(prior.values())) / max(1, len(names) - len(prior))
    counts = counts or Counter()
    total = sum(counts.values())
    smoothing = SETTINGS.shape_smoothing
    return {s: math.log((counts[s] + smoothing * prior.get(s, rest)) / (total + smoothing)) for s in names}


def _priors(roles: tuple[str, ...]) -> tuple[int | None, list[list[dict]], list[list[dict]], list[list[float]]]:
    """The first-pass tables: the numbered column, shapes and openings [kind][column], presence [row kind][column]."""
    numbered = roles.index("row_no") if "row_no" in roles else roles.index("task") if "task" in roles else None
    starts = [{"capital": 0.9} if role == "task" and numbered != c else START_SHAPES.get(role, START_SHAPES["notes"])
              for c, role in enumerate(roles)]  # an STT column numbers the rows: tasks open with words
    lines = [LINE_SHAPES_BY_ROLE.get(role, LINE_SHAPES) for role in roles]
    shapes = [starts, lines, lines]
    openings = [[START_OPENINGS.get(role, START_OPENINGS["notes"]) for role in roles], [LINE_OPENINGS] * len(roles),
                [LINE_OPENINGS] * len(roles)]
    task_rows = [SETTINGS.presence.get(role, SETTINGS.presence_default) for role in roles]
    title, others = SETTINGS.group_row_title, SETTINGS.group_row_others
    group_rows = [p if numbered is None or c <= numbered else title if c == numbered + 1 else others
                  for c, p in enumerate(task_rows)]
    return numbered, shapes, openings, [task_rows, group_rows]


def first_model(roles: tuple[str, ...]) -> Model:
    numbered, shapes, openings, presence = _priors(roles)
    return Model(roles, numbered, [None] * len(roles),
                  [[_log_dist(p, None, SHAPE_NAMES) for p in kind] for kind in shapes],
                  [[_log_dist(p, None, OPENING_NAMES) for p in kind] for kind in openings],
                  None, presence, [SETTINGS.cell_end.get(r, SETTINGS.cell_end_default) for r in roles],
                  SETTINGS.cut_rows)


@cache
def cue_weights_of(role: str) -> tuple[float, ...]:
    """The first pass's log-odds of each cue (in CUES' order) for a column of `role`."""
    return tuple(CUE_WEIGHTS[cue].get(role, 0.0) for cue in CUES)


# -------------------------------------------------------------- learning


def rows_of(steps: Steps) -> list[dict[int, list[int]]]:
    """Rows as column -> its steps (indices in `steps`); pieces resumed after a page break join their rows."""
    rows: list[dict[int, list[int]]] = []
    for k, (col, kind, new_row) in enumerate(zip(steps.col, steps.kind, steps.new_row)):
        if new_row or not rows:
            rows.append({})
        row = rows[-1]
        if kind == RESUME and col not in row:  # a cell spanning rows (a group): the last one opened
            row = next((r for r in reversed(rows) if col in r), row)
        row.setdefault(col, []).append(k)
    return rows


def _counted_log_dist(prior: dict[str, float], counts: list[int], names: list[str]) -> dict[str, float]:
    """_log_dist of counts given in the order of `names`."""
    rest = max(1e-3, 1.0 - sum(prior.values())) / max(1, len(names) - len(prior))
    total = sum(counts)
    smoothing = SETTINGS.shape_smoothing
    return {s: math.log((counts[k] + smoothing * prior.get(s, rest)) / (total + smoothing))
            for k, s in enumerate(names)}


def estimate(body: Body, model: Model, pieces: Pieces, steps: Steps, learn_words: bool) -> Model:
    """The model a segmentation implies: widths, first tokens, words, presence, cell lengths, broken rows."""
    K = len(model.roles)
    assert body.follow is not None  # body_of has measured the body (measure_with)
    numbered, shape_priors, opening_priors, presence_priors = _priors(model.roles)
    shapes = [[[0] * len(SHAPE_NAMES) for _ in range(K)] for _ in KINDS]
    openings = [[[0] * len(OPENING_NAMES) for _ in range(K)] for _ in KINDS]
    # per whole line: its width, with the next word
    wraps: list[list[tuple[float, float | None]]] = [[] for _ in range(K)]
    cands, cols, kinds = steps.cand, steps.col, steps.kind
    for k, (cand, col, kind) in enumerate(zip(cands, cols, kinds)):
        shapes[kind][col][pieces.shape[cand]] += 1
        openings[kind][col][pieces.opening[cand]] += 1
        line = pieces.line[cand]
        if pieces.start[cand] == 0 and pieces.end[cand] == len(body.words[line]) and body.measured[line]:
            # what the next line's first word adds, where the line goes on into it; else None
            follow = body.follow[line] if k + 1 < len(cands) and kinds[k + 1] == LINE else None
            width = pieces.width[cand]  # under the body's measure now
            wraps[col].append((width, width + follow if follow is not None else None))
    odds = model.word_odds
    if learn_words:
        odds = _word_odds(_token_counts(pieces, cands, cols, K))
    rows = rows_of(steps)
    row_kinds = []
    for r in rows:
        first = cands[r[numbered][0]] if numbered in r else None
        row_kinds.append(int(first is not None and first_match(
            SHAPES, " ".join(body.words[pieces.line[first]][pieces.start[first]:])) == "roman"))
    presence = [[min(0.98, max(0.02, (sum(1 for r, k in zip(rows, row_kinds) if k == kind and c in r)
                                      + SETTINGS.presence_smoothing * presence_priors[kind][c])
                                     / (row_kinds.count(kind) + SETTINGS.presence_smoothing)))
                 for c in range(K)] for kind in (0, 1)]
    lines = [pieces.line[cand] for cand in cands]
    firsts = [k for k, line in enumerate(lines) if body.breaks[line] and (k == 0 or lines[k - 1] != line)]
    cells, placed = [0] * K, [0] * K
    for col, kind in zip(cols, kinds):
        placed[col] += 1
        cells[col] += kind == START
    return Model(
        model.roles, numbered, [_width(w) for w in wraps],
        [[_counted_log_dist(shape_priors[kind][c], shapes[kind][c], SHAPE_NAMES) for c in range(K)] for kind in KINDS],
        [[_counted_log_dist(opening_priors[kind][c], openings[kind][c], OPENING_NAMES) for c in range(K)]
         for kind in KINDS],
        odds, presence,
        [min(0.9, max(0.05, (cells[c] + 1) / (placed[c] + 2))) for c in range(K)],
        (sum(1 for k in firsts if kinds[k] == RESUME) + 1) / (len(firsts) + 2),
    )


def _token_counts(pieces: Pieces, cands: list[int], cols: list[int], K: int) -> np.ndarray:
    """[column, token id] -> how often the pieces placed in the column hold the token."""
    size = len(pieces.names)
    col_of = np.full(len(pieces.line), -1, np.int64)  # [piece] -> its column; -1: not placed
    col_of[cands] = cols
    # A cell set on one line (not measured) teaches nothing of its column's words: its thousand
    # numbers would outweigh every other word the column holds, and move the table's other cells.
    assert pieces.graph is not None  # candidate_pieces builds it
    col_of[~pieces.graph.cand_measured] = -1
    token_col = np.repeat(col_of, np.diff(pieces.token_starts))
    placed = token_col >= 0
    return np.bincount(token_col[placed] * size + pieces.token_ids[placed], minlength=K * size).reshape(K, size)


def _word_odds(counts: np.ndarray) -> np.ndarray | None:
    """[column, token id] -> log(P(word | column) / P(word)), damped and bounded, from how often each column
    holds each token; 0 for a token no column holds. None when the columns hold no token at all."""
    total = counts.sum(axis=0)
    seen = np.flatnonzero(total)
    if not seen.size:
        return None
    n_total = int(total.sum())
    bg = (total[seen] + 0.5) / (n_total + 0.5 * (seen.size + 1))
    odds = np.zeros(counts.shape)
    for col in range(counts.shape[0]):
        n_c = int(counts[col].sum())
        ratios = (counts[col, seen] + SETTINGS.word_smoothing * bg) / (n_c + SETTINGS.word_smoothing) / bg
        # math.log, not np.log: numpy's own logarithm differs from the C library's in the last bit of some values.
        odds[col, seen] = np.clip(np.fromiter(map(math.log, ratios.tolist()), np.float64, seen.size),
                                  -SETTINGS.word_clip, SETTINGS.word_clip)
    return odds


def _width(wraps: list[tuple[float, float | None]]) -> float | None:
    """A column's width: where most of its wrapped lines say it lies.

    A line that went on to the next bounds the width from below by its own
    width and from above by its width with the next word; the lines a pass
    put in the wrong column agree on another width and are outvoted."""
    bounds = [width_bounds(width, full) for width, full in wraps if full is not None]
    if len(bounds) < SETTINGS.min_wraps:
        return None  # too few wrapped lines to tell: no width is better than a wrong one
    lo, hi, _ = most_agreed(bounds)
    return (lo + hi) / 2
