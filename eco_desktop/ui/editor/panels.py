"""The record editor's lists: contacts, relations and exchanges (Suivi) with their
follow-ups; the journal (« Historique ») is :mod:`.journal`.

Each panel writes immediately through the catalogue (one undo step per action) and
emits ``changed`` afterwards; errors the user can cause are shown in a dialog.
"""
from __future__ import annotations

import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton,
    QSizePolicy, QTableView, QToolButton, QVBoxLayout, QWidget,
)

from ... import clock, fields, validate, vocab
from ...catalogue.journal import followup_sentence
from ...clock import os_user
from ...errors import UserError
from ..dialogs.common import confirm, show_error
from .dialogs import ContactDialog, ExchangeDialog, RelationDialog
from .followup import FollowupDialog
from .. import dates
from .widgets import MUTED_COLOR, role_label
from ..text_safety import escape_html, escape_tooltip, set_plain
from ..theme import chip_icon

def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def _fit_height(view: QAbstractItemView, rows: int, *, extra: int = 0, max_rows: int = 8) -> None:
    """Size a list or table to its rows so that only the editor's scroll area scrolls."""
    shown = max(1, min(rows, max_rows))
    view.ensurePolished()
    if isinstance(view, QTableView):
        row_height = view.verticalHeader().defaultSectionSize()
    else:
        row_height = max(view.sizeHintForRow(0), view.fontMetrics().height() + 4)
    frame = view.frameWidth() * 2
    view.setFixedHeight(shown * row_height + frame + extra + 2)


class Panel(QWidget):
    """A list of the record editor: loaded with an actor, written through the catalogue."""

    changed = Signal()

    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.actor_id: int | None = None
        self.actor_name = ""
        self.editable = True

    def set_catalogue(self, catalogue) -> None:
        self.catalogue = catalogue
        self.actor_id = None

    def load(self, actor_id: int | None, actor_name: str = "") -> None:
        self.actor_id, self.actor_name = actor_id, actor_name
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self._update_buttons()

    def _update_buttons(self) -> None:
        pass

    def count(self) -> int:
        return 0

    def _write(self, action, *args, **kwargs) -> Any:
        """Run one catalogue write; show a UserError; emit ``changed`` on success."""
        try:
            result = action(*args, **kwargs)
        except UserError as exc:
            show_error(self, exc)
            return None
        self.reload()
        self.changed.emit()
        return result


# -- contacts ------------------------------------------------------------------------

CONTACT_COLUMNS = [(key, fields.contact_short_label(key)) for key in (
    "civility", "first_name", "last_name", "role", "email", "phone", "legal_basis", "basis_date", "opt_out")]


class ContactsPanel(Panel):
    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(catalogue, parent)
        self.model = QStandardItemModel(0, len(CONTACT_COLUMNS), self)
        self.model.setHorizontalHeaderLabels([label for _key, label in CONTACT_COLUMNS])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = role_label("Aucun contact enregistré.")
        self.add_button = QPushButton("Ajouter…")
        self.edit_button = QPushButton("Modifier…")
        self.delete_button = QPushButton("Supprimer")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(_buttons(self.add_button, self.edit_button, self.delete_button))
        self._contacts: list[dict] = []

    def count(self) -> int:
        return len(self._contacts)

    def reload(self) -> None:
        self._contacts = self.catalogue.contacts(self.actor_id) if self.actor_id is not None else []
        self.model.removeRows(0, self.model.rowCount())
        for contact in self._contacts:
            row = []
            for key, _label in CONTACT_COLUMNS:
                value = contact.get(key)
                if key == "legal_basis":
                    text = vocab.LEGAL_BASES.get(value or "", "—")
                elif key == "basis_date":
                    text = dates.day(value)
                elif key == "opt_out":
                    text = "Oui" if value else "Non"
                elif key == "phone":
                    text = validate.format_phone(value)
                else:
                    text = value or ""
                item = QStandardItem(text)
                item.setData(contact["id"], Qt.ItemDataRole.UserRole)
                if key == "opt_out" and value:
                    item.setForeground(Qt.GlobalColor.darkRed)
                if not contact["usable"]:
                    item.setToolTip("Non utilisable pour les envois : "
                                    + ("opposition enregistrée." if contact["opt_out"]
                                       else "aucune base légale enregistrée."))
                row.append(item)
            self.model.appendRow(row)
        has_rows = bool(self._contacts)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        if has_rows:
            self.table.resizeColumnsToContents()
            scroll = self.table.horizontalScrollBar().sizeHint().height()
            _fit_height(self.table, len(self._contacts), extra=self.table.horizontalHeader().sizeHint().height()
                        + scroll, max_rows=12)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return rows[0].data(Qt.ItemDataRole.UserRole)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        has_actor = self.actor_id is not None
        selected = self.selected_id() is not None
        self.add_button.setEnabled(self.editable and has_actor)
        self.edit_button.setEnabled(self.editable and selected)
        self.delete_button.setEnabled(self.editable and selected)

    def add(self) -> None:
        if self.actor_id is None or not self.editable:
            return
        actor_id = self.actor_id
        dialog = ContactDialog(self, actor_name=self.actor_name,
                               commit=lambda data: self.catalogue.add_contact(actor_id, data))
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def edit_selected(self) -> None:
        contact_id = self.selected_id()
        if contact_id is None:
            return
        contact = self.catalogue.get_contact(contact_id)
        if contact is None:
            self.reload()
            return
        custom = None
        if self.catalogue.custom_fields("contact"):  # the contact's custom fields, written as edited
            from ..custom_fields.section import CustomFieldsPanel
            custom = CustomFieldsPanel(self.catalogue, entity="contact")
            custom.load(contact_id)
            custom.changed.connect(self.changed)
        dialog = ContactDialog(self, contact, actor_name=self.actor_name, custom=custom,
                               commit=lambda data: self.catalogue.update_contact(contact_id, data))
        if not self.editable:
            dialog.setEnabled(False)
        if dialog.exec() and self.editable:
            self.reload()
            self.changed.emit()

    def delete_selected(self) -> None:
        contact_id = self.selected_id()
        if contact_id is None or not self.editable:
            return
        contact = self.catalogue.get_contact(contact_id) or {}
        name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p) \
            or contact.get("email") or "ce contact"
        if confirm(self, "Supprimer le contact", f"Supprimer le contact « {name} » ?", "Supprimer",
                   informative="L'opération peut être annulée (Édition → Annuler)."):
            self._write(self.catalogue.delete_contact, contact_id)


