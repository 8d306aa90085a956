"""Lexicons kept as data: one TSV file a kind of word, read by one loader.

The words a reader matches (document types, column names, signers' titles, agency heads, a font's widths)
are data a linguist can review and extend without reading code, as dateparser keeps its languages. Each
file of `data/` holds a header line naming its columns, then one entry a line, its fields separated by
tabs. A line opening with `# ` (or a lone `#`) says why the entries under it are there; blank lines are
skipped. Order is
kept: where the first entry that matches wins (column roles), the file says so at its top.

A malformed file stops the import with its name and line, rather than let a reader run on a word list
cut short: every entry has all its fields, none empty or padded, in Unicode NFC, and no entry is twice.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DATA = files("parsers.language") / "data"


class LexiconError(ValueError):
    """A lexicon file that does not hold what its header says."""


@dataclass(frozen=True, slots=True)
class Entry:
    fields: tuple[str, ...]
    line_no: int  # in its file, for the integrity test's messages

    def __getitem__(self, i: int) -> str:
        return self.fields[i]


@dataclass(frozen=True, slots=True)
class Lexicon:
    name: str
    columns: tuple[str, ...]
    entries: tuple[Entry, ...]

    def column(self, name: str) -> list[str]:
        """Every entry's value in one column, in file order."""
        i = self.columns.index(name)
        return [e.fields[i] for e in self.entries]

    def rows(self) -> list[tuple[str, ...]]:
        return [e.fields for e in self.entries]


def names() -> list[str]:
    """Every lexicon the package holds."""
    return sorted(p.name.removesuffix(".tsv") for p in DATA.iterdir() if p.name.endswith(".tsv"))


@cache
def load(name: str) -> Lexicon:
    """The lexicon `data/<name>.tsv`, checked; LexiconError names the file and line of a fault."""
    return parse(name, (DATA / f"{name}.tsv").read_text(encoding="utf-8"))


def parse(name: str, text: str) -> Lexicon:
    """A lexicon from the text of its file."""
    columns: tuple[str, ...] | None = None
    entries: list[Entry] = []
    seen: dict[tuple[str, ...], int] = {}
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("# ") or line == "#":
            continue
        fields = tuple(line.split("\t"))
        where = f"{name}.tsv line {line_no}"
        if columns is None:
            columns = fields
            continue
        if len(fields) != len(columns):
            raise LexiconError(f"{where}: {len(fields)} fields, the header names {len(columns)}")
        for column, value in zip(columns, fields):
            if not value or value != value.strip():
                raise LexiconError(f"{where}: {column} is empty or padded with spaces")
            if unicodedata.normalize("NFC", value) != value:
                raise LexiconError(f"{where}: {column} is not in Unicode NFC")
        if fields in seen:
            raise LexiconError(f"{where}: the entry of line {seen[fields]} again")
        seen[fields] = line_no
        entries.append(Entry(fields, line_no))
    if columns is None:
        raise LexiconError(f"{name}.tsv: no header line")
    return Lexicon(name, columns, tuple(entries))
