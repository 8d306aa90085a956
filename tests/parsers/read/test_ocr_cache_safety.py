"""The OCR cache is data: nothing planted in it is written through, waited on or believed (issue 27).

Whoever can write a data folder can put anything in `DIR/.cache/ocr`: a link under the name a writer
will use, the folder itself as a link, a pipe under an entry's name, an entry edited, copied from
another page or swollen. Each test plants one in a folder of its own and reads a small real scan
(the top of the known plan's page 3, made by tests/support/scangen.py) through it with real Tesseract.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from parsers.read.extract import extract
from parsers.read.ocr import run as ocr_run
from parsers.read.ocr.cache import CACHE_ENV
from tests.support.documents import KNOWN_PDF
from tests.support.scangen import scanned_pages

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")


@pytest.fixture(scope="module")
def scans() -> tuple[bytes, bytes]:
    """Two small scans (the top of the known plan's page 3, and its next band), as PNG files' bytes."""
    page = scanned_pages(KNOWN_PDF, first=3, last=3)[0]
    out = []
    for box in ((0, 0, 1654, 700), (0, 700, 1654, 1400)):
        buffer = io.BytesIO()
        page.crop(box).save(buffer, format="PNG", dpi=(200, 200))
        out.append(buffer.getvalue())
    return out[0], out[1]


@pytest.fixture(scope="module")
def first_reading(scans, tmp_path_factory) -> tuple[Path, object]:
    """The first scan read once into a cache of its own: (that cache, what was read)."""
    folder = tmp_path_factory.mktemp("first")
    path = folder / "scan.png"
    path.write_bytes(scans[0])
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(CACHE_ENV, raising=False)
        source = extract(path, ocr_cache=folder / "cache")
    return folder / "cache", source


@pytest.fixture
def scan(tmp_path, scans, monkeypatch) -> Path:
    monkeypatch.delenv(CACHE_ENV, raising=False)  # the cache each test names, not the session's
    path = tmp_path / "raw" / "scan.png"
    path.parent.mkdir()
    path.write_bytes(scans[0])
    return path


def entry_name(path: Path) -> str:
    """The cache entry's name for page 1 of the file at `path`."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{digest[:32]}-p1-{ocr_run.OCR_DPI}dpi-v{ocr_run.OCR_CACHE_VERSION}.json"


def readings(monkeypatch) -> list[int]:
    """A list that grows by one for each page Tesseract reads."""
    seen: list[int] = []
    real = ocr_run.read_page

    def counted(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(ocr_run, "read_page", counted)
    return seen


def copy_of(cache: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(cache, tmp_path / "cache"))


# ------------------------------------------------------------------ writing


def test_a_link_planted_under_the_temporary_name_is_not_written_through(scan, tmp_path):
    """The entry was written to `.<entry>.<pid>.tmp` by a plain open, which follows a link planted under
    that name: the file it points to, outside the data folder, was overwritten with OCR's JSON."""
    cache = tmp_path / "out" / ".cache" / "ocr"
    cache.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the cache's", encoding="utf-8")
    (cache / f".{entry_name(scan)}.{os.getpid()}.tmp").symlink_to(outside)
    umask = os.umask(0o077)  # a private umask: the entry is still readable by cluster workers of another user
    try:
        extract(scan, ocr_cache=cache)
    finally:
        os.umask(umask)
    assert outside.read_text(encoding="utf-8") == "not the cache's"
    entry = os.lstat(cache / entry_name(scan))
    assert stat.S_ISREG(entry.st_mode) and stat.S_IMODE(entry.st_mode) == 0o644


@pytest.mark.parametrize("planted", ["ocr folder a link", "cache folder a link", "ocr folder a file"])
def test_a_cache_folder_that_is_a_link_or_a_file_is_not_used(scan, tmp_path, monkeypatch, planted):
    """`.cache/ocr` (or `.cache`) a link to a folder outside: the entries went there. A file in its place
    stopped the run. The page is read uncached instead, and nothing is written outside."""
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (out / ".cache").mkdir(parents=True)
    if planted == "ocr folder a link":
        (out / ".cache" / "ocr").symlink_to(outside, target_is_directory=True)
    elif planted == "cache folder a link":
        (out / ".cache").rmdir()
        (out / ".cache").symlink_to(outside, target_is_directory=True)
    else:
        (out / ".cache" / "ocr").write_text("a file", encoding="utf-8")
    seen = readings(monkeypatch)
    for _run in range(2):
        source = extract(scan, ocr_cache=out / ".cache" / "ocr")
        assert source.format == "ocr" and any(page.lines for page in source.pages)
    assert list(outside.iterdir()) == [] and len(seen) == 2  # read each time, uncached


# ------------------------------------------------------------------ reading


def test_a_pipe_under_an_entry_name_hangs_nothing_and_is_replaced(scan, tmp_path):
    """A FIFO under the entry's name: reading it waited for a writer for ever."""
    cache = tmp_path / "cache"
    cache.mkdir()
    fifo = cache / entry_name(scan)
    os.mkfifo(fifo)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(extract(scan, ocr_cache=cache)), daemon=True)
    worker.start()
    worker.join(timeout=600)  # a guard against a hang, far beyond the seconds a page takes: no timing
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a writer comes and goes: the reader sees the end
        worker.join()
        pytest.fail("the run waited on a pipe in the OCR cache")
    assert result and stat.S_ISREG(os.lstat(fifo).st_mode)  # the page's entry stands in its place


def _edit_words(entry: Path) -> None:
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["words"][0][0] = "FORGED"
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# Far past what a page's entry holds (some 50 KB at most) and the cache's cap (4 MB).
SWOLLEN_BYTES = 8 * 2**20


def _swell(entry: Path) -> None:
    """The entry as it was, whole and with its hash right, but swollen past the size cap (JSON allows the spaces)."""
    with open(entry, "ab") as fh:
        fh.write(b" " * SWOLLEN_BYTES)


def _recompute_hash_of_a_broken_word(entry: Path) -> None:
    """A tamperer who knows the format: a word with no text (no OCR writes one), the hash made to match."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["words"][0][0] = ""
    payload = {k: v for k, v in data.items() if k not in ("key", "sha256")}
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data["sha256"] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("damage", [_edit_words, _swell, _recompute_hash_of_a_broken_word],
                         ids=["edited", "over the size cap", "hash recomputed, word broken"])
def test_a_damaged_entry_is_read_again_and_rewritten(scan, tmp_path, monkeypatch, first_reading, damage):
    """An edited entry reached the tables (even with --force, which keeps the OCR cache); an entry of any
    size was read whole; a hand-made word with no text broke a later stage. Each is now a miss: the page is
    read again, the tables are what Tesseract reads, and the entry is written anew and believed."""
    cache, first = first_reading
    cache = copy_of(cache, tmp_path)
    damage(cache / entry_name(scan))
    seen = readings(monkeypatch)
    again = extract(scan, ocr_cache=cache)
    assert len(seen) == 1 and again.pages == first.pages
    entry = cache / entry_name(scan)
    assert entry.stat().st_size < SWOLLEN_BYTES and "FORGED" not in entry.read_text(encoding="utf-8")
    assert extract(scan, ocr_cache=cache).pages == first.pages and len(seen) == 1  # the new entry is a hit


def test_an_entry_of_another_file_under_this_ones_name_is_not_believed(scans, tmp_path, monkeypatch, first_reading):
    """Each entry names its key: the first scan's entry copied under the second's name is a miss (it gave
    the second file the first one's words)."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    cache, first = first_reading
    cache = copy_of(cache, tmp_path)
    other = tmp_path / "other.png"
    other.write_bytes(scans[1])
    [entry] = cache.glob("*.json")
    shutil.copy(entry, cache / entry_name(other))
    seen = readings(monkeypatch)
    source = extract(other, ocr_cache=cache)
    assert len(seen) == 1 and source.pages != first.pages
    assert json.loads((cache / entry_name(other)).read_text(encoding="utf-8"))["key"] == (
        entry_name(other)[:-len(".json")])
