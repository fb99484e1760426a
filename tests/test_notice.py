"""The notices to the customer (`tsk notice REF ack|extension|decision|review`; docs/rules.md,
Notices to the customer): what each tells and under which rule, the refusals of a notice the
complaint has no ground for, masking, the complainant who is not the customer, and the three
formats — through the CLI and the library, with literal dates of the 2026 calendar (National
Day 1–7 October off, Sunday 20 September and Saturday 10 October make-up working days, 25
September the Mid-Autumn Festival)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from helpers import Live, one_error_line, snapshot

from tsk import notices, sla
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused
from tsk.render import notices as render
from tsk.store import queries as q

D = dt.date
REF = "TS-2026-000001"
BASE = ["--customer", "张三", "--phone", "13812345678", "--id-number", "440106198503121237", "--email",
        "zhangsan@example.cn", "--address", "广东省广州市天河区体育西路1号", "--channel", "phone", "--category", "service",
        "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "转账未到账"]
PII = ("13812345678", "138****5678", "440106198503121237", "zhangsan@example.cn", "天河区体育西路1号")
SENDER = {"institution": "某某农村商业银行天河支行", "complaint_phone": "96138",
          "complaint_address": "广州市天河区天河路1号天河支行客户投诉受理部"}


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live)."""
    return Live(monkeypatch, tsk)


def ok(tsk, argv: list[str]):
    run = tsk(argv)
    assert run.exit_code == 0, (argv, run.stderr)
    return run


def add(tsk, received: str, *extra: str, policy: str = "national2020") -> str:
    return json.loads(ok(tsk, ["add", *BASE, "--received", received, "--policy", policy, *extra,
                               "--format", "json"]).stdout)["ref"]


def sender(tsk) -> None:
    for key, value in SENDER.items():
        ok(tsk, ["config", "set", key, value])


def letter(tsk, kind: str, *options: str, ref: str = REF) -> str:
    run = ok(tsk, ["notice", ref, kind, *options])
    assert not [line for line in run.stderr.splitlines() if not line.startswith("Warning:")], run.stderr
    return run.stdout


def refused(tsk, ledger_path, argv: list[str], code: int = 1) -> str:
    before = snapshot(ledger_path)
    run = tsk(argv)
    assert run.exit_code == code, (argv, run.exit_code, run.stdout, run.stderr)
    assert run.stdout == ""
    assert snapshot(ledger_path) == before, argv
    line = one_error_line(run)
    assert "张三" not in line and "张小明" not in line  # no name in an error
    return line


def closed(tsk, received: str = "2026-09-17 10:00", at: str = "2026-10-12 10:00", *extra: str,
           policy: str = "national2020") -> str:
    ref = add(tsk, received, policy=policy)
    ok(tsk, ["ack", ref, "--via", "letter", "--at", received[:10] + " 11:00"])
    ok(tsk, ["close", ref, "--result", "partly", "--resolution", "退还转账手续费", "--root-cause", "系统延迟入账",
             "--compensation", "15", "--notified-via", "letter", "--at", at, *extra])
    return ref


def events(tsk, ref: str, action: str) -> list[dict]:
    view = json.loads(ok(tsk, ["show", ref, "--format", "json"]).stdout)
    return [e for e in view["events"] if e["action"] == action]


# -- 受理告知: acceptance, the limit in the policy's terms, the contact -------------------------------------------
@pytest.mark.parametrize(("received", "limit"), [
    ("2026-09-20 10:00", "15日内（2026年10月8日前）"),  # a make-up Sunday; 15 days end on 5 October, a holiday
    ("2026-09-22 16:30", "15日内（2026年10月8日前）"),  # ends on 7 October, the holiday's last day
    ("2026-09-25 10:00", "15日内（2026年10月10日前）"),  # received on the Mid-Autumn Festival; ends on a make-up Saturday
    ("2026-09-28 10:00", "15日内（2026年10月13日前）"),  # past the holiday: 15 days, no move
])
def test_the_acceptance_sms_tells_the_limit_as_the_national_rules_count_it(tsk, received, limit):
    sender(tsk)
    add(tsk, received)
    sms = letter(tsk, "ack")
    day = dt.date.fromisoformat(received[:10])
    assert sms == (f"【某某农村商业银行天河支行】尊敬的张三先生/女士：您于{day.year}年{day.month}月{day.day}日通过电话提出的投诉"
                   f"（编号 {REF}），我行已受理，将自收到投诉之日起{limit}作出处理决定并告知您。详询96138。\n")


