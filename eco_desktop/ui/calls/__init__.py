"""The « Appels à projets » tab (``panel``), the dialog of a call (``call_dialog``), the
shortlist's model (``shortlist``), the calls section of an actor's record
(``actor_calls``) and what they share (``common``)."""
from __future__ import annotations

from PySide6.QtGui import QAction

from .actor_calls import CallsOfActorWidget
from .call_dialog import CallDialog
from .panel import CallsPanel

__all__ = ["CallDialog", "CallsOfActorWidget", "CallsPanel", "install"]


def install(window) -> CallsPanel:
    """Add the "Appels à projets" tab and the "Ajouter à l'appel…" selection action."""
    panel = CallsPanel(window)
    panel.tab_index = window.add_tab(panel, "Appels à projets", side_panels=False)
    action = QAction("Ajouter à l'appel…", window)
    action.setToolTip("Ajouter les acteurs sélectionnés à la présélection d'un appel à projets")
    action.triggered.connect(panel.add_selection_to_call)
    window.add_selection_action(action)
    panel.add_action = action

    def catalogue_changed() -> None:
        panel.set_catalogue(window.catalogue)
        action.setEnabled(window.catalogue is not None and not window.catalogue.read_only)

    window.catalogueChanged.connect(catalogue_changed)
    catalogue_changed()
    return panel
