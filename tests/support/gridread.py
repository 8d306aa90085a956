"""Read back the tables of a typeset PDF from the grids extraction found.

The grids of the pages are read in order; a header row repeated on a page is
dropped, a row broken by a page break is joined again (the part on the new
page has an empty first cell), group rows are set aside. What comes out is
compared with the source cells, with spaces ignored.
"""

from __future__ import annotations

import unicodedata

from parsers.model.records import Source

# Header words of the typeset tables besides the source's own header cells.
EXTRA_HEADER = ("Cơ quan", "Chủ trì", "Phối hợp", "Nhóm nhiệm vụ")


def norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFC", text or "").split())


def read_rows(source: Source, header: list[str], groups=(), group_column: bool = False, kinds=("ruled", "unruled")):
    """Data rows (lists of cell texts) of every grid of the document, in reading order.

    A row whose filled cells read as one of the `groups` titles is a group row
    and set aside; with a `group_column`, the first column is dropped.
    """
    heads = {norm(h) for h in list(header) + list(EXTRA_HEADER)}
    titles = {norm(g) for g in groups}
    rows: list[list[str]] = []
    for page in source.pages:
        for grid in page.tables:
            if grid.source not in kinds:
                continue
            first = True
            for cells in grid.rows:
                texts = [None if c is None else c.text for c in cells]
                filled = [t for t in texts if t and t.strip()]
                if not filled or _is_header(filled, heads):
                    continue
                if not group_column and norm("".join(filled)) in titles:
                    continue
                data = [t or "" for t in texts]
                if group_column:
                    data = data[1:]
                    if not any(d.strip() for d in data):
                        continue
                if first and rows and page.number > 1 and not data[0].strip():
                    rows[-1] = [f"{a}\n{b}".strip() if b.strip() else a for a, b in zip(rows[-1], data)]
                else:
                    rows.append(data)
                first = False
    return rows


def _is_header(filled: list[str], heads: set[str]) -> bool:
    joined = norm("".join(filled))
    every = "".join(sorted(heads))
    return all(norm(t) in heads or _split_header(norm(t), heads)
               for t in filled) or (joined and joined in every and len(joined) > 3)


def _split_header(text: str, heads: set[str]) -> bool:
    """A header cell cut by a page or column boundary: a piece of some header word."""
    return any(text and text in h for h in heads)


def score(expected: list[list[str]], got: list[list[str]]) -> tuple[int, int, list[str]]:
    """(cells equal, non-empty source cells, the first differences) comparing row by row."""
    total = equal = 0
    misses = []
    for i, want in enumerate(expected):
        have = got[i] if i < len(got) else []
        for j, cell in enumerate(want):
            if not norm(cell):
                continue
            total += 1
            if j < len(have) and norm(have[j]) == norm(cell):
                equal += 1
            elif len(misses) < 5:
                misses.append(f"row {i} col {j}: {cell[:50]!r} != {(have[j] if j < len(have) else None)!r:.60}")
    return equal, total, misses
