"""The baseline of an imported complaint: one digest of the row as it was imported.

An import writes each complaint once, as its row, plus a small "imported" event whose details
hold `digest(row)` (and the file's name), not the row itself: carrying a copy of every row
in the history doubled what a million-complaint import wrote. `tsk verify` proves the row
against it by rewinding: every later event records the values it replaced (`was`), so the
row with each later change undone is the row as imported, and its digest must match.

The digest is SHA-256 over the values of BASELINE_COLUMNS, in that order, joined by NUL: a
null is empty text (an import stores empty as null), a number its decimal digits. Imported
text never holds NUL (the import refuses it), so the joined text splits back into the same
values and no two different rows share it.

Each list of columns is a format, frozen under its key: adding a column to the complaint table
does not change one (a test fails until the new column is thought about), a new format gets a
new key. Imports write the newest (KEY); `tsk verify` reads the key an event holds (FORMATS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from hashlib import sha256
from operator import methodcaller
from typing import Any

from tsk.fields import NUMERIC_COLUMNS

V1_COLUMNS = (
    "ref", "status", "kind", "channel", "category", "business_type", "cause", "severity", "level",
    "received_at", "customer_name", "customer_phone", "customer_id_number", "group_size", "unit",
    "subject_staff", "assignee", "policy", "ack_due", "due", "cap_due", "report_due", "extended_days",
    "closed_at", "result", "resolution", "compensation_fen", "root_cause", "rectification", "satisfaction",
    "policy_version", "customer_email", "customer_address", "summary", "demand", "referred_by", "referral_ref",
    "direct", "repeat_of", "is_group", "conflicts", "first_handler", "assignee_unit", "acked_at", "reported_at",
    "reopened", "notified_via", "reason",
)
# Schema v6: the timeliness columns (tsk.store.models).
V6_COLUMNS = (*V1_COLUMNS, "emergency", "late_entry", "lapsed", "referral_due", "form_due", "form_at",
              "supervision_due", "supervised_at", "supervising_unit")
# Schema v7: the columns of the 2020 national rules.
BASELINE_COLUMNS = (*V6_COLUMNS, "complainant_name", "complainant_relationship", "paused_at", "paused_days",
                    "restarted_at", "merged_into", "review_at", "review_due", "reviewed_at", "review_result",
                    "review_resolution", "remedy", "remedy_at", "followed_up_at", "follow_up_note")
# The imported event's details key: its columns. A complaint imported under an older format is
# proved by the columns of its own (those added since hold what the migration gave them).
FORMATS = {"baseline": V1_COLUMNS, "baseline2": V6_COLUMNS, "baseline3": BASELINE_COLUMNS}
KEY = "baseline3"  # the format imports write
SEPARATOR = "\x00"

_HEXDIGEST = methodcaller("hexdigest")
_UTF8 = methodcaller("encode", "utf-8")


def key_of(details: Mapping[str, Any]) -> str | None:
    """The baseline format an event's details hold, if any."""
    return next((key for key in FORMATS if key in details), None)


def digest(row: Mapping[str, Any], key: str = KEY) -> str:
    """The baseline digest of a row as read from the ledger (None for null)."""
    text = SEPARATOR.join("" if (v := row.get(c)) is None else str(v) for c in FORMATS[key])
    return sha256(text.encode("utf-8")).hexdigest()


def digests(columns: Mapping[str, Sequence[Any]]) -> list[str]:
    """`digest` of every row of a batch given column by column in bind form ("" for null, the
    numeric columns of the field table as int): the same text, joined at C speed."""
    values = [list(map(str, columns[c])) if c in NUMERIC_COLUMNS else columns[c] for c in BASELINE_COLUMNS]
    joined = map(SEPARATOR.join, zip(*values))
    return list(map(_HEXDIGEST, map(sha256, map(_UTF8, joined))))
