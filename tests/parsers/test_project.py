"""Stage 4 and the whole pipeline on the known plan, from text and from PDF alike."""

from __future__ import annotations

from collections import Counter

import pytest

from parsers.language import vocab
from pipeline.run import parse_document
from tests.support.documents import FIXTURES, KNOWN_PDF, KNOWN_TXT, parsed


def test_documents_row(known):
    doc = known["documents"][0]
    assert doc["doc_type"] == "Quyết định" and doc["parts"] == ["decision", "plan", "appendix"]
    assert doc["issuer"] == "ỦY BAN NHÂN DÂN HUYỆN MANG YANG"
    assert doc["doc_number"] is None and doc["doc_code"] == "QĐ-UBND"  # a draft: the number is blank
    assert doc["place"] == "Mang Yang"
    assert (doc["issued_year"], doc["issued_month"], doc["issued_day"]) == (2020, 12, None)
    assert doc["plan_year"] == 2021
    assert (doc["signer_name"], doc["signer_title"]) == ("Lê Trọng", "CHỦ TỊCH")
    assert doc["title"] == "Ban hành Kế hoạch cải cách hành chính năm 2021 của huyện Mang Yang"


def test_articles_and_legal_bases(known):
    assert [a["article_no"] for a in known["articles"]] == [1, 2, 3]
    assert known["articles"][2]["text"].startswith("Quyết định có hiệu lực thi hành kể từ ngày ký. "
                                                   "Chánh Văn phòng HDND - UBND huyện;")
    assert known["articles"][2]["text"].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    assert Counter(b["kind"] for b in known["legal_bases"]) == {"basis": 2, "proposal": 1}
    assert known["legal_bases"][2]["text"] == "Theo đề nghị của Trưởng phòng Nội vụ."


def test_objectives(known):
    objectives = known["objectives"]
    assert [o["objective_no"] for o in objectives] == [str(i) for i in range(1, 10)]
    assert objectives[7]["text"] == ("Tăng cường ứng dụng công nghệ thông tin để góp phần hiện đại hóa nền hành chính, "
                                     "xây dựng Chính quyền điện tử, hướng tới Chính quyền số.")


def test_tasks_by_section_letter(known):
    tasks = known["tasks"]
    per_section = Counter(t["section_no"] for t in tasks)
    assert [per_section[str(i)] for i in range(1, 8)] == [5, 4, 5, 5, 6, 9, 5]
    assert len(tasks) == 39
    for section in map(str, range(1, 8)):
        letters = [t["letter"] for t in tasks if t["section_no"] == section]
        assert letters == vocab.VIETNAMESE_ALPHABET[: len(letters)]  # in order, đ after d, no f
        assert [t["letter_index"] for t in tasks if t["section_no"] == section] == list(range(1, len(letters) + 1))
    six_i = next(t for t in tasks if (t["section_no"], t["letter"]) == ("6", "i"))
    assert six_i["section_title"] == "Xây dựng và phát triển Chính quyền điện tử"
    assert six_i["text"] == ("Kiểm tra hoạt động áp dụng, duy trì và cải tiến HTQLCL theo tiêu chuẩn quốc gia "
                             "TCVN ISO 9001 tại các cơ quan, tổ chức, cụ thể:")
    assert six_i["bullets"] == [
        "Kiểm tra việc áp dụng, duy trì và cải tiến HTQLCL theo yêu cầu của tiêu chuẩn quốc gia TCVN ISO 9001;",
        "Kiểm tra việc tuân thủ theo các quy định tại Quyết định số 19/2014/QĐ – TTg;",
        "Kiểm tra tình hình triển khai Kế hoạch số 133/KH-UBND ngày 18/12/2019 của UBND huyện về việc xây dựng, "
        "chuyển đổi Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 trong cơ quan, tổ chức "
        "thuộc hệ thống hành chính nhà nước của huyện Mang Yang giai đoạn 2019 - 2021.",
    ]


def test_the_known_plan_warns_only_of_its_citation_conflict(known):
    # The plan cites its ISO plan of 18/12/2019 as 133/KH-UBND in the text and 113/KH-UBND in the appendix:
    # one row for each place, found by its ids.
    message = "one Kế hoạch of 18/12/2019 cited as 133/KH-UBND and as 113/KH-UBND"
    assert [(w["stage"], w["code"], w["message"]) for w in known["warnings"]] == [
        ("normalise", "citation_conflict", message)] * 2
    in_text, in_appendix = known["warnings"]
    node = next(n for n in known["outline"] if n["node_id"] == in_text["node_id"])
    assert "Kế hoạch số 133/KH-UBND ngày 18/12/2019" in node["text"] and in_text["row_id"] is None
    row = next(r for r in known["appendix_rows"] if r["row_id"] == in_appendix["row_id"])
    assert "113/KH-UBND" in " ".join([row["task"], *row["products"]]) and in_appendix["node_id"] == row["node_id"]


