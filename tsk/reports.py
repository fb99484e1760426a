"""Statistics and reports: the numbers behind the half-year and whole-year reports to the
regulator, period statistics per unit or handler, hot spots and the monthly trend (the rules
are in docs/rules.md). Data in, dicts and rows out: `tsk.render.reports` lays them out.

Every count is over the complaints received in the period, read through the period's range of
ix_complaint_received: SQL aggregates, or (the half-year report's counts per unit, category,
customer and day) a few narrow columns streamed and counted a batch at a time, so a ledger of
a million complaints is never loaded into Python whole. Working days to resolve are counted
once per distinct (receipt date, closing date) pair, never once per complaint.

Definitions (the report prints them too):
- A complaint belongs to the period in which it was received (Asia/Shanghai); `received`
  counts every kind (投诉, 建议, 咨询) registered in the period. A repeat merged into the first
  complaint (status merged) is counted once, as the first: in no count but `merged`.
- `accepted` (受理) = received − rejected (不予受理); a withdrawn complaint had been accepted.
- `resolved` (办结) = status closed; `resolved_on_time` = closed before its resolution clock
  was past due, extensions included (on or before the due date, or by the due moment of a
  clock in hours: `clocks.RESOLUTION_MET`), and never lapsed (`queries.RESOLVED_ON_TIME`, the
  one condition every report counts by).
- `lapsed` (曾逾期) = its resolution or cap clock once ran past due (a recorded lapse).
- `late_entries` (补录) = recorded more than 24 hours after receipt; `late_extensions` =
  extensions recorded after the deadline they extended; `lapses` = the lapses recorded of
  the period's complaints, per clock (`tsk.overdue`).
- `open` = still open now (the ledger's current state).
- `overdue_open` (逾期未结) = not finished (closed, rejected or withdrawn) by the as-of moment
  (default now; a date alone means its end) and its resolution clock past due then (a due date
  before that day, a due moment before that moment): a snapshot at the as-of moment.
- Resolution time = working days after the day of receipt up to and including the day of
  closing (`Calendar.between`), like deadlines.
- Hot spot (热点) = one unit and category with complaints from at least `hotspot_threshold`
  distinct customers (ID number, else phone, else name) received within
  `hotspot_window_days` consecutive calendar days, all inside the period.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import gt
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.clocks import NAMES as CLOCKS
from tsk.clocks import past
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.periods import (  # noqa: F401 - the periods are the reports': `reports.half_year`
    Period,
    as_of_params,
    calendar_year,
    date_range,
    half_year,
    recipients,
    report_due,
)
from tsk.store import queries as q
from tsk.timeutil import AsOf
from tsk.vocab import BUSINESS_TYPE, BY, CATEGORY, CAUSE, CHANNEL, KIND, SEVERITY, Vocab


# -- dimensions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dimension:
    key: str  # the JSON key
    option: str  # the --by value
    expr: str  # its SQL expression: only these ever reach the SQL text
    zh: str
    en: str
    vocab: Vocab | None = None

    def label(self, value: Any, lang: str) -> str:
        if value is None:
            return "（未分派）" if lang == "zh" else "(unassigned)"
        if self.vocab is not None and lang == "zh":
            return self.vocab.label(value)
        return str(value)

    def heading(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


DIMENSIONS = {
    d.option: d
    for d in (
        Dimension("kind", "kind", "kind", "投诉类型", "kind", KIND),
        Dimension("channel", "channel", "channel", "投诉渠道", "channel", CHANNEL),
        Dimension("category", "category", "category", "投诉类别", "category", CATEGORY),
        Dimension("business_type", "business-type", "business_type", "业务类型", "business type", BUSINESS_TYPE),
        Dimension("cause", "cause", "cause", "投诉原因", "cause", CAUSE),
        Dimension("severity", "severity", "severity", "严重程度", "severity", SEVERITY),
        Dimension("unit", "unit", "unit", "被投诉单位", "unit"),
        Dimension("assignee", "assignee", "assignee", "处理人", "handler"),
        Dimension("month", "month", "substr(received_at, 1, 7)", "月份", "month"),
    )
}
HALF_YEAR_BY = ("kind", "channel", "category", "business-type", "cause", "severity", "unit")


def dimension(option: str) -> Dimension:
    """`--by`: an English key (business-type or business_type) or a Chinese name (单位, 类别…)."""
    return DIMENSIONS[BY.parse(option.replace("_", "-"))]


# -- building blocks ------------------------------------------------------------------------------
def _int(value: Any) -> int:
    return int(value or 0)


def yuan(fen: Any) -> float:
    return round(_int(fen) / 100, 2)


@dataclass
class Durations:
    """Working days to resolve, as (days, how many complaints) pairs."""

    counts: Counter = field(default_factory=Counter)

    def add(self, calendar, received_day: str, closed_day: str, n: int) -> None:
        days = calendar.between(dt.date.fromisoformat(received_day), dt.date.fromisoformat(closed_day))
        self.counts[days] += _int(n)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def mean(self) -> float | None:
        total = self.total
        return round(sum(d * n for d, n in self.counts.items()) / total, 2) if total else None

    def median(self) -> float | None:
        total = self.total
        if not total:
            return None
        wanted = {(total - 1) // 2, total // 2}  # the middle one, or the middle two
        values, seen = [], 0
        for days in sorted(self.counts):
            n = self.counts[days]
            values += [days for position in wanted if seen <= position < seen + n]
            seen += n
        return round(sum(values) / len(values), 2)


def durations(ledger: Ledger, period: Period, expr: str | None = None) -> dict[Any, Durations]:
    """Working days to resolve, per dimension value (or under the key None for all)."""
    out: dict[Any, Durations] = {}
    calendar = ledger.calendar
    for row in ledger.store.rows(q.report_resolution_pairs(expr), period.params()):
        out.setdefault(row["key"] if expr else None, Durations()).add(calendar, row["received_day"], row["closed_day"], row["n"])
    return out


def breakdown(ledger: Ledger, period: Period, dim: Dimension) -> dict[str, int]:
    """Counts per value: a vocabulary's every key in its order (zeros included), else by count."""
    found = {row["key"]: _int(row["n"]) for row in ledger.store.rows(q.report_breakdown(dim.expr), period.params())}
    if dim.vocab is not None:
        return vocabulary_order(dim, found)
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def vocabulary_order(dim: Dimension, counts: dict[Any, int]) -> dict[Any, int]:
    """A vocabulary's every key in its order (zeros included), then any other value found."""
    found = dict(counts)
    ordered = {key: found.pop(key, 0) for key in dim.vocab.keys}  # type: ignore[union-attr]
    return {**ordered, **dict(sorted(found.items(), key=lambda kv: str(kv[0])))}


