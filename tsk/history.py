"""The history of a complaint: the event record and its hash chain, defined here only.

An event is one change to a complaint: when it happened (`at`), when it was entered
(`recorded_at`), by whom (`actor`), what (`action`) and its `details`, canonical JSON holding
the exact column changes it made (`changes`) and, after the first event, the values they
replaced (`was`). Events are numbered per complaint (`seq`) and chained: each hash covers the
event, its complaint's ref and the hash before it, and the complaint row keeps the newest
(`history_head`) and the count (`event_count`), which also guards against lost updates. So the
stored record is always the replay of its history, and `tsk verify` can prove it
(`tsk.integrity`).

Events are written one at a time (`append_event`) or many at once (`Batch`: `tsk import`,
`tsk check`). A batch fills templates cut from `canonical`'s own text at the places that vary,
and holds each template's first event to `event_hash`: the same bytes, at C speed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping, Sequence
from functools import cache
from hashlib import sha256
from itertools import chain, repeat
from operator import methodcaller
from typing import TYPE_CHECKING, Any

from tsk import messages as msg
from tsk import timeutil
from tsk.chain import canonical, link
from tsk.errors import Refused
from tsk.store import queries as q

if TYPE_CHECKING:
    import datetime as dt

    from tsk.context import Ledger

# Columns an event may not set directly: the bookkeeping of the history itself.
BOOKKEEPING = ("id", "event_count", "history_head")
# What the chain link covers besides the hash before it: the event and its complaint's ref.
LINKED = ("ref", "seq", "at", "recorded_at", "actor", "action", "details")

_text = json.encoder.encode_basestring  # what canonical writes for a str, called directly
_HEXDIGEST = methodcaller("hexdigest")
_UTF8 = methodcaller("encode", "utf-8")


def event_hash(prev_hash: str, ref: str, event: Mapping[str, Any]) -> str:
    """The chain link: what happened, when, by whom, and the hash before it."""
    return link(prev_hash, canonical({"ref": ref, **{field: event[field] for field in LINKED[1:]}}))


def event_details(complaint: Mapping[str, Any], changes: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """What an event says (`info`, without empty values) and the columns it changes, with what
    they held: `was` lets `verify` rewind to an imported baseline (none before the first event)."""
    details = {k: v for k, v in info.items() if v is not None}
    if changes:
        details["changes"] = dict(changes)
        if complaint["event_count"]:
            details["was"] = {column: complaint[column] for column in changes}
    return details


def _checked(complaint: Mapping[str, Any], changes: Mapping[str, Any] | None) -> Mapping[str, Any]:
    for column in changes or ():
        if column in BOOKKEEPING or column not in complaint:
            raise ValueError(f"an event cannot change {column}")  # a programming error
    return changes or {}


def _row(complaint: Mapping[str, Any], action: str, at: str, recorded_at: str, actor: str, details: str) -> dict:
    """The event table's row, its hash still to come."""
    return {"complaint_id": complaint["id"], "seq": complaint["event_count"] + 1, "at": at, "recorded_at": recorded_at,
            "actor": actor, "action": action, "details": details, "prev_hash": complaint["history_head"]}


_UPDATES: dict[tuple[str, ...], str] = {}  # the UPDATE per set of columns, written once


def save(store, complaint: Mapping[str, Any], columns, expected_count: int) -> None:
    """Write the complaint's changed `columns` and its new event count and head, provided its
    event count is still the one it was read with (else someone else changed it meanwhile)."""
    names = (*columns, "event_count", "history_head")
    if store.run(_update(names), _saved(complaint, names, expected_count)) != 1:
        raise Refused(msg.CHANGED_MEANWHILE, ref=complaint["ref"])


def _update(names: tuple[str, ...]) -> str:
    sql = _UPDATES.get(names)
    if sql is None:
        sql = _UPDATES[names] = q.update_complaint(list(names))
    return sql


def _saved(complaint: Mapping[str, Any], names: tuple[str, ...], expected_count: int) -> dict[str, Any]:
    return dict(zip(names, map(complaint.__getitem__, names)), id=complaint["id"], expected_count=expected_count)


def append_event(ledger: Ledger, complaint: Mapping[str, Any], action: str, at: dt.datetime,
                 changes: Mapping[str, Any] | None = None, **info: Any) -> dict[str, Any]:
    """Write one event and the column changes it makes; the caller holds the transaction.

    Returns the complaint as it is after the change.
    """
    changes = _checked(complaint, changes)
    details = canonical(event_details(complaint, changes, info))
    event = _row(complaint, action, timeutil.to_text(at), timeutil.to_text(timeutil.now()), ledger.actor, details)
    event["hash"] = event_hash(event["prev_hash"], complaint["ref"], event)
    ledger.store.run(q.INSERT_EVENT, event)
    after = {**complaint, **changes, "event_count": event["seq"], "history_head": event["hash"]}
    # The first event's changes are the row just inserted with them: only the count and head
    # are written (on PostgreSQL a role may register complaints without the right to change
    # every column: tsk.rights).
    save(ledger.store, after, changes if complaint["event_count"] else (), complaint["event_count"])
    return after


