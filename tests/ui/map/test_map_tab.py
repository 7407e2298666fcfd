"""The "Carte" tab in the main window (offscreen WebEngine): the map follows the filter,
the selection goes both ways, relations, lazy rebuilds and the standalone export."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from eco_desktop import maps
from eco_desktop.ui.settings import settings
from eco_desktop.ui.map.tab import KEY_RELATIONS

from test_maps import actor_columns

LOAD_TIMEOUT = 30_000


def js(qtbot, tab, script: str, timeout: int = 10_000):
    """The value of a JavaScript expression in the map page."""
    box = []
    tab.map.run_js(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if box[0] else None


def wait_js(qtbot, tab, script: str, timeout: int = 10_000):
    qtbot.waitUntil(lambda: js(qtbot, tab, script) is True, timeout=timeout)


def located(window, flt=None) -> list[int]:
    cat = window.catalogue
    actors = cat.actors_by_ids(cat.actor_ids(flt if flt is not None else window.filter))
    return [a["id"] for a in actors if a["lat"] is not None and a["lon"] is not None]


def unlocated(window) -> list[int]:
    cat = window.catalogue
    return [a["id"] for a in cat.actors_by_ids(cat.actor_ids(window.filter))
            if a["lat"] is None or a["lon"] is None]


def loaded_after(qtbot, tab, action):
    """Run ``action`` and wait until the map has loaded the page it triggers."""
    built = []
    tab.built.connect(lambda: built.append(True))
    action()
    qtbot.waitUntil(lambda: bool(built), timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(tab.map.is_ready, timeout=LOAD_TIMEOUT)
    assert tab.map.page.console_errors == []


def show_tab(qtbot, window, tab):
    loaded_after(qtbot, tab, lambda: window.tabs.setCurrentIndex(tab.tab_index))


def test_tab_and_menu_are_installed(window, tab):
    assert window.tabs.tabText(tab.tab_index) == "Carte"
    actions = window.menu_file.actions()
    assert tab.act_export in actions
    assert actions.index(tab.act_export) < actions.index(window.file_tools_anchor)
    # Nothing is built before the tab is shown (the window starts on "Liste").
    assert tab.map is None


def test_showing_the_tab_loads_the_actors_of_the_filter(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    assert window.facets.isVisible() and window.editor.isVisible()  # side panels kept
    expected = located(window)
    assert expected and unlocated(window), "the bundled catalogue has both kinds of actors"
    assert js(qtbot, tab, "ecoMap.markerCount()") == len(expected)
    assert js(qtbot, tab, "ecoMap.unlocatedCount()") == len(unlocated(window))
    assert js(qtbot, tab, "document.querySelector('.eco-title-main').textContent") == maps.DEFAULT_TITLE
    assert "Tous les acteurs" in js(qtbot, tab, "document.querySelector('.eco-title-sub').textContent")
    assert f"{len(unlocated(window))} non localisé" in tab.status.text()


def test_a_facet_ticked_while_shown_updates_the_markers(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    js(qtbot, tab, "ecoMap.setView(48.70, 2.30, 10)")
    qtbot.waitUntil(lambda: (tab.map.current_view() or (0, 0, 0))[2] == 10)
    flt = window.filter.with_selection("departement", ["91"])
    loaded_after(qtbot, tab, lambda: window.set_filter(flt))
    expected = located(window, flt)
    assert 0 < len(expected) < len(located(window, flt.cleared()))
    assert js(qtbot, tab, "ecoMap.markerCount()") == len(expected)
    assert js(qtbot, tab, "ecoMap.markerCount() + ecoMap.unlocatedCount()") == window.model.rowCount()
    assert "91" in js(qtbot, tab, "document.querySelector('.eco-title-sub').textContent")
    assert js(qtbot, tab, "ecoMap.view()")[2] == 10  # zoom kept across the rebuild


def test_filter_changes_while_hidden_wait_for_the_tab(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    built = []
    tab.built.connect(lambda: built.append(True))
    window.tabs.setCurrentIndex(0)
    flt = window.filter.with_selection("departement", ["75"])
    window.set_filter(flt)
    window.set_filter(flt.with_selection("kind", ["biotech"]))
    qtbot.wait(400)
    assert built == [] and tab._stale
    loaded_after(qtbot, tab, lambda: window.tabs.setCurrentIndex(tab.tab_index))
    assert js(qtbot, tab, "ecoMap.markerCount()") == len(located(window))


def test_the_saved_view_names_the_map(qtbot, window, tab):
    flt = window.filter.with_selection("departement", ["91"])
    window.catalogue.save_view("Essonne", flt)
    window.set_filter(flt)
    show_tab(qtbot, window, tab)
    assert js(qtbot, tab, "document.querySelector('.eco-title-main').textContent") == "Essonne"
    assert re.fullmatch(r"carte-essonne-\d{4}-\d\d-\d\d\.html", tab.default_export_path().name)


def test_a_write_rebuilds_the_shown_map(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    before = js(qtbot, tab, "ecoMap.markerCount()")
    victim = located(window)[0]
    loaded_after(qtbot, tab, lambda: window.catalogue.delete_actors([victim]))
    assert js(qtbot, tab, "ecoMap.markerCount()") == before - 1
    loaded_after(qtbot, tab, window.undo_stack.undo)
    assert js(qtbot, tab, "ecoMap.markerCount()") == before


def test_selected_rows_are_highlighted(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    ids = located(window)[:2]
    window.select_actors(ids)
    wait_js(qtbot, tab, f"JSON.stringify(ecoMap.selectedIds().sort()) === '{json.dumps(sorted(ids))}'"
            .replace(", ", ","))
    # Selected while the tab is hidden: applied when it is shown again.
    window.tabs.setCurrentIndex(0)
    other = located(window)[5]
    window.select_actors([other])
    window.tabs.setCurrentIndex(tab.tab_index)
    wait_js(qtbot, tab, f"JSON.stringify(ecoMap.selectedIds()) === '[{other}]'")


def test_center_on_the_selection(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    assert not tab.center_on_selection()  # nothing selected
    target = located(window)[3]
    lat, lon = tab.positions[target]
    window.select_actors([target])
    assert tab.act_center.isEnabled()
    js(qtbot, tab, "ecoMap.setView(48.0, 3.5, 9)")  # far away
    tab.act_center.trigger()
    qtbot.waitUntil(lambda: js(qtbot, tab, "ecoMap.view()")[2] >= 13)
    view = js(qtbot, tab, "ecoMap.view()")
    assert view[0] == pytest.approx(lat, abs=1e-3) and view[1] == pytest.approx(lon, abs=1e-3)


def test_clicking_a_marker_selects_the_row_and_opens_the_record(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    target = located(window)[4]
    lat, lon = tab.positions[target]
    js(qtbot, tab, f"ecoMap.setView({lat}, {lon}, 18)")
    qtbot.wait(200)
    x, y = js(qtbot, tab, f"ecoMap.markerPoint({target})")
    with qtbot.waitSignal(tab.map.actorClicked, timeout=5000) as blocker:
        QTest.mouseClick(tab.map.view.focusProxy(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y)))
    assert blocker.args == [target]
    assert window.selected_ids() == [target]
    assert window.editor.current_id() == target
    assert window.tabs.currentIndex() == tab.tab_index  # the map stays in view
    wait_js(qtbot, tab, f"JSON.stringify(ecoMap.selectedIds()) === '[{target}]'")


def test_voir_la_fiche_and_unlocated_actors_select_the_row(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    target = located(window)[2]
    js(qtbot, tab, f"ecoMap.openActor({target})")
    wait_js(qtbot, tab, "!!document.querySelector('.eco-card-open')")
    with qtbot.waitSignal(tab.map.actorActivated, timeout=5000):
        js(qtbot, tab, "document.querySelector('.eco-card-open').click()")
    assert window.selected_ids() == [target]
    assert window.editor.current_id() == target
    assert window.splitter.sizes()[2] >= 200

    first_unlocated = unlocated(window)[0]
    js(qtbot, tab, "document.querySelector('.eco-unlocated').open = true")
    wait_js(qtbot, tab, "document.querySelectorAll('.eco-unlocated li').length > 0")
    with qtbot.waitSignal(tab.map.actorActivated, timeout=5000) as blocker:
        js(qtbot, tab, "document.querySelector('.eco-unlocated li').click()")
    assert blocker.args == [first_unlocated]
    assert window.selected_ids() == [first_unlocated]
    assert window.editor.current_id() == first_unlocated


def test_relations_toggle_draws_lines_and_is_remembered(qtbot, window, tab):
    assert not tab.act_relations.isChecked()
    show_tab(qtbot, window, tab)
    assert js(qtbot, tab, "ecoMap.relationLineCount()") == 0
    tab.act_relations.trigger()
    wait_js(qtbot, tab, "ecoMap.relationLineCount() > 0")
    assert settings().value(KEY_RELATIONS, type=bool) is True
    # Still drawn after a rebuild.
    loaded_after(qtbot, tab, lambda: window.set_filter(window.filter.with_selection("departement", ["75", "94"])))
    wait_js(qtbot, tab, "ecoMap.relationLineCount() > 0")
    tab.act_relations.trigger()
    wait_js(qtbot, tab, "ecoMap.relationLineCount() === 0")
    assert settings().value(KEY_RELATIONS, type=bool) is False


def test_export_writes_the_filtered_actors(qtbot, window, tab, tmp_path, monkeypatch):
    flt = window.filter.with_selection("departement", ["94"])
    window.set_filter(flt)
    asked = []

    def fake_dialog(parent, caption, start, filters):
        asked.append(start)
        return str(tmp_path / "export-carte"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    with qtbot.waitSignal(tab.exported, timeout=LOAD_TIMEOUT) as blocker:
        window.menu_file.actions()[window.menu_file.actions().index(tab.act_export)].trigger()
    path = blocker.args[0]
    assert path == tmp_path / "export-carte.html"
    assert re.fullmatch(r"carte-acteurs-\d{4}-\d\d-\d\d\.html", Path(asked[0]).name)
    html = path.read_text("utf-8")
    match = re.search(r'<script type="application/json" id="eco-data">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    ids = actor_columns(data)["id"]
    assert ids == window.catalogue.actor_ids(flt)
    assert 0 < len(ids) < window.catalogue.total()
    assert data["app"] is False
    assert not re.search(r'<(script|link)[^>]+(src|href)="\s*(https?:|file:|//)', html, re.I)
    box = tab.result_box
    assert {b.text() for b in box.buttons()} >= {"Ouvrir le fichier", "Ouvrir le dossier"}
    assert "Carte de" in box.text()
    box.close()


def test_export_error_shows_the_french_message(qtbot, window, tab, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a: (str(tmp_path / "absent" / "carte.html"), ""))
    tab.act_export.trigger()
    qtbot.waitUntil(lambda: tab.export_operation is None and getattr(tab, "result_box", None) is not None,
                    timeout=LOAD_TIMEOUT)
    assert "Impossible d'écrire" in tab.result_box.text() and "n'existe pas" in tab.result_box.text()
    assert tab.last_export is None
    tab.result_box.close()


def test_a_selected_marker_is_drawn_and_clickable_above_its_cluster(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    genopole = next(i for i, name in window.catalogue.all_actor_names() if name == "Genopole")
    lat, lon = tab.positions[genopole]
    js(qtbot, tab, f"ecoMap.setView({lat}, {lon}, 11)")  # Évry's actors are one cluster here
    wait_js(qtbot, tab, "document.querySelectorAll('.eco-cluster').length > 0")
    window.select_actor(genopole)
    wait_js(qtbot, tab, "document.querySelectorAll('.leaflet-ecoSelected-pane path').length === 1")
    window.table.clearSelection()
    wait_js(qtbot, tab, "document.querySelectorAll('.leaflet-ecoSelected-pane path').length === 0")
    window.select_actor(genopole)
    wait_js(qtbot, tab, "document.querySelectorAll('.leaflet-ecoSelected-pane path').length === 1")
    x, y = js(qtbot, tab, f"ecoMap.markerPoint({genopole})")
    with qtbot.waitSignal(tab.map.actorClicked, timeout=5000) as blocker:
        QTest.mouseClick(tab.map.view.focusProxy(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y)))
    assert blocker.args == [genopole]


def test_the_legend_starts_folded_on_the_small_map_and_unfolds(qtbot, window, tab):
    show_tab(qtbot, window, tab)
    js(qtbot, tab, "localStorage.removeItem('eco-legend-folded')")
    loaded_after(qtbot, tab, lambda: window.set_filter(window.filter.with_selection("departement", ["75"])))
    assert js(qtbot, tab, "window.innerWidth < 900")  # the tab beside the facets and the record
    assert js(qtbot, tab, "document.querySelector('.eco-legend').classList.contains('eco-folded')")
    assert js(qtbot, tab, "document.querySelector('.eco-legend-row').offsetParent === null")  # hidden
    js(qtbot, tab, "document.querySelector('.eco-legend-top').click()")
    assert js(qtbot, tab, "document.querySelector('.eco-legend-row').offsetParent !== null")
    # Remembered for the next page (the next filter).
    loaded_after(qtbot, tab, lambda: window.set_filter(window.filter.with_selection("departement", ["91"])))
    assert not js(qtbot, tab, "document.querySelector('.eco-legend').classList.contains('eco-folded')")
    js(qtbot, tab, "localStorage.removeItem('eco-legend-folded')")


def test_loading_the_map_module_drops_the_sources_pyside_leaves_in_linecache():
    """folium's and numpy's sources, read by PySide6 when the map is first needed."""
    import linecache

    from eco_desktop.ui.map import tab as map_tab

    assert linecache.getlines(__file__)
    map_tab._maps()
    assert __file__ not in linecache.cache
