"""`tsk import`: reads back exactly what `tsk export` writes, validates every row
and writes all of them or none, in one transaction, in batches (never the whole file in
memory). Its stages have their own modules: `tsk.exchange.read` (the file, in batches of
records with their lines), `tsk.exchange.check` (each record, or a CSV batch a column at a time)
and `tsk.exchange.write` (ids, bulk inserts, the "imported" events holding each row's digest,
`tsk.baseline`); this module runs them. An export imported into an empty ledger exports again byte for byte the same.

An import into an empty SQLite ledger writes with a rollback journal, builds its indexes at
the end and analyses them: a million rows are a matter of a minute or less.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from tsk import messages as msg
from tsk.context import Ledger
from tsk.exchange.check import Checker
from tsk.exchange.read import (
    CsvReader,
    ImportFailed,
    JsonArray,
    Source,
    at,
    jsonl_records,
    object_batches,
    text_limit,
)
from tsk.exchange.write import Refs, Writer, known_refs
from tsk.store import queries as q

MAX_REPORTED = 20  # problems listed one per line; the rest are counted


# -- import ----------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    count: int
    computed_deadlines: int  # open complaints that came without deadlines
    dry_run: bool
    source: str | msg.Said  # the file as messages name it



def import_file(ledger: Ledger, path: str, *, dry_run: bool = False, stdin: IO[bytes] | None = None,
                progress: Callable[[int, int | None], None] | None = None) -> ImportResult:
    """Validate every record of the file and write them all, or none (ImportFailed).

    `progress(bytes_read, size)` is called after each batch, when given.
    """
    source = Source(path, stdin)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived objects and no cycles: the collector would only rescan them
    try:
        with text_limit(), _bulk_journal(ledger, dry_run), _writing(ledger, dry_run) as in_transaction:
            return _import(ledger, source, dry_run, in_transaction, progress)
    except UnicodeDecodeError:
        raise ImportFailed(source.name, [msg.NOT_UTF8_IMPORT(source=source.name)], 1) from None
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
    try:  # synchronous is FULL on every connection (tsk.store.db), as a rollback journal needs
        yield
    finally:
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


def _import(ledger: Ledger, source: Source, dry_run: bool, write: bool,
            progress: Callable[[int, int | None], None] | None) -> ImportResult:
    checker = Checker(ledger)
    ledger_empty = ledger.store.value(q.ANY_COMPLAINT) is None
    writer = Writer(ledger, str(source.name), ledger_empty=ledger_empty) if write else None
    problems: list[tuple[int, str, msg.Said]] = []  # (record number, English text, message): the first ones in file order
    total_problems = 0
    met = Refs()
    count = 0

    def problem(number: int, line: int, field: str | None, message: msg.Said) -> None:
        nonlocal total_problems
        total_problems += 1
        said = at(source.name, source.where(number, line), message, source.field(field) if field else None)
        problems.append((number, said.text(), said))
        if len(problems) > 4 * MAX_REPORTED:
            problems.sort()
            del problems[MAX_REPORTED:]

    reader = None
    if source.format == "csv":
        reader = CsvReader(source)
        batches = reader.batches()
    elif source.format == "xlsx":
        from tsk.exchange.workbook import XlsxReader

        reader = XlsxReader(source)
        batches = reader.batches()
    else:
        batches = object_batches(jsonl_records(source) if source.format == "jsonl" else JsonArray(source).records())
    for batch in batches:
        columns, kept, bad = checker.batch(batch, reader)
        for i, exc in bad:
            problem(batch.first + i, batch.lines[i], exc.field, exc.message)
        refs = columns["ref"]
        numbers = [batch.first + i for i in kept]
        lines = [batch.lines[i] for i in kept]
        again = met.meet(refs, numbers, lines)
        for i, number, line in again:
            problem(numbers[i], lines[i], "ref", msg.REF_TWICE(ref=refs[i], where=source.where(number, line)))
        if not ledger_empty:
            doubled = {i for i, _, _ in again}
            known = known_refs(ledger, [ref for i, ref in enumerate(refs) if i not in doubled])
            for i, ref in enumerate(refs):
                if ref in known and i not in doubled:
                    problem(numbers[i], lines[i], "ref", msg.REF_IN_LEDGER(ref=ref))
        count += len(refs) - len(again)
        if writer is not None and not total_problems:
            writer.write(columns)
        if progress is not None:
            progress(source.position(), source.size)
    if total_problems:
        raise ImportFailed(source.name, [said for *_, said in sorted(problems, key=lambda p: p[:2])[:MAX_REPORTED]],
                           total_problems)
    if writer is not None:
        writer.finish(met)
    return ImportResult(count, checker.computed, dry_run, source.name)
