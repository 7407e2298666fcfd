"""Writes on the selected actors (new, duplicate, trash, restore, purge, bulk edit, merge)
and the saved views, from the window's menus and the list's context menu."""
from __future__ import annotations

from ...errors import UserError
from ...filter import Filter
from ..operations import Change
from ..text_safety import escape_mnemonic, inform, warn


class ActorCommands:
    """MainWindow's Édition menu and saved views."""

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
            self.apply_changes(Change.ACTORS)

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2 or self.catalogue is None:
            return
        if not self.editor.maybe_leave(self):
            return
        from ..dialogs import MergeDialog
        if MergeDialog(self.catalogue, ids[0], ids[1], self).exec():
            self.apply_changes(Change.ACTORS)

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
