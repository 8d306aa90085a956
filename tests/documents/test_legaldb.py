"""Real pages of a legal-database site, as people save them: every kind of document.

`fixtures/legal-db/` holds 189 pages, copied unchanged. The truth each test
checks against is read off the page itself, by readers written here, apart
from the parser: the site's metadata table (a second opinion on the header),
and the page's own table cells (`|` lines) after each appendix heading.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import regex

from pipeline.run import parse_document
from tests.support.documents import FIXTURES
from tests.support.tablesrc import web_tables

PAGES = sorted((FIXTURES / "legal-db").glob("*.txt"))


@pytest.fixture(scope="module")
def parsed_pages() -> dict[Path, dict]:
    return {page: parse_document(page) for page in PAGES}


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("*", " ").split())


# ---------------------------------------------------------------- the site's metadata

METADATA_LABELS = {"Số hiệu": "number", "Loại văn bản": "type", "Người ký": "signer", "Ngày ban hành": "date"}


def site_metadata(page: Path) -> dict[str, str]:
    """The page's metadata table: a label line (`**Số hiệu:**`), then its value between `|` lines."""
    lines = page.read_text(encoding="utf-8").splitlines()[:200]
    meta = {}
    for i, line in enumerate(lines):
        label = _norm(line).rstrip(":")
        if label not in METADATA_LABELS or not _norm(line).endswith(":"):
            continue
        values = []
        for after in lines[i + 1:i + 6]:
            if after.strip() == "|":
                if values:
                    break
                continue
            values.append(_norm(after))
        meta.setdefault(METADATA_LABELS[label], " ".join(values))
    return meta


def test_every_page_is_parsed_and_every_line_claimed(parsed_pages):
    assert len(parsed_pages) == 189
    for page, rows in parsed_pages.items():
        unclaimed = [r for r in rows["residual"] if r["reason"] == "unclaimed"]
        assert unclaimed == [], f"{page.name}: {len(unclaimed)} lines unclaimed"
        assert rows["documents"][0]["coverage"] == 1.0


def test_the_site_furniture_is_set_aside(parsed_pages):
    for page, rows in parsed_pages.items():
        furniture = {r["text"] for r in rows["residual"] if r["reason"] == "site_furniture"}
        text = page.read_text(encoding="utf-8")
        if "Đang tải văn bản" in text:
            assert "Đang tải văn bản..." in furniture, page.name
            assert not any("Đang tải" in n["text"] or "THƯ VIỆN PHÁP LUẬT" in n["text"] for n in rows["outline"])
        if "## Văn bản liên quan" in text:
            assert "Văn bản liên quan" in furniture, page.name  # as the residual holds it: marks stripped
            assert not any(n["text"].startswith(("Văn bản liên quan", "Ban hành:")) for n in rows["outline"])


def _facts(doc: dict) -> dict[str, str]:
    day, month, year = doc["issued_day"], doc["issued_month"], doc["issued_year"]
    return {"number": doc["doc_number"] or "", "type": doc["doc_type"] or "", "signer": doc["signer_name"] or "",
            "date": f"{day:02d}/{month:02d}/{year}" if day and month and year else ""}


def test_header_facts_agree_with_the_site(parsed_pages):
    """Number, type, date and signer equal the site's metadata on at least 98 % of facts; every
    disagreement is named by a warning."""
    facts = agree = 0
    for page, rows in parsed_pages.items():
        meta = site_metadata(page)
        if not meta.get("number"):
            continue
        doc, ours = rows["documents"][0], _facts(rows["documents"][0])
        assert doc["site_number"] == meta["number"] and doc["site_type"] == meta["type"]
        for field, theirs in meta.items():
            facts += 1
            if "".join(ours[field].split()).casefold() == "".join(theirs.split()).casefold():
                agree += 1
            else:
                named = [w for w in rows["warnings"]
                         if w["code"] == "site_disagrees" and w["message"].startswith(field)]
                assert named, f"{page.name}: {field} {ours[field]!r} against the site's {theirs!r}, and no warning"
    assert facts > 300
    assert agree / facts >= 0.98, f"{agree}/{facts}"


def test_document_types_and_where_they_were_read(parsed_pages, capsys):
    """Type by type, how many documents were read, and from what; types agree with the site's."""
    by_type = Counter((rows["documents"][0]["doc_type"], rows["documents"][0]["doc_type_source"])
                      for rows in parsed_pages.values())
    with capsys.disabled():
        print("\ndocument types read from the 189 pages (type, read from: count):")
        for (doc_type, source), n in sorted(by_type.items(), key=lambda kv: -kv[1]):
            print(f"  {doc_type:<20} {source:<8} {n}")
    assert all(doc_type and source in ("title", "number", "letter", "site") for doc_type, source in by_type)
    site_types = Counter(site_metadata(p).get("type") for p in PAGES if site_metadata(p).get("type"))
    ours = Counter(parsed_pages[p]["documents"][0]["doc_type"] for p in PAGES if site_metadata(p).get("type"))
    assert ours == site_types
    assert {"Quyết định", "Kế hoạch", "Nghị quyết", "Công văn", "Công điện", "Thông báo", "Thông tư",
            "Nghị định"} <= {t for t, _ in by_type}


