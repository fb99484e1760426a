"""How a stored complaint is shown: the JSON of CLI.md, masking, flags, table labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tsk.clocks import past_due
from tsk.vocab import CATEGORY, LEVEL, SEVERITY, STATUS

# Export/import columns, in order: the fields of `show --format json` with the customer
# flattened and without events (CLI.md), then every other stored field, so that an export
# imported into an empty ledger exports again byte for byte.
EXPORT_FIELDS = (
    "ref", "status", "kind", "channel", "category", "business_type", "cause", "severity", "level",
    "received_at", "customer_name", "customer_phone", "customer_id_number", "group_size", "unit",
    "subject_staff", "assignee", "policy", "ack_due", "due", "cap_due", "report_due", "extended_days",
    "closed_at", "result", "resolution", "compensation", "root_cause", "rectification", "satisfaction", "flags",
    "policy_version", "customer_email", "customer_address", "summary", "demand", "referred_by", "referral_ref",
    "direct", "repeat_of", "is_group", "conflicts", "first_handler", "assignee_unit", "acked_at", "reported_at",
    "reopened", "notified_via", "reason",
)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def mask_id(number: str | None) -> str | None:
    if not number:
        return number
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def masked_details(details_json: str) -> dict[str, Any]:
    """An event's details with the customer's phone and ID number masked in its changes (new and old values)."""
    import json  # where used: `tsk overdue` and `list` print tables without it, ~2 ms less start-up

    details = json.loads(details_json)
    for values in (details.get("changes"), details.get("was")):
        if values:
            if "customer_phone" in values:
                values["customer_phone"] = mask_phone(values["customer_phone"])
            if "customer_id_number" in values:
                values["customer_id_number"] = mask_id(values["customer_id_number"])
    return details


def compensation(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


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
    if today is not None and past_due(c, today):
        out.append("overdue")
    return out


def complaint_json(c: Mapping[str, Any], *, show_pii: bool, today: dt.date | None, events=None) -> dict[str, Any]:
    """The object of `tsk show --format json` (events included when given)."""
    import json

    phone = c["customer_phone"] if show_pii else mask_phone(c["customer_phone"])
    id_number = c["customer_id_number"] if show_pii else mask_id(c["customer_id_number"])
    view = {
        "ref": c["ref"], "status": c["status"], "kind": c["kind"], "channel": c["channel"], "category": c["category"],
        "business_type": c["business_type"], "cause": c["cause"], "severity": c["severity"], "level": c["level"],
        "received_at": c["received_at"],
        "customer": {"name": c["customer_name"], "phone": phone, "id_number": id_number,
                     "email": c["customer_email"], "address": c["customer_address"]},
        "group_size": c["group_size"], "unit": c["unit"], "subject_staff": c["subject_staff"],
        "assignee": c["assignee"], "assignee_unit": c["assignee_unit"], "first_handler": c["first_handler"],
        "policy": c["policy"], "policy_version": c["policy_version"],
        "ack_due": c["ack_due"], "acked_at": c["acked_at"], "due": c["due"], "cap_due": c["cap_due"],
        "report_due": c["report_due"], "reported_at": c["reported_at"], "extended_days": c["extended_days"],
        "closed_at": c["closed_at"], "result": c["result"], "resolution": c["resolution"],
        "compensation": compensation(c["compensation_fen"]), "root_cause": c["root_cause"],
        "rectification": c["rectification"], "satisfaction": c["satisfaction"], "notified_via": c["notified_via"],
        "reason": c["reason"], "summary": c["summary"], "demand": c["demand"], "referred_by": c["referred_by"],
        "referral_ref": c["referral_ref"], "repeat_of": c["repeat_of"],
        "conflicts": json.loads(c["conflicts"]) if c["conflicts"] else [],
        "reopened": c["reopened"], "flags": flags(c, today),
    }
    if events is not None:
        view["events"] = [
            {"at": e["at"], "recorded_at": e["recorded_at"], "actor": e["actor"], "action": e["action"],
             "details": json.loads(e["details"]) if show_pii else masked_details(e["details"])}
            for e in events
        ]
    return view


def export_record(c: Mapping[str, Any], *, show_pii: bool) -> dict[str, Any]:
    """One export row: every stored field (flags from the record alone, not from today)."""
    record = {
        **{k: c[k] for k in EXPORT_FIELDS if k in c},
        "customer_phone": c["customer_phone"] if show_pii else mask_phone(c["customer_phone"]),
        "customer_id_number": c["customer_id_number"] if show_pii else mask_id(c["customer_id_number"]),
        "compensation": compensation(c["compensation_fen"]),
        "flags": flags(c),
    }
    return {k: record[k] for k in EXPORT_FIELDS}


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
           "extended": "延期", "reopened": "申诉", "overdue": "逾期"}


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