def _without_percent(value):
    # The text file lost every `%` of the PDF (`100 .`, `từ 60  trở lên`); see README.
    if isinstance(value, list):
        return [_without_percent(v) for v in value]
    return (" ".join(value.replace("%", " ").split()).replace(" .", ".").replace(" ,", ",") if isinstance(value, str)
            else value)


@pytest.mark.parametrize("table,columns", [
    ("articles", ["article_no", "text"]),
    ("objectives", ["objective_no", "text"]),
    ("tasks", ["section_no", "section_title", "letter", "text", "bullets"]),
    ("legal_bases", ["kind", "text"]),
])
def test_pdf_and_text_give_the_same_words(table, columns):
    from_text = [[r[c] for c in columns] for r in parsed(KNOWN_TXT)[table]]
    from_pdf = [[_without_percent(r[c]) for c in columns] for r in parsed(KNOWN_PDF)[table]]
    assert from_pdf == from_text


def test_the_pdf_keeps_the_percent_signs_the_text_lost():
    pdf_task = next(t for t in parsed(KNOWN_PDF)["tasks"] if (t["section_no"], t["letter"]) == ("6", "c"))
    txt_task = next(t for t in parsed(KNOWN_TXT)["tasks"] if (t["section_no"], t["letter"]) == ("6", "c"))
    assert "đạt tỷ lệ 100%." in pdf_task["text"] and "đạt tỷ lệ 100." in txt_task["text"]


def test_every_line_is_in_the_outline_or_the_residual(known):
    doc = known["documents"][0]
    in_outline = sum(r["line_end"] - r["line_start"] + 1 for r in known["outline"]
                     if r["line_start"] is not None and r["page_start"] == r["page_end"])
    spanning = [r for r in known["outline"] if r["page_start"] is not None and r["page_start"] != r["page_end"]]
    assert doc["lines_in_outline"] + len(known["residual"]) == doc["lines_total"]
    assert in_outline + sum(1 for _ in spanning) <= doc["lines_in_outline"]
    assert all(r["reason"] != "unclaimed" for r in known["residual"])
    assert doc["coverage"] == 1.0


# ---------------------------------------------------------------- truncated documents


def _cut(tmp_path, marker: str, name: str):
    text = KNOWN_TXT.read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(text[: text.index(marker)], encoding="utf-8")
    return parse_document(path)


def test_decision_without_its_plan(tmp_path):
    tables = _cut(tmp_path, " ỦY BAN NHÂN DÂN CỘNG HÒA", "decision-only.txt")
    assert [a["article_no"] for a in tables["articles"]] == [1, 2, 3]
    assert tables["tasks"] == [] and tables["objectives"] == []
    assert {w["code"] for w in tables["warnings"]} >= {"plan_missing"}


def test_plan_without_its_appendix(tmp_path):
    tables = _cut(tmp_path, " Phụ lục", "no-appendix.txt")
    assert len(tables["tasks"]) == 39
    assert [w["code"] for w in tables["warnings"]] == ["appendix_missing"]


def test_plan_cut_mid_sentence(tmp_path):
    tables = _cut(tmp_path, "khai thực hiện kế hoạch CCHC; xác định rõ", "cut.txt")
    assert len(tables["objectives"]) == 9 and len(tables["tasks"]) == 35
    assert [w["code"] for w in tables["warnings"]] == ["truncated"]  # cut before the appendix is named


def test_a_damaged_words_warning_names_the_node_that_holds_the_word():
    """bac-ninh-144-2025: its page prints some words in a font whose marks were lost (`cǜng`, `kǶ`); clean names
    the line, and the warning row names the outline node holding it, whose text has the word."""
    tables = parsed(FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt")
    damaged = [w for w in tables["warnings"] if w["code"] == "damaged_word"]
    nodes = {n["node_id"]: n for n in tables["outline"]}
    assert len(damaged) >= 5
    for w in damaged:
        word = w["message"].split("'")[1]
        node = nodes[w["node_id"]]
        assert word in f"{node['title'] or ''} {node['text']}", (word, node["node_id"])
