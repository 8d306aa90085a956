"""A folder of plans into tables: incremental, parallel, safe to share.

- Incremental: each version of the tables carries the manifest of the run
  that wrote it (pipeline.storage.store): for every input, keyed by its resolved
  absolute path, the name it was given, its SHA-256, its result and the size
  and SHA-256 of its cache entry `<out>/.cache/<sha256>.arrow`, the
  document's rows as data (an Arrow IPC file: one row, one list column per
  table). A re-run
  parses only new or changed files, and files whose cache entry is missing or
  differs from the manifest (all of them after a parser-version or schema
  change, or with `force`); it drops the rows of removed files, and writes
  nothing at all when nothing changed and the current tables are whole.
- Parallel: documents are parsed by an engine (pipeline.batch.engines): worker
  processes of this machine, or a Dask cluster; results are gathered in input
  order, so the tables are the same for any engine and number of workers. A
  local worker dies with the process that started it and never writes after
  it; a Dask worker that dies has its document parsed by another.
- Safe: only regular files are read; a bad file is recorded in `errors` and
  the batch goes on. The tables are written as a new version and switched to
  in one step, so a reader sees the old tables or the new, never a mix.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc  # noqa: F401  (pa.ipc)

from parsers.facts.agencies import merge_agency_rows
from parsers.facts.resolve import resolve_citations
from parsers.model.errors import DocumentError
from parsers.read.extract import open_regular
from pipeline.batch.engines import Limits, Lost, make_engine
from pipeline.run import PARSER_VERSION, discover, parse_document
from pipeline.sources import is_url, local_copy, sha256_url, text_name
from pipeline.storage.schemas import SCHEMAS
from pipeline.storage.store.claims import claim
from pipeline.storage.store.files import is_plain_name, own_temporary, read_file
from pipeline.storage.store.records import CACHE, FileEntry
from pipeline.storage.write import (
    DOCS_PER_PART,
    LAYOUTS,
    VersionWriter,
    bucket_bits,
    bucket_of,
    layout_of,
    rows_to_arrow,
    sort_table,
    to_arrow,
)

# The column of the rows that names their input file: cached rows take the name of this run's input.
SOURCE_COLUMN = "source_path"
# A cache entry's name: the SHA-256 of the input it holds the rows of.
CACHE_ENTRY = re.compile(r"[0-9a-f]{64}\.(arrow|parquet)")  # .parquet: the format before this one, swept
# The cache entries' format, part of the fingerprint: entries of another format are parsed again, in silence.
# Arrow IPC, uncompressed: a batch reads every entry back, and opening one costs a tenth of a Parquet file's.
CACHE_FORMAT = "arrow-ipc-1"
CACHE_SUFFIX = ".arrow"
# The tables the batch-wide stages read (agencies merged, citations resolved across documents): read
# for every document at once. The other tables are read from the cache one range of documents at a
# time as they are written, so that the batch's memory does not grow with every row of every document.
WHOLE_BATCH = ("documents", "citations", "agencies")
PER_DOCUMENT = tuple(name for name in SCHEMAS if name not in WHOLE_BATCH + ("cited_documents", "errors"))
# What the run knows of one input: (rows of the WHOLE_BATCH tables, its `errors` row's stage, code and
# message, its cache entry in the manifest, rows per table); None where there are none.
Outcome = tuple[dict[str, list[dict]] | None, dict | None, dict | None, dict[str, int] | None]
# The largest cache entry the run reads that its manifest does not list (one a killed run wrote): a
# document's rows are a few MB; a sparse file of gigabytes under an entry's name is not read.
MAX_CACHE_ENTRY_BYTES = 256 * 2**20


# Errors that say what befell a file in one run, not what its bytes are: the file is tried again by
# the next run (any other error is remembered for the same bytes, and not parsed again).
TRANSIENT_ERRORS = frozenset({"input_changed", "input_removed", "worker_lost", "cache_changed", "cache_not_shared",
                              "timeout", "over_memory"})
# Of those, the ones that leave another name of the same bytes worth reading in the same run.
GONE_UNDER_THE_RUN = frozenset({"input_changed", "input_removed"})


class InputError(Exception):
    """An input the run was given is not there or cannot be listed: nothing is written."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class StaleEntry(Exception):
    """A cache entry the run checked changed before the run wrote its rows."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


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



def input_key(path: str | Path) -> str:
    """The manifest's key of an input: its resolved absolute path, the same however the folder was named;
    a URL as it is."""
    if is_url(path):
        return str(path)
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
    """Changes whenever a table or a column is added, removed or retyped, or the cache's format changes:
    cached rows of another shape are not used."""
    text = "\n".join([f"{name}: {schema.to_string(show_field_metadata=False, show_schema_metadata=False)}"
                      for name, schema in SCHEMAS.items()] + [CACHE_FORMAT])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ the cache: rows as data


@functools.lru_cache(maxsize=1)
def _cache_schema() -> pa.Schema:
    return pa.schema([pa.field(name, pa.list_(pa.struct(list(schema)))) for name, schema in SCHEMAS.items()])


def encode_rows(rows: dict[str, list[dict]]) -> bytes:
    """One document's rows as a one-row Arrow IPC file: a list of rows per table, typed by SCHEMAS."""
    unknown = set(rows) - set(SCHEMAS)
    if unknown:
        raise ValueError(f"tables not in SCHEMAS: {sorted(unknown)}")
    columns = []
    for name in SCHEMAS:
        structs = rows_to_arrow(name, rows.get(name, [])).to_struct_array().combine_chunks()
        columns.append(pa.ListArray.from_arrays(pa.array([0, len(structs)], pa.int32()), structs))
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, _cache_schema()) as writer:
        writer.write_table(pa.Table.from_arrays(columns, schema=_cache_schema()))
    return sink.getvalue()


