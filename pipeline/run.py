"""One document through every stage; the files a batch is made of."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

from parsers.appendix import attach, read_appendices
from parsers.clean import clean
from parsers.errors import DocumentError  # noqa: F401  (re-exported: what parse_document raises)
from parsers.extract import extract
from parsers.normalise import normalise
from parsers.outline import outline
from parsers.tables import project

PARSER_VERSION = "0.2.0"  # 0.2.0: appendix_rows.other_cells
INPUT_SUFFIXES = (".pdf", ".txt", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


def parse_document(path: str | Path, timings: dict[str, float] | None = None,
                   ocr_cache: str | Path | None = None) -> dict[str, list[dict]]:
    """All table rows of one document; raises DocumentError for a file it cannot parse.

    `timings`, when given, receives the seconds each stage took (what bench/bench.py prints);
    `ocr_cache`, a folder that keeps scanned pages' OCR between runs."""
    lap = _stopwatch(timings)
    source = extract(path, ocr_cache)
    lap("extract")
    cleaned = clean(source)
    lap("clean")
    tree = outline(cleaned)
    lap("outline")
    appendices = read_appendices(cleaned, tree)
    lap("appendix")
    rows = project(cleaned, attach(tree, appendices), appendices, PARSER_VERSION)
    lap("tables")
    rows = normalise(rows)
    lap("normalise")
    return rows


def _stopwatch(timings: dict[str, float] | None):
    """A function that books the time since its last call (or since it was made) under a stage's name."""
    if timings is None:
        return lambda stage: None
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - last
        last = now
    return lap


def discover(inputs: Iterable[str | Path]) -> list[Path]:
    """The files to parse: files as named, folders searched for INPUT_SUFFIXES, sorted."""
    found: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES
                                and not f.name.startswith(".")))
        else:
            found.append(p)
    return list(dict.fromkeys(found))  # a file named twice is parsed once
