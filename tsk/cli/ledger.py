"""The ledger itself: `tsk init`."""

from __future__ import annotations

import typer

from tsk.cli.common import err

app = typer.Typer()


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create a new, empty ledger at --db (else $TSK_DB, else the default location); refused
    where one exists. Every other command but add, import and the calendar's computations
    needs the ledger to exist.

    Example: tsk --db ~/投诉台账/2026.db init
    """
    from tsk.context import Ledger

    state = ctx.find_root().obj
    Ledger.init(state.db, state.actor, warn=err).close()
