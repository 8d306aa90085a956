"""Stage 3: the tree of numbered nodes, on real text."""

from __future__ import annotations

from parsers.language import vocab
from parsers.model.records import Paragraph
from parsers.read.extract import extract
from parsers.structure.clean import clean
from parsers.structure.outline import label_number, outline
from tests.support.documents import FIXTURES, KNOWN_TXT


def _tree(path):
    return outline(clean(extract(path)))


def test_vietnamese_alphabet_order():
    assert vocab.VIETNAMESE_ALPHABET[:7] == ["a", "b", "c", "d", "đ", "e", "g"]
    assert label_number("point", "đ") == 5 and label_number("point", "i") == 9 and label_number("point", "k") == 10
    assert "f" not in vocab.LETTER_INDEX and vocab.match_block("f) văn bản") is None
    assert label_number("section", "IV") == 4 and label_number("section", "XII") == 12


def test_known_plan_parts_and_sections():
    tree = _tree(KNOWN_TXT)
    parts = tree.children(0)
    assert [p.kind for p in parts] == ["decision", "plan", "appendix"]
    plan = parts[1]
    sections = [n for n in tree.children(plan.node_id) if n.kind == "section"]
    assert [(s.label, s.title) for s in sections] == [
        ("I", "MỤC TIÊU"), ("II", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"),
        ("III", "KẾ HOẠCH TRIỂN KHAI CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"), ("IV", "TỔ CHỨC THỰC HIỆN"),
    ]
    tasks_section = sections[1]
    runs = ["".join(p.label for p in tree.children(item.node_id) if p.kind == "point")
            for item in tree.children(tasks_section.node_id)]
    assert runs == ["abcdđ", "abcd", "abcdđ", "abcdđ", "abcdđe", "abcdđeghi", "abcdđ"]
    assert not tree.issues


def test_every_line_lands_in_one_node():
    tree = _tree(KNOWN_TXT)
    claimed = [(l.page, l.line_no) for n in tree.nodes for l in n.lines]
    assert len(claimed) == len(set(claimed))


def _paragraph(text: str) -> Paragraph:
    return Paragraph(text=text, lines=())


def test_a_gap_in_a_letter_run_is_warned_and_kept():
    cleaned = clean(extract(KNOWN_TXT))
    # Drop point c) of task group 1 from the real text: a, b, d, đ remain.
    paragraphs = [p for p in cleaned.paragraphs
                  if not p.text.startswith("c) Tăng cường công tác kiểm tra, tự kiểm tra")]
    tree = outline(type(cleaned)(cleaned.source, tuple(paragraphs), cleaned.residual, cleaned.issues))
    assert [(i.code, i.message) for i in tree.issues] == [("letter_gap", "point 'd' follows 'b'")]
    points = [n.label for n in tree.nodes if n.kind == "point"]
    assert points[:4] == ["a", "b", "d", "đ"]
    named = next(n for n in tree.nodes if n.node_id == tree.issues[0].node_id)  # the warning names its node
    assert (named.kind, named.label) == ("point", "d")


def test_decision_articles_hang_from_the_decision():
    tree = _tree(KNOWN_TXT)
    decision = tree.children(0)[0]
    kinds = [n.kind for n in tree.children(decision.node_id)]
    assert kinds == ["header", "header", "header", "doc_type", "subject", "authority", "basis", "basis", "proposal",
                     "enact", "article", "article", "article"]


def test_numbering_error_of_the_document_itself_is_reported():
    # Đồng Tháp 552 numbers two sections `III.`: a fact of the document, kept and warned.
    tree = _tree(FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt")
    assert [(i.code, i.message) for i in tree.issues] == [("numbering_out_of_order", "section 'III' follows 'III'")]


def test_prose_that_opens_like_a_basis_stays_in_the_body():
    tree = _tree(FIXTURES / "dong-thap-552-2025-doi-moi-cong-nghe.txt")
    assert [n.text[:30] for n in tree.nodes if n.kind == "basis"] == ["Căn cứ Nghị quyết số 57-NQ/TW "]


def test_each_signer_title_a_scan_is_restored_to_is_read_as_a_signer_title():
    """The whole-line titles OCR corrections restore and the pattern the outline reads signers' titles
    with are one vocabulary: a restored line that the outline did not take for a title would be body text."""
    assert [t for t in vocab.SIGNER_TITLE_LINES if not vocab.SIGNER_TITLES.match(t)] == []