def test_letters_are_read_from_their_form(parsed_pages):
    """A Công văn has no type title: its `V/v` subject or `Kính gửi:` says what it is, whatever its code
    (`5348/CT-CS`: CT is the issuer Cục Thuế, not a Chỉ thị)."""
    doc = next(rows["documents"][0] for page, rows in parsed_pages.items() if page.name == "005d8820eb95c1cb.txt")
    assert (doc["doc_type"], doc["doc_type_source"], doc["doc_number"]) == ("Công văn", "letter", "5348/CT-CS")
    assert doc["title"] == "V/v hướng dẫn góp vốn điều lệ"
    assert doc["issuer"] == "BỘ TÀI CHÍNH CỤC THUẾ"
    assert (doc["signer_name"], doc["signer_title"]) == ("Phạm Thị Minh Hiền", "PHÓ TRƯỞNG BAN")
    assert doc["signer_authority"] == "TL. CỤC TRƯỞNG / KT. TRƯỞNG BAN CHÍNH SÁCH, THUẾ QUỐC TẾ"


def test_names_of_places_are_no_damage():
    """Resolutions on merging communes name Central Highlands places (`Bhăng`, `Dliê`, `Plông`) and glue
    words (`phườngPhong`): they parse; damage is judged on the common words."""
    texts = {p: p.read_text(encoding="utf-8") for p in PAGES}
    named = [p for p, t in texts.items() if re.search(r"\b(?:Bh|Dl|Pl)\w*[ăâêôơưàáảãạ]", t)]
    assert named
    for page in named:
        assert parse_document(page)["documents"][0]["doc_type"]


# -------------------------------------------------------------- the page's table cells

APPENDIX_MARK = re.compile(r"^\**\s*PHỤ\s+LỤC")
# A person's name: two to five words, each capitalised (`Hồ Văn Mười`).
SIGNER_NAME = regex.compile(r"^\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){1,4}$")