def _read_entry(data: bytes, tables) -> pa.Table:
    entry = pa.ipc.open_file(pa.BufferReader(data))
    if not entry.schema.equals(_cache_schema(), check_metadata=False):
        raise ValueError("not a cache entry of the current schemas")
    table = entry.read_all().select(list(tables))
    if table.num_rows != 1:
        raise ValueError("not a cache entry: it holds no document, or several")
    return table


def decode_rows(data: bytes, tables=tuple(SCHEMAS)) -> dict[str, list[dict]]:
    """The rows `encode_rows` stored (of `tables`, every table by default); ValueError when the data is
    not such an entry."""
    entry = _read_entry(data, tables)
    return {name: entry.column(name)[0].as_py() for name in tables}


def decode_tables(data: bytes, tables) -> dict[str, pa.Table]:
    """The stored rows of `tables` as Arrow tables of their declared schemas, with no Python row in between."""
    entry = _read_entry(data, tables)
    # pyarrow-stubs 20 types ChunkedArray.chunk() as a ChunkedArray; pyarrow returns the chunk, a ListArray here.
    return {name: pa.Table.from_struct_array(entry.column(name).chunk(0).values)  # type: ignore[attr-defined]
            .cast(SCHEMAS[name]) for name in tables}


def _store(out: Path, sha: str, rows: dict) -> dict:
    """Write one document's cache entry beside its final name, then move it there; its manifest entry."""
    data = encode_rows(rows)
    folder = out / CACHE
    fd, tmp = tempfile.mkstemp(prefix=f".{sha}{CACHE_SUFFIX}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes it private: cluster workers may run as another user than the batch that reads it.
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / f"{sha}{CACHE_SUFFIX}")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return FileEntry(f"{sha}{CACHE_SUFFIX}", len(data), hashlib.sha256(data).hexdigest()).as_json()


