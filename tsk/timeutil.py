"""Times and dates in Asia/Shanghai: parsing user input, and the stored text forms.

Stored times are ISO 8601 text with the fixed +08:00 offset (China has kept no daylight
saving since 1991), so that they sort and compare as strings in SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from tsk import messages as msg
from tsk.errors import InvalidInput, echo

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
# The years of the dates tsk reads (docs/rules.md, Bad input): far enough inside the calendar's
# own ends (years 1 to 9999) that no deadline, shift or range computed from them leaves it.
FIRST_YEAR, LAST_YEAR = 1900, 2999
LONGEST_PERIOD = 10_000  # units of a period or shift: 40 years of working days, 833 of months

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Dates as officers write them: 2026/11/3, 2026-11-3, 2026.11.3, 2026年11月3日, 11月3日 (this
# year), each with an optional time: 9:40, 14:05:30, 14时05分, 9点. ISO forms go to fromisoformat.
_OFFICERS_PATTERN = (
    r"^(?:(?P<y>\d{4})\s*(?P<sep>[-/.年])\s*)?(?P<m>\d{1,2})\s*(?P<sep2>[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[ T]?\s*(?P<H>\d{1,2})\s*[:时点]\s*(?:(?P<M>\d{1,2})\s*分?)?(?:\s*:?\s*(?P<S>\d{1,2})\s*秒?)?)?$")
DATE_FORMS = msg.DATE_FORMS.text()  # for the help; errors say it in the language of the run
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def now() -> dt.datetime:
    """The current time in China, to the second."""
    return dt.datetime.now(CHINA).replace(microsecond=0)


def today() -> dt.date:
    return now().date()


@cache
def _officers() -> re.Pattern[str]:
    """Compiled on first use: most dates are ISO, and every command imports this module."""
    return re.compile(_OFFICERS_PATTERN)


What = str | msg.Message | None  # how a message names the value: an option (--at) or a word (date)


def _as_officers_write(text: str, what: What) -> dt.datetime | None:
    """A date (and time) in one of the forms officers write (`_OFFICERS`), China time; None
    when the text is in none of them."""
    found = _officers().match(text)
    if found is None or (found["y"] is None and found["sep2"] != "月") or (found["y"] and (
            (found["sep"] == "年") != (found["sep2"] == "月"))):
        return None  # 11/3 alone is not a date (month or day first?); 年 goes with 月
    year = int(found["y"]) if found["y"] else today().year
    try:
        moment = dt.datetime(year, int(found["m"]), int(found["d"]), int(found["H"] or 0), int(found["M"] or 0),
                             int(found["S"] or 0), tzinfo=CHINA)
    except ValueError:
        raise InvalidInput(msg.NOT_REAL_TIME, what=what, value=echo(text)) from None
    in_range(moment.date(), text, what)
    return moment


def parse_date(text: str, *, what: What = msg.WORD_DATE) -> dt.date:
    """`2026-11-23`, `today`, `yesterday`, the forms officers write (`2026/11/3`, `11月3日`), or a
    date-time (its China date)."""
    value = text.strip().lower()
    if value == "today":
        return today()
    if value == "yesterday":
        return today() - dt.timedelta(days=1)
    if _DATE.match(value):
        try:
            return in_range(dt.date.fromisoformat(value), text, what)
        except ValueError:
            raise InvalidInput(msg.NOT_REAL_DATE, what=what, value=echo(text)) from None
    return parse_datetime(text, what=what).date()


class OutOfRange(InvalidInput):
    """A real date, in a year tsk does not read."""


def in_range(day: dt.date, text: str, what: What) -> dt.date:
    """`day`, in a year tsk reads; else OutOfRange naming `text` (and `what`, when given)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        if what is None:
            raise OutOfRange(msg.OUT_OF_RANGE, value=echo(text), first=FIRST_YEAR, last=LAST_YEAR)
        raise OutOfRange(msg.NAMED_OUT_OF_RANGE, what=what, value=echo(text), first=FIRST_YEAR, last=LAST_YEAR)
    return day


def parse_datetime(text: str, *, what: What = msg.WORD_TIME) -> dt.datetime:
    """`2026-11-23 14:05`, ISO 8601 with or without offset, a date (00:00), `today`, `yesterday`,
    the forms officers write (`2026/11/3 9:40`, `2026年11月3日 14时05分`).

    A time without an offset is China time; one with an offset is converted to China time.
    """
    value = text.strip()
    low = value.lower()
    if low in ("today", "now"):
        return now()
    if low == "yesterday":
        return now() - dt.timedelta(days=1)
    if _DATE.match(value):
        return dt.datetime.combine(parse_date(value, what=what), dt.time(), CHINA)
    candidate = value.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(candidate)
    except ValueError:
        written = _as_officers_write(value, what)  # not ISO: perhaps as an officer writes it
        if written is not None:
            return written
        if _DATE_TIME.match(value):
            raise InvalidInput(msg.NOT_REAL_TIME, what=what, value=echo(text)) from None
        raise InvalidInput(msg.NOT_A_TIME, what=what, value=echo(text), forms=msg.DATE_FORMS) from None
    in_range(moment.date(), text, what)  # before converting: the zone may carry it past year 1 or 9999
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    moment = moment.astimezone(CHINA).replace(microsecond=0)
    in_range(moment.date(), text, what)
    return moment


