"""Stage 5, enrich: what the plan says, made comparable across plans.

From the projected tables of one document it derives the deadline milestones
of each appendix row, the agencies (and their ids on the appendix rows), the
citations of legal documents and the quantified targets. A function from rows
to rows: the input tables are not changed; new and extended tables come back.
"""

from __future__ import annotations

from dataclasses import replace

from parsers.facts.agencies import agency_id, agency_rows
from parsers.facts.citations.find import find_citations
from parsers.facts.citations.keys import conflicting_numbers
from parsers.facts.dates import header_unit, milestones
from parsers.facts.targets import find_targets
from parsers.tables.appendix_rows import split_agencies
from parsers.tables.roles import role_of

# Outline nodes that stand for appendix rows; their words are read from the rows.
TABLE_KINDS = frozenset({"table_header", "table_group", "table_row"})
# Citations of two texts never stand side by side: offsets of consecutive texts
# are set this far apart when the document's citations are compared.
TEXT_GAP = 1000


def enrich(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    out = dict(tables)
    doc = tables["documents"][0]
    doc_id, plan_year = doc["doc_id"], doc["plan_year"] or doc["issued_year"]

    rows, names = [], []
    for row in tables["appendix_rows"]:
        # A lead cell may name two agencies (`Phòng Nội vụ; Phòng Giáo dục – Đào tạo`): each leads.
        leads = list(split_agencies(row["lead_agency"]))
        names += leads + row["partner_agencies"]
        rows.append({
            **row,
            "lead_agency_id": agency_id(leads[0]) if leads else None,
            "lead_agency_ids": [agency_id(n) for n in leads],
            "partner_agency_ids": [agency_id(p) for p in row["partner_agencies"]],
        })
    out["appendix_rows"] = rows
    out["agencies"] = agency_rows(names)

    # A deadline column whose header gives the unit of its numbers (`Thời gian (ngày làm việc)`).
    units = {c["table_id"]: unit for c in tables.get("table_cells", [])
             if c["is_header"] and (unit := header_unit(c["text"])) and role_of(c["text"]) == "deadline"}
    out["milestones"] = []
    warnings = list(tables["warnings"])
    for row in rows:
        if not row["deadline_text"]:
            continue
        for m in milestones(row["deadline_text"], plan_year, units.get(row["table_id"])):
            out["milestones"].append({"doc_id": doc_id, "row_id": row["row_id"], "seq": m.seq, "action": m.action,
                                      "kind": m.kind, "start": m.start, "end": m.end, "raw": m.raw})
            if m.kind == "unknown":
                warnings.append({"doc_id": doc_id, "stage": "normalise", "code": "deadline_unknown",
                                 "message": f"deadline not understood in row {row['row_id']}: {m.raw!r}",
                                 "row_id": row["row_id"], "node_id": row["node_id"],
                                 "page": row["page_start"]})

    nodes = [n for n in tables["outline"] if n["kind"] not in TABLE_KINDS]
    row_texts = [(f"appendix_rows:{r['row_id']}", text) for r in rows
                 for text in (r["task"], *r["products"], r["lead_agency"], r["deadline_text"], r["notes"]) if text]
    texts = [(f"outline:{n['node_id']}", n["text"]) for n in nodes if n["text"]] + row_texts

    # Citations are read from all the document's own words: also the title of a numbered node that heads
    # others (`1. Cá nhân đạt danh hiệu … theo quy định của Nghị quyết số 04/2025/NQ-HĐND …`), and the
    # cells of a table no appendix row was read from (a procedure list cites its legal bases there). Never
    # from `residual`: what is set aside there (the site's furniture) is not the document's.
    projected = {r["table_id"] for r in rows}
    cited_texts = [(f"outline:{n['node_id']}", words) for n in nodes for words in (n.get("title"), n["text"]) if words]
    cited_texts += [(f"table_cells:{c['table_id']}:{c['row']}:{c['col']}", c["text"])
                    for c in tables.get("table_cells", [])
                    if c["text"] and not c["is_header"] and c["table_id"] not in projected]
    cited_texts += row_texts
    # A row's cells under columns no role names: the document that set the task (`Văn bản giao nhiệm vụ`),
    # its legal basis; cited there, not in the texts targets are read from.
    cited_texts += [(f"appendix_rows:{r['row_id']}", c["text"]) for r in rows for c in r["other_cells"] if c["text"]]

    out["citations"], found, offset = [], [], 0
    place_of: dict[int, str] = {}  # id of a found citation -> where it stands
    for where, text in cited_texts:
        for c in find_citations(text):
            found.append(replace(c, start=c.start + offset, end=c.end + offset))
            place_of[id(found[-1])] = where
            out["citations"].append({"doc_id": doc_id, "where": where, "doc_type": c.doc_type, "number": c.number,
                                     "year": c.year, "code": c.code, "issued_date": c.issued_date,
                                     "issuer": c.issuer, "subject": c.subject, "raw": c.raw})
        offset += len(text) + TEXT_GAP
    node_of_row = {r["row_id"]: r["node_id"] for r in rows}
    for a, b in conflicting_numbers(found):
        message = (f"one {a.doc_type} of {a.issued_date:%d/%m/%Y} cited as {a.number}/{a.code} "
                   f"and as {b.number}/{b.code}")
        # One row for each place the two citations stand in, so that each is found by its ids.
        for place in dict.fromkeys(_place(place_of[id(c)], node_of_row) for c in (a, b)):
            warnings.append({"doc_id": doc_id, "stage": "normalise", "code": "citation_conflict",
                             "message": message, "page": None, "node_id": place[0], "row_id": place[1]})

    out["targets"] = [
        {"doc_id": doc_id, "where": where, "indicator": t.indicator, "comparator": t.comparator, "value": t.value,
         "unit": t.unit, "percent_restored": t.percent_restored, "raw": t.raw}
        for where, text in texts for t in find_targets(text)
    ]
    out["warnings"] = warnings
    return out


def _place(where: str, node_of_row: dict[str, int]) -> tuple[int | None, str | None]:
    """(node_id, row_id) of a citation's place: `outline:<node_id>`, `appendix_rows:<row_id>`, or a table's
    cell (no node or row of its own)."""
    table, _, key = where.partition(":")
    if table == "outline":
        return int(key), None
    if table == "appendix_rows":
        return node_of_row.get(key), key
    return None, None
