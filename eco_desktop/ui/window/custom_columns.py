"""The list's optional columns of the custom fields: hidden until chosen in the column
chooser (Affichage → Colonnes, or the header's menu), the choice remembered by field key."""
from __future__ import annotations

from PySide6.QtWidgets import QMenu, QTableView

from ..settings import settings
from ..text_safety import display_text
from .table_model import COLUMNS, ActorTableModel

KEY_SHOWN = "list/custom_columns"


class CustomColumns:
    """Shows the chosen custom fields' columns of ``table`` after each reset of ``model``."""

    def __init__(self, table: QTableView, model: ActorTableModel) -> None:
        self.table, self.model = table, model
        raw = settings().value(KEY_SHOWN, "")
        self.shown: set[str] = {k for k in str(raw or "").split(",") if k}
        model.modelReset.connect(self.apply)
        self.apply()

    def apply(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS), self.model.columnCount()):
            header.setSectionHidden(column, self.model.column_key(column) not in self.shown)

    def set_shown(self, key: str, on: bool) -> None:
        """Show or hide a custom field's column (``custom.KEY``), remembered."""
        (self.shown.add if on else self.shown.discard)(key)
        settings().setValue(KEY_SHOWN, ",".join(sorted(self.shown)))
        self.apply()

    def fill_menu(self, menu: QMenu) -> None:
        """The custom fields' entries of the column chooser, after the others."""
        if not self.model.custom_columns:
            return
        menu.addSection("Champs personnalisés")
        for column in range(len(COLUMNS), self.model.columnCount()):
            key = self.model.column_key(column)
            field = self.model.custom_columns[column - len(COLUMNS)]
            action = menu.addAction(display_text(field["label"], limit=40).replace("&", "&&"))
            action.setCheckable(True)
            action.setChecked(key in self.shown)
            action.toggled.connect(lambda on, k=key: self.set_shown(k, on))
