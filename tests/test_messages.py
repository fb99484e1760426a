"""The messages' catalogue (`tsk.messages`), held by tests: every error raised and every line a
command prints is a message of the catalogue with its values, never text made in one language;
each message has the same placeholders in English and Chinese, is defined once and used.
Then the languages themselves, through the real command line: Chinese with TSK_LANG=zh or a
Chinese locale, English otherwise, `Error:` and `Warning:` in both."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from tsk import messages as msg

PACKAGE = Path(__file__).resolve().parent.parent / "tsk"
CATALOGUE = sorted((PACKAGE / "messages").glob("*.py"))


def placeholders(template: str) -> set[str]:
    """The names a template fills in: `{ref}`, `{count:,}` → ref, count."""
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def entries() -> dict[str, tuple[str, msg.Message]]:
    """Every message of the catalogue: name -> (its module, the message)."""
    found: dict[str, tuple[str, msg.Message]] = {}
    for path in CATALOGUE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "M":
                for target in node.targets:
                    assert target.id not in found, f"{target.id} is in {found[target.id][0]} and {path.name}"  # type: ignore[attr-defined]
                    found[target.id] = (path.name, getattr(msg, target.id))  # type: ignore[attr-defined]
    return found


ENTRIES = entries()


def sources() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))
            if path.parent.name != "messages"}


SOURCES = sources()


# -- the catalogue ---------------------------------------------------------------------------------
def test_the_catalogue_has_its_messages():
    assert len(ENTRIES) > 300
    assert all(isinstance(m, msg.Message) for _, m in ENTRIES.values())


def test_the_index_says_each_messages_layer_as_the_layers_hold_them():
    """`msg.NAME` loads the layer the index names: a stale index would miss a new message."""
    from tsk.messages.index import NAMES

    layers = {name: layer for layer, names in NAMES.items() for name in names.split()}
    assert layers == {name: module.removesuffix(".py") for name, (module, _) in ENTRIES.items()}
    done = subprocess.run([sys.executable, "scripts/message_index.py", "--check"], cwd=PACKAGE.parent,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_unknown_message_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NO_SUCH_MESSAGE"):
        msg.NO_SUCH_MESSAGE  # noqa: B018


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_message_has_the_same_placeholders_in_both_languages(name):
    message = ENTRIES[name][1]
    assert placeholders(message.en) == placeholders(message.zh), name
    assert message.en.strip() and message.zh.strip()


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_warnings_say_warning_in_both_languages_and_errors_get_their_prefix_from_the_command_line(name):
    message = ENTRIES[name][1]
    assert message.en.startswith("Warning: ") == message.zh.startswith("Warning: "), name
    assert not message.en.startswith("Error") and not message.zh.startswith("Error"), name


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_chinese_message_is_chinese(name):
    """Beyond placeholders, options, commands and codes, a Chinese template has no English words:
    what a Chinese run prints reads as Chinese."""
    zh = re.sub(r"\{[^}]*\}|`[^`]*`|--[\w-]+|'[^']*'|\[[^\]]*\]|\$\w+|[\w.+-]*\d[\w.+-]*|\w+(?:[._]\w+)+|\w+://\S*"
                r"|\btsk(?: [a-z][\w-]*| [A-Z]+)+|pip install \S+", " ", ENTRIES[name][1].zh)
    words = set(re.findall(r"[A-Za-z]{2,}", zh)) - ALLOWED_IN_CHINESE
    assert not words, f"{name}: {words}"


# Names, formats and codes a Chinese sentence keeps as they are.
ALLOWED_IN_CHINESE = {"Warning", "tsk", "CSV", "JSON", "TOML", "UTF", "Excel", "xlsx", "xls", "ISO", "PostgreSQL", "SQLite", "URL",
                      "SQLAlchemy", "psycopg", "pip", "NUL", "YYYY", "MM", "DD", "today", "yesterday", "id", "md", "html",
                      "table", "holidays", "ref", "ack_due", "due", "cap_due", "referred_by", "referral_ref", "channel",
                      "regulator", "name", "version", "clocks", "resolution_from", "kind", "severity", "when",
                      "working_days", "calendar_days", "months", "hours", "supervision", "receipt", "ack", "detected_at",
                      "handling", "units", "FILE", "REASON", "NAME", "chmod", "or", "xlsm", "WPS", "stdin", "json", "status",
                      "openpyxl", "overrides", "agent", "heir", "guardian", "other", "extension", "decision", "review",
                      "days", "true", "false"}


def test_each_message_is_used():
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    unused = sorted(name for name in ENTRIES if not re.search(rf"\bmsg\.{name}\b", text))
    assert not unused


# -- every raise and every printed line goes through it ------------------------------------------
def _error_classes() -> set[str]:
    """TskError and every class made from it, and the checks' own errors that carry a message
    (tsk.errors.Unreadable, the import's Bad), by name across tsk/."""
    bases: dict[str, set[str]] = {}
    for tree in SOURCES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    found = {"TskError", "Unreadable", "Bad"}
    while True:
        more = {name for name, of in bases.items() if of & found} - found
        if not more:
            return found
        found |= more


ERRORS = _error_classes()
# Where the message is among the arguments of each error class (the others: the first).
MESSAGE_ARGUMENT = {"Bad": 1, "ImportFailed": 1}


def _said(node: ast.AST) -> str | None:
    """What is wrong with `node` as a message (None: fine): text made here, in one language."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return f"a string {node.value[:40]!r}"
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp):
        return "text put together with an operator"
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("str", "repr"):
            return f"{func.id}(...)"
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join"):
            return f".{func.attr}(...)"
    if isinstance(node, ast.IfExp):
        return _said(node.body) or _said(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next(filter(None, map(_said, node.elts)), None)
    if isinstance(node, ast.ListComp):
        return _said(node.elt)
    if _catalogued(node) is False:
        return f"msg.{node.attr} (not in the catalogue)"  # type: ignore[attr-defined]
    return None


def _catalogued(node: ast.AST) -> bool | None:
    """For `msg.NAME`: whether the catalogue has it; None for anything else."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "msg":
        return node.attr in ENTRIES or not node.attr.isupper()  # msg.shown, msg.Said…: the machinery
    return None


def raises() -> list[tuple[str, ast.Call]]:
    found = []
    for path, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in ERRORS:
                    found.append((f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}", node.exc))
    return found


RAISES = raises()


def test_the_errors_are_found():
    assert {"TskError", "InvalidInput", "NotFound", "Refused", "ImportFailed", "OutOfRange", "Invalid", "NotAValue",
            "Bad"} <= ERRORS
    assert len(RAISES) > 150


@pytest.mark.parametrize("where, call", RAISES, ids=[where for where, _ in RAISES])
def test_an_error_is_raised_with_a_message_of_the_catalogue(where, call):
    name = where.rsplit(" ", 1)[1]
    position = MESSAGE_ARGUMENT.get(name, 0)
    assert len(call.args) > position, where
    problem = _said(call.args[position])
    assert problem is None, f"{where}: raised with {problem}"
    message = call.args[position]
    if _catalogued(message) and not any(k.arg is None for k in call.keywords):
        given = {k.arg for k in call.keywords}
        assert given == placeholders(ENTRIES[message.attr][1].en), where  # type: ignore[attr-defined]


def message_calls() -> list[tuple[str, ast.Call]]:
    """Every `msg.NAME(...)`: a message given its values."""
    found = []
    for path, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _catalogued(node.func) and node.func.attr in ENTRIES:  # type: ignore[attr-defined]
                found.append((f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.func.attr}", node))  # type: ignore[attr-defined]
    return found


MESSAGE_CALLS = message_calls()


@pytest.mark.parametrize("where, call", MESSAGE_CALLS, ids=[where for where, _ in MESSAGE_CALLS])
def test_a_message_is_given_exactly_its_placeholders(where, call):
    if any(k.arg is None for k in call.keywords):
        return  # **values: checked where they are made
    assert not call.args, where
    name = call.func.attr
    assert {k.arg for k in call.keywords} == placeholders(ENTRIES[name][1].en), where


def test_a_message_given_as_a_value_has_no_placeholders_to_fill():
    """`what=msg.WORD_DATE`: a message said as it is, never one that needs values of its own."""
    wrong = []
    for path, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword):
                for value in ast.walk(node.value):
                    if _catalogued(value) and value.attr in ENTRIES and placeholders(ENTRIES[value.attr][1].en):  # type: ignore[attr-defined]
                        parent_calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call) and c.func is value]
                        if not parent_calls:
                            wrong.append(f"{path.name}:{node.value.lineno} {value.attr}")  # type: ignore[attr-defined]
    assert not wrong


