"""Deadline cells read as milestones: the wording of real appendices, every kind, and the edges."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.facts.dates import KINDS, Milestone, header_unit, milestones, to_json_lines
from tests.support.documents import FIXTURES, KNOWN_TXT

D = date
DONG_THAP_617 = FIXTURES / "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep.txt"
DONG_THAP_552 = FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt"
HA_NOI_310 = FIXTURES / "ha-noi-310-2025-5g-iot.txt"
BAC_NINH_144 = FIXTURES / "bac-ninh-144-2025-kinh-te-so.txt"


def read(text: str, plan_year: int | None = None) -> list[tuple]:
    """(kind, start, end, action) of each milestone: what a test compares."""
    return [(m.kind, m.start, m.end, m.action) for m in milestones(text, plan_year)]


@cache
def flat(path) -> str:
    """A fixture as one line: NFC, web emphasis out, one space between words."""
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).replace("*", "")
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# Real deadline cells. Each row: the document, the cell (its lines joined by
# one space), the plan year, the milestones expected.
# ---------------------------------------------------------------------------
Q4_2021 = ("quarter", D(2021, 10, 1), D(2021, 12, 31))
Q1_2021 = ("quarter", D(2021, 1, 1), D(2021, 3, 31))
YEAR_2021 = (D(2021, 1, 1), D(2021, 12, 31))
YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))

REAL_CELLS = [
    # the known plan, Mang Yang 2021
    (KNOWN_TXT, "Sau khi có văn bản của cấp trên", 2021, [("event", None, None, "")]),
    (KNOWN_TXT, "Theo Quyết định hoặc Nghị quyết của Thường trực HĐND huyện; Quyết định của Chủ tịch UBND", 2021,
     [("event", None, None, "")]),
    (KNOWN_TXT,
     "- Ban hành Kế hoạch trong tháng 01/2021. - Báo cáo kết quả thực hiện Kế hoạch trong quý IV năm 2021.", 2021,
     [("month", D(2021, 1, 1), D(2021, 1, 31), "Ban hành Kế hoạch"), (*Q4_2021, "Báo cáo kết quả thực hiện Kế hoạch")]),
    # no stop after the first milestone: the dash before a capital still cuts
    (KNOWN_TXT, "- Ban hành Kế hoạch trong tháng 01/2021 - Báo cáo kết quả thực hiện trong Quý IV năm 2021.", 2021,
     [("month", D(2021, 1, 1), D(2021, 1, 31), "Ban hành Kế hoạch"), (*Q4_2021, "Báo cáo kết quả thực hiện")]),
    (KNOWN_TXT, "- Ban hành kế hoạch trong Quý I/2021 - Báo cáo kết quả thực hiện trong Quý IV năm 2021", 2021,
     [(*Q1_2021, "Ban hành kế hoạch"), (*Q4_2021, "Báo cáo kết quả thực hiện")]),
    (KNOWN_TXT, "- Ban hành kế hoạch trong quý I/2021; - Báo cáo trong quý IV năm 2021;", 2021,
     [(*Q1_2021, "Ban hành kế hoạch"), (*Q4_2021, "Báo cáo")]),
    (KNOWN_TXT, "- Ban hành Kế hoạch trong Quý I/2021. - Báo cáo định kỳ hàng quý trong năm", 2021,
     [(*Q1_2021, "Ban hành Kế hoạch"), ("recurring", *YEAR_2021, "Báo cáo")]),
    (KNOWN_TXT, "Trước ngày 31/12/2020", 2021, [("before", None, D(2020, 12, 31), "")]),
    (KNOWN_TXT, "Trước ngày 28/02/2022", 2021, [("before", None, D(2022, 2, 28), "")]),
    (KNOWN_TXT, "Ban hành kế hoạch trước 31/12/2020", 2021, [("before", None, D(2020, 12, 31), "Ban hành kế hoạch")]),
    (KNOWN_TXT, "Theo kế hoạch", 2021, [("event", None, None, "")]),
    (KNOWN_TXT, "Theo Kế hoạch của cấp trên", 2021, [("event", None, None, "")]),
    (KNOWN_TXT, "Theo hướng dẫn của cấp trên", 2021, [("event", None, None, "")]),
    (KNOWN_TXT, "Sau khi UBND tỉnh ban hành và theo thời gian quy định của Sở Nội vụ", 2021,
     [("event", None, None, "")]),
    (KNOWN_TXT, "Trong năm 2021", 2021, [("year", *YEAR_2021, "")]),
    (KNOWN_TXT, "Trong tháng 11/2021", 2021, [("month", D(2021, 11, 1), D(2021, 11, 30), "")]),
    (KNOWN_TXT, "Báo cáo trong quý IV năm 2021", 2021, [(*Q4_2021, "Báo cáo")]),
    (KNOWN_TXT, "Ban hành kế hoạch trong Quý I/2021.", 2021, [(*Q1_2021, "Ban hành kế hoạch")]),
    (KNOWN_TXT, "Quý I/2022", 2021, [("quarter", D(2022, 1, 1), D(2022, 3, 31), "")]),
    (KNOWN_TXT, "Thường xuyên trong năm", 2021, [("recurring", *YEAR_2021, "")]),
    (KNOWN_TXT, "Thường xuyên", 2021, [("recurring", *YEAR_2021, "")]),
    # the 2025 plans (web text)
    (DONG_THAP_617, "Quí IV-2025", 2025, [("quarter", D(2025, 10, 1), D(2025, 12, 31), "")]),
    (DONG_THAP_617, "Thường xuyên, hằng năm", 2025, [("recurring", *YEAR_2025, "")]),
    (DONG_THAP_617, "Hằng năm", 2025, [("recurring", *YEAR_2025, "")]),
    (DONG_THAP_552, "2025 - 2035", 2025, [("period", D(2025, 1, 1), D(2035, 12, 31), "")]),
    (DONG_THAP_552, "2025 - 2030", 2025, [("period", D(2025, 1, 1), D(2030, 12, 31), "")]),
    (DONG_THAP_552, "2026", 2025, [("year", D(2026, 1, 1), D(2026, 12, 31), "")]),
    (DONG_THAP_552, "Giai đoạn 2031 - 2035", 2025, [("period", D(2031, 1, 1), D(2035, 12, 31), "")]),
    (HA_NOI_310, "Quý III Năm 2026", 2025, [("quarter", D(2026, 7, 1), D(2026, 9, 30), "")]),
    (HA_NOI_310, "Quý IV/2025- Quý II/2026", 2025, [("range", D(2025, 10, 1), D(2026, 6, 30), "")]),
    (HA_NOI_310, "Hàng năm", 2025, [("recurring", *YEAR_2025, "")]),
    (HA_NOI_310, "Thường xuyên", None, [("recurring", None, None, "")]),
    (BAC_NINH_144, "2026 - 2030", 2025, [("period", D(2026, 1, 1), D(2030, 12, 31), "")]),
]


@pytest.mark.parametrize("path, cell, plan_year, expected", REAL_CELLS, ids=[c[1][:40] for c in REAL_CELLS])
def test_real_deadline_cells(path, cell, plan_year, expected):
    assert cell in flat(path), "the wording must be the document's own"
    assert read(cell, plan_year) == expected


# How long a step of a procedure may take, as the legal-database pages' procedure tables give it.
DURATION_CELLS = [
    ("f7f2733d47a603dc", "04 giờ làm việc"),
    ("2ff42266d5aa9fd1", "0,5 ngày"),
    ("77dca8a7aeea79a1", "35 ngày"),
    ("54c3026bc7bb5cb7", "07 ngày làm việc"),
    ("ff4de67291d44c52", "Không quá 17 ngày kể từ ngày nhận được hồ sơ hợp lệ."),
]


@pytest.mark.parametrize("page, cell", DURATION_CELLS, ids=[c[1][:30] for c in DURATION_CELLS])
def test_a_length_of_time_is_a_duration_with_no_date(page, cell):
    assert cell in flat(FIXTURES / "legal-db" / f"{page}.txt"), "the wording must be the document's own"
    assert read(cell, 2025) == [("duration", None, None, "")]


# A step for which no time is set or counted, as the same tables say it.
NO_TIME_CELLS = [
    ("77dca8a7aeea79a1", "Không tính thời gian"),
    ("55f3a3d0d7e08b45", "Không quy định"),
]


@pytest.mark.parametrize("page, cell", NO_TIME_CELLS, ids=[c[1] for c in NO_TIME_CELLS])
def test_no_time_set_is_said_not_unknown(page, cell):
    assert cell in flat(FIXTURES / "legal-db" / f"{page}.txt"), "the wording must be the document's own"
    assert read(cell, 2025) == [("none", None, None, "")]
    assert read(f"{cell} kể từ ngày 01/3/2025", 2025)[0][0] != "none"  # more than the statement: read as a date


def test_from_a_period_on_is_a_span_open_at_its_end():
    """`từ năm 2026` with no end: from the period's first day, no last day (as `before` has no first)."""
    for page, cell in (("646f0a00d4174382", "Triển khai từ năm 2026"),
                       ("2edf5927c71bc4c1", "Bắt đầu triển khai từ năm 2026")):
        assert cell in flat(FIXTURES / "legal-db" / f"{page}.txt"), "the wording must be the document's own"
        assert read(cell, 2025) == [("from", D(2026, 1, 1), None, cell.rsplit(" từ", 1)[0])]
    assert read("từ tháng 3/2021", 2021) == [("from", D(2021, 3, 1), None, "")]
    assert read("Từ quý II", 2021) == [("from", D(2021, 4, 1), None, "")]
    assert read("từ tháng 3 đến tháng 6/2021", 2021)[0][0] == "range"  # with its end: a closed span


