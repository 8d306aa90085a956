"""Stage 4, tables: project the outline into rows of the published tables.

Rows are plain dicts keyed by the column names that `pipeline.storage.schemas`
declares; the schema is the single source of the columns and their types.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from parsers.language import vocab
from parsers.model.records import Issue, Node, Outline, Residual
from parsers.structure.clean import Cleaned, join_lines
from parsers.structure.header import admit, check_against_site, read_header
from parsers.tables.appendix import Appendix
from parsers.tables.grid import tables_of_pages
from parsers.tables.model import Table
from parsers.tables.roles import kind_of, role_of


def full_text(node: Node) -> str:
    """The node's paragraph as it stands, label included, its lines joined as `clean` joins them."""
    return join_lines(line.text for line in node.lines)


def _own_text(outline: Outline, node: Node) -> str:
    """A node's words without its label and without its bullets: its text and its plain paragraphs."""
    parts = [node.text] + [full_text(k) for k in outline.children(node.node_id) if k.kind == "para"]
    return " ".join(p for p in parts if p)


def _section(outline: Outline, part_kinds: tuple[str, ...], titles) -> Node | None:
    """The first Roman section whose title matches one of `titles`, tried in order."""
    parent = {n.node_id: n.parent_id for n in outline.nodes}

    def part_of(node_id: int) -> int:
        while (up := parent[node_id]) not in (0, None):
            node_id = up
        return node_id

    parts = {n.node_id for n in outline.nodes if n.parent_id == 0 and n.kind in part_kinds}
    sections = [n for n in outline.nodes if n.kind == "section" and part_of(n.node_id) in parts]
    for pattern in titles:
        for s in sections:
            if pattern.search(s.title or s.text):
                return s
    return None


def _ancestor(by_id: dict[int, Node], node: Node, kind: str) -> Node | None:
    while node.parent_id is not None:
        node = by_id[node.parent_id]
        if node.kind == kind:
            return node
    return None


def _tables(doc_id: str, outline: Outline, appendices: list[Appendix], source):
    """Rows of `tables` and `table_cells`, and each table's id by the node it hangs from.

    Besides the tables the outline holds and those of the appendices, every other grid found on a
    page (a table in a decision's body, one whose header names no task column) is a table too,
    hung from the node that holds its first line."""
    found = list(outline.tables)
    found += [(a.node_id, a.table) for a in appendices if a.table is not None and a.node_id not in dict(found)]
    marked = dict(outline.tables)  # nodes that are tables of the text (web cells) already
    read = {id(g) for a in appendices for g in a.grids}
    holder = None  # (page, line) -> the node holding the line; wanted only where a page has a grid of its own
    for table in tables_of_pages(list(source.pages), read):
        if holder is None:
            holder = {(l.page, l.line_no): n.node_id for n in outline.nodes for l in n.lines}
        first = next((holder[(l.page, l.line_no)] for l in table.lines if (l.page, l.line_no) in holder), None)
        if first is not None and first not in marked:
            found.append((first, table))  # one paragraph of an appendix's table text may hold several grids
    by_id = {n.node_id: n for n in outline.nodes}
    task_tables = {a.node_id for a in appendices if a.rows}
    parts = [n for n in outline.nodes if n.parent_id == 0]
    appendix_parts = [p.node_id for p in parts if p.kind == "appendix"]
    order = {n.node_id: i for i, n in enumerate(outline.nodes)}

    def printed_at(found_table: tuple[int, Table]) -> tuple:
        """Where a table is printed: its first line (an appendix's task table hangs from the appendix's
        node, above the lists printed before it), else the first line of its node."""
        node_id, table = found_table
        lines = table.lines or by_id[node_id].lines
        return (min(((l.page, l.line_no) for l in lines), default=(math.inf, math.inf)), order[node_id])

    table_rows: list[dict] = []
    cell_rows: list[dict] = []
    ids: dict[int, str] = {}
    lone_cells = {node_id: table.cells[0].flat for node_id, table in found if len(table.cells) == 1}
    for seq, (node_id, table) in enumerate(sorted(found, key=printed_at), start=1):
        table_id = f"{doc_id}:t{seq:02d}"
        ids.setdefault(node_id, table_id)  # an appendix's rows are of the first table hung from its node
        node = by_id[node_id]
        part = node if node.parent_id == 0 else _ancestor(by_id, node, "appendix") or _root(by_id, node)
        headers = table.headers()
        table_rows.append({
            "doc_id": doc_id, "table_id": table_id, "seq": seq,
            "part": "appendix" if part.kind == "appendix" else "body",
            "appendix_no": appendix_parts.index(part.node_id) + 1 if part.kind == "appendix" else None,
            # a table read into appendix rows is a task table, whatever its header says to the roles
            "caption": _caption(outline, by_id, node, lone_cells),
            "kind": "tasks" if node_id in task_tables else kind_of([role_of(h) for h in headers]),
            "n_rows": table.n_rows, "n_cols": table.n_cols, "header_rows": table.header_rows,
            "page_start": table.page_start, "page_end": table.page_end, "source": table.source, "node_id": node_id,
        })
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            box = cell.box or (None, None, None, None)
            cell_rows.append({
                "doc_id": doc_id, "table_id": table_id, "row": cell.row, "col": cell.col,
                "row_span": cell.row_span, "col_span": cell.col_span, "is_header": cell.is_header,
                "header": headers[cell.col] if cell.col < len(headers) else None, "text": cell.flat,
                "page": cell.page, "x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3],
            })
    return table_rows, cell_rows, ids


