"""The read-only « Appels à projets » section of an actor's record."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHeaderView, QLabel, QSizePolicy, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from .. import dates
from ..text_safety import escape_tooltip
from ..operations import CatalogueRelay
from .common import STATUS_COLORS, STATUSES


class CallsOfActorWidget(QWidget):
    """Read-only "Appels à projets" section of an actor's record: the calls it is
    shortlisted in, with its status there. Same interface as the editor's panels:
    ``set_catalogue``, ``load(actor_id, actor_name)``, ``reload``, ``count``,
    ``set_editable``; ``callActivated(call_id)`` on double-click."""

    callActivated = Signal(int)  # noqa: N815
    changed = Signal()

    def __init__(self, catalogue=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = None
        self._relay = CatalogueRelay(self)
        self._relay.written.connect(self._committed)
        self.actor_id: int | None = None
        self.rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Appel", "Statut", "Depuis le", "Note"])
        self.table.setAccessibleName("Appels à projets de l'acteur")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.table.doubleClicked.connect(self._activated)
        self.empty = QLabel("Dans aucun appel à projets.")
        self.empty.setStyleSheet("color: #8a8a8a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.set_catalogue(catalogue)

    def set_catalogue(self, catalogue) -> None:
        """Show nothing until :meth:`load`; follow the catalogue's commits (status changes
        made in the calls tab, undo) while this widget lives."""
        self.catalogue = catalogue
        self.actor_id = None
        self._relay.attach(catalogue)
        self.reload()

    def _committed(self, _label: str, _undoable: bool) -> None:
        if self.actor_id is not None:
            self.reload()

    def load(self, actor_id: int | None, actor_name: str = "") -> None:
        self.actor_id = actor_id
        self.reload()

    def set_editable(self, editable: bool) -> None:
        pass  # read-only: statuses are changed in the "Appels à projets" tab

    def count(self) -> int:
        return len(self.rows)

    def reload(self) -> None:
        self.rows = (self.catalogue.calls_of_actor(self.actor_id)
                     if self.catalogue is not None and self.actor_id is not None else [])
        self.table.setRowCount(len(self.rows))
        for row, entry in enumerate(self.rows):
            status = entry["status"]
            items = [QTableWidgetItem(entry["call"] + (" (archivé)" if entry["state"] == "archived" else "")),
                     QTableWidgetItem(STATUSES.get(status, status)),
                     QTableWidgetItem(dates.local_day(entry["changed_at"])), QTableWidgetItem(entry["note"])]
            background, colour = STATUS_COLORS.get(status, ("#ffffff", "#000000"))
            items[1].setBackground(QColor(background))
            items[1].setForeground(QColor(colour))
            items[3].setToolTip(escape_tooltip(entry["note"]))
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        height = self.table.horizontalHeader().height() + 4 + sum(
            self.table.rowHeight(r) for r in range(min(len(self.rows), 6)))
        self.table.setFixedHeight(height)

    def _activated(self, index) -> None:
        if 0 <= index.row() < len(self.rows):
            self.callActivated.emit(self.rows[index.row()]["call_id"])
