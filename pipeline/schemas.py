"""The published tables, declared once.

Every table written by the pipeline has exactly these columns, in this order,
with these types; `pipeline.write` casts each table to its schema, so a stage
that produces a wrong column fails loudly instead of writing it.
"""

from __future__ import annotations

import pyarrow as pa

_str = pa.string()
_int = pa.int32()
_list_str = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", _str),  # first 16 hex digits of source_sha256: stable across runs and machines
        ("source_path", _str),
        ("source_sha256", _str),
        ("source_format", _str),  # pdf | text
        ("source_flavour", _str),  # pdf | plain (PDF-extracted text) | web (legal-database page text)
        ("doc_type", _str),  # Quyết định, Kế hoạch …: the type of the first part
        ("parts", _list_str),  # the parts in order: decision, plan, appendix …
        ("issuer", _str),
        ("doc_number", _str),  # 617/KH-UBND; null where a draft leaves the number blank
        ("doc_code", _str),  # KH-UBND
        ("doc_number_raw", _str),
        ("place", _str),
        ("issued_date_raw", _str),
        ("issued_year", _int),
        ("issued_month", _int),
        ("issued_day", _int),
        ("title", _str),  # subject line of the first part
        ("plan_year", _int),
        ("signer_name", _str),
        ("signer_title", _str),
        ("pages", _int),
        ("lines_total", _int),
        ("lines_layout", _int),  # page numbers, rules, cell marks: in `residual` with their reason
        ("lines_in_outline", _int),
        ("coverage", pa.float64()),  # lines_in_outline / (lines_total - lines_layout)
        ("parser_version", _str),
    ]),
    "legal_bases": pa.schema([
        ("doc_id", _str), ("seq", _int),
        ("kind", _str),  # basis (Căn cứ …) | proposal (Theo đề nghị …) | implementation (Thực hiện …)
        ("text", _str), ("node_id", _int), ("page", _int),
    ]),
    "articles": pa.schema([
        ("doc_id", _str), ("article_no", _int), ("title", _str), ("text", _str), ("node_id", _int), ("page", _int),
    ]),
    "objectives": pa.schema([
        ("doc_id", _str),
        ("objective_no", _str),  # 1, 2 … or 1.a where an objective item is split into points
        ("heading", _str),
        ("text", _str), ("node_id", _int), ("page", _int),
    ]),
    "tasks": pa.schema([
        ("doc_id", _str),
        ("section_no", _str),  # the numbered sub-section of the tasks section: 1, 2 … or 1.2
        ("section_title", _str),
        ("letter", _str),  # a, b … đ …
        ("letter_index", _int),  # 1-based in Vietnamese alphabet order (đ = 5, no f/j/w/z)
        ("text", _str),
        ("bullets", _list_str),
        ("node_id", _int), ("page", _int),
    ]),
    "outline": pa.schema([
        ("doc_id", _str), ("node_id", _int), ("parent_id", _int), ("kind", _str), ("label", _str),
        ("number", _int), ("title", _str), ("text", _str),
        ("page_start", _int), ("page_end", _int), ("line_start", _int), ("line_end", _int),
    ]),
    "residual": pa.schema([
        ("doc_id", _str), ("page", _int), ("line_no", _int), ("source_line", _int),
        ("reason", _str),  # page_number | decoration | link_note (layout) | unclaimed (text no node took)
        ("text", _str), ("x0", pa.float64()), ("top", pa.float64()),
    ]),
    "warnings": pa.schema([
        ("doc_id", _str), ("stage", _str), ("code", _str), ("message", _str), ("page", _int),
    ]),
    "errors": pa.schema([
        ("source_path", _str), ("sha256", _str), ("stage", _str), ("code", _str), ("message", _str),
    ]),
}

# How each table's rows are ordered on disk, so that output is reproducible.
SORT_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "legal_bases": ["doc_id", "seq"],
    "articles": ["doc_id", "node_id"],
    "objectives": ["doc_id", "node_id"],
    "tasks": ["doc_id", "node_id"],
    "outline": ["doc_id", "node_id"],
    "residual": ["doc_id", "page", "line_no"],
    "warnings": ["doc_id"],
    "errors": ["source_path"],
}
