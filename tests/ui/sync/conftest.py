"""A team for the window's sync tests: the window's catalogue (Alice) and Bob, who joins
from the shared folder once Alice's first sync has set it up."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.sync import run
from eco_desktop.sync.config import PlaceSpec
from eco_desktop.sync.place import FolderPlace
from eco_desktop.ui.sync.dialog import Choice

GENSIGHT = 17


class WindowTeam:
    def __init__(self, window, tmp_path) -> None:
        self.window = window
        self.feature = window.features["sync"]
        self.root = tmp_path / "partage"
        self.root.mkdir()
        self.place = FolderPlace(self.root)
        self.folder = tmp_path
        self.bob: Catalogue | None = None

    def start(self, member: str = "Alice, Région", *, automatic: bool = False) -> None:
        """The window's catalogue starts the team (by default no automatic syncs: the
        tests say when)."""
        self.feature.apply_choice(Choice(PlaceSpec("folder", str(self.root)), None, member, automatic, 5))
        assert isinstance(self.feature.sync_now(), run.Report)

    def join_bob(self) -> Catalogue:
        run.join(self.place, self.folder / "bob.sqlite", member="Bob")
        self.bob = Catalogue.open(self.folder / "bob.sqlite")
        return self.bob

    def bob_syncs(self) -> run.Report:
        return run.sync(self.bob, self.place)

    def names(self) -> list[str]:
        """The names the window's list shows."""
        model = self.window.model
        return [model.data(model.index(row, 0)) for row in range(model.rowCount())]

    def close(self) -> None:
        if self.bob is not None:
            self.bob.close()


@pytest.fixture
def no_keyring():
    """No keyring that keeps passwords (keyring's fail backend, as on a bare Linux session)."""
    import keyring
    from keyring.backends import fail
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def team(window, tmp_path):
    team = WindowTeam(window, tmp_path)
    yield team
    team.close()

