"""Vietnamese plan documents → Parquet tables.

    from pipeline import parse_document, run_batch
    rows = parse_document("data/raw/plan.pdf")          # dict: table name -> list of rows
    report = run_batch(["data/raw"], "data/processed")  # incremental, parallel, atomic
"""

from .batch import run_batch
from .load import duckdb_connection, load_tables, read_table
from .run import PARSER_VERSION, parse_document
from .schemas import SCHEMAS
from .write import write_tables

__all__ = ["PARSER_VERSION", "SCHEMAS", "duckdb_connection", "load_tables", "parse_document", "read_table",
           "run_batch", "write_tables"]
