"""How `list` and `show` print complaints: the list as a table, CSV or JSON, and one complaint
with its history for people."""

from __future__ import annotations

import sys
from typing import Any

from tsk import messages as msg
from tsk import views
from tsk.render import output
from tsk.timeutil import due_shown

LIST_COLUMNS = [
    output.Column("ref", "编号", no_wrap=True),
    output.Column("status", "状态", views.status_label, no_wrap=True),
    output.Column("received_at", "受理日期", lambda v: v[:10], no_wrap=True),
    output.Column("customer", "客户", lambda v: v["name"], drop=3),
    output.Column("category", "类别", views.category_label, drop=4),
    output.Column("severity", "程度", views.severity_label, drop=6),
    output.Column("level", "级别", justify="right", drop=5),
    output.Column("unit", "被投诉单位"),
    output.Column("assignee", "处理人", drop=2),
    output.Column("due", "到期日", due_shown, no_wrap=True),
    output.Column("flags", "标记", views.flags_label, drop=1),
]

# CSV of `list`: some of the export's columns, for spreadsheets (export has every field).
LIST_CSV_KEYS = ("ref", "status", "received_at", "customer_name", "customer_phone", "kind", "channel", "category",
                 "severity", "level", "unit", "assignee", "ack_due", "due", "cap_due", "report_due", "flags")


def emit_list(rows: list[dict[str, Any]], fmt: str, *, total: int) -> None:
    if fmt == "json":
        print(output.json_text(rows))
    elif fmt == "csv":
        output.write_csv(map(views.flattened, rows), LIST_CSV_KEYS, sys.stdout)
    else:
        shown = msg.LISTED(total=total) if total == len(rows) else msg.LISTED_SOME(shown=len(rows), total=total)
        output.render_table(rows, LIST_COLUMNS, caption=shown.shown(),
                            row_style=lambda r: "bold red" if "overdue" in r["flags"] else None)


def _when(text: str | None) -> str:
    return text[:16].replace("T", " ") if text else ""


def national_rows(c: dict[str, Any], reading: str) -> list[tuple[str, Any]]:
    """The rows of the 2020 national rules: the handling limit's stops and restart, the merge,
    the review (核查), the remedy and the follow-up, each shown when the complaint has it."""
    from tsk.vocab import REMEDY, RESULT

    days = views.days_said(c["paused_days"], reading)
    review = None
    if c["review_at"]:
        review = views.joined(f"申请 {_when(c['review_at'])}", f"时限 {c['review_due']}",
                              (f"决定 {_when(c['reviewed_at'])} {RESULT.label(c['review_result'])}"
                               if c["reviewed_at"] else "核查中"), c["review_resolution"], sep="；")
    return [
        ("暂停计时 clock stopped", views.joined(f"自 {_when(c['paused_at'])} 起" if c["paused_at"] else None,
                                               f"已不计入 {days}" if c["paused_days"] else None, sep="；")),
        ("重新计时 restarted", _when(c["restarted_at"])),
        ("合并至 merged into", c["merged_into"]),
        ("核查 review", review),
        ("后续救济 remedy", views.joined(REMEDY.label(c["remedy"]), _when(c["remedy_at"])) if c["remedy"] else None),
    ]


