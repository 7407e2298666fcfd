"""Cells of the tables of Outils → Vocabulaires (its tabs in vocab.py and synonyms.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def table_cell(table: QTableWidget, row: int, column: int, extra=Qt.ItemFlag.NoItemFlags) -> QTableWidgetItem:
    """The item at (row, column), made selectable (plus ``extra`` flags) the first time."""
    item = table.item(row, column)
    if item is None:
        item = QTableWidgetItem()
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | extra)
        table.setItem(row, column, item)
    return item
