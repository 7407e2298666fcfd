"""Outils → Champs personnalisés… : the fields of the officers' own, for actors and
contacts — label, type, unit, order, and the choices of a « one / several choices »
field, edited like a vocabulary. Each change is one write of the catalogue (an undo
step); renaming and deleting ask first, and deleting a choice in use says how many
records have it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ... import french
from ...catalogue.custom_fields import CHOICE_TYPES, ENTITIES, TYPES
from ...errors import UserError
from ..dialogs import common
from ..text_safety import display_text

IdRole = Qt.ItemDataRole.UserRole + 1
_RECORDS = {"actor": ("acteur", "acteurs"), "contact": ("contact", "contacts")}


class NewFieldDialog(QDialog):
    """The label, type, unit and (for a choice field) first choices of a new field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nouveau champ personnalisé")
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("Exemple : Montant levé")
        self.type_combo = QComboBox()
        for kind, name in TYPES.items():
            self.type_combo.addItem(name, kind)
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText("Exemple : €")
        self.choices_edit = QPlainTextEdit()
        self.choices_edit.setPlaceholderText("Un choix par ligne")
        self.choices_edit.setFixedHeight(90)
        form = QFormLayout()
        form.addRow("Libellé :", self.label_edit)
        form.addRow("Type :", self.type_combo)
        form.addRow("Unité :", self.unit_edit)
        form.addRow("Choix :", self.choices_edit)
        self.buttons = common.button_box(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                         self, Ok="Ajouter")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.type_combo.currentIndexChanged.connect(self._update)
        self.label_edit.textChanged.connect(self._update)
        self._update()

    def kind(self) -> str:
        return self.type_combo.currentData()

    def choices(self) -> list[str]:
        return [line.strip() for line in self.choices_edit.toPlainText().splitlines() if line.strip()]

    def _update(self) -> None:
        self.unit_edit.setEnabled(self.kind() == "number")
        self.choices_edit.setEnabled(self.kind() in CHOICE_TYPES)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.label_edit.text().strip()))


