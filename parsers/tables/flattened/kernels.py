"""The flattened search's compiled kernels (numba), the arrays they read, and where their machine code is cached.

They stand apart from the Python that prepares their inputs: the kernels
read flat arrays and constants only, so all that numba compiles, and the
cache folder chosen for it before the first kernel is made, is in this one
module (numba caches a kernel in the __pycache__ beside the file that
defines it).
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numba import config as numba_config
from numba import njit

from parsers.tables.flattened.settings import SETTINGS

# numba reads a global as a constant when it compiles a kernel, and keeps the machine code: the kernels read
# the settings they need as the default's, taken here once, and are cached under a folder named by them.
(CUT_COST, SKIP_COST, RESUME_FOREIGN, RUN_BONUS, RUN_BREAK, FORM_WEIGHT, CONNECTIVE_WEIGHT, WIDTH_TOLERANCE,
 OVERFLOW_WEIGHT, UNDERFILL_WEIGHT, ALIKE_WEIGHT, FLOW_WEIGHT, FLOW_SMOOTHING, FLOW_FLOOR, FLOW_CEILING, WORD_WEIGHT,
 PIECE_WORDS_CAP) = (
    SETTINGS.cut_cost, SETTINGS.skip_cost, SETTINGS.resume_foreign, SETTINGS.run_bonus, SETTINGS.run_break,
    SETTINGS.form_weight, SETTINGS.connective_weight, SETTINGS.width_tolerance, SETTINGS.overflow_weight,
    SETTINGS.underfill_weight, SETTINGS.alike_weight, SETTINGS.flow_weight, SETTINGS.flow_smoothing,
    SETTINGS.flow_floor, SETTINGS.flow_ceiling, SETTINGS.word_weight, SETTINGS.piece_words_cap)


def _constants_key() -> str:
    """A name for the constants the kernels read: the same default gives the same name on every machine."""
    constants = (CUT_COST, SKIP_COST, RESUME_FOREIGN, RUN_BONUS, RUN_BREAK, FORM_WEIGHT, CONNECTIVE_WEIGHT,
                 WIDTH_TOLERANCE, OVERFLOW_WEIGHT, UNDERFILL_WEIGHT, ALIKE_WEIGHT, FLOW_WEIGHT, FLOW_SMOOTHING,
                 FLOW_FLOOR, FLOW_CEILING, WORD_WEIGHT, PIECE_WORDS_CAP)
    return hashlib.sha256(repr(constants).encode()).hexdigest()[:12]


# ------------------------------------------------------------ cache folder
# numba keeps a kernel's machine code where it finds a folder it can write to: NUMBA_CACHE_DIR, the
# module's own __pycache__, the user's cache folder; and with none (a read-only install run by a service
# account) it refuses to compile at all. The folder is chosen here, once, before the kernels are made:
# numba picks it as each @njit(cache=True) function is decorated.

CACHE_NAME = "vn-plan-pipeline"  # our folder in the user's cache folder, or in the temporary folder


def _writable(folder: Path) -> bool:
    """numba's own test of a cache folder: made if missing, and a file written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _private(folder: Path) -> bool:
    """Is `folder` ours alone? A cache in a shared temporary folder that another account made could hand
    us its machine code (numba unpickles what it finds there)."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def _fallback_folders() -> Iterator[Path]:
    """Where to cache when numba finds no place itself: the user's cache folder, then a private temporary one."""
    user_cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    yield Path(user_cache) / CACHE_NAME / "numba"
    try:
        temp = Path(tempfile.gettempdir()) / f"{CACHE_NAME}-numba-{os.getuid()}"
    except OSError:  # gettempdir finds no writable folder at all
        return
    if _private(temp):
        yield temp


