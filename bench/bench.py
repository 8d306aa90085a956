"""Speed figures of the pipeline, printed, never asserted.

    make bench        # or: .venv/bin/python bench/bench.py [--repeat N]

1. PDFs: per page, raw pdfplumber text extraction (open, `extract_text` on
   every page) against the whole pipeline on the same file, best of N runs,
   measured in this run; their ratio.
2. Text input: throughput of the whole pipeline in MB/s, and where each
   file's time goes, stage by stage (one run gives both).
3. Batch: the same folder parsed with 1 and with 2 worker processes; speed-up.
4. OCR: a 20-page scan made from the known plan's PDF (its pages printed to
   tilted, specked 200 dpi images, as tests/scangen.py makes them): Tesseract
   seconds per page (median, one worker) at 200 and 300 dpi, and the whole
   scan read by 1 and by 2 workers. No cache: every page is read.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers import ocr  # noqa: E402
from parsers.errors import DocumentError  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from pipeline.run import parse_document  # noqa: E402
from tests.scangen import scan_to_pdf, scanned_pages  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=20, help="pages of the scan timed one by one at each resolution")
    args = parser.parse_args()
    # The scans of the corpus are timed in section 4, not with the PDFs that have text.
    os.environ[ocr.CACHE_ENV] = tempfile.mkdtemp(prefix="bench-ocr-")

    print("PDF: seconds per page, best of", args.repeat)
    print(f"{'file':45} {'pages':>5} {'raw':>8} {'pipeline':>9} {'ratio':>6}")
    total_raw = total_pipe = 0.0
    for pdf in sorted(p for p in FIXTURES.glob("*.pdf") if not p.stem.endswith("-scan")):
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

    shutil.rmtree(os.environ.pop(ocr.CACHE_ENV), ignore_errors=True)
    ocr_figures(args.ocr_pages)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the Tesseract processes)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def ocr_figures(pages: int) -> None:
    """OCR seconds per page: wall clock, and CPU (what a page costs a core, whatever else the machine runs)."""
    print(f"\nOCR: a {pages}-page scan of the known plan (200 dpi images, tilted, specked, blurred)")
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

if __name__ == "__main__":
    main()
