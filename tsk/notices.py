"""What the letters (or SMS texts) to the customer tell (`tsk notice REF KIND`), from the record,
its history and its policy, and under which rule each fact is told (docs/rules.md, Notices to
the customer). The words are tsk.render.notices'; this module decides the facts, and refuses a
letter the complaint has no ground for.

- `ack` 受理告知: accepted, the time limit in the policy's terms, how to reach the bank
  (银监发〔2012〕13号 第七条; the limit, the policy's source);
- `extension` 延期告知: the new limit and its reason (银监发〔2012〕13号 第九条), and who approved
  it where the policy asks for approval (中国银保监会令2020年第3号 第十八条);
- `decision` 处理决定告知: the decision, what it rests on, and the remedies open — review (核查)
  where the policy has one, mediation, arbitration, a lawsuit (同上 第十九条、第二十条);
- `review` 核查决定告知: the review's decision, and the remedies still open (同上 第二十条、第十九条).

A letter is addressed to the complainant when one is recorded (agent, guardian, heir: 同上
第十三条、第十四条). It names the customer as every output does (a name has no mask, fields.FIELDS)
and carries no phone or ID number; the customer's postal address, on a letter addressed to them,
is masked unless `show_pii`, and an unmasked one is recorded as every unmasked output is
(`pii-shown`). Nothing else is recorded: telling the customer is recorded by the commands that
do it (`ack --via`, `extend --notified-via`, `close --notified-via`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, echo
from tsk.fields import mask_address, yuan
from tsk.settings import SETTINGS
from tsk.sla import Period
from tsk.store import queries as q
from tsk.vocab import STATUS

# Each kind by its English key or its Chinese name.
KINDS = {"ack": "ack", "受理": "ack", "受理告知": "ack",
         "extension": "extension", "延期": "extension", "延期告知": "extension",
         "decision": "decision", "处理决定": "decision", "决定": "decision", "处理结果": "decision",
         "review": "review", "核查": "review", "核查决定": "review", "核查结果": "review"}

NOTICE_2012 = "银监发〔2012〕13号"
MEASURES = "中国银保监会令2020年第3号"
# The settings a letter names its sender by; a letter sent before they are set says so (their
# defaults) and the command warns.
SENDER_SETTINGS = ("institution", "complaint_phone", "complaint_address")


@dataclass(frozen=True)
class Limit:
    """The handling limit told on acceptance: its last day, and the policy's period when that
    day is the period counted from receipt (15 日, 15 个工作日, 24 小时)."""

    due: dt.date  # a datetime for a clock in hours: a moment
    period: Period | None


@dataclass(frozen=True)
class Extension:
    days: int
    unit: str  # the policy's reading of a day: working_days or calendar_days
    previous_due: dt.date  # each a datetime for a clock in hours
    due: dt.date
    reason: str
    approved_by: str | None  # the superior institution's or senior manager's approval, when recorded


@dataclass(frozen=True)
class Decision:
    result: str  # RESULT key
    resolution: str
    root_cause: str | None
    compensation: float | None  # yuan
    at: dt.date


@dataclass(frozen=True)
class Review:
    applied: dt.date  # the customer's written application
    decided: dt.date  # the decision reviewed
    result: str
    resolution: str
    compensation: float | None


@dataclass(frozen=True)
class Remedies:
    """What the customer may go on to: review (核查) within the policy's window where it has one,
    and always mediation, arbitration or a lawsuit (中国银保监会令2020年第3号 第十九条)."""

    review_period: str | None  # `30日`
    review_by: dt.date | None  # its last day (or moment), counted from the decision as `tsk review` counts it


@dataclass(frozen=True)
class Notice:
    kind: str
    ref: str
    what: str  # KIND key: a complaint, a suggestion or an inquiry
    customer: str
    complainant: str | None  # who complained, when not the customer: the letter is addressed to them
    relationship: str | None  # RELATIONSHIP key
    address: str | None  # the customer's, on a letter addressed to them: masked unless asked
    address_unmasked: bool
    received: dt.date
    channel: str  # CHANNEL key
    unit: str  # the unit handling it
    institution: str  # the sender (settings)
    phone: str
    postal: str
    dated: dt.date  # the day of what it tells (today for an acceptance not yet recorded)
    sources: tuple[str, ...]  # each document and article it follows
    unset: tuple[str, ...] = ()  # sender settings still at their defaults
    limit: Limit | None = None
    extension: Extension | None = None
    decision: Decision | None = None
    review: Review | None = None
    remedies: Remedies | None = None


def kind_of(text: str) -> str:
    found = KINDS.get(text.strip().lower())
    if found is None:
        raise InvalidInput(msg.NOT_A_NOTICE, value=echo(text))
    return found


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _round(events: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """The events since the complaint was last reopened (an appeal starts a new round with fresh
    clocks), as (action, at, details)."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for e in events:
        if e["action"] == "reopened":
            out = []
        out.append((e["action"], e["at"], json.loads(e["details"])))
    return out