def _kernel_cache() -> tuple[bool, str | None]:
    """Whether the kernels are cached, and where: a folder named by the settings the kernels read."""
    # numba compiles a cached kernel again when this file changes, not when settings.py does: machine code
    # made with other constants must not be found, so each set of them has a folder of its own.
    named = f"settings-{_constants_key()}"
    # numba.config sets its settings (CACHE_DIR among them) at run time, from the environment: untyped
    cache_dir = numba_config.CACHE_DIR  # type: ignore[attr-defined]  # set at run time, see above
    if cache_dir and _writable(Path(cache_dir) / named):
        return True, str(Path(cache_dir) / named)
    folders = [Path(__file__).parent / "__pycache__", *_fallback_folders()]
    folder = next((f / named for f in folders if _writable(f / named)), None)
    return (True, str(folder)) if folder else (False, None)  # nowhere: compiled in each process, not cached


@contextmanager
def _cached_in(folder: str | None):
    """numba's cache folder set to `folder` while kernels are decorated (None: left as it is): numba reads
    it once per kernel, as it is decorated, so the setting is undone after, for other modules' kernels."""
    if folder is None:
        yield
        return
    # numba.config sets CACHE_DIR at run time, from the environment: mypy cannot see the attribute
    before = numba_config.CACHE_DIR  # type: ignore[attr-defined]  # numba setting made at run time
    numba_config.CACHE_DIR = folder  # type: ignore[attr-defined]  # numba setting made at run time
    try:
        yield
    finally:
        numba_config.CACHE_DIR = before  # type: ignore[attr-defined]  # numba setting made at run time


KERNEL_CACHE = _kernel_cache()


def _kernel(**options):
    """numba.njit, its machine code cached where KERNEL_CACHE says."""
    cache, folder = KERNEL_CACHE

    def compile_(func):
        with _cached_in(folder):
            return njit(cache=cache, **options)(func)
    return compile_


START, RESUME, LINE = 0, 1, 2  # a cell opens; a cell goes on after a page break; a cell's next line
KINDS = (START, RESUME, LINE)


@_kernel()
def emissions_k(tokens, token_starts, odds, learned, cues, cue_weights, off_form, widths, has_width, cand_width,
                 cand_measured, shape, opening, shape_logp, opening_logp):
    """How each candidate reads as each kind of piece of each column: its words (their learned odds, or in
    the first passes its cues), its form, its width against the column's, its shape and its opening."""
    n, K = cand_width.size, widths.size
    out = np.empty((n, 3, K))
    for g in range(n):
        for col in range(K):
            score = 0.0
            if learned[col]:
                for t in range(token_starts[g], token_starts[g + 1]):
                    score += odds[col, tokens[t]]
                score = max(-PIECE_WORDS_CAP, min(PIECE_WORDS_CAP, WORD_WEIGHT * score))
            else:
                for q in range(cues.shape[1]):
                    score += cues[g, q] * cue_weights[col, q]
            if off_form[g, col]:
                score -= FORM_WEIGHT
            # No line is wider than its column (of the lines whose width tells).
            if has_width[col] and cand_measured[g] and cand_width[g] > widths[col] * (1 + WIDTH_TOLERANCE):
                score -= OVERFLOW_WEIGHT * (cand_width[g] - widths[col] * (1 + WIDTH_TOLERANCE))
            for kind in range(3):
                out[g, kind, col] = score + shape_logp[kind, col, shape[g]] + opening_logp[kind, col, opening[g]]
    return out


@_kernel()
def backtrack(fields, node_line, states, nbest, node, state, rank):
    """The path ending in (state, rank) at `node`, read back: its steps in order, each (piece, column, kind,
    opens a row), and the lines it leaves unplaced."""
    steps = np.empty((node + 1, 4), np.int64)
    skipped = np.empty(node + 1, np.int64)
    n = m = 0
    while True:
        slot = (node * states + state) * nbest + rank
        cand = fields[slot, BACK_CAND]
        if cand == NO_BACK:
            break
        node, state, rank = fields[slot, BACK_NODE], fields[slot, BACK_STATE], fields[slot, BACK_RANK]
        if cand == SKIPPED:
            skipped[m] = node_line[node]
            m += 1
            continue
        steps[n, 0], steps[n, 1], steps[n, 2], steps[n, 3] = (cand, fields[slot, BACK_COL], fields[slot, BACK_KIND],
                                                              fields[slot, BACK_OPENS])
        n += 1
    return steps[:n][::-1].copy(), skipped[:m].copy()


