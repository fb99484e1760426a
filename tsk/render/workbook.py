"""Excel workbooks (`--format xlsx`): the export's every field, or a report's tables, as a real
.xlsx for officers. Each sheet has its headings in row 1 (frozen, with filter buttons), a
column per field or figure, and each value in the cell type it is: numbers as numbers, dates
and times as Excel dates (China time), and everything else — refs, names, phones, ID numbers,
free text — as text cells, so an ID number keeps its 18 digits and no text is ever run as a
formula, however it starts (docs/rules.md, Data care).

What a field's value is in a cell, and back, is said here once: `cell_value` for the writer,
`export_text` for `tsk import` of a workbook (`tsk.exchange.workbook`), which gives the text a
CSV export holds, so both go through the same checks. openpyxl is an optional dependency,
imported only when a workbook is written or read (`need_openpyxl`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from itertools import chain, islice
from typing import IO, Any

from tsk import fields
from tsk import messages as msg
from tsk.errors import TskError, Unreadable, echo
from tsk.render.output import FORMULA_START

RUN = (*FORMULA_START, "'")  # text a spreadsheet would run as a formula if typed (or take a leading ' off)
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))  # openpyxl's error cells

INSTALL = "pip install 'tsk[xlsx]'"

# -- kinds of cell ------------------------------------------------------------------------------
TEXT = "text"  # a string cell, always (never a number, date or formula)
DIGITS = "digits"  # text of digits (phones, ID numbers), in cells formatted as text so that an edit keeps it text
NUMBER = "number"
AMOUNT = "amount"  # yuan, shown to the fen
PERCENT = "percent"  # a fraction, shown as 12.5%
DATE = "date"  # 2026-11-23
TIME = "time"  # 2026-11-23T14:05:00+08:00, as the China time it is (Excel has no time zones)
MONTH = "month"  # 2026-11, as its first day
AUTO = "auto"  # by each value: a number (a Percent as a percentage), or text



class Percent(float):
    """A fraction shown as a percentage (12.5%), in a column of any kind."""


FORMATS = {DIGITS: "@", AMOUNT: "0.00", PERCENT: "0.0%", DATE: "yyyy-mm-dd", TIME: "yyyy-mm-dd hh:mm:ss", MONTH: "yyyy-mm"}
SHOWN_WIDTH = {DATE: 10, TIME: 19, MONTH: 7, PERCENT: 6}  # characters an Excel date or percent takes

# The field table's kinds as cells: the rest (refs, enumerations, names, flags, texts) are text.
OF_FIELD = {fields.PHONE: DIGITS, fields.ID_NUMBER: DIGITS, fields.WHOLE: NUMBER, fields.FLAG: NUMBER,
            fields.AMOUNT: AMOUNT, fields.DATE: DATE, fields.TIME: TIME}

EXPORT_SHEET = "投诉台账"  # the export's one sheet; `tsk import` looks for it first
SAMPLE_ROWS = 200  # rows looked at for the column widths before any is written
MIN_WIDTH, MAX_WIDTH = 6, 60  # characters
CELL_LIMIT = 32_767  # characters a cell holds
CHINA_OFFSET = dt.timedelta(hours=8)


def need_openpyxl() -> Any:
    """The openpyxl module, or one error line saying how to install it."""
    try:
        import openpyxl
    except ImportError:
        raise TskError(msg.NEEDS_OPENPYXL, install=INSTALL) from None
    return openpyxl


# -- text a cell can hold -------------------------------------------------------------------------
# XML cannot hold most control characters, and reads a CR as a line feed: OOXML writes each as
# _xHHHH_ (as Excel does), and a literal "_x" + four hex digits + "_" with its "_" so written.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape(text: str) -> str:
    return _UNSAFE.sub(lambda found: f"_x{ord(found.group()):04X}_", text) if _UNSAFE.search(text) else text


def unescape(text: str) -> str:
    """`escape` undone (also what Excel itself wrote). One case it cannot tell apart: openpyxl
    already takes the `_x005F` off a shared string (a workbook Excel saved), so a literal
    `_x0041_` typed into Excel comes back as `A`; a workbook tsk wrote has none (inline strings)."""
    return _ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text) if "_x" in text else text


# -- a field's value in a cell, and back --------------------------------------------------------------
def cell_value(kind: str, value: Any) -> Any:
    """What a cell of `kind` holds for an export or report value (None: an empty cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return ";".join(value)
    if kind in (TEXT, DIGITS) or value.__class__ is str and kind not in (DATE, TIME, MONTH):
        return value if value.__class__ is str else str(value)
    try:
        if kind == TIME:
            moment = dt.datetime.fromisoformat(value)
            # Stored times are China time; any other (never stored) stays text, exactly as it was.
            return moment.replace(tzinfo=None) if moment.utcoffset() == CHINA_OFFSET else value
        if kind == DATE:
            return dt.date.fromisoformat(value)
        if kind == MONTH:
            return dt.date.fromisoformat(value + "-01")
    except (TypeError, ValueError):
        return value  # not a date after all: as text, exactly as it is
    return value


EXACT = 10 ** 15  # a spreadsheet keeps 15 significant digits: a number of more has lost its last ones


class NotAValue(Unreadable):
    """A cell `tsk import` cannot read as its field's value; the message says why."""


def export_text(kind: str, value: Any) -> str:
    """The text a CSV export holds for the value openpyxl read from a cell of a field of `kind`
    (a kind of the field table): what `cell_value` wrote, or what an officer typed."""
    if value is None:
        return ""
    if value.__class__ is str:
        return unescape(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= EXACT:  # an ID number typed into a cell: echoed masked, as any ID number is
                raise NotAValue(msg.CELL_TOO_MANY_DIGITS, value=echo(str(int(value)), kind))
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if kind == fields.TIME:
            rounded = value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))
            return rounded.isoformat() + "+08:00"
        if kind == fields.DATE and value.time() == dt.time():
            return value.date().isoformat()
        raise NotAValue(msg.CELL_DATETIME, value=f"{value:%Y-%m-%d %H:%M}", expected=_expected(kind))
    if isinstance(value, dt.date):
        if kind == fields.DATE:
            return value.isoformat()
        if kind == fields.TIME:
            return value.isoformat() + "T00:00:00+08:00"
        raise NotAValue(msg.CELL_DATE, value=value.isoformat(), expected=_expected(kind))
    raise NotAValue(msg.CELL_OTHER, type=type(value).__name__, expected=_expected(kind))