# -- many events at once ----------------------------------------------------------------------
_HOLE = re.compile("\ue000([^\ue000\ue001]*)\ue001")


def hole(name: str) -> str:
    """A place for plain text in a template: private-use characters, which canonical writes as
    they are, mark it."""
    return f"\ue000{name}\ue001"


@cache
def _escaped() -> bytes:
    """The ASCII characters canonical escapes in text, asked of canonical itself (once, by the
    batch builders only: `tsk add` writes one event and never needs it)."""
    return bytes(b for b in range(128) if canonical(chr(b)) != f'"{chr(b)}"')


def plain(texts: Sequence[str]) -> bool:
    """canonical writes these texts as they are (no quote, backslash or control character), at
    any depth: they may fill a template's holes verbatim."""
    joined = "".join(texts)
    if joined.isascii():  # the usual case (refs, digests), at a fraction of encoding it
        ascii = joined.encode("ascii")
        return len(ascii.translate(None, _escaped())) == len(ascii)
    return canonical(joined) == f'"{joined}"'


class Template:
    """canonical(value) cut at its holes, to be filled many times over: `hole(name)` anywhere
    in a string of `value` (filled with plain text), or a top-level value named in `fields`
    (filled with that value's JSON text). Raises ValueError should the value itself hold the
    marks."""

    def __init__(self, value: Mapping[str, Any], fields: Sequence[str] = ()) -> None:
        self.text = canonical({**value, **{name: hole(name) for name in fields}})
        for name in fields:  # a top-level value: its quotes go with the hole
            self.text = self.text.replace(f'"{hole(name)}"', hole(name), 1)
        parts = _HOLE.split(self.text)
        self.pieces, self.names = parts[0::2], parts[1::2]
        rest = "".join(self.pieces)
        if len(set(self.names)) != len(self.names) or "\ue000" in rest or "\ue001" in rest:
            raise ValueError("the value holds a template's marks")
        self._parts = [*chain.from_iterable(zip(self.pieces, self.names)), self.pieces[-1]]

    def fill(self, values: Mapping[str, str]) -> str:
        return self.fill_in(*map(values.__getitem__, self.names))

    def fill_in(self, *values: str) -> str:
        """`fill`, the values given in the order of `names`."""
        parts = self._parts.copy()
        parts[1::2] = values
        return "".join(parts)

    def fill_columns(self, columns: Mapping[str, Sequence[str]]):
        """`fill` for every row of `columns` (one list per hole), joined at C speed."""
        parts = chain.from_iterable(((repeat(piece), columns[name]) for piece, name in zip(self.pieces, self.names)))
        return map("".join, zip(*parts, repeat(self.pieces[-1])))


def _filled(value: Any, values: Mapping[str, str]) -> Any:
    """`value` with its holes filled (the plain way, for comparison and for text that is not plain)."""
    if isinstance(value, str):
        return _HOLE.sub(lambda m: values[m.group(1)], value)
    if isinstance(value, Mapping):
        return {k: _filled(v, values) for k, v in value.items()}
    return value


