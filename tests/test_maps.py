"""The map page (eco_desktop.maps): payload, offline assets, escaping, standalone file."""
from __future__ import annotations

import base64
import json
import os
import re
import stat
import struct
from html.parser import HTMLParser

import pytest

from eco_desktop import maps, vocab
from eco_desktop.errors import UserError

from map_helpers import map_actor

HOSTILE_NAME = "<img src=x onerror=\"window.__pwned=1\">"
HOSTILE_SCRIPT = "</script><script>window.__pwned=2</script><!--"


ACTORS = [
    map_actor(1, "Genethon", website="https://www.genethon.fr"),
    map_actor(2, "Cellectis", kind="biotech", lat=48.8285, lon=2.3624, commune="Paris 13e Arrondissement"),
    map_actor(3, "Institut Gustave Roussy", kind="hospital", lat=48.7946, lon=2.3535,
              commune="Villejuif", domains=["cell_therapy", "immunotherapy"]),
    map_actor(4, "Sans adresse", kind="academic", lat=None, lon=None, commune=""),
]
RELATIONS = [
    {"id": 1, "source_id": 2, "type": "partner_of", "target_id": 3},
    {"id": 2, "source_id": 1, "type": "hosted_by", "target_id": 3},
]


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="eco-data">(.*?)</script>', html, re.S)
    assert match, "no data payload in the page"
    return json.loads(match.group(1))


def numbers(column: dict) -> list[int]:
    """{"int32" or "float64": base64 of little-endian numbers} -> the integers."""
    (kind, text), = column.items()
    raw = base64.b64decode(text, validate=True)
    code = {"int32": "i", "float64": "d"}[kind]
    return [int(v) for v in struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw)]


def texts(column, separator: str) -> list[str]:
    return column.split(separator) if isinstance(column, str) else column


def coded(column: dict) -> list:
    return [column["values"][code] for code in numbers(column["codes"])]


def actor_columns(data: dict) -> dict[str, list]:
    """The payload's actors as one plain list per field (positions in 1/positionScale
    degrees or None, website None when there is none), read as static/ecomap.js does."""
    cols, separator, none = data["actors"], data["textSeparator"], data["noPosition"]
    out = {
        "id": numbers(cols["id"]),
        "name": texts(cols["name"], separator),
        "kind": coded(cols["kind"]),
        "lat": [None if v == none else v for v in numbers(cols["lat"])],
        "lon": [None if v == none else v for v in numbers(cols["lon"])],
        "commune": coded(cols["commune"]),
        "domains": coded(cols["domains"]),
        "website": [w or None for w in texts(cols["website"], separator)],
    }
    assert all(len(v) == cols["count"] for v in out.values())
    return out


def relation_rows(data: dict) -> list[list]:
    rels = data["relations"]
    rows = [list(r) for r in zip(numbers(rels["source"]), coded(rels["type"]), numbers(rels["target"]))]
    assert len(rows) == rels["count"]
    return rows


def external_references(html: str) -> list[str]:
    """src/href of scripts, stylesheets, images and frames that point outside the page."""
    found = []
    for tag, attrs in tags(html):
        for key in ("src", "href"):
            value = attrs.get(key)
            if tag in ("script", "link", "img", "iframe") and value and \
                    re.match(r"\s*(https?:|file:|//)", value, re.I):
                found.append(f"{tag} {value}")
    return found


def test_payload_holds_exactly_the_given_actors():
    html = maps.build_map_html(ACTORS, relations=RELATIONS, title="Carte", subtitle="Filtre")
    data = payload(html)
    cols = actor_columns(data)
    assert cols["id"] == [1, 2, 3, 4]
    assert cols["name"] == ["Genethon", "Cellectis", "Institut Gustave Roussy", "Sans adresse"]
    assert cols["kind"] == ["biotech", "biotech", "hospital", "academic"]
    assert cols["domains"][2] == ["cell_therapy", "immunotherapy"]
    scale = data["positionScale"]
    assert cols["lat"][1] / scale == pytest.approx(48.8285, abs=1e-5)
    assert cols["lon"][1] / scale == pytest.approx(2.3624, abs=1e-5)
    assert cols["lat"][3] is None and cols["lon"][3] is None
    assert relation_rows(data) == [[2, "partner_of", 3], [1, "hosted_by", 3]]
    assert data["title"] == "Carte" and data["subtitle"] == "Filtre"


def test_relation_types_carry_french_labels_and_a_style():
    data = payload(maps.build_map_html(ACTORS))
    assert set(data["relationTypes"]) == set(vocab.RELATION_TYPES)
    label, inverse, colour, _dash = data["relationTypes"]["hosted_by"]
    assert (label, inverse) == ("hébergé par", "héberge")
    assert colour.startswith("#")


