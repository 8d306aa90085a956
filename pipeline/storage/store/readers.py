"""The readers' side: one version resolved once and pinned against removal while its files are read.

A reader never takes the folder's lock; it holds a shared lock on the record
of the version it reads, and a run removes only versions it can lock
exclusively (pipeline.storage.store.claims). What a reader must refuse (a
torn version, a file that differs from its record) raises one clear error.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.storage.store.files import fcntl, open_file, read_file, real_folder
from pipeline.storage.store.records import (
    CURRENT,
    DATASET,
    MAX_LAYOUT_1_TABLE_BYTES,
    RECORD,
    FileEntry,
    Version,
    current_version,
    dataset_folder,
    looks_like_layout_1,
)


class DamagedTable(ValueError):
    """A version a reader must not read: a table file that differs from its record (cut short, changed), a file
    its record leaves out, a folder that is a link, a record missing or not one."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a reader reads: one version's files (or an older folder's `<table>.parquet` files)."""

    out: Path
    version: Version | None

    def files(self, table: str) -> list[tuple[Path, FileEntry | None]]:
        if self.version is None:  # a folder of layout 1: the files as they lie
            path = self.out / f"{table}.parquet"
            return [(path, None)] if path.is_file() else []
        return [(self.version.path(self.out, table, entry), entry) for entry in self.version.tables.get(table, ())]

    def read_bytes(self, path: Path, entry: FileEntry | None) -> bytes:
        """A table file's bytes, checked against the record (its size before it is read); DamagedTable
        when they differ."""
        try:
            data = read_file(path, size=entry.size, limit=entry.size) if entry is not None else \
                read_file(path, MAX_LAYOUT_1_TABLE_BYTES)
        except OSError as exc:
            raise DamagedTable(f"{path}: damaged ({exc.strerror or exc}); run `plan-parse parse` again to rebuild it") \
                from None
        if entry is not None and hashlib.sha256(data).hexdigest() != entry.sha256:
            raise DamagedTable(f"{path}: damaged (not the file its record names); run `plan-parse parse` again to "
                               "rebuild it")
        return data


class NoTables(Exception):
    """The folder holds no version of the tables yet; one line."""


class _Pin:
    """A shared lock on one version's record: while held, no run deletes that version."""

    def __init__(self, fd: int | None):
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None


REPAIR = "run `plan-parse parse` into it again to rebuild the tables"


def torn_reason(out: Path, version: Version) -> str | None:
    """Why a reader must not read `version` (a file left out of its record, a folder that is a link); None if whole."""
    if version.ignored:
        return f"{out / CURRENT} names {version.ignored} file(s) that are not plain file names of the folder"
    folders = {version.folder(out)}
    if version.shares:
        folders |= {out / DATASET} | {dataset_folder(out, table) for table, files in version.tables.items()
                                      if any(f.shared for f in files)}
    for folder in sorted(folders):
        if not real_folder(folder):
            return f"{folder} is missing or is a link, not a folder of its own"
    return None


def pin(data_dir: str | Path, attempts: int = 20) -> tuple[Snapshot, _Pin]:
    """Resolve the current version once and lock it against removal; the caller releases the pin.

    A run may switch versions between reading `_current.json` and locking the
    version's record; then the record is gone or unlinked and the current one
    is resolved again. A folder with no version, a torn version (a file its
    record leaves out, a folder that is a link, its own record missing or not
    a file) raise one clear error: a reader never gets part of the tables.
    """
    out = Path(data_dir)
    if not out.is_dir():
        raise NoTables(f"{out}: no such folder")
    for _ in range(attempts):
        try:
            version = current_version(out)
        except ValueError as exc:
            raise DamagedTable(f"{exc}; {REPAIR}") from None
        if version is None:
            if looks_like_layout_1(out):
                return Snapshot(out, None), _Pin(None)
            raise NoTables(f"{out}: no tables yet (no version of them is written): run `plan-parse parse … --out "
                           f"{out}` first")
        torn = torn_reason(out, version)
        if torn:
            raise DamagedTable(f"{torn}; {REPAIR}")
        record = version.folder(out) / RECORD
        try:
            fd = open_file(record)
        except FileNotFoundError:
            if _still_current(out, version):
                raise DamagedTable(f"{record} is missing; {REPAIR}") from None
            continue  # removed since `_current.json` was read: a newer version is current
        except OSError as exc:
            raise DamagedTable(f"{record}: {exc.strerror or exc}; {REPAIR}") from None
        if fcntl is None:
            return Snapshot(out, version), _Pin(fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
        except OSError:  # a file system without locks: read all the same
            return Snapshot(out, version), _Pin(fd)
        if os.fstat(fd).st_nlink > 0:  # a run removing the version unlinks the record first
            return Snapshot(out, version), _Pin(fd)
        os.close(fd)
    raise OSError(f"{out}: the current version kept changing while it was read; try again")


def _still_current(out: Path, version: Version) -> bool:
    try:
        now = current_version(out)
    except ValueError:
        return False
    return now is not None and now.number == version.number


@contextmanager
def reading(data_dir: str | Path):
    """`with reading(dir) as snapshot:` one version, locked for the block."""
    snapshot, held = pin(data_dir)
    try:
        yield snapshot
    finally:
        held.release()
