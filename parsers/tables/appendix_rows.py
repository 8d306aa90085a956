"""An appendix's rows: the raw rows its readers give, and the records built from them.

Every reader of the appendix (a PDF's grids, web tables, flattened text) yields `RawRow`s, cells by
column key; `build_rows` turns them into `AppendixRow`s and `Group`s, whatever the form: a merged cell
takes the text above, a task's number is read off its cell, a product cell is split into its items
and an agency cell into its agencies. The builder and what a cell holds stand apart from the readers,
which only place text in cells; `split_agencies` also serves parsers.enrich, which names the agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from parsers.language import vocab
from parsers.model.records import Issue, Line
from parsers.structure.clean import join_lines, normalise


@dataclass(frozen=True, slots=True)
class RawRow:
    # role (or OTHER + header) → cell text, its lines joined by "\n"; None: merged with the row above
    cells: dict[str, str | None]
    lines: tuple[Line, ...]
    table_row: int | None = None  # its row in the table model


@dataclass(frozen=True, slots=True)
class AppendixRow:
    seq: int
    group_no: int | None
    group_title: str | None
    row_no: int | None
    task: str | None
    products: tuple[str, ...]
    lead_agency: str | None
    partner_agencies: tuple[str, ...]
    deadline_text: str | None
    notes: str | None
    other_cells: tuple[tuple[str, str], ...]  # (header, text) of each column no role names, in column order
    lines: tuple[Line, ...] = field(repr=False)
    table_row: int | None = None

    @property
    def page_start(self) -> int | None:
        return min((l.page for l in self.lines), default=None)

    @property
    def page_end(self) -> int | None:
        return max((l.page for l in self.lines), default=None)


@dataclass(frozen=True, slots=True)
class Group:
    """A task-group row that spans the table (`I. NÂNG CAO NHẬN THỨC …`) in web tables."""

    group_no: int | None
    title: str | None
    lines: tuple[Line, ...] = field(repr=False)



# --------------------------------------------------------------- vocabulary

# `I. Cải cách thể chế`, `II. HOÀN THIỆN CƠ CHẾ …`: a task group's Roman numeral and title.
GROUP_LABEL = re.compile(r"^(?P<roman>[IVXLC]+)\s*[.)]\s*(?P<title>.*)$", re.S)
# The key of a raw row that is a whole-width group row, not a task row.
GROUP_ROW = "group_row"
# Beside it, the group's label where the row printed it in a cell of its own (`A.` | `BỘ XÂY DỰNG`).
GROUP_ROW_LABEL = "group_row_label"
# The key prefix of a column that no role names: `other:Kinh phí (triệu đồng)`.
OTHER = "other:"
# An item of a product cell: `1. Quyết định …`, `- Báo cáo …`.
ITEM_START = re.compile(r"^(?:\d{1,2}\s*[.)]|[-–+•])\s*")

# Words that open the name of an agency (language/data/agency_heads.tsv). A comma or a line break is taken
# as a separator between agencies only where the next piece opens like this.
AGENCY_HEAD = re.compile(rf"^(?:{vocab.agency_heads('opens')}|(?:{vocab.agency_heads('opens-before-capital')})"
                         r"(?=\s+\p{Lu}))\b")
# Agencies in one cell are listed with `;` between them, or as items each closed by a full stop and opened by
# a dash, on one line (`- Cơ quan, đơn vị có thẩm quyền tuyển dụng viên chức. - Cơ quan, đơn vị phối hợp.`).
SEMICOLON = re.compile(r"\s*;\s*|\.\s+(?=[-–+•]\s)")
# An agency may follow another with no separator at all (`Sở Khoa học và Công nghệ Sở Công Thương`,
# ha-noi-310): one of these head words then opens a new agency, if the name before it is complete — it
# opens with a head of the first rank (TOP_HEAD: a department, a ministry, a people's committee or council)
# or with the same head word (`Phòng Nội vụ Phòng Tư pháp`), has a word after its head, and does not end in a
# word that carries the name on (`của`, `và`, `tại`, `(`, a dash). A unit named before its parent is one
# agency (`Phòng Tổ chức … Sở Nội vụ`, `Văn phòng UBND tỉnh`, `Văn phòng HĐND – UBND huyện`).
# Sở, Bộ and Ủy ban open a name only before a capital (`Sở Công Thương`, not the `sở, ngành` of a list).
NEW_HEAD = re.compile(rf"(?<=\s)(?P<head>{vocab.agency_heads('new')})(?=\s+\S)")
TOP_HEAD = re.compile(rf"^(?:{vocab.agency_heads('top')})$")
NEEDS_CAPITAL = re.compile(rf"^(?:{vocab.agency_heads('capital')})$")
CAPITAL_AFTER = re.compile(r"\s+\p{Lu}")
CARRIES_ON = re.compile(r"(?:\b(?:của|và|hoặc|thuộc|trực|tại|với|cho|các|có|theo|là|đến|từ|giữa|gồm)|[(/&,:–—-])$")
# The number in a row-number cell.
ROW_NO_DIGITS = re.compile(r"^\s*(\d+)")
# Names that hold a comma of their own and must never be cut there.
AGENCY_COMPOUNDS = re.compile(r"cơ\s+quan,\s+đơn\s+vị|sở,\s+ban,\s+ngành|sở,\s+ngành|xã,\s+phường|xã,\s+thị\s+trấn|"
                              r"phường,\s+thị\s+trấn|ban,\s+ngành|cơ\s+quan,\s+tổ\s+chức|"
                              r"đơn\s+vị,\s+địa\s+phương", re.I)


# ------------------------------------------------------------------ helpers


def _text(lines) -> str:
    return normalise(join_lines(l for l in lines if l.strip()))


def _cell_lines(cell: str | None) -> list[str]:
    return [normalise(l) for l in (cell or "").split("\n") if l.strip()]


def column_name(key: str) -> str:
    """A column key as a reader shows it: the role, or the header of a column no role names."""
    return key.removeprefix(OTHER)


# ------------------------------------------------------------- row builder


def _split_items(cell: str | None) -> tuple[str, ...]:
    """A product cell's items: numbered or bulleted lines start an item; others continue it."""
    lines = _cell_lines(cell)
    if not lines:
        return ()
    if not ITEM_START.match(lines[0]):
        return (_text(lines),)
    items: list[list[str]] = []
    for line in lines:
        if ITEM_START.match(line) or not items:
            items.append([ITEM_START.sub("", line, count=1)])
        else:
            items[-1].append(line)
    return tuple(_text(i) for i in items)


