"""Deadline policies (处理时限) as data, and the deadlines they give a complaint.

A policy names four clocks, each a period from a starting point:
- `ack`: the customer told of acceptance, time limit and contact (受理告知, 银监发〔2012〕13号
  第七条);
- `resolution`: the handling limit (处理时限), from receipt or from the ack deadline;
- `cap`: the longest the handling may take with every extension (最长不得超过);
- `report`: report to the regulator — at intake for group/major complaints (银监发〔2012〕13号
  第十五条), and after closing for regulator-referred ones (粤农信联发〔2008〕250号 第十八条(二)).

Periods are in working days, calendar days, calendar months or hours. A period that is not
in working days and ends on a day off moves to the next working day, so no deadline ever
falls on a day off (docs/rules.md, Working days). The presets below are the two notices' rules
(docs/rules.md, Deadlines); a bank adds its own from a TOML or JSON file (`tsk policy add
FILE`) without touching code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import NamedTuple

from tsk.errors import InvalidInput, echo
from tsk.timeutil import LONGEST_PERIOD
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
    def parse(cls, value: object, *, what: str) -> Period:
        """`"15 working_days"`, `"3 months"`, `"24 hours"`, or `{amount=15, unit="..."}`."""
        if isinstance(value, Mapping):
            amount, unit = value.get("amount"), str(value.get("unit", ""))
        else:
            match = re.fullmatch(r"\s*(\d+)\s*([A-Za-z_\u4e00-\u9fff]+)\s*", str(value))
            if not match:
                raise InvalidInput(f"{what}: {echo(value)} is not a period like '15 working_days' or '3 months'")
            amount, unit = int(match.group(1)), match.group(2)
        unit_key = UNITS.get(unit.lower().replace("-", "_").replace(" ", "_"))
        if not isinstance(amount, int) or not 0 <= amount <= LONGEST_PERIOD or unit_key is None:
            raise InvalidInput(
                f"{what}: {echo(value)} is not a period (a whole number up to {LONGEST_PERIOD:,} of working_days, calendar_days, months or hours)"
            )
        return cls(amount, unit_key)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"

    def zh(self) -> str:
        return f"{self.amount}{UNIT_ZH[self.unit]}"

    def due(self, calendar: Calendar, start: dt.datetime) -> dt.date:
        """The last day of the period that starts at `start` (China time)."""
        day = start.date()
        if self.unit == "working_days":
            return calendar.shift(day, self.amount)
        if self.unit == "calendar_days":
            return calendar.roll(day + dt.timedelta(days=self.amount))
        if self.unit == "months":
            from dateutil.relativedelta import relativedelta  # only month periods need it

            return calendar.roll(day + relativedelta(months=self.amount))
        return calendar.roll((start + dt.timedelta(hours=self.amount)).date())


CLOCK_NAMES = ("ack", "resolution", "cap", "report", "referral_report")


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
    resolution_from: str = "receipt"  # or "ack": counted from the ack deadline (gdrcc2008)
    # (conditions, clock overrides): e.g. ({"kind": "inquiry"}, {"resolution": 24 hours})
    overrides: tuple[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Period], ...]], ...] = ()

    def for_case(self, *, kind: str, severity: str) -> Policy:
        """This policy with the overrides that match the complaint applied."""
        facts = {"kind": kind, "severity": severity}
        result = self
        for conditions, clocks in self.overrides:
            if all(facts.get(key) == value for key, value in conditions):
                result = result._replace(**dict(clocks))  # type: ignore[arg-type]  # clock fields only
        return result

    @classmethod
    def from_mapping(cls, data: Mapping, *, origin: str = "policy") -> Policy:
        """A policy from its TOML/JSON form; every problem is one InvalidInput line."""
        try:
            name = str(data["name"]).strip()
            version = int(data.get("version", 1))
            clocks = data["clocks"]
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{origin}: needs name, version and a [clocks] table ({exc})") from None
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
            raise InvalidInput(f"{origin}: name {echo(name)} must be lower-case letters, digits, '-', '_' or '.'")
        missing = [c for c in ("ack", "resolution", "cap") if c not in clocks]
        if missing:
            raise InvalidInput(f"{origin}: [clocks] lacks {', '.join(missing)}")
        resolution_from = str(data.get("resolution_from", "receipt"))
        if resolution_from not in ("receipt", "ack"):
            raise InvalidInput(f"{origin}: resolution_from must be 'receipt' or 'ack'")
        overrides = []
        for i, rule in enumerate(data.get("overrides", ())):
            when = rule.get("when", {})
            unknown = set(when) - {"kind", "severity"}
            if unknown:
                raise InvalidInput(f"{origin}: overrides[{i}].when may test kind and severity, not {sorted(unknown)}")
            changed = tuple(
                (clock, Period.parse(rule[clock], what=f"{origin}: overrides[{i}].{clock}"))
                for clock in CLOCK_NAMES
                if clock in rule
            )
            overrides.append((tuple(sorted((k, str(v)) for k, v in when.items())), changed))

        def clock(key: str, default: str) -> Period:
            return Period.parse(clocks.get(key, default), what=f"{origin}: clocks.{key}")

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
        )

    def to_mapping(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "resolution_from": self.resolution_from,
            "clocks": {c: str(getattr(self, c)) for c in CLOCK_NAMES},
            "overrides": [
                {"when": dict(conditions), **{c: str(p) for c, p in clocks}} for conditions, clocks in self.overrides
            ],
        }


PRESETS: dict[str, Policy] = {
    policy.name: policy
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
                # ack = the supervision form (督办表), 2 working days after receipt; handling is
                # 7 working days after that form; complex or major cases at most 3 months.
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
    )
}

class Deadlines(NamedTuple):
    ack_due: dt.date
    due: dt.date
    cap_due: dt.date
    report_due: dt.date | None


def deadlines(
    policy: Policy,
    calendar: Calendar,
    start: dt.datetime,
    *,
    kind: str,
    severity: str,
    report_to_regulator: bool,
) -> Deadlines:
    """The clocks of a complaint received (or reopened) at `start`."""
    rules = policy.for_case(kind=kind, severity=severity)
    ack_due = rules.ack.due(calendar, start)
    if rules.resolution_from == "ack":
        due = rules.resolution.due(calendar, dt.datetime.combine(ack_due, start.timetz()))
    else:
        due = rules.resolution.due(calendar, start)
    cap_due = max(rules.cap.due(calendar, start), due)
    report_due = rules.report.due(calendar, start) if report_to_regulator else None
    return Deadlines(ack_due, due, cap_due, report_due)


def referral_report_due(policy: Policy, calendar: Calendar, closed: dt.datetime, *, kind: str, severity: str) -> dt.date:
    """When the result of a regulator-referred complaint must be reported back."""
    return policy.for_case(kind=kind, severity=severity).referral_report.due(calendar, closed)


def explain(calendar: Calendar, start: dt.date, due: dt.date) -> list[tuple[dt.date, int | None, str]]:
    """Each day after `start` up to `due`: (day, its working-day number or None, why)."""
    lines = []
    count = 0
    for day, worked, why in calendar.days(start + dt.timedelta(days=1), due):
        if worked:
            count += 1
        lines.append((day, count if worked else None, why))
    return lines
