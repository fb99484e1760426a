"""The letters (or SMS texts) the customer receives, in Chinese (`tsk notice REF KIND`):

- `ack` 受理告知书: the complaint accepted, by when it will be decided, and whom to contact
  (银监发〔2012〕13号 第七条; 中国银保监会令2020年第3号 第十七条、第十八条);
- `extension` 延期处理告知书: the new limit and its reason, and the approval where the rules ask
  for it (银监发〔2012〕13号 第九条; 中国银保监会令2020年第3号 第十八条);
- `decision` 处理决定告知书: the decision, what it rests on, and the remedies open — review within
  the policy's window, mediation, arbitration, a lawsuit (中国银保监会令2020年第3号 第十九条、第二十条);
- `review` 核查决定告知书: the review's decision, and the remedies still open.

Each is filled from the complaint, its history and its policy; nothing is recorded (the commands
that tell the customer — ack, extend, close — record how). Phone and ID numbers never appear; the
letter is to whoever complained: the customer, or the agent, heir or guardian who complained for
them. `text` is the SMS or plain letter, `md` Markdown, `html`
a page to print on A4 like the forms (`tsk.render.forms`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from typing import Any

from tsk import views
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, echo
from tsk.fields import yuan
from tsk.store import queries as q
from tsk.vocab import CHANNEL, RELATIONSHIP, RESULT

KINDS = {"ack": "ack", "受理": "ack", "受理告知": "ack", "extension": "extension", "延期": "extension",
         "decision": "decision", "处理决定": "decision", "决定": "decision", "review": "review", "核查": "review",
         "核查决定": "review"}
TITLES = {"ack": "投诉受理告知书", "extension": "投诉延期处理告知书", "decision": "投诉处理决定告知书",
          "review": "投诉核查决定告知书"}
MEASURES = "《银行业保险业消费投诉处理管理办法》（中国银保监会令2020年第3号）"


@dataclass
class Letter:
    title: str
    ref: str
    to: str  # the salutation
    paragraphs: list[str] = field(default_factory=list)
    sender: str = ""
    date: str = ""
    basis: str = ""  # the rules it follows, in small print


def day(text: str | None) -> str:
    """2026年10月8日: the day of a stored date or time."""
    if not text:
        return ""
    d = dt.date.fromisoformat(text[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def due_said(text: str | None) -> str:
    """A due as a letter says it: its day, and for a clock in hours (a moment) its time, 9时00分."""
    if not text or len(text) == 10:
        return day(text)
    return f"{day(text)}{int(text[11:13])}时{text[14:16]}分"


def _contact(c: dict[str, Any], settings: dict[str, Any]) -> str:
    handler = views.joined(c["assignee_unit"] or c["unit"], c["assignee"] or c["first_handler"])
    return settings["complaint_contact"] or handler


def _to(c: dict[str, Any]) -> str:
    """Whom the letter is to: who complained — the customer, or the agent, heir or guardian who
    complained for them (中国银保监会令2020年第3号 第十三条、第十四条)."""
    return f"尊敬的{c['complainant_name'] or c['customer_name']}先生/女士"


def _subject(c: dict[str, Any]) -> str:
    on_behalf = ""
    if c["complainant_name"]:
        on_behalf = f"以{c['customer_name']}的{RELATIONSHIP.label(c['complainant_relationship']).split('/')[0]}身份"
    return f"您于{day(c['received_at'])}{on_behalf}通过{CHANNEL.label(c['channel'])}提出的投诉（编号 {c['ref']}）"


def _remedies(c: dict[str, Any], rules: Any, calendar: Any, *, review_open: bool) -> str:
    """The remedies open after a decision (中国银保监会令2020年第3号 第十九条、第二十条)."""
    routes = "向银行业保险业纠纷调解组织申请调解，或依照合同约定、法律规定申请仲裁或向人民法院提起诉讼"
    if review_open and rules.review_window is not None and c["closed_at"]:
        from tsk import timeutil
        from tsk.timeutil import due_text

        last = rules.review_window.due(calendar, timeutil.from_text(c["closed_at"]))
        return (f"如您对本处理决定有异议，可以自收到本告知之日起{rules.review_window.zh()}内（即{due_said(due_text(last))}前）"
                f"向我行上级机构书面申请核查；也可以{routes}。")
    return f"如您对本决定仍有异议，可以{routes}。"


def _last_event(events: list[dict], action: str) -> dict[str, Any] | None:
    for e in reversed(events):
        if e["action"] == action:
            return json.loads(e["details"])
    return None


def letter(ledger: Ledger, c: dict[str, Any], kind: str, events: list[dict]) -> Letter:
    """The letter of `kind` for the complaint `c`; Refused when it has nothing of the kind to tell."""
    policy = ledger.policy(c["policy"], c["policy_version"])
    rules = policy.for_case(kind=c["kind"], severity=c["severity"])
    settings = ledger.settings
    made = Letter(TITLES[kind], c["ref"], _to(c), sender=settings["institution"] or c["unit"])
    contact = f"如有疑问，请联系：{_contact(c, settings)}。"
    if kind == "ack":
        made.paragraphs = [f"{_subject(c)}，我行已经受理。我行将于{due_said(c['due'])}前作出处理决定并告知您。", contact]
        made.date, made.basis = day(c["acked_at"] or c["received_at"]), f"{policy.source}（{policy.name}）"
    elif kind == "extension":
        extended = _last_event(events, "extended")
        if extended is None:
            raise Refused(f"{c['ref']} was never extended: there is no extension to tell")
        approved = "经我行上级机构（或总行高级管理人员）审批，" if extended.get("approved_by") else ""
        made.paragraphs = [
            f"{_subject(c)}，因{extended.get('reason', '情况复杂')}，{approved}处理期限延长至"
            f"{due_said(extended.get('changes', {}).get('due'))}，我行将于该日前作出处理决定并告知您。", contact]
        made.date = day(_last_event_at(events, "extended"))
        made.basis = f"{policy.source}（{policy.name}）"
    elif kind == "decision":
        if c["status"] != "closed":
            raise Refused(f"{c['ref']} is {c['status']}: there is no decision to tell")
        comp = yuan(c["compensation_fen"])
        made.paragraphs = [
            f"{_subject(c)}，我行已经调查核实，现将处理决定告知如下：",
            f"一、处理意见：{RESULT.label(c['result'])}您的投诉请求。",
            f"二、处理情况及依据：{views.joined(c['resolution'], c['root_cause'] and '经核实，' + c['root_cause'], sep='；')}。"
            + (f"我行补偿您人民币{comp:.2f}元。" if comp else ""),
            f"三、{_remedies(c, rules, ledger.calendar, review_open=True)}", contact]
        made.date, made.basis = day(c["closed_at"]), f"{MEASURES}第十九条、第二十条；{policy.source}"
    else:
        if not c["reviewed_at"]:
            raise Refused(f"{c['ref']} has no review decided (tsk review, then tsk close)")
        made.paragraphs = [
            f"您于{day(c['review_at'])}就投诉（编号 {c['ref']}）的处理决定书面申请核查。我行已对处理过程、处理时限和处理结果"
            f"进行核查，核查决定如下：",
            f"核查意见：{RESULT.label(c['review_result'])}您的请求；{c['review_resolution']}。",
            _remedies(c, rules, ledger.calendar, review_open=False), contact]
        made.date, made.basis = day(c["reviewed_at"]), f"{MEASURES}第二十条"
    return made


def _last_event_at(events: list[dict], action: str) -> str | None:
    return next((e["at"] for e in reversed(events) if e["action"] == action), None)


# -- rendering -------------------------------------------------------------------------------------
def to_text(made: Letter) -> str:
    """The SMS or plain letter: title, salutation, paragraphs, sender and date."""
    lines = [made.title, "", f"{made.to}：", *(f"　　{p}" for p in made.paragraphs), "", made.sender, made.date]
    return "\n".join(lines)


def to_markdown(made: Letter) -> str:
    lines = [f"# {made.title}", "", f"编号 {made.ref}", "", f"{made.to}：", ""]
    for p in made.paragraphs:
        lines += [p, ""]
    lines += [f"<p align=\"right\">{made.sender}<br>{made.date}</p>", "", f"注：依据{made.basis}。"]
    return "\n".join(lines)


LETTER_CSS = """
@page { size: A4; margin: 25mm 25mm 20mm; }
body { font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 14pt;
       line-height: 1.8; color: #000; margin: 0 auto; max-width: 160mm; }
h1 { text-align: center; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 20pt;
     letter-spacing: 0.2em; margin: 0 0 4mm; }
.ref { text-align: right; font-size: 11pt; margin-bottom: 6mm; }
p { margin: 0 0 2mm; text-indent: 2em; }
p.to { text-indent: 0; }
.sign { margin-top: 12mm; text-align: right; }
.sign p { text-indent: 0; margin: 0; }
.basis { margin-top: 10mm; font-size: 10pt; text-indent: 0; }
@media print { .basis { page-break-inside: avoid; } }
"""


def to_html(made: Letter) -> str:
    e = html.escape
    body = "\n".join(f"<p>{e(p)}</p>" for p in made.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(made.title)} {e(made.ref)}</title>
<style>{LETTER_CSS}</style>
</head>
<body>
<h1>{e(made.title)}</h1>
<div class="ref">编号：{e(made.ref)}</div>
<p class="to">{e(made.to)}：</p>
{body}
<div class="sign"><p>{e(made.sender)}</p><p>{e(made.date)}</p></div>
<p class="basis">注：依据{e(made.basis)}。</p>
</body>
</html>"""


def render(ledger: Ledger, ref: str, kind: str, fmt: str = "text") -> str:
    """`tsk notice REF KIND [--format text|md|html]`."""
    from tsk.records import load

    chosen = KINDS.get(kind.strip().lower())
    if chosen is None:
        raise InvalidInput(f"notice {echo(kind)} is not one of: ack (受理), extension (延期), decision (处理决定), "
                           "review (核查)")
    c = load(ledger, ref)
    events = ledger.store.rows(q.EVENTS_OF, {"id": c["id"]})
    made = letter(ledger, c, chosen, events)
    return {"text": to_text, "md": to_markdown, "html": to_html}[fmt](made)
