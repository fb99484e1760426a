"""Many officers on one PostgreSQL ledger (docs/rules.md, Roles on a shared ledger): each role's
rights enforced by the server itself, on a real server started with pgserver. The ledger is
owned by a role that is not a superuser, as the README sets it up; officers connect as their
own login roles."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import database_url
from helpers import entered_at, one_error_line
from rights_cases import CASES, COMPLAINT, ENTERED, LATER, UNIT, argv_of

from tsk import rights

pytestmark = pytest.mark.postgres

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed")

OWNER = "tsk_test_owner"  # owns every test's ledger: LOGIN CREATEROLE, no superuser
OTHER_UNIT = "越秀支行"
# One user of each role (unit-scoped ones to UNIT), and one with no role.
USERS = {"intake": "carol", "handler": "alice", "manager": "mike", "supervisor": "sue", "auditor": "audrey",
         "check": "nightly"}
NOBODY = "bob"
EVERYONE = (*USERS.values(), NOBODY, "dave", "王 强")


class Shared:
    """A PostgreSQL ledger made by its owner, and the URLs its users connect with."""

    def __init__(self, server: str, name: str, run) -> None:
        self.server, self.name, self._run = server, name, run

    def url(self, user: str) -> str:
        return database_url(self.server, self.name, user=user)

    def as_(self, user: str, argv: list[str]):
        return self._run(["--db", self.url(user), *argv])

    def owner(self, argv: list[str]):
        run = self.as_(OWNER, argv)
        assert run.exit_code == 0, (argv, run.stderr)
        return run

    def sql(self, statement: str, params=(), user: str | None = None) -> list[tuple]:
        with psycopg.connect(self.url(user) if user else database_url(self.server, self.name), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def add(self, *extra: str, unit: str = UNIT, user: str = OWNER) -> str:
        run = self.as_(user, ["add", *COMPLAINT, "--unit", unit, *extra, "--format", "json"])
        assert run.exit_code == 0, run.stderr
        return json.loads(run.stdout)["ref"]

    def state(self) -> tuple:
        """Everything a refused command must leave as it was."""
        return tuple(self.sql(f"SELECT * FROM {table} ORDER BY 1, 2") for table in (
            "complaint", "event", "lapse", "audit", "ref_counter", "setting", "tsk_member"))


@pytest.fixture
def owner_role(pg_server) -> str:
    """The role that owns the tests' ledgers: it may create roles, and is no superuser."""
    with psycopg.connect(pg_server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (OWNER,)).fetchone():
            conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
    return OWNER


@pytest.fixture
def shared(pg_server, owner_role, tsk, monkeypatch):
    """A new ledger owned by OWNER with a user of each role; "now" is ENTERED."""
    with psycopg.connect(pg_server, autocommit=True) as conn:
        import uuid

        name = "tsk_" + uuid.uuid4().hex[:12]
        conn.execute(f"CREATE DATABASE {name} OWNER {OWNER}")
    entered_at(monkeypatch, ENTERED)
    monkeypatch.setenv("TSK_USER", "行长")  # never read on PostgreSQL
    ledger = Shared(pg_server, name, tsk)
    ledger.owner(["init"])
    for role, user in USERS.items():
        ledger.owner(["role", "grant", user, "--role", role, *(["--unit", UNIT] if rights.ROLES[role].scoped else [])])
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {NOBODY} LOGIN")
    yield ledger
    import gc

    gc.collect()  # in-process engines let go of their connections
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for role in rights.ROLES:
            conn.execute(f'DROP ROLE IF EXISTS "{name}_{role}"')
        for user in EVERYONE:
            conn.execute(f'DROP ROLE IF EXISTS "{user}"')


def who(role: str) -> str:
    """How a refusal names the user of `role`."""
    return f"user {USERS[role]} ({role}" + (f", units {UNIT}" if rights.ROLES[role].scoped else "") + ")"


