"""Writing the checked batches of `tsk import`: ids assigned here, each batch two bulk inserts
(the complaints, and their "imported" events holding the rows' baseline digests), refs met
so far remembered in little memory."""

from __future__ import annotations

import os
from array import array
from collections import deque
from itertools import compress, repeat
from operator import itemgetter, lshift, or_
from typing import Any

from tsk import baseline, history
from tsk.context import Ledger
from tsk.exchange.read import BATCH
from tsk.fields import ROW_COLUMNS
from tsk.store import queries as q
from tsk.store import state

# -- import: writing ---------------------------------------------------------------------------------
_EMPTY_AS_NULL = {"": None}
_REF_YEAR, _REF_SERIAL = itemgetter(slice(3, 7)), itemgetter(slice(8, None))  # TS-2026-000123
ANALYZE_AFTER = 10_000  # imported complaints that make the planner's statistics worth refreshing


DENSE = 1 << 21  # numbers below this are kept in an array (16 MB a year at most), the rest in a dict


class Refs:
    """The refs met so far in the file, in little memory: per year, an array indexed by the
    ref's number holding where it was first met ((record number + 1) << 32 | line; 0: not yet),
    numbers past DENSE (up to 999,999,999) in a dict; and the highest number per year."""

    def __init__(self) -> None:
        self.years: dict[int, array[int]] = {}
        self.sparse: dict[int, dict[int, int]] = {}
        self.last: dict[int, int] = {}

    def meet(self, refs: list[str], numbers: list[int], lines: list[int]) -> list[tuple[int, int, int]]:
        """Record the refs; for those met before: (position in `refs`, number, line of the first)."""
        years = list(map(int, map(_REF_YEAR, refs)))
        serials = list(map(int, map(_REF_SERIAL, refs)))
        top = max(serials, default=0)
        if len(set(years)) == 1 and top < DENSE:  # the usual batch: one year, no ref met before, set at C speed
            year = years[0]
            met = self._year(year, top)
            if len(set(serials)) == len(serials) and not any(map(met.__getitem__, serials)):
                first_met = map(or_, map(lshift, map((1).__add__, numbers), repeat(32)), lines)
                deque(map(met.__setitem__, serials, first_met), maxlen=0)
                if top > self.last.get(year, 0):
                    self.last[year] = top
                return []
        again = []
        for i, (year, n) in enumerate(zip(years, serials)):
            seen: Any = self._year(year, n) if n < DENSE else self.sparse.setdefault(year, {})
            first = seen[n] if n < DENSE else seen.get(n, 0)
            if first:
                again.append((i, (first >> 32) - 1, first & 0xFFFFFFFF))
                continue
            seen[n] = (numbers[i] + 1) << 32 | lines[i]
            if n > self.last.get(year, 0):
                self.last[year] = n
        return again

    def _year(self, year: int, n: int) -> array[int]:
        """The year's array, long enough for number `n`."""
        met = self.years.get(year)
        if met is None:
            met = self.years[year] = array("Q")
        if n >= len(met):
            met.frombytes(bytes(8 * (max(n + 1, min(2 * len(met), 1_000_000)) - len(met))))
        return met


