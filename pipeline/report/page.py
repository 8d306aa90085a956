"""The review page: one document's tables as one self-contained HTML file.

    from pipeline.report.page import write_report
    write_report("data/processed", "f83e75de", "review.html")   # a unique prefix of the doc_id will do

The page is meant to be opened from a disk or a mail attachment: CSS and the
timeline (SVG) are inline, no font, script or image is fetched, and the few
lines of script only add expand/collapse buttons to the outline, so the page
reads the same without them. Every text taken from the tables is escaped:
the documents are input from outside.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.storage.load import load_tables
from pipeline.storage.schemas import SCHEMAS

# Milestone kinds that carry a date and so get a bar on the timeline;
# `before` has only an end and is drawn as a mark there, `from` only a start and is drawn as a mark there.
DATED_KINDS = frozenset({"date", "before", "from", "month", "quarter", "half", "year", "range", "period", "recurring"})
# Long periods are drawn lighter, so that the short deadlines stand out on top of them.
LONG_KINDS = frozenset({"half", "year", "range", "period", "recurring"})


# ------------------------------------------------------------------ entry points


def write_report(data_dir: str | Path, doc_id: str, out_file: str | Path) -> Path:
    """load_tables(data_dir), render, write atomically; KeyError when no (unique) document matches doc_id."""
    tables = load_tables(data_dir)
    matches = _matching_doc_ids(tables["documents"], doc_id)
    if len(matches) != 1:
        hint = f" (the prefix matches {len(matches)} documents)" if matches else ""
        raise KeyError(f"no document {doc_id!r} in {data_dir}{hint}")
    page = render_report(tables, matches[0])
    return _write_atomically(Path(out_file), page)


def render_report(tables: dict[str, pd.DataFrame], doc_id: str) -> str:
    """One self-contained HTML page for one document."""
    matches = _matching_doc_ids(tables["documents"], doc_id)
    if len(matches) != 1:
        raise KeyError(f"no document {doc_id!r}")
    doc_tables = _of_document(tables, matches[0])
    doc = doc_tables["documents"][0]
    rows, nodes = doc_tables["appendix_rows"], doc_tables["outline"]
    agencies = tables.get("agencies")
    if agencies is not None and len(agencies):
        # One lane per agency, not per spelling: `HDNĐ - UBND` and `HĐND – UBND` are one office.
        names = dict(zip(agencies["agency_id"], agencies["name"]))
        rows = [{**r, "lane": names.get(r.get("lead_agency_id"))} for r in rows]
    flags = _flag_warnings(doc_tables["warnings"], rows, nodes, doc_tables["citations"])
    sections = [
        _facts_section(doc),
        _warnings_section(doc_tables["warnings"], flags),
        _timeline_section(rows, doc_tables["milestones"], flags),
        _appendix_section(rows, doc_tables["milestones"], flags),
        _tables_section(doc_tables["tables"], doc_tables["table_cells"]),
        _tasks_section(doc_tables["tasks"]),
        _citations_section(tables, doc["doc_id"]),
        _outline_section(nodes, flags),
        _coverage_section(doc, doc_tables["residual"]),
    ]
    heading = " ".join(t for t in (_s(doc["doc_type"]), _s(doc["doc_number"])) if t) or f"Document {doc['doc_id']}"
    return _page(f"{heading}: {_s(doc['title'])}", heading, _s(doc["title"]), "".join(sections))


# The mark of a page this module wrote: `plan-parse report` overwrites such a page, and no other file unless forced.
GENERATOR = '<meta name="generator" content="plan-parse review page">'


def is_review_page(path: str | Path) -> bool:
    """Is `path` a page written by this module (its head holds the generator mark)?"""
    try:
        with open(path, "rb") as fh:
            return GENERATOR.encode() in fh.read(4096)
    except OSError:
        return False


def _write_atomically(target: Path, text: str) -> Path:
    # A reader (a browser already showing the page, a mail client) sees the old page or the new one, never half.
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(target).st_mode & 0o7777  # an existing page keeps its mode
    except OSError:
        mode = 0o644  # mkstemp makes it private; the page is for whoever reviews it
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# ------------------------------------------------------------------ the tables of one document


def _matching_doc_ids(documents: pd.DataFrame, wanted: str) -> list[str]:
    ids = list(documents["doc_id"].dropna().unique())
    if wanted in ids:
        return [wanted]
    return [i for i in ids if wanted and i.startswith(wanted)]


def _of_document(tables: dict[str, pd.DataFrame], doc_id: str) -> dict[str, list[dict]]:
    """Each table's rows of one document, as plain dicts with None for every missing value."""
    out: dict[str, list[dict]] = {}
    for name in SCHEMAS:
        df = tables.get(name)
        if df is None or "doc_id" not in df.columns:
            out[name] = []
            continue
        mine = df[df["doc_id"].eq(doc_id).fillna(False).astype(bool)]
        out[name] = [{k: (None if _missing(v) else v) for k, v in row.items()} for row in mine.to_dict("records")]
    out["outline"].sort(key=lambda n: n["node_id"])
    out["tasks"].sort(key=lambda t: t["node_id"] if t["node_id"] is not None else -1)
    out["appendix_rows"].sort(key=lambda r: r["seq"])
    out["milestones"].sort(key=lambda m: (m["row_id"], m["seq"]))
    return out


