"""The handling limit stopped, restarted and shared: the clock stops of appraisal, testing or
evaluation (`tsk pause`, `tsk resume`), new facts that restart the limit (`tsk restart`), and a
repeat merged into the first complaint (`tsk merge`) — 中国银保监会令2020年第3号 第十八条
(docs/rules.md, The 2020 national rules). Each is a policy's property (`clock_stops`,
`merge_repeats`): refused under a policy without it.

A clock stop is counted in the policy's reading of a day (`sla.span`): the day it began counts
as a day the clock ran; the day it ended does not (from it the clock runs again, as from a
receipt). On `resume` the stop's days join `paused_days`, and the handling deadline and the cap
are counted again from the start with every extension and stop (`sla.deadlines`): a limit in
calendar days ends where its whole length from receipt ends, rolled off a day off once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.clocks import past
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused
from tsk.history import append_event
from tsk.lifecycle import _change, _clock_start, _moment, _record_lapses, override_of, recusal, require_status
from tsk.records import load
from tsk.sla import Policy, deadlines, span
from tsk.values import required_text
from tsk.vocab import NOTIFY_VIA

ARTICLE = "中国银保监会令2020年第3号 第十八条"


def _rules(ledger: Ledger, c: Mapping[str, Any]) -> tuple[Policy, Policy]:
    """The complaint's policy, and its rules for this complaint (its overrides applied)."""
    policy = ledger.policy(c["policy"], c["policy_version"])
    return policy, policy.for_case(kind=c["kind"], severity=c["severity"])


def _allowed(c: Mapping[str, Any], rules: Policy, flag: str, what: msg.Message) -> None:
    if not getattr(rules, flag):
        raise Refused(msg.POLICY_HAS_NO, ref=c["ref"], policy=c["policy"], version=c["policy_version"], what=what,
                      article=ARTICLE, flag=flag)


def _handling(ledger: Ledger, c: Mapping[str, Any], **given: Any) -> dict[str, str]:
    """The handling deadline and cap counted again from the clocks' start (`given` replaces
    what the row says: a new start, extension or stop days)."""
    facts = {"start": _clock_start(ledger, c), "extended_days": c["extended_days"], "paused_days": c["paused_days"],
             **given}
    policy, _ = _rules(ledger, c)
    clocks = deadlines(policy, ledger.calendar, facts["start"], kind=c["kind"], severity=c["severity"],
                       report_to_regulator=False, form_at=_moment(c["form_at"]),
                       supervised_at=_moment(c["supervised_at"]), extended_days=facts["extended_days"],
                       paused_days=facts["paused_days"])
    return {"due": timeutil.due_text(clocks.due), "cap_due": timeutil.due_text(clocks.cap_due)}


# -- clock stops (鉴定、检测、评估) ---------------------------------------------------------------------
def pause(ledger: Ledger, ref: str, reason: str, notified_via: str, at: str | None = None,
          override_recusal: str | None = None) -> dict[str, Any]:
    """Stop the clocks while an outside body appraises, tests or evaluates, the customer told
    (`notified_via`). Only an open complaint, not stopped already, and while its limit runs: a
    stop after the deadline cannot make the complaint on time."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)
    channel = NOTIFY_VIA.parse(notified_via)

    def work(c, when):
        _, rules = _rules(ledger, c)
        _allowed(c, rules, "clock_stops", msg.A_CLOCK_STOP)
        require_status(c, msg.DO_PAUSE, "open")
        excused = recusal(c, ledger.actor, msg.ACT_PAUSE, override)
        if c["paused_at"] is not None:
            raise Refused(msg.ALREADY_PAUSED, ref=c["ref"], at=c["paused_at"])
        if past(c["due"], timeutil.to_text(when)):  # a stop after the deadline cannot make it on time
            raise Refused(msg.PAUSE_TOO_LATE, ref=c["ref"], day=timeutil.AsOf.at(when).text,
                          due=timeutil.due_shown(c["due"]))
        return append_event(ledger, c, "paused", when, {"paused_at": timeutil.to_text(when)}, reason=why,
                            notified_via=channel, **excused)

    return _change(ledger, ref, at, work, by="tsk pause")


def resume(ledger: Ledger, ref: str, at: str | None = None, override_recusal: str | None = None) -> dict[str, Any]:
    """The clock runs again: the stop's days (`sla.span`) join `paused_days`, and the handling
    deadline and cap move by them (counted again from the start)."""
    override = override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_RESUME, "open")
        excused = recusal(c, ledger.actor, msg.ACT_RESUME, override)
        if c["paused_at"] is None:
            raise Refused(msg.NOT_PAUSED, ref=c["ref"])
        if timeutil.to_text(when) < c["paused_at"]:
            raise InvalidInput(msg.AT_BEFORE_PAUSE, at=timeutil.to_text(when), ref=c["ref"], paused=c["paused_at"])
        _, rules = _rules(ledger, c)
        days = span(ledger.calendar, rules.reading, timeutil.from_text(c["paused_at"]).date(), when.date())
        changes = {"paused_at": None, "paused_days": c["paused_days"] + days,
                   **_handling(ledger, c, paused_days=c["paused_days"] + days)}
        return append_event(ledger, c, "resumed", when, changes, days=days, unit=rules.reading,
                            paused_from=c["paused_at"], previous_due=c["due"], **excused)

    return _change(ledger, ref, at, work, by="tsk resume")


# -- new facts: the limit runs again ---------------------------------------------------------------
def _restarted(ledger: Ledger, c: Mapping[str, Any], start) -> dict[str, Any]:
    """What restarting `c`'s limit at `start` changes: from then, with no extension or stop."""
    return {"restarted_at": timeutil.to_text(start), "extended_days": 0, "paused_days": 0,
            **_handling(ledger, c, start=start, extended_days=0, paused_days=0)}


