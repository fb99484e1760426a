"""Running clocks past due: `tsk overdue` (what is late or due soon) and `tsk check` (the
nightly job that records each lapse once and escalates it).

Which clocks run, and when one is past due, is `tsk.clocks`. Lateness, as of a moment M on a
day D (`timeutil.AsOf`, Asia/Shanghai; by default today so far, M now):
- a clock is **past due** when it runs and its due is a date before D (the deadline day is
  over; due on D itself is not late) or a moment before M (a clock in hours: late from that
  moment).
- `working_days_late` is `calendar.between(due day, D)` (`late_by`): the working days after
  the due's day up to and including D. So the first working day after the deadline is 1, a
  make-up Saturday (调休上班) counts, and holidays and weekends do not. It is 0 for a clock due
  on D (a moment passed that day is late, 0 working days), and also for a deadline that passed
  on the day(s) off just before D (a Friday deadline seen on Saturday): that clock is past due,
  0 working days late. It is negative for a clock due within the next working days (`--within`).
- `--within N` adds the clocks due from D up to the N-th working day after D (N = 0: due on
  D). Without it only past-due clocks are listed.
- D may lie in the future: `overdue` shows what would be late then; `check` computes what
  would lapse and records nothing (a what-if), see `check()`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tsk import messages as msg
from tsk import timeutil, views
from tsk.clocks import HANDLING, past
from tsk.clocks import NAMES as CLOCKS
from tsk.clocks import lapses as lapses_of
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.store import queries as q
from tsk.timeutil import AsOf
from tsk.vocab import CLOCK, TOP_LEVEL

BATCH = 1000  # past-due clocks read per transaction by `check`: short locks, officers keep working


def parse_as_of(text: str | None) -> AsOf:
    """`--as-of`: a date or a date and time (default today so far, Asia/Shanghai), `timeutil.parse_as_of`."""
    return timeutil.parse_as_of(text)


def late_by(calendar, due: str, day: dt.date) -> int:
    """Working days late as of `day` of the stored due `due` (a date, or a moment: its day)."""
    return calendar.between(timeutil.due_day(due), day)


# -- tsk overdue ---------------------------------------------------------------------------------
class Listing:
    """The clocks of `clock_rows`, most urgent first. `rows` is an iterator over the ledger,
    read once and while it is open (a backlog of 200k late clocks is never all in memory);
    `overdue` and `due_soon` count the rows read so far, so `summary()` is complete once
    `rows` has been read through."""

    def __init__(self, as_of: AsOf, within: int | None, horizon: dt.date | None,
                 rows: Iterable[dict[str, Any]]) -> None:
        self.as_of, self.within = as_of, within
        self.horizon = horizon  # the last due date of the due-soon rows
        self.overdue = self.due_soon = 0
        self.rows: Iterator[dict[str, Any]] = self._counted(rows)

    def _counted(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            if row["overdue"]:
                self.overdue += 1
            else:
                self.due_soon += 1
            yield row

    def summary(self) -> msg.Said:
        as_of = self.as_of.text
        if self.within is None:
            return msg.OVERDUE_SUMMARY(overdue=self.overdue, as_of=as_of)
        if self.within == 0:
            return msg.OVERDUE_SUMMARY_TODAY(overdue=self.overdue, soon=self.due_soon, as_of=as_of)
        return msg.OVERDUE_SUMMARY_WITHIN(overdue=self.overdue, soon=self.due_soon, within=self.within, as_of=as_of)


def clock_rows(ledger: Ledger, as_of: AsOf | dt.date, within: int | None = None) -> Listing:
    """Every running clock past due as of `as_of` (a date: its end, `AsOf.of`), plus those due
    within `within` working days, most urgent first: most working days late, past due before
    due today, direct (越级) complaints first, then ref and clock."""
    if within is not None and within < 0:
        raise InvalidInput(msg.WITHIN_NEGATIVE, within=within)
    as_of = AsOf.of(as_of)
    horizon = None
    before = as_of.bound  # past due as of M
    if within is not None:  # and every clock due up to the end of the horizon day
        horizon = as_of.day if within == 0 else ledger.calendar.shift(as_of.day, within)
        before = (horizon + dt.timedelta(days=1)).isoformat()
    return Listing(as_of, within, horizon, _most_urgent_first(ledger, as_of, before))


def _urgency(row: dict[str, Any]) -> tuple:
    return (-row["working_days_late"], not row["overdue"], not row["direct"], row["ref"], CLOCKS.index(row["clock"]))


def _most_urgent_first(ledger: Ledger, as_of: AsOf, before: str) -> Iterator[dict[str, Any]]:
    """The clocks read in due order (SQLite merges it from the clock indexes, no sort): a day's
    date, then its moments. Lateness never grows with the due, so only a run of dues as many
    working days late (a Friday deadline and the weekend after it; a day's date and moments)
    is sorted here: memory holds one such run, not the listing."""
    calendar, as_of_day = ledger.calendar, as_of.day.isoformat()
    group: list[dict[str, Any]] = []
    due_text, day, late, is_overdue, state = None, None, None, False, ""
    for r in ledger.store.stream(q.running_clocks(), {"before": before}):
        if r["clock_due"] != due_text:  # lateness once per due (a date, or a moment)
            due_text = r["clock_due"]
            if due_text[:10] != day:  # working days once per due day
                day = due_text[:10]
                now_late = late_by(calendar, day, as_of.day)
                if now_late != late:
                    group.sort(key=_urgency)
                    yield from group
                    group = []
                    late = now_late
            is_overdue = past(due_text, as_of.bound)
            state = "overdue" if is_overdue else "due-today" if day == as_of_day else "due-soon"
        group.append({
            "ref": r["ref"], "clock": r["clock"], "due": due_text,
            "working_days_late": late, "overdue": is_overdue, "state": state,
            "assignee": r["assignee"], "assignee_unit": r["assignee_unit"], "unit": r["unit"], "level": r["level"],
            "severity": r["severity"], "status": r["status"], "direct": bool(r["direct"]),
            "customer_name": r["customer_name"], "flags": views.flags(r),
        })
    group.sort(key=_urgency)
    yield from group


# -- tsk check -----------------------------------------------------------------------------------
class CheckResult:
    """What a check found and did. (A plain class: `tsk overdue` imports this module, and a
    dataclass would cost it ~2 ms of start-up.)"""

    def __init__(self, as_of: AsOf | dt.date, recorded: bool) -> None:
        self.as_of = AsOf.of(as_of)
        self.recorded = recorded  # False: a what-if (future --as-of or --dry-run), nothing written
        self.checked = 0  # complaints with a running clock: open, or awaiting a regulator report
        self.newly_overdue = 0  # lapses found for the first time (one per complaint, clock and due date)
        self.escalated = 0  # escalations made for them (not for complaints already at the top level)
        self.still_overdue = 0  # lapses recorded by an earlier check, still running

    @property
    def overdue(self) -> int:
        return self.newly_overdue + self.still_overdue

    def summary(self) -> msg.Said:
        line = msg.CHECKED if self.recorded else msg.CHECKED_WHAT_IF  # a what-if escalates nothing
        return line(checked=self.checked, as_of=self.as_of.text, new=self.newly_overdue, escalated=self.escalated,
                    still=self.still_overdue)


def check(ledger: Ledger, as_of: AsOf | dt.date, *, dry_run: bool = False, batch: int = BATCH) -> CheckResult:
    """The nightly check: record each new lapse once and escalate its complaint one level.

    A lapse is one clock of one complaint past its due (a date, or a moment for a clock in
    hours: `as_of` is a moment, a date meaning its end, `AsOf.of`); the `lapse` table's key
    (complaint, clock, due) makes it happen once, however often or late the check runs: a
    missed week is caught up with one escalation per lapse, and an extension (a new due) can
    lapse again.

    The work goes by ranges of complaint ids holding about `batch` past-due clocks each (cut
    from the clock indexes first), one short transaction per range: it reads the range's
    complaints with a clock past due, locked (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR UPDATE),
    and the lapses already recorded there, then writes the new ones with their events. So a
    clock an officer stopped meanwhile is skipped, a concurrent check cannot escalate twice,
    and memory holds one range. Events are recorded now; lateness is as of `as_of`.

    An `as_of` after now (a day after today) is a what-if, like `dry_run`: nothing is
    recorded, the counts say what would happen (escalating at a time that has not come yet
    would write history that cannot be undone). It reads the same ranges without locking them.
    """
    as_of = AsOf.of(as_of)
    result = CheckResult(as_of, recorded=not dry_run and not as_of.is_future())
    store = ledger.store
    result.checked = store.value(q.COUNT_OPEN) + store.value(q.COUNT_AWAITING_REPORT)
    lapses = _Lapses(ledger, as_of, result.recorded)
    for after, upto in _ranges(ledger, as_of, batch):
        _record(ledger, after, upto, lapses, result)
    return result


FIRST_ID, LAST_ID = -(2**63), 2**63 - 1  # the ranges cover every possible id, so none is skipped


def _ranges(ledger: Ledger, as_of: AsOf | dt.date, batch: int) -> list[tuple[int, int]]:
    """(after, upto] id ranges with about `batch` past-due clocks each; a complaint's clocks
    stay in one range. Only the bounds are kept."""
    bounds: list[tuple[int, int]] = []
    after, count, last = FIRST_ID, 0, FIRST_ID
    for r in ledger.store.stream(q.clock_ids(), {"before": AsOf.of(as_of).bound}):
        if count >= batch and r["id"] != last:
            bounds.append((after, last))
            after, count = last, 0
        count, last = count + 1, r["id"]
    bounds.append((after, LAST_ID))
    return bounds


def _record(ledger: Ledger, after: int, upto: int, lapses: _Lapses, result: CheckResult) -> None:
    """The range (after, upto] in one transaction (a what-if: read, unlocked). Should a
    concurrent writer record one of its lapses after all, the lapse key fails the batch, which
    rolls back and is done once more (it then finds the lapse recorded)."""
    if not result.recorded:
        _range(ledger, after, upto, lapses, result)
        return
    for attempt in (1, 2):
        counts = CheckResult(result.as_of, recorded=True)
        try:
            with ledger.store.transaction():
                _range(ledger, after, upto, lapses, counts)
        except Exception as exc:
            if attempt == 2 or not _is_conflict(exc):
                raise
            continue
        result.newly_overdue += counts.newly_overdue
        result.escalated += counts.escalated
        result.still_overdue += counts.still_overdue
        return


def _range(ledger: Ledger, after: int, upto: int, lapses: _Lapses, counts: CheckResult) -> None:
    """Count the lapses of the complaints in (after, upto] and, when recorded, record them: per
    complaint, its new lapses by due date then clock, each with its event (escalated while below
    the top level, as `tsk escalate` does), then the complaint row once, guarded by its event
    count (`tsk.history.Batch`)."""
    store, write = ledger.store, counts.recorded
    params = {"after": after, "upto": upto, "before": lapses.as_of.bound}
    complaints = store.rows(q.lapsed_in_range(store.for_update if write else ""), params)
    if not complaints:
        return
    from tsk.lifecycle import escalation  # only a check with lapses escalates: `overdue` skips the import

    known = {(r["complaint_id"], r["clock"], r["due"]) for r in store.rows(q.LAPSES_IN_RANGE, params)}
    events = lapses.start()
    new_lapses: list[dict[str, Any]] = []
    for c in complaints:
        cid = c["id"]
        new = []
        for i, clock in enumerate(CLOCKS):
            due = c["lapse_" + clock]
            if due is None:
                continue
            if (cid, clock, due) in known:
                counts.still_overdue += 1
            else:
                new.append((due, i, clock))
        if not new:
            continue
        new.sort()  # the events in due order, then clock order
        for due, _, clock in new:
            counts.newly_overdue += 1
            action, changes = lapse_outcome(c, clock, escalation)
            escalated = action == "escalated"
            counts.escalated += escalated
            if events is None:  # a what-if: the level goes up all the same, for the next lapse
                c.update(changes or {})
                continue
            key = (clock, due, escalated)
            events.append(c, action, changes, lapses.info(key), key=key)
            new_lapses.append({"complaint_id": cid, "clock": clock, "due": due, "detected_at": events.now})
    if new_lapses:
        store.run_many(q.INSERT_LAPSE, new_lapses)  # its key refuses a lapse recorded twice
        events.write(store)


def lapse_outcome(c: Mapping[str, Any], clock: str, escalation) -> tuple[str, dict[str, Any] | None]:
    """What recording a lapse of `clock` does to the complaint `c`, whoever records it: one level
    up while below the top (`escalation`: `tsk.lifecycle.escalation`, as `tsk escalate`), and
    `lapsed` once a handling clock lapsed (`clocks.HANDLING`): never on time after that."""
    if c["level"] < TOP_LEVEL:
        action, changes = escalation(c)
    else:
        action, changes = "overdue-recorded", None
    if clock in HANDLING and not c["lapsed"]:
        changes = {**(changes or {}), "lapsed": 1}
    return action, changes


def _is_conflict(exc: Exception) -> bool:
    """A key violation (sqlite3's IntegrityError, PostgreSQL's SQLSTATE class 23): a concurrent check won."""
    return isinstance(exc, sqlite3.IntegrityError) or (getattr(exc, "sqlstate", None) or "").startswith("23")


CHECK = "tsk check"  # who records a lapse, in its event's details: this, or the command that wrote (`record_lapses`)


def lapse_recorded(details: Mapping[str, Any]) -> tuple[str, str] | None:
    """The lapse (clock, due date) whose recording an event's details say, if any, whichever
    command recorded it (`tsk check`, or `tsk note`… on writing: "by" names it): the `lapse`
    table holds exactly these, each detected when its event was recorded (`tsk verify`)."""
    by = details.get("by")
    if isinstance(by, str) and by.startswith("tsk") and "clock" in details and "due" in details:
        return details["clock"], details["due"]
    return None


def lapse_warning(ref: str, clock: str, due: str, late: int) -> msg.Said:
    """What a command that recorded a lapse says on stderr: the due as stored (a date, or the
    moment of a clock in hours, as `overdue --format json` gives it)."""
    return msg.LAPSE_WARNING(ref=ref, clock=CLOCK.term(clock), due=due, late=late)


def record_lapses(ledger: Ledger, c: dict[str, Any], by: str,
                  met_late: Iterable[tuple[str, str, str]] = ()) -> list[msg.Said]:
    """Lateness is a fact: before a command writes to the complaint `c` (loaded, locked, in the
    caller's transaction), record each lapse of it not recorded yet — a clock running past
    due as of now, whatever the command's `--at` — as `tsk check` does (the same event,
    escalation, `lapsed` marking and lapse row; "by" names the command). `met_late`: clocks
    already stopped past their due (`clocks.met_late`: a 处理表 filed after its day, at
    registration), each late as of when it stopped. `c` is brought up to date. Returns the
    warnings to print once the transaction commits. Nothing past due (decided from the row):
    no query at all."""
    today = AsOf.today()
    found: list[tuple[str, int, str, AsOf | None]] = [
        (due, CLOCKS.index(clock), clock, None) for clock, due in lapses_of(c, today)]
    found += [(due, CLOCKS.index(clock), clock, AsOf.at(timeutil.from_text(at))) for clock, due, at in met_late]
    if not found:
        return []
    store = ledger.store
    known = {(r["clock"], r["due"]) for r in store.rows(q.LAPSES_OF, {"id": c["id"]})}
    new = sorted((f for f in found if (f[2], f[0]) not in known), key=lambda f: f[:2])  # by due, then clock
    if not new:
        return []
    from tsk.lifecycle import escalation

    recording = _Lapses(ledger, today, True, by)
    events = recording.start()
    assert events is not None  # recorded: never a what-if
    rows, warnings = [], []
    for due, _, clock, stopped in new:
        action, changes = lapse_outcome(c, clock, escalation)
        key = (clock, due, action == "escalated")
        info = recording.info(key, stopped)
        events.append(c, action, changes, info, key=key if stopped is None else None)
        rows.append({"complaint_id": c["id"], "clock": clock, "due": due, "detected_at": events.now})
        warnings.append(lapse_warning(c["ref"], clock, due, info["working_days_late"]))
    store.run_many(q.INSERT_LAPSE, rows)
    events.write(store)
    return warnings


class _Lapses:
    """What `check` (or the command `by` that records a lapse on writing) says of each lapse
    (lateness once per due, the details once per clock, due and outcome), and the events it
    writes: a `tsk.history.Batch` across ranges, each range its own moment."""

    def __init__(self, ledger: Ledger, as_of: AsOf | dt.date, recorded: bool, by: str = CHECK) -> None:
        self.calendar, self.as_of = ledger.calendar, AsOf.of(as_of)
        self.actor, self.recorded, self.by = ledger.actor, recorded, by
        self.late: dict[str, int] = {}
        self._infos: dict[tuple[str, str, bool], dict[str, Any]] = {}
        self._events = None

    def start(self):
        """The events of a range with lapses (None for a what-if), at its own moment."""
        if not self.recorded:
            return None
        if self._events is None:
            from tsk.history import Batch  # only a check that records lapses writes events

            self._events = Batch(self.actor)
        else:
            self._events.start()
        return self._events

    def working_days_late(self, due: str) -> int:
        late = self.late.get(due)
        if late is None:
            late = self.late[due] = late_by(self.calendar, due, self.as_of.day)
        return late

    def info(self, key: tuple[str, str, bool], stopped: AsOf | None = None) -> dict[str, Any]:
        """The details of the event of a lapse (clock, due, escalated?) besides its changes:
        late as of `as_of`, or of `stopped` for a clock met late (made each time)."""
        found = self._infos.get(key) if stopped is None else None
        if found is None:
            clock, due, escalated = key
            when = stopped or self.as_of
            late = self.working_days_late(due) if stopped is None else late_by(self.calendar, due, stopped.day)
            reason = f"{CLOCK.label(clock)} {clock} due {timeutil.due_shown(due)} passed ({late} working day(s) late)"
            found = {"clock": clock, "due": due, "working_days_late": late, "as_of": when.text, "by": self.by,
                     "reason": reason if escalated else reason + "; already at the top level"}
            if stopped is None:
                self._infos[key] = found
        return found
