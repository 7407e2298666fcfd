"""Outils → Relances… : the follow-ups to do, by date — the actor (one click opens its
record), the call, who, the next step, the contact's usable e-mail as a mailto link —
with « Relance faite… », « Modifier… » and the export to an iCalendar file."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ... import french, vocab
from ...catalogue.followups import FOLLOWUP_HEADINGS, Followup
from ...clock import os_user
from ...errors import UserError
from ...export.ics import write_ics
from ..dialogs.common import show_error
from ..editor.dialogs import ExchangeDialog
from ..text_safety import escape_html, escape_tooltip, set_plain
from ..editor.followup import FollowupDialog

COLUMNS = tuple(FOLLOWUP_HEADINGS.values())
LATE_COLOR = "#b3261e"


def link(href: str, text: str) -> QLabel:
    """A cell's link; its text is record text, escaped."""
    label = QLabel(f"<a href='{escape_html(href)}'>{escape_html(text, limit=60)}</a>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setContentsMargins(4, 0, 4, 0)
    return label


class RelancesDialog(QDialog):
    """The « Relances » list of one catalogue (see the module); ``host`` is the window."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent or host)
        self.host = host
        self.catalogue = host.catalogue
        self.setWindowTitle("Relances")
        self.resize(980, 520)
        self.items: list[Followup] = []
        self.summary = QLabel()
        self.late_only = QCheckBox("Seulement en retard")
        self.in_list = QCheckBox("Seulement les acteurs de la liste")
        self.in_list.setToolTip("Les relances des acteurs qui répondent aux filtres de la liste")
        for box in (self.late_only, self.in_list):
            box.toggled.connect(lambda _on=False: self.reload())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_record(row))
        self.empty = set_plain(QLabel(), "Aucune relance à faire.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_button = QPushButton("Relance faite…")
        self.done_button.clicked.connect(self.complete_selected)
        self.edit_button = QPushButton("Modifier…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.open_button = QPushButton("Ouvrir la fiche")
        self.open_button.clicked.connect(lambda: self.open_record(self.table.currentRow()))
        self.ics_button = QPushButton("Exporter en .ics…")
        self.ics_button.setToolTip("Un fichier iCalendar à importer dans Outlook ou Thunderbird")
        self.ics_button.clicked.connect(self.export_ics)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.late_only)
        top.addWidget(self.in_list)
        buttons = QHBoxLayout()
        for button in (self.done_button, self.edit_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.ics_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.reload()

    # ------------------------------------------------------------------ showing
    def reload(self) -> None:
        flt = self.host.filter if self.in_list.isChecked() else None
        self.items = self.catalogue.followups(flt, overdue=self.late_only.isChecked())
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (item.due.strftime("%d/%m/%Y"), item.bucket_label, "", item.call, item.who, item.next_step, "")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if text:
                    cell.setToolTip(escape_tooltip(text))
                if item.bucket == "overdue" and column < 2:
                    cell.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, cell)
            actor = link(f"actor:{item.actor_id}", item.actor)
            actor.setToolTip("Ouvrir la fiche")
            actor.linkActivated.connect(lambda _href, r=row: self.open_record(r))
            self.table.setCellWidget(row, 2, actor)
            if item.email:
                mail = link(f"mailto:{quote(item.email, safe='@')}", item.email)
                mail.setOpenExternalLinks(True)
                self.table.setCellWidget(row, 6, mail)
        late = sum(1 for f in self.items if f.bucket == "overdue")
        text = french.count(len(self.items), "relance", "relances") + " à faire"
        if late:
            text += f", dont {french.count(late, 'en retard', 'en retard')}"
        self.summary.setText(text + ".")
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        self._update_buttons()

    def selected(self) -> Followup | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) and self.table.selectedItems() else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        writable = not self.catalogue.read_only
        self.done_button.setEnabled(chosen and writable)
        self.edit_button.setEnabled(chosen and writable)
        self.open_button.setEnabled(chosen)
        self.ics_button.setEnabled(bool(self.items))

    # ------------------------------------------------------------------ actions
    def open_record(self, row: int) -> None:
        """One click to the record: the list selects the actor and shows its record."""
        if 0 <= row < len(self.items):
            self.host.select_actor(self.items[row].actor_id)
            self.host.show_record()

    def complete_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        kind = "email"
        if item.key.startswith("exchange:"):
            kind = self.catalogue.followup(item.key)["kind"]
        text = f"Relance faite : {item.next_step}" if item.next_step else "Relance faite"
        dialog = ExchangeDialog(self, actor_name=item.actor, author=os_user(), title="Relance faite", kind=kind,
                                text=text, followup=False,
                                commit=lambda v: self.catalogue.complete_followup(
                                    item.key, kind=v["kind"], text=v["text"], day=v["date"]))
        if dialog.exec():
            self._written(f"Relance faite : « {item.actor} » ({vocab.EXCHANGE_KINDS[dialog.values()['kind']]}).")

    def edit_selected(self) -> None:
        item = self.selected()
        if item is not None and FollowupDialog.edit(self, self.catalogue, item.key, actor_name=item.actor):
            self._written(f"Relance de « {item.actor} » modifiée.")

    def _written(self, status: str) -> None:
        self.reload()
        self.host.refresh()
        self.host.show_status(status, 6000)

    def export_ics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Exporter les relances", str(Path.home() / "relances.ics"),
                                              "Calendrier iCalendar (*.ics)")
        if not path:
            return
        if not path.lower().endswith(".ics"):
            path += ".ics"
        try:
            write_ics(path, self.items)
        except UserError as exc:
            show_error(self, exc)
            return
        done = french.count(len(self.items), "relance exportée", "relances exportées")
        self.host.show_status(f"{done} dans « {path} ».", 8000)
