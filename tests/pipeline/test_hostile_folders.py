"""What a folder or a file holds cannot sink a run, fill the memory, or make a reader take part of the tables.

Each test reproduces one failure found by trying the pipeline as a hostile user would, as it was written
down: copies of one file, a mistyped input, files of the data folder that are huge, missing, pipes or links,
a version number no run could have written, inputs and cache entries changed while a run reads them, a file
that takes too long or too much memory, the local cluster's servers, and misuse of the command line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.batch.runner as batch
from pipeline.batch.engines import Limits, LocalEngine, Lost
from pipeline.batch.runner import InputError, run_batch
from pipeline.storage.load import duckdb_connection, load_tables, read_table, table_files
from pipeline.storage.store.claims import claim
from pipeline.storage.store.readers import DamagedTable, NoTables
from pipeline.storage.store.records import CURRENT, RECORD
from tests.pipeline.test_safety import cli, fingerprint, folder_of
from tests.support.documents import FIXTURES

# Three small real pages of the legal-database download: a run over them takes a second or two.
PAGES = [FIXTURES / "legal-db" / name for name in ("8c306b6991495e34.txt", "e7f6002678c9c0a1.txt",
                                                   "a8b680520cc297f0.txt")]
SIX_GB = 6 * 2**30


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as their targets), by its bytes' SHA-256."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def tables_of(out: Path) -> dict[str, str]:
    return fingerprint(load_tables(out))


def peak_memory_of(code: str, *args: str) -> tuple[int, str]:
    """Run `code` in a fresh interpreter; its peak resident memory in MB (VmHWM) and what it printed."""
    script = code + "\nprint('VmHWM', [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    return int(lines[-1].split()[1]) // 1024, "\n".join(lines[:-1])


# ------------------------------------------------------------------ 1. one job per content


@pytest.mark.parametrize("workers", [1, 2])
def test_copies_links_and_one_file_named_twice_are_parsed_once(tmp_path, workers):
    """A page saved twice under two names sank the first run (its cache entry written by two jobs at once)."""
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    shutil.copy(PAGES[0], raw / "saved-again.txt")
    os.link(raw / PAGES[1].name, raw / "hard-link.txt")
    (raw / "z-link.txt").symlink_to(raw / PAGES[0].name)
    out = tmp_path / "out"
    report = run_batch([raw, raw / PAGES[1].name], out, workers=workers)
    assert not report.failed and report.written
    assert report.count("parsed") == 2 and report.count("duplicate") == 2  # the link is the file itself
    documents = read_table(out, "documents").set_index("source_path")
    assert list(documents.other_paths[str(raw / PAGES[0].name)]) == [str(raw / "saved-again.txt")]
    assert list(documents.other_paths[str(raw / PAGES[1].name)]) == [str(raw / "hard-link.txt")]
    manifest = json.loads(next(out.glob("v*/_manifest.json")).read_text(encoding="utf-8"))
    copies = {e["path"]: e["same_as"] for e in manifest["files"].values() if e["status"] == "duplicate"}
    assert copies == {str(raw / "saved-again.txt"): str(raw / PAGES[0].name),
                      str(raw / "hard-link.txt"): str(raw / PAGES[1].name)}
    again = run_batch([raw], out, workers=workers)
    assert not again.failed and not again.written and again.count("unchanged") == 2


# ------------------------------------------------------------------ 3. inputs checked before anything is written


def test_a_mistyped_input_writes_nothing_and_keeps_the_cache(tmp_path):
    raw = folder_of(tmp_path, "raw", *PAGES)
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before, cache = tree(out), sorted(os.listdir(out / ".cache"))
    with pytest.raises(InputError, match="no such file or folder"):
        run_batch([raw, tmp_path / "raw-typo"], out, workers=1)
    result = cli("parse", str(tmp_path / "raw-typo"), "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'raw-typo'}: no such file or folder; "
                                          "nothing was parsed or written"]
    assert tree(out) == before and sorted(os.listdir(out / ".cache")) == cache


# ------------------------------------------------------------------ 5. sizes checked before a byte is read


def test_huge_files_in_the_data_folder_are_not_read(tmp_path):
    """Sparse files of 6 GB (no disk used) under a record's, a table's and a cache entry's names."""
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = tables_of(out)
    entry = sorted((out / ".cache").glob("*.arrow"))[0]
    with open(entry, "r+b") as fh:
        fh.truncate(SIX_GB)
    [tasks] = table_files(out, "tasks")
    with open(tasks, "r+b") as fh:
        fh.truncate(SIX_GB)
    reader = "import sys\nfrom pipeline.storage.load import load_tables\ntry:\n    load_tables(sys.argv[1])\n" \
             "except ValueError as exc:\n    print(exc)"
    peak, said = peak_memory_of(reader, str(out))
    assert peak < 500 and "tasks.parquet: damaged" in said and f"not the {tasks.stat().st_size}" not in said
    runner = "import sys\nfrom pipeline.batch.runner import run_batch\n" \
             "r = run_batch([sys.argv[1]], sys.argv[2], workers=1)\nprint(r.count('parsed'), r.written)"
    peak, said = peak_memory_of(runner, str(raw), str(out))
    assert peak < 500 and said == "1 True"  # the entry parsed again, the tables written again
    assert tables_of(out) == before and entry.stat().st_size < 2**20

    with open(out / CURRENT, "r+b") as fh:
        fh.truncate(SIX_GB)
    peak, said = peak_memory_of(reader, str(out))
    assert peak < 500 and "over the" in said and "run `plan-parse parse`" in said
    peak, said = peak_memory_of(runner, str(raw), str(out))
    assert peak < 500 and said.endswith("True") and tables_of(out) == before