def _missing(value) -> bool:
    # A list cell (products, bullets) is a value even when empty, and pd.isna would answer item by item.
    if isinstance(value, (str, list, tuple, np.ndarray)):
        return False
    return value is None or bool(pd.isna(value))


def _s(value) -> str:
    return "" if value is None else str(value)


def _e(value) -> str:
    return html.escape(_s(value))


def _items(value) -> list[str]:
    return [str(v) for v in value if v is not None] if value is not None else []


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def _roman(number: int | None) -> str:
    if number is None:
        return ""
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += numeral
            number -= value
    return out


def _row_ref(row: dict) -> str:
    """How the appendix itself numbers a row: group numeral and task number (II.3)."""
    group, number = _roman(row["group_no"]), _s(row["row_no"])
    return f"{group}.{number}" if group and number else group or number or f"#{row['seq']}"


def _node_ref(node: dict) -> str:
    where = _pages(node["page_start"], node["page_end"])
    return " ".join(t for t in (node["kind"], _s(node["label"]), f"({where})" if where else "") if t)


def _pages(first, last) -> str:
    if first is None:
        return ""
    return f"p. {first}" if last in (None, first) else f"p. {first}–{last}"


# ------------------------------------------------------------------ warnings → what they name

# How the stages name a place in their messages (parsers/structure/outline.py, appendix.py, normalise.py, clean.py).
_ROW_ID = re.compile(r"\b[0-9a-f]{16}:\d+\b")  # deadline not understood in row <row_id>
_APPENDIX_SEQ = re.compile(r"\bappendix row (\d+)\b")  # appendix row <seq> has no task text
_LABELLED_NODE = re.compile(r"\b(\w+) (?:run starts at )?'([^']+)'")  # point 'e' follows 'c'
_WORD = re.compile(r"\bword '([^']+)'")  # word 'x' is not a Vietnamese syllable
_CITED_AS = re.compile(r"\bas (\S+?)/(\S+)")  # one Kế hoạch of 18/12/2019 cited as 133/KH-UBND and as 113/KH-UBND
_OF_DATE = re.compile(r"\bof (\d{2}/\d{2}/\d{4})\b")


@dataclass
class Flags:
    rows: set[str] = field(default_factory=set)  # row_id
    nodes: set[int] = field(default_factory=set)  # node_id
    per_warning: list[tuple[list[dict], list[dict]]] = field(default_factory=list)  # (rows, nodes) of each warning


def _flag_warnings(warnings: list[dict], rows: list[dict], nodes: list[dict], citations: list[dict]) -> Flags:
    flags = Flags()
    for warning in warnings:
        message, page = _s(warning["message"]), warning["page"]
        cited_rows, cited_nodes = _cited_places(message, citations)
        # A warning names its node or row where the stage knew it; else its message is read for them.
        if (row_id := warning.get("row_id")) is not None:
            cited_rows.add(row_id)
        if (node_id := warning.get("node_id")) is not None:
            cited_nodes.add(node_id)
        named_rows = [r for r in rows if r["row_id"] in cited_rows or _names_row(message, r)]
        named_nodes = [n for n in nodes if n["node_id"] in cited_nodes or _names_node(message, page, n)]
        flags.per_warning.append((named_rows, named_nodes))
        flags.rows |= {r["row_id"] for r in named_rows}
        flags.nodes |= {n["node_id"] for n in named_nodes}
    # A row and its outline node are one thing seen twice: mark both.
    flags.nodes |= {r["node_id"] for r in rows if r["row_id"] in flags.rows and r["node_id"] is not None}
    flags.rows |= {r["row_id"] for r in rows if r["node_id"] in flags.nodes}
    return flags


def _names_row(message: str, row: dict) -> bool:
    return row["row_id"] in _ROW_ID.findall(message) or str(row["seq"]) in _APPENDIX_SEQ.findall(message)


def _names_node(message: str, page: int | None, node: dict) -> bool:
    first, last = node["page_start"], node["page_end"] or node["page_start"]
    if page is not None and (first is None or not first <= page <= last):
        return False
    if (node["kind"], node["label"]) in set(_LABELLED_NODE.findall(message)):
        return True
    # A damaged word is named by itself only: look for it on the warning's page.
    words = _WORD.findall(message) if page is not None else []
    return node["kind"] != "document" and any(w in f"{_s(node['title'])} {_s(node['text'])}" for w in words)


