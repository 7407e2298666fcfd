"""Third step: what each row would become, with the selected row's reasons in full below."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QPlainTextEdit,
                               QSplitter, QTableView, QVBoxLayout, QWizardPage)

from ... import fields
from ...french import count
from ...importer import ON_DUPLICATE, ON_DUPLICATE_LABELS, STATUS_LABELS, STATUSES, ImportPlan, PlannedRow
from ..text_safety import display_text, escape_tooltip
from .common import error_label, note_label
if TYPE_CHECKING:
    from . import ImportWizard

STATUS_COLOURS = {"new": "#1b7f3b", "duplicate": "#1f4e79", "warning": "#b35900", "error": "#b00020"}
StatusRole = Qt.ItemDataRole.UserRole + 1


def outcome(row: PlannedRow) -> str:
    """What happens to the row, said first: only what is imported may be « importée »."""
    if row.status == "error":
        return "Non importée"
    if row.imported:
        return "Importée avec des remarques" if row.warnings else "Importée"
    return "Non importée (doublon)" if row.status == "duplicate" else "Non importée"


def kind_note(row: PlannedRow, by_default: bool) -> str:
    """Where the kind of an imported row comes from when the file did not give it."""
    if not row.imported or row.status == "error":
        return ""
    if row.proposed:
        return row.proposed
    return "Type par défaut de l'étape Colonnes." if by_default else ""


def details(row: PlannedRow, by_default: bool = False) -> str:
    """The Détails cell: the outcome, then the errors (the reasons of a row left out), the
    warnings, where its kind comes from and what would change."""
    reasons = list(row.reasons)
    note = kind_note(row, by_default)
    if note:
        reasons.insert(len(row.errors) + len(row.warnings), note)
    return outcome(row) + (" : " + " · ".join(reasons) if reasons else "")


def detail_text(row: PlannedRow, by_default: bool = False) -> str:
    """The pane under the table: the whole story of one row, one reason a line."""
    name = row.name + (f" → {row.organisation}" if row.organisation else "")
    done = outcome(row).lower() + (f" ({row.action_text})" if row.imported else "")
    lines = [f"Ligne {row.row_number} · {name or '(sans nom)'}", f"{row.status_text} : {done}."]
    if row.errors:
        lines.append("Pourquoi elle n'est pas importée :")
        lines += [f"  • {m}" for m in row.errors]
    if row.warnings:
        lines.append("Remarques (la ligne est importée quand même) :" if row.imported
                     else "Autres remarques :")
        lines += [f"  • {m}" for m in row.warnings]
    note = kind_note(row, by_default)
    if note:
        lines.append(note)
    changes = row.reasons[len(row.errors) + len(row.warnings):]
    if changes:
        lines.append("Ce qui changerait :")
        lines += [f"  • {m}" for m in changes]
    return "\n".join(lines)


class PreviewModel(QAbstractTableModel):
    HEADERS = ("Ligne", fields.label("name"), "Statut", "Action", "Détails")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[PlannedRow] = []
        self.defaulted: set[int] = set()     # rows whose kind is the default kind

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self.rows = list(plan.rows) if plan is not None else []
        self.defaulted = set() if plan is None else {
            i for i, candidate in enumerate(plan.candidates) if "kind" in candidate.defaults}
        self.endResetModel()

    def by_default(self, row: int) -> bool:
        return row in self.defaulted

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
                return escape_tooltip(detail_text(row, self.by_default(index.row())))
            return escape_tooltip(self.data(index, Qt.ItemDataRole.DisplayRole)) or None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.row_number
            if column == 1:
                return display_text(row.name + (f" → {row.organisation}" if row.organisation else ""))
            if column == 2:
                return display_text(row.status_text)
            if column == 3:
                return row.action_text
            return display_text(details(row, self.by_default(index.row())), limit=400)
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


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Aperçu")
        self.setSubTitle("Ce que deviendra chaque ligne. Rien n'est encore écrit. Cliquez sur une "
                         "ligne pour lire tous ses détails en dessous.")
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
        self.link_check = QCheckBox("Relier chaque établissement d'une entreprise à son siège "
                                    "(relation « site de »)")
        self.link_check.setToolTip(
            "Quand le fichier dit quel établissement est le siège (colonne « etablissementSiege » "
            "de SIRENE, SIRET ou NIC du siège), les autres établissements de la même entreprise "
            "lui sont reliés, dans le même import (un seul Ctrl+Z).")
        self.link_check.setChecked(True)
        self.link_check.setVisible(False)
        self.link_check.clicked.connect(self._link_clicked)
        self.counts_label = note_label()
        self.nothing_label = note_label()
        self.nothing_label.setStyleSheet("color: #b35900;")
        self.error_label = error_label()
        self.model = PreviewModel(self)
        self.proxy = StatusFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _p: self.show_detail(current))
        # The reasons of a row are sentences: a pane where they wrap, whatever the width.
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Choisissez une ligne pour lire ses détails.")
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Doublons :", self.policy_combo)
        form.addRow("Afficher :", self.status_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.link_check)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.nothing_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)

    def initializePage(self) -> None:  # noqa: N802
        plan = self.wiz.plan
        if plan is None or plan.on_duplicate != self.policy() or plan.link_sites != self.wiz.link_sites:
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

    def _link_clicked(self, checked: bool) -> None:
        self.wiz.link_sites = checked
        self.replan()

    def show_detail(self, index: QModelIndex) -> None:
        if not index.isValid():
            self.detail.clear()
            return
        source = self.proxy.mapToSource(index).row()
        row = self.model.rows[source]
        self.detail.setPlainText(display_text(detail_text(row, self.model.by_default(source))))

    all_failed = False

    def show_plan(self) -> None:
        plan = self.wiz.plan
        self.model.set_plan(plan)
        self.detail.clear()
        self.nothing_label.clear()
        self.all_failed = False
        if plan is None:
            self.counts_label.clear()
            self.completeChanged.emit()
            return
        # Shown when the file names head offices (or once the person unticked it).
        self.link_check.setVisible(plan.kind == "actors" and (bool(plan.site_links) or not plan.link_sites))
        counts = {s: 0 for s in STATUSES}
        for row in plan.rows:
            counts[row.status] += 1
        self.counts_label.setText(
            f"{count(len(plan.rows), 'ligne')} : "
            + ", ".join(f"{STATUS_LABELS[s].lower()} {counts[s]}" for s in STATUSES)
            + ". Les lignes en avertissement sont importées ; celles en erreur ne le sont pas.")
        view = self.view
        view.resizeColumnsToContents()
        for column, most in ((1, 240), (2, 300), (3, 170)):
            view.setColumnWidth(column, min(view.columnWidth(column), most))
        summary = plan.summary()
        self.all_failed = summary.all_failed
        if summary.all_failed:  # nothing to confirm: said here, « Suivant » disabled
            self.error_label.setText(summary.failure())
        elif not self.wiz.would_change():
            self.nothing_label.setText(
                "Rien ne changerait dans le catalogue : aucun acteur ni contact à créer ou à "
                "mettre à jour (doublons ignorés ou déjà à jour). « Importer » restera grisé.")
        if self.proxy.rowCount():
            view.selectRow(0)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.plan is not None and not self.all_failed
