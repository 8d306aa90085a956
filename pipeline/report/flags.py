"""Warnings → what they name: the appendix rows and outline nodes each warning is about.

The page outlines them in red and links each warning to them. Every warning row carries the node and the
appendix row it is about as ids (the stages set them, or projecting the warnings finds the node holding the
line a stage named), so nothing here reads a message's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Flags:
    rows: set[str] = field(default_factory=set)  # row_id
    nodes: set[int] = field(default_factory=set)  # node_id
    per_warning: list[tuple[list[dict], list[dict]]] = field(default_factory=list)  # (rows, nodes) of each warning


def flag_warnings(warnings: list[dict], rows: list[dict], nodes: list[dict]) -> Flags:
    flags = Flags()
    for warning in warnings:
        row_id, node_id = warning.get("row_id"), warning.get("node_id")
        named_rows = [r for r in rows if row_id is not None and r["row_id"] == row_id]
        named_nodes = [n for n in nodes if node_id is not None and n["node_id"] == node_id]
        flags.per_warning.append((named_rows, named_nodes))
        flags.rows |= {r["row_id"] for r in named_rows}
        flags.nodes |= {n["node_id"] for n in named_nodes}
    # A row and its outline node are one thing seen twice: mark both.
    flags.nodes |= {r["node_id"] for r in rows if r["row_id"] in flags.rows and r["node_id"] is not None}
    flags.rows |= {r["row_id"] for r in rows if r["node_id"] in flags.nodes}
    return flags
