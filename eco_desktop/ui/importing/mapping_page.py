"""Second step: which column feeds which field, seen at a glance, and the default type."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QRadioButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWizardPage)

from ...errors import UserError, os_error_text
from ...french import count
from ...importer import Mapping, detect_kind
from ...importer.headers import guess_fields, header_meaning
from ...importer.mapping import FIELD_LABELS, FIELDS
from ..settings import settings
from ..text_safety import display_text, escape_tooltip
from .common import ERROR_COLOUR, KEY_LAST_DIR, ask_save_path, error_label, note_label
if TYPE_CHECKING:
    from . import ImportWizard

# What identifies a row (Mapping.require_name refuses a mapping without one): marked with
# « * » in the field lists. Contacts need a last name or an e-mail.
REQUIRED = {"actors": ("name", "holder_last_name"), "contacts": ("last_name", "email")}
MAPPED_COLOUR, IGNORED_COLOUR = "#1b7f3b", "#7a7a7a"
COL_STATE, COL_HEADER, COL_MEANING, COL_SAMPLE, COL_FIELD, COL_NOTE = range(6)


def field_label(kind: str, name: str) -> str:
    label = FIELD_LABELS.get(name, name)
    return f"{label} *" if name in REQUIRED[kind] else label


class MappingPage(QWizardPage):
    IGNORE = "(ne pas importer)"
    NO_DEFAULT = "(aucun : le type du fichier, sinon celui que propose son code NAF)"

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Correspondance des colonnes")
        self.setSubTitle("Chaque colonne du fichier alimente un champ du catalogue. Corrigez ce qui a "
                         "été reconnu automatiquement si besoin ; les champs marqués * sont obligatoires.")
        self.radio_actors = QRadioButton("des acteurs (une ligne par structure)")
        self.radio_contacts = QRadioButton("des contacts (une ligne par personne)")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.radio_actors)
        self.kind_group.addButton(self.radio_contacts)
        self.radio_actors.toggled.connect(self._kind_toggled)
        self.default_kind_label = QLabel("Type par défaut :")
        self.default_kind_combo = QComboBox()
        self.default_kind_combo.setToolTip(
            "Le type d'acteur donné aux lignes dont la colonne « Type » est absente, vide ou "
            "porte une valeur inconnue (gardée alors comme étiquette). Sans type par défaut, "
            "le type est proposé d'après le code NAF ou le type de structure (Outils → "
            "Vocabulaires) ; avec un type par défaut, il n'est plus proposé.")
        self.default_kind_combo.activated.connect(self._default_kind_chosen)
        self.counts_label = note_label()
        self.required_label = note_label()
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["", "Colonne du fichier", "Signification", "Exemple",
                                              "Champ du catalogue", "Quand plusieurs colonnes"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_STATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_MEANING, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_SAMPLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        # Which column wins is a sentence: it gets the room left.
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.button_save = QPushButton("Enregistrer la correspondance…")
        self.button_save.clicked.connect(lambda: self.save_mapping())
        self.button_load = QPushButton("Charger…")
        self.button_load.clicked.connect(lambda: self.load_mapping())
        self.error_label = error_label()
        kinds = QHBoxLayout()
        kinds.addWidget(QLabel("Le fichier contient :"))
        kinds.addWidget(self.radio_actors)
        kinds.addWidget(self.radio_contacts)
        kinds.addSpacing(24)
        kinds.addWidget(self.default_kind_label)
        kinds.addWidget(self.default_kind_combo)
        kinds.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_save)
        buttons.addWidget(self.button_load)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.required_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.combos: list[QComboBox] = []

    # -- filling ------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        table = self.wiz.table
        if self.wiz.mapping is None:
            kind = detect_kind(table.headers)
            self.wiz.mapping = Mapping.auto(table.headers, kind, self._custom(kind))
            if table.header_row == 0:  # no names to go by: what the cells look like
                for column, name in guess_fields(table.rows, len(table.headers)).items():
                    self.wiz.mapping.set(column, name)
            self.wiz.default_kind = self.wiz.proposed_default_kind()
        self._fill_default_kinds()
        self._fill()

    def _fill_default_kinds(self) -> None:
        combo = self.default_kind_combo
        combo.clear()
        combo.addItem(self.NO_DEFAULT, None)
        for slug, label in self.wiz.catalogue.vocabulary("kind", include_hidden=False).items():
            combo.addItem(display_text(label), slug)
        combo.setCurrentIndex(max(0, combo.findData(self.wiz.default_kind)))

    def _fill(self) -> None:
        mapping, table = self.wiz.mapping, self.wiz.table
        actors = mapping.kind == "actors"
        self.radio_actors.blockSignals(True)
        (self.radio_actors if actors else self.radio_contacts).setChecked(True)
        self.radio_actors.blockSignals(False)
        self.default_kind_label.setVisible(actors)
        self.default_kind_combo.setVisible(actors)
        self.error_label.clear()
        self.table.setRowCount(len(table.headers))
        self.combos = []
        fields = list(FIELDS[mapping.kind])
        for i, header in enumerate(table.headers):
            self.table.setItem(i, COL_HEADER, QTableWidgetItem(display_text(header)))
            meaning = header_meaning(header) or ""
            self.table.setItem(i, COL_MEANING, QTableWidgetItem(meaning))
            samples = []
            for row in table.rows:
                if i < len(row) and row[i] and row[i] not in samples:
                    samples.append(row[i].replace("\n", " "))
                if len(samples) == 3:
                    break
            sample = QTableWidgetItem(display_text(" · ".join(samples), limit=200))
            sample.setToolTip(escape_tooltip("\n".join(samples)))
            self.table.setItem(i, COL_SAMPLE, sample)
            combo = QComboBox()
            combo.addItem(self.IGNORE, None)
            for name in fields:
                combo.addItem(field_label(mapping.kind, name), name)
            for target, label in mapping.custom_targets.items():  # custom fields, after the others
                combo.addItem(f"{display_text(label, limit=60)} (champ personnalisé)", target)
            chosen = mapping.columns.get(i) or mapping.custom_columns.get(i)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
            combo.currentIndexChanged.connect(lambda _x, column=i, box=combo: self._changed(column, box))
            self.table.setCellWidget(i, COL_FIELD, combo)
            self.combos.append(combo)
        self._show_state()
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for column, most in ((COL_HEADER, 250), (COL_MEANING, 290), (COL_SAMPLE, 170)):
            header.resizeSection(column, min(max(header.sectionSize(column), 80), most))
        self.table.resizeRowsToContents()

    def _show_state(self) -> None:
        """Marks, colours, precedence notes and counts after any change of the mapping."""
        mapping = self.wiz.mapping
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i in range(self.table.rowCount()):
            mapped = i in mapping.columns or i in mapping.custom_columns  # (custom fields' too)
            state = QTableWidgetItem("✔" if mapped else "—")
            state.setForeground(QBrush(QColor(MAPPED_COLOUR if mapped else IGNORED_COLOUR)))
            state.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            state.setToolTip("Colonne importée" if mapped else "Colonne ignorée")
            self.table.setItem(i, COL_STATE, state)
            header = self.table.item(i, COL_HEADER)
            header.setFont(bold if mapped else self.table.font())
            header.setForeground(QBrush(QColor("#000000" if mapped else IGNORED_COLOUR)))
            self.table.item(i, COL_MEANING).setForeground(QBrush(QColor("#444444" if mapped else IGNORED_COLOUR)))
            note_text = mapping.precedence_note(i)
            note = QTableWidgetItem(display_text(note_text))
            note.setToolTip(escape_tooltip(note_text) or "")
            self.table.setItem(i, COL_NOTE, note)
        used = len(mapping.columns) + len(mapping.custom_columns)  # (custom fields' too)
        ignored = len(mapping.headers) - used
        self.counts_label.setText(
            f"✔ {count(used, 'colonne reconnue', 'colonnes reconnues')}, "
            f"— {count(ignored, 'colonne ignorée', 'colonnes ignorées')}.")
        required = REQUIRED[mapping.kind]
        found = [i for i, f in sorted(mapping.columns.items()) if f in required]
        if found:
            columns = ", ".join(f"« {mapping.headers[i]} »" for i in found[:3])
            self.required_label.setStyleSheet("")
            self.required_label.setText(
                f"Champ obligatoire ({self._required_text(mapping.kind)}) : {columns}.")
        else:
            self.required_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.required_label.setText(
                f"Champ obligatoire manquant : choisissez la colonne qui donne "
                f"{self._required_text(mapping.kind)} (marqué *).")

    @staticmethod
    def _required_text(kind: str) -> str:
        return "le nom de l'acteur" if kind == "actors" else "le nom ou l'e-mail du contact"

    # -- changes ------------------------------------------------------------------------
    def _changed(self, column: int, combo: QComboBox) -> None:
        self.wiz.mapping.set(column, combo.currentData())
        self.wiz.plan = None
        self.error_label.clear()
        self._show_state()

    def _default_kind_chosen(self, _index: int) -> None:
        self.wiz.default_kind = self.default_kind_combo.currentData()
        self.wiz.plan = None

    def _kind_toggled(self, actors: bool) -> None:
        kind = "actors" if actors else "contacts"
        if self.wiz.mapping is not None and self.wiz.mapping.kind != kind:
            self.wiz.mapping = Mapping.auto(self.wiz.table.headers, kind, self._custom(kind))
            self.wiz.plan = None
            self._fill()

    def _custom(self, kind: str) -> list[dict]:
        """The catalogue's custom fields a file of this kind may feed (actors')."""
        return self.wiz.catalogue.custom_fields("actor") if kind == "actors" else []

    def save_mapping(self, path: str | None = None) -> Path | None:
        if path is None:
            path = ask_save_path(self, "Enregistrer la correspondance",
                                 f"correspondance-{self.wiz.path.stem}.json", "Correspondance (*.json)")
            if not path:
                return None
        try:
            self.wiz.mapping.save(path)
        except OSError as exc:
            self.error_label.setText(f"Impossible d'écrire « {path} » : {os_error_text(exc)}.")
            return None
        return Path(path)

    def load_mapping(self, path: str | None = None) -> bool:
        if path is None:
            folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, "Charger une correspondance", folder,
                                                  "Correspondance (*.json)")
            if not path:
                return False
        try:
            kind = self.wiz.mapping.kind
            self.wiz.mapping = Mapping.load(path, self.wiz.table.headers, kind, custom=self._custom(kind))
        except UserError as exc:
            self.error_label.setText(str(exc))
            return False
        self.wiz.plan = None
        self._fill()
        return True

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self.wiz.mapping.require_name()
        except UserError as exc:
            self.error_label.setText(str(exc))
            return False
        return True
