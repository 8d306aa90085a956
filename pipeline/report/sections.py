"""The page's sections as HTML: the document's facts, its warnings, timeline, appendix, tables, tasks,
citations, outline and coverage, one function each.

Every text taken from the tables is escaped (`esc`, `html.escape`): the
documents are input from outside. The timeline's drawing itself is
pipeline.report.timeline; this module places it, with its note of what has no date.
"""

from __future__ import annotations

import html

import pandas as pd

from pipeline.report.flags import Flags
from pipeline.report.rows import (
    date_text,
    esc,
    is_missing,
    items_of,
    node_ref,
    pages_text,
    roman,
    row_ref,
    txt,
)
from pipeline.report.timeline import timeline_svg

# Milestone kinds that carry a date and so get a bar on the timeline;
# `before` has only an end and is drawn as a mark there, `from` only a start and is drawn as a mark there.
DATED_KINDS = frozenset({"date", "before", "from", "month", "quarter", "half", "year", "range", "period", "recurring"})


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>\n'


def facts_section(doc: dict) -> str:
    number = txt(doc["doc_number"]) or f"{txt(doc['doc_number_raw'])} (number left blank)"
    place_date = ", ".join(t for t in (txt(doc["place"]), txt(doc["issued_date_raw"])) if t)
    signer = " ".join(t for t in (txt(doc["signer_title"]), txt(doc["signer_name"])) if t)
    parts = ", ".join(items_of(doc["parts"]))
    facts = [
        ("Type", f"{txt(doc['doc_type'])} ({parts})" if parts else txt(doc["doc_type"])),
        ("Number", number),
        ("Issuer", txt(doc["issuer"])),
        ("Place and date", place_date),
        ("Title", txt(doc["title"])),
        ("Plan year", txt(doc["plan_year"])),
        ("Signer", signer),
        ("Source file", f"{txt(doc['source_path'])} ({txt(doc['source_flavour'])})"),
        ("Pages", txt(doc["pages"])),
        ("Outline coverage", _coverage_phrase(doc)),
        ("Document id", f"{txt(doc['doc_id'])} · parser {txt(doc['parser_version'])}"),
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


def warnings_section(warnings: list[dict], flags: Flags) -> str:
    if not warnings:
        return _section("warnings", "Warnings", '<div class="box calm">No warnings.</div>')
    items = []
    for warning, (named_rows, named_nodes) in zip(warnings, flags.per_warning):
        links = [f'<a href="#row-{r["seq"]}">appendix row {esc(row_ref(r))}</a>' for r in named_rows]
        links += [f'<a href="#node-{n["node_id"]}">{esc(node_ref(n))}</a>' for n in named_nodes]
        where = f' — {", ".join(links)}' if links else ""
        page = f", p. {warning['page']}" if warning["page"] is not None else ""
        items.append(f'<li><code>{esc(warning["code"])}</code> '
                     f'<span class="muted">({esc(warning["stage"])}{page})</span> '
                     f'{esc(warning["message"])}{where}</li>')
    body = f'<div class="box alert"><p><b>{len(warnings)} warning(s).</b> Marked rows and nodes below are ' \
           f'outlined in red.</p><ul>{"".join(items)}</ul></div>'
    return _section("warnings", "Warnings", body)


def tables_section(tables: list[dict], cells: list[dict]) -> str:
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
        body.append(f'<div class="box" data-table="{esc(t["table_id"])}"><p><b>{esc(t["kind"])}</b> table '
                    f'{t["seq"]} ({esc(where)}, {pages}, {t["n_rows"]} × {t["n_cols"]}, read from {esc(t["source"])})'
                    f'{": " + esc(t["caption"]) if t["caption"] else ""}</p>')
        if t["kind"] != "tasks":
            grid: dict[int, list[dict]] = {}
            for cell in sorted(by_table.get(t["table_id"], []), key=lambda c: (c["row"], c["col"])):
                grid.setdefault(cell["row"], []).append(cell)
            trs = "".join(
                "<tr>" + "".join(f'<{"th" if c["is_header"] else "td"} rowspan="{c["row_span"]}" '
                                 f'colspan="{c["col_span"]}">'
                                 f'{esc(c["text"])}</{"th" if c["is_header"] else "td"}>' for c in row) + "</tr>"
                for _, row in sorted(grid.items()))
            body.append(f"<table>{trs}</table>")
        body.append("</div>")
    return _section("tables", "Tables", "".join(body))


def appendix_section(rows: list[dict], milestones: list[dict], flags: Flags) -> str:
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
            title = ". ".join(esc(part) for part in (roman(row["group_no"]), txt(row["group_title"])) if part)
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
        esc(roman(row["group_no"])),
        esc(row["row_no"]),
        esc(row["task"]) + _more_cells(row),
        _list(items_of(row["products"])),
        esc(row["lead_agency"]),
        _list(items_of(row["partner_agencies"])),
        esc(row["deadline_text"]),
        _milestone_list(milestones),
        esc(pages_text(row["page_start"], row["page_end"])),
    ]
    tds = "".join(f"<td>{c}</td>" for c in cells)
    return f'<tr id="row-{row["seq"]}" data-appendix-row="{esc(row["row_id"])}"{cls}>{tds}</tr>'


