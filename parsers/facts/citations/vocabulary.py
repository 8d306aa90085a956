"""The words and codes citations of legal documents are written in.

Type codes and issuer codes (the parts of `108/2014/NĐ-CP`), the type words that stand before a
number, the names of laws cited without one, and the words that end a law's name or an issuer: tables
a reader checks and extends, kept apart from the patterns built from them (`patterns`).
"""

from __future__ import annotations

import regex as re

from parsers.language.vocab import JOINT_TYPE_CODES

# Type codes, the first part of a document's code (`NĐ` in `108/2014/NĐ-CP`):
# the table of Nghị định 30/2020/NĐ-CP (Phụ lục III), the normative types
# (NĐ, TT, TTLT), the consolidated text (VBHN) and the Party's conclusions (KL).
TYPE_CODES: dict[str, str] = {
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "VBHN": "Văn bản hợp nhất",
    "KH": "Kế hoạch",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "KL": "Kết luận",
    "NQLT": "Nghị quyết liên tịch",
}
# A paper several bodies sign together has its type's code with `PH` added (`12/QCPH-UBND-UBMTTQ-LĐLĐ`).
TYPE_CODES.update({joint: TYPE_CODES[code] for joint, code in JOINT_TYPE_CODES.items()})
# The code a type word implies, to put back a hyphen the typist left out
# (`Nghị định số 193/2025/NĐCP`).
CODE_OF_TYPE: dict[str, str] = {name: code for code, name in TYPE_CODES.items() if code not in JOINT_TYPE_CODES}

# Issuer codes, the parts after the type code. Any all-capitals token is
# accepted as an issuer code (departments coin their own: SKHCN, BCĐCCHC);
# this table names the common ones and carries those an all-capitals pattern
# would miss (`TTg`). The names are for readers and for callers that want to
# name an issuer a citation leaves out; find_citations does not guess issuers.
ISSUER_CODES: dict[str, str] = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TW": "Ban Chấp hành Trung ương Đảng",  # also Bộ Chính trị, Ban Bí thư
    "TU": "Tỉnh ủy, Thành ủy",
    "HU": "Huyện ủy",
    "QH": "Quốc hội",  # with its term: QH14
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "VPCP": "Văn phòng Chính phủ",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BCĐ": "Ban Chỉ đạo",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BXD": "Bộ Xây dựng",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    # the ministries before the 2025 merger, which older documents cite
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
}

# Letters of other scripts that look like Latin capitals and slip into codes
# typed on another keyboard layout (`TT-BKHĐТ`, `TT-BTС` with Cyrillic Т, С).
# Folded to Latin before matching; `raw` keeps what was printed.
LOOK_ALIKES = str.maketrans({
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
})
OTHER_SCRIPT = re.compile(r"[\p{Greek}\p{Cyrillic}]")

# Markdown emphasis a web page's text keeps where no cleaning took it out (a page read as plain text, a
# cell): `Luật sửa **đổi, bổ sung một số điều của Luật …** số …`. A mark sets words apart, it does not end
# a phrase: read as a space (one character for one, so offsets stay), `raw` keeps it.
EMPHASIS_AS_SPACE = str.maketrans({"*": " "})

# Issuer codes typed without their Đ (a keyboard without Vietnamese input, or
# the HDNĐ typo DOMAIN.md records); the code is normalised to the right one.
ISSUER_SPELLINGS: dict[str, str] = {"HDND": "HĐND", "HDNĐ": "HĐND"}

# Codes of the National Assembly and its Standing Committee carry the term
# and no type code (`47/2019/QH14` is a law or a resolution: only the words
# before the number tell which).
ASSEMBLY_CODE = re.compile(r"^(?:UBTV)?QH\d*$")

# Type words as they stand before the number, and their canonical name. A
# qualifier after the type word (`Chương trình hành động`) is part of the row.
# Longest first, so that `Thông tư liên tịch` is not read as `Thông tư`.
TYPE_WORDS: dict[str, str] = {
    "Chương trình hành động": "Chương trình",
    "Kế hoạch hành động": "Kế hoạch",
    "Thông tư liên tịch": "Thông tư liên tịch",
    "Nghị quyết liên tịch": "Nghị quyết liên tịch",
    "Quy chế phối hợp": "Quy chế",
    "Kế hoạch phối hợp": "Kế hoạch",
    "Chương trình phối hợp": "Chương trình",
    "Văn bản hợp nhất": "Văn bản hợp nhất",
    "Thông báo kết luận": "Thông báo",
    "Nghị định": "Nghị định",
    "Quyết định": "Quyết định",
    "Nghị quyết": "Nghị quyết",
    "Thông tư": "Thông tư",
    "Kế hoạch": "Kế hoạch",
    "Chỉ thị": "Chỉ thị",
    "Thông báo": "Thông báo",
    "Công văn": "Công văn",
    "Văn bản": "Văn bản",
    "Tờ trình": "Tờ trình",
    "Báo cáo": "Báo cáo",
    "Chương trình": "Chương trình",
    "Kết luận": "Kết luận",
    "Hướng dẫn": "Hướng dẫn",
    "Quy định": "Quy định",
    "Quy chế": "Quy chế",
    "Công điện": "Công điện",
    "Đề án": "Đề án",
    "Phương án": "Phương án",
    "Pháp lệnh": "Pháp lệnh",
    "Bộ luật": "Bộ luật",
    "Luật": "Luật",
}

