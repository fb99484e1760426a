"""Roles on a PostgreSQL ledger: `tsk role grant`, `revoke` and `list`, and the one line a
refusal by the database becomes (docs/rules.md, Roles on a shared ledger).

What each role may do is `tsk.rights`; the database enforces it through the grants, policies
and triggers of `tsk.store.roles`. Here: only the ledger's owner changes them, each change is
one transaction with an audit row, and a statement the database refuses (insufficient
privilege, or a row outside a policy) is said as the right the user lacked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tsk import rights, timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, TskError, echo, named
from tsk.store import roles as sql
from tsk.store import state
from tsk.values import required_text

SQLITE = "tsk role is for a PostgreSQL ledger: a SQLite ledger has no roles (its guard is the file's permissions)"


class Owner:
    """Who owns the ledger, and who is connected."""

    __slots__ = ("owner", "is_owner", "database", "user")

    def __init__(self, row: dict[str, Any], user: str) -> None:
        self.owner, self.is_owner, self.database, self.user = row["owner"], row["is_owner"], row["database"], user


def owner(ledger: Ledger) -> Owner:
    """The ledger's owner; Refused unless the session user is it (or a member of it)."""
    store = ledger.store
    if store.dialect != "postgresql":
        raise Refused(SQLITE)
    found = Owner(store.row(sql.LEDGER_OWNER) or {}, store.value(sql.SESSION_USER))
    if not found.is_owner:
        raise Refused(f"tsk role needs the ledger's owner ({named(found.owner)}): you are connected as {named(found.user)}")
    if len(found.database.encode()) > sql.MAX_DATABASE_NAME:
        raise Refused(f"the database's name is longer than {sql.MAX_DATABASE_NAME} bytes: PostgreSQL could not name "
                      "its roles after it (rename the database)")
    return found


def grant(ledger: Ledger, user: str, role: str, units: Sequence[str] = ()) -> list[str]:
    """Make `user` (a login role, created when missing) a member of `role` in this ledger, and
    of no other of its roles, limited to `units` (none: every unit). Returns what to tell."""
    facts = owner(ledger)
    key = rights.ROLE.parse(role)
    name = _user_name(user)
    scope = _units(ledger, key, units)
    said = []
    with ledger.store.transaction():
        ledger.store.lock_ledger()
        _not_a_group(facts, name)
        sql.install(ledger.store, facts.database)
        found = ledger.store.row(sql.ROLE_FACTS, {"name": name})
        if found is None:
            ledger.store.run(sql.create_login(name))
            said.append(f"created the login role {name} without a password: give it one (psql: \\password {name}) "
                        "or let pg_hba.conf authenticate it")
        elif found["rolsuper"] or name == facts.owner:
            raise Refused(f"{name} {'is a superuser' if found['rolsuper'] else 'owns the ledger'}: "
                          "it may do everything already, and a role would not limit it")
        for statement in sql.membership(facts.database, name, key):
            ledger.store.run(statement)
        ledger.store.run(sql.UPSERT_MEMBER, {"member": name, "role": key, "units": scope})
        state.append(ledger.store, timeutil.to_text(timeutil.now()), ledger.actor, "role-granted",
                     {"user": name, "role": key, "units": scope})
    said.append(f"{name}: {key} ({rights.ROLES[key].label}), {_units_said(scope)}")
    return said


def revoke(ledger: Ledger, user: str) -> str:
    """`user` no longer a member of any role of this ledger (its login role stays)."""
    facts = owner(ledger)
    name = _user_name(user)
    with ledger.store.transaction():
        ledger.store.lock_ledger()
        _not_a_group(facts, name)
        sql.install(ledger.store, facts.database)
        if ledger.store.value(sql.ROLE_EXISTS, {"name": name}) is None:
            raise Refused(f"there is no role {name} in this PostgreSQL cluster")
        held = [r for r in members(ledger, check=False) if r["user"] == name]
        if not held:
            raise Refused(f"{name} has no role in this ledger")
        for statement in sql.membership(facts.database, name, None):
            ledger.store.run(statement)
        ledger.store.run(sql.DELETE_MEMBER, {"member": name})
        state.append(ledger.store, timeutil.to_text(timeutil.now()), ledger.actor, "role-revoked",
                     {"user": name, "roles": [r["role"] for r in held]})
    return f"{name}: no role in this ledger (its login role stays; DROP ROLE in psql removes it)"