def test_kind_labels_come_from_the_caller():
    kinds = dict(vocab.KINDS)
    kinds["biotech"] = ("Biotech (renommé)", "#123456")
    data = payload(maps.build_map_html(ACTORS, kinds=kinds, domains={"gene_therapy": "TG"}))
    assert data["kinds"]["biotech"] == ["Biotech (renommé)", "#123456"]
    assert data["domains"] == {"gene_therapy": "TG"}


def test_app_page_uses_local_libraries_and_the_web_channel():
    html = maps.build_map_html(ACTORS)
    scripts = [a["src"] for t, a in tags(html) if t == "script" and a.get("src")]
    sheets = [a["href"] for t, a in tags(html) if t == "link" and a.get("rel") == "stylesheet"]
    assert scripts[-1] == maps.QWEBCHANNEL_JS
    assert any(s.endswith("/leaflet.js") for s in scripts)
    assert any(s.endswith("/leaflet.markercluster.js") for s in scripts)
    for url in scripts[:-1] + sheets:
        assert url.startswith("file:///"), url
    assert not [r for r in external_references(html) if not r.split()[1].startswith("file:")]
    assert payload(html)["app"] is True


@pytest.mark.parametrize("standalone", [False, True])
def test_no_cdn_and_no_unused_library(standalone):
    html = maps.build_map_html(ACTORS, standalone=standalone).lower()
    for needle in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrap", "fontawesome",
                   "font-awesome", "awesome-markers", "glyphicons", "netdna"):
        assert needle not in html


def test_standalone_file_is_self_contained(tmp_path):
    target = tmp_path / "carte.html"
    written = maps.write_standalone_map(target, ACTORS, RELATIONS, title="Carte",
                                        subtitle="Tous les acteurs")
    assert written == target
    html = target.read_text("utf-8")
    assert external_references(html) == []
    assert not [a for t, a in tags(html) if t == "script" and a.get("src")]
    assert not [a for t, a in tags(html) if t == "link"]
    assert "qrc:" not in html
    assert "L.markerClusterGroup" in html and "EcoMap" in html  # the libraries are inlined
    assert payload(html)["app"] is False
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_standalone_write_error_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="Impossible d'écrire .*carte.html.* n'existe pas"):
        maps.write_standalone_map(tmp_path / "absent" / "carte.html", ACTORS)


def test_standalone_file_follows_the_users_umask(tmp_path):
    old = os.umask(0o002)
    try:
        target = maps.write_standalone_map(tmp_path / "carte.html", ACTORS[:1])
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664  # not 0644 forced, not mkstemp's 0600


def test_standalone_replaces_an_existing_file(tmp_path):
    target = tmp_path / "carte.html"
    target.write_text("ancienne carte")
    maps.write_standalone_map(target, ACTORS[:1])
    assert actor_columns(payload(target.read_text("utf-8")))["id"] == [1]


@pytest.mark.parametrize("standalone", [False, True])
def test_hostile_text_stays_data(standalone):
    hostile = [
        map_actor(1, HOSTILE_NAME, description=HOSTILE_SCRIPT),
        map_actor(2, HOSTILE_SCRIPT, commune=HOSTILE_NAME, kind=HOSTILE_SCRIPT),
        map_actor(3, "{{ 7 * 7 }} {% raw %}", commune="{# x #}"),  # not a template either
        map_actor(4, "ligne\u2028suivante\u2029fin & <b>gras</b>"),
    ]
    html = maps.build_map_html(hostile, title=HOSTILE_SCRIPT, subtitle=HOSTILE_NAME,
                               standalone=standalone)
    # Nothing of the records appears as markup: no raw "<img", and the only
    # "</script>" are the page's own (one per script element).
    assert "<img src=x" not in html
    assert HOSTILE_SCRIPT not in html and "</script><script>window.__pwned" not in html
    assert html.count("</script>") == len([t for t, _ in tags(html) if t == "script"])
    assert "\u2028" not in html and "\u2029" not in html
    data = payload(html)
    assert actor_columns(data)["name"] == [a["name"] for a in hostile]
    assert actor_columns(data)["commune"][1] == HOSTILE_NAME
    assert actor_columns(data)["kind"][1] == HOSTILE_SCRIPT
    assert data["title"] == HOSTILE_SCRIPT and data["subtitle"] == HOSTILE_NAME
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "&lt;/script&gt;" in title


@pytest.mark.parametrize("standalone", [False, True])
def test_the_page_is_pure_ascii(standalone):
    """One character outside Latin-1 (the legend's ▸, a commune's œ, a title's —) would
    make Python hold the whole page, 9 million characters at 100k actors, at 2 bytes
    a character."""
    named = [map_actor(1, "Cœur — l’œuvre ▸"), map_actor(2, "Saint-Rémy-lès-Chevreuse")]
    html = maps.build_map_html(named, title="Appel — cœur", subtitle="1 ▸ 2", standalone=standalone)
    assert html.isascii()
    assert actor_columns(payload(html))["name"] == [a["name"] for a in named]
    assert payload(html)["title"] == "Appel — cœur"
    assert re.search(r"<title>(.*?)</title>", html).group(1) == "Appel &#8212; c&#339;ur"
    # The scripts' own characters, written as escapes that mean the same to JavaScript.
    assert "\\u25b8" in html


