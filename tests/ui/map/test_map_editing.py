"""Correcting positions in the window: a marker dragged in « Déplacer » mode (one undo
step, in the history), « Placer sur la carte » from the record and from the map's
« Non localisés » list, a position outside Île-de-France asked for."""
from __future__ import annotations

from map_helpers import mouse_click, mouse_drag
from test_map_tab import js, loaded_after, show_tab, unlocated, wait_js


def position(window, actor_id):
    actor = window.catalogue.get_actor(actor_id)
    return actor["lat"], actor["lon"], actor["geo_precision"]


def a_located_actor(window):
    return next(a for a in window.catalogue.actors_by_ids(window.listed_ids())
                if a["lat"] is not None and a["geo_precision"] != "manual")


def test_a_drag_in_move_mode_writes_a_manual_position_and_undo_puts_it_back(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    actor = a_located_actor(window)
    before = position(window, actor["id"])
    js(qtbot, tab, f"ecoMap.setView({actor['lat']}, {actor['lon']}, 16)")
    js(qtbot, tab, f"ecoMap.openActor({actor['id']})")  # its cluster opened
    js(qtbot, tab, "(ecoMap.map.closePopup(), null)")
    x, y = js(qtbot, tab, f"ecoMap.markerPoint({actor['id']})")
    target = tab.map.view.focusProxy()
    tab.act_move.setChecked(True)
    wait_js(qtbot, tab, "ecoTools.tool() === 'move'")
    steps = window.undo_stack.count()
    loaded_after(qtbot, tab, lambda: mouse_drag(qtbot, target, [(x, y), (x + 60, y + 30)]))
    lat, lon, precision = position(window, actor["id"])
    assert precision == "manual" and lat < before[0] and lon > before[1]
    assert window.undo_stack.count() == steps + 1
    assert "sur la carte" in window.undo_stack.undoText()
    assert tab.positions[actor["id"]] == (round(lat, 5), round(lon, 5))
    # Still in move mode on the new page; the history has the write.
    wait_js(qtbot, tab, "ecoTools.tool() === 'move'")
    assert any("sur la carte" in (b.get("label") or "") for b in window.catalogue.history(limit=5))
    loaded_after(qtbot, tab, window.undo_stack.undo)
    assert position(window, actor["id"]) == before
    window.undo_stack.redo()
    assert position(window, actor["id"])[2] == "manual"


def test_outside_ile_de_france_is_asked_for(qtbot, window, tab, monkeypatch):
    asked = []
    monkeypatch.setattr("eco_desktop.ui.map.editing.confirm", lambda *args, **kw: asked.append(args) or False)
    actor = a_located_actor(window)
    before = position(window, actor["id"])
    assert not tab.move_actor(actor["id"], 45.76, 4.83)  # Lyon
    assert asked and "hors d'Île-de-France" in asked[0][2]
    assert position(window, actor["id"]) == before
    monkeypatch.setattr("eco_desktop.ui.map.editing.confirm", lambda *args, **kw: True)
    assert tab.move_actor(actor["id"], 45.76, 4.83)
    assert position(window, actor["id"]) == (45.76, 4.83, "manual")
    asked.clear()
    assert tab.move_actor(actor["id"], 48.70, 2.40)  # back inside: nothing asked


def test_placer_sur_la_carte_from_the_record(qtbot, window, tab):
    actor_id = unlocated(window)[0]
    window.select_actor(actor_id)
    assert window.editor.place_button.isEnabled()
    window.editor.place_button.click()
    assert window.tabs.currentIndex() == tab.tab_index
    qtbot.waitUntil(lambda: tab.map is not None and tab.map.is_ready(), timeout=30_000)
    wait_js(qtbot, tab, "ecoTools.tool() === 'place'", timeout=30_000)
    js(qtbot, tab, "ecoMap.setView(48.70, 2.40, 12)")
    qtbot.wait(100)
    x, y = js(qtbot, tab, "ecoTools.screenPoint(48.71, 2.41)")
    loaded_after(qtbot, tab, lambda: mouse_click(tab.map.view.focusProxy(), x, y))
    lat, lon, precision = position(window, actor_id)
    assert precision == "manual" and abs(lat - 48.71) < 0.001 and abs(lon - 2.41) < 0.001
    assert actor_id in tab.positions
    assert window.undo_stack.undoText().startswith("Placer ")


def test_placer_from_the_unlocated_list(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    js(qtbot, tab, "document.querySelector('.eco-legend.eco-folded') && "
                   "document.querySelector('.eco-legend-top').click()")
    js(qtbot, tab, "document.querySelector('.eco-unlocated').open = true")
    wait_js(qtbot, tab, "!!document.querySelector('.eco-place-button')")
    js(qtbot, tab, "document.querySelector('.eco-place-button').click()")
    wait_js(qtbot, tab, "ecoTools.tool() === 'place'")
    assert js(qtbot, tab, "ecoTools.cancel()") is None  # Échap's way out: nothing written