def _root(by_id: dict[int, Node], node: Node) -> Node:
    while node.parent_id not in (0, None):
        node = by_id[node.parent_id]
    return node


def _caption(outline: Outline, by_id: dict[int, Node], node: Node, lone_cells: dict[int, str]) -> str | None:
    """The heading lines above a table: the nearest heading before it under the same parent (a line in
    capitals, `DANH MỤC …`), else its parent's title, else the subject of the appendix it opens. A table
    of one cell (`lone_cells`: its node's id -> its text) is a heading too, where a page sets its heading
    in a cell of its own (`II. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ` between two lists)."""
    siblings = outline.children(node.parent_id)
    before = [s for s in siblings if s.node_id < node.node_id and (s.kind != "table" or s.node_id in lone_cells)]
    for s in reversed(before[-3:]):
        text = lone_cells.get(s.node_id) or s.title or s.text
        if text and (vocab.is_caps(text) or vocab.CAPTION.match(text)):
            return text
    parent = by_id.get(node.parent_id) if node.parent_id is not None else None
    if (parent is not None and parent.parent_id not in (None,) and (parent.title or parent.text) and
            parent.kind != "document"):
        return parent.title or parent.text
    return None


def _mean_confidence(source) -> float | None:
    values = [l.confidence for l in source.lines() if l.confidence is not None]
    return round(sum(values) / len(values), 4) if values else None


