"""Digital signatures read from real e-signed PDFs, and checked: intact, valid, covering the whole file.

tuan-giao-hdnd-2020.pdf carries four signatures of Tuần Giáo's People's Council (the invitation signed, the
number and the day stamped by the clerk, the e-seal), made with TDEsign 1.1 on 12/11/2020 (+07:00), each
later one appended to the file; btp-cv3917-2025.pdf, the Ministry of Justice's, one by its deputy minister.
What is asserted is what pypdf and the certificates show of them (read by hand with `pypdf` and `openssl`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.read.extract import extract
from pipeline.run import parse_document
from tests.support.documents import FIXTURES

TUAN_GIAO = FIXTURES / "tuan-giao-hdnd-2020.pdf"
# field, signing time (+07:00), and the field on the page: the signature's box, the number's slot, the day's, the seal
SIGNED = [("signature", "06:57:45", (318, 642)), ("signature1", "06:58:41", (140, 99)),
          ("signature2", "06:58:57", (390, 98)), ("signature3", "07:00:07", (304, 616))]


def test_every_signature_of_a_file_with_its_time_certificate_and_place():
    signatures = extract(TUAN_GIAO).signatures
    hanoi = dt.timezone(dt.timedelta(hours=7))
    assert [(s.field_name, s.signed_at.astimezone(hanoi).strftime("%H:%M:%S"), (round(s.box.x0), round(s.box.top)))
            for s in signatures] == SIGNED
    assert {s.signed_at.astimezone(hanoi).date() for s in signatures} == {dt.date(2020, 11, 12)}
    assert {(s.organisation, s.signer, s.application) for s in signatures} == {
        ("Tỉnh Điện Biên", "Hội đồng nhân dân Huyện Tuần Giáo", "TDEsign 1.1")}
    assert all(s.page == 1 and s.intact and s.valid for s in signatures)
    # Each signature appends to the file: only the last covers it whole.
    assert [s.covers_whole_file for s in signatures] == [False, False, False, True]


def test_the_documents_row_names_when_and_by_whom_the_file_was_first_signed():
    doc = parse_document(TUAN_GIAO)["documents"][0]
    assert doc["signed_at"] == dt.datetime(2020, 11, 11, 23, 57, 45, tzinfo=dt.UTC)
    assert doc["signed_by"] == "Tỉnh Điện Biên"
    other = parse_document(FIXTURES / "btp-cv3917-2025.pdf")
    assert [(s["signer"], s["organisation"], s["location"]) for s in other["signatures"]][:1] == [
        ("Mai Lương Khôi", "BỘ TƯ PHÁP", "BỘ TƯ PHÁP - Hà Nội")]


def test_a_byte_changed_after_signing_breaks_what_covers_it(tmp_path):
    data = bytearray(TUAN_GIAO.read_bytes())
    at = data.index(b"\n%", 0, 64) + 2  # the header's binary comment: in every signed range, read by no reader
    data[at] ^= 0x01
    path = tmp_path / "changed.pdf"
    path.write_bytes(bytes(data))
    signatures = extract(path).signatures
    assert [s.intact for s in signatures] == [False] * 4
    assert all(s.valid for s in signatures)  # the signed attributes are untouched: only the digest is off


def test_an_update_appended_after_the_last_signature_shows(tmp_path):
    data = TUAN_GIAO.read_bytes()
    path = tmp_path / "appended.pdf"
    path.write_bytes(data + b"\n% an edit appended after signing\n%%EOF\n")
    signatures = extract(path).signatures
    assert [s.covers_whole_file for s in signatures] == [False] * 4 and all(s.intact for s in signatures)


@pytest.mark.parametrize("name", ["mang-yang-2021-cchc.pdf", "mang-yang-2021-cchc.txt"])
def test_an_unsigned_file_has_none(name):
    tables = parse_document(FIXTURES / name)
    assert tables["signatures"] == [] and tables["documents"][0]["signed_at"] is None
