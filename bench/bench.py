"""Speed figures of the pipeline, printed, never asserted.

    make bench        # or: .venv/bin/python bench/bench.py [--repeat N]

1. PDFs: per page, raw pdfplumber text extraction (open, `extract_text` on
   every page) against the whole pipeline on the same file, best of N runs,
   measured in this run; their ratio.
2. Text input: throughput of the whole pipeline in MB/s, and where each
   file's time goes, stage by stage (one run gives both), over every text of
   the corpus (tests/fixtures/*.txt: the four web plans and the known plan,
   whose appendix is a flattened table).
   The 189 legal-database pages (tests/fixtures/legal-db): MB/s over the folder.
3. The flattened-table search (`segment_table`) on the known plan's appendix:
   process time, best of N, and what its first call in a process costs (the
   compiled kernels loaded from numba's cache, or compiled when there is none).
4. Batch: the same folder parsed with 1 and with 2 worker processes; speed-up.
   Dask: documents per second with `--engine dask` (a local cluster of two
   worker processes) against `--workers 2`, on the same files.
5. Memory: the peak resident size of a batch on a generated 400-page PDF
   (bench/longpdf.py), in one process, and of each of two workers on two
   such files (goal: under 300 MB a worker, whatever the page count).
6. OCR: a 20-page scan made from the known plan's PDF (its pages printed to
   tilted, specked 200 dpi images, as tests/support/scangen.py makes them): Tesseract
   seconds per page (median, one worker) at 200 and 300 dpi, and the whole
   scan read by 1 and by 2 workers. No cache: every page is read.
Last, the goals line, and the time of a plain Python loop: the machine's speed
moves from day to day, and figures of two days compare only beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parsers.model.errors import DocumentError  # noqa: E402
from parsers.read import ocr  # noqa: E402
from pipeline.batch.runner import run_batch  # noqa: E402
from pipeline.run import parse_document  # noqa: E402
from tests.support.scangen import scan_to_pdf, scanned_pages  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
LONG_PAGES = 400

# Run in a fresh interpreter, so that the peak is the batch's alone: the main process's own
# peak, and the largest of its worker processes' (collected when the pool has ended). The main
# process's peak is read from /proc (VmHWM): Linux carries ru_maxrss across exec, so getrusage would
# give this benchmark's own peak, larger after the sections before it, in place of the batch's.
PEAK_OF_A_BATCH = """
import resource, sys
from pipeline.batch.runner import run_batch
report = run_batch(sys.argv[3:], sys.argv[1], workers=int(sys.argv[2]))
assert not report.failed, [r.error for r in report.failed]
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_process_time(n: int, fn) -> float:
    """CPU seconds of this process, best of n: the machine's other load moves it less than wall time."""
    times = []
    for _ in range(n):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


FIRST_CALL = """
import sys, time
sys.path.insert(0, sys.argv[1])
start = time.perf_counter()
import parsers.tables.flattened
imported = time.perf_counter()
from tests.parsers.tables.test_flattened import appendix_lines
lines = appendix_lines()
start_call = time.perf_counter()
parsers.tables.flattened.segment_table(lines)
print(imported - start, time.perf_counter() - start_call)
"""


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
    with contextlib.suppress(DocumentError):  # a refused document still costs its extraction: that is timed
        parse_document(path)


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


def pdf_section(repeat: int) -> None:
    print("PDF: seconds per page, best of", repeat)
    print(f"{'file':45} {'pages':>5} {'raw':>8} {'pipeline':>9} {'ratio':>6}")
    total_raw = total_pipe = 0.0
    for pdf in sorted(p for p in FIXTURES.glob("*.pdf") if not p.stem.endswith("-scan")):
        pages = raw_extraction(pdf)
        raw = best_of(repeat, functools.partial(raw_extraction, pdf))
        pipe = best_of(repeat, functools.partial(pipeline, pdf))
        total_raw, total_pipe = total_raw + raw, total_pipe + pipe
        print(f"{pdf.name[:45]:45} {pages:5d} {raw / pages:8.4f} {pipe / pages:9.4f} {pipe / raw:6.2f}")
    print(f"{'all PDFs':45} {'':5} {'':8} {'':9} {total_pipe / total_raw:6.2f}  (pipeline / raw pdfplumber)")


