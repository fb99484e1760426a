"""The installed program, run as users, cron and scripts run it: the `tsk` console script and
`python -m tsk` in real processes; `tsk add` prompting for missing values at a terminal (a
pseudo-terminal here) and refusing to prompt without one; exit codes and no tracebacks."""

from __future__ import annotations

import json
import os
import select
import shlex
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

FULL_ADD = ["add", "--customer", "张三", "--phone", "13812345678", "--channel", "电话", "--category", "服务类",
            "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "ATM吞卡",
            "--received", "2026-08-03 10:00"]
PARTIAL_ADD = ["add", "--customer", "张三", "--channel", "phone", "--business-type", "card", "--cause", "other",
               "--received", "2026-08-03 10:00"]  # no --category, --unit, --summary


def console_script() -> list[str]:
    exe = Path(sys.executable).parent / "tsk"
    assert exe.exists(), f"the tsk console script is not installed next to {sys.executable}"
    return [str(exe)]


def module() -> list[str]:
    return [sys.executable, "-m", "tsk"]


ENTRYPOINTS = pytest.mark.parametrize("entry", [console_script, module], ids=["tsk", "python -m tsk"])


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


def run(entry, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(entry() + argv, capture_output=True, text=True, env=child_env(), timeout=120, **kwargs)


def no_traceback(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stdout + r.stderr, r.stderr


def one_error_line(r: subprocess.CompletedProcess) -> str:
    no_traceback(r)
    lines = [line for line in r.stderr.splitlines() if line.strip() and not line.startswith("Warning:")]
    assert len(lines) == 1 and lines[0].startswith("Error:"), r.stderr
    return lines[0]


def count(path: str, table: str) -> int:
    if not Path(path).exists():
        return 0
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            return 0
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- the program ---------------------------------------------------------------------------------
@ENTRYPOINTS
def test_version(entry):
    r = run(entry, ["--version"])
    assert r.returncode == 0
    assert r.stdout.startswith("tsk ")


@ENTRYPOINTS
def test_help_lists_the_commands(entry):
    r = run(entry, ["--help"])
    assert r.returncode == 0
    for command in ("add", "list", "show", "ack", "assign", "escalate", "extend", "note", "close", "reject",
                    "withdraw", "reopen", "verify", "calendar"):
        assert command in r.stdout


@ENTRYPOINTS
def test_no_command_shows_help_without_traceback(entry):
    r = run(entry, [])
    no_traceback(r)
    assert r.returncode in (0, 2)
    assert "add" in r.stdout + r.stderr


@ENTRYPOINTS
def test_add_show_and_verify_in_real_processes(entry, ledger_path):
    r = run(entry, FULL_ADD)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("TS-2026-000001 registered")
    assert "2026-08-24" in r.stdout
    r = run(entry, ["show", "TS-2026-000001", "--format", "json"])
    assert r.returncode == 0, r.stderr
    view = json.loads(r.stdout)
    assert (view["channel"], view["category"], view["customer"]["phone"]) == ("phone", "service", "138****5678")
    r = run(entry, ["verify"])
    assert r.returncode == 0 and r.stdout.startswith("ok: 1 complaint(s)")


@ENTRYPOINTS
@pytest.mark.parametrize("argv, code", [
    (["add", "--received", "2026-02-30"], 2),
    (["frobnicate"], 2),
    (["list", "--status", "lost"], 2),
    (["show", "TS-2026-999999"], 1),
    (["show", "not-a-ref"], 2),
    (["close", "TS-2026-000001", "--result", "upheld"], 2),
    (["extend", "TS-2026-000001", "--days", "99", "--reason", "r", "--notified-via", "sms"], 1),
    (["list", "--format", "xml"], 2),
])
def test_errors_in_real_processes(entry, ledger_path, argv, code):
    assert run(entry, FULL_ADD).returncode == 0
    events = count(ledger_path, "event")
    if argv[0] == "add":
        argv = FULL_ADD + argv[1:]
    r = run(entry, argv)
    assert r.returncode == code, (r.stdout, r.stderr)
    one_error_line(r)
    assert count(ledger_path, "event") == events


def test_db_option_creates_a_private_ledger(tmp_path):
    path = tmp_path / "new" / "dir" / "ledger.db"
    r = run(console_script, ["--db", str(path)] + FULL_ADD)
    assert r.returncode == 0, r.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert count(str(path), "complaint") == 1


def test_as_option_and_tsk_user(ledger_path):
    assert run(console_script, ["--as", "张敏"] + FULL_ADD).returncode == 0
    assert run(console_script, FULL_ADD).returncode == 0  # TSK_USER=officer from the fixture
    with sqlite3.connect(ledger_path) as conn:
        assert [r[0] for r in conn.execute("SELECT first_handler FROM complaint ORDER BY id")] == ["张敏", "officer"]


def test_closed_pipe_gives_no_traceback(ledger_path):
    from tsk import lifecycle
    from tsk.context import Ledger

    ledger = Ledger.open(ledger_path, "officer")
    for _i in range(400):
        lifecycle.register(ledger, lifecycle.Intake(customer="c", channel="phone", category="service",
                                                    business_type="card", cause="other", unit="U", summary="s" * 50,
                                                    received="2026-08-03 10:00"))
    ledger.close()
    for fmt in ("csv", "json", "table"):
        p = subprocess.Popen(console_script() + ["list", "--format", fmt], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=child_env())
        p.stdout.readline()
        p.stdout.close()  # like `| head -1`
        err = p.stderr.read().decode()
        p.wait(timeout=60)
        assert "Traceback" not in err, (fmt, err)


# -- prompting -------------------------------------------------------------------------------------
class Terminal:
    """A child process on a pseudo-terminal: read what it prints, type answers."""

    def __init__(self, argv: list[str]) -> None:
        import pty  # POSIX only

        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=child_env(),
                                     close_fds=True, start_new_session=True)
        os.close(slave)
        self.seen = b""
        self.pos = 0  # what expect() has consumed
        self.closed = False

    def _read(self, timeout: float) -> None:
        if self.closed:
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if chunk:
            self.seen += chunk
        else:
            self.closed = True

    def expect(self, text: str, timeout: float = 60) -> None:
        needle = text.encode()
        deadline = time.monotonic() + timeout
        while (found := self.seen.find(needle, self.pos)) < 0:
            if self.closed or time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}; got:\n{self.seen.decode(errors='replace')}")
            self._read(0.2)
        self.pos = found + len(needle)

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self._read(0.2)
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code, self.seen.decode(errors="replace")


