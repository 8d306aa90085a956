"""The `plan-parse` command: a thin shell over `pipeline.batch.runner` and the parsers.

Exit status: 0 done, 1 some file could not be parsed (or written), 2 the
command was misused (a bad option, an output that is not the pipeline's).
Every message is one line; file names are shown escaped when they hold
characters that would break a line.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypedDict

import click

from parsers.model.errors import DocumentError

# What every command needs, and nothing heavier: `--version`, `--help` and `dates` start without pandas,
# pyarrow, numpy, the PDF readers or Dask; `parse` and `report` import what they use when they run.
from pipeline.batch.engines import DEFAULT_LIMITS, ENGINES, Limits
from pipeline.sources import text_name
from pipeline.storage.store.records import LAYOUTS
from pipeline.version import VERSION

if TYPE_CHECKING:
    from pipeline.batch.runner import BatchReport, FileResult

MISUSE = 2  # click's own status for a usage error, kept for every misuse


def shown(name: object) -> str:
    """A name for a terminal line: as it is when printable, else quoted with escapes (`'a\\nb.pdf'`).

    Bytes of a file name that are not UTF-8 are shown as `\\xNN`, as in the tables."""
    text = text_name(name) if isinstance(name, (str, Path)) else str(name)
    return text if text.isprintable() else repr(text)


def _fail(message: str, status: int = MISUSE) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


class OneLineGroup(click.Group):
    """click's group, with a usage error told in one line instead of the usage text and a hint."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "plan-parse"
            _fail(f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("aborted", 1)
        sys.exit(status if isinstance(status, int) else 0)


def _one_line_warnings(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"warning: {message}", err=True)


@click.group(cls=OneLineGroup)
@click.version_option(version=VERSION, prog_name="plan-parse")
def main() -> None:
    """Parse Vietnamese local-government plan documents into Parquet tables."""
    warnings.showwarning = _one_line_warnings
    # pdfminer logs what it makes of a broken file (`Invalid MediaBox …`) on a line naming no file; the
    # file's own error line, or its rows, say what became of it.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _describe(result: FileResult) -> str | None:
    if result.status == "failed":
        return None
    if result.status == "duplicate":
        assert result.summary is not None, result  # a duplicate's summary names the input it copies
        return f"skipped {shown(result.path)}: same content as {shown(result.summary['duplicate_of'])}"
    if result.status == "unchanged":
        return None
    s, c = result.summary, result.counts
    assert s is not None and c is not None, result  # a parsed file has its documents row and rows per table
    return (
        f"parsed  {shown(result.path)}  [{'+'.join(s['parts'])}] "
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
    lines.append(f"tables in {shown(out_dir)}/ "
                 f"({'a new version written' if report.written else 'unchanged, nothing written'})")
    return lines


class _RunOptions(TypedDict):
    """The options of `run_batch` that `parse` passes on."""

    workers: int
    force: bool
    engine: str
    scheduler: str | None
    layout: str
    limits: Limits


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", default="data/processed", show_default=True,
              help="Folder for the tables: new, empty, or written by plan-parse before.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to parse with, at most the machine's cores  [default: the machine's cores]")
@click.option("--force", is_flag=True, help="Parse every file again, changed or not.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="local: processes of this machine; dask: a Dask cluster (local, or the one at --scheduler).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With --engine dask: the scheduler of an existing cluster  [default: start a local one]")
@click.option("--layout", type=click.Choice(LAYOUTS), default="single", show_default=True,
              help="single: one Parquet file per table; dataset: a folder of part files per table.")
@click.option("--file-timeout", type=click.FloatRange(min=0), default=DEFAULT_LIMITS.seconds, show_default=True,
              help="Seconds one file may take before it is refused (0: no limit).")
@click.option("--file-memory", type=click.IntRange(min=0), default=DEFAULT_LIMITS.megabytes, show_default=True,
              help="MB of memory one file may use before it is refused (0: no limit).")
def parse(inputs: tuple[str, ...], out_dir: str, workers: int | None, force: bool, engine: str,
          scheduler: str | None, layout: str, file_timeout: float, file_memory: int) -> None:
    """Parse INPUTS (files, folders, or URLs such as s3://bucket/plans/) into OUT_DIR.

    Only new or changed files are parsed; a new version of the tables is
    written only when something changed. Exit status 1 when any file failed;
    2, with nothing written, when an input is missing or an option is wrong.
    """
    from pipeline.batch.engines import BadScheduler, EngineUnavailable
    from pipeline.batch.runner import InputError, check_inputs, run_batch
    from pipeline.run import discover
    from pipeline.storage.store.claims import OutputError

    if scheduler is not None and engine != "dask":
        _fail("--scheduler is for --engine dask")
    if not out_dir:
        _fail("--out is empty: give the folder for the tables")
    out = Path(out_dir)
    try:
        if out.exists() and not out.is_dir():
            _fail(f"--out {shown(out)} is a file, not a folder: give the folder for the tables")
        check_inputs(inputs)
    except InputError as exc:
        _fail(f"{shown(exc.path) if exc.path else repr(exc.path)}: {exc.reason}; nothing was parsed or written")
    except OSError as exc:  # a name the system cannot take (too long, a loop of links)
        _fail(f"{shown(exc.filename or out)}: {exc.strerror or exc}")
    try:
        total = len(discover(inputs))
    except DocumentError as exc:  # a URL that cannot be listed
        _fail(f"{shown(exc.path)}: {exc.reason}", 1)
    if not total:
        _fail("no .pdf or .txt files found in " + ", ".join(map(shown, inputs)), 1)

    cores = os.cpu_count() or 1
    if workers and workers > cores and engine == "local":
        click.echo(f"note: --workers {workers} is more than this machine's {cores} cores; {cores} are used", err=True)
        workers = cores
    options = _RunOptions(workers=workers or cores, force=force, engine=engine, scheduler=scheduler, layout=layout,
                          limits=Limits(file_timeout, file_memory))
    try:
        if sys.stderr.isatty() and total > 1:
            with click.progressbar(length=total, label="parsing", file=sys.stderr, show_pos=True) as bar:
                report = run_batch(inputs, out, on_done=lambda _path: bar.update(1), **options)
        else:
            report = run_batch(inputs, out, **options)
    except (OutputError, BadScheduler) as exc:
        _fail(str(exc))
    except InputError as exc:  # gone since it was checked
        _fail(f"{shown(exc.path)}: {exc.reason}; nothing was parsed or written")
    except EngineUnavailable as exc:
        _fail(str(exc))
    except OSError as exc:  # the output folder cannot be written: no room, no permission, a name too long
        _fail(f"{shown(exc.filename or out)}: {exc.strerror or exc}", 1)

    for result in report.results:
        line = _describe(result)
        if line:
            click.echo(line)
    for result in report.failed:
        assert result.error is not None, result  # a failed file has its `errors` row
        click.echo(f"error: {shown(result.path)}: {shown(result.error['message'])}", err=True)
    for line in _summary(report, out):
        click.echo(line)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("texts", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="The plan year, for periods that name none (`Quý II`).")
def dates(texts: tuple[str, ...], year: int | None) -> None:
    """Read Vietnamese deadlines: one JSON object per milestone per line.

    Keys: input (which of TEXTS, from 1), text (the milestone's own words), kind, start, end (ISO dates
    or null), action, seq.
    Put `--` before texts that begin with a dash: `plan-parse dates -- "- Quý I/2021"`.
    """
    import json

    from parsers.facts.dates import to_json_lines

    for row in to_json_lines(list(texts), year):
        click.echo(json.dumps(row, ensure_ascii=False))


@main.command()
@click.argument("doc_id")
@click.option("--data", "data_dir", default="data/processed", show_default=True, help="Folder of the parsed tables.")
@click.option("--out", "out_file", required=True, help="The HTML file to write.")
@click.option("--force", is_flag=True, help="Overwrite OUT even when it is not a review page.")
def report(doc_id: str, data_dir: str, out_file: str, force: bool) -> None:
    """Write the review page of one document (DOC_ID or a unique prefix of it): one self-contained HTML file."""
    from pipeline.report.page import is_review_page, write_report
    from pipeline.storage.store.readers import DamagedTable, NoTables

    if not out_file:
        _fail("--out is empty: give the HTML file to write")
    out = Path(out_file)
    if out.is_dir():
        _fail(f"--out {shown(out)} is a folder: give the HTML file to write")
    if os.path.lexists(out) and not out.is_file():
        _fail(f"--out {shown(out)} is not a regular file; it is left as it is")
    if out.is_file() and not force and not is_review_page(out):
        _fail(f"--out {shown(out)} exists and is not a review page: --force to overwrite it")
    if not data_dir or not Path(data_dir).is_dir():
        _fail(f"--data {shown(data_dir) if data_dir else repr(data_dir)}: no such folder")
    try:
        written = write_report(data_dir, doc_id, out)
    except KeyError as exc:
        _fail(shown(exc.args[0]), 1)
    except (DamagedTable, NoTables, ValueError) as exc:
        _fail(shown(exc), 1)
    except OSError as exc:
        _fail(f"{shown(exc.filename or out)}: {exc.strerror or exc}", 1)
    click.echo(f"wrote {shown(written)}")
