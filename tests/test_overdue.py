"""Overdue clocks and the nightly check (docs/rules.md, Escalation and lateness; `overdue`, `check`).

Literal dates around National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11
are make-up working days (调休上班). Under cbrc2012 a complaint received on day D has its
ack due the next working day, its resolution 15 working days after D, its cap 60.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from helpers import Live

from tsk import overdue, timeutil
from tsk.clocks import NAMES
from tsk.context import Ledger
from tsk.store import queries as q

BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--summary", "柜员态度差"]


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


def add(tsk, received: str, *extra: str) -> str:
    run = tsk(["add", *BASE, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["ref"]


def rows(tsk, *args: str) -> list[dict]:
    run = tsk(["overdue", *args, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def clocks(tsk, *args: str) -> list[tuple]:
    return [(r["ref"], r["clock"], r["due"], r["working_days_late"]) for r in rows(tsk, *args)]


def show(tsk, ref: str) -> dict:
    run = tsk(["show", ref, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def check_events(view: dict) -> list[dict]:
    return [e for e in view["events"] if e["details"].get("by") == "tsk check"]


def open_ledger() -> Ledger:
    return Ledger.open(os.environ["TSK_DB"], "officer")


# -- lateness in working days ---------------------------------------------------------------
def test_a_clock_due_today_is_not_late(tsk):
    ref = add(tsk, "2025-10-09 10:00")  # ack due Friday 10-10
    assert clocks(tsk, "--as-of", "2025-10-10") == []
    assert clocks(tsk, "--as-of", "2025-10-10", "--within", "0") == [(ref, "ack", "2025-10-10", 0)]
    (row,) = rows(tsk, "--as-of", "2025-10-10", "--within", "0")
    assert row["overdue"] is False and row["state"] == "due-today"


def test_the_day_after_is_one_working_day_late_and_a_makeup_saturday_counts(tsk):
    ref = add(tsk, "2025-10-09 10:00")  # ack due Friday 10-10
    assert clocks(tsk, "--as-of", "2025-10-11") == [(ref, "ack", "2025-10-10", 1)]  # 调休上班 Saturday
    assert clocks(tsk, "--as-of", "2025-10-12") == [(ref, "ack", "2025-10-10", 1)]  # Sunday: still 1
    assert clocks(tsk, "--as-of", "2025-10-13") == [(ref, "ack", "2025-10-10", 2)]


def test_national_day_holidays_do_not_count(tsk):
    ref = add(tsk, "2025-09-29 10:00")  # ack due Tuesday 09-30
    # Past due over the holiday, but not one working day late until it ends.
    (row,) = rows(tsk, "--as-of", "2025-10-08")
    assert (row["clock"], row["due"], row["working_days_late"], row["overdue"]) == ("ack", "2025-09-30", 0, True)
    assert clocks(tsk, "--as-of", "2025-10-09") == [(ref, "ack", "2025-09-30", 1)]
    assert clocks(tsk, "--as-of", "2025-10-10") == [(ref, "ack", "2025-09-30", 2)]


def test_within_lists_clocks_due_soon_with_negative_lateness(tsk):
    friday = add(tsk, "2025-10-09 10:00")  # ack due 10-10
    saturday = add(tsk, "2025-10-10 10:00")  # ack due 10-11, the make-up Saturday
    assert clocks(tsk, "--as-of", "2025-10-09", "--within", "1") == [(friday, "ack", "2025-10-10", -1)]
    assert clocks(tsk, "--as-of", "2025-10-09", "--within", "2") == [
        (friday, "ack", "2025-10-10", -1), (saturday, "ack", "2025-10-11", -2)]
    assert all(r["state"] == "due-soon" for r in rows(tsk, "--as-of", "2025-10-09", "--within", "2"))


def test_most_days_late_first_then_direct_complaints_then_ref(tsk):
    late = add(tsk, "2025-09-29 10:00")  # ack due 09-30
    plain = add(tsk, "2025-10-09 10:00")  # ack due 10-10
    direct = add(tsk, "2025-10-09 11:00", "--direct")  # ack due 10-10, 越级
    assert clocks(tsk, "--as-of", "2025-10-13") == [
        (late, "ack", "2025-09-30", 4), (direct, "ack", "2025-10-10", 2), (plain, "ack", "2025-10-10", 2)]


def test_resolution_and_cap_clocks_are_listed_when_past(tsk):
    ref = add(tsk, "2025-09-29 10:00")  # ack 09-30, due 10-27, cap 12-29
    tsk(["ack", ref, "--via", "sms", "--at", "2025-09-29 15:00"])
    assert clocks(tsk, "--as-of", "2025-10-28") == [(ref, "resolution", "2025-10-27", 1)]
    assert clocks(tsk, "--as-of", "2025-12-30") == [(ref, "resolution", "2025-10-27", 46),
                                                    (ref, "cap", "2025-12-29", 1)]


IMPORT_HEADER = "ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,direct,ack_due,due,cap_due\n"


def import_clocks(tsk, tmp_path, complaints) -> None:
    """Open complaints carrying their own dates, as an import keeps them (on a day off too):
    (ref, direct, ack_due and due, cap_due) each."""
    source = tmp_path / "dated.csv"
    source.write_text(IMPORT_HEADER + "".join(
        f"{ref},2025-09-01 10:00,phone,service,card,other,张三,城关支行,x,{int(direct)},{due},{due},{cap}\n"
        for ref, direct, due, cap in complaints), encoding="utf-8")
    run = tsk(["import", str(source)])
    assert run.exit_code == 0, run.stderr


def test_a_friday_deadline_and_the_weekend_after_it_are_ordered_as_one(tsk, tmp_path):
    """Seen on Sunday 10-19, deadlines of Friday, Saturday and Sunday are all 0 working days
    late: the past-due ones first, direct before plain, then by ref, whatever their due dates."""
    import_clocks(tsk, tmp_path, [
        ("TS-2025-000001", False, "2025-10-19", "2026-03-02"),  # due today (a Sunday)
        ("TS-2025-000002", False, "2025-10-17", "2026-03-02"),  # Friday
        ("TS-2025-000003", True, "2025-10-18", "2026-03-02"),  # Saturday, 越级
        ("TS-2025-000004", False, "2025-10-16", "2026-03-02"),  # Thursday: 1 working day late
        ("TS-2025-000005", True, "2025-10-19", "2026-03-02"),  # due today, 越级
    ])
    got = [(r["ref"][-1], r["clock"], r["working_days_late"], r["state"])
           for r in rows(tsk, "--as-of", "2025-10-19", "--within", "0")]
    assert got == [
        ("4", "ack", 1, "overdue"), ("4", "resolution", 1, "overdue"),
        ("3", "ack", 0, "overdue"), ("3", "resolution", 0, "overdue"),
        ("2", "ack", 0, "overdue"), ("2", "resolution", 0, "overdue"),
        ("5", "ack", 0, "due-today"), ("5", "resolution", 0, "due-today"),
        ("1", "ack", 0, "due-today"), ("1", "resolution", 0, "due-today")]


def backlog(tsk, tmp_path, count: int) -> None:
    """`count` open complaints with deadlines scattered over most of a year, days off
    included, about 30% direct: many runs of due dates as late as each other."""
    import random

    pick = random.Random(7)
    start = dt.date(2025, 1, 1)
    complaints = []
    for n in range(1, count + 1):
        due = start + dt.timedelta(days=pick.randrange(300))
        cap = due + dt.timedelta(days=pick.randrange(200))
        complaints.append((f"TS-2024-{n:06d}", pick.random() < 0.3, due.isoformat(), cap.isoformat()))
    pick.shuffle(complaints)  # ids in no useful order
    import_clocks(tsk, tmp_path, complaints)


def urgency(row: dict) -> tuple:
    """The order clock_rows documents, applied to the whole listing at once."""
    return (-row["working_days_late"], not row["overdue"], not row["direct"], row["ref"],
            ("ack", "resolution", "cap", "report").index(row["clock"]))


def test_a_streamed_listing_is_in_the_documented_order_in_every_format(tsk, tmp_path, monkeypatch):
    """A long listing, read in due-date order and sorted one run of equally late dates at a
    time, is the whole listing sorted at once; the JSON array written a few rows at a time
    is json.dumps of that list; the table spilled to disk beyond a few rows is the table
    laid out in memory; CSV has the same rows in the same order."""
    from tsk.render import output, textable

    backlog(tsk, tmp_path, 120)
    args = ["overdue", "--as-of", "2025-10-20", "--within", "20"]
    monkeypatch.setattr(output, "JSON_CHUNK", 7)
    run = tsk([*args, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    listing = json.loads(run.stdout)
    assert len(listing) > 200 and len({r["working_days_late"] for r in listing}) > 20
    runs = {}
    for r in listing:
        runs.setdefault(r["working_days_late"], set()).add(r["due"])
    assert sum(len(dues) > 1 for dues in runs.values()) > 10  # due dates that share their lateness
    assert listing == sorted(listing, key=urgency)
    assert run.stdout == output.json_text(listing) + "\n"

    csv = tsk([*args, "--format", "csv"]).stdout.splitlines()
    assert [line.split(",")[:4] for line in csv[1:]] == [
        [r["ref"], r["clock"], r["due"], str(r["working_days_late"])] for r in listing]

    monkeypatch.setattr(textable, "SPOOL_ROWS", 10**6)
    in_memory = tsk(args)
    monkeypatch.setattr(textable, "SPOOL_ROWS", 7)
    spilled = tsk(args)
    assert spilled.exit_code == in_memory.exit_code == 0
    assert spilled.stdout == in_memory.stdout
    refs = [line.split()[0] for line in spilled.lines[2:-1]]
    assert refs == [r["ref"] for r in listing]
    overdue = sum(r["overdue"] for r in listing)
    assert spilled.lines[-1] == f"{overdue} overdue, {len(listing) - overdue} due within 20 working day(s) as of 2025-10-20"


def test_an_empty_listing_is_an_empty_json_array_and_a_csv_header(tsk):
    assert tsk("overdue --as-of 2025-10-10 --format json").stdout == "[]\n"
    assert tsk("overdue --as-of 2025-10-10 --format csv").lines == [",".join(
        ("ref", "clock", "due", "working_days_late", "overdue", "state", "assignee", "assignee_unit", "unit", "level",
         "severity", "status", "direct", "customer_name", "flags"))]


# -- which clocks run --------------------------------------------------------------------------
def test_an_acknowledged_complaint_has_no_ack_clock(tsk):
    ref = add(tsk, "2025-10-09 10:00")
    assert tsk(["ack", ref, "--via", "phone", "--at", "2025-10-13 09:00"]).exit_code == 0  # late, but done
    assert clocks(tsk, "--as-of", "2025-10-14") == []


def test_a_closed_referred_complaint_keeps_its_report_clock(tsk):
    ref = add(tsk, "2025-09-29 10:00", "--channel", "regulator", "--referred-by", "国家金融监督管理总局",
              "--referral-ref", "JG-2025-17")
    run = tsk(["close", ref, "--result", "upheld", "--resolution", "已退费", "--notified-via", "phone",
               "--at", "2025-09-30 10:00"])
    assert run.exit_code == 0, run.stderr
    assert show(tsk, ref)["report_due"] == "2025-10-11"  # 3 working days after closing
    assert clocks(tsk, "--as-of", "2025-10-11") == []
    assert clocks(tsk, "--as-of", "2025-10-13") == [(ref, "report", "2025-10-11", 1)]
    assert tsk(["reported", ref, "结果已报送", "--at", "2025-10-13 10:00"]).exit_code == 0
    assert clocks(tsk, "--as-of", "2025-10-14") == []


def test_closed_rejected_and_withdrawn_complaints_have_no_running_clocks(tsk):
    closed, rejected, withdrawn = (add(tsk, "2025-09-29 10:00") for _ in range(3))
    tsk(["close", closed, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms",
         "--at", "2025-09-29 12:00"])
    tsk(["reject", rejected, "--reason", "无事实依据", "--notified-via", "sms", "--at", "2025-09-29 12:00"])
    tsk(["withdraw", withdrawn, "--reason", "客户撤回", "--at", "2025-09-29 12:00"])
    assert clocks(tsk, "--as-of", "2026-03-01") == []


def test_the_python_predicate_and_the_sql_agree_on_every_clock(tsk, tmp_path):
    """`views.flags`' "overdue" and the forms ask tsk.clocks in Python what `overdue` and `check`
    ask it in SQL: generated from one definition, they agree on every kind of complaint, on
    dues that are dates and dues that are moments (clocks in hours), as of a day or a time."""
    from pathlib import Path

    from tsk import clocks

    example = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"
    assert tsk(["policy", "add", str(example)]).exit_code == 0
    for received in ("2025-09-29 10:00", "2025-09-29 23:30", "2025-09-30 10:00"):  # answered within 24 hours
        add(tsk, received, "--kind", "inquiry", "--policy", "workdays2020")
    plain, acked, closed, rejected, withdrawn = (add(tsk, "2025-09-29 10:00") for _ in range(5))
    referral = ["--channel", "regulator", "--referred-by", "国家金融监督管理总局", "--referral-ref", "JG-2025-17"]
    referred = add(tsk, "2025-09-29 10:00", *referral)
    group = add(tsk, "2025-09-29 10:00", "--group-size", "8")
    # Guangdong: a 督办表 pending, one issued, one on a closed complaint; a referral's own deadline
    guangdong = ["--policy", "gdrcc2008", "--form-at", "2025-09-29 15:00"]
    pending, supervised, gd_closed = (add(tsk, "2025-09-29 10:00", *guangdong) for _ in range(3))
    limited, limited_closed = (add(tsk, "2025-09-29 10:00", *referral, "--referral-due", "2025-10-15") for _ in range(2))
    # the 2020 national rules: a review (核查) of a decision under way, and a clock stopped
    reviewed, paused = (add(tsk, "2025-09-29 10:00", "--policy", "national2020") for _ in range(2))
    for argv in (["ack", acked, "--via", "sms", "--at", "2025-09-29 12:00"],
                 ["close", closed, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms"],
                 ["close", referred, "--result", "upheld", "--resolution", "已退费", "--notified-via", "sms"],
                 ["reject", rejected, "--reason", "无事实依据", "--notified-via", "sms"],
                 ["withdraw", withdrawn, "--reason", "客户撤回"], ["reported", group, "已报告"],
                 ["supervise", supervised, "--unit", "联社合规部", "--at", "2025-09-30 10:00"],
                 ["close", gd_closed, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms"],
                 ["close", limited_closed, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms"],
                 ["close", reviewed, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms",
                  "--at", "2025-09-30 10:00"], ["review", reviewed, "--reason", "客户申请核查", "--at", "2025-10-09 10:00"],
                 ["pause", paused, "--reason", "鉴定", "--notified-via", "sms", "--at", "2025-09-29 11:00"]):
        assert tsk(argv).exit_code == 0, argv
    # a 处理表 not yet arrived: an imported Guangdong complaint whose record does not say it did
    source = tmp_path / "form-pending.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,policy\n"
                      "TS-2025-000900,2025-09-29 10:00,phone,service,card,other,张三,城关支行,x,gdrcc2008\n",
                      encoding="utf-8")
    assert tsk(["import", str(source)]).exit_code == 0
    ledger = open_ledger()
    try:
        complaints = ledger.store.rows("SELECT * FROM complaint")
        for clock in clocks.CLOCKS:
            running = {r["id"] for r in ledger.store.rows(f"SELECT id FROM complaint WHERE {clock.running_sql}")}
            assert {c["id"] for c in complaints if clock.runs(c)} == running and running
        assert {len(c["due"]) for c in complaints} == {10, 25}  # dates and moments
        for day in ("2025-09-30", "2025-10-09", "2025-11-01", "2026-01-01", "2027-01-01", "2025-09-30 09:59",
                    "2025-09-30 10:00", "2025-09-30 23:29", "2025-09-30 23:30", "2025-10-09 09:59", "2025-10-09 10:00"):
            when = timeutil.parse_as_of(day)
            late = {r["id"] for r in ledger.store.rows(q.clock_ids(), {"before": when.bound})}
            assert {c["id"] for c in complaints if clocks.past_due(c, when)} == late, day
            if len(day) == 10:  # a day given as a date means its end
                assert {c["id"] for c in complaints if clocks.past_due(c, dt.date.fromisoformat(day))} == late
    finally:
        ledger.close()


# -- formats and exit codes -------------------------------------------------------------------
def test_json_has_the_documented_fields(tsk):
    ref = add(tsk, "2025-09-29 10:00", "--severity", "serious")
    tsk(["assign", ref, "--to", "李四", "--unit", "城关支行"])
    (row,) = rows(tsk, "--as-of", "2025-10-09")
    assert {"ref", "clock", "due", "working_days_late", "assignee", "unit", "level", "severity"} <= set(row)
    assert (row["ref"], row["clock"], row["due"], row["working_days_late"], row["assignee"], row["unit"],
            row["level"], row["severity"]) == (ref, "ack", "2025-09-30", 1, "李四", "城关支行", 2, "serious")  # 较重: level 2


def test_csv_has_a_header_and_one_row_per_clock(tsk):
    first = add(tsk, "2025-09-29 10:00")
    second = add(tsk, "2025-10-09 10:00")
    run = tsk("overdue --as-of 2025-10-13 --format csv")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("ref,clock,due,working_days_late,")
    assert [line.split(",")[:4] for line in lines[1:]] == [[first, "ack", "2025-09-30", "4"],
                                                           [second, "ack", "2025-10-10", "2"]]


def test_table_shows_chinese_clock_labels_and_a_total_line(tsk):
    add(tsk, "2025-09-29 10:00")
    add(tsk, "2025-10-10 10:00")
    run = tsk("overdue --as-of 2025-10-09 --within 2")
    assert run.exit_code == 0, run.stderr
    assert "受理告知" in run.stdout and "逾期" in run.stdout and "即将到期" in run.stdout
    assert run.lines[-1] == "1 overdue, 1 due within 2 working day(s) as of 2025-10-09"
    empty = tsk("overdue --as-of 2025-09-29")
    assert empty.lines == ["0 overdue as of 2025-09-29"]


def test_fail_exits_3_only_when_a_clock_is_past_due(tsk):
    add(tsk, "2025-10-09 10:00")  # ack due 10-10
    assert tsk("overdue --as-of 2025-10-10 --within 3 --fail").exit_code == 0  # due today, not late
    assert tsk("overdue --as-of 2025-10-11 --fail").exit_code == 3
    assert tsk("overdue --as-of 2025-10-11").exit_code == 0


def test_overdue_may_look_at_a_future_day(tsk):
    ref = add(tsk, "2025-10-09 10:00")
    later = (tsk.real_today() + dt.timedelta(days=7)).isoformat()
    assert ("ack", "resolution", "cap") == tuple(r["clock"] for r in rows(tsk, "--as-of", later) if r["ref"] == ref)


@pytest.mark.parametrize("args", ["overdue --as-of 2025-02-30", "overdue --as-of soon", "check --as-of nonsense",
                                  "overdue --within -1", "overdue --format md"])
def test_bad_input_is_a_usage_error_without_traceback(tsk, args):
    run = tsk(args)
    assert run.exit_code == 2
    assert run.stderr.startswith("Error:") and "Traceback" not in run.stderr


# -- the nightly check ---------------------------------------------------------------------------
def test_check_exits_0_when_nothing_is_overdue(tsk):
    add(tsk, "2025-10-09 10:00")
    run = tsk("check --as-of 2025-10-10")  # ack due today
    assert run.exit_code == 0, run.stderr
    assert run.lines == ["checked 1 complaint(s) with running clocks as of 2025-10-10: "
                         "0 newly overdue, 0 escalated, 0 still overdue"]


def test_check_run_twice_escalates_once(tsk):
    ref = add(tsk, "2025-09-29 10:00")  # ack due 09-30
    first = tsk("check --as-of 2025-10-09")
    assert first.exit_code == 3
    assert first.stdout.endswith(": 1 newly overdue, 1 escalated, 0 still overdue\n")
    second = tsk("check --as-of 2025-10-09")
    assert second.exit_code == 3
    assert second.stdout.endswith(": 0 newly overdue, 0 escalated, 1 still overdue\n")
    view = show(tsk, ref)
    assert view["level"] == 2
    (event,) = check_events(view)
    assert event["action"] == "escalated"
    assert {k: event["details"][k] for k in ("clock", "due", "working_days_late", "by")} == {
        "clock": "ack", "due": "2025-09-30", "working_days_late": 1, "by": "tsk check"}
    assert event["details"]["changes"] == {"level": 2}
    assert tsk("verify").exit_code == 0


def test_a_missed_week_is_caught_up_with_one_escalation_per_lapse(tsk):
    friday = add(tsk, "2025-10-09 10:00")  # ack due 10-10
    saturday = add(tsk, "2025-10-10 10:00")  # ack due 10-11
    assert tsk("check --as-of 2025-10-10").exit_code == 0
    # No check from 10-11 to 10-19: six nights missed.
    run = tsk("check --as-of 2025-10-20")
    assert run.stdout.endswith(": 2 newly overdue, 2 escalated, 0 still overdue\n")
    assert tsk("check --as-of 2025-10-21").stdout.endswith(": 0 newly overdue, 0 escalated, 2 still overdue\n")
    for ref in (friday, saturday):
        view = show(tsk, ref)
        assert view["level"] == 2
        assert [e["details"]["clock"] for e in check_events(view)] == ["ack"]


def test_each_lapsed_clock_of_one_complaint_escalates_once(tsk):
    ref = add(tsk, "2025-09-29 10:00")  # ack 09-30 and resolution 10-27 both lapsed by 11-05
    run = tsk("check --as-of 2025-11-05")
    assert run.stdout.endswith(": 2 newly overdue, 2 escalated, 0 still overdue\n")
    view = show(tsk, ref)
    assert view["level"] == 3
    assert [(e["action"], e["details"]["clock"], e["details"]["working_days_late"]) for e in check_events(view)] == [
        ("escalated", "ack", 21), ("escalated", "resolution", 7)]


def test_an_extended_due_date_can_lapse_again(tsk):
    ref = add(tsk, "2025-09-29 10:00")
    tsk(["ack", ref, "--via", "sms", "--at", "2025-09-29 15:00"])
    assert tsk("check --as-of 2025-10-28").exit_code == 3  # resolution 10-27 lapsed
    assert show(tsk, ref)["level"] == 2
    # Decided on its due day (one after it is refused): the lapse the check recorded stays.
    run = tsk(["extend", ref, "--days", "5", "--reason", "需调查", "--notified-via", "sms", "--at", "2025-10-27 16:00"])
    assert run.exit_code == 0, run.stderr  # due 11-03
    assert tsk("check --as-of 2025-10-29").exit_code == 0
    assert tsk("check --as-of 2025-11-04").stdout.endswith(": 1 newly overdue, 1 escalated, 0 still overdue\n")
    assert show(tsk, ref)["level"] == 3


def test_at_the_top_level_a_lapse_is_recorded_without_escalating(tsk):
    ref = add(tsk, "2025-09-29 10:00", "--severity", "major")  # level 3, report due 09-30
    run = tsk("check --as-of 2025-10-09")
    assert run.exit_code == 3
    assert run.stdout.endswith(": 2 newly overdue, 0 escalated, 0 still overdue\n")
    view = show(tsk, ref)
    assert view["level"] == 3
    assert [(e["action"], e["details"]["clock"]) for e in check_events(view)] == [
        ("overdue-recorded", "ack"), ("overdue-recorded", "report")]


def test_check_counts_closed_complaints_awaiting_their_report(tsk):
    ref = add(tsk, "2025-09-29 10:00", "--channel", "regulator", "--referred-by", "人民银行", "--referral-ref", "R-1")
    tsk(["close", ref, "--result", "partly", "--resolution", "部分退费", "--notified-via", "sms",
         "--at", "2025-09-30 10:00"])
    run = tsk("check --as-of 2025-10-13")
    assert run.exit_code == 3
    assert run.lines == ["checked 1 complaint(s) with running clocks as of 2025-10-13: "
                         "1 newly overdue, 1 escalated, 0 still overdue"]
    assert [e["details"]["clock"] for e in check_events(show(tsk, ref))] == ["report"]


def test_check_on_a_future_day_is_a_what_if_that_records_nothing(tsk):
    ref = add(tsk, "2025-10-09 10:00")
    later = (tsk.real_today() + dt.timedelta(days=7)).isoformat()
    run = tsk(["check", "--as-of", later])
    assert run.exit_code == 3
    assert run.stdout.startswith("what-if, nothing recorded: ")
    assert run.stdout.endswith(": 3 newly overdue, 2 to escalate, 0 still overdue\n")
    dry = tsk("check --as-of 2025-10-13 --dry-run")
    assert dry.exit_code == 3 and dry.stdout.endswith(": 1 newly overdue, 1 to escalate, 0 still overdue\n")
    view = show(tsk, ref)
    assert view["level"] == 1 and check_events(view) == []


# -- the library -------------------------------------------------------------------------------
def test_check_handles_any_number_of_lapses_in_batches(tsk):
    refs = [add(tsk, "2025-09-29 10:00") for _ in range(6)]
    tsk.at("2025-11-05 23:00")
    ledger = open_ledger()
    try:
        as_of = dt.date(2025, 11, 5)  # ack 09-30 and resolution 10-27 lapsed: 12 clocks
        ranges = overdue._ranges(ledger, as_of, 3)  # 4 clocks each: a complaint's clocks are never split
        assert len(ranges) == 3 and ranges[0][0] == overdue.FIRST_ID and ranges[-1][1] == overdue.LAST_ID
        assert all(a < b for a, b in ranges) and all(x[1] == y[0] for x, y in zip(ranges, ranges[1:]))
        dry = overdue.check(ledger, as_of, dry_run=True, batch=3)
        result = overdue.check(ledger, as_of, batch=3)
        assert (result.checked, result.newly_overdue, result.escalated, result.still_overdue) == (6, 12, 12, 0)
        assert (dry.newly_overdue, dry.escalated, dry.still_overdue) == (12, 12, 0)
        again = overdue.check(ledger, as_of, batch=3)
        assert (again.newly_overdue, again.escalated, again.still_overdue) == (0, 0, 12)
    finally:
        ledger.close()
    for ref in refs:
        view = show(tsk, ref)
        assert view["level"] == 3
        assert [e["details"]["clock"] for e in check_events(view)] == ["ack", "resolution"]
    assert tsk("verify").exit_code == 0


def test_a_clock_stopped_after_the_ranges_were_cut_is_not_escalated(tsk):
    ref = add(tsk, "2025-10-09 10:00")
    ledger = open_ledger()
    try:
        as_of = dt.date(2025, 10, 13)
        ranges = overdue._ranges(ledger, as_of, overdue.BATCH)  # the ack clock is past due here
        assert tsk(["ack", ref, "--via", "sms", "--at", "2025-10-10 09:00"]).exit_code == 0  # on its due day
        result = overdue.CheckResult(as_of, recorded=True)
        lapses = overdue._Lapses(ledger, as_of, recorded=True)
        for after, upto in ranges:
            overdue._record(ledger, after, upto, lapses, result)  # each range is read in its transaction
        assert (result.newly_overdue, result.escalated) == (0, 0)
        assert ledger.store.value("SELECT count(*) FROM lapse") == 0
    finally:
        ledger.close()
    assert show(tsk, ref)["level"] == 1


def test_a_lapse_recorded_meanwhile_fails_its_batch_on_the_key_and_the_batch_is_done_again(tsk, monkeypatch):
    ref = add(tsk, "2025-09-29 10:00")
    assert tsk("check --as-of 2025-10-09").exit_code == 3
    ledger = open_ledger()
    try:
        rows, missed = ledger.store.rows, []

        def blind_once(sql, params=()):  # as if a concurrent check recorded it just after this read
            if sql == q.LAPSES_IN_RANGE and not missed:
                missed.append(sql)
                return []
            return rows(sql, params)

        monkeypatch.setattr(ledger.store, "rows", blind_once)
        result = overdue.check(ledger, dt.date(2025, 10, 9))
        assert missed and (result.newly_overdue, result.escalated, result.still_overdue) == (0, 0, 1)
    finally:
        ledger.close()
    view = show(tsk, ref)
    assert view["level"] == 2 and len(check_events(view)) == 1
    assert tsk("verify").exit_code == 0


def test_check_events_are_exactly_those_append_event_writes(tsk):
    """The chain link a check builds from templates is history.event_hash's, whatever the actor's name."""
    from tsk import history

    ledger = Ledger.open(os.environ["TSK_DB"], '值班 "夜间" \\ officer\t')
    try:
        lapses = overdue._Lapses(ledger, dt.date(2025, 10, 13), recorded=True)
        events = lapses.start()
        c = {"id": 7, "ref": "TS-2025-000001", "level": 2, "event_count": 3, "history_head": "ab" * 32}
        for changes in ({"level": 3}, None):
            before = dict(c)
            info = lapses.info(("ack", "2025-09-30", changes is not None))
            event = events.append(c, "escalated" if changes else "overdue-recorded", changes, info, key=changes is None)
            assert event["hash"] == history.event_hash(before["history_head"], "TS-2025-000001", event)
            assert event["details"] == history.canonical(history.event_details(before, changes or {}, info))
            assert json.loads(event["details"])["working_days_late"] == 4
        assert c["level"] == 3 and c["event_count"] == 5 and c["history_head"] == event["hash"]
    finally:
        ledger.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_ledger(request, monkeypatch) -> str:
    """The test's ledger file, or a fresh PostgreSQL database in its place."""
    if request.param == "postgresql":
        monkeypatch.setenv("TSK_DB", request.getfixturevalue("new_database")())
    return os.environ["TSK_DB"]


