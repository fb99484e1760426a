"""The ledger a command works on: its store, its actor, and what it loads lazily from it
(settings, the calendar with local corrections, policies)."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from tsk import messages as msg
from tsk.errors import InvalidInput, NotFound, Refused, echo, named
from tsk.store import queries as q
from tsk.store.db import (
    SCHEMA_VERSION,
    Store,
    default_location,
    is_server,
    is_url,
    missing_file,
    open_store,
    resolve_location,
    schema_version,
)

Warn = Callable[[msg.Said], None]  # told each warning or notice, said in the language of the run when printed

if TYPE_CHECKING:  # loaded on first use: a listing needs neither policies nor the calendar
    from tsk.rights import Right
    from tsk.sla import Policy
    from tsk.workdays import Calendar


def resolve_actor(option: str | None) -> str:
    """`--as`, else `TSK_USER`, else the login name."""
    if option:
        return option
    if os.environ.get("TSK_USER"):
        return os.environ["TSK_USER"]
    import getpass  # only when neither is set: importing it costs ~1 ms

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Ledger:
    def __init__(self, store: Store, actor: str | None = None, warn: Warn | None = None,
                 right: Right | None = None) -> None:
        self.store = store
        self._actor_option = actor
        self.warnings: list[msg.Said] = []
        self._warn = warn or self.warnings.append
        self.right = right  # what the command does, as a refusal by the database names it (tsk.rights)
        if store.dialect == "postgresql":
            store.refusal = self._refused

    @classmethod
    def open(cls, location: str | None = None, actor: str | None = None, warn: Warn | None = None,
             *, create: bool = True, right: Right | None = None) -> Ledger:
        """The ledger at `location` (`resolve_location`). A SQLite file that is not there is
        created (saying where) only when `create` or when it is the default location: a
        mistyped `--db` or `$TSK_DB` must not give cron an empty ledger that is all clear; nor
        does a PostgreSQL database without tsk's tables get them unless `create`.
        `actor` (`--as`) is refused for a PostgreSQL ledger, whose actor is the database user."""
        notes: list[msg.Said] = []
        where = resolve_location(location)
        if actor is not None and is_server(where):
            raise InvalidInput(msg.AS_ON_SERVER)  # the database says who acted (docs/rules.md, Roles on a shared ledger)
        path = missing_file(where)
        if path is not None and not create and where != default_location():
            raise NotFound(msg.NO_LEDGER, path=named(path))
        store = open_store(where, warn=warn or notes.append)
        ledger = cls(store, actor, warn, right)
        ledger.warnings += notes
        created = False
        version = schema_version(store)
        if version != SCHEMA_VERSION:  # new or older: the migrations are loaded only then
            from tsk.rights import RIGHTS
            from tsk.store.schema import ensure_schema

            if not version and not create and is_server(where):  # a database without tsk's tables: as a file not there
                store.close()
                raise NotFound(msg.NO_LEDGER_PG)
            ledger.right = RIGHTS["upgrade"]  # the owner's alone on PostgreSQL
            created = ensure_schema(store)
            ledger.right = right
        if path is not None:
            ledger.warn(msg.CREATED_LEDGER(path=named(os.path.abspath(path))))
        elif created:
            ledger.warn(msg.CREATED_LEDGER_PG())
        return ledger

    @classmethod
    def init(cls, location: str | None = None, actor: str | None = None,
             warn: Warn | None = None) -> Ledger:
        """`tsk init`: a new, empty ledger; refused where one exists."""
        where = resolve_location(location)
        if actor is not None and is_server(where):
            raise InvalidInput(msg.AS_ON_SERVER)  # the database says who acted (docs/rules.md, Roles on a shared ledger)
        if missing_file(where) is None:
            store = open_store(where, warn=warn)
            try:
                found = schema_version(store)
            finally:
                store.close()
            if found or not is_url(where):  # a file that is there, or a database with tsk's tables
                shown = msg.THE_POSTGRESQL_DATABASE if is_url(where) else named(os.path.abspath(where))
                raise Refused(msg.LEDGER_EXISTS, where=shown)
            return cls.open(where, actor, warn)  # which says it made the ledger
        return cls.open(where, actor, warn)

    @cached_property
    def actor(self) -> str:
        """Who is recorded on the events written: on PostgreSQL the database user the command
        connected as (`session_user`: no `--as`, and `$TSK_USER` is not read), else
        `resolve_actor`. Found when first needed, so the commands that only read never look."""
        if self.store.dialect == "postgresql":
            from tsk.store.roles import SESSION_USER

            return self.store.value(SESSION_USER)
        return resolve_actor(self._actor_option)

    def _refused(self, detail: str) -> Exception:
        """A statement PostgreSQL refused for want of a privilege, said as the right missing."""
        from tsk.access import refusal

        return refusal(self.store, self.right, detail)

    def warn(self, message: msg.Said) -> None:
        self._warn(message)

    @cached_property
    def settings(self) -> dict[str, Any]:
        from tsk.settings import load

        return load(self.store)

    @cached_property
    def calendar(self) -> Calendar:
        from tsk.workdays import as_special_days, build_calendar, unpublished_warning

        corrections = as_special_days(self.store.rows(q.CALENDAR_CORRECTIONS))
        published = [row["year"] for row in self.store.rows(q.PUBLISHED_YEARS)]
        return build_calendar(corrections, published, on_unpublished=lambda year: self.warn(unpublished_warning(year)))

    def reload_calendar(self) -> None:
        self.__dict__.pop("calendar", None)

    @cached_property
    def stored_policies(self) -> dict[str, dict[int, str]]:
        """Every policy stored in the ledger: name -> version -> definition (JSON). A handful
        of rows, read at once: an import resolves every row's policy from here."""
        stored: dict[str, dict[int, str]] = {}
        for row in self.store.rows(q.POLICY_DEFINITIONS):
            stored.setdefault(row["name"], {})[row["version"]] = row["definition"]
        return stored

    def reload_policies(self) -> None:
        self.__dict__.pop("stored_policies", None)

    def policy(self, name: str, version: int | None = None) -> Policy:
        """A preset (its newest version, or the one given: a complaint keeps the version it was
        opened under), or the newest (or given) version of a policy stored in the ledger. A
        policy the ledger stored under a name a later preset took (national2020, added from the
        example file before it was built in) stays the ledger's: its complaints keep its rules."""
        from tsk.sla import PRESET_VERSIONS, PRESETS, Policy

        if name in PRESETS and name not in self.stored_policies:
            found = PRESETS[name] if version is None else PRESET_VERSIONS.get((name, version))
            if found is not None:
                return found
        versions = self.stored_policies.get(name, {})
        definition = versions.get(max(versions) if version is None and versions else version)  # type: ignore[arg-type]
        if definition is None:
            known = sorted({*PRESETS, *self.stored_policies})
            wanted = name if version is None else f"{name} v{version}"
            raise NotFound(msg.NO_POLICY, name=echo(wanted), known=", ".join(known))
        import json

        return Policy.from_mapping(json.loads(definition), origin=msg.POLICY_NAMED(name=name))

    def close(self) -> None:
        self.store.close()
