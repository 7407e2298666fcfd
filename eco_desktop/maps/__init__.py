"""The offline map of actors: one HTML page built with folium.

The page needs no network: Leaflet and Leaflet.markercluster come from the installed
XStatic packages and Leaflet.heat from the folium package (referenced by ``file:`` URL
in the application, inlined in a standalone file), and the basemap is drawn from the
bundled outlines (``resources/basemap``) instead of tiles. OpenStreetMap tiles are an
opt-in overlay.

The actors travel as one JSON payload and their markers are built in JavaScript
(``static/ecomap.js``). ``map_content`` reads them from SQLite straight into typed
columns (``MapActors``: numpy arrays for numbers, kinds/communes/domains coded), and the
payload carries those columns compactly (``payload.py``): the page of 100,000 actors
builds in a fraction of a second. Record text only ever reaches the page inside that
payload and is inserted as text there. The « Nombre d'acteurs par… » layers and the
density layer (``layers.py``, ``static/territories.js``) are switched in the layer
control, in the application and in a standalone file.

Modules: ``escaping`` (JSON and code safe inside the page), ``payload`` (the actors'
columns and the data payload), ``layers`` (the territories' counts and classes),
``page`` (folium's skeleton, the libraries, ``build_map_html``, the standalone file),
``content`` (a catalogue's map for a filter).

Note on folium: a ``MacroElement``'s output is compiled again as a Jinja template by
branca, so no record text, payload or library code goes through folium's templates —
they replace placeholders in the rendered page (``page._fill``), which also keeps
rendering fast.
"""
from __future__ import annotations

from .content import DEFAULT_TITLE, MapContent, export_filename, map_content, saved_view_name
from .escaping import script_json
from .layers import HEAT_LAYER_NAME, LEVEL_TITLES, territories_payload
from .page import (ACTORS_LAYER_NAME, BASEMAP_ATTRIBUTION, HEAT_JS, IDF_CENTER, MAX_ZOOM, MIN_ZOOM,
                   OSM_LAYER_NAME, QWEBCHANNEL_JS, RELATIONS_LAYER_NAME, UNCLUSTERED_ZOOM, build_map_html,
                   default_subtitle, write_standalone_map)
from .payload import NO_POSITION, POSITION_SCALE, RELATION_STYLES, TEXT_SEPARATOR, Coded, MapActors

__all__ = ["ACTORS_LAYER_NAME", "BASEMAP_ATTRIBUTION", "DEFAULT_TITLE", "HEAT_JS", "HEAT_LAYER_NAME",
           "IDF_CENTER", "LEVEL_TITLES", "MAX_ZOOM", "MIN_ZOOM", "NO_POSITION", "OSM_LAYER_NAME",
           "POSITION_SCALE", "QWEBCHANNEL_JS", "RELATIONS_LAYER_NAME", "RELATION_STYLES", "TEXT_SEPARATOR",
           "UNCLUSTERED_ZOOM", "Coded", "MapActors", "MapContent", "build_map_html", "default_subtitle",
           "export_filename", "map_content", "saved_view_name", "script_json", "territories_payload",
           "write_standalone_map"]
