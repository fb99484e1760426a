"""The errors the core raises; the CLI turns each into `Error: ...` and its exit code, in the
language of the run. Each carries a message of `tsk.messages` and its values; `str()` of one is
its English text. `echo` is how a message shows a value the user gave."""

from __future__ import annotations

from typing import Any

from tsk import messages as msg

ECHOED = 40  # characters of a value an error message repeats


def echo(value: object, kind: str | None = None) -> str | msg.Said:
    """`value` as an error message shows it: quoted (control characters escaped), cut to its
    first ECHOED characters, and masked when it is personal data of the field table's `kind`
    (a phone or ID number never appears in an error: docs/rules.md, Data care)."""
    text = value if isinstance(value, str) else str(value)
    if kind is not None:
        from tsk.fields import mask_of  # the field table knows each kind's mask

        mask = mask_of(kind)
        if mask is not None:
            text = mask(text) or ""
    if len(text) <= ECHOED:
        return repr(text)
    return msg.ECHO_CUT(text=repr(text[:ECHOED] + "…"), length=len(text))


def named(path: object) -> str | msg.Said:
    """A file's name as a message shows it: as it is, unless it holds control characters (a
    newline would make two lines of one error): then as `echo` shows a value."""
    text = str(path)
    return text if text.isprintable() else echo(text)


def cut_values(message: str) -> str:
    """A message made elsewhere (Click's usage errors quote the value given in full) with each
    quoted value or word longer than `echo` shows cut as `echo` cuts it."""
    import re

    def cut(found: re.Match) -> str:
        word = found.group(0)
        if len(word) <= ECHOED + 2:
            return word
        return msg.shown(echo(word[1:-1])) if word[0] in "'\"" and word[-1] == word[0] else word[:ECHOED] + "…"

    return re.sub(r"'[^']*'|\"[^\"]*\"|\S+", cut, message)


class TskError(Exception):
    """Base class: the request was refused or failed (exit 1). Raised with a message of the
    catalogue and its values (`raise NotFound(msg.NO_COMPLAINT, ref=ref)`), or what another
    error said (`Said`)."""

    exit_code = 1

    def __init__(self, message: msg.Message | msg.Said, /, **values: Any) -> None:
        self.said = message if isinstance(message, msg.Said) else message(**values)
        super().__init__(self.said.text())

    def text(self, lang: str = "en") -> str:
        return self.said.text(lang)


class Unreadable(ValueError):
    """A value that cannot be read as what is wanted (a check's ValueError): the message names
    the value, its catcher adds where it was (an option, a column, a line)."""

    def __init__(self, message: msg.Message | msg.Said, /, **values: Any) -> None:
        self.said = message if isinstance(message, msg.Said) else message(**values)
        super().__init__(self.said.text())


class InvalidInput(TskError):
    """A value the user gave cannot be used: wrong enum, impossible date, bad number (exit 2)."""

    exit_code = 2


class NotFound(TskError):
    """The named complaint (or policy, setting...) does not exist (exit 1)."""


class Refused(TskError):
    """A rule forbids the change: wrong state, recusal, extension beyond the cap (exit 1)."""

