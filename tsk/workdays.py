"""The mainland-China working-day calendar.

Weekends are off; statutory holidays are off; weekend make-up days (调休上班) are on. The
days that differ from "Monday to Friday" come from the `holidays` package, then from local
corrections stored in the ledger, which win. A year counts as published when the package
transcribes its State Council notice (放假安排); a later year is computed on the statutory rules
only, with a warning, until a `holidays` release or a local correction covers it. The
package's days and published years are read once per package version and cached as
tab-separated text (read without importing `json`), so commands that only shift a date never
import `holidays`.

Counting rules (docs/rules.md, Working days):
- `shift(d, n)`: the n-th working day after d; d itself is never counted.
- `between(a, b)`: the working days after a up to and including b.
- `roll(d)`: d if it is a working day, else the next working day (calendar-day periods).
"""

from __future__ import annotations

import datetime as dt
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from tsk import messages as msg

# The span of years read from the package (and cached); outside it only weekends are off.
FIRST_YEAR, LAST_YEAR = 1999, 2060

WEEKDAY_ZH = "一二三四五六日"


class SpecialDay(NamedTuple):
    """A day that is not an ordinary weekday/weekend: a holiday or a make-up working day.
    (A NamedTuple: some two thousand are made on every start that counts days.)"""

    day: dt.date
    workday: bool
    name: str
    source: str  # "package" or "local"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tsk"


def _holidays_fingerprint() -> str:
    """Which `holidays` data is installed, without importing it (importlib.metadata alone
    costs ~15 ms): the location, size and time of its China module."""
    from importlib.util import find_spec
    from zlib import crc32  # not hashlib: loading OpenSSL costs ~5 ms

    spec = find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        return "missing"
    china = Path(next(iter(spec.submodule_search_locations))) / "countries" / "china.py"
    stat = china.stat()
    return f"{crc32(str(china).encode()):08x}-{stat.st_size}-{stat.st_mtime_ns}"


class Package(NamedTuple):
    """What the `holidays` package knows of China: its special days and published years."""

    days: list[SpecialDay]
    published_years: frozenset[int]


def _read_package() -> tuple[list[tuple[str, bool, str]], list[int]]:
    """(ISO date, workday, Chinese name) for every holiday and make-up day in the span, and the
    years whose State Council notice the package transcribes: it keeps each notice's day swaps
    as data, a year per entry of `special_public_holidays`."""
    from holidays.countries.china import China

    china = China(years=range(FIRST_YEAR, LAST_YEAR + 1), categories=("public",), language="zh_CN")
    days = {day: (False, name) for day, name in china.items()}
    for day in china.weekend_workdays:
        days[day] = (True, "调休上班")
    rows = [(day.isoformat(), workday, name) for day, (workday, name) in sorted(days.items())]
    return rows, sorted(china.special_public_holidays)


def package_calendar() -> Package:
    """The package's calendar, from the per-version cache when there is one: a first line
    `published<TAB>2001,2002,…`, then a line per day, `2026-10-01<TAB>0<TAB>国庆节` (1: a make-up
    working day), and a last line `end<TAB>` with the CRC-32 of all before it.

    A cache that does not match its CRC (edited, cut short) is rebuilt from the package, so
    a stray edit never moves a deadline. A CRC catches an edit, not a forger, who could
    recompute it: the cache is the user's own file, as the ledger is (hashlib would cost ~1 ms
    of every start; zlib is loaded already)."""
    from zlib import crc32

    # The format in the name: a tsk of another format beside this one (a second venv) keeps
    # its own file rather than rebuilding this one on every run.
    path = _cache_dir() / f"cn-holidays-v3-{_holidays_fingerprint()}-{FIRST_YEAR}-{LAST_YEAR}.tsv"
    try:
        body, _, last = path.read_bytes().rpartition(b"\n")
        if last != b"end\t%08x" % crc32(body):
            raise ValueError("edited, cut short, or not this format")
        first, *lines = body.decode("utf-8").split("\n")
        tag, years = first.split("\t")
        if tag != "published":
            raise ValueError("not this format")
        published = [int(year) for year in years.split(",") if year]
        rows = [(day, workday == "1", name) for day, workday, name in (line.split("\t") for line in lines)]
    except (OSError, ValueError):
        rows, published = _read_package()
        body = (f"published\t{','.join(map(str, published))}"
                + "".join(f"\n{day}\t{int(workday)}\t{name}" for day, workday, name in rows)).encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(body + b"\nend\t%08x" % crc32(body))
            os.replace(tmp, path)  # atomic: concurrent processes never read half a file
        except OSError:
            pass  # a read-only home still computes correctly, only slower
    days = [SpecialDay(dt.date.fromisoformat(day), workday, name, "package") for day, workday, name in rows]
    return Package(days, frozenset(published))


