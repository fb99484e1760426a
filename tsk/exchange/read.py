"""Reading a file for `tsk import`: CSV (with or without a BOM, any line ends), a JSON array
(parsed incrementally) or JSON lines, in batches of records, each with the line it starts on
(an Excel workbook: `tsk.exchange.workbook`, each record with its row); and what a problem
found in a file looks like."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from tsk import baseline
from tsk import messages as msg
from tsk.errors import TskError, named
from tsk.fields import EXPORT_FIELDS, MAX_TEXT, REQUIRED
from tsk.render.output import from_spreadsheet

BATCH = 5000
ZIP = b"PK\x03\x04"  # how an .xlsx file (a zip archive) starts
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an .xls, or a password-protected .xlsx, starts
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
NUL = baseline.SEPARATOR  # never in imported text (refused): the baseline digest joins values with it
_NUL_BYTE = NUL.encode()


# -- import: problems ------------------------------------------------------------------------
class ImportFailed(TskError):
    """The file has problems; nothing was written. `problems` lists the first of them."""

    def __init__(self, source: str | msg.Said, problems: list[msg.Said], total: int) -> None:
        self.source = source
        self.problems = problems
        self.total = total
        if total > len(problems):
            super().__init__(msg.IMPORT_FAILED_FIRST, total=total, source=source, shown=len(problems))
        else:
            super().__init__(msg.IMPORT_FAILED, total=total, source=source)


def at(source: str | msg.Said, where: msg.Said, problem: msg.Message | msg.Said, field: Any = None) -> msg.Said:
    """One problem of a file, as listed: the file, where in it (a line, a record, a row), the
    field when one is to blame, and what is wrong."""
    if field is None:
        return msg.PROBLEM_AT(source=source, where=where, problem=problem)
    return msg.PROBLEM_AT_FIELD(source=source, where=where, field=field, problem=problem)


class Bad(Exception):
    """One field of one record is wrong."""

    def __init__(self, field: str | None, message: msg.Message | msg.Said, /, **values: Any) -> None:
        self.message = message if isinstance(message, msg.Said) else message(**values)
        super().__init__(self.message.text())
        self.field = field


def _clean(value: Any) -> Any:
    if value.__class__ is str:
        return value.strip() or None
    return value


# -- import: reading the file ------------------------------------------------------------------
@dataclass
class Batch:
    """Up to BATCH records in file order. CSV rows come as read (unstripped values by header
    position, checked column by column); JSON records as cleaned objects, checked one by one."""

    first: int  # the number of its first record in the file, counted from 0
    lines: list[int]  # the line each record starts on
    rows: list[list[str]] | None = None
    objects: list[dict[str, Any]] | None = None
    bad: dict[int, Bad] = field(default_factory=dict)  # problems the reader found, by position in the batch


class Source:
    """The file (or stdin) as text, its format, and how far it has been read."""

    def __init__(self, path: str, stdin: IO[bytes] | None = None) -> None:
        self.name = "stdin" if path == "-" else named(path)
        if path == "-":
            raw: Any = stdin if stdin is not None else sys.stdin.buffer
            self.size = None
        else:
            try:
                raw = open(path, "rb")  # noqa: SIM115 - closed in close()
                self.size = os.fstat(raw.fileno()).st_size
            except OSError as exc:
                raise TskError(msg.CANNOT_READ, path=self.name, reason=msg.os_reason(exc)) from None
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)
        self.raw = raw
        start = raw.peek(64)[:64]
        head = start.lstrip(b"\xef\xbb\xbf \t\r\n")
        self.format = "json" if head.startswith(b"[") else "jsonl" if head.startswith(b"{") else "csv"
        if start.startswith(OLE):
            if path != "-":
                raw.close()
            raise ImportFailed(self.name, [msg.XLS_UNREADABLE(name=self.name)], 1)
        if start.startswith(ZIP) or path.lower().endswith(WORKBOOK_SUFFIXES):
            self.format = "xlsx"
        self.columns: dict[str, msg.Said] = {}  # how a problem names a field's column, where not "field NAME"
        self.sheet: str | msg.Said = ""  # a workbook's sheet, as a problem names it when there are several
        # A CSV with a BOM is taken for `export --excel` output (or a spreadsheet's): the `'`
        # put before cells a spreadsheet would run as formulas is taken off again.
        self.from_spreadsheet = self.format == "csv" and start.startswith(b"\xef\xbb\xbf")
        self.watch = _NulWatch(raw)
        self.text = io.TextIOWrapper(self.watch, encoding="utf-8-sig", newline="")  # type: ignore[type-var]

    def where(self, number: int, line: int) -> msg.Said:
        """How a problem names record `number` (from 0) that starts on `line` (a workbook's row)."""
        if self.format == "xlsx":
            return msg.AT_ROW(sheet=self.sheet, line=line)
        return msg.AT_RECORD(number=number + 1, line=line) if self.format == "json" else msg.AT_LINE(line=line)

    def field(self, name: str) -> msg.Said:
        """How a problem names a field: `field channel`, or its column in a workbook (`column D 渠道 (channel)`)."""
        return self.columns.get(name) or msg.FIELD_NAMED(name=name)

    def position(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        if self.name != "stdin":
            self.text.close()
        else:
            self.text.detach()


class _NulWatch:
    """The binary file as the text layer reads it, noting whether a NUL byte went by: UTF-8
    text holds one only as the byte 0, so CSV batches are searched for it value by value only
    once one has been seen (a search of every batch cost more than parsing the CSV)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.seen = False

    def read1(self, size: int = -1) -> bytes:
        data = self.raw.read1(size)  # type: ignore[attr-defined]
        if _NUL_BYTE in data:
            self.seen = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(-1 if size is None else size)
        if _NUL_BYTE in data:
            self.seen = True
        return data

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.raw.close()


class CsvReader:
    def __init__(self, source: Source) -> None:
        self.reader = csv.reader(source.text)
        self.name = source.name
        with self._csv_errors():
            header = next(self.reader, None)
        if header is None:
            raise ImportFailed(source.name, [msg.CSV_EMPTY(name=source.name)], 1)
        self.header = [h.strip() for h in header]
        check_columns(source.name, self.header, msg.AT_LINE(line=1))
        self.index = {column: i for i, column in enumerate(self.header)}
        self.read_lines = self.reader.line_num
        self.source = source

    def batches(self) -> Iterator[Batch]:
        """Up to BATCH rows at a time, read at C speed; the line each starts on is worked out
        afterwards, and only row by row when some record spans several lines."""
        reader = self.reader
        first = 0
        while True:
            with self._csv_errors():
                chunk = list(islice(reader, BATCH))
            if not chunk:
                break
            start, end = self.read_lines + 1, reader.line_num
            self.read_lines = end
            if end - start + 1 == len(chunk):  # a line per row: the usual file
                lines: list[int] = list(range(start, end + 1))
            else:
                lines = []
                for values in chunk:
                    lines.append(start)
                    start += 1 + sum(map(line_breaks, values))
            if [] in chunk or [""] in chunk:  # blank lines
                kept = [i for i, values in enumerate(chunk) if values and values != [""]]
                chunk, lines = [chunk[i] for i in kept], [lines[i] for i in kept]
            if chunk and self.source.from_spreadsheet:
                chunk = [[from_spreadsheet(v) if v.startswith("'") else v for v in values] for values in chunk]
            if chunk:
                yield Batch(first, lines, rows=chunk)
                first += len(chunk)

    @contextmanager
    def _csv_errors(self) -> Iterator[None]:
        """What the csv module cannot read, named by its line: a value longer than a text may
        be (its field limit is set to MAX_TEXT while importing: `text_limit`), or bad quoting."""
        try:
            yield
        except csv.Error as exc:
            where = msg.AT_LINE(line=self.reader.line_num)
            problem = msg.CSV_TOO_LONG(most=MAX_TEXT) if "field limit" in str(exc) else msg.NOT_CSV(problem=str(exc))
            raise ImportFailed(self.name, [at(self.name, where, problem)], 1) from None

    @property
    def nul_seen(self) -> bool:
        """Whether a NUL character may be among the values read (text holds none: it is refused)."""
        return self.source.watch.seen

    def values(self, row: list[str]) -> dict[str, Any]:
        """One row as a record for the record-by-record checks."""
        if len(row) != len(self.header):
            return {"": Bad(None, msg.WRONG_WIDTH, count=len(row), width=len(self.header))}
        return {k: v.strip() or None for k, v in zip(self.header, row)}


@contextmanager
def text_limit() -> Iterator[None]:
    """The csv reader refuses any value past MAX_TEXT characters, as it reads (no value checked
    again: `values.bounded` for the other formats); its own limit again afterwards."""
    before = csv.field_size_limit(MAX_TEXT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def line_breaks(value: str) -> int:
    """Line breaks inside a value, as the text layer splits lines: at \\n, \\r\\n or \\r."""
    return value.count("\n") + value.count("\r") - value.count("\r\n") if "\n" in value or "\r" in value else 0


def check_columns(name: str | msg.Said, columns: list[str], where: msg.Said) -> None:
    problems = []
    unknown = [c for c in columns if c not in EXPORT_FIELDS]
    for column in unknown:
        problems.append(at(name, where, msg.NOT_EXPORT_COLUMN, msg.FIELD_NAMED(name=column)))
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if doubled:
        problems.append(at(name, where, msg.COLUMNS_TWICE(columns=", ".join(doubled))))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(at(name, where, msg.COLUMNS_MISSING(columns=", ".join(missing))))
    if problems:
        raise ImportFailed(name, problems, len(problems))


def jsonl_records(source: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(source.text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ImportFailed(source.name, [at(source.name, msg.AT_LINE(line=number), msg.NOT_JSON(problem=str(exc)))],
                               1) from None
        except RecursionError:
            raise ImportFailed(source.name, [at(source.name, msg.AT_LINE(line=number), msg.JSON_TOO_DEEP)], 1) from None
        yield number, _object_values(value)


def _object_values(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {"": Bad(None, msg.NOT_AN_OBJECT, type=type(value).__name__)}
    unknown = [k for k in value if k not in EXPORT_FIELDS]
    if unknown:
        return {"": Bad(unknown[0], msg.NOT_EXPORT_FIELD)}
    return {k: _clean(v) for k, v in value.items()}


_NONSPACE = re.compile(r"\S")


class JsonArray:
    """Reads one JSON array of objects a piece at a time (never the whole file at once)."""

    CHUNK = 1 << 20

    def __init__(self, source: Source) -> None:
        self.source = source
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def _more(self, size: int) -> bool:
        if self.eof:
            return False
        data = self.source.text.read(size)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end), counting lines."""
        while True:
            found = _NONSPACE.search(self.buf, self.pos)
            if found:
                self.line += self.buf.count("\n", self.pos, found.start())
                self.pos = found.start()
                return self.buf[self.pos]
            self.line += self.buf.count("\n", self.pos)
            self.pos = len(self.buf)
            if not self._more(self.CHUNK):
                return ""

    def _fail(self, message: msg.Message | msg.Said) -> ImportFailed:
        name = self.source.name
        return ImportFailed(name, [at(name, msg.AT_LINE(line=self.line), message)], 1)

    def _value(self) -> Any:
        size = self.CHUNK
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise self._fail(msg.JSON_TOO_DEEP) from None
            except json.JSONDecodeError as exc:
                if self._more(size):
                    size *= 2  # an object longer than what is buffered: read on
                    continue
                self.line += self.buf.count("\n", self.pos, exc.pos)
                raise self._fail(msg.NOT_JSON(problem=exc.msg)) from None
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            return value

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._peek() != "[":
            raise self._fail(msg.NOT_AN_ARRAY)
        self.pos += 1
        number = 0
        if self._peek() == "]":
            self.pos += 1
        else:
            while True:
                if self._peek() == "":
                    raise self._fail(msg.ARRAY_NOT_CLOSED)
                number += 1
                line = self.line
                yield line, _object_values(self._value())
                after = self._peek()
                self.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise self._fail(msg.EXPECTED_COMMA_NOT(number=number, after=repr(after)) if after
                                     else msg.EXPECTED_COMMA(number=number))
        if self._peek() != "":
            raise self._fail(msg.TEXT_AFTER_ARRAY)


def object_batches(records: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[Batch]:
    first = 0
    while chunk := list(islice(records, BATCH)):
        yield Batch(first, [line for line, _ in chunk], objects=[values for _, values in chunk])
        first += len(chunk)


