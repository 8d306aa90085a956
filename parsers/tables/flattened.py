"""Rows and cells of an appendix table that text extraction flattened.

Extracted to plain text, a ruled table comes out column by column: for each
row every wrapped line of the first cell, then every line of the next, with
nothing to say where a cell ends; a wide line may hold the end of one cell and
the start of the next; the header repeats on each page; and a row broken by a
page goes on, after that header, with the rest of the cells that did not fit.

The lines are segmented by a Viterbi search over pieces of lines (whole lines,
or the parts of a line cut at a word boundary). Its state is the column of the
last piece, whether that cell goes on on the next line, and whether we are in
a row's first part or in the part resumed after a page break; each state keeps
its few best paths, which carry what the state does not say (the row number
reached, the open cell's width bounds, the row's cells before a page break).
A piece scores by how it reads as a piece of each column: how it opens (a task
number, a group numeral, a bullet, an agency, a date, a document), its words,
and its width against the column's: no line is wider than its column, and a
line that is not its cell's last is too full to take the next word. Across a
line break a cell reads on (`Nghị quyết của` / `Quốc hội`); two cells side by
side do not. The first pass knows only vocabulary cues; from its result are
learned whether the table was typeset (widths in Times New Roman) or set in
characters, the column widths, each column's words, first tokens and cell
lengths, and how often a column is merged with the row above; then the search
is run again. Nothing is tuned to one plan's widths or rows.

A line of more words than a page's line can hold (MAX_LINE_WORDS) is a cell
that the extraction set on one line: it is one piece, never cut, its width is
no evidence, and nothing is learned from it, so that it costs what its words
cost and leaves the rest of the table read as without it.
"""

from __future__ import annotations

import difflib
import math
import os
import re as std_re
import stat
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate, chain
from pathlib import Path
from typing import NamedTuple

import numpy as np
import regex as re
from numba import config as numba_config
from numba import njit

from parsers.language import vocab
from parsers.language.glyphs import OTHER_WIDTH, TIMES_WIDTHS
from parsers.model.records import Issue, Line
from parsers.structure.clean import normalise

# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Piece:
    # a whole line, or the part of a merged line that belongs to this cell (normalised as clean.normalise does)
    text: str
    line: Line  # the line it came from (page, line_no, source_line)


@dataclass(frozen=True, slots=True)
class FlatRow:
    # column role -> its pieces in order; a role is ABSENT where the row has no cell of its own in the text
    cells: dict[str, tuple[Piece, ...]]
    # reserved; the segmenter merges page-break continuations itself, so rows returned are whole rows
    continues_previous: bool = False


@dataclass(frozen=True, slots=True)
class FlatTable:
    roles: tuple[str, ...]  # column roles in order, read from the flattened header (roles.role_of)
    rows: tuple[FlatRow, ...]
    header_lines: tuple[Line, ...]  # every line that belongs to a (repeated) header
    unclaimed: tuple[Line, ...]  # lines that could not be placed
    issues: tuple[Issue, ...]  # one per row the method was unsure of


# ------------------------------------------------------------- vocabulary

# Words that column headers are made of. The run of lines at the top of the
# table holding nothing else is its header; a run that reads the same later
# (give or take a merged or cut line) is its repeat on a new page.
HEADER_WORDS = frozenset(
    ["stt", "tt", "số", "nhiệm", "vụ", "chung", "cụ", "thể", "tên", "nội", "dung", "sản", "phẩm", "kết", "quả", "đầu",
     "ra", "cơ", "quan", "đơn", "vị", "chủ", "trì", "phối", "hợp", "thực", "hiện", "thời", "gian", "hạn", "hoàn",
     "thành", "tiến", "độ", "ghi", "chú", "lĩnh", "vực", "nhóm", "giải", "pháp", "và", "hoạt", "động", "chỉ", "tiêu",
     "kinh", "phí", "nguồn", "dự", "kiến"]
)
HEADER_WORD = re.compile(r"[\p{L}\d]+")
# Header words that qualify a column's name rather than name one (`Cơ quan`
# chủ trì, Nhiệm vụ `cụ thể`, Thời gian `thực hiện`, `Tên` nhiệm vụ).
HEADER_QUALIFIERS = frozenset(["cơ", "quan", "đơn", "vị", "cụ", "thể", "thực", "hiện", "tên", "số", "và", "dự", "kiến"])
HEADER_SIMILARITY = 0.8
NON_SPACE = re.compile(r"\S+")  # a header's words, each tried as a column named by one word

# Where a line may be cut between two cells: before a word that can open a
# cell (a capital, a digit, a bullet) or after one that ends a sentence, but
# never right after a label (`2.` belongs to its item) unless the table has a
# column of row numbers. On the first line after a page break anywhere: the
# rests of several cells, in lower case, can share it.
CUT_BEFORE = re.compile(r"^(?:[\p{Lu}\d]|[-–+•])")
CUT_AFTER = re.compile(r"[.;:)]$")
LABEL = re.compile(r"^(?:(?:\d{1,3}|[IVXLC]+)[.)]|[+•])$")
# A line of more words than a page's line holds (A4 landscape at 8 pt: some 200 characters, 45
# words; the widest of the tables the tests flatten has 31) is no column's wrapped line but a cell
# the extraction set on one line (`1, 2, 3, …, 1000`). It is one piece, never cut: a line's pieces are
# as many as the pairs of its cuts, and their words as many as the triples, so a line of numbers, a
# cut before each, would cost the cube of its length. Its width says nothing of a column's.
MAX_LINE_WORDS = 64

# How a piece's first token looks. Cells open with a label or a capital; a
# wrapped line mostly goes on in lower case.
SHAPES: list[tuple[str, re.Pattern]] = [
    ("roman", re.compile(r"^[IVXLC]+\s*[.)]?(?:\s|$)")),  # `I. Cải cách thể chế`, `II`
    ("number", re.compile(r"^\d{1,3}\s*[.)](?:\s|$)")),  # `1. Triển khai`, `2. Báo cáo`
    ("bare_number", re.compile(r"^\d{1,3}$")),  # an STT cell: `7`
    ("bullet", re.compile(r"^[-–+•]")),
    ("digit", re.compile(r"^\d")),  # `100% văn bản`, `31/12/2020`, `2026`
    ("capital", re.compile(r"^[\p{Lu}“\"(]")),
    ("lower", re.compile(r"^\p{Ll}")),
]
SHAPE_NAMES = [name for name, _ in SHAPES] + ["other"]

# First-pass odds of each shape opening a cell, per column role (shapes not
# listed share what is left); relearned from each pass.
START_SHAPES: dict[str, dict[str, float]] = {
    "row_no": {"bare_number": 0.6, "roman": 0.2, "number": 0.15},
    "group": {"roman": 0.8, "capital": 0.15},  # task groups are numbered I., II. …
    "task": {"number": 0.5, "capital": 0.45},  # numbered, unless an STT column numbers the rows
    "products": {"number": 0.3, "bullet": 0.2, "capital": 0.4, "digit": 0.05},
    "lead": {"capital": 0.9, "bullet": 0.05},  # agencies are proper names
    "partners": {"capital": 0.9, "bullet": 0.05},
    "deadline": {"capital": 0.7, "bullet": 0.2, "digit": 0.1},  # `Quý I/2021`, `- Ban hành …`, `31/12/2020`
    "notes": {"capital": 0.7, "bullet": 0.1},
}
# A wrapped line: lower case, or a name, an acronym, a new item; in a deadline
# often the date itself (`01/2021.`); agencies are listed, not bulleted.
LINE_SHAPES = {"lower": 0.62, "capital": 0.25, "digit": 0.05, "bullet": 0.04, "number": 0.03}
LINE_SHAPES_BY_ROLE = {
    "deadline": {"lower": 0.5, "capital": 0.27, "digit": 0.15, "bullet": 0.05},
    "lead": {"lower": 0.6, "capital": 0.35, "bullet": 0.01},
    "partners": {"lower": 0.6, "capital": 0.35, "bullet": 0.01},
}

# Columns all of whose pieces have one form: a row number is a number or a
# group's numeral and nothing more.
ROLE_FORMS: dict[str, re.Pattern] = {"row_no": re.compile(r"^(?:\d{1,3}|[IVXLC]+)\s*[.)]?$")}

# What a piece opens with (after any label or bullet), and cue words anywhere
# in it. A cell of agencies opens with an agency's name, a deadline with a
# date or a period, a product with a kind of document, a task with what is to
# be done; further on the same words say less, as tasks name agencies too.
_LEAD_IN = r"^(?:(?:\d{1,3}|[IVX]+)\s*[.)]\s*|[-–+•]\s*)?"
_AGENCY = (r"Phòng|Văn\s+phòng|UBND|Ủy\s+ban|Uỷ\s+ban|HĐND|HDND|HDNĐ|Ban|Sở|Trung\s+tâm|Bưu\s+điện|[Cc]ác\s+cơ\s+quan|"
           r"[Cc]ơ\s+quan|[Đđ]ơn\s+vị|[Cc]ác\s+đơn\s+vị|Công\s+an|Chi\s+cục|Cục|Kho\s+bạc|Hội|Liên\s+hiệp|Hiệp\s+hội|Viện|"
           r"Trường|Doanh\s+nghiệp|Mặt\s+trận|Đoàn|Bộ|Đài|[Cc]ác\s+sở|[Ss]ở,\s+ban,\s+ngành|[Cc]ấp\s+xã|[Cc]ác\s+xã")
_PERIOD = (r"[Qq]u[ýí]|[Tt]rong\s+(?:năm|tháng|quý|quí)|[Tt]rước|[Tt]hường\s+xuyên|[Hh][ằà]ng\s+(?:năm|quý|tháng)|"
           r"[Đđ]ịnh\s+kỳ|[Tt]heo\s+(?:kế\s+hoạch|thời\s+gian|tiến\s+độ)|[Ss]au\s+khi|[Tt]háng|[Nn]ăm\s+\d|[Nn]gày|"
           r"[Cc]hậm\s+nhất|[Đđ]ến\s+năm|[Gg]iai\s+đoạn")  # in words: a date in digits is a shape of its own
_DATE = (r"[Qq]u[ýí]|tháng\s+\d|năm\s+(?:19|20)\d\d|ngày\s+\d|[Tt]hường\s+xuyên|[Hh][ằà]ng\s+(?:năm|quý)|"
         r"(?:\d{1,2}|[IV]{1,3})/\d{4}|\d{1,2}/\d{1,2}/\d{4}|(?:19|20)\d\d\b")
_DOCUMENT = (r"[Qq]uyết\s+định|[Kk]ế\s+hoạch|[Bb]áo\s+cáo|[Vv]ăn\s+bản|[Tt]hông\s+báo|[Nn]ghị\s+quyết|"
             r"[Cc]hương\s+trình|[Tt]ờ\s+trình|[Cc]ông\s+văn|[Đđ]ề\s+án|[Hh]ồ\s+sơ|[Tt]ỷ\s+lệ|[Ss]áng\s+kiến|"
             r"[Dd]anh\s+mục")
