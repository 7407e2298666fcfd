"""Data safety in the window: backups, restore, check, read-only banner, refresh, RGPD actions."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from eco_desktop import backup, paths
from eco_desktop.catalogue import Catalogue
from eco_desktop.ui.window.main_window import MainWindow
from eco_desktop.ui.safety.feature import READ_ONLY_TEXT, BackupListDialog, offer_restore


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
    assert len(copies) == 1 and copies[0]["actors"] == 52
    # reopening the same day makes no second copy
    window.set_catalogue(Catalogue.open(window.catalogue.path))
    part.daily_thread.join(timeout=30)
    assert len(backup.list_backups(window.catalogue.path)) == 1


def test_an_unexpected_daily_backup_failure_is_said_in_french(qtbot, window, monkeypatch):
    # The exception's own text (English, technical) was put in the status bar.
    part = safety(window)
    part.daily_thread.join(timeout=30)

    def broken(path):
        raise RuntimeError("cannot allocate write buffer")
    monkeypatch.setattr(backup, "maybe_daily_backup", broken)
    part.start_daily_backup(window.catalogue.path).join(timeout=30)
    qtbot.waitUntil(lambda: "sauvegarde du jour a échoué" in window.statusBar().currentMessage())
    message = window.statusBar().currentMessage()
    assert "journal" in message and "cannot" not in message


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
    assert window.model.rowCount() == 52
    with Catalogue.open(window.catalogue.path) as other:          # a second window / program
        other.create_actor({"name": "Ajouté ailleurs", "kind": "biotech"})
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert window.model.rowCount() == 53
    assert "modifié par un autre programme" in window.statusBar().currentMessage()
    assert not safety(window).refresh_if_changed()                  # nothing new since


def test_restore_dialog_lists_backups_and_restores(qtbot, window, monkeypatch):
    part = safety(window)
    part.daily_thread.join(timeout=30)
    path = window.catalogue.path
    window.catalogue.purge_actors(window.catalogue.actor_ids()[:9])
    window.refresh()
    assert window.model.rowCount() == 43
    dialog = BackupListDialog(path, window)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "52"
    dialog.grab().save("/tmp/shots/safety_restore.png")
    chosen = dialog.backups[0]["path"]
    assert part.restore(chosen)
    assert window.catalogue is not None and window.catalogue.path == path
    assert window.model.rowCount() == 52
    counts = sorted(b["actors"] for b in backup.list_backups(path))
    assert counts == [43, 52]                                       # the state before restoring was kept


def test_offer_restore_for_a_damaged_file(qtbot, catalogue_path, tmp_path):
    good = backup.backup_now(catalogue_path)
    catalogue_path.write_bytes(catalogue_path.read_bytes()[:5000])
    answer_next_box(qtbot, "Restaurer la sauvegarde")
    reopened = offer_restore(None, catalogue_path)
    assert reopened is not None and reopened.total() == 52
    reopened.close()
    assert good.exists()


def when_visible(kind, act, *, text: str | None = None) -> None:
    """Call ``act(widget)`` on the next visible top-level ``kind`` (whose text holds ``text``)."""
    def poll():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible() and (
                    text is None or text in getattr(widget, "text", lambda: "")()):
                act(widget)
                return
        QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def click(text: str):
    def act(box):
        next(b for b in box.buttons() if b.text() == text).click()
    return act


PERSON = {"civility": "Mme", "first_name": "Zéphyrine", "last_name": "Quillebeuf", "legal_basis": "consent",
          "email": "z.quillebeuf@exemple.fr", "phone": "01 23 45 67 89"}


@pytest.fixture
def person(window):
    """A contact named in an exchange, a colleague's note, a tag and a saved view; the
    organisation shares her switchboard number."""
    from eco_desktop.filter import Filter
    cat = window.catalogue
    ids = cat.actor_ids()
    actor_id = ids[0]
    cat.update_actor(actor_id, {"phone": "01 23 45 67 89"})
    contact_id = cat.add_contact(actor_id, PERSON)
    cat.add_exchange(actor_id, date="2024-02-01", kind="meeting",
                     text="Rendez-vous avec Mme Quillebeuf : projet de thérapie génique.")
    cat.add_contact(ids[1], {"first_name": "Paul", "last_name": "Durand",
                             "notes": "remplace Zéphyrine Quillebeuf en juillet (z.quillebeuf@exemple.fr)"})
    cat.update_actor(ids[2], {"tags": ["Zéphyrine Quillebeuf", "suivi"]})
    cat.save_view("Suivi Zéphyrine Quillebeuf", Filter(text="quillebeuf zéphyrine"))
    window.select_actor(actor_id)
    panel = window.editor.contacts_panel
    panel_ready = lambda: panel.count() == 1  # noqa: E731
    return {"id": contact_id, "actor_id": actor_id, "panel": panel, "ready": panel_ready}


def test_contact_export_and_erase(qtbot, window, person, tmp_path):
    from eco_desktop.ui.safety.erase import ErasePreviewDialog
    cat = window.catalogue
    qtbot.waitUntil(person["ready"], timeout=3000)
    person["panel"].select_row(0)
    part = safety(window)
    assert part.current_contact_id() == person["id"]
    exported = part.export_person(person["id"], tmp_path / "zq.json")
    assert exported.exists() and exported.with_suffix(".xlsx").exists()
    seen = {}

    def confirm(dialog):
        seen["rows"] = dialog.table.rowCount()
        seen["question"] = dialog.question.text()
        dialog.erase_button.click()
    when_visible(ErasePreviewDialog, confirm)
    when_visible(QMessageBox, click("OK"), text="aussi celui de l'organisation")
    assert part.erase_person(person["id"])
    assert seen["question"] == "Effacer définitivement « Zéphyrine Quillebeuf » ?"
    assert seen["rows"] >= 6
    assert cat.get_contact(person["id"]) is None
    assert cat.get_actor(person["actor_id"])["phone"] == "01 23 45 67 89"
    qtbot.waitUntil(lambda: person["panel"].count() == 0, timeout=3000)
    assert window.undo_stack.count() == 0
    assert "le fichier a été réécrit" in window.statusBar().currentMessage()


def test_the_erase_preview_lists_each_place_as_plain_text(qtbot, window, person, tmp_path):
    """Issue #15: the window showed no preview; the confirmation rendered the name as HTML.
    (tools/screenshot_erase.py renders this dialog into docs/screenshots/erase-preview.png.)"""
    from PySide6.QtCore import Qt

    from eco_desktop.catalogue import privacy
    from eco_desktop.ui.safety.erase import ErasePreviewDialog
    cat = window.catalogue
    backup.backup_now(cat)
    hostile = cat.add_contact(person["actor_id"], {"first_name": "<b>Zé</b>", "last_name": "<img width=20000>"})
    plan = privacy.preview_erasure(cat, person["id"])
    holding = privacy.backups_holding(cat.path, plan.contact)
    dialog = ErasePreviewDialog(plan, holding, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == len(plan.places)
    shown = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 3).text()) for r in range(dialog.table.rowCount())}
    assert ("Échange — texte", "Rendez-vous avec [personne effacée] : projet de thérapie génique.") in shown
    assert dialog.kept.count() == 1 and "01 23 45 67 89" in dialog.kept.item(0).text()
    assert dialog.backups.count() == 1 and dialog.erase_backups.isChecked()
    assert dialog.cancel_button.isDefault()
    assert dialog.grab().save(str(tmp_path / "erase-preview.png"))
    dialog.close()
    hostile_plan = privacy.preview_erasure(cat, hostile)
    hostile_dialog = ErasePreviewDialog(hostile_plan, [], window)
    qtbot.addWidget(hostile_dialog)
    hostile_dialog.show()
    for label in hostile_dialog.findChildren(type(hostile_dialog.question)):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Zé</b>" in hostile_dialog.question.text()
    assert hostile_dialog.height() < 2000
    hostile_dialog.close()


def test_the_window_says_when_the_file_was_not_rewritten_and_retries(qtbot, window, person):
    """Issue #15: the window ignored Erasure.purged and always said « a été effacé(e) »."""
    from eco_desktop.ui.safety.erase import ErasePreviewDialog
    cat = window.catalogue
    reader = sqlite3.connect(str(cat.path))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    seen = {}

    def retry_after_the_reader_closed(box):
        seen["text"] = box.text()
        reader.rollback()
        reader.close()
        click("Réessayer")(box)
    when_visible(ErasePreviewDialog, lambda d: d.erase_button.click())
    when_visible(QMessageBox, retry_after_the_reader_closed, text="n'a pas pu être réécrit")
    when_visible(QMessageBox, click("OK"), text="aussi celui de l'organisation")
    assert safety(window).erase_person(person["id"])
    assert "un autre programme lit" in seen["text"] and "Réessayez" in seen["text"]
    assert "le fichier a été réécrit" in window.statusBar().currentMessage()
    data = cat.path.read_bytes().lower()
    wal = cat.path.with_name(cat.path.name + "-wal")
    data += wal.read_bytes().lower() if wal.exists() else b""
    assert b"quillebeuf" not in data


def test_erasing_later_says_the_file_still_holds_the_person(qtbot, window, person):
    from eco_desktop.ui.safety.erase import ErasePreviewDialog
    cat = window.catalogue
    reader = sqlite3.connect(str(cat.path))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    when_visible(ErasePreviewDialog, lambda d: d.erase_button.click())
    when_visible(QMessageBox, click("Plus tard"), text="n'a pas pu être réécrit")
    try:
        assert safety(window).erase_person(person["id"])
    finally:
        reader.rollback()
        reader.close()
    assert "pas encore été réécrit" in window.statusBar().currentMessage()


def test_contacts_to_review_dialog(qtbot, window):
    cat = window.catalogue
    contact_id = cat.add_contact(cat.actor_ids()[0], {"last_name": "Ancienne"})
    cat.conn.execute("UPDATE contacts SET updated_at = '2015-01-01T00:00:00+00:00' WHERE id = ?", (contact_id,))
    dialog = safety(window).review_contacts()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "Ancienne"
    assert dialog.table.item(0, 5).text() == "01/01/2015"
    dialog.close()
