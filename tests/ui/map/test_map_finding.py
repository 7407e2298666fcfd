"""« Aller à… »: communes, postcodes and actors proposed as one types; Enter zooms there."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from eco_desktop.ui.map import places

from test_map_tab import js, show_tab


def type_in(field, text):
    field.setFocus()
    field.clear()
    QTest.keyClicks(field, text)


def test_communes_postcodes_and_actors_are_proposed(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    type_in(tab.finder, "evry")
    shown = tab.finder.completer_.model().stringList()
    assert shown and shown[0].startswith("Évry-Courcouronnes")
    type_in(tab.finder, "91000")
    assert tab.finder.completer_.model().stringList()[0] == "91000 Évry-Courcouronnes"
    type_in(tab.finder, "genop")
    assert "Genopole" in tab.finder.completer_.model().stringList()


def test_enter_zooms_on_the_place(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    type_in(tab.finder, "Villejuif")
    tab.finder.completer_.popup().hide()
    QTest.keyClick(tab.finder, Qt.Key.Key_Return)
    villejuif = places.communes("Villejuif")[0]
    qtbot.waitUntil(lambda: abs(js(qtbot, tab, "ecoMap.view()")[0] - villejuif.lat) < 0.01, timeout=5000)
    lat, lon, zoom = js(qtbot, tab, "ecoMap.view()")
    assert abs(lon - villejuif.lon) < 0.01 and zoom >= 13


def test_an_actor_opens_its_popup(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    place = tab.actor_names().matching("Genopole")[0]
    assert tab.go_to(place)
    qtbot.waitUntil(lambda: js(qtbot, tab, "document.querySelector('.eco-card-name') && "
                                           "document.querySelector('.eco-card-name').textContent") == "Genopole",
                    timeout=5000)
