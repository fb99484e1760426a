"""What every command module shares: stderr messages, the ledger of the invocation, and the
options and arguments several commands take, each with a metavar that says what it wants."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Literal

import typer

from tsk import messages as msg
from tsk import timeutil
from tsk.vocab import CATEGORY, STATUS, Vocab

EXIT_OVERDUE = 3

DATE_FORMS = f"{timeutil.DATE_FORMS} (Asia/Shanghai)"


def err(message: msg.Said | str) -> None:
    """A line on stderr (a warning, a notice, an error), in the language of the run."""
    print(msg.shown(message), file=sys.stderr, flush=True)


def say(message: msg.Said) -> None:
    """A line on stdout (a confirmation, a summary), in the language of the run."""
    print(message.shown())


def error_line(message: msg.Said | str) -> str:
    """An error as the command line shows it: `Error:` (in every language: scripts look for it)
    and the message in the language of the run."""
    return f"Error: {msg.shown(message)}"


def reader_gone(fd: int) -> None:
    """The reader of a pipe has had enough (`tsk overdue | head -1`): what is still to be written
    to `fd`, and the flush at exit, go to /dev/null, silently."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class State:
    """What the root options chose; the ledger is opened on first use."""

    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db = db
        self.actor = actor
        self._ledger: Any = None

    def ledger(self, *, create: bool = False, right: Any = None):
        if self._ledger is None:
            from tsk.context import Ledger

            self._ledger = Ledger.open(self.db, self.actor, warn=err, create=create, right=right)
        return self._ledger


def ledger_of(ctx: typer.Context, *, create: bool = False):
    """The invocation's ledger. It must exist unless `create` (`add`, `import`): see
    `tsk.context.Ledger.open`. It knows the right its command needs (`tsk.rights.right_of`),
    which a refusal by PostgreSQL names."""
    from tsk.store.db import is_server, resolve_location

    state = ctx.find_root().obj
    right = None
    if is_server(resolve_location(state.db)):  # only a server refuses by role: a SQLite file's guard is its mode
        from tsk.rights import right_of

        right = right_of(command_of(ctx), bool(ctx.params.get("show_pii")))
    return state.ledger(create=create, right=right)


def command_of(ctx: typer.Context) -> str:
    """The command a context runs, as `tsk.rights` names it: `extend`, `calendar set`."""
    names = []
    found: Any = ctx
    while found.parent is not None:
        names.append(found.info_name or "")
        found = found.parent
    return " ".join(reversed(names))


def calendar_of(ctx: typer.Context):
    """The calendar the ledger keeps (with its local corrections), or, with no ledger there,
    the published one: the calendar commands that only compute need no ledger."""
    from tsk.store.db import missing_file, resolve_location

    if missing_file(resolve_location(ctx.find_root().obj.db)) is None:
        return ledger_of(ctx).calendar
    from tsk.workdays import build_calendar, unpublished_warning

    return build_calendar((), (), on_unpublished=lambda year: err(unpublished_warning(year)))


def one_of(table: Vocab, what: str, *, also: str = "") -> str:
    """The help of an option taking a value of `table`: its keys with their Chinese labels,
    either of which is accepted (the table checks the value, so help and check agree)."""
    return f"{what}: " + ", ".join(f"{key}/{label}" for key, label in table.entries) + also + "."


# `--format` declares the formats of its command: help and validation come from the Literal.
FormatOption = Annotated[Literal["table", "csv", "json"], typer.Option(
    "--format", "-f", help="table for people; csv (a header row) or json for scripts.")]
AtOption = Annotated[str | None, typer.Option(
    "--at", metavar="DATE", help=f"When it happened (default now): {DATE_FORMS}; not in the future nor before receipt.")]
RefArgument = Annotated[str, typer.Argument(metavar="REF", help="The complaint, e.g. TS-2026-000123.")]
# Every command that handles or decides a complaint refuses whoever has a direct interest in it
# (回避, lifecycle.recusal) unless given this.
OverrideOption = Annotated[str | None, typer.Option(
    "--override-recusal", metavar="REASON", help="Why someone with a direct interest (回避) may do it anyway (recorded).")]
YearArgument = Annotated[int, typer.Argument(metavar="YEAR", help="Like 2027.", min=timeutil.FIRST_YEAR,
                                                                  max=timeutil.LAST_YEAR)]

# The filters of `list` and `export`.
StatusOption = Annotated[str, typer.Option(metavar="STATUS", help=one_of(STATUS, "Only this status", also=", or all"))]
UnitFilter = Annotated[str | None, typer.Option(metavar="UNIT", help="Only this unit.")]
AssigneeFilter = Annotated[str | None, typer.Option(metavar="NAME", help="Only this handler.")]
CategoryFilter = Annotated[str | None, typer.Option(metavar="CATEGORY", help=one_of(CATEGORY, "Only this category"))]
SinceFilter = Annotated[str | None, typer.Option(metavar="DATE", help=f"Received on or after this date: {DATE_FORMS}.")]
UntilFilter = Annotated[str | None, typer.Option(metavar="DATE", help="Received on or before this date.")]
