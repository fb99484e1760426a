"""Shared fixtures: every test gets its own ledger file and never touches a real home."""

from __future__ import annotations

import os
import shlex
import shutil
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from tsk.cli import app


@pytest.fixture(scope="session")
def calendar_cache(tmp_path_factory):
    """One holidays cache for the whole run (building it imports `holidays`)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def empty_ledger(tmp_path_factory) -> str:
    """A new ledger made once (`Ledger.init`), copied for each test: every command but add and
    import needs its ledger to exist, and a copy costs less than creating the schema."""
    from tsk.context import Ledger

    path = str(tmp_path_factory.mktemp("empty") / "ledger.db")
    Ledger.init(path, "officer", warn=lambda message: None).close()
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, calendar_cache, empty_ledger):
    shutil.copyfile(empty_ledger, tmp_path / "ledger.db")
    os.chmod(tmp_path / "ledger.db", 0o600)
    monkeypatch.setenv("TSK_DB", str(tmp_path / "ledger.db"))
    monkeypatch.setenv("TSK_USER", "officer")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(calendar_cache))
    monkeypatch.setenv("COLUMNS", "200")  # stable rich tables
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("TSK_LANG", "en")  # English whatever the locale of the machine running the tests
    return tmp_path


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def invoke(args: str | list[str], input: str | None = None) -> Run:
    """Run tsk in-process through the real Typer app; stdout and stderr apart."""
    argv = shlex.split(args) if isinstance(args, str) else args
    result = CliRunner().invoke(app, argv, input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def tsk():
    return invoke


@pytest.fixture
def ledger_path(isolated):
    return os.environ["TSK_DB"]
