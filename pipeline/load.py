"""The analyst's side: the written tables back as DataFrames or as DuckDB views.

    from pipeline import load_tables, duckdb_connection
    tables = load_tables("data/processed")          # dict: name -> DataFrame, declared dtypes
    con = duckdb_connection("data/processed")       # every table a view
    con.sql("SELECT * FROM appendix_rows JOIN milestones USING (row_id)").df()
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .batch import recover
from .schemas import SCHEMAS


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    # Integers stay integers where a value is missing (Int32, not float), text
    # stays text, dates stay dates, lists stay lists.
    return table.to_pandas(
        types_mapper={pa.int32(): pd.Int32Dtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}.get,
        date_as_object=True,
    )


def read_table(data_dir: str | Path, name: str) -> pd.DataFrame:
    """One table, cast to its declared schema."""
    path = Path(data_dir) / f"{name}.parquet"
    table = pq.read_table(path).cast(SCHEMAS[name]) if path.exists() else SCHEMAS[name].empty_table()
    return _to_pandas(table)


def load_tables(data_dir: str | Path = "data/processed") -> dict[str, pd.DataFrame]:
    """Every declared table as a DataFrame with the declared dtypes (a missing file: an empty table)."""
    recover(data_dir)  # a commit that a killed run left half done is finished first
    return {name: read_table(data_dir, name) for name in SCHEMAS}


def duckdb_connection(data_dir: str | Path = "data/processed", database: str = ":memory:"):
    """A DuckDB connection with every table of `data_dir` registered as a view of its Parquet file."""
    import duckdb

    recover(data_dir)
    con = duckdb.connect(database)
    for name, schema in SCHEMAS.items():
        path = Path(data_dir) / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path.as_posix()}')")
        else:
            con.register(f"{name}_empty", schema.empty_table())
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {name}_empty")
    return con
