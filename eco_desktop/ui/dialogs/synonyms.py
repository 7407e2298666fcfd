"""Outils → Vocabulaires → « Synonymes »: the search's synonyms table (issue 18), listed,
added, edited and deleted; each change written at once and undoable, checked by the
catalogue (a French message says why one is refused)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLineEdit,
    QPushButton, QRadioButton, QTableWidget, QVBoxLayout, QWidget,
)

from ...vocab import FACET_LABELS, VOCABULARIES
from . import common
from ..text_safety import display_text, escape_tooltip, plain_label
from .cells import table_cell

if TYPE_CHECKING:
    from .vocab import VocabularyDialog

ID_ROLE = Qt.ItemDataRole.UserRole
TERM, MEANS, NOTE = range(3)
INTRO = ("Un synonyme élargit la recherche : taper le terme trouve aussi ce qu'il signifie (une valeur "
         "de vocabulaire, par son libellé actuel, ou une expression) et les autres termes qui signifient "
         "la même chose. Il n'exclut jamais rien.")


def value_choices(catalogue) -> list[tuple[str, str]]:
    """(``vocabulary:slug``, « Domaine : Thérapie génique ») of every vocabulary value."""
    return [(f"{name}:{slug}", f"{FACET_LABELS[name]} : {label}")
            for name in VOCABULARIES for slug, label in catalogue.vocabulary(name).items()]


class SynonymEditor(QDialog):
    """The fields of one synonym: its term, what it means (a vocabulary value or a phrase),
    its note."""

    def __init__(self, parent: QWidget, catalogue, row: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Modifier le synonyme" if row else "Ajouter un synonyme")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.term = QLineEdit(row["term"] if row else "")
        self.term.setPlaceholderText("ce que l'on tape : CDMO, Big pharma…")
        form.addRow("Terme :", self.term)
        self.is_value = QRadioButton("une valeur de vocabulaire")
        self.is_phrase = QRadioButton("une expression")
        group = QButtonGroup(self)
        group.addButton(self.is_value)
        group.addButton(self.is_phrase)
        self.value = QComboBox()
        for means, text in value_choices(catalogue):
            self.value.addItem(display_text(text, limit=120), means)
        self.phrase = QLineEdit()
        self.phrase.setPlaceholderText("vecteur viral, cellules souches pluripotentes induites…")
        means = row["means"] if row else ""
        found = self.value.findData(means)
        if found >= 0 or not means:
            self.is_value.setChecked(True)
            self.value.setCurrentIndex(max(0, found))
        else:
            self.is_phrase.setChecked(True)
            self.phrase.setText(means)
        value_row, phrase_row = QHBoxLayout(), QHBoxLayout()
        value_row.addWidget(self.is_value)
        value_row.addWidget(self.value, 1)
        phrase_row.addWidget(self.is_phrase)
        phrase_row.addWidget(self.phrase, 1)
        form.addRow("Signifie :", value_row)
        form.addRow("", phrase_row)
        self.is_value.toggled.connect(self._update)
        self.note = QLineEdit(row["note"] if row else "")
        self.note.setPlaceholderText("d'où il vient : glossaire de l'étude, usage du domaine…")
        form.addRow("Note :", self.note)
        layout.addLayout(form)
        buttons = common.button_box(common.SB.Ok | common.SB.Cancel, self)
        buttons.button(common.SB.Ok).setText("Enregistrer")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._update()

    def _update(self) -> None:
        self.value.setEnabled(self.is_value.isChecked())
        self.phrase.setEnabled(self.is_phrase.isChecked())

    def values(self) -> tuple[str, str, str]:
        """(term, means, note) as filled in."""
        means = self.value.currentData() if self.is_value.isChecked() else self.phrase.text()
        return self.term.text(), means or "", self.note.text()


class SynonymsTab(QWidget):
    """The synonyms table: term, what it means, note; add, edit (double-click), delete."""

    def __init__(self, dialog: "VocabularyDialog") -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.catalogue = dialog.catalogue
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(INTRO, wrap=True))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Terme", "Signifie", "Note"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TERM, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MEANS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Interactive)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda *_: self.edit_selected())
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton("Ajouter…")
        self.add_button.clicked.connect(self.add_synonym)
        self.edit_button = QPushButton("Modifier…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        selected = self.selected_id()
        rows = self.catalogue.synonyms()
        meanings = dict(value_choices(self.catalogue))
        self.table.setRowCount(len(rows))
        for n, synonym in enumerate(rows):
            means = meanings.get(synonym["means"], f"« {synonym['means']} »")
            for column, text in ((TERM, synonym["term"]), (MEANS, means), (NOTE, synonym["note"])):
                item = table_cell(self.table, n, column)
                item.setText(display_text(text, limit=200))
                item.setToolTip(escape_tooltip(text))
                item.setData(ID_ROLE, synonym["id"])
        if selected is not None:
            self.select(selected)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.table.item(rows.pop(), TERM).data(ID_ROLE) if len(rows) == 1 else None

    def select(self, synonym_id: int) -> None:
        for n in range(self.table.rowCount()):
            if self.table.item(n, TERM).data(ID_ROLE) == synonym_id:
                self.table.selectRow(n)
                self.table.scrollToItem(self.table.item(n, TERM))
                return

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _row(self, synonym_id: int) -> dict[str, Any] | None:
        return next((r for r in self.catalogue.synonyms() if r["id"] == synonym_id), None)

    def _ask(self, row: dict[str, Any] | None, write) -> Any:
        """Open the editor until what it holds is written or it is cancelled (a refused
        synonym's message is shown and the editor comes back as it was filled)."""
        editor = SynonymEditor(self, self.catalogue, row)
        while editor.exec() == QDialog.DialogCode.Accepted:
            result = self.dialog.write(lambda: write(*editor.values()))
            if result is not None:
                return result
        return None

    def add_synonym(self) -> None:
        synonym_id = self._ask(None, self.catalogue.add_synonym)
        if synonym_id is not None:
            self.select(synonym_id)

    def edit_selected(self) -> None:
        synonym_id = self.selected_id()
        row = self._row(synonym_id) if synonym_id is not None else None
        if row is None:
            return
        self._ask(row, lambda term, means, note: self.catalogue.set_synonym(
            synonym_id, term=term, means=means, note=note))
        self.select(synonym_id)

    def delete_selected(self) -> None:
        synonym_id = self.selected_id()
        if synonym_id is not None:
            self.dialog.write(lambda: self.catalogue.delete_synonym(synonym_id))