def restart(ledger: Ledger, ref: str, reason: str, at: str | None = None, notified_via: str | None = None,
            override_recusal: str | None = None) -> dict[str, Any]:
    """New facts or reasons: the handling limit runs again from their receipt (`--at`), whole,
    its extensions and stops spent. A lapse already recorded stays."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)
    channel = NOTIFY_VIA.parse(notified_via) if notified_via else None

    def work(c, when):
        _, rules = _rules(ledger, c)
        _allowed(c, rules, "merge_repeats", msg.A_RESTART)
        require_status(c, msg.DO_RESTART, "open")
        excused = recusal(c, ledger.actor, msg.ACT_RESTART, override)
        if c["paused_at"] is not None:
            raise Refused(msg.PAUSED_RESUME_FIRST, ref=c["ref"], since=c["paused_at"][:10])
        return append_event(ledger, c, "restarted", when, _restarted(ledger, c, when), reason=why,
                            notified_via=channel, previous_due=c["due"], **excused)

    return _change(ledger, ref, at, work, by="tsk restart")


# -- a repeat merged into the first ----------------------------------------------------------------
def merge(ledger: Ledger, ref: str, into: str, reason: str, at: str | None = None, new_facts: bool = False,
          override_recusal: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The repeat `ref`, received within the limit of the first complaint `into`, is merged into
    it: `ref` is `merged` (its clocks stop, the statistics count the first alone) and the first's
    history names it. With `new_facts` the repeat brought new facts or reasons: the first's
    limit runs again from the repeat's receipt. Both are open; the repeat owes no regulator
    report (report it first). Returns (repeat, first) as they are after."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)
    warnings: list[msg.Said] = []
    first_ref = into.strip().upper()

    def work(c, when):
        first = load(ledger, first_ref, lock=True)
        if first["id"] == c["id"]:
            raise InvalidInput(msg.MERGE_INTO_ITSELF, ref=c["ref"])
        warnings.extend(_record_lapses(ledger, first, "tsk merge"))
        _, rules = _rules(ledger, first)
        _allowed(first, rules, "merge_repeats", msg.A_MERGE)
        require_status(c, msg.DO_MERGE, "open")
        require_status(first, msg.DO_MERGE_INTO, "open")
        excused = (recusal(c, ledger.actor, msg.ACT_MERGE, override)
                   or recusal(first, ledger.actor, msg.ACT_MERGE_INTO, override))
        if c["received_at"] < first["received_at"]:
            raise Refused(msg.MERGE_EARLIER, ref=c["ref"], first=first["ref"])
        if past(first["due"], c["received_at"]):
            raise Refused(msg.MERGE_AFTER_LIMIT, ref=c["ref"], received=c["received_at"][:10], first=first["ref"],
                          due=timeutil.due_shown(first["due"]), article=ARTICLE)
        if c["report_due"] is not None and c["reported_at"] is None:
            raise Refused(msg.MERGE_OWES_REPORT, ref=c["ref"], due=c["report_due"])
        repeat = append_event(ledger, c, "merged", when, {"status": "merged", "merged_into": first["ref"],
                                                          "closed_at": timeutil.to_text(when)},
                              into=first["ref"], reason=why, **excused)
        changes = _restarted(ledger, first, timeutil.from_text(c["received_at"])) if new_facts else None
        merged[0] = append_event(ledger, first, "repeat-merged", when, changes, repeat=c["ref"], reason=why,
                                 new_facts=new_facts or None, previous_due=first["due"] if new_facts else None,
                                 **excused)
        return repeat

    merged: list[dict[str, Any]] = [{}]
    repeat = _change(ledger, ref, at, work, by="tsk merge")
    for warning in warnings:
        ledger.warn(warning)
    return repeat, merged[0]
