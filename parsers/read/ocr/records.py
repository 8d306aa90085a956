"""A page's scan into the records a PDF with text gives: lines in reading order, corrected, and tables.

Tesseract's words are joined into lines across the page, the stamps' and margins' marks dropped,
two-column blocks read column by column, and the misreadings the plans' vocabulary makes certain
put right (`correct`, `fix_label_runs`); the tables' grids are filled with their words. This is made
afresh from the cached scan on every run, so a change here needs no cache bump.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import replace

import regex as re

from parsers.language import vocab
from parsers.model.records import Box, Issue, Line, Page, TableCell, TableGrid
from parsers.read.columns import TextLine, find_blocks
from parsers.read.ocr.words import PageScan, Word

# Words before a line's text that are a stamp's or a margin's, not the text's: words of
# these marks only (no bullet `-` `+` `*`, no bracket, no label's dot), or
# words read with less confidence than NOISE_CONFIDENCE that are no syllable.
NOISE_MARKS = frozenset("_|\\/⁄~`^¬®©«»¿¡'\"”“‘’„°#@%&=<>")
NOISE_CONFIDENCE = 0.35
# Marks no word of these documents is made of, anywhere in a line: a stamp's or a speck's.
STRAY_MARKS = frozenset("`^¬®©«»¿¡°\\~|„")
# A line's first word that is one of these marks alone is a speck read before its label (`. Phụ lục`): no
# line of these documents opens with a lone full stop or comma (a dash opens a bullet, and stays).
LONE_SPECKS = frozenset({".", ",", "·", ":", ";"})

# A line read with a mean word confidence under this is worth a look.
LOW_CONFIDENCE = 0.70
# A scan's line read with less mean confidence than this is no text (a stamp's rim, a speck's shadow, the
# dust of an empty page): Tesseract reads printed words, even badly, with more.
NOISE_LINE_CONFIDENCE = 0.3


# Corrections OCR's misreadings need where the plans' vocabulary leaves one
# reading only. Each: why, the pattern, and what the matched text becomes
# (a fixed text, a translation of its look-alike characters, or a function of the match).
DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "|": "1", "]": "1", "O": "0", "o": "0"})
ROMAN_LOOKALIKES = str.maketrans({"l": "I", "1": "I", "|": "I", "H": "II"})


def _as_roman(m: re.Match[str]) -> str:
    """A numeral read with look-alikes (`HI`, `1V`), where it reads as one numeral only; else as read."""
    token = m.group(0)
    numeral = token.translate(ROMAN_LOOKALIKES)
    value = vocab.roman_to_int(numeral)
    return numeral if value and _roman(value) == numeral else token


def _glued(m: re.Match[str]) -> str:
    return f"{m.group(1)} {m.group(2)}"

CORRECTIONS: tuple[tuple[str, re.Pattern[str], str | dict[int, int] | dict[int, str] | Callable[[re.Match[str]], str]],
                   ...] = (
    # Tesseract reads `Đ` as the Icelandic eth, a letter no Vietnamese word holds.
    ("eth for Đ", re.compile(r"[Ðð]"), str.maketrans("Ðð", "Đđ")),
    # `Điều` (article) is the only word of that shape before an article number.
    ("Điều before its number", re.compile(r"(?<!\p{L})[ĐD][iíìl][ểêềếễệeẻ]u(?= ?\d)"), "Điều"),
    # Type codes of document numbers (QĐ, NĐ) before their issuer: `QD-`, `OĐ-` are no codes.
    ("Đ of a type code", re.compile(r"(?<![\p{L}\d])[QO0](?:D|Đ)(?= ?[-–] ?\p{Lu})"), "QĐ"),
    ("Đ read twice in a type code", re.compile(r"(?<=(?<!\p{L})[QN])[ĐÐ]{2}(?= ?[-–])"), "Đ"),
    ("Đ of a decree's code", re.compile(r"(?<=/)N[D](?=[-–]CP)"), "NĐ"),
    # A quarter, an appendix or a group is numbered I–IV…; `l`, `1` and `|` in a numeral are `I`.
    ("Roman numeral after Quý, Phụ lục",
     re.compile(r"(?<=(?<!\p{L})(?:[Qq]uý|QUÝ|[Pp]hụ lục|PHỤ LỤC) )(?=[IVXHl1|]*[Hl1|])[IVXHl1|]{1,4}(?![\p{L}\d])"),
     _as_roman),
    # A Roman label opening a line (`HI. Cải cách …`, `1V. …`): H, l and | are in no label, nor a 1 beside V or X.
    ("Roman label at a line's start",
     re.compile(r"^(?:(?=[IVXHl1|]*[Hl|])|(?=[IVX1]*(?:1[VX]|[VX]1)))[IVXHl1|]{1,5}(?=\.\s?\p{Lu})"),
     _as_roman),
    # `Theo đề nghị`, `Xét đề nghị` (a decision's proposal): `đẻ`, `đè` there are `đề` read with the wrong mark.
    ("đề of đề nghị", re.compile(r"(?<=(?<!\p{L})(?:Theo|Xét) )đ[ẻèẽ](?= nghị)"), "đề"),
    # A signer's title in capitals: `BỘ TRƯỜNG`, `TRƯỜNG BAN` are `TRƯỞNG` (the head of), read with the grave.
    ("TRƯỞNG of a title", re.compile(r"(?<=(?<!\p{L})(?:BỘ|THỨ|PHÓ|CỤC|VỤ|VIỆN) )TRƯỜNG(?!\p{L})|"
                                     r"(?<!\p{L})TRƯỜNG(?= (?:BAN|PHÒNG|ĐOÀN)(?!\p{L}))"), "TRƯỞNG"),
    # `tháng4`: a date's word and its number are always apart.
    ("date word glued to its number", re.compile(r"(?<!\p{L})(ngày|tháng|năm)(\d{1,4})(?!\p{L})"), _glued),
    # A point label in a letter no Vietnamese word holds: `ø)` is `g)`, `¡)` is `i)`.
    ("point letter look-alike", re.compile(r"^[ø¡](?=\)\s)"), str.maketrans("ø¡", "gi")),
    # The documents' spaced dash (`Phòng Văn hóa – Thông tin`) is the en dash; the model reads it as an em dash.
    ("en dash read as em dash", re.compile(r"(?<= )—-?(?= |$)|(?<=\p{L})—-?(?=\p{L})"), "–"),
    # A numbered item read with a comma for its dot (`5, Tăng cường …`): no sentence opens a line so.
    ("comma for a label's dot", re.compile(r"^\d{1,2}\K,(?= \p{Lu}\p{Ll})"), "."),
    # A date: day and month with a digit in them, then a year; `l`, `I`, `O` among its digits are digits.
    ("look-alike letters in a date",
     re.compile(r"(?<![\p{L}\d])(?=[\dlIO]{1,2}/)(?=[lIO]?\d)[\dlIO]{1,2}/(?:[\dlIO]{1,2}/)?(?:19|20)[\dlIO\]|]{2}(?![\p{L}\d])"),
     DIGIT_LOOKALIKES),
    # A year after `năm` or in a period: `202l`, `202]`.
    ("look-alike letters in a year", re.compile(r"(?<=(?:năm|đoạn|Năm) )(?:19|20)\d[lI\]|](?![\p{L}\d])"),
     DIGIT_LOOKALIKES),
)

# Letters OCR takes for one another in a point label (`d)` and `đ)`): where
# the run of labels (a, b, c, …) wants one and the page shows its look-alike,
# the run decides. Key: letter read; value: letters it may stand for.
LABEL_LOOKALIKES = {"đ": "d", "d": "đ", "h": "g", "q": "g", "e": "c", "c": "e", "l": "i", "1": "i", "í": "i"}
POINT_LABEL = re.compile(r"^(\S)(?=\)\s)")
# `1.` is no look-alike here: an Arabic item label is as common as a Roman one.
ROMAN_LABEL = re.compile(r"^([IVXHLl|]{1,5})(?=\.\s?\p{Lu})")
I_LIKE = str.maketrans("", "", "IHLl|")  # strokes a numeral's I may be read as


# Titles a whole line may be: a type's title (`KẾ HOẠCH`), `PHỤ LỤC`, or a signer's
# title above the signature. A capitals line that is one of them but for its marks
# (`KÉ HOẠCH`, `TRƯỜNG BẠN` under a stamp) is it.
TITLES = (*vocab.DOC_TYPES, "PHỤ LỤC", *vocab.SIGNER_TITLE_LINES)


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


BARE_TITLES = {_bare(t): t for t in TITLES}
# One to three words in capitals, a colon after, a stamp's quote mark before.
TITLE_LINE = re.compile(r"^[\"“”']?(\p{Lu}+(?: \p{Lu}+){0,2})(:?)$")


def _translating(table: dict[int, int] | dict[int, str]) -> Callable[[re.Match[str]], str]:
    """The function of a match that gives its text translated by `table`."""
    return lambda m: m.group(0).translate(table)


def correct(text: str) -> str:
    for _why, pattern, fix in CORRECTIONS:
        if isinstance(fix, str):
            text = pattern.sub(fix, text)
        elif isinstance(fix, dict):
            text = pattern.sub(_translating(fix), text)
        else:
            text = pattern.sub(fix, text)  # a function of the match
    title = TITLE_LINE.match(text)
    if title and title.group(1) not in TITLES and _bare(title.group(1)) in BARE_TITLES:
        text = BARE_TITLES[_bare(title.group(1))] + title.group(2)
    return text


def fix_label_runs(pages: list[Page]) -> tuple[list[Page], list[Issue]]:
    """Point labels and Roman section labels put right where their run makes the reading certain.

    `a) b) c) đ)`: the fourth is `d)` read with a stroke too many. `I. II. II.`:
    the third is `III.` with an `I` lost (Roman labels only: a letter run may
    restart, a section run is never printed twice in a row).
    """
    letters = vocab.VIETNAMESE_ALPHABET
    last_letter: str | None = None
    last_roman = 0
    out, issues = [], []
    for page in pages:
        lines = []
        for line in page.lines:
            text = line.text
            m = POINT_LABEL.match(text)
            if m:
                read = m.group(1)
                wanted = letters[letters.index(last_letter) + 1] if last_letter in letters[:-1] else None
                if wanted and read != wanted and read != "a" and wanted in LABEL_LOOKALIKES.get(read, ""):
                    text = wanted + text[1:]
                last_letter = text[0]
            m = ROMAN_LABEL.match(text)
            if m:
                token, value = m.group(1), vocab.roman_to_int(m.group(1)) or 0
                after = _roman(last_roman + 1)
                if value and _roman(value) == token and token.isupper() and "L" not in token:
                    if last_roman and value == last_roman and after.count("I") == token.count("I") + 1:
                        token = after  # `I. II. II.`: an I lost
                elif last_roman and token.translate(I_LIKE) == after.translate(I_LIKE):
                    token = after  # `HH.` after `II.`: the strokes of III
                elif len(token) == 1:
                    token = "I"  # `L.`, `l.`, `|.`: no heading is numbered 50, nor by a letter l
                if token != m.group(1):
                    text = token + text[m.end():]
                last_roman = vocab.roman_to_int(token) or last_roman
            if text != line.text:
                issues.append(Issue("extract", "ocr_corrected",
                                    f"line {line.line_no}: label read {line.text[:12]!r}, "
                                    f"its run makes it {text[:12]!r}", page.number, line=line))
                line = line._replace(text=text, ocr_text=line.ocr_text or line.text)
            lines.append(line)
        out.append(replace(page, lines=tuple(lines)))
    return out, issues


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


def _foreign(word: str) -> bool:
    """A word Vietnamese has no syllable for (acronyms and plain Latin words pass)."""
    if not vocab.VIETNAMESE_LETTERS.issuperset(word):
        return True
    if word.isupper() or vocab.VIETNAMESE_MARKED.isdisjoint(word):
        return False
    return len(word) > 1 and not vocab.SYLLABLE.match(word.lower())


def page_records(number: int, scan: PageScan) -> tuple[Page, list[Issue]]:
    """One OCR'd page as the Page a PDF with text would give, and its doubtful lines."""
    rows = _reading_order(_rows(scan.words), scan)
    lines: list[Line] = []
    issues: list[Issue] = []
    s = scan.scale
    for row in rows:
        raw = " ".join(w.read or w.text for w in row)
        row = [w for w in row[_noise_before(row):] if not _speck(w)] or row
        text = correct(" ".join(w.text for w in row))
        conf = round(statistics.fmean(w.conf for w in row), 4)
        line = Line(page=number, line_no=len(lines) + 1, text=text,
                    box=Box(round(min(w.x0 for w in row) * s, 2), round(min(w.top for w in row) * s, 2),
                            round(max(w.x1 for w in row) * s, 2), round(max(w.bottom for w in row) * s, 2)),
                    confidence=conf, ocr_text=raw if raw != text else None)
        lines.append(line)
        if line.ocr_text is not None:
            issues.append(Issue("extract", "ocr_corrected",
                                f"line {line.line_no}: read {raw[:80]!r}, corrected to {text[:80]!r}", number,
                                line=line))
        foreign = [w for w in vocab.WORD.findall(text) if _foreign(w)]
        if conf < LOW_CONFIDENCE or foreign:
            why = [f"confidence {conf:.2f}"] if conf < LOW_CONFIDENCE else []
            if foreign:
                why.append(f"not Vietnamese: {', '.join(foreign[:5])}")
            issues.append(Issue("extract", "ocr_low_confidence",
                                f"line {line.line_no}: {'; '.join(why)}: {text[:80]!r}", number, line=line))
    grids = tuple(_table_grid(number, t, scan) for t in scan.tables)
    page = Page(number=number, lines=tuple(lines), width=scan.width, height=scan.height, tables=grids, source="ocr")
    return page, issues


