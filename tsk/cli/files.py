"""Where `export` and the reports write: a file given with `-o` (whole or not at all, readable
by its owner only: it names customers) or standard output; text, or the bytes of a workbook."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Annotated, Any, Optional

import typer

from tsk import messages as msg
from tsk.cli.common import reader_gone
from tsk.errors import InvalidInput, TskError, named

OutputOption = Annotated[Optional[str], typer.Option(
    "--output", "-o", metavar="FILE", help="Write to this file (default: standard output); "
    "whole or not at all: an earlier FILE stays as it was until the new one is complete.")]


def to_stdout(path: str | None) -> bool:
    return not path or path == "-"


def refuse_workbook_on_terminal(path: str | None) -> None:
    """A workbook is bytes, not text: written to a file (-o, or standard output redirected or
    piped), never to a terminal, where it would be noise."""
    if to_stdout(path) and sys.stdout.isatty():
        raise InvalidInput(msg.WORKBOOK_NOT_TO_TERMINAL)


@contextmanager
def output(path: str | None, *, binary: bool = False) -> Iterator[Any]:
    """UTF-8 text with no newline translation (or bytes): a file, or stdout."""
    if not to_stdout(path):
        assert path is not None
        target = os.path.realpath(path)
        if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):  # /dev/null, a pipe
            with _opened(path, target, os.O_WRONLY | os.O_TRUNC, binary) as out:
                yield out
            return
        # Whole or not at all: a temporary file beside FILE, synced, then renamed over it, so a
        # full disk or an interrupted export leaves an earlier FILE as it was.
        temp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.getpid()}.tmp")
        try:
            with _opened(path, temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, binary) as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        if binary:  # pragma: no cover - a stdout replaced by text only
            raise TskError(msg.WORKBOOK_NOT_TO_STDOUT)
        yield sys.stdout
        return
    sys.stdout.flush()
    stream: IO[Any] = buffer if binary else io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:  # `tsk export | head`: the reader has had enough
        reader_gone(sys.stdout.fileno())
    except OSError as exc:  # `tsk export > file` on a full disk
        raise TskError(msg.CANNOT_WRITE_STDOUT, reason=msg.os_reason(exc)) from None
    finally:
        if isinstance(stream, io.TextIOWrapper):
            try:
                stream.detach()
            except (ValueError, OSError):
                pass


@contextmanager
def _opened(path: str, name: str, flags: int, binary: bool) -> Iterator[IO[Any]]:
    """The file `name` (for FILE `path`) as text or bytes; a failure to open or write it is one
    error line naming FILE and the cause (a full disk: "No space left on device")."""
    try:
        with (open(os.open(name, flags, 0o600), "wb") if binary
              else open(os.open(name, flags, 0o600), "w", encoding="utf-8", newline="")) as out:
            yield out
    except OSError as exc:
        raise TskError(msg.CANNOT_WRITE, path=named(path), reason=msg.os_reason(exc)) from None