def _more_cells(row: dict) -> str:
    """The row's notes and the cells of columns no role names, under the task, each with its header."""
    others = row["other_cells"] if row["other_cells"] is not None else []  # an array once read back: no `or []`
    more = ([("Ghi chú", row["notes"])] if row["notes"] else []) + [(c["header"], c["text"]) for c in others]
    return "".join(f'<div class="muted" data-other-cell>{esc(header)}: {esc(text)}</div>' for header, text in more)


def signatures_section(signatures: list[dict]) -> str:
    """The file's digital signatures: who, when, where on the page, and what was checked (offline)."""
    if not signatures:
        return _section("signatures", "Signatures", '<p class="muted">No digital signature.</p>')

    def check(value) -> str:
        return "—" if value is None else ("yes" if value else '<b class="bad">no</b>')

    rows = []
    for s in sorted(signatures, key=lambda s: s["seq"]):
        when = s["signed_at"].strftime("%d/%m/%Y %H:%M:%S UTC") if s["signed_at"] is not None else ""
        where = f"p. {s['page']}" if s["page"] is not None else ""
        rows.append(f'<tr data-signature="{s["seq"]}"><td>{esc(s["field_name"])}</td><td>{esc(when)}</td>'
                    f'<td>{esc(s["organisation"])}</td><td>{esc(s["signer"])}</td><td>{esc(where)}</td>'
                    f'<td>{check(s["intact"])}</td><td>{check(s["valid"])}</td><td>{check(s["covers_whole_file"])}</td>'
                    "</tr>")
    table = _table("signatures", [("Field", 14), ("Signed at", 16), ("Organisation", 18), ("Signer", 18),
                                  ("Page", 6), ("Intact", 9), ("Valid", 9), ("Whole file", 10)], rows)
    note = ('<p class="muted">Intact: the signed bytes are those signed. Valid: the signature verifies with its '
            "certificate's key. Checked offline: no certificate chain or revocation is consulted.</p>")
    return _section("signatures", f"Signatures ({len(signatures)})", table + note)


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
        span = f" {date_text(m['start'])} – {date_text(m['end'])}" if _dated(m) else ""
        action = f'<br><span class="muted">{esc(m["action"])}</span>' if m["action"] else ""
        items.append(f'<li class="ms-{esc(m["kind"])}"><span class="kind">{esc(m["kind"])}</span>{span}{action}</li>')
    return f'<ul class="milestones">{"".join(items)}</ul>' if items else ""


def citations_section(tables: dict[str, pd.DataFrame], doc_id: str) -> str:
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
        link = (f'<a href="{esc(target)}.html">{"this document" if target == doc_id else esc(target)}</a>'
                if target else '<span class="muted">not parsed</span>')
        cells = [esc(_cited_label(c)), esc(date_text(c["issued_date"])), esc(c["issuer"]), str(counts[cited_id]),
                 str(c["n_citing_documents"]), link]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    cites = (_table("citations", [("Cited document", 34), ("Date", 11), ("Issuer", 27), ("Here", 7),
                                  ("Citing documents", 9), ("Review page", 12)], rows)
             if rows else '<p class="muted">No citation of another document.</p>')
    mine_ids = {i for i, c in by_id.items() if c["doc_id"] == doc_id}
    citing = citations[citations["cited_id"].isin(mine_ids) & citations["doc_id"].ne(doc_id).fillna(True)]
    names = {d["doc_id"]: d for d in _records(documents)}
    items = [f'<li><a href="{esc(other)}.html">{esc(_doc_label(names.get(other), str(other)))}</a> '
             f'<span class="muted">({n} citation{"s" if n > 1 else ""})</span></li>'
             for other, n in citing["doc_id"].value_counts(sort=False).items()]
    cited_by = f'<ul>{"".join(items)}</ul>' if items else '<p class="muted">No parsed document cites this one.</p>'
    return _section("citations", "Citations", f"<h3>Cites</h3>{cites}<h3>Cited by</h3>{cited_by}")


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


def _cited_label(c: dict) -> str:
    """`Nghị định 63/NĐ-CP (2010)`, `Nghị quyết 18-NQ/TW (2017)`, `Luật Tổ chức chính quyền địa phương (2015)`:
    whether the year was printed inside the number is not kept, so it is shown beside it."""
    name = txt(c["name"])
    if c["number"] and c["code"]:
        name = f"{c['number']}{'-' if '/' in c['code'] else '/'}{c['code']}"
    year = f"({c['year']})" if c["year"] is not None else ""
    return " ".join(t for t in (txt(c["doc_type"]), name, year) if t)