def _reading_order(rows: list[list[Word]], scan: PageScan) -> list[list[Word]]:
    """The page's rows with each two-column block (the header, the recipients beside the signature)
    given back column by column, as a PDF's lines are (parsers.read.columns)."""
    def ink(row: list[Word]) -> list[Word]:
        # A stamp's specks (`&`, `¬` read with no confidence) in the gutter would close it.
        return [w for w in row if not (_speck(w) or _doubtful(w))] or row

    def text_line(row: list[Word]) -> TextLine:
        size = statistics.median(w.bottom - w.top for w in row)  # the row's font size, in pixels as its boxes
        return TextLine(" ".join(w.text for w in row), min(w.x0 for w in row), min(w.top for w in row),
                        max(w.x1 for w in row), max(w.bottom for w in row),
                        tuple({"text": w.text, "x0": w.x0, "x1": w.x1, "size": size} for w in row))

    lines = [text_line(ink(row)) for row in rows]
    tables = [(t["xs"][0], t["ys"][0], t["xs"][-1], t["ys"][-1]) for t in scan.tables]
    out: list[list[Word]] = []
    i = 0
    for first, last, divide in find_blocks(lines, tables):
        out.extend(rows[i:first])
        band = [w for row in rows[first:last + 1] for w in row]
        for side in ([w for w in band if (w.x0 + w.x1) / 2 < divide], [w for w in band if (w.x0 + w.x1) / 2 >= divide]):
            out.extend(_rows(tuple(side)))
        i = last + 1
    out.extend(rows[i:])
    return out