def test_during_an_event_is_an_event_and_during_a_length_of_time_a_duration():
    cell = "Trong thời gian thông báo tuyển dụng của cơ quan có thẩm quyền tuyển dụng"
    assert cell in flat(FIXTURES / "legal-db" / "77dca8a7aeea79a1.txt"), "the wording must be the document's own"
    assert read(cell, 2025) == [("event", None, None, "")]
    assert read("Trong thời gian 05 ngày làm việc", 2025) == [("duration", None, None, "")]


def test_a_number_alone_is_a_duration_in_the_unit_its_column_header_gives():
    """A procedure's table gives its steps' times as numbers under `Thời gian thực hiện (ngày làm việc)`."""
    page = flat(FIXTURES / "legal-db" / "a0079a10826a1d45.txt")
    for header in ("Thời gian thực hiện (ngày làm việc)", "Thời gian (ngày làm việc)"):
        assert header in page
        assert header_unit(header) == "ngày làm việc"
    assert header_unit("Thời gian thực hiện") is None and header_unit("Kinh phí (triệu đồng)") is None
    for cell in ("0,25", "8,25", "2"):
        assert f" {cell} " in page
        assert read_with_unit(cell, "ngày làm việc") == [("duration", None, None, "")]
        assert read(cell, 2025)[0][0] == "unknown"  # no unit given: a number alone says nothing
    assert read_with_unit("Quý I/2025", "ngày làm việc")[0][0] == "quarter"  # only a number alone takes it


