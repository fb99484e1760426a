"""The Guangdong guideline's clocks as written (docs/rules.md, Deadlines: `gdrcc2008`;
粤农信联发〔2008〕250号 第十八条): the 处理表 to the 受理部门 the same day (clock `form`), the 督办表
within 2 working days of its arrival (clock `supervision`, stopped by `tsk supervise`), handling
7 working days after the 督办表 was issued, at most 3 months; the customer's acknowledgement
apart; and a referred complaint's own deadline (clock `referral`, `tsk add --referral-due`).

Literal dates around National Day 2026 (`tsk calendar explain`): Mid-Autumn Friday 09-25 and
10-01..10-07 off, Sunday 09-20 and Saturday 10-10 are make-up working days (调休上班); and Spring
Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
"""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from helpers import BASE, entered_at, ok, one_error_line, snapshot, sql

from tsk import clocks, lifecycle, recompute, sla, timeutil
from tsk.context import Ledger
from tsk.sla import PRESET_VERSIONS, PRESETS
from tsk.workdays import build_calendar

D = dt.date
GD = ["--policy", "gdrcc2008"]
REFERRAL = ["--channel", "regulator", "--referred-by", "广东银保监局", "--referral-ref", "粤银保监转〔2026〕12号"]


def add(tsk, received: str, *extra: str) -> dict:
    run = tsk(["add", *BASE, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def guangdong(tsk, received: str = "2026-09-29 10:00", form_at: str | None = "2026-09-29 16:00", *extra: str) -> dict:
    """A Guangdong complaint whose 处理表 reached the 受理部门 at `form_at` (None: at registration)."""
    return add(tsk, received, *GD, *(["--form-at", form_at] if form_at else []), *extra)


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def overdue(tsk, *args: str) -> list[tuple]:
    rows = json.loads(ok(tsk, ["overdue", *args, "--format", "json"]).stdout)
    return [(r["ref"], r["clock"], r["due"], r["working_days_late"]) for r in rows]


def clocks_of(c: dict) -> tuple:
    return c["ack_due"], c["form_due"], c["supervision_due"], c["due"], c["cap_due"]


# -- the policy: a new version, the old one kept ------------------------------------------------
def test_the_preset_as_written_is_a_new_version_and_the_first_is_kept():
    v1, v2 = PRESET_VERSIONS["gdrcc2008", 1], PRESET_VERSIONS["gdrcc2008", 2]
    assert PRESETS["gdrcc2008"] is v2
    assert (v1.ack, v1.form, v1.supervision, v1.resolution_from) == (sla.Period(2, "working_days"), None, None, "ack")
    assert (v2.ack, v2.form, v2.supervision) == (sla.Period(1, "working_days"), sla.Period(0, "calendar_days"),
                                                 sla.Period(2, "working_days"))
    assert (v2.resolution, v2.resolution_from, v2.cap) == (sla.Period(7, "working_days"), "supervision",
                                                           sla.Period(3, "months"))


@pytest.mark.parametrize(("received", "form_at", "expected"), [
    # Tue 09-29: the customer told by 09-30; 处理表 the same day; 督办表 on working day 2 after it
    # (09-30, then 10-08 past National Day); handling 7 working days after that (Sat 10-10 worked)
    ("2026-09-29 10:00", "2026-09-29 16:00", (D(2026, 9, 30), D(2026, 9, 29), D(2026, 10, 8), D(2026, 10, 16),
                                              D(2026, 12, 29))),
    # Saturday 09-19: "the same day" (and the customer's next working day) is the make-up Sunday
    # 09-20; handling skips Mid-Autumn (Fri 09-25) and National Day
    ("2026-09-19 09:00", "2026-09-20 10:00", (D(2026, 9, 20), D(2026, 9, 20), D(2026, 9, 22), D(2026, 10, 9),
                                              D(2026, 12, 21))),
    # Fri 02-13: Saturday 02-14 is working day 1, then Spring Festival; 02-28 worked again
    ("2026-02-13 10:00", "2026-02-13 15:00", (D(2026, 2, 14), D(2026, 2, 13), D(2026, 2, 24), D(2026, 3, 4),
                                              D(2026, 5, 13))),
])
def test_guangdong_deadlines(tsk, received, form_at, expected):
    c = guangdong(tsk, received, form_at)
    assert clocks_of(c) == tuple(d.isoformat() for d in expected)
    got = sla.deadlines(PRESETS["gdrcc2008"], build_calendar(), timeutil.parse_datetime(received), kind="complaint",
                        severity="general", report_to_regulator=False, form_at=timeutil.parse_datetime(form_at))
    assert (got.ack_due, got.form_due, got.supervision_due, got.due, got.cap_due) == expected


def test_the_supervision_clock_counts_from_the_form_s_arrival(tsk):
    # the 处理表 arrived a day late (Wed 09-30): the 督办表's 2 working days count from then
    c = guangdong(tsk, "2026-09-29 10:00", "2026-09-30 09:00")
    assert (c["form_due"], c["supervision_due"], c["due"]) == ("2026-09-29", "2026-10-09", "2026-10-19")


def test_a_late_form_never_carries_handling_past_the_cap(tsk):
    # 处理表 three months late: its 督办表 would be due 11-04 and handling 11-13; the cap is 11-03
    c = guangdong(tsk, "2026-08-03 10:00", "2026-11-02 10:00")
    assert (c["supervision_due"], c["due"], c["cap_due"]) == ("2026-11-04", "2026-11-03", "2026-11-03")


def test_add_records_the_form_as_filed_at_registration(tsk):
    """Without --form-at the 处理表 reached the 受理部门 when the complaint was registered: a complaint
    entered after its day of receipt holds its form clock met late (form_at after form_due), the
    fact a lapse is recorded from."""
    c = guangdong(tsk, form_at=None)
    assert c["form_due"] == "2026-09-29"
    assert c["form_at"][:10] == timeutil.today().isoformat() > c["form_due"]
    run = ok(tsk, ["add", *BASE, *GD, "--received", "2026-09-29 10:00", "--form-at", "2026-09-29 11:00"])
    assert "  form    处理表   2026-09-29 (filed 2026-09-29 11:00)" in run.stdout
    assert "  supervision 督办表 2026-10-08" in run.stdout


@pytest.mark.parametrize(("extra", "problem"), [
    (["--form-at", "2026-09-29 09:00"], "before the complaint was received"),
    (["--form-at", "2999-01-01"], "in the future"),
    (["--form-at", "soon"], "--form-at"),
    (["--policy", "cbrc2012", "--form-at", "2026-09-29 12:00"], "cbrc2012 v1 has no 处理表"),
])
def test_a_form_time_that_cannot_be_is_refused(tsk, ledger_path, extra, problem):
    guangdong(tsk)
    before = snapshot(ledger_path)
    run = tsk(["add", *BASE, *GD, "--received", "2026-09-29 10:00", *extra])
    assert run.exit_code == 2
    assert problem in one_error_line(run)
    assert snapshot(ledger_path) == before


# -- a 处理表 filed after its day is a lapse, recorded at registration ------------------------------
def warnings(run) -> list[str]:
    """The lapse warnings (the cap of a complaint received late in 2026 falls in 2027, whose
    schedule is not published yet: that warning aside)."""
    return [line for line in run.stderr.splitlines() if line.startswith("Warning:") and " was due " in line]


def lapse_rows(path: str) -> list[tuple]:
    return sql(path, "SELECT clock, due FROM lapse ORDER BY due, clock")


def test_a_form_filed_after_its_day_is_a_lapse_recorded_by_add(tsk, ledger_path, monkeypatch):
    """Received Friday 2026-11-20, its 处理表 due that day, registered (and so filed) on Monday
    11-23: the form clock was met 1 working day late. `tsk add` records the lapse as `tsk check`
    or any later write records one (docs/rules.md, Escalation and lateness): the warning, the
    escalation, the lapse row; the history, `verify` and the reports show it."""
    entered_at(monkeypatch, "2026-11-23 09:30")
    run = tsk(["add", *BASE, *GD, "--received", "2026-11-20 10:00", "--format", "json"])  # --form-at: now
    assert run.exit_code == 0, run.stderr
    c = json.loads(run.stdout)
    ref = c["ref"]
    assert (c["form_due"], c["form_at"], c["ack_due"]) == ("2026-11-20", "2026-11-23T09:30:00+08:00", "2026-11-23")
    assert warnings(run) == [f"Warning: {ref} form was due 2026-11-20: 1 working day(s) late"]  # the ack: due today
    assert (c["level"], "late-entry" in c["flags"]) == (2, True)
    assert lapse_rows(ledger_path) == [("form", "2026-11-20")]
    assert sql(ledger_path, "SELECT lapsed FROM complaint") == [(0,)]  # a 处理表, not a handling clock
    view = show(tsk, ref)
    assert [e["action"] for e in view["events"]] == ["registered", "escalated"]
    details = view["events"][1]["details"]
    assert (details["clock"], details["due"], details["working_days_late"], details["by"], details["as_of"]) == (
        "form", "2026-11-20", 1, "tsk add", "2026-11-23 09:30")
    assert "处理表 2026-11-20 已过，逾期 1 个工作日；升至第2级 分行" in ok(tsk, ["show", ref]).stdout
    assert ok(tsk, ["check", "--as-of", "2026-11-23"]).stdout.endswith(": 0 newly overdue, 0 escalated, 0 still overdue\n")
    assert show(tsk, ref)["level"] == 2  # recorded once
    ok(tsk, ["verify"])
    doc = json.loads(ok(tsk, ["report", "year", "2026", "--as-of", "2026-11-23", "--format", "json"]).stdout)
    assert (doc["lapses"], doc["totals"]["lapsed"]) == ({"total": 1, "by_clock": {"form": 1}}, 0)
    assert "| 处理表 | 1 |" in ok(tsk, ["report", "year", "2026", "--as-of", "2026-11-23", "--format", "md"]).stdout


@pytest.mark.parametrize(("received", "form_at", "late"), [
    ("2026-11-20 10:00", "2026-11-20 17:00", None),  # the same day: in time
    ("2026-11-21 10:00", "2026-11-23 09:00", None),  # received Saturday: due Monday, filed then
    ("2026-02-21 10:00", "2026-02-24 09:00", None),  # in Spring Festival: due Tuesday 02-24
    ("2026-02-21 10:00", "2026-02-25 09:00", ("2026-02-24", 1)),
    ("2026-09-30 16:00", "2026-10-08 09:00", ("2026-09-30", 1)),  # the eve of National Day, filed after it
    ("2026-10-09 10:00", "2026-10-12 09:00", ("2026-10-09", 2)),  # the make-up Saturday 10-10 counts
])
def test_a_form_is_late_only_after_its_day(tsk, ledger_path, monkeypatch, received, form_at, late):
    entered_at(monkeypatch, form_at)
    run = tsk(["add", *BASE, *GD, "--received", received, "--form-at", form_at])
    assert run.exit_code == 0, run.stderr
    form_warnings = [w for w in warnings(run) if " form " in w]
    if late is None:
        assert form_warnings == [] and ("form",) not in sql(ledger_path, "SELECT clock FROM lapse")
    else:
        due, days = late
        assert form_warnings == [f"Warning: {run.stdout.split()[0]} form was due {due}: {days} working day(s) late"]
        assert ("form", due) in lapse_rows(ledger_path)


def test_a_form_met_late_is_found_from_the_row():
    row = {"ack_due": "2026-11-23", "acked_at": None, "due": "2026-12-02", "cap_due": "2027-02-22",
           "report_due": None, "reported_at": None, "form_due": "2026-11-20", "form_at": "2026-11-23T09:30:00+08:00",
           "supervision_due": "2026-11-25", "supervised_at": None, "referral_due": None, "review_due": None,
           "reviewed_at": None}
    assert clocks.met_late(row) == [("form", "2026-11-20", "2026-11-23T09:30:00+08:00")]
    assert clocks.met_late({**row, "form_at": "2026-11-20T23:59:00+08:00"}) == []


def test_a_cbrc2012_complaint_has_none_of_the_guangdong_clocks(tsk):
    c = add(tsk, "2026-09-29 10:00")
    assert (c["form_due"], c["form_at"], c["supervision_due"], c["referral_due"]) == (None, None, None, None)


# -- tsk supervise ---------------------------------------------------------------------------------
def test_supervise_moves_handling_to_7_working_days_after_the_issue(tsk, monkeypatch):
    entered_at(monkeypatch, "2026-09-29 17:30")
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["ack", ref, "--via", "sms"])
    entered_at(monkeypatch, "2026-10-09 09:01")  # the 督办表 a day late: its clock lapses as it is recorded
    run = ok(tsk, ["supervise", ref, "--unit", "联社客户投诉受理部门", "--at", "2026-10-09 09:00"])
    assert run.stdout == f"{ref}: 督办表 issued by 联社客户投诉受理部门 at 2026-10-09 09:00; due 2026-10-19 (cap 2026-12-29)\n"
    c = show(tsk, ref)
    assert (c["supervised_at"], c["supervising_unit"], c["due"]) == (
        "2026-10-09T09:00:00+08:00", "联社客户投诉受理部门", "2026-10-19")
    event = next(e for e in c["events"] if e["action"] == "supervised")
    assert (event["action"], event["at"]) == ("supervised", "2026-10-09T09:00:00+08:00")
    assert event["details"]["changes"] == {"due": "2026-10-19", "supervised_at": "2026-10-09T09:00:00+08:00",
                                           "supervising_unit": "联社客户投诉受理部门"}
    assert event["details"]["previous_due"] == "2026-10-16"
    assert [e["action"] for e in c["events"] if "by" not in e["details"]] == ["registered", "acknowledged", "supervised"]
    lapsed = [e["details"] for e in c["events"] if "by" in e["details"]]
    assert [(d["clock"], d["due"], d["by"]) for d in lapsed] == [("supervision", "2026-10-08", "tsk supervise")]
    ok(tsk, ["verify"])


def test_a_supervision_issued_early_brings_handling_forward(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-09-30 11:00"])
    assert show(tsk, ref)["due"] == "2026-10-15"  # 09-30 + 7: 10-08, 09, 10 (Sat, worked), 12, 13, 14, 15


def test_supervise_reapplies_an_extension(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["extend", ref, "--days", "3", "--reason", "需调查", "--notified-via", "sms", "--at", "2026-10-08 10:00"])
    assert show(tsk, ref)["due"] == "2026-10-21"
    ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-10-09 09:00"])
    c = show(tsk, ref)
    assert (c["due"], c["extended_days"]) == ("2026-10-22", 3)  # 10-19 + 3 working days


def test_supervise_never_moves_handling_past_the_cap(tsk):
    ref = guangdong(tsk, "2026-08-03 10:00", "2026-08-03 10:30")["ref"]
    assert show(tsk, ref)["cap_due"] == "2026-11-03"
    ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-10-29 09:00"])  # + 7 would be 11-09
    assert show(tsk, ref)["due"] == "2026-11-03"


def test_the_supervising_unit_defaults_to_the_ledger_setting(tsk, ledger_path):
    ref = guangdong(tsk)["ref"]
    before = snapshot(ledger_path)
    run = tsk(["supervise", ref])
    assert run.exit_code == 2 and "supervising_unit" in one_error_line(run)
    assert snapshot(ledger_path) == before
    ok(tsk, ["config", "set", "supervising_unit", "XX农商行客户投诉受理部门"])
    ok(tsk, ["supervise", ref, "--at", "2026-10-08 09:00"])
    assert show(tsk, ref)["supervising_unit"] == "XX农商行客户投诉受理部门"


@pytest.mark.parametrize("case", ["twice", "cbrc2012", "gdrcc2008 v1", "closed", "before the form"])
def test_supervise_is_refused(tsk, ledger_path, tmp_path, case):
    if case == "cbrc2012":
        ref = add(tsk, "2026-09-29 10:00")["ref"]
    elif case == "gdrcc2008 v1":
        ref = import_v1(tsk, tmp_path)
    else:
        ref = guangdong(tsk)["ref"]
    if case == "twice":
        ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-10-08 09:00"])
    if case == "closed":
        ok(tsk, ["close", ref, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms"])
    before = snapshot(ledger_path)
    at = "2026-09-29 12:00" if case == "before the form" else "2026-10-09 09:00"
    run = tsk(["supervise", ref, "--unit", "联社合规部", "--at", at])
    line = one_error_line(run)
    assert run.exit_code == (2 if case == "before the form" else 1)
    assert {"twice": "already issued at 2026-10-08T09:00:00+08:00 by 联社合规部",
            "cbrc2012": "under cbrc2012 v1, which has no 督办表 (supervision) clock",
            "gdrcc2008 v1": "under gdrcc2008 v1, which has no 督办表 (supervision) clock",
            "closed": "cannot supervise", "before the form": "before"}[case] in line
    assert snapshot(ledger_path) == before


def test_supervise_as_a_library(ledger_path):
    ledger = Ledger.open(ledger_path, "张敏")
    try:
        done = lifecycle.register(ledger, lifecycle.Intake(
            customer="张三", channel="phone", category="service", business_type="card", cause="other", unit="城关支行",
            summary="s", received="2026-09-29 10:00", policy="gdrcc2008", form_at="2026-09-29 16:00"))
        c = lifecycle.supervise(ledger, done.complaint["ref"], "联社合规部", "2026-10-09 09:00")
        assert (c["due"], c["supervising_unit"], c["supervised_at"]) == ("2026-10-19", "联社合规部",
                                                                          "2026-10-09T09:00:00+08:00")
    finally:
        ledger.close()


def test_a_reopened_complaint_gets_a_fresh_supervision_clock(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-09-30 09:00"])
    ok(tsk, ["close", ref, "--result", "upheld", "--resolution", "已处理", "--notified-via", "sms", "--at",
             "2026-10-09 09:00"])
    ok(tsk, ["reopen", ref, "--reason", "客户申诉", "--at", "2026-10-12 10:00"])
    c = show(tsk, ref)
    assert (c["form_due"], c["form_at"], c["supervision_due"], c["supervised_at"], c["supervising_unit"]) == (
        "2026-10-12", "2026-10-12T10:00:00+08:00", "2026-10-14", None, None)
    assert c["due"] == "2026-10-23"  # 7 working days after the new 督办表 deadline
    ok(tsk, ["supervise", ref, "--unit", "省联社合规部", "--at", "2026-10-13 09:00"])
    assert show(tsk, ref)["due"] == "2026-10-22"
    ok(tsk, ["verify"])


# -- complaints opened under version 1 keep its rules ------------------------------------------
def import_v1(tsk, tmp_path) -> str:
    """A complaint opened under gdrcc2008 v1, as an import brings it: its clocks computed by v1."""
    source = tmp_path / "v1.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,policy,"
                      "policy_version\n"
                      "TS-2026-000800,2026-09-29 10:00,phone,service,card,other,张三,城关支行,x,gdrcc2008,1\n",
                      encoding="utf-8")
    ok(tsk, ["import", str(source)])
    return "TS-2026-000800"


def test_a_complaint_under_version_1_keeps_its_rules(tsk, tmp_path):
    ref = import_v1(tsk, tmp_path)
    c = show(tsk, ref)
    assert (c["policy"], c["policy_version"]) == ("gdrcc2008", 1)
    # v1: ack (standing for the 督办表) 2 working days after receipt, handling 7 after that
    assert clocks_of(c) == ("2026-10-08", None, None, "2026-10-16", "2026-12-29")
    ok(tsk, ["calendar", "set", "2026-09-30", "--holiday", "--note", "test"])
    assert clocks_of(show(tsk, ref)) == ("2026-10-09", None, None, "2026-10-19", "2026-12-29")  # still v1's count


# -- overdue and check -------------------------------------------------------------------------
def test_overdue_and_check_list_and_record_the_new_clocks(tsk, tmp_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-29 17:30")  # entered as it happened: no write finds a lapse before check
    pending = guangdong(tsk)["ref"]
    ok(tsk, ["ack", pending, "--via", "sms", "--at", "2026-09-29 17:00"])
    referred = add(tsk, "2026-09-29 10:00", *REFERRAL, "--referral-due", "2026-10-09")["ref"]
    ok(tsk, ["ack", referred, "--via", "sms", "--at", "2026-09-29 17:00"])
    # an imported Guangdong complaint whose record does not say the 处理表 arrived: its form clock runs
    source = tmp_path / "form-pending.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,policy,acked_at\n"
                      "TS-2026-000900,2026-09-29 10:00,phone,service,card,other,张三,城关支行,x,gdrcc2008,"
                      "2026-09-29 11:00\n", encoding="utf-8")
    ok(tsk, ["import", str(source)])
    assert overdue(tsk, "--as-of", "2026-10-12") == [
        ("TS-2026-000900", "form", "2026-09-29", 5),
        (pending, "supervision", "2026-10-08", 3),
        ("TS-2026-000900", "supervision", "2026-10-08", 3),
        (referred, "referral", "2026-10-09", 2),
    ]
    table = ok(tsk, ["overdue", "--as-of", "2026-10-12"]).stdout
    assert "处理表" in table and "督办表" in table and "转办时限" in table
    entered_at(monkeypatch, "2026-10-12 23:00")
    run = tsk(["check", "--as-of", "2026-10-12"])
    assert run.exit_code == 3
    assert "4 newly overdue, 4 escalated" in run.stdout
    lapses = sql(os.environ["TSK_DB"], "SELECT c.ref, l.clock, l.due FROM lapse l JOIN complaint c ON c.id = "
                                       "l.complaint_id ORDER BY c.ref, l.clock")
    assert lapses == [(pending, "supervision", "2026-10-08"), (referred, "referral", "2026-10-09"),
                      ("TS-2026-000900", "form", "2026-09-29"), ("TS-2026-000900", "supervision", "2026-10-08")]
    event = show(tsk, pending)["events"][-1]
    assert (event["details"]["clock"], event["details"]["due"]) == ("supervision", "2026-10-08")
    assert event["details"]["reason"].startswith("督办表 supervision due 2026-10-08 passed")
    # not a handling clock: the complaint may still be handled on time
    assert sql(os.environ["TSK_DB"], "SELECT lapsed FROM complaint WHERE ref = ?", (pending,)) == [(0,)]
    assert tsk(["check", "--as-of", "2026-10-12"]).stdout.endswith("0 newly overdue, 0 escalated, 4 still overdue\n")
    # issued: the supervision clock stops
    ok(tsk, ["supervise", pending, "--unit", "联社合规部", "--at", "2026-10-12 09:00"])
    assert (pending, "supervision", "2026-10-08", 3) not in overdue(tsk, "--as-of", "2026-10-12")


def test_a_clock_due_today_is_listed_as_due_not_late(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["ack", ref, "--via", "sms", "--at", "2026-09-29 17:00"])
    assert overdue(tsk, "--as-of", "2026-10-08") == []
    assert overdue(tsk, "--as-of", "2026-10-08", "--within", "0") == [(ref, "supervision", "2026-10-08", 0)]


# -- the referring authority's own deadline ------------------------------------------------------
def test_a_referral_deadline_is_recorded_shown_and_exported(tsk, tmp_path):
    c = add(tsk, "2026-09-29 10:00", *REFERRAL, "--referral-due", "2026-10-09")
    assert c["referral_due"] == "2026-10-09"
    assert "转办时限 referral due" in ok(tsk, ["show", c["ref"]]).stdout
    supervised = guangdong(tsk)["ref"]  # and the Guangdong clocks, as they stand
    ok(tsk, ["supervise", supervised, "--unit", "联社合规部", "--at", "2026-10-09 09:00"])
    exported = ok(tsk, ["export", "-f", "jsonl", "--show-pii"]).stdout
    first, second = map(json.loads, exported.splitlines())
    assert first["referral_due"] == "2026-10-09"
    assert (second["form_due"], second["form_at"], second["supervision_due"], second["supervised_at"],
            second["supervising_unit"], second["due"]) == ("2026-09-29", "2026-09-29T16:00:00+08:00", "2026-10-08",
                                                           "2026-10-09T09:00:00+08:00", "联社合规部", "2026-10-19")
    (tmp_path / "out.jsonl").write_text(exported, encoding="utf-8")
    other = str(tmp_path / "other.db")
    ok(tsk, ["--db", other, "import", str(tmp_path / "out.jsonl")])
    assert ok(tsk, ["--db", other, "export", "-f", "jsonl", "--show-pii"]).stdout == exported
    # a calendar correction leaves the authority's date as it is
    ok(tsk, ["calendar", "set", "2026-10-09", "--holiday", "--note", "test"])
    assert show(tsk, c["ref"])["referral_due"] == "2026-10-09"


@pytest.mark.parametrize(("extra", "problem"), [
    ([], "only for a referred complaint"),
    ([*REFERRAL, "--referral-due", "2026-09-28"], "before the complaint was received"),
    ([*REFERRAL, "--referral-due", "2026-02-30"], "--referral-due"),
])
def test_a_referral_deadline_that_cannot_be_is_refused(tsk, ledger_path, extra, problem):
    add(tsk, "2026-09-29 10:00")
    before = snapshot(ledger_path)
    run = tsk(["add", *BASE, "--received", "2026-09-29 10:00", *(extra or ["--referral-due", "2026-10-09"])])
    assert run.exit_code == 2
    assert problem in one_error_line(run)
    assert snapshot(ledger_path) == before


def test_an_import_refuses_a_referral_deadline_on_a_complaint_not_referred(tsk, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,referral_due\n"
                      "TS-2026-000700,2026-09-29 10:00,phone,service,card,other,张三,城关支行,x,2026-10-09\n",
                      encoding="utf-8")
    run = tsk(["import", str(source)])
    assert run.exit_code != 0 and "referral_due" in run.stderr
    assert json.loads(ok(tsk, ["export", "-f", "json"]).stdout) == []


# -- calendar corrections move the new clocks ----------------------------------------------------
def test_a_calendar_correction_moves_the_supervision_clock_and_handling(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["calendar", "set", "2026-09-30", "--holiday", "--note", "test"])
    c = show(tsk, ref)
    assert (c["supervision_due"], c["due"]) == ("2026-10-09", "2026-10-19")
    assert c["events"][-1]["action"] == "deadlines-recomputed"
    assert c["events"][-1]["details"]["changes"]["supervision_due"] == "2026-10-09"


def test_a_calendar_correction_counts_handling_from_the_issue(tsk):
    ref = guangdong(tsk)["ref"]
    ok(tsk, ["supervise", ref, "--unit", "联社合规部", "--at", "2026-10-09 09:00"])
    ok(tsk, ["calendar", "set", "2026-10-12", "--holiday", "--note", "test"])
    c = show(tsk, ref)
    assert (c["supervision_due"], c["due"]) == ("2026-10-08", "2026-10-20")  # the stopped clock stays
    ok(tsk, ["verify"])


def test_a_calendar_correction_moves_a_pending_form_clock(ledger_path):
    ledger = Ledger.open(ledger_path, "张敏")
    try:
        lifecycle.register(ledger, lifecycle.Intake(
            customer="张三", channel="phone", category="service", business_type="card", cause="other", unit="城关支行",
            summary="s", received="2026-09-19 10:00", policy="gdrcc2008", form_at="2026-09-20 10:00"))
        ledger.store.run("UPDATE complaint SET form_at = NULL")  # as an import without it would hold
        with ledger.store.transaction():
            ledger.store.run("INSERT INTO calendar_correction VALUES ('2026-09-20', 0, 'test', 'x', '2026-09-01')")
            ledger.reload_calendar()
            assert recompute.recompute_running_deadlines(ledger, D(2026, 9, 20), D(2026, 9, 20), reason="test") == 1
        c = ledger.store.row("SELECT * FROM complaint")
        assert (c["form_due"], c["supervision_due"]) == ("2026-09-21", "2026-09-23")
    finally:
        ledger.close()


# -- 附表2 ------------------------------------------------------------------------------------------
def test_the_supervision_form_shows_who_issued_it_and_when(tsk):
    ref = guangdong(tsk)["ref"]
    text = ok(tsk, ["show", ref, "--form", "supervision"]).stdout
    assert "| 督办单位 |  |" in text and "| 出具日期 |  |" in text
    assert "| 出具期限 | 应于 2026-10-08 前；尚未出具 |" in text
    ok(tsk, ["supervise", ref, "--unit", "联社客户投诉受理部门", "--at", "2026-10-09 09:00"])
    text = ok(tsk, ["show", ref, "--form", "supervision"]).stdout
    assert "| 督办单位 | 联社客户投诉受理部门 |" in text and "| 出具日期 | 2026-10-09 |" in text
    assert "| 出具期限 | 应于 2026-10-08 前；已于 2026-10-09 09:00 出具 |" in text
    assert "| 办理期限 | 2026-10-19 |" in text
    assert "| 出具督办表 | 督办单位：联社客户投诉受理部门；处理时限 2026-10-16 → 2026-10-19 |" in text
    assert text.rstrip().endswith(
        "注：涉及单位应在接到客户投诉的当天填制《客户投诉处理表》报受理部门；受理部门应在接到《客户投诉处理表》的 "
        "2个工作日内出具本表；涉及单位应在接到本表的 7个工作日内完成对客户投诉的处理和答复；情况复杂或影响重大的，"
        "最长不得超过 3个月（gdrcc2008 v2：粤农信联发〔2008〕250号 第十八条）。")
    handling = ok(tsk, ["show", ref, "--form", "handling"]).stdout
    assert "| 报送受理部门 | 应于 2026-09-29 前；已于 2026-09-29 16:00 报送 |" in handling


def test_the_supervision_form_quotes_the_complaint_s_own_policy(tsk, tmp_path):
    cbrc = add(tsk, "2026-09-29 10:00", *REFERRAL, "--referral-due", "2026-10-09")["ref"]
    text = ok(tsk, ["show", cbrc, "--form", "supervision"]).stdout
    note = text.rstrip().splitlines()[-1]
    assert note == ("注：应在受理后 1个工作日内告知客户受理情况、处理时限和联系方式；自受理之日起 15个工作日内完成处理和答复；"
                    "情况复杂需要延长的，合计不得超过 60个工作日（cbrc2012 v1：银监发〔2012〕13号 七、九）。")
    assert "第十八条" not in text and "出具期限" not in text
    assert "| 转办时限 | 2026-10-09（广东银保监局的限期） |" in text
    v1 = ok(tsk, ["show", import_v1(tsk, tmp_path), "--form", "supervision"]).stdout
    assert v1.rstrip().splitlines()[-1] == (
        "注：应在受理后 2个工作日内出具本表并告知客户受理；其后 7个工作日内完成处理和答复；最长不得超过 3个月"
        "（gdrcc2008 v1：粤农信联发〔2008〕250号 第十八条）。")
