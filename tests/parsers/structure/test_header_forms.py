"""Header forms met in real files beyond the decision and its plan: an appendix sent alone, e-sign stamp lines.

Each test builds its input from the known plan's own text and derives what it expects from the plan as parsed.
"""

from __future__ import annotations

from pipeline.run import parse_document
from tests.support.documents import KNOWN_TXT, parsed


def test_an_appendix_sent_alone_is_a_document_of_its_own(tmp_path):
    """As bnv-phuluc2-cchc-2025.pdf and lamdong-snv-pl02-cchc-2025.pdf are sent: the known plan's appendix from its
    `Phụ lục` heading on, with no header, number, date or signature. It was refused as no document."""
    lines = KNOWN_TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(k for k, line in enumerate(lines) if line.strip() == "Phụ lục")
    path = tmp_path / "phu-luc.txt"
    path.write_text("".join(lines[start:]), encoding="utf-8")
    alone = parse_document(path)
    doc = alone["documents"][0]
    assert (doc["doc_type"], doc["doc_number"], doc["issued_year"]) == ("Phụ lục", None, None)
    assert doc["parts"][-1] == "appendix" and doc["coverage"] == 1.0
    whole = parsed(KNOWN_TXT)["appendix_rows"]
    assert [(r["row_no"], r["task"], r["lead_agency"], r["deadline_text"]) for r in alone["appendix_rows"]] == [
        (r["row_no"], r["task"], r["lead_agency"], r["deadline_text"]) for r in whole]


STAMP = ["Ký bởi: Ủy ban nhân dân huyện Mang Yang", "Thời gian ký: 2020-12-28T10:11:12+07:00",
         "Số: 113/KH-UBND; 28/12/2020; 10:11:12;"]


def test_e_sign_stamp_lines_are_set_aside_never_read_as_the_header(tmp_path):
    """The lines an e-office prints when it signs a file (lamdong-snv-pl01-cchc-2025.pdf prints `Số: 2775/SNV-CCHC;
    10/11/2025; 10:59:46;` over its appendix): in `residual` as esign_stamp, and the header facts as without them."""
    text = KNOWN_TXT.read_text(encoding="utf-8")
    path = tmp_path / "stamped.txt"
    path.write_text("\n".join(STAMP) + "\n\n" + text, encoding="utf-8")
    stamped, plain = parse_document(path), parsed(KNOWN_TXT)
    assert [r["text"] for r in stamped["residual"] if r["reason"] == "esign_stamp"] == STAMP
    facts = ("doc_type", "doc_number", "issuer", "place", "issued_year", "issued_month", "issued_day", "signer_name")
    assert [stamped["documents"][0][k] for k in facts] == [plain["documents"][0][k] for k in facts]
    assert [r["task"] for r in stamped["appendix_rows"]] == [r["task"] for r in plain["appendix_rows"]]
