"""A cell set on one line costs what its words cost (issue 27).

The known plan's text with a line `1, 2, 3, …, N` put into its appendix's first task cell, between the
cell's last two lines (`quyết, Quyết định của HĐND,` / `UBND tỉnh`), is parsed in a process of its own,
whose peak memory (VmHWM) is read when it is done. Every number is a place the flattened reader may cut
a line, so it once tried every stretch of the line as a piece: 7 GB for N = 1000, the line then left out
of every cell. Now the line is one piece of its cell, and the rest of the table reads as without it.
Times are printed, not asserted.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.support.documents import KNOWN_TXT, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")

BEFORE = "quyết, Quyết định của HĐND,"  # the first task cell's last line but one (its last: `UBND tỉnh`)
BUDGET_MB = 500  # the whole parse of the plan takes some 170 MB
# Above the plan's own peak, 1000 numbers may take this many times what 250 take: 4 is linear, 16
# quadratic. SLACK_MB absorbs the allocator's noise when both are near nothing.
GROWTH, SLACK_MB = 6, 20
# The child's address space: a reader that grows out of bounds fails with MemoryError in seconds rather
# than take the machine's memory (compiling the kernels, on a first run, needs about 1 GB of it).
ADDRESS_SPACE = 4 << 30
ROW_FIELDS = ("group_no", "group_title", "row_no", "task", "products", "lead_agency", "partner_agencies",
              "deadline_text", "notes", "other_cells")

CHILD = """
import json, sys, time
from pipeline.run import parse_document
started = time.perf_counter()
rows = parse_document(sys.argv[1])["appendix_rows"]
seconds = time.perf_counter() - started
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"peak_mb": peak / 1024, "seconds": seconds, "rows": rows}, ensure_ascii=False, default=str))
"""


def numbers(n: int) -> str:
    return ", ".join(str(k) for k in range(1, n + 1))


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@cache
def parsed(n: int, folder: Path) -> dict:
    """The plan with `1, 2, …, n` in its first task cell (n = 0: the plan as it is), parsed in a new process."""
    lines = (ROOT / KNOWN_TXT).read_text(encoding="utf-8").split("\n")
    if n:
        at = next(k for k, line in enumerate(lines) if line.strip() == BEFORE)
        lines[at + 1:at + 1] = ["", numbers(n) + " "]  # as extraction writes a line: a blank line before it
    path = folder / f"numbers-{n}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=_limit_memory, timeout=600)
    assert done.returncode == 0, f"N = {n}: the parse failed\n{done.stderr[-3000:]}"
    out = json.loads(done.stdout)
    print(f"N = {n}: peak {out['peak_mb']:.0f} MB, {out['seconds']:.2f} s")
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("numbers")


def test_a_thousand_numbers_in_one_line_stay_in_their_cell_within_budget(folder):
    plain, listed = parsed(0, folder), parsed(1000, folder)
    assert listed["peak_mb"] < BUDGET_MB
    rows, own = listed["rows"], plain["rows"]
    assert len(rows) == len(own) == 35
    first_task = own[0]["task"]
    assert first_task.endswith("HĐND, UBND tỉnh")
    with_numbers = first_task.replace("HĐND, UBND tỉnh", f"HĐND, {numbers(1000)} UBND tỉnh")
    for row, plain_row in zip(rows, own):
        for field in ROW_FIELDS:
            want = plain_row[field]
            if field == "task" and want == first_task:  # the first task, and the row under it that shares it
                want = with_numbers
            assert row[field] == want, f"row {plain_row['seq']} {field}"


def test_memory_grows_linearly_with_the_numbers(folder):
    base = parsed(0, folder)["peak_mb"]
    quarter, whole = parsed(250, folder)["peak_mb"] - base, parsed(1000, folder)["peak_mb"] - base
    assert whole <= GROWTH * max(quarter, 0.0) + SLACK_MB, \
        f"above the plan's own peak: {quarter:.0f} MB at 250 numbers, {whole:.0f} MB at 1000"


def test_a_line_the_search_cannot_place_is_kept_and_said(tmp_path):
    """40 numbers on one line: too few words to be a cell set on one line, wider than any column. The
    reader leaves it out of every cell; it stays a paragraph of the appendix, and a warning quotes it."""
    from pipeline.run import parse_document

    lines = (ROOT / KNOWN_TXT).read_text(encoding="utf-8").split("\n")
    at = next(k for k, line in enumerate(lines) if line.strip() == BEFORE)
    lines[at + 1:at + 1] = ["", numbers(40) + " "]
    path = tmp_path / "forty.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    tables = parse_document(path)
    assert not [c for c in tables["table_cells"] if numbers(40) in (c["text"] or "")]
    said = [w for w in tables["warnings"] if w["code"] == "appendix_line_unplaced"]
    assert [w["message"] for w in said] == [f"a line of the appendix's table text is in no row or cell: "
                                            f"{numbers(40)[:120]!r}"]
    assert any(numbers(40) in (n["text"] or "") for n in tables["outline"])
