"""`tsk export` and `tsk import`: every field of every complaint, as CSV, JSON or JSON lines.

Export streams the rows (constant memory on any size of ledger): the columns are
`views.EXPORT_FIELDS`, in ref order. Import reads exactly that back, validates every row
and writes all of them or none, in one transaction, in batches (never the whole file in
memory): ids are assigned here (from the largest id inside the write transaction) so each
batch is two bulk inserts, the complaints and their "imported" events. The event holds a
digest of the row as imported (`tsk.baseline`), not a copy of it, and `tsk verify` proves the
row against it. An export imported into an empty ledger exports again byte for byte the same.

Import is built for a million rows: a CSV batch is checked a column at a time (falling back
to the record-by-record checks, which name each problem's line and field), the digests and
event hashes are built a batch at a time, and an import into an empty SQLite ledger writes
with a rollback journal, builds its indexes at the end and analyses them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import pickle
import re
import signal
import sqlite3
import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from hashlib import sha256
from itertools import islice, repeat
from operator import itemgetter, lshift, methodcaller, mul, or_
from typing import IO, Any, TextIO

from tsk import baseline, output, timeutil, views
from tsk import queries as q
from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound, TskError
from tsk.lifecycle import canonical, check_id_number, check_phone, event_hash
from tsk.records import REF_PATTERN
from tsk.views import EXPORT_FIELDS
from tsk.vocab import (BUSINESS_TYPE, CATEGORY, CAUSE, CHANNEL, KIND, NOTIFY_VIA, RESULT, SATISFACTION, SEVERITY,
                       STATUS, TOP_LEVEL, Vocab)

EXPORT_FORMATS = ("csv", "json", "jsonl")

# The stored columns an import writes (besides id, event_count, history_head): the export
# fields, with compensation in fen and without the derived flags.
ROW_COLUMNS = tuple("compensation_fen" if f == "compensation" else f for f in EXPORT_FIELDS if f != "flags")
# What `tsk add` needs, plus the ref and the time of receipt.
REQUIRED = ("ref", "received_at", "channel", "category", "business_type", "cause", "customer_name", "unit", "summary")

BATCH = 5000
MAX_REPORTED = 20  # problems listed one per line; the rest are counted


# -- export ------------------------------------------------------------------------------------
def export(ledger: Ledger, filters, out: TextIO, *, fmt: str = "csv", show_pii: bool = False,
           excel: bool = False) -> int:
    """Write the complaints `filters` selects to `out`; returns how many.

    An unmasked export is recorded first (one audit row with the filters and the count).
    """
    output.check_format(fmt, EXPORT_FORMATS)
    if excel and fmt != "csv":
        raise InvalidInput("--excel applies to CSV only")
    where, params = filters.where()
    if show_pii:
        from tsk.admin import audit

        count = ledger.store.value(q.count_complaints(where), params)
        details = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(filters).items()}
        audit(ledger, "export-pii", {**details, "format": fmt, "count": count})
    rows = (views.export_record(row, show_pii=show_pii) for row in ledger.store.stream(q.export_complaints(where), params))
    if fmt == "csv":
        return write_csv(rows, out, excel=excel)
    count = 0
    if fmt == "jsonl":
        for record in rows:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    # One JSON document, streamed: one object per line inside the array.
    out.write("[")
    for record in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(records, out: TextIO, *, excel: bool = False) -> int:
    """`output.write_csv(records, EXPORT_FIELDS, out, excel=excel)`, byte for byte, at twice
    its speed: export values are text, numbers or null (which csv writes as `output.cell`
    does) but for the flags, joined here."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(EXPORT_FIELDS)
    pick = itemgetter(*EXPORT_FIELDS)
    count = 0
    for record in records:
        record["flags"] = ";".join(record["flags"])
        writer.writerow(pick(record))
        count += 1
    return count


# -- import: problems ------------------------------------------------------------------------
class ImportFailed(TskError):
    """The file has problems; nothing was written. `problems` lists the first of them."""

    def __init__(self, source: str, problems: list[str], total: int) -> None:
        self.source = source
        self.problems = problems
        self.total = total
        more = f" (the first {len(problems)} shown)" if total > len(problems) else ""
        super().__init__(f"{total} problem(s) in {source}{more}; nothing was imported")

    def __reduce__(self):  # sent back by the checking process (_checked_aside)
        return ImportFailed, (self.source, self.problems, self.total)


