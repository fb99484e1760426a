"""Where a tsk command spends its time: start-up, each SQL statement (with SQLite's query
plan), table rendering, and the rest — one run, in process.

    bench/.venv-bench/bin/python bench/sqltime.py --db bench/out/ledger-1000000.db report half-year 2026H1
    bench/.venv-bench/bin/python bench/sqltime.py --plans --db bench/out/ledger-100000.db overdue
    bench/.venv-bench/bin/python bench/sqltime.py --db 'postgresql://postgres:@/ledger_100000?host=…' overdue

The command's own output goes to /dev/null; the breakdown goes to stderr. SQL time of a
streamed query counts the fetching of its rows too (the statement's time until exhausted).
"""

from __future__ import annotations

import sys
import time

T0 = time.perf_counter()


def main() -> None:
    argv = sys.argv[1:]
    plans = "--plans" in argv
    argv = [a for a in argv if a != "--plans"]

    from tsk.render import output
    from tsk.store import db

    stats: dict[str, list] = {}
    seen_sql: dict[str, tuple] = {}

    def key(sql: str) -> str:
        return " ".join(sql.split())[:110]

    location = argv[argv.index("--db") + 1] if "--db" in argv else ""
    if db.is_url(location) and not location.startswith("sqlite:///"):
        from tsk.store.pg import PgStore as store  # its `stream` reads through `batches`
        names = ("rows", "row", "value", "run", "run_many", "batches")
    else:
        store = db.SqliteStore
        names = ("rows", "row", "value", "run", "run_many", "stream", "batches")

    depth = [0]

    def timed(name):
        original = getattr(store, name)

        def wrapper(self, sql, params=(), *rest, **kw):
            if depth[0]:  # a statement the store runs for another one (a bulk insert's): counted there
                return original(self, sql, params, *rest, **kw)
            began = time.perf_counter()
            depth[0] += 1
            try:
                result = original(self, sql, params, *rest, **kw)
            finally:
                depth[0] -= 1
            seen_sql.setdefault(key(sql), (sql, params))
            if name in ("stream", "batches"):  # count the time spent fetching rows, not the consumer's
                def drain(it=iter(result), sql=sql, spent=time.perf_counter() - began):
                    try:
                        while True:
                            t = time.perf_counter()
                            try:
                                item = next(it)
                            except StopIteration:
                                return
                            finally:
                                spent += time.perf_counter() - t
                            yield item
                    finally:
                        entry = stats.setdefault(key(sql), [0, 0.0])
                        entry[0] += 1
                        entry[1] += spent
                return drain()
            entry = stats.setdefault(key(sql), [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - began
            return result

        setattr(store, name, wrapper)

    for name in names:
        timed(name)

    render = {"n": 0, "t": 0.0}
    original_render = output.render_table

    def render_table(*a, **kw):
        began = time.perf_counter()
        try:
            return original_render(*a, **kw)
        finally:
            render["n"] += 1
            render["t"] += time.perf_counter() - began

    output.render_table = render_table

    sys.argv = ["tsk", *argv]
    t1 = time.perf_counter()
    from tsk.cli import main as tsk_main

    t2 = time.perf_counter()
    real_stdout = sys.stdout
    sys.stdout = open("/dev/null", "w", encoding="utf-8")
    code = 0
    try:
        tsk_main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout
    t3 = time.perf_counter()
    total_sql = sum(v[1] for v in stats.values())
    err = sys.stderr
    print(f"exit {code}; import tsk.cli {1000 * (t2 - t1):.0f} ms, main() {1000 * (t3 - t2):.0f} ms "
          f"(SQL {1000 * total_sql:.0f} ms in {sum(v[0] for v in stats.values())} statements, "
          f"rich tables {1000 * render['t']:.0f} ms in {render['n']}), whole {1000 * (t3 - T0):.0f} ms", file=err)
    for sql, (n, spent) in sorted(stats.items(), key=lambda kv: -kv[1][1])[:25]:
        print(f"  {1000 * spent:8.1f} ms  {n:6d}×  {sql}", file=err)
    if plans and store is db.SqliteStore:
        import sqlite3

        if location:
            conn = sqlite3.connect(location)
            for k, (sql, params) in seen_sql.items():
                try:
                    plan = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                except sqlite3.Error as exc:
                    plan = [(0, 0, 0, f"(no plan: {exc})")]
                print(f"\n{k}", file=err)
                for row in plan:
                    print(f"    {row[-1]}", file=err)


if __name__ == "__main__":
    main()
