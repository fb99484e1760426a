"""The 2020 national rules (中国银保监会令2020年第3号; docs/rules.md, The 2020 national rules): the
built-in policy national2020 and its reading of 日, extension tiers and approval, clock stops,
restarts, merged repeats, review (核查) and its clock, remedies, follow-up, the complainant who is
not the customer — through the CLI and the library, with literal dates of the 2026 calendar
(National Day 1–7 October off, Sunday 20 September and Saturday 10 October make-up working days).
The letters to the customer (`tsk notice`) are tests/test_notice.py's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import Live, one_error_line, snapshot, sql

from tsk import clocks, sla, stops, timeutil
from tsk.admin import load_policy_file
from tsk.context import Ledger
from tsk.errors import Refused
from tsk.workdays import build_calendar

D = dt.date
NATIONAL = sla.PRESETS["national2020"]
WORKDAYS = Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml"
BASE = ["--customer", "张三", "--phone", "13812345678", "--channel", "phone", "--category", "service",
        "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "转账未到账",
        "--subject-staff", "李娜"]


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live)."""
    return Live(monkeypatch, tsk)


def add(tsk, received: str, *extra: str, policy: str = "national2020") -> dict:
    run = tsk(["add", *BASE, "--received", received, "--policy", policy, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def ok(tsk, argv: list[str]):
    run = tsk(argv)
    assert run.exit_code == 0, (argv, run.stderr)
    return run


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def refused(tsk, ledger_path, argv: list[str], code: int = 1) -> str:
    """A command that must fail: its exit code, one Error line, nothing written."""
    before = snapshot(ledger_path)
    run = tsk(argv)
    assert run.exit_code == code, (argv, run.exit_code, run.stdout, run.stderr)
    line = one_error_line(run)
    assert snapshot(ledger_path) == before, argv
    return line


def events(tsk, ref: str, action: str) -> list[dict]:
    return [e for e in show(tsk, ref)["events"] if e["action"] == action]


def overdue(tsk, as_of: str) -> list[tuple[str, str, str]]:
    rows = json.loads(ok(tsk, ["overdue", "--as-of", as_of, "--format", "json"]).stdout)
    return [(r["ref"], r["clock"], r["due"]) for r in rows]


def workdays_policy(tsk) -> None:
    ok(tsk, ["policy", "add", str(WORKDAYS)])


# -- the policy: 15 日 read as calendar days, a last day off moved on --------------------------------------
def test_a_15_day_limit_ending_in_the_2026_national_day_holiday_moves_to_8_october(tsk):
    c = add(tsk, "2026-09-17 10:00")
    # 17 September + 15 days = 2 October, a holiday: the next working day is Thursday 8 October
    assert (c["policy"], c["ack_due"], c["due"], c["cap_due"]) == ("national2020", "2026-09-18", "2026-10-08",
                                                                   "2026-11-16")
    clocks_ = sla.deadlines(NATIONAL, build_calendar(), timeutil.parse_datetime("2026-09-17 10:00"), kind="complaint",
                            severity="general", report_to_regulator=False)
    assert (clocks_.due, clocks_.cap_due) == (D(2026, 10, 8), D(2026, 11, 16))
    # a bank reading 日 as working days (examples/policies/workdays2020.toml) counts past the holiday whole
    workdays_policy(tsk)
    assert add(tsk, "2026-09-17 10:00", policy="workdays2020")["due"] == "2026-10-14"  # 25 September off too (中秋)


def test_the_reading_of_a_day_is_a_documented_property_of_the_policy():
    assert (NATIONAL.reading, NATIONAL.days) == ("calendar_days", "calendar_days")
    assert NATIONAL.to_mapping()["days"] == "calendar_days"
    assert load_policy_file(WORKDAYS).reading == "working_days"
    assert sla.PRESETS["cbrc2012"].reading == "working_days"  # as its periods count
    assert (NATIONAL.extension_tiers, NATIONAL.cap) == ((sla.Period(30, "calendar_days"), sla.Period(60, "calendar_days")),
                                                         sla.Period(60, "calendar_days"))


# -- extensions: to 30 days freely, to 60 with approval -----------------------------------------------------
def test_an_extension_to_30_days_counts_the_30_days_from_receipt_not_from_the_rolled_deadline(tsk):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    run = ok(tsk, ["extend", ref, "--days", "15", "--reason", "情况复杂", "--notified-via", "短信",
                   "--at", "2026-09-30 10:00"])
    # 17 September + 30 days = Saturday 17 October, off: Monday 19 October (not 8 October + 15 = 23 October)
    assert run.stdout == f"{ref} extended by 15 day(s): due 2026-10-19 (cap 2026-11-16)\n"
    (event,) = events(tsk, ref, "extended")
    assert (event["details"]["days"], event["details"]["unit"]) == (15, "calendar_days")
    assert "延期 15 日，处理时限 2026-10-08 → 2026-10-19" in ok(tsk, ["show", ref]).stdout


def test_an_extension_beyond_the_first_tier_needs_approval_and_records_it(tsk, ledger_path):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    ok(tsk, ["extend", ref, "--days", "15", "--reason", "情况复杂", "--notified-via", "sms", "--at", "2026-09-30 10:00"])
    line = refused(tsk, ledger_path, ["extend", ref, "--days", "10", "--reason", "需调取境外记录",
                                      "--notified-via", "sms", "--at", "2026-10-16 10:00"])
    assert "past 30 day(s) from receipt needs the approval" in line and "--approved-by" in line
    run = ok(tsk, ["extend", ref, "--days", "10", "--reason", "需调取境外记录", "--notified-via", "sms",
                   "--approved-by", "分行分管行长王某", "--at", "2026-10-16 10:00"])
    assert run.stdout == f"{ref} extended by 10 day(s): due 2026-10-27 (cap 2026-11-16), approved by 分行分管行长王某\n"
    approved = events(tsk, ref, "extended")[-1]
    assert approved["details"]["approved_by"] == "分行分管行长王某"
    assert "经分行分管行长王某批准" in ok(tsk, ["show", ref]).stdout
    # 60 days in all: 20 more reach the cap, 21 would pass it
    line = refused(tsk, ledger_path, ["extend", ref, "--days", "21", "--reason", "x", "--notified-via", "sms",
                                      "--approved-by", "王某", "--at", "2026-10-20 10:00"])
    assert "would pass its cap 2026-11-16" in line and "at most 20 more day(s)" in line
    assert ok(tsk, ["extend", ref, "--days", "20", "--reason", "x", "--notified-via", "sms", "--approved-by", "王某",
                    "--at", "2026-10-20 10:00"]).stdout.startswith(f"{ref} extended by 20 day(s): due 2026-11-16 ")


def test_extend_in_one_step_past_the_first_tier_needs_approval_too(tsk, ledger_path):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    refused(tsk, ledger_path, ["extend", ref, "--days", "16", "--reason", "x", "--notified-via", "sms",
                               "--at", "2026-09-30 10:00"])
    from tsk import lifecycle

    with _ledger() as ledger, pytest.raises(Refused, match="approval"):
        lifecycle.extend(ledger, ref, 16, "x", "sms", "2026-09-30 10:00")


def test_cbrc2012_extensions_need_no_approval_and_stay_in_working_days(tsk):
    c = add(tsk, "2026-09-17 10:00", policy="cbrc2012")
    run = ok(tsk, ["extend", c["ref"], "--days", "20", "--reason", "x", "--notified-via", "sms", "--at", "2026-10-09 10:00"])
    assert "extended by 20 working day(s)" in run.stdout and "approved" not in run.stdout


class _ledger:
    """A library ledger on the test's file, closed after."""

    def __enter__(self) -> Ledger:
        self.ledger = Ledger.open(None, "officer", create=False)
        return self.ledger

    def __exit__(self, *exc) -> None:
        self.ledger.close()


# -- clock stops (鉴定、检测、评估) -----------------------------------------------------------------------
def test_a_pause_spanning_the_make_up_saturday_counts_3_calendar_days_under_national2020(tsk):
    c = add(tsk, "2026-09-28 10:00")
    assert (c["due"], c["cap_due"]) == ("2026-10-13", "2026-11-27")
    ok(tsk, ["ack", c["ref"], "--via", "sms", "--at", "2026-09-28 11:00"])
    run = ok(tsk, ["pause", c["ref"], "--reason", "委托司法鉴定中心鉴定签名笔迹", "--notified-via", "电话",
                   "--at", "2026-10-09 16:00"])
    assert run.stdout == f"{c['ref']}: clock stopped at 2026-10-09 16:00; the limit 2026-10-13 moves when it resumes\n"
    assert "paused" in show(tsk, c["ref"])["flags"]
    run = ok(tsk, ["resume", c["ref"], "--at", "2026-10-12 09:00"])
    # Friday 9 October counts (the clock ran), Saturday 10 (a make-up working day), Sunday 11 and
    # Monday 12 (it runs again from it, as from a receipt) do not: 3 days; 28 September + 18 = 16 October
    assert run.stdout == (f"{c['ref']}: clock running again; 3 day(s) not counted in all; due 2026-10-16 "
                          f"(cap 2026-11-30)\n")
    after = show(tsk, c["ref"])
    assert (after["paused_at"], after["paused_days"], after["due"], after["cap_due"]) == (None, 3, "2026-10-16",
                                                                                           "2026-11-30")
    (resumed,) = events(tsk, c["ref"], "resumed")
    assert resumed["details"]["days"] == 3 and resumed["details"]["previous_due"] == "2026-10-13"


def test_the_same_pause_counts_2_working_days_for_a_policy_that_reads_a_day_as_a_working_day(tsk):
    workdays_policy(tsk)
    c = add(tsk, "2026-09-28 10:00", policy="workdays2020")
    assert c["due"] == "2026-10-23"
    ok(tsk, ["ack", c["ref"], "--via", "sms", "--at", "2026-09-28 11:00"])
    ok(tsk, ["pause", c["ref"], "--reason", "鉴定", "--notified-via", "sms", "--at", "2026-10-09 16:00"])
    run = ok(tsk, ["resume", c["ref"], "--at", "2026-10-12 09:00"])
    # the make-up Saturday 10 October is a working day not counted, and so is Monday 12: 2 working days
    assert run.stdout == (f"{c['ref']}: clock running again; 2 working day(s) not counted in all; due 2026-10-27 "
                          f"(cap 2026-12-29)\n")


def test_a_paused_complaint_is_never_overdue_while_paused(tsk):
    c = add(tsk, "2026-09-28 10:00")
    ok(tsk, ["pause", c["ref"], "--reason", "评估", "--notified-via", "sms", "--at", "2026-09-28 15:00"])
    assert overdue(tsk, "2026-11-30") == []  # ack, resolution and cap all stopped
    check = ok(tsk, ["check", "--as-of", "2026-11-30"])
    assert "0 newly overdue" in check.stdout
    run = ok(tsk, ["note", c["ref"], "鉴定机构回复尚需两周"])  # a write while paused records no lapse
    assert "Warning" not in run.stderr
    assert sql(tsk_ledger(), "SELECT count(*) FROM lapse") == [(0,)]
    assert set(clocks.STOPPED_BY_PAUSE) == {"ack", "resolution", "cap", "form", "supervision", "referral"}
    row = {**show_row(c["ref"])}
    assert not clocks.past_due(row, D(2026, 11, 30)) and clocks.lapses(row, D(2026, 11, 30)) == []
    # running again, its ack clock is late at once (stopping a clock excuses nothing already due)
    ok(tsk, ["resume", c["ref"], "--at", "2026-11-30 09:00"])
    assert ("ack" in {clock for _, clock, _ in overdue(tsk, "2026-11-30")})


def tsk_ledger() -> str:
    import os

    return os.environ["TSK_DB"]


def show_row(ref: str) -> dict:
    with _ledger() as ledger:
        return ledger.store.row("SELECT * FROM complaint WHERE ref = :ref", {"ref": ref})


@pytest.mark.parametrize("argv, needle", [
    (["pause", "{ref}", "--reason", "x", "--notified-via", "sms", "--at", "2026-10-09 10:00"], "limit ended on 2026-10-08"),
    (["resume", "{ref}", "--at", "2026-09-20 10:00"], "is not stopped"),
    (["pause", "{ref}", "--reason", "x", "--notified-via", "pigeon"], "notification channel"),
])
def test_a_pause_after_the_limit_or_a_resume_without_one_is_refused(tsk, ledger_path, argv, needle):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    code = 2 if "pigeon" in argv else 1
    assert needle in refused(tsk, ledger_path, [a.format(ref=ref) for a in argv], code)


def test_a_policy_without_clock_stops_refuses_them(tsk, ledger_path):
    ref = add(tsk, "2026-09-17 10:00", policy="cbrc2012")["ref"]
    line = refused(tsk, ledger_path, ["pause", ref, "--reason", "x", "--notified-via", "sms", "--at", "2026-09-18 10:00"])
    assert "cbrc2012 v1, which has no clock stop" in line


def test_a_stopped_clock_stops_extend_and_close_until_it_resumes(tsk, ledger_path):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    ok(tsk, ["pause", ref, "--reason", "检测", "--notified-via", "sms", "--at", "2026-09-20 10:00"])
    refused(tsk, ledger_path, ["pause", ref, "--reason", "x", "--notified-via", "sms", "--at", "2026-09-21 10:00"])
    refused(tsk, ledger_path, ["extend", ref, "--days", "5", "--reason", "x", "--notified-via", "sms",
                               "--at", "2026-09-21 10:00"])
    refused(tsk, ledger_path, ["close", ref, "--result", "upheld", "--resolution", "x", "--notified-via", "sms",
                               "--at", "2026-09-21 10:00"])
    assert "before" in refused(tsk, ledger_path, ["resume", ref, "--at", "2026-09-19 10:00"], 2)


def test_the_staff_member_complained_about_may_not_stop_the_clock(tsk, ledger_path):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    line = refused(tsk, ledger_path, ["--as", "李娜", "pause", ref, "--reason", "x", "--notified-via", "sms",
                                      "--at", "2026-09-20 10:00"])
    assert "回避" in line
    ok(tsk, ["--as", "李娜", "pause", ref, "--reason", "x", "--notified-via", "sms", "--at", "2026-09-20 10:00",
             "--override-recusal", "网点仅一名柜员"])
    assert events(tsk, ref, "paused")[0]["details"]["recusal_override"] == "网点仅一名柜员"


# -- new facts: the limit runs again ------------------------------------------------------------------------
def test_new_facts_restart_the_limit_from_their_receipt(tsk):
    ref = add(tsk, "2026-09-17 10:00")["ref"]
    ok(tsk, ["extend", ref, "--days", "5", "--reason", "x", "--notified-via", "sms", "--at", "2026-09-30 10:00"])
    run = ok(tsk, ["restart", ref, "--reason", "客户补充提交转账回单", "--notified-via", "phone",
                   "--at", "2026-09-25 14:00"])
    # 25 September + 15 days = Saturday 10 October, a make-up working day: due that Saturday
    assert run.stdout == f"{ref}: limit restarted at 2026-09-25 14:00; due 2026-10-10 (cap 2026-11-24)\n"
    c = show(tsk, ref)
    assert (c["restarted_at"], c["extended_days"], c["due"]) == ("2026-09-25T14:00:00+08:00", 0, "2026-10-10")
    assert "处理期限重新计算" in ok(tsk, ["show", ref]).stdout


# -- a repeat merged into the first ----------------------------------------------------------------------------
def test_a_repeat_within_the_limit_is_merged_and_counted_once(tsk, ledger_path):
    first = add(tsk, "2026-09-17 10:00")["ref"]
    repeat = add(tsk, "2026-09-25 09:00")["ref"]
    run = ok(tsk, ["merge", repeat, "--into", first, "--reason", "同一客户就同一笔转账再次投诉", "--at", "2026-09-25 10:00"])
    assert run.stdout == f"{repeat} merged into {first}\n"
    merged = show(tsk, repeat)
    assert (merged["status"], merged["merged_into"], merged["closed_at"]) == ("merged", first,
                                                                              "2026-09-25T10:00:00+08:00")
    assert events(tsk, first, "repeat-merged")[0]["details"]["repeat"] == repeat
    assert show(tsk, first)["due"] == "2026-10-08"  # the same facts: the first's limit stands
    # its clocks stopped: neither is overdue twice
    assert {ref for ref, _, _ in overdue(tsk, "2026-11-30")} == {first}
    report = json.loads(ok(tsk, ["report", "half-year", "2026H2", "--as-of", "2026-11-30", "--format", "json"]).stdout)
    assert (report["totals"]["received"], report["totals"]["merged"]) == (1, 1)
    assert report["by"]["business_type"]["card"] == 1
    stats = json.loads(ok(tsk, ["report", "stats", "--since", "2026-09-01", "--until", "2026-09-30", "--by", "业务类型",
                                "--format", "json"]).stdout)
    assert [(r["key"], r["received"]) for r in stats] == [("card", 1)]
    assert "已合并" in ok(tsk, ["show", repeat]).stdout
    refused(tsk, ledger_path, ["close", repeat, "--result", "upheld", "--resolution", "x", "--notified-via", "sms"])
    assert [c["ref"] for c in json.loads(ok(tsk, ["list", "--status", "已合并", "--format", "json"]).stdout)] == [repeat]


def test_a_repeat_with_new_facts_restarts_the_first_ones_limit_from_its_receipt(tsk):
    first = add(tsk, "2026-09-17 10:00")["ref"]
    repeat = add(tsk, "2026-09-25 14:00")["ref"]
    run = ok(tsk, ["merge", repeat, "--into", first, "--reason", "补充提出新的转账记录", "--new-facts",
                   "--at", "2026-09-25 15:00"])
    assert run.stdout == f"{repeat} merged into {first}; its limit restarted: due 2026-10-10 (cap 2026-11-24)\n"
    assert show(tsk, first)["restarted_at"] == "2026-09-25T14:00:00+08:00"


@pytest.mark.parametrize("received, into_self, needle", [
    ("2026-10-09 10:00", False, "after TS-2026-000001's limit (2026-10-08)"),
    ("2026-09-20 10:00", True, "names TS-2026-000002 itself"),
])
def test_a_merge_after_the_limit_or_into_itself_is_refused(tsk, ledger_path, received, into_self, needle):
    first = add(tsk, "2026-09-17 10:00")["ref"]
    repeat = add(tsk, received)["ref"]
    code = 2 if into_self else 1
    line = refused(tsk, ledger_path, ["merge", repeat, "--into", repeat if into_self else first, "--reason", "x",
                                      "--at", received[:10] + " 12:00"], code)
    assert needle in line


def test_the_first_complaint_merged_into_the_later_is_refused(tsk, ledger_path):
    first = add(tsk, "2026-09-17 10:00")["ref"]
    later = add(tsk, "2026-09-20 10:00")["ref"]
    assert "merge the later complaint into the first" in refused(
        tsk, ledger_path, ["merge", first, "--into", later, "--reason", "x", "--at", "2026-09-20 12:00"])


# -- review (核查) -------------------------------------------------------------------------------------------
def closed(tsk, received: str = "2026-09-17 10:00", at: str = "2026-10-08 10:00") -> str:
    ref = add(tsk, received)["ref"]
    ok(tsk, ["ack", ref, "--via", "sms", "--at", received[:10] + " 11:00"])
    ok(tsk, ["close", ref, "--result", "not-upheld", "--resolution", "经核实转账已到账", "--notified-via", "letter",
             "--at", at])
    return ref


def test_a_review_applied_for_within_30_days_runs_its_own_clock_and_lapses_like_any_other(tsk):
    ref = closed(tsk)
    run = ok(tsk, ["review", ref, "--reason", "客户书面申请核查：不认可核实结果", "--at", "2026-10-20 10:00"])
    assert run.stdout == f"{ref}: review applied for at 2026-10-20 10:00; decision due 2026-11-19\n"
    assert "review" in show(tsk, ref)["flags"]
    assert overdue(tsk, "2026-11-19") == []  # due that day: not late
    assert overdue(tsk, "2026-11-20") == [(ref, "review", "2026-11-19")]
    assert "1 newly overdue" in tsk(["check", "--as-of", "2026-11-20"]).stdout
    assert sql(tsk_ledger(), "SELECT clock, due FROM lapse") == [("review", "2026-11-19")]
    run = ok(tsk, ["close", ref, "--result", "partly", "--resolution", "核查后补偿手续费", "--notified-via", "letter",
                   "--compensation", "20", "--at", "2026-11-23 10:00"])
    assert run.stdout == f"{ref}: review decided (partly); the decision it reviewed stays not-upheld\n"
    c = show(tsk, ref)
    assert (c["status"], c["result"], c["review_result"], c["review_resolution"], c["reviewed_at"], c["compensation"]) == (
        "closed", "not-upheld", "partly", "核查后补偿手续费", "2026-11-23T10:00:00+08:00", 20.0)
    assert overdue(tsk, "2026-11-30") == [] and "review" not in c["flags"]
    assert sql(tsk_ledger(), "SELECT clock, due FROM lapse") == [("review", "2026-11-19")]  # a lapse stays a fact
    assert "核查决定：部分支持" in ok(tsk, ["show", ref]).stdout
    assert ok(tsk, ["verify"]).stdout.startswith("ok:")


def test_a_review_after_30_days_of_the_decision_is_refused(tsk, ledger_path):
    ref = closed(tsk)
    # 8 October + 30 days = Saturday 7 November: the window ends Monday 9 November
    line = refused(tsk, ledger_path, ["review", ref, "--reason", "x", "--at", "2026-11-10 09:00"])
    assert "by 2026-11-09" in line and "第二十条" in line
    ok(tsk, ["review", ref, "--reason", "x", "--at", "2026-11-09 17:00"])
    assert "already under review" in refused(tsk, ledger_path, ["review", ref, "--reason", "again",
                                                                "--at", "2026-11-09 17:30"])


def test_a_review_needs_a_decision_and_a_policy_with_a_review(tsk, ledger_path):
    open_ref = add(tsk, "2026-09-17 10:00")["ref"]
    assert "it is open" in refused(tsk, ledger_path, ["review", open_ref, "--reason", "x", "--at", "2026-09-20 10:00"])
    old = add(tsk, "2026-09-17 10:00", policy="cbrc2012")["ref"]
    ok(tsk, ["close", old, "--result", "upheld", "--resolution", "x", "--notified-via", "sms", "--at", "2026-09-20 10:00"])
    assert "no review" in refused(tsk, ledger_path, ["review", old, "--reason", "x", "--at", "2026-09-21 10:00"])
    assert "it is closed" in refused(tsk, ledger_path, ["close", old, "--result", "upheld", "--resolution", "x",
                                                        "--notified-via", "sms"])


# -- what followed: remedy and follow-up --------------------------------------------------------------------------
def test_follow_up_and_remedy_after_the_decision(tsk, ledger_path):
    ref = closed(tsk)
    run = ok(tsk, ["follow-up", ref, "--satisfaction", "基本满意", "--note", "客户认可核实结果", "--at", "2026-10-10 10:00"])
    assert run.stdout == f"{ref}: followed up, fair (基本满意)\n"
    run = ok(tsk, ["remedy", ref, "--route", "仲裁", "--by", "广州仲裁委员会", "--at", "2026-10-20 10:00"])
    assert run.stdout == f"{ref}: arbitration (仲裁) before 广州仲裁委员会\n"
    c = show(tsk, ref)
    assert (c["satisfaction"], c["followed_up_at"], c["follow_up_note"], c["remedy"]) == (
        "fair", "2026-10-10T10:00:00+08:00", "客户认可核实结果", "arbitration")
    form = ok(tsk, ["show", ref, "--form", "handling"]).stdout
    assert "基本满意；回访 2026-10-10 10:00；客户认可核实结果" in form and "客户申请仲裁" in form
    assert "before" in refused(tsk, ledger_path, ["follow-up", ref, "--satisfaction", "satisfied",
                                                  "--at", "2026-10-01 10:00"], 2)
    still_open = add(tsk, "2026-09-18 10:00")["ref"]
    refused(tsk, ledger_path, ["follow-up", still_open, "--satisfaction", "satisfied", "--at", "2026-09-19 10:00"])


# -- the complainant who is not the customer -------------------------------------------------------------------
def test_a_complaint_made_by_an_heir_records_who_and_how_related(tsk, ledger_path):
    c = add(tsk, "2026-09-17 10:00", "--complainant", "张小明", "--relationship", "继承人")
    assert (c["complainant_name"], c["complainant_relationship"]) == ("张小明", "heir")
    assert "张小明（继承人）" in ok(tsk, ["show", c["ref"]]).stdout
    assert "投诉人（非客户本人） | 张小明（继承人）" in ok(tsk, ["show", c["ref"], "--form", "handling"]).stdout
    before = snapshot(ledger_path)
    run = tsk(["add", *BASE, "--received", "2026-09-17 10:00", "--complainant", "李大明"])
    assert run.exit_code == 2 and "--relationship" in one_error_line(run) and "李大明" not in run.stderr
    run = tsk(["add", *BASE, "--received", "2026-09-17 10:00", "--complainant", "李大明", "--relationship", "uncle"])
    assert run.exit_code == 2 and "李大明" not in run.stderr
    assert snapshot(ledger_path) == before


# -- everything together: export, import, verify -----------------------------------------------------------------
def test_the_new_fields_go_through_export_and_import_byte_for_byte(tsk, tmp_path):
    first = add(tsk, "2026-09-17 10:00", "--complainant", "王律师", "--relationship", "agent")["ref"]
    repeat = add(tsk, "2026-09-20 10:00")["ref"]
    ok(tsk, ["merge", repeat, "--into", first, "--reason", "重复", "--at", "2026-09-20 11:00"])
    ok(tsk, ["pause", first, "--reason", "鉴定", "--notified-via", "sms", "--at", "2026-09-21 10:00"])
    ok(tsk, ["resume", first, "--at", "2026-09-24 10:00"])
    reviewed = closed(tsk, "2026-09-18 10:00", "2026-09-30 10:00")
    ok(tsk, ["review", reviewed, "--reason", "不服", "--at", "2026-10-09 10:00"])
    ok(tsk, ["verify"])
    exported = ok(tsk, ["export", "--show-pii"]).stdout
    source = tmp_path / "all.csv"
    source.write_text(exported, encoding="utf-8")
    other = str(tmp_path / "other.db")
    assert tsk(["--db", other, "import", str(source)]).exit_code == 0
    assert tsk(["--db", other, "export", "--show-pii"]).stdout == exported
    assert tsk(["--db", other, "verify"]).exit_code == 0
    again = json.loads(tsk(["--db", other, "show", reviewed, "--format", "json"]).stdout)
    assert (again["review_due"], again["merged_into"]) == ("2026-11-09", None)


def test_an_import_refuses_a_merged_complaint_that_names_no_first(tsk, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,status,closed_at\n"
                      "TS-2026-000900,2026-09-17 10:00,phone,service,card,other,张三,城关支行,x,merged,2026-09-18 10:00\n",
                      encoding="utf-8")
    run = tsk(["import", str(source)])
    assert run.exit_code != 0 and "merged_into" in run.stderr


def test_a_ledgers_own_policy_named_national2020_keeps_its_rules_for_its_complaints(tsk, tmp_path):
    own = tmp_path / "own.json"
    own.write_text(json.dumps({"name": "national2020", "version": 1, "clocks": {
        "ack": "1 working_days", "resolution": "10 calendar_days", "cap": "60 calendar_days"}}), encoding="utf-8")
    with _ledger() as ledger:  # stored before the preset existed: straight into the table, as an older tsk did
        from tsk import admin

        stored = admin.Policy.from_mapping(json.loads(own.read_text(encoding="utf-8")))
        with pytest.raises(Refused):
            admin.add_policy(ledger, stored)
        definition = json.dumps(stored.to_mapping(), ensure_ascii=False, sort_keys=True)
        with ledger.store.transaction():
            ledger.store.run("INSERT INTO policy_definition VALUES ('national2020', 1, :d, 'officer', "
                             "'2026-01-01T00:00:00+08:00')", {"d": definition})
            admin.audit(ledger, "policy-add", {"name": "national2020", "version": 1, "definition": definition},
                        at="2026-01-01T00:00:00+08:00")
    assert add(tsk, "2026-09-17 10:00")["due"] == "2026-09-28"  # 10 days: the ledger's own rules
    with _ledger() as ledger:
        assert stops._rules(ledger, show_row("TS-2026-000001"))[0].resolution == sla.Period(10, "calendar_days")


def test_a_calendar_correction_moves_a_review_and_keeps_a_stopped_clocks_days(tsk):
    """A local correction reaches the running clocks (docs/rules.md, Working days): a review's due
    is counted again from its application, a limit with a clock stop behind it keeps the stop."""
    reviewed = closed(tsk)
    ok(tsk, ["review", reviewed, "--reason", "x", "--at", "2026-10-20 10:00"])  # due Thursday 19 November
    stopped = add(tsk, "2026-09-28 10:00")["ref"]
    ok(tsk, ["pause", stopped, "--reason", "鉴定", "--notified-via", "sms", "--at", "2026-10-09 16:00"])
    ok(tsk, ["resume", stopped, "--at", "2026-10-12 09:00"])  # due 16 October, cap 30 November
    ok(tsk, ["calendar", "set", "2026-11-19", "2026-11-30", "--holiday", "--note", "台风停工"])
    assert show(tsk, reviewed)["review_due"] == "2026-11-20"
    after = show(tsk, stopped)
    assert (after["due"], after["cap_due"], after["paused_days"]) == ("2026-10-16", "2026-12-01", 3)
    assert events(tsk, reviewed, "deadlines-recomputed") and ok(tsk, ["verify"]).stdout.startswith("ok:")


def test_the_jrt_0169_classes_are_offered_and_the_labels_used_before_still_read(tsk):
    c = add(tsk, "2026-09-17 10:00", "--business-type", "贵金属", "--cause", "定价收费")
    assert (c["business_type"], c["cause"]) == ("precious-metals", "pricing")
    old = add(tsk, "2026-09-17 11:00", "--cause", "服务设施设备业务系统")  # the label tsk printed before
    assert old["cause"] == "facilities"
    shown = ok(tsk, ["show", old["ref"]]).stdout
    assert "服务设施、设备、业务系统" in shown  # JR/T 0169-2018's own words now
    rows = json.loads(ok(tsk, ["report", "stats", "--since", "2026-09-01", "--until", "2026-09-30", "--by", "原因",
                               "--format", "json"]).stdout)
    assert {r["key"]: r["received"] for r in rows} == {"facilities": 1, "pricing": 1}
    half = json.loads(ok(tsk, ["report", "half-year", "2026H2", "--as-of", "2026-09-30", "--format", "json"]).stdout)
    assert len(half["by"]["business_type"]) == 14 and len(half["by"]["cause"]) == 13
    assert (half["by"]["business_type"]["precious-metals"], half["by"]["business_type"]["card"]) == (1, 1)
