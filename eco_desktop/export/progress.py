"""Progress and cancellation of an export, counted in rows."""
from __future__ import annotations

from collections.abc import Callable


class ExportCancelled(Exception):
    """The user cancelled the export; nothing was written under the target name."""


class Progress:
    """Counts rows; every ``step`` rows reports ``progress(done, total)`` and honours
    ``cancelled()``. ``total`` may grow (the contacts are counted once read)."""

    step = 500

    def __init__(self, total: int, progress: Callable[[int, int], None] | None,
                 cancelled: Callable[[], bool] | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled("Export annulé.")

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0:
            if self._progress is not None:
                self._progress(self.done, self.total)
            self.check()

    def finish(self) -> None:
        if self._progress is not None and (self.done % self.step or self.done == 0):
            self._progress(self.done, self.total)
