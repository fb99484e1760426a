"""Checking the records of `tsk import`: one by one (each problem named with its field), or, for
a CSV batch, a column at a time at C speed, falling back to one by one when the fast checks
cannot decide. Both are made from the field table (`tsk.fields`): its kinds, defaults and
required fields, and its checks of one value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from operator import attrgetter, methodcaller
from typing import Any

from tsk import fields, timeutil, values
from tsk import messages as msg
from tsk.context import Ledger
from tsk.errors import NotFound, echo
from tsk.exchange.read import NUL, Bad, Batch, CsvReader
from tsk.fields import COMPUTED, REF_PATTERN, REQUIRED, ROW_COLUMNS, Field
from tsk.values import Invalid
from tsk.vocab import STATUS

_CLOCKS = ("ack_due", "due", "cap_due")  # given together, or computed together
_REVIEW = ("review_due", "reviewed_at", "review_result", "review_resolution")  # a review (核查) applied for
_HAS_NUL = methodcaller("__contains__", NUL)
_NULL_AS_EMPTY = {None: ""}


# -- import: checking one record ------------------------------------------------------------------
# Records arrive clean: each value is stripped text or None (JSON may also give numbers,
# booleans and lists). A million rows pass through here: the usual enumeration key or text is
# taken inline, anything else goes to the field's check.
def _default(field: Field) -> Any:
    return None if field.default is COMPUTED else field.default  # computed when the complaint is opened


_ENUMS = tuple((f.name, f.vocab.spellings(), _default(f), values.check_of(f))  # type: ignore[union-attr]
               for f in fields.STORED if f.kind == fields.ENUM)
_TEXTS = tuple(f.name for f in fields.STORED if f.kind == fields.TEXT and _default(f) is None)
_OTHERS = tuple((f.name, f.column, values.check_of(f), _default(f)) for f in fields.STORED
                if f.kind != fields.ENUM and f.name not in _TEXTS)


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
            if not batch.bad:
                try:
                    return (self.columns.check(reader.index, batch.rows, nul_seen=reader.nul_seen),
                            list(range(len(batch.rows))), [])
                except (Slow, Bad, ValueError):
                    pass  # record by record: the same rows, or the problems named
            records: Any = map(reader.values, batch.rows)
        else:
            records = batch.objects
        rows, kept, bad = [], [], []
        for i, record in enumerate(records):
            if i in batch.bad:  # what the reader found wrong with it
                bad.append((i, batch.bad[i]))
                continue
            try:
                rows.append(self.row(record))
            except Bad as exc:
                bad.append((i, exc))
                continue
            kept.append(i)
        columns = {}
        for column in ROW_COLUMNS:
            stored = [row[column] for row in rows]
            columns[column] = list(map(_NULL_AS_EMPTY.get, stored, stored))
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
                        found = Bad("policy_version", msg.NO_POLICY_VERSION, name=name, version=version)
            except NotFound as exc:
                found = Bad("policy", msg.UNKNOWN_POLICY(**exc.said.values))
            self.policies[key] = found
        found = self.policies[key]
        if isinstance(found, Bad):
            raise found
        return found

    def row(self, record: dict[str, Any]) -> dict[str, Any]:
        if "" in record:  # the reader already found the record unusable
            raise record[""]
        for name, value in record.items():
            if value.__class__ is str and NUL in value:  # never text; and the baseline digest joins by NUL
                raise Bad(name, msg.HAS_NUL)
        get = record.get
        for name in REQUIRED:
            if get(name) is None:
                raise Bad(name, msg.MISSING_REQUIRED)
        row: dict[str, Any] = {}
        name = ""
        try:
            for name, spellings, default, check in _ENUMS:
                value = get(name)
                if value is None:
                    row[name] = default
                else:
                    key = spellings.get(value) if value.__class__ is str else None
                    row[name] = check(value) if key is None else key
            for name in _TEXTS:
                value = get(name)
                row[name] = None if value is None else values.text(value)
            for name, column, check, default in _OTHERS:
                value = get(name)
                row[column] = default if value is None else check(value)
        except Invalid as exc:
            value = get(name)
            if _masked(fields.BY_NAME[name], value):
                raise Bad(name, msg.MASKED_VALUE, value=echo(value)) from None
            raise Bad(name, exc.said) from None
        for pii in fields.PII:  # an email or address passes as text: masked, it is still refused
            if _masked(pii, row[pii.column]):
                raise Bad(pii.name, msg.MASKED_VALUE, value=echo(row[pii.column]))
        try:
            values.receipt(row["received_at"], self.now)
        except Invalid as exc:
            raise Bad("received_at", msg.VALUE_IS, value=row["received_at"], problem=exc.said) from None
        if self.units and row["unit"] not in self.units:
            raise Bad("unit", msg.NOT_A_LEDGER_UNIT, value=echo(row["unit"]), units=msg.Listed(sorted(self.units)))
        if row["first_handler"] is None:
            row["first_handler"] = self.actor
        _check_lifecycle(row)
        policy = self.policy(row["policy"] or self.default_policy, row["policy_version"])
        row["policy"], row["policy_version"] = policy.name, policy.version
        given = [c for c in _CLOCKS if row[c] is not None]
        if given and len(given) < len(_CLOCKS):
            field = next(c for c in _CLOCKS if row[c] is None)
            raise Bad(field, msg.CLOCKS_TOGETHER)
        if not given:  # computed exactly as `tsk add` does, from receipt under the complaint's policy
            row.update(fields.opening(row, self.group_threshold, policy, self.ledger.calendar))
            if row["status"] == "open":
                self.computed += 1
        elif row["is_group"] is None or row["emergency"] is None or row["level"] is None:
            row.update(fields.opening(row, self.group_threshold))
        return row


def _check_lifecycle(row: dict[str, Any]) -> None:
    """What the lifecycle guarantees of every stored complaint."""
    status = row["status"]
    if status == "open":
        if row["closed_at"] is not None:
            raise Bad("closed_at", msg.OPEN_WITH_CLOSED_AT, value=row["closed_at"])
    elif row["closed_at"] is None:
        raise Bad("closed_at", msg.MISSING_CLOSED_AT, status=STATUS.term(status))
    elif status == "closed" and row["result"] is None:
        raise Bad("result", msg.MISSING_RESULT)
    if row["channel"] == "regulator" and not (row["referred_by"] and row["referral_ref"]):
        field = "referral_ref" if row["referred_by"] else "referred_by"
        raise Bad(field, msg.MISSING_REFERRAL)
    if row["referral_due"] is not None and row["channel"] != "regulator" and not row["referred_by"]:
        raise Bad("referral_due", msg.REFERRAL_DUE_ONLY)
    if (status == "merged") != (row["merged_into"] is not None):
        raise Bad("merged_into", msg.MERGED_INTO_ONLY)
    if (row["complainant_name"] is None) != (row["complainant_relationship"] is None):
        field = "complainant_relationship" if row["complainant_name"] else "complainant_name"
        raise Bad(field, msg.MISSING_COMPLAINANT)
    if row["paused_at"] is not None and status != "open":
        raise Bad("paused_at", msg.PAUSED_ONLY_OPEN, status=STATUS.term(status))
    if row["review_at"] is not None and (status != "closed" or row["review_due"] is None):
        raise Bad("review_at", msg.REVIEW_OF_CLOSED)
    if row["review_at"] is None and any(row[c] is not None for c in _REVIEW):
        raise Bad("review_at", msg.MISSING_REVIEW_AT)


# -- import: checking a batch of CSV rows column by column ----------------------------------------
# A million rows pass through here. For a CSV batch every check runs over whole columns with
# C-level loops (map, set, dict lookups; values of few distinct kinds — vocabularies, dates,
# numbers, policies — converted once and remembered). When all of the batch passes, the
# result is the same as `Checker.row` gives row by row (a test holds them to it); when
# anything does not (or needs more than these checks), the batch goes through `Checker.row`,
# which names the line and field of each problem.
#
# Checked batches are columns in "bind form": each a list in file order, with "" for null
# (text values are never empty: they are stripped, and empty means null). A number computed
# when the complaint is opened is NOT_GIVEN until then, and its clocks null.


class Slow(Exception):
    """The column-by-column checks cannot decide this batch; `Checker.row` will."""


_STORED_TIME = re.compile(r".{10}T.{8}\+08:00", re.DOTALL)  # len 25, T at 10, +08:00: kept if valid


def _masked(field: Field, value: Any) -> bool:
    """A value as `export` shows it masked: one its field's mask leaves as it is."""
    return field.mask is not None and value.__class__ is str and "*" in value and field.mask(value) == value


