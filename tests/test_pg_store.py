"""The PostgreSQL store (tsk.store.pg): the SQL text of `tsk.store.queries` turned into psycopg's
placeholders, streams from server-side cursors, transactions that roll back, errors in one line,
and commands on a current ledger that never import SQLAlchemy. The conversion is checked
without a server; everything else on a real one (pgserver)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytest.importorskip("psycopg", reason="psycopg 3 is not installed")

from tsk.store import queries as q  # noqa: E402
from tsk.store.db import _NAMED  # noqa: E402
from tsk.store.pg import MANY_VALUES, PgStore, ServerError, bulk_insert, numbered, pyformat  # noqa: E402

RECEIVED = "2026-08-03 10:00"  # a Monday inside 2026's published calendar
BASE = ["--customer", "张三", "--phone", "13812345678", "--channel", "phone", "--category", "service",
        "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "ATM吞卡",
        "--received", RECEIVED]


# -- :name as %(name)s, from the one SQL text ----------------------------------------------------
@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM complaint WHERE ref = :ref", "SELECT * FROM complaint WHERE ref = %(ref)s"),
    ("WHERE a < :floor THEN :floor ELSE :floor", "WHERE a < %(floor)s THEN %(floor)s ELSE %(floor)s"),  # repeated
    ("SELECT CAST(:phone AS TEXT), :day::date, x::varchar(25)", "SELECT CAST(%(phone)s AS TEXT), %(day)s::date, x::varchar(25)"),
    ("SELECT 7 % :n, ref LIKE 'TS-%'", "SELECT 7 %% %(n)s, ref LIKE 'TS-%%'"),  # a literal %, in a string too
    ("SELECT 'tel:' || phone, '10:00', ':ref'", "SELECT 'tel:' || phone, '10:00', ':ref'"),  # no parameter in text
    ("SELECT 'it''s :a', E'\\' :b', \"col:c\"", "SELECT 'it''s :a', E'\\' :b', \"col:c\""),
    ("SELECT 1 -- :not\n, 2 /* :nor\n :this */, :yes", "SELECT 1 -- :not\n, 2 /* :nor\n :this */, %(yes)s"),
    ("DO $$BEGIN x := :a; END$$; DO $f$ :b $f$", "DO $$BEGIN x := :a; END$$; DO $f$ :b $f$"),
    ("SELECT %(s)s", "SELECT %%(s)s"),  # psycopg's own syntax in the text is text
    ("WHERE id > :after AND id <= :upto", "WHERE id > %(after)s AND id <= %(upto)s"),
])
def test_named_parameters_become_psycopg_placeholders(sql, expected):
    assert pyformat(sql) == expected


def test_named_parameters_become_libpq_numbers_the_same_name_the_same_number():
    assert numbered("WHERE a < :floor THEN :floor ELSE :x || ':y' || :floor::text") == (
        "WHERE a < $1 THEN $1 ELSE $2 || ':y' || $1::text", ("floor", "x"))
    assert numbered("SELECT 7 % 2, 'TS-%' -- :not") == ("SELECT 7 % 2, 'TS-%' -- :not", ())


def statements() -> list[tuple[str, str]]:
    """Every statement of tsk.store.queries, the ones built by functions with typical arguments."""
    from tsk import clocks

    found = [(name, value) for name, value in vars(q).items() if isinstance(value, str) and name.isupper()
             and re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|LOCK)", value)]
    found += list(q.HAS_COLUMN.items())
    where, _ = q.complaint_filter(statuses=["open", "closed"], unit="u", assignee="a", category="c", since="s", until="t")
    found += [("list_complaints", q.list_complaints(where, 50)), ("export_complaints", q.export_complaints(where)),
              ("report_totals", q.report_totals([("a", "unit", "p")])), ("report_stats", q.report_stats("unit")),
              ("running_clocks", q.running_clocks()), ("clock_ids", q.clock_ids()),
              ("lapsed_in_range", q.lapsed_in_range(" FOR UPDATE")), ("refs_in", q.refs_in(3)),
              ("insert_complaint", q.insert_complaint(["ref", "status"])), ("update_complaint", q.update_complaint(["x"])),
              ("report_resolution_pairs", q.report_resolution_pairs("unit")), ("report_trend", q.report_trend("unit")),
              ("past_sql", f"SELECT 1 WHERE {clocks.past_sql('due', ':bound')}")]
    return found


@pytest.mark.parametrize("name, sql", statements(), ids=[name for name, _ in statements()])
def test_every_statement_has_the_same_parameters_on_both_drivers(name, sql):
    """What psycopg is given names the parameters sqlite3 binds (`_NAMED`, as `run_many` reads
    them), in the same order, and leaves no `:name` behind."""
    converted = pyformat(sql)
    assert re.findall(r"%\((\w+)\)s", converted) == _NAMED.findall(sql)
    text, names = numbered(sql)
    assert [names[int(n) - 1] for n in re.findall(r"\$(\d+)", re.sub(r"'(?:[^']|'')*'", "", text))] == _NAMED.findall(sql)
    assert not re.search(r"(?<!:):[A-Za-z_]", re.sub(r"'(?:[^']|'')*'", "", converted))
    assert "%" not in re.sub(r"%\(\w+\)s|%%", "", converted)


def test_a_url_may_name_a_user_with_a_space_or_any_driver_tsk_knows():
    import psycopg

    from tsk.errors import InvalidInput
    from tsk.store.pg import conninfo

    for url in ("postgresql://王 强:@/tsk?host=/tmp/s", "postgres://王%20强@/tsk?host=/tmp/s",
                "postgresql+psycopg://王 强@/tsk?host=/tmp/s"):
        assert psycopg.conninfo.conninfo_to_dict(conninfo(url)) == {"user": "王 强", "dbname": "tsk", "host": "/tmp/s"}
    for url, needle in (("mysql://x/y", "unsupported database URL mysql://"),
                        ("postgresql://officer:s3cret@[::1:5432/tsk", "is not a database URL that can be read")):
        with pytest.raises(InvalidInput) as refused:
            conninfo(url)
        assert needle in str(refused.value) and "s3cret" not in str(refused.value)


def test_a_plain_insert_of_named_rows_is_one_statement_over_json():
    assert bulk_insert(q.INSERT_LAPSE) == ("INSERT INTO lapse (complaint_id, clock, due, detected_at) SELECT complaint_id, "
                                          "clock, due, detected_at FROM json_populate_recordset(NULL::lapse, :rows)")
    assert bulk_insert(q.INSERT_EVENT) and bulk_insert(q.insert_complaint(["id", "ref"], returning_id=False))
    for sql in (q.insert_complaint(["id", "ref"]),  # RETURNING
                "INSERT INTO t (a, b) VALUES (:b, :a)", "INSERT INTO t (a) VALUES (NULLIF(:a, ''))",
                q.UPSERT_SETTING, q.update_complaint(["level"]), q.insert_imported_complaints(["ref"])):
        assert bulk_insert(sql) is None, sql


# -- on a real server --------------------------------------------------------------------------------
@pytest.fixture
def store(new_database):
    opened = PgStore(new_database())
    yield opened
    opened.close()


@pytest.mark.postgres
def test_parameters_literals_and_casts_reach_the_server_as_written(store):
    row = store.row("SELECT :a::text || '%' AS a, 7 % :n AS m, ':a' AS lit, 'tel:' || :a AS tel, :n + :n AS twice",
                    {"a": "x", "n": 4})
    assert row == {"a": "x%", "m": 3, "lit": ":a", "tel": "tel:x", "twice": 8}
    assert store.value("SELECT CAST(:v AS TEXT) IS NULL", {"v": None}) is True
    assert store.value("SELECT count(*) FROM (VALUES ('50%'), ('5')) AS t(s) WHERE s LIKE '%\\%' ESCAPE '\\'") == 1


@pytest.mark.postgres
def test_libpq_reads_and_sends_values_as_psycopg_does(store, new_database):
    """The driver a short command runs on (tsk.store.libpq) gives the same Python values as
    psycopg, which the rest of tsk was written against."""
    import psycopg
    from psycopg.rows import dict_row

    sql = ("SELECT true AS t, false AS f, 7 AS i4, CAST(2 AS SMALLINT) AS i2, 9007199254740993 AS i8, 1.5::float8 AS fl, "
           "12.50::numeric AS num, SUM(x) AS total, 'x' AS txt, '' AS empty, NULL::text AS nothing, "
           "CAST(:units AS TEXT[]) AS units, ARRAY[1, NULL, 3] AS ints, '{}'::text[] AS none, "
           "'{\"a\": [1, \"二\"]}'::jsonb AS doc, :flag AS flag, :n + 1 AS n1, :big::numeric AS big, "
           "'2026-08-03'::date::text AS day FROM (VALUES (1::bigint), (2)) AS v(x)")
    params = {"units": ['天河支行', 'a,b', 'say "hi"', "back\\slash", None, "NULL"], "flag": True, "n": 41,
              "big": 2**70}
    assert store._lite is not None  # a short command's driver
    lite = store.row(sql, params)
    with psycopg.connect(new_database(), row_factory=dict_row) as conn:
        assert lite == conn.execute(pyformat(sql), params).fetchone()
    assert lite["units"][4] is None and lite["units"][5] == "NULL" and lite["empty"] == "" and lite["nothing"] is None


@pytest.mark.postgres
def test_a_result_of_many_values_moves_the_command_to_psycopg(store):
    assert store._lite is not None and store.conn is None
    rows = store.rows("SELECT g, g * 2 AS twice FROM generate_series(1, :top) AS g", {"top": MANY_VALUES // 2 + 1})
    assert len(rows) == MANY_VALUES // 2 + 1 and rows[-1] == {"g": MANY_VALUES // 2 + 1, "twice": MANY_VALUES + 2}
    assert store._lite is None and store.conn is not None  # the statements after it run on psycopg
    assert store.value("SELECT :x::int + 1", {"x": 1}) == 2
    with store.transaction():  # and a transaction on libpq keeps its connection whatever it reads
        pass


@pytest.mark.postgres
def test_a_stream_reads_in_batches_while_other_statements_run(store):
    rows = store.stream("SELECT n, 'r' || n AS name FROM generate_series(1, :top) AS n ORDER BY n", {"top": 2500}, size=100)
    first = next(rows)
    assert first == {"n": 1, "name": "r1"}
    assert store.value("SELECT :x + 1", {"x": 1}) == 2  # the connection is not held by the stream
    rest = list(rows)
    assert [r["n"] for r in [first, *rest]] == list(range(1, 2501))
    assert not store.in_transaction()  # its own transaction ended with it
    batches = list(store.batches("SELECT n FROM generate_series(1, 5) AS n ORDER BY n", size=2))
    assert batches == [[(1,), (2,)], [(3,), (4,)], [(5,)]]


@pytest.mark.postgres
def test_a_stream_inside_a_transaction_sees_its_writes(store):
    store.run("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    with store.transaction():
        store.run_many("INSERT INTO t (n) VALUES (:n)", [{"n": n} for n in range(10)])
        assert [r["n"] for r in store.stream("SELECT n FROM t ORDER BY n", size=3)] == list(range(10))
    assert store.value("SELECT count(*) FROM t") == 10


@pytest.mark.postgres
def test_rows_inserted_as_json_arrive_as_bound_one_by_one(store):
    store.run("CREATE TABLE t (id BIGINT PRIMARY KEY, s VARCHAR(40), n INTEGER, note TEXT)")
    rows = [{"id": 2**62, "s": '引号"\'\\ \t%(x)s :y', "n": -7, "note": None},
            {"id": 1, "s": "", "n": 0, "note": "😀 第二行\n"},
            {"id": 3, "s": "多余的键", "n": 5, "note": "x", "extra": "ignored"}]
    assert store.run_many("INSERT INTO t (id, s, n, note) VALUES (:id, :s, :n, :note)", rows) == 3  # as JSON
    assert store.run_many("INSERT INTO t (id, s, n, note) VALUES (:id, upper(:s), :n, :note)",  # row by row
                          [{"id": 4, "s": "a", "n": 1, "note": None}, {"id": 5, "s": "b", "n": 2, "note": None}]) == 2
    assert store.rows("SELECT * FROM t ORDER BY id") == [
        {"id": 1, "s": "", "n": 0, "note": "😀 第二行\n"}, {"id": 3, "s": "多余的键", "n": 5, "note": "x"},
        {"id": 4, "s": "A", "n": 1, "note": None}, {"id": 5, "s": "B", "n": 2, "note": None},
        {"id": 2**62, "s": '引号"\'\\ \t%(x)s :y', "n": -7, "note": None}]
    with pytest.raises(ServerError) as refused:  # one key clash refuses them all
        store.run_many("INSERT INTO t (id, s, n, note) VALUES (:id, :s, :n, :note)",
                       [{"id": 6, "s": "", "n": 0, "note": None}, {"id": 1, "s": "", "n": 0, "note": None}])
    assert refused.value.sqlstate == "23505" and store.value("SELECT count(*) FROM t") == 5


@pytest.mark.postgres
def test_a_failed_transaction_leaves_nothing_behind(store):
    store.run("CREATE TABLE t (n INTEGER PRIMARY KEY, s VARCHAR)")
    store.run("INSERT INTO t VALUES (1, 'kept')")
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.run("INSERT INTO t VALUES (2, 'lost')")
        store.run("UPDATE t SET s = 'changed' WHERE n = 1")
        raise ZeroDivisionError
    with pytest.raises(ServerError) as refused, store.transaction():
        store.lock_ledger()
        store.run("INSERT INTO t VALUES (3, 'lost')")
        store.run_many("INSERT INTO t VALUES (:n, :s)", [{"n": 4, "s": "13812345678"}, {"n": 1, "s": "13812345678"}])
    assert refused.value.sqlstate == "23505"  # a key violation: `tsk check` retries on it (tsk.overdue)
    message = str(refused.value)
    assert message.startswith("database: duplicate key value violates unique constraint")
    assert "\n" not in message and "13812345678" not in message  # PostgreSQL's DETAIL names the row
    assert store.rows("SELECT * FROM t ORDER BY n") == [{"n": 1, "s": "kept"}]  # and the connection goes on


@pytest.mark.postgres
def test_a_server_error_is_one_line_without_the_url(pg_server, tmp_path):
    from tsk.errors import TskError

    with pytest.raises(TskError) as refused:
        PgStore(f"postgresql://officer:s3cret@/tsk?host={tmp_path}")  # no server there
    assert str(refused.value).startswith("cannot connect to the database: ")
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)


# -- no SQLAlchemy on the command path -------------------------------------------------------------
PROBE = """
import sys
from tsk.cli import main
try:
    main()
