"""The application's tools on the map page (static/maptools.js through MapView's bridge):
drawing a polygon or a circle, showing the filter's area, « Déplacer » and « Placer »."""
from __future__ import annotations

import pytest

from map_helpers import mouse_click, mouse_drag
from test_map_view import js, show, wait_js


@pytest.fixture
def shown(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.setView(48.80, 2.35, 12)")
    return map_view


def point(qtbot, view, lat, lon):
    return js(qtbot, view, f"ecoTools.screenPoint({lat}, {lon})")


def test_the_tools_are_on_app_pages_with_their_control(qtbot, shown):
    assert js(qtbot, shown, "typeof ecoTools") == "object"
    assert js(qtbot, shown, "document.querySelectorAll('.eco-draw a').length") == 3
    # « Effacer la zone » only when there is one.
    assert js(qtbot, shown, "document.querySelector('.eco-draw-clear').style.display") == "none"


def test_drawing_a_polygon_sends_its_vertices(qtbot, shown):
    target = shown.view.focusProxy()
    js(qtbot, shown, "document.querySelector('.eco-draw-polygon').click()")
    assert js(qtbot, shown, "ecoTools.tool()") == "polygon"
    corners = [(48.78, 2.30), (48.78, 2.40), (48.83, 2.40), (48.83, 2.30)]
    for lat, lon in corners[:-1]:
        mouse_click(target, *point(qtbot, shown, lat, lon))
        qtbot.wait(350)  # apart enough not to make a double-click
    x, y = point(qtbot, shown, *corners[-1])
    # The two clicks of a double-click, then its dblclick (offscreen Chromium counts no
    # double-click out of synthetic Qt events, so the page gets it as the browser makes it).
    mouse_click(target, x, y)
    mouse_click(target, x, y)
    # (Input reaches the page on its own way: the dblclick must not overtake the clicks.)
    wait_js(qtbot, shown, "document.querySelector('.eco-hint').textContent.indexOf('4 sommets') >= 0")
    with qtbot.waitSignal(shown.bridge.areaChosen, timeout=5000) as blocker:
        js(qtbot, shown, "ecoMap.map.getContainer().dispatchEvent(new MouseEvent('dblclick', "
                         f"{{bubbles: true, cancelable: true, clientX: {x}, clientY: {y}, detail: 2}}))")
    area = blocker.args[0]
    assert area["kind"] == "polygon" and len(area["rings"]) == 1
    ring = area["rings"][0]
    assert len(ring) == 4
    for (lat, lon), (want_lat, want_lon) in zip(ring, corners):
        assert abs(lat - want_lat) < 0.002 and abs(lon - want_lon) < 0.002
    assert js(qtbot, shown, "ecoTools.tool()") is None
    assert js(qtbot, shown, "ecoMap.view()")[2] == 12  # the double-click did not zoom


def test_enter_closes_a_polygon_and_escape_cancels_a_drawing(qtbot, shown):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    target = shown.view.focusProxy()
    js(qtbot, shown, "ecoTools.drawPolygon()")
    for lat, lon in [(48.78, 2.30), (48.78, 2.40)]:
        mouse_click(target, *point(qtbot, shown, lat, lon))
        qtbot.wait(350)
    QTest.keyClick(target, Qt.Key.Key_Return)
    wait_js(qtbot, shown, "document.querySelector('.eco-hint').textContent.indexOf('trois sommets') >= 0")
    mouse_click(target, *point(qtbot, shown, 48.83, 2.35))
    with qtbot.waitSignal(shown.bridge.areaChosen, timeout=5000) as blocker:
        QTest.keyClick(target, Qt.Key.Key_Return)
    assert len(blocker.args[0]["rings"][0]) == 3

    js(qtbot, shown, "ecoTools.drawPolygon()")
    mouse_click(target, *point(qtbot, shown, 48.78, 2.30))
    QTest.keyClick(target, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: js(qtbot, shown, "ecoTools.tool()") is None, timeout=3000)
    assert js(qtbot, shown, "document.querySelector('.eco-hint').style.display") == "none"


def test_drawing_a_circle_sends_its_centre_and_radius(qtbot, shown):
    target = shown.view.focusProxy()
    shown.start_drawing("circle")
    wait_js(qtbot, shown, "ecoTools.tool() === 'circle'")
    centre, edge = point(qtbot, shown, 48.80, 2.35), point(qtbot, shown, 48.80, 2.40)
    with qtbot.waitSignal(shown.bridge.areaChosen, timeout=5000) as blocker:
        mouse_drag(qtbot, target, [centre, edge])
    area = blocker.args[0]
    assert area["kind"] == "circle"
    assert abs(area["lat"] - 48.80) < 0.002 and abs(area["lon"] - 2.35) < 0.002
    assert 3.4 < area["radius_km"] < 3.9  # 0.05° of longitude at 48.8° N: 3.67 km
    assert js(qtbot, shown, "ecoMap.view()") == [48.80, 2.35, 12]  # the map did not pan


def test_the_filter_area_is_shown_and_kept_across_pages(qtbot, shown):
    shown.show_area({"kind": "circle", "label": "Villejuif", "lat": 48.79, "lon": 2.36, "radius_km": 2})
    wait_js(qtbot, shown, "ecoTools.area() !== null")
    assert js(qtbot, shown, "document.querySelector('.eco-draw-clear').style.display") == ""
    show(qtbot, shown)
    wait_js(qtbot, shown, "ecoTools.area() !== null && ecoTools.area().kind === 'circle'")
    with qtbot.waitSignal(shown.bridge.areaChosen, timeout=5000) as blocker:
        js(qtbot, shown, "document.querySelector('.eco-draw-clear').click()")
    assert blocker.args == [None]


def test_markers_move_only_in_move_mode(qtbot, shown):
    target = shown.view.focusProxy()
    js(qtbot, shown, "ecoMap.setView(48.7946, 2.3535, 15)")
    x, y = js(qtbot, shown, "ecoMap.markerPoint(4)")
    moved = []
    shown.bridge.moved.connect(lambda *args: moved.append(args))
    mouse_drag(qtbot, target, [(x, y), (x + 80, y + 40)])
    qtbot.wait(200)
    assert moved == []  # the map panned instead
    x, y = js(qtbot, shown, "ecoMap.markerPoint(4)")
    shown.set_moving(True)
    wait_js(qtbot, shown, "ecoTools.tool() === 'move'")
    with qtbot.waitSignal(shown.bridge.moved, timeout=5000) as blocker:
        mouse_drag(qtbot, target, [(x, y), (x + 100, y + 50)])
    actor_id, lat, lon = blocker.args
    assert actor_id == 4 and lat < 48.7946 and lon > 2.3535
    assert js(qtbot, shown, "ecoMap.view()")[:2] == pytest.approx(js(qtbot, shown, "ecoMap.view()")[:2])
    # The mode stays on across a new page, until switched off.
    show(qtbot, shown)
    wait_js(qtbot, shown, "ecoTools.tool() === 'move'")
    shown.set_moving(False)
    wait_js(qtbot, shown, "ecoTools.tool() === null")


def test_placing_an_actor_from_the_unlocated_list(qtbot, shown):
    js(qtbot, shown, "document.querySelector('.eco-legend.eco-folded .eco-legend-top') && "
                     "document.querySelector('.eco-legend-top').click()")
    js(qtbot, shown, "document.querySelector('.eco-unlocated').open = true")
    wait_js(qtbot, shown, "!!document.querySelector('.eco-place-button')")
    with qtbot.waitSignal(shown.bridge.placeAsked, timeout=5000) as blocker:
        js(qtbot, shown, "document.querySelector('.eco-place-button').click()")
    assert blocker.args == [7]
    shown.start_placing(7, "Sans adresse")
    wait_js(qtbot, shown, "ecoTools.tool() === 'place'")
    assert "Sans adresse" in js(qtbot, shown, "document.querySelector('.eco-hint').textContent")
    with qtbot.waitSignal(shown.bridge.placed, timeout=5000) as blocker:
        mouse_click(shown.view.focusProxy(), *point(qtbot, shown, 48.81, 2.33))
    actor_id, lat, lon = blocker.args
    assert actor_id == 7 and abs(lat - 48.81) < 0.001 and abs(lon - 2.33) < 0.001
    assert js(qtbot, shown, "ecoTools.tool()") is None


def test_the_tools_never_reach_a_standalone_file():
    from eco_desktop import maps
    from map_helpers import map_actor
    html = maps.build_map_html([map_actor(1, "Genethon")], standalone=True)
    assert "window.ecoTools" not in html and "startPlacing" not in html and "preparePrint" not in html
