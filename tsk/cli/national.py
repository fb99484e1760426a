"""The commands of the 2020 national rules (中国银保监会令2020年第3号): clock stops (`pause`,
`resume`), a limit restarted by new facts (`restart`), repeats merged (`merge`), the customer's
review (`review`, decided by `close`), what followed (`remedy`), the follow-up call
(`follow-up`); the letters to the customer (`notice`) are tsk.cli.notice's. Thin: each parses its
options, calls one function of the core (tsk.stops, tsk.review) and prints."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tsk import messages as msg
from tsk import vocab
from tsk.cli.common import AtOption, OverrideOption, RefArgument, ledger_of, one_of, say
from tsk.timeutil import due_shown as shown

app = typer.Typer()

ReasonOption = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (recorded).")]


def _when(text: str | None) -> str:
    return text[:16].replace("T", " ") if text else ""


@app.command()
def pause(ctx: typer.Context, ref: RefArgument,
          reason: Annotated[str, typer.Option(metavar="TEXT", help="The appraisal, test or evaluation (鉴定、检测、评估) "
                                                                   "and who makes it.")],
          notified_via: Annotated[str, typer.Option("--notified-via", metavar="CHANNEL", help=one_of(
              vocab.NOTIFY_VIA, "How the customer was told of the stop"))],
          at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Stop a complaint's clocks while an outside body appraises, tests or evaluates (policies with clock stops)."""
    from tsk import stops

    c = stops.pause(ledger_of(ctx), ref, reason, notified_via, at, override_recusal)
    say(msg.PAUSED(ref=c["ref"], at=_when(c["paused_at"]), due=shown(c["due"])))


@app.command()
def resume(ctx: typer.Context, ref: RefArgument, at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Run a stopped clock again: the handling deadline and the cap move by the days it stood."""
    from tsk import sla, stops

    ledger = ledger_of(ctx)
    c = stops.resume(ledger, ref, at, override_recusal)
    reading = ledger.policy(c["policy"], c["policy_version"]).for_case(kind=c["kind"], severity=c["severity"]).reading
    say(msg.RESUMED(ref=c["ref"], days=c["paused_days"], word=sla.days_word(reading), due=shown(c["due"]),
                    cap=shown(c["cap_due"])))


@app.command()
def restart(ctx: typer.Context, ref: RefArgument, reason: Annotated[str, typer.Option(
                metavar="TEXT", help="The new facts or reasons (新的事实和理由).")],
            at: Annotated[Optional[str], typer.Option(
                "--at", metavar="DATE", help="When they were received (default now); not in the future nor before "
                                             "receipt.")] = None,
            notified_via: Annotated[Optional[str], typer.Option("--notified-via", metavar="CHANNEL", help=one_of(
                vocab.NOTIFY_VIA, "How the customer was told of the new limit"))] = None,
            override_recusal: OverrideOption = None) -> None:
    """New facts or reasons: the handling limit runs again from their receipt (policies that merge repeats)."""
    from tsk import stops

    c = stops.restart(ledger_of(ctx), ref, reason, at, notified_via, override_recusal)
    say(msg.RESTARTED(ref=c["ref"], at=_when(c["restarted_at"]), due=shown(c["due"]), cap=shown(c["cap_due"])))


@app.command()
def merge(ctx: typer.Context, ref: RefArgument,
          into: Annotated[str, typer.Option("--into", metavar="REF", help="The first complaint, whose limit the repeat "
                                                                          "came within.")],
          reason: ReasonOption,
          new_facts: Annotated[bool, typer.Option("--new-facts", help="The repeat brings new facts or reasons: the "
                                                                      "first's limit runs again from its receipt.")] = False,
          at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Merge a repeat of the same complaint, made within the first one's limit, into it; counted once."""
    from tsk import stops

    repeat, first = stops.merge(ledger_of(ctx), ref, into, reason, at, new_facts, override_recusal)
    if new_facts:
        say(msg.MERGED_RESTARTED(ref=repeat["ref"], first=first["ref"], due=shown(first["due"]), cap=shown(first["cap_due"])))
    else:
        say(msg.MERGED(ref=repeat["ref"], first=first["ref"]))


@app.command()
def review(ctx: typer.Context, ref: RefArgument,
           reason: Annotated[str, typer.Option(metavar="TEXT", help="What the customer's written application asks.")],
           at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """The customer applies for review (核查) of the decision; `tsk close` then records the review's decision."""
    from tsk import review as lib

    c = lib.apply(ledger_of(ctx), ref, reason, at, override_recusal)
    say(msg.REVIEW_APPLIED(ref=c["ref"], at=_when(c["review_at"]), due=shown(c["review_due"])))


@app.command()
def remedy(ctx: typer.Context, ref: RefArgument,
           route: Annotated[str, typer.Option("--route", metavar="ROUTE", help=one_of(
               vocab.REMEDY, "Where the customer went on to"))],
           by: Annotated[Optional[str], typer.Option("--by", metavar="NAME", help="The mediation body, arbitration "
                                                                                  "commission or court.")] = None,
           at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Record that the customer went on to mediation, arbitration or a lawsuit after the decision."""
    from tsk import review as lib

    c = lib.remedy(ledger_of(ctx), ref, route, by, at, override_recusal)
    remedy_said = _both(vocab.REMEDY, c["remedy"])
    say(msg.REMEDY_BEFORE(ref=c["ref"], remedy=remedy_said, by=by) if by else msg.REMEDY_RECORDED(ref=c["ref"], remedy=remedy_said))


@app.command("follow-up")
def follow_up(ctx: typer.Context, ref: RefArgument,
              satisfaction: Annotated[str, typer.Option(metavar="SATISFACTION", help=one_of(
                  vocab.SATISFACTION, "The customer's view"))],
              note: Annotated[Optional[str], typer.Option(metavar="TEXT", help="What the customer said.")] = None,
              at: AtOption = None, override_recusal: OverrideOption = None) -> None:
    """Record the follow-up call after closing (回访)."""
    from tsk import review as lib

    c = lib.follow_up(ledger_of(ctx), ref, satisfaction, note, at, override_recusal)
    say(msg.FOLLOWED_UP(ref=c["ref"], satisfaction=_both(vocab.SATISFACTION, c["satisfaction"])))


def _both(table: vocab.Vocab, key: str) -> msg.Message:
    """A value as these commands confirm it: `mediation (调解)`, in Chinese 调解."""
    return msg.term(f"{key} ({table.label(key)})", table.label(key))
