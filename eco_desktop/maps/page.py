"""The page itself: folium's skeleton with placeholders, the libraries (by ``file:`` URL
in the application, inlined in a standalone file), the bundled outlines, the payload."""
from __future__ import annotations

import base64
import datetime as _dt
import json
import os
import re
import secrets
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import folium
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from folium.template import Template
import xstatic.pkg.leaflet as _xs_leaflet
import xstatic.pkg.leaflet_markercluster as _xs_markercluster

from .. import french, paths
from ..atomic import atomic_files
from .escaping import ascii_escaped, escape_json_text, inline_js, script_json
from .layers import HEAT_LAYER_NAME
from .payload import MapActors, payload_json

# Centre used before the actors are known; zoom limits (MarkerCluster needs a maxZoom).
IDF_CENTER = (48.71, 2.50)
MIN_ZOOM = 8
MAX_ZOOM = 18
# From this zoom on, no clustering: every actor is a marker of its own (actors at the
# very same place are listed together in the popup). Fewer clustering levels is also
# what keeps 100,000 actors quick to load.
UNCLUSTERED_ZOOM = 13

OSM_LAYER_NAME = "Fond OpenStreetMap (en ligne)"
ACTORS_LAYER_NAME = "Acteurs"
RELATIONS_LAYER_NAME = "Relations entre acteurs"
BASEMAP_ATTRIBUTION = "Contours : IGN Admin Express, Licence Ouverte"

# Files of the libraries, by XStatic package: (kind, package, path inside BASE_DIR).
_LIBRARIES = (
    ("css", _xs_leaflet, "leaflet.css"),
    ("css", _xs_markercluster, "MarkerCluster.css"),
    ("js", _xs_leaflet, "leaflet.js"),
    ("js", _xs_markercluster, "leaflet.markercluster.js"),
)
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
# Leaflet.heat ships inside folium (its HeatMap plugin): read from the installed package.
HEAT_JS = Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"

_BASEMAP_FILES = (("region", "region.geojson"), ("departements", "departements.geojson"),
                  ("communes", "communes.geojson"))


# ---------------------------------------------------------------- assets

def _library_path(package, name: str) -> Path:
    return Path(package.BASE_DIR) / name


def _static(name: str) -> str:
    return resources.files("eco_desktop").joinpath("static", name).read_text("utf-8")


@lru_cache(maxsize=None)
def _inlined_library(kind: str, path: Path) -> str:
    text = path.read_text("utf-8")
    if kind == "js":
        return "<script>" + inline_js(text) + "</script>"

    # CSS: images become data: URIs; the only other url() is an old IE behaviour.
    def data_uri(match: re.Match) -> str:
        target = match.group(1).strip("'\"")
        if target.startswith("#"):
            return match.group(0)
        image = (path.parent / target).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(image).decode("ascii") + ")"

    text = re.sub(r"url\(([^)]*)\)", data_uri, text)
    return "<style>" + text.replace("</", "<\\/") + "</style>"


def _library_tags(standalone: bool) -> str:
    tags = []
    for kind, package, name in _LIBRARIES:
        path = _library_path(package, name)
        if standalone:
            tags.append(_inlined_library(kind, path))
        elif kind == "css":
            tags.append(f'<link rel="stylesheet" href="{escape(path.as_uri())}">')
        else:
            tags.append(f'<script src="{escape(path.as_uri())}"></script>')
    tags.append(_inlined_library("js", HEAT_JS) if standalone
                else f'<script src="{escape(HEAT_JS.as_uri())}"></script>')
    tags.append("<style>" + _static("ecomap.css") + _static("territories.css") + "</style>")
    if not standalone:
        tags.append(f'<script src="{QWEBCHANNEL_JS}"></script>')
    tags.append("<script>" + inline_js(_static("ecomap.js")) + "</script>")
    tags.append("<script>" + inline_js(_static("territories.js")) + "</script>")
    return "\n".join(tags)


