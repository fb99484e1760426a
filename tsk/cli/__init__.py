"""The command line: thin Typer commands over the library. Each parses its options, calls
one function of the core, and prints. `TskGroup.main` is the one place that turns errors
into `Error: …` on stderr and its exit code (README, Commands); no traceback reaches the user."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Annotated, Any, Optional

import typer

# typer 0.28 vendors Click and exports no public name for the error that shows a group's help
# when it is run bare; its base classes are public (typer.TyperException).
from typer._click.exceptions import NoArgsIsHelpError
from typer.core import TyperGroup

from tsk import __version__
from tsk import messages as msg
from tsk.cli.common import State, err, error_line, reader_gone
from tsk.errors import TskError, cut_values


class TskGroup(TyperGroup):
    """Runs the command and maps every failure to one stderr line and an exit code: each
    error carries its code (TskError's, Click's), none is recognised by its name."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        before = msg.use(msg.chosen(os.environ))  # the language of this run (README, Language)
        try:
            return self._main(*args, standalone_mode=standalone_mode, **kwargs)
        finally:
            msg.use(before)

    def _main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        given = kwargs.pop("args", args[0] if args else None)
        args = args[1:]
        argv = hoisted(sys.argv[1:] if given is None else list(given))
        unreadable = not_text(argv)
        if unreadable:
            err(error_line(msg.NOT_UTF8_ARGUMENT(what=unreadable)))
            sys.exit(2)
        try:
            result = super().main(argv, *args, standalone_mode=False, **kwargs)  # type: ignore[misc]  # args never holds it
        except TskError as exc:
            err(error_line(exc.said))
            sys.exit(exc.exit_code)
        except NoArgsIsHelpError as exc:  # `tsk`, `tsk report`: the help, on stderr
            exc.show()
            sys.exit(exc.exit_code)
        except typer.TyperException as exc:  # Click's usage errors (exit 2) and the like
            err(error_line(usage_error(exc)))
            sys.exit(exc.exit_code)
        except typer.Abort:  # end of input at a prompt
            err(error_line(msg.ABORTED()))
            sys.exit(1)
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
                err(error_line(msg.DISK_FULL()))
            else:
                err(error_line(msg.LEDGER_DATABASE(reason=str(exc))))
            sys.exit(1)
        except Stopped as exc:
            if sys.stderr.isatty():  # off the line a prompt or the terminal's ^C left
                err("")
            err(error_line(msg.INTERRUPTED() if exc.signum == signal.SIGINT else msg.TERMINATED()))
            sys.exit(128 + exc.signum)
        except Exception as exc:
            if not is_server_database_error(exc):
                raise
            # Its first line only: PostgreSQL's DETAIL may quote a row, personal data included.
            err(error_line(msg.DATABASE_ERROR(reason=(str(exc).strip().splitlines() or [type(exc).__name__])[0])))
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def usage_error(exc: Any) -> msg.Said | str:
    """Click's usage error as one line: in Chinese when the run speaks it and the error is one
    of those `tsk.cli.usage` knows (missing, invalid or unknown option, unknown command…), else
    Click's English; values cut as `echo` cuts them."""
    if msg.language() == "zh":
        from tsk.cli.usage import said  # only for a usage error in a Chinese run

        found = said(exc)
        if found is not None:
            return found
    return cut_values(exc.format_message())


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


def not_text(argv: list[str]) -> msg.Said | str | None:
    """What names the first argument (or ledger setting in the environment) that is not text:
    bytes that are not UTF-8 reach Python as surrogate escapes, which neither SQLite nor the
    terminal can take, and a NUL ends a C string. None when all are text."""
    for i, arg in enumerate(argv):
        if not _is_text(arg):
            option = arg.split("=", 1)[0] if arg.startswith("-") else argv[i - 1] if i and argv[i - 1].startswith("-") else ""
            return msg.VALUE_OF(option=option) if option.startswith("-") and _is_text(option) else msg.ARGUMENT_N(n=i + 1)
    for name in ("TSK_DB", "TSK_USER"):
        if not _is_text(os.environ.get(name, "")):
            return f"${name}"
    return None


def _is_text(arg: str) -> bool:
    try:
        arg.encode()
    except UnicodeEncodeError:
        return False
    return "\0" not in arg