def test_script_json_escapes_what_could_end_a_script():
    text = maps.script_json({"a": "</script><!-- \u2028\u2029 & > é"})
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028\u2029 & > é"}


@pytest.mark.parametrize("given, expected", [
    ("https://www.genethon.fr", "https://www.genethon.fr"),
    ("HTTP://Exemple.fr/page", "HTTP://Exemple.fr/page"),
    ("www.exemple.fr", "https://www.exemple.fr"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    ("mailto:contact@exemple.fr", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("", None),
    (None, None),
])
def test_only_http_websites_become_links(given, expected):
    data = payload(maps.build_map_html([map_actor(1, "A", website=given)]))
    assert actor_columns(data)["website"] == [expected]


def test_bad_positions_mean_not_located():
    odd = [
        map_actor(1, "NaN", lat=float("nan"), lon=2.3),
        map_actor(2, "Infini", lat=48.8, lon=float("inf")),
        map_actor(3, "Texte", lat="48.8", lon="2.35"),  # numeric text is a position
        map_actor(4, "Hors limites", lat=123.0, lon=2.3),
        map_actor(5, "Booléen", lat=True, lon=2.3),
    ]
    cols = actor_columns(payload(maps.build_map_html(odd)))
    assert cols["lat"] == [None, 4_880_000, 4_880_000, None, None]
    assert cols["lon"][:3] == [230_000, None, 235_000]


def test_missing_optional_keys_are_tolerated():
    cols = actor_columns(payload(maps.build_map_html([{"id": "7", "name": None, "lat": 48.8, "lon": 2.3}])))
    assert cols["id"] == [7] and cols["name"] == [""] and cols["domains"] == [[]]
    assert cols["website"] == [None] and cols["commune"] == [""]


def test_initial_view_is_passed_to_the_page():
    data = payload(maps.build_map_html(ACTORS, view=(48.7, 2.4, 12)))
    assert data["view"] == [48.7, 2.4, 12]
    assert payload(maps.build_map_html(ACTORS))["view"] is None


def test_basemap_outlines_are_embedded():
    html = maps.build_map_html([])
    for key in ("region", "departements", "communes"):
        block = re.search(rf'<script type="application/json" id="eco-{key}">(.*?)</script>',
                          html, re.S).group(1)
        data = json.loads(block)
        assert data["type"] == "FeatureCollection" and data["features"]
    deps = json.loads(re.search(r'id="eco-departements">(.*?)</script>', html, re.S).group(1))
    assert {f["properties"]["code"] for f in deps["features"]} == set(vocab.IDF_DEPARTEMENTS)


def test_no_tile_layer_shown_by_default():
    html = maps.build_map_html(ACTORS)
    # The OpenStreetMap layer exists (opt-in in the layer control) but is not added.
    name = re.search(r"var (tile_layer_\w+) = L\.tileLayer", html).group(1)
    assert f"{name}.addTo(" not in html
    assert maps.OSM_LAYER_NAME in html
    assert '"maxZoom": 18' in html


def test_default_subtitle():
    import datetime as dt
    assert maps.default_subtitle("Domaine : Thérapie génique", 42, dt.date(2025, 8, 14)) == \
        "Domaine : Thérapie génique — 42 acteurs — 14 août 2025"


def test_payload_columns_are_compact():
    data = payload(maps.build_map_html(ACTORS, relations=RELATIONS))
    cols = data["actors"]
    assert cols["count"] == 4
    for key in ("id", "lat", "lon"):
        assert set(cols[key]) == {"int32"}
    assert cols["name"] == "\x1f".join(a["name"] for a in ACTORS)  # one string, not 4
    assert cols["kind"]["values"] == ["biotech", "hospital", "academic"]  # each kind once
    assert numbers(cols["kind"]["codes"]) == [0, 0, 1, 2]
    assert cols["domains"]["values"] == [["gene_therapy"], ["cell_therapy", "immunotherapy"]]
    assert data["relations"]["type"]["values"] == ["partner_of", "hosted_by"]


def test_a_text_holding_the_separator_travels_as_a_list():
    odd = [map_actor(1, "A\x1fB", website="https://a.fr/\x1f"), map_actor(2, "C")]
    data = payload(maps.build_map_html(odd))
    assert data["actors"]["name"] == ["A\x1fB", "C"]
    assert actor_columns(data)["name"] == ["A\x1fB", "C"]
    assert actor_columns(data)["website"] == ["https://a.fr/\x1f", None]


def test_ids_beyond_32_bits_travel_as_doubles():
    big = 2 ** 40 + 3
    data = payload(maps.build_map_html([map_actor(big, "Grand"), map_actor(1, "Petit")],
                                       relations=[{"source_id": big, "type": "partner_of", "target_id": 1}]))
    assert set(data["actors"]["id"]) == {"float64"}
    assert actor_columns(data)["id"] == [big, 1]
    assert relation_rows(data) == [[big, "partner_of", 1]]


def test_map_actors_positions_and_unlocated_count():
    table = maps.MapActors.from_dicts(ACTORS)
    assert len(table) == 4 and table.unlocated_count() == 1
    positions = table.positions()
    assert set(positions) == {1, 2, 3}
    assert positions[2] == pytest.approx((48.8285, 2.3624), abs=1e-5)


@pytest.mark.parametrize("scan_from", [0, 5000])  # whole-table pass, lookups by id
def test_map_content_reads_the_catalogue_as_the_dicts_would_give_it(catalogue, monkeypatch, scan_from):
    from eco_desktop.filter import Filter
    monkeypatch.setattr(maps.payload, "_SCAN_FROM", scan_from)
    ids = catalogue.actor_ids(Filter())
    # A shuffled order with a missing id: the page follows the list it is given.
    wanted = ids[1::2] + [999_999] + ids[::2]
    read = maps.MapActors.from_catalogue(catalogue, wanted)
    expected = maps.MapActors.from_dicts(catalogue.actors_by_ids(wanted))
    assert read.id.tolist() == expected.id.tolist() == [i for i in wanted if i != 999_999]
    assert read.name == expected.name and read.website == expected.website
    for key in ("kind", "commune", "domains"):
        assert getattr(read, key).decoded() == getattr(expected, key).decoded(), key
    for key in ("lat", "lon"):  # SQLite rounds halves away from zero, Python to even
        assert abs(getattr(read, key).astype("i8") - getattr(expected, key)).max() <= 1, key
    assert read.unlocated_count() == expected.unlocated_count() > 0

    content = maps.map_content(catalogue, Filter(departements=("91",)))
    assert content.actors.id.tolist() == catalogue.actor_ids(Filter(departements=("91",)))


# -- the territories' and density layers (maps/layers.py, static/territories.js) ------

def territories_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="eco-territories">(.*?)</script>', html, re.S)
    assert match, "no territories' payload in the page"
    return json.loads(match.group(1))


def test_heat_library_comes_from_the_folium_package():
    assert maps.HEAT_JS.is_file() and maps.HEAT_JS.parent.parent.name == "folium"
    app = maps.build_map_html(ACTORS)
    assert maps.HEAT_JS.as_uri() in [a["src"] for t, a in tags(app) if t == "script" and a.get("src")]
    standalone = maps.build_map_html(ACTORS, standalone=True)
    assert "L.heatLayer" in standalone and "EcoTerritories" in standalone
    assert external_references(standalone) == []


def test_a_page_without_a_catalogue_has_no_count_layer():
    assert territories_of(maps.build_map_html(ACTORS)) == {"levels": {}, "membership": {}, "total": 4}


def test_map_content_carries_every_levels_counts(catalogue):
    from eco_desktop.filter import Filter
    content = maps.map_content(catalogue, Filter(departements=("91",)))
    html = maps.build_map_html(content.actors, standalone=True, **content.page_args())
    layers = territories_of(html)
    assert set(layers["levels"]) == {"commune", "ept", "epci", "departement"}
    assert layers["total"] == len(content.actors)
    dep = layers["levels"]["departement"]
    assert dep["counts"] == {"91": len(content.actors)} and dep["title"] == "Nombre d'acteurs par département"
    assert dep["elsewhere"] == 0
    communes = layers["levels"]["commune"]
    assert communes["counts"] == catalogue.territory_counts(Filter(departements=("91",)), "commune")
    assert len(communes["breaks"]) == len(communes["colours"]) >= 1
    assert layers["levels"]["epci"]["names"]["200059228"].startswith("CA Grand Paris Sud")
    assert layers["membership"]["91228"] == ["91", "", "200059228"]


@pytest.mark.parametrize("counts, breaks", [
    ([], []), ([0, 0], []), ([3], [3]), ([1, 1, 1, 2], [1, 2]),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 5, 7, 9, 10]),
    ([1] * 900 + [2] * 60 + [7, 50, 400, 3000, 12], [7, 12, 50, 400, 3000]),  # skewed: Paris holds most
])
def test_class_breaks_are_quantiles_of_the_distinct_counts(counts, breaks):
    assert maps.layers.class_breaks(counts) == breaks
    colours = maps.layers.class_colours(breaks)
    assert len(colours) == len(breaks) and len(set(colours)) == len(colours)
