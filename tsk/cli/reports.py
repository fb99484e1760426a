"""`tsk report …`: the half-year and whole-year reports to the regulator, period statistics, the
monthly trend.

Thin commands over `tsk.reports`; the heavy modules are imported inside the commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, Optional

import typer

from tsk import messages as msg
from tsk import timeutil
from tsk.cli.common import DATE_FORMS, YearArgument, ledger_of, one_of
from tsk.cli.files import OutputOption, output, refuse_workbook_on_terminal, to_stdout
from tsk.errors import InvalidInput
from tsk.vocab import BY

app = typer.Typer(no_args_is_help=True, help="Statistics and reports (投诉统计分析).")

LangOption = Annotated[Literal["zh", "en"], typer.Option("--lang", help="Headings in Chinese (zh) or English (en).")]
AsOfOption = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="DATE", help=f"Count overdue complaints as of this date or time: {DATE_FORMS}; a date alone "
                                    "means its end (today: so far), a time its minute.")]
XLSX = "xlsx for Excel and WPS (a workbook: give -o FILE, or redirect it; never to a terminal)"
StatsFormat = Annotated[Literal["table", "csv", "json", "xlsx"], typer.Option(
    "--format", "-f", help=f"table for people; csv (a header row) or json for scripts; {XLSX}.")]


@contextmanager
def _written(fmt: str, path: str | None) -> Iterator[Any]:
    """Where the report goes: a file given with -o (text, or the bytes of a workbook), or
    standard output (None for text: printed as every command prints; a workbook is refused
    on a terminal)."""
    if fmt == "xlsx":
        refuse_workbook_on_terminal(path)
    elif to_stdout(path):
        yield None
        return
    with output(path, binary=fmt == "xlsx") as out:
        yield out


ReportFormatOption = Annotated[Literal["table", "csv", "json", "md", "xlsx"], typer.Option(
    "--format", "-f", help=f"table for people, md for a document; csv or json for scripts; {XLSX}.")]


@app.command("half-year")
def half_year(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="2026H1 (Jan–Jun) or 2026H2 (Jul–Dec).")],
    fmt: ReportFormatOption = "table",
    lang: LangOption = "zh",
    as_of: AsOfOption = None,
    output_path: OutputOption = None,
) -> None:
    """The half-year complaint statistics for the regulator (银监发〔2012〕13号 第十六条, 粤农信联发〔2008〕250号 第二十三条).

    Counts the complaints received in the half-year; overdue ones as of --as-of (default today).
    """
    from tsk import reports

    _period_report(ctx, reports.half_year(period), fmt, lang, as_of, output_path)


@app.command("year")
def year(
    ctx: typer.Context,
    year: YearArgument,
    fmt: ReportFormatOption = "table",
    lang: LangOption = "zh",
    as_of: AsOfOption = None,
    output_path: OutputOption = None,
) -> None:
    """The whole year's complaint statistics, due by 15 December in Guangdong (粤农信联发〔2008〕250号 第二十三条).

    Counts the complaints received in the calendar year; overdue ones as of --as-of (default today).
    """
    from tsk import reports

    _period_report(ctx, reports.calendar_year(year), fmt, lang, as_of, output_path)


def _period_report(ctx: typer.Context, period: Any, fmt: str, lang: str, as_of: str | None, path: str | None) -> None:
    """The half-year or year report, in the format asked for, where asked."""
    from tsk.render import reports as shown

    when = timeutil.parse_as_of(as_of) if as_of else None
    with _written(fmt, path) as out:
        if fmt == "xlsx":
            from tsk.render import report_workbooks

            report_workbooks.half_year_book(ledger_of(ctx), period, lang, when, out)
        else:
            shown.emit_report(ledger_of(ctx), period, fmt, lang, when, out)


@app.command("stats")
def stats(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option(
        metavar="DATE", help=f"Received on or after this date (default 1 January): {DATE_FORMS}.")] = None,
    until: Annotated[Optional[str], typer.Option(metavar="DATE", help="Received on or before this date (default today).")] = None,
    by: Annotated[str, typer.Option(metavar="DIMENSION", help=one_of(BY, "Group by"))] = "unit",
    fmt: StatsFormat = "table",
    lang: LangOption = "zh",
    as_of: AsOfOption = None,
    output_path: OutputOption = None,
) -> None:
    """Counts and timeliness per group for any range (performance assessment, 银监发〔2012〕13号 第十二条).

    Overdue = still open at --as-of (default --until, or today if earlier) and past its due date.
    """
    from tsk import reports
    from tsk.render import reports as shown

    period = reports.date_range(since, until)
    when = timeutil.parse_as_of(as_of) if as_of else None
    dim = reports.dimension(by)
    with _written(fmt, output_path) as out:
        if fmt == "xlsx":
            from tsk.render import report_workbooks

            report_workbooks.stats_book(ledger_of(ctx), period, dim, lang, when, out)
        else:
            shown.emit_stats(ledger_of(ctx), period, dim, fmt, lang, when, out)


@app.command("trend")
def trend(
    ctx: typer.Context,
    months: Annotated[int, typer.Option(metavar="N", help="How many months, ending with the current one.")] = 12,
    by: Annotated[Optional[str], typer.Option(metavar="DIMENSION", help=one_of(BY, "Stack the bars by", also=" (not month)"))] = None,
    until: Annotated[Optional[str], typer.Option(metavar="DATE", help="The last month shown (a date in it; default today).")] = None,
    fmt: Annotated[Literal["table", "csv", "json", "xlsx"], typer.Option(
        "--format", "-f", help=f"table (a chart) for people; csv or json for scripts; {XLSX}, with its chart.")] = "table",
    lang: LangOption = "zh",
    output_path: OutputOption = None,
) -> None:
    """Complaints received per month, as a bar chart in the terminal."""
    from tsk import reports
    from tsk.render import reports as shown

    dim = reports.dimension(by) if by else None
    if dim is not None and dim.option == "month":
        raise InvalidInput(msg.TREND_BY_MONTH)
    last = timeutil.parse_date(until, what="--until") if until else None
    with _written(fmt, output_path) as out:
        if fmt == "xlsx":
            from tsk.render import report_workbooks

            report_workbooks.trend_book(ledger_of(ctx), months, dim, lang, last, out)
        else:
            shown.emit_trend(ledger_of(ctx), months, dim, fmt, lang, last, out)

