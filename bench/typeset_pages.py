"""Legal-database pages typeset as their issuers' PDFs, to measure the PDF path on every kind of document.

    .venv/bin/python bench/typeset_pages.py PAGES_DIR OUT_DIR [--every K]
    .venv/bin/plan-parse parse OUT_DIR --out /tmp/ldbpdf
    .venv/bin/python ../shared/tools/legaldb.py check-headers /tmp/ldbpdf ../shared/corpus/legal-db/*.txt
    (and check-tables, check-coverage the same way)

Each page (`PAGES_DIR/*.txt`) becomes `OUT_DIR/<same name>.pdf`, which the
measuring tool pairs with its page by the name; how a page is set:
tests/support/pagegen.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.pagegen import typeset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--every", type=int, default=1, help="every K-th page only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = sorted(args.pages.glob("*.txt"))[::args.every]
    failed = []
    for page in pages:
        try:
            typeset(page, args.out / f"{page.stem}.pdf")
        except Exception as exc:  # a page reportlab cannot set is reported, and the others are set
            failed.append(page.name)
            print(f"{page.name}: not typeset: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
    print(f"{len(pages) - len(failed)} of {len(pages)} pages typeset into {args.out}")


if __name__ == "__main__":
    main()
