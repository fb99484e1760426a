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
  from the 处理表's arrival (until it arrives, from its deadline).

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


CLOCK_NAMES = ("ack", "resolution", "cap", "report", "referral_report", "form", "supervision")
OPTIONAL_CLOCKS = ("form", "supervision")  # a policy has them or not (None)
RESOLUTION_FROM = ("receipt", "ack", "supervision")


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

        return cls(
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
            form=clock("form", "") if "form" in clocks else None,
            supervision=clock("supervision", "") if "supervision" in clocks else None,
        )

    def to_mapping(self) -> dict:
        """Its TOML/JSON form; a clock it does not have is left out (so a policy stored before
        the optional clocks existed reads back the same)."""
        return {
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
) -> Deadlines:
    """The clocks of a complaint received (or reopened) at `start`. `form_at`: when its 处理表
    reached the 受理部门, if it has; `supervised_at`: when its 督办表 was issued, if it was —
    the handling deadline then counts from that day, never past the cap."""
    rules = policy.for_case(kind=kind, severity=severity)
    ack_due = rules.ack.due(calendar, start)
    form_due = rules.form.due(calendar, start) if rules.form is not None else None
    supervision_due = None
    if rules.supervision is not None:
        arrived = form_at or (_on(form_due, start) if form_due is not None else start)
        supervision_due = rules.supervision.due(calendar, arrived)
    if rules.resolution_from == "supervision" and supervision_due is not None:
        # from the 督办表's issue, until then from its deadline; the cap counts from receipt and
        # holds even when a late 处理表 or 督办表 would carry handling past it
        cap_due = rules.cap.due(calendar, start)
        issued = supervised_at or _on(supervision_due, start)
        due = min(rules.resolution.due(calendar, issued), cap_due, key=ends)
    else:
        start_of_resolution = _on(ack_due, start) if rules.resolution_from == "ack" else start
        due = rules.resolution.due(calendar, start_of_resolution)
        cap_due = max(rules.cap.due(calendar, start), due, key=ends)
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


def extended(calendar: Calendar, due: dt.date, days: int, cap_due: dt.date) -> dt.date:
    """The handling deadline `due` moved by `days` working days of extension, never past the cap."""
    return min(shifted(calendar, due, days), cap_due, key=ends) if days else due


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
