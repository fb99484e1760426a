"""Checking the records of `tsk import`: one by one (each problem named with its field), or, for
a CSV batch, a column at a time at C speed, falling back to one by one when the fast checks
cannot decide."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from operator import itemgetter, methodcaller, mul
from typing import Any

from tsk import timeutil
from tsk.context import Ledger
from tsk.errors import InvalidInput, NotFound
from tsk.exchange.read import NUL, REQUIRED, Bad, Batch, CsvReader
from tsk.lifecycle import canonical, check_id_number, check_phone
from tsk.records import REF_PATTERN
from tsk.views import EXPORT_FIELDS
from tsk.vocab import (BUSINESS_TYPE, CATEGORY, CAUSE, CHANNEL, KIND, NOTIFY_VIA, RESULT, SATISFACTION, SEVERITY,
                       STATUS, TOP_LEVEL, Vocab)

# The stored columns an import writes (besides id, event_count, history_head): the export
# fields, with compensation in fen and without the derived flags.
ROW_COLUMNS = tuple("compensation_fen" if f == "compensation" else f for f in EXPORT_FIELDS if f != "flags")


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
_HAS_NUL = methodcaller("__contains__", NUL)
_NULL_AS_EMPTY = {None: ""}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)



def _as_text(field: str, value: Any) -> str:
    """A JSON number where text is expected is taken as its text; anything else is wrong."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise Bad(field, f"expected text, not {json.dumps(value, ensure_ascii=False)}")


def _enum_error(field: str, text: Any) -> Bad:
    choices = ", ".join(f"{key} ({label})" for key, label in _VOCABS[field].entries)
    return Bad(field, f"{text!r} is not one of: {choices}")


def _ref(field: str, value: Any) -> str:
    ref = (value if value.__class__ is str else _as_text(field, value)).upper()
    if not REF_PATTERN.match(ref):
        raise Bad(field, f"{value!r} is not a complaint ref (like TS-2026-000123)")
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
            raise Bad(field, f"{value!r} is not a whole number") from None
    if number < low or (high is not None and number > high):
        raise Bad(field, f"{number} is out of range ({low}" + (f" to {high})" if high is not None else " or more)"))
    return number


def _flag(field: str, value: Any) -> int:
    flag = _FLAGS.get(str(value).lower())
    if flag is None:
        raise Bad(field, f"{value!r} is not 0 or 1")
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
        raise Bad(field, f"{text!r} is not a date and time (like 2026-11-23T14:05:00+08:00)") from None


def _date(field: str, value: Any) -> str:
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise Bad(field, f"{value!r} is not a date (YYYY-MM-DD)")


