"""The lexicons of parsers/language/data: every file well-formed, read by a module, and every entry used.

"Used" is asked of each entry in the reader's own terms: a document type's heading is read as that type and
its code names it back; a column phrase reaches its role (no phrase of a role before it takes it first); a
signer's title line is a title; a rank is taken off the name it precedes; every letter, digit and mark of
Vietnamese text has a width.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex as re

from parsers.facts.agencies import agency_id
from parsers.language import glyphs, lexicon, vocab
from parsers.language.lexicon import LexiconError
from parsers.tables.appendix_rows import split_agencies
from parsers.tables.flattened.header import header_roles
from parsers.tables.flattened.pieces import first_match
from parsers.tables.flattened.vocabulary import FLATTENED_ROLES, HEADER_WORD, HEADER_WORDS, OPENINGS
from parsers.tables.roles import ROLES, role_of

PARSERS = Path("parsers")


def test_every_lexicon_loads_and_is_read_by_a_module():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in PARSERS.rglob("*.py"))
    assert set(lexicon.names()) >= {"agency_fields", "agency_heads", "column_roles", "doc_types", "signer_ranks",
                                   "signer_titles", "times_widths"}
    for name in lexicon.names():
        assert lexicon.load(name).entries, name
        assert f'lexicon.load("{name}")' in sources, f"{name}.tsv is read by no module"


@pytest.mark.parametrize(("text", "fault"), [
    ("role\tphrase\nlead\tchủ trì\tphối hợp\n", "line 2: 3 fields, the header names 2"),
    ("role\tphrase\n# why\nlead\t\n", "line 3: phrase is empty"),
    ("role\tphrase\nlead\t chủ trì\n", "line 2: phrase is empty or padded"),
    ("role\tphrase\nlead\tchu\u0309 trì\n", "line 2: phrase is not in Unicode NFC"),  # ủ as u + a hook above
    ("role\tphrase\nlead\tchủ trì\n\nlead\tchủ trì\n", "line 4: the entry of line 2 again"),
    ("# only a comment\n", "no header line"),
])
def test_a_malformed_file_is_refused_with_its_line(text, fault):
    with pytest.raises(LexiconError, match=fault):
        lexicon.parse("column_roles", text)


def test_a_comment_is_a_hash_and_a_space_so_that_the_hash_sign_has_a_width():
    parsed = lexicon.parse("times_widths", "# widths\nchar\twidth\n#\t500\n")
    assert parsed.rows() == [("#", "500")]
    assert glyphs.TIMES_WIDTHS["#"] == 500 and glyphs.TIMES_WIDTHS[" "] == 250


@pytest.mark.parametrize(("heading", "entry"), list(vocab.DOC_TYPES.items()))
def test_every_document_type_is_read_from_its_heading_and_named_by_its_code(heading, entry):
    name, kind, code = entry
    assert vocab.doc_type_of(heading) == entry
    if kind not in ("law", "ordinance", "order"):  # a law's code names its issuer (`59/2020/QH14`)
        assert vocab.type_of_code(f"{code}-UBND") == (name, kind)


@pytest.mark.parametrize(("role", "phrase"), [(role, p) for role, phrases in ROLES for p in phrases])
def test_every_column_phrase_reaches_its_role(role, phrase):
    assert role_of(phrase.strip("^$")) == role
    assert role_of(phrase.strip("^$").upper()) == role  # a header in capitals alike


def test_the_roles_keep_the_order_of_the_file():
    assert [r for r, _ in ROLES][:5] == ["row_no", "legal_basis", "procedure_code", "procedure_name", "partners"]
    assert ROLES[-1][0] == "task"  # the widest phrases (`nội dung`, `nhiệm vụ`) are tried last


@pytest.mark.parametrize("title", vocab.SIGNER_TITLE_LINES)
def test_every_title_line_is_a_signers_title(title):
    assert vocab.SIGNER_TITLES.match(title)


@pytest.mark.parametrize("rank", vocab.SIGNER_RANKS)
def test_every_rank_is_taken_off_the_name(rank):
    assert vocab.signer_without_rank(f"{rank} Võ Minh Lương") == "Võ Minh Lương"


@pytest.mark.parametrize("family", lexicon.load("family_names").column("family"))
def test_every_family_name_opens_a_persons_name(family):
    """In capitals, as a signing certificate names its holder, and as printed."""
    assert vocab.person_name(f"{family.upper()} VĂN AN") == f"{family} Văn An"


@pytest.mark.parametrize("subject", ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM",
                                     "VĂN PHÒNG UBND TỈNH LÀO CAI", "SỞ TƯ PHÁP", "Nguyễn", "Nguyễn Văn 2"])
def test_an_organisation_is_no_persons_name(subject):
    assert vocab.person_name(subject) is None


def test_every_character_of_vietnamese_text_has_its_width():
    letters = "abcdđeghiklmnopqrstuvxyABCDĐEGHIKLMNOPQRSTUVXY0123456789 .,;:-()/%"
    assert set(letters) <= set(glyphs.TIMES_WIDTHS)
    assert all(100 <= w <= 1100 for w in glyphs.TIMES_WIDTHS.values())
    # ơ ư Ơ Ư, kept by their base letter: a horn widens its letter
    assert set(glyphs.HORN_WIDTHS) == set("ouOU")
    assert all(w > glyphs.TIMES_WIDTHS[base] for base, w in glyphs.HORN_WIDTHS.items())


@pytest.mark.parametrize(("abbreviation", "field", "printed"), lexicon.load("agency_fields").rows())
def test_every_abbreviated_field_meets_its_spelled_out_agency(abbreviation, field, printed):
    assert re.fullmatch(abbreviation, printed)
    for head in ("Sở", "Bộ"):
        assert agency_id(f"{head} {printed}") == agency_id(f"{head} {field}")


AGENCY_USES = {"opens", "opens-before-capital", "cue", "new", "top", "capital"}


@pytest.mark.parametrize(("words", "uses"), sorted(vocab.AGENCY_HEADS.items()))
def test_every_agency_head_does_what_its_uses_say(words, uses):
    assert uses and uses <= AGENCY_USES
    assert not ({"top", "capital"} & uses) or "new" in uses  # both narrow where a new agency may open
    name = f"{words} Tài chính"  # a capital after it, as a proper name has
    if uses & {"opens", "opens-before-capital"}:
        # In a cell of agencies, a comma before it parts two agencies.
        assert split_agencies(f"Phòng Nội vụ, {name}") == ("Phòng Nội vụ", name)
    if "cue" in uses:
        assert first_match(OPENINGS, f"- {name}") == "agency"
    if "new" in uses and "top" in uses:
        # With no separator at all: a name opened by a first-rank head ends before another.
        assert split_agencies(f"Sở Nội vụ {name}") == ("Sở Nội vụ", name)


@pytest.mark.parametrize(("role", "phrase"), [(role, p) for role, phrases in ROLES if role in FLATTENED_ROLES
                                              for p in phrases])
def test_every_column_phrase_of_a_task_table_names_its_column_in_flattened_text(role, phrase):
    assert header_roles(phrase.strip("^$")) == (FLATTENED_ROLES[role],)
    assert set(HEADER_WORD.findall(phrase.lower())) <= HEADER_WORDS  # a line of it is a line of the header
