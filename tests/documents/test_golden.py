"""Regression: known documents give, cell by cell, the tables stored in tests/golden/.

A deliberate change regenerates them with `make golden` (pytest --update-golden);
the diff of tests/golden/ is then the review of what the change did.
"""

from __future__ import annotations

import json

import pytest

from tests.support.documents import KNOWN_PDF, KNOWN_TXT, WEB_PLANS, parsed
from tests.support.golden import dump, golden_dir, load, to_json

DOCUMENTS = [KNOWN_TXT, KNOWN_PDF, *WEB_PLANS]


def _normal(value):
    # JSON has no tuples; compare as JSON would store them.
    return json.loads(to_json(value))


@pytest.mark.parametrize("source", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_tables_match_golden(source, request):
    tables = parsed(source)
    folder = golden_dir(source)
    if request.config.getoption("--update-golden"):
        dump(tables, folder)
    for name, rows in tables.items():
        expected = load(folder, name)
        assert len(rows) == len(expected), f"{source.name} {name}: {len(rows)} rows, golden has {len(expected)}"
        for i, (row, want) in enumerate(zip(rows, expected)):
            got = _normal(row)
            assert got.keys() == want.keys(), f"{source.name} {name} row {i}: columns differ"
            for column in want:
                assert got[column] == want[column], f"{source.name} {name} row {i} column {column}"
