"""Where the ledger is, and one small interface over its two drivers.

SQLite runs on the standard library's `sqlite3`, PostgreSQL on psycopg 3 alone (`tsk.store.pg`):
importing SQLAlchemy costs ~0.3 s, more than a whole `tsk overdue`, so it is loaded only to
create or upgrade a schema. Both take the same SQL text with `:name` parameters, written once
in `tsk.store.queries`.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from tsk import messages as msg
from tsk.errors import TskError, echo

if TYPE_CHECKING:
    from tsk.store.pg import PgStore

Params = Mapping[str, Any] | Sequence[Any]
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for a missing privilege or a row-level security refusal
# The schema version this tsk writes: the last of tsk.store.schema.MIGRATIONS (a test holds them
# equal). Here so that opening a current ledger needs no migration code.
SCHEMA_VERSION = 8
SCHEMA_VERSION_SQL = "SELECT max(version) FROM schema_migration"


def default_location() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "tsk", "ledger.db")


def resolve_location(option: str | None) -> str:
    """`--db`, else `TSK_DB`, else the XDG data home."""
    return option or os.environ.get("TSK_DB") or default_location()


def is_url(location: str) -> bool:
    return "://" in location


def is_server(location: str) -> bool:
    """A server database's URL (PostgreSQL), not a file's path or `sqlite:///` URL."""
    return is_url(location) and not location.startswith("sqlite:///")


def missing_file(location: str) -> str | None:
    """The path of a SQLite ledger that does not exist yet (None: it exists, or is a server's)."""
    if is_server(location):
        return None
    path = location.removeprefix("sqlite:///")
    return None if path == ":memory:" or os.path.lexists(path) else path


class SqliteStore:
    """The embedded ledger: WAL so readers never wait, a long busy timeout so writers queue
    instead of failing with "database is locked", and BEGIN IMMEDIATE for every write so a
    transaction never has to upgrade its lock half-way. `synchronous = FULL`: every commit is
    on disk before tsk says it is done (with NORMAL, SQLite documents that a committed
    transaction may roll back after a power loss or OS crash: a ref printed, then lost)."""

    dialect = "sqlite"
    for_update = ""  # BEGIN IMMEDIATE already serialises writers
    refusal = None  # a file has no roles (PostgreSQL: `PgStore.refusal`)

    def __init__(self, path: str, warn: Callable[[msg.Said], None] | None = None) -> None:
        path = path.removeprefix("sqlite:///")
        self.path = path
        self.read_only = False
        target = path
        if path != ":memory:":
            # sqlite3 is handed the absolute path tsk secured: never text starting "file:",
            # which SQLite would read as a URI naming some other file.
            target = os.path.abspath(path)
            self.read_only = _secure_file(target, path, warn)
            if self.read_only:
                target = _read_only_uri(target)
        mask = os.umask(0o077)  # any -wal, -shm or -journal SQLite creates is the owner's only
        try:
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=60.0, check_same_thread=False,
                                        uri=self.read_only)
            self.conn.row_factory = _as_dict
            self.conn.execute("PRAGMA busy_timeout = 60000")
            if not self.read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if self.read_only:
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # readable at all?
        except sqlite3.DatabaseError as exc:
            raise TskError(msg.CANNOT_OPEN_LEDGER, path=path, reason=str(exc)) from None
        finally:
            os.umask(mask)

    def rows(self, sql: str, params: Params = ()) -> list[dict]:
        return self.conn.execute(sql, params).fetchall()

    def row(self, sql: str, params: Params = ()) -> dict | None:
        return self.conn.execute(sql, params).fetchone()

    def value(self, sql: str, params: Params = ()) -> Any:
        found = self.conn.execute(sql, params).fetchone()
        return None if found is None else next(iter(found.values()))

    def run(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def run_many(self, sql: str, rows: Sequence[Params]) -> int:
        """The statement once per row; the rows it changed, in all."""
        positional, names = _positional(sql)
        if len(names) > 1 and rows and isinstance(rows[0], Mapping):  # by position: sqlite3 looks names up slowly
            return self.conn.executemany(positional, list(map(itemgetter(*names), rows))).rowcount
        return self.conn.executemany(sql, rows).rowcount

    def stream(self, sql: str, params: Params = (), size: int = 2000) -> Iterator[dict]:
        cursor = self.conn.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch

    def batches(self, sql: str, params: Params = (), size: int = 2000) -> Iterator[list[tuple]]:
        """Rows as tuples, `size` at a time, straight from the cursor (no dict per row)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch

    @contextmanager
    def transaction(self) -> Iterator[SqliteStore]:
        if self.read_only:
            raise TskError(msg.LEDGER_READ_ONLY, path=self.path)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): the error that stopped
            # the transaction is the one to report, never "no transaction is active".
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise

    def has_table(self, name: str) -> bool:
        return self.row("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = :n", {"n": name}) is not None

    def lock_ledger(self) -> None:
        """Serialise schema changes: BEGIN IMMEDIATE has already taken the write lock."""

    def close(self) -> None:
        self.conn.close()


Store = Union[SqliteStore, "PgStore"]  # tsk.store.pg: loaded for a database URL only


def schema_version(store: Store) -> int:
    """The ledger's schema version, on either driver; 0 for a new ledger."""
    return (store.value(SCHEMA_VERSION_SQL) or 0) if store.has_table("schema_migration") else 0


def open_store(location: str, warn: Callable[[msg.Said], None] | None = None) -> Store:
    """A ledger file (a plain path, or `sqlite:///path`), else a server database URL.
    `warn` is told when a ledger file readable by others was made private."""
    if is_server(location):
        try:
            from tsk.store.pg import PgStore
        except ImportError:
            raise TskError(msg.NEEDS_PSYCOPG) from None
        return PgStore(location)
    return SqliteStore(location, warn)


_NAMED = re.compile(r"(?<!:):([A-Za-z_]\w*)")


@lru_cache(maxsize=64)
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """`:name` parameters as `?`, and the names in order."""
    names = tuple(_NAMED.findall(sql))
    return _NAMED.sub("?", sql), names


def _as_dict(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {col[0]: value for col, value in zip(cursor.description, row)}


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
COMPANIONS = ("", "-wal", "-shm", "-journal")  # the ledger and the files SQLite keeps beside it


def _secure_file(path: str, shown: str, warn: Callable[[msg.Said], None] | None) -> bool:
    """Create the ledger (and every missing folder above it) readable by the owner only, or
    make an existing one so, saying so on stderr. True when it can only be read here: its
    file or its folder cannot be written (a read-only folder, file or filesystem)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        _create_private_file(Path(path), shown)
        return False
    except OSError as exc:
        raise TskError(msg.CANNOT_OPEN_LEDGER, path=echo(shown), reason=msg.os_reason(exc)) from None
    if mode & 0o077:
        _make_private(path, shown, warn)
    else:
        for suffix in COMPANIONS[1:]:
            try:
                if os.stat(path + suffix).st_mode & 0o077:
                    _make_private(path, shown, warn)
                    break
            except OSError:
                continue
    return not (os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK))


def _make_private(path: str, shown: str, warn: Callable[[msg.Said], None] | None) -> None:
    """Tighten the ledger and its companion files to 0600; refuse to use it if that fails."""
    for suffix in COMPANIONS:
        try:
            mode = os.stat(path + suffix).st_mode
        except OSError:
            continue
        if mode & 0o077:
            try:
                os.chmod(path + suffix, PRIVATE_FILE)
            except OSError as exc:
                raise TskError(msg.CANNOT_MAKE_PRIVATE, path=shown + suffix, mode=f"{mode & 0o777:o}",
                               reason=msg.os_reason(exc)) from None
    if warn is not None:
        warn(msg.MADE_PRIVATE(path=shown))


def _read_only_uri(path: str) -> str:
    """A URI for reading `path` without writing (tsk's own, from the absolute path it checked).
    WAL readers need a -shm file beside the ledger; where none exists and none can be made,
    the ledger is opened as immutable, which is right only when nothing can write it either:
    a writer must create the -wal file, impossible in a folder nobody may write to."""
    folder = os.path.dirname(path)
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    if not os.path.exists(path + "-wal") and not os.path.exists(path + "-shm") and _nothing_can_write(folder):
        uri += "&immutable=1"
    return uri


def _nothing_can_write(folder: str) -> bool:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
        return not os.stat(folder).st_mode & 0o222
    except OSError:
        return False


def _create_private_file(path: Path, shown: str | None = None) -> None:
    """Create the ledger file, and each folder above it that is missing, readable by the
    owner only (mkdir's `parents` would give the upper ones the umask's 0755)."""
    try:
        missing, folder = [], path.parent
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            # Another process creating the same new ledger may make the folder first.
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    except OSError as exc:
        raise TskError(msg.CANNOT_CREATE_LEDGER, path=echo(shown or str(path)), reason=msg.os_reason(exc)) from None