def expected_refusal(role: str, key: str) -> str:
    right = rights.RIGHTS[key]
    if key == "roles":
        return f"Error: tsk role needs the ledger's owner ({OWNER}): you are connected as {USERS[role]}"
    holders = rights.holders(key)
    if not holders:
        return f"Error: {who(role)} may not {right.says}: that needs the ledger's owner ({OWNER})"
    either = holders[0] if len(holders) == 1 else f"{', '.join(holders[:-1])} or {holders[-1]}"
    return f"Error: {who(role)} may not {right.says}: that needs the {either} role"


# -- each right is its roles' alone ------------------------------------------------------------
def prepared(shared: Shared, key: str, monkeypatch) -> str | None:
    case = CASES[key]
    entered_at(monkeypatch, ENTERED)
    if case.complaint is None:
        return None
    ref = shared.add(*case.complaint)
    for argv in case.before:
        shared.owner([ref if arg == "REF" else arg for arg in argv])
    entered_at(monkeypatch, case.at)
    return ref


@pytest.mark.parametrize("key", [k for k in rights.RIGHTS if k != "upgrade"])
def test_each_right_is_its_roles_alone_and_a_refusal_names_it(shared, monkeypatch, key):
    """Every role runs the command of every right (tests/rights_cases.py): those holding it do
    it; the others are refused in one line naming the right and who holds it, and the ledger
    is left exactly as it was."""
    case = CASES[key]
    ref = prepared(shared, key, monkeypatch)
    for role, user in USERS.items():
        if key in rights.ROLES[role].rights:
            continue
        before = shared.state()
        run = shared.as_(user, argv_of(case, ref))
        assert run.exit_code == 1, (role, run.stdout, run.stderr)
        assert one_error_line(run) == expected_refusal(role, key)
        assert shared.state() == before, role
    for role, user in USERS.items():
        if key not in rights.ROLES[role].rights:
            continue
        ref = prepared(shared, key, monkeypatch)
        run = shared.as_(user, argv_of(case, ref))
        assert run.exit_code == case.exit_code, (role, run.stderr)
        assert "Error" not in run.stderr, (role, run.stderr)
    assert shared.owner(["verify"]).stdout.startswith("ok: ")


def test_the_ledger_owner_may_do_everything(shared, monkeypatch):
    for key, case in CASES.items():
        if key == "upgrade":
            continue
        ref = prepared(shared, key, monkeypatch)
        run = shared.as_(OWNER, argv_of(case, ref))
        assert run.exit_code == case.exit_code, (key, run.stderr)


def test_a_user_without_a_role_may_do_nothing(shared):
    before = shared.state()
    for argv in (["list"], ["overdue"], argv_of(CASES["register"], None)):
        run = shared.as_(NOBODY, argv)
        assert run.exit_code == 1
        said = one_error_line(run)
        assert said.startswith(f"Error: user {NOBODY} (no role in this ledger) may not ")
        assert said.endswith(f": the ledger's owner ({OWNER}) grants roles (tsk role grant)")
    assert shared.state() == before


def test_a_unit_scoped_user_registers_complaints_of_its_units_only(shared):
    before = shared.state()
    run = shared.as_(USERS["intake"], ["add", *COMPLAINT, "--unit", OTHER_UNIT])
    assert run.exit_code == 1
    assert one_error_line(run) == f"Error: {who('intake')} may register complaints in that unit only"
    assert shared.state() == before  # no ref taken either
    assert shared.add(user=USERS["intake"]) == "TS-2026-000001"


