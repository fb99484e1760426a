"""Nothing lost, nothing hidden, never a traceback (issue 14): the ledger file is the owner's
alone and is the file tsk checked; a full disk, a read-only ledger, an interrupted or
terminated command each end in one `Error:` line (or a correct result) and leave nothing
half-written."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import invoke
from helpers import one_error_line, snapshot
from test_entrypoint import FULL_ADD, PARTIAL_ADD, Terminal, child_env, console_script, count

NOBODY = 65534


def mode(path) -> int:
    return os.stat(path).st_mode & 0o777


def add(tsk, db: str | None = None) -> str:
    run = tsk((["--db", db] if db else []) + FULL_ADD)
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


# -- item 5: files readable by the owner only, and the file tsk checked -------------------------
def test_a_file_uri_is_a_path_never_another_file(tsk, tmp_path, monkeypatch):
    """`--db file:/x` opened /x (a URI to SQLite) while tsk had secured `./file:/x`."""
    victim = tmp_path / "victim.db"
    with sqlite3.connect(victim) as conn:
        conn.execute("CREATE TABLE secret (x)")
    victim.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    add(tsk, f"file:{victim}")
    with sqlite3.connect(victim) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["secret"]
    assert mode(victim) == 0o644  # not tsk's: left alone
    secured = tmp_path / ("file:" + str(victim))  # ./file:/tmp/…/victim.db, as a path
    assert mode(secured) == 0o600 and count(str(secured), "complaint") == 1


def test_sqlite_url_names_the_same_file(tsk, tmp_path):
    path = tmp_path / "url.db"
    add(tsk, f"sqlite:///{path}")
    assert count(str(path), "complaint") == 1 and mode(path) == 0o600


def test_every_folder_tsk_creates_is_the_owners_only(tsk, tmp_path):
    path = tmp_path / "a" / "b" / "c" / "ledger.db"
    add(tsk, str(path))
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3
    assert mode(path) == 0o600


def test_a_folder_another_process_made_meanwhile_is_used_not_refused(tsk, tmp_path, monkeypatch):
    """Processes racing to create the same new ledger: one finds its folder missing, and
    another makes it before this one does (as tests/test_concurrency.py races them)."""
    from tsk.store import db

    folder = tmp_path / "fresh"
    exists = Path.exists

    def made_meanwhile(self: Path) -> bool:
        if self == folder and not exists(self):
            folder.mkdir(mode=0o700)  # the other process
            return False  # as this one saw it a moment before
        return exists(self)

    monkeypatch.setattr(Path, "exists", made_meanwhile)
    db._create_private_file(folder / "ledger.db")
    monkeypatch.undo()
    assert mode(folder / "ledger.db") == 0o600
    add(tsk, str(folder / "ledger.db"))
    assert count(str(folder / "ledger.db"), "complaint") == 1


def test_a_ledger_readable_by_others_is_made_private_with_one_warning(tsk, ledger_path):
    add(tsk)
    holder = sqlite3.connect(ledger_path)  # keeps the -wal and -shm in place
    holder.execute("SELECT count(*) FROM complaint").fetchone()
    try:
        for suffix in ("", "-wal", "-shm"):
            os.chmod(ledger_path + suffix, 0o644)
        run = tsk("list")
        assert run.exit_code == 0
        assert run.stderr.splitlines() == [f"Warning: the ledger {ledger_path} was readable by others; "
                                           "it is now readable by its owner only (mode 600)"]
        assert [mode(ledger_path + s) for s in ("", "-wal", "-shm")] == [0o600] * 3
        assert tsk("list").stderr == ""  # once
        os.chmod(ledger_path + "-wal", 0o640)  # a companion alone is enough
        assert "Warning: the ledger" in tsk("list").stderr and mode(ledger_path + "-wal") == 0o600
    finally:
        holder.close()


def test_a_ledger_that_cannot_be_made_private_is_refused(tsk, ledger_path, monkeypatch):
    add(tsk)
    before = snapshot(ledger_path)
    os.chmod(ledger_path, 0o644)

    def not_the_owner(path, mode):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", not_the_owner)
    run = tsk("list")
    assert run.exit_code == 1
    assert one_error_line(run) == (f"Error: the ledger {ledger_path} is readable by others (mode 644) and cannot be "
                                   "made private: Operation not permitted; make it mode 600 (chmod 600)")
    assert run.stdout == "" and snapshot(ledger_path) == before


def test_files_sqlite_creates_beside_the_ledger_are_private_whatever_the_umask(tmp_path):
    from tsk.context import Ledger

    path = str(tmp_path / "new" / "ledger.db")
    old = os.umask(0)
    try:
        ledger = Ledger.open(path)
        ledger.store.value("SELECT count(*) FROM complaint")
        assert [mode(path + s) for s in ("", "-wal", "-shm")] == [0o600] * 3
        assert mode(tmp_path / "new") == 0o700
        ledger.close()
    finally:
        os.umask(old)


# -- item 8: a full disk says so, and leaves everything as it was -------------------------------
@pytest.fixture
def page_limit(monkeypatch):
    """Once `extra[0]` is set, every ledger opened may grow by that many pages only: SQLite's
    own "database or disk is full"."""
    from tsk.store import db

    extra: list[int | None] = [None]
    opened = db.SqliteStore.__init__

    def limited(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        if extra[0] is None:
            return
        pages = self.conn.execute("PRAGMA page_count").fetchone()["page_count"]
        self.conn.execute(f"PRAGMA max_page_count = {pages + extra[0]}")

    monkeypatch.setattr(db.SqliteStore, "__init__", limited)
    return extra


def big_csv(path: Path, rows: int, first: int = 100) -> Path:
    header = "ref,received_at,channel,category,business_type,cause,customer_name,unit,summary\n"
    body = "".join(f"TS-2026-{first + i:06d},2026-08-03 10:00,电话,服务类,银行卡,其他,客户{i},城关支行,{'长' * 200}{i}\n"
                   for i in range(rows))
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("what", ["import", "add"])
def test_a_full_disk_is_named_and_nothing_is_written(tsk, ledger_path, tmp_path, page_limit, what):
    add(tsk)
    before = snapshot(ledger_path)
    if what == "import":
        page_limit[0] = 8
        run = tsk(["import", str(big_csv(tmp_path / "big.csv", 2000))])
    else:
        page_limit[0] = 0
        run = tsk(FULL_ADD + ["--demand", "退款" * 4500, "--address", "路" * 9000])  # more pages than are free
    assert run.exit_code == 1
    line = one_error_line(run)
    assert line.startswith("Error: the disk is full") and "rollback" not in line
    assert snapshot(ledger_path) == before


def test_an_export_that_fails_leaves_the_earlier_file_and_no_temporary_one(tsk, tmp_path, monkeypatch):
    from tsk.exchange import export

    add(tsk)
    out = tmp_path / "out.csv"
    out.write_text("yesterday's export\n", encoding="utf-8")
    os.chmod(out, 0o600)
    written = export.write_csv

    def disk_full_half_way(records, stream, **kwargs):
        stream.write("ref,status\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_csv", disk_full_half_way)
    run = tsk(["export", "-o", str(out)])
    assert run.exit_code == 1
    assert one_error_line(run) == f"Error: cannot write {out}: No space left on device"
    assert out.read_text(encoding="utf-8") == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
    monkeypatch.setattr(export, "write_csv", written)
    assert tsk(["export", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("ref,status,") and mode(out) == 0o600


def test_an_export_to_a_device_is_written_in_place(tsk):
    add(tsk)
    assert tsk(["export", "-o", os.devnull]).exit_code == 0
    assert Path(os.devnull).is_char_device()


def no_bigger_than(limit: int):
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_an_export_past_the_file_size_limit_fails_whole_in_a_real_process(tsk, tmp_path, ledger_path):
    for _ in range(30):
        add(tsk)
    out = tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    r = subprocess.run(console_script() + ["export", "-o", str(out)], capture_output=True, text=True, env=child_env(),
                       timeout=120, preexec_fn=no_bigger_than(4096))
    assert r.returncode == 1
    assert one_error_line(r) == f"Error: cannot write {out}: File too large"
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("to", ["stdout", "-o"])
def test_an_export_to_a_full_device_says_so(tsk, to):
    """/dev/full: every write fails with ENOSPC, as on a full disk."""
    add(tsk)
    argv = console_script() + ["export"] + (["-o", "/dev/full"] if to == "-o" else [])
    with open("/dev/full", "w") as full:
        r = subprocess.run(argv, stdout=full if to == "stdout" else subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=child_env(), timeout=120)
    assert r.returncode == 1
    where = "to standard output" if to == "stdout" else "/dev/full"
    assert r.stderr == f"Error: cannot write {where}: No space left on device\n"


@contextlib.contextmanager
def tmpfs(size: str):
    """A small filesystem of its own (root only), to fill for real."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    where = tempfile.mkdtemp(prefix="tsk-full-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", where], capture_output=True).returncode:
        os.rmdir(where)
        pytest.skip("mount is not permitted here")
    try:
        yield Path(where)
    finally:
        subprocess.run(["umount", "--lazy", where], check=True)  # this process may still hold a ledger open
        os.rmdir(where)


