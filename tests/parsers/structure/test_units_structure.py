"""Unit tables for four reading modules: structure.header, structure.site, read.columns, facts.agencies.

Every input is quoted from a real document: tests/fixtures/*.txt (the known plan of Mang Yang and four
2025 web plans), tests/fixtures/legal-db/*.txt (pages saved from a legal-database site, named by file)
and the PDFs of tests/fixtures (for columns.py, the boxes of real header and closing lines). Every
expected value is what a reader takes off the document; where the code reads otherwise, the row says
the right value and is marked xfail(strict=True), with the reason.
"""

from __future__ import annotations

import pytest

from parsers.facts.agencies import agency_id, agency_rows, canonical_name, merge_agency_rows
from parsers.model.errors import NotADocument
from parsers.model.records import Line, Node, Outline
from parsers.read.columns import TextLine, find_blocks, gaps, split_columns
from parsers.structure.header import admit, check_against_site, read_header
from parsers.structure.site import SiteMeta, find_furniture
from parsers.tables.appendix_rows import split_agencies
from tests.support.documents import FIXTURES

LEGAL_DB = FIXTURES / "legal-db"


def bug(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# =====================================================================================================
# header.py: read_header over an outline made of the header, part and signature nodes that the outline
# stage makes of the document (each node's text quoted from the document).
# =====================================================================================================


def _outline(headers, *, kind="plan", title="Kế hoạch", text="", kids=(), signatures=()) -> Outline:
    """A document of one part: its header lines, other children (kind, text) and closing block.

    `signatures` are (label, text, [(kind, text), …]): a `TM.`/`KT.` line and the signer's lines under it."""
    nodes = [Node(0, None, "document", None, None, None, "", ()),
             Node(1, 0, kind, None, None, title, text, ())]

    def add(parent, kind, text, label=None):
        nodes.append(Node(len(nodes), parent, kind, label, None, None, text, ()))
        return len(nodes) - 1

    for h in headers:
        add(1, "header", h)
    for k, t in kids:
        add(1, k, t)
    for label, t, under in signatures:
        sig = add(1, "signature", t, label)
        for k, kt in under:
            add(sig, k, kt)
    return Outline(tuple(nodes), ())


DONG_THAP_617 = dict(
    headers=["ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG THÁP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Số: 617/KH-UBND", "Đồng Tháp, ngày 01 tháng 12 năm 2025"],
    text="CHUYỂN ĐỔI SỐ CHO CÁC DOANH NGHIỆP, NHẤT LÀ DOANH NGHIỆP NHỎ VÀ VỪA, HỢP TÁC XÃ, HỘ KINH DOANH",
    signatures=[("TM", "ỦY BAN NHÂN DÂN", []),
                ("KT", "CHỦ TỊCH", [("signer_title", "PHÓ CHỦ TỊCH"), ("signer", "Huỳnh Minh Tuấn")])],
)
# The known plan's decision: extraction interleaved its two header columns on each line.
MANG_YANG_DECISION = dict(
    headers=["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HUYỆN MANG YANG Độc lập – Tự do – Hạnh phúc",
             "Số: /QĐ-UBND Mang Yang, ngày tháng 12 năm 2020"],
    kind="decision", title="Quyết định",
    text="Ban hành Kế hoạch cải cách hành chính năm 2021 của huyện Mang Yang",
)
CUC_THUE_5348 = dict(  # legal-db/005d8820eb95c1cb: a letter of the Tax Department, whose code CT-CS is no Chỉ thị
    headers=["BỘ TÀI CHÍNH", "CỤC THUẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Số: 5348/CT-CS", "Hà Nội, ngày 20 tháng 11 năm 2025"],
    kind="letter", title=None, text="V/v hướng dẫn góp vốn điều lệ",
    kids=[("letter_subject", "V/v hướng dẫn góp vốn điều lệ"), ("addressee", "Kính gửi: Thuế tỉnh Quảng Trị.")],
    signatures=[("TL", "CỤC TRƯỞNG", []),
                ("KT", "TRƯỞNG BAN CHÍNH SÁCH, THUẾ QUỐC TẾ",
                 [("signer_title", "PHÓ TRƯỞNG BAN"), ("signer", "Phạm Thị Minh Hiền")])],
)

HEADER_CASES = [
    # dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt: the 2025 plan, one header fact a line
    ("number with code", DONG_THAP_617,
     dict(doc_number="617/KH-UBND", doc_code="KH-UBND", doc_number_raw="Số: 617/KH-UBND")),
    ("place and full date", DONG_THAP_617,
     dict(place="Đồng Tháp", issued_date_raw="ngày 01 tháng 12 năm 2025", issued_year=2025, issued_month=12,
          issued_day=1)),
    ("issuer over two lines", DONG_THAP_617, dict(issuer="ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP")),
    ("type from the title", DONG_THAP_617, dict(doc_type="Kế hoạch", doc_type_source="title", parts=("plan",))),
    ("signer under TM. and KT.", DONG_THAP_617,
     dict(signer_name="Huỳnh Minh Tuấn", signer_title="PHÓ CHỦ TỊCH",
          signer_authority="TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")),
    # mang-yang-2021-cchc.txt: the draft decision, number and day left blank, two columns on one line
    ("blank number of a draft", MANG_YANG_DECISION,
     dict(doc_number=None, doc_code="QĐ-UBND", doc_number_raw="Số: /QĐ-UBND")),
    ("date with a blank day", MANG_YANG_DECISION,
     dict(place="Mang Yang", issued_date_raw="ngày tháng 12 năm 2020", issued_year=2020, issued_month=12,
          issued_day=None)),
    ("issuer beside the national title", MANG_YANG_DECISION, dict(issuer="ỦY BAN NHÂN DÂN HUYỆN MANG YANG")),
    ("plan year of the subject", MANG_YANG_DECISION, dict(plan_year=2021, title=MANG_YANG_DECISION["text"])),
    # mang-yang-2021-cchc.txt: the plan's closing block, a chair signing for the committee
    ("signer under TM. alone",
     dict(headers=["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HUYỆN MANG YANG Độc lập – Tự do – Hạnh phúc"],
          text="Cải cách hành chính năm 2021 của huyện Mang Yang",
          signatures=[("TM", "ỦY BAN NHÂN DÂN", [("signer_title", "CHỦ TỊCH"), ("signer", "Lê Trọng")])]),
     dict(signer_name="Lê Trọng", signer_title="CHỦ TỊCH", signer_authority="TM. ỦY BAN NHÂN DÂN", plan_year=2021)),
    # legal-db/005d8820eb95c1cb: Công văn 5348/CT-CS
    ("letter by its V/v and Kính gửi", CUC_THUE_5348,
     dict(doc_type="Công văn", doc_type_source="letter", doc_number="5348/CT-CS", doc_code="CT-CS",
          title="V/v hướng dẫn góp vốn điều lệ", issuer="BỘ TÀI CHÍNH CỤC THUẾ", place="Hà Nội")),
    ("letter signed TL. then KT.", CUC_THUE_5348,
     dict(signer_name="Phạm Thị Minh Hiền", signer_title="PHÓ TRƯỞNG BAN",
          signer_authority="TL. CỤC TRƯỞNG / KT. TRƯỞNG BAN CHÍNH SÁCH, THUẾ QUỐC TẾ")),
    # legal-db/0d99145eee8ac0ff: `Số:10988/BNV-CQĐP`, no space after the colon
    ("number without a space",
     dict(headers=["BỘ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số:10988/BNV-CQĐP", "Hà Nội, ngày 21 tháng 11 năm 2025"],
          kind="letter", title=None, text="V/v tuyên truyền chủ trương, chính sách của Đảng, Nhà nước.",
          kids=[("letter_subject", "V/v tuyên truyền chủ trương, chính sách của Đảng, Nhà nước.")]),
     dict(doc_number="10988/BNV-CQĐP", doc_code="BNV-CQĐP", issuer="BỘ NỘI VỤ", doc_type="Công văn",
          issued_day=21, issued_month=11, issued_year=2025)),
    # legal-db/03741adae8c7c410: a normative resolution, its number carrying the year
    ("normative number with its year",
     dict(headers=["HỘI ĐỒNG NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 80/2025/NQ-HĐND", "Hà Nội, ngày 27 tháng 11 năm 2025"],
          kind="resolution", title="Nghị quyết",
          text="QUY ĐỊNH NỘI DUNG, MỨC CHI HỖ TRỢ LỰC LƯỢNG CÔNG AN CẤP XÃ TRÊN ĐỊA BÀN THÀNH PHỐ HÀ NỘI"),
     dict(doc_number="80/2025/NQ-HĐND", doc_code="2025/NQ-HĐND", issuer="HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI",
          doc_type="Nghị quyết", issued_day=27)),
    # legal-db/0465063a5486d493: `Hà Nội ngày 01 tháng 12 năm 2025`, no comma after the place
    ("place without a comma",
     dict(headers=["CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: 388/NQ-CP", "Hà Nội ngày 01 tháng 12 năm 2025"], kind="resolution", title="Nghị quyết"),
     dict(place="Hà Nội", issued_date_raw="ngày 01 tháng 12 năm 2025", issued_day=1, issuer="CHÍNH PHỦ")),
    # legal-db/6d0e277c7b88a914: a consolidated text (VBHN) prints the title of the circular it consolidates,
    # and a general signs with his rank before his name
    ("consolidated text over its title",
     dict(headers=["BỘ QUỐC PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: 94/VBHN-BQP", "Hà Nội, ngày 24 tháng 11 năm 2025"], kind="circular", title="Thông tư",
          signatures=[("KT", "BỘ TRƯỞNG", [("signer_title", "THỨ TRƯỞNG"), ("signer", "Thượng tướng Võ Minh Lương")])]),
     dict(doc_type="Văn bản hợp nhất", doc_type_source="number", signer_name="Võ Minh Lương",
          signer_title="THỨ TRƯỞNG", signer_authority="KT. BỘ TRƯỞNG")),
    # legal-db/5d99697f14bcf68a: `KẾ HOẠCH` / `GIÁM SÁT, ĐÁNH GIÁ … THÀNH PHỐ CẦN THƠ NĂM 2025`: a plan for 2025
    ("plan year of a subject in capitals",
     dict(headers=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ CẦN THƠ", "Số: 160/KH-UBND", "Cần Thơ, ngày 19 tháng 11 năm 2025"],
          text="GIÁM SÁT, ĐÁNH GIÁ CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG TRÊN ĐỊA BÀN "
               "THÀNH PHỐ CẦN THƠ NĂM 2025"),
     dict(plan_year=2025)),
    # legal-db/85ff77cbda28ffbb: Kế hoạch 235/KH-UBND of Thanh Hóa, a plan for 2026 issued in 2025
    ("plan year of a subject in capitals, not the year of issue",
     dict(headers=["ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 235/KH-UBND", "Thanh Hóa, ngày 18 tháng 11 năm 2025"],
          text="QUAN TRẮC, CẢNH BÁO MÔI TRƯỜNG NUÔI TRỒNG THỦY SẢN TRÊN ĐỊA BÀN TỈNH THANH HÓA NĂM 2026"),
     dict(plan_year=2026, issued_year=2025)),
    # legal-db/69db23c781b2e9aa: a plan for a programme of 2025 - 2035; `ĐẾN NĂM 2045` is its horizon, no plan year
    ("no plan year from a horizon in capitals",
     dict(headers=["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "Số: 624/KH-UBND", "Hà Tĩnh, ngày 19 tháng 11 năm 2025"],
          text="THỰC HIỆN CHƯƠNG TRÌNH “NÂNG CAO CHẤT LƯỢNG GIÁO DỤC MẦM NON Ở ĐỊA BÀN ĐÔ THỊ, KHU CÔNG NGHIỆP TRÊN "
               "ĐỊA BÀN TỈNH HÀ TĨNH GIAI ĐOẠN 2025 - 2035, ĐỊNH HƯỚNG ĐẾN NĂM 2045”"),
     dict(plan_year=None)),
    # legal-db/6f66017865169297: a decision repealing another, whose date its subject names
    ("no plan year from the date of a document the subject names",
     dict(headers=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH", "Số: 2828/QĐ-UBND",
                   "Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025"],
          kind="decision", title="Quyết định",
          text="BÃI BỎ QUYẾT ĐỊNH SỐ 32/2023/QĐ-UBND NGÀY 26 THÁNG 7 NĂM 2023 CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ "
               "HỒ CHÍ MINH BAN HÀNH QUY ĐỊNH VỀ QUẢN LÝ VÀ SỬ DỤNG TẠM THỜI MỘT PHẦN LÒNG ĐƯỜNG, HÈ PHỐ TRÊN ĐỊA BÀN "
               "THÀNH PHỐ HỒ CHÍ MINH"),
     dict(plan_year=None)),
]


@pytest.mark.parametrize("case, doc, expected", HEADER_CASES,
                         ids=[c.id if hasattr(c, "id") else c[0] for c in HEADER_CASES])
def test_read_header(case, doc, expected):
    facts = read_header(_outline(**doc))
    assert {k: getattr(facts, k) for k in expected} == expected


def test_header_type_from_the_sites_metadata():
    """legal-db/06690fd4027d01c8 (11299/VPCP-KGVX): a code naming only its issuer; with no title and no
    letter form left, the type is the site's."""
    doc = _outline(["VĂN PHÒNG CHÍNH PHỦ", "Số: 11299/VPCP-KGVX", "Hà Nội, ngày 18 tháng 11 năm 2025"],
                   kind="letter", title=None, text="")
    assert (read_header(doc).doc_type, read_header(doc).doc_type_source) == ("Công văn", "number")
    site = SiteMeta({"site_number": "11299/VPCP-KGVX", "site_type": "Công văn"})
    assert (read_header(doc, site).doc_type, read_header(doc, site).doc_type_source) == ("Công văn", "site")


def test_check_against_site():
    """legal-db/fa0dcc139cec05de (Công điện 230/CĐ-TTg): the header agrees with the site's metadata; the
    letter 5348/CT-CS (005d8820eb95c1cb) took its type from its form, which is worth a warning."""
    telegram = _outline(["Số: 230/CĐ-TTg", "Hà Nội, ngày 26 tháng 11 năm 2025"], kind="telegram", title="Công điện",
                        signatures=[("KT", "THỦ TƯỚNG", [("signer_title", "PHÓ THỦ TƯỚNG"),
                                                         ("signer", "Nguyễn Hòa Bình")])])
    site = SiteMeta({"site_number": "230/CĐ-TTg", "site_type": "Công điện", "site_issuer": "Thủ tướng Chính phủ",
                     "site_signer": "Nguyễn Hoà Bình", "site_date": "26/11/2025"})  # `Hoà`: the other orthography
    assert check_against_site(read_header(telegram), site, 3) == []
    # the same metadata with the date one day later (no page of the corpus disagrees with its document)
    late = SiteMeta({**site.fields, "site_date": "27/11/2025"})
    assert [(i.code, i.message) for i in check_against_site(read_header(telegram), late, 3)] == [
        ("site_disagrees", "date: the document says '26/11/2025', the site's metadata '27/11/2025'")]
    letter = read_header(_outline(**CUC_THUE_5348))
    assert [i.code for i in check_against_site(letter, None, 2)] == ["doc_type_source"]


def test_admit_refuses_text_that_is_no_document():
    """tests/fixtures/not-a-document.txt, an encyclopaedia's lines on Mang Yang: the outline stage takes its
    first line for a header, which holds no type, number or date. The 617 plan is admitted."""
    prose = _outline(["Mang Yang là một huyện miền núi nằm ở phía đông bắc tỉnh Gia Lai, thuộc vùng Tây Nguyên "
                      "của Việt Nam."], kind="part", title=None)
    facts = read_header(prose)
    assert (facts.doc_type, facts.doc_number_raw, facts.issued_year, facts.issuer) == (None, None, None, None)
    with pytest.raises(NotADocument):
        admit(str(FIXTURES / "not-a-document.txt"), prose, facts)
    plan = _outline(**DONG_THAP_617)
    admit(str(FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"), plan, read_header(plan))


# =====================================================================================================
# site.py: find_furniture over a legal-database page's lines as extraction gives them (one Line per
# non-blank line of the file, cell marks `|` and emphasis `**` included).
# =====================================================================================================


def _page(texts: list[str]) -> list[Line]:
    return [Line(1, i + 1, t, source_line=i + 1) for i, t in enumerate(texts)]


def _page_of(name: str) -> list[Line]:
    return _page([t for t in (LEGAL_DB / name).read_text(encoding="utf-8").splitlines() if t.strip()])


def _first_with_letters(lines: list[Line], indices) -> str:
    return next(lines[i].text for i in indices if any(c.isalpha() for c in lines[i].text))


# A page: its metadata table; the first line of the document kept after the leading furniture; the first
# line of the trailing furniture (the site's title line for the document).
SITE_PAGES = [
    # legal-db/005d8820eb95c1cb: Công văn 5348/CT-CS of the Tax Department
    ("005d8820eb95c1cb.txt",
     {"site_number": "5348/CT-CS", "site_type": "Công văn", "site_issuer": "Cục Thuế",
      "site_signer": "Phạm Thị Minh Hiền", "site_date": "20/11/2025"},
     "BỘ TÀI CHÍNH", "Công văn 5348/CT-CS năm 2025 hướng dẫn góp vốn điều lệ do Cục Thuế ban hành"),
    # legal-db/0d99145eee8ac0ff: a site summary (`## Thông tin sáp nhập …`) stands between metadata and document
    ("0d99145eee8ac0ff.txt",
     {"site_number": "10988/BNV-CQĐP", "site_type": "Công văn", "site_issuer": "Bộ Nội vụ",
      "site_signer": "Trương Hải Long", "site_date": "21/11/2025"},
     "**BỘ NỘI VỤ**",
     "Công văn 10988/BNV-CQĐP năm 2025 tuyên truyền chủ trương, chính sách của Đảng, Nhà nước do Bộ Nội vụ ban hành"),
    # legal-db/2249fe89ed46eae5: the site names the province where the document names the tax office
    ("2249fe89ed46eae5.txt",
     {"site_number": "3257/TNI-QLDN1", "site_type": "Công văn", "site_issuer": "Tỉnh Tây Ninh",
      "site_signer": "Nguyễn Tấn Lợi", "site_date": "01/12/2025"},
     "CỤC THUẾ", "Công văn 3257/TNI-QLDN1 năm 2025 về thuế suất thuế giá trị gia tăng do Thuế Tỉnh Tây Ninh ban hành"),
    # legal-db/1180a89cc49ca3fe: Nghị định 304/2025/NĐ-CP after a site summary; the national title breaks after
    # `**CỘNG`, and the issuer's cell `**CHÍNH` / `PHỦ**` is the document's first line
    ("1180a89cc49ca3fe.txt",
     {"site_number": "304/2025/NĐ-CP", "site_type": "Nghị định", "site_issuer": "Chính phủ",
      "site_signer": "Hồ Đức Phớc", "site_date": "25/11/2025"},
     "**CHÍNH",
     "Nghị định 304/2025/NĐ-CP quy định điều kiện tài sản bảo đảm của khoản nợ xấu được thu giữ"),
    # legal-db/514184bd8913458c: Thông tư 112/2025/TT-BTC, the same cut title after a site summary
    ("514184bd8913458c.txt",
     {"site_number": "112/2025/TT-BTC", "site_type": "Thông tư", "site_issuer": "Bộ Tài chính",
      "site_signer": "Nguyễn Thị Bích Ngọc", "site_date": "28/11/2025"},
     "**BỘ TÀI CHÍNH**",
     "Thông tư 112/2025/TT-BTC ngày 28/11/2025 sửa đổi Thông tư 55/2023/TT-BTC quy định quản lý, sử dụng và "
     "quyết toán kinh phí sự nghiệp từ nguồn ngân sách nhà nước thực hiện các Chương trình mục tiêu quốc gia giai "
     "đoạn 2021-2025 được sửa đổi bởi Thông tư 75/2024/TT-BTC do Bộ trưởng Bộ Tài chính ban hành"),
    # legal-db/fa0dcc139cec05de: Công điện 230/CĐ-TTg, the issuer's cell `**THỦ` / `TƯỚNG CHÍNH PHỦ**` cut too
    ("fa0dcc139cec05de.txt",
     {"site_number": "230/CĐ-TTg", "site_type": "Công điện", "site_issuer": "Thủ tướng Chính phủ",
      "site_signer": "Nguyễn Hòa Bình", "site_date": "26/11/2025"},
     "**THỦ",
     "Công điện 230/CĐ-TTg năm 2025 khẩn trương hoàn thành cập nhật, rà soát và phân loại kết quả thanh tra chuyên "
     "đề các dự án tồn đọng kéo dài do Thủ tướng Chính phủ điện"),
]


@pytest.mark.parametrize("name, fields, first_kept, trailing", SITE_PAGES,
                         ids=[p.id if hasattr(p, "id") else p[0] for p in SITE_PAGES])
def test_find_furniture_of_a_page(name, fields, first_kept, trailing):
    lines = _page_of(name)
    furniture, meta = find_furniture(lines)
    assert meta is not None and meta.fields == fields
    kept = [i for i in range(len(lines)) if i not in furniture]
    assert _first_with_letters(lines, kept) == first_kept
    tail = [i for i in sorted(furniture) if i > kept[0]]
    assert tail == list(range(tail[0], len(lines)))  # the trailing furniture runs to the end
    assert lines[tail[0]].text == trailing


def test_find_furniture_without_metadata():
    """legal-db/0f145efacbf006fc opens with the document itself (`Số: 1675/NQ-UBTVQH15 |`): nothing is furniture."""
    furniture, meta = find_furniture(_page_of("0f145efacbf006fc.txt"))
    assert (furniture, meta) == (set(), None)


# The national title as legal-database pages cut it with their emphasis marks and line breaks.
NATIONAL_TITLE_CUTS = [
    ["**CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**"],  # 1180a89cc49ca3fe, 514184bd8913458c, fa0dcc139cec05de
    ["**CỘNG HÒA", "XÃ HỘI CHỦ NGHĨA VIỆT NAM**"],  # 54c3026bc7bb5cb7
    ["**CỘNG HÒA XÃ", "HỘI CHỦ NGHĨA VIỆT NAM**"],  # 0d99145eee8ac0ff
    ["**CỘNG HÒA XÃ HỘI CHỦ", "NGHĨA VIỆT NAM**"],  # af2a4fc9b3a7aeeb
    ["**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**"],  # 1a814c71716d3047
]


@pytest.mark.parametrize("title", NATIONAL_TITLE_CUTS, ids=[" / ".join(t) for t in NATIONAL_TITLE_CUTS])
def test_document_starts_at_a_cut_national_title(title):
    """legal-db/1180a89cc49ca3fe's site summary, then the document's header cells, the national title cut
    as one page or another cuts it: the summary is furniture up to the cell mark before the issuer's cell."""
    lines = _page(["## Điều kiện tài sản bảo đảm của khoản nợ xấu được thu giữ từ 01/12/2025",
                   "Nghị định 304/2025/NĐ-CP có hiệu lực thi hành kể từ ngày 01/12/2025.",
                   "|", "**CHÍNH", "PHỦ**", "-------", "|", *title, "Độc lập - Tự do - Hạnh phúc", "---------------",
                   "|", "|", "Số: 304/2025/NĐ-CP"])
    furniture, meta = find_furniture(lines)
    assert (furniture, meta) == ({0, 1, 2}, None)


# One line before `Số: 5348/CT-CS` (the letter 005d8820eb95c1cb's number): the site's furniture or not.
LEADING_LINES = [
    # the site's own lines, from legal-db/005d8820eb95c1cb (and 0d99145eee8ac0ff: `Xem chi tiết …`)
    ("Bản dịch này thuộc quyền sở hữu của **", True),
    ("THƯ VIỆN PHÁP LUẬT** has the copyright on this translation. Copying or reposting it without the consent of **",
     True),
    ("CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI, HƯỚNG DẪN", True),
    ("Click vào phần bôi vàng để xem chi tiết.", True),
    ("Đang tải văn bản...", True),
    ("X", True),
    ("Xem chi tiết tại Công văn 10988/BNV-CQĐP ban hành ngày 21/11/2025.", True),
    # the document's own lines
    ("BỘ TÀI CHÍNH", False),
    ("**CỤC THUẾ**", False),
    ("Độc lập - Tự do - Hạnh phúc", False),
    ("-------", False),  # the rule under the issuer
]


@pytest.mark.parametrize("text, is_furniture", LEADING_LINES, ids=[t[:40] for t, _ in LEADING_LINES])
def test_leading_furniture_line(text, is_furniture):
    furniture, meta = find_furniture(_page([text, "Số: 5348/CT-CS"]))
    assert furniture == ({0} if is_furniture else set())
    assert meta is None


def test_metadata_value_on_the_label_line_and_split_label():
    """Labels as legal-db pages print them: value in the cell after (`**Số hiệu:**` / `|` / `5348/CT-CS`),
    a label broken after its emphasis mark (`**` / `Ngày hiệu lực:**`, a field not kept)."""
    lines = _page(["Đang tải văn bản...", "#", "**Số hiệu:**", "|", "5348/CT-CS", "|", "|", "**Người ký:**", "|",
                   "Phạm Thị Minh Hiền", "|", "**", "Ngày hiệu lực:**", "|", "Đã biết", "|", "|", "BỘ TÀI CHÍNH",
                   "**CỤC THUẾ**", "Số: 5348/CT-CS"])
    furniture, meta = find_furniture(lines)
    assert meta.fields == {"site_number": "5348/CT-CS", "site_signer": "Phạm Thị Minh Hiền"}
    assert furniture == set(range(16))  # up to the cell mark that closes `Đã biết`, the last metadata value


# The last lines of a page: the site's title line for the document and its end marker, or the document's own.
TRAILING = [
    # legal-db/005d8820eb95c1cb: the signer's name, the cell mark, the site's title line, its end marker
    (["Số: 5348/CT-CS", "Phạm Thị Minh Hiền", "|",
      "Công văn 5348/CT-CS năm 2025 hướng dẫn góp vốn điều lệ do Cục Thuế ban hành",
      "Văn bản này chưa cập nhật nội dung Tiếng Anh"], {3, 4}),
    # legal-db/005d8820eb95c1cb, the related documents' list (here with no title line before it)
    (["Số: 5348/CT-CS", "Phạm Thị Minh Hiền", "|", "## Văn bản liên quan", "Ban hành:", "11/11/2025"], {3, 4, 5}),
    # legal-db/355bcc582867074b: a body sentence that names its own type (`Nghị định này …`) is no site title
    (["Số: 173/2025/NĐ-CP |", "Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025.",
      "Văn bản này chưa cập nhật nội dung Tiếng Anh"], {2}),
    # legal-db/1180a89cc49ca3fe: the end of a document with no site matter after it
    (["Số: 304/2025/NĐ-CP", "**PHÓ THỦ TƯỚNG**", "**Hồ Đức Phớc**", "|"], set()),
]


@pytest.mark.parametrize("texts, expected", TRAILING,
                         ids=["site title", "related documents", "body sentence", "no site matter"])
def test_trailing_furniture(texts, expected):
    furniture, _meta = find_furniture(_page(texts))
    assert furniture == expected


# =====================================================================================================
# columns.py: lines as pdfplumber's line finder gives them, each word at its box in the real PDF (its
# characters spread evenly over the box, with no space characters: the finder returns none).
# =====================================================================================================


def _tl(*runs) -> TextLine:
    """A line from runs (font size, top, bottom, [(word, x0, x1), …]) in x order."""
    chars = []
    for size, top, bottom, words in runs:
        for word, x0, x1 in words:
            w = (x1 - x0) / len(word)
            chars += [{"text": ch, "x0": x0 + k * w, "x1": x0 + (k + 1) * w, "top": top, "bottom": bottom,
                       "doctop": top, "size": size, "upright": True, "height": bottom - top, "width": w,
                       "fontname": "Times"} for k, ch in enumerate(word)]
    words = [w for run in runs for w in run[3]]
    return TextLine(" ".join(w[0] for w in words), words[0][1], min(r[1] for r in runs), words[-1][2],
                    max(r[2] for r in runs), tuple(chars))


# mang-yang-2021-cchc.pdf, page 1: issuer left, national title right, number left, place and date right;
# then the type title and the subject, across the page.
MY_HEADER = [
    _tl((13.0, 55.9, 68.9, [("ỦY", 112.2, 131.0), ("BAN", 134.2, 161.6), ("NHÂN", 164.8, 202.4),
                            ("DÂN", 205.6, 233.7), ("CỘNG", 271.3, 310.3), ("HÒA", 313.5, 343.1), ("XÃ", 346.3, 365.1),
                            ("HỘI", 368.3, 393.6), ("CHỦ", 396.8, 425.7), ("NGHĨA", 429.0, 473.0),
                            ("VIỆT", 476.2, 508.0), ("NAM", 511.2, 542.2)])),
    _tl((13.0, 70.8, 83.8, [("HUYỆN", 106.6, 153.5), ("MANG", 156.8, 197.8), ("YANG", 201.1, 239.4),
                            ("Độc", 325.2, 346.8), ("lập", 350.1, 367.4), ("–", 370.7, 377.2),
                            ("Tự", 380.4, 396.8), ("do", 400.1, 413.8), ("–", 417.0, 423.5), ("Hạnh", 426.8, 457.9),
                            ("phúc", 461.1, 488.6)])),
    _tl((13.0, 94.1, 107.1, [("Số:", 113.1, 130.4), ("/QĐ-UBND", 169.3, 232.8), ("Mang", 294.3, 324.6),
                             ("Yang,", 327.9, 357.8), ("ngày", 361.1, 386.3), ("tháng", 418.8, 448.4),
                             ("12", 451.6, 464.6), ("năm", 467.9, 490.3), ("2020", 493.5, 519.5)])),
    _tl((13.0, 127.1, 140.1, [("QUYẾT", 277.3, 323.4), ("ĐỊNH", 326.8, 360.6)])),
    _tl((13.0, 142.0, 155.0, [("Ban", 114.8, 137.2), ("hành", 140.4, 168.6), ("Kế", 171.9, 187.7),
                              ("hoạch", 191.0, 224.2), ("cải", 227.4, 243.3), ("cách", 246.5, 271.8),
                              ("hành", 275.0, 303.2), ("chính", 306.5, 337.5), ("năm", 340.8, 365.3),
                              ("2021", 368.5, 394.5), ("của", 397.8, 417.3), ("huyện", 420.5, 454.5),
                              ("Mang", 457.7, 490.2), ("Yang", 493.5, 523.1)])),
]
# mang-yang-2021-cchc.pdf, page 1: two lines of the decision's justified preamble.
MY_PROSE = [
    _tl((13.0, 198.3, 211.3, [("Căn", 113.5, 134.4), ("cứ", 139.2, 151.9), ("Luật", 156.6, 180.4), ("Tổ", 185.2, 199.6),
                              ("chức", 204.4, 229.4), ("Chính", 234.1, 265.9), ("quyền", 270.7, 302.4),
                              ("địa", 307.2, 323.0), ("phương", 327.8, 367.6), ("năm", 372.4, 394.7),
                              ("2015;", 399.5, 429.1), ("Luật", 433.9, 457.6), ("sửa", 462.3, 480.2),
                              ("đổi,", 485.0, 504.8), ("bổ", 509.6, 522.6), ("sung", 527.3, 551.8)])),
    _tl((13.0, 215.4, 228.4, [("một", 85.2, 105.4), ("số", 109.1, 120.7), ("điều", 124.3, 146.6), ("của", 150.3, 168.3),
                              ("Luật", 172.0, 195.8), ("Tổ", 199.5, 213.9), ("chức", 217.6, 242.6),
                              ("Chính", 246.3, 278.1), ("phủ", 281.8, 301.3), ("và", 304.9, 317.2),
                              ("Luật", 320.9, 344.7), ("Tổ", 348.4, 362.8), ("chức", 366.4, 391.5),
                              ("Chính", 395.2, 427.0), ("quyền", 430.6, 462.3), ("địa", 466.0, 482.0),
                              ("phương", 485.6, 525.5), ("năm", 529.1, 551.5)])),
]
# mang-yang-2021-cchc.pdf, page 17 (landscape appendix): row 7 of the table, whose cells leave two gutters.
MY_TABLE_ROW = [
    _tl((13.0, 161.1, 174.1, [("7.", 133.1, 142.8), ("Thực", 149.3, 176.5), ("hiện", 183.0, 205.4),
                              ("có", 211.9, 224.1), ("hiệu", 230.5, 252.9), ("quả", 259.4, 278.2),
                              ("việc", 284.7, 306.2), ("1.", 317.3, 327.1),
                              ("Tỷ", 333.9, 348.3), ("lệ", 355.1, 364.5), ("TTHC", 371.3, 405.2), ("đã", 412.1, 424.3),
                              ("triển", 431.1, 454.9), ("Phòng", 478.8, 512.0), ("Văn", 515.3, 536.9),
                              ("hóa", 540.2, 558.9), ("–", 562.1, 568.6), ("Các", 594.5, 614.6), ("cơ", 617.9, 630.5),
                              ("quan,", 633.7, 662.3), ("đơn", 665.5, 685.4), ("Trong", 703.0, 734.7),
                              ("năm", 738.0, 760.4), ("2021", 763.6, 789.6)])),
    _tl((13.0, 178.3, 191.3, [("tiếp", 133.1, 152.6), ("nhận", 158.7, 184.0), ("hồ", 190.0, 203.0),
                              ("sơ", 209.2, 221.1),
                              ("và", 227.3, 239.6), ("trả", 245.7, 259.3), ("kết", 265.5, 281.4), ("quả", 287.5, 306.3),
                              ("khai", 317.3, 339.6), ("có", 346.5, 358.8), ("phát", 365.5, 387.9),
                              ("sinh", 394.7, 416.4), ("hồ", 423.2, 436.2), ("sơ", 443.0, 455.0),
                              ("Thông", 498.3, 532.2), ("tin", 535.5, 549.2), ("vị,", 593.1, 606.5),
                              ("UBND", 609.7, 646.4), ("cấp", 649.7, 667.7), ("xã;", 671.0, 686.8)])),
    _tl((13.0, 195.4, 208.4, [("giải", 133.1, 152.6), ("quyết", 160.0, 188.8), ("TTHC", 196.1, 230.1),
                              ("qua", 237.5, 256.2), ("dịch", 263.6, 285.9), ("vụ", 293.3, 306.3),
                              ("tiếp", 317.3, 336.8), ("nhận", 340.8, 366.1), ("hoặc", 370.0, 394.6),
                              ("trả", 398.6, 412.3), ("kết", 416.4, 432.2), ("quả", 436.2, 455.0),
                              ("Bưu", 598.6, 620.8), ("điện", 624.1, 646.4), ("huyện", 649.7, 681.3)])),
]
# tuan-giao-hdnd-2020.pdf, page 1: the closing block, `Nơi nhận:` and its list left (12 and 11.04 pt), the
# authority, title and name right (12.96 pt); the name stands four blank lines below.
TG_CLOSING = [
    _tl((12.0, 578.9, 590.9, [("Nơi", 81.5, 99.95), ("nhận:", 102.95, 133.1)]),
        (12.96, 579.23, 592.19, [("TM.", 325.51, 349.63), ("HỘI", 352.87, 378.08), ("ĐỒNG", 381.42, 420.4),
                                 ("NHÂN", 423.64, 461.9), ("DÂN", 465.14, 493.21)])),
    _tl((11.04, 592.49, 603.53, [("-", 81.5, 85.18), ("Như", 87.86, 107.28), ("trên;", 110.06, 130.29)]),
        (12.96, 594.11, 607.07, [("KT.", 364.15, 386.11), ("CHỦ", 389.35, 418.15), ("TỊCH", 421.49, 454.62)])),
    _tl((11.04, 605.09, 616.13, [("-", 81.5, 85.18), ("Lưu", 87.74, 105.99), ("VT.", 108.75, 126.36)])),
    _tl((12.96, 609.11, 622.07, [("PHÓ", 361.03, 389.12), ("CHỦ", 392.35, 421.25), ("TỊCH", 424.49, 457.72)])),
    _tl((12.96, 713.78, 726.74, [("Trần", 361.39, 389.47), ("Bình", 392.71, 419.46), ("Trọng", 422.7, 457.37)])),
]

BLOCK_CASES = [
    # the header: three two-sided lines; `QUYẾT ĐỊNH`, centred on the page, leaves the right column's centre
    ("mang-yang header", MY_HEADER, (), [(0, 2, 255.35)]),
    # the closing block: two two-sided lines, then one line each side; the name is past the block's leading
    ("tuan-giao closing block", TG_CLOSING, (), [(0, 3, 229.31)]),
    ("prose has no strip", MY_PROSE, (), []),
    ("one two-sided line is no block", MY_HEADER[:1], (), []),
    ("a table row has two gutters", MY_TABLE_ROW, (), []),
    ("a table's box blocks the header", MY_HEADER, [(100.0, 50.0, 545.0, 110.0)], []),
]


@pytest.mark.parametrize("case, lines, blocked, expected", BLOCK_CASES, ids=[c[0] for c in BLOCK_CASES])
def test_find_blocks(case, lines, blocked, expected):
    assert [(a, b, round(x, 2)) for a, b, x in find_blocks(lines, blocked)] == expected


ALL = slice(None)
# (case, lines, blocked tables, which of the output lines, their texts)
SPLIT_CASES = [
    # mang-yang-2021-cchc.pdf page 1, as tests/parsers/read/test_two_columns.py reads the whole page
    ("mang-yang header", MY_HEADER, (), ALL,
     ["ỦY BAN NHÂN DÂN", "HUYỆN MANG YANG", "Số: /QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập – Tự do – Hạnh phúc", "Mang Yang, ngày tháng 12 năm 2020", "QUYẾT ĐỊNH",
      "Ban hành Kế hoạch cải cách hành chính năm 2021 của huyện Mang Yang"]),
    ("prose left whole", MY_PROSE, (), ALL, [tl.text for tl in MY_PROSE]),
    ("table row left whole", MY_TABLE_ROW, (), ALL, [tl.text for tl in MY_TABLE_ROW]),
    ("blocked header left whole", MY_HEADER, [(100.0, 50.0, 545.0, 110.0)], ALL, [tl.text for tl in MY_HEADER]),
    # tuan-giao-hdnd-2020.pdf: the closing block's right column, then the name below it
    ("tuan-giao closing, right column", TG_CLOSING, (), slice(3, None),
     ["TM. HỘI ĐỒNG NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Bình Trọng"]),
    pytest.param(
        "tuan-giao closing, left column", TG_CLOSING, (), slice(0, 3), ["Nơi nhận:", "- Như trên;", "- Lưu VT."],
        id="tuan-giao closing, left column"),
]


@pytest.mark.parametrize("case, lines, blocked, part, expected", SPLIT_CASES,
                         ids=[c.id if hasattr(c, "id") else c[0] for c in SPLIT_CASES])
def test_split_columns(case, lines, blocked, part, expected):
    assert [tl.text for tl in split_columns(lines, blocked)][part] == expected


def test_split_columns_gives_each_column_its_own_boxes():
    left, right = split_columns(MY_HEADER)[:3], split_columns(MY_HEADER)[3:6]
    assert max(tl.x1 for tl in left) < 255.35 < min(tl.x0 for tl in right)
    assert [round(tl.top, 1) for tl in left] == [55.9, 70.8, 94.1] == [round(tl.top, 1) for tl in right]


@pytest.mark.parametrize("line, expected", [
    # mang-yang-2021-cchc.pdf page 1: the blank number, the gutter, the blank day
    (MY_HEADER[2], [(130.4, 169.3), (232.8, 294.3), (386.3, 418.8)]),
    (MY_HEADER[0], [(233.7, 271.3)]),
    (MY_PROSE[0], []),
], ids=["number and date line", "issuer and title line", "prose line"])
def test_gaps(line, expected):
    assert [(round(a, 1), round(b, 1)) for a, b in gaps(line, 1.8)] == expected


# =====================================================================================================
# agencies.py: the spellings of one agency, its canonical name and its id.
# =====================================================================================================

# (spelling as printed, canonical name)
CANONICAL = [
    # mang-yang-2021-cchc.txt: the office of the district council and committee, four ways
    ("Văn phòng HĐND – UBND huyện", "Văn phòng HĐND – UBND huyện"),
    ("Văn phòng HĐND - UBND huyện", "Văn phòng HĐND – UBND huyện"),
    ("Văn phòng HDNĐ - UBND huyện", "Văn phòng HĐND – UBND huyện"),  # the typo HDNĐ
    ("Văn phòng HDND - UBND huyện", "Văn phòng HĐND – UBND huyện"),  # `Chánh Văn phòng HDND - UBND huyện`
    ("Phòng Kinh tế - Hạ tầng", "Phòng Kinh tế – Hạ tầng"),
    # dong-thap-552-2025-doi-moi-cong-nghe.txt: the old tone-mark placement
    ("Sở Văn hoá Thể thao du lịch", "Sở Văn hóa Thể thao du lịch"),
    # spelled out, in either case and orthography: the abbreviations UBND and HĐND
    ("Uỷ ban nhân dân các xã, phường", "UBND các xã, phường"),  # legal-db/dc1e1584661e6162
    ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "UBND TỈNH ĐỒNG THÁP"),  # dong-thap-617's issuer
    ("UỶ BAN NHÂN DÂN TỈNH LÀO CAI", "UBND TỈNH LÀO CAI"),  # legal-db/856f6487c18d75d0
    ("Hội đồng nhân dân thành phố Hà Nội", "HĐND thành phố Hà Nội"),  # legal-db/03741adae8c7c410
    # mang-yang-2021-cchc.txt: a cell's closing full stop (`… vị, UBND cấp xã. `) and a line's trailing space
    ("UBND cấp xã. ", "UBND cấp xã"),
    ("Phòng Tư pháp ", "Phòng Tư pháp"),
]


@pytest.mark.parametrize("spelling, name", CANONICAL, ids=[c[0] for c in CANONICAL])
def test_canonical_name(spelling, name):
    assert canonical_name(spelling) == name
    assert agency_id(spelling) == agency_id(name)


# Spellings that are one agency (one id), or two.
SAME_AGENCY = [
    (["Văn phòng HDNĐ - UBND huyện", "Văn phòng HĐND – UBND huyện"], True),  # mang-yang-2021-cchc.txt
    (["các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị liên quan"], True),  # dong-thap-617, mang-yang
    (["Phòng Nội vụ", "Phòng Tư pháp"], False),  # mang-yang-2021-cchc.txt
    (["UBND cấp xã", "UBND tỉnh"], False),  # mang-yang-2021-cchc.txt
    # dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt names one department both ways (`Sở KH&CN` in its
    # appendix, `Sở Khoa học và Công nghệ` in its body)
    (["Sở KH&CN", "Sở Khoa học và Công nghệ"], True),
]


@pytest.mark.parametrize("spellings, same", SAME_AGENCY,
                         ids=[" | ".join(s.values[0] if hasattr(s, "values") else s[0]) for s in SAME_AGENCY])
def test_one_agency_or_two(spellings, same):
    assert (len({agency_id(s) for s in spellings}) == 1) is same


def test_agency_id_is_stable():
    """The id the known plan's office has in its `agencies` table: derived from the name, the same on every run."""
    assert agency_id("Văn phòng HĐND – UBND huyện") == "ag-0776cac5ca09"


def test_agency_rows_of_the_known_plan():
    """mang-yang-2021-cchc.txt: the office under three spellings, and empty cells skipped."""
    rows = agency_rows(["Văn phòng HDNĐ - UBND huyện", "Phòng Nội vụ", None, "Văn phòng HĐND - UBND huyện", "",
                        "Văn phòng HĐND – UBND huyện", "Phòng Nội vụ"])
    assert [(r["agency_id"], r["name"], r["aliases"]) for r in rows] == [
        ("ag-0776cac5ca09", "Văn phòng HĐND – UBND huyện",
         ["Văn phòng HDNĐ - UBND huyện", "Văn phòng HĐND - UBND huyện", "Văn phòng HĐND – UBND huyện"]),
        (agency_id("Phòng Nội vụ"), "Phòng Nội vụ", ["Phòng Nội vụ"]),
    ]


def test_merge_agency_rows_of_two_plans():
    """dong-thap-617 and mang-yang name the cooperating bodies in two cases: one agency of the batch."""
    merged = merge_agency_rows(agency_rows(["các cơ quan, đơn vị liên quan", "Sở KH&CN"])
                               + agency_rows(["Các cơ quan, đơn vị liên quan", "Phòng Nội vụ"]))
    assert sorted((r["name"], r["aliases"]) for r in merged) == [
        ("Phòng Nội vụ", ["Phòng Nội vụ"]),
        ("Sở KH&CN", ["Sở KH&CN"]),
        ("các cơ quan, đơn vị liên quan", ["Các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị liên quan"]),
    ]


# An agency cell split into agencies (appendix.split_agencies, whose pieces agencies.py names).
SPLITS = [
    # mang-yang-2021-cchc.txt: a lead cell whose comma is both inside a name and between two
    ("Các cơ quan, đơn vị, UBND cấp xã", ["Các cơ quan, đơn vị", "UBND cấp xã"]),
    ("Phòng Nội vụ; Phòng Giáo dục – Đào tạo", ["Phòng Nội vụ", "Phòng Giáo dục – Đào tạo"]),
    # mang-yang-2021-cchc.txt: a cooperating cell over six lines
    ("Văn phòng\nHĐND - UBND\nhuyện; Các cơ\nquan, đơn vị có\nliên quan; UBND\ncác xã, thị trấn",
     ["Văn phòng HĐND – UBND huyện", "Các cơ quan, đơn vị có liên quan", "UBND các xã, thị trấn"]),
    # ha-noi-310-2025-5g-iot.txt: two departments with no separator between them
    pytest.param("Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã",
                 ["Sở Khoa học và Công nghệ", "Sở Công Thương", "UBND các phường, xã"],
                 id="Sở Khoa học và Công nghệ Sở Công Thương"),
]


@pytest.mark.parametrize("cell, names", SPLITS, ids=[s.id if hasattr(s, "id") else s[0][:40] for s in SPLITS])
def test_agencies_of_a_cell(cell, names):
    assert [canonical_name(n) for n in split_agencies(cell)] == names



# The Lào Cai department of industry's slip (real-pdf/laocai-sct-phieutrinh-2026.pdf, as OCR reads its first and
# third pages): no number and no day in its header; its day stands above the three who sign it.
SLIP = """SỞ CÔNG THƯƠNG
PHÒNG QLCN
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC
Kính gửi: Lãnh đạo Sở Công Thương
Nội dung trình: Kết quả thẩm định Phương án nổ mìn lộ thiên khai thác mỏ đá làm vật liệu xây dựng thông thường.
Họ và tên chuyên viên trình: Vũ Việt Linh
Kính trình Lãnh đạo Sở chấp thuận, báo cáo UBND tỉnh Lào Cai xem xét, phê duyệt Phương án nổ mìn.

Ngày 16 tháng 3 năm 2026

Ý KIẾN CỦA LÃNH ĐẠO PHÒNG
Đỗ Mạnh Cường
"""


def test_a_slip_is_dated_above_its_signatures(tmp_path):
    from pipeline.run import parse_document

    path = tmp_path / "slip.txt"
    path.write_text(SLIP, encoding="utf-8")
    doc = parse_document(path)["documents"][0]
    assert doc["doc_type"] == "Phiếu trình"
    assert (doc["issued_year"], doc["issued_month"], doc["issued_day"]) == (2026, 3, 16)
    assert doc["doc_number"] is None


def test_a_day_in_the_body_does_not_date_a_document(tmp_path):
    """Only a line that is a day alone dates a paper whose header has none: `Trước ngày 31 tháng 12 năm 2026`
    in a sentence does not."""
    from pipeline.run import parse_document

    path = tmp_path / "slip.txt"
    path.write_text(SLIP.replace("Ngày 16 tháng 3 năm 2026", "Đề nghị hoàn thành trước ngày 31 tháng 12 năm 2026."),
                    encoding="utf-8")
    doc = parse_document(path)["documents"][0]
    assert (doc["issued_year"], doc["issued_month"], doc["issued_day"]) == (None, None, None)
