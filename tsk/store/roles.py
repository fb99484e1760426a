"""The roles of a PostgreSQL ledger in the database itself: plain SQL, written from the rights
of `tsk.rights` and run through the store like every other statement (docs/rules.md, Roles on
a shared ledger).

Each role of a ledger is a group role of the cluster named after its database (`tsk_handler`
for the database `tsk`): a login role is a member of one. The groups hold exactly the grants
their rights need, down to the complaint columns each right's events change; row-level
security lets a unit-scoped member see and change only its units' complaints (their events
and lapses follow the complaint), lets each group record only its own actions, and lets the
audit take only the rows its group may write; a trigger refuses every UPDATE, DELETE and
TRUNCATE of the history (events, lapses, audit), the owner's included. Which units a member
has is the table `tsk_member`, which the owner alone writes.

The ledger's owner (the role that owns its tables) bypasses row-level security, as
PostgreSQL's owners do, and alone grants and revokes roles (`tsk role`).
"""

from __future__ import annotations

from tsk import rights

SESSION_USER = "SELECT session_user"
CURRENT_DATABASE = "SELECT current_database()"
# The role owning the ledger's tables (before there are any, the database's owner, who makes
# them), and whether the session user is it or one of its members (a superuser is a member of
# every role).
LEDGER_OWNER = """
SELECT pg_get_userbyid(o.id) AS owner, pg_has_role(session_user, o.id, 'MEMBER') AS is_owner,
       current_database() AS database
FROM (SELECT COALESCE((SELECT relowner FROM pg_class WHERE oid = to_regclass('complaint')),
                      (SELECT datdba FROM pg_database WHERE datname = current_database())) AS id) AS o
"""
INSTALLED = "SELECT to_regclass('tsk_member') IS NOT NULL AS installed"
MEMBER_OF_SESSION = "SELECT role, units FROM tsk_member WHERE member = session_user"
ROLE_FACTS = "SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :name"
ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = :name"
UPSERT_MEMBER = """
INSERT INTO tsk_member (member, role, units) VALUES (:member, :role, CAST(:units AS TEXT[]))
ON CONFLICT (member) DO UPDATE SET role = excluded.role, units = excluded.units
"""
DELETE_MEMBER = "DELETE FROM tsk_member WHERE member = :member"
# Every member of a group of this ledger, with its units (NULL: every unit; a member nobody
# gave units to has none) and whether it can log in; not the owner, who administers the groups
# it made (PostgreSQL 16 records that as a membership) and needs none.
MEMBERS = """
SELECT u.rolname AS name, g.rolname AS grp, u.rolcanlogin AS login, m.units AS units, m.member IS NOT NULL AS listed
FROM pg_auth_members a
JOIN pg_roles g ON g.oid = a.roleid
JOIN pg_roles u ON u.oid = a.member
LEFT JOIN tsk_member m ON m.member = u.rolname
WHERE g.rolname = ANY (CAST(:groups AS TEXT[]))
  AND u.oid <> (SELECT relowner FROM pg_class WHERE oid = to_regclass('complaint'))
ORDER BY u.rolname, g.rolname
"""
MEMBER_TABLE = """
CREATE TABLE IF NOT EXISTS tsk_member (
    member TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    units TEXT[]
)
"""
# The tables a role works on; the history among them is append-only for everyone.
TABLES = ("complaint", "event", "lapse", "audit", "ref_counter", "setting", "calendar_correction", "published_year",
          "policy_definition", "schema_migration", "tsk_member")
HISTORY = ("event", "lapse", "audit")
SETTINGS = ("setting", "calendar_correction", "published_year", "policy_definition", "schema_migration")
SERIAL = ("complaint", "event", "audit")  # the tables whose new rows take their id from a sequence
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION tsk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the % table is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
MAX_DATABASE_NAME = 63 - len("_supervisor")  # a group's name is the database's and its role's


