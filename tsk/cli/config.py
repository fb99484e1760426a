"""`tsk config …`: the ledger's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from tsk import messages as msg
from tsk.cli.common import FormatOption, ledger_of
from tsk.errors import NotFound, echo
from tsk.render import output

app = typer.Typer(help="Ledger settings.", invoke_without_command=True)

KeyArgument = Annotated[str, typer.Argument(metavar="KEY", help="A setting's name (see `tsk config show`).")]


@app.callback()
def config_root(ctx: typer.Context) -> None:
    """Show the ledger's settings (or `config set KEY VALUE`)."""
    if ctx.invoked_subcommand is None:
        config_show(ctx)


@app.command("show")
def config_show(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """Every setting, its value and what it means."""
    from tsk.settings import SETTINGS

    values = ledger_of(ctx).settings
    if fmt == "json":
        print(output.json_text(values))
        return
    lang = msg.language() if fmt == "table" else "en"  # CSV keeps English, as its keys
    rows = [{"key": k, "value": ",".join(v) if isinstance(v, list) else v, "meaning": SETTINGS[k].meaning.text(lang)}
            for k, v in values.items()]
    output.emit(rows, [output.Column("key", "设置"), output.Column("value", "值"), output.Column("meaning", "含义")], fmt)


@app.command("get")
def config_get(ctx: typer.Context, key: KeyArgument) -> None:
    """Print one setting."""
    values = ledger_of(ctx).settings
    if key not in values:
        raise NotFound(msg.NO_SETTING, key=echo(key), known=", ".join(values))
    value = values[key]
    print(",".join(value) if isinstance(value, list) else value)


@app.command("set")
def config_set(ctx: typer.Context, key: KeyArgument, value: Annotated[str, typer.Argument(metavar="VALUE")]) -> None:
    """Change one setting (units: a comma-separated list)."""
    from tsk import admin

    new = admin.set_setting(ledger_of(ctx), key, value)
    print(f"{key} = {','.join(new) if isinstance(new, list) else new}")  # the setting as `config get` prints it


