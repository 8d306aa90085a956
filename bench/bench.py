"""Speed figures of the pipeline, printed, never asserted.

    make bench        # or: .venv/bin/python bench/bench.py [--repeat N]

1. PDFs: per page, raw pdfplumber text extraction (open, `extract_text` on
   every page) against the whole pipeline on the same file, best of N runs,
   measured in this run; their ratio.
2. Text input: throughput of the whole pipeline in MB/s, and where each
   file's time goes, stage by stage (one run gives both).
3. Batch: the same folder parsed with 1 and with 2 worker processes; speed-up.
4. Memory: the peak resident size of a batch on a generated 400-page PDF
   (bench/longpdf.py), in one process, and of each of two workers on two
   such files (goal: under 300 MB a worker, whatever the page count).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parsers.errors import DocumentError  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from pipeline.run import parse_document  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
LONG_PAGES = 400

# Run in a fresh interpreter, so that the peak is the batch's alone: the main process's own
# peak, and the largest of its worker processes' (collected when the pool has ended).
PEAK_OF_A_BATCH = """
import resource, sys
from pipeline.batch import run_batch
report = run_batch(sys.argv[3:], sys.argv[1], workers=int(sys.argv[2]))
assert not report.failed, [r.error for r in report.failed]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_extraction(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def cold_caches() -> None:
    """Empty the parsers' memo caches, so that a repeated run costs what a first run costs."""
    import parsers
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith(parsers.__name__ + "."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def pipeline(path: Path) -> None:
    cold_caches()
    try:
        parse_document(path)
    except DocumentError:
        pass  # a refused document still costs its extraction; that is what is timed


def stage_times(path: Path) -> dict[str, float]:
    """Seconds in each stage of the pipeline on one file."""
    cold_caches()
    timings: dict[str, float] = {}
    parse_document(path, timings)
    return timings


def peak_memory(files: list[Path], workers: int, out: Path) -> tuple[float, float]:
    """MB at the peak: (the batch's main process, its largest worker process; 0 without workers)."""
    done = subprocess.run([sys.executable, "-c", PEAK_OF_A_BATCH, str(out), str(workers), *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr)
    main_kb, workers_kb = map(int, done.stdout.split())
    return main_kb / 1024, workers_kb / 1024


def memory() -> None:
    from longpdf import long_pdf

    print(f"\nMemory: peak resident size of a batch on a generated PDF of {LONG_PAGES} pages "
          "(the known plan's pages over and over)")
    with tempfile.TemporaryDirectory() as tmp:
        first = long_pdf(Path(tmp) / "long-1.pdf", LONG_PAGES)
        second = Path(tmp) / "long-2.pdf"  # the same pages, another file: a trailing comment changes its hash
        second.write_bytes(first.read_bytes() + b"\n% another copy\n")
        alone, _ = peak_memory([first], 1, Path(tmp) / "out-1")
        print(f"1 file, --workers 1 (parsed in the main process): {alone:.0f} MB")
        main_process, worker = peak_memory([first, second], 2, Path(tmp) / "out-2")
        print(f"2 files, --workers 2: largest worker {worker:.0f} MB, main process {main_process:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["memory"], help="run one part alone")
    args = parser.parse_args()
    if args.only == "memory":
        memory()
        return

    print("PDF: seconds per page, best of", args.repeat)
    print(f"{'file':45} {'pages':>5} {'raw':>8} {'pipeline':>9} {'ratio':>6}")
    total_raw = total_pipe = 0.0
    for pdf in sorted(FIXTURES.glob("*.pdf")):
        pages = raw_extraction(pdf)
        raw = best_of(args.repeat, lambda: raw_extraction(pdf))
        pipe = best_of(args.repeat, lambda: pipeline(pdf))
        total_raw, total_pipe = total_raw + raw, total_pipe + pipe
        print(f"{pdf.name[:45]:45} {pages:5d} {raw / pages:8.4f} {pipe / pages:9.4f} {pipe / raw:6.2f}")
    print(f"{'all PDFs':45} {'':5} {'':8} {'':9} {total_pipe / total_raw:6.2f}  (pipeline / raw pdfplumber)")

    print("\nText input: whole pipeline, best of", args.repeat, "(the stages' times sum to the whole)")
    size = seconds = 0.0
    for k, txt in enumerate(sorted(FIXTURES.glob("*.txt"))):
        stages = min((stage_times(txt) for _ in range(args.repeat)), key=lambda t: sum(t.values()))
        if k == 0:
            print(f"{'file':45} {'size':>10} {'time':>9} {'MB/s':>6}  ms: " + " ".join(f"{stage:>9}" for stage in stages))
        kb, t = txt.stat().st_size / 1e3, sum(stages.values())
        size, seconds = size + kb, seconds + t
        print(f"{txt.name[:45]:45} {kb:7.1f} kB {t:7.3f} s {kb / 1e3 / t:6.2f}      "
              + " ".join(f"{ms * 1000:9.1f}" for ms in stages.values()))
    print(f"{'all texts':45} {size:7.1f} kB {seconds:7.3f} s {size / 1e3 / seconds:6.2f}")

    print("\nBatch: 1 worker against 2")
    with tempfile.TemporaryDirectory() as tmp:
        raw_dir = Path(tmp) / "raw"
        raw_dir.mkdir()
        for i in range(4):  # distinct copies: a trailing comment changes the hash, not the content
            for src in (FIXTURES / "mang-yang-2021-cchc.pdf", FIXTURES / "mang-yang-2021-cchc.txt",
                        FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt"):
                suffix = b"\n%% copy %d\n" % i if src.suffix == ".pdf" else b"\n" * (i + 1)
                (raw_dir / f"{src.stem}-{i}{src.suffix}").write_bytes(src.read_bytes() + suffix)
        timings = {}
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            timings[workers] = best_of(1, lambda: run_batch([raw_dir], out, workers=workers, force=True))
            shutil.rmtree(out)
        files = len(list(raw_dir.iterdir()))
        print(f"{files} files: 1 worker {timings[1]:.2f} s, 2 workers {timings[2]:.2f} s, "
              f"speed-up {timings[1] / timings[2]:.2f}")

    memory()


if __name__ == "__main__":
    main()
