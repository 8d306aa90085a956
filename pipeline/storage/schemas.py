"""The published tables, declared once: columns, types and what each column means.

Every table written by the pipeline has exactly these columns, in this order,
with these types; `pipeline.storage.write` casts each table to its schema, so a stage
that produces a wrong column fails loudly instead of writing it. Each field
carries its meaning as Parquet field metadata (`description`), and
`docs/tables.md` is generated from the same declarations.
"""

from __future__ import annotations

import pyarrow as pa

STR = pa.string()
INT = pa.int32()
FLOAT = pa.float64()
DATE = pa.date32()
TIMESTAMP = pa.timestamp("s", tz="UTC")
BOOL = pa.bool_()
LIST_STR = pa.list_(pa.string())
LIST_INT = pa.list_(pa.int32())
OTHER_CELLS = pa.list_(pa.struct([pa.field("header", pa.string()), pa.field("text", pa.string())]))


def col(name: str, type_: pa.DataType, meaning: str) -> pa.Field:
    return pa.field(name, type_, metadata={"description": meaning})


def table(meaning: str, *fields: pa.Field) -> pa.Schema:
    return pa.schema(list(fields), metadata={"description": meaning})


DOC_ID = col("doc_id", STR, "Document id: the first 16 hex digits of the source file's SHA-256; the same file has the "
                            "same id on every run and machine.")

