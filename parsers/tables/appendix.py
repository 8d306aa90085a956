"""Appendix stage: the appendix table (Phụ lục) into one record per task row.

Three forms of the same table reach us, and each has a reader that yields
`RawRow`s (cells by column role, None where a cell is merged with the one
above); one builder (`parsers.tables.appendix_rows`) then turns raw rows into
`AppendixRow`s:

- a PDF: pdfplumber's ruled-table finder (run by `extract`), header repeats
  dropped, a row broken across pages merged back;
- web text: its tables are marked (`|` lines) and reach the outline as
  tables (`parsers.tables.web`); those whose columns make a task table are
  projected here;
- text extracted from a PDF, where the table is flattened: `parsers.tables.flattened`
  recovers rows and cells from the line sequence alone.

Columns are mapped by their header words (`language/data/column_roles.tsv`), so a
plan with other, extra or reordered columns maps too. A column that no role
names (`Kinh phí`, `Nguồn vốn`) is kept under its header as printed, in the
row's `other_cells`: its words are the plan's too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import regex as re

from parsers.language import vocab
from parsers.model.records import Box, Issue, Line, Node, Outline, Page, TableGrid
from parsers.structure.clean import Cleaned, join_lines
from parsers.tables import model
from parsers.tables.appendix_rows import (
    GROUP_ROW,
    GROUP_ROW_LABEL,
    OTHER,
    AppendixRow,
    Group,
    RawRow,
    build_rows,
    column_name,
)
from parsers.tables.grid import grid_runs, tables_of_pages
from parsers.tables.roles import header_role, kind_of, opens_list, role_of

# The roles an appendix row has columns for; a column of any other role (or of none) is kept
# under its header in `other_cells`.
ROW_ROLES = frozenset({"row_no", "group", "task", "products", "lead", "partners", "deadline", "notes"})


@dataclass(frozen=True, slots=True)
class Appendix:
    node_id: int  # the node its rows hang from: a `table` node, or the appendix part whose text held the table
    table: model.Table | None  # the whole table, every cell, whatever its columns
    roles: tuple[str, ...]
    rows: tuple[AppendixRow, ...]
    groups: tuple[Group, ...]
    header_lines: tuple[Line, ...]
    unclaimed: tuple[Line, ...]
    issues: tuple[Issue, ...]
    grids: tuple[TableGrid, ...] = ()  # the PDF grids its rows were read from


# --------------------------------------------------------------- vocabulary

# How far, in points, a PDF line's middle may stand outside a grid row's box and still be the row's.
ROW_SLACK_POINTS = 1.0


# ------------------------------------------------------------------ helpers


def _roles_of(header_cells: list[str]) -> list[str | None]:
    """Each header cell's column key: its role, else OTHER and the header's words; None for an empty cell."""
    return column_keys([c if c and c.strip() else None for c in header_cells])


def column_keys(headers: Sequence[str | None]) -> list[str | None]:
    """The column keys of a header; in a table of targets handed to agencies (`Chỉ tiêu | Chủ trì`),
    with no task column, the target is the task."""
    keys = [column_key(h) if h else None for h in headers]
    if "task" not in keys:
        keys = ["task" if h and role_of(h) == "target" else k for k, h in zip(keys, headers)]
    return keys


def column_key(header: str) -> str:
    """A column's key in a raw row: its role where an appendix row has a column for it, else OTHER and its header."""
    role = role_of(header)
    return role if role in ROW_ROLES else OTHER + " ".join(header.split())


def _is_header(cells: list[str], roles: tuple[str | None, ...] | None = None) -> bool:
    """Is this row the header (two roles or more), or, given the header's keys, its repeat? A role may be
    named twice (`Thời hạn` and `Tiến độ`, a header cell spanning two columns): its cells are then read
    together, as a web page's are."""
    found = _roles_of(cells)
    if roles is not None:
        return found == list(roles)
    found = [k if k and header_role(c) else None for k, c in zip(found, cells)]
    return len({r for r in found if r and not r.startswith(OTHER)}) >= 2



