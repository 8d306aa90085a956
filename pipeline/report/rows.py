"""One document's rows, taken from the tables, and how their values read on the page.

The sections, the warnings' flags and the timeline all work on these plain
rows (dicts, None for every missing value) and show their values through the
same few helpers (escaped text, dates as dd/mm/yyyy, rows numbered as the
appendix numbers them), so that a value reads the same wherever it appears.
"""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd

from pipeline.storage.schemas import SCHEMAS


def matching_doc_ids(documents: pd.DataFrame, wanted: str) -> list[str]:
    ids = list(documents["doc_id"].dropna().unique())
    if wanted in ids:
        return [wanted]
    return [i for i in ids if wanted and i.startswith(wanted)]


def rows_of_document(tables: dict[str, pd.DataFrame], doc_id: str) -> dict[str, list[dict]]:
    """Each table's rows of one document, as plain dicts with None for every missing value."""
    out: dict[str, list[dict]] = {}
    for name in SCHEMAS:
        df = tables.get(name)
        if df is None or "doc_id" not in df.columns:
            out[name] = []
            continue
        mine = df[df["doc_id"].eq(doc_id).fillna(False).astype(bool)]
        out[name] = [{k: (None if is_missing(v) else v) for k, v in row.items()} for row in mine.to_dict("records")]
    out["outline"].sort(key=lambda n: n["node_id"])
    out["tasks"].sort(key=lambda t: t["node_id"] if t["node_id"] is not None else -1)
    out["appendix_rows"].sort(key=lambda r: r["seq"])
    out["milestones"].sort(key=lambda m: (m["row_id"], m["seq"]))
    return out


def is_missing(value) -> bool:
    # A list cell (products, bullets) is a value even when empty, and pd.isna would answer item by item.
    if isinstance(value, (str, list, tuple, np.ndarray)):
        return False
    return value is None or bool(pd.isna(value))


def txt(value) -> str:
    """A cell as text: empty for a missing value."""
    return "" if value is None else str(value)


def esc(value) -> str:
    """A cell as text, escaped for HTML."""
    return html.escape(txt(value))


def items_of(value) -> list[str]:
    return [str(v) for v in value if v is not None] if value is not None else []


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def roman(number: int | None) -> str:
    if number is None:
        return ""
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += numeral
            number -= value
    return out


def row_ref(row: dict) -> str:
    """How the appendix itself numbers a row: group numeral and task number (II.3)."""
    group, number = roman(row["group_no"]), txt(row["row_no"])
    return f"{group}.{number}" if group and number else group or number or f"#{row['seq']}"


def node_ref(node: dict) -> str:
    where = pages_text(node["page_start"], node["page_end"])
    return " ".join(t for t in (node["kind"], txt(node["label"]), f"({where})" if where else "") if t)


def pages_text(first, last) -> str:
    if first is None:
        return ""
    return f"p. {first}" if last in (None, first) else f"p. {first}–{last}"
