"""Layout text: what `pdftotext -layout` (poppler) makes of a PDF.

That tool keeps each page's geometry in characters: a form feed ends a page,
a text line stays one line, and text side by side on the page stays side by
side, padded with spaces. A table's columns therefore stand in character
columns, and the two columns of a header (issuer left, national title right)
share their lines.

This package turns such a page into `Line`s whose box is in character units
(x0/x1 = columns, top = the line's index on the page, bottom = top + 1), so the
code that reads PDF boxes reads these too, and into `TableGrid`s
(source "layout") for every table whose header it recognises:

- the header: the fewest lines whose side-by-side pieces name the most
  column roles (`table.roles`; a header cell opens with a capital, and no
  line of it holds a row's number), with a cell's wrapped last words; a
  cell over two columns (`Cơ quan` over `Chủ trì | Phối hợp`) gives two
  header rows, as a ruled grid has them; a header repeated on each page
  has the wrapped words most of its copies show;
- column boundaries: between two header cells, the character positions
  blank on the most lines of the table, in the middle of the widest such run;
  each stretch between group titles, and a page where the table goes on
  without its header, moves them to its own blank runs (the tool's columns
  shift there), in their order;
- cells: a piece of a line (no two spaces in it) goes to the column it starts
  in; where the tool set two cells' texts one space apart, the piece is cut
  where the next cell's own lines start in the row, else by how wide each
  column's lines are set (Times New Roman's widths) over all the table's pages;
- rows: a row starts where the number column, or a task's or a group's label,
  opens a new entry, where two columns start again after a pause, after a
  blank line where two columns start at once, at a group's title, or, with no
  number column, where the entry cell's text has ended (a sentence's end, or
  a line with room left for the next word) and every cell opens anew; a
  cell's wrapped lines stay in one cell.

Its modules:
- `pages`: the signs of layout text (`is_layout`), and its pages into `Line`s, the two columns of a
  header or closing cut apart, the tables of each page read by the modules below (`read_pages`);
- `tables`: where a page's tables are: their headers, ends and column boundaries, a table going on
  from the page before, what each column's lines look like over all its pages;
- `cells`: a table's body lines into rows and cells (`TableGrid`);
- `pieces`: the pieces of a line (text without two spaces in it) and how wide text is set.
"""
