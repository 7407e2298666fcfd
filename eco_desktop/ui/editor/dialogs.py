"""Dialogs of the record editor: a contact, a relation (with an actor picker), an exchange.

Each dialog validates what is typed as it is typed, and writes through a ``commit``
callback when accepted: a :class:`UserError` raised by the catalogue is shown and the
dialog stays open so nothing typed is lost.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QDate, QEvent, QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget,
)

from ... import fields, french, validate, vocab
from ...errors import UserError
from ..dialogs.common import SB, button_box, show_error
from ...text import fold
from .widgets import EDITOR_STYLE, FieldMessage, role_label, set_issue
from .followup import FollowupFields
from ..text_safety import display_text

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
CIVILITIES = ["", "Mme", "M.", "Dr", "Pr"]


class _CommitDialog(QDialog):
    """Base: OK runs ``commit(values)``; a UserError keeps the dialog open."""

    def __init__(self, title: str, commit: Callable[[dict], Any] | None, parent: QWidget | None,
                 ok_text: str = "Enregistrer") -> None:
        super().__init__(parent)
        self.setWindowTitle(display_text(title, limit=120))
        self.setStyleSheet(EDITOR_STYLE)
        self._commit = commit
        self.result_value: Any = None
        self.buttons = button_box(SB.Ok | SB.Cancel, self, Ok=ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def values(self) -> dict:
        raise NotImplementedError

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def accept(self) -> None:
        if not self.ok_button().isEnabled():
            return
        if self._commit is not None:
            try:
                self.result_value = self._commit(self.values())
            except UserError as exc:
                show_error(self, exc)
                return
        super().accept()


# -- contact -------------------------------------------------------------------------

class ContactDialog(_CommitDialog):
    """Add or edit one person of an actor; validated with ``validate.validate_contact``."""

    def __init__(self, parent: QWidget | None = None, contact: dict | None = None, *,
                 actor_name: str = "", commit: Callable[[dict], Any] | None = None,
                 custom: QWidget | None = None) -> None:
        """``custom``: the contact's custom fields (ui/custom_fields/section.py), shown under the form."""
        title = "Modifier le contact" if contact else "Nouveau contact"
        super().__init__(title + (f" — {actor_name}" if actor_name else ""), commit, parent)
        contact = dict(contact or {})
        self.setMinimumWidth(440)

        self.civility = QComboBox()
        self.civility.setEditable(True)
        self.civility.addItems(CIVILITIES)
        self.civility.setCurrentText(contact.get("civility") or "")
        self.first_name = QLineEdit(contact.get("first_name") or "")
        self.last_name = QLineEdit(contact.get("last_name") or "")
        self.role = QLineEdit(contact.get("role") or "")
        self.role.setPlaceholderText("ex. Directrice des opérations")
        self.email = QLineEdit(contact.get("email") or "")
        self.email.setPlaceholderText("prenom.nom@exemple.fr")
        self.phone = QLineEdit(validate.format_phone(contact.get("phone") or ""))
        self.phone.setPlaceholderText("01 23 45 67 89")
        self.legal_basis = QComboBox()
        self.legal_basis.addItem("Aucune enregistrée", "")
        for slug, label in vocab.LEGAL_BASES.items():
            self.legal_basis.addItem(label, slug)
        index = self.legal_basis.findData(contact.get("legal_basis") or "")
        self.legal_basis.setCurrentIndex(max(index, 0))
        self.basis_date = QLineEdit(contact.get("basis_date") or "")
        self.basis_date.setPlaceholderText("AAAA-MM-JJ")
        today = QToolButton()
        today.setText("Aujourd'hui")
        today.clicked.connect(lambda: self.basis_date.setText(QDate.currentDate().toString("yyyy-MM-dd")))
        self.opt_out = QCheckBox("S'oppose à recevoir des envois (opposition)")
        self.opt_out.setChecked(bool(contact.get("opt_out")))
        self.notes = QPlainTextEdit(contact.get("notes") or "")
        self.notes.setFixedHeight(64)
        self.notes.setTabChangesFocus(True)

        self.messages: dict[str, FieldMessage] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(self.basis_date, 1)
        date_row.addWidget(today)
        date_box = QWidget()
        date_box.setLayout(date_row)
        rows = [(fields.contact_label(key), key, widget) for key, widget in (
            ("civility", self.civility), ("first_name", self.first_name), ("last_name", self.last_name),
            ("role", self.role), ("email", self.email), ("phone", self.phone),
            ("legal_basis", self.legal_basis))]
        rows += [("Date de la base", "basis_date", date_box), ("", "opt_out", self.opt_out),
                 (fields.contact_label("notes"), "notes", self.notes)]
        for label, key, widget in rows:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(widget)
            message = FieldMessage()
            column.addWidget(message)
            self.messages[key] = message
            form.addRow(label, box)
        hint = role_label("Un contact est utilisable pour les envois lorsqu'une base légale est "
                          "enregistrée et qu'il ne s'y est pas opposé.")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if custom is not None:  # custom fields
            layout.addWidget(role_label("Champs personnalisés (enregistrés à chaque modification) :"))
            layout.addWidget(custom)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

        for widget in (self.first_name, self.last_name, self.role, self.email, self.phone, self.basis_date):
            widget.textChanged.connect(self._validate)
        self.civility.currentTextChanged.connect(self._validate)
        self.legal_basis.currentIndexChanged.connect(self._validate)
        self.opt_out.toggled.connect(self._validate)
        self.first_name.setFocus() if contact else self.civility.setFocus()
        self._validate()

    def values(self) -> dict:
        return {
            "civility": self.civility.currentText().strip(),
            "first_name": self.first_name.text().strip(),
            "last_name": self.last_name.text().strip(),
            "role": self.role.text().strip(),
            "email": validate.normalize_email(self.email.text()),
            "phone": validate.normalize_phone(self.phone.text()),
            "legal_basis": self.legal_basis.currentData() or "",
            "basis_date": self.basis_date.text().strip(),
            "opt_out": self.opt_out.isChecked(),
            "notes": self.notes.toPlainText().strip(),
        }

    def _validate(self) -> None:
        data = self.values()
        data["email"], data["phone"] = self.email.text(), self.phone.text()
        issues = validate.validate_contact(data)
        by_field: dict[str, list[validate.Issue]] = {}
        for issue in issues:
            by_field.setdefault(issue.field, []).append(issue)
        inputs = {"first_name": self.first_name, "last_name": self.last_name, "email": self.email,
                  "phone": self.phone, "basis_date": self.basis_date}
        # Before anything is typed, do not shout: the OK button is simply disabled.
        pristine = not any(data[k] for k in ("first_name", "last_name", "email"))
        for key, message in self.messages.items():
            found = by_field.get(key, [])
            level = "error" if any(i.level == "error" for i in found) else ("warning" if found else None)
            if pristine and key == "last_name":
                level, found = None, []
            message.show_issues(level, [i.message for i in found])
            if key in inputs:
                set_issue(inputs[key], level)
        self.ok_button().setEnabled(not validate.errors(issues))


