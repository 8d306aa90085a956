"""The text path of this working copy against another revision, timed in turns.

    .venv/bin/python bench/ab_text.py REF [RUNS]

Exports REF's tree (`git archive`) to a temporary folder and starts two
Python processes, one importing the pipeline from there and one from the
working copy. Each parses the corpus's texts (tests/fixtures/*.txt, as
bench/bench.py's text figure reads them) once to warm up; then, RUNS times
(20 by default), each in turn parses them all once, memo caches emptied
first, and reports its process time. The machine's speed moves by more than
a change makes within minutes: runs taken in turns share its slow and fast
spells. Prints each side's best and median MB/s and their ratios.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from turns import summary

ROOT = Path(__file__).resolve().parents[1]

# Run in each process, with the tree to import from as argv[1]: a line "run" on stdin parses every
# corpus text once and prints the process seconds it took and the kilobytes read.
WORKER = r"""
import sys, time
from pathlib import Path
tree, fixtures = Path(sys.argv[1]), Path(sys.argv[2])
sys.path[:0] = [str(tree), str(tree / "bench")]
from bench import cold_caches
from pipeline.run import parse_document
files = sorted(t for t in fixtures.glob("*.txt") if t.name != "not-a-document.txt")
size = sum(f.stat().st_size for f in files)
for f in files:
    parse_document(f)
for command in sys.stdin:
    cold_caches()
    started = time.process_time()
    for f in files:
        parse_document(f)
    print(time.process_time() - started, size, flush=True)
"""


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "main"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        sides = {ref: Path(tmp), "working copy": ROOT}
        workers = {name: subprocess.Popen([sys.executable, "-c", WORKER, str(tree), str(ROOT / "tests" / "fixtures")],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                   for name, tree in sides.items()}
        speeds: dict[str, list[float]] = {name: [] for name in sides}
        try:
            for _ in range(runs):
                for name, worker in workers.items():
                    worker.stdin.write("run\n")
                    worker.stdin.flush()
                    seconds, size = worker.stdout.readline().split()
                    speeds[name].append(int(size) / 1e6 / float(seconds))
        finally:
            for worker in workers.values():
                worker.stdin.close()
                worker.wait()
    summary(speeds, ref, "MB/s", best=max)


if __name__ == "__main__":
    main()