class _Bad(Exception):
    """One field of one record is wrong."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __reduce__(self):  # sent back by the checking process (_checked_aside)
        return _Bad, (self.field, self.message)


@dataclass
class ImportResult:
    count: int
    computed_deadlines: int  # open complaints that came without deadlines
    dry_run: bool
    source: str


# -- import: reading the file ------------------------------------------------------------------
@dataclass
class _Batch:
    """Up to BATCH records in file order. CSV rows come as read (unstripped values by header
    position, checked column by column); JSON records as cleaned objects, checked one by one."""

    first: int  # the number of its first record in the file, counted from 0
    lines: list[int]  # the line each record starts on
    rows: list[list[str]] | None = None
    objects: list[dict[str, Any]] | None = None


class _Source:
    """The file (or stdin) as text, its format, and how far it has been read."""

    def __init__(self, path: str, stdin: IO[bytes] | None = None) -> None:
        self.name = "stdin" if path == "-" else path
        if path == "-":
            raw: Any = stdin if stdin is not None else sys.stdin.buffer
            self.size = None
        else:
            try:
                raw = open(path, "rb")  # noqa: SIM115 - closed in close()
                self.size = os.fstat(raw.fileno()).st_size
            except OSError as exc:
                raise TskError(f"cannot read {path}: {exc.strerror}") from None
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)  # type: ignore[arg-type]
        self.raw = raw
        head = raw.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        self.format = "json" if head.startswith(b"[") else "jsonl" if head.startswith(b"{") else "csv"
        self.watch = _NulWatch(raw)
        self.text = io.TextIOWrapper(self.watch, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]

    def where(self, number: int, line: int) -> str:
        """How a problem names record `number` (from 0) that starts on `line`."""
        return f"record {number + 1} (line {line})" if self.format == "json" else f"line {line}"

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
        if b"\x00" in data:
            self.seen = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        data = self.raw.read(size)
        if b"\x00" in data:
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


class _CsvReader:
    def __init__(self, source: _Source) -> None:
        self.reader = csv.reader(source.text)
        header = next(self.reader, None)
        if header is None:
            raise ImportFailed(source.name, [f"{source.name} is empty: expected a header row of export columns"], 1)
        self.header = [h.strip() for h in header]
        _check_columns(source.name, self.header, "line 1")
        self.index = {column: i for i, column in enumerate(self.header)}
        self.read_lines = self.reader.line_num
        self.source = source

    def batches(self) -> Iterator[_Batch]:
        """Up to BATCH rows at a time, read at C speed; the line each starts on is worked out
        afterwards, and only row by row when some record spans several lines."""
        reader = self.reader
        first = 0
        while chunk := list(islice(reader, BATCH)):
            start, end = self.read_lines + 1, reader.line_num
            self.read_lines = end
            if end - start + 1 == len(chunk):  # a line per row: the usual file
                lines: list[int] = list(range(start, end + 1))
            else:
                lines = []
                for values in chunk:
                    lines.append(start)
                    start += 1 + sum(map(_line_breaks, values))
            if [] in chunk or [""] in chunk:  # blank lines
                kept = [i for i, values in enumerate(chunk) if values and values != [""]]
                chunk, lines = [chunk[i] for i in kept], [lines[i] for i in kept]
            if chunk:
                yield _Batch(first, lines, rows=chunk)
                first += len(chunk)

    def values(self, row: list[str]) -> dict[str, Any]:
        """One row as a record for the record-by-record checks."""
        if len(row) != len(self.header):
            return {"": _Bad(None, f"{len(row)} values, the header has {len(self.header)}")}
        return {k: v.strip() or None for k, v in zip(self.header, row)}


def _line_breaks(value: str) -> int:
    """Line breaks inside a value, as the text layer splits lines: at \\n, \\r\\n or \\r."""
    return value.count("\n") + value.count("\r") - value.count("\r\n") if "\n" in value or "\r" in value else 0


def _check_columns(name: str, columns: list[str], where: str) -> None:
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


def _jsonl_records(source: _Source) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(source.text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ImportFailed(source.name, [f"{source.name} line {number}: not valid JSON: {exc}"], 1) from None
        yield number, _object_values(value)


def _object_values(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {"": _Bad(None, f"expected an object of export fields, not {type(value).__name__}")}
    unknown = [k for k in value if k not in EXPORT_FIELDS]
    if unknown:
        return {"": _Bad(unknown[0], "not an export field")}
    return {k: _clean(v) for k, v in value.items()}


_NONSPACE = re.compile(r"\S")


class _JsonArray:
    """Reads one JSON array of objects a piece at a time (never the whole file at once)."""

    CHUNK = 1 << 20

    def __init__(self, source: _Source) -> None:
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


def _object_batches(records: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[_Batch]:
    first = 0
    while chunk := list(islice(records, BATCH)):
        yield _Batch(first, [line for line, _ in chunk], objects=[values for _, values in chunk])
        first += len(chunk)


# -- import: checking one record ------------------------------------------------------------------
# Records arrive clean: each value is stripped text or None (JSON may also give numbers,
# booleans and lists). Checking is written for speed: a million rows pass through here.
def _lookup(vocab: Vocab) -> dict[str, str]:
    table = {}
    for key, label in vocab.entries:
        table[key] = key
        table[label] = key
        for part in label.split("/"):
            table[part] = key
    return table


_VOCABS = {
    "status": STATUS, "kind": KIND, "channel": CHANNEL, "category": CATEGORY, "business_type": BUSINESS_TYPE,
    "cause": CAUSE, "severity": SEVERITY, "result": RESULT, "satisfaction": SATISFACTION, "notified_via": NOTIFY_VIA,
}
_DEFAULTS = {"status": "open", "kind": "complaint", "severity": "general"}
_ENUMS = tuple((field, _lookup(vocab), _DEFAULTS.get(field)) for field, vocab in _VOCABS.items())
_TEXTS = ("customer_name", "unit", "summary", "customer_email", "customer_address", "subject_staff", "demand",
          "referred_by", "referral_ref", "assignee", "assignee_unit", "resolution", "root_cause", "rectification",
          "reason", "first_handler")
_TIMES = ("received_at", "acked_at", "reported_at", "closed_at")
_DATES = ("ack_due", "due", "cap_due", "report_due")
_CLOCKS = ("ack_due", "due", "cap_due")
_FLAGS = {"1": 1, "true": 1, "yes": 1, "0": 0, "false": 0, "no": 0}
_NUL = "\x00"
_HAS_NUL = methodcaller("__contains__", _NUL)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _clean(value: Any) -> Any:
    if value.__class__ is str:
        return value.strip() or None
    return value


def _as_text(field: str, value: Any) -> str:
    """A JSON number where text is expected is taken as its text; anything else is wrong."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Bad(field, f"expected text, not {json.dumps(value, ensure_ascii=False)}")


def _enum_error(field: str, text: Any) -> _Bad:
    choices = ", ".join(f"{key} ({label})" for key, label in _VOCABS[field].entries)
    return _Bad(field, f"{text!r} is not one of: {choices}")


def _ref(field: str, value: Any) -> str:
    ref = (value if value.__class__ is str else _as_text(field, value)).upper()
    if not REF_PATTERN.match(ref):
        raise _Bad(field, f"{value!r} is not a complaint ref (like TS-2026-000123)")
    return ref


