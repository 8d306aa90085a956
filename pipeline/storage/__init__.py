"""The tables on disk: declared once, written atomically, read back whole.

- `schemas`: every table's columns, types and meanings (pyarrow);
- `store`: the output folder's versions, records and locks, opened safely;
- `write`: one run's tables into a new version, switched to in one step;
- `load`: the current version read back for pandas and DuckDB;
- `dictionary`: the data dictionary (docs/tables.md) made from the schemas.
"""
