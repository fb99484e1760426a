"""Intake (docs/rules.md, Recording a complaint; `tsk add`): every field recorded, enumerations by key
or Chinese label, refs, first handler, flags (group, major, direct, referred, repeat),
deadlines and the policy, and bad input of every kind refused cleanly with the ledger
unchanged. Expected dates are literal (checked against `chinese_calendar`), never tsk's own."""

from __future__ import annotations

import json

import pytest
from helpers import Live, entered_at, one_error_line, snapshot

from tsk import lifecycle
from tsk.context import Ledger
from tsk.errors import InvalidInput

# A Monday in August 2026: every clock (60 working days) stays inside 2026's published year.
RECEIVED = "2026-08-03 10:00"
ID_A = "11010519491231002X"  # GB 11643 example, valid check digit
ID_B = "440524188001010014"  # GB 11643 example, valid check digit


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


BASE = {
    "--customer": "张三",
    "--channel": "phone",
    "--category": "service",
    "--business-type": "card",
    "--cause": "service-quality",
    "--unit": "城关支行",
    "--summary": "柜员态度差",
    "--received": RECEIVED,
}


def add_args(**options) -> list[str]:
    """`tsk add` argv from BASE with overrides: add_args(channel="电话", id_number=None)."""
    values = dict(BASE)
    for key, value in options.items():
        values["--" + key.replace("_", "-")] = value
    argv = ["add"]
    for key, value in values.items():
        if value is None:
            continue
        if value is True:
            argv.append(key)
        else:
            argv += [key, str(value)]
    return argv


