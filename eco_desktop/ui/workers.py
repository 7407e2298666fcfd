"""Background work for the UI: a job in a thread pool, a wait behind a progress dialog,
and the relay of the catalogue's commit notifications to the UI thread.

The catalogue is thread-safe, but its listeners (the window's undo stack, the views)
touch Qt objects: a commit made by a worker reaches them through :class:`CatalogueRelay`.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from .text_safety import plain_label

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]


class Abandoned(Exception):
    """The person cancelled a wait for work that cannot stop: it finishes unseen."""


class _Runnable(QRunnable):
    def __init__(self, job: "Job") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.job = job

    def run(self) -> None:
        self.job._run()


class Job(QObject):
    """``fn(progress, cancelled)`` in a thread pool.

    ``progress(done, total)`` emits ``progressed``; ``cancelled()`` is True once
    :meth:`cancel` was called (from any thread); what ``fn`` returns is emitted by
    ``finished``, what it raises by ``failed``. The signals reach the thread that created
    the job; a started job stays alive until they are delivered.
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    _started: set["Job"] = set()

    def __init__(self, fn: Work) -> None:
        super().__init__()
        self.fn = fn
        self._cancel = threading.Event()
        self._runnable = _Runnable(self)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self, pool: QThreadPool | None = None) -> None:
        """Queue the job in ``pool`` (the global pool by default)."""
        Job._started.add(self)
        self.finished.connect(self._release)  # after the caller's slots
        self.failed.connect(self._release)
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def _release(self, _outcome: object) -> None:
        Job._started.discard(self)

    def _run(self) -> None:
        try:
            result = self.fn(self.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # handed to the UI thread, which shows or logs it
            self.failed.emit(exc)
        else:
            self.finished.emit(result)


class ProgressDialog(QProgressDialog):
    """Window-modal, busy until the first progress, open until :meth:`finish`; with
    ``cancellable`` it has an "Annuler" button, else none."""

    def __init__(self, parent: QWidget | None, title: str, text: str, *, cancellable: bool = True,
                 minimum_duration: int = 400) -> None:
        super().__init__("", "Annuler" if cancellable else "", 0, 0, parent)
        self.setLabel(plain_label(text))  # the text may quote a file's or a record's name
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        if not cancellable:
            self.setCancelButton(None)
        self.setMinimumDuration(minimum_duration)
        self.setAutoClose(False)
        self.setAutoReset(False)
        # Qt shows the dialog after minimum_duration only once a value is set: a job that
        # reports no progress (an undo) would otherwise run with no dialog at all.
        self.setValue(0)

    def follow(self, job: Job) -> None:
        """Show ``job``'s progress; "Annuler" (or closing) cancels it."""
        job.progressed.connect(self.show_progress)
        self.canceled.connect(job.cancel)

    @Slot(int, int)
    def show_progress(self, done: int, total: int) -> None:
        if not self.wasCanceled():
            self.setMaximum(max(total, 1))
            self.setValue(min(done, total))

    def finish(self) -> None:
        self.close()
        self.deleteLater()


def run_with_progress(parent: QWidget | None, title: str, text: str, fn: Work, *,
                      cancellable: bool = False, wait_after_cancel: bool = True, catalogue=None,
                      minimum_duration: int = 300,
                      started: Callable[[Job, ProgressDialog], None] | None = None) -> Any:
    """Run ``fn(progress, cancelled)`` in a :class:`Job` behind a :class:`ProgressDialog`,
    waiting in a local event loop; return its result or raise its exception.

    ``cancellable``: "Annuler" cancels the job and says "Annulation…"; unless
    ``wait_after_cancel``, the wait then ends at once with :class:`Abandoned`.
    ``catalogue``: while the job runs, that catalogue's listeners are called on this
    thread (see :func:`listeners_on_this_thread`). ``started(job, dialog)`` is called
    just before the job starts.
    """
    job = Job(fn)
    dialog = ProgressDialog(parent, title, text, cancellable=cancellable, minimum_duration=minimum_duration)
    dialog.follow(job)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    job.finished.connect(lambda result: (outcome.setdefault("result", result), loop.quit()))
    job.failed.connect(lambda error: (outcome.setdefault("error", error), loop.quit()))

    def cancel() -> None:
        dialog.setLabelText("Annulation…")
        if not wait_after_cancel:
            outcome["abandoned"] = True
            loop.quit()

    if cancellable:
        dialog.canceled.connect(cancel)
    with listeners_on_this_thread(catalogue):
        try:
            if started is not None:
                started(job, dialog)
            job.start()
            if not outcome:
                loop.exec()
        finally:
            if cancellable:
                dialog.canceled.disconnect(cancel)  # closing a progress dialog emits canceled
            dialog.finish()
    if "abandoned" in outcome:
        raise Abandoned()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


# --------------------------------------------------------------------------- listeners

class CatalogueRelay(QObject):
    """A catalogue's commit notifications ``(label, undoable)``, made on whatever thread
    committed, as ``written(label, undoable)`` on this object's thread, always after the
    commit (queued). :meth:`attach` follows one catalogue at a time; the relay stops
    listening when its parent is destroyed."""

    written = Signal(str, bool)
    _committed = Signal(str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = None
        self._committed.connect(self.written, Qt.ConnectionType.QueuedConnection)
        if parent is not None:
            parent.destroyed.connect(self.detach)

    def listener(self, label: str, undoable: bool) -> None:
        """The callable in ``catalogue.listeners``."""
        try:
            self._committed.emit(label, undoable)
        except RuntimeError:  # the relay's owner is gone
            pass

    def attach(self, catalogue) -> None:
        """Listen to ``catalogue`` (None: to none), no longer to the previous one."""
        if catalogue is self.catalogue:
            return
        self.detach()
        if catalogue is not None:
            catalogue.listeners.append(self.listener)
            self.catalogue = catalogue

    def detach(self) -> None:
        if self.catalogue is not None:
            try:
                self.catalogue.listeners.remove(self.listener)
            except ValueError:
                pass
            self.catalogue = None


@contextmanager
def listeners_on_this_thread(catalogue) -> Iterator[None]:
    """While the body runs (a worker commits), ``catalogue``'s listeners are replaced by
    a relay that calls them on this thread; they are put back afterwards."""
    if catalogue is None:
        yield
        return
    saved = list(catalogue.listeners)
    relay = CatalogueRelay()
    relay.written.connect(lambda label, undoable: [listener(label, undoable) for listener in saved])
    catalogue.listeners[:] = [relay.listener]
    try:
        yield
    finally:
        catalogue.listeners[:] = saved