class Batch:
    """Events written many at a time by one actor at one moment (`at` = `recorded_at` = now):
    an import's first events (`firsts`), a check's lapses (`append`, then `write`).

    Their details and chain links come from templates of `canonical`'s text (`Template`), each
    held to the plain form (`event_hash`) on its first use; should they differ, or a value not
    be plain text where a template needs it, the events are made the plain way: the bytes are
    always canonical's. Details already written are remembered
    (as text and as JSON text) for the next event that says the same, across moments."""

    def __init__(self, actor: str) -> None:
        self.actor = actor
        self.now = ""
        self._details: dict[Any, tuple[str, str]] = {}  # (key, changes, was) -> canonical details, and as JSON text
        self.start()

    def start(self) -> None:
        """A new moment (a transaction): its time, and nothing pending."""
        self.now = timeutil.to_text(timeutil.now())
        self.events: list[dict[str, Any]] = []
        self._touched: dict[int, tuple[dict[str, Any], int, set[str]]] = {}  # id -> complaint, count read, columns
        self._payloads: dict[str, Template | None] = {}  # action -> payload template (ref, seq, details)
        self._unchecked: set[str] = set()
        self._firsts: dict[tuple[str, str], tuple[Template, Template] | None] = {}  # (action, details) -> templates

    def _event(self, complaint: Mapping[str, Any], action: str, details: str) -> dict[str, Any]:
        return _row(complaint, action, self.now, self.now, self.actor, details)

    def _fixed(self, action: str) -> dict[str, Any]:
        return {"at": self.now, "recorded_at": self.now, "actor": self.actor, "action": action}

    # -- a check's events: the next event of complaints already holding a history ---------------
    def append(self, c: dict[str, Any], action: str, changes: Mapping[str, Any] | None, info: Mapping[str, Any],
               key: Hashable | None = None) -> dict:
        """The next event of `c`, as `append_event` writes it (`info`: what it says besides the
        changes), kept for `write`; `c` (the complaint, or the columns of it at hand: the same
        dict for all its events) is brought up to date for the event after it. A `key` stands
        for its `info` (the same key, the same info): the details are then made once per key,
        change and value replaced."""
        changes = _checked(c, changes) if changes else {}
        # The details depend on the info, the changes and what they replace (none before the
        # first event); a repr tells 1, True and "1" apart, as JSON does.
        was = c["event_count"] and list(map(c.__getitem__, changes))
        memo = None if key is None else (key, repr(changes), repr(was))
        found = self._details.get(memo)
        if found is None:
            text = canonical(event_details(c, changes, info))
            found = text, canonical(text)
            if memo is not None:
                self._details[memo] = found
        text, as_json = found
        seq, prev = c["event_count"] + 1, c["history_head"]
        event = _row(c, action, self.now, self.now, self.actor, text)
        template = self._payloads[action] if action in self._payloads else self._payload(action)
        if template is None:
            event["hash"] = event_hash(prev, c["ref"], event)
        else:
            event["hash"] = link(prev, template.fill_in(as_json, _text(c["ref"]), str(seq)))  # see _payload
            if action in self._unchecked:
                self._unchecked.discard(action)
                if event["hash"] != event_hash(prev, c["ref"], event):
                    self._payloads[action] = None
                    event["hash"] = event_hash(prev, c["ref"], event)
        touched = self._touched.get(c["id"])
        if touched is None:
            touched = self._touched[c["id"]] = (c, c["event_count"], set())
        if changes:
            touched[2].update(changes)
            c.update(changes)
        c["event_count"], c["history_head"] = seq, event["hash"]
        self.events.append(event)
        return event

    def _payload(self, action: str) -> Template | None:
        """The payload around an event's details, ref and seq (in that order: canonical sorts keys)."""
        try:
            template = Template(self._fixed(action), ("details", "ref", "seq"))
        except ValueError:
            template = None
        if template is not None and template.names == ["details", "ref", "seq"]:
            self._unchecked.add(action)
        else:
            template = None
        self._payloads[action] = template
        return template

    def write(self, store) -> None:
        """Insert the events appended since `start`, then save each complaint they changed
        (guarded by the event count it had when first appended to), as `save` does: one
        statement per set of changed columns, run for all the complaints that changed them
        (on PostgreSQL one round trip, not one per complaint)."""
        store.run_many(q.INSERT_EVENT, self.events)
        saves: dict[tuple[str, ...], list[tuple[dict[str, Any], int]]] = {}
        for c, count, columns in self._touched.values():
            saves.setdefault((*sorted(columns), "event_count", "history_head"), []).append((c, count))
        for names, touched in saves.items():
            if store.run_many(_update(names), [_saved(c, names, count) for c, count in touched]) != len(touched):
                refs = ", ".join(c["ref"] for c, _ in touched[:3]) + (", …" if len(touched) > 3 else "")
                raise Refused(msg.ONE_CHANGED_MEANWHILE, refs=refs)

    # -- an import's events: the first event of new complaints -----------------------------------
    def firsts(self, action: str, details: Mapping[str, Any], refs: Sequence[str],
               columns: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
        """The first event (seq 1, no hash before it) of each of many new complaints: its details
        (`details` with its holes filled from `columns`, a list per hole other than "ref", row by
        row) and its hash."""
        if not refs:
            return [], []
        key = (action, canonical(details))
        if key not in self._firsts:
            self._firsts[key] = self._first_templates(action, details)
        templates = self._firsts[key]
        if templates is None or not all(plain(values) for values in (refs, *columns.values())):
            rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
            texts = [canonical(_filled(details, row)) for row in rows]
            return texts, [event_hash("", ref, self._event(_NEW, action, text)) for ref, text in zip(refs, texts)]
        details_t, payload_t = templates
        payloads = payload_t.fill_columns({**columns, "ref": refs})
        return list(details_t.fill_columns(columns)), list(map(_HEXDIGEST, map(sha256, map(_UTF8, payloads))))

    def first_rows(self, action: str, ids: Sequence[int], details: Sequence[str], hashes: Sequence[str]) -> list[dict]:
        """The event rows of `firsts`' events, for the complaints `ids`."""
        return [{**_row({**_NEW, "id": i}, action, self.now, self.now, self.actor, d), "hash": h}
                for i, d, h in zip(ids, details, hashes)]

    def _first_templates(self, action: str, details: Mapping[str, Any]) -> tuple[Template, Template] | None:
        """The details' template, and the payload's around it; None unless, filled with plain
        text, they give the plain form."""
        try:
            details_t = Template(details)
            payload_t = Template({**self._fixed(action), "ref": hole("ref"), "seq": 1, "details": details_t.text})
        except ValueError:
            return None
        sample, ref = dict.fromkeys(details_t.names, "0"), "TS-2000-000001"
        text = canonical(_filled(details, sample))
        plain_hash = event_hash("", ref, self._event(_NEW, action, text))
        same = details_t.fill(sample) == text and link("", payload_t.fill({**sample, "ref": ref})) == plain_hash
        return (details_t, payload_t) if same else None


_NEW = {"id": None, "event_count": 0, "history_head": ""}  # a complaint before its first event
