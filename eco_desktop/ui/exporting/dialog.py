"""Export dialog (Fichier → Exporter…, Ctrl+E): the listed or selected actors to xlsx/CSV.

The dialog gathers the choices (which actors, columns, contacts, format, file) and hands
them to :func:`eco_desktop.export.export_from_catalogue`, run in a worker thread behind a
QProgressDialog whose "Annuler" stops it (the core then leaves no file). Columns, format,
"include contacts" and the last folder are remembered in QSettings; "tous les contacts"
is never remembered: usable contacts only is the safe default each time.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QDialog, QFileDialog,
                               QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QRadioButton,
                               QVBoxLayout, QWidget)

from ... import export, french, paths
from ...filter import Filter
from ..dialogs.common import confirm, show_file_written
from ..settings import settings
from ..text_safety import bound_width, escape_html, plain_label
from ..theme import icon
from .. import operations

log = logging.getLogger(__name__)

KEY_COLUMNS = "export/columns"
KEY_FORMAT = "export/format"
KEY_CONTACTS = "export/contacts"
KEY_LAST_DIR = "export/last_dir"
KeyRole = Qt.ItemDataRole.UserRole + 1


def _normalised(flt: Filter) -> dict[str, Any]:
    """A filter as a dict where the order of selected values does not matter."""
    return {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in flt.to_dict().items()}


def view_name_for(catalogue, flt: Filter) -> str | None:
    """The name of the saved view whose filter is ``flt``, if any."""
    if catalogue is None:
        return None
    wanted = _normalised(flt)
    for view in catalogue.saved_views():
        if _normalised(view["filter"]) == wanted:
            return view["name"]
    return None


def remembered_columns() -> list[str]:
    raw = settings().value(KEY_COLUMNS, "", type=str) or ""
    keys = [k for k in dict.fromkeys(raw.split(",")) if k in export.ACTOR_COLUMNS]
    return keys or list(export.DEFAULT_COLUMNS)


def export_folder() -> Path:
    """exports/ in a checkout, else the last folder used, else the user's Documents."""
    if paths.checkout_dir() is not None:
        return paths.default_export_dir()
    last = settings().value(KEY_LAST_DIR, "", type=str)
    if last and Path(last).is_dir():
        return Path(last)
    return paths.default_export_dir()


# --------------------------------------------------------------------------- dialog

