"""Bulk edit of a selection of actors: one ``Catalogue.bulk_update`` call, one undo step."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from ... import fields, french, vocab
from ...errors import UserError
from ...catalogue import Catalogue
from . import common
from ..text_safety import display_text, escape_tooltip, plain_label

NO_CHANGE = "— ne pas changer —"
CS = Qt.CheckState


class MultiTagCompleter(QCompleter):
    """Completes the last of several values separated by ';' in a QLineEdit."""

    def __init__(self, words: Sequence[str], line_edit: QLineEdit) -> None:
        super().__init__(list(words), line_edit)
        self._edit = line_edit
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        line_edit.setCompleter(self)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [path.split(";")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802 (Qt override)
        head = self._edit.text().split(";")[:-1]
        return "; ".join([h.strip() for h in head if h.strip()] + [str(index.data())])


def split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in text.replace(",", ";").split(";") if t.strip()))


class BulkEditDialog(QDialog):
    """Set the kind or status, add or remove domains, activities and tags on several actors.

    Each value of the domain and activity lists shows whether all (checked), some
    (partially checked) or none (unchecked) of the selected actors carry it; leaving a
    value as it was changes nothing, checking it adds it to all, unchecking removes it.
    ``exec()`` returns Accepted when at least one actor changed; ``changed_count`` says how many.
    """

    def __init__(self, catalogue: Catalogue, ids: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.ids = list(ids)
        self.changed_count = 0
        self.actors = catalogue.actors_by_ids(self.ids)
        n = len(self.actors)
        self.setWindowTitle("Modifier la sélection")

        layout = QVBoxLayout(self)
        self.count_label = QLabel(f"<b>{french.count(n, 'acteur sélectionné', 'acteurs sélectionnés')}</b>")
        names = ", ".join(display_text(a["name"], limit=80) for a in self.actors[:4]) + (" …" if n > 4 else "")
        self.count_label.setToolTip(escape_tooltip("\n".join(display_text(a["name"], limit=80)
                                                             for a in self.actors[:40]), limit=4000))
        layout.addWidget(self.count_label)
        names_label = plain_label(names, wrap=True, bounded=True)
        names_label.setStyleSheet("color: palette(mid);")
        layout.addWidget(names_label)

        form = QFormLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo.addItem(NO_CHANGE, None)
        for entry in catalogue.vocab_entries("kind", include_hidden=False):
            self.kind_combo.addItem(entry["label"], entry["slug"])
        self.status_combo = QComboBox()
        self.status_combo.addItem(NO_CHANGE, None)
        for slug, label in vocab.STATUSES.items():
            self.status_combo.addItem(label, slug)
        form.addRow("Type d'acteur :", self.kind_combo)
        form.addRow("Statut :", self.status_combo)
        layout.addLayout(form)

        lists = QGridLayout()
        self.domain_list = self._vocab_list("domain", "domains")
        self.activity_list = self._vocab_list("activity", "activities")
        for column, (title, widget) in enumerate(((fields.label("domains"), self.domain_list),
                                                  (fields.label("activities"), self.activity_list))):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(widget)
            lists.addWidget(box, 0, column)
        layout.addLayout(lists, 1)
        hint = QLabel("Coché : ajouté à tous · décoché : retiré de tous · "
                      "partiellement coché : inchangé (certains l'ont déjà).")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)

        tags_box = QGroupBox(fields.label("tags"))
        tags_layout = QHBoxLayout(tags_box)
        add_col = QVBoxLayout()
        add_col.addWidget(QLabel("Ajouter (séparées par « ; ») :"))
        self.add_tags_edit = QLineEdit()
        self.add_tags_edit.setPlaceholderText("ex. : a-contacter; salon-2025")
        self.add_tags_edit.setClearButtonEnabled(True)
        self.tag_completer = MultiTagCompleter(sorted(catalogue.all_tags()), self.add_tags_edit)
        add_col.addWidget(self.add_tags_edit)
        add_col.addStretch(1)
        tags_layout.addLayout(add_col, 1)
        remove_col = QVBoxLayout()
        remove_col.addWidget(QLabel("Retirer (cochez) :"))
        self.remove_tags_list = QListWidget()
        self.remove_tags_list.setMaximumHeight(110)
        present: dict[str, int] = {}
        for actor in self.actors:
            for tag in actor["tags"]:
                present[tag] = present.get(tag, 0) + 1
        for tag in sorted(present):
            item = QListWidgetItem(f"{tag} ({present[tag]})")
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(CS.Unchecked)
            self.remove_tags_list.addItem(item)
        if not present:
            self.remove_tags_list.addItem("(aucune étiquette sur la sélection)")
            self.remove_tags_list.setEnabled(False)
        remove_col.addWidget(self.remove_tags_list)
        tags_layout.addLayout(remove_col, 1)
        layout.addWidget(tags_box)

        self.message = plain_label("", wrap=True, bounded=True)  # errors quote the tags typed
        layout.addWidget(self.message)

        self.buttons = common.button_box(common.SB.Apply | common.SB.Cancel, self)
        self.apply_button = self.buttons.button(common.SB.Apply)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for combo in (self.kind_combo, self.status_combo):
            combo.currentIndexChanged.connect(self._update_state)
        for widget in (self.domain_list, self.activity_list, self.remove_tags_list):
            widget.itemChanged.connect(self._update_state)
        self.add_tags_edit.textChanged.connect(self._update_state)
        self._update_state()
        self.resize(720, 600)

    # ------------------------------------------------------------------ building
    def _vocab_list(self, name: str, field: str) -> QListWidget:
        widget = QListWidget()
        n = len(self.actors)
        for entry in self.catalogue.vocab_entries(name):
            have = sum(1 for a in self.actors if entry["slug"] in a[field])
            if entry["hidden"] and not have:
                continue
            label = entry["label"] + (" (masqué)" if entry["hidden"] else "")
            item = QListWidgetItem(label if not have or have == n else f"{label} ({have}/{n})")
            item.setData(Qt.ItemDataRole.UserRole, entry["slug"])
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            initial = CS.Unchecked if have == 0 else CS.Checked if have == n else CS.PartiallyChecked
            if initial == CS.PartiallyChecked:
                flags |= Qt.ItemFlag.ItemIsUserTristate
            item.setFlags(flags)
            item.setCheckState(initial)
            item.setData(Qt.ItemDataRole.UserRole + 1, initial.value)
            widget.addItem(item)
        return widget

    # ------------------------------------------------------------------ reading the form
    @staticmethod
    def _list_changes(widget: QListWidget) -> tuple[list[str], list[str]]:
        add, remove = [], []
        for row in range(widget.count()):
            item = widget.item(row)
            initial = item.data(Qt.ItemDataRole.UserRole + 1)
            if initial is None:
                continue
            state = item.checkState()
            if state.value == initial:
                continue
            if state == CS.Checked:
                add.append(item.data(Qt.ItemDataRole.UserRole))
            elif state == CS.Unchecked:
                remove.append(item.data(Qt.ItemDataRole.UserRole))
        return add, remove

    def changes(self) -> tuple[dict, dict[str, list[str]], dict[str, list[str]]]:
        """(set_values, add, remove) as ``Catalogue.bulk_update`` takes them."""
        set_values: dict = {}
        if self.kind_combo.currentData() is not None:
            set_values["kind"] = self.kind_combo.currentData()
        if self.status_combo.currentData() is not None:
            set_values["status"] = self.status_combo.currentData()
        add: dict[str, list[str]] = {}
        remove: dict[str, list[str]] = {}
        for field, widget in (("domains", self.domain_list), ("activities", self.activity_list)):
            plus, minus = self._list_changes(widget)
            if plus:
                add[field] = plus
            if minus:
                remove[field] = minus
        new_tags = split_tags(self.add_tags_edit.text())
        if new_tags:
            add["tags"] = new_tags
        drop = [self.remove_tags_list.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.remove_tags_list.count())
                if self.remove_tags_list.item(r).checkState() == CS.Checked]
        drop = [t for t in drop if t and t not in new_tags]
        if drop:
            remove["tags"] = drop
        return set_values, add, remove

    def _update_state(self, *_args) -> None:
        set_values, add, remove = self.changes()
        self.apply_button.setEnabled(bool(self.actors) and bool(set_values or add or remove))
        self.message.setText("")

    # ------------------------------------------------------------------ applying
    def apply(self) -> None:
        set_values, add, remove = self.changes()
        if not (set_values or add or remove):
            return
        try:
            self.changed_count = self.catalogue.bulk_update(self.ids, set_values=set_values, add=add, remove=remove)
        except UserError as exc:
            common.show_error(self, exc)
            return
        if self.changed_count:
            self.accept()
        else:
            self.message.setText("Aucun acteur n'a été modifié : ils avaient déjà ces valeurs.")