def members(ledger: Ledger, *, check: bool = True) -> list[dict[str, Any]]:
    """Every member of a role of this ledger: user, role, units (None: every unit), login."""
    facts = owner(ledger) if check else None
    database = facts.database if facts else ledger.store.value(sql.CURRENT_DATABASE)
    if not ledger.store.value(sql.INSTALLED):
        return []
    by_group = {sql.group(database, role): role for role in rights.ROLES}
    out = []
    for row in ledger.store.rows(sql.MEMBERS, {"groups": list(by_group)}):
        role = by_group[row["grp"]]
        units = list(row["units"]) if row["units"] is not None else None
        if not row["listed"] and rights.ROLES[role].scoped:
            units = []  # a member given by hand, with no units: its policies show it nothing
        out.append({"user": row["name"], "role": role, "units": None if not rights.ROLES[role].scoped else units,
                    "login": bool(row["login"])})
    return out


def seen_units(store) -> list[str] | None:
    """The units whose complaints the session user sees; None when it sees every complaint
    (the owner, a role without units, a ledger without roles)."""
    if not store.value(sql.INSTALLED):
        return None
    member = store.row(sql.MEMBER_OF_SESSION)
    if member is None or not rights.ROLES[member["role"]].scoped or member["units"] is None:
        return None
    return list(member["units"])


# -- a refusal, said as the right that was missing -------------------------------------------
def refusal(store, right: rights.Right | None, detail: str) -> TskError:
    """The error for a statement PostgreSQL refused (`detail`, its message), naming the user,
    their role and units, the right the command needed and who holds it. Read on a connection
    outside the transaction that failed."""
    right = right or rights.RIGHTS["read"]
    user = store.row_outside(sql.SESSION_USER)["session_user"]
    facts = store.row_outside(sql.LEDGER_OWNER) or {"owner": "its owner"}
    member = store.row_outside(sql.MEMBER_OF_SESSION) if store.row_outside(sql.INSTALLED)["installed"] else None
    holders = rights.holders(right.key)
    owner_name = named(facts["owner"])
    if member is None:
        who = f"user {named(user)} (no role in this ledger)"
        return Refused(f"{who} may not {right.says}: " + (
            f"the ledger's owner ({owner_name}) grants roles (tsk role grant)" if holders
            else f"that needs the ledger's owner ({owner_name})"))
    role = member["role"]
    units = list(member["units"]) if member["units"] is not None else None
    who = f"user {named(user)} ({role}" + (f", units {', '.join(units)}" if units is not None else "") + ")"
    if not holders:
        return Refused(f"{who} may not {right.says}: that needs the ledger's owner ({owner_name})")
    if role not in holders:
        return Refused(f"{who} may not {right.says}: that needs the {_either(holders)} role")
    if units is not None:
        return Refused(f"{who} may {right.says} in {'that unit' if len(units) == 1 else 'those units'} only")
    return Refused(f"{who} was refused by the database ({detail}): the ledger's owner ({owner_name}) brings the roles "
                   "up to date with tsk role grant")


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# -- input ------------------------------------------------------------------------------------
def _user_name(text: str) -> str:
    name = required_text(text, "USER")
    if len(name.encode()) > 63 or not name.isprintable():
        raise InvalidInput("USER must be a PostgreSQL role name: printable, at most 63 bytes")
    if name.startswith("pg_"):
        raise InvalidInput("USER may not begin with pg_ (PostgreSQL reserves those names)")
    return name


def _not_a_group(facts: Owner, name: str) -> None:
    if any(name == sql.group(facts.database, role) for role in rights.ROLES):
        raise InvalidInput(f"{name} is one of this ledger's group roles: name a person's (or a job's) login role")


def _units(ledger: Ledger, role: str, units: Sequence[str]) -> list[str] | None:
    """The units a member of `role` is limited to: None for every unit."""
    given = list(dict.fromkeys(required_text(u, "--unit") for u in units))
    if not given:
        return None
    if not rights.ROLES[role].scoped:
        raise InvalidInput(f"--unit is for the intake, handler and manager roles: a {role} works on every unit")
    known = ledger.settings["units"]
    for unit in given:
        if known and unit not in known:
            raise InvalidInput(f"unit {echo(unit)} is not one of the ledger's units: {', '.join(known)}")
    return given


def _units_said(units: list[str] | None) -> str:
    return "every unit" if units is None else "units " + ", ".join(units)
