"""The complaint lifecycle: every change to a complaint, each one transaction that writes
the change and the event explaining it (`tsk.history`: the event record and its hash chain).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from tsk import fields, timeutil, values
from tsk import messages as msg
from tsk.clocks import lapses, met_late, past
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused, echo
from tsk.history import BOOKKEEPING, append_event, canonical
from tsk.intake import Intake, Registered  # what `register` is given and returns (lifecycle.Intake, as ever)
from tsk.records import load
from tsk.sla import approval_tier, days_word, deadlines, ends, extension_room, referral_report_due, shifted, stored
from tsk.store import queries as q
from tsk.store import state
from tsk.values import optional_text, required_text
from tsk.vocab import NOTIFY_VIA, RESULT, SATISFACTION, STATUS, TOP_LEVEL


# -- input checks ------------------------------------------------------------------------------
def parse_amount(text: str | None) -> int | None:
    """Compensation in yuan (up to fen) as an integer number of fen."""
    if text is None or str(text).strip() == "":
        return None
    try:
        return values.amount_fen(text, most=fields.MAX_AMOUNT)
    except values.Invalid as exc:
        raise InvalidInput(msg.NAMED_PROBLEM, what=fields.BY_NAME["compensation"].named, problem=exc.said) from None


def event_time(ledger: Ledger, complaint: Mapping[str, Any], at: str | None) -> dt.datetime:
    """`--at`: when it happened. Not in the future, not before the complaint was received."""
    now = timeutil.now()
    if at is None:
        return now
    moment = timeutil.parse_datetime(at, what="--at")
    if moment > now:
        raise InvalidInput(msg.IN_THE_FUTURE, what="--at", value=at)
    if timeutil.to_text(moment) < complaint["received_at"]:
        raise InvalidInput(msg.AT_BEFORE_RECEIPT, at=at, ref=complaint["ref"], received=complaint["received_at"])
    return moment


def require_status(complaint: Mapping[str, Any], action: msg.Message, *allowed: str) -> None:
    """Refused unless the complaint's status is one of `allowed`; `action` says what was asked (msg.DO_…)."""
    if complaint["status"] not in allowed:
        raise Refused(msg.WRONG_STATUS, action=action, ref=complaint["ref"], status=STATUS.term(complaint["status"]))


# -- recusal (回避) ------------------------------------------------------------------------------
def recusal(c: Mapping[str, Any], person: str, act: msg.Message, override: str | None,
            instead: msg.Message | None = None) -> dict[str, str]:
    """The recusal rule (回避, 粤农信联发〔2008〕250号 第十九条; docs/rules.md, Handling), the one
    place every command asks: whoever has a direct interest in a complaint — the staff member it
    is about, or anyone marked with `--conflict` or `tsk conflict` — may not `act` on it (register
    it, handle it, decide it). Refused unless overridden; returns what the event records: the
    override's reason when one was needed, else nothing. (`instead`: what the override lets the
    command do, when not `act`.)"""
    conflicted = {c["subject_staff"], *json.loads(c["conflicts"] or "[]")} - {None}
    if person not in conflicted:
        return {}
    if override is None:
        subject = person == c["subject_staff"]
        if c.get("ref"):
            said = msg.RECUSAL_SUBJECT if subject else msg.RECUSAL_CONFLICT
            raise Refused(said, person=person, ref=c["ref"], act=act, instead=instead or act)
        said = msg.RECUSAL_SUBJECT_NEW if subject else msg.RECUSAL_CONFLICT_NEW
        raise Refused(said, person=person, act=act, instead=instead or act)
    return {"recusal_override": override}


def override_of(text: str | None) -> str | None:
    """`--override-recusal REASON`, checked as any text is."""
    return optional_text(text, "--override-recusal")


