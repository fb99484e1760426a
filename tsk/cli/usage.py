"""Click's usage errors (exit 2) said in Chinese, for `tsk.cli.usage_error` in a Chinese run:
each known by its class and what Click keeps on it (the option, the parameter), and where Click
keeps nothing but its English sentence (a bad value, an unknown command) by that sentence, as
the Click vendored by the pinned typer words it. An error not known here stays Click's English
(tests/test_messages.py runs the common ones in Chinese, so a new wording shows)."""

from __future__ import annotations

import re
from typing import Any

from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption, UsageError

from tsk import messages as msg
from tsk.errors import cut_values

# What Click says of a bad value (BadParameter.message), and of a command line it cannot take.
VALUE_SENTENCES = (
    (re.compile(r"(?P<value>.+) is not one of (?P<choices>.+)\.", re.DOTALL), msg.USAGE_NOT_ONE_OF),
    (re.compile(r"(?P<value>.+) is not a valid (?P<type>int|integer|float|int range|float range)\.", re.DOTALL),
     msg.USAGE_NOT_NUMBER),
    (re.compile(r"(?P<value>.+) is not in the range (?P<range>.+)\.", re.DOTALL), msg.USAGE_NOT_IN_RANGE),
)
USAGE_SENTENCES = (
    (re.compile(r"No such command (?P<name>.+?)\. Did you mean (?P<like>.+)\?", re.DOTALL), msg.USAGE_NO_COMMAND_LIKE),
    (re.compile(r"No such command (?P<name>.+)\.", re.DOTALL), msg.USAGE_NO_COMMAND),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<values>.*)\)", re.DOTALL), msg.USAGE_EXTRA),
    (re.compile(r"Option (?P<name>.+) requires an argument\.", re.DOTALL), msg.USAGE_NEEDS_VALUE),
    (re.compile(r"Option (?P<name>.+) does not take a value\.", re.DOTALL), msg.USAGE_TAKES_NO_VALUE),
)


def said(exc: Any) -> msg.Said | None:
    """The error in the catalogue's words, or None when it is not one of those known here."""
    if isinstance(exc, MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else None)
        missing = {"option": msg.USAGE_MISSING_OPTION, "argument": msg.USAGE_MISSING_ARGUMENT}.get(kind or "")
        name = _hint(exc)
        return None if missing is None or name is None else missing(name=name)
    if isinstance(exc, BadParameter):
        problem, name = _sentence(exc.message, VALUE_SENTENCES), _hint(exc)
        return None if problem is None or name is None else msg.USAGE_INVALID(name=name, problem=problem)
    if isinstance(exc, NoSuchOption):
        name = cut_values(exc.option_name)
        if exc.possibilities:
            return msg.USAGE_NO_OPTION_LIKE(name=name, options=", ".join(sorted(exc.possibilities)))
        return msg.USAGE_NO_OPTION(name=name)
    if isinstance(exc, UsageError):
        return _sentence(exc.message, USAGE_SENTENCES)
    return None


def _sentence(text: str, sentences: tuple) -> msg.Said | None:
    for pattern, message in sentences:
        found = pattern.fullmatch(text)
        if found:
            return message(**{key: cut_values(value) for key, value in found.groupdict().items()})
    return None


def _hint(exc: Any) -> str | None:
    """The option or argument Click names (`'--via'`, `'REF'`), as it names it."""
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if hint is None:
        return None
    return hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)
