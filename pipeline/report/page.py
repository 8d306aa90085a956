"""The review page: one document's tables as one self-contained HTML file.

    from pipeline.report.page import write_report
    write_report("data/processed", "f83e75de", "review.html")   # a unique prefix of the doc_id will do

The page is meant to be opened from a disk or a mail attachment: CSS and the
timeline (SVG) are inline, no font, script or image is fetched, and the few
lines of script only add expand/collapse buttons to the outline, so the page
reads the same without them. Every text taken from the tables is escaped:
the documents are input from outside.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.report.flags import flag_warnings
from pipeline.report.rows import matching_doc_ids, rows_of_document, txt
from pipeline.report.sections import (
    appendix_section,
    citations_section,
    coverage_section,
    facts_section,
    outline_section,
    signatures_section,
    tables_section,
    tasks_section,
    timeline_section,
    warnings_section,
)
from pipeline.storage.load import load_tables

# ------------------------------------------------------------------ entry points


def write_report(data_dir: str | Path, doc_id: str, out_file: str | Path) -> Path:
    """load_tables(data_dir), render, write atomically; KeyError when no (unique) document matches doc_id."""
    tables = load_tables(data_dir)
    matches = matching_doc_ids(tables["documents"], doc_id)
    if len(matches) != 1:
        hint = f" (the prefix matches {len(matches)} documents)" if matches else ""
        raise KeyError(f"no document {doc_id!r} in {data_dir}{hint}")
    page = render_report(tables, matches[0])
    return _write_atomically(Path(out_file), page)


def render_report(tables: dict[str, pd.DataFrame], doc_id: str) -> str:
    """One self-contained HTML page for one document."""
    matches = matching_doc_ids(tables["documents"], doc_id)
    if len(matches) != 1:
        raise KeyError(f"no document {doc_id!r}")
    doc_tables = rows_of_document(tables, matches[0])
    doc = doc_tables["documents"][0]
    rows, nodes = doc_tables["appendix_rows"], doc_tables["outline"]
    agencies = tables.get("agencies")
    if agencies is not None and len(agencies):
        # One lane per agency, not per spelling: `HDNĐ - UBND` and `HĐND – UBND` are one office.
        names = dict(zip(agencies["agency_id"], agencies["name"]))
        rows = [{**r, "lane": names.get(r.get("lead_agency_id"))} for r in rows]
    flags = flag_warnings(doc_tables["warnings"], rows, nodes)
    sections = [
        facts_section(doc),
        warnings_section(doc_tables["warnings"], flags),
        timeline_section(rows, doc_tables["milestones"], flags),
        appendix_section(rows, doc_tables["milestones"], flags),
        tables_section(doc_tables["tables"], doc_tables["table_cells"]),
        tasks_section(doc_tables["tasks"]),
        citations_section(tables, doc["doc_id"]),
        signatures_section(doc_tables["signatures"]),
        outline_section(nodes, flags),
        coverage_section(doc, doc_tables["residual"]),
    ]
    heading = " ".join(t for t in (txt(doc["doc_type"]), txt(doc["doc_number"])) if t) or f"Document {doc['doc_id']}"
    return _page(f"{heading}: {txt(doc['title'])}", heading, txt(doc["title"]), "".join(sections))


# The mark of a page this module wrote: `plan-parse report` overwrites such a page, and no other file unless forced.
GENERATOR = '<meta name="generator" content="plan-parse review page">'


def is_review_page(path: str | Path) -> bool:
    """Is `path` a page written by this module (its head holds the generator mark)?"""
    try:
        with open(path, "rb") as fh:
            return GENERATOR.encode() in fh.read(4096)
    except OSError:
        return False


def _write_atomically(target: Path, text: str) -> Path:
    # A reader (a browser already showing the page, a mail client) sees the old page or the new one, never half.
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(target).st_mode & 0o7777  # an existing page keeps its mode
    except OSError:
        mode = 0o644  # mkstemp makes it private; the page is for whoever reviews it
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

# ------------------------------------------------------------------ the page

_CSS = """
body { font: 14px/1.45 "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; color: #1d1d1d; margin: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
.subtitle { font-size: 15px; margin: 0 0 10px; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d4d4d4; padding: 3px 6px; vertical-align: top; text-align: left; }
thead th { background: #eef1f5; position: sticky; top: 0; }
tr.group th { background: #f6f6f0; }
table.facts { width: auto; table-layout: auto; } table.facts th { background: #f4f4f4; white-space: nowrap; }
td ul { margin: 0; padding-left: 16px; }
ul.milestones { list-style: none; padding: 0; }
ul.milestones li + li { margin-top: 4px; }
.kind { display: inline-block; font: 11px monospace; color: #555; background: #eee; border-radius: 3px; \
padding: 0 4px; }
.ms-unknown .kind, .ms-event .kind { background: #fff1c2; }
.muted { color: #666; }
.box { border: 1px solid; border-radius: 4px; padding: 6px 12px; }
.box.alert { border-color: #c0392b; background: #fdf0ee; } .box.calm { border-color: #7fb27f; background: #f1f8f1; }
.box ul { margin: 4px 0; }
tr.flagged td, .flagged > summary, .leaf.flagged { outline: 2px solid #c0392b; background: #fdf0ee; }
.tree details, .tree .leaf { margin-left: 18px; }
.tree > details { margin-left: 0; }
.tree summary { cursor: pointer; }
.tree .label { color: #1a4f8b; }
.tree .page { color: #777; font-size: 12px; white-space: nowrap; }
.leaf { padding-left: 14px; }
.chart { overflow-x: auto; }
svg text { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #222; }
svg .lane-bg { fill: #fff; } svg .lane-bg.odd { fill: #f4f6f9; }
svg .lane-label { font-size: 12px; }
svg .axis-bg { fill: #eef1f5; }
svg .year { font-weight: bold; } svg .month, svg .axis-note, svg .none { fill: #666; }
svg .grid { stroke: #dde2e8; } svg .year-line { stroke: #8a96a6; }
svg .bar.short { fill: #2c5d9c; } svg .bar.long { fill: #a9c3e3; }
svg .mark { fill: #b03a2e; } svg .mark.from { fill: #1e7b4f; }
svg .flagged { stroke: #c0392b; stroke-width: 2; }
svg .in-short { fill: #fff; }
svg a:hover rect, svg a:hover path { stroke: #000; }
.legend .sw { display: inline-block; width: 22px; height: 10px; margin: 0 4px 0 14px; vertical-align: middle; }
.legend .short { background: #2c5d9c; } .legend .long { background: #a9c3e3; }
.legend .mark { background: #b03a2e; width: 10px; transform: rotate(45deg); }
.legend .from { background: #1e7b4f; width: 10px; clip-path: polygon(0 0, 100% 50%, 0 100%); }
#outline-tools button { margin: 0 6px 6px 0; }
"""

_SCRIPT = """
(function () {
  var tools = document.getElementById("outline-tools");
  if (!tools) return;
  [["Expand all", true], ["Collapse all", false]].forEach(function (spec) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = spec[0];
    button.addEventListener("click", function () {
      document.querySelectorAll(".tree details").forEach(function (d) { d.open = spec[1]; });
    });
    tools.appendChild(button);
  });
})();
"""

_NAV = [("document", "Document"), ("warnings", "Warnings"), ("timeline", "Timeline"), ("appendix", "Appendix"),
        ("tables", "Tables"), ("tasks", "Tasks"), ("signatures", "Signatures"), ("outline", "Outline"),
        ("coverage", "Coverage")]


def _page(title: str, heading: str, subtitle: str, body: str) -> str:
    nav = "".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in _NAV)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'{GENERATOR}\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{html.escape(heading)}</h1><p class="subtitle">{html.escape(subtitle)}</p>'
        f"<nav>{nav}</nav></header>\n"
        f"<main>\n{body}</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