def test_a_batch_whose_complaint_changed_meanwhile_is_refused_whole(tsk, either_ledger):
    """The event count guards every complaint a batch saves, as `history.save` guards one: the
    batch writes its complaints' updates a statement per set of columns changed, and one lost
    update refuses them all (the transaction rolls back: no event, no change)."""
    from tsk.errors import Refused

    refs = [add(tsk, "2025-10-09 10:00") for _ in range(3)]
    ledger = Ledger.open(either_ledger)
    try:
        rows = {r["ref"]: r for r in ledger.store.rows("SELECT * FROM complaint ORDER BY id")}
        lapses = overdue._Lapses(ledger, dt.date(2025, 10, 13), recorded=True)
        events = lapses.start()
        for ref, changes in zip(refs, ({"level": 2}, {"level": 2}, None)):  # two sets of columns
            events.append(rows[ref], "escalated" if changes else "overdue-recorded", changes,
                          lapses.info(("ack", "2025-10-10", bool(changes))))
        ledger.store.run("UPDATE complaint SET event_count = event_count + 1 WHERE ref = :ref", {"ref": refs[1]})
        before = ledger.store.value("SELECT count(*) FROM event")
        with pytest.raises(Refused, match=f"one of {refs[0]}, {refs[1]} was changed by someone else"), \
                ledger.store.transaction():
            events.write(ledger.store)
        assert ledger.store.value("SELECT count(*) FROM event") == before
        assert [r["level"] for r in ledger.store.rows("SELECT level FROM complaint ORDER BY id")] == [1, 1, 1]
    finally:
        ledger.close()


