"""A PostgreSQL ledger through psycopg 3 alone, behind the interface of `tsk.store.db.SqliteStore`.

Commands never import SQLAlchemy on PostgreSQL (importing it cost ~0.2 s of each command, more
than all the rest of `tsk overdue` on SQLite): the SQL is the same text SQLite runs
(`tsk.store.queries`, `:name` parameters), turned into psycopg's `%(name)s` once per statement.
SQLAlchemy is loaded only to create or upgrade the schema (`tsk.store.schema`), whose
statements run here like any other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from itertools import count
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row

from tsk import messages as msg
from tsk.errors import InvalidInput, TskError
from tsk.store.db import INSUFFICIENT_PRIVILEGE, Params

DRIVERS = ("postgresql://", "postgres://", "postgresql+psycopg://")


class ServerError(TskError):
    """A statement the server refused or could not run, in one line: the server's message
    without its DETAIL (which may quote a row, personal data included) and never the URL.
    `sqlstate` is PostgreSQL's code for it (23… a key or constraint violation)."""

    def __init__(self, reason: str, sqlstate: str | None = None) -> None:
        super().__init__(msg.DATABASE_ERROR, reason=reason)
        self.sqlstate = sqlstate


def first_line(exc: psycopg.Error) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def conninfo(url: str) -> str:
    """The libpq connection string of a `--db` URL; refused (exit 2) if it names another
    database or driver, or cannot be read. Neither the URL nor libpq's message is repeated:
    either may hold the password."""
    if not url.startswith(DRIVERS):
        raise InvalidInput(msg.UNSUPPORTED_URL, scheme=url.split("://")[0])
    # libpq takes a space in a URL only percent-encoded; a login name may hold one ("王 强").
    url = "postgresql://" + url.split("://", 1)[1].replace(" ", "%20")
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        raise InvalidInput(msg.URL_MALFORMED) from None
    return url


