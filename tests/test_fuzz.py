"""Hostile input on every command line: a property-based fuzz of the real CLI, in process.

The commands and their options are read from the Typer app itself, so a new command or option
is fuzzed without touching this file. Each run gives a command values that are sometimes
sane (so it gets past parsing into the core) and sometimes hostile: text that is not UTF-8
(argv's surrogate escapes), numbers past any integer, dates at the calendar's ends, long
texts, control characters, empty strings, Chinese. Whatever it is given, tsk must answer
with exit 0, 1, 2 or 3, no traceback, exactly one `Error:` line when it fails, and a
refused command must leave the ledger as it was (docs/rules.md, Bad input).

Reproducible (derandomize) and modest by default; `TSK_FUZZ_EXAMPLES=500 pytest
tests/test_fuzz.py` digs deeper.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

hypothesis = pytest.importorskip("hypothesis")
from helpers import snapshot  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from tsk.cli import app  # noqa: E402

EXAMPLES = int(os.environ.get("TSK_FUZZ_EXAMPLES", "20"))
REF = "TS-2026-000001"

HOSTILE = [
    "\udcff\udcfe",  # bytes that are not UTF-8, as Linux hands them to Python
    "a\udc80b",
    "\ud800",  # a lone surrogate
    "1" + "0" * 40,
    "100000000000000000000",
    "-100000000000000000000",
    "9223372036854775808",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31 23:59",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "0999-06-01",
    "x" * 200_000,
    "投" * 50_000,
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\r\n",
    "\t",
    "",
    " ",
    "投诉",
    "-",
    "--",
    "[" * 5000,
    "'; DROP TABLE complaint; --",
    "%s%n{0}",
    "TS-2026-0000001",
    "TS-0001-000001",
    "TS-2026-9999999999999999999999",
]

# Sane values by what an option or argument is called (its metavar or name), so commands get
# past parsing and into the core.
SANE = {
    "REF": [REF], "DATE": ["2026-03-02", "today", "2026-03-02 10:00"], "START": ["2026-03-02"], "END": ["2026-04-01"],
    "N": ["1", "3", "0", "-2"], "YEAR": ["2026", "2027"], "PERIOD": ["2026H1"], "TEXT": ["说明", "note"],
    "NAME": ["王强", "cbrc2012"], "UNIT": ["天河支行"], "CHANNEL": ["phone", "电话", "sms"], "KIND": ["complaint"],
    "CATEGORY": ["service"], "TYPE": ["card"], "CAUSE": ["other"], "SEVERITY": ["general"], "RESULT": ["upheld"],
    "SATISFACTION": ["satisfied"], "AMOUNT": ["50", "0.01"], "PHONE": ["13812345678"],
    "ID": ["11010519491231002X"], "EMAIL": ["a@b.cn"], "STATUS": ["all", "open"], "DIMENSION": ["unit", "month"],
    "FILE": ["-", "/nonexistent/file.csv"], "KEY": ["group_threshold", "units"], "VALUE": ["5"],
    "REASON": ["why"], "FORM": ["handling"], "DATE...": ["2026-03-02"], "PATH_OR_URL": None,
}


def _words(param) -> str:
    return (getattr(param, "metavar", None) or param.name or "").upper()


def _commands():
    """(words naming the command, its click command) for every command of the app."""
    from typer.main import get_command

    found = []

    def walk(words, command):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk([*words, name], sub)
        else:
            found.append((words, command))

    walk([], get_command(app))
    return found


COMMANDS = _commands()


def _value(param):
    """A strategy for one value of `param`: its choices, a sane value or a hostile one."""
    choices = list(getattr(param.type, "choices", None) or [])
    sane = SANE.get(_words(param)) or choices or (["1", "2"] if param.type.name == "integer" else ["x"])
    return st.one_of(st.sampled_from(sane), st.sampled_from(HOSTILE),
                     st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))


def _argv(words, command):
    """A strategy for a whole command line of `command`: its arguments, then any of its options."""
    parts = []
    for param in command.params:
        if param.param_type_name == "argument":
            count = 1 if param.nargs == 1 else 2
            parts.append(st.lists(_value(param), min_size=count, max_size=count))
    for param in command.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        if param.is_flag:
            parts.append(st.sampled_from([[], [param.opts[0]]]))
        else:
            parts.append(st.one_of(st.just([]), _value(param).map(lambda v, o=param.opts[0]: [o, v])))
    return st.tuples(*parts).map(lambda values: [*words, *(word for value in values for word in value)])


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, calendar_cache):
    """One ledger with a complaint, copied afresh for each example."""
    path = tmp_path_factory.mktemp("fuzz") / "base.db"
    env = {"TSK_DB": str(path), "TSK_USER": "officer", "XDG_CACHE_HOME": str(calendar_cache), "COLUMNS": "200"}
    runner = CliRunner(env=env)
    result = runner.invoke(app, ["add", "--customer", "张伟", "--phone", "13812345678", "--channel", "phone",
                                 "--category", "service", "--business-type", "card", "--cause", "other",
                                 "--unit", "天河支行", "--summary", "排队", "--received", "2026-03-02 09:00"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def _check(tmp_path, base: bytes, argv: list[str], calendar_cache) -> None:
    path = tmp_path / "ledger.db"
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"ledger.db{suffix}").unlink(missing_ok=True)
    path.write_bytes(base)
    before = snapshot(str(path))
    env = {"TSK_DB": str(path), "TSK_USER": "officer", "XDG_CACHE_HOME": str(calendar_cache), "COLUMNS": "200",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    result = CliRunner(env=env).invoke(app, argv, input="")
    shown = repr(argv)[:300]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}: {type(result.exception).__name__}: {result.exception!s:.300}") \
            from result.exception
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert result.exit_code in (0, 1, 2, 3), (shown, result.exit_code, result.stderr[-500:])
    if result.exit_code in (1, 2):
        lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Warning:")]
        assert lines and all(line.startswith("Error:") for line in lines), (shown, result.stderr[-500:])
        assert len(lines) == 1 or "import" in argv, (shown, result.stderr[-500:])  # import: a line per problem
        assert snapshot(str(path)) == before, f"{shown} was refused but changed the ledger"


@pytest.mark.parametrize("words,command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_no_command_line_gives_a_traceback(words, command, ledger, tmp_path, calendar_cache, monkeypatch):
    monkeypatch.chdir(tmp_path)  # what `export -o NAME` and the like write stays in the test's folder
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(argv=_argv(words, command), root=st.sampled_from([[], ["--as", "\udcff"], ["--as", "x" * 100_000]]))
    def run(argv, root):
        _check(tmp_path, ledger, root + argv, calendar_cache)

    run()


@pytest.mark.parametrize("db", [
    "\udcff.db", "a" * 300 + ".db", "postgresql://[::1", "postgresql://u@127.0.0.1:99999999/db", "postgresql://",
    "mysql://x/y", "\x00",
])
def test_a_bad_ledger_location_is_one_error_line(db, tmp_path, calendar_cache, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env={"XDG_CACHE_HOME": str(calendar_cache)}).invoke(app, ["--db", db, "list"])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code in (1, 2) and len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