def read_with_unit(text: str, unit: str) -> list[tuple]:
    return [(m.kind, m.start, m.end, m.action) for m in milestones(text, 2025, unit)]


def test_two_milestones_keep_their_own_raw_text_and_order():
    cell = "- Ban hành Kế hoạch trong tháng 01/2021. - Báo cáo kết quả thực hiện Kế hoạch trong quý IV năm 2021."
    assert milestones(cell, 2021) == [
        Milestone(1, "Ban hành Kế hoạch", "month", D(2021, 1, 1), D(2021, 1, 31),
                  "- Ban hành Kế hoạch trong tháng 01/2021."),
        Milestone(2, "Báo cáo kết quả thực hiện Kế hoạch", "quarter", D(2021, 10, 1), D(2021, 12, 31),
                  "- Báo cáo kết quả thực hiện Kế hoạch trong quý IV năm 2021."),
    ]


def test_cell_lines_as_extracted_give_the_same_milestones():
    # the cell as it stands in the known plan's text: wrapped lines, a double space
    wrapped = ("- Ban hành Kế \n\nhoạch trong tháng \n\n01/2021. \n\n- Báo cáo kết quả \n\nthực hiện Kế \n\nhoạch "
               "trong  quý \n\nIV năm 2021. ")
    assert read(wrapped, 2021) == read(" ".join(wrapped.split()), 2021)
    assert [m.seq for m in milestones(wrapped, 2021)] == [1, 2]


