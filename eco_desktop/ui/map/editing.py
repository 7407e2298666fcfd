"""Correcting positions on the map: « Déplacer » (drag a marker to the actor's real
place) and « Placer sur la carte » (one click gives a position to an actor without one).

Nothing moves by accident: markers can be dragged only while « Déplacer » is on, and a
position outside Île-de-France is asked for. The new position is written with the
precision « manual » (``vocab.GEO_PRECISIONS``) as one write of the catalogue: one step
of the window's undo stack, and a line of the history, like any other edit.
"""
from __future__ import annotations

from PySide6.QtGui import QAction

from ...errors import UserError
from ...geo import gazetteer
from ..dialogs.common import confirm
from ..operations import Change
from ..text_safety import warn

MANUAL = "manual"


class PositionEditing:
    """MapTab's part that writes the positions dragged or placed on the map."""

    def _build_editing_actions(self) -> None:
        self.act_move = QAction("Déplacer", self)
        self.act_move.setCheckable(True)
        self.act_move.setToolTip("Corriger des positions : faire glisser un marqueur jusqu'à la vraie "
                                 "place de l'acteur (la position est alors « saisie manuelle »)")
        self.act_move.toggled.connect(self.set_moving)

    def _connect_editing(self, view) -> None:
        view.bridge.moved.connect(self.move_actor)
        view.bridge.placed.connect(self.move_actor)
        view.bridge.placeAsked.connect(self.place_on_map)

    def _writable(self) -> bool:
        catalogue = self.window.catalogue
        return catalogue is not None and not catalogue.read_only

    def set_moving(self, on: bool) -> None:
        if self.map is not None:
            self.map.set_moving(on)
        if on:
            self.window.show_status("Faites glisser un marqueur jusqu'à la vraie place de l'acteur "
                                    "(zoomez pour séparer les groupes).", 8000)

    def place_on_map(self, actor_id: int) -> bool:
        """Show the map and let the next click there place ``actor_id``."""
        catalogue = self.window.catalogue
        if not self._writable():
            if catalogue is not None:
                self.window.show_status("Catalogue ouvert en lecture seule : les positions ne peuvent pas "
                                        "être modifiées.", 6000)
            return False
        actor = catalogue.get_actor(actor_id)
        if actor is None:
            return False
        self.act_move.setChecked(False)
        self._placing = (actor_id, actor["name"])
        self.window.show_tab(self.tab_index)
        if self.map is not None and self.map.is_ready() and not self._stale:
            self._start_placing()
        return True

    def _start_placing(self) -> None:
        if self._placing is None or self.map is None:
            return
        actor_id, name = self._placing
        self._placing = None
        self.map.start_placing(actor_id, name)
        self.window.show_status(f"Cliquez sur la carte à l'emplacement de « {name} » (Échap pour annuler).", 10000)

    def move_actor(self, actor_id: int, lat: float, lon: float) -> bool:
        """Write the position dropped or clicked on the map (asked for outside the région)."""
        catalogue = self.window.catalogue
        if not self._writable():
            self._position_refused()
            return False
        actor = catalogue.get_actor(actor_id)
        if actor is None:
            self._position_refused()
            return False
        name = actor["name"]
        if not gazetteer().inside_idf(lat, lon) and not confirm(
                self.window, "Position hors d'Île-de-France",
                f"Placer « {name} » hors d'Île-de-France ?", "Placer ici",
                informative=f"Le point choisi ({lat:.5f}, {lon:.5f}) est en dehors de la région. "
                            "Annuler laisse l'acteur où il était."):
            self._position_refused()
            return False
        verb = "Placer" if actor["lat"] is None or actor["lon"] is None else "Déplacer"
        try:
            catalogue.update_actor(actor_id, {"lat": round(lat, 6), "lon": round(lon, 6),
                                              "geo_precision": MANUAL},
                                   label=f"{verb} « {name} » sur la carte")
        except UserError as exc:
            warn(self.window, "Position sur la carte", str(exc))
            self._position_refused()
            return False
        self.window.apply_changes(Change.ACTORS)
        self.window.show_status(f"« {name} » {'placé' if verb == 'Placer' else 'déplacé'} "
                                "(Ctrl+Z pour annuler).", 6000)
        return True

    def _position_refused(self) -> None:
        if self.map is not None and self.map.is_ready():
            self.map.run_js("ecoTools.clearGhost()")
