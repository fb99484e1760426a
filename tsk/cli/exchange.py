"""`tsk export` and `tsk import`: thin commands over `tsk.exchange` (imported when run)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Annotated, Literal

import typer

from tsk import messages as msg
from tsk.cli.common import (
    AssigneeFilter,
    CategoryFilter,
    SinceFilter,
    StatusOption,
    UnitFilter,
    UntilFilter,
    err,
    error_line,
    ledger_of,
    say,
)
from tsk.cli.files import OutputOption, output, refuse_workbook_on_terminal, to_stdout

app = typer.Typer()

PROGRESS_MIN_BYTES = 8 << 20  # a bar only for files that take a while


@app.command("export")
def export_(
    ctx: typer.Context,
    fmt: Annotated[Literal["csv", "json", "jsonl", "xlsx"], typer.Option("--format", "-f", help="csv, json (one list), jsonl (an object a line), or xlsx for Excel and WPS (a workbook: Chinese headings, ID numbers and phones as text, dates as dates; give -o FILE, or redirect it; never to a terminal).")] = "csv",
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Unmasked phone, ID number, email and address (recorded); needed for a lossless import.")] = False,
    excel: Annotated[bool, typer.Option("--excel", help="CSV for people in Excel and WPS: UTF-8 with BOM, CRLF line ends, a ' before any text a spreadsheet would run as a formula (= + - @ tab CR); import takes it off again.")] = False,
    status: StatusOption = "all",
    unit: UnitFilter = None,
    assignee: AssigneeFilter = None,
    category: CategoryFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output_path: OutputOption = None,
) -> None:
    """Every field of every complaint, in ref order, for scripts and spreadsheets."""
    from tsk import listing
    from tsk.exchange import export

    filters = listing.Filters.parse(status=status, unit=unit, assignee=assignee, category=category,
                                    since=since, until=until)
    if fmt == "xlsx":
        refuse_workbook_on_terminal(output_path)
    ledger = ledger_of(ctx)
    with output(output_path, binary=fmt == "xlsx") as out:
        count = export.export(ledger, filters, out, fmt=fmt, show_pii=show_pii, excel=excel)
    if not to_stdout(output_path):
        err((msg.EXPORTED if show_pii else msg.EXPORTED_MASKED)(count=count, path=output_path))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="A CSV, JSON, JSON-lines or Excel (.xlsx) export; - for standard input.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, write nothing.")] = False,
) -> None:
    """Load an export: every row is checked first; all are written, or none."""
    from tsk.exchange import imports

    ledger = ledger_of(ctx, create=True)
    try:
        with _progress(file) as progress:
            result = imports.import_file(ledger, file, dry_run=dry_run, progress=progress)
    except imports.ImportFailed as failed:
        for problem in failed.problems:
            err(error_line(problem))
        raise
    if result.dry_run:
        say(msg.IMPORT_DRY_RUN(count=result.count, source=result.source))
    elif result.computed_deadlines:
        say(msg.IMPORTED_COMPUTED(count=result.count, source=result.source, computed=result.computed_deadlines))
    else:
        say(msg.IMPORTED(count=result.count, source=result.source))


@contextmanager
def _progress(file: str):
    """A rich progress bar on a terminal's stderr, for large files only; else no callback."""
    try:
        size = os.path.getsize(file) if file != "-" else 0
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=size)
        yield lambda done, total: bar.update(task, completed=done)
