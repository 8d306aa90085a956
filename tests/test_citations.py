"""Citations of legal documents: number, type, year, code, date, issuer, subject; and numbers in conflict.

Every input is wording of the known plan, of the 2025 plans in tests/fixtures or of DOMAIN.md.
"""

from __future__ import annotations

import datetime
import unicodedata
from functools import lru_cache

from parsers.citations import Citation, conflicting_numbers, find_citations

from .conftest import FIXTURES, KNOWN_TXT


@lru_cache(maxsize=None)
def known_text() -> str:
    """The known plan's text, its lines joined by single spaces (the appendix cells come one piece a line)."""
    return unicodedata.normalize("NFC", " ".join(KNOWN_TXT.read_text(encoding="utf-8").splitlines()))


def only(text: str) -> Citation:
    citations = find_citations(text)
    assert len(citations) == 1, citations
    return citations[0]


def test_decree_with_number_year_date_issuer_subject():
    text = ("lại đội ngũ cán bộ, công chức, viên chức và Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 "
            "của Chính phủ về chính sách tinh giản biên chế; ")
    raw = "Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ về chính sách tinh giản biên chế"
    start = text.index(raw)
    assert find_citations(text) == [Citation(
        doc_type="Nghị định", number="108", year=2014, code="NĐ-CP", issued_date=datetime.date(2014, 11, 20),
        issuer="Chính phủ", subject="chính sách tinh giản biên chế", raw=raw, start=start, end=start + len(raw),
    )]


def test_party_resolution_with_term_in_brackets_or_not():
    bracketed = only("Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng (khóa XII) về tiếp "
                     "tục đổi mới sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực hiệu quả;")
    bare = only("theo tinh thần Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII về "
                "tiếp tục đổi mới sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực hiệu quả;")
    for c in (bracketed, bare):
        assert (c.doc_type, c.number, c.year, c.code, c.issued_date, c.issuer) == (
            "Nghị quyết", "18", 2017, "NQ/TW", datetime.date(2017, 10, 25), "Ban Chấp hành Trung ương Đảng")
        assert c.subject == ("tiếp tục đổi mới sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, "
                             "hoạt động hiệu lực hiệu quả")


def test_decision_of_the_prime_minister_and_its_spaced_dash_spelling():
    c = only("9. Triển khai thực hiện có hiệu quả Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính "
             "phủ về việc áp dụng hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 vào hoạt "
             "động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước;")
    assert (c.doc_type, c.number, c.year, c.code, c.issued_date, c.issuer) == (
        "Quyết định", "19", 2014, "QĐ-TTg", datetime.date(2014, 3, 5), "Thủ tướng Chính phủ")
    assert c.subject == ("áp dụng hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 vào hoạt "
                         "động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước")
    text = "- Kiểm tra việc tuân thủ theo các quy định tại Quyết định số 19/2014/QĐ – TTg;"
    raw = "Quyết định số 19/2014/QĐ – TTg"
    assert find_citations(text) == [Citation("Quyết định", "19", 2014, "QĐ-TTg", None, None, None,
                                             raw, text.index(raw), text.index(raw) + len(raw))]


def test_date_after_the_issuer():
    c = only("nhà nước; Quyết định số 680/QĐ-UBND của UBND tỉnh ngày 14/11/2019 về việc phê duyệt Kế hoạch xây "
             "dựng, chuyển đổi hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 sang Tiêu "
             "chuẩn quốc gia TCVN ISO 9001:2015 trong các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước của "
             "tỉnh Gia Lai, giai đoạn 2019-2021. II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH")
    assert (c.doc_type, c.number, c.year, c.code, c.issued_date, c.issuer) == (
        "Quyết định", "680", 2019, "QĐ-UBND", datetime.date(2019, 11, 14), "UBND tỉnh")
    assert c.subject.startswith("phê duyệt Kế hoạch xây dựng, chuyển đổi hệ thống quản lý chất lượng")
    assert c.subject.endswith("của tỉnh Gia Lai, giai đoạn 2019-2021")


def test_number_without_year_takes_the_year_of_its_date():
    c = only("Nghị định số 106/NĐ-CP ngày 10/9/2020 của Chính phủ về vị trí việc làm và số lượng người làm việc "
             "trong đơn vị sự nghiệp công lập và các văn bản khác.")
    assert (c.number, c.year, c.code, c.issued_date, c.issuer) == (
        "106", 2020, "NĐ-CP", datetime.date(2020, 9, 10), "Chính phủ")
    assert c.subject == "vị trí việc làm và số lượng người làm việc trong đơn vị sự nghiệp công lập và các văn bản khác"


