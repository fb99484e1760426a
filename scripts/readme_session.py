"""Replay the README's example session and write (or check) what each command prints.

    python scripts/readme_session.py          # rewrite the session blocks of README.md
    python scripts/readme_session.py --check  # exit 1, with a diff, if README.md is stale

The session is every ```text block under "## A session": lines `$ tsk …` are commands (a
`| head -N` after one keeps its first N lines; `NAME=value` before one sets that environment
variable for it alone, as a shell does), the lines after a command are what it
printed (stdout and stderr as they came), then `[exit N]` when it did not exit 0. The
commands run in-process, in order, on a new ledger in a temporary folder, as 陈晓
(TSK_USER), 100 columns wide. Every date the commands print is pinned by their own
--received, --at or --as-of; the clock is held at CLOCK only for what no option pins: when
each event was recorded, which `tsk verify`'s ledger digest covers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from generated import write_or_check  # scripts/generated.py

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "## A session"
CLOCK = dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai"))
ENVIRONMENT = {"TSK_USER": "陈晓", "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "TSK_LANG": "en"}
PROMPT = "$ "
BLOCK = re.compile(r"```text\n(.*?)```", re.S)


def session_blocks(readme: str) -> list[re.Match]:
    """The ```text blocks of the session section (their group 1 is the text inside)."""
    start = readme.index(f"\n{SECTION}\n")
    end = readme.find("\n## ", start + 1)
    return list(BLOCK.finditer(readme, start, len(readme) if end < 0 else end))


def commands(block: str) -> list[str]:
    return [line[len(PROMPT):] for line in block.splitlines() if line.startswith(PROMPT)]


def run(command: str) -> str:
    """One command as the session shows it: the prompt line, what it printed, its exit code."""
    from typer.testing import CliRunner

    from tsk.cli import app

    line, _, pipe = command.partition(" | ")
    argv = shlex.split(line)
    env = {}
    while argv and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", argv[0]):
        name, _, value = argv.pop(0).partition("=")
        env[name] = value
    if not argv or argv[0] != "tsk":
        raise ValueError(f"the session runs tsk, not {argv[0] if argv else None!r}: {command}")
    _enter(argv[1:])
    result = CliRunner(env=env).invoke(app, argv[1:], prog_name="tsk")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    printed, code = result.output.replace(os.environ["HOME"], "~"), result.exit_code
    if pipe:
        head = re.fullmatch(r"head -(\d+)", pipe.strip())
        if head is None:
            raise ValueError(f"only `| head -N` can follow a command: {command}")
        printed, code = "".join(printed.splitlines(keepends=True)[:int(head[1])]), 0  # the pipeline's: head's
    return PROMPT + command + "\n" + printed + (f"[exit {code}]\n" if code else "")


_NAMED_TIMES = ("--received", "--at", "--form-at")
_entered: list[dt.datetime] = []  # the moment the session has reached


def named_moment(argv: list[str]) -> dt.datetime | None:
    """When an officer enters a command, as the command itself tells it: a minute after the
    latest time it names (`--received`, `--at`, `--form-at`), late on the day of `check
    --as-of` (a minute after it, when it names a time); None when it names none (or only values
    tsk refuses: their own test says how).
    Lateness is a fact of when a command is entered (docs/rules.md): told all at once today, a
    story would be one of lapses. The README session and tests/helpers.Live both replay by it."""
    from tsk import timeutil

    found = None
    for name, value in zip(argv, argv[1:]):
        try:
            if name in _NAMED_TIMES:
                found = timeutil.parse_datetime(value) + dt.timedelta(minutes=1)
            elif name == "--as-of" and "check" in argv[:argv.index(name)]:
                as_of = timeutil.parse_as_of(value)
                found = (timeutil.parse_datetime(value).replace(hour=23, minute=0) if as_of.text == as_of.day.isoformat()
                         else timeutil.parse_datetime(value) + dt.timedelta(minutes=1))
        except Exception:  # noqa: BLE001 - a value tsk refuses
            continue
    return found


def _enter(argv: list[str]) -> None:
    """The session's clock: the moment the command names (never past CLOCK, the day the
    session is read), else where the session had got to."""
    from tsk import timeutil

    moment = named_moment(argv)
    if moment is not None:
        _entered[:] = [min(moment, CLOCK)]
    at = _entered[0] if _entered else CLOCK
    timeutil.now = lambda: at  # type: ignore[assignment]


def replay(blocks: list[list[str]]) -> list[str]:
    """Each block's commands run on one fresh ledger, in order: each block's text."""
    from tsk import timeutil

    saved_env = {key: os.environ.get(key) for key in (*ENVIRONMENT, "HOME", "TSK_DB", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
    saved_now = timeutil.now
    with tempfile.TemporaryDirectory() as folder:  # a home of its own: the ledger at the default location
        os.environ.pop("TSK_DB", None)
        os.environ.pop("XDG_DATA_HOME", None)
        os.environ.update(ENVIRONMENT, HOME=folder, XDG_CACHE_HOME=str(Path(folder) / "cache"))
        timeutil.now = lambda: CLOCK  # type: ignore[assignment]
        try:
            texts = []
            for block in blocks:
                _entered.clear()
                texts.append("".join(run(command) for command in block))
            return texts
        finally:
            timeutil.now = saved_now  # type: ignore[assignment]
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def rewritten(readme: str) -> str:
    """README.md with each session block replaced by what its commands print now."""
    found = session_blocks(readme)
    texts = replay([commands(m[1]) for m in found])
    for m, text in reversed(list(zip(found, texts))):
        readme = readme[:m.start(1)] + text + readme[m.end(1):]
    return readme


if __name__ == "__main__":
    sys.exit(write_or_check(README, rewritten(README.read_text(encoding="utf-8")), "readme_session.py", sys.argv[1:]))