# -- row-level security: another unit's complaints are not there ----------------------------------
def test_another_units_complaints_are_hidden_from_every_listing_and_report(shared, monkeypatch):
    mine = shared.add()
    theirs = shared.add("--severity", "major", unit=OTHER_UNIT)
    shared.owner(["role", "grant", "dave", "--role", "manager"])  # of every unit
    alice, dave = USERS["handler"], "dave"

    def refs(user: str, argv: list[str]) -> set[str]:
        run = shared.as_(user, argv)
        assert run.exit_code in (0, 3), run.stderr
        return {row["ref"] for row in json.loads(run.stdout)}

    for user, seen in ((alice, {mine}), (dave, {mine, theirs}), (USERS["supervisor"], {mine, theirs})):
        assert refs(user, ["list", "--status", "all", "--format", "json"]) == seen
        assert refs(user, ["overdue", "--as-of", "2026-09-30", "--format", "json"]) == seen
        assert refs(user, ["export", "--format", "json"]) == seen
        exported = list(csv.DictReader(io.StringIO(shared.as_(user, ["export"]).stdout)))
        assert {row["ref"] for row in exported} == seen
        half = json.loads(shared.as_(user, ["report", "half-year", "2026H2", "--format", "json"]).stdout)
        assert half["totals"]["received"] == len(seen)
        assert half["by"]["unit"] == {unit: 1 for unit in ((UNIT,) if user == alice else (UNIT, OTHER_UNIT))}
        stats = json.loads(shared.as_(user, ["report", "stats", "--since", "2026-08-01", "--until", "2026-08-31",
                                             "--by", "unit", "--format", "json"]).stdout)
        assert {row["key"] for row in stats} == {shared_unit for shared_unit in half["by"]["unit"]}
    shown = shared.as_(alice, ["show", theirs])
    assert shown.exit_code == 1
    assert one_error_line(shown) == (f"Error: no complaint {theirs} among the complaints of {UNIT} "
                                     "(the units you may see)")
    assert shared.as_(dave, ["show", theirs, "--format", "json"]).exit_code == 0
    # the history of a hidden complaint is hidden with it, straight from SQL too
    assert shared.sql("SELECT DISTINCT complaint_id FROM event ORDER BY 1", user=alice) == [(1,)]
    assert shared.sql("SELECT ref FROM complaint", user=alice) == [(mine,)]
    # a handler of the other unit cannot touch it either
    run = shared.as_(alice, ["note", theirs, "看看"])
    assert run.exit_code == 1 and "no complaint" in run.stderr
    # the nightly check sees every unit
    entered_at(monkeypatch, LATER)
    checked = shared.as_(USERS["check"], ["check"])
    assert checked.exit_code == 3 and checked.stdout.startswith("checked 2 complaint(s)")


# -- the history is append-only ------------------------------------------------------------------
HISTORY_CHANGES = ["UPDATE event SET actor = 'x'", "DELETE FROM event", "TRUNCATE event",
                   "UPDATE lapse SET due = '2026-01-01'", "DELETE FROM lapse", "TRUNCATE lapse",
                   "UPDATE audit SET actor = 'x'", "DELETE FROM audit", "TRUNCATE audit"]


def test_no_role_can_change_the_history_and_the_owner_neither(shared, monkeypatch):
    ref = shared.add()
    entered_at(monkeypatch, LATER)
    shared.as_(USERS["check"], ["check"])  # lapses to protect
    assert shared.sql("SELECT clock FROM lapse ORDER BY 1") == [("ack",), ("resolution",)]
    before = shared.state()
    for user in USERS.values():
        for statement in HISTORY_CHANGES:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table"):
                shared.sql(statement, user=user)
    for user in (OWNER, None):  # the owner and a superuser have the privilege: the trigger refuses
        for statement in HISTORY_CHANGES:
            table, op = statement.split()[2 if statement.startswith("DELETE") else 1], statement.split()[0]
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"the {table} table is append-only: {op}"):
                shared.sql(statement, user=user)
    # a handler moves no deadline, and records no manager's action, by SQL
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table complaint"):
        shared.sql("UPDATE complaint SET due = '2027-01-01'", user=USERS["handler"])
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match='row-level security policy for table "event"'):
        shared.sql("INSERT INTO event (complaint_id, seq, at, recorded_at, actor, action, details, prev_hash, hash) "
                   "VALUES (1, 99, 'a', 'b', 'alice', 'extended', '{}', '', '')", user=USERS["handler"])
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table tsk_member"):
        shared.sql("UPDATE tsk_member SET units = NULL", user=USERS["handler"])
    assert shared.state() == before
    assert ref and shared.owner(["verify"]).stdout.startswith("ok: 1 complaint(s)")


