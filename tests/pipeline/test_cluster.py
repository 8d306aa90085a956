"""Parsing on a Dask cluster, and the dataset layout: the same tables as one process, whatever happens to a worker.

Every cluster here is real: `dask.distributed` worker processes on this
machine, started and stopped by the test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas.testing as pdt
import pytest

distributed = pytest.importorskip("distributed")

from pipeline.batch.runner import run_batch  # noqa: E402
from pipeline.storage.load import duckdb_connection, load_tables, table_files  # noqa: E402
from pipeline.storage.schemas import SCHEMAS  # noqa: E402
from pipeline.storage.store.records import DATASET, PART_NAME, current_version  # noqa: E402
from tests.support.documents import FIXTURES, ROOT  # noqa: E402

LEGAL_DB = sorted((FIXTURES / "legal-db").glob("*.txt"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The plans of data/raw (a PDF among them), every tenth legal-database page, and a file that fails."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "data" / "raw").iterdir()):
        if path.suffix in (".pdf", ".txt"):
            shutil.copy(path, folder / path.name)
    for path in LEGAL_DB[::10]:
        shutil.copy(path, folder / path.name)
    shutil.copy(FIXTURES / "not-a-document.txt", folder / "not-a-document.txt")
    return folder


@pytest.fixture(scope="module")
def local_tables(corpus, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("local")
    report = run_batch([corpus], out, workers=1)
    assert report.count("parsed") >= 25 and [Path(r.path).name for r in report.failed] == ["not-a-document.txt"]
    return out, load_tables(out)


@pytest.fixture(scope="module")
def cluster():
    """A local cluster of two worker processes, one thread each, for the tests that reach into it."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield cluster, client


def _assert_same_tables(a: dict, b: dict) -> None:
    for name in SCHEMAS:
        pdt.assert_frame_equal(a[name], b[name], obj=name)