# The kernel. Its inputs are flat arrays; it visits states, offers and paths in
# the order of a plain list Viterbi kept in dicts (states in the order a node
# first reached them, offers in the order first made, equal scores in the
# order pushed), so that equal scores are decided the same way on every run.


class Graph(NamedTuple):
    """The nodes, lines and candidates of the table, as the kernel reads them."""

    node_line: np.ndarray  # [node] -> its line
    node_word: np.ndarray  # [node] -> its word index in the line
    node_break: np.ndarray  # [node] -> a page break stands before it
    node_first: np.ndarray  # [node] -> what its first word adds to the line before, had it wrapped on
    node_has_first: np.ndarray  # [node] -> False: it opens an item, never a wrap, or its line is not measured
    node_key: np.ndarray  # [node] -> its first word's key in the flow table
    node_cands: np.ndarray  # [node] -> its first candidate; [node + 1]: past its last
    line_flow: np.ndarray  # [line] -> how the words across the break after it read on (weighted)
    line_follow: np.ndarray  # [line] -> what the next line's first word adds to it
    line_has_follow: np.ndarray  # [line] -> False: the next line opens an item, or none follows on this page
    line_can_open: np.ndarray  # [line] -> a cell may go on from it to the next line
    cand_cut: np.ndarray  # [candidate] -> it begins inside its line
    cand_whole_end: np.ndarray  # [candidate] -> it ends its line
    cand_end_node: np.ndarray
    cand_roman: np.ndarray
    cand_number: np.ndarray  # its leading number label; -1: none
    cand_width: np.ndarray
    cand_measured: np.ndarray  # [candidate] -> its width tells of its column's (Body.measured)
    cand_open_end: np.ndarray
    cand_last_key: np.ndarray  # its last word's key in the flow table


class Scores(NamedTuple):
    """The model's odds, as the kernel reads them (logs taken once)."""

    numbered: int  # -1: no numbered column
    widths: np.ndarray
    has_width: np.ndarray
    log_end: np.ndarray  # [column] -> log P(a cell ends after a line)
    goes_on: np.ndarray  # [column] -> log-odds that it goes on
    log_present: np.ndarray  # [row kind, column]
    absent_after: np.ndarray  # [row kind, column] -> the rest of the row merged with the rows above
    absent_between: np.ndarray  # [row kind, column, next column]
    new_row: np.ndarray  # [column] -> a row opening at this column
    cut_row: float
    whole_row: float
    emissions: np.ndarray  # [candidate, kind, column]


class FlowTable(NamedTuple):
    """_Flow's counts by key id, for the kernel."""

    words: np.ndarray
    firsts: np.ndarray
    pair_codes: np.ndarray  # sorted: first key id * keys + second key id
    pair_counts: np.ndarray
    keys: int
    total: float


# A slot's columns: in `scores`, its score and the open cell's width bounds; in
# `fields`, its back pointer (node, state, rank, candidate, column, kind, opens a
# row) and its carry (last row number, a group numeral since, row kind, cells).
SCORE, LO, HI = 0, 1, 2
BACK_NODE, BACK_STATE, BACK_RANK, BACK_CAND, BACK_COL, BACK_KIND, BACK_OPENS = range(7)
RUN_LAST, GROUP_SINCE, ROW_KIND, CELLS = 7, 8, 9, 10
NO_BACK, SKIPPED = -2, -1  # in BACK_CAND: the path's start; a line left unplaced
# A pool entry: one cell a row holds before a page break, and the entry of the cells it held before it
# (entry 0: none): in `pool_i` (that entry, the cell's column, its last word, whether its last line was
# measured), in `pool_f` (the odds that it goes on, its last line's width, its width bounds). A path's cells
# are one entry: a new cell adds an entry to the row's, rather than a copy of all of them, as most are never
# read (only after a page break).
HELD_UP, HELD_COL, HELD_KEY, HELD_MEASURED = range(4)
HELD_ODDS, HELD_WIDTH, HELD_LO, HELD_HI = range(4)


