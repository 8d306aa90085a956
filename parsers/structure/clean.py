"""Stage 2, clean: normalise lines and join wrapped lines into paragraphs.

Lines are put in Unicode NFC with one space between words (and none before a
closing mark: `100 .` → `100.`). Page numbers and rules (`-----`, web cell
marks `|`) leave the text and go to the residual with their reason. Text that
extraction damaged is refused here, before any row is made from it.

Wrapped lines are joined by reading how each line starts and how the one
before it ends: a numbered label (`1.`, `a)`, `-`, `Điều 2.`), a header line,
a change between capitals and lower case, a blank line in web text, or an
indented first line in a PDF, after a line that could end a paragraph.
"""

from __future__ import annotations

import math
import re as std_re
import statistics
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice
from typing import TYPE_CHECKING

import regex as re

from parsers.language import legacy_fonts, vocab
from parsers.model.errors import DamagedText
from parsers.model.records import Issue, Line, Paragraph, Residual, Source
from parsers.read.ocr.records import NOISE_LINE_CONFIDENCE
from parsers.structure import site

if TYPE_CHECKING:
    from parsers.tables.model import Table

is_caps, match_block = vocab.is_caps, vocab.match_block  # read for every line: bound once

# Web text marks emphasis with `*` and `**`; the words are what counts.
EMPHASIS = re.compile(r"\*+")
# ... and headings with `#` (`## QUYẾT ĐỊNH`).
HEADING_MARK = re.compile(r"^#+\s*")
SPACE_BEFORE_CLOSE = re.compile(r"\s+([.,;:!?)\]”…])(?=\s|$|[.,;:)\]])")
SPACE_AFTER_OPEN = re.compile(r"([(\[“])\s+")
# Where either of the two can match at all: a space before a closing mark or after an opening one. Once
# the whitespace is single spaces, this finds them; the standard library's engine runs a plain pattern
# like it twice as fast as `regex`, and several times as fast as a substring test per mark. Each branch
# opens with one character, which the engine then scans for alone: a third faster than `[(\[“] `.
MARK_SPACING = std_re.compile(r" [.,;:!?)\]”…]|\( |\[ |“ ")
WHITESPACE = re.compile(r"\s+")

# Share of damaged words past which no row of the document can be trusted.
MAX_DAMAGED_WORD_SHARE = 0.02
# A header phrase is damaged, its font's map losing letters, when two or more of its letters are lost or
# changed (`CỘNG ÒA XÃ ỘI C Ủ NG ĨA`): one is a typing slip (`CỘNG HÕA` in bct-dck-cv1178-2025.pdf).
MIN_LOST_LETTERS = 2

# A PDF line whose left edge stands this far right of the page's text margin
# is a paragraph's indented first line (Vietnamese documents indent 1–1.27 cm).
INDENT_POINTS = 12.0
# Between two lines of one paragraph stands the leading, a fraction of a line's height; a gap of
# more than this many line heights is an empty line, and a new paragraph starts below it.
BLANK_LINE_GAP = 1.2
# The same in layout text, whose left edges are character columns: 12 points
# are two characters of 13- or 14-point type (the tool counts ~6 points a character).
INDENT_CHARACTERS = 2
# How a dash item ends: with its full stop or the `;` of a list, never a `:` that its own words follow.
ITEM_ENDS = (".", ";")


@dataclass(frozen=True, slots=True)
class Cleaned:
    source: Source
    paragraphs: tuple[Paragraph, ...]
    residual: tuple[Residual, ...]
    issues: tuple[Issue, ...]
    site: site.SiteMeta | None = None  # a legal-database page's metadata table


