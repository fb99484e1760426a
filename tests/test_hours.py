"""Clocks counted in hours (docs/rules.md, Periods in hours; Escalation and lateness): a period in
hours ends at a moment, not on a day; the clock is late from that minute in `show`, `list`,
`overdue`, `check`, the lapses every write records and the reports; `--as-of` takes a time.

Under workdays2020 (examples/policies/workdays2020.toml) an inquiry is answered within 24 hours
and acknowledged by the next working day (a date). Received Monday 2026-11-23 09:00, its answer
is due Tuesday 2026-11-24 09:00. Literal dates (`tsk calendar is-workday`): National Day 2026,
10-01..10-07 off and Saturday 10-10 a make-up working day; New Year 2026, 01-01..01-03 off and
Sunday 01-04 worked; Spring Festival 2026, Saturday 02-14 worked, 02-15..02-23 off; Saturday
2026-11-21 an ordinary day off. Each command is entered when it says it happened (helpers.Live).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from helpers import BASE, Live, ok, one_error_line, snapshot, sql

from tsk import clocks, sla, timeutil
from tsk.timeutil import AsOf
from tsk.workdays import build_calendar

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"
MONDAY_9 = "2026-11-23 09:00"
DUE = "2026-11-24T09:00:00+08:00"  # 24 hours after MONDAY_9


@pytest.fixture
def tsk(tsk, monkeypatch):
    return Live(monkeypatch, tsk)


@pytest.fixture
def national(tsk):
    ok(tsk, ["policy", "add", str(EXAMPLE)])


def inquiry(tsk, received: str, *extra: str) -> str:
    """An inquiry under workdays2020: its resolution clock is 24 hours."""
    run = ok(tsk, ["add", *BASE, "--kind", "inquiry", "--policy", "workdays2020", "--received", received, *extra,
                   "--format", "json"])
    return json.loads(run.stdout)["ref"]


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def listed(tsk, *args: str) -> list[tuple]:
    rows = json.loads(ok(tsk, ["overdue", *args, "--format", "json"]).stdout)
    return [(r["clock"], r["due"], r["working_days_late"], r["state"]) for r in rows]


def warnings(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("Warning:") and " was due " in line]


# -- the due: a moment ----------------------------------------------------------------------------
def test_a_24_hour_clock_is_due_at_the_same_minute_the_next_day(tsk, national):
    run = ok(tsk, ["add", *BASE, "--kind", "inquiry", "--policy", "workdays2020", "--received", MONDAY_9])
    assert "  due     处理时限 2026-11-24 09:00\n" in run.stdout
    assert "  ack due 受理告知 2026-11-24\n" in run.stdout  # a working day: a date
    ref = run.stdout.split()[0]
    c = show(tsk, ref)
    assert (c["ack_due"], c["due"], c["cap_due"]) == ("2026-11-24", DUE, "2027-02-22")  # cap: 60 working days
    assert re.search(r"处理时限 due +2026-11-24 09:00\n", ok(tsk, ["show", ref]).stdout)
    assert "2026-11-24 09:00" in ok(tsk, ["list"]).stdout
    assert json.loads(ok(tsk, ["list", "--format", "json"]).stdout)[0]["due"] == DUE


@pytest.mark.parametrize(("received", "due"), [
    ("2026-11-23 23:30", "2026-11-24T23:30:00+08:00"),  # late at night: the next evening
    ("2026-11-20 20:00", "2026-11-23T20:00:00+08:00"),  # Friday evening: Saturday off, Monday at 20:00
    ("2026-09-30 10:00", "2026-10-08T10:00:00+08:00"),  # the eve of National Day: the same time after it
    ("2026-10-09 10:00", "2026-10-10T10:00:00+08:00"),  # ends on the make-up Saturday, a working day
    ("2025-12-31 22:00", "2026-01-04T22:00:00+08:00"),  # year end: New Year off, the make-up Sunday
    ("2026-02-13 15:00", "2026-02-14T15:00:00+08:00"),  # Spring Festival's make-up Saturday is worked
    ("2026-02-14 15:00", "2026-02-24T15:00:00+08:00"),  # received on it: the festival, then Tuesday
], ids=["late-night", "friday-evening", "national-day-eve", "make-up-saturday", "year-end",
        "spring-festival-saturday", "spring-festival-eve"])
def test_a_moment_on_a_day_off_moves_to_the_same_time_of_the_next_working_day(tsk, national, received, due):
    assert show(tsk, inquiry(tsk, received))["due"] == due


def test_the_period_definition_gives_the_moment_and_dues_compare_by_when_they_end():
    cal = build_calendar()
    hours = sla.Period(24, "hours")
    assert hours.due(cal, timeutil.parse_datetime(MONDAY_9)) == timeutil.parse_datetime("2026-11-24 09:00")
    # a start given in another zone is China time first: 01:00 UTC is 09:00 in Shanghai
    assert hours.due(cal, timeutil.parse_datetime("2026-11-23T01:00Z")) == timeutil.parse_datetime("2026-11-24 09:00")
    policy = sla.Policy.from_mapping({"name": "fast", "resolution_from": "ack", "clocks": {
        "ack": "24 hours", "resolution": "1 working_days", "cap": "30 hours"}})
    got = sla.deadlines(policy, cal, timeutil.parse_datetime("2026-09-30 10:00"), kind="complaint",
                        severity="general", report_to_regulator=True)
    assert timeutil.due_text(got.ack_due) == "2026-10-08T10:00:00+08:00"  # 10-01 10:00 is National Day
    assert got.due == dt.date(2026, 10, 9)  # a working day after the ack deadline's day
    assert got.cap_due == got.due  # the cap (10-08 16:00) is never before the handling deadline
    assert sla.stored(got)["ack_due"] == "2026-10-08T10:00:00+08:00" and sla.stored(got)["form_due"] is None
    # an extension keeps a moment's time of day, and never passes the cap
    moment = timeutil.parse_datetime("2026-09-29 09:00")
    assert sla.shifted(cal, moment, 1) == timeutil.parse_datetime("2026-09-30 09:00")
    hourly = sla.Policy.from_mapping({"name": "hourly", "clocks": {
        "ack": "1 working_days", "resolution": "24 hours", "cap": "60 working_days"}})
    got = sla.deadlines(hourly, cal, timeutil.parse_datetime("2026-09-28 09:00"), kind="complaint", severity="general",
                        report_to_regulator=False, extended_days=1)
    assert got.due == moment.replace(day=30)  # 24 hours to 09-29 09:00, a working day on at the same time
    capped = sla.deadlines(policy, cal, timeutil.parse_datetime("2026-09-30 10:00"), kind="complaint",
                           severity="general", report_to_regulator=False, extended_days=2)
    assert capped.due == capped.cap_due == dt.date(2026, 10, 9)


# -- past due: one rule, in Python and SQL --------------------------------------------------------
@pytest.mark.parametrize(("due", "as_of", "late"), [
    ("2026-11-24", "2026-11-24 23:59", False),  # a date: late once its day is over
    ("2026-11-24", "2026-11-25 00:00", True),
    ("2026-11-23", "2026-11-24", True),
    (DUE, "2026-11-24 08:59", False),  # a moment: late from its minute
    (DUE, "2026-11-24 09:00", True),
    (DUE, "2026-11-24T09:00:00", False),  # to the second: the due moment itself is not yet late
    (DUE, "2026-11-24T09:00:01", True),
    (DUE, "2026-11-24", True),  # a day: its end
    (DUE, "2026-11-23", False),
])
def test_past_is_the_same_in_python_and_in_sql(tsk, due, as_of, late):
    """`clocks.past` and `clocks.past_sql` read one bound (`AsOf.bound`), on SQLite as on PostgreSQL
    (tests/test_postgres.py): dates and moments, as of a day or a minute."""
    import sqlite3

    bound = timeutil.parse_as_of(as_of).bound
    assert clocks.past(due, bound) is late
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute(f"SELECT {clocks.past_sql(':due', ':bound')}", {"due": due, "bound": bound}).fetchone() \
            == (int(late),)


def test_as_of_a_day_is_its_end_or_now_while_it_lasts():
    assert AsOf.of(dt.date(2026, 11, 24)).bound == "2026-11-24T24:00:00+08:00"
    assert AsOf.of(dt.date(2026, 11, 24)).text == "2026-11-24"
    assert AsOf.of(timeutil.today()).bound <= timeutil.to_text(timeutil.now())
    assert timeutil.parse_as_of("2026-11-24 10:00").bound == "2026-11-24T10:00:59+08:00"
    assert timeutil.parse_as_of("2026年11月24日 10时").text == "2026-11-24 10:00"
    assert timeutil.parse_as_of("2026/11/24").bound == "2026-11-24T24:00:00+08:00"
    assert timeutil.parse_as_of("2026-11-24 10:00:30").bound == "2026-11-24T10:00:30+08:00"
    # the end of a day sorts after every moment of it and before the next day
    assert "2026-11-24T23:59:59+08:00" < AsOf.of(dt.date(2026, 11, 24)).bound < "2026-11-25"


# -- overdue: late from that minute ---------------------------------------------------------------
def test_overdue_is_late_from_the_due_minute_not_from_the_next_day(tsk, national):
    inquiry(tsk, MONDAY_9)
    assert listed(tsk, "--as-of", "2026-11-24 08:59") == []
    assert listed(tsk, "--as-of", "2026-11-24 08:59", "--within", "0") == [
        ("ack", "2026-11-24", 0, "due-today"), ("resolution", DUE, 0, "due-today")]
    # from 09:00 on the answer is late; the ack (a date) is due that day until it ends
    for as_of in ("2026-11-24 09:00", "2026-11-24 09:01", "2026-11-24T09:00", "2026-11-24T01:30Z"):
        assert listed(tsk, "--as-of", as_of, "--within", "0") == [
            ("resolution", DUE, 0, "overdue"), ("ack", "2026-11-24", 0, "due-today")], as_of
    assert listed(tsk, "--as-of", "2026-11-24T09:00:00") == []  # to the second: due, not yet late
    assert listed(tsk, "--as-of", "2026-11-23", "--within", "1") == [
        ("ack", "2026-11-24", -1, "due-soon"), ("resolution", DUE, -1, "due-soon")]
    assert listed(tsk, "--as-of", "2026-11-24") == [("resolution", DUE, 0, "overdue")]  # a date: its end
    assert listed(tsk, "--as-of", "2026-11-25") == [("ack", "2026-11-24", 1, "overdue"),
                                                   ("resolution", DUE, 1, "overdue")]


def test_the_overdue_table_and_summary_show_the_time(tsk, national):
    inquiry(tsk, MONDAY_9)
    run = ok(tsk, ["overdue", "--as-of", "2026-11-24 10:00", "--within", "0"])
    assert "2026-11-24 09:00" in run.stdout and "逾期" in run.stdout and "今日到期" in run.stdout
    assert run.lines[-1] == "1 overdue, 1 due today as of 2026-11-24 10:00"
    assert tsk(["overdue", "--as-of", "2026-11-24 08:59", "--fail"]).exit_code == 0
    assert tsk(["overdue", "--as-of", "2026-11-24 09:00", "--fail"]).exit_code == 3


def test_a_moment_due_over_a_holiday_is_late_from_its_time_after_it(tsk, national):
    inquiry(tsk, "2026-09-30 10:00")  # due 10-08 10:00
    assert listed(tsk, "--as-of", "2026-10-05") == []
    assert listed(tsk, "--as-of", "2026-10-08 09:59", "--within", "0")[-1] == (
        "resolution", "2026-10-08T10:00:00+08:00", 0, "due-today")
    assert ("resolution", "2026-10-08T10:00:00+08:00", 0, "overdue") in listed(tsk, "--as-of", "2026-10-08 10:00")
    # Friday 10-09 and the make-up Saturday 10-10: 2 working days late
    assert ("resolution", "2026-10-08T10:00:00+08:00", 2, "overdue") in listed(tsk, "--as-of", "2026-10-10 08:00")


@pytest.mark.parametrize("as_of", ["2026-11-24 25:00", "2026-11-24T09:00+99:00", "2026-02-30 10:00", "soon"])
def test_a_bad_as_of_is_a_usage_error(tsk, as_of):
    for command in (["overdue"], ["check"], ["report", "stats"]):
        run = tsk([*command, "--as-of", as_of])
        assert run.exit_code == 2, (command, run.stderr)
        assert "--as-of" in one_error_line(run)


# -- check, and every write: the lapse is the moment ---------------------------------------------
def test_check_records_the_lapse_of_a_moment_once(tsk, national, ledger_path):
    ref = inquiry(tsk, MONDAY_9)
    assert tsk(["check", "--as-of", "2026-11-24 08:59"]).exit_code == 0
    run = tsk(["check", "--as-of", "2026-11-24 09:30"])
    assert run.exit_code == 3, run.stderr
    assert run.lines == ["checked 1 complaint(s) with running clocks as of 2026-11-24 09:30: "
                         "1 newly overdue, 1 escalated, 0 still overdue"]
    assert sql(ledger_path, "SELECT clock, due FROM lapse") == [("resolution", DUE)]
    view = show(tsk, ref)
    (event,) = [e for e in view["events"] if e["details"].get("by") == "tsk check"]
    assert (event["details"]["due"], event["details"]["working_days_late"]) == (DUE, 0)
    assert event["details"]["as_of"] == "2026-11-24 09:30"
    assert "due 2026-11-24 09:00 passed" in event["details"]["reason"]
    assert "处理时限 2026-11-24 09:00 已过，逾期 0 个工作日" in ok(tsk, ["show", ref]).stdout
    assert sql(ledger_path, "SELECT lapsed, level FROM complaint") == [(1, 2)]  # never on time now
    again = tsk(["check", "--as-of", "2026-11-24 12:00"])
    assert again.lines[0].endswith("0 newly overdue, 0 escalated, 1 still overdue")
    ok(tsk, ["verify"])


def test_a_write_after_the_due_minute_records_the_lapse_with_its_warning(tsk, national, ledger_path):
    ref = inquiry(tsk, MONDAY_9)
    early = ok(tsk, ["note", ref, "已联系客户", "--at", "2026-11-24 08:58"])  # entered 08:59: not yet late
    assert warnings(early) == [] and sql(ledger_path, "SELECT count(*) FROM lapse") == [(0,)]
    late = ok(tsk, ["note", ref, "客户再次来电", "--at", "2026-11-24 09:05"])
    assert warnings(late) == [f"Warning: {ref} resolution was due {DUE}: 0 working day(s) late"]
    assert sql(ledger_path, "SELECT l.clock, l.due, c.lapsed, c.level FROM lapse l, complaint c") == [
        ("resolution", DUE, 1, 2)]
    (event,) = [e for e in show(tsk, ref)["events"] if e["details"].get("by") == "tsk note"]
    assert event["action"] == "escalated" and event["details"]["as_of"] == "2026-11-24"
    # the next working day it is 1 working day late: the ack clock (a date) lapses then
    run = ok(tsk, ["note", ref, "第三次来电", "--at", "2026-11-25 10:00"])
    assert warnings(run) == [f"Warning: {ref} ack was due 2026-11-24: 1 working day(s) late"]
    ok(tsk, ["verify"])


def test_a_lapse_over_a_weekend_counts_working_days_from_the_due_day(tsk, national):
    ref = inquiry(tsk, "2026-11-19 16:00")  # Thursday: due Friday 11-20 16:00
    run = ok(tsk, ["ack", ref, "--via", "phone", "--at", "2026-11-23 09:30"])  # Monday
    assert warnings(run) == [f"Warning: {ref} ack was due 2026-11-20: 1 working day(s) late",
                             f"Warning: {ref} resolution was due 2026-11-20T16:00:00+08:00: 1 working day(s) late"]


# -- changes to a moment due ----------------------------------------------------------------------
def test_an_extension_keeps_the_time_of_day_and_is_refused_after_the_due_minute(tsk, national, ledger_path):
    ref = inquiry(tsk, "2026-09-29 09:00")  # due Wednesday 09-30 09:00, the eve of National Day
    before = snapshot(ledger_path)
    refused = tsk(["extend", ref, "--days", "1", "--reason", "需核实", "--notified-via", "sms",
                   "--at", "2026-09-30 09:01"])
    assert refused.exit_code == 1
    assert "the deadline it extends, 2026-09-30 09:00, was over" in one_error_line(refused)
    assert snapshot(ledger_path) == before  # nothing written: nor a lapse
    run = ok(tsk, ["extend", ref, "--days", "1", "--reason", "需核实", "--notified-via", "sms",
                   "--at", "2026-09-30 08:00"])
    assert "due 2026-10-08 09:00" in run.stdout  # the first working day after the holiday, at 09:00
    c = show(tsk, ref)
    assert (c["due"], c["extended_days"]) == ("2026-10-08T09:00:00+08:00", 1)
    assert "处理时限 2026-09-30 09:00 → 2026-10-08 09:00" in ok(tsk, ["show", ref]).stdout


def test_a_calendar_correction_moves_a_moment_due(tsk, national):
    ref = inquiry(tsk, MONDAY_9)
    ok(tsk, ["calendar", "set", "2026-11-24", "--holiday", "--note", "台风停业"])
    assert show(tsk, ref)["due"] == "2026-11-25T09:00:00+08:00"
    assert "2026-11-25 09:00" in ok(tsk, ["show", ref]).stdout  # the recomputation, as people read it
    ok(tsk, ["verify"])


def test_the_forms_and_calendar_explain_print_the_time(tsk, national):
    ref = inquiry(tsk, MONDAY_9)
    assert "2026-11-24 09:00" in ok(tsk, ["show", ref, "--form", "handling"]).stdout
    assert "2026-11-24 09:00" in ok(tsk, ["show", ref, "--form", "supervision"]).stdout
    explained = ok(tsk, ["calendar", "explain", "2026-09-30 10:00", "24", "--unit", "hours"]).stdout
    assert "2026-09-30 10:00 起 24小时" in explained and "到期日 due: 2026-10-08 10:00" in explained


def test_an_import_keeps_a_moment_due_and_an_export_round_trips_it(tsk, tmp_path, monkeypatch):
    source = tmp_path / "in.csv"
    header = "ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,ack_due,due,cap_due\n"
    source.write_text(header + f"TS-2026-000001,{MONDAY_9},phone,service,card,other,张三,城关支行,x,2026-11-24,"
                               "2026-11-24 09:00,2027-01-22\n", encoding="utf-8")
    ok(tsk, ["import", str(source)])
    assert listed(tsk, "--as-of", "2026-11-24 09:00") == [("resolution", DUE, 0, "overdue")]
    exported = tmp_path / "out.json"
    ok(tsk, ["export", "--format", "json", "--output", str(exported), "--show-pii"])
    book = tmp_path / "out.xlsx"
    ok(tsk, ["export", "--format", "xlsx", "-o", str(book), "--show-pii"])
    for copy, source_file in (("again.db", exported), ("from-book.db", book)):  # JSON, and the workbook's text cell
        monkeypatch.setenv("TSK_DB", str(tmp_path / copy))
        ok(tsk, ["import", str(source_file)])
        assert listed(tsk, "--as-of", "2026-11-24 09:00") == [("resolution", DUE, 0, "overdue")]
    bad = tmp_path / "bad.csv"
    bad.write_text(source.read_text(encoding="utf-8").replace("2026-11-24 09:00", "2026-11-24 25:00")
                   .replace("000001", "000002"), encoding="utf-8")
    run = tsk(["import", str(bad)])
    assert run.exit_code == 1 and "line 2, field due: '2026-11-24 25:00' is not a date and time" in run.stderr
    assert "Traceback" not in run.stderr


# -- reports ------------------------------------------------------------------------------------
def stats(tsk, as_of: str) -> dict:
    run = ok(tsk, ["report", "stats", "--since", "2026-11-01", "--until", "2026-11-30", "--by", "kind",
                   "--as-of", as_of, "--format", "json"])
    (row,) = json.loads(run.stdout)
    return row


def test_reports_count_a_moment_due_as_overdue_from_its_minute(tsk, national):
    inquiry(tsk, MONDAY_9)
    assert stats(tsk, "2026-11-24 08:59")["overdue"] == 0
    assert stats(tsk, "2026-11-24 09:00")["overdue"] == 1
    assert stats(tsk, "2026-11-24")["overdue"] == 1  # a date: its end
    doc = json.loads(ok(tsk, ["report", "half-year", "2026H2", "--as-of", "2026-11-24 08:30", "--format", "json"]).stdout)
    assert (doc["totals"]["overdue_open"], doc["as_of"]) == (0, "2026-11-24 08:30")
    table = ok(tsk, ["report", "stats", "--since", "2026-11-01", "--until", "2026-11-30", "--as-of", "2026-11-24 09:00"])
    assert "逾期未结截至 2026-11-24 09:00" in table.stdout


def test_an_answer_by_the_due_minute_is_on_time_and_one_after_it_is_not(tsk, national):
    on_time, late = inquiry(tsk, MONDAY_9), inquiry(tsk, MONDAY_9)
    for ref, at in ((on_time, "2026-11-24 08:30"), (late, "2026-11-24 10:00")):
        ok(tsk, ["close", ref, "--result", "upheld", "--resolution", "已答复", "--notified-via", "phone", "--at", at])
    row = stats(tsk, "2026-11-30")
    assert (row["resolved"], row["resolved_on_time"], row["overdue"]) == (2, 1, 0)


def test_resolved_on_time_compares_the_closing_moment_with_a_moment_due(tsk, tmp_path):
    """The reports' own test of the closing time (`clocks.RESOLUTION_MET`), apart from the lapses
    a write records: imported records, closed a minute before and a minute after the due."""
    header = ("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,kind,ack_due,due,"
              "cap_due,status,closed_at,result,resolution,notified_via\n")
    rows = "".join(f"TS-2026-00000{n},{MONDAY_9},phone,service,card,other,张三,城关支行,x,inquiry,2026-11-24,{DUE},"
                   f"2027-01-22,closed,{closed},upheld,已答复,phone\n"
                   for n, closed in ((1, "2026-11-24T08:59:00+08:00"), (2, "2026-11-24T09:00:00+08:00"),
                                     (3, "2026-11-24T09:01:00+08:00")))
    (tmp_path / "closed.csv").write_text(header + rows, encoding="utf-8")
    ok(tsk, ["import", str(tmp_path / "closed.csv")])
    assert (stats(tsk, "2026-11-30")["resolved"], stats(tsk, "2026-11-30")["resolved_on_time"]) == (3, 2)
