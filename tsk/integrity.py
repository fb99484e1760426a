"""`tsk verify`: prove that every complaint is the replay of an unbroken history.

For each complaint: events numbered 1..n without gaps, each hash recomputed from its
content and the hash before it, the last one equal to the head kept on the complaint row,
and the row's columns equal to the replay of the events' changes (each event's record of
what it replaced agreeing with the replay so far). An imported complaint's first event holds
only a digest of the row as imported (`tsk.baseline`): its row is rewound instead, undoing
every later change, and must come back to that digest. Any edit or deletion of
an event, or an edit of a complaint row behind tsk's back, shows up as a named problem.

Someone able to write the file could recompute every hash; the ledger digest that verify
prints (one hash over every complaint's newest event) is the anchor against that: keep the
nightly digest somewhere they cannot write (cron mail does), and a rewritten past shows.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from tsk import baseline
from tsk.context import Ledger
from tsk.history import BOOKKEEPING, event_hash
from tsk.store import queries as q

PAGE = 2000


@dataclass
class Report:
    complaints: int
    events: int
    problems: list[str]
    digest: str  # over every complaint's newest event: record it elsewhere to anchor the chain


def verify(ledger: Ledger) -> Report:
    store = ledger.store
    problems: list[str] = []
    complaints = events = 0
    digest = hashlib.sha256()
    after = 0
    while page := store.rows(q.COMPLAINT_PAGE, {"after": after, "size": PAGE}):
        by_complaint: dict[int, list[dict]] = defaultdict(list)
        for event in store.rows(q.EVENTS_FOR_IDS, {"lo": page[0]["id"], "hi": page[-1]["id"]}):
            by_complaint[event["complaint_id"]].append(event)
        for complaint in page:
            history = by_complaint.get(complaint["id"], [])
            problems.extend(_check(complaint, history))
            digest.update(f"{complaint['ref']}:{complaint['history_head']}\n".encode())
            complaints += 1
            events += len(history)
        after = page[-1]["id"]
    for row in store.rows(q.ORPHAN_EVENTS):
        problems.append(f"events of a deleted complaint (id {row['complaint_id']}) remain")
    problems.extend(_missing_refs(store))
    return Report(complaints, events, problems, digest.hexdigest())


def _missing_refs(store) -> list[str]:
    """Refs this ledger issued run 1, 2, 3… per year with no gap (a failed `add` rolls its
    number back), so a complaint deleted with all its events leaves a hole. Numbers up to
    the highest ever imported are exempt: an import may legitimately bring gaps."""
    imported: dict[int, int] = {}
    for row in store.rows(q.IMPORT_AUDITS):
        for year, number in json.loads(row["details"]).get("max_ref", {}).items():
            imported[int(year)] = max(imported.get(int(year), 0), int(number))
    problems = []
    for counter in store.rows(q.REF_COUNTERS):
        year, last = counter["year"], counter["last"]
        first = imported.get(year, 0) + 1
        if first > last:
            continue
        bounds = {"lo": f"TS-{year}-{first:06d}", "hi": f"TS-{year}-{last:06d}"}
        if store.value(q.COUNT_REFS_BETWEEN, bounds) == last - first + 1:
            continue
        present = {int(r["ref"][-6:]) for r in store.rows(q.REFS_BETWEEN, bounds)}
        missing = [f"TS-{year}-{n:06d}" for n in range(first, last + 1) if n not in present]
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        problems.append(f"{shown}: issued but missing from the ledger (deleted with its history?)")
    return problems


def _check(complaint: dict, history: list[dict]) -> list[str]:
    ref = complaint["ref"]
    problems = []
    prev = ""
    state: dict = {}
    details_of: list[dict] = []
    for expected_seq, event in enumerate(history, start=1):
        name = _name(ref, event)
        if event["seq"] != expected_seq:
            problems.append(f"{ref}: event {expected_seq} is missing")
            break
        if event["prev_hash"] != prev:
            problems.append(f"{name}: does not follow the event before it")
        if event_hash(event["prev_hash"], ref, event) != event["hash"]:
            problems.append(f"{name}: altered after it was recorded")
        prev = event["hash"]
        try:
            details = json.loads(event["details"])
        except ValueError:
            problems.append(f"{name}: details are not readable")
            details = {}
        details_of.append(details)
        if baseline.KEY in details_of[0]:
            continue  # an imported baseline: checked by rewinding, below
        was = details.get("was")
        if was is not None and any(state.get(k) != v for k, v in was.items()):
            problems.append(f"{name}: says it replaced values the history before it does not have")
        state.update(details.get("changes", {}))
    if len(history) != complaint["event_count"] or prev != complaint["history_head"]:
        problems.append(f"{ref}: history has {len(history)} event(s), the record expects {complaint['event_count']} "
                        f"ending in {complaint['history_head'][:12] or '-'}: events were deleted or added")
    if details_of and baseline.KEY in details_of[0]:
        problems.extend(_check_baseline(complaint, history, details_of))
        return problems
    differing = sorted(k for k in complaint if k not in BOOKKEEPING and state.get(k) != complaint[k])
    if differing:
        problems.append(f"{ref}: stored record differs from its history in {', '.join(differing)}")
    return problems


def _check_baseline(complaint: dict, history: list[dict], details_of: list[dict]) -> list[str]:
    """An imported complaint: undo every later change on the stored row, newest first (each
    column must hold what its last change set), and the result must be the imported row."""
    ref = complaint["ref"]
    state = {k: v for k, v in complaint.items() if k not in BOOKKEEPING}
    differing: set[str] = set()
    unknown: list[str] = []
    for event, details in zip(reversed(history[1:]), reversed(details_of[1:])):
        changes, was = details.get("changes", {}), details.get("was", {})
        for column, value in changes.items():
            if state.get(column) != value:
                differing.add(column)
            if column not in was:
                unknown.append(f"{_name(ref, event)}: does not say what it replaced in {column}")
            state[column] = was.get(column)
    problems = unknown
    if differing:
        problems.append(f"{ref}: stored record differs from its history in {', '.join(sorted(differing))}")
    if baseline.digest(state) != details_of[0][baseline.KEY]:
        problems.append(f"{ref}: stored record differs from the record as imported (in a field no later event changed)")
    return problems


def _name(ref: str, event: dict) -> str:
    return f"{ref} event {event['seq']} ({event['action']})"