# -- relations -----------------------------------------------------------------------

class RelationsPanel(Panel):
    actorActivated = Signal(int)  # noqa: N815 (Qt naming)

    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(catalogue, parent)
        self.list = QListWidget()
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.itemActivated.connect(self._activate)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.setToolTip("Double-cliquez pour ouvrir l'acteur lié.")
        self.empty = role_label("Aucune relation.")
        self.add_button = QPushButton("Ajouter…")
        self.open_button = QPushButton("Ouvrir")
        self.delete_button = QPushButton("Supprimer")
        self.add_button.clicked.connect(self.add)
        self.open_button.clicked.connect(lambda: self._activate(self.list.currentItem()))
        self.delete_button.clicked.connect(self.delete_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)
        layout.addLayout(_buttons(self.add_button, self.open_button, self.delete_button))
        self._relations: list[dict] = []

    def count(self) -> int:
        return len(self._relations)

    def relations(self) -> list[dict]:
        return list(self._relations)

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def reload(self) -> None:
        self._relations = self.catalogue.relations_of(self.actor_id) if self.actor_id is not None else []
        self.list.clear()
        colors = self.catalogue.kind_colors() if self._relations else {}
        for relation in self._relations:
            item = QListWidgetItem(f"{relation['label']} {relation['other_name']}")
            item.setData(Qt.ItemDataRole.UserRole, relation["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, relation["other_id"])
            other = self.catalogue.get_actor(relation["other_id"])
            if other is not None:
                item.setIcon(chip_icon(colors.get(other["kind"], "#777777")))
            tip = f"{relation['label']} {relation['other_name']}"
            if relation.get("note"):
                tip += f"\n{relation['note']}"
            item.setToolTip(escape_tooltip(tip + "\nDouble-cliquez pour ouvrir."))
            self.list.addItem(item)
        has_rows = bool(self._relations)
        self.list.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        if has_rows:
            _fit_height(self.list, len(self._relations), max_rows=50)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.list.currentItem() is not None
        self.add_button.setEnabled(self.editable and self.actor_id is not None)
        self.open_button.setEnabled(selected)
        self.delete_button.setEnabled(self.editable and selected)

    def _activate(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.actorActivated.emit(int(item.data(Qt.ItemDataRole.UserRole + 1)))

    def make_dialog(self) -> RelationDialog:
        actor_id = self.actor_id

        def commit(values: dict) -> int:
            if values["source_id"] is None or values["target_id"] is None:
                raise UserError("Choisissez l'acteur lié.")
            return self.catalogue.add_relation(values["source_id"], values["type"], values["target_id"],
                                               note=values["note"])

        return RelationDialog(actor_id, self.actor_name, self.catalogue.all_actor_names(), self, commit=commit)

    def add(self) -> None:
        if self.actor_id is None or not self.editable:
            return
        dialog = self.make_dialog()
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is None or not self.editable:
            return
        if confirm(self, "Supprimer la relation", f"Supprimer la relation « {self.actor_name} » {item.text()} ?",
                   "Supprimer", informative="L'opération peut être annulée (Édition → Annuler)."):
            self._write(self.catalogue.delete_relation, int(item.data(Qt.ItemDataRole.UserRole)))


# -- exchanges (Suivi) ---------------------------------------------------------------

class ExchangesPanel(Panel):
    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(catalogue, parent)
        self.entries = QVBoxLayout()
        self.entries.setContentsMargins(0, 0, 0, 0)
        self.entries.setSpacing(6)
        self.empty = role_label("Aucun échange enregistré.")
        self.add_button = QPushButton("Ajouter un échange…")
        self.add_button.clicked.connect(self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(self.entries)
        layout.addLayout(_buttons(self.add_button))
        self._exchanges: list[dict] = []
        self._delete_buttons: list[QToolButton] = []
        self._followup_buttons: list[QToolButton] = []

    def count(self) -> int:
        return len(self._exchanges)

    def exchanges(self) -> list[dict]:
        return list(self._exchanges)

    def reload(self) -> None:
        self._exchanges = self.catalogue.exchanges(self.actor_id) if self.actor_id is not None else []
        while self.entries.count():
            widget = self.entries.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self._delete_buttons = []
        self._followup_buttons: list[QToolButton] = []
        for exchange in self._exchanges:
            self.entries.addWidget(self._entry(exchange))
        self.empty.setVisible(not self._exchanges)
        self._update_buttons()

    def _entry(self, exchange: dict) -> QWidget:
        frame = QFrame()
        frame.setObjectName("exchange")
        frame.setStyleSheet("QFrame#exchange { background: #f7f8fa; border: 1px solid #e1e4e8; border-radius: 5px; }")
        head = QLabel(f"<b>{escape_html(dates.day(exchange['date']))}</b> · "
                      f"{escape_html(vocab.EXCHANGE_KINDS.get(exchange['kind'], exchange['kind']))}"
                      + (f" · <span style='color:{MUTED_COLOR}'>{escape_html(exchange['author'])}</span>"
                         if exchange.get("author") else ""))
        head.setTextFormat(Qt.TextFormat.RichText)  # its record parts are escaped
        head.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        remove = QToolButton()
        remove.setText("Supprimer")
        remove.setAutoRaise(True)
        remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        remove.setToolTip("Supprimer cet échange")
        remove.clicked.connect(lambda _=False, eid=exchange["id"]: self.delete(eid))
        self._delete_buttons.append(remove)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(head, 1)
        top.addWidget(remove)
        column = QVBoxLayout(frame)
        column.setContentsMargins(8, 4, 4, 6)
        column.setSpacing(2)
        column.addLayout(top)
        if exchange.get("text"):
            text = set_plain(QLabel(), exchange["text"])
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
            column.addWidget(text)
        if exchange.get("followup_on"):
            column.addLayout(self._followup_row(exchange))
        return frame

    def _followup_row(self, exchange: dict) -> QHBoxLayout:
        """« À relancer le … » (red when overdue) with « Relance faite » and « Modifier… »."""
        key = f"exchange:{exchange['id']}"
        row = QHBoxLayout()
        row.setContentsMargins(0, 2, 0, 0)
        if exchange.get("followup_done_at"):
            line = f"Relance faite (prévue le {dates.day(exchange['followup_on'])})"
            row.addWidget(set_plain(role_label(""), line), 1)
            return row
        due = datetime.date.fromisoformat(exchange["followup_on"])
        late = due < clock.today()
        text = followup_sentence(None, exchange) + (" — en retard" if late else "")
        label = set_plain(QLabel(), text)
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        label.setStyleSheet(f"color: {'#b3261e' if late else '#1f4e79'}; font-weight: 600;")
        row.addWidget(label, 1)
        done = QToolButton()
        done.setText("Relance faite…")
        done.setToolTip("Enregistrer la relance comme un échange")
        done.clicked.connect(lambda _=False: self.complete(key, exchange["kind"], exchange.get("next_step", "")))
        edit = QToolButton()
        edit.setText("Modifier…")
        edit.setToolTip("Changer la date, qui relance ou la prochaine étape")
        edit.clicked.connect(lambda _=False: self.edit_followup(key))
        for button in (done, edit):
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self._followup_buttons.append(button)
            row.addWidget(button)
        return row

    def complete(self, key: str, kind: str, next_step: str) -> None:
        """The follow-up done: an exchange saying so (its dialog prefilled), one undo step."""
        if not self.editable:
            return
        text = f"Relance faite : {next_step}" if next_step else "Relance faite"
        dialog = ExchangeDialog(self, actor_name=self.actor_name, author=os_user(), title="Relance faite",
                                kind=kind, text=text, followup=False,
                                commit=lambda v: self.catalogue.complete_followup(
                                    key, kind=v["kind"], text=v["text"], day=v["date"]))
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def edit_followup(self, key: str) -> None:
        if self.editable and FollowupDialog.edit(self, self.catalogue, key, actor_name=self.actor_name):
            self.reload()
            self.changed.emit()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.editable and self.actor_id is not None)
        for button in self._delete_buttons + self._followup_buttons:
            button.setVisible(self.editable)

    def make_dialog(self) -> ExchangeDialog:
        actor_id = self.actor_id
        return ExchangeDialog(self, actor_name=self.actor_name, author=os_user(),
                              commit=lambda v: self.catalogue.add_exchange(actor_id, **v))

    def add(self) -> None:
        if self.actor_id is None or not self.editable:
            return
        if self.make_dialog().exec():
            self.reload()
            self.changed.emit()

    def delete(self, exchange_id: int) -> None:
        if not self.editable:
            return
        if confirm(self, "Supprimer l'échange", "Supprimer cet échange du suivi ?", "Supprimer",
                   informative="L'opération peut être annulée (Édition → Annuler)."):
            self._write(self.catalogue.delete_exchange, exchange_id)
