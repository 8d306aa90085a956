"""The flattened table's header: the column roles it names, and where it repeats on later pages.

A header is found before anything else is read, by its words alone; what
follows it is the body that the search segments.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence

from parsers.model.records import Line
from parsers.tables.flattened.vocabulary import (
    COLUMN_NAMES,
    HEADER_QUALIFIERS,
    HEADER_SIMILARITY,
    HEADER_WORD,
    HEADER_WORDS,
    NON_SPACE,
)


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
    for role, pattern in COLUMN_NAMES:
        if pattern.pattern.startswith("^"):  # `STT`: a column named by one word of its own
            spans += [(m.start(), m.end(), role) for m in NON_SPACE.finditer(text) if pattern.search(m.group())]
        else:
            spans += [(m.start(), m.end(), role) for m in pattern.finditer(text)]
    chosen: list[tuple[int, int, str]] = []  # the longest name wins (`Nhiệm vụ chung` over `Nhiệm vụ`)
    for start, end, role in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, role))
    return sorted(chosen)


def find_headers(lines: Sequence[Line]) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
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
