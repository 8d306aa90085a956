"""Are two output folders' tables the same? Every table of each, as load_tables reads it, compared frame by frame.

    .venv/bin/plan-parse parse tests/fixtures/legal-db --out /tmp/before   # on one revision
    .venv/bin/plan-parse parse tests/fixtures/legal-db --out /tmp/after    # on another
    .venv/bin/python bench/same_tables.py /tmp/before /tmp/after

Prints one line per table and exits 1 on any difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.storage.load import load_tables  # noqa: E402


def main() -> None:
    a, b = load_tables(sys.argv[1]), load_tables(sys.argv[2])
    if a.keys() != b.keys():
        raise SystemExit(f"different tables: {sorted(a.keys() ^ b.keys())}")
    differ = 0
    for name in a:
        try:
            pd.testing.assert_frame_equal(a[name], b[name])
            print(f"equal     {name:16} {len(a[name])} rows")
        except AssertionError as exc:
            differ += 1
            print(f"DIFFERENT {name:16} {len(a[name])} and {len(b[name])} rows: {str(exc)[:300]}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
