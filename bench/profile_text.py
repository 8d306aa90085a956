"""Where the text path spends its time: stage by stage, and cProfile's top functions.

    .venv/bin/python bench/profile_text.py [--top N] [--sort tottime|cumulative] [--sample K]

Over the corpus's texts (tests/fixtures/*.txt: the four web plans and the
known plan) and every K-th legal-database page (tests/fixtures/legal-db),
each parsed once to warm the imports and the compiled kernels: first the
process time of each stage per text (best of 3, memo caches emptied before
every run, as bench/bench.py does), then one run of all of them under
cProfile. The profiled run holds the garbage collector back, as
bench/profile_flattened.py does, so that a collection's time is not charged
to whatever function happens to allocate. bench/profile_text.txt keeps the
summary as it was before and after the text path was made faster.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench import cold_caches  # noqa: E402
from pipeline.run import parse_document  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def texts(sample: int) -> tuple[list[Path], list[Path]]:
    corpus = sorted(t for t in FIXTURES.glob("*.txt") if t.name != "not-a-document.txt")
    pages = sorted((FIXTURES / "legal-db").glob("*.txt"))[::sample]
    return corpus, pages


def stage_cpu(path: Path) -> dict[str, float]:
    """Process seconds of each stage: parse_document books wall time, so the stages are timed
    through its stopwatch with time.process_time put in place of time.perf_counter."""
    import pipeline.run as run
    cold_caches()
    timings: dict[str, float] = {}
    clock = run.time.perf_counter
    run.time.perf_counter = time.process_time
    try:
        parse_document(path, timings)
    finally:
        run.time.perf_counter = clock
    return timings


def stage_table(files: list[Path], title: str) -> None:
    print(f"\n{title}: process time per stage, best of 3 runs (by their sum)")
    total_kb = total_s = 0.0
    totals: dict[str, float] = {}
    for k, path in enumerate(files):
        stages = min((stage_cpu(path) for _ in range(3)), key=lambda t: sum(t.values()))
        if k == 0:
            print(f"{'file':45} {'kB':>6} {'MB/s':>6}  ms: " + " ".join(f"{s:>9}" for s in stages))
        kb, s = path.stat().st_size / 1e3, sum(stages.values())
        total_kb, total_s = total_kb + kb, total_s + s
        for stage, t in stages.items():
            totals[stage] = totals.get(stage, 0.0) + t
        print(f"{path.name[:45]:45} {kb:6.1f} {kb / 1e3 / s:6.2f}      "
              + " ".join(f"{t * 1000:9.1f}" for t in stages.values()))
    print(f"{'all':45} {total_kb:6.1f} {total_kb / 1e3 / total_s:6.2f}      "
          + " ".join(f"{t * 1000:9.1f}" for t in totals.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--sample", type=int, default=10, help="every K-th legal-database page")
    args = parser.parse_args()
    corpus, pages = texts(args.sample)
    for path in corpus + pages:
        parse_document(path)  # imports, numba's kernels, regex compilation: once per process
    stage_table(corpus, "Corpus texts")
    stage_table(pages, f"Legal-database pages, every {args.sample}th ({len(pages)})")

    gc.collect()
    gc.disable()
    profile = cProfile.Profile()
    for path in corpus + pages:
        cold_caches()
        profile.enable()
        parse_document(path)
        profile.disable()
    gc.enable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    text = out.getvalue()
    print(f"\ncProfile over all of them, sorted by {args.sort}")
    print(text[text.index("   ncalls"):].rstrip() if "   ncalls" in text else text)
    print(f"total under the profiler: {stats.total_tt:.3f} s")


if __name__ == "__main__":
    main()
