"""Assertions shared by the tests of refused commands."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from readme_session import named_moment  # noqa: E402 - one rule for when a replayed command is entered

sys.path.pop(0)


def snapshot(path: str) -> tuple:
    """Everything a refused command must leave untouched."""
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("SELECT * FROM complaint ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM event ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM ref_counter ORDER BY year").fetchall(),
        )


def one_error_line(run) -> str:
    """No traceback, and exactly one `Error:` line on stderr (warnings aside)."""
    assert "Traceback" not in run.stderr + run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("Warning:")]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error:"), run.stderr
    return lines[0]


def command_paths() -> list[list[str]]:
    """Every command of the whole app, as the words that name it: `list`, `report stats`…"""
    from typer.main import get_command

    from tsk.cli import app

    paths = []
    for name, command in get_command(app).commands.items():
        subcommands = getattr(command, "commands", {})
        paths += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return paths


# The complaint most tests start from: a phone complaint about a counter clerk, received on
# Monday 3 August 2026 (its clocks all inside 2026's published calendar).
RECEIVED = "2026-08-03 10:00"
BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--summary", "柜员态度差"]


def add(tsk, received: str = RECEIVED, *extra: str) -> str:
    """`tsk add` of the usual complaint (`extra` adds or overrides options); its ref."""
    import json

    run = tsk(["add", *BASE, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["ref"]


def ok(tsk, argv: list[str]):
    """A command that must succeed."""
    run = tsk(argv)
    assert run.exit_code == 0, (argv, run.stderr)
    return run


def sql(path: str, statement: str, params=()) -> list[tuple]:
    """A statement run straight on the ledger file, as someone editing it behind tsk's back would."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


# -- time: a command runs when it is entered ------------------------------------------------------
def entered_at(monkeypatch, moment: str) -> None:
    """tsk's "now" (timeutil.now, and so today) is `moment` (China time) from here on."""
    from tsk import timeutil

    fixed = timeutil.parse_datetime(moment)
    monkeypatch.setattr(timeutil, "now", lambda: fixed)


class Live:
    """Runs tsk as if each command were entered when it says it happened: "now" is a minute
    after its --received or --at, late in the day of `check --as-of`, and for a command that
    names no time the moment of the command before. Lateness is a fact of when a command is
    entered (docs/rules.md, Escalation and lateness): the tests of everything else replay their
    story as it happened, not all of it today with backdated times."""

    def __init__(self, monkeypatch, run) -> None:
        from tsk import timeutil

        self.monkeypatch, self.run = monkeypatch, run
        self.real_now = timeutil.now
        self.moment = None

    def __call__(self, args, input=None):  # noqa: A002 - the name CliRunner gives it
        import shlex

        from tsk import timeutil

        argv = shlex.split(args) if isinstance(args, str) else list(args)
        moment = named_moment(argv)
        if moment is not None and moment <= self.real_now():  # a future time stays one: its test says how it is refused
            self.moment = moment
        if self.moment is not None:
            moment = self.moment
            self.monkeypatch.setattr(timeutil, "now", lambda: moment)
        return self.run(argv, input=input)

    def at(self, moment: str) -> None:
        """Time passes: the commands that name no time of their own run at `moment` from here on."""
        from tsk import timeutil

        self.moment = fixed = timeutil.parse_datetime(moment)
        self.monkeypatch.setattr(timeutil, "now", lambda: fixed)

    def real_today(self):
        """Today outside the story: what a day "in the future" is counted from."""
        return self.real_now().date()