@_kernel(inline='always')
def _flow_k(words, firsts, pair_codes, pair_counts, keys, total, a, b):
    """_Flow.__call__ on key ids (the arrays of a FlowTable)."""
    p_b = (words[b] + 0.5) / total
    code = a * keys + b
    k = np.searchsorted(pair_codes, code)
    pair = pair_counts[k] if k < pair_codes.size and pair_codes[k] == code else 0.0
    p_b_after_a = (pair + FLOW_SMOOTHING * p_b) / (firsts[a] + FLOW_SMOOTHING)
    return max(FLOW_FLOOR, min(FLOW_CEILING, math.log(p_b_after_a / p_b)))


@_kernel()
def flows_k(words, firsts, pair_codes, pair_counts, keys, total, a, b):
    out = np.empty(a.size)
    for k in range(a.size):
        out[k] = _flow_k(words, firsts, pair_codes, pair_counts, keys, total, a[k], b[k])
    return out


@_kernel(inline='always')
def _wraps(known, has_known, width, measured, follow, has_follow, lo0, hi0):
    """Score a line of `width` wrapped before a word adding `follow` (none: before an item) in a column of width
    `known`, its cell's width bounds so far (lo0, hi0): the score, and the bounds after it. A line not
    `measured` (a cell set on one line) neither scores nor bounds."""
    if not measured:
        return 0.0, lo0, hi0
    lo = max(lo0, width)
    hi = min(hi0, width + follow) if has_follow else hi0
    score = -ALIKE_WEIGHT * (lo - hi * (1 + WIDTH_TOLERANCE)) if lo > hi * (1 + WIDTH_TOLERANCE) else 0.0
    if has_known and has_follow:
        room = known * (1 - WIDTH_TOLERANCE) - (width + follow)
        if room > 0:  # the next word would have fitted on this line
            score -= UNDERFILL_WEIGHT * room
    return score, lo, max(lo, hi)


@_kernel(inline='always')
def _reach(node, state, states, count, order, n_order):
    """Make (node, state) a state the node has reached, in the order reached."""
    key = node * states + state
    if count[key] < 0:
        order[node * states + n_order[node]] = state
        n_order[node] += 1
        count[key] = 0


@_kernel(inline='always')
def _admits(node, state, value, states, nbest, slot_f, count):
    """Would a path of `value` be kept at (node, state)?"""
    key = node * states + state
    n = count[key]
    return n <= 0 or n < nbest or value > slot_f[key * nbest + n - 1, SCORE]


@_kernel(inline='always')
def _place(node, state, value, states, nbest, slot_f, slot_i, count, order, n_order):
    """Room for a path of `value` among the best at (node, state), after those scoring as much: its slot, or -1."""
    _reach(node, state, states, count, order, n_order)
    key = node * states + state
    n = count[key]
    base = key * nbest
    pos = n
    while pos > 0 and slot_f[base + pos - 1, SCORE] < value:
        pos -= 1
    if pos >= nbest:
        return -1
    for k in range(min(n, nbest - 1), pos, -1):  # element by element: a row's view would count references
        for x in range(slot_f.shape[1]):
            slot_f[base + k, x] = slot_f[base + k - 1, x]
        for x in range(slot_i.shape[1]):
            slot_i[base + k, x] = slot_i[base + k - 1, x]
    count[key] = min(n + 1, nbest)
    return base + pos


@_kernel(inline='always')
def _offer(q, value, s, r, opens, lo, hi, nbest, off_f, off_i, off_n, key_order, n_keys):
    """Add an offer to the key q's best few (kept best first, equal scores in the order offered)."""
    n = off_n[q]
    if n < 0:
        key_order[n_keys[0]] = q
        n_keys[0] += 1
        n = off_n[q] = 0
    if n == nbest and not value > off_f[q, n - 1, 0]:
        return
    pos = n
    while pos > 0 and off_f[q, pos - 1, 0] < value:
        pos -= 1
    for k in range(min(n, nbest - 1), pos, -1):
        for x in range(3):
            off_f[q, k, x] = off_f[q, k - 1, x]
            off_i[q, k, x] = off_i[q, k - 1, x]
    off_f[q, pos, 0], off_f[q, pos, 1], off_f[q, pos, 2] = value, lo, hi
    off_i[q, pos, 0], off_i[q, pos, 1], off_i[q, pos, 2] = s, r, opens
    off_n[q] = min(n + 1, nbest)


