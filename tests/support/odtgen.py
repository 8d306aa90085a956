"""Legal-database pages typeset by LibreOffice Writer: the page's flow written as a flat OpenDocument text
(`.fodt`) and converted to PDF by `soffice --headless`, as offices' Word documents are printed.

A third typesetter, independent of reportlab (`pagegen.py`) and Chromium: Writer breaks the lines, justifies
them, repeats a table's header rows and splits rows over pages by its own rules, and embeds the font as it
does. The page is set as such documents are: A4 portrait with the style's margins, the national header and
the closing as two-column tables without rules, the body justified with a first-line indent, the tables
ruled with their spans, each appendix from a new page (A4 landscape when its tables are wide).

Starting LibreOffice costs seconds, so `typeset_many` converts a run's pages in a few calls; each call has
a profile of its own, so runs in parallel never share one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from tests.support.flow import (
    SANS,
    Block,
    Columns,
    Grid,
    Item,
    NewPage,
    Para,
    Style,
    column_widths,
    flow_of,
    frame_width,
    longest_word,
    style_for,
)

SOFFICE = "/usr/bin/soffice"
BATCH = 40  # pages a LibreOffice start converts: a crash costs no more than these
TIMEOUT = 90 + 6 * BATCH  # seconds for one start: its own start-up, then each page
SIGNATURE_SPACE = 48  # points above the signer's name, where the signature goes
GRID_PADDING = 3  # points inside a ruled cell; flow.column_weights allows 7 a side around the longest word
PORTRAIT, LANDSCAPE = "Portrait", "Landscape"

NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
# Characters XML 1.0 forbids: a stray control character in a page's text would make the file unreadable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TypesetError(RuntimeError):
    """LibreOffice failed to convert, or left a page without its PDF."""


def _text(text: str) -> str:
    """Text as element content: escaped, its whitespace single spaces (as ODF reads it anyway)."""
    return escape(" ".join(NOT_XML.sub("", text).split()))


def _pt(value: float) -> str:
    return f"{value:.2f}pt"


# ------------------------------------------------------------------ styles


def _paragraph_style(name: str, size: float, *, bold: bool = False, align: str = "start", indent: float = 0,
                     line_height: str = "100%", above: float = 0, below: float = 0) -> str:
    weight = ' fo:font-weight="bold" style:font-weight-complex="bold"' if bold else ""
    return (f'<style:style style:name="{name}" style:family="paragraph" style:class="text">'
            f'<style:paragraph-properties fo:text-align="{align}" fo:text-align-last="start"'
            f' fo:text-indent="{_pt(indent)}" fo:margin-top="{_pt(above)}" fo:margin-bottom="{_pt(below)}"'
            f' fo:line-height="{line_height}" fo:hyphenate="false"/>'
            f'<style:text-properties fo:font-size="{_pt(size)}" style:font-size-complex="{_pt(size)}"{weight}/>'
            f'</style:style>')


def _named_styles(style: Style) -> str:
    """The paragraph styles every page has: body, headings, the two-column blocks' and the grids'."""
    size, lead, hs, cs = style.size, f"{round(style.leading * 100)}%", style.header_size, style.cell_size
    body_align = "justify" if style.justify else "start"
    font = _text(style.font)
    default = (f'<style:default-style style:family="paragraph">'
               f'<style:paragraph-properties fo:orphans="2" fo:widows="2"/>'
               f'<style:text-properties style:font-name="{font}" fo:font-size="{_pt(size)}"'
               f' fo:language="vi" fo:country="VN" fo:hyphenate="false"/></style:default-style>')
    return default + "".join((
        _paragraph_style("Body", size, align=body_align, indent=style.first_indent, line_height=lead,
                         below=style.space_after),
        _paragraph_style("Bold", size, bold=True, align=body_align, line_height=lead, below=style.space_after),
        _paragraph_style("Title", size + 1, bold=True, align="center", line_height=lead, below=style.space_after),
        _paragraph_style("Centre", hs, align="center"),
        _paragraph_style("CentreBold", hs, bold=True, align="center"),
        _paragraph_style("Small", hs),
        _paragraph_style("SmallBold", hs, bold=True),
        _paragraph_style("Signer", hs, bold=True, align="center", above=SIGNATURE_SPACE),
        _paragraph_style("Cell", cs),
        _paragraph_style("CellHead", cs, bold=True, align="center"),
    ))


def _page_layouts(style: Style) -> str:
    top, right, bottom, left = (f"{m:.2f}mm" for m in style.margins)
    layouts = []
    for name, (width, height), orientation in ((PORTRAIT, (210, 297), "portrait"),
                                               (LANDSCAPE, (297, 210), "landscape")):
        layouts.append(f'<style:page-layout style:name="pm{name}"><style:page-layout-properties'
                       f' fo:page-width="{width}mm" fo:page-height="{height}mm" style:print-orientation="{orientation}"'
                       f' fo:margin-top="{top}" fo:margin-right="{right}" fo:margin-bottom="{bottom}"'
                       f' fo:margin-left="{left}"/></style:page-layout>')
    return "".join(layouts)


class _Writer:
    """One page's body and the automatic styles it needs, built as the flow is read."""

    def __init__(self, style: Style):
        self.style = style
        self.auto: list[str] = []
        self.body: list[str] = []
        self.tables = 0
        self.page_starts: dict[tuple[str, str], str] = {}
        self.master: str | None = PORTRAIT  # the page style the next block opens; the first block opens the first page
        self.landscape = False

    # -------------------------------------------------------------- page breaks

    def _master_attr(self) -> str:
        """The page style a table opening a page names, once."""
        master, self.master = self.master, None
        return f' style:master-page-name="{master}"' if master else ""

    def _paragraph_style(self, name: str) -> str:
        """`name`, or an automatic style of it that opens a page of the pending page style."""
        master, self.master = self.master, None
        if master is None:
            return name
        key = (name, master)
        if key not in self.page_starts:
            auto = f"P{len(self.page_starts) + 1}"
            self.page_starts[key] = auto
            self.auto.append(f'<style:style style:name="{auto}" style:family="paragraph"'
                             f' style:parent-style-name="{name}" style:master-page-name="{master}"/>')
        return self.page_starts[key]

    # -------------------------------------------------------------- blocks

    def add(self, block: Block) -> None:
        if isinstance(block, NewPage):
            self.master, self.landscape = (LANDSCAPE if block.landscape else PORTRAIT), block.landscape
        elif isinstance(block, Para):
            name = {"title": "Title", "bold": "Bold"}.get(block.role, "Body")
            self.body.append(f'<text:p text:style-name="{self._paragraph_style(name)}">{_text(block.text)}</text:p>')
        elif isinstance(block, Columns):
            self._columns(block)
        elif isinstance(block, Grid):
            self._grid(block)

    def finish(self) -> None:
        if self.master is not None:  # a page break with nothing after it still opens its page
            self.body.append(f'<text:p text:style-name="{self._paragraph_style("Body")}"/>')

    def _table_styles(self, widths: list[float], below: float) -> str:
        """A table's style and its columns', named after it; returns the table's name."""
        self.tables += 1
        name = f"Table{self.tables}"
        self.auto.append(f'<style:style style:name="{name}" style:family="table"{self._master_attr()}>'
                         f'<style:table-properties style:width="{_pt(sum(widths))}" table:align="left"'
                         f' fo:margin-top="0pt" fo:margin-bottom="{_pt(below)}" style:may-break-between-rows="true"'
                         f' table:border-model="collapsing"/></style:style>')
        for k, width in enumerate(widths):
            self.auto.append(f'<style:style style:name="{name}.C{k}" style:family="table-column">'
                             f'<style:table-column-properties style:column-width="{_pt(width)}"/></style:style>')
        return name

    def _columns(self, block: Columns) -> None:
        """Two columns without rules: the header's items centred, the closing's recipients left and signature
        centred."""
        width = frame_width(self.style, self.landscape)
        share = 0.42
        if block.kind == "header":
            share = 0.55 if self.style.narrow_date else self.style.left_share
        name = self._table_styles([width * share, width * (1 - share)], below=6)
        # Kept on one page, as a signed document is: its signer's name never on a page after its title.
        self.auto.append(f'<style:style style:name="{name}.row" style:family="table-row">'
                         f'<style:table-row-properties fo:keep-together="always"/></style:style>')
        for side, padding in (("L", "0pt 12pt 0pt 0pt"), ("R", "0pt 0pt 0pt 6pt")):
            self.auto.append(f'<style:style style:name="{name}.{side}" style:family="table-cell">'
                             f'<style:table-cell-properties fo:padding="{padding}" fo:border="none"'
                             f' style:vertical-align="top"/></style:style>')
        cells = []
        for side, items in (("L", block.left), ("R", block.right)):
            paragraphs = "".join(self._item(block.kind, side, item) for item in items) or "<text:p/>"
            cells.append(f'<table:table-cell table:style-name="{name}.{side}" office:value-type="string">'
                         f'{paragraphs}</table:table-cell>')
        self.body.append(f'<table:table table:name="{name}" table:style-name="{name}">'
                         f'<table:table-column table:style-name="{name}.C0"/>'
                         f'<table:table-column table:style-name="{name}.C1"/>'
                         f'<table:table-row table:style-name="{name}.row">{"".join(cells)}</table:table-row>'
                         '</table:table>')

    @staticmethod
    def _item(kind: str, side: str, item: Item) -> str:
        if kind == "header":
            text = ("<text:line-break/>" if item.broken else " ").join(_text(line) for line in item.lines)
            return f'<text:p text:style-name="{"CentreBold" if item.bold else "Centre"}">{text}</text:p>'
        if side == "L":
            return f'<text:p text:style-name="{"SmallBold" if item.bold else "Small"}">{_text(item.text)}</text:p>'
        return f'<text:p text:style-name="{"Signer" if item.gap else "CentreBold"}">{_text(item.text)}</text:p>'

    def _grid(self, grid: Grid) -> None:
        """A ruled table: spans merged, the header rows repeated on each page, rows free to break."""
        widths = column_widths(grid, frame_width(self.style, self.landscape), longest_word(self.style))
        name = self._table_styles(widths, below=8)
        self.auto.append(f'<style:style style:name="{name}.cell" style:family="table-cell">'
                         f'<style:table-cell-properties fo:padding="{_pt(GRID_PADDING)}"'
                         f' fo:border="0.5pt solid #000000" style:vertical-align="top"/></style:style>'
                         f'<style:style style:name="{name}.row" style:family="table-row">'
                         f'<style:table-row-properties fo:keep-together="auto"/></style:style>')
        n_rows, n_cols = grid.n_rows, grid.n_cols
        slots: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
        heads = grid.header_rows
        for c in grid.cells:
            if not (0 <= c.row < n_rows and 0 <= c.col < n_cols) or slots[c.row][c.col] is not None:
                continue  # outside the grid, or under a span read before it
            rows = max(1, min(c.row_span, n_rows - c.row))
            cols = max(1, min(c.col_span, n_cols - c.col))
            if c.row < heads < c.row + rows:  # a header cell reaching into the body: the header takes its rows in
                heads = c.row + rows
            for r in range(c.row, c.row + rows):
                for k in range(c.col, c.col + cols):
                    if slots[r][k] is None:
                        slots[r][k] = "<table:covered-table-cell/>"
            spans = ((f' table:number-rows-spanned="{rows}"' if rows > 1 else "")
                     + (f' table:number-columns-spanned="{cols}"' if cols > 1 else ""))
            text = _text(c.text)
            paragraph = (f'<text:p text:style-name="{"CellHead" if c.is_header else "Cell"}">{text}</text:p>'
                         if text else "<text:p/>")
            slots[c.row][c.col] = (f'<table:table-cell table:style-name="{name}.cell" office:value-type="string"'
                                   f'{spans}>{paragraph}</table:table-cell>')
        empty = (f'<table:table-cell table:style-name="{name}.cell" office:value-type="string">'
                 '<text:p/></table:table-cell>')
        rows_xml = [f'<table:table-row table:style-name="{name}.row">'
                    + "".join(slot or empty for slot in row) + "</table:table-row>" for row in slots]
        columns = "".join(f'<table:table-column table:style-name="{name}.C{k}"/>' for k in range(n_cols))
        if 0 < heads < n_rows:  # Writer repeats these rows at the top of each page the table runs onto
            body = f'<table:table-header-rows>{"".join(rows_xml[:heads])}</table:table-header-rows>'
            body += "".join(rows_xml[heads:])
        else:
            body = "".join(rows_xml)
        self.body.append(f'<table:table table:name="{name}" table:style-name="{name}">{columns}{body}</table:table>')


