"""What the flattened reader returns: a table's rows, each column's pieces of text with the lines they came from.

The records stand apart from the search so that a reader of the result
(appendix.py) needs nothing of how it was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.model.records import Issue, Line


@dataclass(frozen=True, slots=True)
class Piece:
    # a whole line, or the part of a merged line that belongs to this cell (normalised as clean.normalise does)
    text: str
    line: Line  # the line it came from (page, line_no, source_line)


@dataclass(frozen=True, slots=True)
class FlatRow:
    # column role -> its pieces in order; a role is ABSENT where the row has no cell of its own in the text
    cells: dict[str, tuple[Piece, ...]]
    # reserved; the segmenter merges page-break continuations itself, so rows returned are whole rows
    continues_previous: bool = False


@dataclass(frozen=True, slots=True)
class FlatTable:
    roles: tuple[str, ...]  # column roles in order, read from the flattened header (roles.role_of)
    rows: tuple[FlatRow, ...]
    header_lines: tuple[Line, ...]  # every line that belongs to a (repeated) header
    unclaimed: tuple[Line, ...]  # lines that could not be placed
    issues: tuple[Issue, ...]  # one per row the method was unsure of
