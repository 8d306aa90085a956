"""Scans read by real Tesseract: the known plan printed, tilted, soiled and scanned; the two corpus scans.

The known plan's scan is made here from its PDF (tests/support/scangen.py) and compared
with what the PDF itself gives. OCR results are cached for the session
(conftest sets PLAN_OCR_CACHE), so each page is read once per run.
"""

from __future__ import annotations

import difflib
import json
import shutil
import statistics

import pytest

from parsers.model import errors
from parsers.read.extract import extract
from parsers.read.ocr import run as ocr_run
from parsers.read.ocr import tesseract as ocr_tesseract
from parsers.read.ocr.cache import CACHE_ENV
from parsers.read.ocr.records import correct
from parsers.read.ocr.slots import find_slots
from parsers.read.ocr.words import Word
from pipeline.batch.runner import run_batch
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT, parsed
from tests.support.scangen import scan_to_pdf, scanned_pages

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")

QD46 = FIXTURES / "bcd-cchc-qd46-2021-scan.pdf"
TB79 = FIXTURES / "vpcp-tb79-2022-scan.pdf"


def similarity(a: str | None, b: str | None) -> float:
    return difflib.SequenceMatcher(None, a or "", b or "").ratio()


@pytest.fixture(scope="module")
def known_scan(tmp_path_factory):
    """The known plan's PDF as a 200 dpi scan with no text layer: (its tables, the PDF's tables)."""
    path = scan_to_pdf(scanned_pages(KNOWN_PDF, dpi=200, tilt=0.4), tmp_path_factory.mktemp("scan") / "known-scan.pdf")
    return parse_document(path), parsed(KNOWN_PDF)


# ------------------------------------------------------------- the known plan


def test_scan_of_the_known_plan_gives_its_header(known_scan):
    scan, pdf = known_scan
    doc, want = scan["documents"][0], pdf["documents"][0]
    assert doc["source_format"] == "ocr" and want["source_format"] == "pdf"
    keys = ("doc_type", "parts", "doc_number", "doc_code", "issued_year", "issued_month", "issued_day",
            "signer_name", "signer_title", "title", "plan_year")
    assert {k: doc[k] for k in keys} == {k: want[k] for k in keys}
    assert doc["doc_type"] == "Quyết định" and doc["signer_name"] == "Lê Trọng"
    assert 0.85 < doc["ocr_confidence"] < 1.0 and want["ocr_confidence"] is None


def test_scan_of_the_known_plan_gives_its_objectives_and_tasks(known_scan):
    scan, pdf = known_scan
    assert len(scan["objectives"]) == len(pdf["objectives"]) == 9
    assert len(scan["tasks"]) == len(pdf["tasks"]) == 39
    assert [t["letter"] for t in scan["tasks"]] == [t["letter"] for t in pdf["tasks"]]
    assert [t["section_no"] for t in scan["tasks"]] == [t["section_no"] for t in pdf["tasks"]]
    pairs = list(zip(scan["objectives"], pdf["objectives"])) + list(zip(scan["tasks"], pdf["tasks"]))
    close = [similarity(a["text"], b["text"]) >= 0.97 for a, b in pairs]
    assert sum(close) >= 0.95 * len(pairs)


def _cells(rows: list[dict]) -> list[str]:
    """The appendix table's cells: each task group's cell once, then each row's cells."""
    groups = list(dict.fromkeys((r["group_no"], r["group_title"]) for r in rows))
    cells = [title or "" for _no, title in groups]
    for r in rows:
        cells += [r["task"] or "", "\n".join(r["products"]), r["lead_agency"] or "",
                  "; ".join(r["partner_agencies"]), r["deadline_text"] or ""]
    return cells


def test_scan_of_the_known_plan_gives_its_appendix_table(known_scan):
    scan, pdf = known_scan
    assert len(scan["appendix_rows"]) == len(pdf["appendix_rows"]) == 35
    got, want = _cells(scan["appendix_rows"]), _cells(pdf["appendix_rows"])
    assert len(got) == len(want)
    close = [similarity(a, b) >= 0.97 for a, b in zip(got, want)]
    assert sum(close) >= 0.95 * len(want)