class ExportDialog(QDialog):
    """Choose what to export and where; exporting runs in the background.

    ``exported(ExportResult)`` is emitted on success (the dialog then closes and a
    message offers to open the file or its folder); a cancelled or failed export keeps
    the dialog open.
    """

    exported = Signal(object)

    def __init__(self, window, parent: QWidget | None = None, *, selection: bool = False) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.catalogue = window.catalogue
        self.filter: Filter = window.filter
        self.listed_ids: list[int] = window.listed_ids()
        self.selected: list[int] = window.selected_ids()
        self.view_name = view_name_for(self.catalogue, self.filter)
        self.operation: operations.Operation | None = None
        self.result: export.ExportResult | None = None
        self.error: Exception | None = None
        self.was_cancelled = False
        self.message_box: QMessageBox | None = None
        self._proposed = ""

        self.setWindowTitle("Exporter les acteurs")
        self.setWindowIcon(icon("export"))
        self.setModal(True)
        self._build()
        self._restore()
        self.radio_selection.setChecked(selection and bool(self.selected))
        self.radio_listed.setChecked(not self.radio_selection.isChecked())
        self._propose_path()
        self._update()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        # what
        what = QGroupBox("Acteurs à exporter")
        wl = QVBoxLayout(what)
        self.radio_listed = QRadioButton(f"La liste affichée : {french.count(len(self.listed_ids), 'acteur')}")
        criteria = self.catalogue.describe(self.filter) if self.catalogue is not None else []
        shown = "Vue « %s » — " % self.view_name if self.view_name else ""
        self.criteria_label = QLabel(escape_html(shown) + "<br>".join(escape_html(c) for c in criteria))
        self.criteria_label.setWordWrap(True)
        self.criteria_label.setTextFormat(Qt.TextFormat.RichText)  # the criteria are escaped
        bound_width(self.criteria_label)
        self.criteria_label.setStyleSheet("color: palette(placeholder-text); margin-left: 22px;")
        n_sel = len(self.selected)
        self.radio_selection = QRadioButton(
            f"Les acteurs sélectionnés : {french.count(n_sel, 'acteur')}" if n_sel else
            "Les acteurs sélectionnés (aucune ligne sélectionnée)")
        self.radio_selection.setEnabled(n_sel > 0)
        self.what_group = QButtonGroup(self)
        self.what_group.addButton(self.radio_listed)
        self.what_group.addButton(self.radio_selection)
        wl.addWidget(self.radio_listed)
        wl.addWidget(self.criteria_label)
        wl.addWidget(self.radio_selection)
        order = QLabel("Dans l'ordre de la liste.")
        order.setStyleSheet("color: palette(placeholder-text);")
        wl.addWidget(order)

        # contacts
        contacts = QGroupBox("Contacts")
        cl = QVBoxLayout(contacts)
        self.check_contacts = QCheckBox("Inclure les contacts de ces acteurs")
        self.radio_usable = QRadioButton("Contacts utilisables seulement (base légale, sans opposition)")
        self.radio_all = QRadioButton("Tous les contacts, avec leur base légale et leur opposition")
        self.radio_all.setToolTip("Pour vérifier ou compléter les fiches : ne pas utiliser cette liste "
                                  "pour un envoi sans écarter les contacts non utilisables.")
        self.radio_usable.setChecked(True)
        self.contacts_group = QButtonGroup(self)
        self.contacts_group.addButton(self.radio_usable)
        self.contacts_group.addButton(self.radio_all)
        cl.addWidget(self.check_contacts)
        for radio in (self.radio_usable, self.radio_all):
            radio.setStyleSheet("margin-left: 22px;")
            cl.addWidget(radio)

        # format
        fmt = QGroupBox("Format")
        fl = QVBoxLayout(fmt)
        self.radio_xlsx = QRadioButton("Classeur Excel (.xlsx), avec une feuille « Critères »")
        self.radio_csv = QRadioButton("CSV pour Excel (.csv, séparateur « ; », UTF-8)")
        self.format_group = QButtonGroup(self)
        self.format_group.addButton(self.radio_xlsx)
        self.format_group.addButton(self.radio_csv)
        self.radio_xlsx.setChecked(True)
        self.csv_note = plain_label(bounded=True)
        self.csv_note.setWordWrap(True)
        self.csv_note.setStyleSheet("color: palette(placeholder-text); margin-left: 22px;")
        fl.addWidget(self.radio_xlsx)
        fl.addWidget(self.radio_csv)
        fl.addWidget(self.csv_note)

        # columns
        cols = QGroupBox("Colonnes")
        col_layout = QVBoxLayout(cols)
        self.columns_list = QListWidget()
        self.columns_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.columns_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.columns_list.setToolTip("Cochez les colonnes à exporter ; glissez-les pour changer leur ordre.")
        self.columns_list.setMinimumWidth(230)
        self.columns_count = QLabel()
        hint = QLabel("Glissez une colonne pour changer l'ordre.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        buttons = QHBoxLayout()
        self.button_all = QPushButton("Tout cocher")
        self.button_default = QPushButton("Par défaut")
        buttons.addWidget(self.button_all)
        buttons.addWidget(self.button_default)
        buttons.addStretch(1)
        col_layout.addWidget(self.columns_count)
        col_layout.addWidget(self.columns_list, 1)
        col_layout.addWidget(hint)
        col_layout.addLayout(buttons)

        # file
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setClearButtonEnabled(True)
        self.button_browse = QPushButton("Parcourir…")
        file_row.addWidget(QLabel("Fichier :"))
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.button_browse)

        self.status_label = plain_label(bounded=True)  # problems quote the path typed
        self.status_label.setWordWrap(True)
        self.button_export = QPushButton(icon("export"), "Exporter")
        self.button_export.setDefault(True)
        self.button_cancel = QPushButton("Annuler")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.button_export)
        bottom.addWidget(self.button_cancel)

        left = QVBoxLayout()
        left.addWidget(what)
        left.addWidget(contacts)
        left.addWidget(fmt)
        left.addStretch(1)
        grid = QGridLayout()
        grid.addLayout(left, 0, 0)
        grid.addWidget(cols, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(file_row)
        layout.addLayout(bottom)

        self.what_group.buttonToggled.connect(lambda *_: (self._propose_path(), self._update()))
        self.format_group.buttonToggled.connect(lambda *_: self._format_changed())
        self.check_contacts.toggled.connect(lambda *_: self._update())
        self.button_all.clicked.connect(self.check_all)
        self.button_default.clicked.connect(self.reset_columns)
        self.columns_list.itemChanged.connect(lambda *_: self._update())
        self.button_browse.clicked.connect(self.browse)
        self.path_edit.textChanged.connect(lambda *_: self._update())
        self.button_export.clicked.connect(self.start_export)
        self.button_cancel.clicked.connect(self.reject)
        self.resize(860, 540)

    def _fill_columns(self, checked: list[str]) -> None:
        """Checked columns first, in their order, then the others in the usual order."""
        self.columns_list.blockSignals(True)
        self.columns_list.clear()
        rest = [k for k in export.ACTOR_COLUMNS if k not in checked]
        for key in list(checked) + rest:
            item = QListWidgetItem(export.ACTOR_COLUMNS[key])
            item.setData(KeyRole, key)
            item.setToolTip(f"Clé : {key}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
            self.columns_list.addItem(item)
        self.columns_list.blockSignals(False)
        self._update()

    def _restore(self) -> None:
        s = settings()
        self._fill_columns(remembered_columns())
        self.check_contacts.setChecked(s.value(KEY_CONTACTS, False, type=bool))
        csv = s.value(KEY_FORMAT, "xlsx", type=str) == "csv"
        self.radio_csv.setChecked(csv)
        self.radio_xlsx.setChecked(not csv)

    # ------------------------------------------------------------------ choices
    def columns(self) -> list[str]:
        out = []
        for row in range(self.columns_list.count()):
            item = self.columns_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(KeyRole))
        return out

    def set_columns(self, keys: list[str]) -> None:
        self._fill_columns([k for k in keys if k in export.ACTOR_COLUMNS])

    def check_all(self) -> None:
        self.columns_list.blockSignals(True)
        for row in range(self.columns_list.count()):
            self.columns_list.item(row).setCheckState(Qt.CheckState.Checked)
        self.columns_list.blockSignals(False)
        self._update()

    def reset_columns(self) -> None:
        self._fill_columns(list(export.DEFAULT_COLUMNS))

    def format(self) -> str:
        return "csv" if self.radio_csv.isChecked() else "xlsx"

    def target_ids(self) -> list[int]:
        return list(self.selected) if self.radio_selection.isChecked() else list(self.listed_ids)

    def criteria(self) -> list[str]:
        """The criteria sheet's sentences: those the export itself writes."""
        if self.catalogue is None:
            return []
        return export.export_criteria(self.catalogue, self.filter, self.target_ids(),
                                      view_name=self.view_name)

    def view_slug(self) -> str:
        if self.radio_selection.isChecked():
            return "selection"
        if self.view_name:
            return self.view_name
        if self.filter.only_deleted:
            return "corbeille"
        if self.filter.is_empty() or self.filter == self.filter.cleared():
            return "catalogue"
        return "filtre"

    def target_path(self) -> Path | None:
        """The file to write: the typed path, made absolute, with the chosen format's extension."""
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = export_folder() / path
        ext = "." + self.format()
        if path.suffix.lower() in (".xlsx", ".csv"):
            if path.suffix.lower() != ext:
                path = path.with_suffix(ext)
        else:
            path = path.with_name(path.name + ext)
        return path

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))

    def _propose_path(self) -> None:
        current = self.path_edit.text().strip()
        if current and current != self._proposed:
            return  # the user chose a name: keep it
        folder = Path(current).parent if current else export_folder()
        self._proposed = str(folder / export.suggest_filename(self.view_slug(), ext=self.format()))
        self.path_edit.setText(self._proposed)

    def _format_changed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in (".xlsx", ".csv"):
                new = str(path.with_suffix("." + self.format()))
                if text == self._proposed:
                    self._proposed = new
                self.path_edit.setText(new)
        self._update()

    def _update(self) -> None:
        if not hasattr(self, "button_export"):
            return
        contacts = self.check_contacts.isChecked()
        self.radio_usable.setEnabled(contacts)
        self.radio_all.setEnabled(contacts)
        if self.format() == "csv":
            path = self.target_path()
            name = export.contacts_csv_path(path).name if path else "…-contacts.csv"
            self.csv_note.setText(f"Les contacts vont dans un second fichier, « {name} », à côté."
                                  if contacts else "Un fichier pour les acteurs ; pas de feuille Critères.")
        else:
            self.csv_note.setText("")
        self.csv_note.setVisible(self.format() == "csv")
        n_cols = len(self.columns())
        self.columns_count.setText(f"{french.count(n_cols, 'colonne')} sur {len(export.ACTOR_COLUMNS)}")
        problem = ""
        if self.catalogue is None:
            problem = "Aucun catalogue ouvert."
        elif not self.target_ids():
            problem = "Aucun acteur à exporter."
        elif not self.columns():
            problem = "Cochez au moins une colonne."
        elif self.target_path() is None:
            problem = "Choisissez le fichier à écrire."
        running = self.operation is not None
        if problem or not running:
            self.status_label.setText(problem)
        self.status_label.setStyleSheet("color: #a51d2d;" if problem else "")
        self.button_export.setEnabled(not problem and not running)

    # ------------------------------------------------------------------ file
    def browse(self) -> None:
        current = self.target_path() or (export_folder() / export.suggest_filename(self.view_slug(), ext=self.format()))
        filters = ("Classeur Excel (*.xlsx)" if self.format() == "xlsx" else "CSV pour Excel (*.csv)")
        chosen, _ = QFileDialog.getSaveFileName(self, "Exporter vers", str(current), filters)
        if chosen:
            self.path_edit.setText(chosen)

    def _remember(self, result: export.ExportResult) -> None:
        s = settings()
        s.setValue(KEY_COLUMNS, ",".join(self.columns()))
        s.setValue(KEY_FORMAT, self.format())
        s.setValue(KEY_CONTACTS, self.check_contacts.isChecked())
        s.setValue(KEY_LAST_DIR, str(result.path.parent))
        s.sync()

    # ------------------------------------------------------------------ running
    def start_export(self) -> bool:
        """Start the export in the background; False when nothing was started."""
        self._update()
        if not self.button_export.isEnabled():
            return False
        path = self.target_path()
        contacts = self.check_contacts.isChecked()
        existing = [p for p in [path] + ([export.contacts_csv_path(path)] if contacts and self.format() == "csv" else [])
                    if p.exists()]
        if existing and not confirm(self, "Remplacer le fichier ?",
                                    f"« {existing[0].name} » existe déjà dans « {existing[0].parent} ».",
                                    "Remplacer", informative="Son contenu actuel sera remplacé."):
            return False
        ids = self.target_ids()
        self.result, self.error, self.was_cancelled = None, None, False
        # The filter with the ids as listed or selected: the export says which (criteria sheet).
        options = dict(columns=self.columns(), contacts=contacts, view_name=self.view_name,
                       all_contacts=contacts and self.radio_all.isChecked())
        catalogue, flt = self.catalogue, self.filter
        self.status_label.setText("Export en cours…")
        self._set_busy(True)
        self.operation = operations.start(
            self, lambda progress, cancelled: export.export_from_catalogue(
                catalogue, path, flt, ids=ids, progress=progress, cancelled=cancelled, **options),
            on_done=self._finished, on_failed=self._failed, title="Export en cours",
            text=f"Export de {french.count(len(ids), 'acteur')} vers « {path.name} »…")
        self.operation.dialog.canceled.connect(self.cancel_export)
        return True

    def cancel_export(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.status_label.setText("Annulation…")

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.button_export, self.button_browse, self.path_edit, self.columns_list,
                       self.button_all, self.button_default, self.radio_listed, self.radio_selection,
                       self.check_contacts, self.radio_usable, self.radio_all, self.radio_xlsx,
                       self.radio_csv):
            widget.setEnabled(not busy)
        if not busy:
            self.radio_selection.setEnabled(bool(self.selected))
            self._update()

    def _end_job(self) -> None:
        self.operation = None
        self._set_busy(False)

    def _finished(self, result: export.ExportResult) -> None:
        self._end_job()
        self.result = result
        self._remember(result)
        self.window_.show_status(result.message() + ".", 8000)
        self.exported.emit(result)
        self.accept()
        self.message_box = show_result(self.window_, result)

    def _failed(self, exc: Exception) -> None:
        self._end_job()
        if isinstance(exc, export.ExportCancelled):
            self.was_cancelled = True
            self.status_label.setText("Export annulé : aucun fichier n'a été écrit.")
            return
        self.error = exc
        self.status_label.setText("L'export n'a pas abouti.")
        # Never a line break inside quotes: the sentence quotes the file's name.
        text = operations.error_text(exc, "L'export n'a pas abouti, aucun fichier n'a été écrit")
        text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
        self.message_box = operations.show_error(self, "Export impossible", text, wait=False)

    def reject(self) -> None:
        if self.operation is not None:  # closing while exporting: stop it, keep the dialog until it ends
            self.cancel_export()
            return
        super().reject()


