"""Safe to share: readers during runs, nothing run or moved from the data folder, only its own files
touched, damage repaired, workers that die with their batch, and every odd input or path a clean outcome."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from parsers.model.errors import UnreadableFile
from pipeline.batch.runner import decode_rows, encode_rows, run_batch
from pipeline.run import parse_document
from pipeline.storage.load import duckdb_connection, load_tables, read_table, table_files
from pipeline.storage.schemas import SCHEMAS
from pipeline.storage.store.claims import MARKER, OutputError, claim
from pipeline.storage.store.readers import DamagedTable
from pipeline.storage.store.records import CURRENT
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT

SMALL_A = FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"
SMALL_B = FIXTURES / "ha-noi-310-2025-5g-iot.txt"


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=timeout)


def folder_of(tmp_path: Path, name: str, *files: Path) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and p.name.startswith("v"))


def fingerprint(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: frame.to_csv(index=False) for name, frame in tables.items()}


# ------------------------------------------------------------------ snapshot reads


COUNTS_SQL = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM {name}" for name in SCHEMAS)

# The writer: `plan-parse parse` 30 times in one process (the command's own entry point, without
# an interpreter's start each time), alternating between two input folders.
WRITER = """
import contextlib, io, sys
from pipeline.cli import main
out, a, b, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failed = 0
for i in range(runs):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(["parse", b if i % 2 == 0 else a, "--out", out, "--workers", "1"], standalone_mode=False)
        except SystemExit as exc:
            status = exc.code
        except Exception as exc:
            status = repr(exc)
    if status not in (None, 0) or "a new version written" not in stdout.getvalue():
        failed += 1
        print(status, stdout.getvalue(), stderr.getvalue(), file=sys.__stderr__)
