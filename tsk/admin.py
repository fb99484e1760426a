"""Ledger-wide changes: local calendar corrections, settings and policies. Each is one
transaction with an audit row saying who changed what, chained (tsk.store.state): the
tables are the replay of the audit rows (`effects`)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from tsk import messages as msg
from tsk import settings as settings_mod
from tsk import timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, named
from tsk.sla import PRESET_VERSIONS, PRESETS, Policy
from tsk.store import queries as q
from tsk.store import state
from tsk.views import CALENDAR_CORRECTION
from tsk.workdays import package_calendar


def audit(ledger: Ledger, action: str, details: dict[str, Any], at: str | None = None) -> None:
    """Append one row to the ledger-wide audit chain (tsk.store.state); the caller holds the
    transaction, so the row and the change it records commit together."""
    state.append(ledger.store, at or timeutil.to_text(timeutil.now()), ledger.actor, action, details)


def effects(row: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """What one audit row did to the audited tables: (table, key, the row as it is now, or None
    when removed). Their contents are the replay of these, in order (`tsk verify`)."""
    details = json.loads(row["details"])
    by = {"actor": row["actor"], "recorded_at": row["at"]}
    if row["action"] == "config-set":
        return [("setting", details["key"], {"key": details["key"], "value": details["new"]})]
    if row["action"] == "calendar-set":
        found = None if details["workday"] is None else {
            "day": details["day"], "workday": int(details["workday"]), "note": details["note"], **by}
        return [("calendar_correction", details["day"], found)]
    if row["action"] == "calendar-published":
        return [("published_year", str(details["year"]), {"year": details["year"], "note": details["note"], **by})]
    if row["action"] == "policy-add" and "definition" in details:
        found = {"name": details["name"], "version": details["version"], "definition": details["definition"], **by}
        return [("policy_definition", state.row_key("policy_definition", found), found)]
    if row["action"] == state.BASELINE:  # every row as it stood when the chain began (schema v5)
        return [(table, state.row_key(table, r), r) for table, rows in details["tables"].items() for r in rows]
    return []


def set_calendar_days(ledger: Ledger, days: list[dt.date], *, workday: bool | None, note: str | None) -> int:
    """Record local corrections (workday True/False), or remove them (None), all at once.

    Deadlines of complaints still open that the change affects are recomputed in the same
    transaction, each with an event naming the correction: a deadline is a consequence of
    the calendar, so a corrected calendar must reach the clocks already running (a schedule
    entered in November for next year moves the deadlines of complaints open across New
    Year). Closed complaints keep the deadlines they were judged by. Returns the number of
    complaints whose deadlines moved.
    """
    from tsk.recompute import recompute_running_deadlines

    with ledger.store.transaction():
        moment = timeutil.to_text(timeutil.now())  # the row's recorded_at is its audit row's time
        for day in days:
            if workday is None:
                ledger.store.run(q.DELETE_CORRECTION, {"day": day.isoformat()})
            else:
                ledger.store.run(q.UPSERT_CORRECTION, {"day": day.isoformat(), "workday": int(workday), "note": note,
                                                       "actor": ledger.actor, "recorded_at": moment})
            audit(ledger, "calendar-set", {"day": day.isoformat(), "workday": workday, "note": note}, at=moment)
        ledger.reload_calendar()
        names = ", ".join(d.isoformat() for d in days)
        return recompute_running_deadlines(ledger, min(days), max(days), reason=CALENDAR_CORRECTION + names)


def mark_published(ledger: Ledger, year: int, note: str | None) -> None:
    """Say that `year`'s official schedule has been entered as local corrections."""
    if year in package_calendar().published_years:
        raise Refused(msg.YEAR_ALREADY_PUBLISHED, year=year)
    with ledger.store.transaction():
        moment = timeutil.to_text(timeutil.now())
        ledger.store.run(q.UPSERT_PUBLISHED_YEAR, {"year": year, "note": note, "actor": ledger.actor, "recorded_at": moment})
        audit(ledger, "calendar-published", {"year": year, "note": note}, at=moment)


def set_setting(ledger: Ledger, key: str, text: str) -> Any:
    value = settings_mod.parse(key, text)
    if key == "default_policy":
        ledger.policy(value)  # NotFound names the known ones
    with ledger.store.transaction():
        old = settings_mod.load(ledger.store).get(key)
        ledger.store.run(q.UPSERT_SETTING, {"key": key, "value": json.dumps(value, ensure_ascii=False)})
        audit(ledger, "config-set", {"key": key, "old": old, "new": value})
    ledger.__dict__.pop("settings", None)
    return value


def load_policy_file(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(msg.CANNOT_READ, path=named(path), reason=msg.os_reason(exc)) from None
    except UnicodeDecodeError:
        raise InvalidInput(msg.NOT_UTF8_FILE, path=named(path)) from None
    kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
    try:
        data = json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(msg.NOT_VALID_FILE, path=named(path), kind=kind, problem=str(exc)) from None
    except RecursionError:  # nested past the parser's depth
        raise InvalidInput(msg.POLICY_TOO_DEEP, path=named(path), kind=kind) from None
    return Policy.from_mapping(data, origin=str(path))


def add_policy(ledger: Ledger, policy: Policy) -> None:
    """Store a bank's policy. A stored version never changes: complaints name it."""
    if policy.name in PRESETS:
        raise Refused(msg.POLICY_IS_PRESET, name=policy.name)
    definition = json.dumps(policy.to_mapping(), ensure_ascii=False, sort_keys=True)
    with ledger.store.transaction():
        existing = ledger.store.row(q.POLICY_VERSION_EXISTS, {"name": policy.name, "version": policy.version})
        if existing is not None:
            if existing["definition"] == definition:
                return
            raise Refused(msg.POLICY_VERSION_EXISTS, name=policy.name, version=policy.version)
        moment = timeutil.to_text(timeutil.now())
        ledger.store.run(q.INSERT_POLICY, {"name": policy.name, "version": policy.version, "definition": definition,
                                           "actor": ledger.actor, "recorded_at": moment})
        audit(ledger, "policy-add", {"name": policy.name, "version": policy.version, "definition": definition}, at=moment)
    ledger.reload_policies()


def policies(ledger: Ledger) -> list[Policy]:
    """Every version of every preset (complaints opened under an earlier one keep it), then the
    ledger's own."""
    stored = [Policy.from_mapping(json.loads(r["definition"])) for r in ledger.store.rows(q.POLICY_DEFINITIONS)]
    return [*PRESET_VERSIONS.values(), *stored]
