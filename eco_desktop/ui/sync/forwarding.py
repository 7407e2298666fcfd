"""A catalogue's listeners called on the window's thread while a quiet sync commits in a
worker (the window's undo stack, the panels' refresh: Qt objects of that thread).

``operations.run`` does this for the time it waits, by replacing the whole list and putting it
back; a quiet sync ends at any moment, maybe while another operation has the list replaced, so
here each listener is wrapped in place and unwrapped where it is found: a wrapper left behind
by another operation's restore still calls its listener rightly, on the right thread.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, Signal

__all__ = ["Forwarder", "detach"]


class Forwarder(QObject):
    """Calls a listener on this object's thread when another thread committed."""

    call = Signal(object, str, bool)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, listener, label: str, undoable: bool) -> None:
        listener(label, undoable)

    def wrap(self, listener):
        """``listener`` called on this thread, directly when already on it."""
        if getattr(listener, "forwarded", None) is not None:
            return listener

        def forwarded(label: str, undoable: bool) -> None:
            if QThread.currentThread() is self.thread():
                listener(label, undoable)
            else:
                self.call.emit(listener, label, undoable)
        forwarded.forwarded = listener
        return forwarded

    def attach(self, catalogue) -> None:
        """Wrap every listener of ``catalogue`` (see the module)."""
        catalogue.listeners[:] = [self.wrap(listener) for listener in catalogue.listeners]


def detach(catalogue) -> None:
    """The listeners of ``catalogue`` as they were, wherever a wrapper is found."""
    catalogue.listeners[:] = [getattr(listener, "forwarded", None) or listener for listener in catalogue.listeners]