def ident(name: str) -> str:
    """A name as an SQL identifier, quoted (role names are not parameters in GRANT or CREATE ROLE)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def group(database: str, role: str) -> str:
    """The group role of `role` in the ledger in `database`: `tsk_handler` for the database `tsk`."""
    return f"{database}_{role}"


# -- who a policy lets through -----------------------------------------------------------------
_MEMBER = "(SELECT m.{column} FROM tsk_member m WHERE m.member = session_user)"
# A unit-scoped member's complaints: every unit when its units are NULL, none without a row.
# Each subquery is an InitPlan: read once per statement, not once per row.
IN_UNITS = (f"(COALESCE({_MEMBER.format(column='units IS NULL')}, false) "
            f"OR unit = ANY (CAST({_MEMBER.format(column='units')} AS TEXT[])))")
# An event's or a lapse's complaint is one the member may see (the complaint's own policy decides).
OF_VISIBLE_COMPLAINT = "EXISTS (SELECT 1 FROM complaint c WHERE c.id = complaint_id)"
# A lapse's event names its clock (tsk.overdue); a `tsk escalate` does not.
IS_LAPSE = (f"(action IN ({', '.join(map(literal, rights.LAPSE_ACTIONS))}) "
            "AND CAST(details AS jsonb) ? 'clock')")


def _actions_check(role: str) -> str:
    """The events `role` may record (an INSERT policy's check)."""
    records_lapses = "lapses" in rights.ROLES[role].rights
    plain = [a for key in rights.ROLES[role].rights if key != "lapses" for a in rights.RIGHTS[key].actions]
    checks = [f"action IN ({', '.join(map(literal, dict.fromkeys(plain)))})"] if plain else []
    if records_lapses:
        checks.append(IS_LAPSE)
    return "(" + " OR ".join(checks) + ")"


def _policy(name: str, table: str, command: str, grp: str, using: str | None, check: str | None) -> str:
    sql = f"CREATE POLICY {ident(name)} ON {table} FOR {command} TO {ident(grp)}"
    if using is not None:
        sql += f" USING ({using})"
    if check is not None:
        sql += f" WITH CHECK ({check})"
    return sql


def policies(database: str, role: str) -> list[str]:
    """The row-level security policies of one role's group."""
    grp, spec = group(database, role), rights.ROLES[role]
    scope = IN_UNITS if spec.scoped else "true"
    seen = OF_VISIBLE_COMPLAINT if spec.scoped else "true"
    name = f"tsk_{role}"
    out = [_policy(f"{name}_read", "complaint", "SELECT", grp, scope, None),
           _policy(f"{name}_read", "event", "SELECT", grp, seen, None),
           _policy(f"{name}_read", "lapse", "SELECT", grp, seen, None),
           _policy(f"{name}_self", "tsk_member", "SELECT", grp, "member = session_user", None)]
    if "register" in spec.rights:
        out.append(_policy(f"{name}_register", "complaint", "INSERT", grp, None, scope))
    if rights.writes(role):
        out.append(_policy(f"{name}_change", "complaint", "UPDATE", grp, scope, scope))
        out.append(_policy(f"{name}_record", "event", "INSERT", grp, None, f"{OF_VISIBLE_COMPLAINT} AND {_actions_check(role)}"))
    if "lapses" in spec.rights:
        out.append(_policy(f"{name}_lapse", "lapse", "INSERT", grp, None, OF_VISIBLE_COMPLAINT))
    if reads_audit(role):
        out.append(_policy(f"{name}_read", "audit", "SELECT", grp, "true", None))
    audit = rights.granted(role, "audit")
    if audit:
        out.append(_policy(f"{name}_audit", "audit", "INSERT", grp, None,
                           f"action IN ({', '.join(map(literal, audit))})"))
    return out


def reads_audit(role: str) -> bool:
    """Verifying reads the audit record, and recording a row reads its newest (tsk.store.state)."""
    return "verify" in rights.ROLES[role].rights or bool(rights.granted(role, "audit"))


def grants(database: str, role: str, sequences: dict[str, str]) -> list[str]:
    """One role's table, column and sequence grants: reading, and what its rights write."""
    grp, spec = ident(group(database, role)), rights.ROLES[role]
    readable = ["complaint", "event", "lapse", "ref_counter", *SETTINGS, "tsk_member"]
    if reads_audit(role):
        readable.append("audit")
    out = [f"GRANT SELECT ON {', '.join(readable)} TO {grp}"]
    used = []
    if "register" in spec.rights:
        out.append(f"GRANT INSERT ON complaint TO {grp}")
        out.append(f"GRANT INSERT, UPDATE ON ref_counter TO {grp}")
        used.append(sequences["complaint"])
    if rights.writes(role):
        columns = dict.fromkeys([*rights.granted(role, "columns"), *rights.BOOKKEEPING])
        out.append(f"GRANT UPDATE ({', '.join(columns)}) ON complaint TO {grp}")
        out.append(f"GRANT INSERT ON event TO {grp}")
        used.append(sequences["event"])
    if "lapses" in spec.rights:
        out.append(f"GRANT INSERT ON lapse TO {grp}")
    if rights.granted(role, "audit"):
        out.append(f"GRANT INSERT ON audit TO {grp}")
        used.append(sequences["audit"])
    if used:
        out.append(f"GRANT USAGE ON SEQUENCE {', '.join(used)} TO {grp}")
    return out


SEQUENCE_OF = "SELECT pg_get_serial_sequence(:table, 'id')"
OUR_POLICIES = ("SELECT policyname, tablename FROM pg_policies WHERE schemaname = current_schema() "
                "AND policyname LIKE 'tsk\\_%' AND tablename = ANY (CAST(:tables AS TEXT[]))")


def setup(database: str, sequences: dict[str, str], existing_policies: list[tuple[str, str]],
          missing_groups: list[str]) -> list[str]:
    """Every statement that gives this ledger's groups exactly their rights, from whatever they
    had: the groups made, every grant of theirs revoked and given again, the policies dropped
    and made again, row-level security on, the history append-only. Run by the owner, in one
    transaction, by every `tsk role grant` and after every schema upgrade."""
    groups = [ident(group(database, role)) for role in rights.ROLES]
    out = [MEMBER_TABLE]
    out += [f"CREATE ROLE {ident(name)} NOLOGIN" for name in missing_groups]
    out.append(f"REVOKE ALL ON {', '.join(TABLES)} FROM {', '.join(groups)}")
    out.append(f"REVOKE ALL ON SEQUENCE {', '.join(sequences.values())} FROM {', '.join(groups)}")
    out += [f"DROP POLICY {ident(name)} ON {table}" for name, table in existing_policies]
    for table in ("complaint", "event", "lapse", "audit", "tsk_member"):
        out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for role in rights.ROLES:
        out += grants(database, role, sequences)
        out += policies(database, role)
    out.append(APPEND_ONLY)
    for table in HISTORY:
        out.append(f"DROP TRIGGER IF EXISTS tsk_append_only ON {table}")
        out.append(f"CREATE TRIGGER tsk_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION tsk_append_only()")
        out.append(f"DROP TRIGGER IF EXISTS tsk_append_only_truncate ON {table}")
        out.append(f"CREATE TRIGGER tsk_append_only_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION tsk_append_only()")
    return out


def install(store, database: str) -> None:
    """Give this ledger's groups exactly their rights (`setup`); the caller is the owner and
    holds the transaction."""
    sequences = {table: store.value(SEQUENCE_OF, {"table": table}) for table in SERIAL}
    store.run(MEMBER_TABLE)
    existing = [(r["policyname"], r["tablename"]) for r in store.rows(OUR_POLICIES, {"tables": list(TABLES)})]
    missing = [name for name in (group(database, role) for role in rights.ROLES)
               if store.value(ROLE_EXISTS, {"name": name}) is None]
    for statement in setup(database, sequences, existing, missing):
        store.run(statement)


def refresh(store) -> None:
    """After a schema upgrade, a ledger with roles gives them their rights on what changed."""
    if store.dialect == "postgresql" and store.value(INSTALLED):
        install(store, store.value(CURRENT_DATABASE))


def membership(database: str, user: str, role: str | None) -> list[str]:
    """`user` a member of `role`'s group of this ledger only (None: of none)."""
    others = [ident(group(database, r)) for r in rights.ROLES if r != role]
    out = [f"REVOKE {', '.join(others)} FROM {ident(user)}"]
    if role is not None:
        out.append(f"GRANT {ident(group(database, role))} TO {ident(user)}")
    return out


def create_login(user: str) -> str:
    """A new login role without a password: it logs in once the administrator gives it one
    (`\\password` in psql) or pg_hba.conf authenticates it otherwise (peer, cert, ldap…)."""
    return f"CREATE ROLE {ident(user)} LOGIN"
