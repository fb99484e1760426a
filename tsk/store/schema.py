"""Creating a new ledger, and upgrading an older one in place.

A new ledger gets the tables of `tsk.store.models` as they are now. An older ledger is brought up
by the ordered migrations below, each in the same transaction as its version row, so a
ledger is never left half-upgraded. Adding a column or table means: change the model, append
a migration that does the same to existing ledgers, and bump nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tsk import messages as msg
from tsk import timeutil
from tsk.errors import TskError
from tsk.store.db import Store, schema_version


class Migration(NamedTuple):
    version: int
    description: str
    upgrade: Callable[[Store], None] | None  # None: the initial schema, made from the models


LIST_ORDER_INDEX = "CREATE INDEX IF NOT EXISTS ix_complaint_list_order ON complaint (status, direct DESC, due, ref)"


def _v2_list_order_index(store: Store) -> None:
    store.run(LIST_ORDER_INDEX)


def _v3_history_format(store: Store) -> None:
    """No table changes: from v3 an imported complaint's first event holds a digest of the row
    (tsk.baseline) and later events record the values they replace. The version row alone
    keeps an older tsk, which would misread such a history, from opening the ledger."""


V4_CLOCKS = ("ack", "resolution", "cap", "report")  # the clocks there were at v4 (later ones' columns came after)


def _v4_running_clock_indexes(store: Store) -> None:
    """The clock indexes hold only running clocks (tsk.clocks), as the models define them."""
    names = {f"ix_complaint_{clock}_clock" for clock in V4_CLOCKS}
    for name in sorted(names):
        store.run(f"DROP INDEX IF EXISTS {name}")
    for statement in model_indexes(store.dialect, 4):
        if statement.split()[2] in names:
            store.run(statement)


def _v5_audit_chain(store: Store) -> None:
    """The audit rows are chained like events; the existing ones are chained now, and what
    they cannot replay is recorded in one row that begins the record (tsk.store.state)."""
    from tsk.store import queries as q
    from tsk.store import state

    for column in ("prev_hash", "hash"):
        if store.value(q.HAS_COLUMN[store.dialect], {"table": "audit", "column": column}) is None:
            store.run(f"ALTER TABLE audit ADD COLUMN {column} VARCHAR(64) NOT NULL DEFAULT ''")
    state.begin_chain(store, timeutil.to_text(timeutil.now()))


# v6: the columns of the timeliness rules (tsk.store.models), and due dates that may be moments.
V6_COLUMNS = {
    "emergency": "INTEGER NOT NULL DEFAULT 0",
    "late_entry": "INTEGER NOT NULL DEFAULT 0",
    "lapsed": "INTEGER NOT NULL DEFAULT 0",
    "referral_due": "VARCHAR(25)",
    "form_due": "VARCHAR(25)",
    "form_at": "VARCHAR(25)",
    "supervision_due": "VARCHAR(25)",
    "supervised_at": "VARCHAR(25)",
    "supervising_unit": "VARCHAR",
}
V6_WIDENED = (("complaint", "ack_due"), ("complaint", "due"), ("complaint", "cap_due"), ("complaint", "report_due"),
              ("lapse", "due"))


def _v6_timeliness(store: Store) -> None:
    """New complaint columns; due dates wide enough for a moment (PostgreSQL checks lengths,
    SQLite does not); the models' indexes that are missing (the new clocks') created. A
    complaint whose resolution or cap clock lapsed before is marked `lapsed` (its lapse rows
    say so: the same fact, now on the row the reports read)."""
    from tsk.store import queries as q

    for column, ddl in V6_COLUMNS.items():
        if store.value(q.HAS_COLUMN[store.dialect], {"table": "complaint", "column": column}) is None:
            store.run(f"ALTER TABLE complaint ADD COLUMN {column} {ddl}")
    if store.dialect == "postgresql":
        for table, column in V6_WIDENED:
            store.run(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR(25)")
    for statement in model_indexes(store.dialect, 6):
        store.run(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    store.run(q.MARK_LAPSED_FROM_LAPSES)


# v7: the columns of the 2020 national rules (tsk.store.models), as a ledger of v6 adds them.
V7_COLUMNS = {
    "complainant_name": "VARCHAR",
    "complainant_relationship": "VARCHAR(12)",
    "paused_at": "VARCHAR(25)",
    "paused_days": "INTEGER NOT NULL DEFAULT 0",
    "restarted_at": "VARCHAR(25)",
    "merged_into": "VARCHAR(20)",
    "review_at": "VARCHAR(25)",
    "review_due": "VARCHAR(25)",
    "reviewed_at": "VARCHAR(25)",
    "review_result": "VARCHAR(12)",
    "review_resolution": "VARCHAR",
    "remedy": "VARCHAR(12)",
    "remedy_at": "VARCHAR(25)",
    "followed_up_at": "VARCHAR(25)",
    "follow_up_note": "VARCHAR",
}
# The clock indexes whose condition a clock stop changed (tsk.clocks: they stop while paused).
V7_CLOCK_INDEXES = ("ack", "resolution", "cap", "form", "supervision", "referral")


def _v7_national_rules(store: Store) -> None:
    """The 2020 national rules' columns; the clock indexes of the clocks a clock stop stops made
    again with their new condition, and the review clock's index. No value changes: the JR/T
    0169 classes tsk offered before keep their keys in today's full lists (tsk.vocab)."""
    from tsk.store import queries as q

    for column, ddl in V7_COLUMNS.items():
        if store.value(q.HAS_COLUMN[store.dialect], {"table": "complaint", "column": column}) is None:
            store.run(f"ALTER TABLE complaint ADD COLUMN {column} {ddl}")
    remade = {f"ix_complaint_{clock}_clock" for clock in V7_CLOCK_INDEXES}
    for name in sorted(remade):
        store.run(f"DROP INDEX IF EXISTS {name}")
    for statement in model_indexes(store.dialect, 7):
        store.run(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _v8_room_for_updates(store: Store) -> None:
    """PostgreSQL: complaint pages keep room for rewritten rows (`models.COMPLAINT_FILLFACTOR`),
    as a new ledger's do: pages written from now on (a full page gets room once rewritten, e.g.
    by `VACUUM FULL complaint`). SQLite has no such setting: its version row alone."""
    from tsk.store.models import COMPLAINT_FILLFACTOR

    if store.dialect == "postgresql":
        store.run(f"ALTER TABLE complaint SET (fillfactor = {COMPLAINT_FILLFACTOR})")


# The complaint columns each version added after v6 (an index naming one is made by its version).
LATER_COLUMNS = {7: tuple(V7_COLUMNS)}


def model_indexes(dialect_name: str, version: int) -> list[str]:
    """The models' CREATE INDEX statements a migration to `version` can make: those naming no
    column a later version adds (that version makes them). The models are today's, so an index
    that changed since names its new columns."""
    import re

    later = [column for v, columns in LATER_COLUMNS.items() if v > version for column in columns]
    named = re.compile(r"\b(" + "|".join(later) + r")\b") if later else None
    return [statement for statement in schema_ddl(dialect_name)
            if statement.startswith("CREATE INDEX") and (named is None or not named.search(statement))]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", None),
    Migration(2, "index for list order: status, direct first, soonest due, ref", _v2_list_order_index),
    Migration(3, "history: imported complaints keep a baseline digest; changes record what they replaced",
              _v3_history_format),
    Migration(4, "clock indexes hold only running clocks (open, unacknowledged, unreported)", _v4_running_clock_indexes),
    Migration(5, "audit rows chained; settings, calendar and policies their replay; imports record their refs",
              _v5_audit_chain),
    Migration(6, "timeliness: emergency, late entry, lapsed, referral, Guangdong form and supervision clocks; "
                 "due dates may be moments", _v6_timeliness),
    Migration(7, "the 2020 national rules: complainant, clock stops, merged repeats, restarts, review (核查), "
                 "remedies, follow-up; clocks stop while paused", _v7_national_rules),
    Migration(8, "PostgreSQL: complaint pages keep room for rewritten rows (fillfactor)", _v8_room_for_updates),
)