def test_the_acceptance_letter_under_the_2012_notice_counts_working_days(tsk):
    sender(tsk)
    add(tsk, "2026-09-28 10:00", policy="cbrc2012")  # 15 working days: National Day off, 10 October worked
    text = letter(tsk, "ack", "--format", "md")
    assert "我行将自收到投诉之日起15个工作日内，即于2026年10月23日前，作出处理决定并告知您。" in text
    assert text.endswith("本告知依据：银监发〔2012〕13号 第七条、第九条。\n")
    assert "如有疑问，请与城关支行联系，或拨打我行投诉电话96138；来函请寄广州市天河区天河路1号天河支行客户投诉受理部。" in text


def test_the_acceptance_tells_the_limit_the_customer_was_told_not_one_extended_later(tsk):
    sender(tsk)
    add(tsk, "2026-09-20 10:00")
    ok(tsk, ["ack", REF, "--via", "letter", "--at", "2026-09-21 09:00"])
    ok(tsk, ["extend", REF, "--days", "15", "--reason", "需调取异地监控录像", "--notified-via", "letter",
             "--at", "2026-09-30 10:00"])
    text = letter(tsk, "ack", "--format", "md")
    assert "即于2026年10月8日前" in text and "2026年10月23日" not in text
    assert "  \n2026年9月21日\n\n---\n" in text  # dated the day the acceptance was told


def test_an_acceptance_not_yet_told_tells_the_limit_as_it_stands_dated_today(tsk):
    add(tsk, "2026-09-20 10:00")
    tsk.at("2026-09-21 08:30")
    assert "  \n2026年9月21日\n\n---\n" in letter(tsk, "ack", "--format", "md")


def test_a_limit_moved_by_a_clock_stop_is_told_as_its_date(tsk):
    add(tsk, "2026-09-28 10:00")
    ok(tsk, ["pause", REF, "--reason", "笔迹鉴定", "--notified-via", "sms", "--at", "2026-09-29 10:00"])
    ok(tsk, ["resume", REF, "--at", "2026-10-02 10:00"])  # 3 days not counted: 13 October becomes 16 October
    sms = letter(tsk, "ack")
    assert "将于2026年10月16日前作出处理决定" in sms and "15日内" not in sms


def test_an_inquiry_answered_within_24_hours_is_told_the_moment(tsk):
    from pathlib import Path

    ok(tsk, ["policy", "add", str(Path(__file__).resolve().parents[1] / "examples" / "policies" / "workdays2020.toml")])
    add(tsk, "2026-09-30 16:00", "--kind", "inquiry", policy="workdays2020")  # 24 hours end on 1 October, a holiday
    assert "您于2026年9月30日通过电话提出的咨询（编号 TS-2026-000001），我行已受理，将自收到咨询时起24小时内" \
           "（2026年10月8日16时00分前）作出处理决定并告知您。" in letter(tsk, "ack")


def test_no_acceptance_is_told_of_a_rejected_or_merged_complaint(tsk, ledger_path):
    add(tsk, "2026-09-17 10:00")
    ok(tsk, ["reject", REF, "--reason", "不属于本行业务范围", "--notified-via", "letter", "--at", "2026-09-17 11:00"])
    assert "rejected" in refused(tsk, ledger_path, ["notice", REF, "ack"])
    first = add(tsk, "2026-09-18 10:00")
    repeat = add(tsk, "2026-09-19 10:00")
    ok(tsk, ["merge", repeat, "--into", first, "--reason", "同一事项再次投诉", "--at", "2026-09-19 11:00"])
    for kind in ("ack", "extension", "decision", "review"):
        assert f"merged into {first}" in refused(tsk, ledger_path, ["notice", repeat, kind])
    assert "已受理" in letter(tsk, "ack", ref=first)


