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


def _decided(c: Mapping[str, Any], when: dt.datetime, what: str) -> None:
    if timeutil.to_text(when) < c["closed_at"]:
        raise InvalidInput(f"--at {timeutil.to_text(when)} is before {c['ref']} was decided ({c['closed_at']}): "
                           f"{what} follows the decision")


def apply(ledger: Ledger, ref: str, reason: str, at: str | None = None,
          override_recusal: str | None = None) -> dict[str, Any]:
    """The customer's written application for review of a decision, within the policy's window
    of it (refused after); the review clock starts."""
    why, override = required_text(reason, "--reason"), override_of(override_recusal)

    def work(c, when):
        rules = ledger.policy(c["policy"], c["policy_version"]).for_case(kind=c["kind"], severity=c["severity"])
        if rules.review is None or rules.review_window is None:
            raise Refused(f"{c['ref']} is under {c['policy']} v{c['policy_version']}, which has no review (核查, "
                          f"{ARTICLE}; a policy with a review clock has)")
        require_status(c, "review", "closed")
        excused = recusal(c, ledger.actor, "review it", override)
        if c["review_at"] is not None:
            raise Refused(f"{c['ref']}'s decision is already under review, applied for at {c['review_at']}")
        _decided(c, when, "an application for review")
        last = timeutil.due_text(rules.review_window.due(ledger.calendar, timeutil.from_text(c["closed_at"])))
        if past(last, timeutil.to_text(when)):
            raise Refused(f"cannot review {c['ref']}: the customer may apply within {rules.review_window.zh()} of the "
                          f"decision ({c['closed_at'][:10]}), by {timeutil.due_shown(last)} ({ARTICLE})")
        due = timeutil.due_text(rules.review.due(ledger.calendar, when))
        return append_event(ledger, c, "review-requested", when, {"review_at": timeutil.to_text(when), "review_due": due},
                            reason=why, **excused)

    return _change(ledger, ref, at, work, by="tsk review")


def decide(ledger: Ledger, c: dict[str, Any], when: dt.datetime, changes: Mapping[str, Any],
           excused: Mapping[str, str]) -> dict[str, Any]:
    """`tsk close` on a complaint under review: the review's decision — its result and what it
    decided, with what else the close gives (compensation, cause, rectification, satisfaction)
    where given. The decision of the complaint itself stays as it was."""
    _decided(c, when, "the review's decision")
    if timeutil.to_text(when) < c["review_at"]:
        raise InvalidInput(f"--at {timeutil.to_text(when)} is before the review was applied for ({c['review_at']})")
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
        require_status(c, "record a remedy for", "closed", "rejected")
        excused = recusal(c, ledger.actor, "record its remedy", override)
        _decided(c, when, "a remedy")
        return append_event(ledger, c, "remedy", when, {"remedy": chosen, "remedy_at": timeutil.to_text(when)},
                            by=body, **excused)

    return _change(ledger, ref, at, work, by="tsk remedy")


def follow_up(ledger: Ledger, ref: str, satisfaction: str, note: str | None = None, at: str | None = None,
              override_recusal: str | None = None) -> dict[str, Any]:
    """The follow-up call after closing (回访): the customer's satisfaction, and what they said.
    A later follow-up replaces the record's (the history keeps each)."""
    found, said, override = SATISFACTION.parse(satisfaction), optional_text(note, "--note"), override_of(override_recusal)

    def work(c, when):
        require_status(c, "follow up", "closed")
        excused = recusal(c, ledger.actor, "follow it up", override)
        _decided(c, when, "a follow-up")
        return append_event(ledger, c, "followed-up", when,
                            {"satisfaction": found, "followed_up_at": timeutil.to_text(when), "follow_up_note": said},
                            **excused)

    return _change(ledger, ref, at, work, by="tsk follow-up")
