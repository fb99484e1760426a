"""PostgreSQL beside SQLite (issue 17): the same generated ledger imported into both, each
command timed on both in the same interleaved rounds, the PostgreSQL row with its ratio to
SQLite (target: every command within 2.5x).

The server is a local one from pgserver (unix socket, as tests/test_postgres.py starts it),
its data in bench/out/pg; it is started for the run and stopped after. Everything that talks
to it runs in the bench interpreter (bench/.venv-bench, which `run.py` gives psycopg and
pgserver when `--only` names postgres), so `run.py` itself needs neither.

Row-level security: with `tsk role` (issue 17's roles), the commands run as database users
that tsk granted a role, so every statement passes the policies PostgreSQL enforces: `manager`
for every unit (what an officer of the branch runs) and `check` for the nightly check. A tsk
without `tsk role` is timed as the ledger's owner, and the table says so.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

START = """
import sys, warnings
warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR in containers
import pgserver
print(pgserver.get_server(sys.argv[1], cleanup_mode=None).get_uri())
"""
STOP = """
import sys, warnings
warnings.simplefilter("ignore")
import pgserver
pgserver.get_server(sys.argv[1], cleanup_mode="stop").cleanup()
"""
SQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    for statement in sys.argv[2:]:
        cursor = conn.execute(statement)
        if cursor.description:
            print("\\t".join(str(v) for v in cursor.fetchone()))
"""
GROUPS = frozenset(("postgres", "postgres-large"))  # run.py's --only groups that time PostgreSQL
SUFFIX = " (PostgreSQL)"  # a twin's name: the SQLite command's, and this
# The SQLite commands that get a PostgreSQL twin (run.py's names; `check` is timed in turn apart).
COMMANDS = ("tsk overdue", "tsk list --limit 50", "tsk show REF", "tsk add (copy of the ledger)",
            "tsk report half-year 2026H1")
# The roles the benchmark users hold (`tsk role grant USER --role ROLE`, every unit).
OFFICER, NIGHTLY = ("tsk_bench", "manager"), ("tsk_bench_check", "check")


def needs(pyproject: Path) -> list[str]:
    """What the bench interpreter needs installed for PostgreSQL: pgserver as the tests pin it."""
    import tomllib

    test = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["test"]
    return [spec for spec in test if spec.startswith("pgserver")]


@dataclass
class Server:
    py: Path
    folder: Path
    uri: str = ""  # the superuser's: postgresql://postgres:@/postgres?host=…

    def start(self) -> Server:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.uri = subprocess.run([str(self.py), "-c", START, str(self.folder)], check=True, capture_output=True,
                                  text=True).stdout.strip().splitlines()[-1]
        return self

    def stop(self) -> None:
        subprocess.run([str(self.py), "-c", STOP, str(self.folder)], capture_output=True)

    def url(self, database: str, user: str | None = None) -> str:
        head, _, query = self.uri.split("://", 1)[1].partition("?")
        who, _, _ = head.partition("@")
        return f"postgresql://{user + ':' if user else who}@/{database}?{query}"

    def sql(self, *statements: str, database: str = "postgres") -> str:
        return subprocess.run([str(self.py), "-c", SQL, self.url(database), *statements], check=True,
                              capture_output=True, text=True).stdout.strip()

    def exists(self, database: str) -> bool:
        return self.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{database}'") == "1"

    def copy(self, template: str, database: str) -> None:
        """A fresh copy of a ledger (CREATE DATABASE … TEMPLATE: the files copied, no import)."""
        self.sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database} TEMPLATE {template}")

    def size(self, database: str) -> str:
        return self.sql(f"SELECT pg_size_pretty(pg_database_size('{database}'))")


def load(server: Server, tsk: str, env: dict[str, str], csv_path: Path, database: str, made_by: str) -> str:
    """A ledger of `csv_path` in `database`, made with `tsk import` (as the SQLite ledgers are)
    unless a stamp says the same tsk (`made_by`) imported this CSV there already; the owner's URL."""
    stamp = server.folder / f"{database}.stamp"
    url = server.url(database)
    if (stamp.exists() and stamp.stat().st_mtime > csv_path.stat().st_mtime and stamp.read_text() == made_by
            and server.exists(database)):
        return url
    print(f"building the PostgreSQL ledger {database} (tsk import)", file=sys.stderr)
    stamp.unlink(missing_ok=True)
    server.sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database}")
    code = subprocess.run([tsk, "--db", url, "import", str(csv_path)], env=env, stdout=subprocess.DEVNULL).returncode
    if code != 0:
        raise SystemExit(f"tsk import {csv_path} into PostgreSQL failed (exit {code})")
    stamp.write_text(made_by)
    return url