# -- intake ----------------------------------------------------------------------------------
def register(ledger: Ledger, intake: Intake, override_recusal: str | None = None) -> Registered:
    """Record a new complaint with its deadlines, flags and first handler (首问负责): who records
    it, who may therefore not be the staff member it is about (回避) without an override."""
    now = timeutil.now()
    override = override_of(override_recusal)
    if not 1 <= intake.group_size <= fields.MAX_GROUP_SIZE:
        raise InvalidInput(msg.GROUP_SIZE_RANGE, what=fields.BY_NAME["group_size"].named, most=fields.MAX_GROUP_SIZE,
                           size=intake.group_size)
    # Every stored field: as given to `tsk add`, checked, or as a new complaint has it.
    row: dict[str, Any] = {f.column: f.default for f in fields.STORED if f.default is not fields.COMPUTED}
    row.update((f.column, values.intake_value(f, getattr(intake, f.option))) for f in fields.INTAKE_FIELDS)
    received = timeutil.from_text(row["received_at"]) if row["received_at"] else now
    row["received_at"] = timeutil.to_text(received)
    try:
        values.receipt(row["received_at"], timeutil.to_text(now))
    except values.Invalid as exc:
        raise InvalidInput(msg.VALUE_PROBLEM, what="--received", value=echo(intake.received), problem=exc.said) from None
    settings = ledger.settings
    if settings["units"] and row["unit"] not in settings["units"]:
        raise InvalidInput(msg.UNIT_NOT_LISTED, value=echo(row["unit"]), units=msg.Listed(settings["units"]))
    if row["channel"] == "regulator" and not (row["referred_by"] and row["referral_ref"]):
        raise InvalidInput(msg.REFERRAL_NEEDS_SOURCE)
    _check_referral_due(row)
    if (row["complainant_name"] is None) != (row["complainant_relationship"] is None):
        raise InvalidInput(msg.COMPLAINANT_TOGETHER)
    excused = recusal(row, ledger.actor, msg.ACT_REGISTER_FIRST, override, msg.ACT_REGISTER)
    row["emergency"] = row["emergency"] or None  # not judged an emergency: the rule decides (fields.standing)
    policy = ledger.policy(row["policy"] or settings["default_policy"])
    row["form_at"] = _form_filed(row, policy, now)
    row.update(fields.opening(row, settings["group_threshold"], policy, ledger.calendar),
               policy=policy.name, policy_version=policy.version, first_handler=ledger.actor,
               late_entry=int(now - received > LATE_ENTRY))
    with ledger.store.transaction():
        earlier = _recent_decision(ledger, row, received)
        row["repeat_of"] = earlier["ref"] if earlier else None
        row["ref"] = fields.ref_of(received.year, next_ref_number(ledger.store, received.year))
        columns = [c for c in row if c not in BOOKKEEPING]
        complaint_id = ledger.store.value(q.insert_complaint([*columns, "event_count", "history_head"]),
                                          {**row, "event_count": 0, "history_head": ""})
        complaint = {**row, "id": complaint_id, "event_count": 0, "history_head": ""}
        flags = [f for f, on in (("group", row["is_group"]), ("major", row["severity"] == "major"),
                                 ("emergency", row["emergency"]), ("direct", intake.direct),
                                 ("repeat", earlier is not None), ("late-entry", row["late_entry"])) if on]
        complaint = append_event(ledger, complaint, "registered", received,
                                 {c: row[c] for c in columns}, flags=flags or None, **excused)
        # a clock already past due at registration, or met late by it (a 处理表 filed after its day)
        warnings = _record_lapses(ledger, complaint, "tsk add", met_late(complaint))
        if earlier is not None:
            linked = load(ledger, earlier["ref"], lock=True)
            warnings += _record_lapses(ledger, linked, "tsk add")
            append_event(ledger, linked, "repeat-linked", now, repeat=row["ref"],
                         note="same customer and category after a decision: tell the customer the appeal route (粤农信联发〔2008〕250号 第十六条)")
    for warning in warnings:
        ledger.warn(warning)
    return Registered(complaint, earlier["ref"] if earlier else None)


def _check_referral_due(row: Mapping[str, Any]) -> None:
    """`--referral-due`: the referring authority's own deadline, for a referred complaint only
    (粤农信联发〔2008〕250号 第十八条(二); 银监发〔2012〕13号 第十条), not before its receipt."""
    due = row["referral_due"]
    if due is None:
        return
    if row["channel"] != "regulator" and not row["referred_by"]:
        raise InvalidInput(msg.REFERRAL_DUE_NOT_REFERRED)
    if due < row["received_at"][:10]:
        raise InvalidInput(msg.BEFORE_RECEIPT, what="--referral-due", value=due, received=row["received_at"][:10])


