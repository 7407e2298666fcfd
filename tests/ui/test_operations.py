"""The one background-operation helper (ui/operations.py): progress, cancel, errors in French,
the delayed dialog, the change notice; the relay of commits; show_file_written."""
from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QWidget

from eco_desktop.ui.dialogs.common import show_file_written
from eco_desktop.ui import operations
from eco_desktop.ui.operations import Abandoned, CatalogueRelay, ProgressDialog, Task, run


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

    job = Task(work)
    job.progressed.connect(lambda done, total: seen.append((done, total, threading.current_thread())))
    with qtbot.waitSignal(job.finished) as blocker:
        job.start()
    assert blocker.args == ["fait"]
    assert seen == [(1, 2, threading.main_thread())] and threads[0] is not threading.main_thread()


def test_job_failure_and_cancel(qtbot):
    job = Task(lambda progress, cancelled: 1 / 0)
    with qtbot.waitSignal(job.failed) as blocker:
        job.start()
    assert isinstance(blocker.args[0], ZeroDivisionError)
    release = threading.Event()

    def until_cancelled(progress, cancelled):
        release.wait(10)
        return cancelled()

    job = Task(until_cancelled)
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

    assert run(None, "Travail…", work, title="Titre", catalogue=catalogue) == 42
    assert heard == [("Écriture", threading.main_thread())]
    assert catalogue.listeners == before
    with pytest.raises(ValueError):
        run(None, "Travail…", lambda p, c: int("x"), title="Titre")


def test_run_with_progress_cancelled_without_waiting(qtbot):
    release = threading.Event()

    def click_annuler(job, dialog):
        dialog.findChild(QPushButton).click()

    with pytest.raises(Abandoned):
        run(None, "Analyse…", lambda p, c: release.wait(10), title="Titre", cancellable=True,
            wait_after_cancel=False, started=click_annuler)
    release.set()  # the abandoned job ends unseen


def test_a_progress_dialog_shows_even_if_no_progress_comes(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = ProgressDialog(parent, "Titre", "Annulation de 12 modifications…", cancellable=False, delay_ms=0)
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


def test_the_dialog_waits_before_showing_and_never_shows_for_quick_work(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    operation = operations.start(parent, lambda p, c: release.wait(10), on_done=lambda result: None,
                                 text="Export…", delay_ms=300)
    assert operation.running and not operation.dialog.isVisible()  # not at once
    qtbot.waitUntil(lambda: operation.dialog is not None and operation.dialog.isVisible(), timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: not operation.running)
    done = []
    quick = operations.start(parent, lambda p, c: 7, on_done=done.append, text="Vite…")
    qtbot.waitUntil(lambda: done == [7])
    assert quick.dialog is None and not quick.running


def test_a_quiet_operation_has_no_dialog_and_annuler_cancels_cooperatively(qtbot):
    done, steps = [], []

    def work(progress, cancelled):
        for step in range(1000):
            if cancelled():
                return "arrêté"
            steps.append(step)
            threading.Event().wait(0.005)
        return "fini"

    quiet = operations.start(None, work, on_done=done.append, quiet=True)
    assert quiet.dialog is None
    quiet.cancel()
    qtbot.waitUntil(lambda: done == ["arrêté"])
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    shown = operations.start(parent, work, on_done=done.append, text="Export…", delay_ms=0)
    qtbot.waitUntil(lambda: len(steps) > 3 and shown.dialog.isVisible(), timeout=3000)
    shown.dialog.findChild(QPushButton).click()  # « Annuler »
    qtbot.waitUntil(lambda: done == ["arrêté", "arrêté"])
    assert shown.is_cancelled() and len(steps) < 1000


def test_errors_are_told_in_french_never_as_a_traceback(qtbot, monkeypatch, caplog):
    from eco_desktop.errors import UserError
    assert operations.error_text(UserError("Le fichier « a.xlsx » est ouvert ailleurs.")) == \
        "Le fichier « a.xlsx » est ouvert ailleurs."
    with caplog.at_level("ERROR"):
        text = operations.error_text(ZeroDivisionError("division by zero"), "L'export n'a pas abouti")
    assert text.startswith("L'export n'a pas abouti : une erreur inattendue s'est produite.")
    assert "journal" in text and "ZeroDivision" not in text and "division" not in text
    assert "ZeroDivisionError" in caplog.text  # the details are in the log
    failed = []
    operations.start(None, lambda p, c: 1 / 0, on_done=lambda r: None, on_failed=failed.append, quiet=True)
    qtbot.waitUntil(lambda: len(failed) == 1)
    assert isinstance(failed[0], ZeroDivisionError)
    boxes = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, error, **k: boxes.append((title, error)))
    operations.start(None, lambda p, c: int("x"), on_done=lambda r: None, title="Exporter", quiet=True)
    qtbot.waitUntil(lambda: len(boxes) == 1)
    assert boxes[0][0] == "Exporter" and isinstance(boxes[0][1], ValueError)


def test_the_window_runs_an_operation_refreshes_what_changed_and_keeps_the_undo_step(qtbot, window, monkeypatch):
    from eco_desktop.errors import UserError
    from eco_desktop.ui.operations import Change
    seen = []
    monkeypatch.setattr(window, "apply_changes", lambda changes: seen.append(changes))
    steps = window.undo_stack.count()
    actor_id = window.listed_ids()[0]
    result = window.run_operation(
        lambda p, c: (window.catalogue.update_actor(actor_id, {"website": "https://exemple.fr"}), "écrit")[1],
        text="Écriture…", changes=Change.ACTORS)
    assert result == "écrit" and seen == [Change.ACTORS]
    qtbot.waitUntil(lambda: window.undo_stack.count() == steps + 1)  # the write is an undo step
    boxes = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, error, **k: boxes.append((title, str(error))))

    def refused(progress, cancelled):
        raise UserError("Ce nom est déjà pris.")
    assert window.run_operation(refused, text="Écriture…", title="Renommer", background=False) is None
    assert boxes == [("Renommer", "Ce nom est déjà pris.")]
