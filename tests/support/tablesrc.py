"""Real tables to typeset: header and data rows read from the documents themselves.

The cells are taken as the source has them, never typed: from a legal-database
page, its `|` cells; from the known plan, its appendix rows as the text file
gives them (tests/golden/…_txt/appendix_rows.jsonl). A truth for a PDF test is
then these cells, whatever layout sets them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"

EMPHASIS = re.compile(r"\*+|_{2,}")


@dataclass(frozen=True)
class SourceTable:
    """A real table: its header row(s) and data rows, each row a list of cell texts.

    `groups` maps the index of a data row to the titles of the group rows
    above it (`I. Cải cách thể chế`), for tables whose tasks are grouped; a
    group row is not a data row.
    """

    name: str
    header: list[str]
    rows: list[list[str]]
    groups: dict[int, list[str]] = field(default_factory=dict)


def _cell_text(lines: list[str]) -> str:
    return " ".join(" ".join(EMPHASIS.sub("", l).split()) for l in lines if EMPHASIS.sub("", l).strip())


def web_tables(path: Path) -> list[list[list[str]]]:
    """Every `|` table of a legal-database page, as rows of cell texts.

    A cell is the lines between two `|` lines; `|` twice in a row ends a row;
    a blank line after a `|` ends the table.
    """
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    row: list[str] = []
    cell: list[str] = []
    previous_bar = False
    for raw in path.read_text(encoding="utf-8").split("\n"):
        line = raw.strip()
        if line == "|":
            if rows is None:
                rows, row, cell = [], [], []
            elif previous_bar and not cell:
                if row:
                    rows.append(row)
                row = []
            else:
                row.append(_cell_text(cell))
            cell = []
            previous_bar = True
            continue
        if rows is not None:
            if not line:
                if previous_bar:
                    if row:
                        rows.append(row)
                    tables.append(rows)
                    rows, row, cell = None, [], []
                continue
            cell.append(line)
            previous_bar = False
    if rows is not None:
        if row:
            rows.append(row)
        tables.append(rows)
    return tables


def _task_table(name: str, rows: list[list[str]]) -> SourceTable:
    """A web task table: its first row the header, group rows (one cell) kept aside."""
    header, body = rows[0], rows[1:]
    width = len(header)
    data: list[list[str]] = []
    groups: dict[int, list[str]] = {}
    for cells in body:
        if len(cells) < width and len([c for c in cells if c]) <= 2:
            groups.setdefault(len(data), []).append(" ".join(c for c in cells if c))
            continue
        data.append((cells + [""] * width)[:width])
    return SourceTable(name, header, data, groups)


def web_appendix(name: str) -> SourceTable:
    """The appendix table of a 2025 web plan: its longest `|` table (the others are short lists)."""
    tables = [t for t in web_tables(FIXTURES / f"{name}.txt") if len(t) > 2]
    return _task_table(name, max(tables, key=len))


WEB_PLANS = ["ha-noi-310-2025-5g-iot", "bac-ninh-144-2025-kinh-te-so", "dong-thap-552-2025-doi-moi-cong-nghe",
             "dong-thap-617-2025-chuyen-doi-so-doanh-nghiep"]

# The known plan's appendix columns, in the order the plan prints them.
KNOWN_HEADER = ["STT", "Nội dung", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


def known_plan() -> SourceTable:
    """The known plan's 35 appendix rows, as its text file gives them."""
    rows, groups = [], {}
    seen_group = None
    for line in (GOLDEN / "mang-yang-2021-cchc_txt" / "appendix_rows.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["group_no"] != seen_group:
            seen_group = r["group_no"]
            groups[len(rows)] = [f"{_roman(r['group_no'])}. {r['group_title']}"]
        rows.append([str(r["row_no"] or ""), r["task"] or "", "\n".join(r["products"]), r["lead_agency"] or "",
                     "\n".join(r["partner_agencies"]), r["deadline_text"] or ""])
    return SourceTable("mang-yang-2021-cchc", KNOWN_HEADER, rows, groups)


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n]


PROCEDURES_PAGE = "1796a553dfee88ef"


def procedures() -> SourceTable:
    """A procedures table (`TT | Mã TTHC | Tên thủ tục hành chính | Lĩnh vực | Căn cứ pháp lý | …`) of a real page."""
    tables = web_tables(FIXTURES / "legal-db" / f"{PROCEDURES_PAGE}.txt")
    table = next(t for t in tables if any("Mã TTHC" in c for c in t[0]))
    return _task_table(PROCEDURES_PAGE, table)


def all_sources() -> list[SourceTable]:
    return [known_plan(), *(web_appendix(n) for n in WEB_PLANS), procedures()]