class HotWindow:
    """The rolling window of one unit and category, fed its arrivals in receipt order: the
    first run within `window_days` consecutive calendar days from `threshold` distinct customers."""

    __slots__ = ("threshold", "window_days", "inside", "customers")

    def __init__(self, threshold: int, window_days: int) -> None:
        self.threshold, self.window_days = threshold, window_days
        self.inside: deque[tuple[dt.date, str]] = deque()
        self.customers: Counter = Counter()

    def add(self, day_text: str, customer: str) -> tuple[str, str] | None:
        """Take one arrival; once hot, the run's first and last receipt dates."""
        day = dt.date.fromisoformat(day_text)
        inside, customers = self.inside, self.customers
        inside.append((day, customer))
        customers[customer] += 1
        while (day - inside[0][0]).days >= self.window_days:
            _, gone = inside.popleft()
            customers[gone] -= 1
            if not customers[gone]:
                del customers[gone]
        if len(customers) >= self.threshold:
            return inside[0][0].isoformat(), day.isoformat()
        return None


def hot_window(arrivals: Iterable[dict], threshold: int, window_days: int) -> tuple[str, str] | None:
    """The first run of complaints within `window_days` consecutive calendar days from at least
    `threshold` distinct customers: its first and last receipt dates, else None."""
    window = HotWindow(threshold, window_days)
    for row in arrivals:
        if hit := window.add(row["day"], row["customer"]):
            return hit
    return None


