"""Deadline policies (处理时限) as data, and the deadlines they give a complaint.

A policy names its clocks, each a period from a starting point:
- `ack`: the customer told of acceptance, time limit and contact (受理告知, 银监发〔2012〕13号
  第七条);
- `resolution`: the handling limit (处理时限), from receipt, from the ack deadline, or from the
  督办表 (`supervision`: from its issue, until then from its deadline);
- `cap`: the longest the handling may take with every extension (最长不得超过);
- `report`: report to the regulator — at intake for group/major complaints (银监发〔2012〕13号
  第十五条), and after closing for regulator-referred ones (粤农信联发〔2008〕250号 第十八条(二));
- `form` and `supervision`, a policy's own if it has them (the Guangdong guideline,
  粤农信联发〔2008〕250号 第十八条(一)): the 处理表 to the 受理部门 from receipt, and the 督办表
  from the 处理表's arrival (until it arrives, from its deadline);
- `review` and `review_window`, a policy's own if it has them (中国银保监会令2020年第3号 第二十条):
  the customer may apply for review (核查) within `review_window` of the decision, and the
  review is decided within `review` of the application.

A policy reads a day (日) one way, `days`: as a working day, or as a calendar day whose last day,
when off, moves to the next working day. Extensions (`tsk extend --days`) and clock stops
(`tsk pause`/`resume`) count in that reading; `extension_tiers` are the limits extensions may
reach, beyond the first only with approval (`--approved-by`); `clock_stops` and `merge_repeats`
say whether the policy lets appraisal time stop the clock and a repeat be merged (the 2020 rules).

Periods are in working days, calendar days, calendar months or hours. A period that is not
in working days and ends on a day off moves to the next working day, so no deadline ever
falls on a day off (docs/rules.md, Working days). A period in hours ends at a moment, not on a
day: its due is a `datetime` (stored `2026-11-24T10:00:00+08:00`, late from that moment), on a
day off the same time of the next working day (docs/rules.md, Periods in hours). The presets below are the two notices' rules
(docs/rules.md, Deadlines); a bank adds its own from a TOML or JSON file (`tsk policy add
FILE`) without touching code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import NamedTuple

from tsk import messages as msg
from tsk.errors import InvalidInput, echo
from tsk.timeutil import CHINA, LONGEST_PERIOD, due_text
from tsk.workdays import Calendar

UNITS = {
    "working_days": "working_days",
    "working_day": "working_days",
    "workdays": "working_days",
    "workday": "working_days",
    "工作日": "working_days",
    "calendar_days": "calendar_days",
    "calendar_day": "calendar_days",
    "days": "calendar_days",
    "day": "calendar_days",
    "日": "calendar_days",
    "天": "calendar_days",
    "months": "months",
    "month": "months",
    "个月": "months",
    "月": "months",
    "hours": "hours",
    "hour": "hours",
    "小时": "hours",
}

UNIT_ZH = {"working_days": "个工作日", "calendar_days": "日", "months": "个月", "hours": "小时"}


class Period(NamedTuple):
    amount: int
    unit: str  # working_days | calendar_days | months | hours

    @classmethod
    def parse(cls, value: object, *, what: str | msg.Message | msg.Said) -> Period:
        """`"15 working_days"`, `"3 months"`, `"24 hours"`, or `{amount=15, unit="..."}`."""
        if isinstance(value, Mapping):
            amount, unit = value.get("amount"), str(value.get("unit", ""))
        else:
            match = re.fullmatch(r"\s*(\d+)\s*([A-Za-z_\u4e00-\u9fff]+)\s*", str(value))
            if not match:
                raise InvalidInput(msg.NOT_A_PERIOD, what=what, value=echo(value))
            amount, unit = int(match.group(1)), match.group(2)
        unit_key = UNITS.get(unit.lower().replace("-", "_").replace(" ", "_"))
        if not isinstance(amount, int) or not 0 <= amount <= LONGEST_PERIOD or unit_key is None:
            raise InvalidInput(msg.BAD_PERIOD, what=what, value=echo(value), most=LONGEST_PERIOD)
        return cls(amount, unit_key)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"

    def zh(self) -> str:
        if self.amount == 0 and self.unit == "calendar_days":
            return "当日"  # the 处理表 reaches the 受理部门 the day the complaint does
        return f"{self.amount}{UNIT_ZH[self.unit]}"

    def said(self) -> msg.Message:
        """The period in a message: `15 working_days`, in Chinese 15个工作日."""
        return msg.term(str(self), self.zh())

    def due(self, calendar: Calendar, start: dt.datetime) -> dt.date:
        """The last day of the period that starts at `start` (China time); for a period in
        hours the moment it ends (a `datetime`), on a day off at the same time of the next
        working day (docs/rules.md, Periods in hours)."""
        day = start.date()
        if self.unit == "working_days":
            return calendar.shift(day, self.amount)
        if self.unit == "calendar_days":
            return calendar.roll(day + dt.timedelta(days=self.amount))
        if self.unit == "months":
            from dateutil.relativedelta import relativedelta  # only month periods need it

            return calendar.roll(day + relativedelta(months=self.amount))
        end = (start + dt.timedelta(hours=self.amount)).astimezone(CHINA)
        worked = calendar.roll(end.date())
        return end if worked == end.date() else dt.datetime.combine(worked, end.timetz())


CLOCK_NAMES = ("ack", "resolution", "cap", "report", "referral_report", "form", "supervision", "review",
               "review_window")
OPTIONAL_CLOCKS = ("form", "supervision", "review", "review_window")  # a policy has them or not (None)
RESOLUTION_FROM = ("receipt", "ack", "supervision")
DAYS = ("working_days", "calendar_days")  # how a policy may read a day (日)
DAYS_ZH = {"working_days": "工作日", "calendar_days": "日（自然日，最后一日为节假日的顺延至下一工作日）"}


class Policy(NamedTuple):
    name: str
    version: int
    title: str
    source: str
    ack: Period
    resolution: Period
    cap: Period
    report: Period  # group / major complaints: report to the regulator after intake
    referral_report: Period  # regulator-referred: report the result after closing
    # or "ack": counted from the ack deadline (gdrcc2008 v1); or "supervision": from the 督办表's
    # issue, until then from its deadline (gdrcc2008 v2)
    resolution_from: str = "receipt"
    # (conditions, clock overrides): e.g. ({"kind": "inquiry"}, {"resolution": 24 hours})
    overrides: tuple[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Period], ...]], ...] = ()
    form: Period | None = None  # the 处理表 reaches the 受理部门, from receipt
    supervision: Period | None = None  # the 督办表 is issued, from the 处理表's arrival
    # How a day (日) is read by extensions and clock stops: "working_days" or "calendar_days"
    # ("": as the resolution period counts, working days when that is neither).
    days: str = ""
    # The limits an extension may reach, each from the start like `resolution` (in its unit);
    # beyond the first only with approval (`tsk extend --approved-by`). () : one tier, the cap.
    extension_tiers: tuple[Period, ...] = ()
    clock_stops: bool = False  # time for appraisal, testing or evaluation (鉴定、检测、评估) is not counted
    merge_repeats: bool = False  # a repeat within the limit may be merged; new facts restart the limit
    review: Period | None = None  # a review (核查) is decided within this of the application
    review_window: Period | None = None  # the customer may apply for review within this of the decision

    @property
    def reading(self) -> str:
        """How this policy reads a day (日) for extensions and clock stops (`days`)."""
        if self.days:
            return self.days
        return self.resolution.unit if self.resolution.unit in DAYS else "working_days"

    def for_case(self, *, kind: str, severity: str) -> Policy:
        """This policy with the overrides that match the complaint applied."""
        facts = {"kind": kind, "severity": severity}
        result = self
        for conditions, clocks in self.overrides:
            if all(facts.get(key) == value for key, value in conditions):
                result = result._replace(**dict(clocks))  # type: ignore[arg-type]  # clock fields only
        return result

    @classmethod
    def from_mapping(cls, data: Mapping, *, origin: str | msg.Message | msg.Said = msg.WORD_POLICY) -> Policy:
        """A policy from its TOML/JSON form; every problem is one InvalidInput line."""
        try:
            name = str(data["name"]).strip()
            version = int(data.get("version", 1))
            clocks = data["clocks"]
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(msg.POLICY_NEEDS, origin=origin, problem=exc) from None
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            raise InvalidInput(msg.POLICY_BAD_NAME, origin=origin, value=echo(name))
        missing = [c for c in ("ack", "resolution", "cap") if c not in clocks]
        if missing:
            raise InvalidInput(msg.POLICY_LACKS, origin=origin, missing=", ".join(missing))
        resolution_from = str(data.get("resolution_from", "receipt"))
        if resolution_from not in RESOLUTION_FROM:
            raise InvalidInput(msg.POLICY_RESOLUTION_FROM, origin=origin)
        if resolution_from == "supervision" and "supervision" not in clocks:
            raise InvalidInput(msg.POLICY_NEEDS_SUPERVISION, origin=origin)
        days = str(data.get("days", ""))
        if days and days not in DAYS:
            raise InvalidInput(msg.POLICY_DAYS, origin=origin)
        flags = {}
        for flag in ("clock_stops", "merge_repeats"):
            value = data.get(flag, False)
            if not isinstance(value, bool):
                raise InvalidInput(msg.POLICY_FLAG, origin=origin, flag=flag)
            flags[flag] = value
        overrides = []
        for i, rule in enumerate(data.get("overrides", ())):
            when = rule.get("when", {})
            unknown = set(when) - {"kind", "severity"}
            if unknown:
                raise InvalidInput(msg.POLICY_OVERRIDE_WHEN, origin=origin, i=i, unknown=sorted(unknown))
            changed = tuple(
                (clock, Period.parse(rule[clock], what=msg.POLICY_OVERRIDE_AT(origin=origin, i=i, clock=clock)))
                for clock in CLOCK_NAMES
                if clock in rule
            )
            overrides.append((tuple(sorted((k, str(v)) for k, v in when.items())), changed))

        def clock(key: str, default: str) -> Period:
            return Period.parse(clocks.get(key, default), what=msg.POLICY_CLOCK_AT(origin=origin, key=key))

        policy = cls(
            name=name,
            version=version,
            title=str(data.get("title", name)),
            source=str(data.get("source", "")),
            ack=clock("ack", ""),
            resolution=clock("resolution", ""),
            cap=clock("cap", ""),
            report=clock("report", "1 working_days"),
            referral_report=clock("referral_report", "3 working_days"),
            resolution_from=resolution_from,
            overrides=tuple(overrides),
            **{c: clock(c, "") if c in clocks else None for c in OPTIONAL_CLOCKS},
            days=days,
            extension_tiers=tuple(Period.parse(tier, what=msg.POLICY_TIER_AT(origin=origin, i=i))
                                  for i, tier in enumerate(data.get("extension_tiers", ()))),
            clock_stops=flags["clock_stops"],
            merge_repeats=flags["merge_repeats"],
        )
        policy.check(origin)
        return policy

    def check(self, origin: str | msg.Message | msg.Said) -> None:
        """What the 2020 rules' properties need: a limit counted from receipt in the policy's own
        reading of a day, tiers rising within the cap, and a review with its window."""
        national = self.extension_tiers or self.clock_stops or self.merge_repeats
        if national and (self.resolution_from != "receipt" or self.resolution.unit != self.reading):
            raise InvalidInput(msg.POLICY_NATIONAL_NEEDS, origin=origin, reading=self.reading)
        amounts = [tier.amount for tier in self.extension_tiers]
        if any(tier.unit != self.resolution.unit for tier in self.extension_tiers) or amounts != sorted(set(amounts)) \
                or (amounts and (amounts[0] <= self.resolution.amount
                                 or (self.cap.unit == self.resolution.unit and amounts[-1] > self.cap.amount))):
            raise InvalidInput(msg.POLICY_TIERS, origin=origin)
        if (self.review is None) != (self.review_window is None):
            raise InvalidInput(msg.POLICY_REVIEW, origin=origin)

    def to_mapping(self) -> dict:
        """Its TOML/JSON form; a clock it does not have is left out (so a policy stored before
        the optional clocks existed reads back the same)."""
        mapping: dict = {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "resolution_from": self.resolution_from,
            "clocks": {c: str(getattr(self, c)) for c in CLOCK_NAMES if getattr(self, c) is not None},
            "overrides": [
                {"when": dict(conditions), **{c: str(p) for c, p in clocks}} for conditions, clocks in self.overrides
            ],
        }
        # The 2020 rules' properties only where set (a policy stored before them reads back the same).
        if self.days:
            mapping["days"] = self.days
        if self.extension_tiers:
            mapping["extension_tiers"] = [str(tier) for tier in self.extension_tiers]
        mapping.update((flag, True) for flag in ("clock_stops", "merge_repeats") if getattr(self, flag))
        return mapping


# Every version of every preset: a complaint keeps the version it was opened under, so a preset's
# rules change only by a new version, and the old ones stay here for the complaints that name them.
PRESET_VERSIONS: dict[tuple[str, int], Policy] = {
    (policy.name, policy.version): policy
    for policy in (
        Policy.from_mapping(
            {
                "name": "cbrc2012",
                "version": 1,
                "title": "银监会2012年13号文：15个工作日办结，延长合计不超过60个工作日",
                "source": "银监发〔2012〕13号 七、九",
                # Acceptance is told on acceptance: at the latest the next working day.
                "clocks": {
                    "ack": "1 working_days",
                    "resolution": "15 working_days",
                    "cap": "60 working_days",
                    "report": "1 working_days",
                    "referral_report": "3 working_days",
                },
            }
        ),
        Policy.from_mapping(
            {
                "name": "gdrcc2008",
                "version": 1,
                "title": "广东农信2008：2个工作日内出具督办表，其后7个工作日办结，最长3个月",
                "source": "粤农信联发〔2008〕250号 第十八条",
                # Superseded by v2, kept for the complaints opened under it: ack stood for the
                # supervision form (督办表), 2 working days after receipt, and handling was due
                # 7 working days after that deadline; complex or major cases at most 3 months.
                "resolution_from": "ack",
                "clocks": {
                    "ack": "2 working_days",
                    "resolution": "7 working_days",
                    "cap": "3 months",
                    "report": "1 working_days",
                    "referral_report": "3 working_days",
                },
            }
        ),
        Policy.from_mapping(
            {
                "name": "gdrcc2008",
                "version": 2,
                "title": "广东农信2008：当天报处理表，2个工作日内出具督办表，出具后7个工作日办结，最长3个月",
                "source": "粤农信联发〔2008〕250号 第十八条",
                # 第十八条(一): the 处理表 reaches the 受理部门 the day the complaint is received,
                # the 督办表 is issued within 2 working days of its arrival, and handling is due 7
                # working days after the 督办表 is received (until it is issued, after its
                # deadline); (三) complex or major cases at most 3 months. The customer is told of
                # acceptance as under 银监发〔2012〕13号 第七条 (ack, the next working day at the latest).
                "resolution_from": "supervision",
                "clocks": {
                    "ack": "1 working_days",
                    "form": "0 calendar_days",
                    "supervision": "2 working_days",
                    "resolution": "7 working_days",
                    "cap": "3 months",
                    "report": "1 working_days",
                    "referral_report": "3 working_days",
                },
            }
        ),
        Policy.from_mapping(
            {
                "name": "national2020",
                "version": 1,
                "title": "银保监会2020年3号令：15日内作出处理决定，复杂的可延长至30日，特别复杂的经批准再延长30日",
                "source": "中国银保监会令2020年第3号 第十八条、第二十条",
                # 第十八条: a decision within 15 日 of receipt; complex cases to 30; especially complex
                # ones a further 30 with the approval of the superior institution or head-office
                # senior management, the customer told; appraisal, testing or evaluation time not
                # counted; a repeat within the limit merged, new facts restarting it. 第二十条: review
                # (核查) applied for within 30 日 of the decision, decided within 30 日. 日 is read as
                # calendar days (where the rules mean working days they say 工作日), a last day off
                # moving to the next working day. The customer is told of acceptance at the latest the
                # next working day (ledger's choice, as under cbrc2012).
                "days": "calendar_days",
                "extension_tiers": ["30 calendar_days", "60 calendar_days"],
                "clock_stops": True,
                "merge_repeats": True,
                "clocks": {
                    "ack": "1 working_days",
                    "resolution": "15 calendar_days",
                    "cap": "60 calendar_days",
                    "report": "1 working_days",
                    "referral_report": "3 working_days",
                    "review": "30 calendar_days",
                    "review_window": "30 calendar_days",
                },
            }
        ),
    )
}
# The newest version of each preset: what a new complaint naming it is opened under.
PRESETS: dict[str, Policy] = {name: policy for (name, _), policy in sorted(PRESET_VERSIONS.items())}


class Deadlines(NamedTuple):
    """The dues of a complaint's clocks: each a `date`, or a `datetime` for a period in hours
    (`timeutil.due_text` gives its stored form)."""

    ack_due: dt.date
    due: dt.date
    cap_due: dt.date
    report_due: dt.date | None
    form_due: dt.date | None = None  # the policy's 处理表 clock, if it has one
    supervision_due: dt.date | None = None  # the policy's 督办表 clock, if it has one


def deadlines(
    policy: Policy,
    calendar: Calendar,
    start: dt.datetime,
    *,
    kind: str,
    severity: str,
    report_to_regulator: bool,
    form_at: dt.datetime | None = None,
    supervised_at: dt.datetime | None = None,
    extended_days: int = 0,
    paused_days: int = 0,
) -> Deadlines:
    """The clocks of a complaint received (or reopened, or restarted) at `start`. `form_at`:
    when its 处理表 reached the 受理部门, if it has; `supervised_at`: when its 督办表 was issued,
    if it was — the handling deadline then counts from that day, never past the cap.
    `extended_days` lengthen the handling deadline (never past the cap), `paused_days` (clock
    stops ended) the handling deadline and the cap, both in the policy's reading of a day."""
    rules = policy.for_case(kind=kind, severity=severity)
    ack_due = rules.ack.due(calendar, start)
    form_due = rules.form.due(calendar, start) if rules.form is not None else None
    supervision_due = None
    if rules.supervision is not None:
        arrived = form_at or (_on(form_due, start) if form_due is not None else start)
        supervision_due = rules.supervision.due(calendar, arrived)
    cap_due = lengthened(calendar, rules.cap, start, paused_days, rules.reading)
    if rules.resolution_from == "supervision" and supervision_due is not None:
        # from the 督办表's issue, until then from its deadline; the cap counts from receipt and
        # holds even when a late 处理表 or 督办表 would carry handling past it
        issued = supervised_at or _on(supervision_due, start)
        due = min(lengthened(calendar, rules.resolution, issued, extended_days + paused_days, rules.reading), cap_due,
                  key=ends)
    else:
        start_of_resolution = _on(ack_due, start) if rules.resolution_from == "ack" else start
        due = lengthened(calendar, rules.resolution, start_of_resolution, paused_days, rules.reading)
        cap_due = max(cap_due, due, key=ends)
        if extended_days:
            due = min(lengthened(calendar, rules.resolution, start_of_resolution, extended_days + paused_days,
                                 rules.reading), cap_due, key=ends)
    report_due = rules.report.due(calendar, start) if report_to_regulator else None
    return Deadlines(ack_due, due, cap_due, report_due, form_due, supervision_due)