# -- 延期告知: the new limit, the reason, the approval ----------------------------------------------------------
def test_the_extension_tells_the_new_limit_its_reason_and_who_approved_it_beyond_the_first_tier(tsk, ledger_path):
    sender(tsk)
    add(tsk, "2026-09-20 10:00")
    assert "never extended" in refused(tsk, ledger_path, ["notice", REF, "extension"])
    ok(tsk, ["extend", REF, "--days", "15", "--reason", "需调取异地监控录像", "--notified-via", "letter",
             "--at", "2026-09-30 10:00"])
    # 20 September + 30 days = 20 October (a Tuesday): within the first tier, no approval
    assert letter(tsk, "extension") == (
        f"【某某农村商业银行天河支行】尊敬的张三先生/女士：您于2026年9月20日通过电话提出的投诉（编号 {REF}），"
        "因需调取异地监控录像，处理期限延长15日，至2026年10月20日。详询96138。\n")
    ok(tsk, ["extend", REF, "--days", "10", "--reason", "需外部机构出具意见", "--notified-via", "letter",
             "--approved-by", "总行副行长王五", "--at", "2026-10-15 10:00"])
    text = letter(tsk, "extension", "--format", "md")
    assert ("原定处理期限为2026年10月20日。因需外部机构出具意见，经总行副行长王五审批，我行将处理期限延长10日，至2026年10月30日，"
            "并将于该日前作出处理决定告知您。") in text
    assert "  \n2026年10月15日\n\n---\n" in text  # dated the day it was extended
    assert text.endswith("本告知依据：银监发〔2012〕13号 第九条；中国银保监会令2020年第3号 第十八条。\n")


def test_an_extension_under_the_2012_notice_is_in_working_days_and_needs_no_approval(tsk):
    add(tsk, "2026-09-28 10:00", policy="cbrc2012")
    ok(tsk, ["extend", REF, "--days", "5", "--reason", "需调取监控录像", "--notified-via", "sms", "--at", "2026-10-09 10:00"])
    text = letter(tsk, "extension", "--format", "md")
    assert "我行将处理期限延长5个工作日，至2026年10月30日" in text and "审批" not in text
    assert text.endswith("本告知依据：银监发〔2012〕13号 第九条。\n")


def test_an_appeal_starts_a_round_whose_extension_is_its_own(tsk, ledger_path):
    add(tsk, "2026-09-28 10:00", policy="cbrc2012")
    ok(tsk, ["extend", REF, "--days", "5", "--reason", "需调取监控录像", "--notified-via", "sms", "--at", "2026-10-09 10:00"])
    ok(tsk, ["close", REF, "--result", "upheld", "--resolution", "已道歉", "--notified-via", "phone",
             "--at", "2026-10-12 10:00"])
    ok(tsk, ["reopen", REF, "--reason", "客户申诉", "--at", "2026-10-14 10:00"])
    assert "never extended" in refused(tsk, ledger_path, ["notice", REF, "extension"])
    assert "is open" in refused(tsk, ledger_path, ["notice", REF, "decision"])
    due = json.loads(ok(tsk, ["show", REF, "--format", "json"]).stdout)["due"]
    assert due == "2026-11-04"  # 15 working days from the reopening on 14 October
    text = letter(tsk, "ack", "--format", "md")  # the appeal's acceptance: its new limit, not told yet
    assert "我行将于2026年11月4日前作出处理决定" in text and "  \n2026年10月14日\n\n---\n" in text


# -- 处理决定告知: the decision, its basis, the remedies -----------------------------------------------------------
def test_the_decision_tells_its_basis_and_the_remedies_with_the_last_day_to_apply_for_review(tsk, ledger_path):
    sender(tsk)
    add(tsk, "2026-09-17 10:00")
    assert "no decision" in refused(tsk, ledger_path, ["notice", REF, "decision"])
    ok(tsk, ["close", REF, "--result", "partly", "--resolution", "退还转账手续费。", "--root-cause", "系统延迟入账",
             "--compensation", "15", "--notified-via", "letter", "--at", "2026-10-12 10:00"])
    text = letter(tsk, "decision", "--format", "md")
    assert "我行已经调查核实，于2026年10月12日作出处理决定，现告知如下：" in text
    assert "一、处理决定：部分支持您的投诉请求。" in text
    assert "二、核实情况及依据：经核实，系统延迟入账。退还转账手续费。我行补偿您人民币15.00元。" in text
    # 12 October + 30 days = 11 November, a Wednesday
    assert ("三、如您对本处理决定有异议，可以自本处理决定作出之日起30日内（即2026年11月11日前）向我行上级机构书面申请核查；"
            "也可以向银行业保险业纠纷调解组织申请调解，或依照合同约定、法律规定申请仲裁或向人民法院提起诉讼。") in text
    assert text.endswith("本告知依据：中国银保监会令2020年第3号 第十九条、第二十条。\n")
    sms = letter(tsk, "decision")
    assert "如有异议，可于2026年11月11日前向我行上级机构书面申请核查，也可申请调解、仲裁或提起诉讼。" in sms