BATCH = 1024  # rows fetched and counted at a time: a batch stays in the CPU cache while counted


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile: a report holds hundreds of thousands of
    tuples, strings and dicts and makes no cycles, and each collection would walk them all."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def rows_aside(store, statements: Sequence[tuple[str, dict[str, Any]]]) -> Callable[[], list[list[dict]]]:
    """Start a few queries; the returned function waits for their rows (a list per statement).
    On a SQLite file they run, in one read transaction, on a second connection in a thread
    (sqlite3 lets go of the GIL while it steps), so they overlap the work done meanwhile;
    elsewhere they have run already."""
    path = getattr(store, "path", None)
    if not isinstance(getattr(store, "conn", None), sqlite3.Connection) or not path or path == ":memory:":
        found = [store.rows(sql, params) for sql, params in statements]
        return lambda: found
    import threading

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            conn = sqlite3.connect(path, timeout=60.0, isolation_level=None)
            try:
                conn.execute("BEGIN")  # the statements see one state of the ledger
                found = []
                for sql, params in statements:
                    cursor = conn.execute(sql, params)
                    names = [d[0] for d in cursor.description]
                    found.append([dict(zip(names, row)) for row in cursor.fetchall()])
                result["rows"] = found
            finally:
                conn.close()
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run, name="tsk-report-totals", daemon=True)
    thread.start()

    def wait() -> list[list[dict]]:
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["rows"]

    return wait


CAUSE_KEYS = ("ref", "category", "root_cause", "rectification")


class Causes(Sequence):
    """The causes and rectifications of a period's closed complaints, in ref order: read as a
    list of {ref, category, root_cause, rectification} (CAUSE_KEYS), held as one column per
    key. Building tens of thousands of dicts costs more than the writers spend on them, so
    they write from the columns (`rows()`); a dict is made only for whoever asks for one."""

    __slots__ = ("refs", "categories", "root_causes", "rectifications")

    def __init__(self, refs: Sequence[str] = (), categories: Sequence[str] = (),
                 root_causes: Sequence[str | None] = (), rectifications: Sequence[str | None] = ()) -> None:
        self.refs, self.categories = refs, categories
        self.root_causes, self.rectifications = root_causes, rectifications

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return dict(zip(CAUSE_KEYS, (self.refs[index], self.categories[index], self.root_causes[index],
                                     self.rectifications[index])))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def rows(self) -> Iterator[tuple[str, str, str | None, str | None]]:
        """(ref, category, root cause, rectification) of each, in ref order."""
        return zip(self.refs, self.categories, self.root_causes, self.rectifications)