def split_agencies(cell: str | None) -> tuple[str, ...]:
    """Partner agencies: split on `;`, and on `,` or a line break only between two agency names."""
    lines = _cell_lines(cell)
    if not lines:
        return ()
    if len(lines) > 1 and all(AGENCY_HEAD.match(ITEM_START.sub("", l)) for l in lines):
        pieces = [ITEM_START.sub("", l) for l in lines]  # one agency a line
    else:
        pieces = [_text(lines)]
    out: list[str] = []
    for piece in pieces:
        for part in SEMICOLON.split(piece):
            for name in _split_heads(ITEM_START.sub("", part)):  # `- Bộ Xây dựng;\n- Bộ Y tế`: each its own
                out.extend(_split_commas(name))
    return tuple(p.strip(" .,;") for p in out if p.strip(" .,;"))


def _split_heads(text: str) -> list[str]:
    """`Sở Khoa học và Công nghệ Sở Công Thương` → the two: a head word opening a new agency (NEW_HEAD)."""
    pieces: list[str] = []
    start = 0
    for m in NEW_HEAD.finditer(text):
        before, head = text[start:m.start()].rstrip(), " ".join(m.group("head").split())
        opened = AGENCY_HEAD.match(before)
        if NEEDS_CAPITAL.match(head) and not CAPITAL_AFTER.match(text, m.end()):
            continue
        if not opened or len(before.split()) <= len(opened.group(0).split()) or CARRIES_ON.search(before):
            continue  # no agency named before it, the head alone, or a name carried on (`của Sở …`)
        first = " ".join(opened.group(0).split())
        if (TOP_HEAD.match(first) and TOP_HEAD.match(head)) or first.replace("Uỷ", "Ủy") == head.replace("Uỷ", "Ủy"):
            pieces.append(before)
            start = m.start()
    pieces.append(text[start:])
    return pieces


def _split_commas(text: str) -> list[str]:
    protected = AGENCY_COMPOUNDS.sub(lambda m: m.group(0).replace(",", "\x00"), text)
    parts = [p.replace("\x00", ",").strip() for p in protected.split(",")]
    merged: list[str] = []
    for p in parts:
        if merged and not AGENCY_HEAD.match(p):
            merged[-1] = f"{merged[-1]}, {p}"
        else:
            merged.append(p)
    return merged


def build_rows(raw_rows: list[RawRow]) -> tuple[list[AppendixRow], list[Group], list[Issue]]:
    out: list[AppendixRow] = []
    groups: list[Group] = []
    issues: list[Issue] = []
    group_no = group_title = None
    previous: dict[str, str | None] = {}
    for raw in raw_rows:
        if GROUP_ROW in raw.cells:
            group_no, group_title = _group(raw.cells[GROUP_ROW])
            groups.append(Group(group_no, group_title, raw.lines))
            continue
        cells = {role: (previous.get(role) if text is None else text) for role, text in raw.cells.items()}
        if raw.cells.get("group") is not None and raw.cells.get("group") != "":
            group_no, group_title = _group(raw.cells["group"])
        previous = cells
        task_lines = _cell_lines(cells.get("task"))
        row_no = None
        task = _text(task_lines) or None
        if task and (m := vocab.ROW_LABEL.match(task)):
            row_no, task = int(m.group("no")), normalise(m.group("rest")) or None
        if row_no_text := cells.get("row_no"):
            digits = ROW_NO_DIGITS.match(row_no_text)
            row_no = int(digits.group(1)) if digits else row_no
        row = AppendixRow(
            seq=len(out) + 1,
            group_no=group_no,
            group_title=group_title,
            row_no=row_no,
            task=task,
            products=_split_items(cells.get("products")),
            lead_agency=_text(_cell_lines(cells.get("lead"))) or None,
            partner_agencies=split_agencies(cells.get("partners")),
            deadline_text=_text(_cell_lines(cells.get("deadline"))) or None,
            notes=_text(_cell_lines(cells.get("notes"))) or None,
            other_cells=tuple((column_name(key), text) for key, cell in cells.items()
                              if key.startswith(OTHER) and (text := _text(_cell_lines(cell)))),
            lines=raw.lines,
            table_row=raw.table_row,
        )
        if row.task is None:
            issues.append(Issue("appendix", "row_without_task", f"appendix row {row.seq} has no task text",
                                row.page_start, line=row.lines[0] if row.lines else None))
        out.append(row)
    return out, groups, issues


def _group(text: str | None) -> tuple[int | None, str | None]:
    flat = _text(_cell_lines(text))
    m = GROUP_LABEL.match(flat)
    if m and vocab.roman_to_int(m.group("roman")):
        return vocab.roman_to_int(m.group("roman")), normalise(m.group("title")) or None
    return None, flat or None