def users(server: Server, tsk: str, env: dict[str, str], database: str, rls: bool) -> tuple[str, str, str]:
    """The URLs the commands run as (an officer's, the nightly check's) and what the table
    says of row-level security. Granted on the ledger before any copy is made of it."""
    owner = server.url(database)
    has_roles = subprocess.run([tsk, "role", "--help"], capture_output=True, env=env).returncode == 0
    if not rls or not has_roles:
        why = "--no-rls" if not rls else "this tsk has no `tsk role`"
        return owner, owner, f"row-level security off ({why}): commands run as the ledger's owner"
    for user, role in (OFFICER, NIGHTLY):
        subprocess.run([tsk, "--db", owner, "role", "grant", user, "--role", role], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return (server.url(database, OFFICER[0]), server.url(database, NIGHTLY[0]),
            f"row-level security on: commands run as {OFFICER[0]} ({OFFICER[1]}, every unit), "
            f"`check` as {NIGHTLY[0]} ({NIGHTLY[1]})")


def twin(r, url: str):
    """The same command (a run.py Result) on the PostgreSQL ledger at `url`, not the SQLite file."""
    argv = list(r.argv)
    argv[argv.index("--db") + 1] = url
    return type(r)(f"{r.name}{SUFFIX}", r.size, argv, r.env)


@dataclass
class Twins:
    """Puts each PostgreSQL twin beside its SQLite command: right after it in the interleaved
    rounds (`quick`), or after it in the heavy commands timed in turn (`heavy`)."""

    server: Server
    tsk: str
    env: dict[str, str]
    made_by: str  # what the tsk timed was installed from: a ledger it did not import is made again
    rls: bool
    notes: list[str]
    quick: list
    heavy: list

    def __post_init__(self) -> None:
        self.notes.append(f"PostgreSQL {self.server.sql('SHOW server_version')}: a local pgserver, unix socket; "
                          "each ledger made by `tsk import` of the same CSV as the SQLite one")

    def add(self, size: str, csv_path: Path, database: str, names: tuple[str, ...] = ()) -> str:
        """The PostgreSQL ledger of `csv_path`, its users granted, and a twin after each quick
        SQLite command of `names` at `size`; returns the nightly check's URL."""
        load(self.server, self.tsk, self.env, csv_path, database, self.made_by)
        officer, nightly, said = users(self.server, self.tsk, self.env, database, self.rls)
        if said not in self.notes:
            self.notes.append(said)
        for r in [r for r in self.quick if r.size == size and r.name in names]:
            url = officer
            if r.name.startswith("tsk add"):  # a copy, as the SQLite side writes to a copy
                self.server.copy(database, f"{database}_add")
                url = officer.replace(f"/{database}?", f"/{database}_add?")
            self.quick.insert(self.quick.index(r) + 1, twin(r, url))
        return nightly

    def check(self, lite, lite_setup, database: str, nightly: str) -> None:
        """`tsk check` on a fresh copy of each backlog ledger before each run, in turn."""
        self.heavy.append((lite, lite_setup))
        self.heavy.append((twin(lite, nightly.replace(f"/{database}?", f"/{database}_check?")),
                           lambda: self.server.copy(database, f"{database}_check")))


def measure_in_turn(pairs: list, run_once, *, runs: int, ok_codes=(0, 3)) -> None:
    """Heavy commands (run.py Results) timed in turn, one run of each per round (SQLite, then
    PostgreSQL): a burst of load on the shared machine hits both sides alike. The `setup()`
    paired with each runs untimed before each of its runs."""
    print(f"  {len(pairs)} heavy commands, in turn: {runs} rounds", file=sys.stderr)
    for round_ in range(runs):
        for r, setup in pairs:
            if r.error:
                continue
            setup()
            seconds, rss, code, first, err, cpu = run_once(r.argv, r.env)
            if code not in ok_codes:
                r.failed(code, err)
                continue
            r.record(seconds, rss, cpu, code, first)
        print(f"  round {round_ + 1}/{runs} done", file=sys.stderr)


def ratio_target(pg_median: float, sqlite_median: float, pg_cpu: float, sqlite_cpu: float) -> str:
    ratio = pg_median / sqlite_median
    return f"{ratio:.2f}× SQLite (≤2.5: {'ok' if ratio <= 2.5 else 'MISSED'}; CPU {pg_cpu / sqlite_cpu:.2f}×)"
