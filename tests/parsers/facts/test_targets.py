"""Quantified targets: comparator, value, unit, the indicator they measure, and `%` that extraction lost.

Every input is wording of the known plan or of the 2025 plans in tests/fixtures, unless a test says otherwise.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from parsers.facts.targets import Target, find_targets
from tests.support.documents import FIXTURES, KNOWN_TXT


@cache
def known_text() -> str:
    """The known plan's text, its lines joined by single spaces (the appendix cells come one piece a line)."""
    return unicodedata.normalize("NFC", " ".join(KNOWN_TXT.read_text(encoding="utf-8").splitlines()))


def only(text: str) -> Target:
    targets = find_targets(text)
    assert len(targets) == 1, targets
    return targets[0]


def test_known_plan_dvctt_and_bcci_targets_with_their_lost_percent():
    targets = find_targets(known_text())
    restored = [(t.indicator, t.comparator, t.value, t.unit) for t in targets if t.comparator == ">="]
    assert restored == [
        ("Tỷ lệ TTHC cung cấp trực tuyến mức độ 3, 4 có phát sinh hồ sơ trong năm", ">=", 60.0, "%"),
        ("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3 và 4", ">=", 25.0, "%"),
        ("Tỷ lệ TTHC đã triển khai có phát sinh hồ sơ tiếp nhận hoặc trả kết quả giải quyết qua dịch vụ BCCI",
         ">=", 50.0, "%"),
        ("Tỷ lệ hồ sơ TTHC được tiếp nhận qua dịch vụ BCCI", ">=", 10.0, "%"),
        ("Tỷ lệ kết quả giải quyết TTHC được trả qua dịch vụ BCCI", ">=", 20.0, "%"),
    ]
    assert all(t.percent_restored for t in targets if t.comparator == ">=")


def test_known_plan_targets_in_full():
    # `đạt tỷ lệ 100 .` lost a `%` that `tỷ lệ` makes certain; `đạt 100 .` lost one too, but nothing in
    # the phrase says so: its unit stays unknown. `đến 100  cấp xã` is no target phrase and is not read.
    assert [(t.comparator, t.value, t.unit, t.percent_restored) for t in find_targets(known_text())] == [
        ("=", 100.0, "%", True), ("=", 100.0, None, False), ("=", 100.0, "%", False),
        ("=", 100.0, "%", True), ("=", 100.0, None, False),
        (">=", 60.0, "%", True), (">=", 25.0, "%", True), (">=", 50.0, "%", True),
        (">=", 10.0, "%", True), (">=", 20.0, "%", True),
    ]


def test_rate_governs_a_lost_percent():
    text = ("c) Tăng cường trao đổi văn bản dưới dạng điện tử (trừ văn bản “Mật”) (phải được ký số) giữa các cơ quan "
            "hành chính nhà nước đạt tỷ lệ 100 . Duy trì việc thực hiện kết nối")
    assert find_targets(text) == [Target(
        indicator="trao đổi văn bản dưới dạng điện tử (trừ văn bản “Mật”) (phải được ký số) giữa các cơ quan hành "
                  "chính nhà nước",
        comparator="=", value=100.0, unit="%", percent_restored=True,
        raw="đạt tỷ lệ 100", start=text.index("đạt tỷ lệ"), end=text.index("đạt tỷ lệ") + len("đạt tỷ lệ 100"),
    )]


def test_from_n_or_more_restores_a_lost_percent():
    text = ("1. Tỷ lệ TTHC cung cấp trực tuyến mức độ 3, 4 có phát sinh hồ sơ trong năm phải đạt từ 60  trở lên; "
            "2. Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3 và 4 phải đạt từ 25  trở lên.")
    assert [(t.indicator, t.comparator, t.value, t.unit, t.percent_restored, t.raw) for t in find_targets(text)] == [
        ("Tỷ lệ TTHC cung cấp trực tuyến mức độ 3, 4 có phát sinh hồ sơ trong năm", ">=", 60.0, "%", True,
         "phải đạt từ 60  trở lên"),
        ("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến mức độ 3 và 4", ">=", 25.0, "%", True, "phải đạt từ 25  trở lên"),
    ]


def test_no_percent_restored_where_the_phrase_does_not_make_it_certain():
    assert find_targets("Duy trì vận hành, sử dụng hiệu quả Hệ thống một cửa điện tử liên thông từ cấp tỉnh đến "
                        "100  cấp xã và kết nối với Cổng dịch vụ công của tỉnh") == []
    # `từ 05 bộ dữ liệu`: a number followed by a unit word lost nothing, and bare `từ` is no comparator.
    assert find_targets("- Phấn đấu mỗi năm phát triển từ 05 bộ dữ liệu mở chất lượng cao phục vụ phát triển kinh "
                        "tế số và xã hội số;") == []


def test_sign_greater_or_equal():
    text = "a) Đến hết năm 2025: Có ≥ 30% DNNVV, HTX, HKD trên địa bàn Tỉnh ứng dụng công nghệ số."
    assert find_targets(text) == [Target("DNNVV, HTX, HKD trên địa bàn Tỉnh ứng dụng công nghệ số", ">=", 30.0, "%",
                                         False, "≥ 30%", text.index("≥"), text.index("≥") + len("≥ 30%"))]


