"""`tsk export` and `tsk import`: thin commands over `tsk.exchange` (imported when run)."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Annotated, Literal, Optional, TextIO

import typer

from tsk.cli.common import (
    AssigneeFilter,
    CategoryFilter,
    SinceFilter,
    StatusOption,
    UnitFilter,
    UntilFilter,
    err,
    ledger_of,
)
from tsk.errors import TskError, named

app = typer.Typer()

PROGRESS_MIN_BYTES = 8 << 20  # a bar only for files that take a while


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """UTF-8 text with no newline translation: a file (owner-only: it names customers) or stdout."""
    if path and path != "-":
        target = os.path.realpath(path)
        if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):  # /dev/null, a pipe
            with _opened(path, target, os.O_WRONLY | os.O_TRUNC) as out:
                yield out
            return
        # Whole or not at all: a temporary file beside FILE, synced, then renamed over it, so a
        # full disk or an interrupted export leaves an earlier FILE as it was.
        temp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.getpid()}.tmp")
        try:
            with _opened(path, temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL) as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)
    try:
        yield out
        out.flush()
    except BrokenPipeError:  # `tsk export | head`: the reader has had enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as exc:  # `tsk export > file` on a full disk
        raise TskError(f"cannot write to standard output: {exc.strerror}") from None
    finally:
        try:
            out.detach()
        except (ValueError, OSError):
            pass


@contextmanager
def _opened(path: str, name: str, flags: int) -> Iterator[TextIO]:
    """The file `name` (for FILE `path`) as text; a failure to open or write it is one error
    line naming FILE and the cause (a full disk: "No space left on device")."""
    try:
        with open(os.open(name, flags, 0o600), "w", encoding="utf-8", newline="") as out:
            yield out
    except OSError as exc:
        raise TskError(f"cannot write {named(path)}: {exc.strerror}") from None


@app.command("export")
def export_(
    ctx: typer.Context,
    fmt: Annotated[Literal["csv", "json", "jsonl"], typer.Option("--format", "-f", help="csv, json (one list) or jsonl (an object a line).")] = "csv",
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Unmasked phone, ID number, email and address (recorded); needed for a lossless import.")] = False,
    excel: Annotated[bool, typer.Option("--excel", help="CSV for people in Excel and WPS: UTF-8 with BOM, CRLF line ends, a ' before any text a spreadsheet would run as a formula (= + - @ tab CR); import takes it off again.")] = False,
    status: StatusOption = "all",
    unit: UnitFilter = None,
    assignee: AssigneeFilter = None,
    category: CategoryFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    output_path: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (default: standard output).")] = None,
) -> None:
    """Every field of every complaint, in ref order, for scripts and spreadsheets."""
    from tsk import listing
    from tsk.exchange import export

    filters = listing.Filters.parse(status=status, unit=unit, assignee=assignee, category=category,
                                    since=since, until=until)
    ledger = ledger_of(ctx)
    with _output(output_path) as out:
        count = export.export(ledger, filters, out, fmt=fmt, show_pii=show_pii, excel=excel)
    if output_path and output_path != "-":
        err(f"exported {count} complaint(s) to {output_path}" + ("" if show_pii else " (phone, ID number, email and address masked)"))

@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="A CSV, JSON or JSON-lines export; - for standard input.")],
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
            err(f"Error: {problem}")
        raise
    if result.dry_run:
        print(f"dry run: {result.count} complaint(s) in {result.source} would be imported; nothing was written")
    else:
        print(f"imported {result.count} complaint(s) from {result.source}"
              + (f"; deadlines computed for {result.computed_deadlines} open complaint(s)"
                 if result.computed_deadlines else ""))


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
