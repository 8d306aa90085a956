"""Orchestration: files in, rows of every table out; one bad file never stops a batch."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from parsers.clean import clean
from parsers.errors import DocumentError
from parsers.extract import extract
from parsers.outline import outline
from parsers.tables import project

from .schemas import SCHEMAS

PARSER_VERSION = "0.1.0"
INPUT_SUFFIXES = (".pdf", ".txt")


def parse_document(path: str | Path) -> dict[str, list[dict]]:
    """All table rows of one document; raises DocumentError for a file it cannot parse."""
    source = extract(path)
    cleaned = clean(source)
    tree = outline(cleaned)
    return project(cleaned, tree, PARSER_VERSION)


def discover(inputs: Iterable[str | Path]) -> list[Path]:
    """The files to parse: files as named, folders searched for `.pdf` and `.txt`, sorted."""
    found: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
                                and not f.name.startswith(".")))
        else:
            found.append(p)
    seen, unique = set(), []
    for f in found:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique


@dataclass
class Outcome:
    """What became of one input file."""

    path: Path
    ok: bool
    summary: dict = field(default_factory=dict)  # the documents row, counts per table
    error: dict | None = None  # the errors row


@dataclass
class Batch:
    tables: dict[str, list[dict]]
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def _error_row(path: Path, stage: str, code: str, message: str) -> dict:
    try:
        import hashlib
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {"source_path": str(path), "sha256": digest, "stage": stage, "code": code, "message": message}


def parse_paths(inputs: Iterable[str | Path], on_outcome: Callable[[Outcome], None] | None = None,
                debug: bool = False) -> Batch:
    tables: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    outcomes: list[Outcome] = []
    seen_ids: dict[str, Path] = {}
    for path in discover(inputs):
        try:
            rows = parse_document(path)
        except DocumentError as exc:
            outcome = Outcome(path, False, error=_error_row(path, exc.stage, exc.code, exc.reason))
        except Exception as exc:  # a bug, not a bad file: report it and go on with the batch
            if debug:
                traceback.print_exc()
            outcome = Outcome(path, False, error=_error_row(path, "internal", "internal_error",
                                                            f"parser bug: {type(exc).__name__}: {exc}"))
        else:
            doc = rows["documents"][0]
            if doc["doc_id"] in seen_ids:
                outcome = Outcome(path, True, summary={"duplicate_of": str(seen_ids[doc["doc_id"]]), **doc})
            else:
                seen_ids[doc["doc_id"]] = path
                for name, table_rows in rows.items():
                    tables[name].extend(table_rows)
                outcome = Outcome(path, True, summary={**doc, "counts": {k: len(v) for k, v in rows.items()}})
        if outcome.error:
            tables["errors"].append(outcome.error)
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return Batch(tables=tables, outcomes=outcomes)
