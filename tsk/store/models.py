"""The ledger's tables, as SQLModel models: the one definition of the schema.

New ledgers are created from these models (SQLite and PostgreSQL alike); older ledgers are
brought up to them by the ordered migrations in `tsk.store.schema`. Commands then read and write
with the SQL of `tsk.store.queries`, which names these same columns.

Portability choices: times are ISO 8601 text with +08:00 and dates are `YYYY-MM-DD` text
(they compare as strings, and export byte for byte); flags are 0/1 integers; money is an
integer number of fen.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from tsk import clocks


def _running(clock: str) -> dict:
    """A partial index's condition: the clock is running (the same text the queries repeat).
    It holds a few per cent of a ledger, where a full index would hold every complaint ever closed."""
    running = text(clocks.BY_NAME[clock].running_sql)
    return {"sqlite_where": running, "postgresql_where": running}


# Per cent of each complaint page filled by new rows: ~12 rows of ~650 bytes a page leave room
# for about two rewritten ones. The nightly check on the 100k backlog ledger: 1.51 s, against
# 1.82 s on full pages (bench/pg_fillfactor.py; bench/README.md, PostgreSQL beside SQLite).
COMPLAINT_FILLFACTOR = 85


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"
    __table_args__ = (
        # Each running clock is seekable: equality on status (or on "not yet"), then its due date,
        # in an index of the running ones only (v4). The leading equality makes each the
        # planner's choice over ix_complaint_list_order with or without statistics.
        # A clock stop (v7) is in each index of a clock it stops: `paused_at IS NULL` is then an
        # equality of the seek, and the index still covers the ids `check` reads.
        Index("ix_complaint_resolution_clock", "status", "paused_at", "due", **_running("resolution")),
        Index("ix_complaint_ack_clock", "status", "paused_at", "acked_at", "ack_due", **_running("ack")),
        Index("ix_complaint_cap_clock", "status", "paused_at", "cap_due", **_running("cap")),
        Index("ix_complaint_report_clock", "reported_at", "report_due", **_running("report")),
        Index("ix_complaint_form_clock", "status", "paused_at", "form_at", "form_due", **_running("form")),
        Index("ix_complaint_supervision_clock", "status", "paused_at", "supervised_at", "supervision_due",
              **_running("supervision")),
        Index("ix_complaint_referral_clock", "status", "paused_at", "referral_due", **_running("referral")),
        Index("ix_complaint_review_clock", "reviewed_at", "review_due", **_running("review")),  # v7
        Index("ix_complaint_received", "received_at"),
        Index("ix_complaint_phone", "customer_phone"),
        Index("ix_complaint_id_number", "customer_id_number"),
        Index("ix_complaint_unit_category", "unit", "category", "received_at"),
        Index("ix_complaint_assignee", "assignee"),
        # `list`: one status, direct (越级) first, then soonest due, then ref — read in index order (v2).
        Index("ix_complaint_list_order", "status", text("direct DESC"), "due", "ref"),
        # PostgreSQL (v8): every event rewrites its complaint's row (its count and head, most
        # often nothing indexed), which can stay on its page, no index touched (a HOT update),
        # only where the page has room left for it.
        {"postgresql_with": {"fillfactor": COMPLAINT_FILLFACTOR}},
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, max_length=20)
    status: str = Field(max_length=12)
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    category: str = Field(max_length=16)
    business_type: str = Field(max_length=16)
    cause: str = Field(max_length=20)
    severity: str = Field(max_length=10)
    level: int
    received_at: str = Field(max_length=25)
    customer_name: str
    customer_phone: str | None = None
    customer_id_number: str | None = None
    customer_email: str | None = None
    customer_address: str | None = None
    group_size: int
    is_group: int = 0
    unit: str
    subject_staff: str | None = None
    conflicts: str | None = None  # JSON list of names who must not handle it (回避)
    summary: str
    demand: str | None = None
    referred_by: str | None = None
    referral_ref: str | None = None
    direct: int = 0  # 越级: the customer went over the unit's head
    repeat_of: str | None = None
    first_handler: str  # 首问负责: who registered it
    assignee: str | None = None
    assignee_unit: str | None = None
    policy: str = Field(max_length=40)
    policy_version: int
    ack_due: str = Field(max_length=25)  # a date, or a moment for a clock in hours
    due: str = Field(max_length=25)  # a date, or a moment for a clock in hours
    cap_due: str = Field(max_length=25)  # a date, or a moment for a clock in hours
    report_due: str | None = Field(default=None, max_length=25)
    acked_at: str | None = Field(default=None, max_length=25)
    reported_at: str | None = Field(default=None, max_length=25)
    extended_days: int = 0
    reopened: int = 0
    closed_at: str | None = Field(default=None, max_length=25)
    result: str | None = None
    resolution: str | None = None
    compensation_fen: int | None = None
    root_cause: str | None = None
    rectification: str | None = None
    satisfaction: str | None = None
    notified_via: str | None = None
    reason: str | None = None  # why rejected, withdrawn or reopened
    # v6: timeliness (docs/rules.md, Escalation and lateness; Guangdong clocks; referrals)
    emergency: int = 0  # 应急: the emergency plan applies (group, sudden, complex, fraud, account security)
    late_entry: int = 0  # 补录: recorded more than 24 hours after receipt
    lapsed: int = 0  # its resolution or cap clock once ran past due: never on time, whatever follows
    referral_due: str | None = Field(default=None, max_length=25)  # the referring authority's own deadline
    form_due: str | None = Field(default=None, max_length=25)  # Guangdong 处理表 to the 受理部门
    form_at: str | None = Field(default=None, max_length=25)
    supervision_due: str | None = Field(default=None, max_length=25)  # Guangdong 督办表 issued
    supervised_at: str | None = Field(default=None, max_length=25)
    supervising_unit: str | None = None
    # v7: the 2020 national rules (中国银保监会令2020年第3号; docs/rules.md, The 2020 national rules)
    complainant_name: str | None = None  # who complained, when not the customer (agent, heir, guardian)
    complainant_relationship: str | None = Field(default=None, max_length=12)
    paused_at: str | None = Field(default=None, max_length=25)  # a clock stop running since (鉴定、检测、评估)
    paused_days: int = 0  # the days of the clock stops ended, in the policy's reading of a day
    restarted_at: str | None = Field(default=None, max_length=25)  # new facts: the limit runs again from then
    merged_into: str | None = Field(default=None, max_length=20)  # status merged: the first complaint's ref
    review_at: str | None = Field(default=None, max_length=25)  # the customer applied for review (核查)
    review_due: str | None = Field(default=None, max_length=25)
    reviewed_at: str | None = Field(default=None, max_length=25)
    review_result: str | None = Field(default=None, max_length=12)
    review_resolution: str | None = None
    remedy: str | None = Field(default=None, max_length=12)  # mediation, arbitration or lawsuit followed
    remedy_at: str | None = Field(default=None, max_length=25)
    followed_up_at: str | None = Field(default=None, max_length=25)  # 回访
    follow_up_note: str | None = None
    event_count: int = 0
    history_head: str = ""  # hash of the newest event: deleting the last one is detected too


class Event(SQLModel, table=True):
    """One change to a complaint. Append-only; chained by hash within its complaint."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("complaint_id", "seq", name="uq_event_complaint_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    seq: int
    at: str = Field(max_length=25)  # when it happened
    recorded_at: str = Field(max_length=25)  # when it was entered
    actor: str
    action: str = Field(max_length=24)
    details: str  # canonical JSON, including the field changes it made
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Lapse(SQLModel, table=True):
    """A clock the nightly check found overdue and escalated: never twice for one lapse."""

    __tablename__ = "lapse"

    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True)
    clock: str = Field(primary_key=True, max_length=12)
    due: str = Field(primary_key=True, max_length=25)
    detected_at: str = Field(max_length=25)


