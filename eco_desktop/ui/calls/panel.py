"""The « Appels à projets » tab: calls, their eligibility, shortlists with follow-up,
mailing lists and e-mails.

Every write goes through the catalogue's calls API (:mod:`eco_desktop.catalogue.calls`)
as an operation of the window, so each action is one step of its undo stack. The panel
listens to the catalogue's commits to stay in step with undo/redo and with writes made
elsewhere."""
from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QFileDialog, QHBoxLayout, QInputDialog,
                               QLabel, QMenu, QMessageBox, QPushButton, QSplitter, QTableView,
                               QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ... import french
from ...catalogue.calls import has_criteria
from ...clock import os_user  # who a proposed follow-up is for
from ...errors import UserError
from ...text import fold
from .. import dates
from ..dialogs.common import confirm, show_error
from ..editor.followup import FollowupDialog
from ..text_safety import bound_width, display_text, escape_html, escape_tooltip, message_box, set_plain
from ..operations import CatalogueRelay
from . import common
from .call_dialog import CallDialog
from .common import STATE_COLORS, STATUSES, bold, status_pill
from .shortlist import IdRole, NOTE_COLUMN, SHORTLIST_COLUMNS, ShortlistModel, SortRole


CALL_COLUMNS = ["Nom", "Financeur", "Dates", "État", "Acteurs", "Candidats", "Lauréats"]
COUNT_COLUMNS = {4: "total", 5: "applied", 6: "selected"}


def call_dates(call: dict[str, Any]) -> str:
    """"15/01/2025 → 31/03/2025", "→ 31/03/2025", "" …"""
    opens, closes = dates.day(call["opens"]), dates.day(call["closes"])
    if not opens and not closes:
        return ""
    if opens and closes and opens[6:] == closes[6:]:
        opens = opens[:5]  # same year: "15/01 → 31/03/2025"
    return f"{opens or '…'} → {closes or '…'}"


class _CallsTable(QTableWidget):
    """The calls list: the name column takes the room the others leave (at least 150 px)."""

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, self.columnCount()))
        header.resizeSection(0, max(150, self.viewport().width() - others))


