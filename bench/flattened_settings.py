"""What the flattened-table search's settings buy: cells recovered, and seconds.

    .venv/bin/python bench/flattened_settings.py

The segmentation of `parsers/tables/flattened/` is most of the time a text file
with a flattened appendix takes. This runs it with its settings as they are
and with cheaper ones (a narrower beam, fewer paths kept, one pass less: its
FlatSettings replaced in each of its modules, as they read the default) on
the tables `tests/parsers/tables/test_flattened.py` checks: the known plan's appendix
against its typeset twin (210 cells), the known plan's cells re-wrapped at
other widths (8 layouts), and the four web plans' tables flattened (8 layouts).
It prints figures; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import parsers.tables.flattened as flattened  # noqa: E402
from parsers.tables.flattened import settings  # noqa: E402
from tests.parsers.tables import test_flattened as cases  # noqa: E402

TRIED = {  # name: the settings changed from the shipped ones
    "as shipped": {},
    "beam 6": {"beam": 6.0},
    "1 path per state in the last pass": {"nbest": 1},
    "2 passes": {"passes": 2},
}


def use(chosen: settings.FlatSettings) -> None:
    """Make `chosen` the reader's settings: each of its modules holds the default under the name SETTINGS."""
    for name, module in list(sys.modules.items()):
        if name.startswith(f"{flattened.__name__}.") and hasattr(module, "SETTINGS"):
            module.SETTINGS = chosen


def known_plan() -> tuple[int, float]:
    """Cells equal to the typeset twin's, and the best of 3 segmentation times."""
    lines = cases.appendix_lines()
    seconds = []
    for _ in range(3):
        started = time.process_time()
        table = flattened.segment_table(lines)
        seconds.append(time.process_time() - started)
    equal = sum((cases.cell_text(row.cells[role]) if role in row.cells else None) == cases.true_text(cell)
                for row, cells in zip(table.rows, cases.pdf_rows()) for role, cell in zip(cases.ROLES, cells))
    return equal, min(seconds)


def generalisation() -> list[tuple[int, int]]:
    """(equal, total) cells of each re-wrapped or flattened table of tests/parsers/tables/test_flattened.py."""
    out = []
    truth = [dict(zip(cases.ROLES, cells)) for cells in cases.pdf_rows()]
    for wrap, widths in cases.KNOWN_LAYOUTS.values():
        for page_lines in (35, 50):
            lines = cases.flatten(cases.KNOWN_HEADER, truth, cases.ROLES, widths, wrap, page_lines, seed=page_lines)
            out.append(cases.recovered(flattened.segment_table(lines), truth, cases.ROLES))
    for path in cases.WEB_PLANS:
        web_header, rows, roles = cases.web_table(path)
        for wrap, widths in cases.WEB_WIDTHS.values():
            lines = cases.flatten(web_header, rows, roles, widths, wrap, page_lines=38, seed=7)
            out.append(cases.recovered(flattened.segment_table(lines), rows, roles))
    return out


def main() -> None:
    shipped = settings.SETTINGS
    print(f"{'setting':36} {'known plan':>10} {'seconds':>8}  re-wrapped and web tables: cells equal per table")
    try:
        for name, values in TRIED.items():
            use(replace(shipped, **values))
            equal, seconds = known_plan()
            tables = generalisation()
            print(f"{name:36} {equal:6d}/210 {seconds:8.3f}  " + " ".join(f"{e}/{t}" for e, t in tables))
    finally:
        use(shipped)


if __name__ == "__main__":
    main()