def _load_cached(out: Path, sha: str, entry: dict | None) -> tuple[dict, dict] | None:
    """The cached rows of the input with SHA-256 `sha` (of the WHOLE_BATCH tables), and their manifest entry;
    None when there are none to trust.

    An entry the manifest lists must have the size and SHA-256 it gives (its
    size checked before it is read); one it does not list (written by a run
    killed before its new version) is used when it reads as the rows of this
    very file by this parser version.
    """
    name, listed = f"{sha}{CACHE_SUFFIX}", None
    if entry is not None and isinstance(entry.get("cache"), dict):
        listed = entry["cache"]
        name = listed.get("file")
        if not is_plain_name(name) or not isinstance(listed.get("bytes"), int):
            warnings.warn(f"manifest of {out}: ignored the cache entry {name!r}: not a plain file name and size",
                          stacklevel=2)
            return None
    path = out / CACHE / name
    try:
        data = read_file(path, MAX_CACHE_ENTRY_BYTES, None) if listed is None else \
            read_file(path, listed["bytes"], listed["bytes"])
    except OSError as exc:
        if listed is not None and exc.errno == errno.EFBIG:
            warnings.warn(f"{path}: damaged cache entry ({exc.strerror}); the file is parsed again", stacklevel=2)
        return None
    cache = FileEntry(name, len(data), hashlib.sha256(data).hexdigest()).as_json()
    if listed is not None and listed != cache:
        warnings.warn(f"{path}: damaged cache entry (it differs from the manifest); the file is parsed again",
                      stacklevel=2)
        return None
    try:
        rows = decode_rows(data, WHOLE_BATCH)
    except (ValueError, OSError, pa.ArrowException) as exc:
        warnings.warn(f"{path}: unreadable cache entry ({exc}); the file is parsed again", stacklevel=2)
        return None
    documents = rows["documents"]
    if len(documents) != 1 or documents[0].get("source_sha256") != sha \
            or documents[0].get("parser_version") != PARSER_VERSION:
        return None  # the rows of another file, or of another parser
    return rows, cache


def _cached_tables(out: Path, cache: dict, tables) -> dict[str, pa.Table]:
    """A document's rows of `tables`, from the cache entry this run checked; StaleEntry when it changed since."""
    path = out / CACHE / cache["file"]
    try:
        data = read_file(path, cache["bytes"], cache["bytes"])
    except OSError:
        raise StaleEntry(cache["file"]) from None
    if hashlib.sha256(data).hexdigest() != cache["sha256"]:
        raise StaleEntry(cache["file"])
    try:
        return decode_tables(data, tables)
    except (ValueError, OSError, pa.ArrowException):
        raise StaleEntry(cache["file"]) from None


def _prune_cache(out: Path, keep: set[str]) -> None:
    """Delete the cache entries no input needs any more, and temporary files a killed worker left; nothing else."""
    folder = out / CACHE
    for entry in os.listdir(folder):
        final = entry[1:].rsplit(".", 2)[0]  # `.<sha>.arrow.<random>.tmp`: on its way to `<sha>.arrow`
        ours = (CACHE_ENTRY.fullmatch(entry) and entry not in keep) or \
            (CACHE_ENTRY.fullmatch(final) and own_temporary(entry, final))
        if ours and (folder / entry).is_file() and not (folder / entry).is_symlink():
            (folder / entry).unlink(missing_ok=True)


# ------------------------------------------------------------------ jobs (run by an engine, maybe elsewhere)


@dataclass(frozen=True, slots=True)
class Job:
    """One file to parse: names and numbers only, so that it travels to any worker as a few bytes."""

    key: str  # the manifest's key of the input
    name: str  # its path or URL, as this run was given it
    sha: str  # its SHA-256: the name of its cache entry
    out: str  # the output folder, where the worker writes the cache entry
    parent: int | None  # the pid the worker checks before it writes (a local pool's batch)


