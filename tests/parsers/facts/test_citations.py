"""Citations of legal documents: number, type, year, code, date, issuer, subject; and numbers in conflict.

Every input is wording of the known plan, of the 2025 plans in tests/fixtures or of DOMAIN.md.
"""

from __future__ import annotations

import datetime
import unicodedata
from functools import cache

from parsers.facts.citations.find import Citation, find_citations
from parsers.facts.citations.keys import SERIES_MIN, conflicting_numbers
from tests.support.documents import FIXTURES, KNOWN_TXT


@cache
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


def test_an_issuer_that_trims_to_nothing_ends_the_citation():
    """The known plan's citation with its issuer damaged to a dash or a lone `và` (found by the fuzz test,
    where it looped for ever): the number and date are kept, and no issuer."""
    for damaged in ("–", "-", "và"):
        c = only(f"theo tinh thần Nghị quyết số 18-NQ/TW ngày 25/10/2017 của {damaged} , về tiếp tục đổi mới")
        assert (c.number, c.code, c.issued_date, c.issuer) == ("18", "NQ/TW", datetime.date(2017, 10, 25), None)


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
    assert [(c.number, c.code, c.year)
            for c in find_citations("theo Nghị quyết số 18-NQ/TW; Nghị quyết số 19-NQ/TW.")] \
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
    c = find_citations("Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ và Chương trình hành động số 10- "
                       "CTr/TU ngày 13/8/2025 của Ban Thường vụ Tỉnh ủy về thực hiện Nghị quyết số 57-NQ/TW")
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
    # `Luật sửa đổi, bổ sung …` is the amending law, one citation, whose name holds the laws it amends
    # (not two citations of them, the second given the amending law's year).
    assert [(c.subject, c.year) for c in citations] == [
        ("Tổ chức Chính quyền địa phương", 2015),
        ("sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức Chính quyền địa phương", 2019)]
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
    # 55 before the amending law of 2019 was read as one citation, not as the two laws it amends
    assert len(citations) == 54
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


def test_a_series_signed_on_one_day_is_no_conflict():
    """A page lists decisions `73/QĐ-UB` to `78/QĐ-UB`, all of 21/08/2000 and of one subject (one per unit),
    and decrees `78/NĐ-CP` and `79/NĐ-CP`, both of 01/04/2025: documents of their own, not typos."""
    text = (FIXTURES / "legal-db" / "329d9e978debfeec.txt").read_text(encoding="utf-8")
    citations = find_citations(text)
    day = datetime.date(2000, 8, 21)
    assert len({c.number for c in citations if c.code == "QĐ-UB" and c.issued_date == day}) >= SERIES_MIN
    assert {"78", "79"} <= {c.number for c in citations
                            if c.code == "NĐ-CP" and c.issued_date == datetime.date(2025, 4, 1)}
    pairs = conflicting_numbers(citations)
    assert not [(a.number, b.number) for a, b in pairs if a.issued_date in (day, datetime.date(2025, 4, 1))]


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


# The hard forms of real legal-database pages (tests/fixtures/legal-db), each as the page prints it.

def fields(c: Citation) -> tuple:
    return c.doc_type, c.number, c.year, c.code, c.issued_date, c.issuer


def test_look_alike_letters_are_folded_and_the_printed_text_kept():
    # 9aeb199f5e0aa225.txt and fa0dcc139cec05de.txt type `СР` and `ВТС` with Cyrillic letters.
    c = only("Nghị định số 137/2020/NĐ-СР ngày 27 tháng 11 năm 2020 quy định về quản lý, sử dụng pháo.")
    assert fields(c) == ("Nghị định", "137", 2020, "NĐ-CP", datetime.date(2020, 11, 27), None)
    assert "NĐ-СР" in c.raw and "NĐ-CP" not in c.raw


