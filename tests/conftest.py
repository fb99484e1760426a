"""Shared fixtures: every test gets its own ledger file and never touches a real home."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import uuid
import warnings
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


# -- a real PostgreSQL server (pgserver), one per session ----------------------------------------
@pytest.fixture(scope="session")
def pg_server():
    """The server's superuser URL; every test skips when the server cannot start here."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR in containers
            import pgserver
    except ImportError:
        pytest.skip("pgserver is not installed")
    folder = tempfile.mkdtemp(prefix="tskpg")  # short: the server's socket lives here
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(folder, cleanup_mode="stop")
        uri = server.get_uri()
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure to start means: no PostgreSQL here
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"pgserver cannot start a PostgreSQL server here: {exc}")
    yield uri
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def database_url(admin_uri: str, name: str, driver: str = "postgresql", user: str | None = None) -> str:
    """The URL of the database `name` on the server of `admin_uri`, as `user` (default the superuser)."""
    rest = admin_uri.split("://", 1)[1]  # postgres:@/postgres?host=/tmp/…
    head, _, query = rest.partition("?")
    head = head.rsplit("/", 1)[0]
    if user is not None:
        head = f"{user}:@" + head.split("@", 1)[1]
    return f"{driver}://{head}/{name}?{query}"


@pytest.fixture
def new_database(pg_server):
    """Make fresh databases on the server (owned by `owner` when given); each is dropped after the test."""
    import psycopg

    made = []

    def make(driver: str = "postgresql", owner: str | None = None) -> str:
        name = "tsk_" + uuid.uuid4().hex[:12]
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" OWNER {owner}" if owner else ""))
        made.append(name)
        return database_url(pg_server, name, driver)

    yield make
    import gc

    gc.collect()  # let in-process engines close their connections
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for name in made:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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