@dataclass
class PeriodRows:
    """What the half-year report counts per unit, category, customer or day, read in one pass
    of the period's complaints in receipt order (`REPORT_PERIOD_ROWS`), a few narrow columns
    counted a batch at a time (Counter.update, compress and list.extend run in C): a Python
    step per complaint is taken only for its customer (a set per cell) and, while the cell
    is not hot yet, its hot-spot window."""

    cells: Counter = field(default_factory=Counter)  # (unit, category) -> complaints
    customers: Counter = field(default_factory=Counter)  # (unit, category) -> distinct customers
    hot: list = field(default_factory=list)  # (unit, category) of the hot spots
    fen: Counter = field(default_factory=Counter)  # unit -> compensation in fen
    pairs: Counter = field(default_factory=Counter)  # (receipt date, closing date) -> closed complaints
    causes: Causes = field(default_factory=Causes)  # {ref, category, root_cause, rectification}, by ref

    @classmethod
    def read(cls, ledger: Ledger, period: Period, threshold: int, window_days: int) -> PeriodRows:
        cells: Counter = Counter()  # keyed by `cell`: category TAB unit
        days: Counter = Counter()
        fen: Counter = Counter()
        customers: dict[str, set[str]] = {}
        watching: dict[str, HotWindow] = {}  # the cells not hot yet
        hot: list[str] = []
        refs: list[str] = []  # the causes, a column each: ref, cell, root cause, rectification
        cause_cells: list[str] = []
        roots: list[str | None] = []
        fixes: list[str | None] = []
        texts: dict[str | None, str | None] = {}  # one copy of each root cause and rectification: they repeat
        with gc_paused():
            # Tuples, not a dict per row: the dicts would cost more than the counting done here.
            for batch in ledger.store.batches(q.REPORT_PERIOD_ROWS, period.params(), BATCH):
                where, keys, dates, comp, cause_refs, root_causes, rectifications = zip(*batch)
                cells.update(where)
                days.update(dates)
                if watching or not customers.keys() >= set(where):
                    for cell, customer, date in zip(where, keys, dates):
                        seen = customers.get(cell)
                        if seen is None:
                            seen = customers[cell] = set()
                            watching[cell] = HotWindow(threshold, window_days)
                        seen.add(customer)
                        if cell in watching and watching[cell].add(date[:10], customer):
                            del watching[cell]
                            hot.append(cell)
                else:  # every cell of the batch known and hot already: only its customers
                    for cell, customer in zip(where, keys):
                        customers[cell].add(customer)
                for cell, amount in compress(zip(where, comp), comp):
                    fen[cell] += amount
                refs += compress(cause_refs, cause_refs)
                cause_cells += compress(where, cause_refs)
                picked = list(compress(root_causes, cause_refs))
                roots += map(texts.setdefault, picked, picked)
                picked = list(compress(rectifications, cause_refs))
                fixes += map(texts.setdefault, picked, picked)
        where_of = {cell: (unit, category) for cell in cells  # cell -> (unit, category)
                    for category, _, unit in [cell.partition("\t")]}
        category_of = {cell: category for cell, (_, category) in where_of.items()}
        causes = [refs, list(map(category_of.__getitem__, cause_cells)), roots, fixes]
        if any(map(gt, refs, islice(refs, 1, None))):  # not received in ref order
            order = sorted(range(len(refs)), key=refs.__getitem__)  # refs are unique
            causes = [list(map(column.__getitem__, order)) for column in causes]
        rows = cls(causes=Causes(*causes))
        rows.cells = Counter({where_of[cell]: n for cell, n in cells.items()})
        rows.customers = Counter({where_of[cell]: len(seen) for cell, seen in customers.items()})
        rows.hot = [where_of[cell] for cell in hot]
        for cell, amount in fen.items():
            rows.fen[where_of[cell][0]] += amount
        rows.pairs = Counter({(d[:10], d[10:]): n for d, n in days.items() if len(d) > 10})
        return rows

    def durations(self, calendar) -> Durations:
        """Working days per (receipt, closing) pair, as the difference of the two days' counts
        from one day (`Calendar.between` is additive): one count per distinct day, thousands
        of pairs fewer."""
        days = {day for pair in self.pairs for day in pair}
        first = dt.date.fromisoformat(min(days)) if days else None
        count = {day: calendar.between(first, dt.date.fromisoformat(day)) for day in sorted(days)}
        resolved = Durations()
        for (received_day, closed_day), n in self.pairs.items():
            resolved.counts[count[closed_day] - count[received_day]] += n
        return resolved

    def hotspots(self) -> list[dict[str, Any]]:
        found = [{"unit": unit, "category": category, "complaints": self.cells[unit, category],
                  "customers": self.customers[unit, category]} for unit, category in self.hot]
        found.sort(key=lambda h: (-h["customers"], -h["complaints"], h["unit"], h["category"]))
        return found


# -- the half-year report ----------------------------------------------------------------------------
TOTAL_KEYS = ("received", "accepted", "rejected", "withdrawn", "resolved", "resolved_on_time", "open",
              "overdue_open", "extended", "group", "referred", "lapsed", "late_entries", "late_extensions", "merged")


def per_unit(counts: Counter) -> dict[str, Any]:
    """A count in all and per unit (most first), units with none left out."""
    return {"total": sum(counts.values()),
            "by_unit": dict(sorted(((u, n) for u, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0])))}


def late_counts(rows: Iterable[dict[str, Any]]) -> tuple[Counter, Counter]:
    """Per unit, from `REPORT_LATE`'s rows: the complaints recorded more than 24 hours after
    their receipt (补录, `late_entry`; a row without an extension), and the extensions recorded
    (`recorded_at`, China date) after the deadline they extended (the event's `previous_due`):
    an extension is decided, and the customer told, before it (银监发〔2012〕13号 第九条), and
    entering one later shows."""
    import json

    entries: Counter = Counter()
    extensions: Counter = Counter()
    for row in rows:
        if row["details"] is None:
            entries[row["unit"]] += 1
            continue
        previous = json.loads(row["details"]).get("previous_due")
        if previous is not None and past(previous, row["recorded_at"]):  # past due when it was entered
            extensions[row["unit"]] += 1
    return entries, extensions