@pytest.fixture
def terminal():
    started: list[Terminal] = []

    def start(argv: list[str]) -> Terminal:
        t = Terminal(argv)
        started.append(t)
        return t

    yield start
    for t in started:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux") and sys.platform != "darwin", reason="needs a pty")
def test_add_prompts_for_missing_values_at_a_terminal(terminal, ledger_path):
    t = terminal(console_script() + PARTIAL_ADD)
    t.expect("category")
    t.send("服务\n")  # not a category: refused, asked again
    t.expect("Error: category")
    t.expect("category")
    t.send("服务类\n")
    t.expect("unit")
    t.send("\n")  # empty: asked again
    t.expect("unit")
    t.send("城关支行\n")
    t.expect("summary")
    t.send("ATM吞卡未退\n")
    code, transcript = t.finish()
    assert code == 0, transcript
    assert "TS-2026-000001 registered" in transcript
    assert "Traceback" not in transcript
    with sqlite3.connect(ledger_path) as conn:
        row = conn.execute("SELECT category, unit, summary, customer_name FROM complaint").fetchone()
    assert row == ("service", "城关支行", "ATM吞卡未退", "张三")


@pytest.mark.skipif(not sys.platform.startswith("linux") and sys.platform != "darwin", reason="needs a pty")
def test_end_of_input_at_a_prompt_aborts_cleanly(terminal, ledger_path):
    t = terminal(console_script() + PARTIAL_ADD)
    t.expect("category")
    t.send("\x04")  # Ctrl-D
    code, transcript = t.finish()
    assert code != 0
    assert "Error:" in transcript and "Traceback" not in transcript
    assert count(ledger_path, "complaint") == 0