def document(flow: list[Block], style: Style, title: str = "") -> str:
    """The flow set in `style` as a flat OpenDocument text."""
    writer = _Writer(style)
    for block in flow:
        writer.add(block)
    writer.finish()
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    font = _text(style.font)
    generic = "swiss" if style.font in SANS else "roman"
    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<office:document {namespaces} office:version="1.3"'
        ' office:mimetype="application/vnd.oasis.opendocument.text">',
        f"<office:meta><dc:title>{_text(title)}</dc:title></office:meta>",
        f'<office:font-face-decls><style:font-face style:name="{font}" svg:font-family={quoteattr(style.font)}'
        f' style:font-family-generic="{generic}" style:font-pitch="variable"/></office:font-face-decls>',
        f"<office:styles>{_named_styles(style)}</office:styles>",
        f'<office:automatic-styles>{_page_layouts(style)}{"".join(writer.auto)}</office:automatic-styles>',
        f'<office:master-styles><style:master-page style:name="{PORTRAIT}" style:page-layout-name="pm{PORTRAIT}"/>'
        f'<style:master-page style:name="{LANDSCAPE}" style:page-layout-name="pm{LANDSCAPE}"/></office:master-styles>',
        f'<office:body><office:text>{"".join(writer.body)}</office:text></office:body>',
        "</office:document>\n",
    ))