_DOING = (r"Triển\s+khai|Thực\s+hiện|Tổ\s+chức|Nâng\s+cao|Tăng\s+cường|Duy\s+trì|Kiểm\s+tra|Xây\s+dựng|Tiếp\s+tục|"
          r"Rà\s+soát|Đẩy\s+mạnh|Nghiên\s+cứu|Tập\s+huấn|Sắp\s+xếp|Hỗ\s+trợ|Đề\s+xuất|Khảo\s+sát|Phát\s+triển|"
          r"Hoàn\s+thiện|Tuyên\s+truyền|Ứng\s+dụng|Công\s+tác|Ban\s+hành|Cải\s+cách|Chỉ\s+đạo")
OPENINGS: list[tuple[str, re.Pattern]] = [
    ("agency", re.compile(_LEAD_IN + rf"(?:{_AGENCY})\b")),
    ("date", re.compile(_LEAD_IN + rf"(?:{_PERIOD})")),
    ("document", re.compile(_LEAD_IN + rf"(?:[Cc]ác\s+)?(?:{_DOCUMENT})\b")),
    ("doing", re.compile(_LEAD_IN + rf"(?:{_DOING})\b")),
]
OPENING_NAMES = [name for name, _ in OPENINGS] + ["other"]
START_OPENINGS: dict[str, dict[str, float]] = {  # first-pass odds, as START_SHAPES
    "row_no": {"other": 0.95},
    "group": {"doing": 0.3, "other": 0.6},  # `I. Cải cách thể chế`, `II. NÂNG CAO NHẬN THỨC`
    "task": {"doing": 0.6, "document": 0.1, "other": 0.25},
    "products": {"document": 0.55, "doing": 0.1, "other": 0.3},
    "lead": {"agency": 0.85, "other": 0.12},
    "partners": {"agency": 0.85, "other": 0.12},
    "deadline": {"date": 0.6, "doing": 0.15, "other": 0.2},  # `Quý I/2021`, `Ban hành kế hoạch trong …`
    "notes": {"other": 0.8},
}
LINE_OPENINGS = {"other": 0.8, "agency": 0.06, "date": 0.06, "document": 0.05}
CUES: dict[str, re.Pattern] = {
    "agency": re.compile(rf"\b(?:{_AGENCY})\b"),
    "date": re.compile(rf"\b(?:{_DATE})"),
    "document": re.compile(rf"\b(?:{_DOCUMENT})\b"),
}
CUE_WEIGHTS: dict[str, dict[str, float]] = {  # log-odds per cue, for the first pass only
    "agency": {"lead": 0.5, "partners": 0.5},
    "date": {"deadline": 0.7, "lead": -0.5, "partners": -0.5},
    "document": {"products": 0.3, "lead": -0.3, "partners": -0.3},
}
CUE_CAP = 2  # a cue repeated in one piece counts at most twice

# A line ending on a word that leads on (a preposition, a conjunction, a dash
# inside a name: `Văn phòng HĐND –` / `UBND huyện`, a code broken after its
# hyphen: `113/KH-` / `UBND`) rarely ends its cell. Searched from the end, the
# only place it can match, rather than tried at every position from the start.
CONNECTIVE_END = re.compile(
    r"(?:\w[-–]|\s[-–]|,|\b(?:của|và|về|theo|tại|cho|với|trong|hoặc|các|những|được|ngày|số|từ|đến|trên|để|do|là|có|"
    r"đối\s+với))$", re.REVERSE
)
ITEM_OPENING = re.compile(r"^(?:\d{1,3}\s*[.)]|[-–+•])")  # a line opening an item is a break, not a wrap
NUMBER_LABEL = re.compile(r"^(?P<n>\d{1,3})\s*[.)]?(?:\s|$)")
WORD = re.compile(r"\p{L}+|\d+")

# A line's width is measured with its characters' Times New Roman widths (glyphs.py).
GLYPH_AVERAGE = 450  # an average character of Vietnamese text: widths are counted in these

# ------------------------------------------------------------------ costs
# Log-odds of the search's choices and the weights of its evidence.

CUT_COST = -2.0  # a line holds the end of one cell and the start of another: rare
SKIP_COST = -25.0  # a line left unplaced: only what no column can take
ROW_COST = -1.0  # a new row
RESUME_FOREIGN = -3.0  # a cell resumed after a page break that its row had not opened: one spanning rows
PRESENCE = {"group": 0.3, "notes": 0.3}  # P(a row has a cell of its own): a group spans rows; notes are mostly empty
PRESENCE_DEFAULT = 0.95
# A row numbered with a group's numeral in the numbered column (`II.` | `HỖ
# TRỢ VÀ PHÁT TRIỂN CÔNG NGHỆ`) holds the group's title and nothing else.
GROUP_ROW_TITLE, GROUP_ROW_OTHERS = 0.9, 0.1
CELL_END = {"row_no": 0.95}  # P(a cell ends after a line): a row number never wraps,
CELL_END_DEFAULT = 0.3  # a cell runs to three or four lines
CUT_ROWS = 0.7  # P(a page break falls inside a row): rows are tall
RUN_BONUS, RUN_BREAK = 2.0, -2.0  # a row number continuing the run (1, 2, 3 …, 1 again under a new group), or not
FORM_WEIGHT = 8.0  # a piece not of its column's form
CONNECTIVE_WEIGHT = 2.5  # a cell ending on a word that leads on

WIDTH_TOLERANCE = 0.03  # share of a width by which the font may not be quite Times
OVERFLOW_WEIGHT = 2.5  # per character past the column's width
UNDERFILL_WEIGHT = 2.5  # per character into which the next word would have fitted
ALIKE_WEIGHT = 1.0  # per character by which a cell's lines disagree on its width
MIN_WRAPS = 3  # wrapped lines needed to learn a column's width

FLOW_WEIGHT = 1.0  # how far the words across a line break read on (see _Flow)
FLOW_SMOOTHING = 5.0
FLOW_FLOOR, FLOW_CEILING = -1.5, 3.0

# Learned word odds are naive Bayes: damped and bounded, since the words of a
# line are not independent and say much the same thing.
WORD_WEIGHT = 0.3
WORD_SMOOTHING = 30.0  # pseudo-count of the table-wide word distribution in each column's
WORD_CLIP, PIECE_WORDS_CAP = 2.0, 2.0
SHAPE_SMOOTHING = 20.0  # pseudo-count of the first-pass odds in the learned ones
PRESENCE_SMOOTHING = 5.0

PASSES = 3  # the first knows only the cues; each later one what the one before found
NBEST = 3  # paths kept per state in the last pass (the ones before keep the best)
BEAM = 10  # a path this far behind the best at the same point of the text is dropped
UNSURE_MARGIN = 1.0  # a row that a path this close to the best reads otherwise is reported


# ------------------------------------------------------------------ header


def _header_words(text: str) -> list[str]:
    return [w.lower() for w in HEADER_WORD.findall(text)]


def _is_header_line(text: str) -> bool:
    """Does the line hold header words and nothing else? Read up to its first other word: most lines are body."""
    found = False
    for m in HEADER_WORD.finditer(text):
        if m.group().lower() not in HEADER_WORDS:
            return False
        found = True
    return found


def header_roles(text: str) -> tuple[str, ...]:
    """Column roles in order, from a header's words (`Nhiệm vụ chung Nhiệm vụ cụ thể Sản phẩm …`)."""
    roles: list[str] = []
    for _, _, role in _header_spans(text):
        if not roles or roles[-1] != role:  # `Nội dung/nhiệm vụ`: one column named twice
            roles.append(role)
    return tuple(roles)


def unnamed_header_words(text: str) -> list[str]:
    """Words of a header that name a column no role covers (`Kinh phí`): not in a role's name, nor a qualifier."""
    spans = _header_spans(text)
    return [m.group() for m in HEADER_WORD.finditer(text)
            if m.group().lower() not in HEADER_QUALIFIERS and not any(s <= m.start() < e for s, e, _ in spans)]


def _header_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of each column name found in a header, in order."""
    spans: list[tuple[int, int, str]] = []
    for role, pattern in vocab.APPENDIX_COLUMNS:
        if pattern.pattern.startswith("^"):  # `STT`: a column named by one word of its own
            spans += [(m.start(), m.end(), role) for m in NON_SPACE.finditer(text) if pattern.search(m.group())]
        else:
            spans += [(m.start(), m.end(), role) for m in pattern.finditer(text)]
    chosen: list[tuple[int, int, str]] = []  # the longest name wins (`Nhiệm vụ chung` over `Nhiệm vụ`)
    for start, end, role in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, role))
    return sorted(chosen)


def _find_headers(lines: Sequence[Line]) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """The roles, and the [start, end) spans of the header and of each repeat."""
    texts = [l.text for l in lines]
    header_line: dict[int, bool] = {}  # line -> a line of header words; each line is asked about more than once
    line_words: dict[int, list[str]] = {}  # a header line's words

    def is_header(j: int) -> bool:
        found = header_line.get(j)
        if found is None:
            found = header_line[j] = _is_header_line(texts[j])
        return found

    end = 0
    while end < len(lines) and is_header(end):
        end += 1
    text = " ".join(texts[:end])
    first = _header_words(text)
    spans = [(0, end)] if end else []

    first_count = Counter(first)

    def best_from(i: int, floor: float) -> tuple[float, int]:
        """The lines from i most like the header: (similarity, end). Exact where it reaches `floor`; below
        it, no more than the true best. A span is compared in full only where the words the two share,
        in any order (an upper bound of the similarity), could beat both the best so far and the floor."""
        best, j = (0.0, i), i
        words: list[str] = []  # the words of lines [i, j): a word never runs from one line into the next
        count: Counter = Counter()
        while j < len(lines) and j - i < end + 3 and is_header(j):
            if j not in line_words:
                line_words[j] = _header_words(texts[j])
            words = words + line_words[j]
            count.update(line_words[j])
            j += 1
            bound = 2 * sum((first_count & count).values()) / (len(first) + len(words))
            if bound > best[0] + 1e-9 and bound >= floor:
                ratio = difflib.SequenceMatcher(None, first, words).ratio()
                if ratio > best[0] + 1e-9:
                    best = (ratio, j)
        return best

    i = end
    while first and i < len(lines):
        if not is_header(i):
            i += 1  # best_from would find nothing: a repeat opens with a line of header words
            continue
        ratio, j = best_from(i, HEADER_SIMILARITY)
        # A body line of header words (`hiện`) just before a repeat is not part of it.
        if ratio >= HEADER_SIMILARITY and ratio >= best_from(i + 1, ratio)[0]:
            spans.append((i, j))
            i = j
        else:
            i += 1
    return header_roles(text), spans


# ------------------------------------------------------------- the pieces


@lru_cache(maxsize=1 << 14)  # a table's words, and the lines measured twice (_agreement, _measure_with)
def _glyph_units(text: str) -> int:
    """The advance widths of `text` set in Times New Roman, in thousandths of an em."""
    try:
        return sum(map(CHAR_UNITS.__getitem__, text))
    except KeyError:
        for ch in set(text) - CHAR_UNITS.keys():
            CHAR_UNITS[ch] = _char_units(ch)
        return sum(map(CHAR_UNITS.__getitem__, text))


def _char_units(ch: str) -> int:
    """A character's advance width; a letter the table lacks (`ệ`) is as wide as its base letter (`e`)."""
    w = TIMES_WIDTHS.get(ch)
    return w if w is not None else TIMES_WIDTHS.get(unicodedata.normalize("NFD", ch)[0], OTHER_WIDTH)


