"""The place as given once, remembered in the catalogue's meta without any password."""
from __future__ import annotations

import pytest

from eco_desktop.errors import UserError
from eco_desktop.sync import config
from eco_desktop.sync.place import FolderPlace
from eco_desktop.sync.webdav import WebDavPlace
from sync_helpers import files_holding, memory_keyring


def test_a_word_is_a_folder_or_a_url(tmp_path):
    assert config.spec_from_text(str(tmp_path)) == config.PlaceSpec("folder", str(tmp_path))
    spec = config.spec_from_text("https://cloud.example.fr/remote.php/dav/files/claire/eco", "claire")
    assert spec.kind == "webdav" and spec.location.endswith("/eco/") and spec.user == "claire"
    with pytest.raises(UserError, match="utilisateur"):
        config.spec_from_text("https://cloud.example.fr/dav")
    with pytest.raises(UserError, match="https://"):
        config.spec_from_text("http://cloud.example.fr/dav", "claire")


def test_remembered_without_the_password(catalogue, tmp_path):
    assert config.remembered(catalogue) is None
    spec = config.PlaceSpec("webdav", "https://cloud.example.fr/dav", "claire")
    with memory_keyring():
        from eco_desktop.sync import credentials
        credentials.save(spec.location, spec.user, "tres-secret-42")
        place = spec.open()
        assert isinstance(place, WebDavPlace) and place.description == "https://cloud.example.fr/dav/"
    config.remember(catalogue, spec)
    assert config.remembered(catalogue) == spec
    catalogue.checkpoint()
    assert files_holding(tmp_path, b"tres-secret-42") == []
    folder = config.PlaceSpec("folder", str(tmp_path / "partage"))
    config.remember(catalogue, folder)
    assert isinstance(config.remembered(catalogue).open(), FolderPlace)
    config.forget(catalogue)
    assert config.remembered(catalogue) is None
