"""`tsk export` and `tsk import`: every field of every complaint, as CSV, JSON or JSON lines.

Export streams the rows (constant memory on any size of ledger): the columns are
`views.EXPORT_FIELDS`, in ref order. Import reads exactly that back, validates every row
and writes all of them or none, in one transaction, in large batches: ids are assigned
here (from the largest id inside the write transaction) so each batch is two bulk inserts,
the complaints and their "imported" events, each event carrying the whole row as its
changes so that `tsk verify` can replay it. An export imported into an empty ledger
exports again byte for byte the same.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from hashlib import sha256
from operator import itemgetter, mul
from typing import IO, Any, TextIO

from tsk import output, timeutil, views
from tsk import queries as q
from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound, TskError
from tsk.lifecycle import REF_PATTERN, canonical, check_id_number, check_phone
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
        self.problems = problems
        self.total = total
        more = f" (the first {len(problems)} shown)" if total > len(problems) else ""
        super().__init__(f"{total} problem(s) in {source}{more}; nothing was imported")


class _Bad(Exception):
    """One field of one record is wrong."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ImportResult:
    count: int
    computed_deadlines: int  # open complaints that came without deadlines
    dry_run: bool
    source: str


# -- import: reading the file ------------------------------------------------------------------
@dataclass
class _Record:
    where: str  # "line 7" or "record 3 (line 9)"
    values: dict[str, Any]


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
        self.text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

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


def _csv_records(source: _Source) -> Iterator[_Record]:
    reader = csv.reader(source.text)
    header = next(reader, None)
    if header is None:
        raise ImportFailed(source.name, [f"{source.name} is empty: expected a header row of export columns"], 1)
    header = [h.strip() for h in header]
    _check_columns(source.name, header, "line 1")
    width = len(header)
    line = reader.line_num + 1
    for values in reader:
        start, line = line, reader.line_num + 1
        if not values or values == [""]:
            continue  # a blank line
        if len(values) != width:
            yield _Record(f"line {start}", {"": _Bad(None, f"{len(values)} values, the header has {width}")})
            continue
        yield _Record(f"line {start}", {k: v.strip() or None for k, v in zip(header, values)})


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