@pytest.mark.skipif(not sys.platform.startswith("linux") and sys.platform != "darwin", reason="needs a pty")
def test_nothing_is_asked_when_everything_is_given(terminal, ledger_path):
    t = terminal(console_script() + FULL_ADD)
    code, transcript = t.finish()
    assert code == 0, transcript
    assert "TS-2026-000001 registered" in transcript
    assert "category" not in transcript.split("registered")[0]


@ENTRYPOINTS
@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, "pipe"], ids=["devnull", "pipe"])
def test_missing_values_without_a_terminal_are_a_usage_error(entry, ledger_path, stdin):
    if stdin == "pipe":
        r = run(entry, PARTIAL_ADD, stdin=None, input="服务类\n城关支行\nsummary\n")
    else:
        r = run(entry, PARTIAL_ADD, stdin=stdin)
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = one_error_line(r)
    assert "--category" in line and "--unit" in line and "--summary" in line
    assert "--customer" not in line and "--channel" not in line
    assert r.stdout == ""
    assert count(ledger_path, "complaint") == 0


def test_every_required_value_missing_without_a_terminal(ledger_path):
    r = run(console_script, ["add"])
    assert r.returncode == 2
    line = one_error_line(r)
    for option in ("--customer", "--channel", "--category", "--business-type", "--cause", "--unit", "--summary"):
        assert option in line


@pytest.mark.parametrize("argv", [
    [b"--as", b"\xff\xfe", *(a.encode() for a in FULL_ADD)],
    [*(a.encode() for a in FULL_ADD), b"--demand", b"\xe6\x8a"],  # a Chinese character cut short
])
def test_arguments_that_are_not_utf8_in_real_processes(ledger_path, argv):
    """Linux hands such bytes to Python as surrogate escapes: refused, never written or printed."""
    r = subprocess.run([*map(os.fsencode, console_script()), *argv], capture_output=True, env=child_env(),
                       stdin=subprocess.DEVNULL, timeout=120)
    stderr = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in stderr
    assert stderr.strip().endswith("is not valid UTF-8 text") and len(stderr.strip().splitlines()) == 1, stderr
    assert count(ledger_path, "complaint") == 0