PRINTERS = {"print", "err", "say", "warn"}


def test_the_commands_print_messages_not_text():
    """What a command prints for people goes through the catalogue: no English made in place.
    (Data is printed as it is: a date, a count, JSON, `key = value`.)"""
    wrong = []
    for path, tree in SOURCES.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in PRINTERS:
                continue
            first = node.args[0]
            parts = [first.value] if isinstance(first, ast.Constant) and isinstance(first.value, str) else [
                v.value for v in first.values if isinstance(v, ast.Constant)] if isinstance(first, ast.JoinedStr) else []
            if any(re.search(r"[A-Za-z]{2,}", part.replace("tsk", "")) for part in parts):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not wrong


# -- the language of a run -------------------------------------------------------------------------
@pytest.mark.parametrize("environ, lang", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"TSK_LANG": "zh"}, "zh"),
    ({"TSK_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"TSK_LANG": "zh", "LANG": "C"}, "zh"),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ({"TSK_LANG": " ", "LANG": "zh_CN.UTF-8"}, "zh"),
], ids=str)
def test_the_language_is_tsk_lang_then_the_locale(environ, lang):
    assert msg.chosen(environ) == lang


def test_str_of_an_error_is_english_whatever_the_run_speaks():
    from tsk.errors import NotFound

    before = msg.use("zh")
    try:
        error = NotFound(msg.NO_COMPLAINT, ref="TS-2026-000001")
        assert str(error) == "no complaint TS-2026-000001"
        assert error.text("zh") == "没有投诉 TS-2026-000001"
    finally:
        msg.use(before)