def is_server_database_error(exc: Exception) -> bool:
    """An error of psycopg that the store did not turn into a `TskError` (tsk.store.pg). Only a
    PostgreSQL ledger can raise one, so psycopg is loaded by then; importing it just to catch
    its errors would cost ~0.1 s of every command on SQLite."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def version_callback(value: bool) -> None:
    if value:
        print(f"tsk {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", metavar="PATH_OR_URL", help="Ledger file path or postgresql:// URL (else $TSK_DB, else ~/.local/share/tsk/ledger.db).")] = None,
    as_: Annotated[Optional[str], typer.Option("--as", metavar="NAME", help="Actor recorded on every event of a SQLite ledger (else $TSK_USER, else the login name); on PostgreSQL the database user, and --as is an error.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version.")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Long output on a terminal straight to it, not through $PAGER (less -FRX).")] = False,
) -> None:
    ctx.obj = State(db, as_)  # --no-pager is acted on before the command runs (`start_pager`)


def new_root() -> typer.Typer:
    """The root command, with its options and no command module yet."""
    root_app = typer.Typer(
        cls=TskGroup,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},  # every command's context inherits it
        add_completion=True,  # --install-completion, --show-completion SHELL (Typer loads its completion code anyway)
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        help="tsk — the customer-complaint ledger (客户投诉处理台账).",
    )
    root_app.callback()(root)
    return root_app


# Every command module of tsk/cli/ is a Typer app of its own, added to the root the same way:
# its commands merged in (group None), or under its group's name. In the order of `tsk --help`:
# the complaint's life, the daily lists, data exchange, reports, the ledger's own settings.
MODULES: tuple[tuple[str, str | None], ...] = (
    ("ledger", None), ("complaints", None), ("national", None), ("notice", None), ("overdue", None), ("exchange", None),
    ("reports", "report"),
    ("calendar", "calendar"), ("config", "config"), ("policy", "policy"), ("roles", "role"),
)
# The module of each command, so that a run imports that one alone (tests/test_startup.py
# holds this to what the modules register).
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("add", "list", "show", "ack", "assign", "conflict", "escalate", "classify", "extend", "supervise",
                     "note", "notify", "reported", "close", "reject", "withdraw", "reopen", "verify"), "complaints"),
    **dict.fromkeys(("pause", "resume", "restart", "merge", "review", "remedy", "follow-up"), "national"),
    "notice": "notice",
    "init": "ledger", "overdue": "overdue", "check": "overdue", "export": "exchange", "import": "exchange",
    **{group: module for module, group in MODULES if group is not None},
}


def command_module(module: str, *, examples: bool = True) -> typer.Typer:
    """A command module's app; with `examples`, each command's help ends with its example
    (`tsk.cli.examples`: loaded only for help, a run never reads it)."""
    found = import_module(f"tsk.cli.{module}").app
    if examples:
        from tsk.cli.examples import epilog

        group = dict(MODULES)[module]
        for info in found.registered_commands:
            name = command_name(info)
            info.epilog = info.epilog or epilog(f"{group} {name}" if group else name)
    return found


def whole_app() -> typer.Typer:
    """The root with every command module: for --help, an unknown command, the tests and the docs."""
    root_app = new_root()
    for module, group in MODULES:
        root_app.add_typer(command_module(module), name=group)
    return root_app


def app_for(command: str, argv: Sequence[str] = ()) -> typer.Typer | None:
    """The root with the one command `command` (a group with all its subcommands), or None for
    a name that is not a command. Typer inspects the signature of every registered function
    when it builds the app, ~1 ms each, and each module costs its import: a run pays for its
    own command only."""
    module = COMMANDS.get(command)
    if module is None:
        return None
    group = dict(MODULES)[module]
    found = command_module(module, examples=bool(HELP.intersection(argv)))
    if group is None:
        found_only = typer.Typer()
        found_only.registered_commands = [c for c in found.registered_commands if command_name(c) == command]
        found = found_only
    root_app = new_root()
    root_app.add_typer(found, name=group)
    return root_app


def __getattr__(name: str) -> Any:
    """`tsk.cli.app`: the whole app, made on first use (a run of `tsk` never needs it whole)."""
    if name == "app":
        globals()["app"] = made = whole_app()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ROOT_OPTIONS_WITH_VALUE = ("--db", "--as")
ROOT_FLAGS = ("--no-pager",)
HELP = frozenset(("-h", "--help"))
# What a person reads at length: on a terminal it goes through the pager, as git's log does.
PAGED = frozenset(("list", "show", "overdue", "report", "export", "policy", "calendar", "config", "role"))


def hoisted(argv: list[str]) -> list[str]:
    """The command line with `--db` and `--as` given after the command name moved before it
    (`tsk overdue --db x` = `tsk --db x overdue`), as git takes `-C` anywhere. No command has
    an option of either name; nothing after `--` moves."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            rest += argv[index:]
            break
        if arg in ROOT_OPTIONS_WITH_VALUE and index + 1 < len(argv):
            front += argv[index:index + 2]
            index += 2
            continue
        if arg.split("=", 1)[0] in ROOT_OPTIONS_WITH_VALUE or arg in ROOT_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest if front else argv


