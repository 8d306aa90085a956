"""Citations resolved into the documents they cite, across the documents of a batch.

Two real decisions of tests/fixtures/legal-db: Quyết định 3361/QĐ-BCT of the Minister of Industry and Trade
(266dbea1c7803ae9.txt) and a decision of Bắc Ninh province that publishes procedures under it
(e52fee108f53e169.txt). Both rest on Nghị định 63/2010/NĐ-CP; the second cites the first.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from parsers.facts.resolve import resolve_citations
from pipeline import load_tables
from pipeline.batch.runner import run_batch
from tests.support.documents import FIXTURES

MINISTRY = FIXTURES / "legal-db" / "266dbea1c7803ae9.txt"
PROVINCE = FIXTURES / "legal-db" / "e52fee108f53e169.txt"


def batch(tmp_path: Path):
    run_batch([MINISTRY, PROVINCE], tmp_path, workers=1)
    return load_tables(tmp_path)


def test_two_documents_citing_one_decree_point_to_one_cited_document(tmp_path):
    t = batch(tmp_path)
    docs = dict(zip(t["documents"].source_path, t["documents"].doc_id))
    c = t["citations"]
    decree = c[(c.number == "63") & (c.code == "NĐ-CP") & (c.year == 2010)]
    assert set(decree.doc_id) == {docs[str(MINISTRY)], docs[str(PROVINCE)]}
    assert decree.cited_id.nunique() == 1
    row = t["cited_documents"].set_index("cited_id").loc[decree.cited_id.iloc[0]]
    assert (row.doc_type, row.number, row.year, row.code, row.issued_date, row.issuer, row.n_citing_documents) == (
        "Nghị định", "63", 2010, "NĐ-CP", datetime.date(2010, 6, 8), "Chính phủ", 2)
    assert pd.isna(row.doc_id)  # not among the parsed documents


def test_a_parsed_document_cited_by_another_resolves_to_its_doc_id(tmp_path):
    t = batch(tmp_path)
    docs = dict(zip(t["documents"].source_path, t["documents"].doc_id))
    cited = t["cited_documents"]
    ministry = cited[cited.doc_id == docs[str(MINISTRY)]]
    assert list(ministry[["doc_type", "number", "year", "code"]].itertuples(index=False, name=None)) == [
        ("Quyết định", "3361", 2025, "QĐ-BCT")]
    # Walked from the citing side: what the province's decision rests on includes the ministry's.
    c = t["citations"]
    rests_on = c[c.doc_id == docs[str(PROVINCE)]].merge(cited, on="cited_id", suffixes=("", "_cited"))
    assert docs[str(MINISTRY)] in set(rests_on.doc_id_cited.dropna())
    # And from the cited side: who cites the ministry's decision.
    citing = c[c.cited_id == ministry.cited_id.iloc[0]]
    assert docs[str(PROVINCE)] in set(citing.doc_id)


def test_every_citation_with_a_number_or_a_name_has_its_cited_document(tmp_path):
    t = batch(tmp_path)
    c, cited = t["citations"], t["cited_documents"]
    named = c.number.notna() | (c.code.isna() & c.subject.notna())
    assert c[named].cited_id.notna().all()
    assert c[~named].cited_id.isna().all() and len(c[~named]) < 3  # a draft's blank `Quyết định số /QĐ-UBND`
    c = c[named]
    assert set(c.cited_id) == set(cited.cited_id)
    assert cited.cited_id.is_unique
    counts = c.groupby("cited_id").doc_id.nunique()
    assert (cited.set_index("cited_id").n_citing_documents == counts.reindex(cited.cited_id)).all()


def citation(doc_id, number, code, year, **more):
    return {"doc_id": doc_id, "where": "outline:1", "doc_type": more.get("doc_type"), "number": number, "year": year,
            "code": code, "issued_date": more.get("issued_date"), "issuer": more.get("issuer"),
            "subject": more.get("subject"), "raw": more.get("raw", "")}


def resolved(citations, documents=()):
    return resolve_citations({"citations": list(citations), "documents": list(documents)})


def test_leading_zeros_spaces_and_case_do_not_make_another_document():
    out = resolved([citation("a", "004", "TT-BNV", 2025), citation("b", "4", "TT - BNV", 2025),
                    citation("c", "04", "tt-bnv", 2025), citation("d", "4", "TT-BNV", 2024)])
    ids = [c["cited_id"] for c in out["citations"]]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert len(out["cited_documents"]) == 2


def test_an_undated_citation_joins_the_only_dated_document_of_its_number():
    # `Nghị quyết số 18-NQ/TW` cited once with its date (2017) and once without.
    out = resolved([citation("a", "18", "NQ/TW", 2017, issued_date=datetime.date(2017, 10, 25)),
                    citation("b", "18", "NQ/TW", None)])
    assert out["citations"][0]["cited_id"] == out["citations"][1]["cited_id"]
    (doc,) = out["cited_documents"]
    assert (doc["year"], doc["issued_date"], doc["n_citing_documents"]) == (2017, datetime.date(2017, 10, 25), 2)


def test_a_law_by_name_a_blank_draft_number_and_a_stable_id():
    out = resolved([citation("a", None, None, 2015, doc_type="Luật", subject="Tổ chức chính quyền địa phương"),
                    citation("b", None, None, 2015, doc_type="Luật", subject="Tổ chức  Chính quyền địa phương"),
                    citation("c", None, "QĐ-UBND", None, doc_type="Quyết định")])
    first, second, blank = out["citations"]
    assert first["cited_id"] == second["cited_id"] and blank["cited_id"] is None
    assert resolved([citation("x", None, None, 2015, doc_type="Luật", subject="Tổ chức chính quyền địa phương")]
                    )["citations"][0]["cited_id"] == first["cited_id"]


def test_a_document_resolves_only_with_its_year():
    documents = [{"doc_id": "d2024", "doc_number": "12/KH-UBND", "doc_code": "KH-UBND", "issued_year": 2024},
                 {"doc_id": "d2025", "doc_number": "12/KH-UBND", "doc_code": "KH-UBND", "issued_year": 2025}]
    out = resolved([citation("a", "12", "KH-UBND", 2025), citation("b", "12", "KH-UBND", 2023)], documents)
    by_year = {d["year"]: d["doc_id"] for d in out["cited_documents"]}
    assert by_year == {2025: "d2025", 2023: None}


def test_the_review_page_links_both_directions(tmp_path):
    from pipeline.report.page import render_report
    t = batch(tmp_path)
    docs = dict(zip(t["documents"].source_path, t["documents"].doc_id))
    ministry, province = docs[str(MINISTRY)], docs[str(PROVINCE)]
    province_page = render_report(t, province)
    cites = province_page[province_page.index("<h3>Cites</h3>"):province_page.index("<h3>Cited by</h3>")]
    assert f'<a href="{ministry}.html">' in cites and "Quyết định 3361/QĐ-BCT (2025)" in cites
    assert "Nghị định 63/NĐ-CP (2010)" in cites
    ministry_page = render_report(t, ministry)
    cited_by = ministry_page[ministry_page.index("<h3>Cited by</h3>"):]
    assert f'<a href="{province}.html">' in cited_by.split("</section>")[0]


def test_a_law_by_name_and_year_joins_the_same_law_cited_with_its_number():
    # `Luật Tổ chức chính quyền địa phương ngày 16/6/2025` in one decision, `… số 72/2025/QH15` in another.
    out = resolved([
        citation("a", None, None, 2025, doc_type="Luật", subject="Tổ chức chính quyền địa phương",
                 issued_date=datetime.date(2025, 6, 16)),
        citation("b", "72", "QH15", 2025, doc_type="Luật", subject="Tổ chức chính quyền địa phương"),
        citation("c", None, None, 2015, doc_type="Luật", subject="Tổ chức chính quyền địa phương")])
    ids = [c["cited_id"] for c in out["citations"]]
    assert ids[0] == ids[1] != ids[2]
    law = next(d for d in out["cited_documents"] if d["cited_id"] == ids[0])
    assert (law["number"], law["code"], law["year"], law["issued_date"], law["n_citing_documents"]) == (
        "72", "QH15", 2025, datetime.date(2025, 6, 16), 2)


def test_of_two_laws_of_one_name_and_year_the_one_of_the_same_date():
    # The law on local government was enacted twice in 2025: 65/2025/QH15 (19/2) and 72/2025/QH15 (16/6).
    name = {"doc_type": "Luật", "subject": "Tổ chức chính quyền địa phương"}
    out = resolved([citation("a", "65", "QH15", 2025, issued_date=datetime.date(2025, 2, 19), **name),
                    citation("b", "72", "QH15", 2025, issued_date=datetime.date(2025, 6, 16), **name),
                    citation("c", None, None, 2025, issued_date=datetime.date(2025, 6, 16), **name),
                    citation("d", None, None, 2025, **name)])
    ids = [c["cited_id"] for c in out["citations"]]
    assert ids[2] == ids[1] != ids[0] and ids[3] not in ids[:3]  # undated: either law, so neither


def test_a_law_named_in_two_orthographies_is_one_cited_document():
    # Luật Thủy sản (18/2017/QH14), cited by name as d5ffa6afac124d52 cites it, and by name and number with
    # the mark of `uỷ` on its second vowel.
    out = resolved([citation("a", None, None, 2017, doc_type="Luật", subject="Thủy sản"),
                    citation("b", None, None, 2017, doc_type="Luật", subject="Thuỷ sản"),
                    citation("c", "18", "QH14", 2017, doc_type="Luật", subject="Thuỷ sản")])
    ids = {c["cited_id"] for c in out["citations"]}
    (law,) = out["cited_documents"]
    assert ids == {law["cited_id"]}
    assert (law["number"], law["code"], law["name"], law["n_citing_documents"]) == ("18", "QH14", "Thuỷ sản", 3)


def test_an_issuer_in_two_orthographies_is_counted_once_and_keyed():
    # ea34a356cafcb1aa cites Quyết định 30/2025/QĐ-UBND `… của Uỷ ban nhân dân tỉnh Bắc Ninh` and `… của UBND
    # tỉnh Bắc Ninh`; 72f18ee047b71e9a cites 23/2019/QĐ-UBND `… của Ủy ban nhân dân tỉnh Bắc Ninh`.
    spelled = ["UBND tỉnh Bắc Ninh", "UBND tỉnh Bắc Ninh", "Uỷ ban nhân dân tỉnh Bắc Ninh",
               "Uỷ ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh"]
    out = resolved([citation(doc, "30", "QĐ-UBND", 2025, doc_type="Quyết định", issuer=issuer)
                    for doc, issuer in zip("abcde", spelled)]
                   + [citation("f", "23", "QĐ-UBND", 2019, doc_type="Quyết định",
                               issuer="Ủy ban nhân dân tỉnh Bắc Ninh")])
    by_year = {d["year"]: (d["issuer"], d["issuer_key"]) for d in out["cited_documents"]}
    # three citations of one name against two: the name most give, as most of them print it
    assert by_year == {2025: ("Uỷ ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh"),
                       2019: ("Ủy ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh")}
