"""`tsk policy …`: the deadline policies, built in and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tsk import messages as msg
from tsk.cli.common import FormatOption, ledger_of, say
from tsk.render import output

app = typer.Typer(no_args_is_help=True, help="Deadline policies.")


@app.command("list")
def policy_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """The presets and the bank's own policies, with their clocks."""
    from tsk import admin, sla

    ledger = ledger_of(ctx)
    default = ledger.policy(ledger.settings["default_policy"])
    chinese = fmt == "table"  # the table says 15个工作日; CSV and JSON keep "15 working_days"

    def said(period: sla.Period | None, after: str = "receipt") -> str | None:
        if period is None:
            return None
        if after == "receipt":
            return period.zh() if chinese else str(period)
        return f"{period.zh()}（{AFTER_ZH.get(after, after)}后）" if chinese else f"{period} after {after}"

    rows = [
        {"name": p.name, "version": p.version, "default": (p.name, p.version) == (default.name, default.version),
         "ack": said(p.ack), "form": said(p.form), "supervision": said(p.supervision),
         "resolution": said(p.resolution, p.resolution_from), "cap": said(p.cap), "report": said(p.report),
         "referral_report": said(p.referral_report), "title": p.title,
         # the 2020 rules' properties: how a day is read, the extension tiers, the review (核查)
         "days": (sla.UNIT_ZH[p.reading] if chinese else p.reading),
         "extension_tiers": ("、".join(said(t) or "" for t in p.extension_tiers) if chinese else
                             [str(t) for t in p.extension_tiers]) or None,
         "review": said(p.review)}
        for p in admin.policies(ledger)
    ]
    columns = [output.Column("name", "名称", no_wrap=True), output.Column("version", "版本", justify="right"),
               output.Column("default", "默认", show=lambda v: "✓" if v else "", drop=2),
               output.Column("ack", "受理告知"), output.Column("form", "处理表", drop=4),
               output.Column("supervision", "督办表", drop=3), output.Column("resolution", "处理时限"),
               output.Column("cap", "最长时限"), output.Column("report", "报告监管", drop=5),
               output.Column("referral_report", "转办结果报告", drop=6),
               output.Column("days", "日", drop=7), output.Column("extension_tiers", "延期档次", drop=8),
               output.Column("review", "核查", drop=9),
               output.Column("title", "说明", prose=True, drop=1)]
    output.emit(rows, columns, fmt)


AFTER_ZH = {"ack": "受理告知时限", "supervision": "督办表"}


@app.command("show")
def policy_show(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME", help="Like cbrc2012.")],
                version: Annotated[Optional[int], typer.Option(metavar="N", help="A stored version; default the newest.")] = None) -> None:
    """A policy's full definition as JSON (the form `policy add` reads)."""
    print(output.json_text(ledger_of(ctx).policy(name, version).to_mapping()))


@app.command("add")
def policy_add(ctx: typer.Context, file: Annotated[Path, typer.Argument(metavar="FILE", help="A TOML or JSON policy file.")]) -> None:
    """Store a bank's own policy from a TOML or JSON file."""
    from tsk import admin

    policy = admin.load_policy_file(file)
    admin.add_policy(ledger_of(ctx), policy)
    say(msg.POLICY_ADDED(name=policy.name, version=policy.version, ack=policy.ack.said(), resolution=policy.resolution.said(),
                         cap=policy.cap.said()))


