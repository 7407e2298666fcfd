"""The "Carte" tab: the actors of the current filter on the offline map.

The map follows the window lazily: a filter change or a write only marks it stale while
the tab is hidden (typing in the search box at 100,000 actors costs nothing here), and
it is rebuilt when the tab is shown. The page (data, then HTML) is built in a worker
thread and loaded when ready; MapView keeps the zoom, position and selection.

Selection goes both ways: rows selected in the table are highlighted on the map, and a
marker clicked (or "Voir la fiche", or a non-located actor in the legend) selects the
row and opens its record on the right. The tab's other parts: selecting an area on the
map (``area``), correcting positions (``editing``), « Aller à… » (``finding``) and the
image export (``printing``).
"""
from __future__ import annotations

import datetime as _dt
import json
import linecache
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QFileDialog, QLabel, QMenu, QMessageBox, QSizePolicy, QToolBar, QToolButton,
                               QVBoxLayout, QWidget)

from ... import french, paths
from ...errors import UserError
from .. import operations
from ..dialogs.common import show_file_written
from ..operations import CatalogueRelay
from ..settings import settings
from ..text_safety import display_text, set_plain, set_tooltip
from ..window.area_bar import left_out_text
from .area import AreaSelection
from .editing import PositionEditing
from .finding import PlaceFinding
from .printing import ImageExporting


def _maps():
    """eco_desktop.maps imports folium: load it when the map is first needed, not when
    the window opens (a good part of the window's start-up time otherwise)."""
    from ... import maps
    linecache.clearcache()  # folium's and numpy's sources, read by PySide6 (see MainWindow)
    return maps

log = logging.getLogger(__name__)

KEY_RELATIONS = "map/relations"
REFRESH_DELAY_MS = 120  # coalesces a burst of signals (facet click + write, undo…)
CENTER_ZOOM = 13


# --------------------------------------------------------------------------- the pages

@dataclass
class BuiltMap:
    html: str
    count: int
    unlocated: int
    positions: dict[int, tuple[float, float]]
    title: str
    left_out: int = 0  # actors of the filter but for its area, left out for having no position


def build_map(catalogue, flt, view) -> BuiltMap:
    """The page of a filter: catalogue reads and HTML (run off the UI thread)."""
    maps = _maps()
    content = maps.map_content(catalogue, flt)
    html = maps.build_map_html(content.actors, view=view, **content.page_args())
    positions = content.actors.positions()
    left_out = catalogue.area_left_out(flt) if flt.area is not None else 0
    return BuiltMap(html, len(content.actors), len(content.actors) - len(positions), positions, content.title,
                    left_out)


def write_map(catalogue, flt, path: Path, cancelled: Callable[[], bool]) -> tuple[Path, int, int] | None:
    """The standalone file of a filter: (path, actors, not located); None when cancelled
    before the write (no file then)."""
    content = _maps().map_content(catalogue, flt)
    if cancelled():
        return None
    _maps().write_standalone_map(path, content.actors, **content.page_args())
    return path, len(content.actors), content.unlocated_count()


# --------------------------------------------------------------------------- tab

