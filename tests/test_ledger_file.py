"""Where the ledger is, and when it is made (docs/rules.md, Bad input; README, Set up): a
ledger named by `--db` or `$TSK_DB` must exist for every command but `add`, `import`,
`init` and the calendar's computations, so a mistyped crontab line fails loudly instead of
checking an empty ledger every night; `tsk init` makes one; making one says where."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import BASE, RECEIVED, one_error_line, snapshot


def missing(tmp_path: Path) -> str:
    return str(tmp_path / "typo" / "ledgr.db")


@pytest.mark.parametrize("argv", [["list"], ["overdue"], ["check"], ["show", "TS-2026-000001"], ["verify"],
                                  ["report", "half-year", "2026H2"], ["export"], ["calendar", "set", "2026-10-10",
                                                                                  "--holiday"]])
def test_a_ledger_named_but_missing_is_an_error_and_nothing_is_made(tsk, tmp_path, argv):
    path = missing(tmp_path)
    run = tsk(["--db", path, *argv])
    assert run.exit_code == 1
    line = one_error_line(run)
    assert line.startswith(f"Error: no ledger at {path}: ") and line.endswith("check --db or $TSK_DB (tsk init creates a new ledger)")
    assert run.stdout == ""
    assert not os.path.lexists(path) and not (tmp_path / "typo").exists()


def test_cron_with_a_mistyped_tsk_db_fails_in_a_real_process(tmp_path):
    """The nightly job as cron runs it: the installed console script, $TSK_DB from the crontab."""
    exe = Path(sys.executable).parent / "tsk"
    path = missing(tmp_path)
    env = {**os.environ, "TSK_DB": path, "LC_ALL": "C.UTF-8"}
    done = subprocess.run([str(exe), "check"], env=env, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: no ledger at ") and done.stdout == ""
    assert not os.path.lexists(path)


def test_init_makes_a_private_ledger_says_where_and_refuses_a_second_time(tsk, tmp_path):
    path = tmp_path / "新台账" / "2026.db"
    run = tsk(["--db", str(path), "init"])
    assert run.exit_code == 0, run.stderr
    assert run.stderr == f"Created a new ledger at {path}\n" and run.stdout == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert tsk(["--db", str(path), "verify"]).stdout.startswith("ok: 0 complaint(s)")
    assert tsk(["--db", str(path), "add", *BASE, "--received", RECEIVED]).exit_code == 0
    before = snapshot(str(path))  # what it holds: closing a connection may checkpoint the WAL into the file
    again = tsk(["--db", str(path), "init"])
    assert again.exit_code == 1
    assert one_error_line(again) == f"Error: a ledger already exists in {path}: tsk init makes a new one only"
    assert snapshot(str(path)) == before


@pytest.mark.parametrize("command", ["add", "import"])
def test_add_and_import_make_the_ledger_they_are_given_and_say_so(tsk, tmp_path, command):
    path = tmp_path / "new.db"
    if command == "add":
        run = tsk(["--db", str(path), "add", *BASE, "--received", RECEIVED])
    else:
        source = tmp_path / "empty.json"
        source.write_text("[]", encoding="utf-8")  # a JSON export of no complaint
        run = tsk(["--db", str(path), "import", str(source)])
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines()[0] == f"Created a new ledger at {path}"
    assert path.exists()
    assert "Created" not in tsk(["--db", str(path), "list"]).stderr  # once only


def test_the_calendars_computations_need_no_ledger_and_make_none(tsk, tmp_path):
    path = missing(tmp_path)
    # National Day 2026: 1-7 October off, Saturday 10 October a make-up working day.
    assert tsk(["--db", path, "calendar", "shift", "2026-09-30", "3"]).stdout == "2026-10-10\n"
    assert tsk(["--db", path, "calendar", "between", "2026-09-30", "2026-10-10"]).stdout == "3\n"
    assert tsk(["--db", path, "calendar", "is-workday", "2026-10-10"]).stdout == "yes\n"
    assert tsk(["--db", path, "calendar", "explain", "2026-09-30", "3", "--format", "json"]).exit_code == 0
    assert tsk(["--db", path, "calendar", "show", "2026", "--format", "json"]).exit_code == 0
    assert not os.path.lexists(path)


def test_the_default_ledger_is_made_on_first_use(tsk, tmp_path, monkeypatch):
    """The README's first command: no --db, no $TSK_DB; the ledger in the XDG data home."""
    monkeypatch.delenv("TSK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    run = tsk(["overdue"])
    assert run.exit_code == 0, run.stderr
    where = tmp_path / "data" / "tsk" / "ledger.db"
    assert run.stderr == f"Created a new ledger at {where}\n"
    assert where.exists()