def _last(events: list[tuple[str, str, dict[str, Any]]], action: str) -> tuple[str, dict[str, Any]] | None:
    return next(((at, d) for a, at, d in reversed(events) if a == action), None)


def _limit(c: dict[str, Any], rules: Any, calendar: Any, told: str | None) -> Limit:
    """The limit as the customer was told it on acceptance (`told`), or, not told yet, as it
    stands; said in the policy's period when it is that period from receipt."""
    due = timeutil.due_of(told or c["due"])
    start = timeutil.from_text(c["received_at"])
    plain = rules.resolution_from == "receipt" and rules.resolution.due(calendar, start) == due
    return Limit(due, rules.resolution if plain else None)


def _extension(round_: list[tuple[str, str, dict[str, Any]]], c: dict[str, Any]) -> tuple[Extension, str]:
    found = _last(round_, "extended")
    if found is None:
        raise Refused(msg.NOTICE_NO_EXTENSION, ref=c["ref"])
    at, d = found
    return Extension(days=d["days"], unit=d.get("unit") or "working_days", previous_due=timeutil.due_of(d["previous_due"]),
                     due=timeutil.due_of(d["changes"]["due"]), reason=d["reason"], approved_by=d.get("approved_by")), at


def _decision(round_: list[tuple[str, str, dict[str, Any]]], c: dict[str, Any]) -> Decision:
    """The decision as it was made (the `closed` event), not as a later review changed the
    record's compensation; an imported complaint's from its record."""
    if c["status"] != "closed":
        raise Refused(msg.NOTICE_NO_DECISION, ref=c["ref"], status=STATUS.term(c["status"]))
    found = _last(round_, "closed")
    made = found[1]["changes"] if found else c
    fen = made.get("compensation_fen") if found else c["compensation_fen"]
    return Decision(result=made["result"], resolution=made["resolution"], root_cause=made.get("root_cause"),
                    compensation=yuan(fen) or None, at=_day(found[0] if found else c["closed_at"]))


def _review(round_: list[tuple[str, str, dict[str, Any]]], c: dict[str, Any]) -> Review:
    if c["reviewed_at"] is None:
        if c["review_at"]:
            raise Refused(msg.NOTICE_REVIEW_PENDING, ref=c["ref"], applied=c["review_at"][:10])
        raise Refused(msg.NOTICE_NO_REVIEW, ref=c["ref"])
    found = _last(round_, "reviewed")
    fen = found[1]["changes"].get("compensation_fen") if found else None
    return Review(applied=_day(c["review_at"]), decided=_day(c["closed_at"]), result=c["review_result"],
                  resolution=c["review_resolution"], compensation=yuan(fen) or None)


def _remedies(c: dict[str, Any], rules: Any, calendar: Any, *, review_open: bool) -> Remedies:
    if review_open and rules.review is not None and rules.review_window is not None:
        last = rules.review_window.due(calendar, timeutil.from_text(c["closed_at"]))
        return Remedies(rules.review_window.zh(), last)
    return Remedies(None, None)


