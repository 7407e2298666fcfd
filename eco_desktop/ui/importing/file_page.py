"""First step: the file, its sheet, and whether its first row names the columns."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWizardPage)

from ...errors import UserError
from ...french import count
from ...importer import read_table
from ..settings import settings
from .common import FILE_FILTER, KEY_LAST_DIR, error_label, note_label
if TYPE_CHECKING:
    from . import ImportWizard

DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Fichier à importer")
        self.setSubTitle("Un classeur Excel (.xlsx) ou un fichier CSV/TSV : une ligne par acteur, ou "
                         "une ligne par contact avec sa structure.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choisissez un fichier…")
        self.path_edit.editingFinished.connect(self.load)
        self.button_browse = QPushButton("Parcourir…")
        self.button_browse.clicked.connect(self.browse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.sheet_label = QLabel("Feuille :")
        # None: the reader looks; True/False once the person has said.
        self.header_choice: bool | None = None
        self.header_check = QCheckBox("La première ligne contient les noms des colonnes")
        self.header_check.setToolTip(
            "Décochez si le fichier commence directement par des données : sa première ligne "
            "sera importée comme les autres et les colonnes nommées A, B, C…")
        self.header_check.clicked.connect(self._header_clicked)
        self.info_label = note_label()
        self.header_note = note_label()
        self.header_note.setStyleSheet("color: #b35900;")
        self.error_label = error_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.button_browse)
        sheet = QHBoxLayout()
        sheet.addWidget(self.sheet_label)
        sheet.addWidget(self.sheet_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(sheet)
        layout.addWidget(self.header_check)
        layout.addWidget(self.info_label)
        layout.addWidget(self.header_note)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self._show_sheets([])
        self.header_check.setVisible(False)

    _loaded: tuple[str, str | None, bool | None] | None = None

    def browse(self) -> None:
        folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Importer un fichier", folder, FILE_FILTER)
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))
        self.sheet_combo.clear()
        self.header_choice = None  # another file: look again
        self.load()

    def _show_sheets(self, names: list[str]) -> None:
        visible = len(names) > 0
        self.sheet_label.setVisible(visible)
        self.sheet_combo.setVisible(visible)

    def _sheet_chosen(self, _index: int) -> None:
        self.header_choice = None  # each sheet has its own header, or none
        self.load()

    def _header_clicked(self, checked: bool) -> None:
        self.header_choice = checked
        self.load()

    def load(self) -> None:
        text = self.path_edit.text().strip()
        sheet = self.sheet_combo.currentText() or None
        if self.wiz.table is not None and (text, sheet, self.header_choice) == self._loaded:
            return  # editingFinished also fires when the field merely loses focus
        self._loaded = (text, sheet, self.header_choice)
        self.wiz.table = None
        self.wiz.mapping = None
        self.wiz.plan = None
        self.info_label.clear()
        self.header_note.clear()
        self.error_label.clear()
        if not text:
            self._show_sheets([])
            self.header_check.setVisible(False)
            self.completeChanged.emit()
            return
        try:
            table = read_table(text, sheet, header=self.header_choice)
        except UserError as exc:
            self.error_label.setText(str(exc))
            if sheet is None:
                self._show_sheets([])
            self.header_check.setVisible(False)
            self.completeChanged.emit()
            return
        self.wiz.table = table
        self.wiz.path = Path(text)
        self._loaded = (text, table.sheet, self.header_choice)
        settings().setValue(KEY_LAST_DIR, str(Path(text).parent))
        if table.sheet_names and self.sheet_combo.count() != len(table.sheet_names):
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(table.sheet_names)
            self.sheet_combo.setCurrentText(table.sheet or "")
            self.sheet_combo.blockSignals(False)
        self._show_sheets(table.sheet_names)
        self.header_check.setVisible(True)
        self.header_check.setChecked(table.header_row > 0)
        detail = [f"{count(len(table), 'ligne')} de données, {count(len(table.headers), 'colonne')}",
                  f"en-tête en ligne {table.header_row}" if table.header_row else "sans ligne d'en-tête"]
        if table.format == "csv":
            delimiter = DELIMITER_NAMES.get(table.delimiter, table.delimiter)
            detail.append(f"encodage {table.encoding}, séparateur {delimiter}")
        self.info_label.setText("Fichier lu : " + " ; ".join(detail) + ".")
        if table.header_guessed:
            self.header_note.setText(
                "La première ligne ressemble à des données (numéros, codes postaux, e-mails…) "
                "et ne nomme aucune colonne connue : elle est importée comme une ligne, et les "
                "colonnes sont nommées A, B, C… Cochez la case ci-dessus si c'est un en-tête.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.table is not None
