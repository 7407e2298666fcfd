"""The map's « Nombre d'acteurs par… » and density layers (static/territories.js) in a real
QWebEngineView: counts and names on hover, the legend's classes, a click asking to filter,
the heat layer, the layer control, and still no request leaving the machine."""
from __future__ import annotations

import json

import pytest

from eco_desktop import maps
from eco_desktop.filter import Filter
from eco_desktop.ui.map.view import MapView

from map_helpers import mouse_click, standalone_page


def js(qtbot, view: MapView, script: str, timeout: int = 10_000):
    box = []
    view.run_js(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if box[0] else None


@pytest.fixture
def shown(qtbot, catalogue):
    view = MapView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    content = maps.map_content(catalogue, Filter())
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        view.show_html(maps.build_map_html(content.actors, **content.page_args()))
    assert view.page.console_errors == []
    return view, content


def test_layers_are_in_the_layer_control(qtbot, shown):
    view, _content = shown
    names = js(qtbot, view, "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                            ".map(function (l) { return l.textContent.trim(); })")
    for title in maps.LEVEL_TITLES.values():
        assert title in names
    assert maps.HEAT_LAYER_NAME in names
    assert js(qtbot, view, "ecoTerritories.shown()") is None


def test_choropleth_by_departement_with_legend_and_hover(qtbot, shown, catalogue):
    view, content = shown
    assert js(qtbot, view, "ecoTerritories.show('departement')") == "departement"
    counts = js(qtbot, view, "ecoTerritories.counts('departement')")
    assert counts == {k: v for k, v in catalogue.territory_counts(Filter(), "departement").items()
                      if k in {"75", "77", "78", "91", "92", "93", "94", "95"}}
    legend = js(qtbot, view, "document.querySelector('.eco-territory-legend').textContent")
    assert legend.startswith("Nombre d'acteurs par département") and "aucun acteur" in legend
    assert "hors de ces territoires" in legend  # the bundled actors in Lyon, Bordeaux…
    assert js(qtbot, view, "document.querySelectorAll('.eco-territory-legend .eco-swatch').length") == \
        len(content.territories["levels"]["departement"]["breaks"]) + 1
    # one count layer at a time
    js(qtbot, view, "ecoTerritories.show('ept')")
    assert js(qtbot, view, "document.querySelectorAll('.eco-territory-legend').length") == 1
    assert js(qtbot, view, "document.querySelector('.eco-territory-legend .eco-legend-head').textContent") == \
        "Nombre d'acteurs par EPT"
    js(qtbot, view, "ecoTerritories.show(null)")
    assert js(qtbot, view, "document.querySelector('.eco-territory-legend')") is None


def test_clicking_a_territory_asks_to_filter_by_it(qtbot, shown):
    view, _content = shown
    js(qtbot, view, "ecoTerritories.show('departement')")
    js(qtbot, view, "ecoMap.setView(48.45, 2.25, 10)")  # the south of Essonne: no marker there
    qtbot.wait(300)
    x, y = js(qtbot, view, "(function () { var p = ecoMap.map.latLngToContainerPoint([48.42, 2.20]);"
                           " return [p.x, p.y]; })()")
    js(qtbot, view, "ecoMap.map.fire('mousemove', {latlng: L.latLng(48.42, 2.20), "
                    "containerPoint: L.point(%f, %f)})" % (x, y))
    with qtbot.waitSignal(view.bridge.territoryChosen, timeout=5000) as blocker:
        mouse_click(view.view.focusProxy(), x, y)
    assert blocker.args == ["departement", "91"]


def test_commune_hover_names_and_counts(qtbot, shown, catalogue):
    view, _content = shown
    js(qtbot, view, "ecoTerritories.show('commune')")
    evry = catalogue.territory_counts(Filter(), "commune")["91228"]
    tip = js(qtbot, view, "(function () { var found = null; ecoMap.map.eachLayer(function (l) {"
                          " if (l.feature && l.feature.properties.code === '91228') found = l; });"
                          " found.fire('mouseover', {latlng: found.getCenter()});"
                          " return document.querySelector('.eco-tip').textContent; })()")
    assert tip == f"Évry-Courcouronnes : {evry} acteurs"


def test_heat_layer(qtbot, shown):
    view, _content = shown
    assert js(qtbot, view, "ecoTerritories.setHeat(true)") is True
    assert js(qtbot, view, "ecoTerritories.heatShown()") is True
    assert js(qtbot, view, "!!document.querySelector('canvas.leaflet-heatmap-layer')") is True
    assert js(qtbot, view, "document.querySelector('canvas.leaflet-heatmap-layer').style.pointerEvents") == "none"
    assert js(qtbot, view, "ecoTerritories.setHeat(false)") is False


def test_standalone_file_has_the_layers_and_makes_no_request(qtbot, tmp_path, catalogue):
    content = maps.map_content(catalogue, Filter())
    path = maps.write_standalone_map(tmp_path / "carte.html", content.actors, **content.page_args())
    with standalone_page(qtbot, path, show=True) as ask:  # the heat is drawn on a canvas of the map's size
        assert ask("ecoTerritories.show('epci')") == "epci"
        assert ask("ecoTerritories.setHeat(true)") is True
        assert "Survolez pour le nom et le nombre" in ask("document.querySelector('.eco-territory-legend').textContent")
        qtbot.wait(300)
