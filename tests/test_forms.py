"""The printable forms of the Guangdong guideline (粤农信联发〔2008〕250号): 附表1 客户投诉处理表 and
附表2 客户投诉处理督办表, filled from the record and its history; Markdown by default, standalone
printable HTML on request."""

from __future__ import annotations

import json
import re

import pytest

ADD = ("add --received '2026-03-02 09:00' --customer 张三 --phone 13812345678 --id-number 11010519491231002X "
       "--channel phone --category service --business-type card --cause service-quality --unit 城东支行 "
       "--subject-staff 柜员甲 --summary '排队两小时 <无人处理> | 态度差' --demand 赔礼道歉")
REFERRED = ("add --received '2026-06-01 09:00' --customer 李四 --phone 13900000002 --channel regulator "
            "--referred-by 广东银保监局 --referral-ref 粤银保监转〔2026〕12号 --category product --business-type loan "
            "--cause contract --unit 城西支行 --summary 贷款合同条款未提示 --demand 退还手续费")


@pytest.fixture
def closed(tsk):
    """A complaint handled from receipt to closing, with an extension on the way."""
    ref = tsk(ADD).stdout.split()[0]
    for args in (
        f"ack {ref} --via sms --at '2026-03-02 10:00'",
        f"assign {ref} --to 王五 --unit 城东支行 --at '2026-03-02 11:00'",
        f"extend {ref} --days 5 --reason 需调取监控录像 --notified-via phone --at '2026-03-16 09:00'",
        f"note {ref} '已调取监控' --at '2026-03-18 09:00'",
        f"close {ref} --result partly --resolution 已向客户致歉并说明排队原因 --notified-via phone --compensation 88.80 "
        f"--root-cause 高峰期窗口不足 --rectification 增开弹性窗口 --satisfaction satisfied --at '2026-03-25 15:00'",
    ):
        run = tsk(args)
        assert run.exit_code == 0, (args, run.stderr)
    return ref


@pytest.fixture
def referred(tsk):
    return tsk(REFERRED).stdout.split()[0]


