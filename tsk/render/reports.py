"""How the reports of `tsk.reports` are shown: the half-year report as a document for people
(a terminal table or Markdown) or as CSV and JSON for scripts, the period statistics, and the
monthly trend chart. The numbers all come from `tsk.reports`; nothing here counts."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from tsk.context import Ledger
from tsk.periods import filings
from tsk.render import output
from tsk.reports import (
    DIMENSIONS,
    HALF_YEAR_BY,
    TOTAL_KEYS,
    Causes,
    Dimension,
    Period,
    gc_paused,
    half_year_report,
    stats,
    stats_as_of,
    stats_total,
    trend,
)
from tsk.timeutil import AsOf
from tsk.vocab import CATEGORY, CLOCK

# The languages of the texts below, in the order of each pair; `--lang` offers exactly these
# (tests/test_cli.py holds the option to them).
LANGS = ("zh", "en")

# -- the half-year report: one document for people (table or Markdown), or CSV/JSON for scripts ---
# Every text in both languages side by side, (Chinese, English); TEXT[lang] picks one.
WORDS: dict[str, Any] = {
    "title": ("{year}年{half}客户投诉统计分析报告", "Complaint statistics, {year} {half}"),
    "H1": ("上半年", "first half"),
    "H2": ("下半年", "second half"),
    "year": ("度", "(whole year)"),
    "period": ("报告期间：{start} 至 {end}（北京时间，按受理时间归属）",
               "Period: {start} to {end} (China time, by date received)"),
    "as_of": ("统计截至：{as_of}", "As of: {as_of}"),
    # One line per report owed (tsk.periods.FILINGS): to whom, copied to whom, by when, why.
    "due": ("报送期限：", "Due: "),
    "filing": ("{due} 前报送{to}{cc}（{source}）", "by {due} to {to}{cc} ({source})"),
    "cc": ("，抄报{names}", ", copied to {names}"),
    "and": ("、", " and "),
    "sep": ("；", "; "),
    "s1": ("一、总体情况", "1. Overview"),
    "s2": ("二、分类统计", "2. Breakdowns"),
    "s3": ("三、处理时效", "3. Time to resolve"),
    "s4": ("四、热点问题", "4. Hot spots"),
    "s5": ("五、主要问题、原因分析及整改措施", "5. Main problems, causes and rectifications"),
    "s6": ("六、补偿情况", "6. Compensation"),
    "s7": ("七、补录与逾期后延期", "7. Late entries and late extensions"),
    "s8": ("八、统计口径说明", "8. Definitions"),
    "item": ("项目", "item"),
    "count": ("件数", "count"),
    "share": ("占比", "share"),
    "total": ("合计", "total"),
    "value": ("数值", "value"),
    "received": ("收到投诉", "received"),
    "accepted": ("受理", "accepted"),
    "rejected": ("不予受理", "rejected"),
    "withdrawn": ("客户撤回", "withdrawn"),
    "resolved": ("办结", "resolved"),
    "resolved_on_time": ("按时办结", "resolved on time"),
    "open": ("处理中（当前）", "open (now)"),
    "overdue_open": ("逾期未结", "overdue, unresolved"),
    "extended": ("延期处理", "extended"),
    "group": ("群体性投诉", "group complaints"),
    "referred": ("监管转办", "referred by a regulator"),
    "lapsed": ("曾逾期", "lapsed (a handling clock ran past due)"),
    "merged": ("合并处理的重复投诉（不另计）", "repeats merged into the first (not counted again)"),
    "late_entries": ("补录（受理超过24小时后登记）", "late entries (recorded 24h+ after receipt)"),
    "late_extensions": ("逾期后登记的延期", "extensions recorded after their deadline"),
    "no_late": ("本期无补录及逾期后登记的延期。", "No late entries or late extensions."),
    "lapses": ("逾期记录（按时限）", "Lapses recorded, by clock"),
    "clock": ("时限", "clock"),
    "no_lapses": ("本期投诉无逾期记录。", "No lapses recorded."),
    "mean": ("平均处理工作日", "mean working days to resolve"),
    "median": ("处理工作日中位数", "median working days to resolve"),
    "resolved_n": ("已办结件数", "resolved complaints"),
    "unit": ("被投诉单位", "unit"),
    "category": ("投诉类别", "category"),
    "complaints": ("投诉件数", "complaints"),
    "customers": ("投诉客户数", "customers"),
    "no_hotspots": ("本期未发现热点问题（同一单位同类投诉在{window}日内来自{threshold}名及以上不同客户）。",
                    "No hot spots in the period ({threshold}+ customers, same unit and category, within {window} days)."),
    "hot_rule": ("热点：同一被投诉单位、同一类别，{window}日内来自{threshold}名及以上不同客户的投诉。",
                 "Hot spot: {threshold}+ distinct customers, same unit and category, within {window} days."),
    "root_cause": ("原因分析", "root cause"),
    "rectification": ("整改措施", "rectification"),
    "no_causes": ("本期已办结投诉未登记原因分析及整改措施。",
                  "No causes or rectifications recorded on the period's closed complaints."),
    "causes_summary": ("已办结投诉中 {n} 件登记了原因分析或整改措施，按类别、原因和整改措施归为 {g} 类；逐件见 --format json 或 csv。",
                       "{n} closed complaints record a root cause or rectification: {g} groups of category, cause and "
                       "rectification; each complaint in --format json or csv."),
    "more_causes": ("另有 {n} 类共 {m} 件未列出，见 --format json。", "{n} more groups ({m} complaints): see --format json."),
    "examples": ("编号（举例）", "example refs"),
    "comp_total": ("补偿金额合计（元）", "total compensation (yuan)"),
    "amount": ("补偿金额（元）", "compensation (yuan)"),
    "no_comp": ("本期无补偿。", "No compensation."),
    "of": {  # a share of the received, accepted or resolved complaints (SHARE_BASE)
        "received": ("占收到", "of received"),
        "accepted": ("占受理", "of accepted"),
        "resolved": ("占办结", "of resolved"),
    },
    "notes": [
        ("受理 = 收到 − 不予受理；客户撤回的投诉已受理。",
         "accepted = received − rejected; withdrawn complaints had been accepted."),
        ("办结 = 状态为已办结；按时办结 = 办结不晚于处理时限（含延期；以小时计的时限到分钟），且处理时限或最长时限从未逾期。",
         "resolved = closed; on time = closed by its due date, or due minute for a limit in hours (extensions "
         "included), and no handling clock ever lapsed."),
        ("曾逾期 = 处理时限或最长时限曾超过而未办结，此后延期或补登均不改变。",
         "lapsed = its resolution or cap clock once ran past due; no later extension or backdated entry undoes it."),
        ("补录 = 受理超过24小时后才登记；逾期后登记的延期 = 延期记录的登记日期晚于其所延长的处理时限。",
         "late entry = recorded more than 24 hours after receipt; late extension = an extension recorded after the "
         "deadline it extended."),
        ("逾期未结 = 截至统计时点仍未办结、不予受理或撤回，且处理时限已过（以小时计的时限到分钟）。",
         "overdue, unresolved = not finished by the as-of moment and past its due date (or due minute)."),
        ("处理工作日 = 受理次日起至办结日（含）的工作日数，节假日及调休按国务院安排。",
         "working days = after the day of receipt up to and including the day of closing."),
        ("投诉按受理时间（北京时间）归属报告期间。",
         "a complaint belongs to the period in which it was received (China time)."),
        ("在处理期限内再次提出的同一投诉并入首次投诉合并处理，只计一次（中国银保监会令2020年第3号 第十八条）。",
         "a repeat of the same complaint within its limit, merged into the first, is counted once."),
    ],
    "dims": {
        "kind": ("（一）按投诉类型", "2.1 By kind"),
        "channel": ("（二）按投诉渠道", "2.2 By channel"),
        "category": ("（三）按投诉类别", "2.3 By category"),
        "business-type": ("（四）按业务类型", "2.4 By business type"),
        "cause": ("（五）按投诉原因", "2.5 By cause"),
        "severity": ("（六）按严重程度", "2.6 By severity"),
        "unit": ("（七）按被投诉单位", "2.7 By unit"),
    },
}


def _in_language(value: Any, index: int) -> Any:
    """WORDS with each (Chinese, English) pair replaced by the one at `index`."""
    if isinstance(value, tuple):
        return value[index]
    if isinstance(value, dict):
        return {key: _in_language(item, index) for key, item in value.items()}
    return [_in_language(item, index) for item in value]


TEXT: dict[str, dict[str, Any]] = {lang: _in_language(WORDS, i) for i, lang in enumerate(LANGS)}

# What each total is a share of, in the overview.
SHARE_BASE: dict[str, str | None] = {
    "accepted": "received", "rejected": "received", "withdrawn": "received", "resolved": "accepted",
    "resolved_on_time": "resolved", "open": "accepted", "overdue_open": "accepted", "extended": "accepted",
    "group": "received", "referred": "received", "lapsed": "accepted", "late_entries": "received",
    "late_extensions": None,  # extensions, not complaints: a share of nothing in the table
    "merged": None,  # repeats counted in none of the others: a share of nothing
}
CAUSES_SHOWN = 100  # groups in the document; JSON and CSV have every complaint
CAUSE_EXAMPLES = 3  # refs shown per group


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Section:
    """A heading, then a table (or a line of text when there are no rows)."""

    heading: str
    level: int = 2
    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[output.Column] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def cause_groups(causes: Causes) -> list[dict[str, Any]]:
    """The causes and rectifications as a regulator reads them: one row per (category, root
    cause, rectification) with how many complaints and the first CAUSE_EXAMPLES refs (the
    causes come in ref order), the most frequent first."""
    keys = list(zip(causes.categories, causes.root_causes, causes.rectifications))
    counts = Counter(keys)
    refs: dict[tuple, list[str]] = {key: [] for key in counts}
    wanting = len(refs)  # groups still short of their examples: stop reading once none is
    for key, ref in zip(keys, causes.refs):
        examples = refs[key]
        if len(examples) < CAUSE_EXAMPLES:
            examples.append(ref)
            if len(examples) == min(CAUSE_EXAMPLES, counts[key]):
                wanting -= 1
                if not wanting:
                    break
    groups = [{"category": key[0], "root_cause": key[1], "rectification": key[2], "complaints": n, "refs": refs[key]}
              for key, n in counts.items()]
    order = {key: i for i, key in enumerate(CATEGORY.keys)}
    return sorted(groups, key=lambda g: (-g["complaints"], order.get(g["category"], len(order)),
                                         str(g["category"]), g["root_cause"] or "", g["rectification"] or ""))


def due_line(period: Period, lang: str) -> str:
    """Each report owed for the period: to whom, copied to whom, by when, by which article
    (tsk.periods.FILINGS, the table `report_due` and `recipients` read too)."""
    T, index = TEXT[lang], LANGS.index(lang)

    def names(pairs) -> str:
        return T["and"].join(pair[index] for pair in pairs)

    return T["due"] + T["sep"].join(
        T["filing"].format(to=names(f.to), cc=T["cc"].format(names=names(f.cc)) if f.cc else "",
                           due=f.due(period).isoformat(), source=f.source[index])
        for f in filings(period))


def half_year_sections(doc: dict[str, Any], period: Period, lang: str, settings: dict[str, Any]) -> tuple[str, list[str], list[Section]]:
    """The report as a bank would send it (a half-year's or a whole year's): title, preamble
    lines, numbered sections."""
    T = TEXT[lang]
    title = T["title"].format(year=period.start.year, half=T[period.report or "year"])
    preamble = [T["period"].format(**doc["period"]), T["as_of"].format(as_of=doc["as_of"]), due_line(period, lang)]
    totals = doc["totals"]
    item, right = output.Column("label", T["item"]), "right"
    count_cols = [item, output.Column("count", T["count"], justify=right), output.Column("share", T["share"], justify=right)]
    overview = [{"label": T["received"], "count": totals["received"], "share": ""}]
    for key in TOTAL_KEYS[1:]:
        base = SHARE_BASE[key]
        share = "" if base is None else f"{T['of'][base]} {percent(totals[key], totals[base])}" if totals[base] else "—"
        overview.append({"label": T[key], "count": totals[key], "share": share})
    sections = [Section(T["s1"], rows=overview, columns=count_cols), Section(T["s2"])]
    received = totals["received"]
    for option in HALF_YEAR_BY:
        dim = DIMENSIONS[option]
        counts = doc["by"][dim.key]
        rows = [{"label": dim.label(k, lang), "count": n, "share": percent(n, received)} for k, n in counts.items()]
        rows.append({"label": T["total"], "count": sum(counts.values()), "share": percent(sum(counts.values()), received)})
        sections.append(Section(T["dims"][option], level=3, rows=rows,
                                columns=[output.Column("label", dim.heading(lang)), *count_cols[1:]]))
    times = doc["resolution_working_days"]
    sections.append(Section(T["s3"], rows=[
        {"label": T["resolved_n"], "value": number(totals["resolved"])},
        {"label": T["mean"], "value": number(times["mean"])},
        {"label": T["median"], "value": number(times["median"])},
        {"label": T["resolved_on_time"], "value": percent(totals["resolved_on_time"], totals["resolved"])},
    ], columns=[item, output.Column("value", T["value"], justify=right)]))
    rule = {"threshold": settings["hotspot_threshold"], "window": settings["hotspot_window_days"]}
    hot = [{**h, "category": DIMENSIONS["category"].label(h["category"], lang)} for h in doc["hotspots"]]
    sections.append(Section(T["s4"], rows=hot, columns=[
        output.Column("unit", T["unit"]), output.Column("category", T["category"]),
        output.Column("complaints", T["complaints"], justify=right), output.Column("customers", T["customers"], justify=right),
    ], text=[T["hot_rule"].format(**rule)] if hot else [T["no_hotspots"].format(**rule)]))
    causes = doc["causes_and_rectifications"]
    groups = cause_groups(causes)
    shown = [{**g, "category": DIMENSIONS["category"].label(g["category"], lang), "refs": " ".join(g["refs"])}
             for g in groups[:CAUSES_SHOWN]]
    text = [T["causes_summary"].format(n=len(causes), g=len(groups))] if causes else [T["no_causes"]]
    if len(groups) > CAUSES_SHOWN:
        text.append(T["more_causes"].format(n=len(groups) - CAUSES_SHOWN,
                                            m=sum(g["complaints"] for g in groups[CAUSES_SHOWN:])))
    sections.append(Section(T["s5"], rows=shown, columns=[
        output.Column("category", T["category"]), output.Column("root_cause", T["root_cause"]),
        output.Column("rectification", T["rectification"]),
        output.Column("complaints", T["complaints"], justify=right), output.Column("refs", T["examples"]),
    ], text=text))
    comp = doc["compensation"]
    comp_rows = [{"label": unit, "amount": f"{amount:.2f}"} for unit, amount in comp["by_unit"].items()]
    if comp_rows:
        comp_rows.append({"label": T["total"], "amount": f"{comp['total']:.2f}"})
    sections.append(Section(T["s6"], rows=comp_rows, columns=[
        output.Column("label", T["unit"]), output.Column("amount", T["amount"], justify=right),
    ], text=[] if comp_rows else [T["no_comp"]]))
    entered, extended = doc["late_entries"]["by_unit"], doc["late_extensions"]["by_unit"]
    late_rows = [{"label": unit, "late_entries": entered.get(unit, 0), "late_extensions": extended.get(unit, 0)}
                 for unit in sorted(entered.keys() | extended.keys())]
    if late_rows:
        late_rows.append({"label": T["total"], "late_entries": doc["late_entries"]["total"],
                          "late_extensions": doc["late_extensions"]["total"]})
    sections.append(Section(T["s7"], rows=late_rows, columns=[
        output.Column("label", T["unit"]), output.Column("late_entries", T["late_entries"], justify=right),
        output.Column("late_extensions", T["late_extensions"], justify=right),
    ], text=[] if late_rows else [T["no_late"]]))
    lapses = doc["lapses"]
    lapse_rows = [{"label": CLOCK.label(k) if lang == "zh" else k, "count": n} for k, n in lapses["by_clock"].items()]
    if lapse_rows:
        lapse_rows.append({"label": T["total"], "count": lapses["total"]})
    sections.append(Section(T["lapses"], level=3, rows=lapse_rows, columns=[
        output.Column("label", T["clock"]), output.Column("count", T["count"], justify=right),
    ], text=[] if lapse_rows else [T["no_lapses"]]))
    sections.append(Section(T["s8"], text=[f"{i}. {note}" for i, note in enumerate(T["notes"], 1)]))
    return title, preamble, sections


def write_markdown(title: str, preamble: Sequence[str], sections: Sequence[Section], out: TextIO) -> None:
    """GitHub Markdown: headings, pipe tables with a blank line around each, text as paragraphs."""
    parts = [f"# {title}", "\n\n".join(preamble)]
    for s in sections:
        parts.append("#" * s.level + " " + s.heading)
        if s.rows:
            parts.append(output.markdown_table(s.rows, s.columns))
        parts.extend(s.text)
    out.write("\n\n".join(parts) + "\n")


def write_tables(title: str, preamble: Sequence[str], sections: Sequence[Section], out: TextIO) -> None:
    """The tables by `tsk.render.textable`, the lines around them written as they are (headings in
    bold on a terminal that wants colour): importing rich costs ~50 ms. Only a line wider
    than the terminal goes through rich, to wrap as it always has."""
    from tsk.render import textable

    width, colour = textable.terminal_width(out), textable.wants_colour(out)

    def say(text: str, bold: bool = False) -> None:
        if textable.width_of(text) > width:
            from rich.text import Text

            output.console(out).print(Text(text, style="bold" if bold else ""))
        else:
            out.write(f"\x1b[1m{text}\x1b[0m\n" if bold and colour else text + "\n")

    say(title, bold=True)
    for line in preamble:
        say(line)
    for s in sections:
        out.write("\n")
        say(s.heading, bold=True)
        if s.rows:
            output.render_table(s.rows, s.columns, out=out)
        for line in s.text:
            say(line)


def half_year_csv(doc: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The long form `section,key,label,value`: one row per number (and per text)."""
    T = TEXT[lang]
    rows: list[dict[str, Any]] = [
        {"section": "period", "key": "start", "label": "", "value": doc["period"]["start"]},
        {"section": "period", "key": "end", "label": "", "value": doc["period"]["end"]},
        {"section": "as_of", "key": "as_of", "label": "", "value": doc["as_of"]},
    ]
    rows += [{"section": "report_due", "key": k, "label": "", "value": v} for k, v in doc["report_due"].items()]
    for k, said in doc["recipients"].items():
        rows += [{"section": f"recipients.{k}", "key": part, "label": "", "value": "、".join(said[part])}
                 for part in ("to", "cc") if said[part]]
        rows.append({"section": f"recipients.{k}", "key": "source", "label": "", "value": said["source"]})
    rows += [{"section": "totals", "key": k, "label": T[k], "value": v} for k, v in doc["totals"].items()]
    for option in HALF_YEAR_BY:
        dim = DIMENSIONS[option]
        rows += [{"section": f"by.{dim.key}", "key": k, "label": dim.label(k, lang), "value": n}
                 for k, n in doc["by"][dim.key].items()]
    rows += [{"section": "resolution_working_days", "key": k, "label": T[k], "value": v}
             for k, v in doc["resolution_working_days"].items()]
    for h in doc["hotspots"]:
        key = f"{h['unit']}|{h['category']}"
        label = f"{h['unit']} {DIMENSIONS['category'].label(h['category'], lang)}"
        rows.append({"section": "hotspots.complaints", "key": key, "label": label, "value": h["complaints"]})
        rows.append({"section": "hotspots.customers", "key": key, "label": label, "value": h["customers"]})
    labels = {key: DIMENSIONS["category"].label(key, lang) for key in set(doc["causes_and_rectifications"].categories)}
    for ref, category, root_cause, rectification in doc["causes_and_rectifications"].rows():
        rows.append({"section": "root_cause", "key": ref, "label": labels[category], "value": root_cause})
        rows.append({"section": "rectification", "key": ref, "label": labels[category], "value": rectification})
    rows.append({"section": "compensation", "key": "total", "label": T["comp_total"], "value": doc["compensation"]["total"]})
    rows += [{"section": "compensation.by_unit", "key": u, "label": u, "value": v}
             for u, v in doc["compensation"]["by_unit"].items()]
    for key in ("late_entries", "late_extensions"):
        rows += [{"section": f"{key}.by_unit", "key": u, "label": u, "value": n} for u, n in doc[key]["by_unit"].items()]
    rows += [{"section": "lapses.by_clock", "key": k, "label": CLOCK.label(k) if lang == "zh" else k, "value": n}
             for k, n in doc["lapses"]["by_clock"].items()]
    return rows


