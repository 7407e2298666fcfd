"""The window's undo: each committed history batch of this session is a QUndoStack step.

The catalogue tells its listeners of every commit (``label, undoable``); an undoable one
becomes a :class:`StoreCommand`, whose undo and redo replay the catalogue's history
(``Catalogue.undo()`` / ``redo()``). A replay of many recorded changes (an import, a big
bulk edit) runs through the window's operation helper, behind a modal progress dialog,
and what another session changed since is told in French (``replay_notes``).
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ... import APP_TITLE, french
from ..operations import Change
from ..text_safety import inform

# An undo or redo replaying this many recorded changes (an import, a bulk edit) runs in a
# worker behind a progress dialog, modal at once; smaller ones run here.
BACKGROUND_REPLAY = 2000


class StoreCommand(QUndoCommand):
    """One committed write of the store, as a QUndoStack step."""

    def __init__(self, window: "UndoWiring", label: str) -> None:
        super().__init__(label)
        self.window = window
        self._done = True  # the write already happened when the command is pushed

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.window.replay(backwards=False)

    def undo(self) -> None:
        self.window.replay(backwards=True)


class UndoWiring:
    """MainWindow's part that turns commits into undo steps and replays them."""

    def _store_committed(self, label: str, undoable: bool) -> None:
        if undoable and not self._replaying:
            self.undo_stack.push(StoreCommand(self, label))

    def replay(self, *, backwards: bool) -> None:
        """Undo (``backwards``) or redo the catalogue's next step, for the undo stack."""
        if self.catalogue is None:
            return
        size = self.catalogue.replay_size(backwards=backwards)
        action = (lambda c: c.undo()) if backwards else (lambda c: c.redo())
        self.run_store_action(action, background=size >= BACKGROUND_REPLAY,
                              text=f"{'Annulation' if backwards else 'Rétablissement'} de "
                                   f"{french.count(size, 'modification')}…")
        # What another window or program changed since was kept: say so, or the person
        # would take the step for fully undone.
        notes = self.catalogue.replay_notes() if self.catalogue is not None else []
        if notes:
            shown = notes[:20] + ([f"… et {len(notes) - 20} autre(s)."] if len(notes) > 20 else [])
            inform(self, APP_TITLE, f"{'Annulation' if backwards else 'Rétablissement'} faite en partie :\n\n"
                   + "\n".join(shown))

    def run_store_action(self, action, *, background: bool = False, text: str = "") -> None:
        """``action(catalogue)``, a replay of the history; with ``background``, in a worker
        thread while a modal progress dialog keeps the window alive."""
        if self.catalogue is None:
            return
        self._replaying = True
        catalogue = self.catalogue
        try:
            # Modal at once (no delay): the person must not act on a list being replaced.
            self.run_operation(lambda _progress, _cancelled: action(catalogue),
                               text=text or "Veuillez patienter…", background=background, delay_ms=0,
                               changes=Change.ACTORS | Change.VOCABULARIES)
        finally:
            self._replaying = False
