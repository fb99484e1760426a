"""Finding one complaint by its ref: the one place a ref is checked and looked up."""

from __future__ import annotations

from typing import Any

from tsk import messages as msg
from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound, echo
from tsk.fields import REF_PATTERN
from tsk.store import queries as q


def load(ledger: Ledger, ref: str, *, lock: bool = False) -> dict[str, Any]:
    ref = ref.strip().upper()
    if not REF_PATTERN.match(ref):
        raise InvalidInput(msg.NOT_A_REF, value=echo(ref))
    sql = q.COMPLAINT_BY_REF_LOCKED.format(for_update=ledger.store.for_update) if lock else q.COMPLAINT_BY_REF
    row = ledger.store.row(sql, {"ref": ref})
    if row is None:
        raise NotFound(_not_seen(ledger, ref) or msg.NO_COMPLAINT(ref=ref))
    return row


def _not_seen(ledger: Ledger, ref: str) -> msg.Said | None:
    """On PostgreSQL, for a unit-scoped user: no complaint among those of the units they see
    (another unit's complaint is hidden from them, never named as existing)."""
    if ledger.store.dialect != "postgresql":
        return None
    from tsk.access import seen_units

    units = seen_units(ledger.store)
    return None if units is None else msg.NO_COMPLAINT_IN_UNITS(ref=ref, units=msg.Listed(units))


def load_locked_id(ledger: Ledger, complaint_id: int) -> dict[str, Any]:
    """The complaint with this id, locked for the caller's transaction."""
    row = ledger.store.row(q.COMPLAINT_BY_ID_LOCKED.format(for_update=ledger.store.for_update), {"id": complaint_id})
    if row is None:
        raise NotFound(msg.NO_COMPLAINT_ID, id=complaint_id)
    return row
