"""Fichier → Synchronisation… : where the team's shared place is (a folder, or a WebDAV
URL with its user and password), the member's name, how often to sync by itself; a test
of the connection; and joining a team with a new catalogue.

The dialog only gathers and checks: :class:`~.feature.TeamSync` saves (the place in the
catalogue, the password in the keyring or this session's memory, the timer in
QSettings) and runs the syncs.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout,
                               QWidget)

from ... import french
from ...errors import UserError
from ...sync import credentials, log
from ...sync.config import PlaceSpec
from .. import dates, operations
from ..text_safety import plain_label, set_plain
from .passwords import SessionPasswords

ERROR_STYLE = "color:#a51d2d;"
SUCCESS_STYLE = "color:#1a7f37;"
NO_KEYRING = ("Aucun trousseau de mots de passe n'est disponible sur cet ordinateur : le mot de passe WebDAV ne "
              "peut pas être retenu et sera gardé jusqu'à la fermeture de l'application, puis demandé à nouveau.")


@dataclass(frozen=True)
class Choice:
    """What the person set in the dialog."""
    spec: PlaceSpec
    password: str | None      # WebDAV: the password typed (None: the one held already)
    member: str
    automatic: bool
    interval_minutes: int


def state_lines(status) -> list[str]:
    """The sync's state as the dialog says it (a :class:`~eco_desktop.sync.run.Status`, None
    when this catalogue does not sync yet)."""
    if status is None or not status.configured:
        return ["Ce catalogue n'est pas encore synchronisé."]
    lines = [f"Membre : {status.member}",
             "Dernière synchronisation : " + (dates.local_time(status.last_sync) if status.last_sync else "jamais"),
             f"{french.count(status.pending, 'modification')} à envoyer."]
    if status.conflicts:
        lines.append(f"{french.count(status.conflicts, 'conflit')} à revoir (Fichier → Conflits à revoir).")
    return lines


def describe_place(place) -> str:
    """What a reachable place holds, in French (the connection test's answer)."""
    members = log.log_index(place)
    snapshot = log.latest_snapshot(place)
    if not members and snapshot is None:
        return ("Connexion réussie : le dossier partagé est vide. La première synchronisation y installera "
                "l'équipe à partir de ce catalogue.")
    return (f"Connexion réussie : {french.count(len(members), 'membre a publié', 'membres ont publié')} dans ce "
            f"dossier partagé ({french.count(sum(len(s) for s in members.values()), 'envoi')}).")


class SyncDialog(QDialog):
    """The settings of the team sync (see the module). ``accepted`` with :attr:`choice`
    set; :attr:`join_requested` when the person asked to join the team instead."""

    def __init__(self, catalogue, passwords: SessionPasswords, *, spec: PlaceSpec | None, automatic: bool,
                 interval_minutes: int, status=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Synchronisation de l'équipe")
        self.setMinimumWidth(600)
        self.catalogue = catalogue
        self.passwords = passwords
        self.choice: Choice | None = None
        self.join_requested = False

        intro = plain_label("Chaque membre de l'équipe garde son propre catalogue et travaille hors ligne ; les "
                            "modifications passent par un dossier partagé ou un serveur WebDAV (Nextcloud, "
                            "ownCloud…). Ne placez jamais le fichier du catalogue lui-même sur un partage réseau.",
                            wrap=True, bounded=True)

        self.folder_radio = QRadioButton("Dossier partagé (partage réseau, dossier Nextcloud ou OneDrive, clé USB)")
        self.webdav_radio = QRadioButton("Serveur WebDAV (adresse https://…)")
        kinds = QButtonGroup(self)
        kinds.addButton(self.folder_radio)
        kinds.addButton(self.webdav_radio)

        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("Dossier partagé de l'équipe")
        self.folder_edit.setAccessibleName("Dossier partagé")
        self.choose_button = QPushButton("Choisir…")
        self.choose_button.clicked.connect(self._choose_folder)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(20, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.choose_button)

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://nuage.exemple.fr/remote.php/dav/files/equipe/eco/")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.webdav_box = QWidget()
        form = QFormLayout(self.webdav_box)
        form.setContentsMargins(20, 0, 0, 0)
        form.addRow("Adresse :", self.url_edit)
        form.addRow("Utilisateur :", self.user_edit)
        form.addRow("Mot de passe :", self.password_edit)
        self.keyring_label = plain_label("", wrap=True, bounded=True)
        self.keyring_label.setStyleSheet("color:#6b4f00;")
        form.addRow(self.keyring_label)

        self.member_edit = QLineEdit()
        self.member_edit.setPlaceholderText("Claire, Région")
        self.member_edit.setAccessibleName("Votre nom dans l'équipe")
        self.automatic_box = QCheckBox("Synchroniser automatiquement : à l'ouverture, à la fermeture et toutes les")
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, 240)
        self.interval_spin.setSuffix(" min")
        auto_row = QHBoxLayout()
        auto_row.addWidget(self.automatic_box)
        auto_row.addWidget(self.interval_spin)
        auto_row.addStretch(1)
        self.automatic_box.toggled.connect(self.interval_spin.setEnabled)

        self.status_label = plain_label("\n".join(state_lines(status)), wrap=True, bounded=True)
        self.status_label.setStyleSheet("color:#555;")
        self.message_label = plain_label("", wrap=True, bounded=True)
        self.message_label.setVisible(False)

        buttons = QDialogButtonBox()
        self.test_button = buttons.addButton("Tester la connexion", QDialogButtonBox.ButtonRole.ActionRole)
        self.join_button = buttons.addButton("Rejoindre une équipe…", QDialogButtonBox.ButtonRole.ActionRole)
        self.join_button.setToolTip("Créer un nouveau catalogue à partir du dossier partagé d'une équipe existante")
        self.sync_button = buttons.addButton("Enregistrer et synchroniser", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sync_button.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.test_button.clicked.connect(self.test_connection)
        self.join_button.clicked.connect(self._join)
        self.sync_button.clicked.connect(self._accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Lieu partagé de l'équipe</b>"))
        layout.addWidget(self.folder_radio)
        layout.addWidget(folder_row)
        layout.addWidget(self.webdav_radio)
        layout.addWidget(self.webdav_box)
        layout.addSpacing(6)
        member_form = QFormLayout()
        member_form.addRow("Votre nom (dans l'historique de chacun) :", self.member_edit)
        layout.addLayout(member_form)
        layout.addLayout(auto_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.folder_radio.toggled.connect(self._kind_changed)
        self._fill(spec, automatic, interval_minutes)

    # ------------------------------------------------------------------ state
    def _fill(self, spec: PlaceSpec | None, automatic: bool, interval_minutes: int) -> None:
        if spec is not None and spec.kind == "webdav":
            self.webdav_radio.setChecked(True)
            self.url_edit.setText(spec.location)
            self.user_edit.setText(spec.user)
            if self.passwords.get(spec) is not None:
                self.password_edit.setPlaceholderText("(déjà donné : laissez vide pour le garder)")
        else:
            self.folder_radio.setChecked(True)
            if spec is not None:
                self.folder_edit.setText(spec.location)
        self._kind_changed()
        configured = self.catalogue is not None and self.catalogue.sync_configured()
        if configured:
            self.member_edit.setText(self.catalogue.sync_identity().member)
        self.automatic_box.setChecked(automatic)
        self.interval_spin.setValue(interval_minutes)
        self.interval_spin.setEnabled(automatic)
        self.keyring_label.setText(NO_KEYRING)
        self.keyring_label.setVisible(not credentials.available())
        writable = self.catalogue is not None and not self.catalogue.read_only
        self.sync_button.setEnabled(writable)

    def _kind_changed(self) -> None:
        folder = self.folder_radio.isChecked()
        for widget in (self.folder_edit, self.choose_button):
            widget.setEnabled(folder)
        self.webdav_box.setEnabled(not folder)

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Dossier partagé de l'équipe", self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def say(self, text: str, *, error: bool = False) -> None:
        """A sentence under the form (the test's answer, what is missing)."""
        set_plain(self.message_label, text)
        self.message_label.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        return self.message_label.text() if self.message_label.isVisible() else ""

    # ------------------------------------------------------------------ reading the form
    def place_spec(self) -> PlaceSpec:
        """The place the form names (a French :class:`UserError` when it names none)."""
        if self.folder_radio.isChecked():
            folder = self.folder_edit.text().strip()
            if not folder:
                raise UserError("Choisissez le dossier partagé de l'équipe.")
            return PlaceSpec("folder", folder)
        url = self.url_edit.text().strip()
        if not url:
            raise UserError("Indiquez l'adresse du serveur WebDAV (https://…).")
        user = self.user_edit.text().strip()
        if not user:
            raise UserError("Indiquez l'utilisateur du serveur WebDAV.")
        return PlaceSpec("webdav", url, user)

    def password_for(self, spec: PlaceSpec) -> str | None:
        """The password typed, else the one held for the account (None for a folder)."""
        if spec.kind != "webdav":
            return None
        typed = self.password_edit.text()
        if typed:
            return typed
        held = self.passwords.get(spec)
        if held is None:
            raise UserError("Indiquez le mot de passe du serveur WebDAV.")
        return held

    def read_choice(self) -> Choice:
        spec = self.place_spec()
        password = self.password_for(spec)
        member = " ".join(self.member_edit.text().split())
        if not member:
            raise UserError("Indiquez votre nom, tel que l'équipe le lira dans l'historique (par exemple "
                            "« Claire, Région »).")
        typed = password if spec.kind == "webdav" and self.password_edit.text() else None
        return Choice(spec, typed, member, self.automatic_box.isChecked(), self.interval_spin.value())

    # ------------------------------------------------------------------ buttons
    def test_connection(self) -> bool:
        """Reach the place the form names and say what it holds; True when it answered."""
        try:
            spec = self.place_spec()
            password = self.password_for(spec)
        except UserError as exc:
            self.say(str(exc), error=True)
            return False

        def probe(_progress, _cancelled) -> str:
            place = spec.open(password)
            try:
                return describe_place(place)
            finally:
                close = getattr(place, "close", None)
                if close is not None:
                    close()

        try:
            answer = operations.run(self, "Connexion au dossier partagé…", probe, title=self.windowTitle(),
                                    busy_cursor=True)
        except UserError as exc:
            self.say(str(exc), error=True)
            return False
        except Exception as exc:  # noqa: BLE001 - said in French, details in the log
            self.say(operations.error_text(exc, "Le test de connexion n'a pas abouti"), error=True)
            return False
        self.say(answer)
        return True

    def _accept(self) -> None:
        try:
            self.choice = self.read_choice()
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.accept()

    def _join(self) -> None:
        try:
            self.choice = self.read_choice()
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.join_requested = True
        self.accept()


__all__ = ["Choice", "SyncDialog", "describe_place", "state_lines"]
