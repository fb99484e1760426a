"""Recusal on every action (回避, 粤农信联发〔2008〕250号 第十九条; docs/rules.md, Handling): whoever
acts (`--as`, $TSK_USER) and is the staff member a complaint is about, or marked as having a
conflict, may not register, assign, handle or decide it without `--override-recusal REASON`,
which the event records. One rule (`lifecycle.recusal`) for every command."""

from __future__ import annotations

import json

import pytest
from helpers import BASE, Live, add, entered_at, ok, one_error_line, snapshot

from tsk import classification, lifecycle
from tsk.context import Ledger
from tsk.errors import Refused

# Monday 28 September 2026, the week before National Day.
RECEIVED = "2026-09-28 10:00"
RULE = "回避, 粤农信联发〔2008〕250号 第十九条"


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): lateness is a fact of when a command
    is entered, and these tests are about something else."""
    return Live(monkeypatch, tsk)


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def refused(tsk, ledger_path, argv: list[str]) -> str:
    """Refused (exit 1) with one Error line naming the rule, and nothing written."""
    before = snapshot(ledger_path)
    run = tsk(argv)
    assert run.exit_code == 1, (argv, run.exit_code, run.stderr)
    line = one_error_line(run)
    assert RULE in line and "--override-recusal" in line, line
    assert snapshot(ledger_path) == before, argv
    return line


# -- registering: the first handler (首问负责) may not be the staff member complained about -------
def test_the_staff_member_complained_about_may_not_register_it(tsk, ledger_path):
    add(tsk, RECEIVED)  # the ledger exists: its refs and counter are left as they are
    line = refused(tsk, ledger_path, ["--as", "李四", "add", *BASE, "--received", RECEIVED, "--subject-staff", "李四"])
    assert line == (f"Error: 李四 is the subject of the complaint and must not register it as its first handler "
                    f"({RULE}); give --override-recusal REASON to register it anyway")


def test_someone_named_with_a_conflict_may_not_register_it(tsk, ledger_path):
    add(tsk, RECEIVED)
    line = refused(tsk, ledger_path, ["--as", "钱七", "add", *BASE, "--received", RECEIVED, "--conflict", "钱七"])
    assert "钱七 is marked as having a conflict" in line


def test_registering_with_an_override_records_the_reason(tsk):
    run = ok(tsk, ["--as", "李四", "add", *BASE, "--received", RECEIVED, "--subject-staff", "李四",
                   "--override-recusal", "网点仅一人当班", "--format", "json"])
    c = show(tsk, json.loads(run.stdout)["ref"])
    assert c["first_handler"] == "李四"
    assert c["events"][0]["details"]["recusal_override"] == "网点仅一人当班"


# -- every command that handles or decides ---------------------------------------------------------
def _major(tsk) -> str:
    """A major complaint about 李四, with a report due (so `reported` has something to stop)."""
    return add(tsk, RECEIVED, "--subject-staff", "李四", "--severity", "major")


def _closed(tsk) -> str:
    ref = _major(tsk)
    ok(tsk, ["close", ref, "--result", "upheld", "--resolution", "已道歉", "--notified-via", "phone"])
    return ref


ACTIONS = [  # (command line after the ref, how the complaint is made, the action the event records)
    (["ack", "--via", "sms"], _major, "acknowledged", "acknowledge it"),
    (["assign", "--to", "王五"], _major, "assigned", "assign it"),
    (["escalate", "--reason", "复杂"], lambda tsk: add(tsk, RECEIVED, "--subject-staff", "李四"), "escalated",
     "escalate it"),
    (["classify", "--category", "process", "--reason", "流程问题"], _major, "classified", "classify it"),
    (["extend", "--days", "5", "--reason", "需调查", "--notified-via", "letter"], _major, "extended", "extend it"),
    (["supervise", "--unit", "合规部"], lambda tsk: add(tsk, RECEIVED, "--subject-staff", "李四", "--policy", "gdrcc2008"),
     "supervised", "issue its 督办表"),
    (["notify", "处理进度", "--via", "phone"], _major, "customer-notified", "tell the customer about it"),
    (["reported", "已电话报告银保监分局"], _major, "reported", "report it to the regulator"),
    (["close", "--result", "upheld", "--resolution", "已道歉", "--notified-via", "phone"], _major, "closed",
     "close it"),
    (["reject", "--reason", "无事实依据", "--notified-via", "letter"], _major, "rejected", "reject it"),
    (["withdraw", "--reason", "客户撤回"], _major, "withdrawn", "record its withdrawal"),
    (["reopen", "--reason", "客户申诉"], _closed, "reopened", "reopen it"),
]


@pytest.mark.parametrize("argv, make, action, act", ACTIONS, ids=[a[0][0] for a in ACTIONS])
def test_the_staff_member_complained_about_may_not(tsk, ledger_path, argv, make, action, act):
    ref = make(tsk)
    line = refused(tsk, ledger_path, ["--as", "李四", argv[0], ref, *argv[1:]])
    assert line == (f"Error: 李四 is the subject of the complaint on {ref} and must not {act} ({RULE}); "
                    f"give --override-recusal REASON to {act} anyway")


@pytest.mark.parametrize("argv, make, action, act", ACTIONS, ids=[a[0][0] for a in ACTIONS])
def test_an_override_lets_them_and_is_recorded(tsk, argv, make, action, act):
    ref = make(tsk)
    ok(tsk, ["--as", "李四", argv[0], ref, *argv[1:], "--override-recusal", "经行长批准"])
    event = show(tsk, ref)["events"][-1]
    assert (event["action"], event["actor"]) == (action, "李四")
    assert event["details"]["recusal_override"] == "经行长批准"


@pytest.mark.parametrize("argv, make, action, act", ACTIONS, ids=[a[0][0] for a in ACTIONS])
def test_anyone_else_needs_no_override_and_records_none(tsk, argv, make, action, act):
    ref = make(tsk)
    ok(tsk, ["--as", "王五", argv[0], ref, *argv[1:]])
    assert "recusal_override" not in show(tsk, ref)["events"][-1]["details"]


def test_a_declared_conflict_is_refused_as_the_subject_is(tsk, ledger_path):
    ref = add(tsk, RECEIVED)
    ok(tsk, ["conflict", ref, "赵六", "--reason", "客户的亲属"])
    line = refused(tsk, ledger_path, ["--as", "赵六", "close", ref, "--result", "upheld", "--resolution", "x",
                                      "--notified-via", "sms"])
    assert "赵六 is marked as having a conflict" in line


def test_the_assignee_and_who_assigns_are_both_checked(tsk, ledger_path):
    ref = add(tsk, RECEIVED, "--subject-staff", "李四", "--conflict", "赵六")
    line = refused(tsk, ledger_path, ["--as", "赵六", "assign", ref, "--to", "王五"])
    assert "赵六 is marked as having a conflict" in line and "must not assign it" in line
    line = refused(tsk, ledger_path, ["assign", ref, "--to", "李四"])
    assert line == (f"Error: 李四 is the subject of the complaint on {ref} and must not handle it ({RULE}); "
                    f"give --override-recusal REASON to assign anyway")  # as ever


def test_a_note_and_a_declared_conflict_are_not_handling(tsk):
    """The staff member may give their own account and declare a conflict: neither decides anything."""
    ref = add(tsk, RECEIVED, "--subject-staff", "李四")
    ok(tsk, ["--as", "李四", "note", ref, "本人情况说明：当日系统故障"])
    ok(tsk, ["--as", "李四", "conflict", ref, "李四", "--reason", "本人即被投诉人"])


def test_the_handling_form_shows_the_override(tsk):
    ref = _major(tsk)
    ok(tsk, ["--as", "李四", "close", ref, "--result", "upheld", "--resolution", "已道歉", "--notified-via", "phone",
             "--override-recusal", "经行长批准"])
    assert "回避例外：经行长批准" in ok(tsk, ["show", ref, "--form", "handling"]).stdout


def test_library_recusal_on_every_action(ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:30")  # as it happens: no clock has lapsed yet
    officer = Ledger.open(ledger_path, "officer")
    try:
        ref = lifecycle.register(officer, lifecycle.Intake(
            customer="张三", channel="phone", category="service", business_type="card", cause="other", unit="U",
            summary="s", subject_staff="李四", received=RECEIVED)).complaint["ref"]
    finally:
        officer.close()
    subject = Ledger.open(ledger_path, "李四")
    try:
        with pytest.raises(Refused, match="回避"):
            lifecycle.register(subject, lifecycle.Intake(
                customer="张三", channel="phone", category="service", business_type="card", cause="other",
                unit="U", summary="s", subject_staff="李四", received=RECEIVED))
        for act in (lambda **o: lifecycle.acknowledge(subject, ref, "sms", **o),
                    lambda **o: lifecycle.escalate(subject, ref, "r", **o),
                    lambda **o: classification.classify(subject, ref, classification.Reclassification(
                        severity="serious"), "r", **o),
                    lambda **o: lifecycle.reject(subject, ref, "r", "sms", **o)):
            with pytest.raises(Refused, match="第十九条"):
                act()
            assert act(override_recusal="批准")["event_count"] > 1
    finally:
        subject.close()
