"""The benchmarks of issue 7: whole-process timings of tsk commands on realistic ledgers,
side by side with the reference commands, run in the same session.

    python3 bench/run.py --quick          # 1k / 10k ledgers, a few runs: try it out (~1-2 min)
    python3 bench/run.py                  # 100k for the per-command figures, 1M for import/report/check

What it does:
1. installs tsk NON-editable into bench/.venv-bench (created on first use with
   `python3 -m venv` + `pip install .`; refreshed with `pip install .` (the pinned
   dependencies) then `pip install --no-deps --force-reinstall .` on every run, so the
   figures are those of the working tree as it is now). An editable install adds a path-hook
   finder to every start-up; the bench measures what users install. The minimal Typer app
   runs on the typer tsk installs, and once more on the newest typer (bench/.venv-typer-newest,
   `pip install typer`): the issue's reference figure, and what the pin in pyproject.toml saves.
2. generates ledgers with bench/generate.py (cached in bench/out/, keyed by size and seed):
   the per-command ledger, the import/report ledger, and a check ledger with a 10% stalled
   backlog (~100k newly overdue complaints at 1M, and no lapse recorded yet);
3. builds the ledgers with `tsk import` into fresh SQLite files, and (groups postgres,
   postgres-large: bench/pg.py) into PostgreSQL databases of a local pgserver;
4. times each command as a whole process: N runs after one warm-up run (page cache and .pyc
   warm, as for an officer typing commands all day), median/min/max wall time, and the
   peak RSS of each run from wait4()'s rusage (the same figure as /usr/bin/time -f %M);
   each PostgreSQL command right after its SQLite twin, in the same rounds;
5. prints the table with the ratios to the targets of issues 7 and 17, then every command it ran.

Benchmarks, not tests: nothing fails on a missed target; the table says which are missed.
The machine is shared (2 cores): the load average before and after is printed — figures
taken under load are noisier, the ratios of commands run side by side less so.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pg  # bench/pg.py: PostgreSQL beside SQLite
from taskwarrior import taskwarrior_data

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
VENV = BENCH / ".venv-bench"
NEWEST_TYPER_VENV = BENCH / ".venv-typer-newest"  # the minimal Typer app on the newest typer
CHINA = dt.timezone(dt.timedelta(hours=8))
RSS_LIMIT_MB = 150


# -- running and timing ------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    size: str
    argv: list[str]
    env: dict[str, str]
    times: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of each run
    codes: list[int] = field(default_factory=list)
    first_line: str = ""
    error: str = ""
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak_rss(self) -> float:
        return max(self.rss_mb) if self.rss_mb else float("nan")

    def failed(self, code: int, err: str) -> None:
        """Its run exited `code`: no more runs of it, and the table says why."""
        self.error = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else '(no stderr)'}"
        print(f"  {self.name} [{self.size}] FAILED ({self.error})", file=sys.stderr)

    def record(self, seconds: float, rss: float, cpu: float, code: int, first: str) -> None:
        """One timed run."""
        self.times.append(seconds)
        self.rss_mb.append(rss)
        self.cpu.append(cpu)
        self.codes.append(code)
        self.first_line = first


def run_once(argv: list[str], env: dict[str, str], stdin_path: str | None = None):
    """One whole-process run: (seconds, peak RSS MB, exit code, first line of stdout, stderr, CPU seconds)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            began = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, env=env, cwd=OUT)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - began
        finally:
            if stdin_path:
                stdin.close()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        first = out.read(4000).decode("utf-8", "replace").strip().splitlines()
        err.seek(0)
        return (seconds, usage.ru_maxrss / 1024, code, (first[0] if first else ""),
                err.read(4000).decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime)


def measure(name: str, size: str, argv: list[str], *, runs: int, env: dict[str, str], ok_codes=(0,),
            setup=None, warmup: bool = True, stdin_path: str | None = None, pick_line=None) -> Result:
    """Time `argv` `runs` times (after a warm-up run unless told not to); `setup()` runs untimed
    before each run (e.g. a fresh copy of a ledger that the command changes)."""
    result = Result(name, size, argv, env)
    print(f"  {name} [{size}] ...", end="", flush=True, file=sys.stderr)
    for i in range(runs + (1 if warmup else 0)):
        if setup:
            setup()
        seconds, rss, code, first, err, cpu = run_once(argv, env, stdin_path)
        if code not in ok_codes:
            print(file=sys.stderr)
            result.failed(code, err)
            return result
        if warmup and i == 0:
            continue
        result.record(seconds, rss, cpu, code, first if pick_line is None else pick_line(first, err))
    print(f" {result.median * 1000:.0f} ms, {result.peak_rss:.0f} MB", file=sys.stderr)
    return result