def normalise(text: str, flavour: str = "plain") -> str:
    """NFC, letters of another code under a Vietnamese glyph read as it, emphasis marks out (web text), one
    space between words."""
    text = unicodedata.normalize("NFC", text).translate(vocab.SAME_GLYPH)
    if vocab.CYRILLIC.search(text):
        text = vocab.latin_lookalikes(text)
    if flavour == "web" and "*" in text:
        text = EMPHASIS.sub("", text)
    if flavour == "web" and text.startswith("#"):
        text = HEADING_MARK.sub("", text)
    if text.isprintable():
        # No whitespace but the space: str.split() cuts where WHITESPACE does,
        # several times faster. (Elsewhere they differ: str.split() also cuts
        # at the separators U+001C–U+001F, which are no `\s` to regex.) Only
        # two spaces in a row, or one at either end, leave anything to do.
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
    else:
        text = WHITESPACE.sub(" ", text).strip()
    if MARK_SPACING.search(text):
        # A function, not the template `\1`: regex reads a template afresh on every call.
        text = SPACE_BEFORE_CLOSE.sub(_mark, text)
        text = SPACE_AFTER_OPEN.sub(_mark, text)
    return text


def _mark(m: re.Match[str]) -> str:
    return m.group(1)


def clean(source: Source) -> Cleaned:
    raw = source.lines()
    texts = [normalise(line.text, source.flavour) for line in raw]
    furniture, meta = site.find_furniture(raw) if source.flavour == "web" else (set(), None)
    tables = _web_tables(raw, furniture, texts) if source.flavour == "web" else []
    in_table = {i for first, _last, table, idx in tables for i in idx}
    tables_after: dict[int, list[Table]] = {}  # index in `kept` after which a table stands (-1: before the first)
    lines = [_with_text(line, text) for line, text in zip(raw, texts)]
    # OCR's misreadings are not a damaged font map: extraction reports them itself.
    issues = [*source.issues, *(() if source.format == "ocr" else
                                _check_damage(source, [l for i, l in enumerate(lines) if i not in furniture]))]
    kept: list[Line] = []
    residual: list[Residual] = []
    breaks_after: set[int] = set()  # indices in `kept` after which a dropped line stood
    joins_after: set[int] = set()  # indices in `kept` that the next kept line continues
    emphasis = _EmphasisRuns() if source.flavour == "web" else None
    pending = iter(tables)
    upcoming = next(pending, None)
    for i, line in enumerate(lines):
        while upcoming is not None and upcoming[0] <= i:
            tables_after.setdefault(len(kept) - 1, []).append(upcoming[2])
            upcoming = next(pending, None)
        if i in in_table:
            continue  # a cell's line: the table claims it
        reason = "site_furniture" if i in furniture else _dropped(line, source)
        opens = closes = False
        if emphasis is not None and (line.text.strip() == "|" or (
                i and (line.source_line or 0) - (raw[i - 1].source_line or 0) > 1)):
            emphasis.reset()  # emphasis never runs over a blank line or out of a cell
            joins_after.discard(len(kept) - 1)
        if emphasis is not None and reason != "site_furniture":
            opens = emphasis.opens_run(raw[i].text)
            closes = emphasis.closes_run(raw[i].text)
        if reason:
            residual.append(Residual(line=line, reason=reason))
            if reason == "decoration" and kept:
                breaks_after.add(len(kept) - 1)
        elif line.text:
            if opens and kept and _closes(kept[-1], 80.0):
                breaks_after.add(len(kept) - 1)
            kept.append(line)
            if closes:
                breaks_after.add(len(kept) - 1)
            elif emphasis is not None and emphasis.run:
                joins_after.add(len(kept) - 1)  # inside a run of whole lines in emphasis: one paragraph
    while upcoming is not None:
        tables_after.setdefault(len(kept) - 1, []).append(upcoming[2])
        upcoming = next(pending, None)
    joins_after -= tables_after.keys()  # a table stands between two paragraphs
    paragraphs = _with_tables(_join(kept, source, (breaks_after - joins_after) | tables_after.keys(), joins_after),
                              kept, tables_after)
    return Cleaned(source=source, paragraphs=tuple(paragraphs), residual=tuple(residual), issues=tuple(issues),
                   site=meta)


