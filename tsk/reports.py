"""Statistics and reports (REQUIREMENTS §5): the half-year report to the regulator, period
statistics per unit or handler, hot spots and the monthly trend.

Every count is over the complaints received in the period, read through the period's range of
ix_complaint_received: SQL aggregates, or (the half-year report's counts per unit, category,
customer and day) a few narrow columns streamed and counted a batch at a time, so a ledger of
a million complaints is never loaded into Python whole. Working days to resolve are counted
once per distinct (receipt date, closing date) pair, never once per complaint.

Definitions (the report prints them too):
- A complaint belongs to the period in which it was received (Asia/Shanghai); `received`
  counts every kind (投诉, 建议, 咨询) registered in the period.
- `accepted` (受理) = received − rejected (不予受理); a withdrawn complaint had been accepted.
- `resolved` (办结) = status closed; `resolved_on_time` = closed on or before its resolution
  due date, extensions included (`closing date <= due`).
- `open` = still open now (the ledger's current state).
- `overdue_open` (逾期未结) = not finished (closed, rejected or withdrawn) by the end of the
  as-of day (default today) and its due date before that day: a snapshot at the as-of date.
- Resolution time = working days after the day of receipt up to and including the day of
  closing (`Calendar.between`), like deadlines.
- Hot spot (热点) = one unit and category with complaints from at least `hotspot_threshold`
  distinct customers (ID number, else phone, else name) received within
  `hotspot_window_days` consecutive calendar days, all inside the period.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import json
import re
import sqlite3
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, compress, islice, repeat
from operator import gt
from typing import Any, TextIO

from tsk import timeutil
from tsk.render import output
from tsk.store import queries as q
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.vocab import BUSINESS_TYPE, CATEGORY, CAUSE, CHANNEL, KIND, SEVERITY, Vocab

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
    key = option.strip().lower().replace("_", "-")
    if key not in DIMENSIONS:
        raise InvalidInput(f"--by {option!r} is not one of: {', '.join(DIMENSIONS)}")
    return DIMENSIONS[key]


# -- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    name: str = ""

    def params(self) -> dict[str, str]:
        """The stored-time range [since, until) of the complaints received in the period."""
        return {"since": timeutil.start_of(self.start), "until": timeutil.start_of(self.end + dt.timedelta(days=1))}


def half_year(text: str) -> Period:
    """`2026H1` (1 January – 30 June) or `2026H2` (1 July – 31 December)."""
    found = re.fullmatch(r"(\d{4})\s*[Hh]([12])", text.strip())
    if not found:
        raise InvalidInput(f"period {text!r} is not a half-year like 2026H1 or 2026H2")
    year, half = int(found[1]), int(found[2])
    if half == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}H1")
    return Period(dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}H2")


def report_due(period: Period) -> dict[str, str]:
    """When the half-year report is due: the CBRC's (000 十六: by 30 July for the first half,
    by 30 January of the next year for the second) and Guangdong RCC's (004 第二十三条: the
    first half by 15 June, the whole year by 15 December)."""
    year = period.start.year
    if period.start.month == 1:
        return {"cbrc": f"{year}-07-30", "gdrcc": f"{year}-06-15"}
    return {"cbrc": f"{year + 1}-01-30", "gdrcc": f"{year}-12-15"}


def date_range(since: str | None, until: str | None) -> Period:
    """`--since`/`--until` (inclusive dates); defaults: 1 January of the until-year, today."""
    last = timeutil.parse_date(until, what="--until") if until else timeutil.today()
    first = timeutil.parse_date(since, what="--since") if since else dt.date(last.year, 1, 1)
    if first > last:
        raise InvalidInput(f"--since {first} is after --until {last}")
    return Period(first, last, f"{first}..{last}")


def as_of_params(as_of: dt.date) -> dict[str, str]:
    return {"as_of": as_of.isoformat(), "as_of_end": timeutil.start_of(as_of + dt.timedelta(days=1))}


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


def row_batches(store, sql: str, params: dict[str, Any], size: int = BATCH) -> Iterator[Sequence[Sequence[Any]]]:
    """A query's rows as tuples, `size` at a time. On SQLite straight from the cursor: a dict
    per row (the store's row factory) would cost more than the counting done with it."""
    conn = getattr(store, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        cursor = conn.cursor()
        cursor.row_factory = None
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch
        return
    batch: list[tuple] = []
    for row in store.stream(sql, params, size):
        batch.append(tuple(row.values()))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def row_aside(store, sql: str, params: dict[str, Any]) -> Callable[[], dict | None]:
    """Start one aggregate query; the returned function waits for its row. On a SQLite file it
    runs on a second connection in a thread (sqlite3 lets go of the GIL while it steps), so
    it overlaps the work done meanwhile; elsewhere it has run already."""
    path = getattr(store, "path", None)
    if not isinstance(getattr(store, "conn", None), sqlite3.Connection) or not path or path == ":memory:":
        found = store.row(sql, params)
        return lambda: found
    import threading

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            conn = sqlite3.connect(path, timeout=60.0)
            try:
                cursor = conn.execute(sql, params)
                row = cursor.fetchone()
                result["row"] = None if row is None else dict(zip([d[0] for d in cursor.description], row))
            finally:
                conn.close()
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run, name="tsk-report-totals", daemon=True)
    thread.start()

    def wait() -> dict | None:
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["row"]

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

    def __getitem__(self, index):  # type: ignore[override]
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
            for batch in row_batches(ledger.store, q.REPORT_PERIOD_ROWS, period.params(), BATCH):
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
              "overdue_open", "extended", "group", "referred")


