"""Shared fixtures: the real documents of tests/fixtures, parsed once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path("tests/fixtures")  # relative to ROOT: source_path in the tables stays machine-independent
KNOWN_TXT = FIXTURES / "mang-yang-2021-cchc.txt"
KNOWN_PDF = FIXTURES / "mang-yang-2021-cchc.pdf"
WEB_PLANS = [
    FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt",
    FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt",
    FIXTURES / "ha-noi-310-2025-5g-iot.txt",
    FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt",
]

os.chdir(ROOT)

# One OCR cache for the whole session (every test and output folder): a scanned page is read once per run.
if "PLAN_OCR_CACHE" not in os.environ:
    os.environ["PLAN_OCR_CACHE"] = tempfile.mkdtemp(prefix="plan-ocr-cache-")
    atexit.register(shutil.rmtree, os.environ["PLAN_OCR_CACHE"], True)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current parser output (after a deliberate change)")


@cache
def parsed(path: Path) -> dict[str, list[dict]]:
    from pipeline.run import parse_document
    return parse_document(path)


@pytest.fixture(params=[KNOWN_TXT, KNOWN_PDF], ids=["text", "pdf"])
def known(request) -> dict[str, list[dict]]:
    """The known plan's tables, from the text file and from the PDF."""
    return parsed(request.param)
