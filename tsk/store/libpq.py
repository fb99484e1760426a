"""The few calls of libpq, PostgreSQL's own client library, that a short command needs: connect,
run one statement with its parameters, read its rows. Through ctypes, from the libpq that
psycopg's binary package ships (or the system's), so that `tsk show` on PostgreSQL does not
import psycopg: importing it costs ~90 ms (its adapters, asyncio, ssl, importlib.metadata),
more than the whole command on SQLite, where loading libpq costs ~5 ms.

What streams many rows or writes many (reports, export, the nightly check) goes through
psycopg (`tsk.store.pg`), whose C code reads a row's values faster than a ctypes call each.
Values are sent as text and read as text, typed by their PostgreSQL type as psycopg types them
(integers, floats, booleans, numerics, text arrays, JSON; anything else as its text).
"""

from __future__ import annotations

import ctypes
import select
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

_P, _S, _I = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
_OK, _TUPLES_OK = 1, 2  # PGRES_COMMAND_OK, PGRES_TUPLES_OK
_CONNECTION_OK, _TRANS_IDLE = 0, 0
_SQLSTATE, _PRIMARY = ord("C"), ord("M")  # PG_DIAG_SQLSTATE, PG_DIAG_MESSAGE_PRIMARY
# The types of the parameters sent (as psycopg sends them; text is left for the server to infer).
_BOOL, _INT8, _FLOAT8, _NUMERIC, _TEXT_ARRAY = 16, 20, 701, 1700, 1009


# The server's NOTICE and WARNING messages (`IF NOT EXISTS … skipping`, a REVOKE of a role not
# held) are for whoever administers the server: dropped, as psycopg drops them when no handler
# is added, instead of libpq's default of printing them on the command's stderr.
_NOTICES = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)
_DROP_NOTICE = _NOTICES(lambda _arg, _message: None)  # module-level: alive as long as libpq may call it


NUL_IN_TEXT = "PostgreSQL text fields cannot contain NUL (0x00) bytes"  # psycopg's words for it