def md_tables_ok(text: str) -> int:
    """Every pipe table is well formed (same cell count on each line, a separator row); how many."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    for table in tables:
        assert len({len(re.split(r"(?<!\\)\|", line)) for line in table}) == 1, table
        assert re.fullmatch(r"\|( --- \|)+", table[1]), table
    return len(tables)


def test_handling_form_is_filled_from_the_record(tsk, closed):
    run = tsk(f"show {closed} --form handling")
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert text.startswith("# 客户投诉处理表\n\n附表1 · 编号 " + closed)
    for row in (
        f"| 编号 | {closed} |", "| 受理时间 | 2026-03-02 09:00 |", "| 受理渠道 | 电话 |", "| 客户姓名 | 张三 |",
        "| 投诉类型 | 投诉 · 服务类 · 银行卡 |", "| 投诉原因 | 服务态度及服务质量 |", "| 被投诉单位 | 城东支行 |",
        "| 被投诉人员 | 柜员甲 |", "| 客户诉求 | 赔礼道歉 |", "| 处理人 | 王五 城东支行 |", "| 首问负责人 | officer |",
        "| 处理时限 | 2026-03-30（已延期 5 个工作日） |", "| 处理情况 | 已向客户致歉并说明排队原因 |",
        "| 补偿金额 | 88.80 元 |", "| 原因分析 | 高峰期窗口不足 |", "| 整改措施 | 增开弹性窗口 |",
        "| 客户意见（回访） | 满意 |",
    ):
        assert row in text, row
    assert "| 处理结果 | 部分支持；办结时间 2026-03-25 15:00；经电话告知客户 |" in text
    assert "| 投诉事项 | 排队两小时 <无人处理> \\| 态度差 |" in text  # a pipe in the text does not break the table
    assert "经办人（签字）" in text and "负责人（签字）" in text
    assert md_tables_ok(text) == 6


def test_handling_form_lists_the_history(tsk, closed):
    text = tsk(f"show {closed} --form handling").stdout
    history = text[text.index("## 处理经过"):]
    assert "| 2026-03-02 10:00 | officer | 受理告知 | 经短信告知客户受理、处理时限及联系方式；时限 2026-03-23 |" in history
    assert "| 2026-03-16 09:00 | officer | 延期 | 延期 5 个工作日，处理时限 2026-03-23 → 2026-03-30；原因：需调取监控录像；已经电话告知客户 |" in history
    assert "| 2026-03-18 09:00 | officer | 备注 | 已调取监控 |" in history
    assert "| 2026-03-25 15:00 | officer | 办结 |" in history


def test_forms_mask_customer_numbers(tsk, closed):
    text = tsk(f"show {closed} --form handling").stdout
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "| 联系电话 | 138****5678 |" in text and "| 证件号码 | 110***********002X |" in text


def test_show_pii_on_a_form_is_recorded(tsk, closed):
    text = tsk(f"show {closed} --form handling --show-pii").stdout
    assert "| 联系电话 | 13812345678 |" in text and "| 证件号码 | 11010519491231002X |" in text
    events = json.loads(tsk(f"show {closed} --format json").stdout)["events"]
    assert events[-1]["action"] == "pii-shown" and events[-1]["details"]["command"] == "form"
    assert "pii-shown" not in tsk(f"show {closed} --form handling").stdout  # audit, not handling


def test_supervision_form_names_what_is_supervised_and_by_when(tsk, referred):
    run = tsk(f"show {referred} --form supervision")
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert text.startswith("# 客户投诉处理督办表\n\n附表2 · 编号 " + referred)
    for row in (
        f"| 督办编号 | 督-{referred} |", "| 受理渠道 | 监管转办 |", "| 转办机关及文号 | 广东银保监局 粤银保监转〔2026〕12号 |",
        "| 被督办单位 | 城西支行 |", "| 督办事项 | 贷款合同条款未提示 |", "| 客户诉求 | 退还手续费 |",
        "| 办理期限 | 2026-06-23 |", "| 客户姓名 | 李四 |", "| 联系电话 | 139****0002 |",
    ):
        assert row in text, row
    assert "请城西支行于 2026-06-23 前完成对客户投诉的处理和答复" in text
    assert "3 个工作日内向广东银保监局书面报告处理结果" in text
    assert "督办人（签字）" in text and "被督办单位负责人（签字）" in text
    assert md_tables_ok(text) == 6


def test_supervision_form_of_a_closed_complaint_carries_the_feedback(tsk, closed):
    text = tsk(f"show {closed} --form supervision").stdout
    assert "| 处理情况 | 已向客户致歉并说明排队原因 |" in text and "| 整改措施 | 增开弹性窗口 |" in text


def test_html_form_is_a_printable_standalone_page(tsk, closed):
    run = tsk(f"show {closed} --form handling --format html")
    assert run.exit_code == 0, run.stderr
    page = run.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page and "@page" in page and "border: 1px solid #000" in page
    assert "<h1>客户投诉处理表</h1>" in page
    assert '<td class="label">补偿金额</td><td>88.80 元</td>' in page
    assert "排队两小时 &lt;无人处理&gt; | 态度差" in page and "<无人处理>" not in page  # escaped
    assert "13812345678" not in page
    assert page.count("<table") == 3  # the form, the history, the signatures


def test_supervision_html(tsk, referred):
    page = tsk(f"show {referred} --form supervision --format html").stdout
    assert "<h1>客户投诉处理督办表</h1>" in page and "附表2" in page and "城西支行" in page


def test_form_accepts_its_chinese_name(tsk, referred):
    assert tsk(f"show {referred} --form 督办表").stdout.startswith("# 客户投诉处理督办表")


def test_unknown_form_is_a_usage_error(tsk, referred):
    run = tsk(f"show {referred} --form receipt")
    assert run.exit_code == 2
    assert run.stderr.startswith("Error:") and "handling" in run.stderr and "supervision" in run.stderr


def test_form_of_an_unknown_complaint_is_not_found(tsk):
    run = tsk("show TS-2026-999999 --form handling")
    assert run.exit_code == 1 and run.stderr.startswith("Error:")
