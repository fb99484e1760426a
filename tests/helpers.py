"""Assertions shared by the tests of refused commands."""

from __future__ import annotations

import sqlite3


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