def _web_tables(raw: list[Line], furniture: set[int], texts: list[str]) -> list[tuple[int, int, Table, set[int]]]:
    """The data tables of a web page: (first line, last line, Table, indices of its cells' lines), in order.
    `texts`: the lines' text normalised as web text."""
    from parsers.tables import web

    position = {id(l): i for i, l in enumerate(raw)}
    marks = [i for i, l in enumerate(raw)
             if i not in furniture and "PHỤ" in l.text and web.APPENDIX_MARK.match(l.text.strip())]
    first_mark = marks[0] if marks else len(raw)
    out: list[tuple[int, int, Table, set[int]]] = []
    signature, last = False, -1  # a signature block stays open over runs, up to the next appendix heading
    for run in web.runs(raw, texts):
        in_furniture = lambda cell: any(position[id(l)] in furniture for l in cell.lines)  # noqa: E731
        if any(last < m < run.first for m in marks):
            signature = False
        pieces = web.split_run(run, in_furniture, run.first > first_mark, signature)
        last = run.last
        for kind, items in pieces:
            if kind == "heading":
                signature = False
            elif kind == "layout" and any(web.SIGNATURE_OPENS.search(c.text) for c in items if c is not None):
                signature = True
            elif kind == "layout" and signature and any(vocab.SIGNER_NAME.match(c.text.split("\n")[-1])
                                                         for c in items if c is not None):
                signature = False
        for kind, items in pieces:
            if kind != "table":
                continue
            table = web.to_table(items)
            idx = {position[id(l)] for l in table.lines}
            out.append((min(idx), max(idx), table, idx))
    return out


def _with_tables(paragraphs: list[Paragraph], kept: list[Line],
                 tables_after: dict[int, list[Table]]) -> list[Paragraph]:
    """The paragraphs with each table put in its place in the flow."""
    if not tables_after:
        return paragraphs
    index = {id(l): k for k, l in enumerate(kept)}
    out = [Paragraph("", t.lines, t) for t in tables_after.get(-1, [])]
    for para in paragraphs:
        out.append(para)
        out.extend(Paragraph("", t.lines, t) for t in tables_after.get(index[id(para.lines[-1])], []))
    return out


class _EmphasisRuns:
    """Whole lines set in bold or italics in web text (`**QUYẾT` / `ĐỊNH**`, `*Hà Nội, ngày 02` / `tháng 12 …*`):
    such a run is a heading, a title or a header cell, a paragraph of its own.

    Reads the lines in order, keeping which marks are open; a run opens at a
    line that starts with a mark while none is open, and closes at a line that
    ends with its mark once every mark is closed again."""

    def __init__(self) -> None:
        self.open_marks = 0  # marks opened and not yet closed: ** and * counted apart, by parity
        self.run = False  # the open marks were opened at the start of a line

    def reset(self) -> None:
        self.open_marks, self.run = 0, False

    def opens_run(self, text: str) -> bool:
        return not self.open_marks and text.lstrip().startswith("*")

    def closes_run(self, text: str) -> bool:
        if "*" not in text:  # no mark: the marks open stay open, and nothing closes
            self.run = self.run and bool(self.open_marks)
            return False
        stripped = text.strip()
        at_start = not self.open_marks and stripped.startswith("*")
        in_run = self.run or at_start
        bold = stripped.count("**")
        single = stripped.replace("**", "").count("*")
        self.open_marks = ((self.open_marks & 1) ^ (bold & 1)) | (((self.open_marks >> 1) ^ (single & 1)) << 1)
        self.run = in_run and bool(self.open_marks)
        return not self.open_marks and in_run and stripped.endswith("*")


def _with_text(line: Line, text: str) -> Line:
    if text == line.text:
        return line  # most lines are clean already; a Line is frozen, so it is shared, not copied
    return line._replace(text=text)


def _names_a_part(text: str) -> bool:
    """Is this line a part's title as printed (`Phụ lục`, `QUYẾT ĐỊNH`)? Read with little confidence under a
    seal or a speck, it is still no noise: a stamp's rim never reads as a title."""
    block = vocab.match_block(text)
    return (block is not None and block[0] == "appendix") or vocab.doc_type_of(text) is not None


def _dropped(line: Line, source: Source) -> str | None:
    text = line.text
    if not text or ((text[0].isspace() or text[0] in vocab.DECORATION_CHARS) and vocab.DECORATION.match(text)):
        return "decoration"
    if line.confidence is not None and line.confidence < NOISE_LINE_CONFIDENCE and not _names_a_part(text):
        return "ocr_noise"
    if vocab.ESIGN_STAMP.search(text):
        return "esign_stamp"
    page = source.pages[line.page - 1]
    if line.line_no == len(page.lines) and vocab.LONE_URL.match(line.text):
        return "link_note"  # a link's address printed at the foot of the page, not body text
    if source.flavour != "web" and vocab.PAGE_NUMBER.match(line.text):
        if source.flavour == "plain":
            return "page_number"
        if line.line_no in (1, len(page.lines)):  # a PDF prints it at the top or foot
            return "page_number"
    return None


