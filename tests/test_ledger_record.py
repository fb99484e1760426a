"""Nothing hidden (README, Reliability; docs/rules.md, Data care): besides each complaint's
history, the ledger-wide record — audit rows (imports, unmasked exports, settings, calendar,
policies), the settings, calendar corrections, published years and policies they account for,
the lapses, and the refs each import brought — is inside `verify` and the ledger digest. An
edit, deletion or insertion of any of their rows behind tsk's back is named, and moves the
digest."""

from __future__ import annotations

import json

import pytest
from helpers import Live, add, ok, sql


@pytest.fixture
def tsk(tsk, monkeypatch):
    """Each command entered when it happened (helpers.Live): backdated entries are not what these tests are about."""
    return Live(monkeypatch, tsk)


def digest(tsk) -> str:
    run = ok(tsk, ["verify"])
    return run.stdout.splitlines()[-1]


def fails(tsk, *named: str) -> str:
    run = tsk("verify")
    assert run.exit_code == 1, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("Error:"), run.stderr
    for name in named:
        assert name in run.stdout, (name, run.stdout)
    return run.stdout


def delete_complaint(path: str, ref: str) -> None:
    sql(path, "DELETE FROM event WHERE complaint_id = (SELECT id FROM complaint WHERE ref = ?)", (ref,))
    sql(path, "DELETE FROM complaint WHERE ref = ?", (ref,))


def exported(tsk, tmp_path, refs: dict[str, str]) -> str:
    """A file to import: the ledger's one complaint under other refs."""
    lines = tsk("export --show-pii").stdout.splitlines()
    rows = [lines[0]] + [lines[1].replace(old, new, 1) for old, new in refs.items()]
    path = tmp_path / "in.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


# -- imported refs are tracked one by one ----------------------------------------------------------
def test_an_imported_high_ref_does_not_hide_a_deleted_complaint_add_issued(tsk, ledger_path, tmp_path):
    first = add(tsk)
    add(tsk)
    ok(tsk, ["import", exported(tsk, tmp_path, {first: "TS-2026-000500"})])
    delete_complaint(ledger_path, first)
    fails(tsk, "TS-2026-000001: issued but missing")
    assert add(tsk) == "TS-2026-000501"


def test_a_deleted_imported_complaint_is_named(tsk, ledger_path, tmp_path):
    first = add(tsk)
    other = str(tmp_path / "other.db")
    source = exported(tsk, tmp_path, {first: "TS-2026-000007"})
    ok(tsk, ["--db", other, "import", source])
    ok(tsk, ["--db", other, "verify"])
    delete_complaint(other, "TS-2026-000007")
    run = tsk(["--db", other, "verify"])
    assert run.exit_code == 1 and "TS-2026-000007: issued but missing" in run.stdout


def test_the_numbers_an_import_passed_over_are_never_issued_and_never_expected(tsk, ledger_path, tmp_path):
    first = add(tsk)
    source = exported(tsk, tmp_path, {first: "TS-2026-000004"})
    ok(tsk, ["import", source])
    assert ok(tsk, ["verify"]).stdout.startswith("ok: 2 complaint(s)")  # 2 and 3 were never issued
    assert add(tsk) == "TS-2026-000005"
    details = json.loads(sql(ledger_path, "SELECT details FROM audit WHERE action = 'import'")[0][0])
    assert details["refs"] == {"2026": [[4, 4]]} and details["gaps"] == {"2026": [[2, 3]]}


# -- the audit chain -----------------------------------------------------------------------------------
def test_a_forged_audit_row_is_named(tsk, ledger_path):
    add(tsk)
    before = digest(tsk)
    sql(ledger_path, "INSERT INTO audit (at, actor, action, details, prev_hash, hash) VALUES "
                     "('2026-08-04T10:00:00+08:00', 'x', 'import', '{\"max_ref\": {\"2026\": 999}}', '', '')")
    fails(tsk, "audit row 1 (import): altered after it was recorded")
    sql(ledger_path, "DELETE FROM audit")
    assert digest(tsk) == before


