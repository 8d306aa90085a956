"""The analyst's side: the written tables back as DataFrames or as DuckDB views.

    from pipeline import load_tables, duckdb_connection
    tables = load_tables("data/processed")          # dict: name -> DataFrame, declared dtypes
    con = duckdb_connection("data/processed")       # every table a view
    con.sql("SELECT * FROM appendix_rows JOIN milestones USING (row_id)").df()

Both read one version of the tables, the one current when they are called,
even while a run writes the next (pipeline.storage.store): every table of one call
comes from the same run.
"""

from __future__ import annotations

import os
import stat
import weakref
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.storage.schemas import SCHEMAS
from pipeline.storage.store.readers import DamagedTable, Snapshot, pin, reading


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    # Integers stay integers where a value is missing (Int32, not float), text
    # stays text, dates stay dates, lists stay lists.
    return table.to_pandas(
        types_mapper={pa.int32(): pd.Int32Dtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}.get,
        date_as_object=True,
    )


def _read(snapshot: Snapshot, name: str) -> pa.Table:
    """One table of the snapshot, checked against its record, cast to its declared schema."""
    parts = [pq.read_table(pa.BufferReader(snapshot.read_bytes(path, entry))).cast(SCHEMAS[name])
             for path, entry in snapshot.files(name)]
    return pa.concat_tables(parts) if parts else SCHEMAS[name].empty_table()


def table_files(data_dir: str | Path, name: str) -> list[Path]:
    """The files of one table in the current version, for a tool that reads Parquet files itself.

    They stay on disk while they are current and one run after; a reader that
    must see every table from one run uses `load_tables` or `duckdb_connection`.
    """
    with reading(data_dir) as snapshot:
        return [path for path, _ in snapshot.files(name)]


def read_table(data_dir: str | Path, name: str) -> pd.DataFrame:
    """One table, cast to its declared schema (a table the folder lacks: an empty one)."""
    with reading(data_dir) as snapshot:
        return _to_pandas(_read(snapshot, name))


def load_tables(data_dir: str | Path = "data/processed") -> dict[str, pd.DataFrame]:
    """Every declared table as a DataFrame with the declared dtypes, all from one version."""
    with reading(data_dir) as snapshot:
        return {name: _to_pandas(_read(snapshot, name)) for name in SCHEMAS}


def _check_in_place(path: Path, entry) -> None:
    """A file DuckDB will open itself: the folder's own regular file, of the size its record names.

    Its content is checked by `load_tables`, which reads it whole; here DuckDB
    reads only what a query needs, so the size stands for the rest.
    """
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise DamagedTable(f"{path}: {exc.strerror}; run `plan-parse parse` again to rebuild it") from None
    if not stat.S_ISREG(info.st_mode):
        raise DamagedTable(f"{path}: a link or not a regular file, not a table file of the folder's own; "
                           "run `plan-parse parse` again to rebuild it")
    if entry is not None and info.st_size != entry.size:
        raise DamagedTable(f"{path}: damaged ({info.st_size} bytes, not the {entry.size} bytes its record names); "
                           "run `plan-parse parse` again to rebuild it")


def duckdb_connection(data_dir: str | Path = "data/processed", database: str = ":memory:"):
    """A DuckDB connection with every table of `data_dir` a view of its Parquet files, read in place.

    The views read the version current when the connection was made; no run
    deletes that version while the connection is open (a new connection sees
    newer tables). Paths go to DuckDB as Arrow datasets, never inside SQL text.
    """
    import duckdb
    import pyarrow.dataset as ds

    snapshot, held = pin(data_dir)
    try:
        con = duckdb.connect(database)
        for name, schema in SCHEMAS.items():
            files = []
            for path, entry in snapshot.files(name):
                _check_in_place(path, entry)
                files.append(str(path))
            con.register(name, ds.dataset(files, schema=schema, format="parquet") if files else schema.empty_table())
    except BaseException:
        held.release()
        raise
    weakref.finalize(con, held.release)  # the version stays on disk as long as the connection lives
    return con