def _cited_places(message: str, citations: list[dict]) -> tuple[set[str], set[int]]:
    """Where the citations that a message names by number and code are: (row_ids, node_ids)."""
    numbers = set(_CITED_AS.findall(message))
    dates = set(_OF_DATE.findall(message))
    rows, nodes = set(), set()
    for c in citations:
        if (c["number"], c["code"]) not in numbers:
            continue
        if dates and (c["issued_date"] is None or _date(c["issued_date"]) not in dates):
            continue
        table, _, key = _s(c["where"]).partition(":")
        if table == "appendix_rows":
            rows.add(key)
        elif table == "outline" and key.isdigit():
            nodes.add(int(key))
    return rows, nodes


# ------------------------------------------------------------------ sections


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>\n'


def _facts_section(doc: dict) -> str:
    number = _s(doc["doc_number"]) or f"{_s(doc['doc_number_raw'])} (number left blank)"
    place_date = ", ".join(t for t in (_s(doc["place"]), _s(doc["issued_date_raw"])) if t)
    signer = " ".join(t for t in (_s(doc["signer_title"]), _s(doc["signer_name"])) if t)
    parts = ", ".join(_items(doc["parts"]))
    facts = [
        ("Type", f"{_s(doc['doc_type'])} ({parts})" if parts else _s(doc["doc_type"])),
        ("Number", number),
        ("Issuer", _s(doc["issuer"])),
        ("Place and date", place_date),
        ("Title", _s(doc["title"])),
        ("Plan year", _s(doc["plan_year"])),
        ("Signer", signer),
        ("Source file", f"{_s(doc['source_path'])} ({_s(doc['source_flavour'])})"),
        ("Pages", _s(doc["pages"])),
        ("Outline coverage", _coverage_phrase(doc)),
        ("Document id", f"{_s(doc['doc_id'])} · parser {_s(doc['parser_version'])}"),
    ]
    body = "".join(f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in facts)
    return _section("document", "Document", f'<table class="facts">{body}</table>')


def _coverage_phrase(doc: dict) -> str:
    total, layout, claimed = doc["lines_total"], doc["lines_layout"], doc["lines_in_outline"]
    if total is None or claimed is None:
        return "not measured"
    text_lines = total - (layout or 0)
    share = f" ({doc['coverage'] * 100:.1f} %)" if doc["coverage"] is not None else ""
    return f"{claimed} of {text_lines} text lines in the outline{share}"


def _warnings_section(warnings: list[dict], flags: Flags) -> str:
    if not warnings:
        return _section("warnings", "Warnings", '<div class="box calm">No warnings.</div>')
    items = []
    for warning, (named_rows, named_nodes) in zip(warnings, flags.per_warning):
        links = [f'<a href="#row-{r["seq"]}">appendix row {_e(_row_ref(r))}</a>' for r in named_rows]
        links += [f'<a href="#node-{n["node_id"]}">{_e(_node_ref(n))}</a>' for n in named_nodes]
        where = f' — {", ".join(links)}' if links else ""
        page = f", p. {warning['page']}" if warning["page"] is not None else ""
        items.append(f'<li><code>{_e(warning["code"])}</code> '
                     f'<span class="muted">({_e(warning["stage"])}{page})</span> '
                     f'{_e(warning["message"])}{where}</li>')
    body = f'<div class="box alert"><p><b>{len(warnings)} warning(s).</b> Marked rows and nodes below are ' \
           f'outlined in red.</p><ul>{"".join(items)}</ul></div>'
    return _section("warnings", "Warnings", body)


def _tables_section(tables: list[dict], cells: list[dict]) -> str:
    """Every table of the document, whatever its columns: what it is, and (save a task table, shown
    above as the appendix) its cells as a grid, spans kept."""
    if not tables:
        return _section("tables", "Tables", '<p class="muted">No table.</p>')
    by_table: dict[str, list[dict]] = {}
    for cell in cells:
        by_table.setdefault(cell["table_id"], []).append(cell)
    body = []
    for t in sorted(tables, key=lambda t: t["seq"]):
        pages = f'p. {t["page_start"]}' + (f'–{t["page_end"]}' if t["page_end"] != t["page_start"] else "")
        where = "appendix " + str(t["appendix_no"]) if t["part"] == "appendix" else "body"
        body.append(f'<div class="box" data-table="{_e(t["table_id"])}"><p><b>{_e(t["kind"])}</b> table '
                    f'{t["seq"]} ({_e(where)}, {pages}, {t["n_rows"]} × {t["n_cols"]}, read from {_e(t["source"])})'
                    f'{": " + _e(t["caption"]) if t["caption"] else ""}</p>')
        if t["kind"] != "tasks":
            grid: dict[int, list[dict]] = {}
            for cell in sorted(by_table.get(t["table_id"], []), key=lambda c: (c["row"], c["col"])):
                grid.setdefault(cell["row"], []).append(cell)
            trs = "".join(
                "<tr>" + "".join(f'<{"th" if c["is_header"] else "td"} rowspan="{c["row_span"]}" '
                                 f'colspan="{c["col_span"]}">'
                                 f'{_e(c["text"])}</{"th" if c["is_header"] else "td"}>' for c in row) + "</tr>"
                for _, row in sorted(grid.items()))
            body.append(f"<table>{trs}</table>")
        body.append("</div>")
    return _section("tables", "Tables", "".join(body))


