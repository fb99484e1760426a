"""Hostile input, case by case (docs/rules.md, Bad input): each of these was a Python traceback
or an error echoing a whole value; each is now one `Error:` line, a documented exit code (README, Commands), and
a ledger left as it was. tests/test_fuzz.py looks for more of them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import one_error_line, snapshot

RECEIVED = "2026-08-03 10:00"
BASE = ["--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
        "--cause", "other", "--unit", "城关支行", "--summary", "排队", "--received", RECEIVED]
WRONG_CHECK_DIGIT = "110105194912310021"  # 11010519491231002X is the valid one


@pytest.fixture
def ref(tsk):
    run = tsk(["add", *BASE])
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


def refused(tsk, ledger_path, argv, code=2) -> str:
    before = snapshot(ledger_path)
    run = tsk(argv)
    line = one_error_line(run)
    assert run.exit_code == code, run.stderr
    assert snapshot(ledger_path) == before
    return line


@pytest.mark.parametrize("argv", [
    ["--as", "\udcff\udcfe", "note", "{ref}", "说明"],
    ["note", "{ref}", "a\udc80b"],
    ["add", *BASE[:-2], "--received", "\udcff"],
    ["--as=\udcff", "note", "{ref}", "x"],
])
def test_text_that_is_not_utf8_is_refused_naming_where(tsk, ledger_path, ref, argv):
    line = refused(tsk, ledger_path, [a.replace("{ref}", ref) for a in argv])
    assert line.endswith("is not valid UTF-8 text"), line
    assert "\udcff" not in line and "\udc80" not in line


def test_an_actor_from_the_environment_that_is_not_utf8_is_refused(tsk, ledger_path, ref, monkeypatch):
    monkeypatch.setenv("TSK_USER", "\udcff")
    assert refused(tsk, ledger_path, ["note", ref, "x"]) == "Error: $TSK_USER is not valid UTF-8 text"


@pytest.mark.parametrize("argv, needle", [
    (["list", "--until", "9999-12-31"], "--until '9999-12-31' is out of range (years 1900 to 2999)"),
    (["overdue", "--as-of", "0001-01-01"], "--as-of '0001-01-01' is out of range"),
    (["check", "--as-of", "0001-01-01T00:00+14:00"], "is out of range"),
    (["calendar", "shift", "9999-12-31", "15"], "'9999-12-31' is out of range"),
    (["calendar", "between", "2026-01-01", "9999-12-31T23:59-12:00"], "is out of range"),
    (["report", "stats", "--since", "0001-01-01"], "is out of range"),
    (["list", "--limit", "100000000000000000000"], "is not in the range 0<=x<=100000000"),
    (["calendar", "shift", "2026-01-01", "1" + "0" * 40], "is not in the range"),
    (["calendar", "publish", "100000000000000000000"], "is not in the range 1900<=x<=2999"),
    (["overdue", "--within", "99999999999"], "is not in the range"),
    (["calendar", "explain", "2026-01-01", "99999999", "--unit", "months"], "up to 10,000"),
    (["add", *BASE[:-2], "--received", "0999-06-01"], "out of range"),
    (["add", *BASE[:-2], "--received", "1989-12-31 23:59"], "is before 1990-01-01: not a plausible date of receipt"),
    (["add", *BASE[:-2], "--received", "2999-01-01"], "is in the future"),
    (["--db", "postgresql://[::1", "list"], "--db is not a database URL that can be read"),
])
def test_values_past_any_range_are_one_error_line(tsk, ledger_path, ref, argv, needle):
    assert needle in refused(tsk, ledger_path, argv)


@pytest.mark.parametrize("amount", ["1e309", "1" + "0" * 40, "-1e309", "NaN", "Infinity"])
def test_an_impossible_amount_is_refused(tsk, ledger_path, ref, amount):
    line = refused(tsk, ledger_path, ["close", ref, "--result", "upheld", "--resolution", "好",
                                      "--notified-via", "sms", "--compensation", amount])
    assert "must be an amount from 0 to 1,000,000,000 yuan" in line or "is not an amount" in line


@pytest.mark.parametrize("argv", [["import", "a\r\nb.csv"], ["policy", "add", "\x1e"], ["export", "-o", "/no/such\n/x"]])
def test_a_file_name_with_control_characters_is_escaped(tsk, ref, argv):
    run = tsk(argv)
    assert run.exit_code in (1, 2) and one_error_line(run)


def test_a_postgresql_url_is_never_echoed(tsk):
    run = tsk(["--db", "postgresql://officer:s3cret@[::1:5432/tsk", "list"])
    line = one_error_line(run)
    assert run.exit_code == 2 and "s3cret" not in line


def test_a_ledger_name_too_long_for_the_file_system(tsk, tmp_path):
    run = tsk(["--db", str(tmp_path / ("a" * 300 + ".db")), "init"])
    line = one_error_line(run)
    assert run.exit_code == 1 and "File name too long" in line and "(3" in line  # cut, with its length


# -- texts: capped where they enter, so that every export can be imported ------------------------
def test_a_text_longer_than_the_cap_is_refused_with_its_length_not_its_value(tsk, ledger_path, ref):
    line = refused(tsk, ledger_path, ["note", ref, "投" * 100_000])
    assert line == "Error: note is 100,000 characters long, more than the 10,000 a text may have"
    line = refused(tsk, ledger_path, ["add", *BASE[:-4], "--summary", "x" * 10_001, "--received", RECEIVED])
    assert "summary is 10,001 characters long" in line


def test_a_long_bad_value_is_cut_in_the_error(tsk, ledger_path, ref):
    line = refused(tsk, ledger_path, ["show", "TS-" + "9" * 100_000])
    assert len(line) < 200 and "(100,003 characters)" in line and "…" in line
    line = refused(tsk, ledger_path, ["list", "--format", "x" * 100_000])
    assert len(line) < 200 and "(100,000 characters)" in line


def test_a_text_at_the_cap_goes_round_trip(tsk, tmp_path):
    long = "长" * 10_000
    assert tsk(["add", *BASE[:-4], "--summary", long, "--received", RECEIVED]).exit_code == 0
    first = tmp_path / "a.csv"
    assert tsk(["export", "--show-pii", "-o", str(first)]).exit_code == 0
    tsk_db = tmp_path / "copy.db"
    assert tsk(["--db", str(tsk_db), "import", str(first)]).exit_code == 0
    again = tmp_path / "b.csv"
    assert tsk(["--db", str(tsk_db), "export", "--show-pii", "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == first.read_bytes()


# -- personal data is never echoed --------------------------------------------------------------
def test_a_wrong_id_number_is_not_echoed_by_add(tsk, ledger_path, ref):
    line = refused(tsk, ledger_path, ["add", *BASE, "--id-number", WRONG_CHECK_DIGIT])
    assert line == "Error: ID number '110***********0021' has a wrong check digit"
    assert "19491231" not in line  # the birth date in it


def export_rows(tsk, tmp_path) -> tuple[list[str], list[list[str]]]:
    path = tmp_path / "all.csv"
    assert tsk(["export", "--show-pii", "-o", str(path)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def write_csv(path, header, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows([header, *rows])


@pytest.mark.parametrize("column, value, shown", [
    ("customer_id_number", WRONG_CHECK_DIGIT, "'110***********0021' has a wrong check digit"),
    ("customer_id_number", "1101051949", "'110***1949' is not 18 characters"),
    ("customer_phone", "13812345678 ext 9", "is not a phone number"),
])
def test_a_bad_id_or_phone_is_not_echoed_by_import(tsk, ref, tmp_path, column, value, shown):
    header, rows = export_rows(tsk, tmp_path)
    rows[0][header.index(column)] = value
    rows[0][header.index("ref")] = "TS-2026-000777"
    path = tmp_path / "bad.csv"
    write_csv(path, header, rows)
    run = tsk(["--db", str(tmp_path / "new.db"), "import", str(path)])
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert shown in run.stderr and value not in run.stderr and "19491231" not in run.stderr


# -- import: what the readers cannot take ----------------------------------------------------------
def import_lines(tsk, tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = tsk(["import", str(path)])  # into the test's own, empty ledger
    assert run.exit_code == 1 and "Traceback" not in run.stderr, run.stderr
    assert all(line.startswith("Error:") for line in run.stderr.splitlines()), run.stderr
    return run.stderr


@pytest.mark.parametrize("name, text", [
    ("deep.json", "[" * 200_000 + "]" * 200_000),
    ("deep.jsonl", '{"ref": ' + "[" * 200_000 + "]" * 200_000 + "}\n"),
])
def test_json_nested_past_the_parser_is_refused(tsk, tmp_path, name, text):
    assert "nested deeper than Python's JSON parser goes" in import_lines(tsk, tmp_path, name, text)


def test_a_csv_value_past_the_readers_limit_is_named_by_its_line(tsk, ref, tmp_path):
    header, rows = export_rows(tsk, tmp_path)
    rows[0][header.index("summary")] = "长" * 140_000
    path = tmp_path / "big.csv"
    write_csv(path, header, rows)
    stderr = import_lines(tsk, tmp_path, "big2.csv", path.read_text(encoding="utf-8"))
    assert "big2.csv line 2: a value is longer than the 10,000 characters a text may have" in stderr


@pytest.mark.parametrize("column, value, message", [
    ("summary", "长" * 20_000, "line 2: a value is longer than the 10,000 characters a text may have"),
    ("received_at", "1989-06-01T10:00:00+08:00", "field received_at: 1989-06-01T10:00:00+08:00 is before 1990-01-01"),
    ("received_at", "0999-06-01T10:00:00+08:00", "field received_at: '0999-06-01T10:00:00+08:00' is out of range"),
    ("closed_at", "9999-06-01T10:00:00+08:00", "field closed_at: '9999-06-01T10:00:00+08:00' is out of range"),
    ("due", "9999-06-01", "field due: '9999-06-01' is out of range"),
    ("compensation", "1" + "0" * 40, "field compensation: '1000000000000000000000000000000000000000…'"),
])
def test_import_refuses_what_add_refuses(tsk, ref, tmp_path, column, value, message):
    tsk(["close", ref, "--result", "upheld", "--resolution", "好", "--notified-via", "sms"])
    header, rows = export_rows(tsk, tmp_path)
    rows[0][header.index(column)] = value
    path = tmp_path / "bad.csv"
    write_csv(path, header, rows)
    stderr = import_lines(tsk, tmp_path, "bad.csv", path.read_text(encoding="utf-8"))
    assert message in stderr
    jsonl = tmp_path / "bad.jsonl"  # the record-by-record checks say the same (naming the field of a long text)
    jsonl.write_text(json.dumps(dict(zip(header, rows[0])), ensure_ascii=False) + "\n", encoding="utf-8")
    if column == "summary":
        message = "line 1, field summary: is 20,000 characters long, more than the 10,000 a text may have"
    assert message in import_lines(tsk, tmp_path, "bad.jsonl", jsonl.read_text(encoding="utf-8"))
