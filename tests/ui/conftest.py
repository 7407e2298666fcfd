"""UI tests run offscreen; QtWebEngine must be imported before the QApplication exists."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses its sandbox as root (containers, CI).
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import PySide6.QtWebEngineWidgets  # noqa: E402,F401

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """Each UI test gets its own QSettings folder: nothing leaks between tests or to the user."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def window(qtbot, catalogue_path):
    """The main window on a fresh copy of the bundled catalogue."""
    from eco_desktop.catalogue import Catalogue
    from eco_desktop.ui.window.main_window import MainWindow

    win = MainWindow(Catalogue.open(catalogue_path))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.editor.revert() if win.editor.is_dirty() else None
    win.close()


@pytest.fixture(scope="session", autouse=True)
def _french_qt_texts(qapp):
    """The tests' application speaks French like the real one (app.create_application)."""
    from eco_desktop.ui.app import install_translations
    install_translations(qapp)


@pytest.fixture(scope="session", autouse=True)
def _delete_widgets_before_qt_goes(qapp):
    """Web pages must be deleted before QtWebEngine's profile, or the process crashes at
    exit ("Release of profile requested but WebEnginePage still not deleted")."""
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qapp.processEvents()
        gc.collect()
