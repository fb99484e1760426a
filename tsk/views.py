"""How a stored complaint is shown: the JSON of `show --format json`, masking, flags, table labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from tsk import fields
from tsk.clocks import past_due
from tsk.fields import EXPORT_FIELDS
from tsk.timeutil import AsOf, due_shown
from tsk.vocab import CATEGORY, CLOCK, LEVEL, NOTIFY_VIA, REMEDY, RESULT, SATISFACTION, SEVERITY, STATUS


def masked_details(details_json: str) -> dict[str, Any]:
    """An event's details with the customer's personal data masked in its changes (new and old values)."""
    import json  # where used: `tsk overdue` and `list` print tables without it, ~2 ms less start-up

    details = json.loads(details_json)
    for values in (details.get("changes"), details.get("was")):
        if values:
            for field in fields.PII:
                if field.name in values:
                    values[field.name] = field.mask(values[field.name])  # type: ignore[misc]
    return details


def shown(c: Mapping[str, Any], name: str, *, show_pii: bool) -> Any:
    """A stored field as shown: personal data masked unless asked for."""
    mask = fields.BY_NAME[name].mask
    return c[name] if show_pii or mask is None else mask(c[name])


def flags(c: Mapping[str, Any], today: AsOf | dt.date | None = None) -> list[str]:
    """What a reader should notice, in a fixed order; "overdue" as of `today` (`AsOf.today()`:
    so far, a clock in hours late from its minute), when given."""
    out = []
    if c["is_group"]:
        out.append("group")
    if c["severity"] == "major":
        out.append("major")
    if c["emergency"]:
        out.append("emergency")
    if c["channel"] == "regulator" or c["referred_by"]:
        out.append("referred")
    if c["direct"]:
        out.append("direct")
    if c["repeat_of"]:
        out.append("repeat")
    if c["extended_days"]:
        out.append("extended")
    if c["reopened"]:
        out.append("reopened")
    if c["late_entry"]:
        out.append("late-entry")
    if c["paused_at"]:
        out.append("paused")
    if c["review_due"] and not c["reviewed_at"]:
        out.append("review")
    if today is not None and past_due(c, today):
        out.append("overdue")
    return out


# The views' layouts, from the field table. A view starts as a copy of its template (every key
# in place, presized), then takes the stored values shown as they are at C speed; the
# customer's object, amounts, name lists and flags are set after, each in its place.
def _values_of(columns: list[str]) -> Callable[[Mapping[str, Any]], tuple]:
    """The values of `columns` of a stored row, as a tuple."""
    return itemgetter(*columns) if len(columns) > 1 else lambda c: (c[columns[0]],)


_CUSTOMER_KEY = fields.CUSTOMER.rstrip("_")
_CUSTOMER_FIELDS = tuple(f for f in fields.SHOWN if f.name.startswith(fields.CUSTOMER))
_CUSTOMER_KEYS = tuple(f.name[len(fields.CUSTOMER):] for f in _CUSTOMER_FIELDS)
_CUSTOMER_VALUES = _values_of([f.column for f in _CUSTOMER_FIELDS])
_CUSTOMER_MASKS = tuple((f.name[len(fields.CUSTOMER):], f.mask) for f in _CUSTOMER_FIELDS if f.mask)
_SET_AFTER = (fields.AMOUNT, fields.NAMES, fields.DERIVED)
_SHOW_TEMPLATE = dict.fromkeys(_CUSTOMER_KEY if f in _CUSTOMER_FIELDS else f.name for f in fields.SHOWN)
_SHOW_PLAIN = tuple(f for f in fields.SHOWN if f not in _CUSTOMER_FIELDS and f.kind not in _SET_AFTER)
_SHOW_KEYS, _SHOW_VALUES = tuple(f.name for f in _SHOW_PLAIN), _values_of([f.column for f in _SHOW_PLAIN])
_EXPORT_TEMPLATE = dict.fromkeys(EXPORT_FIELDS)
_EXPORT_PLAIN = tuple(f for f in fields.FIELDS if f.kind not in _SET_AFTER)
_EXPORT_KEYS, _EXPORT_VALUES = tuple(f.name for f in _EXPORT_PLAIN), _values_of([f.column for f in _EXPORT_PLAIN])
_AMOUNTS = tuple((f.name, f.column) for f in fields.FIELDS if f.kind == fields.AMOUNT)
_NAME_LISTS = tuple(f.name for f in fields.FIELDS if f.kind == fields.NAMES)  # JSON text: a list in `show`


def complaint_json(c: Mapping[str, Any], *, show_pii: bool, today: AsOf | dt.date | None, events=None) -> dict[str, Any]:
    """The object of `tsk show --format json` (events included when given)."""
    import json

    view = _SHOW_TEMPLATE.copy()
    view.update(zip(_SHOW_KEYS, _SHOW_VALUES(c)))
    view[_CUSTOMER_KEY] = customer = dict(zip(_CUSTOMER_KEYS, _CUSTOMER_VALUES(c)))
    if not show_pii:
        for key, mask in _CUSTOMER_MASKS:
            customer[key] = mask(customer[key])
    for name, column in _AMOUNTS:
        view[name] = fields.yuan(c[column])
    for name in _NAME_LISTS:
        view[name] = json.loads(c[name]) if c[name] else []
    view["flags"] = flags(c, today)
    if events is not None:
        # In the order things happened (an event entered later with --at takes its place);
        # `seq` is the order of the chain, which `verify` follows.
        view["events"] = [
            {"at": e["at"], "recorded_at": e["recorded_at"], "actor": e["actor"], "action": e["action"],
             "details": json.loads(e["details"]) if show_pii else masked_details(e["details"]), "seq": e["seq"]}
            for e in sorted(events, key=_HAPPENED)
        ]
    return view


_HAPPENED = itemgetter("at")  # stored times are all +08:00: as text, in time order; ties keep the chain's order


def flattened(view: Mapping[str, Any]) -> dict[str, Any]:
    """A `show` view with the customer's object as the export's fields (customer_name...)."""
    flat = {k: v for k, v in view.items() if k != _CUSTOMER_KEY}
    flat.update((fields.CUSTOMER + key, value) for key, value in view[_CUSTOMER_KEY].items())
    return flat


def export_record(c: Mapping[str, Any], *, show_pii: bool) -> dict[str, Any]:
    """One export row: every field (flags from the record alone, not from today)."""
    record = _EXPORT_TEMPLATE.copy()
    record.update(zip(_EXPORT_KEYS, _EXPORT_VALUES(c)))
    if not show_pii:
        for f in fields.PII:
            record[f.name] = f.mask(record[f.name])  # type: ignore[misc]
    for name, column in _AMOUNTS:
        record[name] = fields.yuan(c[column])
    for name in _NAME_LISTS:
        record[name] = c[name]  # as stored: JSON text
    record["flags"] = flags(c)
    return record


# Table labels (Chinese) for people.
def status_label(value: str) -> str:
    return STATUS.label(value)


def severity_label(value: str) -> str:
    return SEVERITY.label(value)


def category_label(value: str) -> str:
    return CATEGORY.label(value)


def level_label(value: int) -> str:
    return f"{value} {LEVEL.get(value, '')}".strip()


FLAG_ZH = {"group": "群体", "major": "重大", "emergency": "应急", "referred": "转办", "direct": "越级", "repeat": "重复",
           "extended": "延期", "reopened": "申诉", "late-entry": "补录", "paused": "暂停计时", "review": "核查中",
           "overdue": "逾期"}


def flags_label(values: list[str]) -> str:
    return " ".join(FLAG_ZH.get(v, v) for v in values)


# -- history, in Chinese (`show` and the forms alike) ----------------------------------------------
ACTIONS = {
    "registered": "登记受理", "imported": "导入", "acknowledged": "受理告知", "assigned": "分派处理人",
    "conflict-declared": "回避声明", "escalated": "升级", "overdue-recorded": "逾期记录", "extended": "延期",
    "noted": "备注", "customer-notified": "告知客户", "reported": "报告监管", "closed": "办结", "rejected": "不予受理",
    "withdrawn": "客户撤回", "reopened": "申诉重办", "deadlines-recomputed": "时限重算", "repeat-linked": "重复投诉关联",
    "supervised": "出具督办表", "classified": "重新分类", "pii-shown": "查看客户信息",
    # the 2020 national rules
    "paused": "暂停计时", "resumed": "恢复计时", "restarted": "重新计算时限", "merged": "合并处理",
    "repeat-merged": "合并重复投诉", "review-requested": "申请核查", "reviewed": "核查决定", "remedy": "后续救济",
    "followed-up": "回访",
}
HIDDEN_ACTIONS = {"pii-shown"}  # who looked at the record is audit, not handling: not on the forms


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def joined(*parts: str | None, sep: str = " ") -> str:
    """The parts given, empty ones left out (the history lines and the forms' cells)."""
    return sep.join(p for p in parts if p)


def _value_zh(name: str, value: Any) -> str:
    """A changed field's new value as a person reads it: vocabulary labels, amounts in yuan."""
    if value is None:
        return "（空）"
    if name == "level":
        return level_label(value)
    if name == "compensation_fen":
        return f"{value / 100:.2f} 元"
    field = fields.BY_NAME.get(name)
    if field is not None and field.vocab is not None:
        return field.vocab.label(value)
    if field is not None and field.kind == fields.FLAG:
        return "是" if value else "否"
    if field is not None and field.kind == fields.DATE:
        return due_shown(value)  # a moment as people read it
    return str(value)


def _changes_zh(changes: Mapping[str, Any]) -> str:
    shown = []
    for name, value in changes.items():
        if name in _QUIET_CHANGES:
            continue
        field = fields.BY_NAME.get(name.removesuffix("_fen"))
        shown.append(f"{field.label if field else name} → {_value_zh(name, value)}")
    return "，".join(shown)


# Changes that only repeat the event's own time, and bookkeeping not worth a reader's eye.
_QUIET_CHANGES = {"acked_at", "closed_at", "reported_at", "supervised_at", "event_count", "history_head", "paused_at",
                  "restarted_at", "review_at", "reviewed_at", "remedy_at", "followed_up_at"}


def days_said(days: Any, unit: str | None) -> str:
    """`N 个工作日` or `N 日`, as an event's details say it (no unit: working days, as before the
    2020 rules' policies read a day as a calendar day)."""
    return f"{days} 日" if unit == "calendar_days" else f"{days} 个工作日"


def _raised(level: int) -> str:
    return f"升至第{level}级 {LEVEL.get(level, '')}".strip()


def _reason_zh(reason: Any) -> Any:
    """A reason tsk itself recorded (a calendar correction's recomputation), in Chinese; an
    officer's reason as it was given."""
    if isinstance(reason, str) and reason.startswith(CALENDAR_CORRECTION):
        return "日历更正 " + reason.removeprefix(CALENDAR_CORRECTION).replace(", ", "、")
    return reason


CALENDAR_CORRECTION = "calendar correction "  # the reason tsk.admin records when a correction moves deadlines


def describe_event(action: str, d: Mapping[str, Any]) -> str:
    """What an event did, in Chinese, from its details: one line of `show`'s history and of the
    forms' 处理记录."""
    text = _event_text(action, d)
    if d.get("recusal_override") and action != "assigned":  # assigned says it in its own words
        text = joined(text, f"（回避例外：{d['recusal_override']}）")
    return text


def _event_text(action: str, d: Mapping[str, Any]) -> str:
    changes = d.get("changes", {})
    via = NOTIFY_VIA.label(d.get("via") or d.get("notified_via") or changes.get("notified_via"))
    if "clock" in d and "due" in d and "working_days_late" in d:  # a lapse, recorded by check or a later change
        lapse = f"{CLOCK.label(d['clock'])} {due_shown(d['due'])} 已过，逾期 {d['working_days_late']} 个工作日"
        level = changes.get("level")
        return joined(lapse, _raised(level) if level else "已在最高级别", sep="；")
    if action == "registered":
        return joined("首问负责人登记", ("标记：" + "、".join(FLAG_ZH.get(f, f) for f in d["flags"])) if d.get("flags") else None, sep="；")
    if action == "imported":
        return f"自 {d.get('source', '')} 导入"
    if action == "acknowledged":
        return joined(f"经{via}告知客户受理、处理时限及联系方式" if via else "告知客户受理",
                     f"时限 {due_shown(d['told']['due'])}" if isinstance(d.get("told"), dict) and d["told"].get("due") else None, sep="；")
    if action == "assigned":
        return joined(f"处理人：{changes.get('assignee', '')}", changes.get("assignee_unit"),
                     f"（回避例外：{d['recusal_override']}）" if d.get("recusal_override") else None)
    if action == "escalated":
        level = changes.get("level")
        return joined(_raised(level) if level else None, d.get("reason"), sep="；")
    if action == "extended":
        return joined(f"延期 {days_said(d.get('days'), d.get('unit'))}，处理时限 {due_shown(d.get('previous_due'))} → "
                      f"{due_shown(changes.get('due'))}", f"原因：{d['reason']}" if d.get("reason") else None,
                      f"经{d['approved_by']}批准" if d.get("approved_by") else None,
                      f"已经{via}告知客户" if via else None, sep="；")
    if action in _NATIONAL:
        return _NATIONAL[action](d, changes, via)
    if action == "supervised":
        return joined(f"督办单位：{changes.get('supervising_unit', '')}",
                     f"处理时限 {due_shown(d.get('previous_due'))} → {due_shown(changes['due'])}" if changes.get("due") else None, sep="；")
    if action == "closed":
        fen = changes.get("compensation_fen")
        return joined(RESULT.label(changes.get("result")), changes.get("resolution"),
                     f"补偿 {fen / 100:.2f} 元" if fen else None, f"已经{via}告知客户处理结果" if via else None, sep="；")
    if action in ("rejected", "withdrawn", "reopened"):
        return joined(changes.get("reason") or d.get("reason"), f"已经{via}告知客户" if via else None, sep="；")
    if action == "conflict-declared":
        return joined(f"回避人员：{d.get('person', '')}", d.get("reason"), sep="；")
    if action in ("classified", "deadlines-recomputed"):
        return joined(_changes_zh(changes), _reason_zh(d.get("reason")), sep="；")
    if action == "repeat-linked":  # its note is tsk's own (lifecycle.register): said here in Chinese
        return joined(f"关联重复投诉 {d.get('repeat', '')}", "请告知客户申诉途径（粤农信联发〔2008〕250号 第十六条）", sep="；")
    if action == "reported":
        return joined(f"报告{d['to']}" if d.get("to") else "已报告监管", d.get("text"), sep="；")
    parts = [str(v) for k, v in d.items() if k not in ("changes", "was", "via", "recusal_override")
             and isinstance(v, (str, int))]
    return joined(f"经{via}" if via else None, *parts, _changes_zh(changes) if changes else None, sep="；")


# The 2020 national rules' events, each said from its details.
_NATIONAL = {
    "paused": lambda d, changes, via: joined("暂停计时（鉴定、检测、评估期间不计入处理期限）", d.get("reason"),
                                             f"已经{via}告知客户" if via else None, sep="；"),
    "resumed": lambda d, changes, via: joined(
        f"恢复计时，暂停 {days_said(d.get('days'), d.get('unit'))}不计入", f"处理时限 {d.get('previous_due', '')} → "
        f"{changes.get('due', '')}，最长时限 → {changes.get('cap_due', '')}", sep="；"),
    "restarted": lambda d, changes, via: joined(
        "收到新的事实和理由，处理期限重新计算", f"处理时限 {d.get('previous_due', '')} → {changes.get('due', '')}",
        d.get("reason"), f"已经{via}告知客户" if via else None, sep="；"),
    "merged": lambda d, changes, via: joined(f"作为重复投诉并入 {d.get('into', '')} 合并处理", d.get("reason"), sep="；"),
    "repeat-merged": lambda d, changes, via: joined(
        f"重复投诉 {d.get('repeat', '')} 并入本件合并处理",
        f"提出新的事实和理由，处理期限重新计算：处理时限 {d.get('previous_due', '')} → {changes.get('due', '')}"
        if d.get("new_facts") else None, d.get("reason"), sep="；"),
    "review-requested": lambda d, changes, via: joined(f"客户书面申请核查，核查时限 {changes.get('review_due', '')}",
                                                       d.get("reason"), sep="；"),
    "reviewed": lambda d, changes, via: joined(
        f"核查决定：{RESULT.label(changes.get('review_result'))}", changes.get("review_resolution"),
        f"补偿 {changes['compensation_fen'] / 100:.2f} 元" if changes.get("compensation_fen") else None,
        f"已经{via}告知客户" if via else None, sep="；"),
    "remedy": lambda d, changes, via: joined(f"客户申请{REMEDY.label(changes.get('remedy'))}", d.get("by"), sep="；"),
    "followed-up": lambda d, changes, via: joined(f"回访：{SATISFACTION.label(changes.get('satisfaction'))}",
                                                  changes.get("follow_up_note"), sep="；"),
}
