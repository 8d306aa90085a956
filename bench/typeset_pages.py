"""Legal-database pages typeset as their issuers' PDFs, to measure the PDF path on every kind of document.

    .venv/bin/python bench/typeset_pages.py PAGES_DIR OUT_DIR [--typesetter T] [--house] [--every K]
    .venv/bin/plan-parse parse OUT_DIR --out /tmp/ldbpdf
    .venv/bin/python ../shared/tools/legaldb.py check-headers /tmp/ldbpdf ../shared/corpus/legal-db/*.txt
    (and check-tables, check-coverage the same way)

Each page (`PAGES_DIR/*.txt`) becomes `OUT_DIR/<same name>.pdf`, which the
measuring tool pairs with its page by the name. Three typesetters, each
independent of the others (tests/support/flow.py): `reportlab`
(tests/support/pagegen.py), `chromium` printing HTML (htmlgen.py) and
`libreoffice` converting an OpenDocument text (odtgen.py). Each page is set in
a style drawn from its name (font, sizes, margins, alignment); `--house` sets
reportlab's pages in the one style of the other PDF tests instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TYPESETTERS = {"reportlab": "tests.support.pagegen", "chromium": "tests.support.htmlgen",
               "libreoffice": "tests.support.odtgen"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--typesetter", choices=sorted(TYPESETTERS), default="reportlab")
    parser.add_argument("--house", action="store_true", help="reportlab in the house style, not drawn ones")
    parser.add_argument("--every", type=int, default=1, help="every K-th page only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = sorted(args.pages.glob("*.txt"))[::args.every]
    module = importlib.import_module(TYPESETTERS[args.typesetter])
    started = time.perf_counter()
    if args.house:
        made, failed = [], []
        for page in pages:
            try:
                made.append(module.typeset(page, args.out / f"{page.stem}.pdf", None))
            except Exception as exc:  # a page the typesetter cannot set is reported, and the others are set
                failed.append(page.name)
                print(f"{page.name}: not typeset: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
    else:
        made = module.typeset_many(pages, args.out)
    print(f"{len(made)} of {len(pages)} pages typeset by {args.typesetter} into {args.out} "
          f"in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
