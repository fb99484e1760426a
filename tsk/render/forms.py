"""The printable forms of the Guangdong RCC guideline (粤农信联发〔2008〕250号): 附表1 客户投诉处理表
(handling form) and 附表2 客户投诉处理督办表 (supervision form), filled from a complaint and its history.

The guideline gives only the forms' titles; their fields follow what its 第十七条/第十八条 ask each
form to carry (the complaint, the handling, its result and the customer's view; for the
supervision form what is supervised, by when, and the feedback), with signature lines to
sign on paper. Markdown by default; `html` is a standalone page ready to print (A4).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from tsk import messages as msg
from tsk import timeutil, views
from tsk.clocks import past_due
from tsk.context import Ledger
from tsk.errors import InvalidInput, echo
from tsk.fields import yuan
from tsk.render.page import page
from tsk.sla import UNIT_ZH
from tsk.store import queries as q
from tsk.timeutil import due_shown as _due
from tsk.vocab import (
    BUSINESS_TYPE,
    CAUSE,
    CHANNEL,
    KIND,
    NOTIFY_VIA,
    RELATIONSHIP,
    REMEDY,
    RESULT,
    SATISFACTION,
    SEVERITY,
    STATUS,
)

FORMS = {"handling": "handling", "处理表": "handling", "客户投诉处理表": "handling", "1": "handling",
         "supervision": "supervision", "督办表": "supervision", "客户投诉处理督办表": "supervision", "2": "supervision"}



@dataclass
class Form:
    title: str
    annex: str  # 附表1 / 附表2
    ref: str
    groups: list[tuple[str, list[tuple[str, str]]]]
    history: list[dict[str, str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    note: str = ""


# -- filling -----------------------------------------------------------------------------------
def _time(text: str | None) -> str:
    return text[:16].replace("T", " ") if text else ""


def _history(events: list[dict]) -> list[dict[str, str]]:
    out = []
    for e in events:
        if e["action"] in views.HIDDEN_ACTIONS:
            continue
        out.append({"at": _time(e["at"]), "actor": e["actor"], "action": views.action_label(e["action"]),
                    "text": views.describe_event(e["action"], json.loads(e["details"]))})
    return out


def _customer(c: dict[str, Any], show_pii: bool) -> list[tuple[str, str]]:
    phone = views.shown(c, "customer_phone", show_pii=show_pii)
    id_number = views.shown(c, "customer_id_number", show_pii=show_pii)
    return [
        ("客户姓名", c["customer_name"]), ("联系电话", phone or ""), ("证件号码", id_number or ""),
        ("联系地址", views.joined(c["customer_address"], c["customer_email"], sep="；")),
        ("投诉人数", f"{c['group_size']} 人" + ("（群体性投诉）" if c["is_group"] else "")),
        *([("投诉人（非客户本人）", f"{c['complainant_name']}（{RELATIONSHIP.label(c['complainant_relationship'])}）")]
          if c["complainant_name"] else []),
    ]


def extension_said(c: dict[str, Any], reading: str) -> str:
    """（已延期 N 个工作日 / N 日）, as the complaint's policy reads a day."""
    return f"（已延期 {views.days_said(c['extended_days'], reading)}）" if c["extended_days"] else ""


def limit_rows(c: dict[str, Any], reading: str) -> list[tuple[str, str]]:
    """The handling limit's clock stops, restart and merge (中国银保监会令2020年第3号 第十八条), where it has them."""
    rows = []
    if c["paused_at"] or c["paused_days"]:
        rows.append(("暂停计时", views.joined(f"自 {_time(c['paused_at'])} 起暂停（鉴定、检测、评估）" if c["paused_at"] else None,
                                          f"已不计入 {views.days_said(c['paused_days'], reading)}" if c["paused_days"] else None,
                                          sep="；")))
    if c["restarted_at"]:
        rows.append(("重新计算时限", f"自 {_time(c['restarted_at'])} 收到新的事实和理由起"))
    if c["merged_into"]:
        rows.append(("合并处理", f"作为重复投诉并入 {c['merged_into']}"))
    return rows


def _deadlines(c: dict[str, Any], reading: str) -> list[tuple[str, str]]:
    rows = [("受理告知", views.joined(f"应于 {_due(c['ack_due'])} 前", f"已于 {_time(c['acked_at'])} 告知" if c["acked_at"] else "尚未告知", sep="；"))]
    if c["form_due"]:
        rows.append(("报送受理部门", views.joined(f"应于 {_due(c['form_due'])} 前", f"已于 {_time(c['form_at'])} 报送" if c["form_at"] else "尚未报送", sep="；")))
    if c["supervision_due"]:
        rows.append(("出具督办表", _supervised(c)))
    if c["referral_due"]:
        rows.append(("转办时限", c["referral_due"]))
    return rows + [
        ("处理时限", _due(c["due"]) + extension_said(c, reading)),
        ("最长时限", f"{_due(c['cap_due'])}（{c['policy']} v{c['policy_version']}）"),
        *limit_rows(c, reading),
    ]


