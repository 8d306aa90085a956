"""The furniture of a legal-database page, set apart from the document it wraps.

Pages saved from a legal-database site open with the site's own matter (a
copyright notice, a box about amendments, `Đang tải văn bản...`, a metadata
table `Số hiệu` / `Loại văn bản` / … in `|` cells) and close with more of it
(the site's title line for the document, related documents, help texts,
addresses, a privacy notice). None of it is the document: its lines go to the
residual as `site_furniture`, and the metadata table is kept as a second
opinion on the header facts.

The page's furniture is found by what it says, not by where it stands: a
leading run of furniture ends at the last furniture line before the first line
of the document's own header; a trailing run starts at the site's end markers.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from parsers.language import vocab
from parsers.model.records import Line

# Lines only the site prints before the document (compared after emphasis marks are stripped).
LEADING_FURNITURE = re.compile(
    r"^(?:Bản\s+dịch\s+này\s+thuộc\s+quyền\s+sở\s+hữu|THƯ\s+VIỆN\s+PHÁP\s+LUẬT|.*has\s+the\s+copyright|"
    r".*Law\s+on\s+Intellectual\s+Property|X$|#+$|CÁC\s+NỘI\s+DUNG\s+ĐƯỢC\s+SỬA\s+ĐỔI,?\s+HƯỚNG\s+DẪN|"
    r"Các\s+nội\s+dung\s+của\s+VB\s+này|các\s+màu\s+sắc\s*:|:\s*Sửa\s+đổi,\s+thay\s+thế,?|hủy\s+bỏ$|"
    r"Click\s+vào\s+phần\s+bôi\s+vàng|Đang\s+tải\s+văn\s+bản|"
    # the site's summary of the document ends by pointing to it
    r"Xem\s+chi\s+tiết\b)",
)

# The metadata table's labels and the `documents` column each one feeds.
SITE_FIELDS = {
    "Số hiệu": "site_number",
    "Loại văn bản": "site_type",
    "Nơi ban hành": "site_issuer",
    "Người ký": "site_signer",
    "Ngày ban hành": "site_date",
    "Ngày hiệu lực": None,
    "Số công báo": None,
    "Ngày công báo": None,
    "Tình trạng": None,
}
SITE_LABEL = re.compile(rf"^\s*(?P<label>{'|'.join(SITE_FIELDS)})\s*:\s*(?P<value>.*)$")

# The site's own summary of the document, between its metadata and the document: it opens with a
# heading of its own (`## Điều kiện tài sản bảo đảm …`).
SITE_SUMMARY = re.compile(r"^\s*#{2,}\s*\S")
# The issuer's cell is a few lines (`BỘ TÀI CHÍNH` / `CỤC THUẾ` / `-------`).
ISSUER_CELL_LINES = 6

# Where the site's own matter after the document begins.
TRAILING_MARKERS = re.compile(
    r"^(?:Văn\s+bản\s+này\s+chưa\s+cập\s+nhật\s+nội\s+dung\s+Tiếng\s+Anh|##\s*Văn\s+bản\s+liên\s+quan|"
    r"FILE\s+ĐƯỢC\s+ĐÍNH\s+KÈM\s+THEO\s+VĂN\s+BẢN)"
)

# The site's title line for the document, just before its end markers:
# `Công văn 5348/CT-CS năm 2025 hướng dẫn … do Cục Thuế ban hành`.
SITE_TITLE = re.compile(
    rf"^(?:{'|'.join(sorted((name for name, _k, _c in vocab.DOC_TYPES.values()), key=len, reverse=True))})"
    r"\s+\d+[\p{L}\d./–-]*\b"
)

# The first line of the document's own header: the national title, `Số: …`, or a type title.
NATIONAL_TITLE_START = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI")
# The page's emphasis marks and line breaks may cut the national title's opening words anywhere (`**CỘNG` /
# `HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**`, `**CỘNG HÒA XÃ` / `HỘI …`): they are read on as many lines as they take.
NATIONAL_TITLE_WORDS = 4

# Emphasis marks and cell marks, which the site wraps around its words.
MARKS = re.compile(r"[*|]+")


@dataclass(frozen=True, slots=True)
class SiteMeta:
    """The metadata table of a legal-database page: the site's view of the document."""

    fields: dict[str, str]  # documents column (site_number …) → value as the site prints it