# ------------------------------------------------------------------- damage


def _check_damage(source: Source, lines: list[Line]) -> Iterator[Issue]:
    """Refuse damaged text; warn about a few damaged words in sound text."""
    # Fonts of a legacy code with a table (TCVN3, VNI) were read as Unicode at extraction; only the others
    # leave their text mojibake.
    legacy = [f for f in source.fonts if vocab.LEGACY_FONTS.search(f) and legacy_fonts.encoding_of(f) is None]
    if legacy:
        raise DamagedText(source.path, f"text drawn in legacy Vietnamese font(s) {', '.join(legacy[:3])} of no "
                                       "known code: extracted words are mojibake")
    head = list(islice((l for l in lines if l.text and not vocab.DECORATION.match(l.text)), 25))
    for i, line in enumerate(head):
        words = set(line.text.split())
        # a phrase wrapped over two lines (`CỘNG` / `HÒA XÃ HỘI …`) is whole across them
        around = " ".join(l.text for l in head[max(0, i - 1):i + 2])
        for anchor in vocab.HEADER_ANCHORS:
            if (len(words & anchor.words) >= 2 and not anchor.exact.search(around)
                    and not _wrapped(anchor.phrase, line.text)
                    and _within_edits(anchor.phrase, line.text, anchor.max_edits)
                    and _letter_edits(anchor.phrase, line.text, anchor.max_edits) >= MIN_LOST_LETTERS):
                raise DamagedText(
                    source.path,
                    f"damaged text layer: the {anchor.name} reads {line.text!r} "
                    f"(page {line.page}, line {line.line_no}); the font's character map loses letters",
                )
    # Each distinct word is judged once: the words are read from the distinct runs between spaces (no word
    # holds a space), not from the whole text. A word that is one syllable is sound (_is_damaged_word says
    # so of each): they are most words, and one search of them all, a word a line, finds them. Only lines
    # holding a damaged word are read again.
    texts = [line.text for line in lines]
    # A run of letters alone is one word as it stands (str.isalpha is \p{L}); only the others are searched.
    runs = set(" ".join(texts).split())
    words = {run for run in runs if run.isalpha()}
    words.update(vocab.WORD.findall("\n".join(run for run in runs if not run.isalpha())))
    distinct = len(words)
    words.difference_update(SYLLABLE_LINE.findall("\n".join(words)))
    bad = {word for word in words if _is_damaged_word(word)}
    if not bad:
        return
    joined = "\n".join(texts)
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))  # where each line starts in `joined`
    holding = set()
    for word in bad:
        at = joined.find(word)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            holding.add(k)
            at = joined.find(word, starts[k + 1])
    damaged = [(word, lines[k]) for k in sorted(holding) for word in vocab.WORD.findall(texts[k]) if word in bad]
    # The text has at least as many words as distinct ones: only a share that this cannot settle needs them counted.
    if len(damaged) > MAX_DAMAGED_WORD_SHARE * distinct:
        total = len(vocab.WORD.findall(joined))
        if total and len(damaged) / total > MAX_DAMAGED_WORD_SHARE:
            examples = ", ".join(sorted({w for w, _ in damaged})[:5])
            raise DamagedText(source.path, f"damaged text layer: {len(damaged)} of {total} words "
                                           f"are not Vietnamese ({examples})")
    for word, line in damaged:
        yield Issue("clean", "damaged_word", f"word {word!r} is not a Vietnamese syllable (damaged in extraction?)",
                    line.page, line=line)


def _letter_edits(phrase: str, text: str, max_edits: int) -> int:
    """The fewest letters changed, lost or added between `phrase` and a stretch of `text`, their spaces and
    punctuation aside: a motto printed without its dashes changes no letter. (regex's fuzzy search, on the
    few lines that come near a phrase.)"""
    bare_phrase, bare_text = "".join(vocab.WORD.findall(phrase)), "".join(vocab.WORD.findall(text))
    found = re.search(rf"(?b)(?:{re.escape(bare_phrase)}){{e<={max_edits}}}", bare_text)
    return sum(found.fuzzy_counts) if found else max_edits + 1