def _masked(field: str, text: str) -> Bad:
    return Bad(field, f"{text!r} is masked: this file was exported without --show-pii and cannot be imported "
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
        raise Bad("customer_phone", f"{text!r} is not a phone number") from None


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
        raise Bad("customer_id_number", str(exc).removeprefix("ID number ")) from None


def _conflicts(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Bad("conflicts", f"{value!r} is not a JSON list of names") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Bad("conflicts", "expected a JSON list of names")
    return canonical(sorted({v.strip() for v in value if v.strip()}))


def _compensation(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Bad("compensation", f"{value!r} is not an amount in yuan")
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise Bad("compensation", f"{value!r} is not an amount in yuan") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise Bad("compensation", f"{value!r} must be zero or more, to the fen")
    return int(amount * 100)


class Checker:
    """Turns one record into a complaint row (the columns of ROW_COLUMNS), or raises Bad."""

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

    def batch(self, batch: Batch, reader: CsvReader | None) -> tuple[dict[str, list], list[int], list[tuple[int, Bad]]]:
        """The batch's good records as columns in bind form, their positions in the batch, and the
        problems of the others (position, problem)."""
        if batch.rows is not None:
            assert reader is not None
            try:
                return (self.columns.check(reader.index, batch.rows, nul_seen=reader.source.watch.seen),
                        list(range(len(batch.rows))), [])
            except (Slow, Bad, ValueError):
                pass  # record by record: the same rows, or the problems named
            records: Any = map(reader.values, batch.rows)
        else:
            records = batch.objects
        rows, kept, bad = [], [], []
        for i, values in enumerate(records):
            try:
                rows.append(self.row(values))
            except Bad as exc:
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
                        found = Bad("policy_version", f"policy {name} has no version {version}")
            except NotFound as exc:
                found = Bad("policy", str(exc).removeprefix("no policy "))
            self.policies[key] = found
        found = self.policies[key]
        if isinstance(found, Bad):
            raise found
        return found

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        if "" in values:  # the reader already found the record unusable
            raise values[""]
        for field, value in values.items():
            if value.__class__ is str and NUL in value:  # never text; and the baseline digest joins by NUL
                raise Bad(field, "contains a NUL character")
        get = values.get
        for field in REQUIRED:
            if get(field) is None:
                raise Bad(field, "missing (required)")
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
            raise Bad("received_at", f"{row['received_at']} is in the future")
        value = get("customer_phone")
        row["customer_phone"] = None if value is None else _phone(value)
        value = get("customer_id_number")
        row["customer_id_number"] = None if value is None else _id_number(value)
        if self.units and row["unit"] not in self.units:
            raise Bad("unit", f"{row['unit']!r} is not one of the ledger's units: {', '.join(sorted(self.units))}")
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
            raise Bad(field, "missing: give ack_due, due and cap_due together, or none of them to have them computed")
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
            raise Bad("closed_at", f"an open complaint has no closing time, not {row['closed_at']}")
    elif row["closed_at"] is None:
        raise Bad("closed_at", f"missing: a {status} complaint needs the time it was {status}")
    elif status == "closed" and row["result"] is None:
        raise Bad("result", "missing: a closed complaint needs its result")
    if row["channel"] == "regulator" and not (row["referred_by"] and row["referral_ref"]):
        field = "referral_ref" if row["referred_by"] else "referred_by"
        raise Bad(field, "missing: a regulator-referred complaint (监管转办) needs referred_by and referral_ref")


# -- import: checking a batch of CSV rows column by column ----------------------------------------
# A million rows pass through here. For a CSV batch every check runs over whole columns with
# C-level loops (map, set, dict lookups; values of few distinct kinds — vocabularies, dates,
# numbers, policies — converted once and remembered). When all of the batch passes, the
# result is the same as `Checker.row` gives row by row (a test holds them to it); when
# anything does not (or needs more than these checks), the batch goes through `Checker.row`,
# which names the line and field of each problem.
#
# Checked batches are columns in "bind form": each a list in file order, with "" for null
# (text values are never empty: they are stripped, and empty means null).


class Slow(Exception):
    """The column-by-column checks cannot decide this batch; `Checker.row` will."""


_STORED_TIME = re.compile(r".{10}T.{8}\+08:00", re.DOTALL)  # len 25, T at 10, +08:00: `_time` keeps it if valid
_PHONE_DIGITS = re.compile(r"[0-9]{5,20}")
_ID_DIGITS = re.compile(r"[0-9]{17}[0-9X]")
_ID_CHECK = "10X98765432"
_CACHE_MAX = 50_000  # distinct values remembered per column


def id_check_ok(text: str) -> bool:
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
        raise Slow


class _Columns:
    """The conversions of `Checker.row`, per column, for values as read from a CSV."""

    def __init__(self, checker: Checker) -> None:
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
                    raise Slow
                return default or ""
            key = table.get(value) or table.get(value.lower())
            if key is None:
                raise Slow
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
        """The batch's columns in bind form, or Slow (or Bad, ValueError) when this cannot decide."""
        checker = self.checker
        if set(map(len, rows)) != {len(index)}:
            raise Slow  # a row of another width: its problem is named record by record
        read = list(zip(*rows))
        if nul_seen and any(map(_HAS_NUL, map("".join, read))):
            raise Slow
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
                raise Slow
        out["first_handler"] = list(map(self.fill_handler.get, out["first_handler"], out["first_handler"]))
        if checker.units and not checker.units.issuperset(out["unit"]):
            raise Slow
        for field in _TIMES:
            out[field] = column = list(map(strip, raw(field)))
            given = list(filter(None, column))
            _all_or_slow(map(_STORED_TIME.fullmatch, given))
            deque(map(dt.datetime.fromisoformat, given), maxlen=0)  # ValueError: not a valid time
        if "" in out["received_at"] or max(out["received_at"]) > checker.now:
            raise Slow
        for field in _DATES:
            out[field] = self.through(field, raw(field))
        for field in _CLOCKS:
            if "" in out[field]:
                raise Slow  # deadlines to compute
        out["customer_phone"] = phones = list(map(strip, raw("customer_phone")))
        _all_or_slow(map(_PHONE_DIGITS.fullmatch, filter(None, phones)))
        out["customer_id_number"] = ids = list(map(str.upper, map(strip, raw("customer_id_number"))))
        given = list(filter(None, ids))
        _all_or_slow(map(_ID_DIGITS.fullmatch, given))
        _all_or_slow(map(id_check_ok, given))
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
                    raise Slow
            elif not closed or (status == "closed" and not result):
                raise Slow
        if "regulator" in out["channel"] and not all(
                referred and referral for channel, referred, referral
                in zip(out["channel"], out["referred_by"], out["referral_ref"]) if channel == "regulator"):
            raise Slow
        names, versions = raw("policy"), raw("policy_version")
        if names.count(names[0]) == len(names) and versions.count(versions[0]) == len(versions):  # the usual file
            name, version = self.convert["policy"]((names[0], versions[0]))
            out["policy"], out["policy_version"] = [name] * len(names), [version] * len(names)
        else:
            policies = self.through("policy", list(zip(names, versions)))
            out["policy"] = list(map(itemgetter(0), policies))
            out["policy_version"] = list(map(itemgetter(1), policies))
        return out