def text_section(repeat: int) -> tuple[float, float]:
    """Prints each text's MB/s and stages; returns the MB/s of all texts together, in wall and
    in process time."""
    print("\nText input: whole pipeline, best of", repeat,
          "(the stages' times sum to the whole; MB/s cpu: in process time)")
    size = seconds = cpu_seconds = 0.0
    # the corpus's documents; not-a-document.txt is there to be refused
    for k, txt in enumerate(sorted(t for t in FIXTURES.glob("*.txt") if t.name != "not-a-document.txt")):
        stages = min((stage_times(txt) for _ in range(repeat)), key=lambda t: sum(t.values()))
        cpu = best_process_time(repeat, functools.partial(pipeline, txt))
        if k == 0:
            print(f"{'file':45} {'size':>10} {'time':>9} {'MB/s':>6} {'cpu':>6}  ms: "
                  + " ".join(f"{stage:>9}" for stage in stages))
        kb, t = txt.stat().st_size / 1e3, sum(stages.values())
        size, seconds, cpu_seconds = size + kb, seconds + t, cpu_seconds + cpu
        print(f"{txt.name[:45]:45} {kb:7.1f} kB {t:7.3f} s {kb / 1e3 / t:6.2f} {kb / 1e3 / cpu:6.2f}      "
              + " ".join(f"{ms * 1000:9.1f}" for ms in stages.values()))
    print(f"{'all texts':45} {size:7.1f} kB {seconds:7.3f} s {size / 1e3 / seconds:6.2f} "
          f"{size / 1e3 / cpu_seconds:6.2f}")
    return size / 1e3 / seconds, size / 1e3 / cpu_seconds


def legaldb_section() -> None:
    """The 189 legal-database pages, one run each: MB/s over the folder, and the slowest pages."""
    print("\nLegal-database pages (tests/fixtures/legal-db): whole pipeline, one run each")
    pages = sorted((FIXTURES / "legal-db").glob("*.txt"))
    times = []
    for page in pages:
        start = time.perf_counter()
        pipeline(page)
        times.append((time.perf_counter() - start, page))
    size = sum(p.stat().st_size for p in pages) / 1e6
    seconds = sum(t for t, _ in times)
    print(f"{len(pages)} pages, {size:.2f} MB: {seconds:.2f} s, {size / seconds:.2f} MB/s")
    for t, page in sorted(times, reverse=True)[:3]:
        print(f"  slowest: {page.name} {page.stat().st_size / 1e3:.0f} kB {t:.2f} s")


def flattened_section(repeat: int) -> float:
    """Prints the flattened-table search's time on the known plan; returns it in seconds."""
    from parsers.tables.flattened import segment_table
    from tests.parsers.tables.test_flattened import appendix_lines

    print("\nFlattened-table search on the known plan's appendix (parsers.tables.flattened.segment_table)")
    lines = appendix_lines()
    segment_table(lines)  # the kernels loaded once, as a batch loads them once per process
    search = best_process_time(repeat, lambda: segment_table(lines))
    imported, first = map(float, subprocess.run([sys.executable, "-c", FIRST_CALL, str(ROOT)], check=True,
                                                capture_output=True, text=True).stdout.split())
    print(f"{len(lines)} lines: {search * 1000:.1f} ms process time, best of {repeat}; in a new process, "
          f"import {imported:.2f} s and first call {first:.2f} s (wall)")
    return search


def batch_section() -> None:
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
            timings[workers] = best_of(1, functools.partial(run_batch, [raw_dir], out, workers=workers, force=True))
            shutil.rmtree(out)
        files = len(list(raw_dir.iterdir()))
        print(f"{files} files: 1 worker {timings[1]:.2f} s, 2 workers {timings[2]:.2f} s, "
              f"speed-up {timings[1] / timings[2]:.2f}")


