"""How the notices to the customer read (`tsk notice REF KIND --format text|md|html`), in Chinese:
`text` is the SMS, one paragraph signed 【bank】 the way Chinese banks sign theirs; `md` and
`html` are the letter, with its recipient, numbered points, sender, date and the rules it
follows; `html` is a page to print on A4 in the frame the forms are printed in (tsk.render.page).
What each tells, and why, is tsk.notices'."""

from __future__ import annotations

import datetime as dt
import html

from tsk import notices
from tsk.context import Ledger
from tsk.notices import Notice
from tsk.render.page import page
from tsk.sla import days_zh
from tsk.vocab import CHANNEL, KIND, RELATIONSHIP, RESULT

TITLES = {"ack": "投诉受理告知书", "extension": "投诉处理延期告知书", "decision": "投诉处理决定告知书",
          "review": "投诉核查决定告知书"}
# How a complainant who is not the customer is said to have complained, by relationship.
ON_BEHALF = {"agent": "受{}委托", "heir": "作为{}的继承人", "guardian": "作为{}的监护人（法定代理人）", "other": "代{}"}
ROUTES = "向银行业保险业纠纷调解组织申请调解，或依照合同约定、法律规定申请仲裁或向人民法院提起诉讼"
ROUTES_SHORT = "申请调解、仲裁或提起诉讼"


def zh_date(day: dt.date) -> str:
    """2026年10月8日; a moment (the due of a clock in hours) with its time, 2026年10月8日9时00分."""
    said = f"{day.year}年{day.month}月{day.day}日"
    return f"{said}{day.hour}时{day.minute:02d}分" if isinstance(day, dt.datetime) else said


def _sentence(text: str) -> str:
    """A recorded text as a sentence of the letter: one full stop at its end."""
    return text.strip().rstrip("。；;，,.、 ") + "。"


def _yuan(amount: float | None) -> str:
    return f"我行补偿您人民币{amount:.2f}元。" if amount else ""


def _salutation(n: Notice) -> str:
    return f"尊敬的{n.complainant or n.customer}先生/女士"


def _subject(n: Notice) -> str:
    """您于2026年9月20日通过电话提出的投诉（编号 TS-2026-000001）, or, for a complainant who is
    not the customer, 您作为张三的继承人于…."""
    who = "您" + (ON_BEHALF.get(n.relationship or "other", ON_BEHALF["other"]).format(n.customer) if n.complainant else "")
    return f"{who}于{zh_date(n.received)}通过{CHANNEL.label(n.channel)}提出的{KIND.label(n.what)}（编号 {n.ref}）"


def _limit(n: Notice, *, short: bool = False) -> str:
    limit = n.limit
    assert limit is not None
    if limit.period is None:
        return f"于{zh_date(limit.due)}前"
    since = f"自收到{KIND.label(n.what)}" + ("时起" if limit.period.unit == "hours" else "之日起") + f"{limit.period.zh()}内"
    return f"{since}（{zh_date(limit.due)}前）" if short else f"{since}，即于{zh_date(limit.due)}前，"


def _approved(n: Notice) -> str:
    x = n.extension
    return f"经{x.approved_by}审批，" if x is not None and x.approved_by else ""


def _extended(n: Notice) -> str:
    x = n.extension
    assert x is not None
    return f"处理期限延长{x.days}{days_zh(x.unit)}，至{zh_date(x.due)}"


def _review_open(n: Notice) -> str:
    r = n.remedies
    if r is None or r.review_by is None:
        return f"如您对本处理决定有异议，可以{ROUTES}。"
    return (f"如您对本处理决定有异议，可以自本处理决定作出之日起{r.review_period}内（即{zh_date(r.review_by)}前）"
            f"向我行上级机构书面申请核查；也可以{ROUTES}。")


def _contact(n: Notice) -> str:
    return f"如有疑问，请与{n.unit}联系，或拨打我行投诉电话{n.phone}；来函请寄{n.postal}。"


def paragraphs(n: Notice) -> list[str]:
    """The letter's body, paragraph by paragraph."""
    if n.kind == "ack":
        return [f"{_subject(n)}，我行已经受理。我行将{_limit(n)}作出处理决定并告知您。", _contact(n)]
    if n.kind == "extension":
        x = n.extension
        assert x is not None
        return [f"{_subject(n)}，原定处理期限为{zh_date(x.previous_due)}。因{x.reason.strip().rstrip('。')}，"
                f"{_approved(n)}我行将{_extended(n)}，并将于该日前作出处理决定告知您。", _contact(n)]
    if n.kind == "decision":
        d = n.decision
        assert d is not None
        found = f"经核实，{_sentence(d.root_cause)}" if d.root_cause else ""
        return [f"{_subject(n)}，我行已经调查核实，于{zh_date(d.at)}作出处理决定，现告知如下：",
                f"一、处理决定：{RESULT.label(d.result)}您的投诉请求。",
                f"二、核实情况及依据：{found}{_sentence(d.resolution)}{_yuan(d.compensation)}",
                f"三、{_review_open(n)}", _contact(n)]
    r = n.review
    assert r is not None
    return [f"您就投诉（编号 {n.ref}）于{zh_date(r.decided)}作出的处理决定，于{zh_date(r.applied)}向我行书面申请核查。"
            f"我行已对该投诉的处理过程、处理时限和处理结果进行核查，于{zh_date(n.dated)}作出核查决定，现告知如下：",
            f"一、核查决定：{RESULT.label(r.result)}您的请求。{_sentence(r.resolution)}{_yuan(r.compensation)}",
            f"二、如您对核查决定仍有异议，可以{ROUTES}。", _contact(n)]