def page_cells(page: Path) -> list[str]:
    """The page's own appendix cells, in order: every non-empty stretch between two `|` lines after the
    first appendix heading, up to the site's matter at the end; a `|` line followed by a blank line ends a
    table. Not data: the cell that holds the heading, and a closing block (from `Nơi nhận` to the signer's
    name, or to the next heading)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    end = next((k for k, l in enumerate(lines) if l.strip() == "Văn bản này chưa cập nhật nội dung Tiếng Anh"
                or l.startswith("## Văn bản liên quan")), len(lines) + 1) - 1
    lines = lines[:max(end, 0)]
    bars = [k for k, l in enumerate(lines) if l.strip() == "|"]
    marks = [k for k, l in enumerate(lines) if APPENDIX_MARK.match(l.strip())]
    cells, in_appendix, closing = [], False, False
    events = sorted([(m, None) for m in marks] + [(a, (a, b)) for a, b in zip(bars, bars[1:])])
    for _at, span in events:
        if span is None:
            in_appendix, closing = True, False
            continue
        a, b = span
        stretch = lines[a + 1:b]
        if not stretch or not stretch[0].strip():
            continue
        if any(a < m < b for m in marks):
            in_appendix, closing = True, False  # the heading's own cell
            continue
        text = _norm(" ".join(stretch))
        if "Nơi nhận" in text:
            closing = True
        elif closing:
            last = _norm(stretch[-1])
            if SIGNER_NAME.match(last):
                closing = False
        elif in_appendix and text:
            cells.append(text)
    return cells


def _appendix_cells(rows: dict) -> list[str]:
    seq = {t["table_id"]: t["seq"] for t in rows["tables"] if t["part"] == "appendix"}
    cells = sorted((c for c in rows["table_cells"] if c["table_id"] in seq),
                   key=lambda c: (seq[c["table_id"]], c["row"], c["col"]))
    return [_norm(c["text"]) for c in cells if _norm(c["text"])]


def test_appendix_tables_give_the_page_cells(parsed_pages):
    """Read by (table, row, col), the appendix tables' non-empty cells are the page's own, in order."""
    pages = {p: page_cells(p) for p in PAGES}
    with_tables = {p: want for p, want in pages.items() if want}
    assert len(with_tables) >= 35
    total = right = 0
    for page, want in with_tables.items():
        got = _appendix_cells(parsed_pages[page])
        # compared without spaces: a heading mark (`##`) aside, cells are the page's words as printed
        squeeze = lambda cells: [re.sub(r"[\s#]", "", c) for c in cells]  # noqa: E731
        matcher = difflib.SequenceMatcher(None, squeeze(want), squeeze(got), autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        total += len(want)
        right += same
        assert same >= 0.98 * len(want), f"{page.name}: {same}/{len(want)} cells found in order"
    assert right / total >= 0.99, f"{right}/{total}"


def test_task_tables_give_appendix_rows_row_for_row(parsed_pages):
    """Every table of kind `tasks` is read into appendix rows: one per data row that is no group row."""
    tables = 0
    for rows in parsed_pages.values():
        for table in (t for t in rows["tables"] if t["kind"] == "tasks"):
            tables += 1
            mine = [r for r in rows["appendix_rows"] if r["table_id"] == table["table_id"]]
            data_rows = {c["row"] for c in rows["table_cells"] if c["table_id"] == table["table_id"]
                         and not c["is_header"]}
            groups = {n["node_id"] for n in rows["outline"] if n["kind"] == "table_group"
                      and n["parent_id"] == table["node_id"]}
            assert len(mine) == len(data_rows) - len(groups), table["table_id"]
            assert all(r["table_row"] in data_rows for r in mine)
    assert tables >= 5


def test_tables_of_every_kind(parsed_pages):
    kinds = Counter(t["kind"] for rows in parsed_pages.values() for t in rows["tables"])
    assert kinds["procedures"] >= 10 and kinds["tasks"] >= 5 and kinds["other"] >= 10
    procedures = [t for rows in parsed_pages.values() for t in rows["tables"] if t["kind"] == "procedures"]
    assert any(t["part"] == "appendix" for t in procedures) and all(t["header_rows"] >= 1 for t in procedures)


# `Chương I`, `**CHƯƠNG II: …`, and `**Chương` / `III**` where the page wraps the label.
CHAPTER = re.compile(r"(?m)^\**\s*(?:Chương|CHƯƠNG)\s+[IVXLC]+\b")
CHAPTER_LABEL = re.compile(r"(?m)^\**\s*(?:Chương|CHƯƠNG)\s+([IVXLC]+)(?=\b|\*)")
ARTICLE_LABEL = re.compile(r"(?m)^\**\s*Điều\s+(\d+)\s*\.")


def test_normative_structure(parsed_pages):
    """Every `Chương` of a page is a chapter node with its title, every article knows its chapter; a
    decision that issues a Quy định has the regulation as a part of its own."""
    for page, rows in parsed_pages.items():
        chapters = [n for n in rows["outline"] if n["kind"] == "chapter"]
        assert len(chapters) == len(CHAPTER.findall(page.read_text(encoding="utf-8"))), page.name
        # the numeral as the page prints it, also where its title's bold run is glued on (`**Chương II****CHUẨN …`)
        assert [c["label"] for c in chapters] == CHAPTER_LABEL.findall(page.read_text(encoding="utf-8")), page.name
        assert all(c["title"] for c in chapters), page.name
        for article in rows["articles"]:
            assert article["chapter"] is None or article["chapter"] in {c["label"] for c in chapters}
    assert sum(bool(CHAPTER.search(p.read_text(encoding="utf-8"))) for p in PAGES) >= 8
    rules = parsed_pages[FIXTURES / "legal-db" / "1a434d0a7e14dc93.txt"]
    assert rules["documents"][0]["parts"] == ["decision", "rules"]
    assert [(a["part"], a["chapter"]) for a in rules["articles"]][3:6] == [
        ("decision", None), ("rules", "I"), ("rules", "I")]
    assert [c["title"] for c in rules["outline"] if c["kind"] == "chapter"][0] == "NHỮNG QUY ĐỊNH CHUNG"


def test_a_letters_addressee_ends_where_its_body_begins(parsed_pages):
    """`Kính gửi:` holds the addressee only: a list under it is its items, and the body that follows a name
    with no full stop (`Thuế tỉnh Quảng Ninh` / `Cục Thuế nhận được …`) is a paragraph of its own."""
    by_name = {page.name: rows for page, rows in parsed_pages.items()}
    addressees = [n["text"] for rows in by_name.values() for n in rows["outline"] if n["kind"] == "addressee"]
    assert len(addressees) >= 30
    assert not [a for a in addressees if any(w in a for w in ("nhận được", "Trả lời", "Triển khai", "Xét "))]
    outline = by_name["b135fb7c2c27dd4b.txt"]["outline"]
    at = next(i for i, n in enumerate(outline) if n["kind"] == "addressee")
    assert outline[at]["text"] == "Kính gửi: Thuế tỉnh Quảng Ninh"
    assert outline[at + 1]["text"].startswith("Cục Thuế nhận được công văn số 1108/QNI-QLDN2")
    outline = by_name["d97b35347d17f96f.txt"]["outline"]
    addressee = next(n for n in outline if n["kind"] == "addressee")
    assert [n["text"] for n in outline if n["parent_id"] == addressee["node_id"]] == \
        ["UBND các xã, phường;", "Các đơn vị, cơ sở giáo dục trực thuộc."]


def test_a_type_title_glued_to_its_subject_is_read_as_both(parsed_pages):
    """`**NGHỊ ĐỊNH****Về hợp đồng …**`: the page set the title and the subject as one line. The title names the
    type, the subject is the title; the bases below are bases, and a basis's date is no date of the decree."""
    by_name = {page.name: rows for page, rows in parsed_pages.items()}
    for name, doc_type, subject in (
            ("355bcc582867074b.txt", "Nghị định", "Về hợp đồng thực hiện nhiệm vụ của công chức"),
            ("88be0fbbe795796d.txt", "Nghị quyết",
             "Về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Lai Châu năm 2025")):
        rows = by_name[name]
        doc = rows["documents"][0]
        assert (doc["doc_type"], doc["doc_type_source"], doc["title"]) == (doc_type, "title", subject)
        assert rows["legal_bases"][0]["text"].startswith("Căn cứ ")
    decree = by_name["355bcc582867074b.txt"]
    assert decree["legal_bases"][0]["text"] == "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;"
    assert (decree["documents"][0]["place"], decree["documents"][0]["issued_year"]) == (None, None)


