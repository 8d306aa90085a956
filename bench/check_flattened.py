"""Does parsers/tables/flattened/ give the same tables as another revision of it?

    .venv/bin/python bench/check_flattened.py [--ref main] [--texts]

Loads the reader as it stands at REF (the package parsers/tables/flattened/, or
the single module parsers/tables/flattened.py it was before; a revision from
before the folders by role, parsers/flattened.py, is refused with a line
saying so) beside the working copy and runs both on every table the tests flatten: the
known plan's appendix (as extracted, and with a task's number lost and another
out of its run), the known plan's cells re-wrapped at the widths of
tests/parsers/tables/test_flattened.py (8 layouts), the four web plans' tables flattened
(8 layouts), and Đồng Tháp 617's table with a funding column. With --more,
also the same cells on pages of other lengths, with other seeds and more
merged lines (36 tables the tests do not hold). With --texts,
also every flattened table that parsing the texts of tests/fixtures/ (the
plans and the legal-database pages) meets. A table is the same when its roles,
rows, cells (text and line), header lines, unplaced lines and issues are all
equal. Prints one line per table and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import parsers.tables.flattened as current  # noqa: E402
from parsers.model.records import Line  # noqa: E402
from tests.parsers.tables import test_flattened as cases  # noqa: E402

PACKAGE = "parsers/tables/flattened"  # the reader's package; before it was split, PACKAGE + ".py"
NAME = "parsers._flattened_ref"  # the reader at REF, loaded beside the working copy's


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def revision(ref: str) -> types.ModuleType:
    """The flattened reader at `ref`, as a module of the parsers package beside the working copy's.

    Its sources are written to files of their own (in the system's temporary folder) and compiled from
    there: numba caches a compiled kernel beside the file its function was read from. A package's modules
    import each other by absolute name: those names are made the loaded copy's, so that it does not import
    the working copy's modules in their place."""
    folder = Path(tempfile.gettempdir()) / "check_flattened" / ref.replace("/", "_")
    listing = _git("ls-tree", "--name-only", ref, f"{PACKAGE}/", f"{PACKAGE}.py", "parsers/flattened.py").split()
    modules = [p for p in listing if p.startswith(f"{PACKAGE}/") and p.endswith(".py")]
    if modules:
        sources = {Path(p).name: _git("show", f"{ref}:{p}").replace(PACKAGE.replace("/", "."), NAME)
                   for p in modules}
    elif f"{PACKAGE}.py" in listing:
        sources = {"__init__.py": _git("show", f"{ref}:{PACKAGE}.py")}  # one module: the package's whole
    else:
        sys.exit(f"{ref} has no {PACKAGE}/ nor {PACKAGE}.py: its parsers/flattened.py imports modules that have "
                 "since moved, and cannot be loaded beside this working copy")
    package = folder / NAME.rsplit(".", 1)[1]
    package.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        path = package / name
        if not path.exists() or path.read_text() != source:
            path.write_text(source)
    for stale in set(p.name for p in package.glob("*.py")) - set(sources):
        (package / stale).unlink()
    spec = importlib.util.spec_from_file_location(NAME, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
    return module


def tables() -> dict[str, list[Line]]:
    """Name -> the lines of each table the tests flatten."""
    out = {"known plan": list(cases.appendix_lines())}
    lines = list(cases.appendix_lines())
    for old, new in (("3. Ban hành và triển khai thực", "Ban hành và triển khai thực"),
                     ("6. Nâng cao năng lực cho công", "7. Nâng cao năng lực cho công")):
        k = next(i for i, l in enumerate(lines) if l.text.strip() == old)
        lines[k] = Line(lines[k].page, lines[k].line_no, new, source_line=lines[k].source_line)
    out["known plan, a number lost and one out of its run"] = lines
    truth = [dict(zip(cases.ROLES, cells)) for cells in cases.pdf_rows()]
    for layout, (wrap, widths) in cases.KNOWN_LAYOUTS.items():
        for page_lines in (35, 50):
            out[f"known cells, {layout}, {page_lines} lines a page"] = cases.flatten(
                cases.KNOWN_HEADER, truth, cases.ROLES, widths, wrap, page_lines, seed=page_lines)
    for path in cases.WEB_PLANS:
        header, rows, roles = cases.web_table(path)
        for layout, (wrap, widths) in cases.WEB_WIDTHS.items():
            out[f"{path.stem}, {layout}"] = cases.flatten(header, rows, roles, widths, wrap, page_lines=38, seed=7)
    header, rows, roles = cases.web_table(cases.WEB_PLANS[0])
    wrap, widths = cases.WEB_WIDTHS["characters"]
    with_funding = roles[:2] + ("funding",) + roles[2:]
    rows = [{**row, "funding": f"{100 * k} triệu"} for k, row in enumerate(rows, start=1)]
    out["dong-thap-617 with a funding column"] = cases.flatten(
        {**header, "funding": "Kinh phí"}, rows, with_funding, {**widths, "funding": 10}, wrap, page_lines=38)
    return out


def more_tables() -> dict[str, list[Line]]:
    """Name -> the lines of the same cells flattened on pages of other lengths, with more lines merged."""
    out = {}
    truth = [dict(zip(cases.ROLES, cells)) for cells in cases.pdf_rows()]
    for layout, (wrap, widths) in cases.KNOWN_LAYOUTS.items():
        for page_lines, seed in ((30, 3), (42, 4), (60, 5)):
            out[f"known cells, {layout}, {page_lines} lines a page, seed {seed}, 5% merged"] = cases.flatten(
                cases.KNOWN_HEADER, truth, cases.ROLES, widths, wrap, page_lines, merge_rate=0.05, seed=seed)
    for path in cases.WEB_PLANS:
        header, rows, roles = cases.web_table(path)
        for layout, (wrap, widths) in cases.WEB_WIDTHS.items():
            for page_lines, seed in ((25, 11), (50, 12), (30, 13)):
                out[f"{path.stem}, {layout}, {page_lines} lines a page, seed {seed}, 5% merged"] = cases.flatten(
                    header, rows, roles, widths, wrap, page_lines=page_lines, merge_rate=0.05, seed=seed)
    return out


def parsed_tables() -> dict[str, list[Line]]:
    """Name -> the lines of each flattened table met while parsing the fixture texts."""
    from parsers.model.errors import DocumentError
    from pipeline.run import parse_document

    seen: list[list[Line]] = []
    segment = current.segment_table

    def spy(lines):
        seen.append(list(lines))
        return segment(lines)

    out = {}
    current.segment_table = spy
    try:
        fixtures = ROOT / "tests" / "fixtures"
        for path in sorted(fixtures.glob("*.txt")) + sorted((fixtures / "legal-db").glob("*.txt")):
            del seen[:]
            try:
                parse_document(path)
            except DocumentError:
                continue
            for k, lines in enumerate(seen):
                out[f"{path.relative_to(fixtures)} table {k + 1}"] = lines
    finally:
        current.segment_table = segment
    return out


def plain(table) -> dict:
    """A table as plain values (each revision of the module has classes of its own)."""
    return {"roles": table.roles,
            "rows": [{role: [(p.text, p.line) for p in pieces] for role, pieces in row.cells.items()}
                     for row in table.rows],
            "header_lines": table.header_lines, "unclaimed": table.unclaimed, "issues": table.issues}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main")
    parser.add_argument("--more", action="store_true")
    parser.add_argument("--texts", action="store_true")
    args = parser.parse_args()
    old = revision(args.ref)
    cases_ = tables()
    if args.more:
        cases_.update(more_tables())
    if args.texts:
        cases_.update(parsed_tables())
    differ = 0
    for name, lines in cases_.items():
        a, b = plain(old.segment_table(lines)), current.segment_table(lines)
        same = a == plain(b)
        differ += not same
        cells = sum(len(row.cells) for row in b.rows)
        print(f"{'same' if same else 'DIFFERENT':9} {name}: {len(b.rows)} rows, {cells} cells, {len(b.issues)} issues")
        if not same:
            for field in ("roles", "rows", "header_lines", "unclaimed", "issues"):
                if a[field] != plain(b)[field]:
                    print(f"          {field} differ")
    print(f"{len(cases_) - differ} of {len(cases_)} tables the same as at {args.ref}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
