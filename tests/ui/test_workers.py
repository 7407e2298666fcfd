"""Shared background work: Job, run_with_progress, CatalogueRelay, show_file_written."""
from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QWidget

from eco_desktop.ui.dialogs.common import show_file_written
from eco_desktop.ui.workers import Abandoned, CatalogueRelay, Job, ProgressDialog, run_with_progress


class FakeCatalogue:
    def __init__(self) -> None:
        self.listeners = []

    def commit(self, label: str) -> None:
        for listener in list(self.listeners):
            listener(label, True)


def test_job_reports_progress_and_result_on_the_ui_thread(qtbot):
    seen, threads = [], []

    def work(progress, cancelled):
        threads.append(threading.current_thread())
        progress(1, 2)
        return "fait"

    job = Job(work)
    job.progressed.connect(lambda done, total: seen.append((done, total, threading.current_thread())))
    with qtbot.waitSignal(job.finished) as blocker:
        job.start()
    assert blocker.args == ["fait"]
    assert seen == [(1, 2, threading.main_thread())] and threads[0] is not threading.main_thread()


def test_job_failure_and_cancel(qtbot):
    job = Job(lambda progress, cancelled: 1 / 0)
    with qtbot.waitSignal(job.failed) as blocker:
        job.start()
    assert isinstance(blocker.args[0], ZeroDivisionError)
    release = threading.Event()

    def until_cancelled(progress, cancelled):
        release.wait(10)
        return cancelled()

    job = Job(until_cancelled)
    with qtbot.waitSignal(job.finished) as blocker:
        job.start()
        job.cancel()
        release.set()
    assert blocker.args == [True] and job.is_cancelled()


def test_run_with_progress_returns_raises_and_relays_listeners(qtbot):
    catalogue = FakeCatalogue()
    heard = []
    catalogue.listeners.append(lambda label, undoable: heard.append((label, threading.current_thread())))
    before = list(catalogue.listeners)

    def work(progress, cancelled):
        catalogue.commit("Écriture")
        return 42

    assert run_with_progress(None, "Titre", "Travail…", work, catalogue=catalogue) == 42
    assert heard == [("Écriture", threading.main_thread())]
    assert catalogue.listeners == before
    with pytest.raises(ValueError):
        run_with_progress(None, "Titre", "Travail…", lambda p, c: int("x"))


def test_run_with_progress_cancelled_without_waiting(qtbot):
    release = threading.Event()

    def click_annuler(job, dialog):
        dialog.findChild(QPushButton).click()

    with pytest.raises(Abandoned):
        run_with_progress(None, "Titre", "Analyse…", lambda p, c: release.wait(10), cancellable=True,
                          wait_after_cancel=False, started=click_annuler)
    release.set()  # the abandoned job ends unseen


def test_a_progress_dialog_shows_even_if_no_progress_comes(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = ProgressDialog(parent, "Titre", "Annulation de 12 modifications…", cancellable=False,
                            minimum_duration=0)
    qtbot.waitUntil(dialog.isVisible, timeout=3000)   # busy, without any setValue from a job
    assert dialog.labelText() == "Annulation de 12 modifications…"
    dialog.finish()


def test_relay_follows_one_catalogue(qtbot):
    first, second = FakeCatalogue(), FakeCatalogue()
    relay = CatalogueRelay()
    got = []
    relay.written.connect(lambda label, undoable: got.append(label))
    relay.attach(first)
    relay.attach(first)
    assert first.listeners == [relay.listener]
    first.commit("a")
    assert got == []  # always delivered after the commit
    qtbot.waitUntil(lambda: got == ["a"])
    relay.attach(second)
    assert first.listeners == [] and second.listeners == [relay.listener]
    relay.detach()
    assert second.listeners == [] and relay.catalogue is None


def test_relay_stops_listening_with_its_parent(qtbot):
    catalogue = FakeCatalogue()
    owner = QWidget()
    CatalogueRelay(owner).attach(catalogue)
    assert len(catalogue.listeners) == 1
    shiboken6.delete(owner)
    assert catalogue.listeners == []


def test_show_file_written_opens_the_file_or_its_folder(qtbot, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    path = tmp_path / "carte.html"
    box = show_file_written(None, path, "Carte exportée", "Carte écrite.", str(path))
    assert {b.text() for b in box.buttons()} == {"Ouvrir le fichier", "Ouvrir le dossier", "Fermer"}
    assert box.escapeButton().text() == "Fermer"
    next(b for b in box.buttons() if b.text() == "Ouvrir le fichier").click()
    box = show_file_written(None, path, "Carte exportée", "Carte écrite.")
    next(b for b in box.buttons() if b.text() == "Ouvrir le dossier").click()
    assert opened == [str(path), str(tmp_path)]