# A type's title, then the subject, in one line of bold runs (`**NGHỊ ĐỊNH****Về …**`).
GLUED_TITLE = regex.compile(r"^\*\*(NGHỊ ĐỊNH|NGHỊ QUYẾT|QUYẾT ĐỊNH|THÔNG TƯ|CHỈ THỊ|KẾ HOẠCH|THÔNG BÁO|LUẬT)"
                            r"\*\*\*\*(.*\p{L}.*)$")


def test_a_subject_printed_again_below_its_glued_title_is_the_subject(parsed_pages):
    """Such a page prints the subject again on lines of its own below the glued line: those lines are the
    subject node's (its words once), not sentences of a preamble; and so a chapter's title printed again
    below `**Chương II****CHUẨN BỊ DỰ ÁN**` is the chapter's, not a paragraph under it."""
    glued = {}
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines()[:40]:
            if m := GLUED_TITLE.match(line.strip()):
                glued[page] = _norm(m.group(2)).split()
                break
    assert len(glued) >= 3
    for page, subject in glued.items():
        nodes = parsed_pages[page]["outline"]
        repeats = [n for n in nodes if n["kind"] != "subject" and n["parent_id"] and n["text"].split()
                   and n["text"].split() == subject[:len(n["text"].split())]]
        assert not repeats, (page.name, repeats[0]["text"])
        assert [n["text"].split() for n in nodes if n["kind"] == "subject"] == [subject], page.name
        assert parsed_pages[page]["documents"][0]["coverage"] == 1.0
    decree = parsed_pages[FIXTURES / "legal-db" / "eefcae096f723296.txt"]["outline"]
    titles = {n["title"] for n in decree if n["kind"] == "chapter"}
    assert len(titles) >= 4 and not [n for n in decree if n["kind"] == "para" and n["text"] in titles]


HEADER_CELL = "Nội dung công việc"


def test_a_header_printed_above_each_list_of_a_table_is_a_header_each_time(parsed_pages):
    """Procedure workflows (`Quy trình nội bộ …`) are one table of several lists, each under the header
    printed again (`Bước thực hiện | Nội dung công việc | …`), sometimes in the row its title ends: each
    print is a header row, and no task row holds the header's words."""
    pages = {page: page.read_text(encoding="utf-8").splitlines().count(f"**{HEADER_CELL}**") for page in PAGES}
    pages = {page: printed for page, printed in pages.items() if printed >= 3}
    assert len(pages) >= 3
    for page, printed in pages.items():
        rows = parsed_pages[page]
        header_rows = {(c["table_id"], c["row"]) for c in rows["table_cells"]
                       if c["is_header"] and c["text"] == HEADER_CELL}
        assert len(header_rows) == printed, page.name
        assert not [r for r in rows["appendix_rows"] if HEADER_CELL in (r["task"] or "")], page.name


def test_articles_are_numbered_through_the_chapters(parsed_pages):
    """`Điều 3` ends Chương I and `Điều 4` opens Chương II: a run of articles goes on across chapters, and
    a page whose articles run 1, 2, 3 … without a break is warned of no article's number."""
    through = [page for page in PAGES if CHAPTER.search(text := page.read_text(encoding="utf-8"))
               and (numbers := [int(n) for n in ARTICLE_LABEL.findall(text)])
               and numbers == list(range(1, len(numbers) + 1))]
    assert len(through) >= 5
    for page in through:
        warned = [w["message"] for w in parsed_pages[page]["warnings"] if w["message"].startswith("article ")]
        assert not warned, (page.name, warned[:3])


