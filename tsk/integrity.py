"""`tsk verify`: prove that every complaint is the replay of an unbroken history.

For each complaint: events numbered 1..n without gaps, each hash recomputed from its
content and the hash before it, the last one equal to the head kept on the complaint row,
and the row's columns equal to the replay of the events' changes (each event's record of
what it replaced agreeing with the replay so far). An imported complaint's first event holds
only a digest of the row as imported (`tsk.baseline`): its row is rewound instead, undoing
every later change, and must come back to that digest. Any edit or deletion of
an event, or an edit of a complaint row behind tsk's back, shows up as a named problem.

Beyond the complaints: the audit rows are a chain of their own, and the settings, calendar
corrections, published years and policies must be its replay (`tsk.admin.effects`); each
lapse must be one the complaint's history says the check recorded; and every ref up to a
year's counter must be in the ledger, except the numbers an import passed over (each import's
audit row lists the refs it brought and those it skipped), with none above the counter.

Someone able to write the file could recompute every hash; the ledger digest that verify
prints (over every complaint's newest event and lapses, the audit chain's newest row and the
audited tables) is the anchor against that: keep the nightly digest somewhere they cannot
write (cron mail does), and a rewritten past shows.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from tsk import baseline, fields
from tsk import messages as msg
from tsk.admin import effects
from tsk.chain import canonical
from tsk.clocks import HANDLING
from tsk.context import Ledger
from tsk.fields import ref_of
from tsk.history import BOOKKEEPING, event_hash
from tsk.overdue import lapse_recorded
from tsk.store import queries as q
from tsk.store import state

PAGE = 2000


@dataclass
class Report:
    complaints: int
    events: int
    problems: list[msg.Said]
    digest: str  # over every complaint's newest event: record it elsewhere to anchor the chain


def verify(ledger: Ledger) -> Report:
    store = ledger.store
    problems: list[msg.Said] = []
    complaints = events = 0
    digest = hashlib.sha256()
    after = 0
    while page := store.rows(q.COMPLAINT_PAGE, {"after": after, "size": PAGE}):
        bounds = {"lo": page[0]["id"], "hi": page[-1]["id"]}
        by_complaint: dict[int, list[dict]] = defaultdict(list)
        for event in store.rows(q.EVENTS_FOR_IDS, bounds):
            by_complaint[event["complaint_id"]].append(event)
        lapses: dict[int, list[dict]] = defaultdict(list)
        for lapse in store.rows(q.LAPSES_FOR_IDS, bounds):
            lapses[lapse["complaint_id"]].append(lapse)
        for complaint in page:
            history = by_complaint.get(complaint["id"], [])
            found, details_of = _check(complaint, history)
            problems.extend(found)
            digest.update(f"{complaint['ref']}:{complaint['history_head']}\n".encode())
            problems.extend(_check_lapses(complaint, history, details_of, lapses.pop(complaint["id"], []), digest))
            complaints += 1
            events += len(history)
        problems.extend(msg.V_ORPHAN_LAPSE(clock=r["clock"], due=r["due"], id=r["complaint_id"])
                        for rows in lapses.values() for r in rows)
        after = page[-1]["id"]
    for row in store.rows(q.ORPHAN_EVENTS):
        problems.append(msg.V_ORPHAN_EVENTS(id=row["complaint_id"]))
    for row in store.rows(q.ORPHAN_LAPSES):
        problems.append(msg.V_ORPHAN_LAPSE(clock=row["clock"], due=row["due"], id=row["complaint_id"]))
    audits = store.rows(q.AUDIT_ROWS)
    problems.extend(_check_audit(store, audits, digest))
    problems.extend(_missing_refs(store, audits))
    return Report(complaints, events, problems, digest.hexdigest())


def _check_lapses(complaint: dict, history: list[dict], details_of: list[dict], rows: list[dict], digest) -> list[msg.Said]:
    """The lapses recorded for a complaint are exactly those its history says the check recorded,
    each detected when its event was recorded: a lapse, once recorded, is never removed."""
    said: dict[tuple[str, str], dict] = {}
    for event, details in zip(history, details_of):
        lapse = lapse_recorded(details)
        if lapse is not None:
            said[lapse] = event
    problems = []
    for row in sorted(rows, key=lambda r: (r["due"], r["clock"])):
        key = (row["clock"], row["due"])
        digest.update(f"lapse {row['clock']} {row['due']} {row['detected_at']}\n".encode())
        recorder = said.pop(key, None)
        where = {"ref": complaint["ref"], "clock": row["clock"], "due": row["due"]}
        if recorder is None:
            problems.append(msg.V_LAPSE_UNRECORDED(**where))
        elif recorder["recorded_at"] != row["detected_at"]:
            problems.append(msg.V_LAPSE_DETECTED_AT(**where, event=_name(complaint["ref"], recorder)))
    for (clock, due), event in sorted(said.items()):
        problems.append(msg.V_LAPSE_MISSING(ref=complaint["ref"], clock=clock, due=due, event=_name(complaint["ref"], event)))
    return problems


def _check_audit(store, audits: list[dict], digest) -> list[msg.Said]:
    """The audit chain unbroken, and the audited tables (settings, calendar corrections, published
    years, policies) the replay of its rows (`tsk.admin.effects`)."""
    problems = []
    prev = ""
    expected: dict[str, dict[str, dict]] = {table: {} for table in state.TABLES}
    for row in audits:
        name = msg.V_AUDIT_ROW(id=row["id"], action=row["action"])
        if row["prev_hash"] != prev:
            problems.append(msg.V_AUDIT_BROKEN(name=name))
        if state.audit_hash(row["prev_hash"], row) != row["hash"]:
            problems.append(msg.V_ALTERED(name=name))
        prev = row["hash"]
        if row["action"] == state.BASELINE:
            expected = {table: {} for table in state.TABLES}
        try:
            changes = effects(row)
        except (ValueError, KeyError, TypeError):
            problems.append(msg.V_UNREADABLE(name=name))
            continue
        for table, key, found in changes:
            if found is None:
                expected[table].pop(key, None)
            else:
                expected[table][key] = found
    if audits:
        digest.update(f"audit {prev}\n".encode())
    for table, rows in state.table_rows(store).items():
        for key in sorted(rows.keys() | expected[table].keys()):
            held, wanted = rows.get(key), expected[table].get(key)
            if held is not None:
                digest.update(f"{table} {canonical(held)}\n".encode())
            if held == wanted:
                continue
            if wanted is None:
                problems.append(msg.V_NOT_AUDITED(table=table, key=key))
            elif held is None:
                problems.append(msg.V_DELETED(table=table, key=key))
            else:
                differing = sorted(c for c in held.keys() | wanted.keys() if held.get(c) != wanted.get(c))
                problems.append(msg.V_DIFFERS_FROM_AUDIT(table=table, key=key, columns=", ".join(differing)))
    return problems


def _missing_refs(store, audits: list[dict]) -> list[msg.Said]:
    """Every number up to a year's counter was issued, by `add` (1, 2, 3… with no gap: a failed
    `add` rolls its number back) or by an import, except those an import passed over (its
    `gaps`: never issued); each must be in the ledger, and no other. So a complaint deleted with
    all its events leaves a hole, whoever issued it, and a counter set back shows. Numbers are
    handled as runs (`state.subtract`), never one by one up to the counter: an import may bring
    TS-2026-123456789."""
    gaps: dict[int, list] = defaultdict(list)
    imported: dict[int, list] = defaultdict(list)  # runs: an import of a million refs is a few
    for row in audits:
        if row["action"] not in ("import", state.BASELINE):
            continue
        try:
            details = json.loads(row["details"])
        except ValueError:
            continue  # named by _check_audit
        for year, runs in details.get("gaps", {}).items():
            gaps[int(year)].extend(runs)
        for year, runs in details.get("refs", {}).items():
            imported[int(year)].extend(runs)
    counters = {row["year"]: row["last"] for row in store.rows(q.REF_COUNTERS)}
    years = sorted(counters.keys() | {int(r["year"]) for r in store.rows(q.REF_YEARS) if r["year"].isdigit()})
    problems = []
    for year in years:
        last, never = counters.get(year, 0), state.subtract(gaps[year], imported[year])
        bounds = state.year_bounds(year)
        if not never and store.value(q.COUNT_REFS_OF_YEAR, bounds) == last:
            highest = store.value(q.HIGHEST_REF_BY_NUMBER, bounds)
            if highest is None or state.ref_number(highest) <= last:
                continue
        present = state.ranges(sorted(state.ref_number(r["ref"]) for r in store.rows(q.REFS_OF_YEAR, bounds)))
        above = state.subtract(present, [[0, last]])
        if above:
            problems.append(msg.V_COUNTER_BELOW(year=year, last=last, refs=_refs(year, above)))
        missing = state.subtract([[1, last]], present + never) if last else []
        if missing:
            problems.append(msg.V_REFS_MISSING(refs=_refs(year, missing)))
        unissued = state.common(present, never)
        if unissued:
            problems.append(msg.V_REFS_UNISSUED(refs=_refs(year, unissued)))
    return problems


def _refs(year: int, runs: list[list[int]]) -> str | msg.Said:
    shown = ", ".join(ref_of(year, n) for n in state.firsts(runs, 5))
    more = state.count(runs) - 5
    return msg.V_REFS_AND_MORE(refs=shown, more=more) if more > 0 else shown


# The columns added after the first events were written (schema v6), with what they held then:
# their default, or 0 for a flag worked out when a complaint opens (emergency), as the migration gave.
_LATER_DEFAULTS = {c: 0 if (default := fields.BY_NAME[c].default) is fields.COMPUTED else default
                   for c in baseline.BASELINE_COLUMNS if c not in baseline.V1_COLUMNS}


def _check(complaint: dict, history: list[dict]) -> tuple[list[msg.Said], list[dict]]:
    """The problems of one complaint's history, and its events' details."""
    ref = complaint["ref"]
    problems = []
    prev = ""
    replayed: dict = dict(_LATER_DEFAULTS)  # a history begun before a column existed: its default
    details_of: list[dict] = []
    for expected_seq, event in enumerate(history, start=1):
        name = _name(ref, event)
        if event["seq"] != expected_seq:
            problems.append(msg.V_EVENT_MISSING(ref=ref, seq=expected_seq))
            break
        if event["prev_hash"] != prev:
            problems.append(msg.V_EVENT_BROKEN(name=name))
        if event_hash(event["prev_hash"], ref, event) != event["hash"]:
            problems.append(msg.V_ALTERED(name=name))
        prev = event["hash"]
        try:
            details = json.loads(event["details"])
        except ValueError:
            problems.append(msg.V_UNREADABLE(name=name))
            details = {}
        details_of.append(details)
        if baseline.key_of(details_of[0]):
            continue  # an imported baseline: checked by rewinding, below
        was = details.get("was")
        if was is not None and any(replayed.get(k) != v for k, v in was.items()):
            problems.append(msg.V_WAS_WRONG(name=name))
        replayed.update(details.get("changes", {}))
        lapse = lapse_recorded(details)
        if lapse is not None and lapse[0] in HANDLING:  # before v6 a lapse's event did not say so
            replayed["lapsed"] = 1
    if len(history) != complaint["event_count"] or prev != complaint["history_head"]:
        problems.append(msg.V_COUNT_WRONG(ref=ref, found=len(history), expected=complaint["event_count"],
                                          head=complaint["history_head"][:12] or "-"))
    if details_of and baseline.key_of(details_of[0]):
        problems.extend(_check_baseline(complaint, history, details_of))
        return problems, details_of
    differing = sorted(k for k in complaint if k not in BOOKKEEPING and replayed.get(k) != complaint[k])
    if differing:
        problems.append(msg.V_RECORD_DIFFERS(ref=ref, columns=", ".join(differing)))
    return problems, details_of


def _check_baseline(complaint: dict, history: list[dict], details_of: list[dict]) -> list[msg.Said]:
    """An imported complaint: undo every later change on the stored row, newest first (each
    column must hold what its last change set), and the result must be the imported row."""
    ref = complaint["ref"]
    rewound = {k: v for k, v in complaint.items() if k not in BOOKKEEPING}
    differing: set[str] = set()
    unknown: list[msg.Said] = []
    for event, details in zip(reversed(history[1:]), reversed(details_of[1:])):
        changes, was = details.get("changes", {}), details.get("was", {})
        for column, value in changes.items():
            if rewound.get(column) != value:
                differing.add(column)
            if column not in was:
                unknown.append(msg.V_WAS_MISSING(name=_name(ref, event), column=column))
            rewound[column] = was.get(column)
    problems = unknown
    if differing:
        problems.append(msg.V_RECORD_DIFFERS(ref=ref, columns=", ".join(sorted(differing))))
    key = baseline.key_of(details_of[0]) or baseline.KEY  # present: _check sent it here for that
    if baseline.digest(rewound, key) != details_of[0].get(key):
        problems.append(msg.V_BASELINE_DIFFERS(ref=ref))
    return problems


def _name(ref: str, event: dict) -> msg.Said:
    return msg.V_EVENT(ref=ref, seq=event["seq"], action=event["action"])