def _basemap_json(name: str) -> str:
    """The outline file's JSON, escaped for a script element ('null' if missing)."""
    path = paths.resource("basemap", name)
    try:
        stat = path.stat()
    except OSError:
        return "null"
    return _read_basemap(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_basemap(path: str, _mtime: int, _size: int) -> str:
    text = Path(path).read_text("utf-8")
    json.loads(text)  # a damaged file fails here, not in the page
    return escape_json_text(ascii_escaped(text))


# ---------------------------------------------------------------- page

class _Page(folium.MacroElement):
    """Placeholders for the libraries (head), the data (body) and the page's startup
    script; ``_fill`` puts the real content in after folium has rendered."""

    _template = Template("""
        {% macro header(this, kwargs) %}
            {{ this.tokens.head }}
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <script type="application/json" id="eco-data">{{ this.tokens.data }}</script>
            <script type="application/json" id="eco-region">{{ this.tokens.region }}</script>
            <script type="application/json" id="eco-departements">{{ this.tokens.departements }}</script>
            <script type="application/json" id="eco-communes">{{ this.tokens.communes }}</script>
            <script type="application/json" id="eco-territories">{{ this.tokens.territories }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.map.get_name() }}.attributionControl.setPrefix(false);
            {{ this.map.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
            window.ecoMap = EcoMap.create({
                map: {{ this.map.get_name() }},
                cluster: {{ this.cluster.get_name() }},
                relations: {{ this.relations.get_name() }},
                osm: {{ this.osm.get_name() }},
                dataId: "eco-data",
                regionId: "eco-region",
                departementsId: "eco-departements",
                communesId: "eco-communes"
            });
            window.ecoTerritories = EcoTerritories.attach(window.ecoMap, {
                control: {{ this.control.get_name() }},
                dataId: "eco-territories",
                communesId: "eco-communes",
                departementsId: "eco-departements",
                heatName: {{ this.heat_name|tojson }}
            });
        {% endmacro %}
    """)

    def __init__(self, tokens, map_, cluster, relations, osm, control):
        super().__init__()
        self._name = "EcoPage"
        self.tokens = tokens
        self.map = map_
        self.cluster = cluster
        self.relations = relations
        self.osm = osm
        self.control = control
        self.heat_name = HEAT_LAYER_NAME
        self.attribution = BASEMAP_ATTRIBUTION


def _render_skeleton(tokens: dict[str, str]) -> str:
    """The folium page, with placeholders where content goes."""
    fmap = folium.Map(
        location=IDF_CENTER, zoom_start=9, tiles=None, prefer_canvas=True,
        control_scale=False, zoom_control=False, minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM,
    )
    fmap.default_js = []
    fmap.default_css = []
    osm = folium.TileLayer(
        "OpenStreetMap", name=OSM_LAYER_NAME, overlay=True, control=True, show=False,
        max_zoom=19, max_native_zoom=19,
    )
    osm.add_to(fmap)
    cluster = MarkerCluster(
        name=ACTORS_LAYER_NAME, control=True, show=True,
        options={
            "maxClusterRadius": JsCode("EcoMap.clusterRadius"),
            "disableClusteringAtZoom": UNCLUSTERED_ZOOM,
            "iconCreateFunction": JsCode("EcoMap.clusterIcon"),
            "spiderfyOnMaxZoom": True,
            "showCoverageOnHover": False,
            "chunkedLoading": True,
        },
    )
    cluster.default_js = []
    cluster.default_css = []
    cluster.add_to(fmap)
    relations = folium.FeatureGroup(name=RELATIONS_LAYER_NAME, control=True, show=False)
    relations.add_to(fmap)
    control = folium.LayerControl(position="topright", collapsed=True)
    control.add_to(fmap)
    _Page(tokens, fmap, cluster, relations, osm, control).add_to(fmap)
    html = fmap.get_root().render()
    return html.replace("<head>", "<head>\n<title>" + tokens["title"] + "</title>", 1)


@lru_cache(maxsize=1)
def _skeleton() -> tuple[str, dict[str, str]]:
    nonce = secrets.token_hex(8)
    tokens = {key: f"@@eco-{key}-{nonce}@@"
              for key in ("head", "data", "region", "departements", "communes", "territories", "title")}
    return _render_skeleton(tokens), tokens


def _fill(template: str, tokens: dict[str, str], values: dict[str, str]) -> str:
    """Replace each placeholder of the rendered page once, in one pass (inserted text is
    never searched again, whatever it contains)."""
    by_token = {tokens[key]: values[key] for key in tokens}
    pattern = re.compile("|".join(re.escape(t) for t in by_token))
    return pattern.sub(lambda m: by_token[m.group(0)], template)


def build_map_html(
    actors: MapActors | Iterable[Mapping[str, Any]],
    *,
    relations: Iterable[Mapping[str, Any]] = (),
    kinds: Mapping[str, Sequence[str]] | None = None,
    domains: Mapping[str, str] | None = None,
    title: str = "",
    subtitle: str = "",
    standalone: bool = False,
    view: Sequence[float] | None = None,
    territories: Mapping[str, Any] | None = None,
) -> str:
    """The map page of ``actors``: a ``MapActors`` (what ``map_content`` reads from the
    catalogue), or dicts with ``id``, ``name``, ``kind``, ``domains``, ``commune``,
    ``website``, ``lat``, ``lon`` (other keys ignored; see ``MapActors.from_dicts``).

    ``relations``: dicts ``{"source_id", "type", "target_id"}``, drawn when the user
    ticks "Relations entre acteurs" (only between actors of the page). ``kinds``:
    ``{slug: (label, colour)}``, ``domains``: ``{slug: label}`` (defaults: vocab).
    ``standalone``: everything inlined, no bridge to the application; otherwise the
    page refers to the libraries by ``file:`` URL and talks to the application through
    QWebChannel. ``view``: ``(lat, lon, zoom)`` to open at, else the actors' extent.
    ``territories``: the « Nombre d'acteurs par… » layers' data (``layers.territories_payload``,
    which ``map_content`` makes); without it the page has the density layer only.
    """
    if not isinstance(actors, MapActors):
        actors = MapActors.from_dicts(actors)
    template, tokens = _skeleton()
    values = {
        "head": _library_tags(standalone),
        "data": payload_json(actors, relations, kinds, domains, title, subtitle,
                             app=not standalone, view=view),
        "territories": script_json(territories or {"levels": {}, "membership": {}, "total": len(actors)}),
        "title": escape(str(title or "Carte des acteurs")).encode("ascii", "xmlcharrefreplace").decode("ascii"),
    }
    for key, name in _BASEMAP_FILES:
        values[key] = _basemap_json(name)
    return _fill(template, tokens, values)


def default_subtitle(criteria: str = "", count: int | None = None,
                     today: _dt.date | None = None) -> str:
    """'<criteria> — 42 acteurs — 3 mars 2025': the subtitle the application shows."""
    parts = [criteria.strip()] if criteria and criteria.strip() else []
    if count is not None:
        parts.append(french.count(count, "acteur"))
    parts.append(french.date(today or _dt.date.today()))
    return " — ".join(parts)


def write_standalone_map(
    path: str | os.PathLike,
    actors: MapActors | Iterable[Mapping[str, Any]],
    relations: Iterable[Mapping[str, Any]] = (),
    *,
    kinds: Mapping[str, Sequence[str]] | None = None,
    domains: Mapping[str, str] | None = None,
    title: str = "",
    subtitle: str = "",
    territories: Mapping[str, Any] | None = None,
) -> Path:
    """Write a self-contained HTML map (no network, no other file needed) atomically."""
    target = Path(path)
    html = build_map_html(actors, relations=relations, kinds=kinds, domains=domains,
                          title=title, subtitle=subtitle, standalone=True, territories=territories)
    # atomic.py: the user's umask, no leftover after a kill, French errors.
    with atomic_files() as files:
        files.open(target, encoding="utf-8", newline="\n").write(html)
    return target