def project(cleaned: Cleaned, outline: Outline, appendices: list[Appendix],
            parser_version: str) -> dict[str, list[dict]]:
    source = cleaned.source
    doc_id = source.doc_id
    facts = read_header(outline, cleaned.site, source.signatures)
    admit(source.path, outline, facts)
    site = cleaned.site.fields if cleaned.site else {}

    # --- coverage: every line is in a node or in the residual -------------
    claimed = {(l.page, l.line_no) for n in outline.nodes for l in n.lines}
    dropped = {(r.line.page, r.line.line_no) for r in cleaned.residual}
    residual = list(cleaned.residual) + [
        Residual(line=l, reason="unclaimed")
        for l in source.lines()
        if (l.page, l.line_no) not in claimed and (l.page, l.line_no) not in dropped
    ]
    total = len(source.lines())

    timed = [s for s in source.signatures if s.signed_at is not None]
    first_signed = min(timed, key=lambda s: s.signed_at or dt.datetime.max) if timed else None
    signature_rows = [{
        "doc_id": doc_id, "seq": seq, "field_name": s.field_name, "page": s.page,
        "x0": s.box.x0 if s.box else None, "top": s.box.top if s.box else None,
        "x1": s.box.x1 if s.box else None, "bottom": s.box.bottom if s.box else None,
        "signed_at": s.signed_at, "organisation": s.organisation, "signer": s.signer, "reason": s.reason,
        "location": s.location, "application": s.application, "covers_whole_file": s.covers_whole_file,
        "intact": s.intact, "valid": s.valid,
    } for seq, s in enumerate(source.signatures, start=1)]

    documents = [{
        "doc_id": doc_id,
        "source_path": source.path,
        "source_sha256": source.sha256,
        "source_format": source.format,
        "source_flavour": source.flavour,
        "doc_type": facts.doc_type,
        "doc_type_source": facts.doc_type_source,
        "parts": list(facts.parts),
        "issuer": facts.issuer,
        "doc_number": facts.doc_number,
        "doc_code": facts.doc_code,
        "doc_number_raw": facts.doc_number_raw,
        "place": facts.place,
        "issued_date_raw": facts.issued_date_raw,
        "issued_year": facts.issued_year,
        "issued_month": facts.issued_month,
        "issued_day": facts.issued_day,
        "title": facts.title,
        "plan_year": facts.plan_year,
        "signer_name": facts.signer_name,
        "signer_key": vocab.orthography_key(facts.signer_name),
        "signer_title": facts.signer_title,
        "signer_authority": facts.signer_authority,
        "signed_at": first_signed.signed_at if first_signed else None,
        "signed_by": first_signed.organisation if first_signed else None,
        **{column: site.get(column)
           for column in ("site_number", "site_type", "site_issuer", "site_signer", "site_date")},
        "pages": len(source.pages),
        "page_sources": [page.source for page in source.pages],
        "lines_total": total,
        "lines_layout": len(dropped),
        "lines_in_outline": len(claimed),
        # Share of the text lines (all lines but page numbers and rules) that a node claimed.
        "coverage": round(len(claimed) / (total - len(dropped)), 6) if total > len(dropped) else 0.0,
        "parser_version": parser_version,
        "ocr_confidence": _mean_confidence(source),
    }]

    legal_bases: list[dict] = []
    for n in outline.nodes:
        if n.kind in ("basis", "proposal", "implementation"):
            legal_bases.append({"doc_id": doc_id, "seq": len(legal_bases) + 1, "kind": n.kind, "text": n.text,
                                "node_id": n.node_id, "page": n.page_start})

    articles = []
    by_id = {n.node_id: n for n in outline.nodes}
    for n in outline.nodes:
        if n.kind == "article":
            rest = [full_text(d) for d in outline.descendants(n.node_id)]
            chapter = _ancestor(by_id, n, "chapter")
            articles.append({"doc_id": doc_id, "part": _root(by_id, n).kind, "article_no": n.number, "title": n.title,
                             "chapter": chapter.label if chapter else None,
                             "text": " ".join(p for p in [n.text, *rest] if p), "node_id": n.node_id,
                             "page": n.page_start})

    objectives = []
    section = _section(outline, ("plan", "decision"), vocab.OBJECTIVE_SECTION_TITLES)
    if section is not None:
        for item in outline.children(section.node_id):
            if item.kind not in ("item", "subitem"):
                continue
            points = [p for p in outline.children(item.node_id) if p.kind == "point"]
            labelled: list[tuple[Node, str | None]] = [(p, f"{item.label}.{p.label}") for p in points]
            for node, number in labelled or [(item, item.label)]:
                objectives.append({"doc_id": doc_id, "objective_no": number, "heading": item.title if points else None,
                                   "text": _own_text(outline, node), "node_id": node.node_id, "page": node.page_start})

    tasks = []
    section = _section(outline, ("plan", "decision"), vocab.TASK_SECTION_TITLES)
    if section is not None:
        by_id = {n.node_id: n for n in outline.nodes}
        for point in (d for d in outline.descendants(section.node_id) if d.kind == "point"):
            assert point.parent_id is not None  # a point stands under its item
            head = by_id[point.parent_id]
            bullets = []
            for b in outline.children(point.node_id):
                if b.kind in vocab.BULLET_KINDS:
                    subs = [full_text(s) for s in outline.descendants(b.node_id)]
                    bullets.append(" ".join([b.text, *subs]))
            tasks.append({
                "doc_id": doc_id,
                "section_no": head.label if head.kind in ("item", "subitem") else None,
                "section_title": (head.title or head.text) if head.kind in ("item", "subitem") else None,
                "letter": point.label,
                "letter_index": point.number,
                "text": _own_text(outline, point),
                "bullets": bullets,
                "node_id": point.node_id,
                "page": point.page_start,
            })

    table_rows, cell_rows, table_ids = _tables(doc_id, outline, appendices, source)

    row_nodes = iter(n for n in outline.nodes if n.kind == "table_row")
    appendix_rows: list[dict] = []
    for appendix_no, appendix in enumerate(appendices, start=1):
        for row in appendix.rows:
            seq = len(appendix_rows) + 1
            appendix_rows.append({
                "table_id": table_ids.get(appendix.node_id), "table_row": row.table_row,
                "doc_id": doc_id, "row_id": f"{doc_id}:{seq:03d}", "seq": seq, "appendix_no": appendix_no,
                "group_no": row.group_no, "group_title": row.group_title, "row_no": row.row_no, "task": row.task,
                "products": list(row.products), "lead_agency": row.lead_agency,
                "partner_agencies": list(row.partner_agencies), "deadline_text": row.deadline_text, "notes": row.notes,
                "other_cells": [{"header": h, "text": t} for h, t in row.other_cells],
                "node_id": next(row_nodes).node_id, "page_start": row.page_start, "page_end": row.page_end,
            })

    outline_rows = [{
        "doc_id": doc_id, "node_id": n.node_id, "parent_id": n.parent_id, "kind": n.kind, "label": n.label,
        "number": n.number, "title": n.title, "text": n.text,
        "page_start": n.page_start, "page_end": n.page_end,
        "line_start": n.lines[0].line_no if n.lines else None,
        "line_end": n.lines[-1].line_no if n.lines else None,
    } for n in outline.nodes]

    residual_rows = [{
        "doc_id": doc_id, "page": r.line.page, "line_no": r.line.line_no, "source_line": r.line.source_line,
        "reason": r.reason, "text": r.line.text,
        "x0": r.line.box.x0 if r.line.box else None, "top": r.line.box.top if r.line.box else None,
    } for r in sorted(residual, key=lambda r: (r.line.page, r.line.line_no))]

    issues = (*cleaned.issues, *outline.issues,
              *check_against_site(facts, cleaned.site, outline.nodes[-1].page_end if outline.nodes else None))
    warnings = _warning_rows(doc_id, issues, outline, appendix_rows)

    return {
        "documents": documents,
        "legal_bases": legal_bases,
        "articles": articles,
        "objectives": objectives,
        "tasks": tasks,
        "appendix_rows": appendix_rows,
        "tables": table_rows,
        "table_cells": cell_rows,
        "outline": outline_rows,
        "residual": residual_rows,
        "signatures": signature_rows,
        "warnings": warnings,
    }


def _warning_rows(doc_id: str, issues: Iterable[Issue], outline: Outline, appendix_rows: list[dict]) -> list[dict]:
    """One row per issue, with the node and the appendix row it is about as ids: a stage that knew only the line
    gets the node holding it (the deepest, as nodes follow their parents), and a node that is a row gets the row."""
    node_of_line = {(l.page, l.line_no): n.node_id for n in outline.nodes for l in n.lines}
    row_of_node = {r["node_id"]: r["row_id"] for r in appendix_rows}
    node_of_row = {r["row_id"]: r["node_id"] for r in appendix_rows}
    rows = []
    for i in issues:
        node_id = i.node_id
        if node_id is None and i.line is not None:
            node_id = node_of_line.get((i.line.page, i.line.line_no))
        if node_id is None and i.row_id is not None:
            node_id = node_of_row.get(i.row_id)
        row_id = i.row_id if i.row_id is not None else row_of_node.get(node_id)
        rows.append({"doc_id": doc_id, "stage": i.stage, "code": i.code, "message": i.message, "page": i.page,
                     "node_id": node_id, "row_id": row_id})
    return rows
