"""Team sync in the window: Fichier → Synchronisation… and « Synchroniser maintenant »
(Ctrl+Shift+S), the automatic syncs (at the opening of a catalogue, at the window's
close, every few minutes), the state in the status bar, « Conflits à revoir », and a
warning when the catalogue file itself is on a network share.

Every sync runs in a worker through :mod:`..operations`: the one asked for behind a
progress dialog with « Annuler » (shown only when it lasts: a new member's first pull),
the automatic ones quietly — their errors go to the status bar, never to a dialog. What a
pull applied refreshes the window through :class:`~..operations.Change`; each changeset
received is one undoable step « Reçu de … », as the catalogue's history has it.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton

from ... import french
from ...catalogue import Catalogue, OperationCancelled
from ...errors import UserError
from ...sync import config, netfs, run
from ...sync.place import Offline
from .. import dates, operations
from ..operations import Change
from ..settings import settings as app_settings
from ..text_safety import escape_html, escape_tooltip, plain_label, set_plain
from .conflicts import ConflictsPanel
from .dialog import Choice, SyncDialog
from .forwarding import Forwarder, detach
from .passwords import SessionPasswords

log = logging.getLogger(__name__)

AUTOMATIC_KEY = "sync/automatic"
INTERVAL_KEY = "sync/interval_minutes"
DEFAULT_INTERVAL_MINUTES = 5
TITLE = "Synchronisation de l'équipe"
CONFLICTS_LINK = "conflits"


# ---------------------------------------------------------------------------- the status line

def _moment(iso: str, today: datetime | None = None) -> str:
    """« à 10:42 » today, « le 01/12/2026 à 10:42 » another day."""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return ""
    today = (today or datetime.now().astimezone()).date()
    return f"à {moment:%H:%M}" if moment.date() == today else f"le {dates.local_time(moment)}"


def status_text(status: run.Status, *, offline: bool = False, failed: bool = False) -> str:
    """« Synchronisé à 10:42 · 3 modifications à envoyer », « Hors ligne : 12 modifications
    en attente » (conflicts are said apart, as a link)."""
    pending = status.pending
    if offline:
        return "Hors ligne : " + (f"{french.count(pending, 'modification')} en attente" if pending
                                  else "aucune modification en attente")
    if failed:
        head = "Synchronisation impossible"
    elif status.last_sync:
        head = f"Synchronisé {_moment(status.last_sync)}".rstrip()
    else:
        head = "Pas encore synchronisé"
    if pending:
        head += f" · {french.count(pending, 'modification')} à envoyer"
    return head


def _close_place(place) -> None:
    close = getattr(place, "close", None)
    if close is not None:
        close()


# ---------------------------------------------------------------------------- the feature

class TeamSync(QObject):
    """What ``install`` adds to the window; kept in ``window.features["sync"]``."""

    #: A sync ended: its :class:`~eco_desktop.sync.run.Report`, or the exception it raised.
    finished = Signal(object)
    _committed = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.passwords = SessionPasswords()
        self.catalogue: Catalogue | None = None
        self.operation: operations.Operation | None = None
        self.running = False
        self.offline = False
        self.failure = ""
        self.last_report: run.Report | None = None
        self.last_dialog: SyncDialog | None = None
        self._forwarder = Forwarder(self)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(250)
        self._status_timer.timeout.connect(self.update_status)
        self._committed.connect(self._catalogue_written)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_automatically)
        self._build_actions()
        self._build_status()
        self._build_banner()
        self._build_dock()
        window.catalogueChanged.connect(self._catalogue_changed)
        window.closing.connect(self._window_closing)
        self._catalogue_changed()

    # ------------------------------------------------------------------ building
    def _build_actions(self) -> None:
        w = self.window
        self.act_settings = QAction("Synchronisation…", w)
        self.act_settings.setStatusTip("Partager ce catalogue avec l'équipe : dossier partagé ou serveur WebDAV")
        self.act_settings.triggered.connect(self.open_settings)
        self.act_sync = QAction("Synchroniser maintenant", w)
        self.act_sync.setShortcut("Ctrl+Shift+S")
        self.act_sync.setStatusTip("Recevoir les modifications de l'équipe et envoyer les vôtres (Ctrl+Maj+S)")
        self.act_sync.triggered.connect(self.sync_now)
        self.act_conflicts = QAction("Conflits à revoir", w)
        self.act_conflicts.setStatusTip("Les champs modifiés à la fois par vous et par un collègue")
        self.act_conflicts.triggered.connect(self.show_conflicts)
        for action in (self.act_settings, self.act_sync, self.act_conflicts):
            w.add_file_action(action)

    def _build_status(self) -> None:
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.RichText)  # only our words; the link to the conflicts
        self.status_label.setContentsMargins(0, 0, 8, 0)
        self.status_label.setAccessibleName("État de la synchronisation")
        self.status_label.linkActivated.connect(lambda _link: self.show_conflicts())
        self.status_label.setVisible(False)
        self.window.add_status_widget(self.status_label)

    def _build_banner(self) -> None:
        self.banner = QFrame()
        self.banner.setObjectName("networkShareBanner")
        self.banner.setStyleSheet("QFrame#networkShareBanner { background:#fff4ce; border-bottom:1px solid #e0c36a; }"
                                  " QFrame#networkShareBanner QLabel { color:#5c4400; }")
        self.banner_label = plain_label("", wrap=True, bounded=True)
        button = QPushButton("Synchronisation…")
        button.clicked.connect(self.open_settings)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.banner_label, 1)
        row.addWidget(button)
        self.banner.setVisible(False)
        self.window.add_banner(self.banner)

    def _build_dock(self) -> None:
        self.panel = ConflictsPanel(self.resolve)
        self.panel.actorChosen.connect(self.window.select_actor)
        self.dock = QDockWidget("Conflits à revoir", self.window)
        self.dock.setObjectName("sync-conflicts")
        self.dock.setWidget(self.panel)
        self.window.add_dock(self.dock)
        self.dock.visibilityChanged.connect(lambda visible: visible and self.panel.reload())

    # ------------------------------------------------------------------ settings
    def automatic(self) -> bool:
        return str(app_settings().value(AUTOMATIC_KEY, True)).lower() not in ("false", "0")

    def interval_minutes(self) -> int:
        try:
            minutes = int(app_settings().value(INTERVAL_KEY, DEFAULT_INTERVAL_MINUTES))
        except (TypeError, ValueError):
            minutes = DEFAULT_INTERVAL_MINUTES
        return max(1, minutes)

    def spec(self) -> config.PlaceSpec | None:
        """The shared place remembered in the open catalogue, if it syncs."""
        catalogue = self.catalogue
        if catalogue is None or not catalogue.sync_configured():
            return None
        return config.remembered(catalogue)

    def _restart_timer(self) -> None:
        self.timer.stop()
        if self.spec() is not None and self.automatic() and not self.catalogue.read_only:
            self.timer.start(self.interval_minutes() * 60_000)

    # ------------------------------------------------------------------ the catalogue
    def _catalogue_changed(self) -> None:
        if self.operation is not None:
            self.operation.cancel()  # its catalogue was closed: it fails quietly
        self.catalogue = catalogue = self.window.catalogue
        self.offline, self.failure, self.last_report = False, "", None
        if catalogue is not None and self._listener not in catalogue.listeners:
            catalogue.listeners.append(self._listener)
        writable = catalogue is not None and not catalogue.read_only
        for action in (self.act_settings, self.act_sync):
            action.setEnabled(writable)
        self.act_conflicts.setEnabled(catalogue is not None)
        warning = netfs.network_warning(catalogue.path) if catalogue is not None else None
        set_plain(self.banner_label, warning or "")
        self.banner.setVisible(warning is not None)
        self.panel.set_catalogue(catalogue)
        self.update_status()
        self._restart_timer()
        if self.spec() is not None and self.automatic():
            QTimer.singleShot(0, self.sync_automatically)

    def _listener(self, _label: str, _undoable: bool) -> None:
        """A catalogue listener: called on whichever thread committed."""
        try:
            self._committed.emit()
        except RuntimeError:  # the window is gone
            pass

    def _catalogue_written(self) -> None:
        if self.running:
            return  # the sync's end says it all; reading now would wait for its lock
        self._status_timer.start()
        if self.dock.isVisible():
            self.panel.reload()

    def update_status(self) -> str:
        """Say the sync's state in the status bar; the text shown ('' when not syncing)."""
        catalogue = self.catalogue
        try:
            status = run.status(catalogue) if catalogue is not None else None
        except Exception:  # noqa: BLE001 - a closed catalogue: nothing to say
            log.debug("sync status unavailable", exc_info=True)
            status = None
        if status is None or not status.configured:
            self.status_label.setVisible(False)
            self.status_label.clear()
            return ""
        text = status_text(status, offline=self.offline, failed=bool(self.failure))
        html = escape_html(text)
        if status.conflicts:
            html += (f" · <a href='{CONFLICTS_LINK}'>{french.count(status.conflicts, 'conflit')} à revoir</a>")
        self.status_label.setText(html)
        tip = "\n".join(status.lines()) + (f"\n\n{self.failure}" if self.failure else "")
        self.status_label.setToolTip(escape_tooltip(tip))
        self.status_label.setVisible(True)
        return text + (f" · {french.count(status.conflicts, 'conflit')} à revoir" if status.conflicts else "")

    # ------------------------------------------------------------------ the dialog
    def open_settings(self) -> SyncDialog | None:
        """Fichier → Synchronisation… (opened, not waited for: its answer comes back here)."""
        catalogue = self.catalogue
        if catalogue is None:
            return None
        dialog = SyncDialog(catalogue, self.passwords, spec=config.remembered(catalogue), automatic=self.automatic(),
                            interval_minutes=self.interval_minutes(), status=run.status(catalogue), parent=self.window)
        dialog.accepted.connect(lambda: self._dialog_accepted(dialog))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def _dialog_accepted(self, dialog: SyncDialog) -> None:
        choice = dialog.choice
        if choice is None:
            return
        if dialog.join_requested:
            self.ask_join(choice)
            return
        if self.apply_choice(choice):
            self.sync_now()

    def apply_choice(self, choice: Choice) -> bool:
        """Keep the dialog's choice: the place (in the catalogue), the member's name, the
        password (keyring, else this session), the timer (QSettings)."""
        catalogue = self.catalogue
        if catalogue is None:
            return False
        try:
            if not catalogue.sync_configured() or catalogue.sync_identity().member != choice.member:
                catalogue.set_member(choice.member)
            config.remember(catalogue, choice.spec)
        except UserError as exc:
            operations.show_error(self.window, TITLE, exc)
            return False
        if choice.password is not None:
            self.passwords.keep(choice.spec, choice.password)  # without a keyring the dialog said so
        s = app_settings()
        s.setValue(AUTOMATIC_KEY, choice.automatic)
        s.setValue(INTERVAL_KEY, choice.interval_minutes)
        s.sync()
        self._restart_timer()
        self.update_status()
        return True

    # ------------------------------------------------------------------ syncing
    def _work(self, catalogue: Catalogue, spec: config.PlaceSpec, password: str | None):
        def work(progress, cancelled) -> run.Report:
            place = spec.open(password)
            try:
                return run.sync(catalogue, place, progress, cancelled)
            finally:
                _close_place(place)
        return work

    def _password(self, spec: config.PlaceSpec) -> str | None:
        return self.passwords.get(spec) if spec.kind == "webdav" else None

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Let a running sync end (the window stays drawn meanwhile)."""
        if not self.running:
            return
        loop = QEventLoop()
        self.finished.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        if self.running:
            loop.exec()
        self.finished.disconnect(loop.quit)

    def sync_now(self) -> run.Report | None:
        """« Synchroniser maintenant »: behind a progress dialog with « Annuler » when it lasts."""
        catalogue = self.catalogue
        if catalogue is None or catalogue.read_only:
            return None
        spec = self.spec()
        if spec is None:
            self.open_settings()
            return None
        password = self._password(spec)
        if spec.kind == "webdav" and password is None:
            dialog = self.open_settings()
            if dialog is not None:
                dialog.say("Indiquez le mot de passe du serveur WebDAV.", error=True)
            return None
        self.wait()
        if self.running:  # an automatic sync that does not end (a server slow to answer)
            self.window.show_status("Une synchronisation est déjà en cours : réessayez dans un instant.", 8000)
            return None
        if not self.window.maybe_leave_record():
            return None
        self.running = True
        self._forwarder.attach(catalogue)
        try:
            report = operations.run(self.window, "Synchronisation avec l'équipe…", self._work(catalogue, spec, password),
                                    title=TITLE, cancellable=True)
        except OperationCancelled as exc:
            self._ended(exc, quiet=True)
            return None
        except Exception as exc:  # noqa: BLE001 - said in French below
            self._ended(exc, quiet=False)
            return None
        finally:
            detach(catalogue)
        self._ended(report, quiet=False)
        return report

    def sync_automatically(self) -> operations.Operation | None:
        """A quiet sync (at the opening, every few minutes): no dialog, errors in the status bar."""
        catalogue = self.catalogue
        spec = self.spec()
        if spec is None or self.running or catalogue.read_only or not self.automatic():
            return None
        password = self._password(spec)
        if spec.kind == "webdav" and password is None:
            self.failure = ("Le mot de passe du serveur WebDAV n'est pas connu : donnez-le dans Fichier → "
                            "Synchronisation… pour reprendre la synchronisation.")
            self.update_status()
            return None
        self.running = True
        self._forwarder.attach(catalogue)

        def done(outcome) -> None:
            self.operation = None
            detach(catalogue)
            if catalogue is self.catalogue:
                self._ended(outcome, quiet=True)
            else:  # another catalogue was opened meanwhile: its own first sync now
                self.running = False
                self.finished.emit(outcome)
                QTimer.singleShot(0, self.sync_automatically)

        self.operation = operations.start(self.window, self._work(catalogue, spec, password), on_done=done,
                                          on_failed=done, quiet=True)
        return self.operation

    def _ended(self, outcome, *, quiet: bool) -> None:
        """What a sync's end changes in the window: its state, the list, the conflicts."""
        self.running = False
        if isinstance(outcome, run.Report):
            self.offline, self.failure, self.last_report = False, "", outcome
            if outcome.received:
                self.window.apply_changes(Change.ALL)
                who = ", ".join(dict.fromkeys(outcome.members))
                self.window.show_status(f"Reçu de {who} : {french.count(outcome.rows, 'modification')}.", 8000)
            if outcome.refused:
                self.window.show_status(" ".join(outcome.refused), 15000)
        elif isinstance(outcome, Offline):
            self.offline, self.failure = True, ""
            if not quiet:
                self.window.show_status(str(outcome), 10000)
        elif isinstance(outcome, OperationCancelled):
            self.window.show_status(str(outcome), 8000)
            if self.catalogue is not None:
                self.window.apply_changes(Change.ALL)  # what was received before the cancel stays
        else:
            self.offline = False
            self.failure = operations.error_text(outcome, "La synchronisation n'a pas abouti")
            if quiet:
                self.window.show_status(self.failure, 15000)
            else:
                operations.show_error(self.window, TITLE, outcome, failure="La synchronisation n'a pas abouti")
        self.panel.reload()
        text = self.update_status()
        if isinstance(outcome, run.Report) and not quiet and not outcome.received and not outcome.refused:
            self.window.show_status(text, 5000)
        if isinstance(outcome, run.Report) and outcome.conflicts and not quiet:
            self.show_conflicts()
        self.finished.emit(outcome)

    def _window_closing(self) -> None:
        """The window closes: a last sync, waited for (cancellable), never a dialog after it."""
        self.timer.stop()
        if self.operation is not None:
            self.operation.cancel()
        self.wait()
        catalogue, spec = self.catalogue, self.spec()
        self.catalogue = None  # the window closes it next
        self._status_timer.stop()
        if spec is None or catalogue.read_only or not self.automatic():
            return
        password = self._password(spec)
        if spec.kind == "webdav" and password is None:
            return
        # The window's parts need no news of this run's writes: they are going away.
        listeners, catalogue.listeners[:] = list(catalogue.listeners), []
        try:
            operations.run(self.window, "Synchronisation avant de fermer…", self._work(catalogue, spec, password),
                           title=TITLE, cancellable=True)
        except Exception:  # noqa: BLE001 - the changes wait for the next sync
            log.info("last sync before closing did not complete", exc_info=True)
        finally:
            catalogue.listeners[:] = listeners

    # ------------------------------------------------------------------ joining a team
    def ask_join(self, choice: Choice) -> Path | None:
        """Where to create the new member's catalogue, then :meth:`join`."""
        folder = self.catalogue.path.parent if self.catalogue is not None else Path.home()
        path, _ = QFileDialog.getSaveFileName(self.window, "Nouveau catalogue de l'équipe",
                                              str(folder / "catalogue-equipe.sqlite"),
                                              "Catalogues eco_desktop (*.sqlite)")
        if not path:
            return None
        return self.join(choice, Path(path).with_suffix(".sqlite"))

    def join(self, choice: Choice, path: Path) -> Path | None:
        """A new catalogue at ``path`` from the team's place (its latest snapshot, then the
        log), opened in the window. A join cancelled after the snapshot leaves a catalogue
        that the next sync completes: it is opened too."""
        if path.exists():  # (the file dialog asked to replace it; a join never does)
            operations.show_error(self.window, TITLE, f"Le fichier « {path} » existe déjà : choisissez le nom d'un "
                                  "nouveau catalogue pour rejoindre l'équipe.")
            return None
        if not self.window.maybe_leave_record():
            return None
        spec = choice.spec
        password = choice.password if choice.password is not None else self._password(spec)

        def work(progress, cancelled) -> run.Report:
            place = spec.open(password)
            try:
                return run.join(place, path, member=choice.member, progress=progress, cancel=cancelled)
            finally:
                _close_place(place)

        try:
            operations.run(self.window, "Création du catalogue de l'équipe…", work, title=TITLE, cancellable=True)
        except OperationCancelled as exc:
            self.window.show_status(str(exc), 10000)
        except Exception as exc:  # noqa: BLE001 - said in French
            operations.show_error(self.window, TITLE, exc, failure="Rejoindre l'équipe n'a pas abouti")
            if not path.exists():
                return None
        if not path.exists():
            return None
        catalogue = Catalogue.open(path)
        config.remember(catalogue, spec)
        if choice.password is not None:
            self.passwords.keep(spec, choice.password)
        s = app_settings()
        s.setValue(AUTOMATIC_KEY, choice.automatic)
        s.setValue(INTERVAL_KEY, choice.interval_minutes)
        self.window.set_catalogue(catalogue)
        self.window.show_status(f"Catalogue de l'équipe créé : {path}", 10000)
        return path

    # ------------------------------------------------------------------ conflicts
    def show_conflicts(self) -> None:
        self.panel.reload()
        self.dock.show()
        self.dock.raise_()

    def resolve(self, conflict_id: int, take: str) -> None:
        """Keep ``take``'s value for a conflict: one undoable step of the window."""
        catalogue = self.catalogue
        if catalogue is None:
            return
        self.window.run_operation(lambda _progress, _cancelled: catalogue.resolve_conflict(conflict_id, take),
                                  text="Conflit…", title="Conflits à revoir", background=False,
                                  changes=Change.ACTORS)
        self.panel.reload()
        self.update_status()


def install(window) -> TeamSync:
    return TeamSync(window)


__all__ = ["TeamSync", "install", "status_text"]
