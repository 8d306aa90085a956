"""The `plan-parse` command: a thin shell over `pipeline.batch` and the parsers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .batch import BatchReport, FileResult, run_batch
from .run import discover


@click.group()
@click.version_option(package_name="vn-plan-pipeline")
def main() -> None:
    """Parse Vietnamese local-government plan documents into Parquet tables."""


def _describe(result: FileResult) -> str | None:
    if result.status == "failed":
        return None
    if result.status == "duplicate":
        return f"skipped {result.path}: same content as {result.summary['duplicate_of']}"
    if result.status == "unchanged":
        return None
    s, c = result.summary, result.counts
    return (
        f"parsed  {result.path}  [{'+'.join(s['parts'])}] "
        f"{c['articles']} articles, {c['objectives']} objectives, {c['tasks']} tasks, "
        f"{c['appendix_rows']} appendix rows, {c['warnings']} warnings; outline coverage {s['coverage']:.1%} "
        f"({s['lines_in_outline']}/{s['lines_total'] - s['lines_layout']} text lines; "
        f"{s['lines_layout']} layout lines in residual)"
    )


def _summary(report: BatchReport, out_dir: Path) -> list[str]:
    docs = [r.summary for r in report.results if r.summary and "coverage" in r.summary]
    lines = [
        f"{report.count('parsed')} parsed, {report.count('unchanged')} unchanged, "
        f"{len(report.failed)} failed, {report.count('duplicate')} duplicates in {report.seconds:.1f}s",
        "rows: " + ", ".join(f"{name} {n}" for name, n in report.rows_per_table.items()),
    ]
    if docs:
        shares = [d["coverage"] for d in docs]
        lines.append(f"outline coverage: lowest {min(shares):.1%}, mean {sum(shares) / len(shares):.1%} "
                     f"over {len(docs)} documents")
    lines.append(f"tables in {out_dir}/ ({'rewritten' if report.written else 'unchanged, nothing written'})")
    return lines


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="data/processed", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the Parquet tables (one <table>.parquet per table).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to parse with  [default: the machine's cores]")
@click.option("--force", is_flag=True, help="Parse every file again, changed or not.")
def parse(inputs: tuple[Path, ...], out_dir: Path, workers: int | None, force: bool) -> None:
    """Parse INPUTS (files, or folders of .pdf and .txt files) into OUT_DIR.

    Only new or changed files are parsed; the tables are rewritten only when
    something changed. Exit status 1 when any file failed.
    """
    missing = [p for p in inputs if not p.exists()]
    for p in missing:
        click.echo(f"error: {p}: no such file or folder", err=True)
    files = discover(p for p in inputs if p.exists())
    total = len(files)
    if not total and not missing:
        click.echo("error: no .pdf or .txt files found in " + ", ".join(map(str, inputs)), err=True)
        sys.exit(1)

    if sys.stderr.isatty() and total > 1:
        with click.progressbar(length=total, label="parsing", file=sys.stderr, show_pos=True) as bar:
            report = run_batch(files, out_dir, workers=workers or os.cpu_count(), force=force,
                               on_done=lambda _path: bar.update(1))
    else:
        report = run_batch(files, out_dir, workers=workers or os.cpu_count(), force=force)

    for result in report.results:
        line = _describe(result)
        if line:
            click.echo(line)
    for result in report.failed:
        click.echo(f"error: {result.path}: {result.error['message']}", err=True)
    for line in _summary(report, out_dir):
        click.echo(line)
    if report.failed or missing:
        sys.exit(1)


@main.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="The plan year, for periods that name none (`Quý II`).")
def dates(texts: tuple[str, ...], year: int | None) -> None:
    """Read Vietnamese deadlines: one JSON object per milestone per line.

    Keys: text (the input), kind, start, end (ISO dates or null), action, seq.
    Put `--` before texts that begin with a dash: `plan-parse dates -- "- Quý I/2021"`.
    """
    import json

    from parsers.dates import to_json_lines

    for row in to_json_lines(list(texts), year):
        click.echo(json.dumps(row, ensure_ascii=False))


@main.command()
@click.argument("doc_id")
@click.option("--data", "data_dir", default="data/processed", show_default=True, type=click.Path(path_type=Path),
              help="Folder of the parsed tables.")
@click.option("--out", "out_file", required=True, type=click.Path(path_type=Path), help="The HTML file to write.")
def report(doc_id: str, data_dir: Path, out_file: Path) -> None:
    """Write the review page of one document (DOC_ID or a unique prefix of it): one self-contained HTML file."""
    from .report import write_report

    try:
        written = write_report(data_dir, doc_id, out_file)
    except KeyError as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(1)
    click.echo(f"wrote {written}")
