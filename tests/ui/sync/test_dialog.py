"""Fichier → Synchronisation… over WebDAV: https required except on the loopback, the
password kept in the keyring or this session's memory and never written to QSettings
or the catalogue, the connection test against a real WebDAV server."""
from __future__ import annotations

from PySide6.QtCore import Qt

from eco_desktop.sync import config, credentials
from eco_desktop.sync.config import PlaceSpec
from sync_helpers import DAV_PASSWORD, DAV_USER, memory_keyring, webdav_server


def _webdav(dialog, url: str, user: str = DAV_USER, password: str = DAV_PASSWORD) -> None:
    dialog.webdav_radio.setChecked(True)
    dialog.url_edit.setText(url)
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.member_edit.setText("Claire, Région")
    dialog.automatic_box.setChecked(False)


def test_http_is_refused_except_on_the_loopback(window, qtbot):
    feature = window.features["sync"]
    dialog = feature.open_settings()
    _webdav(dialog, "http://nuage.exemple.fr/dav/")
    assert not dialog.test_connection()
    assert "doit commencer par https://" in dialog.message()
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "https://" in dialog.message()
    assert config.remembered(window.catalogue) is None
    assert not window.catalogue.sync_configured()
    dialog.reject()


def test_the_form_says_what_is_missing(window):
    dialog = window.features["sync"].open_settings()
    dialog.member_edit.setText("Claire, Région")
    dialog._accept()
    assert dialog.message() == "Choisissez le dossier partagé de l'équipe."
    dialog.webdav_radio.setChecked(True)
    dialog.url_edit.setText("https://nuage.exemple.fr/dav/")
    dialog._accept()
    assert dialog.message() == "Indiquez l'utilisateur du serveur WebDAV."
    dialog.user_edit.setText("claire")
    dialog._accept()
    assert dialog.message() == "Indiquez le mot de passe du serveur WebDAV."
    dialog.password_edit.setText("x")
    dialog.member_edit.clear()
    dialog._accept()
    assert "Indiquez votre nom" in dialog.message()
    dialog.reject()


def test_without_a_keyring_the_password_stays_in_memory_and_nowhere_else(window, tmp_path, qtbot, no_keyring,
                                                                          isolated_settings):
    feature = window.features["sync"]
    with webdav_server(tmp_path / "dav") as url:
        dialog = feature.open_settings()
        assert dialog.keyring_label.isVisibleTo(dialog)
        assert "jusqu'à la fermeture de l'application" in dialog.keyring_label.text()
        _webdav(dialog, url)
        assert dialog.test_connection(), dialog.message()
        assert "Connexion réussie" in dialog.message()
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
        assert feature.last_report is not None and feature.last_report.snapshot
        spec = config.remembered(window.catalogue)
        assert spec == PlaceSpec("webdav", url, DAV_USER)
        assert feature.passwords.get(spec) == DAV_PASSWORD
        assert credentials.load(url, DAV_USER) is None
        # A second sync uses the password held for the session.
        assert feature.sync_now() is not None
        secret = DAV_PASSWORD.encode()
        catalogue_files = list(window.catalogue.path.parent.glob(window.catalogue.path.name + "*"))
        settings_files = [p for p in isolated_settings.rglob("*") if p.is_file()]
        assert settings_files, "QSettings were written"
        for path in catalogue_files + settings_files:
            data = path.read_bytes()
            assert secret not in data and secret.decode().encode("utf-16-le") not in data, path


def test_with_a_keyring_the_password_goes_there(window, tmp_path, qtbot):
    feature = window.features["sync"]
    with memory_keyring() as keys, webdav_server(tmp_path / "dav") as url:
        dialog = feature.open_settings()
        assert not dialog.keyring_label.isVisibleTo(dialog)
        _webdav(dialog, url)
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
        assert credentials.load(url, DAV_USER) == DAV_PASSWORD
        assert list(keys.passwords.values()) == [DAV_PASSWORD]
        again = feature.open_settings()
        assert again.password_edit.text() == "" and again.password_edit.placeholderText().startswith("(déjà donné")
        again.reject()


def test_a_wrong_password_is_said_in_french(window, tmp_path):
    with webdav_server(tmp_path / "dav") as url:
        dialog = window.features["sync"].open_settings()
        _webdav(dialog, url, password="faux")
        assert not dialog.test_connection()
        assert "401" in dialog.message() and "mot de passe" in dialog.message()
        dialog.reject()


def test_a_password_unknown_to_this_session_is_asked_for(window, no_keyring, qtbot):
    from eco_desktop.ui.sync.dialog import Choice
    feature = window.features["sync"]
    spec = PlaceSpec("webdav", "https://nuage.exemple.fr/dav/", "claire")
    assert feature.apply_choice(Choice(spec, None, "Claire, Région", True, 5))  # as after a restart
    assert feature.sync_automatically() is None
    assert feature.update_status().startswith("Synchronisation impossible")
    assert "mot de passe du serveur WebDAV n'est pas connu" in feature.status_label.toolTip()
    assert feature.sync_now() is None
    dialog = feature.last_dialog
    assert dialog.isVisible() and dialog.webdav_radio.isChecked()
    assert dialog.url_edit.text() == spec.location and dialog.user_edit.text() == "claire"
    assert dialog.message() == "Indiquez le mot de passe du serveur WebDAV."
    dialog.reject()


def test_a_colleagues_change_arrives_over_webdav(window, tmp_path, no_keyring):
    from eco_desktop.catalogue import Catalogue
    from eco_desktop.sync import run
    from eco_desktop.sync.webdav import WebDavPlace
    from eco_desktop.ui.sync.dialog import Choice
    feature = window.features["sync"]
    with webdav_server(tmp_path / "dav") as url:
        spec = PlaceSpec("webdav", url, DAV_USER)
        assert feature.apply_choice(Choice(spec, DAV_PASSWORD, "Alice", False, 5))
        assert feature.sync_now().snapshot
        place = WebDavPlace(url, DAV_USER, DAV_PASSWORD)
        try:
            run.join(place, tmp_path / "bob.sqlite", member="Bob")
            with Catalogue.open(tmp_path / "bob.sqlite") as bob:
                bob.update_actor(17, {"website": "https://bob.example"})
                run.sync(bob, place)
        finally:
            place.close()
        report = feature.sync_now()
        assert report.received == 1 and report.members == ["Bob"]
        assert window.catalogue.get_actor(17)["website"] == "https://bob.example"