def _on(due: dt.date, start: dt.datetime) -> dt.datetime:
    """When a clock that counts from the due `due` starts: a moment itself; a day at the time of
    day of `start` (a period in hours counts from it)."""
    return due if isinstance(due, dt.datetime) else dt.datetime.combine(due, start.timetz())


def ends(due: dt.date) -> dt.datetime:
    """When a due is over: a moment itself, a date at its end (dues compare by it)."""
    return due if isinstance(due, dt.datetime) else dt.datetime.combine(due, dt.time.max, CHINA)


def shifted(calendar: Calendar, due: dt.date, days: int) -> dt.date:
    """A due moved by `days` working days (`tsk extend`): a date to the `days`-th working day
    after it, a moment to the same time of that day (docs/rules.md, Handling)."""
    if isinstance(due, dt.datetime):
        return dt.datetime.combine(calendar.shift(due.date(), days), due.timetz())
    return calendar.shift(due, days)


def lengthened(calendar: Calendar, period: Period, start: dt.datetime, days: int, reading: str) -> dt.date:
    """The last day of `period` from `start`, `days` days longer in the policy's `reading`: a
    period in that unit is counted again whole (15 calendar days and 15 more end where 30 do,
    whatever day off the 15th was), another (months, hours) has its end moved."""
    if not days:
        return period.due(calendar, start)
    if period.unit == reading:
        return Period(period.amount + days, reading).due(calendar, start)
    end = period.due(calendar, start)  # a moment for a period in hours: it keeps its time of day
    if reading == "working_days":
        return shifted(calendar, end, days)
    moved = end + dt.timedelta(days=days)
    if isinstance(moved, dt.datetime):
        worked = calendar.roll(moved.date())
        return moved if worked == moved.date() else dt.datetime.combine(worked, moved.timetz())
    return calendar.roll(moved)