# -------------------------------------------------------------- PDF reader


def _filled(keys: list[str | None]) -> list[str | None]:
    """A header's keys less the empty columns at its end (a page's grid with a column the others lack)."""
    end = len(keys)
    while end and keys[end - 1] is None:
        end -= 1
    return keys[:end]


def _read_pdf(grids: list[TableGrid], region: list[Line]):
    roles: tuple[str | None, ...] | None = None
    rows: list[RawRow] = []
    header_lines: list[Line] = []
    issues: list[Issue] = []
    by_page: dict[int, list[Line]] = {}
    for line in region:
        by_page.setdefault(line.page, []).append(line)
    used: set[tuple[int, int]] = set()
    header_keys: list[list[str | None]] = []  # each header row's own keys, to know its repeats
    printed: list[str] = []  # each column's header as printed (`Cơ quan / Chủ trì` under two rows)
    for g_index, grid in enumerate(grids):
        first_data = True
        lefts = sorted({round(c.box.x0) for row in grid.rows for c in row if c is not None})
        for cells in grid.rows:
            texts = [c.text if c is not None else None for c in cells]
            boxes = [c for c in cells if c is not None]
            if not boxes:
                continue  # every cell merged with the row above (a grid's row under spanning cells): no text of its own
            # A cell spanning rows below reaches past this row: the row ends at its shortest cell.
            top, bottom = max(c.box.top for c in boxes), min(c.box.bottom for c in boxes)
            mine = [l for l in by_page.get(grid.page, []) if (l.page, l.line_no) not in used
                    and l.box is not None and top - _slack(l.box) <= l.box.middle <= bottom + _slack(l.box)]
            used.update((l.page, l.line_no) for l in mine)
            if roles is None:
                if _is_header([t or "" for t in texts]):
                    roles = tuple(_roles_of([t or "" for t in texts]))
                    printed = [" ".join((t or "").split()) for t in texts]
                    header_keys.append(list(roles))
                    header_lines.extend(mine)
                    continue
                header_lines.extend(mine)  # a title row above the header
                continue
            keys = _roles_of([t or "" for t in texts])
            if len(header_keys) == 1 and not rows and _is_sub_header(texts, header_keys[0]):
                # `Cơ quan` over `Chủ trì | Phối hợp`: the second header row names the columns it spans
                roles = tuple(k if t and t.strip() else r for k, r, t in zip(keys, roles, texts))
                above = [p or next((q for q in reversed(printed[:i]) if q), "") for i, p in enumerate(printed)]
                printed = [" / ".join(x for x in (a, " ".join((t or "").split())) if x) for a, t in zip(above, texts)]
                header_keys.append(keys)
                header_lines.extend(mine)
                continue
            if _filled(keys) == _filled(list(roles)) or _filled(keys) in map(_filled, header_keys):
                header_lines.extend(mine)  # the header, repeated on this page (on a grid of a column more too)
                continue
            group = _group_row_title(texts, len(roles))
            if group is not None:
                filled = [" ".join(t.split()) for t in texts if t and t.strip()]
                label = {GROUP_ROW_LABEL: filled[0]} if len(filled) == 2 else {}
                rows.append(RawRow(cells={GROUP_ROW: group, **label}, lines=tuple(mine)))
                first_data = False
                continue
            cells_by_role = _by_role(cells, roles, lefts)
            if first_data and g_index > 0 and rows and _continues(cells_by_role, rows, roles[0]):
                rows[-1] = _merge(rows[-1], cells_by_role, mine)  # the row broken by the page ends here
            else:
                if first_data and cells_by_role.get("group") == "":
                    cells_by_role["group"] = None  # the group cell goes on from the previous page
                rows.append(RawRow(cells=cells_by_role, lines=tuple(mine)))
            first_data = False
    unclaimed = [l for l in region if (l.page, l.line_no) not in used]
    return tuple(r or "" for r in (roles or ())), rows, header_lines, unclaimed, issues, printed


