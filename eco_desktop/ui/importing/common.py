"""What the import wizard's pages share: settings keys, page ids, counts, error labels."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from ...errors import UserError
from ...logs import log_path
from ..settings import settings
from ..text_safety import set_plain

log = logging.getLogger("eco_desktop.ui.import_wizard")

KEY_LAST_DIR = "import/last_dir"
FILE_FILTER = "Tableaux (*.xlsx *.xlsm *.csv *.tsv *.txt);;Tous les fichiers (*)"
PAGE_FILE, PAGE_MAPPING, PAGE_PREVIEW, PAGE_CONFIRM, PAGE_SUMMARY = range(5)
ERROR_COLOUR = "#b00020"


def ask_save_path(parent, title: str, name: str, file_filter: str) -> str:
    """The native save dialog, opened in the last import folder on ``name``; "" when cancelled."""
    folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / name), file_filter)
    return path


def error_text(exc: BaseException) -> str:
    """The French sentence for an error of the import; an unexpected one is logged."""
    if isinstance(exc, UserError):
        return str(exc)
    log.error("unexpected error while importing", exc_info=exc)
    return ("L'import a échoué à cause d'une erreur inattendue ; rien n'a été modifié. "
            f"Le détail technique est dans le journal : {log_path()}")


def error_label() -> QLabel:
    """Errors quote the file's name, cells and headers: plain text."""
    label = set_plain(QLabel(), bounded=True)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def note_label() -> QLabel:
    """A plain, wrapping label for what the wizard explains (it may quote the file)."""
    label = set_plain(QLabel(), bounded=True)
    label.setWordWrap(True)
    return label
