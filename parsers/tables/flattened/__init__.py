"""Rows and cells of an appendix table that text extraction flattened.

Extracted to plain text, a ruled table comes out column by column: for each
row every wrapped line of the first cell, then every line of the next, with
nothing to say where a cell ends; a wide line may hold the end of one cell and
the start of the next; the header repeats on each page; and a row broken by a
page goes on, after that header, with the rest of the cells that did not fit.

The lines are segmented by a Viterbi search over pieces of lines (whole lines,
or the parts of a line cut at a word boundary). Its state is the column of the
last piece, whether that cell goes on on the next line, and whether we are in
a row's first part or in the part resumed after a page break; each state keeps
its few best paths, which carry what the state does not say (the row number
reached, the open cell's width bounds, the row's cells before a page break).
A piece scores by how it reads as a piece of each column: how it opens (a task
number, a group numeral, a bullet, an agency, a date, a document), its words,
and its width against the column's: no line is wider than its column, and a
line that is not its cell's last is too full to take the next word. Across a
line break a cell reads on (`Nghị quyết của` / `Quốc hội`); two cells side by
side do not. The first pass knows only vocabulary cues; from its result are
learned whether the table was typeset (widths in Times New Roman) or set in
characters, the column widths, each column's words, first tokens and cell
lengths, and how often a column is merged with the row above; then the search
is run again. Nothing is tuned to one plan's widths or rows.

A line of more words than a page's line can hold (MAX_LINE_WORDS) is a cell
that the extraction set on one line: it is one piece, never cut, its width is
no evidence, and nothing is learned from it, so that it costs what its words
cost and leaves the rest of the table read as without it.
"""

from parsers.tables.flattened.segment import segment_table

__all__ = ["segment_table"]
