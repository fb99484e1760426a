"""The language of a run (README, Language): Chinese with TSK_LANG=zh or a Chinese locale
(LANG=zh_CN.UTF-8), English otherwise; `Error:` and `Warning:` stay in both; forms, reports and
history details in a Chinese run hold no English prose; CSV and JSON keep English keys.

Dates: a complaint received on Monday 2026-09-28 under cbrc2012 has its ack due 09-29 (the
next working day); National Day 2026 (10-01..10-07) is off, so on 10-08 it is 2 working days late
(09-30, 10-08). Its resolution is due 10-23, its cap 12-25."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from helpers import BASE, entered_at, one_error_line, snapshot

SEPT = "2026-09-28 10:00"


@pytest.fixture
def zh(monkeypatch):
    monkeypatch.setenv("TSK_LANG", "zh")
    monkeypatch.setenv("TSK_USER", "陈晓")


def add(tsk, *extra: str) -> str:
    run = tsk(["add", *BASE, "--received", SEPT, *extra, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["ref"]


def english_words(text: str) -> set[str]:
    """The English words of a text a Chinese run printed, past what any language shows as it is:
    refs, dates and times, policy names (cbrc2012 v1), options and the keys of CSV and JSON."""
    text = re.sub(r"TS-\d{4}-\d+|\d{4}-\d\d-\d\dT[\d:+]+|[\w.]*\d[\w.]*|--[\w-]+|\b[a-z]+(?:_[a-z]+)+\b|`[^`]*`", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", text))


# -- errors, warnings and confirmations --------------------------------------------------------------
def test_a_refused_action_says_why_in_chinese(tsk, zh, ledger_path, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, "--subject-staff", "李四")
    before = snapshot(ledger_path)
    run = tsk(["assign", ref, "--to", "李四"])
    assert run.exit_code == 1
    assert one_error_line(run) == (f"Error: 李四 是 {ref} 的被投诉人，不得处理该投诉（回避，粤农信联发〔2008〕250号 第十九条）；"
                                   "确需分派的，用 --override-recusal REASON 说明理由")
    assert snapshot(ledger_path) == before


def test_a_refused_change_of_state_names_the_state_in_chinese(tsk, zh, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk)
    assert tsk(["close", ref, "--result", "partly", "--resolution", "已致歉", "--notified-via", "phone"]).exit_code == 0
    run = tsk(["extend", ref, "--days", "3", "--reason", "需调查", "--notified-via", "sms"])
    assert run.exit_code == 1
    assert one_error_line(run) == f"Error: 不能延期 {ref}：该投诉已办结"


def test_a_bad_date_is_refused_in_chinese(tsk, zh, ledger_path):
    before = snapshot(ledger_path)
    run = tsk(["add", *BASE, "--received", "2026-02-30"])
    assert run.exit_code == 2
    assert one_error_line(run) == "Error: --received '2026-02-30' 不是实际存在的日期"
    run = tsk(["overdue", "--as-of", "下周"])
    assert run.exit_code == 2
    assert one_error_line(run).startswith("Error: --as-of '下周' 不是日期或时间（可用：2026-11-23、2026/11/3、")
    assert snapshot(ledger_path) == before


def test_a_missing_ledger_is_named_in_chinese(tsk, zh, tmp_path):
    path = tmp_path / "mistyped.db"
    run = tsk(["--db", str(path), "overdue"])
    assert run.exit_code == 1
    assert one_error_line(run) == f"Error: {path} 处没有台账：请检查 --db 或 $TSK_DB（新建台账用 tsk init）"
    assert not path.exists()


def test_creating_a_ledger_says_where_in_chinese(tsk, zh, tmp_path):
    path = tmp_path / "new.db"
    run = tsk(["--db", str(path), "init"])
    assert run.exit_code == 0
    assert run.stderr == f"已在 {path} 新建台账\n"


def test_the_lapse_warning_is_chinese_after_its_prefix(tsk, zh, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk)
    entered_at(monkeypatch, "2026-10-08 09:00")
    run = tsk(["note", ref, "客户来电催办"])
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines() == [f"Warning: {ref} 受理告知 2026-09-29 已过，逾期 2 个工作日"]
    assert run.stdout == f"{ref} 已添加备注\n"


def test_confirmations_are_chinese(tsk, zh, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    run = tsk(["add", *BASE, "--received", SEPT])
    assert run.exit_code == 0, run.stderr
    ref = run.stdout.split()[0]
    assert run.stdout.splitlines() == [f"{ref} 已登记（cbrc2012 v1，级别 1 网点/支行）", "  受理告知 2026-09-29",
                                       "  处理时限 2026-10-23", "  最长时限 2026-12-25"]
    entered_at(monkeypatch, "2026-09-28 12:00")
    assert tsk(["ack", ref, "--via", "sms", "--at", "2026-09-28 11:00"]).stdout == f"{ref} 已通过短信受理告知；处理时限 2026-10-23\n"
    assert tsk(["assign", ref, "--to", "王五", "--unit", "城关支行"]).stdout == f"{ref} 已分派给 王五（城关支行）\n"
    assert tsk(["extend", ref, "--days", "2", "--reason", "需调取录像", "--notified-via", "电话"]).stdout == (
        f"{ref} 已延期 2 个工作日：处理时限 2026-10-27（最长时限 2026-12-25）\n")
    run = tsk(["close", ref, "--result", "partly", "--resolution", "已致歉", "--notified-via", "phone"])
    assert run.stdout == f"{ref} 已办结（部分支持）\n" and run.stderr == ""


def test_the_unpublished_year_warning_is_chinese(tsk, zh):
    run = tsk(["calendar", "shift", "2990-12-20", "15"])
    assert run.exit_code == 0
    assert run.stderr.splitlines() == [
        "Warning: 尚无 2990 年官方放假安排，该年日期仅按法定节假日推算（用 `tsk calendar set` 录入国务院的放假安排，"
        "再运行 `tsk calendar publish 2990`，此警告即不再出现）"]


def test_the_nightly_summary_and_the_morning_list_are_chinese(tsk, zh, monkeypatch):
    entered_at(monkeypatch, "2026-09-28 10:05")
    add(tsk)
    entered_at(monkeypatch, "2026-10-08 09:00")
    assert tsk(["check"]).stdout == "截至 2026-10-08 检查时限未停的投诉 1 件：新逾期 1 项，已升级 1 件，仍逾期 0 项\n"
    run = tsk(["overdue", "--within", "3"])
    assert run.stdout.splitlines()[-1] == "截至 2026-10-08：逾期 1 项，3 个工作日内到期 0 项"
    assert tsk(["list"]).stdout.splitlines()[-1].strip() == "共 1 件"


@pytest.mark.parametrize("argv, line", [
    (["ack", "TS-2026-000001"], "Error: 缺少选项 '--via'"),
    (["list", "--format", "xml"], "Error: '--format' / '-f' 的值无效：'xml' 不是可选值之一：'table', 'csv', 'json'"),
    (["list", "--limit", "x"], "Error: '--limit' 的值无效：'x' 不是有效的数字（int range）"),
    (["list", "--colour"], "Error: 没有选项 --colour"),
    (["lst"], "Error: 没有命令 'lst'。是否要用 'list'？"),
    (["show"], "Error: 缺少参数 'REF'"),
    (["overdue", "--within"], "Error: 选项 '--within' 需要一个值"),
], ids=" ".join)
def test_click_usage_errors_are_chinese(tsk, zh, argv, line):
    run = tsk(argv)
    assert run.exit_code == 2
    assert one_error_line(run) == line


def test_an_import_problem_is_chinese_and_names_its_line(tsk, zh, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("ref,received_at,channel\nTS-2026-000001,2026-09-28T10:00:00+08:00,tel\n", encoding="utf-8")
    run = tsk(["import", str(path)])
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert lines[0] == f"Error: {path} 第 1 行：缺少必需的列：category, business_type, cause, customer_name, unit, summary"
    assert lines[-1] == f"Error: {path} 中有 1 个问题；未导入任何记录"


# -- forms, history details, tables and reports ---------------------------------------------------------
@pytest.fixture
def lapsed(tsk, monkeypatch):
    """A complaint whose ack clock ran 2 working days past due, then handled and closed."""
    entered_at(monkeypatch, "2026-09-28 10:05")
    ref = add(tsk, "--phone", "13812345678")
    entered_at(monkeypatch, "2026-10-08 09:00")
    for argv in (["ack", ref, "--via", "sms"], ["assign", ref, "--to", "王五", "--unit", "城关支行"],
                 ["extend", ref, "--days", "3", "--reason", "需调取录像", "--notified-via", "phone"],
                 ["close", ref, "--result", "partly", "--resolution", "已致歉", "--notified-via", "phone",
                  "--compensation", "50", "--satisfaction", "satisfied"]):
        assert tsk(argv).exit_code == 0, argv
    return ref


@pytest.mark.parametrize("form", ["supervision", "handling"])
def test_a_form_in_a_chinese_run_has_no_english(tsk, zh, lapsed, form):
    run = tsk(["show", lapsed, "--form", form])
    assert run.exit_code == 0, run.stderr
    assert english_words(run.stdout) == set()
    assert "| 升级 | 受理告知 2026-09-29 已过，逾期 2 个工作日；升至第2级 分行 |" in run.stdout  # not "ack due … passed"


def test_history_details_are_chinese(tsk, zh, lapsed):
    run = tsk(["show", lapsed])
    assert run.exit_code == 0, run.stderr
    assert "部分支持；已致歉；补偿 50.00 元；已经电话告知客户处理结果" in run.stdout  # not "result → partly"
    assert "→ partly" not in run.stdout and "status" not in run.stdout
    assert english_words(run.stdout) == set()
    assert " 编号 " in run.stdout and "编号 ref" not in run.stdout  # the labels without their English


def test_show_keeps_both_labels_in_an_english_run(tsk, lapsed):
    run = tsk(["show", lapsed])
    assert "编号 ref" in run.stdout and "处理记录 history" in run.stdout


@pytest.mark.parametrize("argv", [
    ["report", "half-year", "2026H2", "--as-of", "2026-10-08", "--format", "md"],
    ["report", "stats", "--since", "2026-09-01", "--until", "2026-10-08"],
    ["policy", "list"],
    ["config", "show"],
    ["calendar", "show", "2026"],
    ["overdue", "--as-of", "2026-10-08"],
], ids=" ".join)
def test_tables_and_reports_in_a_chinese_run_have_no_english(tsk, zh, lapsed, argv):
    run = tsk(argv)
    assert run.exit_code == 0, run.stderr
    from tsk.settings import SETTINGS

    keys = {"holidays", *SETTINGS}  # the calendar's source (the package of that name); the settings' keys, typed as they are
    assert english_words(run.stdout) - keys == set()
    assert "working_days" not in run.stdout  # policy list: 1个工作日


def test_csv_and_json_keep_english_keys_in_a_chinese_run(tsk, zh, lapsed):
    assert tsk(["list", "--status", "all", "--format", "csv"]).stdout.startswith("ref,status,received_at,")
    assert json.loads(tsk(["show", lapsed, "--format", "json"]).stdout)["status"] == "closed"
    assert "1 working_days" in tsk(["policy", "list", "--format", "csv"]).stdout


# -- the locale, in real processes -------------------------------------------------------------------
def run_tsk(argv: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("TSK_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    return subprocess.run([sys.executable, "-m", "tsk", *argv], capture_output=True, text=True, encoding="utf-8",
                          env={**environ, "PYTHONIOENCODING": "utf-8", **env}, timeout=120)


@pytest.mark.parametrize("env, line", [
    ({"LANG": "zh_CN.UTF-8"}, "Error: 没有投诉 TS-2026-000009"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, "Error: 没有投诉 TS-2026-000009"),
    ({"TSK_LANG": "zh", "LANG": "C.UTF-8"}, "Error: 没有投诉 TS-2026-000009"),
    ({"LANG": "C"}, "Error: no complaint TS-2026-000009"),
    ({"LANG": "en_US.UTF-8"}, "Error: no complaint TS-2026-000009"),
    ({}, "Error: no complaint TS-2026-000009"),
    ({"TSK_LANG": "en", "LANG": "zh_CN.UTF-8"}, "Error: no complaint TS-2026-000009"),
], ids=str)
def test_the_locale_chooses_the_language(env, line):
    run = run_tsk(["show", "TS-2026-000009"], **env)
    assert run.returncode == 1
    assert run.stderr == line + "\n"


def test_a_chinese_locale_warns_in_chinese_and_an_english_one_in_english():
    zh = run_tsk(["calendar", "shift", "2990-12-20", "15"], LANG="zh_CN.UTF-8")
    en = run_tsk(["calendar", "shift", "2990-12-20", "15"], LANG="C")
    assert zh.stdout == en.stdout
    assert zh.stderr.startswith("Warning: 尚无 2990 年官方放假安排")
    assert en.stderr.startswith("Warning: no official holiday schedule for 2990 is known")
