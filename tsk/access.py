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

from tsk import messages as msg
from tsk import rights, timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, TskError, echo, named
from tsk.store import roles as sql
from tsk.store import state
from tsk.values import required_text


class Owner:
    """Who owns the ledger, and who is connected."""

    __slots__ = ("owner", "is_owner", "database", "user")

    def __init__(self, row: dict[str, Any], user: str) -> None:
        self.owner, self.is_owner, self.database, self.user = row["owner"], row["is_owner"], row["database"], user


def owner(ledger: Ledger) -> Owner:
    """The ledger's owner; Refused unless the session user is it (or a member of it)."""
    store = ledger.store
    if store.dialect != "postgresql":
        raise Refused(msg.ROLES_ON_SQLITE)
    found = Owner(store.row(sql.LEDGER_OWNER) or {}, store.value(sql.SESSION_USER))
    if not found.is_owner:
        raise Refused(msg.ROLES_NEED_OWNER, owner=named(found.owner), user=named(found.user))
    if len(found.database.encode()) > sql.MAX_DATABASE_NAME:
        raise Refused(msg.DATABASE_NAME_TOO_LONG, most=sql.MAX_DATABASE_NAME)
    return found


def grant(ledger: Ledger, user: str, role: str, units: Sequence[str] = ()) -> list[msg.Said]:
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
            said.append(msg.LOGIN_CREATED(user=name))
        elif found["rolsuper"] or name == facts.owner:
            raise Refused(msg.SUPERUSER_NEEDS_NO_ROLE if found["rolsuper"] else msg.OWNER_NEEDS_NO_ROLE, user=name)
        for statement in sql.membership(facts.database, name, key):
            ledger.store.run(statement)
        ledger.store.run(sql.UPSERT_MEMBER, {"member": name, "role": key, "units": scope})
        state.append(ledger.store, timeutil.to_text(timeutil.now()), ledger.actor, "role-granted",
                     {"user": name, "role": key, "units": scope})
    said.append(msg.ROLE_GRANTED(user=name, role=key, label=rights.ROLES[key].label, units=_units_said(scope)))
    return said


def revoke(ledger: Ledger, user: str) -> msg.Said:
    """`user` no longer a member of any role of this ledger (its login role stays)."""
    facts = owner(ledger)
    name = _user_name(user)
    with ledger.store.transaction():
        ledger.store.lock_ledger()
        _not_a_group(facts, name)
        sql.install(ledger.store, facts.database)
        if ledger.store.value(sql.ROLE_EXISTS, {"name": name}) is None:
            raise Refused(msg.NO_SUCH_ROLE, user=name)
        held = [r for r in members(ledger, check=False) if r["user"] == name]
        if not held:
            raise Refused(msg.HAS_NO_ROLE, user=name)
        for statement in sql.membership(facts.database, name, None):
            ledger.store.run(statement)
        ledger.store.run(sql.DELETE_MEMBER, {"member": name})
        state.append(ledger.store, timeutil.to_text(timeutil.now()), ledger.actor, "role-revoked",
                     {"user": name, "roles": [r["role"] for r in held]})
    return msg.ROLE_REVOKED(user=name)


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
    said = (right or rights.RIGHTS["read"]).says
    session, installed = store.row_outside(sql.SESSION_USER), store.row_outside(sql.INSTALLED)
    if session is None or installed is None:
        # No second connection (a role with CONNECTION LIMIT 1, no slot left on the server):
        # the database's own reason, which is all that is known.
        return TskError(msg.DATABASE_REFUSED, detail=detail)
    user = named(session["session_user"])
    found = store.row_outside(sql.LEDGER_OWNER)
    owner = named(found["owner"]) if found else msg.THE_OWNER
    member = store.row_outside(sql.MEMBER_OF_SESSION) if installed["installed"] else None
    holders = rights.holders(right.key) if right else rights.holders("read")
    if member is None:
        who = msg.WHO_WITHOUT_ROLE(user=user)
        if holders:
            return Refused(msg.REFUSED_NEEDS_A_ROLE, who=who, right=said, owner=owner)
        return Refused(msg.REFUSED_NEEDS_OWNER, who=who, right=said, owner=owner)
    role, units = member["role"], member["units"]
    who = (msg.WHO_WITH_ROLE(user=user, role=rights.ROLE.term(role)) if units is None
           else msg.WHO_WITH_UNITS(user=user, role=rights.ROLE.term(role), units=msg.Listed(units)))
    if not holders:
        return Refused(msg.REFUSED_NEEDS_OWNER, who=who, right=said, owner=owner)
    if role not in holders:
        return Refused(msg.REFUSED_NEEDS_ROLE, who=who, right=said, roles=_either([rights.ROLE.term(r) for r in holders]))
    if units is not None:
        return Refused(msg.REFUSED_OUTSIDE_UNIT if len(units) == 1 else msg.REFUSED_OUTSIDE_UNITS, who=who, right=said)
    return Refused(msg.REFUSED_BY_DATABASE, who=who, detail=detail, owner=owner)


def _either(names: list[msg.Message]) -> msg.Message | msg.Said:
    """`a`, `a or b`, `a, b or c` (`a、b或c`)."""
    return names[0] if len(names) == 1 else msg.EITHER(some=msg.Listed(names[:-1]), last=names[-1])


# -- input ------------------------------------------------------------------------------------
def _user_name(text: str) -> str:
    name = required_text(text, "USER")
    if len(name.encode()) > 63 or not name.isprintable():
        raise InvalidInput(msg.NOT_A_ROLE_NAME)
    if name.startswith("pg_"):
        raise InvalidInput(msg.RESERVED_ROLE_NAME)
    return name


def _not_a_group(facts: Owner, name: str) -> None:
    if any(name == sql.group(facts.database, role) for role in rights.ROLES):
        raise InvalidInput(msg.A_GROUP_ROLE, user=name)


def _units(ledger: Ledger, role: str, units: Sequence[str]) -> list[str] | None:
    """The units a member of `role` is limited to: None for every unit."""
    given = list(dict.fromkeys(required_text(u, "--unit") for u in units))
    if not given:
        return None
    if not rights.ROLES[role].scoped:
        raise InvalidInput(msg.UNIT_FOR_SCOPED_ROLES, role=rights.ROLE.term(role))
    known = ledger.settings["units"]
    for unit in given:
        if known and unit not in known:
            raise InvalidInput(msg.ROLE_UNIT_NOT_LISTED, value=echo(unit), units=msg.Listed(known))
    return given


def _units_said(units: list[str] | None) -> msg.Said:
    return msg.EVERY_UNIT() if units is None else msg.UNITS_LISTED(units=msg.Listed(units))