def half_year_report(ledger: Ledger, period: Period, as_of: AsOf | dt.date | None = None) -> dict[str, Any]:
    """The JSON document of `tsk report half-year` (and of `tsk report year`, the same for a
    calendar year): the contract's keys, plus compensation, late entries and extensions,
    report_due, recipients and as_of.

    Passes over the period's range of ix_complaint_received whatever its size: the totals and
    the vocabulary breakdowns but category as filtered counts in SQL, then the late entries and
    the extension events (`REPORT_LATE`), both on SQLite in a thread of their own, meanwhile;
    the narrow columns counted per unit, category, customer and day in Python (`PeriodRows`),
    hot spots included. Category and unit come from its per-cell counts."""
    as_of = AsOf.of(as_of)  # default: today so far
    vocab_dims = [DIMENSIONS[o] for o in HALF_YEAR_BY if DIMENSIONS[o].vocab is not None and o != "category"]
    pivots: list[tuple[str, str, str]] = []
    values: dict[str, str] = {}
    for d in vocab_dims:
        for key in d.vocab.keys:  # type: ignore[union-attr]
            name = f"p{len(pivots)}"
            pivots.append((name, d.expr, name))
            values[name] = key
    aside = rows_aside(ledger.store, [(q.report_totals(pivots), {**period.params(), **as_of_params(as_of), **values}),
                                      (q.REPORT_LATE, period.params()), (q.REPORT_LAPSES, period.params()),
                                      (q.MERGED_IN, period.params())])
    rows = PeriodRows.read(ledger, period, int(ledger.settings["hotspot_threshold"]),
                           int(ledger.settings["hotspot_window_days"]))
    (t, *_), late, lapsed, (merged, *_) = aside()
    per_clock = {r["clock"]: _int(r["n"]) for r in lapsed}
    received, rejected = _int(t.get("received")), _int(t.get("rejected"))
    totals = {
        "received": received, "accepted": received - rejected, "rejected": rejected,
        "withdrawn": _int(t.get("withdrawn")), "resolved": _int(t.get("resolved")),
        "resolved_on_time": _int(t.get("resolved_on_time")), "open": _int(t.get("open_now")),
        "overdue_open": _int(t.get("overdue_open")), "extended": _int(t.get("extended")),
        "group": _int(t.get("group_count")), "referred": _int(t.get("referred")), "lapsed": _int(t.get("lapsed")),
        "merged": _int(merged.get("merged")),
    }
    entered_late, extended_late = late_counts(late)
    totals["late_entries"], totals["late_extensions"] = sum(entered_late.values()), sum(extended_late.values())
    by: dict[str, dict[str, int]] = {}
    for d in vocab_dims:
        counts = {values[name]: _int(t.get(name)) for name, expr, _ in pivots if expr == d.expr}
        # A value outside the vocabulary (an old import?) is counted by a GROUP BY instead.
        by[d.key] = counts if sum(counts.values()) == received else breakdown(ledger, period, d)
    units: Counter = Counter()
    categories: Counter = Counter()
    for (unit, category), n in rows.cells.items():
        units[unit] += n
        categories[category] += n
    by["unit"] = dict(sorted(units.items(), key=lambda kv: (-kv[1], kv[0])))
    by["category"] = vocabulary_order(DIMENSIONS["category"], categories)
    by = {DIMENSIONS[o].key: by[DIMENSIONS[o].key] for o in HALF_YEAR_BY}
    resolved = rows.durations(ledger.calendar)
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "totals": totals,
        "by": by,
        "resolution_working_days": {"mean": resolved.mean(), "median": resolved.median()},
        "hotspots": rows.hotspots(),
        "causes_and_rectifications": rows.causes,
        "compensation": {"total": yuan(sum(rows.fen.values())),
                         "by_unit": {u: yuan(f) for u, f in sorted(rows.fen.items()) if f}},
        "late_entries": per_unit(entered_late),
        "late_extensions": per_unit(extended_late),
        "lapses": {"total": sum(per_clock.values()), "by_clock": {k: per_clock[k] for k in CLOCKS if k in per_clock}},
        "report_due": report_due(period),
        "recipients": recipients(period),
        "as_of": as_of.text,
    }


