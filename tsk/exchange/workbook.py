"""Reading an Excel workbook for `tsk import`: the sheet `tsk export --format xlsx` writes (or
one an officer made or edited like it), row by row. Each cell becomes the text a CSV export
holds (`tsk.render.workbook.export_text`), so a workbook goes through the CSV checks, and a
problem names the file, the row and the column (`row 6, column D 渠道 (channel)`). openpyxl reads
the sheet as it goes (read-only mode): a workbook of any size in little memory."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Any

from tsk import fields
from tsk import messages as msg
from tsk.errors import echo
from tsk.exchange.read import BATCH, Bad, Batch, CsvReader, ImportFailed, Source, at, check_columns
from tsk.render.workbook import EXPORT_SHEET, NotAValue, export_text, need_openpyxl, unescape
from tsk.values import Invalid, bounded

# A heading is a field's Chinese label (as the export writes it) or its name (as CSV has it).
NAMES = {**{f.label: f.name for f in fields.FIELDS}, **{f.name: f.name for f in fields.FIELDS}}



class XlsxReader(CsvReader):
    """A workbook's rows as `CsvReader` gives a CSV's: text values by heading position, each
    record with its row; the rows the reader cannot take come with their problem (Batch.bad)."""

    def __init__(self, source: Source) -> None:  # not CsvReader's: nothing here is CSV
        self.source = source
        self.name = source.name
        self.book = _open(source)
        try:
            sheets = self.book.worksheets
            if not sheets:
                raise ImportFailed(self.name, [msg.NO_WORKSHEET(name=self.name)], 1)
            sheet = self.book[EXPORT_SHEET] if EXPORT_SHEET in self.book.sheetnames else sheets[0]
            if len(self.book.sheetnames) > 1:
                source.sheet = msg.SHEET_NAMED(title=sheet.title)
            sheet.reset_dimensions()  # a workbook may claim fewer rows than it has: every one is read
            self.rows = self._read(sheet)
            self._header(next(self.rows, (1, ()))[1])
        except BaseException:
            self.book.close()
            raise

    @property
    def nul_seen(self) -> bool:
        return False  # a value with a NUL (written _x0000_) is a problem of its row already

    def _header(self, cells: Any) -> None:
        headings = [_heading(cell.value) for cell in cells]
        while headings and not headings[-1]:
            headings.pop()
        row = msg.AT_ROW(sheet=self.source.sheet, line=1)
        if not headings:
            raise ImportFailed(self.name, [msg.HEADINGS_EMPTY(source=self.name, where=row)], 1)
        names = [NAMES.get(h, h) for h in headings]
        if not any(name in fields.BY_NAME for name in names):
            shown = echo(next(h for h in headings if h))
            raise ImportFailed(self.name, [at(self.name, row, msg.HEADINGS_WRONG(value=shown))], 1)
        empty = [column_letter(i) for i, h in enumerate(headings) if not h]
        if empty:
            raise ImportFailed(self.name, [at(self.name, row, msg.NO_HEADING, msg.COLUMN(letter=letter))
                                           for letter in empty], len(empty))
        check_columns(self.name, names, row)
        self.header = names
        self.index = {name: i for i, name in enumerate(names)}
        self.kinds = [fields.BY_NAME[name].kind for name in names]
        for i, (heading, name) in enumerate(zip(headings, names)):
            self.source.columns[name] = (msg.COLUMN_HEADED(letter=column_letter(i), heading=heading) if heading == name
                                         else msg.COLUMN_HEADED_AS(letter=column_letter(i), heading=heading, name=name))

    def _read(self, sheet: Any) -> Iterator[tuple[int, Any]]:
        """(row number, cells) of every row; a sheet openpyxl cannot parse is one problem."""
        rows = sheet.iter_rows()
        number = 0
        while True:
            number += 1
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # openpyxl's notes on what it does not support
                    cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise ImportFailed(self.name, [at(self.name, msg.AT_ROW(sheet=self.source.sheet, line=number),
                                                  msg.SHEET_UNREADABLE(reason=_reason(exc)))], 1) from None
            yield number, cells

    def batches(self) -> Iterator[Batch]:
        """Up to BATCH records at a time, each row made text as it is read (its cells let go)."""
        first = 0
        try:
            lines: list[int] = []
            rows: list[list[str]] = []
            bad: dict[int, Bad] = {}
            for number, cells in self.rows:
                values, problem = self._values(cells)
                if values is None:
                    continue  # a blank row
                if problem is not None:
                    bad[len(rows)] = problem
                lines.append(number)
                rows.append(values)
                if len(rows) == BATCH:
                    yield Batch(first, lines, rows=rows, bad=bad)
                    first += len(rows)
                    lines, rows, bad = [], [], {}
            if rows:
                yield Batch(first, lines, rows=rows, bad=bad)
        finally:
            self.book.close()

    def _values(self, cells: Any) -> tuple[list[str] | None, Bad | None]:
        """A row's values as export text, and its first problem; (None, None) for a blank row."""
        width = len(self.header)
        values: list[str] = []
        problem = None
        blank = True
        for i, cell in enumerate(cells):
            value = cell.value
            if value is None:
                if i < width:
                    values.append("")
                continue
            blank = False
            if i >= width:
                problem = problem or Bad(None, msg.PAST_LAST_HEADING, letter=column_letter(i))
                continue
            name, kind = self.header[i], self.kinds[i]
            try:
                if cell.data_type == "f":
                    raise NotAValue(msg.CELL_FORMULA, value=echo(value, kind))
                if cell.data_type == "e":
                    raise NotAValue(msg.CELL_ERROR, value=value)
                text = bounded(export_text(kind, value))
            except (NotAValue, Invalid) as exc:
                problem = problem or Bad(name, exc.said)
                text = ""
            values.append(text)
        if blank:
            return None, None
        values.extend([""] * (width - len(values)))
        return values, problem


def _open(source: Source) -> Any:
    """The workbook, read as it is used; a file that is not one is one problem."""
    openpyxl = need_openpyxl()
    raw: Any = source.raw
    try:
        if not raw.seekable():  # a zip archive is read from its end: standard input is read whole first
            raw = io.BytesIO(raw.read())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(raw, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:
        raise ImportFailed(source.name, [msg.NOT_A_WORKBOOK(source=source.name, reason=_reason(exc))], 1) from None


def _heading(value: Any) -> str:
    if value is None:
        return ""
    return (unescape(value) if isinstance(value, str) else str(value)).strip()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:120] + "…"


def column_letter(index: int) -> str:
    """A column's letters from its index counted from 0: A, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
