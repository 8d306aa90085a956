"""Writing tables: cast to the declared schema, write beside, rename into place.

`os.replace` is atomic on one file system, so a reader (or a crash) sees the
old table or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schemas import SCHEMAS, SORT_KEYS


def to_arrow(name: str, rows: list[dict]) -> pa.Table:
    schema = SCHEMAS[name]
    unknown = {key for row in rows for key in row} - set(schema.names)
    if unknown:
        raise ValueError(f"table {name}: columns not in its schema: {sorted(unknown)}")
    columns = {field.name: [row.get(field.name) for row in rows] for field in schema}
    table = pa.table(columns, schema=schema)
    keys = [(k, "ascending") for k in SORT_KEYS[name]]
    # A stable sort: rows with equal keys keep the order a stage gave them.
    return table.take(pc.sort_indices(table, sort_keys=keys)) if rows else table


def write_parquet_tmp(table: pa.Table, path: Path) -> Path:
    """Write `table` beside `path` under a temporary name, synced to disk; return that name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the tables are for every reader
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_tables(rows_by_table: dict[str, list[dict]], out_dir: str | Path) -> dict[str, Path]:
    """Write every declared table (empty ones too) as `<out_dir>/<name>.parquet`, each atomically."""
    out = Path(out_dir)
    tables = {name: to_arrow(name, rows_by_table.get(name, [])) for name in SCHEMAS}
    written = {}
    for name, table in tables.items():
        written[name] = out / f"{name}.parquet"
        os.replace(write_parquet_tmp(table, written[name]), written[name])
    return written
