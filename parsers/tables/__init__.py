"""Tables of every shape, read into one model (`Table` of `Cell`s), and the appendix of tasks.

- `model`: the records and what follows from a grid of cells (header rows, header paths);
- `roles`: what a column holds, from its header's words, and the kind of a table;
- `web`: tables of a legal-database page, cells between lines holding only `|`;
- `unruled`: PDF tables with some rules or none, from the words' positions;
- `grid`: tables found on PDF pages (`TableGrid`s: ruled, unruled, layout text, OCR), merged across pages;
- `flattened`: rows and cells of a table that text extraction wrote column by column;
- `appendix`: the appendix table (Phụ lục) found and read, from the text, a PDF's grids or flattened text;
- `appendix_rows`: its rows into task records: groups, items, agencies split one from the next.
"""