# ------------------------------------------------------------------ converting


def _convert(sources: list[Path], out_dir: Path, profile: Path) -> None:
    """One LibreOffice start converting `sources` into `out_dir`; killed, children and all, if it hangs."""
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--infilter=OpenDocument Text Flat XML", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(out_dir), *map(str, sources)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise TypesetError(f"soffice did not finish converting {len(sources)} files in {TIMEOUT} s") from None
    if process.returncode != 0:
        raise TypesetError(f"soffice exited with {process.returncode}: {(err or out).strip()[-2000:]}")


def _set(jobs: list[tuple[Path, Style, Path]]) -> list[Path]:
    """Each (page, style, PDF) written as .fodt and converted in a few starts of LibreOffice."""
    names = [out.stem for _, _, out in jobs]
    if len(set(names)) != len(names):
        raise ValueError("two PDFs of the same name: LibreOffice names its output after the source")
    work = Path(tempfile.mkdtemp(prefix="odtgen-"))
    try:
        sources, converted = work / "src", work / "pdf"
        sources.mkdir()
        converted.mkdir()
        fodts = []
        for page, style, out in jobs:
            fodt = sources / f"{out.stem}.fodt"
            text = document(flow_of(page), style, page.stem)
            try:  # LibreOffice would set a file it cannot read as plain text, without a word
                ElementTree.fromstring(text.encode("utf-8"))
            except ElementTree.ParseError as error:
                raise TypesetError(f"{page.name}: the OpenDocument written is not well-formed: {error}") from None
            fodt.write_text(text, encoding="utf-8")
            fodts.append(fodt)
        for start in range(0, len(fodts), BATCH):
            _convert(fodts[start:start + BATCH], converted, work / "profile")
        missing = [page.name for page, _, out in jobs if not (converted / f"{out.stem}.pdf").is_file()]
        if missing:
            raise TypesetError(f"soffice left no PDF for {len(missing)} pages: {', '.join(missing)}")
        for _, _, out in jobs:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(converted / f"{out.stem}.pdf", out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [out for _, _, out in jobs]


def typeset(path: Path, out: Path, style: Style | None = None) -> Path:
    """Set the page at `path` as the PDF `out` through LibreOffice, in `style` (the page's own if None)."""
    return _set([(path, style or style_for(path.stem), out)])[0]


def typeset_many(pages: list[Path], out_dir: Path) -> list[Path]:
    """Set each page, in its own style, as `out_dir/<page stem>.pdf`; far faster than a start per page."""
    return _set([(page, style_for(page.stem), out_dir / f"{page.stem}.pdf") for page in pages])