# -- pipes and where the global options go ----------------------------------------------------------
@pytest.fixture
def backlog(tmp_path):
    """A ledger whose overdue list and export are far longer than a pipe holds (64 KB)."""
    source, db = tmp_path / "backlog.csv", tmp_path / "backlog.db"
    made = subprocess.run([sys.executable, str(Path(__file__).parents[1] / "bench" / "generate.py"), "--count", "3000",
                           "--backlog", "0.5", "--quiet", "-o", str(source)], capture_output=True)
    assert made.returncode == 0, made.stderr
    done = subprocess.run([*console_script(), "--db", str(db), "import", str(source)], env=child_env(),
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    return str(db)


@pytest.mark.parametrize("command, code", [("overdue", 0), ("overdue --fail", 3), ("list --status all", 0),
                                           ("export", 0), ("overdue --format json", 0)])
def test_a_reader_that_stops_early_gets_silence_and_the_commands_own_exit_code(backlog, command, code):
    """`tsk … | head -1` under `set -o pipefail`: a traceback or exit 1 before."""
    script = f"set -o pipefail; {shlex.join(console_script())} {command} --db {shlex.quote(backlog)} | head -c 100"
    done = subprocess.run(["bash", "-c", script], env=child_env(), capture_output=True)
    assert done.returncode == code, done.stderr
    assert done.stderr == b"" and len(done.stdout) == 100


def test_global_options_work_after_the_command_name(tsk, tmp_path):
    other = str(tmp_path / "other.db")
    assert tsk([*FULL_ADD, "--db", other, "--as", "王芳"]).exit_code == 0
    shown = json.loads(tsk(["show", "TS-2026-000001", "--format", "json", f"--db={other}"]).stdout)
    assert shown["first_handler"] == "王芳"
    assert tsk(["list", "--format", "json"]).stdout == "[]\n"  # the usual ledger untouched
    assert tsk(["note", "TS-2026-000001", "--", "--db"]).exit_code == 1  # after --, a note's text; not in this ledger


# -- the pager, on a real terminal (a pseudo-terminal) ----------------------------------------------
def on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stdin and stdout on a pseudo-terminal: its exit code and what the terminal showed."""
    import pty

    master, slave = pty.openpty()
    done = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    code = done.wait(timeout=60)
    os.close(master)
    return code, shown.decode("utf-8", "replace")


@pytest.fixture
def terminal_env(tmp_path):
    env = {**child_env(), "TSK_DB": str(tmp_path / "ledger.db"), "COLUMNS": "120"}
    env.pop("TSK_PAGER", None)
    added = subprocess.run([*console_script(), *FULL_ADD], env=env, capture_output=True)
    assert added.returncode == 0, added.stderr
    return env


def test_a_listing_on_a_terminal_goes_through_the_pager(terminal_env, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {**terminal_env, "PAGER": f"cat > {shlex.quote(str(paged))}"}
    code, shown = on_a_terminal([*console_script(), "list"], env)
    assert code == 0
    assert "TS-2026-000001" in paged.read_text(encoding="utf-8") and "TS-2026-000001" not in shown
    code, shown = on_a_terminal([*console_script(), "list", "--no-pager"], {**env, "PAGER": "false"})
    assert code == 0 and "TS-2026-000001" in shown  # straight to the terminal


def test_a_change_is_not_paged_and_a_pager_quit_early_ends_quietly(terminal_env, tmp_path):
    env = {**terminal_env, "PAGER": f"cat > {shlex.quote(str(tmp_path / 'never.txt'))}"}
    code, shown = on_a_terminal([*console_script(), "note", "TS-2026-000001", "回电"], env)
    assert code == 0 and "TS-2026-000001 noted" in shown and not (tmp_path / "never.txt").exists()
    code, shown = on_a_terminal([*console_script(), "show", "TS-2026-000001"], {**env, "PAGER": "head -c 1 >/dev/null"})
    assert code == 0 and "Traceback" not in shown and "Error" not in shown


def test_the_pager_opens_only_for_text_on_the_terminal(terminal_env, tmp_path):
    """A workbook written to a file, or a refusal, prints nothing to page: no pager starts."""
    never = tmp_path / "never.txt"
    env = {**terminal_env, "PAGER": f"cat > {shlex.quote(str(never))}"}
    workbook = tmp_path / "all.xlsx"
    code, shown = on_a_terminal([*console_script(), "export", "--format", "xlsx", "-o", str(workbook)], env)
    assert code == 0 and workbook.read_bytes()[:2] == b"PK"  # a zip: the workbook
    code, shown = on_a_terminal([*console_script(), "show", "TS-2026-999999"], env)
    assert code == 1 and "Error:" in shown and "TS-2026-999999" in shown
    assert not never.exists()
    code, shown = on_a_terminal([*console_script(), "overdue", "--as-of", "2027-06-01"], env)
    assert code == 0 and "TS-2026-000001" in never.read_text(encoding="utf-8")


def test_shell_completion_is_typers_own_through_the_installed_tsk():
    """The protocol the script `tsk --install-completion` installs speaks, through the installed tsk."""
    env = {**child_env(), "_TSK_COMPLETE": "complete_bash", "COMP_WORDS": "tsk report ", "COMP_CWORD": "2"}
    words = subprocess.run(console_script(), env=env, capture_output=True, text=True).stdout.split()
    assert words == ["half-year", "stats", "trend"] or set(words) >= {"half-year", "stats", "trend"}