def test_a_really_full_disk_during_import_and_export(tsk, tmp_path):
    with tmpfs("1m") as disk:
        ledger = str(disk / "ledger.db")
        add(tsk, ledger)
        before = snapshot(ledger)
        r = subprocess.run(console_script() + ["--db", ledger, "import", str(big_csv(tmp_path / "big.csv", 3000))],
                           capture_output=True, text=True, env=child_env(), timeout=300)
        assert r.returncode == 1
        assert one_error_line(r).startswith("Error: the disk is full")
        assert snapshot(ledger) == before
        out = disk / "out.csv"
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:
            while True:
                filler.write(b"x" * 4096)
                filler.flush()
        r = subprocess.run(console_script() + ["--db", ledger, "export", "-o", str(out)],
                           capture_output=True, text=True, env=child_env(), timeout=120)
        assert r.returncode == 1
        assert one_error_line(r) == f"Error: cannot write {out}: No space left on device"
        assert not out.exists() and [p.name for p in disk.iterdir() if p.name.endswith(".tmp")] == []


# -- item 8: a ledger that can only be read is read ---------------------------------------------
READS = [["list"], ["show", "REF"], ["overdue", "--as-of", "2026-09-30"], ["export"], ["verify"],
         ["report", "half-year", "2026H2", "--format", "json"], ["calendar", "shift", "2026-09-30", "5"]]


