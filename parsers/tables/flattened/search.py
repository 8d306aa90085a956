"""The search: the N best segmentations of a table's pieces (list Viterbi, beam-pruned), and reading one back.

It prepares what the kernels (kernels.py) read from the model and the
pieces, runs the lattice, and turns the paths kept into steps: which piece
goes in which column, as what kind of piece, opening a row or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from parsers.tables.flattened.body import Body
from parsers.tables.flattened.kernels import ROW_KIND, SCORE, Scores, backtrack, emissions_k, lattice_k
from parsers.tables.flattened.model import Model, cue_weights_of
from parsers.tables.flattened.pieces import Pieces
from parsers.tables.flattened.settings import SETTINGS
from parsers.tables.flattened.vocabulary import CUES, OPENING_NAMES, SHAPE_NAMES


class Steps(NamedTuple):
    """A segmentation: the pieces it places, in order, each in a column, as a kind of piece, opening a row or not."""

    cand: list[int]  # index in Pieces
    col: list[int]
    kind: list[int]
    new_row: list[bool]


def emission_table(model: Model, pieces: Pieces) -> np.ndarray:
    """[piece, kind, column] -> how well the piece reads as that kind of piece of that column."""
    K = len(model.roles)
    learned = model.word_odds is not None
    odds = model.word_odds if learned else np.zeros((K, len(pieces.names)))
    assert pieces.graph is not None  # candidate_pieces builds it
    return emissions_k(
        pieces.token_ids, pieces.token_starts, odds, np.full(K, learned, np.bool_),
        pieces.cues, np.array([cue_weights_of(role) for role in model.roles], np.float64).reshape(K, len(CUES)),
        pieces.off_form, np.array([0.0 if w is None else w for w in model.widths], np.float64),
        np.array([w is not None for w in model.widths], np.bool_), pieces.graph.cand_width, pieces.graph.cand_measured,
        pieces.shapes, pieces.openings,
        np.array([[[table[name] for name in SHAPE_NAMES] for table in kind] for kind in model.shapes], np.float64),
        np.array([[[table[name] for name in OPENING_NAMES] for table in kind] for kind in model.openings], np.float64))


def search_paths(body: Body, model: Model, pieces: Pieces, emissions: np.ndarray, nbest: int) -> Paths:
    """The N best paths into every state at every node (list Viterbi, beam-pruned).

    A state is (phase, column, goes on): phase 0 is a row's first part, 1 the
    part resumed after a page break. A path carries (the last row number and
    whether a group numeral came since; the open cell's width bounds; per
    column, this row's cell before a page break: the odds that it goes on, its
    last line's width, its width bounds and last word; the row's kind)."""
    K = len(model.roles)
    logq = [[math.log(1 - p) for p in kind] for kind in model.presence]
    scores = Scores(
        -1 if model.numbered is None else model.numbered,
        np.array([0.0 if w is None else w for w in model.widths], np.float64),
        np.array([w is not None for w in model.widths], np.bool_),
        np.array([math.log(e) for e in model.ends], np.float64),
        np.array([math.log(1 - e) - math.log(e) for e in model.ends], np.float64),
        np.array([[math.log(p) for p in kind] for kind in model.presence], np.float64),
        # the rest of the row merged with the rows above
        np.array([[sum(q[c + 1:]) for c in range(K)] for q in logq], np.float64),
        np.array([[[sum(q[c + 1:c2]) for c2 in range(K)] for c in range(K)] for q in logq], np.float64),
        np.array([SETTINGS.row_cost + sum(logq[0][:c2]) + math.log(model.presence[0][c2]) for c2 in range(K)],
                 np.float64),
        math.log(model.cut_rows), math.log(1 - model.cut_rows),
        emissions,
    )
    beam = float(SETTINGS.beam)
    assert pieces.graph is not None and body.flow is not None  # built by candidate_pieces and body_of
    slot_f, slot_i, count, order, n_order = lattice_k(pieces.graph, scores, body.flow.table, nbest, beam)
    return Paths(slot_f, slot_i, count, order, n_order, 4 * K, nbest, pieces.graph.node_line)


@dataclass(slots=True)
class Paths:
    """What the search kept: per slot (node, state, rank) a path's score, back pointer and carry."""

    scores: np.ndarray  # [slot, SCORE | LO | HI]
    fields: np.ndarray  # [slot, BACK_NODE … CELLS]
    count: np.ndarray  # [node * states + state] -> paths kept; -1: the state was never reached
    order: np.ndarray  # [node * states + k] -> the k-th state reached at the node
    n_order: np.ndarray  # [node] -> states reached
    states: int
    nbest: int
    node_line: np.ndarray  # [node] -> its line

    def at(self, node: int) -> list[tuple[int, int, float, int]]:
        """(state, rank, score, row kind) of every path kept at `node`, states in the order first reached."""
        out = []
        for k in range(self.n_order[node]):
            s = int(self.order[node * self.states + k])
            for r in range(self.count[node * self.states + s]):
                slot = (node * self.states + s) * self.nbest + r
                out.append((s, r, float(self.scores[slot, SCORE]), int(self.fields[slot, ROW_KIND])))
        return out


def ends_of(paths: Paths, model: Model, nodes) -> list[tuple[float, int, int]]:
    """The complete paths, best first: (score, state, rank) at the last node."""
    K = len(model.roles)
    out = []
    for s, r, v, row_kind in paths.at(len(nodes) - 1):
        if s % 2 == 0:
            c, ph = (s // 2) % K, s // (2 * K)
            out.append((v + (sum(math.log(1 - p) for p in model.presence[row_kind][c + 1:]) if ph == 0 else 0.0), s, r))
    return sorted(out, reverse=True)


def path_of(paths: Paths, nodes, state: int, rank: int) -> tuple[Steps, list[int]]:
    """The steps of the path ending in (state, rank) at the last node, and the lines it leaves unplaced."""
    steps, skipped = backtrack(paths.fields, paths.node_line, paths.states, paths.nbest, len(nodes) - 1, state, rank)
    cand, col, kind, opens = steps.T.tolist() if len(steps) else ([], [], [], [])
    return Steps(cand, col, kind, [bool(o) for o in opens]), sorted(skipped.tolist())
