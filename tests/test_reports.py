"""Statistics and reports (docs/rules.md, Reports): the half-year report, period statistics, hot
spots and the trend chart, over a ledger built through the CLI with literal 2026 dates.

The 2026 calendar behind the expected working days: Spring Festival 16–23 February off with
make-up Saturdays 14 and 28 February; Qingming 4–6 April; Labour Day 1–5 May with make-up
Saturday 9 May; Dragon Boat 19 June. The default policy gives 15 working days.

The ledger (H1 = 16 complaints; then two in H2 and one in 2025):

| name | received | unit | category | what happens | working days |
|---|---|---|---|---|---|
| a1 | 01-05 10:00 | 城东支行 | service | closed 01-09, ¥100.50 | 4, on time |
| a2 | 02-12 09:00 | 城西支行 | product | closed 02-27 (over Spring Festival) | 6, on time |
| a3 | 03-02 09:00 | 城东支行 | service | due 03-23, closed 04-10, ¥200 | 28, late |
| a4 | 04-01 09:00 | 营业部 | process | suggestion; due 04-23, +10 → 05-11, closed 04-30 | 20, on time |
| a5 | 04-20 | 城东支行 | service | rejected | |
| a6 | 05-06 | 城西支行 | product | withdrawn | |
| a7 | 05-11 | 营业部 | external | group of 6, open (due 06-01) | |
| a8 | 06-01 09:00 | 城西支行 | product | referred; closed on its due day 06-23, ¥1000 | 15, on time |
| a9 | 06-30 23:30 | 城东支行 | service | inquiry, open (due 07-21) | |
| h1–h4 | 03-10, 03-20, 04-05, 04-08 | 营业部 | system | 3 customers in 26 days: hot spot | |
| n1–n3 | 01-10, 02-20, 04-01 | 城西支行 | process | 3 customers over 81 days: not hot | |
| b1 | 07-01 00:10 | 城东支行 | service | H2, open | |
| b2 | 07-15 10:00 | 城东支行 | service | H2, closed 07-20 | 3 |
| z | 2025-12-31 23:59 | 城东支行 | service | 2025 | |
"""

from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest
from helpers import Live
from typer.testing import CliRunner

from tsk.cli import app

BASE = "--business-type {bt} --cause {cause} --unit {unit} --category {cat} --summary 投诉事项 "

COMPLAINTS = {
    # name: (received, customer options, kind/channel/severity options, business type, cause, unit, category)
    "z": ("2025-12-31 23:59", "--customer 旧客户 --phone 13600000000", "--channel phone", "card", "service-quality", "城东支行", "service"),
    "a1": ("2026-01-05 10:00", "--customer 甲 --phone 13800000001", "--channel phone", "card", "service-quality", "城东支行", "service"),
    "n1": ("2026-01-10 09:00", "--customer 己 --phone 13700000001", "--channel phone", "payment", "rules", "城西支行", "process"),
    "a2": ("2026-02-12 09:00", "--customer 乙 --phone 13800000002", "--channel in-person --severity serious", "loan", "contract", "城西支行", "product"),
    "n2": ("2026-02-20 09:00", "--customer 庚 --phone 13700000002", "--channel phone", "payment", "rules", "城西支行", "process"),
    "a3": ("2026-03-02 09:00", "--customer 甲二 --phone 13800000003", "--channel phone", "deposit", "service-quality", "城东支行", "service"),
    "h1": ("2026-03-10 09:00", "--customer 丙 --phone 13900000001", "--channel phone", "card", "facilities", "营业部", "system"),
    "h2": ("2026-03-20 09:00", "--customer 丁 --phone 13900000002", "--channel phone", "card", "facilities", "营业部", "system"),
    "a4": ("2026-04-01 09:00", "--customer 壬 --phone 13800000004", "--channel email --kind suggestion", "payment", "rules", "营业部", "process"),
    "n3": ("2026-04-01 10:00", "--customer 辛 --phone 13700000003", "--channel phone", "payment", "rules", "城西支行", "process"),
    "h3": ("2026-04-05 11:00", "--customer 戊", "--channel comment-book", "card", "facilities", "营业部", "system"),
    "h4": ("2026-04-08 09:00", "--customer 丙 --phone 13900000001", "--channel phone", "card", "facilities", "营业部", "system"),
    "a5": ("2026-04-20 09:00", "--customer 癸 --phone 13800000005", "--channel letter", "card", "other", "城东支行", "service"),
    "a6": ("2026-05-06 09:00", "--customer 子 --phone 13800000006", "--channel online", "loan", "returns", "城西支行", "product"),
    "a7": ("2026-05-11 09:00", "--customer 丑 --phone 13800000007 --group-size 6", "--channel in-person --severity serious", "deposit", "funds-safety", "营业部", "external"),
    "a8": ("2026-06-01 09:00", "--customer 寅 --phone 13800000008", "--channel regulator --referred-by 广东银保监局 --referral-ref 粤银保监转〔2026〕12号", "loan", "contract", "城西支行", "product"),
    "a9": ("2026-06-30 23:30", "--customer 卯 --phone 13800000009", "--channel sms --kind inquiry", "card", "disclosure", "城东支行", "service"),
    "b1": ("2026-07-01 00:10", "--customer 辰 --phone 13800000010", "--channel phone", "card", "service-quality", "城东支行", "service"),
    "b2": ("2026-07-15 10:00", "--customer 巳 --phone 13800000011", "--channel phone", "card", "service-quality", "城东支行", "service"),
}

