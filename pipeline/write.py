"""Writing tables: cast to the declared schema, write a new version, switch to it in one step.

A version's files are written into a folder of their own and never touched
again (pipeline.store), so a reader, or a crash, sees the old tables or the
new ones, never half of one nor a mix.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schemas import SCHEMAS, SORT_KEYS
from .store import MANIFEST, Claim, FileEntry, Version, claim, entry_of


def rows_to_arrow(name: str, rows: list[dict]) -> pa.Table:
    """The rows of one table as an Arrow table of its declared schema, in the order given."""
    schema = SCHEMAS[name]
    unknown = {key for row in rows for key in row} - set(schema.names)
    if unknown:
        raise ValueError(f"table {name}: columns not in its schema: {sorted(unknown)}")
    columns = {field.name: [row.get(field.name) for row in rows] for field in schema}
    return pa.table(columns, schema=schema)


def to_arrow(name: str, rows: list[dict]) -> pa.Table:
    table = rows_to_arrow(name, rows)
    keys = [(k, "ascending") for k in SORT_KEYS[name]]
    # A stable sort: rows with equal keys keep the order a stage gave them.
    return table.take(pc.sort_indices(table, sort_keys=keys)) if rows else table


def _write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, synced to disk, readable by everyone."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def write_parquet(table: pa.Table, path: Path) -> FileEntry:
    """Write `table` as a new Parquet file at `path`; its entry for the version record."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    _write_new_file(path, sink.getvalue())
    return entry_of(path, rows=table.num_rows)


def commit_version(owned: Claim, tables: dict[str, pa.Table], manifest: dict | None) -> Version:
    """Write every table (and the run's manifest) as a new version and make it current."""
    number, folder = owned.new_folder()
    files = {name: [write_parquet(table, folder / f"{name}.parquet")] for name, table in tables.items()}
    manifest_entry = None
    if manifest is not None:
        _write_new_file(folder / MANIFEST,
                        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
        manifest_entry = entry_of(folder / MANIFEST)
    return owned.switch(number, files, manifest_entry)


def write_tables(rows_by_table: dict[str, list[dict]], out_dir: str | Path) -> dict[str, Path]:
    """Write every declared table (empty ones too) as a new version of `out_dir`; the file of each table.

    The folder must be new, empty or a pipeline output (pipeline.store.claim);
    the next `run_batch` into it parses its inputs again, as this version has no manifest.
    """
    with claim(out_dir) as owned:
        version = commit_version(owned, {name: to_arrow(name, rows_by_table.get(name, [])) for name in SCHEMAS}, None)
    folder = version.folder(Path(out_dir))
    return {name: folder / files[0].name for name, files in version.tables.items()}