def _jsonl_records(source: _Source) -> Iterator[_Record]:
    for number, line in enumerate(source.text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ImportFailed(source.name, [f"{source.name} line {number}: not valid JSON: {exc}"], 1) from None
        yield _object_record(f"line {number}", value)


def _object_record(where: str, value: Any) -> _Record:
    if not isinstance(value, dict):
        return _Record(where, {"": _Bad(None, f"expected an object of export fields, not {type(value).__name__}")})
    unknown = [k for k in value if k not in EXPORT_FIELDS]
    if unknown:
        return _Record(where, {"": _Bad(unknown[0], "not an export field")})
    return _Record(where, {k: _clean(v) for k, v in value.items()})


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

    def records(self) -> Iterator[_Record]:
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
                where = f"record {number} (line {self.line})"
                yield _object_record(where, self._value())
                after = self._peek()
                self.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise self._fail(f"expected , or ] after record {number}" + (f", not {after!r}" if after else ""))
        if self._peek() != "":
            raise self._fail("text after the end of the array")


def _records(source: _Source) -> Iterator[_Record]:
    if source.format == "csv":
        return _csv_records(source)
    if source.format == "jsonl":
        return _jsonl_records(source)
    return _JsonArray(source).records()


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


# -- import: writing ---------------------------------------------------------------------------------
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_STRING = json.encoder.encode_basestring  # type: ignore[attr-defined]


class _Writer:
    """Batches of rows, each written as two bulk inserts; ids assigned here.

    The "imported" event's details and hash are what `lifecycle.canonical` and
    `lifecycle.event_hash` give (a test holds them to it), built from parts that are the
    same for every row of the import.
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
        self.complaint_sql = q.insert_complaint_rows(["id", *ROW_COLUMNS, "event_count", "history_head"])
        self.now = now = timeutil.to_text(timeutil.now())
        self.actor = ledger.actor
        # canonical({"changes": row, "source": name}) = head + canonical(row) + tail
        self.source = os.path.basename(source)
        self.details_tail = ',"source":' + _STRING(self.source) + "}"
        # canonical(event payload), keys sorted: action, actor, at, details, recorded_at, ref, seq
        self.payload_head = '{"action":"imported","actor":' + _STRING(self.actor) + ',"at":' + _STRING(now) + ',"details":'
        self.payload_middle = ',"recorded_at":' + _STRING(now) + ',"ref":'
        self.complaints: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.counters: dict[int, int] = {}
        self.written = 0

    def add(self, row: dict[str, Any]) -> None:
        ref = row["ref"]
        details = '{"changes":' + _ENCODE(row) + self.details_tail
        payload = self.payload_head + _STRING(details) + self.payload_middle + _STRING(ref) + ',"seq":1}'
        digest = sha256(payload.encode("utf-8")).hexdigest()  # event_hash("", ref, event)
        complaint_id = self.next_id
        self.next_id += 1
        self.events.append({"complaint_id": complaint_id, "seq": 1, "at": self.now, "recorded_at": self.now,
                            "actor": self.actor, "action": "imported", "details": details, "prev_hash": "",
                            "hash": digest})
        row["id"], row["event_count"], row["history_head"] = complaint_id, 1, digest
        self.complaints.append(row)
        year, number = int(ref[3:7]), int(ref[8:])
        if number > self.counters.get(year, 0):
            self.counters[year] = number
        if len(self.complaints) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.may_defer_indexes and len(self.complaints) >= BATCH:
            self.may_defer_indexes = False
            for index in self.store.rows(q.SQLITE_SECONDARY_INDEXES):
                self.store.run(q.drop_index(index["name"]))
                self.deferred_indexes.append(index["sql"])
        if self.complaints:
            self.store.run_many(self.complaint_sql, self.complaints)
            self.store.run_many(q.INSERT_EVENT, self.events)
            self.written += len(self.complaints)
            self.complaints, self.events = [], []

    def finish(self) -> None:
        self.flush()
        for sql in self.deferred_indexes:
            self.store.run(sql)
        for year, last in sorted(self.counters.items()):
            self.store.run(q.RAISE_REF_COUNTER, {"year": year, "last": last})
        # One audit row for the whole import; `verify` reads max_ref: refs up to it may have gaps.
        from tsk.admin import audit

        audit(self.ledger, "import", {"source": self.source, "count": self.written,
                                      "max_ref": {str(year): last for year, last in sorted(self.counters.items())}})
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
    try:
        with _writing(ledger, dry_run) as in_transaction:
            return _import(ledger, source, dry_run, in_transaction, progress)
    except UnicodeDecodeError:
        raise ImportFailed(source.name, [f"{source.name} is not UTF-8 text (save it as UTF-8, e.g. CSV UTF-8)"], 1) from None
    finally:
        source.close()


@contextmanager
def _writing(ledger: Ledger, dry_run: bool) -> Iterator[bool]:
    if dry_run:
        yield False
    else:
        with ledger.store.transaction():
            yield True


def _import(ledger: Ledger, source: _Source, dry_run: bool, write: bool,
            progress: Callable[[int, int | None], None] | None) -> ImportResult:
    checker = _Checker(ledger)
    ledger_empty = ledger.store.value(q.ANY_COMPLAINT) is None
    writer = _Writer(ledger, source.name, ledger_empty=ledger_empty) if write else None
    problems: list[tuple[int, str]] = []  # (record number, message): the first ones in file order
    total_problems = 0
    seen: dict[str, str] = {}  # ref -> where it was first seen in the file
    pending: list[tuple[int, str, dict[str, Any]]] = []  # rows whose refs are not yet checked against the ledger
    count = 0

    def problem(number: int, where: str, field: str | None, message: str) -> None:
        nonlocal total_problems
        total_problems += 1
        problems.append((number, f"{source.name} {where}" + (f", field {field}" if field else "") + f": {message}"))
        if len(problems) > 4 * MAX_REPORTED:
            problems.sort()
            del problems[MAX_REPORTED:]

    def settle() -> None:
        """Check the pending refs against the ledger, then hand the rows to the writer."""
        known = set() if ledger_empty else _known_refs(ledger, [row["ref"] for _, _, row in pending])
        for number, where, row in pending:
            if row["ref"] in known:
                problem(number, where, "ref", f"{row['ref']} is already in the ledger")
            elif writer is not None and not total_problems:
                writer.add(row)
        pending.clear()
        if progress is not None:
            progress(source.position(), source.size)

    for number, record in enumerate(_records(source)):
        try:
            row = checker.row(record.values)
        except _Bad as bad:
            problem(number, record.where, bad.field, bad.message)
            continue
        ref = row["ref"]
        if ref in seen:
            problem(number, record.where, "ref", f"{ref} appears twice in the file (first at {seen[ref]})")
            continue
        seen[ref] = record.where
        pending.append((number, record.where, row))
        count += 1
        if len(pending) >= BATCH:
            settle()
    settle()
    if total_problems:
        raise ImportFailed(source.name, [message for _, message in sorted(problems)[:MAX_REPORTED]], total_problems)
    if writer is not None:
        writer.finish()
    return ImportResult(count, checker.computed, dry_run, source.name)
