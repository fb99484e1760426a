"""The complaint's fields, each described once: its name, Chinese label, kind of value, default,
whether it is required, whether it is personal data (and its mask), its enumeration.

The table drives every place a complaint's columns appear: `tsk add` (what it asks for and how
it checks what it is given), the import's checks (record by record and column by column), the
export's columns and CSV header, `tsk show --format json`, and masking. The check of each kind
of value is in `tsk.values`; `opening` gives a new complaint what it starts with.

Imported on the start-up of `tsk list`, `show` and `overdue`: plain tuples, no json or decimal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tsk import timeutil
from tsk.vocab import (
    BUSINESS_TYPE,
    CATEGORY,
    CAUSE,
    CHANNEL,
    KIND,
    NOTIFY_VIA,
    RELATIONSHIP,
    REMEDY,
    RESULT,
    SATISFACTION,
    SEVERITY,
    STATUS,
    TOP_LEVEL,
    Vocab,
)

# -- kinds of value ---------------------------------------------------------------------------
REF = "ref"  # a complaint ref, TS-2026-000123
ENUM = "enum"  # a key of the field's vocabulary (a Chinese label is accepted for it)
TEXT = "text"
WHOLE = "whole"  # a whole number within the field's bounds
FLAG = "flag"  # 0 or 1
TIME = "time"  # stored as 2026-11-23T14:05:00+08:00
DATE = "date"  # a due: stored as 2026-11-23, or 2026-11-23T14:05:00+08:00 for a clock in hours
AMOUNT = "amount"  # yuan to the fen, stored as whole fen in the column NAME_fen
NAMES = "names"  # a list of names, stored as a JSON list
PHONE = "phone"
ID_NUMBER = "id_number"  # a resident ID (居民身份证号码)
DERIVED = "derived"  # worked out from the other fields when shown; not stored

# Who must give a field: every imported record (the ref and time of receipt: `tsk add` sets
# those itself), or also `tsk add`, which asks for it at a terminal.
IMPORT = "import"
INTAKE = "intake"


class _Computed:
    """The default of a field set when a complaint is opened: by `opening` (level, group and emergency flags,
    clocks) or by the ledger (the first handler is who records it; the ledger's default policy)."""

    def __repr__(self) -> str:
        return "COMPUTED"


COMPUTED: Any = _Computed()

MAX_GROUP_SIZE = 1_000_000  # what `tsk add` accepts
MAX_AMOUNT = 1_000_000_000  # yuan, what a command accepts; keeps fen within a 64-bit integer
# The earliest time of receipt tsk records or imports (docs/rules.md, Recording a complaint):
# an earlier one is a typo (0226 for 2026), and only a 4-digit year makes a ref.
EARLIEST_RECEIPT = "1990-01-01"
MAX_TEXT = 10_000  # characters of any one text, given or imported: a long letter; far below CSV's 128 KB field limit
# TS-YYYY-NNNNNN: six digits at least, up to 999,999,999 a year (past 999,999 after an import
# of high refs), no leading zero beyond six digits, so each number has one ref.
REF_PATTERN = re.compile(r"^TS-\d{4}-(?:\d{6}|[1-9]\d{6,8})$")


def ref_of(year: int, number: int) -> str:
    """The ref of a year's number: TS-2026-000123, TS-2026-1000000."""
    return f"TS-{year}-{number:06d}"

CUSTOMER = "customer_"  # the customer's fields: one object in `show` JSON, flattened in exports


# -- masks: one per kind of personal data -----------------------------------------------------
def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def mask_id(number: str | None) -> str | None:
    if not number:
        return number
    if len(number) <= 7:  # not an ID number: nothing of it is shown
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_email(email: str | None) -> str | None:
    """z***@example.com: the mailbox's first character and its domain."""
    if not email:
        return email
    local, at, domain = email.rpartition("@")
    return (local[:1] + "***" + at + domain) if at and local else "*" * len(email)


ADDRESS_SHOWN = 6  # characters: the province and city (广东省广州市), not the street


def mask_address(address: str | None) -> str | None:
    if not address:
        return address
    return address[:ADDRESS_SHOWN] + "****" if len(address) > ADDRESS_SHOWN else "*" * len(address)


def yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


# -- the table ----------------------------------------------------------------------------------
class Field:
    """One field. A plain class: this module is on every start-up, and a NamedTuple class of
    this width costs ~0.3 ms to create (typing checks each annotation)."""

    __slots__ = ("name", "label", "kind", "vocab", "default", "required", "option", "mask", "low", "high", "english",
                 "in_show", "show_after")

    def __init__(
        self,
        name: str,  # the export column and JSON key
        label: str,  # Chinese, for people: prompts and headers
        kind: str,
        vocab: Vocab | None = None,
        default: Any = None,  # what a new complaint has when it is not given (by `tsk add` or an imported record)
        required: str = "",  # IMPORT or INTAKE
        option: str = "",  # its `tsk add` option (and `lifecycle.Intake` attribute); "": add sets it
        mask: Callable[[str | None], str | None] | None = None,  # personal data: how it is shown unless asked
        low: int = 0,  # a whole number's bounds
        high: int | None = None,
        english: str = "",  # for prompts and messages, when not the name with spaces
        in_show: bool = True,  # in `tsk show --format json` (is_group and direct are shown as flags)
        show_after: str = "",  # in `show`, placed after this field rather than in export order
    ) -> None:
        self.name, self.label, self.kind, self.vocab, self.default = name, label, kind, vocab, default
        self.required, self.option, self.mask, self.low, self.high = required, option, mask, low, high
        self.english, self.in_show, self.show_after = english, in_show, show_after

    def __repr__(self) -> str:
        return f"Field({self.name!r})"

    @property
    def column(self) -> str:
        """The stored column: amounts are stored in fen; "" for a derived field, not stored."""
        if self.kind == DERIVED:
            return ""
        return self.name + "_fen" if self.kind == AMOUNT else self.name

    @property
    def words(self) -> str:
        return self.english or self.name.replace("_", " ")

    @property
    def named(self) -> Any:
        """How a message names the field: its words in English, its label in Chinese."""
        from tsk.messages import term

        return term(self.words, self.label)


# In export order (a format: a new field goes at the end): the fields `tsk show --format json`
# promises, then every other stored field, so that an export imported into an empty ledger
# exports again byte for byte.
FIELDS = (
    Field("ref", "编号", REF, required=IMPORT),
    Field("status", "状态", ENUM, STATUS, default="open"),
    Field("kind", "类型", ENUM, KIND, default="complaint", option="kind"),
    Field("channel", "渠道", ENUM, CHANNEL, required=INTAKE, option="channel"),
    Field("category", "类别", ENUM, CATEGORY, required=INTAKE, option="category"),
    Field("business_type", "业务类型", ENUM, BUSINESS_TYPE, required=INTAKE, option="business_type"),
    Field("cause", "投诉原因", ENUM, CAUSE, required=INTAKE, option="cause"),
    Field("severity", "严重程度", ENUM, SEVERITY, default="general", option="severity"),
    Field("level", "处理级别", WHOLE, default=COMPUTED, low=1, high=TOP_LEVEL),
    Field("received_at", "受理时间", TIME, required=IMPORT, option="received"),
    Field("customer_name", "客户姓名", TEXT, required=INTAKE, option="customer", english="customer"),
    Field("customer_phone", "联系电话", PHONE, option="phone", mask=mask_phone, english="phone"),
    Field("customer_id_number", "证件号码", ID_NUMBER, option="id_number", mask=mask_id, english="ID number"),
    Field("group_size", "投诉人数", WHOLE, default=1, option="group_size", low=1),
    Field("unit", "被投诉单位", TEXT, required=INTAKE, option="unit"),
    Field("subject_staff", "被投诉人员", TEXT, option="subject_staff"),
    Field("assignee", "处理人", TEXT),
    Field("policy", "时限规则", TEXT, default=COMPUTED, option="policy"),
    Field("ack_due", "受理告知时限", DATE, default=COMPUTED),
    Field("due", "处理时限", DATE, default=COMPUTED),
    Field("cap_due", "最长时限", DATE, default=COMPUTED),
    Field("report_due", "报告监管时限", DATE, default=COMPUTED),
    Field("extended_days", "延期工作日", WHOLE, default=0),
    Field("closed_at", "办结时间", TIME),
    Field("result", "处理结果", ENUM, RESULT),
    Field("resolution", "处理情况", TEXT),
    Field("compensation", "补偿金额", AMOUNT),
    Field("root_cause", "原因分析", TEXT),
    Field("rectification", "整改措施", TEXT),
    Field("satisfaction", "客户满意度", ENUM, SATISFACTION),
    Field("flags", "标记", DERIVED, show_after="reopened"),
    Field("policy_version", "时限规则版本", WHOLE, default=COMPUTED, low=1, show_after="policy"),
    Field("customer_email", "电子邮箱", TEXT, option="email", mask=mask_email, english="email",
          show_after="customer_id_number"),
    Field("customer_address", "联系地址", TEXT, option="address", mask=mask_address, english="address",
          show_after="customer_email"),
    Field("summary", "投诉内容", TEXT, required=INTAKE, option="summary"),
    Field("demand", "客户诉求", TEXT, option="demand"),
    Field("referred_by", "转办机关", TEXT, option="referred_by"),
    Field("referral_ref", "转办文号", TEXT, option="referral_ref"),
    Field("direct", "越级投诉", FLAG, default=0, option="direct", in_show=False),
    Field("repeat_of", "重复投诉", REF),
    Field("is_group", "群体性投诉", FLAG, default=COMPUTED, in_show=False),
    Field("conflicts", "回避人员", NAMES, option="conflicts"),
    Field("first_handler", "首问负责人", TEXT, default=COMPUTED, show_after="assignee_unit"),
    Field("assignee_unit", "处理人单位", TEXT, show_after="assignee"),
    Field("acked_at", "受理告知时间", TIME, show_after="ack_due"),
    Field("reported_at", "报告监管时间", TIME, show_after="report_due"),
    Field("reopened", "申诉重办次数", WHOLE, default=0),
    Field("notified_via", "告知方式", ENUM, NOTIFY_VIA, show_after="satisfaction"),
    Field("reason", "理由", TEXT, show_after="notified_via"),
    # v6: timeliness (docs/rules.md, Escalation and lateness)
    Field("emergency", "应急", FLAG, default=COMPUTED, option="emergency", in_show=False),
    Field("late_entry", "补录", FLAG, default=0, in_show=False),
    Field("lapsed", "曾逾期", FLAG, default=0, in_show=False),
    Field("referral_due", "转办时限", DATE, option="referral_due", show_after="referral_ref"),
    Field("form_due", "处理表时限", DATE, show_after="ack_due"),
    Field("form_at", "处理表报送时间", TIME, option="form_at", show_after="form_due"),
    Field("supervision_due", "督办表时限", DATE, show_after="form_at"),
    Field("supervised_at", "督办表出具时间", TIME, show_after="supervision_due"),
    Field("supervising_unit", "督办单位", TEXT, show_after="supervised_at"),
    # v7: the 2020 national rules (中国银保监会令2020年第3号; docs/rules.md, The 2020 national rules)
    Field("complainant_name", "投诉人姓名", TEXT, option="complainant", english="complainant",
          show_after="customer_address"),  # when not the customer: like the customer's name, never in an error
    Field("complainant_relationship", "投诉人与客户关系", ENUM, RELATIONSHIP, option="relationship",
          english="relationship", show_after="complainant_name"),
    Field("paused_at", "暂停计时时间", TIME, show_after="cap_due"),  # a clock stop (鉴定、检测、评估) running since
    Field("paused_days", "暂停计时天数", WHOLE, default=0, show_after="paused_at"),  # stops ended, in the policy's days
    Field("restarted_at", "重新计算时限时间", TIME, show_after="paused_days"),  # new facts: the limit runs again from
    Field("merged_into", "合并至", REF, show_after="repeat_of"),  # a repeat merged into this (the first) complaint
    Field("review_at", "核查申请时间", TIME, show_after="reason"),  # the customer's written application (核查)
    Field("review_due", "核查时限", DATE, show_after="review_at"),
    Field("reviewed_at", "核查决定时间", TIME, show_after="review_due"),
    Field("review_result", "核查结果", ENUM, RESULT, show_after="reviewed_at"),
    Field("review_resolution", "核查决定", TEXT, show_after="review_result"),
    Field("remedy", "后续救济途径", ENUM, REMEDY, show_after="review_resolution"),  # mediation, arbitration, lawsuit
    Field("remedy_at", "后续救济时间", TIME, show_after="remedy"),
    Field("followed_up_at", "回访时间", TIME, show_after="satisfaction"),  # 回访: `satisfaction` is what it found
    Field("follow_up_note", "回访情况", TEXT, show_after="followed_up_at"),
)

BY_NAME = {f.name: f for f in FIELDS}
EXPORT_FIELDS = tuple(f.name for f in FIELDS)  # the export's columns (and CSV header), in order
STORED = tuple(f for f in FIELDS if f.column)
# The stored columns of a complaint (besides id, event_count, history_head).
ROW_COLUMNS = tuple(f.column for f in STORED)
NUMERIC_COLUMNS = frozenset(f.column for f in STORED if f.kind in (WHOLE, FLAG, AMOUNT))
# What every imported record must give: the ref and time of receipt, then what `tsk add` needs.
REQUIRED = (*(f.name for f in FIELDS if f.required == IMPORT), *(f.name for f in FIELDS if f.required == INTAKE))
# What `tsk add` asks for when it is not given: who complains, then the complaint.
ASKED = tuple(sorted((f for f in FIELDS if f.required == INTAKE), key=lambda f: not f.name.startswith(CUSTOMER)))
PII = tuple(f for f in FIELDS if f.mask)
# Values of these kinds are masked wherever they are shown, error messages included (any text
# may hold an email or address, so those two are masked as fields, never by kind).
_MASKS = {f.kind: f.mask for f in PII if f.kind != TEXT}


def mask_of(kind: str) -> Callable[[str | None], str | None] | None:
    """How a value of `kind` is shown unless asked (None: it is not personal data)."""
    return _MASKS.get(kind)
INTAKE_FIELDS = tuple(f for f in FIELDS if f.option)  # what `tsk add` is given


def _show_order() -> tuple[Field, ...]:
    """The fields of `show` JSON in order: export order, each field followed by those shown after it."""
    after: dict[str, list[Field]] = {}
    for f in FIELDS:
        if f.show_after:
            after.setdefault(f.show_after, []).append(f)
    order: list[Field] = []

    def place(f: Field) -> None:
        order.append(f)
        for follower in after.get(f.name, ()):
            place(follower)

    for f in FIELDS:
        if not f.show_after:
            place(f)
    return tuple(f for f in order if f.in_show)


SHOWN = _show_order()


# -- what a classification gives ------------------------------------------------------------------
# The causes that start the emergency plan at once: complaints about fraud or account security
# (《银行客户投诉应急预案》1.2, 2.4). JR/T 0169-2018 classes both by their effect, money lost or put
# at risk (资金安全); a leak of personal data (信息安全) is not among them. *(ledger's choice)*
EMERGENCY_CAUSES = ("funds-safety",)
SERIOUS_LEVEL = 2  # 较重: 上级部门介入, the level above the branch (《金融客户服务与投诉处理规范》2.2.2)


def standing(row: Mapping[str, Any], group_threshold: int) -> tuple[int, int, int, bool]:
    """What a complaint's classification gives it, as (is_group, emergency, least level,
    reported): the one rule of `tsk add`, an import and `tsk classify` (docs/rules.md,
    Escalation and lateness). Where `row` says None, it is worked out:
    - group (群体): `group_threshold` complainants or more;
    - emergency (应急): group, or an emergency cause (the emergency plans); 1 when given as 1;
    - reported to the regulator (a report clock): group, major or emergency (银监发〔2012〕13号
      第十五条), and so at the top level at once;
    - a serious complaint (较重) at level 2 at least; anything else from level 1."""
    is_group = row.get("is_group")
    if is_group is None:
        is_group = int(row["group_size"] >= group_threshold)
    emergency = row.get("emergency")
    if emergency is None:
        emergency = int(bool(is_group) or row["cause"] in EMERGENCY_CAUSES)
    reported = bool(is_group) or bool(emergency) or row["severity"] == "major"
    least = TOP_LEVEL if reported else SERIOUS_LEVEL if row["severity"] == "serious" else 1
    return is_group, emergency, least, reported


# -- a new complaint ----------------------------------------------------------------------------
def opening(row: Mapping[str, Any], group_threshold: int, policy: Any = None, calendar: Any = None) -> dict[str, Any]:
    """What a new complaint starts with, where `row` does not say (None): its group and
    emergency flags and its level, as its classification gives them (`standing`); and, given
    its policy and the calendar, its clocks from receipt or restart (the due date moved by any
    extension and clock stop),
    with a report clock when it goes to the regulator at intake (group, major or emergency), and
    the Guangdong 处理表 and 督办表 clocks when its policy has them (counted from `form_at` and
    `supervised_at` where the row holds them). Used by `tsk add`, and by an import for the
    records that lack them."""
    is_group, emergency, least, reported = standing(row, group_threshold)
    level = row.get("level")
    if level is None:
        level = least
    if policy is None:
        return {"is_group": is_group, "emergency": emergency, "level": level}
    from tsk.sla import deadlines, stored

    form_at, supervised_at = row.get("form_at"), row.get("supervised_at")
    # the limit runs from receipt, or from new facts that restarted it (中国银保监会令2020年第3号 第十八条)
    start = row.get("restarted_at") or row["received_at"]
    clocks = deadlines(policy, calendar, timeutil.from_text(start), kind=row["kind"],
                       severity=row["severity"], report_to_regulator=reported,
                       form_at=timeutil.from_text(form_at) if form_at else None,
                       supervised_at=timeutil.from_text(supervised_at) if supervised_at else None,
                       extended_days=row.get("extended_days") or 0, paused_days=row.get("paused_days") or 0)
    due = stored(clocks)
    opened = {"is_group": is_group, "emergency": emergency, "level": level, "ack_due": due["ack_due"],
              "due": due["due"], "cap_due": due["cap_due"], "report_due": row.get("report_due") or due["report_due"]}
    for column in ("form_due", "supervision_due"):
        if due[column] is not None:
            opened[column] = row.get(column) or due[column]
    return opened
