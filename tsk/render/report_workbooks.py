"""The reports as Excel workbooks (`tsk report … --format xlsx`): the same rows, headings and
titles as the terminal tables and the CSV (`tsk.render.reports`), laid out as sheets by
`tsk.render.workbook`, with figures as numbers and percentages, months as dates. A report's
title, period and notes go on a sheet of their own (报告 / report), so that every table starts
with its headings in row 1."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from tsk.context import Ledger
from tsk.render import workbook
from tsk.render.output import Column
from tsk.render.reports import (
    Section,
    half_year_csv,
    half_year_sections,
    stats_columns,
    stats_for_people,
    trend_title,
)
from tsk.reports import Dimension, Period, gc_paused, half_year_report, stats, trend
from tsk.timeutil import AsOf

NOTES = {"zh": "报告", "en": "report"}  # the sheet of a report's title and notes
DATA = {"zh": "数据", "en": "data"}  # the half-year's every figure, one a row (its CSV)
_SHOWN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SHOWN_PERCENT = re.compile(r"-?\d+(?:\.\d+)?%")


def figure(value: Any) -> Any:
    """A figure a table shows as text (`12.5%`, `3.5`) as the number it is; other text as it is."""
    if value.__class__ is not str:
        return value
    if _SHOWN_PERCENT.fullmatch(value):
        return workbook.Percent(round(float(value[:-1]) / 100, 6))
    if _SHOWN_NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def table_sheet(name: str, rows: Sequence[dict[str, Any]], columns: Sequence[Column], taken: set[str]) -> workbook.Sheet:
    """A table of a report as a sheet: right-aligned columns (the figures) as numbers."""
    figures = [c.key for c in columns if c.justify == "right"]
    shown = [{**row, **{key: figure(row.get(key)) for key in figures}} for row in rows]
    return workbook.Sheet(workbook.sheet_name(name, taken), [workbook.Col(c.key, c.header) for c in columns], shown)


def document(title: str, preamble: Sequence[str], sections: Sequence[Section], lang: str, out: IO[bytes],
             data: Iterable[dict[str, Any]] | None = None, data_columns: Sequence[workbook.Col] = ()) -> None:
    """A report made of sections (the half-year's): a first sheet with the title, the preamble
    and each section's heading and text; a sheet for each section's table, named by its
    heading; and, when given, the data sheet of every figure."""
    taken = {NOTES[lang], DATA[lang]}
    lines = [*preamble]
    sheets = []
    for section in sections:
        lines += ["", section.heading, *section.text]
        if section.rows:
            sheets.append(table_sheet(section.heading, section.rows, section.columns, taken))
    first = workbook.lines_sheet(NOTES[lang], title, lines)
    if data is not None:
        sheets.append(workbook.Sheet(DATA[lang], data_columns, data))
    workbook.save([first, *sheets], out, title=title)


def half_year_book(ledger: Ledger, period: Period, lang: str, as_of: AsOf | dt.date | None, out: IO[bytes]) -> None:
    """`tsk report half-year --format xlsx`: the document's tables, and its every figure (the CSV's rows)."""
    workbook.need_openpyxl()
    with gc_paused():
        doc = half_year_report(ledger, period, as_of)
        title, preamble, sections = half_year_sections(doc, period, lang, ledger.settings)
        zh = lang == "zh"
        columns = [workbook.Col("section", "部分" if zh else "section"), workbook.Col("key", "键" if zh else "key"),
                   workbook.Col("label", "项目" if zh else "label"), workbook.Col("value", "数值" if zh else "value")]
        document(title, preamble, sections, lang, out, data=half_year_csv(doc, lang), data_columns=columns)


def stats_book(ledger: Ledger, period: Period, dim: Dimension, lang: str, as_of: AsOf | dt.date | None,
               out: IO[bytes]) -> None:
    """`tsk report stats --format xlsx`: the table people read (labels, a 合计 row), its rate a percentage."""
    workbook.need_openpyxl()
    shown, title, caption = stats_for_people(ledger, period, dim, lang, as_of, stats(ledger, period, dim, as_of))
    rows = [{**r, "on_time_rate": None if r["on_time_rate"] is None else workbook.Percent(r["on_time_rate"])}
            for r in shown]
    taken = {NOTES[lang]}
    sheet = table_sheet("投诉统计" if lang == "zh" else "stats", rows, stats_columns(dim, lang, table=True), taken)
    workbook.save([sheet, workbook.lines_sheet(NOTES[lang], title, [caption])], out, title=title)


def trend_book(ledger: Ledger, months: int, dim: Dimension | None, lang: str, last: dt.date | None,
               out: IO[bytes]) -> None:
    """`tsk report trend --format xlsx`: a row per month (a column per value of `dim`, then the
    total) and a column chart of it, stacked by `dim`."""
    workbook.need_openpyxl()
    data = trend(ledger, months, dim, last)
    zh = lang == "zh"
    month = workbook.Col("month", "月份" if zh else "month", workbook.MONTH)
    total = workbook.Col("total", "合计" if zh else "total", workbook.NUMBER)
    if dim is None:
        columns = [month, workbook.Col("total", "件数" if zh else "count", workbook.NUMBER)]
    else:
        columns = [month, *(workbook.Col(f"k{i}", dim.label(key, lang), workbook.NUMBER)
                            for i, key in enumerate(data.keys)), total]
    rows = [{"month": m, "total": data.total(m), **{f"k{i}": data.counts[m][key] for i, key in enumerate(data.keys)}}
            for m in data.months]
    title = trend_title(months, dim, lang)
    chart = _chart(title, len(columns) - (0 if dim is None else 1), len(rows), stacked=dim is not None)
    workbook.save([workbook.Sheet("趋势" if zh else "trend", columns, rows, chart=chart)], out, title=title)


def _chart(title: str, last_column: int, count: int, *, stacked: bool) -> Any:
    """A column chart of columns 2 to `last_column` over the months of column 1 (a function of
    the sheet it is put on)."""
    from openpyxl.chart import BarChart, Reference

    def made(ws: Any) -> Any:
        chart = BarChart()
        chart.type = "col"
        chart.title = title
        chart.height, chart.width = 9, 18
        if stacked:
            chart.grouping, chart.overlap = "stacked", 100
        else:
            chart.legend = None
        chart.add_data(Reference(ws, min_col=2, max_col=last_column, min_row=1, max_row=count + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=count + 1))
        return chart

    return made
