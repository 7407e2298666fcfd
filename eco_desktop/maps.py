"""The offline map of actors: one HTML page built with folium.

The page needs no network: Leaflet and Leaflet.markercluster come from the installed
XStatic packages (referenced by ``file:`` URL in the application, inlined in a
standalone file), and the basemap is drawn from the bundled outlines
(``resources/basemap``) instead of tiles. OpenStreetMap tiles are an opt-in overlay.

The actors travel as one JSON payload and their markers are built in JavaScript
(``static/ecomap.js``). ``map_content`` reads them from SQLite straight into typed
columns (``MapActors``: numpy arrays for numbers, kinds/communes/domains coded), and the
payload carries those columns compactly (see "payload" below): the page of 100,000
actors builds in a fraction of a second. Record text only ever reaches the page
inside that payload and is inserted as text there.

Note on folium: a ``MacroElement``'s output is compiled again as a Jinja template by
branca, so no record text, payload or library code goes through folium's templates —
they replace placeholders in the rendered page (``_fill``), which also keeps rendering
fast.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import folium
import numpy as np
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from folium.template import Template
import xstatic.pkg.leaflet as _xs_leaflet
import xstatic.pkg.leaflet_markercluster as _xs_markercluster

from . import french, paths, vocab
from .atomic import atomic_files
from .validate import normalize_url

# Centre used before the actors are known; zoom limits (MarkerCluster needs a maxZoom).
IDF_CENTER = (48.71, 2.50)
MIN_ZOOM = 8
MAX_ZOOM = 18
# From this zoom on, no clustering: every actor is a marker of its own (actors at the
# very same place are listed together in the popup). Fewer clustering levels is also
# what keeps 100,000 actors quick to load.
UNCLUSTERED_ZOOM = 13

# Relation type -> (line colour, SVG/canvas dash pattern or None for a solid line).
RELATION_STYLES: dict[str, tuple[str, str | None]] = {
    "hosted_by": ("#15803d", "6 4"),
    "spin_off_of": ("#c026d3", "2 5"),
    "acquired_by": ("#b91c1c", None),
    "partner_of": ("#2563eb", "10 4 2 4"),
    "founding_lab_of": ("#7c3aed", "8 4"),
    "site_of": ("#92400e", None),
    "member_of": ("#475569", "1 4"),
}

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

_BASEMAP_FILES = (("region", "region.geojson"), ("departements", "departements.geojson"),
                  ("communes", "communes.geojson"))


# ---------------------------------------------------------------- escaping

_JSON = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False,
                         check_circular=False).encode


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``… (so no ``</script>`` or ``<!--`` can
    appear), and U+2028/U+2029 are escaped as well; JSON.parse gives back the same text.
    """
    return _escape_json_text(_JSON(value))


