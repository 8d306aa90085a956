"""A folder of plans into tables: incremental, parallel, safe.

- Incremental: `<out>/_manifest.json` records each input's sha256, the parser
  version and the result; each parsed document's rows are cached under
  `<out>/.cache/`. A re-run parses only new or changed files (all of them after
  a parser-version change, or with `force`), drops the rows of removed files,
  and writes nothing at all when nothing changed.
- Parallel: documents are parsed in worker processes; results are gathered in
  input order, so the tables are the same for any number of workers.
- Safe: a bad file is recorded in `errors` and the batch goes on. Tables are
  written to temporary files, then a commit record names them, then they are
  renamed into place; a run killed before the commit record leaves the previous
  tables untouched, one killed after it is completed by `recover` (run by the
  next batch and by `load_tables`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from parsers.agencies import merge_agency_rows
from parsers.errors import DocumentError

from .run import PARSER_VERSION, discover, parse_document
from .schemas import SCHEMAS
from .write import to_arrow, write_parquet_tmp

MANIFEST = "_manifest.json"
COMMIT = "_commit.json"
CACHE = ".cache"


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse_one(job: tuple[str, str | None, str]) -> tuple[str, dict | None, dict | None]:
    """Worker: parse one file and cache its rows; (path, rows by table, error). Runs in a child process.

    The worker writes the cache itself, so that the main process, the part of a
    batch that does not run in parallel, does not serialise every result twice.
    """
    path, sha, out = job
    try:
        rows = parse_document(path, ocr_cache=Path(out) / CACHE / "ocr")
        if sha:
            _store(Path(out), sha, rows)
        return path, rows, None
    except DocumentError as exc:
        return path, None, {"stage": exc.stage, "code": exc.code, "message": exc.reason}
    except Exception as exc:  # a parser bug: recorded, never fatal to the batch
        return path, None, {"stage": "internal", "code": "internal_error",
                            "message": f"parser bug: {type(exc).__name__}: {exc}"}


# ------------------------------------------------------------------ commit


def recover(out_dir: str | Path) -> bool:
    """Finish a commit that a killed run left half done; True if there was one."""
    out = Path(out_dir)
    record = out / COMMIT
    if not record.exists():
        return False
    renames = json.loads(record.read_text(encoding="utf-8"))
    for tmp, final in renames:
        if (out / tmp).exists():
            os.replace(out / tmp, out / final)
    record.unlink()
    return True


def _commit(out: Path, tables: dict, manifest: dict) -> None:
    """Write every table and the manifest as one unit (see the module docstring)."""
    renames = []
    for name, table in tables.items():
        renames.append((write_parquet_tmp(table, out / f"{name}.parquet").name, f"{name}.parquet"))
    tmp_manifest = out / f".{MANIFEST}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    renames.append((tmp_manifest.name, MANIFEST))
    record_tmp = out / f".{COMMIT}.tmp"
    record_tmp.write_text(json.dumps(renames), encoding="utf-8")
    with open(record_tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(record_tmp, out / COMMIT)  # from here on, the new tables are the truth
    recover(out)


# ------------------------------------------------------------------ the run


def run_batch(inputs, out_dir: str | Path, workers: int | None = None, force: bool = False,
              on_done: Callable[[str], None] | None = None) -> BatchReport:
    """Parse what is new or changed among `inputs` and rewrite the tables in `out_dir` if anything changed.

    `on_done(path)` is called once for every input file, as its parse ends or,
    for an unchanged file, at once (for a progress bar); the report lists every
    file's result in input order.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    (out / CACHE).mkdir(parents=True, exist_ok=True)
    recover(out)
    for stale in out.glob(".*.tmp"):  # a run killed before its commit record
        stale.unlink()
    manifest_path = out / MANIFEST
    old = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    old_files = old.get("files", {}) if old.get("parser_version") == PARSER_VERSION and not force else {}

    files = [str(p) for p in discover(inputs)]
    hashes: dict[str, str | None] = {}
    for f in files:
        try:
            hashes[f] = sha256_of(Path(f))
        except OSError:
            hashes[f] = None
    todo = [f for f in files if not _unchanged(old_files.get(f), hashes[f], out)]
    if on_done:
        for f in set(files) - set(todo):
            on_done(f)

    report = BatchReport()
    fresh: dict[str, tuple[dict | None, dict | None]] = {}
    if todo:
        workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
        jobs = [(f, hashes[f], str(out)) for f in todo]

        def collect(result: tuple[str, dict | None, dict | None]) -> None:
            path, rows, error = result
            fresh[path] = (rows, error)
            if on_done:
                on_done(path)

        if workers == 1:
            for job in jobs:
                collect(_parse_one(job))
        else:
            # Largest files first, so that no big file starts last and keeps one worker busy
            # alone; the tables are assembled in input order below, whatever the order here.
            jobs.sort(key=lambda job: -Path(job[0]).stat().st_size if Path(job[0]).exists() else 0)
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for result in pool.map(_parse_one, jobs, chunksize=1):
                    collect(result)

    files_entry: dict[str, dict] = {}
    tables: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    seen_docs: dict[str, str] = {}
    for path in files:
        sha = hashes[path]
        if path in fresh:
            rows, error = fresh[path]
            status = "parsed"
        else:
            entry = old_files[path]
            error = entry.get("error")
            rows = None if error else _load(out, sha)
            status = "unchanged"
        if error is not None:
            error = {"source_path": path, "sha256": sha, **{k: error[k] for k in ("stage", "code", "message")}}
            tables["errors"].append(error)
            files_entry[path] = {"sha256": sha, "status": "failed", "error": error}
            result = FileResult(path, sha, "failed", error=error)
        else:
            doc_id = rows["documents"][0]["doc_id"]
            files_entry[path] = {"sha256": sha, "status": "ok", "doc_id": doc_id}
            if doc_id in seen_docs:
                result = FileResult(path, sha, "duplicate", summary={"duplicate_of": seen_docs[doc_id]})
            else:
                seen_docs[doc_id] = path
                for name, table_rows in rows.items():
                    tables[name].extend(table_rows)
                result = FileResult(path, sha, status, summary=rows["documents"][0],
                                    counts={k: len(v) for k, v in rows.items()})
        report.results.append(result)

    tables["agencies"] = merge_agency_rows(tables["agencies"])  # one row per agency across documents
    report.rows_per_table = {name: len(rows) for name, rows in tables.items()}
    manifest = {"parser_version": PARSER_VERSION, "files": files_entry}
    tables_missing = any(not (out / f"{name}.parquet").exists() for name in SCHEMAS)
    if manifest != old or tables_missing:
        _commit(out, {name: to_arrow(name, rows) for name, rows in tables.items()}, manifest)
        report.written = True
    _prune_cache(out, {h for h in hashes.values() if h})
    report.seconds = time.perf_counter() - started
    return report


def _unchanged(entry: dict | None, sha: str | None, out: Path) -> bool:
    """Does the manifest's entry still describe the file: same bytes, and its result at hand?"""
    if entry is None or not sha or entry["sha256"] != sha:
        return False
    return entry["status"] == "failed" or (out / CACHE / f"{sha}.pickle").exists()


def _store(out: Path, sha: str, rows: dict) -> None:
    target = out / CACHE / f"{sha}.pickle"
    tmp = target.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"parser_version": PARSER_VERSION, "rows": rows}, fh, protocol=5)
    os.replace(tmp, target)


def _load(out: Path, sha: str) -> dict:
    with open(out / CACHE / f"{sha}.pickle", "rb") as fh:
        return pickle.load(fh)["rows"]


def _prune_cache(out: Path, keep: set[str]) -> None:
    for f in (out / CACHE).glob("*.pickle"):
        if f.stem not in keep:
            f.unlink()
