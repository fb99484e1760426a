"""The one output layer: the same rows rendered as a rich table for people, or as CSV, JSON
or JSON lines for scripts. Tables show Chinese labels; CSV and JSON carry English keys."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

JSON_CHUNK = 1000  # rows laid out at once when a JSON list is written as a stream


class Column:
    """One column of a listing: its key, its Chinese heading, how a table shows the value. (A
    plain class: `list`, `show` and `overdue` build their columns at start-up.)"""

    __slots__ = ("key", "header", "show", "justify", "no_wrap", "prose", "drop")

    def __init__(self, key: str, header: str, show: Callable[[Any], str] | None = None, justify: str = "left",
                 no_wrap: bool = False, prose: bool = False, drop: int = 0) -> None:
        self.key, self.header, self.show = key, header, show  # show: how a table shows the value
        self.justify = justify
        self.no_wrap = no_wrap  # refs and dates stay whole
        self.prose = prose  # free text, which may break between Chinese characters; names never do
        self.drop = drop  # on a narrow terminal, the highest is left out first; 0: always shown


def cell(value: Any) -> str:
    """A value as CSV shows it: empty for null, keys as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


# What makes a spreadsheet run a cell as a formula (OWASP "CSV injection"): `=HYPERLINK(…)`,
# `+cmd|…`, `@SUM(…)`, a phone `+86…` alike. `--excel` CSV is for people.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED_START = (*FORMULA_START, "'")  # what `for_spreadsheet` has to look at more closely


def for_spreadsheet(text: str) -> str:
    """A text cell a spreadsheet shows and never runs: a `'` before one that starts like a
    formula (OWASP's advice), and before one that is already `'` then such a character, so
    that `from_spreadsheet` gives back exactly the text (`tsk import` of an --excel export)."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def from_spreadsheet(text: str) -> str:
    """`for_spreadsheet` undone."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


def write_csv(rows: Iterable[dict], keys: Sequence[str], out: TextIO, *, excel: bool = False) -> int:
    """CSV with a header; `excel`: UTF-8 with a BOM, CRLF, text cells neutralised (for_spreadsheet)."""
    import csv

    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(keys)
    count = 0
    for row in rows:
        values = [row.get(key) for key in keys]
        if excel:
            values = [for_spreadsheet(v) if v.__class__ is str else v for v in values]
        writer.writerow([cell(v) for v in values])
        count += 1
    return count


def json_text(document: Any) -> str:
    import json  # where used: a table is printed without it, ~2 ms less start-up

    return json.dumps(document, ensure_ascii=False, indent=2)


def write_json_list(rows: Iterable[dict], keys: Sequence[str], out: TextIO) -> None:
    """`json_text([{key: row.get(key) for key in keys} for row in rows]) + "\\n"`, byte for byte,
    written JSON_CHUNK rows at a time (so `rows` may be a stream): each chunk is laid out as a
    list by json_text, its brackets traded for the separators between chunks."""
    from itertools import islice

    objects = ({key: row.get(key) for key in keys} for row in rows)
    opening = "[\n"
    while batch := list(islice(objects, JSON_CHUNK)):
        out.write(opening + json_text(batch)[2:-2])  # "[\n" … "\n]" dropped
        opening = ",\n"
    out.write("[]\n" if opening == "[\n" else "\n]\n")


def console(file: TextIO | None = None, *, stderr: bool = False):
    """A rich console; piped output is laid out 160 wide rather than squeezed to 80."""
    import os

    from rich.console import Console

    stream = file or (sys.stderr if stderr else sys.stdout)
    piped = not (hasattr(stream, "isatty") and stream.isatty())
    width = 160 if piped and not os.environ.get("COLUMNS") else None
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def render_table(
    rows: Iterable[dict],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    row_style: Callable[[dict], str | None] | None = None,
    out: TextIO | None = None,
    skip_empty: bool = False,
) -> None:
    """A table for people (plain text, see `tsk.render.textable`), Chinese labels via Column.show.
    `rows` may be a stream, read once; with `skip_empty`, nothing is printed when it is empty."""
    from tsk.render import textable

    styles = None
    if row_style:  # a row's cells and style from one pass: tee holds just the row in between
        from itertools import tee

        rows, styled = tee(rows)
        styles = map(row_style, styled)
    textable.write(
        out or sys.stdout,
        [c.header for c in columns],
        ([(c.show(row.get(c.key)) if c.show else cell(row.get(c.key))) for c in columns] for row in rows),
        justify=[c.justify for c in columns],
        no_wrap=[c.no_wrap for c in columns],
        prose=[c.prose for c in columns],
        drop=[c.drop for c in columns],
        styles=styles,
        title=title,
        caption=caption,
        skip_empty=skip_empty,
    )


def emit(
    rows: Iterable[dict],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    caption: str | None = None,
    row_style: Callable[[dict], str | None] | None = None,
    out: TextIO | None = None,
) -> None:
    """Print rows as a table, CSV (header + keys), JSON (one list) or JSON lines; `rows` may
    be a stream, read once (every format but md writes as it reads)."""
    stream = out or sys.stdout
    keys = [c.key for c in columns]
    if fmt == "table":
        render_table(rows, columns, title=title, caption=caption, row_style=row_style, out=stream)
    elif fmt == "csv":
        write_csv(rows, keys, stream)
    elif fmt == "json":
        write_json_list(rows, keys, stream)
    elif fmt == "jsonl":
        import json

        for row in rows:
            stream.write(json.dumps({k: row.get(k) for k in keys}, ensure_ascii=False) + "\n")
    elif fmt == "md":
        stream.write(markdown_table(rows, columns) + "\n")
    else:  # pragma: no cover - each command declares the formats it takes
        raise ValueError(f"unknown format {fmt}")


def markdown_table(rows: Iterable[dict], columns: Sequence[Column]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    lines = [
        "| " + " | ".join(esc(c.header) for c in columns) + " |",
        "| " + " | ".join("---:" if c.justify == "right" else "---" for c in columns) + " |",
    ]
    for row in rows:
        values = [(c.show(row.get(c.key)) if c.show else cell(row.get(c.key))) for c in columns]
        lines.append("| " + " | ".join(esc(v) for v in values) + " |")
    return "\n".join(lines)
