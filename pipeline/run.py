"""One document through every stage; the files a batch is made of."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from parsers.appendix import attach, read_appendices
from parsers.clean import clean
from parsers.errors import DocumentError  # noqa: F401  (re-exported: what parse_document raises)
from parsers.extract import extract
from parsers.normalise import normalise
from parsers.outline import outline
from parsers.tables import project

PARSER_VERSION = "0.1.0"
INPUT_SUFFIXES = (".pdf", ".txt")


def parse_document(path: str | Path) -> dict[str, list[dict]]:
    """All table rows of one document; raises DocumentError for a file it cannot parse."""
    source = extract(path)
    cleaned = clean(source)
    tree = outline(cleaned)
    appendices = read_appendices(cleaned, tree)
    return normalise(project(cleaned, attach(tree, appendices), appendices, PARSER_VERSION))


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
    return list(dict.fromkeys(found))  # a file named twice is parsed once
