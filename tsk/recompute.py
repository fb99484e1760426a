"""Deadlines computed again after a calendar correction (`tsk calendar set` and `unset`): the
running clocks whose days changed are moved, each with an event saying why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tsk import timeutil
from tsk.context import Ledger
from tsk.history import append_event
from tsk.lifecycle import _clock_start, _moment, _report_start
from tsk.sla import deadlines, referral_report_due, stored
from tsk.store import queries as q


def recompute_running_deadlines(ledger: Ledger, first: dt.date, last: dt.date, *, reason: str) -> int:
    """After calendar corrections between `first` and `last`, move the running clocks they
    affect (in the caller's transaction).

    Each clock is computed again from its start under the complaint's own policy, with any
    extension re-applied: the handling clocks of open complaints from receipt (or the latest
    reopening) — the handling deadline from the 督办表's issue once issued — and their 处理表
    and 督办表 clocks while they run, a regulator-report clock from intake or classification
    (group, major, emergency) or from closing (referral), a review (核查) from its application.
    Extensions and ended clock stops are re-applied; a clock stopped now stays where it was. A referring authority's own deadline
    (`referral_due`) is its date, not a count, and stays. Complaints whose dates do not change
    get no event.
    """
    moved = 0
    day_end = timeutil.start_of(last + dt.timedelta(days=1))
    for c in ledger.store.rows(q.RUNNING_CLOCKS_SPANNING, {"day": first.isoformat(), "day_end": day_end}):
        policy = ledger.policy(c["policy"], c["policy_version"])
        calendar = ledger.calendar
        changes: dict[str, Any] = {}
        if c["status"] == "open":
            clocks = deadlines(policy, calendar, _clock_start(ledger, c), kind=c["kind"], severity=c["severity"],
                               report_to_regulator=False, form_at=_moment(c["form_at"]),
                               supervised_at=_moment(c["supervised_at"]), extended_days=c["extended_days"],
                               paused_days=c["paused_days"])
            due = stored(clocks)
            changes.update(ack_due=due["ack_due"], due=due["due"], cap_due=due["cap_due"])
            if due["form_due"] is not None and c["form_at"] is None:
                changes["form_due"] = due["form_due"]
            if due["supervision_due"] is not None and c["supervised_at"] is None:
                changes["supervision_due"] = due["supervision_due"]
        if c["report_due"] is not None and c["reported_at"] is None:
            if c["closed_at"] is not None and c["status"] == "closed" and (c["channel"] == "regulator"
                                                                           or c["referred_by"]):
                report = referral_report_due(policy, calendar, timeutil.from_text(c["closed_at"]), kind=c["kind"],
                                             severity=c["severity"])
            else:
                report = policy.for_case(kind=c["kind"], severity=c["severity"]).report.due(calendar,
                                                                                            _report_start(ledger, c))
            changes["report_due"] = timeutil.due_text(report)
        if c["review_due"] is not None and c["reviewed_at"] is None:  # a review (核查) under way
            review = policy.for_case(kind=c["kind"], severity=c["severity"]).review
            if review is not None:
                changes["review_due"] = timeutil.due_text(review.due(calendar, timeutil.from_text(c["review_at"])))
        changes = {k: v for k, v in changes.items() if c[k] != v}
        if changes:
            append_event(ledger, c, "deadlines-recomputed", timeutil.now(), changes, reason=reason)
            moved += 1
    return moved