TOTAL_LABEL_LINE = regex.compile(r"^\*\*\s*Tổng\s+thời\s+gian\b")
DURATION_CELL = regex.compile(r"^(?:\d+(?:[.,]\d+)?\s+(?:ngày|giờ)|Không\s+tính)")


def totals_of(page: Path) -> list[tuple[str, str]]:
    """The page's totals rows as it prints them: a bold label cell `**Tổng thời gian …**`, then, past the
    `|` lines, its value cell (`**56 giờ làm việc**`): (label, value), each cell's words on one line."""
    lines = page.read_text(encoding="utf-8").splitlines()

    def cell_from(i: int) -> tuple[str, int]:
        words = []
        while i < len(lines) and lines[i].strip() != "|":
            words.append(_norm(lines[i]))
            i += 1
        return " ".join(words), i

    found = []
    for i, line in enumerate(lines):
        if TOTAL_LABEL_LINE.match(line) and i and lines[i - 1].strip() == "|":
            label, j = cell_from(i)
            while j < len(lines) and lines[j].strip() == "|":
                j += 1
            value, _ = cell_from(j)
            if DURATION_CELL.match(value):
                found.append((label, value))
    return found


def test_a_totals_row_puts_its_value_under_the_time_column(parsed_pages):
    """Procedure workflows end each list with a totals row: its label spans the first columns, its value
    (`56 giờ làm việc`, `Không tính thời gian`) stands in the column of the steps' times, whatever the
    page shows of the cells the label spans (none, or a row break). The appendix row reads the label as
    its task and the value as its deadline: never an agency."""
    pages = {page: totals for page in PAGES if (totals := totals_of(page))}
    assert len(pages) >= 5 and sum(map(len, pages.values())) >= 30
    for page, totals in pages.items():
        doc = parsed_pages[page]
        cells = doc["table_cells"]
        # Each table's column of times: where most of its cells read as a length of time.
        times = Counter((c["table_id"], c["col"]) for c in cells if DURATION_CELL.match(_norm(c["text"])))
        time_column = {}
        for (table, col), n in times.items():
            if n > times.get((table, time_column.get(table)), 0):
                time_column[table] = col
        by_row = {}
        for c in cells:
            by_row.setdefault((c["table_id"], c["row"]), []).append(c)
        labels = {label for label, _ in totals}
        found = Counter()
        for cell in cells:
            if _norm(cell["text"]) not in labels:
                continue
            for other in by_row[cell["table_id"], cell["row"]]:
                if DURATION_CELL.match(_norm(other["text"])):
                    found[_norm(cell["text"]), _norm(other["text"])] += 1
                    assert other["col"] == time_column[cell["table_id"]], (page.name, other["text"])
                    assert cell["col"] == 0 and cell["col_span"] == other["col"], (page.name, cell["text"])
        assert not Counter(totals) - found, (page.name, Counter(totals) - found)
        rows = doc["appendix_rows"]
        assert not [r for r in rows if DURATION_CELL.match(r["lead_agency"] or "")], page.name
        task_tables = {r["table_id"] for r in rows}
        for label, value in totals:
            if not {c["table_id"] for c in cells if _norm(c["text"]) == label} & task_tables:
                continue  # a table of no tasks (a procedure's form: `1 | Cơ sở pháp lý`) gives no rows
            assert any(_norm(r["task"] or "") == label and _norm(r["deadline_text"] or "") == value for r in rows), \
                (page.name, label, value)


LIST_TITLE_CELL = regex.compile(r"^Quy\s+trình\s+số\b")


def test_a_list_title_alone_on_its_row_is_the_group_of_the_rows_below(parsed_pages):
    """A table of several procedures' workflows gives each list a title row (`Quy trình số 02 2. Quy trình
    nội bộ giải quyết TTHC: …`): the group title of the step rows below it, never a step row of its own."""
    seen = 0
    for page in PAGES:
        doc = parsed_pages[page]
        rows = doc["appendix_rows"]
        task_tables = {r["table_id"] for r in rows}
        titles = [_norm(c["text"]) for c in doc["table_cells"]
                  if c["table_id"] in task_tables and LIST_TITLE_CELL.match(_norm(c["text"]))]
        if not titles:
            continue
        seen += len(titles)
        groups = {_norm(r["group_title"] or "") for r in rows}
        assert all(any(title in group for group in groups) for title in titles), page.name
        cells = [_norm(text or "") for r in rows for text in (r["task"], r["lead_agency"], r["deadline_text"])]
        cells += [_norm(other["text"]) for r in rows for other in r["other_cells"]]
        assert not [text for text in cells if LIST_TITLE_CELL.match(text)], page.name
    assert seen >= 10


