"""The normalisation stage on the known plan, from PDF and text alike."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tests.support.documents import FIXTURES, parsed


def test_every_deadline_of_the_known_plan_is_normalised(known):
    rows = {r["row_id"]: r for r in known["appendix_rows"]}
    milestones = known["milestones"]
    assert {m["row_id"] for m in milestones} == {r for r, row in rows.items() if row["deadline_text"]}
    assert [m for m in milestones if m["kind"] == "unknown"] == []
    assert Counter(m["kind"] for m in milestones) == {"quarter": 11, "year": 10, "event": 7, "recurring": 5,
                                                       "month": 4, "before": 3}
    two = [m for m in milestones if rows[m["row_id"]]["group_no"] == 1 and rows[m["row_id"]]["row_no"] == 2]
    assert [(m["action"], m["kind"], m["start"], m["end"]) for m in two] == [
        ("Ban hành Kế hoạch", "month", dt.date(2021, 1, 1), dt.date(2021, 1, 31)),
        ("Báo cáo kết quả thực hiện Kế hoạch", "quarter", dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
    ]
    for m in milestones:
        assert m["start"] is None or m["end"] is None or m["start"] <= m["end"]


def test_citations_of_the_known_plan(known):
    def facts(number, year, code, field):
        return {c[field] for c in known["citations"] if (c["number"], c["year"], c["code"]) == (number, year, code)}

    assert dt.date(2014, 11, 20) in facts("108", 2014, "NĐ-CP", "issued_date")
    assert "Chính phủ" in facts("108", 2014, "NĐ-CP", "issuer")
    assert dt.date(2017, 10, 25) in facts("18", 2017, "NQ/TW", "issued_date")
    assert dt.date(2014, 3, 5) in facts("19", 2014, "QĐ-TTg", "issued_date")
    assert dt.date(2019, 11, 14) in facts("680", 2019, "QĐ-UBND", "issued_date")  # the date after the issuer
    assert facts("106", 2020, "NĐ-CP", "issued_date") == {dt.date(2020, 9, 10)}  # a number without its year
    where = {c["where"].split(":")[0] for c in known["citations"]}
    assert where == {"outline", "appendix_rows"}
    assert "citation_conflict" in {w["code"] for w in known["warnings"]}


def test_agency_spellings_meet_one_id(known):
    office = [a for a in known["agencies"] if a["name"] == "Văn phòng HĐND – UBND huyện"]
    assert len(office) == 1
    assert {"Văn phòng HDNĐ - UBND huyện", "Văn phòng HĐND – UBND huyện"} <= set(office[0]["aliases"])
    rows = [r for r in known["appendix_rows"]
            if r["lead_agency"] in ("Văn phòng HDNĐ - UBND huyện", "Văn phòng HĐND – UBND huyện")]
    assert (len({r["lead_agency"] for r in rows}) == 2
            and {r["lead_agency_id"] for r in rows} == {office[0]["agency_id"]})
    co_led = next(r for r in known["appendix_rows"] if r["lead_agency"] == "Phòng Nội vụ; Phòng Giáo dục – Đào tạo")
    assert len(co_led["lead_agency_ids"]) == 2


def test_dvctt_and_bcci_targets(known):
    found = [(t["comparator"], t["value"], t["unit"]) for t in known["targets"]
             if t["where"].startswith("appendix_rows") and t["comparator"] == ">="]
    assert found == [(">=", 60.0, "%"), (">=", 25.0, "%"), (">=", 50.0, "%"), (">=", 10.0, "%"), (">=", 20.0, "%")]


def test_the_text_file_restores_the_lost_percent_only_where_certain():
    from tests.support.documents import KNOWN_TXT
    targets = parsed(KNOWN_TXT)["targets"]
    restored = [t for t in targets if t["percent_restored"]]
    assert {t["value"] for t in restored} >= {60.0, 25.0, 50.0, 10.0, 20.0}
    assert all(t["unit"] == "%" for t in restored)
    assert not any(t["percent_restored"] for t in parsed(FIXTURES / "mang-yang-2021-cchc.pdf")["targets"])