def test_codes_without_their_hyphen_or_with_a_space():
    # cc392cdbbc87983e.txt, the legal bases of a procedure.
    c = find_citations("(2) Nghị định số 193/2025/NĐCP ngày 02/7/2025; (3) Thông tư số 37/2025/TTBNN MT ngày "
                       "02/7/2025; (5) Thông tư số 10/2024/TTBTC ngày 05/02/2024.")
    assert [(x.number, x.code) for x in c] == [("193", "NĐ-CP"), ("37", "TT-BNNMT"), ("10", "TT-BTC")]
    # A compound type code is no code without its hyphen: `KHPH` (Kế hoạch phối hợp) stays as printed.
    assert only("Kế hoạch 01/KHPH-BCA-NHNNVN về các nội dung").code == "KHPH-BCA-NHNNVN"


def test_numbers_keep_their_leading_zeros():
    c = only("Căn cứ Thông tư số 004/2025/TT-BNV ngày 07 tháng 5 năm 2025 của Bộ trưởng Bộ Nội vụ quy định")
    assert fields(c) == ("Thông tư", "004", 2025, "TT-BNV", datetime.date(2025, 5, 7), "Bộ trưởng Bộ Nội vụ")


def test_a_law_by_name_and_number_is_one_citation_of_a_law():
    c = only("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025;")
    assert fields(c) == ("Luật", "72", 2025, "QH15", datetime.date(2025, 6, 16), None)
    assert c.subject == "Tổ chức chính quyền địa phương"


def test_a_laws_name_runs_to_its_number_or_date_past_its_commas():
    c = only("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;")
    assert (c.subject, c.number, c.code) == ("Thi đua, khen thưởng", "06", "QH15")
    c = only("- Luật Khoa học, Công nghệ và Đổi mới sáng tạo ngày 27/6/2025;")
    assert (c.subject, c.year, c.issued_date) == ("Khoa học, Công nghệ và Đổi mới sáng tạo", 2025,
                                                  datetime.date(2025, 6, 27))
    # Without number or date the name still runs to its end.
    c = only("hướng dẫn thi hành Luật Ban hành văn bản quy phạm pháp luật (sửa đổi, bổ sung tại khoản 24)")
    assert c.subject == "Ban hành văn bản quy phạm pháp luật"
    assert [x.subject for x in find_citations("theo quy định tại Luật Đầu tư và Nghị định hướng dẫn Luật Đầu tư;")] \
        == ["Đầu tư", "Đầu tư"]


def test_issuers_run_to_the_end_of_their_noun_phrase():
    c = only("Căn cứ Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ "
             "hướng dẫn về nghiệp vụ kiểm soát thủ tục hành chính;")
    assert c.issuer == "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ"
    c = only("(Kèm theo Quyết định số 4422 /QĐ-BVHTTDL ngày 21 tháng 11 năm 2025 của Bộ trưởng Bộ Văn hóa, Thể thao và "
             "Du lịch)")
    assert (c.number, c.code, c.issuer) == ("4422", "QĐ-BVHTTDL", "Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch")
    # A comma then a long clause is no part of the issuer.
    c = only("Ngày 22/10/2025, tại Thông báo số 569/TB-VPCP của Văn phòng Chính phủ, Phó Thủ tướng Thường trực Chính "
             "phủ Nguyễn Hòa Bình - Trưởng ban Ban chỉ đạo về giải quyết")
    assert (c.issuer, c.issued_date) == ("Văn phòng Chính phủ", datetime.date(2025, 10, 22))


def test_a_title_in_capitals_gives_date_and_issuer():
    c = only("BÃI BỎ QUYẾT ĐỊNH SỐ 15/2025/QĐ-UBND NGÀY 01/3/2025 CỦA ỦY BAN NHÂN DÂN TỈNH BAN HÀNH QUY ĐỊNH CHỨC NĂNG")
    assert fields(c) == ("Quyết định", "15", 2025, "QĐ-UBND", datetime.date(2025, 3, 1), "ỦY BAN NHÂN DÂN TỈNH")
    c = only("TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 214/NQ-CP NGÀY 23/7/2025 CỦA CHÍNH PHỦ BAN HÀNH KẾ HOẠCH HÀNH ĐỘNG")
    assert fields(c) == ("Nghị quyết", "214", 2025, "NQ-CP", datetime.date(2025, 7, 23), "CHÍNH PHỦ")
    # The header's own `KẾ HOẠCH Số: 12/KH-UBND` stays no citation.
    assert find_citations("KẾ HOẠCH Số: 308/KH-UBND") == []