def _form_filed(row: Mapping[str, Any], policy, now: dt.datetime) -> str | None:
    """When the 处理表 reached the 受理部门, for a policy with a form clock (粤农信联发〔2008〕250号
    第十八条(一)): as given (`--form-at`), else now, the registration. Not before receipt nor in
    the future; refused for a policy without the clock."""
    given = row["form_at"]
    if policy.for_case(kind=row["kind"], severity=row["severity"]).form is None:
        if given is not None:
            raise InvalidInput(msg.FORM_AT_NO_CLOCK, policy=policy.name, version=policy.version)
        return None
    if given is None:
        return timeutil.to_text(now)
    if given > timeutil.to_text(now):
        raise InvalidInput(msg.IN_THE_FUTURE, what="--form-at", value=given)
    if given < row["received_at"]:
        raise InvalidInput(msg.BEFORE_RECEIPT, what="--form-at", value=given, received=row["received_at"])
    return given


# A complaint recorded more than this after its receipt is a late entry (补录): recorded and
# classified within 24 hours (《金融客户服务与投诉处理规范》2.1.1, 2.2.3).
LATE_ENTRY = dt.timedelta(hours=24)


def next_ref_number(store, year: int) -> int:
    """A number never issued before in `year`: above the counter and every ref the ledger holds."""
    highest = store.value(q.HIGHEST_REF, state.year_bounds(year))
    return store.value(q.NEXT_REF, {"year": year, "floor": state.ref_number(highest) if highest else 0})


def _recent_decision(ledger: Ledger, row: Mapping[str, Any], received: dt.datetime) -> dict | None:
    if row["customer_phone"] is None and row["customer_id_number"] is None:
        return None
    since = received - dt.timedelta(days=ledger.settings["repeat_window_days"])
    return ledger.store.row(q.RECENT_DECISION, {"category": row["category"], "since": timeutil.to_text(since),
                                                "received": timeutil.to_text(received),
                                                "phone": row["customer_phone"], "id_number": row["customer_id_number"]})


# -- changes -------------------------------------------------------------------------------------
def _change(ledger: Ledger, ref: str, at: str | None, work, by: str = "tsk") -> dict[str, Any]:
    """Load the complaint locked, check `--at`, record the lapses it has not had recorded
    (`tsk.overdue.record_lapses`; "by" is the command), and let `work` append its event(s);
    the lapses' warnings once all is committed. A refused change records nothing, lapses
    included."""
    with ledger.store.transaction():
        complaint = load(ledger, ref, lock=True)
        when = event_time(ledger, complaint, at)
        warnings = _record_lapses(ledger, complaint, by)
        changed = work(complaint, when)
    for warning in warnings:
        ledger.warn(warning)
    return changed


def _record_lapses(ledger: Ledger, complaint: dict[str, Any], by: str,
                   late: list[tuple[str, str, str]] | None = None) -> list[msg.Said]:
    """`tsk.overdue.record_lapses`, imported only when the row shows a clock past due now (or
    `late`, clocks met late: `clocks.met_late`)."""
    if not late and not lapses(complaint, timeutil.AsOf.today()):
        return []
    from tsk.overdue import record_lapses as record

    return record(ledger, complaint, by, late or ())


def acknowledge(ledger: Ledger, ref: str, via: str, at: str | None = None,
                override_recusal: str | None = None) -> dict[str, Any]:
    """受理告知: the customer told of acceptance, the time limit and a contact."""
    channel, override = NOTIFY_VIA.parse(via), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_ACKNOWLEDGE, "open")
        excused = recusal(c, ledger.actor, msg.ACT_ACKNOWLEDGE, override)
        if c["acked_at"] is not None:
            raise Refused(msg.ALREADY_ACKED, ref=c["ref"], at=c["acked_at"])
        return append_event(ledger, c, "acknowledged", when, {"acked_at": timeutil.to_text(when)}, via=channel,
                            told={"due": c["due"]}, **excused)

    return _change(ledger, ref, at, work, by="tsk ack")