# ---------------------------------------------------------------------------
# Every kind, one row per wording the brief and the domain notes name.
# ---------------------------------------------------------------------------
KIND_CASES = [
    # date
    ("ngày 25/10/2017", [("date", D(2017, 10, 25), D(2017, 10, 25))]),
    ("ngày 25 tháng 10 năm 2017", [("date", D(2017, 10, 25), D(2017, 10, 25))]),
    ("31/ 8/2018", [("date", D(2018, 8, 31), D(2018, 8, 31))]),  # the stray space of the known plan
    # before
    ("trước ngày 31/12/2020", [("before", None, D(2020, 12, 31))]),
    ("chậm nhất ngày 15/3/2021", [("before", None, D(2021, 3, 15))]),
    ("hoàn thành trước 30/6/2021", [("before", None, D(2021, 6, 30))]),
    ("trước tháng 6/2021", [("before", None, D(2021, 5, 31))]),  # before a month: the day before it starts
    ("trước tháng 01/2021", [("before", None, D(2020, 12, 31))]),
    ("trước Quý III/2021", [("before", None, D(2021, 6, 30))]),
    ("chậm nhất trong tháng 6/2021", [("before", None, D(2021, 6, 30))]),  # at the latest: the month's last day
    ("đến hết năm 2025", [("before", None, D(2025, 12, 31))]),
    # month
    ("tháng 01/2021", [("month", D(2021, 1, 1), D(2021, 1, 31))]),
    ("trong tháng 01/2021", [("month", D(2021, 1, 1), D(2021, 1, 31))]),
    ("tháng 12 năm 2021", [("month", D(2021, 12, 1), D(2021, 12, 31))]),
    ("Tháng 3-2025", [("month", D(2025, 3, 1), D(2025, 3, 31))]),
    ("tháng 02/2024", [("month", D(2024, 2, 1), D(2024, 2, 29))]),
    # quarter
    ("Quý I/2021", [("quarter", D(2021, 1, 1), D(2021, 3, 31))]),
    ("quý IV năm 2021", [("quarter", D(2021, 10, 1), D(2021, 12, 31))]),
    ("Quý 2/2021", [("quarter", D(2021, 4, 1), D(2021, 6, 30))]),
    ("quý ii/2021", [("quarter", D(2021, 4, 1), D(2021, 6, 30))]),
    ("quý iii năm 2021", [("quarter", D(2021, 7, 1), D(2021, 9, 30))]),
    ("Quí IV-2025", [("quarter", D(2025, 10, 1), D(2025, 12, 31))]),
    # half
    ("6 tháng đầu năm 2021", [("half", D(2021, 1, 1), D(2021, 6, 30))]),
    ("6 tháng cuối năm 2021", [("half", D(2021, 7, 1), D(2021, 12, 31))]),
    # year
    ("năm 2021", [("year", D(2021, 1, 1), D(2021, 12, 31))]),
    ("Trong năm 2021", [("year", D(2021, 1, 1), D(2021, 12, 31))]),
    ("Năm 2025", [("year", D(2025, 1, 1), D(2025, 12, 31))]),
    # range
    ("từ ngày 01/3/2021 đến ngày 30/4/2021", [("range", D(2021, 3, 1), D(2021, 4, 30))]),
    ("tháng 10 - 11/2021", [("range", D(2021, 10, 1), D(2021, 11, 30))]),
    ("từ tháng 3 đến tháng 6/2021", [("range", D(2021, 3, 1), D(2021, 6, 30))]),
    ("tháng 3 – 4/2021", [("range", D(2021, 3, 1), D(2021, 4, 30))]),  # en dash
    # period
    ("giai đoạn 2021-2025", [("period", D(2021, 1, 1), D(2025, 12, 31))]),
    ("giai đoạn 2021 - 2030", [("period", D(2021, 1, 1), D(2030, 12, 31))]),
    ("2025-2030", [("period", D(2025, 1, 1), D(2030, 12, 31))]),
    ("2026 – 2030", [("period", D(2026, 1, 1), D(2030, 12, 31))]),
    ("từ năm 2021 đến năm 2025", [("period", D(2021, 1, 1), D(2025, 12, 31))]),
    # recurring, in the year the text gives
    ("Thường xuyên trong năm 2022", [("recurring", D(2022, 1, 1), D(2022, 12, 31))]),
    ("Thường xuyên giai đoạn 2021 - 2025", [("recurring", D(2021, 1, 1), D(2025, 12, 31))]),
    # event
    ("Khi có yêu cầu", [("event", None, None)]),
    ("theo yêu cầu", [("event", None, None)]),
    ("Theo chỉ đạo của UBND tỉnh", [("event", None, None)]),
    ("Sau khi Sở Nội vụ có hướng dẫn", [("event", None, None)]),
    ("Theo Kế hoạch số 113/KH-UBND ngày 18/12/2019", [("event", None, None)]),  # a citation's date is no deadline
]