def _appendix_section(rows: list[dict], milestones: list[dict], flags: Flags) -> str:
    if not rows:
        return _section("appendix", "Appendix", '<p class="muted">No appendix table.</p>')
    by_row: dict[str, list[dict]] = {}
    for m in milestones:
        by_row.setdefault(m["row_id"], []).append(m)
    body, group = [], object()
    for row in rows:
        if (row["appendix_no"], row["group_no"], row["group_title"]) != group:
            # Groups may be numbered (`II. …`) or only titled (a column `Thuộc nhóm nhiệm vụ` spanning its tasks).
            group = (row["appendix_no"], row["group_no"], row["group_title"])
            title = ". ".join(_e(part) for part in (_roman(row["group_no"]), _s(row["group_title"])) if part)
            if title:
                body.append(f'<tr class="group"><th colspan="9">{title}</th></tr>')
        body.append(_appendix_row(row, by_row.get(row["row_id"], []), row["row_id"] in flags.rows))
    columns = [("Group", 4), ("No.", 3), ("Task", 21), ("Products", 19), ("Lead agency", 11),
               ("Partner agencies", 12), ("Deadline as printed", 11), ("Milestones", 14), ("Page", 5)]
    table = _table("appendix", columns, body)
    return _section("appendix", f"Appendix ({len(rows)} rows)", table)


def _appendix_row(row: dict, milestones: list[dict], flagged: bool) -> str:
    cls = ' class="flagged"' if flagged else ""
    cells = [
        _e(_roman(row["group_no"])),
        _e(row["row_no"]),
        _e(row["task"]) + _more_cells(row),
        _list(_items(row["products"])),
        _e(row["lead_agency"]),
        _list(_items(row["partner_agencies"])),
        _e(row["deadline_text"]),
        _milestone_list(milestones),
        _e(_pages(row["page_start"], row["page_end"])),
    ]
    tds = "".join(f"<td>{c}</td>" for c in cells)
    return f'<tr id="row-{row["seq"]}" data-appendix-row="{_e(row["row_id"])}"{cls}>{tds}</tr>'


def _more_cells(row: dict) -> str:
    """The row's notes and the cells of columns no role names, under the task, each with its header."""
    others = row["other_cells"] if row["other_cells"] is not None else []  # an array once read back: no `or []`
    more = ([("Ghi chú", row["notes"])] if row["notes"] else []) + [(c["header"], c["text"]) for c in others]
    return "".join(f'<div class="muted" data-other-cell>{_e(header)}: {_e(text)}</div>' for header, text in more)