# ------------------------------------------------------------------ 6. broken states a plain run repairs


@pytest.mark.parametrize("damage", ["missing", "fifo"])
def test_a_current_version_without_its_own_record_is_an_error_then_repaired(tmp_path, damage):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = tables_of(out)
    record = next(out.glob("v*")) / RECORD
    record.unlink()
    if damage == "fifo":
        os.mkfifo(record)
    with pytest.raises(DamagedTable, match=f"{RECORD}.*rebuild the tables"):
        load_tables(out)
    report = run_batch([raw], out, workers=1)  # no --force
    assert report.written and report.count("parsed") == 0
    assert tables_of(out) == before


def test_a_version_number_no_run_could_write_is_an_error_then_repaired(tmp_path):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    before = tables_of(out)
    record = json.loads((out / CURRENT).read_text(encoding="utf-8"))
    record["version"] = 10**300
    (out / CURRENT).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(DamagedTable, match="no valid version number"):
        load_tables(out)
    with pytest.warns(UserWarning, match="no valid version number"):
        first = run_batch([raw], out, workers=1)
    assert first.written and not first.failed
    second = run_batch([raw], out, workers=1)
    assert not second.written and second.count("parsed") == 0 and tables_of(out) == before


# ------------------------------------------------------------------ 7. a reader never gets torn or outside data


def test_a_record_naming_a_file_outside_is_an_error_not_an_empty_table(tmp_path):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    out = tmp_path / "out"
    run_batch([raw], out, workers=1)
    record = json.loads((out / CURRENT).read_text(encoding="utf-8"))
    record["tables"]["documents"][0]["file"] = "../documents.parquet"
    text = json.dumps(record)
    (out / CURRENT).write_text(text, encoding="utf-8")
    (out / f"v{record['version']:06d}" / RECORD).write_text(text, encoding="utf-8")
    with pytest.warns(UserWarning), pytest.raises(DamagedTable, match="not plain file names"):
        load_tables(out)
    with pytest.warns(UserWarning), pytest.raises(DamagedTable):
        duckdb_connection(out)


@pytest.mark.parametrize("what", ["table file", "version folder"])
def test_links_out_of_the_folder_are_not_read_and_are_replaced(tmp_path, what):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    run_batch([raw], out, workers=1)
    before = tables_of(out)
    [tasks] = table_files(out, "tasks")
    if what == "table file":  # the same bytes, but a file outside, linked in
        elsewhere.mkdir()
        shutil.move(tasks, elsewhere / tasks.name)
        tasks.symlink_to(elsewhere / tasks.name)
    else:
        shutil.move(tasks.parent, elsewhere)
        tasks.parent.symlink_to(elsewhere)
    outside = tree(elsewhere)
    with pytest.raises(DamagedTable, match="link"):
        load_tables(out)
    with pytest.raises(DamagedTable, match="link"):
        duckdb_connection(out)
    report = run_batch([raw], out, workers=1)
    assert report.written and report.count("parsed") == 0
    assert tables_of(out) == before and tree(elsewhere) == outside
    assert not any(p.is_symlink() for p in table_files(out, "tasks") + [table_files(out, "tasks")[0].parent])


# ------------------------------------------------------------------ 14. no version yet


