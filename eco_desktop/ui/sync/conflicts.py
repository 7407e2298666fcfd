"""« Conflits à revoir »: the fields both this catalogue and a colleague changed, and the
edits that met a deletion, in a panel docked under the list. Each row says the record,
the field, both values, who and when; « Garder l'autre valeur » swaps the value kept in
one click — a recorded edit, undone with Ctrl+Z like any other (undo reopens the
conflict) and sent to the team at the next sync."""
from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ... import french
from .. import dates
from ..text_safety import display_text, escape_tooltip, plain_label, set_plain

EMPTY_TEXT = ("Aucun conflit à revoir. Quand vous et un collègue modifiez le même champ d'une fiche avant de "
              "synchroniser, la modification la plus récente est gardée et le conflit apparaît ici, avec les deux "
              "valeurs, pour que vous puissiez choisir l'autre.")
HEADERS = ("Fiche", "Champ", "Votre valeur", "Leur valeur", "De", "Le", "Valeur gardée")
# A value longer than this is shortened in its cell (the tooltip has it whole).
CELL_LIMIT = 120


def shown(value: Any) -> str:
    """A stored value as the person reads it: a list of slugs joined, nothing as « (vide) »."""
    if isinstance(value, str) and value[:1] == "[":
        try:
            value = ", ".join(str(v) for v in json.loads(value))
        except ValueError:
            pass
    text = "" if value is None else str(value)
    return text if text.strip() else "(vide)"


def kept_text(conflict) -> str:
    return f"la leur ({conflict.member})" if conflict.chosen == "theirs" else "la vôtre"


def other_side(conflict) -> str:
    """The ``take`` of « Garder l'autre valeur »: the side the file does not hold."""
    return "mine" if conflict.chosen == "theirs" else "theirs"


class ConflictsPanel(QWidget):
    """The open conflicts of a catalogue (see the module). ``resolve(conflict_id, take)``
    writes the choice (the feature runs it through the window); ``actorChosen`` asks to
    show a record."""

    actorChosen = Signal(int)

    def __init__(self, resolve: Callable[[int, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resolve = resolve
        self.catalogue = None
        self.conflicts: list = []
        self.summary = plain_label("", wrap=True, bounded=True)
        self.empty = plain_label(EMPTY_TEXT, wrap=True, bounded=True)
        self.empty.setStyleSheet("color:#555; padding:12px;")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Conflits à revoir")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.show_actor())

        self.other_button = QPushButton("Garder l'autre valeur")
        self.other_button.setToolTip("Remplacer la valeur gardée par l'autre (Ctrl+Z pour revenir en arrière)")
        self.keep_button = QPushButton("Garder cette valeur")
        self.keep_button.setToolTip("Laisser la valeur gardée et retirer le conflit de la liste")
        self.show_button = QPushButton("Afficher la fiche")
        self.other_button.clicked.connect(lambda: self.choose(other=True))
        self.keep_button.clicked.connect(lambda: self.choose(other=False))
        self.show_button.clicked.connect(self.show_actor)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.show_button, self.keep_button, self.other_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.reload()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # Docked under the list: a few rows high, so the list keeps most of the window.
        return QSize(800, 190)

    # ------------------------------------------------------------------ content
    def set_catalogue(self, catalogue) -> None:
        self.catalogue = catalogue
        self.reload()

    def reload(self) -> None:
        """Read the open conflicts again, keeping the selected one selected if still open."""
        selected = self.selected()
        catalogue = self.catalogue
        self.conflicts = (catalogue.conflicts() if catalogue is not None and catalogue.sync_configured() else [])
        self.table.setRowCount(len(self.conflicts))
        for row, conflict in enumerate(self.conflicts):
            if conflict.is_note:
                values = (conflict.actor_name, conflict.table_label, conflict.note, "", conflict.member,
                          dates.local_day(conflict.at), "")
            else:
                values = (conflict.actor_name, conflict.field_label, shown(conflict.mine), shown(conflict.theirs),
                          conflict.member, dates.local_time(conflict.theirs_at or conflict.at), kept_text(conflict))
            for column, text in enumerate(values):
                item = QTableWidgetItem(display_text(text, limit=CELL_LIMIT))
                item.setToolTip(escape_tooltip(text))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        has = bool(self.conflicts)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        set_plain(self.summary, f"{french.count(len(self.conflicts), 'conflit')} à revoir" if has else "")
        if selected is not None:
            self.select(selected.id)
        elif has:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.conflicts):
            return None
        return self.conflicts[rows[0].row()]

    def select(self, conflict_id: int) -> bool:
        for row, conflict in enumerate(self.conflicts):
            if conflict.id == conflict_id:
                self.table.selectRow(row)
                return True
        return False

    def texts(self) -> list[list[str]]:
        """The table as shown (for the tests)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    # ------------------------------------------------------------------ choosing
    def _update_buttons(self) -> None:
        conflict = self.selected()
        writable = self.catalogue is not None and not self.catalogue.read_only
        self.other_button.setEnabled(writable and conflict is not None and not conflict.is_note)
        self.keep_button.setEnabled(writable and conflict is not None)
        self.keep_button.setText("Vu" if conflict is not None and conflict.is_note else "Garder cette valeur")
        self.show_button.setEnabled(conflict is not None and conflict.actor_id is not None)

    def choose(self, *, other: bool) -> None:
        """Keep the other value (``other``) or the one kept, for the selected conflict."""
        conflict = self.selected()
        if conflict is None:
            return
        self._resolve(conflict.id, other_side(conflict) if other else conflict.chosen)

    def show_actor(self) -> None:
        conflict = self.selected()
        if conflict is not None and conflict.actor_id is not None:
            self.actorChosen.emit(conflict.actor_id)


__all__ = ["ConflictsPanel", "EMPTY_TEXT", "other_side", "shown"]