def assign(ledger: Ledger, ref: str, to: str, unit: str | None = None, override_recusal: str | None = None,
           at: str | None = None) -> dict[str, Any]:
    """Give the complaint its handler: neither the handler nor who assigns may have a direct
    interest in it (回避) without an override."""
    handler = required_text(to, "--to")
    override = override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_ASSIGN, "open")
        excused = (recusal(c, handler, msg.ACT_HANDLE, override, msg.ACT_ASSIGN_ANYWAY)
                   or recusal(c, ledger.actor, msg.ACT_ASSIGN, override))
        changes = {"assignee": handler, "assignee_unit": optional_text(unit, "--unit") or c["assignee_unit"]}
        return append_event(ledger, c, "assigned", when, changes, **excused)

    return _change(ledger, ref, at, work, by="tsk assign")


def declare_conflict(ledger: Ledger, ref: str, name: str, reason: str, at: str | None = None) -> dict[str, Any]:
    """Mark someone as having a direct interest: they may not be assigned without an override."""
    person, why = required_text(name, msg.WORD_NAME), required_text(reason, "--reason")

    def work(c, when):
        require_status(c, msg.DO_DECLARE_CONFLICT, "open")
        conflicts = sorted({*json.loads(c["conflicts"] or "[]"), person})
        return append_event(ledger, c, "conflict-declared", when, {"conflicts": canonical(conflicts)}, person=person,
                            reason=why)

    return _change(ledger, ref, at, work, by="tsk conflict")


def escalate(ledger: Ledger, ref: str, reason: str, to_level: int | None = None, at: str | None = None,
             override_recusal: str | None = None) -> dict[str, Any]:
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_ESCALATE, "open")
        excused = recusal(c, ledger.actor, msg.ACT_ESCALATE, override)
        action, changes = escalation(c, to_level)
        return append_event(ledger, c, action, when, changes, reason=why, **excused)

    return _change(ledger, ref, at, work, by="tsk escalate")


def escalation(c: Mapping[str, Any], to_level: int | None = None) -> tuple[str, dict[str, int]]:
    """What escalating `c` records and changes: "escalated", its level one up (or `to_level`),
    never past the top. `tsk escalate` and the nightly check's escalations alike."""
    if to_level is None and c["level"] >= TOP_LEVEL:
        raise Refused(msg.AT_TOP_LEVEL, ref=c["ref"], top=TOP_LEVEL)
    target = c["level"] + 1 if to_level is None else to_level
    if not 1 <= target <= TOP_LEVEL:
        raise InvalidInput(msg.TO_LEVEL_RANGE, top=TOP_LEVEL, level=target)
    if target <= c["level"]:
        raise Refused(msg.ALREADY_AT_LEVEL if c["level"] < TOP_LEVEL else msg.ALREADY_AT_TOP, ref=c["ref"], level=c["level"])
    return "escalated", {"level": target}