# The usual phone and ID number (what `values.phone` and `values.id_number` keep as they are).
_PLAIN_PHONE = re.compile(r"[0-9]{5,20}")
_PLAIN_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_FIRST, _AFTER_LAST = f"{timeutil.FIRST_YEAR:04d}", f"{timeutil.LAST_YEAR + 1:04d}"  # stored times' year range, as text
_CACHE_MAX = 50_000  # distinct values remembered per column
NOT_GIVEN = -1  # never a valid number of a complaint; compared at C speed with the others
_STRIP = str.strip
_UPPER = str.upper
# What `fields.opening` reads of a row.
_OPENING_FACTS = ("kind", "severity", "cause", "group_size", "is_group", "emergency", "level", "received_at",
                  "extended_days", "paused_days", "restarted_at", "report_due", "form_due", "form_at",
                  "supervision_due", "supervised_at")
_OPTIONAL_FACTS = ("restarted_at", "report_due", "form_due", "form_at", "supervision_due", "supervised_at")  # "" is null
# Columns whose values the record checks decide (`_check_lifecycle`): any given, the batch goes record by record.
_LIFECYCLE_RARE = ("merged_into", "complainant_name", "complainant_relationship", "paused_at", *_REVIEW, "review_at")
_COMPUTED_NUMBERS = ("is_group", "emergency", "level")  # NOT_GIVEN until the complaint is opened


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