# -- who acted ---------------------------------------------------------------------------------------
def test_the_actor_is_the_database_user_and_as_is_refused(shared, monkeypatch):
    carol, alice = USERS["intake"], USERS["handler"]
    ref = shared.add(user=carol)  # TSK_USER is 行长 all along
    assert shared.as_(alice, ["note", ref, "已联系客户"]).exit_code == 0
    entered_at(monkeypatch, LATER)
    shared.as_(USERS["check"], ["check"])
    shown = json.loads(shared.as_(alice, ["show", ref, "--format", "json"]).stdout)
    assert [(e["actor"], e["action"]) for e in shown["events"]] == [
        (carol, "registered"), (alice, "noted"), ("nightly", "escalated"), ("nightly", "escalated")]
    assert shared.sql("SELECT first_handler FROM complaint") == [(carol,)]
    assert shared.sql("SELECT DISTINCT actor FROM audit") == [(OWNER,)]  # the role grants
    before = shared.state()
    for argv in (["--as", "行长", "note", ref, "x"], ["note", ref, "x", "--as", "行长"]):
        run = shared.as_(alice, argv)
        assert run.exit_code == 2
        assert one_error_line(run).startswith("Error: --as names the actor on a SQLite ledger only")
    assert shared.state() == before


# -- tsk role ------------------------------------------------------------------------------------------
def test_tsk_role_needs_the_ledger_owner(shared):
    before = shared.state()
    for user in (*USERS.values(), NOBODY):
        for argv in (["role", "list"], ["role", "grant", user, "--role", "manager"], ["role", "revoke", "carol"]):
            run = shared.as_(user, argv)
            assert run.exit_code == 1
            assert one_error_line(run) == (
                f"Error: tsk role needs the ledger's owner ({OWNER}): you are connected as {user}" if user != NOBODY
                else f"Error: user {NOBODY} (no role in this ledger) may not manage roles: that needs the ledger's "
                     f"owner ({OWNER})")  # who may not even read it
    assert shared.state() == before


def test_role_list_shows_each_member_its_units_and_login(shared):
    shared.owner(["role", "grant", "dave", "--role", "处理方", "--unit", UNIT, "--unit", OTHER_UNIT])
    table = shared.owner(["role", "list"]).stdout
    assert table.splitlines() == [
        " 用户      角色                  单位                 可登录",
        " " + "━" * 59,
        " alice     处理方 handler        天河支行             是",
        " audrey    审计 auditor          全部                 是",
        " carol     受理方 intake         天河支行             是",
        " dave      处理方 handler        天河支行、越秀支行   是",
        " mike      管理方 manager        天河支行             是",
        " nightly   夜间检查 check        全部                 是",
        " sue       监督决策 supervisor   全部                 是",
    ]
    assert shared.owner(["role", "list", "--format", "csv"]).stdout.splitlines() == [
        "user,role,units,login", "alice,handler,天河支行,true", "audrey,auditor,,true", "carol,intake,天河支行,true",
        f"dave,handler,{UNIT};{OTHER_UNIT},true", "mike,manager,天河支行,true", "nightly,check,,true",
        "sue,supervisor,,true"]
    listed = json.loads(shared.owner(["role", "list", "--format", "json"]).stdout)
    assert listed[3] == {"user": "dave", "role": "handler", "units": [UNIT, OTHER_UNIT], "login": True}
    assert listed[1] == {"user": "audrey", "role": "auditor", "units": None, "login": True}


