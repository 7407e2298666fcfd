"""Background operations: the one way the window runs long work (as Anki's CollectionOp).

``fn(progress, cancelled)`` runs in a worker thread: ``progress(done, total)`` moves the
dialog's bar, ``cancelled()`` turns True once « Annuler » was pressed (the work stops
where it can: cancelling is cooperative). Two ways to wait for it:

- :func:`run` waits in a local event loop and returns the result or raises the error;
  a window-modal :class:`ProgressDialog` appears only if the work is still running after
  a short delay. With ``catalogue``, what the work commits reaches the catalogue's
  listeners on this thread, so the window's undo stack gets its step as for a write
  made here.
- :func:`start` returns at once; ``on_done`` / ``on_failed`` are called on this thread.
  ``quiet`` runs without any dialog, for work the person must not wait for (the list's
  text search, the dashboard's figures, the map's page).

:func:`show_error` says what went wrong in French: a :class:`~eco_desktop.errors.UserError`'s
own sentence, a generic sentence for anything else (the traceback goes to the log, never
on screen). :class:`Change` is the notice an operation gives of what it changed, so that
the window refreshes only that (``MainWindow.apply_changes``).
"""
from __future__ import annotations

import enum
import logging
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from .. import APP_TITLE
from ..errors import UserError
from ..logs import log_path
from .text_safety import message_box, plain_label

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]

# Work done sooner shows no dialog at all: a flash of a dialog reads as a glitch.
DIALOG_DELAY_MS = 400


class Change(enum.Flag):
    """What an operation changed, for the window to refresh only that."""

    NONE = 0
    ACTORS = enum.auto()        # actors' rows: the list, the facet counts, the record shown
    VOCABULARIES = enum.auto()  # labels and colours of kinds, domains, activities
    VIEWS = enum.auto()         # the saved views
    ALL = ACTORS | VOCABULARIES | VIEWS


class Abandoned(Exception):
    """The person cancelled a wait for work that cannot stop: it finishes unseen."""


# --------------------------------------------------------------------------- the worker

class _Runnable(QRunnable):
    def __init__(self, task: "Task") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.task = task

    def run(self) -> None:
        self.task._run()


class Task(QObject):
    """``fn(progress, cancelled)`` in a thread pool.

    ``progress(done, total)`` emits ``progressed``; ``cancelled()`` is True once
    :meth:`cancel` was called (from any thread); what ``fn`` returns is emitted by
    ``finished``, what it raises by ``failed``. The signals reach the thread that created
    the task; a started task stays alive until they are delivered.
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    _started: set["Task"] = set()

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
        """Queue the task in ``pool`` (the global pool by default)."""
        Task._started.add(self)
        self.finished.connect(self._release)  # after the caller's slots
        self.failed.connect(self._release)
        (pool or QThreadPool.globalInstance()).start(self._runnable)

    def _release(self, _outcome: object) -> None:
        Task._started.discard(self)

    def _run(self) -> None:
        try:
            result = self.fn(self.progressed.emit, self._cancel.is_set)
        except BaseException as exc:  # handed to the UI thread, which shows or logs it
            self.failed.emit(exc)
        else:
            self.finished.emit(result)


class ProgressDialog(QProgressDialog):
    """Window-modal, busy until the first progress, shown after ``delay_ms`` and open
    until :meth:`finish`; with ``cancellable`` it has an « Annuler » button, else none."""

    def __init__(self, parent: QWidget | None, title: str, text: str, *, cancellable: bool = True,
                 delay_ms: int = DIALOG_DELAY_MS) -> None:
        super().__init__("", "Annuler" if cancellable else "", 0, 0, parent)
        self.setLabel(plain_label(text))  # the text may quote a file's or a record's name
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        if not cancellable:
            self.setCancelButton(None)
        self.setMinimumDuration(delay_ms)
        self.setAutoClose(False)
        self.setAutoReset(False)
        # Qt shows the dialog after its minimum duration only once a value is set: work
        # that reports no progress (an undo) would otherwise run with no dialog at all.
        self.setValue(0)

    def follow(self, task: Task) -> None:
        """Show ``task``'s progress; « Annuler » (or closing) cancels it."""
        task.progressed.connect(self.show_progress)
        self.canceled.connect(task.cancel)

    @Slot(int, int)
    def show_progress(self, done: int, total: int) -> None:
        if not self.wasCanceled():
            self.setMaximum(max(total, 1))
            self.setValue(min(done, total))

    def finish(self) -> None:
        self.close()
        self.deleteLater()


# --------------------------------------------------------------------------- errors

