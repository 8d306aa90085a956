"""Where the flattened-table search spends its time on the known plan: cProfile's top functions.

    .venv/bin/python bench/profile_flattened.py [--top N] [--sort tottime|cumulative]

Runs `segment_table` on the known plan's appendix (the lines the tests read,
tests/fixtures/mang-yang-2021-cchc.txt) once to warm the regex caches, then
once under cProfile, and prints the process time of one unprofiled run and
the top functions. The profiled run holds the garbage collector back (after a
collection): under the profiler a collection's time is charged to whatever
function happens to allocate, and would hide where the search's own time goes.
bench/profile_flattened.txt keeps the summary as it was before and after the
search was made faster.
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

from parsers.tables.flattened import segment_table  # noqa: E402
from tests.parsers.tables.test_flattened import appendix_lines  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args()
    lines = appendix_lines()
    segment_table(lines)
    times = []
    for _ in range(3):
        started = time.process_time()
        segment_table(lines)
        times.append(time.process_time() - started)
    print(f"segment_table on the known plan ({len(lines)} lines): best of 3 {min(times) * 1000:.0f} ms (process time)")
    gc.collect()
    gc.disable()
    profile = cProfile.Profile()
    profile.enable()
    segment_table(lines)
    profile.disable()
    gc.enable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    # Keep the table, drop pstats' preamble of file names and blank lines.
    text = out.getvalue()
    print(text[text.index("   ncalls"):].rstrip() if "   ncalls" in text else text)
    print(f"total under the profiler: {stats.total_tt:.3f} s")


if __name__ == "__main__":
    main()