def _table(cls: str, columns: list[tuple[str, int]], rows: list[str]) -> str:
    """A table with fixed column shares (in %), so that long Vietnamese cells wrap instead of widening the page."""
    cols = "".join(f'<col style="width:{width}%">' for _, width in columns)
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in columns)
    return (f'<table class="{cls}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _list(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return html.escape(items[0])
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _milestone_list(milestones: list[dict]) -> str:
    items = []
    for m in milestones:
        span = f" {_date(m['start'])} – {_date(m['end'])}" if _dated(m) else ""
        action = f'<br><span class="muted">{_e(m["action"])}</span>' if m["action"] else ""
        items.append(f'<li class="ms-{_e(m["kind"])}"><span class="kind">{_e(m["kind"])}</span>{span}{action}</li>')
    return f'<ul class="milestones">{"".join(items)}</ul>' if items else ""


def _citations_section(tables: dict[str, pd.DataFrame], doc_id: str) -> str:
    """Both directions of the citation graph: the documents this one cites (each once, with how often), and the
    parsed documents that cite this one; a cited document that is itself parsed links to its review page."""
    citations, cited, documents = tables.get("citations"), tables.get("cited_documents"), tables["documents"]
    if citations is None or cited is None or "cited_id" not in citations.columns:
        return _section("citations", "Citations", '<p class="muted">No citations table.</p>')
    by_id = {r["cited_id"]: r for r in _records(cited)}
    mine = citations[citations["doc_id"].eq(doc_id).fillna(False).astype(bool)]
    counts = mine["cited_id"].dropna().value_counts(sort=False)
    rows = []
    for cited_id in dict.fromkeys(mine["cited_id"].dropna()):
        c = by_id.get(cited_id)
        if c is None:
            continue
        target = c["doc_id"]
        link = (f'<a href="{_e(target)}.html">{"this document" if target == doc_id else _e(target)}</a>'
                if target else '<span class="muted">not parsed</span>')
        cells = [_e(_cited_label(c)), _e(_date(c["issued_date"])), _e(c["issuer"]), str(counts[cited_id]),
                 str(c["n_citing_documents"]), link]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    cites = (_table("citations", [("Cited document", 34), ("Date", 11), ("Issuer", 27), ("Here", 7),
                                  ("Citing documents", 9), ("Review page", 12)], rows)
             if rows else '<p class="muted">No citation of another document.</p>')
    mine_ids = {i for i, c in by_id.items() if c["doc_id"] == doc_id}
    citing = citations[citations["cited_id"].isin(mine_ids) & citations["doc_id"].ne(doc_id).fillna(True)]
    names = {d["doc_id"]: d for d in _records(documents)}
    items = [f'<li><a href="{_e(other)}.html">{_e(_doc_label(names.get(other), str(other)))}</a> '
             f'<span class="muted">({n} citation{"s" if n > 1 else ""})</span></li>'
             for other, n in citing["doc_id"].value_counts(sort=False).items()]
    cited_by = f'<ul>{"".join(items)}</ul>' if items else '<p class="muted">No parsed document cites this one.</p>'
    return _section("citations", "Citations", f"<h3>Cites</h3>{cites}<h3>Cited by</h3>{cited_by}")


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


def _cited_label(c: dict) -> str:
    """`Nghị định 63/NĐ-CP (2010)`, `Nghị quyết 18-NQ/TW (2017)`, `Luật Tổ chức chính quyền địa phương (2015)`:
    whether the year was printed inside the number is not kept, so it is shown beside it."""
    name = f"{c['number']}{'-' if '/' in c['code'] else '/'}{c['code']}" if c["number"] and c["code"] else _s(c["name"])
    year = f"({c['year']})" if c["year"] is not None else ""
    return " ".join(t for t in (_s(c["doc_type"]), name, year) if t)


def _doc_label(doc: dict | None, doc_id: str) -> str:
    if doc is None:
        return doc_id
    return " ".join(t for t in (_s(doc["doc_type"]), _s(doc["doc_number"]), _s(doc["title"])[:80]) if t) or doc_id


def _tasks_section(tasks: list[dict]) -> str:
    if not tasks:
        return _section("tasks", "Tasks", '<p class="muted">No tasks section.</p>')
    body, section = [], object()
    for task in tasks:
        if task["section_no"] != section:
            section = task["section_no"]
            body.append(f'<tr class="group"><th colspan="5">{_e(section)}. {_e(task["section_title"])}</th></tr>')
        bullets = _items(task["bullets"])
        bullet_list = "<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in bullets) + "</ul>" if bullets else ""
        body.append(f'<tr data-task="{_e(task["section_no"])}.{_e(task["letter"])}"><td>{_e(task["section_no"])}</td>'
                    f'<td>{_e(task["letter"])})</td><td>{_e(task["text"])}</td><td>{bullet_list}</td>'
                    f'<td>{_e(_pages(task["page"], None))}</td></tr>')
    table = _table("tasks", [("Section", 6), ("Letter", 5), ("Task", 58), ("Bullets", 25), ("Page", 6)], body)
    return _section("tasks", f"Tasks ({len(tasks)})", table)


def _outline_section(nodes: list[dict], flags: Flags) -> str:
    if not nodes:
        return _section("outline", "Outline", '<p class="muted">No outline.</p>')
    children: dict[int | None, list[dict]] = {}
    for node in nodes:
        children.setdefault(node["parent_id"], []).append(node)
    parents = {n["node_id"]: n["parent_id"] for n in nodes}
    open_ids = {n["node_id"] for n in nodes if n["parent_id"] is None or parents.get(n["parent_id"]) is None}
    for flagged in flags.nodes:  # a flagged node must be visible without a click
        node_id: int | None = flagged
        while node_id is not None:
            open_ids.add(node_id)
            node_id = parents.get(node_id)
    roots = children.get(None, [])
    tree = "".join(_outline_node(n, children, open_ids, flags.nodes) for n in roots)
    tools = '<div id="outline-tools"></div>'
    return _section("outline", f"Outline ({len(nodes)} nodes)", f'{tools}<div class="tree">{tree}</div>')


def _outline_node(node: dict, children: dict, open_ids: set[int], flagged: set[int]) -> str:
    label = f' <b class="label">{_e(node["label"])}</b>' if node["label"] else ""
    title = f' <b>{_e(node["title"])}</b>' if node["title"] else ""
    text = f' <span class="text">{_e(node["text"])}</span>' if node["text"] else ""
    page = _pages(node["page_start"], node["page_end"])
    page = f' <span class="page">{_e(page)}</span>' if page else ""
    line = f'<span class="kind">{_e(node["kind"])}</span>{label}{title}{text}{page}'
    kids = children.get(node["node_id"])
    classes = ([] if kids else ["leaf"]) + (["flagged"] if node["node_id"] in flagged else [])
    attrs = f'id="node-{node["node_id"]}" data-node="{node["node_id"]}"'
    attrs += f' class="{" ".join(classes)}"' if classes else ""
    if not kids:
        return f"<div {attrs}>{line}</div>"
    inner = "".join(_outline_node(k, children, open_ids, flagged) for k in kids)
    is_open = " open" if node["node_id"] in open_ids else ""
    return f'<details {attrs}{is_open}><summary>{line}</summary><div class="kids">{inner}</div></details>'


def _coverage_section(doc: dict, residual: list[dict]) -> str:
    lines = [f"<p><b>{html.escape(_coverage_phrase(doc))}.</b> "
             f"{_e(doc['lines_total'])} non-blank input lines, {_e(doc['lines_layout'])} of them layout "
             f"(page numbers, rules, cell marks). Every line not in the outline is listed here.</p>"]
    if residual:
        rows = []
        for r in sorted(residual, key=lambda r: (r["page"] or 0, r["line_no"] or 0)):
            file_line = f" (file line {r['source_line']})" if r["source_line"] is not None else ""
            cls = ' class="flagged"' if r["reason"] == "unclaimed" else ""
            rows.append(f'<tr{cls}><td>{_e(r["page"])}</td><td>{_e(r["line_no"])}{_e(file_line)}</td>'
                        f'<td>{_e(r["reason"])}</td><td>{_e(r["text"])}</td></tr>')
        lines.append(_table("residual", [("Page", 6), ("Line", 12), ("Reason", 12), ("Text", 70)], rows))
    return _section("coverage", "Coverage", "".join(lines))


# ------------------------------------------------------------------ the timeline

LABEL_W, CHART_W, RIGHT_PAD = 300, 940, 24
AXIS_H, BAR_H, BAR_GAP, LANE_PAD = 44, 16, 4, 6
CHAR_W = 6.6  # average width of a 11px character, to keep labels from running into each other


@dataclass
class _Bar:
    milestone: dict
    row: dict
    x0: float
    x1: float
    label: str
    label_inside: bool
    extent: tuple[float, float]  # pixels taken, label included


def _timeline_section(rows: list[dict], milestones: list[dict], flags: Flags) -> str:
    row_of = {r["row_id"]: r for r in rows}
    dated = [m for m in milestones if _dated(m) and m["row_id"] in row_of]
    undated = [m for m in milestones if m not in dated]
    if not dated:
        return _section("timeline", "Timeline", '<p class="muted">No dated deadline in the appendix.</p>')
    svg = _timeline_svg(rows, dated, row_of, flags.rows)
    intro = ('<p>One lane per lead agency of the appendix; a bar from the start to the end of each dated '
             'deadline, a diamond for “before” (only an end), a triangle for “from” (only a start). '
             'Hover a bar for its details, click it to go to its appendix row.</p>')
    legend = ('<p class="legend"><span class="sw short"></span> month, quarter, date '
              '<span class="sw long"></span> half year, year, range, period, recurring '
              '<span class="sw mark"></span> before <span class="sw from"></span> from</p>')
    return _section("timeline", f"Timeline ({len(dated)} dated deadlines)",
                    intro + legend + f'<div class="chart">{svg}</div>' + _undated_note(undated, row_of))


def _dated(m: dict) -> bool:
    """Has the milestone a day to draw: an end, or a start (`from`)?"""
    return m["kind"] in DATED_KINDS and (m["end"] is not None or m["start"] is not None)


def _undated_note(undated: list[dict], row_of: dict) -> str:
    if not undated:
        return ""
    links = ", ".join(f'<a href="#row-{row_of[m["row_id"]]["seq"]}">{_e(_row_ref(row_of[m["row_id"]]))}</a> '
                      f'({_e(m["kind"])}: {_e(m["raw"])})' for m in undated if m["row_id"] in row_of)
    return f'<p class="muted">Not on the chart, no date to draw: {links}.</p>'


def _timeline_svg(rows: list[dict], dated: list[dict], row_of: dict, flagged: set[str]) -> str:
    first, last = _month_span(dated)
    total_days = (last - first).days

    def x(day: dt.date) -> float:
        return LABEL_W + CHART_W * (day - first).days / total_days

    lanes: dict[str, list[_Bar]] = {}
    for row in rows:  # lanes in the order the appendix first names each agency
        lanes.setdefault(_lane_name(row), [])
    for m in dated:
        row = row_of[m["row_id"]]
        lanes[_lane_name(row)].append(_bar(m, row, x))

    parts, y = [], AXIS_H
    for index, (agency, bars) in enumerate(lanes.items()):
        drawn, height = _lane(agency, _pack(bars), y, index, flagged)
        parts.append(drawn)
        y += height
    width = LABEL_W + CHART_W + RIGHT_PAD
    axis = _axis(first, last, x, y)
    return (f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 8}" '
            f'viewBox="0 0 {width} {y + 8}" role="img" aria-label="Deadlines by lead agency">'
            f'{axis}{"".join(parts)}</svg>')


