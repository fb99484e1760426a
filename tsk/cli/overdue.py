"""`tsk overdue` and `tsk check`: thin commands over `tsk.overdue` (imported when run: it
reads the calendar, which other commands need not load)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from tsk import timeutil
from tsk.cli.common import DATE_FORMS, EXIT_OVERDUE, FormatOption, ledger_of, say
from tsk.render import output
from tsk.render.output import Column
from tsk.vocab import CLOCK

app = typer.Typer()

AsOfOption = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="DATE", help=f"Count lateness as of this date or time (default today so far): {DATE_FORMS}; a "
                                    "date alone means its end, a time its minute (due 09:00 is late as of 09:00); "
                                    "a future one is a what-if.")]


@app.command("overdue")
def overdue(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    within: Annotated[Optional[int], typer.Option(
        "--within", metavar="N", help="Also list clocks due within N working days after --as-of (0: due that day).",
        min=0, max=timeutil.LONGEST_PERIOD)] = None,
    fail: Annotated[bool, typer.Option("--fail", help="Exit 3 when any clock is past due.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Past-due clocks (ack, resolution, cap, regulator report, 处理表 form, 督办表 supervision, referral),
    most urgent first; due today is not late."""
    from tsk import overdue as lib

    when = lib.parse_as_of(as_of)
    listing = lib.clock_rows(ledger_of(ctx), when, within)  # a stream: written as it is read
    if fmt == "table":
        output.render_table(listing.rows, table_columns(), row_style=lambda r: "red" if r["overdue"] else "yellow",
                            skip_empty=True)
        say(listing.summary())
    else:
        output.emit(listing.rows, JSON_COLUMNS, fmt)
    if fail and listing.overdue:
        raise typer.Exit(EXIT_OVERDUE)


@app.command("check")
def check(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would lapse and be escalated; record nothing.")] = False,
) -> None:
    """The nightly job: record each newly overdue clock once, escalate its complaint one level,
    print one summary line; exit 3 when anything is overdue. Running it again changes nothing.
    A future --as-of is a what-if: nothing is recorded."""
    from tsk import overdue as lib

    when = lib.parse_as_of(as_of)
    result = lib.check(ledger_of(ctx), when, dry_run=dry_run)
    say(result.summary())
    sys.stdout.flush()
    if result.overdue:
        raise typer.Exit(EXIT_OVERDUE)


STATE_ZH = {"overdue": "逾期", "due-today": "今日到期", "due-soon": "即将到期"}


def lateness(working_days_late: int) -> str:
    """The 逾期 cell: working days late, or for a clock not yet due how many working days until
    it is (`3 日后`), never a bare negative number. JSON and CSV keep the number."""
    return f"{-working_days_late} 日后" if working_days_late < 0 else str(working_days_late)


JSON_COLUMNS = [Column(key, key) for key in (
    "ref", "clock", "due", "working_days_late", "overdue", "state", "assignee", "assignee_unit", "unit", "level",
    "severity", "status", "direct", "customer_name", "flags")]


def table_columns():
    """The morning table: what, when, how late, whose; the state in words as well as colour
    (red overdue, yellow due soon) for terminals without colour. On a narrow terminal the
    severity, level, state, flags and handler are left out in that order (`drop`): an 80-column
    terminal keeps ref, clock, due date, lateness and unit whole."""
    from tsk import views

    return [
        Column("ref", "编号", no_wrap=True),
        Column("clock", "时限", CLOCK.label, no_wrap=True),
        Column("due", "到期日", timeutil.due_shown, no_wrap=True),
        Column("working_days_late", "逾期", lateness, justify="right"),
        Column("state", "状态", STATE_ZH.get, no_wrap=True, drop=3),
        Column("level", "级别", justify="right", drop=4),
        Column("severity", "程度", views.severity_label, no_wrap=True, drop=5),
        Column("unit", "单位"),
        Column("assignee", "处理人", drop=1),
        Column("flags", "标记", views.flags_label, drop=2),
    ]