# -- relation ------------------------------------------------------------------------

_FOLDED: dict[str, str] = {}


def _folded(name: str) -> str:
    """fold(name), remembered: opening the picker again over 100,000 names stays quick."""
    key = _FOLDED.get(name)
    if key is None:
        if len(_FOLDED) > 500_000:
            _FOLDED.clear()
        key = _FOLDED[name] = fold(name)
    return key


class ActorPicker(QWidget):
    """A search field over the actors (accent- and case-insensitive, every word must match).

    Only the first ``LIMIT`` matches are listed, so that typing stays instant with
    100,000 actors; names are folded once.
    """

    LIMIT = 300

    def __init__(self, names: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = [(actor_id, name, _folded(name)) for actor_id, name in names]
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un acteur…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        self.list.setUniformItemSizes(True)
        self.count = role_label("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._pick_first)
        self.search.installEventFilter(self)
        self.apply_filter("")

    def apply_filter(self, text: str) -> None:
        words = sorted(fold(text).split(), key=len, reverse=True)  # the most selective first
        candidates = self._names
        for word in words:
            candidates = [entry for entry in candidates if word in entry[2]]
        matches = [(i, n) for i, n, _key in candidates]
        previous = self.selected_id()
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        for actor_id, name in matches[:self.LIMIT]:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, actor_id)
            self.list.addItem(item)
        self.list.setUpdatesEnabled(True)
        if previous is None or not self.select(previous):
            self.list.setCurrentRow(0 if words and self.list.count() else -1)
        shown = len(matches)
        if not shown:
            self.count.setText("Aucun acteur ne correspond.")
        elif shown > self.LIMIT:
            self.count.setText(f"{shown} acteurs ; les {self.LIMIT} premiers sont listés, précisez la recherche.")
        else:
            self.count.setText(french.count(shown, "acteur"))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        # Up/Down in the search field move in the list, as in a completer.
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            if 0 <= row < self.list.count():
                self.list.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _pick_first(self) -> None:
        if self.list.currentItem() is not None:
            self.list.setFocus()

    def visible_names(self) -> list[str]:
        return [self.list.item(r).text() for r in range(self.list.count())]

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select(self, actor_id: int) -> bool:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == actor_id:
                self.list.setCurrentItem(item)
                return True
        return False


class RelationDialog(_CommitDialog):
    """Relate the current actor to another: a type in either direction and the other actor.

    ``values()`` gives ``{"source_id", "type", "target_id", "note"}``.
    """

    def __init__(self, actor_id: int, actor_name: str, names: list[tuple[int, str]],
                 parent: QWidget | None = None, *, commit: Callable[[dict], Any] | None = None) -> None:
        super().__init__(f"Nouvelle relation — {actor_name}", commit, parent, ok_text="Ajouter")
        self.setMinimumSize(460, 480)
        self._actor_id = actor_id
        self.type = QComboBox()
        self.type.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        shown = display_text(actor_name, limit=60)
        for rel_type, (out_label, in_label) in vocab.RELATION_TYPES.items():
            self.type.addItem(f"« {shown} » {out_label} …", f"{rel_type}:out")
            if in_label != out_label:
                self.type.addItem(f"« {shown} » {in_label} …", f"{rel_type}:in")
        self.picker = ActorPicker([(i, n) for i, n in names if i != actor_id])
        self.note = QLineEdit()
        self.note.setPlaceholderText("Facultatif : source, précision…")
        self.summary = role_label("")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Relation", self.type)
        form.addRow("Acteur", self.picker)
        form.addRow("Note", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.type.currentIndexChanged.connect(self._update)
        self.picker.list.currentItemChanged.connect(self._update)
        self.picker.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._actor_name = actor_name
        self.picker.search.setFocus()
        self._update()

    def set_type(self, rel_type: str, direction: str = "out") -> bool:
        index = self.type.findData(f"{rel_type}:{direction}")
        if index < 0 and rel_type in vocab.RELATION_TYPES:
            index = self.type.findData(f"{rel_type}:out")
        if index >= 0:
            self.type.setCurrentIndex(index)
        return index >= 0

    def values(self) -> dict:
        rel_type, direction = self.type.currentData().split(":")
        other = self.picker.selected_id()
        source, target = (self._actor_id, other) if direction == "out" else (other, self._actor_id)
        return {"source_id": source, "type": rel_type, "target_id": target, "note": self.note.text().strip()}

    def _update(self, *_args) -> None:
        other = self.picker.list.currentItem()
        ok = other is not None
        self.ok_button().setEnabled(ok)
        if ok:
            rel_type, direction = self.type.currentData().split(":")
            out_label, in_label = vocab.RELATION_TYPES[rel_type]
            label = out_label if direction == "out" else in_label
            back = in_label if direction == "out" else out_label
            self.summary.setText(f"« {self._actor_name} » {label} « {other.text()} » ; "
                                 f"vu de l'autre côté : « {other.text()} » {back} « {self._actor_name} ».")
        else:
            self.summary.setText("Choisissez l'acteur lié dans la liste.")


# -- exchange ------------------------------------------------------------------------

class ExchangeDialog(_CommitDialog):
    """A dated exchange with the actor: meeting, call, e-mail or note."""

    def __init__(self, parent: QWidget | None = None, *, actor_name: str = "", author: str = "",
                 commit: Callable[[dict], Any] | None = None, title: str = "Nouvel échange",
                 kind: str = "", text: str = "", followup: bool = True) -> None:
        """``followup``: with the follow-up's fields (not for the exchange recording one done)."""
        super().__init__(title + (f" — {actor_name}" if actor_name else ""), commit, parent,
                         ok_text="Ajouter")
        self.setMinimumWidth(440)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setLocale(FRENCH)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.calendarWidget().setLocale(FRENCH)
        self.kind = QComboBox()
        for slug, label in vocab.EXCHANGE_KINDS.items():
            self.kind.addItem(label, slug)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.author = QLineEdit(author)
        self.text = QPlainTextEdit(text)
        self.text.setPlaceholderText("Ce qui a été dit, décidé, à suivre…")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(120)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Date", self.date)
        form.addRow("Type", self.kind)
        form.addRow("Auteur", self.author)
        form.addRow("Texte", self.text)
        self.followup = FollowupFields(form, self, who=author) if followup else None
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self.kind.currentIndexChanged.connect(self._update)
        self.text.setFocus()
        self._update()

    def values(self) -> dict:
        return {"date": self.date.date().toString("yyyy-MM-dd"), "kind": self.kind.currentData(),
                "author": self.author.text().strip(), "text": self.text.toPlainText().strip(),
                **(self.followup.values() if self.followup is not None else {})}

    def _update(self) -> None:
        # A note needs a text; a meeting or a call may be recorded by its date alone.
        needs_text = self.kind.currentData() == "note"
        self.ok_button().setEnabled(bool(self.text.toPlainText().strip()) or not needs_text)


__all__ = ["ActorPicker", "ContactDialog", "ExchangeDialog", "RelationDialog"]