def to_text(moment: dt.datetime) -> str:
    """The stored form: `2026-11-23T14:05:00+08:00`."""
    return moment.astimezone(CHINA).replace(microsecond=0).isoformat()


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def start_of(day: dt.date) -> str:
    """The stored text of 00:00 on `day`, for range queries on stored times."""
    return to_text(dt.datetime.combine(day, dt.time(), CHINA))


# -- dues: a date, or a moment for a clock in hours (docs/rules.md, Periods in hours) -----------
def due_text(due: dt.date) -> str:
    """The stored form of a due: `2026-11-24` for a date, `2026-11-24T10:00:00+08:00` for a
    moment (a `datetime`: the due of a period in hours)."""
    return to_text(due) if isinstance(due, dt.datetime) else due.isoformat()


def due_of(text: str) -> dt.date:
    """A stored due: a `date`, or a `datetime` when it is a moment."""
    return dt.date.fromisoformat(text) if len(text) == 10 else from_text(text)


def due_day(text: str) -> dt.date:
    """The day of a stored due, date or moment."""
    return dt.date.fromisoformat(text[:10])


def due_shown(text: str | None) -> str:
    """A stored due for people: `2026-11-24`, or `2026-11-24 10:00` for a moment."""
    if text is None:
        return ""
    return text if len(text) == 10 else text[:16].replace("T", " ")


# The end of a day as stored text sorts after every moment of that day and before the next day
# (ISO 8601 writes the midnight that ends a day as 24:00). Only ever a bound, never stored.
_END_OF_DAY = "T24:00:00+08:00"


class AsOf:
    """When lateness is counted: a moment M on a day D. A due that is a date is past when it is
    before D (its day is over); a due that is a moment is past when it is before M (docs/rules.md,
    Escalation and lateness; `tsk.clocks.past`). `bound` is M as stored text, the one value the
    comparisons take; `text` is how it is named in summaries, events and reports.

    A day alone means its end, or now while it lasts: as of 2026-09-29 every moment of that day
    is over, and as of today only those before now. A time to the minute means the end of that
    minute, so a clock due at 09:00 is late as of 09:00. (A plain class: `tsk overdue` imports
    this module.)"""

    __slots__ = ("day", "bound", "text")

    def __init__(self, day: dt.date, bound: str, text: str) -> None:
        self.day, self.bound, self.text = day, bound, text

    @classmethod
    def today(cls) -> AsOf:
        """Today so far: every due date before today, every due moment before now."""
        moment = now()
        return cls(moment.date(), to_text(moment), moment.date().isoformat())

    @classmethod
    def end_of(cls, day: dt.date) -> AsOf:
        """As of `day`: its end (now, when it is today), named by the day."""
        moment = now()
        if day == moment.date():
            return cls(day, to_text(moment), day.isoformat())
        return cls(day, day.isoformat() + _END_OF_DAY, day.isoformat())

    @classmethod
    def at(cls, moment: dt.datetime) -> AsOf:
        """As of `moment` itself, to the second."""
        moment = moment.astimezone(CHINA).replace(microsecond=0)
        shown = moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
        return cls(moment.date(), to_text(moment), shown)

    @classmethod
    def of(cls, value: AsOf | dt.date | None) -> AsOf:
        """`value` as an AsOf: None is today so far, a date its end, a datetime that moment."""
        if value is None:
            return cls.today()
        if isinstance(value, AsOf):
            return value
        if isinstance(value, dt.datetime):
            return cls.at(value)
        return cls.end_of(value)

    def is_future(self) -> bool:
        """Later than now: what would be late then is a what-if."""
        return self.bound > to_text(now())

    def __repr__(self) -> str:
        return f"AsOf({self.text!r}, bound={self.bound!r})"


_SECONDS = re.compile(r"\d:\d{2}:\d{2}")


def parse_as_of(text: str | None, *, what: str = "--as-of") -> AsOf:
    """`--as-of`: today so far (None or `today`); `now`; a day, `yesterday` included (its end);
    a date and time (`2026-09-29 10:00`, `2026年9月29日 10时`, ISO 8601): the end of that minute,
    or that second when seconds are given."""
    value = (text or "today").strip()
    if value.lower() == "now":
        return AsOf.at(now())
    if value.lower() in ("today", "yesterday") or _DATE.match(value):
        return AsOf.end_of(parse_date(value, what=what))
    moment = parse_datetime(value, what=what)
    if moment.time() == dt.time() and not _has_time(value):  # a day as officers write it (2026/9/29)
        return AsOf.end_of(moment.date())
    if _SECONDS.search(value):
        return AsOf.at(moment)
    end = moment.replace(second=59)  # to the minute: its end
    return AsOf(end.date(), to_text(end), moment.strftime("%Y-%m-%d %H:%M"))


def _has_time(text: str) -> bool:
    """The text names a time of day, not a date alone (`2026/9/29`, `9月29日`)."""
    return any(mark in text for mark in (":", "时", "点", "T", "t"))
