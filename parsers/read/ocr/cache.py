"""The OCR cache: a page's scan kept as JSON, in a folder that is never followed through a link.

What is cached is what costs, a page's words and table cells in pixels; the run makes each
entry's key and asks here for it. The folder and its entries are data anyone with the data folder
may have written, so reading and writing them is kept here, under the rules below, apart from OCR.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
import stat
from pathlib import Path

from parsers.read.ocr.words import PageScan, Word

# Where set, this folder caches OCR for every run (one cache for many output folders).
CACHE_ENV = "PLAN_OCR_CACHE"


def cache_dir(passed: str | Path | None) -> Path | None:
    """The OCR cache folder: PLAN_OCR_CACHE's where set, else the one passed (DIR/.cache/ocr).

    The operator's folder is taken as they name it, links resolved (a link there is theirs); the
    passed one is inside a data folder, where a link is never followed (open_cache)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(os.path.realpath(env))
    return Path(passed) if passed else None


# ------------------------------------------------------------------- cache
# The cache is data: whoever can write the data folder (or PLAN_OCR_CACHE) can put anything under an
# entry's name (a link to a file elsewhere, a pipe, a folder, a huge or edited file). It gets the rules
# the rows' cache has (pipeline.storage.store), and an entry that breaks one is a miss: the page is read again
# and its entry written anew.
#   - the folder (DIR/.cache/ocr) and the one holding it are never followed through a link: a link
#     or a file there and OCR runs uncached (it reads and writes nothing outside DIR);
#   - an entry is read only as a regular file, never through a link, opened without waiting (a pipe
#     does not hang the run), and only up to CACHE_ENTRY_MAX_BYTES;
#   - it is written under a temporary name of its own, created new (O_EXCL: nothing planted under
#     that name is written through), then moved over the entry's name in one step;
#   - it carries its key and the SHA-256 of its payload: an entry of another page or file, cut short
#     or edited is not used; nor is one whose payload is not what OCR writes.
# A real page's entry is at most some 50 KB (98 scanned pages of the fixtures and the corpus: 51 KB
# the largest, a page of table); the cap is 80 times that, and keeps what a crafted entry makes Python
# hold to some tens of MB.
CACHE_ENTRY_MAX_BYTES = 4 * 2**20
CACHE_FILE_MODE = 0o644  # cluster workers that run as another user read what this one wrote
CACHE_FOLDER_MODE = 0o755
_FLAG = {name: getattr(os, name, 0) for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC", "O_DIRECTORY")}
FOLDER_FLAGS = os.O_RDONLY | _FLAG["O_DIRECTORY"] | _FLAG["O_CLOEXEC"]
ENTRY_READ_FLAGS = os.O_RDONLY | _FLAG["O_NOFOLLOW"] | _FLAG["O_NONBLOCK"] | _FLAG["O_CLOEXEC"]
ENTRY_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAG["O_NOFOLLOW"] | _FLAG["O_CLOEXEC"]
PAYLOAD_NUMBERS = ("width", "height", "scale", "skew")
PAYLOAD_KEYS = frozenset({*PAYLOAD_NUMBERS, "words", "tables"})


def open_cache(folder: Path) -> int | None:
    """A descriptor of the cache folder (made where missing) that every entry is opened through; None
    (OCR runs uncached) where it or the folder holding it is a link or no folder, or cannot be made."""
    folder = Path(os.path.abspath(folder))
    top, names = folder.parent.parent, [folder.parent.name, folder.name]
    if not folder.parent.name:  # a folder at the root: only it is checked
        top, names = folder.parent, [folder.name]
    try:
        top.mkdir(parents=True, exist_ok=True)
        fd = os.open(top, FOLDER_FLAGS)
    except OSError:
        return None
    try:
        for name in names:
            inner = _open_folder(fd, name)
            os.close(fd)
            fd = inner
    except OSError:
        os.close(fd)
        return None
    return fd


def _open_folder(parent_fd: int, name: str) -> int:
    """The folder `name` in `parent_fd`, made where missing, opened without following a link."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, CACHE_FOLDER_MODE, dir_fd=parent_fd)
    return os.open(name, FOLDER_FLAGS | _FLAG["O_NOFOLLOW"], dir_fd=parent_fd)


def _digest(payload: dict) -> str:
    """The SHA-256 of a payload, over its one canonical JSON form (the same before writing and after reading)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_entry(folder_fd: int, key: str, scan: PageScan) -> None:
    """Write a page's entry; where it cannot be written, the page is read again the next time."""
    payload = {"width": scan.width, "height": scan.height, "scale": scan.scale, "skew": scan.skew,
               "words": [[w.text, w.conf, w.x0, w.top, w.x1, w.bottom, w.line_key, w.read] for w in scan.words],
               "tables": list(scan.tables)}
    payload = json.loads(json.dumps(payload))  # tuples as lists: the form a reader gets, hashed alike
    data = json.dumps({"key": key, "sha256": _digest(payload), **payload}, ensure_ascii=False).encode("utf-8")
    tmp = f".{key}.json.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, ENTRY_WRITE_FLAGS, CACHE_FILE_MODE, dir_fd=folder_fd)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), CACHE_FILE_MODE)  # the umask may have taken the group's and others' read
            fh.write(data)
        os.replace(tmp, f"{key}.json", src_dir_fd=folder_fd, dst_dir_fd=folder_fd)  # seen whole or not at all
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder_fd)


