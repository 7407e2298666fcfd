"""Data safety in the window: backups, restore, check, read-only banner, refresh, RGPD actions."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from eco_desktop import backup, paths
from eco_desktop.store import Catalogue
from eco_desktop.ui.main_window import MainWindow
from eco_desktop.ui.safety import READ_ONLY_TEXT, BackupListDialog, offer_restore


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "userdata")


def safety(window):
    return window.features["safety"]


def answer_next_box(qtbot, button_text: str) -> None:
    """Click ``button_text`` in the next message box that opens."""
    def click():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                for button in widget.buttons():
                    if button.text() == button_text:
                        button.click()
                        return
        QTimer.singleShot(20, click)
    QTimer.singleShot(0, click)


def test_daily_backup_when_the_window_opens_a_catalogue(qtbot, window):
    part = safety(window)
    part.daily_thread.join(timeout=30)
    copies = backup.list_backups(window.catalogue.path)
    assert len(copies) == 1 and copies[0]["actors"] == 49
    # reopening the same day makes no second copy
    window.set_catalogue(Catalogue.open(window.catalogue.path))
    part.daily_thread.join(timeout=30)
    assert len(backup.list_backups(window.catalogue.path)) == 1


def test_backup_now_creates_a_file(qtbot, window):
    safety(window).daily_thread.join(timeout=30)
    before = {b["path"] for b in backup.list_backups(window.catalogue.path)}
    assert "Sauvegarder maintenant" in [a.text() for a in window.menu_file.actions()]
    copy = safety(window).backup_now()
    assert copy is not None and copy.exists() and copy not in before
    assert copy.parent == window.catalogue.path.parent / "backups"
    assert "Sauvegarde enregistrée" in window.statusBar().currentMessage()


def test_check_dialog_says_catalogue_sain(qtbot, window):
    assert "Vérifier le catalogue" in [a.text() for a in window.menu_tools.actions()]
    dialog = safety(window).check_catalogue()
    assert dialog.isVisible()
    assert "catalogue sain" in dialog.summary.text()
    assert dialog.repair_button is None
    dialog.grab().save("/tmp/shots/safety_check.png")
    dialog.close()


def test_check_dialog_offers_to_repair_the_search_index(qtbot, window):
    with closing(sqlite3.connect(window.catalogue.path)) as conn:
        conn.execute("DELETE FROM actors_fts WHERE rowid = 3")
        conn.commit()
    dialog = safety(window).check_catalogue()
    assert "problème" in dialog.summary.text()
    assert dialog.repair_button is not None
    dialog.repair_button.click()
    assert "catalogue sain" in safety(window).last_dialog.summary.text()
    safety(window).last_dialog.close()


def test_read_only_banner_visible(qtbot, catalogue_path):
    win = MainWindow(Catalogue.open(catalogue_path, read_only=True))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    banner = safety(win).banner
    assert banner.isVisible() and banner.text() == READ_ONLY_TEXT
    assert banner.geometry().top() < win.tabs.mapTo(win.centralWidget(), win.tabs.rect().topLeft()).y()
    assert not safety(win).act_restore.isEnabled()
    win.grab().save("/tmp/shots/safety_read_only.png")
    win.set_catalogue(Catalogue.open(catalogue_path))
    assert not banner.isVisible()
    safety(win).daily_thread.join(timeout=30)
    win.close()


def test_refresh_when_the_window_regains_focus_after_another_program_wrote(qtbot, window):
    assert window.model.rowCount() == 49
    with Catalogue.open(window.catalogue.path) as other:          # a second window / program
        other.create_actor({"name": "Ajouté ailleurs", "kind": "biotech"})
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert window.model.rowCount() == 50
    assert "modifié par un autre programme" in window.statusBar().currentMessage()
    assert not safety(window).refresh_if_changed()                  # nothing new since


def test_restore_dialog_lists_backups_and_restores(qtbot, window, monkeypatch):
    part = safety(window)
    part.daily_thread.join(timeout=30)
    path = window.catalogue.path
    window.catalogue.purge_actors(window.catalogue.actor_ids()[:9])
    window.refresh()
    assert window.model.rowCount() == 40
    dialog = BackupListDialog(path, window)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "49"
    dialog.grab().save("/tmp/shots/safety_restore.png")
    chosen = dialog.backups[0]["path"]
    assert part.restore(chosen)
    assert window.catalogue is not None and window.catalogue.path == path
    assert window.model.rowCount() == 49
    counts = sorted(b["actors"] for b in backup.list_backups(path))
    assert counts == [40, 49]                                       # the state before restoring was kept


def test_offer_restore_for_a_damaged_file(qtbot, catalogue_path, tmp_path):
    good = backup.backup_now(catalogue_path)
    catalogue_path.write_bytes(catalogue_path.read_bytes()[:5000])
    answer_next_box(qtbot, "Restaurer la sauvegarde")
    reopened = offer_restore(None, catalogue_path)
    assert reopened is not None and reopened.total() == 49
    reopened.close()
    assert good.exists()


def test_contact_export_and_erase(qtbot, window, tmp_path):
    cat = window.catalogue
    actor_id = cat.actor_ids()[0]
    contact_id = cat.add_contact(actor_id, {"first_name": "Zéphyrine", "last_name": "Quillebeuf",
                                            "legal_basis": "consent"})
    window.select_actor(actor_id)
    panel = window.editor.contacts_panel
    qtbot.waitUntil(lambda: panel.count() == 1, timeout=3000)
    panel.select_row(0)
    part = safety(window)
    assert part.current_contact_id() == contact_id
    exported = part.export_person(contact_id, tmp_path / "zq.json")
    assert exported.exists() and exported.with_suffix(".xlsx").exists()
    text, informative = part.erase_question(cat.get_contact(contact_id))
    assert "Zéphyrine Quillebeuf" in text
    assert "sauvegardes faites avant l'effacement contiennent encore cette personne" in informative
    answer_next_box(qtbot, "Effacer définitivement")
    assert part.erase_person(contact_id)
    assert cat.get_contact(contact_id) is None
    qtbot.waitUntil(lambda: panel.count() == 0, timeout=3000)
    assert window.undo_stack.count() == 0


def test_contacts_to_review_dialog(qtbot, window):
    cat = window.catalogue
    contact_id = cat.add_contact(cat.actor_ids()[0], {"last_name": "Ancienne"})
    cat.conn.execute("UPDATE contacts SET updated_at = '2015-01-01T00:00:00+00:00' WHERE id = ?", (contact_id,))
    dialog = safety(window).review_contacts()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "Ancienne"
    assert dialog.table.item(0, 5).text() == "01/01/2015"
    dialog.close()
