"""Two-column blocks of a PDF page, read column by column.

The national header (issuer left, national title right, `Số:` left, place and
date right) and the closing block (`Nơi nhận:` and its list left, `TM. …` /
`KT. …` / title / name right) are set as two columns. A line finder that
reads across the page merges the words of both columns into one line
(`- Bộ Khoa học và Công nghệ; KT. CHỦ TỊCH`); here such a block is found from
the characters' positions and each column is given back as lines of its own.

A two-column block is a run of consecutive lines through which one vertical
strip of whitespace runs, with characters on both sides of it on at least two
lines, or on one where both columns also hold lines of their own (`Nơi nhận:`
beside a one-line `CHỦ TỊCH`, then the recipients left and the signer's name
right). Lines wholly on one side of the strip (`- Lưu: VT.` on the left, the
signer's name on the right) belong to the block as long as it runs. Prose
never has such a strip: its word spaces are narrow and never line up from one
line to the next. A run with two or more strips is a table, not a block of two
columns, and is left to the table readers.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from parsers.language import vocab

# A gap between two characters of a line is a column gap when it is at least
# this many times the font size: word spaces are a quarter to half of it,
# even in justified lines; the gutters of a header run to several times it.
COLUMN_GAP_EM = 1.8
# The strip common to the block's lines must stay this wide.
STRIP_EM = 0.8
# Through a line that has a column gap of its own, the strip may narrow to this (points): a long subject
# left and the place and date right may come this close to the columns of the lines above.
MIN_GUTTER = 2.0
# A block ends at a vertical gap wider than this many line heights (a
# signature leaves three or four blank lines above the name, a page rarely
# more within one block). The height is the line's, or the block's font size
# where the line is smaller: a clerk's initials in 7 pt under `- Lưu: VT.` do
# not end the closing before the signer's name.
MAX_LEADING = 6.0
# Lines that must have characters on both sides of the strip; one is enough where each side also has
# a line of its own.
MIN_TWO_SIDED = 2
# A column is set centred where its lines' middles stand this close (points) while their starts do not;
# a line below that leaves the middle by more is not the column's.
CENTRED_WITHIN = 4.0


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line as the page's line finder gave it, with its characters in x order.

    Between two words the characters hold a space (` `): the PDF's own space character, or one put
    where the gap between the words is a word space (`_words`). Whoever rebuilds words from the
    characters (`split_columns`, the unruled table readers) finds the word spaces there."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    chars: tuple[dict, ...]


# Words from characters. A PDF sets a word space either as a space character or as a gap in the
# characters' positions; pdfplumber takes a gap of more than 3 pt (its x_tolerance) for a word space,
# but the word space of 11–12 pt Times is 2.8–3.0 pt, narrower still in a justified line, so small
# print runs together (`Nơinhận:`, `-Nhưtrên;`). A word space is a gap wide for the characters' own
# size: their letters stand about 0 apart, tracked text a little more, and a word space is a quarter
# of the font size or more (0.2 em where a justified line shrinks it). So a gap between two letters is
# a word space when it is at least this many times the font size wider than the line's own spacing
# of letters.
WORD_SPACE_EM = 0.12
# The line's spacing of letters (its tracking) is the lower quartile of its gaps: most gaps are
# between the letters of a word. It counts up to this much of the font size (Word's "expanded by
# 1 pt" at 9 pt): a line of one-letter words, where most gaps are word spaces, does not make its
# own word spaces count as letters'.
TRACKING_EM = 0.12
# A space character that starts this close (points) before the letters before it end starts where they end.
SPACE_START_SLACK = 0.1
# Letters whose tops stand further apart (in points) are no word's (pdfplumber's y_tolerance).
WORD_Y_TOLERANCE = 3.0


def text_lines(page, added: Sequence[dict] = ()) -> list[TextLine]:
    """The page's lines, each with its non-blank characters and the spaces between its words, in x order;
    `added`, characters the page prints that its content stream does not hold (annotations.slot_chars)."""
    return _text_lines([*page.chars, *added] if added else page.chars)


def cell_text(chars: list[dict]) -> str:
    """A ruled table cell's text from its characters: its lines built as the page's are (the same word
    rule, not pdfplumber's fixed 3 pt, which glues small print), one line a line; a code the cell's width
    broke at its hyphen (`268/2025/NĐ-` / `CP`) is one line again."""
    out: list[str] = []
    for line in _text_lines(chars):
        if out and vocab.code_broken_at(out[-1], line.text):
            out[-1] += line.text
        else:
            out.append(line.text)
    return "\n".join(out)


def _text_lines(chars: list[dict]) -> list[TextLine]:
    """Lines of characters as pdfplumber's line finder sets them (same lines, same order), with words
    told apart by `_words`."""
    if not chars:
        return []
    tuples = _extractor().extract_wordmap(chars).to_textmap(presorted=True).tuples
    out = []
    words: list[tuple[str, list[dict]]] = []  # each word's text (ligatures spelt out) and characters
    for text, char in [*tuples, ("\n", None)]:
        if text == "\n":  # a line ends (a character read as a line break ends it too, as in pdfplumber's lines)
            line = _text_line(words)
            if line is not None:
                out.append(line)
            words = []
        elif char is None:  # the space the text map puts between two words
            words.append(("", []))
        else:
            if not words:
                words.append(("", []))
            letters, word = words[-1]
            if not word or word[-1] is not char:  # a ligature's letters share one character
                word.append(char)
            words[-1] = (letters + text, word)
    return out


def _text_line(words: list[tuple[str, list[dict]]]) -> TextLine | None:
    words = [(t, w) for t, w in words if w]
    text = " ".join(t for t, _ in words)
    if not text.strip():
        return None
    ink = [c for _, w in words for c in w]
    chars = list(words[0][1])
    for (_, left), (_, right) in zip(words, words[1:]):
        end, start = max(c["x1"] for c in left), min(c["x0"] for c in right)
        a, b = min(end, start), max(end, start)
        chars.append({**left[-1], "text": " ", "x0": a, "x1": b, "width": b - a})
        chars.extend(right)
    chars.sort(key=lambda c: c["x0"])
    return TextLine(text, min(c["x0"] for c in ink), min(c["top"] for c in ink), max(c["x1"] for c in ink),
                    max(c["bottom"] for c in ink), tuple(chars))


def _words(chars: list[dict]):
    """One line's characters (in x order) as words: runs parted by a space character, or by a gap that
    is a word space for the letters' size (WORD_SPACE_EM over the line's tracking).

    A gap is measured from the right edge of all the letters before it: a diacritic drawn as a mark
    of its own over its letter (a combining character) leaves no gap, and never begins a word."""
    ink: list[tuple[dict, bool, float]] = []  # (character, space before it, its gap in points)
    right = None
    spaces: list[dict] = []  # the space characters since the last letter
    for c in chars:
        if c["text"].isspace():
            spaces.append(c)
            continue
        space = right is not None and any(_parts(s, right, c) for s in spaces)
        ink.append((c, space, 0.0 if right is None else c["x0"] - right))
        right = c["x1"] if right is None else max(right, c["x1"])
        spaces = []
    ems = [g / size for (a, _, _), (b, sp, g) in zip(ink, ink[1:])
           if not sp and not _mark(b) and (size := _em(a, b)) > 0]
    tracking = min(max(_quartile(ems), 0.0), TRACKING_EM) if ems else 0.0
    word: list[dict] = []
    for k, (c, space, gap) in enumerate(ink):
        if word:
            prev = ink[k - 1][0]
            size = _em(prev, c)
            apart = (space or abs(c["top"] - prev["top"]) > WORD_Y_TOLERANCE
                     or (not _mark(c) and gap > ((tracking + WORD_SPACE_EM) * size if size > 0 else 3.0)))
            if apart:
                yield word
                word = []
        word.append(c)
    if word:
        yield word


def _parts(space: dict, right: float, nxt: dict) -> bool:
    """Does a space character part the letters before it (their right edge at `right`) from `nxt`?

    It does where it stands between them: its middle in the gap, or its start where the letters before it
    end (word spacing squeezed the next word over it). A space that starts inside a letter and ends under
    another is no word space: the spaces of another run of text drawn under a word (pdfplumber reads
    `K    T.` for `KT.` in a closing block)."""
    return right <= (space["x0"] + space["x1"]) / 2 <= nxt["x0"] or space["x0"] >= right - SPACE_START_SLACK


def _em(a: dict, b: dict) -> float:
    return max(a.get("size") or 0.0, b.get("size") or 0.0)


def _mark(c: dict) -> bool:
    return all(unicodedata.combining(ch) for ch in c["text"])


def _quartile(values: list[float]) -> float:
    values = sorted(values)
    return values[(len(values) - 1) // 4]


@cache
def _extractor():
    """pdfplumber's word extractor (its lines, its order of characters) with `_words` for words."""
    from pdfplumber.utils.text import WordExtractor

    class _WordGaps(WordExtractor):
        def iter_chars_to_words(self, ordered_chars, direction):
            if direction != "ltr":  # rotated or vertical text: pdfplumber's own rule
                yield from super().iter_chars_to_words(ordered_chars, direction)
                return
            yield from _words(list(ordered_chars))

    return _WordGaps()