# The kinds of value whose usual value the record checks keep as it is (stripped, upper-cased
# where they would be): whether it is upper-cased, and the tests every value of a column must
# pass to be kept as read. A datetime is true, and fromisoformat raises ValueError on a wrong one.
_KEPT_AS_READ: dict[str, tuple[bool, tuple[Callable[[str], Any], ...]]] = {
    fields.TEXT: (False, ()),
    fields.REF: (True, (REF_PATTERN.match,)),
    fields.TIME: (False, (_STORED_TIME.fullmatch, dt.datetime.fromisoformat)),  # and within the years read
    fields.PHONE: (False, (_PLAIN_PHONE.fullmatch,)),
    fields.ID_NUMBER: (True, (_PLAIN_ID_NUMBER.fullmatch, values.id_check_ok)),
}


class _Columns:
    """The checks of `Checker.row`, a column at a time, for values as read from a CSV."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.caches: dict[str, dict] = {}
        self.plan = tuple((f.name, f.column, self._column_check(f)) for f in fields.STORED)
        self.fill_handler = {"": checker.actor}

    def _column_check(self, field: Field) -> Callable[[tuple[str, ...]], list]:
        """How a column of `field`, as read, becomes its bind form (or Slow)."""
        required = bool(field.required)
        if field.kind in _KEPT_AS_READ:
            upper, tests = _KEPT_AS_READ[field.kind]

            def kept_as_read(raw: tuple[str, ...]) -> list:
                column = list(map(_UPPER, map(_STRIP, raw)) if upper else map(_STRIP, raw))
                if required and "" in column:
                    raise Slow
                if tests:
                    given = column if required else list(filter(None, column))
                    for test in tests:
                        _all_or_slow(map(test, given))
                    if field.kind == fields.TIME and given and (min(given) < _FIRST or max(given) >= _AFTER_LAST):
                        raise Slow  # a year tsk does not read
                return column
            return kept_as_read
        # Values of few distinct kinds: each converted once, by the check of one record.
        check = values.check_of(field)
        if field.default is COMPUTED:  # until the complaint is opened: a clock null, a number not given
            default = NOT_GIVEN if field.kind in (fields.WHOLE, fields.FLAG) else ""
        else:
            default = "" if field.default is None else field.default
        cache = self.caches.setdefault(field.name, {})

        def convert(raw: str) -> Any:
            value = raw.strip()
            if not value:
                if required:
                    raise Slow
                return default
            return check(value)

        return lambda raw: _through(cache, raw, convert)

    def _policy(self, given: tuple[str, int]):
        return self.checker.policy(given[0] or self.checker.default_policy, None if given[1] == NOT_GIVEN else given[1])

    def check(self, index: dict[str, int], rows: list[list[str]], *, nul_seen: bool) -> dict[str, list]:
        """The batch's columns in bind form, or Slow (or Bad, ValueError) when this cannot decide."""
        checker = self.checker
        if set(map(len, rows)) != {len(index)}:
            raise Slow  # a row of another width: its problem is named record by record
        read = list(zip(*rows))
        if nul_seen and any(map(_HAS_NUL, map("".join, read))):
            raise Slow
        blank = ("",) * len(rows)
        out: dict[str, list] = {}
        for name, column, check in self.plan:
            at = index.get(name)
            out[column] = check(blank if at is None else read[at])
        if max(out["received_at"]) > checker.now or min(out["received_at"]) < fields.EARLIEST_RECEIPT:
            raise Slow
        if checker.units and not checker.units.issuperset(out["unit"]):
            raise Slow
        if any("*" in "".join(out[f.column]) for f in fields.PII):
            raise Slow  # perhaps masked (`_masked`): decided record by record
        out["first_handler"] = list(map(self.fill_handler.get, out["first_handler"], out["first_handler"]))
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
        if "merged" in out["status"] or any(any(out[c]) for c in _LIFECYCLE_RARE):
            raise Slow  # decided record by record (`_check_lifecycle`)
        if any(out["referral_due"]) and not all(
                channel == "regulator" or referred for channel, referred, due
                in zip(out["channel"], out["referred_by"], out["referral_due"]) if due):
            raise Slow
        names, versions = out["policy"], out["policy_version"]
        if names.count(names[0]) == len(names) and versions.count(versions[0]) == len(versions):  # the usual file
            policy = self._policy((names[0], versions[0]))
            out["policy"], out["policy_version"] = [policy.name] * len(names), [policy.version] * len(names)
        else:
            policies = _through(self.caches.setdefault("policy and version", {}), list(zip(names, versions)),
                                self._policy)
            out["policy"] = list(map(attrgetter("name"), policies))
            out["policy_version"] = list(map(attrgetter("version"), policies))
        if any(NOT_GIVEN in out[c] for c in _COMPUTED_NUMBERS) or any("" in out[c] for c in _CLOCKS):
            checker.computed += self._open(out)
        return out

    def _open(self, out: dict[str, list]) -> int:
        """Give the rows lacking their group or emergency flag, level or clocks what `fields.opening` gives
        them (Slow when only some clocks are given); returns how many open ones got clocks."""
        checker = self.checker
        numbers, ack_due, due, cap_due = [out[c] for c in _COMPUTED_NUMBERS], *(out[c] for c in _CLOCKS)
        clocks = list(zip(ack_due, due, cap_due))
        if any(any(given) and not all(given) for given in clocks):
            raise Slow  # some clocks given, not all: named record by record
        computed = 0
        for i, given in enumerate(clocks):
            if given[0] and all(column[i] != NOT_GIVEN for column in numbers):
                continue
            row = {fact: out[fact][i] for fact in _OPENING_FACTS}
            row.update((fact, None) for fact in _COMPUTED_NUMBERS if row[fact] == NOT_GIVEN)
            row.update((fact, row[fact] or None) for fact in _OPTIONAL_FACTS)
            if given[0]:
                opened = fields.opening(row, checker.group_threshold)
            else:
                policy = checker.policy(out["policy"][i], out["policy_version"][i])
                opened = fields.opening(row, checker.group_threshold, policy, checker.ledger.calendar)
                computed += out["status"][i] == "open"
            for column, value in opened.items():
                out[column][i] = "" if value is None else value
        return computed