CLOSE = "--result upheld --resolution 已处理 --notified-via phone"
ACTIONS = [
    ("assign", "a1", "--to 王五 --unit 城东支行 --at '2026-01-05 11:00'"),
    ("close", "a1", f"{CLOSE} --compensation 100.50 --root-cause 柜员解释不清 --rectification 开展业务培训 --at '2026-01-09 16:00'"),
    ("assign", "a2", "--to 李雷 --at '2026-02-12 10:00'"),
    ("close", "a2", f"{CLOSE} --at '2026-02-27 10:00'"),
    ("assign", "a3", "--to 王五 --at '2026-03-02 10:00'"),
    ("close", "a3", f"{CLOSE} --compensation 200 --root-cause 系统升级延误 --rectification 优化升级公告 --at '2026-04-10 15:00'"),
    ("assign", "a4", "--to 韩梅梅 --at '2026-04-01 10:00'"),
    ("extend", "a4", "--days 10 --reason 需调查取证 --notified-via sms --at '2026-04-20 09:00'"),
    ("close", "a4", f"{CLOSE} --at '2026-04-30 17:00'"),
    ("reject", "a5", "--reason 无事实依据 --notified-via letter --at '2026-04-21 09:00'"),
    ("withdraw", "a6", "--reason 客户撤回 --at '2026-05-07 09:00'"),
    ("assign", "a8", "--to 李雷 --at '2026-06-01 10:00'"),
    ("close", "a8", f"{CLOSE} --compensation 1000 --root-cause 合同条款未充分提示 --rectification 修订合同提示 --at '2026-06-23 18:00'"),
    ("close", "b2", f"{CLOSE} --at '2026-07-20 10:00'"),
]


def run_ok(runner: Live, args: str) -> str:
    result = runner(args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory, calendar_cache):
    """The ledger above, built once through the CLI; each test gets a copy."""
    path = tmp_path_factory.mktemp("reports") / "ledger.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TSK_DB", str(path))
        mp.setenv("TSK_USER", "officer")
        mp.setenv("XDG_CACHE_HOME", str(calendar_cache))
        mp.setenv("XDG_DATA_HOME", str(path.parent / "data"))
        runner = Live(mp, lambda argv, input=None: CliRunner().invoke(app, argv))  # each entered as it happened
        refs = {}
        for name, (received, customer, how, bt, cause, unit, cat) in COMPLAINTS.items():
            out = run_ok(runner, f"add --received '{received}' {customer} {how} "
                                 + BASE.format(bt=bt, cause=cause, unit=unit, cat=cat))
            refs[name] = out.split()[0]
        for command, name, options in ACTIONS:
            run_ok(runner, f"{command} {refs[name]} {options}")
    return path, refs