def extend(ledger: Ledger, ref: str, days: int, reason: str, notified_via: str, at: str | None = None,
           override_recusal: str | None = None, approved_by: str | None = None) -> dict[str, Any]:
    """Extend the resolution deadline by `days` in the policy's reading of a day (working days;
    calendar days under national2020), never past the policy's cap, and only on or before the
    deadline it extends (`--at`; 银监发〔2012〕13号 第九条). Beyond the policy's first extension
    tier only with the approval named (`approved_by`: the superior institution or head-office
    senior management, 中国银保监会令2020年第3号 第十八条), which the event records."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)
    approver = optional_text(approved_by, "--approved-by")
    channel = NOTIFY_VIA.parse(notified_via)
    if days < 1:
        raise InvalidInput(msg.DAYS_BELOW_1, days=days)

    def work(c, when):
        require_status(c, msg.DO_EXTEND, "open")
        excused = recusal(c, ledger.actor, msg.ACT_EXTEND, override)
        calendar, policy = ledger.calendar, ledger.policy(c["policy"], c["policy_version"])
        rules = policy.for_case(kind=c["kind"], severity=c["severity"])
        due, cap = timeutil.due_of(c["due"]), timeutil.due_of(c["cap_due"])
        if past(c["due"], timeutil.to_text(when)):  # decided, and the customer told, before the deadline (第九条)
            raise Refused(msg.EXTEND_TOO_LATE, ref=c["ref"], day=timeutil.AsOf.at(when).text, due=timeutil.due_shown(c["due"]))
        if c["paused_at"] is not None:
            raise Refused(msg.PAUSED_CANNOT, action=msg.DO_EXTEND, ref=c["ref"], since=c["paused_at"][:10])
        word = days_word(rules.reading)
        left = extension_room(rules, calendar, due, cap, c["extended_days"])
        if days > left:
            raise Refused(msg.EXTEND_PAST_CAP, ref=c["ref"], days=days, word=word, cap=timeutil.due_shown(c["cap_due"]),
                          policy=c["policy"], left=left)
        tier = approval_tier(rules, c["extended_days"], days)
        if tier is not None and approver is None:
            raise Refused(msg.EXTEND_NEEDS_APPROVAL, ref=c["ref"], tier=tier.amount, word=word)
        if rules.reading == "working_days":  # a moment keeps its time of day; working days add up from the start
            new_due = shifted(calendar, due, days)
        else:  # calendar days: counted again from the start, whole
            new_due = deadlines(policy, calendar, _clock_start(ledger, c), kind=c["kind"], severity=c["severity"],
                                report_to_regulator=False, extended_days=c["extended_days"] + days,
                                paused_days=c["paused_days"]).due
        unit = None if rules.reading == "working_days" else rules.reading  # the history says calendar days
        return append_event(ledger, c, "extended", when,
                            {"due": timeutil.due_text(new_due), "extended_days": c["extended_days"] + days},
                            days=days, unit=unit, reason=why, notified_via=channel, previous_due=c["due"],
                            approved_by=approver, **excused)

    return _change(ledger, ref, at, work, by="tsk extend")


def supervise(ledger: Ledger, ref: str, unit: str | None = None, at: str | None = None,
              override_recusal: str | None = None) -> dict[str, Any]:
    """The 督办表 was issued (粤农信联发〔2008〕250号 第十八条(一)), by `unit` (default the ledger's
    `supervising_unit`): the supervision clock stops, and handling is due 7 working days (the
    policy's resolution period) after the day it was issued, any extension re-applied, never
    past the cap. Only under a policy with a supervision clock, and once."""
    issuer = optional_text(unit, "--unit") or ledger.settings["supervising_unit"]
    override = override_of(override_recusal)
    if not issuer:
        raise InvalidInput(msg.SUPERVISING_UNIT_NEEDED)

    def work(c, when):
        policy = ledger.policy(c["policy"], c["policy_version"])
        rules = policy.for_case(kind=c["kind"], severity=c["severity"])
        if rules.supervision is None or c["supervision_due"] is None:
            raise Refused(msg.NO_SUPERVISION_CLOCK, ref=c["ref"], policy=c["policy"], version=c["policy_version"])
        require_status(c, msg.DO_SUPERVISE, "open")
        excused = recusal(c, ledger.actor, msg.ACT_SUPERVISE, override)
        if c["supervised_at"] is not None:
            raise Refused(msg.ALREADY_SUPERVISED, ref=c["ref"], at=c["supervised_at"], unit=c["supervising_unit"])
        if c["form_at"] is not None and timeutil.to_text(when) < c["form_at"]:
            raise InvalidInput(msg.AT_BEFORE_FORM, at=timeutil.to_text(when), ref=c["ref"], form_at=c["form_at"])
        changes = {"supervised_at": timeutil.to_text(when), "supervising_unit": issuer}
        if rules.resolution_from == "supervision":
            clocks = deadlines(policy, ledger.calendar, _clock_start(ledger, c), kind=c["kind"],
                               severity=c["severity"], report_to_regulator=False, form_at=_moment(c["form_at"]),
                               supervised_at=when, extended_days=c["extended_days"], paused_days=c["paused_days"])
            changes["due"] = timeutil.due_text(min(clocks.due, timeutil.due_of(c["cap_due"]), key=ends))
        return append_event(ledger, c, "supervised", when, changes, previous_due=c["due"], **excused)

    return _change(ledger, ref, at, work, by="tsk supervise")


def _moment(text: str | None) -> dt.datetime | None:
    return timeutil.from_text(text) if text else None


def note(ledger: Ledger, ref: str, text: str, at: str | None = None) -> dict[str, Any]:
    body = required_text(text, msg.WORD_NOTE)
    return _change(ledger, ref, at, lambda c, when: append_event(ledger, c, "noted", when, text=body), by="tsk note")


def notify_customer(ledger: Ledger, ref: str, via: str, text: str, at: str | None = None,
                    override_recusal: str | None = None) -> dict[str, Any]:
    channel, body, override = NOTIFY_VIA.parse(via), required_text(text, msg.WORD_MESSAGE), override_of(override_recusal)

    def work(c, when):
        excused = recusal(c, ledger.actor, msg.ACT_NOTIFY, override)
        return append_event(ledger, c, "customer-notified", when, via=channel, text=body, **excused)

    return _change(ledger, ref, at, work, by="tsk notify")


def report_to_regulator(ledger: Ledger, ref: str, text: str, at: str | None = None,
                        override_recusal: str | None = None) -> dict[str, Any]:
    """The report to the regulator (group/major/emergency, or a referral's result) was made."""
    body, override = required_text(text, msg.WORD_REPORT), override_of(override_recusal)

    def work(c, when):
        if c["report_due"] is None or c["reported_at"] is not None:
            raise Refused(msg.NO_REPORT_DUE, ref=c["ref"])
        excused = recusal(c, ledger.actor, msg.ACT_REPORT, override)
        return append_event(ledger, c, "reported", when, {"reported_at": timeutil.to_text(when)}, text=body,
                            to=c["referred_by"], **excused)

    return _change(ledger, ref, at, work, by="tsk reported")


class Outcome:
    """What `tsk close` records."""

    __slots__ = ("result", "resolution", "notified_via", "compensation", "root_cause", "rectification", "satisfaction")

    def __init__(self, result: str, resolution: str, notified_via: str, compensation: str | None = None,
                 root_cause: str | None = None, rectification: str | None = None,
                 satisfaction: str | None = None) -> None:
        self.result, self.resolution, self.notified_via = result, resolution, notified_via
        self.compensation, self.root_cause, self.rectification = compensation, root_cause, rectification
        self.satisfaction = satisfaction


def close(ledger: Ledger, ref: str, outcome: Outcome, at: str | None = None,
          override_recusal: str | None = None) -> dict[str, Any]:
    """Resolved and the customer told the result; a referred complaint's report clock starts. On a
    closed complaint under review (核查, `tsk review`), the review's decision (`review.decide`)."""
    override = override_of(override_recusal)
    changes: dict[str, Any] = {
        "status": "closed",
        "result": RESULT.parse(outcome.result),
        "resolution": required_text(outcome.resolution, "--resolution"),
        "notified_via": NOTIFY_VIA.parse(outcome.notified_via),
        "compensation_fen": parse_amount(outcome.compensation),
        "root_cause": optional_text(outcome.root_cause, "--root-cause"),
        "rectification": optional_text(outcome.rectification, "--rectification"),
        "satisfaction": SATISFACTION.parse(outcome.satisfaction) if outcome.satisfaction else None,
    }

    def work(c, when):
        if c["status"] == "closed" and c["review_due"] is not None and c["reviewed_at"] is None:
            from tsk.review import decide  # the decision of a review (核查) under way

            return decide(ledger, c, when, changes, recusal(c, ledger.actor, msg.ACT_DECIDE_REVIEW, override))
        require_status(c, msg.DO_CLOSE, "open")
        excused = recusal(c, ledger.actor, msg.ACT_CLOSE, override)
        if c["paused_at"] is not None:
            raise Refused(msg.PAUSED_CANNOT, action=msg.DO_CLOSE, ref=c["ref"], since=c["paused_at"][:10])
        changes["closed_at"] = timeutil.to_text(when)
        if c["channel"] == "regulator" or c["referred_by"]:
            policy = ledger.policy(c["policy"], c["policy_version"])
            changes["report_due"] = timeutil.due_text(referral_report_due(policy, ledger.calendar, when,
                                                                          kind=c["kind"], severity=c["severity"]))
            changes["reported_at"] = None
        return append_event(ledger, c, "closed", when, changes, **excused)

    return _change(ledger, ref, at, work, by="tsk close")


def reject(ledger: Ledger, ref: str, reason: str, notified_via: str, at: str | None = None,
           override_recusal: str | None = None) -> dict[str, Any]:
    """不予受理 (粤农信联发〔2008〕250号 第十五条): with the reason and how the customer was told."""
    changes = {"status": "rejected", "reason": required_text(reason, "--reason"),
               "notified_via": NOTIFY_VIA.parse(notified_via)}
    override = override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_REJECT, "open")
        excused = recusal(c, ledger.actor, msg.ACT_REJECT, override)
        return append_event(ledger, c, "rejected", when, {**changes, "closed_at": timeutil.to_text(when)}, **excused)

    return _change(ledger, ref, at, work, by="tsk reject")


def withdraw(ledger: Ledger, ref: str, reason: str, at: str | None = None,
             override_recusal: str | None = None) -> dict[str, Any]:
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_WITHDRAW, "open")
        excused = recusal(c, ledger.actor, msg.ACT_WITHDRAW, override)
        return append_event(ledger, c, "withdrawn", when,
                            {"status": "withdrawn", "reason": why, "closed_at": timeutil.to_text(when)}, **excused)

    return _change(ledger, ref, at, work, by="tsk withdraw")


