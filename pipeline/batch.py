"""A folder of plans into tables: incremental, parallel, safe to share.

- Incremental: each version of the tables carries the manifest of the run
  that wrote it (pipeline.store): for every input, keyed by its resolved
  absolute path, the name it was given, its SHA-256, its result and the size
  and SHA-256 of its cache entry `<out>/.cache/<sha256>.parquet`, the
  document's rows as data (one row, one list column per table). A re-run
  parses only new or changed files, and files whose cache entry is missing or
  differs from the manifest (all of them after a parser-version or schema
  change, or with `force`); it drops the rows of removed files, and writes
  nothing at all when nothing changed and the current tables are whole.
- Parallel: documents are parsed in worker processes; results are gathered in
  input order, so the tables are the same for any number of workers. A worker
  dies with the process that started it and never writes after it.
- Safe: only regular files are read; a bad file is recorded in `errors` and
  the batch goes on. The tables are written as a new version and switched to
  in one step, so a reader sees the old tables or the new, never a mix.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from parsers.agencies import merge_agency_rows
from parsers.errors import DocumentError
from parsers.extract import open_regular
from parsers.resolve import resolve_citations

from .run import PARSER_VERSION, discover, parse_document
from .schemas import SCHEMAS
from .store import CACHE, FileEntry, claim, is_plain_name, own_temporary, read_file
from .write import commit_version, rows_to_arrow, to_arrow

# The column of the rows that names their input file: cached rows take the name of this run's input.
SOURCE_COLUMN = "source_path"
# A cache entry's name: the SHA-256 of the input it holds the rows of.
CACHE_ENTRY = re.compile(r"[0-9a-f]{64}\.parquet")


@dataclass(frozen=True, slots=True)
class FileResult:
    """What became of one input file in one run."""

    path: str
    sha256: str | None
    status: str  # parsed | unchanged | failed | duplicate
    error: dict | None = None  # the `errors` row of a failed file
    summary: dict | None = None  # the `documents` row of a parsed file
    counts: dict | None = None  # rows per table


@dataclass
class BatchReport:
    results: list[FileResult] = field(default_factory=list)
    rows_per_table: dict[str, int] = field(default_factory=dict)
    written: bool = False
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def text_name(path: str | Path) -> str:
    """A path as text that a table or JSON can hold: bytes of the name that are not UTF-8 as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def input_key(path: str | Path) -> str:
    """The manifest's key of an input: its resolved absolute path, the same however the folder was named."""
    return text_name(os.path.realpath(os.path.abspath(path)))


def _name_rows(rows: dict[str, list[dict]], name: str) -> None:
    """Give the rows the name of their input as this run was given it (the cache may have another)."""
    for table, schema in SCHEMAS.items():
        if SOURCE_COLUMN in schema.names:
            for row in rows.get(table, []):
                row[SOURCE_COLUMN] = name


def sha256_of(path: Path) -> str:
    """SHA-256 of a regular file's bytes; UnreadableFile for a pipe, a device, a folder, a loop."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def schemas_fingerprint() -> str:
    """Changes whenever a table or a column is added, removed or retyped: cached rows of another shape are not used."""
    text = "\n".join(f"{name}: {schema.to_string(show_field_metadata=False, show_schema_metadata=False)}"
                     for name, schema in SCHEMAS.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ the cache: rows as data


def _cache_schema() -> pa.Schema:
    return pa.schema([pa.field(name, pa.list_(pa.struct(list(schema)))) for name, schema in SCHEMAS.items()])


def encode_rows(rows: dict[str, list[dict]]) -> bytes:
    """One document's rows as a one-row Parquet file: a list of rows per table, typed by SCHEMAS."""
    unknown = set(rows) - set(SCHEMAS)
    if unknown:
        raise ValueError(f"tables not in SCHEMAS: {sorted(unknown)}")
    columns = []
    for name in SCHEMAS:
        structs = rows_to_arrow(name, rows.get(name, [])).to_struct_array().combine_chunks()
        columns.append(pa.ListArray.from_arrays(pa.array([0, len(structs)], pa.int32()), structs))
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(columns, schema=_cache_schema()), sink, compression="zstd")
    return sink.getvalue()


def decode_rows(data: bytes) -> dict[str, list[dict]]:
    """The rows `encode_rows` stored; ValueError when the data is not such an entry."""
    table = pq.read_table(pa.BufferReader(data))
    if table.num_rows != 1 or not table.schema.equals(_cache_schema(), check_metadata=False):
        raise ValueError("not a cache entry of the current schemas")
    return {name: table.column(name)[0].as_py() for name in SCHEMAS}


