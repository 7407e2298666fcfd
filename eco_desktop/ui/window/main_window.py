"""The main window: search, facets, the actor list (and later tabs), the record editor.

Data flows one way: the window builds a Filter, asks the catalogue for ids and facet
counts, and shows them. Every write goes through the Catalogue API; each committed
write becomes one step of the window's QUndoStack, whose undo/redo call the store's.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QThreadPool, QTimer, QUrl,
                            Signal)
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMainWindow,
                               QMenu, QMessageBox, QSplitter, QTableView, QTabWidget, QToolBar, QVBoxLayout,
                               QWidget)

from ... import APP_TITLE, __version__, french
from ...errors import DamagedCatalogue, UserError
from ...filter import Filter
from ...logs import log_path
from ...catalogue.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, parse_query
from ...catalogue import Catalogue
from .. import workers
from .facets import FacetPanel
from .table_model import COLUMNS, ActorTableModel
from ..settings import settings as app_settings
from ..text_safety import escape_mnemonic, inform, warn
from ..theme import icon

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 150
# A text search costs about its words times the actors (on 100,000 actors here: one word
# 0.01 s, sixteen frequent ones 0.2 s). From this much it runs in a worker so that typing
# never waits for it; below, it is quicker than the trip through the worker.
BACKGROUND_SEARCH = 200_000
# An undo or redo replaying this many recorded changes (an import, a bulk edit) runs in a
# worker behind a progress dialog, modal at once; smaller ones run here.
BACKGROUND_REPLAY = 2000
MAX_RECENT = 8


class StoreCommand(QUndoCommand):
    """One committed write of the store, as a QUndoStack step."""

    def __init__(self, window: "MainWindow", label: str) -> None:
        super().__init__(label)
        self.window = window
        self._done = True  # the write already happened when the command is pushed

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.window.replay(backwards=False)

    def undo(self) -> None:
        self.window.replay(backwards=True)


class MainWindow(QMainWindow):
    catalogueChanged = Signal()
    filterChanged = Signal(object)

    def __init__(self, catalogue: Catalogue | None = None, parent=None) -> None:
        super().__init__(parent)
        self.catalogue: Catalogue | None = None
        self.filter = Filter()
        self.undo_stack = QUndoStack(self)
        self._replaying = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._search_job: workers.Job | None = None
        self._search_generation = 0
        # Searches have a thread of their own: none waits behind an export or a map page,
        # and a superseded one stops within a millisecond.
        self._search_pool = QThreadPool(self)
        self._search_pool.setMaxThreadCount(1)
        self._announce_filter = False
        self._current_id: int | None = None

        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._install_features()
        self._restore_settings()
        self.set_catalogue(catalogue)

    # ------------------------------------------------------------------ building
    def _build_widgets(self) -> None:
        from ..editor import ActorEditor

        self.facets = FacetPanel()
        self.facets.selectionChanged.connect(self._facet_changed)
        self.facets.clearRequested.connect(self.clear_filters)
        self.facets.viewChosen.connect(self.apply_view)

        self.model = ActorTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Liste des acteurs")
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for column, (key, _label, shown) in enumerate(COLUMNS):
            header.setSectionHidden(column, not shown)
        widths = {"name": 240, "kind": 190, "domains": 200, "commune": 170, "departement": 50,
                  "website": 180, "updated_at": 120}
        for column, (key, _l, _s) in enumerate(COLUMNS):
            if key in widths:
                header.resizeSection(column, widths[key])
        self.table.doubleClicked.connect(self._open_record)
        self.table.activated.connect(self._open_record)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        self.trash_banner = QLabel("Corbeille : acteurs supprimés. Sélectionnez-les pour les restaurer "
                                   "ou les supprimer définitivement.")
        self.trash_banner.setStyleSheet("background:#fff4d6; color:#5c4400; padding:6px; border-bottom:1px solid #e5c96a;")
        self.trash_banner.setVisible(False)
        list_layout.addWidget(self.trash_banner)
        list_layout.addWidget(self.table)
        self.tabs.addTab(list_page, "Liste")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.editor = ActorEditor(None)
        self.editor.saved.connect(self._editor_saved)
        self.editor.changed.connect(self.refresh)
        self.editor.actorActivated.connect(self.select_actor)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.facets)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([290, 640, 436])
        self.setCentralWidget(self.splitter)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un acteur, une commune, une étiquette… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Recherche")
        self.search.setMinimumWidth(320)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)

        self.count_label = QLabel()
        self.readonly_label = QLabel("Lecture seule")
        self.readonly_label.setStyleSheet("color:#a51d2d; font-weight:bold; padding:0 8px;")
        self.readonly_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.readonly_label)
        self.statusBar().addPermanentWidget(self.count_label)

    def _action(self, text: str, slot, *, shortcut=None, icon_name: str | None = None, tip: str = "",
                checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        S = QKeySequence.StandardKey
        self.act_new_catalogue = self._action("Nouveau catalogue…", self.new_catalogue, icon_name="new")
        self.act_open = self._action("Ouvrir un catalogue…", self.open_catalogue_dialog, shortcut=S.Open,
                                     icon_name="open")
        self.act_save_copy = self._action("Enregistrer une copie…", self.save_copy, shortcut=S.SaveAs)
        self.act_quit = self._action("Quitter", self.close, shortcut=S.Quit)

        self.act_undo = self.undo_stack.createUndoAction(self, "Annuler")
        self.act_undo.setShortcuts([QKeySequence(S.Undo)])
        self.act_undo.setIcon(icon("undo"))
        self.act_redo = self.undo_stack.createRedoAction(self, "Rétablir")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(S.Redo)])
        self.act_redo.setIcon(icon("redo"))
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)

        self.act_new_actor = self._action("Nouvel acteur", self.new_actor, shortcut=S.New, icon_name="new",
                                          tip="Créer un acteur (Ctrl+N)")
        self.act_duplicate = self._action("Dupliquer", self.duplicate_actor, shortcut="Ctrl+D",
                                          icon_name="duplicate", tip="Dupliquer l'acteur sélectionné")
        self.act_delete = self._action("Supprimer", self.delete_selected, shortcut=S.Delete, icon_name="delete",
                                       tip="Mettre les acteurs sélectionnés à la corbeille (Suppr)")
        self.act_bulk = self._action("Modification groupée…", self.bulk_edit, shortcut="Ctrl+Shift+E",
                                     tip="Modifier plusieurs acteurs en une fois")
        self.act_merge = self._action("Fusionner deux acteurs…", self.merge_selected,
                                      tip="Fusionner deux fiches qui décrivent la même organisation")
        self.act_select_all = self._action("Tout sélectionner", self.table.selectAll, shortcut=S.SelectAll)
        self.act_find = self._action("Rechercher", self.focus_search, shortcut=S.Find)

        self.act_trash = self._action("Corbeille", self.show_trash, icon_name="trash", checkable=True,
                                      tip="Afficher les acteurs supprimés")
        self.act_restore = self._action("Restaurer", self.restore_selected, icon_name="restore",
                                        tip="Sortir les acteurs sélectionnés de la corbeille")
        self.act_purge = self._action("Supprimer définitivement", self.purge_selected)
        self.act_empty_trash = self._action("Vider la corbeille", self.empty_trash)
        self.act_clear_filters = self._action("Effacer les filtres", self.clear_filters, shortcut="Ctrl+Shift+L",
                                              icon_name="clear")
        self.act_save_view = self._action("Enregistrer la vue…", self.save_view, icon_name="views")
        self.act_manage_views = self._action("Gérer les vues…", self.manage_views)
        self.act_refresh = self._action("Actualiser", self.refresh_from_disk, shortcut=S.Refresh,
                                        icon_name="refresh")

        self.act_vocab = self._action("Vocabulaires et étiquettes…", self.edit_vocabularies)
        self.act_help = self._action("Guide d'utilisation", self.show_help, shortcut=S.HelpContents,
                                     icon_name="help")
        self.act_log = self._action("Ouvrir le journal", self.open_log)
        self.act_about = self._action("À propos d'eco_desktop", self.show_about, icon_name="about")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("&Fichier")
        self.menu_file.addAction(self.act_new_catalogue)
        self.menu_file.addAction(self.act_open)
        self.menu_recent = self.menu_file.addMenu("Ouvrir un catalogue récent")
        self.menu_recent.aboutToShow.connect(self._fill_recent_menu)
        self.menu_file.addAction(self.act_save_copy)
        self.menu_file.addSeparator()
        self.file_tools_anchor = self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)

        self.menu_edit = bar.addMenu("É&dition")
        for action in (self.act_undo, self.act_redo, None, self.act_new_actor, self.act_duplicate,
                       self.act_delete, None, self.act_bulk, self.act_merge, None, self.act_select_all,
                       self.act_find):
            self.menu_edit.addSeparator() if action is None else self.menu_edit.addAction(action)

        self.menu_view = bar.addMenu("&Affichage")
        self.menu_view.addAction(self.act_clear_filters)
        self.menu_views = self.menu_view.addMenu("Vues enregistrées")
        self.menu_view.addAction(self.act_save_view)
        self.menu_view.addAction(self.act_manage_views)
        self.menu_view.addSeparator()
        self.menu_view.addAction(self.act_trash)
        self.menu_view.addAction(self.act_restore)
        self.menu_view.addAction(self.act_purge)
        self.menu_view.addAction(self.act_empty_trash)
        self.menu_view.addSeparator()
        self.menu_columns = self.menu_view.addMenu("Colonnes")
        self.menu_columns.aboutToShow.connect(lambda: self._fill_columns_menu(self.menu_columns))
        self.menu_view.addAction(self.act_refresh)

        self.menu_tools = bar.addMenu("&Outils")
        self.menu_tools.addAction(self.act_vocab)

        self.menu_help = bar.addMenu("Aid&e")
        self.menu_help.addAction(self.act_help)
        self.menu_help.addAction(self.act_log)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Barre d'outils")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        for action in (self.act_new_actor, self.act_duplicate, self.act_delete, None, self.act_undo,
                       self.act_redo, None):
            self.toolbar.addSeparator() if action is None else self.toolbar.addAction(action)
        self.toolbar_extra_anchor = self.toolbar.addSeparator()
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        self.toolbar.addWidget(spacer)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 6, 0)
        row.addWidget(self.search)
        self.toolbar.addWidget(holder)

    def _install_features(self) -> None:
        from ..features import install_all
        self.features = {}
        self.features.update(install_all(self))

    def add_toolbar_action(self, action: QAction) -> None:
        """For features (export, import, map…) to put their action on the toolbar."""
        self.toolbar.insertAction(self.toolbar_extra_anchor, action)

    def add_tab(self, widget: QWidget, title: str, *, side_panels: bool = True) -> int:
        """Add a feature tab. Its content scrolls rather than widening the window; with
        ``side_panels=False`` the facets and the record are hidden while it is shown."""
        from PySide6.QtWidgets import QFrame, QScrollArea
        holder = QScrollArea()
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(widget)
        holder.setProperty("side_panels", side_panels)
        return self.tabs.addTab(holder, title)

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        show = page is None or page.property("side_panels") is not False
        self.facets.setVisible(show)
        self.editor.setVisible(show)

    # ------------------------------------------------------------------ settings
    def _settings(self) -> QSettings:
        return app_settings()

    def _restore_settings(self) -> None:
        s = self._settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 768)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = s.value("table/header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def save_settings(self) -> None:
        s = self._settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.editor.maybe_leave(self):
            event.ignore()
            return
        self.save_settings()
        if self.catalogue is not None:
            self.catalogue.close()
            self.catalogue = None
        event.accept()

    # ------------------------------------------------------------------ catalogue
    def set_catalogue(self, catalogue: Catalogue | None) -> None:
        if self.catalogue is not None and self.catalogue is not catalogue:
            try:
                self.catalogue.listeners.remove(self._store_committed)
            except ValueError:
                pass
            self.catalogue.close()
        self.catalogue = catalogue
        self.undo_stack.clear()
        self.filter = Filter()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.act_trash.blockSignals(True)
        self.act_trash.setChecked(False)
        self.act_trash.blockSignals(False)
        self.model.set_catalogue(catalogue)
        self.editor.set_catalogue(catalogue)
        if catalogue is not None:
            catalogue.listeners.append(self._store_committed)
            self.facets.set_kind_colors(catalogue.kind_colors())
            self._remember_recent(catalogue.path)
            self.setWindowTitle(f"{catalogue.path.stem} — {APP_TITLE}")
            self.readonly_label.setVisible(catalogue.read_only)
        else:
            self.setWindowTitle(APP_TITLE)
        self._reload_views()
        self.refresh()
        self.catalogueChanged.emit()

    def _remember_recent(self, path: Path) -> None:
        s = self._settings()
        path_text = str(Path(path).resolve())
        s.setValue("catalogue/last", path_text)
        recent = [p for p in (s.value("catalogue/recent", [], type=list) or []) if p != path_text]
        s.setValue("catalogue/recent", [path_text] + recent[:MAX_RECENT - 1])

    def _fill_recent_menu(self) -> None:
        self.menu_recent.clear()
        recent = self._settings().value("catalogue/recent", [], type=list) or []
        for path in recent:
            action = self.menu_recent.addAction(escape_mnemonic(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_catalogue_path(p))
        if not recent:
            self.menu_recent.addAction("(aucun)").setEnabled(False)

    def open_catalogue_path(self, path: str | Path) -> bool:
        if not self.editor.maybe_leave(self):
            return False
        try:
            catalogue = Catalogue.open(path)
        except UserError as exc:
            catalogue = self.offer_restore(path, exc)
            if catalogue is None:
                return False
        self.set_catalogue(catalogue)
        return True

    def offer_restore(self, path: str | Path, error: UserError) -> Catalogue | None:
        """A damaged catalogue: offer its latest sound backup; any other error: say it."""
        safety = self.features.get("safety")
        if safety is not None and isinstance(error, DamagedCatalogue) and Path(path).is_file():
            from ..safety.feature import offer_restore as offer_backup
            return offer_backup(self, path)
        warn(self, "Ouvrir un catalogue", str(error))
        return None

    def open_catalogue_dialog(self) -> None:
        start = str(self.catalogue.path.parent) if self.catalogue else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Ouvrir un catalogue", start,
                                              "Catalogues eco_desktop (*.sqlite *.db);;Tous les fichiers (*)")
        if path:
            self.open_catalogue_path(path)

    def new_catalogue(self) -> None:
        if not self.editor.maybe_leave(self):
            return
        start = str(self.catalogue.path.parent) if self.catalogue else str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, "Nouveau catalogue", str(Path(start) / "catalogue.sqlite"),
                                              "Catalogues eco_desktop (*.sqlite)")
        if not path:
            return
        if not path.endswith((".sqlite", ".db")):
            path += ".sqlite"
        box = QMessageBox(QMessageBox.Icon.Question, "Nouveau catalogue",
                          "Créer le catalogue avec le jeu de données fourni (les acteurs de la note de "
                          "L'Institut Paris Region, 2021) ou vide ?", parent=self)
        with_data = box.addButton("Avec le jeu de données", QMessageBox.ButtonRole.AcceptRole)
        empty = box.addButton("Vide", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() not in (with_data, empty):
            return
        try:
            if Path(path).exists():
                raise UserError(f"Le fichier « {path} » existe déjà : choisissez un autre nom.")
            catalogue = Catalogue.create(path, seed=box.clickedButton() is with_data)
        except UserError as exc:
            warn(self, "Nouveau catalogue", str(exc))
            return
        self.set_catalogue(catalogue)

    def save_copy(self) -> None:
        if self.catalogue is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer une copie du catalogue",
            str(self.catalogue.path.with_name(self.catalogue.path.stem + "-copie.sqlite")),
            "Catalogues eco_desktop (*.sqlite)")
        if not path:
            return
        try:
            self.catalogue.save_copy(path)
        except UserError as exc:
            warn(self, "Enregistrer une copie", str(exc))
            return
        self.statusBar().showMessage(f"Copie enregistrée : {path}", 5000)

    def refresh_from_disk(self) -> None:
        if self.catalogue is not None:
            self.catalogue.changed_elsewhere()
        self.refresh()
        self.editor.refresh()

    # ------------------------------------------------------------------ store events / undo
    def _store_committed(self, label: str, undoable: bool) -> None:
        if undoable and not self._replaying:
            self.undo_stack.push(StoreCommand(self, label))

    def replay(self, *, backwards: bool) -> None:
        """Undo (``backwards``) or redo the catalogue's next step, for the undo stack."""
        if self.catalogue is None:
            return
        size = self.catalogue.replay_size(backwards=backwards)
        action = (lambda c: c.undo()) if backwards else (lambda c: c.redo())
        self.run_store_action(action, background=size >= BACKGROUND_REPLAY,
                              text=f"{'Annulation' if backwards else 'Rétablissement'} de "
                                   f"{french.count(size, 'modification')}…")
        # What another window or program changed since was kept: say so, or the person
        # would take the step for fully undone.
        notes = self.catalogue.replay_notes() if self.catalogue is not None else []
        if notes:
            shown = notes[:20] + ([f"… et {len(notes) - 20} autre(s)."] if len(notes) > 20 else [])
            inform(self, APP_TITLE, f"{'Annulation' if backwards else 'Rétablissement'} faite en partie :\n\n"
                   + "\n".join(shown))

    def run_store_action(self, action, *, background: bool = False, text: str = "") -> None:
        """``action(catalogue)``, a replay of the history; with ``background``, in a worker
        thread while a modal progress dialog keeps the window alive."""
        if self.catalogue is None:
            return
        self._replaying = True
        catalogue = self.catalogue
        try:
            if background:
                workers.run_with_progress(self, APP_TITLE, text or "Veuillez patienter…",
                                          lambda progress, cancelled: action(catalogue),
                                          catalogue=catalogue, minimum_duration=0)
            else:
                action(catalogue)
        except UserError as exc:
            warn(self, APP_TITLE, str(exc))
        finally:
            self._replaying = False
        self.model.reload_vocabularies()
        self.refresh()
        self.editor.refresh()

    # ------------------------------------------------------------------ filtering
    def set_filter(self, flt: Filter) -> None:
        self.filter = flt
        # Announced once the list shows it (after a search in the worker, see refresh):
        # the tabs following the filter then find its text match ready.
        self._announce_filter = True
        self.refresh()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text()
        if text != self.filter.text:
            self.set_filter(replace(self.filter, text=text))

    def _facet_changed(self, facet: str, values: list) -> None:
        self.set_filter(self.filter.with_selection(facet, values))

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.set_filter(self.filter.cleared())

    def show_trash(self, on: bool) -> None:
        self.trash_banner.setVisible(on)
        self.set_filter(replace(self.filter, only_deleted=on))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Re-run the filter: list, facet counts, status bar; keep the selection.

        A text search that may take long (BACKGROUND_SEARCH) runs first in a worker, and
        the list follows when it is done; the newest refresh wins, a search it supersedes
        is stopped and its result dropped.
        """
        self._search_generation += 1
        if self._search_job is not None:
            self._search_job.cancel()
            self._search_job = None
        if self._search_is_long():
            self._start_search()
        else:
            self._show_results()

    def _search_is_long(self) -> bool:
        catalogue, text = self.catalogue, self.filter.text
        if catalogue is None or not text.strip():
            return False
        cost = len(parse_query(text).words) * catalogue.total()
        return cost >= BACKGROUND_SEARCH and not catalogue.text_ready(text)

    def _start_search(self) -> None:
        generation, catalogue, text = self._search_generation, self.catalogue, self.filter.text

        def search(_progress, cancelled):
            try:
                return generation, catalogue.prefetch_text(text, cancelled)
            except Exception as exc:  # noqa: BLE001 - the list's own query reports it
                return generation, exc

        self._search_job = workers.Job(search)
        self._search_job.finished.connect(self._search_done)
        self.count_label.setText("Recherche…")
        self._search_job.start(self._search_pool)

    def _search_done(self, outcome: tuple) -> None:
        generation, result = outcome
        if generation != self._search_generation:
            return  # a newer refresh superseded it
        self._search_job = None
        if isinstance(result, Exception):
            log.warning("text search in the worker failed: %r", result)
        self._show_results()

    def _show_results(self) -> None:
        try:
            self._fill_list()
        finally:
            if self._announce_filter:
                self._announce_filter = False
                self.filterChanged.emit(self.filter)

    def _fill_list(self) -> None:
        if self.catalogue is None:
            self.model.set_ids([])
            self.count_label.setText("Aucun catalogue ouvert")
            self._update_actions()
            return
        selected = self.selected_ids()
        current = self._current_id
        try:
            ids = self.catalogue.actor_ids(self.filter)
            counts = self.catalogue.facet_counts(self.filter)
        except UserError as exc:
            warn(self, APP_TITLE, str(exc))
            return
        if self.filter.text.strip():
            self.model.set_ids(ids, keep_order=self.model.sort_column is None)
        else:
            self.model.set_ids(ids)
        self.facets.update_counts(counts, self.filter)
        total = self.catalogue.total()
        label = "dans la corbeille" if self.filter.only_deleted else f"sur {french.number(total)}"
        text = f"{french.count(len(ids), 'acteur')} {label}"
        if parse_query(self.filter.text).truncated:
            text += (f" — recherche réduite à ses premiers mots ({MAX_QUERY_WORDS} mots, "
                     f"{MAX_QUERY_CHARS} caractères au plus)")
        self.count_label.setText(text)
        self._reselect(selected, current)
        self._update_actions()

    def _reselect(self, ids: list[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        wanted = set(ids)
        if wanted:
            for row, actor_id in enumerate(self.model.ids):
                if actor_id in wanted:
                    selection.select(self.model.index(row, 0), flags)
        if current is not None:
            row = self.model.row_of(current)
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)

    # ------------------------------------------------------------------ selection / record
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.ids[r] for r in rows if r < len(self.model.ids)]

    def select_actor(self, actor_id: int) -> None:
        """Select one actor in the list (clearing filters if it is hidden) and show its record."""
        row = self.model.row_of(actor_id)
        if row < 0 and self.catalogue is not None:
            actor = self.catalogue.get_actor(actor_id)
            if actor is None:
                return
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.filter = Filter(only_deleted=bool(actor.get("deleted_at")))
            self.act_trash.blockSignals(True)
            self.act_trash.setChecked(self.filter.only_deleted)
            self.act_trash.blockSignals(False)
            self.trash_banner.setVisible(self.filter.only_deleted)
            self.refresh()
            self.filterChanged.emit(self.filter)
            row = self.model.row_of(actor_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def select_actors(self, ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        wanted = set(ids)
        for row, actor_id in enumerate(self.model.ids):
            if actor_id in wanted:
                selection.select(self.model.index(row, 0), flags)
                first = row if first is None else first
        if first is not None:
            self.table.scrollTo(self.model.index(first, 0))

    def _current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        actor_id = self.model.actor_id(current.row()) if current.isValid() else None
        if actor_id == self._current_id:
            return
        if not self.editor.maybe_leave(self):
            # stay on the record being edited
            row = self.model.row_of(self._current_id) if self._current_id is not None else -1
            if row >= 0:
                QTimer.singleShot(0, lambda: self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows))
            return
        self._current_id = actor_id
        self.editor.load(actor_id)
        self._update_actions()

    def _open_record(self, index: QModelIndex) -> None:
        actor_id = self.model.actor_id(index.row())
        if actor_id is None:
            return
        if self._current_id != actor_id:
            self._current_row_changed(index, QModelIndex())
        sizes = self.splitter.sizes()
        if sizes[2] < 200:
            self.splitter.setSizes([sizes[0], max(400, sizes[1] - 460), 460])
        self.editor.setFocus()

    def _editor_saved(self, actor_id: int) -> None:
        self._current_id = actor_id
        self.refresh()
        if self.model.row_of(actor_id) >= 0:
            self.select_actor(actor_id)

    def _update_actions(self) -> None:
        has = self.catalogue is not None
        writable = has and not self.catalogue.read_only
        n = len(self.selected_ids()) if has else 0
        trash = self.filter.only_deleted
        self.act_new_actor.setEnabled(writable and not trash)
        self.act_duplicate.setEnabled(writable and n == 1 and not trash)
        self.act_delete.setEnabled(writable and n >= 1 and not trash)
        self.act_bulk.setEnabled(writable and n >= 1 and not trash)
        self.act_merge.setEnabled(writable and n == 2 and not trash)
        self.act_restore.setEnabled(writable and n >= 1 and trash)
        self.act_purge.setEnabled(writable and n >= 1 and trash)
        self.act_empty_trash.setEnabled(writable)
        for action in (self.act_save_copy, self.act_save_view, self.act_manage_views, self.act_refresh):
            action.setEnabled(has)
        self.act_vocab.setEnabled(writable)
        self.act_save_view.setEnabled(writable)

    # ------------------------------------------------------------------ context menus
    def _header_menu(self, pos) -> None:
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def _fill_columns_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.table.horizontalHeader()
        for column, (_key, label, _shown) in enumerate(COLUMNS):
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))

    def _table_menu(self, pos) -> None:
        menu = QMenu(self)
        if self.filter.only_deleted:
            menu.addAction(self.act_restore)
            menu.addAction(self.act_purge)
        else:
            for action in (self.act_new_actor, self.act_duplicate, self.act_delete, None, self.act_bulk,
                           self.act_merge):
                menu.addSeparator() if action is None else menu.addAction(action)
        self.table_menu_extra(menu)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def table_menu_extra(self, menu: QMenu) -> None:
        """Features add their selection actions here (e.g. "Ajouter à l'appel…")."""
        for action in getattr(self, "_selection_actions", []):
            menu.addAction(action)

    def add_selection_action(self, action: QAction) -> None:
        if not hasattr(self, "_selection_actions"):
            self._selection_actions = []
            self.menu_edit.addSeparator()
        self._selection_actions.append(action)
        self.menu_edit.addAction(action)

    # ------------------------------------------------------------------ actor actions
    def new_actor(self) -> None:
        if self.catalogue is None or not self.editor.maybe_leave(self):
            return
        self.table.clearSelection()
        self._current_id = None
        self.editor.new_actor()
        sizes = self.splitter.sizes()
        if sizes[2] < 200:
            self.splitter.setSizes([sizes[0], max(400, sizes[1] - 460), 460])

    def duplicate_actor(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1 or self.catalogue is None:
            return
        try:
            new_id = self.catalogue.duplicate_actor(ids[0])
        except UserError as exc:
            warn(self, "Dupliquer", str(exc))
            return
        self.refresh()
        self.select_actor(new_id)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.catalogue is None:
            return
        from ..dialogs import confirm_delete
        names = [a["name"] for a in self.catalogue.actors_by_ids(ids[:5])]
        related = sum(len(self.catalogue.relations_of(i)) for i in ids[:200])
        if not confirm_delete(self, names if len(ids) <= 5 else names + [f"… ({len(ids)} au total)"], related):
            return
        try:
            self.catalogue.delete_actors(ids)
        except UserError as exc:
            warn(self, "Supprimer", str(exc))
        if self._current_id in ids:
            self._current_id = None
            self.editor.load(None)
        self.refresh()

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids and self.catalogue is not None:
            try:
                self.catalogue.restore_actors(ids)
            except UserError as exc:
                warn(self, "Restaurer", str(exc))
            self.refresh()

    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.catalogue is None:
            return
        from ..dialogs import confirm_purge
        if confirm_purge(self, len(ids)):
            try:
                self.catalogue.purge_actors(ids)
            except UserError as exc:
                warn(self, "Supprimer définitivement", str(exc))
            self.editor.load(None)
            self._current_id = None
            self.refresh()

    def empty_trash(self) -> None:
        if self.catalogue is None:
            return
        count = self.catalogue.count(Filter(only_deleted=True))
        if count == 0:
            inform(self, "Vider la corbeille", "La corbeille est vide.")
            return
        from ..dialogs import confirm_purge
        if confirm_purge(self, count):
            self.catalogue.empty_trash()
            self.refresh()

    def bulk_edit(self) -> None:
        ids = self.selected_ids()
        if not ids or self.catalogue is None:
            return
        from ..dialogs import BulkEditDialog
        if BulkEditDialog(self.catalogue, ids, self).exec():
            self.model.invalidate_rows()
            self.refresh()
            self.editor.refresh()

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2 or self.catalogue is None:
            return
        if not self.editor.maybe_leave(self):
            return
        from ..dialogs import MergeDialog
        if MergeDialog(self.catalogue, ids[0], ids[1], self).exec():
            self.refresh()
            self.editor.refresh()

    # ------------------------------------------------------------------ views
    def _reload_views(self) -> None:
        views = self.catalogue.saved_views() if self.catalogue is not None else []
        self.facets.set_views(views)
        self.menu_views.clear()
        for view in views:
            action = self.menu_views.addAction(escape_mnemonic(view["name"], limit=80))
            action.triggered.connect(lambda _c=False, v=view["id"]: self.apply_view(v))
        if not views:
            self.menu_views.addAction("(aucune vue enregistrée)").setEnabled(False)

    def apply_view(self, view_id: int) -> None:
        if self.catalogue is None:
            return
        for view in self.catalogue.saved_views():
            if view["id"] == view_id:
                flt = view["filter"]
                self.search.blockSignals(True)
                self.search.setText(flt.text)
                self.search.blockSignals(False)
                self.act_trash.blockSignals(True)
                self.act_trash.setChecked(flt.only_deleted)
                self.act_trash.blockSignals(False)
                self.trash_banner.setVisible(flt.only_deleted)
                self.set_filter(flt)
                self.statusBar().showMessage(f"Vue « {view['name']} »", 4000)
                return

    def save_view(self) -> None:
        if self.catalogue is None:
            return
        from ..dialogs import ask_view_name
        name = ask_view_name(self)
        if not name:
            return
        try:
            self.catalogue.save_view(name, self.filter)
        except UserError as exc:
            warn(self, "Enregistrer la vue", str(exc))
            return
        self._reload_views()

    def manage_views(self) -> None:
        if self.catalogue is None:
            return
        from ..dialogs import ManageViewsDialog
        dialog = ManageViewsDialog(self.catalogue, self)
        dialog.view_activated.connect(self.apply_view)
        dialog.exec()
        self._reload_views()

    # ------------------------------------------------------------------ tools / help
    def edit_vocabularies(self) -> None:
        if self.catalogue is None:
            return
        from ..dialogs import VocabularyDialog
        dialog = VocabularyDialog(self.catalogue, self)
        dialog.exec()
        self.model.reload_vocabularies()
        self.facets.set_kind_colors(self.catalogue.kind_colors())
        self.model.invalidate_rows()
        self.refresh()
        self.editor.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        out = []
        for action in (self.act_find, self.act_new_actor, self.act_duplicate, self.act_delete, self.act_undo,
                       self.act_redo, self.act_bulk, self.act_clear_filters, self.act_select_all,
                       self.act_open, self.act_save_copy, self.act_refresh, self.act_help, self.act_quit,
                       *getattr(self, "_extra_shortcut_actions", [])):
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                out.append((action.text().replace("&", "").rstrip("…").split(" « ")[0], keys))
        return out

    def show_help(self) -> None:
        from ..dialogs import HelpDialog
        HelpDialog(self.shortcuts(), self).exec()

    def show_about(self) -> None:
        from ..dialogs import AboutDialog
        path = self.catalogue.path if self.catalogue else None
        schema = self.catalogue.schema_version() if self.catalogue else None
        dataset = self.catalogue.meta("dataset_version") if self.catalogue else None
        AboutDialog(path, self, schema_version=schema, dataset_version=dataset).exec()

    def open_log(self) -> None:
        path = log_path()
        if not path.exists():
            inform(self, "Journal", f"Le journal est vide pour l'instant ({path}).")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ------------------------------------------------------------------ drag and drop (import)
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        handler = getattr(self, "import_file", None)
        if handler is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        handler = getattr(self, "import_file", None)
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if handler is not None and urls:
            handler(urls[0].toLocalFile())


__all__ = ["MainWindow", "StoreCommand", "__version__"]
