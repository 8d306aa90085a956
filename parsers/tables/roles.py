"""What a column holds, read from its header's words; what a table is, read from its columns.

Plans and lists name their columns in many ways (`Cơ quan chủ trì`, `Đơn vị thực
hiện`, `Chủ trì`; `Thời gian hoàn thành`, `Tiến độ`). Each role lists the
phrases that name it; a header names the role of the first phrase it holds, in
the order of `ROLES` (data/column_roles.tsv). Headers and phrases are compared in lower case, one space, so
`Thời gian` and `THỜI GIAN` match alike and a header wrapped over lines matches as one.
A header typed with accents is compared with its accents (in one orthography: `hoá` is
`hóa`): Vietnamese words apart only by their marks are other words (`phi vật thể` is no
`phí`, `thù lao` no `thu`). Only a header typed without any accent (`Thoi gian hoan thanh`)
is compared folded, accents off, with the phrases folded alike.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex as re

from parsers.language import lexicon
from parsers.language.vocab import orthography_key


def _roles() -> list[tuple[str, tuple[str, ...]]]:
    """Each role with the phrases naming it (data/column_roles.tsv), roles in the order the file first names
    them: the first role whose phrase a header holds wins, so the narrower phrases come first there."""
    phrases: dict[str, list[str]] = {}
    for role, phrase in lexicon.load("column_roles").rows():
        phrases.setdefault(role, []).append(phrase)
    return [(role, tuple(p)) for role, p in phrases.items()]


ROLES = _roles()


def fold(text: str) -> str:
    """Accents off, lower case, one space: `Thời gian  hoàn\\nthành` → `thoi gian hoan thanh`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().replace("*", " ").split())


def lower(text: str) -> str:
    """Lower case, one space, accents kept in one orthography: `THỜI GIAN  Hoà` → `thời gian hòa`."""
    key = orthography_key(text)
    return " ".join(key.lower().replace("*", " ").split())


def _pattern(phrase: str, key) -> str:
    """A phrase as a pattern over text made comparable by `key` (fold or lower): words apart or run together
    (`Số TT`, `SốTT`), whole words; a phrase written `^…$` must be the whole header."""
    anchored = phrase.startswith("^")
    words = r"\s*".join(re.escape(w) for w in key(phrase.strip("^$")).split())
    return f"^(?:{words})$" if anchored else rf"\b(?:{words})\b"


# The phrases of each role over a header typed with accents (kept) and over one typed without (folded).
_ACCENTED = [(role, re.compile("|".join(_pattern(p, lower) for p in phrases))) for role, phrases in ROLES]
_FOLDED = [(role, re.compile("|".join(_pattern(p, fold) for p in phrases))) for role, phrases in ROLES]


@lru_cache(maxsize=4096)
def role_of(header: str) -> str | None:
    """The role a column's header names, or None for a header no phrase names (its own words stand)."""
    folded = fold(header)
    if not folded:
        return None
    text = lower(header)
    typed_bare = text == folded  # no accent anywhere (`đ` is one): typed without, compared folded
    for role, pattern in _FOLDED if typed_bare else _ACCENTED:
        if pattern.search(text):
            return role
    return None


def kind_of(roles: list[str | None]) -> str:
    """tasks, procedures, targets or other, from the roles of a table's columns."""
    found = set(roles)
    if found & {"procedure_code", "procedure_name"}:
        return "procedures"
    if found & {"task", "target"} and found & {"lead", "partners", "deadline", "products"}:
        return "tasks"  # targets handed to agencies (`Chỉ tiêu | Chủ trì`) are tasks too
    if "target" in found:
        return "targets"
    return "other"


# A header cell names its column in a few words (`Cơ quan, đơn vị chủ trì thực hiện`); a
# cell of more is a row's text, whatever phrase it holds (`Thời gian và đơn vị kiểm tra
# do Trưởng Ban quyết định` names no deadline column).
HEADER_MAX_WORDS = 12


def header_role(cell: str) -> str | None:
    """The role a cell names if it can be a header cell, else None."""
    return role_of(cell) if len(cell.split()) <= HEADER_MAX_WORDS else None


def opens_list(cells: list[str]) -> bool:
    """A list's header whatever names its columns: a row that opens with the number column's name (`STT`,
    `Số TT`) and names others beside it, none of them a number (`STT | Họ và tên | Chức vụ | Mẫu chữ ký`)."""
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and header_role(filled[0]) == "row_no" and not any(c.strip().isdigit() for c in filled)


def header_row_count(rows: list[list[str]]) -> int:
    """How many leading rows are the header: a row in which two or more cells name a role, and a
    second such row under it (`Cơ quan` over `Chủ trì | Phối hợp`). 0 for a table with no header."""
    count = 0
    for cells in rows[:2]:
        filled = [c for c in cells if c.strip()]
        named = [r for r in map(header_role, filled) if r]
        if len(named) >= 2 and (count == 0 or len(named) == len(filled)):
            count += 1  # a second row is header only where every cell of it names a role (`Chủ trì | Phối hợp`)
        else:
            break
    return count