def _doc_label(doc: dict | None, doc_id: str) -> str:
    if doc is None:
        return doc_id
    return " ".join(t for t in (txt(doc["doc_type"]), txt(doc["doc_number"]), txt(doc["title"])[:80]) if t) or doc_id


def tasks_section(tasks: list[dict]) -> str:
    if not tasks:
        return _section("tasks", "Tasks", '<p class="muted">No tasks section.</p>')
    body, section = [], object()
    for task in tasks:
        if task["section_no"] != section:
            section = task["section_no"]
            body.append(f'<tr class="group"><th colspan="5">{esc(section)}. {esc(task["section_title"])}</th></tr>')
        bullets = items_of(task["bullets"])
        bullet_list = "<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in bullets) + "</ul>" if bullets else ""
        key = f'{esc(task["section_no"])}.{esc(task["letter"])}'
        body.append(f'<tr data-task="{key}"><td>{esc(task["section_no"])}</td>'
                    f'<td>{esc(task["letter"])})</td><td>{esc(task["text"])}</td><td>{bullet_list}</td>'
                    f'<td>{esc(pages_text(task["page"], None))}</td></tr>')
    table = _table("tasks", [("Section", 6), ("Letter", 5), ("Task", 58), ("Bullets", 25), ("Page", 6)], body)
    return _section("tasks", f"Tasks ({len(tasks)})", table)


def outline_section(nodes: list[dict], flags: Flags) -> str:
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
    label = f' <b class="label">{esc(node["label"])}</b>' if node["label"] else ""
    title = f' <b>{esc(node["title"])}</b>' if node["title"] else ""
    text = f' <span class="text">{esc(node["text"])}</span>' if node["text"] else ""
    page = pages_text(node["page_start"], node["page_end"])
    page = f' <span class="page">{esc(page)}</span>' if page else ""
    line = f'<span class="kind">{esc(node["kind"])}</span>{label}{title}{text}{page}'
    kids = children.get(node["node_id"])
    classes = ([] if kids else ["leaf"]) + (["flagged"] if node["node_id"] in flagged else [])
    attrs = f'id="node-{node["node_id"]}" data-node="{node["node_id"]}"'
    attrs += f' class="{" ".join(classes)}"' if classes else ""
    if not kids:
        return f"<div {attrs}>{line}</div>"
    inner = "".join(_outline_node(k, children, open_ids, flagged) for k in kids)
    is_open = " open" if node["node_id"] in open_ids else ""
    return f'<details {attrs}{is_open}><summary>{line}</summary><div class="kids">{inner}</div></details>'


def coverage_section(doc: dict, residual: list[dict]) -> str:
    lines = [f"<p><b>{html.escape(_coverage_phrase(doc))}.</b> "
             f"{esc(doc['lines_total'])} non-blank input lines, {esc(doc['lines_layout'])} of them layout "
             f"(page numbers, rules, cell marks). Every line not in the outline is listed here.</p>"]
    if residual:
        rows = []
        for r in sorted(residual, key=lambda r: (r["page"] or 0, r["line_no"] or 0)):
            file_line = f" (file line {r['source_line']})" if r["source_line"] is not None else ""
            cls = ' class="flagged"' if r["reason"] == "unclaimed" else ""
            rows.append(f'<tr{cls}><td>{esc(r["page"])}</td><td>{esc(r["line_no"])}{esc(file_line)}</td>'
                        f'<td>{esc(r["reason"])}</td><td>{esc(r["text"])}</td></tr>')
        lines.append(_table("residual", [("Page", 6), ("Line", 12), ("Reason", 12), ("Text", 70)], rows))
    return _section("coverage", "Coverage", "".join(lines))



def timeline_section(rows: list[dict], milestones: list[dict], flags: Flags) -> str:
    row_of = {r["row_id"]: r for r in rows}
    dated = [m for m in milestones if _dated(m) and m["row_id"] in row_of]
    undated = [m for m in milestones if m not in dated]
    if not dated:
        return _section("timeline", "Timeline", '<p class="muted">No dated deadline in the appendix.</p>')
    svg = timeline_svg(rows, dated, row_of, flags.rows)
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
    links = ", ".join(f'<a href="#row-{row_of[m["row_id"]]["seq"]}">{esc(row_ref(row_of[m["row_id"]]))}</a> '
                      f'({esc(m["kind"])}: {esc(m["raw"])})' for m in undated if m["row_id"] in row_of)
    return f'<p class="muted">Not on the chart, no date to draw: {links}.</p>'
