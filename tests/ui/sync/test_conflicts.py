"""« Conflits à revoir »: a field both Alice (the window) and Bob changed is listed with
both values, who and when; « Garder l'autre valeur » swaps it in one click, Ctrl+Z undoes
that and lists the conflict again; with none, the panel says what it is for."""
from __future__ import annotations

from PySide6.QtCore import Qt

from eco_desktop.ui.sync.conflicts import EMPTY_TEXT, shown

GENSIGHT = 17


def test_a_conflict_is_listed_the_other_value_chosen_and_undone(window, team, qtbot):
    feature = team.feature
    team.start()
    assert feature.panel.empty.isVisibleTo(feature.panel) and feature.panel.empty.text() == EMPTY_TEXT
    bob = team.join_bob()
    window.catalogue.update_actor(GENSIGHT, {"description": "Version d'Alice"})
    bob.update_actor(GENSIGHT, {"description": "Version de Bob"})  # the later edit: it wins
    team.bob_syncs()
    report = feature.sync_now()
    assert report.conflicts == 1
    assert feature.dock.isVisible()  # shown after a sync that listed conflicts
    assert "1 conflit à revoir" in feature.update_status()
    panel = feature.panel
    [row] = panel.texts()
    assert row[:5] == ["GenSight Biologics", "Description", "Version d'Alice", "Version de Bob", "Bob"]
    assert row[6] == "la leur (Bob)"
    assert window.catalogue.get_actor(GENSIGHT)["description"] == "Version de Bob"

    qtbot.mouseClick(panel.other_button, Qt.MouseButton.LeftButton)
    assert window.catalogue.get_actor(GENSIGHT)["description"] == "Version d'Alice"
    assert panel.texts() == [] and panel.empty.isVisibleTo(panel)
    assert "conflit" not in feature.update_status()
    assert window.catalogue.pending_count() >= 1  # the choice goes to the team

    window.undo_stack.undo()
    assert window.catalogue.get_actor(GENSIGHT)["description"] == "Version de Bob"
    qtbot.waitUntil(lambda: len(panel.texts()) == 1)
    window.undo_stack.redo()
    assert window.catalogue.get_actor(GENSIGHT)["description"] == "Version d'Alice"


def test_keeping_the_value_closes_the_conflict_and_the_record_can_be_shown(window, team, qtbot):
    feature = team.feature
    team.start()
    bob = team.join_bob()
    window.catalogue.update_actor(GENSIGHT, {"phone": "01 11 11 11 11"})
    bob.update_actor(GENSIGHT, {"phone": "01 22 22 22 22"})
    team.bob_syncs()
    feature.sync_now()
    panel = feature.panel
    assert panel.keep_button.text() == "Garder cette valeur"
    qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    assert window.selected_ids() == [GENSIGHT]
    qtbot.mouseClick(panel.keep_button, Qt.MouseButton.LeftButton)
    assert window.catalogue.get_actor(GENSIGHT)["phone"] == "01 22 22 22 22"
    assert panel.texts() == [] and window.catalogue.conflicts() == []
    # The status bar's link opens the panel.
    feature.dock.hide()
    feature.status_label.linkActivated.emit("conflits")
    assert feature.dock.isVisible()


def test_values_are_shown_as_read():
    assert shown(None) == "(vide)" and shown("  ") == "(vide)"
    assert shown('["gene_therapy", "cell_therapy"]') == "gene_therapy, cell_therapy"
    assert shown(3) == "3"


def test_an_edit_that_met_a_deletion_is_a_note_to_acknowledge(window, team, qtbot):
    feature = team.feature
    team.start()
    bob = team.join_bob()
    bob.delete_actors([GENSIGHT])
    bob.purge_actors([GENSIGHT])
    team.bob_syncs()
    window.catalogue.update_actor(GENSIGHT, {"phone": "01 33 33 33 33"})
    assert feature.sync_now().conflicts == 1
    panel = feature.panel
    [row] = panel.texts()
    assert row[0] == "GenSight Biologics" and "Supprimé par Bob" in row[2] and "corbeille" in row[2]
    assert panel.keep_button.text() == "Vu" and not panel.other_button.isEnabled()
    qtbot.mouseClick(panel.keep_button, Qt.MouseButton.LeftButton)
    assert panel.texts() == []
    assert window.catalogue.get_actor(GENSIGHT)["deleted_at"]  # back in the trash, not lost