class PgStore:
    """Reads autocommit, each statement on its own; writes in `transaction()` (READ COMMITTED,
    as the server's default), rows locked with FOR UPDATE where SQLite relies on its file
    lock, schema changes and the audit chain serialised by an advisory lock."""

    dialect = "postgresql"
    for_update = " FOR UPDATE"
    # What a statement the database refused for want of a privilege (or outside a row-level
    # security policy) raises instead: given PostgreSQL's message, the error naming the right
    # that was missing (`tsk.access.refusal`, set by the ledger).
    refusal: Callable[[str], Exception] | None = None

    def __init__(self, url: str) -> None:
        self._info = conninfo(url)
        self.conn = self._connect()
        self._side: psycopg.Connection[dict] | None = None  # `row_outside`'s, made when first needed
        self._cursors = count(1)

    def _connect(self) -> psycopg.Connection[dict]:
        try:
            return psycopg.connect(self._info, autocommit=True, row_factory=dict_row, application_name="tsk",
                                   client_encoding="UTF8")
        except psycopg.Error as exc:
            raise TskError(msg.CANNOT_CONNECT, reason=first_line(exc)) from None

    def _execute(self, sql: str, params: Params, row_factory: Any = dict_row) -> psycopg.Cursor[Any]:
        try:
            return self.conn.cursor(row_factory=row_factory).execute(pyformat(sql), params or {})
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: psycopg.Error) -> Exception:
        """The server's error in one line; for insufficient privilege (SQLSTATE 42501: a grant
        missing, a row outside a policy, the history's trigger) the error `refusal` makes of it."""
        if exc.sqlstate == INSUFFICIENT_PRIVILEGE:
            return self.refusal(first_line(exc)) if self.refusal else TskError(msg.DATABASE_REFUSED, detail=first_line(exc))
        return ServerError(first_line(exc), exc.sqlstate)

    def row_outside(self, sql: str) -> dict | None:
        """A row read outside the transaction under way (which a refused statement has aborted),
        on a second connection; None when that is refused too."""
        try:
            if self._side is None:
                self._side = self._connect()
            return self._side.execute(pyformat(sql), {}).fetchone()
        except (psycopg.Error, TskError):
            return None

    def rows(self, sql: str, params: Params = ()) -> list[dict]:
        return self._execute(sql, params).fetchall()

    def row(self, sql: str, params: Params = ()) -> dict | None:
        return self._execute(sql, params).fetchone()

    def value(self, sql: str, params: Params = ()) -> Any:
        found = self._execute(sql, params, tuple_row).fetchone()
        return None if found is None else found[0]

    def run(self, sql: str, params: Params = ()) -> int:
        return self._execute(sql, params).rowcount

    def run_many(self, sql: str, rows: Sequence[Params]) -> int:
        """The statement for every row; the rows it changed, in all. A plain INSERT of named rows
        (`bulk_insert`) is one statement over all of them as JSON: the server sets a row from each
        object in C, where running the INSERT once per row, even pipelined, costs it ~1.5× as
        much (a nightly check writes tens of thousands of events). Any other statement runs once
        per row, in one pipeline (no round trip per row)."""
        if not rows:
            return 0
        bulk = bulk_insert(sql) if len(rows) > 1 and isinstance(rows[0], Mapping) else None
        try:
            if bulk is not None:
                try:
                    array = json.dumps(rows, ensure_ascii=False)
                except TypeError:  # a value JSON has no form for: each row bound as itself instead
                    pass
                else:
                    return self.conn.execute(bulk, {"rows": array}).rowcount
            cursor = self.conn.cursor()
            cursor.executemany(pyformat(sql), rows)
            return cursor.rowcount
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def stream(self, sql: str, params: Params = (), size: int = 2000) -> Iterator[dict]:
        for batch in self.batches(sql, params, size, dict_row):
            yield from batch

    def batches(self, sql: str, params: Params = (), size: int = 2000, row_factory=tuple_row) -> Iterator[list]:
        """Rows `size` at a time (tuples, unless told) from a server-side cursor, which lives
        in a transaction: the one open, else one of its own (other statements may run between
        the batches)."""
        idle = self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        try:
            with self.conn.transaction() if idle else nullcontext(), \
                    self.conn.cursor(f"tsk_stream_{next(self._cursors)}", row_factory=row_factory) as cursor:
                cursor.execute(pyformat(sql), params or {})
                while batch := cursor.fetchmany(size):
                    yield batch
        except psycopg.Error as exc:
            raise self._error(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[PgStore]:
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            # A stream still open holds one: a write inside it would become a savepoint,
            # committed only when the stream ends. No command does this; keep it so.
            raise RuntimeError("a write transaction begun while another is open")
        try:
            with self.conn.transaction():
                yield self
        except psycopg.Error as exc:  # at COMMIT: a deferred check, a lost connection
            raise self._error(exc) from None

    def has_table(self, name: str) -> bool:
        if self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            # A statement of its own sees the catalog as it is now: the cheap lookup (~0.6 ms
            # against ~2 ms, on every command's first statement).
            return self.value("SELECT to_regclass(:n) IS NOT NULL", {"n": name}) is True
        # In a transaction, to_regclass() may answer from a cache older than it: a table that
        # another process created while `ensure_schema` waited for the ledger lock would still
        # be missing. The catalog itself, read by this statement, has it.
        return self.value("SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = :n "
                          "AND schemaname = ANY (current_schemas(false))", {"n": name}) is not None

    def lock_ledger(self) -> None:
        """Serialise schema changes and the audit chain, until the transaction ends."""
        self.value("SELECT pg_advisory_xact_lock(7301)")

    def close(self) -> None:
        self.conn.close()
        if self._side is not None:
            self._side.close()


# One token of SQL text: a literal or comment (copied, its % doubled), a `::` cast, a `:name`
# parameter, or a %. Literals: 'text' ('' inside), E'text' (\' inside), "identifier",
# $tag$…$tag$, -- and /* */ comments: no `:name` inside any of them is a parameter.
_TOKEN = re.compile(r"""
    (?P<literal>(?<!\w)[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"
               |\$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$|--[^\n]*|/\*.*?\*/)
  | (?P<cast>::)
  | :(?P<name>[A-Za-z_]\w*)
  | %
""", re.VERBOSE | re.DOTALL)


def _token(found: re.Match) -> str:
    if found["literal"] is not None:
        return found["literal"].replace("%", "%%")
    if found["cast"] is not None:
        return "::"
    if found["name"] is not None:
        return f"%({found['name']})s"
    return "%%"


@lru_cache(maxsize=256)
def pyformat(sql: str) -> str:
    """The statement with psycopg's placeholders: `:name` as `%(name)s` (every time it occurs),
    a literal % as %%; casts (`::text`), literals and comments left as they are."""
    return _TOKEN.sub(_token, sql)


# `INSERT INTO t (a, b) VALUES (:a, :b)`: each value the parameter named as its column.
_PLAIN_INSERT = re.compile(r"\s*INSERT INTO (\w+) \(([\w\s,]+)\)\s*VALUES \(([:\w\s,]+)\)\s*", re.IGNORECASE)


@lru_cache(maxsize=64)
def bulk_insert(sql: str) -> str | None:
    """The same INSERT for every object of the JSON array bound to %(rows)s, each object's
    values read as the table's column types (`json_populate_recordset`): None unless `sql` is a
    plain INSERT whose values are the parameters named as their columns."""
    found = _PLAIN_INSERT.fullmatch(sql)
    if found is None:
        return None
    table, columns = found[1], [c.strip() for c in found[2].split(",")]
    if [v.strip() for v in found[3].split(",")] != [f":{c}" for c in columns]:
        return None
    names = ", ".join(columns)
    return f"INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, %(rows)s)"
