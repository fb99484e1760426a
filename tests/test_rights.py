"""The rights of each role (tsk.rights, docs/rules.md, Roles on a shared ledger), held to what
the commands do, without a server: every action and command has its right, each right's
events change only the columns it grants, and the SQL written from them never lets a role
change the history. tests/test_roles.py runs them as each role on PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest
from helpers import command_paths, entered_at, one_error_line, snapshot
from rights_cases import CASES, COMPLAINT, ENTERED, MORE, UNIT, argv_of

from tsk import rights, views
from tsk.store import roles

# The commands that only read (no right of their own: every role reads, within its units).
READS = {"list", "show", "overdue", "export", "report half-year", "report year", "report stats",
         "report trend", "calendar shift", "calendar between", "calendar is-workday", "calendar explain",
         "calendar show", "config show", "config get", "policy list", "policy show"}


def test_every_action_a_complaint_records_is_a_rights_or_the_owners():
    recorded = {action for right in rights.RIGHTS.values() for action in right.actions}
    assert recorded | set(rights.OWNER_ACTIONS) == set(views.ACTIONS)
    assert not recorded & set(rights.OWNER_ACTIONS)


def test_every_command_either_reads_or_names_its_right():
    named = {key.removesuffix(" --show-pii") for key in rights.COMMAND_RIGHTS}
    commands = {" ".join(path) for path in command_paths()}
    assert commands - READS - named == set(), "a new command: give it its right in tsk.rights.COMMAND_RIGHTS"
    assert named - commands == set()
    assert set(rights.COMMAND_RIGHTS.values()) <= set(rights.RIGHTS)


def test_every_right_belongs_to_a_role_or_the_owner_and_has_a_case():
    held = {key for role in rights.ROLES.values() for key in role.rights}
    assert held | set(rights.OWNER_RIGHTS) == set(rights.RIGHTS)
    assert not held & set(rights.OWNER_RIGHTS)
    assert set(CASES) == set(rights.RIGHTS)


def test_the_seeds_roles_in_order_each_with_the_rights_of_the_one_before():
    assert rights.ROLE.keys == ("intake", "handler", "manager", "supervisor", "auditor", "check")
    assert set(rights.ROLES["intake"].rights) < set(rights.ROLES["handler"].rights) < set(rights.ROLES["manager"].rights)
    assert rights.holders("extend") == rights.holders("reject") == rights.holders("reopen") == ["manager"]
    assert rights.holders("export-pii") == ["auditor"]
    assert rights.holders("verify") == ["supervisor", "auditor"]
    assert rights.ROLE.parse("处理方") == "handler" and rights.ROLE.parse("审计") == "auditor"
    assert rights.right_of("show", show_pii=True).key == "show-pii" and rights.right_of("show").key == "read"


@pytest.fixture
def now(monkeypatch):
    def at(moment: str) -> None:
        entered_at(monkeypatch, moment)

    return at


WRITES = [(k, CASES[k]) for k, r in rights.RIGHTS.items() if r.actions and k != "register"] + MORE


@pytest.mark.parametrize("key, case", WRITES, ids=[f"{k}-{' '.join(c.argv[:1])}" for k, c in WRITES])
def test_the_events_of_a_right_change_only_the_columns_it_grants(tsk, ledger_path, now, key, case):
    """The columns a right may UPDATE on PostgreSQL (tsk.rights) against those its command's
    events change, read back from the history (`changes`) on a SQLite ledger."""
    now(ENTERED)
    run = tsk(["add", *case_complaint(case), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    ref = json.loads(run.stdout)["ref"]
    for argv in case.before:
        run = tsk(argv_of_ref(argv, ref))
        assert run.exit_code == 0, (argv, run.stderr)
    before = count_events(ledger_path)
    now(case.at)
    run = tsk(argv_of(case, ref))
    assert run.exit_code == case.exit_code, run.stderr
    events = [(action, json.loads(details)) for action, details in
              sql_rows(ledger_path, "SELECT action, details FROM event WHERE id > ?", (before,))]
    assert any(action in rights.RIGHTS[key].actions for action, _ in events)
    for action, details in events:
        granted = rights.RIGHTS["lapses" if "clock" in details else key].columns
        assert set(details.get("changes", {})) <= set(granted), (action, details.get("changes"))


def test_a_registration_writes_no_column_but_the_history_s(tsk, now, monkeypatch):
    """Registering inserts the row; its first event updates the count and head only, so a role
    may register without the right to change every column."""
    import sqlite3

    statements: list[str] = []
    connect = sqlite3.connect

    def tracing(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", tracing)
    now(ENTERED)
    assert tsk(argv_of(CASES["register"], None)).exit_code == 0
    updates = [s for s in statements if s.startswith("UPDATE complaint")]
    assert updates and all(re.match(r"UPDATE complaint SET event_count = \S+, history_head = \S+ WHERE", s)
                           for s in updates), updates


def case_complaint(case) -> list[str]:
    return [*COMPLAINT, "--unit", UNIT, *(case.complaint or [])]


def argv_of_ref(argv: list[str], ref: str) -> list[str]:
    return [ref if arg == "REF" else arg for arg in argv]


def sql_rows(path: str, statement: str, params=()) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(statement, params).fetchall()


def count_events(path: str) -> int:
    return sql_rows(path, "SELECT coalesce(max(id), 0) FROM event")[0][0]


# -- the SQL written from the rights -------------------------------------------------------------
SEQUENCES = {"complaint": "complaint_id_seq", "event": "event_id_seq", "audit": "audit_id_seq"}


def test_no_role_is_granted_a_change_to_the_history():
    statements = roles.setup("tsk", SEQUENCES, [], ["tsk_intake"])
    grants = [s for s in statements if s.startswith("GRANT")]
    for statement in grants:
        privileges, _, rest = statement.removeprefix("GRANT ").partition(" ON ")
        tables = rest.split(" TO ")[0]
        for table in roles.HISTORY:
            if re.search(rf"\b{table}\b", tables):
                assert set(re.findall(r"[A-Z]+", privileges)) <= {"SELECT", "INSERT"}, statement
        assert "DELETE" not in privileges and "TRUNCATE" not in privileges and "ALL" not in privileges, statement
    for table in roles.HISTORY:
        assert (f"CREATE TRIGGER tsk_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tsk_append_only()") in statements
        assert any(s.startswith(f"CREATE TRIGGER tsk_append_only_truncate BEFORE TRUNCATE ON {table}") for s in statements)


def test_each_group_may_update_exactly_the_columns_of_its_rights():
    for role in rights.ROLES:
        found = [s for s in roles.grants("tsk", role, SEQUENCES) if s.startswith("GRANT UPDATE (")]
        if not rights.writes(role):
            assert found == []
            continue
        columns = re.match(r"GRANT UPDATE \((.*)\) ON complaint TO ", found[0]).group(1).split(", ")
        assert set(columns) == {*rights.granted(role, "columns"), *rights.BOOKKEEPING}
    assert "due" not in rights.granted("handler", "columns") and "due" in rights.granted("manager", "columns")


def test_group_roles_are_named_after_the_ledger_s_database_and_quoted():
    assert roles.group("tsk", "check") == "tsk_check"
    assert roles.ident('a"b') == '"a""b"'
    assert roles.create_login("王 强") == 'CREATE ROLE "王 强" LOGIN'


# -- on SQLite ----------------------------------------------------------------------------------
def test_tsk_role_is_refused_on_a_sqlite_ledger(tsk, ledger_path):
    before = snapshot(ledger_path)
    for argv in (["role", "list"], ["role", "grant", "alice", "--role", "handler"], ["role", "revoke", "alice"]):
        run = tsk(argv)
        assert run.exit_code == 1
        assert one_error_line(run) == ("Error: tsk role is for a PostgreSQL ledger: a SQLite ledger has no roles "
                                       "(its guard is the file's permissions)")
    assert snapshot(ledger_path) == before


@pytest.mark.parametrize("argv", [["--as", "行长", "list"], ["list", "--as", "行长"], ["--as=行长", "init"]], ids=" ".join)
def test_as_is_refused_for_a_postgresql_ledger_before_connecting(tsk, argv):
    run = tsk(["--db", "postgresql://nobody@/nowhere?host=/nonexistent", *argv])
    assert run.exit_code == 2
    assert one_error_line(run) == (
        "Error: --as names the actor on a SQLite ledger only: on PostgreSQL every event records the database user "
        "the command connects as (connect as that user instead)")


def test_as_still_names_the_actor_on_sqlite(tsk, ledger_path, now):
    now(CASES["register"].at)
    assert tsk(["--as", "行长", *argv_of(CASES["register"], None)]).exit_code == 0
    assert sql_rows(ledger_path, "SELECT actor FROM event") == [("行长",)]
