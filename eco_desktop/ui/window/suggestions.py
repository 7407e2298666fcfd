"""Under a list a search left empty: « Aucun acteur. Vouliez-vous dire : » and one button
per suggestion of the catalogue (the closest names, aliases, vocabulary values, synonyms).
A click emits ``applied`` with what the suggestion does: ``("text", text)`` searches that
text, ``("facet", vocabulary, slug)`` ticks that value. Record text stays text: the
message is a plain label, the buttons' text has its ``&`` shown, the tooltips are escaped.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ...catalogue.suggest import Suggestion
from ...vocab import FACET_LABELS
from ..text_safety import escape_mnemonic, plain_label, set_tooltip


class SuggestionBar(QWidget):
    """The suggestions of an empty search (hidden when there are none)."""

    applied = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(6, 4, 6, 4)
        self.message = plain_label("Aucun acteur. Vouliez-vous dire :", self)
        self._row.addWidget(self.message)
        self._row.addStretch(1)
        self.buttons: list[QPushButton] = []
        self.setAccessibleName("Suggestions de recherche")
        self.setVisible(False)

    def show_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for suggestion in suggestions:
            candidate = suggestion.candidate
            button = QPushButton(escape_mnemonic(candidate.shown), self)
            if candidate.apply[0] == "facet":
                set_tooltip(button, f"Cocher « {candidate.shown} » ({FACET_LABELS.get(candidate.apply[1], '')})")
            else:
                set_tooltip(button, f"Rechercher « {candidate.shown} »")
            button.clicked.connect(lambda _checked=False, apply=candidate.apply: self.applied.emit(apply))
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons.append(button)
        self.setVisible(bool(self.buttons))
