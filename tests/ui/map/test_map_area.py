"""Selecting on the map in the window: « À moins de … km de … », a drawn area and a
territory clicked become the window's filter; the area bar says it and clears it."""
from __future__ import annotations

import pytest

from eco_desktop.filter import Filter
from eco_desktop.geo.area import Area
from eco_desktop.ui.map import places

from test_map_tab import js, loaded_after, show_tab, wait_js


def inside(window, area: Area) -> list[int]:
    """The plain computation: the actors (not in the trash) whose position is in the area."""
    cat = window.catalogue
    return sorted(a["id"] for a in cat.actors_by_ids(cat.actor_ids(Filter()))
                  if a["lat"] is not None and area.contains_point(a["lat"], a["lon"]))


def test_a_radius_selection_shrinks_the_list_to_the_actors_inside(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    everyone = window.model.rowCount()
    evry = places.communes("Évry-Courcouronnes")[0]
    loaded_after(qtbot, tab, lambda: tab.ask_near(evry, radius_km=10))
    area = window.filter.area
    assert area is not None and area.is_circle and area.radius_km == 10
    assert area.label == "Évry-Courcouronnes"
    expected = inside(window, area)
    assert 0 < len(expected) < everyone
    assert sorted(window.listed_ids()) == expected
    assert js(qtbot, tab, "ecoMap.markerCount()") == len(expected)
    # The area bar says it and how many actors without a position are left out.
    assert window.area_bar.isVisible()
    assert window.area_bar.label.text() == "Zone : à moins de 10 km d'Évry-Courcouronnes"
    left_out = window.catalogue.area_left_out(window.filter)
    assert left_out > 0 and f"{left_out} acteurs sans position non comptés" in window.area_bar.note.text()
    assert "sans position non comptés" in window.count_label.text()
    # The map outlines it; the bar's ✕ clears it (other criteria stay).
    wait_js(qtbot, tab, "ecoTools.area() !== null && ecoTools.area().kind === 'circle'")
    window.set_filter(window.filter.with_selection("kind", ["biotech"]))
    loaded_after(qtbot, tab, window.area_bar.clear_button.click)
    assert window.filter.area is None and window.filter.kinds == ("biotech",)
    assert not window.area_bar.isVisible()
    wait_js(qtbot, tab, "ecoTools.area() === null")


def test_the_dialog_asks_the_place_and_the_radius(qtbot, window, tab, monkeypatch):
    from eco_desktop.ui.map.area import NearDialog

    def run(dialog):
        dialog.radius.setValue(5)
        dialog.field.setText("91000")
        dialog.field.textEdited.emit("91000")
        dialog._accept()
        return dialog.result()
    monkeypatch.setattr(NearDialog, "exec", run)
    assert tab.ask_near()
    area = window.filter.area
    assert area.radius_km == 5 and area.label == "Évry-Courcouronnes"
    assert sorted(window.listed_ids()) == inside(window, area)


def test_an_actor_as_the_centre(qtbot, window, tab):
    names = tab.actor_names()
    genethon = names.matching("Genopole")[0]
    assert genethon.actor_id is not None
    assert tab.ask_near(genethon, radius_km=2)
    assert window.filter.area.label == genethon.name
    assert genethon.actor_id in window.listed_ids()


def test_a_drawn_area_becomes_the_filter_and_a_saved_view_keeps_it(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    ring = [[48.60, 2.30], [48.60, 2.55], [48.75, 2.55], [48.75, 2.30]]
    loaded_after(qtbot, tab, lambda: tab.area_drawn({"kind": "polygon", "rings": [ring]}))
    area = window.filter.area
    assert area is not None and not area.is_circle
    assert sorted(window.listed_ids()) == inside(window, area)
    assert window.area_bar.label.text() == "Zone : dans la zone dessinée"
    window.catalogue.save_view("Sud", window.filter)
    window.clear_filters()
    assert window.filter.area is None
    view = next(v for v in window.catalogue.saved_views() if v["name"] == "Sud")
    window.apply_view(view["id"])
    assert window.filter.area == area
    # A drawn circle is named after the commune nearest its centre.
    tab.area_drawn({"kind": "circle", "lat": 48.6268, "lon": 2.4301, "radius_km": 3.5})
    assert window.filter.area.describe() == "À moins de 3,5 km d'Évry-Courcouronnes"


def test_a_bad_drawn_area_is_refused_in_french(qtbot, window, tab, monkeypatch):
    said = []
    monkeypatch.setattr("eco_desktop.ui.map.area.warn", lambda _p, title, text: said.append(text))
    tab.area_drawn({"kind": "polygon", "rings": [[[48.6, 2.3], [48.7, 2.4]]]})
    assert window.filter.area is None
    assert said and "3 sommets" in said[0]


@pytest.mark.parametrize("level, code", [("departement", "91"), ("commune", "91228")])
def test_a_territory_clicked_filters_by_it(qtbot, window, tab, level, code):
    tab.territory_clicked(level, code)
    if level == "departement":
        assert window.filter.departements == ("91",)
        tab.territory_clicked(level, code)
        assert window.filter.departements == ()
    else:
        assert window.filter.area is not None and window.filter.area.label == "Évry-Courcouronnes"
        assert all(window.catalogue.get_actor(i)["commune"] == "Évry-Courcouronnes" for i in window.listed_ids())


def test_a_circle_dragged_on_the_map_and_a_territory_clicked_filter_the_list(qtbot, window, tab):
    from map_helpers import mouse_click, mouse_drag
    show_tab(qtbot, window, tab)
    js(qtbot, tab, "ecoMap.setView(48.63, 2.43, 11)")
    qtbot.wait(200)
    centre = js(qtbot, tab, "ecoTools.screenPoint(48.6268, 2.4301)")
    edge = js(qtbot, tab, "ecoTools.screenPoint(48.6268, 2.5)")
    js(qtbot, tab, "document.querySelector('.eco-draw-circle').click()")
    wait_js(qtbot, tab, "ecoTools.tool() === 'circle'")
    loaded_after(qtbot, tab, lambda: mouse_drag(qtbot, tab.map.view.focusProxy(), [centre, edge]))
    area = window.filter.area
    assert area.is_circle and area.label == "Évry-Courcouronnes" and 4.8 < area.radius_km < 5.5
    assert sorted(window.listed_ids()) == inside(window, area)
    loaded_after(qtbot, tab, window.clear_area)
    # A département of the counts layer, clicked where no marker is: ticked in the facets.
    js(qtbot, tab, "ecoTerritories.show('departement')")
    js(qtbot, tab, "ecoMap.setView(48.45, 2.25, 10)")
    qtbot.wait(300)
    x, y = js(qtbot, tab, "ecoTools.screenPoint(48.42, 2.20)")
    loaded_after(qtbot, tab, lambda: mouse_click(tab.map.view.focusProxy(), x, y))
    assert window.filter.departements == ("91",)
