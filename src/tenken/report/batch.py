"""`tenken lookup`'s table for a batch of any size, printed while the batch runs and never held whole.

Rows are printed a few at a time (ROWS_AT_ONCE, or whatever waited PRINT_EVERY seconds) with columns of
fixed width, so the pieces read as one table. A batch of up to EVERY_ROW_LIMIT IMEIs (a day's intake)
lists every IMEI; a larger one lists only the IMEIs that need a look — ×, △, − everywhere, not
established — and closes with a count per status: a shop acts on those rows, and `--json` has every
row. The carriers that could not be read follow, with their reasons, up to PROBLEM_ROWS of them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from rich.console import Console

from tenken.facts import ImeiReport, ImeiStatus, LookupResult, msg
from tenken.report.labels import Lang, label
from tenken.report.terminal import lookup_table, problems_table, said

EVERY_ROW_LIMIT = 1000
ROWS_AT_ONCE = 50
PRINT_EVERY = 1.0  # seconds
PROBLEM_ROWS = 200


class BatchTable:
    def __init__(
        self,
        console: Console,
        carriers: list[str],
        lang: Lang,
        total: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console
        self._carriers = carriers
        self._lang = lang
        self._total = total
        self._clock = clock
        self.every_row = total <= EVERY_ROW_LIMIT
        self.counts: Counter[ImeiStatus] = Counter()
        self._waiting: list[ImeiReport] = []
        self._printed = 0
        self._printed_at = clock()
        self._from_cache = False
        self._problems: list[tuple[str, LookupResult]] = []
        self._more_problems = 0

    def add(self, report: ImeiReport) -> None:
        self.counts[report.status] += 1
        for result in report.results:
            self._from_cache = self._from_cache or result.from_cache
            if not result.outcome.is_mark:
                if len(self._problems) < PROBLEM_ROWS:
                    self._problems.append((report.imei, result))
                else:
                    self._more_problems += 1
        if self.every_row or report.status is not ImeiStatus.CLEAN:
            self._waiting.append(report)
        if len(self._waiting) >= ROWS_AT_ONCE or self._clock() - self._printed_at >= PRINT_EVERY:
            self._print_rows()

    def close(self, *, interrupted: bool = False) -> None:
        """The last rows, then what the rows alone do not say: the cache mark, the counts of a large or
        interrupted batch, and the carriers that could not be read."""
        self._print_rows()
        print_line = self._console.print
        if self._from_cache:
            print_line(label("ui.from_cache", self._lang), style="dim")
        done = sum(self.counts.values())
        if done and (not self.every_row or interrupted):
            counts = [msg("batch.count", count=count, status=status) for status, count in self.counts.items()]
            print_line(said(msg("batch.counts", total=done, counts=counts), self._lang))
        if not self.every_row and self.counts[ImeiStatus.CLEAN]:
            hidden = msg("batch.clean_not_listed", count=self.counts[ImeiStatus.CLEAN], limit=EVERY_ROW_LIMIT)
            print_line(said(hidden, self._lang, "dim"))
        if interrupted:
            print_line(
                said(msg("batch.interrupted", done=done, total=self._total), self._lang, "bold yellow")
            )
        if self._problems:
            print_line(problems_table(self._problems, self._lang))
        if self._more_problems:
            print_line(said(msg("batch.more_problems", count=self._more_problems), self._lang))

    def _print_rows(self) -> None:
        if self._waiting:
            header = self._printed == 0
            self._console.print(
                lookup_table(self._waiting, self._carriers, self._lang, self._console.width, header=header)
            )
            self._printed += len(self._waiting)
            self._waiting.clear()
        self._printed_at = self._clock()
