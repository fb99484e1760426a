"""Schema v8's room on complaint pages (tsk/store/models.py, COMPLAINT_FILLFACTOR), measured:
`tsk check` on fresh copies of the 100k backlog ledger that `run.py --only postgres` built in
bench/out/pg, its pages packed to 85 % (as tsk makes them) and to 100 %, as the nightly role.

    bench/.venv-bench/bin/python bench/pg_fillfactor.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
import warnings
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LEDGER, NIGHTLY = "ledger_100000_backlog", "tsk_bench_check"  # as bench/pg.py names them


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR in containers
    import pgserver
    import psycopg

    server = pgserver.get_server(str(BENCH / "out" / "pg"), cleanup_mode="stop")
    host = server.get_uri().split("host=")[1]

    def sql(*statements: str, database: str = "postgres") -> None:
        with psycopg.connect(f"postgresql://postgres:@/{database}?host={host}", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    for fill in (85, 100):
        sql(f"DROP DATABASE IF EXISTS fill{fill} WITH (FORCE)", f"CREATE DATABASE fill{fill} TEMPLATE {LEDGER}")
        sql(f"ALTER TABLE complaint SET (fillfactor = {fill})", "VACUUM FULL complaint", database=f"fill{fill}")
    tsk = str(Path(BENCH / ".venv-bench" / "bin" / "tsk"))
    times: dict[int, list[float]] = {85: [], 100: []}
    for _ in range(runs):
        for fill in times:  # in turn, so load on the machine hits both alike
            sql("DROP DATABASE IF EXISTS fill_run WITH (FORCE)", f"CREATE DATABASE fill_run TEMPLATE fill{fill}")
            start = time.perf_counter()
            done = subprocess.run([tsk, "--db", f"postgresql://{NIGHTLY}:@/fill_run?host={host}", "check"],
                                  capture_output=True, text=True)
            times[fill].append(time.perf_counter() - start)
            if done.returncode not in (0, 3):
                raise SystemExit(done.stderr)
    for fill, seconds in times.items():
        print(f"fillfactor {fill}: tsk check median {statistics.median(seconds) * 1000:.0f} ms "
              f"({', '.join(f'{s * 1000:.0f}' for s in seconds)})")
    server.cleanup()


if __name__ == "__main__":
    main()