class RefCounter(SQLModel, table=True):
    __tablename__ = "ref_counter"

    year: int = Field(primary_key=True)
    last: int


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str  # JSON


class CalendarCorrection(SQLModel, table=True):
    """A local correction to the package calendar (a holiday or a make-up working day)."""

    __tablename__ = "calendar_correction"

    day: str = Field(primary_key=True, max_length=10)
    workday: int
    note: str | None = None
    actor: str
    recorded_at: str = Field(max_length=25)


class PublishedYear(SQLModel, table=True):
    """A year whose official schedule was entered locally (so it no longer warns)."""

    __tablename__ = "published_year"

    year: int = Field(primary_key=True)
    note: str | None = None
    actor: str
    recorded_at: str = Field(max_length=25)


class PolicyDefinition(SQLModel, table=True):
    """A bank's own deadline policy; a version, once stored, never changes."""

    __tablename__ = "policy_definition"

    name: str = Field(primary_key=True, max_length=40)
    version: int = Field(primary_key=True)
    definition: str  # JSON of sla.Policy.to_mapping()
    actor: str
    recorded_at: str = Field(max_length=25)


class Audit(SQLModel, table=True):
    """Ledger-wide actions that belong to no one complaint: settings, calendar, policies,
    imports, PII exports. Append-only; chained by hash (tsk.store.state)."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(max_length=25)
    actor: str
    action: str = Field(max_length=24)
    details: str
    prev_hash: str = Field(default="", max_length=64)  # chained like events (tsk.store.state), from v5
    hash: str = Field(default="", max_length=64)


class SchemaMigration(SQLModel, table=True):
    __tablename__ = "schema_migration"

    version: int = Field(primary_key=True)
    description: str
    applied_at: str = Field(max_length=25)
