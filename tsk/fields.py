"""The complaint's fields, each described once: its name, Chinese label, kind of value, default,
whether it is required, whether it is personal data (and its mask), its enumeration.

The table drives every place a complaint's columns appear: `tsk add` (what it asks for and how
it checks what it is given), the import's checks (record by record and column by column),
the export's columns and CSV header, `tsk show --format json`, and masking. Each kind of value
is checked by one function here, whoever gives it; a check raises `Invalid` with a message
naming the value, and the caller names the field (`tsk add` by its option, an import by its
column).

Imported on the start-up of `tsk list`, `show` and `add`: plain tuples, no json or decimal
until a value needs them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from tsk import timeutil
from tsk.errors import InvalidInput
from tsk.vocab import (BUSINESS_TYPE, CATEGORY, CAUSE, CHANNEL, KIND, NOTIFY_VIA, RESULT, SATISFACTION, SEVERITY,
                       STATUS, TOP_LEVEL, Vocab)

# -- kinds of value ---------------------------------------------------------------------------
REF = "ref"  # a complaint ref, TS-2026-000123
ENUM = "enum"  # a key of the field's vocabulary (a Chinese label is accepted for it)
TEXT = "text"
WHOLE = "whole"  # a whole number within the field's bounds
FLAG = "flag"  # 0 or 1
TIME = "time"  # stored as 2026-11-23T14:05:00+08:00
DATE = "date"  # stored as 2026-11-23
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
    def __repr__(self) -> str:
        return "COMPUTED"


# The default of a field set when a complaint is opened: by `opening` (level, group flag,
# clocks) or by the ledger (the first handler is who records it; the ledger's default policy).
COMPUTED: Any = _Computed()

MAX_GROUP_SIZE = 1_000_000  # what `tsk add` accepts
MAX_AMOUNT = 1_000_000_000  # yuan, what a command accepts; keeps fen within a 64-bit integer
REF_PATTERN = re.compile(r"^TS-\d{4}-\d{6}$")
CUSTOMER = "customer_"  # the customer's fields: one object in `show` JSON, flattened in exports


class Invalid(ValueError):
    """A value that cannot be stored. The message names the value; the caller adds the field."""


# -- masks: one per kind of personal data -----------------------------------------------------
def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def mask_id(number: str | None) -> str | None:
    if not number:
        return number
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# -- the table ----------------------------------------------------------------------------------
class Field(NamedTuple):
    name: str  # the export column and JSON key
    label: str  # Chinese, for people: prompts and headers
    kind: str
    vocab: Vocab | None = None
    default: Any = None  # what an imported record without it gets
    required: str = ""  # IMPORT or INTAKE
    option: str = ""  # its `tsk add` option (and `lifecycle.Intake` attribute); "": add sets it
    mask: Callable[[str | None], str | None] | None = None  # personal data: how it is shown unless asked
    low: int = 0  # a whole number's bounds
    high: int | None = None
    english: str = ""  # for prompts and messages, when not the name with spaces
    in_show: bool = True  # in `tsk show --format json` (is_group and direct are shown as flags)
    show_after: str = ""  # in `show`, placed after this field rather than in export order

    @property
    def column(self) -> str | None:
        """The stored column: amounts are stored in fen; a derived field is not stored."""
        if self.kind == DERIVED:
            return None
        return self.name + "_fen" if self.kind == AMOUNT else self.name

    @property
    def words(self) -> str:
        return self.english or self.name.replace("_", " ")


# In export order: the fields of `show --format json` that CLI.md lists, then every other
# stored field, so that an export imported into an empty ledger exports again byte for byte.
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
    Field("customer_email", "电子邮箱", TEXT, option="email", english="email", show_after="customer_id_number"),
    Field("customer_address", "联系地址", TEXT, option="address", english="address",
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


# -- checking one value ---------------------------------------------------------------------------
# Each takes a value as given (text, or what JSON holds) and returns its stored form, or raises
# Invalid. A million imported rows pass through some of them: the usual value is decided first.
def required_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{what} must not be empty")
    return text


def optional_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def text(value: Any) -> str:
    """Text; a JSON number is taken as its text."""
    if value.__class__ is str:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    import json

    raise Invalid(f"expected text, not {json.dumps(value, ensure_ascii=False)}")


def ref(value: Any) -> str:
    found = (value if value.__class__ is str else text(value)).upper()
    if not REF_PATTERN.match(found):
        raise Invalid(f"{value!r} is not a complaint ref (like TS-2026-000123)")
    return found


def enum(vocab: Vocab) -> Callable[[Any], str]:
    """The check of one vocabulary's values: its key, for a key or label in any case."""
    spellings = vocab.spellings()

    def key(value: Any) -> str:
        found = spellings.get(value) if value.__class__ is str else None
        if found is None:
            found = spellings.get(str(value).lower())
            if found is None:
                raise Invalid(f"{value!r} is not one of: {vocab.choices()}")
        return found

    return key


def whole(value: Any, low: int, high: int | None = None) -> int:
    if value.__class__ is int:
        number = value
    elif value.__class__ is str and value.isascii() and value.isdigit():
        number = int(value)
    else:
        try:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValueError
            number = int(value)
        except ValueError:
            raise Invalid(f"{value!r} is not a whole number") from None
    if number < low or (high is not None and number > high):
        raise Invalid(f"{number} is out of range ({low}" + (f" to {high})" if high is not None else " or more)"))
    return number


_FLAGS = {"1": 1, "true": 1, "yes": 1, "0": 0, "false": 0, "no": 0}