def test_lists_share_their_type_and_issuer():
    c = find_citations("theo hướng dẫn tại văn bản số 16495/BTC-PTHT ngày 22/10/2025, số 13021/BTC-PTHT ngày "
                       "22/8/2025 của Bộ Tài chính.")
    assert [fields(x) for x in c] == [
        ("Văn bản", "16495", 2025, "BTC-PTHT", datetime.date(2025, 10, 22), "Bộ Tài chính"),
        ("Văn bản", "13021", 2025, "BTC-PTHT", datetime.date(2025, 8, 22), "Bộ Tài chính")]
    c = find_citations("Căn cứ các Nghị định của Chính phủ: số 63/2010/NĐ-CP ngày 08/6/2010 về kiểm soát thủ tục hành "
                       "chính; số 48/2013/NĐ-CP ngày 14/5/2013 và số 92/2017/NĐ-CP ngày 07/8/2017 về sửa đổi;")
    assert [(x.doc_type, x.number, x.issuer) for x in c] == [
        ("Nghị định", "63", "Chính phủ"), ("Nghị định", "48", "Chính phủ"), ("Nghị định", "92", "Chính phủ")]
    c = find_citations("[1] Các công điện: số 217/CĐ-TTg ngày 16/11/2025; số 218/CĐ-TTg ngày 16/11/2025.")
    assert [(x.doc_type, x.number, x.issued_date) for x in c] == [
        ("Công điện", "217", datetime.date(2025, 11, 16)), ("Công điện", "218", datetime.date(2025, 11, 16))]
    # Two issuer codes are two issuers, and a bare number outside a list is no citation.
    c = find_citations("Thông tư số 44/2023/TT-BTC ngày 29/12/2023 và Thông tư số 05/2018/TT-BCT của Bộ Công Thương")
    assert [x.issuer for x in c] == [None, "Bộ Công Thương"]
    assert find_citations("không có Bản án số 159/2022/HSST ngày 24/5/2022") == []


def test_date_and_issuer_said_before_the_citation():
    c = only("Ngày 01/7/2025, Cục Thuế đã có công điện số 102/CĐ-CT về việc triển khai thực hiện")
    assert fields(c) == ("Công điện", "102", 2025, "CĐ-CT", datetime.date(2025, 7, 1), "Cục Thuế")
    c = only("Theo đề nghị của Sở Nội vụ tại Văn bản số 70/TTr-SNV ngày 10/11/2025;")
    assert fields(c) == ("Văn bản", "70", 2025, "TTr-SNV", datetime.date(2025, 11, 10), "Sở Nội vụ")
    # `quy định của … tại` names no issuer.
    assert only("phù hợp quy định của Công ty liên quan đến quy định tại Nghị định số 60/2014/NĐ-CP").issuer is None


def test_a_year_typed_with_five_digits_gives_no_date_but_the_issuer_is_read():
    c = only("(Kèm theo Quyết định số: 1505/QĐ-UBND ngày 20/11/20225 của Chủ tịch UBND tỉnh Bắc Ninh)")
    assert fields(c) == ("Quyết định", "1505", None, "QĐ-UBND", None, "Chủ tịch UBND tỉnh Bắc Ninh")


def test_the_types_of_nghi_dinh_30_2020_and_consolidated_texts():
    c = only("Căn cứ Văn bản hợp nhất số 10/VBHN-BGDĐT ngày 14 tháng 3 năm 2014 của Bộ Giáo dục và Đào tạo về Quy chế")
    assert fields(c) == ("Văn bản hợp nhất", "10", 2014, "VBHN-BGDĐT", datetime.date(2014, 3, 14),
                         "Bộ Giáo dục và Đào tạo")
    assert [x.doc_type for x in find_citations("theo Đề án số 393/ĐA-CP ngày 09 tháng 5 năm 2025 và Giấy mời số "
                                               "12/GM-UBND")] == ["Đề án", "Giấy mời"]


