"""Erasing a person (RGPD) in the window: the preview of every place that will change,
confirmed before anything is written; then the honest report — the file not rewritten
(« Réessayer »), the organisation's own values kept, the backups still holding them.

Every text shown here comes from records: labels, boxes and cells go through
text_safety (plain text, invisible controls dropped, tooltips escaped).
"""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QListWidget, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...catalogue import privacy
from ...errors import UserError
from .. import operations
from ..operations import Change
from ..text_safety import display_text, escape_tooltip, message_box, plain_label

TITLE = "Effacer cette personne"


def _plain(text: str, *, bold: bool = False) -> QLabel:
    label = plain_label(text, wrap=True, bounded=True)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _box(parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    return message_box(icon, TITLE, text, QMessageBox.StandardButton.NoButton, parent)


def _fit(listing: QListWidget, most: int = 4) -> None:
    """As tall as its rows (up to ``most``): the table of places keeps the room."""
    rows = max(1, min(listing.count(), most))
    listing.setFixedHeight(rows * max(listing.sizeHintForRow(0), 18) + 2 * listing.frameWidth() + 4)


class ErasePreviewDialog(QDialog):
    """Each place the erasure changes, what the organisations keep, the backups that
    still hold the person; « Effacer définitivement » or « Annuler » (the default)."""

    COLUMNS = ["Où", "Quoi", "Avant", "Après"]

    def __init__(self, plan: privacy.Plan, holding: list[privacy.BackupHolding],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(960, 640)
        self.plan = plan
        self.holding = holding
        layout = QVBoxLayout(self)
        self.question = _plain(f"Effacer définitivement « {plan.name} » ?", bold=True)
        layout.addWidget(self.question)
        searched = ", ".join(plan.searched) or ("le contact seul (un nom d'un seul mot ne suffit pas à "
                                                "reconnaître la personne ailleurs)")
        self.intro = _plain(f"Ces {len(plan.places)} endroit(s) seront modifiés, et rien d'autre. Recherché : "
                            f"{searched}. Cette action ne peut pas être annulée.")
        layout.addWidget(self.intro)
        self.table = QTableWidget(len(plan.places), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for row, place in enumerate(plan.places):
            for column, text in enumerate((place.where, place.what, place.before_excerpt, place.after_excerpt)):
                item = QTableWidgetItem(display_text(text))
                item.setToolTip(escape_tooltip(text))
                self.table.setItem(row, column, item)
        for column, width in enumerate((300, 210, 200)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.kept = QListWidget()
        self.kept.addItems([display_text(k.sentence()) for k in plan.kept])
        self.kept.setVisible(bool(plan.kept))
        _fit(self.kept)
        if plan.kept:
            layout.addWidget(_plain("Conservé (valeurs propres aux organisations) :"))
        layout.addWidget(self.kept)
        self.backups = QListWidget()
        self.backups.addItems([display_text(h.sentence()) for h in holding])
        _fit(self.backups)
        self.erase_backups = QCheckBox("Effacer aussi la personne de cette sauvegarde" if len(holding) == 1 else
                                       f"Effacer aussi la personne de ces {len(holding)} sauvegardes")
        self.erase_backups.setChecked(True)
        if holding:
            layout.addWidget(_plain("Sauvegardes qui contiennent encore cette personne :"))
            layout.addWidget(self.backups)
            layout.addWidget(self.erase_backups)
        else:
            self.backups.hide()
            self.erase_backups.hide()
            self.erase_backups.setChecked(False)
            layout.addWidget(_plain("Aucune sauvegarde ne contient cette personne."))
        buttons = QDialogButtonBox()
        self.erase_button = buttons.addButton("Effacer définitivement", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)
        self.erase_button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def ask_retry(parent: QWidget | None, message: str) -> bool:
    """The file could not be rewritten: « Réessayer » or « Plus tard »."""
    box = _box(parent, QMessageBox.Icon.Warning, message)
    retry = box.addButton("Réessayer", QMessageBox.ButtonRole.AcceptRole)
    later = box.addButton("Plus tard", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.setEscapeButton(later)
    box.exec()
    return box.clickedButton() is retry


def erase_contact(window, contact_id: int | None, *, warn, confirmed: bool = False,
                  keep=lambda dialog: None) -> privacy.Erasure | None:
    """The whole erasure from the window (a :class:`~eco_desktop.ui.host.WindowHost`):
    preview, confirm, erase (each an operation in a worker), then retry the rewrite for
    as long as the user asks. Returns the erasure, or None."""
    catalogue = window.catalogue
    if catalogue is None or contact_id is None:
        return None

    def run(text, fn, **options):
        return operations.run(window, text, lambda _progress, _cancelled: fn(), title=TITLE, busy_cursor=True,
                              **options)

    def preview():
        plan = privacy.preview_erasure(catalogue, contact_id)
        return plan, privacy.backups_holding(catalogue.path, plan.contact)
    try:
        # Every table of the catalogue and of each backup is read: not on the window's thread.
        plan, holding = run("Recherche de la personne dans le catalogue et ses sauvegardes…", preview)
    except UserError as exc:
        warn(window, TITLE, exc)
        return None
    erase_backups = bool(holding)
    if not confirmed:
        dialog = ErasePreviewDialog(plan, holding, window)
        keep(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        erase_backups = dialog.erase_backups.isChecked()
    try:
        result = run("Effacement en cours…",
                     lambda: privacy.erase_person(catalogue, contact_id, expected=plan, backups=erase_backups),
                     catalogue=catalogue)
    except UserError as exc:
        warn(window, TITLE, exc)
        return None
    window.clear_undo()  # its labels may name the person, and the erasure cannot be undone
    window.apply_changes(Change.ACTORS)
    while not result.purged and ask_retry(window, result.message()):
        purge = run("Réécriture du fichier…", lambda: privacy.purge_file(catalogue))
        result.purged, result.purge_reason = purge.ok, purge.reason
    if result.purged:
        window.show_status(f"« {result.name} » a été effacé(e) du catalogue ; le fichier a été réécrit.", 8000)
    else:
        window.show_status(f"« {result.name} » a été retiré(e) du catalogue, mais le fichier n'a "
                           "pas encore été réécrit.", 15000)
    if result.purged and (result.kept or result.backups or holding and not erase_backups):
        text = result.message()
        if holding and not erase_backups:
            text += f"\n{len(holding)} sauvegarde(s) contiennent encore cette personne."
        box = _box(window, QMessageBox.Icon.Information, text)
        box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
    return result