def gaps(line: TextLine, min_em: float) -> list[tuple[float, float]]:
    """The line's horizontal gaps at least `min_em` times its font size wide."""
    out = []
    ink = [c for c in line.chars if not c["text"].isspace()]  # a gutter may be filled with spaces
    for a, b in zip(ink, ink[1:]):
        size = max(a.get("size", 10.0), b.get("size", 10.0))
        if b["x0"] - a["x1"] >= min_em * size:
            out.append((a["x1"], b["x0"]))
    return out


def _size(line: TextLine) -> float:
    return statistics.median(c.get("size", 10.0) for c in line.chars) if line.chars else 10.0


@dataclass(frozen=True, slots=True)
class _Strip:
    x0: float
    x1: float
    two_sided: int = 1
    left_only: int = 0  # lines wholly left of the strip
    right_only: int = 0

    def two_columns(self) -> bool:
        return self.two_sided >= MIN_TWO_SIDED or (self.two_sided >= 1 and self.left_only > 0 and self.right_only > 0)


def _narrow(strip: _Strip, line: TextLine, line_gaps: list[tuple[float, float]], min_width: float) -> _Strip | None:
    """The strip as this line leaves it, or None if the line crosses it.

    A line of one column may reach a little into the strip (the columns are
    ragged); the strip then narrows, and holds while it stays wide enough.
    """
    free = [(float("-inf"), line.x0)] + list(line_gaps) + [(line.x1, float("inf"))]
    best = None
    for a, b in free:
        lo, hi = max(a, strip.x0), min(b, strip.x1)
        need = min(min_width, MIN_GUTTER) if (a, b) in line_gaps else min_width
        if hi - lo >= need and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    if best is None:
        return None
    left, right = line.x1 <= best[0], line.x0 >= best[1]
    return _Strip(best[0], best[1], strip.two_sided + (not left and not right), strip.left_only + left,
                  strip.right_only + right)