def _parse_one(job: Job) -> tuple[str, dict | None, dict | None, dict | None]:
    """Worker: parse one file and cache its rows; (key, error, cache entry, rows per table).

    The worker writes the cache itself and returns only its name: a result is a
    few hundred bytes, whether it crosses a pipe or a network, and the batch
    reads each document's rows from the cache when it writes them.
    """
    try:
        ocr_cache = Path(job.out) / CACHE / "ocr"
        if is_url(job.name):
            with local_copy(job.name) as path:
                rows = parse_document(path, ocr_cache=ocr_cache)
        else:
            rows = parse_document(job.name, ocr_cache=ocr_cache)
        if rows["documents"][0]["source_sha256"] != job.sha:
            return job.key, {"stage": "extract", "code": "input_changed",
                             "message": "the file changed while the run read it (its bytes are not those the run "
                                        "began with); run again"}, None, None
        _name_rows(rows, text_name(job.name))
        if job.parent not in (None, os.getpid(), os.getppid()):  # the batch is gone: nothing is written
            os._exit(1)
        cache = _store(Path(job.out), job.sha, rows)
        return job.key, None, cache, {name: len(table_rows) for name, table_rows in rows.items()}
    except DocumentError as exc:
        if not is_url(job.name) and not os.path.lexists(job.name):
            return job.key, {"stage": "extract", "code": "input_removed",
                             "message": "the file was removed while the run read it"}, None, None
        return job.key, _error_of(exc), None, None
    except MemoryError:  # the worker's own limit (an allocation refused), not a bug of the parser
        return job.key, {"stage": "internal", "code": "over_memory",
                         "message": "refused: it needed more memory than the worker may use"}, None, None
    except Exception as exc:  # a parser bug: recorded, never fatal to the batch
        return job.key, {"stage": "internal", "code": "internal_error",
                         "message": f"parser bug: {type(exc).__name__}: {exc}"}, None, None


def _hash_url(url: str) -> tuple[str | None, dict | None]:
    """Worker: the SHA-256 of an input named by URL, read where the worker is; or why it cannot be read."""
    try:
        return sha256_url(url), None
    except DocumentError as exc:
        return None, _error_of(exc)


def _error_of(exc: DocumentError) -> dict:
    return {"stage": exc.stage, "code": exc.code, "message": exc.reason}


# ------------------------------------------------------------------ the run


def _hash_inputs(given: dict[str, str], engine) -> tuple[dict[str, str | None], dict[str, dict]]:
    """Each input's SHA-256 (None when unreadable), and the error of each that is not a regular file or cannot be read.

    Local files are hashed here; URLs by the engine's workers, which read them.
    """
    hashes: dict[str, str | None] = {key: None for key in given}
    unreadable: dict[str, dict] = {}
    urls = [key for key, name in given.items() if is_url(name)]
    for key, path in given.items():
        if is_url(path):
            continue
        try:
            hashes[key] = sha256_of(Path(path))
        except DocumentError as exc:
            unreadable[key] = _error_of(exc)
        except OSError as exc:
            unreadable[key] = {"stage": "extract", "code": "unreadable",
                               "message": f"cannot read file ({exc.strerror or exc})"}
    for i, result in engine.map(_hash_url, [given[key] for key in urls]):
        if isinstance(result, Lost):
            unreadable[urls[i]] = {"stage": "extract", "code": result.code, "message": result.message}
        elif result[1] is not None:
            unreadable[urls[i]] = result[1]
        else:
            hashes[urls[i]] = result[0]
    return hashes, unreadable


def _known_results(out: Path, old_files: dict, hashes: dict[str, str], keys: list[str]) -> dict[str, Outcome]:
    """The inputs this run need not parse: (rows, error, cache entry) by key, from the manifest and the cache."""
    known: dict[str, Outcome] = {}  # key -> (rows, error, cache entry, counts)
    for key in keys:
        entry = old_files.get(key)
        entry = entry if isinstance(entry, dict) and entry.get("sha256") == hashes[key] else None
        error = entry.get("error") if entry and entry.get("status") == "failed" else None
        if isinstance(error, dict) and all(isinstance(error.get(k), str) for k in ("stage", "code", "message")) \
                and error["code"] not in TRANSIENT_ERRORS:
            known[key] = (None, error, None, None)  # the same bytes failed before: they fail again
        elif cached := _load_cached(out, hashes[key], entry if entry and entry.get("status") == "ok" else None):
            known[key] = (cached[0], None, cached[1], None)
    return known


