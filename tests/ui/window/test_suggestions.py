"""Typing in the search box as officers do (issue 18): a plural or a vocabulary label lists
the actors it means; a misspelt name leaves the list empty with buttons proposing the
closest names and values, one click applying one."""
from __future__ import annotations

from PySide6.QtCore import Qt
from search_box_helpers import listed_names, type_search

from eco_desktop.catalogue.suggest import Candidate, Suggestion
from eco_desktop.ui.window.suggestions import SuggestionBar

GENE_THERAPY = {"ART-TG", "Cellectis", "Centre Meary", "GenSight Biologics", "Institut de la Vision", "Magenta",
                "Yposkesi"}


def test_typing_a_plural_lists_the_domain_s_actors(qtbot, window):
    type_search(qtbot, window, "therapies geniques")
    assert GENE_THERAPY <= set(listed_names(window))
    assert not window.suggestions.isVisible()


def test_a_misspelt_name_proposes_the_name_and_a_click_searches_it(qtbot, window):
    type_search(qtbot, window, "cellectiss")
    assert listed_names(window) == []
    assert window.suggestions.isVisible()
    assert window.suggestions.buttons[0].text() == "Cellectis"
    qtbot.mouseClick(window.suggestions.buttons[0], Qt.MouseButton.LeftButton)
    assert window.search.text() == "Cellectis"
    assert listed_names(window)[0] == "Cellectis"
    assert not window.suggestions.isVisible()


def test_a_vocabulary_value_ticks_its_facet(qtbot, window):
    type_search(qtbot, window, "therapie genetiqe")
    button = next(b for b in window.suggestions.buttons if b.text() == "Thérapie génique")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.search.text() == ""
    assert window.filter.domains == ("gene_therapy",)
    assert set(listed_names(window)) == GENE_THERAPY


def test_hostile_names_stay_text(qtbot):
    bar = SuggestionBar()
    qtbot.addWidget(bar)
    hostile = "<b>R&D</b> <img src=x>\u202e"
    bar.show_suggestions([Suggestion(Candidate(hostile, "name", ("text", hostile)), 90.0)])
    assert bar.buttons[0].text() == "<b>R&&D</b> <img src=x>"
    assert "&lt;b&gt;" in bar.buttons[0].toolTip() and "<b>" not in bar.buttons[0].toolTip()
    assert bar.message.textFormat() == Qt.TextFormat.PlainText
    bar.show_suggestions([])
    assert bar.buttons == [] and bar.isHidden()