def error_text(error: BaseException | str, failure: str = "L'opération n'a pas abouti") -> str:
    """What to tell the person: a UserError's (or a string's) own French sentence; for
    anything else ``failure`` and where the details are (logged here, with the traceback)."""
    if isinstance(error, (UserError, str)):
        return str(error)
    log.error("unexpected error in an operation", exc_info=error)
    return (f"{failure} : une erreur inattendue s'est produite. Vos données enregistrées ne sont pas "
            f"touchées. Le détail technique est dans le journal : {log_path()}")


def show_error(parent: QWidget | None, title: str, error: BaseException | str, *,
               failure: str = "L'opération n'a pas abouti", wait: bool = True) -> QMessageBox:
    """A warning box saying :func:`error_text`; ``wait``: modal until closed, else opened
    and returned."""
    box = message_box(QMessageBox.Icon.Warning, title, error_text(error, failure), QMessageBox.StandardButton.Ok,
                      parent)
    box.button(QMessageBox.StandardButton.Ok).setText("OK")
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 360px; }")
    if wait:
        box.exec()
    else:
        box.open()
    return box


# --------------------------------------------------------------------------- waiting for it

def run(parent: QWidget | None, text: str, fn: Work, *, title: str = APP_TITLE, cancellable: bool = False,
        wait_after_cancel: bool = True, catalogue=None, delay_ms: int = DIALOG_DELAY_MS,
        busy_cursor: bool = False, started: Callable[[Task, ProgressDialog], None] | None = None) -> Any:
    """Run ``fn(progress, cancelled)`` in a :class:`Task` behind a :class:`ProgressDialog`,
    waiting in a local event loop; return its result or raise its exception.

    ``cancellable``: « Annuler » cancels the task and says « Annulation… »; unless
    ``wait_after_cancel``, the wait then ends at once with :class:`Abandoned`.
    ``catalogue``: while the task runs, that catalogue's listeners are called on this
    thread (see :func:`listeners_on_this_thread`). ``busy_cursor``: the wait cursor meanwhile.
    ``started(task, dialog)`` is called just before the task starts.
    """
    task = Task(fn)
    dialog = ProgressDialog(parent, title, text, cancellable=cancellable, delay_ms=delay_ms)
    dialog.follow(task)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    task.finished.connect(lambda result: (outcome.setdefault("result", result), loop.quit()))
    task.failed.connect(lambda error: (outcome.setdefault("error", error), loop.quit()))

    def cancel() -> None:
        dialog.setLabelText("Annulation…")
        if not wait_after_cancel:
            outcome["abandoned"] = True
            loop.quit()

    if cancellable:
        dialog.canceled.connect(cancel)
    if busy_cursor:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    with listeners_on_this_thread(catalogue):
        try:
            if started is not None:
                started(task, dialog)
            task.start()
            if not outcome:
                loop.exec()
        finally:
            if cancellable:
                dialog.canceled.disconnect(cancel)  # closing a progress dialog emits canceled
            dialog.finish()
            if busy_cursor:
                QApplication.restoreOverrideCursor()
    if "abandoned" in outcome:
        raise Abandoned()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


class Operation(QObject):
    """Work started by :func:`start`: ``task`` and, unless quiet, ``dialog`` while it runs.
    ``running`` until its callback was called; :meth:`cancel` asks the work to stop."""

    def __init__(self, task: Task, dialog: ProgressDialog | None) -> None:
        super().__init__()
        self.task, self.dialog = task, dialog
        self.running = True

    def cancel(self) -> None:
        self.task.cancel()

    def is_cancelled(self) -> bool:
        return self.task.is_cancelled()

    def _end(self) -> None:
        self.running = False
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog = None


def start(parent: QWidget | None, fn: Work, *, on_done: Callable[[Any], None],
          on_failed: Callable[[BaseException], None] | None = None, text: str = "", title: str = APP_TITLE,
          quiet: bool = False, cancellable: bool = True, delay_ms: int = DIALOG_DELAY_MS,
          pool: QThreadPool | None = None) -> Operation:
    """Start ``fn(progress, cancelled)`` in a worker (in ``pool``, else the global pool) and
    return at once. ``on_done(result)`` or ``on_failed(error)`` is called on this thread
    when it ends, after the progress dialog closed; without ``on_failed`` an error is
    shown by :func:`show_error` (titled ``title``). ``quiet``: no dialog (nothing
    modal: the person keeps working meanwhile)."""
    task = Task(fn)
    dialog = None if quiet else ProgressDialog(parent, title, text, cancellable=cancellable, delay_ms=delay_ms)
    operation = Operation(task, dialog)
    if dialog is not None:
        dialog.follow(task)

    def done(result: Any) -> None:
        operation._end()
        on_done(result)

    def failed(error: BaseException) -> None:
        operation._end()
        if on_failed is not None:
            on_failed(error)
        else:
            show_error(parent, title, error, wait=False)

    task.finished.connect(done)
    task.failed.connect(failed)
    task.start(pool)
    return operation


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