def test_a_real_process_says_only_its_own_lines_never_the_servers_notices(shared):
    """Granting again revokes roles not held and re-creates what exists, which the server
    answers with WARNING and NOTICE messages; libpq would print them on the process's stderr
    (where CliRunner does not look), so this runs the installed tsk as a process."""
    def grant(role: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tsk", "--db", shared.url(OWNER), "role", "grant", "erin",
                               "--role", role], capture_output=True, text=True, timeout=120)

    first, again = grant("handler"), grant("manager")
    assert first.returncode == 0 and first.stderr.startswith("created the login role erin without a password")
    assert len(first.stderr.splitlines()) == 1
    assert (again.returncode, again.stdout, again.stderr) == (0, "erin: manager (管理方), every unit\n", "")


def members(shared: Shared, user: str) -> list[str]:
    return [name for (name,) in shared.sql(
        "SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles u ON u.oid = a.member WHERE u.rolname = %s ORDER BY 1", (user,))]


def test_a_grant_replaces_the_role_and_a_revoke_takes_it_away(shared):
    granted = shared.owner(["role", "grant", "dave", "--role", "handler"])
    assert granted.stderr.splitlines() == [
        "created the login role dave without a password: give it one (psql: \\password dave) or let pg_hba.conf "
        "authenticate it"]
    assert granted.stdout == "dave: handler (处理方), every unit\n"
    again = shared.owner(["role", "grant", "dave", "--role", "manager", "--unit", UNIT])
    assert (again.stdout, again.stderr) == (f"dave: manager (管理方), units {UNIT}\n", "")
    assert members(shared, "dave") == [f"{shared.name}_manager"]
    assert shared.sql("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'dave'") == [(True, True)]
    ref = shared.add()
    assert shared.as_("dave", ["extend", ref, "--days", "1", "--reason", "复杂", "--notified-via", "sms"]).exit_code == 0
    revoked = shared.owner(["role", "revoke", "dave"])
    assert revoked.stdout == "dave: no role in this ledger (its login role stays; DROP ROLE in psql removes it)\n"
    assert members(shared, "dave") == []
    assert shared.sql("SELECT count(*) FROM tsk_member WHERE member = 'dave'") == [(0,)]
    assert shared.as_("dave", ["list"]).exit_code == 1
    run = shared.as_(OWNER, ["role", "revoke", "dave"])
    assert run.exit_code == 1 and one_error_line(run) == "Error: dave has no role in this ledger"
    audits = [(action, json.loads(details)) for action, details in shared.sql(
        "SELECT action, details FROM audit WHERE action LIKE 'role-%%' AND details LIKE '%%dave%%' ORDER BY id")]
    assert audits == [("role-granted", {"user": "dave", "role": "handler", "units": None}),
                      ("role-granted", {"user": "dave", "role": "manager", "units": [UNIT]}),
                      ("role-revoked", {"user": "dave", "roles": ["manager"]})]
    assert shared.as_(USERS["auditor"], ["verify"]).stdout.startswith("ok: 1 complaint(s)")


def test_a_login_name_with_a_space_is_a_role_like_any_other(shared):
    assert shared.owner(["role", "grant", "王 强", "--role", "intake"]).stdout == "王 强: intake (受理方), every unit\n"
    assert shared.add(user="王 强") == "TS-2026-000001"
    assert shared.sql("SELECT actor FROM event") == [("王 强",)]


