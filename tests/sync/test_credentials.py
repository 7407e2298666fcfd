"""The WebDAV password in the keyring, and the machine without one."""
from __future__ import annotations

import pytest

from eco_desktop.errors import UserError
from eco_desktop.sync import credentials
from sync_helpers import memory_keyring

URL, USER = "https://cloud.example.fr/dav/", "claire"


def test_saved_loaded_forgotten():
    with memory_keyring() as ring:
        assert credentials.available()
        assert credentials.load(URL, USER) is None
        assert credentials.save(URL, USER, "s3cret")
        assert credentials.load(URL, USER) == "s3cret"
        assert credentials.required(URL, USER) == "s3cret"
        assert list(ring.passwords.values()) == ["s3cret"]
        credentials.forget(URL, USER)
        credentials.forget(URL, USER)
        assert credentials.load(URL, USER) is None


def test_without_a_keyring_the_password_is_asked_each_time():
    from keyring.backends import fail
    import keyring
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not credentials.available()
        assert credentials.load(URL, USER) is None
        assert not credentials.save(URL, USER, "s3cret")
        with pytest.raises(UserError, match="Aucun trousseau.*--password-stdin"):
            credentials.required(URL, USER)
    finally:
        keyring.set_keyring(previous)
