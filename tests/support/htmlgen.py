"""Legal-database pages set as HTML and CSS and printed to PDF by headless Chromium: a second typesetter.

The page's flow (`flow.py`) is set as `pagegen.py` sets it with reportlab, but
by a browser's layout: the national header and the closing as borderless
two-column tables, the body in paragraphs, the tables ruled with their header
rows in a `<thead>` (which Chromium repeats on each page), each appendix from
a new page, landscape ones on a named `@page`. The PDFs differ from
reportlab's in what a browser does its own way: line breaking (after a hyphen
inside a word too: `NĐ-` / `CP`), justification, how a table's rows split over
pages (a row's rest under the repeated header, its first part left open).

Chromium is driven over its DevTools pipe (file descriptors 3 and 4, JSON
messages ended by a NUL byte), so one browser prints many pages.
"""

from __future__ import annotations

import base64
import fcntl
import html
import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.flow import (
    SANS,
    Block,
    Cell,
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

CHROMIUM = "/usr/bin/chromium"
# Not `--no-pdf-header-footer`: it makes headless Chromium run its print command and close its window,
# and the tab with it; `printToPDF` is told to print no header or footer instead.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe")
TIMEOUT = 120  # seconds Chromium may take to answer one message: a long page of tables prints in a few
SIGNATURE_SPACE = 48  # points above the signer's name


# ------------------------------------------------------------------ measuring


# ------------------------------------------------------------------ HTML


def _css(style: Style) -> str:
    top, right, bottom, left = style.margins
    generic = "sans-serif" if style.font in SANS else "serif"
    margin = f"margin: {top:.2f}mm {right:.2f}mm {bottom:.2f}mm {left:.2f}mm;"
    return f"""
@page {{ size: A4; {margin} }}
@page land {{ size: A4 landscape; {margin} }}
html {{ font-family: "{style.font}", {generic}; font-size: {style.size}pt; line-height: {style.leading}; }}
body {{ margin: 0; }}
p {{ margin: 0 0 {style.space_after}pt; text-align: {"justify" if style.justify else "left"}; }}
p.body {{ text-indent: {style.first_indent}pt; }}
p.bold {{ font-weight: bold; }}
p.title {{ font-weight: bold; text-align: center; font-size: {style.size + 1}pt; }}
.land {{ page: land; }}
.new-page {{ break-before: page; }}
table {{ border-collapse: collapse; table-layout: fixed; width: 100%; }}
/* A header or closing is kept on one page, as reportlab keeps it: a closing split over a page break sets the
   signer's name beside the recipients' last lines. */
table.columns {{ break-inside: avoid; }}
table.columns td {{ vertical-align: top; padding: 0; font-size: {style.header_size}pt; line-height: 1.25; }}
table.columns td.left {{ padding-right: 24pt; }}
table.columns div {{ text-align: center; }}
table.columns div.strong {{ font-weight: bold; }}
table.closing td.left div {{ text-align: left; }}
table.columns div.gap {{ margin-top: {SIGNATURE_SPACE}pt; }}
table.grid {{ margin-bottom: 8pt; font-size: {style.cell_size}pt; line-height: 1.2; }}
table.grid td {{ border: 0.5pt solid black; padding: 2pt 5pt; vertical-align: top; text-align: left;
                 box-decoration-break: clone; }}
table.grid td.head {{ font-weight: bold; text-align: center; }}
"""


def _item(item: Item, kind: str) -> str:
    joint = "<br>" if kind == "header" and item.broken else " "
    classes = ["strong"] if item.bold else []
    if kind == "closing" and item.gap:
        classes.append("gap")
    return f'<div class="{" ".join(classes)}">{joint.join(map(html.escape, item.lines))}</div>'


def _columns(block: Columns, style: Style) -> str:
    share = 0.42
    if block.kind == "header":
        share = 0.55 if style.narrow_date else style.left_share
    left = "".join(_item(i, block.kind) for i in block.left)
    right = "".join(_item(i, block.kind) for i in block.right)
    return (f'<table class="columns {block.kind}"><colgroup><col style="width: {share * 100:.2f}%"><col></colgroup>'
            f'<tr><td class="left">{left}</td><td class="right">{right}</td></tr></table>')


def _placed(grid: Grid) -> dict[tuple[int, int], Cell]:
    """The cells by the slot they start in, their spans kept inside the grid and clear of each other: HTML
    places a row's cells in the slots left free, so a cell overlapping another would shift its row."""
    taken: set[tuple[int, int]] = set()
    placed = {}
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        if not (0 <= c.row < grid.n_rows and 0 <= c.col < grid.n_cols) or (c.row, c.col) in taken:
            continue
        rows, cols = min(c.row_span, grid.n_rows - c.row), min(c.col_span, grid.n_cols - c.col)
        slots = {(r, k) for r in range(c.row, c.row + rows) for k in range(c.col, c.col + cols)}
        if slots & taken:
            rows, cols, slots = 1, 1, {(c.row, c.col)}
        taken |= slots
        placed[c.row, c.col] = Cell(c.row, c.col, rows, cols, c.text, c.is_header)
    return placed


def _grid(grid: Grid, width: float, style: Style) -> str:
    placed = _placed(grid)
    covered = {(r, k) for c in placed.values()
               for r in range(c.row, c.row + c.row_span) for k in range(c.col, c.col + c.col_span)}
    heads = grid.header_rows if 0 < grid.header_rows < grid.n_rows else 0
    # A row group ends a row span: a header cell reaching into the body would be cut short, so such a table
    # is set without a repeated header.
    if any(c.row < heads < c.row + c.row_span for c in placed.values()):
        heads = 0
    rows = []
    for r in range(grid.n_rows):
        tds = []
        for k in range(grid.n_cols):
            c = placed.get((r, k))
            if c is not None:
                spans = (f' rowspan="{c.row_span}"' if c.row_span > 1 else "") + (
                    f' colspan="{c.col_span}"' if c.col_span > 1 else "")
                head = ' class="head"' if c.is_header else ""
                tds.append(f"<td{head}{spans}>{html.escape(c.text)}</td>")
            elif (r, k) not in covered:
                tds.append("<td></td>")
        rows.append(f"<tr>{''.join(tds)}</tr>")
    widths = column_widths(grid, width, longest_word(style))
    cols = "".join(f'<col style="width: {w:.2f}pt">' for w in widths)
    head = f"<thead>{''.join(rows[:heads])}</thead>" if heads else ""
    return (f'<table class="grid" style="width: {sum(widths):.2f}pt"><colgroup>{cols}</colgroup>'
            f"{head}<tbody>{''.join(rows[heads:])}</tbody></table>")


def html_of(flow: list[Block], style: Style, title: str = "") -> str:
    """The flow as one HTML document: each appendix a `<div>` of its own, from a new page."""
    parts: list[str] = []
    landscape, opened = False, False
    for block in flow:
        if isinstance(block, NewPage):
            landscape = block.landscape
            parts.append("</div>" if opened else "")
            parts.append(f'<div class="new-page{" land" if landscape else ""}">')
            opened = True
        elif isinstance(block, Columns):
            parts.append(_columns(block, style))
        elif isinstance(block, Grid):
            parts.append(_grid(block, frame_width(style, landscape), style))
        elif isinstance(block, Para):
            parts.append(f'<p class="{block.role}">{html.escape(block.text)}</p>')
    if opened:
        parts.append("</div>")
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_css(style)}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


