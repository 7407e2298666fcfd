"""Import wizard (Fichier → Importer…, or a file dropped on the window).

File (and sheet) → column mapping (corrected by the user, saved/loaded as JSON) →
preview of every row with its status, filterable, and the duplicate policy → confirm →
the import runs in a worker thread behind a QProgressDialog whose "Annuler" rolls
everything back → summary with "Enregistrer le rapport". The core does the work
(:mod:`eco_desktop.importer`); the import is one transaction and one undo step: the
window's undo stack gets it through the catalogue's listeners, relayed to the UI thread
while the worker commits.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QFileDialog, QFormLayout,
                               QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QTableView,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWizard, QWizardPage)

from .. import APP_TITLE
from ..errors import UserError
from ..importer import (ON_DUPLICATE, Mapping, apply_import, detect_kind, plan_import, read_table,
                        write_report)
from ..importer.apply import ON_DUPLICATE_LABELS, STATUS_LABELS, STATUSES, ImportPlan, ImportSummary
from ..importer.mapping import FIELD_LABELS, FIELDS
from ..logs import log_path
from ..store import OperationCancelled
from .app import settings
from .text_safety import escape_html, escape_tooltip, inform, set_plain
from .theme import icon
from .workers import Abandoned, Job, ProgressDialog, run_with_progress

log = logging.getLogger(__name__)

KEY_LAST_DIR = "import/last_dir"
FILE_FILTER = "Tableaux (*.xlsx *.xlsm *.csv *.tsv *.txt);;Tous les fichiers (*)"
STATUS_COLOURS = {"new": "#1b7f3b", "duplicate": "#1f4e79", "warning": "#b35900", "error": "#b00020"}
StatusRole = Qt.ItemDataRole.UserRole + 1
PAGE_FILE, PAGE_MAPPING, PAGE_PREVIEW, PAGE_CONFIRM, PAGE_SUMMARY = range(5)


def _plural(n: int, word: str) -> str:
    return f"{n:,}".replace(",", "\u202f") + f" {word}{'s' if n > 1 else ''}"


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    log.error("unexpected error while importing", exc_info=exc)
    return ("L'import a échoué à cause d'une erreur inattendue ; rien n'a été modifié. "
            f"Le détail technique est dans le journal : {log_path()}")


# --------------------------------------------------------------------------- preview model

class PreviewModel(QAbstractTableModel):
    HEADERS = ("Ligne", "Nom", "Statut", "Action", "Détails")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self.rows = list(plan.rows) if plan is not None else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == StatusRole:
            return row.status
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return None
            if column == 4:
                return escape_tooltip("\n".join(row.reasons)) or None
            return escape_tooltip(self.data(index, Qt.ItemDataRole.DisplayRole)) or None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.row_number
            if column == 1:
                return row.name + (f" → {row.organisation}" if row.organisation else "")
            if column == 2:
                return row.status_text
            if column == 3:
                return row.action_text
            return " · ".join(row.reasons)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(QColor(STATUS_COLOURS[row.status]))
        return None


class StatusFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.status: str | None = None

    def set_status(self, status: str | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9 (invalidateFilter is deprecated)
            self.beginFilterChange()
            self.status = status
            self.endFilterChange()
        else:
            self.status = status
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        if self.status is None:
            return True
        index = self.sourceModel().index(row, 0, parent)
        return self.sourceModel().data(index, StatusRole) == self.status


# --------------------------------------------------------------------------- pages

def _error_label() -> QLabel:
    """Errors quote the file's name, cells and headers: plain text."""
    label = set_plain(QLabel(), bounded=True)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Fichier à importer")
        self.setSubTitle("Un classeur Excel (.xlsx) ou un fichier CSV/TSV : une ligne par acteur, ou "
                         "une ligne par contact avec sa structure.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choisissez un fichier…")
        self.path_edit.editingFinished.connect(self.load)
        self.button_browse = QPushButton("Parcourir…")
        self.button_browse.clicked.connect(self.browse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(lambda _i: self.load())
        self.sheet_label = QLabel("Feuille :")
        self.info_label = set_plain(QLabel(), bounded=True)
        self.info_label.setWordWrap(True)
        self.error_label = _error_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.button_browse)
        sheet = QHBoxLayout()
        sheet.addWidget(self.sheet_label)
        sheet.addWidget(self.sheet_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(sheet)
        layout.addWidget(self.info_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self._show_sheets([])

    _loaded: tuple[str, str | None] | None = None

    def browse(self) -> None:
        folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Importer un fichier", folder, FILE_FILTER)
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))
        self.sheet_combo.clear()
        self.load()

    def _show_sheets(self, names: list[str]) -> None:
        visible = len(names) > 0
        self.sheet_label.setVisible(visible)
        self.sheet_combo.setVisible(visible)

    def load(self) -> None:
        text = self.path_edit.text().strip()
        sheet = self.sheet_combo.currentText() or None
        if self.wiz.table is not None and (text, sheet) == self._loaded:
            return  # editingFinished also fires when the field merely loses focus
        self._loaded = (text, sheet)
        self.wiz.table = None
        self.info_label.clear()
        self.error_label.clear()
        if not text:
            self._show_sheets([])
            self.completeChanged.emit()
            return
        try:
            table = read_table(text, sheet)
        except UserError as exc:
            self.error_label.setText(str(exc))
            if sheet is None:
                self._show_sheets([])
            self.completeChanged.emit()
            return
        self.wiz.table = table
        self.wiz.path = Path(text)
        self._loaded = (text, table.sheet)
        settings().setValue(KEY_LAST_DIR, str(Path(text).parent))
        if table.sheet_names and self.sheet_combo.count() != len(table.sheet_names):
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(table.sheet_names)
            self.sheet_combo.setCurrentText(table.sheet or "")
            self.sheet_combo.blockSignals(False)
        self._show_sheets(table.sheet_names)
        detail = [f"{_plural(len(table), 'ligne')} de données, {_plural(len(table.headers), 'colonne')}",
                  f"en-tête en ligne {table.header_row}"]
        if table.format == "csv":
            names = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
            detail.append(f"encodage {table.encoding}, séparateur {names.get(table.delimiter, table.delimiter)}")
        self.info_label.setText("Fichier lu : " + " ; ".join(detail) + ".")
        self.wiz.mapping = None  # a new table: a new mapping
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.table is not None