def _parse_todo(out: Path, jobs: list[Job], engine, on_result: Callable[[str], None]) -> dict[str, Outcome]:
    """Parse the jobs on the engine: (rows of the WHOLE_BATCH tables, error, cache entry, counts) by key.

    The rows are read back from the cache the worker wrote: a worker that wrote
    them where this process cannot read them (an output folder not shared with
    the cluster) is told of in `errors`.
    """
    fresh: dict[str, Outcome] = {}
    for i, result in engine.map(_parse_one, jobs):
        job = jobs[i]
        if isinstance(result, Lost):
            error = {"stage": "internal", "code": result.code, "message": result.message}
            fresh[job.key] = (None, error, None, None)
        else:
            key, error, cache, counts = result
            rows = None
            if error is None:
                cached = _load_cached(out, job.sha, {"cache": cache})
                if cached is None:
                    error = {"stage": "internal", "code": "cache_not_shared",
                             "message": f"the worker's rows are not in {text_name(out / CACHE)}: the output folder "
                                        "must be one path that every worker and this machine can read"}
                else:
                    rows = cached[0]
            fresh[key] = (rows, error, cache, counts)
        on_result(job.name)
    return fresh


def _write_version(owned, kept: list[tuple[str, dict]], whole: dict[str, list[dict]], manifest: dict,
                   layout: str, docs_per_part: int) -> dict[str, int]:
    """Write a new version from the kept documents' cache entries and the batch-wide tables; rows per table.

    The per-document tables are written one range of doc_ids at a time
    (pipeline.storage.write.VersionWriter), the documents of a range read from the cache
    in doc_id order: every such table is sorted by doc_id first, so the ranges'
    rows, each range sorted, are the table's rows in its declared order.
    StaleEntry when a cache entry changed since the run checked it: nothing is
    made current, and the half-written folder is the next run's to remove.
    """
    bits = bucket_bits(len(kept), docs_per_part)
    ranges: dict[int, list[dict]] = {}
    for doc_id, cache in sorted(kept, key=lambda item: item[0]):
        ranges.setdefault(bucket_of(doc_id, bits), []).append(cache)
    writer = VersionWriter(owned, layout, bits)
    try:
        for bucket, caches in ranges.items():
            pieces: dict[str, list[pa.Table]] = {name: [] for name in PER_DOCUMENT}
            for cache in caches:
                for name, table in _cached_tables(owned.out, cache, PER_DOCUMENT).items():
                    pieces[name].append(table)
            for name in PER_DOCUMENT:
                writer.add(name, sort_table(name, pa.concat_tables(pieces[name])), bucket)
        for name, rows in whole.items():
            writer.add(name, to_arrow(name, rows))
        writer.commit(manifest)
    finally:
        writer.close()
    return {name: writer.rows.get(name, 0) for name in SCHEMAS}


def check_inputs(inputs) -> None:
    """Every input named is there and, a folder, can be listed; InputError for the first that is not.

    Checked before the output folder is touched: a mistyped name must not
    commit a version without that name's documents, nor sweep their cache.
    """
    for item in inputs:
        if is_url(item):
            continue
        if not item or not os.path.lexists(item):
            raise InputError(str(item), "no such file or folder")
        if os.path.isdir(item):
            try:
                with os.scandir(item):
                    pass
            except OSError as exc:
                raise InputError(str(item), f"cannot list the folder ({exc.strerror or exc})") from None


def _same_bytes(given: dict[str, str], hashes: dict[str, str | None]) -> dict[str, str]:
    """For each input whose bytes an earlier input (in input order) already has: that input's key.

    Copies, hard links, links to one file: one job per content, so that no two
    workers parse the same document or write its cache entry at once.
    """
    first: dict[str, str] = {}
    copies: dict[str, str] = {}
    for key in given:
        sha = hashes.get(key)
        if sha is not None:
            copies.update({key: first[sha]} if sha in first else {})
            first.setdefault(sha, key)
    return copies


