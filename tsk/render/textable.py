"""A plain-text table writer for the commands typed many times a day.

Drawing a 50-row table with rich costs ~100 ms and importing it ~25 ms — more than the rest
of `tsk list` together — so the everyday tables are laid out here: display widths that know
a Chinese character takes two cells, wrapping of free-text columns when the terminal is too
narrow, colour by ANSI codes only on a terminal that wants it (NO_COLOR is honoured).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import IO, TextIO
from unicodedata import combining, east_asian_width

GAP = "   "
MARGIN = " "
PROSE_NARROWEST = 20  # cells
SPOOL_ROWS = 2000  # rows a table holds in memory while measuring; beyond, they wait in a temporary file
ANSI = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "bold red": "1;31", "dim": "2"}


class _ExtraCells(dict):
    """Character -> cells beyond one: 1 for wide and full-width, -1 for combining marks, else
    0; looked up once per distinct character, then summed at C speed."""

    def __missing__(self, ch: str) -> int:
        extra = self[ch] = -1 if combining(ch) else 1 if east_asian_width(ch) in "WF" else 0
        return extra


_EXTRA_CELLS = _ExtraCells()


def width_of(text: str) -> int:
    """Terminal cells: wide and full-width characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    return len(text) + sum(map(_EXTRA_CELLS.__getitem__, text))


def pad(text: str, width: int, justify: str = "left") -> str:
    gap = " " * max(0, width - width_of(text))
    return gap + text if justify == "right" else text + gap