def notice(ledger: Ledger, c: dict[str, Any], kind: str, events: list[dict[str, Any]], *,
           show_pii: bool = False) -> Notice:
    """The notice of `kind` (a KINDS key's value) for the complaint `c` and its `events`;
    Refused when the complaint has nothing of the kind to tell."""
    if c["status"] == "merged":
        raise Refused(msg.NOTICE_MERGED, ref=c["ref"], into=c["merged_into"])
    if kind == "ack" and c["status"] == "rejected":
        raise Refused(msg.NOTICE_REJECTED, ref=c["ref"])
    policy = ledger.policy(c["policy"], c["policy_version"])
    rules = policy.for_case(kind=c["kind"], severity=c["severity"])
    calendar, round_ = ledger.calendar, _round(events)
    facts: dict[str, Any] = {}
    if kind == "ack":
        acked = _last(round_, "acknowledged")
        told = (acked[1].get("told") or {}).get("due") if acked else None
        facts["limit"] = _limit(c, rules, calendar, told)
        dated = _day(acked[0]) if acked else timeutil.today()  # an appeal's round: not told yet
        sources = _ack_sources(policy.source)
    elif kind == "extension":
        facts["extension"], at = _extension(round_, c)
        dated = _day(at)
        sources = (f"{NOTICE_2012} 第九条", *((f"{MEASURES} 第十八条",) if rules.extension_tiers else ()))
    elif kind == "decision":
        facts["decision"] = decided = _decision(round_, c)
        facts["remedies"] = remedies = _remedies(c, rules, calendar, review_open=True)
        dated = decided.at
        sources = (f"{MEASURES} 第十九条" + ("、第二十条" if remedies.review_by else ""),)
    else:
        facts["review"] = _review(round_, c)
        facts["remedies"] = _remedies(c, rules, calendar, review_open=False)
        dated = _day(c["reviewed_at"])
        sources = (f"{MEASURES} 第二十条、第十九条",)
    if c["complainant_name"]:
        sources += (f"{MEASURES} 第十三条、第十四条",)
    settings = ledger.settings
    address = None if c["complainant_name"] else c["customer_address"]
    return Notice(
        kind=kind, ref=c["ref"], what=c["kind"], customer=c["customer_name"], complainant=c["complainant_name"],
        relationship=c["complainant_relationship"],
        address=address if show_pii else mask_address(address), address_unmasked=bool(show_pii and address),
        received=_day(c["received_at"]), channel=c["channel"], unit=c["assignee_unit"] or c["unit"],
        institution=_sender(settings, "institution"), phone=_sender(settings, "complaint_phone"),
        postal=_sender(settings, "complaint_address"), dated=dated, sources=sources,
        unset=tuple(key for key in SENDER_SETTINGS if not settings[key] or settings[key] == SETTINGS[key].default),
        **facts)


def _ack_sources(limit: str) -> tuple[str, ...]:
    """What an acceptance tells (银监发〔2012〕13号 第七条) and where its limit comes from: the
    policy's source, the 2012 notice's own 第九条 for a policy of that notice, none for a
    ledger's policy that names no source."""
    if not limit or limit.startswith(NOTICE_2012):
        return (f"{NOTICE_2012} 第七条" + ("、第九条" if limit else ""),)
    return (f"{NOTICE_2012} 第七条", limit)


def _sender(settings: dict[str, Any], key: str) -> str:
    return settings[key] or SETTINGS[key].default


def prepare(ledger: Ledger, ref: str, kind: str, *, show_pii: bool = False) -> Notice:
    """`tsk notice REF KIND`: the notice, with the settings still to set named in a warning, and
    an unmasked address recorded (`pii-shown`, in its own transaction) once the letter has its
    ground."""
    from tsk.records import load

    chosen = kind_of(kind)
    c = load(ledger, ref)
    made = notice(ledger, c, chosen, ledger.store.rows(q.EVENTS_OF, {"id": c["id"]}), show_pii=show_pii)
    if made.address_unmasked:
        from tsk.listing import record_pii_view

        record_pii_view(ledger, [c], "notice")
    if made.unset:
        ledger.warn(msg.SENDER_UNSET(keys=", ".join(made.unset)))
    return made