@pytest.mark.parametrize("text, expected", KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_kinds(text, expected):
    assert [(m.kind, m.start, m.end) for m in milestones(text)] == expected


@pytest.mark.parametrize("text", ["Thường xuyên", "thường xuyên trong năm", "Hằng năm", "Hàng năm",
                                  "định kỳ hàng quý", "hằng tháng", "hàng quý", "THƯỜNG XUYÊN"])
def test_recurring_runs_through_the_plan_year(text):
    assert read(text, 2021) == [("recurring", D(2021, 1, 1), D(2021, 12, 31), "")]
    assert read(text) == [("recurring", None, None, "")]


def test_half_year_without_its_year_takes_the_plan_year():
    assert read("6 tháng đầu năm", 2022) == [("half", D(2022, 1, 1), D(2022, 6, 30), "")]
    assert read("6 tháng cuối năm", 2022) == [("half", D(2022, 7, 1), D(2022, 12, 31), "")]


# ---------------------------------------------------------------------------
# Lists: one milestone per member, a year given once serving them all.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Quý I, II/2021", [(D(2021, 1, 1), D(2021, 3, 31)), (D(2021, 4, 1), D(2021, 6, 30))]),
    ("Quý I và Quý III/2021", [(D(2021, 1, 1), D(2021, 3, 31)), (D(2021, 7, 1), D(2021, 9, 30))]),
    ("Quý 1, 2/2021", [(D(2021, 1, 1), D(2021, 3, 31)), (D(2021, 4, 1), D(2021, 6, 30))]),
    ("tháng 6/2021 và tháng 12/2021", [(D(2021, 6, 1), D(2021, 6, 30)), (D(2021, 12, 1), D(2021, 12, 31))]),
    ("tháng 6 và tháng 12/2021", [(D(2021, 6, 1), D(2021, 6, 30)), (D(2021, 12, 1), D(2021, 12, 31))]),
    ("tháng 6 và 12/2021", [(D(2021, 6, 1), D(2021, 6, 30)), (D(2021, 12, 1), D(2021, 12, 31))]),
])
def test_a_list_gives_one_milestone_each(text, expected):
    found = milestones(text, plan_year=2030)  # the year in the text wins over the plan year
    assert [(m.start, m.end) for m in found] == expected
    assert {m.kind for m in found} == ({"quarter"} if "uý" in text else {"month"})
    assert [m.seq for m in found] == list(range(1, len(expected) + 1))
    assert {m.raw for m in found} == {text}


def test_several_actions_in_one_sentence():
    assert read("Ban hành kế hoạch trong Quý I/2021, báo cáo trong Quý IV/2021") == [
        ("quarter", D(2021, 1, 1), D(2021, 3, 31), "Ban hành kế hoạch"),
        ("quarter", D(2021, 10, 1), D(2021, 12, 31), "báo cáo"),
    ]


def test_a_year_in_the_action_is_not_the_deadline():
    assert read("Ban hành Kế hoạch kiểm soát TTHC năm 2021 trước ngày 31/12/2020") == [
        ("before", None, D(2020, 12, 31), "Ban hành Kế hoạch kiểm soát TTHC năm 2021")
    ]


def test_a_piece_without_a_period_goes_back_to_its_neighbour():
    # `TP.` ends no sentence; `Ban hành văn bản.` has no period of its own
    assert read("Theo chỉ đạo của UBND TP. Hà Nội") == [("event", None, None, "")]
    assert read("Ban hành văn bản. Trong tháng 12/2021") == [
        ("month", D(2021, 12, 1), D(2021, 12, 31), "Ban hành văn bản")
    ]