def test_scanned_tables_are_grids_found_in_the_image(tmp_path):
    """The appendix page's grid: as many rows and columns as the PDF's, its cells where the PDF has them."""
    path = scan_to_pdf(scanned_pages(KNOWN_PDF, first=10, last=10), tmp_path / "page-10.pdf")
    grid, = extract(path).pages[0].tables
    want, = extract(KNOWN_PDF).pages[9].tables
    assert grid.source == "ocr" and want.source == "ruled"
    assert [len(r) for r in grid.rows] == [len(r) for r in want.rows]
    assert [[c is None for c in r] for r in grid.rows] == [[c is None for c in r] for r in want.rows]
    for row, want_row in zip(grid.rows, want.rows):
        for cell, want_cell in zip(row, want_row):
            if cell is not None:
                assert abs(cell.box.x0 - want_cell.box.x0) < 4 and abs(cell.box.top - want_cell.box.top) < 4
                assert similarity(cell.text, want_cell.text) > 0.9


def test_ocr_lines_keep_their_box_confidence_and_what_was_read(known_scan, tmp_path):
    path = scan_to_pdf(scanned_pages(KNOWN_PDF, first=1, last=1), tmp_path / "page-1.pdf")
    source = extract(path)
    pdf = extract(KNOWN_PDF).pages[0]
    lines = source.pages[0].lines
    assert source.format == "ocr" and source.flavour == "pdf"
    assert all(0 <= l.confidence <= 1 for l in lines)
    first = next(l for l in lines if l.text.startswith("Căn cứ Luật"))
    want = next(l for l in pdf.lines if l.text.startswith("Căn cứ Luật"))
    # Boxes in PDF points: the tilt straightened, within a few points of the printed line.
    assert abs(first.box.x0 - want.box.x0) < 5 and abs(first.box.top - want.box.top) < 5
    scan, _ = known_scan
    warned = [w for w in scan["warnings"] if w["code"] == "ocr_low_confidence"]
    assert all(w["page"] and w["message"].startswith("line ") for w in warned)


# ----------------------------------------------------------------- images


def test_image_files_are_inputs(tmp_path):
    """A PNG and a two-page TIFF of the known plan's first pages read as its PDF's first pages."""
    images = scanned_pages(KNOWN_PDF, dpi=200, first=1, last=2)
    images[0].save(tmp_path / "page.png", dpi=(200, 200))
    images[0].save(tmp_path / "pages.tif", save_all=True, append_images=images[1:], dpi=(200, 200),
                   compression="tiff_lzw")
    pdf = extract(KNOWN_PDF)
    png, tif = extract(tmp_path / "page.png"), extract(tmp_path / "pages.tif")
    assert (png.format, len(png.pages), tif.format, len(tif.pages)) == ("ocr", 1, "ocr", 2)
    assert abs(png.pages[0].width - pdf.pages[0].width) < 2 and abs(png.pages[0].height - pdf.pages[0].height) < 2
    # Words compared in sorted order: the PDF reads its two-column header column by column, OCR line by line.
    words = lambda lines: " ".join(sorted(" ".join(l.text for l in lines).split()))  # noqa: E731
    for page, want in zip(tif.pages, pdf.pages):
        assert similarity(words(page.lines), words(want.lines)) > 0.95


# ------------------------------------------------------------------ corrections


@pytest.mark.parametrize("read,meant", [
    ("Điểu 1. Ban hành kèm theo", "Điều 1. Ban hành kèm theo"),
    ("Báo cáo trong Quý Il năm 2021", "Báo cáo trong Quý II năm 2021"),
    ("Ban hành trong tháng 0l/2021", "Ban hành trong tháng 01/2021"),
    ("Quyết định số 442/QÐ-TTg", "Quyết định số 442/QĐ-TTg"),
    ("HI. Cải cách tổ chức bộ máy", "III. Cải cách tổ chức bộ máy"),
    ("KÉ HOẠCH", "KẾ HOẠCH"),
    ("Hà Nội, ngày 16 tháng4 năm 2021", "Hà Nội, ngày 16 tháng 4 năm 2021"),
    ("Phòng Văn hóa — Thông tin", "Phòng Văn hóa – Thông tin"),
])
def test_certain_misreadings_are_corrected(read, meant):
    assert correct(read) == meant


@pytest.mark.parametrize("text", [
    "Ban hành kế hoạch trong Quý I/2021",  # a Roman quarter stays Roman
    "1. Cải cách thể chế",  # an Arabic label is no misread Roman one
    "Điều 1. Ban hành",
    "Lê Trọng",
    "trước ngày 31/12/2020",
])
def test_sound_text_is_left_alone(text):
    assert correct(text) == text