def test_check_escalates_as_tsk_escalate_does(tsk):
    by_check, by_hand = add(tsk, "2025-10-09 10:00"), add(tsk, "2025-10-09 10:00")
    assert tsk(["escalate", by_hand, "--reason", "客户情绪激动"]).exit_code == 0
    assert tsk("check --as-of 2025-10-13").exit_code == 3
    checked = check_events(show(tsk, by_check))[0]
    escalated = next(e for e in show(tsk, by_hand)["events"] if e["action"] == "escalated")
    assert checked["action"] == escalated["action"] == "escalated"
    assert checked["details"]["changes"] == escalated["details"]["changes"] == {"level": 2}
    assert checked["details"]["was"] == escalated["details"]["was"] == {"level": 1}
    assert tsk("verify").exit_code == 0


def test_clock_rows_as_a_library(tsk):
    ref = add(tsk, "2025-10-09 10:00")
    ledger = open_ledger()
    try:
        listing = overdue.clock_rows(ledger, dt.date(2025, 10, 11))
        read = [(r["ref"], r["clock"], r["working_days_late"]) for r in listing.rows]  # a stream: read while open
    finally:
        ledger.close()
    assert read == [(ref, "ack", 1)]
    assert (listing.overdue, listing.due_soon) == (1, 0)
    assert str(listing.summary()) == "1 overdue as of 2025-10-11"


