"""The clocks of a complaint, each defined once: the column holding its due date and while it
runs. The SQL conditions (the queries of `tsk overdue` and `tsk check`, the partial indexes
that hold only running clocks) and the Python predicate (the "overdue" flag of `list` and
`show`, the forms) are both generated from CLOCKS, so they cannot disagree.

A clock runs while: `ack` (受理告知) — the complaint is open and the customer not yet told of
acceptance; `resolution` (`due`) and `cap` (`cap_due`) — it is open; `report` — the report to
the regulator is due and not yet made, whatever the status (a closed regulator-referred
complaint still owes its result to the referring authority); `form` (处理表, `form_due`) — it
is open, its policy has the clock and the 处理表 has not reached the 受理部门; `supervision`
(督办表, `supervision_due`) — it is open, its policy has the clock and the 督办表 is not yet
issued; `referral` (`referral_due`, the referring authority's own deadline) — it is open and
the authority set one; `review` (`review_due`, 核查) — the customer applied for review of the
decision and it is not decided yet, whatever the status.

A clock stop (`tsk pause`: appraisal, testing or evaluation, 中国银保监会令2020年第3号 第十八条)
stops every clock that runs while the complaint is open: a paused complaint is never overdue
on them. The regulator's report keeps running (it is owed to the regulator whatever the
complaint's state), and so does a review.

A due is a date (`2026-11-24`) or, for a clock counted in hours, a moment
(`2026-11-24T10:00:00+08:00`). A clock is **past due** as of a moment M on day D
(`timeutil.AsOf`) when it runs and its due is a date before D (the deadline day is over; due on
D itself is not late) or a moment before M (late from that moment): `past`, and `past_sql` for
SQL. Both are ISO text and compare as text, in SQL and Python alike, with M as the one bound: a
due is past when it sorts before M and is not the date D itself, since the only dues between D
and M are D and the moments of D before M. One range of each clock index, read in due order.
(Working days late are counted by `tsk.overdue`.)

A clock stopped at a moment is met late when it was past due then (`met_late`): the moment is
the bound. Reports count other quantities, built from the same pieces and named apart:
RESOLUTION_PAST_DUE_AS_OF, RESOLVED_ON_TIME.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tsk.timeutil import AsOf

if TYPE_CHECKING:
    import datetime as dt

# A condition on one column: (column, "=", value), (column, "IS NULL", None) or
# (column, "IS NOT NULL", None), written as SQL or tested on a row.
_SQL = {"=": "{} = '{}'", "IS NULL": "{} IS NULL", "IS NOT NULL": "{} IS NOT NULL"}
_HOLDS = {"=": lambda v, value: v == value, "IS NULL": lambda v, _: v is None,
          "IS NOT NULL": lambda v, _: v is not None}
OPEN = ("status", "=", "open")
RUNNING = ("paused_at", "IS NULL", None)  # not stopped (`tsk pause`)


def past(due: str, bound: str) -> bool:
    """The stored due `due` is past as of `bound` (`AsOf.bound`, or a stored time): it sorts
    before it and is not the date of its day (due that day, not over yet)."""
    return due < bound and due != bound[:10]


def past_sql(due: str, bound: str) -> str:
    """`past` in SQL: the due in column `due` is past as of `bound`, a parameter (`:before`) or
    a column of stored times (`closed_at`)."""
    return f"{due} < {bound} AND {due} <> substr({bound}, 1, 10)"


class Clock:
    """(A plain class: `tsk overdue` and `list` import this module, and a NamedTuple would cost
    them ~0.5 ms of start-up.)"""

    __slots__ = ("name", "column", "runs_while", "stopped_at", "running_sql")

    def __init__(self, name: str, column: str, runs_while: tuple[tuple[str, str, Any], ...],
                 stopped_at: str | None = None) -> None:
        self.name = name
        self.column = column  # its due: a date, or a moment
        self.runs_while = runs_while  # all of these hold
        self.stopped_at = stopped_at  # the column of the moment that stops it, for a clock one act stops
        # While it runs, as SQL: also the WHERE of its partial index, so the queries that repeat
        # it (`due_before`) can use the index (SQLite matches the terms exactly).
        self.running_sql = " AND ".join(_SQL[op].format(column, value) for column, op, value in runs_while)

    def due_before(self, param: str = "before") -> str:
        """SQL: it runs and is past due as of :param (`AsOf.bound`; a date D: due before D, as
        `overdue --within` asks for the clocks due up to a horizon)."""
        return f"{self.running_sql} AND {past_sql(self.column, ':' + param)}"

    def runs(self, c: Any) -> bool:
        return all(_HOLDS[op](c[column], value) for column, op, value in self.runs_while)


CLOCKS = (  # also the order of a complaint's clocks in listings and in `check`'s events
    Clock("ack", "ack_due", (OPEN, RUNNING, ("acked_at", "IS NULL", None)), "acked_at"),
    Clock("resolution", "due", (OPEN, RUNNING)),
    Clock("cap", "cap_due", (OPEN, RUNNING)),
    Clock("report", "report_due", (("reported_at", "IS NULL", None), ("report_due", "IS NOT NULL", None)),
          "reported_at"),
    Clock("form", "form_due", (OPEN, RUNNING, ("form_at", "IS NULL", None), ("form_due", "IS NOT NULL", None)),
          "form_at"),
    Clock("supervision", "supervision_due",
          (OPEN, RUNNING, ("supervised_at", "IS NULL", None), ("supervision_due", "IS NOT NULL", None)),
          "supervised_at"),
    Clock("referral", "referral_due", (OPEN, RUNNING, ("referral_due", "IS NOT NULL", None))),
    Clock("review", "review_due", (("reviewed_at", "IS NULL", None), ("review_due", "IS NOT NULL", None)),
          "reviewed_at"),
)
# The clocks a clock stop stops (and `tsk check` counts as the open complaints' own).
STOPPED_BY_PAUSE = tuple(clock.name for clock in CLOCKS if RUNNING in clock.runs_while)
NAMES = tuple(clock.name for clock in CLOCKS)
# The clocks of handling in time: once one of them lapsed, the complaint is `lapsed` and never
# resolved on time, whatever follows (docs/rules.md, Escalation and lateness).
HANDLING = ("resolution", "cap")
BY_NAME = {clock.name: clock for clock in CLOCKS}


def _running_past_due(c: Any, bound: str) -> Iterator[tuple[str, int, str]]:
    """(due, clock order, name) of each clock of `c` running past due as of `bound`, as found."""
    for i, clock in enumerate(CLOCKS):
        due = c[clock.column]
        if due is not None and past(due, bound) and clock.runs(c):  # the due first: most clocks are not late
            yield due, i, clock.name


def past_due(c: Any, as_of: AsOf | dt.date) -> bool:
    """Some clock of the complaint `c` runs past due as of `as_of` (a date: its end, `AsOf.of`;
    stops at the first)."""
    return any(_running_past_due(c, AsOf.of(as_of).bound))


def lapses(c: Any, as_of: AsOf | dt.date) -> list[tuple[str, str]]:
    """(clock, due) of each clock of the complaint `c` running past due as of `as_of`, by due
    then clock order: what a write to `c` finds lapsed (`tsk.overdue` records those not recorded
    before). From the row alone: [] when nothing is past due."""
    return [(name, due) for due, _, name in sorted(_running_past_due(c, AsOf.of(as_of).bound))]


def met_late(c: Any) -> list[tuple[str, str, str]]:
    """(clock, due, when it stopped) of each clock of `c` stopped after it was past due: the
    处理表 of a complaint registered (`--form-at`, default the registration) after the day it
    was due. The moment it stopped is the bound, as `as_of` is to a running clock."""
    found = []
    for clock in CLOCKS:
        due = c[clock.column]
        at = c[clock.stopped_at] if clock.stopped_at else None
        if due is not None and at is not None and past(due, at):
            found.append((clock.name, due, at))
    return found


# Reports: the resolution clock past due as of :as_of (`AsOf.bound`), counted today from what
# the ledger holds — running then (received before it, and open now or decided after it) with
# its due (extensions included, even those granted later) past then.
# Not the running clocks above: a complaint decided since then counts, its other clocks don't.
_RESOLUTION = BY_NAME["resolution"]
RESOLUTION_PAST_DUE_AS_OF = (f"({_RESOLUTION.running_sql} OR closed_at > :as_of) AND received_at < :as_of "
                             f"AND {past_sql(_RESOLUTION.column, ':as_of')}")
# Reports: decided before its resolution clock was past due — on or before the due date, or by
# the due moment of a clock in hours (the decision's moment is the bound).
RESOLUTION_MET = f"NOT ({past_sql(_RESOLUTION.column, 'closed_at')})"