def show_result(parent: QWidget, result: export.ExportResult) -> QMessageBox:
    """"N acteurs … exportés" with "Ouvrir le fichier" / "Ouvrir le dossier" / "Fermer" (not blocking)."""
    what = result.message().split(" dans ", 1)[0]
    return show_file_written(parent, result.path, "Export terminé", f"<b>{escape_html(what[0].upper() + what[1:])}.</b>",
                             "<br>".join(escape_html(p) for p in result.paths), rich=True)


# --------------------------------------------------------------------------- install

class ExportFeature:
    """What ``install`` returns: the actions and the last dialog opened (for tests)."""

    def __init__(self, window) -> None:
        self.window = window
        self.dialog: ExportDialog | None = None
        self.action = QAction(icon("export"), "Exporter…", window)
        self.action.setShortcut(QKeySequence("Ctrl+E"))
        self.action.setToolTip("Exporter la liste ou la sélection vers Excel ou CSV (Ctrl+E)")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(lambda _checked=False: self.open_dialog())
        self.selection_action = QAction("Exporter la sélection…", window)
        self.selection_action.setToolTip("Exporter les acteurs sélectionnés vers Excel ou CSV")
        self.selection_action.triggered.connect(lambda _checked=False: self.open_dialog(selection=True))

    def open_dialog(self, *, selection: bool = False, modal: bool = True) -> ExportDialog | None:
        if self.window.catalogue is None:
            return None
        self.dialog = ExportDialog(self.window, selection=selection)
        if modal:
            self.dialog.exec()
        else:
            self.dialog.show()
        return self.dialog

    def update(self) -> None:
        self.action.setEnabled(self.window.catalogue is not None)
        self.selection_action.setEnabled(self.window.catalogue is not None)


def install(window) -> ExportFeature:
    """Fichier → Exporter… (Ctrl+E), on the toolbar, and "Exporter la sélection…"."""
    feature = ExportFeature(window)
    window.addAction(feature.action)
    window.add_toolbar_action(feature.action)
    window.add_file_action(feature.action)
    window.add_selection_action(feature.selection_action)
    window.catalogueChanged.connect(feature.update)
    feature.update()
    return feature
