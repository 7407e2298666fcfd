"""The window's actions, menus and toolbar, the list's context menus, and the Outils and
Aide menus' own commands (vocabularies, shortcuts, about, the log)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolBar, QWidget

from ...logs import log_path
from ..operations import Change
from ..text_safety import inform
from ..theme import icon
from .table_model import COLUMNS


class WindowActions:
    """MainWindow's part that builds its actions, menus and toolbar."""

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
        # No shortcut: SaveAs is Ctrl+Shift+S on Linux and macOS, the team sync's « Synchroniser maintenant ».
        self.act_save_copy = self._action("Enregistrer une copie…", self.save_copy)
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
        self.custom_columns.fill_menu(menu)  # custom fields' columns

    def _table_menu(self, pos) -> None:
        menu = QMenu(self)
        if self.filter.only_deleted:
            menu.addAction(self.act_restore)
            menu.addAction(self.act_purge)
        else:
            for action in (self.act_new_actor, self.act_duplicate, self.act_delete, None, self.act_bulk,
                           self.act_merge):
                menu.addSeparator() if action is None else menu.addAction(action)
        for action in self._selection_actions:
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def edit_vocabularies(self) -> None:
        if self.catalogue is None:
            return
        from ..dialogs import VocabularyDialog
        VocabularyDialog(self.catalogue, self).exec()
        self.apply_changes(Change.VOCABULARIES)

    def shortcuts(self) -> list[tuple[str, str]]:
        out = []
        actions = [self.act_find, self.act_new_actor, self.act_duplicate, self.act_delete, self.act_undo,
                   self.act_redo, self.act_bulk, self.act_clear_filters, self.act_select_all,
                   self.act_open, self.act_save_copy, self.act_refresh, self.act_help, self.act_quit]
        if "sync" in self.features:  # the team sync's « Synchroniser maintenant »
            actions.insert(-2, self.features["sync"].act_sync)
        for action in actions:
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