# Laws and codes are cited by name, without number: `Luật Tổ chức Chính quyền
# địa phương năm 2015`, `Luật Thủ đô số 39/2024/QH15`. Only a capitalised name
# makes one (`Luật sửa đổi, bổ sung …` and `thi hành Luật.` are not citations).
NAMED_TYPES: dict[str, str] = {"Luật": "Luật", "Bộ luật": "Bộ luật", "Pháp lệnh": "Pháp lệnh"}

# Law names that hold a comma or a `và` (compared in either case). Any other
# name ends at punctuation or at a word of LAW_NAME_ENDS, unless its number or
# date follows it (then the whole phrase up to them is the name).
NAMES_WITH_COMMA = ["Cán bộ, công chức", "Phòng, chống", "Thi đua, khen thưởng",
                    "Khoa học, công nghệ và đổi mới sáng tạo", "Văn hóa, thể thao và du lịch"]

# Words that end a law's name: the year, a conjunction, the next phrase.
LAW_NAME_ENDS = ["năm", "ngày", "và", "hoặc", "của", "số", "theo", "tại", "về", "đã", "được", "để",
                 "nhằm", "trong", "với", "cho", "khi", "này", "quy định", "hướng dẫn", "sửa đổi", "thi hành",
                 "thì", "là", "có", "các", "những"]
# Of these, the ones a name closed by its number or date still may not hold:
# `và` and a comma are inside `Luật Khoa học, công nghệ và đổi mới sáng tạo ngày …`.
LAW_NAME_HARD_ENDS = [w for w in LAW_NAME_ENDS if w not in ("và", "hoặc")] + ["một"]
# The longest name read up to its number or date, in words.
LAW_NAME_MAX_WORDS = 14

# An amending law is named by what it does, in lower case: `Luật sửa đổi, bổ sung một số điều của Luật Tổ
# chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019`. Its name runs to its
# number or date (then over commas, `và` and the names of the laws it amends), or, with neither, over the
# names of the laws it amends (`… của Luật Quy hoạch, Luật Đầu tư … và Luật Đấu thầu;`).
AMENDING_WORDS = ["sửa đổi, bổ sung", "sửa đổi và bổ sung", "sửa đổi bổ sung", "sửa đổi", "bổ sung"]
# The longest such name read up to its number or date, in words (a list of the laws it amends).
AMENDING_NAME_MAX_WORDS = 60
# Words that end such a name read up to a number or date: the sentence goes on (`… của 15 luật trong lĩnh
# vực nông nghiệp và môi trường phù hợp với tinh thần chỉ đạo tại văn bản số …`).
AMENDING_NAME_ENDS = ["theo", "tại", "để", "nhằm", "với", "cho", "khi", "này", "đã", "được", "là", "thì",
                      "quy định", "hướng dẫn"]  # not `ban hành`: `Luật ban hành văn bản quy phạm pháp luật`
# Words that open the amended laws' list after the amending words: `một số điều của`, `các`, `07`.
AMENDED_LIST_OPENING = r"(?:một\s+số\s+điều\s+(?:của\s+)?|các\s+|\d+\s+)?"

# Words that end an issuer, in either case: what follows is the date, the subject
# or what the document does (in a table the next cell follows the issuer without
# punctuation: `của Ủy ban nhân dân tỉnh Bình Phước Thành lập trạm y tế …`). The
# Party term (`khóa XII`) is left out so that `(khóa XII)` and `khóa XII` give one issuer.
ISSUER_ENDS = ["về", "ngày", "khóa", "khoá", "sửa đổi", "quy định", "ban hành", "phê duyệt", "hướng dẫn",
               "thực hiện", "thông báo", "tại", "theo", "đã", "được", "và các", "công bố", "v/v",
               "thành lập", "cho phép", "bổ sung", "quyết định", "không", "có", "hết", "chưa", "nêu",
               "trong", "tách"]

# Words in capitals that follow a document number in a title (`QĐ-UBND NGÀY …`) and
# are no part of its code (see GLUED_TAIL).
TITLE_WORDS = frozenset({"NGÀY", "CỦA", "VỀ", "VÀ", "NĂM", "SỐ", "THÁNG", "BAN", "TẠI", "THEO"})
