"""`tsk calendar …`: working days of the mainland-China calendar and the ledger's corrections."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tsk import messages as msg
from tsk import timeutil
from tsk.cli.common import DATE_FORMS, FormatOption, YearArgument, calendar_of, ledger_of, say
from tsk.errors import InvalidInput
from tsk.render import output

app = typer.Typer(no_args_is_help=True, help="Working days of the mainland-China calendar.")

DateArgument = Annotated[str, typer.Argument(metavar="DATE", help=f"{DATE_FORMS}.")]
DatesArgument = Annotated[list[str], typer.Argument(metavar="DATE...", help="One or more dates, like 2026-11-23.")]


@app.command("shift")
def calendar_shift(ctx: typer.Context, date: DateArgument,
                   n: Annotated[int, typer.Argument(metavar="N", help="Working days (negative: before).",
                                                    min=-timeutil.LONGEST_PERIOD, max=timeutil.LONGEST_PERIOD)]) -> None:
    """Print the date N working days after DATE (DATE itself not counted)."""
    print(calendar_of(ctx).shift(timeutil.parse_date(date), n).isoformat())


@app.command("between")
def calendar_between(ctx: typer.Context, start: Annotated[str, typer.Argument(metavar="START", help="A date.")],
                     end: Annotated[str, typer.Argument(metavar="END", help="A date.")]) -> None:
    """Print the number of working days after START up to and including END."""
    print(calendar_of(ctx).between(timeutil.parse_date(start), timeutil.parse_date(end)))


@app.command("is-workday")
def calendar_is_workday(ctx: typer.Context, date: DateArgument) -> None:
    """Print yes or no."""
    print("yes" if calendar_of(ctx).is_workday(timeutil.parse_date(date)) else "no")


@app.command("explain")
def calendar_explain(
    ctx: typer.Context,
    date: DateArgument,
    n: Annotated[int, typer.Argument(metavar="N", help="How many units.")],
    unit: Annotated[str, typer.Option(metavar="UNIT", help="working_days, calendar_days, months or hours.")] = "working_days",
    fmt: FormatOption = "table",
) -> None:
    """Show day by day how a period of N units after DATE is counted, and why days are skipped
    (hours: from DATE's time, e.g. '2026-09-30 10:00'; a date alone is 00:00)."""
    from tsk import sla

    calendar = calendar_of(ctx)
    moment = timeutil.parse_datetime(date, what=msg.WORD_DATE)
    start = moment.date()
    period = sla.Period.parse(f"{n} {unit}", what=msg.WORD_PERIOD)
    due = period.due(calendar, moment)
    rows = [
        {"date": day.isoformat(), "weekday": "周" + "一二三四五六日"[day.weekday()], "counted": number, "why": why}
        for day, number, why in sla.explain(calendar, start, due)
    ]
    columns = [output.Column("date", "日期"), output.Column("weekday", "星期"),
               output.Column("counted", "第几个工作日", justify="right"), output.Column("why", "说明")]
    since = moment.strftime("%Y-%m-%d %H:%M") if period.unit == "hours" else start.isoformat()
    output.emit(rows, columns, fmt, title=f"{since} 起 {period.zh()}（受理当日不计）",
                caption=msg.EXPLAIN_DUE(due=timeutil.due_shown(timeutil.due_text(due))).shown())


@app.command("set")
def calendar_set(
    ctx: typer.Context,
    dates: DatesArgument,
    workday: Annotated[bool, typer.Option("--workday", help="Make them working days (调休上班).")] = False,
    holiday: Annotated[bool, typer.Option("--holiday", help="Make them days off (假日).")] = False,
    note: Annotated[Optional[str], typer.Option(metavar="TEXT", help="Why: e.g. the notice that set it.")] = None,
) -> None:
    """Record local corrections to the calendar; open complaints' deadlines follow them."""
    from tsk import admin

    if workday == holiday:
        raise InvalidInput(msg.WORKDAY_OR_HOLIDAY)
    days = sorted({timeutil.parse_date(d) for d in dates})
    moved = admin.set_calendar_days(ledger_of(ctx), days, workday=workday, note=note)
    for day in days:
        say((msg.NOW_A_WORKDAY if workday else msg.NOW_A_DAY_OFF)(day=day.isoformat()))
    say(msg.DEADLINES_MOVED(count=moved))


@app.command("unset")
def calendar_unset(ctx: typer.Context, dates: DatesArgument) -> None:
    """Remove local corrections: the days follow the published calendar again."""
    from tsk import admin

    days = sorted({timeutil.parse_date(d) for d in dates})
    moved = admin.set_calendar_days(ledger_of(ctx), days, workday=None, note=None)
    for day in days:
        say(msg.FOLLOWS_PUBLISHED(day=day.isoformat()))
    say(msg.DEADLINES_MOVED(count=moved))


@app.command("publish")
def calendar_publish(ctx: typer.Context, year: YearArgument,
                     note: Annotated[Optional[str], typer.Option(metavar="TEXT", help="The notice, e.g. 国办发明电〔2026〕…")] = None) -> None:
    """Mark YEAR's official schedule as entered locally (stops the unpublished-year warning)."""
    from tsk import admin

    admin.mark_published(ledger_of(ctx), year, note)
    say(msg.PUBLISHED(year=year))


@app.command("show")
def calendar_show(ctx: typer.Context, year: YearArgument, fmt: FormatOption = "table") -> None:
    """The year's holidays and make-up working days, with their names."""
    calendar = calendar_of(ctx)
    rows = [
        {"date": e.day.isoformat(), "weekday": "周" + "一二三四五六日"[e.day.weekday()],
         "workday": e.workday, "name": e.name, "source": e.source}
        for e in calendar.year_special_days(year)
    ]
    columns = [output.Column("date", "日期"), output.Column("weekday", "星期"),
               output.Column("workday", "上班/休息", show=lambda v: "上班" if v else "休息"),
               output.Column("name", "名称"), output.Column("source", "来源", show=lambda v: "本地更正" if v == "local" else "holidays")]
    published = year in calendar.published_years
    output.emit(rows, columns, fmt, title=f"{year} 年节假日与调休",
                caption=None if published else msg.SCHEDULE_UNKNOWN(year=year).shown(),
                row_style=lambda r: "green" if r["workday"] else None)