def dask_section() -> float | None:
    """Documents per second: `--engine dask` (a local cluster of 2 workers) against `--workers 2`, same files.

    The cluster is started before the clock starts, as a standing cluster is;
    its start-up, paid once per run of `plan-parse parse --engine dask` without
    `--scheduler`, is printed beside. Returns the ratio dask / local.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("\nDask: not installed (pip install 'vn-plan-pipeline[cluster]')")
        return None
    print("\nDask: the legal-database pages and data/raw, `--engine dask` against `--workers 2`")
    files = sorted((FIXTURES / "legal-db").glob("*.txt")) + sorted((ROOT / "data" / "raw").glob("*.*"))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=40)
        client = Client(cluster)
        startup = time.perf_counter() - start
        try:
            run_batch(files[:4], Path(tmp) / "warm", engine="dask", scheduler=cluster.scheduler_address)
            timings = {}
            for engine in ("local", "dask", "local", "dask"):  # alternated: the machine's load drifts
                out = Path(tmp) / f"out-{engine}"
                start = time.perf_counter()
                run_batch(files, out, workers=2, engine=engine,
                          scheduler=cluster.scheduler_address if engine == "dask" else None)
                timings[engine] = min(timings.get(engine, 1e9), time.perf_counter() - start)
                shutil.rmtree(out)
        finally:
            client.close()
            cluster.close()
    rates = {engine: len(files) / seconds for engine, seconds in timings.items()}
    print(f"{len(files)} documents: --workers 2 {rates['local']:.1f} docs/s, --engine dask {rates['dask']:.1f} docs/s "
          f"(ratio {rates['dask'] / rates['local']:.2f}, best of 2 each); a local cluster starts in {startup:.1f} s")
    return rates["dask"] / rates["local"]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the Tesseract processes)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def ocr_figures(pages: int) -> None:
    """OCR seconds per page: wall clock, and CPU (what a page costs a core, whatever else the machine runs)."""
    print(f"\nOCR: a {pages}-page scan of the known plan (200 dpi images, tilted, specked, blurred)")
    # The tests' helpers this script imports set an OCR cache folder for the whole process
    # (tests/support/documents.py); with it, every page after its first reading would be read from there.
    os.environ.pop(ocr.CACHE_ENV, None)
    with tempfile.TemporaryDirectory() as tmp:
        images = scanned_pages(FIXTURES / "mang-yang-2021-cchc.pdf", dpi=200)
        images = (images * (pages // len(images) + 1))[:pages]
        scan = scan_to_pdf(images, Path(tmp) / "scan.pdf")
        del images
        sha = hashlib.sha256(scan.read_bytes()).hexdigest()
        for dpi in (200, 300):
            wall, cpu = [], []
            for page in range(1, pages + 1):
                start, start_cpu = time.perf_counter(), cpu_seconds()
                ocr.ocr_pdf_pages(str(scan), sha, [page], cache=None, dpi=dpi, workers=1)
                wall.append(time.perf_counter() - start)
                cpu.append(cpu_seconds() - start_cpu)
            print(f"{dpi} dpi, one worker, median of {pages} pages: {statistics.median(cpu):.2f} CPU s per page "
                  f"(min {min(cpu):.2f}, max {max(cpu):.2f}); wall {statistics.median(wall):.2f} s")
        whole = {}
        for workers in (1, 2):
            start = time.perf_counter()
            ocr.ocr_pdf_pages(str(scan), sha, list(range(1, pages + 1)), cache=None, workers=workers)
            whole[workers] = time.perf_counter() - start
        print(f"{pages} pages at {ocr.OCR_DPI} dpi: 1 worker {whole[1]:.1f} s, 2 workers {whole[2]:.1f} s, "
              f"speed-up {whole[1] / whole[2]:.2f} (wall clock: the machine's other load moves it)")

SECTIONS = ("pdf", "text", "legaldb", "flattened", "batch", "dask", "memory", "ocr")

# A fixed piece of plain Python, timed beside the figures: this machine's speed moves from day to day
# (one commit's flattened search measured 105 ms on one day and 203 ms on another), and the figures of
# two runs compare only beside it.
REFERENCE_STEPS = 10_000_000


def reference_seconds() -> float:
    """Process seconds of a plain loop of REFERENCE_STEPS additions, best of three."""
    def loop() -> None:
        total = 0
        for k in range(REFERENCE_STEPS):
            total += k
    return best_process_time(3, loop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="these sections only (default: all)")
    parser.add_argument("--ocr-pages", type=int, default=20,
                        help="pages of the scan timed one by one at each resolution")
    args = parser.parse_args()
    only = args.only or SECTIONS

    if "pdf" in only:
        pdf_section(args.repeat)
    rate = text_section(args.repeat) if "text" in only else None
    if "legaldb" in only:
        legaldb_section()
    search = flattened_section(max(args.repeat, 5)) if "flattened" in only else None
    if "batch" in only:
        batch_section()
    dask_ratio = dask_section() if "dask" in only else None
    if "memory" in only:
        memory()
    if "ocr" in only:
        ocr_figures(args.ocr_pages)
    goals = []
    if search is not None:
        goals.append(f"flattened search on the known plan {search * 1000:.1f} ms (goal <= 90 ms)")
    if rate is not None:
        goals.append(f"text, all corpus texts {rate[0]:.2f} MB/s, {rate[1]:.2f} MB/s in process time (goal >= 1 MB/s)")
    if dask_ratio is not None:
        goals.append(f"--engine dask at {dask_ratio:.2f} of --workers 2 (goal >= 0.8)")
    if goals:
        print("\nGoals: " + "; ".join(goals))
        print(f"This machine, as the figures were taken: a plain Python loop of {REFERENCE_STEPS:,} additions "
              f"{reference_seconds():.2f} s (process time)")


if __name__ == "__main__":
    main()
