"""The command line as Typer declares it: each command's choices are its own (help and check are
one fact), metavars say what a value is, and every error leaves by its type with its exit code."""

from __future__ import annotations

import re
import sqlite3

import pytest
from helpers import command_paths, one_error_line, snapshot
from typer.testing import CliRunner

from tsk import cli, vocab
from tsk.cli.common import State

ADD = ["add", "--customer", "张三", "--channel", "phone", "--category", "service", "--business-type", "card",
       "--cause", "other", "--unit", "城关支行", "--summary", "ATM吞卡", "--received", "2026-08-03 10:00"]


def help_of(path: list[str]) -> str:
    run = CliRunner().invoke(cli.app, [*path, "--help"], prog_name="tsk")
    assert run.exit_code == 0, run.output
    return run.stdout


@pytest.fixture
def ref(tsk):
    run = tsk(ADD)
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()[0]


# -- help ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_value_has_a_meaningful_metavar(path):
    text = help_of(path)
    assert not re.search(r"<(str|int|path|text|integer)>", text), text
    usage = text.splitlines()[0]
    assert not re.search(r"\{[a-z_]+\}", usage), usage  # arguments by what they are: {REF}, not {ref}


@pytest.mark.parametrize("path, choices", [
    (["add"], "table|json"), (["list"], "table|csv|json"), (["show"], "table|json|md|html"),
    (["overdue"], "table|csv|json"), (["export"], "csv|json|jsonl|xlsx"),
    (["report", "half-year"], "table|csv|json|md|xlsx"),
    (["report", "stats"], "table|csv|json|xlsx"), (["report", "trend"], "table|csv|json|xlsx"),
])
def test_format_advertises_exactly_the_formats_of_its_command(path, choices):
    assert f"--format <{choices}>" in help_of(path)


def test_the_help_of_an_enumeration_lists_every_key_and_label_it_accepts():
    text = " ".join(help_of(["close"]).split())
    for table in (vocab.RESULT, vocab.NOTIFY_VIA, vocab.SATISFACTION):
        for key, label in table.entries:
            assert f"{key}/{label}" in text.replace("- ", "-")  # the help wraps after hyphens


def listed(text: str) -> set[str]:
    """`a, b, c or d` as {a, b, c, d}."""
    return {word.strip(" .\n") for word in re.split(r",|\bor\b", text) if word.strip(" .\n")}


def test_the_dimensions_of_by_are_those_reports_accept(tsk):
    helped = " ".join(help_of(["report", "stats"]).split()).replace("- ", "-")  # Click wraps at hyphens
    by = {entry.split("/")[0] for entry in listed(re.search(r"--by DIMENSION Group by: (.*?)\. ", helped).group(1))}
    refused = tsk("report stats --by colour").stderr
    assert by == {entry.split(" (")[0] for entry in listed(refused.split("is not one of:")[1])}
    assert "month" in by and "单位" in helped
    trend = " ".join(help_of(["report", "trend"]).split()).replace("- ", "-")
    stacked = re.search(r"Stack the bars by: (.*?) \(not month\)\.", trend).group(1)
    assert {entry.split("/")[0] for entry in listed(stacked)} == by


def test_the_units_of_explain_are_those_a_period_accepts():
    from tsk import sla

    helped = " ".join(help_of(["calendar", "explain"]).split())
    assert listed(re.search(r"--unit UNIT (.*?)\.", helped).group(1)) == set(sla.UNITS.values())


def test_the_forms_of_show_are_those_it_prints():
    from tsk.render import forms

    helped = " ".join(help_of(["show"]).split())
    assert set(re.findall(r"(\w+) \(客户投诉", helped)) == set(forms.FORMS.values())


# -- choices checked ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, ok", [
    ("", True), ("--format json", True), ("--format md", False), ("--format html", False), ("--format csv", False),
    ("--form handling", True), ("--form 处理表 --format md", True), ("--form handling --format html", True),
    ("--form handling --format json", False),
])
def test_show_takes_table_or_json_and_with_a_form_table_md_or_html(tsk, ref, args, ok):
    run = tsk(f"show {ref} {args}")
    if ok:
        assert run.exit_code == 0, run.stderr
    else:
        assert run.exit_code == 2
        assert "--format" in one_error_line(run)
        assert run.stdout == ""


@pytest.mark.parametrize("args, needle", [
    ("add --format csv", "'csv' is not one of 'table', 'json'"),
    ("list --format md", "'md' is not one of 'table', 'csv', 'json'"),
    ("export --format table", "'table' is not one of 'csv', 'json', 'jsonl'"),
    ("report half-year 2026H1 --format html", "'html' is not one of"),
    ("report half-year 2026H1 --lang fr", "'fr' is not one of 'zh', 'en'"),
    ("report stats --lang fr", "'fr' is not one of 'zh', 'en'"),
    ("report trend --lang fr", "'fr' is not one of 'zh', 'en'"),
])
def test_a_value_outside_the_declared_choices_is_one_usage_error(tsk, ledger_path, ref, args, needle):
    before = snapshot(ledger_path)
    run = tsk(args if not args.startswith("add") else [*ADD, "--format", "csv"])
    assert run.exit_code == 2
    assert needle in one_error_line(run)
    assert snapshot(ledger_path) == before


