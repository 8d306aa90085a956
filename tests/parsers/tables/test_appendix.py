"""The appendix stage: rows of the known plan, of the 2025 plans, and of typeset tables made hard on purpose."""

from __future__ import annotations

from collections import Counter

import pytest
import regex as re

from parsers.structure.clean import normalise
from parsers.tables.appendix_rows import split_agencies
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT, parsed

KNOWN_GROUP_SIZES = [3, 2, 3, 6, 3, 11, 6]


def _rows(path):
    return parsed(path)["appendix_rows"]


# ------------------------------------------------------------------ the known plan


def test_known_plan_pdf_rows():
    rows = _rows(KNOWN_PDF)
    assert len(rows) == 35
    tasks = {(r["group_no"], r["row_no"]) for r in rows}
    assert len(tasks) == 34
    assert [sum(1 for g, _ in tasks if g == n) for n in range(1, 8)] == KNOWN_GROUP_SIZES
    # Task I.1 spans two rows, one per product, each with its own cells; the deadline cell spans both.
    first, second = rows[0], rows[1]
    assert (first["row_no"], second["row_no"]) == (1, 1) and first["task"] == second["task"]
    assert first["products"][0].startswith("Quyết định hoặc Nghị quyết của Thường trực HĐND huyện")
    assert second["products"][0].startswith("Nghị quyết của HĐND huyện hoặc Quyết định của UBND huyện")
    assert first["lead_agency"] == "Phòng Tư pháp"
    assert second["lead_agency"].startswith("Theo Quyết định hoặc Nghị quyết của Thường trực HĐND huyện")
    assert first["deadline_text"] == second["deadline_text"] == "Sau khi có văn bản của cấp trên"


def test_known_plan_cells():
    rows = {(r["group_no"], r["row_no"]): r for r in _rows(KNOWN_PDF)}
    monitoring = rows[(1, 2)]
    assert monitoring["products"] == [
        "Kế hoạch theo dõi thi hành pháp luật của huyện.",
        "Văn bản về thu thập thông tin tình hình thi hành pháp luật; Báo cáo kết quả thực hiện các hoạt động kiểm tra; "
        "Điều tra, khảo sát tình hình thi hành pháp luật.",
        "Các văn bản xử lý hoặc kiến nghị xử lý kết quả theo dõi thi hành pháp luật theo thẩm quyền.",
    ]
    assert monitoring["partner_agencies"] == ["Văn phòng HĐND - UBND huyện", "Các cơ quan, đơn vị có liên quan",
                                              "UBND các xã, thị trấn"]
    assert monitoring["deadline_text"] == ("- Ban hành Kế hoạch trong tháng 01/2021. - Báo cáo kết quả thực hiện "
                                           "Kế hoạch trong quý IV năm 2021.")
    # A row broken across pages 12 and 13, merged back.
    assert rows[(4, 2)]["task"].endswith("cấu số lượng theo quy định.") and rows[(4, 2)]["page_end"] == 13
    # A group cell broken across pages 18 and 19.
    assert rows[(7, 1)]["group_title"] == "Công tác chỉ đạo, điều hành cải cách hành chính"
    assert rows[(7, 1)]["deadline_text"] == "Ban hành kế hoạch trước 31/12/2020"
    assert rows[(2, 1)]["lead_agency"] == "Văn phòng HDNĐ - UBND huyện"  # the document's own typo, kept


def test_no_warning_and_no_unclaimed_line_on_the_known_plan():
    for source in (KNOWN_PDF, KNOWN_TXT):
        tables = parsed(source)
        assert [w for w in tables["warnings"] if w["stage"] == "appendix"] == []
        assert [r for r in tables["residual"] if r["reason"] == "unclaimed"] == []


def _comparable(row):
    # The text file lost the PDF's `%` signs (see README); compare without them.
    def strip(value):
        if isinstance(value, list):
            return [strip(v) for v in value]
        return normalise(value.replace("%", " ")) if isinstance(value, str) else value
    keys = ["group_no", "group_title", "row_no", "task", "products", "lead_agency", "partner_agencies", "deadline_text",
            "notes"]
    return {k: strip(row[k]) for k in keys}