def test_a_folder_with_no_version_is_an_error_not_empty_tables(tmp_path):
    with pytest.raises(NoTables, match="no such folder"):
        load_tables(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoTables, match="no tables yet"):
        load_tables(tmp_path / "empty")
    with claim(tmp_path / "claimed"):  # an output folder whose first run has not committed yet
        pass
    with pytest.raises(NoTables, match="no tables yet"):
        read_table(tmp_path / "claimed", "documents")
    with pytest.raises(NoTables):
        duckdb_connection(tmp_path / "claimed")


# ------------------------------------------------------------------ 10. workers of another user read the cache


def test_cache_entries_are_readable_by_the_group_and_others(tmp_path):
    out = tmp_path / "out"
    run_batch([folder_of(tmp_path, "raw", *PAGES[:2])], out, workers=2)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (out / ".cache").glob("*.arrow")}
    assert modes == {0o644}


# ------------------------------------------------------------------ 2. every per-file failure is that file's row


def _changing_inputs(monkeypatch, change) -> None:
    """Change the inputs right after the run hashed them, before any worker reads them."""
    hash_inputs = batch._hash_inputs

    def hashed_then_changed(given, engine):
        found = hash_inputs(given, engine)
        change()
        return found
    monkeypatch.setattr(batch, "_hash_inputs", hashed_then_changed)


def test_an_input_changed_or_removed_mid_run_is_its_own_error(tmp_path, monkeypatch):
    raw = folder_of(tmp_path, "raw", *PAGES)
    changed, removed = raw / PAGES[1].name, raw / PAGES[2].name

    def change():
        changed.write_bytes(changed.read_bytes() + "\nThêm một dòng.\n".encode())
        removed.unlink()
    _changing_inputs(monkeypatch, change)
    report = run_batch([raw], tmp_path / "out", workers=2)
    assert {r.path: r.status for r in report.results} == {
        str(raw / PAGES[0].name): "parsed", str(changed): "failed", str(removed): "failed"}
    errors = read_table(tmp_path / "out", "errors").set_index("source_path")
    assert (errors.code[str(changed)] == "input_changed"
            and "changed while the run read it" in errors.message[str(changed)])
    assert errors.code[str(removed)] == "input_removed"
    assert len(read_table(tmp_path / "out", "documents")) == 1


def _tampering_entries(monkeypatch, out: Path, times: int) -> list[str]:
    """Rewrite every cache entry after the run checked it, before it writes its tables; `times` runs of that."""
    assemble, tampered = batch._assemble, []

    def assemble_then_tamper(*args):
        done = assemble(*args)
        if len(tampered) < times:
            for cache in (out / ".cache").glob("*.arrow"):
                cache.write_bytes(cache.read_bytes() + b"\0")
                tampered.append(cache.name)
        return done
    monkeypatch.setattr(batch, "_assemble", assemble_then_tamper)
    return tampered


def test_a_cache_entry_changed_while_the_run_reads_it_is_parsed_again(tmp_path, monkeypatch):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    run_batch([raw], tmp_path / "clean", workers=1)
    tampered = _tampering_entries(monkeypatch, tmp_path / "out", times=1)
    report = run_batch([raw], tmp_path / "out", workers=1)
    assert tampered and not report.failed and report.written
    assert tables_of(tmp_path / "out") == {k: v for k, v in tables_of(tmp_path / "clean").items()}


def test_a_cache_entry_that_keeps_changing_fails_its_file_alone(tmp_path, monkeypatch):
    raw = folder_of(tmp_path, "raw", PAGES[0])
    out = tmp_path / "out"
    _tampering_entries(monkeypatch, out, times=2)
    report = run_batch([raw], out, workers=1)
    assert report.written and [r.status for r in report.results] == ["failed"]
    assert list(read_table(out, "errors").code) == ["cache_changed"]


def _sleep_or_hog(job: tuple[str, int]) -> str:
    kind, amount = job
    if kind == "sleep":
        time.sleep(amount)
    else:
        block = bytearray(amount * 2**20)
        block[::4096] = b"\1" * len(block[::4096])  # touched: resident, not only reserved
        time.sleep(1)
    return kind


def test_a_job_over_its_time_or_memory_limit_is_lost_and_the_others_end():
    jobs = [("sleep", 0), ("sleep", 60), ("hog", 10), ("hog", 800), ("sleep", 0)]
    results = dict(LocalEngine(2, Limits(seconds=3, megabytes=300)).map(_sleep_or_hog, jobs))
    assert results.pop(1) == Lost("refused: it took longer than the 3 s a file may take (--file-timeout)", "timeout")
    assert results.pop(3) == Lost("refused: it needed more than the 300 MB of memory a file may use (--file-memory)",
                                  "over_memory")
    assert results == {0: "sleep", 2: "hog", 4: "sleep"}