def _month_span(dated: list[dict]) -> tuple[dt.date, dt.date]:
    """From the first day of the earliest month to the first day after the latest month."""
    days = [d for m in dated for d in (m["start"], m["end"]) if d is not None]
    low, high = min(days), max(days)
    after = dt.date(high.year + (high.month == 12), high.month % 12 + 1, 1)
    return dt.date(low.year, low.month, 1), after


def _lane_name(row: dict) -> str:
    return _s(row.get("lane") or row["lead_agency"]).strip() or "(no lead agency)"


def _bar(m: dict, row: dict, x) -> _Bar:
    label = _row_ref(row)
    label_w = len(label) * CHAR_W + 6
    if m["start"] is None:  # before: a mark at its end
        at = x(m["end"] + dt.timedelta(days=1))
        return _Bar(m, row, at, at, label, False, (at - 7, at + 8 + label_w))
    if m["end"] is None:  # from: a mark at its start, pointing on
        at = x(m["start"])
        return _Bar(m, row, at, at, label, False, (at, at + 12 + label_w))
    x0, x1 = x(m["start"]), max(x(m["end"] + dt.timedelta(days=1)), x(m["start"]) + 3)
    inside = x1 - x0 >= label_w + 2
    return _Bar(m, row, x0, x1, label, inside, (x0, x1 if inside else x1 + label_w))


