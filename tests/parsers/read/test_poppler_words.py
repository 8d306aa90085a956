"""Word boundaries as printed: the project's words agree with poppler's pdftotext on every text-layer PDF of
tests/fixtures, at least 99.5 % of the words of each file (tests/support/poppler.py says how they are compared;
`bench/poppler_words.py DIR` prints the same figure for any folder, ../shared/corpus/real-pdf included)."""

from __future__ import annotations

import pytest

from tests.support import poppler
from tests.support.documents import FIXTURES

TEXT_PDFS = sorted(p.name for p in FIXTURES.glob("*.pdf") if "-scan" not in p.name)


@pytest.mark.skipif(not poppler.available(), reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("name", TEXT_PDFS)
def test_words_agree_with_pdftotext(name):
    pages = poppler.word_agreement(FIXTURES / name)
    both, total = sum(p[1] for p in pages), sum(p[2] for p in pages)
    assert pages and total > 100
    assert both / total >= 0.995, [p for p in pages if p[1] < p[2]]
