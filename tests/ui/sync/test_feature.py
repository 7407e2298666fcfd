"""Team sync in the window: the dialog sets a folder and the member, « Synchroniser
maintenant » (Ctrl+Shift+S) brings a colleague's change into the list and the record's
history, the status bar says the state, the automatic syncs stay quiet, and a catalogue
on a network share is warned about."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eco_desktop.sync import config, run
from eco_desktop.sync.config import PlaceSpec
from eco_desktop.ui.sync import feature as sync_feature
from eco_desktop.ui.sync.dialog import Choice
from eco_desktop.ui.sync.feature import status_text

GENSIGHT = 17


def test_the_dialog_sets_a_folder_and_sync_now_brings_a_colleagues_change(window, team, qtbot):
    feature = team.feature
    assert not feature.status_label.isVisible()
    dialog = feature.open_settings()
    assert dialog.folder_radio.isChecked()
    dialog.folder_edit.setText(str(team.root))
    dialog.member_edit.setText("Claire, Région")
    dialog.automatic_box.setChecked(False)
    assert dialog.test_connection()
    assert "Connexion réussie" in dialog.message() and "vide" in dialog.message()
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert isinstance(feature.last_report, run.Report)
    assert window.catalogue.sync_identity().member == "Claire, Région"
    assert feature.status_label.isVisible() and "Synchronisé à" in feature.update_status()

    bob = team.join_bob()
    bob.update_actor(GENSIGHT, {"name": "GenSight Biologics (vu par Bob)"})
    assert team.bob_syncs().sent == 1
    window.activateWindow()  # the dialog was the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert feature.last_report.received == 1 and GENSIGHT in feature.last_report.actor_ids
    qtbot.waitUntil(lambda: "GenSight Biologics (vu par Bob)" in team.names())
    assert window.undo_stack.undoText() == "Reçu de Bob"

    # The record's history says who it came from.
    window.select_actor(GENSIGHT)
    journal = window.catalogue.journal(GENSIGHT, ["received"])
    assert journal and journal[0].user == "Bob"
    panel = window.editor.history_panel
    panel.reload()
    assert "Reçu de Bob" in panel.text() and "vu par Bob" in panel.text()


def test_the_status_bar_says_what_waits_and_when_it_is_offline(window, team):
    feature = team.feature
    team.start()
    window.catalogue.update_actor(GENSIGHT, {"phone": "01 60 00 00 01"})
    text = feature.update_status()
    assert text.startswith("Synchronisé à ") and text.endswith(" · 1 modification à envoyer")
    team.root.rename(team.root.with_name("débranché"))  # the USB key is gone
    assert feature.sync_now() is None
    assert feature.offline
    assert feature.update_status() == "Hors ligne : 1 modification en attente"
    assert "Hors ligne" in window.statusBar().currentMessage()
    team.root.with_name("débranché").rename(team.root)
    assert feature.sync_now().sent == 1
    assert feature.update_status().startswith("Synchronisé à ")
    assert "à envoyer" not in feature.update_status()


def test_status_text_counts_in_french():
    status = run.Status(True, "Alice", "c" * 32, pending=12, last_sync="")
    assert status_text(status) == "Pas encore synchronisé · 12 modifications à envoyer"
    assert status_text(status, offline=True) == "Hors ligne : 12 modifications en attente"
    assert status_text(run.Status(True, pending=0), offline=True) == "Hors ligne : aucune modification en attente"


def test_automatic_syncs_are_quiet_and_refresh_the_list(window, team, qtbot, monkeypatch):
    feature = team.feature
    team.start(automatic=True)
    bob = team.join_bob()
    bob.update_actor(GENSIGHT, {"name": "GenSight (automatique)"})
    team.bob_syncs()
    dialogs = []
    monkeypatch.setattr(sync_feature.operations, "show_error", lambda *a, **k: dialogs.append(a))
    operation = feature.sync_automatically()
    assert operation is not None
    with qtbot.waitSignal(feature.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: "GenSight (automatique)" in team.names())
    assert window.undo_stack.undoText() == "Reçu de Bob"
    # Offline, quietly: the status bar says it, no dialog.
    team.root.rename(team.root.with_name("ailleurs"))
    with qtbot.waitSignal(feature.finished, timeout=30000):
        feature.sync_automatically()
    assert feature.update_status().startswith("Hors ligne")
    # Any other failure too: the status bar, never a dialog.
    team.root.with_name("ailleurs").rename(team.root)
    monkeypatch.setattr(sync_feature.run, "sync", lambda *a, **k: 1 / 0)
    with qtbot.waitSignal(feature.finished, timeout=30000):
        feature.sync_automatically()
    assert feature.update_status().startswith("Synchronisation impossible")
    assert "journal" in window.statusBar().currentMessage()
    assert dialogs == []


def test_the_timer_and_the_opening_sync_follow_the_settings(window, team, qtbot):
    feature = team.feature
    team.start()
    assert not feature.timer.isActive()  # automatic off
    dialog = feature.open_settings()
    assert dialog.folder_edit.text() == str(team.root)
    assert dialog.member_edit.text() == "Alice, Région"
    dialog.automatic_box.setChecked(True)
    dialog.interval_spin.setValue(7)
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert feature.timer.isActive() and feature.timer.interval() == 7 * 60_000
    # Reopening the catalogue syncs it at once, quietly.
    bob = team.join_bob()
    bob.update_actor(GENSIGHT, {"name": "GenSight (à l'ouverture)"})
    team.bob_syncs()
    from eco_desktop.catalogue import Catalogue
    path = window.catalogue.path
    window.set_catalogue(None)
    with qtbot.waitSignal(feature.finished, timeout=30000):
        window.set_catalogue(Catalogue.open(path))
    qtbot.waitUntil(lambda: "GenSight (à l'ouverture)" in team.names())


def test_closing_the_window_sends_what_waits(window, team):
    feature = team.feature
    team.start()
    bob = team.join_bob()
    feature.apply_choice(Choice(PlaceSpec("folder", str(team.root)), None, "Alice, Région", True, 5))
    window.catalogue.update_actor(GENSIGHT, {"phone": "01 69 00 00 02"})
    window.close()
    team.bob_syncs()
    assert bob.get_actor(GENSIGHT)["phone"] == "01 69 00 00 02"


def test_a_catalogue_on_a_network_share_is_warned_about(window, qtbot, monkeypatch):
    from eco_desktop.catalogue import Catalogue
    from eco_desktop.sync import netfs
    monkeypatch.setattr(netfs, "network_filesystem", lambda path, mounts=None: "cifs")
    feature = window.features["sync"]
    path = window.catalogue.path
    window.set_catalogue(None)
    assert not feature.banner.isVisible()
    window.set_catalogue(Catalogue.open(path))
    assert feature.banner.isVisible()
    assert "partage réseau (cifs)" in feature.banner_label.text()
    assert "Fichier → Synchronisation…" in feature.banner_label.text()


def test_joining_the_team_opens_a_new_catalogue_from_the_shared_folder(window, team, qtbot, monkeypatch):
    team.start()
    window.catalogue.update_actor(GENSIGHT, {"name": "GenSight (d'Alice)"})
    team.feature.sync_now()
    target = team.folder / "carol.sqlite"
    dialog = team.feature.open_settings()
    dialog.member_edit.setText("Carol, Medicen")
    monkeypatch.setattr(sync_feature.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert window.catalogue.path == target
    assert window.catalogue.sync_identity().member == "Carol, Medicen"
    assert config.remembered(window.catalogue) == PlaceSpec("folder", str(team.root))
    qtbot.waitUntil(lambda: "GenSight (d'Alice)" in team.names())
    assert "Catalogue de l'équipe créé" in window.statusBar().currentMessage()


def test_a_catalogue_that_never_synced_is_told_to_join(window, team, tmp_path, monkeypatch):
    bob_seed = tmp_path / "seed.sqlite"
    import shutil
    shutil.copyfile(window.catalogue.path, bob_seed)
    from eco_desktop.catalogue import Catalogue
    first = Catalogue.open(bob_seed)
    first.set_member("Bob")
    run.sync(first, team.place)  # Bob started the team
    first.close()
    shown = []
    monkeypatch.setattr(sync_feature.operations, "show_error", lambda parent, title, error, **k: shown.append(error))
    team.feature.apply_choice(Choice(PlaceSpec("folder", str(team.root)), None, "Alice", False, 5))
    assert team.feature.sync_now() is None
    assert shown and "Rejoignez l'équipe" in str(shown[0])
    assert team.feature.update_status().startswith("Synchronisation impossible")


def test_a_long_sync_shows_its_progress_and_can_be_cancelled(window, team, qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from eco_desktop.catalogue import OperationCancelled
    team.start()
    seen = []

    def long_sync(catalogue, place, progress=None, cancel=None):
        import time
        for done in range(3000):  # 30 s at most
            if cancel():
                break
            progress(done, 3000)
            time.sleep(0.01)
        raise OperationCancelled("Synchronisation interrompue : ce qui a été reçu est gardé.")

    def press_cancel():
        dialogs = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        seen.extend(d.labelText() for d in dialogs)
        if dialogs:
            [button] = [b for b in dialogs[0].findChildren(QPushButton) if b.text() == "Annuler"]
            button.click()
        else:
            QTimer.singleShot(100, press_cancel)

    monkeypatch.setattr(sync_feature.run, "sync", long_sync)
    QTimer.singleShot(600, press_cancel)
    assert team.feature.sync_now() is None
    assert seen and seen[0] == "Synchronisation avec l'équipe…"
    assert "Synchronisation interrompue" in window.statusBar().currentMessage()
    assert not team.feature.running


def test_a_read_only_catalogue_neither_syncs_nor_offers_to(window, team, qtbot):
    from eco_desktop.catalogue import Catalogue
    team.start(automatic=True)
    path = window.catalogue.path
    window.set_catalogue(Catalogue.open(path, read_only=True))
    feature = team.feature
    assert not feature.act_sync.isEnabled() and not feature.act_settings.isEnabled()
    assert feature.sync_now() is None and feature.sync_automatically() is None
    assert not feature.timer.isActive()
    assert feature.update_status().startswith("Synchronisé à ")  # its state is still told


def test_the_help_lists_the_shortcut(window):
    assert ("Synchroniser maintenant", "Ctrl+Maj+S") in window.shortcuts()  # as the help shows it
    assert not any(name == "Enregistrer une copie" for name, _keys in window.shortcuts())


def test_joining_never_opens_nor_replaces_an_existing_file(window, team, monkeypatch):
    team.start()
    existing = team.folder / "autre.sqlite"
    existing.write_bytes(b"not a catalogue")
    shown = []
    monkeypatch.setattr(sync_feature.operations, "show_error", lambda parent, title, error, **k: shown.append(error))
    choice = Choice(PlaceSpec("folder", str(team.root)), None, "Carol", False, 5)
    before = window.catalogue
    assert team.feature.join(choice, existing) is None
    assert "existe déjà" in shown[0] and window.catalogue is before
    assert existing.read_bytes() == b"not a catalogue"
