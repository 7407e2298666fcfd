"""The actor table's model: a list of ids from the store, rows fetched lazily.

At 100k actors only the rows on screen are read (in pages of PAGE ids); sorting a
column reads that one column for the listed ids. While a text is searched, the name
column says why a row matched: the words matched (HighlightRole, for the delegate of
:mod:`.highlight`), and in its tooltip the fields that matched when the name did not,
each asked for the rows Qt paints or hovers only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ... import fields
from ...catalogue import Catalogue, custom_fields
from ...catalogue.matched import Reading, found_in
from ...text import fold
from .. import dates
from ..text_safety import display_text, escape_tooltip
from ..theme import chip_icon

PAGE = 200

# key, shown by default: the list's columns in their order (headers from eco_desktop.fields,
# short where the column is narrow)
_COLUMN_KEYS: tuple[tuple[str, bool], ...] = (
    ("name", True), ("kind", True), ("domains", True), ("commune", True), ("departement", True),
    ("website", True), ("updated_at", True), ("activities", False), ("tags", False),
    ("status", False), ("postcode", False), ("email", False), ("phone", False), ("siren", False),
    ("siret", False), ("naf", False), ("size", False), ("founded", False), ("id", False),
)
# key, French header, shown by default
COLUMNS: list[tuple[str, str, bool]] = [(key, fields.short_label(key), shown) for key, shown in _COLUMN_KEYS]
COLUMN_KEYS = [c[0] for c in COLUMNS]
ActorIdRole = Qt.ItemDataRole.UserRole + 1
# The (start, length) spans of the displayed name that the search text matches.
HighlightRole = Qt.ItemDataRole.UserRole + 2



class ActorTableModel(QAbstractTableModel):
    sortChanged = Signal()

    def __init__(self, catalogue: Catalogue | None = None, parent=None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.ids: list[int] = []
        self._rows: dict[int, dict[str, Any]] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self._colors: dict[str, str] = {}
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._deleted_font = QFont()
        self._deleted_font.setItalic(True)
        self.search_text = ""
        self._reading: Reading | None = None
        self._reasons: dict[int, list[str]] = {}
        # the catalogue's actor custom fields: optional columns after COLUMNS (custom.KEY)
        self.custom_columns: list[dict[str, Any]] = []
        self._in_reset = False
        self.reload_vocabularies()

    # -- data source -----------------------------------------------------------
    def set_catalogue(self, catalogue: Catalogue | None) -> None:
        self.beginResetModel()
        self.catalogue = catalogue
        self.ids = []
        self._rows.clear()
        self.custom_columns = []
        self._in_reset = True  # (custom fields' columns: read within this reset)
        try:
            self.reload_vocabularies()
        finally:
            self._in_reset = False
        self.endResetModel()

    def reload_vocabularies(self) -> None:
        if self.catalogue is None:
            return
        self._labels = self.catalogue.value_labels()
        self._colors = self.catalogue.kind_colors()
        self._forget_reading()
        self._reload_custom_columns()

    def _reload_custom_columns(self) -> None:
        """The custom fields' columns as the catalogue now defines them (a reset when their
        number changes, so that the view asks again how many columns there are)."""
        fields = self.catalogue.custom_fields("actor") if self.catalogue is not None else []
        if self._in_reset or [f["id"] for f in fields] == [f["id"] for f in self.custom_columns]:
            self.custom_columns = fields
            return
        self.beginResetModel()
        self.custom_columns = fields
        self._rows.clear()
        self.endResetModel()

    def column_key(self, column: int) -> str:
        """The key of a column: a COLUMNS key, or custom.KEY for a custom field's."""
        if column < len(COLUMNS):
            return COLUMNS[column][0]
        return f"custom.{self.custom_columns[column - len(COLUMNS)]['key']}"

    def _custom_field(self, key: str) -> dict[str, Any] | None:
        return next((f for f in self.custom_columns if f"custom.{f['key']}" == key), None)

    def set_search_text(self, text: str) -> None:
        """The text the list was searched for, whose matches the name column shows."""
        if text == self.search_text:
            return
        self.search_text = text
        self._forget_reading()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, 0))

    def _forget_reading(self) -> None:
        # Synonyms and labels may have changed: both are read again on next use.
        self._reading = None
        self._reasons.clear()

    def reading(self) -> Reading | None:
        """The search text read for matching (None when no text is searched)."""
        if self.catalogue is None or not self.search_text.strip():
            return None
        if self._reading is None:
            self._reading = self.catalogue.search_reading(self.search_text)
        return self._reading

    def match_reasons(self, actor_id: int) -> list[str]:
        """Where the search found this actor when its name does not say it (kept per row)."""
        found = self._reasons.get(actor_id)
        if found is None:
            found = self._reasons[actor_id] = (self.catalogue.match_reasons(actor_id, self.search_text)
                                               if self.reading() else [])
        return found

    def set_ids(self, ids: list[int], *, keep_order: bool = False) -> None:
        """Show these actors (in the store's order, or re-sorted by the chosen column)."""
        if self.sort_column is not None and not keep_order:
            ids = self._sorted(ids, self.sort_column, self.sort_order)
        self.beginResetModel()
        self.ids = ids
        self._rows.clear()
        self._reasons.clear()
        self.endResetModel()

    def invalidate_rows(self) -> None:
        """Forget cached rows (after an edit) and repaint."""
        self._rows.clear()
        self._forget_reading()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, self.columnCount() - 1))  # custom

    def actor_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, actor_id: int) -> int:
        try:
            return self.ids.index(actor_id)
        except ValueError:
            return -1

    def _fetch(self, row: int) -> dict[str, Any] | None:
        actor_id = self.ids[row]
        cached = self._rows.get(actor_id)
        if cached is not None:
            return cached
        if self.catalogue is None:
            return None
        start = max(0, row - PAGE // 4)
        page = [i for i in self.ids[start:start + PAGE] if i not in self._rows]
        if len(self._rows) > 20 * PAGE:
            self._rows.clear()
        values = self.catalogue.custom_values_of(page) if self.custom_columns else {}  # custom fields
        for actor in self.catalogue.actors_by_ids(page):
            actor["custom"] = values.get(actor["id"], {})
            self._rows[actor["id"]] = actor
        return self._rows.get(actor_id)

    # -- Qt model API ----------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS) + len(self.custom_columns)  # custom fields

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section >= len(COLUMNS):  # a custom field's column
                return display_text(self.custom_columns[section - len(COLUMNS)]["label"], limit=40)
            return COLUMNS[section][1]
        return None

    def display(self, actor: dict[str, Any], key: str) -> str:
        if key.startswith("custom."):  # a custom field's column
            field = self._custom_field(key)
            return custom_fields.display(field, actor.get("custom", {}).get(field["key"], [])) if field else ""
        value = actor.get(key)
        if key == "kind":
            return self._labels.get("kind", {}).get(value, value or "")
        if key in ("domains", "activities"):
            labels = self._labels.get("domain" if key == "domains" else "activity", {})
            return " ; ".join(labels.get(v, v) for v in value or [])
        if key in ("tags", "aliases"):
            return ", ".join(value or [])
        if key in ("updated_at", "created_at"):
            return dates.local_time(value, joiner=" ")
        if value is None:
            return ""
        return str(value)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, key = index.row(), self.column_key(index.column())  # (custom fields' columns too)
        if role == ActorIdRole:
            return self.ids[row]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                        Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                        Qt.ItemDataRole.ForegroundRole, HighlightRole):
            return None
        actor = self._fetch(row)
        if actor is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # Without bidi overrides: « \u202e » would reverse the rest of the cell.
            return display_text(self.display(actor, key))
        if role == HighlightRole:
            reading = self.reading() if key == "name" else None
            return reading.spans(display_text(self.display(actor, key))) if reading else []
        if role == Qt.ItemDataRole.DecorationRole and key == "kind":
            return chip_icon(self._colors.get(actor["kind"], "#777777"))
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            found = found_in(self.match_reasons(actor["id"]))
            return escape_tooltip(self.display(actor, key) + (f"\n{found}" if found else "")) or None
        if role == Qt.ItemDataRole.ToolTipRole and key in ("domains", "kind", "website"):
            return escape_tooltip(self.display(actor, key)) or None
        if role == Qt.ItemDataRole.ForegroundRole and key == "website" and actor.get("website"):
            return QBrush(QColor("#1a5fb4"))
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # no column: the store's order (relevance when searching, else name)
            self.sort_column = None
            self.sortChanged.emit()
            return
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self.ids = self._sorted(self.ids, column, order)
        self._rows.clear()
        self.layoutChanged.emit()
        self.sortChanged.emit()

    def _sorted(self, ids: list[int], column: int, order) -> list[int]:
        if self.catalogue is None or not ids:
            return ids
        key = self.column_key(column)
        if key.startswith("custom."):  # a custom field's column
            return self._sorted_by_custom(ids, self._custom_field(key), order)
        values = self.catalogue.column_values(key, ids)
        if key == "kind":
            labels = self._labels.get("kind", {})
            values = {i: fold(labels.get(v, v)) for i, v in values.items()}
        elif key in ("domains", "activities"):
            labels = self._labels.get("domain" if key == "domains" else "activity", {})
            values = {i: fold(" ".join(labels.get(x, x) for x in v)) for i, v in values.items()}
        elif key in ("tags",):
            values = {i: fold(" ".join(v)) for i, v in values.items()}
        elif key in ("id", "founded"):
            values = {i: (v if v is not None else -1) for i, v in values.items()}
        else:
            values = {i: fold(v) if isinstance(v, str) else ("" if v is None else str(v))
                      for i, v in values.items()}
        reverse = order == Qt.SortOrder.DescendingOrder
        # empty values last in both orders
        filled = [i for i in ids if values.get(i) not in ("", None, -1)]
        empty = [i for i in ids if values.get(i) in ("", None, -1)]
        filled.sort(key=lambda i: values[i], reverse=reverse)
        return filled + empty

    def _sorted_by_custom(self, ids: list[int], field: dict[str, Any], order) -> list[int]:
        """By a custom field: numbers and dates by value, the others by their text; the
        actors without a value last in both orders."""
        stored = self.catalogue.custom_values_of(ids)
        key = field["key"]
        if field["type"] in ("number", "date"):
            values = {i: v[key][0] for i, v in stored.items() if v.get(key)}
        else:
            values = {i: fold(custom_fields.display(field, v[key])) for i, v in stored.items() if v.get(key)}
        filled = [i for i in ids if i in values]
        filled.sort(key=lambda i: values[i], reverse=order == Qt.SortOrder.DescendingOrder)
        return filled + [i for i in ids if i not in values]
