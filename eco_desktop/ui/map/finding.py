"""Naming a place on the map: a field proposing communes, postcodes and actors as one types
(a QCompleter over :mod:`.places`). The map's « Aller à… » field zooms to the place chosen;
« À moins de … km de … » (:mod:`.area`) takes it as the centre of its circle.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from . import places
from .places import ActorNames, Place

CENTER_ZOOM = 13


class PlaceField(QLineEdit):
    """A line edit whose suggestions are places; ``chosen`` gives the Place picked (Enter
    takes the first suggestion of what is typed)."""

    chosen = Signal(object)  # Place

    def __init__(self, actors: Callable[[], ActorNames | None], parent=None) -> None:
        super().__init__(parent)
        self._actors = actors
        self._places: list[Place] = []
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setMaxVisibleItems(12)
        self.setCompleter(self.completer_)
        self.completer_.activated[str].connect(self._activated)
        self.textEdited.connect(self._suggest)
        self.returnPressed.connect(self._enter)
        self.setClearButtonEnabled(True)

    def _suggest(self, text: str) -> None:
        self._places = places.find(text, self._actors()) if text.strip() else []
        self._model.setStringList([p.text for p in self._places])
        if self._places:
            self.completer_.complete()

    def place_of(self, text: str) -> Place | None:
        """The suggestion shown as ``text``, else the first one for it (typed, not picked)."""
        for place in self._places:
            if place.text == text:
                return place
        found = places.find(text, self._actors()) if text.strip() else []
        return found[0] if found else None

    def _activated(self, text: str) -> None:
        place = self.place_of(text)
        if place is not None:
            self.setText(place.text)
            self.chosen.emit(place)

    def _enter(self) -> None:
        popup = self.completer_.popup()
        if popup.isVisible() and popup.currentIndex().isValid():
            return  # the completer's activated() follows
        place = self.place_of(self.text())
        if place is not None:
            self.completer_.popup().hide()
            self.setText(place.text)
            self.chosen.emit(place)


class PlaceFinding:
    """MapTab's part with the « Aller à… » field."""

    def _build_finder(self) -> PlaceField:
        self._actor_names: ActorNames | None = None
        self.finder = PlaceField(self.actor_names)
        self.finder.setPlaceholderText("Aller à… (commune, acteur)")
        self.finder.setToolTip("Centrer la carte sur une commune, un code postal ou un acteur (Entrée)")
        self.finder.setAccessibleName("Aller à un lieu")
        self.finder.setFixedWidth(180)
        self.finder.chosen.connect(self.go_to)
        return self.finder

    def actor_names(self) -> ActorNames | None:
        """The catalogue's located actors by name (read once per state of the catalogue)."""
        catalogue = self.window.catalogue
        if catalogue is None:
            return None
        if self._actor_names is None:
            self._actor_names = ActorNames.of(catalogue)
        return self._actor_names

    def _forget_names(self) -> None:
        self._actor_names = None

    def go_to(self, place: Place) -> bool:
        """Zoom on the place (an actor's popup opens when it is on the map)."""
        if self.map is None or not self.map.is_ready():
            return False
        zoom = max(CENTER_ZOOM, (self.map.current_view() or (0, 0, 0))[2])
        self.map.set_view(place.lat, place.lon, zoom)
        if place.actor_id is not None and place.actor_id in self.positions:
            self.map.run_js(f"ecoMap.openActor({int(place.actor_id)})")
        return True
