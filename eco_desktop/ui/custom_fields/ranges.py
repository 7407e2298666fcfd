"""The range filters of the number and date custom fields, in a bar above the list:
« Montant levé ≥ [1M] < [ ] », « Dernière visite depuis le [ ] avant le [01/01/2025] ».
Each bound is a criterion of the Filter's ``custom`` (≥ and <), so the list, the map, the
dashboard, saved views, calls and exports honour it like the facets."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ...catalogue.custom_fields import RANGE_TYPES, criterion, display
from ...errors import UserError
from ...filter import Filter
from ..text_safety import display_text

_BOUNDS = {"number": (("≥", ">="), ("<", "<")), "date": (("depuis le", ">="), ("avant le", "<"))}


class RangeFilters(QWidget):
    """Two bounds per number or date field; ``filterEdited(Filter)`` when one is typed."""

    filterEdited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(6, 2, 6, 2)
        self.fields: list[dict] = []
        self.edits: dict[tuple[str, str], QLineEdit] = {}
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.filter = Filter()

    def set_fields(self, fields: list[dict]) -> None:
        """The catalogue's actor fields (only numbers and dates are kept)."""
        fields = [f for f in fields if f["type"] in RANGE_TYPES]
        if [(f["key"], f["label"], f["type"]) for f in fields] == [(f["key"], f["label"], f["type"]) for f in self.fields]:
            return
        self.fields = fields
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget() is not None and item.widget() is not self.message:
                item.widget().deleteLater()
        self.edits.clear()
        for field in fields:
            name = QLabel(display_text(field["label"], limit=40) + (f" ({field['unit']})" if field["unit"] else ""))
            self.layout_.addWidget(name)
            for word, op in _BOUNDS[field["type"]]:
                self.layout_.addWidget(QLabel(word))
                edit = QLineEdit()
                edit.setAccessibleName(f"{field['label']} {word}")
                edit.setPlaceholderText("JJ/MM/AAAA" if field["type"] == "date" else "")
                edit.setMaximumWidth(110)
                edit.editingFinished.connect(self._edited)
                self.edits[field["key"], op] = edit
                self.layout_.addWidget(edit)
            self.layout_.addSpacing(12)
        self.layout_.addWidget(self.message, 1)
        self.setVisible(bool(fields))
        self.show_filter(self.filter)

    def show_filter(self, flt: Filter) -> None:
        """Show the bounds ``flt`` holds (a saved view chosen, the filters cleared…)."""
        self.filter = flt
        by_key = {f["key"]: f for f in self.fields}
        for (key, op), edit in self.edits.items():
            value = next((v for k, o, v in flt.custom if k == key and o == op), None)
            field = by_key[key]
            text = "" if value is None else display(field, [float(value) if field["type"] == "number" else value])
            if field["unit"] and text.endswith(field["unit"]):
                text = text[: -len(field["unit"])].strip()
            if not edit.hasFocus():
                edit.setText(text)

    def _edited(self) -> None:
        by_key = {f["key"]: f for f in self.fields}
        ranges = []
        try:
            for (key, op), edit in self.edits.items():
                if edit.text().strip():
                    ranges.append(criterion(by_key[key], op, edit.text()))
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()
        kept = tuple(c for c in self.filter.custom if not (c[0] in by_key and c[1] in (">=", "<")))
        wanted = replace(self.filter, custom=kept + tuple(ranges))
        if wanted != self.filter:
            self.filter = wanted
            self.filterEdited.emit(wanted)