def flag(value: Any) -> int:
    found = _FLAGS.get(str(value).lower())
    if found is None:
        raise Invalid(f"{value!r} is not 0 or 1")
    return found


def stored_time(value: Any) -> str:
    """A time in its stored form (China time, to the second)."""
    if value.__class__ is str and len(value) == 25 and value[10] == "T" and value.endswith("+08:00"):
        try:  # already the stored form
            dt.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    given = value if value.__class__ is str else text(value)
    try:
        return timeutil.to_text(timeutil.parse_datetime(given))
    except InvalidInput:
        raise Invalid(f"{given!r} is not a date and time (like 2026-11-23T14:05:00+08:00)") from None


def stored_date(value: Any) -> str:
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)")


PLAIN_PHONE = re.compile(r"[0-9]{5,20}")  # the usual phone: kept as it is
_PHONE = re.compile(r"\+?\d{5,20}")
_PHONE_SEPARATORS = re.compile(r"[\s-]")


def phone(value: Any) -> str:
    given = value if value.__class__ is str else text(value)
    if PLAIN_PHONE.fullmatch(given):
        return given
    digits = _PHONE_SEPARATORS.sub("", given)
    if not _PHONE.fullmatch(digits):
        raise Invalid(f"{given!r} is not a phone number")
    return digits


_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_ID_CHECK = "10X98765432"


def id_check_ok(number: str) -> bool:
    """The GB 11643 check digit: the sum of each digit times its weight 2^(17-i) mod 11 picks it.
    Read as a base-13 number (13 = 2 mod 11), the 17 digits give that sum mod 11, halved."""
    return _ID_CHECK[2 * int(number[:17], 13) % 11] == number[17]


def id_number(value: Any) -> str:
    given = value if value.__class__ is str else text(value)
    number = given.strip().upper()
    if not _ID_NUMBER.fullmatch(number):
        raise Invalid(f"{given!r} is not 18 characters (17 digits and a digit or X)")
    if not id_check_ok(number):
        raise Invalid(f"{given!r} has a wrong check digit")
    return number


def amount_fen(value: Any, most: int | None = None) -> int:
    """An amount in yuan, to the fen, as whole fen."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Invalid(f"{value!r} is not an amount in yuan")
    from decimal import Decimal, InvalidOperation  # here: start-up needs no decimals

    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid(f"{value!r} is not an amount in yuan") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or (
            most is not None and amount > most):
        limit = "zero or more" if most is None else f"an amount from 0 to {most:,} yuan"
        raise Invalid(f"{value!r} must be {limit}, to the fen")
    return int(amount * 100)


def yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


def names(value: Any) -> str:
    """A JSON list of names (or its text) in its stored form."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Invalid(f"{value!r} is not a JSON list of names") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("expected a JSON list of names")
    return names_text(value)


def names_text(given: Iterable[str]) -> str:
    """The stored form of a list of names: each once, sorted, as compact JSON (the canonical
    JSON of the history)."""
    import json

    return json.dumps(sorted({n.strip() for n in given if n.strip()}), ensure_ascii=False, separators=(",", ":"))


# -- `tsk add` ----------------------------------------------------------------------------------------
INTAKE_FIELDS = tuple(f for f in FIELDS if f.option)


def intake_value(field: Field, given: Any) -> Any:
    """What `tsk add` was given for `field`, checked and in its stored form; InvalidInput names it."""
    kind = field.kind
    if kind == ENUM:
        return field.vocab.parse(given)  # type: ignore[union-attr]
    if kind == TEXT:
        return required_text(given, field.words) if field.required else optional_text(given)
    if kind == TIME:
        return timeutil.to_text(timeutil.parse_datetime(given, what="--" + field.option)) if given else None
    if kind == NAMES:
        return names_text(given) if given else None
    if kind in (WHOLE, FLAG):
        return int(given)
    if optional_text(given) is None:
        return None
    try:
        return (phone if kind == PHONE else id_number)(given)
    except Invalid as exc:
        raise InvalidInput(f"{field.words} {exc}") from None


# -- a new complaint ----------------------------------------------------------------------------
class Opening(NamedTuple):
    is_group: int
    level: int
    # The clocks: None unless a policy was given.
    ack_due: str | None = None
    due: str | None = None
    cap_due: str | None = None
    report_due: str | None = None


def opening(row: Mapping[str, Any], group_threshold: int, policy: Any = None, calendar: Any = None) -> Opening:
    """What a new complaint starts with, where `row` does not say (None): its group flag, from
    the number of complainants; its level: group and major complaints go to the top level at
    once; and, given its policy and the calendar, its clocks from receipt (the due date moved
    by any extension), with a report clock when it goes to the regulator at intake (group or
    major). Used by `tsk add` and by an import, for the records that lack them."""
    is_group = row.get("is_group")
    if is_group is None:
        is_group = int(row["group_size"] >= group_threshold)
    reported = bool(is_group) or row["severity"] == "major"
    level = row.get("level")
    if level is None:
        level = TOP_LEVEL if reported else 1
    if policy is None:
        return Opening(is_group, level)
    from tsk.sla import deadlines

    clocks = deadlines(policy, calendar, timeutil.from_text(row["received_at"]), kind=row["kind"],
                       severity=row["severity"], report_to_regulator=reported)
    extended = row.get("extended_days")
    due = calendar.shift(clocks.due, extended) if extended else clocks.due
    report_due = row.get("report_due") or (clocks.report_due.isoformat() if clocks.report_due else None)
    return Opening(is_group, level, clocks.ack_due.isoformat(), due.isoformat(), clocks.cap_due.isoformat(),
                   report_due)
