"""Several people and cron on one SQLite ledger at once (README, History and data care): real processes
writing at the same moment get no "database is locked", lose no write, and leave refs
unique and gapless and every history intact."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.concurrency

WORKERS = 4
PER_WORKER = 15
EXISTING = 5
ADD = ["add", "--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
       "--cause", "other", "--unit", "城关支行", "--received", "2026-08-03 10:00"]


def tsk_command() -> list[str]:
    exe = Path(sys.executable).parent / "tsk"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tsk"]


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(tsk_command() + argv, capture_output=True, text=True, env=os.environ.copy(),
                          stdin=subprocess.DEVNULL, timeout=120, **kwargs)


def refs_in(path: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT ref FROM complaint ORDER BY ref")]


def assert_clean(results: list[subprocess.CompletedProcess]) -> None:
    for r in results:
        assert r.returncode == 0, (r.args, r.returncode, r.stderr)
        assert "locked" not in r.stderr.lower() and "Traceback" not in r.stderr, r.stderr


def assert_gapless(refs: list[str], count: int) -> None:
    assert len(refs) == len(set(refs)) == count
    assert refs == [f"TS-2026-{n:06d}" for n in range(1, count + 1)]


def test_concurrent_cli_processes(ledger_path):
    existing = [run(ADD + ["--summary", f"existing {i}"]) for i in range(EXISTING)]
    assert_clean(existing)
    targets = refs_in(ledger_path)
    barrier = threading.Barrier(WORKERS + 1)

    def adder(worker: int) -> list[subprocess.CompletedProcess]:
        barrier.wait()
        return [run(["--as", f"clerk{worker}"] + ADD + ["--summary", f"w{worker} #{i}"]) for i in range(PER_WORKER)]

    def handler() -> list[subprocess.CompletedProcess]:
        barrier.wait()
        out = []
        for ref in targets:
            out.append(run(["--as", "handler", "ack", ref, "--via", "sms"]))
            for i in range(3):
                out.append(run(["--as", "handler", "note", ref, f"note {i}"]))
        return out

    with ThreadPoolExecutor(WORKERS + 1) as pool:
        futures = [pool.submit(adder, w) for w in range(WORKERS)] + [pool.submit(handler)]
        results = [r for f in futures for r in f.result()]
    assert_clean(results)
    assert_gapless(refs_in(ledger_path), WORKERS * PER_WORKER + EXISTING)
    with sqlite3.connect(ledger_path) as conn:
        for ref in targets:
            actions = [a for (a,) in conn.execute(
                "SELECT action FROM event e JOIN complaint c ON c.id = e.complaint_id WHERE c.ref = ? ORDER BY seq", (ref,))]
            # registered, its lapses recorded by the add (its ack, resolution and cap ran out long ago), then the handler's
            assert actions == ["registered", "escalated", "escalated", "overdue-recorded",
                               "acknowledged", "noted", "noted", "noted"], (ref, actions)
        per_clerk = dict(conn.execute("SELECT first_handler, count(*) FROM complaint GROUP BY first_handler"))
    assert per_clerk == {**{f"clerk{w}": PER_WORKER for w in range(WORKERS)}, "officer": EXISTING}
    check = run(["verify"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith(f"ok: {WORKERS * PER_WORKER + EXISTING} complaint(s)")


LIBRARY_WORKER = textwrap.dedent(
    """
    import sys
    from tsk import lifecycle
    from tsk.context import Ledger

    path, worker, count, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ledger = Ledger.open(path, "lib" + worker)
    if mode == "add":
        for i in range(count):
            lifecycle.register(ledger, lifecycle.Intake(customer="c", channel="phone", category="service",
                               business_type="card", cause="other", unit="U", summary=f"{worker}-{i}",
                               received="2026-08-03 10:00"))
    else:
        refs = sys.argv[5].split(",")
        for i in range(count):
            lifecycle.note(ledger, refs[i % len(refs)], f"note {i}")
    ledger.close()
    """
)


def test_concurrent_library_writers_in_tight_loops(ledger_path):
    """Harder contention than the CLI: no process start-up between the writes."""
    assert_clean([run(ADD + ["--summary", f"existing {i}"]) for i in range(3)])
    targets = ",".join(refs_in(ledger_path))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", LIBRARY_WORKER, ledger_path, str(w), "40", "add"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(WORKERS)]
    procs.append(subprocess.Popen([sys.executable, "-c", LIBRARY_WORKER, ledger_path, "n", "60", "note", targets],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "locked" not in err.lower(), err
    assert_gapless(refs_in(ledger_path), WORKERS * 40 + 3)
    with sqlite3.connect(ledger_path) as conn:
        assert conn.execute("SELECT count(*) FROM event WHERE action = 'noted'").fetchone()[0] == 60
    check = run(["verify"])
    assert check.returncode == 0, check.stdout + check.stderr


def test_concurrent_first_use_of_a_new_ledger(tmp_path, monkeypatch):
    """Four processes racing to create the same ledger file and its schema."""
    path = tmp_path / "fresh" / "ledger.db"
    monkeypatch.setenv("TSK_DB", str(path))
    barrier = threading.Barrier(WORKERS)

    def first(worker: int) -> subprocess.CompletedProcess:
        barrier.wait()
        return run(ADD + ["--summary", f"first {worker}", "--format", "json"])

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(first, range(WORKERS)))
    assert_clean(results)
    assert sorted(json.loads(r.stdout)["ref"] for r in results) == [f"TS-2026-{n:06d}" for n in range(1, WORKERS + 1)]
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert run(["verify"]).returncode == 0


@pytest.mark.parametrize("readers", [2])
def test_readers_do_not_block_or_fail_during_writes(ledger_path, readers):
    assert_clean([run(ADD + ["--summary", "seed"])])
    barrier = threading.Barrier(readers + 1)

    def writer() -> list[subprocess.CompletedProcess]:
        barrier.wait()
        return [run(ADD + ["--summary", f"w{i}"]) for i in range(8)]

    def reader() -> list[subprocess.CompletedProcess]:
        barrier.wait()
        return [run(["list", "--format", "json"]) for _ in range(3)] + [run(["verify"])]

    with ThreadPoolExecutor(readers + 1) as pool:
        futures = [pool.submit(writer)] + [pool.submit(reader) for _ in range(readers)]
        results = [r for f in futures for r in f.result()]
    assert_clean(results)
    assert len(refs_in(ledger_path)) == 9
