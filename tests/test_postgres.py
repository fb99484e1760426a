"""The same ledger on PostgreSQL (`--db postgresql://…`): every command of the contract,
export/import round trips, concurrent writers, and schema upgrades, on a real server started
with pgserver. Each test gets a database of its own; the whole module is skipped only when
the server cannot start here."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import Live

from tsk import fields
from tsk.store import schema

pytestmark = pytest.mark.postgres

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")

RECEIVED = "2026-08-03 10:00"  # a Monday; every clock stays inside 2026's published calendar
ID_A = "11010519491231002X"
BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--received", RECEIVED]


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


@pytest.fixture
def pg(new_database, monkeypatch):
    """A fresh PostgreSQL ledger, named as `--db` is given on the command line."""
    url = new_database()
    monkeypatch.setenv("TSK_DB", url)
    return url


def sql(url: str, statement: str, params=()) -> list[tuple]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def ok(run):
    assert run.exit_code == 0, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    return run


def add(tsk, *extra: str) -> str:
    return ok(tsk(["add", *BASE, *extra])).stdout.split()[0]


# -- the contract --------------------------------------------------------------------------------
def test_every_complaint_command_runs_on_postgresql(tsk, pg):
    a = add(tsk, "--phone", "13812345678", "--id-number", ID_A, "--subject-staff", "王五", "--summary", '多收费, "年费"\n两行')
    b = add(tsk, "--summary", "群体", "--group-size", "8", "--severity", "major")
    c = add(tsk, "--summary", "转办", "--channel", "regulator", "--referred-by", "人民银行", "--referral-ref", "银转7号")
    d = add(tsk, "--summary", "撤回", "--direct")
    assert [a, b, c, d] == [f"TS-2026-{n:06d}" for n in range(1, 5)]
    # A repeat of a decided complaint is detected (a query with nullable parameters).
    ok(tsk(["ack", a, "--via", "sms", "--at", "2026-08-03 15:00"]))
    refused = tsk(["assign", a, "--to", "王五"])
    assert refused.exit_code == 1 and "回避" in refused.stderr
    ok(tsk(["assign", a, "--to", "王五", "--override-recusal", "唯一懂业务的人"]))
    ok(tsk(["assign", a, "--to", "李四", "--unit", "个金部"]))
    ok(tsk(["escalate", a, "--reason", "客户不满"]))
    assert "due 2026-08-27" in ok(tsk(["extend", a, "--days", "3", "--reason", "复杂", "--notified-via", "phone"])).stdout
    ok(tsk(["note", a, "已电话联系"]))
    ok(tsk(["close", a, "--result", "partly", "--resolution", "退还年费", "--notified-via", "phone",
            "--compensation", "19.99", "--satisfaction", "fair"]))
    ok(tsk(["close", c, "--result", "upheld", "--resolution", "已处理", "--notified-via", "letter"]))
    ok(tsk(["reject", b, "--reason", "无事实依据", "--notified-via", "letter"]))
    ok(tsk(["withdraw", d, "--reason", "客户撤回"]))
    ok(tsk(["reopen", b, "--reason", "申诉"]))
    repeat = ok(tsk(["add", *BASE[:-2], "--phone", "13812345678", "--summary", "又来了"]))  # received now
    assert "repeat of TS-2026-000001" in repeat.stderr

    shown = json.loads(ok(tsk(["show", a, "--format", "json"])).stdout)
    assert (shown["status"], shown["assignee"], shown["level"], shown["extended_days"]) == ("closed", "李四", 2, 3)
    assert shown["compensation"] == 19.99 and shown["customer"]["phone"] == "138****5678"
    assert [e["action"] for e in shown["events"]] == ["registered", "acknowledged", "assigned", "assigned", "escalated",
                                                      "extended", "noted", "closed", "repeat-linked"]
    listed = json.loads(ok(tsk(["list", "--status", "all", "--format", "json"])).stdout)
    assert {r["ref"]: r["status"] for r in listed} == {a: "closed", b: "open", c: "closed", d: "withdrawn",
                                                       "TS-2026-000005": "open"}
    assert [r["ref"] for r in json.loads(ok(tsk(["list", "--format", "json"])).stdout)] == [b, "TS-2026-000005"]
    ok(tsk(["list", "--show-pii"]))
    assert ok(tsk("verify")).stdout.startswith("ok: 5 complaint(s)")


def test_calendar_config_and_policy_commands_run_on_postgresql(tsk, pg):
    ref = add(tsk, "--summary", "x")
    assert ok(tsk("calendar shift 2026-09-30 1")).stdout == "2026-10-08\n"  # after National Day
    assert ok(tsk("calendar between 2026-09-30 2026-10-09")).stdout == "2\n"
    assert ok(tsk("calendar is-workday 2026-10-10")).stdout == "yes\n"  # a make-up Saturday
    assert ok(tsk("calendar is-workday 2026-10-05")).stdout == "no\n"
    before = json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["due"]
    ok(tsk(["calendar", "set", "2026-08-10", "--holiday", "--note", "台风停工"]))  # moves the running clock
    after = json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["due"]
    assert (before, after) == ("2026-08-24", "2026-08-25")
    assert "2026-08-10" in ok(tsk("calendar show 2026")).stdout
    ok(tsk("config set group_threshold 3"))
    assert ok(tsk("config get group_threshold")).stdout.strip() == "3"
    example = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"
    ok(tsk(["policy", "add", str(example)]))
    assert "workdays2020" in ok(tsk("policy list")).stdout
    stored = json.loads(ok(tsk(["add", *BASE, "--summary", "y", "--policy", "workdays2020", "--format", "json"])).stdout)
    assert (stored["policy"], stored["due"]) == ("workdays2020", "2026-08-25")  # 15 working days, 08-10 off
    preset = json.loads(ok(tsk(["add", *BASE, "--summary", "y", "--policy", "national2020", "--format", "json"])).stdout)
    assert (preset["policy"], preset["due"]) == ("national2020", "2026-08-18")  # 15 calendar days
    ok(tsk("config set default_policy workdays2020"))
    assert json.loads(ok(tsk(["add", *BASE, "--summary", "z", "--format", "json"])).stdout)["policy"] == "workdays2020"
    assert ok(tsk("verify")).exit_code == 0


def test_overdue_check_and_reports_run_on_postgresql(tsk, pg):
    add(tsk, "--summary", "x")
    add(tsk, "--summary", "y", "--severity", "major")
    overdue = json.loads(ok(tsk(["overdue", "--as-of", "2026-09-30", "--format", "json"])).stdout)
    assert {row["ref"] for row in overdue} == {"TS-2026-000001", "TS-2026-000002"}
    # read in due-date order from the server, most urgent first as on SQLite
    assert [(r["ref"][-1], r["clock"]) for r in overdue] == [("1", "ack"), ("2", "ack"), ("2", "report"),
                                                             ("1", "resolution"), ("2", "resolution")]
    first = tsk(["check", "--as-of", "2026-09-30"])
    assert first.exit_code == 3, first.stderr
    assert tsk(["check", "--as-of", "2026-09-30"]).exit_code == 3
    report = json.loads(ok(tsk(["report", "half-year", "2026H2", "--format", "json"])).stdout)
    assert report["totals"]["received"] == 2
    ok(tsk(["report", "stats", "--since", "2026-08-01", "--until", "2026-08-31", "--by", "unit", "--format", "json"]))
    assert ok(tsk("verify")).exit_code == 0


def test_past_due_compares_dates_and_moments_on_the_server_as_on_sqlite(pg):
    """`clocks.past_sql` on columns like the ledger's (VARCHAR(25), the database's own collation):
    a date due is past once its day is over, a moment due from its minute (docs/rules.md,
    Periods in hours)."""
    from tsk import clocks, timeutil

    cases = [("2026-08-04", "2026-08-04 23:59"), ("2026-08-04", "2026-08-05 00:00"), ("2026-08-03", "2026-08-04"),
             ("2026-08-04T10:00:00+08:00", "2026-08-04 09:59"), ("2026-08-04T10:00:00+08:00", "2026-08-04 10:00"),
             ("2026-08-04T10:00:00+08:00", "2026-08-04T10:00:00"), ("2026-08-04T10:00:00+08:00", "2026-08-04"),
             ("2026-08-04T10:00:00+08:00", "2026-08-03"), ("2026-08-05", "2026-08-05T00:00:01")]
    rows = [(i, due, timeutil.parse_as_of(as_of).bound) for i, (due, as_of) in enumerate(cases)]
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute("CREATE TABLE dues (i INTEGER, due VARCHAR(25), bound VARCHAR(25))")
        conn.cursor().executemany("INSERT INTO dues VALUES (%s, %s, %s)", rows)
        late = {i for (i,) in conn.execute(f"SELECT i FROM dues WHERE {clocks.past_sql('due', 'bound')}")}
    assert late == {i for i, due, bound in rows if clocks.past(due, bound)} == {1, 2, 4, 6}


def test_a_clock_in_hours_is_late_from_its_minute_on_postgresql(tsk, pg):
    """A 24-hour clock (workdays2020's inquiry) due at a moment: overdue, check, a write's lapse
    and the reports on the server."""
    example = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"
    ok(tsk(["init"]))  # `policy add` needs a ledger, as every command but add, import and init
    ok(tsk(["policy", "add", str(example)]))
    ref = add(tsk, "--summary", "咨询", "--kind", "inquiry", "--policy", "workdays2020")  # Monday 10:00
    assert json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["due"] == "2026-08-04T10:00:00+08:00"

    def late(as_of: str) -> list[tuple]:
        rows = json.loads(ok(tsk(["overdue", "--as-of", as_of, "--within", "0", "--format", "json"])).stdout)
        return [(r["clock"], r["state"]) for r in rows]

    assert late("2026-08-04 09:59") == [("ack", "due-today"), ("resolution", "due-today")]
    assert late("2026-08-04 10:00") == [("resolution", "overdue"), ("ack", "due-today")]

    def stats(as_of: str) -> int:
        rows = json.loads(ok(tsk(["report", "stats", "--since", "2026-08-01", "--until", "2026-08-31", "--by", "kind",
                                  "--as-of", as_of, "--format", "json"])).stdout)
        return rows[0]["overdue"]

    assert (stats("2026-08-04 09:59"), stats("2026-08-04 10:00"), stats("2026-08-04")) == (0, 1, 1)
    assert tsk(["check", "--as-of", "2026-08-04 09:59"]).exit_code == 0
    note = ok(tsk(["note", ref, "客户来电", "--at", "2026-08-04 10:05"]))
    assert f"Warning: {ref} resolution was due 2026-08-04T10:00:00+08:00: 0 working day(s) late" in note.stderr
    assert tsk(["check", "--as-of", "2026-08-04 10:30"]).exit_code == 3  # still overdue, recorded already
    assert sql(pg, "SELECT clock, due FROM lapse") == [("resolution", "2026-08-04T10:00:00+08:00")]
    assert ok(tsk("verify")).exit_code == 0


def test_a_form_filed_late_is_a_lapse_recorded_at_registration_on_postgresql(tsk, pg):
    ref = add(tsk, "--summary", "处理表", "--policy", "gdrcc2008", "--form-at", "2026-08-04 09:00")  # due 08-03
    assert sql(pg, "SELECT clock, due FROM lapse") == [("form", "2026-08-03")]
    assert json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["level"] == 2
    doc = json.loads(ok(tsk(["report", "year", "2026", "--format", "json"])).stdout)
    assert doc["lapses"] == {"total": 1, "by_clock": {"form": 1}}
    assert ok(tsk("verify")).exit_code == 0


# -- export and import -----------------------------------------------------------------------------
def test_export_and_import_round_trip_byte_for_byte_on_postgresql(tsk, pg, new_database, tmp_path):
    a = add(tsk, "--phone", "13812345678", "--id-number", ID_A, "--summary", '多收费, "年费"\n两行', "--conflict", "赵六")
    add(tsk, "--summary", "群体", "--group-size", "8")
    ok(tsk(["close", a, "--result", "upheld", "--resolution", "退, 还", "--notified-via", "sms", "--compensation", "5"]))
    other = new_database("postgresql+psycopg")
    for args in ([], ["--excel"], ["--format", "json"], ["--format", "jsonl"]):
        first, second = tmp_path / "first", tmp_path / "second"
        ok(tsk(["export", "--show-pii", *args, "-o", str(first)]))
        target = new_database()
        assert ok(tsk(["--db", target, "import", str(first)])).stdout.startswith("imported 2 complaint(s)")
        ok(tsk(["--db", target, "export", "--show-pii", *args, "-o", str(second)]))
        assert second.read_bytes() == first.read_bytes(), args
    # PostgreSQL → SQLite → PostgreSQL, and the id sequence moves past imported ids.
    ok(tsk(["export", "--show-pii", "-o", str(tmp_path / "pg.csv")]))
    lite = str(tmp_path / "lite.db")
    ok(tsk(["--db", lite, "import", str(tmp_path / "pg.csv")]))
    ok(tsk(["--db", lite, "export", "--show-pii", "-o", str(tmp_path / "lite.csv")]))
    ok(tsk(["--db", other, "import", str(tmp_path / "lite.csv")]))
    assert ok(tsk(["--db", other, "add", *BASE, "--summary", "后来"])).stdout.startswith("TS-2026-000003 ")
    assert ok(tsk(["--db", other, "verify"])).stdout.startswith("ok: 3 complaint(s), 3 event(s)")
    rows = list(csv.reader(io.StringIO(ok(tsk(["--db", other, "export"])).stdout)))
    assert rows[0] == list(fields.EXPORT_FIELDS) and [r[0] for r in rows[1:]] == [a, "TS-2026-000002", "TS-2026-000003"]


def test_unmasked_export_is_audited_on_postgresql(tsk, pg):
    add(tsk, "--phone", "13812345678", "--summary", "x")
    assert "13812345678" in ok(tsk(["export", "--show-pii", "--format", "jsonl"])).stdout
    audits = sql(pg, "SELECT action, details FROM audit WHERE action = 'export-pii'")
    assert len(audits) == 1 and json.loads(audits[0][1])["count"] == 1


def test_a_refused_import_leaves_postgresql_untouched(tsk, pg, tmp_path):
    add(tsk, "--summary", "x")
    ok(tsk(["export", "--show-pii", "-o", str(tmp_path / "one.csv")]))
    lines = (tmp_path / "one.csv").read_text(encoding="utf-8").splitlines()
    fresh = lines[1].replace("TS-2026-000001", "TS-2026-000002")
    bad = fresh.replace("TS-2026-000002", "TS-2026-000003").replace(",phone,", ",tel,", 1)
    (tmp_path / "mixed.csv").write_text("\n".join([lines[0], fresh, lines[1], bad]) + "\n", encoding="utf-8")
    before = sql(pg, "SELECT (SELECT count(*) FROM complaint), (SELECT count(*) FROM event), "
                     "(SELECT last FROM ref_counter WHERE year = 2026)")
    run = tsk(["import", str(tmp_path / "mixed.csv")])
    assert run.exit_code == 1
    assert run.stderr.splitlines()[:2] == [
        f"Error: {tmp_path / 'mixed.csv'} line 3, field ref: TS-2026-000001 is already in the ledger",
        f"Error: {tmp_path / 'mixed.csv'} line 4, field channel: 'tel' is not one of: phone (电话), in-person (现场), "
        "letter (信函), email (电子邮件), fax (传真), sms (短信), online (网络), comment-book (意见簿/意见箱), "
        "regulator (监管转办)"]
    assert sql(pg, "SELECT (SELECT count(*) FROM complaint), (SELECT count(*) FROM event), "
                   "(SELECT last FROM ref_counter WHERE year = 2026)") == before
    ok(tsk("verify"))


# -- several writers at once ------------------------------------------------------------------------
def tsk_command() -> list[str]:
    exe = Path(sys.executable).parent / "tsk"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "tsk"]


def test_four_processes_adding_at_once_lose_nothing(pg):
    workers, each = 4, 5
    env = {**os.environ, "TSK_DB": pg}

    def worker(n: int) -> list[subprocess.CompletedProcess]:
        return [subprocess.run(tsk_command() + ["add", *BASE, "--summary", f"{n}-{i}"],
                               capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
                for i in range(each)]

    with ThreadPoolExecutor(workers) as pool:
        results = [r for batch in pool.map(worker, range(workers)) for r in batch]
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
    printed = sorted(r.stdout.split()[0] for r in results)
    total = workers * each
    assert printed == [f"TS-2026-{n:06d}" for n in range(1, total + 1)]
    stored = sql(pg, "SELECT ref, summary, first_handler FROM complaint ORDER BY ref")
    assert [ref for ref, _, _ in stored] == printed
    assert sorted(s for _, s, _ in stored) == sorted(f"{n}-{i}" for n in range(workers) for i in range(each))
    verify = subprocess.run(tsk_command() + ["verify"], capture_output=True, text=True, env=env, timeout=120)
    # each registered, then its three lapses (its ack, resolution and cap ran out long ago) recorded by the add
    assert verify.returncode == 0 and verify.stdout.startswith(f"ok: {total} complaint(s), {total * 4} event(s)")


# -- schema upgrades ---------------------------------------------------------------------------------
def test_a_v1_postgresql_ledger_is_upgraded_in_place(tsk, pg):
    ref = add(tsk, "--summary", "x")
    sql(pg, "DROP INDEX ix_complaint_list_order")  # as v1 left it
    sql(pg, "DELETE FROM schema_migration WHERE version > 1")
    ok(tsk("list"))
    assert [v for (v,) in sql(pg, "SELECT version FROM schema_migration ORDER BY version")] == list(
        range(1, schema.CURRENT_VERSION + 1))
    index = sql(pg, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_complaint_list_order'")
    assert index and "status, direct DESC, due, ref" in index[0][0]
    assert json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["ref"] == ref
    assert ok(tsk("verify")).exit_code == 0


def test_a_newer_postgresql_ledger_is_refused(tsk, pg):
    add(tsk, "--summary", "x")
    newer = schema.CURRENT_VERSION + 1
    sql(pg, "INSERT INTO schema_migration VALUES (%s, 'future', '2027-01-01T00:00:00+08:00')", (newer,))
    run = tsk("list")
    assert run.exit_code == 1
    assert run.stderr == (f"Error: this ledger has schema version {newer}, newer than this tsk knows "
                          f"({schema.CURRENT_VERSION}): upgrade tsk\n")


def test_the_ledger_wide_record_is_verified_on_postgresql(tsk, pg):
    """Audit chain, audited tables, lapses and refs (tests/test_ledger_record.py) on the server."""
    first = add(tsk, "--summary", "x")
    add(tsk, "--summary", "y")
    ok(tsk(["config", "set", "group_threshold", "7"]))
    ok(tsk(["calendar", "set", "2027-10-08", "--holiday"]))
    ok(tsk(["calendar", "publish", "2027"]))
    ok(tsk(["export", "--show-pii"]))
    assert tsk(["check", "--as-of", "2026-09-30"]).exit_code == 3
    before = ok(tsk("verify")).stdout.splitlines()[-1]
    assert [r[0] for r in sql(pg, "SELECT action FROM audit ORDER BY id")] == [
        "config-set", "calendar-set", "calendar-published", "export-pii"]
    for statement, named in [
        ("UPDATE setting SET value = '9' WHERE key = 'group_threshold'", "setting group_threshold: differs"),
        ("DELETE FROM calendar_correction", "calendar_correction 2027-10-08: deleted"),
        ("DELETE FROM lapse WHERE clock = 'ack' AND complaint_id = 1", f"{first}: lapse ack due 2026-08-04 recorded by"),
        ("UPDATE audit SET actor = 'x' WHERE action = 'export-pii'", "audit row 4 (export-pii): altered"),
        ("UPDATE ref_counter SET last = 1", "ref counter of 2026 is 1, below TS-2026-000002"),
    ]:
        sql(pg, statement)
        run = tsk("verify")
        assert run.exit_code == 1 and named in run.stdout, (statement, run.stdout)
        assert run.stdout.splitlines()[-1] != before
    assert add(tsk, "--summary", "z") == "TS-2026-000003"


# -- the 2020 national rules on the server -----------------------------------------------------------
def test_the_national_commands_run_on_postgresql(tsk, pg):
    """Clock stops, a merged repeat, a review with its clock and lapse, remedy, follow-up, a letter."""
    first = add(tsk, "--summary", "转账未到账", "--policy", "national2020", "--complainant", "张小明", "--relationship",
                "继承人")  # Monday 3 August 10:00: due 18 August
    ok(tsk(["ack", first, "--via", "sms", "--at", "2026-08-03 15:00"]))
    repeat = ok(tsk(["add", *BASE[:-2], "--received", "2026-08-05 09:00", "--summary", "又来了", "--policy",
                     "national2020"])).stdout.split()[0]
    ok(tsk(["merge", repeat, "--into", first, "--reason", "同一事项", "--at", "2026-08-05 10:00"]))
    ok(tsk(["pause", first, "--reason", "鉴定", "--notified-via", "sms", "--at", "2026-08-07 10:00"]))
    assert json.loads(ok(tsk(["overdue", "--as-of", "2026-09-30", "--format", "json"])).stdout) == []
    assert "due 2026-08-21" in ok(tsk(["resume", first, "--at", "2026-08-10 09:00"])).stdout  # 3 days
    ok(tsk(["close", first, "--result", "not-upheld", "--resolution", "已到账", "--notified-via", "letter",
            "--at", "2026-08-20 10:00"]))
    ok(tsk(["review", first, "--reason", "不服", "--at", "2026-08-24 10:00"]))  # decided by 23 September
    rows = json.loads(ok(tsk(["overdue", "--as-of", "2026-09-24", "--format", "json"])).stdout)
    assert [(r["ref"], r["clock"], r["due"]) for r in rows] == [(first, "review", "2026-09-23")]
    assert tsk(["check", "--as-of", "2026-09-24"]).exit_code == 3
    assert sql(pg, "SELECT clock, due FROM lapse") == [("review", "2026-09-23")]
    ok(tsk(["close", first, "--result", "partly", "--resolution", "核查后补偿", "--notified-via", "letter",
            "--at", "2026-09-25 10:00"]))
    ok(tsk(["follow-up", first, "--satisfaction", "fair", "--at", "2026-09-26 10:00"]))
    ok(tsk(["remedy", first, "--route", "mediation", "--at", "2026-09-28 10:00"]))
    assert "核查决定：部分支持您的请求" in ok(tsk(["notice", first, "review"])).stdout
    report = json.loads(ok(tsk(["report", "half-year", "2026H2", "--as-of", "2026-09-30", "--format", "json"])).stdout)
    assert (report["totals"]["received"], report["totals"]["merged"]) == (1, 1)
    assert ok(tsk("verify")).exit_code == 0


def test_a_v6_postgresql_ledger_gets_the_national_columns_and_clock_indexes(tsk, pg):
    ref = add(tsk, "--summary", "x")
    for column in schema.V7_COLUMNS:  # as v6 left it: no such column, nor the indexes that name one
        sql(pg, f"ALTER TABLE complaint DROP COLUMN {column} CASCADE")
    sql(pg, "DELETE FROM schema_migration WHERE version > 6")
    ok(tsk("list"))
    assert max(v for (v,) in sql(pg, "SELECT version FROM schema_migration")) == schema.CURRENT_VERSION
    indexes = dict(sql(pg, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'complaint'"))
    assert all("paused_at IS NULL" in indexes[f"ix_complaint_{clock}_clock"] for clock in schema.V7_CLOCK_INDEXES)
    assert "review_due" in indexes["ix_complaint_review_clock"]
    assert json.loads(ok(tsk(["show", ref, "--format", "json"])).stdout)["paused_days"] == 0
    assert ok(tsk("verify")).exit_code == 0