def _expected(kind: str) -> msg.Message:
    return {fields.TIME: msg.A_TIME, fields.DATE: msg.A_DATE, fields.WHOLE: msg.A_NUMBER, fields.FLAG: msg.A_FLAG,
            fields.AMOUNT: msg.AN_AMOUNT}.get(kind, msg.A_TEXT)


# -- sheets -------------------------------------------------------------------------------------------
class Col:
    """One column of a sheet: the key of its value in each row, its heading, its kind of cell,
    and its width in characters (None: from the heading and the first rows)."""

    __slots__ = ("key", "header", "kind", "width")

    def __init__(self, key: str, header: str, kind: str = AUTO, width: int | None = None) -> None:
        self.key, self.header, self.kind, self.width = key, header, kind, width


class Sheet:
    """A worksheet: its name (at most 31 characters, as Excel allows), columns, and rows (dicts,
    read once: a stream is written as it is read). `filters`: buttons on the headings; `chart`:
    makes an openpyxl chart of the sheet it is given, put beside the table."""

    def __init__(self, name: str, columns: Sequence[Col], rows: Iterable[dict], *, filters: bool = True,
                 chart: Callable[[Any], Any] | None = None) -> None:
        self.name, self.columns, self.rows, self.filters, self.chart = name, columns, rows, filters, chart


def export_columns() -> list[Col]:
    """The export's columns: every field, in export order, headed by its Chinese label."""
    return [Col(f.name, f.label, OF_FIELD.get(f.kind, TEXT)) for f in fields.FIELDS]


def sheet_name(text: str, taken: set[str]) -> str:
    """`text` as a sheet name Excel accepts, unlike those in `taken` (which it joins)."""
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip(" '")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def save(sheets: Iterable[Sheet], out: IO[bytes], *, title: str = "") -> int:
    """Write the workbook to `out`; the number of rows of the first sheet."""
    openpyxl = need_openpyxl()
    book = openpyxl.Workbook(write_only=True)  # rows go to a temporary file as written: any size, little memory
    book.properties.creator = "tsk"
    if title:
        book.properties.title = title
    try:
        counts = [_write_sheet(book, sheet) for sheet in sheets]
        book.save(out)
    except BaseException:
        _discard(book)
        raise
    return counts[0] if counts else 0


