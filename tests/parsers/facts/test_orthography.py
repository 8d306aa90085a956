"""One name in two orthographies (`Hoà` / `Hòa`, `Uỷ` / `Ủy`): one key, and one agency.

Every input below is printed so in a page of tests/fixtures/legal-db (the file named beside it), or is the
other spelling of such a name.
"""

from __future__ import annotations

import unicodedata

import pytest

from parsers.facts.agencies import agency_rows, canonical_name, merge_agency_rows
from parsers.language.vocab import orthography_key

KEYS = [
    # the mark on the second vowel of `oa`, `oe`, `uy` closing a syllable: moved to the first
    ("Uỷ ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Bắc Ninh"),  # ea34a356cafcb1aa, a citation's issuer
    ("CHỦ TỊCH UỶ BAN NHÂN DÂN TỈNH LÀO CAI", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI"),  # 856f6487c18d75d0
    ("Bộ Văn hoá, Thể thao và du lịch", "Bộ Văn hóa, Thể thao và du lịch"),  # a page's Nơi ban hành
    ("Lâm Đồng, Khánh Hoà", "Lâm Đồng, Khánh Hòa"),
    ("TP. Biên Hoà", "TP. Biên Hòa"),
    ("kiểm tra, rà soát, hệ thống hoá và xử lý văn bản", "kiểm tra, rà soát, hệ thống hóa và xử lý văn bản"),
    ("giống thuỷ sản", "giống thủy sản"),
    ("sức khoẻ", "sức khỏe"),
    ("hàng huỷ bỏ", "hàng hủy bỏ"),
    ("phòng, chống ma tuý", "phòng, chống ma túy"),
    ("bản thoả thuận", "bản thỏa thuận"),
    # both in one line, and `Quý` kept: after `q` the `u` belongs to the onset, the mark to `y`
    ("Công nghệ cao Hoà Lạc, bảo đảm khởi công dự án trong Quý III/2025",
     "Công nghệ cao Hòa Lạc, bảo đảm khởi công dự án trong Quý III/2025"),
    # already in the key's orthography, or one spelling only: unchanged
    ("Ủy ban nhân dân các xã, phường", "Ủy ban nhân dân các xã, phường"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Quý IV năm 2025", "Quý IV năm 2025"),
    ("Quỹ Phòng, chống thiên tai Thành phố", "Quỹ Phòng, chống thiên tai Thành phố"),
    ("thị trấn Quỳ Hợp", "thị trấn Quỳ Hợp"),
    ("xã Thụy Quỳnh", "xã Thụy Quỳnh"),  # `uynh`: a coda, one place for the mark
    ("Đỗ Ngọc Huỳnh", "Đỗ Ngọc Huỳnh"),
    ("Nguyễn Hoàng Giang", "Nguyễn Hoàng Giang"),
    ("Kế hoạch chuyển đổi số", "Kế hoạch chuyển đổi số"),
]


@pytest.mark.parametrize("text, key", KEYS, ids=[k[0][:40] for k in KEYS])
def test_orthography_key(text, key):
    assert orthography_key(text) == key
    assert orthography_key(key) == key  # a key is its own key


def test_orthography_key_reads_decomposed_text_and_keeps_none():
    assert orthography_key(unicodedata.normalize("NFD", "Khánh Hoà")) == "Khánh Hòa"
    assert orthography_key(None) is None


# Spellings of one agency in the two orthographies, and the name it is listed under.
AGENCIES = [
    (["Uỷ ban nhân dân các xã, phường", "Ủy ban nhân dân các xã, phường"], "UBND các xã, phường"),
    (["Bộ Văn hoá, Thể thao và du lịch", "Bộ Văn hóa, Thể thao và du lịch"], "Bộ Văn hóa, Thể thao và du lịch"),
    (["Ban Quản lý Khu công nghệ cao Hoà Lạc", "Ban Quản lý Khu công nghệ cao Hòa Lạc"],
     "Ban Quản lý Khu công nghệ cao Hòa Lạc"),
    # one spelling only: its name is as printed (it was `Qũy`, `Qùy`: the mark moved off `y` after `qu`)
    (["Quỹ Phòng, chống thiên tai Thành phố"], "Quỹ Phòng, chống thiên tai Thành phố"),
    (["Ủy ban nhân dân huyện Quỳ Hợp"], "UBND huyện Quỳ Hợp"),
]


@pytest.mark.parametrize("spellings, name", AGENCIES, ids=[a[1][:40] for a in AGENCIES])
def test_an_agency_in_two_orthographies_is_one_agency(spellings, name):
    (row,) = agency_rows(spellings)
    assert row["name"] == canonical_name(spellings[0]) == name
    assert row["aliases"] == sorted(spellings)
    # each spelling in a document of its own: one agency of the batch, every spelling listed
    merged = merge_agency_rows([r for s in spellings for r in agency_rows([s])])
    assert [(r["agency_id"], r["name"], r["aliases"]) for r in merged] == [
        (row["agency_id"], name, sorted(spellings))]