def add(tsk, *prefix: str, **options) -> dict:
    run = tsk([*prefix, *add_args(**options), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def show(tsk, ref: str) -> dict:
    run = tsk(["show", ref, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


# -- every field ------------------------------------------------------------------------------
def test_add_records_every_field(tsk):
    c = add(tsk, kind="complaint", channel="phone", category="product", business_type="loan", cause="contract",
            severity="serious", phone="138 1234 5678", id_number=ID_A, email="zs@example.cn", address="城关路1号",
            group_size=2, unit="城关支行", subject_staff="李四", summary="贷款合同条款未解释", demand="退还手续费")
    assert c["ref"] == "TS-2026-000001"
    assert c["status"] == "open"
    assert (c["kind"], c["channel"], c["category"], c["business_type"], c["cause"], c["severity"]) == (
        "complaint", "phone", "product", "loan", "contract", "serious")
    assert c["received_at"] == "2026-08-03T10:00:00+08:00"
    assert c["customer"]["name"] == "张三"
    assert c["customer"]["email"] == "z***@example.cn"  # personal data, masked as the phone is
    assert c["customer"]["address"] == "*****"  # five characters: too short to show its city
    whole = json.loads(tsk("show TS-2026-000001 --show-pii --format json").stdout)["customer"]
    assert (whole["email"], whole["address"]) == ("zs@example.cn", "城关路1号")
    assert c["group_size"] == 2
    assert c["unit"] == "城关支行"
    assert c["subject_staff"] == "李四"
    assert c["summary"] == "贷款合同条款未解释"
    assert c["demand"] == "退还手续费"
    assert c["level"] == 2  # 较重: level 2 at least (《金融客户服务与投诉处理规范》2.2.2)
    assert c["assignee"] is None
    assert c["first_handler"] == "officer"
    assert (c["policy"], c["policy_version"]) == ("cbrc2012", 1)
    assert c["ack_due"] == "2026-08-04"
    assert c["due"] == "2026-08-24"
    assert c["cap_due"] == "2026-10-30"
    assert c["report_due"] is None
    assert c["extended_days"] == 0
    assert [f for f in c["flags"] if f != "overdue"] == []  # received in August: overdue by now
    # the unmasked values are stored exactly (phone normalised to digits)
    full = json.loads(tsk(["show", c["ref"], "--format", "json", "--show-pii"]).stdout)
    assert full["customer"]["phone"] == "13812345678"
    assert full["customer"]["id_number"] == ID_A


def test_add_records_the_referral(tsk):
    c = add(tsk, channel="regulator", referred_by="国家金融监督管理总局XX分局", referral_ref="金转〔2026〕18号")
    assert c["channel"] == "regulator"
    assert c["referred_by"] == "国家金融监督管理总局XX分局"
    assert c["referral_ref"] == "金转〔2026〕18号"
    assert "referred" in c["flags"]
    assert c["report_due"] is None  # the referral's report clock starts on closing


def test_registered_event_carries_every_field(tsk):
    c = add(tsk, phone="13812345678", demand="道歉")
    events = show(tsk, c["ref"])["events"]
    assert [e["action"] for e in events] == ["registered"]
    event = events[0]
    assert event["at"] == "2026-08-03T10:00:00+08:00"
    assert event["actor"] == "officer"
    assert event["recorded_at"] > event["at"]
    changes = event["details"]["changes"]
    for key in ("kind", "channel", "category", "business_type", "cause", "severity", "customer_name", "group_size",
                "unit", "summary", "demand", "due", "ack_due", "cap_due", "policy", "policy_version", "first_handler"):
        assert key in changes, key
    assert changes["demand"] == "道歉"


@pytest.mark.parametrize(
    "option, label, key",
    [
        ("channel", "电话", "phone"),
        ("channel", "现场", "in-person"),
        ("channel", "意见箱", "comment-book"),
        ("channel", "网络", "online"),
        ("category", "服务类", "service"),
        ("category", "系统类", "system"),
        ("severity", "重大", "major"),
        ("severity", "较重", "serious"),
        ("kind", "建议", "suggestion"),
        ("kind", "咨询", "inquiry"),
        ("business_type", "银行卡", "card"),
        ("business_type", "个人金融信息", "personal-info"),
        ("cause", "服务态度及服务质量", "service-quality"),
        ("cause", "消费者信息安全", "info-safety"),
    ],
)
def test_chinese_label_equals_english_key(tsk, option, label, key):
    by_label = add(tsk, **{option: label})
    by_key = add(tsk, **{option: key})
    assert by_label[option] == by_key[option] == key


def test_english_keys_are_case_insensitive(tsk):
    assert add(tsk, channel="Phone", category="SERVICE")["channel"] == "phone"


# -- refs -----------------------------------------------------------------------------------
def test_refs_are_sequential_per_year_of_receipt(tsk):
    refs = [
        add(tsk, received="2026-01-05 09:00")["ref"],
        add(tsk, received="2025-12-30 09:00")["ref"],
        add(tsk, received="2026-03-02 09:00")["ref"],
        add(tsk, received="2025-06-02 09:00")["ref"],
        add(tsk, received="2026-08-03 09:00")["ref"],
    ]
    assert refs == ["TS-2026-000001", "TS-2025-000001", "TS-2026-000002", "TS-2025-000002", "TS-2026-000003"]


def test_ref_year_is_the_china_date_of_receipt(tsk):
    # 2025-12-31 20:00 UTC is 2026-01-01 04:00 in China
    c = add(tsk, received="2025-12-31T20:00:00Z")
    assert c["ref"] == "TS-2026-000001"
    assert c["received_at"] == "2026-01-01T04:00:00+08:00"


def test_table_output_prints_ref_and_deadlines(tsk):
    run = tsk(add_args())
    assert run.exit_code == 0, run.stderr
    assert run.lines[0].startswith("TS-2026-000001 registered (cbrc2012 v1")
    assert "2026-08-04" in run.stdout and "2026-08-24" in run.stdout and "2026-10-30" in run.stdout


# -- first handler ----------------------------------------------------------------------------
def test_first_handler_is_the_actor_given_by_as(tsk):
    c = add(tsk, "--as", "张敏")
    assert c["first_handler"] == "张敏"
    assert show(tsk, c["ref"])["events"][0]["actor"] == "张敏"


def test_first_handler_defaults_to_tsk_user(tsk, monkeypatch):
    monkeypatch.setenv("TSK_USER", "王芳")
    c = add(tsk)
    assert c["first_handler"] == "王芳"
    assert show(tsk, c["ref"])["events"][0]["actor"] == "王芳"


# -- flags: direct, group, major, referred ------------------------------------------------------
def test_direct_flag_sorts_first_in_list(tsk):
    early = add(tsk, received="2026-06-01 09:00")
    later = add(tsk, received="2026-07-01 09:00")
    direct = add(tsk, received="2026-08-03 09:00", direct=True)
    assert "direct" in direct["flags"]
    rows = json.loads(tsk("list --format json").stdout)
    assert [r["ref"] for r in rows] == [direct["ref"], early["ref"], later["ref"]]


def test_group_of_five_is_top_level_with_report_due(tsk):
    c = add(tsk, group_size=5)
    assert c["level"] == 3
    assert "group" in c["flags"]
    assert c["report_due"] == "2026-08-04"
    events = show(tsk, c["ref"])["events"]
    assert "group" in events[0]["details"]["flags"]


def test_group_of_four_is_ordinary(tsk):
    c = add(tsk, group_size=4)
    assert c["level"] == 1
    assert "group" not in c["flags"]
    assert c["report_due"] is None


def test_group_threshold_comes_from_config(tsk):
    assert tsk("config set group_threshold 3").exit_code == 0
    c = add(tsk, group_size=3)
    assert c["level"] == 3 and "group" in c["flags"] and c["report_due"] == "2026-08-04"


def test_major_severity_is_top_level_with_report_due(tsk):
    c = add(tsk, severity="重大")
    assert c["severity"] == "major"
    assert c["level"] == 3
    assert "major" in c["flags"]
    assert c["report_due"] == "2026-08-04"


@pytest.mark.parametrize("missing", [["--referred-by"], ["--referral-ref"], ["--referred-by", "--referral-ref"]])
def test_regulator_channel_needs_referral(tsk, ledger_path, missing):
    add(tsk)
    before = snapshot(ledger_path)
    options = {"channel": "监管转办", "referred_by": "人民银行XX中心支行", "referral_ref": "银转2026-7"}
    for name in missing:
        options[name[2:].replace("-", "_")] = None
    run = tsk(add_args(**options))
    assert run.exit_code == 2
    line = one_error_line(run)
    assert "--referred-by" in line and "--referral-ref" in line
    assert snapshot(ledger_path) == before


def test_regulator_referral_report_due_three_working_days_after_closing(tsk):
    c = add(tsk, channel="regulator", referred_by="人民银行XX中心支行", referral_ref="银转2026-7")
    # closed Tue 29 Sep 2026: day 1 is 30 Sep, 1-7 Oct is the National Day holiday, day 2 is 8 Oct
    run = tsk(["close", c["ref"], "--result", "partly", "--resolution", "退还手续费", "--notified-via", "phone",
               "--at", "2026-09-29 15:00"])
    assert run.exit_code == 0, run.stderr
    assert "2026-10-09" in run.stdout
    after = show(tsk, c["ref"])
    assert after["report_due"] == "2026-10-09"
    assert after["reported_at"] is None
    tsk.at("2026-10-12 09:00")
    assert "overdue" in show(tsk, c["ref"])["flags"]  # the report is past due now
    run = tsk(["reported", c["ref"], "已书面报告转办结果"])
    assert run.exit_code == 0, run.stderr
    done = show(tsk, c["ref"])
    assert done["reported_at"] is not None
    assert "overdue" not in done["flags"]
    event = done["events"][-1]
    assert event["action"] == "reported"
    assert event["details"]["text"] == "已书面报告转办结果"
    assert event["details"]["to"] == "人民银行XX中心支行"
    # reported once: a second report is refused
    again = tsk(["reported", c["ref"], "again"])
    assert again.exit_code == 1
    one_error_line(again)


def test_referral_report_due_can_fall_on_a_makeup_working_day(tsk):
    c = add(tsk, channel="regulator", referred_by="人民银行XX中心支行", referral_ref="银转2026-8")
    # closed Wed 30 Sep 2026: 8 Oct, 9 Oct, then Sat 10 Oct (调休上班) is day 3
    assert tsk(["close", c["ref"], "--result", "upheld", "--resolution", "r", "--notified-via", "sms",
                "--at", "2026-09-30 09:00"]).exit_code == 0
    assert show(tsk, c["ref"])["report_due"] == "2026-10-10"


def test_reported_without_a_report_due_is_refused(tsk):
    c = add(tsk)
    run = tsk(["reported", c["ref"], "x"])
    assert run.exit_code == 1
    one_error_line(run)


# -- repeat complaints ---------------------------------------------------------------------------
def close_it(tsk, ref: str, at: str = "2026-08-10 10:00") -> None:
    run = tsk(["close", ref, "--result", "not-upheld", "--resolution", "已解释", "--notified-via", "phone", "--at", at])
    assert run.exit_code == 0, run.stderr


def test_repeat_by_phone_after_a_decision(tsk):
    first = add(tsk, phone="13812345678", received="2026-08-03 10:00")
    close_it(tsk, first["ref"])
    run = tsk(add_args(phone="138-1234-5678", received="2026-08-20 10:00") + ["--format", "json"])
    assert run.exit_code == 0, run.stderr
    assert first["ref"] in run.stderr
    assert "Warning" in run.stderr
    second = json.loads(run.stdout)
    assert second["repeat_of"] == first["ref"]
    assert "repeat" in second["flags"]
    assert "repeat" in show(tsk, second["ref"])["events"][0]["details"]["flags"]
    earlier = show(tsk, first["ref"])
    linked = earlier["events"][-1]
    assert linked["action"] == "repeat-linked"
    assert linked["details"]["repeat"] == second["ref"]
    assert earlier["status"] == "closed"


def test_repeat_by_id_number_after_a_rejection(tsk):
    first = add(tsk, id_number=ID_A.lower(), phone=None)
    assert tsk(["reject", first["ref"], "--reason", "无事实依据", "--notified-via", "letter", "--at",
                "2026-08-05 10:00"]).exit_code == 0
    run = tsk(add_args(id_number=ID_A, phone="13900000000", received="2026-08-20 10:00") + ["--format", "json"])
    assert run.exit_code == 0
    assert first["ref"] in run.stderr
    assert json.loads(run.stdout)["repeat_of"] == first["ref"]


def test_different_category_is_not_a_repeat(tsk):
    first = add(tsk, phone="13812345678", category="service")
    close_it(tsk, first["ref"])
    run = tsk(add_args(phone="13812345678", category="product", received="2026-08-20 10:00") + ["--format", "json"])
    assert run.exit_code == 0
    assert "Warning" not in run.stderr and first["ref"] not in run.stderr
    second = json.loads(run.stdout)
    assert second["repeat_of"] is None and "repeat" not in second["flags"]
    assert "repeat-linked" not in [e["action"] for e in show(tsk, first["ref"])["events"]]


def test_undecided_earlier_complaint_is_not_a_repeat(tsk):
    add(tsk, phone="13812345678")
    second = add(tsk, phone="13812345678", received="2026-08-20 10:00")
    assert second["repeat_of"] is None


def test_other_customer_is_not_a_repeat(tsk):
    first = add(tsk, phone="13812345678")
    close_it(tsk, first["ref"])
    assert add(tsk, phone="13912345678", received="2026-08-20 10:00")["repeat_of"] is None
    assert add(tsk, phone=None, received="2026-08-20 10:00")["repeat_of"] is None


def test_decision_outside_the_window_is_not_a_repeat(tsk):
    assert tsk("config set repeat_window_days 5").exit_code == 0
    first = add(tsk, phone="13812345678")
    close_it(tsk, first["ref"], at="2026-08-04 10:00")
    assert add(tsk, phone="13812345678", received="2026-08-20 10:00")["repeat_of"] is None


# -- bad input: one Error line, the documented exit code, no traceback, ledger unchanged ------
BAD_INTAKE = [
    ({"channel": "pigeon"}, 2, "channel"),
    ({"kind": "rant"}, 2, "kind"),
    ({"category": "服务"}, 2, "category"),
    ({"business_type": "stocks"}, 2, "business type"),
    ({"cause": "rudeness"}, 2, "cause"),
    ({"severity": "critical"}, 2, "severity"),
    ({"received": "2026-02-30"}, 2, "2026-02-30"),
    ({"received": "2026-13-01"}, 2, "2026-13-01"),
    ({"received": "2026-08-03 25:00"}, 2, "25:00"),
    ({"received": "last tuesday"}, 2, "last tuesday"),
    ({"received": "2099-01-01"}, 2, "future"),
    ({"group_size": -3}, 2, "group size"),
    ({"group_size": 0}, 2, "group size"),
    ({"group_size": "many"}, 2, "--group-size"),
    ({"summary": ""}, 2, "--summary"),
    ({"summary": "   "}, 2, "--summary"),
    ({"customer": ""}, 2, "--customer"),
    ({"unit": ""}, 2, "--unit"),
    ({"id_number": "110105194912310021"}, 2, "check digit"),
    ({"id_number": "11010519491231"}, 2, "ID number"),
    ({"phone": "call me"}, 2, "phone"),
]


@pytest.mark.parametrize("options, code, needle", BAD_INTAKE, ids=[repr(o) for o, _, _ in BAD_INTAKE])
def test_bad_intake_is_refused_cleanly(tsk, ledger_path, options, code, needle):
    add(tsk)
    before = snapshot(ledger_path)
    run = tsk(add_args(**options))
    assert run.exit_code == code, (run.stdout, run.stderr)
    assert needle in one_error_line(run)
    assert run.stdout == ""
    assert snapshot(ledger_path) == before


def test_absurd_group_size_is_an_invalid_value(tsk, ledger_path):
    add(tsk)
    before = snapshot(ledger_path)
    run = tsk(add_args(group_size=10**20))
    assert run.exit_code == 2
    one_error_line(run)
    assert snapshot(ledger_path) == before


def test_unknown_policy_is_refused(tsk, ledger_path):
    add(tsk)
    before = snapshot(ledger_path)
    run = tsk(add_args(policy="nosuch"))
    assert run.exit_code in (1, 2)
    assert "nosuch" in one_error_line(run)
    assert snapshot(ledger_path) == before


def test_unknown_option_is_usage_error(tsk):
    run = tsk(add_args() + ["--colour", "red"])
    assert run.exit_code == 2
    one_error_line(run)


def test_add_with_a_named_policy(tsk):
    c = add(tsk, policy="gdrcc2008", form_at="2026-08-03 16:00")
    assert (c["policy"], c["policy_version"]) == ("gdrcc2008", 2)  # the preset's newest version
    # the customer told the next working day; 处理表 the same day; 督办表 2 working days after it
    # arrived; handling 7 working days after the 督办表's deadline until it is issued
    assert (c["ack_due"], c["form_due"], c["form_at"]) == ("2026-08-04", "2026-08-03", "2026-08-03T16:00:00+08:00")
    assert (c["supervision_due"], c["supervised_at"], c["due"]) == ("2026-08-05", None, "2026-08-14")


# -- the library ----------------------------------------------------------------------------------
def intake(**overrides) -> lifecycle.Intake:
    values = dict(customer="张三", channel="电话", category="服务类", business_type="银行卡", cause="其他", unit="城关支行",
                  summary="s", received=RECEIVED)
    values.update(overrides)
    return lifecycle.Intake(**values)


def test_library_register(ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-08-03 10:05")
    ledger = Ledger.open(ledger_path, "张敏")
    try:
        done = lifecycle.register(ledger, intake(group_size=6, phone="13812345678"))
        c = done.complaint
        assert done.repeat_of is None
        assert c["ref"] == "TS-2026-000001"
        assert (c["channel"], c["category"], c["business_type"], c["cause"]) == ("phone", "service", "card", "other")
        assert c["first_handler"] == "张敏"
        assert c["level"] == 3 and c["is_group"] == 1 and c["report_due"] == "2026-08-04"
        assert c["event_count"] == 1
        second = lifecycle.register(ledger, intake()).complaint
        assert second["ref"] == "TS-2026-000002"
    finally:
        ledger.close()


def test_library_rejects_bad_intake_without_writing(ledger_path):
    ledger = Ledger.open(ledger_path, "officer")
    try:
        lifecycle.register(ledger, intake())
        before = snapshot(ledger_path)
        for bad in (intake(channel="pigeon"), intake(group_size=0), intake(summary=" "), intake(received="2026-02-30"),
                    intake(channel="regulator"), intake(id_number="110105194912310021")):
            with pytest.raises(InvalidInput):
                lifecycle.register(ledger, bad)
        assert snapshot(ledger_path) == before
    finally:
        ledger.close()


def test_complaint_received_before_the_decision_is_not_a_repeat(tsk):
    first = add(tsk, phone="13812345678", received="2026-08-03 10:00")
    close_it(tsk, first["ref"], at="2026-08-20 10:00")
    second = add(tsk, phone="13812345678", received="2026-08-04 10:00")  # entered late, received before the decision
    assert second["repeat_of"] is None