# -- period statistics -------------------------------------------------------------------------------
def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def stats_as_of(period: Period, as_of: AsOf | dt.date | None) -> AsOf:
    """When `stats` counts overdue complaints: `as_of`, else the end of the range, or today so
    far if the range ends later."""
    return AsOf.of(as_of or min(period.end, timeutil.today()))


def stats(ledger: Ledger, period: Period, dim: Dimension, as_of: AsOf | dt.date | None = None) -> list[dict[str, Any]]:
    """Per value of `dim`: received, resolved, on time, overdue at `stats_as_of`, mean working days."""
    params = {**period.params(), **as_of_params(stats_as_of(period, as_of))}
    times = durations(ledger, period, dim.expr)
    rows = []
    for r in ledger.store.rows(q.report_stats(dim.expr), params):
        resolved, on_time = _int(r["resolved"]), _int(r["resolved_on_time"])
        rows.append({
            "key": r["key"], "received": _int(r["received"]), "resolved": resolved, "resolved_on_time": on_time,
            "on_time_rate": rate(on_time, resolved), "overdue": _int(r["overdue"]),
            "avg_working_days": times[r["key"]].mean() if r["key"] in times else None,
        })
    if dim.vocab is not None:  # vocabulary order, as the half-year report
        order = {key: i for i, key in enumerate(dim.vocab.keys)}
        rows.sort(key=lambda row: (order.get(row["key"], len(order)), str(row["key"])))
    else:
        rows.sort(key=lambda row: (row["key"] is None, str(row["key"])))
    return rows


def stats_total(ledger: Ledger, period: Period, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The 合计 row of a stats table (its mean over every resolved complaint)."""
    resolved = sum(r["resolved"] for r in rows)
    on_time = sum(r["resolved_on_time"] for r in rows)
    overall = durations(ledger, period).get(None, Durations())
    return {"key": None, "received": sum(r["received"] for r in rows), "resolved": resolved,
            "resolved_on_time": on_time, "on_time_rate": rate(on_time, resolved),
            "overdue": sum(r["overdue"] for r in rows), "avg_working_days": overall.mean()}


# -- the monthly trend --------------------------------------------------------------------------------
def months_back(last: dt.date, count: int) -> list[str]:
    """`count` months ending with the month of `last`, as `YYYY-MM`."""
    index = last.year * 12 + last.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


@dataclass
class Trend:
    months: list[str]
    keys: list[Any]  # dimension values, in display order ([] without --by)
    counts: dict[str, Counter]  # month -> value (None without --by) -> complaints

    def total(self, month: str) -> int:
        return sum(self.counts[month].values())


def trend(ledger: Ledger, months: int, dim: Dimension | None = None, last: dt.date | None = None) -> Trend:
    if months < 1 or months > 240:
        raise InvalidInput(msg.MONTHS_RANGE, months=months)
    labels = months_back(last or timeutil.today(), months)
    first = dt.date.fromisoformat(labels[0] + "-01")
    end_index = int(labels[-1][:4]) * 12 + int(labels[-1][5:])  # the month after the last
    after = dt.date(end_index // 12, end_index % 12 + 1, 1)
    period = Period(first, after - dt.timedelta(days=1))
    counts: dict[str, Counter] = {m: Counter() for m in labels}
    seen: Counter = Counter()
    for row in ledger.store.rows(q.report_trend(dim.expr if dim else None), period.params()):
        key = row["key"] if dim else None
        counts[row["month"]][key] += _int(row["n"])
        seen[key] += _int(row["n"])
    keys: list[Any] = []
    if dim is not None:
        if dim.vocab is not None:
            keys = [k for k in dim.vocab.keys if seen[k]] + sorted((k for k in seen if k not in dim.vocab.keys), key=str)
        else:
            keys = sorted(seen, key=lambda k: (-seen[k], str(k)))
    return Trend(labels, keys, counts)