def test_an_edited_or_deleted_audit_row_is_named_and_moves_the_digest(tsk, ledger_path):
    ok(tsk, ["config", "set", "group_threshold", "7"])
    ok(tsk, ["--as", "审计", "export", "--show-pii"])
    ok(tsk, ["config", "set", "hotspot_threshold", "4"])
    before = digest(tsk)
    sql(ledger_path, "UPDATE audit SET actor = 'someone' WHERE action = 'export-pii'")
    fails(tsk, "audit row 2 (export-pii): altered after it was recorded")
    sql(ledger_path, "DELETE FROM audit WHERE action = 'export-pii'")
    fails(tsk, "audit row 3 (config-set): does not follow the audit row before it")
    assert tsk("verify").stdout.splitlines()[-1] != before


# -- the tables the audit record accounts for --------------------------------------------------------
@pytest.mark.parametrize("statement, named", [
    ("UPDATE setting SET value = '9' WHERE key = 'group_threshold'", "setting group_threshold: differs from the audit record in value"),
    ("DELETE FROM setting WHERE key = 'group_threshold'", "setting group_threshold: deleted behind tsk's back"),
    ("INSERT INTO setting VALUES ('repeat_window_days', '1')", "setting repeat_window_days: not in the audit record"),
    ("UPDATE calendar_correction SET workday = 1", "calendar_correction 2027-10-08: differs from the audit record in workday"),
    ("DELETE FROM calendar_correction", "calendar_correction 2027-10-08: deleted behind tsk's back"),
    ("INSERT INTO calendar_correction VALUES ('2027-10-11', 0, NULL, 'x', '2026-08-04T10:00:00+08:00')",
     "calendar_correction 2027-10-11: not in the audit record"),
    ("UPDATE published_year SET note = 'x'", "published_year 2027: differs from the audit record in note"),
    ("DELETE FROM published_year", "published_year 2027: deleted behind tsk's back"),
    ("UPDATE policy_definition SET definition = replace(definition, '15', '25')",
     "policy_definition workdays2020 1: differs from the audit record in definition"),
])
def test_an_edit_of_an_audited_table_is_named_and_moves_the_digest(tsk, ledger_path, statement, named):
    ok(tsk, ["config", "set", "group_threshold", "7"])
    ok(tsk, ["calendar", "set", "2027-10-08", "--holiday", "--note", "国办发明电"])
    ok(tsk, ["calendar", "publish", "2027", "--note", "国办发明电"])
    ok(tsk, ["policy", "add", "examples/policies/workdays2020.toml"])
    ok(tsk, ["calendar", "set", "2027-10-09", "--holiday"])
    ok(tsk, ["calendar", "unset", "2027-10-09"])
    before = digest(tsk)
    sql(ledger_path, statement)
    fails(tsk, named)
    assert tsk("verify").stdout.splitlines()[-1] != before


# -- lapses are facts ------------------------------------------------------------------------------------
@pytest.fixture
def lapsed(tsk, ledger_path):
    ref = add(tsk, "2026-08-03 10:00")
    run = tsk("check --as-of 2026-08-25")
    assert run.exit_code == 3, run.stderr
    assert len(sql(ledger_path, "SELECT * FROM lapse")) == 2  # ack and resolution
    return ref


def test_a_deleted_lapse_is_named_and_moves_the_digest(tsk, ledger_path, lapsed):
    before = digest(tsk)
    sql(ledger_path, "DELETE FROM lapse WHERE clock = 'resolution'")
    fails(tsk, f"{lapsed}: lapse resolution due 2026-08-24 recorded by {lapsed} event 3 (escalated) "
               "is missing from the lapse table")
    assert tsk("verify").stdout.splitlines()[-1] != before


def test_an_inserted_or_edited_lapse_is_named(tsk, ledger_path, lapsed):
    sql(ledger_path, "INSERT INTO lapse VALUES ((SELECT id FROM complaint), 'cap', '2026-08-20', '2026-08-25T00:00:00+08:00')")
    fails(tsk, f"{lapsed}: lapse cap due 2026-08-20: in the lapse table, but no event recorded it")
    sql(ledger_path, "DELETE FROM lapse WHERE clock = 'cap'")
    sql(ledger_path, "UPDATE lapse SET detected_at = '2026-08-26T00:00:00+08:00' WHERE clock = 'ack'")
    fails(tsk, f"{lapsed}: lapse ack due 2026-08-04: detected_at differs from {lapsed} event 2")