@_kernel()
def _grow(pool_i, pool_f):
    """The cell pool, twice as large."""
    n = pool_i.shape[0]
    i, f = np.empty((2 * n, pool_i.shape[1]), np.int64), np.empty((2 * n, pool_f.shape[1]))
    i[:n] = pool_i
    f[:n] = pool_f
    return i, f


@_kernel(inline='always')
def _held(pool_i, held, col):
    """The entry of the pool that holds column `col`'s cell among the cells `held` stands for; 0: none."""
    while held != 0 and pool_i[held, HELD_COL] != col:
        held = pool_i[held, HELD_UP]
    return held


@_kernel()
def lattice_k(g, m, flow, nbest, beam):
    # Every array read once from its tuple: reading one in the loops would count a reference each time.
    node_line, node_word, node_break, node_first, node_has_first, node_key, node_cands = (
        g.node_line, g.node_word, g.node_break, g.node_first, g.node_has_first, g.node_key, g.node_cands)
    line_flow, line_follow, line_has_follow, line_can_open = (
        g.line_flow, g.line_follow, g.line_has_follow, g.line_can_open)
    cand_cut, cand_whole_end, cand_end_node, cand_roman, cand_number, cand_width, cand_open_end, cand_last_key = (
        g.cand_cut, g.cand_whole_end, g.cand_end_node, g.cand_roman, g.cand_number, g.cand_width, g.cand_open_end,
        g.cand_last_key)
    cand_measured = g.cand_measured
    numbered, widths, has_width, log_end, goes_on, log_present = (
        m.numbered, m.widths, m.has_width, m.log_end, m.goes_on, m.log_present)
    absent_after, absent_between, new_row, cut_row, whole_row, emissions = (
        m.absent_after, m.absent_between, m.new_row, m.cut_row, m.whole_row, m.emissions)
    flow_words, flow_firsts, pair_codes, pair_counts, flow_keys, flow_total = flow
    K = new_row.size
    S = 4 * K  # states: (phase, column, goes on)
    n_nodes = node_line.size
    last_node = n_nodes - 1
    inf = np.inf
    widen = 1 + WIDTH_TOLERANCE
    slot_f = np.empty((n_nodes * S * nbest, 3))
    slot_i = np.empty((n_nodes * S * nbest, 11), np.int64)
    count = np.full(n_nodes * S, -1, np.int64)
    order = np.empty(n_nodes * S, np.int64)
    n_order = np.zeros(n_nodes, np.int64)
    best = np.full(n_nodes, -inf)  # the best score pushed into each node so far (see the pruning below)
    # The cells rows hold before a page break, shared by the paths that carry them; entry 0 holds none.
    pool_i, pool_f = np.zeros((1024, 4), np.int64), np.empty((1024, 4))
    n_pool = 1
    # The offers of a node: key q is (START, column, phase 0): column; (RESUME, column, phase 1): K + column;
    # (LINE, column, phase): 2K + phase * K + column. Each keeps its best few: (score, lo, hi), (state, rank, opens).
    off_f = np.empty((4 * K, nbest, 3))
    off_i = np.empty((4 * K, nbest, 3), np.int64)
    off_n = np.full(4 * K, -1, np.int64)
    key_order = np.empty(4 * K, np.int64)
    n_keys = np.zeros(1, np.int64)

    # As if a row had just ended.
    best[0] = 0.0
    slot = _place(0, 2 * (2 * K - 1), 0.0, S, nbest, slot_f, slot_i, count, order, n_order)
    slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = 0.0, 0.0, inf
    slot_i[slot, BACK_CAND] = NO_BACK
    slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE], slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = 0, 0, 0, 0

    for node in range(last_node):
        if n_order[node] == 0:
            continue
        floor = best[node] - beam  # the best at a node is final once the search reaches it
        i = node_line[node]
        brk = node_break[node]
        first, has_first, word = node_first[node], node_has_first[node], node_key[node]
        for k in range(n_keys[0]):
            off_n[key_order[k]] = -1
        n_keys[0] = 0

        for k in range(n_order[node]):
            s = order[node * S + k]
            op, c, ph = s % 2, (s // 2) % K, s // (2 * K)
            for r in range(count[node * S + s]):
                src = (node * S + s) * nbest + r
                v = slot_f[src, SCORE]
                if v < floor:
                    break
                if op:
                    _offer(2 * K + ph * K + c, v, s, r, 0, slot_f[src, LO], slot_f[src, HI],
                           nbest, off_f, off_i, off_n, key_order, n_keys)
                    continue
                row_kind = slot_i[src, ROW_KIND]
                held = slot_i[src, CELLS]
                closing = absent_after[row_kind, c] if ph == 0 else 0.0
                opened_row = v + closing
                for c2 in range(K):
                    _offer(c2, opened_row + new_row[c2] + (whole_row if brk else 0.0), s, r, 1, 0.0, inf,
                           nbest, off_f, off_i, off_n, key_order, n_keys)
                    resume = brk or (c2 > c and ph != 0)
                    if not brk and c2 > c and ph == 0:
                        _offer(c2, v + absent_between[row_kind, c, c2] + log_present[row_kind, c2], s, r, 0,
                               0.0, inf, nbest, off_f, off_i, off_n, key_order, n_keys)
                    if resume:
                        value = opened_row + cut_row if brk else v
                        cell = _held(pool_i, held, c2)
                        if cell == 0:  # a cell the row had not opened: one spanning rows above
                            _offer(K + c2, value + RESUME_FOREIGN, s, r, 0, 0.0, inf,
                                   nbest, off_f, off_i, off_n, key_order, n_keys)
                        else:
                            fit, lo, hi = _wraps(widths[c2], has_width[c2], pool_f[cell, HELD_WIDTH],
                                                 pool_i[cell, HELD_MEASURED], first, has_first,
                                                 pool_f[cell, HELD_LO], pool_f[cell, HELD_HI])
                            _offer(K + c2, value + pool_f[cell, HELD_ODDS]
                                   + FLOW_WEIGHT * _flow_k(flow_words, flow_firsts, pair_codes, pair_counts, flow_keys,
                                                           flow_total, pool_i[cell, HELD_KEY], word) + fit,
                                   s, r, 0, lo, hi, nbest, off_f, off_i, off_n, key_order, n_keys)
                if node_word[node] == 0:  # leave the whole line unplaced
                    target = cand_end_node[node_cands[node + 1] - 1]
                    skip = v + SKIP_COST
                    if skip > best[target]:
                        best[target] = skip
                    slot = _place(target, s, skip, S, nbest, slot_f, slot_i, count, order, n_order)
                    if slot >= 0:
                        for x in range(slot_f.shape[1]):
                            slot_f[slot, x] = slot_f[src, x]
                        for x in range(slot_i.shape[1]):
                            slot_i[slot, x] = slot_i[src, x]
                        slot_f[slot, SCORE] = skip
                        slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                        slot_i[slot, BACK_CAND] = SKIPPED

        flow_on = line_flow[i]
        follow, has_follow = line_follow[i], line_has_follow[i]
        for cand in range(node_cands[node], node_cands[node + 1]):
            cut = CUT_COST if cand_cut[cand] else 0.0
            # A cell goes on to the next line only on this page; past a break it is resumed.
            can_open = cand_whole_end[cand] and line_can_open[i]
            target = cand_end_node[cand]
            prune = target != last_node  # the last node keeps every path: the runners-up are reported (_margin_issues)
            roman, number, width, measured = cand_roman[cand], cand_number[cand], cand_width[cand], cand_measured[cand]
            connective = CONNECTIVE_WEIGHT if cand_open_end[cand] else 0.0
            for kq in range(n_keys[0]):
                q = key_order[kq]
                if q < K:
                    kind, c2, ph = START, q, 0
                elif q < 2 * K:
                    kind, c2, ph = RESUME, q - K, 1
                else:
                    kind, c2, ph = LINE, (q - 2 * K) % K, (q - 2 * K) // K
                state = (ph * K + c2) * 2
                base = cut + emissions[cand, kind, c2] + log_end[c2]
                numbers_row = kind == START and c2 == numbered and number >= 0
                for j in range(off_n[q]):
                    e = off_f[q, j, 0] + base
                    lo, hi = off_f[q, j, 1], off_f[q, j, 2]
                    s, r, opens = off_i[q, j, 0], off_i[q, j, 1], off_i[q, j, 2]
                    if prune:
                        # The most this path can score here: the run bonus added, nothing subtracted, and if the
                        # cell may go on, what going on adds before its fit (never positive). If even that is
                        # behind the beam, so is every path after it (best first): the states are still reached.
                        most = e + RUN_BONUS if numbers_row else e
                        floor_here = best[target] - beam
                        if most < floor_here and not (can_open and most + goes_on[c2] + flow_on >= floor_here):
                            _reach(target, state, S, count, order, n_order)
                            if can_open:
                                _reach(target, state + 1, S, count, order, n_order)
                            break
                    src = (node * S + s) * nbest + r
                    run_last, group_since = slot_i[src, RUN_LAST], slot_i[src, GROUP_SINCE]
                    cells, row_kind = slot_i[src, CELLS], slot_i[src, ROW_KIND]
                    if opens:
                        cells, row_kind = 0, 0
                    if kind == START and roman:
                        group_since, row_kind = 1, int(c2 == numbered)
                    if numbers_row:
                        e += RUN_BONUS if number == run_last + 1 or (number == 1 and group_since) else RUN_BREAK
                        run_last, group_since = number, 0
                    closed = e - connective  # a cell rarely ends on a word that leads on
                    if measured and width > hi * widen:  # a last line wider than the lines above it
                        closed -= ALIKE_WEIGHT * (width - hi * widen)
                    if _admits(target, state, closed, S, nbest, slot_f, count):
                        held = cells
                        if ph == 0:  # kept, should the cell be resumed after a page break (then it did not end)
                            if n_pool == pool_i.shape[0]:
                                pool_i, pool_f = _grow(pool_i, pool_f)
                            held, n_pool = n_pool, n_pool + 1
                            pool_i[held, HELD_UP], pool_i[held, HELD_COL] = cells, c2
                            pool_i[held, HELD_KEY], pool_i[held, HELD_MEASURED] = cand_last_key[cand], measured
                            pool_f[held, HELD_ODDS] = goes_on[c2] + connective
                            pool_f[held, HELD_WIDTH] = width
                            pool_f[held, HELD_LO], pool_f[held, HELD_HI] = max(lo, width) if measured else lo, hi
                        if closed > best[target]:
                            best[target] = closed
                        slot = _place(target, state, closed, S, nbest, slot_f, slot_i, count, order, n_order)
                        slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = closed, 0.0, inf
                        slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                        slot_i[slot, BACK_CAND], slot_i[slot, BACK_COL] = cand, c2
                        slot_i[slot, BACK_KIND], slot_i[slot, BACK_OPENS] = kind, opens
                        slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE] = run_last, group_since
                        slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = row_kind, held
                    if can_open:
                        fit, lo2, hi2 = _wraps(widths[c2], has_width[c2], width, measured, follow, has_follow, lo, hi)
                        opened = e + goes_on[c2] + flow_on + fit
                        if _admits(target, state + 1, opened, S, nbest, slot_f, count):
                            if opened > best[target]:
                                best[target] = opened
                            slot = _place(target, state + 1, opened, S, nbest, slot_f, slot_i, count, order, n_order)
                            slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = opened, lo2, hi2
                            slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                            slot_i[slot, BACK_CAND], slot_i[slot, BACK_COL] = cand, c2
                            slot_i[slot, BACK_KIND], slot_i[slot, BACK_OPENS] = kind, opens
                            slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE] = run_last, group_since
                            slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = row_kind, cells
    return slot_f, slot_i, count, order, n_order
