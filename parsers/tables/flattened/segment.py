"""The flattened reader's entry, segment_table: header, pieces, passes of search and learning, and the issues
it reports of the rows it was unsure of.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from parsers.model.records import Issue, Line
from parsers.tables.flattened.body import MEASURES, Body, agreement, body_of, measure_with
from parsers.tables.flattened.header import find_headers, unnamed_header_words
from parsers.tables.flattened.model import Model, estimate, first_model, rows_of
from parsers.tables.flattened.pieces import Pieces, candidate_pieces, first_match, graph_of, measure_pieces
from parsers.tables.flattened.records import FlatRow, FlatTable, Piece
from parsers.tables.flattened.search import Paths, Steps, emission_table, ends_of, path_of, search_paths
from parsers.tables.flattened.settings import SETTINGS
from parsers.tables.flattened.vocabulary import NUMBER_LABEL, SHAPES

# ------------------------------------------------------------------ entry


def segment_table(lines: Sequence[Line]) -> FlatTable:
    """`lines`: the appendix's lines after its title and `(Kèm theo …)` line, in order, blank lines and page
    numbers removed, starting at the first header line."""
    roles, spans = find_headers(lines)
    body, header_lines = body_of(lines, spans, roles)
    if not roles or not body.lines:
        issues = () if roles else (Issue("appendix", "no_table_header", "flattened table without a recognisable header",
                                         lines[0].page if lines else None),)
        return FlatTable(roles, (), tuple(header_lines), tuple(body.lines), issues)
    unnamed = unnamed_header_words(" ".join(l.text for l in lines[spans[0][0]:spans[0][1]]))
    column_issues = [Issue("appendix", "unknown_column", f"the flattened table's header names a column that no role "
                           f"covers ({' '.join(unnamed)!r}); its cells are read into the columns beside it",
                           lines[0].page)] if unnamed else []
    nodes, pieces = candidate_pieces(body, roles)
    model = first_model(roles)
    passes = SETTINGS.passes
    for n in range(passes):
        nbest = SETTINGS.nbest if n + 1 == passes else 1
        paths = search_paths(body, model, pieces, emission_table(model, pieces), nbest)
        ends = ends_of(paths, model, nodes)
        steps, skipped = path_of(paths, nodes, ends[0][1], ends[0][2])
        if n == 0:
            measure = max(MEASURES, key=lambda m: agreement(body, pieces, steps, m))
            if measure is not body.measure:
                measure_with(body, measure)
                measure_pieces(body, pieces)  # only the widths depend on the measure: the rest of each piece stands
                pieces.graph = graph_of(body, nodes, pieces)
        if n + 1 < passes:
            model = estimate(body, model, pieces, steps, learn_words=n >= 1)
    rows = rows_of(steps)
    flat_rows = tuple(FlatRow({roles[c]: tuple(Piece(pieces.text[steps.cand[k]], body.lines[pieces.line[steps.cand[k]]])
                                               for k in row[c]) for c in sorted(row)}) for row in rows)
    found = (column_issues + _numbering_issues(model, flat_rows)
             + _margin_issues(body, pieces, paths, nodes, ends, steps, rows))
    return FlatTable(roles, flat_rows, tuple(header_lines), tuple(body.lines[i] for i in skipped), tuple(found))


# ----------------------------------------------------------------- issues


def _numbering_issues(model: Model, rows: tuple[FlatRow, ...]) -> list[Issue]:
    """Rows whose number does not continue the run, or whose numbered cell holds no number."""
    if model.numbered is None:
        return []
    role, issues, last, group_since = model.roles[model.numbered], [], 0, False
    for k, row in enumerate(rows, start=1):
        if any(p[0].text and first_match(SHAPES, p[0].text) == "roman" for p in row.cells.values()):
            group_since = True
        pieces = row.cells.get(role)
        if not pieces:
            continue  # merged with the row above (a task with several products)
        first, line = pieces[0].text, pieces[0].line
        number = NUMBER_LABEL.match(first)
        if number:
            n = int(number.group("n"))
            if n != last + 1 and not (n == 1 and group_since):
                issues.append(Issue("appendix", "numbering_break", f"flattened row {k} is numbered {n} after {last}",
                                    line.page, line=line))
            last, group_since = n, False
        elif first_match(SHAPES, first) != "roman":
            issues.append(Issue("appendix", "row_without_number", f"flattened row {k} has no number: {first[:40]!r}",
                                line.page, line=line))
    return issues


def _margin_issues(body: Body, pieces: Pieces, paths: Paths, nodes, ends, steps: Steps, rows) -> list[Issue]:
    """Rows that a path nearly as likely as the best reads otherwise."""
    row_of: dict[int, int] = {}  # line -> the row of the best path that its first piece is in
    for k, row in enumerate(rows):
        for cell in row.values():
            for step in cell:
                row_of.setdefault(pieces.line[steps.cand[step]], k)
    best = set(zip(steps.cand, steps.col, steps.new_row))  # a piece is its line and words
    unsure: dict[int, float] = {}
    for score, state, rank in ends[1:]:
        margin = ends[0][0] - score
        if margin >= SETTINGS.unsure_margin:
            break
        other, _ = path_of(paths, nodes, state, rank)
        for step in zip(other.cand, other.col, other.new_row):
            line = pieces.line[step[0]]
            if step not in best and line in row_of:
                k = row_of[line]
                unsure[k] = min(unsure.get(k, math.inf), margin)
    firsts = {k: body.lines[min(pieces.line[steps.cand[step]] for cell in rows[k].values() for step in cell)]
              for k in unsure}
    return [Issue("appendix", "unsure_segmentation",
                  f"flattened row {k + 1} reads otherwise on a path only {margin:.1f} log-odds less likely",
                  firsts[k].page, line=firsts[k])
            for k, margin in sorted(unsure.items())]
