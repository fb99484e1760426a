"""`tsk export`: every field of every complaint, as CSV, JSON, JSON lines or an Excel workbook,
streamed in ref order (constant memory on any size of ledger). An unmasked export is recorded
first."""

from __future__ import annotations

import csv
import json
from operator import itemgetter
from typing import IO, Any

from tsk import messages as msg
from tsk import views
from tsk.context import Ledger
from tsk.errors import InvalidInput
from tsk.fields import EXPORT_FIELDS
from tsk.render.output import NEUTRALISED_START, for_spreadsheet
from tsk.store import queries as q


def export(ledger: Ledger, filters, out: IO[Any], *, fmt: str = "csv", show_pii: bool = False,
           excel: bool = False) -> int:
    """Write the complaints `filters` selects to `out` (text; bytes for xlsx); returns how many.

    An unmasked export is recorded first (one audit row with the filters and the count).
    """
    if excel and fmt != "csv":
        raise InvalidInput(msg.EXCEL_CSV_ONLY_XLSX if fmt == "xlsx" else msg.EXCEL_CSV_ONLY)
    if fmt == "xlsx":
        from tsk.render import workbook

        workbook.need_openpyxl()  # before anything is recorded or written
    where, params = filters.where()
    if show_pii:
        from tsk.admin import audit

        count = ledger.store.value(q.count_complaints(where), params)
        details = {k: list(v) if isinstance(v, tuple) else v for k, v in filters.as_dict().items()}
        with ledger.store.transaction():  # the audit chain is read and extended at once
            audit(ledger, "export-pii", {**details, "format": fmt, "count": count})
    rows = (views.export_record(row, show_pii=show_pii) for row in ledger.store.stream(q.export_complaints(where), params))
    if fmt == "xlsx":
        sheet = workbook.Sheet(workbook.EXPORT_SHEET, workbook.export_columns(), rows)
        return workbook.save([sheet], out, title="客户投诉台账")
    if fmt == "csv":
        return write_csv(rows, out, excel=excel)
    count = 0
    if fmt == "jsonl":
        for record in rows:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    # One JSON document, streamed: one object per line inside the array.
    out.write("[")
    for record in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(records, out: IO[str], *, excel: bool = False) -> int:
    """`output.write_csv(records, EXPORT_FIELDS, out, excel=excel)`, byte for byte, at twice
    its speed: export values are text, numbers or null (which csv writes as `output.cell`
    does) but for the flags, joined here."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(EXPORT_FIELDS)
    pick = itemgetter(*EXPORT_FIELDS)
    count = 0
    if excel:
        risky, starts, text = NEUTRALISED_START, str.startswith, str  # a cheap test of every cell; the rule on the few it catches
        for record in records:
            record["flags"] = ";".join(record["flags"])
            writer.writerow([for_spreadsheet(v) if v.__class__ is text and starts(v, risky) else v
                             for v in pick(record)])
            count += 1
        return count
    for record in records:
        record["flags"] = ";".join(record["flags"])
        writer.writerow(pick(record))
        count += 1
    return count


