"""Refs past 999,999 in a year (docs/rules.md, Recording a complaint): an import may bring
TS-2026-1000000 and above, and every command takes them: `add` numbers on from the highest,
`show` and `note` find them, `verify` counts them, export orders them by year and number and
an export imported into an empty ledger exports again byte for byte."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import BASE as USUAL
from helpers import RECEIVED, sql
from hypothesis import given
from hypothesis import strategies as st

from tsk.exchange.write import DENSE, Refs
from tsk.fields import REF_PATTERN
from tsk.store import state

BASE = [*USUAL, "--received", RECEIVED]
HIGH = ["TS-2026-999999", "TS-2026-1000000", "TS-2026-123456789"]


def export_csv(tsk, *db: str) -> str:
    run = tsk([*db, "export", "--show-pii"])
    assert run.exit_code == 0, run.stderr
    return run.stdout


@pytest.fixture
def high(tsk, tmp_path):
    """A ledger holding imported refs TS-2026-999999, -1000000 and -123456789."""
    assert tsk(["add", *BASE]).exit_code == 0
    rows = list(csv.reader(io.StringIO(export_csv(tsk))))
    header, row = rows[0], rows[1]
    source = tmp_path / "high.csv"
    with open(source, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for ref in reversed(HIGH):
            writer.writerow([ref if name == "ref" else value for name, value in zip(header, row)])
    db = ["--db", str(tmp_path / "high.db")]
    run = tsk([*db, "import", str(source)])
    assert run.exit_code == 0, run.stderr
    return db


def test_add_numbers_on_past_the_highest_imported_ref(tsk, high):
    run = tsk([*high, "add", *BASE])
    assert run.exit_code == 0, run.stderr
    assert run.stdout.split()[0] == "TS-2026-123456790"


@pytest.mark.parametrize("ref", [*HIGH, "TS-2026-123456790"])
def test_show_and_note_find_a_long_ref(tsk, high, ref):
    assert tsk([*high, "add", *BASE]).exit_code == 0
    run = tsk([*high, "show", ref, "--format", "json"])
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["ref"] == ref
    assert tsk([*high, "note", ref.lower(), "回电"]).stdout == f"{ref} noted\n"


def test_verify_counts_long_refs_and_finds_one_deleted(tsk, high, tmp_path):
    for _ in range(3):
        assert tsk([*high, "add", *BASE]).exit_code == 0
    run = tsk([*high, "verify"])
    assert run.exit_code == 0 and run.stdout.startswith("ok: 6 complaint(s)"), run.stdout + run.stderr
    sql(high[1], "DELETE FROM event WHERE complaint_id = (SELECT id FROM complaint WHERE ref = 'TS-2026-123456791')")
    sql(high[1], "DELETE FROM complaint WHERE ref = 'TS-2026-123456791'")
    run = tsk([*high, "verify"])
    assert run.exit_code == 1
    assert "TS-2026-123456791: issued but missing from the ledger" in run.stdout


def test_refs_counted_across_six_and_seven_digits(tsk, tmp_path):
    """Refs 999,998 to 1,000,001 issued by add, after an import set the counter to 999,997."""
    assert tsk(["add", *BASE]).exit_code == 0
    rows = list(csv.reader(io.StringIO(export_csv(tsk))))
    rows[1][rows[0].index("ref")] = "TS-2026-999997"
    source = tmp_path / "one.csv"
    source.write_text("".join(",".join(f'"{v}"' for v in r) + "\n" for r in rows), encoding="utf-8")
    db = ["--db", str(tmp_path / "edge.db")]
    assert tsk([*db, "import", str(source)]).exit_code == 0
    made = [tsk([*db, "add", *BASE]).stdout.split()[0] for _ in range(4)]
    assert made == ["TS-2026-999998", "TS-2026-999999", "TS-2026-1000000", "TS-2026-1000001"]
    assert tsk([*db, "verify"]).exit_code == 0


def test_export_orders_refs_by_year_then_number_and_goes_round_trip(tsk, high, tmp_path):
    assert tsk([*high, "add", *BASE]).exit_code == 0
    assert tsk([*high, "add", *BASE[:-1], "2025-12-31 10:00"]).exit_code == 0
    first = export_csv(tsk, *high)
    refs = [row[0] for row in csv.reader(io.StringIO(first))][1:]
    assert refs == ["TS-2025-000001", *HIGH, "TS-2026-123456790"]
    copy = ["--db", str(tmp_path / "copy.db")]
    path = tmp_path / "first.csv"
    path.write_text(first, encoding="utf-8")
    assert tsk([*copy, "import", str(path)]).exit_code == 0
    assert export_csv(tsk, *copy) == first
    assert tsk([*copy, "verify"]).exit_code == 0


@pytest.mark.parametrize("ref, ok", [
    ("TS-2026-000123", True), ("TS-2026-1000000", True), ("TS-2026-999999999", True),
    ("TS-2026-0000123", False),  # one number, one ref: no leading zero past six digits
    ("TS-2026-1000000000", False), ("TS-2026-12345", False), ("TS-26-000001", False),
])
def test_the_ref_pattern(ref, ok):
    assert bool(REF_PATTERN.match(ref)) is ok


def test_a_ref_met_twice_is_found_past_the_dense_numbers():
    refs = Refs()
    high = f"TS-2026-{DENSE + 5}"
    assert refs.meet([high, "TS-2026-000001"], [0, 1], [2, 3]) == []
    assert refs.meet([high], [7], [9]) == [(0, 0, 2)]
    assert refs.last == {2026: DENSE + 5}
    assert refs.years[2026].itemsize * len(refs.years[2026]) < 1 << 20  # no array as long as the number


def test_an_import_passing_over_a_hundred_million_numbers_is_recorded_as_one_gap(tsk, high):
    """The numbers between the counter and TS-2026-123456789 that the import did not bring are
    never issued; verify holds a ref put there behind tsk's back as never issued."""
    run = tsk([*high, "verify"])
    assert run.exit_code == 0, run.stdout
    gaps = json.loads(sql(high[1], "SELECT details FROM audit WHERE action = 'import'")[0][0])["gaps"]
    assert gaps == {"2026": [[1, 999998], [1000001, 123456788]]}
    sql(high[1], "UPDATE complaint SET ref = 'TS-2026-5000000' WHERE ref = 'TS-2026-1000000'")
    run = tsk([*high, "verify"])
    assert run.exit_code == 1
    assert "TS-2026-5000000: in the ledger but never issued" in run.stdout
    assert "TS-2026-1000000: issued but missing from the ledger" in run.stdout


RUNS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)).map(lambda t: [t[0], t[0] + t[1]]), max_size=6)


def spelt(runs) -> set[int]:
    return {n for first, last in runs for n in range(first, last + 1)}


@given(RUNS, RUNS)
def test_runs_are_sets_of_numbers(runs, holes):
    """The interval arithmetic verify and import use agrees with the sets it stands for."""
    left = state.subtract(runs, holes)
    assert spelt(left) == spelt(runs) - spelt(holes)
    assert left == state.ranges(sorted(spelt(left)))  # ascending, apart, not touching
    assert spelt(state.common(runs, holes)) == spelt(runs) & spelt(holes)
    assert state.count(state.merged(runs)) == len(spelt(runs))
    assert state.firsts(state.merged(runs), 5) == sorted(spelt(runs))[:5]
