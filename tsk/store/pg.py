"""A PostgreSQL ledger, behind the interface of `tsk.store.db.SqliteStore`: the SQL is the same
text SQLite runs (`tsk.store.queries`, `:name` parameters), turned into the driver's
placeholders once per statement.

Two drivers, one connection at a time. A command starts on libpq itself (`tsk.store.libpq`,
~5 ms to load); it moves to psycopg 3 (~90 ms to import, then reading rows in C) when it first
streams rows outside a transaction: reports, export, the nightly check and `overdue` read
many rows, `show`, `list` and `add` a few. SQLAlchemy (~0.2 s) is loaded only to create or
upgrade the schema (`tsk.store.schema`), whose statements run here like any other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from itertools import count
from typing import TYPE_CHECKING, Any

from tsk import messages as msg
from tsk.errors import InvalidInput, TskError
from tsk.store import libpq
from tsk.store.db import INSUFFICIENT_PRIVILEGE, Params

if TYPE_CHECKING:
    import psycopg

DRIVERS = ("postgresql://", "postgres://", "postgresql+psycopg://")
SETTINGS = {"application_name": "tsk", "client_encoding": "UTF8"}
# Values read through libpq at ~0.6 µs each, against importing psycopg once (~90 ms) and reading
# them in C: past this many in one result, the rest of the command runs on psycopg.
MANY_VALUES = 50_000


class ServerError(TskError):
    """A statement the server refused or could not run, in one line: the server's message
    without its DETAIL (which may quote a row, personal data included) and never the URL.
    `sqlstate` is PostgreSQL's code for it (23… a key or constraint violation)."""

    def __init__(self, reason: str, sqlstate: str | None = None) -> None:
        super().__init__(msg.DATABASE_ERROR, reason=reason)
        self.sqlstate = sqlstate


