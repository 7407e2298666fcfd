"""The "Appels à projets" tab: calls, their eligibility, shortlists with follow-up,
mailing lists and e-mails; the "Ajouter à l'appel…" selection action; and the
read-only "Appels à projets" section of an actor's record (:class:`CallsOfActorWidget`).

Every write goes through the catalogue's calls API (:mod:`eco_desktop.calls`), so each
action is one step of the window's undo stack. The panel listens to the catalogue's
commits to stay in step with undo/redo and with writes made elsewhere.
"""
from __future__ import annotations

import logging
from datetime import date
from html import escape
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QDate, QLocale, QModelIndex, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog,
                               QFormLayout, QFrame, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QMenu, QMessageBox, QPlainTextEdit, QPushButton,
                               QSizePolicy, QSplitter, QTableView, QTableWidget, QTableWidgetItem,
                               QToolButton, QVBoxLayout, QWidget)

from ... import APP_TITLE, fields, french, vocab
from ...catalogue.calls import has_criteria
from ...errors import UserError
from ...filter import Filter
from ...text import fold
from ..dialogs.common import SB, button_box, confirm, show_error
from ..window.facets import FacetPanel
from ..text_safety import bound_width, display_text, escape_html, escape_tooltip, message_box, set_plain
from ..theme import chip_icon
from ..workers import CatalogueRelay, run_with_progress

log = logging.getLogger(__name__)

STATUSES = vocab.SHORTLIST_STATUSES
STATES = vocab.CALL_STATES
# Status -> (background, text) of its pill: calm for "to do", green for success, grey for out.
STATUS_COLORS: dict[str, tuple[str, str]] = {
    "to_contact": ("#e8eef7", "#1f4e79"),
    "contacted": ("#fff1d6", "#7a4d00"),
    "applied": ("#e4f1fb", "#0b5394"),
    "selected": ("#dcf2e0", "#1e6b2e"),
    "not_selected": ("#f3e3e3", "#8a2b2b"),
    "excluded": ("#ececec", "#555555"),
}
STATE_COLORS = {"preparing": "#7a4d00", "open": "#1e6b2e", "closed": "#555555", "archived": "#8a8a8a"}
NO_DATE = QDate(2000, 1, 1)  # the QDateEdit minimum, shown as "non fixée"
BACKGROUND_THRESHOLD = 2000  # more actors than this: the write runs in a worker thread


def french_date(iso: str | None) -> str:
    """"2025-03-31" or "2025-03-31T10:00:00+00:00" -> "31/03/2025" (empty stays empty)."""
    if not iso or len(iso) < 10:
        return ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _local_date(iso: str | None) -> str:
    """A UTC timestamp of the store as the officer's local date."""
    if not iso:
        return ""
    from datetime import datetime
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y")
    except ValueError:
        return french_date(iso)


def status_pill(status: str, count: int | None = None) -> QLabel:
    background, colour = STATUS_COLORS[status]
    text = STATUSES[status] if count is None else f"{STATUSES[status]} : {count}"
    label = QLabel(text)
    label.setObjectName(f"count_{status}")
    label.setStyleSheet(f"QLabel {{ background: {background}; color: {colour}; border-radius: 9px;"
                        f" padding: 2px 9px; font-weight: 600; }}")
    return label


# --------------------------------------------------------------------------- background work

def run_in_background(parent: QWidget, label: str, fn: Callable[[], Any], *, size: int,
                      catalogue=None) -> Any:
    """Run ``fn`` in a worker thread behind a modal progress dialog when ``size`` (actors
    concerned) is large, directly otherwise; return its result or raise its exception.

    The catalogue's commit listeners (the window's undo stack, this panel) touch Qt
    objects: while the job runs they are replaced by a relay that calls them on the UI
    thread. A catalogue write is one transaction, done or rolled back as a whole, so
    the dialog offers no "Annuler" button.
    """
    if size <= BACKGROUND_THRESHOLD:
        return fn()
    return run_with_progress(parent, APP_TITLE, label, lambda _progress, _cancelled: fn(), catalogue=catalogue,
                             minimum_duration=400)


# --------------------------------------------------------------------------- shortlist model

SHORTLIST_COLUMNS = [("name", "Acteur"), ("kind", fields.label("kind")), ("commune", fields.label("commune")),
                     ("status", "Statut"),
                     ("changed_at", "Modifié le"), ("note", "Note")]