def sms(n: Notice) -> str:
    """The SMS: one paragraph, the facts alone."""
    head = f"【{n.institution}】{_salutation(n)}："
    tail = f"详询{n.phone}。"
    if n.kind == "ack":
        return f"{head}{_subject(n)}，我行已受理，将{_limit(n, short=True)}作出处理决定并告知您。{tail}"
    if n.kind == "extension":
        x = n.extension
        assert x is not None
        return f"{head}{_subject(n)}，因{x.reason.strip().rstrip('。')}，{_approved(n)}{_extended(n)}。{tail}"
    if n.kind == "decision":
        d, r = n.decision, n.remedies
        assert d is not None and r is not None
        review = f"可于{zh_date(r.review_by)}前向我行上级机构书面申请核查，也可" if r.review_by else "可"
        return (f"{head}{_subject(n)}，我行已于{zh_date(d.at)}作出处理决定：{RESULT.label(d.result)}您的投诉请求。"
                f"{_sentence(d.resolution)}{_yuan(d.compensation)}如有异议，{review}{ROUTES_SHORT}。{tail}")
    v = n.review
    assert v is not None
    return (f"{head}您对投诉（编号 {n.ref}）处理决定的核查申请，我行已于{zh_date(n.dated)}作出核查决定："
            f"{RESULT.label(v.result)}您的请求。{_sentence(v.resolution)}{_yuan(v.compensation)}"
            f"如仍有异议，可{ROUTES_SHORT}。{tail}")


def _recipient(n: Notice) -> list[tuple[str, str]]:
    if n.complainant:
        label = RELATIONSHIP.label(n.relationship) if n.relationship else "代为投诉人"
        return [("收件人", f"{n.complainant}（{n.customer}的{label}）")]
    return [("收件人", n.customer), *([("地址", n.address)] if n.address else [])]


def _basis(n: Notice) -> str:
    return f"本告知依据：{'；'.join(n.sources)}。"


def to_markdown(n: Notice) -> str:
    lines = [f"# {TITLES[n.kind]}", "", f"编号：{n.ref}", ""]
    lines += [f"{label}：{value}  " for label, value in _recipient(n)]
    lines += ["", f"{_salutation(n)}：", ""]
    for p in paragraphs(n):
        lines += [p, ""]
    lines += [f"{n.institution}  ", zh_date(n.dated), "", "---", "", _basis(n)]
    return "\n".join(lines)


# The letter's own layout, inside the frame every paper shares: a letter's margins and type.
LETTER_CSS = """
@page { margin: 25mm 25mm 20mm; }
body { font-size: 14pt; line-height: 1.8; max-width: 160mm; }
h1 { font-size: 20pt; letter-spacing: 0.2em; margin-bottom: 6mm; }
.ref { text-align: right; font-size: 11pt; }
.recipient p, p.to { text-indent: 0; margin: 0; }
.recipient { margin-bottom: 4mm; font-size: 12pt; }
p { margin: 0 0 2mm; text-indent: 2em; }
.sign { margin-top: 12mm; text-align: right; }
.sign p { text-indent: 0; margin: 0; }
.basis { margin-top: 10mm; font-size: 10pt; text-indent: 0; border-top: 1px solid #000; padding-top: 2mm; }
"""


def to_html(n: Notice) -> str:
    e = html.escape
    recipient = "".join(f"<p>{e(label)}：{e(value)}</p>" for label, value in _recipient(n))
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs(n))
    return page(f"{TITLES[n.kind]} {n.ref}", f"""<h1>{e(TITLES[n.kind])}</h1>
<p class="ref">编号：{e(n.ref)}</p>
<div class="recipient">{recipient}</div>
<p class="to">{e(_salutation(n))}：</p>
{body}
<div class="sign"><p>{e(n.institution)}</p><p>{e(zh_date(n.dated))}</p></div>
<p class="basis">{e(_basis(n))}</p>""", LETTER_CSS)


def render(ledger: Ledger, ref: str, kind: str, fmt: str = "text", *, show_pii: bool = False) -> str:
    """`tsk notice REF KIND [--format text|md|html] [--show-pii]`. An SMS carries no address,
    so `--show-pii` there shows (and records) nothing."""
    made = notices.prepare(ledger, ref, kind, show_pii=show_pii and fmt != "text")
    if fmt == "text":
        return sms(made)
    return to_html(made) if fmt == "html" else to_markdown(made)
