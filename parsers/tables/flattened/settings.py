"""The flattened reader's settings: the costs, priors and weights of its search, and how hard it searches.

They stand apart from the vocabulary (which says what the words of a table
are) as one frozen value, checked when it is made, as pdfplumber's
TableSettings: a bench or a study tries other settings by replacing the
default instance with `dataclasses.replace(SETTINGS, beam=6.0)`, and a value
that cannot be a log-odds, a probability or a count is refused at once rather
than met as a NaN in the middle of the search. The compiled kernels read the
fields they need as constants taken from the default at import (kernels.py):
a replaced instance moves the Python side of the search only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

# The fields of each kind, as __post_init__ checks them.
_COSTS = ("cut_cost", "skip_cost", "row_cost", "resume_foreign", "run_break")
_AT_LEAST_0 = (  # weights, and the beam and margin (log-odds behind the best)
    "run_bonus", "form_weight", "connective_weight", "overflow_weight", "underfill_weight", "alike_weight",
    "flow_weight", "word_weight", "word_clip", "piece_words_cap", "beam", "unsure_margin")
_SMOOTHINGS = ("flow_smoothing", "word_smoothing", "shape_smoothing", "presence_smoothing")
_PROBABILITIES = ("presence_default", "group_row_title", "group_row_others", "cell_end_default", "cut_rows")
_COUNTS = ("min_wraps", "passes", "nbest")


@dataclass(frozen=True)
class FlatSettings:
    # Log-odds of the search's choices and the weights of its evidence.
    cut_cost: float = -2.0  # a line holds the end of one cell and the start of another: rare
    skip_cost: float = -25.0  # a line left unplaced: only what no column can take
    row_cost: float = -1.0  # a new row
    resume_foreign: float = -3.0  # a cell resumed after a page break that its row had not opened: one spanning rows
    # P(a row has a cell of its own): a group spans rows; notes are mostly empty
    presence: Mapping[str, float] = field(default_factory=lambda: {"group": 0.3, "notes": 0.3})
    presence_default: float = 0.95
    # A row numbered with a group's numeral in the numbered column (`II.` | `HỖ
    # TRỢ VÀ PHÁT TRIỂN CÔNG NGHỆ`) holds the group's title and nothing else.
    group_row_title: float = 0.9
    group_row_others: float = 0.1
    # P(a cell ends after a line): a row number never wraps, a cell runs to three or four lines
    cell_end: Mapping[str, float] = field(default_factory=lambda: {"row_no": 0.95})
    cell_end_default: float = 0.3
    cut_rows: float = 0.7  # P(a page break falls inside a row): rows are tall
    # a row number continuing the run (1, 2, 3 …, 1 again under a new group), or not
    run_bonus: float = 2.0
    run_break: float = -2.0
    form_weight: float = 8.0  # a piece not of its column's form
    connective_weight: float = 2.5  # a cell ending on a word that leads on

    width_tolerance: float = 0.03  # share of a width by which the font may not be quite Times
    overflow_weight: float = 2.5  # per character past the column's width
    underfill_weight: float = 2.5  # per character into which the next word would have fitted
    alike_weight: float = 1.0  # per character by which a cell's lines disagree on its width
    min_wraps: int = 3  # wrapped lines needed to learn a column's width

    flow_weight: float = 1.0  # how far the words across a line break read on (see body._Flow)
    flow_smoothing: float = 5.0
    flow_floor: float = -1.5
    flow_ceiling: float = 3.0

    # Learned word odds are naive Bayes: damped and bounded, since the words of a
    # line are not independent and say much the same thing.
    word_weight: float = 0.3
    word_smoothing: float = 30.0  # pseudo-count of the table-wide word distribution in each column's
    word_clip: float = 2.0
    piece_words_cap: float = 2.0
    shape_smoothing: float = 20.0  # pseudo-count of the first-pass odds in the learned ones
    presence_smoothing: float = 5.0

    passes: int = 3  # the first knows only the cues; each later one what the one before found
    nbest: int = 3  # paths kept per state in the last pass (the ones before keep the best)
    beam: float = 10  # a path this far behind the best at the same point of the text is dropped
    unsure_margin: float = 1.0  # a row that a path this close to the best reads otherwise is reported

    def __post_init__(self) -> None:
        # Read-only copies: a frozen value whose tables could be changed in place would not be one value.
        object.__setattr__(self, "presence", MappingProxyType(dict(self.presence)))
        object.__setattr__(self, "cell_end", MappingProxyType(dict(self.cell_end)))
        wrong = [f"{name} = {getattr(self, name)!r} (a cost is at most 0)" for name in _COSTS
                 if not getattr(self, name) <= 0]
        wrong += [f"{name} = {getattr(self, name)!r} (at least 0)" for name in _AT_LEAST_0
                  if not getattr(self, name) >= 0]
        wrong += [f"{name} = {getattr(self, name)!r} (a pseudo-count is more than 0)" for name in _SMOOTHINGS
                  if not getattr(self, name) > 0]
        # The search takes the log of p and of 1 - p: neither may be 0.
        wrong += [f"{name} = {getattr(self, name)!r} (a probability is between 0 and 1)" for name in _PROBABILITIES
                  if not 0 < getattr(self, name) < 1]
        wrong += [f"{name}[{role!r}] = {p!r} (a probability is between 0 and 1)"
                  for name in ("presence", "cell_end") for role, p in getattr(self, name).items() if not 0 < p < 1]
        wrong += [f"{name} = {getattr(self, name)!r} (a count is a whole number, at least 1)" for name in _COUNTS
                  if not (isinstance(getattr(self, name), int) and getattr(self, name) >= 1)]
        if not 0 <= self.width_tolerance < 1:
            wrong.append(f"width_tolerance = {self.width_tolerance!r} (a share of a width, from 0 to under 1)")
        if not self.flow_floor <= self.flow_ceiling:
            wrong.append(f"flow_floor = {self.flow_floor!r} above flow_ceiling = {self.flow_ceiling!r}")
        if wrong:
            raise ValueError("flattened reader settings: " + "; ".join(wrong))


SETTINGS = FlatSettings()

# Every field is one of the kinds checked above, or one of the three checked on their own.
assert {f.name for f in fields(FlatSettings)} == {
    *_COSTS, *_AT_LEAST_0, *_SMOOTHINGS, *_PROBABILITIES, *_COUNTS, "presence", "cell_end", "width_tolerance",
    "flow_floor", "flow_ceiling"}