def write_json(doc: dict[str, Any], out: TextIO) -> None:
    """The document as JSON, indented like every other JSON output."""
    out.write(output.json_text({**doc, "causes_and_rectifications": list(doc["causes_and_rectifications"])}) + "\n")


def emit_report(ledger: Ledger, period: Period, fmt: str, lang: str, as_of: AsOf | dt.date | None,
                out: TextIO | None = None) -> None:
    """`tsk report half-year` or `tsk report year` in one of table, md, csv or json."""
    out = out or sys.stdout
    with gc_paused():
        doc = half_year_report(ledger, period, as_of)
        if fmt == "json":
            write_json(doc, out)
        elif fmt == "csv":
            output.write_csv(half_year_csv(doc, lang), ("section", "key", "label", "value"), out)
        else:
            title, preamble, sections = half_year_sections(doc, period, lang, ledger.settings)
            (write_markdown if fmt == "md" else write_tables)(title, preamble, sections, out)


def stats_columns(dim: Dimension, lang: str, *, table: bool) -> list[output.Column]:
    zh = lang == "zh"
    label = output.Column("label", dim.heading(lang)) if table else output.Column("key", dim.key)
    pct = (lambda v: "—" if v is None else f"{v * 100:.1f}%") if table else None
    return [
        label,
        output.Column("received", "收到" if zh else "received", justify="right"),
        output.Column("resolved", "办结" if zh else "resolved", justify="right"),
        output.Column("resolved_on_time", "按时办结" if zh else "on time", justify="right"),
        output.Column("on_time_rate", "按时率" if zh else "on-time rate", pct, justify="right"),
        output.Column("overdue", "逾期未结" if zh else "overdue", justify="right"),
        output.Column("avg_working_days", "平均处理工作日" if zh else "avg working days",
                      number if table else None, justify="right"),
    ]