CURRENT_VERSION = MIGRATIONS[-1].version


def ensure_schema(store: Store) -> bool:
    """Create or upgrade the ledger's schema if needed; cheap when it is current. Whether it
    was created here (not by another process while this one waited for the ledger lock)."""
    version = schema_version(store)
    if version == CURRENT_VERSION:
        return False
    if version and version > CURRENT_VERSION:
        raise TskError(msg.SCHEMA_TOO_NEW, version=version, known=CURRENT_VERSION)
    with store.transaction():
        store.lock_ledger()
        # Another process may have created or upgraded it while we waited for the lock.
        version = schema_version(store)
        if not version:
            _create(store)
            return True
        for migration in MIGRATIONS:
            if migration.version > version and migration.upgrade is not None:
                migration.upgrade(store)
                _mark(store, migration)
        from tsk.store.roles import refresh

        refresh(store)  # PostgreSQL: the roles' grants and policies on the upgraded tables
    return False


def schema_ddl(dialect_name: str) -> list[str]:
    """CREATE TABLE / CREATE INDEX statements for the current models, in dependency order."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from tsk.store.models import SQLModel

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements.extend(str(CreateIndex(index).compile(dialect=dialect)).strip() for index in table.indexes)
    return statements


def _create(store: Store) -> None:
    for statement in schema_ddl(store.dialect):
        store.run(statement)
    for migration in MIGRATIONS:
        _mark(store, migration)


def _mark(store: Store, migration: Migration) -> None:
    store.run(
        "INSERT INTO schema_migration (version, description, applied_at) VALUES (:v, :d, :t)",
        {"v": migration.version, "d": migration.description, "t": timeutil.to_text(timeutil.now())},
    )
