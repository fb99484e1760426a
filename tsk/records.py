"""Finding one complaint by its ref: the one place a ref is checked and looked up."""

from __future__ import annotations

from typing import Any

from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound, echo
from tsk.fields import REF_PATTERN
from tsk.store import queries as q


def load(ledger: Ledger, ref: str, *, lock: bool = False) -> dict[str, Any]:
    ref = ref.strip().upper()
    if not REF_PATTERN.match(ref):
        raise InvalidInput(f"{echo(ref)} is not a complaint ref (like TS-2026-000123)")
    sql = q.COMPLAINT_BY_REF_LOCKED.format(for_update=ledger.store.for_update) if lock else q.COMPLAINT_BY_REF
    row = ledger.store.row(sql, {"ref": ref})
    if row is None:
        raise NotFound(f"no complaint {ref}" + _scope(ledger))
    return row


def _scope(ledger: Ledger) -> str:
    """On PostgreSQL, whose units a unit-scoped user sees (another unit's complaint is hidden
    from them, never named as existing)."""
    if ledger.store.dialect != "postgresql":
        return ""
    from tsk.access import seen_units

    units = seen_units(ledger.store)
    return "" if units is None else f" among the complaints of {', '.join(units) or 'no unit'} (the units you may see)"


def load_locked_id(ledger: Ledger, complaint_id: int) -> dict[str, Any]:
    """The complaint with this id, locked for the caller's transaction."""
    row = ledger.store.row(q.COMPLAINT_BY_ID_LOCKED.format(for_update=ledger.store.for_update), {"id": complaint_id})
    if row is None:
        raise NotFound(f"no complaint with id {complaint_id}")
    return row
