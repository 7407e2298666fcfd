"""Outils → Vocabulaires et étiquettes: rename, hide, colour and add kinds, domains and
activities; rename or merge tags; the kinds an import proposes from a NAF code or a type of
structure (kind_rules.py); the search's synonyms (synonyms.py). Every change is written at
once (each undoable)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QColorDialog, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ... import fields, french
from ...errors import UserError
from ...filter import Filter
from ...catalogue.kind_rules import SOURCES
from ...catalogue import Catalogue
from . import common
from .cells import table_cell
from .synonyms import SynonymsTab
from ..text_safety import plain_label
from ..theme import chip_icon

TABS = (("kind", "Types d'acteurs"), ("domain", fields.label("domains")),
        ("activity", fields.label("activities")))
SLUG_ROLE = Qt.ItemDataRole.UserRole
LABEL, SLUG, COUNT, HIDDEN, COLOR = range(5)


def choose_color(parent: QWidget | None, current: str) -> str | None:
    """Ask for a colour; '#rrggbb', or None when cancelled."""
    color = QColorDialog.getColor(QColor(current or "#777777"), parent, "Couleur du type d'acteur")
    return color.name() if color.isValid() else None


def hint_and_button(layout: QVBoxLayout, hint: str, text: str, clicked) -> QPushButton:
    """A row under a tab's table: a grey hint, and the tab's action button on its right."""
    row = QHBoxLayout()
    label = QLabel(hint)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(mid);")
    row.addWidget(label, 1)
    button = QPushButton(text)
    button.clicked.connect(clicked)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    layout.addLayout(row)
    return button


class VocabularyTab(QWidget):
    """The table of one vocabulary: label (editable), identifier, actors, hidden, colour."""

    def __init__(self, dialog: "VocabularyDialog", name: str) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.catalogue = dialog.catalogue
        self.name = name
        self._loading = False
        layout = QVBoxLayout(self)
        headers = ["Libellé", "Identifiant", "Acteurs", "Masqué"] + (["Couleur"] if name == "kind" else [])
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        layout.addWidget(self.table)
        self.add_button = hint_and_button(
            layout, "Double-cliquez un libellé pour le renommer"
            + (", une couleur pour la changer." if name == "kind" else ".")
            + " Une valeur masquée n'est plus proposée mais reste sur les fiches.",
            "Ajouter…", self.add_value)
        self.reload()

    def reload(self) -> None:
        self._loading = True
        try:
            facet = {"kind": "kind", "domain": "domain", "activity": "activity"}[self.name]
            counts = {c["value"]: c["count"] for c in self.catalogue.facet_counts(Filter())[facet]}
            entries = self.catalogue.vocab_entries(self.name)
            self.table.setRowCount(len(entries))
            for row, entry in enumerate(entries):
                # Items are updated in place: a reload may run inside their itemChanged signal.
                label = self._cell(row, LABEL, Qt.ItemFlag.ItemIsEditable)
                label.setText(entry["label"])
                label.setData(SLUG_ROLE, entry["slug"])
                slug = self._cell(row, SLUG)
                slug.setText(entry["slug"])
                slug.setForeground(self.palette().placeholderText())
                count = self._cell(row, COUNT)
                count.setData(Qt.ItemDataRole.DisplayRole, counts.get(entry["slug"], 0))
                count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                hidden = self._cell(row, HIDDEN, Qt.ItemFlag.ItemIsUserCheckable)
                hidden.setCheckState(Qt.CheckState.Checked if entry["hidden"] else Qt.CheckState.Unchecked)
                hidden.setToolTip("Masquée : plus proposée dans les listes, mais conservée sur les fiches")
                if self.name == "kind":
                    color = self._cell(row, COLOR)
                    color.setIcon(chip_icon(entry["color"] or "#777777"))
                    color.setText(entry["color"] or "")
                    color.setToolTip("Double-cliquez pour changer la couleur")
        finally:
            self._loading = False

    def _cell(self, row: int, column: int, extra=Qt.ItemFlag.NoItemFlags) -> QTableWidgetItem:
        return table_cell(self.table, row, column, extra)

    def row_of(self, slug: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, LABEL).data(SLUG_ROLE) == slug:
                return row
        return -1

    def _slug(self, row: int) -> str:
        return self.table.item(row, LABEL).data(SLUG_ROLE)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        slug = self._slug(item.row())
        if item.column() == LABEL:
            self.dialog.write(lambda: self.catalogue.set_vocab_entry(self.name, slug, label=item.text()))
        elif item.column() == HIDDEN:
            hidden = item.checkState() == Qt.CheckState.Checked
            self.dialog.write(lambda: self.catalogue.set_vocab_entry(self.name, slug, hidden=hidden))

    def _double_clicked(self, row: int, column: int) -> None:
        if self.name != "kind" or column != COLOR:
            return
        current = self.table.item(row, COLOR).text()
        color = choose_color(self, current)
        if color and color != current:
            slug = self._slug(row)
            self.dialog.write(lambda: self.catalogue.set_vocab_entry(self.name, slug, color=color))

    def add_value(self) -> None:
        what = dict(TABS)[self.name].lower()
        label = common.ask_text(self, "Ajouter une valeur", f"Libellé de la nouvelle valeur ({what}) :",
                                ok_text="Ajouter")
        if not label:
            return
        color = "#777777" if self.name == "kind" else ""
        slug = self.dialog.write(lambda: self.catalogue.add_vocab_entry(self.name, label, color=color))
        row = self.row_of(slug) if slug else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, LABEL))


class TagsTab(QWidget):
    """Every tag with its number of actors; rename (or merge into an existing tag)."""

    def __init__(self, dialog: "VocabularyDialog") -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.catalogue = dialog.catalogue
        layout = QVBoxLayout(self)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filtrer les étiquettes…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter_edit)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Étiquette", "Acteurs"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda *_: self.rename_selected())
        layout.addWidget(self.table)
        self.rename_button = hint_and_button(
            layout, "Renommer une étiquette en une étiquette existante fusionne les deux.",
            "Renommer…", self.rename_selected)
        self.reload()

    def reload(self) -> None:
        self.table.setSortingEnabled(False)
        tags = self.catalogue.all_tags()
        self.table.setRowCount(len(tags))
        for row, (tag, count) in enumerate(tags.items()):
            name = QTableWidgetItem(tag)
            self.table.setItem(row, 0, name)
            number = QTableWidgetItem()
            number.setData(Qt.ItemDataRole.DisplayRole, count)
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, number)
        self.table.setSortingEnabled(True)
        self._apply_filter(self.filter_edit.text())
        self._update_buttons()

    def _apply_filter(self, text: str) -> None:
        from ...text import fold
        needle = fold(text.strip())
        for row in range(self.table.rowCount()):
            self.table.setRowHidden(row, bool(needle) and needle not in fold(self.table.item(row, 0).text()))

    def select_tag(self, tag: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == tag:
                self.table.selectRow(row)
                return True
        return False

    def selected_tag(self) -> str | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.table.item(rows.pop(), 0).text() if rows else None

    def _update_buttons(self) -> None:
        self.rename_button.setEnabled(self.selected_tag() is not None)

    def rename_selected(self) -> None:
        old = self.selected_tag()
        if old is None:
            return
        new = common.ask_text(self, "Renommer l'étiquette",
                              f"Nouveau nom de « {old} » (s'il existe déjà, les deux étiquettes seront fusionnées) :",
                              text=old, ok_text="Renommer")
        if not new or new == old:
            return
        merging = new in self.catalogue.all_tags()
        count = self.dialog.write(lambda: self.catalogue.rename_tag(old, new))
        if count is None:
            return
        self.select_tag(new)
        done = f"« {old} » fusionnée dans « {new} »" if merging else f"« {old} » renommée en « {new} »"
        self.dialog.status.setText(f"{done} ({french.count(count, 'acteur')}).")


class KindRulesTab(QWidget):
    """« Types proposés à l'import »: code NAF or type of structure -> kind, for imported rows
    whose file gives no type. The code (or type) is edited in place, the kind in a list."""

    RULE, PATTERN, KIND = range(3)

    def __init__(self, dialog: "VocabularyDialog") -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.catalogue = dialog.catalogue
        self._loading = False
        layout = QVBoxLayout(self)
        intro = QLabel("Quand un fichier importé ne donne pas le type d'un acteur (et qu'aucun type par "
                       "défaut n'est choisi), le type est proposé d'après son code NAF (un code complet, "
                       "ou son début : « 21 » pour toute l'industrie pharmaceutique ; le plus long "
                       "l'emporte) ou d'après le type de structure des listes de recherche "
                       "(« Unité mixte de recherche »).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Règle", "Code NAF ou type de structure", "Type proposé"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.RULE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.PATTERN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.KIND, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_naf_button = QPushButton("Ajouter un code NAF…")
        self.add_naf_button.clicked.connect(lambda: self.add_rule("naf"))
        self.add_structure_button = QPushButton("Ajouter un type de structure…")
        self.add_structure_button.clicked.connect(lambda: self.add_rule("structure"))
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.add_naf_button, self.add_structure_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        # Items and lists are updated in place: a reload runs inside their own change signals.
        self._loading = True
        try:
            kinds = self.catalogue.vocabulary("kind")
            rules = self.catalogue.kind_rules()
            self.table.setRowCount(len(rules))
            for row, rule in enumerate(rules):
                source = self._cell(row, self.RULE)
                source.setText(SOURCES[rule["source"]])
                source.setData(SLUG_ROLE, rule["id"])
                self._cell(row, self.PATTERN, Qt.ItemFlag.ItemIsEditable).setText(rule["pattern"])
                choice = self.table.cellWidget(row, self.KIND)
                if choice is None:
                    choice = QComboBox()
                    choice.currentIndexChanged.connect(
                        lambda _i, box=choice: self._kind_chosen(box))
                    self.table.setCellWidget(row, self.KIND, choice)
                choice.blockSignals(True)
                choice.clear()
                for slug, label in kinds.items():
                    choice.addItem(label, slug)
                choice.setCurrentIndex(max(0, choice.findData(rule["kind"])))
                choice.setProperty("rule_id", rule["id"])
                choice.blockSignals(False)
        finally:
            self._loading = False
        self._update_buttons()

    def _cell(self, row: int, column: int, extra=Qt.ItemFlag.NoItemFlags) -> QTableWidgetItem:
        return table_cell(self.table, row, column, extra)

    def rule_id(self, row: int) -> int:
        return self.table.item(row, self.RULE).data(SLUG_ROLE)

    def row_of(self, pattern: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, self.PATTERN).text() == pattern:
                return row
        return -1

    def _selected_row(self) -> int:
        rows = {i.row() for i in self.table.selectedItems()}
        return rows.pop() if len(rows) == 1 else -1

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self._selected_row() >= 0)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != self.PATTERN:
            return
        rule_id, text = self.rule_id(item.row()), item.text()
        self.dialog.write(lambda: self.catalogue.set_kind_rule(rule_id, pattern=text))

    def _kind_chosen(self, box: QComboBox) -> None:
        if not self._loading:
            rule_id, kind = box.property("rule_id"), box.currentData()
            self.dialog.write(lambda: self.catalogue.set_kind_rule(rule_id, kind=kind))

    def add_rule(self, source: str) -> None:
        what = "Code NAF (ou son début, par exemple 72.11Z ou 21)" if source == "naf" \
            else "Type de structure (par exemple « Unité mixte de recherche »)"
        pattern = common.ask_text(self, "Ajouter une règle", f"{what} :", ok_text="Ajouter")
        if not pattern:
            return
        # A new rule proposes the first kind; the list beside it changes it.
        kind = next(iter(self.catalogue.vocabulary("kind")), "")
        rule_id = self.dialog.write(lambda: self.catalogue.add_kind_rule(source, pattern, kind))
        if rule_id is None:
            return
        for row in range(self.table.rowCount()):
            if self.rule_id(row) == rule_id:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, self.PATTERN))

    def delete_selected(self) -> None:
        row = self._selected_row()
        if row >= 0:
            rule_id = self.rule_id(row)
            self.dialog.write(lambda: self.catalogue.delete_kind_rule(rule_id))


class VocabularyDialog(QDialog):
    """Tabs Types d'acteurs / Domaines / Activités / Étiquettes / Types proposés à l'import /
    Synonymes. Emits ``changed`` after each write."""

    changed = Signal()

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.setWindowTitle("Vocabulaires et étiquettes")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.vocab_tabs: dict[str, VocabularyTab] = {}
        for name, title in TABS:
            tab = VocabularyTab(self, name)
            self.vocab_tabs[name] = tab
            self.tabs.addTab(tab, title)
        self.tags_tab = TagsTab(self)
        self.tabs.addTab(self.tags_tab, fields.label("tags"))
        self.rules_tab = KindRulesTab(self)
        self.tabs.addTab(self.rules_tab, "Types proposés à l'import")
        self.synonyms_tab = SynonymsTab(self)
        self.tabs.addTab(self.synonyms_tab, "Synonymes")
        layout.addWidget(self.tabs, 1)
        self.status = plain_label("", wrap=True, bounded=True)  # quotes the labels and tags renamed
        layout.addWidget(self.status)
        self.buttons = common.button_box(common.SB.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(common.SB.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(760, 560)

    def write(self, action):
        """Run one catalogue write; on a UserError show it. Reloads the tabs, emits ``changed``."""
        try:
            result = action()
        except UserError as exc:
            common.show_error(self, exc)
            result = None
            failed = True
        else:
            failed = False
            self.status.setText("Modification enregistrée (Ctrl+Z dans la fenêtre principale pour l'annuler).")
        for tab in self.vocab_tabs.values():
            tab.reload()
        self.tags_tab.reload()
        self.rules_tab.reload()
        self.synonyms_tab.reload()
        if not failed:
            self.changed.emit()
        return result
