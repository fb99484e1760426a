"""Timeliness that cannot be bent (docs/rules.md, Escalation and lateness; Reports): every write
records the lapses of its complaint that no one recorded yet, as `tsk check` would, with a
warning; an extension after the deadline it extends is refused; a lapsed complaint is never
resolved on time; a late entry is flagged; the reports count late entries, late extensions and
lapsed complaints; `tsk report year`.

Literal dates around National Day 2026 (10-01..10-07 off, Sunday 09-20 and Saturday 10-10
make-up working days) and Spring Festival 2026 (02-15..02-23 off, Saturdays 02-14 and 02-28
make-up), checked with `tsk calendar shift`/`between`. Under cbrc2012 a complaint received on
Monday 2026-09-28 has its ack due 09-29, its resolution 10-23 and its cap 12-25; one received
on 2026-02-12 has them due 02-13, 03-11 and 05-18. "Now" is set where a test says
(helpers.entered_at): a command is entered at that moment.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import BASE, entered_at, one_error_line, snapshot, sql

from tsk import overdue, timeutil
from tsk.store import queries as q

REAL_NOW = timeutil.now

SEPT = "2026-09-28 10:00"  # ack 09-29, resolution 10-23, cap 12-25
FEB = "2026-02-12 09:00"  # ack 02-13, resolution 03-11, cap 05-18: all past due whenever this runs


def add(tsk, received: str, *extra: str) -> dict:
    run = tsk(["add", *BASE, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def show(tsk, ref: str) -> dict:
    run = tsk(["show", ref, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def lapse_events(view: dict) -> list[tuple]:
    return [(e["action"], e["details"]["by"], e["details"]["clock"], e["details"]["due"], e["details"]["as_of"])
            for e in view["events"] if "clock" in e["details"]]


def warnings(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("Warning:")]


def between(tsk, first: str, last: str) -> int:
    run = tsk(["calendar", "between", first, last])
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


def lapses(path: str) -> list[tuple]:
    return sql(path, "SELECT clock, due FROM lapse ORDER BY due, clock")


def back_to_today(monkeypatch) -> None:
    monkeypatch.setattr(timeutil, "now", REAL_NOW)


# -- 1. lapses are facts on every write ------------------------------------------------------------
def test_a_write_records_each_lapse_not_yet_recorded_with_its_warning(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    entered_at(monkeypatch, "2026-10-09 09:00")  # the ack clock (due 09-29) ran past due: 3 working days late
    run = tsk(["note", ref, "客户来电催办"])
    assert run.exit_code == 0, run.stderr
    assert warnings(run) == [f"Warning: {ref} ack was due 2026-09-29: 3 working day(s) late"]
    view = show(tsk, ref)
    assert [e["action"] for e in view["events"]] == ["registered", "escalated", "noted"]
    assert lapse_events(view) == [("escalated", "tsk note", "ack", "2026-09-29", "2026-10-09")]
    assert view["events"][1]["details"]["working_days_late"] == 3
    assert view["level"] == 2  # as `tsk check` escalates
    assert lapses(ledger_path) == [("ack", "2026-09-29")]
    again = tsk(["note", ref, "再次催办"])  # recorded once: no second warning, no second escalation
    assert again.exit_code == 0 and warnings(again) == []
    check = tsk("check")  # the nightly check finds it recorded
    assert check.stdout.endswith(": 0 newly overdue, 0 escalated, 1 still overdue\n")
    assert show(tsk, ref)["level"] == 2
    assert tsk("verify").exit_code == 0


def test_a_lapse_of_a_handling_clock_marks_the_complaint_lapsed(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    assert tsk(["ack", ref, "--via", "sms"]).exit_code == 0
    entered_at(monkeypatch, "2026-10-26 09:00")  # resolution due Friday 10-23: Monday is 1 working day late
    run = tsk(["assign", ref, "--to", "李四"])
    assert warnings(run) == [f"Warning: {ref} resolution was due 2026-10-23: 1 working day(s) late"]
    assert sql(ledger_path, "SELECT lapsed, level FROM complaint") == [(1, 2)]
    assert lapse_events(show(tsk, ref)) == [("escalated", "tsk assign", "resolution", "2026-10-23", "2026-10-26")]


def test_a_backdated_at_does_not_undo_what_the_ledger_showed_today(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    entered_at(monkeypatch, "2026-10-09 09:00")
    run = tsk(["ack", ref, "--via", "phone", "--at", "2026-09-29 15:00"])  # acknowledged in time, entered late
    assert run.exit_code == 0, run.stderr
    assert warnings(run) == [f"Warning: {ref} ack was due 2026-09-29: 3 working day(s) late"]
    view = show(tsk, ref)
    assert view["acked_at"] == "2026-09-29T15:00:00+08:00"
    assert lapse_events(view) == [("escalated", "tsk ack", "ack", "2026-09-29", "2026-10-09")]
    assert lapses(ledger_path) == [("ack", "2026-09-29")]


def test_add_of_a_complaint_already_past_due_records_its_lapses(tsk, ledger_path):
    run = tsk(["add", *BASE, "--received", FEB, "--format", "json"])  # today: every clock long past due
    assert run.exit_code == 0, run.stderr
    c = json.loads(run.stdout)
    today = overdue.parse_as_of(None).day.isoformat()
    assert warnings(run) == [f"Warning: {c['ref']} {clock} was due {due}: {between(tsk, due, today)} working day(s) late"
                             for clock, due in (("ack", "2026-02-13"), ("resolution", "2026-03-11"), ("cap", "2026-05-18"))]
    assert (c["level"], "late-entry" in c["flags"]) == (3, True)
    assert sql(ledger_path, "SELECT lapsed FROM complaint") == [(1,)]
    view = show(tsk, c["ref"])
    assert [e[:3] for e in lapse_events(view)] == [
        ("escalated", "tsk add", "ack"), ("escalated", "tsk add", "resolution"), ("overdue-recorded", "tsk add", "cap")]
    assert lapses(ledger_path) == [("ack", "2026-02-13"), ("resolution", "2026-03-11"), ("cap", "2026-05-18")]
    assert tsk("check").stdout.endswith(": 0 newly overdue, 0 escalated, 3 still overdue\n")
    assert tsk("verify").exit_code == 0


def test_a_refused_command_records_no_lapse(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    entered_at(monkeypatch, "2026-10-09 09:00")
    before = snapshot(ledger_path), lapses(ledger_path)
    run = tsk(["reopen", ref, "--reason", "申诉"])  # it is open: refused after the lapse was found
    assert run.exit_code == 1
    one_error_line(run)
    assert warnings(run) == []
    assert (snapshot(ledger_path), lapses(ledger_path)) == before


def test_verify_holds_lapses_recorded_by_any_command(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    entered_at(monkeypatch, "2026-10-09 09:00")
    assert tsk(["note", ref, "催办"]).exit_code == 0
    assert tsk("verify").exit_code == 0
    sql(ledger_path, "DELETE FROM lapse")
    run = tsk("verify")
    assert run.exit_code == 1
    assert f"{ref}: lapse ack due 2026-09-29 recorded by {ref} event 2 (escalated) is missing" in run.stdout
    sql(ledger_path, "INSERT INTO lapse (complaint_id, clock, due, detected_at) VALUES (1, 'ack', '2026-09-29', 'x')")
    sql(ledger_path, "INSERT INTO lapse (complaint_id, clock, due, detected_at) VALUES (1, 'resolution', '2026-10-23', 'x')")
    run = tsk("verify")
    assert "lapse ack due 2026-09-29: detected_at differs" in run.stdout
    assert "lapse resolution due 2026-10-23: in the lapse table, but no event recorded it" in run.stdout


@pytest.mark.parametrize("by", ["tsk check", "tsk extend", "tsk add"])
def test_a_lapse_is_said_by_whichever_command_recorded_it(by):
    assert overdue.lapse_recorded({"by": by, "clock": "ack", "due": "2026-09-29"}) == ("ack", "2026-09-29")
    assert overdue.lapse_recorded({"clock": "ack", "due": "2026-09-29"}) is None
    assert overdue.lapse_recorded({"by": by, "reason": "x"}) is None


def test_a_write_with_nothing_past_due_never_looks_for_lapses(tsk, monkeypatch):
    def nothing_to_record(*args):
        raise AssertionError("record_lapses called with nothing past due")

    monkeypatch.setattr(overdue, "record_lapses", nothing_to_record)
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    assert tsk(["ack", ref, "--via", "sms"]).exit_code == 0
    entered_at(monkeypatch, "2026-10-23 17:00")  # the resolution's due day: not late yet
    assert tsk(["note", ref, "处理中"]).exit_code == 0
    assert tsk(["close", ref, "--result", "upheld", "--resolution", "已处理", "--notified-via", "phone"]).exit_code == 0


# -- 2. an extension is decided before the deadline it extends ---------------------------------------
def test_extend_at_after_the_deadline_it_extends_is_refused(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    assert tsk(["ack", ref, "--via", "sms"]).exit_code == 0
    entered_at(monkeypatch, "2026-10-26 09:00")
    before = snapshot(ledger_path), lapses(ledger_path)
    argv = ["extend", ref, "--days", "5", "--reason", "需调查", "--notified-via", "sms"]
    for at in ([], ["--at", "2026-10-24 09:00"]):  # today, and a Saturday after the Friday deadline
        run = tsk(argv + at)
        assert run.exit_code == 1
        assert "2026-10-23" in one_error_line(run) and warnings(run) == []
        assert (snapshot(ledger_path), lapses(ledger_path)) == before  # the lapse neither


def test_extend_on_the_deadline_entered_later_keeps_the_lapse(tsk, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, SEPT)["ref"]
    assert tsk(["ack", ref, "--via", "sms"]).exit_code == 0
    entered_at(monkeypatch, "2026-10-26 09:00")
    run = tsk(["extend", ref, "--days", "5", "--reason", "需调查", "--notified-via", "sms", "--at", "2026-10-23 17:00"])
    assert run.exit_code == 0, run.stderr
    assert warnings(run) == [f"Warning: {ref} resolution was due 2026-10-23: 1 working day(s) late"]
    view = show(tsk, ref)
    assert view["due"] == "2026-10-30"
    assert [e["action"] for e in sorted(view["events"], key=lambda e: e["seq"])][-2:] == ["escalated", "extended"]
    assert lapse_events(view)[0][:3] == ("escalated", "tsk extend", "resolution")
    assert sql(ledger_path, "SELECT lapsed FROM complaint") == [(1,)]
    assert tsk("verify").exit_code == 0


# -- 3. never on time once lapsed ---------------------------------------------------------------------
@pytest.fixture
def two_closed(tsk, monkeypatch):
    """Two complaints of 09-28 both closed by their due date: `late` only after its resolution
    clock lapsed (recorded on 10-26) and a backdated extension (decided 10-23) moved it."""
    entered_at(monkeypatch, "2026-09-28 10:05")
    late = add(tsk, SEPT, "--unit", "城西支行")["ref"]
    on_time = add(tsk, SEPT, "--unit", "城东支行")["ref"]
    for ref in (late, on_time):
        assert tsk(["ack", ref, "--via", "sms"]).exit_code == 0
    entered_at(monkeypatch, "2026-10-22 16:00")
    close = ["--result", "upheld", "--resolution", "已处理", "--notified-via", "phone"]
    assert tsk(["close", on_time, *close]).exit_code == 0
    entered_at(monkeypatch, "2026-10-26 09:00")
    assert tsk(["extend", late, "--days", "5", "--reason", "需调查", "--notified-via", "sms",
                "--at", "2026-10-23 17:00"]).exit_code == 0
    assert tsk(["close", late, *close, "--at", "2026-10-26 08:30"]).exit_code == 0  # before its new due, 10-30
    back_to_today(monkeypatch)
    return late, on_time


def test_a_lapsed_complaint_is_never_resolved_on_time_in_any_report(tsk, two_closed):
    half = json.loads(tsk("report half-year 2026H2 --format json").stdout)
    year = json.loads(tsk("report year 2026 --format json").stdout)
    for doc in (half, year):
        assert (doc["totals"]["resolved"], doc["totals"]["resolved_on_time"], doc["totals"]["lapsed"]) == (2, 1, 1)
    stats = json.loads(tsk("report stats --since 2026-09-01 --until 2026-09-30 --by unit --format json").stdout)
    assert {r["key"]: (r["resolved"], r["resolved_on_time"]) for r in stats} == {"城西支行": (1, 0), "城东支行": (1, 1)}


def test_the_on_time_condition_is_written_once():
    from pathlib import Path

    from tsk import clocks

    text = Path(q.__file__).read_text(encoding="utf-8")
    assert text.count("closed_at") and "substr(closed_at, 1, 10) <= due" not in text  # the clock's rule, not a copy
    assert clocks.RESOLUTION_MET in q.RESOLVED_ON_TIME and "lapsed = 0" in q.RESOLVED_ON_TIME
    for statement in (q.report_totals([]), q.report_stats("unit")):
        assert q.RESOLVED_ON_TIME in statement


# -- 4. late entries (补录) ---------------------------------------------------------------------------
def test_a_complaint_recorded_more_than_24_hours_after_receipt_is_a_late_entry(tsk, monkeypatch):
    entered_at(monkeypatch, "2026-09-29 10:01")
    late = add(tsk, "2026-09-28 10:00")
    in_time = add(tsk, "2026-09-28 10:02")
    assert late["flags"] == ["late-entry"] and in_time["flags"] == []
    assert "late-entry" in show(tsk, late["ref"])["flags"] and show(tsk, in_time["ref"])["flags"] == []
    run = tsk("list --format json")
    assert {r["ref"]: r["flags"] for r in json.loads(run.stdout)} == {late["ref"]: ["late-entry"], in_time["ref"]: []}
    assert re.search(rf"{late['ref']}.*补录", tsk("list").stdout)
    assert "补录" in tsk(["show", late["ref"]]).stdout
    registered = show(tsk, late["ref"])["events"][0]["details"]
    assert registered["flags"] == ["late-entry"] and registered["changes"]["late_entry"] == 1


def test_an_import_keeps_the_imported_late_entry(tsk, tmp_path):
    source = tmp_path / "old.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,late_entry\n"
                      "TS-2026-000001,2026-02-12 09:00,phone,service,card,other,张三,城关支行,x,1\n"
                      "TS-2026-000002,2026-02-12 09:00,phone,service,card,other,李四,城关支行,y,0\n", encoding="utf-8")
    run = tsk(["import", str(source)])
    assert run.exit_code == 0, run.stderr
    assert "late-entry" in show(tsk, "TS-2026-000001")["flags"]
    assert "late-entry" not in show(tsk, "TS-2026-000002")["flags"]


# -- 5. and 6. what an auditor asks: the half-year and year reports ----------------------------------
@pytest.fixture
def audited(tsk, monkeypatch):
    """城东支行: one late entry (received 09-28, recorded 09-30). 城西支行: an extension decided on
    its deadline 10-23 but recorded 10-26 (after the lapse it could not undo); an extension
    recorded in time at 城南支行."""
    entered_at(monkeypatch, "2026-09-30 11:00")
    add(tsk, SEPT, "--unit", "城东支行")
    entered_at(monkeypatch, "2026-09-28 10:05")
    late = add(tsk, SEPT, "--unit", "城西支行")["ref"]
    fine = add(tsk, SEPT, "--unit", "城南支行")["ref"]
    extend = ["--days", "5", "--reason", "需调查", "--notified-via", "sms"]
    entered_at(monkeypatch, "2026-10-20 10:00")
    assert tsk(["extend", fine, *extend]).exit_code == 0
    entered_at(monkeypatch, "2026-10-26 09:00")
    assert tsk(["extend", late, *extend, "--at", "2026-10-23 17:00"]).exit_code == 0
    back_to_today(monkeypatch)


@pytest.mark.parametrize("command", ["half-year 2026H2", "year 2026"])
def test_reports_count_late_entries_late_extensions_and_lapsed_complaints(tsk, audited, command):
    doc = json.loads(tsk(f"report {command} --format json").stdout)
    assert {k: doc["totals"][k] for k in ("received", "extended", "late_entries", "late_extensions")} == {
        "received": 3, "extended": 2, "late_entries": 1, "late_extensions": 1}
    assert doc["totals"]["lapsed"] == 1  # 城西支行's resolution clock; the others' lapses were ack's
    assert doc["late_entries"] == {"total": 1, "by_unit": {"城东支行": 1}}
    assert doc["late_extensions"] == {"total": 1, "by_unit": {"城西支行": 1}}
    md = tsk(f"report {command} --format md").stdout
    assert "| 补录（受理超过24小时后登记） | 1 | 占收到 33.3% |" in md
    assert "## 七、补录与逾期后延期" in md
    assert "| 城东支行 | 1 | 0 |" in md and "| 城西支行 | 0 | 1 |" in md and "| 合计 | 1 | 1 |" in md
    table = tsk(f"report {command}").stdout
    assert re.search(r"逾期后登记的延期\s+1", table)
    rows = tsk(f"report {command} --format csv").stdout.splitlines()
    assert "late_entries.by_unit,城东支行,城东支行,1" in rows and "late_extensions.by_unit,城西支行,城西支行,1" in rows
    assert any(row.startswith("totals,late_extensions,") and row.endswith(",1") for row in rows)


def test_the_year_report_is_the_half_year_shape_over_the_calendar_year(tsk, audited):
    year = json.loads(tsk("report year 2026 --format json").stdout)
    half = json.loads(tsk("report half-year 2026H2 --format json").stdout)
    assert set(year) == set(half) and set(year["totals"]) == set(half["totals"]) and set(year["by"]) == set(half["by"])
    assert year["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert year["report_due"] == {"gdrcc": "2026-12-15"}
    assert year["recipients"] == {"gdrcc": {"to": ["当地银监部门", "银行同业公会（或银行业协会）"], "cc": ["省联社合规部"],
                                            "source": "粤农信联发〔2008〕250号 第二十三条"}}
    md = tsk("report year 2026 --format md").stdout
    assert md.startswith("# 2026年度客户投诉统计分析报告\n")
    assert ("报送期限：2026-12-15 前报送当地银监部门、银行同业公会（或银行业协会），抄报省联社合规部"
            "（粤农信联发〔2008〕250号 第二十三条）") in md
    assert "2027-01-30" not in md
    english = tsk("report year 2026 --format md --lang en").stdout
    assert english.startswith("# Complaint statistics, 2026 (whole year)\n")
    assert "by 2026-12-15 to the local banking regulator and the banking association" in english


def test_each_report_names_its_due_dates_and_recipients_as_the_documents_say(tsk):
    h1 = json.loads(tsk("report half-year 2026H1 --format json").stdout)
    h2 = json.loads(tsk("report half-year 2026H2 --format json").stdout)
    assert h1["report_due"] == {"cbrc": "2026-07-30", "gdrcc": "2026-06-15"}
    assert h2["report_due"] == {"cbrc": "2027-01-30"}  # the Guangdong 15 December is the whole year's
    assert h1["recipients"]["cbrc"] == {"to": ["银监会或其派出机构"], "cc": [], "source": "银监发〔2012〕13号 第十六条"}
    assert set(h1["recipients"]) == {"cbrc", "gdrcc"} and set(h2["recipients"]) == {"cbrc"}
    md = tsk("report half-year 2026H2 --format md").stdout
    assert "报送期限：2027-01-30 前报送银监会或其派出机构（银监发〔2012〕13号 第十六条）\n" in md
    assert "12-15" not in md


@pytest.mark.parametrize("year", ["26", "3000", "2026H1", "abc"])
def test_a_year_that_is_not_one_is_a_usage_error(tsk, year):
    run = tsk(["report", "year", year])
    assert run.exit_code == 2
    assert "YEAR" in one_error_line(run)