# ------------------------------------------------------------------ printing


class _Chromium:
    """One headless Chromium, one tab, printing HTML files to PDF over the DevTools pipe."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="htmlgen-chromium-")
        to_chrome, self._send = os.pipe()
        self._recv, from_chrome = os.pipe()
        # Chromium reads its commands from descriptor 3 and writes to 4; moved above them first, the pipe's
        # ends cannot overwrite one another on the way there.
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome, from_chrome)]
        os.close(to_chrome)
        os.close(from_chrome)
        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(ends[0], 3), os.dup2(ends[1], 4)))
        for fd in ends:
            os.close(fd)
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.call("Page.enable", session=self.session)
        except BaseException:
            self.close()
            raise

    def _message(self) -> dict:
        chunks = [self._buffer]
        while b"\0" not in chunks[-1]:  # a PDF comes as one message of megabytes, in many reads
            ready, _, _ = select.select([self._recv], [], [], TIMEOUT)
            chunk = os.read(self._recv, 1 << 20) if ready else b""
            if not chunk:
                raise RuntimeError("Chromium stopped answering" if ready else "Chromium timed out")
            chunks.append(chunk)
        message, _, self._buffer = b"".join(chunks).partition(b"\0")
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._message()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            if "method" in answer:
                self._events.append(answer)

    def _wait_for(self, event: str) -> None:
        while True:
            while self._events:
                if self._events.pop(0).get("method") == event:
                    return
            self._events.append(self._message())

    def print(self, page: Path, out: Path) -> Path:
        self._events.clear()
        navigated = self.call("Page.navigate", session=self.session, url=page.resolve().as_uri())
        if navigated.get("errorText"):
            raise RuntimeError(f"Chromium could not open {page}: {navigated['errorText']}")
        self._wait_for("Page.loadEventFired")
        # The page's own @page rules give the sizes and margins; no header or footer (date, title, URL).
        pdf = self.call("Page.printToPDF", session=self.session, preferCSSPageSize=True,
                        displayHeaderFooter=False, printBackground=False)
        out.write_bytes(base64.b64decode(pdf["data"]))
        return out

    def close(self) -> None:
        try:  # not waiting for an answer: a browser that stopped answering is killed, not waited for again
            os.write(self._send, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._send)
            os.close(self._recv)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> _Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _set(jobs: list[tuple[Path, Path, Style]]) -> list[Path]:
    """Print each (page, out, style): its HTML written beside nothing of the caller's, one browser for all."""
    with tempfile.TemporaryDirectory(prefix="htmlgen-") as tmp, _Chromium() as chromium:
        done = []
        for page, out, style in jobs:
            source = Path(tmp) / f"{page.stem}.html"
            source.write_text(html_of(flow_of(page), style, page.stem), encoding="utf-8")
            done.append(chromium.print(source, out))
        return done


def typeset(path: Path, out: Path, style: Style | None = None) -> Path:
    """Set the page at `path` as the PDF `out`, in `style` or the one drawn for the page's name."""
    return _set([(path, out, style or style_for(path.stem))])[0]


def typeset_many(pages: list[Path], out_dir: Path) -> list[Path]:
    """Set each page as `out_dir/<stem>.pdf` in the style drawn for its name, with one Chromium for all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return _set([(page, out_dir / f"{page.stem}.pdf", style_for(page.stem)) for page in pages])