def _escape_json_text(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_SCRIPT_END = re.compile(r"<(/script|!--)", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_escaped(text: str) -> str:
    """JS or JSON text with its non-ASCII characters as ``\\uXXXX`` escapes (same
    meaning in strings, comments and regular expressions). Keeps the page pure ASCII:
    one character outside Latin-1 anywhere makes Python store the whole 9-million-
    character page at 2 bytes a character, and every copy of it with it."""
    return _NON_ASCII.sub(lambda m: json.dumps(m.group(0))[1:-1], text) if not text.isascii() else text


def _inline_js(code: str) -> str:
    """Library code made safe to inline: ``</script`` and ``<!--`` only occur in its
    string literals, where ``<\\/script`` and ``<\\!--`` mean the same."""
    code = re.sub(r"//# sourceMappingURL=\S*\s*$", "", code)
    return _SCRIPT_END.sub(lambda m: "<\\" + m.group(1), _ascii_escaped(code))


# ---------------------------------------------------------------- assets

def _library_path(package, name: str) -> Path:
    return Path(package.BASE_DIR) / name


def _static(name: str) -> str:
    return resources.files("eco_desktop").joinpath("static", name).read_text("utf-8")


@lru_cache(maxsize=None)
def _inlined_library(kind: str, path: Path) -> str:
    text = path.read_text("utf-8")
    if kind == "js":
        return "<script>" + _inline_js(text) + "</script>"

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
    tags.append("<style>" + _static("ecomap.css") + "</style>")
    if not standalone:
        tags.append(f'<script src="{QWEBCHANNEL_JS}"></script>')
    tags.append("<script>" + _inline_js(_static("ecomap.js")) + "</script>")
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
    return _escape_json_text(_ascii_escaped(text))


# ---------------------------------------------------------------- payload
#
# The payload's actors are columns (static/ecomap.js reads this layout):
#   - numbers (ids, positions, codes) as {"int32": base64} — little-endian 32-bit
#     integers — or {"float64": base64} for ids out of that range: encoding 100,000
#     integers as JSON text costs tens of milliseconds a column, base64 next to nothing;
#   - texts (names, websites) as one string, the values separated by TEXT_SEPARATOR
#     (one JSON string instead of 100,000), or as a list when a value holds the
#     separator itself;
#   - values that repeat (kind, commune, domains) as {"values": distinct values,
#     "codes": numbers}: row i's value is values[codes[i]].
# The relations ({"source", "type", "target"}) are columns of the same kinds.

# Positions travel as integers in 1e-5 degrees (about a metre); NO_POSITION: not located.
POSITION_SCALE = 100_000
NO_POSITION = -(2 ** 31)
TEXT_SEPARATOR = "\x1f"  # ASCII unit separator


def _coordinate(value: Any, limit: float) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > limit:
        return None
    return round(number * POSITION_SCALE)


def _positions(values: list, limit: float) -> np.ndarray:
    scaled = [round(v * POSITION_SCALE) if v.__class__ is float and -limit <= v <= limit
              else _coordinate(v, limit) for v in values]
    return np.array([NO_POSITION if v is None else v for v in scaled], dtype=np.int32)


def _texts(values: list) -> list[str]:
    return [v if v.__class__ is str else "" if v is None else str(v) for v in values]


def _slug_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _stored_slug_list(text: str | None) -> list[str]:
    value = json.loads(text) if text else []
    return _slug_list(value) if isinstance(value, list) else []


_HTTP_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)


def _website(value: Any) -> str | None:
    """An http(s) URL to link to, or None (javascript:, mailto:, garbage…). The page
    checks again with its URL parser before making a link."""
    if not value:
        return None
    if value.__class__ is not str or not _HTTP_URL.match(value):
        value = normalize_url(value)  # 'www.exemple.fr' -> 'https://www.exemple.fr'
        if not _HTTP_URL.match(value):
            return None
    return value


def _websites(values: Iterable[Any]) -> list[str]:
    """Each value as an http(s) URL to link to, or '' for none."""
    return [w if w.__class__ is str and w.startswith(("https://", "http://"))
            else _website(w) or "" for w in values]


@dataclass(eq=False)
class Coded:
    """A column whose values repeat (kinds, communes, sets of domains): row ``i``'s
    value is ``values[codes[i]]``, each distinct value stored once."""

    values: list
    codes: np.ndarray  # int32

    @classmethod
    def of(cls, column: list) -> "Coded":
        """``column`` coded (values: the distinct ones, hashable, in order of appearance)."""
        values = list(dict.fromkeys(column))
        if len(values) <= 1:
            return cls(values, np.zeros(len(column), dtype=np.int32))
        index = {value: i for i, value in enumerate(values)}
        return cls(values, np.fromiter(map(index.__getitem__, column), dtype=np.int32,
                                       count=len(column)))

    def __len__(self) -> int:
        return len(self.codes)

    def decoded(self) -> list:
        values = self.values
        return [values[c] for c in self.codes.tolist()]


# The columns of MapActors, in its order, as read from the actors table (the schema
# keeps positions in range: SQLite scales and rounds them).
_MAP_COLUMNS = (f"a.id, a.name, a.kind, ifnull(CAST(round(a.lat * {POSITION_SCALE}) AS INTEGER), {NO_POSITION}), "
                f"ifnull(CAST(round(a.lon * {POSITION_SCALE}) AS INTEGER), {NO_POSITION}), "
                "a.commune, a.domains, a.website")
_SCAN_FROM = 5000  # actors from which reading the whole table beats looking each one up


@dataclass(eq=False)
class MapActors:
    """The actors of a page as typed columns, every one in display order: what
    ``build_map_html`` puts in the payload, already checked.

    ``lat``/``lon``: integers in 1/POSITION_SCALE degrees, NO_POSITION when not located;
    ``website``: an http(s) URL or ''; ``kind`` (slugs), ``commune`` and ``domains``
    (lists of slugs) are ``Coded``. Made by ``from_catalogue`` (straight from SQLite:
    the map tab's and the CLI's path) or ``from_dicts``.
    """

    id: np.ndarray  # int64
    name: list[str]
    kind: Coded
    lat: np.ndarray  # int32
    lon: np.ndarray  # int32
    commune: Coded
    domains: Coded
    website: list[str]

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_dicts(cls, actors: Iterable[Mapping[str, Any]]) -> "MapActors":
        """From actor dicts (``id``, ``name``, ``kind``, ``lat``, ``lon``, ``commune``,
        ``domains``, ``website``; other keys ignored, missing ones empty)."""
        actors = actors if isinstance(actors, list) else list(actors)

        def column(key: str) -> list:
            try:
                return list(map(itemgetter(key), actors))  # C speed when every dict has the key
            except KeyError:
                if key == "id":
                    raise
                return [a.get(key) for a in actors]

        domains = Coded.of([tuple(_slug_list(v)) for v in column("domains")])
        domains.values = [list(v) for v in domains.values]
        return cls(
            id=np.array(column("id"), dtype=np.int64),
            name=_texts(column("name")),
            kind=Coded.of(_texts(column("kind"))),
            lat=_positions(column("lat"), 90.0),
            lon=_positions(column("lon"), 180.0),
            commune=Coded.of(_texts(column("commune"))),
            domains=domains,
            website=_websites(column("website")),
        )

    @classmethod
    def from_catalogue(cls, catalogue, ids: Sequence[int]) -> "MapActors":
        """The actors ``ids`` of ``catalogue`` (missing ids skipped), read in one query
        into columns: no per-actor dict, each distinct domains text decoded once."""
        wanted = list(ids)
        ordered = [row for rows in catalogue.actor_rows(_MAP_COLUMNS, wanted, scan_from=_SCAN_FROM) for row in rows]
        columns = [list(c) for c in zip(*ordered)] if ordered else [[] for _ in range(8)]
        del ordered
        ids_, names, kinds, lats, lons, communes, domains, websites = columns
        domains = Coded.of(domains)  # the stored JSON texts
        domains.values = [_stored_slug_list(text) for text in domains.values]
        return cls(id=np.array(ids_, dtype=np.int64), name=_texts(names), kind=Coded.of(kinds),
                   lat=np.array(lats, dtype=np.int32), lon=np.array(lons, dtype=np.int32),
                   commune=Coded.of(communes), domains=domains, website=_websites(websites))

    def located(self) -> np.ndarray:
        return (self.lat != NO_POSITION) & (self.lon != NO_POSITION)

    def unlocated_count(self) -> int:
        return len(self) - int(np.count_nonzero(self.located()))

    def positions(self) -> dict[int, tuple[float, float]]:
        """Actor id -> (lat, lon) in degrees, for the located actors."""
        mask = self.located()
        return dict(zip(self.id[mask].tolist(),
                        zip((self.lat[mask] / POSITION_SCALE).tolist(),
                            (self.lon[mask] / POSITION_SCALE).tolist())))


def _numbers_json(values: np.ndarray) -> str:
    """Integers as {"int32": base64} (little-endian), or {"float64": base64} beyond."""
    if not len(values) or (values.min() >= -2 ** 31 and values.max() < 2 ** 31):
        kind, data = "int32", values.astype("<i4", copy=False)
    else:
        kind, data = "float64", values.astype("<f8")
    return f'{{"{kind}":"{base64.b64encode(data.tobytes()).decode("ascii")}"}}'


def _texts_json(values: list[str]) -> str:
    """Texts as one string joined by TEXT_SEPARATOR, or a list if one holds it."""
    if values:
        joined = TEXT_SEPARATOR.join(values)
        if joined.count(TEXT_SEPARATOR) == len(values) - 1:
            return script_json(joined)
    return script_json(values)


def _coded_json(coded: Coded) -> str:
    return f'{{"values":{script_json(coded.values)},"codes":{_numbers_json(coded.codes)}}}'


def _actors_json(actors: MapActors) -> str:
    """The payload's ``actors`` (layout above)."""
    return ("{" + f'"count":{len(actors)},'
            f'"id":{_numbers_json(actors.id)},'
            f'"name":{_texts_json(actors.name)},'
            f'"lat":{_numbers_json(actors.lat)},'
            f'"lon":{_numbers_json(actors.lon)},'
            f'"website":{_texts_json(actors.website)},'
            f'"kind":{_coded_json(actors.kind)},'
            f'"commune":{_coded_json(actors.commune)},'
            f'"domains":{_coded_json(actors.domains)}' + "}")


def _relations_json(relations: Iterable[Mapping[str, Any]]) -> str:
    """The payload's ``relations``: {"count", "source", "type", "target"}, columns like
    the actors' (``type`` coded)."""
    relations = relations if isinstance(relations, list) else list(relations)

    def ids(key: str) -> np.ndarray:
        return np.array(list(map(itemgetter(key), relations)), dtype=np.int64)

    types = Coded.of(_texts(list(map(itemgetter("type"), relations))))
    return (f'{{"count":{len(relations)},"source":{_numbers_json(ids("source_id"))},'
            f'"type":{_coded_json(types)},"target":{_numbers_json(ids("target_id"))}}}')


def _payload_json(actors: MapActors, relations: Iterable[Mapping[str, Any]],
                  kinds: Mapping[str, Sequence[str]] | None, domains: Mapping[str, str] | None,
                  title: str, subtitle: str, app: bool,
                  view: Sequence[float] | None) -> str:
    """The page's one data payload, as JSON safe inside a script element: the columns
    are encoded one by one and spliced in (no intermediate dict of 100k-long lists)."""
    relation_types = {
        slug: [labels[0], labels[1], *RELATION_STYLES.get(slug, ("#475569", None))]
        for slug, labels in vocab.RELATION_TYPES.items()
    }
    rest = script_json({
        "title": str(title or ""),
        "subtitle": str(subtitle or ""),
        "app": app,
        "kinds": {slug: [str(v[0]), str(v[1])] for slug, v in (kinds or vocab.KINDS).items()},
        "domains": {slug: str(label) for slug, label in (domains or vocab.DOMAINS).items()},
        "relationTypes": relation_types,
        "positionScale": POSITION_SCALE,
        "noPosition": NO_POSITION,
        "textSeparator": TEXT_SEPARATOR,
        "view": [float(view[0]), float(view[1]), int(view[2])] if view else None,
    })
    return (rest[:-1] + ',"actors":' + _actors_json(actors)
            + ',"relations":' + _relations_json(relations) + "}")


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
        {% endmacro %}
    """)

    def __init__(self, tokens, map_, cluster, relations, osm):
        super().__init__()
        self._name = "EcoPage"
        self.tokens = tokens
        self.map = map_
        self.cluster = cluster
        self.relations = relations
        self.osm = osm
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
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    _Page(tokens, fmap, cluster, relations, osm).add_to(fmap)
    html = fmap.get_root().render()
    return html.replace("<head>", "<head>\n<title>" + tokens["title"] + "</title>", 1)


@lru_cache(maxsize=1)
def _skeleton() -> tuple[str, dict[str, str]]:
    nonce = secrets.token_hex(8)
    tokens = {key: f"@@eco-{key}-{nonce}@@"
              for key in ("head", "data", "region", "departements", "communes", "title")}
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
    """
    if not isinstance(actors, MapActors):
        actors = MapActors.from_dicts(actors)
    template, tokens = _skeleton()
    values = {
        "head": _library_tags(standalone),
        "data": _payload_json(actors, relations, kinds, domains, title, subtitle,
                              app=not standalone, view=view),
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
) -> Path:
    """Write a self-contained HTML map (no network, no other file needed) atomically."""
    target = Path(path)
    html = build_map_html(actors, relations=relations, kinds=kinds, domains=domains,
                          title=title, subtitle=subtitle, standalone=True)
    # atomic.py: the user's umask, no leftover after a kill, French errors.
    with atomic_files() as files:
        files.open(target, encoding="utf-8", newline="\n").write(html)
    return target


# ---------------------------------------------------------------- a catalogue's map
# (shared by the map tab and `eco-desktop map`)

DEFAULT_TITLE = vocab.MAP_DEFAULT_TITLE


@dataclass
class MapContent:
    """What the map of a filter shows: the arguments of ``build_map_html``."""

    actors: MapActors
    relations: list[dict[str, Any]]
    kinds: dict[str, Sequence[str]]
    domains: dict[str, str]
    title: str
    subtitle: str
    view_name: str | None = None  # the saved view the filter is, if any

    def page_args(self) -> dict[str, Any]:
        return {"relations": self.relations, "kinds": self.kinds, "domains": self.domains,
                "title": self.title, "subtitle": self.subtitle}

    def unlocated_count(self) -> int:
        return self.actors.unlocated_count()


def map_content(catalogue, flt, *, today: _dt.date | None = None) -> MapContent:
    """The actors of ``flt`` in ``catalogue`` with their relations, vocabularies, title
    (the saved view's name when the filter is one, else DEFAULT_TITLE) and subtitle."""
    ids = catalogue.actor_ids(flt)
    actors = MapActors.from_catalogue(catalogue, ids)
    view_name = saved_view_name(catalogue, flt)
    return MapContent(
        actors=actors,
        relations=catalogue.relations(ids),
        kinds=catalogue.kinds(),
        domains=catalogue.vocabulary("domain"),
        title=view_name or DEFAULT_TITLE,
        subtitle=default_subtitle(" · ".join(catalogue.describe(flt)), len(actors), today),
        view_name=view_name,
    )


def saved_view_name(catalogue, flt) -> str | None:
    """The name of the saved view whose filter is ``flt`` (order of values ignored)."""
    def normalised(f) -> dict:
        return {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in f.to_dict().items()}
    wanted = normalised(flt)
    return next((v["name"] for v in catalogue.saved_views() if normalised(v["filter"]) == wanted), None)


def export_filename(view_name: str | None = None, today: _dt.date | None = None) -> str:
    """'carte-<vue>-AAAA-MM-JJ.html' ('acteurs' when the filter is no saved view)."""
    from .text import fold
    slug = "-".join(fold(view_name).split())[:60].strip("-") if view_name else ""
    return f"carte-{slug or 'acteurs'}-{(today or _dt.date.today()).isoformat()}.html"