def test_a_decision_under_a_policy_without_review_offers_mediation_arbitration_and_a_lawsuit(tsk):
    closed(tsk, "2026-09-28 10:00", "2026-10-12 10:00", policy="cbrc2012")
    text = letter(tsk, "decision", "--format", "md")
    assert "三、如您对本处理决定有异议，可以向银行业保险业纠纷调解组织申请调解" in text and "核查" not in text
    assert text.endswith("本告知依据：中国银保监会令2020年第3号 第十九条。\n")


def test_a_decision_reopened_on_appeal_is_no_decision_to_tell(tsk, ledger_path):
    closed(tsk)
    ok(tsk, ["reopen", REF, "--reason", "客户申诉", "--at", "2026-10-14 10:00"])
    assert "is open" in refused(tsk, ledger_path, ["notice", REF, "decision"])


def test_an_imported_decision_is_told_from_its_record(tsk, tmp_path):
    source = tmp_path / "closed.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,policy,status,"
                      "closed_at,result,resolution,compensation\n"
                      f"{REF},2026-09-17 10:00,phone,service,card,other,张三,城关支行,转账未到账,national2020,closed,"
                      "2026-09-30 10:00,not-upheld,经核实转账已到账,\n", encoding="utf-8")
    ok(tsk, ["import", str(source)])
    text = letter(tsk, "decision", "--format", "md")
    assert "于2026年9月30日作出处理决定" in text and "一、处理决定：不支持您的投诉请求。" in text
    assert "二、核实情况及依据：经核实转账已到账。\n" in text and "补偿" not in text
    assert "（即2026年10月30日前）" in text  # 30 September + 30 days


# -- 核查决定告知 ------------------------------------------------------------------------------------------------
def test_the_review_decision_is_told_once_decided_and_the_decision_letter_keeps_its_own_terms(tsk, ledger_path):
    closed(tsk)
    assert "no review decided:" in refused(tsk, ledger_path, ["notice", REF, "review"])
    ok(tsk, ["review", REF, "--reason", "补偿金额过低", "--at", "2026-10-20 10:00"])
    assert "applied for on 2026-10-20, not decided yet" in refused(tsk, ledger_path, ["notice", REF, "核查"])
    ok(tsk, ["close", REF, "--result", "upheld", "--resolution", "核查后全额补偿损失", "--compensation", "200",
             "--notified-via", "letter", "--at", "2026-11-02 10:00"])
    text = letter(tsk, "review", "--format", "md")
    assert ("您就投诉（编号 TS-2026-000001）于2026年10月12日作出的处理决定，于2026年10月20日向我行书面申请核查。"
            "我行已对该投诉的处理过程、处理时限和处理结果进行核查，于2026年11月2日作出核查决定，现告知如下：") in text
    assert "一、核查决定：支持您的请求。核查后全额补偿损失。我行补偿您人民币200.00元。" in text
    assert "二、如您对核查决定仍有异议，可以向银行业保险业纠纷调解组织申请调解" in text and "30日内" not in text
    assert text.endswith("本告知依据：中国银保监会令2020年第3号 第二十条、第十九条。\n")
    decision = letter(tsk, "decision", "--format", "md")
    assert "我行补偿您人民币15.00元" in decision and "200.00" not in decision  # the decision as it was made