def test_text_and_pdf_give_the_same_rows():
    from_pdf = [_comparable(r) for r in _rows(KNOWN_PDF)]
    from_text = [_comparable(r) for r in _rows(KNOWN_TXT)]
    assert len(from_text) == 35
    cells = [(i, k) for i, row in enumerate(from_pdf) for k in row]
    wrong = [(i, k, from_text[i][k], from_pdf[i][k]) for i, k in cells if from_text[i][k] != from_pdf[i][k]]
    assert wrong == [], f"{len(cells) - len(wrong)} of {len(cells)} cells equal"


# ------------------------------------------------------------------ the 2025 web plans

WEB_TABLES = {
    "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt": (11, ("row_no", "task", "lead", "partners", "deadline")),
    "dong-thap-552-2025-doi-moi-cong-nghe.txt": (19, ("row_no", "task", "lead", "partners", "deadline")),
    "ha-noi-310-2025-5g-iot.txt": (6, ("row_no", "task", "lead", "partners", "deadline")),
    "bac-ninh-144-2025-kinh-te-so.txt": (19, ("row_no", "task", "lead")),
}


@pytest.mark.parametrize("name", sorted(WEB_TABLES))
def test_web_plan_rows(name):
    rows = _rows(FIXTURES / name)
    count, _roles = WEB_TABLES[name]
    assert len(rows) == count
    assert all(r["task"] and r["lead_agency"] for r in rows)
    assert not any("*" in (r["task"] + (r["group_title"] or "")) for r in rows)  # emphasis marks stripped
    assert [r for r in parsed(FIXTURES / name)["residual"] if r["reason"] == "unclaimed"] == []


