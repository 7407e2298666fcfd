"""The facet panel: each facet's values with their counts under the current filter;
ticking values narrows the list (OR within a facet, AND across facets)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ... import french
from ...filter import CUSTOM_FACET, FACETS, Filter
from ...vocab import FACET_LABELS
from ..text_safety import display_text, escape_tooltip
from ..theme import chip_icon, icon

FacetRole = Qt.ItemDataRole.UserRole + 1
ValueRole = Qt.ItemDataRole.UserRole + 2
EXPANDED_BY_DEFAULT = ("kind", "domain", "activity", "departement", "mgp")


class FacetPanel(QWidget):
    """Emits ``selectionChanged(facet, values)`` when the user ticks or unticks a value,
    ``clearRequested()`` for "Effacer les filtres", ``viewChosen(int)`` for a saved view."""

    selectionChanged = Signal(str, list)
    clearRequested = Signal()
    viewChosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._updating = False
        self._kind_colors: dict[str, str] = {}

        self.views = QComboBox()
        self.views.setToolTip("Rappeler une vue enregistrée (Affichage → Enregistrer la vue…)")
        # A view's name, of any length, must not widen the facet panel.
        self.views.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.views.setMinimumContentsLength(16)
        self.views.activated.connect(self._view_activated)

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Facettes")
        self.tree.itemChanged.connect(self._item_changed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)

        self.clear_button = QPushButton(icon("clear"), "Effacer les filtres")
        self.clear_button.clicked.connect(self.clearRequested)
        self.clear_button.setEnabled(False)

        title = QLabel("Filtres")
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.views)
        layout.addWidget(self.tree, 1)

        self.groups: dict[str, QTreeWidgetItem] = {}
        for facet in FACETS:
            self._add_group(facet, FACET_LABELS[facet])
        # custom fields' facets (custom.KEY -> the field's label), after the others
        self.custom_titles: dict[str, str] = {}
        self.set_views([])

    def _add_group(self, facet: str, title: str) -> QTreeWidgetItem:
        group_font = QFont(self.tree.font())
        group_font.setBold(True)
        item = QTreeWidgetItem([title, ""])
        item.setFont(0, group_font)
        item.setData(0, FacetRole, facet)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(item)
        item.setExpanded(facet in EXPANDED_BY_DEFAULT)
        self.groups[facet] = item
        return item

    def _sync_custom_groups(self, counts: dict[str, list[dict[str, Any]]]) -> None:
        """One group per custom facet of the catalogue, titled by its field (custom_titles)."""
        wanted = [f for f in counts if f.startswith(CUSTOM_FACET)]
        for facet in [f for f in self.groups if f.startswith(CUSTOM_FACET) and f not in wanted]:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(self.groups.pop(facet)))
        for facet in wanted:
            title = display_text(self.custom_titles.get(facet, facet[len(CUSTOM_FACET):]), limit=40)
            group = self.groups.get(facet) or self._add_group(facet, title)
            group.setText(0, title)

    def set_kind_colors(self, colors: dict[str, str]) -> None:
        self._kind_colors = colors

    def set_views(self, views: list[dict[str, Any]]) -> None:
        self.views.blockSignals(True)
        self.views.clear()
        self.views.addItem("Vues enregistrées…", None)
        for view in views:
            self.views.addItem(view["name"], view["id"])
        self.views.setEnabled(bool(views))
        self.views.blockSignals(False)

    def _view_activated(self, index: int) -> None:
        view_id = self.views.itemData(index)
        self.views.setCurrentIndex(0)
        if view_id is not None:
            self.viewChosen.emit(int(view_id))

    def update_counts(self, counts: dict[str, list[dict[str, Any]]], flt: Filter) -> None:
        """Show each facet's values and counts; the filter's selected values are ticked."""
        self._updating = True
        self.tree.setUpdatesEnabled(False)
        try:
            self._sync_custom_groups(counts)
            for facet, group in self.groups.items():
                selected = set(flt.selection(facet))
                items = counts.get(facet, [])
                existing = {group.child(i).data(0, ValueRole): group.child(i) for i in range(group.childCount())}
                wanted = [entry["value"] for entry in items]
                if list(existing) != wanted:
                    group.takeChildren()
                    existing = {}
                for entry in items:
                    child = existing.get(entry["value"])
                    if child is None:
                        child = QTreeWidgetItem(group)
                        child.setData(0, ValueRole, entry["value"])
                        child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                        child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                        if facet == "kind":
                            child.setIcon(0, chip_icon(self._kind_colors.get(entry["value"], "#777777")))
                    child.setText(0, entry["label"])
                    child.setToolTip(0, escape_tooltip(entry["label"]))
                    child.setText(1, french.number(entry["count"]))
                    state = Qt.CheckState.Checked if entry["value"] in selected else Qt.CheckState.Unchecked
                    if child.checkState(0) != state:
                        child.setCheckState(0, state)
                    child.setDisabled(entry["count"] == 0 and entry["value"] not in selected)
                n_selected = len(selected)
                group.setText(1, f"{n_selected} ✓" if n_selected else "")
                if n_selected:
                    group.setExpanded(True)
            self.clear_button.setEnabled(not flt.cleared() == flt)
        finally:
            self.tree.setUpdatesEnabled(True)
            self._updating = False

    def selected(self, facet: str) -> list[str]:
        group = self.groups[facet]
        return [group.child(i).data(0, ValueRole) for i in range(group.childCount())
                if group.child(i).checkState(0) == Qt.CheckState.Checked]

    def value_item(self, facet: str, value: str) -> QTreeWidgetItem | None:
        group = self.groups[facet]
        for i in range(group.childCount()):
            if group.child(i).data(0, ValueRole) == value:
                return group.child(i)
        return None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0 or item.parent() is None:
            return
        facet = item.parent().data(0, FacetRole)
        self.selectionChanged.emit(facet, self.selected(facet))
