"""How a stored complaint is shown: the JSON of `show --format json`, masking, flags, table labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from tsk import fields
from tsk.clocks import past_due
from tsk.fields import EXPORT_FIELDS
from tsk.vocab import CATEGORY, LEVEL, SEVERITY, STATUS


def masked_details(details_json: str) -> dict[str, Any]:
    """An event's details with the customer's personal data masked in its changes (new and old values)."""
    import json  # where used: `tsk overdue` and `list` print tables without it, ~2 ms less start-up

    details = json.loads(details_json)
    for values in (details.get("changes"), details.get("was")):
        if values:
            for field in fields.PII:
                if field.name in values:
                    values[field.name] = field.mask(values[field.name])  # type: ignore[misc]
    return details


def shown(c: Mapping[str, Any], name: str, *, show_pii: bool) -> Any:
    """A stored field as shown: personal data masked unless asked for."""
    mask = fields.BY_NAME[name].mask
    return c[name] if show_pii or mask is None else mask(c[name])


def flags(c: Mapping[str, Any], today: dt.date | None = None) -> list[str]:
    """What a reader should notice, in a fixed order."""
    out = []
    if c["is_group"]:
        out.append("group")
    if c["severity"] == "major":
        out.append("major")
    if c["channel"] == "regulator" or c["referred_by"]:
        out.append("referred")
    if c["direct"]:
        out.append("direct")
    if c["repeat_of"]:
        out.append("repeat")
    if c["extended_days"]:
        out.append("extended")
    if c["reopened"]:
        out.append("reopened")
    if c["late_entry"]:
        out.append("late-entry")
    if today is not None and past_due(c, today):
        out.append("overdue")
    return out


# The views' layouts, from the field table. A view starts as a copy of its template (every key
# in place, presized), then takes the stored values shown as they are at C speed; the
# customer's object, amounts, name lists and flags are set after, each in its place.
def _values_of(columns: list[str]) -> Callable[[Mapping[str, Any]], tuple]:
    """The values of `columns` of a stored row, as a tuple."""
    return itemgetter(*columns) if len(columns) > 1 else lambda c: (c[columns[0]],)


_CUSTOMER_KEY = fields.CUSTOMER.rstrip("_")
_CUSTOMER_FIELDS = tuple(f for f in fields.SHOWN if f.name.startswith(fields.CUSTOMER))
_CUSTOMER_KEYS = tuple(f.name[len(fields.CUSTOMER):] for f in _CUSTOMER_FIELDS)
_CUSTOMER_VALUES = _values_of([f.column for f in _CUSTOMER_FIELDS])
_CUSTOMER_MASKS = tuple((f.name[len(fields.CUSTOMER):], f.mask) for f in _CUSTOMER_FIELDS if f.mask)
_SET_AFTER = (fields.AMOUNT, fields.NAMES, fields.DERIVED)
_SHOW_TEMPLATE = dict.fromkeys(_CUSTOMER_KEY if f in _CUSTOMER_FIELDS else f.name for f in fields.SHOWN)
_SHOW_PLAIN = tuple(f for f in fields.SHOWN if f not in _CUSTOMER_FIELDS and f.kind not in _SET_AFTER)
_SHOW_KEYS, _SHOW_VALUES = tuple(f.name for f in _SHOW_PLAIN), _values_of([f.column for f in _SHOW_PLAIN])
_EXPORT_TEMPLATE = dict.fromkeys(EXPORT_FIELDS)
_EXPORT_PLAIN = tuple(f for f in fields.FIELDS if f.kind not in _SET_AFTER)
_EXPORT_KEYS, _EXPORT_VALUES = tuple(f.name for f in _EXPORT_PLAIN), _values_of([f.column for f in _EXPORT_PLAIN])
_AMOUNTS = tuple((f.name, f.column) for f in fields.FIELDS if f.kind == fields.AMOUNT)
_NAME_LISTS = tuple(f.name for f in fields.FIELDS if f.kind == fields.NAMES)  # JSON text: a list in `show`


def complaint_json(c: Mapping[str, Any], *, show_pii: bool, today: dt.date | None, events=None) -> dict[str, Any]:
    """The object of `tsk show --format json` (events included when given)."""
    import json

    view = _SHOW_TEMPLATE.copy()
    view.update(zip(_SHOW_KEYS, _SHOW_VALUES(c)))
    view[_CUSTOMER_KEY] = customer = dict(zip(_CUSTOMER_KEYS, _CUSTOMER_VALUES(c)))
    if not show_pii:
        for key, mask in _CUSTOMER_MASKS:
            customer[key] = mask(customer[key])
    for name, column in _AMOUNTS:
        view[name] = fields.yuan(c[column])
    for name in _NAME_LISTS:
        view[name] = json.loads(c[name]) if c[name] else []
    view["flags"] = flags(c, today)
    if events is not None:
        view["events"] = [
            {"at": e["at"], "recorded_at": e["recorded_at"], "actor": e["actor"], "action": e["action"],
             "details": json.loads(e["details"]) if show_pii else masked_details(e["details"])}
            for e in events
        ]
    return view


def flattened(view: Mapping[str, Any]) -> dict[str, Any]:
    """A `show` view with the customer's object as the export's fields (customer_name...)."""
    flat = {k: v for k, v in view.items() if k != _CUSTOMER_KEY}
    flat.update((fields.CUSTOMER + key, value) for key, value in view[_CUSTOMER_KEY].items())
    return flat


def export_record(c: Mapping[str, Any], *, show_pii: bool) -> dict[str, Any]:
    """One export row: every field (flags from the record alone, not from today)."""
    record = _EXPORT_TEMPLATE.copy()
    record.update(zip(_EXPORT_KEYS, _EXPORT_VALUES(c)))
    if not show_pii:
        for f in fields.PII:
            record[f.name] = f.mask(record[f.name])  # type: ignore[misc]
    for name, column in _AMOUNTS:
        record[name] = fields.yuan(c[column])
    for name in _NAME_LISTS:
        record[name] = c[name]  # as stored: JSON text
    record["flags"] = flags(c)
    return record


# Table labels (Chinese) for people.
def status_label(value: str) -> str:
    return STATUS.label(value)


def severity_label(value: str) -> str:
    return SEVERITY.label(value)


def category_label(value: str) -> str:
    return CATEGORY.label(value)


def level_label(value: int) -> str:
    return f"{value} {LEVEL.get(value, '')}".strip()


FLAG_ZH = {"group": "群体", "major": "重大", "referred": "转办", "direct": "越级", "repeat": "重复",
           "extended": "延期", "reopened": "申诉", "late-entry": "补录", "overdue": "逾期"}


def flags_label(values: list[str]) -> str:
    return " ".join(FLAG_ZH.get(v, v) for v in values)


# Changes that only repeat the event's own time, and bookkeeping not worth a reader's eye.
_QUIET_CHANGES = {"acked_at", "closed_at", "reported_at", "event_count", "history_head"}
# Details for the machine: the changes are listed after the rest, what they replaced and an
# import's baseline digest are in `show --format json`.
_NOT_DESCRIBED = {"changes", "was", "baseline"}


def describe_event(event: Mapping[str, Any]) -> str:
    """One line for a history table: what the event says, then what it changed."""
    details = event["details"]
    parts = []
    for key, value in details.items():
        if key in _NOT_DESCRIBED:
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key}: {value}")
    if event["action"] != "registered":
        for key, value in details.get("changes", {}).items():
            if key in _QUIET_CHANGES or value is None:
                continue
            if key == "compensation_fen":
                key, value = "compensation", f"{value / 100:.2f}"
            parts.append(f"{key} → {value}")
    return "; ".join(parts)
