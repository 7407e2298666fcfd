"""The map panel: the page of eco_desktop.maps in a QWebEngineView.

The page is written to a temporary file and loaded from there (``setHtml`` fails
silently above 2 MB). It talks back through a QWebChannel object named ``bridge``:
marker clicks, "Voir la fiche", links to open, view changes and "ready", and what the
application's tools (``static/maptools.js``, added to every page here: a drawn area, a
marker moved, a click to place an actor, a territory clicked) report. The page never
navigates: links open in the system browser (http, https and mailto only).
"""
from __future__ import annotations

import json
import logging
import shutil
import tempfile
import weakref
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEnginePage, QWebEngineScript, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ... import maps

log = logging.getLogger(__name__)

EXTERNAL_SCHEMES = ("http", "https", "mailto")
TOOLS_WAIT_MS = 20
TOOLS_TRIES = 100


def open_external(url: QUrl | str) -> bool:
    """Open an http(s)/mailto URL in the system's browser or mail client; refuse others."""
    qurl = url if isinstance(url, QUrl) else QUrl(str(url))
    if not qurl.isValid() or qurl.scheme().lower() not in EXTERNAL_SCHEMES:
        log.warning("Refused to open %r (not http, https or mailto)", qurl.toString())
        return False
    return QDesktopServices.openUrl(qurl)


class MapBridge(QObject):
    """The object the page sees as ``bridge`` (names are the page's API)."""

    activated = Signal(int)
    clicked = Signal(int)
    viewMoved = Signal(float, float, int)
    ready = Signal(int)
    areaChosen = Signal(object)           # the area drawn (a dict, see maptools.js), or None: cleared
    moved = Signal(int, float, float)     # an actor's marker dropped at (lat, lon)
    placed = Signal(int, float, float)    # the click that places an actor without a position
    placeAsked = Signal(int)              # « Placer » of an actor in the « Non localisés » list
    territoryChosen = Signal(str, str)    # (level, code) of a territory clicked

    @Slot(int)
    def actorActivated(self, actor_id: int) -> None:  # noqa: N802 (page API)
        self.activated.emit(int(actor_id))

    @Slot(int)
    def actorClicked(self, actor_id: int) -> None:  # noqa: N802
        self.clicked.emit(int(actor_id))

    @Slot(str)
    def openLink(self, url: str) -> None:  # noqa: N802
        open_external(url)

    @Slot(float, float, int)
    def viewChanged(self, lat: float, lon: float, zoom: int) -> None:  # noqa: N802
        self.viewMoved.emit(lat, lon, zoom)

    @Slot(int)
    def pageReady(self, marker_count: int) -> None:  # noqa: N802
        self.ready.emit(int(marker_count))

    @Slot(str)
    def areaDrawn(self, area: str) -> None:  # noqa: N802
        try:
            value = json.loads(area)
        except ValueError:
            log.warning("Map page: unreadable area %.200r", area)
            return
        if isinstance(value, dict):
            self.areaChosen.emit(value)

    @Slot()
    def areaCleared(self) -> None:  # noqa: N802
        self.areaChosen.emit(None)

    @Slot(int, float, float)
    def markerMoved(self, actor_id: int, lat: float, lon: float) -> None:  # noqa: N802
        self.moved.emit(int(actor_id), float(lat), float(lon))

    @Slot(int, float, float)
    def placeClicked(self, actor_id: int, lat: float, lon: float) -> None:  # noqa: N802
        self.placed.emit(int(actor_id), float(lat), float(lon))

    @Slot(int)
    def placeRequested(self, actor_id: int) -> None:  # noqa: N802
        self.placeAsked.emit(int(actor_id))

    @Slot(str, str)
    def territoryClicked(self, level: str, code: str) -> None:  # noqa: N802
        self.territoryChosen.emit(str(level), str(code))