class CustomFieldsDialog(QDialog):
    """The fields of one entity at a time (actors or contacts) and their choices."""

    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.setWindowTitle("Champs personnalisés")
        self.resize(720, 460)
        self.entity_combo = QComboBox()
        for entity, name in ENTITIES.items():
            self.entity_combo.addItem(name, entity)
        self.entity_combo.currentIndexChanged.connect(lambda *_: self.reload())

        self.fields_list = QListWidget()
        self.fields_list.setAccessibleName("Champs")
        self.fields_list.currentRowChanged.connect(lambda *_: self._field_chosen())
        self.add_button = QPushButton("Ajouter…")
        self.rename_button = QPushButton("Renommer…")
        self.unit_button = QPushButton("Unité…")
        self.up_button = QPushButton("Monter")
        self.down_button = QPushButton("Descendre")
        self.delete_button = QPushButton("Supprimer…")
        for button, slot in ((self.add_button, self.add_field), (self.rename_button, self.rename_field),
                             (self.unit_button, self.change_unit), (self.up_button, lambda: self.move_field(-1)),
                             (self.down_button, lambda: self.move_field(1)), (self.delete_button, self.delete_field)):
            button.clicked.connect(slot)

        self.choices_title = QLabel("Choix du champ")
        self.choices_list = QListWidget()
        self.choices_list.setAccessibleName("Choix")
        self.choices_list.currentRowChanged.connect(lambda *_: self._update_buttons())
        self.add_choice_button = QPushButton("Ajouter…")
        self.rename_choice_button = QPushButton("Renommer…")
        self.choice_up_button = QPushButton("Monter")
        self.choice_down_button = QPushButton("Descendre")
        self.delete_choice_button = QPushButton("Supprimer…")
        for button, slot in ((self.add_choice_button, self.add_choice),
                             (self.rename_choice_button, self.rename_choice),
                             (self.choice_up_button, lambda: self.move_choice(-1)),
                             (self.choice_down_button, lambda: self.move_choice(1)),
                             (self.delete_choice_button, self.delete_choice)):
            button.clicked.connect(slot)

        top = QHBoxLayout()
        top.addWidget(QLabel("Champs des :"))
        top.addWidget(self.entity_combo)
        top.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(self._column(QLabel("Champs, dans l'ordre de la fiche"), self.fields_list,
                                       (self.add_button, self.rename_button, self.unit_button, self.up_button,
                                        self.down_button, self.delete_button)), 3)
        columns.addLayout(self._column(self.choices_title, self.choices_list,
                                       (self.add_choice_button, self.rename_choice_button, self.choice_up_button,
                                        self.choice_down_button, self.delete_choice_button)), 2)
        hint = QLabel("Chaque modification s'annule par Édition → Annuler (Ctrl+Z). Les champs à choix et "
                      "oui / non deviennent des filtres ; nombres et dates se filtrent par intervalle.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        close = common.button_box(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.reload()

    @staticmethod
    def _column(title: QLabel, listing: QListWidget, buttons) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(title)
        row = QHBoxLayout()
        row.addWidget(listing, 1)
        side = QVBoxLayout()
        for button in buttons:
            side.addWidget(button)
        side.addStretch(1)
        row.addLayout(side)
        column.addLayout(row, 1)
        return column

    # ------------------------------------------------------------------ state
    def entity(self) -> str:
        return self.entity_combo.currentData()

    def fields(self) -> list[dict]:
        return self.catalogue.custom_fields(self.entity())

    def current_field(self) -> dict | None:
        item = self.fields_list.currentItem()
        if item is None:
            return None
        return next((f for f in self.fields() if f["id"] == item.data(IdRole)), None)

    def current_choice(self) -> dict | None:
        field, item = self.current_field(), self.choices_list.currentItem()
        if field is None or item is None:
            return None
        return next((c for c in field["choices"] if c["slug"] == item.data(IdRole)), None)

    def reload(self, field_id: int | None = None, slug: str | None = None) -> None:
        current = self.current_field()
        field_id = field_id if field_id is not None else (current["id"] if current else None)
        self.fields_list.blockSignals(True)
        self.fields_list.clear()
        for field in self.fields():
            unit = f" ({field['unit']})" if field["unit"] else ""
            item = QListWidgetItem(display_text(f"{field['label']}{unit} — {TYPES[field['type']]}"))
            item.setData(IdRole, field["id"])
            item.setToolTip(f"Clé (ligne de commande, filtres) : {field['key']}")
            self.fields_list.addItem(item)
            if field["id"] == field_id:
                self.fields_list.setCurrentItem(item)
        if self.fields_list.currentRow() < 0 and self.fields_list.count():
            self.fields_list.setCurrentRow(0)
        self.fields_list.blockSignals(False)
        self._field_chosen(slug)

    def _field_chosen(self, slug: str | None = None) -> None:
        field = self.current_field()
        self.choices_list.clear()
        has_choices = field is not None and field["type"] in CHOICE_TYPES
        self.choices_title.setText(f"Choix de « {display_text(field['label'], limit=40)} »" if has_choices
                                   else "Choix (champs « un choix » ou « plusieurs choix »)")
        if has_choices:
            for choice in field["choices"]:
                item = QListWidgetItem(display_text(choice["label"]))
                item.setData(IdRole, choice["slug"])
                self.choices_list.addItem(item)
                if choice["slug"] == slug:
                    self.choices_list.setCurrentItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        field = self.current_field()
        writable = not self.catalogue.read_only
        for button in (self.rename_button, self.delete_button, self.up_button, self.down_button):
            button.setEnabled(writable and field is not None)
        self.add_button.setEnabled(writable)
        self.unit_button.setEnabled(writable and field is not None and field["type"] == "number")
        has_choices = writable and field is not None and field["type"] in CHOICE_TYPES
        self.add_choice_button.setEnabled(has_choices)
        chosen = has_choices and self.current_choice() is not None
        for button in (self.rename_choice_button, self.choice_up_button, self.choice_down_button,
                       self.delete_choice_button):
            button.setEnabled(chosen)

    def _write(self, action) -> bool:
        try:
            action()
        except UserError as exc:
            common.show_error(self, exc)
            return False
        return True

    # ------------------------------------------------------------------ fields
    def add_field(self) -> None:
        dialog = NewFieldDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.create_field(dialog.label_edit.text(), dialog.kind(), dialog.unit_edit.text(), dialog.choices())

    def create_field(self, label: str, kind: str, unit: str = "", choices: list[str] = ()) -> int | None:
        """Add a field (what « Ajouter… » does with the new field's dialog)."""
        made: list[int] = []
        if self._write(lambda: made.append(self.catalogue.add_custom_field(
                self.entity(), label, kind, unit=unit if kind == "number" else "", choices=choices))):
            self.reload(made[0])
            return made[0]
        return None

    def rename_field(self) -> None:
        field = self.current_field()
        if field is None:
            return
        label = common.ask_text(self, "Renommer le champ", f"Nouveau libellé du champ « {field['label']} » :",
                                field["label"], ok_text="Renommer")
        if not label or label == field["label"]:
            return
        used = self.catalogue.custom_field_usage(field["id"])
        one, many = _RECORDS[field["entity"]]
        if not common.confirm(self, "Renommer le champ", f"Renommer « {field['label']} » en « {label} » ?",
                              "Renommer", informative=f"Le champ a une valeur dans {french.count(used, one, many)} ; "
                              "sa clé (« " + field["key"] + " ») ne change pas : les vues enregistrées et la "
                              "ligne de commande le retrouvent. Ctrl+Z annule."):
            return
        if self._write(lambda: self.catalogue.update_custom_field(field["id"], label=label)):
            self.reload(field["id"])

    def change_unit(self) -> None:
        field = self.current_field()
        if field is None:
            return
        unit = common.ask_text(self, "Unité du champ", f"Unité de « {field['label']} » (€, %, salariés…) :",
                               field["unit"])
        if unit is not None and self._write(lambda: self.catalogue.update_custom_field(field["id"], unit=unit)):
            self.reload(field["id"])

    def move_field(self, offset: int) -> None:
        field = self.current_field()
        if field is not None and self._write(lambda: self.catalogue.move_custom_field(field["id"], offset)):
            self.reload(field["id"])

    def delete_field(self) -> None:
        field = self.current_field()
        if field is None:
            return
        used = self.catalogue.custom_field_usage(field["id"])
        one, many = _RECORDS[field["entity"]]
        detail = (f"Ses valeurs seront effacées de {french.count(used, one, many)}." if used
                  else "Aucune fiche n'a de valeur pour ce champ.")
        if not common.confirm(self, "Supprimer le champ", f"Supprimer le champ « {field['label']} » ?", "Supprimer",
                              informative=detail + " Ctrl+Z annule la suppression.", danger=bool(used)):
            return
        if self._write(lambda: self.catalogue.delete_custom_field(field["id"])):
            self.reload()

    # ------------------------------------------------------------------ choices
    def add_choice(self) -> None:
        field = self.current_field()
        if field is None:
            return
        label = common.ask_text(self, "Ajouter un choix", f"Nouveau choix de « {field['label']} » :",
                                ok_text="Ajouter")
        slug: list[str] = []
        if label and self._write(lambda: slug.append(self.catalogue.add_custom_choice(field["id"], label))):
            self.reload(field["id"], slug[0])

    def rename_choice(self) -> None:
        field, choice = self.current_field(), self.current_choice()
        if choice is None:
            return
        label = common.ask_text(self, "Renommer le choix", f"Nouveau libellé du choix « {choice['label']} » :",
                                choice["label"], ok_text="Renommer")
        if label and label != choice["label"] and self._write(
                lambda: self.catalogue.rename_custom_choice(field["id"], choice["slug"], label)):
            self.reload(field["id"], choice["slug"])

    def move_choice(self, offset: int) -> None:
        field, choice = self.current_field(), self.current_choice()
        if choice is not None and self._write(
                lambda: self.catalogue.move_custom_choice(field["id"], choice["slug"], offset)):
            self.reload(field["id"], choice["slug"])

    def delete_choice(self) -> None:
        field, choice = self.current_field(), self.current_choice()
        if choice is None:
            return
        used = self.catalogue.custom_choice_usage(field["id"], choice["slug"])
        one, many = _RECORDS[field["entity"]]
        detail = (f"Ce choix est utilisé par {french.count(used, one, many)} : il sera retiré de leurs fiches."
                  if used else "Aucune fiche n'a ce choix.")
        if not common.confirm(self, "Supprimer le choix", f"Supprimer le choix « {choice['label']} » ?", "Supprimer",
                              informative=detail + " Ctrl+Z annule la suppression.", danger=bool(used)):
            return
        if self._write(lambda: self.catalogue.delete_custom_choice(field["id"], choice["slug"])):
            self.reload(field["id"])