def test_an_enumeration_takes_the_chinese_label_too(tsk, ref):
    run = tsk(["ack", ref, "--via", "短信", "--at", "2026-08-03 11:00"])
    assert run.exit_code == 0, run.stderr
    assert "acknowledged via sms" in run.stdout  # the key it stands for


# -- errors by type ----------------------------------------------------------------------------------
def test_a_group_run_bare_prints_its_help_on_stderr_and_exits_2(tsk):
    for argv in ([], ["report"], ["calendar"]):
        run = tsk(argv)
        assert run.exit_code == 2 and run.stdout == ""
        assert run.stderr.startswith(f"Usage: {' '.join(['root', *argv])} [OPTIONS] COMMAND")  # CliRunner's name


def test_clicks_own_errors_keep_their_exit_code_and_one_line(tsk):
    run = tsk("list --limit many")
    assert run.exit_code == 2
    assert one_error_line(run) == "Error: Invalid value for '--limit': 'many' is not a valid int range."  # Click's words
    run = tsk("list --limit 100000000000000000000")  # past SQLite's 64 bits: was an OverflowError traceback
    assert one_error_line(run) == ("Error: Invalid value for '--limit': 100000000000000000000 is not in the range "
                                   "0<=x<=100000000.")


def failing_ledger(monkeypatch, exc: Exception) -> None:
    def fail(self):
        raise exc

    monkeypatch.setattr(State, "ledger", property(fail))


def test_a_sqlite_error_is_a_refusal_naming_the_ledger(tsk, monkeypatch):
    failing_ledger(monkeypatch, sqlite3.OperationalError("database is locked"))
    run = tsk("list")
    assert run.exit_code == 1
    assert one_error_line(run) == "Error: ledger database: database is locked"


def test_a_server_database_error_is_a_refusal_in_one_line(tsk, monkeypatch):
    psycopg = pytest.importorskip("psycopg")

    failing_ledger(monkeypatch, psycopg.OperationalError("connection refused\nDETAIL:  Failing row contains (13812345678)"))
    run = tsk("list")
    assert run.exit_code == 1
    assert one_error_line(run) == "Error: database: connection refused"


def test_server_database_errors_are_recognised_without_importing_psycopg(monkeypatch):
    psycopg = pytest.importorskip("psycopg")

    error = psycopg.OperationalError("connection refused")
    assert cli.is_server_database_error(error)
    assert not cli.is_server_database_error(ValueError("no"))
    monkeypatch.delitem(__import__("sys").modules, "psycopg")  # as in a process on SQLite
    assert not cli.is_server_database_error(error)


def test_any_other_exception_is_not_swallowed(tsk, monkeypatch):
    failing_ledger(monkeypatch, ZeroDivisionError("a bug"))
    with pytest.raises(ZeroDivisionError):
        tsk("list")


def test_the_lang_option_offers_exactly_the_languages_the_report_texts_have():
    from typing import get_args

    from tsk.cli import reports as cli_reports
    from tsk.render import reports as rendered

    assert get_args(get_args(cli_reports.LangOption)[0]) == rendered.LANGS
    assert all(len(pair) == len(rendered.LANGS) for pair in rendered.WORDS.values() if isinstance(pair, tuple))


# -- help: an example in every command's, and -h ----------------------------------------------------
def test_every_command_has_an_example_and_only_the_commands_have_one():
    from tsk.cli.examples import EXAMPLES

    assert sorted(EXAMPLES) == sorted(" ".join(path) for path in command_paths())


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_each_example_is_shown_in_its_help_and_parses_as_its_own_command(path):
    import shlex

    from typer.main import get_command

    from tsk.cli.examples import EXAMPLES

    example = EXAMPLES[" ".join(path)]
    assert example in " ".join(help_of(path).split()).replace("- ", "-") or "Example:" in help_of(path)
    argv = cli.hoisted(shlex.split(re.split(r" [>#] ?", example)[0])[1:])
    while argv and argv[0] in cli.ROOT_OPTIONS_WITH_VALUE:
        argv = argv[2:]
    command = get_command(cli.app)
    context = command.make_context("tsk", [], resilient_parsing=True)
    for word in path:
        assert argv[0] == word
        command, argv = command.get_command(context, word), argv[1:]
    command.make_context(" ".join(path), argv)  # unknown options, missing arguments: a UsageError


def test_dash_h_is_help_everywhere():
    for path in ([], ["ack"], ["report", "stats"]):
        run = CliRunner().invoke(cli.app, [*path, "-h"], prog_name="tsk")
        assert run.exit_code == 0 and run.stdout.startswith("Usage: tsk"), run.output