def _by_role(cells: tuple, roles: tuple[str | None, ...], lefts: list[int]) -> dict[str, str | None]:
    """A PDF grid row's texts by column key, as `_rows_of_table` reads a web row: a place no cell of the
    row covers is merged with the row above (None); one a cell to its left spans is empty, and a label
    spanning the task column with values beside it (`Tổng thời gian giải quyết TTHC` | `56 giờ`) is the
    row's task. A role named twice has its cells joined."""
    out: dict[str, str | None] = {}
    beside_others = sum(1 for c in cells if c is not None and c.text.strip()) > 1
    covered: set[int] = set()
    for k, cell in enumerate(cells[:len(roles)]):
        if cell is None:
            continue
        # the columns whose left edges it holds
        span = 1 + sum(1 for x in lefts if cell.box.x0 + 1 < x < cell.box.x1 - 1)
        covered.update(range(k + 1, k + span))
        key = "task" if beside_others and span > 1 and "task" in roles[k:k + span] else roles[k]
        if key:
            out[key] = f"{out[key]}\n{cell.text}" if out.get(key) and cell.text else out.get(key) or cell.text
    for k, role in enumerate(roles[:len(cells)]):
        if role and cells[k] is None:
            out.setdefault(role, "" if k in covered else None)
    return out


def _slack(box: Box) -> float:
    """How far a line's middle may stand outside a row's box and still be the row's: a point on a PDF
    page (a line is some 12 points high), a quarter of a line in layout text (a line is one unit high,
    and a whole unit would reach the next row's first line)."""
    return min(ROW_SLACK_POINTS, box.height / 4)


def _opens_with_group_label(text: str) -> bool:
    """Does a cell open with a task group's label: a Roman numeral, or one capital letter (`A`) above them?"""
    first = text.split()[0].rstrip(".")
    return GROUP_LABEL_TOKEN.match(first) is not None and bool(vocab.roman_to_int(first) or len(first) == 1)


def _label_and_title(filled: list[str]) -> bool:
    """Are a row's filled cells a group's label alone and its title (`A.` | `BỘ NÔNG NGHIỆP …`), as a table
    set without its spans leaves a group row?"""
    return len(filled) == 2 and GROUP_LABEL_TOKEN.match(filled[0].strip()) is not None


def _group_row_title(texts: list[str | None], width: int) -> str | None:
    """A row spanning the table whose first cell is a group's label (`I. NÂNG CAO …`, or `I` | `TITLE`):
    its title; None for any other row. Without rules a short title shows no span: it stands in the one
    column it fits (`` | `I. Kinh tế số` | ``), the row's only filled cell; a table set without its spans
    leaves the label and the title alone in their cells (`A.` | `BỘ NÔNG NGHIỆP …` | `` | ``)."""
    filled = [t for t in texts if t and t.strip()]
    spans = sum(t is None for t in texts) + (width - len(texts))
    if len(filled) == 1 and spans and LIST_TITLE.match(filled[0]):
        return " ".join(filled[0].split())  # the title of the next list of several, as on a web page
    if (not filled or not (spans or len(filled) == 1 or _label_and_title(filled)) or len(filled) > 2 or
            not _opens_with_group_label(filled[0])):
        return None
    flat = [" ".join(t.split()) for t in filled]
    return flat[0] if len(flat) == 1 else f"{flat[0].rstrip('.')}. {flat[1]}"


def _is_sub_header(texts: Sequence[str | None], top: Sequence[str | None]) -> bool:
    """Is this row the second row of a header: every cell of it names a role, and it stands under a top
    row with a cell spanning columns (None beside it) or with no role of its own?"""
    filled = [t for t in texts if t and t.strip()]
    named = [role_of(t) for t in filled]
    spanned = any(t is None for t in top) or any(k and k.startswith(OTHER) for k in top)
    return len(filled) >= 2 and all(named) and spanned