def test_no_task_row_is_the_header_printed_again(parsed_pages):
    """A header printed again above a list, whatever its width of words (`Mức độ Dịch vụ công`), is a
    header row: no appendix row reads two or more of its table's header cells as its task, lead or deadline."""
    for page in PAGES:
        doc = parsed_pages[page]
        header = {}
        for c in doc["table_cells"]:
            if c["is_header"]:
                header.setdefault(c["table_id"], set()).add(_norm(c["text"]))
        for row in doc["appendix_rows"]:
            named = [text for text in (row["task"], row["lead_agency"], row["deadline_text"])
                     if text and _norm(text) in header.get(row["table_id"], ())]
            assert len(named) < 2, (page.name, row["row_id"], named)


SPANNING_PAGE = FIXTURES / "legal-db" / "646f0a00d4174382.txt"


def test_rows_under_cells_spanning_rows_keep_the_cells_above(parsed_pages, tmp_path):
    """A national plan's task table (`STT | Cơ quan chủ trì | Cơ quan phối hợp | Thuộc nhóm nhiệm vụ | Nội
    dung nhiệm vụ | Chỉ tiêu đạt được | Thời hạn hoàn thành`) whose first four columns span the tasks of
    each group: the rows under them hold only their task, target and deadline. Each appendix row has the
    task and the deadline its page row ends with, and the lead agency of the last row above it that gives one."""
    lines = SPANNING_PAGE.read_text(encoding="utf-8").split("\n")
    start = lines.index("**PHỤ LỤC I**")
    end = lines.index("**PHỤ LỤC II**")  # the next appendix, and its table
    region = tmp_path / "appendix-1.txt"  # the first appendix alone: its title, then its table's `|` lines
    region.write_text("\n".join(lines[start:end]).rstrip("|\n") + "\n|\n", encoding="utf-8")
    table = max(web_tables(region), key=len)
    width = len(table[0])
    expected, lead = [], None
    for cells in table[1:]:
        if len(cells) >= width - 1:
            lead = cells[-6]  # a row of its own agencies, with or without its number
        if len(cells) >= 3:
            expected.append((_norm(cells[-3]), _norm(lead), _norm(cells[-1])))
    rows = parsed_pages[SPANNING_PAGE]["appendix_rows"]
    got = [(_norm(r["task"] or ""), _norm(r["lead_agency"] or ""), _norm(r["deadline_text"] or "")) for r in rows]
    assert len(expected) >= 30 and sum(len(c) < width for c in table[1:]) >= 20
    assert got[:len(expected)] == expected


BROKEN_ROWS_PAGE = FIXTURES / "legal-db" / "ea34a356cafcb1aa.txt"
DECISION_CELL = regex.compile(r"^(?:Quyết\s+định|Được\s+công\s+bố|"
                              r"\d+/QĐ)")  # `431/QĐ-UBND ngày …`: the page's own shorthand


def test_a_row_the_page_broke_at_an_empty_cell_is_one_row(parsed_pages):
    """A list of procedures (`STT | Tên TTHC | Mã TTHC | Lĩnh vực | Quyết định công bố | VBQPPL | Ghi chú`)
    whose procedures without a code show the empty code cell as a row break: `7 | Thủ tục hỗ trợ đầu tư …`,
    then `Du lịch | Quyết định số 1106/QĐ-UBND | …`. Each numbered procedure is one row, its field under
    `Lĩnh vực` and its decision under `Quyết định công bố`."""
    doc = parsed_pages[BROKEN_ROWS_PAGE]
    headers = {(c["table_id"], c["col"]): _norm(c["text"]) for c in doc["table_cells"] if c["is_header"]}
    table = next(t for (t, _), text in headers.items() if text == "Lĩnh vực")
    column = {text.split("[")[0]: col for (t, col), text in headers.items() if t == table}
    rows: dict[int, dict[int, str]] = {}
    for c in doc["table_cells"]:
        if c["table_id"] == table and not c["is_header"]:
            rows.setdefault(c["row"], {})[c["col"]] = _norm(c["text"])
    numbered = [cells for cells in rows.values() if cells.get(0, "").isdigit() and 1 not in {len(cells)}]
    broken = [cells for cells in numbered if column["Mã TTHC"] not in cells]  # the procedures without a code
    assert len(numbered) >= 20 and len(broken) >= 10
    for cells in numbered:
        assert (cells.get(column["Lĩnh vực"])
                and not cells[column["Lĩnh vực"]].startswith(("Quyết định", "Nghị quyết"))), cells
        assert DECISION_CELL.search(cells.get(column["Quyết định công bố"], "")), cells


# The first cell of a list's header, as pages set it: the row's number.
NUMBER_HEADERS = {"STT", "Stt", "TT", "Số TT", "Số thứ tự"}


