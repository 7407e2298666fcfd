"""Saved views: manage (rename, delete) and name a new one ("Enregistrer la vue…")."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter, QTextBrowser,
    QVBoxLayout, QWidget,
)

from ...errors import UserError
from ...catalogue import Catalogue
from . import common
from ..text_safety import escape_html

ID_ROLE = Qt.ItemDataRole.UserRole


def ask_view_name(parent: QWidget | None, suggestion: str = "") -> str | None:
    """Ask the name under which to save the current filter; None when cancelled."""
    return common.ask_text(parent, "Enregistrer la vue",
                           "Nom de la vue (une vue du même nom sera remplacée) :",
                           text=suggestion, ok_text="Enregistrer")


class ManageViewsDialog(QDialog):
    """The saved views with their criteria in French; rename, delete.

    Emits ``changed`` after each write and ``view_activated(id)`` when a view is
    double-clicked or "Afficher" is pressed (the dialog then closes).
    """

    changed = Signal()
    view_activated = Signal(int)

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.setWindowTitle("Vues enregistrées")
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Vues :"))
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemDoubleClicked.connect(lambda *_: self.activate_current())
        left_layout.addWidget(self.list)
        splitter.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("Critères :"))
        self.criteria = QTextBrowser()
        self.criteria.setOpenLinks(False)
        right_layout.addWidget(self.criteria)
        splitter.addWidget(right)
        splitter.setSizes([240, 360])
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.show_button = QPushButton("Afficher")
        self.rename_button = QPushButton("Renommer…")
        self.delete_button = QPushButton("Supprimer…")
        self.show_button.clicked.connect(self.activate_current)
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        for button in (self.show_button, self.rename_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        self.buttons = common.button_box(common.SB.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(common.SB.Close).clicked.connect(self.reject)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.reload()
        self.resize(640, 400)

    # ------------------------------------------------------------------ content
    def reload(self, select_id: int | None = None) -> None:
        current = select_id if select_id is not None else self.current_id()
        self.list.clear()
        self._views = {v["id"]: v for v in self.catalogue.saved_views()}
        for view in self._views.values():
            item = QListWidgetItem(view["name"])
            item.setData(ID_ROLE, view["id"])
            self.list.addItem(item)
            if view["id"] == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show_current()

    def view_names(self) -> list[str]:
        return [self.list.item(r).text() for r in range(self.list.count())]

    def select_view(self, name: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).text() == name:
                self.list.setCurrentRow(row)
                return True
        return False

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _show_current(self, *_args) -> None:
        view_id = self.current_id()
        has = view_id is not None
        for button in (self.show_button, self.rename_button, self.delete_button):
            button.setEnabled(has)
        if not has:
            self.criteria.setHtml("<p><i>Aucune vue enregistrée. Utilisez « Enregistrer la vue… » "
                                  "pour garder les critères de recherche et les facettes cochées.</i></p>")
            return
        view = self._views[view_id]
        try:
            lines = self.catalogue.describe(view["filter"])
        except UserError as exc:
            lines = [str(exc)]
        items = "".join(f"<li>{escape_html(line)}</li>" for line in lines)
        self.criteria.setHtml(f"<p><b>{escape_html(view['name'])}</b></p><ul>{items}</ul>"
                              f"<p>{self.catalogue.count(view['filter'])} acteur(s) correspondent aujourd'hui.</p>")

    # ------------------------------------------------------------------ actions
    def activate_current(self) -> None:
        view_id = self.current_id()
        if view_id is not None:
            self.view_activated.emit(view_id)
            self.accept()

    def rename_current(self) -> None:
        view_id = self.current_id()
        if view_id is None:
            return
        old = self._views[view_id]["name"]
        name = common.ask_text(self, "Renommer la vue", f"Nouveau nom de la vue « {old} » :", text=old,
                               ok_text="Renommer")
        if not name or name == old:
            return
        try:
            self.catalogue.rename_view(view_id, name)
        except UserError as exc:
            common.show_error(self, exc)
            return
        self.reload(view_id)
        self.changed.emit()

    def delete_current(self) -> None:
        view_id = self.current_id()
        if view_id is None:
            return
        name = self._views[view_id]["name"]
        if not common.confirm(self, "Supprimer la vue", f"Supprimer la vue « {name} » ?", "Supprimer",
                              informative="Les acteurs ne sont pas touchés ; seuls les critères enregistrés "
                                          "sont effacés."):
            return
        try:
            self.catalogue.delete_view(view_id)
        except UserError as exc:
            common.show_error(self, exc)
            return
        self.reload()
        self.changed.emit()