# -- masking, the complainant ----------------------------------------------------------------------------------
def test_no_letter_carries_a_phone_id_number_or_email_and_the_address_is_masked_unless_asked(tsk, ledger_path):
    closed(tsk)
    ok(tsk, ["review", REF, "--reason", "补偿金额过低", "--at", "2026-10-20 10:00"])
    ok(tsk, ["close", REF, "--result", "upheld", "--resolution", "全额补偿", "--notified-via", "letter",
             "--at", "2026-11-02 10:00"])
    ok(tsk, ["extend", add(tsk, "2026-11-02 11:00"), "--days", "3", "--reason", "调取录像", "--notified-via", "sms"])
    for ref, kinds in ((REF, ("ack", "decision", "review")), ("TS-2026-000002", ("ack", "extension"))):
        for kind in kinds:
            for fmt in ("text", "md", "html"):
                out = letter(tsk, kind, "--format", fmt, ref=ref)
                assert not [p for p in PII if p in out], (kind, fmt)
                assert ("广东省广州市****" in out) == (fmt != "text"), (kind, fmt)
                assert "张三" in out  # the name is shown as every output shows it
    assert events(tsk, REF, "pii-shown") == []
    full = letter(tsk, "decision", "--format", "html", "--show-pii")
    assert "地址：广东省广州市天河区体育西路1号" in full and "13812345678" not in full
    shown = events(tsk, REF, "pii-shown")
    assert [e["details"] for e in shown] == [{"command": "notice"}]
    letter(tsk, "decision", "--show-pii")  # an SMS has no address: nothing shown, nothing recorded
    assert len(events(tsk, REF, "pii-shown")) == 1
    refused(tsk, ledger_path, ["notice", "TS-2026-000002", "review", "--show-pii"])  # no ground: nothing recorded


@pytest.mark.parametrize(("relationship", "said"), [
    ("heir", "您作为张三的继承人于"), ("继承人", "您作为张三的继承人于"), ("agent", "您受张三委托于"),
    ("guardian", "您作为张三的监护人（法定代理人）于"), ("other", "您代张三于"),
])
def test_a_letter_is_addressed_to_the_complainant_who_is_not_the_customer(tsk, relationship, said):
    add(tsk, "2026-09-17 10:00", "--complainant", "张小明", "--relationship", relationship)
    sms = letter(tsk, "ack")
    assert sms.startswith("【（未设置银行名称）】尊敬的张小明先生/女士：" + said + "2026年9月17日通过电话提出的投诉")
    text = letter(tsk, "ack", "--format", "md", "--show-pii")
    assert "收件人：张小明（张三的" in text and "地址：" not in text and "广州市" not in text  # the customer's address is not theirs
    assert "中国银保监会令2020年第3号 第十三条、第十四条" in text
    assert events(tsk, REF, "pii-shown") == []  # no address shown, nothing recorded


# -- the sender: settings that must be set -------------------------------------------------------------------------
def test_a_letter_before_the_sender_is_set_says_so_and_warns(tsk):
    add(tsk, "2026-09-17 10:00")
    run = ok(tsk, ["notice", REF, "ack", "--format", "md"])
    assert run.stderr == ("Warning: institution, complaint_phone, complaint_address not set: the letter says so where "
                          "they go (tsk config set KEY VALUE)\n")
    assert "（未设置银行名称）" in run.stdout and "（未设置投诉电话）" in run.stdout and "（未设置通讯地址）" in run.stdout
    settings = json.loads(ok(tsk, ["config", "show", "--format", "json"]).stdout)
    assert settings["institution"] == "（未设置银行名称）"
    sender(tsk)
    run = ok(tsk, ["notice", REF, "ack"])
    assert run.stderr == "" and "未设置" not in run.stdout