def half_year_report(ledger: Ledger, period: Period, as_of: dt.date | None = None) -> dict[str, Any]:
    """The JSON document of `tsk report half-year` (CLI.md), plus compensation, report_due, as_of.

    Two passes over the period's range of ix_complaint_received whatever its size: the totals
    and the vocabulary breakdowns but category as filtered counts in SQL (on SQLite in a thread
    of its own, meanwhile); the narrow columns counted per unit, category, customer and day in
    Python (`PeriodRows`), hot spots included. Category and unit come from its per-cell counts."""
    as_of = as_of or timeutil.today()
    vocab_dims = [DIMENSIONS[o] for o in HALF_YEAR_BY if DIMENSIONS[o].vocab is not None and o != "category"]
    pivots, values = [], {}
    for d in vocab_dims:
        for key in d.vocab.keys:  # type: ignore[union-attr]
            name = f"p{len(pivots)}"
            pivots.append((name, d.expr, name))
            values[name] = key
    totals_row = row_aside(ledger.store, q.report_totals(pivots), {**period.params(), **as_of_params(as_of), **values})
    rows = PeriodRows.read(ledger, period, int(ledger.settings["hotspot_threshold"]),
                           int(ledger.settings["hotspot_window_days"]))
    t = totals_row() or {}
    received, rejected = _int(t.get("received")), _int(t.get("rejected"))
    totals = {
        "received": received, "accepted": received - rejected, "rejected": rejected,
        "withdrawn": _int(t.get("withdrawn")), "resolved": _int(t.get("resolved")),
        "resolved_on_time": _int(t.get("resolved_on_time")), "open": _int(t.get("open_now")),
        "overdue_open": _int(t.get("overdue_open")), "extended": _int(t.get("extended")),
        "group": _int(t.get("group_count")), "referred": _int(t.get("referred")),
    }
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
        "report_due": report_due(period),
        "as_of": as_of.isoformat(),
    }


