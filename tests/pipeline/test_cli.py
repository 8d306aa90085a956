"""The `plan-parse` command end to end: real files in, real Parquet out, read back by pandas and DuckDB."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.storage.load import read_table, table_files
from pipeline.storage.schemas import SCHEMAS
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT

SCRIPT = Path(sys.executable).parent / "plan-parse"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for f in (KNOWN_TXT, KNOWN_PDF, FIXTURES / "ha-noi-310-2025-5g-iot.txt"):
        shutil.copy(f, raw / f.name)
    out = tmp_path_factory.mktemp("processed")
    result = run("parse", str(raw), "--out", str(out))
    return result, out


def test_batch_succeeds_and_reports_coverage(batch):
    result, _ = batch
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len([l for l in lines if l.startswith("parsed ")]) == 3
    known = next(l for l in lines if "mang-yang-2021-cchc.txt" in l)
    assert "3 articles, 9 objectives, 39 tasks" in known and "outline coverage 100.0%" in known
    assert "3 parsed, 0 unchanged, 0 failed, 0 duplicates" in result.stdout


def test_every_table_is_written_with_its_schema(batch):
    _, out = batch
    for name, schema in SCHEMAS.items():
        frame = read_table(out, name)
        assert list(frame.columns) == schema.names
    tasks = read_table(out, "tasks")
    # The known plan as text and as PDF; Hà Nội's plan has 12 lettered tasks under `III. GIẢI PHÁP`.
    assert len(tasks) == 39 * 2 + 12
    assert list(tasks.loc[tasks.letter == "i", "bullets"].map(len)) == [3, 3]


def test_duckdb_reads_the_tables(batch):
    duckdb = pytest.importorskip("duckdb")
    _, out = batch
    con = duckdb.connect()
    [tasks], [documents] = table_files(out, "tasks"), table_files(out, "documents")
    rows = con.execute(
        """SELECT d.source_flavour, count(*) FROM read_parquet(?) t
           JOIN read_parquet(?) d USING (doc_id) GROUP BY 1 ORDER BY 1""", [str(tasks), str(documents)]
    ).fetchall()
    assert rows == [("pdf", 39), ("plain", 39), ("web", 12)]


def test_console_script_is_installed():
    if not SCRIPT.exists():
        pytest.skip("the project is not installed in this interpreter's environment")
    result = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "parse" in result.stdout


@pytest.mark.parametrize("name,reason", [
    ("not-a-document.txt", "not an administrative document"),
    ("chinh-phu-nd47-2020-broken-glyphs.pdf", "damaged text layer"),
])
def test_bad_file_gives_one_line_error_and_nonzero_exit(tmp_path, name, reason):
    result = run("parse", str(FIXTURES / name), "--out", str(tmp_path))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"error: {FIXTURES / name}: ") and reason in errors[0]
    assert "Traceback" not in result.stderr
    logged = read_table(tmp_path, "errors")
    assert list(logged.source_path) == [str(FIXTURES / name)]


def test_one_bad_file_does_not_stop_the_batch(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KNOWN_TXT, raw / "good.txt")
    (raw / "renamed-word-file.pdf").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = run("parse", str(raw), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "1 parsed, 0 unchanged, 1 failed" in result.stdout
    assert len(read_table(tmp_path / "out", "tasks")) == 39


def test_missing_input_is_a_misuse_and_nothing_is_written(tmp_path):
    result = run("parse", str(tmp_path / "nothing-here.pdf"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no such file" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "out").exists()


def test_dates_command_prints_one_json_object_per_milestone():
    import json

    result = run("dates", "--year", "2021", "--", "Quý I, II/2021", "- Ban hành Kế hoạch trong tháng 01/2021. "
                 "- Báo cáo kết quả thực hiện Kế hoạch trong quý IV năm 2021.", "Sau khi có văn bản của cấp trên")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["start"], r["end"]) for r in rows] == [
        ("quarter", "2021-01-01", "2021-03-31"), ("quarter", "2021-04-01", "2021-06-30"),
        ("month", "2021-01-01", "2021-01-31"), ("quarter", "2021-10-01", "2021-12-31"),
        ("event", None, None),
    ]
    assert rows[2]["text"] == "- Ban hành Kế hoạch trong tháng 01/2021." and rows[2]["action"] == "Ban hành Kế hoạch"
    assert rows[3]["text"] == "- Báo cáo kết quả thực hiện Kế hoạch trong quý IV năm 2021." and rows[3]["input"] == 2


HEAVY = ("pandas", "pyarrow", "numpy", "duckdb", "numba", "cv2", "dask", "distributed", "pdfplumber", "pypdfium2")
STARTS = """
import sys
from pipeline.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(",".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["parse", "--help"],
                                  ["dates", "--year", "2021", "Quý I/2021"]])
def test_the_light_commands_start_without_the_heavy_libraries(args):
    """`--version`, `--help` and `dates` import none of the tables' or the readers' libraries."""
    done = subprocess.run([sys.executable, "-c", STARTS.format(heavy=HEAVY), *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == ""
