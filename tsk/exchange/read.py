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

    def __init__(self, source: str, problems: list[str], total: int) -> None:
        self.source = source
        self.problems = problems
        self.total = total
        more = f" (the first {len(problems)} shown)" if total > len(problems) else ""
        super().__init__(f"{total} problem(s) in {source}{more}; nothing was imported")


class Bad(Exception):
    """One field of one record is wrong."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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
                raise TskError(f"cannot read {self.name}: {exc.strerror}") from None
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)
        self.raw = raw
        start = raw.peek(64)[:64]
        head = start.lstrip(b"\xef\xbb\xbf \t\r\n")
        self.format = "json" if head.startswith(b"[") else "jsonl" if head.startswith(b"{") else "csv"
        if start.startswith(OLE):
            if path != "-":
                raw.close()
            raise ImportFailed(self.name, [f"{self.name} is an Excel 97-2003 (.xls) or password-protected workbook, "
                                           "which tsk cannot read: save it as an Excel workbook (.xlsx) without a "
                                           "password, or as CSV UTF-8, and import that"], 1)
        if start.startswith(ZIP) or path.lower().endswith(WORKBOOK_SUFFIXES):
            self.format = "xlsx"
        self.columns: dict[str, str] = {}  # how a problem names a field's column, where not "field NAME"
        self.sheet = ""  # a workbook's sheet, as a problem names it when there are several
        # A CSV with a BOM is taken for `export --excel` output (or a spreadsheet's): the `'`
        # put before cells a spreadsheet would run as formulas is taken off again.
        self.from_spreadsheet = self.format == "csv" and start.startswith(b"\xef\xbb\xbf")
        self.watch = _NulWatch(raw)
        self.text = io.TextIOWrapper(self.watch, encoding="utf-8-sig", newline="")  # type: ignore[type-var]

    def where(self, number: int, line: int) -> str:
        """How a problem names record `number` (from 0) that starts on `line` (a workbook's row)."""
        if self.format == "xlsx":
            return f"{self.sheet}row {line}"
        return f"record {number + 1} (line {line})" if self.format == "json" else f"line {line}"

    def field(self, name: str) -> str:
        """How a problem names a field: `field channel`, or its column in a workbook (`column D 渠道 (channel)`)."""
        return self.columns.get(name) or f"field {name}"

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
            raise ImportFailed(source.name, [f"{source.name} is empty: expected a header row of export columns"], 1)
        self.header = [h.strip() for h in header]
        check_columns(source.name, self.header, "line 1")
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
            where = f"{self.name} line {self.reader.line_num}"
            problem = (f"a value is longer than the {MAX_TEXT:,} characters a text may have"
                       if "field limit" in str(exc) else f"not readable as CSV: {exc}")
            raise ImportFailed(self.name, [f"{where}: {problem}"], 1) from None

    @property
    def nul_seen(self) -> bool:
        """Whether a NUL character may be among the values read (text holds none: it is refused)."""
        return self.source.watch.seen

    def values(self, row: list[str]) -> dict[str, Any]:
        """One row as a record for the record-by-record checks."""
        if len(row) != len(self.header):
            return {"": Bad(None, f"{len(row)} values, the header has {len(self.header)}")}
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


def check_columns(name: str, columns: list[str], where: str) -> None:
    problems = []
    unknown = [c for c in columns if c not in EXPORT_FIELDS]
    for column in unknown:
        problems.append(f"{name} {where}, field {column}: not an export column")
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if doubled:
        problems.append(f"{name} {where}: column(s) given twice: {', '.join(doubled)}")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(f"{name} {where}: required column(s) missing: {', '.join(missing)}")
    if problems:
        raise ImportFailed(name, problems, len(problems))


def jsonl_records(source: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(source.text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ImportFailed(source.name, [f"{source.name} line {number}: not valid JSON: {exc}"], 1) from None
        except RecursionError:
            raise ImportFailed(source.name, [f"{source.name} line {number}: {TOO_DEEP}"], 1) from None
        yield number, _object_values(value)


def _object_values(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {"": Bad(None, f"expected an object of export fields, not {type(value).__name__}")}
    unknown = [k for k in value if k not in EXPORT_FIELDS]
    if unknown:
        return {"": Bad(unknown[0], "not an export field")}
    return {k: _clean(v) for k, v in value.items()}


_NONSPACE = re.compile(r"\S")
TOO_DEEP = "not valid JSON for an import: nested deeper than Python's JSON parser goes (a record is one flat object)"


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

    def _fail(self, message: str) -> ImportFailed:
        name = self.source.name
        return ImportFailed(name, [f"{name} line {self.line}: {message}"], 1)

    def _value(self) -> Any:
        size = self.CHUNK
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise self._fail(TOO_DEEP) from None
            except json.JSONDecodeError as exc:
                if self._more(size):
                    size *= 2  # an object longer than what is buffered: read on
                    continue
                self.line += self.buf.count("\n", self.pos, exc.pos)
                raise self._fail(f"not valid JSON: {exc.msg}") from None
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            return value

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._peek() != "[":
            raise self._fail("expected a JSON array of complaints")
        self.pos += 1
        number = 0
        if self._peek() == "]":
            self.pos += 1
        else:
            while True:
                if self._peek() == "":
                    raise self._fail("the array is not closed with ]")
                number += 1
                line = self.line
                yield line, _object_values(self._value())
                after = self._peek()
                self.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise self._fail(f"expected , or ] after record {number}" + (f", not {after!r}" if after else ""))
        if self._peek() != "":
            raise self._fail("text after the end of the array")


def object_batches(records: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[Batch]:
    first = 0
    while chunk := list(islice(records, BATCH)):
        yield Batch(first, [line for line, _ in chunk], objects=[values for _, values in chunk])
        first += len(chunk)