class MapTab(AreaSelection, PositionEditing, PlaceFinding, ImageExporting, QWidget):
    """The toolbar and the map (created the first time the tab is shown)."""

    built = Signal()        # a page was handed to the map (it then emits map.loaded)
    exported = Signal(object)  # Path of a written standalone file
    image_exported = Signal(object)  # Path of a written PDF or PNG

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.map = None  # MapView, created when first shown
        self.positions: dict[int, tuple[float, float]] = {}
        self.last_export: Path | None = None
        self.export_operation: operations.Operation | None = None
        self._stale = True
        self._selection_stale = True
        self._generation = 0
        self._building = False
        self._pending = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_now)
        self._placing: tuple[int, str] | None = None
        self._relay = CatalogueRelay(self)
        self._relay.written.connect(lambda *_: self._written())

        self.toolbar = QToolBar("Carte")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolBar { border: none; border-bottom: 1px solid palette(mid); "
                                   "padding: 1px 4px; spacing: 6px; }")
        self.act_relations = QAction("Relations", self)
        self.act_relations.setCheckable(True)
        self.act_relations.setChecked(settings().value(KEY_RELATIONS, False, type=bool))
        self.act_relations.setToolTip("Tracer les relations entre les acteurs affichés "
                                      "(hébergé par, essaimé de, racheté par…)")
        self.act_relations.toggled.connect(self.set_relations_visible)
        self.act_center = QAction("Centrer sur la sélection", self)
        self.act_center.setToolTip("Cadrer la carte sur les acteurs sélectionnés dans la liste")
        self.act_center.triggered.connect(lambda _checked=False: self.center_on_selection())
        self.act_export = QAction("Exporter la carte…", window)
        self.act_export.setToolTip("Enregistrer la carte des acteurs filtrés dans un fichier HTML "
                                   "autonome, consultable sans réseau")
        self.act_export.setStatusTip(self.act_export.toolTip())
        self.act_export.triggered.connect(lambda _checked=False: self.export_map())
        self._build_area_actions()
        self._build_editing_actions()
        self._build_image_action(window)
        # Short texts, and the two exports behind one button: the toolbar has to fit beside
        # the side panels (the menus keep the full texts).
        for action, short in ((self.act_center, "Centrer"), (self.act_near, "À moins de…")):
            action.setIconText(short)
        self.toolbar.addWidget(self._build_finder())
        for action in (self.act_near, self.act_move, self.act_relations, self.act_center):
            self.toolbar.addAction(action)
        self.export_button = QToolButton()
        self.export_button.setText("Exporter")
        self.export_button.setToolTip("Enregistrer la carte : page web autonome, PDF ou PNG")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        export_menu.addAction(self.act_export)
        export_menu.addAction(self.act_image)
        self.export_button.setMenu(export_menu)
        self.toolbar.addWidget(self.export_button)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.status = set_plain(QLabel())
        self.status.setStyleSheet("color: palette(placeholder-text); padding-right: 6px;")
        self.toolbar.addWidget(self.status)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.toolbar)

        window.filterChanged.connect(self._filter_changed)
        window.catalogueChanged.connect(self._catalogue_changed)
        window.selectionChanged.connect(self._table_selection_changed)
        self._catalogue_changed()

    # ------------------------------------------------------------ visibility / staleness

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._ensure_map()
        if self._stale:
            self._timer.start(0)
        if self._selection_stale:
            self._sync_selection()
        self._update_actions()

    def _ensure_map(self):
        if self.map is None:
            from .view import MapView
            self.map = MapView(self)
            self.map.setMinimumSize(200, 200)
            self.map.actorClicked.connect(self._actor_clicked)
            self.map.actorActivated.connect(self._actor_activated)
            self.map.loaded.connect(self._map_loaded)
            self._connect_area(self.map)
            self._connect_editing(self.map)
            self._show_filter_area()
            self.map.set_moving(self.act_move.isChecked())
            self._layout.addWidget(self.map, 1)
        return self.map

    def mark_stale(self) -> None:
        """The filter or the data changed: rebuild now if shown, else when shown."""
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def _filter_changed(self, _flt) -> None:
        self._show_filter_area()
        self.mark_stale()

    def _written(self) -> None:
        self._forget_names()
        self.mark_stale()

    def _catalogue_changed(self) -> None:
        catalogue = self.window.catalogue
        self._relay.attach(catalogue)
        self._forget_names()
        self.act_move.setChecked(False)
        for action in (self.act_export, self.act_image, self.act_near):
            action.setEnabled(catalogue is not None)
        self.export_button.setEnabled(catalogue is not None)
        self.act_move.setEnabled(catalogue is not None and not catalogue.read_only)
        self.mark_stale()

    # ------------------------------------------------------------ building

    def refresh_now(self) -> None:
        """Build the page of the current filter in the worker thread (if shown)."""
        if not self.isVisible():
            return
        if self._building:
            self._pending = True
            return
        self._stale = False
        self._generation += 1
        catalogue = self.window.catalogue
        view = self._ensure_map().current_view()
        if catalogue is None:
            self.map.show_html(_maps().build_map_html([], title="Aucun catalogue ouvert"))
            self.positions = {}
            self.status.setText("")
            return
        self._building = True
        self.status.setText("Chargement de la carte…")
        self.status.setToolTip("")
        generation, flt = self._generation, self.window.filter

        def build(_progress, _cancelled) -> tuple[int, BuiltMap | Exception]:
            try:
                return generation, build_map(catalogue, flt, view)
            except Exception as exc:  # shown by the UI thread if still current
                return generation, exc

        operations.start(self, build, on_done=self._built, quiet=True, pool=self._pool)

    def _finish_job(self, generation: int) -> bool:
        """True if this result is to be shown (no newer request is waiting)."""
        self._building = False
        if self._pending or generation != self._generation:
            self._pending = False
            self._stale = True
            if self.isVisible():
                self.refresh_now()
            return False
        return True

    def _built(self, outcome: tuple[int, BuiltMap | Exception]) -> None:
        generation, built = outcome
        if not self._finish_job(generation):
            return
        if isinstance(built, Exception):
            self._build_failed(built)
            return
        self.positions = built.positions
        text = french.count(built.count, "acteur")
        if built.unlocated:
            text += " · " + french.count(built.unlocated, "non localisé")
        if built.left_out:
            text += " · " + left_out_text(built.left_out)
        self.status.setText(text)
        self.map.show_html(built.html)
        self.built.emit()

    def _build_failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            # The toolbar would widen to the whole sentence: its start, the rest in the tooltip.
            self.status.setText(display_text(exc, limit=90))
            set_tooltip(self.status, exc)
        else:
            log.error("Map build failed", exc_info=exc)
            self.status.setText("La carte n'a pas pu être construite (détails dans le journal).")

    def _map_loaded(self, ok: bool) -> None:
        if not ok:
            self.status.setText("La carte n'a pas pu s'afficher (détails dans le journal).")
            return
        if self.act_relations.isChecked():
            self.map.set_relations_visible(True)
        self._start_placing()

    # ------------------------------------------------------------ selection

    def _table_selection_changed(self, *_args) -> None:
        if self.map is not None and self.isVisible():
            self._sync_selection()
        else:
            self._selection_stale = True
        self._update_actions()

    def _sync_selection(self) -> None:
        self._selection_stale = False
        if self.map is not None:
            self.map.select_actors(self.window.selected_ids())

    def _actor_clicked(self, actor_id: int) -> None:
        self.window.select_actor(actor_id)

    def _actor_activated(self, actor_id: int) -> None:
        """"Voir la fiche": select the row and make sure the record is visible."""
        self.window.select_actor(actor_id)
        self.window.show_record()

    def _update_actions(self) -> None:
        self.act_center.setEnabled(self.map is not None and bool(self.window.selected_ids()))

    def center_on_selection(self) -> bool:
        """Frame the selected actors that have a position; False if none has."""
        if self.map is None or not self.map.is_ready():
            return False
        ids = self.window.selected_ids()
        points = [self.positions[i] for i in ids if i in self.positions]
        if not points:
            self.window.show_status(
                "Aucun des acteurs sélectionnés n'est localisé sur la carte." if ids
                else "Sélectionnez des acteurs dans la liste pour centrer la carte sur eux.", 5000)
            return False
        self.map.select_actors(ids)
        if len(points) == 1:
            zoom = max(CENTER_ZOOM, (self.map.current_view() or (0, 0, 0))[2])
            self.map.set_view(points[0][0], points[0][1], zoom)
        else:
            lats = [p[0] for p in points]
            lons = [p[1] for p in points]
            bounds = json.dumps([[min(lats), min(lons)], [max(lats), max(lons)]])
            self.map.run_js(f"ecoMap.map.fitBounds({bounds}, "
                            "{padding: [60, 60], maxZoom: 14, animate: false})")
        return True

    # ------------------------------------------------------------ relations

    def set_relations_visible(self, visible: bool) -> None:
        settings().setValue(KEY_RELATIONS, bool(visible))
        if self.map is not None:
            self.map.set_relations_visible(bool(visible))

    # ------------------------------------------------------------ export

    def default_export_path(self) -> Path:
        name = _maps().saved_view_name(self.window.catalogue, self.window.filter) \
            if self.window.catalogue is not None else None
        return paths.default_export_dir() / _maps().export_filename(name, _dt.date.today())

    def export_map(self, path: str | Path | None = None) -> bool:
        """Ask where (unless ``path``), then write the standalone map in a worker thread."""
        catalogue = self.window.catalogue
        if catalogue is None or self.export_operation is not None:
            return False
        if path is None:
            start = self.default_export_path()
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Exporter la carte", str(start),
                                                    "Page web autonome (*.html)")
            if not chosen:
                return False
            path = chosen
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            path = path.with_name(path.name + ".html")
        flt = self.window.filter
        self.export_operation = operations.start(
            self.window, lambda _progress, cancelled: write_map(catalogue, flt, path, cancelled),
            on_done=self._export_done, on_failed=self._export_failed, title="Exporter la carte",
            text=f"Écriture de la carte « {path.name} »…")
        return True

    def _export_done(self, result: tuple[Path, int, int] | None) -> None:
        self.export_operation = None
        if result is None:  # cancelled
            self.window.show_status("Export de la carte annulé.", 5000)
            return
        path, count, unlocated = result
        self.last_export = path
        self.exported.emit(path)
        self.result_box = _show_result(self.window, path, count, unlocated)

    def _export_failed(self, exc: Exception) -> None:
        self.export_operation = None
        self.result_box = operations.show_error(self.window, "Exporter la carte", exc,
                                                failure="La carte n'a pas pu être exportée", wait=False)


def _show_result(parent: QWidget, path: Path, count: int, unlocated: int) -> QMessageBox:
    """"Carte de N acteurs écrite" with "Ouvrir le fichier" / "Ouvrir le dossier" (not blocking)."""
    text = f"Carte de {french.count(count, 'acteur')} écrite"
    if unlocated:
        text += f" ({french.count(unlocated, 'non localisé')})"
    return show_file_written(parent, path, "Carte exportée", text + ".",
                             f"{path}\n\nLe fichier s'ouvre sans réseau dans un navigateur "
                             "(Firefox, Chrome, Edge…) et peut être envoyé tel quel.")


def install(window) -> MapTab:
    """The "Carte" tab (side panels kept), "Exporter la carte…" and "Exporter l'image…" in the
    File menu."""
    tab = MapTab(window)
    tab.tab_index = window.add_tab(tab, "Carte")
    window.add_file_action(tab.act_export)
    window.add_file_action(tab.act_image)
    return tab