@pytest.mark.parametrize("argv, code, said", [
    (["sue", "--role", "supervisor", "--unit", UNIT], 2,
     "--unit is for the intake, handler and manager roles: a supervisor works on every unit"),
    (["dave", "--role", "boss"], 2, "--role 'boss' is not one of: intake (受理方), handler (处理方), manager (管理方), "
                                    "supervisor (监督决策), auditor (审计), check (夜间检查)"),
    ([OWNER, "--role", "handler"], 1, f"{OWNER} owns the ledger: it may do everything already, and a role would not "
                                      "limit it"),
    (["postgres", "--role", "handler"], 1, "postgres is a superuser: it may do everything already, and a role would "
                                           "not limit it"),
    (["{db}_handler", "--role", "handler"], 2, "{db}_handler is one of this ledger's group roles: name a person's (or a "
                                               "job's) login role"),
    (["pg_monitor", "--role", "auditor"], 2, "USER may not begin with pg_ (PostgreSQL reserves those names)"),
    (["dave", "--role", "handler", "--unit", " "], 2, "--unit must not be empty"),
], ids=["unit-for-supervisor", "unknown-role", "owner", "superuser", "group", "reserved", "empty-unit"])
def test_a_grant_that_cannot_be_is_refused_in_one_line(shared, argv, code, said):
    before = shared.state()
    run = shared.as_(OWNER, ["role", "grant", *[a.format(db=shared.name) for a in argv]])
    assert run.exit_code == code
    assert one_error_line(run) == "Error: " + said.format(db=shared.name)
    assert shared.state() == before


def test_a_unit_must_be_one_of_the_ledgers_units_when_it_names_them(shared):
    shared.owner(["config", "set", "units", f"{UNIT},{OTHER_UNIT}"])
    run = shared.as_(OWNER, ["role", "grant", "dave", "--role", "handler", "--unit", "海珠支行"])
    assert run.exit_code == 2
    assert one_error_line(run) == f"Error: unit '海珠支行' is not one of the ledger's units: {UNIT}, {OTHER_UNIT}"


# -- the schema made and upgraded by the owner: the roles follow --------------------------------------
def test_only_the_databases_owner_makes_the_ledger(pg_server, owner_role, new_database, tsk):
    name = new_database(owner=OWNER).partition("?")[0].rsplit("/", 1)[1]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {NOBODY} LOGIN")
    try:
        run = tsk(["--db", database_url(pg_server, name, user=NOBODY), "init"])
        assert run.exit_code == 1
        assert one_error_line(run) == (f"Error: user {NOBODY} (no role in this ledger) may not create or upgrade the "
                                       f"ledger's tables: that needs the ledger's owner ({OWNER})")
        assert tsk(["--db", database_url(pg_server, name, user=OWNER), "init"]).exit_code == 0
    finally:
        import gc

        gc.collect()
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            conn.execute(f"DROP ROLE {NOBODY}")

def test_an_upgrade_by_the_owner_gives_the_roles_their_rights_again(shared):
    ref = shared.add()
    group = f"{shared.name}_handler"
    shared.sql(f'REVOKE INSERT ON event FROM "{group}"')
    shared.sql("DELETE FROM schema_migration WHERE version > 1")  # as a v1 ledger would be
    before = shared.state()
    run = shared.as_(USERS["handler"], ["list"])
    assert run.exit_code == 1
    assert one_error_line(run) == (f"Error: {who('handler')} may not create or upgrade the ledger's tables: that needs "
                                   f"the ledger's owner ({OWNER})")
    assert shared.state() == before
    shared.owner(["list"])  # the owner's first command upgrades it
    assert shared.as_(USERS["handler"], ["note", ref, "升级后"]).exit_code == 0


# -- the README sets it up as written ----------------------------------------------------------------
README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE_HOST = "@db.branch.example/"
README_USERS = ("zhangmin", "wangqiang", "liuyang", "chenjing", "sunli", "tsk_nightly")


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start:text.find("\n## ", start + 1)]


def blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