def _store(out: Path, sha: str, rows: dict) -> dict:
    """Write one document's cache entry beside its final name, then move it there; its manifest entry."""
    data = encode_rows(rows)
    folder = out / CACHE
    fd, tmp = tempfile.mkstemp(prefix=f".{sha}.parquet.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / f"{sha}.parquet")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return FileEntry(f"{sha}.parquet", len(data), hashlib.sha256(data).hexdigest()).as_json()


def _load_cached(out: Path, sha: str, entry: dict | None) -> tuple[dict, dict] | None:
    """The cached rows of the input with SHA-256 `sha`, and their manifest entry; None when there are none to trust.

    An entry the manifest lists must have the size and SHA-256 it gives; one
    it does not list (written by a run killed before its new version) is used
    when it reads as the rows of this very file by this parser version.
    """
    name = f"{sha}.parquet"
    if entry is not None and isinstance(entry.get("cache"), dict):
        name = entry["cache"].get("file")
        if not is_plain_name(name):
            warnings.warn(f"manifest of {out}: ignored the cache name {name!r}: not a plain file name", stacklevel=2)
            return None
    path = out / CACHE / name
    try:
        data = read_file(path)
    except OSError:
        data = None
    if data is None:
        return None
    cache = FileEntry(name, len(data), hashlib.sha256(data).hexdigest()).as_json()
    if entry is not None and isinstance(entry.get("cache"), dict) and entry["cache"] != cache:
        warnings.warn(f"{path}: damaged cache entry (it differs from the manifest); the file is parsed again",
                      stacklevel=2)
        return None
    try:
        rows = decode_rows(data)
    except (ValueError, OSError, pa.ArrowException) as exc:
        warnings.warn(f"{path}: unreadable cache entry ({exc}); the file is parsed again", stacklevel=2)
        return None
    documents = rows["documents"]
    if len(documents) != 1 or documents[0].get("source_sha256") != sha \
            or documents[0].get("parser_version") != PARSER_VERSION:
        return None  # the rows of another file, or of another parser
    return rows, cache


def _prune_cache(out: Path, keep: set[str]) -> None:
    """Delete the cache entries no input needs any more, and temporary files a killed worker left; nothing else."""
    folder = out / CACHE
    for entry in os.listdir(folder):
        final = entry[1:].rsplit(".", 2)[0]  # `.<sha>.parquet.<random>.tmp`: on its way to `<sha>.parquet`
        ours = (CACHE_ENTRY.fullmatch(entry) and entry not in keep) or \
            (CACHE_ENTRY.fullmatch(final) and own_temporary(entry, final))
        if ours and (folder / entry).is_file() and not (folder / entry).is_symlink():
            (folder / entry).unlink(missing_ok=True)


# ------------------------------------------------------------------ workers


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose batch is gone must stop, not parse on and write cache files.

    Linux kills the worker when its parent dies (the parent-death signal);
    elsewhere a thread watches for the parent's end.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # pragma: no cover
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)
        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _parse_one(job: tuple[str, str, str | None, str, int | None]) -> tuple[str, dict | None, dict | None, dict | None]:
    """Worker: parse one file and cache its rows; (key, rows by table, error, cache entry).

    The worker writes the cache itself, so that the main process, the part of a
    batch that does not run in parallel, does not serialise every result twice.
    """
    key, path, sha, out, parent = job
    try:
        rows = parse_document(path, ocr_cache=Path(out) / CACHE / "ocr")
        _name_rows(rows, text_name(path))
        cache = None
        if sha:
            if parent is not None and os.getppid() != parent:  # the batch is gone: nothing is written for no one
                os._exit(1)
            cache = _store(Path(out), sha, rows)
        return key, rows, None, cache
    except DocumentError as exc:
        return key, None, {"stage": exc.stage, "code": exc.code, "message": exc.reason}, None
    except Exception as exc:  # a parser bug: recorded, never fatal to the batch
        return key, None, {"stage": "internal", "code": "internal_error",
                           "message": f"parser bug: {type(exc).__name__}: {exc}"}, None


# ------------------------------------------------------------------ the run


def _hash_inputs(given: dict[str, str]) -> tuple[dict[str, str | None], dict[str, dict]]:
    """Each input's SHA-256 (None when unreadable), and the error of each that is not a regular file or cannot be read."""
    hashes: dict[str, str | None] = {}
    unreadable: dict[str, dict] = {}
    for key, path in given.items():
        hashes[key] = None
        try:
            hashes[key] = sha256_of(Path(path))
        except DocumentError as exc:
            unreadable[key] = {"stage": exc.stage, "code": exc.code, "message": exc.reason}
        except OSError as exc:
            unreadable[key] = {"stage": "extract", "code": "unreadable",
                               "message": f"cannot read file ({exc.strerror or exc})"}
    return hashes, unreadable


def _known_results(out: Path, old_files: dict, hashes: dict[str, str | None], keys: list[str]) -> dict[str, tuple]:
    """The inputs this run need not parse: (rows, error, cache entry) by key, from the manifest and the cache."""
    known = {}
    for key in keys:
        entry = old_files.get(key)
        entry = entry if isinstance(entry, dict) and entry.get("sha256") == hashes[key] else None
        error = entry.get("error") if entry and entry.get("status") == "failed" else None
        if isinstance(error, dict) and all(isinstance(error.get(k), str) for k in ("stage", "code", "message")):
            known[key] = (None, error, None)  # the same bytes failed before: they fail again
        elif cached := _load_cached(out, hashes[key], entry if entry and entry.get("status") == "ok" else None):
            known[key] = (cached[0], None, cached[1])
    return known


