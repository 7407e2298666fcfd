"""The line above the list and the tabs that says the filter's geographic area:
« Zone : à moins de 10 km d'Évry-Courcouronnes ✕ », and how many actors without a
position it leaves out. Its ✕ clears the area (the other criteria stay)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from ... import french
from ..text_safety import set_plain


def left_out_text(count: int) -> str:
    """« 8 acteurs sans position non comptés »: an actor without a position is in no area."""
    return f"{french.count(count, 'acteur')} sans position {'non compté' if count == 1 else 'non comptés'}"


class AreaBar(QFrame):
    """Hidden while the filter has no area."""

    cleared = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("areaBar")
        self.setStyleSheet("#areaBar { background: #fef3c7; border-bottom: 1px solid #e5c96a; }"
                           "#areaBar QLabel { color: #5c4400; }")
        self.label = set_plain(QLabel())
        self.note = set_plain(QLabel())
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Retirer la zone du filtre (les autres critères restent)")
        self.clear_button.setAccessibleName("Retirer la zone")
        self.clear_button.clicked.connect(self.cleared)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.label)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        layout.addWidget(self.note)
        self.setVisible(False)

    def show_area(self, area, left_out: int = 0) -> None:
        """The filter's area (None: hide) and its actors left out for having no position."""
        if area is None:
            self.setVisible(False)
            return
        description = area.describe()
        self.label.setText(f"Zone : {description[:1].lower()}{description[1:]}")
        self.note.setText(left_out_text(left_out) if left_out else "")
        self.setVisible(True)
