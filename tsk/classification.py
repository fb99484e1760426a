"""Classifying a complaint again (`tsk classify`): its kind, category, business type, cause,
severity, number of complainants or emergency, changed in one event with the reason.

What the new classification gives the complaint — its group and emergency flags, the least
level it is handled at, a report to the regulator — is the rule `tsk add` follows
(`fields.standing`; docs/rules.md, Escalation and lateness). The ledger's choice: a level never
goes down, a deadline the complaint has is never moved, a recorded lapse stays; only a report
clock the complaint lacked is started, from the moment of classification.
"""

from __future__ import annotations

from typing import Any

from tsk import fields, timeutil
from tsk import messages as msg
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused
from tsk.history import append_event
from tsk.lifecycle import _change, override_of, recusal, require_status
from tsk.values import required_text

# What may be classified again, in the order of `tsk classify`'s options (and its messages).
ENUMS = ("kind", "category", "business_type", "cause", "severity")
OPTIONS = (*ENUMS, "group_size", "emergency")


class Reclassification:
    """What `tsk classify` is given: None (or False) for what stays as it is. Enumerations as
    given, key or Chinese label."""

    __slots__ = OPTIONS

    def __init__(self, *, kind: str | None = None, category: str | None = None, business_type: str | None = None,
                 cause: str | None = None, severity: str | None = None, group_size: int | None = None,
                 emergency: bool = False) -> None:
        self.kind, self.category, self.business_type, self.cause = kind, category, business_type, cause
        self.severity, self.group_size, self.emergency = severity, group_size, emergency

    def parsed(self) -> dict[str, Any]:
        """The columns to change and their stored values; InvalidInput for a bad value or none."""
        given: dict[str, Any] = {}
        for name in ENUMS:
            text = getattr(self, name)
            if text is not None:
                given[name] = fields.BY_NAME[name].vocab.parse(text)  # type: ignore[union-attr]  # an ENUM has one
        if self.group_size is not None:
            if not 1 <= self.group_size <= fields.MAX_GROUP_SIZE:
                raise InvalidInput(msg.GROUP_SIZE_RANGE, what="--group-size", most=fields.MAX_GROUP_SIZE, size=self.group_size)
            given["group_size"] = self.group_size
        if self.emergency:
            given["emergency"] = 1
        if not given:
            raise InvalidInput(msg.NOTHING_TO_CLASSIFY, options=", ".join("--" + name.replace("_", "-") for name in OPTIONS))
        return given


def _shown(name: str, value: Any) -> msg.Said:
    """A value it already has, as the refusal names it: the field and its value (both languages)."""
    field = fields.BY_NAME[name]
    if name == "emergency":
        return msg.HAS_EMERGENCY()
    shown = msg.term(f"{value} ({field.vocab.label(value)})", field.vocab.label(value)) if field.vocab else value
    return msg.FIELD_VALUE(field=field.named, value=shown)


def classify(ledger: Ledger, ref: str, change: Reclassification, reason: str, at: str | None = None,
             override_recusal: str | None = None) -> dict[str, Any]:
    """Change an open complaint's classification, with the reason, in one event ("classified");
    the same event raises its level and starts its report clock when the new classification
    asks for them. Refused when a value given is the one it has."""
    given = change.parsed()
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_CLASSIFY, "open")
        excused = recusal(c, ledger.actor, msg.ACT_CLASSIFY, override)
        same = [name for name, value in given.items() if c[name] == value]
        if same:
            raise Refused(msg.NOTHING_CHANGES, ref=c["ref"], same=msg.Listed(_shown(name, given[name]) for name in same))
        row = {**c, **given,
               "is_group": None if "group_size" in given else c["is_group"],  # from the new number
               "emergency": 1 if c["emergency"] or "emergency" in given else None}  # once started, it stays
        is_group, emergency, least, reported = fields.standing(row, ledger.settings["group_threshold"])
        changes = {**given, "is_group": is_group, "emergency": emergency, "level": max(least, c["level"])}
        if reported and c["report_due"] is None:
            policy = ledger.policy(c["policy"], c["policy_version"]).for_case(kind=row["kind"], severity=row["severity"])
            changes["report_due"] = timeutil.due_text(policy.report.due(ledger.calendar, when))
        changes = {column: value for column, value in changes.items() if c[column] != value}
        return append_event(ledger, c, "classified", when, changes, reason=why, **excused)

    return _change(ledger, ref, at, work, by="tsk classify")
