"""Word boundaries against poppler's pdftotext, per file: the share of each text-layer PDF's words both agree on.

    .venv/bin/python bench/poppler_words.py ../shared/corpus/real-pdf tests/fixtures

Prints one line per PDF (pages read by OCR and refused files are named and passed over), then the files under
99.5 %. The comparison is tests/support/poppler.py's, the one tests/parsers/read/test_poppler_words.py asserts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.model.errors import DocumentError  # noqa: E402
from tests.support import poppler  # noqa: E402

GOAL = 0.995


def main(folders: list[str]) -> None:
    below = []
    for path in sorted(p for folder in folders for p in Path(folder).glob("*.pdf")):
        try:
            pages = poppler.word_agreement(path)
        except DocumentError as exc:
            print(f"{path.name:45} refused: {str(exc).split(': ', 1)[-1][:70]}")
            continue
        both, total = sum(p[1] for p in pages), sum(p[2] for p in pages)
        if not total:
            print(f"{path.name:45} no text layer read")
            continue
        print(f"{path.name:45} {both:6}/{total:<6} {100 * both / total:6.2f} %")
        if both / total < GOAL:
            below.append(path.name)
    print(f"under {100 * GOAL:.1f} %: {', '.join(below) or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/fixtures"])