def run_batch(inputs, out_dir: str | Path, workers: int | None = None, force: bool = False,
              on_done: Callable[[str], None] | None = None) -> BatchReport:
    """Parse what is new or changed among `inputs` and write a new version of the tables in `out_dir` if anything changed.

    `out_dir` must be new, empty or a pipeline output (pipeline.store.OutputError
    otherwise). `on_done(path)` is called once for every input file, as its
    parse ends or, for an unchanged file, at once (for a progress bar); the
    report lists every file's result in input order.
    """
    started = time.perf_counter()
    with claim(out_dir) as owned:
        out = owned.out
        (out / CACHE).mkdir(exist_ok=True)
        current = owned.current()
        old = owned.read_manifest(current)
        same_parser = old.get("parser_version") == PARSER_VERSION and old.get("schemas") == schemas_fingerprint()
        old_files = old.get("files") if same_parser and not force and isinstance(old.get("files"), dict) else {}

        given: dict[str, str] = {}  # key -> the name this run was given
        for path in discover(inputs):
            given.setdefault(input_key(path), str(path))
        hashes, unreadable = _hash_inputs(given)
        known = {} if force else _known_results(out, old_files, hashes, [k for k in given if k not in unreadable])
        todo = [key for key in given if key not in known and key not in unreadable]
        if on_done:
            for key in given:
                if key not in todo:
                    on_done(given[key])

        fresh: dict[str, tuple[dict | None, dict | None, dict | None]] = {}
        if todo:
            workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
            parent = os.getpid() if workers > 1 else None  # a worker process checks that its batch is still there
            jobs = [(key, given[key], hashes[key], str(out), parent) for key in todo]

            def collect(result: tuple[str, dict | None, dict | None, dict | None]) -> None:
                key, rows, error, cache = result
                fresh[key] = (rows, error, cache)
                if on_done:
                    on_done(given[key])

            if workers == 1:
                for job in jobs:
                    collect(_parse_one(job))
            else:
                # Largest files first, so that no big file starts last and keeps one worker busy
                # alone; the tables are assembled in input order below, whatever the order here.
                jobs.sort(key=lambda job: -_size(job[1]))
                with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent,
                                         initargs=(os.getpid(),)) as pool:
                    for result in pool.map(_parse_one, jobs, chunksize=1):
                        collect(result)

        report = BatchReport()
        files_entry: dict[str, dict] = {}
        tables: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
        seen_docs: dict[str, str] = {}
        for key, given_path in given.items():
            sha, path = hashes[key], text_name(given_path)
            if key in unreadable:
                rows, error, cache, status = None, unreadable[key], None, "failed"
            elif key in fresh:
                rows, error, cache = fresh[key]
                status = "parsed"
            else:
                rows, error, cache = known[key]
                status = "unchanged"
            if error is not None:
                error = {"source_path": path, "sha256": sha, **{k: error[k] for k in ("stage", "code", "message")}}
                tables["errors"].append(error)
                files_entry[key] = {"path": path, "sha256": sha, "status": "failed", "error": error}
                result = FileResult(given_path, sha, "failed", error=error)
            else:
                _name_rows(rows, path)
                doc_id = rows["documents"][0]["doc_id"]
                files_entry[key] = {"path": path, "sha256": sha, "status": "ok", "doc_id": doc_id}
                if cache:
                    files_entry[key]["cache"] = cache
                if doc_id in seen_docs:
                    result = FileResult(given_path, sha, "duplicate", summary={"duplicate_of": seen_docs[doc_id]})
                else:
                    seen_docs[doc_id] = given_path
                    for name, table_rows in rows.items():
                        tables[name].extend(table_rows)
                    result = FileResult(given_path, sha, "parsed" if status == "parsed" else "unchanged",
                                        summary=rows["documents"][0], counts={k: len(v) for k, v in rows.items()})
            report.results.append(result)

        tables["agencies"] = merge_agency_rows(tables["agencies"])  # one row per agency across documents
        tables = resolve_citations(tables)  # citations → cited_documents, across documents
        report.rows_per_table = {name: len(rows) for name, rows in tables.items()}
        manifest = {"parser_version": PARSER_VERSION, "schemas": schemas_fingerprint(), "files": files_entry}
        if manifest != old or current is None or owned.damaged(current, SCHEMAS):
            commit_version(owned, {name: to_arrow(name, rows) for name, rows in tables.items()}, manifest)
            report.written = True
        _prune_cache(out, {entry["cache"]["file"] for entry in files_entry.values() if entry.get("cache")})
    report.seconds = time.perf_counter() - started
    return report


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
