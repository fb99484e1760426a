"""`tsk notice REF KIND`: the letter or SMS text the customer receives, in Chinese. Thin: the
facts are tsk.notices', the words and pages tsk.render.notices'."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from tsk.cli.common import RefArgument, ledger_of

app = typer.Typer()


@app.command()
def notice(ctx: typer.Context, ref: RefArgument,
           kind: Annotated[str, typer.Argument(
               metavar="KIND", help="ack (受理: acceptance, time limit, contact), extension (延期: new limit and "
                                    "reason), decision (处理决定: result, basis, remedies) or review (核查: the "
                                    "review's decision).")],
           fmt: Annotated[Literal["text", "md", "html"], typer.Option(
               "--format", "-f", help="text: the SMS (one paragraph); md: the letter in Markdown; html: the letter "
                                      "as a page to print on A4.")] = "text",
           show_pii: Annotated[bool, typer.Option(
               "--show-pii", help="The customer's full postal address on the letter (md, html) for posting "
                                  "(recorded); the SMS carries none.")] = False) -> None:
    """The letter or SMS text to the customer, in Chinese: acceptance, extension, decision or review decision.

    Refused for a notice the complaint has no ground for (an acceptance of a rejected complaint,
    an extension never made, a decision before closing, a review not decided). The sender is
    the ledger's settings institution, complaint_phone and complaint_address (tsk config set)."""
    from tsk.render import notices

    print(notices.render(ledger_of(ctx), ref, kind, fmt, show_pii=show_pii))