# sqlite_stat1 of the bench's 1M ledger after ANALYZE (tsk import runs it after a large import); the
# clock indexes hold only the running clocks (v4)
STATS_1M = [("ix_complaint_ack_clock", "723 723 723 723 181"), ("ix_complaint_assignee", "1000000 5848"),
            ("ix_complaint_cap_clock", "13360 13360 13360 268"), ("ix_complaint_id_number", "1000000 3"),
            ("ix_complaint_list_order", "1000000 250000 125000 263 1"), ("ix_complaint_phone", "1000000 2"),
            ("ix_complaint_received", "1000000 3"), ("ix_complaint_report_clock", "199 199 67"),
            ("ix_complaint_resolution_clock", "13360 13360 13360 257"),
            ("ix_complaint_unit_category", "1000000 24391 4879 1"),
            ("sqlite_autoindex_complaint_1", "1000000 1")]


def plan_as_if_1m(ledger) -> None:
    """Give the planner the statistics of the 1M ledger."""
    ledger.store.conn.execute("ANALYZE")
    ledger.store.conn.executemany("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", [(s, i) for i, s in STATS_1M])
    ledger.store.conn.execute("ANALYZE sqlite_schema")  # load them


@pytest.mark.parametrize("stats", [False, True], ids=["no-statistics", "1M-statistics"])
def test_each_clock_query_seeks_its_index(tsk, stats):
    add(tsk, "2025-10-09 10:00")
    ledger = open_ledger()
    try:
        if stats:
            plan_as_if_1m(ledger)
        for sql, how in ((q.running_clocks(), "INDEX"), (q.clock_ids(), "COVERING INDEX")):
            plan = [r["detail"] for r in ledger.store.rows("EXPLAIN QUERY PLAN " + sql, {"before": "2025-10-11"})]
            for index in (f"ix_complaint_{clock}_clock" for clock in NAMES):
                assert any(d.startswith(f"SEARCH complaint USING {how} {index} (") for d in plan), plan
            assert not any(d.startswith("SCAN complaint") for d in plan), plan
        # `overdue` streams: its clocks come merged in due-date order from the indexes, unsorted
        plan = [r["detail"] for r in ledger.store.rows("EXPLAIN QUERY PLAN " + q.running_clocks(), {"before": "2025-10-11"})]
        assert "MERGE (UNION ALL)" in plan and not any("TEMP B-TREE" in d for d in plan), plan
    finally:
        ledger.close()


