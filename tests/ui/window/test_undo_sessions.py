"""Ctrl+Z in a window undoes that window's writes only: never another window's or
program's, and never over what they changed since (the person is told what was kept)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

CELLECTIS, GENOPOLE = 15, 20


@pytest.fixture
def other_program(catalogue):
    """The same file open elsewhere (another window or program): the window's file is
    ``catalogue_path`` too, so the catalogue fixture is a second connection to it."""
    return catalogue


@pytest.fixture
def told(monkeypatch) -> list[tuple]:
    """The arguments of every message the undo shows the person."""
    messages = []
    monkeypatch.setattr("eco_desktop.ui.window.undo.inform", lambda *args: messages.append(args))
    return messages


def _ctrl_z(qtbot, window) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_z_leaves_another_programs_edit_alone(qtbot, window, other_program, told):
    window.catalogue.update_actor(GENOPOLE, {"website": "https://www.genopole.fr/nouveau"})
    other_program.update_actor(CELLECTIS, {"description": "écrit ailleurs"})
    _ctrl_z(qtbot, window)
    assert window.catalogue.get_actor(GENOPOLE)["website"] == "https://www.genopole.fr"
    assert window.catalogue.get_actor(CELLECTIS)["description"] == "écrit ailleurs"
    _ctrl_z(qtbot, window)                                  # nothing more of ours to undo
    assert window.catalogue.get_actor(CELLECTIS)["description"] == "écrit ailleurs"
    assert told == []


def test_ctrl_z_keeps_a_newer_value_and_says_so(qtbot, window, other_program, told):
    window.catalogue.update_actor(GENOPOLE, {"website": "https://www.genopole.fr/nouveau"})
    other_program.update_actor(GENOPOLE, {"website": "https://www.genopole.fr/ailleurs"})
    _ctrl_z(qtbot, window)
    assert window.catalogue.get_actor(GENOPOLE)["website"] == "https://www.genopole.fr/ailleurs"
    assert len(told) == 1
    text = told[0][2]
    assert text.startswith("Annulation faite en partie")
    assert "L'acteur « Genopole » : le champ « Site web » a été modifié depuis" in text