def _within_edits(phrase: str, text: str, max_edits: int) -> bool:
    """Does some stretch of text lie within max_edits edits (a letter lost, added
    or changed) of phrase? What regex's `(?:phrase){e<=max_edits}` search decides,
    without its backtracking, which took tens of ms on a long header line.

    Sellers' dynamic programme: read text one character at a time, keeping for
    each prefix of phrase the fewest edits that turn it into a stretch of text
    ending here. A stretch may start anywhere, so the empty prefix costs 0.
    Ukkonen's cut-off: only the prefixes up to `last`, the longest within
    max_edits, and the one after it, can come within max_edits at the next
    character; every longer one is kept at `over` and never computed.
    """
    m, over = len(phrase), max_edits + 1
    cost = [min(i, over) for i in range(m + 1)]  # cost[i]: phrase[:i] against the text read
    last = min(max_edits, m)
    if last == m:
        return True
    for ch in text:
        diagonal = 0  # cost[i - 1] before this character
        for i in range(1, last + 2):
            above = cost[i]
            best = min(diagonal + (phrase[i - 1] != ch), above + 1, cost[i - 1] + 1)
            diagonal = above
            cost[i] = best if best < over else over
        last += 1
        while cost[last] == over:
            last -= 1
        if last == m:
            return True
    return False


@lru_cache(maxsize=65536)
def _is_damaged_word(word: str) -> bool:
    """Is this word damage (a broken font map, a legacy encoding), not Vietnamese?

    Damage shows in the common words of the language: a letter no Vietnamese
    text is written with (`nƣớc`), or a marked capital inside a lower-case word
    (`quyÕt`, TCVN3 read as Latin-1). A capitalised word is a name (`Bhăng`,
    `Dliê`, `Plông`: minority and place names keep their own spelling), and
    syllables run together (`củaxã`, `sốcủacác`) are a typing slip, not damage; so
    is a word in capitals run into a capitalised one (`NAMĐộc`: the national title
    and the motto glued by a page)."""
    if not vocab.VIETNAMESE_LETTERS.issuperset(word):
        return True
    if word.isupper() or vocab.VIETNAMESE_MARKED.isdisjoint(word):
        return False  # acronyms (HĐND, NĐ) and words without a Vietnamese mark (foreign words)
    if word[0].isupper() and word[1:].islower():
        return False
    if not word.islower():
        return any(ch.isupper() and ch in vocab.VIETNAMESE_MARKED and not _capitals_then_word(word, k)
                   for k, ch in enumerate(word) if k)
    return len(word) > 1 and not vocab.SYLLABLE.match(word) and not _syllables(word)


# vocab.SYLLABLE on each line of a text of one word a line.
SYLLABLE_LINE = re.compile(vocab.SYLLABLE.pattern, re.MULTILINE)


# Syllables a word run together from others may hold: a typing slip joins a few, never a sentence.
MAX_RUN_SYLLABLES = 4


def _syllables(word: str, most: int = MAX_RUN_SYLLABLES) -> bool:
    """Is the word two to `most` syllables run together? (`củaxã`, `sốcủacác`)"""
    return most >= 2 and any(vocab.SYLLABLE.match(word[:k]) and
                             (vocab.SYLLABLE.match(word[k:]) or _syllables(word[k:], most - 1))
                             for k in range(1, len(word)))


def _capitals_then_word(word: str, k: int) -> bool:
    """Does the word run a word in capitals (before k) into a capitalised one (from k)? (`NAMĐộc`)"""
    return word[:k].isupper() and word[k].isupper() and word[k + 1:].islower()


# --------------------------------------------------------------------- join


