"""The words, marks and first-pass odds by which the flattened reader knows a table's header and cells.

Everything here is knowledge of Vietnamese administrative tables, none of it
of the search: the words headers are made of, where a line may be cut, how a
cell opens, the cue words of agencies, dates and documents, and the odds the
first pass gives each. It stands apart, whole, so that it can be replaced by
data files without touching the reader.
"""

from __future__ import annotations

import regex as re

from parsers.language import vocab
from parsers.tables.roles import ROLES

# Words that column headers are made of. The run of lines at the top of the
# table holding nothing else is its header; a run that reads the same later
# (give or take a merged or cut line) is its repeat on a new page.
HEADER_WORD = re.compile(r"[\p{L}\d]+")
# Header words that qualify a column's name rather than name one (`Cơ quan`
# chủ trì, Nhiệm vụ `cụ thể`, Thời gian `thực hiện`, `Tên` nhiệm vụ).
HEADER_QUALIFIERS = frozenset(["cơ", "quan", "đơn", "vị", "cụ", "thể", "thực", "hiện", "tên", "số", "và", "dự", "kiến"])
# Words that column headers are made of: those of every column name of language/data/column_roles.tsv, and
# the qualifiers.
HEADER_WORDS = frozenset(word for _role, phrases in ROLES for phrase in phrases
                         for word in HEADER_WORD.findall(phrase.lower())) | HEADER_QUALIFIERS

# The columns a flattened table is read into: those of an appendix of tasks, named by the phrases of
# language/data/column_roles.tsv (a column of targets handed to agencies is its task column). A phrase
# of one word written ^…$ names a column by that word alone (`STT`); the others may stand anywhere in the
# header, their words apart or run together (`Chủ trì`, `Chủtrì`).
FLATTENED_ROLES = {"row_no": "row_no", "group": "group", "task": "task", "target": "task", "products": "products",
                   "lead": "lead", "partners": "partners", "deadline": "deadline", "notes": "notes"}


def _column_name(phrase: str) -> re.Pattern[str]:
    words = phrase.strip("^$").split()
    if phrase.startswith("^") and len(words) == 1:
        return re.compile(rf"^(?:{re.escape(words[0])})$", re.I)  # tried on each word of the header alone
    # (A whole header of several words, `^số thứ tự$`, cannot be told apart in a flattened run of headers.)
    joined = r"\s*".join(re.escape(word) for word in words)
    return re.compile(rf"\b{joined}\b", re.I)


COLUMN_NAMES = [(FLATTENED_ROLES[role], _column_name(phrase)) for role, phrases in ROLES if role in FLATTENED_ROLES
                for phrase in phrases]
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
_AGENCY = vocab.agency_heads("cue")  # language/data/agency_heads.tsv
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