def _discard(book: Any) -> None:
    """A workbook given up half-written (an error, Ctrl-C): each sheet's row writer closed and
    its temporary file (customers' data) removed now, not at exit; left alone, openpyxl's writer
    would complain on stderr when it is collected. (openpyxl has no public call for this.)"""
    for ws in book.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with suppress(Exception):
            if rows is not None:
                rows.close()
        with suppress(Exception):
            if writer is not None:
                writer.close()
        with suppress(Exception):
            if writer is not None:
                writer.cleanup()


def _write_sheet(book: Any, sheet: Sheet) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name)
    rows = iter(sheet.rows)
    sample = list(islice(rows, SAMPLE_ROWS))  # widths are set before the first cell is written
    columns = sheet.columns
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width or _width(column, sample)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for column in columns:
        cell = WriteOnlyCell(ws, escape(column.header))
        cell.data_type, cell.font = "s", bold
        heading.append(cell)
    ws.append(heading)
    # Styled cells, one of each a column needs, their values set row by row (openpyxl writes
    # each row as it is appended): cells in the column's number or date format, percentages,
    # and text cells marked as quoted. Plain text and numbers go as they are (a plain value
    # costs openpyxl half a styled one).
    kinds = [c.kind for c in columns]
    shaped = [_template(ws, kind) for kind in kinds]
    percent = [_template(ws, PERCENT) for _ in kinds]
    quoted = [_template(ws, kind if kind == DIGITS else TEXT, quoted=True) for kind in kinds]
    keys = [c.key for c in columns]
    count = 0
    for row in chain(sample, rows):
        values: list[Any] = []
        for key, kind, cell, fraction, quote in zip(keys, kinds, shaped, percent, quoted):
            value = cell_value(kind, row.get(key))
            if value is None:
                values.append(None)
            elif value.__class__ is str:
                if _UNSAFE.search(value) or len(value) > CELL_LIMIT:
                    value = _escaped(value, key, row)
                if value.startswith(RUN) or value in ERROR_CODES:
                    # A string cell however it starts (openpyxl takes a str starting "=" for a
                    # formula unless told), marked as quoted (Excel's leading ') so that an
                    # officer's edit of it keeps it text.
                    quote.value = value
                    quote.data_type = "s"
                    values.append(quote)
                elif kind == DIGITS:
                    cell.value = value
                    values.append(cell)
                else:
                    values.append(value)
            elif value.__class__ is Percent:
                fraction.value = value
                values.append(fraction)
            elif cell is None:
                values.append(value)
            else:
                cell.value = value
                values.append(cell)
        ws.append(values)
        count += 1
    if sheet.filters and columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    if sheet.chart is not None and count:
        ws.add_chart(sheet.chart(ws), f"{get_column_letter(len(columns) + 2)}2")
    return count


def _escaped(value: str, key: str, row: dict) -> str:
    text = escape(value)
    if len(text) > CELL_LIMIT:  # a text of thousands of control characters, each written as 7
        where = f"{row['ref']}: " if row.get("ref") else ""
        raise TskError(msg.CELL_TOO_LONG, where=where, key=key, length=len(text), most=CELL_LIMIT)
    return text


def _template(ws: Any, kind: str, *, quoted: bool = False) -> Any:
    """A styled cell a column's values are written through; None where plain values do."""
    if kind not in FORMATS and not quoted:
        return None
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
    if quoted:
        cell.quotePrefix = True
    return cell


def _width(column: Col, sample: list[dict]) -> float:
    """Characters, as Excel counts them (a Chinese character takes two): the widest of the
    heading and the sampled values, within MIN_WIDTH and MAX_WIDTH."""
    from tsk.render.textable import width_of

    widest = width_of(column.header)
    shown = SHOWN_WIDTH.get(column.kind)
    for row in sample:
        value = row.get(column.key)
        if value is None or value == "":
            continue
        if shown is not None or value.__class__ is Percent:
            widest = max(widest, shown or SHOWN_WIDTH[PERCENT])
            continue
        text = value if value.__class__ is str else ";".join(value) if isinstance(value, list) else \
            f"{value:.2f}" if column.kind == AMOUNT else str(value)
        widest = max(widest, max(map(width_of, text.splitlines() or [""])))
    return max(MIN_WIDTH, min(MAX_WIDTH, widest)) + 2


def lines_sheet(name: str, title: str, lines: Iterable[str]) -> Sheet:
    """A sheet of text lines under a title in bold (a report's title, period, notes)."""
    return Sheet(name, [Col("line", title, TEXT, width=100)], ({"line": line} for line in lines), filters=False)