@pytest.mark.parametrize("stats", [False, True], ids=["no-statistics", "1M-statistics"])
def test_check_reads_each_range_by_primary_key(tsk, stats):
    """`check`'s per-range reads seek the id range; the clock indexes would be read whole each time."""
    add(tsk, "2025-10-09 10:00")
    ledger = open_ledger()
    try:
        if stats:
            plan_as_if_1m(ledger)
        params = {"after": 0, "upto": 10, "before": "2025-10-11"}
        plan = [r["detail"] for r in ledger.store.rows("EXPLAIN QUERY PLAN " + q.lapsed_in_range(""), params)]
        assert plan == ["SEARCH complaint USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"], plan
        plan = [r["detail"] for r in ledger.store.rows("EXPLAIN QUERY PLAN " + q.LAPSES_IN_RANGE, params)]
        assert len(plan) == 1 and plan[0].startswith("SEARCH lapse USING ") and "(complaint_id>? AND complaint_id<?)" in plan[0], plan
    finally:
        ledger.close()


def test_the_table_shows_a_clock_not_yet_due_as_working_days_to_go(tsk):
    """Received Tuesday 29 September 2026 16:40, its ack is due Wednesday 30 September: as of the
    29th that clock is 1 working day away, shown `1 日后` (it showed -1)."""
    run = tsk(["add", *BASE, "--received", "2026-09-29 16:40"])
    assert run.exit_code == 0, run.stderr
    table = tsk(["overdue", "--as-of", "2026-09-29", "--within", "1"]).stdout
    row = next(line for line in table.splitlines() if "TS-2026-000001" in line)
    assert "1 日后" in row and "-1" not in row
    listed = json.loads(tsk(["overdue", "--as-of", "2026-09-29", "--within", "1", "--format", "json"]).stdout)
    assert [(r["clock"], r["working_days_late"], r["state"]) for r in listed] == [("ack", -1, "due-soon")]
