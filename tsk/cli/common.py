"""What every command module shares: stderr messages, the ledger of the invocation, options."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

EXIT_OVERDUE = 3


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class State:
    """What the root options chose; the ledger is opened on first use."""

    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db = db
        self.actor = actor
        self._ledger = None

    @property
    def ledger(self):
        if self._ledger is None:
            from tsk.context import Ledger

            self._ledger = Ledger.open(self.db, self.actor, warn=err)
        return self._ledger


def ledger_of(ctx: typer.Context):
    return ctx.find_root().obj.ledger


FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]
AtOption = Annotated[str | None, typer.Option("--at", help="When it happened (default now); not in the future nor before receipt.")]
