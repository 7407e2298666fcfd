"""Fields of the officers' own: Outils → Champs personnalisés… (:mod:`.dialog`), the
record's section (:mod:`.section`) and the list's range filters (:mod:`.ranges`)."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction

from ..operations import Change
from .dialog import CustomFieldsDialog
from .ranges import RangeFilters
from .section import CustomFieldsPanel

__all__ = ["CustomFieldsDialog", "CustomFieldsFeature", "CustomFieldsPanel", "RangeFilters", "install"]


class CustomFieldsFeature:
    """The Outils action; after the dialog, the list, the facets and the record show the
    fields as they now are."""

    def __init__(self, window) -> None:
        self.window = window
        self.action = QAction("Champs personnalisés…", window)
        self.action.setToolTip("Définir des champs propres à l'équipe pour les acteurs et les contacts")
        self.action.triggered.connect(self.open_dialog)
        window.add_tools_action(self.action, separated=True)
        self.ranges = RangeFilters()
        self.ranges.setAccessibleName("Intervalles des champs personnalisés")
        self.ranges.filterEdited.connect(window.set_filter)
        window.add_banner(self.ranges)
        window.catalogueChanged.connect(self._update)
        window.filterChanged.connect(self._filter_shown)
        self._update()

    def _update(self, *_args) -> None:
        catalogue = self.window.catalogue
        self.action.setEnabled(catalogue is not None)
        self.ranges.set_fields(catalogue.custom_fields("actor") if catalogue is not None else [])

    def _filter_shown(self, flt) -> None:
        self._update()  # (fields defined, renamed or undone meanwhile)
        self.ranges.show_filter(flt)

    def dialog(self) -> CustomFieldsDialog:
        return CustomFieldsDialog(self.window.catalogue, self.window)

    def open_dialog(self) -> None:
        if self.window.catalogue is None:
            return
        self.dialog().exec()
        self._update()
        self.window.apply_changes(Change.VOCABULARIES | Change.ACTORS)
        flt = self.window.filter
        known = {f["key"] for f in self.window.catalogue.custom_fields("actor")}
        kept = tuple(c for c in flt.custom if c[0] in known)
        if kept != flt.custom:  # criteria of fields deleted in the dialog
            self.window.set_filter(replace(flt, custom=kept))


def install(window) -> CustomFieldsFeature:
    return CustomFieldsFeature(window)
