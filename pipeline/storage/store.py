"""The output folder: which files are the current tables, which files are ours.

    DIR/_pipeline.json          marker: the folder is a plan-parse output (written once)
    DIR/_current.json           the record of the current version, replaced in one step
    DIR/v000012/                one version of the tables, never changed once written:
        documents.parquet …         its tables (a record may list several files per table)
        _manifest.json              what the run knew of its inputs (see pipeline.batch.runner)
        _version.json               its own record, the same as _current.json was
    DIR/.cache/<sha256>.arrow   the rows of one parsed document (see pipeline.batch.runner)
    DIR/dataset/<table>/        with `--layout dataset`: the table's part files, shared by versions
        b00003of00008-<sha>.parquet  the rows of one range of doc_ids; named by its content, never changed

A record lists each table's files; an entry marked `shared` is a part file in
`dataset/<table>/`, any other a file in the version's own folder. A run
writes only the part files whose content is new (the name says the content),
and removes a part file when no version on disk lists it any more.

Snapshot reads: a run writes a new version into a folder of its own, then
replaces `_current.json` (`os.replace`, atomic), so a reader that reads the
record once and opens only the files it names sees one whole version. While it
reads, a reader holds a shared lock on the version's `_version.json`; a run
removes a version that is neither current nor the one before only when it can
take that lock exclusively, so a reader's files are never deleted under it.

Nothing in the folder is trusted as more than data: every name read from a
record must be a plain file name (no folder part, no `..`), else it is
ignored with a warning; files are checked against the size and SHA-256 the
record gives. A run deletes only files it names itself (a version's listed
files, its own temporary files), never anything else.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import socket
import stat
import tempfile
import warnings
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeGuard

fcntl: ModuleType | None  # None where the system has no flock
try:
    import fcntl  # the reader locks; without them (not POSIX) a reader only retries
except ImportError:  # pragma: no cover
    fcntl = None

MARKER = "_pipeline.json"
# How a version lays out its tables: one Parquet file per table, or a folder of part files (a dataset).
LAYOUTS = ("single", "dataset")
RUN_LOCK = "_run.lock"  # a run's lock on a file system that serves no flock
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
KEEP_VERSIONS = 2  # the current version and the one before: a reader that began before a run still finds its files

# What an empty folder may hold all the same: placeholders that version control and file browsers leave.
PLACEHOLDERS = frozenset({".gitkeep", ".gitignore", ".keep", ".DS_Store", "Thumbs.db", "desktop.ini"})

# Version numbers stay below a billion: a record or a folder claiming more was not written by a run (one a
# second for thirty years), and its number would make a folder name no file system takes.
MAX_VERSION = 999_999_999
VERSION_DIR = re.compile(r"^v(\d{6,9})$")

# The largest file the folder's own small files may be: a version record (_current.json, _version.json)
# or the marker. A record lists a few entries per table; one of a dataset of a million documents is a few
# MB. Files a record lists (tables, the manifest) and cache entries are checked against the size it gives.
MAX_RECORD_BYTES = 64 * 2**20
# A manifest holds a few hundred bytes per input: this is three million inputs.
MAX_MANIFEST_BYTES = 2**30
# A table file of the first layout has no record to give its size: the largest a reader takes.
MAX_LAYOUT_1_TABLE_BYTES = 2 * 2**30


def own_temporary(name: str, final: str) -> bool:
    """Is `name` a temporary file made on the way to `final` (tempfile's 8 random characters)? Nothing else is swept."""
    return re.fullmatch(rf"\.{re.escape(final)}\.[a-z0-9_]{{8}}\.tmp", name) is not None


class OutputError(Exception):
    """The output folder cannot be used; the message says why, in one line."""


class DamagedTable(ValueError):
    """A version a reader must not read: a table file that differs from its record (cut short, changed), a file
    its record leaves out, a folder that is a link, a record missing or not one."""


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


def is_plain_name(name: object) -> TypeGuard[str]:
    """A file name and nothing more: no folder part, not `.` or `..`, no control character."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and name not in (".", "..")
            and "/" not in name and "\\" not in name and name.isprintable())


def open_file(path: Path) -> int:
    """A read-only descriptor of a regular file, never through a link; OSError for anything else.

    Whoever can write the folder can put a pipe or a device under a name the
    pipeline reads: opened without waiting and refused, it cannot hang a reader;
    and a link to a file outside the folder is refused, not read as one of ours.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "a link, not a file of the folder's own", str(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd


def read_file(path: Path, limit: int = MAX_RECORD_BYTES, size: int | None = None) -> bytes:
    """A regular file's bytes, its size checked before a byte is read: at most `limit`, and exactly `size` if given.

    A file of the folder may be anything (a sparse file of terabytes costs no
    disk); what it holds is read only once its size is what is expected.
    """
    fd = open_file(path)
    with os.fdopen(fd, "rb") as fh:
        found = os.fstat(fd).st_size
        if size is not None and found != size:
            raise OSError(errno.EFBIG, f"{found} bytes, not the {size} bytes its record names", str(path))
        if found > limit:
            raise OSError(errno.EFBIG, f"{found} bytes, over the {limit} bytes such a file may be", str(path))
        data = fh.read(found + 1)  # one byte more: a file that grew while it was read is not taken whole
        if len(data) != found:
            raise OSError(errno.ESTALE, "changed while it was read", str(path))
        return data


def real_folder(path: Path) -> bool:
    """Is `path` a folder itself, not a link to one (which may lead out of the data folder)?"""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def sha256_file(path: Path) -> tuple[int, str]:
    """The size and SHA-256 of a regular file of the folder (never through a link), read a block at a time."""
    digest, size = hashlib.sha256(), 0
    with os.fdopen(open_file(path), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


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


# ------------------------------------------------------------------ readers


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


def _torn(out: Path, version: Version) -> str | None:
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
            if _looks_like_layout_1(out):
                return Snapshot(out, None), _Pin(None)
            raise NoTables(f"{out}: no tables yet (no version of them is written): run `plan-parse parse … --out "
                           f"{out}` first")
        torn = _torn(out, version)
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


# ------------------------------------------------------------------ the writer's side


def replace_file(path: Path, data: bytes) -> None:
    """Write a whole file under a temporary name beside `path`, synced, then move it to `path`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the tables are for every reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def _looks_like_layout_1(out: Path) -> bool:
    """A folder an earlier release of the pipeline wrote: its manifest is there, in that release's shape."""
    try:
        manifest = json.loads(read_file(out / MANIFEST, MAX_LAYOUT_1_TABLE_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "parser_version" in manifest and isinstance(manifest.get("files"), dict)


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
        if others and not _looks_like_layout_1(out):
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
        if _torn(self.out, version) or not self._own_record_agrees(version):
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
