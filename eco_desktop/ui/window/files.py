"""Catalogue files from the window: open (and the recent ones), create, save a copy,
re-read what another program wrote. A damaged file is handed to the safety feature,
which offers its latest sound backup."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ...catalogue import Catalogue
from ...errors import DamagedCatalogue, UserError
from ..text_safety import escape_mnemonic, warn

MAX_RECENT = 8


class CatalogueFiles:
    """MainWindow's File menu: which catalogue it shows."""

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
            return safety.offer_restore(path)
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
