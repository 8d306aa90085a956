"""Tables of every shape: one model (`Table` of `Cell`s) that every reader produces.

- `model`: the records and what follows from a grid of cells (header rows, header paths);
- `roles`: what a column holds, from its header's words, and the kind of a table;
- `web`: tables of a legal-database page, cells between lines holding only `|`;
- `grid`: tables found on PDF pages (`TableGrid`s: ruled, unruled, layout text, OCR), merged across pages.
"""