def print_complaint(view: dict[str, Any], reading: str = "working_days") -> None:
    """A complaint for people: its fields, then its history. `reading`: how its policy reads a
    day (日), for the days of its extensions and clock stops."""
    from tsk.vocab import BUSINESS_TYPE, CAUSE, CHANNEL, KIND, NOTIFY_VIA, RELATIONSHIP, RESULT, SATISFACTION

    c = view
    fields = [
        ("编号 ref", c["ref"]), ("状态 status", views.status_label(c["status"])),
        ("标记 flags", views.flags_label(c["flags"])),
        ("受理时间 received", c["received_at"]), ("类型 kind", KIND.label(c["kind"])),
        ("渠道 channel", CHANNEL.label(c["channel"])), ("类别 category", views.category_label(c["category"])),
        ("业务类型 business", BUSINESS_TYPE.label(c["business_type"])), ("原因 cause", CAUSE.label(c["cause"])),
        ("程度 severity", views.severity_label(c["severity"])), ("级别 level", views.level_label(c["level"])),
        ("客户 customer", " ".join(x for x in (c["customer"]["name"], c["customer"]["phone"], c["customer"]["id_number"]) if x)),
        ("投诉人 complainant", c["complainant_name"] and
         f"{c['complainant_name']}（{RELATIONSHIP.label(c['complainant_relationship'])}）"),
        ("人数 group size", str(c["group_size"])), ("被投诉单位 unit", c["unit"]),
        ("被投诉人 subject staff", c["subject_staff"]), ("首问 first handler", c["first_handler"]),
        ("处理人 assignee", " ".join(x for x in (c["assignee"], c["assignee_unit"]) if x)),
        ("转办 referral", " ".join(x for x in (c["referred_by"], c["referral_ref"]) if x)),
        ("转办时限 referral due", c["referral_due"]),
        ("重复 repeat of", c["repeat_of"]),
        ("投诉内容 summary", c["summary"]), ("诉求 demand", c["demand"]),
        ("时限规则 policy", f"{c['policy']} v{c['policy_version']}"),
        ("受理告知 ack due", due_shown(c["ack_due"]) + _done(c["acked_at"])),
        ("处理表 form due", due_shown(c["form_due"]) + _done(c["form_at"])),
        ("督办表 supervision due", due_shown(c["supervision_due"])
         + (msg.SHOW_DONE_BY(at=c["supervised_at"][:16], unit=c["supervising_unit"]).shown() if c["supervised_at"] else "")),
        ("处理时限 due", due_shown(c["due"]) + (msg.SHOW_EXTENDED(days=c["extended_days"], unit=_days_unit(reading)).shown()
                                               if c["extended_days"] else "")),
        ("最长时限 cap", due_shown(c["cap_due"])),
        *national_rows(c, reading),
        ("报告监管 report due", due_shown(c["report_due"]) + _done(c["reported_at"])),
        ("办结 closed", c["closed_at"]), ("结果 result", RESULT.label(c["result"])),
        ("处理情况 resolution", c["resolution"]),
        ("补偿 compensation", None if c["compensation"] is None else f"{c['compensation']:.2f} 元"),
        ("原因分析 root cause", c["root_cause"]), ("整改措施 rectification", c["rectification"]),
        ("告知方式 notified via", NOTIFY_VIA.label(c["notified_via"])),
        ("回访 satisfaction", views.joined(SATISFACTION.label(c["satisfaction"]), _when(c["followed_up_at"]),
                                          c["follow_up_note"], sep="；")), ("理由 reason", c["reason"]),
    ]
    from tsk.render import textable

    out = sys.stdout
    shown = [(_label(label), str(value)) for label, value in fields if value]
    textable.write(out, ["", ""], [list(pair) for pair in shown], no_wrap=[True, False], prose=[False, True],
                   show_header=False)
    out.write("\n")
    history = [[e["at"][:16].replace("T", " "), e["actor"], views.action_label(e["action"]),
                views.describe_event(e["action"], e["details"])] for e in c["events"]]
    textable.write(out, [_label("时间 at"), _label("操作人 actor"), _label("操作 action"), _label("详情 details")], history,
                   no_wrap=[True, False, True, False], prose=[False, False, False, True], title=_label("处理记录 history"))


def _label(label: str) -> str:
    """A label of `show` ("编号 ref"): both words in English runs, the Chinese alone in Chinese ones."""
    return label.split(" ", 1)[0] if msg.language() == "zh" else label


def _days_unit(reading: str) -> msg.Message:
    """The days of an extension in `show`: 工作日 (日 under a policy of calendar days)."""
    return msg.term("日", "日") if reading == "calendar_days" else msg.term("工作日", "个工作日")


def _done(at: str | None) -> str:
    """When a clock was stopped, after its due date: ` (done 2026-09-30T09:10)`."""
    return msg.SHOW_DONE(at=at[:16]).shown() if at else ""
