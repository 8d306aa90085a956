"""Warnings → what they name: the appendix rows and outline nodes each warning is about.

The page outlines them in red and links each warning to them. Most of this
reads the stages' wording of their messages, so it changes with the parsers,
not with the page: kept apart from the sections that draw the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.report.rows import date_text, txt

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


def flag_warnings(warnings: list[dict], rows: list[dict], nodes: list[dict], citations: list[dict]) -> Flags:
    flags = Flags()
    for warning in warnings:
        message, page = txt(warning["message"]), warning["page"]
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
    return node["kind"] != "document" and any(w in f"{txt(node['title'])} {txt(node['text'])}" for w in words)


def _cited_places(message: str, citations: list[dict]) -> tuple[set[str], set[int]]:
    """Where the citations that a message names by number and code are: (row_ids, node_ids)."""
    numbers = set(_CITED_AS.findall(message))
    dates = set(_OF_DATE.findall(message))
    rows, nodes = set(), set()
    for c in citations:
        if (c["number"], c["code"]) not in numbers:
            continue
        if dates and (c["issued_date"] is None or date_text(c["issued_date"]) not in dates):
            continue
        table, _, key = txt(c["where"]).partition(":")
        if table == "appendix_rows":
            rows.add(key)
        elif table == "outline" and key.isdigit():
            nodes.add(int(key))
    return rows, nodes