def test_party_number_without_date_has_no_year():
    assert [(c.number, c.code, c.year) for c in find_citations("theo Nghị quyết số 18-NQ/TW; Nghị quyết số 19-NQ/TW.")] \
        == [("18", "NQ/TW", None), ("19", "NQ/TW", None)]


def test_code_broken_across_a_line_and_a_stray_space_in_the_date():
    # Lines 119–121 and 129 of the known plan, joined with a space as the whole-text tests do.
    first, second = find_citations(
        "Nghị định số 113/2018/NĐ- CP ngày 31/ 8/2018 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số "
        "108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ")
    assert (first.number, first.code, first.issued_date, first.issuer, first.subject) == (
        "113", "NĐ-CP", datetime.date(2018, 8, 31), "Chính phủ", None)
    assert (second.number, second.code, second.issuer) == ("108", "NĐ-CP", "Chính phủ")


def test_space_before_the_dash_and_dates_in_words():
    c = find_citations("Kế hoạch số 139/KH-UBND ngày 16/5/2025 của UBND Thành phố về thực hiện Nghị quyết số 71/NQ -CP "
                       "ngày 01/4/2025 của Chính phủ")[1]
    assert (c.number, c.code, c.issued_date, c.issuer) == ("71", "NQ-CP", datetime.date(2025, 4, 1), "Chính phủ")
    c = only("(Ban hành kèm theo Kế hoạch số 144/KH-UBND ngày 24 tháng 11 năm 2025 của UBND tỉnh Bắc Ninh)")
    assert (c.doc_type, c.number, c.year, c.code, c.issued_date, c.issuer) == (
        "Kế hoạch", "144", 2025, "KH-UBND", datetime.date(2025, 11, 24), "UBND tỉnh Bắc Ninh")


def test_compound_codes_and_qualified_type_words():
    c = only("Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 133/TTr-SKHCN ngày 15/11/2025, UBND tỉnh ban "
             "hành Kế hoạch")
    assert (c.doc_type, c.number, c.code, c.issued_date, c.issuer) == (
        "Tờ trình", "133", "TTr-SKHCN", datetime.date(2025, 11, 15), "Sở Khoa học và Công nghệ")
    c = find_citations("Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ và Chương trình hành động số 10- CTr/TU ngày "
                       "13/8/2025 của Ban Thường vụ Tỉnh ủy về thực hiện Nghị quyết số 57-NQ/TW")
    assert [(x.doc_type, x.number, x.code, x.issuer) for x in c] == [
        ("Nghị quyết", "71", "NQ-CP", "Chính phủ"),
        ("Chương trình", "10", "CTr/TU", "Ban Thường vụ Tỉnh ủy"),
        ("Nghị quyết", "57", "NQ/TW", None),
    ]
    assert c[1].subject == "thực hiện"  # the subject ends where the next citation starts


def test_numbers_under_one_type_word_take_the_type_from_their_code():
    c = find_citations("tại các Quyết định: số 36/QĐ-TTg ngày 11/01/2024 về việc quy hoạch hạ tầng thông tin và truyền "
                       "thông thời kỳ 2021-2030, tầm nhìn đến 2025; số 1569/QĐ-TTg ngày 12/12/2024 về việc phê duyệt")
    assert [(x.doc_type, x.number, x.code, x.issued_date) for x in c] == [
        ("Quyết định", "36", "QĐ-TTg", datetime.date(2024, 1, 11)),
        ("Quyết định", "1569", "QĐ-TTg", datetime.date(2024, 12, 12)),
    ]


def test_type_word_then_code_without_so():
    # The form `Nghị quyết 57-NQ/TW` as the issue gives it; the fixtures always write `số`.
    assert only("Nghị quyết 57-NQ/TW") == Citation("Nghị quyết", "57", None, "NQ/TW", None, None, None,
                                                   "Nghị quyết 57-NQ/TW", 0, 19)