def _supervised(c: dict[str, Any]) -> str:
    return views.joined(f"应于 {_due(c['supervision_due'])} 前",
                 f"已于 {_time(c['supervised_at'])} 出具" if c["supervised_at"] else "尚未出具", sep="；")


def rule_note(policy: Any, c: dict[str, Any]) -> str:
    """The time limits of the complaint's own policy (its version, with the overrides that apply
    to it), in words, with the policy's source: the footnote of 附表2."""
    rules = policy.for_case(kind=c["kind"], severity=c["severity"])
    if rules.supervision is not None and rules.resolution_from == "supervision":
        form = ""
        if rules.form is not None:
            when = "当天" if rules.form.amount == 0 else f" {rules.form.zh()}内"
            form = f"涉及单位应在接到客户投诉的{when}填制《客户投诉处理表》报受理部门；"
        text = (f"{form}受理部门应在接到《客户投诉处理表》的 {rules.supervision.zh()}内出具本表；涉及单位应在接到本表的 "
                f"{rules.resolution.zh()}内完成对客户投诉的处理和答复；情况复杂或影响重大的，最长不得超过 {rules.cap.zh()}")
    elif rules.resolution_from == "ack":
        text = (f"应在受理后 {rules.ack.zh()}内出具本表并告知客户受理；其后 {rules.resolution.zh()}内完成处理和答复；"
                f"最长不得超过 {rules.cap.zh()}")
    elif rules.extension_tiers:
        first, *more = rules.extension_tiers
        text = (f"应在受理后 {rules.ack.zh()}内告知客户受理情况、处理时限和联系方式；自收到投诉之日起 {rules.resolution.zh()}内"
                f"作出处理决定并告知客户；情况复杂的可以延长至 {first.zh()}"
                + "".join(f"；情况特别复杂或者有其他特殊原因的，经上级机构或者总行高级管理人员审批并告知客户，可以延长至 "
                          f"{tier.zh()}" for tier in more))
    else:
        text = (f"应在受理后 {rules.ack.zh()}内告知客户受理情况、处理时限和联系方式；自受理之日起 {rules.resolution.zh()}内"
                f"完成处理和答复；情况复杂需要延长的，合计不得超过 {rules.cap.zh()}")
    if rules.clock_stops:
        text += "；需外部机构进行鉴定、检测、评估的，相关期间不计入处理期限，但应及时告知客户"
    if rules.review is not None and rules.review_window is not None:
        text += (f"；客户对处理决定有异议的，可以自收到处理决定之日起 {rules.review_window.zh()}内书面申请核查，"
                 f"核查决定于收到申请之日起 {rules.review.zh()}内作出")
    source = views.joined(f"{policy.name} v{policy.version}", policy.source, sep="：")
    return f"{text}（{source}）。"


def _outcome(c: dict[str, Any]) -> list[tuple[str, str]]:
    status = c["status"]
    if status == "closed":
        result = views.joined(RESULT.label(c["result"]), f"办结时间 {_time(c['closed_at'])}",
                       f"经{NOTIFY_VIA.label(c['notified_via'])}告知客户" if c["notified_via"] else None, sep="；")
    elif status in ("rejected", "withdrawn"):
        result = views.joined(STATUS.label(status), c["reason"], f"时间 {_time(c['closed_at'])}", sep="；")
    else:
        result = STATUS.label(status) + ("（逾期）" if past_due(c, timeutil.AsOf.today()) else "")
    comp = yuan(c["compensation_fen"])
    return [
        ("处理情况", c["resolution"] or ""),
        ("处理结果", result),
        ("补偿金额", f"{comp:.2f} 元" if comp is not None else ""),
        ("原因分析", c["root_cause"] or ""),
        ("整改措施", c["rectification"] or ""),
        ("客户意见（回访）", views.joined(SATISFACTION.label(c["satisfaction"]),
                                      f"回访 {_time(c['followed_up_at'])}" if c["followed_up_at"] else None,
                                      c["follow_up_note"], sep="；")),
        *_after_decision(c),
    ]