def _continues(cells: dict[str, str | None], rows: list[RawRow], first: str | None) -> bool:
    """Does a page's first row carry on the previous page's last row?

    With a row-number column: when that cell is empty; so with a first column no role names that
    labels each row (`Bước thực hiện`: `Bước 1`, `Bước 2`), when it is empty where the last row's was
    not. Without them, in a table whose tasks are numbered: when the task cell does not open with a number.
    """
    if rows[-1].cells.get(GROUP_ROW) is not None:
        return False  # a group's title, a line or two, is never broken over a page: the row is the group's
    if "row_no" in cells:
        return cells["row_no"] == ""
    if first and first.startswith(OTHER) and cells.get(first) == "" and rows[-1].cells.get(first):
        return True
    task = cells.get("task")
    if task == "":
        return True
    numbered = any(vocab.ROW_LABEL.match(r.cells.get("task") or "") for r in rows)
    return numbered and task is not None and not vocab.ROW_LABEL.match(task)


def _merge(row: RawRow, more: dict[str, str | None], lines: list[Line]) -> RawRow:
    cells = dict(row.cells)
    for role, text in more.items():
        if text:
            cells[role] = f"{cells[role]}\n{text}" if cells.get(role) else text
    return RawRow(cells=cells, lines=row.lines + tuple(lines))


# ------------------------------------------------------- flattened reader


def _read_flat(region: list[Line]):
    from parsers.tables.flattened import segment_table

    flat = segment_table(region)
    rows = [RawRow(cells={role: "\n".join(p.text for p in pieces) for role, pieces in r.cells.items()},
                   lines=tuple(dict.fromkeys(p.line for pieces in r.cells.values() for p in pieces)))
            for r in flat.rows]
    for row in rows:
        for role in flat.roles:
            row.cells.setdefault(role, None)  # absent in the text: merged with the cell above
    return flat.roles, rows, list(flat.header_lines), list(flat.unclaimed), list(flat.issues)


# ------------------------------------------------------------------ stage


def read_appendices(cleaned: Cleaned, outline: Outline) -> list[Appendix]:
    """Every task table of the document, as appendix rows, from whichever form it came in.

    Tables the text marks (web pages) reached the outline as tables: those whose
    columns make a task table are read into rows. Elsewhere an appendix part's
    text holds its table, read by the reader of its form."""
    source = cleaned.source
    out = []
    for node_id, table in outline.tables:
        keys = [k or OTHER for k in column_keys(table.headers())]
        if kind_of([role_of(h) for h in table.headers()]) != "tasks":
            continue
        rows, groups, row_issues = build_rows(_rows_of_table(table, keys))
        header = tuple(l for c in table.cells if c.is_header for l in c.lines)
        out.append(Appendix(node_id, table, tuple(keys), tuple(rows), tuple(groups), header, (), tuple(row_issues)))
    for part in (n for n in outline.nodes if n.parent_id == 0 and n.kind == "appendix"):
        body = [n for n in outline.children(part.node_id) if n.kind == "table_text"]
        region = [l for n in body for l in n.lines]
        if not region:
            continue
        if source.flavour != "plain":
            pages = sorted({l.page for l in region})
            grids = _task_grids([source.pages[p - 1] for p in pages])
            if not grids and any(source.pages[p - 1].tables for p in pages):
                continue  # tables of other kinds only: each read as a table, the text kept as it is
            roles, raw, header, unclaimed, issues, printed = _read_pdf(grids, region)
            table_source = grids[0].source if grids else "ruled"
        else:
            roles, raw, header, unclaimed, issues = _read_flat(region)
            table_source, printed = "flattened", []  # its header's words are not told apart by column
        if not roles:
            out.append(Appendix(part.node_id, None, (), (), (), (), tuple(region),
                                (Issue("appendix", "no_table_header", "appendix without a recognisable table header",
                                       region[0].page),)))
            continue
        table, raw = _table_of_rows(table_source, roles, raw, tuple(header), printed)
        if source.flavour != "plain":
            table, raw = _as_printed(grids, source, table, raw)
        rows, groups, row_issues = build_rows(raw)
        out.append(Appendix(part.node_id, table, tuple(roles), tuple(rows), tuple(groups), tuple(header),
                            tuple(unclaimed), tuple(issues) + tuple(row_issues),
                            tuple(grids) if source.flavour != "plain" else ()))
    return out