def wrap(text: str, width: int, prose: bool = True) -> list[str]:
    """Break text into lines of at most `width` cells, at spaces when there are any; prose also
    between Chinese characters, as Chinese text breaks (a name such as 越秀支行 does not)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in (_words(paragraph) if prose else _spaced(paragraph)):
            w = width_of(word)
            if used + w > width and line:
                lines.append(line.rstrip())
                line, used = "", 0
                word = word.lstrip()
                w = width_of(word)
            while w > width:  # a word longer than the column is cut by cells
                head, rest = _cut(word, width)
                lines.append(head)
                word, w = rest, width_of(rest)
            line += word
            used += w
        lines.append(line.rstrip())
    return lines


NO_LINE_START = frozenset("，。、；：？！）】」』》〉”’…")  # Chinese typesetting's line-start prohibition (行首禁则)


def _words(text: str) -> list[str]:
    """Space-separated words (with their leading space), each CJK character its own word."""
    words: list[str] = []
    current = ""
    for ch in text:
        if ch in NO_LINE_START and (current or words):  # ，。） never begin a line: they stay with the word before
            if current:
                current += ch
            else:
                words[-1] += ch
            continue
        if ch == " " or (not ch.isascii() and east_asian_width(ch) in "WF"):
            if current:
                words.append(current)
            current = ch
            if ch != " ":
                words.append(current)
                current = ""
        else:
            current += ch
    if current:
        words.append(current)
    return words


def _spaced(text: str) -> list[str]:
    """Space-separated words, each with its leading space."""
    words = text.split(" ")
    return [words[0], *(" " + w for w in words[1:])]


def longest_word(text: str) -> int:
    """The cells of the widest space-separated word: a name column is never narrower."""
    if " " not in text and "\n" not in text:
        return width_of(text)
    return max(map(width_of, text.replace("\n", " ").split(" ")))


def _cut(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(word):
        used += width_of(ch)
        if used > width:
            return word[:i], word[i:]
    return word, ""


def terminal_width(out: TextIO) -> int:
    """COLUMNS, else the terminal's width, else 160 for a pipe or file (not squeezed to 80)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 20:
        return int(env)
    try:
        if out.isatty():
            return os.get_terminal_size(out.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    return 160


def wants_colour(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):  # set by the pager, or by a user piping into `less -R`
        return True
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def write(
    out: TextIO,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    justify: Sequence[str] | None = None,
    no_wrap: Sequence[bool] | None = None,
    styles: Iterable[str | None] | None = None,
    title: str | None = None,
    caption: str | None = None,
    rule: str = "━",
    show_header: bool = True,
    skip_empty: bool = False,
    prose: Sequence[bool] | None = None,
    drop: Sequence[int] | None = None,
) -> None:
    """Write a table: optional title, header, a rule, rows (coloured by style), caption.

    `rows` (and `styles`, one per row) may be any iterable, read once. The widths need every
    row before the first line is written, so the rows are kept as they are measured, those
    beyond SPOOL_ROWS in a temporary file: a table of 200k rows does not sit in memory.
    With `skip_empty`, an empty table writes nothing, not even its header.

    To fit the terminal, wrappable columns narrow, never below their heading's widest word
    nor, unless `prose`, their widest word (a unit's name is not split); if that is not
    enough, columns are dropped, those with the highest `drop` first (0: kept)."""
    count = len(headers)
    justify = justify or ["left"] * count
    no_wrap = no_wrap or [False] * count
    prose = prose or [False] * count
    drop = drop or [0] * count
    widths = [max([width_of(h) for h in headers[i].split("\n")] if show_header else [0]) for i in range(count)]
    minimums = [max([longest_word(h) for h in headers[i].split("\n")] if show_header else [0]) for i in range(count)]
    words = [i for i in range(count) if not no_wrap[i] and not prose[i]]
    spool = _Spool()
    for row, style in zip(rows, repeat(None) if styles is None else styles):
        for i, value in enumerate(row):
            if "\n" in value:
                widths[i] = max(widths[i], *(width_of(part) for part in value.split("\n")))
            elif (w := width_of(value)) > widths[i]:
                widths[i] = w
        for i in words:
            value = row[i]
            if " " in value or "\n" in value:
                minimums[i] = max(minimums[i], longest_word(value))
            elif (w := width_of(value)) > minimums[i]:  # one word: as wide as the cell
                minimums[i] = w
        spool.append((row, style))
    if skip_empty and not spool.count:
        return
    for i in range(count):
        if no_wrap[i]:
            minimums[i] = widths[i]
        elif prose[i]:  # text narrower than this reads badly: the column goes before it gets there
            minimums[i] = max(minimums[i], min(widths[i], PROSE_NARROWEST))
    kept = _kept(minimums, drop, terminal_width(out) - len(MARGIN))
    if len(kept) < count:
        headers, justify = [headers[i] for i in kept], [justify[i] for i in kept]
        no_wrap, prose = [no_wrap[i] for i in kept], [prose[i] for i in kept]
        widths, minimums = [widths[i] for i in kept], [minimums[i] for i in kept]
        spool.columns = kept
    available = terminal_width(out) - len(MARGIN) - len(GAP) * (len(kept) - 1)
    widths = _fit(widths, minimums, no_wrap, available)
    total = sum(widths) + len(GAP) * (len(kept) - 1)
    colour = wants_colour(out)
    lines: list[str] = []
    written = False
    if title:
        lines.append(MARGIN + title)
    if show_header:
        lines.extend(_row_lines(list(headers), widths, justify, no_wrap, prose))
        lines.append(MARGIN + rule * total)
    for row, style in spool:
        for line in _row_lines(list(row), widths, justify, no_wrap, prose):
            lines.append(f"\x1b[{ANSI[style]}m{line}\x1b[0m" if colour and style in ANSI else line)
        if len(lines) >= SPOOL_ROWS:  # written as it goes
            out.write("\n".join(lines) + "\n")
            lines, written = [], True
    if caption:
        lines.append(MARGIN + caption)
    if lines or not written:
        out.write("\n".join(lines) + "\n")


class _Spool:
    """Rows in order: up to SPOOL_ROWS in memory, earlier ones pickled in chunks to an unnamed
    temporary file (owner-only, gone when closed); read back once."""

    def __init__(self) -> None:
        self.count = 0
        self.kept: list = []
        self.file: IO[bytes] | None = None
        self.columns: list[int] | None = None  # the rows' cells read back: these only

    def append(self, item) -> None:
        self.count += 1
        self.kept.append(item)
        if len(self.kept) >= SPOOL_ROWS:
            import pickle
            import tempfile  # only for a long table: start-up time is measured

            if self.file is None:
                self.file = tempfile.TemporaryFile()
            pickle.dump(self.kept, self.file, pickle.HIGHEST_PROTOCOL)
            self.kept = []

    def __iter__(self) -> Iterator:
        if self.columns is None:
            yield from self._all()
            return
        columns = self.columns
        for row, style in self._all():
            yield [row[i] for i in columns], style

    def _all(self) -> Iterator:
        if self.file is not None:
            import pickle

            with self.file:
                self.file.seek(0)
                for _ in range(self.count // SPOOL_ROWS):
                    yield from pickle.load(self.file)
        yield from self.kept


def _kept(minimums: list[int], drop: Sequence[int], available: int) -> list[int]:
    """The columns that fit at their narrowest: those with the highest `drop` go first, one by
    one, while the rest do not fit (a column with drop 0 stays)."""
    kept = list(range(len(minimums)))
    order = sorted((i for i in kept if drop[i]), key=lambda i: -drop[i])
    while order and sum(minimums[i] for i in kept) + len(GAP) * (len(kept) - 1) > available:
        kept.remove(order.pop(0))
    return kept


def _fit(widths: list[int], minimums: list[int], no_wrap: Sequence[bool], available: int) -> list[int]:
    """Shrink the wrappable columns, widest first, until the table fits (never below their
    minimum or 4 cells); fixed columns keep their width."""
    widths = list(widths)
    while sum(widths) > available:
        candidates = [i for i in range(len(widths)) if not no_wrap[i] and widths[i] > max(4, minimums[i])]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _row_lines(values: list[str], widths: list[int], justify: Sequence[str], no_wrap: Sequence[bool],
               prose: Sequence[bool]) -> list[str]:
    cells = [
        value.split("\n") if no_wrap[i]
        else [value.rstrip()] if "\n" not in value and width_of(value) <= widths[i]  # what wrap() returns, sooner
        else wrap(value, widths[i], prose[i])
        for i, value in enumerate(values)
    ]
    height = max(len(c) for c in cells) if cells else 1
    lines = []
    for n in range(height):
        parts = [pad(cells[i][n] if n < len(cells[i]) else "", widths[i], justify[i]) for i in range(len(values))]
        lines.append((MARGIN + GAP.join(parts)).rstrip())
    return lines