def test_a_corrected_line_keeps_what_ocr_read():
    source = extract(QD46)
    corrected = [l for l in source.lines() if l.ocr_text is not None]
    assert corrected and all(l.ocr_text != l.text for l in corrected)
    assert any("QD-BCĐCCHC" in l.ocr_text and "QĐ-BCĐCCHC" in l.text for l in corrected)
    assert any(i.code == "ocr_corrected" for i in source.issues)


# ------------------------------------------------------------ the corpus scans


def test_decision_46_scan(tmp_path):
    """Decision 46/QĐ-BCĐCCHC: values read by eye on its page images (pdftoppm -r 150)."""
    rows = parse_document(QD46)
    doc = rows["documents"][0]
    assert (doc["source_format"], doc["doc_type"], doc["parts"][:2], doc["pages"]) == (
        "ocr", "Quyết định", ["decision", "plan"], 10)
    assert doc["plan_year"] == 2021
    # Number, day and month were written by hand into the printed form (`Số: 46 /QĐ-…`, `ngày 16 tháng 4`).
    assert (doc["doc_number"], doc["place"], doc["issued_day"], doc["issued_month"], doc["issued_year"]) == \
        ("46/QĐ-BCĐCCHC", "Hà Nội", 16, 4, 2021)
    # The signer's name beside `- Lưu: …`, its title read through the seal's rim.
    assert (doc["signer_name"], doc["signer_title"]) == ("Trương Hòa Bình", "TRƯỞNG BAN")
    # Five legal bases and the proposal; the third's `;` is read as `,`, the first has a margin's mark before it.
    bases = [(b["kind"], b["text"]) for b in rows["legal_bases"]]
    printed = ["Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015",
               "Căn cứ Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4",
               "Căn cứ Quyết định số 442/QĐ-TTg ngày 28 tháng 3 năm 2014",
               "Căn cứ Quyết định số 54/QĐ-BCĐCCHC ngày 30 tháng 7",
               "Căn cứ Quyết định số 40/QĐ-BCĐCCHC ngày 29 tháng", "Theo đề nghị của Bộ trưởng Bộ Nội vụ."]
    assert [k for k, _t in bases] == ["basis"] * 5 + ["proposal"]
    assert all(similarity(text[:len(want)], want) > 0.9 for (_k, text), want in zip(bases, printed)), bases
    assert similarity(doc["issuer"], "BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH CỦA CHÍNH PHỦ") > 0.9
    assert similarity(doc["title"], "Ban hành Kế hoạch kiểm tra công tác cải cách hành chính năm 2021 "
                                    "của Ban Chỉ đạo cải cách hành chính của Chính phủ") > 0.95
    articles = {a["article_no"]: a["text"] for a in rows["articles"]}
    assert sorted(articles) == [1, 2]
    assert similarity(articles[1], "Ban hành kèm theo Quyết định này Kế hoạch kiểm tra công tác cải cách hành "
                                   "chính năm 2021 của Ban Chỉ đạo cải cách hành chính của Chính phủ.") > 0.95
    assert articles[2].startswith("Các thành viên Ban Chỉ đạo cải cách hành chính của Chính phủ, Bộ trưởng")
    # The plan's sections I–VI, as printed on pages 2–6.
    plan = next(n for n in rows["outline"] if n["kind"] == "plan")
    sections = [n for n in rows["outline"] if n["kind"] == "section" and n["parent_id"] == plan["node_id"]][:6]
    printed = ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG KIỂM TRA", "PHƯƠNG PHÁP KIỂM TRA",
               "THỜI GIAN, ĐỐI TƯỢNG KIỂM TRA VÀ THÀNH PHẦN ĐOÀN KIỂM TRA", "TỔ CHỨC THỰC HIỆN", "KINH PHÍ"]
    assert [s["label"] for s in sections] == ["I", "II", "III", "IV", "V", "VI"]
    assert all(similarity((s["title"] or s["text"]).strip(" ,"), want) > 0.85 for s, want in zip(sections, printed))
    objectives = [o["objective_no"] for o in rows["objectives"]]
    assert objectives == ["1.a", "1.b", "1.c", "2.a", "2.b"]
    assert rows["objectives"][0]["text"].startswith("Đánh giá khách quan, toàn diện")
    # Two appendices, each under a stamp: Phụ lục I (a report's outline), Phụ lục II (a table of inspection teams,
    # no task table: its rows are table cells, not appendix rows).
    appendices = [n for n in rows["outline"] if n["kind"] == "appendix"]
    assert [a["label"] for a in appendices] == ["I", "II"]
    [table] = rows["tables"]
    # Its header names no role, but page 10 prints it again: it is the header, and the repeat is dropped.
    assert (table["part"], table["appendix_no"], table["kind"], table["n_cols"], table["page_start"], table["page_end"],
            table["header_rows"]) == ("appendix", 2, "other", 4, 9, 10, 1)
    assert rows["appendix_rows"] == []
    cells = {(c["row"], c["col"]): c["text"] for c in rows["table_cells"] if c["table_id"] == table["table_id"]}
    assert similarity(cells[(0, 2)], "Đơn vị được kiểm tra") > 0.9
    assert similarity(cells[(1, 2)], "Thời gian và đơn vị kiểm tra do Trưởng Ban Chỉ đạo quyết định.") > 0.9
    assert not any(similarity(cells[(r, 2)], "Đơn vị được kiểm tra") > 0.8 for r in range(1, table["n_rows"]))
    # Page 10, by eye: the fourth member's row.
    assert similarity(cells[(table["n_rows"] - 1, 1)], "Các thành viên khác của Ban Chỉ đạo.") > 0.9
    assert similarity(cells[(table["n_rows"] - 1, 2)][:60],
                      "- Kiểm tra các cơ quan, đơn vị trong hệ thống tổ chức của bộ") > 0.9
    assert doc["coverage"] == 1.0


