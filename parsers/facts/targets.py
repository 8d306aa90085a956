"""Quantified targets in plan text: `Tỷ lệ … đạt tối thiểu 40%`, `Có ≥ 30% DNNVV …`.

A target is a value with its comparator and unit, and the words that name what
is measured. Three kinds of value are targets:
- a percentage (`đạt 60%`, `trên 50%`, `100% hợp tác xã …`);
- a count whose unit word follows a comparator (`ít nhất 20 tập dữ liệu`);
- a value whose `%` extraction lost (`đạt tỷ lệ 100 .`, `đạt từ 60  trở lên`),
  where the phrase makes the sign certain; anywhere else a bare value after
  `đạt` keeps no unit rather than a guessed one.
Dates, document numbers, years, levels (`mức độ 3, 4`) and list numbers carry
neither a sign nor a unit word after a comparator, so none of them is read.
Patterns run on NFC text; offsets refer to the NFC form of the input.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex as re

# Every table below holds pattern sources, one phrase a row; words are joined
# by any run of spaces (lines were joined) and matched in either case.

# Comparators before the value. `trên` (above) and `dưới` (below) are strict
# in Vietnamese, but the set has no strict comparator: they map to the
# inclusive ones.
COMPARATOR_WORDS: dict[str, str] = {
    "tối thiểu": ">=", "ít nhất": ">=", "không dưới": ">=", "không ít hơn": ">=", "trên": ">=", "hơn": ">=",
    "≥": ">=", ">=": ">=",
    "tối đa": "<=", "không quá": "<=", "không vượt quá": "<=", "dưới": "<=", "≤": "<=", "<=": "<=",
}

# Verbs that state a value as the one to reach: `đạt 60%`, `chiếm 45% GRDP`.
EQUALITY_WORDS = ["phải đạt", "đạt", "chiếm", "bằng"]

# A rate named right before the value (`đạt tỷ lệ 100 .`): the value is a
# percentage even where the sign was lost.
RATE_WORDS = ["tỷ lệ", "tỉ lệ"]

PERCENT_SIGNS = ["%", "％", "phần trăm"]

# Unit words of counted targets. A number followed by any other word (`15
# tuổi`, `01 Gb/s`, `100 cấp xã`) is no target.
COUNT_UNITS = [
    "doanh nghiệp", "hợp tác xã", "bộ dữ liệu", "tập dữ liệu", "cơ sở dữ liệu", "kịch bản", "mô hình",
    "sản phẩm", "trạm", "dự án", "vùng", "trung tâm", "cơ sở", "nền tảng", "dịch vụ", "sáng kiến",
    "giải pháp", "nhiệm vụ", "đề tài", "hồ sơ", "thủ tục", "đơn vị", "xã", "người", "học viên", "lượt",
    "lớp", "lần", "cuộc", "hội nghị",
]

# Words that begin what an indicator names: from the last of them on, the
# words before the value are the indicator (`nâng cao tỷ lệ hồ sơ …`).
INDICATOR_HEADS = ["tỷ lệ", "tỉ lệ", "tỷ trọng", "tỉ trọng"]

# Words that open a clause rather than name a measure; stripped from the
# start of an indicator, and after a comma they start a new clause
# (`…, phấn đấu đến năm 2030 đạt 30% doanh nghiệp …`).
CLAUSE_OPENERS = [
    "phấn đấu", "trong đó", "đồng thời", r"đến hết năm \d{4}", r"đến năm \d{4}", "mỗi năm", "hằng năm",
    "hàng năm", "có", "đảm bảo", "bảo đảm", "hình thành", "đưa", "tiếp tục", "tăng cường", "góp phần", "nhằm",
    "gắn với",
]

# The verb left between an indicator and its value.
INDICATOR_TAILS = ["phải đạt", "đạt", "phải", "chiếm", "là", "có", "lên", "ở mức", "bằng"]


def _alternation(rows) -> str:
    return "|".join(r"\s+".join(row.split(" ")) for row in sorted(rows, key=len, reverse=True))


VALUE_PHRASE = re.compile(
    rf"""
    (?:(?P<equal>{_alternation(EQUALITY_WORDS)})\s+)?
    (?:(?P<rate>{_alternation(RATE_WORDS)})\s+)?
    (?:(?P<comparator>{_alternation(COMPARATOR_WORDS)})\s*)?
    (?:(?P<from>từ)\s+)?
    (?<![\p{{L}}\d.,/])
    (?P<value>\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:[.,](?P<fraction>\d+))?(?![\p{{L}}\d/:])
    (?P<gap>\s*)
    (?:(?P<percent>{_alternation(PERCENT_SIGNS)})|(?P<unit>{_alternation(COUNT_UNITS)})(?![\p{{L}}\d]))?
    (?P<or_more>\s*trở\s+lên)?
    """,
    re.X | re.I,
)

DIGIT = re.compile(r"\d")
# Characters no match of VALUE_PHRASE holds (its words, figures, spaces, signs and a `.` or `,` before
# a digit, inside a figure) and none of its lookaheads looks for (`/` and `:` after a value are): the
# ends of a stretch that the search can read alone; the last of them before a place, searched for backwards.
_APART = r"[;()\-–—\"“”!?*|\[\]'…]|[.,](?!\d)"
VALUE_APART = re.compile(_APART)
VALUE_APART_BEFORE = re.compile("(?r)" + _APART)

# Where the sign of a bare value stood: nothing but spaces, then the end of the clause.
SIGN_SLOT = re.compile(r"\s*(?:[.,;:)]|$)")

# Where the words naming a measure begin: after the end of a sentence or
# clause, a blank line, a new list item, or a comma that opens a new clause.
CLAUSE_START = re.compile(
    rf"[;:!?|]|\.(?=\s)|\n[^\S\n]*\n|\n(?=\s*(?:[-–+•*]|\d{{1,2}}[.)]|\p{{Ll}}\))\s)"
    rf"|,(?=\s*(?:{_alternation(CLAUSE_OPENERS)})\b)",
    re.I,
)
# Where the words after a value end: the clause ends, a bracket or a table
# cell opens, a comma starts the next counted item (`…, 50 doanh nghiệp …`)
# or a new clause (`…, gắn với …`).
CLAUSE_AFTER_END = re.compile(
    rf"[;:!?(*|]|\.(?=\s|$)|\n[^\S\n]*\n|,(?=\s*\d)|,(?=\s*(?:{_alternation(CLAUSE_OPENERS)})\b)", re.I
)
LEADING = re.compile(
    rf"^(?:[\s,*]+|[-–+•]+|\d{{1,2}}(?:\.\d{{1,2}})*[.)]|\p{{Ll}}\)|(?:{_alternation(CLAUSE_OPENERS)})\b)+",
    re.I,
)
TRAILING = re.compile(r"(?:[\s,*]+|\b(?:và|của|có))+$", re.I)
TRAILING_VERB = re.compile(rf"(?:[\s,*]+|\b(?:{_alternation(INDICATOR_TAILS)}))+$", re.I)
HEAD = re.compile(rf"\b(?:{_alternation(INDICATOR_HEADS)})\b", re.I)

# How far back the words naming a measure are looked for.
LOOKBACK = 300


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    comparator: str  # ">=", "<=", "="
    value: float
    unit: str | None  # "%", a unit word ("doanh nghiệp"), or None
    percent_restored: bool  # the text lost the "%" and the phrase makes it certain
    raw: str
    start: int
    end: int


def find_targets(text: str) -> list[Target]:
    """Every quantified target in text, in order of appearance."""
    text = unicodedata.normalize("NFC", text)
    if not DIGIT.search(text):
        return []  # every target has a value in figures; VALUE_PHRASE is slow to find none
    found = [(m, read) for m in _value_phrases(text) if (read := _read(text, m))]
    targets = []
    for i, (m, (comparator, value, unit, restored)) in enumerate(found):
        floor = found[i - 1][0].end() if i else 0
        limit = found[i + 1][0].start() if i + 1 < len(found) else len(text)
        after = m.start("unit") if m["unit"] else m.end()
        indicator = _indicator(text, m.start(), floor, after, limit, counted=bool(m["unit"]))
        raw = text[m.start():m.end()].rstrip()
        targets.append(Target(indicator, comparator, value, unit, restored, raw, m.start(), m.start() + len(raw)))
    return targets


def _value_phrases(text: str):
    """VALUE_PHRASE's matches in text, in order, as its finditer finds them; searched only in the
    stretches between the characters no match holds nor looks at after it (VALUE_APART) that hold a
    digit, as every match does. A stretch is searched in place (pos, endpos), so that what a match looks
    at before its value is what the whole text shows there."""
    searched = 0
    for digit in DIGIT.finditer(text):
        if digit.start() < searched:
            continue
        before = VALUE_APART_BEFORE.search(text, 0, digit.start())
        after = VALUE_APART.search(text, digit.end())
        searched = after.start() if after else len(text)
        yield from VALUE_PHRASE.finditer(text, before.end() if before else 0, searched)


def _read(text: str, m: re.Match) -> tuple[str, float, str | None, bool] | None:
    """(comparator, value, unit, percent_restored) for a value phrase that is a target, else None."""
    if m["from"] and not m["or_more"]:
        return None  # `từ 20% lên 30%`, `từ 05 bộ …`: a range or a baseline, not a target
    value = float(m["value"].replace(".", "") + ("." + m["fraction"] if m["fraction"] else ""))
    if m["comparator"]:
        comparator = COMPARATOR_WORDS[" ".join(m["comparator"].lower().split())]
    else:
        comparator = ">=" if m["or_more"] else "="
    stated = bool(m["equal"] or m["comparator"] or m["or_more"])
    if m["percent"]:
        return comparator, value, "%", False
    if m["unit"]:
        return (comparator, value, " ".join(m["unit"].lower().split()), False) if stated else None
    # A bare value: its sign or unit was lost, or it is no target at all.
    if value > 100 or not (m["or_more"] or SIGN_SLOT.match(text, m.end())):
        return None
    if m["rate"] or (m["or_more"] and (m["equal"] or HEAD.search(_clause_before(text, m.start(), 0)))):
        return comparator, value, "%", True
    # `đạt 100 .`: a value reached, its unit lost. A bare value after any other
    # word is too often something else (`của cấp trên 11. …`: a list number).
    return (comparator, value, None, False) if m["equal"] else None


def _indicator(text: str, start: int, floor: int, after: int, limit: int, counted: bool) -> str:
    """The words naming what is measured: from a head word (`tỷ lệ`) before the
    value; for a count, its unit and the words after it; else the clause before
    the value, or, when that holds no measure (`Có ≥ 30% DNNVV …`), the words after."""
    before = _clause_before(text, start, floor)
    heads = list(HEAD.finditer(before))
    if heads:
        return _tidy(before[heads[-1].start():], TRAILING_VERB)
    if not counted and (words := _tidy(before, TRAILING_VERB)):
        return words
    end = CLAUSE_AFTER_END.search(text, after, limit)
    return _tidy(text[after:end.start() if end else limit], TRAILING)


def _clause_before(text: str, start: int, floor: int) -> str:
    window = text[max(floor, start - LOOKBACK):start]
    cuts = list(CLAUSE_START.finditer(window))
    return window[cuts[-1].end():] if cuts else window


def _tidy(words: str, trailing: re.Pattern) -> str:
    words = LEADING.sub("", words.strip())
    return " ".join(trailing.sub("", words).split())
