"""The writer's side: a run's claim on the folder, its lock, and the versions it writes, switches to and prunes.

Only a run that holds the claim writes a version, and it removes only
versions no reader pins and files it names itself; kept apart from the
readers, so that what a run may delete of the folder is read in one place.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import warnings
from contextlib import suppress
from pathlib import Path

from pipeline.storage.store.files import (
    fcntl,
    is_plain_name,
    open_file,
    own_temporary,
    read_file,
    real_folder,
    replace_file,
)
from pipeline.storage.store.readers import torn_reason
from pipeline.storage.store.records import (
    CACHE,
    CURRENT,
    DATASET,
    FORMAT,
    LAYOUT,
    MANIFEST,
    MAX_VERSION,
    PART_NAME,
    RECORD,
    VERSION_DIR,
    FileEntry,
    Version,
    current_version,
    dataset_folder,
    looks_like_layout_1,
    matches,
    parse_record,
    version_folder,
)

MARKER = "_pipeline.json"
RUN_LOCK = "_run.lock"  # a run's lock on a file system that serves no flock
KEEP_VERSIONS = 2  # the current version and the one before: a reader that began before a run still finds its files

# What an empty folder may hold all the same: placeholders that version control and file browsers leave.
PLACEHOLDERS = frozenset({".gitkeep", ".gitignore", ".keep", ".DS_Store", "Thumbs.db", "desktop.ini"})

# A manifest holds a few hundred bytes per input: this is three million inputs.
MAX_MANIFEST_BYTES = 2**30


class OutputError(Exception):
    """The output folder cannot be used; the message says why, in one line."""


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def claim(data_dir: str | Path) -> Claim:
    """Make sure `data_dir` is ours to write and lock it against other runs; OutputError if not.

    A missing or empty folder becomes an output (the marker is written); a
    folder an earlier release wrote is taken over; any other folder with files
    in it is refused: the pipeline never writes among files it does not own.
    """
    out = Path(data_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder: give a folder for the tables")
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.exists():
        others = sorted(set(os.listdir(out)) - PLACEHOLDERS)
        if others and not looks_like_layout_1(out):
            raise OutputError(f"{out} is not empty and is not a plan-parse output (no {MARKER}; it holds "
                              f"{others[0]!r}{' …' if len(others) > 1 else ''}): give an empty or a new folder")
        _create_marker(marker)
    try:
        record = json.loads(read_file(marker).decode("utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise OutputError(f"{marker} is not the marker plan-parse writes: the folder is not a plan-parse output")
    for own in (CACHE, DATASET):
        if os.path.lexists(out / own) and not real_folder(out / own):
            raise OutputError(f"{out / own} is not a folder of its own: the pipeline writes there only into one")
    fd = open_file(marker)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"{out}: another plan-parse run is writing to this folder; wait for it to end") from None
        except OSError:  # a file system without locks (some network mounts): a lock file instead
            try:
                return Claim(out, fd, _take_lock_file(out))
            except BaseException:
                os.close(fd)
                raise
    return Claim(out, fd)


def _take_lock_file(out: Path) -> Path:
    """The run's lock where `flock` is not served: a file made with O_EXCL, naming its host and process.

    One left by a run of this host whose process is gone is taken over; any
    other stops this run with one line saying which file to remove once its run is over.
    """
    path = out / RUN_LOCK
    me = f"{socket.gethostname()} {os.getpid()}"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            try:
                host, pid = read_file(path, 1024).decode("utf-8").split()
                stale = host == socket.gethostname() and not _alive(int(pid))
            except (OSError, ValueError):
                stale = False
            if not stale:
                raise OutputError(f"{out}: another plan-parse run is writing to this folder (its lock {path} is "
                                  "there; this file system serves no flock): remove the file once that run is over"
                                  ) from None
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        return path
    raise OutputError(f"{out}: could not take its lock {path}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _create_marker(marker: Path) -> None:
    """Write the marker once: two runs that start together both find the same file."""
    text = json.dumps({"format": FORMAT, "layout": LAYOUT,
                       "note": "This folder is written by plan-parse; read it with pipeline.load_tables."}, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{marker.name}.", suffix=".tmp", dir=marker.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        with suppress(FileExistsError):  # another run made it first: then that one stands
            os.link(tmp, marker)
    finally:
        Path(tmp).unlink(missing_ok=True)


class Claim:
    """A folder this run may write: it holds the folder's lock until `release`."""

    def __init__(self, out: Path, fd: int, lock_file: Path | None = None):
        self.out = out
        self._fd: int | None = fd  # None once released
        self._lock_file = lock_file

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._lock_file is not None:
            self._lock_file.unlink(missing_ok=True)
            self._lock_file = None

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    # -------------------------------------------------------------- versions

    def current(self) -> Version | None:
        """The current version, or None when there is none or its record is damaged (then a new one is written)."""
        try:
            return current_version(self.out)
        except ValueError as exc:
            warnings.warn(f"{exc}; the tables are written again", stacklevel=2)
            return None

    def damaged(self, version: Version, tables) -> list[str]:
        """The tables among `tables` that the version lacks, or whose files differ from its record.

        Every table, when the version is torn as a reader would find it (a
        folder that is a link, a file left out of the record, its own record
        missing, not a file, or another than `_current.json`): then the next
        run writes the whole version again.
        """
        if torn_reason(self.out, version) or not self._own_record_agrees(version):
            return list(tables)
        return [name for name in tables
                if name not in version.tables
                or not all(matches(version.path(self.out, name, entry), entry) for entry in version.tables[name])]

    def _own_record_agrees(self, version: Version) -> bool:
        path = version.folder(self.out) / RECORD
        try:
            return parse_record(read_file(path).decode("utf-8"), str(path)) == version
        except (OSError, ValueError, UnicodeDecodeError):
            return False

    def read_manifest(self, version: Version | None) -> dict:
        """The manifest of `version`, checked against its record; {} when there is none or it is damaged."""
        if version is None or version.manifest is None:
            return {}
        path = version.folder(self.out) / version.manifest.name
        try:
            data = read_file(path, MAX_MANIFEST_BYTES, version.manifest.size)
            if hashlib.sha256(data).hexdigest() != version.manifest.sha256:
                raise ValueError("it differs from its record")
            manifest = json.loads(data.decode("utf-8"))
        except (OSError, ValueError) as exc:
            warnings.warn(f"{path}: manifest ignored ({exc}); every input is parsed again", stacklevel=2)
            return {}
        return manifest if isinstance(manifest, dict) else {}

    def part_folder(self, table: str) -> Path:
        """The folder of a table's shared part files, made when missing; never a link."""
        if not is_plain_name(table):
            raise ValueError(f"not a table name: {table!r}")
        for folder in (self.out / DATASET, dataset_folder(self.out, table)):
            if os.path.lexists(folder) and not real_folder(folder):
                raise OutputError(f"{folder} is not a folder of its own: the pipeline writes there only into one")
            folder.mkdir(exist_ok=True)
        return dataset_folder(self.out, table)

    def new_folder(self) -> tuple[int, Path]:
        """A new, empty folder for the next version, numbered after every version folder there is."""
        current = self.current()
        numbers = [current.number if current else 0]
        numbers += [int(m.group(1)) for m in map(VERSION_DIR.match, os.listdir(self.out)) if m]
        number = max(n for n in numbers if n < MAX_VERSION) + 1
        while True:
            if number > MAX_VERSION:
                raise OutputError(f"{self.out}: no version number is left below {MAX_VERSION + 1}: move the "
                                  "folder's versions away or give a new folder")
            folder = version_folder(self.out, number)
            try:
                folder.mkdir()
                return number, folder
            except FileExistsError:
                number += 1

    def switch(self, number: int, tables: dict[str, list[FileEntry]], manifest: FileEntry | None) -> Version:
        """Make version `number` (its files written and synced in its folder) the current one, then prune.

        Its own record is written first, so that a version is never current
        without it; `_current.json` is replaced last, in one step.
        """
        previous = self.current()
        version = Version(number, previous.number if previous else None,
                          {name: tuple(files) for name, files in tables.items()}, manifest)
        text = json.dumps(version.as_json(), ensure_ascii=False, indent=1)
        folder = version.folder(self.out)
        replace_file(folder / RECORD, text.encode("utf-8"))
        _sync_folder(folder)
        replace_file(self.out / CURRENT, text.encode("utf-8"))  # from here on, the new version is the truth
        _sync_folder(self.out)
        self.prune(keep={number, version.previous})
        return version

    def prune(self, keep: set[int | None]) -> None:
        """Remove the versions not in `keep` that no reader holds, and this module's stale temporary files."""
        for entry in os.listdir(self.out):
            if own_temporary(entry, CURRENT) or own_temporary(entry, MARKER):
                (self.out / entry).unlink(missing_ok=True)
            found = VERSION_DIR.match(entry)
            folder = self.out / entry
            if found and int(found.group(1)) not in keep and real_folder(folder):
                self._remove_version(folder)
        self.sweep_parts()

    def sweep_parts(self) -> None:
        """Remove the shared part files that no version on disk lists, and temporary files on their way to one.

        What a run killed before its record wrote goes here too. When any
        version's record cannot be read, nothing is removed: its files are not known.
        """
        root = self.out / DATASET
        if not real_folder(root):
            return
        listed: set[tuple[str, str]] = set()
        for entry in os.listdir(self.out):
            if not VERSION_DIR.match(entry) or not (self.out / entry / RECORD).exists():
                continue
            try:
                version = parse_record(read_file(self.out / entry / RECORD).decode("utf-8"), entry)
            except (OSError, ValueError, UnicodeDecodeError):
                return
            listed |= {(table, f.name) for table, files in version.tables.items() for f in files if f.shared}
        for table in os.listdir(root):
            folder = root / table
            if not real_folder(folder):
                continue
            for name in os.listdir(folder):
                final = name[1:].rsplit(".", 2)[0]
                ours = (PART_NAME.fullmatch(name) and (table, name) not in listed) or \
                    (PART_NAME.fullmatch(final) and own_temporary(name, final))
                if ours and (folder / name).is_file() and not (folder / name).is_symlink():
                    (folder / name).unlink(missing_ok=True)

    def _remove_version(self, folder: Path) -> None:
        record = folder / RECORD
        try:
            fd = open_file(record)
        except FileNotFoundError:  # a run killed before its record: what it had written, by name
            self._remove_files(folder, [])
            return
        except OSError:
            return  # not a record the pipeline wrote: the folder is left as it is
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # a reader holds it: a later run removes it
                except OSError:
                    pass
            try:
                version = parse_record(os.read(fd, 1 << 24).decode("utf-8"), str(record))
                listed = [e.name for files in version.tables.values() for e in files if not e.shared]
                listed += [version.manifest.name] if version.manifest else []
            except (ValueError, UnicodeDecodeError) as exc:
                warnings.warn(f"{exc}; the folder is left as it is", stacklevel=3)
                return
            record.unlink()  # first: a reader that locks it late sees it unlinked and looks again
            self._remove_files(folder, listed)
        finally:
            os.close(fd)

    def _remove_files(self, folder: Path, listed: list[str]) -> None:
        """Delete the listed files and the pipeline's own temporary files of one version folder, then the
        folder if empty."""
        from pipeline.storage.schemas import SCHEMAS  # the names a run killed before its record may have left

        names = set(listed) if listed else {f"{name}.parquet" for name in SCHEMAS} | {MANIFEST}
        for entry in os.listdir(folder):
            if entry in names or own_temporary(entry, RECORD):
                path = folder / entry
                if path.is_file() and not path.is_symlink():
                    path.unlink()
        with suppress(OSError):  # something the pipeline did not write is in it: left alone
            folder.rmdir()