def test_no_citation_amid_an_english_translation():
    # 39db3d8c3cc4571d.txt embeds the site's English translation after the document.
    assert find_citations("AND COLLECTION THEREOF Pursuant to Law on Fees and Charges No. 97/2015/QH13; Pursuant to "
                          "the Law on State Budget No. 89/2025/QH15;") == []
    assert len(find_citations("Căn cứ Luật Phí và lệ phí số 97/2015/QH13; Căn cứ Luật Ngân sách nhà nước số "
                              "89/2025/QH15;")) == 2


def test_a_code_with_a_dotted_section_is_read_whole():
    # a94e2ffb8c7ea677 (a letter of the tax department): a regional branch's code with its unit, both dotted.
    c = find_citations("Cục Thuế nhận được công văn số 838/CCTKV.XII-NVDTPC.HUE\nngày 15/05/2025 của Chi cục Thuế "
                       "khu vực XII (nay là Thuế thành phố Huế) về tiền")
    assert [(x.number, x.code, x.issued_date, x.issuer) for x in c] == [
        ("838", "CCTKV.XII-NVDTPC.HUE", datetime.date(2025, 5, 15), "Chi cục Thuế khu vực XII")]
    # The Government Office's departments V.I … V.III, in the form the issue quotes (no corpus page cites one);
    # a full stop after a code is still no part of it.
    c = only("Văn bản số 5678/VPCP-V.III ngày 03/4/2025 của Văn phòng Chính phủ.")
    assert (c.doc_type, c.number, c.code, c.issuer) == ("Văn bản", "5678", "VPCP-V.III", "Văn phòng Chính phủ")
    assert only("theo Quyết định số 12/QĐ-UBND.").code == "QĐ-UBND"


def test_joint_codes_of_several_bodies():
    # A basis of the coordination rule 01/QCPH/UBND-UBMTTQ of Đắk Lắk (thuvienphapluat.vn, 2017).
    c = only("Căn cứ Nghị quyết Liên tịch số\n19/2008/NQLT/CP-UBTUMTTQVN ngày\n22/8/2008 của Chính phủ")
    assert (c.doc_type, c.number, c.year, c.code, c.issued_date) == (
        "Nghị quyết liên tịch", "19", 2008, "NQLT/CP-UBTUMTTQVN", datetime.date(2008, 8, 22))
    # The form: a rule signed by a People's Committee, the Fatherland Front and the Labour Federation.
    c = only("theo Quy chế phối hợp số 12/QCPH-UBND-UBMTTQ-LĐLĐ ngày 05/6/2024")
    assert (c.doc_type, c.number, c.code) == ("Quy chế", "12", "QCPH-UBND-UBMTTQ-LĐLĐ")
    # No type word: the joint code says the type (`Kế hoạch phối hợp`).
    assert [x.doc_type for x in find_citations("theo 01/KHPH-BCA-NHNNVN về các nội dung")] == ["Kế hoạch"]


def test_an_amending_law_is_cited_by_its_whole_name():
    # 4ea650b6faa46d71: the amending law of 2019, dated; not the two laws it amends, the second one dated.
    c = find_citations("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
                       "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")
    assert [(x.subject, x.issued_date) for x in c] == [
        ("Tổ chức Chính phủ", datetime.date(2015, 6, 19)),
        ("sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
         datetime.date(2019, 11, 22))]
    # 24c6583aa4c3280a: the laws it amends listed with commas, then its date.
    c = only("Căn cứ Luật sửa đổi,\nbổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật Kiểm toán độc lập,\n"
             "Luật Ngân sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật Quản lý thuế,\nLuật Thuế thu nhập cá "
             "nhân, Luật Dự trữ quốc gia, Luật xử lý vi phạm hành chính\nngày 29 tháng 11 năm 2024;")
    assert (c.doc_type, c.issued_date) == ("Luật", datetime.date(2024, 11, 29))
    assert c.raw.startswith("Luật sửa đổi,\nbổ sung") and c.raw.endswith("năm 2024")
    # 3066a06b520a2418 with its number; a lower-case name (6f66017865169297) closed by its date.
    assert only("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật\nBan hành văn bản quy phạm pháp luật số "
                "87/2025/QH15;").raw.startswith("Luật sửa đổi")
    assert only("Căn cứ Luật sửa đổi,\nbổ sung một số điều của Luật ban hành văn bản quy phạm pháp luật ngày 25 "
                "tháng\n6 năm 2025;").issued_date == datetime.date(2025, 6, 25)
    # 1a814c71716d3047: the name stops where the sentence goes on, short of another document's number.
    c = find_citations("dự án Luật sửa đổi, bổ sung một số điều của 15 luật\ntrong lĩnh vực nông nghiệp và môi "
                       "trường phù hợp với tinh thần chỉ đạo tại văn\nbản số 574/TB-VPCP ngày 23 tháng 10 năm 2025")
    assert [(x.doc_type, x.number) for x in c] == [("Văn bản", "574")]