def _int(field: str, value: Any, low: int, high: int | None = None) -> int:
    if value.__class__ is int:
        number = value
    elif value.__class__ is str and value.isascii() and value.isdigit():
        number = int(value)
    else:
        try:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValueError
            number = int(value)
        except ValueError:
            raise _Bad(field, f"{value!r} is not a whole number") from None
    if number < low or (high is not None and number > high):
        raise _Bad(field, f"{number} is out of range ({low}" + (f" to {high})" if high is not None else " or more)"))
    return number


def _flag(field: str, value: Any) -> int:
    flag = _FLAGS.get(str(value).lower())
    if flag is None:
        raise _Bad(field, f"{value!r} is not 0 or 1")
    return flag


def _time(field: str, value: Any) -> str:
    if value.__class__ is str and len(value) == 25 and value[10] == "T" and value.endswith("+08:00"):
        try:  # the stored form, kept as it is
            dt.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    text = value if value.__class__ is str else _as_text(field, value)
    try:
        return timeutil.to_text(timeutil.parse_datetime(text, what=field))
    except InvalidInput:
        raise _Bad(field, f"{text!r} is not a date and time (like 2026-11-23T14:05:00+08:00)") from None


def _date(field: str, value: Any) -> str:
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise _Bad(field, f"{value!r} is not a date (YYYY-MM-DD)")


def _masked(field: str, text: str) -> _Bad:
    return _Bad(field, f"{text!r} is masked: this file was exported without --show-pii and cannot be imported "
                       f"without losing the customer's data; export it again with --show-pii")


def _phone(value: Any) -> str:
    text = value if value.__class__ is str else _as_text("customer_phone", value)
    if text.isascii() and text.isdigit() and 5 <= len(text) <= 20:
        return text
    if "*" in text:
        raise _masked("customer_phone", text)
    try:
        return check_phone(text)  # type: ignore[return-value]
    except InvalidInput:
        raise _Bad("customer_phone", f"{text!r} is not a phone number") from None


def _id_number(value: Any) -> str:
    text = value if value.__class__ is str else _as_text("customer_id_number", value)
    if len(text) == 18 and text[:17].isascii() and text[:17].isdigit():
        text = text.upper()
        if text[17] == "10X98765432"[sum(map(mul, map(int, text[:17]), _ID_WEIGHTS)) % 11]:
            return text
    if "*" in text:
        raise _masked("customer_id_number", text)
    try:
        return check_id_number(text)  # type: ignore[return-value]
    except InvalidInput as exc:
        raise _Bad("customer_id_number", str(exc).removeprefix("ID number ")) from None


