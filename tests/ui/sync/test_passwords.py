"""The window's WebDAV passwords: held for the session, kept in the keyring when there is one."""
from __future__ import annotations

from eco_desktop.sync import credentials
from eco_desktop.sync.config import PlaceSpec
from eco_desktop.ui.sync.passwords import SessionPasswords
from sync_helpers import memory_keyring

SPEC = PlaceSpec("webdav", "https://nuage.exemple.fr/dav/", "claire")


def test_without_a_keyring_the_password_lasts_the_session(no_keyring):
    passwords = SessionPasswords()
    assert passwords.get(SPEC) is None
    assert passwords.keep(SPEC, "secret") is False
    assert passwords.get(SPEC) == "secret"
    assert SessionPasswords().get(SPEC) is None  # the next session asks again


def test_with_a_keyring_the_next_session_finds_it():
    with memory_keyring():
        assert SessionPasswords().keep(SPEC, "secret") is True
        assert SessionPasswords().get(SPEC) == "secret"
        passwords = SessionPasswords()
        passwords.forget(SPEC)
        assert passwords.get(SPEC) is None and credentials.load(SPEC.location, SPEC.user) is None
