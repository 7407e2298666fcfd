"""The main window: search, facets, the actor list (and later tabs), the record editor.

Data flows one way: the window builds a Filter, asks the catalogue for ids and facet
counts, and shows them. Every write goes through the Catalogue API; each committed
write becomes one step of the window's QUndoStack, whose undo/redo call the store's.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QLabel, QLineEdit, QMainWindow, QSplitter, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from ... import APP_TITLE
from ...catalogue import Catalogue, OperationCancelled
from ...filter import Filter
from .. import operations
from ..operations import Change
from ..settings import settings as app_settings
from .actions import WindowActions
from .actor_commands import ActorCommands
from .facets import FacetPanel
from .files import CatalogueFiles
from .filtering import SEARCH_DELAY_MS, ListFiltering
from .highlight import HighlightDelegate
from .suggestions import SuggestionBar
from .custom_columns import CustomColumns
from .table_model import COLUMN_KEYS, COLUMNS, ActorTableModel
from .undo import UndoWiring

log = logging.getLogger(__name__)
# The record panel's width when a feature or a double-click opens it.
RECORD_WIDTH = 460


class MainWindow(WindowActions, ListFiltering, ActorCommands, CatalogueFiles, UndoWiring, QMainWindow):
    """The window; what a feature may use of it is :class:`~eco_desktop.ui.host.WindowHost`."""

    catalogueChanged = Signal()
    filterChanged = Signal(object)
    selectionChanged = Signal()  # the rows selected in the list
    closing = Signal()  # the window closes, its catalogue still open (the team sync runs a last time)

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
        self._search: operations.Operation | None = None
        self._search_generation = 0
        # Searches have a thread of their own: none waits behind an export or a map page,
        # and a superseded one stops within a millisecond.
        self._search_pool = QThreadPool(self)
        self._search_pool.setMaxThreadCount(1)
        self._announce_filter = False
        self._current_id: int | None = None
        self._selection_actions: list[QAction] = []
        self._import_handler: Callable[[str], Any] | None = None
        self.features: dict[str, object] = {}

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
        # The names show the words the search matched (the model reads them per painted row).
        self.table.setItemDelegateForColumn(COLUMN_KEYS.index("name"), HighlightDelegate(self.table))
        self.filterChanged.connect(lambda flt: self.model.set_search_text(flt.text))
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
        self.custom_columns = CustomColumns(self.table, self.model)  # custom fields' columns
        self.table.doubleClicked.connect(self._open_record)
        self.table.activated.connect(self._open_record)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
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
        self.suggestions = SuggestionBar()
        self.suggestions.applied.connect(self.apply_suggestion)
        list_layout.addWidget(self.suggestions)
        self.tabs.addTab(list_page, "Liste")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.editor = ActorEditor(None)
        self.editor.saved.connect(self._editor_saved)
        self.editor.changed.connect(self.refresh)
        self.editor.actorActivated.connect(self.select_actor)
        self.editor.placeOnMapRequested.connect(self._place_on_map)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.facets)
        # The filter's area is said above the list and every tab (the map draws it too).
        from .area_bar import AreaBar
        self.area_bar = AreaBar()
        self.area_bar.cleared.connect(self.clear_area)
        work_area = QWidget()
        work_layout = QVBoxLayout(work_area)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.setSpacing(0)
        work_layout.addWidget(self.area_bar)
        work_layout.addWidget(self.tabs, 1)
        self.splitter.addWidget(work_area)
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

    def _install_features(self) -> None:
        from ..features import install_all
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
        self.closing.emit()
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
        self.show_record()
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

    def _selection_changed(self) -> None:
        self._update_actions()
        self.selectionChanged.emit()

    def _place_on_map(self, actor_id: int) -> None:
        """The record's « Placer sur la carte »: the map tab takes the next click."""
        if "map" in self.features and self.editor.maybe_leave(self):
            self.features["map"].place_on_map(actor_id)

    def show_record(self) -> None:
        """Make sure the record panel on the right is wide enough to read."""
        sizes = self.splitter.sizes()
        if len(sizes) >= 3 and sizes[2] < 200:
            self.splitter.setSizes([sizes[0], max(400, sizes[1] - RECORD_WIDTH), RECORD_WIDTH])

    # ------------------------------------------------------------------ extension points (host.WindowHost)
    def add_selection_action(self, action: QAction) -> None:
        """An action on the selected actors: in the Édition menu and the list's context menu."""
        if not self._selection_actions:
            self.menu_edit.addSeparator()
        self._selection_actions.append(action)
        self.menu_edit.addAction(action)

    def add_file_action(self, action: QAction) -> None:
        """An action in the Fichier menu, above « Quitter »."""
        self.menu_file.insertAction(self.file_tools_anchor, action)

    def add_tools_action(self, action: QAction, *, separated: bool = False) -> None:
        """An action at the end of the Outils menu (after a separator with ``separated``)."""
        if separated:
            self.menu_tools.addSeparator()
        self.menu_tools.addAction(action)

    def add_banner(self, banner: QWidget) -> None:
        """A banner above the whole work area (facets, tabs, record)."""
        central = self.takeCentralWidget()
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(banner)
        layout.addWidget(central, 1)
        self.setCentralWidget(holder)

    def add_status_widget(self, widget: QWidget) -> None:
        """A lasting widget at the left of the status bar's right side (the team sync's state)."""
        self.statusBar().insertPermanentWidget(0, widget)

    def add_dock(self, dock: QDockWidget) -> None:
        """A panel docked at the bottom, hidden until shown (the team sync's conflicts);
        its objectName lets the window remember where it was."""
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()

    def set_import_handler(self, handler: Callable[[str], Any]) -> None:
        """What a file dropped on the window is given to (its path)."""
        self._import_handler = handler

    def listed_ids(self) -> list[int]:
        """The actors the list shows, in its order."""
        return list(self.model.ids)

    def show_list(self) -> None:
        self.tabs.setCurrentIndex(0)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def clear_undo(self) -> None:
        """Forget the undo steps (after a write that must not be undone, an erasure)."""
        self.undo_stack.clear()

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def contacts_table(self) -> QTableView:
        """The table of the record's contacts (for a feature's context menu on it)."""
        return self.editor.contacts_panel.table

    def current_contact_id(self) -> int | None:
        """The contact selected in the record, if any."""
        return self.editor.contacts_panel.selected_id()

    def maybe_leave_record(self) -> bool:
        """Whether the record being edited may be left (it asks to save a changed record)."""
        return self.editor.maybe_leave(self)

    def run_operation(self, fn: operations.Work, *, text: str, title: str = APP_TITLE,
                      changes: Change = Change.NONE, background: bool = True, cancellable: bool = False,
                      delay_ms: int = operations.DIALOG_DELAY_MS, busy_cursor: bool = False,
                      parent: QWidget | None = None) -> Any:
        """Run ``fn(progress, cancelled)`` (in a worker with ``background``, behind a progress
        dialog shown after ``delay_ms``) and return its result; None when it failed (the
        error is shown, titled ``title``) or was cancelled. What it commits becomes an undo
        step as any write does; once it succeeded, the window refreshes ``changes``."""
        catalogue = self.catalogue
        try:
            if background:
                result = operations.run(parent or self, text, fn, title=title, cancellable=cancellable,
                                        catalogue=catalogue, delay_ms=delay_ms, busy_cursor=busy_cursor)
            else:
                result = fn(lambda _done, _total: None, lambda: False)
        except (operations.Abandoned, OperationCancelled):
            return None
        except Exception as exc:  # noqa: BLE001 - said in French, details in the log
            operations.show_error(parent or self, title, exc)
            self.apply_changes(changes)
            return None
        self.apply_changes(changes)
        return result

    def apply_changes(self, changes: Change) -> None:
        """Refresh what ``changes`` says changed, and only that."""
        if Change.VOCABULARIES in changes:
            self.model.reload_vocabularies()
            if self.catalogue is not None:
                self.facets.set_kind_colors(self.catalogue.kind_colors())
        if Change.VIEWS in changes:
            self._reload_views()
        if changes & (Change.ACTORS | Change.VOCABULARIES):
            self.model.invalidate_rows()
            self.refresh()
            self.editor.refresh()

    # ------------------------------------------------------------------ drag and drop (import)
    def import_file(self, path: str) -> None:
        """Import ``path`` (what a file dropped on the window does)."""
        if self._import_handler is not None:
            self._import_handler(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._import_handler is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.import_file(urls[0].toLocalFile())


__all__ = ["MainWindow"]
