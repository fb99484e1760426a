"""Reading complaints for `list` and `show` (printed by `tsk.render.complaints`). Unmasked
output is recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from tsk import timeutil, views
from tsk.context import Ledger
from tsk.records import load
from tsk.store import queries as q
from tsk.vocab import CATEGORY, STATUS


class Filters(NamedTuple):
    statuses: tuple[str, ...] | None
    unit: str | None = None
    assignee: str | None = None
    category: str | None = None
    since: str | None = None  # stored-time text, inclusive
    until: str | None = None  # stored-time text, exclusive

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
    today = timeutil.today()
    return [views.complaint_json(r, show_pii=show_pii, today=today) for r in rows]


def record_pii_view(ledger: Ledger, rows: list[dict], command: str) -> None:
    """Every unmasked output is an event on the complaint it shows (docs/rules.md, PII)."""
    from tsk.history import append_event

    with ledger.store.transaction():
        now = timeutil.now()
        for row in rows:
            current = ledger.store.row(q.COMPLAINT_BY_ID_LOCKED.format(for_update=ledger.store.for_update), {"id": row["id"]})
            append_event(ledger, current, "pii-shown", now, command=command)


def complaint_with_history(ledger: Ledger, ref: str, *, show_pii: bool) -> dict[str, Any]:
    complaint = load(ledger, ref)
    if show_pii:
        record_pii_view(ledger, [complaint], "show")
        complaint = load(ledger, ref)
    events = ledger.store.rows(q.EVENTS_OF, {"id": complaint["id"]})
    return views.complaint_json(complaint, show_pii=show_pii, today=timeutil.today(), events=events)


def count(ledger: Ledger, filters: Filters) -> int:
    where, params = filters.where()
    return ledger.store.value(q.count_complaints(where), params)