# ---------------------------------------------------------------------------
# A period with no year
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind, start, end", [
    ("Quý II", "quarter", D(2021, 4, 1), D(2021, 6, 30)),
    ("tháng 6", "month", D(2021, 6, 1), D(2021, 6, 30)),
    ("trước ngày 15/3", "before", None, D(2021, 3, 15)),
    ("ngày 29/02", "unknown", None, None),  # no 29 February in 2021
])
def test_a_year_less_period_takes_the_plan_year(text, kind, start, end):
    assert read(text, 2021) == [(kind, start, end, "")]


@pytest.mark.parametrize("text, kind", [("Quý II", "quarter"), ("tháng 6", "month"),
                                        ("trước ngày 15/3", "before"), ("ngày 29/02", "date")])
def test_with_no_year_at_all_the_kind_stays_and_the_dates_are_none(text, kind):
    assert read(text) == [(kind, None, None, "")]


# ---------------------------------------------------------------------------
# Dates are checked, and nothing is guessed
# ---------------------------------------------------------------------------
def test_leap_years():
    assert read("ngày 29/02/2020") == [("date", D(2020, 2, 29), D(2020, 2, 29), "")]
    assert read("ngày 29/02/2021") == [("unknown", None, None, "")]
    assert read("ngày 29 tháng 02 năm 2000") == [("date", D(2000, 2, 29), D(2000, 2, 29), "")]
    assert read("ngày 29 tháng 02 năm 1900") == [("unknown", None, None, "")]


@pytest.mark.parametrize("text", [
    "31/02/2021",  # no such day
    "ngày 29/02/2021",  # not a leap year
    "ngày 31/02",  # wrong in any year
    "25/10/17",  # two-digit year
    "tháng 6/21",
    "tháng 13/2021",
    "Quý V/2021",
    "giai đoạn 2025-2021",  # runs backwards
    "2021-25",
    "từ tháng 6 đến tháng 3/2021",
    "cuối năm 2021",  # part of a period with no bounds
    "đầu quý II/2021",
    "ngày 5/3/1800",
    "Ban hành văn bản",
    "Hỗ trợ 2000 doanh nghiệp",  # a count, not a year
    "Chưa xác định",  # "not yet decided"
])
def test_what_is_not_understood_is_unknown(text):
    [only] = milestones(text, 2021)
    assert (only.kind, only.start, only.end) == ("unknown", None, None)
    assert only.raw == text


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n", "-", " . ; "])
def test_no_words_no_milestones(text):
    assert milestones(text) == []
    assert milestones(text, 2021) == []


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("cell", [c[1] for c in REAL_CELLS] + [c[0] for c in KIND_CASES])
def test_decomposed_input_gives_the_same_milestones(cell):
    nfd = unicodedata.normalize("NFD", cell)
    assert milestones(nfd, 2021) == milestones(cell, 2021)


def test_decomposed_input_is_really_decomposed():
    nfd = unicodedata.normalize("NFD", "Quý IV năm 2021")
    assert nfd != "Quý IV năm 2021"
    assert milestones(nfd) == [Milestone(1, "", "quarter", D(2021, 10, 1), D(2021, 12, 31), "Quý IV năm 2021")]


def test_raw_keeps_the_dash_as_typed_and_action_is_one_spaced():
    [m] = milestones("  Phòng Tài chính –  Kế hoạch\n báo cáo trong tháng 3 – 4/2021 ")
    assert m.kind == "range" and (m.start, m.end) == (D(2021, 3, 1), D(2021, 4, 30))
    assert m.action == "Phòng Tài chính – Kế hoạch báo cáo"
    assert m.raw == "Phòng Tài chính – Kế hoạch báo cáo trong tháng 3 – 4/2021"


def test_web_text_marks_are_no_words():
    assert read("Hàng năm |", 2025) == [("recurring", D(2025, 1, 1), D(2025, 12, 31), "")]
    assert read("**Quý I/2026**") == [("quarter", D(2026, 1, 1), D(2026, 3, 31), "")]