def measure_interleaved(specs: list[Result], *, runs: int) -> None:
    """Time quick commands round-robin: one warm-up run each, then `runs` rounds of one run of
    every command, so a burst of load on this shared machine hits all of them alike."""
    print(f"  {len(specs)} quick commands, interleaved: warm-up + {runs} rounds", file=sys.stderr)
    live = list(specs)
    for round_ in range(runs + 1):
        for r in list(live):
            seconds, rss, code, first, err, cpu = run_once(r.argv, r.env)
            if code != 0:
                r.failed(code, err)
                live.remove(r)
                continue
            if round_ == 0:
                continue
            r.record(seconds, rss, cpu, code, first)
        print(f"  round {round_}/{runs} done", file=sys.stderr)
    for r in specs:
        if r.times:
            print(f"  {r.name} [{r.size}]: {r.median * 1000:.0f} ms, {r.peak_rss:.0f} MB", file=sys.stderr)


def shell_line(argv: list[str], env: dict[str, str], base_env: dict[str, str]) -> str:
    extra = {k: v for k, v in env.items() if base_env.get(k) != v}
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(extra.items()))
    return (prefix + " " if prefix else "") + " ".join(shlex.quote(a) for a in argv)


# -- setup ---------------------------------------------------------------------------------------
def ensure_venv(python: str | None, install: bool, postgres: bool = False) -> Path:
    """The interpreter that runs tsk: bench/.venv-bench with a non-editable install of the repo
    (with psycopg, and pgserver for a local server, when PostgreSQL is timed)."""
    if python:
        return Path(python)
    py = VENV / "bin" / "python"
    wanted = [f"{REPO}[postgres]", *pg.needs(REPO / "pyproject.toml")] if postgres else [str(REPO)]
    if not py.exists():
        print(f"creating {VENV} (python3 -m venv; pip install {' '.join(wanted)})", file=sys.stderr)
        subprocess.run([sys.executable if sys.version_info >= (3, 11) else "python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *wanted], check=True)
    elif install or (postgres and subprocess.run([str(py), "-c", "import psycopg, pgserver"], capture_output=True).returncode):
        print(f"reinstalling tsk from {REPO} into {VENV} (non-editable)", file=sys.stderr)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *wanted], check=True,  # dependencies as pinned now
                       stdout=subprocess.DEVNULL)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(REPO)], check=True,
                       stdout=subprocess.DEVNULL)
    if not python and (install or not (VENV / "tsk-source.txt").exists()):
        (VENV / "tsk-source.txt").write_text(git_state(), encoding="utf-8")
    return py


def newest_typer_python() -> Path | None:
    """An interpreter with the newest typer from the package index (created on first use), or
    None when it cannot be installed."""
    py = NEWEST_TYPER_VENV / "bin" / "python"
    if not py.exists():
        print(f"creating {NEWEST_TYPER_VENV} (python3 -m venv; pip install typer)", file=sys.stderr)
        made = subprocess.run([sys.executable, "-m", "venv", str(NEWEST_TYPER_VENV)]).returncode == 0 and \
            subprocess.run([str(py), "-m", "pip", "install", "-q", "typer"], stdout=subprocess.DEVNULL).returncode == 0
        if not made:
            shutil.rmtree(NEWEST_TYPER_VENV, ignore_errors=True)
            return None
    return py


def installed_state(py: Path) -> str:
    """What the bench interpreter's tsk was installed from (recorded at install time)."""
    stamp = py.parent.parent / "tsk-source.txt"
    return stamp.read_text(encoding="utf-8") if stamp.exists() else f"as installed in {py} (--python)"


def generate(py: Path, count: int, seed: int, backlog: float = 0.0) -> Path:
    name = f"ledger-{count}-s{seed}" + (f"-backlog{backlog:g}" if backlog else "") + ".csv"
    path = OUT / name
    script = BENCH / "generate.py"
    if path.exists() and path.stat().st_mtime > script.stat().st_mtime:
        return path
    print(f"generating {path.name}", file=sys.stderr)
    tmp = path.with_suffix(".tmp")
    argv = [str(py), str(script), "--count", str(count), "--seed", str(seed), "-o", str(tmp)]
    if backlog:
        argv += ["--backlog", str(backlog)]
    subprocess.run(argv, check=True)
    tmp.replace(path)
    return path


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def copy_db(src: Path, dst: Path) -> None:
    remove_db(dst)
    shutil.copyfile(src, dst)
    for suffix in ("-wal",):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


