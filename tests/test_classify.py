"""Classification (docs/rules.md, Recording a complaint; Escalation and lateness): what a
classification gives a complaint — group and emergency flags, its least level, a report clock —
at intake (`tsk add`, an import) and when it changes (`tsk classify`), by one rule
(`fields.standing`). Received around National Day and Spring Festival 2026; every expected date
is literal."""

from __future__ import annotations

import json

import pytest
from helpers import BASE, Live, add, entered_at, ok, one_error_line, snapshot, sql

from tsk import classification, fields
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused
from tsk.exchange import check as import_check
from tsk.exchange import read as import_read
from tsk.vocab import TOP_LEVEL

# Monday 28 September 2026: ack due 09-29, due 10-23, cap 12-25 (National Day off 10-01 to 10-07,
# Saturday 10-10 a make-up working day). A report clock from intake: 09-29.
AUTUMN = "2026-09-28 10:00"
# Wednesday 30 September 2026, 15:00: one working day later is Thursday 8 October.
EVE = "2026-09-30 15:00"


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): lateness is a fact of when a command
    is entered, and these tests are about something else."""
    return Live(monkeypatch, tsk)


def show(tsk, ref: str) -> dict:
    return json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)


def noticed(c: dict) -> list[str]:
    """Its flags but `overdue` (these complaints were received months before the tests run)."""
    return [flag for flag in c["flags"] if flag != "overdue"]


def refused(tsk, ledger_path, argv: list[str], code: int) -> str:
    """A command that must fail: its exit code, one Error line, nothing written."""
    before = snapshot(ledger_path)
    run = tsk(argv)
    assert run.exit_code == code, (argv, run.exit_code, run.stderr)
    line = one_error_line(run)
    assert snapshot(ledger_path) == before, argv
    return line


# -- tsk classify ---------------------------------------------------------------------------------
def test_becoming_major_goes_to_the_top_level_with_a_report_clock_from_the_classification(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["ack", ref, "--via", "sms", "--at", "2026-09-28 11:00"])  # on time: no lapse escalates it first
    before = show(tsk, ref)
    assert (before["level"], before["report_due"]) == (1, None)
    run = ok(tsk, ["classify", ref, "--severity", "重大", "--reason", "涉及多名客户资金", "--at", EVE])
    assert "level 3" in run.stdout and "2026-10-08" in run.stdout
    after = show(tsk, ref)
    assert (after["severity"], after["level"], after["report_due"]) == ("major", TOP_LEVEL, "2026-10-08")
    # The deadlines it had are not moved.
    assert (after["ack_due"], after["due"], after["cap_due"]) == ("2026-09-29", "2026-10-23", "2026-12-25")
    assert "major" in noticed(after)
    event = max(after["events"], key=lambda e: e["seq"])
    assert (event["action"], event["at"]) == ("classified", "2026-09-30T15:00:00+08:00")
    assert event["details"]["reason"] == "涉及多名客户资金"
    assert event["details"]["changes"] == {"severity": "major", "level": 3, "report_due": "2026-10-08"}
    assert event["details"]["was"] == {"severity": "general", "level": 1, "report_due": None}
    assert ok(tsk, ["verify"]).stdout.startswith("ok: 1 complaint(s), 3 event(s)")


def test_becoming_a_group_complaint_is_an_emergency_at_the_top_level(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["ack", ref, "--via", "sms", "--at", "2026-09-28 11:00"])
    ok(tsk, ["classify", ref, "--group-size", "6", "--reason", "又有五位客户联名", "--at", EVE])
    after = show(tsk, ref)
    assert (after["group_size"], after["level"], after["report_due"]) == (6, TOP_LEVEL, "2026-10-08")
    assert noticed(after)[:2] == ["group", "emergency"]
    assert max(after["events"], key=lambda e: e["seq"])["details"]["changes"] == {
        "group_size": 6, "is_group": 1, "emergency": 1, "level": 3,
                                                         "report_due": "2026-10-08"}
    table = ok(tsk, ["list"]).stdout
    assert "群体 应急" in table


def test_the_group_threshold_is_the_ledgers_setting(tsk):
    ok(tsk, ["config", "set", "group_threshold", "3"])
    ref = add(tsk, AUTUMN)
    ok(tsk, ["classify", ref, "--group-size", "3", "--reason", "三人联名", "--at", EVE])
    assert noticed(show(tsk, ref))[:2] == ["group", "emergency"]


def test_the_officer_may_judge_an_emergency(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["classify", ref, "--emergency", "--reason", "客户情绪激动，聚集网点", "--at", EVE])
    after = show(tsk, ref)
    assert (after["level"], after["report_due"], noticed(after)) == (TOP_LEVEL, "2026-10-08", ["emergency"])
    assert "应急" in ok(tsk, ["show", ref]).stdout


def test_a_fraud_or_account_security_cause_is_an_emergency(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["classify", ref, "--cause", "消费者资金安全", "--business-type", "payment", "--reason", "账户被盗刷",
             "--at", EVE])
    after = show(tsk, ref)
    assert (after["cause"], after["business_type"]) == ("funds-safety", "payment")
    assert (after["level"], after["report_due"], noticed(after)) == (TOP_LEVEL, "2026-10-08", ["emergency"])


def test_serious_means_level_two_and_a_level_never_goes_down(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["classify", ref, "--severity", "serious", "--reason", "客户权益受损", "--at", EVE])
    after = show(tsk, ref)
    assert (after["level"], after["report_due"]) == (2, None)  # 较重: 上级部门介入, no report clock
    ok(tsk, ["classify", ref, "--severity", "general", "--category", "process", "--reason", "核实后为一般投诉"])
    after = show(tsk, ref)
    assert (after["severity"], after["category"], after["level"]) == ("general", "process", 2)
    assert "level" not in after["events"][-1]["details"]["changes"]


def test_a_report_clock_it_has_is_kept_and_an_emergency_stays(tsk):
    ref = add(tsk, AUTUMN, "--group-size", "8")
    opened = show(tsk, ref)
    assert (opened["level"], opened["report_due"], noticed(opened)[:2]) == (TOP_LEVEL, "2026-09-29",
                                                                            ["group", "emergency"])
    ok(tsk, ["classify", ref, "--severity", "major", "--reason", "涉及金额重大", "--at", EVE])
    assert show(tsk, ref)["report_due"] == "2026-09-29"
    ok(tsk, ["classify", ref, "--group-size", "1", "--reason", "核实为一人投诉", "--at", EVE])
    after = show(tsk, ref)
    assert "group" not in noticed(after)
    assert (after["level"], after["report_due"]) == (TOP_LEVEL, "2026-09-29")
    assert "emergency" in noticed(after)  # the emergency plan, once started, stays


def test_a_classification_keeps_a_recorded_lapse(tsk, ledger_path):
    ref = add(tsk, AUTUMN)
    tsk(["check", "--as-of", "2026-10-09"])  # the ack clock (due 09-29) lapsed
    lapses = sql(ledger_path, "SELECT clock, due FROM lapse")
    assert lapses == [("ack", "2026-09-29")]
    ok(tsk, ["classify", ref, "--severity", "major", "--reason", "升级为重大", "--at", "2026-10-09 09:00"])
    assert sql(ledger_path, "SELECT clock, due FROM lapse") == lapses
    assert ok(tsk, ["verify"]).stdout.startswith("ok:")


def test_a_calendar_correction_moves_a_classified_report_clock_from_the_classification(tsk):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["classify", ref, "--emergency", "--reason", "突发", "--at", EVE])
    ok(tsk, ["calendar", "set", "2026-10-08", "--holiday", "--note", "本地更正"])
    assert show(tsk, ref)["report_due"] == "2026-10-09"  # one working day after 09-30, not after receipt


@pytest.mark.parametrize("argv, named", [
    (["--severity", "general"], "severity general (一般)"),
    (["--cause", "服务态度及服务质量"], "cause service-quality"),
    (["--group-size", "1", "--kind", "complaint"], "kind complaint (投诉), group size 1"),
])
def test_a_value_it_already_has_is_refused(tsk, ledger_path, argv, named):
    ref = add(tsk, AUTUMN)
    line = refused(tsk, ledger_path, ["classify", ref, *argv, "--reason", "x"], 1)
    assert ref in line and named in line and "nothing to change" in line


def test_emergency_twice_is_refused(tsk, ledger_path):
    ref = add(tsk, AUTUMN, "--emergency")
    line = refused(tsk, ledger_path, ["classify", ref, "--emergency", "--reason", "x"], 1)
    assert "already has emergency" in line


@pytest.mark.parametrize("argv, code, words", [
    (["--reason", "x"], 2, "nothing to classify: give at least one of --kind, --category"),
    (["--severity", "catastrophic", "--reason", "x"], 2, "not one of: general (一般), serious (较重), major (重大)"),
    (["--group-size", "0", "--reason", "x"], 2, "--group-size must be between 1 and"),
    (["--severity", "major", "--reason", " "], 2, "--reason must not be empty"),
    (["--severity", "major"], 2, "Missing option '--reason'"),
    (["--severity", "major", "--reason", "x", "--at", "2026-09-01"], 2, "before"),
])
def test_bad_input_is_refused_with_nothing_written(tsk, ledger_path, argv, code, words):
    ref = add(tsk, AUTUMN)
    assert words in refused(tsk, ledger_path, ["classify", ref, *argv], code)


def test_a_decided_complaint_is_not_classified(tsk, ledger_path):
    ref = add(tsk, AUTUMN)
    ok(tsk, ["close", ref, "--result", "upheld", "--resolution", "已道歉", "--notified-via", "phone"])
    assert "it is closed" in refused(tsk, ledger_path, ["classify", ref, "--severity", "major", "--reason", "x"], 1)


def test_library_classify(ledger_path, monkeypatch):
    ledger = Ledger.open(ledger_path, "officer")
    try:
        from tsk import lifecycle

        entered_at(monkeypatch, "2026-09-28 10:30")
        c = lifecycle.register(ledger, lifecycle.Intake(customer="张三", channel="phone", category="service",
                                                        business_type="card", cause="other", unit="U", summary="s",
                                                        received=AUTUMN)).complaint
        lifecycle.acknowledge(ledger, c["ref"], "sms")  # on time: no lapse escalates it first
        entered_at(monkeypatch, "2026-09-30 15:30")
        with pytest.raises(InvalidInput, match="nothing to classify"):
            classification.classify(ledger, c["ref"], classification.Reclassification(), "r")
        with pytest.raises(Refused, match="already has severity general"):
            classification.classify(ledger, c["ref"], classification.Reclassification(severity="一般"), "r")
        done = classification.classify(ledger, c["ref"], classification.Reclassification(severity="较重"), "r", EVE)
        assert (done["severity"], done["level"], done["report_due"], done["event_count"]) == ("serious", 2, None, 3)
        done = classification.classify(ledger, c["ref"], classification.Reclassification(severity="major"), "r", EVE)
        assert (done["level"], done["report_due"]) == (TOP_LEVEL, "2026-10-08")
    finally:
        ledger.close()


# -- emergency and severity at intake -------------------------------------------------------------
def test_add_emergency_is_at_the_top_level_with_a_report_clock(tsk):
    # Friday 13 February 2026: the next working day is the make-up Saturday 14 February.
    ref = add(tsk, "2026-02-13 16:00", "--emergency")
    c = show(tsk, ref)
    assert (c["level"], c["report_due"], noticed(c)) == (TOP_LEVEL, "2026-02-14", ["emergency"])
    assert c["events"][0]["details"]["flags"] == ["emergency"]
    assert c["events"][0]["details"]["changes"]["emergency"] == 1


def test_add_prints_the_emergency_flag(tsk):
    run = ok(tsk, ["add", *BASE, "--received", "2026-02-13 16:00", "--emergency"])
    assert "level 3" in run.stdout and "[应急]" in run.stdout and "report  报告监管 2026-02-14" in run.stdout


@pytest.mark.parametrize("extra, flags", [
    (["--group-size", "5"], ["group", "emergency"]),
    (["--cause", "funds-safety"], ["emergency"]),
    (["--cause", "消费者资金安全", "--severity", "major"], ["major", "emergency"]),
])
def test_what_starts_the_emergency_plan_is_an_emergency_at_intake(tsk, extra, flags):
    c = show(tsk, add(tsk, "2026-02-13 16:00", *extra))
    assert (c["level"], c["report_due"], noticed(c)) == (TOP_LEVEL, "2026-02-14", flags)


def test_a_leak_of_personal_data_alone_is_not_an_emergency(tsk):
    c = show(tsk, add(tsk, "2026-02-13 16:00", "--cause", "info-safety"))
    assert (c["level"], c["report_due"], noticed(c)) == (1, None, [])


def test_a_serious_complaint_opens_at_level_two(tsk):
    c = show(tsk, add(tsk, "2026-02-13 16:00", "--severity", "较重"))
    assert (c["level"], c["report_due"], noticed(c)) == (2, None, [])


def test_the_rule_is_one_function_for_intake_and_classification():
    row = {"group_size": 1, "cause": "other", "severity": "general"}
    assert fields.standing(row, 5) == (0, 0, 1, False)
    assert fields.standing({**row, "severity": "serious"}, 5) == (0, 0, 2, False)
    assert fields.standing({**row, "severity": "major"}, 5) == (0, 0, TOP_LEVEL, True)
    assert fields.standing({**row, "group_size": 5}, 5) == (1, 1, TOP_LEVEL, True)
    assert fields.standing({**row, "cause": "funds-safety"}, 5) == (0, 1, TOP_LEVEL, True)
    assert fields.standing({**row, "emergency": 1}, 5) == (0, 1, TOP_LEVEL, True)
    assert fields.standing({**row, "group_size": 9, "is_group": 0, "emergency": 0}, 5) == (0, 0, 1, False)  # as given


def test_an_import_works_out_emergency_as_add_does(ledger_path):
    """Records without their emergency flag get it from `fields.standing`, column by column as
    record by record; a flag given is kept."""
    ledger = Ledger.open(ledger_path)
    checker = import_check.Checker(ledger)
    header = ["ref", "received_at", "channel", "category", "business_type", "cause", "customer_name", "unit", "summary",
              "group_size", "emergency", "ack_due", "due", "cap_due", "level"]
    common = ["2026-09-28T10:00:00+08:00", "phone", "service", "card"]
    rest = ["张三", "城关支行", "x"]
    clocks = ["2026-09-29", "2026-10-23", "2026-12-25"]
    rows = [
        ["TS-2026-000001", *common, "other", *rest, "", "", "", "", "", ""],
        ["TS-2026-000002", *common, "funds-safety", *rest, "", "", "", "", "", ""],
        ["TS-2026-000003", *common, "other", *rest, "6", "", "", "", "", ""],
        ["TS-2026-000004", *common, "other", *rest, "", "1", "", "", "", ""],
        ["TS-2026-000005", *common, "funds-safety", *rest, "", "0", *clocks, "1"],
        ["TS-2026-000006", *common, "funds-safety", *rest, "", "", *clocks, ""],
    ]
    reader = import_read.CsvReader.__new__(import_read.CsvReader)
    reader.header, reader.index = header, {c: i for i, c in enumerate(header)}
    fast = checker.columns.check(reader.index, rows, nul_seen=False)
    slow = [checker.row(reader.values(r)) for r in rows]
    assert fast == {c: ["" if row[c] is None else row[c] for row in slow] for c in fields.ROW_COLUMNS}
    assert fast["emergency"] == [0, 1, 1, 1, 0, 1]
    assert fast["level"] == [1, TOP_LEVEL, TOP_LEVEL, TOP_LEVEL, 1, TOP_LEVEL]
    assert fast["report_due"][:5] == ["", "2026-09-29", "2026-09-29", "2026-09-29", ""]
    ledger.close()
