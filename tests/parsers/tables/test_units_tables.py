"""Unit tests, table by table, for the modules that read tables: input → what a careful reader reads off it.

Each case comes from a real document: the header cells of real appendix tables and lists
(tests/fixtures/legal-db/*.txt, the four 2025 web plans), the `|` runs of real legal-database
pages, the known plan's PDF as poppler's `pdftotext -layout` lays it out, and word positions
laid out as a real appendix table sets them. A case whose expected value the module does not
give yet is marked `xfail(strict=True)` with what it gets wrong: the expected value stays the
right one.

- parsers/tables/roles.py: what a column holds, from its header's words (role_of, header_role,
  kind_of, opens_list, header_row_count, fold);
- parsers/tables/web.py: `|` runs of a page (runs, split_run, to_table);
- parsers/read/layout_text/: `pdftotext -layout` pages (is_layout, read_pages);
- parsers/tables/unruled.py: tables with no vertical rules, from the characters' positions
  (find_tables, unruled_tables).
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from functools import cache
from pathlib import Path

import pytest

from parsers.model.records import Box, Line, Page
from parsers.read.columns import TextLine
from parsers.read.layout_text.pages import is_layout, read_pages
from parsers.structure.clean import normalise
from parsers.tables import roles, unruled, web
from tests.support.documents import KNOWN_PDF, KNOWN_TXT

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LEGAL_DB = FIXTURES / "legal-db"


def bug(reason: str):
    """A case the module gets wrong today: its expected value is the right one."""
    return pytest.mark.xfail(strict=True, reason=reason)


# =============================================================== roles: a column's role from its header

# (header cell as the page prints it, its role). Lines of a wrapped header cell are joined by "\n", as a
# web cell holds them.
ROLE_OF = [
    # mang-yang-2021-cchc (the known plan): its appendix header
    ("STT", "row_no"),
    ("Nội dung", "task"),
    ("Sản phẩm", "products"),
    ("Cơ quan chủ trì", "lead"),
    ("Cơ quan phối hợp", "partners"),
    ("Thời gian hoàn thành", "deadline"),
    # ha-noi-310-2025-5g-iot: `TT | Nội dung/nhiệm vụ | … | Thời gian thực hiện`
    ("TT", "row_no"),
    ("Nội dung/nhiệm vụ", "task"),
    ("Thời gian thực hiện", "deadline"),
    # dong-thap-552-2025-doi-moi-cong-nghe: its header in capitals
    ("NHIỆM VỤ VÀ GIẢI PHÁP", "task"),
    ("CHỦ TRÌ", "lead"),
    ("PHỐI HỢP", "partners"),
    ("THỜI GIAN", "deadline"),
    # bac-ninh-144-2025-kinh-te-so: `TT | Chỉ tiêu | Chủ trì`
    ("Chỉ tiêu", "target"),
    ("Chủ trì", "lead"),
    # legal-db/ec00bd6f58be7864: `STT | Tên nhiệm vụ/dự án | … | Kết quả dự kiến | Thời gian triển khai`
    ("Tên nhiệm vụ/dự án", "task"),
    ("Kết quả dự kiến", "products"),
    # legal-db/74e2ddc7b11340da, Phụ lục I: `STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì thực hiện |
    # Thời hạn hoàn thành`, three cells wrapped; Phụ lục II: `… | Đơn vị chủ trì | Thời hạn | …`
    ("Nhiệm vụ", "task"),
    ("Văn bản giao\nnhiệm vụ", "legal_basis"),
    ("Cơ quan chủ trì\nthực hiện", "lead"),
    ("Thời hạn hoàn\nthành", "deadline"),
    ("Đơn vị chủ trì", "lead"),
    # legal-db/1796a553dfee88ef: `TT | Mã TTHC | Tên thủ tục hành chính | Lĩnh vực | Căn cứ pháp lý | Cơ quan thực hiện`
    ("Mã TTHC", "procedure_code"),
    ("Tên thủ tục hành chính", "procedure_name"),
    ("Lĩnh vực", "group"),
    ("Căn cứ pháp lý", "legal_basis"),
    ("Cơ quan thực hiện", "lead"),
    # legal-db/24ac05c2c7c4518e, 266dbea1c7803ae9, 5fc0868aeac2f15a, 9aeb199f5e0aa225: lists of procedures
    ("Mã số TTHC", "procedure_code"),
    ("Tên TTHC", "procedure_name"),
    ("Mã hồ sơ", "procedure_code"),
    ("Tên VBQPPL quy định", "legal_basis"),
    # legal-db/71153021e3559f5e, Phụ lục I.II: the documents that repeal each procedure, abbreviated
    ("Tên VBQPPL quy định việc bãi bỏ TTHC", "legal_basis"),
    # legal-db/036bd85f1f56f768: `**Thời hạn giải` / `quyết**`; legal-db/5298da2adb9eb4fe: `Đơn vị thực hiện`
    ("Thời hạn giải\nquyết", "deadline"),
    ("Đơn vị thực hiện", "lead"),
    # legal-db/046d4a5b8d446144 (the budget and staff tables of a science task): `Số TT`, `Kinh phí`, `Nguồn vốn`,
    # `Ghi chú`; legal-db/54c3026bc7bb5cb7: `Số thứ tự`; legal-db/c49a5afadf61b342: `Stt`
    ("Số TT", "row_no"),
    ("Số thứ tự", "row_no"),
    ("Stt", "row_no"),
    ("Kinh phí", "funding"),
    ("Nguồn vốn", "funding"),
    ("Ghi chú", "notes"),
    # legal-db/8a68cd97082b71f2: `Phí, lệ phí`; legal-db/a6fb1f372de14a1e: `Đơn vị tính`
    ("Phí, lệ phí", "fee"),
    ("Đơn vị tính", "unit"),
    # Columns no role names: their own words stand. legal-db/a6fb1f372de14a1e (`Định mức`), legal-db/266dbea1c7803ae9
    # (`Họ và tên`, `Chức vụ`), legal-db/54c3026bc7bb5cb7 (`Số lượng`, `Niên đại`)
    ("Định mức", None),
    ("Số lượng", None),
    ("Họ và tên", None),
    ("Chức vụ", None),
    ("Niên đại", None),
    # legal-db/046d4a5b8d446144, Phụ lục I.II: the column holds the repealing laws (`Luật Khoa học, công nghệ và
    # đổi mới sáng tạo …`), spelled out; the same column abbreviated (above) reads as legal_basis
    ("Tên VBQPPL quy định việc bãi bỏ thủ tục hành chính", "legal_basis"),
    # legal-db/da8411114c03e36b: the column holds decrees (`Nghị định số 140/2025/NĐ-CP …`)
    ("Tên VB quy định nội dung sửa đổi, bổ sung, thay thế", "legal_basis"),
    # legal-db/54c3026bc7bb5cb7, Mẫu số 05: a club's members and the heritage each practises; no fee column
    ("Kỹ năng\nthực hành di sản văn hóa phi vật thể", None),
]


@pytest.mark.parametrize(("header", "role"), ROLE_OF)
def test_role_of(header, role):
    assert roles.role_of(header) == role


# Accents and case are ignored: a header typed without accents or in other case names the same role.
# (header as printed, the same typed otherwise)
FOLDED = [
    ("Thời gian hoàn thành", "Thoi gian hoan thanh"),  # mang-yang-2021-cchc
    ("THỜI GIAN", "thời gian"),  # dong-thap-552-2025-doi-moi-cong-nghe
    ("Cơ quan phối hợp", "CO QUAN PHOI HOP"),  # dong-thap-617-2025-chuyen-doi-so-doanh-nghiep
    ("Đơn vị tính", "don vi tinh"),  # legal-db/a6fb1f372de14a1e
    ("Tên thủ tục hành chính", "TÊN THỦ TỤC HÀNH CHÍNH"),  # legal-db/1796a553dfee88ef
]


@pytest.mark.parametrize(("printed", "typed"), FOLDED)
def test_role_of_ignores_accents_and_case(printed, typed):
    assert roles.role_of(typed) == roles.role_of(printed) is not None


# fold: (text, folded)
FOLD = [
    ("Thời gian  hoàn\nthành", "thoi gian hoan thanh"),  # mang-yang-2021-cchc, a header cell wrapped
    ("Đơn vị tính", "don vi tinh"),  # legal-db/a6fb1f372de14a1e: `đ` has no combining mark to drop
    ("PHỐI HỢP", "phoi hop"),  # dong-thap-552-2025-doi-moi-cong-nghe
]


@pytest.mark.parametrize(("text", "folded"), FOLD)
def test_fold(text, folded):
    assert roles.fold(text) == folded


# header_role: a cell of more than HEADER_MAX_WORDS words is a row's text, whatever phrase it holds.
# (cell, role_of, header_role)
HEADER_ROLE = [
    # bac-ninh-144-2025-kinh-te-so: a target (16 words) under `Chỉ tiêu`, holding `kinh phí`
    ("Tỷ trọng kinh phí từ xã hội trên kinh phí chi cho nghiên cứu phát triển (R&D) đạt trên 60%.",
     "funding", None),
    # bac-ninh-144-2025-kinh-te-so: a lead cell (13 words) holding `chỉ tiêu`
    ("Sở Khoa học và Công nghệ thúc đẩy, theo dõi, báo cáo chỉ tiêu", "target", None),
    # legal-db/1796a553dfee88ef: a header cell
    ("Cơ quan thực hiện", "lead", "lead"),
]


@pytest.mark.parametrize(("cell", "role", "as_header"), HEADER_ROLE)
def test_header_role(cell, role, as_header):
    assert (roles.role_of(cell), roles.header_role(cell)) == (role, as_header)


# kind_of: (the table's header row, its kind)
KIND_OF = [
    # mang-yang-2021-cchc: tasks handed to agencies
    (["STT", "Nội dung", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"], "tasks"),
    # bac-ninh-144-2025-kinh-te-so: targets handed to agencies are tasks too
    (["TT", "Chỉ tiêu", "Chủ trì"], "tasks"),
    # legal-db/1796a553dfee88ef: a list of procedures (its `Cơ quan thực hiện` makes it no task table)
    (["TT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Căn cứ pháp lý", "Cơ quan thực hiện"], "procedures"),
    # legal-db/046d4a5b8d446144: a list of procedures named without their codes
    (["STT", "Tên thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"], "procedures"),
    # legal-db/c257b50e82ec95ef: targets, no agency
    (["Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"], "targets"),
    # legal-db/a6fb1f372de14a1e: norms of spending (task words, no agency, no deadline)
    (["STT", "Nội dung", "Đơn vị tính", "Định mức"], "other"),
    # legal-db/266dbea1c7803ae9: a list of people and their signatures
    (["TT", "Họ và tên", "Chức vụ", "Mẫu chữ ký", "Mẫu dấu"], "other"),
]


@pytest.mark.parametrize(("header", "kind"), KIND_OF)
def test_kind_of(header, kind):
    assert roles.kind_of([roles.role_of(h) for h in header]) == kind


# opens_list: (a row's cells, does it open a list)
OPENS_LIST = [
    # legal-db/54c3026bc7bb5cb7, Mẫu số 05: a list of members, its columns named by no role but the number's (and
    # `phi vật thể` read as a fee, see ROLE_OF)
    (["STT", "Họ và tên", "Địa chỉ", "Số Căn cước/ Căn cước công dân/Mã số định danh cá nhân", "Điện thoại liên hệ",
      "Danh hiệu (Nghệ nhân nhân dân/ Nghệ nhân ưu tú)", "Kỹ năng thực hành di sản văn hóa phi vật thể"], True),
    # legal-db/266dbea1c7803ae9: `TT` and people's names, titles, signatures
    (["TT", "Họ và tên", "Chức vụ", "Mẫu chữ ký", "Mẫu dấu"], True),
    # legal-db/71153021e3559f5e, Phụ lục I.II: `Số TT` opens the list of repealed procedures
    (["Số TT", "Mã TTHC", "Tên TTHC", "Tên VBQPPL quy định việc bãi bỏ TTHC"], True),
    # the same list's first row: its number is a value
    (["01", "2.002709", "Thủ tục xác định nhiệm vụ khoa học và công nghệ cấp tỉnh sử dụng ngân sách nhà nước"], False),
    # legal-db/54c3026bc7bb5cb7, Mẫu số 05: the form's first row, its number alone, its other cells blank
    (["1", "", "", "", "", "", ""], False),
    # dong-thap-617-2025-chuyen-doi-so-doanh-nghiep: a group's title, alone in its row
    (["I. NÂNG CAO NHẬN THỨC VÀ ĐỔI MỚI TƯ DUY"], False),
    # legal-db/c257b50e82ec95ef: a header that opens without the number column
    (["Chỉ tiêu", "Số lượng", "Tỷ lệ (%)"], False),
]


@pytest.mark.parametrize(("cells", "opens"), OPENS_LIST)
def test_opens_list(cells, opens):
    assert roles.opens_list(cells) is opens


# header_row_count: (the table's first rows, how many are header)
HEADER_ROWS = [
    # ha-noi-310-2025-5g-iot: one header row, then the first task's row
    ([["TT", "Nội dung/nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
      ["1", "Tổ chức điều chỉnh, bổ sung quy hoạch hạ tầng viễn thông trong các khu công nghệ cao và khu công "
            "nghiệp đến năm 2030", "Ban Quản lý các khu công nghệ cao và khu công nghiệp",
       "Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã", "Quý III Năm 2026"]], 1),
    # mang-yang-2021-cchc's header as tests/support/pdfgen.py typesets it two rows deep (two_row_header): `Cơ quan`
    # over `Chủ trì | Phối hợp`, the merged cells empty
    ([["STT", "Nội dung", "Sản phẩm", "Cơ quan", "", "Thời gian hoàn thành"],
      ["", "", "", "Chủ trì", "Phối hợp", ""]], 2),
    # legal-db/85ff77cbda28ffbb, Phụ lục I: `Đối tượng quan trắc` over the four kinds of farm; only `STT` names a
    # role: no header by the roles (web.py reads it as a list's, by its bold)
    ([["STT", "Địa điểm quan trắc", "Đối tượng quan trắc"],
      ["Nguồn nước cấp nuôi tôm (vị trí)", "Môi trường ao nuôi tôm đại diện (vị trí)", "Môi trường nuôi ngao (vị trí)",
       "Môi trường nuôi cá lồng nước ngọt (vị trí)"]], 0),
    # legal-db/266dbea1c7803ae9: a list of people, no role but the number's: no header by the roles
    ([["TT", "Họ và tên", "Chức vụ", "Mẫu chữ ký", "Mẫu dấu"]], 0),
]


@pytest.mark.parametrize(("rows", "count"), HEADER_ROWS)
def test_header_row_count(rows, count):
    assert roles.header_row_count(rows) == count


# =============================================================== web: tables between `|` lines


@cache
def _source(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def _page_lines(path: Path, first: int, last: int) -> tuple[list[Line], list[str]]:
    """The page's lines `first`..`last` (1-based, as an editor numbers them) as extraction gives them: blank
    lines dropped, each keeping its line number; and their text normalised as web text."""
    lines: list[Line] = []
    for number in range(first, last + 1):
        text = _source(path)[number - 1]
        if text.strip():
            lines.append(Line(page=1, line_no=len(lines) + 1, text=text.rstrip(), source_line=number))
    return lines, [normalise(line.text, "web") for line in lines]


def pieces_of(path: Path, first: int, last: int, in_appendix: bool = False) -> list[tuple[str, list[str]]]:
    lines, texts = _page_lines(path, first, last)
    return [(kind, [" ".join(c.text.split()) for c in items if c is not None])
            for run in web.runs(lines, texts) for kind, items in web.split_run(run, in_appendix=in_appendix)]


def _tables(path: Path, first: int, last: int, in_appendix: bool = False):
    lines, texts = _page_lines(path, first, last)
    return [web.to_table(items) for run in web.runs(lines, texts)
            for kind, items in web.split_run(run, in_appendix=in_appendix) if kind == "table"]


MONITORING = LEGAL_DB / "85ff77cbda28ffbb.txt"  # Kế hoạch 235/KH-UBND of Thanh Hóa: sampling of fish farms
LANG_SON = LEGAL_DB / "71153021e3559f5e.txt"  # Quyết định 2487/QĐ-UBND of Lạng Sơn: procedures, new and repealed
MILITARY = LEGAL_DB / "ad52bc0b105a20cd.txt"  # Quyết định 2929/QĐ-UBND: internal procedures, step by step
PROCEDURES = LEGAL_DB / "1796a553dfee88ef.txt"  # Quyết định 5042/QĐ-BNNMT: internal procedures amended, repealed
DONG_THAP_617 = FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"


def test_runs_cells_and_row_breaks():
    """85ff77cbda28ffbb, Phụ lục II: the run's cells in order, a None where a row ends (`|` twice)."""
    lines, texts = _page_lines(MONITORING, 640, 790)
    (run,) = web.runs(lines, texts)
    assert (lines[run.first].source_line, lines[run.last].source_line) == (647, 788)
    cells = [None if c is None else " ".join(c.text.split()) for c in run.items]
    assert cells[:9] == ["TT", "Đối tượng quan trắc", "Thông số quan trắc", "Tần suất quan trắc",
                         "Thời gian quan trắc", "Số lượng mẫu/lần", "Tổng số (mẫu)", None, "1"]
    # the rows as the page writes them: 7 cells each, 5 under the cells spanning two rows; the totals row's empty
    # cells are `|` lines alone, read as row breaks: `Tổng cộng`, then `732`
    widths, width = [], 0
    for item in run.items:
        if item is None:
            widths.append(width)
            width = 0
        else:
            width += 1
    assert widths + [width] == [7, 7, 5, 7, 7, 5, 7, 5, 1, 1]


