"""The ledger-wide record: the audit chain, and the tables it accounts for.

Ledger-wide changes (settings, calendar corrections, published years, policies, imports,
unmasked exports) are audit rows, chained like a complaint's events (`tsk.chain`): each row's
hash covers the row and the hash before it. The settings, corrections, published years and
policies are the replay of those rows (`tsk.admin.effects`), as a complaint is the replay of
its events; `tsk verify` holds them to it (`tsk.integrity`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import compress
from operator import ne
from typing import Any

from tsk.chain import canonical, link
from tsk.store import queries as q

# What an audit row's link covers besides the hash before it.
AUDIT_LINKED = ("at", "actor", "action", "details")
# The tables the audit record accounts for, and the columns that name a row of each.
TABLES: dict[str, tuple[str, ...]] = {
    "setting": ("key",),
    "calendar_correction": ("day",),
    "published_year": ("year",),
    "policy_definition": ("name", "version"),
}


BASELINE = "baseline"  # the audit row that begins the chain of a ledger made before v5


def append(store, at: str, actor: str, action: str, details: dict[str, Any]) -> None:
    """One audit row, linked to the newest; the caller holds the transaction."""
    store.lock_ledger()  # PostgreSQL: one writer of the chain at a time, as SQLite's write lock gives
    row = {"at": at, "actor": actor, "action": action, "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
           "prev_hash": store.value(q.AUDIT_HEAD) or ""}
    row["hash"] = audit_hash(row["prev_hash"], row)
    store.run(q.INSERT_AUDIT, row)


def audit_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return link(prev_hash, canonical({column: row[column] for column in AUDIT_LINKED}))


def row_key(table: str, row: dict[str, Any]) -> str:
    """How a problem names the row: its key columns, e.g. `2027-10-04`, `national2020 2`."""
    return " ".join(str(row[column]) for column in TABLES[table])


def comparable(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row in the form the audit record holds it: a setting's value as the value, not its JSON."""
    return {**row, "value": json.loads(row["value"])} if table == "setting" else dict(row)


def table_rows(store) -> dict[str, dict[str, dict[str, Any]]]:
    """Every row of the audited tables, by table and key, comparable."""
    return {table: {row_key(table, r): comparable(table, r) for r in store.rows(q.audited_table_rows(table, keys))}
            for table, keys in TABLES.items()}


def chain_audit(store) -> None:
    """Link every audit row not yet linked (a ledger from before v5) to the one before it, in order."""
    prev = ""
    for row in store.rows(q.AUDIT_ROWS):
        if not row["hash"]:
            store.run(q.LINK_AUDIT_ROW, {"id": row["id"], "prev_hash": prev, "hash": audit_hash(prev, row)})
            row["hash"] = audit_hash(prev, row)
        prev = row["hash"]


def begin_chain(store, at: str) -> None:
    """Schema v5 on a ledger made before it: chain its audit rows, then record in one more row
    what the chain cannot replay (the audited tables as they stand, written before their audit
    rows said all) and the refs its imports left out (v4 knew only each import's highest ref:
    every number up to it that is absent now is taken as never issued)."""
    chain_audit(store)
    tables = {table: list(rows.values()) for table, rows in table_rows(store).items() if rows}
    gaps = {}
    for year, top in sorted(_imported_tops(store).items()):
        held = set(map(ref_number, (r["ref"] for r in store.rows(q.REFS_OF_YEAR, year_bounds(year)))))
        gaps[str(year)] = ranges([n for n in range(1, top + 1) if n not in held])
    if tables or any(gaps.values()):
        append(store, at, "tsk", BASELINE, {"tables": tables, "gaps": {y: r for y, r in gaps.items() if r}})


def _imported_tops(store) -> dict[int, int]:
    tops: dict[int, int] = {}
    for row in store.rows(q.AUDIT_ROWS):
        if row["action"] == "import":
            for year, number in json.loads(row["details"]).get("max_ref", {}).items():
                tops[int(year)] = max(tops.get(int(year), 0), int(number))
    return tops


def year_bounds(year: int) -> dict[str, str]:
    """The parameters that select a year's refs, `TS-2026-…` (HIGHEST_REF, REFS_OF_YEAR)."""
    return {"lo": f"TS-{year}-", "hi": f"TS-{year}."}


def ref_number(ref: str) -> int:
    return int(ref.rsplit("-", 1)[1])


# -- refs as ranges: [[first, last], …] of ascending numbers ---------------------------------
def ranges(numbers: Sequence[int]) -> list[list[int]]:
    """Ascending numbers as runs, at C speed: [1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    if not numbers:
        return []
    breaks = list(compress(range(1, len(numbers)), map(ne, numbers[1:], map((1).__add__, numbers))))
    return [[numbers[s], numbers[e - 1]] for s, e in zip([0, *breaks], [*breaks, len(numbers)])]


def merged(runs: Sequence[Sequence[int]]) -> list[list[int]]:
    """Runs sorted, overlapping or touching ones joined: [[5, 7], [1, 3], [4, 4]] -> [[1, 7]]."""
    out: list[list[int]] = []
    for first, last in sorted(map(tuple, runs)):
        if out and first <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return out


def subtract(runs: Sequence[Sequence[int]], holes: Sequence[Sequence[int]]) -> list[list[int]]:
    """The numbers of `runs` in none of `holes`, as runs: neither is spelt out, so a year whose
    refs reach 999,999,999 costs as little as one that stops at 10."""
    holes = merged(holes)
    out, i = [], 0
    for first, last in merged(runs):
        while i < len(holes) and holes[i][1] < first:
            i += 1
        low, j = first, i
        while j < len(holes) and holes[j][0] <= last:
            if holes[j][0] > low:
                out.append([low, holes[j][0] - 1])
            low = max(low, holes[j][1] + 1)
            j += 1
        if low <= last:
            out.append([low, last])
    return out


def common(runs: Sequence[Sequence[int]], others: Sequence[Sequence[int]]) -> list[list[int]]:
    """The numbers in both, as runs."""
    return subtract(runs, subtract(runs, others))


def count(runs: Sequence[Sequence[int]]) -> int:
    return sum(last - first + 1 for first, last in runs)


def firsts(runs: Sequence[Sequence[int]], n: int) -> list[int]:
    """The first `n` numbers of ascending runs."""
    out: list[int] = []
    for first, last in runs:
        out.extend(range(first, min(last, first + n - len(out) - 1) + 1))
        if len(out) >= n:
            break
    return out