def _pack(bars: list[_Bar]) -> list[list[_Bar]]:
    """Overlapping bars of one lane go to separate tracks, so that none hides another."""
    tracks: list[list[_Bar]] = []
    for bar in sorted(bars, key=lambda b: (b.extent[0], -b.extent[1])):
        track = next((t for t in tracks if t[-1].extent[1] + 2 <= bar.extent[0]), None)
        if track is None:
            tracks.append(track := [])
        track.append(bar)
    return tracks


def _lane(agency: str, tracks: list[list[_Bar]], top: float, index: int, flagged: set[str]) -> tuple[str, int]:
    height = max(1, len(tracks)) * (BAR_H + BAR_GAP) - BAR_GAP + 2 * LANE_PAD
    shown = agency if len(agency) <= 44 else agency[:42].rstrip() + "…"
    out = [f'<g class="lane"><rect class="lane-bg{" odd" if index % 2 else ""}" x="0" y="{top}" '
           f'width="{LABEL_W + CHART_W}" height="{height}"/>'
           f'<text class="lane-label" x="6" y="{top + LANE_PAD + BAR_H - 4}">{html.escape(shown)}'
           f'<title>{html.escape(agency)}</title></text>']
    if not tracks:
        out.append(f'<text class="none" x="{LABEL_W + 6}" y="{top + LANE_PAD + BAR_H - 4}">no dated deadline</text>')
    for i, track in enumerate(tracks):
        y = top + LANE_PAD + i * (BAR_H + BAR_GAP)
        out.extend(_bar_svg(bar, y, bar.row["row_id"] in flagged) for bar in track)
    out.append("</g>")
    return "".join(out), height


def _bar_svg(bar: _Bar, y: float, flagged: bool) -> str:
    m, row = bar.milestone, bar.row
    key = html.escape(f"{m['row_id']}/{m['seq']}")
    action = f"{_s(m['action'])}: " if m["action"] else ""
    tip = html.escape(f"{_row_ref(row)} {_s(row['task'])[:160]}\n{action}{m['kind']} "
                      f"{_date(m['start'])} – {_date(m['end'])}\n“{_s(m['raw'])}”")
    mid = y + BAR_H / 2
    marked = " flagged" if flagged else ""
    if m["start"] is None:
        shape = (f'<path data-milestone="{key}" class="mark{marked}" '
                 f'd="M{bar.x0:.1f},{y} l7,{BAR_H / 2} l-7,{BAR_H / 2} '
                 f'l-7,-{BAR_H / 2} z"><title>{tip}</title></path>')
        text = f'<text class="bar-label" x="{bar.x0 + 9:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    elif m["end"] is None:
        shape = (f'<path data-milestone="{key}" class="mark from{marked}" d="M{bar.x0:.1f},{y} l10,{BAR_H / 2} '
                 f'l-10,{BAR_H / 2} z"><title>{tip}</title></path>')
        text = f'<text class="bar-label" x="{bar.x0 + 12:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    else:
        kind = "long" if m["kind"] in LONG_KINDS else "short"
        shape = (f'<rect data-milestone="{key}" class="bar {kind}{marked}" x="{bar.x0:.1f}" y="{y}" '
                 f'width="{bar.x1 - bar.x0:.1f}" height="{BAR_H}" rx="2"><title>{tip}</title></rect>')
        lx = bar.x0 + 4 if bar.label_inside else bar.x1 + 3
        cls = f"bar-label in-{kind}" if bar.label_inside else "bar-label"
        text = f'<text class="{cls}" x="{lx:.1f}" y="{mid + 4}">{html.escape(bar.label)}</text>'
    return f'<a href="#row-{row["seq"]}">{shape}{text}</a>'