# A row whose first filled cell is a group's label: `I. …`, `I` | `TITLE`, or `A` | `TITLE` above Roman groups.
GROUP_LABEL_TOKEN = re.compile(r"^(?:[IVXLC]+|[A-Z])\s*[.)]?$")
# The title of one list of a table of several (`Quy trình số 02 2. Quy trình nội bộ giải quyết TTHC: …`,
# a procedure's workflow among others): alone on its row, the title of the group of rows below it.
LIST_TITLE = re.compile(r"^Quy\s+trình\s+số\b")


def _rows_of_table(table: model.Table, keys: list[str]) -> list[RawRow]:
    """A task table's data rows as raw rows: cells by column key; a row narrower than the header whose
    first cell is a group's label, or a list's title alone on its row, is a group row."""
    out = []
    spanning: dict[int, int] = {}  # column -> the last row a cell spanning rows covers
    for index, row in enumerate(table.rows()):
        # The columns a cell above spans down over, the row having none of its own there.
        merged = {col for col, last in spanning.items() if last >= index} - {
            col for c in row for col in range(c.col, c.col + c.col_span)}
        for cell in row:
            for col in range(cell.col, cell.col + cell.col_span):
                spanning[col] = cell.row + cell.row_span - 1
        if index < table.header_rows or not row or all(c.is_header for c in row):
            continue  # the header, or the header printed again further down
        lines = tuple(l for c in row for l in c.lines)
        filled = [c.text for c in row if c.text.strip()]
        laid_from_left = all(c.col == k for k, c in enumerate(row))  # not placed under the columns it reads like
        spans_table = (len(row) < len(keys) and laid_from_left) or any(c.col_span > 1 for c in row)
        list_title = len(row) == 1 and bool(filled) and LIST_TITLE.match(filled[0]) is not None
        # a table set without its spans: the label and the title alone in their cells, the others empty
        label_alone = _label_and_title(filled) and row[0].text.strip() == filled[0]
        if filled and (spans_table or label_alone) and (_opens_with_group_label(filled[0]) or list_title):
            title = filled[0] if len(filled) == 1 else f"{filled[0].rstrip('.')}. " + " ".join(filled[1:])
            out.append(RawRow(cells={GROUP_ROW: title}, lines=lines, table_row=index))
            continue
        # A column a cell above spans down over is merged with the row above (None), as in a PDF's table.
        cells: dict[str, str | None] = {keys[col]: None for col in merged if col < len(keys)}
        for cell in row:
            if cell.col < len(keys):
                key = _key_of(cell, keys, len(filled) > 1)
                cells[key] = f"{cells[key]}\n{cell.text}" if cells.get(key) else cell.text
        out.append(RawRow(cells=cells, lines=lines, table_row=index))
    return out