def span(calendar: Calendar, reading: str, first: dt.date, last: dt.date) -> int:
    """The days of a clock stop from `first` (the day it began, counted as a day the clock ran)
    to `last` (the day it ended, from which the clock runs again as from a receipt: not
    counted), in the policy's `reading`: the working days, or the calendar days, after `first`
    up to and including `last` (docs/rules.md, Clock stops)."""
    if reading == "working_days":
        return calendar.between(first, last)
    return (last - first).days


def extension_room(rules: Policy, calendar: Calendar, due: dt.date, cap_due: dt.date, extended_days: int) -> int:
    """How many more days (in the policy's reading) the handling deadline may be extended: to
    the cap, counted as the periods count when they share the reading (60 − 15 days, less what
    was extended), else from the deadline to the cap."""
    if rules.resolution_from == "receipt" and rules.resolution.unit == rules.cap.unit == rules.reading:
        return max(0, rules.cap.amount - rules.resolution.amount - extended_days)
    first, last = (d.date() if isinstance(d, dt.datetime) else d for d in (due, cap_due))
    if rules.reading == "working_days":
        left = max(0, calendar.between(first, last))
        if left and ends(shifted(calendar, due, left)) > ends(cap_due):  # a moment past a cap on its day
            left -= 1
        return left
    return max(0, (last - first).days)