def _promote_copies(copies: dict[str, str], outcomes: dict[str, tuple]) -> list[str]:
    """Where an input was changed or removed under the run, its first copy becomes the one to parse.

    `copies` is changed in place: the other copies now copy the promoted one.
    Returns the inputs to parse now; none when no original went away.
    """
    promoted = []
    for original in dict.fromkeys(copies.values()):
        error = outcomes[original][1]
        if error is None or error["code"] not in GONE_UNDER_THE_RUN:
            continue
        heirs = [key for key, of in copies.items() if of == original]
        heir = heirs[0]
        del copies[heir]
        copies.update({key: heir for key in heirs[1:]})
        promoted.append(heir)
    return promoted


@dataclass
class _Assembled:
    report: BatchReport
    whole: dict[str, list[dict]]
    kept: list[tuple[str, dict]]  # (doc_id, cache entry) of each document whose rows the tables hold
    files: dict[str, dict]  # the manifest's entry of each input
    cache_keys: dict[str, str]  # cache entry's name -> the key of the input it holds the rows of


def _assemble(given: dict[str, str], hashes: dict, outcomes: dict[str, tuple], copies: dict[str, str]) -> _Assembled:
    """Every input's result, in input order: the batch-wide tables, the documents kept, the manifest's entries.

    `outcomes`: key -> (rows of the WHOLE_BATCH tables, error, cache entry, counts, status) of each
    input parsed, unchanged or refused; a copy takes the outcome of the input it copies.
    """
    done = _Assembled(BatchReport(), {name: [] for name in (*WHOLE_BATCH, "errors")}, [], {}, {})
    documents: dict[str, dict] = {}  # the key of a parsed input -> its documents row, for its other names
    for key, given_path in given.items():
        sha, path = hashes[key], text_name(given_path)
        original = copies.get(key)
        rows, error, cache, counts, status = outcomes[original or key]
        if error is not None:
            error = {"source_path": path, "sha256": sha, **{k: error[k] for k in ("stage", "code", "message")}}
            done.whole["errors"].append(error)
            done.files[key] = {"path": path, "sha256": sha, "status": "failed", "error": error}
            done.report.results.append(FileResult(given_path, sha, "failed", error=error))
        elif original is not None:
            done.files[key] = {"path": path, "sha256": sha, "status": "duplicate",
                               "same_as": text_name(given[original])}
            documents[original]["other_paths"] = [*(documents[original].get("other_paths") or []), path]
            done.report.results.append(FileResult(given_path, sha, "duplicate",
                                                  summary={"duplicate_of": given[original]}))
        else:
            rows = {name: [dict(row) for row in rows[name]] for name in WHOLE_BATCH}  # ours to name
            _name_rows(rows, path)
            doc_id = rows["documents"][0]["doc_id"]
            documents[key] = rows["documents"][0]
            done.files[key] = {"path": path, "sha256": sha, "status": "ok", "doc_id": doc_id, "cache": cache}
            done.cache_keys[cache["file"]] = key
            for name in WHOLE_BATCH:
                done.whole[name].extend(rows[name])
            done.kept.append((doc_id, cache))
            done.report.results.append(FileResult(given_path, sha, status, summary=rows["documents"][0],
                                                  counts=counts))
    done.whole["agencies"] = merge_agency_rows(done.whole["agencies"])  # one row per agency across documents
    done.whole.update(resolve_citations(done.whole))  # citations → cited_documents, across documents
    return done