def test_an_amending_law_set_in_emphasis_on_the_page(tmp_path):
    # The form: the site sets part of the name in bold (`Luật sửa **đổi, bổ sung …**`); the page is
    # 6f66017865169297 with its basis so set.
    from pipeline.run import parse_document
    page = FIXTURES / "legal-db" / "6f66017865169297.txt"
    old = ("*Căn cứ Luật sửa đổi,\nbổ sung một số điều của Luật ban hành văn bản quy phạm pháp luật ngày 25 tháng\n"
           "6 năm 2025;*")
    new = ("*Căn cứ Luật sửa **đổi,\nbổ sung một số điều của Luật ban hành văn bản quy phạm pháp luật** ngày 25 tháng\n"
           "6 năm 2025;*")
    text = page.read_text(encoding="utf-8")
    assert old in text
    bold = tmp_path / page.name
    bold.write_text(text.replace(old, new), encoding="utf-8")
    cited = [c for c in parse_document(bold)["citations"] if c["doc_type"] == "Luật" and c["issued_date"]]
    assert any(c["raw"].startswith("Luật sửa đổi, bổ sung một số điều của Luật ban hành văn bản")
               and c["issued_date"] == datetime.date(2025, 6, 25) for c in cited)


def test_a_local_bodys_name_ends_before_the_sentence_goes_on():
    # The form (no corpus page has one): the verb after the body is no part of it.
    c = only("Báo cáo số 321/BC-UBND ngày 10/3/2025 của Ủy ban nhân dân tỉnh giải trình việc chậm tiến độ")
    assert c.issuer == "Ủy ban nhân dân tỉnh"
    # The place's name is (capitalised, across a hyphen), and so is a second body joined by `và`.
    assert only("Quyết định số 12/QĐ-UBND ngày 01/2/2024 của UBND tỉnh Bà Rịa - Vũng Tàu triển khai").issuer == \
        "UBND tỉnh Bà Rịa - Vũng Tàu"
    assert only("Kế hoạch số 5/KH-UBND của UBND tỉnh Quảng Ninh và UBND tỉnh Hải Dương").issuer == \
        "UBND tỉnh Quảng Ninh và UBND tỉnh Hải Dương"


def test_a_lists_issuer_goes_to_every_item_and_its_last_date_to_the_last():
    # The form: the issuer after the last item goes to each (it did before), and so does the issuer
    # before the first, forward (fa0dcc139cec05de).
    c = find_citations("các Công điện số 011/CĐ-UBND, số 012/CĐ-UBND và số 013/CĐ-UBND ngày 05/3/2025 của UBND tỉnh")
    assert [x.issuer for x in c] == ["UBND tỉnh"] * 3
    c = find_citations("theo hướng dẫn của Bộ Tài chính tại văn bản số 16495/BTC-PTHT ngày 22/10/2025, số "
                       "13021/BTC-PTHT ngày 22/8/2025.")
    assert [(x.number, x.issuer, x.issued_date) for x in c] == [
        ("16495", "Bộ Tài chính", datetime.date(2025, 10, 22)), ("13021", "Bộ Tài chính", datetime.date(2025, 8, 22))]
    # The date after the last item is the last item's: 15e6fb3d3f3b2644 lists telegrams that
    # 858c0de43c18ce78 dates 16/11, 16/11, 17/11 and 19/11/2025.
    c = find_citations("tiếp theo các Công điện số 217/CĐ-TTg,\n218/CĐ-TTg, 219/CĐ-TTg và 222/CĐ-TTg ngày 19/11/2025, "
                       "Thủ tướng Chính phủ yêu\ncầu:")
    assert [(x.doc_type, x.number, x.issued_date) for x in c] == [
        ("Công điện", "217", None), ("Công điện", "218", None), ("Công điện", "219", None),
        ("Công điện", "222", datetime.date(2025, 11, 19))]