def test_decision_46_appendix_table():
    """Phụ lục II (page 9): the ruled table of inspection teams, its cells read by eye."""
    page = extract(QD46).pages[8]
    table = max(page.tables, key=lambda t: len(t.rows))
    assert table.source == "ocr" and [len(r) for r in table.rows[:3]] == [4, 4, 4]
    # The narrow `TT` column numbers the rows 1, 2, 3 (read by eye; the Vietnamese model reads `|`, `3`,
    # `3`, the digits' reading of a narrow cell gets them). Its header `TT`, two letters, still reads badly.
    assert [row[0].text for row in table.rows[1:4]] == ["1", "2", "3"]
    header = [c.text.replace("\n", " ") for c in table.rows[0]][1:]
    for got, want in zip(header, ["Thành viên Ban Chỉ đạo", "Đơn vị được kiểm tra", "Nội dung kiểm tra"]):
        assert similarity(got, want) > 0.85, (got, want)
    first, second = ([c.text.replace("\n", " ") for c in row] for row in table.rows[1:3])
    by_eye = [
        (first[1], "Trưởng đoàn: Trưởng Ban Chỉ đạo cải cách hành chính của Chính phủ."),
        (first[2], "Thời gian và đơn vị kiểm tra do Trưởng Ban Chỉ đạo quyết định."),
        (second[1][:80], "Trưởng đoàn: Phó Trưởng ban Thường trực Ban Chỉ đạo, Bộ trưởng Bộ Nội vụ."),
        (second[2][:100], "- Bộ, ngành: Bộ Tài nguyên và Môi trường và các bộ, ngành khác do Phó Trưởng ban "
                          "Thường trực quyết định."),
        (first[3][:100], "- Kiểm tra tình hình, kết quả triển khai nội dung cải cách hành chính tại các Nghị quyết số: "
                         "01/NQ-CP,"),
    ]
    for got, want in by_eye:
        assert similarity(got[:len(want)], want) > 0.9, (got, want)
    assert "Quảng Bình" in second[2] and "Trà Vinh" in second[2]


def _words(*lines: str) -> list:
    return [Word(text, 0.9, 0, 0, 10, 10, key) for key, line in enumerate(lines) for text in line.split()]


def test_hand_filled_slots_are_found_where_a_number_reads_as_marks():
    """Lines as Tesseract read decision 46's header and appendix heading; printed numbers and prose are no slots."""
    words = _words("Số: #6 /QD-BCĐCCHC Hà Nội, ngày f6 tháng# năm 2021",
                   "Kh_2 eo Kế hoạch tại Quyết định số:#6/QĐ-BCDCCHC",
                   "(Kèm theo Quyết định số : #6 /QD-BCĐCCHC ngày 16 tháng4 năm 2021",
                   "Căn cứ Nghị định số 34/2017/NĐ-CP ngày 03 tháng 4 năm 2017 của",
                   "Quyết định này có hiệu lực kể từ ngày ký ban hành năm 2021.")
    found = [(words[s.index].text, s.kind, words[s.index].text[s.start:s.end]) for s in find_slots(words)]
    assert found == [("#6", "number", "#6"), ("f6", "day", "f6"), ("tháng#", "month", "#"), ("#6", "number", "#6")]