@pytest.fixture
def branch_network(pg_server):
    """The README's names on the test server: the database `tsk` and its owner, dropped after."""
    yield lambda url: url.replace(EXAMPLE_HOST + "tsk", "@/tsk?" + pg_server.partition("?")[2])
    import gc

    gc.collect()
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS tsk WITH (FORCE)")
        for name in [*(f"tsk_{role}" for role in rights.ROLES), *README_USERS, "tsk_owner"]:
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_the_readme_sets_up_a_branch_network_with_commands_that_work_as_written(pg_server, tsk, monkeypatch,
                                                                                   branch_network):
    """Every command of "One ledger for a whole branch network" and the cron line that runs the
    check on PostgreSQL, on a real server (its host for db.branch.example): the superuser's
    statements, the owner's setup, `role list` as shown, and the officers' session as shown."""
    text = section("One ledger for a whole branch network")
    setup, owner = blocks(text, "sh")
    for line in setup.splitlines():
        argv = shlex.split(line)
        assert argv[:4] == ["sudo", "-u", "postgres", "psql"] and argv[4] == "-c", line
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(argv[5])
    monkeypatch.setenv("TSK_USER", "行长")  # not read
    entered_at(monkeypatch, "2026-09-29 16:45")
    last = None
    for line in owner.splitlines():
        argv = shlex.split(line)
        if argv[0] == "export":
            name, _, value = argv[1].partition("=")
            monkeypatch.setenv(name, branch_network(value))
            continue
        assert argv[0] == "tsk", line
        last = tsk(argv[1:])
        assert last.exit_code == 0, (line, last.stderr)
    listed, session = blocks(text, "text")
    assert last is not None and last.stdout == listed
    entered_at(monkeypatch, "2026-09-30 09:00")  # the officers' morning
    transcript = []
    for line in session.splitlines():
        if not line.startswith("$ "):
            continue
        argv = shlex.split(line[2:])
        transcript.append(line)
        if argv[0] == "export":
            name, _, value = argv[1].partition("=")
            monkeypatch.setenv(name, branch_network(value))
            continue
        run = tsk(argv[1:])
        transcript += (run.stdout + run.stderr).splitlines()
        if run.exit_code:
            transcript.append(f"[exit {run.exit_code}]")
    assert transcript == session.splitlines()
    actors = psycopg.connect(branch_network("postgresql://tsk_owner@db.branch.example/tsk"), autocommit=True).execute(
        "SELECT actor, action FROM event ORDER BY id").fetchall()
    assert actors == [("zhangmin", "registered"), ("liuyang", "extended")]
    # the nightly check, as cron runs it on PostgreSQL
    cron = next(line for line in blocks(section("The nightly check"), "crontab")[1].splitlines() if "tsk check" in line)
    url = re.search(r"TSK_DB=(\S+)", cron).group(1)
    entered_at(monkeypatch, "2026-11-04 00:30")
    checked = tsk(["--db", branch_network(url), "check"])
    assert checked.exit_code == 3 and checked.stdout.endswith(": 2 newly overdue, 2 escalated, 0 still overdue\n")
    assert actors_of(branch_network(url))[-1] == ("tsk_nightly", "escalated")


def actors_of(url: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT actor, action FROM event ORDER BY id").fetchall()


def test_a_refusal_is_said_in_chinese_too(shared, monkeypatch):
    ref = shared.add()
    monkeypatch.setenv("TSK_LANG", "zh")
    run = shared.as_(USERS["handler"], ["extend", ref, "--days", "5", "--reason", "复杂", "--notified-via", "sms"])
    assert run.exit_code == 1
    assert one_error_line(run) == f"Error: 用户 alice（处理方，单位 {UNIT}）无权延期：须由管理方办理"
    assert shared.as_(USERS["intake"], ["show", ref, "--show-pii"]).exit_code == 0  # an intake may
    run = shared.as_(USERS["supervisor"], ["show", ref, "--show-pii"])
    assert one_error_line(run) == "Error: 用户 sue（监督决策）无权查看客户个人信息：须由受理方、处理方、管理方或审计办理"
    run = shared.as_(USERS["handler"], ["--as", "行长", "list"])
    assert one_error_line(run).startswith("Error: --as 只在 SQLite 台账上指定操作人")