class Calendar:
    """Working days, with the special days given; counts with a per-year sorted list + bisect."""

    def __init__(
        self,
        special: Iterable[SpecialDay],
        *,
        published_years: Iterable[int] = (),
        on_unpublished: Callable[[int], None] | None = None,
    ) -> None:
        self.special: dict[dt.date, SpecialDay] = {}
        for entry in special:  # later entries (local corrections) win
            self.special[entry.day] = entry
        self.published_years = frozenset(published_years)
        self.unpublished_touched: set[int] = set()
        self._on_unpublished = on_unpublished
        self._years: dict[int, list[int]] = {}

    # -- one day ---------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        self._touch(day.year)
        return self._is_workday(day)

    def _is_workday(self, day: dt.date) -> bool:
        entry = self.special.get(day)
        if entry is not None:
            return entry.workday
        return day.weekday() < 5

    def why(self, day: dt.date) -> str:
        """Why a day is on or off, in Chinese: holiday name, 调休上班, 周六/周日, 工作日.

        A weekend inside a holiday run is named after it (周六（国庆节假期）)."""
        entry = self.special.get(day)
        if entry is not None:
            return entry.name + ("（本地更正）" if entry.source == "local" else "")
        if day.weekday() < 5:
            return "工作日"
        weekend = "周" + WEEKDAY_ZH[day.weekday()]
        holiday = self._holiday_around(day)
        return f"{weekend}（{holiday}假期）" if holiday else weekend

    def _holiday_around(self, day: dt.date) -> str | None:
        """The holiday that most of the run of days off around `day` is named after."""
        names: list[str] = []
        for step in (-1, 1):
            other = day
            for _ in range(10):
                other += dt.timedelta(days=step)
                if self._is_workday(other):
                    break
                entry = self.special.get(other)
                if entry is not None and not entry.workday and "调休" not in entry.name and "补" not in entry.name:
                    names.append(entry.name)
        return max(names, key=names.count) if names else None

    # -- counting --------------------------------------------------------------------------
    def shift(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it when n < 0); n = 0 rolls forward."""
        if n == 0:
            return self.roll(day)
        year = day.year
        ordinal = day.toordinal()
        if n > 0:
            workdays = self._workdays(year)
            index = bisect_right(workdays, ordinal) + n - 1
            while index >= len(workdays):
                index -= len(workdays)
                year += 1
                workdays = self._workdays(year)
            return dt.date.fromordinal(workdays[index])
        workdays = self._workdays(year)
        index = bisect_left(workdays, ordinal) + n
        while index < 0:
            year -= 1
            workdays = self._workdays(year)
            index += len(workdays)
        return dt.date.fromordinal(workdays[index])

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.between(end, start)
        first = self._workdays(start.year)
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - bisect_right(first, start.toordinal())
        count = len(first) - bisect_right(first, start.toordinal())
        for year in range(start.year + 1, end.year):
            count += len(self._workdays(year))
        return count + bisect_right(self._workdays(end.year), end.toordinal())

    def roll(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the next working day."""
        return day if self.is_workday(day) else self.shift(day, 1)

    def days(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, bool, str]]:
        """Each day from first to last with whether it is worked and why (for explanations)."""
        out = []
        day = first
        while day <= last:
            out.append((day, self.is_workday(day), self.why(day)))
            day += dt.timedelta(days=1)
        return out

    def year_special_days(self, year: int) -> list[SpecialDay]:
        self._touch(year)
        return sorted((e for e in self.special.values() if e.day.year == year), key=lambda e: e.day)

    # -- internals -------------------------------------------------------------------------
    def _workdays(self, year: int) -> list[int]:
        self._touch(year)
        cached = self._years.get(year)
        if cached is None:
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            cached = [o for o in range(first, last + 1) if self._is_workday(dt.date.fromordinal(o))]
            self._years[year] = cached
        return cached

    def _touch(self, year: int) -> None:
        if year in self.published_years or year in self.unpublished_touched:
            return
        first = not self.unpublished_touched
        self.unpublished_touched.add(year)
        if first and self._on_unpublished is not None:  # once a command: the first such year it met
            self._on_unpublished(year)


def unpublished_warning(year: int) -> msg.Said:
    return msg.UNPUBLISHED_YEAR(year=year)


def build_calendar(
    corrections: Iterable[SpecialDay] = (),
    extra_published: Iterable[int] = (),
    on_unpublished: Callable[[int], None] | None = None,
) -> Calendar:
    """The package's calendar with the ledger's local corrections on top."""
    package = package_calendar()
    return Calendar(
        [*package.days, *corrections],
        published_years=package.published_years | frozenset(extra_published),
        on_unpublished=on_unpublished,
    )


def as_special_days(rows: Iterable[Mapping]) -> list[SpecialDay]:
    """Ledger rows (day, workday, note) as local SpecialDays."""
    return [
        SpecialDay(dt.date.fromisoformat(r["day"]), bool(r["workday"]), r["note"] or ("本地调休上班" if r["workday"] else "本地假日"), "local")
        for r in rows
    ]