def find_blocks(lines: list[TextLine],
                blocked: Sequence[tuple[float, float, float, float]] = ()) -> list[tuple[int, int, float]]:
    """Two-column blocks as (first line, last line, x where the columns divide).

    Lines inside a `blocked` box (a table already found) never join a block.
    """
    blocks = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        size = _size(line)
        line_gaps = gaps(line, COLUMN_GAP_EM) if not _inside(line, blocked) else []
        if not line_gaps:
            i += 1
            continue
        strips = [_Strip(a, b) for a, b in line_gaps]
        j = i
        while j + 1 < n:
            nxt = lines[j + 1]
            height = max(lines[j].bottom - lines[j].top, size)
            if _inside(nxt, blocked) or nxt.top - lines[j].bottom > MAX_LEADING * height:
                break
            nxt_gaps = gaps(nxt, COLUMN_GAP_EM)
            kept = [s for s in (_narrow(s, nxt, nxt_gaps, STRIP_EM * size) for s in strips) if s is not None]
            if not kept:
                break
            strips = kept
            j += 1
        real = [s for s in strips if s.two_columns()]
        if len(real) == 1:
            # Lines past the last two-sided one still belong to the block only
            # while they stay on their side (what the loop checked) and, in a
            # column set centred, stay centred on it.
            s = real[0]
            j = _end_of_centred_column(lines, i, j, s)
            blocks.append((i, j, (s.x0 + s.x1) / 2))
            i = j + 1
        else:
            i += 1
    return blocks


