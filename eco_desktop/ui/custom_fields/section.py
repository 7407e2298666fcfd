"""The record's « Champs personnalisés » section: one widget per field of the catalogue,
by type, each edit validated by the field's type (number, date, web address through
eco_desktop.validate) and written at once — one undo step — like the record's other
panels (contacts, exchanges). A value the type refuses is said under its field and not
written."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget)

from ...catalogue import custom_fields
from ...errors import UserError
from ..text_safety import display_text

_PLACEHOLDERS = {"number": "Nombre (1500, 2,5, 1M…)", "date": "JJ/MM/AAAA", "url": "https://…"}


class _LongText(QPlainTextEdit):
    """A long text written when the focus leaves it."""

    editingFinished = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().focusOutEvent(event)
        self.editingFinished.emit()


class CustomFieldsPanel(QWidget):
    """The custom fields of one actor (``entity`` "actor") or contact. ``changed`` after a
    write; ``count()`` the fields that have a value."""

    changed = Signal()

    def __init__(self, catalogue, parent: QWidget | None = None, *, entity: str = "actor") -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.entity = entity
        self.row_id: int | None = None
        self.editable = True
        self.inputs: dict[str, QWidget] = {}
        self.messages: dict[str, QLabel] = {}
        self._fields: dict[str, dict] = {}
        self._values: dict[str, list[Any]] = {}
        self._loading = False
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.empty = QLabel("Aucun champ personnalisé : Outils → Champs personnalisés… pour en définir.")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #777;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(self.form)

    def set_catalogue(self, catalogue) -> None:
        self.catalogue = catalogue
        self.load(None)

    def count(self) -> int:
        return len(self._values)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for widget in self.inputs.values():
            widget.setEnabled(editable)

    def load(self, row_id: int | None, _name: str = "") -> None:
        """Show a record's fields (None: none). The widgets are made again only when the
        fields changed: after a write (whose widget may still be in its signal) the same
        widgets take the stored values."""
        fields = self.catalogue.custom_fields(self.entity) if self.catalogue is not None else []
        values = self.catalogue.custom_values(row_id, self.entity) if row_id is not None and fields else {}
        same = [(f["id"], f["label"], f["type"], f["unit"], [(c["slug"], c["label"]) for c in f["choices"]])
                for f in fields] == [(f["id"], f["label"], f["type"], f["unit"],
                                      [(c["slug"], c["label"]) for c in f["choices"]]) for f in self._fields.values()]
        self.row_id, self._values = row_id, values
        if same and self.inputs:
            self._loading = True
            try:
                for field in fields:
                    self._set_value(field, self.inputs[field["key"]], values.get(field["key"], []))
                    self.inputs[field["key"]].setEnabled(self.editable and row_id is not None)
                    self.messages[field["key"]].hide()
            finally:
                self._loading = False
            return
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs.clear()
        self.messages.clear()
        self._fields = {f["key"]: f for f in fields}
        self.empty.setVisible(not fields)
        self._loading = True
        try:
            for field in fields:
                widget = self._widget(field, self._values.get(field["key"], []))
                widget.setEnabled(self.editable and row_id is not None)
                widget.setAccessibleName(field["label"])
                message = QLabel()
                message.setStyleSheet("color: #b00020;")
                message.setWordWrap(True)
                message.setTextFormat(Qt.TextFormat.PlainText)
                message.hide()
                cell = QWidget()
                box = QVBoxLayout(cell)
                box.setContentsMargins(0, 0, 0, 0)
                box.setSpacing(1)
                row = QHBoxLayout()
                row.addWidget(widget, 1)
                if field["unit"]:
                    row.addWidget(QLabel(display_text(field["unit"], limit=20)))
                box.addLayout(row)
                box.addWidget(message)
                label = QLabel(display_text(field["label"], limit=60) + " :")
                label.setTextFormat(Qt.TextFormat.PlainText)
                self.form.addRow(label, cell)
                self.inputs[field["key"]] = widget
                self.messages[field["key"]] = message
        finally:
            self._loading = False

    # ------------------------------------------------------------------ widgets by type
    def _widget(self, field: dict, values: list[Any]) -> QWidget:
        kind, key = field["type"], field["key"]
        if kind == "bool":
            box = QCheckBox("oui")
            box.setChecked(bool(values))
            box.toggled.connect(lambda on, k=key: self.write(k, on))
            return box
        if kind == "choice":
            combo = QComboBox()
            combo.addItem("", "")
            for choice in field["choices"]:
                combo.addItem(display_text(choice["label"]), choice["slug"])
            combo.setCurrentIndex(max(0, combo.findData(values[0]) if values else 0))
            combo.activated.connect(lambda _i, k=key, c=combo: self.write(k, c.currentData()))
            return combo
        if kind == "choices":
            listing = QListWidget()
            for choice in field["choices"]:
                item = QListWidgetItem(display_text(choice["label"]))
                item.setData(Qt.ItemDataRole.UserRole, choice["slug"])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if choice["slug"] in values else Qt.CheckState.Unchecked)
                listing.addItem(item)
            listing.setFixedHeight(min(6, max(2, listing.count())) * listing.sizeHintForRow(0) + 6
                                   if listing.count() else 30)
            listing.itemChanged.connect(lambda _item, k=key, source=listing: self.write(k, [
                source.item(i).data(Qt.ItemDataRole.UserRole) for i in range(source.count())
                if source.item(i).checkState() == Qt.CheckState.Checked]))
            return listing
        if kind == "long_text":
            text = _LongText()
            text.setPlainText(values[0] if values else "")
            text.setFixedHeight(70)
            text.editingFinished.connect(lambda k=key, source=text: self.write(k, source.toPlainText()))
            return text
        edit = QLineEdit(self._shown(field, values))
        edit.setPlaceholderText(_PLACEHOLDERS.get(kind, ""))
        edit.editingFinished.connect(lambda k=key, source=edit: self.write(k, source.text()))
        return edit

    def _set_value(self, field: dict, widget: QWidget, values: list[Any]) -> None:
        kind = field["type"]
        if kind == "bool":
            widget.setChecked(bool(values))
        elif kind == "choice":
            widget.setCurrentIndex(max(0, widget.findData(values[0]) if values else 0))
        elif kind == "choices":
            for i in range(widget.count()):
                item = widget.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in values
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        elif kind == "long_text":
            if widget.toPlainText() != (values[0] if values else ""):
                widget.setPlainText(values[0] if values else "")
        else:
            widget.setText(self._shown(field, values))

    @staticmethod
    def _shown(field: dict, values: list[Any]) -> str:
        if not values:
            return ""
        value = values[0]
        if field["type"] == "date":
            try:
                return _dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except (TypeError, ValueError):
                return str(value)
        if field["type"] == "number":
            return custom_fields.number_text(value)
        return str(value)

    # ------------------------------------------------------------------ writing
    def write(self, key: str, value: Any) -> bool:
        """Write one field's value as typed (the widgets call it); False when refused."""
        if self._loading or self.row_id is None or self.catalogue is None:
            return False
        message = self.messages.get(key)
        try:
            written = self.catalogue.set_custom_values(self.row_id, {key: value}, self.entity)
        except UserError as exc:
            if message is not None:
                message.setText(str(exc))
                message.show()
            return False
        if message is not None:
            message.hide()
        self._values = self.catalogue.custom_values(self.row_id, self.entity)
        widget = self.inputs.get(key)
        if isinstance(widget, QLineEdit):  # as stored: « 1,5M » -> 1500000
            widget.setText(self._shown(self._fields[key], self._values.get(key, [])))
        if written:
            self.changed.emit()
        return True