def _after_decision(c: dict[str, Any]) -> list[tuple[str, str]]:
    """The review (核查) and the remedy the customer went on to, where the complaint has them."""
    rows = []
    if c["review_at"]:
        decided = (views.joined(f"{_time(c['reviewed_at'])} 作出核查决定：{RESULT.label(c['review_result'])}",
                                c["review_resolution"], sep="；") if c["reviewed_at"] else "核查中")
        rows.append(("核查", views.joined(f"客户于 {_time(c['review_at'])} 书面申请核查，应于 {c['review_due']} 前作出决定",
                                        decided, sep="；")))
    if c["remedy"]:
        rows.append(("后续救济", f"{_time(c['remedy_at'])} 客户申请{REMEDY.label(c['remedy'])}"))
    return rows


def _complaint(c: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("投诉类型", views.joined(KIND.label(c["kind"]), views.category_label(c["category"]), BUSINESS_TYPE.label(c["business_type"]), sep=" · ")),
        ("投诉原因", CAUSE.label(c["cause"])),
        ("严重程度", SEVERITY.label(c["severity"])),
        ("被投诉单位", c["unit"]),
        ("被投诉人员", c["subject_staff"] or ""),
        ("投诉事项", c["summary"]),
        ("客户诉求", c["demand"] or ""),
    ]


def handling_form(c: dict[str, Any], events: list[dict], show_pii: bool, reading: str = "working_days") -> Form:
    """附表1 客户投诉处理表 (粤农信联发〔2008〕250号 第十七条(一)(三), 第十八条(一))."""
    received = [("编号", c["ref"]), ("受理时间", _time(c["received_at"])), ("受理渠道", CHANNEL.label(c["channel"])),
                ("转办机关及文号", views.joined(c["referred_by"], c["referral_ref"])), ("首问负责人", c["first_handler"])]
    handling = [("处理人", views.joined(c["assignee"], c["assignee_unit"])),
                ("处理级别", views.level_label(c["level"])), *_deadlines(c, reading)]
    return Form(
        title="客户投诉处理表", annex="附表1", ref=c["ref"],
        groups=[("一、受理登记", received), ("二、客户信息", _customer(c, show_pii)), ("三、投诉内容", _complaint(c)),
                ("四、处理时限", handling), ("五、处理情况及结果", _outcome(c))],
        history=_history(events),
        signatures=["经办人（签字）", "负责人（签字）", "受理部门（盖章）"],
        note="不能立即解决或答复的，应在“处理情况”中说明原因，当天报联社客户投诉受理部门（粤农信联发〔2008〕250号 第十七条、第十八条）。",
    )


def supervision_form(c: dict[str, Any], events: list[dict], show_pii: bool, policy: Any) -> Form:
    """附表2 客户投诉处理督办表 (粤农信联发〔2008〕250号 第十七条(二)(四), 第十八条); the footnote
    gives the time limits of the complaint's own policy (`rule_note`)."""
    referred = c["channel"] == "regulator" or c["referred_by"]
    ask = f"请{c['unit']}于 {_due(c['due'])} 前完成对客户投诉的处理和答复，并将处理结果书面反馈受理部门"
    if referred:
        report = policy.for_case(kind=c["kind"], severity=c["severity"]).referral_report
        ask += (f"；受理部门于办结后 {report.amount} {UNIT_ZH[report.unit]}内向{c['referred_by'] or '上级有关部门'}"
                f"书面报告处理结果")
    supervised = [
        ("督办编号", f"督-{c['ref']}"), ("投诉编号", c["ref"]), ("受理时间", _time(c["received_at"])),
        ("受理渠道", CHANNEL.label(c["channel"])), ("转办机关及文号", views.joined(c["referred_by"], c["referral_ref"])),
        ("督办单位", c["supervising_unit"] or ""), ("出具日期", c["supervised_at"][:10] if c["supervised_at"] else ""),
        ("被督办单位", c["unit"]),
        ("处理人", views.joined(c["assignee"], c["assignee_unit"])), ("督办级别", views.level_label(c["level"])),
    ]
    customer = [(label, value) for label, value in _customer(c, show_pii) if label in ("客户姓名", "联系电话", "投诉人数")]
    matter = [("督办事项", c["summary"]), ("客户诉求", c["demand"] or ""),
              ("投诉类型", views.joined(KIND.label(c["kind"]), views.category_label(c["category"]), SEVERITY.label(c["severity"]), sep=" · "))]
    demand = [("督办要求", ask + "。")]
    if c["supervision_due"]:
        demand.append(("出具期限", _supervised(c)))
    if c["referral_due"]:
        demand.append(("转办时限", f"{c['referral_due']}（{c['referred_by'] or '转办机关'}的限期）"))
    reading = policy.for_case(kind=c["kind"], severity=c["severity"]).reading
    demand += [("办理期限", _due(c["due"]) + extension_said(c, reading)), ("最长期限", _due(c["cap_due"])),
               *limit_rows(c, reading)]
    if c["report_due"]:
        demand.append(("报告监管期限", _due(c["report_due"]) + (f"（已于 {_time(c['reported_at'])} 报告）" if c["reported_at"] else "")))
    feedback = [(label, value) for label, value in _outcome(c) if label in ("处理情况", "处理结果", "补偿金额", "整改措施", "客户意见（回访）",
                                                                 "核查", "后续救济")]
    return Form(
        title="客户投诉处理督办表", annex="附表2", ref=c["ref"],
        groups=[("一、督办对象", supervised), ("二、投诉人", customer), ("三、督办事项", matter),
                ("四、督办要求及期限", demand), ("五、办理情况反馈", feedback)],
        history=_history(events),
        signatures=["督办人（签字）", "受理部门负责人（签字）", "被督办单位负责人（签字）"],
        note=rule_note(policy, c),
    )