def _plain(text: str) -> str:
    return " ".join(MARKS.sub(" ", text).split())


class _PlainTexts:
    """The lines' texts as _plain makes them, each made when first read: most of a page is never read here."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> str:
        text = self.texts.get(i)
        if text is None:
            text = self.texts[i] = _plain(self.lines[i].text)
        return text


def _may_trail(raw: str) -> bool:
    """Could the line, made plain, open with one of the TRAILING_MARKERS? Each opens with a word that _plain
    leaves as it stands in the raw line (it only turns marks into spaces)."""
    return "Văn" in raw or "##" in raw or "FILE" in raw


def _is_document_start(texts: _PlainTexts, i: int) -> bool:
    text = texts[i]
    # A type title stands in capitals; the metadata's `Loại văn bản: Công văn` does not.
    return bool(_opens_national_title(texts, i) or (text.startswith("Số") and vocab.DOC_NUMBER.match(text))
                or (vocab.is_caps(text) and vocab.doc_type_of(text)))


def _opens_national_title(texts: _PlainTexts, i: int) -> bool:
    """Does the national title open on line i, its opening words on that line and the next lines with words?"""
    text = texts[i]
    if not text.startswith("CỘNG"):
        return False
    words = text.split()
    k = i + 1
    while len(words) < NATIONAL_TITLE_WORDS and k < len(texts) and k <= i + NATIONAL_TITLE_WORDS:
        words += texts[k].split()  # a line of marks alone (`**`, `|`) is empty once plain
        k += 1
    return bool(NATIONAL_TITLE_START.match(" ".join(words)))


def find_furniture(lines: list[Line]) -> tuple[set[int], SiteMeta | None]:
    """Indices of `lines` that are the site's furniture, and the site's metadata table.

    `lines` are the page's lines as extracted (cell marks and emphasis included)."""
    texts = _PlainTexts(lines)
    start = next((i for i in range(len(texts)) if _is_document_start(texts, i)), len(texts))
    furniture: set[int] = set()
    fields: dict[str, str] = {}
    lead_end = -1
    i = 0
    while i < start:
        label = SITE_LABEL.match(texts[i])
        if label:
            value, j = _value_after(texts, i, label.group("value"))
            column = SITE_FIELDS[label.group("label")]
            if column and value and column not in fields:
                fields[column] = value
            lead_end = j
            i = j + 1
            continue
        if texts[i] and LEADING_FURNITURE.match(texts[i]):
            lead_end = i
        i += 1
    following = next((k for k in range(lead_end + 1, start) if texts[k]), None)
    if following is not None and SITE_SUMMARY.match(lines[following].text):
        lead_end = _before_issuer(lines, start, lead_end)
    furniture.update(range(lead_end + 1))

    end = next((k for k in range(max(start, lead_end + 1), len(texts))
                if _may_trail(lines[k].text) and TRAILING_MARKERS.match(texts[k])), None)
    if end is not None:
        before = next((k for k in range(end - 1, lead_end, -1) if texts[k]), None)
        if before is not None and SITE_TITLE.match(texts[before]):
            end = before
        furniture.update(range(end, len(texts)))
    return furniture, (SiteMeta(fields) if fields else None)


def _before_issuer(lines: list[Line], start: int, floor: int) -> int:
    """The last line of a site summary that runs up to the document: the cell mark before the issuer's
    cell, which stands just before the national title's cell (or, with no issuer cell, the mark before the title)."""
    bars = [k for k in range(floor + 1, start) if lines[k].text.strip() == "|"]
    if len(bars) >= 2 and bars[-1] == start - 1 and bars[-1] - bars[-2] <= ISSUER_CELL_LINES:
        return bars[-2]
    return bars[-1] if bars else floor


def _value_after(texts: _PlainTexts, i: int, inline: str) -> tuple[str, int]:
    """A metadata label's value: on its own line, or on the lines after it up to the next cell mark.

    Returns the value and the index of its last line."""
    if inline:
        return inline, i
    values: list[str] = []
    j = i + 1
    while j < len(texts) and j <= i + 6:
        raw = texts[j]
        if not raw:  # a cell mark alone, or an emphasis mark alone
            if values:
                break
        elif SITE_LABEL.match(raw):
            j -= 1
            break
        else:
            values.append(raw)
        j += 1
    return " ".join(values), min(j, len(texts) - 1)