def _tree(out: Path) -> dict[str, str]:
    """Every file of an output folder by its SHA-256: what a run that writes nothing must leave as it is."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_local_dask_cluster_gives_the_tables_of_one_process(corpus, local_tables, tmp_path):
    out = tmp_path / "dask"
    report = run_batch([corpus], out, engine="dask", workers=2)
    local_out, local = local_tables
    assert report.count("parsed") == len(local["documents"])
    _assert_same_tables(load_tables(out), local)
    # Byte for byte: the same Parquet files.
    assert {n: [p.read_bytes() for p in table_files(out, n)] for n in SCHEMAS} == \
        {n: [p.read_bytes() for p in table_files(local_out, n)] for n in SCHEMAS}

    before = _tree(out)
    again = run_batch([corpus], out, engine="dask", workers=2)
    assert again.count("parsed") == 0 and not again.written
    assert _tree(out) == before

    changed = corpus / "ha-noi-310-2025-5g-iot.txt"
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + "\n- Sửa đổi để chạy lại.\n".encode())
        third = run_batch([corpus], out, engine="dask", workers=2)
    finally:
        changed.write_bytes(original)
    assert [Path(r.path).name for r in third.results if r.status == "parsed"] == [changed.name]
    assert third.written


def test_a_worker_killed_while_it_parses_leaves_the_run_whole(corpus, local_tables, cluster, tmp_path):
    cluster_, client = cluster
    killed: list[int] = []

    def kill_a_busy_worker(_name: str) -> None:
        if killed:
            return
        busy = [addr for addr, keys in client.processing().items() if keys]
        if busy:
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    out = tmp_path / "killed"
    report = run_batch([corpus], out, engine="dask", scheduler=cluster_.scheduler_address, on_done=kill_a_busy_worker)
    assert killed, "no worker was busy when the first document ended"
    assert [Path(r.path).name for r in report.failed] == ["not-a-document.txt"]
    _assert_same_tables(load_tables(out), local_tables[1])
    client.wait_for_workers(2, timeout=60)  # the nanny started a new worker in its place
    assert killed[0] not in client.run(os.getpid).values()


def test_a_document_whose_worker_dies_every_time_is_an_error_and_the_batch_goes_on(corpus, tmp_path):
    import dask

    # No second try: the first death of a worker loses its document.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                     silence_logs=50) as cluster, distributed.Client(cluster) as client:
        killed: list[int] = []

        def kill_a_busy_worker(_name: str) -> None:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if not killed and busy:
                killed.append(client.run(os.getpid, workers=[busy[0]])[busy[0]])
                os.kill(killed[0], signal.SIGKILL)

        report = run_batch([corpus], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address,
                           on_done=kill_a_busy_worker)
    lost = [r for r in report.results if r.status == "failed" and r.error["code"] == "worker_lost"]
    assert killed and len(lost) >= 1
    assert "worker died" in lost[0].error["message"]
    parsed = report.count("parsed")
    assert parsed + len(report.failed) == len(report.results) and parsed >= len(report.results) - 1 - 2
    errors = load_tables(tmp_path / "out")["errors"]
    assert set(errors.code) == {"worker_lost", "not_a_document"}


def test_inputs_named_by_url_are_read_by_the_workers(corpus, local_tables, cluster, tmp_path):
    cluster_, _client = cluster
    out = tmp_path / "urls"
    report = run_batch([corpus.resolve().as_uri()], out, engine="dask", scheduler=cluster_.scheduler_address)
    assert all(r.path.startswith("file://") for r in report.results)
    tables, local = load_tables(out), local_tables[1]
    for name in SCHEMAS:
        a, b = tables[name], local[name]
        if "source_path" in a:  # the same rows, each named by its URL
            assert list(a.source_path) == [corpus.resolve().as_uri() + "/" + Path(p).name for p in b.source_path]
            a, b = a.drop(columns="source_path"), b.drop(columns="source_path")
        pdt.assert_frame_equal(a, b, obj=name)


# ------------------------------------------------------------------ the dataset layout


def _parts(out: Path) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in (out / DATASET).glob("*/*") if PART_NAME.fullmatch(p.name)}


def test_the_dataset_layout_reads_back_as_the_same_rows(corpus, local_tables, tmp_path):
    out = tmp_path / "dataset"
    run_batch([corpus], out, layout="dataset", docs_per_part=4, workers=2)
    local_out, local = local_tables
    version = current_version(out)
    assert len(version.tables["table_cells"]) >= 4 and all(f.shared for f in version.tables["documents"])
    _assert_same_tables(load_tables(out), local)

    con, single = duckdb_connection(out), duckdb_connection(local_out)
    for name in SCHEMAS:
        pdt.assert_frame_equal(con.sql(f"SELECT * FROM {name}").df(), single.sql(f"SELECT * FROM {name}").df(),
                               obj=name)

    # One document changed: only the parts of its range of doc_ids, and the tables of the whole batch, are new.
    before = _parts(out)
    changed = corpus / "dong-thap-552-2025-doi-moi-cong-nghe.txt"
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + "\n- Sửa đổi để chạy lại.\n".encode())
        run_batch([corpus], out, layout="dataset", docs_per_part=4, workers=2)
        new_doc = load_tables(out)["documents"].set_index("source_path").loc[str(changed), "doc_id"]
    finally:
        changed.write_bytes(original)
    count = int(current_version(out).tables["documents"][0].name.split("-")[0].split("of")[1])
    bucket = int(new_doc[:8], 16) * count >> 32
    written = _parts(out) - before
    assert written and {p.split("/")[1][:6] for p in written if p.split("/")[0] not in
                        ("agencies", "cited_documents", "errors")} == {f"b{bucket:05d}"}
    assert all(p.split("/")[1].startswith("b00000of00001") for p in written
               if p.split("/")[0] in ("agencies", "cited_documents", "errors"))


def test_a_dataset_run_killed_before_its_record_leaves_the_previous_version(corpus, tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "dataset"
    shutil.copytree(corpus, inputs)
    run_batch([inputs], out, layout="dataset", docs_per_part=4, workers=2)
    before, parts = load_tables(out), _parts(out)

    # A changed file; the next run dies right after writing its part files, before its version record.
    changed = inputs / "ha-noi-310-2025-5g-iot.txt"
    original = changed.read_bytes()
    changed.write_bytes(original + "\n- Sửa đổi để chạy lại.\n".encode())
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pipeline.storage.store import claims as store
        from pipeline.batch.runner import run_batch
        store.Claim.switch = lambda *a, **k: os._exit(9)
        run_batch([{str(inputs)!r}], {str(out)!r}, layout="dataset", docs_per_part=4, workers=1)
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    assert _parts(out) - parts, "the killed run wrote no part file"
    _assert_same_tables(load_tables(out), before)

    # The file as it was: nothing to write, and the killed run's part files are swept.
    changed.write_bytes(original)
    assert not run_batch([inputs], out, layout="dataset", docs_per_part=4, workers=2).written
    listed = {f"{table}/{f.name}" for table, files in current_version(out).tables.items() for f in files}
    assert _parts(out) == listed == parts
    _assert_same_tables(load_tables(out), before)


def test_the_command_line_runs_on_a_cluster_and_says_in_one_line_when_it_cannot(corpus, local_tables, cluster,
                                                                                 tmp_path):
    cluster_, _client = cluster
    cli = [sys.executable, "-m", "pipeline", "parse"]
    out = tmp_path / "cli"
    done = subprocess.run([*cli, str(corpus), "--out", str(out), "--engine", "dask",
                           "--scheduler", cluster_.scheduler_address, "--layout", "dataset"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1  # the one file that is no document
    assert done.stderr.strip().splitlines() == [f"error: {corpus / 'not-a-document.txt'}: "
                                                 + local_tables[1]["errors"].message.iloc[0]]
    _assert_same_tables(load_tables(out), local_tables[1])

    misuse = subprocess.run([*cli, str(corpus), "--out", str(tmp_path / "x"), "--scheduler", "tcp://127.0.0.1:9"],
                            cwd=ROOT, capture_output=True, text=True)
    assert (misuse.returncode, misuse.stderr) == (2, "error: --scheduler is for --engine dask\n")

    # Nothing listens on port 9: the run stops, in one line, once the connect timeout has passed, as a misuse
    # (the address given is wrong), before the output folder is made.
    unreachable = subprocess.run([*cli, str(corpus), "--out", str(tmp_path / "y"), "--engine", "dask",
                                  "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True)
    assert unreachable.returncode == 2 and not (tmp_path / "y").exists()
    assert unreachable.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert len(unreachable.stderr.strip().splitlines()) == 1


def test_tables_written_range_by_range_are_the_tables_written_at_once(corpus, local_tables, tmp_path):
    # Four documents to a range: the one-file layout appends some seven ranges, a row group each.
    out = tmp_path / "ranges"
    run_batch([corpus], out, docs_per_part=4, workers=2)
    files = table_files(out, "outline")
    import pyarrow.parquet as pq

    assert len(files) == 1 and pq.ParquetFile(files[0]).num_row_groups >= 4
    _assert_same_tables(load_tables(out), local_tables[1])
