"""Random and mutated plan text through every stage: only the documented errors may escape."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.model.errors import DocumentError
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_TXT

SEEDS = [
    KNOWN_TXT.read_text(encoding="utf-8").splitlines(),
    (FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt").read_text(encoding="utf-8").splitlines(),
    (FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt").read_text(encoding="utf-8").splitlines(),
]

# Lines that steer the parser: labels, titles, headers, table marks, page numbers.
STEERING = ["a)", "đ) Nội dung", "f) không có", "II. NHIỆM VỤ", "1.", "1.1.", "- ", "+ ý", "Điều 7.", "Chương II",
            "QUYẾT ĐỊNH", "QUYẾT ĐỊNH:", "KẾ HOẠCH", "THÔNG BÁO", "Phụ lục", "PHỤ LỤC", "|", "||", "**", "3",
            " ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: /QĐ-UBND", "Hà Nội, ngày tháng năm 2021",
            "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nơi nhận:", "Nhiệm vụ cụ thể  Sản phẩm Cơ quan chủ trì", "STT",
            "\f", "C N P Ủ CỘNG ÒA XÃ ỘI", "(Kèm theo Quyết định số 1/QĐ-UBND)", "Quý I/2021", "nƣớc", ""]


@st.composite
def mutated_plans(draw) -> str:
    lines = draw(st.sampled_from(SEEDS))
    start = draw(st.integers(0, len(lines) - 1))
    piece = list(lines[start:start + draw(st.integers(1, 400))])
    for _ in range(draw(st.integers(0, 12))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "garble", "swap"]))
        i = draw(st.integers(0, max(0, len(piece) - 1)))
        if op == "delete" and piece:
            del piece[i]
        elif op == "duplicate" and piece:
            piece.insert(i, piece[i])
        elif op == "insert":
            piece.insert(i, draw(st.sampled_from(STEERING)))
        elif op == "garble" and piece:
            piece[i] = draw(st.text(max_size=60))
        elif op == "swap" and len(piece) > 1:
            j = draw(st.integers(0, len(piece) - 1))
            piece[i], piece[j] = piece[j], piece[i]
    return "\n".join(piece)


def _parse_text(folder: Path, text: str, name: str = "fuzz.txt") -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        tables = parse_document(path)
    except DocumentError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in exc.reason
        return
    doc = tables["documents"][0]
    assert doc["lines_in_outline"] + len(tables["residual"]) == doc["lines_total"]  # nothing lost


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated_plans())
def test_mutated_plan_text(tmp_path, text):
    _parse_text(tmp_path, text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=2000))
def test_random_text(tmp_path, text):
    _parse_text(tmp_path, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000))
def test_random_bytes_named_pdf(tmp_path, data):
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(b"%PDF-1.4\n" + data + b"\n%%EOF\n")
    with contextlib.suppress(DocumentError):
        parse_document(path)