def test_law_cited_by_name_without_number():
    text = ("Căn cứ Luật Tổ chức Chính quyền địa phương năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức "
            "Chính phủ và Luật Tổ chức Chính quyền địa phương năm 2019;")
    citations = find_citations(text)
    raw = "Luật Tổ chức Chính quyền địa phương năm 2015"
    assert citations[0] == Citation("Luật", None, 2015, None, None, None, "Tổ chức Chính quyền địa phương",
                                    raw, 7, 7 + len(raw))
    # `Luật sửa đổi, bổ sung …` names no law: only capitalised names are read.
    assert [c.subject for c in citations] == [
        "Tổ chức Chính quyền địa phương", "Tổ chức Chính phủ", "Tổ chức Chính quyền địa phương"]
    assert find_citations("văn bản quy định chi tiết, hướng dẫn thi hành Luật.") == []


def test_law_with_number_and_term():
    # DOMAIN.md: "Laws: `Luật … năm 2015` or `Luật số 47/2019/QH14`."
    assert only("Luật số 47/2019/QH14") == Citation("Luật", "47", 2019, "QH14", None, None, None,
                                                   "Luật số 47/2019/QH14", 0, 20)


def test_blank_draft_number_and_date():
    text = "(Kèm theo Quyết định số:         /QĐ-UBND ngày       /12/2020 của UBND huyện)"
    raw = "Quyết định số:         /QĐ-UBND ngày       /12/2020 của UBND huyện"
    assert find_citations(text) == [Citation("Quyết định", None, None, "QĐ-UBND", None, "UBND huyện", None,
                                             raw, 10, 10 + len(raw))]


def test_the_documents_own_number_in_its_header_is_no_citation():
    assert find_citations("Số:            /QĐ-UBND Mang Yang, ngày          tháng 12 năm 2020") == []
    assert find_citations("Số: 144/KH-UBND") == []


def test_issuer_of_a_flattened_table_cell_ends_with_its_name():
    c = only("theo Nghị định số 108/2014/NĐ- CP ngày 20/11/2014 của Chính phủ Triển khai theo kế hoạch")
    assert c.issuer == "Chính phủ"


def test_known_plan_citations():
    citations = find_citations(known_text())
    assert len(citations) == 55
    assert {c.code for c in citations} == {None, "NQ/TW", "NĐ-CP", "QĐ-TTg", "QĐ-UBND", "KH-UBND"}
    dated_108 = {c.issued_date for c in citations if (c.number, c.year) == ("108", 2014) and c.issued_date}
    assert dated_108 == {datetime.date(2014, 11, 20)}
    c680 = next(c for c in citations if c.number == "680")
    assert (c680.issuer, c680.issued_date) == ("UBND tỉnh", datetime.date(2019, 11, 14))
    c106 = next(c for c in citations if c.number == "106")
    assert (c106.code, c106.year) == ("NĐ-CP", 2020)
    # The header's own `Số: /QĐ-UBND` is not among them; the two `Kèm theo Quyết định số: /QĐ-UBND` are.
    assert [c.issuer for c in citations if c.doc_type == "Quyết định" and c.number is None] == ["UBND huyện"] * 2


def test_known_plan_cites_one_plan_under_two_numbers():
    pairs = conflicting_numbers(find_citations(known_text()))
    assert [(a.number, b.number, a.code, a.issued_date) for a, b in pairs] == [
        ("133", "113", "KH-UBND", datetime.date(2019, 12, 18))]


def test_numbers_listed_side_by_side_are_two_documents():
    # 18-NQ/TW and 19-NQ/TW, both of 25/10/2017, are two resolutions of one plenum.
    citations = find_citations(
        "theo tinh thần Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng (khóa XII) về tiếp "
        "tục đổi mới sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực hiệu quả; Nghị quyết "
        "số 19-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng (khóa XII) về tiếp tục đổi mới hệ thống tổ "
        "chức và quản lý")
    assert [c.number for c in citations] == ["18", "19"]
    assert conflicting_numbers(citations) == []


def test_2025_plans_have_no_conflicts():
    for name in ["dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt", "dong-thap-552-2025-doi-moi-cong-nghe.txt",
                 "ha-noi-310-2025-5g-iot.txt", "bac-ninh-144-2025-kinh-te-so.txt"]:
        assert conflicting_numbers(find_citations((FIXTURES / name).read_text(encoding="utf-8"))) == []


def test_empty_text():
    assert find_citations("") == []
    assert conflicting_numbers([]) == []


def test_decomposed_text_gives_the_same_citations():
    text = known_text()
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert find_citations(decomposed) == find_citations(text)