def emit_stats(ledger: Ledger, period: Period, dim: Dimension, fmt: str, lang: str = "zh",
               as_of: AsOf | dt.date | None = None, out: TextIO | None = None) -> None:
    """`tsk report stats`: a table with a 合计 row for people; CSV or JSON rows for scripts."""
    rows = stats(ledger, period, dim, as_of)
    if fmt != "table":
        output.emit(rows, stats_columns(dim, lang, table=False), fmt, out=out)
        return
    shown, title, caption = stats_for_people(ledger, period, dim, lang, as_of, rows)
    output.render_table(shown, stats_columns(dim, lang, table=True), title=title, caption=caption, out=out)


def stats_for_people(ledger: Ledger, period: Period, dim: Dimension, lang: str, as_of: AsOf | dt.date | None,
                     rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
    """The statistics as people read them (a table, a workbook): labelled rows and a 合计 row,
    the title, and the caption saying what counts."""
    shown = [{**r, "label": dim.label(r["key"], lang)} for r in rows]
    shown.append({**stats_total(ledger, period, rows), "label": "合计" if lang == "zh" else "total"})
    when = stats_as_of(period, as_of).text
    title = (f"投诉统计 {period.start} 至 {period.end}（按{dim.zh}）" if lang == "zh"
             else f"Complaints {period.start} to {period.end} by {dim.en}")
    caption = (f"逾期未结截至 {when}；按时 = 办结不晚于处理时限（含延期）" if lang == "zh"
               else f"overdue as of {when}; on time = closed by the due date or time (extensions included)")
    return shown, title, caption


def trend_title(months: int, dim: Dimension | None, lang: str) -> str:
    if lang == "zh":
        return f"近{months}个月投诉趋势" + (f"（按{dim.zh}）" if dim else "")
    return f"Complaints per month, last {months}" + (f" by {dim.en}" if dim else "")


# -- the trend chart -----------------------------------------------------------------------------------
BAR_WIDTH = 48
EIGHTHS = " ▏▎▍▌▋▊▉"
SHADES = ("█", "▓", "▒", "░", "▞", "▚", "▤", "▥", "▦", "▩")
STYLES = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta", "bright_green", "white")


def bar(value: float) -> str:
    """A horizontal bar `value` cells long, to the eighth of a cell."""
    whole, part = int(value), int(round((value - int(value)) * 8))
    if part == 8:
        whole, part = whole + 1, 0
    return "█" * whole + (EIGHTHS[part] if part else "")


def emit_trend(ledger: Ledger, months: int, dim: Dimension | None, fmt: str, lang: str = "zh",
               last: dt.date | None = None, out: TextIO | None = None) -> None:
    """`tsk report trend`: a bar per month (stacked by `dim`), or CSV/JSON counts."""
    data = trend(ledger, months, dim, last)
    if fmt in ("csv", "json"):
        if dim is None:
            rows = [{"month": m, "count": data.total(m)} for m in data.months]
            columns = [output.Column("month", "month"), output.Column("count", "count")]
        else:
            rows = [{"month": m, "key": k, "count": data.counts[m][k]} for m in data.months for k in data.keys]
            columns = [output.Column("month", "month"), output.Column("key", dim.key), output.Column("count", "count")]
        output.emit(rows, columns, fmt, out=out)
        return
    from rich.table import Table
    from rich.text import Text

    zh = lang == "zh"
    peak = max((data.total(m) for m in data.months), default=0)
    scale = BAR_WIDTH / peak if peak else 0
    title = trend_title(months, dim, lang)
    table = Table(title=title, box=None, show_header=True, pad_edge=False, title_justify="left")
    table.add_column("月份" if zh else "month", no_wrap=True)
    table.add_column("件数" if zh else "count", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for m in data.months:
        line = Text()
        if dim is None:
            line.append(bar(data.total(m) * scale), style="cyan")
        else:  # stacked: one shade (and colour) per value, cut to whole cells
            used = 0.0
            for i, key in enumerate(data.keys):
                n = data.counts[m][key]
                if not n:
                    continue
                cells = round(used + n * scale) - round(used)
                used += n * scale
                line.append(SHADES[i % len(SHADES)] * max(cells, 1), style=STYLES[i % len(STYLES)])
        table.add_row(m, str(data.total(m)), line)
    con = output.console(out or sys.stdout)
    con.print(table)
    if dim is not None and data.keys:
        legend = Text("图例：" if zh else "legend: ")
        for i, key in enumerate(data.keys):
            total = sum(data.counts[m][key] for m in data.months)
            legend.append(SHADES[i % len(SHADES)] * 2, style=STYLES[i % len(STYLES)])
            legend.append(f" {dim.label(key, lang)} {total}   ")
        con.print(legend)
    total = sum(data.total(m) for m in data.months)
    con.print(Text(f"合计 {total} 件；月均 {total / len(data.months):.1f} 件" if zh
                   else f"total {total}; {total / len(data.months):.1f} a month"))