def _speck(w: Word) -> bool:
    """A word of marks alone that is no text: a stray mark, or marks read with next to no confidence."""
    if w.text[-1] in ".)":
        return False  # a label read as marks (`¡)` for `i)`): the corrections read it
    return set(w.text) <= STRAY_MARKS or (w.conf < NOISE_CONFIDENCE and not any(ch.isalnum() for ch in w.text))


def _doubtful(w: Word) -> bool:
    """Letters read with next to no confidence that are no syllable (`N`, `XẠ\\®`, `/⁄@ã`); a badly read
    label (`L.` for `I.`) or number is no noise."""
    return (w.conf < NOISE_CONFIDENCE and w.text[-1] not in ".)" and not w.text.isdigit()
            and not vocab.SYLLABLE.match(w.text.lower()))


def _noise_before(row: list[Word]) -> int:
    """How many of a line's first words are a stamp's or a margin's marks, not text.

    A seal stamped over a heading (`Phụ lục II`, `TRƯỞNG BAN`) or a scanner's
    edge gives words of marks (`__`, `|`, `\\`) or of letters read with next
    to no confidence that are no Vietnamese syllable (`N`, `XẠ\\®`). Before the
    line's first word they hide its label (`Phụ lục`, `Căn cứ`, `1.`); the line
    keeps them in `ocr_text`. A badly read label (`L.` for `I.`) is no noise.
    """
    n = 0
    for w in row[:-1]:
        if not (set(w.text) <= NOISE_MARKS or _doubtful(w) or w.text in LONE_SPECKS):
            break
        n += 1
    return n