class MappingPage(QWizardPage):
    IGNORE = "(ne pas importer)"

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Correspondance des colonnes")
        self.setSubTitle("Chaque colonne du fichier alimente un champ du catalogue. Corrigez ce qui a "
                         "été reconnu automatiquement si besoin.")
        self.radio_actors = QRadioButton("des acteurs (une ligne par structure)")
        self.radio_contacts = QRadioButton("des contacts (une ligne par personne)")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.radio_actors)
        self.kind_group.addButton(self.radio_contacts)
        self.radio_actors.toggled.connect(self._kind_toggled)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Colonne du fichier", "Exemple", "Champ du catalogue"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.button_save = QPushButton("Enregistrer la correspondance…")
        self.button_save.clicked.connect(lambda: self.save_mapping())
        self.button_load = QPushButton("Charger…")
        self.button_load.clicked.connect(lambda: self.load_mapping())
        self.error_label = _error_label()
        kinds = QHBoxLayout()
        kinds.addWidget(QLabel("Le fichier contient :"))
        kinds.addWidget(self.radio_actors)
        kinds.addWidget(self.radio_contacts)
        kinds.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_save)
        buttons.addWidget(self.button_load)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:  # noqa: N802
        table = self.wiz.table
        if self.wiz.mapping is None:
            self.wiz.mapping = Mapping.auto(table.headers, detect_kind(table.headers))
        self._fill()

    def _fill(self) -> None:
        mapping, table = self.wiz.mapping, self.wiz.table
        self.radio_actors.blockSignals(True)
        (self.radio_actors if mapping.kind == "actors" else self.radio_contacts).setChecked(True)
        self.radio_actors.blockSignals(False)
        self.error_label.clear()
        self.table.setRowCount(len(table.headers))
        self.combos = []
        fields = list(FIELDS[mapping.kind])
        for i, header in enumerate(table.headers):
            self.table.setItem(i, 0, QTableWidgetItem(header))
            samples = []
            for row in table.rows:
                if i < len(row) and row[i] and row[i] not in samples:
                    samples.append(row[i].replace("\n", " "))
                if len(samples) == 3:
                    break
            sample = QTableWidgetItem(" · ".join(samples))
            sample.setToolTip(escape_tooltip("\n".join(samples)))
            self.table.setItem(i, 1, sample)
            combo = QComboBox()
            combo.addItem(self.IGNORE, None)
            for name in fields:
                combo.addItem(FIELD_LABELS.get(name, name), name)
            chosen = mapping.columns.get(i)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
            combo.currentIndexChanged.connect(lambda _x, column=i, box=combo: self._changed(column, box))
            self.table.setCellWidget(i, 2, combo)
            self.combos.append(combo)
        self.table.resizeRowsToContents()

    def _changed(self, column: int, combo: QComboBox) -> None:
        self.wiz.mapping.set(column, combo.currentData())
        self.wiz.plan = None
        self.error_label.clear()

    def _kind_toggled(self, actors: bool) -> None:
        kind = "actors" if actors else "contacts"
        if self.wiz.mapping is not None and self.wiz.mapping.kind != kind:
            self.wiz.mapping = Mapping.auto(self.wiz.table.headers, kind)
            self.wiz.plan = None
            self._fill()

    def save_mapping(self, path: str | None = None) -> Path | None:
        if path is None:
            folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
            suggested = str(Path(folder) / f"correspondance-{self.wiz.path.stem}.json")
            path, _ = QFileDialog.getSaveFileName(self, "Enregistrer la correspondance", suggested,
                                                  "Correspondance (*.json)")
            if not path:
                return None
        try:
            self.wiz.mapping.save(path)
        except OSError as exc:
            self.error_label.setText(f"Impossible d'écrire « {path} » : {exc.strerror or exc}.")
            return None
        return Path(path)

    def load_mapping(self, path: str | None = None) -> bool:
        if path is None:
            folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, "Charger une correspondance", folder,
                                                  "Correspondance (*.json)")
            if not path:
                return False
        try:
            self.wiz.mapping = Mapping.load(path, self.wiz.table.headers, self.wiz.mapping.kind)
        except UserError as exc:
            self.error_label.setText(str(exc))
            return False
        self.wiz.plan = None
        self._fill()
        return True

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self.wiz.mapping.require_name()
        except UserError as exc:
            self.error_label.setText(str(exc))
            return False
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Aperçu")
        self.setSubTitle("Ce que deviendra chaque ligne. Rien n'est encore écrit.")
        self.policy_combo = QComboBox()
        for key in ON_DUPLICATE:
            self.policy_combo.addItem(ON_DUPLICATE_LABELS[key], key)
        self.policy_combo.activated.connect(lambda _i: self.replan())
        self.status_combo = QComboBox()
        self.status_combo.addItem("Toutes les lignes", None)
        for status in STATUSES:
            self.status_combo.addItem(STATUS_LABELS[status], status)
        self.status_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status(self.status_combo.currentData()))
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.error_label = _error_label()
        self.model = PreviewModel(self)
        self.proxy = StatusFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        form = QFormLayout()
        form.addRow("Doublons :", self.policy_combo)
        form.addRow("Afficher :", self.status_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error_label)

    def initializePage(self) -> None:  # noqa: N802
        if self.wiz.plan is None or self.wiz.plan.on_duplicate != self.policy():
            self.replan()
        else:
            self.show_plan()

    def policy(self) -> str:
        return self.policy_combo.currentData()

    def replan(self) -> None:
        self.wiz.plan = None
        self.error_label.clear()
        self.wiz.run_plan(self.policy())
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.wiz.plan
        self.model.set_plan(plan)
        self.all_failed = False
        if plan is None:
            self.counts_label.clear()
        else:
            counts = {s: 0 for s in STATUSES}
            for row in plan.rows:
                counts[row.status] += 1
            self.counts_label.setText(
                f"{_plural(len(plan.rows), 'ligne')} : "
                + ", ".join(f"{STATUS_LABELS[s].lower()} {counts[s]}" for s in STATUSES) + ".")
            view = self.view
            view.resizeColumnsToContents()
            for column, most in ((1, 240), (2, 380), (3, 170)):
                view.setColumnWidth(column, min(view.columnWidth(column), most))
            summary = plan.summary()
            self.all_failed = summary.all_failed
            if summary.all_failed:  # nothing to confirm: said here, « Suivant » disabled
                self.error_label.setText(summary.failure())
        self.completeChanged.emit()

    all_failed = False

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.plan is not None and not self.all_failed


class ConfirmPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Confirmer l'import")
        self.setSubTitle("Vérifiez ce qui va être écrit dans le catalogue.")
        self.setCommitPage(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.error_label = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.error_label.clear()
        summary = self.wiz.plan.summary()
        what = "acteur" if self.wiz.plan.kind == "actors" else "contact"
        items = [f"{_plural(summary.created, what)} à créer",
                 f"{summary.updated} à mettre à jour",
                 f"{summary.unchanged} inchangé{'s' if summary.unchanged > 1 else ''}",
                 f"{_plural(summary.skipped, 'ligne')} ignorée{'s' if summary.skipped > 1 else ''} (doublons)",
                 f"{_plural(summary.errors, 'ligne')} en erreur, non importée{'s' if summary.errors > 1 else ''}"]
        self.text.setText(
            f"<p>Import de « {escape_html(self.wiz.path.name)} » dans « {escape_html(self.wiz.catalogue.path.name)} »"
            " :</p><ul>"
            + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
            "<p>L'import est une seule opération : <b>Édition → Annuler</b> (Ctrl+Z) le défait en "
            "entier. Pendant l'import, « Annuler » l'arrête sans rien modifier.</p>")

    def validatePage(self) -> bool:  # noqa: N802
        return self.wiz.run_apply()


class SummaryPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Import terminé")
        self.setSubTitle("Le catalogue est à jour ; la liste des acteurs a été rafraîchie.")
        self.numbers: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, (key, label) in enumerate((("created", "Créés"), ("updated", "Mis à jour"),
                                          ("unchanged", "Inchangés"), ("skipped", "Ignorés"),
                                          ("warnings", "Avertissements"), ("errors", "Erreurs"))):
            number = QLabel("0")
            number.setStyleSheet("font-size: 16pt; font-weight: bold;")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, i)
            grid.addWidget(caption, 1, i)
            self.numbers[key] = number
        self.details = set_plain(QLabel(), bounded=True)  # problems quote the file's cells
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.button_report = QPushButton("Enregistrer le rapport…")
        self.button_report.clicked.connect(lambda: self.save_report())
        self.report_label = set_plain(QLabel(), bounded=True)
        self.report_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.button_report)
        row.addWidget(self.report_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)

    def initializePage(self) -> None:  # noqa: N802
        summary = self.wiz.summary
        for key, value in summary.counts().items():
            self.numbers[key].setText(f"{value:,}".replace(",", "\u202f"))
        self.details.setText("\n".join(summary.lines(max_problems=8)[3:]))
        self.report_label.clear()

    def save_report(self, path: str | None = None) -> Path | None:
        if path is None:
            folder = settings().value(KEY_LAST_DIR, "", type=str) or str(Path.home())
            suggested = str(Path(folder) / f"rapport-import-{self.wiz.path.stem}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, "Enregistrer le rapport", suggested,
                                                  "Classeur Excel (*.xlsx)")
            if not path:
                return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            written = write_report(path, self.wiz.summary)
        except UserError as exc:
            self.report_label.setText(str(exc))
            return None
        self.report_label.setText(f"Rapport enregistré : {written}")
        return written


