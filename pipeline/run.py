"""One document through every stage; the files a batch is made of."""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from parsers.enrich import enrich
from parsers.model.errors import DocumentError  # noqa: F401  (re-exported: what parse_document raises)
from parsers.project import project
from parsers.read.extract import extract
from parsers.structure.clean import clean
from parsers.structure.outline import outline
from parsers.tables.appendix import attach, read_appendices
from pipeline.sources import discover_url, is_url
from pipeline.version import VERSION as PARSER_VERSION  # the package's too: what each changed is in CHANGELOG.md

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
    rows = enrich(rows)
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


def discover(inputs: Iterable[str | Path]) -> list[str | Path]:
    """The files to parse: names as given, folders searched for names ending in INPUT_SUFFIXES, sorted.

    A URL (`s3://bucket/plans/`, `file:///data/raw`) is listed by fsspec
    (pipeline.sources) and its files come back as URLs, in the same order.

    In a folder, whatever holds such a name is listed, be it a folder, a pipe
    or a broken link, and so is a symlink that leads back to a folder above it:
    the batch then says, one line each, why it cannot read it, instead of
    passing over it in silence. Hidden names are skipped. One file named twice,
    or by two paths (relative and absolute, or through a link), is listed once.
    """
    found: list[Path] = []
    urls: dict[str, str] = {}
    for item in inputs:
        if is_url(item):
            urls.update((url, url) for url in discover_url(str(item), INPUT_SUFFIXES))
            continue
        p = Path(item)
        if p.is_dir():
            real = Path(os.path.realpath(p))
            # The folder and every folder above it: a link to any of them leads round in a loop.
            above = frozenset((st.st_dev, st.st_ino) for st in map(os.stat, [real, *real.parents]))
            found.extend(sorted(_walk(p, above)))
        else:
            found.append(p)
    unique: dict[str, Path] = {}
    for f in found:
        unique.setdefault(os.path.realpath(os.path.abspath(f)), f)
    return [*unique.values(), *urls.values()]


def _walk(folder: Path, above: frozenset) -> Iterator[Path]:
    """The input names under `folder`, following links to folders but never round a loop."""
    st = os.stat(folder)
    above = above | {(st.st_dev, st.st_ino)}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        yield folder  # a folder that cannot be listed: the batch says why
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        named_like_input = path.suffix.lower() in INPUT_SUFFIXES
        try:
            st = os.stat(path)
        except OSError as exc:  # a broken link, or a link that leads to itself
            if named_like_input or exc.errno == errno.ELOOP:
                yield path
            continue
        if stat.S_ISDIR(st.st_mode):
            if (st.st_dev, st.st_ino) in above or named_like_input:
                yield path  # a loop, or a folder named like a file
            else:
                yield from _walk(path, above)
        elif named_like_input:
            yield path
