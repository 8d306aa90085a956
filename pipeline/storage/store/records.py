"""Version records: the layout's names, what a record lists, and the current version read from `_current.json`.

A record is data from the folder, never trusted as more: it is parsed here
into `Version` and `FileEntry` values, every name checked to be a plain file
name, so that readers and the run that writes see the same version the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from pipeline.storage.store.files import is_plain_name, read_file, real_folder, sha256_file

# How a version lays out its tables: one Parquet file per table, or a folder of part files (a dataset).
LAYOUTS = ("single", "dataset")
CURRENT = "_current.json"
RECORD = "_version.json"
MANIFEST = "_manifest.json"
CACHE = ".cache"
LAYOUT = 2  # 1: one <table>.parquet per table beside _manifest.json, rewritten in place
LAYOUT_SHARED = 3  # a record that lists shared part files: a reader of layout 2 must not take it for one
DATASET = "dataset"
# A part file's name: its bucket of doc_ids, the number of buckets, the first hex digits of its SHA-256.
PART_NAME = re.compile(r"b\d{5}of\d{5}-[0-9a-f]{20}\.parquet")
FORMAT = "vn-plan-pipeline output"

# Version numbers stay below a billion: a record or a folder claiming more was not written by a run (one a
# second for thirty years), and its number would make a folder name no file system takes.
MAX_VERSION = 999_999_999
VERSION_DIR = re.compile(r"^v(\d{6,9})$")

# A table file of the first layout has no record to give its size: the largest a reader takes.
MAX_LAYOUT_1_TABLE_BYTES = 2 * 2**30


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a version: its plain name in the version's folder, its size and SHA-256."""

    name: str
    size: int
    sha256: str
    rows: int | None = None
    shared: bool = False  # a part file in dataset/<table>/, not in the version's folder

    def as_json(self) -> dict:
        entry = {"file": self.name, "bytes": self.size, "sha256": self.sha256}
        if self.rows is not None:
            entry["rows"] = self.rows
        if self.shared:
            entry["shared"] = True
        return entry


@dataclass(frozen=True, slots=True)
class Version:
    """A version record: the files of every table, and the manifest of the run that wrote them."""

    number: int
    previous: int | None
    tables: dict[str, tuple[FileEntry, ...]]
    manifest: FileEntry | None
    ignored: int = 0  # file entries left out of `tables` for an unsafe name: the version is not whole

    def folder(self, out: Path) -> Path:
        return version_folder(out, self.number)

    def path(self, out: Path, table: str, entry: FileEntry) -> Path:
        """Where one of the version's files is: a shared part file, or a file of its own folder."""
        return dataset_folder(out, table) / entry.name if entry.shared else self.folder(out) / entry.name

    @property
    def shares(self) -> bool:
        return any(entry.shared for files in self.tables.values() for entry in files)

    def as_json(self) -> dict:
        return {
            "format": FORMAT, "layout": LAYOUT_SHARED if self.shares else LAYOUT,
            "version": self.number, "previous": self.previous,
            "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tables": {name: [f.as_json() for f in files] for name, files in self.tables.items()},
            "manifest": self.manifest.as_json() if self.manifest else None,
        }


def version_folder(out: Path, number: int) -> Path:
    return out / f"v{number:06d}"


def dataset_folder(out: Path, table: str) -> Path:
    return out / DATASET / table


def entry_of(path: Path, rows: int | None = None) -> FileEntry:
    size, sha = sha256_file(path)
    return FileEntry(path.name, size, sha, rows)


def matches(path: Path, entry: FileEntry) -> bool:
    """Is the file there, whole, the one the record names, and the folder's own (no link in its last two steps)?"""
    try:
        return real_folder(path.parent) and os.lstat(path).st_size == entry.size \
            and sha256_file(path) == (entry.size, entry.sha256)
    except OSError:
        return False


# ------------------------------------------------------------------ records


def _file_entry(raw: object, where: str) -> FileEntry | None:
    """A file entry of a record, or None (with a warning) when its name is not a plain file name."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: not a file entry")
    name = raw.get("file")
    if not is_plain_name(name):
        warnings.warn(f"{where}: ignored the file name {name!r}: not a plain file name in the folder",
                      stacklevel=4)
        return None
    size, sha, rows = raw.get("bytes"), raw.get("sha256"), raw.get("rows")
    if not (isinstance(size, int) and size >= 0 and isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
        raise ValueError(f"{where}: file {name!r} has no valid size and SHA-256")
    return FileEntry(name, size, sha, rows if isinstance(rows, int) else None, raw.get("shared") is True)


def parse_record(text: str, where: str) -> Version:
    """A version record from its JSON; ValueError when it is not one."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not a version record ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("layout") not in (LAYOUT, LAYOUT_SHARED):
        raise ValueError(f"{where}: not a version record of this layout")
    number, previous = raw.get("version"), raw.get("previous")
    if type(number) is not int or not 1 <= number <= MAX_VERSION \
            or not (previous is None or (type(previous) is int and 0 <= previous < number)):
        raise ValueError(f"{where}: no valid version number")
    tables = raw.get("tables")
    if not isinstance(tables, dict):
        raise ValueError(f"{where}: no tables")
    files, ignored = {}, 0
    for name, entries in tables.items():
        if not isinstance(entries, list) or not is_plain_name(name):
            raise ValueError(f"{where}: table {name!r} has no file list")
        found = [_file_entry(entry, where) for entry in entries]
        files[name] = tuple(e for e in found if e is not None)
        ignored += len(found) - len(files[name])
    manifest = _file_entry(raw["manifest"], where) if raw.get("manifest") is not None else None
    if raw.get("manifest") is not None and manifest is None:
        ignored += 1
    return Version(number, previous, files, manifest, ignored)


def current_version(out: Path) -> Version | None:
    """The current version's record; None when the folder has none. ValueError when it is damaged."""
    try:
        text = read_file(out / CURRENT).decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ValueError(f"{out / CURRENT}: not a version record (not UTF-8)") from None
    except OSError as exc:
        raise ValueError(f"{out / CURRENT}: not a version record ({exc.strerror})") from None
    return parse_record(text, str(out / CURRENT))


def looks_like_layout_1(out: Path) -> bool:
    """A folder an earlier release of the pipeline wrote: its manifest is there, in that release's shape."""
    try:
        manifest = json.loads(read_file(out / MANIFEST, MAX_LAYOUT_1_TABLE_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "parser_version" in manifest and isinstance(manifest.get("files"), dict)