def _task_grids(pages: list[Page]) -> list[TableGrid]:
    """The grids of an appendix's pages that hold its task table: the first table whose header (in its
    first two rows) names a task table's columns, as a web page's table is told one (`kind_of`), and
    every later one but those under a header of other columns (a workflow, a form, figures), which are
    tables of their own. None where no table has such a header: a list of procedures, a form, a
    workflow is read as a table, not into task rows. All of them where no table has a header at all."""
    chosen: list[TableGrid] = []
    roles = None
    headed = False
    for run in grid_runs(pages):
        heads = [[c.text if c is not None else "" for c in row] for row in run[0][0].rows[:2]]
        # Compared column for column: the rows are read by column, so a grid of other columns is another table;
        # so is one under a list's header whose words the roles do not know (`Số TT | Mã TTHC | Tên TTHC …`).
        at = next((k for k, h in enumerate(heads) if _is_header(h)), None)
        found = (_roles_of(heads[at]) if at is not None
                 else [] if any(opens_list(h) for h in heads) else None)
        headed = headed or found is not None
        if roles is None and found and at is not None and _names_tasks(heads, at):  # found: at is not None
            roles = found
        if roles is not None and found in (None, roles):
            chosen += [grid for grid, _page in run]
    return chosen if headed else [g for p in pages for g in p.tables]


def _names_tasks(heads: list[list[str]], at: int) -> bool:
    """Do a table's first rows name a task table's columns (a task or target, and who or when)? The
    header row (`heads[at]`), and the row under it where that names the columns a cell above spans."""
    rows = (heads[at:at + 2] if at + 1 < len(heads) and _is_sub_header(heads[at + 1], _roles_of(heads[at]))
            else [heads[at]])
    return kind_of([header_role(c) for row in rows for c in row if c.strip()]) == "tasks"


def _as_printed(grids: list[TableGrid], source, table: model.Table, raw: list[RawRow]):
    """The PDF's grids as one table, each cell as printed (a group's numeral and its title in cells of their
    own, every header row), where they make one table whose rows hold every row read: each row then
    marked with the table row its first line is in. Else the table of the rows read."""
    pages = [replace(p, tables=tuple(g for g in p.tables if any(g is x for x in grids)))
             for p in source.pages if any(g.page == p.number for g in grids)]
    printed = tables_of_pages(pages)
    if len(printed) != 1:
        return table, raw
    row_of = {(l.page, l.line_no): c.row for c in printed[0].cells for l in c.lines}
    marked = []
    for r in raw:
        at = [row_of[l.page, l.line_no] for l in r.lines if (l.page, l.line_no) in row_of]
        if not at:
            return table, raw
        marked.append(replace(r, table_row=min(at)))
    return printed[0], marked


def _key_of(cell: model.Cell, keys: list[str], beside_others: bool) -> str:
    """The column key a cell's text goes under: its first column's; but a label spanning the task column
    with values beside it (`Tổng thời gian giải quyết TTHC` | `56 giờ làm việc`) is the row's task."""
    spanned = keys[cell.col:cell.col + cell.col_span]
    return "task" if beside_others and len(spanned) > 1 and "task" in spanned else keys[cell.col]


def _table_of_rows(source: str, keys: tuple[str, ...], raw: list[RawRow], header: tuple[Line, ...],
                   printed: Sequence[str] = ()):
    """The table model of rows a reader gave by column key (the header first, as printed where the
    reader kept it, else by its key; a merged cell spanning the rows it covers), and the raw rows
    marked with their row in it."""
    rows: list[list[tuple[str, tuple[Line, ...], dict]]] = [
        [(printed[c] if c < len(printed) and printed[c] else column_name(k), header if c == 0 else (), {"col": c})
         for c, k in enumerate(keys) if k]]
    marked = []
    # column → the (text, lines, extras) entry of the last real cell, to extend its span
    open_cells: dict[int, tuple[str, tuple[Line, ...], dict]] = {}
    for r in raw:
        index = len(rows)
        # a group row's text is never None: its readers put a str under GROUP_ROW
        group = r.cells.get(GROUP_ROW)
        if group is not None and (label := r.cells.get(GROUP_ROW_LABEL)):
            title = group.removeprefix(f"{label.rstrip('.')}. ")
            page = {"page": r.lines[0].page} if r.lines else {}
            rows.append([(label, (), {"col": 0, **page}), (title, r.lines, {"col": 1, "col_span": len(keys) - 1})])
            open_cells = {}
        elif group is not None:
            rows.append([(group, r.lines, {"col": 0, "col_span": len(keys)})])
            open_cells = {}
        else:
            row = []
            for c, key in enumerate(keys):
                text = r.cells.get(key)
                if text is None and c in open_cells:
                    open_cells[c][2]["row_span"] = open_cells[c][2].get("row_span", 1) + 1
                    continue
                entry = (text or "", r.lines if c == 0 else (), {"col": c})
                open_cells[c] = entry
                row.append(entry)
            rows.append(row)
        marked.append(replace(r, table_row=index))
    lines = tuple(dict.fromkeys([*header, *(l for r in raw for l in r.lines)]))
    return model.build(source, rows, 1, lines), marked