def test_a_file_over_the_limits_is_an_errors_row_of_one_line(tmp_path):
    """The known plan as PDF (20 pages, a few seconds) against a limit of a tenth of a second."""
    raw = folder_of(tmp_path, "raw", PAGES[0], FIXTURES / "mang-yang-2021-cchc.pdf")
    result = cli("parse", str(raw), "--out", str(tmp_path / "out"), "--file-timeout", "0.1", "--workers", "1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # The small page may be refused too on a slow machine: only the PDF's line is certain.
    line = f"error: {raw / 'mang-yang-2021-cchc.pdf'}: refused: it took longer than the 0.1 s a file may take " \
           "(--file-timeout)"
    assert line in result.stderr.splitlines()
    errors = read_table(tmp_path / "out", "errors").set_index("source_path")
    assert errors.code[str(raw / "mang-yang-2021-cchc.pdf")] == "timeout"


# ------------------------------------------------------------------ 8. the local cluster serves only this machine


def _listening(pid: int) -> set[str]:
    """The addresses the process and its descendants listen on (TCP)."""
    psutil = pytest.importorskip("psutil")
    found = set()
    for proc in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        for conn in proc.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN:
                found.add(conn.laddr.ip)
    return found


def test_the_local_dask_cluster_listens_on_the_loopback_alone():
    pytest.importorskip("distributed")
    from pipeline.batch.engines import DaskEngine

    with DaskEngine(1) as engine:
        assert dict(engine.map(abs, [-1, -2])) == {0: 1, 1: 2}
        addresses = _listening(os.getpid())
    assert addresses and addresses <= {"127.0.0.1", "::1"}


# ------------------------------------------------------------------ 11, 12. misuse is one line and status 2


def test_a_scheduler_that_is_no_address_is_one_line(tmp_path):
    result = cli("parse", str(PAGES[0]), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", "notaurl")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: --scheduler 'notaurl' is not a scheduler's address: "
                                          "give tcp://HOST:PORT"]
    assert not (tmp_path / "out").exists()


def test_a_scheduler_where_nothing_listens_fails_before_anything_is_written(tmp_path):
    with socket.socket() as probe:  # a port of this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("parse", str(PAGES[0]), "--out", str(tmp_path / "out"), "--engine", "dask",
                 "--scheduler", f"tcp://127.0.0.1:{port}", timeout=60)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert not (tmp_path / "out").exists()


def test_an_output_name_too_long_is_one_line(tmp_path):
    result = cli("parse", str(PAGES[0]), "--out", str(tmp_path / ("x" * 300)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"error: {tmp_path / ('x' * 300)}: File name too long"]


def test_workers_are_capped_at_the_machine_cores(tmp_path):
    raw = folder_of(tmp_path, "raw", *PAGES[:2])
    result = cli("parse", str(raw), "--out", str(tmp_path / "out"), "--workers", "189")
    cores = os.cpu_count()
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"note: --workers 189 is more than this machine's {cores} cores; "
                                          f"{cores} are used"]


def test_dates_prints_each_milestone_its_own_words(tmp_path):
    cell = " ".join(f"- Báo cáo lần {i} trong tháng {i % 12 + 1:02d}/2021." for i in range(300))
    result = cli("dates", "--year", "2021", "--", cell)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 300 and len(result.stdout.encode()) < 40 * len(cell.encode())


# ------------------------------------------------------------------ copies, links, changes and tampering at random

LAYOUT_OPS = st.lists(st.tuples(st.sampled_from(["copy", "hard link", "symlink", "rename"]), st.integers(0, 2)),
                      max_size=4)
MID_RUN = st.lists(st.tuples(st.sampled_from(["change", "delete"]), st.integers(0, 6)), max_size=2)
TAMPER = st.lists(st.tuples(st.sampled_from(["truncate", "flip", "link out", "fifo", "delete"]), st.integers(0, 6)),
                  max_size=3)