def count_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM complaint").fetchone()[0]


def a_ref(csv_path: Path, fraction: float = 0.5) -> str:
    """A ref from the middle of the ledger (a closed complaint with a history)."""
    import csv

    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        total = sum(1 for _ in rows)
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for i, row in enumerate(rows):
            if i >= int(total * fraction) and row[1] == "closed":
                return row[0]
    raise SystemExit(f"no closed complaint in {csv_path}")


def version_of(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not installed"


# -- the table -------------------------------------------------------------------------------------
def fmt_s(seconds: float) -> str:
    if seconds != seconds:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def cpu_ratio(a: Result, b: Result) -> float:
    """The same ratio in CPU time (user + system): steadier than wall time on a loaded machine."""
    return statistics.median(a.cpu) / statistics.median(b.cpu)


def verdict(value: float, limit: float, smaller_is_better: bool = True) -> str:
    if value != value:
        return "n/a"
    good = value <= limit if smaller_is_better else value >= limit
    return "ok" if good else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k / 10k ledgers and fewer runs, to try it out")
    parser.add_argument("--small", type=int, help="per-command ledger size (default 100000; --quick 1000)")
    parser.add_argument("--large", type=int, help="import/report/check ledger size (default 1000000; --quick 10000)")
    parser.add_argument("--runs", type=int, help="timed runs of quick commands (default 10; --quick 5)")
    parser.add_argument("--heavy-runs", type=int, help="timed runs of import and check (default 3; --quick 2)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backlog", type=float, default=0.1, help="stalled share of the check ledger (default 0.1)")
    parser.add_argument("--python", help="run tsk with this interpreter (its `tsk` script beside it) instead of "
                                         "bench/.venv-bench")
    parser.add_argument("--no-install", action="store_true", help="do not refresh the tsk install in bench/.venv-bench")
    parser.add_argument("--no-taskwarrior", action="store_true")
    parser.add_argument("--only", help="comma-separated groups: refs,commands,import,report,check,taskwarrior,large,"
                                       "postgres (the small ledger's commands on PostgreSQL too),postgres-large")
    parser.add_argument("--no-rls", action="store_true", help="PostgreSQL as the ledger's owner, without row-level security")
    args = parser.parse_args(argv)
    small = args.small or (1000 if args.quick else 100_000)
    large = args.large or (10_000 if args.quick else 1_000_000)
    runs = args.runs or (5 if args.quick else 10)
    heavy = args.heavy_runs or (2 if args.quick else 3)
    groups = set((args.only or "refs,commands,import,report,check,taskwarrior,large,postgres").split(","))
    OUT.mkdir(exist_ok=True)

    load_before = os.getloadavg()
    py = ensure_venv(args.python, not args.no_install, postgres=bool(groups & pg.GROUPS))
    tsk = str(py.parent / "tsk")
    base_env = dict(os.environ)
    env = {**base_env, "TSK_USER": "bench", "COLUMNS": "160"}
    for leftover in ("TSK_DB", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "VIRTUAL_ENV"):
        env.pop(leftover, None)
    def label(n):
        return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
    S, L = label(small), label(large)
    today = dt.datetime.now(CHINA).date().isoformat()

    small_csv = generate(py, small, args.seed)
    large_csv = generate(py, large, args.seed) if groups & {"import", "report", "large", "postgres-large"} else None
    check_csv = generate(py, large, args.seed, args.backlog) if groups & {"check", "postgres-large"} else None

    has_import = subprocess.run([tsk, "import", "--help"], capture_output=True, env=env).returncode == 0
    results: list[Result] = []
    notes: list[str] = []
    small_db = OUT / f"ledger-{small}.db"

    def tsk_import(csv_path: Path, db: Path) -> None:
        remove_db(db)
        code = subprocess.run([tsk, "--db", str(db), "import", str(csv_path)], env=env, cwd=OUT,
                              stdout=subprocess.DEVNULL).returncode
        if code != 0:
            raise SystemExit(f"tsk import {csv_path} failed (exit {code})")

    if not has_import:
        notes.append("`tsk import` is not available yet: no ledger can be built, tsk commands skipped")
    else:
        print(f"building the {S} ledger (tsk import)", file=sys.stderr)
        tsk_import(small_csv, small_db)
        assert count_rows(small_db) == small

    def R(*a, **k):
        return results.append(measure(*a, env=env, **k)) or results[-1]
    quick: list[Result] = []  # timed together, interleaved, at the end
    def Q(name, size, argv, e=None):
        return quick.append(Result(name, size, argv, e or env))

    # -- references -----------------------------------------------------------------------------
    if "refs" in groups:
        Q("python -c pass", "", [str(py), "-c", "pass"])
        if small_db.exists():
            Q("python + sqlite3, one indexed count", S,
              [str(py), "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM "
               "complaint WHERE status = 'open' AND due < ?\", (sys.argv[2],)).fetchone()[0])", str(small_db), today])
        Q("minimal Typer app, one option", "", [str(py), str(BENCH / "min_typer.py"), "--name", "张三"])
        newest = newest_typer_python()
        if newest is not None:
            label = f"minimal Typer app, newest typer {version_of([str(newest), '-c', 'import typer; print(typer.__version__)'])}"
            Q(label, "", [str(newest), str(BENCH / "min_typer.py"), "--name", "张三"])

    # -- per-command on the small ledger ---------------------------------------------------------
    if groups & {"commands", "postgres"} and has_import:
        db = str(small_db)
        Q("tsk overdue", S, [tsk, "--db", db, "overdue"])
        Q("tsk list --limit 50", S, [tsk, "--db", db, "list", "--limit", "50"])
        Q("tsk show REF", S, [tsk, "--db", db, "show", a_ref(small_csv)])
        add_db = OUT / f"ledger-{small}-add.db"
        copy_db(small_db, add_db)
        Q("tsk add (copy of the ledger)", S,
          [tsk, "--db", str(add_db), "add", "--customer", "李秀英", "--phone", "13912345678",
           "--id-number", "440106198507150027", "--channel", "phone", "--category", "service", "--business-type", "card",
           "--cause", "service-quality", "--unit", "天河支行", "--summary", "客户反映排队等候时间过长",
           "--demand", "要求改进服务"])

    # -- PostgreSQL beside SQLite: the same ledgers, each command's twin timed beside it (issue 17) ---
    heavy_pairs: list[tuple[Result, object]] = []  # SQLite, then PostgreSQL, in turn
    if (server := pg.Server(py, OUT / "pg").start() if groups & pg.GROUPS and has_import else None) is not None:
        atexit.register(server.stop)
        twins = pg.Twins(server, tsk, env, installed_state(py), not args.no_rls, notes, quick, heavy_pairs)

    def check_pair(size: str, pristine: Path, database: str, nightly: str) -> None:
        work = OUT / f"{pristine.stem}-check.db"  # a fresh copy of `pristine` before each run
        lite = Result("tsk check (nightly, fresh copy each run)", size, [tsk, "--db", str(work), "check"], env)
        twins.check(lite, lambda: copy_db(pristine, work), database, nightly)

    if "postgres" in groups and server is not None:
        Q("tsk report half-year 2026H1", S, [tsk, "--db", str(small_db), "report", "half-year", "2026H1"])
        twins.add(S, small_csv, f"ledger_{small}", pg.COMMANDS)
        small_check_csv = generate(py, small, args.seed, args.backlog)
        small_pristine = OUT / f"ledger-{small}-backlog.db"
        tsk_import(small_check_csv, small_pristine)
        check_pair(S, small_pristine, f"ledger_{small}_backlog", twins.add(S, small_check_csv, f"ledger_{small}_backlog"))

    # -- Taskwarrior -----------------------------------------------------------------------------
    task_version = version_of(["task", "--version"])
    if "taskwarrior" in groups and not args.no_taskwarrior:
        if shutil.which("task") is None:
            notes.append("Taskwarrior: not installed (apt-get install taskwarrior)")
        else:
            for all_pending in (False, True):
                data, rc = taskwarrior_data(small_csv, all_pending)
                what = "every task pending" if all_pending else "mirror: open=pending, rest completed/deleted"
                Q(f"task +OVERDUE export ({what})", S, ["task", "+OVERDUE", "export"],
                  {**env, "TASKDATA": str(data), "TASKRC": str(rc)})

    # -- import (heavy: one run after another, a fresh ledger each) ---------------------------------
    if "import" in groups and large_csv is not None:
        sq_db = OUT / f"sqlite3-import-{large}.db"
        R("sqlite3 CLI .import --csv (fresh table)", L,
          ["sqlite3", str(sq_db), f".import --csv {large_csv} complaint"], runs=heavy, warmup=False,
          setup=lambda: remove_db(sq_db))
        remove_db(sq_db)
        if has_import:
            imp_db = OUT / f"ledger-{large}.db"
            R("tsk import (fresh ledger)", L, [tsk, "--db", str(imp_db), "import", str(large_csv)], runs=heavy,
              warmup=False, setup=lambda: remove_db(imp_db))
            if imp_db.exists():
                notes.append(f"{imp_db.name}: {count_rows(imp_db)} complaints after tsk import, "
                             f"{imp_db.stat().st_size / 2**20:.0f} MB on disk")
    large_db = OUT / f"ledger-{large}.db"
    if has_import and large_csv is not None and groups & {"report", "large", "postgres-large"} and not (
            large_db.exists() and large_db.stat().st_mtime > large_csv.stat().st_mtime):
        print(f"building the {L} ledger (tsk import)", file=sys.stderr)
        tsk_import(large_csv, large_db)

    # -- check (heavy: a fresh copy of the backlog ledger before each run) ----------------------------
    if groups & {"check", "postgres-large"} and has_import and check_csv is not None:
        pristine = OUT / f"ledger-{large}-backlog.db"
        print(f"building the {L} check ledger with a stalled backlog (tsk import)", file=sys.stderr)
        tsk_import(check_csv, pristine)
        work = OUT / f"ledger-{large}-backlog-check.db"
        dry = run_once([tsk, "--db", str(pristine), "check", "--dry-run"], env)
        notes.append(f"check ledger before the timed runs, `tsk check --dry-run` ({fmt_s(dry[0])}, {dry[1]:.0f} MB): "
                     f"{dry[3] or dry[4].strip()}")
        if "postgres-large" in groups and server is not None:  # timed in turn with PostgreSQL's, below
            check_pair(L, pristine, f"ledger_{large}_backlog", twins.add(L, check_csv, f"ledger_{large}_backlog"))
        else:
            R("tsk check (nightly, fresh copy each run)", L, [tsk, "--db", str(work), "check"], runs=heavy,
              warmup=False, ok_codes=(0, 3), setup=lambda: copy_db(pristine, work))
            again = run_once([tsk, "--db", str(work), "check"], env)
            notes.append(f"second `tsk check` on the same ledger (idempotent): {fmt_s(again[0])}, {again[1]:.0f} MB: {again[3]}")
            remove_db(work)

    # -- report, and the per-command figures on the large ledger (memory) ----------------------------
    small_quick = len(quick)
    if has_import and large_db.exists():
        db = str(large_db)
        if groups & {"report", "postgres-large"}:
            Q("tsk report half-year 2026H1", L, [tsk, "--db", db, "report", "half-year", "2026H1"])
        if groups & {"large", "postgres-large"}:
            Q("tsk overdue", L, [tsk, "--db", db, "overdue"])
            Q("tsk list --limit 50", L, [tsk, "--db", db, "list", "--limit", "50"])
            Q("tsk show REF", L, [tsk, "--db", db, "show", a_ref(large_csv)])
        if "postgres-large" in groups and server is not None:
            twins.add(L, large_csv, f"ledger_{large}", pg.COMMANDS)

    measure_interleaved(quick, runs=runs)
    if heavy_pairs:
        pg.measure_in_turn(heavy_pairs, run_once, runs=heavy)
        results.extend(r for r, _ in heavy_pairs)
    # The table: references and the small ledger, then import, the large ledger, check.
    checks = [r for r in results if r.name.startswith("tsk check")]
    imports = [r for r in results if r not in checks]
    results[:] = quick[:small_quick] + imports + quick[small_quick:] + checks

    load_after = os.getloadavg()
    print_report(results, notes, S, L, env, base_env, load_before, load_after, task_version, py)
    return 0


def print_report(results, notes, S, L, env, base_env, load_before, load_after, task_version, py) -> None:
    by = {(r.name, r.size): r for r in results}
    typer_ = by.get(("minimal Typer app, one option", ""))
    sqlite_imp = by.get(("sqlite3 CLI .import --csv (fresh table)", L))
    tw = [r for r in results if r.name.startswith("task +OVERDUE") and r.times]
    newest_typer = next((r for r in results if r.name.startswith("minimal Typer app, newest typer") and r.times), None)

    def target(r: Result) -> str:
        parts = []
        m = r.median
        if r.name.endswith(pg.SUFFIX):  # issue 17: within 2.5x of the same command on SQLite
            lite = by.get((r.name.removesuffix(pg.SUFFIX), r.size))
            if lite is not None and lite.times:
                parts.append(pg.ratio_target(m, lite.median, statistics.median(r.cpu), statistics.median(lite.cpu)))
            return "; ".join(parts)
        if r.name in ("tsk overdue", "tsk list --limit 50", "tsk show REF") and r.size == S:
            if typer_ and typer_.times:
                ratio = m / typer_.median
                parts.append(f"{ratio:.2f}× Typer (≤1.2: {verdict(ratio, 1.2)}; CPU {cpu_ratio(r, typer_):.2f}×)")
            if newest_typer:
                parts.append(f"{m / newest_typer.median:.2f}× the app on the newest typer")
            for t in tw:
                faster = t.median / m
                which = "pending" if "every task" in t.name else "mirror"
                parts.append(f"{faster:.2g}× faster than task/{which} (≥9: {verdict(faster, 9, False)})")
        if r.name.startswith("tsk add") and typer_ and typer_.times:
            ratio = m / typer_.median
            parts.append(f"{ratio:.2f}× Typer (≤2: {verdict(ratio, 2)}; CPU {cpu_ratio(r, typer_):.2f}×)")
        if r.name.startswith("tsk import") and sqlite_imp and sqlite_imp.times:
            ratio = m / sqlite_imp.median
            parts.append(f"{ratio:.2f}× sqlite3 (≤3: {verdict(ratio, 3)})")
        if r.name.startswith("tsk report half-year"):
            parts.append(f"≤1 s: {verdict(m, 1.0)}")
        if r.name.startswith("tsk check"):
            parts.append(f"≤30 s: {verdict(m, 30.0)}")
        if r.name.startswith("tsk") and r.size == L and L.endswith("M"):
            parts.append(f"RSS ≤{RSS_LIMIT_MB} MB: {verdict(r.peak_rss, RSS_LIMIT_MB)}")
        return "; ".join(parts)

    print()
    print(f"tsk benchmarks — {dt.datetime.now(CHINA):%Y-%m-%d %H:%M} Asia/Shanghai, {platform.node()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{task_version.strip() or 'task: not installed'}")
    print(f"tsk from {py.parent.parent} (installed from {installed_state(py)}); load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")
    print()
    header = ("measurement", "ledger", "median", "min", "max", "CPU", "peak RSS", "runs", "target (issues 7, 17)")
    rows = []
    for r in results:
        if r.error:
            rows.append((r.name, r.size, "FAILED", "", "", "", "", "", r.error[:90]))
            continue
        rows.append((r.name, r.size, fmt_s(r.median), fmt_s(min(r.times)), fmt_s(max(r.times)),
                     fmt_s(statistics.median(r.cpu)), f"{r.peak_rss:.0f} MB", str(len(r.times)), target(r)))
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    def line(row):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print()
    for note in notes:
        print(f"- {note}")
    for r in results:
        if r.first_line and (r.name.startswith("tsk check") or r.name.startswith("python + sqlite3")):
            print(f"- {r.name}: printed {r.first_line!r}")
    print()
    print("Commands (cwd bench/out), each timed as a whole process. Quick ones: one warm-up run each, then")
    print("interleaved rounds; import and check: one run after another, a fresh ledger / fresh copy made")
    print("untimed before each:")
    seen = set()
    for r in results:
        text = shell_line(r.argv, r.env, base_env)
        if text not in seen:
            seen.add(text)
            print(f"  {text}")
    (OUT / "results.json").write_text(json.dumps(
        [{"name": r.name, "ledger": r.size, "times": r.times, "rss_mb": r.rss_mb, "error": r.error,
          "command": shell_line(r.argv, r.env, base_env)} for r in results], ensure_ascii=False, indent=1),
        encoding="utf-8")


def git_state() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "tsk"], capture_output=True,
                               text=True).stdout.strip()
        return f"commit {head}" + (f", with uncommitted changes to tsk/ ({len(dirty.splitlines())} files)" if dirty else "")
    except OSError:
        return "not a git checkout"


if __name__ == "__main__":
    sys.exit(main())