def approval_tier(rules: Policy, extended_days: int, days: int) -> Period | None:
    """The first extension tier, when extending by `days` more would pass it: beyond it an
    extension needs approval (中国银保监会令2020年第3号 第十八条: the superior institution or
    head-office senior management). None when no approval is needed."""
    if not rules.extension_tiers:
        return None
    first = rules.extension_tiers[0]
    return first if rules.resolution.amount + extended_days + days > first.amount else None


def days_word(reading: str) -> msg.Message:
    """How a number of days in `reading` is said in a message: working day(s), day(s); 个工作日, 日."""
    return msg.WORKING_DAYS if reading == "working_days" else msg.CALENDAR_DAYS


def days_zh(reading: str) -> str:
    """个工作日, 日."""
    return UNIT_ZH[reading]


def stored(deadlines: Deadlines) -> dict[str, str | None]:
    """The stored form of each due (`timeutil.due_text`), by column; None where there is none."""
    return {name: None if due is None else due_text(due) for name, due in deadlines._asdict().items()}


def referral_report_due(policy: Policy, calendar: Calendar, closed: dt.datetime, *, kind: str, severity: str) -> dt.date:
    """When the result of a regulator-referred complaint must be reported back."""
    return policy.for_case(kind=kind, severity=severity).referral_report.due(calendar, closed)


def explain(calendar: Calendar, start: dt.date, due: dt.date) -> list[tuple[dt.date, int | None, str]]:
    """Each day after `start` up to `due` (a moment: its day): (day, its working-day number or None, why)."""
    lines = []
    count = 0
    last = due.date() if isinstance(due, dt.datetime) else due
    for day, worked, why in calendar.days(start + dt.timedelta(days=1), last):
        if worked:
            count += 1
        lines.append((day, count if worked else None, why))
    return lines