# -- the formats ------------------------------------------------------------------------------------------------------
class Page(HTMLParser):
    """Checks that every element is closed in order, and keeps the text a reader sees."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data):
        if not self.open or self.open[-1] != "style":
            self.text.append(data)


def test_the_printable_letters_are_well_formed_chinese_pages_in_the_forms_frame(tsk):
    from tsk.render.page import FRAME_CSS

    sender(tsk)
    add(tsk, "2026-09-20 10:00", "--complainant", "张小明", "--relationship", "agent")
    ok(tsk, ["extend", REF, "--days", "15", "--reason", "需调取<监控>录像", "--notified-via", "letter",
             "--at", "2026-09-30 10:00"])
    ok(tsk, ["close", REF, "--result", "not-upheld", "--resolution", "经核实转账已于次日到账 & 无损失",
             "--notified-via", "letter", "--at", "2026-10-12 10:00"])
    ok(tsk, ["review", REF, "--reason", "不服", "--at", "2026-10-20 10:00"])
    ok(tsk, ["close", REF, "--result", "not-upheld", "--resolution", "维持原处理决定", "--notified-via", "letter",
             "--at", "2026-11-02 10:00"])
    form = ok(tsk, ["show", REF, "--form", "handling", "--format", "html"]).stdout
    for kind, title in (("ack", "投诉受理告知书"), ("extension", "投诉处理延期告知书"), ("decision", "投诉处理决定告知书"),
                        ("review", "投诉核查决定告知书")):
        out = letter(tsk, kind, "--format", "html")
        assert out.startswith("<!DOCTYPE html>") and FRAME_CSS in out and FRAME_CSS in form  # the forms' frame
        parsed = Page()
        parsed.feed(out)
        parsed.close()
        assert parsed.open == [], kind
        assert ("html", {"lang": "zh-CN"}) in parsed.tags and ("meta", {"charset": "utf-8"}) in parsed.tags
        seen = "".join(parsed.text)
        assert f"{title}" in seen and "尊敬的张小明先生/女士" in seen
        # no English prose: the only Latin letters a reader sees are the ref's
        assert re.findall(r"[A-Za-z]+", seen.replace(REF, "")) == [], (kind, seen)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", seen)  # dates in Chinese style
    extension = letter(tsk, "extension", "--format", "html")
    assert "因需调取&lt;监控&gt;录像" in extension  # recorded text escaped
    assert "经核实转账已于次日到账 &amp; 无损失。" in letter(tsk, "decision", "--format", "html")


def test_the_markdown_letter_and_the_one_paragraph_sms(tsk):
    sender(tsk)
    closed(tsk)
    md = letter(tsk, "decision", "--format", "md").splitlines()
    assert md[:6] == ["# 投诉处理决定告知书", "", f"编号：{REF}", "", "收件人：张三  ", "地址：广东省广州市****  "]
    assert md[-6:-3] == ["某某农村商业银行天河支行  ", "2026年10月12日", ""]
    sms = letter(tsk, "decision")
    assert sms.count("\n") == 1 and sms.endswith("详询96138。\n") and sms.startswith("【某某农村商业银行天河支行】")
    assert len(sms) < 300
    assert "SMS" in ok(tsk, ["notice", "--help"]).stdout


def test_a_notice_kind_is_named_in_english_or_chinese_and_an_unknown_one_is_bad_usage(tsk, ledger_path):
    closed(tsk)
    assert letter(tsk, "处理决定") == letter(tsk, "decision") == letter(tsk, " Decision ")
    assert "one of: ack (受理)" in refused(tsk, ledger_path, ["notice", REF, "letter"], 2)
    assert "no complaint TS-2026-000009" in refused(tsk, ledger_path, ["notice", "TS-2026-000009", "ack"])
    assert "--format" in refused(tsk, ledger_path, ["notice", REF, "ack", "--format", "pdf"], 2)


# -- the library ------------------------------------------------------------------------------------------------------
def test_the_library_gives_the_facts_and_the_renderer_the_words(tsk):
    add(tsk, "2026-09-20 10:00", "--complainant", "张小明", "--relationship", "heir")
    ok(tsk, ["ack", REF, "--via", "sms", "--at", "2026-09-21 09:00"])
    ok(tsk, ["extend", REF, "--days", "20", "--reason", "需司法鉴定", "--notified-via", "letter",
             "--approved-by", "分行行长", "--at", "2026-09-30 10:00"])
    ledger = Ledger.open(None, "officer", create=False)
    try:
        from tsk.records import load

        c = load(ledger, REF)
        history = ledger.store.rows(q.EVENTS_OF, {"id": c["id"]})
        ack = notices.notice(ledger, c, "ack", history)
        assert (ack.limit, ack.dated, ack.complainant, ack.relationship, ack.address) == (
            notices.Limit(D(2026, 10, 8), sla.Period(15, "calendar_days")), D(2026, 9, 21), "张小明", "heir", None)
        assert ack.unset == notices.SENDER_SETTINGS
        extension = notices.notice(ledger, c, "extension", history)
        assert extension.extension == notices.Extension(20, "calendar_days", D(2026, 10, 8), D(2026, 10, 26),
                                                         "需司法鉴定", "分行行长")
        assert render.paragraphs(extension)[0].startswith("您作为张三的继承人于2026年9月20日通过电话提出的投诉")
        with pytest.raises(Refused):
            notices.notice(ledger, c, "decision", history)
        with pytest.raises(InvalidInput):
            notices.kind_of("reply")
        assert render.zh_date(D(2026, 11, 24)) == "2026年11月24日"
    finally:
        ledger.close()