def run_batch(inputs, out_dir: str | Path, workers: int | None = None, force: bool = False,
              on_done: Callable[[str], None] | None = None, engine: str = "local",
              scheduler: str | None = None, layout: str = "single",
              docs_per_part: int = DOCS_PER_PART, limits: Limits | None = None) -> BatchReport:
    """Parse what is new or changed among `inputs` and write a new version of the tables in `out_dir`
    if anything changed.

    `inputs`: files, folders, or URLs (pipeline.sources); InputError, before
    anything is written, when one is not there. `out_dir` must be new, empty
    or a pipeline output (pipeline.storage.store.claims.OutputError otherwise).
    `engine`: `local` (processes of this machine, `workers` of them) or `dask`
    (pipeline.batch.engines: a local Dask cluster of `workers` processes, or the
    cluster at `scheduler`); the tables are the same whatever the engine.
    `limits`: the time and memory one file may take (pipeline.batch.engines.Limits).
    `layout`: `single` (one Parquet file per table) or `dataset` (a folder of
    Parquet files per table, about `docs_per_part` documents to a file:
    pipeline.storage.write). `on_done(path)` is called once
    for every input file, as its parse ends or, for an unchanged file, at once
    (for a progress bar); the report lists every file's result in input order.
    """
    started = time.perf_counter()
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    on_done = on_done or (lambda _name: None)
    check_inputs(inputs)
    names = discover(inputs)
    with make_engine(engine, workers, scheduler, limits) as runner, claim(out_dir) as owned:
        out = owned.out
        (out / CACHE).mkdir(exist_ok=True)
        current = owned.current()
        old = owned.read_manifest(current)
        same_parser = old.get("parser_version") == PARSER_VERSION and old.get("schemas") == schemas_fingerprint()
        files = old.get("files")
        old_files = files if same_parser and not force and isinstance(files, dict) else {}

        given: dict[str, str] = {}  # key -> the name this run was given
        for name in names:
            given.setdefault(input_key(name), str(name))
        hashes, unreadable = _hash_inputs(given, runner)
        shas = {key: sha for key, sha in hashes.items() if sha is not None}  # every input not in `unreadable`
        copies = _same_bytes(given, {k: v for k, v in hashes.items() if k not in unreadable})
        firsts = [key for key in given if key not in unreadable and key not in copies]
        known = {} if force else _known_results(out, old_files, shas, firsts)
        todo = [key for key in firsts if key not in known]
        for key in given:
            if key not in todo:
                on_done(given[key])

        # Largest files first, so that no big file starts last and keeps one worker busy
        # alone; the tables are assembled in input order below, whatever the order here.
        todo.sort(key=lambda key: -_size(given[key]))
        where = str(out.resolve())

        def parse(keys: list[str], on_result: Callable[[str], None] = lambda _name: None) -> dict[str, tuple]:
            """The outcomes of the inputs `keys`, each parsed on the engine."""
            jobs = [Job(key, given[key], shas[key], where, runner.parent) for key in keys]
            return {key: (*result, "parsed") for key, result in _parse_todo(out, jobs, runner, on_result).items()}

        outcomes = {key: (*known[key], "unchanged") for key in known}
        outcomes.update({key: (None, error, None, None, "failed") for key, error in unreadable.items()})
        outcomes.update(parse(todo, on_done))
        while promoted := _promote_copies(copies, outcomes):  # a copy read where its original went away
            outcomes.update(parse(promoted))

        retried: set[str] = set()
        while True:  # ends: each input is parsed again at most once, then refused
            done = _assemble(given, hashes, outcomes, copies)
            manifest = {"parser_version": PARSER_VERSION, "schemas": schemas_fingerprint(), "files": done.files}
            if manifest == old and current is not None and not owned.damaged(current, SCHEMAS) \
                    and layout_of(current) == layout:
                done.report.rows_per_table = {name: sum(entry.rows or 0 for entry in current.tables.get(name, ()))
                                              for name in SCHEMAS}
                break
            try:
                done.report.rows_per_table = _write_version(owned, done.kept, done.whole, manifest, layout,
                                                            docs_per_part)
                done.report.written = True
                break
            except StaleEntry as stale:
                key = done.cache_keys[stale.name]
                if key not in retried:  # parsed again, its entry written anew
                    retried.add(key)
                    outcomes.update(parse([key]))
                else:
                    outcomes[key] = (None, {"stage": "internal", "code": "cache_changed",
                                            "message": f"its cache entry {stale.name} changed while the run read "
                                                       "it, and again once parsed anew (another program writes "
                                                       "the output folder)"}, None, None, "failed")
        report = done.report
        _prune_cache(out, {entry["cache"]["file"] for entry in done.files.values() if entry.get("cache")})
        if not report.written:
            owned.sweep_parts()  # what a run killed before its record left, when this run commits none
    report.seconds = time.perf_counter() - started
    return report


def _size(path: str) -> int:
    if is_url(path):
        return 0  # the size of an object is the worker's to know; URLs keep their order
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