@pytest.fixture
def refs(built, isolated):
    """A fresh copy of the built ledger at this test's TSK_DB."""
    path, names = built
    source, target = sqlite3.connect(path), sqlite3.connect(os.environ["TSK_DB"])
    source.backup(target)
    source.close()
    target.close()
    return names


def report(tsk, args: str):
    run = tsk(f"report {args} --format json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def md_tables(text: str) -> list[list[str]]:
    """Every pipe table in a Markdown text, as its lines; each checked to be well formed."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    for table in tables:
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in table}
        assert len(widths) == 1, table
        assert re.fullmatch(r"\|( -{3,}:? \|)+", table[1]), table[1]
        assert all(line.endswith(" |") for line in table), table
    return tables


# -- the half-year report --------------------------------------------------------------------------
def test_half_year_totals_count_the_complaints_received_in_the_period(tsk, refs):
    doc = report(tsk, "half-year 2026H1 --as-of 2026-07-01")
    assert doc["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert doc["totals"] == {
        "received": 16, "accepted": 15, "rejected": 1, "withdrawn": 1, "resolved": 5, "resolved_on_time": 4,
        "open": 9, "overdue_open": 8, "extended": 1, "group": 1, "referred": 1,
        "lapsed": 1, "late_entries": 0, "late_extensions": 0,  # a3: its close found its resolution clock lapsed
        "merged": 0,
    }
    assert doc["as_of"] == "2026-07-01"


def test_half_year_breakdowns_list_every_vocabulary_key(tsk, refs):
    by = report(tsk, "half-year 2026H1")["by"]
    assert by["kind"] == {"complaint": 14, "suggestion": 1, "inquiry": 1}
    assert by["channel"] == {"phone": 8, "in-person": 2, "letter": 1, "email": 1, "fax": 0, "sms": 1, "online": 1,
                             "comment-book": 1, "regulator": 1}
    assert by["category"] == {"service": 4, "product": 3, "process": 4, "system": 4, "external": 1}
    # every class of JR/T 0169-2018, in the standard's order
    assert by["business_type"] == {"card": 7, "debt-collection": 0, "loan": 3, "payment": 4, "wealth-management": 0,
                                   "other-intermediary": 0, "agency": 0, "personal-info": 0, "forex": 0, "deposit": 2,
                                   "precious-metals": 0, "treasury": 0, "currency": 0, "other": 0}
    assert by["cause"] == {"service-quality": 2, "facilities": 4, "rules": 4, "marketing": 0, "disclosure": 1,
                           "choice": 0, "pricing": 0, "returns": 1, "contract": 2, "funds-safety": 1, "info-safety": 0,
                           "collection": 0, "other": 1}
    assert by["severity"] == {"general": 14, "serious": 2, "major": 0}
    assert by["unit"] == {"城西支行": 6, "营业部": 6, "城东支行": 4}
    assert list(by["unit"]) == ["城西支行", "营业部", "城东支行"]  # most complaints first


def test_resolution_working_days_mean_and_median_over_the_resolved(tsk, refs):
    # 4 (a1), 6 (a2, across Spring Festival), 28 (a3, across Qingming), 20 (a4), 15 (a8)
    assert report(tsk, "half-year 2026H1")["resolution_working_days"] == {"mean": 14.6, "median": 15.0}
    assert report(tsk, "half-year 2026H2")["resolution_working_days"] == {"mean": 3.0, "median": 3.0}


def test_23_30_on_30_june_is_h1_and_00_10_on_1_july_is_h2(tsk, refs):
    h1 = report(tsk, "half-year 2026H1")
    h2 = report(tsk, "half-year 2026H2")
    assert h1["by"]["kind"]["inquiry"] == 1  # a9, 23:30 on 30 June
    assert h2["totals"]["received"] == 2  # b1 at 00:10 on 1 July, and b2
    assert h2["totals"]["open"] == 1 and h2["totals"]["resolved"] == 1
    assert h2["period"] == {"start": "2026-07-01", "end": "2026-12-31"}
    # 23:59 on 31 December 2025 belongs to 2025H2, not 2026H1
    assert report(tsk, "half-year 2025H2")["totals"]["received"] == 1


def test_a_time_given_in_utc_falls_in_the_china_half_year(tsk):
    run = tsk("add --received 2026-06-30T16:10:00Z --customer 午 --channel phone --category service "
              "--business-type card --cause other --unit 城东支行 --summary x")
    assert run.exit_code == 0, run.stderr
    assert report(tsk, "half-year 2026H1")["totals"]["received"] == 0
    assert report(tsk, "half-year 2026H2")["totals"]["received"] == 1


def test_overdue_open_is_a_snapshot_at_the_as_of_date(tsk, refs):
    # At the end of 1 April: a3 (due 03-23, closed only on 04-10), h1 (due 03-31), n1 (01-30),
    # n2 (03-13) were unfinished and past due; h2 (due 04-13) and a4/n3 (04-23) were not yet.
    assert report(tsk, "half-year 2026H1 --as-of 2026-04-01")["totals"]["overdue_open"] == 4
    # At 1 July every open one but a9 (due 07-21); today all nine open ones.
    assert report(tsk, "half-year 2026H1 --as-of 2026-07-01")["totals"]["overdue_open"] == 8
    assert report(tsk, "half-year 2026H1")["totals"]["overdue_open"] == 9


def test_hot_spot_needs_three_customers_within_thirty_days(tsk, refs):
    doc = report(tsk, "half-year 2026H1")
    # 营业部/system: 丙 twice, 丁, 戊 (name only) from 03-10 to 04-05. 城西支行/process has three
    # customers too, but 81 days apart; 城东支行/service four customers, never three in 30 days.
    assert doc["hotspots"] == [{"unit": "营业部", "category": "system", "complaints": 4, "customers": 3}]


def test_hot_spot_follows_the_ledger_settings(tsk, refs):
    assert tsk("config set hotspot_window_days 90").exit_code == 0
    units = {(h["unit"], h["category"]) for h in report(tsk, "half-year 2026H1")["hotspots"]}
    assert units == {("营业部", "system"), ("城西支行", "process")}  # 城东支行/service: 3 in no 90 days
    assert tsk("config set hotspot_threshold 4").exit_code == 0
    assert report(tsk, "half-year 2026H1")["hotspots"] == []


def test_causes_rectifications_and_compensation_from_closed_complaints(tsk, refs):
    doc = report(tsk, "half-year 2026H1")
    assert doc["causes_and_rectifications"] == [
        {"ref": refs["a1"], "category": "service", "root_cause": "柜员解释不清", "rectification": "开展业务培训"},
        {"ref": refs["a3"], "category": "service", "root_cause": "系统升级延误", "rectification": "优化升级公告"},
        {"ref": refs["a8"], "category": "product", "root_cause": "合同条款未充分提示", "rectification": "修订合同提示"},
    ]
    assert doc["compensation"] == {"total": 1300.5, "by_unit": {"城东支行": 300.5, "城西支行": 1000.0}}


def test_causes_are_grouped_in_the_document_and_listed_one_by_one_in_json(tsk, refs):
    close = f"close {refs['a9']} {CLOSE} --root-cause 柜员解释不清 --rectification 开展业务培训 --at '2026-07-02 10:00'"
    assert tsk(close).exit_code == 0
    assert [c["ref"] for c in report(tsk, "half-year 2026H1")["causes_and_rectifications"]] == [
        refs["a1"], refs["a3"], refs["a8"], refs["a9"]]
    run = tsk("report half-year 2026H1 --format md")
    assert run.exit_code == 0, run.stderr
    causes = next(t for t in md_tables(run.stdout) if t[0].startswith("| 投诉类别 | 原因分析 |"))
    assert causes[2:] == [f"| 服务类 | 柜员解释不清 | 开展业务培训 | 2 | {refs['a1']} {refs['a9']} |",
                          f"| 服务类 | 系统升级延误 | 优化升级公告 | 1 | {refs['a3']} |",
                          f"| 产品类 | 合同条款未充分提示 | 修订合同提示 | 1 | {refs['a8']} |"]
    assert "4 件登记了原因分析或整改措施，按类别、原因和整改措施归为 3 类" in run.stdout


def test_causes_are_listed_in_ref_order_when_refs_are_not_in_receipt_order(tsk, refs):
    # Registered last (the highest ref) but received first: the causes still go by ref.
    run = tsk("add --received '2026-01-02 09:00' --customer 晚登记 --phone 13500000001 --channel phone "
              + BASE.format(bt="card", cause="service-quality", unit="城东支行", cat="service"))
    assert run.exit_code == 0, run.stderr
    late = run.stdout.split()[0]
    assert tsk(f"close {late} {CLOSE} --root-cause 系统升级延误 --rectification 优化升级公告 --at '2026-01-06 10:00'").exit_code == 0
    doc = report(tsk, "half-year 2026H1")
    assert [c["ref"] for c in doc["causes_and_rectifications"]] == [refs["a1"], refs["a3"], refs["a8"], late]
    assert doc["causes_and_rectifications"][-1] == {"ref": late, "category": "service", "root_cause": "系统升级延误",
                                                    "rectification": "优化升级公告"}
    run = tsk("report half-year 2026H1 --format md")
    causes = next(t for t in md_tables(run.stdout) if t[0].startswith("| 投诉类别 | 原因分析 |"))
    assert causes[2] == f"| 服务类 | 系统升级延误 | 优化升级公告 | 2 | {refs['a3']} {late} |"


def test_half_year_json_is_indented_like_every_other_json_output(tsk, refs):
    for period in ("2026H1", "2030H1"):  # with causes (written apart, in batches) and without
        run = tsk(f"report half-year {period} --format json")
        assert run.exit_code == 0, run.stderr
        assert run.stdout == json.dumps(json.loads(run.stdout), ensure_ascii=False, indent=2) + "\n"


def test_half_year_json_is_the_same_written_as_bytes_or_as_text(refs):
    """A UTF-8 stream and a text-only stream get the same text: json.dumps of the document."""
    import io

    from tsk import reports
    from tsk.context import Ledger
    from tsk.render import reports as shown

    ledger = Ledger.open(os.environ["TSK_DB"], "officer")
    try:
        doc = reports.half_year_report(ledger, reports.half_year("2026H1"))
    finally:
        ledger.store.close()
    expected = json.dumps({**doc, "causes_and_rectifications": list(doc["causes_and_rectifications"])},
                          ensure_ascii=False, indent=2) + "\n"
    text = io.StringIO()
    shown.write_json(doc, text)
    raw = io.BytesIO()
    wrapped = io.TextIOWrapper(raw, encoding="utf-8")
    shown.write_json(doc, wrapped)
    wrapped.flush()
    assert text.getvalue() == raw.getvalue().decode() == expected


def test_half_year_counts_alike_whatever_the_batch_size(tsk, refs, monkeypatch):
    from tsk import reports

    whole = report(tsk, "half-year 2026H1")
    for size in (1, 2, 3):  # cells turning hot, and every cell known and hot, within and across batches
        monkeypatch.setattr(reports, "BATCH", size)
        assert report(tsk, "half-year 2026H1") == whole
    assert tsk("config set hotspot_window_days 90").exit_code == 0
    monkeypatch.setattr(reports, "BATCH", 2)
    assert {(h["unit"], h["category"]) for h in report(tsk, "half-year 2026H1")["hotspots"]} == {
        ("营业部", "system"), ("城西支行", "process")}


def test_report_queries_read_the_period_through_its_index_without_analyze(refs):
    """A ledger built by `tsk add` has no statistics: the planner must still range-scan
    ix_complaint_received, not read every closed complaint through the status index."""
    from tsk import reports
    from tsk.store import queries as q

    vocab = reports.DIMENSIONS["kind"]
    statements = [q.report_totals([("p0", vocab.expr, "p0")]), q.REPORT_PERIOD_ROWS, q.report_resolution_pairs(),
                  q.report_resolution_pairs("unit"), q.report_stats("unit"), q.report_breakdown("kind"), q.REPORT_LATE]
    params = {**reports.half_year("2026H1").params(), **reports.as_of_params(reports.timeutil.today()), "p0": "complaint"}
    from contextlib import closing

    with closing(sqlite3.connect(os.environ["TSK_DB"])) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (0,)
        for sql in statements:
            plan = " / ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert "USING INDEX ix_complaint_received (received_at>? AND received_at<?)" in plan, (sql, plan)
        plan = " / ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + q.REPORT_PERIOD_ROWS, params))
        assert "TEMP B-TREE" not in plan  # receipt order from the index itself


def test_report_due_dates_of_the_cbrc_and_guangdong(tsk, refs):
    assert report(tsk, "half-year 2026H1")["report_due"] == {"cbrc": "2026-07-30", "gdrcc": "2026-06-15"}
    assert report(tsk, "half-year 2026H2")["report_due"] == {"cbrc": "2027-01-30"}  # 15 December is the year's


def test_half_year_json_has_the_keys_of_the_contract(tsk, refs):
    doc = report(tsk, "half-year 2026H1")
    assert {"period", "totals", "by", "resolution_working_days", "hotspots", "causes_and_rectifications"} <= set(doc)
    assert set(doc["by"]) == {"kind", "channel", "category", "business_type", "cause", "severity", "unit"}


def test_empty_period_reports_zeros_and_null_times(tsk):
    doc = report(tsk, "half-year 2030H1")
    assert doc["totals"]["received"] == 0 and doc["hotspots"] == [] and doc["causes_and_rectifications"] == []
    assert doc["resolution_working_days"] == {"mean": None, "median": None}
    assert doc["compensation"] == {"total": 0.0, "by_unit": {}}


def test_half_year_table_is_a_chinese_document(tsk, refs):
    run = tsk("report half-year 2026H1 --as-of 2026-07-01")
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert "2026年上半年客户投诉统计分析报告" in text
    for heading in ("一、总体情况", "二、分类统计", "三、处理时效", "四、热点问题", "五、主要问题、原因分析及整改措施",
                    "六、补偿情况", "（七）按被投诉单位", "合计"):
        assert heading in text
    assert "2026-07-30" in text and "2026-06-15" in text
    assert re.search(r"按时办结\s+4\s+占办结 80\.0%", text)
    assert re.search(r"营业部\s+系统类\s+4\s+3", text)


def test_half_year_markdown_pastes_as_pipe_tables(tsk, refs):
    run = tsk("report half-year 2026H1 --format md")
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert text.startswith("# 2026年上半年客户投诉统计分析报告\n")
    assert "\n## 一、总体情况\n\n| 项目 | 件数 | 占比 |\n| --- | ---: | ---: |\n| 收到投诉 | 16 |  |\n" in text
    tables = md_tables(text)
    # overview, 7 breakdowns, times, hot spots, causes, compensation, the lapses recorded per clock
    assert len(tables) == 1 + 7 + 1 + 1 + 1 + 1 + 1
    assert tables[-1][0] == "| 时限 | 件数 |" and tables[-1][-1].startswith("| 合计 | ")
    category = next(t for t in tables if t[0] == "| 投诉类别 | 件数 | 占比 |")
    assert category[2:] == ["| 服务类 | 4 | 25.0% |", "| 产品类 | 3 | 18.8% |", "| 流程类 | 4 | 25.0% |",
                            "| 系统类 | 4 | 25.0% |", "| 外部类 | 1 | 6.2% |", "| 合计 | 16 | 100.0% |"]
    assert "| 处理工作日中位数 | 15 |" in text and "| 平均处理工作日 | 14.6 |" in text


def test_half_year_in_english(tsk, refs):
    run = tsk("report half-year 2026H1 --format md --lang en")
    assert run.exit_code == 0, run.stderr
    assert "## 1. Overview" in run.stdout and "| received | 16 |  |" in run.stdout
    md_tables(run.stdout)


def test_half_year_csv_is_long_form(tsk, refs):
    import csv
    import io

    run = tsk("report half-year 2026H1 --format csv")
    assert run.exit_code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == ["section", "key", "label", "value"]
    values = {(r["section"], r["key"]): r["value"] for r in rows}
    assert values[("totals", "received")] == "16"
    assert values[("by.channel", "regulator")] == "1"
    assert values[("by.unit", "营业部")] == "6"
    assert values[("hotspots.customers", "营业部|system")] == "3"
    assert values[("compensation", "total")] == "1300.5"
    assert values[("resolution_working_days", "median")] == "15.0"


@pytest.mark.parametrize("period", ["2026", "2026H3", "H1", "26H1"])
def test_a_period_that_is_not_a_half_year_is_a_usage_error(tsk, period):
    run = tsk(f"report half-year {period}")
    assert run.exit_code == 2
    assert run.stderr.startswith("Error:") and "2026H1" in run.stderr


def test_unknown_format_is_a_usage_error(tsk):
    assert tsk("report half-year 2026H1 --format xml").exit_code == 2


# -- period statistics ------------------------------------------------------------------------------
def test_stats_per_unit(tsk, refs):
    rows = report(tsk, "stats --since 2026-01-01 --until 2026-06-30 --by unit")
    assert rows == [
        {"key": "城东支行", "received": 4, "resolved": 2, "resolved_on_time": 1, "on_time_rate": 0.5, "overdue": 0,
         "avg_working_days": 16.0},
        {"key": "城西支行", "received": 6, "resolved": 2, "resolved_on_time": 2, "on_time_rate": 1.0, "overdue": 3,
         "avg_working_days": 10.5},
        {"key": "营业部", "received": 6, "resolved": 1, "resolved_on_time": 1, "on_time_rate": 1.0, "overdue": 5,
         "avg_working_days": 20.0},
    ]


def test_stats_per_handler(tsk, refs):
    rows = {r["key"]: r for r in report(tsk, "stats --since 2026-01-01 --until 2026-06-30 --by assignee")}
    assert list(rows) == ["李雷", "王五", "韩梅梅", None]
    assert rows["王五"] == {"key": "王五", "received": 2, "resolved": 2, "resolved_on_time": 1, "on_time_rate": 0.5,
                          "overdue": 0, "avg_working_days": 16.0}
    assert rows["李雷"]["avg_working_days"] == 10.5 and rows["李雷"]["on_time_rate"] == 1.0
    assert rows[None]["received"] == 11 and rows[None]["overdue"] == 8 and rows[None]["avg_working_days"] is None


def test_stats_per_month(tsk, refs):
    rows = report(tsk, "stats --since 2026-01-01 --until 2026-06-30 --by month")
    assert [(r["key"], r["received"], r["resolved"], r["resolved_on_time"], r["overdue"], r["avg_working_days"])
            for r in rows] == [
        ("2026-01", 2, 1, 1, 1, 4.0), ("2026-02", 2, 1, 1, 1, 6.0), ("2026-03", 3, 1, 0, 2, 28.0),
        ("2026-04", 5, 1, 1, 3, 20.0), ("2026-05", 2, 0, 0, 1, None), ("2026-06", 2, 1, 1, 0, 15.0),
    ]
    assert rows[4]["on_time_rate"] is None and rows[2]["on_time_rate"] == 0.0


def test_stats_range_is_inclusive_and_in_china_time(tsk, refs):
    rows = report(tsk, "stats --since 2026-06-30 --until 2026-07-01 --by unit")
    assert rows == [{"key": "城东支行", "received": 2, "resolved": 0, "resolved_on_time": 0, "on_time_rate": None,
                     "overdue": 0, "avg_working_days": None}]


def test_stats_table_has_chinese_headings_and_a_total(tsk, refs):
    run = tsk("report stats --since 2026-01-01 --until 2026-06-30 --by unit")
    assert run.exit_code == 0, run.stderr
    assert "被投诉单位" in run.stdout and "按时率" in run.stdout and "平均处理工作日" in run.stdout
    assert re.search(r"合计\s+16\s+5\s+4\s+80\.0%\s+8\s+14\.6", run.stdout)


def test_stats_csv_has_stable_columns(tsk, refs):
    run = tsk("report stats --since 2026-01-01 --until 2026-06-30 --by category --format csv")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "key,received,resolved,resolved_on_time,on_time_rate,overdue,avg_working_days"
    assert lines[1] == "service,4,2,1,0.5,0,16.0"


def test_stats_by_an_unknown_dimension_is_a_usage_error(tsk):
    run = tsk("report stats --since 2026-01-01 --until 2026-06-30 --by colour")
    assert run.exit_code == 2 and "unit" in run.stderr


# -- the trend chart ------------------------------------------------------------------------------------
def test_trend_chart_shows_every_month_with_its_count(tsk, refs):
    run = tsk("report trend --months 12 --until 2026-07-31")
    assert run.exit_code == 0, run.stderr
    months = re.findall(r"^(\d{4}-\d{2})\s+(\d+)", run.stdout, re.M)
    assert months == [("2025-08", "0"), ("2025-09", "0"), ("2025-10", "0"), ("2025-11", "0"), ("2025-12", "1"),
                      ("2026-01", "2"), ("2026-02", "2"), ("2026-03", "3"), ("2026-04", "5"), ("2026-05", "2"),
                      ("2026-06", "2"), ("2026-07", "2")]
    april = next(line for line in run.stdout.splitlines() if line.startswith("2026-04"))
    assert "█" * 40 in april  # the busiest month gets the longest bar
    assert "合计 19 件" in run.stdout


def test_trend_by_category_stacks_and_has_a_legend(tsk, refs):
    run = tsk("report trend --months 3 --until 2026-04-30 --by category")
    assert run.exit_code == 0, run.stderr
    assert "图例" in run.stdout and "服务类" in run.stdout and "系统类" in run.stdout
    assert [m for m in re.findall(r"^(\d{4}-\d{2})", run.stdout, re.M)] == ["2026-02", "2026-03", "2026-04"]
    data = report(tsk, "trend --months 3 --until 2026-04-30 --by category")
    assert {"month": "2026-04", "key": "system", "count": 2} in data


def test_trend_json_without_grouping(tsk, refs):
    assert report(tsk, "trend --months 2 --until 2026-07-31") == [{"month": "2026-06", "count": 2},
                                                                  {"month": "2026-07", "count": 2}]


# -- the library's pieces --------------------------------------------------------------------------------
def test_weighted_median_of_an_even_count_is_the_mean_of_the_middle_two():
    from collections import Counter

    from tsk.reports import Durations

    assert Durations(Counter({2: 1, 4: 1, 10: 2})).median() == 7.0
    assert Durations(Counter({3: 5})).median() == 3.0
    assert Durations(Counter({1: 1, 5: 1, 9: 1})).mean() == 5.0
    assert Durations().median() is None


def test_hot_window_counts_distinct_customers_within_the_window():
    from tsk.reports import hot_window

    def rows(*pairs):
        return [{"day": d, "customer": c} for d, c in pairs]

    assert hot_window(rows(("2026-03-01", "a"), ("2026-03-05", "a"), ("2026-03-09", "a")), 3, 30) is None
    assert hot_window(rows(("2026-03-01", "a"), ("2026-03-15", "b"), ("2026-03-30", "c")), 3, 30) == ("2026-03-01", "2026-03-30")
    assert hot_window(rows(("2026-03-01", "a"), ("2026-03-15", "b"), ("2026-03-31", "c")), 3, 30) is None
    assert hot_window(rows(("2026-03-01", "a"), ("2026-03-15", "b"), ("2026-03-31", "c"), ("2026-04-02", "d")), 3, 30) == (
        "2026-03-15", "2026-04-02")


@pytest.mark.parametrize("by, key", [("单位", "unit"), ("被投诉单位", "unit"), ("类别", "category"), ("业务类型", "business-type"),
                                     ("business_type", "business-type"), ("Cause", "cause"), ("月份", "month")])
def test_by_takes_the_english_key_or_a_chinese_name(by, key):
    from tsk import reports

    assert reports.dimension(by) is reports.DIMENSIONS[key]


def test_the_by_choices_are_the_reports_dimensions():
    from tsk import reports
    from tsk.vocab import BY

    assert set(BY.keys) == set(reports.DIMENSIONS)
