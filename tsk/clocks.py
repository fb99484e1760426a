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

A clock is **past due** as of day D when it runs and its due date is before D: the deadline
day is over, due on D itself is not late. Dates are ISO text and compare as text, in SQL and
Python alike. (Working days late are counted by `tsk.overdue`.)

Reports count another quantity, built from the same pieces and named apart:
RESOLUTION_PAST_DUE_AS_OF.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

# A condition on one column: (column, "=", value), (column, "IS NULL", None) or
# (column, "IS NOT NULL", None), written as SQL or tested on a row.
_SQL = {"=": "{} = '{}'", "IS NULL": "{} IS NULL", "IS NOT NULL": "{} IS NOT NULL"}
_HOLDS = {"=": lambda v, value: v == value, "IS NULL": lambda v, _: v is None,
          "IS NOT NULL": lambda v, _: v is not None}
OPEN = ("status", "=", "open")
RUNNING = ("paused_at", "IS NULL", None)  # not stopped (`tsk pause`)


class Clock:
    """(A plain class: `tsk overdue` and `list` import this module, and a NamedTuple would cost
    them ~0.5 ms of start-up.)"""

    __slots__ = ("name", "column", "runs_while", "running_sql")

    def __init__(self, name: str, column: str, runs_while: tuple[tuple[str, str, Any], ...]) -> None:
        self.name = name
        self.column = column  # its due date
        self.runs_while = runs_while  # all of these hold
        # While it runs, as SQL: also the WHERE of its partial index, so the queries that repeat
        # it (`due_before`) can use the index (SQLite matches the terms exactly).
        self.running_sql = " AND ".join(_SQL[op].format(column, value) for column, op, value in runs_while)

    def due_before(self, param: str = "before") -> str:
        """SQL: it runs and falls due before :param (past due as of D: `:param` = D)."""
        return f"{self.running_sql} AND {self.column} < :{param}"

    def runs(self, c: Any) -> bool:
        return all(_HOLDS[op](c[column], value) for column, op, value in self.runs_while)


CLOCKS = (  # also the order of a complaint's clocks in listings and in `check`'s events
    Clock("ack", "ack_due", (OPEN, RUNNING, ("acked_at", "IS NULL", None))),
    Clock("resolution", "due", (OPEN, RUNNING)),
    Clock("cap", "cap_due", (OPEN, RUNNING)),
    Clock("report", "report_due", (("reported_at", "IS NULL", None), ("report_due", "IS NOT NULL", None))),
    Clock("form", "form_due", (OPEN, RUNNING, ("form_at", "IS NULL", None), ("form_due", "IS NOT NULL", None))),
    Clock("supervision", "supervision_due",
          (OPEN, RUNNING, ("supervised_at", "IS NULL", None), ("supervision_due", "IS NOT NULL", None))),
    Clock("referral", "referral_due", (OPEN, RUNNING, ("referral_due", "IS NOT NULL", None))),
    Clock("review", "review_due", (("reviewed_at", "IS NULL", None), ("review_due", "IS NOT NULL", None))),
)
# The clocks a clock stop stops (and `tsk check` counts as the open complaints' own).
STOPPED_BY_PAUSE = tuple(clock.name for clock in CLOCKS if RUNNING in clock.runs_while)
NAMES = tuple(clock.name for clock in CLOCKS)
# The clocks of handling in time: once one of them lapsed, the complaint is `lapsed` and never
# resolved on time, whatever follows (docs/rules.md, Escalation and lateness).
HANDLING = ("resolution", "cap")
BY_NAME = {clock.name: clock for clock in CLOCKS}


def _running_past_due(c: Any, day: str) -> Iterator[tuple[str, int, str]]:
    """(due date, clock order, name) of each clock of `c` running past due as of `day`, as found."""
    for i, clock in enumerate(CLOCKS):
        due = c[clock.column]
        if due is not None and due < day and clock.runs(c):  # the date first: most clocks are not late
            yield due, i, clock.name


def past_due(c: Any, as_of: dt.date) -> bool:
    """Some clock of the complaint `c` runs past due as of `as_of` (stops at the first)."""
    return any(_running_past_due(c, as_of.isoformat()))


def lapses(c: Any, as_of: dt.date) -> list[tuple[str, str]]:
    """(clock, due date) of each clock of the complaint `c` running past due as of `as_of`, by
    due date then clock order: what a write to `c` on `as_of` finds lapsed (`tsk.overdue`
    records those not recorded before). From the row alone: [] when nothing is past due."""
    return [(name, due) for due, _, name in sorted(_running_past_due(c, as_of.isoformat()))]


# Reports: the resolution clock past due as of the end of day :as_of, counted today from what
# the ledger holds — running then (received before the day ended, and open now or decided
# after it) with its due date (extensions included, even those granted later) before the day.
# Not the running clocks above: a complaint decided since then counts, its other clocks don't.
_RESOLUTION = BY_NAME["resolution"]
RESOLUTION_PAST_DUE_AS_OF = (f"({_RESOLUTION.running_sql} OR closed_at >= :as_of_end) AND received_at < :as_of_end "
                             f"AND {_RESOLUTION.column} < :as_of")
