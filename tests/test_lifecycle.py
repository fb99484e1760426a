"""The lifecycle (docs/rules.md, Handling): ack, assign with recusal, conflicts, escalate,
extend within the cap, note, notify, close, reject, withdraw, reopen; `--at`; bad input on
every command refused with one Error line and the ledger unchanged; PII masking; calendar
corrections reaching open complaints. Expected dates are literal."""

from __future__ import annotations

import json

import pytest
from helpers import Live, entered_at, one_error_line, snapshot

from tsk import lifecycle, timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound, Refused

RECEIVED = "2026-08-03 10:00"  # Monday; ack due 08-04, due 08-24, cap 10-30
ID_A = "11010519491231002X"


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--summary", "柜员态度差"]


def add(tsk, *extra: str, received: str = RECEIVED) -> dict:
    run = tsk(["add", *BASE, "--received", received, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def show(tsk, ref: str) -> dict:
    run = tsk(["show", ref, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def ok(tsk, argv: list[str]):
    run = tsk(argv)
    assert run.exit_code == 0, run.stderr
    return run


def refused(tsk, ledger_path, argv: list[str], code: int) -> str:
    """Run a command that must fail: its exit code, one Error line, nothing written."""
    before = snapshot(ledger_path)
    run = tsk(argv)
    assert run.exit_code == code, (argv, run.exit_code, run.stdout, run.stderr)
    line = one_error_line(run)
    assert snapshot(ledger_path) == before, argv
    return line


def close_argv(ref: str, *extra: str) -> list[str]:
    return ["close", ref, "--result", "upheld", "--resolution", "退还手续费并致歉", "--notified-via", "phone", *extra]


# -- ack, escalate, note, notify -------------------------------------------------------------------
def test_ack_records_channel_and_time(tsk):
    c = add(tsk)
    ok(tsk, ["ack", c["ref"], "--via", "短信", "--at", "2026-08-03 16:30"])
    after = show(tsk, c["ref"])
    assert after["acked_at"] == "2026-08-03T16:30:00+08:00"
    event = after["events"][-1]
    assert event["action"] == "acknowledged"
    assert event["details"]["via"] == "sms"
    assert event["at"] == "2026-08-03T16:30:00+08:00"


def test_ack_twice_is_refused(tsk, ledger_path):
    c = add(tsk)
    ok(tsk, ["ack", c["ref"], "--via", "sms"])
    refused(tsk, ledger_path, ["ack", c["ref"], "--via", "sms"], 1)


def test_escalate_one_level_then_to_top(tsk, ledger_path):
    c = add(tsk)
    ok(tsk, ["escalate", c["ref"], "--reason", "客户不满意"])
    assert show(tsk, c["ref"])["level"] == 2
    ok(tsk, ["escalate", c["ref"], "--reason", "媒体关注", "--to-level", "3"])
    after = show(tsk, c["ref"])
    assert after["level"] == 3
    assert [e["details"].get("reason") for e in after["events"][-2:]] == ["客户不满意", "媒体关注"]
    refused(tsk, ledger_path, ["escalate", c["ref"], "--reason", "x", "--to-level", "7"], 2)
    refused(tsk, ledger_path, ["escalate", c["ref"], "--reason", "x", "--to-level", "2"], 1)


def test_escalate_beyond_the_top_is_refused(tsk, ledger_path):
    c = add(tsk, "--severity", "major")  # level 3 at intake
    line = refused(tsk, ledger_path, ["escalate", c["ref"], "--reason", "again"], 1)
    assert "top" in line and "--to-level" not in line


def test_note_and_notify_are_events(tsk):
    c = add(tsk)
    ok(tsk, ["note", c["ref"], "已调取监控录像"])
    ok(tsk, ["notify", c["ref"], "告知处理进度", "--via", "phone"])
    events = show(tsk, c["ref"])["events"]
    assert events[-2]["action"] == "noted" and events[-2]["details"]["text"] == "已调取监控录像"
    assert events[-1]["action"] == "customer-notified"
    assert events[-1]["details"] == {"via": "phone", "text": "告知处理进度"}


# -- assign and recusal (回避) ---------------------------------------------------------------------
def test_assign_records_handler(tsk):
    c = add(tsk)
    ok(tsk, ["assign", c["ref"], "--to", "王五", "--unit", "个人金融部"])
    after = show(tsk, c["ref"])
    assert (after["assignee"], after["assignee_unit"]) == ("王五", "个人金融部")
    event = after["events"][-1]
    assert event["action"] == "assigned"
    assert "recusal_override" not in event["details"]


def test_assigning_the_subject_staff_is_refused(tsk, ledger_path):
    c = add(tsk, "--subject-staff", "李四")
    line = refused(tsk, ledger_path, ["assign", c["ref"], "--to", "李四"], 1)
    assert "回避" in line and "--override-recusal" in line and "李四" in line
    assert show(tsk, c["ref"])["assignee"] is None


def test_recusal_override_is_recorded(tsk):
    c = add(tsk, "--subject-staff", "李四")
    ok(tsk, ["assign", c["ref"], "--to", "李四", "--override-recusal", "网点仅一名柜员，经行长批准"])
    after = show(tsk, c["ref"])
    assert after["assignee"] == "李四"
    event = after["events"][-1]
    assert event["action"] == "assigned"
    assert event["details"]["recusal_override"] == "网点仅一名柜员，经行长批准"


def test_declared_conflict_blocks_assignment(tsk, ledger_path):
    c = add(tsk, "--subject-staff", "李四")
    ok(tsk, ["conflict", c["ref"], "赵六", "--reason", "客户的亲属"])
    after = show(tsk, c["ref"])
    assert after["conflicts"] == ["赵六"]
    assert after["events"][-1]["action"] == "conflict-declared"
    assert after["events"][-1]["details"]["reason"] == "客户的亲属"
    line = refused(tsk, ledger_path, ["assign", c["ref"], "--to", "赵六"], 1)
    assert "回避" in line
    ok(tsk, ["assign", c["ref"], "--to", "王五"])  # anyone else is fine


def test_conflict_given_at_intake_blocks_assignment(tsk, ledger_path):
    c = add(tsk, "--conflict", "钱七")
    refused(tsk, ledger_path, ["assign", c["ref"], "--to", "钱七"], 1)


def test_library_recusal(ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-08-03 10:05")
    ledger = Ledger.open(ledger_path, "officer")
    try:
        c = lifecycle.register(ledger, lifecycle.Intake(customer="张三", channel="phone", category="service",
                                                        business_type="card", cause="other", unit="U", summary="s",
                                                        subject_staff="李四", received=RECEIVED)).complaint
        with pytest.raises(Refused, match="回避"):
            lifecycle.assign(ledger, c["ref"], "李四")
        done = lifecycle.assign(ledger, c["ref"], "李四", override_recusal="批准")
        assert done["assignee"] == "李四" and done["event_count"] == 2
    finally:
        ledger.close()


# -- extension within the cap (银监发〔2012〕13号 第九条) ----------------------------------------------
def test_extension_within_the_cap(tsk):
    c = add(tsk)
    ok(tsk, ["extend", c["ref"], "--days", "10", "--reason", "需调查取证", "--notified-via", "letter"])
    after = show(tsk, c["ref"])
    assert after["due"] == "2026-09-07"  # 10 working days after 2026-08-24
    assert after["extended_days"] == 10
    assert after["cap_due"] == "2026-10-30"
    assert "extended" in after["flags"]
    event = after["events"][-1]
    assert event["action"] == "extended"
    assert event["details"]["reason"] == "需调查取证"
    assert event["details"]["notified_via"] == "letter"
    assert event["details"]["days"] == 10
    assert event["details"]["changes"] == {"due": "2026-09-07", "extended_days": 10}


def test_extension_up_to_exactly_the_cap(tsk):
    c = add(tsk)
    ok(tsk, ["extend", c["ref"], "--days", "45", "--reason", "复杂", "--notified-via", "sms"])
    after = show(tsk, c["ref"])
    assert after["due"] == after["cap_due"] == "2026-10-30"
    assert after["extended_days"] == 45


def test_extension_beyond_the_cap_is_refused_with_the_allowance(tsk, ledger_path):
    c = add(tsk)
    line = refused(tsk, ledger_path, ["extend", c["ref"], "--days", "46", "--reason", "复杂", "--notified-via", "sms"], 1)
    assert "45" in line and "2026-10-30" in line
    ok(tsk, ["extend", c["ref"], "--days", "40", "--reason", "复杂", "--notified-via", "sms"])
    line = refused(tsk, ledger_path, ["extend", c["ref"], "--days", "6", "--reason", "复杂", "--notified-via", "sms"], 1)
    assert "at most 5 " in line
    assert show(tsk, c["ref"])["extended_days"] == 40


@pytest.mark.parametrize("days", ["0", "-1", "ten"])
def test_extension_by_a_bad_number_is_usage_error(tsk, ledger_path, days):
    c = add(tsk)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", days, "--reason", "r", "--notified-via", "sms"], 2)


def test_extension_by_an_absurd_number_is_refused_cleanly(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", str(10**20), "--reason", "r", "--notified-via", "sms"], 1)


def test_extension_needs_reason_and_notification(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", "3", "--notified-via", "sms"], 2)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", "3", "--reason", "r"], 2)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", "3", "--reason", " ", "--notified-via", "sms"], 2)
    refused(tsk, ledger_path, ["extend", c["ref"], "--days", "3", "--reason", "r", "--notified-via", "pigeon"], 2)


# -- close, reject, withdraw ---------------------------------------------------------------------
def test_close_records_the_outcome(tsk):
    c = add(tsk)
    ok(tsk, close_argv(c["ref"], "--compensation", "1234.56", "--root-cause", "柜员培训不足",
                       "--rectification", "开展服务礼仪培训", "--satisfaction", "基本满意", "--at", "2026-08-20 15:00"))
    after = show(tsk, c["ref"])
    assert after["status"] == "closed"
    assert after["closed_at"] == "2026-08-20T15:00:00+08:00"
    assert after["result"] == "upheld"
    assert after["resolution"] == "退还手续费并致歉"
    assert after["notified_via"] == "phone"
    assert after["compensation"] == 1234.56
    assert after["root_cause"] == "柜员培训不足"
    assert after["rectification"] == "开展服务礼仪培训"
    assert after["satisfaction"] == "fair"
    closed = max(after["events"], key=lambda e: e["seq"])  # the newest in the chain (a lapse recorded on entry sorts after it)
    assert closed["action"] == "closed"
    assert closed["at"] == "2026-08-20T15:00:00+08:00"


@pytest.mark.parametrize("amount, stored", [("0.1", 0.1), ("19.99", 19.99), ("1,000", 1000), ("0", 0),
                                            ("9999999.99", 9999999.99)])
def test_compensation_is_stored_exactly(tsk, amount, stored):
    c = add(tsk)
    ok(tsk, close_argv(c["ref"], "--compensation", amount))
    assert show(tsk, c["ref"])["compensation"] == stored


@pytest.mark.parametrize("amount", ["-1", "12.345", "abc", ""])
def test_bad_compensation_is_usage_error(tsk, ledger_path, amount):
    c = add(tsk)
    if amount == "":
        ok(tsk, close_argv(c["ref"], "--compensation", amount))  # empty means none
        assert show(tsk, c["ref"])["compensation"] is None
        return
    refused(tsk, ledger_path, close_argv(c["ref"], "--compensation", amount), 2)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "sNaN"])
def test_non_finite_compensation_is_usage_error(tsk, ledger_path, amount):
    c = add(tsk)
    refused(tsk, ledger_path, close_argv(c["ref"], "--compensation", amount), 2)


@pytest.mark.parametrize("drop", ["--result", "--resolution", "--notified-via"])
def test_close_requires_result_resolution_and_notification(tsk, ledger_path, drop):
    c = add(tsk)
    argv = close_argv(c["ref"])
    i = argv.index(drop)
    del argv[i:i + 2]
    line = refused(tsk, ledger_path, argv, 2)
    assert drop in line


@pytest.mark.parametrize("option, value", [("--result", "won"), ("--notified-via", "pigeon"),
                                           ("--satisfaction", "happy"), ("--resolution", "  ")])
def test_close_with_bad_values_is_usage_error(tsk, ledger_path, option, value):
    c = add(tsk)
    argv = close_argv(c["ref"])
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]
    refused(tsk, ledger_path, argv, 2)


def test_closing_twice_is_refused(tsk, ledger_path):
    c = add(tsk)
    ok(tsk, close_argv(c["ref"]))
    line = refused(tsk, ledger_path, close_argv(c["ref"]), 1)
    assert c["ref"] in line and "closed" in line


def test_reject_requires_reason_and_records_it(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["reject", c["ref"], "--notified-via", "letter"], 2)
    refused(tsk, ledger_path, ["reject", c["ref"], "--reason", "", "--notified-via", "letter"], 2)
    refused(tsk, ledger_path, ["reject", c["ref"], "--reason", "无事实依据"], 2)
    ok(tsk, ["reject", c["ref"], "--reason", "无事实依据", "--notified-via", "letter"])
    after = show(tsk, c["ref"])
    assert after["status"] == "rejected"
    assert after["reason"] == "无事实依据"
    assert after["notified_via"] == "letter"
    assert after["closed_at"] is not None
    assert after["events"][-1]["action"] == "rejected"
    refused(tsk, ledger_path, ["reject", c["ref"], "--reason", "x", "--notified-via", "letter"], 1)


def test_withdraw(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["withdraw", c["ref"]], 2)
    ok(tsk, ["withdraw", c["ref"], "--reason", "客户主动撤回"])
    after = show(tsk, c["ref"])
    assert after["status"] == "withdrawn" and after["reason"] == "客户主动撤回"
    assert after["events"][-1]["action"] == "withdrawn"
    refused(tsk, ledger_path, ["withdraw", c["ref"], "--reason", "again"], 1)
    refused(tsk, ledger_path, ["reopen", c["ref"], "--reason", "x"], 1)  # only closed/rejected reopen


# -- reopen (申诉) -------------------------------------------------------------------------------
def test_reopen_restarts_the_clocks_from_the_reopening(tsk):
    c = add(tsk)
    ok(tsk, ["extend", c["ref"], "--days", "5", "--reason", "r", "--notified-via", "sms"])
    ok(tsk, ["ack", c["ref"], "--via", "sms", "--at", "2026-08-03 12:00"])
    ok(tsk, close_argv(c["ref"], "--at", "2026-09-10 10:00"))
    ok(tsk, ["reopen", c["ref"], "--reason", "客户申诉", "--at", "2026-09-30 10:00"])
    after = show(tsk, c["ref"])
    assert after["status"] == "open"
    assert after["reopened"] == 1
    # Wed 30 Sep 2026, then the National Day holiday 1-7 Oct, Sat 10 Oct a make-up working day
    assert after["ack_due"] == "2026-10-08"
    assert after["due"] == "2026-10-27"
    assert after["cap_due"] == "2026-12-29"
    assert after["extended_days"] == 0
    assert after["acked_at"] is None and after["closed_at"] is None and after["result"] is None
    assert "reopened" in after["flags"]
    event = next(e for e in after["events"] if e["action"] == "reopened")
    assert event["at"] == "2026-09-30T10:00:00+08:00"
    assert event["details"]["changes"]["reason"] == "客户申诉"
    # it can be closed again
    ok(tsk, close_argv(c["ref"], "--at", "2026-10-12 10:00"))


def test_reopen_a_rejected_complaint(tsk):
    c = add(tsk)
    ok(tsk, ["reject", c["ref"], "--reason", "无事实依据", "--notified-via", "letter", "--at", "2026-08-04 10:00"])
    ok(tsk, ["reopen", c["ref"], "--reason", "补充证据", "--at", "2026-08-05 10:00"])
    assert show(tsk, c["ref"])["status"] == "open"


def test_reopen_of_an_open_complaint_is_refused(tsk, ledger_path):
    c = add(tsk)
    line = refused(tsk, ledger_path, ["reopen", c["ref"], "--reason", "x"], 1)
    assert "open" in line
    ok(tsk, close_argv(c["ref"]))
    refused(tsk, ledger_path, ["reopen", c["ref"]], 2)  # --reason is required


def test_reopen_before_it_was_closed_is_refused(tsk, ledger_path):
    c = add(tsk)
    ok(tsk, close_argv(c["ref"], "--at", "2026-09-10 10:00"))
    refused(tsk, ledger_path, ["reopen", c["ref"], "--reason", "x", "--at", "2026-09-01 10:00"], 2)


# -- --at -------------------------------------------------------------------------------------------
AT_COMMANDS = [
    lambda ref: ["ack", ref, "--via", "sms"],
    lambda ref: ["assign", ref, "--to", "王五"],
    lambda ref: ["escalate", ref, "--reason", "r"],
    lambda ref: ["extend", ref, "--days", "1", "--reason", "r", "--notified-via", "sms"],
    lambda ref: ["note", ref, "text"],
    lambda ref: close_argv(ref),
    lambda ref: ["reject", ref, "--reason", "r", "--notified-via", "sms"],
    lambda ref: ["withdraw", ref, "--reason", "r"],
]
AT_IDS = ["ack", "assign", "escalate", "extend", "note", "close", "reject", "withdraw"]


@pytest.mark.parametrize("command", AT_COMMANDS, ids=AT_IDS)
def test_at_in_the_future_is_usage_error(tsk, ledger_path, command):
    c = add(tsk)
    line = refused(tsk, ledger_path, command(c["ref"]) + ["--at", "2099-01-01 09:00"], 2)
    assert "future" in line


@pytest.mark.parametrize("command", AT_COMMANDS, ids=AT_IDS)
def test_at_before_receipt_is_usage_error(tsk, ledger_path, command):
    c = add(tsk)
    line = refused(tsk, ledger_path, command(c["ref"]) + ["--at", "2026-08-03 09:59"], 2)
    assert "before" in line


@pytest.mark.parametrize("at", ["2026-02-30", "someday", "2026-08-04 24:00"])
def test_at_unparsable_is_usage_error(tsk, ledger_path, at):
    c = add(tsk)
    refused(tsk, ledger_path, ["note", c["ref"], "x", "--at", at], 2)


@pytest.mark.parametrize("command", AT_COMMANDS, ids=AT_IDS)
def test_at_records_both_times(tsk, command):
    c = add(tsk)
    before = timeutil.to_text(timeutil.now())
    ok(tsk, command(c["ref"]) + ["--at", "2026-08-05 09:30"])
    events = show(tsk, c["ref"])["events"]  # in time order: the ack clock's lapse, recorded on entry, comes after
    event = max((e for e in events if "by" not in e["details"]), key=lambda e: e["seq"])
    assert event["at"] == "2026-08-05T09:30:00+08:00"
    assert event["recorded_at"] >= before
    assert event["actor"] == "officer"


def test_at_accepts_an_offset_and_converts_to_china_time(tsk):
    c = add(tsk)
    ok(tsk, ["note", c["ref"], "x", "--at", "2026-08-05T01:30:00Z"])
    noted = [e for e in show(tsk, c["ref"])["events"] if e["action"] == "noted"]
    assert noted[-1]["at"] == "2026-08-05T09:30:00+08:00"


def test_at_exactly_the_receipt_is_allowed(tsk):
    c = add(tsk)
    ok(tsk, ["note", c["ref"], "x", "--at", RECEIVED])


# -- refs: unknown, malformed, wrong state -----------------------------------------------------------
CHANGE_COMMANDS = AT_COMMANDS + [
    lambda ref: ["conflict", ref, "赵六", "--reason", "r"],
    lambda ref: ["notify", ref, "t", "--via", "sms"],
    lambda ref: ["reopen", ref, "--reason", "r"],
    lambda ref: ["reported", ref, "t"],
    lambda ref: ["show", ref],
]
CHANGE_IDS = AT_IDS + ["conflict", "notify", "reopen", "reported", "show"]


@pytest.mark.parametrize("command", CHANGE_COMMANDS, ids=CHANGE_IDS)
def test_unknown_ref_is_not_found(tsk, ledger_path, command):
    add(tsk)
    line = refused(tsk, ledger_path, command("TS-2026-000999"), 1)
    assert "TS-2026-000999" in line


@pytest.mark.parametrize("command", CHANGE_COMMANDS, ids=CHANGE_IDS)
@pytest.mark.parametrize("ref", ["TS-26-1", "hello", "TS-2026-0000001", ""])
def test_malformed_ref_is_usage_error(tsk, ledger_path, command, ref):
    add(tsk)
    refused(tsk, ledger_path, command(ref), 2)


def test_ref_is_case_and_space_insensitive(tsk):
    c = add(tsk)
    ok(tsk, ["note", " " + c["ref"].lower() + " ", "x"])
    assert show(tsk, c["ref"])["events"][-1]["action"] == "noted"


@pytest.mark.parametrize("command", AT_COMMANDS[:5] + [AT_COMMANDS[6], AT_COMMANDS[7]],
                         ids=AT_IDS[:5] + ["reject", "withdraw"])
@pytest.mark.parametrize("final", ["close", "reject", "withdraw"])
def test_changes_to_a_finished_complaint_are_refused(tsk, ledger_path, command, final):
    c = add(tsk)
    finish = {"close": close_argv(c["ref"]), "reject": ["reject", c["ref"], "--reason", "r", "--notified-via", "sms"],
              "withdraw": ["withdraw", c["ref"], "--reason", "r"]}[final]
    ok(tsk, finish)
    if command is AT_COMMANDS[4]:  # a note may still be added to a finished complaint's history
        ok(tsk, command(c["ref"]))
        return
    line = refused(tsk, ledger_path, command(c["ref"]), 1)
    assert c["ref"] in line


def test_empty_note_is_usage_error(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["note", c["ref"], "   "], 2)


def test_bad_ack_channel_is_usage_error(tsk, ledger_path):
    c = add(tsk)
    refused(tsk, ledger_path, ["ack", c["ref"], "--via", "carrier-pigeon"], 2)
    refused(tsk, ledger_path, ["ack", c["ref"]], 2)


def test_library_errors_leave_the_ledger_unchanged(ledger_path):
    ledger = Ledger.open(ledger_path, "officer")
    try:
        c = lifecycle.register(ledger, lifecycle.Intake(customer="张三", channel="phone", category="service",
                                                        business_type="card", cause="other", unit="U", summary="s",
                                                        received=RECEIVED)).complaint
        ref = c["ref"]
        before = snapshot(ledger_path)
        with pytest.raises(NotFound):
            lifecycle.note(ledger, "TS-2026-000999", "x")
        with pytest.raises(InvalidInput):
            lifecycle.note(ledger, "nope", "x")
        with pytest.raises(InvalidInput):
            lifecycle.note(ledger, ref, "x", at="2099-01-01")
        with pytest.raises(Refused):
            lifecycle.extend(ledger, ref, 46, "r", "sms")
        with pytest.raises(Refused):
            lifecycle.reopen(ledger, ref, "r")
        with pytest.raises(InvalidInput):
            lifecycle.close(ledger, ref, lifecycle.Outcome("upheld", "r", "sms", compensation="-5"))
        assert snapshot(ledger_path) == before
        closed = lifecycle.close(ledger, ref, lifecycle.Outcome("部分支持", "r", "短信", compensation="0.07"))
        assert closed["status"] == "closed" and closed["compensation_fen"] == 7 and closed["result"] == "partly"
    finally:
        ledger.close()


# -- PII (docs/rules.md, Data care) ---------------------------------------------------------------
def test_list_and_show_mask_phone_and_id(tsk):
    c = add(tsk, "--phone", "13812345678", "--id-number", ID_A)
    assert c["customer"]["phone"] == "138****5678"
    assert c["customer"]["id_number"] == "110***********002X"
    rows = json.loads(tsk("list --format json").stdout)
    assert rows[0]["customer"]["phone"] == "138****5678"
    assert rows[0]["customer"]["id_number"] == "110***********002X"
    for argv in (["list"], ["list", "--format", "csv"], ["show", c["ref"]]):
        out = ok(tsk, argv).stdout
        assert "13812345678" not in out and ID_A not in out, argv
    assert "138****5678" in ok(tsk, ["list", "--format", "csv"]).stdout
    # masked views are not recorded
    assert [e["action"] for e in show(tsk, c["ref"])["events"]] == ["registered"]


def test_show_json_masks_pii_in_the_history_too(tsk):
    c = add(tsk, "--phone", "13812345678", "--id-number", ID_A)
    out = ok(tsk, ["show", c["ref"], "--format", "json"]).stdout
    assert "13812345678" not in out and ID_A not in out


def test_show_pii_shows_and_is_recorded(tsk):
    c = add(tsk, "--phone", "13812345678", "--id-number", ID_A)
    view = json.loads(ok(tsk, ["--as", "审计员", "show", c["ref"], "--format", "json", "--show-pii"]).stdout)
    assert view["customer"]["phone"] == "13812345678"
    assert view["customer"]["id_number"] == ID_A
    event = view["events"][-1]
    assert event["action"] == "pii-shown"
    assert event["actor"] == "审计员"
    assert event["details"]["command"] == "show"


def test_list_show_pii_is_recorded_on_every_listed_complaint(tsk):
    a = add(tsk, "--phone", "13812345678")
    b = add(tsk, "--phone", "13912345678")
    rows = json.loads(ok(tsk, ["list", "--format", "json", "--show-pii"]).stdout)
    assert {r["customer"]["phone"] for r in rows} == {"13812345678", "13912345678"}
    for ref in (a["ref"], b["ref"]):
        event = show(tsk, ref)["events"][-1]
        assert event["action"] == "pii-shown" and event["details"]["command"] == "list"
    assert ok(tsk, ["verify"]).exit_code == 0


# -- calendar corrections reach open complaints -----------------------------------------------------
def test_calendar_correction_moves_open_deadlines(tsk):
    open_one = add(tsk, received="2026-11-20 10:00")
    closed_one = add(tsk, received="2026-11-20 11:00")
    ok(tsk, close_argv(closed_one["ref"], "--at", "2026-11-23 10:00"))
    before_closed = show(tsk, closed_one["ref"])
    assert open_one["due"] == "2026-12-11"
    assert open_one["ack_due"] == "2026-11-23"
    run = ok(tsk, ["calendar", "set", "2026-12-01", "--holiday", "--note", "test"])
    assert "1 open complaint" in run.stdout
    after = show(tsk, open_one["ref"])
    assert after["due"] == "2026-12-14"
    assert after["ack_due"] == "2026-11-23"
    assert after["cap_due"] > open_one["cap_due"]
    event = after["events"][-1]
    assert event["action"] == "deadlines-recomputed"
    assert "2026-12-01" in event["details"]["reason"]
    assert event["details"]["changes"]["due"] == "2026-12-14"
    assert show(tsk, closed_one["ref"]) == before_closed
    # and back again when the correction is undone
    ok(tsk, ["calendar", "unset", "2026-12-01"])
    assert show(tsk, open_one["ref"])["due"] == "2026-12-11"
    assert ok(tsk, ["verify"]).exit_code == 0


def test_calendar_correction_keeps_an_extension(tsk):
    c = add(tsk, received="2026-11-20 10:00")
    ok(tsk, ["extend", c["ref"], "--days", "2", "--reason", "r", "--notified-via", "sms"])
    assert show(tsk, c["ref"])["due"] == "2026-12-15"
    ok(tsk, ["calendar", "set", "2026-12-01", "--holiday", "--note", "test"])
    after = show(tsk, c["ref"])
    assert after["due"] == "2026-12-16" and after["extended_days"] == 2


def test_calendar_correction_outside_the_window_changes_nothing(tsk):
    c = add(tsk, received="2026-08-03 10:00")
    ok(tsk, ["calendar", "set", "2026-11-25", "--holiday", "--note", "test"])  # after its cap (10-30)
    ok(tsk, ["calendar", "set", "2026-07-01", "--holiday", "--note", "test"])  # before receipt
    assert [e["action"] for e in show(tsk, c["ref"])["events"]] == ["registered"]


def test_calendar_correction_moves_a_group_report_clock(tsk):
    c = add(tsk, "--group-size", "8", received="2026-11-20 10:00")
    assert c["report_due"] == "2026-11-23"
    ok(tsk, ["calendar", "set", "2026-11-23", "--holiday", "--note", "test"])
    after = show(tsk, c["ref"])
    assert after["report_due"] == "2026-11-24"
    assert after["ack_due"] == "2026-11-24"


def test_calendar_correction_moves_a_running_referral_report_clock(tsk):
    c = add(tsk, "--channel", "regulator", "--referred-by", "人民银行XX中心支行", "--referral-ref", "银转2026-9",
            received="2026-11-02 10:00")
    ok(tsk, close_argv(c["ref"], "--at", "2026-11-20 10:00"))
    assert show(tsk, c["ref"])["report_due"] == "2026-11-25"
    ok(tsk, ["calendar", "set", "2026-11-24", "--holiday", "--note", "test"])
    assert show(tsk, c["ref"])["report_due"] == "2026-11-26"
