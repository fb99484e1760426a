"""The periods the reports count over, and when each report is due and to whom.

A report period is a half-year (`2026H1`, `2026H2`) or a calendar year (`2026`); statistics
take any range of dates. Which report is due when, to whom and by which article is one table,
FILINGS, read by the JSON (`report_due`, `recipients`) and by the documents' headings alike
(docs/rules.md, Reports).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.errors import InvalidInput, echo

H1, H2, YEAR = "H1", "H2", "year"  # the reports: first half, second half, the whole year


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    name: str = ""
    report: str = ""  # H1, H2 or YEAR for a report's period; "" for a range of statistics

    def params(self) -> dict[str, str]:
        """The stored-time range [since, until) of the complaints received in the period."""
        return {"since": timeutil.start_of(self.start), "until": timeutil.start_of(self.end + dt.timedelta(days=1))}


def half_year(text: str) -> Period:
    """`2026H1` (1 January – 30 June) or `2026H2` (1 July – 31 December)."""
    found = re.fullmatch(r"(\d{4})\s*[Hh]([12])", text.strip())
    if not found:
        raise InvalidInput(msg.NOT_A_HALF_YEAR, value=echo(text))
    year, half = int(found[1]), int(found[2])
    if half == 1:
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}H1", H1)
    return Period(dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}H2", H2)


def calendar_year(year: int) -> Period:
    """1 January – 31 December of `year` (1900 to 2999, as every YEAR tsk reads)."""
    if not timeutil.FIRST_YEAR <= year <= timeutil.LAST_YEAR:
        raise InvalidInput(msg.YEAR_OUT_OF_RANGE, year=year, first=timeutil.FIRST_YEAR, last=timeutil.LAST_YEAR)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), YEAR)


def date_range(since: str | None, until: str | None) -> Period:
    """`--since`/`--until` (inclusive dates); defaults: 1 January of the until-year, today."""
    last = timeutil.parse_date(until, what="--until") if until else timeutil.today()
    first = timeutil.parse_date(since, what="--since") if since else dt.date(last.year, 1, 1)
    if first > last:
        raise InvalidInput(msg.SINCE_AFTER_UNTIL, since=first, until=last)
    return Period(first, last, f"{first}..{last}")


def as_of_params(as_of: timeutil.AsOf | dt.date) -> dict[str, str]:
    """The parameter of `clocks.RESOLUTION_PAST_DUE_AS_OF`: the as-of moment (a date: its end)."""
    return {"as_of": timeutil.AsOf.of(as_of).bound}


# -- when each report is due, and to whom ---------------------------------------------------------
Names = tuple[tuple[str, str], ...]  # (Chinese, English) each


@dataclass(frozen=True)
class Filing:
    """One report owed: which report, under which key (`cbrc`, `gdrcc`), by which day (month
    and day, in the year after the period's when `next_year`), to whom, copied to whom, and
    the article that says so ((Chinese, English))."""

    report: str
    key: str
    month: int
    day: int
    next_year: bool
    to: Names
    cc: Names
    source: tuple[str, str]

    def due(self, period: Period) -> dt.date:
        return dt.date(period.start.year + self.next_year, self.month, self.day)


_CBRC = (("银监会或其派出机构", "the CBRC or its local office"),)
_CBRC_SOURCE = ("银监发〔2012〕13号 第十六条", "CBRC 2012 No. 13, art. 16")
_GD_TO = (("当地银监部门", "the local banking regulator"),
          ("银行同业公会（或银行业协会）", "the banking association"))
_GD_CC = (("省联社合规部", "the provincial union's compliance department"),)
_GD_SOURCE = ("粤农信联发〔2008〕250号 第二十三条", "Guangdong RCC guideline 2008 No. 250, art. 23")
FILINGS = (
    # 银监发〔2012〕13号 第十六条: a report every half-year, by 30 July and by 30 January.
    Filing(H1, "cbrc", 7, 30, False, _CBRC, (), _CBRC_SOURCE),
    Filing(H2, "cbrc", 1, 30, True, _CBRC, (), _CBRC_SOURCE),
    # 粤农信联发〔2008〕250号 第二十三条: the first half-year by 15 June, the whole year by 15 December.
    Filing(H1, "gdrcc", 6, 15, False, _GD_TO, _GD_CC, _GD_SOURCE),
    Filing(YEAR, "gdrcc", 12, 15, False, _GD_TO, _GD_CC, _GD_SOURCE),
)


def filings(period: Period) -> list[Filing]:
    """The reports owed for `period`, in FILINGS' order (none for a range of statistics)."""
    return [f for f in FILINGS if f.report == period.report]


def report_due(period: Period) -> dict[str, str]:
    """When the period's report is due, per key: {"cbrc": date, "gdrcc": date} where owed."""
    return {f.key: f.due(period).isoformat() for f in filings(period)}


def recipients(period: Period) -> dict[str, dict[str, Any]]:
    """To whom the period's report goes, per key as `report_due`: recipients, those copied, and
    the article (in Chinese, as the documents name them)."""
    return {f.key: {"to": [zh for zh, _ in f.to], "cc": [zh for zh, _ in f.cc], "source": f.source[0]}
            for f in filings(period)}