def test_runs_end_at_a_blank_line_after_a_bar():
    """85ff77cbda28ffbb: the header block's run ends at the blank line after its last `|`; the signature's is
    another."""
    lines, texts = _page_lines(MONITORING, 1, 354)
    found = [(lines[r.first].source_line, lines[r.last].source_line, len(r.items)) for r in web.runs(lines, texts)]
    assert found == [(1, 17, 5), (333, 353, 2)]


# split_run: (page, first line, last line, in an appendix, the run's pieces: kind and flat cell texts)
SPLIT_RUN = [
    # 85ff77cbda28ffbb: the header block, every cell of it layout: the issuer, the national title, the number and
    # the place and date
    pytest.param(MONITORING, 1, 17, False, [
        ("layout", ["ỦY BAN NHÂN DÂN TỈNH THANH HÓA -------"]),
        ("layout", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------"]),
        ("layout", ["Số: 235/KH-UBND"]),
        ("layout", ["Thanh Hóa, ngày 18 tháng 11 năm 2025"]),
    ], id="header-block", marks=bug(
        "the issuer's cell, before the national title's, matches no LAYOUT_CELL and names no document type: it "
        "comes as a lone cell (`text`); read as text all the same, never a table")),
    # 85ff77cbda28ffbb: the closing block, `Nơi nhận:` beside the signer: layout up to the signer's name
    pytest.param(MONITORING, 333, 354, False, [
        ("layout", ["Nơi nhận: - Bộ Nông nghiệp và Môi trường (để b/c); - Thường trực: Tỉnh ủy, HĐND tỉnh (để b/c) "
                    "- Chủ tịch UBND tỉnh (để b/c); - Các Phó chủ tịch UBND tỉnh; - Cục Thủy sản và Kiểm ngư; - CVP, "
                    "các PCVP UBND tỉnh; - Các sở: Nông nghiệp và Môi trường, Tài chính; - Chi cục Biển đảo và Thủy "
                    "sản; - Chi cục Chăn nuôi và Thú y; - UBND các xã, phường; - Lưu: VT, NNMT."]),
        ("layout", ["TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Mai Xuân Liêm"]),
    ], id="closing-block"),
]


@pytest.mark.parametrize(("path", "first", "last", "in_appendix", "pieces"), SPLIT_RUN)
def test_split_run(path, first, last, in_appendix, pieces):
    assert pieces_of(path, first, last, in_appendix) == pieces


def test_split_run_header_block_is_no_table():
    """85ff77cbda28ffbb: the header block's run makes no table, and its national title is layout."""
    pieces = pieces_of(MONITORING, 1, 17)
    assert "table" not in [kind for kind, _ in pieces]
    assert ("layout", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------"]) in pieces


def test_split_run_a_list_header_opens_a_new_table():
    """71153021e3559f5e, Phụ lục I: the list of new procedures and, in the same run, the heading of the list of
    repealed ones (`II. DANH MỤC …`) and that list under its own header (`Số TT | Mã TTHC | …`, in bold)."""
    tables = _tables(LANG_SON, 150, 872, in_appendix=True)
    assert [(t.n_rows, t.n_cols, t.header_rows) for t in tables] == [(15, 6, 1), (1, 1, 0), (7, 5, 1)]
    assert tables[0].headers() == ["Số TT", "Tên TTHC", "Thời hạn giải quyết", "Địa điểm thực hiện",
                                   "Cách thức thực hiện", "Căn cứ pháp lý"]
    assert tables[1].cells[0].flat == "II. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ (06 TTHC CẤP TỈNH)"
    assert tables[2].headers() == ["Số TT", "Mã TTHC", "Tên TTHC",
                                   "Số thứ tự tại Quyết định công bố của Chủ tịch UBND tỉnh Lạng Sơn",
                                   "Tên VBQPPL quy định việc bãi bỏ TTHC"]
    assert [c.flat for c in tables[2].rows()[1]][:2] == ["01", "2.002709"]


# to_table: (page, first line, last line, (row, col) → (text, row_span, col_span, is_header)), one table each
TO_TABLE = [
    # 85ff77cbda28ffbb, Phụ lục II: the object sampled (`Nguồn nước cấp nuôi tôm nước lợ`) and its number span
    # two rows, the second row's five cells stand under their columns; the totals row's label spans six columns
    pytest.param(MONITORING, 640, 790, {
        (0, 0): ("TT", 1, 1, True),
        (0, 6): ("Tổng số (mẫu)", 1, 1, True),
        (1, 0): ("1", 2, 1, False),
        (1, 1): ("Nguồn nước cấp nuôi tôm nước lợ: 7 cửa sông -15 vị trí (01 mẫu/vị trí)", 2, 1, False),
        (1, 3): ("02 lần/tháng", 1, 1, False),
        (2, 2): ("- Thuốc Bảo vệ thực vật, - Kim loại nặng (Cd, Hg, As, Pb)", 1, 1, False),
        (2, 3): ("02 lần/năm", 1, 1, False),
        (2, 4): ("02 tháng (tháng 4 và tháng 8)", 1, 1, False),
        (2, 6): ("30", 1, 1, False),
        (8, 0): ("Tổng cộng", 1, 6, False),
        (8, 6): ("732", 1, 1, False),
    }, id="rows-under-spanning-cells-and-totals"),
    # dong-thap-617-2025-chuyen-doi-so-doanh-nghiep: the appendix, a group's title spanning the table
    pytest.param(DONG_THAP_617, 299, 418, {
        (0, 1): ("Tên nhiệm vụ", 1, 1, True),
        (1, 0): ("I. NÂNG CAO NHẬN THỨC VÀ ĐỔI MỚI TƯ DUY", 1, 5, False),
        (2, 0): ("1", 1, 1, False),
        (2, 2): ("Sở KH&CN", 1, 1, False),
        (2, 3): ("Các sở, ban, ngành tỉnh; UBND các xã, phường", 1, 1, False),
        (2, 4): ("Thường xuyên", 1, 1, False),
        (6, 4): ("Quí IV-2025", 1, 1, False),
    }, id="group-titles"),
    # 1796a553dfee88ef, list 2 (procedures repealed): sections by level (`A` | `THỦ TỤC HÀNH CHÍNH CẤP TRUNG ƯƠNG`) and
    # by field (`I` | `LĨNH VỰC TRỒNG TRỌT`), each a label and a title spanning the rest of the row
    pytest.param(PROCEDURES, 432, 494, {
        (0, 2): ("Tên thủ tục hành chính", 1, 1, True),
        (1, 0): ("A", 1, 1, False),
        (1, 1): ("THỦ TỤC HÀNH CHÍNH CẤP TRUNG ƯƠNG", 1, 5, False),
        (2, 0): ("I", 1, 1, False),
        (2, 1): ("LĨNH VỰC TRỒNG TRỌT", 1, 5, False),
        (3, 1): ("5.000109", 1, 1, False),
        (3, 5): ("Cấp có thẩm quyền", 1, 1, False),
        (5, 0): ("I.", 1, 1, False),
        (5, 1): ("LĨNH VỰC TRỒNG TRỌT", 1, 5, False),
        (6, 4): ("Nghị định số 226/2025/NĐ-CP", 1, 1, False),
    }, id="section-rows"),
    # ad52bc0b105a20cd: a procedure's steps, its total time, the next procedure's title and the header again
    pytest.param(MILITARY, 412, 560, {
        (1, 0): ("B1", 1, 1, False),
        (1, 4): ("1/4 ngày", 1, 1, False),
        (10, 0): ("Tổng thời gian thực hiện:", 1, 4, False),
        (10, 4): ("12 ngày", 1, 1, False),
        (12, 0): ("TT", 1, 1, True),
        (12, 4): ("Thời gian thực hiện", 1, 1, True),
    }, id="totals-and-header-repeated"),
    # ad52bc0b105a20cd: step B2 (`Phòng Văn hóa - Xã hội`) has two lines of work: the second row holds who does
    # it, what it makes and how long (`Chuyên viên được phân công | Dự thảo Quyết định … | 1/4 ngày`), under the
    # step's number and agency, which span both rows
    pytest.param(MILITARY, 412, 560, {
        (2, 0): ("B2", 2, 1, False),
        (2, 1): ("Phòng Văn hóa - Xã hội", 2, 1, False),
        (2, 2): ("Lãnh đạo Phòng phân công thụ lý", 1, 1, False),
        (3, 2): ("Chuyên viên được phân công", 1, 1, False),
        (3, 3): ("Dự thảo Quyết định thành lập Hội đồng chính sách", 1, 1, False),
    }, id="row-under-a-step"),
    # 71153021e3559f5e, Phụ lục I.II: one law repeals all six procedures: its cell, in the first row, spans the six
    pytest.param(LANG_SON, 150, 872, {
        (1, 4): ("Luật Khoa học, công nghệ và đổi mới sáng tạo năm 2025; Nghị định số 267/2025/NĐ-CP ngày "
                 "14/10/2025 của Chính phủ quy định chi tiết và hướng dẫn một số điều của Luật Khoa học, công "
                 "nghệ và đổi mới sáng tạo về chương trình, nhiệm vụ khoa học, công nghệ và đổi mới sáng tạo và "
                 "một số quy định về thúc đẩy hoạt động nghiên cứu khoa học, phát triển công nghệ và đổi mới sáng "
                 "tạo.", 6, 1, False),
        (2, 3): ("Số thứ tự 05 Mục I Phụ lục I kèm theo Quyết định số 1308/QĐ-UBND ngày 18/6/2025", 1, 1, False),
    }, id="one-law-for-six-rows"),
]


@pytest.mark.parametrize(("path", "first", "last", "cells"), TO_TABLE)
def test_to_table(path, first, last, cells):
    table = _tables(path, first, last, in_appendix=True)[-1]
    got = {}
    for (row, col) in cells:
        cell = next((c for c in table.cells if (c.row, c.col) == (row, col)), None)
        got[row, col] = None if cell is None else (cell.flat, cell.row_span, cell.col_span, cell.is_header)
    assert got == cells


def test_to_table_header_and_shape():
    """85ff77cbda28ffbb, Phụ lục II: one header row, 7 columns, 8 rows below it."""
    (table,) = _tables(MONITORING, 640, 790)
    assert (table.source, table.n_rows, table.n_cols, table.header_rows) == ("web", 9, 7, 1)
    assert table.headers() == ["TT", "Đối tượng quan trắc", "Thông số quan trắc", "Tần suất quan trắc",
                               "Thời gian quan trắc", "Số lượng mẫu/lần", "Tổng số (mẫu)"]
    assert roles.kind_of([roles.role_of(h) for h in table.headers()]) == "other"


# =============================================================== layout_text: `pdftotext -layout`

# mang-yang-2021-cchc.pdf, as `pdftotext -layout` gives its page 1's header block and its appendix's first page
# (page 9: the header, a cell over two lines, and the first task's row), pasted here.
HEADER_BLOCK = """\
    ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
   HUYỆN MANG YANG                       Độc lập – Tự do – Hạnh phúc
     Số:       /QĐ-UBND                Mang Yang, ngày        tháng 12 năm 2020

                                QUYẾT ĐỊNH
     Ban hành Kế hoạch cải cách hành chính năm 2021 của huyện Mang Yang
"""

APPENDIX_PAGE = "\n".join([
    " Nhiệm vụ                                                                                          "
    "  Cơ quan phối      Thời gian thực",
    "                     Nhiệm vụ cụ thể                    Sản phẩm               Cơ quan chủ trì",
    "  chung                                                                                            "
    "  hợp/thực hiện          hiện",
    "I. Cải cách   1. Triển khai quy định chi tiết   1. Quyết định hoặc Nghị         Phòng Tư pháp       "
    "   Văn phòng        Sau khi có văn",
    "thể chế       nội dung được giao tại Luật,      quyết của Thường trực                              "
    "  HĐND – UBND       bản của cấp trên",
    "              Nghị quyết của Quốc hội; Pháp     HĐND huyện, HĐND                                    "
    "  huyện; Các cơ",
    "              lệnh, Nghị quyết của Ủy ban       huyện; Quyết định của                              "
    "  quan, đơn vị có",
    "              thường vụ Quốc hội; Lệnh, Nghị    Chủ tịch UBND huyện về                              "
    "    liên quan",
    "              quyết của Chủ tịch nước; Nghị     triển khai Danh mục văn",
    "              quyết, Quyết định của HĐND,       bản quy định chi tiết Luật,",
    "              UBND tỉnh                         Nghị quyết của Quốc hội;",
]) + "\n"

def _raw_pages(text: str) -> list[list[tuple[int, str]]]:
    """Layout text as extraction hands it to read_pages: pages at form feeds, each line with its line number."""
    pages: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(text.split("\n"), start=1):
        for k, piece in enumerate(raw.split("\f")):
            if k:
                pages.append([])
            pages[-1].append((number, piece))
    return [p for p in pages if any(t.strip() for _, t in p)]


def _texts(grid) -> list[list[str | None]]:
    return [[None if c is None else c.text for c in row] for row in grid.rows]


@cache
def _known_layout() -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    done = subprocess.run(["pdftotext", "-layout", str(KNOWN_PDF), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8")


@cache
def _known_pages():
    return read_pages(_raw_pages(_known_layout()))


# is_layout: (text, its signs of layout)
IS_LAYOUT = [
    # mang-yang-2021-cchc: the two-column header block and a table's lines side by side
    (HEADER_BLOCK + APPENDIX_PAGE, True),
    # mang-yang-2021-cchc.txt: the same plan, extracted plain
    (KNOWN_TXT.read_text(encoding="utf-8"), False),
    # legal-db/85ff77cbda28ffbb: a legal-database page
    (MONITORING.read_text(encoding="utf-8"), False),
]


@pytest.mark.parametrize(("text", "layout"), IS_LAYOUT, ids=["layout", "plain", "web"])
def test_is_layout(text, layout):
    assert is_layout(text) is layout


def test_is_layout_of_the_known_pdf():
    assert is_layout(_known_layout()) is True


def test_two_column_header_block_cut_into_lines():
    """mang-yang-2021-cchc.pdf, page 1: issuer | national title, each side a line of its own, left first, its box
    in characters (x0, x1) and the page's line (top); the document type, one centred piece, ends the block."""
    (page,) = read_pages(_raw_pages(HEADER_BLOCK))
    assert [(l.text, l.box.x0, l.box.x1, l.box.top, l.source_line) for l in page.lines] == [
        ("ỦY BAN NHÂN DÂN", 4.0, 19.0, 0.0, 1),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 35.0, 69.0, 0.0, 1),
        ("HUYỆN MANG YANG", 3.0, 18.0, 1.0, 2),
        ("Độc lập – Tự do – Hạnh phúc", 41.0, 68.0, 1.0, 2),
        ("Số:       /QĐ-UBND", 5.0, 23.0, 2.0, 3),
        ("Mang Yang, ngày        tháng 12 năm 2020", 39.0, 79.0, 2.0, 3),
        ("QUYẾT ĐỊNH", 32.0, 42.0, 4.0, 5),
        ("Ban hành Kế hoạch cải cách hành chính năm 2021 của huyện Mang Yang", 5.0, 71.0, 5.0, 6),
    ]
    assert page.tables == ()


HEADER = ["Nhiệm vụ chung", "Nhiệm vụ cụ thể", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp/thực hiện",
          "Thời gian thực hiện"]
FIRST_TASK = [
    "I. Cải cách\nthể chế",
    "1. Triển khai quy định chi tiết\nnội dung được giao tại Luật,\nNghị quyết của Quốc hội; Pháp\nlệnh, Nghị quyết "
    "của Ủy ban\nthường vụ Quốc hội; Lệnh, Nghị\nquyết của Chủ tịch nước; Nghị\nquyết, Quyết định của HĐND,\nUBND tỉnh",
    "1. Quyết định hoặc Nghị\nquyết của Thường trực\nHĐND huyện, HĐND\nhuyện; Quyết định của\nChủ tịch UBND huyện về\n"
    "triển khai Danh mục văn\nbản quy định chi tiết Luật,\nNghị quyết của Quốc hội;",
    "Phòng Tư pháp",
    "Văn phòng\nHĐND – UBND\nhuyện; Các cơ\nquan, đơn vị có\nliên quan",
    "Sau khi có văn\nbản của cấp trên",
]


def test_table_found_by_its_header_words():
    """mang-yang-2021-cchc.pdf, page 9 (pasted): the header's three lines make six columns, the cell wrapped over
    them (`Cơ quan phối` / `hợp/thực hiện`) one; the first row's cells, each cell's lines kept."""
    (page,) = read_pages(_raw_pages(APPENDIX_PAGE))
    (grid,) = page.tables
    assert (grid.source, grid.bbox) == ("layout", (0.0, 0.0, 135.0, 11.0))
    assert _texts(grid) == [HEADER, FIRST_TASK]
    assert [roles.role_of(h) for h in HEADER] == ["group", "task", "products", "lead", "partners", "deadline"]


# read_pages of the known plan's whole layout text: (page, row, the row's cells)
KNOWN_ROWS = [
    # page 9: the appendix opens; its header over six columns, the first task as above
    (9, 0, HEADER),
    (9, 1, FIRST_TASK[:2] + [FIRST_TASK[2] + "\nPháp lệnh, Nghị quyết của\nỦy ban thường vụ Quốc\nhội; Lệnh, "
                             "Nghị quyết của\nChủ tịch nước; Nghị\nquyết, Quyết định của\nHĐND, UBND tỉnh..."]
     + FIRST_TASK[3:]),
    # page 9: the task's second product, the group's and the task's cells spanning down (None)
    (9, 2, [None, None, "2. Nghị quyết của HĐND\nhuyện hoặc Quyết định\ncủa UBND huyện triển\nkhai nội dung được giao\n"
            "tại Luật, Nghị quyết của\nQuốc hội; Pháp lệnh,\nNghị quyết của Ủy ban",
            "Theo Quyết định\nhoặc Nghị quyết của\nThường trực HĐND\nhuyện; Quyết định\ncủa Chủ tịch UBND\n"
            "huyện về triển khai\nDanh mục văn bản",
            "Văn phòng\nHĐND – UBND\nhuyện; Các cơ\nquan, đơn vị có\nliên quan", None]),
    # page 11: a new group (`II. Cải cách thủ tục hành chính`) opens a row, its title wrapped in its cell
    (11, 2, ["II. Cải cách\nthủ tục hành\nchính", "1. Ban hành Kế hoạch kiểm soát\nTTHC năm 2021",
             "Quyết định ban hành Kế\nhoạch kiểm soát TTHC\nnăm 2021", "Văn phòng HDNĐ -\nUBND huyện",
             "Các cơ quan, đơn\nvị liên quan,\nUBND cấp xã", "Trước ngày\n31/12/2020"]),
    # page 11: the group's second task, under the group's cell
    (11, 3, [None, "2. Tổ chức thực hiện đầy đủ các\nnhiệm vụ theo Kế hoạch kiểm\nsoát TTHC năm 2021 đã ban\nhành.",
             "Báo cáo kết quả thực hiện", "Văn phòng HDNĐ -\nUBND huyện",
             "Các cơ quan, đơn\nvị liên quan,\nUBND cấp xã", "Theo kế hoạch"]),
    # page 14: a task whose cells run over several lines in every column
    (14, 4, [None, "3. Thực hiện báo cáo tình hình\nquản lý sử dụng tài sản công tại\nđơn vị",
             "Báo cáo tình hình quản lý\nsử dụng tài sản công.", "Phòng Tài chính – Kế\nhoạch",
             "Các cơ quan, đơn\nvị liên quan;\nUBND cấp xã", "Trước ngày\n28/02/2022"]),
    # page 20: the plan's last task; its group's cell (VII, from page 18) is empty, as on a page's first row an
    # empty cell is only empty: carrying the group over is the table reader's
    (20, 1, ["", "6. Xây dựng các văn bản chỉ\nđạo, thực hiện công tác CCHC.", "Quyết định, Kế hoạch và\n"
             "các văn bản khác", "Phòng Nội vụ", "Các cơ quan, đơn\nvị, UBND cấp xã.", "Thường xuyên\ntrong năm"]),
    # page 10 opens with the rest of page 9's second product (`… thường vụ Quốc hội; Lệnh, Nghị quyết của Chủ tịch
    # nước; Nghị quyết, Quyết định của HĐND, UBND tỉnh.`) beside the rest of its lead cell (`… quy định chi tiết
    # Luật, Nghị quyết của Quốc hội; …`); the tool set the two one space apart on two lines
    pytest.param(10, 1, ["", "", "thường vụ Quốc hội;\nLệnh, Nghị quyết của Chủ\ntịch nước; Nghị quyết,\n"
                         "Quyết định của HĐND,\nUBND tỉnh.",
                         "quy định chi tiết Luật,\nNghị quyết của Quốc\nhội; Pháp lệnh, Nghị\nquyết của Ủy ban\n"
                         "thường vụ Quốc hội;\nLệnh, Nghị quyết của\nChủ tịch nước; Nghị\nquyết, Quyết định của\n"
                         "HĐND, UBND tỉnh.", "", ""],
                 marks=bug("the touching cells are cut a word off on two lines: `thường vụ Quốc hội; quy` and "
                           "`tịch nước; Nghị quyết, hội;` in the product cell, `định chi tiết Luật,` in the lead's")),
]


@pytest.mark.parametrize(("page", "row", "cells"), KNOWN_ROWS)
def test_known_plan_rows(page, row, cells):
    (grid,) = _known_pages()[page - 1].tables
    assert _texts(grid)[row] == cells


def test_known_plan_tables_per_page():
    """The appendix runs over pages 9 to 20, one table a page, each under its header printed again."""
    pages = _known_pages()
    assert len(pages) == 20
    assert [(p.number, len(p.tables)) for p in pages if p.tables] == [(n, 1) for n in range(9, 21)]
    assert all(_texts(p.tables[0])[0] == HEADER for p in pages if p.tables)


# =============================================================== unruled: tables from the words' positions

CHAR = 5.0  # a character's width, in points, at 10 pt
# The columns of dong-thap-617-2025-chuyen-doi-so-doanh-nghiep's appendix as a landscape page sets them without
# vertical rules: where each starts (x0, points) and how many characters a line of it holds.
COLUMNS = [(60, 4), (90, 40), (300, 14), (380, 20), (490, 12)]
DONG_THAP_ROWS = [
    ["STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
    ["1", "Triển khai nền tảng đào tạo trực tuyến mở đại trà, cung cấp kiến thức, kỹ năng số, công nghệ số cơ bản "
          "cho người dân, doanh nghiệp.", "Sở KH&CN", "Các sở, ban, ngành tỉnh; UBND các xã, phường", "Thường xuyên"],
    ["2", "Triển khai đánh giá mức độ chuyển đổi số trong các doanh nghiệp trên địa bàn Tỉnh.", "Sở KH&CN",
     "Các sở, ban, ngành tỉnh; UBND các xã, phường", "Thường xuyên"],
    ["3", "Biểu dương, tôn vinh, khen thưởng, khích lệ, động viên kịp thời bằng nhiều hình thức đa dạng cho các "
          "doanh nghiệp, tổ chức, cá nhân có thành tích trong chuyển đổi số.", "Sở Nội vụ",
     "Sở KH&CN; các cơ quan, đơn vị liên quan", "Thường xuyên, hằng năm"],
]
GROUP_TITLE = "II. HOÀN THIỆN CƠ CHẾ, CHÍNH SÁCH HỖ TRỢ CHUYỂN ĐỔI SỐ DOANH NGHIỆP"
# The plan's running text after the table (dong-thap-617, Mục III), a paragraph set across the page.
PROSE = ("Các sở, ban, ngành tỉnh, UBND các xã, phường căn cứ chức năng, nhiệm vụ được giao chủ động xây dựng kế "
         "hoạch, bố trí nguồn lực triển khai thực hiện các nhiệm vụ, giải pháp tại Kế hoạch này; định kỳ báo cáo "
         "kết quả thực hiện về Sở Khoa học và Công nghệ để tổng hợp.")


def _text_line(top: float, pieces: list[tuple[float, str]], size: float = 10.0) -> TextLine:
    """A line as pdfplumber's line finder gives it: its characters, each CHAR wide, from each piece's x0."""
    chars = []
    for x0, text in pieces:
        for k, ch in enumerate(text):
            x = x0 + k * CHAR * size / 10
            chars.append({"text": ch, "x0": x, "x1": x + CHAR * size / 10, "top": top, "bottom": top + size,
                          "size": size, "upright": True, "fontname": "Times", "doctop": top})
    ink = [c for c in chars if not c["text"].isspace()]
    return TextLine(" ".join(t for _, t in pieces), ink[0]["x0"], top, max(c["x1"] for c in ink), top + size,
                    tuple(sorted(chars, key=lambda c: c["x0"])))


def _table_lines(rows: list[list[str]], top: float = 100.0, leading: float = 12.0, padding: float = 8.0,
                 columns=COLUMNS) -> list[TextLine]:
    """The rows' cells wrapped to their columns, line under line `leading` apart, rows `padding` further apart;
    a row of one cell is a title across the table."""
    lines: list[TextLine] = []
    for cells in rows:
        if len(cells) == 1:
            wrapped = [[(columns[0][0], cells[0])]]
        else:
            parts = [textwrap.wrap(c, w) if c else [] for c, (_, w) in zip(cells, columns)]
            wrapped = [[(x, p[k]) for (x, _), p in zip(columns, parts) if k < len(p)]
                       for k in range(max(map(len, parts)))]
        for k, pieces in enumerate(wrapped):
            lines.append(_text_line(top + k * leading, pieces))
        top = lines[-1].bottom - 10.0 + leading + padding
    return lines


def _grid_texts(grid) -> list[list[str | None]]:
    return [[None if c is None else c.text for c in row] for row in grid.rows]


ROW_1 = ["1", "Triển khai nền tảng đào tạo trực tuyến\nmở đại trà, cung cấp kiến thức, kỹ năng\nsố, công nghệ số cơ "
              "bản cho người dân,\ndoanh nghiệp.", "Sở KH&CN", "Các sở, ban, ngành\ntỉnh; UBND các xã,\nphường",
         "Thường xuyên"]
ROW_2 = ["2", "Triển khai đánh giá mức độ chuyển đổi số\ntrong các doanh nghiệp trên địa bàn\nTỉnh.", "Sở KH&CN",
         "Các sở, ban, ngành\ntỉnh; UBND các xã,\nphường", "Thường xuyên"]
HEADER_ROW = ["STT", "Tên nhiệm vụ", "Cơ quan chủ\ntrì", "Cơ quan phối hợp", "Thời gian\nhoàn thành"]


# (case, lines, horizontal rules (y), the tables' rows)
UNRULED = [
    # rows cut at the wider gaps between them (the cells' padding)
    ("padding", _table_lines(DONG_THAP_ROWS[:3]), (), [[HEADER_ROW, ROW_1, ROW_2]]),
    # rows set as close as a cell's lines: cut at the rules under each row
    ("rules", _table_lines(DONG_THAP_ROWS[:3], padding=0.0), (123.0, 171.0), [[HEADER_ROW, ROW_1, ROW_2]]),
    # neither padding nor rules: a row opens at each entry of the first column
    ("first-column", _table_lines(DONG_THAP_ROWS[:3], padding=0.0), (), [[HEADER_ROW, ROW_1, ROW_2]]),
    # a group's title across the table, between two rows: one cell, the others merged into it
    ("group-title", _table_lines(DONG_THAP_ROWS[:2] + [[GROUP_TITLE]] + DONG_THAP_ROWS[2:3]), (),
     [[HEADER_ROW, ROW_1, [GROUP_TITLE, None, None, None, None], ROW_2]]),
    # prose: its word spaces line up from no line to the next, nothing seeds a table
    ("prose", [_text_line(100.0 + 12 * k, [(60.0, line)]) for k, line in enumerate(textwrap.wrap(PROSE, 95))],
     (), []),
]


@pytest.mark.parametrize(("lines", "rules", "tables"), [u[1:] for u in UNRULED], ids=[u[0] for u in UNRULED])
def test_unruled_tables(lines, rules, tables):
    edges = [{"x0": 55.0, "x1": 555.0, "top": y} for y in rules]
    grids = unruled.unruled_tables(lines, 3, (), edges)
    assert [_grid_texts(g) for g in grids] == tables
    assert all(g.source == "unruled" and g.page == 3 for g in grids)


def test_find_tables_gutters_shared_by_consecutive_lines():
    """Four gutters run through every line of the table (five columns), each the blank between two columns'
    text on all its lines: after `STT` to where `Tên nhiệm vụ` starts, and so on."""
    lines = _table_lines(DONG_THAP_ROWS[:3])
    assert unruled.find_tables(lines) == [(0, 8, [(75.0, 90), (290.0, 300), (355.0, 380), (470.0, 490)])]


def test_find_tables_in_a_ruled_box():
    """Lines inside a grid the PDF's rules hold already (`blocked`) make no table of their own."""
    lines = _table_lines(DONG_THAP_ROWS[:3])
    assert unruled.find_tables(lines, blocked=[(50.0, 90.0, 560.0, 230.0)]) == []


def test_find_tables_stops_at_the_prose_below():
    """The table's lines, then the running text after it (set across the columns): the table ends above it."""
    table = _table_lines(DONG_THAP_ROWS[:3])
    prose = [_text_line(table[-1].bottom + 8 + 12 * k, [(60.0, line)])
             for k, line in enumerate(textwrap.wrap(PROSE, 95))]
    found = unruled.find_tables(table + prose)
    assert [(first, last) for first, last, _ in found] == [(0, len(table) - 1)]


def test_segments_of_a_line():
    """A line's cells, split where the gap is wider than a word space (0.8 em): the header's first line."""
    line = _table_lines(DONG_THAP_ROWS[:1])[0]
    assert unruled._segments(line) == [(60.0, 75.0), (90.0, 150.0), (300.0, 355.0), (380.0, 460.0), (490.0, 535.0)]


# A heading right above the table, within one of its columns (no gutter crossed): (its size, the table's lines)
CAPTION = [
    (13.0, (1, 9)),  # set larger than the cells (10 pt): a heading, no line of the table
    (10.0, (0, 9)),  # set as the cells are, keeping to the columns: the table's first line
]


@pytest.mark.parametrize(("size", "span"), CAPTION)
def test_find_tables_a_line_set_larger_is_no_cell(size, span):
    """dong-thap-617's appendix under its heading `PHỤ LỤC`, standing over the task column."""
    caption = _text_line(98.0 - size, [(150.0, "PHỤ LỤC")], size=size)
    lines = [caption, *_table_lines(DONG_THAP_ROWS[:3])]
    assert [(first, last) for first, last, _ in unruled.find_tables(lines)] == [span]


def _page(number: int, lines: list[TextLine]) -> Page:
    """A landscape page: its lines as records, and the unruled tables its words make."""
    records = tuple(Line(page=number, line_no=k + 1, text=l.text, box=Box(l.x0, l.top, l.x1, l.bottom))
                    for k, l in enumerate(lines))
    return Page(number=number, lines=records, width=842.0, height=595.0,
                tables=unruled.unruled_tables(lines, number, ()))


def test_carry_rows_across_pages():
    """dong-thap-617's appendix over two pages: the second group's title (`II. HOÀN THIỆN …`) stands at the foot
    of the first page, with no line under it that keeps to the columns; the table goes on at the head of the
    next page: the title is the last row of the first page's table."""
    first = _table_lines(DONG_THAP_ROWS[:3])
    title = _text_line(first[-1].bottom + 8.0, [(60.0, GROUP_TITLE)])
    second = _table_lines([DONG_THAP_ROWS[0], DONG_THAP_ROWS[3]], top=40.0)
    pages = [_page(1, [*first, title]), _page(2, second)]
    assert [_grid_texts(g) for g in pages[0].tables] == [[HEADER_ROW, ROW_1, ROW_2]]  # the page alone: no title
    carried = unruled.carry_rows_across_pages(pages)
    (grid,) = carried[0].tables
    assert _grid_texts(grid) == [HEADER_ROW, ROW_1, ROW_2, [GROUP_TITLE, None, None, None, None]]
    assert grid.bbox.bottom == title.bottom
    assert carried[1] == pages[1]


def test_pasted_excerpts_are_the_tools_own():
    """The excerpts above are `pdftotext -layout`'s own lines of mang-yang-2021-cchc.pdf, unchanged."""
    assert HEADER_BLOCK in _known_layout()
    assert APPENDIX_PAGE in _known_layout()