def test_notice_79_scan_is_read_and_named():
    """A notice, read with its header facts (pages 1 and 5 by eye)."""
    doc = parse_document(TB79)["documents"][0]
    assert (doc["source_format"], doc["doc_type"], doc["doc_number"], doc["issuer"]) == \
        ("ocr", "Thông báo", "79/TB-VPCP", "VĂN PHÒNG CHÍNH PHỦ")
    assert (doc["issued_day"], doc["issued_month"], doc["issued_year"]) == (22, 3, 2022)
    # The title's two lines, then an empty line's height, then the first paragraph (not part of the title).
    assert similarity(doc["title"], "Kết luận của Thủ tướng Chính phủ Phạm Minh Chính tại Phiên họp thứ nhất "
                                    "Ban Chỉ đạo Cải cách hành chính của Chính phủ") > 0.97
    # Page 5: the signer under the seal, the title read `BỘ TRƯỜNG` and put right.
    assert (doc["signer_name"], doc["signer_title"]) == ("Trần Văn Sơn", "BỘ TRƯỞNG, CHỦ NHIỆM")


# ------------------------------------------------------------- cache, set-up


def test_each_page_is_ocrd_once(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    image = scanned_pages(KNOWN_PDF, first=3, last=3)[0]
    image.save(tmp_path / "page.png", dpi=(200, 200))
    cache = tmp_path / "cache"
    first = extract(tmp_path / "page.png", ocr_cache=cache)
    stored = list(cache.glob("*.json"))
    assert len(stored) == 1 and json.loads(stored[0].read_text(encoding="utf-8"))["words"]

    def no_second_reading(*args, **kwargs):
        raise AssertionError("a cached page was read again")
    monkeypatch.setattr(ocr_run, "read_page", no_second_reading)
    again = extract(tmp_path / "page.png", ocr_cache=cache)
    assert again.pages == first.pages


def test_a_batch_keeps_its_ocr_cache_under_its_output(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    scanned_pages(KNOWN_PDF, first=2, last=2)[0].save(tmp_path / "page.png", dpi=(200, 200))
    report = run_batch([tmp_path / "page.png"], tmp_path / "out", workers=1)
    assert len(list((tmp_path / "out" / ".cache" / "ocr").glob("*.json"))) == 1
    assert len(report.results) == 1


def test_without_tesseract_a_scan_gets_one_line_naming_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract here
    with pytest.raises(errors.OcrUnavailable) as info:
        extract(QD46)
    message = str(info.value)
    assert "tesseract-ocr-vie" in message and "\n" not in message
    # Every other file is parsed as before.
    report = run_batch([QD46, KNOWN_TXT], tmp_path / "out", workers=1)
    failed = {r.path: r.error for r in report.failed}
    assert list(failed) == [str(QD46)] and failed[str(QD46)]["code"] == "ocr_unavailable"
    assert "tesseract-ocr-vie" in failed[str(QD46)]["message"]
    assert report.count("parsed") == 1


def test_pages_are_read_by_one_thread_tesseract_processes(tmp_path, monkeypatch):
    """The pages give the parallelism: each Tesseract runs with one thread (OMP_THREAD_LIMIT=1)."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    seen = []
    real = ocr_tesseract.subprocess.run

    def spy(cmd, *args, **kwargs):
        if cmd and cmd[0] == ocr_tesseract.TESSERACT and "--list-langs" not in cmd:
            seen.append(kwargs["env"]["OMP_THREAD_LIMIT"])
        return real(cmd, *args, **kwargs)
    monkeypatch.setattr(ocr_tesseract.subprocess, "run", spy)
    path = scan_to_pdf(scanned_pages(KNOWN_PDF, first=4, last=5), tmp_path / "two.pdf")
    read = ocr_run.ocr_pdf_pages(str(path), "0" * 64, [1, 2], cache=None, workers=2)
    assert sorted(read) == [1, 2] and seen and set(seen) == {"1"}
    assert statistics.fmean(w.conf for w in read[1].words) > 0.8