class MapPage(QWebEnginePage):
    """A page that stays on the map: it loads only the file it was given and sends
    links (http, https, mailto) to the system instead of following them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._allowed: QUrl | None = None
        self.console_errors: list[str] = []

    def allow(self, url: QUrl) -> None:
        self._allowed = url

    def acceptNavigationRequest(self, url: QUrl, nav_type, is_main_frame: bool) -> bool:  # noqa: N802
        if self._allowed is not None and url == self._allowed:
            return True
        if url.scheme().lower() in EXTERNAL_SCHEMES and \
                nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            open_external(url)
        else:
            log.info("Map page: refused navigation to %s", url.toString())
        return False

    def createWindow(self, _type):  # noqa: N802 (target=_blank, JavaScript's open())
        return _LinkCatcher(self)

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors.append(f"{source}:{line}: {message}")
            log.warning("Map page: %s (%s:%s)", message, source, line)
        else:
            log.debug("Map page: %s (%s:%s)", message, source, line)


class _LinkCatcher(QWebEnginePage):
    """The 'new window' of a link: hands its URL to the system and goes away."""

    def acceptNavigationRequest(self, url: QUrl, _nav_type, _is_main_frame: bool) -> bool:  # noqa: N802
        open_external(url)
        self.deleteLater()
        return False


def _tools_script() -> QWebEngineScript:
    """static/maptools.js, run in every page once its own script has made ``ecoMap``."""
    script = QWebEngineScript()
    script.setName("eco-map-tools")
    script.setSourceCode(resources.files("eco_desktop").joinpath("static", "maptools.js").read_text("utf-8"))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentReady)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script


class MapView(QWidget):
    """The actors of the current filter on the offline map."""

    actorActivated = Signal(int)   # "Voir la fiche", or a non-located actor in the legend
    actorClicked = Signal(int)     # a marker clicked (its popup opens)
    loaded = Signal(bool)          # the page is ready (markers in), or failed to load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QWebEngineView(self)
        self.page = MapPage(self.view)
        self.view.setPage(self.page)
        settings = self.page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.page.scripts().insert(_tools_script())
        self.bridge.activated.connect(self.actorActivated)
        self.bridge.clicked.connect(self.actorClicked)
        self.bridge.viewMoved.connect(self._on_view_moved)
        self.bridge.ready.connect(self._on_ready)
        self.page.loadingChanged.connect(self._on_loading_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self._dir = Path(tempfile.mkdtemp(prefix="eco-map-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._dir), True)
        self._generation = 0
        self._current: Path | None = None
        self._view: tuple[float, float, int] | None = None
        self._selection: list[int] = []
        self._ready = False
        self._moving = False
        self._area: dict | None = None
        self.marker_count = 0

    # ------------------------------------------------------------ public API

    def set_actors(
        self,
        actors: Iterable[Mapping[str, Any]],
        relations: Iterable[Mapping[str, Any]] = (),
        kinds: Mapping[str, Sequence[str]] | None = None,
        domains: Mapping[str, str] | None = None,
        title: str = "",
        subtitle: str = "",
    ) -> None:
        """Show these actors; the zoom and position of the map are kept."""
        self.show_html(maps.build_map_html(
            actors, relations=relations, kinds=kinds, domains=domains,
            title=title, subtitle=subtitle, view=self._view,
        ))

    def show_html(self, html: str) -> None:
        """Load a page made by ``maps.build_map_html`` (app page, not standalone), e.g.
        built in a worker thread with ``view=self.current_view()``."""
        self._generation += 1
        path = self._dir / f"carte-{self._generation}.html"
        path.write_text(html, encoding="utf-8")
        previous, self._current = self._current, path
        self._ready = False
        url = QUrl.fromLocalFile(str(path))
        self.page.allow(url)
        self.view.load(url)
        if previous is not None:
            previous.unlink(missing_ok=True)  # already parsed, or superseded

    def select_actors(self, ids: Iterable[int]) -> None:
        """Highlight these actors (and bring them into view if they are not)."""
        self._selection = [int(i) for i in ids]
        if self._ready:
            self.run_js(f"ecoMap.selectActors({self._selection!r})")

    def selected_ids(self) -> list[int]:
        return list(self._selection)

    def set_relations_visible(self, visible: bool) -> None:
        if self._ready:
            self.run_js(f"ecoMap.setRelationsVisible({'true' if visible else 'false'})")

    def current_view(self) -> tuple[float, float, int] | None:
        """(lat, lon, zoom) of the map as last reported by the page."""
        return self._view

    def set_view(self, lat: float, lon: float, zoom: int) -> None:
        self._view = (float(lat), float(lon), int(zoom))
        if self._ready:
            self.run_js(f"ecoMap.setView({float(lat)!r}, {float(lon)!r}, {int(zoom)})")

    def is_ready(self) -> bool:
        return self._ready

    def set_moving(self, on: bool) -> None:
        """« Déplacer »: markers can be dragged while on (kept across page loads)."""
        self._moving = bool(on)
        if self._ready:
            self.run_js(f"ecoTools.setMoving({'true' if self._moving else 'false'})")

    def show_area(self, area: Mapping[str, Any] | None, *, fit: bool = False) -> None:
        """Outline the filter's area (``Area.to_dict()``), or none (kept across page loads)."""
        self._area = dict(area) if area else None
        if self._ready:
            self.run_js(f"ecoTools.showArea({json.dumps(self._area)}, {{fit: {'true' if fit else 'false'}}})")

    def start_placing(self, actor_id: int, name: str) -> None:
        """The next click on the map places this actor (Échap cancels)."""
        self.run_js(f"ecoTools.startPlacing({int(actor_id)}, {json.dumps(str(name))})")

    def start_drawing(self, shape: str) -> None:
        """Draw a ``polygon`` or a ``circle`` (the control's buttons do the same)."""
        self.run_js("ecoTools.drawCircle()" if shape == "circle" else "ecoTools.drawPolygon()")

    def run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        if callback is None:
            self.page.runJavaScript(script)
        else:
            self.page.runJavaScript(script, 0, callback)

    # ------------------------------------------------------------ page events

    def _on_view_moved(self, lat: float, lon: float, zoom: int) -> None:
        self._view = (lat, lon, zoom)

    def _on_ready(self, marker_count: int) -> None:
        self.marker_count = marker_count
        self._tools_started(self._generation, 0)

    def _tools_started(self, generation: int, tries: int) -> None:
        """The page said ready; its tools (run when the document is ready, which may come
        a moment later) are waited for before the page is ready for the application."""
        def check(started: Any) -> None:
            if generation != self._generation:
                return  # a superseded page
            if started or tries >= TOOLS_TRIES:
                if not started:
                    log.warning("Map page: its tools did not start: %s", "; ".join(self.page.console_errors[-3:]))
                self._page_ready()
            else:
                QTimer.singleShot(TOOLS_WAIT_MS, lambda: self._tools_started(generation, tries + 1))
        self.run_js("typeof ecoTools === 'object'", check)

    def _page_ready(self) -> None:
        self._ready = True
        if self._moving:
            self.run_js("ecoTools.setMoving(true)")
        if self._area:
            self.run_js(f"ecoTools.showArea({json.dumps(self._area)})")
        if self._selection:
            self.run_js(f"ecoMap.selectActors({self._selection!r}, {{fit: false}})")
        self.loaded.emit(True)

    def _on_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        if self._current is None or info.url() != QUrl.fromLocalFile(str(self._current)):
            return  # a superseded page
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            log.warning("Map page failed to load: %s (%s)", self._current, info.errorString())
            self.loaded.emit(False)
        elif status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            generation = self._generation
            self.run_js("typeof ecoMap === 'object'",
                        lambda ok: self._check_started(generation, ok))

    def _check_started(self, generation: int, started: Any) -> None:
        if generation == self._generation and not started:
            log.warning("Map page loaded but its script did not start: %s",
                        "; ".join(self.page.console_errors[-3:]))
            self.loaded.emit(False)
