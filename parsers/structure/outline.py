"""Stage 3, outline: paragraphs into a tree of numbered nodes.

One mechanism serves every document: each paragraph is classified by the
block patterns of `vocab` (a Roman section, a numbered item, a lettered point,
a bullet, an article, a legal basis …) and hung under the nearest open node
of smaller depth (`vocab.DEPTH`). A numbered label must continue the run of
its open sibling (`2.` after `1.`, `đ)` after `d)`) or start a new run; a
label that does neither is kept, with a warning, so that nothing is lost and
nothing is silently renumbered.

A file may hold several parts, each with its own header: a decision, the plan
it issues, the plan's appendix. A part opens at a header block, at a document
type title met after body text, or at `Phụ lục`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parsers.language import vocab
from parsers.model.records import Issue, Line, Node, Outline, Paragraph
from parsers.structure.clean import Cleaned

if TYPE_CHECKING:
    from parsers.tables.model import Table

# What `vocab.match_block` reads a paragraph as: (kind, label, rest).
Block = tuple[str, str | None, str]

# Phases of a part, in the order they come.
HEADER, PREAMBLE, BODY, CLOSING = "header", "preamble", "body", "closing"
# Marks a signer's name may be read with after it and never holds.
NAME_TRAIL = " :;,.`'\""


@dataclass
class _Draft:
    """A node while the tree is being built; frozen into a `Node` at the end."""

    node_id: int
    parent_id: int | None
    kind: str
    label: str | None = None
    number: int | None = None
    title: str | None = None
    text: str = ""
    lines: list[Line] = field(default_factory=list)


def label_number(kind: str, label: str | None) -> int | None:
    """The ordinal of a label: `III` → 3, `đ` → 5, `12` → 12, `1.2` → 2."""
    if label is None:
        return None
    if kind in ("section", "chapter", "division", "subchapter", "appendix") and not label.isdigit():
        return vocab.roman_to_int(label)
    if kind == "point":
        return vocab.LETTER_INDEX.get(label)
    if kind == "subitem":
        return int(label.split(".")[-1])
    return int(label) if label.isdigit() else None


# Headings whose title a page may print twice (`**Chương II****CHUẨN BỊ DỰ ÁN**`, then `**CHUẨN BỊ DỰ ÁN**`).
ECHOED_HEADINGS = frozenset({"division", "chapter", "subchapter", "section", "article"})


class _Builder:
    def __init__(self, path: str, flavour: str = "pdf"):
        self.path = path
        # Web pages mark their tables, which reach the outline as tables; elsewhere an
        # appendix's table is read from its text by the appendix stage.
        self.tables_marked = flavour == "web"
        self.tables: list[tuple[int, Table]] = []
        self.nodes: list[_Draft] = [_Draft(0, None, "document")]
        self.issues: list[Issue] = []
        self.part: _Draft | None = None
        self.phase = HEADER
        self.stack: list[_Draft] = []  # open body nodes of the current part
        self.signature: _Draft | None = None
        self.recipients: _Draft | None = None
        self.addressee: _Draft | None = None  # a letter's `Kính gửi:` whose list of addressees follows
        self.dated = False  # the part's header has shown its number or its date
        self.has_date = False  # … its date
        # A subject or a heading's title that a page prints twice (a legal-database page glues it to the
        # type's title or the heading's label, then sets it again on lines of its own): the node, and the
        # words of it that paragraphs right after it may still repeat. Their lines are that node's.
        self.echo: tuple[_Draft, list[str]] | None = None
        self.last_through_part: dict[str, _Draft] = {}  # kind numbered through the part -> its last node

    # -- making nodes -------------------------------------------------------
    def add(self, parent: _Draft, kind: str, para: Paragraph | None, text: str = "",
            label: str | None = None) -> _Draft:
        node = _Draft(len(self.nodes), parent.node_id, kind, label, label_number(kind, label), None, text,
                      list(para.lines) if para else [])
        self.nodes.append(node)
        self.echo = None  # a repeat stands right after what it repeats, or nowhere
        return node

    def warn(self, code: str, message: str, page: int | None, node_id: int | None = None) -> None:
        self.issues.append(Issue("outline", code, message, page, node_id))

    def open_part(self, para: Paragraph | None, kind: str = "part", label: str | None = None) -> _Draft:
        self.part = self.add(self.nodes[0], kind, None, label=label)
        self.phase = HEADER
        self.stack = []
        self.signature = self.recipients = self.addressee = None
        self.dated = self.has_date = False
        self.last_through_part = {}
        return self.part

    # -- the walk ------------------------------------------------------------
    def feed(self, para: Paragraph, following: tuple[Paragraph, ...] = ()) -> None:
        if para.table is not None:
            self.feed_table(para, para.table)
            return
        text = para.text
        if self.echo is not None:
            node, words = self.echo
            said = text.split()
            self.echo = None
            if said and said == words[:len(said)]:
                node.lines.extend(para.lines)  # printed again: the lines are the node's, the words once
                self.echo = (node, words[len(said):]) if len(words) > len(said) else None
                return
        doc_type = vocab.doc_type_of(text)
        block = vocab.match_block(text)
        header_line = _is_header_line(text) or bool(
            self.phase == HEADER and self.part is not None and vocab.may_hold_date(text) and
            vocab.PLACE_DATE_LOOSE.match(text))
        # A date line under the number of a part that has none yet is its own (`Số: …`, `V/v …`, then the date).
        # Never in the body, nor a block: `Căn cứ Luật … ngày 18 tháng 02 năm 2025;` is a basis, and
        # `Nghị định này có hiệu lực thi hành từ ngày …` an article's text, not a place and date.
        own_date = (self.part is not None and not self.has_date and self.phase in (HEADER, PREAMBLE) and block is None
                    and vocab.may_hold_date(text) and vocab.PLACE_DATE_LOOSE.match(text)
                    and not vocab.DOC_NUMBER.match(text))
        # A header read column by column puts the issuer (left) before the national title (right):
        # lines in capitals just before a header line open the part with them.
        issuer_first = not block and self.phase != HEADER and _issuer_before_header(text, following)
        if self.part is not None and self.part.kind == "appendix" and self.tables_marked and (
                header_line or doc_type or issuer_first):
            # A form printed in an appendix (`MẪU …`) has a header of its own; it stays in the appendix.
            self.phase = BODY
            self.add(self.part, "form_header", para, text)
            return
        enacts = bool(doc_type and self.part is not None and self.part.title == doc_type[0] and self.phase == PREAMBLE
                      and any(n.parent_id == self.part.node_id and n.kind in ("basis", "proposal") for n in self.nodes))
        part = self.part
        if part is None or ((header_line or issuer_first) and self.phase != HEADER and not own_date) or (
                doc_type and part.title and not enacts):
            part = self.open_part(para)
        if own_date and self.phase != HEADER:
            self.add(part, "header", para, text)
            self.has_date = True
            return
        if header_line and self.phase == HEADER:
            self.add(part, "header", para, text)
            self.dated = self.dated or bool(vocab.DOC_NUMBER.match(text) or vocab.PLACE_DATE_LOOSE.search(text))
            self.has_date = self.has_date or bool(vocab.PLACE_DATE_LOOSE.search(text))
            return
        if self.phase == HEADER and vocab.LETTER_SUBJECT.match(text):
            self.add(part, "letter_subject", para, text)  # `V/v …`: a letter's subject, under its number
            part.text = part.text or text
            return
        if self.phase in (HEADER, PREAMBLE) and vocab.LETTER_ADDRESSEE.match(text):
            node = self.add(part, "addressee", para, text)  # `Kính gửi: …`: the letter's body follows
            self.addressee = node if text.endswith(":") else None
            self.phase = BODY
            return
        if self.addressee is not None:
            if block and block[0] in ("bullet", "subbullet"):
                self.add(self.addressee, "addressee_item", para, block[2])  # `Kính gửi:` / `- Sở Tài chính;`
                return
            self.addressee = None
        if enacts:
            self.add(part, "enact", para, text)  # `QUYẾT ĐỊNH` again after the bases, its colon lost
            self.phase = BODY
            return
        if doc_type and not part.title:
            name, kind, _code = doc_type
            part.kind, part.title = kind, name
            self.add(part, "doc_type", para, text)
            self.phase = PREAMBLE
            return
        if block and block[0] == "appendix":
            appendix = self.open_part(para, "appendix", block[1])
            appendix.title = "Phụ lục"
            self.add(appendix, "appendix_title", para, text, block[1])
            self.phase = PREAMBLE
            return
        if part.kind == "appendix" and self.phase in (PREAMBLE, BODY) and not self.tables_marked:
            self.feed_appendix(part, para, block)
            return
        if block:
            kind, label, rest = block
            if kind == "signature":
                self.phase = CLOSING
                self.stack = []
                self.signature = self.add(part, "signature", para, rest, label)
                return
            if kind == "recipients":
                self.phase = CLOSING
                self.stack = []
                self.recipients = self.add(part, "recipients", para, rest)
                return
            if self.phase == CLOSING and part.kind == "appendix" and kind in vocab.NUMBERED_KINDS and kind != "point":
                # A form in an appendix closes with its own `Nơi nhận`; the appendix's outline goes on.
                self.phase, self.stack, self.signature, self.recipients = BODY, [], None, None
            elif self.phase == CLOSING:
                self.feed_closing(part, para, block)
                return
            if kind in vocab.PREAMBLE_ONLY_KINDS and self.phase == BODY:
                block = None  # `Căn cứ chức năng, nhiệm vụ …` in a task is prose, not a legal basis
            elif kind in vocab.PART_LEVEL_KINDS:
                self.stack = []
                self.add(part, kind, para, text)
                if kind == "enact":
                    self.phase = BODY
                elif self.phase == HEADER:
                    self.phase = PREAMBLE  # an untitled document's legal bases
                return
            elif kind in vocab.DEPTH:
                self.phase = BODY
                self.place(part, para, kind, label, rest)
                return
        if self.phase == BODY and vocab.SIGNER_TITLES.match(text):
            # A signer's title with no `TM.`/`KT.` above it (`CHỦ TỊCH QUỐC HỘI`) closes the body.
            self.phase = CLOSING
            self.stack = []
            self.signature = self.add(part, "signature", para, text)
            return
        if self.phase == CLOSING:
            self.feed_closing(part, para, None)
        elif self.phase == HEADER and self.dated and not vocab.is_caps(text):
            self.phase = BODY  # an untitled document's text begins under its number and date
            self.add(part, "para", para, text)
        elif self.phase == HEADER:
            self.add(part, "header", para, text)
        elif self.phase == PREAMBLE:
            self.feed_preamble(part, para)
        else:
            parent = next((n for n in reversed(self.stack) if n.kind not in ("bullet", "subbullet")), part)
            if (parent.kind in ("division", "chapter", "subchapter") and not parent.text and not parent.title
                    and vocab.is_caps(text) and self.nodes[-1] is parent):
                parent.title = text  # `Chương I` / `QUY ĐỊNH CHUNG`: the title on the line below
                parent.lines.extend(para.lines)
                self.echo = (parent, text.split())
                return
            self.add(parent, "para", para, text)

    def feed_table(self, para: Paragraph, table: Table) -> None:
        """A table in the flow (`table`: the paragraph's): it hangs from the node open above it and closes no node."""
        part = self.part
        if part is None:
            part = self.open_part(para)
        if self.phase in (HEADER, PREAMBLE):
            self.phase = BODY
        parent = next((n for n in reversed(self.stack) if n.kind not in ("bullet", "subbullet")), None)
        if self.phase == CLOSING or parent is None:
            parent = part
        node = self.add(parent, "table", para)
        self.tables.append((node.node_id, table))

    def feed_preamble(self, part: _Draft, para: Paragraph) -> None:
        text = para.text
        has_subject = any(n.kind == "subject" and n.parent_id == part.node_id for n in self.nodes)
        if not has_subject:
            subject = self.add(part, "subject", para, text)
            part.text = text
            self.echo = (subject, text.split())
        elif vocab.is_caps(text) and vocab.AUTHORITY_WORDS.search(text):
            self.add(part, "authority", para, text)
        elif vocab.IMPLEMENTATION.match(text):
            self.add(part, "implementation", para, text)
        else:
            self.add(part, "preamble", para, text)

    def feed_closing(self, part: _Draft, para: Paragraph, block: Block | None) -> None:
        """The closing block: recipients, then on whose behalf (`TM.`, `KT.` …), the signer's title, the name.
        `block`: the paragraph's numbered or bulleted form, if any (`vocab.match_block`)."""
        text = para.text
        kind = block[0] if block is not None else None
        signed = self.signature is not None and any(
            n.parent_id == self.signature.node_id and n.kind == "signer" for n in self.nodes[self.signature.node_id:])
        if signed and vocab.is_caps(text) and not vocab.SIGNER_TITLES.match(text) and kind in (
                None, "division", "chapter", "section"):
            # A title in capitals after the signer's name: a list, a table or an outline issued with the
            # document (`DANH SÁCH … (Ban hành kèm theo Quyết định …)`), an appendix with no `Phụ lục` heading.
            appendix = self.open_part(para, "appendix")
            appendix.title = "Phụ lục"
            if kind is None:
                appendix.text = text
                self.add(appendix, "subject", para, text)
                self.phase = PREAMBLE
            else:
                self.phase = BODY
                self.feed(para)
            return
        if self.recipients is not None and block is not None and kind in ("bullet", "subbullet") and (
                self.signature is None):
            self.add(self.recipients, "recipient", para, block[2])
            return
        if vocab.SIGNER_TITLES.match(text) or (self.signature is not None and vocab.is_caps(text)):
            if self.signature is None:
                self.signature = self.add(part, "signature", para, text)
            else:
                self.add(self.signature, "signer_title", para, text)
        elif self.signature is not None and vocab.SIGNER_NAME.match(text.rstrip(NAME_TRAIL)):
            # A mark after the name is a stamp's or a speck's (`Trương Hòa Bình :` in a scan).
            self.add(self.signature, "signer", para, text.rstrip(NAME_TRAIL))
        elif self.recipients is not None and block is not None and kind in ("bullet", "subbullet"):
            self.add(self.recipients, "recipient", para, block[2])
        else:
            self.add(self.signature or self.recipients or part, "closing_text", para, text)

    def feed_appendix(self, part: _Draft, para: Paragraph, block: Block | None) -> None:
        # The appendix is a table: its cells are read by the appendix stage.
        # Here each paragraph is kept, in order, so that no line is lost.
        if self.phase == PREAMBLE:
            if block and block[0] == "attachment":
                self.add(part, "attachment", para, para.text)
                return
            if (not any(n.parent_id == part.node_id and n.kind == "subject" for n in self.nodes) and
                    vocab.is_caps(para.text)):
                self.add(part, "subject", para, para.text)
                part.text = para.text
                return
            self.phase = BODY
        self.add(part, "table_text", para, para.text)

    def place(self, part: _Draft, para: Paragraph, kind: str, label: str | None, rest: str) -> None:
        """Hang a numbered or bulleted paragraph in the tree, checking its run."""
        depth = vocab.DEPTH[kind]
        number = label_number(kind, label)
        sibling = next((n for n in reversed(self.stack) if n.kind == kind), None)
        page = para.page_start
        doubt = None  # (code, message) about this node's number, warned once the node exists
        # The node this one's number follows: its open sibling, or for a kind numbered through the part,
        # the last one placed under an earlier parent.
        before = sibling if sibling is not None else self.last_through_part.get(kind)
        if kind in vocab.NUMBERED_KINDS and number is not None:
            if before is not None and number != 1 and before.number is not None:
                if number != before.number + 1:
                    code = "letter_gap" if kind == "point" else "numbering_gap"
                    if number <= before.number:
                        code = "numbering_out_of_order"
                    doubt = (code, f"{kind} {label!r} follows {before.label!r}")
            elif before is None and number != 1:
                doubt = ("numbering_starts_late", f"{kind} run starts at {label!r}")
        if sibling is not None and (number != 1 or kind not in vocab.NUMBERED_KINDS):
            # continue the run: close everything opened after the sibling
            while self.stack and self.stack[-1] is not sibling:
                self.stack.pop()
            self.stack.pop()
        else:
            while self.stack and vocab.DEPTH[self.stack[-1].kind] >= depth:
                self.stack.pop()
        parent = self.stack[-1] if self.stack else part
        node = self.add(parent, kind, para, rest, label)
        self.stack.append(node)
        if kind in ECHOED_HEADINGS and rest:
            self.echo = (node, rest.split())
        if kind in vocab.NUMBERED_THROUGH_PART:
            self.last_through_part[kind] = node
        if doubt:
            self.warn(*doubt, page, node.node_id)

    # -- the end ---------------------------------------------------------------
    def finish(self) -> Outline:
        self.set_titles()
        self.set_untitled_kinds()
        self.check_complete()
        frozen = tuple(
            Node(d.node_id, d.parent_id, d.kind, d.label, d.number, d.title, d.text, tuple(d.lines)) for d in self.nodes
        )
        return Outline(nodes=frozen, issues=tuple(self.issues), tables=tuple(self.tables))

    def set_titles(self) -> None:
        """A numbered paragraph that heads others and ends without a stop is a title."""
        parents = {n.parent_id for n in self.nodes}
        for n in self.nodes:
            if (n.kind in ("division", "chapter", "subchapter", "section", "article", "item", "subitem") and
                    n.node_id in parents):
                if n.text and not n.text.endswith(tuple(".;!?…")):
                    n.title, n.text = n.text, ""
            elif n.kind == "chapter" and n.text:
                n.title, n.text = n.text, ""

    def set_untitled_kinds(self) -> None:
        """A part with no type title takes its kind from its number's type code (`/KH-` → plan),
        or is a letter where its header has a letter's form."""
        for part in (n for n in self.nodes if n.parent_id == 0 and n.kind == "part"):
            kids = [n for n in self.nodes if n.parent_id == part.node_id]
            if any(k.kind in ("letter_subject", "addressee") for k in kids):
                part.kind = "letter"
                continue
            for k in kids:
                m = vocab.DOC_NUMBER.match(k.text) if k.kind == "header" else None
                named = vocab.type_of_code(m.group("code")) if m else None
                if named:
                    part.kind = named[1]
                    break

    def check_complete(self) -> None:
        kinds = [n.kind for n in self.nodes if n.parent_id == 0]
        if not any(n.title or n.kind == "header" for n in self.nodes):
            return  # no administrative document at all: `parsers.structure.header.admit` refuses it
        body_text = " ".join(n.text for n in self.nodes if n.kind not in ("table_text",))
        last_page = max((l.page for n in self.nodes for l in n.lines), default=None)
        if "decision" in kinds and "plan" not in kinds and vocab.PROMISES_PLAN.search(body_text):
            self.warn("plan_missing", "the decision issues a plan that the document does not contain (truncated?)",
                      last_page)
        if "plan" in kinds and "appendix" not in kinds and vocab.PROMISES_APPENDIX.search(body_text):
            self.warn("appendix_missing", "the plan refers to an appendix that the document does not contain "
                                          "(truncated?)", last_page)
        if not any(n.kind == "signature" for n in self.nodes):
            last = next((n for n in reversed(self.nodes) if n.text), None)
            if last is not None and not last.text.endswith(tuple(".;:!?…)")):
                self.warn("truncated", f"the text stops mid-sentence ({last.text[-40:]!r}) and no signature follows",
                          last_page)
            else:
                self.warn("no_signature", "no signature block found", last_page)


# Paragraphs an issuer's name may take before the header line it stands beside: its two
# lines, split in a scan where a stamp or a speck broke them.
ISSUER_PARAGRAPHS = 3


def _issuer_before_header(text: str, following: tuple[Paragraph, ...]) -> bool:
    """Is this line in capitals the first of an issuer's name that a header line follows?"""
    if not vocab.is_caps(text):
        return False
    for para in following:
        if para.table is not None:
            return False
        if _is_header_line(para.text):
            return True
        if not vocab.is_caps(para.text):
            return False
    return False


def _is_header_line(text: str) -> bool:
    """The national title or motto, `Số: …`, or a place and date: a line of a header block."""
    # Each pattern only where the word it cannot match without stands: most paragraphs are body text.
    return bool((("CỘNG" in text or "Độc" in text) and vocab.national_heading(text))
                or (text.startswith("Số") and vocab.DOC_NUMBER.match(text))
                or (vocab.may_hold_date(text) and vocab.PLACE_DATE.match(text)))


def outline(cleaned: Cleaned) -> Outline:
    builder = _Builder(cleaned.source.path, cleaned.source.flavour)
    paragraphs = cleaned.paragraphs
    for i, para in enumerate(paragraphs):
        builder.feed(para, tuple(paragraphs[i + 1:i + 1 + ISSUER_PARAGRAPHS]))
    return builder.finish()