# Each character's advance width (_char_units), filled as characters are met: a table, not a memo of
# any text's (what a character measures never changes), so that a word is summed without a call a letter.
CHAR_UNITS: dict[str, int] = dict(TIMES_WIDTHS)


def _glyph_width(text: str) -> float:
    """The width of `text` set in Times New Roman, in average characters."""
    return _glyph_units(text) / GLYPH_AVERAGE


def _char_width(text: str) -> float:
    """The width of `text` in characters, as a monospaced layout wraps it."""
    return float(len(text))


# The ways to measure a line; the table was set in the one under which the
# wrapped lines of each column agree best on one width (see _agreement).
MEASURES = (_glyph_width, _char_width)
# Each measure is a whole number of units per character over the units of an
# average character, so a piece's width is its words' units and its spaces'
# over that, exactly as measured on its text (_measure_with, _candidates).
MEASURE_UNITS: dict[Callable[[str], float], tuple[Callable[[str], int], int]] = {
    _glyph_width: (_glyph_units, GLYPH_AVERAGE), _char_width: (len, 1)}


def _first_match(patterns, text: str) -> str:
    return next((name for name, pattern in patterns if pattern.match(text)), "other")


def _alternation(patterns: list[tuple[str, re.Pattern]], engine=re) -> re.Pattern:
    """One pattern trying each in turn, its branch named: the first that matches wins, as in _first_match."""
    return engine.compile("|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in patterns))


# How a piece opens is read at every place a piece may start: the openings' words and marks need nothing
# of `regex` (no `\p{…}`), and the standard library's engine tries them in half the time.
SHAPE_PATTERN, OPENING_PATTERN = _alternation(SHAPES), _alternation(OPENINGS, std_re)


def _first_branch(pattern: re.Pattern, text: str) -> str:
    m = pattern.match(text)
    return m.lastgroup if m else "other"


class _Flow:
    """How well one word follows another, learned from the word pairs inside
    the table's lines (which never straddle two cells): a sentence wrapped
    across lines reads on (`Nghị quyết của` / `Quốc hội`, `Chủ tịch UBND` /
    `huyện`); two cells side by side do not (`Phòng Tư pháp` / `Văn phòng`)."""

    def __init__(self, lines: list[list[str]], learn: list[bool]):
        """`learn`: per line, whether its words are counted (a cell set on one line, not measured, would
        outweigh the table: a thousand numbers, one key)."""
        # Each word's key (_Flow.key) as an id, in the order the keys first appear; each line's words as ids.
        self.ids: dict[str, int] = {}
        id_of: dict[str, int] = {}
        self.line_ids = []
        for words in lines:
            row = []
            for w in words:
                k = id_of.get(w)
                if k is None:
                    k = id_of[w] = self.ids.setdefault(self.key(w), len(self.ids))
                row.append(k)
            self.line_ids.append(row)
        keys = len(self.ids)
        counted = [row for row, kept in zip(self.line_ids, learn) if kept]
        flat = np.fromiter(chain.from_iterable(counted), np.int64)
        leads_on = np.ones(flat.size, np.bool_)  # a word another follows in its line: a pair's first
        leads_on[np.cumsum([len(row) for row in counted], dtype=np.int64) - 1] = False
        at = np.flatnonzero(leads_on)
        pair_codes, pair_counts = np.unique(flat[at] * keys + flat[at + 1], return_counts=True)
        self.total = flat.size + 0.5 * (keys + 1)
        self.table = _FlowTable(np.bincount(flat, minlength=keys).astype(np.float64),
                                np.bincount(flat[at], minlength=keys).astype(np.float64),
                                pair_codes, pair_counts.astype(np.float64), keys, self.total)

    @staticmethod
    def key(word: str) -> str:
        word = word.strip(".,;:()“”\"").lower()
        return "0" if any(ch.isdigit() for ch in word) else word  # numbers and codes: one word

    def between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The pointwise mutual information of each pair of words (key ids, as in line_ids), smoothed and bounded."""
        t = self.table
        return _flows_k(t.words, t.firsts, t.pair_codes, t.pair_counts, t.keys, t.total, a, b)


@dataclass(slots=True)
class _Body:
    """The table's body lines: their words, where they may be cut, the page breaks."""

    lines: list[Line]
    words: list[list[str]]
    bounds: list[list[int]]  # word indices where a piece may start or end, 0 and len(words) included
    breaks: list[bool]  # a page break (a header) stands before the line
    item_opens: list[bool] = field(default_factory=list)  # the line opens an item (ITEM_OPENING): a break, never a wrap
    measured: list[bool] = field(default_factory=list)  # at most MAX_LINE_WORDS: its width tells of its column's
    measure: Callable[[str], float] = _glyph_width
    # what the next line's first word adds were it wrapped on; None: no wrap (_measure_with)
    follow: list[float | None] | None = None
    units: list[list[int]] | None = None  # per line, its words' units under the measure added up: [0, w0, w0 + w1, …]
    # the same, the lines one after another: per slot (_Pieces), its line's units before it
    slot_units: np.ndarray | None = None
    flow: _Flow | None = None


def _body(lines: Sequence[Line], spans: list[tuple[int, int]], roles: tuple[str, ...]) -> tuple[_Body, list[Line]]:
    in_header = {k for s, e in spans for k in range(s, e)}
    repeats = {s for s, e in spans if s > 0}
    body = _Body([], [], [], [])
    own_numbers = "row_no" in roles  # an STT column: a row's number is a cell of its own
    pending = False
    looks: dict[str, tuple[bool, bool, bool]] = {}  # word -> (a label, may open a cell, ends a sentence)
    for k, line in enumerate(lines):
        pending = pending or k in repeats
        if k in in_header:
            continue
        words = normalise(line.text).split()
        if not words:
            continue
        brk = pending or bool(body.lines and body.lines[-1].page != line.page)
        for word in words:
            if word not in looks:
                looks[word] = (bool(LABEL.match(word)), bool(CUT_BEFORE.match(word)), bool(CUT_AFTER.search(word)))
        measured = len(words) <= MAX_LINE_WORDS  # else a cell set on one line: one piece
        cuts = [j for j in range(1, len(words)) if (own_numbers or not looks[words[j - 1]][0])
                and (brk or looks[words[j]][1] or looks[words[j - 1]][2])] if measured else []
        body.lines.append(line)
        body.words.append(words)
        body.bounds.append([0] + cuts + [len(words)])
        body.breaks.append(brk)
        body.measured.append(measured)
        pending = False
    body.item_opens = [bool(ITEM_OPENING.match(words[0])) for words in body.words]
    _measure_with(body, _glyph_width)
    body.flow = _Flow(body.words, body.measured)
    return body, [lines[k] for k in sorted(in_header)]


def _measure_with(body: _Body, measure) -> None:
    # A measure counts whole units per character: a line's width, or a piece's, is its words' units and
    # its spaces' over the units of an average character, exactly as the measure reads the joined text.
    units, per = MEASURE_UNITS[measure]
    space = units(" ")
    body.measure = measure
    body.units = [list(accumulate(map(units, words), initial=0)) for words in body.words]
    body.slot_units = np.fromiter(chain.from_iterable(body.units), np.int64)
    n = len(body.lines)
    # None where no line wrapped before the next: past a page break, before an item, or before a cell
    # set on one line (not measured), whose first word then bounds no width.
    body.follow = [(space + units(body.words[i + 1][0])) / per  # measure(" " + the next line's first word)
                   if i + 1 < n and not body.breaks[i + 1] and not body.item_opens[i + 1] and body.measured[i + 1]
                   else None for i in range(n)]


def _agreement(body: _Body, pieces: _Pieces, steps: _Steps, measure) -> float:
    """The share of a segmentation's wrapped lines that agree exactly with their column's width under `measure`.

    Exactly: under the measure the table was set in, each column's wraps meet
    on one width; under another they scatter. (The segmentation keeps the
    columns apart: the wraps of the whole table would meet on some widths anyway.)"""
    units, per = MEASURE_UNITS[measure]
    space = units(" ")
    wraps: dict[int, list[tuple[float, float]]] = defaultdict(list)
    cands, kinds = steps.cand, steps.kind
    for k in range(len(cands) - 1):
        cand, nxt = cands[k], cands[k + 1]
        line = pieces.line[cand]
        if (kinds[k + 1] == LINE and pieces.start[cand] == 0 and pieces.end[cand] == len(body.words[line])
                and pieces.line[nxt] == line + 1 and not body.item_opens[line + 1] and body.measured[line]):
            words = body.words[line]
            width = (sum(map(units, words)) + (len(words) - 1) * space) / per  # measure(" ".join(words))
            wraps[steps.col[k]].append((width, width + (space + units(body.words[line + 1][0])) / per))
    return sum(_most_agreed(w)[2] for w in wraps.values()) / max(1, sum(len(w) for w in wraps.values()))


def _bounds(width: float, full: float) -> tuple[float, float]:
    """The column widths a line of `width` that wrapped before reaching `full` allows."""
    return width / (1 + WIDTH_TOLERANCE), full / (1 - WIDTH_TOLERANCE)


def _most_agreed(bounds: list[tuple[float, float]]) -> tuple[float, float, int]:
    """The interval inside the most of these intervals, and how many (a sweep)."""
    events = sorted([(lo, 0) for lo, _ in bounds] + [(hi, 1) for _, hi in bounds])
    best, at, now = (0.0, 0.0, 0), None, 0
    for k, (x, kind) in enumerate(events):
        now += 1 if kind == 0 else -1
        if kind == 0 and now > best[2]:
            best, at = (x, x, now), k
        elif kind == 1 and at is not None and now == best[2] - 1:
            best, at = (best[0], x, best[2]), None
    return best


@dataclass(slots=True)
class _Pieces:
    """The pieces the search may place (words [start, end) of a line), every node's one after another,
    and what the kernels read of them. Node k's pieces are [starts[k], starts[k + 1]).

    A slot is a word's place in the table: line i's words hold slots line_slot[i] … line_slot[i] + n - 1,
    and slot line_slot[i] + n stands for the line's end. A piece runs from the slot of its first word to
    the slot past its last, so what its words add up to (width, tokens, characters) is the difference of a
    running total at those two slots."""

    line: list[int]
    start: list[int]
    end: list[int]
    text: list[str]
    width: list[float]  # under the body's measure
    shape: list[int]  # index in SHAPE_NAMES
    opening: list[int]  # index in OPENING_NAMES
    number: list[int]  # its leading number label; -1: none
    open_end: list[bool]  # it ends on a word that leads on
    end_node: list[int]
    starts: list[int]
    names: list[str]  # token id -> token
    node_item: list[bool]  # [node] -> its first words open an item (ITEM_OPENING)
    token_ids: np.ndarray  # every piece's token ids (its words', then `<cue>` for each cue found), one after another
    token_starts: np.ndarray  # [piece] -> its first in `token_ids`; [piece + 1]: past its last
    cues: np.ndarray  # [piece, cue] -> times seen (at most CUE_CAP)
    shapes: np.ndarray
    openings: np.ndarray
    off_form: np.ndarray  # [piece, column] -> not of the column's form (ROLE_FORMS)
    node_slot: np.ndarray  # [node] -> the slot of its first word
    first_slot: np.ndarray  # [piece] -> the slot of its first word
    end_slot: np.ndarray  # [piece] -> the slot past its last word
    graph: _Graph | None = None  # rebuilt when the measure changes (_graph)


def _running(values, dtype=np.int64) -> np.ndarray:
    """The running totals before each value and after the last: [0, v0, v0 + v1, …]."""
    return np.fromiter(accumulate(values, initial=0), dtype)


def _candidates(body: _Body, roles: tuple[str, ...]) -> tuple[list[tuple[int, int]], _Pieces]:
    """The search's nodes (line, word index) and the pieces that begin at each.

    Where each piece starts and ends, its width, its tokens and its cues are
    array arithmetic over the slots (_Pieces). What a piece's regexes read is
    read once where pieces share it: how a piece opens depends on its first
    two words (and whether more follow), whether it ends on a word that leads
    on on its last two; what it opens with is read on the longest piece of
    its node, and only where that match runs past a shorter piece's end is
    the shorter one read again (no opening pattern looks at the end of the
    text); and a cue's matches are found once in the whole table, a piece's
    being those inside it, read again only where one straddles the piece's
    edge (no cue pattern looks at the ends either)."""
    nodes = [(i, a) for i, b in enumerate(body.bounds) for a in b[:-1]] + [(len(body.lines), 0)]
    n_lines = len(body.lines)
    vocab = {f"<{cue}>": k for k, cue in enumerate(CUES)}  # a cue as a word among its piece's words (_estimate)
    word_tokens: dict[str, list[int]] = {}
    for words in body.words:
        for w in words:
            if w not in word_tokens:
                word_tokens[w] = [vocab[t] if t in vocab else vocab.setdefault(t, len(vocab))
                                  for t in ("0" if x.isdigit() else x.lower() for x in WORD.findall(w))]
    # The lines' text joined by LINE_SEPARATOR: a piece is a stretch of it.
    whole = LINE_SEPARATOR.join(" ".join(words) for words in body.words)
    slot_word = [w for words in body.words for w in chain(words, (None,))]
    # Before each slot: the characters of `whole` (each word and the space or separator after it), the tokens.
    slot_char = _running(0 if w is None else len(w) + 1 for w in slot_word)
    slot_token = _running(0 if w is None else len(word_tokens[w]) for w in slot_word)
    tokens = np.fromiter(chain.from_iterable(word_tokens[w] for w in slot_word if w is not None), np.int64)

    per_line = np.array([len(b) - 1 for b in body.bounds], np.int64)  # each line's nodes
    line_slot = _running(len(words) + 1 for words in body.words)
    bound_word = np.fromiter(chain.from_iterable(body.bounds), np.int64)  # each line's bounds, one after another
    first_bound = _running((per_line + 1).tolist())
    first_node = _running(per_line.tolist())
    n_nodes = int(first_node[-1])
    node_line = np.repeat(np.arange(n_lines), per_line)
    node_bound = first_bound[node_line] + np.arange(n_nodes) - first_node[node_line]  # the node's bound in bound_word
    node_slot = line_slot[node_line] + bound_word[node_bound]

    # A node's pieces end at each later bound of its line, in order.
    count = first_bound[node_line + 1] - 1 - node_bound
    starts = _running(count.tolist())
    piece_node = np.repeat(np.arange(n_nodes), count)
    end_bound = node_bound[piece_node] + 1 + np.arange(int(starts[-1])) - starts[piece_node]
    line, start, end = node_line[piece_node], bound_word[node_bound[piece_node]], bound_word[end_bound]
    first_slot = node_slot[piece_node]
    end_slot = line_slot[line] + end
    begin, stop = slot_char[first_slot], slot_char[end_slot] - 1  # the piece in `whole`
    begin_l, stop_l = begin.tolist(), stop.tolist()
    text = [whole[s:e] for s, e in zip(begin_l, stop_l)]

    node_item, node_opening, node_opening_end = [], [], []  # per node; of its longest piece, to its line's end
    other = OPENING_NAMES.index("other")
    for s, e in zip(slot_char[node_slot].tolist(), (slot_char[line_slot[node_line + 1] - 1] - 1).tolist()):
        rest = whole[s:e]
        node_item.append(bool(ITEM_OPENING.match(rest)))  # reads no further than the first two words
        m = OPENING_PATTERN.match(rest)
        node_opening.append(OPENING_NAMES.index(m.lastgroup) if m else other)
        node_opening_end.append(m.end() if m else -1)
    opening_end = np.array(node_opening_end, np.int64)[piece_node]
    opening = np.array(node_opening, np.int64)[piece_node]
    for g in np.flatnonzero(opening_end > stop - begin).tolist():  # the node's match runs past this piece's end
        opening[g] = OPENING_NAMES.index(_first_branch(OPENING_PATTERN, text[g]))

    shape_index = {name: k for k, name in enumerate(SHAPE_NAMES)}
    heads: dict[tuple, tuple[int, int]] = {}  # (first word, second or None, more follow) -> (shape, number label)
    tails: dict[tuple, bool] = {}  # (word before the last or None, last word) -> ends on a word that leads on
    shape, number, open_end = [], [], []
    for piece, a, b in zip(text, first_slot.tolist(), end_slot.tolist()):
        head = (slot_word[a], slot_word[a + 1] if b > a + 1 else None, b > a + 2)
        got = heads.get(head)
        if got is None:
            label = NUMBER_LABEL.match(piece)
            got = heads[head] = (shape_index[_first_branch(SHAPE_PATTERN, piece)],
                                 int(label.group("n")) if label else -1)
        shape.append(got[0])
        number.append(got[1])
        tail = (slot_word[b - 2] if b - 2 >= a else None, slot_word[b - 1])
        ends_open = tails.get(tail)
        if ends_open is None:
            ends_open = tails[tail] = bool(CONNECTIVE_END.search(piece))
        open_end.append(ends_open)

    cues = _cues(whole, text, begin, stop)
    # A piece's tokens: its words', then each cue as often as it was seen.
    word_count, cue_count = slot_token[end_slot] - slot_token[first_slot], cues.sum(axis=1)
    token_starts = _running((word_count + cue_count).tolist())
    token_ids = np.empty(int(token_starts[-1]), np.int64)
    at, rank = _segments(word_count)
    token_ids[token_starts[at] + rank] = tokens[slot_token[first_slot][at] + rank]
    at, rank = _segments(cue_count)
    token_ids[token_starts[at] + word_count[at] + rank] = np.repeat(np.tile(np.arange(len(CUES)), len(text)),
                                                                    cues.ravel())

    off_form = np.zeros((len(text), len(roles)), np.bool_)
    for c, role in enumerate(roles):
        form = ROLE_FORMS.get(role)
        if form is not None:  # a form is one label (`12`, `IV.`): never a piece of three words or more
            short = end - start <= 2
            off_form[:, c] = ~short
            off_form[short, c] = [not form.match(text[g]) for g in np.flatnonzero(short).tolist()]

    pieces = _Pieces(
        line.tolist(), start.tolist(), end.tolist(), text, [], shape, opening.tolist(), number, open_end,
        (piece_node + end_bound - node_bound[piece_node]).tolist(), starts.tolist(), list(vocab), node_item,
        token_ids, token_starts, cues.astype(np.float64), np.array(shape, np.int64), opening, off_form,
        node_slot, first_slot, end_slot)
    _measure_pieces(body, pieces)
    pieces.graph = _graph(body, nodes, pieces)
    return nodes, pieces


def _segments(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of these lengths laid end to end: each element's segment and its rank within it."""
    at = np.repeat(np.arange(lengths.size), lengths)
    return at, np.arange(at.size) - _running(lengths.tolist())[at]


def _cues(whole: str, text: list[str], begin: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """[piece, cue] -> how many of the cue's matches lie inside the piece (at most CUE_CAP).

    Each pattern runs once over the whole table: a call costs more than a line's text. Its matches
    never overlap, so their starts and ends both rise, and those inside [begin, stop) are the ones from
    the first starting at or after begin to the last ending at or before stop. A match across either
    edge would be cut by the piece: that piece is read again."""
    out = np.zeros((len(text), len(CUES)), np.int64)
    for c, pattern in enumerate(CUES.values()):
        spans = np.array([m.span() for m in pattern.finditer(whole)], np.int64).reshape(-1, 2)
        if not spans.size:
            continue
        s, e = spans[:, 0], spans[:, 1]
        lo = np.searchsorted(s, begin, "left")
        hi = np.searchsorted(e, stop, "right")
        out[:, c] = np.maximum(hi - lo, 0)
        across = (((lo > 0) & (e[np.maximum(lo - 1, 0)] > begin)) |
                  ((hi < s.size) & (s[np.minimum(hi, s.size - 1)] < stop)))
        for g in np.flatnonzero(across).tolist():
            out[g, c] = len(pattern.findall(text[g]))
    return np.minimum(out, CUE_CAP)


# Joins a table's lines into one text for the cue patterns: no pattern matches it, so no
# match runs from one line into the next, and as a non-word character it bounds a word (`\b`)
# as a line's end does.
LINE_SEPARATOR = "\x00"


def _measure_pieces(body: _Body, pieces: _Pieces) -> None:
    """Each piece's width under the body's measure: its words' units and its spaces' over an average character's."""
    space, per = _space_and_per(body.measure)
    units, end, first = body.slot_units, pieces.end_slot, pieces.first_slot
    pieces.width = ((units[end] - units[first] + (end - first - 1) * space) / per).tolist()


def _space_and_per(measure) -> tuple[int, int]:
    units, per = MEASURE_UNITS[measure]
    return units(" "), per


# ----------------------------------------------------------------- model

START, RESUME, LINE = 0, 1, 2  # a cell opens; a cell goes on after a page break; a cell's next line
KINDS = (START, RESUME, LINE)


@dataclass(slots=True)
class _Model:
    roles: tuple[str, ...]
    numbered: int | None  # the column whose cells carry the row numbers
    widths: list[float | None]  # per column; None: not known (yet)
    shapes: list[list[dict[str, float]]]  # [kind][column] -> log P(the first token's shape)
    openings: list[list[dict[str, float]]]  # [kind][column] -> log P(what the first words name)
    word_odds: np.ndarray | None  # [column, token id] -> log(P(word | column) / P(word)); None until learned
    presence: list[list[float]]  # [row kind: task row, group row][column] -> P(the row has a cell of its own there)
    ends: list[float]  # [column] -> P(a cell ends after a line)
    cut_rows: float  # P(a page break falls inside a row)


def _log_dist(prior: dict[str, float], counts: Counter | None, names: list[str]) -> dict[str, float]:
    """Log-probabilities of a categorical feature: its counts, smoothed towards a prior (a partial table)."""
    rest = max(1e-3, 1.0 - sum(prior.values())) / max(1, len(names) - len(prior))
    counts = counts or Counter()
    total = sum(counts.values())
    return {s: math.log((counts[s] + SHAPE_SMOOTHING * prior.get(s, rest)) / (total + SHAPE_SMOOTHING)) for s in names}


def _priors(roles: tuple[str, ...]) -> tuple[int | None, list[list[dict]], list[list[dict]], list[list[float]]]:
    """The first-pass tables: the numbered column, shapes and openings [kind][column], presence [row kind][column]."""
    numbered = roles.index("row_no") if "row_no" in roles else roles.index("task") if "task" in roles else None
    starts = [{"capital": 0.9} if role == "task" and numbered != c else START_SHAPES.get(role, START_SHAPES["notes"])
              for c, role in enumerate(roles)]  # an STT column numbers the rows: tasks open with words
    lines = [LINE_SHAPES_BY_ROLE.get(role, LINE_SHAPES) for role in roles]
    shapes = [starts, lines, lines]
    openings = [[START_OPENINGS.get(role, START_OPENINGS["notes"]) for role in roles], [LINE_OPENINGS] * len(roles),
                [LINE_OPENINGS] * len(roles)]
    task_rows = [PRESENCE.get(role, PRESENCE_DEFAULT) for role in roles]
    group_rows = [p if numbered is None or c <= numbered else GROUP_ROW_TITLE if c == numbered + 1 else GROUP_ROW_OTHERS
                  for c, p in enumerate(task_rows)]
    return numbered, shapes, openings, [task_rows, group_rows]


def _first_model(roles: tuple[str, ...]) -> _Model:
    numbered, shapes, openings, presence = _priors(roles)
    return _Model(roles, numbered, [None] * len(roles),
                  [[_log_dist(p, None, SHAPE_NAMES) for p in kind] for kind in shapes],
                  [[_log_dist(p, None, OPENING_NAMES) for p in kind] for kind in openings],
                  None, presence, [CELL_END.get(r, CELL_END_DEFAULT) for r in roles], CUT_ROWS)


@cache
def _cue_weights(role: str) -> tuple[float, ...]:
    """The first pass's log-odds of each cue (in CUES' order) for a column of `role`."""
    return tuple(CUE_WEIGHTS[cue].get(role, 0.0) for cue in CUES)


# ------------------------------------------------------- compiled kernels
# numba keeps a kernel's machine code where it finds a folder it can write to: NUMBA_CACHE_DIR, the
# module's own __pycache__, the user's cache folder; and with none (a read-only install run by a service
# account) it refuses to compile at all. The folder is chosen here, once, before the kernels are made:
# numba picks it as each @njit(cache=True) function is decorated.

CACHE_NAME = "vn-plan-pipeline"  # our folder in the user's cache folder, or in the temporary folder


def _writable(folder: Path) -> bool:
    """numba's own test of a cache folder: made if missing, and a file written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _private(folder: Path) -> bool:
    """Is `folder` ours alone? A cache in a shared temporary folder that another account made could hand
    us its machine code (numba unpickles what it finds there)."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def _fallback_folders() -> Iterator[Path]:
    """Where to cache when numba finds no place itself: the user's cache folder, then a private temporary one."""
    user_cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    yield Path(user_cache) / CACHE_NAME / "numba"
    try:
        temp = Path(tempfile.gettempdir()) / f"{CACHE_NAME}-numba-{os.getuid()}"
    except OSError:  # gettempdir finds no writable folder at all
        return
    if _private(temp):
        yield temp


def _kernel_cache() -> tuple[bool, str | None]:
    """Whether the kernels are cached, and where: None for wherever numba finds a place itself."""
    own = numba_config.CACHE_DIR and _writable(Path(numba_config.CACHE_DIR))
    if own or _writable(Path(__file__).parent / "__pycache__"):  # the folder as numba names it (inspect.getfile)
        return True, None
    folder = next((f for f in _fallback_folders() if _writable(f)), None)
    return (True, str(folder)) if folder else (False, None)  # nowhere: compiled in each process, not cached


@contextmanager
def _cached_in(folder: str | None):
    """numba's cache folder set to `folder` while kernels are decorated (None: left as it is): numba reads
    it once per kernel, as it is decorated, so the setting is undone after, for other modules' kernels."""
    if folder is None:
        yield
        return
    before = numba_config.CACHE_DIR
    numba_config.CACHE_DIR = folder
    try:
        yield
    finally:
        numba_config.CACHE_DIR = before


KERNEL_CACHE = _kernel_cache()


def _kernel(**options):
    """numba.njit, its machine code cached where KERNEL_CACHE says."""
    cache, folder = KERNEL_CACHE

    def compile_(func):
        with _cached_in(folder):
            return njit(cache=cache, **options)(func)
    return compile_


# ---------------------------------------------------------------- search


class _Steps(NamedTuple):
    """A segmentation: the pieces it places, in order, each in a column, as a kind of piece, opening a row or not."""

    cand: list[int]  # index in _Pieces
    col: list[int]
    kind: list[int]
    new_row: list[bool]


def _graph(body: _Body, nodes, pieces: _Pieces) -> _Graph:
    """The nodes, lines and pieces as the search's kernel reads them, under the body's measure."""
    n_lines = len(body.lines)
    ids = body.flow.line_ids
    space, per = _space_and_per(body.measure)
    units = body.slot_units
    key = np.fromiter(chain.from_iterable(chain(row, (0,)) for row in ids), np.int64)  # per slot, its word's key
    node_line = np.array([i for i, _ in nodes], np.int64)
    node_word = np.array([a for _, a in nodes], np.int64)
    measured = np.array(body.measured + [False], np.bool_)
    node_has_first = ~np.array(pieces.node_item + [True], np.bool_) & measured[node_line]  # (as _Body.follow)
    slot = np.append(pieces.node_slot, 0)
    breaks = np.array(body.breaks + [False], np.bool_)
    follow = [0.0 if f is None else f for f in body.follow]
    return _Graph(
        node_line, node_word, (node_word == 0) & breaks[node_line],
        # measure(" " + the node's first word); 0 where it opens an item
        np.where(node_has_first, (space + units[slot + 1] - units[slot]) / per, 0.0), node_has_first,
        np.where(node_line < n_lines, key[slot], 0),
        np.array(pieces.starts, np.int64),
        np.append(FLOW_WEIGHT * body.flow.between(np.array([row[-1] for row in ids[:-1]], np.int64),
                                                  np.array([row[0] for row in ids[1:]], np.int64)), 0.0),
        np.array(follow, np.float64),
        np.array([f is not None for f in body.follow], np.bool_),
        np.append(~breaks[1:n_lines], False),
        np.array(pieces.start, np.int64) > 0,
        np.array(pieces.end, np.int64) == np.array([len(words) for words in body.words], np.int64)[pieces.line],
        np.array(pieces.end_node, np.int64),
        pieces.shapes == SHAPE_NAMES.index("roman"),
        np.array(pieces.number, np.int64),
        np.array(pieces.width, np.float64),
        measured[pieces.line],
        np.array(pieces.open_end, np.bool_),
        key[pieces.end_slot - 1],
    )


def _emission_table(model: _Model, pieces: _Pieces) -> np.ndarray:
    """[piece, kind, column] -> how well the piece reads as that kind of piece of that column."""
    K = len(model.roles)
    learned = model.word_odds is not None
    odds = model.word_odds if learned else np.zeros((K, len(pieces.names)))
    return _emissions_k(
        pieces.token_ids, pieces.token_starts, odds, np.full(K, learned, np.bool_),
        pieces.cues, np.array([_cue_weights(role) for role in model.roles], np.float64).reshape(K, len(CUES)),
        pieces.off_form, np.array([0.0 if w is None else w for w in model.widths], np.float64),
        np.array([w is not None for w in model.widths], np.bool_), pieces.graph.cand_width, pieces.graph.cand_measured,
        pieces.shapes, pieces.openings,
        np.array([[[table[name] for name in SHAPE_NAMES] for table in kind] for kind in model.shapes], np.float64),
        np.array([[[table[name] for name in OPENING_NAMES] for table in kind] for kind in model.openings], np.float64))


@_kernel()
def _emissions_k(tokens, token_starts, odds, learned, cues, cue_weights, off_form, widths, has_width, cand_width,
                 cand_measured, shape, opening, shape_logp, opening_logp):
    """How each candidate reads as each kind of piece of each column: its words (their learned odds, or in
    the first passes its cues), its form, its width against the column's, its shape and its opening."""
    n, K = cand_width.size, widths.size
    out = np.empty((n, 3, K))
    for g in range(n):
        for col in range(K):
            score = 0.0
            if learned[col]:
                for t in range(token_starts[g], token_starts[g + 1]):
                    score += odds[col, tokens[t]]
                score = max(-PIECE_WORDS_CAP, min(PIECE_WORDS_CAP, WORD_WEIGHT * score))
            else:
                for q in range(cues.shape[1]):
                    score += cues[g, q] * cue_weights[col, q]
            if off_form[g, col]:
                score -= FORM_WEIGHT
            # No line is wider than its column (of the lines whose width tells).
            if has_width[col] and cand_measured[g] and cand_width[g] > widths[col] * (1 + WIDTH_TOLERANCE):
                score -= OVERFLOW_WEIGHT * (cand_width[g] - widths[col] * (1 + WIDTH_TOLERANCE))
            for kind in range(3):
                out[g, kind, col] = score + shape_logp[kind, col, shape[g]] + opening_logp[kind, col, opening[g]]
    return out


def _search(body: _Body, model: _Model, pieces: _Pieces, emissions: np.ndarray, nbest: int) -> _Paths:
    """The N best paths into every state at every node (list Viterbi, beam-pruned).

    A state is (phase, column, goes on): phase 0 is a row's first part, 1 the
    part resumed after a page break. A path carries (the last row number and
    whether a group numeral came since; the open cell's width bounds; per
    column, this row's cell before a page break: the odds that it goes on, its
    last line's width, its width bounds and last word; the row's kind)."""
    K = len(model.roles)
    logq = [[math.log(1 - p) for p in kind] for kind in model.presence]
    scores = _Scores(
        -1 if model.numbered is None else model.numbered,
        np.array([0.0 if w is None else w for w in model.widths], np.float64),
        np.array([w is not None for w in model.widths], np.bool_),
        np.array([math.log(e) for e in model.ends], np.float64),
        np.array([math.log(1 - e) - math.log(e) for e in model.ends], np.float64),
        np.array([[math.log(p) for p in kind] for kind in model.presence], np.float64),
        # the rest of the row merged with the rows above
        np.array([[sum(q[c + 1:]) for c in range(K)] for q in logq], np.float64),
        np.array([[[sum(q[c + 1:c2]) for c2 in range(K)] for c in range(K)] for q in logq], np.float64),
        np.array([ROW_COST + sum(logq[0][:c2]) + math.log(model.presence[0][c2]) for c2 in range(K)], np.float64),
        math.log(model.cut_rows), math.log(1 - model.cut_rows),
        emissions,
    )
    slot_f, slot_i, count, order, n_order = _lattice(pieces.graph, scores, body.flow.table, nbest, float(BEAM))
    return _Paths(slot_f, slot_i, count, order, n_order, 4 * K, nbest, pieces.graph.node_line)


@dataclass(slots=True)
class _Paths:
    """What the search kept: per slot (node, state, rank) a path's score, back pointer and carry."""

    scores: np.ndarray  # [slot, SCORE | LO | HI]
    fields: np.ndarray  # [slot, BACK_NODE … CELLS]
    count: np.ndarray  # [node * states + state] -> paths kept; -1: the state was never reached
    order: np.ndarray  # [node * states + k] -> the k-th state reached at the node
    n_order: np.ndarray  # [node] -> states reached
    states: int
    nbest: int
    node_line: np.ndarray  # [node] -> its line

    def at(self, node: int) -> list[tuple[int, int, float, int]]:
        """(state, rank, score, row kind) of every path kept at `node`, states in the order first reached."""
        out = []
        for k in range(self.n_order[node]):
            s = int(self.order[node * self.states + k])
            for r in range(self.count[node * self.states + s]):
                slot = (node * self.states + s) * self.nbest + r
                out.append((s, r, float(self.scores[slot, SCORE]), int(self.fields[slot, ROW_KIND])))
        return out


def _ends(paths: _Paths, model: _Model, nodes) -> list[tuple[float, int, int]]:
    """The complete paths, best first: (score, state, rank) at the last node."""
    K = len(model.roles)
    out = []
    for s, r, v, row_kind in paths.at(len(nodes) - 1):
        if s % 2 == 0:
            c, ph = (s // 2) % K, s // (2 * K)
            out.append((v + (sum(math.log(1 - p) for p in model.presence[row_kind][c + 1:]) if ph == 0 else 0.0), s, r))
    return sorted(out, reverse=True)


def _path(paths: _Paths, nodes, state: int, rank: int) -> tuple[_Steps, list[int]]:
    """The steps of the path ending in (state, rank) at the last node, and the lines it leaves unplaced."""
    steps, skipped = _backtrack(paths.fields, paths.node_line, paths.states, paths.nbest, len(nodes) - 1, state, rank)
    cand, col, kind, opens = steps.T.tolist() if len(steps) else ([], [], [], [])
    return _Steps(cand, col, kind, [bool(o) for o in opens]), sorted(skipped.tolist())


@_kernel()
def _backtrack(fields, node_line, states, nbest, node, state, rank):
    """The path ending in (state, rank) at `node`, read back: its steps in order, each (piece, column, kind,
    opens a row), and the lines it leaves unplaced."""
    steps = np.empty((node + 1, 4), np.int64)
    skipped = np.empty(node + 1, np.int64)
    n = m = 0
    while True:
        slot = (node * states + state) * nbest + rank
        cand = fields[slot, BACK_CAND]
        if cand == NO_BACK:
            break
        node, state, rank = fields[slot, BACK_NODE], fields[slot, BACK_STATE], fields[slot, BACK_RANK]
        if cand == SKIPPED:
            skipped[m] = node_line[node]
            m += 1
            continue
        steps[n, 0], steps[n, 1], steps[n, 2], steps[n, 3] = (cand, fields[slot, BACK_COL], fields[slot, BACK_KIND],
                                                              fields[slot, BACK_OPENS])
        n += 1
    return steps[:n][::-1].copy(), skipped[:m].copy()


# The kernel. Its inputs are flat arrays; it visits states, offers and paths in
# the order of a plain list Viterbi kept in dicts (states in the order a node
# first reached them, offers in the order first made, equal scores in the
# order pushed), so that equal scores are decided the same way on every run.


class _Graph(NamedTuple):
    """The nodes, lines and candidates of the table, as the kernel reads them."""

    node_line: np.ndarray  # [node] -> its line
    node_word: np.ndarray  # [node] -> its word index in the line
    node_break: np.ndarray  # [node] -> a page break stands before it
    node_first: np.ndarray  # [node] -> what its first word adds to the line before, had it wrapped on
    node_has_first: np.ndarray  # [node] -> False: it opens an item, never a wrap, or its line is not measured
    node_key: np.ndarray  # [node] -> its first word's key in the flow table
    node_cands: np.ndarray  # [node] -> its first candidate; [node + 1]: past its last
    line_flow: np.ndarray  # [line] -> how the words across the break after it read on (weighted)
    line_follow: np.ndarray  # [line] -> what the next line's first word adds to it
    line_has_follow: np.ndarray  # [line] -> False: the next line opens an item, or none follows on this page
    line_can_open: np.ndarray  # [line] -> a cell may go on from it to the next line
    cand_cut: np.ndarray  # [candidate] -> it begins inside its line
    cand_whole_end: np.ndarray  # [candidate] -> it ends its line
    cand_end_node: np.ndarray
    cand_roman: np.ndarray
    cand_number: np.ndarray  # its leading number label; -1: none
    cand_width: np.ndarray
    cand_measured: np.ndarray  # [candidate] -> its width tells of its column's (_Body.measured)
    cand_open_end: np.ndarray
    cand_last_key: np.ndarray  # its last word's key in the flow table


class _Scores(NamedTuple):
    """The model's odds, as the kernel reads them (logs taken once)."""

    numbered: int  # -1: no numbered column
    widths: np.ndarray
    has_width: np.ndarray
    log_end: np.ndarray  # [column] -> log P(a cell ends after a line)
    goes_on: np.ndarray  # [column] -> log-odds that it goes on
    log_present: np.ndarray  # [row kind, column]
    absent_after: np.ndarray  # [row kind, column] -> the rest of the row merged with the rows above
    absent_between: np.ndarray  # [row kind, column, next column]
    new_row: np.ndarray  # [column] -> a row opening at this column
    cut_row: float
    whole_row: float
    emissions: np.ndarray  # [candidate, kind, column]


class _FlowTable(NamedTuple):
    """_Flow's counts by key id, for the kernel."""

    words: np.ndarray
    firsts: np.ndarray
    pair_codes: np.ndarray  # sorted: first key id * keys + second key id
    pair_counts: np.ndarray
    keys: int
    total: float


# A slot's columns: in `scores`, its score and the open cell's width bounds; in
# `fields`, its back pointer (node, state, rank, candidate, column, kind, opens a
# row) and its carry (last row number, a group numeral since, row kind, cells).
SCORE, LO, HI = 0, 1, 2
BACK_NODE, BACK_STATE, BACK_RANK, BACK_CAND, BACK_COL, BACK_KIND, BACK_OPENS = range(7)
RUN_LAST, GROUP_SINCE, ROW_KIND, CELLS = 7, 8, 9, 10
NO_BACK, SKIPPED = -2, -1  # in BACK_CAND: the path's start; a line left unplaced
# A pool entry: one cell a row holds before a page break, and the entry of the cells it held before it
# (entry 0: none): in `pool_i` (that entry, the cell's column, its last word, whether its last line was
# measured), in `pool_f` (the odds that it goes on, its last line's width, its width bounds). A path's cells
# are one entry: a new cell adds an entry to the row's, rather than a copy of all of them, as most are never
# read (only after a page break).
HELD_UP, HELD_COL, HELD_KEY, HELD_MEASURED = range(4)
HELD_ODDS, HELD_WIDTH, HELD_LO, HELD_HI = range(4)


@_kernel(inline='always')
def _flow_k(words, firsts, pair_codes, pair_counts, keys, total, a, b):
    """_Flow.__call__ on key ids (the arrays of a _FlowTable)."""
    p_b = (words[b] + 0.5) / total
    code = a * keys + b
    k = np.searchsorted(pair_codes, code)
    pair = pair_counts[k] if k < pair_codes.size and pair_codes[k] == code else 0.0
    p_b_after_a = (pair + FLOW_SMOOTHING * p_b) / (firsts[a] + FLOW_SMOOTHING)
    return max(FLOW_FLOOR, min(FLOW_CEILING, math.log(p_b_after_a / p_b)))


@_kernel()
def _flows_k(words, firsts, pair_codes, pair_counts, keys, total, a, b):
    out = np.empty(a.size)
    for k in range(a.size):
        out[k] = _flow_k(words, firsts, pair_codes, pair_counts, keys, total, a[k], b[k])
    return out


@_kernel(inline='always')
def _wraps(known, has_known, width, measured, follow, has_follow, lo0, hi0):
    """Score a line of `width` wrapped before a word adding `follow` (none: before an item) in a column of width
    `known`, its cell's width bounds so far (lo0, hi0): the score, and the bounds after it. A line not
    `measured` (a cell set on one line) neither scores nor bounds."""
    if not measured:
        return 0.0, lo0, hi0
    lo = max(lo0, width)
    hi = min(hi0, width + follow) if has_follow else hi0
    score = -ALIKE_WEIGHT * (lo - hi * (1 + WIDTH_TOLERANCE)) if lo > hi * (1 + WIDTH_TOLERANCE) else 0.0
    if has_known and has_follow:
        room = known * (1 - WIDTH_TOLERANCE) - (width + follow)
        if room > 0:  # the next word would have fitted on this line
            score -= UNDERFILL_WEIGHT * room
    return score, lo, max(lo, hi)


@_kernel(inline='always')
def _reach(node, state, states, count, order, n_order):
    """Make (node, state) a state the node has reached, in the order reached."""
    key = node * states + state
    if count[key] < 0:
        order[node * states + n_order[node]] = state
        n_order[node] += 1
        count[key] = 0


@_kernel(inline='always')
def _admits(node, state, value, states, nbest, slot_f, count):
    """Would a path of `value` be kept at (node, state)?"""
    key = node * states + state
    n = count[key]
    return n <= 0 or n < nbest or value > slot_f[key * nbest + n - 1, SCORE]


@_kernel(inline='always')
def _place(node, state, value, states, nbest, slot_f, slot_i, count, order, n_order):
    """Room for a path of `value` among the best at (node, state), after those scoring as much: its slot, or -1."""
    _reach(node, state, states, count, order, n_order)
    key = node * states + state
    n = count[key]
    base = key * nbest
    pos = n
    while pos > 0 and slot_f[base + pos - 1, SCORE] < value:
        pos -= 1
    if pos >= nbest:
        return -1
    for k in range(min(n, nbest - 1), pos, -1):  # element by element: a row's view would count references
        for x in range(slot_f.shape[1]):
            slot_f[base + k, x] = slot_f[base + k - 1, x]
        for x in range(slot_i.shape[1]):
            slot_i[base + k, x] = slot_i[base + k - 1, x]
    count[key] = min(n + 1, nbest)
    return base + pos


@_kernel(inline='always')
def _offer(q, value, s, r, opens, lo, hi, nbest, off_f, off_i, off_n, key_order, n_keys):
    """Add an offer to the key q's best few (kept best first, equal scores in the order offered)."""
    n = off_n[q]
    if n < 0:
        key_order[n_keys[0]] = q
        n_keys[0] += 1
        n = off_n[q] = 0
    if n == nbest and not value > off_f[q, n - 1, 0]:
        return
    pos = n
    while pos > 0 and off_f[q, pos - 1, 0] < value:
        pos -= 1
    for k in range(min(n, nbest - 1), pos, -1):
        for x in range(3):
            off_f[q, k, x] = off_f[q, k - 1, x]
            off_i[q, k, x] = off_i[q, k - 1, x]
    off_f[q, pos, 0], off_f[q, pos, 1], off_f[q, pos, 2] = value, lo, hi
    off_i[q, pos, 0], off_i[q, pos, 1], off_i[q, pos, 2] = s, r, opens
    off_n[q] = min(n + 1, nbest)


@_kernel()
def _grow(pool_i, pool_f):
    """The cell pool, twice as large."""
    n = pool_i.shape[0]
    i, f = np.empty((2 * n, pool_i.shape[1]), np.int64), np.empty((2 * n, pool_f.shape[1]))
    i[:n] = pool_i
    f[:n] = pool_f
    return i, f


@_kernel(inline='always')
def _held(pool_i, held, col):
    """The entry of the pool that holds column `col`'s cell among the cells `held` stands for; 0: none."""
    while held != 0 and pool_i[held, HELD_COL] != col:
        held = pool_i[held, HELD_UP]
    return held


@_kernel()
def _lattice(g, m, flow, nbest, beam):
    # Every array read once from its tuple: reading one in the loops would count a reference each time.
    node_line, node_word, node_break, node_first, node_has_first, node_key, node_cands = (
        g.node_line, g.node_word, g.node_break, g.node_first, g.node_has_first, g.node_key, g.node_cands)
    line_flow, line_follow, line_has_follow, line_can_open = (
        g.line_flow, g.line_follow, g.line_has_follow, g.line_can_open)
    cand_cut, cand_whole_end, cand_end_node, cand_roman, cand_number, cand_width, cand_open_end, cand_last_key = (
        g.cand_cut, g.cand_whole_end, g.cand_end_node, g.cand_roman, g.cand_number, g.cand_width, g.cand_open_end,
        g.cand_last_key)
    cand_measured = g.cand_measured
    numbered, widths, has_width, log_end, goes_on, log_present = (
        m.numbered, m.widths, m.has_width, m.log_end, m.goes_on, m.log_present)
    absent_after, absent_between, new_row, cut_row, whole_row, emissions = (
        m.absent_after, m.absent_between, m.new_row, m.cut_row, m.whole_row, m.emissions)
    flow_words, flow_firsts, pair_codes, pair_counts, flow_keys, flow_total = flow
    K = new_row.size
    S = 4 * K  # states: (phase, column, goes on)
    n_nodes = node_line.size
    last_node = n_nodes - 1
    inf = np.inf
    widen = 1 + WIDTH_TOLERANCE
    slot_f = np.empty((n_nodes * S * nbest, 3))
    slot_i = np.empty((n_nodes * S * nbest, 11), np.int64)
    count = np.full(n_nodes * S, -1, np.int64)
    order = np.empty(n_nodes * S, np.int64)
    n_order = np.zeros(n_nodes, np.int64)
    best = np.full(n_nodes, -inf)  # the best score pushed into each node so far (see the pruning below)
    # The cells rows hold before a page break, shared by the paths that carry them; entry 0 holds none.
    pool_i, pool_f = np.zeros((1024, 4), np.int64), np.empty((1024, 4))
    n_pool = 1
    # The offers of a node: key q is (START, column, phase 0): column; (RESUME, column, phase 1): K + column;
    # (LINE, column, phase): 2K + phase * K + column. Each keeps its best few: (score, lo, hi), (state, rank, opens).
    off_f = np.empty((4 * K, nbest, 3))
    off_i = np.empty((4 * K, nbest, 3), np.int64)
    off_n = np.full(4 * K, -1, np.int64)
    key_order = np.empty(4 * K, np.int64)
    n_keys = np.zeros(1, np.int64)

    # As if a row had just ended.
    best[0] = 0.0
    slot = _place(0, 2 * (2 * K - 1), 0.0, S, nbest, slot_f, slot_i, count, order, n_order)
    slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = 0.0, 0.0, inf
    slot_i[slot, BACK_CAND] = NO_BACK
    slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE], slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = 0, 0, 0, 0

    for node in range(last_node):
        if n_order[node] == 0:
            continue
        floor = best[node] - beam  # the best at a node is final once the search reaches it
        i = node_line[node]
        brk = node_break[node]
        first, has_first, word = node_first[node], node_has_first[node], node_key[node]
        for k in range(n_keys[0]):
            off_n[key_order[k]] = -1
        n_keys[0] = 0

        for k in range(n_order[node]):
            s = order[node * S + k]
            op, c, ph = s % 2, (s // 2) % K, s // (2 * K)
            for r in range(count[node * S + s]):
                src = (node * S + s) * nbest + r
                v = slot_f[src, SCORE]
                if v < floor:
                    break
                if op:
                    _offer(2 * K + ph * K + c, v, s, r, 0, slot_f[src, LO], slot_f[src, HI],
                           nbest, off_f, off_i, off_n, key_order, n_keys)
                    continue
                row_kind = slot_i[src, ROW_KIND]
                held = slot_i[src, CELLS]
                closing = absent_after[row_kind, c] if ph == 0 else 0.0
                opened_row = v + closing
                for c2 in range(K):
                    _offer(c2, opened_row + new_row[c2] + (whole_row if brk else 0.0), s, r, 1, 0.0, inf,
                           nbest, off_f, off_i, off_n, key_order, n_keys)
                    resume = brk or (c2 > c and ph != 0)
                    if not brk and c2 > c and ph == 0:
                        _offer(c2, v + absent_between[row_kind, c, c2] + log_present[row_kind, c2], s, r, 0,
                               0.0, inf, nbest, off_f, off_i, off_n, key_order, n_keys)
                    if resume:
                        value = opened_row + cut_row if brk else v
                        cell = _held(pool_i, held, c2)
                        if cell == 0:  # a cell the row had not opened: one spanning rows above
                            _offer(K + c2, value + RESUME_FOREIGN, s, r, 0, 0.0, inf,
                                   nbest, off_f, off_i, off_n, key_order, n_keys)
                        else:
                            fit, lo, hi = _wraps(widths[c2], has_width[c2], pool_f[cell, HELD_WIDTH],
                                                 pool_i[cell, HELD_MEASURED], first, has_first,
                                                 pool_f[cell, HELD_LO], pool_f[cell, HELD_HI])
                            _offer(K + c2, value + pool_f[cell, HELD_ODDS]
                                   + FLOW_WEIGHT * _flow_k(flow_words, flow_firsts, pair_codes, pair_counts, flow_keys,
                                                           flow_total, pool_i[cell, HELD_KEY], word) + fit,
                                   s, r, 0, lo, hi, nbest, off_f, off_i, off_n, key_order, n_keys)
                if node_word[node] == 0:  # leave the whole line unplaced
                    target = cand_end_node[node_cands[node + 1] - 1]
                    skip = v + SKIP_COST
                    if skip > best[target]:
                        best[target] = skip
                    slot = _place(target, s, skip, S, nbest, slot_f, slot_i, count, order, n_order)
                    if slot >= 0:
                        for x in range(slot_f.shape[1]):
                            slot_f[slot, x] = slot_f[src, x]
                        for x in range(slot_i.shape[1]):
                            slot_i[slot, x] = slot_i[src, x]
                        slot_f[slot, SCORE] = skip
                        slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                        slot_i[slot, BACK_CAND] = SKIPPED

        flow_on = line_flow[i]
        follow, has_follow = line_follow[i], line_has_follow[i]
        for cand in range(node_cands[node], node_cands[node + 1]):
            cut = CUT_COST if cand_cut[cand] else 0.0
            # A cell goes on to the next line only on this page; past a break it is resumed.
            can_open = cand_whole_end[cand] and line_can_open[i]
            target = cand_end_node[cand]
            prune = target != last_node  # the last node keeps every path: the runners-up are reported (_margin_issues)
            roman, number, width, measured = cand_roman[cand], cand_number[cand], cand_width[cand], cand_measured[cand]
            connective = CONNECTIVE_WEIGHT if cand_open_end[cand] else 0.0
            for kq in range(n_keys[0]):
                q = key_order[kq]
                if q < K:
                    kind, c2, ph = START, q, 0
                elif q < 2 * K:
                    kind, c2, ph = RESUME, q - K, 1
                else:
                    kind, c2, ph = LINE, (q - 2 * K) % K, (q - 2 * K) // K
                state = (ph * K + c2) * 2
                base = cut + emissions[cand, kind, c2] + log_end[c2]
                numbers_row = kind == START and c2 == numbered and number >= 0
                for j in range(off_n[q]):
                    e = off_f[q, j, 0] + base
                    lo, hi = off_f[q, j, 1], off_f[q, j, 2]
                    s, r, opens = off_i[q, j, 0], off_i[q, j, 1], off_i[q, j, 2]
                    if prune:
                        # The most this path can score here: the run bonus added, nothing subtracted, and if the
                        # cell may go on, what going on adds before its fit (never positive). If even that is
                        # behind the beam, so is every path after it (best first): the states are still reached.
                        most = e + RUN_BONUS if numbers_row else e
                        floor_here = best[target] - beam
                        if most < floor_here and not (can_open and most + goes_on[c2] + flow_on >= floor_here):
                            _reach(target, state, S, count, order, n_order)
                            if can_open:
                                _reach(target, state + 1, S, count, order, n_order)
                            break
                    src = (node * S + s) * nbest + r
                    run_last, group_since = slot_i[src, RUN_LAST], slot_i[src, GROUP_SINCE]
                    cells, row_kind = slot_i[src, CELLS], slot_i[src, ROW_KIND]
                    if opens:
                        cells, row_kind = 0, 0
                    if kind == START and roman:
                        group_since, row_kind = 1, int(c2 == numbered)
                    if numbers_row:
                        e += RUN_BONUS if number == run_last + 1 or (number == 1 and group_since) else RUN_BREAK
                        run_last, group_since = number, 0
                    closed = e - connective  # a cell rarely ends on a word that leads on
                    if measured and width > hi * widen:  # a last line wider than the lines above it
                        closed -= ALIKE_WEIGHT * (width - hi * widen)
                    if _admits(target, state, closed, S, nbest, slot_f, count):
                        held = cells
                        if ph == 0:  # kept, should the cell be resumed after a page break (then it did not end)
                            if n_pool == pool_i.shape[0]:
                                pool_i, pool_f = _grow(pool_i, pool_f)
                            held, n_pool = n_pool, n_pool + 1
                            pool_i[held, HELD_UP], pool_i[held, HELD_COL] = cells, c2
                            pool_i[held, HELD_KEY], pool_i[held, HELD_MEASURED] = cand_last_key[cand], measured
                            pool_f[held, HELD_ODDS] = goes_on[c2] + connective
                            pool_f[held, HELD_WIDTH] = width
                            pool_f[held, HELD_LO], pool_f[held, HELD_HI] = max(lo, width) if measured else lo, hi
                        if closed > best[target]:
                            best[target] = closed
                        slot = _place(target, state, closed, S, nbest, slot_f, slot_i, count, order, n_order)
                        slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = closed, 0.0, inf
                        slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                        slot_i[slot, BACK_CAND], slot_i[slot, BACK_COL] = cand, c2
                        slot_i[slot, BACK_KIND], slot_i[slot, BACK_OPENS] = kind, opens
                        slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE] = run_last, group_since
                        slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = row_kind, held
                    if can_open:
                        fit, lo2, hi2 = _wraps(widths[c2], has_width[c2], width, measured, follow, has_follow, lo, hi)
                        opened = e + goes_on[c2] + flow_on + fit
                        if _admits(target, state + 1, opened, S, nbest, slot_f, count):
                            if opened > best[target]:
                                best[target] = opened
                            slot = _place(target, state + 1, opened, S, nbest, slot_f, slot_i, count, order, n_order)
                            slot_f[slot, SCORE], slot_f[slot, LO], slot_f[slot, HI] = opened, lo2, hi2
                            slot_i[slot, BACK_NODE], slot_i[slot, BACK_STATE], slot_i[slot, BACK_RANK] = node, s, r
                            slot_i[slot, BACK_CAND], slot_i[slot, BACK_COL] = cand, c2
                            slot_i[slot, BACK_KIND], slot_i[slot, BACK_OPENS] = kind, opens
                            slot_i[slot, RUN_LAST], slot_i[slot, GROUP_SINCE] = run_last, group_since
                            slot_i[slot, ROW_KIND], slot_i[slot, CELLS] = row_kind, cells
    return slot_f, slot_i, count, order, n_order


# -------------------------------------------------------------- learning


def _rows(steps: _Steps) -> list[dict[int, list[int]]]:
    """Rows as column -> its steps (indices in `steps`); pieces resumed after a page break join their rows."""
    rows: list[dict[int, list[int]]] = []
    for k, (col, kind, new_row) in enumerate(zip(steps.col, steps.kind, steps.new_row)):
        if new_row or not rows:
            rows.append({})
        row = rows[-1]
        if kind == RESUME and col not in row:  # a cell spanning rows (a group): the last one opened
            row = next((r for r in reversed(rows) if col in r), row)
        row.setdefault(col, []).append(k)
    return rows


def _counted_log_dist(prior: dict[str, float], counts: list[int], names: list[str]) -> dict[str, float]:
    """_log_dist of counts given in the order of `names`."""
    rest = max(1e-3, 1.0 - sum(prior.values())) / max(1, len(names) - len(prior))
    total = sum(counts)
    return {s: math.log((counts[k] + SHAPE_SMOOTHING * prior.get(s, rest)) / (total + SHAPE_SMOOTHING))
            for k, s in enumerate(names)}


def _estimate(body: _Body, model: _Model, pieces: _Pieces, steps: _Steps, learn_words: bool) -> _Model:
    """The model a segmentation implies: widths, first tokens, words, presence, cell lengths, broken rows."""
    K = len(model.roles)
    numbered, shape_priors, opening_priors, presence_priors = _priors(model.roles)
    shapes = [[[0] * len(SHAPE_NAMES) for _ in range(K)] for _ in KINDS]
    openings = [[[0] * len(OPENING_NAMES) for _ in range(K)] for _ in KINDS]
    # per whole line: its width, with the next word
    wraps: list[list[tuple[float, float | None]]] = [[] for _ in range(K)]
    cands, cols, kinds = steps.cand, steps.col, steps.kind
    for k, (cand, col, kind) in enumerate(zip(cands, cols, kinds)):
        shapes[kind][col][pieces.shape[cand]] += 1
        openings[kind][col][pieces.opening[cand]] += 1
        line = pieces.line[cand]
        if pieces.start[cand] == 0 and pieces.end[cand] == len(body.words[line]) and body.measured[line]:
            goes_on = k + 1 < len(cands) and kinds[k + 1] == LINE and body.follow[line] is not None
            width = pieces.width[cand]  # under the body's measure now
            wraps[col].append((width, width + body.follow[line] if goes_on else None))
    odds = model.word_odds
    if learn_words:
        odds = _word_odds(_token_counts(pieces, cands, cols, K))
    rows = _rows(steps)
    row_kinds = []
    for r in rows:
        first = cands[r[numbered][0]] if numbered in r else None
        row_kinds.append(int(first is not None and _first_match(
            SHAPES, " ".join(body.words[pieces.line[first]][pieces.start[first]:])) == "roman"))
    presence = [[min(0.98, max(0.02, (sum(1 for r, k in zip(rows, row_kinds) if k == kind and c in r)
                                      + PRESENCE_SMOOTHING * presence_priors[kind][c])
                                     / (row_kinds.count(kind) + PRESENCE_SMOOTHING)))
                 for c in range(K)] for kind in (0, 1)]
    lines = [pieces.line[cand] for cand in cands]
    firsts = [k for k, line in enumerate(lines) if body.breaks[line] and (k == 0 or lines[k - 1] != line)]
    cells, placed = [0] * K, [0] * K
    for col, kind in zip(cols, kinds):
        placed[col] += 1
        cells[col] += kind == START
    return _Model(
        model.roles, numbered, [_width(w) for w in wraps],
        [[_counted_log_dist(shape_priors[kind][c], shapes[kind][c], SHAPE_NAMES) for c in range(K)] for kind in KINDS],
        [[_counted_log_dist(opening_priors[kind][c], openings[kind][c], OPENING_NAMES) for c in range(K)]
         for kind in KINDS],
        odds, presence,
        [min(0.9, max(0.05, (cells[c] + 1) / (placed[c] + 2))) for c in range(K)],
        (sum(1 for k in firsts if kinds[k] == RESUME) + 1) / (len(firsts) + 2),
    )


def _token_counts(pieces: _Pieces, cands: list[int], cols: list[int], K: int) -> np.ndarray:
    """[column, token id] -> how often the pieces placed in the column hold the token."""
    size = len(pieces.names)
    col_of = np.full(len(pieces.line), -1, np.int64)  # [piece] -> its column; -1: not placed
    col_of[cands] = cols
    # A cell set on one line (not measured) teaches nothing of its column's words: its thousand
    # numbers would outweigh every other word the column holds, and move the table's other cells.
    col_of[~pieces.graph.cand_measured] = -1
    token_col = np.repeat(col_of, np.diff(pieces.token_starts))
    placed = token_col >= 0
    return np.bincount(token_col[placed] * size + pieces.token_ids[placed], minlength=K * size).reshape(K, size)


def _word_odds(counts: np.ndarray) -> np.ndarray | None:
    """[column, token id] -> log(P(word | column) / P(word)), damped and bounded, from how often each column
    holds each token; 0 for a token no column holds. None when the columns hold no token at all."""
    total = counts.sum(axis=0)
    seen = np.flatnonzero(total)
    if not seen.size:
        return None
    n_total = int(total.sum())
    bg = (total[seen] + 0.5) / (n_total + 0.5 * (seen.size + 1))
    odds = np.zeros(counts.shape)
    for col in range(counts.shape[0]):
        n_c = int(counts[col].sum())
        ratios = (counts[col, seen] + WORD_SMOOTHING * bg) / (n_c + WORD_SMOOTHING) / bg
        # math.log, not np.log: numpy's own logarithm differs from the C library's in the last bit of some values.
        odds[col, seen] = np.clip(np.fromiter(map(math.log, ratios.tolist()), np.float64, seen.size),
                                  -WORD_CLIP, WORD_CLIP)
    return odds


def _width(wraps: list[tuple[float, float | None]]) -> float | None:
    """A column's width: where most of its wrapped lines say it lies.

    A line that went on to the next bounds the width from below by its own
    width and from above by its width with the next word; the lines a pass
    put in the wrong column agree on another width and are outvoted."""
    bounds = [_bounds(width, full) for width, full in wraps if full is not None]
    if len(bounds) < MIN_WRAPS:
        return None  # too few wrapped lines to tell: no width is better than a wrong one
    lo, hi, _ = _most_agreed(bounds)
    return (lo + hi) / 2


# ------------------------------------------------------------------ entry


def segment_table(lines: Sequence[Line]) -> FlatTable:
    """`lines`: the appendix's lines after its title and `(Kèm theo …)` line, in order, blank lines and page
    numbers removed, starting at the first header line."""
    roles, spans = _find_headers(lines)
    body, header_lines = _body(lines, spans, roles)
    if not roles or not body.lines:
        issues = () if roles else (Issue("appendix", "no_table_header", "flattened table without a recognisable header",
                                         lines[0].page if lines else None),)
        return FlatTable(roles, (), tuple(header_lines), tuple(body.lines), issues)
    unnamed = unnamed_header_words(" ".join(l.text for l in lines[spans[0][0]:spans[0][1]]))
    column_issues = [Issue("appendix", "unknown_column", f"the flattened table's header names a column that no role "
                           f"covers ({' '.join(unnamed)!r}); its cells are read into the columns beside it",
                           lines[0].page)] if unnamed else []
    nodes, pieces = _candidates(body, roles)
    model = _first_model(roles)
    for n in range(PASSES):
        paths = _search(body, model, pieces, _emission_table(model, pieces), NBEST if n + 1 == PASSES else 1)
        ends = _ends(paths, model, nodes)
        steps, skipped = _path(paths, nodes, ends[0][1], ends[0][2])
        if n == 0:
            measure = max(MEASURES, key=lambda m: _agreement(body, pieces, steps, m))
            if measure is not body.measure:
                _measure_with(body, measure)
                _measure_pieces(body, pieces)  # only the widths depend on the measure: the rest of each piece stands
                pieces.graph = _graph(body, nodes, pieces)
        if n + 1 < PASSES:
            model = _estimate(body, model, pieces, steps, learn_words=n >= 1)
    rows = _rows(steps)
    flat_rows = tuple(FlatRow({roles[c]: tuple(Piece(pieces.text[steps.cand[k]], body.lines[pieces.line[steps.cand[k]]])
                                               for k in row[c]) for c in sorted(row)}) for row in rows)
    issues = (column_issues + _numbering_issues(model, flat_rows)
              + _margin_issues(body, pieces, paths, nodes, ends, steps, rows))
    return FlatTable(roles, flat_rows, tuple(header_lines), tuple(body.lines[i] for i in skipped), tuple(issues))


# ----------------------------------------------------------------- issues


def _numbering_issues(model: _Model, rows: tuple[FlatRow, ...]) -> list[Issue]:
    """Rows whose number does not continue the run, or whose numbered cell holds no number."""
    if model.numbered is None:
        return []
    role, issues, last, group_since = model.roles[model.numbered], [], 0, False
    for k, row in enumerate(rows, start=1):
        if any(p[0].text and _first_match(SHAPES, p[0].text) == "roman" for p in row.cells.values()):
            group_since = True
        pieces = row.cells.get(role)
        if not pieces:
            continue  # merged with the row above (a task with several products)
        first, page = pieces[0].text, pieces[0].line.page
        number = NUMBER_LABEL.match(first)
        if number:
            n = int(number.group("n"))
            if n != last + 1 and not (n == 1 and group_since):
                issues.append(Issue("appendix", "numbering_break", f"flattened row {k} is numbered {n} after {last}",
                                    page))
            last, group_since = n, False
        elif _first_match(SHAPES, first) != "roman":
            issues.append(Issue("appendix", "row_without_number", f"flattened row {k} has no number: {first[:40]!r}",
                                page))
    return issues


def _margin_issues(body: _Body, pieces: _Pieces, paths: _Paths, nodes, ends, steps: _Steps, rows) -> list[Issue]:
    """Rows that a path nearly as likely as the best reads otherwise."""
    row_of = {}  # line -> the row of the best path that its first piece is in
    for k, row in enumerate(rows):
        for cell in row.values():
            for step in cell:
                row_of.setdefault(pieces.line[steps.cand[step]], k)
    best = set(zip(steps.cand, steps.col, steps.new_row))  # a piece is its line and words
    unsure: dict[int, float] = {}
    for score, state, rank in ends[1:]:
        margin = ends[0][0] - score
        if margin >= UNSURE_MARGIN:
            break
        other, _ = _path(paths, nodes, state, rank)
        for step in zip(other.cand, other.col, other.new_row):
            line = pieces.line[step[0]]
            if step not in best and line in row_of:
                k = row_of[line]
                unsure[k] = min(unsure.get(k, math.inf), margin)
    return [Issue("appendix", "unsure_segmentation",
                  f"flattened row {k + 1} reads otherwise on a path only {margin:.1f} log-odds less likely",
                  body.lines[min(pieces.line[steps.cand[step]] for cell in rows[k].values() for step in cell)].page)
            for k, margin in sorted(unsure.items())]
