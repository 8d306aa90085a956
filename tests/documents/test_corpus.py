"""Every document of the corpus: header facts where the text is usable, a clear refusal where not.

Expected values are read off the documents themselves.
"""

from __future__ import annotations

import pytest

from parsers.model import errors
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, parsed

HEADERS = {
    "mang-yang-2021-cchc.txt": (
        "Quyết định", None, "QĐ-UBND", "ỦY BAN NHÂN DÂN HUYỆN MANG YANG", "Mang Yang", (2020, 12, None)),
    "mang-yang-2021-cchc.pdf": (
        "Quyết định", None, "QĐ-UBND", "ỦY BAN NHÂN DÂN HUYỆN MANG YANG", "Mang Yang", (2020, 12, None)),
    "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt": (
        "Kế hoạch", "617/KH-UBND", "KH-UBND", "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "Đồng Tháp", (2025, 12, 1)),
    "dong-thap-552-2025-doi-moi-cong-nghe.txt": (
        "Kế hoạch", "552/KH-UBND", "KH-UBND", "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "Đồng Tháp", (2025, 11, 19)),
    "ha-noi-310-2025-5g-iot.txt": (
        "Kế hoạch", "310/KH-UBND", "KH-UBND", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Hà Nội", (2025, 11, 24)),
    "bac-ninh-144-2025-kinh-te-so.txt": (
        "Kế hoạch", "144/KH-UBND", "KH-UBND", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "Bắc Ninh", (2025, 11, 24)),
    # documents of other kinds are read too
    # e-signed: the number and the day are stamped by signature fields (test_signature_fields.py)
    "tuan-giao-hdnd-2020.pdf": (
        "Giấy mời", "06/GM-HĐND", "GM-HĐND", "HỘI ĐỒNG NHÂN DÂN HUYỆN TUẦN GIÁO", "Tuần Giáo", (2020, 11, 12)),
    "lamdong-ubnd-gm85-2026.pdf": (
        "Giấy mời", "85/GM-UBND", "GM-UBND", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Lâm Đồng", (2026, 1, 19)),
    "lamdong-hdtd-ttr95-2026.pdf": (
        "Tờ trình", "95/TTr-HĐTĐ", "TTr-HĐTĐ", "UBND TỈNH LÂM ĐỒNG HỘI ĐỒNG THẨM ĐỊNH, ĐÁNH GIÁ CHỈ SỐ CCHC",
        "Lâm Đồng", (2026, 2, 3)),
    "btp-cv3917-2025.pdf": ("Công văn", "3917/BTP-BTTP", "BTP-BTTP", "BỘ TƯ PHÁP", "Hà Nội", (2025, 7, 1)),
    # e-signed, the signer's name printed only in the signature's appearance: the certificate names him
    "hhccvvn-hd670-2025.pdf": (
        "Hướng dẫn", "670/HD-HHCCVVN", "HD-HHCCVVN", "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM", "Hà Nội", (2025, 10, 20)),
    # a letter, then a form and a draft decision in one file: the letter's facts
    "lamdong-vpubnd-cv1376-2026.pdf": (
        "Công văn", "1376/VP-NC", "VP-NC", "UBND TỈNH LÂM ĐỒNG VĂN PHÒNG", "Lâm Đồng", (2026, 4, 6)),
    # seven issuers' names over many short lines of a bad OCR layer, Cyrillic look-alikes in the code; its
    # date stands in a part the layer's order cuts off the header
    "lienganh-hdln24-2026.pdf": (
        "Hướng dẫn", "24/HDLN-BCA-BQP-BYT-BCT-BTC-VKSNDTC-TANDTC", "HDLN-BCA-BQP-BYT-BCT-BTC-VKSNDTC-TANDTC",
        "Y BỘ TÀI C - HÍNH VIỆN KIỂM S - ÁT NHÂN DÂN TÓI CAO TÒA ÁN NHÂN DÂN TÓI CAO", None, (None, None, None)),
    "binh-duong-hdnd-tb11-2021.pdf": (
        "Thông báo", "11/TB-ĐGS", "TB-ĐGS", "HỘI ĐỒNG NHÂN DÂN TỈNH BÌNH DƯƠNG ĐOÀN GIÁM SÁT", "Bình Dương",
        (2021, 10, 21)),
}

SIGNERS = {
    "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt": ("Huỳnh Minh Tuấn", "PHÓ CHỦ TỊCH"),
    "dong-thap-552-2025-doi-moi-cong-nghe.txt": ("Huỳnh Minh Tuấn", "PHÓ CHỦ TỊCH"),
    "ha-noi-310-2025-5g-iot.txt": ("Trương Việt Dũng", "PHÓ CHỦ TỊCH"),
    "bac-ninh-144-2025-kinh-te-so.txt": ("Mai Sơn", "PHÓ CHỦ TỊCH"),
    "tuan-giao-hdnd-2020.pdf": ("Trần Bình Trọng", "PHÓ CHỦ TỊCH"),
    "lamdong-ubnd-gm85-2026.pdf": ("Trịnh Ngọc Duệ", "PHÓ CHÁNH VĂN PHÒNG"),
    "lamdong-hdtd-ttr95-2026.pdf": ("Đỗ Văn Chung", "GIÁM ĐỐC SỞ NỘI VỤ"),
    "btp-cv3917-2025.pdf": ("Mai Lương Khôi", "THỨ TRƯỞNG"),
    "hhccvvn-hd670-2025.pdf": ("Vương Quốc Tuấn", "PHÓ CHỦ TỊCH"),
    # `Nơi nhận:` beside the title, the clerk's initials in small print under the recipients, the name far below
    "lamdong-vpubnd-cv1376-2026.pdf": ("Đỗ Tấn Sương", "CHÁNH VĂN PHÒNG"),
}

# Read by OCR; their facts are asserted in test_ocr.py.
SCANS = {"bcd-cchc-qd46-2021-scan.pdf", "vpcp-tb79-2022-scan.pdf", "lamdong-ubnd-cv4377-2025-scan.pdf",
         "lamdong-phuluc1-pcmt-2026-scan.pdf"}

REFUSED = {
    "chinh-phu-nd47-2020-broken-glyphs.pdf": (errors.DamagedText, "damaged text layer"),
    "not-a-document.txt": (errors.NotADocument, "not an administrative document"),
}


def test_the_corpus_is_covered():
    names = {p.name for p in FIXTURES.iterdir() if p.suffix in (".pdf", ".txt")}
    assert names == set(HEADERS) | set(REFUSED) | SCANS


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_header_facts(name):
    doc = parsed(FIXTURES / name)["documents"][0]
    doc_type, number, code, issuer, place, date = HEADERS[name]
    assert (doc["doc_type"], doc["doc_number"], doc["doc_code"], doc["issuer"], doc["place"]) == \
        (doc_type, number, code, issuer, place)
    assert (doc["issued_year"], doc["issued_month"], doc["issued_day"]) == date
    if name in SIGNERS:
        assert (doc["signer_name"], doc["signer_title"]) == SIGNERS[name]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unusable_documents_are_refused_with_the_reason(name):
    kind, reason = REFUSED[name]
    with pytest.raises(kind) as info:
        parse_document(FIXTURES / name)
    message = str(info.value)
    assert message.startswith(f"{FIXTURES / name}: ") and reason in message
    assert "\n" not in message


def test_a_scans_loose_closing_gives_the_name_below_the_recipients():
    """Letter 4377/UBND-NC of Lâm Đồng, a scan under a bad OCR layer read again by OCR: the seal over the
    title leaves `TL, CHỦ TỊCH` and `NH VĂN PHÒNG` as loose lines, and the name stands alone below the
    recipients. The day is written by hand into the blank and read `40`: no day, the raw text kept."""
    doc = parsed(FIXTURES / "lamdong-ubnd-cv4377-2025-scan.pdf")["documents"][0]
    assert doc["signer_name"] == "Nguyễn Nhân Bản"
    assert (doc["issued_year"], doc["issued_month"], doc["issued_day"]) == (2025, 9, None)
    assert doc["issued_date_raw"].startswith("ngày") and doc["issued_date_raw"].endswith("tháng 9 năm 2025")


def test_a_standalone_appendix_on_a_scan_is_read():
    """Appendix 1 of a Lâm Đồng police submission, a scan: a speck read before `Phụ lục` (`. Phụ lục`), the
    line read with little confidence, is the appendix's title, not noise; the file is an appendix alone."""
    rows = parsed(FIXTURES / "lamdong-phuluc1-pcmt-2026-scan.pdf")
    assert rows["documents"][0]["doc_type"] == "Phụ lục"
    assert [n["text"] for n in rows["outline"] if n["kind"] == "appendix_title"][:1] == ["Phụ lục"]
    texts = [n["text"] for n in rows["outline"]]
    assert any(t.startswith("1. Tham mưu, xây dựng các Kế hoạch") for t in texts)
    assert rows["documents"][0]["coverage"] == 1.0