# -- rendering -----------------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def to_markdown(form: Form) -> str:
    lines = [f"# {form.title}", "", f"{form.annex} · 编号 {form.ref}"]
    for heading, fields in form.groups:
        lines += ["", f"## {heading}", "", "| 项目 | 内容 |", "| --- | --- |"]
        lines += [f"| {_md_cell(label)} | {_md_cell(value)} |" for label, value in fields]
    if form.history:
        lines += ["", "## 处理经过", "", "| 时间 | 经办人 | 事项 | 说明 |", "| --- | --- | --- | --- |"]
        lines += [f"| {_md_cell(h['at'])} | {_md_cell(h['actor'])} | {_md_cell(h['action'])} | {_md_cell(h['text'])} |"
                  for h in form.history]
    lines += [""] + [f"{s}：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日  " for s in form.signatures]
    if form.note:
        lines += ["", f"注：{form.note}"]
    return "\n".join(lines)


# The form's own layout, inside the page frame every paper shares (tsk.render.page).
CSS = """
.meta { display: flex; justify-content: space-between; margin-bottom: 2mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th.group { background: #eee; text-align: left; }
td.label { width: 28mm; white-space: nowrap; font-weight: bold; }
tr { page-break-inside: avoid; }
.signatures td { border: none; padding: 4mm 2mm; }
.note { font-size: 9pt; }
"""


def to_html(form: Form) -> str:
    e = html.escape

    def text(value: str) -> str:
        return e(value or "").replace("\n", "<br>")

    rows = []
    for heading, fields in form.groups:
        rows.append(f'<tr><th class="group" colspan="2">{e(heading)}</th></tr>')
        rows += [f'<tr><td class="label">{e(label)}</td><td>{text(value)}</td></tr>' for label, value in fields]
    history = ""
    if form.history:
        body = "".join(f"<tr><td>{e(h['at'])}</td><td>{e(h['actor'])}</td><td>{e(h['action'])}</td><td>{text(h['text'])}</td></tr>"
                       for h in form.history)
        history = ('<table class="history"><tr><th class="group" colspan="4">处理经过</th></tr>'
                   "<tr><th>时间</th><th>经办人</th><th>事项</th><th>说明</th></tr>" + body + "</table>")
    signatures = "".join(f"<tr><td>{e(s)}：＿＿＿＿＿＿＿＿</td><td>日期：＿＿＿＿年＿＿月＿＿日</td></tr>" for s in form.signatures)
    body = f"""<h1>{e(form.title)}</h1>
<div class="meta"><span>{e(form.annex)}</span><span>编号：{e(form.ref)}</span></div>
<table class="form">
{chr(10).join(rows)}
</table>
{history}
<table class="signatures">{signatures}</table>
<p class="note">注：{e(form.note)}</p>"""
    return page(f"{form.title} {form.ref}", body, CSS)


def render(ledger: Ledger, ref: str, form: str, fmt: str = "md", show_pii: bool = False) -> str:
    """`tsk show REF --form handling|supervision [--format md|html]`: the filled form as text."""
    from tsk.records import load

    kind = FORMS.get(form.strip().lower())
    if kind is None:
        raise InvalidInput(msg.NOT_A_FORM, value=echo(form))
    if fmt not in ("md", "html"):
        raise InvalidInput(msg.FORM_FORMAT, value=echo(fmt))
    complaint = load(ledger, ref)
    if show_pii:
        from tsk.listing import record_pii_view

        record_pii_view(ledger, [complaint], "form")
        complaint = load(ledger, ref)
    events = ledger.store.rows(q.EVENTS_OF, {"id": complaint["id"]})
    policy = ledger.policy(complaint["policy"], complaint["policy_version"])
    if kind == "handling":
        reading = policy.for_case(kind=complaint["kind"], severity=complaint["severity"]).reading
        filled = handling_form(complaint, events, show_pii, reading)
    else:
        filled = supervision_form(complaint, events, show_pii, policy)
    return to_html(filled) if fmt == "html" else to_markdown(filled)
