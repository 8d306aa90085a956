"""Vietnamese plan documents → Parquet tables.

    from pipeline import parse_document, run_batch
    rows = parse_document("data/raw/plan.pdf")          # dict: table name -> list of rows
    report = run_batch(["data/raw"], "data/processed")  # incremental, parallel, switched to in one step
"""

from importlib import import_module

# Each name is imported from its module when first used, so that the command line,
# which needs no pandas, does not wait for it to load.
_HOMES = {
    "PARSER_VERSION": ".run", "parse_document": ".run", "run_batch": ".batch.runner", "SCHEMAS": ".storage.schemas",
    "duckdb_connection": ".storage.load", "load_tables": ".storage.load", "read_table": ".storage.load",
    "table_files": ".storage.load", "write_tables": ".storage.write",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name], __name__), name)