# -- period statistics -------------------------------------------------------------------------------
STAT_KEYS = ("key", "received", "resolved", "resolved_on_time", "on_time_rate", "overdue", "avg_working_days")


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def stats(ledger: Ledger, period: Period, dim: Dimension, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Per value of `dim`: received, resolved, on time, overdue at `as_of`, mean working days.

    `as_of` defaults to the end of the range, or today if that is later than today."""
    as_of = as_of or min(period.end, timeutil.today())
    params = {**period.params(), **as_of_params(as_of)}
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
        raise InvalidInput(f"--months must be between 1 and 240, not {months}")
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


# -- rendering: one document for people (table or Markdown), or CSV/JSON for scripts ---------------
TEXT = {
    "zh": {
        "title": "{year}年{half}客户投诉统计分析报告", "H1": "上半年", "H2": "下半年",
        "period": "报告期间：{start} 至 {end}（北京时间，按受理时间归属）",
        "as_of": "统计截至：{as_of}", "due": "报送期限：银行业监管机构 {cbrc} 前（银监发〔2012〕13号 十六）；"
        "省联社及当地监管部门 {gdrcc} 前（广东农信《客户投诉处理指引》第二十三条）",
        "s1": "一、总体情况", "s2": "二、分类统计", "s3": "三、处理时效", "s4": "四、热点问题",
        "s5": "五、主要问题、原因分析及整改措施", "s6": "六、补偿情况", "s7": "七、统计口径说明",
        "item": "项目", "count": "件数", "share": "占比", "total": "合计", "value": "数值",
        "received": "收到投诉", "accepted": "受理", "rejected": "不予受理", "withdrawn": "客户撤回",
        "resolved": "办结", "resolved_on_time": "按时办结", "open": "处理中（当前）",
        "overdue_open": "逾期未结", "extended": "延期处理", "group": "群体性投诉", "referred": "监管转办",
        "mean": "平均处理工作日", "median": "处理工作日中位数", "resolved_n": "已办结件数",
        "unit": "被投诉单位", "category": "投诉类别", "complaints": "投诉件数", "customers": "投诉客户数",
        "no_hotspots": "本期未发现热点问题（同一单位同类投诉在{window}日内来自{threshold}名及以上不同客户）。",
        "hot_rule": "热点：同一被投诉单位、同一类别，{window}日内来自{threshold}名及以上不同客户的投诉。",
        "ref": "编号", "root_cause": "原因分析", "rectification": "整改措施",
        "no_causes": "本期已办结投诉未登记原因分析及整改措施。",
        "causes_summary": "已办结投诉中 {n} 件登记了原因分析或整改措施，按类别、原因和整改措施归为 {g} 类；逐件见 --format json 或 csv。",
        "more_causes": "另有 {n} 类共 {m} 件未列出，见 --format json。", "examples": "编号（举例）",
        "comp_total": "补偿金额合计（元）", "amount": "补偿金额（元）",
        "no_comp": "本期无补偿。",
        "share_of": {"accepted": "占收到", "rejected": "占收到", "withdrawn": "占收到", "resolved": "占受理",
                     "resolved_on_time": "占办结", "open": "占受理", "overdue_open": "占受理",
                     "extended": "占受理", "group": "占收到", "referred": "占收到"},
        "notes": [
            "受理 = 收到 − 不予受理；客户撤回的投诉已受理。",
            "办结 = 状态为已办结；按时办结 = 办结日期不晚于处理时限（含延期）。",
            "逾期未结 = 截至统计日仍未办结、不予受理或撤回，且处理时限早于统计日。",
            "处理工作日 = 受理次日起至办结日（含）的工作日数，节假日及调休按国务院安排。",
            "投诉按受理时间（北京时间）归属报告期间。",
        ],
        "dims": {"kind": "（一）按投诉类型", "channel": "（二）按投诉渠道", "category": "（三）按投诉类别",
                 "business-type": "（四）按业务类型", "cause": "（五）按投诉原因", "severity": "（六）按严重程度",
                 "unit": "（七）按被投诉单位"},
        "days": "{v} 个工作日",
    },
    "en": {
        "title": "Complaint statistics, {year} {half}", "H1": "first half", "H2": "second half",
        "period": "Period: {start} to {end} (China time, by date received)",
        "as_of": "As of: {as_of}", "due": "Due: regulator (CBRC 2012 No. 13, 16) by {cbrc}; "
        "Guangdong RCC (guideline art. 23) by {gdrcc}",
        "s1": "1. Overview", "s2": "2. Breakdowns", "s3": "3. Time to resolve", "s4": "4. Hot spots",
        "s5": "5. Main problems, causes and rectifications", "s6": "6. Compensation", "s7": "7. Definitions",
        "item": "item", "count": "count", "share": "share", "total": "total", "value": "value",
        "received": "received", "accepted": "accepted", "rejected": "rejected", "withdrawn": "withdrawn",
        "resolved": "resolved", "resolved_on_time": "resolved on time", "open": "open (now)",
        "overdue_open": "overdue, unresolved", "extended": "extended", "group": "group complaints",
        "referred": "referred by a regulator",
        "mean": "mean working days to resolve", "median": "median working days to resolve",
        "resolved_n": "resolved complaints",
        "unit": "unit", "category": "category", "complaints": "complaints", "customers": "customers",
        "no_hotspots": "No hot spots in the period ({threshold}+ customers, same unit and category, within {window} days).",
        "hot_rule": "Hot spot: {threshold}+ distinct customers, same unit and category, within {window} days.",
        "ref": "ref", "root_cause": "root cause", "rectification": "rectification",
        "no_causes": "No causes or rectifications recorded on the period's closed complaints.",
        "causes_summary": "{n} closed complaints record a root cause or rectification: {g} groups of category, cause and "
        "rectification; each complaint in --format json or csv.",
        "more_causes": "{n} more groups ({m} complaints): see --format json.", "examples": "example refs",
        "comp_total": "total compensation (yuan)", "amount": "compensation (yuan)", "no_comp": "No compensation.",
        "share_of": {"accepted": "of received", "rejected": "of received", "withdrawn": "of received",
                     "resolved": "of accepted", "resolved_on_time": "of resolved", "open": "of accepted",
                     "overdue_open": "of accepted", "extended": "of accepted", "group": "of received",
                     "referred": "of received"},
        "notes": [
            "accepted = received − rejected; withdrawn complaints had been accepted.",
            "resolved = closed; on time = closed on or before its due date (extensions included).",
            "overdue, unresolved = not finished by the as-of date and past its due date.",
            "working days = after the day of receipt up to and including the day of closing.",
            "a complaint belongs to the period in which it was received (China time).",
        ],
        "dims": {"kind": "2.1 By kind", "channel": "2.2 By channel", "category": "2.3 By category",
                 "business-type": "2.4 By business type", "cause": "2.5 By cause", "severity": "2.6 By severity",
                 "unit": "2.7 By unit"},
        "days": "{v} working days",
    },
}
SHARE_BASE = {"accepted": "received", "rejected": "received", "withdrawn": "received", "resolved": "accepted",
              "resolved_on_time": "resolved", "open": "accepted", "overdue_open": "accepted",
              "extended": "accepted", "group": "received", "referred": "received"}
CAUSES_SHOWN = 100  # groups in the document; JSON and CSV have every complaint
CAUSE_EXAMPLES = 3  # refs shown per group


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Section:
    """A heading, then a table (or a line of text when there are no rows)."""

    heading: str
    level: int = 2
    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[output.Column] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def cause_groups(causes: Causes) -> list[dict[str, Any]]:
    """The causes and rectifications as a regulator reads them: one row per (category, root
    cause, rectification) with how many complaints and the first CAUSE_EXAMPLES refs (the
    causes come in ref order), the most frequent first."""
    keys = list(zip(causes.categories, causes.root_causes, causes.rectifications))
    counts = Counter(keys)
    refs: dict[tuple, list[str]] = {key: [] for key in counts}
    wanting = len(refs)  # groups still short of their examples: stop reading once none is
    for key, ref in zip(keys, causes.refs):
        examples = refs[key]
        if len(examples) < CAUSE_EXAMPLES:
            examples.append(ref)
            if len(examples) == min(CAUSE_EXAMPLES, counts[key]):
                wanting -= 1
                if not wanting:
                    break
    groups = [{"category": key[0], "root_cause": key[1], "rectification": key[2], "complaints": n, "refs": refs[key]}
              for key, n in counts.items()]
    order = {key: i for i, key in enumerate(CATEGORY.keys)}
    return sorted(groups, key=lambda g: (-g["complaints"], order.get(g["category"], len(order)),
                                         str(g["category"]), g["root_cause"] or "", g["rectification"] or ""))


def half_year_sections(doc: dict[str, Any], period: Period, lang: str, settings: dict[str, Any]) -> tuple[str, list[str], list[Section]]:
    """The report as a bank would send it: title, preamble lines, numbered sections."""
    T = TEXT[lang]
    half = "H1" if period.start.month == 1 else "H2"
    title = T["title"].format(year=period.start.year, half=T[half])
    preamble = [T["period"].format(**doc["period"]), T["as_of"].format(as_of=doc["as_of"]),
                T["due"].format(**doc["report_due"])]
    totals = doc["totals"]
    item, right = output.Column("label", T["item"]), "right"
    count_cols = [item, output.Column("count", T["count"], justify=right), output.Column("share", T["share"], justify=right)]
    overview = [{"label": T["received"], "count": totals["received"], "share": ""}]
    for key in TOTAL_KEYS[1:]:
        base = SHARE_BASE[key]
        share = percent(totals[key], totals[base])
        overview.append({"label": T[key], "count": totals[key],
                         "share": f"{T['share_of'][key]} {share}" if totals[base] else "—"})
    sections = [Section(T["s1"], rows=overview, columns=count_cols), Section(T["s2"])]
    received = totals["received"]
    for option in HALF_YEAR_BY:
        dim = DIMENSIONS[option]
        counts = doc["by"][dim.key]
        rows = [{"label": dim.label(k, lang), "count": n, "share": percent(n, received)} for k, n in counts.items()]
        rows.append({"label": T["total"], "count": sum(counts.values()), "share": percent(sum(counts.values()), received)})
        sections.append(Section(T["dims"][option], level=3, rows=rows,
                                columns=[output.Column("label", dim.heading(lang)), *count_cols[1:]]))
    times = doc["resolution_working_days"]
    sections.append(Section(T["s3"], rows=[
        {"label": T["resolved_n"], "value": number(totals["resolved"])},
        {"label": T["mean"], "value": number(times["mean"])},
        {"label": T["median"], "value": number(times["median"])},
        {"label": T["resolved_on_time"], "value": percent(totals["resolved_on_time"], totals["resolved"])},
    ], columns=[item, output.Column("value", T["value"], justify=right)]))
    rule = {"threshold": settings["hotspot_threshold"], "window": settings["hotspot_window_days"]}
    hot = [{**h, "category": DIMENSIONS["category"].label(h["category"], lang)} for h in doc["hotspots"]]
    sections.append(Section(T["s4"], rows=hot, columns=[
        output.Column("unit", T["unit"]), output.Column("category", T["category"]),
        output.Column("complaints", T["complaints"], justify=right), output.Column("customers", T["customers"], justify=right),
    ], text=[T["hot_rule"].format(**rule)] if hot else [T["no_hotspots"].format(**rule)]))
    causes = doc["causes_and_rectifications"]
    groups = cause_groups(causes)
    shown = [{**g, "category": DIMENSIONS["category"].label(g["category"], lang), "refs": " ".join(g["refs"])}
             for g in groups[:CAUSES_SHOWN]]
    text = [T["causes_summary"].format(n=len(causes), g=len(groups))] if causes else [T["no_causes"]]
    if len(groups) > CAUSES_SHOWN:
        text.append(T["more_causes"].format(n=len(groups) - CAUSES_SHOWN,
                                            m=sum(g["complaints"] for g in groups[CAUSES_SHOWN:])))
    sections.append(Section(T["s5"], rows=shown, columns=[
        output.Column("category", T["category"]), output.Column("root_cause", T["root_cause"]),
        output.Column("rectification", T["rectification"]),
        output.Column("complaints", T["complaints"], justify=right), output.Column("refs", T["examples"]),
    ], text=text))
    comp = doc["compensation"]
    comp_rows = [{"label": unit, "amount": f"{amount:.2f}"} for unit, amount in comp["by_unit"].items()]
    if comp_rows:
        comp_rows.append({"label": T["total"], "amount": f"{comp['total']:.2f}"})
    sections.append(Section(T["s6"], rows=comp_rows, columns=[
        output.Column("label", T["unit"]), output.Column("amount", T["amount"], justify=right),
    ], text=[] if comp_rows else [T["no_comp"]]))
    sections.append(Section(T["s7"], text=[f"{i}. {note}" for i, note in enumerate(T["notes"], 1)]))
    return title, preamble, sections


def write_markdown(title: str, preamble: Sequence[str], sections: Sequence[Section], out: TextIO) -> None:
    """GitHub Markdown: headings, pipe tables with a blank line around each, text as paragraphs."""
    parts = [f"# {title}", "\n\n".join(preamble)]
    for s in sections:
        parts.append("#" * s.level + " " + s.heading)
        if s.rows:
            parts.append(output.markdown_table(s.rows, s.columns))
        parts.extend(s.text)
    out.write("\n\n".join(parts) + "\n")


def write_tables(title: str, preamble: Sequence[str], sections: Sequence[Section], out: TextIO) -> None:
    """The tables by `tsk.render.textable`, the lines around them written as they are (headings in
    bold on a terminal that wants colour): importing rich costs ~50 ms. Only a line wider
    than the terminal goes through rich, to wrap as it always has."""
    from tsk.render import textable

    width, colour = textable.terminal_width(out), textable.wants_colour(out)

    def say(text: str, bold: bool = False) -> None:
        if textable.width_of(text) > width:
            from rich.text import Text

            output.console(out).print(Text(text, style="bold" if bold else ""))
        else:
            out.write(f"\x1b[1m{text}\x1b[0m\n" if bold and colour else text + "\n")

    say(title, bold=True)
    for line in preamble:
        say(line)
    for s in sections:
        out.write("\n")
        say(s.heading, bold=True)
        if s.rows:
            output.render_table(s.rows, s.columns, out=out)
        for line in s.text:
            say(line)


def half_year_csv(doc: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The long form `section,key,label,value`: one row per number (and per text)."""
    T = TEXT[lang]
    rows: list[dict[str, Any]] = [
        {"section": "period", "key": "start", "label": "", "value": doc["period"]["start"]},
        {"section": "period", "key": "end", "label": "", "value": doc["period"]["end"]},
        {"section": "as_of", "key": "as_of", "label": "", "value": doc["as_of"]},
    ]
    rows += [{"section": "report_due", "key": k, "label": "", "value": v} for k, v in doc["report_due"].items()]
    rows += [{"section": "totals", "key": k, "label": T[k], "value": v} for k, v in doc["totals"].items()]
    for option in HALF_YEAR_BY:
        dim = DIMENSIONS[option]
        rows += [{"section": f"by.{dim.key}", "key": k, "label": dim.label(k, lang), "value": n}
                 for k, n in doc["by"][dim.key].items()]
    rows += [{"section": "resolution_working_days", "key": k, "label": T[k], "value": v}
             for k, v in doc["resolution_working_days"].items()]
    for h in doc["hotspots"]:
        key = f"{h['unit']}|{h['category']}"
        label = f"{h['unit']} {DIMENSIONS['category'].label(h['category'], lang)}"
        rows.append({"section": "hotspots.complaints", "key": key, "label": label, "value": h["complaints"]})
        rows.append({"section": "hotspots.customers", "key": key, "label": label, "value": h["customers"]})
    labels = {key: DIMENSIONS["category"].label(key, lang) for key in set(doc["causes_and_rectifications"].categories)}
    for ref, category, root_cause, rectification in doc["causes_and_rectifications"].rows():
        rows.append({"section": "root_cause", "key": ref, "label": labels[category], "value": root_cause})
        rows.append({"section": "rectification", "key": ref, "label": labels[category], "value": rectification})
    rows.append({"section": "compensation", "key": "total", "label": T["comp_total"], "value": doc["compensation"]["total"]})
    rows += [{"section": "compensation.by_unit", "key": u, "label": u, "value": v}
             for u, v in doc["compensation"]["by_unit"].items()]
    return rows


def write_json(doc: dict[str, Any], out: TextIO) -> None:
    """`output.json_text(doc)` byte for byte, with the causes (tens of thousands of objects of
    one shape, CAUSE_KEYS) formatted here from their columns a few thousand at a time: json's
    indenting encoder is pure Python (~0.7 s for 80k causes) and would hold the whole 14 MB
    text at once. A cause's category, root cause and rectification repeat, so each distinct
    three is formatted and encoded once and the causes are joined as UTF-8 bytes: encoding
    14 MB of text that is mostly the same few lines costs more than the rest of the writing."""
    from json.encoder import encode_basestring  # the C one, as json.dumps(ensure_ascii=False) uses

    def text(v: str | None) -> str:
        return "null" if v is None else encode_basestring(v)

    causes: Causes = doc["causes_and_rectifications"]
    marker = "\0causes_and_rectifications\0"
    head, tail = output.json_text({**doc, "causes_and_rectifications": marker}).split(json.dumps(marker), 1)
    if not causes:
        out.write(f"{head}[]{tail}\n")
        return
    threes = list(zip(causes.categories, causes.root_causes, causes.rectifications))
    ends = {three: (f',\n      "category": {text(three[0])},\n      "root_cause": {text(three[1])},\n'
                    f'      "rectification": {text(three[2])}\n    }}').encode() for three in set(threes)}
    out.write(head + "[\n")
    buffer = getattr(out, "buffer", None)
    if buffer is not None and codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8":
        out.flush()  # what was written as text goes first
        write = buffer.write
    else:
        def write(data: bytes) -> None:
            out.write(data.decode())
    lead = b',\n    {\n      "ref": '  # a ref is never null; no comma before the first
    for start in range(0, len(causes), 4096):
        refs = "\0".join(map(encode_basestring, causes.refs[start:start + 4096])).encode().split(b"\0")
        part = b"".join(chain.from_iterable(zip(repeat(lead), refs, map(ends.__getitem__, threes[start:start + 4096]))))
        write(part[2:] if start == 0 else part)
    out.write(f"\n  ]{tail}\n")


def emit_half_year(ledger: Ledger, period: Period, fmt: str, lang: str, as_of: dt.date | None, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    with gc_paused():
        doc = half_year_report(ledger, period, as_of)
        if fmt == "json":
            write_json(doc, out)
        elif fmt == "csv":
            output.write_csv(half_year_csv(doc, lang), ("section", "key", "label", "value"), out)
        else:
            title, preamble, sections = half_year_sections(doc, period, lang, ledger.settings)
            (write_markdown if fmt == "md" else write_tables)(title, preamble, sections, out)


def stats_columns(dim: Dimension, lang: str, *, table: bool) -> list[output.Column]:
    zh = lang == "zh"
    label = output.Column("label", dim.heading(lang)) if table else output.Column("key", dim.key)
    pct = (lambda v: "—" if v is None else f"{v * 100:.1f}%") if table else None
    return [
        label,
        output.Column("received", "收到" if zh else "received", justify="right"),
        output.Column("resolved", "办结" if zh else "resolved", justify="right"),
        output.Column("resolved_on_time", "按时办结" if zh else "on time", justify="right"),
        output.Column("on_time_rate", "按时率" if zh else "on-time rate", pct, justify="right"),
        output.Column("overdue", "逾期未结" if zh else "overdue", justify="right"),
        output.Column("avg_working_days", "平均处理工作日" if zh else "avg working days",
                      number if table else None, justify="right"),
    ]


def emit_stats(ledger: Ledger, period: Period, dim: Dimension, fmt: str, lang: str = "zh",
               as_of: dt.date | None = None, out: TextIO | None = None) -> None:
    rows = stats(ledger, period, dim, as_of)
    if fmt != "table":
        output.emit(rows, stats_columns(dim, lang, table=False), fmt, out=out)
        return
    shown = [{**r, "label": dim.label(r["key"], lang)} for r in rows]
    shown.append({**stats_total(ledger, period, rows), "label": "合计" if lang == "zh" else "total"})
    as_of = as_of or min(period.end, timeutil.today())
    title = (f"投诉统计 {period.start} 至 {period.end}（按{dim.zh}）" if lang == "zh"
             else f"Complaints {period.start} to {period.end} by {dim.en}")
    caption = (f"逾期未结截至 {as_of}；按时 = 办结日不晚于处理时限（含延期）" if lang == "zh"
               else f"overdue as of {as_of}; on time = closed on or before the due date (extensions included)")
    output.render_table(shown, stats_columns(dim, lang, table=True), title=title, caption=caption, out=out)


# -- the trend chart -----------------------------------------------------------------------------------
BAR_WIDTH = 48
EIGHTHS = " ▏▎▍▌▋▊▉"
SHADES = ("█", "▓", "▒", "░", "▞", "▚", "▤", "▥", "▦", "▩")
STYLES = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta", "bright_green", "white")


def bar(value: float) -> str:
    """A horizontal bar `value` cells long, to the eighth of a cell."""
    whole, part = int(value), int(round((value - int(value)) * 8))
    if part == 8:
        whole, part = whole + 1, 0
    return "█" * whole + (EIGHTHS[part] if part else "")


def emit_trend(ledger: Ledger, months: int, dim: Dimension | None, fmt: str, lang: str = "zh",
               last: dt.date | None = None, out: TextIO | None = None) -> None:
    data = trend(ledger, months, dim, last)
    if fmt in ("csv", "json"):
        if dim is None:
            rows = [{"month": m, "count": data.total(m)} for m in data.months]
            columns = [output.Column("month", "month"), output.Column("count", "count")]
        else:
            rows = [{"month": m, "key": k, "count": data.counts[m][k]} for m in data.months for k in data.keys]
            columns = [output.Column("month", "month"), output.Column("key", dim.key), output.Column("count", "count")]
        output.emit(rows, columns, fmt, out=out)
        return
    from rich.table import Table
    from rich.text import Text

    zh = lang == "zh"
    peak = max((data.total(m) for m in data.months), default=0)
    scale = BAR_WIDTH / peak if peak else 0
    title = (f"近{months}个月投诉趋势" + (f"（按{dim.zh}）" if dim else "")) if zh else \
        (f"Complaints per month, last {months}" + (f" by {dim.en}" if dim else ""))
    table = Table(title=title, box=None, show_header=True, pad_edge=False, title_justify="left")
    table.add_column("月份" if zh else "month", no_wrap=True)
    table.add_column("件数" if zh else "count", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for m in data.months:
        line = Text()
        if dim is None:
            line.append(bar(data.total(m) * scale), style="cyan")
        else:  # stacked: one shade (and colour) per value, cut to whole cells
            used = 0.0
            for i, key in enumerate(data.keys):
                n = data.counts[m][key]
                if not n:
                    continue
                cells = round(used + n * scale) - round(used)
                used += n * scale
                line.append(SHADES[i % len(SHADES)] * max(cells, 1), style=STYLES[i % len(STYLES)])
        table.add_row(m, str(data.total(m)), line)
    con = output.console(out or sys.stdout)
    con.print(table)
    if dim is not None and data.keys:
        legend = Text("图例：" if zh else "legend: ")
        for i, key in enumerate(data.keys):
            total = sum(data.counts[m][key] for m in data.months)
            legend.append(SHADES[i % len(SHADES)] * 2, style=STYLES[i % len(STYLES)])
            legend.append(f" {dim.label(key, lang)} {total}   ")
        con.print(legend)
    total = sum(data.total(m) for m in data.months)
    con.print(Text(f"合计 {total} 件；月均 {total / len(data.months):.1f} 件" if zh
                   else f"total {total}; {total / len(data.months):.1f} a month"))
