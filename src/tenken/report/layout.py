"""Tables that fit the terminal they are drawn on (80, 100, 120, 160 columns, a resized window).

A table is given as layouts, the fullest first: each a list of columns, the later ones with columns
dropped (or merged) in the order that matters least. Drawn, it takes the first layout whose columns fit
the width at hand, and gives what is left over to the columns that wrap. A column that does not wrap
(a port, an IMEI, a level) is never cut. A column that wraps (a phone, a reason) breaks its cells at
their words, never cuts a word of narrow characters, and never leaves one character alone on a line
(「所有者ロックあ」「り」 reads as a cut); Japanese, which has no spaces, folds between characters. Nothing
is cut to "i…". Widths are rich's cell widths: East Asian wide characters count two.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

MIN_FLOOR = 8  # the least a wrapping column gets (when its content is wider)
WORD_CAP = 12  # the floor of a wrapping column follows its longest word up to this many cells


@dataclass(slots=True)
class Column:
    """A column: its heading and one cell per row. `wrap`: its cells wrap (phone, reason); else they
    keep one line and their full width."""

    header: Text
    cells: list[RenderableType] = field(default_factory=list)
    wrap: bool = False
    justify: JustifyMethod = "left"


class FittedTable:
    """A rich renderable: the first of `layouts` that fits the width it is drawn at (the last one when
    none does). `empty`: a line drawn under the table when it has no rows."""

    def __init__(self, layouts: Sequence[Sequence[Column]], *, empty: Text | None = None) -> None:
        if not layouts:
            raise ValueError("a fitted table needs at least one layout")
        self.layouts = layouts
        self.empty = empty

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.fit(console, options)
        if self.empty is not None and not any(column.cells for column in self.layouts[0]):
            yield self.empty

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = _Widest(console, options)
        narrowest, fullest = self.layouts[-1], self.layouts[0]
        least = _measure(console, options, narrowest, [widest.floor(column) for column in narrowest])
        most = _measure(console, options, fullest, [widest.natural(column) for column in fullest])
        return Measurement(least, max(least, most)).clamp(max_width=options.max_width)

    def fit(self, console: Console, options: ConsoleOptions) -> Table:
        """The table for `options.max_width`: the layout chosen, its widths set."""
        widest = _Widest(console, options)
        for columns in self.layouts:
            floors = [widest.floor(column) for column in columns]
            needed = _measure(console, options, columns, floors)
            if needed <= options.max_width:
                break
        naturals = [widest.natural(column) for column in columns]
        return _table(columns, _widths(columns, floors, naturals, options.max_width - needed))


def _table(columns: Sequence[Column], widths: Sequence[int], *, rows: bool = True) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    for column, width in zip(columns, widths, strict=True):
        table.add_column(
            column.header, width=width, no_wrap=not column.wrap, overflow="fold", justify=column.justify
        )
    for index in range(max((len(column.cells) for column in columns), default=0) if rows else 0):
        table.add_row(*(column.cells[index] if index < len(column.cells) else "" for column in columns))
    return table


def _measure(
    console: Console, options: ConsoleOptions, columns: Sequence[Column], widths: Sequence[int]
) -> int:
    """The width of the table with these column widths."""
    table = _table(columns, widths, rows=False)
    return Measurement.get(console, options.update(width=10_000), table).maximum


class _Widest:
    """Each column's longest word and widest line (its heading included), measured once per drawing."""

    def __init__(self, console: Console, options: ConsoleOptions) -> None:
        self.console = console
        self.options = options
        self._known: dict[int, tuple[int, int]] = {}

    def natural(self, column: Column) -> int:
        return self._of(column)[1]

    def floor(self, column: Column) -> int:
        """A fixed column: its widest cell. A wrapping one: its longest word, at least MIN_FLOOR and at
        most WORD_CAP cells, and its heading whole (and never more than its widest cell)."""
        longest_word, natural = self._of(column)
        if not column.wrap:
            return natural
        return min(natural, max(MIN_FLOOR, min(longest_word, WORD_CAP), column.header.cell_len))

    def _of(self, column: Column) -> tuple[int, int]:
        if id(column) not in self._known:
            self._known[id(column)] = _widest(self.console, self.options, column)
        return self._known[id(column)]


def _widest(console: Console, options: ConsoleOptions, column: Column) -> tuple[int, int]:
    """The column's longest word and its widest line, in cells (its heading included)."""
    measured = [Measurement.get(console, options, cell) for cell in [column.header, *column.cells]]
    return max(each.minimum for each in measured), max(each.maximum for each in measured)


def _widths(
    columns: Sequence[Column], floors: Sequence[int], naturals: Sequence[int], spare: int
) -> list[int]:
    """The width of each column: a fixed one its own; a wrapping one starts at the widest width at or
    below its floor (not below MIN_FLOOR, nor its heading) that breaks none of its cells badly; then,
    while `spare` cells allow, the column that lacks most steps up to its next width that breaks none
    (its full width always does)."""
    widths = list(floors)
    good: dict[int, list[int]] = {}
    for index, column in enumerate(columns):
        if not column.wrap:
            continue
        texts = [cell.plain for cell in [column.header, *column.cells] if isinstance(cell, Text)]
        good[index] = [
            width
            for width in range(
                max(min(floors[index], MIN_FLOOR), column.header.cell_len), naturals[index] + 1
            )
            if width == naturals[index] or not any(_breaks_badly(text, width) for text in texts)
        ]
        fitting = [width for width in good[index] if width <= floors[index]]
        widths[index] = fitting[-1] if fitting else floors[index]
        spare += floors[index] - widths[index]
    while True:
        steps = {
            index: min(width for width in good[index] if width > widths[index])
            for index in good
            if widths[index] < naturals[index]
        }
        affordable = [index for index, width in steps.items() if width - widths[index] <= spare]
        if not affordable:
            break
        chosen = max(affordable, key=lambda index: naturals[index] - widths[index])
        spare -= steps[chosen] - widths[chosen]
        widths[chosen] = steps[chosen]
    return widths


@functools.lru_cache(maxsize=8192)
def _breaks_badly(text: str, width: int) -> bool:
    """Wrapped at `width`, `text` cuts a word of narrow characters, or leaves one character alone on a
    line. (Cached: the live board draws the same phones and reasons a few times a second.)"""
    if len(text.strip()) < 2:
        return False
    if any(cell_len(word) > width and cell_len(word) == len(word) for word in text.split()):
        return True
    lines = Text(text).wrap(_CONSOLE, width, overflow="fold")
    return len(lines) > 1 and any(len(line.plain.strip()) == 1 for line in lines)


_CONSOLE = Console(file=io.StringIO(), width=10_000)  # wraps text for _breaks_badly; never prints


class Flow:
    """Parts on a line, `separator` between them, that break between parts only (a count never leaves
    its word: 「販売不可」 and 「3」 stay together), each line at most the width it is drawn at."""

    def __init__(self, parts: Sequence[Text], separator: str = " · ") -> None:
        self.parts = parts
        self.separator = separator

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        line = Text()
        for part in self.parts:
            if line and line.cell_len + cell_len(self.separator) + part.cell_len > width:
                yield line
                line = Text()
            if line:
                line.append(self.separator)
            line.append_text(part)
        if line:
            yield line