def _cells_of_page(page: Path) -> list[tuple[str, bool]]:
    """The page's `|` cells in order, each its text (emphasis out) and whether the page sets it all in
    bold; a `|` `|` (a row break or an empty cell) stands between two cells as ("", False). Not the cells
    of a signature block, which are no table's: from a cell holding `Nơi nhận` up to the next appendix
    heading (a line opening `PHỤ LỤC`)."""
    cells, stretch, signature = [], [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if _norm(line).startswith("PHỤ LỤC"):
            signature = False
        if line.strip() != "|":
            stretch.append(line.strip())
            continue
        raw = " ".join(l for l in stretch if l)
        signature = signature or "Nơi nhận" in _norm(raw)
        if not signature:
            cells.append((_norm(raw), raw.startswith("**") and raw.endswith("**") and len(raw) > 4))
        stretch = []
    return cells


def _list_headers(page: Path) -> list[tuple[str | None, list[str]]]:
    """The headers of the page's lists, each the first time it is printed: at a row's start, a run of bold
    cells opening with the number's (`**Số TT**` | `**Mã TTHC**` | …), up to the first that is not bold;
    with the heading the page sets in the cell before it, if any (`**II. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ
    BÃI BỎ**`: a bold cell of more than four words)."""
    cells = _cells_of_page(page)
    found, seen = [], []
    for k, (number, bold) in enumerate(cells):
        if not (bold and number in NUMBER_HEADERS):
            continue
        before, before_bold = cells[k - 1] if k else ("", False)
        heading = before if before_bold and len(before.split()) > 4 else None
        if before and heading is None:
            continue  # not at a row's start
        header = []
        for text, in_bold in cells[k:]:
            if not (text and in_bold):
                break
            header.append(text)
        if len(header) >= 2 and header not in seen:
            seen.append(header)
            found.append((heading, header))
    return found


def test_each_list_opens_a_table_under_its_own_header(parsed_pages):
    """A page's lists each open with their header (`STT` | `Tên thủ tục hành chính` | …), often with their
    heading in a cell right before it (`DANH MỤC THỦ TỤC HÀNH CHÍNH …`). The site's text runs them into one
    run of cells, and where the page lost the break after a heading, the heading and the header read as one
    row: every header cell then stood one column off its cells, and a second list (`II. DANH MỤC THỦ TỤC
    HÀNH CHÍNH BỊ BÃI BỎ` | `Số TT` | `Mã TTHC` | …, or a second table of figures) was read as rows of the
    first. Each list's header is the header row of a table, its first, its cells in order from the first
    column (a list's header is known by its number column and bold cells, whatever names its columns); a
    heading is in no header's row (a cell of its own: a table of one cell in an appendix); an abolished
    list is a table captioned by its heading."""
    pages = {page: found for page in PAGES if (found := _list_headers(page))}
    assert len(pages) >= 12 and sum(heading is not None for found in pages.values() for heading, _ in found) >= 12
    for page, found in pages.items():
        doc = parsed_pages[page]
        first_rows, flagged = {}, {}
        for c in doc["table_cells"]:
            if c["row"] == 0:
                first_rows.setdefault(c["table_id"], {})[c["col"]] = _norm(c["text"])
                flagged.setdefault(c["table_id"], set()).add(c["is_header"])
        headers = [[row[col] for col in sorted(row)] for table, row in first_rows.items() if flagged[table] == {True}]
        first_rows = [[row[col] for col in sorted(row)] for row in first_rows.values()]
        for heading, header in found:
            assert not any(heading in row and len(row) > 1 for row in first_rows if heading), (page.name, heading)
            assert any(row[:len(header)] == header for row in headers), (page.name, header, first_rows)
    lists = [(page, heading) for page, found in pages.items() for heading, _ in found[1:]
             if heading and "BÃI BỎ" in heading]
    assert lists
    for page, heading in lists:
        captions = [t["caption"] for t in parsed_pages[page]["tables"]]
        assert heading in captions, (page.name, heading, captions)


def test_a_consolidated_text_is_typed_by_its_code_and_its_certifying_signer_read(parsed_pages):
    """A consolidated text prints the title of the text it consolidates (`THÔNG TƯ`) and is signed under
    `XÁC THỰC VĂN BẢN HỢP NHẤT` by an officer with his rank (`Thượng tướng Võ Minh Lương`)."""
    doc = next(rows["documents"][0] for page, rows in parsed_pages.items() if page.name == "6d0e277c7b88a914.txt")
    assert (doc["doc_type"], doc["doc_type_source"], doc["doc_number"]) == ("Văn bản hợp nhất", "number", "94/VBHN-BQP")
    assert (doc["signer_name"], doc["signer_title"], doc["signer_authority"]) == (
        "Võ Minh Lương", "THỨ TRƯỞNG", "KT. BỘ TRƯỞNG")


def _variant(tmp_path: Path, name: str, old: str, new: str) -> dict:
    text = (FIXTURES / "legal-db" / name).read_text(encoding="utf-8")
    assert old in text
    page = tmp_path / name
    page.write_text(text.replace(old, new), encoding="utf-8")
    return parse_document(page)["documents"][0]


@pytest.mark.parametrize("subject", ["V/V", "v/v", "V/ v"])
def test_a_letters_subject_in_any_case_gives_its_form_and_its_date(tmp_path, subject):
    """The Cục Thuế letter 005d8820eb95c1cb with its `V/v` typed as other offices type it (no corpus page
    does): still a letter, not the Chỉ thị its code `CT-…` would say, and its date under the subject read."""
    doc = _variant(tmp_path, "005d8820eb95c1cb.txt", "*V/v hướng dẫn góp vốn điều lệ*",
                   f"*{subject} hướng dẫn góp vốn điều lệ*")
    assert (doc["doc_type"], doc["doc_type_source"], doc["doc_number"]) == ("Công văn", "letter", "5348/CT-CS")
    assert (doc["issued_day"], doc["issued_month"], doc["issued_year"]) == (20, 11, 2025)


def test_a_number_whose_code_has_a_dotted_section_is_read_whole(tmp_path):
    """The Government Office numbers its departments' letters `…/VPCP-V.I` (the issue's form; no corpus page
    is one): the letter 005d8820eb95c1cb numbered so."""
    doc = _variant(tmp_path, "005d8820eb95c1cb.txt", "Số: 5348/CT-CS", "Số: 1234/VPCP-V.I")
    assert (doc["doc_number"], doc["doc_code"]) == ("1234/VPCP-V.I", "VPCP-V.I")


def test_a_joint_code_names_its_type():
    """A coordination rule several bodies sign (`12/QCPH-UBND-UBMTTQ-LĐLĐ`, the issue's form; the Đắk Lắk rule
    of 2017 is `01/QCPH/UBND-UBMTTQ`) is a Quy chế by its code, as a joint plan `KHPH` is a Kế hoạch."""
    from parsers.language import vocab
    assert vocab.type_of_code("QCPH-UBND-UBMTTQ-LĐLĐ") == ("Quy chế", "regulation")
    assert vocab.type_of_code("QCPH/UBND-UBMTTQ") == ("Quy chế", "regulation")
    assert vocab.type_of_code("KHPH-BCA-NHNNVN") == ("Kế hoạch", "plan")
    assert vocab.DOC_NUMBER.search("Số: 12/QCPH-UBND-UBMTTQ-LĐLĐ")["code"] == "QCPH-UBND-UBMTTQ-LĐLĐ"


def test_a_signer_printed_in_the_other_orthography_has_the_same_key(tmp_path, parsed_pages):
    """Lê Hải Hòa signs a0079a10826a1d45; the same page with his name printed `Lê Hải Hoà` under the
    signature (the site's metadata still `Lê Hải Hòa`): the name as printed, one key, no disagreement."""
    name = "a0079a10826a1d45.txt"
    page = tmp_path / name
    page.write_text((FIXTURES / "legal-db" / name).read_text(encoding="utf-8").replace(
        "**Lê Hải Hòa**", "**Lê Hải Hoà**"), encoding="utf-8")
    rows = parse_document(page)
    doc = rows["documents"][0]
    (original,) = (r["documents"][0] for p, r in parsed_pages.items() if p.name == name)
    assert (original["signer_name"], original["signer_key"]) == ("Lê Hải Hòa", "Lê Hải Hòa")
    assert (doc["signer_name"], doc["signer_key"], doc["site_signer"]) == ("Lê Hải Hoà", "Lê Hải Hòa", "Lê Hải Hòa")
    assert [w["message"] for w in rows["warnings"] if w["code"] == "site_disagrees"] == []


def test_names_in_two_orthographies_are_grouped_as_one(parsed_pages):
    """The pages as one batch: the issuers of cited documents printed in both orthographies share a key
    (`Uỷ ban nhân dân tỉnh Bắc Ninh` of 30/2025/QĐ-UBND, ea34a356cafcb1aa; `Ủy ban …` of 23/2019/QĐ-UBND,
    72f18ee047b71e9a); no agency is listed twice under the two; every signer has its key."""
    from parsers.facts.agencies import merge_agency_rows
    from parsers.facts.resolve import resolve_citations
    from parsers.language.vocab import orthography_key

    whole = {name: [r for rows in parsed_pages.values() for r in rows[name]]
             for name in ("documents", "citations", "agencies")}
    assert all(d["signer_key"] == orthography_key(d["signer_name"]) for d in whole["documents"])
    cited = resolve_citations(whole)["cited_documents"]
    spellings: dict[str, set] = {}
    for c in cited:
        if c["issuer"]:
            spellings.setdefault(c["issuer_key"], set()).add(c["issuer"])
    assert {k: v for k, v in spellings.items() if len(v) > 1} == {
        "Ủy ban nhân dân tỉnh Bắc Ninh": {"Uỷ ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh"}}
    agencies = merge_agency_rows(whole["agencies"])
    assert len({orthography_key(a["name"]).casefold() for a in agencies}) == len(agencies)