def test_to_json_lines():
    assert to_json_lines(["Quý I, II/2021", "Thường xuyên", "  "], 2021) == [
        {"input": 1, "text": "Quý I, II/2021", "kind": "quarter", "start": "2021-01-01", "end": "2021-03-31",
         "action": "", "seq": 1},
        {"input": 1, "text": "Quý I, II/2021", "kind": "quarter", "start": "2021-04-01", "end": "2021-06-30",
         "action": "", "seq": 2},
        {"input": 2, "text": "Thường xuyên", "kind": "recurring", "start": "2021-01-01", "end": "2021-12-31",
         "action": "", "seq": 1},
    ]
    assert to_json_lines(["Sau khi có văn bản của cấp trên"], None) == [
        {"input": 1, "text": "Sau khi có văn bản của cấp trên", "kind": "event", "start": None, "end": None,
         "action": "", "seq": 1}
    ]


def test_to_json_lines_gives_each_milestone_its_own_words_not_the_whole_input():
    """A cell of many milestones: each line holds its own piece, so the output grows with the input, not its square."""
    cell = " ".join(f"- Báo cáo lần {i} trong tháng {i % 12 + 1:02d}/2021." for i in range(200))
    rows = to_json_lines([cell], 2021)
    assert len(rows) == 200
    assert rows[0]["text"] == "- Báo cáo lần 0 trong tháng 01/2021." and rows[0]["start"] == "2021-01-01"
    assert rows[199]["text"] == "- Báo cáo lần 199 trong tháng 08/2021."
    assert sum(len(r["text"]) for r in rows) <= len(cell)


# ---------------------------------------------------------------------------
# Properties: never raises, never an inverted span, never a kind outside the set
# ---------------------------------------------------------------------------
# Fragments of real deadline wording (cells and the body sentences that set
# reporting dates), to be joined at random.
FRAGMENTS = [c[1] for c in REAL_CELLS] + [c[0] for c in KIND_CASES] + [
    "Định kǶ gửi báo cáo kết quả thực hiện trước ngày 15/11 hằng năm",  # a broken glyph, as in the Bắc Ninh text
    "định kỳ báo cáo kết quả thực hiện trước ngày 20/11 về Sở",
    "trước ngày 01/6 và 15/11 hằng năm (hoặc đột xuất khi có yêu cầu)",
    "Báo cáo giữa kỳ thực hiện Kế hoạch (năm 2030)",
    "Nghị định số 113/2018/NĐ-CP ngày 31/ 8/2018",
    "Văn phòng HĐND – UBND huyện", "Phòng Nội vụ", "UBND cấp xã",
    "Quý", "tháng", "ngày", "năm", "trước", "từ", "đến", "và", "giai đoạn", "6 tháng đầu năm",
    "31/12", "29/02/", "/2021", "IV", "ii", "2025", "-", "–", "•", "+", ".", ";", ",", "|",
]
SEPARATORS = st.sampled_from([" ", ". ", "; ", " - ", ", ", " và ", "\n", "", "/", " đến ", "–"])
JOINED = st.lists(st.tuples(st.sampled_from(FRAGMENTS), SEPARATORS), max_size=8).map(
    lambda parts: "".join(f + s for f, s in parts)
)
PLAN_YEARS = st.one_of(st.none(), st.integers(1990, 2040), st.integers())


def sound(found: list[Milestone]) -> None:
    assert [m.seq for m in found] == list(range(1, len(found) + 1))
    for m in found:
        assert m.kind in KINDS
        if m.start is not None and m.end is not None:
            assert m.start <= m.end
        if m.kind in ("event", "unknown"):
            assert m.start is None and m.end is None
        if m.kind == "before":
            assert m.start is None
        assert m.raw == m.raw.strip() and m.raw
        assert m.action == " ".join(m.action.split())


@settings(max_examples=2500, deadline=None)
@given(st.text(), PLAN_YEARS)
def test_any_text_never_raises(text, plan_year):
    sound(milestones(text, plan_year))


@settings(max_examples=2500, deadline=None)
@given(JOINED, PLAN_YEARS)
def test_real_wording_joined_at_random_never_raises(text, plan_year):
    found = milestones(text, plan_year)
    sound(found)
    assert milestones(unicodedata.normalize("NFD", text), plan_year) == found
