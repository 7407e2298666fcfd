"""The map's fixtures: the window's « Carte » tab, and a MapView of its own."""
from __future__ import annotations

import pytest


@pytest.fixture
def tab(window):
    return window.features["map"]


@pytest.fixture
def map_view(qtbot):
    from eco_desktop.ui.map.view import MapView
    view = MapView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    return view
