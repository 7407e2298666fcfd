"""A catalogue's listeners called on the window's thread while a worker commits, and put
back as they were, even after another operation saved and restored the list meanwhile."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread

from eco_desktop.ui.sync.forwarding import Forwarder, detach


class FakeCatalogue:
    def __init__(self, *listeners) -> None:
        self.listeners = list(listeners)


def test_a_worker_commit_reaches_the_listener_on_the_window_thread(qtbot):
    owner = QObject()
    calls = []
    listener = lambda label, undoable: calls.append((label, undoable, QThread.currentThread()))  # noqa: E731
    catalogue = FakeCatalogue(listener)
    Forwarder(owner).attach(catalogue)
    worker = threading.Thread(target=lambda: [f("Reçu de Bob", True) for f in list(catalogue.listeners)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(calls))
    assert calls == [("Reçu de Bob", True, owner.thread())]
    catalogue.listeners[0]("Ici", False)  # on the window's thread: at once
    assert calls[-1][:2] == ("Ici", False)
    detach(catalogue)
    assert catalogue.listeners == [listener]


def test_wrapping_twice_or_after_a_restore_changes_nothing(qtbot):
    forwarder = Forwarder(QObject())
    listener = lambda label, undoable: None  # noqa: E731
    catalogue = FakeCatalogue(listener)
    forwarder.attach(catalogue)
    saved = list(catalogue.listeners)         # another operation saves the list…
    forwarder.attach(catalogue)
    assert catalogue.listeners == saved        # (no wrapper of a wrapper)
    catalogue.listeners[:] = ["relay"]         # …replaces it while it waits…
    detach(catalogue)                          # (the sync ends: nothing of its own to undo)
    assert catalogue.listeners == ["relay"]
    catalogue.listeners[:] = saved             # …and restores it: the wrapper still works
    detach(catalogue)
    assert catalogue.listeners == [listener]