def _conflicts(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _Bad("conflicts", f"{value!r} is not a JSON list of names") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad("conflicts", "expected a JSON list of names")
    return canonical(sorted({v.strip() for v in value if v.strip()}))


def _compensation(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Bad("compensation", f"{value!r} is not an amount in yuan")
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise _Bad("compensation", f"{value!r} is not an amount in yuan") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _Bad("compensation", f"{value!r} must be zero or more, to the fen")
    return int(amount * 100)


class _Checker:
    """Turns one record into a complaint row (the columns of ROW_COLUMNS), or raises _Bad."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        settings = ledger.settings
        self.units = set(settings["units"])
        self.group_threshold = settings["group_threshold"]
        self.default_policy = settings["default_policy"]
        self.actor = ledger.actor
        self.now = timeutil.to_text(timeutil.now())
        self.policies: dict[tuple[str, int | None], Any] = {}
        self.computed = 0
        self.columns = _Columns(self)

    def preload(self) -> None:
        """Read from the ledger now what checking may need later (policies, the calendar):
        checking may go on in a process that must not touch the database."""
        self.ledger.stored_policies  # noqa: B018 - cached on the ledger
        self.ledger.calendar  # noqa: B018

    def batch(self, batch: _Batch, reader: _CsvReader | None) -> tuple[dict[str, list], list[int], list[tuple[int, _Bad]]]:
        """The batch's good records as columns in bind form, their positions in the batch, and the
        problems of the others (position, problem)."""
        if batch.rows is not None:
            assert reader is not None
            try:
                return (self.columns.check(reader.index, batch.rows, nul_seen=reader.source.watch.seen),
                        list(range(len(batch.rows))), [])
            except (_Slow, _Bad, ValueError):
                pass  # record by record: the same rows, or the problems named
            records: Any = map(reader.values, batch.rows)
        else:
            records = batch.objects
        rows, kept, bad = [], [], []
        for i, values in enumerate(records):
            try:
                rows.append(self.row(values))
            except _Bad as exc:
                bad.append((i, exc))
                continue
            kept.append(i)
        columns = {}
        for column in ROW_COLUMNS:
            values = [row[column] for row in rows]
            columns[column] = list(map(_NULL_AS_EMPTY.get, values, values))
        return columns, kept, bad

    def policy(self, name: str, version: int | None):
        """The named policy (at the given version): stored and preset ones, looked up once."""
        key = (name, version)
        if key not in self.policies:
            try:
                found: Any = self.ledger.policy(name)
                if version is not None and version != found.version:
                    try:
                        found = self.ledger.policy(name, version)
                    except NotFound:
                        found = _Bad("policy_version", f"policy {name} has no version {version}")
            except NotFound as exc:
                found = _Bad("policy", str(exc).removeprefix("no policy "))
            self.policies[key] = found
        found = self.policies[key]
        if isinstance(found, _Bad):
            raise found
        return found

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        if "" in values:  # the reader already found the record unusable
            raise values[""]
        for field, value in values.items():
            if value.__class__ is str and "\x00" in value:  # never text; and the baseline digest joins by NUL
                raise _Bad(field, "contains a NUL character")
        get = values.get
        for field in REQUIRED:
            if get(field) is None:
                raise _Bad(field, "missing (required)")
        row: dict[str, Any] = {"ref": _ref("ref", values["ref"])}
        for field, table, default in _ENUMS:
            value = get(field)
            if value is None:
                row[field] = default
                continue
            key = table.get(value) if value.__class__ is str else None
            if key is None:
                key = table.get(str(value).lower())
                if key is None:
                    raise _enum_error(field, value)
            row[field] = key
        for field in _TEXTS:
            value = get(field)
            row[field] = value if value is None or value.__class__ is str else _as_text(field, value)
        for field in _TIMES:
            value = get(field)
            row[field] = None if value is None else _time(field, value)
        for field in _DATES:
            value = get(field)
            row[field] = None if value is None else _date(field, value)
        if row["received_at"] > self.now:
            raise _Bad("received_at", f"{row['received_at']} is in the future")
        value = get("customer_phone")
        row["customer_phone"] = None if value is None else _phone(value)
        value = get("customer_id_number")
        row["customer_id_number"] = None if value is None else _id_number(value)
        if self.units and row["unit"] not in self.units:
            raise _Bad("unit", f"{row['unit']!r} is not one of the ledger's units: {', '.join(sorted(self.units))}")
        if row["first_handler"] is None:
            row["first_handler"] = self.actor
        value = get("repeat_of")
        row["repeat_of"] = None if value is None else _ref("repeat_of", value)
        value = get("conflicts")
        row["conflicts"] = None if value is None else _conflicts(value)
        value = get("compensation")
        row["compensation_fen"] = None if value is None else _compensation(value)
        value = get("group_size")
        row["group_size"] = group_size = 1 if value is None else _int("group_size", value, 1)
        value = get("is_group")
        row["is_group"] = int(group_size >= self.group_threshold) if value is None else _flag("is_group", value)
        value = get("direct")
        row["direct"] = 0 if value is None else _flag("direct", value)
        value = get("extended_days")
        row["extended_days"] = 0 if value is None else _int("extended_days", value, 0)
        value = get("reopened")
        row["reopened"] = 0 if value is None else _int("reopened", value, 0)
        report = bool(row["is_group"]) or row["severity"] == "major"
        value = get("level")
        row["level"] = (TOP_LEVEL if report else 1) if value is None else _int("level", value, 1, TOP_LEVEL)
        _check_lifecycle(row)
        value = get("policy")
        name = self.default_policy if value is None else value if value.__class__ is str else _as_text("policy", value)
        value = get("policy_version")
        policy = self.policy(name, None if value is None else _int("policy_version", value, 1))
        row["policy"], row["policy_version"] = policy.name, policy.version
        if row["ack_due"] is None or row["due"] is None or row["cap_due"] is None:
            self._deadlines(row, policy, report)
        return row

    def _deadlines(self, row: dict[str, Any], policy, report: bool) -> None:
        given = [f for f in _CLOCKS if row[f] is not None]
        if given:
            field = next(f for f in _CLOCKS if row[f] is None)
            raise _Bad(field, "missing: give ack_due, due and cap_due together, or none of them to have them computed")
        # Computed exactly as `tsk add` does, from receipt under the complaint's policy.
        from tsk.sla import deadlines

        calendar = self.ledger.calendar
        clocks = deadlines(policy, calendar, timeutil.from_text(row["received_at"]), kind=row["kind"],
                           severity=row["severity"], report_to_regulator=report)
        due = calendar.shift(clocks.due, row["extended_days"]) if row["extended_days"] else clocks.due
        row["ack_due"], row["due"], row["cap_due"] = clocks.ack_due.isoformat(), due.isoformat(), clocks.cap_due.isoformat()
        if row["report_due"] is None and clocks.report_due is not None:
            row["report_due"] = clocks.report_due.isoformat()
        if row["status"] == "open":
            self.computed += 1


def _check_lifecycle(row: dict[str, Any]) -> None:
    """What the lifecycle guarantees of every stored complaint."""
    status = row["status"]
    if status == "open":
        if row["closed_at"] is not None:
            raise _Bad("closed_at", f"an open complaint has no closing time, not {row['closed_at']}")
    elif row["closed_at"] is None:
        raise _Bad("closed_at", f"missing: a {status} complaint needs the time it was {status}")
    elif status == "closed" and row["result"] is None:
        raise _Bad("result", "missing: a closed complaint needs its result")
    if row["channel"] == "regulator" and not (row["referred_by"] and row["referral_ref"]):
        field = "referral_ref" if row["referred_by"] else "referred_by"
        raise _Bad(field, "missing: a regulator-referred complaint (监管转办) needs referred_by and referral_ref")


# -- import: checking a batch of CSV rows column by column ----------------------------------------
# A million rows pass through here. For a CSV batch every check runs over whole columns with
# C-level loops (map, set, dict lookups; values of few distinct kinds — vocabularies, dates,
# numbers, policies — converted once and remembered). When all of the batch passes, the
# result is the same as `_Checker.row` gives row by row (a test holds them to it); when
# anything does not (or needs more than these checks), the batch goes through `_Checker.row`,
# which names the line and field of each problem.
#
# Checked batches are columns in "bind form": each a list in file order, with "" for null
# (text values are never empty: they are stripped, and empty means null).


class _Slow(Exception):
    """The column-by-column checks cannot decide this batch; `_Checker.row` will."""


_STORED_TIME = re.compile(r".{10}T.{8}\+08:00", re.DOTALL)  # len 25, T at 10, +08:00: `_time` keeps it if valid
_PHONE_DIGITS = re.compile(r"[0-9]{5,20}")
_ID_DIGITS = re.compile(r"[0-9]{17}[0-9X]")
_ID_CHECK = "10X98765432"
_CACHE_MAX = 50_000  # distinct values remembered per column


def _id_check_ok(text: str) -> bool:
    # The GB 11643 sum of digit x weight mod 11, with the weights 2^(17-i) mod 11: read as a
    # base-13 number (13 = 2 mod 11), the 17 digits give the same sum mod 11, times 2.
    return _ID_CHECK[2 * int(text[:17], 13) % 11] == text[17]


def _through(cache: dict, column: Any, convert: Callable[[Any], Any]) -> list:
    """`column` converted value by value, each distinct value once."""
    try:
        return list(map(cache.__getitem__, column))
    except KeyError:
        if len(cache) > _CACHE_MAX:
            cache.clear()
        for raw in set(column).difference(cache):
            cache[raw] = convert(raw)
        return list(map(cache.__getitem__, column))


def _all_or_slow(results: Iterator[Any]) -> None:
    if not all(results):
        raise _Slow


class _Columns:
    """The conversions of `_Checker.row`, per column, for values as read from a CSV."""

    def __init__(self, checker: _Checker) -> None:
        self.checker = checker
        self.caches: dict[str, dict] = {}
        self.convert: dict[str, Callable[[str], Any]] = {}
        for field, table, default in _ENUMS:
            self.convert[field] = self._enum(field, table, default)
        for field in _DATES:
            self.convert[field] = self._date
        self.convert["group_size"] = self._int("group_size", 1, None, 1)
        self.convert["extended_days"] = self._int("extended_days", 0, None, 0)
        self.convert["reopened"] = self._int("reopened", 0, None, 0)
        self.convert["level"] = self._int("level", 1, TOP_LEVEL, -1)  # -1: from the row, below
        self.convert["is_group"] = self._flag("is_group", -1)  # -1: from the group size, below
        self.convert["direct"] = self._flag("direct", 0)
        self.convert["policy"] = self._policy
        self.convert["conflicts"] = self._optional(_conflicts)
        self.convert["compensation"] = self._optional(_compensation)
        self.fill_handler = {"": checker.actor}

    @staticmethod
    def _enum(field: str, table: dict[str, str], default: str | None) -> Callable[[str], str]:
        def convert(raw: str) -> str:
            value = raw.strip()
            if not value:
                if field in REQUIRED:
                    raise _Slow
                return default or ""
            key = table.get(value) or table.get(value.lower())
            if key is None:
                raise _Slow
            return key
        return convert

    @staticmethod
    def _date(raw: str) -> str:
        value = raw.strip()
        return _date("", value) if value else ""

    @staticmethod
    def _int(field: str, low: int, high: int | None, default: int) -> Callable[[str], int]:
        def convert(raw: str) -> int:
            value = raw.strip()
            return _int(field, value, low, high) if value else default
        return convert

    @staticmethod
    def _optional(convert: Callable[[str], Any]) -> Callable[[str], Any]:
        def optional(raw: str) -> Any:
            value = raw.strip()
            return convert(value) if value else ""
        return optional

    @staticmethod
    def _flag(field: str, default: int) -> Callable[[str], int]:
        def convert(raw: str) -> int:
            value = raw.strip()
            return _flag(field, value) if value else default
        return convert

    def _policy(self, raw: tuple[str, str]) -> tuple[str, int]:
        name, version = raw[0].strip() or self.checker.default_policy, raw[1].strip()
        policy = self.checker.policy(name, _int("policy_version", version, 1) if version else None)
        return policy.name, policy.version

    def through(self, field: str, column: Any) -> list:
        return _through(self.caches.setdefault(field, {}), column, self.convert[field])

    def check(self, index: dict[str, int], rows: list[list[str]], *, nul_seen: bool) -> dict[str, list]:
        """The batch's columns in bind form, or _Slow (or _Bad, ValueError) when this cannot decide."""
        checker = self.checker
        if set(map(len, rows)) != {len(index)}:
            raise _Slow  # a row of another width: its problem is named record by record
        read = list(zip(*rows))
        if nul_seen and any(map(_HAS_NUL, map("".join, read))):
            raise _Slow
        blank = ("",) * len(rows)

        def raw(field: str) -> tuple[str, ...]:
            at = index.get(field)
            return blank if at is None else read[at]

        strip = str.strip
        out: dict[str, list] = {}
        out["ref"] = refs = list(map(str.upper, map(strip, raw("ref"))))
        _all_or_slow(map(REF_PATTERN.match, refs))
        for field, _, _ in _ENUMS:
            out[field] = self.through(field, raw(field))
        for field in _TEXTS:
            out[field] = list(map(strip, raw(field)))
        for field in ("customer_name", "unit", "summary"):
            if "" in out[field]:
                raise _Slow
        out["first_handler"] = list(map(self.fill_handler.get, out["first_handler"], out["first_handler"]))
        if checker.units and not checker.units.issuperset(out["unit"]):
            raise _Slow
        for field in _TIMES:
            out[field] = column = list(map(strip, raw(field)))
            given = list(filter(None, column))
            _all_or_slow(map(_STORED_TIME.fullmatch, given))
            deque(map(dt.datetime.fromisoformat, given), maxlen=0)  # ValueError: not a valid time
        if "" in out["received_at"] or max(out["received_at"]) > checker.now:
            raise _Slow
        for field in _DATES:
            out[field] = self.through(field, raw(field))
        for field in _CLOCKS:
            if "" in out[field]:
                raise _Slow  # deadlines to compute
        out["customer_phone"] = phones = list(map(strip, raw("customer_phone")))
        _all_or_slow(map(_PHONE_DIGITS.fullmatch, filter(None, phones)))
        out["customer_id_number"] = ids = list(map(str.upper, map(strip, raw("customer_id_number"))))
        given = list(filter(None, ids))
        _all_or_slow(map(_ID_DIGITS.fullmatch, given))
        _all_or_slow(map(_id_check_ok, given))
        out["repeat_of"] = repeats = list(map(str.upper, map(strip, raw("repeat_of"))))
        _all_or_slow(map(REF_PATTERN.match, filter(None, repeats)))
        out["conflicts"] = self.through("conflicts", raw("conflicts"))
        out["compensation_fen"] = self.through("compensation", raw("compensation"))
        for field in ("group_size", "extended_days", "reopened", "direct", "is_group", "level"):
            out[field] = self.through(field, raw(field))
        threshold = checker.group_threshold
        if -1 in out["is_group"]:
            out["is_group"] = [int(size >= threshold) if flag == -1 else flag
                               for flag, size in zip(out["is_group"], out["group_size"])]
        if -1 in out["level"]:
            out["level"] = [(TOP_LEVEL if group or severity == "major" else 1) if level == -1 else level
                            for level, group, severity in zip(out["level"], out["is_group"], out["severity"])]
        for status, closed, result in set(zip(out["status"], map(bool, out["closed_at"]), map(bool, out["result"]))):
            if status == "open":
                if closed:
                    raise _Slow
            elif not closed or (status == "closed" and not result):
                raise _Slow
        if "regulator" in out["channel"] and not all(
                referred and referral for channel, referred, referral
                in zip(out["channel"], out["referred_by"], out["referral_ref"]) if channel == "regulator"):
            raise _Slow
        names, versions = raw("policy"), raw("policy_version")
        if names.count(names[0]) == len(names) and versions.count(versions[0]) == len(versions):  # the usual file
            name, version = self.convert["policy"]((names[0], versions[0]))
            out["policy"], out["policy_version"] = [name] * len(names), [version] * len(names)
        else:
            policies = self.through("policy", list(zip(names, versions)))
            out["policy"] = list(map(itemgetter(0), policies))
            out["policy_version"] = list(map(itemgetter(1), policies))
        return out


# -- import: writing ---------------------------------------------------------------------------------
_STRING = json.encoder.encode_basestring  # type: ignore[attr-defined]  # what json.dumps(ensure_ascii=False) does to text
_HEXDIGEST = methodcaller("hexdigest")
_UTF8 = methodcaller("encode", "utf-8")
_EMPTY_AS_NULL = {"": None}
_NULL_AS_EMPTY = {None: ""}
_REF_YEAR, _REF_SERIAL = itemgetter(slice(3, 7)), itemgetter(slice(8, None))  # TS-2026-000123
ANALYZE_AFTER = 10_000  # imported complaints that make the planner's statistics worth refreshing


class _Refs:
    """The refs met so far in the file, in little memory: per year, an array indexed by the
    ref's number holding where it was first met ((record number + 1) << 32 | line; 0: not yet);
    and the highest number per year."""

    def __init__(self) -> None:
        self.years: dict[int, array[int]] = {}
        self.last: dict[int, int] = {}

    def meet(self, refs: list[str], numbers: list[int], lines: list[int]) -> list[tuple[int, int, int]]:
        """Record the refs; for those met before: (position in `refs`, number, line of the first)."""
        years = list(map(int, map(_REF_YEAR, refs)))
        serials = list(map(int, map(_REF_SERIAL, refs)))
        if len(set(years)) == 1:  # the usual batch: one year, no ref met before, set at C speed
            year, top = years[0], max(serials)
            met = self._year(year, top)
            if len(set(serials)) == len(serials) and not any(map(met.__getitem__, serials)):
                first_met = map(or_, map(lshift, map((1).__add__, numbers), repeat(32)), lines)
                deque(map(met.__setitem__, serials, first_met), maxlen=0)
                if top > self.last.get(year, 0):
                    self.last[year] = top
                return []
        again = []
        for i, (year, n) in enumerate(zip(years, serials)):
            met = self._year(year, n)
            if met[n]:
                again.append((i, (met[n] >> 32) - 1, met[n] & 0xFFFFFFFF))
                continue
            met[n] = (numbers[i] + 1) << 32 | lines[i]
            if n > self.last.get(year, 0):
                self.last[year] = n
        return again

    def _year(self, year: int, n: int) -> array[int]:
        """The year's array, long enough for number `n`."""
        met = self.years.get(year)
        if met is None:
            met = self.years[year] = array("Q")
        if n >= len(met):
            met.frombytes(bytes(8 * (max(n + 1, min(2 * len(met), 1_000_000)) - len(met))))
        return met


class _Writer:
    """Batches of checked columns, each written as two bulk inserts; ids assigned here.

    Each complaint's history starts with one "imported" event whose details are
    `canonical({"baseline": baseline.digest(row), "source": file name})` and whose hash is
    `lifecycle.event_hash("", ref, event)`: both built from pieces a batch at a time (the
    first of every batch is held to lifecycle's function, and a test holds the digests to
    `baseline.digest`).
    """

    def __init__(self, ledger: Ledger, source: str, *, ledger_empty: bool) -> None:
        self.ledger = ledger
        self.store = ledger.store
        # A large import into an empty SQLite ledger builds its secondary indexes once at the
        # end (sorted, several times faster than row by row); in the same transaction, so a
        # failed import leaves them as they were.
        self.may_defer_indexes = ledger_empty and self.store.dialect == "sqlite"
        self.deferred_indexes: list[str] = []
        if self.store.dialect == "postgresql":
            self.store.run(q.LOCK_COMPLAINTS_FOR_IMPORT)  # no concurrent `add` takes an id meanwhile
        self.next_id = (self.store.value(q.MAX_COMPLAINT_ID) or 0) + 1
        self.now = now = timeutil.to_text(timeutil.now())
        self.actor = ledger.actor
        self.source = os.path.basename(source)
        # The details around the digest (keys sorted, as canonical writes them)...
        self.details_head = '{"' + baseline.KEY + '":"'
        self.details_tail = '","source":' + _STRING(self.source) + "}"
        # ...and canonical(event payload) around the digest and the ref (keys sorted: action, actor,
        # at, details, recorded_at, ref, seq), the details in it as a JSON string: a digest and a
        # ref (TS-2026-000123) need no escaping, the pieces around them are escaped once here.
        escape = _STRING
        self.payload_head = ('{"action":"imported","actor":' + escape(self.actor) + ',"at":' + escape(now)
                             + ',"details":' + escape(self.details_head)[:-1])
        self.payload_middle = escape(self.details_tail)[1:] + ',"recorded_at":' + escape(now) + ',"ref":"'
        self.payload_tail = '","seq":1}'
        self.checked = False
        self.written = 0

    def events(self, refs: list[str], digests: list[str]) -> tuple[list[str], list[str]]:
        """The imported events' details and hashes."""
        details = list(map("".join, zip(repeat(self.details_head), digests, repeat(self.details_tail))))
        payloads = map("".join, zip(repeat(self.payload_head), digests, repeat(self.payload_middle), refs,
                                    repeat(self.payload_tail)))
        hashes = list(map(_HEXDIGEST, map(sha256, map(_UTF8, payloads))))
        if not self.checked and refs:  # the pieces are lifecycle's canonical JSON, or nothing is written
            self.checked = True
            event = {"seq": 1, "at": self.now, "recorded_at": self.now, "actor": self.actor, "action": "imported",
                     "details": details[0]}
            if details[0] != canonical({baseline.KEY: digests[0], "source": self.source}) \
                    or hashes[0] != event_hash("", refs[0], event):
                raise AssertionError("the imported event's pieces differ from lifecycle's canonical JSON")
        return details, hashes

    def write(self, columns: dict[str, list], details: list[str], hashes: list[str]) -> None:
        """Write a batch with its events (from `events`)."""
        refs = columns["ref"]
        ids = range(self.next_id, self.next_id + len(refs))
        self.next_id += len(refs)
        if self.may_defer_indexes and len(refs) >= BATCH:
            self.may_defer_indexes = False
            for index in self.store.rows(q.SQLITE_SECONDARY_INDEXES):
                self.store.run(q.drop_index(index["name"]))
                self.deferred_indexes.append(index["sql"])
        values = [columns[column] for column in ROW_COLUMNS]
        now, actor = repeat(self.now), repeat(self.actor)
        if self.store.dialect == "sqlite":  # by position, "" for null (binding None is slow in sqlite3)
            self.store.run_many(q.insert_imported_complaints(ROW_COLUMNS), zip(ids, *values, hashes))  # type: ignore[arg-type]
            self.store.run_many(q.INSERT_IMPORTED_EVENTS, zip(ids, now, now, actor, details, hashes))  # type: ignore[arg-type]
        else:
            names = ("id", *ROW_COLUMNS, "event_count", "history_head")
            nulls = (list(map(_EMPTY_AS_NULL.get, column, column)) for column in values)
            self.store.run_many(q.insert_complaint_rows(list(names)),
                                [dict(zip(names, row)) for row in zip(ids, *nulls, repeat(1), hashes)])
            self.store.run_many(q.INSERT_EVENT, [
                {"complaint_id": i, "seq": 1, "at": self.now, "recorded_at": self.now, "actor": self.actor,
                 "action": "imported", "details": d, "prev_hash": "", "hash": h}
                for i, d, h in zip(ids, details, hashes)])
        self.written += len(refs)

    def finish(self, last_refs: dict[int, int]) -> None:
        for sql in self.deferred_indexes:
            self.store.run(sql)
        if self.written >= ANALYZE_AFTER:  # fresh statistics, so reports pick the right indexes at once
            self.store.run(q.ANALYZE_COMPLAINTS)
        for year, last in sorted(last_refs.items()):
            self.store.run(q.RAISE_REF_COUNTER, {"year": year, "last": last})
        # One audit row for the whole import; `verify` reads max_ref: refs up to it may have gaps.
        from tsk.admin import audit

        audit(self.ledger, "import", {"source": self.source, "count": self.written,
                                      "max_ref": {str(year): last for year, last in sorted(last_refs.items())}})
        if self.store.dialect == "postgresql" and self.written:
            self.store.value(q.SYNC_COMPLAINT_ID_SEQUENCE)


def _known_refs(ledger: Ledger, refs: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        found.update(r["ref"] for r in ledger.store.rows(q.refs_in(len(chunk)), {f"r{i}": r for i, r in enumerate(chunk)}))
    return found


def import_file(ledger: Ledger, path: str, *, dry_run: bool = False, stdin: IO[bytes] | None = None,
                progress: Callable[[int, int | None], None] | None = None) -> ImportResult:
    """Validate every record of the file and write them all, or none (ImportFailed).

    `progress(bytes_read, size)` is called after each batch, when given.
    """
    source = _Source(path, stdin)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived objects and no cycles: the collector would only rescan them
    try:
        with _bulk_journal(ledger, dry_run), _writing(ledger, dry_run) as in_transaction:
            return _import(ledger, source, dry_run, in_transaction, progress)
    except UnicodeDecodeError:
        raise ImportFailed(source.name, [f"{source.name} is not UTF-8 text (save it as UTF-8, e.g. CSV UTF-8)"], 1) from None
    finally:
        if collecting:
            gc.enable()
        source.close()


@contextmanager
def _bulk_journal(ledger: Ledger, dry_run: bool) -> Iterator[None]:
    """An import into an empty SQLite ledger is written with a rollback journal instead of the WAL.

    Through the WAL every page is written twice (to the log, then checkpointed into the
    ledger) and the index builds read the new pages back out of the log: twice the time at a
    million complaints. With a rollback journal the new pages go straight into the file (a
    failed import is still rolled back, and the journal holds only the few pages that existed).
    The price: until the import commits, other processes wait to read (the ledger was empty).
    Only when no other connection has the ledger open; WAL again afterwards (and on every open).
    """
    store = ledger.store
    if dry_run or store.dialect != "sqlite" or store.value(q.ANY_COMPLAINT) is not None:
        yield
        return
    timeout = store.value("PRAGMA busy_timeout")
    store.run("PRAGMA busy_timeout = 0")  # another connection: give up at once and keep the WAL
    try:
        switched = store.value("PRAGMA journal_mode = DELETE") == "delete"
    except sqlite3.OperationalError:
        switched = False
    store.run(f"PRAGMA busy_timeout = {int(timeout)}")
    if not switched:
        yield
        return
    store.run("PRAGMA synchronous = FULL")  # NORMAL is safe with a WAL, not quite with a rollback journal
    try:
        yield
    finally:
        store.run("PRAGMA synchronous = NORMAL")
        try:
            store.value("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # busy: the next open of the ledger sets it


@contextmanager
def _writing(ledger: Ledger, dry_run: bool) -> Iterator[bool]:
    if dry_run:
        yield False
    else:
        with ledger.store.transaction():
            yield True


@dataclass
class _Checked:
    """A batch as checked, ready to write: its good records as columns in bind form, their
    positions in the batch, the problems of the others, and (when it has none and is to be
    written) the imported events' details and hashes."""

    first: int
    lines: list[int]
    columns: dict[str, list]
    kept: list[int]
    bad: list[tuple[int, _Bad]]
    events: tuple[list[str], list[str]] | None
    position: int  # bytes of the file read so far

    # Sent between processes with each text column as one NUL-joined string (imported text
    # holds no NUL): a third of the cost of pickling the values one by one.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["columns"] = {c: v if c in baseline.NUMERIC_COLUMNS else _NUL.join(v) for c, v in self.columns.items()}
        if self.events is not None:
            state["events"] = tuple(map(_NUL.join, self.events))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        rows = len(state["kept"])
        split = methodcaller("split", _NUL) if rows else lambda text: []
        columns = state["columns"] = {c: v if c in baseline.NUMERIC_COLUMNS else split(v)
                                      for c, v in state["columns"].items()}
        if state["events"] is not None:
            state["events"] = tuple(map(split, state["events"]))
        if any(len(values) != rows for values in columns.values()):
            raise TskError("the import's checking process sent a malformed batch; nothing was imported")
        self.__dict__.update(state)


@dataclass
class _Finished:
    computed: int  # open complaints whose deadlines were computed


@dataclass
class _Stopped:
    error: BaseException


def _checked(checker: _Checker, batches: Iterator[_Batch], reader: _CsvReader | None, writer: _Writer | None,
             source: _Source) -> Iterator[_Checked | _Finished]:
    """Each batch checked (and its events made), then the count of computed deadlines."""
    for batch in batches:
        columns, kept, bad = checker.batch(batch, reader)
        events = writer.events(columns["ref"], baseline.digests(columns)) if writer is not None and not bad else None
        yield _Checked(batch.first, batch.lines, columns, kept, bad, events, source.position())
    yield _Finished(checker.computed)


def _checked_aside(work: Iterator[_Checked | _Finished]) -> Iterator[_Checked | _Finished]:
    """`work` done by a second process, its results read back here as they come: on two cores
    reading and checking a big file then takes no longer than writing it (SQLite's writing
    holds this process, and threads would share one interpreter lock). The second process is
    forked after everything it needs is loaded (settings, policies, calendar) and never
    touches the database; it leaves with os._exit, running none of this process's cleanup."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            with open(write_end, "wb", buffering=1 << 20) as out:
                try:
                    for item in work:
                        pickle.dump(item, out, pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # noqa: BLE001 - whatever stops it is reported by the parent
                    try:
                        pickle.dump(_Stopped(exc), out, pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - an exception that cannot be sent: its text
                        pickle.dump(_Stopped(TskError(f"{type(exc).__name__}: {exc}")), out, pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write_end)
    finished = False
    try:
        with open(read_end, "rb", buffering=1 << 20) as results:
            while not finished:
                try:
                    item = pickle.load(results)
                except EOFError:
                    raise TskError("the import's checking process stopped unexpectedly; nothing was imported") from None
                if isinstance(item, _Stopped):
                    raise item.error
                finished = isinstance(item, _Finished)
                yield item
    finally:
        if not finished:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)


# A file at least this large is checked by a second process while this one writes, when the
# machine has a second core (below it, starting the process costs more than it saves).
ASIDE_BYTES = 8 << 20


def _import(ledger: Ledger, source: _Source, dry_run: bool, write: bool,
            progress: Callable[[int, int | None], None] | None) -> ImportResult:
    checker = _Checker(ledger)
    ledger_empty = ledger.store.value(q.ANY_COMPLAINT) is None
    writer = _Writer(ledger, source.name, ledger_empty=ledger_empty) if write else None
    problems: list[tuple[int, str]] = []  # (record number, message): the first ones in file order
    total_problems = 0
    met = _Refs()
    count = computed = 0

    def problem(number: int, line: int, field: str | None, message: str) -> None:
        nonlocal total_problems
        total_problems += 1
        where = source.where(number, line)
        problems.append((number, f"{source.name} {where}" + (f", field {field}" if field else "") + f": {message}"))
        if len(problems) > 4 * MAX_REPORTED:
            problems.sort()
            del problems[MAX_REPORTED:]

    reader = None
    if source.format == "csv":
        reader = _CsvReader(source)
        batches = reader.batches()
    else:
        batches = _object_batches(_jsonl_records(source) if source.format == "jsonl" else _JsonArray(source).records())
    work = _checked(checker, batches, reader, writer, source)
    if writer is not None and (source.size or 0) >= ASIDE_BYTES and (os.cpu_count() or 1) > 1:
        checker.preload()
        work = _checked_aside(work)
    for item in work:
        if isinstance(item, _Finished):
            computed = item.computed
            break
        for i, exc in item.bad:
            problem(item.first + i, item.lines[i], exc.field, exc.message)
        refs = item.columns["ref"]
        numbers = [item.first + i for i in item.kept]
        lines = [item.lines[i] for i in item.kept]
        again = met.meet(refs, numbers, lines)
        for i, number, line in again:
            problem(numbers[i], lines[i], "ref",
                    f"{refs[i]} appears twice in the file (first at {source.where(number, line)})")
        if not ledger_empty:
            doubled = {i for i, _, _ in again}
            known = _known_refs(ledger, [ref for i, ref in enumerate(refs) if i not in doubled])
            for i, ref in enumerate(refs):
                if ref in known and i not in doubled:
                    problem(numbers[i], lines[i], "ref", f"{ref} is already in the ledger")
        count += len(refs) - len(again)
        if writer is not None and not total_problems and item.events is not None:
            writer.write(item.columns, *item.events)
        if progress is not None:
            progress(item.position, source.size)
    if total_problems:
        raise ImportFailed(source.name, [message for _, message in sorted(problems)[:MAX_REPORTED]], total_problems)
    if writer is not None:
        writer.finish(met.last)
    return ImportResult(count, computed, dry_run, source.name)
