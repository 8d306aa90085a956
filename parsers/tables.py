"""Stage 4, tables: project the outline into rows of the published tables.

Rows are plain dicts keyed by the column names that `pipeline.schemas`
declares; the schema is the single source of the columns and their types.
"""

from __future__ import annotations

from . import vocab
from .appendix import Appendix
from .clean import Cleaned, join_lines
from .header import admit, read_header
from .records import Node, Outline, Residual

BULLET_KINDS = ("bullet", "subbullet")


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
        while parent[node_id] not in (0, None):
            node_id = parent[node_id]
        return node_id

    parts = {n.node_id for n in outline.nodes if n.parent_id == 0 and n.kind in part_kinds}
    sections = [n for n in outline.nodes if n.kind == "section" and part_of(n.node_id) in parts]
    for pattern in titles:
        for s in sections:
            if pattern.search(s.title or s.text):
                return s
    return None


def _mean_confidence(source) -> float | None:
    values = [l.confidence for l in source.lines() if l.confidence is not None]
    return round(sum(values) / len(values), 4) if values else None


def project(cleaned: Cleaned, outline: Outline, appendices: list[Appendix], parser_version: str) -> dict[str, list[dict]]:
    source = cleaned.source
    doc_id = source.doc_id
    facts = read_header(outline)
    admit(source.path, outline, facts)

    # --- coverage: every line is in a node or in the residual -------------
    claimed = {(l.page, l.line_no) for n in outline.nodes for l in n.lines}
    dropped = {(r.line.page, r.line.line_no) for r in cleaned.residual}
    residual = list(cleaned.residual) + [
        Residual(line=l, reason="unclaimed")
        for l in source.lines()
        if (l.page, l.line_no) not in claimed and (l.page, l.line_no) not in dropped
    ]
    total = len(source.lines())

    documents = [{
        "doc_id": doc_id,
        "source_path": source.path,
        "source_sha256": source.sha256,
        "source_format": source.format,
        "source_flavour": source.flavour,
        "doc_type": facts.doc_type,
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
        "signer_title": facts.signer_title,
        "pages": len(source.pages),
        "lines_total": total,
        "lines_layout": len(dropped),
        "lines_in_outline": len(claimed),
        # Share of the text lines (all lines but page numbers and rules) that a node claimed.
        "coverage": round(len(claimed) / (total - len(dropped)), 6) if total > len(dropped) else 0.0,
        "parser_version": parser_version,
        "ocr_confidence": _mean_confidence(source),
    }]

    legal_bases = []
    for n in outline.nodes:
        if n.kind in ("basis", "proposal", "implementation"):
            legal_bases.append({"doc_id": doc_id, "seq": len(legal_bases) + 1, "kind": n.kind, "text": n.text,
                                "node_id": n.node_id, "page": n.page_start})

    articles = []
    for n in outline.nodes:
        if n.kind == "article":
            rest = [full_text(d) for d in outline.descendants(n.node_id)]
            articles.append({"doc_id": doc_id, "article_no": n.number, "title": n.title,
                             "text": " ".join(p for p in [n.text, *rest] if p), "node_id": n.node_id,
                             "page": n.page_start})

    objectives = []
    section = _section(outline, ("plan", "decision"), vocab.OBJECTIVE_SECTION_TITLES)
    if section is not None:
        for item in outline.children(section.node_id):
            if item.kind not in ("item", "subitem"):
                continue
            points = [p for p in outline.children(item.node_id) if p.kind == "point"]
            for node, number in ([(p, f"{item.label}.{p.label}") for p in points] or [(item, item.label)]):
                objectives.append({"doc_id": doc_id, "objective_no": number, "heading": item.title if points else None,
                                   "text": _own_text(outline, node), "node_id": node.node_id, "page": node.page_start})

    tasks = []
    section = _section(outline, ("plan", "decision"), vocab.TASK_SECTION_TITLES)
    if section is not None:
        by_id = {n.node_id: n for n in outline.nodes}
        for point in (d for d in outline.descendants(section.node_id) if d.kind == "point"):
            head = by_id[point.parent_id]
            bullets = []
            for b in outline.children(point.node_id):
                if b.kind in BULLET_KINDS:
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

    row_nodes = iter(n for n in outline.nodes if n.kind == "table_row")
    appendix_rows = []
    for number, appendix in enumerate(appendices, start=1):
        for row in appendix.rows:
            seq = len(appendix_rows) + 1
            appendix_rows.append({
                "doc_id": doc_id, "row_id": f"{doc_id}:{seq:03d}", "seq": seq, "appendix_no": number,
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
        "reason": r.reason, "text": r.line.text, "x0": r.line.x0, "top": r.line.top,
    } for r in sorted(residual, key=lambda r: (r.line.page, r.line.line_no))]

    warnings = [{"doc_id": doc_id, "stage": i.stage, "code": i.code, "message": i.message, "page": i.page}
                for i in (*cleaned.issues, *outline.issues)]

    return {
        "documents": documents,
        "legal_bases": legal_bases,
        "articles": articles,
        "objectives": objectives,
        "tasks": tasks,
        "appendix_rows": appendix_rows,
        "outline": outline_rows,
        "residual": residual_rows,
        "warnings": warnings,
    }
