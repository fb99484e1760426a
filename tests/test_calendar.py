"""The working-day calendar (docs/rules.md, Working days): literal published dates, the counting
rules, their edges, unpublished years, local corrections, and a cross-check against
`chinese_calendar`. Every expected date below was read off the State Council's 放假安排
notices (and checked against `chinese_calendar`), never computed by tsk itself."""

from __future__ import annotations

import datetime as dt
import json
import zlib

import pytest

from tsk import sla, timeutil
from tsk.errors import InvalidInput
from tsk.sla import PRESETS, Period
from tsk.workdays import SpecialDay, build_calendar, package_calendar

D = dt.date


@pytest.fixture
def cal():
    return build_calendar()


def china(text: str) -> dt.datetime:
    return timeutil.parse_datetime(text)


def one_error_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error:"), run.stderr
    return lines[0]


# -- 1. published dates -----------------------------------------------------------------------

NATIONAL_DAY_2024_OFF = [D(2024, 10, d) for d in range(1, 8)]
NATIONAL_DAY_2025_OFF = [D(2025, 10, d) for d in range(1, 9)]
SPRING_2025_OFF = [D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31),
                   D(2025, 2, 1), D(2025, 2, 2), D(2025, 2, 3), D(2025, 2, 4)]
SPRING_2026_OFF = [D(2026, 2, d) for d in range(15, 24)]
MAKEUP_WORKDAYS = [D(2024, 9, 29), D(2024, 10, 12), D(2025, 9, 28), D(2025, 10, 11),
                   D(2025, 1, 26), D(2025, 2, 8), D(2026, 2, 14), D(2026, 2, 28)]


@pytest.mark.parametrize("day", NATIONAL_DAY_2024_OFF + NATIONAL_DAY_2025_OFF + SPRING_2025_OFF + SPRING_2026_OFF,
                         ids=str)
def test_published_holiday_weekdays_are_days_off(cal, day):
    assert cal.is_workday(day) is False


@pytest.mark.parametrize("day", MAKEUP_WORKDAYS, ids=str)
def test_weekend_makeup_days_are_working_days(cal, day):
    assert day.weekday() >= 5
    assert cal.is_workday(day) is True
    assert cal.why(day) == "调休上班"


def test_days_around_the_holidays_are_ordinary(cal):
    assert cal.is_workday(D(2024, 9, 30)) and cal.is_workday(D(2024, 10, 8))
    assert cal.is_workday(D(2025, 9, 30)) and cal.is_workday(D(2025, 10, 9))
    assert cal.is_workday(D(2025, 1, 27)) and cal.is_workday(D(2025, 2, 5))
    assert cal.is_workday(D(2026, 2, 13)) and cal.is_workday(D(2026, 2, 24))
    assert not cal.is_workday(D(2025, 10, 12))  # the Sunday after the make-up Saturday


def test_2025_national_day_includes_mid_autumn(cal):
    assert cal.why(D(2025, 10, 1)) == "国庆节"
    assert cal.why(D(2025, 10, 6)) == "中秋节"


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2024, 9, 27), 1, D(2024, 9, 29)),   # Fri -> make-up Sunday
        (D(2024, 9, 30), 1, D(2024, 10, 8)),   # over National Day 2024
        (D(2024, 10, 11), 1, D(2024, 10, 12)), # Fri -> make-up Saturday
        (D(2025, 9, 30), 1, D(2025, 10, 9)),   # over National Day 2025
        (D(2025, 9, 30), 15, D(2025, 10, 28)),
        (D(2025, 1, 24), 1, D(2025, 1, 26)),   # Fri -> make-up Sunday
        (D(2025, 1, 27), 1, D(2025, 2, 5)),    # over Spring Festival 2025
        (D(2025, 2, 7), 1, D(2025, 2, 8)),     # Fri -> make-up Saturday
        (D(2026, 2, 13), 1, D(2026, 2, 14)),   # Fri -> make-up Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),   # over Spring Festival 2026
        (D(2026, 2, 27), 1, D(2026, 2, 28)),   # Fri -> make-up Saturday
    ],
    ids=str,
)
def test_shift_counts_published_holidays_and_makeup_days(cal, tsk, start, n, expected):
    assert cal.shift(start, n) == expected
    run = tsk(f"calendar shift {start} {n}")
    assert (run.exit_code, run.stdout, run.stderr) == (0, f"{expected}\n", "")


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2025, 9, 30), D(2025, 10, 28), 15),
        (D(2024, 9, 27), D(2024, 10, 14), 8),   # 9/29, 9/30, 10/8-11, 10/12, 10/14
        (D(2025, 1, 24), D(2025, 2, 10), 7),    # 1/26, 1/27, 2/5-7, 2/8, 2/10
        (D(2026, 2, 13), D(2026, 3, 2), 7),     # 2/14, 2/24-27, 2/28, 3/2
        (D(2025, 10, 1), D(2025, 10, 8), 0),    # the whole 2025 holiday
        (D(2025, 9, 30), D(2025, 9, 30), 0),
    ],
    ids=str,
)
def test_between_counts_working_days_after_start_through_end(cal, tsk, start, end, expected):
    assert cal.between(start, end) == expected
    run = tsk(f"calendar between {start} {end}")
    assert (run.exit_code, run.stdout) == (0, f"{expected}\n")