# --------------------------------------------------------------------------- wizard

class ImportWizard(QWizard):
    """The steps of an import; ``imported(ImportSummary)`` once the catalogue changed."""

    imported = Signal(object)
    jobStarted = Signal()  # noqa: N815 - emitted just before a worker starts (tests cancel there)

    def __init__(self, window, path: str | Path | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.catalogue = window.catalogue
        self.table = None
        self.path: Path | None = None
        self.mapping: Mapping | None = None
        self.plan: ImportPlan | None = None
        self.summary: ImportSummary | None = None
        self.job: Job | None = None
        self.progress: ProgressDialog | None = None
        self.last_error: str | None = None
        self.setWindowTitle("Importer des acteurs ou des contacts")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.NextButton, "Suivant >"),
                             (QWizard.WizardButton.BackButton, "< Précédent"),
                             (QWizard.WizardButton.CommitButton, "Importer"),
                             (QWizard.WizardButton.CancelButton, "Annuler"),
                             (QWizard.WizardButton.FinishButton, "Terminer"),
                             (QWizard.WizardButton.HelpButton, "Aide")):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.confirm_page = ConfirmPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in ((PAGE_FILE, self.file_page), (PAGE_MAPPING, self.mapping_page),
                              (PAGE_PREVIEW, self.preview_page), (PAGE_CONFIRM, self.confirm_page),
                              (PAGE_SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.resize(960, 640)
        if path is not None:
            self.file_page.set_path(path)

    # -- background work ------------------------------------------------------------
    def _run(self, label: str, fn, *, relay: bool = False) -> tuple[Any, BaseException | None, bool]:
        """Run ``fn(progress, cancelled)`` in a worker behind a progress dialog whose
        "Annuler" cancels it, waiting in a local event loop. Returns (result, error, cancelled).

        ``relay``: the worker commits, so the window's listeners (undo stack…) are called
        here meanwhile, and "Annuler" waits for the rollback; planning cannot be
        interrupted, so "Annuler" stops waiting for it."""
        result, error, cancelled = None, None, False
        try:
            result = run_with_progress(self, APP_TITLE, label, fn, cancellable=True, wait_after_cancel=relay,
                                       catalogue=self.catalogue if relay else None, started=self._job_started)
        except (Abandoned, OperationCancelled):
            cancelled = True
        except Exception as exc:
            error = exc
        finally:
            self.job, self.progress = None, None
        return result, error, cancelled

    def _job_started(self, job: Job, dialog: ProgressDialog) -> None:
        self.job, self.progress = job, dialog
        self.jobStarted.emit()

    def run_plan(self, policy: str) -> None:
        path, table, mapping, catalogue = self.path, self.table, self.mapping, self.catalogue

        def work(_progress, _cancelled):
            return plan_import(catalogue, path, table=table, mapping=mapping, on_duplicate=policy)

        result, error, cancelled = self._run(f"Analyse de « {path.name} »…", work)
        self.plan = None
        if error is not None:
            self.preview_page.error_label.setText(_error_text(error))
        elif cancelled:
            self.preview_page.error_label.setText("Analyse interrompue.")
        else:
            self.plan = result

    def run_apply(self) -> bool:
        plan, catalogue = self.plan, self.catalogue
        self.last_error = None

        def work(progress, cancelled):
            return apply_import(catalogue, plan, progress=progress, cancelled=cancelled)

        result, error, cancelled = self._run(f"Import de « {plan.path.name} »…", work, relay=True)
        if cancelled:
            self.confirm_page.error_label.setText("Import annulé : rien n'a été modifié.")
            self.last_error = "cancelled"
            return False
        if error is not None:
            self.last_error = _error_text(error)
            self.confirm_page.error_label.setText(self.last_error)
            return False
        self.summary = result
        self.window_.refresh()
        editor = getattr(self.window_, "editor", None)
        if editor is not None:
            editor.refresh()
        self.window_.statusBar().showMessage(
            f"Import de « {plan.path.name} » : {result.created} créé(s), {result.updated} mis à jour.", 8000)
        self.imported.emit(result)
        return True


# --------------------------------------------------------------------------- install

class ImportFeature:
    """What ``install`` returns: the action and the last wizard opened (for tests)."""

    def __init__(self, window) -> None:
        self.window = window
        self.wizard: ImportWizard | None = None
        self.action = QAction(icon("import"), "Importer…", window)
        self.action.setToolTip("Importer des acteurs ou des contacts depuis Excel ou CSV")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(lambda _checked=False: self.open_wizard())

    def open_wizard(self, path: str | Path | None = None) -> ImportWizard | None:
        """Open the wizard (window-modal, not blocking), on ``path`` when given."""
        catalogue = self.window.catalogue
        if catalogue is None:
            return None
        if catalogue.read_only:
            inform(self.window, "Importer", "Le catalogue est ouvert en lecture seule : import impossible.")
            return None
        self.wizard = ImportWizard(self.window, path)
        self.wizard.finished.connect(self.wizard.deleteLater)
        self.wizard.open()
        return self.wizard

    def update(self) -> None:
        catalogue = self.window.catalogue
        self.action.setEnabled(catalogue is not None and not catalogue.read_only)


def install(window) -> ImportFeature:
    """Fichier → Importer…, on the toolbar, and files dropped on the window."""
    feature = ImportFeature(window)
    window.menu_file.insertAction(window.file_tools_anchor, feature.action)
    window.add_toolbar_action(feature.action)
    window.import_file = lambda path: feature.open_wizard(path)
    window.catalogueChanged.connect(feature.update)
    feature.update()
    return feature