NOTE_COLUMN = 5
SortRole = Qt.ItemDataRole.UserRole + 10
IdRole = Qt.ItemDataRole.UserRole + 11


class ShortlistModel(QAbstractTableModel):
    """The shortlist of one call; the note column is editable (``noteEdited`` is emitted)."""

    noteEdited = Signal(int, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.kinds: dict[str, tuple[str, str]] = {}
        self.editable = True

    def set_rows(self, rows: list[dict[str, Any]], kinds: dict[str, tuple[str, str]]) -> None:
        """``kinds``: {slug: (label, colour)} as :meth:`Catalogue.kinds` gives."""
        self.beginResetModel()
        self.rows = rows
        self.kinds = kinds
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(SHORTLIST_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SHORTLIST_COLUMNS[section][1]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NOTE_COLUMN and self.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = SHORTLIST_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.EditRole:
            return row[key] or ""  # the note, edited as stored
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "kind":
                value = self.kinds.get(row["kind"], (row["kind"],))[0]
            elif key == "status":
                value = STATUSES.get(row["status"], row["status"])
            elif key == "changed_at":
                value = _local_date(row["changed_at"])
            else:
                value = row[key]
            # Without bidi overrides: « \u202e » would reverse the rest of the cell.
            return display_text(value)
        if role == SortRole:
            if key == "status":
                return list(STATUSES).index(row["status"])
            if key == "changed_at":
                return row["changed_at"] or ""
            return fold(self.data(index))
        if role == IdRole:
            return row["actor_id"]
        if role == Qt.ItemDataRole.ToolTipRole and key in ("note", "kind", "commune", "name"):
            return escape_tooltip(self.data(index)) or None
        if role == Qt.ItemDataRole.DecorationRole and key == "kind":
            return chip_icon(self.kinds.get(row["kind"], ("", "#777777"))[1])
        if key == "status":
            background, colour = STATUS_COLORS.get(row["status"], ("#ffffff", "#000000"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(colour)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != NOTE_COLUMN:
            return False
        row = self.rows[index.row()]
        text = str(value or "").strip()
        if text != (row["note"] or ""):
            self.noteEdited.emit(row["actor_id"], text)
        return True


# --------------------------------------------------------------------------- call dialog

class CallDialog(QDialog):
    """Create or edit a call: fields, state and eligibility (facet controls)."""

    def __init__(self, catalogue, call: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.call = call
        self.call_id: int | None = call["id"] if call else None
        self.eligibility: Filter = call["eligibility"] if call else Filter()
        self.setWindowTitle("Modifier l'appel à projets" if call else "Nouvel appel à projets")
        self.setMinimumSize(880, 600)

        french = QLocale(QLocale.Language.French, QLocale.Country.France)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("ex. Innov'up 2025 — biothérapies")
        self.funder_edit = QComboBox()
        self.funder_edit.setEditable(True)
        funders = sorted({c["funder"] for c in catalogue.calls() if c["funder"]}
                         | {"Région Île-de-France", "Bpifrance", "France 2030 — Grand Défi Biomédicaments"},
                         key=fold)
        self.funder_edit.addItems(funders)
        # A funder typed at any length must not widen the dialog.
        self.funder_edit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.funder_edit.setMinimumContentsLength(30)
        self.funder_edit.setCurrentText("")
        self.funder_edit.lineEdit().setPlaceholderText("ex. Région Île-de-France")
        self.opens_edit, self.closes_edit = self._date_edit(french), self._date_edit(french)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText("objet, montants, conditions…")
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.state_combo = QComboBox()
        for slug, label in STATES.items():
            self.state_combo.addItem(label, slug)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("mots à chercher dans les fiches (facultatif)")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(self._text_changed)
        self.match_check = QCheckBox("Présélectionner les acteurs éligibles")
        self.match_check.setChecked(True)
        self.match_check.setVisible(call is None)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Nom :", self.name_edit)
        form.addRow("Financeur :", self.funder_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.opens_edit)
        dates.addWidget(QLabel("clôture :"))
        dates.addWidget(self.closes_edit)
        dates.addStretch(1)
        form.addRow("Ouverture :", dates)
        form.addRow("Page web :", self.url_edit)
        form.addRow("État :", self.state_combo)
        form.addRow("Description :", self.description_edit)

        self.facets = FacetPanel()
        self.facets.views.hide()
        self.facets.clear_button.setText("Effacer les critères")
        for label in self.facets.findChildren(QLabel):
            if label.text() == "Filtres":
                label.setText("Critères d'éligibilité")
        self.facets.selectionChanged.connect(self._facet_changed)
        self.facets.clearRequested.connect(self._clear_eligibility)
        self.facets.set_kind_colors(catalogue.kind_colors())
        self.facets.setMinimumWidth(330)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("QLabel { background: #f4f6f9; border: 1px solid #dcdfe3; border-radius: 4px;"
                                   " padding: 6px; }")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addLayout(form)
        left_layout.addSpacing(10)
        title = QLabel("Éligibilité")
        title.setFont(_bold(title.font()))
        left_layout.addWidget(title)
        hint = QLabel("Cochez à droite les critères : types, domaines, activités, territoires… "
                      "Plusieurs valeurs d'un critère : l'une ou l'autre ; critères différents : tous à la fois.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        left_layout.addWidget(hint)
        left_layout.addWidget(self.text_edit)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.match_check)
        left_layout.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(left, 3)
        body.addWidget(self.facets, 2)
        self.buttons = button_box(SB.Ok | SB.Cancel, self, Ok="Créer l'appel" if call is None else "Enregistrer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        if call is not None:
            self.name_edit.setText(call["name"])
            self.funder_edit.setCurrentText(call["funder"])
            self._set_date(self.opens_edit, call["opens"])
            self._set_date(self.closes_edit, call["closes"])
            self.url_edit.setText(call["url"])
            self.description_edit.setPlainText(call["description"])
            self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(call["state"])))
            self.text_edit.blockSignals(True)
            self.text_edit.setText(self.eligibility.text)
            self.text_edit.blockSignals(False)
        self._update_facets()

    @staticmethod
    def _date_edit(locale: QLocale) -> QDateEdit:
        edit = QDateEdit()
        edit.setLocale(locale)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("non fixée")
        edit.setDate(NO_DATE)
        edit.calendarWidget().setLocale(locale)
        edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        return edit

    @staticmethod
    def _set_date(edit: QDateEdit, iso: str) -> None:
        edit.setDate(QDate.fromString(iso, "yyyy-MM-dd") if iso else NO_DATE)

    @staticmethod
    def _iso(edit: QDateEdit) -> str:
        return "" if edit.date() == NO_DATE else edit.date().toString("yyyy-MM-dd")

    # -- eligibility ------------------------------------------------------------
    def _facet_changed(self, facet: str, values: list) -> None:
        self.eligibility = self.eligibility.with_selection(facet, values)
        self._update_facets()

    def _text_changed(self, text: str) -> None:
        from dataclasses import replace
        self.eligibility = replace(self.eligibility, text=text.strip())
        self._update_facets()

    def _clear_eligibility(self) -> None:
        self.eligibility = Filter()
        self.text_edit.blockSignals(True)
        self.text_edit.clear()
        self.text_edit.blockSignals(False)
        self._update_facets()

    def _update_facets(self) -> None:
        try:
            counts = self.catalogue.facet_counts(self.eligibility)
            eligible = self.catalogue.count(self.eligibility)
        except UserError as exc:
            self.summary.setText(escape_html(exc))
            return
        self.facets.update_counts(counts, self.eligibility)
        if not has_criteria(self.eligibility):
            self.summary.setText("<b>Aucun critère</b> : la présélection se fait à la main "
                                 "(liste → « Ajouter à l'appel… »).")
            return
        sentences = "<br>".join(escape_html(s) for s in self.catalogue.describe(self.eligibility))
        self.summary.setText(f"<b>{french.count(eligible, 'acteur éligible', 'acteurs éligibles')}</b><br>{sentences}")

    # -- values -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text(), "funder": self.funder_edit.currentText(),
                "opens": self._iso(self.opens_edit), "closes": self._iso(self.closes_edit),
                "url": self.url_edit.text(), "description": self.description_edit.toPlainText(),
                "state": self.state_combo.currentData(), "eligibility": self.eligibility}

    def accept(self) -> None:
        values = self.values()
        try:
            if self.call_id is None:
                match = self.match_check.isChecked()
                size = self.catalogue.count(self.eligibility) if match and has_criteria(self.eligibility) else 0
                self.call_id = run_in_background(
                    self, "Création de l'appel et de sa présélection…",
                    lambda: self.catalogue.create_call(values.pop("name"), shortlist_matching=match, **values),
                    size=size, catalogue=self.catalogue)
            else:
                self.catalogue.update_call(self.call_id, values)
        except UserError as exc:
            show_error(self, exc, "Appel à projets")
            return
        super().accept()


# --------------------------------------------------------------------------- the tab

CALL_COLUMNS = ["Nom", "Financeur", "Dates", "État", "Acteurs", "Candidats", "Lauréats"]
COUNT_COLUMNS = {4: "total", 5: "applied", 6: "selected"}


def call_dates(call: dict[str, Any]) -> str:
    """"15/01/2025 → 31/03/2025", "→ 31/03/2025", "" …"""
    opens, closes = french_date(call["opens"]), french_date(call["closes"])
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
        title.setFont(_bold(self.font(), 1.15))
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
        self.call_title.setFont(_bold(self.font(), 1.1))
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
            parts.append(f"du {french_date(call['opens']) or '…'} au {french_date(call['closes']) or '…'}")
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
    def _write(self, action: Callable[[], Any]) -> Any:
        """Run one catalogue write; a UserError is shown; the views are refreshed."""
        try:
            result = action()
        except UserError as exc:
            show_error(self, exc, "Appels à projets")
            return None
        self.reload()
        if self.window is not None and self.window.filter.call:
            self.window.refresh()
        return result

    def _status(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, 6000)

    def new_call(self) -> int | None:
        if self.catalogue is None:
            return None
        dialog = CallDialog(self.catalogue, None, self)
        if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.call_id is None:
            return None
        self.reload(select=dialog.call_id)
        return dialog.call_id

    def edit_call(self) -> None:
        call = self.current_call()
        if call is None or self.catalogue.read_only:
            return
        dialog = CallDialog(self.catalogue, call, self)
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
        changed = self._write(lambda: run_in_background(
            self, "Changement de statut…", lambda: self.catalogue.set_status(call["id"], ids, status, note=note),
            size=len(ids), catalogue=self.catalogue)) or 0
        self._status(f"{french.count(changed, 'acteur')} : « {STATUSES[status]} ».")
        return changed

    def remove_selected(self) -> int:
        call, ids = self.current_call(), self.selected_actor_ids()
        if call is None or not ids:
            return 0
        removed = self._write(lambda: run_in_background(
            self, "Retrait de la présélection…", lambda: self.catalogue.remove_from_call(call["id"], ids),
            size=len(ids), catalogue=self.catalogue)) or 0
        self._status(f"{french.count(removed, 'acteur retiré', 'acteurs retirés')} de « {call['name']} » "
                     "(Ctrl+Z pour annuler).")
        return removed

    def update_shortlist(self) -> int:
        call = self.current_call()
        if call is None:
            return 0
        size = self.catalogue.count(call["eligibility"])

        def work():
            return self.catalogue.update_shortlist(call["id"])
        added = self._write(lambda: run_in_background(self, "Mise à jour de la présélection…", work, size=size,
                                                      catalogue=self.catalogue))
        added = added or 0
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
        if not index.isValid() or index.column() == NOTE_COLUMN or self.window is None:
            return
        actor_id = self.proxy.data(index, IdRole)
        self.window.tabs.setCurrentIndex(0)
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
        try:
            written, report = run_in_background(self, "Écriture de la liste de publipostage…", work,
                                                size=call["total"])
        except UserError as exc:
            show_error(self, exc, "Publipostage")
            return None
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
        try:
            rows, report = run_in_background(self, "Préparation de l'e-mail…",
                                             lambda: self.catalogue.mailing_rows(call["id"]), size=call["total"])
            emailed = [r for r in rows if r["email"]]
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
            self._write(lambda: run_in_background(
                self, "Changement de statut…", lambda: self.catalogue.set_status(call["id"], to_mark, "contacted"),
                size=len(to_mark), catalogue=self.catalogue))
            self._status(f"{french.count(len(to_mark), 'acteur')} : « {STATUSES['contacted']} ».")
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
        if self.window is None or self.catalogue is None:
            return 0
        ids = self.window.selected_ids()
        if not ids:
            return 0
        call_id = self.choose_call(len(ids))
        if call_id is None:
            return 0
        added = self._write(lambda: run_in_background(
            self, "Ajout à l'appel…", lambda: self.catalogue.add_to_call(call_id, ids), size=len(ids),
            catalogue=self.catalogue)) or 0
        name = next((c["name"] for c in self._calls if c["id"] == call_id), "")
        already = len(ids) - added
        self._status(f"{french.count(added, 'acteur ajouté', 'acteurs ajoutés')} à « {name} »"
                     + (f" ({already} y étai{'en' if already > 1 else ''}t déjà)." if already else "."))
        return added


def _bold(font: QFont, scale: float = 1.0) -> QFont:
    out = QFont(font)
    out.setBold(True)
    if scale != 1.0 and out.pointSizeF() > 0:
        out.setPointSizeF(out.pointSizeF() * scale)
    return out


# --------------------------------------------------------------------------- record section

class CallsOfActorWidget(QWidget):
    """Read-only "Appels à projets" section of an actor's record: the calls it is
    shortlisted in, with its status there. Same interface as the editor's panels:
    ``set_catalogue``, ``load(actor_id, actor_name)``, ``reload``, ``count``,
    ``set_editable``; ``callActivated(call_id)`` on double-click."""

    callActivated = Signal(int)  # noqa: N815
    changed = Signal()

    def __init__(self, catalogue=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = None
        self._relay = CatalogueRelay(self)
        self._relay.written.connect(self._committed)
        self.actor_id: int | None = None
        self.rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Appel", "Statut", "Depuis le", "Note"])
        self.table.setAccessibleName("Appels à projets de l'acteur")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.table.doubleClicked.connect(self._activated)
        self.empty = QLabel("Dans aucun appel à projets.")
        self.empty.setStyleSheet("color: #8a8a8a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        self.set_catalogue(catalogue)

    def set_catalogue(self, catalogue) -> None:
        """Show nothing until :meth:`load`; follow the catalogue's commits (status changes
        made in the calls tab, undo) while this widget lives."""
        self.catalogue = catalogue
        self.actor_id = None
        self._relay.attach(catalogue)
        self.reload()

    def _committed(self, _label: str, _undoable: bool) -> None:
        if self.actor_id is not None:
            self.reload()

    def load(self, actor_id: int | None, actor_name: str = "") -> None:
        self.actor_id = actor_id
        self.reload()

    def set_editable(self, editable: bool) -> None:
        pass  # read-only: statuses are changed in the "Appels à projets" tab

    def count(self) -> int:
        return len(self.rows)

    def reload(self) -> None:
        self.rows = (self.catalogue.calls_of_actor(self.actor_id)
                     if self.catalogue is not None and self.actor_id is not None else [])
        self.table.setRowCount(len(self.rows))
        for row, entry in enumerate(self.rows):
            status = entry["status"]
            items = [QTableWidgetItem(entry["call"] + (" (archivé)" if entry["state"] == "archived" else "")),
                     QTableWidgetItem(STATUSES.get(status, status)),
                     QTableWidgetItem(_local_date(entry["changed_at"])), QTableWidgetItem(entry["note"])]
            background, colour = STATUS_COLORS.get(status, ("#ffffff", "#000000"))
            items[1].setBackground(QColor(background))
            items[1].setForeground(QColor(colour))
            items[3].setToolTip(escape_tooltip(entry["note"]))
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.rows))
        self.empty.setVisible(not self.rows)
        height = self.table.horizontalHeader().height() + 4 + sum(
            self.table.rowHeight(r) for r in range(min(len(self.rows), 6)))
        self.table.setFixedHeight(height)

    def _activated(self, index) -> None:
        if 0 <= index.row() < len(self.rows):
            self.callActivated.emit(self.rows[index.row()]["call_id"])


# --------------------------------------------------------------------------- install

def install(window) -> CallsPanel:
    """Add the "Appels à projets" tab and the "Ajouter à l'appel…" selection action."""
    panel = CallsPanel(window)
    panel.tab_index = window.add_tab(panel, "Appels à projets", side_panels=False)
    action = QAction("Ajouter à l'appel…", window)
    action.setToolTip("Ajouter les acteurs sélectionnés à la présélection d'un appel à projets")
    action.triggered.connect(panel.add_selection_to_call)
    window.add_selection_action(action)
    panel.add_action = action

    def catalogue_changed() -> None:
        panel.set_catalogue(window.catalogue)
        action.setEnabled(window.catalogue is not None and not window.catalogue.read_only)

    window.catalogueChanged.connect(catalogue_changed)
    catalogue_changed()
    return panel
