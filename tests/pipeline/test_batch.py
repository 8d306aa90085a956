"""A folder of plans: bad files recorded not fatal, incremental re-runs, workers, a killed worker, a killed run."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch.engines import LocalEngine, Lost
from pipeline.batch.runner import run_batch
from pipeline.storage.load import load_tables, read_table, table_files
from pipeline.storage.schemas import SCHEMAS
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT

GOOD = [KNOWN_TXT, KNOWN_PDF, FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"]


def _bad_files(folder: Path) -> dict[str, str]:
    """One file of each kind that must fail, and the reason code it must fail with."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(KNOWN_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "encrypted.pdf", "wb") as fh:
        writer.write(fh)
    # A Word document saved with a .pdf name: a zip archive, as .docx files are.
    (folder / "word-renamed.pdf").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + b"\x00" * 200)
    (folder / "truncated.pdf").write_bytes(KNOWN_PDF.read_bytes()[: len(KNOWN_PDF.read_bytes()) // 2])
    shutil.copy(FIXTURES / "not-a-document.txt", folder / "article.txt")
    (folder / "empty.txt").write_bytes(b"")
    with open(folder / "zero-pages.pdf", "wb") as fh:
        pypdf.PdfWriter().write(fh)
    (folder / "legacy.txt").write_bytes(KNOWN_TXT.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    with open(folder / "huge.pdf", "wb") as fh:  # sparse: over the size limit without using the disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(60 * 1024 * 1024)
    return {
        "encrypted.pdf": "encrypted", "word-renamed.pdf": "not_pdf",
        "truncated.pdf": "unreadable", "article.txt": "not_a_document", "empty.txt": "empty",
        "zero-pages.pdf": "empty", "legacy.txt": "encoding", "huge.pdf": "too_large",
    }


def _snapshot(out: Path) -> dict[str, str]:
    """The current version's tables, by the SHA-256 of their files."""
    return {name: hashlib.sha256(b"".join(p.read_bytes() for p in table_files(out, name))).hexdigest()
            for name in SCHEMAS}


def _versions(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("v*"))


def test_bad_files_are_recorded_and_the_good_ones_parsed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in GOOD:
        shutil.copy(f, raw / f.name)
    expected = _bad_files(raw)
    result = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(raw), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    errors = read_table(tmp_path / "out", "errors")
    assert dict(zip(errors.source_path.map(lambda p: Path(p).name), errors.code)) == expected
    stderr = result.stderr.strip().splitlines()
    assert len(stderr) == len(expected) and all(line.startswith(f"error: {raw}/") for line in stderr)
    assert "Traceback" not in result.stderr
    assert f"3 parsed, 0 unchanged, {len(expected)} failed" in result.stdout
    documents = read_table(tmp_path / "out", "documents")
    assert sorted(documents.source_path.map(lambda p: Path(p).name)) == sorted(f.name for f in GOOD)
    assert len(read_table(tmp_path / "out", "tasks")) == 39 + 39 + 19


def test_second_run_changes_nothing_and_changes_are_incremental(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for f in GOOD:
        shutil.copy(f, raw / f.name)
    first = run_batch([raw], out, workers=1)
    assert first.count("parsed") == 3 and first.written
    before, versions = _snapshot(out), _versions(out)
    record = (out / "_current.json").stat().st_mtime_ns

    again = run_batch([raw], out, workers=1)
    assert again.count("parsed") == 0 and again.count("unchanged") == 3 and not again.written
    assert _snapshot(out) == before and _versions(out) == versions
    assert (out / "_current.json").stat().st_mtime_ns == record

    # One changed file is parsed again, alone.
    changed = raw / KNOWN_TXT.name
    changed.write_text(changed.read_text(encoding="utf-8").replace("Lê Trọng", "Lê Văn Trọng"), encoding="utf-8")
    third = run_batch([raw], out, workers=1)
    assert [r.path for r in third.results if r.status == "parsed"] == [str(changed)]
    signers = read_table(out, "documents").set_index("source_path").signer_name
    assert signers[str(changed)] == "Lê Văn Trọng"

    # A removed file's rows go.
    (raw / KNOWN_PDF.name).unlink()
    fourth = run_batch([raw], out, workers=1)
    assert fourth.written and fourth.count("parsed") == 0
    for _name, frame in load_tables(out).items():
        if "source_path" in frame:
            assert str(raw / KNOWN_PDF.name) not in set(frame.source_path)
    assert len(read_table(out, "appendix_rows")) == 35 + 11
    assert len(_versions(out)) == 2  # the current version and the one before; older ones removed


def test_workers_do_not_change_the_result(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in GOOD + [FIXTURES / "ha-noi-310-2025-5g-iot.txt", FIXTURES / "tuan-giao-hdnd-2020.pdf"]:
        shutil.copy(f, raw / f.name)
    one = run_batch([raw], tmp_path / "one", workers=1)
    two = run_batch([raw], tmp_path / "two", workers=2)
    assert [(r.path, r.status) for r in one.results] == [(r.path, r.status) for r in two.results]
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")


def test_a_worker_killed_while_it_parses_leaves_the_run_whole(tmp_path):
    """A worker of the pool killed (as the system kills one for its memory) breaks the pool; the documents
    it may have held are parsed again, and the tables are those of one process, byte for byte."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in GOOD + sorted((FIXTURES / "legal-db").glob("*.txt"))[::5]:
        shutil.copy(f, raw / f.name)
    one = run_batch([raw], tmp_path / "one", workers=1)
    killed: list[int] = []

    def kill_a_worker(_path: str) -> None:
        workers = multiprocessing.active_children()
        if not killed and workers:
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)

    two = run_batch([raw], tmp_path / "two", workers=2, on_done=kill_a_worker)
    assert killed and not two.failed
    assert [(r.path, r.status) for r in one.results] == [(r.path, r.status) for r in two.results]
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")


def _double_or_die(job: int) -> int:
    """A job that kills its own worker on 3, as a crash in a library or the system's memory killer would."""
    if job == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * job


def test_a_job_whose_worker_dies_every_time_is_lost_and_the_others_end():
    results = dict(LocalEngine(2).map(_double_or_die, list(range(8))))
    assert isinstance(results.pop(3), Lost)
    assert results == {job: 2 * job for job in range(8) if job != 3}


def test_a_killed_run_leaves_the_previous_tables(tmp_path):
    """Kill a parse while it writes its tables: the old tables stay current, readable and whole."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(KNOWN_TXT, raw / KNOWN_TXT.name)
    assert run_batch([raw], out, workers=1).written
    before = _snapshot(out)
    # More documents to write: copies of the known PDF made distinct by a trailing comment.
    for i in range(6):
        (raw / f"copy-{i}.pdf").write_bytes(KNOWN_PDF.read_bytes() + f"\n% copy {i}\n".encode())

    outcomes = set()
    for _attempt in range(4):
        versions = _versions(out)
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "parse", str(raw), "--out", str(out),
                                 "--workers", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        # Wait until it starts writing a new version (its folder appears), then kill it at once.
        while proc.poll() is None and time.monotonic() < deadline and _versions(out) == versions:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = _snapshot(out)
        tables = load_tables(out)  # every table readable, all of one version
        ids = set(tables["documents"].doc_id)
        for name in ("tasks", "outline", "residual", "appendix_rows"):
            assert set(tables[name].doc_id) <= ids  # consistent with one another
        if after == before:
            outcomes.add("kept")
        else:
            assert len(ids) == 7  # the new tables, whole: the known text and the six copies
            outcomes.add("replaced")
            break
    assert "kept" in outcomes or "replaced" in outcomes
    # A plain run afterwards ends the job and removes what the killed runs left half written.
    assert run_batch([raw], out, workers=1).count("failed") == 0
    assert len(set(load_tables(out)["documents"].doc_id)) == 7
    assert len(_versions(out)) <= 2