def as_the_owner_without_root(argv: list[str]) -> tuple[int, str, str]:
    """`tsk argv` in a forked child that, run as root, first becomes nobody (root ignores file
    modes); the CLI in-process there, with what the parent has loaded (nobody cannot read
    this Python's standard library)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            run = invoke(argv)
            os.write(write_end, json.dumps([run.exit_code, run.stdout, run.stderr]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(data))  # type: ignore[return-value]


@pytest.fixture
def shared_ledger(tsk, monkeypatch):
    """A ledger with one complaint, in a folder nobody could reach too."""
    top = Path(tempfile.mkdtemp(prefix="tsk-ro-"))
    os.chmod(top, 0o755)
    path = str(top / "ledger" / "ledger.db")
    ref = add(tsk, path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(top / "cache"))
    monkeypatch.setenv("TSK_DB", path)
    yield path, ref
    for p in (top / "ledger", *(top / "ledger").iterdir()):
        os.chmod(p, 0o700)
    shutil.rmtree(top)


def give_to_the_reader(top: Path) -> None:
    """As root, everything under `top` becomes nobody's, who will read it."""
    if os.geteuid() == 0:
        for p in (top, *top.rglob("*")):
            os.chown(p, NOBODY, NOBODY)


@pytest.mark.parametrize("made", ["folder 0500", "file 0400", "both"])
def test_a_ledger_that_cannot_be_written_is_still_read(tsk, shared_ledger, made):
    path, ref = shared_ledger
    commands = [[ref if a == "REF" else a for a in argv] for argv in READS]
    expected = [invoke(argv) for argv in commands]  # also loads every module the child needs
    give_to_the_reader(Path(path).parent.parent)
    before = snapshot(path)
    if made != "folder 0500":
        os.chmod(path, 0o400)
    if made != "file 0400":
        os.chmod(os.path.dirname(path), 0o500)
    for argv, want in zip(commands, expected):
        code, out, err = as_the_owner_without_root(argv)
        assert (code, out) == (want.exit_code, want.stdout), (argv, err)
        assert "Error" not in err and "Traceback" not in err
    code, out, err = as_the_owner_without_root(FULL_ADD)
    assert code == 1 and out == ""
    assert err.strip() == (f"Error: the ledger {path} is read-only here (its file or folder cannot be written): "
                           "only commands that read it can run")
    assert snapshot(path) == before


def test_a_ledger_on_a_read_only_filesystem_is_read(tsk, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    folder = tmp_path / "ro"
    path = str(folder / "ledger.db")
    ref = add(tsk, path)
    want = invoke(["--db", path, "show", ref])
    if subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip("mount is not permitted here")
    try:
        r = subprocess.run(console_script() + ["--db", path, "show", ref], capture_output=True, text=True,
                           env=child_env(), timeout=120)
        assert (r.returncode, r.stdout) == (0, want.stdout), r.stderr
        r = subprocess.run(console_script() + ["--db", path] + FULL_ADD, capture_output=True, text=True,
                           env=child_env(), timeout=120)
        assert r.returncode == 1 and "is read-only here" in one_error_line(r)
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# -- item 9: Ctrl-C and SIGTERM -----------------------------------------------------------------
@pytest.mark.parametrize("sig, code, line", [(signal.SIGTERM, 143, "Error: terminated"),
                                             (signal.SIGINT, 130, "Error: interrupted")], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_a_long_import_writes_nothing(tsk, tmp_path, ledger_path, sig, code, line):
    add(tsk)  # not empty: the import writes through the WAL, which shows it under way
    before = snapshot(ledger_path)
    source = big_csv(tmp_path / "big.csv", 40000)
    proc = subprocess.Popen(console_script() + ["import", str(source)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env())
    wal = Path(ledger_path + "-wal")
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 1 << 20) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be interrupted"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert [ln for ln in err.splitlines() if ln.strip()] == [line]
    assert out == "" and snapshot(ledger_path) == before
    assert tsk("verify").exit_code == 0


def test_ctrl_c_at_a_prompt_is_one_line_too():
    """`tsk add` asking for a missing value at a terminal, and the officer gives up."""
    t = Terminal(console_script() + PARTIAL_ADD)
    try:
        t.expect("category")
        t.proc.send_signal(signal.SIGINT)
        code, transcript = t.finish()
    finally:
        if t.proc.poll() is None:
            t.proc.kill()
    assert code == 130
    assert transcript.splitlines()[-1].strip() == "Error: interrupted"
    assert "Traceback" not in transcript
