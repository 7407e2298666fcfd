"""The shortlist of one call as a table model (the note column editable)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ... import fields
from ...text import fold
from .. import dates
from ..text_safety import display_text, escape_tooltip
from ..theme import chip_icon
from .common import STATUS_COLORS, STATUSES


SHORTLIST_COLUMNS = [("name", "Acteur"), ("kind", fields.label("kind")), ("commune", fields.label("commune")),
                     ("status", "Statut"),
                     ("changed_at", "Modifié le"), ("note", "Note")]
NOTE_COLUMN = 5
SortRole = Qt.ItemDataRole.UserRole + 10
IdRole = Qt.ItemDataRole.UserRole + 11


class ShortlistModel(QAbstractTableModel):
    """The shortlist of one call; the note column is editable (``noteEdited`` is emitted)."""

    noteEdited = Signal(int, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.kinds: dict[str, tuple[str, str]] = {}
        self.editable = True

    def set_rows(self, rows: list[dict[str, Any]], kinds: dict[str, tuple[str, str]]) -> None:
        """``kinds``: {slug: (label, colour)} as :meth:`Catalogue.kinds` gives."""
        self.beginResetModel()
        self.rows = rows
        self.kinds = kinds
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(SHORTLIST_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SHORTLIST_COLUMNS[section][1]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NOTE_COLUMN and self.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = SHORTLIST_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.EditRole:
            return row[key] or ""  # the note, edited as stored
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "kind":
                value = self.kinds.get(row["kind"], (row["kind"],))[0]
            elif key == "status":
                value = STATUSES.get(row["status"], row["status"])
            elif key == "changed_at":
                value = dates.local_day(row["changed_at"])
            else:
                value = row[key]
            # Without bidi overrides: « \u202e » would reverse the rest of the cell.
            return display_text(value)
        if role == SortRole:
            if key == "status":
                return list(STATUSES).index(row["status"])
            if key == "changed_at":
                return row["changed_at"] or ""
            return fold(self.data(index))
        if role == IdRole:
            return row["actor_id"]
        if role == Qt.ItemDataRole.ToolTipRole and key in ("note", "kind", "commune", "name"):
            return escape_tooltip(self.data(index)) or None
        if role == Qt.ItemDataRole.DecorationRole and key == "kind":
            return chip_icon(self.kinds.get(row["kind"], ("", "#777777"))[1])
        if key == "status":
            background, colour = STATUS_COLORS.get(row["status"], ("#ffffff", "#000000"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(colour)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != NOTE_COLUMN:
            return False
        row = self.rows[index.row()]
        text = str(value or "").strip()
        if text != (row["note"] or ""):
            self.noteEdited.emit(row["actor_id"], text)
        return True
