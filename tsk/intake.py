"""What `tsk add` is given (`Intake`) and what `lifecycle.register` returns (`Registered`): plain
holders, one attribute per option of `tsk add` (`fields.INTAKE_FIELDS`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Intake:
    """What `tsk add` records (docs/rules.md, Recording a complaint). Enumerations as given: key or label."""

    __slots__ = ("customer", "channel", "category", "business_type", "cause", "unit", "summary", "kind",
                 "severity", "phone", "id_number", "email", "address", "group_size", "subject_staff",
                 "conflicts", "demand", "received", "policy", "referred_by", "referral_ref", "direct", "referral_due",
                 "form_at", "emergency", "complainant", "relationship")

    def __init__(
        self,
        *,
        customer: str,
        channel: str,
        category: str,
        business_type: str,
        cause: str,
        unit: str,
        summary: str,
        kind: str = "complaint",
        severity: str = "general",
        phone: str | None = None,
        id_number: str | None = None,
        email: str | None = None,
        address: str | None = None,
        group_size: int = 1,
        subject_staff: str | None = None,
        conflicts: Sequence[str] = (),
        demand: str | None = None,
        received: str | None = None,
        policy: str | None = None,
        referred_by: str | None = None,
        referral_ref: str | None = None,
        direct: bool = False,
        referral_due: str | None = None,
        form_at: str | None = None,
        emergency: bool = False,
        complainant: str | None = None,
        relationship: str | None = None,
    ) -> None:
        self.customer = customer
        self.channel = channel
        self.category = category
        self.business_type = business_type
        self.cause = cause
        self.unit = unit
        self.summary = summary
        self.kind = kind
        self.severity = severity
        self.phone = phone
        self.id_number = id_number
        self.email = email
        self.address = address
        self.group_size = group_size
        self.subject_staff = subject_staff
        self.conflicts = conflicts
        self.demand = demand
        self.received = received
        self.policy = policy
        self.referred_by = referred_by
        self.referral_ref = referral_ref
        self.direct = direct
        self.referral_due = referral_due  # the referring authority's own deadline (监管转办 only)
        self.form_at = form_at  # when the 处理表 reached the 受理部门 (its policy's form clock; default: now)
        self.emergency = emergency  # 应急, as the officer judges it (突发, 复杂); the rule may make it so anyway
        self.complainant = complainant  # who complained, when not the customer (中国银保监会令2020年第3号 第十四条)
        self.relationship = relationship  # theirs to the customer: agent, heir, guardian, other


class Registered:
    __slots__ = ("complaint", "repeat_of")

    def __init__(self, complaint: dict[str, Any], repeat_of: str | None) -> None:
        self.complaint, self.repeat_of = complaint, repeat_of