def start_pager(name: str | None, argv: Sequence[str]) -> LazyPager | None:
    """For a long-reading command on a terminal: standard output into `$TSK_PAGER`, else
    `$PAGER`, else `less` (with LESS=FRX unless set: one screen is just printed, colours
    kept), as git does; None when not paged (a pipe, --no-pager, help, PAGER=cat or empty).
    The pager starts with the first text the command prints: a command that writes nothing
    to the terminal (a refusal, a workbook written with -o) never opens one."""
    if name not in PAGED or "--no-pager" in argv or HELP.intersection(argv) or not sys.stdout.isatty():
        return None
    command = os.environ.get("TSK_PAGER", os.environ.get("PAGER", "less")).strip()
    if command in ("", "cat"):
        return None
    import shutil

    width = os.environ.get("COLUMNS") or str(shutil.get_terminal_size().columns)
    os.environ["COLUMNS"] = width  # the tables keep the terminal's width, paged or not
    pager = LazyPager(command, sys.stdout)
    sys.stdout = pager
    return pager


class LazyPager:
    """Standard output that becomes a pager's input at the first text written to it."""

    def __init__(self, command: str, terminal: Any) -> None:
        self._command, self._terminal = command, terminal
        self._stream: Any = terminal
        self._process: Any = None

    def write(self, text: str) -> int:
        if self._process is None and text and self._stream is self._terminal:
            self._start()
        return self._stream.write(text)

    def _start(self) -> None:
        import subprocess  # only on a terminal: a pipe's start-up never pays for it

        env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}  # R: the colours tsk chose for a terminal
        try:
            self._process = subprocess.Popen(self._command, shell=True, stdin=subprocess.PIPE, env=env)
        except OSError:
            return  # no pager to be had: straight to the terminal
        self._terminal.flush()
        self._stream = PipeOut(open(self._process.stdin.fileno(), "w", encoding="utf-8", closefd=False))

    def isatty(self) -> bool:
        return self._process is None  # what is printed next is for a pager once one runs

    def flush(self) -> None:
        self._stream.flush()

    def end(self) -> None:
        """All written: the pager reads to the end, and tsk waits for the reader to quit it."""
        if self._process is None:
            return
        try:
            self._stream.flush()
        finally:
            self._process.stdin.close()
            self._process.wait()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class PipeOut:
    """Standard output into a pipe. Once its reader has gone (`tsk overdue | head -1`), the
    rest goes to /dev/null and the command runs on to its own exit code, silently: a script
    with `set -o pipefail` sees what the command had to say, not a broken pipe."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        reader_gone(self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def invoked_command(argv: list[str]) -> str | None:
    """The command a command line names, past the root options; None for --help and the like."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ROOT_OPTIONS_WITH_VALUE:
            index += 2
        elif arg.split("=", 1)[0] in ROOT_OPTIONS_WITH_VALUE or arg in ROOT_FLAGS:
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def command_name(info) -> str:
    """A command's name as Typer gives it: its own, else the function's, with dashes."""
    return info.name or info.callback.__name__.lower().replace("_", "-")


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):  # `signal` is loaded already (by Click)
        signal.signal(signum, on_signal)
    argv = hoisted(sys.argv[1:])
    name = invoked_command(argv)
    pager = start_pager(name, argv)
    if pager is None and not sys.stdout.isatty():
        sys.stdout = PipeOut(sys.stdout)
    # An unknown name gets the whole app, for Click's "No such command … Did you mean …".
    chosen = (app_for(name, argv) if name is not None else None) or whole_app()
    try:
        chosen(args=argv, prog_name="tsk")
    finally:
        if pager is not None:
            pager.end()
