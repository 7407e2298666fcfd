"""The map panel in a real QWebEngineView (offscreen): markers, selection, clicks,
relations, hostile text, and no request leaving the machine."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest

from eco_desktop import maps
from eco_desktop.ui.map.view import MapView

from map_helpers import map_actor, standalone_page, url_recorder

PWN_NAME = '<img src=x onerror="window.__pwned=1">'
PWN_SCRIPT = "</script><script>window.__pwned=2</script>"
PWN_LINK = "javascript:window.__pwned=3"


ACTORS = [
    map_actor(1, "Genethon", website="https://www.genethon.fr"),
    map_actor(2, "YposKesi", kind="bioproduction"),                       # same place as Genethon
    map_actor(3, "Cellectis", lat=48.8284, lon=2.3623, commune="Paris 13e Arrondissement"),
    map_actor(4, "Gustave Roussy", kind="hospital", lat=48.7946, lon=2.3535, commune="Villejuif"),
    map_actor(5, "Servier", kind="pharma", lat=48.8710, lon=2.2250, commune="Suresnes"),
    map_actor(6, "Sartorius", kind="techprovider", lat=48.6950, lon=2.1870, commune="Les Ulis"),
    map_actor(7, "Sans adresse", kind="academic", lat=None, lon=None, commune=""),
    map_actor(8, "Autre sans adresse", kind="funder", lat=None, lon=None),
]
RELATIONS = [
    {"id": 1, "source_id": 2, "type": "hosted_by", "target_id": 1},
    {"id": 2, "source_id": 3, "type": "partner_of", "target_id": 4},
    {"id": 3, "source_id": 6, "type": "site_of", "target_id": 5},
    {"id": 4, "source_id": 3, "type": "partner_of", "target_id": 7},    # 7 is not located
    {"id": 5, "source_id": 3, "type": "member_of", "target_id": 999},   # 999 is not shown
]
DRAWABLE_RELATIONS = 3
LOCATED = 6


def js(qtbot, view: MapView, script: str, timeout: int = 10_000):
    """The value of a JavaScript expression in the page (JSON-encoded by the page)."""
    box = []
    view.run_js(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if box[0] else None  # undefined comes back empty


def wait_js(qtbot, view: MapView, script: str, timeout: int = 10_000):
    qtbot.waitUntil(lambda: js(qtbot, view, script) is True, timeout=timeout)


def js_signal(qtbot, view: MapView, signal, script: str) -> list:
    """The arguments ``signal`` is emitted with when the page runs ``script`` (a click)."""
    with qtbot.waitSignal(signal, timeout=5000) as blocker:
        js(qtbot, view, script)
    return blocker.args


def show(qtbot, view: MapView, actors=ACTORS, relations=RELATIONS, **kwargs):
    with qtbot.waitSignal(view.loaded, timeout=30_000) as blocker:
        view.set_actors(actors, relations, title="Carte de test", subtitle="Tous", **kwargs)
    assert blocker.args == [True]
    assert view.page.console_errors == []


@pytest.fixture
def recorder(map_view):
    profile = map_view.page.profile()
    rec = url_recorder()
    profile.setUrlRequestInterceptor(rec)
    yield rec
    profile.setUrlRequestInterceptor(None)


def test_page_loads_with_one_marker_per_located_actor(qtbot, map_view):
    show(qtbot, map_view)
    assert js(qtbot, map_view, "ecoMap.markerCount()") == LOCATED
    assert map_view.marker_count == LOCATED
    assert js(qtbot, map_view, "ecoMap.unlocatedCount()") == 2
    legend = js(qtbot, map_view, "document.querySelector('.eco-legend').textContent")
    assert "Non localisés : 2" in legend and "Entreprise de biothérapie" in legend
    assert js(qtbot, map_view, "document.querySelector('.eco-title-main').textContent") == "Carte de test"


def test_unlocated_actors_can_be_listed_and_opened(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "document.querySelector('.eco-unlocated').open = true")
    wait_js(qtbot, map_view, "document.querySelectorAll('.eco-unlocated li').length === 2")
    assert js_signal(qtbot, map_view, map_view.actorActivated,
                     "document.querySelector('.eco-unlocated li').click()") == [7]


def test_selection_round_trip(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.selectActors([3, 4, 7, 12345])")
    assert sorted(js(qtbot, map_view, "ecoMap.selectedIds()")) == [3, 4, 7]
    # Selected markers are lifted out of the clusters; the total stays the same.
    assert js(qtbot, map_view, "ecoMap.markerCount()") == LOCATED
    map_view.select_actors([5])
    wait_js(qtbot, map_view, "JSON.stringify(ecoMap.selectedIds()) === '[5]'")


def test_selection_is_kept_across_reloads(qtbot, map_view):
    show(qtbot, map_view)
    map_view.select_actors([4])
    show(qtbot, map_view, actors=ACTORS[2:])
    assert js(qtbot, map_view, "ecoMap.selectedIds()") == [4]


def test_clicking_a_marker_then_voir_la_fiche(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.setView(48.7946, 2.3535, 15)")
    x, y = js(qtbot, map_view, "ecoMap.markerPoint(4)")
    target = map_view.view.focusProxy()
    with qtbot.waitSignal(map_view.actorClicked, timeout=5000) as blocker:
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(round(x), round(y)))
    assert blocker.args == [4]
    wait_js(qtbot, map_view, "!!document.querySelector('.eco-popup .eco-card-open')")
    assert js(qtbot, map_view, "document.querySelector('.eco-card-name').textContent") == "Gustave Roussy"
    assert js_signal(qtbot, map_view, map_view.actorActivated,
                     "document.querySelector('.eco-card-open').click()") == [4]


def test_actors_at_the_same_place_are_listed_in_the_popup(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.openActor(1)")
    wait_js(qtbot, map_view, "!!document.querySelector('.eco-card-here')")
    here = js(qtbot, map_view, "document.querySelector('.eco-card-here').textContent")
    assert "YposKesi" in here and "1 autre acteur" in here
    assert js_signal(qtbot, map_view, map_view.actorClicked,
                     "document.querySelector('.eco-card-here a').click()") == [2]
    assert js(qtbot, map_view, "document.querySelector('.eco-card-name').textContent") == "YposKesi"


def test_relations_toggle_draws_the_lines(qtbot, map_view):
    show(qtbot, map_view)
    assert js(qtbot, map_view, "ecoMap.relationLineCount()") == 0
    assert js(qtbot, map_view, "ecoMap.setRelationsVisible(true)") is True
    assert js(qtbot, map_view, "ecoMap.relationLineCount()") == DRAWABLE_RELATIONS
    legend = js(qtbot, map_view, "document.querySelector('.eco-legend-relations').textContent")
    assert "hébergé par" in legend and "partenaire de" in legend
    js(qtbot, map_view, "ecoMap.setRelationsVisible(false)")
    assert js(qtbot, map_view, "ecoMap.relationLineCount()") == 0
    # The checkbox of the layer control does the same.
    js(qtbot, map_view, """Array.from(document.querySelectorAll('.leaflet-control-layers label'))
        .find(l => l.textContent.includes('Relations')).querySelector('input').click()""")
    assert js(qtbot, map_view, "ecoMap.relationLineCount()") == DRAWABLE_RELATIONS
    map_view.set_relations_visible(False)
    wait_js(qtbot, map_view, "ecoMap.relationLineCount() === 0")


def test_hostile_records_show_their_characters_and_run_nothing(qtbot, map_view, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    hostile = [
        map_actor(1, PWN_NAME, website=PWN_LINK, description=PWN_SCRIPT, lat=48.80, lon=2.30),
        map_actor(2, PWN_SCRIPT, commune=PWN_NAME, domains=[PWN_NAME], lat=48.70, lon=2.40,
                  website="https://exemple.fr/a?b=<c>"),
        map_actor(3, PWN_NAME + "bis", lat=None, lon=None),
    ]
    relations = [{"id": 1, "source_id": 1, "type": "partner_of", "target_id": 2}]
    show(qtbot, map_view, actors=hostile, relations=relations)
    page_url = map_view.page.url()

    js(qtbot, map_view, "ecoMap.openActor(1)")
    wait_js(qtbot, map_view, "!!document.querySelector('.eco-card-name')")
    assert js(qtbot, map_view, "document.querySelector('.eco-card-name').textContent") == PWN_NAME
    assert js(qtbot, map_view, "document.querySelectorAll('.eco-popup img').length") == 0
    # javascript: is no link.
    assert js(qtbot, map_view, "document.querySelectorAll('.eco-popup a.eco-card-site').length") == 0
    assert js(qtbot, map_view, "document.querySelectorAll('a[href^=\"javascript\"]').length") == 0

    js(qtbot, map_view, "ecoMap.openActor(2)")
    wait_js(qtbot, map_view, "!!document.querySelector('.eco-card-site')")
    assert js(qtbot, map_view, "document.querySelector('.eco-card-name').textContent") == PWN_SCRIPT
    assert js(qtbot, map_view, "document.querySelector('.eco-card-commune').textContent") == PWN_NAME
    # An http(s) link opens in the system browser; the page stays.
    js(qtbot, map_view, "document.querySelector('.eco-card-site').click()")
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == ["https://exemple.fr/a?b=%3Cc%3E"]

    js(qtbot, map_view, "document.querySelector('.eco-unlocated').open = true")
    js(qtbot, map_view, "ecoMap.setRelationsVisible(true)")
    js(qtbot, map_view, "ecoMap.selectActors([1, 2, 3])")
    qtbot.wait(300)  # let any injected image fail and its handler run, if there were one
    assert js(qtbot, map_view, "typeof window.__pwned") == "undefined"
    assert js(qtbot, map_view, "document.querySelector('.eco-unlocated-name').textContent") == PWN_NAME + "bis"
    assert map_view.page.url() == page_url


def test_the_page_does_not_navigate_away(qtbot, map_view, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    show(qtbot, map_view)
    page_url = map_view.page.url()
    # A web address goes to the system browser; anything else is refused.
    js(qtbot, map_view, "window.location.href = 'https://www.example.org/'")
    js(qtbot, map_view, "window.location.href = 'file:///etc/passwd'")
    js(qtbot, map_view, "window.open('https://www.example.org/autre')")
    qtbot.waitUntil(lambda: opened == ["https://www.example.org/"], timeout=5000)
    qtbot.wait(300)  # and nothing else follows
    assert map_view.page.url() == page_url
    assert js(qtbot, map_view, "ecoMap.markerCount()") == LOCATED
    assert opened == ["https://www.example.org/"]
    map_view.bridge.openLink("javascript:alert(1)")
    map_view.bridge.openLink("file:///etc/passwd")
    map_view.bridge.openLink("mailto:contact@exemple.fr")
    assert opened == ["https://www.example.org/", "mailto:contact@exemple.fr"]


def test_texts_holding_the_payload_separator_and_large_ids(qtbot, map_view):
    # Such a name makes the names travel as a list rather than one joined string, and
    # an id beyond 32 bits makes the ids travel as doubles (see maps.py, "payload").
    big = 2 ** 40 + 3
    odd = [map_actor(big, "Un\x1fDeux", website="https://exemple.fr/"), map_actor(2, "Trois", lat=48.8, lon=2.3)]
    show(qtbot, map_view, actors=odd, relations=[{"source_id": big, "type": "partner_of", "target_id": 2}])
    assert js(qtbot, map_view, "ecoMap.markerCount()") == 2
    js(qtbot, map_view, f"ecoMap.openActor({big})")
    wait_js(qtbot, map_view, "!!document.querySelector('.eco-card-name')")
    assert js(qtbot, map_view, "document.querySelector('.eco-card-name').textContent") == "Un\x1fDeux"
    assert js(qtbot, map_view, "document.querySelector('.eco-card-site').href") == "https://exemple.fr/"
    js(qtbot, map_view, "ecoMap.setRelationsVisible(true)")
    assert js(qtbot, map_view, "ecoMap.relationLineCount()") == 1


def test_zoom_and_position_are_kept_across_filter_changes(qtbot, map_view):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.setView(48.75, 2.35, 12)")
    qtbot.waitUntil(lambda: map_view.current_view() is not None and map_view.current_view()[2] == 12)
    show(qtbot, map_view, actors=ACTORS[:3])
    lat, lon, zoom = js(qtbot, map_view, "ecoMap.view()")
    assert zoom == 12
    assert lat == pytest.approx(48.75, abs=1e-3) and lon == pytest.approx(2.35, abs=1e-3)


def test_no_request_leaves_the_machine(qtbot, map_view, recorder):
    show(qtbot, map_view)
    js(qtbot, map_view, "ecoMap.openActor(3)")
    js(qtbot, map_view, "ecoMap.setRelationsVisible(true)")
    js(qtbot, map_view, "ecoMap.setView(48.80, 2.35, 13)")  # communes and their labels
    qtbot.wait(500)
    assert recorder.urls, "the interceptor saw nothing: the test would prove nothing"
    schemes = {QUrl(u).scheme() for u in recorder.urls}
    assert schemes <= {"file", "qrc", "data"}, recorder.urls
    assert any(u.endswith("leaflet.js") for u in recorder.urls)


def test_standalone_page_works_without_any_request(qtbot, tmp_path):
    path = maps.write_standalone_map(tmp_path / "carte.html", ACTORS, RELATIONS, title="Carte")
    with standalone_page(qtbot, path) as ask:
        assert ask("ecoMap.markerCount()") == LOCATED
        ask("ecoMap.openActor(1)")
        assert ask("document.querySelector('.eco-card-site').target") == "_blank"
        assert ask("document.querySelector('.eco-card-open') === null") is True  # no application here