print(failed)
"""


def test_readers_see_one_whole_version_while_runs_write(tmp_path):
    """load_tables and DuckDB in a loop while 30 runs switch the folder between two inputs:
    every read is one of them."""
    a, b = folder_of(tmp_path, "a", SMALL_A), folder_of(tmp_path, "b", SMALL_B)
    expected = {}
    for name, folder in (("a", a), ("b", b)):
        run_batch([folder], tmp_path / f"only-{name}", workers=1)
        tables = load_tables(tmp_path / f"only-{name}")
        expected[name] = (fingerprint(tables), {t: len(frame) for t, frame in tables.items()})
    assert expected["a"][1] != expected["b"][1]

    out = tmp_path / "shared"
    run_batch([a], out, workers=1)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(out), str(a), str(b), "30"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = {"a": 0, "b": 0, "mixed": 0}
    errors = []
    while writer.poll() is None:
        try:
            tables = fingerprint(load_tables(out))
            con = duckdb_connection(out)
            counts = dict(con.execute(COUNTS_SQL).fetchall())
            con.close()
        except Exception as exc:  # any error is a failure of the snapshot reads
            errors.append(repr(exc))
            continue
        for name, (frames, rows) in expected.items():
            if tables == frames:
                seen[name] += 1
            if counts == rows:
                seen[name] += 1
        if tables not in (expected["a"][0], expected["b"][0]) or counts not in (expected["a"][1], expected["b"][1]):
            seen["mixed"] += 1
    stdout, stderr = writer.communicate()
    assert writer.returncode == 0 and stdout.strip() == "0", stderr  # 0 writer failures
    assert errors == [] and seen["mixed"] == 0
    assert seen["a"] > 0 and seen["b"] > 0  # the readers did see both


def test_a_connection_keeps_its_version_while_runs_go_on(tmp_path):
    a, b = folder_of(tmp_path, "a", SMALL_A), folder_of(tmp_path, "b", SMALL_B)
    out = tmp_path / "out"
    run_batch([a], out, workers=1)
    con = duckdb_connection(out)
    for folder in (b, a, b):
        assert run_batch([folder], out, workers=1).written
    # Three versions later, the connection's version is still there and whole: no run removed it under it.
    assert con.execute("SELECT count(*) FROM tasks").fetchone() == (19,)
    assert con.execute("SELECT source_path FROM documents").fetchone() == (str(a / SMALL_A.name),)
    assert len(versions(out)) == 3
    con.close()
    del con  # the connection's hold on its version goes with it
    gc.collect()
    run_batch([a], out, workers=1)
    assert len(versions(out)) == 2


# ------------------------------------------------------------------ nothing executable, nothing outside


class Payload:
    """Unpickling this object would create a file: the proof that a pickle was loaded."""

    def __init__(self, target: str):
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def test_the_cache_is_data_and_a_crafted_entry_is_not_trusted(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = fingerprint(load_tables(out))
    [entry] = (out / ".cache").glob("*.arrow")
    assert entry.read_bytes()[:6] == b"ARROW1"  # an Arrow IPC file, not a pickle
    genuine = entry.read_bytes()

    # A crafted entry under the cache's name: plausible rows, other words; and a pickle that would run a command.
    rows = decode_rows(genuine)
    rows["tasks"][0]["text"] = "Nội dung giả mạo"
    entry.write_bytes(encode_rows(rows))
    pwned = tmp_path / "pwned"
    (out / ".cache" / f"{entry.stem}.pickle").write_bytes(pickle.dumps(Payload(str(pwned))))

    with pytest.warns(UserWarning, match="damaged cache entry"):
        report = run_batch([raw], out, workers=1)
    assert report.count("parsed") == 1  # parsed again, not taken from the crafted entry
    assert fingerprint(load_tables(out)) == before
    assert entry.read_bytes() == genuine  # rebuilt
    assert not pwned.exists()
    assert (out / ".cache" / f"{entry.stem}.pickle").exists()  # not its file: left alone


def _rewrite_record(out: Path, change) -> None:
    """Change the current version record, as someone with write access to the folder could."""
    record = json.loads((out / CURRENT).read_text(encoding="utf-8"))
    change(record)
    text = json.dumps(record)
    (out / CURRENT).write_text(text, encoding="utf-8")
    (out / f"v{record['version']:06d}" / "_version.json").write_text(text, encoding="utf-8")


def test_a_crafted_version_record_reads_and_removes_nothing_outside(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    out = tmp_path / "data" / "out"
    run_batch([raw], out, workers=1)
    victim = tmp_path / "data" / "victim.parquet"
    shutil.copy(table_files(out, "tasks")[0], victim)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the tables", encoding="utf-8")
    outside = {p: digest(p) for p in (victim, secret)}

    def point_outside(record):
        entry = record["tables"]["tasks"][0]
        record["tables"]["tasks"] = [{**entry, "file": "../../victim.parquet"}, {**entry, "file": str(victim)}]
        record["tables"]["documents"][0]["file"] = "../../secret.txt"
    _rewrite_record(out, point_outside)

    # A reader gets one clear error, never a version with some tables empty and others full.
    with pytest.warns(UserWarning, match="not a plain file name"), \
            pytest.raises(DamagedTable, match="not plain file names of the folder"):
        load_tables(out)
    # Later runs write whole versions again and prune the crafted one: only files inside its folder may go.
    with pytest.warns(UserWarning, match="not a plain file name"):
        for _ in range(3):
            run_batch([raw], out, workers=1)
    assert {p: digest(p) for p in outside} == outside
    assert len(load_tables(out)["tasks"]) == 19  # the runs wrote whole versions again


def test_a_crafted_manifest_cache_name_is_ignored(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    victim = tmp_path / "victim.parquet"
    shutil.copy(next((out / ".cache").glob("*.arrow")), victim)
    before = digest(victim)
    record = json.loads((out / CURRENT).read_text(encoding="utf-8"))
    manifest_path = out / f"v{record['version']:06d}" / "_manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        entry["cache"]["file"] = "../../victim.parquet"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    def rehash(record):
        data = manifest_path.read_bytes()
        record["manifest"] = {"file": "_manifest.json", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    _rewrite_record(out, rehash)
    with pytest.warns(UserWarning, match="not a plain file name"):
        report = run_batch([raw], out, workers=1)
    assert report.count("failed") == 0 and digest(victim) == before


def test_a_pipe_under_a_record_name_hangs_no_reader_and_no_run(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    (out / CURRENT).unlink()
    os.mkfifo(out / CURRENT)
    with pytest.raises(ValueError, match="not a version record"):
        _within_a_second(lambda: load_tables(out))
    with pytest.warns(UserWarning, match="not a version record"):
        assert run_batch([raw], out, workers=1).written  # the record is written again, whole
    assert len(load_tables(out)["tasks"]) == 19


# ------------------------------------------------------------------ own only what it wrote


def test_foreign_files_survive_and_a_foreign_folder_is_refused(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")  # as data/processed/ holds in the repository: still an empty folder
    run_batch([raw], out, workers=1)
    foreign = [out / "notes.tmp", out / ".draft.tmp", out / ".cache" / "other.pickle", out / ".cache" / ".x.tmp",
               out / "v000001" / "mine.csv"]
    for f in foreign:
        f.write_text("mine")
    for folder in (folder_of(tmp_path, "b", SMALL_B), raw, raw):
        run_batch([folder], out, workers=1, force=True)
    assert all(f.read_text() == "mine" for f in foreign)
    assert (out / "v000001").is_dir()  # its own files gone, the foreign one kept, so the folder stays

    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "report.docx").write_text("someone's work")
    with pytest.raises(OutputError, match="not a plan-parse output"):
        run_batch([raw], elsewhere, workers=1)
    result = cli("parse", str(raw), "--out", str(elsewhere))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "is not empty and is not a plan-parse output" in result.stderr
    assert sorted(os.listdir(elsewhere)) == ["report.docx"]


def test_two_runs_into_one_folder_at_once_are_refused(tmp_path):
    out = tmp_path / "out"
    run_batch([SMALL_A], out, workers=1)
    with claim(out):  # as a run holds it while it parses and writes
        result = cli("parse", str(SMALL_A), "--out", str(out))
    assert result.returncode == 2 and "another plan-parse run is writing to this folder" in result.stderr
    assert cli("parse", str(SMALL_A), "--out", str(out)).returncode == 0


def test_a_folder_of_the_earlier_layout_is_read_and_taken_over(tmp_path):
    """Layout 1: one <table>.parquet per table beside _manifest.json; it reads as before and a run may write there."""
    raw = folder_of(tmp_path, "raw", SMALL_A)
    new = tmp_path / "new"
    run_batch([raw], new, workers=1)
    old = tmp_path / "old"
    old.mkdir()
    for name in SCHEMAS:
        shutil.copy(table_files(new, name)[0], old / f"{name}.parquet")
    (old / "_manifest.json").write_text(json.dumps({"parser_version": "0.1.0", "files": {}}))
    assert fingerprint(load_tables(old)) == fingerprint(load_tables(new))
    assert run_batch([raw], old, workers=1).written
    assert fingerprint(load_tables(old)) == fingerprint(load_tables(new))
    assert (old / MARKER).exists() and (old / "tasks.parquet").exists()  # its files are left as they were


# ------------------------------------------------------------------ repair


def test_a_truncated_table_is_reported_and_rebuilt_by_the_next_run(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A, SMALL_B)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = fingerprint(load_tables(out))
    [tasks] = table_files(out, "tasks")
    tasks.write_bytes(tasks.read_bytes()[: tasks.stat().st_size // 2])
    with pytest.raises(DamagedTable, match="tasks.parquet: damaged"):
        load_tables(out)
    report = run_batch([raw], out, workers=1)
    assert report.written and report.count("parsed") == 0  # rebuilt from the cache, nothing parsed
    assert fingerprint(load_tables(out)) == before


def test_a_truncated_cache_entry_is_parsed_again(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A, SMALL_B)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = fingerprint(load_tables(out))
    entry = sorted((out / ".cache").glob("*.arrow"))[0]
    whole = entry.read_bytes()
    entry.write_bytes(whole[:100])
    with pytest.warns(UserWarning, match="damaged cache entry"):
        report = run_batch([raw], out, workers=1)
    assert report.count("parsed") == 1 and report.count("unchanged") == 1
    assert entry.read_bytes() == whole and fingerprint(load_tables(out)) == before
    assert run_batch([raw], out, workers=1).count("unchanged") == 2


# ------------------------------------------------------------------ workers die with their batch


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits to be collected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_batch_kills_its_workers(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(6):  # distinct copies: each worker has work for several seconds
        (raw / f"copy-{i}.pdf").write_bytes(KNOWN_PDF.read_bytes() + f"\n% copy {i}\n".encode())
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "parse", str(raw), "--out", str(out), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) == 2, "the batch did not start its two workers"
    time.sleep(0.5)  # both at work
    proc.kill()
    proc.wait()
    cache = sorted(os.listdir(out / ".cache"))
    time.sleep(2)
    assert [pid for pid in workers if _alive(pid)] == []
    assert sorted(os.listdir(out / ".cache")) == cache  # nothing written after the batch died


# ------------------------------------------------------------------ odd inputs, odd paths


def _within_a_second(fn):
    """Call fn; fail (instead of hanging the suite) when it has not returned after a second."""
    def alarm(signum, frame):
        raise TimeoutError("still waiting after a second")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(1)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_pipe_and_a_device_are_refused_at_once(tmp_path):
    fifo = tmp_path / "waiting.pdf"
    os.mkfifo(fifo)
    for path, reason in ((fifo, "a named pipe (FIFO), not a file"), (Path("/dev/zero"), "a character device")):
        with pytest.raises(UnreadableFile, match=re.escape(reason)):
            _within_a_second(lambda path=path: parse_document(path))
    result = cli("parse", str(tmp_path), "/dev/zero", "--out", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"error: {fifo}: a named pipe (FIFO), not a file",
                                          "error: /dev/zero: a character device, not a file"]
    assert list(read_table(tmp_path / "out", "errors").code) == ["unreadable", "unreadable"]


def test_every_odd_name_in_a_folder_gets_one_line(tmp_path):
    raw = folder_of(tmp_path, "raw", SMALL_A)
    (raw / "folder.pdf").mkdir()
    (raw / "loop").symlink_to(raw)
    (raw / "self.txt").symlink_to(raw / "self.txt")
    (raw / "gone.pdf").symlink_to(tmp_path / "nothing-there.pdf")
    (raw / "new\nline.txt").write_bytes(SMALL_B.read_bytes())
    (raw / os.fsdecode(b"caf\xe9.txt")).write_bytes(KNOWN_TXT.read_bytes())  # a name that is not UTF-8
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(raw / "socket.txt"))
    try:
        result = cli("parse", str(raw), "--out", str(tmp_path / "out"))
    finally:
        server.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {raw}/folder.pdf: a folder, not a file",
        f"error: {raw}/gone.pdf: a broken symlink: what it points to is missing",
        f"error: {raw}/loop: a symlink loop: a link to a folder that holds it",
        f"error: {raw}/self.txt: a symlink loop: the link leads back to itself",
        f"error: {raw}/socket.txt: a socket, not a file",
    ]
    # A line break in a name cannot forge a line: the name is shown escaped.
    escaped = repr(str(raw / "new\nline.txt"))
    assert any(line.startswith(f"parsed  {escaped}  ") for line in result.stdout.splitlines())
    assert f"parsed  {raw}/caf\\xe9.txt  " in result.stdout  # its bytes shown, as in the tables
    assert all(line.startswith(("parsed  ", "3 parsed", "rows:", "outline", "tables in"))
               for line in result.stdout.splitlines())
    assert f"{raw}/caf\\xe9.txt" in set(read_table(tmp_path / "out", "documents").source_path)


def test_the_same_folder_named_two_ways_is_not_parsed_again(tmp_path, monkeypatch):
    raw = folder_of(tmp_path, "raw", SMALL_A, SMALL_B)
    out = tmp_path / "out"
    assert run_batch([raw], out, workers=1).count("parsed") == 2
    monkeypatch.chdir(tmp_path)
    again = run_batch([Path("raw")], Path("out"), workers=1)
    assert again.count("parsed") == 0 and again.count("unchanged") == 2
    # The tables name the files as this run was given them.
    assert sorted(read_table(out, "documents").source_path) == sorted(f"raw/{f.name}" for f in (SMALL_A, SMALL_B))


def test_duckdb_reads_a_folder_whose_path_holds_quotes_and_brackets(tmp_path):
    out = tmp_path / "it's [the] \"data\""
    run_batch([SMALL_A], out, workers=1)
    con = duckdb_connection(out)
    assert con.execute("SELECT count(*) FROM tasks JOIN documents USING (doc_id)").fetchone() == (19,)


# ------------------------------------------------------------------ the command line: misuse is one line, status 2


@pytest.fixture(scope="module")
def parsed_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("parsed")
    run_batch([KNOWN_TXT], out, workers=1)
    return out


def test_misuse_is_one_line_and_status_2(tmp_path, parsed_folder):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    doc = read_table(parsed_folder, "documents").doc_id[0]
    cases = {
        ("report", doc, "--data", str(parsed_folder), "--out", str(tmp_path)): "is a folder",
        ("report", doc, "--data", str(parsed_folder), "--out", ""): "--out is empty",
        ("report", doc, "--data", str(tmp_path / "none"), "--out", str(tmp_path / "r.html")): "no such folder",
        ("parse", str(KNOWN_TXT), "--out", str(a_file)): "is a file, not a folder",
        ("parse", str(KNOWN_TXT), "--out", ""): "--out is empty",
        ("parse", str(KNOWN_TXT), "--workers", "0"): "--workers",
        ("parse",): "Missing argument",
        ("report", doc, "--data", str(parsed_folder)): "Missing option '--out'",
        ("nonsense",): "No such command",
    }
    for args, reason in cases.items():
        result = cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: "), (args, result.stderr)
        assert reason in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)


def test_report_overwrites_only_a_review_page_and_keeps_its_mode(tmp_path, parsed_folder):
    doc = read_table(parsed_folder, "documents").doc_id[0]
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>")
    result = cli("report", doc, "--data", str(parsed_folder), "--out", str(notes))
    assert result.returncode == 2 and "is not a review page: --force to overwrite it" in result.stderr
    assert notes.read_text() == "<p>my notes</p>"
    assert cli("report", doc, "--data", str(parsed_folder), "--out", str(notes), "--force").returncode == 0

    page = tmp_path / "page.html"
    assert cli("report", doc, "--data", str(parsed_folder), "--out", str(page)).returncode == 0
    os.chmod(page, 0o600)
    assert cli("report", doc, "--data", str(parsed_folder), "--out", str(page)).returncode == 0  # a page: replaced
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