def _axis(first: dt.date, last: dt.date, x, bottom: float) -> str:
    months = []
    day = first
    while day < last:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    step = 1 if len(months) <= 24 else 3  # keep month labels legible on a long plan
    out = [f'<rect class="axis-bg" x="{LABEL_W}" y="0" width="{CHART_W}" height="{AXIS_H - 4}"/>']
    for i, month in enumerate(months):
        x0, x1 = x(month), x(months[i + 1]) if i + 1 < len(months) else x(last)
        new_year = month.month == 1 or i == 0
        out.append(f'<line class="{"year-line" if new_year else "grid"}" x1="{x0:.1f}" y1="{18 if new_year else 22}" '
                   f'x2="{x0:.1f}" y2="{bottom}"/>')
        if new_year:
            out.append(f'<text class="year" x="{x0 + 4:.1f}" y="14">{month.year}</text>')
        if (month.month - 1) % step == 0:
            out.append(f'<text class="month" x="{(x0 + x1) / 2:.1f}" y="34" text-anchor="middle">'
                       f'{month.month:02d}</text>')
    out.append(f'<line class="year-line" x1="{x(last):.1f}" y1="18" x2="{x(last):.1f}" y2="{bottom}"/>')
    out.append('<text class="axis-note" x="6" y="34">Lead agency</text>')
    return "".join(out)


# ------------------------------------------------------------------ the page

_CSS = """
body { font: 14px/1.45 "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; color: #1d1d1d; margin: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
.subtitle { font-size: 15px; margin: 0 0 10px; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d4d4d4; padding: 3px 6px; vertical-align: top; text-align: left; }
thead th { background: #eef1f5; position: sticky; top: 0; }
tr.group th { background: #f6f6f0; }
table.facts { width: auto; table-layout: auto; } table.facts th { background: #f4f4f4; white-space: nowrap; }
td ul { margin: 0; padding-left: 16px; }
ul.milestones { list-style: none; padding: 0; }
ul.milestones li + li { margin-top: 4px; }
.kind { display: inline-block; font: 11px monospace; color: #555; background: #eee; border-radius: 3px; \
padding: 0 4px; }
.ms-unknown .kind, .ms-event .kind { background: #fff1c2; }
.muted { color: #666; }
.box { border: 1px solid; border-radius: 4px; padding: 6px 12px; }
.box.alert { border-color: #c0392b; background: #fdf0ee; } .box.calm { border-color: #7fb27f; background: #f1f8f1; }
.box ul { margin: 4px 0; }
tr.flagged td, .flagged > summary, .leaf.flagged { outline: 2px solid #c0392b; background: #fdf0ee; }
.tree details, .tree .leaf { margin-left: 18px; }
.tree > details { margin-left: 0; }
.tree summary { cursor: pointer; }
.tree .label { color: #1a4f8b; }
.tree .page { color: #777; font-size: 12px; white-space: nowrap; }
.leaf { padding-left: 14px; }
.chart { overflow-x: auto; }
svg text { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #222; }
svg .lane-bg { fill: #fff; } svg .lane-bg.odd { fill: #f4f6f9; }
svg .lane-label { font-size: 12px; }
svg .axis-bg { fill: #eef1f5; }
svg .year { font-weight: bold; } svg .month, svg .axis-note, svg .none { fill: #666; }
svg .grid { stroke: #dde2e8; } svg .year-line { stroke: #8a96a6; }
svg .bar.short { fill: #2c5d9c; } svg .bar.long { fill: #a9c3e3; }
svg .mark { fill: #b03a2e; } svg .mark.from { fill: #1e7b4f; }
svg .flagged { stroke: #c0392b; stroke-width: 2; }
svg .in-short { fill: #fff; }
svg a:hover rect, svg a:hover path { stroke: #000; }
.legend .sw { display: inline-block; width: 22px; height: 10px; margin: 0 4px 0 14px; vertical-align: middle; }
.legend .short { background: #2c5d9c; } .legend .long { background: #a9c3e3; }
.legend .mark { background: #b03a2e; width: 10px; transform: rotate(45deg); }
.legend .from { background: #1e7b4f; width: 10px; clip-path: polygon(0 0, 100% 50%, 0 100%); }
#outline-tools button { margin: 0 6px 6px 0; }
"""

_SCRIPT = """
(function () {
  var tools = document.getElementById("outline-tools");
  if (!tools) return;
  [["Expand all", true], ["Collapse all", false]].forEach(function (spec) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = spec[0];
    button.addEventListener("click", function () {
      document.querySelectorAll(".tree details").forEach(function (d) { d.open = spec[1]; });
    });
    tools.appendChild(button);
  });
})();
"""

_NAV = [("document", "Document"), ("warnings", "Warnings"), ("timeline", "Timeline"), ("appendix", "Appendix"),
        ("tables", "Tables"), ("tasks", "Tasks"), ("outline", "Outline"), ("coverage", "Coverage")]


def _page(title: str, heading: str, subtitle: str, body: str) -> str:
    nav = "".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in _NAV)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'{GENERATOR}\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{html.escape(heading)}</h1><p class="subtitle">{html.escape(subtitle)}</p>'
        f"<nav>{nav}</nav></header>\n"
        f"<main>\n{body}</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