def load_entry(folder_fd: int, key: str) -> PageScan | None:
    """The page's entry where it is one this cache wrote for `key`, whole; None (read the page) else."""
    data = _read_entry(folder_fd, f"{key}.json")
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    payload = {k: v for k, v in entry.items() if k not in ("key", "sha256")}
    if entry.get("sha256") != _digest(payload):
        return None
    return _scan_of(payload)


def _read_entry(folder_fd: int, name: str) -> bytes | None:
    """An entry's bytes: a regular file, not a link, within the size cap; None for anything else."""
    try:
        fd = os.open(name, ENTRY_READ_FLAGS, dir_fd=folder_fd)
    except OSError:
        return None  # none there, or a link (O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > CACHE_ENTRY_MAX_BYTES:
            return None
        try:
            data = fh.read(CACHE_ENTRY_MAX_BYTES + 1)
        except OSError:
            return None
    return data if len(data) <= CACHE_ENTRY_MAX_BYTES else None


def _scan_of(payload: dict) -> PageScan | None:
    """The PageScan a payload holds, where it has the form OCR writes: a hand-made one with the right
    hash must not break a later stage."""
    if set(payload) != PAYLOAD_KEYS or not all(_is_number(payload[k]) for k in PAYLOAD_NUMBERS):
        return None
    words, tables = payload["words"], payload["tables"]
    if not (isinstance(words, list) and all(_is_word(w) for w in words)
            and isinstance(tables, list) and all(_is_table(t) for t in tables)):
        return None
    width, height, scale, skew = (payload[k] for k in PAYLOAD_NUMBERS)
    return PageScan(width, height, scale, skew, tuple(Word(*w) for w in words), tuple(tables))


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_word(w) -> bool:
    """[text, confidence, x0, top, x1, bottom, line key, first reading or None]"""
    return (isinstance(w, list) and len(w) == 8 and isinstance(w[0], str) and w[0] != "" and _is_number(w[1])
            and all(_is_int(v) for v in w[2:7]) and (w[7] is None or isinstance(w[7], str)))


def _is_table(t) -> bool:
    """{"xs": column edges, "ys": row edges, "owner": per grid position, the [row, column] of its cell}"""
    if not (isinstance(t, dict) and set(t) == {"xs", "ys", "owner"}):
        return False
    xs, ys, owner = t["xs"], t["ys"], t["owner"]
    if not all(isinstance(e, list) and len(e) >= 2 and all(_is_int(v) for v in e) for e in (xs, ys)):
        return False
    rows, cols = len(ys) - 1, len(xs) - 1
    return (isinstance(owner, list) and len(owner) == rows
            and all(isinstance(row, list) and len(row) == cols and all(_is_position(o, rows, cols) for o in row)
                    for row in owner))


def _is_position(o, rows: int, cols: int) -> bool:
    return (isinstance(o, list) and len(o) == 2 and _is_int(o[0]) and _is_int(o[1])
            and 0 <= o[0] < rows and 0 <= o[1] < cols)