def test_web_plan_cells():
    dong_thap = {r["row_no"]: r for r in _rows(FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt")}
    assert dong_thap[4]["group_no"] == 2
    assert dong_thap[4]["group_title"] == "HOÀN THIỆN CƠ CHẾ, CHÍNH SÁCH HỖ TRỢ CHUYỂN ĐỔI SỐ DOANH NGHIỆP"
    assert dong_thap[4]["deadline_text"] == "Quí IV-2025"
    assert dong_thap[3]["partner_agencies"] == ["Sở KH&CN", "các cơ quan, đơn vị liên quan"]
    assert dong_thap[3]["deadline_text"] == "Thường xuyên, hằng năm"
    groups_552 = Counter(r["group_no"] for r in _rows(FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt"))
    assert groups_552 == {1: 4, 2: 5, 3: 5, 4: 5}
    ha_noi = _rows(FIXTURES / "ha-noi-310-2025-5g-iot.txt")
    assert ha_noi[1]["partner_agencies"] == ["Sở Khoa học và Công nghệ", "Sở Công Thương",
                                             "Các doanh nghiệp viễn thông"]
    assert ha_noi[1]["deadline_text"] == "Quý IV/2025- Quý II/2026"
    bac_ninh = _rows(FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt")
    assert (bac_ninh[0]["group_title"], bac_ninh[0]["task"], bac_ninh[0]["lead_agency"]) == \
        ("Kinh tế số", "Kinh tế số chiếm 45% GRDP tỉnh.", "Sở Tài chính")
    assert bac_ninh[0]["deadline_text"] is None  # a table of targets has no deadline column


# ------------------------------------------------------------------ agencies


def test_partner_agencies_split_between_names_only():
    assert split_agencies("Các cơ quan, đơn\nvị liên quan,\nUBND cấp xã") == (
        "Các cơ quan, đơn vị liên quan", "UBND cấp xã")
    assert split_agencies("Sở KH&CN; các cơ quan, đơn vị liên quan") == ("Sở KH&CN", "các cơ quan, đơn vị liên quan")
    assert split_agencies("Các sở, ban, ngành tỉnh; UBND các xã, phường") == (
        "Các sở, ban, ngành tỉnh", "UBND các xã, phường")
    assert split_agencies("Các cơ quan, đơn\nvị, UBND cấp xã;\nBưu điện huyện") == (
        "Các cơ quan, đơn vị", "UBND cấp xã", "Bưu điện huyện")


# ------------------------------------------------------------------ typeset tables made hard


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"][n]


def _numbered(items):
    return ("\n".join(f"{i}. {p}" for i, p in enumerate(items, start=1)) if len(items) > 1
            else (items[0] if items else ""))


def test_typeset_table_with_page_breaks_spans_and_numbered_products(tmp_path):
    """The known plan's group VI (11 long rows) typeset anew: the group cell spans pages, rows break across pages."""
    source = [r for r in _rows(KNOWN_PDF) if r["group_no"] in (5, 6)]
    header = ["Nhiệm vụ chung", "Nhiệm vụ cụ thể", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp/thực hiện",
              "Thời gian thực hiện"]
    rows, spans, start = [], [], 0
    for group in (5, 6):
        members = [r for r in source if r["group_no"] == group]
        for i, r in enumerate(members):
            rows.append([f"{_roman(group)}. {r['group_title']}" if i == 0 else None,
                         f"{r['row_no']}. {r['task']}", _numbered(r["products"]), r["lead_agency"],
                         "; ".join(r["partner_agencies"]), r["deadline_text"]])
        spans.append((0, start, start + len(members) - 1))
        start += len(members)
    # Narrow columns make tall rows, so that rows must break across pages.
    pdf = tmp_path / "plan.pdf"
    from tests.support.pdfgen import plan_pdf
    plan_pdf(pdf, header, rows, [90, 190, 150, 110, 110, 100], spans)
    tables = parse_document(pdf)
    got = tables["appendix_rows"]
    assert tables["documents"][0]["pages"] > 4
    assert any(r["page_start"] != r["page_end"] for r in got), "some row must break across pages"
    assert [(r["group_no"], r["row_no"]) for r in got] == [(r["group_no"], r["row_no"]) for r in source]
    for want, have in zip(source, got):
        for key in ("group_title", "task", "products", "lead_agency", "partner_agencies", "deadline_text"):
            assert have[key] == want[key], (want["row_no"], key)
    assert [w for w in tables["warnings"] if w["stage"] == "appendix"] == []


def test_typeset_table_with_stt_and_columns_in_another_order(tmp_path):
    """Đồng Tháp 617's rows under another header: STT first, deadline before the agencies, a notes column."""
    source = _rows(FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt")
    header = ["STT", "Nội dung", "Thời gian hoàn thành", "Cơ quan chủ trì", "Cơ quan phối hợp", "Ghi chú"]
    rows = [[str(r["row_no"]), r["task"], r["deadline_text"], r["lead_agency"], "; ".join(r["partner_agencies"]),
             "Báo cáo kết quả" if r["row_no"] % 3 == 0 else ""] for r in source]
    pdf = tmp_path / "stt.pdf"
    from tests.support.pdfgen import plan_pdf
    plan_pdf(pdf, header, rows, [40, 300, 110, 110, 130, 70])
    got = parse_document(pdf)["appendix_rows"]
    assert [r["row_no"] for r in got] == [r["row_no"] for r in source]
    for want, have in zip(source, got):
        for key in ("task", "lead_agency", "partner_agencies", "deadline_text"):
            assert have[key] == want[key], (want["row_no"], key)
    assert [r["notes"] for r in got if r["notes"]] == ["Báo cáo kết quả"] * 3


def test_a_column_no_role_names_is_kept_under_its_header(tmp_path):
    """Đồng Tháp 617's rows with a funding column, typeset and as web text: its cells land in other_cells."""
    source = _rows(FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt")
    header = ["STT", "Nội dung", "Cơ quan chủ trì", "Kinh phí (triệu đồng)", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    rows = [[str(r["row_no"]), r["task"], r["lead_agency"], f"{100 * r['row_no']}\nNgân sách tỉnh",
             "; ".join(r["partner_agencies"]), r["deadline_text"]] for r in source]
    from tests.support.pdfgen import plan_pdf
    pdf = plan_pdf(tmp_path / "funding.pdf", header, rows, [40, 280, 110, 80, 130, 100])

    # The web text: a `Kinh phí` cell after each row's number.
    text = (FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt").read_text(encoding="utf-8")
    text = text.replace("**STT**\n|\n", "**STT**\n|\n**Kinh phí**\n|\n", 1)
    text = re.sub(r"\n\|\n(\d+)\n\|\n", lambda m: f"\n|\n{m[1]}\n|\n{100 * int(m[1])}\n|\n", text)
    web = tmp_path / "funding.txt"
    web.write_text(text, encoding="utf-8")

    for path, name, cell in ((pdf, "Kinh phí (triệu đồng)", "{} Ngân sách tỉnh"), (web, "Kinh phí", "{}")):
        tables = parse_document(path)
        got = tables["appendix_rows"]
        assert [r["row_no"] for r in got] == [r["row_no"] for r in source]
        for want, have in zip(source, got):
            for key in ("task", "lead_agency", "partner_agencies", "deadline_text"):
                assert have[key] == want[key], (path.name, want["row_no"], key)
            assert have["other_cells"] == [{"header": name, "text": cell.format(100 * want["row_no"])}]
        assert name in next(n["text"] for n in tables["outline"] if n["kind"] == "table_header")
        doc = tables["documents"][0]
        assert doc["lines_in_outline"] + len(tables["residual"]) == doc["lines_total"]


def test_an_emphasis_mark_alone_in_a_cell_is_layout_counted_once(tmp_path):
    # Found by fuzzing: a web cell holding `**` on its own line was both a table line and a layout line.
    text = (FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan.txt"
    path.write_text(text.replace("**STT**\n", "**STT**\n**\n", 1), encoding="utf-8")
    tables = parse_document(path)
    doc = tables["documents"][0]
    assert doc["lines_in_outline"] + len(tables["residual"]) == doc["lines_total"]
    assert len(tables["appendix_rows"]) == 11


def test_the_document_that_set_a_task_is_a_cell_of_its_own():
    """A government notice's list of late tasks (legal-db 74e2ddc7) names, beside each task, the document
    that set it (`Văn bản giao nhiệm vụ`, whose words hold `nhiệm vụ`): that cell is not run into the task,
    it stays under its header, and the documents it cites are cited at the row."""
    rows = parsed(FIXTURES / "legal-db" / "74e2ddc7b11340da.txt")
    header = "Văn bản giao nhiệm vụ"
    table = next(t for t in rows["tables"] if t["kind"] == "tasks"
                 and any(c["table_id"] == t["table_id"] and c["is_header"] and c["text"] == header
                         for c in rows["table_cells"]))
    printed = {(c["row"]): c["text"] for c in rows["table_cells"]
               if c["table_id"] == table["table_id"] and c["header"] == header and not c["is_header"] and c["text"]}
    task_rows = [r for r in rows["appendix_rows"] if r["table_id"] == table["table_id"]]
    assert len(task_rows) >= 60 and len(printed) >= 60
    by_cell = {c["text"] for r in task_rows for c in r["other_cells"] if c["header"] == header}
    assert set(printed.values()) == by_cell
    for r in task_rows:
        for c in r["other_cells"]:
            assert not " ".join(r["task"].split()).endswith(" ".join(c["text"].split()))  # it was run on after the task
    cited_at_rows = {c["raw"] for c in rows["citations"] if c["where"].startswith("appendix_rows:")}
    assert any("71/NQ-CP" in raw for raw in cited_at_rows)


def test_a_grid_row_merged_whole_with_the_row_above_is_read_past():
    """laocai-ubnd-qd2338-2026.pdf (a scan; OCR finds its appendix's rules): a row whose every cell is merged
    with the row above has no text of its own. It stopped the document with a parser bug; it is passed over."""
    from parsers.model.records import Box, Line, TableCell, TableGrid
    from parsers.tables.appendix import _read_pdf

    def cell(text, x0, x1, top):
        return TableCell(text, Box(x0, top, x1, top + 20))

    header = (cell("STT", 0, 40, 0), cell("Nhiệm vụ", 40, 300, 0), cell("Cơ quan chủ trì", 300, 450, 0))
    spanning = (cell("1", 0, 40, 20), cell("Rà soát thủ tục hành chính", 40, 300, 20), cell("Sở Tư pháp", 300, 450, 20))
    grid = TableGrid(page=1, bbox=Box(0, 0, 450, 60), rows=(header, spanning, (None, None, None)))
    lines = [Line(1, k + 1, text, box=Box(x0 + 2, top + 4, x0 + 30, top + 16)) for k, (text, x0, top) in enumerate(
        [("STT", 0, 0), ("Nhiệm vụ", 40, 0), ("Cơ quan chủ trì", 300, 0), ("1", 0, 20),
         ("Rà soát thủ tục hành chính", 40, 20), ("Sở Tư pháp", 300, 20)])]
    roles, raw, *_ = _read_pdf([grid], lines)
    assert roles == ("row_no", "task", "lead")
    assert [(r.cells["row_no"], r.cells["task"], r.cells["lead"]) for r in raw] == [
        ("1", "Rà soát thủ tục hành chính", "Sở Tư pháp")]
