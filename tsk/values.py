"""Checking one value of a complaint's field, whoever gives it: `tsk add` (`intake_value`, which
names a bad value by its option) and `tsk import` (the check of each kind of field, named by
its column). A check takes a value as given (text, or what JSON holds) and returns its stored
form, or raises `Invalid` with a message naming the value; the usual value is decided first,
as a million imported rows pass through some of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from tsk import messages as msg
from tsk import timeutil
from tsk.errors import InvalidInput, Unreadable, echo
from tsk.fields import (
    AMOUNT,
    DATE,
    EARLIEST_RECEIPT,
    ENUM,
    FLAG,
    ID_NUMBER,
    MAX_TEXT,
    NAMES,
    PHONE,
    REF,
    REF_PATTERN,
    TEXT,
    TIME,
    WHOLE,
    Field,
)
from tsk.vocab import Vocab


class Invalid(Unreadable):
    """A value that cannot be stored. The message names the value; the caller adds the field."""


What = str | msg.Message  # how a message names a value: its option (--reason) or its field's words


def required_text(value: str | None, what: What) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(msg.EMPTY, what=what)
    return given_text(text, what)


def optional_text(value: str | None, what: What = msg.WORD_TEXT) -> str | None:
    text = (value or "").strip()
    return given_text(text, what) if text else None


def given_text(text: str, what: What) -> str:
    try:
        return bounded(text)
    except Invalid as exc:
        raise InvalidInput(msg.NAMED_PROBLEM, what=what, problem=exc.said) from None


def bounded(text: str) -> str:
    """Text that can be stored, exported and imported again: at most MAX_TEXT characters (a
    CSV reader's field limit is 128 KB), no NUL (the baseline digest joins values with it)."""
    if len(text) > MAX_TEXT:
        raise Invalid(msg.TOO_LONG, length=len(text), most=MAX_TEXT)
    if "\0" in text:
        raise Invalid(msg.HAS_NUL)
    return text


def text(value: Any) -> str:
    """Text; a JSON number is taken as its text."""
    if value.__class__ is str:
        return bounded(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    import json

    raise Invalid(msg.NOT_TEXT, value=json.dumps(value, ensure_ascii=False))


def ref(value: Any) -> str:
    found = (value if value.__class__ is str else text(value)).upper()
    if not REF_PATTERN.match(found):
        raise Invalid(msg.NOT_A_REF, value=echo(value))
    return found


def enum(vocab: Vocab) -> Callable[[Any], str]:
    """The check of one vocabulary's values: its key, for a key or label in any case."""
    spellings = vocab.spellings()

    def key(value: Any) -> str:
        found = spellings.get(value) if value.__class__ is str else None
        if found is None:
            found = spellings.get(str(value).lower())
            if found is None:
                raise Invalid(msg.NOT_A_CHOICE, value=echo(value), choices=vocab.choices())
        return found

    return key


def whole(low: int, high: int | None = None) -> Callable[[Any], int]:
    """The check of whole numbers from `low` (to `high`)."""
    def number(value: Any) -> int:
        if value.__class__ is int:
            found = value
        elif value.__class__ is str and value.isascii() and value.isdigit():
            found = int(value)
        else:
            try:
                if isinstance(value, bool) or not isinstance(value, (int, str)):
                    raise ValueError
                found = int(value)
            except ValueError:
                raise Invalid(msg.NOT_WHOLE, value=echo(value)) from None
        if high is not None and not low <= found <= high:
            raise Invalid(msg.NOT_BETWEEN, value=found, low=low, high=high)
        if found < low:
            raise Invalid(msg.NOT_AT_LEAST, value=found, low=low)
        return found

    return number


_FLAGS = {"1": 1, "true": 1, "yes": 1, "0": 0, "false": 0, "no": 0}


def flag(value: Any) -> int:
    found = _FLAGS.get(str(value).lower())
    if found is None:
        raise Invalid(msg.NOT_FLAG, value=echo(value))
    return found


def stored_time(value: Any) -> str:
    """A time in its stored form (China time, to the second)."""
    if value.__class__ is str and len(value) == 25 and value[10] == "T" and value.endswith("+08:00"):
        try:  # already the stored form
            if timeutil.FIRST_YEAR <= dt.datetime.fromisoformat(value).year <= timeutil.LAST_YEAR:
                return value
        except ValueError:
            pass
    given = value if value.__class__ is str else text(value)
    try:
        return timeutil.to_text(timeutil.parse_datetime(given, what=None))
    except timeutil.OutOfRange as exc:
        raise Invalid(exc.said) from None
    except InvalidInput:
        raise Invalid(msg.NOT_STORED_TIME, value=echo(given)) from None


def stored_date(value: Any) -> str:
    """A due: a date (YYYY-MM-DD), or the moment a clock in hours ends, in its stored form
    (docs/rules.md, Periods in hours)."""
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        try:
            timeutil.in_range(dt.date.fromisoformat(value), value, None)
            return value
        except timeutil.OutOfRange as exc:
            raise Invalid(exc.said) from None
        except ValueError:
            pass
    elif value.__class__ is str and len(value) > 10 and value[:4].isdigit() and value[4] == "-" and value[10] in "T ":
        return stored_time(value)
    raise Invalid(msg.NOT_STORED_DATE, value=echo(value))


def receipt(received: str, now: str) -> str:
    """A time of receipt (stored form) that can be true: not after `now`, not before
    EARLIEST_RECEIPT (docs/rules.md, Recording a complaint). The caller names the value."""
    if received > now:
        raise Invalid(msg.IN_FUTURE)
    if received < EARLIEST_RECEIPT:
        raise Invalid(msg.TOO_EARLY, earliest=EARLIEST_RECEIPT)
    return received


# Patterns as text: compiled by `re` on first use, not on the start-up of `tsk add`.
_PHONE = r"\+?\d{5,20}"
_PHONE_SEPARATORS = r"[\s-]"
_ID_NUMBER = r"\d{17}[\dX]"
_ID_CHECK = "10X98765432"


def phone(value: Any) -> str:
    given = value if value.__class__ is str else text(value)
    if given.isascii() and given.isdigit() and 5 <= len(given) <= 20:  # the usual phone: kept as it is
        return given
    digits = re.sub(_PHONE_SEPARATORS, "", given)
    if not re.fullmatch(_PHONE, digits):
        raise Invalid(msg.NOT_PHONE, value=echo(given, PHONE))
    return digits


def id_check_ok(number: str) -> bool:
    """The GB 11643 check digit: the sum of each digit times its weight 2^(17-i) mod 11 picks it.
    Read as a base-13 number (13 = 2 mod 11), the 17 digits give that sum mod 11, halved."""
    return _ID_CHECK[2 * int(number[:17], 13) % 11] == number[17]


def id_number(value: Any) -> str:
    given = value if value.__class__ is str else text(value)
    number = given.strip().upper()
    if not re.fullmatch(_ID_NUMBER, number):
        raise Invalid(msg.ID_NOT_18, value=echo(given, ID_NUMBER))
    if not id_check_ok(number):
        raise Invalid(msg.ID_CHECK_DIGIT, value=echo(given, ID_NUMBER))
    return number


_STORED_YUAN = (2**63 - 1) // 100  # the most a 64-bit column of fen holds


def amount_fen(value: Any, most: int | None = None) -> int:
    """An amount in yuan, to the fen, as whole fen: up to `most` yuan, and always within the
    64-bit column that stores it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Invalid(msg.NOT_AMOUNT, value=echo(value))
    from decimal import Decimal, InvalidOperation  # here: start-up needs no decimals

    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid(msg.NOT_AMOUNT, value=echo(value)) from None
    # The range first: rounding 1e309 or 40 digits to the fen would pass Decimal's precision.
    if not amount.is_finite() or not 0 <= amount <= (_STORED_YUAN if most is None else most) or (
            amount != amount.quantize(Decimal("0.01"))):
        if most is None:
            raise Invalid(msg.AMOUNT_NOT_NEGATIVE, value=echo(value))
        raise Invalid(msg.AMOUNT_UP_TO, value=echo(value), most=most)
    return int(amount * 100)


def names(value: Any) -> str:
    """A JSON list of names (or its text) in its stored form."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(bounded(value))
        except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
            raise Invalid(msg.NOT_NAMES, value=echo(value)) from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(msg.NOT_A_NAME_LIST)
    return bounded(names_text(value))


def names_text(given: Iterable[str]) -> str:
    """The stored form of a list of names: each once, sorted, as compact JSON (the canonical
    JSON of the history)."""
    import json

    return json.dumps(sorted({n.strip() for n in given if n.strip()}), ensure_ascii=False, separators=(",", ":"))


# -- the check of each kind of field -------------------------------------------------------------
_CHECKS: dict[str, Callable[[Any], Any]] = {
    REF: ref, TEXT: text, FLAG: flag, TIME: stored_time, DATE: stored_date, AMOUNT: amount_fen, NAMES: names,
    PHONE: phone, ID_NUMBER: id_number,
}


def check_of(field: Field) -> Callable[[Any], Any]:
    """How a value of `field` is checked and given its stored form."""
    if field.kind == ENUM:
        return enum(field.vocab)  # type: ignore[arg-type]
    if field.kind == WHOLE:
        return whole(field.low, field.high)
    return _CHECKS[field.kind]


# -- `tsk add` ----------------------------------------------------------------------------------------
def intake_value(field: Field, given: Any) -> Any:
    """What `tsk add` was given for `field`, checked and in its stored form; InvalidInput names it
    by its option."""
    kind = field.kind
    if kind == ENUM:
        return None if given is None else field.vocab.parse(given)  # type: ignore[union-attr]
    if kind == TEXT:
        return required_text(given, field.named) if field.required else optional_text(given, field.named)
    if kind == TIME:
        return timeutil.to_text(timeutil.parse_datetime(given, what="--" + field.option.replace("_", "-"))) if given else None
    if kind == DATE:
        given = (given or "").strip()
        return timeutil.parse_date(given, what="--" + field.option.replace("_", "-")).isoformat() if given else None
    if kind == NAMES:
        return given_text(names_text(given), field.named) if given else None
    if kind in (WHOLE, FLAG):
        return int(given)  # the option's own type: a number, a switch
    if not (given or "").strip():
        return None
    try:
        return check_of(field)(given)
    except Invalid as exc:
        raise InvalidInput(msg.NAMED_PROBLEM, what=field.named, problem=exc.said) from None
