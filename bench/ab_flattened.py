"""The flattened search of this working copy against another revision of it, timed in turns.

    .venv/bin/python bench/ab_flattened.py REF [RUNS]

Loads the flattened reader (parsers/tables/flattened/, or the one module it
was before) as it stands at REF beside the working copy (bench/check_flattened.py's
`revision`, which says so and stops on a revision it cannot load) and runs `segment_table` on the known
plan's appendix RUNS times each (30 by default), the two in turns, a garbage
collection before each run: the machine's speed moves by more than a change
makes within minutes, and runs taken in turns share its slow and fast spells.
Prints the best and the median process time of each and their ratios.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from check_flattened import current, revision  # noqa: E402
from turns import summary  # noqa: E402

from tests.parsers.tables.test_flattened import appendix_lines  # noqa: E402


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "main"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    old, lines = revision(ref), appendix_lines()
    old.segment_table(lines)  # compiled kernels loaded, regexes read
    current.segment_table(lines)
    times: dict[str, list[float]] = {ref: [], "working copy": []}
    for _ in range(runs):
        for name, module in ((ref, old), ("working copy", current)):
            gc.collect()
            started = time.process_time()
            module.segment_table(lines)
            times[name].append(time.process_time() - started)
    summary(times, ref, "ms", scale=1000)


if __name__ == "__main__":
    main()
