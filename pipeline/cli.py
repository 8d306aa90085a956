"""The `plan-parse` command: a thin shell over `pipeline.run`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .run import Outcome, parse_paths
from .write import write_tables


@click.group()
@click.version_option(package_name="vn-plan-pipeline")
def main() -> None:
    """Parse Vietnamese local-government plan documents into Parquet tables."""


def _report(outcome: Outcome) -> None:
    if not outcome.ok:
        click.echo(f"error: {outcome.error['source_path']}: {outcome.error['message']}", err=True)
        return
    s = outcome.summary
    if "duplicate_of" in s:
        click.echo(f"skipped {outcome.path}: same content as {s['duplicate_of']}")
        return
    c = s["counts"]
    click.echo(
        f"parsed  {outcome.path}  [{'+'.join(s['parts'])}] "
        f"{c['articles']} articles, {c['objectives']} objectives, {c['tasks']} tasks, "
        f"{c['warnings']} warnings; outline coverage {s['coverage']:.1%} "
        f"({s['lines_in_outline']}/{s['lines_total'] - s['lines_layout']} text lines; "
        f"{s['lines_layout']} layout lines in residual)"
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="data/processed", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the Parquet tables (one <table>.parquet per table).")
@click.option("--debug", is_flag=True, help="Print the traceback of a parser bug.")
def parse(inputs: tuple[Path, ...], out_dir: Path, debug: bool) -> None:
    """Parse INPUTS (files, or folders of .pdf and .txt files) into OUT_DIR."""
    missing = [p for p in inputs if not p.exists()]
    for p in missing:
        click.echo(f"error: {p}: no such file or folder", err=True)
    batch = parse_paths([p for p in inputs if p.exists()], on_outcome=_report, debug=debug)
    if not batch.outcomes and not missing:
        click.echo("error: no .pdf or .txt files found in " + ", ".join(map(str, inputs)), err=True)
        sys.exit(1)
    write_tables(batch.tables, out_dir)
    ok = len(batch.outcomes) - len(batch.failed)
    click.echo(f"{ok} parsed, {len(batch.failed) + len(missing)} failed; tables in {out_dir}/")
    if batch.failed or missing:
        sys.exit(1)