def _join(lines: list[Line], source: Source, breaks_after: set[int],
          joins_after: Set[int] = frozenset()) -> list[Paragraph]:
    if not lines:
        return []
    typical = _typical_length(lines)
    margins = _left_margins(source)
    middles = {page.number: page.width / 2 for page in source.pages if page.width}
    indent = INDENT_CHARACTERS if source.flavour == "layout" else INDENT_POINTS
    blank_lines_count = source.flavour == "web" or _blank_lines_meaningful(lines)
    paragraphs: list[list[Line]] = [[lines[0]]]
    for i in range(1, len(lines)):
        line = lines[i]
        if (i - 1) not in joins_after and (
                (i - 1) in breaks_after or _starts_paragraph(paragraphs[-1], line, typical, margins,
                                                                blank_lines_count, indent, middles)):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [Paragraph(text=join_lines(l.text for l in group), lines=tuple(group)) for group in paragraphs]


def _wrapped(phrase: str, text: str) -> bool:
    """Does `text` end with the phrase's first words, whole (`… CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT`, its `NAM` on a
    line below, the two columns of a header read as one line)? A wrap loses words, never letters."""
    words, line = vocab.orthography_key(phrase).split(), " " + vocab.orthography_key(" ".join(text.split()))
    return any(line.endswith(" " + " ".join(words[:k])) for k in range(2, len(words)))


def join_lines(texts: Iterable[str]) -> str:
    """A paragraph's lines as one text: a space between two lines, none after a code broken at its hyphen."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif vocab.code_broken_at(out, text):
            out += text
        else:
            out += " " + text
    return out


def _typical_length(lines: list[Line]) -> float:
    lengths = sorted(len(l.text) for l in lines)
    return float(lengths[int(len(lengths) * 0.9)]) if lengths else 80.0


def _left_margins(source: Source) -> dict[int, float]:
    """Each PDF page's text margin: the left edge most lines share."""
    margins = {}
    for page in source.pages:
        edges = [round(l.box.x0) for l in page.lines if l.box is not None]
        if edges:
            margins[page.number] = float(statistics.mode(edges))
    return margins


def _blank_lines_meaningful(lines: list[Line]) -> bool:
    """False for double-spaced text, where a blank line follows every line."""
    pairs = [(a.source_line, b.source_line) for a, b in zip(lines, lines[1:]) if a.source_line and b.source_line]
    if not pairs:
        return False
    gaps = sum(1 for a, b in pairs if b - a > 1)
    return gaps / len(pairs) < 0.5


@lru_cache(maxsize=65536)
def _standalone(text: str) -> bool:
    """Header lines that never share a paragraph with their neighbours."""
    # Each pattern only after a plain test for a word it cannot match without:
    # most lines are body text that holds none of them.
    return bool(
        (("CỘNG" in text or "Độc" in text) and vocab.national_heading(text))
        or (text.startswith("Số") and vocab.DOC_NUMBER.match(text))
        or (vocab.may_hold_date(text) and vocab.PLACE_DATE.match(text))
        or vocab.doc_type_of(text)
        or vocab.SIGNER_TITLES.match(text)
    )


@lru_cache(maxsize=65536)
def _has_letters(text: str) -> bool:
    return len(list(islice(filter(str.isalpha, text), 2))) == 2  # stops at the second letter


def _short(text: str, typical: float) -> bool:
    """Shorter than a full line of the text: a paragraph's last line, a heading, a name."""
    return len(text) < 0.75 * typical


def _closes(prev: Line, typical: float) -> bool:
    """Could a paragraph end with this line?"""
    text = prev.text
    return (
        text.endswith(vocab.TERMINAL_PUNCTUATION)
        or _short(text, typical)
        or vocab.is_caps(text)
    )


