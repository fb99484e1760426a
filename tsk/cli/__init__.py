"""The command line: thin Typer commands over the library. Each parses its options, calls
one function of the core, and prints. `TskGroup.main` is the one place that turns errors
into `Error: …` on stderr and the exit codes of CLI.md; no traceback reaches the user."""

from __future__ import annotations

import signal
import sqlite3
import sys
from typing import Annotated, Any, Optional

import typer

# typer 0.28 vendors Click and exports no public name for the error that shows a group's help
# when it is run bare; its base classes are public (typer.TyperException).
from typer._click.exceptions import NoArgsIsHelpError
from typer.core import TyperGroup
from typer.models import DefaultPlaceholder, TyperInfo

from tsk import __version__
from tsk.cli import calendar as cli_calendar
from tsk.cli import complaints
from tsk.cli import config as cli_config
from tsk.cli import exchange as cli_exchange
from tsk.cli import overdue as cli_overdue
from tsk.cli import policy as cli_policy
from tsk.cli import reports as cli_reports
from tsk.cli.common import State, err
from tsk.errors import TskError


class TskGroup(TyperGroup):
    """Runs the command and maps every failure to one stderr line and an exit code: each
    error carries its code (TskError's, Click's), none is recognised by its name."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except TskError as exc:
            err(f"Error: {exc}")
            sys.exit(exc.exit_code)
        except NoArgsIsHelpError as exc:  # `tsk`, `tsk report`: the help, on stderr
            exc.show()
            sys.exit(exc.exit_code)
        except typer.TyperException as exc:  # Click's usage errors (exit 2) and the like
            err(f"Error: {exc.format_message()}")
            sys.exit(exc.exit_code)
        except typer.Abort:  # end of input at a prompt
            err("Error: aborted")
            sys.exit(1)
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
                err("Error: the disk is full (the ledger's or its temporary files'): nothing was written; "
                    "free some space and run the command again")
            else:
                err(f"Error: ledger database: {exc}")
            sys.exit(1)
        except Stopped as exc:
            if sys.stderr.isatty():  # off the line a prompt or the terminal's ^C left
                err("")
            err(f"Error: {'interrupted' if exc.signum == signal.SIGINT else 'terminated'}")
            sys.exit(128 + exc.signum)
        except Exception as exc:
            if not is_server_database_error(exc):
                raise
            err(f"Error: database: {str(exc).splitlines()[0]}")
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


class Stopped(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM, raised in the main thread so an open transaction rolls back
    on its way out; a BaseException, so no `except Exception` keeps it, and not Python's
    KeyboardInterrupt, which Typer turns into a silent exit 130."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def on_signal(signum: int, frame: Any) -> None:
    signal.signal(signum, signal.SIG_IGN)  # once: a second one must not cut the rollback short
    raise Stopped(signum)


def is_server_database_error(exc: Exception) -> bool:
    """An error of SQLAlchemy (PostgreSQL ledgers). Only a ledger opened through it can raise
    one, so it is loaded by then; importing it just to catch its errors would cost ~0.3 s."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


app = typer.Typer(
    cls=TskGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="tsk — the customer-complaint ledger (客户投诉处理台账).",
)


def version_callback(value: bool) -> None:
    if value:
        print(f"tsk {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", metavar="PATH_OR_URL", help="Ledger file path or postgresql:// URL (else $TSK_DB, else ~/.local/share/tsk/ledger.db).")] = None,
    as_: Annotated[Optional[str], typer.Option("--as", metavar="NAME", help="Actor recorded on every event (else $TSK_USER, else the login name).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version.")] = False,
) -> None:
    ctx.obj = State(db, as_)


# The order of `tsk --help`: the complaint's life above, then the daily lists, reports, data
# exchange, and the ledger's own settings.
# Every command module is a Typer app of its own: the top-level commands merged in (no name),
# the groups under theirs.
app.add_typer(complaints.app)
app.add_typer(cli_overdue.app)
app.add_typer(cli_exchange.app)
app.add_typer(cli_reports.app, name="report")
app.add_typer(cli_calendar.app, name="calendar")
app.add_typer(cli_config.app, name="config")
app.add_typer(cli_policy.app, name="policy")


ROOT_OPTIONS_WITH_VALUE = ("--db", "--as")


def invoked_command(argv: list[str]) -> str | None:
    """The command a command line names, past the root options; None for --help and the like."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ROOT_OPTIONS_WITH_VALUE:
            index += 2
        elif arg.split("=", 1)[0] in ROOT_OPTIONS_WITH_VALUE:
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def command_name(info) -> str:
    """A command's name as Typer gives it: its own, else the function's, with dashes."""
    return info.name or info.callback.__name__.lower().replace("_", "-")


def group_name(info: TyperInfo) -> str | None:
    """The name a module was added under; None for one merged in (for a name not given, Typer
    keeps a DefaultPlaceholder, not None)."""
    return None if isinstance(info.name, DefaultPlaceholder) else info.name


def only(name: str) -> list[TyperInfo]:
    """The registered group (or the merged module) holding command `name`, and nothing else:
    Typer inspects every registered function's signature when it builds the app, ~1 ms
    each, paid on every run for nothing. Empty for an unknown name."""
    kept = []
    for group in app.registered_groups:
        if group_name(group) is not None:
            if group_name(group) == name:
                kept.append(group)
            continue
        commands = [c for c in group.typer_instance.registered_commands if command_name(c) == name]  # type: ignore[union-attr]
        if commands:
            module = typer.Typer()
            module.registered_commands = commands
            kept.append(TyperInfo(module))
    return kept


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):  # `signal` is loaded already (by Click)
        signal.signal(signum, on_signal)
    name = invoked_command(sys.argv[1:])
    groups = only(name) if name is not None else []
    if groups:  # an unknown name keeps everything, for Click's "No such command"
        app.registered_groups = groups
    app(prog_name="tsk")