finally:
    print("loaded:", " ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


@pytest.mark.postgres
def test_commands_on_a_current_postgresql_ledger_never_import_sqlalchemy_and_a_short_one_not_psycopg(new_database):
    url = new_database()

    def loaded(*argv: str) -> set[str]:
        r = subprocess.run([sys.executable, "-c", PROBE, "--db", url, *argv], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode in (0, 3), r.stderr
        return set(r.stderr.splitlines()[-1].removeprefix("loaded: ").split())

    assert {"sqlalchemy", "sqlmodel"} <= loaded("init")  # the schema is made from the models
    # A few rows: on libpq alone. Many rows streamed: psycopg, which reads them faster.
    for argv, streams in ((["add", *BASE], False), (["list"], False), (["show", "TS-2026-000001"], False),
                          (["note", "TS-2026-000001", "已电话联系"], False), (["overdue"], True),
                          (["report", "half-year", "2026H2"], True), (["check", "--as-of", "2026-09-30"], True),
                          (["verify"], False), (["export"], True)):
        modules = loaded(*argv)
        assert not modules & {"sqlalchemy", "sqlmodel"}, argv
        assert ("psycopg" in modules) == streams, argv


@pytest.mark.postgres
def test_complaint_pages_keep_room_for_rewritten_rows_new_or_upgraded(new_database):
    """v8: a complaint row rewritten by an event can stay on its page (a HOT update) only where
    the page has room; a new ledger's table has it, and an upgraded one gets it."""
    from tsk.context import Ledger
    from tsk.store.models import COMPLAINT_FILLFACTOR

    url = new_database()
    Ledger.open(url).close()
    store = PgStore(url)
    options = "SELECT reloptions FROM pg_class WHERE relname = 'complaint'"
    try:
        assert store.value(options) == [f"fillfactor={COMPLAINT_FILLFACTOR}"]
        store.run("ALTER TABLE complaint RESET (fillfactor)")  # as v7 left it
        store.run("DELETE FROM schema_migration WHERE version = 8")
        assert store.value(options) is None
        Ledger.open(url).close()
        assert store.value(options) == [f"fillfactor={COMPLAINT_FILLFACTOR}"]
        assert store.value("SELECT max(version) FROM schema_migration") == 8
    finally:
        store.close()