def test_share_of_grdp():
    text = "- Kinh tế số chiếm 45% GRDP tỉnh."
    assert find_targets(text) == [Target("Kinh tế số", "=", 45.0, "%", False, "chiếm 45%", 13, 22)]


def test_minimum_after_reach():
    t = only("- Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt tối thiểu 40%.")
    assert (t.indicator, t.comparator, t.value, t.unit, t.percent_restored, t.raw) == (
        "Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo", ">=", 40.0, "%", False, "đạt tối thiểu 40%")


def test_above_maps_to_at_least():
    t = only("- Tỷ trọng kinh phí từ xã hội trên kinh phí chi cho nghiên cứu phát triển (R&D) đạt trên 60%.")
    assert (t.indicator, t.comparator, t.value, t.unit) == (
        "Tỷ trọng kinh phí từ xã hội trên kinh phí chi cho nghiên cứu phát triển (R&D)", ">=", 60.0, "%")
    t = only("Phấn đấu trên 50% diện tích sản xuất nông nghiệp chủ lực *(lúa, xoài, cây ăn trái, hoa kiểng) *ứng dụng")
    assert (t.indicator, t.comparator, t.value, t.unit) == ("diện tích sản xuất nông nghiệp chủ lực", ">=", 50.0, "%")


def test_plain_value_at_the_head_of_a_clause():
    t = only("đ) Đến hết năm 2045: 100% DNNVV, HTX, HKD trên địa bàn Tỉnh ứng dụng công nghệ số.")
    assert (t.indicator, t.comparator, t.value, t.unit) == (
        "DNNVV, HTX, HKD trên địa bàn Tỉnh ứng dụng công nghệ số", "=", 100.0, "%")


def test_counted_targets_take_their_unit_word():
    targets = find_targets("- 100% các khu công nghệ cao, khu công nghiệp, cụm công nghiệp có tối thiểu 1 trạm phát "
                           "sóng 5G.")
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in targets] == [
        ("các khu công nghệ cao, khu công nghiệp, cụm công nghiệp", "=", 100.0, "%"),
        ("trạm phát sóng 5G", ">=", 1.0, "trạm"),
    ]
    t = only("Đến năm 2030, tỉnh Bắc Ninh có ít nhất 20 tập dữ liệu mở phục vụ phát triển kinh tế số và xã hội số "
             "được công bố.")
    assert (t.indicator, t.comparator, t.value, t.unit, t.raw) == (
        "tập dữ liệu mở phục vụ phát triển kinh tế số và xã hội số được công bố", ">=", 20.0, "tập dữ liệu",
        "ít nhất 20 tập dữ liệu")


def test_numbers_inside_the_indicator_are_not_targets():
    t = only("- Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các tổ chức được phép khác "
             "đạt 95%.")
    assert (t.value, t.indicator) == (
        95.0, "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các tổ chức được phép khác")
    t = only("- Tỷ lệ người sử dụng có khả năng truy cập băng rộng cố định với tốc độ 01 Gb/s đạt 100%.")
    assert t.value == 100.0


def test_dates_document_numbers_years_levels_and_list_numbers_are_not_targets():
    assert find_targets(
        "Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ về chính sách tinh giản biên chế; "
        "đ) Cung cấp, tích hợp các dịch vụ công trực tuyến (DVCTT) mức độ 3, mức độ 4 thuộc thẩm quyền giải quyết "
        "của huyện lên Cổng TTĐT huyện, xã; - Ban hành Kế hoạch trong Quý I/2021. Trong năm 2021 "
        "Theo kế hoạch của cấp trên 11. Nghiên cứu, đề xuất sáng kiến") == []


def test_decimal_comma():
    # `2,5%` as the issue writes it; the fixtures hold no decimal percentage.
    assert only("Kinh phí chi cho nghiên cứu phát triển (R&D)/GRDP tối thiểu 2,5%.").value == 2.5


def test_bac_ninh_objectives():
    # Section II. MỤC TIÊU: every objective, in order, and nothing from the sections between.
    targets = find_targets((FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt").read_text(encoding="utf-8"))
    objectives = [(t.comparator, t.value, t.unit) for t in targets[:19]]
    assert objectives == [
        ("=", 45.0, "%"), (">=", 5.0, "kịch bản"), (">=", 20.0, "tập dữ liệu"), ("=", 60.0, "%"), (">=", 40.0, "%"),
        (">=", 2.0, "%"), ("=", 100.0, "%"), ("=", 100.0, "%"), ("=", 80.0, "%"), ("=", 80.0, "%"),
        ("=", 95.0, "%"), ("=", 80.0, "%"), ("=", 70.0, "%"), ("=", 80.0, "%"), ("=", 90.0, "%"),
        ("=", 95.0, "%"), ("=", 80.0, "%"), ("=", 100.0, "%"), (">=", 60.0, "%"),
    ]
    assert not any(t.percent_restored for t in targets)


def test_empty_text():
    assert find_targets("") == []


def test_decomposed_text_gives_the_same_targets():
    text = (FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt").read_text(encoding="utf-8")
    assert find_targets(unicodedata.normalize("NFD", text)) == find_targets(unicodedata.normalize("NFC", text))
    known = known_text()
    assert find_targets(unicodedata.normalize("NFD", known)) == find_targets(known)
