"""Starting the window: environment, QApplication, which catalogue, error dialogs."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from .. import APP_NAME, APP_TITLE, __version__
from .settings import ORGANISATION, settings

log = logging.getLogger(__name__)
_TRANSLATORS: list = []


def prepare_environment() -> None:
    """Chromium refuses its sandbox as root: disable it there (and say so in the log)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ:
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.info("running as root: QtWebEngine sandbox disabled (QTWEBENGINE_DISABLE_SANDBOX=1)")


def create_application(argv: list[str] | None = None):
    prepare_environment()
    # QtWebEngine must be imported before the QApplication exists.
    import PySide6.QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    install_translations(app)
    from .theme import app_icon
    app.setWindowIcon(app_icon())
    return app


def install_translations(app) -> bool:
    """Qt's own texts in French: line edits' context menu, standard buttons, file dialog.

    The translator is parented to the application and kept in a module list (an
    uninstalled or collected translator would silently bring English back). Installed
    once per application; returns whether French was loaded."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if any(translator.parent() is app for translator in _TRANSLATORS):
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale(QLocale.Language.French, QLocale.Country.France), "qtbase", "_", folder):
        log.warning("Qt's French translations not found in %s: Qt's own texts stay in English", folder)
        return False
    app.installTranslator(translator)
    _TRANSLATORS.append(translator)
    return True


def run_app(db: str | None = None) -> int:
    app = create_application()
    install_excepthook()
    from ..errors import UserError
    from ..opening import open_catalogue
    from .window import MainWindow
    from .text_safety import critical

    last = settings().value("catalogue/last", "", type=str) or None
    catalogue = None
    failed: tuple[Path, UserError] | None = None
    try:
        catalogue = open_catalogue(db, last_opened=last)
    except UserError as exc:
        from ..opening import resolve
        path, _default = resolve(db, last_opened=last)
        if not path.is_file():
            critical(None, APP_TITLE, str(exc))
            if db:
                return 1
        else:
            failed = (path, exc)
    window = MainWindow(catalogue)
    if failed is not None:
        restored = window.offer_restore(*failed)
        if restored is not None:
            window.set_catalogue(restored)
    window.show()
    code = app.exec()
    # Web pages must go before QtWebEngine's profile does, or Qt crashes on exit.
    from PySide6.QtCore import QCoreApplication, QEvent
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code


def excepthook(exc_type, exc, tb) -> None:
    """The unexpected: traceback to the log, a French sentence on screen."""
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    try:
        from PySide6.QtWidgets import QApplication

        from ..logs import log_path
        from .text_safety import critical
        if QApplication.instance() is not None:
            critical(None, APP_TITLE, "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas "
                                      f"touchées. Le détail technique est dans le journal :\n{log_path()}")
    except Exception:
        pass


def install_excepthook() -> None:
    sys.excepthook = excepthook