def _lay_out(raw: Path, ops) -> None:
    names = [p.name for p in PAGES]
    for k, (op, i) in enumerate(ops):
        source = raw / names[i]
        if not source.exists():
            continue
        if op == "copy":
            shutil.copy(source, raw / f"copy-{k}.txt")
        elif op == "hard link":
            os.link(source, raw / f"hard-{k}.txt")
        elif op == "symlink":
            (raw / f"link-{k}.txt").symlink_to(source.name)
        else:
            source.rename(raw / f"renamed-{k}.txt")
            names[i] = f"renamed-{k}.txt"


def _contents(raw: Path) -> set[str]:
    """The SHA-256 of every input the folder holds that can be read."""
    found = set()
    for path in raw.iterdir():
        with contextlib.suppress(OSError):
            found.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=LAYOUT_OPS, mid_run=MID_RUN, tamper=TAMPER)
def test_any_folder_of_copies_links_changes_and_tampering_loses_nothing(tmp_path_factory, ops, mid_run, tamper):
    """Never a failed run, never a lost document, nothing written outside the output folder."""
    base = tmp_path_factory.mktemp("hostile")
    raw, out, outside = folder_of(base, "raw", *PAGES), base / "out", base / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("not the pipeline's", encoding="utf-8")
    _lay_out(raw, ops)
    before = {p: h for p, h in tree(base).items() if not p.startswith(str(out))}
    touched: set[int] = set()  # inodes changed or removed mid-run

    def change() -> None:
        files = sorted(p for p in raw.iterdir() if not p.is_symlink())
        for op, i in mid_run:
            if i < len(files) and files[i].exists():
                touched.add(files[i].stat().st_ino)
                if op == "change":
                    files[i].write_bytes(files[i].read_bytes() + b"\n")
                else:
                    files[i].unlink()
    hash_inputs = batch._hash_inputs

    def hashed_then_changed(given, engine):
        found = hash_inputs(given, engine)
        change()
        return found
    batch._hash_inputs = hashed_then_changed
    try:
        first = run_batch([raw], out, workers=2)
    finally:
        batch._hash_inputs = hash_inputs
    assert {r.error["code"] for r in first.failed} <= {"input_changed", "input_removed", "unreadable"}
    untouched = {hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()
                 if p.exists() and p.stat().st_ino not in touched}
    assert untouched <= set(read_table(out, "documents").source_sha256)

    entries = sorted((out / ".cache").glob("*.arrow"))
    for op, i in tamper:
        if i >= len(entries) or entries[i].is_symlink() or not entries[i].is_file():
            continue  # tampered already: a link or a pipe is not read here either
        entry = entries[i]
        if op == "truncate":
            entry.write_bytes(entry.read_bytes()[:50])
        elif op == "flip":
            data = bytearray(entry.read_bytes())
            data[len(data) // 2] ^= 0xFF
            entry.write_bytes(bytes(data))
        else:
            entry.unlink()
            if op == "link out":
                entry.symlink_to(outside / "victim.txt")
            elif op == "fifo":
                os.mkfifo(entry)
    second = run_batch([raw], out, workers=2)
    # Nothing fails but a link whose file was removed: an input no run can read, said so.
    assert all(os.path.islink(r.path) and not os.path.exists(r.path) for r in second.failed)
    assert set(read_table(out, "documents").source_sha256) == _contents(raw)  # every document, each once
    after = {p: h for p, h in tree(base).items() if not p.startswith(str(out))}
    changed_inputs = {p for p in set(before) | set(after) if p.startswith(str(raw)) and before.get(p) != after.get(p)}
    assert {p: h for p, h in after.items() if p not in changed_inputs} == \
        {p: h for p, h in before.items() if p not in changed_inputs}  # nothing written outside the output folder


# ------------------------------------------------------------------ 6. file systems without flock


def test_a_file_system_without_flock_is_served_by_a_lock_file(tmp_path, monkeypatch):
    import errno

    import pipeline.storage.store.claims as store

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")
    monkeypatch.setattr(store.fcntl, "flock", no_locks)
    out = tmp_path / "out"
    with claim(out):
        assert (out / store.RUN_LOCK).read_text().split()[0] == socket.gethostname()
        with pytest.raises(store.OutputError, match="another plan-parse run is writing to this folder"):
            claim(out)
    assert not (out / store.RUN_LOCK).exists()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / store.RUN_LOCK).write_text(f"{socket.gethostname()} {gone.stdout.strip()}")  # a run killed long ago
    report = run_batch([folder_of(tmp_path, "raw", PAGES[0])], out, workers=1)
    assert report.written and not report.failed and len(read_table(out, "documents")) == 1
    assert not (out / store.RUN_LOCK).exists()
