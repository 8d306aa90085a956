"""Session set-up and shared fixtures: the real documents of tests/fixtures, parsed once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

from tests.support.documents import KNOWN_PDF, KNOWN_TXT, ROOT, parsed

os.chdir(ROOT)

# One OCR cache for the whole session (every test and output folder): a scanned page is read once per run.
if "PLAN_OCR_CACHE" not in os.environ:
    os.environ["PLAN_OCR_CACHE"] = tempfile.mkdtemp(prefix="plan-ocr-cache-")
    atexit.register(shutil.rmtree, os.environ["PLAN_OCR_CACHE"], True)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current parser output (after a deliberate change)")



@pytest.fixture(params=[KNOWN_TXT, KNOWN_PDF], ids=["text", "pdf"])
def known(request) -> dict[str, list[dict]]:
    """The known plan's tables, from the text file and from the PDF."""
    return parsed(request.param)
