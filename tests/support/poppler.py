"""Words as poppler's pdftotext sets them, beside the project's: a differential check of word boundaries.

pdftotext (poppler-utils) is the reference reader of the words printed on a page. Both readers' words are
compared page by page as multisets: a word glued or split differently by one of them shows as words the other
has not. pdftotext joins a word hyphenated across lines (`2775/SNV-` / `CCHC&VTLT`); the project keeps the
lines as printed, so its line-final hyphens are joined the same way before comparing.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

from parsers.read.extract import extract

PDFTOTEXT = "pdftotext"


def available() -> bool:
    return shutil.which(PDFTOTEXT) is not None


def poppler_words(path: Path, page: int) -> Counter[str]:
    out = subprocess.run([PDFTOTEXT, "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return Counter(unicodedata.normalize("NFC", out).split())


def _dehyphenated(lines: list[str]) -> list[str]:
    words: list[str] = []
    carry = ""
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        parts[0] = carry + parts[0]
        carry = ""
        if len(parts[-1]) > 1 and parts[-1].endswith("-") and parts[-1][-2].isalpha():
            carry = parts.pop()[:-1]
        words += parts
    return words + ([carry] if carry else [])


def word_agreement(path: Path) -> list[tuple[int, int, int]]:
    """(page, words both readers have, words the one with more has) for each page the project reads as text."""
    out = []
    for page in extract(path).pages:
        if not page.lines or any(line.confidence is not None for line in page.lines):
            continue  # no text, or read by OCR: no text layer to compare
        ours = Counter(_dehyphenated([line.text for line in page.lines]))
        theirs = poppler_words(path, page.number)
        out.append((page.number, sum((ours & theirs).values()), max(sum(ours.values()), sum(theirs.values()))))
    return out