def first_line(exc: Exception) -> str:
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
    if libpq.library() is not None:
        readable = libpq.readable(url)
    else:
        import psycopg

        try:
            readable = bool(psycopg.conninfo.conninfo_to_dict(url))
        except psycopg.Error:
            readable = False
    if not readable:
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
        self._lite: libpq.Connection | None = None  # the connection: libpq's, until psycopg's is made
        self.conn: psycopg.Connection[Any] | None = None
        self._side: libpq.Connection | psycopg.Connection[Any] | None = None  # `row_outside`'s
        self._cursors = count(1)
        if libpq.library() is not None:
            self._lite = self._connect_lite()
        else:
            self.conn = self._connect_psycopg()

    def _connect_lite(self) -> libpq.Connection:
        try:
            return libpq.Connection(self._info, **SETTINGS)
        except libpq.Error as exc:
            raise TskError(msg.CANNOT_CONNECT, reason=first_line(exc)) from None

    def _connect_psycopg(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise TskError(msg.NEEDS_PSYCOPG) from None
        try:
            return psycopg.connect(self._info, autocommit=True, row_factory=dict_row,
                                   application_name=SETTINGS["application_name"], client_encoding=SETTINGS["client_encoding"])
        except psycopg.Error as exc:
            raise TskError(msg.CANNOT_CONNECT, reason=first_line(exc)) from None

    def _psycopg(self) -> psycopg.Connection[Any]:
        """psycopg's connection, made in place of libpq's (between transactions) when first needed."""
        if self.conn is None:
            assert self._lite is not None and not self._lite.in_transaction
            self.conn = self._connect_psycopg()
            self._lite.close()
            self._lite = None
        return self.conn

    def _error(self, exc: Exception) -> Exception:
        """The server's error in one line; for insufficient privilege (SQLSTATE 42501: a grant
        missing, a row outside a policy, the history's trigger) the error `refusal` makes of it."""
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate == INSUFFICIENT_PRIVILEGE:
            return self.refusal(first_line(exc)) if self.refusal else TskError(msg.DATABASE_REFUSED, detail=first_line(exc))
        return ServerError(first_line(exc), sqlstate)

    def _errors(self) -> tuple[type[Exception], ...]:
        if self.conn is None:
            return (libpq.Error,)
        import psycopg

        return (libpq.Error, psycopg.Error)

    def _lite_execute(self, sql: str, params: Params) -> libpq.Result:
        lite = self._lite
        assert lite is not None
        text, names = numbered(sql)
        try:
            found = lite.execute(text, [params[name] for name in names] if names else ())  # type: ignore[call-overload]
        except libpq.Error as exc:
            raise self._error(exc) from None
        if len(found.rows) * len(found.columns) > MANY_VALUES and not lite.in_transaction:
            self._psycopg()  # a command that reads this much reads more: psycopg for the rest (`verify`'s pages)
        return found

    def _execute(self, sql: str, params: Params, tuples: bool = False) -> psycopg.Cursor[Any]:
        import psycopg
        from psycopg.rows import dict_row, tuple_row

        assert self.conn is not None
        try:
            return self.conn.cursor(row_factory=tuple_row if tuples else dict_row).execute(pyformat(sql), params or {})
        except psycopg.Error as exc:
            raise self._error(exc) from None
        except BaseException as exc:
            self._stopped(exc)
            raise

    def _stopped(self, exc: BaseException) -> None:
        """A signal (Ctrl-C, a cron job's `timeout`) stopped a psycopg statement: it is
        cancelled on the server and the connection let go, which ends its transaction there.
        psycopg cancels only on KeyboardInterrupt; after any other stop it would try a rollback
        on the connection still busy, and log its failure on stderr."""
        if isinstance(exc, (Exception, GeneratorExit)) or self.conn is None:
            return  # not a stop: an error, or a stream closed by its reader
        try:
            self.conn.cancel()
        except Exception:  # noqa: BLE001 - the connection is let go whatever the cancel did
            pass
        self.conn.close()

    def row_outside(self, sql: str) -> dict | None:
        """A row read outside the transaction under way (which a refused statement has aborted),
        on a second connection; None when that is refused too."""
        try:
            if self._side is None:
                self._side = self._connect_lite() if libpq.library() is not None else self._connect_psycopg()
            if isinstance(self._side, libpq.Connection):
                found = self._side.execute(numbered(sql)[0])
                return dict(zip(found.columns, found.rows[0])) if found.rows else None
            return self._side.execute(pyformat(sql), {}).fetchone()
        except (TskError, libpq.Error):
            return None
        except Exception as exc:  # psycopg's, loaded only when its connection is
            if isinstance(exc, self._errors()):
                return None
            raise

    def rows(self, sql: str, params: Params = ()) -> list[dict]:
        if self._lite is not None:
            found = self._lite_execute(sql, params)
            return [dict(zip(found.columns, row)) for row in found.rows]
        return self._execute(sql, params).fetchall()

    def row(self, sql: str, params: Params = ()) -> dict | None:
        if self._lite is not None:
            found = self._lite_execute(sql, params)
            return dict(zip(found.columns, found.rows[0])) if found.rows else None
        return self._execute(sql, params).fetchone()

    def value(self, sql: str, params: Params = ()) -> Any:
        if self._lite is not None:
            found = self._lite_execute(sql, params).rows
        else:
            found = self._execute(sql, params, tuples=True).fetchall()
        return found[0][0] if found else None

    def run(self, sql: str, params: Params = ()) -> int:
        if self._lite is not None:
            return self._lite_execute(sql, params).rowcount
        return self._execute(sql, params).rowcount

    def run_many(self, sql: str, rows: Sequence[Params]) -> int:
        """The statement for every row; the rows it changed, in all. A plain INSERT of named rows
        (`bulk_insert`) is one statement over all of them as JSON: the server sets a row from each
        object in C, where running the INSERT once per row, even pipelined, costs it ~1.5× as
        much (a nightly check writes tens of thousands of events). Any other statement runs once
        per row: on psycopg in one pipeline (no round trip per row)."""
        if not rows:
            return 0
        bulk = bulk_insert(sql) if len(rows) > 1 and isinstance(rows[0], Mapping) else None
        if bulk is not None:
            try:
                array = json.dumps(rows, ensure_ascii=False)
            except TypeError:  # a value JSON has no form for: each row bound as itself instead
                pass
            else:
                return self.run(bulk, {"rows": array})
        if self._lite is not None:
            return sum(self._lite_execute(sql, row).rowcount for row in rows)
        import psycopg

        try:
            cursor = self.conn.cursor()  # type: ignore[union-attr]
            cursor.executemany(pyformat(sql), rows)
            return cursor.rowcount
        except psycopg.Error as exc:
            raise self._error(exc) from None
        except BaseException as exc:
            self._stopped(exc)
            raise

    def stream(self, sql: str, params: Params = (), size: int = 2000) -> Iterator[dict]:
        for batch in self._batches(sql, params, size, as_dicts=True):
            yield from batch

    def batches(self, sql: str, params: Params = (), size: int = 2000) -> Iterator[list[tuple]]:
        """Rows as tuples, `size` at a time, from a server-side cursor, which lives in a
        transaction: the one open, else one of its own (other statements may run between the
        batches). Outside a transaction, on psycopg (it reads many rows faster)."""
        return self._batches(sql, params, size, as_dicts=False)

    def _batches(self, sql: str, params: Params, size: int, *, as_dicts: bool) -> Iterator[list]:
        name = f"tsk_stream_{next(self._cursors)}"
        if self._lite is not None and self._lite.in_transaction:
            self._lite_execute(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}", params)
            while (found := self._lite_execute(f"FETCH {size} FROM {name}", {})).rows:
                yield [dict(zip(found.columns, row)) for row in found.rows] if as_dicts else found.rows
            self._lite_execute(f"CLOSE {name}", {})
            return
        import psycopg
        from psycopg.rows import dict_row, tuple_row

        conn = self._psycopg()
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        try:
            with conn.transaction() if idle else nullcontext(), \
                    conn.cursor(name, row_factory=dict_row if as_dicts else tuple_row) as cursor:
                try:
                    cursor.execute(pyformat(sql), params or {})
                    while batch := cursor.fetchmany(size):
                        yield batch
                except BaseException as exc:
                    self._stopped(exc)  # before the transaction's end tries a rollback
                    raise
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def in_transaction(self) -> bool:
        if self._lite is not None:
            return self._lite.in_transaction
        import psycopg

        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE  # type: ignore[union-attr]

    @contextmanager
    def transaction(self) -> Iterator[PgStore]:
        if self.in_transaction():
            # A stream still open holds one: a write inside it would become a savepoint,
            # committed only when the stream ends. No command does this; keep it so.
            raise RuntimeError("a write transaction begun while another is open")
        if self._lite is None:
            import psycopg

            try:
                with self.conn.transaction():  # type: ignore[union-attr]
                    yield self
            except psycopg.Error as exc:  # at COMMIT: a deferred check, a lost connection
                raise self._error(exc) from None
            return
        self._lite_execute("BEGIN", {})
        try:
            yield self
        except BaseException:
            if self._lite is not None:
                try:
                    self._lite.execute("ROLLBACK")
                except libpq.Error:
                    pass  # the connection is gone, and the transaction with it
            raise
        self._lite_execute("COMMIT", {})

    def has_table(self, name: str) -> bool:
        if not self.in_transaction():
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
        for conn in (self._lite, self.conn, self._side):
            if conn is not None:
                conn.close()


# One token of SQL text: a literal or comment (copied; for psycopg its % doubled), a `::` cast,
# a `:name` parameter, or a %. Literals: 'text' ('' inside), E'text' (\' inside), "identifier",
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
def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """The statement with libpq's placeholders: `:name` as `$1`, `$2`… (the same number each
    time a name occurs), and the names in the order of their numbers."""
    names: dict[str, int] = {}

    def token(found: re.Match) -> str:
        if found["name"] is not None:
            return f"${names.setdefault(found['name'], len(names) + 1)}"
        return found[0]

    return _TOKEN.sub(token, sql), tuple(names)


@lru_cache(maxsize=256)
def pyformat(sql: str) -> str:
    """The statement with psycopg's placeholders: `:name` as `%(name)s` (every time it occurs),
    a literal % as %%; casts (`::text`), literals and comments left as they are."""
    return _TOKEN.sub(_token, sql)


# `INSERT INTO t (a, b) VALUES (:a, :b)`: each value the parameter named as its column.
_PLAIN_INSERT = re.compile(r"\s*INSERT INTO (\w+) \(([\w\s,]+)\)\s*VALUES \(([:\w\s,]+)\)\s*", re.IGNORECASE)


@lru_cache(maxsize=64)
def bulk_insert(sql: str) -> str | None:
    """The same INSERT for every object of the JSON array bound to :rows, each object's
    values read as the table's column types (`json_populate_recordset`): None unless `sql` is a
    plain INSERT whose values are the parameters named as their columns."""
    found = _PLAIN_INSERT.fullmatch(sql)
    if found is None:
        return None
    table, columns = found[1], [c.strip() for c in found[2].split(",")]
    if [v.strip() for v in found[3].split(",")] != [f":{c}" for c in columns]:
        return None
    names = ", ".join(columns)
    return f"INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, :rows)"