def _end_of_centred_column(lines: list[TextLine], first: int, last: int, strip: _Strip) -> int:
    """The block's last line: `last`, or the line before the first one-sided line, past the last
    two-sided one, that leaves the middle of a column set centred (the issuer and a long `V/v …`
    subject centred left, then `Kính gửi:` flush with the body's margin below them)."""
    block = lines[first:last + 1]
    sides = [0 if line.x1 <= strip.x0 else 1 if line.x0 >= strip.x1 else None for line in block]  # None: both
    if None not in sides:
        return last
    last_two_sided = first + len(sides) - 1 - sides[::-1].index(None)
    # Each line's ink on each side (where it begins and ends), read once for the lines after it.
    spans = [[_span(line, keep) for line in block] for keep in _sides((strip.x0 + strip.x1) / 2)]
    for k in range(last_two_sided + 1, last + 1):
        side = sides[k - first]
        assert side is not None  # past the last two-sided line, each line is on one side
        above = [x for x in spans[side][:k - first] if x is not None]
        centres, starts = [(a + b) / 2 for a, b in above], [a for a, _ in above]
        centred = (len(above) >= 3 and max(centres) - min(centres) <= CENTRED_WITHIN
                   and max(starts) - min(starts) > 2 * CENTRED_WITHIN)
        line = lines[k]
        if centred and abs((line.x0 + line.x1) / 2 - statistics.median(centres)) > CENTRED_WITHIN:
            return k - 1
    return last


def _sides(divide: float):
    """Which characters each column keeps: those left of the divide, and those right of it."""
    return (lambda c: c["x1"] <= divide), (lambda c: c["x0"] >= divide)


def _span(line: TextLine, keep) -> tuple[float, float] | None:
    """Where a line's characters that `keep` takes begin and end; None if it takes none."""
    ink = [c for c in line.chars if keep(c) and not c["text"].isspace()]
    return (ink[0]["x0"], ink[-1]["x1"]) if ink else None


def _inside(line: TextLine, boxes) -> bool:
    mid = (line.top + line.bottom) / 2
    return any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top <= mid <= bottom for x0, top, x1, bottom in boxes)


def split_columns(lines: list[TextLine], blocked=()) -> list[TextLine]:
    """The page's lines in reading order: each two-column block left column first."""
    blocks = find_blocks(lines, blocked)
    if not blocks:
        return lines
    out: list[TextLine] = []
    i = 0
    for first, last, divide in blocks:
        out.extend(lines[i:first])
        band = lines[first:last + 1]
        for keep in _sides(divide):
            chars = [c for line in band for c in line.chars if keep(c)]
            if not chars:
                continue
            out.extend(_text_lines(chars))
        i = last + 1
    out.extend(lines[i:])
    return out
