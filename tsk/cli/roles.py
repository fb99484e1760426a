"""`tsk role …`: who may do what on a PostgreSQL ledger, enforced by the database (the
ledger's owner alone runs these)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tsk.cli.common import FormatOption, err, ledger_of, say
from tsk.render import output
from tsk.rights import ROLE, ROLES

app = typer.Typer(no_args_is_help=True, help="Who may do what on a PostgreSQL ledger (its owner's).")

UserArgument = Annotated[str, typer.Argument(metavar="USER", help="A PostgreSQL login role (made when missing, without a password).")]


@app.command("grant")
def role_grant(
    ctx: typer.Context,
    user: UserArgument,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="What the user may do: " + ", ".join(
        f"{key}/{label}" for key, label in ROLE.entries) + ".")],
    unit: Annotated[Optional[list[str]], typer.Option("--unit", metavar="UNIT", help=(
        "Only this unit's complaints (intake, handler and manager; repeat for several; none: every unit)."))] = None,
) -> None:
    """Give USER one role in this ledger (replacing any other it had), with exactly its rights;
    the login role is created if missing, without a password."""
    from tsk import access

    said = access.grant(ledger_of(ctx), user, role, unit or ())
    for line in said[:-1]:
        err(line)
    say(said[-1])


@app.command("revoke")
def role_revoke(ctx: typer.Context, user: UserArgument) -> None:
    """Take USER's role in this ledger away (its login role stays)."""
    from tsk import access

    say(access.revoke(ledger_of(ctx), user))


@app.command("list")
def role_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """Every user with a role in this ledger, its units, and whether it can log in."""
    from tsk import access

    rows = access.members(ledger_of(ctx))
    columns = [
        output.Column("user", "用户", no_wrap=True),
        output.Column("role", "角色", lambda key: f"{ROLES[key].label} {key}", no_wrap=True),
        output.Column("units", "单位", lambda units: "全部" if units is None else "、".join(units) or "无"),
        output.Column("login", "可登录", lambda login: "是" if login else "否"),
    ]
    output.emit(rows, columns, fmt)
