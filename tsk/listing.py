"""Reading complaints for `list` and `show` (printed by `tsk.render.complaints`). Unmasked
output is recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tsk import timeutil, views
from tsk.context import Ledger
from tsk.records import load, load_locked_id
from tsk.store import queries as q
from tsk.vocab import CATEGORY, STATUS


class Filters:
    """Which complaints `list` and `export` take. (A plain class: `show` imports this module.)"""

    __slots__ = ("statuses", "unit", "assignee", "category", "since", "until")

    def __init__(self, statuses: tuple[str, ...] | None, unit: str | None = None, assignee: str | None = None,
                 category: str | None = None, since: str | None = None, until: str | None = None) -> None:
        self.statuses, self.unit, self.assignee, self.category = statuses, unit, assignee, category
        self.since = since  # stored-time text, inclusive
        self.until = until  # stored-time text, exclusive

    def as_dict(self) -> dict[str, object]:
        """For the audit row of an unmasked export."""
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def parse(cls, *, status: str = "open", unit=None, assignee=None, category=None, since=None, until=None) -> Filters:
        statuses = None if status == "all" else (STATUS.parse(status),)
        return cls(
            statuses=statuses,
            unit=unit,
            assignee=assignee,
            category=CATEGORY.parse(category) if category else None,
            since=timeutil.start_of(timeutil.parse_date(since, what="--since")) if since else None,
            until=timeutil.start_of(timeutil.parse_date(until, what="--until") + dt.timedelta(days=1)) if until else None,
        )

    def where(self) -> tuple[str, dict]:
        return q.complaint_filter(statuses=self.statuses, unit=self.unit, assignee=self.assignee,
                                  category=self.category, since=self.since, until=self.until)


def complaints(ledger: Ledger, filters: Filters, *, limit: int = 0, show_pii: bool = False) -> list[dict[str, Any]]:
    where, params = filters.where()
    rows = ledger.store.rows(q.list_complaints(where, limit), {**params, "limit": limit})
    if show_pii and rows:
        record_pii_view(ledger, rows, "list")
    today = timeutil.AsOf.today()  # once: "overdue" so far today, a clock in hours from its minute
    return [views.complaint_json(r, show_pii=show_pii, today=today) for r in rows]


def record_pii_view(ledger: Ledger, rows: list[dict], command: str) -> None:
    """Every unmasked output is an event on the complaint it shows (docs/rules.md, PII)."""
    from tsk.history import append_event

    with ledger.store.transaction():
        now = timeutil.now()
        for row in rows:
            append_event(ledger, load_locked_id(ledger, row["id"]), "pii-shown", now, command=command)


def complaint_with_history(ledger: Ledger, ref: str, *, show_pii: bool) -> dict[str, Any]:
    complaint = load(ledger, ref)
    if show_pii:
        record_pii_view(ledger, [complaint], "show")
        complaint = load(ledger, ref)
    events = ledger.store.rows(q.EVENTS_OF, {"id": complaint["id"]})
    return views.complaint_json(complaint, show_pii=show_pii, today=timeutil.AsOf.today(), events=events)


def count(ledger: Ledger, filters: Filters) -> int:
    where, params = filters.where()
    return ledger.store.value(q.count_complaints(where), params)