def _rows(words: tuple[Word, ...]) -> list[list[Word]]:
    """Words into lines across the page, as pdfplumber makes lines of a PDF's characters.

    Tesseract's own lines are kept whole; lines of different blocks that share
    a row (the header's two columns, a table's cells) are joined left to right.
    """
    by_key: dict[int, list[Word]] = {}
    for w in words:
        by_key.setdefault(w.line_key, []).append(w)
    tess_lines = sorted(by_key.values(), key=lambda ws: min(w.top for w in ws))
    rows: list[tuple[float, float, list[Word]]] = []  # medians of pixel edges: a half where the count is even
    for ws in tess_lines:
        top = statistics.median(w.top for w in ws)
        bottom = statistics.median(w.bottom for w in ws)
        for _i, (rtop, rbottom, row) in enumerate(rows):
            overlap = min(bottom, rbottom) - max(top, rtop)
            if overlap > 0.6 * min(bottom - top, rbottom - rtop):
                row.extend(ws)
                break
        else:
            rows.append((top, bottom, list(ws)))
    out = [sorted(row, key=lambda w: w.x0) for _t, _b, row in rows]
    out.sort(key=lambda row: min(w.top for w in row))
    return out


def _table_grid(number: int, table: dict, scan: PageScan) -> TableGrid:
    """A table's grid as pdfplumber gives it: cells with their words, None where merged."""
    xs, ys, owner = table["xs"], table["ys"], table["owner"]
    rows, cols = len(ys) - 1, len(xs) - 1
    extent: dict[tuple[int, int], list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            o = tuple(owner[r][c])
            box = extent.setdefault(o, [xs[c], ys[r], xs[c + 1], ys[r + 1]])
            box[0], box[1] = min(box[0], xs[c]), min(box[1], ys[r])
            box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
    placed: dict[tuple[int, int], list[Word]] = {o: [] for o in extent}
    for w in scan.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(max(_index(xs, cx), 0), cols - 1)
        r = min(max(_index(ys, cy), 0), rows - 1)
        placed[tuple(owner[r][c])].append(w)
    s = scan.scale
    out_rows = []
    for r in range(rows):
        cells: list[TableCell | None] = []
        for c in range(cols):
            if tuple(owner[r][c]) != (r, c):
                cells.append(None)
                continue
            x0, top, x1, bottom = extent[(r, c)]
            text = "\n".join(correct(" ".join(w.text for w in row)) for row in _rows(tuple(placed[(r, c)])))
            cell_box = Box(round(x0 * s, 2), round(top * s, 2), round(x1 * s, 2), round(bottom * s, 2))
            cells.append(TableCell(text, cell_box))
        out_rows.append(tuple(cells))
    bbox = Box(round(xs[0] * s, 2), round(ys[0] * s, 2), round(xs[-1] * s, 2), round(ys[-1] * s, 2))
    return TableGrid(page=number, bbox=bbox, rows=tuple(out_rows), source="ocr")


def _index(edges: list[int], v: float) -> int:
    for i in range(len(edges) - 1):
        if v < edges[i + 1]:
            return i
    return len(edges) - 2

