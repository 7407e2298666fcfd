"""Driving the window without a person: an offscreen application with throwaway settings,
and running its event loop until something is true. For the benchmark's window probe
(:mod:`eco_desktop.bench.gui_probe`), which thereby imports no Qt itself."""
from __future__ import annotations

import time
from typing import Callable


def application(settings_dir: str):
    """The QApplication (made if there is none), its settings kept in ``settings_dir``;
    QtWebEngine is loaded first, as it must be before the application exists."""
    import PySide6.QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    return QApplication.instance() or QApplication([])


def versions() -> dict[str, str]:
    """Qt's and PySide6's versions, as the benchmark reports them."""
    import PySide6
    from PySide6.QtCore import qVersion
    return {"qt": qVersion(), "pyside": PySide6.__version__}


def wait_until(condition: Callable[[], object], timeout: float) -> None:
    """Run the event loop until ``condition()``. Through a QEventLoop instance: in
    PySide6 6.12, QCoreApplication.processEvents() and sendPostedEvents() drop a
    reference to None at each call, and Python aborts ("none_dealloc") after a few
    thousand calls."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    tick = QTimer()  # wakes the loop up to look at the condition
    tick.start(20)
    flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
    deadline = time.perf_counter() + timeout
    try:
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("délai dépassé")
            loop.processEvents(flags)
    finally:
        tick.stop()


def settle() -> None:
    """Let pending events run for a moment (50 ms at most)."""
    from PySide6.QtCore import QEventLoop
    QEventLoop().processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
