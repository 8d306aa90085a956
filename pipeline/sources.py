"""Inputs named by URL (`s3://…`, `gs://…`, `file://…`): listed, hashed and read through fsspec.

A cluster's workers read such inputs themselves; the driver sends them the
URL, never the bytes. A URL names a file or a folder; a folder is searched as a
local one is (pipeline.run.discover): names ending in an input suffix, hidden
names skipped, sorted. Only what the file system calls a file is read, up to
the size a local input may have; a link, a pipe or a device is refused.

Protocols other than `file://` need their fsspec package on every machine that
reads them (`s3fs` for `s3://`, `gcsfs` for `gs://`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

import regex as re

from parsers.model.errors import TooLarge, UnreadableFile

# A URL, as fsspec reads it: a protocol of letters (`s3`, `gs`, `file`, `abfs`, `gcs` …) and `://`.
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
# No input is larger than a PDF may be (parsers.read.extract.MAX_PDF_BYTES); a bigger object is not copied.
MAX_BYTES = 50 * 1024 * 1024



def text_name(path: str | os.PathLike) -> str:
    """A path as text that a table or JSON can hold: bytes of the name that are not UTF-8 as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")

def is_url(name: object) -> bool:
    return isinstance(name, str) and URL.match(name) is not None


def _fs(url: str):
    try:
        import fsspec

        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # a protocol with no package installed, or none known
        raise UnreadableFile(url, f"cannot read this URL ({exc})") from None


def _hidden(path: str, root: str) -> bool:
    relative = PurePosixPath(path).relative_to(root) if path.startswith(root.rstrip("/") + "/") else PurePosixPath(path)
    return any(part.startswith(".") for part in relative.parts)


def discover_url(url: str, suffixes: tuple[str, ...]) -> list[str]:
    """The input URLs under `url`: itself when it names a file (or nothing: reading it says why), else its files."""
    fs, root = _fs(url)
    try:
        is_folder = fs.isdir(root)
    except OSError:
        is_folder = False
    if not is_folder:
        return [url]
    found = [path for path, info in fs.find(root, detail=True).items()
             if info.get("type") == "file" and path.lower().endswith(suffixes) and not _hidden(path, root)]
    return [fs.unstrip_protocol(path) for path in sorted(found)]


def _file_info(fs, path: str, url: str) -> dict:
    try:
        info = fs.info(path)
    except FileNotFoundError:
        raise UnreadableFile(url, "no such file") from None
    except OSError as exc:
        raise UnreadableFile(url, f"cannot read file ({exc})") from None
    if info.get("type") != "file" or info.get("islink"):
        raise UnreadableFile(url, f"not a regular file (the file system calls it {info.get('type')!r})")
    if (info.get("size") or 0) > MAX_BYTES:
        raise TooLarge(url, f"too large ({info['size'] / 2**20:.0f} MB; the limit is {MAX_BYTES // 2**20} MB)")
    return info


def _read(url: str) -> bytes:
    fs, path = _fs(url)
    _file_info(fs, path, url)
    try:
        with fs.open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(url, f"cannot read file ({exc})") from None
    if len(data) > MAX_BYTES:
        raise TooLarge(url, f"too large (over {MAX_BYTES // 2**20} MB)")
    return data


def sha256_url(url: str) -> str:
    """SHA-256 of the object's bytes; a DocumentError when it cannot be read."""
    return hashlib.sha256(_read(url)).hexdigest()


@contextmanager
def local_copy(url: str) -> Iterator[str]:
    """A private temporary copy of the object, named with its suffix (the parsers choose a reader by it)."""
    data = _read(url)
    suffix = os.path.splitext(PurePosixPath(url.split("://", 1)[1]).name)[1].lower()
    folder = tempfile.mkdtemp(prefix="plan-parse-")
    try:
        path = os.path.join(folder, f"input{suffix}")
        with open(path, "xb") as fh:
            fh.write(data)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)

