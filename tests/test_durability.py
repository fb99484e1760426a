"""Nothing committed is lost, and no ref is ever issued twice (README, Reliability): every
write is on disk before tsk reports it (`synchronous = FULL`), and the next ref lies above
the counter and above every ref the ledger holds, whatever set the counter back."""

from __future__ import annotations

import gc
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers import Live, add, sql

from tsk.context import Ledger
from tsk.exchange.imports import import_file


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


def verify(tsk) -> tuple[int, str]:
    run = tsk("verify")
    return run.exit_code, run.stdout + run.stderr


# -- durability ------------------------------------------------------------------------------------
def test_every_connection_commits_with_synchronous_full(ledger_path, tsk, tmp_path):
    ledger = Ledger.open(ledger_path)
    try:
        assert ledger.store.value("PRAGMA synchronous") == 2  # FULL; NORMAL (1) may lose a commit
    finally:
        ledger.close()
    add(tsk)
    exported = tmp_path / "all.csv"
    exported.write_text(tsk("export --show-pii").stdout, encoding="utf-8")
    other = Ledger.open(str(tmp_path / "other.db"), "officer")
    try:
        import_file(other, str(exported))  # an import into an empty ledger: a rollback journal, then WAL again
        assert other.store.value("PRAGMA synchronous") == 2
        assert other.store.value("PRAGMA journal_mode") == "wal"
    finally:
        other.close()


# -- refs are never issued twice -------------------------------------------------------------------
def test_a_counter_set_back_never_reissues_a_ref_and_verify_names_it(tsk, ledger_path):
    refs = [add(tsk) for _ in range(3)]
    sql(ledger_path, "UPDATE ref_counter SET last = 1 WHERE year = 2026")
    code, out = verify(tsk)
    assert code == 1 and "ref counter of 2026 is 1, below TS-2026-000002, TS-2026-000003 held in the ledger" in out
    assert add(tsk) == "TS-2026-000004" not in refs
    assert verify(tsk)[0] == 0


def test_a_lost_counter_row_never_reissues_a_ref(tsk, ledger_path):
    for _ in range(3):
        add(tsk)
    sql(ledger_path, "DELETE FROM ref_counter")
    code, out = verify(tsk)
    assert code == 1 and "ref counter of 2026 is 0, below TS-2026-000001" in out
    assert add(tsk) == "TS-2026-000004"


def test_the_newest_complaint_deleted_with_its_history_is_named_and_its_ref_not_reissued(tsk, ledger_path):
    for _ in range(3):
        add(tsk)
    sql(ledger_path, "DELETE FROM event WHERE complaint_id = (SELECT id FROM complaint WHERE ref = 'TS-2026-000003')")
    sql(ledger_path, "DELETE FROM complaint WHERE ref = 'TS-2026-000003'")
    code, out = verify(tsk)
    assert code == 1 and "TS-2026-000003: issued but missing from the ledger" in out
    assert add(tsk) == "TS-2026-000004"


def test_a_lost_wal_tail_leaves_no_trace_in_the_file(tsk, ledger_path, tmp_path):
    """What FULL prevents, simulated: the WAL as it was after two adds, the later add and close
    lost with it. A ledger file cannot know what it never kept: verify finds it consistent and
    the lost ref is issued again. Only something kept elsewhere shows the loss (the digest and
    refs in last night's mail); with FULL a commit that tsk reported is never lost this way."""
    reader = sqlite3.connect(ledger_path)  # another officer's open ledger: the WAL is not checkpointed
    try:
        first = add(tsk)
        add(tsk)
        for suffix in ("", "-wal"):
            shutil.copyfile(ledger_path + suffix, tmp_path / f"saved{suffix}")
        lost = add(tsk)
        ok = tsk(["close", first, "--result", "upheld", "--resolution", "致歉", "--notified-via", "phone"])
        assert ok.exit_code == 0, ok.stderr
        digest_before_loss = verify(tsk)[1].splitlines()[-1]
    finally:
        reader.close()
    gc.collect()  # the in-process commands' connections, closed as a process exit closes them
    for suffix in ("", "-wal"):
        shutil.copyfile(tmp_path / f"saved{suffix}", ledger_path + suffix)
    Path(ledger_path + "-shm").unlink(missing_ok=True)
    code, out = verify(tsk)
    assert code == 0 and out.startswith("ok: 2 complaint(s), 2 event(s)"), out
    assert out.splitlines()[-1] != digest_before_loss  # the mailed digest is the only witness
    assert add(tsk) == lost  # issued again: the file holds no trace of it