class Writer:
    """Batches of checked columns, each written as two bulk inserts; ids assigned here.

    Each complaint's history starts with one "imported" event whose details are
    `{"baseline": baseline.digest(row), "source": file name}`, built a batch at a time by
    `tsk.history.Batch.firsts` (a test holds the digests to `baseline.digest`).
    """

    def __init__(self, ledger: Ledger, source: str, *, ledger_empty: bool) -> None:
        self.ledger = ledger
        self.store = ledger.store
        # A large import into an empty SQLite ledger builds its secondary indexes once at the
        # end (sorted, several times faster than row by row); in the same transaction, so a
        # failed import leaves them as they were.
        self.may_defer_indexes = ledger_empty and self.store.dialect == "sqlite"
        self.deferred_indexes: list[str] = []
        if self.store.dialect == "postgresql":
            self.store.run(q.LOCK_COMPLAINTS_FOR_IMPORT)  # no concurrent `add` takes an id meanwhile
        self.next_id = (self.store.value(q.MAX_COMPLAINT_ID) or 0) + 1
        self.counters = {row["year"]: row["last"] for row in self.store.rows(q.REF_COUNTERS)}  # before the import
        self.batch = history.Batch(ledger.actor)
        self.now, self.actor = self.batch.now, ledger.actor
        self.source = os.path.basename(source)
        self.details = {baseline.KEY: history.hole("digest"), "source": self.source}
        self.written = 0

    def events(self, refs: list[str], digests: list[str]) -> tuple[list[str], list[str]]:
        """The imported events' details and hashes."""
        return self.batch.firsts("imported", self.details, refs, {"digest": digests})

    def write(self, columns: dict[str, list]) -> None:
        refs = columns["ref"]
        details, hashes = self.events(refs, baseline.digests(columns))
        ids = range(self.next_id, self.next_id + len(refs))
        self.next_id += len(refs)
        if self.may_defer_indexes and len(refs) >= BATCH:
            self.may_defer_indexes = False
            for index in self.store.rows(q.SQLITE_SECONDARY_INDEXES):
                self.store.run(q.drop_index(index["name"]))
                self.deferred_indexes.append(index["sql"])
        values = [columns[column] for column in ROW_COLUMNS]
        now, actor = repeat(self.now), repeat(self.actor)
        if self.store.dialect == "sqlite":  # by position, "" for null (binding None is slow in sqlite3)
            self.store.run_many(q.insert_imported_complaints(ROW_COLUMNS), zip(ids, *values, hashes))  # type: ignore[arg-type]
            self.store.run_many(q.INSERT_IMPORTED_EVENTS, zip(ids, now, now, actor, details, hashes))  # type: ignore[arg-type]
        else:
            names = ("id", *ROW_COLUMNS, "event_count", "history_head")
            nulls = (list(map(_EMPTY_AS_NULL.get, column, column)) for column in values)
            self.store.run_many(q.insert_complaint(list(names), returning_id=False),
                                [dict(zip(names, row)) for row in zip(ids, *nulls, repeat(1), hashes)])
            self.store.run_many(q.INSERT_EVENT, self.batch.first_rows("imported", ids, details, hashes))
        self.written += len(refs)

    def finish(self, met: Refs) -> None:
        for sql in self.deferred_indexes:
            self.store.run(sql)
        if self.written >= ANALYZE_AFTER:  # fresh statistics, so reports pick the right indexes at once
            self.store.run(q.ANALYZE_COMPLAINTS)
        last_refs = met.last
        for year, last in sorted(last_refs.items()):
            self.store.run(q.RAISE_REF_COUNTER, {"year": year, "last": last})
        # One audit row for the whole import (chained: tsk.store.state), with the refs it brought and
        # the numbers it passed over above the counter, never to be issued: `verify` expects every
        # other number up to the counter.
        from tsk.admin import audit

        refs, gaps = {}, {}
        for year, top in sorted(last_refs.items()):
            found = met.years.get(year, array("Q"))
            runs = state.merged(state.ranges(list(compress(range(len(found)), found)))
                                + state.ranges(sorted(met.sparse.get(year, {}))))
            refs[str(year)] = runs
            floor = self.counters.get(year, 0)
            if top > floor:
                gaps[str(year)] = state.subtract([[floor + 1, top]], runs)
        audit(self.ledger, "import", {"source": self.source, "count": self.written,
                                      "max_ref": {str(year): last for year, last in sorted(last_refs.items())},
                                      "refs": refs, "gaps": {year: runs for year, runs in gaps.items() if runs}})
        if self.store.dialect == "postgresql" and self.written:
            self.store.value(q.SYNC_COMPLAINT_ID_SEQUENCE)


def known_refs(ledger: Ledger, refs: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        found.update(r["ref"] for r in ledger.store.rows(q.refs_in(len(chunk)), {f"r{i}": r for i, r in enumerate(chunk)}))
    return found


