"""Running clocks past due: `tsk overdue` (what is late or due soon) and `tsk check` (the
nightly job that records each lapse once and escalates it).

A clock runs while: `ack` — the complaint is open and the customer not yet told of acceptance;
`resolution` (`due`) and `cap` (`cap_due`) — it is open; `report` — the report to the
regulator is due and not yet made, whatever the status (a closed regulator-referred complaint
still owes its result to the referring authority).

Lateness, as of a day D (Asia/Shanghai):
- a clock is **past due** when its due date is before D: the deadline day is over. Due on D
  itself is not late.
- `working_days_late` is `calendar.between(due, D)`: the working days after the due date up
  to and including D. So the first working day after the deadline is 1, a make-up Saturday
  (调休上班) counts, and holidays and weekends do not. It is 0 for a clock due on D, and also
  for a deadline that passed on the day(s) off just before D (a Friday deadline seen on
  Saturday): that clock is past due, 0 working days late. It is negative for a clock due
  within the next working days (`--within`).
- `--within N` adds the clocks due from D up to the N-th working day after D (N = 0: due on
  D). Without it only past-due clocks are listed.
- D may lie in the future: `overdue` shows what would be late then; `check` computes what
  would lapse and records nothing (a what-if), see `check()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tsk import queries as q
from tsk import timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.lifecycle import append_event
from tsk.vocab import CLOCK, TOP_LEVEL

CLOCKS = tuple(q.CLOCK_BRANCHES)  # ack, resolution, cap, report: also the order within a complaint
CLOCK_COLUMN = {clock: column for clock, (column, _) in q.CLOCK_BRANCHES.items()}
BATCH = 500  # lapses handled per transaction by `check`: short locks, officers keep working


def parse_as_of(text: str | None) -> dt.date:
    """`--as-of`: a date (default today, Asia/Shanghai)."""
    return timeutil.today() if text is None else timeutil.parse_date(text, what="--as-of")


def running_due(complaint: Mapping[str, Any], clock: str) -> str | None:
    """The due date of `clock` if it is running on this complaint row, else None (mirrors the
    WHERE clauses of queries.CLOCK_BRANCHES)."""
    if clock == "report":
        return complaint["report_due"] if complaint["reported_at"] is None else None
    if complaint["status"] != "open" or (clock == "ack" and complaint["acked_at"] is not None):
        return None
    return complaint[CLOCK_COLUMN[clock]]


# -- tsk overdue ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Listing:
    as_of: dt.date
    within: int | None
    horizon: dt.date | None  # the last due date of the due-soon rows
    rows: list[dict[str, Any]]

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r["overdue"])

    @property
    def due_soon(self) -> int:
        return len(self.rows) - self.overdue

    def summary(self) -> str:
        text = f"{self.overdue} overdue"
        if self.within is not None:
            days = "today" if self.within == 0 else f"within {self.within} working day(s)"
            text += f", {self.due_soon} due {days}"
        return text + f" as of {self.as_of.isoformat()}"


def clock_rows(ledger: Ledger, as_of: dt.date, within: int | None = None) -> Listing:
    """Every running clock past due as of `as_of` (plus those due within `within` working
    days), most urgent first: most working days late, past due before due today, direct
    (越级) complaints first, then ref and clock."""
    if within is not None and within < 0:
        raise InvalidInput(f"--within must be 0 or more working days, not {within}")
    horizon = None
    if within is not None:
        horizon = as_of if within == 0 else ledger.calendar.shift(as_of, within)
    before = (horizon or as_of - dt.timedelta(days=1)) + dt.timedelta(days=1)
    calendar = ledger.calendar
    rows = []
    for r in ledger.store.rows(q.running_clocks(), {"before": before.isoformat()}):
        due = dt.date.fromisoformat(r["clock_due"])
        rows.append({
            "ref": r["ref"], "clock": r["clock"], "due": r["clock_due"],
            "working_days_late": calendar.between(due, as_of), "overdue": due < as_of,
            "state": "overdue" if due < as_of else "due-today" if due == as_of else "due-soon",
            "assignee": r["assignee"], "assignee_unit": r["assignee_unit"], "unit": r["unit"], "level": r["level"],
            "severity": r["severity"], "status": r["status"], "direct": bool(r["direct"]),
            "customer_name": r["customer_name"], "flags": _flags(r),
        })
    rows.sort(key=lambda r: (-r["working_days_late"], not r["overdue"], not r["direct"], r["ref"],
                             CLOCKS.index(r["clock"])))
    return Listing(as_of, within, horizon, rows)


def _flags(r: Mapping[str, Any]) -> list[str]:
    out = []
    if r["is_group"]:
        out.append("group")
    if r["severity"] == "major":
        out.append("major")
    if r["channel"] == "regulator" or r["referred_by"]:
        out.append("referred")
    if r["direct"]:
        out.append("direct")
    return out


# -- tsk check -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lapse:
    complaint_id: int
    ref: str
    clock: str
    due: str
    level: int  # as read, before this check


@dataclass
class CheckResult:
    as_of: dt.date
    recorded: bool  # False: a what-if (future --as-of or --dry-run), nothing written
    checked: int = 0  # complaints with a running clock: open, or awaiting a regulator report
    newly_overdue: int = 0  # lapses found for the first time (one per complaint, clock and due date)
    escalated: int = 0  # escalations made for them (not for complaints already at the top level)
    still_overdue: int = 0  # lapses recorded by an earlier check, still running

    @property
    def overdue(self) -> int:
        return self.newly_overdue + self.still_overdue

    def summary(self) -> str:
        line = (f"checked {self.checked} complaint(s) with running clocks as of {self.as_of.isoformat()}: "
                f"{self.newly_overdue} newly overdue, {self.escalated} escalated, {self.still_overdue} still overdue")
        return line if self.recorded else "what-if, nothing recorded: " + line.replace(" escalated", " to escalate")


def check(ledger: Ledger, as_of: dt.date, *, dry_run: bool = False, batch: int = BATCH) -> CheckResult:
    """The nightly check: record each new lapse once and escalate its complaint one level.

    A lapse is one clock of one complaint past its due date; the `lapse` table's key
    (complaint, clock, due) makes it happen once, however often or late the check runs: a
    missed week is caught up with one escalation per lapse, and an extension (a new due date)
    can lapse again. Lapses are handled in short transactions of `batch`; each re-reads the
    complaint inside the transaction, so a clock an officer stopped meanwhile is skipped and a
    concurrent check cannot escalate twice. Events are recorded now; lateness is as of `as_of`.

    An `as_of` after today is a what-if, like `dry_run`: nothing is recorded, the counts say
    what would happen (escalating on a date that has not come yet would write history that
    cannot be undone).
    """
    result = CheckResult(as_of, recorded=not dry_run and as_of <= timeutil.today())
    store = ledger.store
    result.checked = store.value(q.COUNT_OPEN) + store.value(q.COUNT_AWAITING_REPORT)
    new: list[Lapse] = []
    for r in store.rows(q.running_clocks(with_lapse=True), {"before": as_of.isoformat()}):
        if r["known"]:
            result.still_overdue += 1
        else:
            new.append(Lapse(r["id"], r["ref"], r["clock"], r["clock_due"], r["level"]))
    new.sort(key=lambda lapse: (lapse.complaint_id, lapse.due, CLOCKS.index(lapse.clock)))
    if not result.recorded:
        levels: dict[int, int] = {}
        for lapse in new:
            level = levels.get(lapse.complaint_id, lapse.level)
            result.newly_overdue += 1
            if level < TOP_LEVEL:
                result.escalated += 1
            levels[lapse.complaint_id] = min(level + 1, TOP_LEVEL)
        return result
    for start in range(0, len(new), batch):
        _record(ledger, new[start:start + batch], as_of, result)
    return result


def _record(ledger: Ledger, lapses: Sequence[Lapse], as_of: dt.date, result: CheckResult) -> None:
    store = ledger.store
    lock = q.COMPLAINT_BY_ID_LOCKED.format(for_update=store.for_update)
    with store.transaction():
        for lapse in lapses:
            c = store.row(lock, {"id": lapse.complaint_id})
            if c is None or running_due(c, lapse.clock) != lapse.due:
                continue  # stopped or moved since it was read (acknowledged, closed, extended…)
            now = timeutil.now()
            if store.run(q.INSERT_LAPSE, {"complaint_id": c["id"], "clock": lapse.clock, "due": lapse.due,
                                          "detected_at": timeutil.to_text(now)}) != 1:
                result.still_overdue += 1  # a concurrent check recorded it first
                continue
            result.newly_overdue += 1
            late = ledger.calendar.between(dt.date.fromisoformat(lapse.due), as_of)
            info = {"clock": lapse.clock, "due": lapse.due, "working_days_late": late, "as_of": as_of.isoformat(),
                    "by": "tsk check"}
            reason = f"{CLOCK.label(lapse.clock)} {lapse.clock} due {lapse.due} passed ({late} working day(s) late)"
            if c["level"] < TOP_LEVEL:
                append_event(ledger, c, "escalated", now, {"level": c["level"] + 1}, reason=reason, **info)
                result.escalated += 1
            else:
                append_event(ledger, c, "overdue-recorded", now, reason=reason + "; already at the top level", **info)