def test_codes_joining_two_units_with_an_ampersand():
    # 31fb08f34535fce3, and the words that lead to it, in the subject of the citation before (read to it).
    c = find_citations("Thực hiện Thông tri số\n02-TT/TU ngày 03 tháng 10 năm 2025 của Thành ủy Thành phố Hồ Chí "
                       "Minh về lãnh đạo\ntiếp tục thực hiện hiệu quả “Tháng cùng phụ nữ hành động” và hướng "
                       "dẫn của Bộ Nội\nvụ tại Công văn số 8935/BNV-CTTN&BĐG ngày 03 tháng 10 năm 2025 về việc "
                       "hướng\ndẫn triển khai")
    assert [(x.number, x.code, x.issuer) for x in c] == [
        ("02", "TT/TU", "Thành ủy Thành phố Hồ Chí Minh"), ("8935", "BNV-CTTN&BĐG", "Bộ Nội vụ")]


def test_a_joint_papers_issuers_are_read_whole():
    # ad52bc0b105a20cd: the second ministry after the comma is longer than a comma's usual few words.
    c = find_citations("- Thông tư liên tịch số\n01/2012/TTLT-BQP-BLĐTBXH- BTC ngày 05/01/2012 của Bộ Quốc phòng, Bộ "
                       "Lao động\n- Thương binh và Xã hội hướng dẫn thực hiện")
    assert [(x.code, x.issuer) for x in c] == [
        ("TTLT-BQP-BLĐTBXH-BTC", "Bộ Quốc phòng, Bộ Lao động - Thương binh và Xã hội")]


def test_a_lists_items_without_so():
    # 1095764e502a89b8 and 4768df91f00a5ddd: after the first item the others are bare numbers.
    c = find_citations("các văn bản số: 10894/VPCP-CN ngày 8/11/2025, 8563/VPCP-CN ngày 12/9/2025 của\n"
                       "Văn phòng Chính phủ..")
    assert [(x.number, x.issuer) for x in c] == [("10894", "Văn phòng Chính phủ"), ("8563", "Văn phòng Chính phủ")]
    c = find_citations("được hướng dẫn tại các công văn số 695/TCHQ-GSQL ngày\n05/02/2021, 4032/TCHQ-GSQL ngày "
                       "16/8/2021 và 1238/GSQL-GQ2 ngày 29/7/2024 của Tổng\ncục Hải quan")
    assert [x.number for x in c] == ["695", "4032", "1238"]


def test_emphasis_left_in_the_text_sets_words_apart_and_ends_nothing():
    # The form, as a page read as plain text keeps it (the web reader takes the marks out first):
    # the marks split the amending law's name, whose number then went alone, untyped.
    c = only("Căn cứ Luật sửa **đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật** số "
             "87/2025/QH15;")
    assert (c.doc_type, c.number, c.code) == ("Luật", "87", "QH15")
    assert c.subject == "sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật"
    assert c.raw.startswith("Luật sửa **đổi")
    # a57bf3febd1d410d as the site prints it, marks and all.
    c = find_citations("*Xét đề nghị của Chính phủ tại Tờ trình số **394**/TTr-CP** và Đề án **số** 395/**ĐA-CP* "
                       "*ngày **09** tháng** 5 **năm 2025, Báo cáo")
    assert [(x.number, x.code, x.issued_date) for x in c] == [
        ("394", "TTr-CP", None), ("395", "ĐA-CP", datetime.date(2025, 5, 9))]
