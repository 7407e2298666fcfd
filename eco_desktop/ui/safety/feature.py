"""Data safety in the window: backups (now, daily, restore), the catalogue check,
the read-only banner, refreshing when another program changed the file, and the
RGPD actions on a contact (export, erase, contacts to review).

``install(window)`` wires it all through the window's extension points;
``offer_restore(parent, path)`` is for whoever opens a file that turns out damaged.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QFileDialog,
                               QHeaderView, QLabel, QMenu, QMessageBox, QPlainTextEdit, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ... import backup, fields, paths, vocab
from ...catalogue import privacy
from ... import check as checking
from ...catalogue import Catalogue
from ...errors import UserError
from .. import dates, operations
from ..dialogs.common import ask
from ..operations import Change
from ..text_safety import escape_tooltip, message_box, plain_label
from . import erase

log = logging.getLogger(__name__)

READ_ONLY_TEXT = ("Catalogue ouvert en lecture seule (le fichier ou son dossier est protégé en écriture) : "
                  "vous pouvez consulter et exporter, pas modifier.")
REVIEW_YEARS = 3


# ---------------------------------------------------------------------------- helpers

def _warn(parent: QWidget | None, title: str, error: Exception | str) -> None:
    box = message_box(QMessageBox.Icon.Warning, title, str(error), QMessageBox.StandardButton.Ok, parent)
    box.exec()


def _ask(parent: QWidget | None, title: str, text: str, informative: str, ok_text: str, *,
         danger: bool = False) -> bool:
    box = message_box(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent, informative=informative)
    return ask(box, ok_text)


def _backup_time(moment: datetime) -> str:
    return dates.local_time(moment, seconds=True)


# ---------------------------------------------------------------------------- dialogs

class BackupListDialog(QDialog):
    """The catalogue's backups, newest first, with date and actor count; pick one."""

    def __init__(self, catalogue_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restaurer une sauvegarde")
        self.resize(640, 380)
        self.catalogue_path = Path(catalogue_path)
        self.backups = backup.list_backups(self.catalogue_path)
        self.chosen: Path | None = None
        intro = plain_label(f"Sauvegardes de « {self.catalogue_path.name} ». Le contenu actuel du catalogue "
                            "sera remplacé par celui de la sauvegarde choisie ; il est d'abord lui-même sauvegardé.",
                            wrap=True, bounded=True)
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setHorizontalHeaderLabels(["Date", "Acteurs", "Fichier"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, item in enumerate(self.backups):
            actors = "illisible" if item["actors"] is None else str(item["actors"])
            for column, text in enumerate((_backup_time(item["when"]), actors, item["path"].name)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(escape_tooltip(item["path"]))
                if column == 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        self.empty = QLabel("Aucune sauvegarde de ce catalogue pour l'instant.")
        self.empty.setVisible(not self.backups)
        self.table.setVisible(bool(self.backups))
        self.table.doubleClicked.connect(lambda _index: self._accept_selected())
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("Restaurer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.other_button = buttons.addButton("Autre fichier…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._accept_selected)
        self.other_button.clicked.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        self.restore_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        if self.backups:
            self.table.selectRow(0)

    def _accept_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = self.backups[rows[0].row()]["path"]
            self.accept()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choisir une sauvegarde", str(self.catalogue_path.parent),
                                              "Catalogues eco_desktop (*.sqlite *.db);;Tous les fichiers (*)")
        if path:
            self.chosen = Path(path)
            self.accept()


class ReportDialog(QDialog):
    """The check's French report, with a repair button when only the search index is wrong."""

    repairRequested = Signal()

    def __init__(self, report: checking.Report, parent: QWidget | None = None, *, can_repair: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Vérifier le catalogue")
        self.resize(620, 320)
        self.report = report
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        colour = "#1a7f37" if report.ok else "#a51d2d"
        self.summary.setText(f"<b style='color:{colour}'>{escape(report.lines()[0])}</b>")
        self.summary.setWordWrap(True)
        self.details = QPlainTextEdit("\n".join(report.lines()[1:]))
        self.details.setReadOnly(True)
        buttons = QDialogButtonBox()
        self.repair_button = None
        if not report.ok and report.search_index_only and can_repair:
            self.repair_button = buttons.addButton("Reconstruire l'index de recherche",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
            self.repair_button.clicked.connect(self.repairRequested.emit)
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.report.text()


class ReviewDialog(QDialog):
    """Contacts not updated for years (RGPD review); double-click shows the organisation."""

    actorChosen = Signal(int)

    def __init__(self, contacts: list[dict], years: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Contacts à revoir (plus de {years} ans)")
        self.resize(760, 420)
        self.contacts = contacts
        intro = QLabel(f"{len(contacts)} contact(s) non mis à jour depuis plus de {years} ans : vérifiez que "
                       "leurs données sont toujours utiles et exactes, sinon effacez-les.")
        intro.setWordWrap(True)
        headers = [fields.contact_label("last_name"), "Organisation",
                   *fields.contact_labels("role", "legal_basis", "opt_out").values(), "Mis à jour le"]
        self.table = QTableWidget(len(contacts), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, contact in enumerate(contacts):
            values = (privacy.display_name(contact), contact["actor_name"], contact["role"],
                      vocab.LEGAL_BASES.get(contact["legal_basis"], "—"), "Oui" if contact["opt_out"] else "Non",
                      dates.local_day(contact["updated_at"]))
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.doubleClicked.connect(lambda index: self.actorChosen.emit(self.contacts[index.row()]["actor_id"]))
        buttons = QDialogButtonBox()
        buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


# ---------------------------------------------------------------------------- restoring a damaged file

def latest_good_backup(path: Path) -> dict | None:
    for item in backup.list_backups(path):
        try:
            backup.verify_backup(item["path"])
        except UserError:
            continue
        return item
    return None


def offer_restore(parent: QWidget | None, path: str | Path) -> Catalogue | None:
    """Opening ``path`` failed (damaged file): offer to restore its latest sound backup.

    Returns the reopened catalogue, or None when there is no backup or the user declines.
    """
    path = Path(path)
    good = latest_good_backup(path)
    if good is None:
        _warn(parent, "Catalogue endommagé",
              f"Le catalogue « {path.name} » est endommagé et aucune sauvegarde saine n'a été trouvée.")
        return None
    if not _ask(parent, "Catalogue endommagé",
                f"Le catalogue « {path.name} » est endommagé ou illisible.",
                f"Restaurer la dernière sauvegarde saine, du {_backup_time(good['when'])} ({good['actors']} acteurs) ? "
                "Le fichier endommagé est conservé à part dans le dossier des sauvegardes.",
                "Restaurer la sauvegarde"):
        return None
    try:
        operations.run(parent, "Restauration en cours…", lambda _progress, _cancelled: backup.restore(path, good["path"]),
                       title="Restaurer une sauvegarde", busy_cursor=True)
        return Catalogue.open(path)
    except UserError as exc:
        _warn(parent, "Restaurer une sauvegarde", exc)
        return None


# ---------------------------------------------------------------------------- the window's part

class Safety(QObject):
    """What ``install`` adds to the window; kept in ``window.features["safety"]``."""

    dailyBackupFinished = Signal(str, str)   # path of the copy ("" when none was needed), error

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.last_dialog: QDialog | None = None
        self._build_actions()
        self._build_banner()
        self._hook_contacts()
        self.dailyBackupFinished.connect(self._daily_backup_finished)
        window.catalogueChanged.connect(self._catalogue_changed)
        window.installEventFilter(self)
        QApplication.instance().applicationStateChanged.connect(self._application_state_changed)
        self._catalogue_changed()

    # -- building ---------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window
        self.act_backup = QAction("Sauvegarder maintenant", w)
        self.act_backup.setStatusTip("Copier le catalogue dans le dossier des sauvegardes")
        self.act_backup.triggered.connect(self.backup_now)
        self.act_restore = QAction("Restaurer une sauvegarde…", w)
        self.act_restore.triggered.connect(self.restore_dialog)
        w.add_file_action(self.act_backup)
        w.add_file_action(self.act_restore)
        self.act_check = QAction("Vérifier le catalogue", w)
        self.act_check.triggered.connect(self.check_catalogue)
        self.act_review = QAction(f"Contacts à revoir (plus de {REVIEW_YEARS} ans)…", w)
        self.act_review.triggered.connect(self.review_contacts)
        w.add_tools_action(self.act_check, separated=True)
        w.add_tools_action(self.act_review)
        self.act_export_person = QAction("Exporter les données de cette personne…", w)
        self.act_export_person.triggered.connect(lambda: self.export_person(self.current_contact_id()))
        self.act_erase_person = QAction("Effacer cette personne…", w)
        self.act_erase_person.triggered.connect(lambda: self.erase_person(self.current_contact_id()))

    def _build_banner(self) -> None:
        """A banner above the whole work area (facets, tabs, editor)."""
        w = self.window
        self.banner = QLabel(READ_ONLY_TEXT)
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel#readOnlyBanner { background:#fde7e9; color:#7a1020; padding:6px 10px;"
                                  " border-bottom:1px solid #e8a5ad; font-weight:bold; }")
        self.banner.setAccessibleName("Lecture seule")
        self.banner.setVisible(False)
        w.add_banner(self.banner)

    def _hook_contacts(self) -> None:
        self.contacts_table = self.window.contacts_table()
        self.contacts_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.contacts_table.customContextMenuRequested.connect(self._contact_menu)

    def current_contact_id(self) -> int | None:
        return self.window.current_contact_id()

    def _contact_menu(self, pos) -> None:
        index = self.contacts_table.indexAt(pos)
        if index.isValid():
            self.contacts_table.selectRow(index.row())
        contact_id = self.current_contact_id()
        if contact_id is None:
            return
        menu = QMenu(self.contacts_table)
        menu.addAction(self.act_export_person)
        menu.addAction(self.act_erase_person)
        catalogue = self.window.catalogue
        self.act_erase_person.setEnabled(catalogue is not None and not catalogue.read_only)
        menu.exec(self.contacts_table.viewport().mapToGlobal(pos))

    # -- catalogue state ----------------------------------------------------------
    def _catalogue_changed(self) -> None:
        catalogue = self.window.catalogue
        has = catalogue is not None
        for action in (self.act_backup, self.act_restore, self.act_check, self.act_review):
            action.setEnabled(has)
        self.act_restore.setEnabled(has and not catalogue.read_only)
        self.banner.setVisible(has and catalogue.read_only)
        if has:
            self.start_daily_backup(catalogue.path)

    def start_daily_backup(self, path: Path) -> threading.Thread:
        """The once-a-day copy, in a thread with its own connection (the window stays free)."""
        def work() -> None:
            try:
                copy = backup.maybe_daily_backup(path)
                result = (str(copy) if copy else "", "")
            except UserError as exc:
                result = ("", str(exc))
            except Exception:  # never let a backup problem break the window
                log.exception("daily backup of %s failed", path)
                result = ("", "La sauvegarde du jour a échoué (erreur inattendue ; le détail "
                              "technique est dans le journal, Aide › Ouvrir le journal).")
            try:
                self.dailyBackupFinished.emit(*result)
            except RuntimeError:  # the window is gone
                pass
        thread = threading.Thread(target=work, name="eco-daily-backup", daemon=True)
        thread.start()
        self.daily_thread = thread
        return thread

    def _daily_backup_finished(self, path: str, error: str) -> None:
        if error:
            self.window.show_status(error, 10000)
        elif path:
            self.window.show_status(f"Sauvegarde du jour enregistrée : {path}", 5000)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            self.refresh_if_changed()
        return False

    def _application_state_changed(self, state) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.refresh_if_changed()

    def refresh_if_changed(self) -> bool:
        """Another program (or window) changed the file: show its changes."""
        catalogue = self.window.catalogue
        if catalogue is None:
            return False
        try:
            changed = catalogue.changed_elsewhere()
        except Exception:  # a closed or vanished catalogue: nothing to refresh
            return False
        if changed:
            self.window.apply_changes(Change.ACTORS)
            self.window.show_status("Le catalogue a été modifié par un autre programme : affichage actualisé.", 5000)
        return changed

    # -- actions --------------------------------------------------------------------
    def _on_file(self, work, text: str, title: str):
        """``work(path)`` on the open catalogue's file, under the busy cursor and a progress
        dialog; None when no catalogue is open or the work failed (the error was shown)."""
        catalogue = self.window.catalogue
        if catalogue is None:
            return None
        return self.window.run_operation(lambda _progress, _cancelled: work(catalogue.path),
                                         text=text, title=title, busy_cursor=True)

    def backup_now(self) -> Path | None:
        copy = self._on_file(backup.backup_now, "Sauvegarde du catalogue…", "Sauvegarder maintenant")
        if copy is None:
            return None
        self.window.show_status(f"Sauvegarde enregistrée : {copy}", 8000)
        return copy

    def offer_restore(self, path: str | Path) -> Catalogue | None:
        """The window could not open ``path``, a damaged file: offer its latest sound backup."""
        return offer_restore(self.window, path)

    def restore_dialog(self) -> bool:
        w = self.window
        if w.catalogue is None or not w.maybe_leave_record():
            return False
        dialog = BackupListDialog(w.catalogue.path, w)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return False
        chosen = dialog.chosen
        item = next((b for b in dialog.backups if b["path"] == chosen), None)
        when = f"du {_backup_time(item['when'])}" if item else f"« {chosen.name} »"
        if not _ask(w, "Restaurer une sauvegarde", f"Restaurer la sauvegarde {when} ?",
                    "Le contenu actuel du catalogue sera remplacé. Il est d'abord sauvegardé : vous pourrez "
                    "revenir en arrière en restaurant cette copie.", "Restaurer", danger=True):
            return False
        return self.restore(chosen)

    def restore(self, backup_path: Path) -> bool:
        """Back up the current state, restore ``backup_path`` and reopen the catalogue."""
        w = self.window
        path = w.catalogue.path
        try:
            backup.verify_backup(backup_path)
        except UserError as exc:
            _warn(w, "Restaurer une sauvegarde", exc)
            return False
        w.set_catalogue(None)  # no connection of ours during the swap
        safety = w.run_operation(lambda _progress, _cancelled: backup.restore(path, backup_path),
                                 text="Restauration en cours…", title="Restaurer une sauvegarde", busy_cursor=True)
        try:
            w.set_catalogue(Catalogue.open(path))
        except UserError as exc:
            _warn(w, "Restaurer une sauvegarde", exc)
            return False
        if safety is not None:
            w.show_status(f"Sauvegarde restaurée. L'état précédent est conservé dans {safety}", 10000)
        return safety is not None

    def check_catalogue(self) -> ReportDialog | None:
        report = self._on_file(checking.check, "Vérification en cours…", "Vérifier le catalogue")
        if report is None:
            return None
        dialog = ReportDialog(report, self.window, can_repair=not self.window.catalogue.read_only)
        dialog.repairRequested.connect(lambda: self._repair(dialog))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def _repair(self, dialog: ReportDialog) -> None:
        catalogue = self.window.catalogue
        dialog.close()
        rebuilt = self.window.run_operation(
            lambda _progress, _cancelled: catalogue.rebuild_search_index() or True,
            text="Reconstruction de l'index de recherche…", title="Vérifier le catalogue", busy_cursor=True,
            changes=Change.ACTORS)
        if rebuilt:
            self.check_catalogue()

    def review_contacts(self) -> ReviewDialog | None:
        catalogue = self.window.catalogue
        if catalogue is None:
            return None
        dialog = ReviewDialog(privacy.contacts_to_review(catalogue, REVIEW_YEARS), REVIEW_YEARS, self.window)
        dialog.actorChosen.connect(self.window.select_actor)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def export_person(self, contact_id: int | None, path: str | Path | None = None) -> Path | None:
        """Write ``<name>.json`` and ``<name>.xlsx`` (asks where when ``path`` is None)."""
        catalogue = self.window.catalogue
        if catalogue is None or contact_id is None:
            return None
        contact = catalogue.get_contact(contact_id)
        if contact is None:
            return None
        if path is None:
            from ...text import fold
            slug = "-".join(fold(privacy.display_name(contact)).split()) or "contact"
            default = paths.default_export_dir() / f"donnees-{slug}-{datetime.now():%Y%m%d}.json"
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Exporter les données de cette personne",
                                                    str(default), "JSON (*.json)")
            if not chosen:
                return None
            path = chosen
        json_path = Path(path).with_suffix(".json")
        xlsx_path = json_path.with_suffix(".xlsx")
        try:
            privacy.export_person(catalogue, contact_id, json_path, xlsx_path)
        except UserError as exc:
            _warn(self.window, "Exporter les données de cette personne", exc)
            return None
        self.window.show_status(f"Données exportées : {json_path.name} et {xlsx_path.name}", 8000)
        return json_path

    def erase_person(self, contact_id: int | None, *, confirmed: bool = False) -> bool:
        """Preview every place that will change, confirm, erase, then retry the rewrite
        of the file as long as it failed and the user asks (safety/erase.py)."""
        result = erase.erase_contact(self.window, contact_id, warn=_warn,
                                            confirmed=confirmed,
                                            keep=lambda dialog: setattr(self, "last_dialog", dialog))
        return result is not None


def install(window) -> Safety:
    return Safety(window)
