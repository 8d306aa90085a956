"""Writing tables: cast to the declared schema, write a new version, switch to it in one step.

A version's files are written into a folder of their own and never touched
again (pipeline.store), so a reader, or a crash, sees the old tables or the
new ones, never half of one nor a mix.

Two layouts of a version's tables:
- `single`: one Parquet file per table, in the version's folder.
- `dataset`: a folder of part files per table (`dataset/<table>/`), one per
  range of doc_ids, shared by the versions that have the same rows there. The
  doc_ids are split into 2**k ranges by their leading bits, k the least that
  keeps about DOCS_PER_PART documents to a range, so a run that changed a few
  documents writes only the parts that hold them. Parts are read in range
  order, which is the tables' own order (every per-document table is sorted
  by doc_id first): both layouts read back as the same rows in the same order.
  Tables of the whole batch (agencies, cited documents, errors) are one part.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schemas import SCHEMAS, SORT_KEYS
from .store import MANIFEST, Claim, FileEntry, Version, claim, entry_of, matches

LAYOUTS = ("single", "dataset")
# Documents to a part file, about: a part of table_cells then holds some 10^5 rows, a few MB.
DOCS_PER_PART = 500


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


def layout_of(version: Version | None) -> str | None:
    return None if version is None else "dataset" if version.shares else "single"


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _buckets(table: pa.Table, bits: int) -> list[int]:
    """Each row's range of doc_ids: the first `bits` bits of its doc_id; a row without one goes last."""
    last = (1 << bits) - 1
    ids = table.column("doc_id").to_pylist()
    by_id: dict[str | None, int] = {}
    for doc_id in set(ids):
        try:
            by_id[doc_id] = int(doc_id[:8], 16) >> (32 - bits) if bits else 0
        except (TypeError, ValueError):
            by_id[doc_id] = last
    return [by_id[doc_id] for doc_id in ids]


def write_parts(owned: Claim, name: str, table: pa.Table, bits: int) -> list[FileEntry]:
    """One table as shared part files, one per non-empty range of doc_ids; a part already on disk is kept."""
    folder = owned.part_folder(name)
    count = 1 << bits if "doc_id" in table.column_names and SORT_KEYS[name][0] == "doc_id" else 1
    if count == 1:
        parts = [(0, table)] if table.num_rows else []
    else:
        bucket_of = pa.array(_buckets(table, bits), pa.int32())
        parts = [(b, table.filter(pc.equal(bucket_of, b))) for b in sorted(set(bucket_of.to_pylist()))]
    entries = []
    for bucket, part in parts:
        data = _parquet_bytes(part)
        sha = hashlib.sha256(data).hexdigest()
        entry = FileEntry(f"b{bucket:05d}of{count:05d}-{sha[:20]}.parquet", len(data), sha, part.num_rows, True)
        if not matches(folder / entry.name, entry):
            fd, tmp = tempfile.mkstemp(prefix=f".{entry.name}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o644)
                os.replace(tmp, folder / entry.name)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        entries.append(entry)
    return entries


def commit_version(owned: Claim, tables: dict[str, pa.Table], manifest: dict | None,
                   layout: str = "single", docs_per_part: int = DOCS_PER_PART) -> Version:
    """Write every table (and the run's manifest) as a new version and make it current."""
    number, folder = owned.new_folder()
    if layout == "dataset":
        documents = tables["documents"].num_rows if "documents" in tables else 0
        bits = max(0, math.ceil(math.log2(documents / docs_per_part))) if documents > docs_per_part else 0
        files = {name: write_parts(owned, name, table, bits) for name, table in tables.items()}
    else:
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
