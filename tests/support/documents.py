"""The real documents of tests/fixtures, by name, and their tables parsed once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Relative to ROOT (conftest makes it the working folder): source_path in the tables stays machine-independent.
FIXTURES = Path("tests/fixtures")
KNOWN_TXT = FIXTURES / "mang-yang-2021-cchc.txt"
KNOWN_PDF = FIXTURES / "mang-yang-2021-cchc.pdf"
WEB_PLANS = [
    FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt",
    FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt",
    FIXTURES / "ha-noi-310-2025-5g-iot.txt",
    FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt",
]


@cache
def parsed(path: Path) -> dict[str, list[dict]]:
    from pipeline.run import parse_document
    return parse_document(path)
