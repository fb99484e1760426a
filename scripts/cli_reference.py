"""Write docs/cli-reference.md from the commands' own --help (tests fail when it is stale).

    python scripts/cli_reference.py          # rewrite the file
    python scripts/cli_reference.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from generated import write_or_check  # scripts/generated.py
from typer.main import get_command
from typer.testing import CliRunner

from tsk.cli import app

TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli-reference.md"


def command_paths(command, prefix=()):
    yield prefix
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_paths(sub, (*prefix, name))


def render() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    root = get_command(app)
    parts = ["# tsk command reference", "",
             "Generated from `--help` by `python scripts/cli_reference.py`; `tests/test_docs.py` fails when it is stale.", ""]
    for path in command_paths(root):
        result = CliRunner().invoke(app, [*path, "--help"], prog_name="tsk")
        parts += [f"## `{' '.join(('tsk', *path))}`", "", "```", result.stdout.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render(), "cli_reference.py", sys.argv[1:]))
