"""Writing tables: cast to the declared schema, write a new version, switch to it in one step.

A version's files are written into a folder of their own and never touched
again (pipeline.storage.store), so a reader, or a crash, sees the old tables or the
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
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.storage.schemas import SCHEMAS, SORT_KEYS
from pipeline.storage.store.claims import Claim, claim
from pipeline.storage.store.files import replace_file
from pipeline.storage.store.records import LAYOUTS, MANIFEST, FileEntry, Version, entry_of, matches

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
    return sort_table(name, rows_to_arrow(name, rows))


def sort_table(name: str, table: pa.Table) -> pa.Table:
    """The table in its declared order (SORT_KEYS); a stable sort: rows with equal keys keep the order
    a stage gave them."""
    keys: list[tuple[str, Literal["ascending", "descending"]]] = [(k, "ascending") for k in SORT_KEYS[name]]
    return table.take(pc.sort_indices(table, sort_keys=keys)) if table.num_rows else table


def _write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, synced to disk, readable by everyone."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def layout_of(version: Version | None) -> str | None:
    return None if version is None else "dataset" if version.shares else "single"


def bucket_bits(documents: int, docs_per_part: int = DOCS_PER_PART) -> int:
    """k: the least number of leading doc_id bits that splits `documents` into ranges of about `docs_per_part`."""
    return max(0, math.ceil(math.log2(documents / docs_per_part))) if documents > docs_per_part else 0


def bucket_of(doc_id: str | None, bits: int) -> int:
    """A doc_id's range: its first `bits` bits (doc_ids are hex); one that is not hex goes last, as it sorts."""
    if doc_id is None:  # no doc_id (as one that is not hex): the last range
        return (1 << bits) - 1
    try:
        return int(doc_id[:8], 16) >> (32 - bits) if bits else 0
    except (TypeError, ValueError):
        return (1 << bits) - 1


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _by_document(name: str) -> bool:
    return SORT_KEYS[name][:1] == ["doc_id"]


class VersionWriter:
    """One new version of the tables, written table by table and range by range; current once `commit`ted.

    A per-document table may come in pieces, each the sorted rows of one range
    of doc_ids, in range order: the single layout appends them to one file
    (a row group each), the dataset layout makes each a part file. Memory then
    holds one range of documents, not the batch. Until `commit`, nothing is
    current: a crash leaves files that no record names, which the next run removes.
    """

    def __init__(self, owned: Claim, layout: str = "single", bits: int = 0):
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
        self.owned, self.layout, self.bits = owned, layout, bits
        self.number, self.folder = owned.new_folder()
        self.files: dict[str, list[FileEntry]] = {}
        self.rows: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def add(self, name: str, table: pa.Table, bucket: int | None = None) -> None:
        """Rows of table `name`, sorted: one range of doc_ids (`bucket`), or the whole table (None)."""
        self.rows[name] = self.rows.get(name, 0) + table.num_rows
        files = self.files.setdefault(name, [])
        if self.layout == "single":
            if name not in self._writers:
                self._writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", SCHEMAS[name],
                                                       compression="zstd")
            self._writers[name].write_table(table)
        elif bucket is not None:
            files.extend(self._parts(name, [(bucket, table)], 1 << self.bits))
        elif _by_document(name) and self.bits:
            of_row = [bucket_of(d, self.bits) for d in table.column("doc_id").to_pylist()]
            buckets = pa.array(of_row, pa.int32())
            files.extend(self._parts(name, [(b, table.filter(pc.equal(buckets, pa.scalar(b, pa.int32()))))
                                            for b in sorted(set(of_row))], 1 << self.bits))
        else:
            files.extend(self._parts(name, [(0, table)], 1 << self.bits if _by_document(name) else 1))

    def _parts(self, name: str, parts: list[tuple[int, pa.Table]], count: int) -> list[FileEntry]:
        """Shared part files, named by their content; one already on disk is kept as it is."""
        folder = self.owned.part_folder(name)
        entries = []
        for bucket, part in parts:
            if not part.num_rows:
                continue
            data = _parquet_bytes(part)
            sha = hashlib.sha256(data).hexdigest()
            entry = FileEntry(f"b{bucket:05d}of{count:05d}-{sha[:20]}.parquet", len(data), sha, part.num_rows, True)
            if not matches(folder / entry.name, entry):
                replace_file(folder / entry.name, data)
            entries.append(entry)
        return entries

    def commit(self, manifest: dict | None) -> Version:
        """Close every table (an empty one for each not given), write the manifest, make the version current."""
        for name in SCHEMAS:
            if name not in self.files:
                self.add(name, SCHEMAS[name].empty_table())
        for name, writer in self._writers.items():
            writer.close()
            with open(self.folder / f"{name}.parquet", "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(self.folder / f"{name}.parquet", 0o644)
            self.files[name] = [entry_of(self.folder / f"{name}.parquet", rows=self.rows[name])]
        self._writers.clear()
        manifest_entry = None
        if manifest is not None:
            _write_new_file(self.folder / MANIFEST,
                            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
            manifest_entry = entry_of(self.folder / MANIFEST)
        return self.owned.switch(self.number, self.files, manifest_entry)

    def close(self) -> None:
        """Give up the version: its open files are closed and left to the next run to remove."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def commit_version(owned: Claim, tables: dict[str, pa.Table], manifest: dict | None,
                   layout: str = "single", docs_per_part: int = DOCS_PER_PART) -> Version:
    """Write every table (and the run's manifest) as a new version and make it current."""
    documents = tables["documents"].num_rows if "documents" in tables else 0
    writer = VersionWriter(owned, layout, bucket_bits(documents, docs_per_part))
    try:
        for name, table in tables.items():
            writer.add(name, table)
        return writer.commit(manifest)
    finally:
        writer.close()


def write_tables(rows_by_table: dict[str, list[dict]], out_dir: str | Path) -> dict[str, Path]:
    """Write every declared table (empty ones too) as a new version of `out_dir`; the file of each table.

    The folder must be new, empty or a pipeline output (pipeline.storage.store.claims.claim);
    the next `run_batch` into it parses its inputs again, as this version has no manifest.
    """
    with claim(out_dir) as owned:
        version = commit_version(owned, {name: to_arrow(name, rows_by_table.get(name, [])) for name in SCHEMAS}, None)
    folder = version.folder(Path(out_dir))
    return {name: folder / files[0].name for name, files in version.tables.items()}
