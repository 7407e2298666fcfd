"""The record's « Historique »: its journal (catalogue/journal.py), newest first, with one
toggle per kind of entry (Modifications, Échanges, Relances, Appels, Imports, Reçu de
collègues). Undo stays in the Édition menu: the journal tells, it does not replay."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ...catalogue.journal import KINDS, JournalEntry
from .. import dates
from ..text_safety import escape_html
from .panels import Panel
from .widgets import MUTED_COLOR


def when(entry: JournalEntry) -> str:
    """A batch's moment in local time, an exchange's day."""
    return dates.local_time(entry.at) if "T" in entry.at else dates.day(entry.at)


class JournalPanel(Panel):
    """This record's journal (see the module)."""

    LIMIT = 500

    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(catalogue, parent)
        self.kind_buttons: dict[str, QToolButton] = {}
        toggles = QGridLayout()  # two rows of three: the record's column is narrow
        toggles.setContentsMargins(0, 0, 0, 0)
        toggles.setSpacing(4)
        for number, (kind, label) in enumerate(KINDS.items()):
            button = QToolButton()
            button.setText(label.replace("&", "&&"))
            button.setCheckable(True)
            button.setChecked(True)
            button.setToolTip(f"Montrer ou cacher : {label}")
            button.toggled.connect(lambda _on=False: self.reload())
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.kind_buttons[kind] = button
            toggles.addWidget(button, number // 3, number % 3)
        self.view = QLabel()
        self.view.setWordWrap(True)
        self.view.setTextFormat(Qt.TextFormat.RichText)  # every record part is escaped
        self.view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toggles)
        layout.addWidget(self.view)
        self._entries: list[JournalEntry] = []

    def count(self) -> int:
        return len(self._entries)

    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def text(self) -> str:
        return self.view.text()

    def kinds(self) -> list[str]:
        return [kind for kind, button in self.kind_buttons.items() if button.isChecked()]

    def show_only(self, *kinds: str) -> None:
        """Tick these kinds and untick the others (a test, a screenshot)."""
        for kind, button in self.kind_buttons.items():
            button.blockSignals(True)
            button.setChecked(kind in kinds)
            button.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self._entries = (self.catalogue.journal(self.actor_id, self.kinds(), limit=self.LIMIT)
                         if self.actor_id is not None else [])
        if not self._entries:
            empty = "Rien à montrer pour ces catégories." if len(self.kinds()) < len(KINDS) \
                else "Aucune modification enregistrée."
            self.view.setText(f"<span style='color:{MUTED_COLOR}'>{empty}</span>")
            return
        parts = []
        for entry in self._entries:
            head = (f"<b>{escape_html(entry.title)}</b> <span style='color:{MUTED_COLOR}'>· "
                    f"{escape_html(entry.kind_label)}</span>")
            meta = f"<span style='color:{MUTED_COLOR}'>{escape_html(when(entry))}" + (
                f" · {escape_html(entry.user)}" if entry.user else "") + "</span>"
            block = f"{head}<br>{meta}"
            if entry.lines:
                block += ("<table style='margin-left:10px; margin-top:2px' cellspacing='0' cellpadding='0'>"
                          + "".join(f"<tr><td style='color:#444'>{escape_html(line)}</td></tr>"
                                    for line in entry.lines) + "</table>")
            parts.append(block)
        self.view.setText("<div>" + "</div><div style='margin-top:9px'>".join(parts) + "</div>")