def attach(outline: Outline, appendices: list[Appendix]) -> Outline:
    """The outline with each task table's lines handed to header, group and row nodes.

    An appendix part's table text gives way to them, but for the lines no row
    claimed: text beside the table (a heading between two of its lists, a part
    of text after it) stays a paragraph of the appendix. A `table` node keeps
    only the lines no row claimed (a caption row above the header, say)."""
    if not appendices:
        return outline
    # An appendix whose table is no task table keeps its text: its grid is then read as a table of its own.
    holders = {a.node_id for a in appendices if a.table is not None}
    claimed_by_rows = {a.node_id: {(l.page, l.line_no)
                                   for l in (*a.header_lines, *(l for g in a.groups for l in g.lines),
                                             *(l for r in a.rows for l in r.lines))}
                       for a in appendices if a.node_id in holders}
    kept = []
    for n in outline.nodes:
        if n.kind == "table_text" and n.parent_id in holders:
            rest = tuple(l for l in n.lines if (l.page, l.line_no) not in claimed_by_rows[n.parent_id])
            if rest:
                kept.append(replace(n, kind="para", text=join_lines(l.text for l in rest), lines=rest))
            continue
        if n.kind == "table" and n.node_id in holders:
            n = replace(n, lines=tuple(l for l in n.lines if (l.page, l.line_no) not in claimed_by_rows[n.node_id]))
        kept.append(n)
    next_id = max(n.node_id for n in outline.nodes) + 1
    added: list[Node] = []
    for a in appendices:
        if a.header_lines:
            added.append(Node(next_id, a.node_id, "table_header", None, None, None,
                              " | ".join(map(column_name, a.roles)), tuple(sorted(set(a.header_lines), key=_order))))
            next_id += 1
        for group in a.groups:
            added.append(Node(next_id, a.node_id, "table_group", None, group.group_no, group.title, "",
                              tuple(sorted(set(group.lines), key=_order))))
            next_id += 1
        for row in a.rows:
            label = f"{row.group_no or ''}.{row.row_no or ''}".strip(".") or None
            added.append(Node(next_id, a.node_id, "table_row", label, row.row_no, row.group_title,
                              row.task or "", tuple(sorted(set(row.lines), key=_order))))
            next_id += 1
    # Flattened text is the table alone: a line its search could not place is kept as a paragraph of the
    # appendix, but no row or cell holds it, so it is said (a PDF's lines beside its grids are text).
    unplaced = tuple(Issue("appendix", "appendix_line_unplaced",
                           f"a line of the appendix's table text is in no row or cell: {line.text[:120]!r}",
                           line.page, node_id=a.node_id, line=line)
                     for a in appendices if a.table is not None and a.table.source == "flattened"
                     for line in a.unclaimed)
    return replace(outline, nodes=tuple(kept + added),
                   issues=outline.issues + tuple(i for a in appendices for i in a.issues) + unplaced)


def _order(line: Line) -> tuple[int, int]:
    return line.page, line.line_no