class Error(Exception):
    """What libpq or the server said, its first line, and the server's SQLSTATE if any."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _first_line(raw: bytes | None) -> str:
    lines = (raw or b"").decode("utf-8", "replace").strip().splitlines()
    return lines[0].strip() if lines else "unknown error"


@cache
def library() -> ctypes.CDLL | None:
    """libpq from psycopg's binary package (found without importing it), else the system's;
    None when neither loads."""
    from importlib.util import find_spec
    from pathlib import Path

    candidates: list[str] = []
    spec = find_spec("psycopg_binary")
    if spec is not None and spec.submodule_search_locations:
        libs = Path(next(iter(spec.submodule_search_locations))).parent / "psycopg_binary.libs"
        candidates += [str(path) for path in sorted(libs.glob("libpq-*.so*"))]
    candidates.append("libpq.so.5")
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        _declare(lib)
        return lib
    return None


def _declare(lib: ctypes.CDLL) -> None:
    for name, result, args in (
        ("PQconnectdbParams", _P, [ctypes.POINTER(_S), ctypes.POINTER(_S), _I]),
        ("PQstatus", _I, [_P]), ("PQerrorMessage", _S, [_P]), ("PQfinish", None, [_P]),
        ("PQtransactionStatus", _I, [_P]),
        ("PQexecParams", _P, [_P, _S, _I, ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(_S), _P, _P, _I]),
        ("PQresultStatus", _I, [_P]), ("PQresultErrorField", _S, [_P, _I]), ("PQresultErrorMessage", _S, [_P]),
        ("PQntuples", _I, [_P]), ("PQnfields", _I, [_P]), ("PQfname", _S, [_P, _I]),
        ("PQftype", ctypes.c_uint, [_P, _I]), ("PQgetvalue", _S, [_P, _I, _I]), ("PQgetisnull", _I, [_P, _I, _I]),
        ("PQcmdTuples", _S, [_P]), ("PQclear", None, [_P]),
        ("PQconninfoParse", _P, [_S, ctypes.POINTER(ctypes.c_void_p)]), ("PQconninfoFree", None, [_P]),
        ("PQfreemem", None, [_P]), ("PQsetNoticeProcessor", _P, [_P, _NOTICES, _P]),
        ("PQsendQueryParams", _I, [_P, _S, _I, ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(_S), _P, _P, _I]),
        ("PQsocket", _I, [_P]), ("PQconsumeInput", _I, [_P]), ("PQisBusy", _I, [_P]), ("PQgetResult", _P, [_P]),
        ("PQgetCancel", _P, [_P]), ("PQcancel", _I, [_P, _S, _I]), ("PQfreeCancel", None, [_P]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = result, args


def readable(conninfo: str) -> bool:
    """Whether libpq can read `conninfo` (a URL or key=value string), as it would to connect."""
    lib = library()
    assert lib is not None
    error = ctypes.c_void_p()
    options = lib.PQconninfoParse(conninfo.encode(), ctypes.byref(error))
    if error.value:
        lib.PQfreemem(error)
    if not options:
        return False
    lib.PQconninfoFree(options)
    return True


class Result:
    __slots__ = ("columns", "rows", "rowcount")

    def __init__(self, columns: list[str], rows: list[tuple], rowcount: int) -> None:
        self.columns, self.rows, self.rowcount = columns, rows, rowcount


def _connected(lib: ctypes.CDLL, keywords: Any, given: Any) -> int | None:
    """PQconnectdbParams (1: dbname may be a URL, expanded), waited for on another thread: the
    main thread's wait ends on a signal (Ctrl-C, a cron job's `timeout`), which a wait inside
    libpq for a server that never answers would hold until the network gives up. Connecting in
    libpq itself keeps its own rules (connect_timeout, one host after another)."""
    import threading

    made: list[int | None] = []
    lock = threading.Lock()

    def connect() -> None:
        conn = lib.PQconnectdbParams(keywords, given, 1)
        with lock:
            if made:  # abandoned: the caller was stopped
                lib.PQfinish(conn)
            else:
                made.append(conn)

    thread = threading.Thread(target=connect, name="libpq-connect", daemon=True)
    thread.start()
    try:
        thread.join()  # ended by a signal's handler raising (POSIX: a lock's wait is interruptible)
    except BaseException:
        with lock:
            if made:
                lib.PQfinish(made[0])
            made.append(0)
        raise
    return made[0]


class Connection:
    def __init__(self, conninfo: str, **settings: str) -> None:
        lib = library()
        assert lib is not None
        self._lib = lib
        keys = ["dbname", *settings]
        values = [conninfo, *settings.values()]
        keywords = (_S * (len(keys) + 1))(*[k.encode() for k in keys], None)
        given = (_S * (len(values) + 1))(*[v.encode() for v in values], None)
        self._conn = _connected(lib, keywords, given)
        if lib.PQstatus(self._conn) != _CONNECTION_OK:
            message = _first_line(lib.PQerrorMessage(self._conn))
            lib.PQfinish(self._conn)
            self._conn = None
            raise Error(message)
        lib.PQsetNoticeProcessor(self._conn, _DROP_NOTICE, None)

    @property
    def in_transaction(self) -> bool:
        return self._lib.PQtransactionStatus(self._conn) != _TRANS_IDLE

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """One statement (`$1`… for its parameters), its rows read and typed."""
        lib, n = self._lib, len(params)
        if self._conn is None:
            raise Error("no connection to the server")
        types = (ctypes.c_uint * max(n, 1))(*map(_oid, params))
        values = (_S * max(n, 1))(*map(_text, params))
        if not lib.PQsendQueryParams(self._conn, sql.encode(), n, types, values, None, None, 0):
            raise Error(_first_line(lib.PQerrorMessage(self._conn)))
        try:
            res = self._result()
        except BaseException:  # a signal (Ctrl-C, a cron job's `timeout`) while the server works or waits
            self._cancel()
            raise
        if not res:
            raise Error(_first_line(lib.PQerrorMessage(self._conn)))
        try:
            status = lib.PQresultStatus(res)
            if status not in (_OK, _TUPLES_OK):
                sqlstate = lib.PQresultErrorField(res, _SQLSTATE)
                primary = lib.PQresultErrorField(res, _PRIMARY) or lib.PQresultErrorMessage(res)
                raise Error(_first_line(primary), sqlstate.decode() if sqlstate else None)
            count = lib.PQcmdTuples(res)
            if status == _OK:
                return Result([], [], int(count) if count else -1)
            return _read(lib, res, int(count) if count else -1)
        finally:
            lib.PQclear(res)

    def _result(self) -> int | None:
        """The statement's (last) result, waited for here rather than in libpq (PQexecParams):
        Python runs a signal's handler only between its own steps, and a statement may wait
        for a lock another session holds as long as that session lasts."""
        lib, conn = self._lib, self._conn
        last = None
        while True:
            while lib.PQisBusy(conn):
                socket = lib.PQsocket(conn)
                if socket < 0:
                    break
                select.select([socket], [], [])  # a signal's handler runs here (PEP 475)
                if not lib.PQconsumeInput(conn):
                    break  # the connection is lost: PQgetResult says so
            res = lib.PQgetResult(conn)
            if not res:
                return last
            if last:
                lib.PQclear(last)
            last = res

    def _cancel(self) -> None:
        """Stop the statement under way on the server, and let the connection go: the server
        ends its transaction then, releasing what it locked, without waiting for what it
        waited for (whose answer would come to no one)."""
        lib = self._lib
        cancel = lib.PQgetCancel(self._conn)
        if cancel:
            lib.PQcancel(cancel, ctypes.create_string_buffer(256), 256)
            lib.PQfreeCancel(cancel)
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._lib.PQfinish(self._conn)
            self._conn = None


def _read(lib: ctypes.CDLL, res: int, rowcount: int) -> Result:
    width, height = lib.PQnfields(res), lib.PQntuples(res)
    columns = [lib.PQfname(res, j).decode() for j in range(width)]
    readers = [_READERS.get(lib.PQftype(res, j), _as_text) for j in range(width)]
    value, isnull = lib.PQgetvalue, lib.PQgetisnull
    rows = []
    for i in range(height):
        row = []
        for j, read in enumerate(readers):
            raw = value(res, i, j)
            row.append(None if not raw and isnull(res, i, j) else read(raw))
        rows.append(tuple(row))
    return Result(columns, rows, rowcount)


# -- values sent ----------------------------------------------------------------------------------
def _oid(value: Any) -> int:
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return _INT8 if -(2**63) <= value < 2**63 else _NUMERIC
    if isinstance(value, float):
        return _FLOAT8
    if isinstance(value, (list, tuple)):
        return _TEXT_ARRAY
    return 0  # text, or NULL: the server infers its type, as psycopg lets it


def _text(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, float):
        return repr(value).encode()
    text = (_array(value) if isinstance(value, (list, tuple)) else str(value)).encode()
    if b"\0" in text:  # a C string ends at it: refused, as psycopg refuses it, never sent cut short
        raise Error(NUL_IN_TEXT)
    return text


def _array(values: Sequence[Any]) -> str:
    """A text array literal: every element quoted, `"` and `\\` escaped, NULL for None."""
    def element(v: Any) -> str:
        if v is None:
            return "NULL"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "{" + ",".join(map(element, values)) + "}"


# -- values read ----------------------------------------------------------------------------------
def _as_text(raw: bytes) -> str:
    return raw.decode()


def _as_numeric(raw: bytes) -> Any:
    from decimal import Decimal

    return Decimal(raw.decode())


def _as_json(raw: bytes) -> Any:
    import json

    return json.loads(raw)


def _as_text_array(raw: bytes) -> list[str | None]:
    """`{a,"b c",NULL}` as ['a', 'b c', None] (one dimension, as tsk's arrays are)."""
    text, i = raw.decode(), 1
    out: list[str | None] = []
    if text == "{}":
        return []
    while i < len(text):
        if text[i] == '"':
            j, chars = i + 1, []
            while text[j] != '"':
                if text[j] == "\\":
                    j += 1
                chars.append(text[j])
                j += 1
            out.append("".join(chars))
            i = j + 2  # past the quote and the comma (or the closing brace)
        else:
            j = text.index(",", i) if "," in text[i:] else len(text) - 1
            word = text[i:j]
            out.append(None if word == "NULL" else word)
            i = j + 1
    return out


def _as_int_array(raw: bytes) -> list[int | None]:
    return [None if v is None else int(v) for v in _as_text_array(raw)]


_READERS: dict[int, Callable[[bytes], Any]] = {
    16: lambda raw: raw == b"t",  # bool
    20: int, 21: int, 23: int, 26: int,  # int8, int2, int4, oid
    700: float, 701: float, 1700: _as_numeric,
    114: _as_json, 3802: _as_json,
    1009: _as_text_array, 1015: _as_text_array, 1002: _as_text_array, 1014: _as_text_array, 1003: _as_text_array,
    1005: _as_int_array, 1007: _as_int_array, 1016: _as_int_array,
}
