"""A PostgreSQL ledger when things go wrong, through real processes (libpq writes to the real
fd 2, which CliRunner does not capture): a command stopped while the server keeps it waiting, a
refusal that cannot be explained on a second connection, a value libpq cannot send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from conftest import database_url

from tsk.store.pg import PgStore, ServerError

pytestmark = pytest.mark.postgres

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")

REF = "TS-2026-000001"
UNIT = "天河支行"
COMPLAINT = ["--customer", "张三", "--phone", "13812345678", "--channel", "phone", "--category", "service",
             "--business-type", "card", "--cause", "service-quality", "--unit", UNIT, "--summary", "ATM吞卡",
             "--received", "2026-08-03 10:00"]


def start(url: str, *argv: str) -> subprocess.Popen:
    env = {**os.environ, "TSK_LANG": "en"}
    env.pop("TSK_DB", None)
    return subprocess.Popen([sys.executable, "-m", "tsk", "--db", url, *argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def tsk(url: str, *argv: str) -> subprocess.CompletedProcess:
    process = start(url, *argv)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def stop(process: subprocess.Popen, signum: int, waited_for: str) -> None:
    """Send `signum`; the process must end within 5 s with exit 128+signum and one line."""
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"still {waited_for} 5 s after the signal")
    assert process.returncode == 128 + signum
    said = "terminated" if signum == signal.SIGTERM else "interrupted"
    assert err.strip().splitlines() == [f"Error: {said}"], err


def count(url: str, table: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def waiting(url: str, timeout: float = 30) -> list[int]:
    """The backends of tsk commands waiting for a lock, once there is one."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            found = [pid for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'tsk' AND wait_event_type = 'Lock'")]
            if found:
                return found
            time.sleep(0.05)
    raise AssertionError("no tsk command came to wait for the lock")


@pytest.fixture
def ledger(new_database) -> str:
    url = new_database()
    run = tsk(url, "add", *COMPLAINT)
    assert run.returncode == 0, run.stderr
    return url


# -- a command stopped while the server keeps it waiting -----------------------------------------
@pytest.mark.parametrize("argv, lock", [
    (["note", REF, "已电话联系"], "SELECT * FROM complaint FOR UPDATE"),  # libpq: a write waiting for its row
    (["show", REF], "LOCK TABLE complaint IN ACCESS EXCLUSIVE MODE"),  # libpq: a read
    (["export"], "LOCK TABLE complaint IN ACCESS EXCLUSIVE MODE"),  # psycopg: a stream
], ids=["note", "show", "export"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_command_waiting_for_a_lock_stops_at_once_on_a_signal(ledger, argv, lock, signum):
    """Ctrl-C, or a cron job's `timeout`, while another officer's transaction holds the row: the
    command ends now, in one line, having written nothing, and its statement no longer waits on
    the server (where it would keep the locks it already took)."""
    events = count(ledger, "event")
    with psycopg.connect(ledger) as holder:
        holder.execute(lock)
        process = start(ledger, *argv)
        waiting(ledger)
        stop(process, signum, f"running {argv[0]}, waiting for the lock,")
        with psycopg.connect(ledger, autocommit=True) as conn:  # while the lock is still held
            for _ in range(100):
                if not conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'tsk'").fetchall():
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the stopped command's statement still waits on the server")
    assert count(ledger, "event") == events


# -- a refusal that a second connection cannot explain ---------------------------------------------
@pytest.fixture
def limited(pg_server, new_database):
    """A ledger and a login of the intake role (unit UNIT) allowed one connection at a time."""
    url = new_database()
    assert tsk(url, "add", *COMPLAINT).returncode == 0
    user = "tsk_one_" + uuid.uuid4().hex[:8]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {user} LOGIN CONNECTION LIMIT 1")
    granted = tsk(url, "role", "grant", user, "--role", "intake", "--unit", UNIT)
    assert granted.returncode == 0, granted.stderr
    name = url.split("?")[0].rsplit("/", 1)[1]
    yield url, database_url(pg_server, name, user=user)
    with psycopg.connect(pg_server, autocommit=True) as conn:  # the database first: the role has grants in it
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"DROP ROLE IF EXISTS {user}")


def test_a_refusal_for_a_user_allowed_one_connection_is_one_line(limited):
    """The refusal is explained from a second connection (`row_outside`), which the server
    refuses to a role with CONNECTION LIMIT 1: the database's own reason then, in one line."""
    owner, url = limited
    events = count(owner, "event")
    run = tsk(url, "close", REF, "--result", "upheld", "--resolution", "已退卡", "--notified-via", "sms")
    assert "Traceback" not in run.stderr
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        'Error: the database refused it: new row violates row-level security policy for table "event"'], run.stderr
    assert count(owner, "event") == events
    shown = tsk(url, "show", REF)  # and what the role may do, it still does
    assert shown.returncode == 0 and REF in shown.stdout


# -- values libpq cannot send -----------------------------------------------------------------------
def test_a_text_with_a_nul_is_refused_by_either_driver_never_cut_short(new_database):
    """libpq's parameters are C strings: a NUL would end the text there. psycopg refuses such a
    text; libpq's driver refuses it the same way rather than store what comes before it."""
    store = PgStore(new_database())
    try:
        store.run("CREATE TABLE t (s TEXT)")
        assert store._lite is not None
        for driver in ("libpq", "psycopg"):
            if driver == "psycopg":
                store._psycopg()
            with pytest.raises(ServerError) as refused:
                store.run("INSERT INTO t (s) VALUES (:s)", {"s": "13812345678\x00后面"})
            assert "13812345678" not in str(refused.value) and "\n" not in str(refused.value)
            with pytest.raises(ServerError):
                store.value("SELECT :a::text[]", {"a": ["a\x00b"]})
        assert store.rows("SELECT * FROM t") == []
    finally:
        store.close()


# -- a database without a ledger ------------------------------------------------------------------
def tables(url: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]


@pytest.mark.parametrize("argv", [["check"], ["list"], ["overdue", "--fail"], ["verify"], ["note", REF, "x"],
                                  ["config", "set", "units", UNIT]], ids=lambda argv: argv[0])
def test_a_database_without_a_ledger_is_an_error_never_a_new_empty_ledger(new_database, argv):
    """As for a SQLite file (README, `tsk init`): a cron job whose TSK_DB names the wrong database
    (an empty one, the server's `postgres`) must not make tsk's tables there and report all clear."""
    url = new_database()
    run = tsk(url, *argv)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.strip().splitlines() == [
        "Error: no ledger in the PostgreSQL database: check --db or $TSK_DB (tsk init creates a new ledger)"]
    assert tables(url) == []


def test_add_makes_the_ledger_in_an_empty_database_and_says_so(new_database):
    url = new_database()
    run = tsk(url, "add", *COMPLAINT)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[0] == "Created a new ledger in the PostgreSQL database"
    assert "complaint" in tables(url)
    again = tsk(url, "note", REF, "已电话联系")
    assert again.returncode == 0 and "Created" not in again.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_command_connecting_to_a_server_that_never_answers_stops_on_a_signal(signum):
    """A host that takes the connection and says nothing (a hung server, a half-open firewall):
    libpq would wait in C, where no signal's handler runs, until the network gives up."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        process = start(f"postgresql://officer@127.0.0.1:{silent.getsockname()[1]}/tsk", "list")
        accepted, _ = silent.accept()
        with accepted:
            time.sleep(0.5)  # libpq now waits for the server's first answer
            stop(process, signum, "connecting")
