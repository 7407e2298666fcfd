"""Selecting on the map: an area drawn (polygon, circle) or « À moins de … km de … » a
commune, a postcode or an actor becomes the window's ``Filter.area``, so that the list,
facets, dashboard, export, calls and saved views all follow it; a territory clicked on
the counts layer becomes the same facet selection as ticking it in the panel.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QVBoxLayout

from ...errors import UserError
from ...geo.area import DRAWN_LABEL, MAX_RADIUS_KM, MIN_RADIUS_KM, Area
from ..dialogs.common import button_box
from ..text_safety import set_plain, warn
from . import places
from .finding import PlaceField
from .places import Place

DEFAULT_RADIUS_KM = 10.0
TERRITORY_FACETS = ("departement", "ept", "epci")


class NearDialog(QDialog):
    """« À moins de [10] km de [Évry-Courcouronnes] »: the place and the radius."""

    def __init__(self, actors, parent=None, radius_km: float = DEFAULT_RADIUS_KM) -> None:
        super().__init__(parent)
        self.setWindowTitle("À moins de… km de…")
        self.place: Place | None = None
        self.radius = QDoubleSpinBox()
        self.radius.setRange(max(MIN_RADIUS_KM, 0.5), MAX_RADIUS_KM)
        self.radius.setDecimals(1)
        self.radius.setSingleStep(1.0)
        self.radius.setSuffix(" km")
        self.radius.setValue(radius_km)
        self.radius.setAccessibleName("Rayon")
        self.field = PlaceField(actors)
        self.field.setPlaceholderText("Commune, code postal ou acteur")
        self.field.setMinimumWidth(320)
        self.field.setAccessibleName("Centre")
        self.field.chosen.connect(self._chosen)
        self.field.textEdited.connect(lambda _t: self._chosen(None))
        self.note = set_plain(QLabel())  # it names an actor: plain text
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = button_box(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                  self, Ok="Filtrer")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("À moins de", self.radius)
        form.addRow("de", self.field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def _chosen(self, place: Place | None) -> None:
        self.place = place
        if place is None:
            self.note.setText("")
            return
        lat, lon = (f"{v:.4f}".replace(".", ",") for v in (place.lat, place.lon))
        self.note.setText(f"Centre : {place.name} ({lat} ; {lon})")

    def _accept(self) -> None:
        if self.place is None:
            self.place = self.field.place_of(self.field.text())
        if self.place is None:
            self.note.setText("Choisissez une commune, un code postal ou un acteur dans la liste proposée.")
            return
        self.accept()

    def area(self) -> Area:
        place = self.place
        return Area.circle(place.lat, place.lon, self.radius.value(), place.name)


class AreaSelection:
    """MapTab's part that turns what is drawn or chosen on the map into the filter."""

    def _build_area_actions(self) -> None:
        self.act_near = QAction("À moins de…", self)
        self.act_near.setToolTip("Filtrer les acteurs à moins de N km d'une commune, d'un code postal ou "
                                 "d'un acteur")
        self.act_near.triggered.connect(lambda _checked=False: self.ask_near())

    def _connect_area(self, view) -> None:
        view.bridge.areaChosen.connect(self.area_drawn)
        view.bridge.territoryChosen.connect(self.territory_clicked)

    def set_area(self, area: Area | None) -> None:
        """The filter with this area (None: without any), shown in the list and the map."""
        if area != self.window.filter.area:
            self.window.set_filter(replace(self.window.filter, area=area))

    def ask_near(self, place: Place | None = None, radius_km: float | None = None) -> bool:
        """« À moins de … km de … »: ask (or take ``place`` and ``radius_km``), then filter."""
        if self.window.catalogue is None:
            return False
        current = self.window.filter.area
        dialog = NearDialog(self.actor_names, self.window,
                            radius_km=radius_km or (current.radius_km if current is not None and current.is_circle
                                                    else DEFAULT_RADIUS_KM))
        self.near_dialog = dialog
        if place is not None:
            dialog.field.setText(place.text)
            dialog._chosen(place)
            dialog.accept()
        elif not dialog.exec():
            return False
        try:
            area = dialog.area()
        except UserError as exc:
            warn(self.window, "À moins de… km de…", str(exc))
            return False
        self.set_area(area)
        return True

    def area_drawn(self, data: dict | None) -> None:
        """What the drawing control sent: a circle or a polygon (a dict), None to clear."""
        if data is None:
            self.set_area(None)
            return
        try:
            if data.get("kind") == "circle":
                label = places.nearest_commune(float(data["lat"]), float(data["lon"]))
                area = Area.from_dict({**data, "label": label})
            else:
                area = Area.from_dict({**data, "label": DRAWN_LABEL})
        except (UserError, KeyError, TypeError, ValueError) as exc:
            warn(self.window, "Zone dessinée", str(exc) if isinstance(exc, UserError) else
                 "La zone dessinée n'a pas pu être lue.")
            self._show_filter_area()
            return
        self.set_area(area)

    def _show_filter_area(self) -> None:
        if self.map is not None:
            area = self.window.filter.area
            self.map.show_area(area.to_dict() if area is not None else None)

    def territory_clicked(self, level: str, code: str) -> None:
        """A territory of the counts layer: its facet value toggled, as ticking it in the
        panel does; a commune (no facet) becomes the area of its outline."""
        if not code:
            return
        if level == "commune":
            from ...geo.territories import commune_area
            area = commune_area(code)
            if area is not None:
                self.set_area(None if area == self.window.filter.area else area)
            return
        if level not in TERRITORY_FACETS:
            return
        flt = self.window.filter
        current = flt.selection(level)
        values = [v for v in current if v != code] if code in current else [code]
        self.window.set_filter(flt.with_selection(level, values))
