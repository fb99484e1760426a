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
