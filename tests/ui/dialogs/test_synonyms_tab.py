"""Outils → Vocabulaires → « Synonymes » (issue 18): a synonym added in the tab widens the
search box's list at once; a refused one says why and the editor comes back; edits and
deletions are undoable; record text stays text."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from search_box_helpers import listed_names, type_search

from eco_desktop.ui.dialogs import common
from eco_desktop.ui.dialogs.synonyms import SynonymEditor
from eco_desktop.ui.dialogs.vocab import VocabularyDialog
from eco_desktop.ui.operations import Change

GENE_THERAPY = {"ART-TG", "Cellectis", "Centre Meary", "GenSight Biologics", "Institut de la Vision", "Magenta",
                "Yposkesi"}


@pytest.fixture
def editor_answers(monkeypatch):
    """What the synonym editor is filled with each time it opens (None: cancelled)."""
    answers: list = []

    def exec_(editor):
        answer = answers.pop(0) if answers else None
        if answer is None:
            return QDialog.DialogCode.Rejected
        term, means, note = answer
        editor.term.setText(term)
        if ":" in means:
            editor.is_value.setChecked(True)
            editor.value.setCurrentIndex(editor.value.findData(means))
        else:
            editor.is_phrase.setChecked(True)
            editor.phrase.setText(means)
        editor.note.setText(note)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SynonymEditor, "exec", exec_)
    return answers


@pytest.fixture
def errors(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(common, "show_error", lambda parent, error, *a: shown.append(str(error)))
    return shown


def _terms(tab):
    return [tab.table.item(row, 0).text() for row in range(tab.table.rowCount())]


def test_a_synonym_added_in_the_tab_widens_the_list(qtbot, window, editor_answers, errors):
    type_search(qtbot, window, "lentivirus")
    assert listed_names(window) == []
    dialog = VocabularyDialog(window.catalogue, window)
    qtbot.addWidget(dialog)
    tab = dialog.synonyms_tab
    dialog.tabs.setCurrentWidget(tab)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Synonymes"
    assert "CDMO" in _terms(tab)
    row = _terms(tab).index("CDMO")
    assert tab.table.item(row, 1).text() == "Type d'acteur : Bioproduction (CDMO, site de production)"
    editor_answers.append(("lentivirus", "domain:gene_therapy", "usage du domaine"))
    with qtbot.waitSignal(dialog.changed):
        tab.add_button.click()
    assert _terms(tab)[-1] == "lentivirus" and tab.selected_id() is not None
    dialog.close()
    window.apply_changes(Change.VOCABULARIES)   # what closing Outils → Vocabulaires does
    type_search(qtbot, window, "lentivirus")
    assert GENE_THERAPY <= set(listed_names(window))
    assert not errors


def test_a_refused_synonym_says_why_and_the_editor_comes_back(qtbot, window, editor_answers, errors):
    dialog = VocabularyDialog(window.catalogue, window)
    qtbot.addWidget(dialog)
    tab = dialog.synonyms_tab
    before = _terms(tab)
    editor_answers += [("cdmo", "kind:bioproduction", ""), ("Vecteurs viraux", "vecteur viral", ""),
                       ("ARNm", "vaccins à ARN", "")]
    tab.add_button.click()
    assert errors == ["« cdmo » → « kind:bioproduction » est en double.",
                      "« Vecteurs viraux » se signifie lui-même : il n'élargirait pas la recherche."]
    assert _terms(tab) == before + ["ARNm"]
    row = _terms(tab).index("ARNm")
    assert tab.table.item(row, 1).text() == "« vaccins à ARN »"


def test_edit_and_delete_are_undoable(qtbot, window, editor_answers, errors):
    catalogue = window.catalogue
    dialog = VocabularyDialog(catalogue, window)
    qtbot.addWidget(dialog)
    tab = dialog.synonyms_tab
    tab.table.selectRow(_terms(tab).index("façonnier"))
    editor_answers.append(("façonnier", "domain:vaccines", "essai"))
    tab.edit_button.click()
    row = _terms(tab).index("façonnier")
    assert tab.table.item(row, 1).text() == "Domaine : Vaccins" and tab.table.item(row, 2).text() == "essai"
    tab.delete_button.click()
    assert "façonnier" not in _terms(tab)
    assert catalogue.undo() == "Supprimer le synonyme « façonnier »"
    assert catalogue.undo() == "Modifier le synonyme « façonnier »"
    tab.reload()
    row = _terms(tab).index("façonnier")
    assert tab.table.item(row, 1).text().startswith("Type d'acteur : Bioproduction")
    assert not errors


def test_hostile_terms_stay_text(qtbot, window, editor_answers, errors):
    dialog = VocabularyDialog(window.catalogue, window)
    qtbot.addWidget(dialog)
    tab = dialog.synonyms_tab
    editor_answers.append(("<b>gras</b>", "<img src=x>", "<a href='x'>lien</a>"))
    tab.add_button.click()
    row = _terms(tab).index("<b>gras</b>")
    assert tab.table.item(row, 1).text() == "« <img src=x> »"
    assert "&lt;a href" in tab.table.item(row, 2).toolTip() and "<a " not in tab.table.item(row, 2).toolTip()
