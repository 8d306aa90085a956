"""The folder's files opened safely: never through a link, never a pipe or a device, never read past a limit.

The rest of the store opens and reads the folder's files through these few
primitives, so that a name planted in the folder (a link out of it, a FIFO, a
sparse file of terabytes) is refused in one place; they know nothing of
versions or records.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from types import ModuleType
from typing import TypeGuard

fcntl: ModuleType | None  # None where the system has no flock
try:
    import fcntl  # the reader locks; without them (not POSIX) a reader only retries
except ImportError:  # pragma: no cover
    fcntl = None

# The largest file the folder's own small files may be: a version record (_current.json, _version.json)
# or the marker. A record lists a few entries per table; one of a dataset of a million documents is a few
# MB. Files a record lists (tables, the manifest) and cache entries are checked against the size it gives.
MAX_RECORD_BYTES = 64 * 2**20


def own_temporary(name: str, final: str) -> bool:
    """Is `name` a temporary file made on the way to `final` (tempfile's 8 random characters)? Nothing else is swept."""
    return re.fullmatch(rf"\.{re.escape(final)}\.[a-z0-9_]{{8}}\.tmp", name) is not None


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