SCHEMAS: dict[str, pa.Schema] = {
    "documents": table(
        "One row per parsed file: header facts, signer, size and outline coverage.",
        DOC_ID,
        col("source_path", STR, "The file as it was given to the parser."),
        col("source_sha256", STR, "SHA-256 of the file's bytes."),
        col("other_paths", LIST_STR, "The other names under which the run was given the same bytes (a copy, a hard "
                                     "link, a link, one file named twice), in input order: the file is parsed once, as "
                                     "source_path; null when there are none."),
        col("source_format", STR, "pdf, text, or ocr (a scan or an image file, read by Tesseract)."),
        col("source_flavour", STR, "pdf; plain (text extracted from a PDF); web (text of a legal-database page, cells "
                                   "between `|` lines)."),
        col("doc_type", STR, "Type of the document's first part: Quyết định, Kế hoạch, Công văn …"),
        col("doc_type_source", STR, "Where the type was read: title (its title line), number (the type code of its "
                                    "number), letter (a `V/v` subject or `Kính gửi:`), site (the legal-database page's "
                                    "metadata)."),
        col("parts", LIST_STR, "The parts the file holds, in order: decision, plan, appendix …"),
        col("issuer", STR, "The issuing body, verbatim from the header's left column."),
        col("doc_number", STR, "Number and code as printed (617/KH-UBND); null where a draft leaves the number blank."),
        col("doc_code", STR, "The code part of the number: KH-UBND, QĐ-UBND …"),
        col("doc_number_raw", STR, "The `Số: …` text as printed."),
        col("place", STR, "The place before `ngày` in the header's date line."),
        col("issued_date_raw", STR, "The header's date as printed, blanks included."),
        col("issued_year", INT, "Year of issue."),
        col("issued_month", INT, "Month of issue; null where left blank."),
        col("issued_day", INT, "Day of issue; null where left blank (drafts)."),
        col("title", STR, "Subject line of the first part."),
        col("plan_year", INT, "The year the plan is for, from its subject (`… năm 2021`); null where not stated."),
        col("signer_name", STR, "Name under the signature block."),
        col("signer_key", STR, "The signer's name in one orthography, to group signers by: the tone mark of `oa`, "
                               "`oe`, `uy` closing a syllable on its first vowel (`Lê Hải Hoà` and `Lê Hải Hòa` are "
                               "`Lê Hải Hòa`), NFC; signer_name keeps the name as printed."),
        col("signer_title", STR, "Title of the signer: CHỦ TỊCH, PHÓ CHỦ TỊCH …"),
        col("signer_authority", STR, "On whose behalf the signer signs, as printed above the title: "
                                     "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH."),
        col("signed_at", TIMESTAMP, "When the file was first digitally signed (its earliest signature's time, UTC); "
                                    "null for a file with no signature."),
        col("signed_by", STR, "The organisation of that signature's certificate (`Tỉnh Điện Biên`, `BỘ TƯ PHÁP`)."),
        col("site_number", STR, "A legal-database page's metadata: the number (Số hiệu), as the site prints it."),
        col("site_type", STR, "A legal-database page's metadata: the type (Loại văn bản)."),
        col("site_issuer", STR, "A legal-database page's metadata: the place or body of issue (Nơi ban hành)."),
        col("site_signer", STR, "A legal-database page's metadata: the signer (Người ký)."),
        col("site_date", STR, "A legal-database page's metadata: the date of issue (Ngày ban hành), dd/mm/yyyy as "
                              "printed."),
        col("pages", INT, "Pages (a text file: pages as its extraction marks them)."),
        col("page_sources", LIST_STR, "Where each page's words came from, page by page: text (a text file), "
                                      "text_layer (a PDF's text), mapped (a PDF's text in a legacy font, decoded), "
                                      "ocr (the page's image, read by Tesseract), blank (no word and no table on it: a "
                                      "scan's empty back, a separator sheet)."),
        col("lines_total", INT, "Non-blank lines of the input."),
        col("lines_layout", INT, "Page numbers, rules and cell marks: in `residual` with their reason."),
        col("lines_in_outline", INT, "Lines that an outline node claimed."),
        col("coverage", FLOAT, "lines_in_outline / (lines_total - lines_layout)."),
        col("parser_version", STR, "Version of the parser that made the row."),
        col("ocr_confidence", FLOAT, "OCR only: mean confidence (0–1) of the lines Tesseract read; null for text."),
    ),
    "legal_bases": table(
        "The legal bases of a preamble.",
        DOC_ID,
        col("seq", INT, "1-based order in the document."),
        col("kind", STR, "basis (Căn cứ …), proposal (Theo đề nghị …) or implementation (Thực hiện …)."),
        col("text", STR, "The paragraph, NFC, one space between words."),
        col("node_id", INT, "Its node in `outline`."),
        col("page", INT, "Page where it starts."),
    ),
    "articles": table(
        "Articles (Điều N.) of any document: a decision's, a decree's, a regulation's issued with a decision.",
        DOC_ID,
        col("part", STR, "The kind of the part the article stands in: decision, decree, rules (a Quy định issued with "
                         "a decision) …"),
        col("article_no", INT, "N of `Điều N.`"),
        col("title", STR, "The article's heading where it has one (decrees)."),
        col("chapter", STR, "The label of the chapter (Chương) the article stands in: I, II …; null outside chapters."),
        col("text", STR, "The article's words, label stripped, its clauses included."),
        col("node_id", INT, "Its node in `outline`."),
        col("page", INT, "Page where it starts."),
    ),
    "objectives": table(
        "Objectives: the numbered items of the objectives section (MỤC TIÊU, else MỤC ĐÍCH).",
        DOC_ID,
        col("objective_no", STR, "1, 2 … or 1.a where an objective item is split into lettered points."),
        col("heading", STR, "The item's heading where the objective is one of its points."),
        col("text", STR, "The objective's words, label stripped."),
        col("node_id", INT, "Its node in `outline`."),
        col("page", INT, "Page where it starts."),
    ),
    "tasks": table(
        "Tasks: the lettered points under each numbered sub-section of the tasks section (NHIỆM VỤ, else GIẢI PHÁP).",
        DOC_ID,
        col("section_no", STR, "The numbered sub-section: 1, 2 … or 1.2."),
        col("section_title", STR, "The sub-section's title."),
        col("letter", STR, "The point's letter: a, b … đ …"),
        col("letter_index", INT, "1-based place of the letter in the Vietnamese alphabet (đ = 5; no f, j, w, z)."),
        col("text", STR, "The task's words, without its label and its bullets."),
        col("bullets", LIST_STR, "The task's dash bullets, in order, labels stripped."),
        col("node_id", INT, "Its node in `outline`."),
        col("page", INT, "Page where it starts."),
    ),
    "appendix_rows": table(
        "Rows of the appendix table (Phụ lục): who delivers what, by when.",
        DOC_ID,
        col("row_id", STR, "doc_id:seq; stable for one file and parser version."),
        col("table_id", STR, "The table (in `tables`) the row was read from."),
        col("table_row", INT, "The row of that table (in `table_cells`) the task starts at."),
        col("seq", INT, "1-based order among the document's appendix rows."),
        col("appendix_no", INT, "1-based, for a document with several appendix tables."),
        col("group_no", INT, "The task group's Roman numeral as an integer."),
        col("group_title", STR, "The task group's title."),
        col("row_no", INT, "The task's number; shared by the rows of a task that spans rows."),
        col("task", STR, "The task cell, its number stripped."),
        col("products", LIST_STR, "The product cell, item by item where it is numbered or bulleted."),
        col("lead_agency", STR, "The lead agency cell."),
        col("partner_agencies", LIST_STR, "Cooperating agencies, split on `;`, and on `,` or line breaks between "
                                          "names."),
        col("deadline_text", STR, "The deadline cell as printed."),
        col("notes", STR, "The notes cell (Ghi chú)."),
        col("other_cells", OTHER_CELLS, "Cells of columns that no role names (Kinh phí, Nguồn vốn …): the header as "
                                        "printed, and the cell."),
        col("lead_agency_id", STR, "The lead agency's id in `agencies` (the first, where the cell names several)."),
        col("lead_agency_ids", LIST_STR, "Every agency the lead cell names, by id."),
        col("partner_agency_ids", LIST_STR, "The cooperating agencies' ids in `agencies`, in order."),
        col("node_id", INT, "Its node in `outline`."),
        col("page_start", INT, "Page where the row starts."),
        col("page_end", INT, "Page where the row ends (a row may break across pages)."),
    ),
    "tables": table(
        "Every table of a document, whatever its columns: task tables, procedure lists, targets, fee scales, places.",
        DOC_ID,
        col("table_id", STR, "doc_id:tNN, NN its order in the document."),
        col("seq", INT, "1-based order among the document's tables."),
        col("part", STR, "body, or appendix where the table stands in an appendix (Phụ lục)."),
        col("appendix_no", INT, "1-based order of that appendix among the document's appendices; null in the body."),
        col("caption", STR, "The heading above the table (DANH MỤC …, the title of the section it stands in)."),
        col("kind", STR, "tasks, procedures, targets or other: what its header's columns make it."),
        col("n_rows", INT, "Rows, header rows included."),
        col("n_cols", INT, "Columns."),
        col("header_rows", INT, "How many of the first rows are its header "
                                "(2 for `Cơ quan` over `Chủ trì | Phối hợp`)."),
        col("page_start", INT, "Page where it starts."),
        col("page_end", INT, "Page where it ends."),
        col("source", STR, "How it was read: ruled (a PDF's rules), unruled (a PDF's word positions), web (`|` cells), "
                           "flattened (text whose cells follow one another), layout (text aligned in columns), ocr."),
        col("node_id", INT, "The outline node it hangs from."),
    ),
    "table_cells": table(
        "Cells of every table; a cell spanning rows or columns appears once, at its top-left. Read by (row, col), a "
        "table's non-empty cells give its texts in reading order.",
        DOC_ID,
        col("table_id", STR, "Its table in `tables`."),
        col("row", INT, "0-based row, header rows first."),
        col("col", INT, "0-based column."),
        col("row_span", INT, "Rows the cell covers."),
        col("col_span", INT, "Columns the cell covers."),
        col("is_header", pa.bool_(), "True for a cell of the header rows, and of a header printed again further down "
                                     "(a table of several lists, each under its header)."),
        col("header", STR, "The column's header path: `Cơ quan / Chủ trì` under a two-row header."),
        col("text", STR, "The cell's words, NFC, one space between words, emphasis marks stripped."),
        col("page", INT, "Page of the cell's first line."),
        col("x0", FLOAT, "Box of the cell in PDF points from the page's top-left corner; null for text input."),
        col("top", FLOAT, "Box: top."),
        col("x1", FLOAT, "Box: right."),
        col("bottom", FLOAT, "Box: bottom."),
    ),
    "milestones": table(
        "The periods of each appendix deadline cell, normalised.",
        DOC_ID,
        col("row_id", STR, "The appendix row (`appendix_rows.row_id`)."),
        col("seq", INT, "1-based order within the cell."),
        col("action", STR, "The words before the period (Ban hành Kế hoạch); empty when none."),
        col("kind", STR, "date, before, from (a span open at its end: `từ năm 2026`), month, quarter, half, year, "
                         "range, period, recurring, event, duration (how long a step may take: `07 ngày làm việc`), "
                         "none (the cell says no time is set or counted: `Không tính thời gian`, `Không quy định`) or "
                         "unknown."),
        col("start", DATE, "First day of the period (inclusive); null for before, event, duration, none and unknown."),
        col("end", DATE, "Last day of the period (inclusive); null for from, event, duration, none and unknown."),
        col("raw", STR, "The words the milestone was read from."),
    ),
    "citations": table(
        "Legal documents cited in the plan's text and appendix.",
        DOC_ID,
        col("where", STR, "outline:<node_id>, appendix_rows:<row_id>, or table_cells:<table_id>:<row>:<col> for a "
                          "table no appendix row was read from."),
        col("doc_type", STR, "Nghị định, Quyết định, Nghị quyết, Thông tư, Kế hoạch, Luật, Chỉ thị …"),
        col("number", STR, "The document's number (108); null for a law cited by name."),
        col("year", INT, "Year in the number, else of the citation's date."),
        col("code", STR, "Type and issuer code, normalised: NĐ-CP, QĐ-TTg, NQ/TW, KH-UBND …"),
        col("issued_date", DATE, "The cited document's date."),
        col("issuer", STR, "Who issued it, as cited (Chính phủ, UBND tỉnh …)."),
        col("subject", STR, "What it is about, as cited (after `về`)."),
        col("raw", STR, "The citation as printed."),
        col("cited_id", STR, "The cited document in `cited_documents`; null where the citation names no number or name "
                             "(a draft's blank `/QĐ-UBND`). Set when a batch's tables are assembled."),
    ),
    "cited_documents": table(
        "One row per distinct document cited anywhere in the batch: the citations of every document resolved into the "
        "documents they cite.",
        col("cited_id", STR, "Stable id: a hash of the number without leading zeros, the code (no spaces, either case) "
                             "and the year; for a law cited by name alone, of its type, name (in one orthography, "
                             "either case) and year."),
        col("doc_type", STR, "Type, as most of its citations give it: Nghị định, Luật, Quyết định …"),
        col("number", STR, "Number as most of its citations print it (leading zeros kept: 004)."),
        col("year", INT, "Year in its number, else of its date; an undated citation takes the year of the only dated "
                         "document of its number and code."),
        col("code", STR, "Code, normalised: NĐ-CP, QĐ-TTg, NQ/TW, QH15 …"),
        col("issued_date", DATE, "Date, as most of its citations give it."),
        col("issuer", STR, "Issuer, as most of its citations give it (`Uỷ ban …` and `Ủy ban …` counted as one)."),
        col("issuer_key", STR, "The issuer in one orthography, to group cited documents by: the tone mark of `oa`, "
                               "`oe`, `uy` closing a syllable on its first vowel (`Uỷ ban nhân dân tỉnh Bắc Ninh` is "
                               "`Ủy ban nhân dân tỉnh Bắc Ninh`), NFC."),
        col("name", STR, "A law's name (Tổ chức chính quyền địa phương), else its subject as most of its citations "
                         "give it (`hệ thống hoá` and `hệ thống hóa` counted as one)."),
        col("n_citing_documents", INT, "How many parsed documents cite it."),
        col("doc_id", STR, "The parsed document it is (same number, code and year), where it is among them; else "
                           "null."),
    ),
    "agencies": table(
        "Agencies named as lead or cooperating in appendix rows, each spelling variant met under one id.",
        col("agency_id", STR, "Stable id derived from the canonical name."),
        col("name", STR, "Canonical name: NFC, in one orthography (the tone mark of `oa`, `oe`, `uy` closing a "
                         "syllable on its first vowel: `hòa`, `Ủy`), en dash, HĐND/UBND spelled as abbreviations."),
        col("aliases", LIST_STR, "Every spelling met in the documents."),
    ),
    "targets": table(
        "Quantified targets (đạt từ 60% trở lên, đạt tỷ lệ 100%) in the plan's text and appendix.",
        DOC_ID,
        col("where", STR, "outline:<node_id> or appendix_rows:<row_id>."),
        col("indicator", STR, "The words naming what is measured."),
        col("comparator", STR, ">=, <= or =."),
        col("value", FLOAT, "The number."),
        col("unit", STR, "% or another unit; null when none."),
        col("percent_restored", pa.bool_(), "True where the input lost the `%` and the phrase makes it certain."),
        col("raw", STR, "The phrase as printed."),
    ),
    "outline": table(
        "Every node of the document tree: parts, header lines, sections, items, points, bullets, table rows.",
        DOC_ID,
        col("node_id", INT, "0 is the document; ids follow reading order."),
        col("parent_id", INT, "The parent node; null for the document."),
        col("kind", STR, "decision, plan, appendix, header, doc_type, subject, basis, proposal, enact, article, "
                         "section, item, subitem, point, bullet, para, signature, signer, addressee (Kính gửi:) and "
                         "its addressee_item, table_header, table_group, table_row …"),
        col("label", STR, "The numbering label: I, 1, 1.2, a, đ …"),
        col("number", INT, "The label's ordinal: 3 for III, 5 for đ."),
        col("title", STR, "The heading of a part or of a numbered node that heads others."),
        col("text", STR, "The node's own words, label stripped."),
        col("page_start", INT, "Page of the node's first line."),
        col("page_end", INT, "Page of the node's last line."),
        col("line_start", INT, "Number of the first line on page_start."),
        col("line_end", INT, "Number of the last line on page_end."),
    ),
    "residual": table(
        "Every input line that no node claimed, and why.",
        DOC_ID,
        col("page", INT, "Page."),
        col("line_no", INT, "Line number on the page."),
        col("source_line", INT, "Line number in a text file; null for a PDF."),
        col("reason", STR, "page_number, decoration, link_note (layout), ocr_noise (a scan's line read with under 30 % "
                           "confidence), esign_stamp (when and by whom an e-office signed the file) or unclaimed "
                           "(text no node took)."),
        col("text", STR, "The line."),
        col("x0", FLOAT, "Left edge in PDF points; null for text."),
        col("top", FLOAT, "Top edge in PDF points; null for text."),
    ),
    "signatures": table(
        "One row per digital signature of a PDF: who signed, when, where, and whether its signed bytes are intact "
        "(checked offline: no certificate chain, revocation list or OCSP is consulted).",
        DOC_ID,
        col("seq", INT, "Order of the signature field in the file's form."),
        col("field_name", STR, "The signature field's name."),
        col("page", INT, "Page its field stands on."),
        col("x0", FLOAT, "The field's left edge in PDF points."),
        col("top", FLOAT, "Its top edge, from the page's top."),
        col("x1", FLOAT, "Its right edge."),
        col("bottom", FLOAT, "Its bottom edge."),
        col("signed_at", TIMESTAMP, "Signing time (the signature's /M), UTC."),
        col("organisation", STR, "The signing certificate's subject organisation (O)."),
        col("signer", STR, "Its subject name (CN): a person or an office."),
        col("reason", STR, "/Reason, as the signer wrote it."),
        col("location", STR, "/Location."),
        col("application", STR, "The signing application (/Prop_Build /App /Name)."),
        col("covers_whole_file", BOOL, "The signed byte ranges reach the file's end: nothing was appended after it "
                                       "(a later signature or an edit appends an incremental update)."),
        col("intact", BOOL, "The digest of the signed bytes is the one the signature holds."),
        col("valid", BOOL, "The signature verifies with the signing certificate's public key."),
    ),
    "warnings": table(
        "What a stage was unsure of: one row for each place it concerns.",
        DOC_ID,
        col("stage", STR, "clean, outline, appendix or normalise."),
        col("code", STR, "letter_gap, numbering_gap, plan_missing, appendix_missing, truncated, damaged_word …"),
        col("message", STR, "One line saying what and where."),
        col("page", INT, "Page concerned."),
        col("node_id", INT, "The outline node concerned (the one holding the line a stage named), where there is one."),
        col("row_id", STR, "The appendix row concerned (the row that node is), where there is one."),
    ),
    "errors": table(
        "Files that could not be parsed.",
        col("source_path", STR, "The file (its path, or its URL)."),
        col("sha256", STR, "SHA-256 of its bytes; null when unreadable."),
        col("stage", STR, "extract, clean, outline or internal (a parser bug, or a cluster's failure)."),
        col("code", STR, "unreadable, not_pdf, encrypted, no_text_layer, empty, encoding, too_large, damaged_text, "
                         "not_a_document, ocr_unavailable, internal_error; worker_lost (its worker process died each "
                         "time it was tried: in a local pool, on a cluster), cache_not_shared (the workers write where "
                         "this machine cannot read), timeout and over_memory (it ran over --file-timeout or "
                         "--file-memory), input_changed and input_removed (changed or removed while the run read it), "
                         "cache_changed (its cache entry changed under the run, twice). The last six are tried again "
                         "by the next run; the others are remembered for the same bytes."),
        col("message", STR, "The reason, in one line."),
    ),
}

# How each table's rows are ordered on disk, so that output is reproducible.
SORT_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "legal_bases": ["doc_id", "seq"],
    "articles": ["doc_id", "node_id"],
    "objectives": ["doc_id", "node_id"],
    "tasks": ["doc_id", "node_id"],
    "appendix_rows": ["doc_id", "seq"],
    "tables": ["doc_id", "seq"],
    "table_cells": ["doc_id", "table_id", "row", "col"],
    "milestones": ["doc_id", "row_id", "seq"],
    "citations": ["doc_id"],
    "cited_documents": ["cited_id"],
    "agencies": ["agency_id"],
    "targets": ["doc_id"],
    "outline": ["doc_id", "node_id"],
    "residual": ["doc_id", "page", "line_no"],
    "signatures": ["doc_id", "seq"],
    "warnings": ["doc_id"],
    "errors": ["source_path"],
}
