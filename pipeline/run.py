"""One document through every stage; the files a batch is made of."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path
from typing import Iterable, Iterator

from parsers.appendix import attach, read_appendices
from parsers.clean import clean
from parsers.errors import DocumentError  # noqa: F401  (re-exported: what parse_document raises)
from parsers.extract import extract
from parsers.normalise import normalise
from parsers.outline import outline
from parsers.tables import project

from .sources import discover_url, is_url

PARSER_VERSION = "0.4.26"  # 0.4.26: a flattened appendix line placed in no row or cell is a warning (appendix_line_unplaced); a line of more than 64 words is one piece of one cell; 0.4.25: names in the two orthographies of `oa`, `oe`, `uy` (`Hoà`/`Hòa`, `Uỷ`/`Ủy`) keyed in one (vocab.orthography_key): documents.signer_key, cited_documents.issuer_key, a law cited by name in either, the signer compared with the site's in either, an agency's name keeps `Quý`, `Quỹ`; 0.4.24: codes with dotted sections (`VPCP-V.III`), joint codes (`QCPH-UBND-UBMTTQ`) and units joined by `&` (`BNV-CTTN&BĐG`), a list's bare numbers (`…, 8563/VPCP-CN`), amending laws named `Luật sửa đổi, bổ sung …`, a local body's name ends before lower-case words, a list's issuer shared by its items both ways, a consolidated text typed by its code and its ranked signer read, `V/V` opens a letter's subject; 0.4.23: on a page, a dash item ended short with `.` or `;` ends its paragraph before a capital line set flush with the margin; 0.4.22: a two-column block ends where a one-sided line leaves the middle of a column set centred (`Kính gửi:` under a long subject); 0.4.21: PDF task rows: a label spanning the task column with values beside it the row's task (a total), a list's title spanning the table a group, a row broken over a page joined where its first, labelling column is empty; 0.4.20: a PDF task table whose header names a role twice read (its cells joined, as on the web), a group row of a label and a title alone in their cells read as a group (web and PDF); 0.4.19: `Văn bản giao nhiệm vụ` a column of its own (legal_basis), citations read from appendix rows' other cells too; 0.4.18: a PDF appendix read into task rows only where a table's header names a task table's columns (as on the web), a grid right under another of as many columns one table with it; 0.4.17: tables numbered in the order printed (an appendix's task table after the lists printed before it); 0.4.16: a PDF appendix's task table read from its grids alone (the lists under other headers tables of their own, several grids hung from one paragraph), a list's header opening with its number column a header in a PDF grid; 0.4.15: a PDF appendix task table kept as printed (its own cells, spans and boxes) where its grids make one table, PDF rows broken by a page joined by their task cell where no number column; 0.4.14: PDF closing blocks with a one-line signature read by column, a line begun right of the middle ends its paragraph, appendix text beside a task table kept as paragraphs; 0.4.13: VBQPPL names the legal-basis column; 0.4.12: a web table opening with a list's header has it as its header row; 0.4.11: a list's header known by its number column and bold cells alone, also below a table without a header; 0.4.10: a list's header inside a web run opens a table of its own, a heading run into a header is no header cell, TTHC in column names; 0.4.9: web narrow rows placed the same in every process (odds summed in sorted order); 0.4.8: web rows under cells spanning rows placed in their columns, rows broken at an empty cell joined; 0.4.7: milestone kind from; 0.4.6: durations in the unit a column header gives, events of `trong thời gian …`; 0.4.5: a header printed again with its own long words; 0.4.4: milestone kind none; 0.4.3: a list title alone on its row is a group; 0.4.2: totals rows of web tables placed (label spanning, values under their column); 0.4.1: PDF tables over pages joined, group rows at page breaks, headers printed again, a subject printed twice, durations; 0.4.0: every document type, tables and table_cells, scans read by OCR; 0.3.0: citations read anew (types, codes, issuers, lists), cited_id; 0.2.0: appendix_rows.other_cells
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
