"""Start-up, guarded rather than described: the morning commands load none of the heavy
libraries, and the pruned start-up (`invoked_command`, `app_for`) imports and builds the one
command asked for, with the same help as the whole app."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import command_paths
from typer.main import get_command
from typer.testing import CliRunner

from tsk import cli

HEAVY = {"sqlalchemy", "sqlmodel", "holidays", "rich", "pydantic", "openpyxl"}

# Runs the installed entry point, then names the top-level packages it loaded (stderr, last line).
PROBE = """
import sys
from tsk.cli import main
try:
    main()
finally:
    print("loaded:", " ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""

COMMANDS = list(get_command(cli.app).commands)


@pytest.fixture
def one_complaint(tsk):
    from tsk import workdays

    workdays.package_calendar()  # the holidays cache is written: only its first run imports holidays
    run = tsk(["add", "--customer", "张三", "--phone", "13812345678", "--channel", "电话", "--category", "服务类",
               "--business-type", "card", "--cause", "service-quality", "--unit", "城关支行", "--summary", "ATM吞卡",
               "--received", "2026-08-03 10:00"])
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


@pytest.mark.parametrize("argv", [["overdue"], ["overdue", "--format", "json"], ["list"], ["list", "--format", "csv"],
                                  ["show", "REF"], ["show", "REF", "--format", "json"]], ids=" ".join)
def test_the_morning_commands_load_no_heavy_library(one_complaint, argv):
    argv = [one_complaint if arg == "REF" else arg for arg in argv]
    r = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout
    loaded = set(r.stderr.splitlines()[-1].removeprefix("loaded: ").split())
    assert "tsk" in loaded
    assert loaded & HEAVY == set()


def loaded_by(argv: list[str]) -> set[str]:
    r = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return set(r.stderr.splitlines()[-1].removeprefix("loaded: ").split())


@pytest.mark.parametrize("argv", [["export"], ["export", "-f", "json"], ["import", "FILE"],
                                  ["report", "stats", "-f", "csv"], ["report", "half-year", "2026H2", "-f", "md"]],
                         ids=" ".join)
def test_openpyxl_is_loaded_only_for_a_workbook(one_complaint, tmp_path, argv):
    if "FILE" in argv:
        (tmp_path / "in.csv").write_text(subprocess.run([sys.executable, "-m", "tsk", "export", "--show-pii"],
                                                        capture_output=True, text=True, check=True).stdout)
        argv = ["--db", str(tmp_path / "other.db"), *[str(tmp_path / "in.csv") if a == "FILE" else a for a in argv]]
    assert "openpyxl" not in loaded_by(argv)
    assert "openpyxl" in loaded_by(["export", "-f", "xlsx", "-o", str(tmp_path / "out.xlsx")])


# -- the pruned start-up -----------------------------------------------------------------------
@pytest.mark.parametrize("argv, name", [
    (["list"], "list"),
    (["list", "--db", "x.db"], "list"),
    (["--db", "x.db", "list", "--limit", "5"], "list"),
    (["--db=x.db", "--as", "张敏", "show", "TS-2026-000001"], "show"),
    (["--as=张敏", "report", "half-year", "2026H1"], "report"),
    (["--db", "show", "list"], "list"),  # a root option's value is never taken for the command
    (["frobnicate"], "frobnicate"),
    ([], None),
    (["--help"], None),
    (["--version"], None),
    (["--db", "x.db"], None),
    (["--db", "x.db", "--help", "list"], None),
])
def test_invoked_command_is_the_first_word_past_the_root_options(argv, name):
    assert cli.invoked_command(argv) == name


def test_the_table_of_command_modules_is_what_the_modules_register():
    registered = {}
    for module, group in cli.MODULES:
        names = [group] if group else [cli.command_name(c) for c in cli.command_module(module).registered_commands]
        registered.update(dict.fromkeys(names, module))
    assert cli.COMMANDS == registered
    assert list(registered) == COMMANDS  # and in the order of `tsk --help`


@pytest.mark.parametrize("name", COMMANDS)
def test_a_run_builds_only_its_own_command(name):
    assert list(get_command(cli.app_for(name)).commands) == [name]


def test_a_run_imports_only_its_own_command_module():
    probe = ("import sys\nfrom tsk import cli\ncli.app_for('show')\n"
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('tsk.cli.'))))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert r.stdout.split() == ["tsk.cli.common", "tsk.cli.complaints"]


def test_an_unknown_command_gets_the_whole_app_for_clicks_message(monkeypatch, capsys):
    assert cli.app_for("frobnicate") is None
    monkeypatch.setattr(sys, "argv", ["tsk", "lst"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    assert capsys.readouterr().err == "Error: No such command 'lst'. Did you mean 'list'?\n"


def help_text(argv: list[str], app) -> str:
    run = CliRunner().invoke(app, [*argv, "--help"], prog_name="tsk")
    assert run.exit_code == 0, run.output
    return run.stdout


@pytest.mark.parametrize("path", [[name] for name in COMMANDS if [name] not in command_paths()] + command_paths(),
                         ids=" ".join)
def test_a_pruned_app_gives_each_command_the_full_apps_help(path):
    assert help_text(path, cli.app_for(path[0])) == help_text(path, cli.app)


# Which layers of the message catalogue (tsk.messages) a run loaded (stderr, last line).
LAYERS_PROBE = PROBE.replace('" ".join(sorted({name.split(".")[0] for name in sys.modules}))',
                             '" ".join(sorted(n for n in sys.modules if n.startswith("tsk.messages.")))')


@pytest.mark.parametrize("argv", [["show", "REF"], ["list"], ["overdue"], ["show", "TS-2026-999999"]], ids=" ".join)
def test_a_run_loads_only_the_layers_of_messages_it_names(one_complaint, argv):
    """A morning command, and a refusal, load the values' layer (its help's date forms) and at
    most the one the line it prints is in, never the whole catalogue."""
    argv = [one_complaint if arg == "REF" else arg for arg in argv]
    r = subprocess.run([sys.executable, "-c", LAYERS_PROBE, *argv], capture_output=True, text=True, timeout=120)
    loaded = {name.removeprefix("tsk.messages.") for name in r.stderr.splitlines()[-1].removeprefix("loaded: ").split()}
    assert "values" in loaded and len(loaded - {"index", "values"}) <= 1, r.stderr