@pytest.mark.parametrize("day, answer", [("2025-10-03", "no"), ("2025-10-11", "yes"), ("2026-02-28", "yes"),
                                          ("2026-02-17", "no"), ("2025-10-12", "no"), ("2025-10-09", "yes")])
def test_is_workday_prints_yes_or_no(tsk, day, answer):
    run = tsk(f"calendar is-workday {day}")
    assert (run.exit_code, run.stdout) == (0, f"{answer}\n")


# -- 2. the example of the contract -----------------------------------------------------------

def test_fifteen_working_days_after_30_september_2025_is_28_october(tsk):
    run = tsk("calendar shift 2025-09-30 15")
    assert run.exit_code == 0
    assert run.stdout == "2025-10-28\n"
    assert run.stderr == ""


# -- 3. edges ---------------------------------------------------------------------------------

def test_received_on_a_holiday_counts_from_the_next_working_day(cal, tsk):
    assert cal.shift(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert tsk("calendar shift 2025-10-03 1").stdout == "2025-10-09\n"
    # the same 15 working days whether received on the eve or in the middle of the holiday
    assert cal.shift(D(2025, 10, 3), 15) == D(2025, 10, 28)


def test_received_on_a_makeup_saturday_counts_from_monday(cal, tsk):
    assert cal.shift(D(2025, 10, 11), 1) == D(2025, 10, 13)
    assert cal.shift(D(2024, 10, 12), 1) == D(2024, 10, 14)
    assert tsk("calendar shift 2026-02-28 1").stdout == "2026-03-02\n"


def test_received_on_a_makeup_sunday_does_not_count_that_sunday(cal):
    assert cal.shift(D(2025, 9, 28), 1) == D(2025, 9, 29)
    assert cal.shift(D(2025, 9, 28), 15) == D(2025, 10, 24)


def test_received_at_2359_china_time_counts_from_that_china_day(cal):
    cbrc = PRESETS["cbrc2012"]
    for text in ("2025-09-28 23:59", "2025-09-28T23:59:59+08:00", "2025-09-28T15:59:00Z"):
        start = china(text)
        assert start.date() == D(2025, 9, 28), text
        got = sla.deadlines(cbrc, cal, start, kind="complaint", severity="general", report_to_regulator=False)
        assert (got.ack_due, got.due) == (D(2025, 9, 29), D(2025, 10, 24)), text


def test_utc_time_already_next_day_in_china_counts_from_the_china_day(cal):
    start = china("2025-09-28T16:30:00Z")  # 2025-09-29 00:30 in Beijing
    assert start.date() == D(2025, 9, 29)
    assert start.utcoffset() == dt.timedelta(hours=8)
    got = sla.deadlines(PRESETS["cbrc2012"], cal, start, kind="complaint", severity="general",
                        report_to_regulator=True)
    assert got.ack_due == D(2025, 9, 30)
    assert got.due == D(2025, 10, 27)
    assert got.report_due == D(2025, 9, 30)


def test_received_on_31_december_shift_crosses_into_the_new_year(cal, tsk):
    # 2026-01-01/02 are off and Sunday 2026-01-04 is a make-up working day
    assert cal.shift(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert cal.shift(D(2025, 12, 31), 15) == D(2026, 1, 22)
    assert cal.shift(D(2024, 12, 31), 15) == D(2025, 1, 22)
    run = tsk("calendar shift 2024-12-31 15")
    assert (run.stdout, run.stderr) == ("2025-01-22\n", "")
    assert cal.between(D(2025, 12, 31), D(2026, 1, 5)) == 2


def test_negative_shift_counts_working_days_backwards(cal, tsk):
    assert cal.shift(D(2025, 10, 28), -15) == D(2025, 9, 30)
    assert cal.shift(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert cal.shift(D(2025, 10, 5), -1) == D(2025, 9, 30)  # from inside the holiday
    assert cal.shift(D(2025, 1, 2), -2) == D(2024, 12, 30)  # back over New Year
    run = tsk(["calendar", "shift", "2025-10-13", "--", "-2"])
    assert (run.exit_code, run.stdout) == (0, "2025-10-10\n")  # skips Sun 10-12, counts Sat 10-11


def test_zero_shift_rolls_a_day_off_forward(cal):
    assert cal.shift(D(2025, 10, 3), 0) == D(2025, 10, 9)
    assert cal.shift(D(2025, 10, 11), 0) == D(2025, 10, 11)


def test_between_with_end_before_start_is_negative(cal, tsk):
    assert cal.between(D(2025, 10, 28), D(2025, 9, 30)) == -15
    run = tsk("calendar between 2025-10-28 2025-09-30")
    assert (run.exit_code, run.stdout) == (0, "-15\n")


def test_between_spans_several_years(cal):
    # working days in the year (as chinese_calendar.get_workdays counts them): 2024 251, 2025 248
    assert cal.between(D(2024, 12, 31), D(2025, 12, 31)) == 248
    assert cal.between(D(2023, 12, 31), D(2024, 12, 31)) == 251
    assert cal.between(D(2023, 12, 31), D(2025, 12, 31)) == 251 + 248
    assert cal.between(D(2025, 12, 31), D(2023, 12, 31)) == -(251 + 248)


def test_calendar_day_period_ending_on_a_holiday_rolls_to_the_next_working_day(cal, tsk):
    period = Period.parse("15 calendar_days", what="test")
    assert period.due(cal, china("2025-09-16 10:00")) == D(2025, 10, 9)  # 10-01 is off
    assert period.due(cal, china("2025-09-26 10:00")) == D(2025, 10, 11)  # a make-up Saturday stays
    assert period.due(cal, china("2025-09-19 10:00")) == D(2025, 10, 9)  # 10-04 Saturday in the holiday
    run = tsk("calendar explain 2025-09-16 15 --unit calendar_days --format json")
    assert run.exit_code == 0
    rows = json.loads(run.stdout)
    assert rows[-1]["date"] == "2025-10-09"


def test_months_period_rolls_to_a_working_day(cal):
    three_months = Period.parse("3 months", what="test")
    assert three_months.due(cal, china("2025-07-01 09:00")) == D(2025, 10, 9)   # 10-01 -> 10-09
    assert three_months.due(cal, china("2025-11-30 09:00")) == D(2026, 2, 28)   # make-up Saturday
    assert three_months.due(cal, china("2025-11-15 09:00")) == D(2026, 2, 24)   # Spring Festival 2026
    assert three_months.due(cal, china("2025-11-30 09:00")) == three_months.due(cal, china("2025-11-30 23:59"))


# -- 4. unpublished years ---------------------------------------------------------------------

def test_published_years_are_the_years_whose_notice_the_package_transcribes():
    from holidays.countries.china import China

    published = package_calendar().published_years
    assert published == set(China(years=2026).special_public_holidays)
    assert set(range(2001, 2027)) <= published


def test_a_holidays_release_that_transcribes_2027_ends_its_warning(tsk, tmp_path, monkeypatch):
    from holidays.constants import OCT, SEP
    from holidays.countries.china import ChinaStaticHolidays

    from tsk import workdays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # as after an upgrade: no cache yet
    monkeypatch.setitem(ChinaStaticHolidays.special_public_holidays, 2027, ((OCT, 8, SEP, 26),))
    run = tsk("calendar shift 2026-12-25 5")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "2027-01-04\n", "")
    monkeypatch.setattr(workdays, "_read_package", lambda: pytest.fail("the cache was not used"))
    cal = build_calendar()
    assert 2027 in cal.published_years
    assert cal.is_workday(D(2027, 9, 26)) and not cal.is_workday(D(2027, 10, 8))  # Sunday worked, Friday off


def test_shift_into_an_unpublished_year_warns_naming_the_year_and_still_answers(tsk):
    run = tsk("calendar shift 2026-12-25 5")
    assert run.exit_code == 0
    assert run.stdout == "2027-01-04\n"  # statutory rules only: 2027-01-01 off, then the weekend
    assert "2027" in run.stderr and "Warning" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_shift_inside_2026_prints_no_warning(tsk):
    run = tsk("calendar shift 2026-12-24 5")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "2026-12-31\n", "")


def test_library_reports_the_first_unpublished_year_once_a_command():
    """One warning a command (an officer's December add meets 2027 and, through the cap, maybe 2028)."""
    seen = []
    cal = build_calendar(on_unpublished=seen.append)
    assert cal.shift(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.is_workday(D(2027, 1, 1)) is False  # New Year's Day is statutory
    cal.between(D(2026, 1, 1), D(2028, 1, 3))
    assert seen == [2027]
    assert cal.unpublished_touched == {2027, 2028}
    seen.clear()
    cal2 = build_calendar(extra_published=[2027], on_unpublished=seen.append)
    cal2.shift(D(2026, 12, 31), 1)
    assert seen == []


def test_publish_2027_stops_the_warning(tsk):
    assert "2027" in tsk("calendar shift 2026-12-25 5").stderr
    run = tsk("calendar publish 2027 --note 国办发明电〔2026〕")
    assert run.exit_code == 0
    run = tsk("calendar shift 2026-12-25 5")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "2027-01-04\n", "")


def test_publish_a_year_the_package_knows_is_refused(tsk):
    run = tsk("calendar publish 2025")
    assert run.exit_code == 1
    assert "2025" in one_error_line(run)


# -- 5. local corrections ---------------------------------------------------------------------

def test_local_holiday_correction_moves_shift_results():
    base = build_calendar()
    fixed = build_calendar([SpecialDay(D(2025, 10, 9), False, "本地假日", "local")])
    assert base.shift(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert fixed.shift(D(2025, 9, 30), 1) == D(2025, 10, 10)
    assert fixed.shift(D(2025, 9, 30), 15) == D(2025, 10, 29)
    assert fixed.between(D(2025, 9, 30), D(2025, 10, 28)) == 14
    assert fixed.why(D(2025, 10, 9)) == "本地假日（本地更正）"


def test_local_workday_correction_makes_a_sunday_count():
    fixed = build_calendar([SpecialDay(D(2025, 10, 12), True, "本地调休上班", "local")])
    assert fixed.is_workday(D(2025, 10, 12)) is True
    assert fixed.shift(D(2025, 10, 11), 1) == D(2025, 10, 12)
    assert fixed.shift(D(2025, 9, 30), 15) == D(2025, 10, 27)


def test_local_correction_overrides_the_package_and_is_listed_as_local():
    fixed = build_calendar([SpecialDay(D(2025, 10, 11), False, "取消调休", "local")])
    assert fixed.is_workday(D(2025, 10, 11)) is False
    entries = {e.day: e for e in fixed.year_special_days(2025)}
    assert entries[D(2025, 10, 11)].source == "local"
    assert entries[D(2025, 10, 1)].source == "package"


def test_unpublished_year_entered_as_local_corrections():
    """How an officer enters a new year: its days as corrections, then the year as published."""
    seen = []
    days = [SpecialDay(D(2027, 1, 1), False, "元旦", "local"), SpecialDay(D(2027, 1, 4), False, "元旦", "local")]
    cal = build_calendar(days, extra_published=[2027], on_unpublished=seen.append)
    assert cal.shift(D(2026, 12, 31), 1) == D(2027, 1, 5)
    assert seen == []


def test_calendar_set_holiday_moves_shift_results(tsk):
    assert tsk("calendar shift 2025-09-30 1").stdout == "2025-10-09\n"
    run = tsk("calendar set 2025-10-09 --holiday --note 台风停业")
    assert run.exit_code == 0, run.stderr
    assert "2025-10-09" in run.stdout
    assert tsk("calendar shift 2025-09-30 1").stdout == "2025-10-10\n"
    assert tsk("calendar shift 2025-09-30 15").stdout == "2025-10-29\n"
    assert tsk("calendar is-workday 2025-10-09").stdout == "no\n"


def test_calendar_set_workday_on_a_sunday_makes_it_count(tsk):
    assert tsk("calendar shift 2025-10-11 1").stdout == "2025-10-13\n"
    run = tsk("calendar set 2025-10-12 --workday --note 年终决算")
    assert run.exit_code == 0, run.stderr
    assert tsk("calendar is-workday 2025-10-12").stdout == "yes\n"
    assert tsk("calendar shift 2025-10-11 1").stdout == "2025-10-12\n"
    assert tsk("calendar between 2025-10-11 2025-10-13").stdout == "2\n"


def test_calendar_unset_restores_the_published_day(tsk):
    assert tsk("calendar set 2025-10-09 --holiday --note 台风停业").exit_code == 0
    assert tsk("calendar shift 2025-09-30 1").stdout == "2025-10-10\n"
    run = tsk("calendar unset 2025-10-09")
    assert run.exit_code == 0, run.stderr
    assert tsk("calendar shift 2025-09-30 1").stdout == "2025-10-09\n"
    assert tsk("calendar is-workday 2025-10-09").stdout == "yes\n"


def test_calendar_show_lists_a_correction_with_source_local(tsk):
    assert tsk("calendar set 2025-10-09 --holiday --note 台风停业").exit_code == 0
    rows = {r["date"]: r for r in json.loads(tsk("calendar show 2025 --format json").stdout)}
    assert rows["2025-10-09"] == {"date": "2025-10-09", "weekday": "周四", "workday": False,
                                  "name": "台风停业", "source": "local"}
    assert rows["2025-10-01"]["source"] == "package"
    table = tsk("calendar show 2025").stdout
    assert "台风停业" in table and "本地更正" in table


def test_calendar_set_overriding_a_makeup_day_and_note_default(tsk):
    assert tsk("calendar set 2025-10-11 --holiday").exit_code == 0
    rows = {r["date"]: r for r in json.loads(tsk("calendar show 2025 --format json").stdout)}
    assert rows["2025-10-11"]["workday"] is False and rows["2025-10-11"]["source"] == "local"
    assert rows["2025-10-11"]["name"] == "本地假日"
    assert tsk("calendar shift 2025-09-30 15").stdout == "2025-10-29\n"


# -- 6. cross-check ---------------------------------------------------------------------------

# Days on which the `holidays` package is known to be wrong against the State Council's
# notice (none found for 2012-2026 with holidays 0.109 and chinese_calendar 1.11.0). Add
# (date, reason) here, never silence the cross-check.
KNOWN_PACKAGE_ERRATA: dict[dt.date, str] = {}


def test_every_day_2012_to_2026_agrees_with_chinese_calendar(cal):
    chinese_calendar = pytest.importorskip("chinese_calendar")
    disagreements = []
    day = D(2012, 1, 1)
    while day <= D(2026, 12, 31):
        if day not in KNOWN_PACKAGE_ERRATA and cal.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(f"{day}: tsk {cal.is_workday(day)} ({cal.why(day)}), chinese_calendar "
                                 f"{chinese_calendar.is_workday(day)}")
        day += dt.timedelta(days=1)
    assert disagreements == []


# -- 7. explain -------------------------------------------------------------------------------

def test_explain_skips_the_2025_holiday_by_name_and_counts_the_makeup_saturday(tsk):
    run = tsk("calendar explain 2025-09-30 15 --format json")
    assert run.exit_code == 0
    rows = json.loads(run.stdout)
    by_date = {r["date"]: r for r in rows}
    assert rows[0]["date"] == "2025-10-01"  # the day of receipt is not listed
    for day in range(1, 9):
        assert by_date[f"2025-10-{day:02d}"]["counted"] is None
    assert [by_date[f"2025-10-0{d}"]["why"] for d in (1, 2, 3)] == ["国庆节"] * 3
    assert by_date["2025-10-06"]["why"] == "中秋节"
    assert "调休" in by_date["2025-10-07"]["why"] and "调休" in by_date["2025-10-08"]["why"]
    # 10-04/05 fall on the weekend inside the holiday: not counted either way
    assert by_date["2025-10-04"]["why"] == "周六（国庆节假期）" and by_date["2025-10-05"]["why"] == "周日（国庆节假期）"
    assert by_date["2025-10-09"] == {"date": "2025-10-09", "weekday": "周四", "counted": 1, "why": "工作日"}
    assert by_date["2025-10-11"] == {"date": "2025-10-11", "weekday": "周六", "counted": 3, "why": "调休上班"}
    assert by_date["2025-10-12"]["counted"] is None
    assert rows[-1] == {"date": "2025-10-28", "weekday": "周二", "counted": 15, "why": "工作日"}
    assert [r["counted"] for r in rows if r["counted"] is not None] == list(range(1, 16))


# -- 8. show ----------------------------------------------------------------------------------

def test_show_2026_lists_spring_festival_and_its_makeup_saturdays(tsk):
    run = tsk("calendar show 2026 --format json")
    assert run.exit_code == 0
    rows = {r["date"]: r for r in json.loads(run.stdout)}
    assert rows["2026-02-14"]["workday"] is True and rows["2026-02-14"]["weekday"] == "周六"
    assert rows["2026-02-28"]["workday"] is True and rows["2026-02-28"]["weekday"] == "周六"
    assert rows["2026-02-17"]["workday"] is False and rows["2026-02-17"]["name"] == "春节"
    assert rows["2026-02-23"]["workday"] is False
    assert {r["source"] for r in rows.values()} == {"package"}
    assert "2026-02-21" not in rows  # an ordinary weekend day inside the holiday is not special
    assert all(date.startswith("2026-") for date in rows)


def test_show_an_unpublished_year_says_so(tsk):
    run = tsk("calendar show 2027")
    assert run.exit_code == 0
    assert "2027" in run.stderr
    assert "未知官方放假安排" in run.stdout
    rows = {r["date"]: r for r in json.loads(tsk("calendar show 2027 --format json").stdout)}
    assert rows["2027-01-01"]["name"] == "元旦" and rows["2027-01-01"]["workday"] is False


# -- 9. bad input -----------------------------------------------------------------------------

def test_impossible_date_is_bad_usage_with_one_error_line(tsk):
    run = tsk("calendar shift 2025-02-30 3")
    assert run.exit_code == 2
    assert "2025-02-30" in one_error_line(run)
    assert run.stdout == ""


def test_unreadable_date_is_bad_usage(tsk):
    run = tsk("calendar between 30/09/2025 2025-10-28")
    assert run.exit_code == 2
    one_error_line(run)


def test_non_integer_count_is_bad_usage(tsk):
    run = tsk("calendar shift 2025-09-30 fifteen")
    assert run.exit_code == 2
    one_error_line(run)


def test_calendar_set_without_workday_or_holiday_is_bad_usage(tsk):
    run = tsk("calendar set 2025-10-09")
    assert run.exit_code == 2
    one_error_line(run)
    assert tsk("calendar is-workday 2025-10-09").stdout == "yes\n"


def test_calendar_set_with_both_workday_and_holiday_is_bad_usage(tsk):
    run = tsk("calendar set 2025-10-09 --workday --holiday")
    assert run.exit_code == 2
    one_error_line(run)


def test_explain_with_unknown_unit_is_bad_usage(tsk):
    run = tsk("calendar explain 2025-09-30 15 --unit fortnights")
    assert run.exit_code == 2
    one_error_line(run)


def test_the_package_cache_round_trips_and_a_cut_short_or_older_file_is_rebuilt(tmp_path, monkeypatch):
    from tsk import workdays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = workdays.package_calendar()  # no cache yet: read from `holidays`, then written
    (cache,) = (tmp_path / "tsk").glob("cn-holidays-*.tsv")
    text = cache.read_text(encoding="utf-8")
    assert text.startswith("published\t2001,2002,") and ",2025,2026" in text.split("\n")[0]
    assert "2025-10-01\t0\t" in text and "2026-02-14\t1\t调休上班\n" in text
    body, end = text.rsplit("\n", 1)
    assert end == f"end\t{zlib.crc32(body.encode()):08x}"

    read_from_package = []
    real = workdays._read_package
    monkeypatch.setattr(workdays, "_read_package", lambda: read_from_package.append(1) or real())
    assert workdays.package_calendar() == fresh and read_from_package == []  # from the cache alone

    cache.write_text(text[: len(text) // 2], encoding="utf-8")  # a copy cut short: never trusted
    assert workdays.package_calendar() == fresh and read_from_package == [1]
    assert cache.read_text(encoding="utf-8") == text

    cache.write_text(text.split("\n", 1)[1], encoding="utf-8")  # no published years: never trusted
    assert workdays.package_calendar() == fresh and read_from_package == [1, 1]
    assert cache.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("edit", [
    lambda text: text.replace("2025-10-08\t0\t", "2025-10-18\t0\t"),  # a holiday moved by hand
    lambda text: "\n".join(line for line in text.split("\n") if not line.startswith("2025-10-0")),  # days dropped
    lambda text: text.replace("2025-09-28\t1\t", "2025-09-28\t0\t"),  # a make-up day made a holiday
], ids=["moved", "dropped", "flipped"])
def test_an_edited_holiday_cache_never_moves_a_deadline(tsk, tmp_path, monkeypatch, edit):
    """The cache in ~/.cache is checked against its CRC on every read and rebuilt when edited."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tsk("calendar shift 2025-09-30 15").stdout == "2025-10-28\n"  # writes the cache
    (cache,) = (tmp_path / "tsk").glob("cn-holidays-*.tsv")
    text = cache.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    cache.write_text(edited, encoding="utf-8")
    assert tsk("calendar shift 2025-09-30 15").stdout == "2025-10-28\n"
    assert tsk("calendar is-workday 2025-09-28").stdout == "yes\n"
    assert cache.read_text(encoding="utf-8") == text  # rebuilt


# -- dates as officers write them ------------------------------------------------------------------
@pytest.mark.parametrize("text, moment", [
    ("2026/11/3", "2026-11-03T00:00:00+08:00"), ("2026-11-3", "2026-11-03T00:00:00+08:00"),
    ("2026.11.3", "2026-11-03T00:00:00+08:00"), ("2026年11月3日", "2026-11-03T00:00:00+08:00"),
    ("2026/11/3 9:40", "2026-11-03T09:40:00+08:00"), ("2026-11-3 9:40", "2026-11-03T09:40:00+08:00"),
    ("2026年11月3日 14时05分", "2026-11-03T14:05:00+08:00"), ("2026年10月1日9点", "2026-10-01T09:00:00+08:00"),
    ("2026-11-23 14:05", "2026-11-23T14:05:00+08:00"), ("2026-11-23T06:05:00Z", "2026-11-23T14:05:00+08:00"),
])
def test_dates_as_officers_write_them(text, moment):
    assert timeutil.to_text(timeutil.parse_datetime(text)) == moment
    assert timeutil.parse_date(text).isoformat() == moment[:10]


def test_a_month_and_day_is_this_year():
    assert timeutil.parse_date("11月3日") == dt.date(timeutil.today().year, 11, 3)


@pytest.mark.parametrize("text, says", [
    ("11/3", "is not a date or time"),  # month or day first? refused
    ("2026年11/3", "is not a date or time"), ("2026/2/30", "is not a real date"),
    ("2026年11月3日 25时", "is not a real date"), ("1899/12/31", "out of range"),
])
def test_what_is_not_a_date_is_refused_in_one_line(text, says):
    with pytest.raises(InvalidInput, match=says):
        timeutil.parse_datetime(text)


def test_the_cli_takes_an_officers_date(tsk):
    """National Day 2026: three working days after Wednesday 30 September is the make-up
    Saturday, 10 October."""
    assert tsk(["calendar", "shift", "2026年9月30日", "3"]).stdout == "2026-10-10\n"
    run = tsk(["add", "--customer", "张三", "--channel", "电话", "--category", "服务类", "--business-type", "银行卡",
               "--cause", "other", "--unit", "城关支行", "--summary", "排队", "--received", "2026/9/30 16:40",
               "--format", "json"])
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["received_at"] == "2026-09-30T16:40:00+08:00"