def reopen(ledger: Ledger, ref: str, reason: str, at: str | None = None,
           override_recusal: str | None = None) -> dict[str, Any]:
    """An appeal (申诉, 粤农信联发〔2008〕250号 第二十条): open again with fresh clocks from the reopening."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_REOPEN, "closed", "rejected")
        excused = recusal(c, ledger.actor, msg.ACT_REOPEN, override)
        if timeutil.to_text(when) < c["closed_at"]:
            raise InvalidInput(msg.AT_BEFORE_DECISION, at=timeutil.to_text(when), ref=c["ref"], closed=c["closed_at"])
        policy = ledger.policy(c["policy"], c["policy_version"])
        rules = policy.for_case(kind=c["kind"], severity=c["severity"])
        form_at = when if rules.form is not None else None  # the 处理表 filed again with the appeal
        clocks = deadlines(policy, ledger.calendar, when, kind=c["kind"], severity=c["severity"],
                           report_to_regulator=False, form_at=form_at)
        due = stored(clocks)
        changes = {
            "status": "open", "reopened": c["reopened"] + 1, "reason": why,
            "ack_due": due["ack_due"], "due": due["due"], "cap_due": due["cap_due"],
            "acked_at": None, "extended_days": 0, "closed_at": None, "result": None, "resolution": None,
            "notified_via": None, "satisfaction": None, **_NEW_ROUND,
        }
        if clocks.form_due is not None and form_at is not None:
            changes.update(form_due=due["form_due"], form_at=timeutil.to_text(form_at))
        if clocks.supervision_due is not None:  # a fresh 督办表 for the new round
            changes.update(supervision_due=due["supervision_due"], supervised_at=None, supervising_unit=None)
        return append_event(ledger, c, "reopened", when, changes, **excused)

    return _change(ledger, ref, at, work, by="tsk reopen")


# What an appeal clears besides the decision: the round's clock stops and restart, its review
# (核查) and follow-up — they belonged to the decision it reopens.
_NEW_ROUND = dict.fromkeys(("paused_days", "restarted_at", "review_at", "review_due", "reviewed_at", "review_result",
                            "review_resolution", "followed_up_at", "follow_up_note"))
_NEW_ROUND["paused_days"] = 0


def _clock_start(ledger: Ledger, c: Mapping[str, Any]) -> dt.datetime:
    """When the running clocks started: receipt, the latest reopening, or new facts that
    restarted the limit since (`restarted_at`, cleared by a reopening)."""
    if c["restarted_at"] is not None:
        return timeutil.from_text(c["restarted_at"])
    if not c["reopened"]:
        return timeutil.from_text(c["received_at"])
    events = ledger.store.rows(q.EVENTS_OF, {"id": c["id"]})
    return timeutil.from_text([e for e in events if e["action"] == "reopened"][-1]["at"])


def _report_start(ledger: Ledger, c: Mapping[str, Any]) -> dt.datetime:
    """When a regulator-report clock started: receipt, or the classification that gave it one
    (`tsk classify`)."""
    for e in reversed(ledger.store.rows(q.EVENTS_OF, {"id": c["id"]})):
        if e["action"] == "classified" and "report_due" in json.loads(e["details"]).get("changes", {}):
            return timeutil.from_text(e["at"])
    return timeutil.from_text(c["received_at"])
