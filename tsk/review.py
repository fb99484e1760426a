"""After the decision: the customer's application for review (核查, `tsk review`) and its
decision (`tsk close` on a complaint under review), what the customer went on to (`tsk remedy`:
mediation, arbitration or a lawsuit), and the follow-up call (回访, `tsk follow-up`) —
中国银保监会令2020年第3号 第十九条、第二十条 (docs/rules.md, The 2020 national rules).

A review is a policy's property: the customer may apply within its `review_window` of the
decision (`closed_at`), and the review clock (`review`) runs from the application for its
`review` period, whatever the complaint's status, until the review is decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.clocks import past
from tsk.context import Ledger
from tsk.errors import InvalidInput, Refused
from tsk.history import append_event
from tsk.lifecycle import _change, override_of, recusal, require_status
from tsk.values import optional_text, required_text
from tsk.vocab import REMEDY, SATISFACTION

ARTICLE = "中国银保监会令2020年第3号 第二十条"


def under_review(c: Mapping[str, Any]) -> bool:
    """The customer applied for review and it is not decided yet."""
    return c["review_due"] is not None and c["reviewed_at"] is None


def _decided(c: Mapping[str, Any], when: dt.datetime, what: msg.Message) -> None:
    if timeutil.to_text(when) < c["closed_at"]:
        raise InvalidInput(msg.AT_BEFORE_DECISION_OF, at=timeutil.to_text(when), ref=c["ref"], closed=c["closed_at"],
                           what=what)


def apply(ledger: Ledger, ref: str, reason: str, at: str | None = None,
          override_recusal: str | None = None) -> dict[str, Any]:
    """The customer's written application for review of a decision, within the policy's window
    of it (refused after); the review clock starts."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        rules = ledger.policy(c["policy"], c["policy_version"]).for_case(kind=c["kind"], severity=c["severity"])
        if rules.review is None or rules.review_window is None:
            raise Refused(msg.NO_REVIEW, ref=c["ref"], policy=c["policy"], version=c["policy_version"], article=ARTICLE)
        require_status(c, msg.DO_REVIEW, "closed")
        excused = recusal(c, ledger.actor, msg.ACT_REVIEW, override)
        if c["review_at"] is not None:
            raise Refused(msg.ALREADY_UNDER_REVIEW, ref=c["ref"], at=c["review_at"])
        _decided(c, when, msg.AN_APPLICATION_FOR_REVIEW)
        last = timeutil.due_text(rules.review_window.due(ledger.calendar, timeutil.from_text(c["closed_at"])))
        if past(last, timeutil.to_text(when)):
            raise Refused(msg.REVIEW_TOO_LATE, ref=c["ref"], window=rules.review_window.said(), decided=c["closed_at"][:10],
                          last=timeutil.due_shown(last), article=ARTICLE)
        due = timeutil.due_text(rules.review.due(ledger.calendar, when))
        return append_event(ledger, c, "review-requested", when, {"review_at": timeutil.to_text(when), "review_due": due},
                            reason=why, **excused)

    return _change(ledger, ref, at, work, by="tsk review")


def decide(ledger: Ledger, c: dict[str, Any], when: dt.datetime, changes: Mapping[str, Any],
           excused: Mapping[str, str]) -> dict[str, Any]:
    """`tsk close` on a complaint under review: the review's decision — its result and what it
    decided, with what else the close gives (compensation, cause, rectification, satisfaction)
    where given. The decision of the complaint itself stays as it was."""
    _decided(c, when, msg.THE_REVIEW_DECISION)
    if timeutil.to_text(when) < c["review_at"]:
        raise InvalidInput(msg.AT_BEFORE_REVIEW, at=timeutil.to_text(when), review_at=c["review_at"])
    decided = {"reviewed_at": timeutil.to_text(when), "review_result": changes["result"],
               "review_resolution": changes["resolution"],
               **{k: v for k, v in changes.items() if k in ("compensation_fen", "root_cause", "rectification",
                                                            "satisfaction") and v is not None}}
    return append_event(ledger, c, "reviewed", when, decided, notified_via=changes["notified_via"], **excused)


def remedy(ledger: Ledger, ref: str, route: str, by: str | None = None, at: str | None = None,
           override_recusal: str | None = None) -> dict[str, Any]:
    """The customer went on from the decision to mediation, arbitration or a lawsuit (救济途径),
    before the body named (`by`)."""
    chosen, body, override = REMEDY.parse(route), optional_text(by, "--by"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_REMEDY, "closed", "rejected")
        excused = recusal(c, ledger.actor, msg.ACT_REMEDY, override)
        _decided(c, when, msg.A_REMEDY)
        return append_event(ledger, c, "remedy", when, {"remedy": chosen, "remedy_at": timeutil.to_text(when)},
                            by=body, **excused)

    return _change(ledger, ref, at, work, by="tsk remedy")


def follow_up(ledger: Ledger, ref: str, satisfaction: str, note: str | None = None, at: str | None = None,
              override_recusal: str | None = None) -> dict[str, Any]:
    """The follow-up call after closing (回访): the customer's satisfaction, and what they said.
    A later follow-up replaces the record's (the history keeps each)."""
    found, said, override = SATISFACTION.parse(satisfaction), optional_text(note, "--note"), override_of(override_recusal)

    def work(c, when):
        require_status(c, msg.DO_FOLLOW_UP, "closed")
        excused = recusal(c, ledger.actor, msg.ACT_FOLLOW_UP, override)
        _decided(c, when, msg.A_FOLLOW_UP)
        return append_event(ledger, c, "followed-up", when,
                            {"satisfaction": found, "followed_up_at": timeutil.to_text(when), "follow_up_note": said},
                            **excused)

    return _change(ledger, ref, at, work, by="tsk follow-up")