class CallsPanel(QWidget):
    """The "Appels à projets" tab."""

    _commitSeen = Signal()  # noqa: N815 - queued: commits seen meanwhile make one reload

    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._commitSeen.connect(self._deferred_reload, Qt.ConnectionType.QueuedConnection)
        self.window = window
        self.catalogue = None
        self._relay = CatalogueRelay(self)
        self._relay.written.connect(self._committed)
        self._calls: list[dict[str, Any]] = []
        self._reload_pending = False
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl

        # -- calls list
        self.new_button = QPushButton("Nouveau…")
        self.new_button.setToolTip("Créer un appel à projets")
        self.new_button.clicked.connect(self.new_call)
        self.edit_button = QPushButton("Modifier…")
        self.edit_button.clicked.connect(self.edit_call)
        self.archive_button = QPushButton("Archiver")
        self.archive_button.setToolTip("Ranger l'appel dans les archives (Ctrl+Z pour revenir)")
        self.archive_button.clicked.connect(self.archive_call)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_call)
        self.archived_check = QCheckBox("Afficher les archivés")
        self.archived_check.toggled.connect(lambda _on: self.reload())

        self.calls_table = _CallsTable(0, len(CALL_COLUMNS))
        self.calls_table.setHorizontalHeaderLabels(CALL_COLUMNS)
        self.calls_table.setAccessibleName("Appels à projets")
        self.calls_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.calls_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.calls_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calls_table.verticalHeader().setVisible(False)
        self.calls_table.setShowGrid(False)
        self.calls_table.setAlternatingRowColors(True)
        self.calls_table.setWordWrap(False)
        self.calls_table.verticalHeader().setDefaultSectionSize(self.calls_table.fontMetrics().height() + 8)
        header = self.calls_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.calls_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        for column, width in enumerate((200, 116, 128, 96, 60, 72, 64)):
            header.resizeSection(column, width)
        self.calls_table.itemSelectionChanged.connect(self._call_selected)
        self.calls_table.doubleClicked.connect(lambda _i: self.edit_call())

        top_buttons = QHBoxLayout()
        title = QLabel("Appels à projets")
        title.setFont(bold(self.font(), 1.15))
        top_buttons.addWidget(title)
        top_buttons.addStretch(1)
        top_buttons.addWidget(self.archived_check)
        for button in (self.new_button, self.edit_button, self.archive_button, self.delete_button):
            top_buttons.addWidget(button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 6, 8, 4)
        top_layout.addLayout(top_buttons)
        top_layout.addWidget(self.calls_table)

        # -- the selected call
        self.call_title = set_plain(QLabel(), bounded=True)
        self.call_title.setWordWrap(True)
        self.call_title.setFont(bold(self.font(), 1.1))
        self.call_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.call_info = QLabel()
        self.call_info.setWordWrap(True)
        bound_width(self.call_info)
        self.call_info.setTextFormat(Qt.TextFormat.RichText)  # its record parts are escaped (_info_html)
        self.call_info.setOpenExternalLinks(False)
        self.call_info.linkActivated.connect(self._open_link)
        self.call_info.setStyleSheet("color: #444;")
        self.counts_row = QHBoxLayout()
        self.counts_row.setSpacing(6)
        self.count_labels: dict[str, QLabel] = {}
        for status in STATUSES:
            label = status_pill(status, 0)
            self.count_labels[status] = label
            self.counts_row.addWidget(label)
        self.counts_row.addStretch(1)

        self.status_button = QToolButton()
        self.status_button.setText("Changer le statut")
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.status_menu = QMenu(self)
        self.status_actions: dict[str, QAction] = {}
        for slug, label in STATUSES.items():
            action = self.status_menu.addAction(label)
            action.triggered.connect(lambda _c=False, s=slug: self.set_selected_status(s))
            self.status_actions[slug] = action
        self.status_button.setMenu(self.status_menu)
        self.remove_button = QPushButton("Retirer")
        self.remove_button.setToolTip("Retirer les acteurs sélectionnés de la présélection")
        self.remove_button.clicked.connect(self.remove_selected)
        self.update_button = QPushButton("Mettre à jour la présélection")
        self.update_button.setToolTip("Ajouter les acteurs éligibles qui n'y sont pas encore (personne n'est retiré)")
        self.update_button.clicked.connect(self.update_shortlist)
        self.mailing_button = QPushButton("Publipostage…")
        self.mailing_button.setToolTip("Exporter les contacts utilisables des acteurs présélectionnés (xlsx ou csv)")
        self.mailing_button.clicked.connect(self.export_mailing)
        self.email_button = QPushButton("Préparer l'e-mail")
        self.email_button.setToolTip("Ouvrir la messagerie avec les contacts en copie cachée (Cci)")
        self.email_button.clicked.connect(self.prepare_email)

        self.model = ShortlistModel(self)
        self.model.noteEdited.connect(self._note_edited)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Présélection")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        sheader = self.table.horizontalHeader()
        sheader.setStretchLastSection(True)
        sheader.setTextElideMode(Qt.TextElideMode.ElideRight)
        for column, width in enumerate((165, 120, 125, 90, 80)):
            sheader.resizeSection(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.doubleClicked.connect(self._row_activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(8, 6, 8, 6)
        bottom_layout.addWidget(self.call_title)
        bottom_layout.addWidget(self.call_info)
        bottom_layout.addLayout(self.counts_row)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        for widget in (self.status_button, self.remove_button):
            actions.addWidget(widget)
        actions.addSpacing(12)
        actions.addWidget(self.update_button)
        actions.addStretch(1)
        actions.addWidget(self.mailing_button)
        actions.addWidget(self.email_button)
        bottom_layout.addLayout(actions)
        bottom_layout.addWidget(self.table, 1)
        self.empty_hint = QLabel("Créez un appel à projets avec « Nouveau… » : ses critères d'éligibilité "
                                 "présélectionnent les acteurs, que vous suivez ensuite ici.")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setStyleSheet("color: #8a8a8a; padding: 24px;")
        bottom_layout.addWidget(self.empty_hint)
        self.details = bottom

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._update_buttons()

    # ------------------------------------------------------------------ catalogue
    def set_catalogue(self, catalogue) -> None:
        self.catalogue = catalogue
        self._relay.attach(catalogue)
        self.reload()

    def _committed(self, _label: str, _undoable: bool) -> None:
        """A write committed somewhere (here, the editor, an undo): reload once, soon."""
        if not self._reload_pending:
            self._reload_pending = True
            self._commitSeen.emit()

    def _deferred_reload(self) -> None:
        if self._reload_pending:
            self.reload()

    # ------------------------------------------------------------------ showing
    def current_call_id(self) -> int | None:
        row = self.calls_table.currentRow()
        if row < 0 or row >= len(self._calls):
            return None
        return self._calls[row]["id"]

    def current_call(self) -> dict[str, Any] | None:
        call_id = self.current_call_id()
        return next((c for c in self._calls if c["id"] == call_id), None)

    def reload(self, select: int | None = None) -> None:
        """Re-read the calls and the selected call's shortlist (keeps the selections)."""
        self._reload_pending = False
        keep = select if select is not None else self.current_call_id()
        kept_actors = self.selected_actor_ids()
        self._calls = self.catalogue.calls(include_archived=self.archived_check.isChecked()) \
            if self.catalogue is not None else []
        table = self.calls_table
        table.blockSignals(True)
        table.setRowCount(len(self._calls))
        for row, call in enumerate(self._calls):
            counts = call["counts"]
            values = [call["name"], call["funder"], call_dates(call), call["state_label"],
                      str(call["total"]), str(counts["applied"]), str(counts["selected"])]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in COUNT_COLUMNS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 3:
                    item.setForeground(QColor(STATE_COLORS.get(call["state"], "#000000")))
                if column in (0, 1):
                    item.setToolTip(escape_tooltip(value))
                table.setItem(row, column, item)
        target = next((i for i, c in enumerate(self._calls) if c["id"] == keep), 0 if self._calls else -1)
        if target >= 0:
            table.setCurrentCell(target, 0)
        table.blockSignals(False)
        table.fit_columns()
        self._show_call(kept_actors)

    def _call_selected(self) -> None:
        self._show_call([])

    def _show_call(self, keep_actors: list[int]) -> None:
        call = self.current_call()
        has = call is not None
        for widget in (self.call_title, self.call_info, self.table, self.status_button, self.remove_button,
                       self.update_button, self.mailing_button, self.email_button):
            widget.setVisible(has)
        for label in self.count_labels.values():
            label.setVisible(has)
        self.empty_hint.setVisible(not has)
        self.empty_hint.setText(
            "Créez un appel à projets avec « Nouveau… » : ses critères d'éligibilité présélectionnent "
            "les acteurs, que vous suivez ensuite ici." if not self._calls else "Choisissez un appel dans la liste.")
        if not has:
            self.model.set_rows([], {})
            self._update_buttons()
            return
        set_plain(self.call_title, call["name"])
        self.call_info.setText(self._info_html(call))
        counts = self.catalogue.status_counts(call["id"])
        for status, label in self.count_labels.items():
            label.setText(f"{STATUSES[status]} : {counts[status]}")
        self.model.editable = not self.catalogue.read_only
        self.model.set_rows(self.catalogue.shortlist(call["id"]), self.catalogue.kinds())
        if keep_actors:
            self.select_actor_ids(keep_actors)
        self._update_buttons()

    def _info_html(self, call: dict[str, Any]) -> str:
        parts = [f"<span style='color:{STATE_COLORS.get(call['state'], '#000')}; font-weight:600'>"
                 f"{escape_html(call['state_label'])}</span>"]
        if call["funder"]:
            parts.append(escape_html(call["funder"]))
        if call["opens"] or call["closes"]:
            parts.append(f"du {dates.day(call['opens']) or '…'} au {dates.day(call['closes']) or '…'}")
        if call["url"]:
            parts.append(f"<a href='{escape(call['url'], quote=True)}'>page de l'appel</a>")
        line = " · ".join(parts)
        if has_criteria(call["eligibility"]):
            criteria = " ; ".join(self.catalogue.describe(call["eligibility"]))
        else:
            criteria = "aucun critère (présélection à la main)"
        return f"{line}<br><span style='color:#666'>Éligibilité : {escape_html(criteria)}</span>"

    def _open_link(self, url: str) -> None:
        if url.lower().startswith(("http://", "https://")):
            self.open_url(QUrl(url))

    def selected_actor_ids(self) -> list[int]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r]["actor_id"] for r in rows if r < len(self.model.rows)]

    def select_actor_ids(self, ids: list[int]) -> None:
        from PySide6.QtCore import QItemSelection, QItemSelectionModel
        wanted = set(ids)
        selection = QItemSelection()
        for row, entry in enumerate(self.model.rows):
            if entry["actor_id"] in wanted:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                selection.select(index, index.siblingAtColumn(len(SHORTLIST_COLUMNS) - 1))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _update_buttons(self) -> None:
        has_cat = self.catalogue is not None
        writable = has_cat and not self.catalogue.read_only
        call = self.current_call() if has_cat else None
        selected = len(self.selected_actor_ids()) if call else 0
        self.new_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and call is not None)
        self.archive_button.setEnabled(writable and call is not None and call["state"] != "archived")
        self.delete_button.setEnabled(writable and call is not None)
        self.status_button.setEnabled(writable and selected > 0)
        self.remove_button.setEnabled(writable and selected > 0)
        self.update_button.setEnabled(writable and call is not None and has_criteria(call["eligibility"]))
        self.mailing_button.setEnabled(call is not None and call["total"] > 0)
        self.email_button.setEnabled(call is not None and call["total"] > 0)
        self.status_button.setText(f"Changer le statut ({selected})" if selected else "Changer le statut")

    # ------------------------------------------------------------------ writes
    def _write(self, action: Callable[[], Any], *, text: str = "Enregistrement…", size: int = 0) -> Any:
        """Run one catalogue write through the window (in a worker when more than
        common.BACKGROUND_THRESHOLD actors are concerned: one transaction, so no « Annuler »);
        its result, or None when it failed (the error is shown). The views are refreshed."""
        result = self.window.run_operation(lambda _progress, _cancelled: action(), text=text,
                                           title="Appels à projets", background=size > common.BACKGROUND_THRESHOLD,
                                           parent=self)
        self.reload()
        if self.window.filter.call:
            self.window.refresh()
        return result

    def _read(self, action: Callable[[], Any], *, text: str, title: str, size: int) -> Any:
        """A read for a file or an e-mail, in a worker when it concerns many actors; None
        when it failed (the error is shown)."""
        return self.window.run_operation(lambda _progress, _cancelled: action(), text=text, title=title,
                                         background=size > common.BACKGROUND_THRESHOLD, parent=self)

    def _status(self, text: str) -> None:
        self.window.show_status(text, 6000)

    def new_call(self) -> int | None:
        if self.catalogue is None:
            return None
        dialog = CallDialog(self.catalogue, None, self, host=self.window)
        if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.call_id is None:
            return None
        self.reload(select=dialog.call_id)
        return dialog.call_id

    def edit_call(self) -> None:
        call = self.current_call()
        if call is None or self.catalogue.read_only:
            return
        dialog = CallDialog(self.catalogue, call, self, host=self.window)
        if self.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.reload(select=call["id"])

    def exec_dialog(self, dialog: QDialog) -> int:
        """Run a modal dialog (tests replace this to drive the dialog)."""
        return dialog.exec()

    def archive_call(self) -> None:
        call = self.current_call()
        if call is not None and self._write(lambda: self.catalogue.archive_call(call["id"])):
            self._status(f"Appel « {call['name']} » archivé (Ctrl+Z pour annuler).")

    def delete_call(self) -> None:
        call = self.current_call()
        if call is None:
            return
        if not confirm(self, "Supprimer l'appel à projets",
                       f"Supprimer l'appel « {call['name']} » et sa présélection ({call['total']} acteur(s)) ?",
                       "Supprimer", informative="Les fiches des acteurs ne sont pas touchées. "
                       "Édition → Annuler (Ctrl+Z) rétablit l'appel.", danger=True):
            return
        self._write(lambda: self.catalogue.delete_call(call["id"]))

    def set_selected_status(self, status: str, note: str | None = None) -> int:
        call, ids = self.current_call(), self.selected_actor_ids()
        if call is None or not ids:
            return 0
        changed = self._write(lambda: self.catalogue.set_status(call["id"], ids, status, note=note),
                              text="Changement de statut…", size=len(ids)) or 0
        self._status(f"{french.count(changed, 'acteur')} : « {STATUSES[status]} ».")
        if status == "contacted" and changed:
            self.propose_followup(call, ids)
        return changed

    def propose_followup(self, call: dict, ids: list[int]) -> int:
        """Actors just « contacté »: their follow-up in the call's delay, if the person
        wants it (one undo step); how many got one."""
        values = self.ask_followup(call, len(ids))
        if not values or not values["followup_on"]:
            return 0
        done = self._write(lambda: self.catalogue.set_call_followups(
            call["id"], ids, due=values["followup_on"], who=values["followup_by"], next_step=values["next_step"]),
            text="Relances…", size=len(ids)) or 0
        if done:
            self._status(f"{french.count(done, 'relance prévue', 'relances prévues')} le "
                         f"{dates.day(values['followup_on'])}.")
        return done

    def ask_followup(self, call: dict, count: int) -> dict | None:
        """« Prévoir une relance dans 7 jours ? » with its fields (tests replace this)."""
        days = int(call.get("followup_days") or 7)
        who = "ces " + french.count(count, "acteur") if count > 1 else "cet acteur"
        dialog = FollowupDialog(self, f"Relance — {call['name']}", lambda _values: None, who=os_user(),
                                in_days=days, intro=f"Vous avez contacté {who} pour l'appel « {call['name']} ». "
                                                    f"Prévoir une relance dans {days} jours ?")
        return dialog.fields.values() if dialog.exec() else None

    def remove_selected(self) -> int:
        call, ids = self.current_call(), self.selected_actor_ids()
        if call is None or not ids:
            return 0
        removed = self._write(lambda: self.catalogue.remove_from_call(call["id"], ids),
                              text="Retrait de la présélection…", size=len(ids)) or 0
        self._status(f"{french.count(removed, 'acteur retiré', 'acteurs retirés')} de « {call['name']} » "
                     "(Ctrl+Z pour annuler).")
        return removed

    def update_shortlist(self) -> int:
        call = self.current_call()
        if call is None:
            return 0
        added = self._write(lambda: self.catalogue.update_shortlist(call["id"]),
                            text="Mise à jour de la présélection…",
                            size=self.catalogue.count(call["eligibility"])) or 0
        text = (f"{french.count(added, 'acteur éligible ajouté', 'acteurs éligibles ajoutés')} à la présélection."
                if added else "La présélection contient déjà tous les acteurs éligibles.")
        self._status(text)
        return added

    def _note_edited(self, actor_id: int, note: str) -> None:
        call = self.current_call()
        if call is not None:
            self._write(lambda: self.catalogue.set_note(call["id"], actor_id, note))

    def _table_menu(self, pos) -> None:
        menu = QMenu(self)
        sub = menu.addMenu("Statut")
        for action in self.status_actions.values():
            sub.addAction(action)
        sub.setEnabled(self.status_button.isEnabled())
        remove = menu.addAction("Retirer de l'appel", self.remove_selected)
        remove.setEnabled(self.remove_button.isEnabled())
        menu.addSeparator()
        menu.addAction("Afficher la fiche", lambda: self._row_activated(self.table.currentIndex()))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _row_activated(self, index: QModelIndex) -> None:
        if not index.isValid() or index.column() == NOTE_COLUMN:
            return
        actor_id = self.proxy.data(index, IdRole)
        self.window.show_list()
        self.window.select_actor(actor_id)

    # ------------------------------------------------------------------ mailing and e-mail
    def ask_mailing_path(self, call: dict[str, Any]) -> str:
        """The file to write (tests replace this); "" when cancelled."""
        from ...paths import default_export_dir
        slug = fold(call["name"]).replace(" ", "-")[:50] or "appel"
        start = Path(default_export_dir()) / f"publipostage-{slug}-{date.today().isoformat()}.xlsx"
        path, chosen = QFileDialog.getSaveFileName(self, "Publipostage", str(start),
                                                   "Classeur Excel (*.xlsx);;CSV pour Excel (*.csv)")
        if path and not path.lower().endswith((".xlsx", ".csv")):
            path += ".csv" if "csv" in chosen else ".xlsx"
        return path

    def export_mailing(self) -> Path | None:
        from ...catalogue.calls import export_mailing
        call = self.current_call()
        if call is None:
            return None
        path = self.ask_mailing_path(call)
        if not path:
            return None
        def work():
            rows, report = self.catalogue.mailing_rows(call["id"])
            return export_mailing(path, rows), report
        outcome = self._read(work, text="Écriture de la liste de publipostage…", title="Publipostage",
                             size=call["total"])
        if outcome is None:
            return None
        written, report = outcome
        self.last_report = report
        self.show_report("Publipostage", f"Liste écrite : {written}", report.lines())
        return written

    def show_report(self, title: str, text: str, lines: list[str]) -> None:
        box = message_box(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self,
                          informative="\n".join(lines))
        box.button(QMessageBox.StandardButton.Ok).setText("OK")
        box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 420px; }")
        self.exec_dialog(box)

    def ask_mark_contacted(self, count: int) -> bool:
        """"Marquer ces N acteurs comme « contacté » ?" (tests replace this)."""
        return confirm(self, "Préparer l'e-mail",
                       f"Marquer ces {french.count(count, 'acteur')} comme « contacté » ?", "Marquer « contacté »",
                       informative="Seuls les acteurs encore « à contacter » changent de statut.")

    def prepare_email(self) -> list[str]:
        """Open the mail client with the usable contacts in BCC (several messages when
        needed), then offer to mark the actors reached as "contacté"."""
        from ...catalogue.calls import mailto_batches
        call = self.current_call()
        if call is None:
            return []
        outcome = self._read(lambda: self.catalogue.mailing_rows(call["id"]), text="Préparation de l'e-mail…",
                             title="Préparer l'e-mail", size=call["total"])
        if outcome is None:
            return []
        rows, report = outcome
        emailed = [r for r in rows if r["email"]]
        try:
            urls = mailto_batches([r["email"] for r in emailed], call["name"])
        except UserError as exc:
            show_error(self, exc, "Préparer l'e-mail")
            return []
        if not urls:
            show_error(self, "Aucun contact utilisable avec une adresse e-mail parmi les acteurs présélectionnés.\n\n"
                       + "\n".join(report.lines()), "Préparer l'e-mail")
            return []
        if len(urls) > 1 and not confirm(
                self, "Préparer l'e-mail",
                f"{french.count(len({r['email'].casefold() for r in emailed}), 'destinataire')} : la messagerie va "
                f"ouvrir {len(urls)} messages (un lien e-mail est limité à 2 000 caractères).",
                f"Ouvrir {len(urls)} messages"):
            return []
        for url in urls:
            self.open_url(QUrl.fromEncoded(url.encode("ascii")))
        reached = {actor_id for r in emailed for actor_id in r["actor_ids"]}  # merged addresses serve several
        to_mark = [e["actor_id"] for e in self.catalogue.shortlist(call["id"])
                   if e["actor_id"] in reached and e["status"] == "to_contact"]
        if to_mark and self.ask_mark_contacted(len(to_mark)):
            self._write(lambda: self.catalogue.set_status(call["id"], to_mark, "contacted"),
                        text="Changement de statut…", size=len(to_mark))
            self._status(f"{french.count(len(to_mark), 'acteur')} : « {STATUSES['contacted']} ».")
            self.propose_followup(call, to_mark)
        return urls

    # ------------------------------------------------------------------ from the main list
    def choose_call(self, count: int) -> int | None:
        """Ask which call to add ``count`` actors to (tests replace this)."""
        calls = [c for c in self._calls if c["state"] != "archived"] or self._calls
        if not calls:
            show_error(self, "Aucun appel à projets : créez-en un dans l'onglet « Appels à projets ».",
                       "Ajouter à l'appel")
            return None
        current = self.current_call_id()
        # Shortened and cleaned as shown: a long name would widen the dialog off the screen.
        names = [display_text(c["name"], limit=120) for c in calls]
        index = next((i for i, c in enumerate(calls) if c["id"] == current), 0)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Ajouter à l'appel")
        dialog.setLabelText(f"Ajouter {french.count(count, 'acteur sélectionné', 'acteurs sélectionnés')} à l'appel :")
        dialog.setComboBoxItems(names)
        dialog.setTextValue(names[index])
        dialog.setOkButtonText("Ajouter")
        dialog.setCancelButtonText("Annuler")
        if not dialog.exec():
            return None
        return calls[names.index(dialog.textValue())]["id"]

    def add_selection_to_call(self) -> int:
        if self.catalogue is None:
            return 0
        ids = self.window.selected_ids()
        if not ids:
            return 0
        call_id = self.choose_call(len(ids))
        if call_id is None:
            return 0
        added = self._write(lambda: self.catalogue.add_to_call(call_id, ids), text="Ajout à l'appel…",
                            size=len(ids)) or 0
        name = next((c["name"] for c in self._calls if c["id"] == call_id), "")
        already = len(ids) - added
        self._status(f"{french.count(added, 'acteur ajouté', 'acteurs ajoutés')} à « {name} »"
                     + (f" ({already} y étai{'en' if already > 1 else ''}t déjà)." if already else "."))
        return added
