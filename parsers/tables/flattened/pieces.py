"""The pieces the search may place (a whole line, or the words of a line between two cuts) and their features.

Each piece's width, tokens, cues, shape and opening are read here, once per
table, as arrays over the table's word slots, and laid out as the search's
kernel reads them (graph_of): the passes of the search then only score them.
"""

from __future__ import annotations

import re as std_re
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
import regex as re

from parsers.tables.flattened.body import MEASURE_UNITS, Body
from parsers.tables.flattened.kernels import Graph
from parsers.tables.flattened.settings import SETTINGS
from parsers.tables.flattened.vocabulary import (
    CONNECTIVE_END,
    CUE_CAP,
    CUES,
    ITEM_OPENING,
    NUMBER_LABEL,
    OPENING_NAMES,
    OPENINGS,
    ROLE_FORMS,
    SHAPE_NAMES,
    SHAPES,
    WORD,
)


def first_match(patterns, text: str) -> str:
    return next((name for name, pattern in patterns if pattern.match(text)), "other")


def _alternation(patterns: list[tuple[str, re.Pattern]], engine=re) -> re.Pattern:
    """One pattern trying each in turn, its branch named: the first that matches wins, as in first_match."""
    return engine.compile("|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in patterns))


# How a piece opens is read at every place a piece may start: the openings' words and marks need nothing
# of `regex` (no `\p{…}`), and the standard library's engine tries them in half the time.
SHAPE_PATTERN, OPENING_PATTERN = _alternation(SHAPES), _alternation(OPENINGS, std_re)


def _first_branch(pattern: re.Pattern, text: str) -> str:
    m = pattern.match(text)
    return _branch(m) if m else "other"


def _branch(m: re.Match | std_re.Match) -> str:
    """The branch of an alternation (_alternation) that matched: each is a named group around its pattern,
    so the group that closed last is one of them."""
    assert m.lastgroup is not None
    return m.lastgroup


@dataclass(slots=True)
class Pieces:
    """The pieces the search may place (words [start, end) of a line), every node's one after another,
    and what the kernels read of them. Node k's pieces are [starts[k], starts[k + 1]).

    A slot is a word's place in the table: line i's words hold slots line_slot[i] … line_slot[i] + n - 1,
    and slot line_slot[i] + n stands for the line's end. A piece runs from the slot of its first word to
    the slot past its last, so what its words add up to (width, tokens, characters) is the difference of a
    running total at those two slots."""

    line: list[int]
    start: list[int]
    end: list[int]
    text: list[str]
    width: list[float]  # under the body's measure
    shape: list[int]  # index in SHAPE_NAMES
    opening: list[int]  # index in OPENING_NAMES
    number: list[int]  # its leading number label; -1: none
    open_end: list[bool]  # it ends on a word that leads on
    end_node: list[int]
    starts: list[int]
    names: list[str]  # token id -> token
    node_item: list[bool]  # [node] -> its first words open an item (ITEM_OPENING)
    token_ids: np.ndarray  # every piece's token ids (its words', then `<cue>` for each cue found), one after another
    token_starts: np.ndarray  # [piece] -> its first in `token_ids`; [piece + 1]: past its last
    cues: np.ndarray  # [piece, cue] -> times seen (at most CUE_CAP)
    shapes: np.ndarray
    openings: np.ndarray
    off_form: np.ndarray  # [piece, column] -> not of the column's form (ROLE_FORMS)
    node_slot: np.ndarray  # [node] -> the slot of its first word
    first_slot: np.ndarray  # [piece] -> the slot of its first word
    end_slot: np.ndarray  # [piece] -> the slot past its last word
    graph: Graph | None = None  # rebuilt when the measure changes (graph_of)


def _running(values, dtype=np.int64) -> np.ndarray:
    """The running totals before each value and after the last: [0, v0, v0 + v1, …]."""
    return np.fromiter(accumulate(values, initial=0), dtype)


def candidate_pieces(body: Body, roles: tuple[str, ...]) -> tuple[list[tuple[int, int]], Pieces]:
    """The search's nodes (line, word index) and the pieces that begin at each.

    Where each piece starts and ends, its width, its tokens and its cues are
    array arithmetic over the slots (Pieces). What a piece's regexes read is
    read once where pieces share it: how a piece opens depends on its first
    two words (and whether more follow), whether it ends on a word that leads
    on on its last two; what it opens with is read on the longest piece of
    its node, and only where that match runs past a shorter piece's end is
    the shorter one read again (no opening pattern looks at the end of the
    text); and a cue's matches are found once in the whole table, a piece's
    being those inside it, read again only where one straddles the piece's
    edge (no cue pattern looks at the ends either)."""
    nodes = [(i, a) for i, b in enumerate(body.bounds) for a in b[:-1]] + [(len(body.lines), 0)]
    n_lines = len(body.lines)
    vocab = {f"<{cue}>": k for k, cue in enumerate(CUES)}  # a cue as a word among its piece's words (estimate)
    word_tokens: dict[str, list[int]] = {}
    for words in body.words:
        for w in words:
            if w not in word_tokens:
                word_tokens[w] = [vocab[t] if t in vocab else vocab.setdefault(t, len(vocab))
                                  for t in ("0" if x.isdigit() else x.lower() for x in WORD.findall(w))]
    # The lines' text joined by LINE_SEPARATOR: a piece is a stretch of it.
    whole = LINE_SEPARATOR.join(" ".join(words) for words in body.words)
    slot_word = [w for words in body.words for w in chain(words, (None,))]
    # Before each slot: the characters of `whole` (each word and the space or separator after it), the tokens.
    slot_char = _running(0 if w is None else len(w) + 1 for w in slot_word)
    slot_token = _running(0 if w is None else len(word_tokens[w]) for w in slot_word)
    tokens = np.fromiter(chain.from_iterable(word_tokens[w] for w in slot_word if w is not None), np.int64)

    per_line = np.array([len(b) - 1 for b in body.bounds], np.int64)  # each line's nodes
    line_slot = _running(len(words) + 1 for words in body.words)
    bound_word = np.fromiter(chain.from_iterable(body.bounds), np.int64)  # each line's bounds, one after another
    first_bound = _running((per_line + 1).tolist())
    first_node = _running(per_line.tolist())
    n_nodes = int(first_node[-1])
    node_line = np.repeat(np.arange(n_lines), per_line)
    node_bound = first_bound[node_line] + np.arange(n_nodes) - first_node[node_line]  # the node's bound in bound_word
    node_slot = line_slot[node_line] + bound_word[node_bound]

    # A node's pieces end at each later bound of its line, in order.
    count = first_bound[node_line + 1] - 1 - node_bound
    starts = _running(count.tolist())
    piece_node = np.repeat(np.arange(n_nodes), count)
    end_bound = node_bound[piece_node] + 1 + np.arange(int(starts[-1])) - starts[piece_node]
    line, start, end = node_line[piece_node], bound_word[node_bound[piece_node]], bound_word[end_bound]
    first_slot = node_slot[piece_node]
    end_slot = line_slot[line] + end
    begin, stop = slot_char[first_slot], slot_char[end_slot] - 1  # the piece in `whole`
    begin_l, stop_l = begin.tolist(), stop.tolist()
    text = [whole[s:e] for s, e in zip(begin_l, stop_l)]

    node_item, node_opening, node_opening_end = [], [], []  # per node; of its longest piece, to its line's end
    other = OPENING_NAMES.index("other")
    for s, e in zip(slot_char[node_slot].tolist(), (slot_char[line_slot[node_line + 1] - 1] - 1).tolist()):
        rest = whole[s:e]
        node_item.append(bool(ITEM_OPENING.match(rest)))  # reads no further than the first two words
        m = OPENING_PATTERN.match(rest)
        node_opening.append(OPENING_NAMES.index(_branch(m)) if m else other)
        node_opening_end.append(m.end() if m else -1)
    opening_end = np.array(node_opening_end, np.int64)[piece_node]
    opening = np.array(node_opening, np.int64)[piece_node]
    for g in np.flatnonzero(opening_end > stop - begin).tolist():  # the node's match runs past this piece's end
        opening[g] = OPENING_NAMES.index(_first_branch(OPENING_PATTERN, text[g]))

    shape_index = {name: k for k, name in enumerate(SHAPE_NAMES)}
    heads: dict[tuple, tuple[int, int]] = {}  # (first word, second or None, more follow) -> (shape, number label)
    tails: dict[tuple, bool] = {}  # (word before the last or None, last word) -> ends on a word that leads on
    shape, number, open_end = [], [], []
    for piece, a, b in zip(text, first_slot.tolist(), end_slot.tolist()):
        head = (slot_word[a], slot_word[a + 1] if b > a + 1 else None, b > a + 2)
        got = heads.get(head)
        if got is None:
            label = NUMBER_LABEL.match(piece)
            got = heads[head] = (shape_index[_first_branch(SHAPE_PATTERN, piece)],
                                 int(label.group("n")) if label else -1)
        shape.append(got[0])
        number.append(got[1])
        tail = (slot_word[b - 2] if b - 2 >= a else None, slot_word[b - 1])
        ends_open = tails.get(tail)
        if ends_open is None:
            ends_open = tails[tail] = bool(CONNECTIVE_END.search(piece))
        open_end.append(ends_open)

    cues = _cues(whole, text, begin, stop)
    # A piece's tokens: its words', then each cue as often as it was seen.
    word_count, cue_count = slot_token[end_slot] - slot_token[first_slot], cues.sum(axis=1)
    token_starts = _running((word_count + cue_count).tolist())
    token_ids = np.empty(int(token_starts[-1]), np.int64)
    at, rank = _segments(word_count)
    token_ids[token_starts[at] + rank] = tokens[slot_token[first_slot][at] + rank]
    at, rank = _segments(cue_count)
    token_ids[token_starts[at] + word_count[at] + rank] = np.repeat(np.tile(np.arange(len(CUES)), len(text)),
                                                                    cues.ravel())

    off_form = np.zeros((len(text), len(roles)), np.bool_)
    for c, role in enumerate(roles):
        form = ROLE_FORMS.get(role)
        if form is not None:  # a form is one label (`12`, `IV.`): never a piece of three words or more
            short = end - start <= 2
            off_form[:, c] = ~short
            off_form[short, c] = [not form.match(text[g]) for g in np.flatnonzero(short).tolist()]

    pieces = Pieces(
        line.tolist(), start.tolist(), end.tolist(), text, [], shape, opening.tolist(), number, open_end,
        (piece_node + end_bound - node_bound[piece_node]).tolist(), starts.tolist(), list(vocab), node_item,
        token_ids, token_starts, cues.astype(np.float64), np.array(shape, np.int64), opening, off_form,
        node_slot, first_slot, end_slot)
    measure_pieces(body, pieces)
    pieces.graph = graph_of(body, nodes, pieces)
    return nodes, pieces


def _segments(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of these lengths laid end to end: each element's segment and its rank within it."""
    at = np.repeat(np.arange(lengths.size), lengths)
    return at, np.arange(at.size) - _running(lengths.tolist())[at]


def _cues(whole: str, text: list[str], begin: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """[piece, cue] -> how many of the cue's matches lie inside the piece (at most CUE_CAP).

    Each pattern runs once over the whole table: a call costs more than a line's text. Its matches
    never overlap, so their starts and ends both rise, and those inside [begin, stop) are the ones from
    the first starting at or after begin to the last ending at or before stop. A match across either
    edge would be cut by the piece: that piece is read again."""
    out = np.zeros((len(text), len(CUES)), np.int64)
    for c, pattern in enumerate(CUES.values()):
        spans = np.array([m.span() for m in pattern.finditer(whole)], np.int64).reshape(-1, 2)
        if not spans.size:
            continue
        s, e = spans[:, 0], spans[:, 1]
        lo = np.searchsorted(s, begin, "left")
        hi = np.searchsorted(e, stop, "right")
        out[:, c] = np.maximum(hi - lo, 0)
        across = (((lo > 0) & (e[np.maximum(lo - 1, 0)] > begin)) |
                  ((hi < s.size) & (s[np.minimum(hi, s.size - 1)] < stop)))
        for g in np.flatnonzero(across).tolist():
            out[g, c] = len(pattern.findall(text[g]))
    return np.minimum(out, CUE_CAP)


# Joins a table's lines into one text for the cue patterns: no pattern matches it, so no
# match runs from one line into the next, and as a non-word character it bounds a word (`\b`)
# as a line's end does.
LINE_SEPARATOR = "\x00"


def measure_pieces(body: Body, pieces: Pieces) -> None:
    """Each piece's width under the body's measure: its words' units and its spaces' over an average character's."""
    space, per = _space_and_per(body.measure)
    assert body.slot_units is not None  # body_of has measured the body (measure_with)
    units, end, first = body.slot_units, pieces.end_slot, pieces.first_slot
    pieces.width = ((units[end] - units[first] + (end - first - 1) * space) / per).tolist()


def _space_and_per(measure) -> tuple[int, int]:
    units, per = MEASURE_UNITS[measure]
    return units(" "), per


def graph_of(body: Body, nodes, pieces: Pieces) -> Graph:
    """The nodes, lines and pieces as the search's kernel reads them, under the body's measure."""
    n_lines = len(body.lines)
    # body_of has measured the body (measure_with) and learned its flow
    assert body.flow is not None and body.follow is not None and body.slot_units is not None
    ids = body.flow.line_ids
    space, per = _space_and_per(body.measure)
    units = body.slot_units
    key = np.fromiter(chain.from_iterable(chain(row, (0,)) for row in ids), np.int64)  # per slot, its word's key
    node_line = np.array([i for i, _ in nodes], np.int64)
    node_word = np.array([a for _, a in nodes], np.int64)
    measured = np.array(body.measured + [False], np.bool_)
    node_has_first = ~np.array(pieces.node_item + [True], np.bool_) & measured[node_line]  # (as Body.follow)
    slot = np.append(pieces.node_slot, 0)
    breaks = np.array(body.breaks + [False], np.bool_)
    follow = [0.0 if f is None else f for f in body.follow]
    return Graph(
        node_line, node_word, (node_word == 0) & breaks[node_line],
        # measure(" " + the node's first word); 0 where it opens an item
        np.where(node_has_first, (space + units[slot + 1] - units[slot]) / per, 0.0), node_has_first,
        np.where(node_line < n_lines, key[slot], 0),
        np.array(pieces.starts, np.int64),
        np.append(SETTINGS.flow_weight * body.flow.between(np.array([row[-1] for row in ids[:-1]], np.int64),
                                                  np.array([row[0] for row in ids[1:]], np.int64)), 0.0),
        np.array(follow, np.float64),
        np.array([f is not None for f in body.follow], np.bool_),
        np.append(~breaks[1:n_lines], False),
        np.array(pieces.start, np.int64) > 0,
        np.array(pieces.end, np.int64) == np.array([len(words) for words in body.words], np.int64)[pieces.line],
        np.array(pieces.end_node, np.int64),
        pieces.shapes == SHAPE_NAMES.index("roman"),
        np.array(pieces.number, np.int64),
        np.array(pieces.width, np.float64),
        measured[pieces.line],
        np.array(pieces.open_end, np.bool_),
        key[pieces.end_slot - 1],
    )