def _starts_paragraph(group: list[Line], line: Line, typical: float, margins: dict[int, float], blank_lines_count: bool,
                      indent: float = INDENT_POINTS, middles: dict[int, float] | None = None) -> bool:
    """Does `line` open a new paragraph after the lines of `group`? `middles`: each PDF page's middle."""
    prev = group[-1]
    before, text = prev.text, line.text  # read once: each test below reads them
    if vocab.code_broken_at(before, text):
        return False  # `Số: 3783/QĐ-` / `UBND`: a number's code broken after its hyphen
    # The next three tests each say yes on their own, in any order: the blank line, the cheapest and in web
    # text the most common, is read first.
    if blank_lines_count and prev.source_line and line.source_line and line.source_line - prev.source_line > 1:
        return True
    if (line.page == prev.page and line.box is not None and prev.box is not None
            and line.box.top - prev.box.bottom > BLANK_LINE_GAP * prev.box.height):
        return True  # an empty line's height between them (a title, then the body)
    if (middles and prev.box is not None and line.box is not None
            and prev.box.x0 >= middles.get(prev.page, math.inf) and line.box.x0 < middles.get(line.page, -math.inf)):
        # A line begun right of its page's middle (a signature's, the signer's name, a date set right) never
        # runs on into one begun left of it (a footnote, the text below a block of two columns, on this
        # page or the next).
        return True
    first = group[0].text
    if first.startswith("(") and before.endswith(")"):
        return True  # `(Kèm theo … )`, `(Chi tiết tại phụ lục …)` end where they close
    if len(group) == 1 and match_block(before) and match_block(text):
        return True  # a one-line numbered heading (`7. Công tác chỉ đạo …`) then its first point
    if _standalone(before):
        return True
    if _standalone(text):
        # In web text a bold heading may wrap onto a line that reads like a
        # title (`VII. CHẾ ĐỘ` / `BÁO CÁO`); only a blank line sets a title apart.
        wrapped_heading = blank_lines_count and is_caps(before) and vocab.doc_type_of(text)
        if not wrapped_heading:
            return True
    if _has_letters(before) and _has_letters(text):
        caps_before = is_caps(before)
        if caps_before != is_caps(text):
            # A heading meets body text; a lone acronym (`QPPL.`) wrapped onto a
            # line of its own is too short to count as a heading.
            caps_line = before if caps_before else text
            if sum(ch.isalpha() for ch in caps_line) >= 6:
                return True
    if (first.startswith("Kính") and vocab.LETTER_ADDRESSEE.match(first) and text[:1].isupper()
            and _ends_address(before, text, typical)):
        return True  # `Kính gửi: Thuế tỉnh Ninh Bình` / `Cục Thuế nhận được …`: the letter's body begins
    margin = margins.get(line.page)
    indented = line.box is not None and margin is not None and line.box.x0 - margin > indent
    if not _closes(prev, typical):
        # A legal basis or a proposal (`Căn cứ …`, `Theo đề nghị …`) set at a first-line indent, or an
        # appendix's heading set apart (`Phụ lục I`), opens its paragraph whatever ended the line before:
        # a scan reads a `;` as `,`, a closing `./.` as `./`, or loses them.
        return indented and text.startswith(SET_APART_OPENINGS) and _set_apart(text)
    if match_block(text):
        return True
    if (line.box is not None and text[:1].isupper() and before.endswith(ITEM_ENDS) and _short(before, typical)
            and (item := match_block(first)) and item[0] in vocab.BULLET_KINDS):
        # On a page, where only the width breaks lines: a dash item ended short, then a paragraph set flush
        # with the margin, with no indent (a web text breaks its lines where its source did). The line is
        # no dash item itself: match_block(text) said so above.
        return True
    return indented and before.endswith(vocab.TERMINAL_PUNCTUATION)


def _ends_address(text: str, following: str, typical: float) -> bool:
    """Does a letter's addressee end with this line? With its full stop; or, with no comma or `và` to
    carry it on, when a full line follows it (a wrapped name's rest is short too: `Chi nhánh Công ty
    TNHH KGL` / `Việt Nam tại TP. HCM.`) or the body's opening words. Never at `Kính gửi:` itself."""
    if text.endswith(":"):
        return False
    if text.endswith(vocab.TERMINAL_PUNCTUATION):
        return True
    if text.endswith(",") or text.endswith(" và"):
        return False
    return ((_short(text, typical) and not _short(following, typical)) or
            bool(vocab.LETTER_BODY_OPENING.match(following)))


# The blocks that open a paragraph wherever they stand indented, and their first words (a plain test first).
SET_APART_BLOCKS = frozenset({"basis", "proposal", "appendix"})
SET_APART_OPENINGS = ("Căn", "Theo", "Xét", "Phụ", "PHỤ")


def _set_apart(text: str) -> bool:
    block = vocab.match_block(text)
    return block is not None and block[0] in SET_APART_BLOCKS
