"""The record editor: one actor's fields, contacts, relations, follow-up and history.

Field edits only mark the editor dirty; *Enregistrer* writes every changed field in one
``update_actor`` call (one undo step). Contacts, relations and exchanges are written
at once through their dialogs (each its own undo step) and announced with ``changed``.
Validation runs on each edit (``validate.validate_actor``): errors block saving,
warnings do not.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QScrollArea, QSizePolicy, QStackedWidget,
    QTextEdit, QVBoxLayout, QWidget,
)

from ... import french, validate
from ...errors import UserError
from .. import dates
from ..dialogs.common import show_error
from .form import ActorFormMixin
from .journal import JournalPanel
from .panels import ContactsPanel, ExchangesPanel, RelationsPanel
from .widgets import (
    EDITOR_STYLE, FieldMessage, KindChip, Section, WrappingLabel, header_font, role_label,
    set_issue,
)
from ..text_safety import message_box
from ..theme import icon

BLANK_ACTOR: dict[str, Any] = {
    "name": "", "aliases": [], "kind": "", "domains": [], "activities": [], "tags": [], "description": "",
    "website": "", "email": "", "phone": "", "siren": "", "siret": "", "naf": "", "size": "", "founded": None,
    "status": "active", "street": "", "postcode": "", "commune": "", "insee_code": "", "departement": "",
    "mgp": False, "ept": "", "epci": "", "outside_idf": False, "lat": None, "lon": None, "geo_precision": "",
    "source": "", "created_at": None, "updated_at": None, "deleted_at": None,
}
# Where an issue of validate_actor is shown: issue field -> message slot.
ISSUE_SLOTS = {"insee_code": "commune", "lat": "position", "lon": "position"}
NEW_ACTOR_TITLE = "Nouvel acteur"


class ActorEditor(ActorFormMixin, QWidget):
    """Edit one actor. Call :meth:`maybe_leave` before :meth:`load`-ing another one.

    Signals: ``saved(id)`` after *Enregistrer* wrote the form (or created the actor);
    ``changed()`` after any other write from the editor (contact, relation, exchange);
    ``dirtyChanged(bool)``; ``actorActivated(id)`` when a related actor is opened;
    ``placeOnMapRequested(id)`` for « Placer sur la carte ».
    ``save_action`` (Ctrl+S, active while the focus is in the editor) and
    ``revert_action`` can be put in the window's menus.
    """

    saved = Signal(int)
    dirtyChanged = Signal(bool)  # noqa: N815 (Qt naming)
    actorActivated = Signal(int)  # noqa: N815
    changed = Signal()
    placeOnMapRequested = Signal(int)  # noqa: N815 (« Placer sur la carte » of a saved actor)

    def __init__(self, catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self._actor_id: int | None = None
        self._creating = False
        self._actor: dict[str, Any] = dict(BLANK_ACTOR)
        self._baseline: dict[str, Any] = {}
        self._dirty = False
        self._loading = False
        self._issues: list[validate.Issue] = []
        self._insee = ""
        self._place_key: tuple[str, str] = ("", "")  # (postcode, commune) as stored
        self._last_place_key: tuple[str, str] = ("", "")  # as at the previous edit
        self.inputs: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        self._labels: list[QLabel] = []
        self.setStyleSheet(EDITOR_STYLE)
        self.setMinimumWidth(300)

        self.save_action = QAction(icon("save"), "Enregistrer la fiche", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(self.save)
        self.addAction(self.save_action)
        self.revert_action = QAction(icon("restore"), "Annuler les modifications", self)
        self.revert_action.triggered.connect(self.revert)

        self._loading = True  # combos announce their first items while being built
        self._build()
        self._loading = False
        self.setFocusProxy(self.name_edit)  # focusing the editor puts the cursor in the name
        self.set_catalogue(catalogue)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        self.empty_label = QLabel("Aucun acteur sélectionné")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setFont(header_font(self.font(), 1.2, bold=False))
        self.empty_label.setStyleSheet("color: #8a8a8a;")
        hint = role_label("Choisissez un acteur dans la liste pour afficher sa fiche.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(hint)
        empty_layout.addStretch(2)
        self.stack.addWidget(empty)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self._build_header())
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("editorBody")
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(12, 4, 12, 12)
        self.body_layout.setSpacing(6)
        self.sections: dict[str, Section] = {}
        self._build_identity()
        self._build_identifiers()
        self._build_location()
        self._build_coordinates()
        self.custom_panel = self._build_custom_fields()  # custom fields
        self._build_lists()
        self.body_layout.addStretch(1)
        self.scroll.setWidget(body)
        page_layout.addWidget(self.scroll, 1)
        self.stack.addWidget(page)
        self._align_labels()

    def _build_header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("editorHeader")
        header.setStyleSheet("QFrame#editorHeader { background: #fafbfc; border-bottom: 1px solid #dcdfe3; }")
        layout = QVBoxLayout(header)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(4)
        self.title = WrappingLabel()
        self.title.setFont(header_font(self.font(), 1.45))
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.title)
        chips = QHBoxLayout()
        chips.setSpacing(8)
        self.kind_chip = KindChip()
        chips.addWidget(self.kind_chip)
        chips.addStretch(1)
        layout.addLayout(chips)
        self.subtitle = role_label("", wrap=True)
        self.subtitle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.subtitle)
        self.banner = WrappingLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e8c96b; border-radius: 4px;"
                                  " padding: 4px 6px; color: #5c4500; }")
        self.banner.hide()
        layout.addWidget(self.banner)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.status = WrappingLabel()
        self.status.setTextFormat(Qt.TextFormat.RichText)  # only our own coloured counts
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.save_button = QPushButton(icon("save"), "Enregistrer")
        self.save_button.setToolTip("Enregistrer les modifications de la fiche (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.save_button.setObjectName("primary")
        self.save_button.setStyleSheet(
            "QPushButton#primary { padding: 4px 12px; border-radius: 4px; border: 1px solid #c4c7cc;"
            " background: #f5f6f7; color: #9a9a9a; }"
            "QPushButton#primary:enabled { background: #2f6fd0; border-color: #2a63bb; color: #ffffff; }"
            "QPushButton#primary:enabled:hover { background: #2a63bb; }"
            "QPushButton#primary:focus { border-color: #173e7a; }")
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.setToolTip("Revenir aux valeurs enregistrées")
        self.revert_button.clicked.connect(self.revert)
        buttons.addWidget(self.status, 1)
        buttons.addStretch(0)
        for button in (self.revert_button, self.save_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        return header

    def _build_lists(self) -> None:
        self.contacts_panel = ContactsPanel(self.catalogue)
        self.relations_panel = RelationsPanel(self.catalogue)
        self.exchanges_panel = ExchangesPanel(self.catalogue)
        self.history_panel = JournalPanel(self.catalogue)  # the record's journal
        from ..calls.actor_calls import CallsOfActorWidget
        self.calls_panel = CallsOfActorWidget(self.catalogue)
        for key, title, panel, expanded in (("contacts", "Contacts", self.contacts_panel, True),
                                            ("relations", "Relations", self.relations_panel, True),
                                            ("exchanges", "Suivi", self.exchanges_panel, True),
                                            ("calls", "Appels à projets", self.calls_panel, True),
                                            ("history", "Historique", self.history_panel, False)):
            section = self._section(key, title, expanded=expanded)
            layout = QVBoxLayout(section.body)
            layout.setContentsMargins(0, 2, 0, 8)
            layout.addWidget(panel)
            if key not in ("history", "calls"):
                panel.changed.connect(self._on_panel_changed)
        self.relations_panel.actorActivated.connect(self.actorActivated)
        self._history_stale = True
        self.sections["history"].toggled.connect(self._on_history_toggled)

    # ------------------------------------------------------------------ public API
    def set_catalogue(self, catalogue) -> None:
        """Show another catalogue (the record goes back to the empty state)."""
        self.catalogue = catalogue
        for panel in self._panels():
            panel.set_catalogue(catalogue)
        self.load(None)

    def current_id(self) -> int | None:
        """The actor shown (None when empty or creating a new one)."""
        return self._actor_id

    def is_creating(self) -> bool:
        return self._creating

    def is_dirty(self) -> bool:
        return self._dirty

    def has_errors(self) -> bool:
        return bool(validate.errors(self._issues))

    def issues(self) -> list[validate.Issue]:
        return list(self._issues)

    def load(self, actor_id: int | None) -> None:
        """Show an actor (None: the empty state). Unsaved edits are dropped: ask
        :meth:`maybe_leave` first."""
        self._creating = False
        actor = self.catalogue.get_actor(actor_id) if actor_id is not None and self.catalogue else None
        if actor is None:
            self._actor_id = None
            self._actor = dict(BLANK_ACTOR)
            self._set_dirty(False)
            self.stack.setCurrentIndex(0)
            return
        other = actor_id != self._actor_id
        self._actor_id = actor_id
        self._show(actor)
        if other:
            self.scroll.verticalScrollBar().setValue(0)

    def new_actor(self) -> None:
        """Switch to creation mode: an empty form whose saving creates the actor."""
        self._actor_id = None
        self._creating = True
        self._show(dict(BLANK_ACTOR))
        self.scroll.verticalScrollBar().setValue(0)
        self.name_edit.setFocus()

    def refresh(self) -> None:
        """Reload from the store (after an undo or redo elsewhere), keeping the scroll
        position; the fields are kept when they hold unsaved edits."""
        if self._creating:
            return
        if self._actor_id is None:
            return
        actor = self.catalogue.get_actor(self._actor_id)
        if actor is None:
            self.load(None)
            return
        if self._dirty:
            self._actor.update({k: actor[k] for k in ("created_at", "updated_at", "deleted_at")})
            self._reload_panels()
            self._update_state()
            return
        bar = self.scroll.verticalScrollBar()
        position = bar.value()
        self._show(actor)
        bar.setValue(position)
        QTimer.singleShot(0, lambda: bar.setValue(position))

    def revert(self) -> None:
        """Drop the unsaved edits: back to the stored values (or a blank new actor)."""
        if self._creating:
            self._show(dict(BLANK_ACTOR))
        elif self._actor_id is not None:
            self.refresh_fields()

    def refresh_fields(self) -> None:
        actor = self.catalogue.get_actor(self._actor_id) if self._actor_id is not None else None
        if actor is None:
            self.load(None)
            return
        bar = self.scroll.verticalScrollBar()
        position = bar.value()
        self._show(actor)
        bar.setValue(position)

    def save(self) -> bool:
        """Write the changed fields (one undo step). False when refused or failed."""
        if not self._dirty:
            return True
        if not self._editable():
            return False
        self._revalidate()
        errors = validate.errors(self._issues)
        if errors:
            self._reveal(errors[0].field)
            show_error(self, "La fiche contient des erreurs à corriger avant l'enregistrement :\n\n"
                       + "\n".join(f"• {e.message}" for e in errors), title="Enregistrement impossible")
            return False
        try:
            if self._creating:
                data = {k: v for k, v in self._form_values().items() if v not in ("", None, [])}
                new_id = self.catalogue.create_actor(data)
                self._creating = False
                self._actor_id = new_id
                self._show(self.catalogue.get_actor(new_id))
            else:
                changes = self.changes()
                self.catalogue.update_actor(self._actor_id, changes)
                self.refresh_fields()
        except UserError as exc:
            show_error(self, exc, title="Enregistrement impossible")
            return False
        self.saved.emit(self._actor_id)
        return True

    def maybe_leave(self, parent: QWidget | None = None) -> bool:
        """Before showing something else: ask about unsaved edits. False means stay."""
        if not self._dirty:
            return True
        name = self.name_edit.text().strip() or (NEW_ACTOR_TITLE.lower() if self._creating else "cet acteur")
        box = message_box(QMessageBox.Icon.Question, "Modifications non enregistrées",
                          f"Enregistrer les modifications de « {name} » ?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, parent or self)
        box.setInformativeText("Si vous ne les enregistrez pas, elles seront perdues.")
        box.button(QMessageBox.StandardButton.Save).setText("Enregistrer")
        box.button(QMessageBox.StandardButton.Discard).setText("Ignorer")
        box.button(QMessageBox.StandardButton.Cancel).setText("Annuler")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        answer = QMessageBox.StandardButton(answer) if isinstance(answer, int) else answer
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.revert()
            return True
        return False

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the stored one (what Enregistrer writes)."""
        values = self._form_values()
        return {k: v for k, v in values.items() if v != self._baseline.get(k)}

    def widget_for(self, field: str) -> QWidget | None:
        return self.inputs.get(field)

    def message_for(self, field: str) -> FieldMessage | None:
        return self.messages.get(field)

    # ------------------------------------------------------------------ showing
    def _panels(self):
        return (self.custom_panel, self.contacts_panel, self.relations_panel, self.exchanges_panel,  # custom
                self.calls_panel, self.history_panel)

    def _show(self, actor: dict[str, Any]) -> None:
        self._loading = True
        try:
            self._actor = dict(actor)
            self._fill_fields(actor)
            for edit in self.findChildren(QLineEdit):
                edit.setCursorPosition(0)
        finally:
            self._loading = False
        self._baseline = self._form_values()
        self.stack.setCurrentIndex(1)
        for key in ("custom", "contacts", "relations", "exchanges", "calls", "history"):  # (custom fields)
            self.sections[key].setVisible(not self._creating)
        self._reload_panels()
        self._apply_editable()
        self._rebuild_tab_order()
        self._set_dirty(False)
        self._update_derived()
        self._revalidate()
        self._update_state()

    def _reload_panels(self) -> None:
        name = self._actor.get("name") or ""
        for panel in self._panels():
            if panel is self.history_panel:
                # The history query scans the journal: run it only when the section is open.
                panel.actor_id, panel.actor_name = self._actor_id, name
                self._reload_history()
            else:
                panel.load(self._actor_id, name)
        for key, panel in (("contacts", self.contacts_panel), ("relations", self.relations_panel),
                           ("exchanges", self.exchanges_panel), ("calls", self.calls_panel)):
            self.sections[key].set_count(panel.count())

    def _update_site_button(self) -> None:
        self.open_site_button.setEnabled(bool(self._website_url()))

    def _reload_history(self) -> None:
        if self.sections["history"].is_expanded():
            self.history_panel.reload()
            self._history_stale = False
        else:
            self._history_stale = True

    def _on_history_toggled(self, expanded: bool) -> None:
        if expanded and self._history_stale:
            self._reload_history()

    def _editable(self) -> bool:
        return (self.catalogue is not None and not self.catalogue.read_only
                and not self._actor.get("deleted_at"))

    def _apply_editable(self) -> None:
        editable = self._editable()
        for edit in (self.name_edit, self.aliases_edit, self.founded_edit, self.tags_edit, self.source_edit,
                     self.description_edit, self.siren_edit, self.siret_edit, self.naf_edit, self.street_edit,
                     self.postcode_edit, self.commune_edit, self.lat_edit, self.lon_edit, self.website_edit,
                     self.email_edit, self.phone_edit):
            edit.setReadOnly(not editable)
            # Hints such as « 14 chiffres » invite typing: none where nothing can be typed.
            if edit.property("hint") is None:
                edit.setProperty("hint", edit.placeholderText())
            edit.setPlaceholderText(edit.property("hint") if editable else "")
        for widget in (self.kind_combo, self.status_combo, self.size_combo, self.precision_combo,
                       self.centre_button):
            widget.setEnabled(editable)
        self.place_button.setEnabled(editable and self._actor_id is not None and not self._creating)
        self.domains_grid.set_editable(editable)
        self.activities_grid.set_editable(editable)
        for panel in self._panels():
            panel.set_editable(editable)
        if self.catalogue is not None and self.catalogue.read_only:
            self.banner.setText("Catalogue ouvert en lecture seule : la fiche ne peut pas être modifiée.")
            self.banner.show()
        elif self._actor.get("deleted_at"):
            self.banner.setText("Cet acteur est dans la corbeille : restaurez-le pour le modifier.")
            self.banner.show()
        else:
            self.banner.hide()
        self.save_button.setVisible(editable)
        self.revert_button.setVisible(editable)
        self._update_site_button()

    def _rebuild_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.save_button, self.revert_button, self.name_edit, self.aliases_edit, self.kind_combo,
            *self.domains_grid.boxes(), *self.activities_grid.boxes(), self.status_combo, self.size_combo,
            self.founded_edit, self.description_edit, self.tags_edit, self.source_edit, self.siren_edit,
            self.siret_edit, self.naf_edit, self.street_edit, self.postcode_edit, self.commune_edit,
            self.lat_edit, self.lon_edit, self.precision_combo, self.centre_button, self.place_button,
            self.website_edit,
            self.open_site_button, self.email_edit, self.phone_edit,
            self.contacts_panel.table, self.contacts_panel.add_button, self.contacts_panel.edit_button,
            self.contacts_panel.delete_button, self.relations_panel.list, self.relations_panel.add_button,
            self.relations_panel.open_button, self.relations_panel.delete_button,
            self.exchanges_panel.add_button,
        ]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ reading the form
    # ------------------------------------------------------------------ reacting to edits
    def _on_edit(self, *_args) -> None:
        if self._loading:
            return
        self._update_site_button()
        self._update_derived()
        self._set_dirty(bool(self.changes()))
        self._revalidate()
        self._update_state()

    def _on_panel_changed(self) -> None:
        for key, panel in (("contacts", self.contacts_panel), ("relations", self.relations_panel),
                           ("exchanges", self.exchanges_panel)):
            self.sections[key].set_count(panel.count())
        self._reload_history()
        self.changed.emit()

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)
        self._update_buttons()

    def _revalidate(self) -> None:
        data = dict(self._actor)
        data.update(self._form_values())
        data["lat"] = self.lat_edit.text().strip()
        data["lon"] = self.lon_edit.text().strip()
        data["founded"] = self.founded_edit.text().strip()
        data["email"] = self.email_edit.text().strip()
        data["phone"] = self.phone_edit.text().strip()
        data["website"] = self.website_edit.text().strip()
        issues = validate.validate_actor(data)
        if not data["kind"]:
            issues.append(validate.Issue("kind", "error", "Choisissez le type d'acteur."))
        if self._creating and not self._dirty:
            issues = []  # a blank form: nothing to say yet
        self._issues = issues
        by_slot: dict[str, list[validate.Issue]] = {}
        for issue in issues:
            slot = ISSUE_SLOTS.get(issue.field, issue.field)
            by_slot.setdefault(slot if slot in self.messages else "name", []).append(issue)
        for slot, message in self.messages.items():
            found = by_slot.get(slot, [])
            level = "error" if any(i.level == "error" for i in found) else ("warning" if found else None)
            message.show_issues(level, [i.message for i in found])
            widgets = [self.lat_edit, self.lon_edit] if slot == "position" else [self.inputs.get(slot)]
            for widget in widgets:
                if isinstance(widget, (QLineEdit, QTextEdit)):
                    set_issue(widget, level)
        label = validate.naf_label(self.naf_edit.text())
        self.naf_label.setText(label or "")
        self.naf_label.setVisible(bool(label))
        self._update_buttons()

    def _update_buttons(self) -> None:
        can_save = self._dirty and self._editable() and not validate.errors(self._issues)
        self.save_button.setEnabled(can_save)
        self.save_action.setEnabled(self._dirty and self._editable())
        self.revert_button.setEnabled(self._dirty)
        self.revert_action.setEnabled(self._dirty)

    def _update_state(self) -> None:
        name = self.name_edit.text().strip()
        self.title.setText(name or (NEW_ACTOR_TITLE if self._creating else "(sans nom)"))
        kind = self.kind_combo.currentData() or ""
        labels = self.catalogue.vocabulary("kind") if self.catalogue else {}
        colors = self.catalogue.kind_colors() if self.catalogue else {}
        self.kind_chip.set_kind(labels.get(kind, kind), colors.get(kind, "#777777"))
        place = self.commune_edit.text().strip()
        departement = self.departement_value.text() if self.departement_value.text() != "—" else ""
        where = " ".join(b for b in (place, f"({departement.split(' ')[0]})" if departement else "") if b)
        when = ""
        if self._creating:
            when = "nouvelle fiche, pas encore enregistrée"
        elif self._actor.get("updated_at"):
            when = f"modifié le {dates.local_time(self._actor['updated_at'])}"
        self.subtitle.setText(" · ".join(b for b in (where, when) if b))
        errors = validate.errors(self._issues)
        warnings = validate.warnings(self._issues)
        if errors:
            text = f"<span style='color:#c62828'>{french.count(len(errors), 'erreur')} à corriger</span>"
        elif self._dirty:
            text = "<span style='color:#2f6fd0'>Modifications non enregistrées</span>"
        elif warnings:
            text = f"<span style='color:#a86400'>{french.count(len(warnings), 'avertissement')}</span>"
        else:
            text = ""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _reveal(self, field: str) -> None:
        """Open the section holding a field and put the cursor in it."""
        slot = ISSUE_SLOTS.get(field, field)
        widget = self.inputs.get(slot) or self.inputs.get("name")
        parent = widget.parentWidget() if widget else None
        while parent is not None and not isinstance(parent, Section):
            parent = parent.parentWidget()
        if isinstance(parent, Section):
            parent.set_expanded(True)
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus()

    def _build_custom_fields(self):
        """The « Champs personnalisés » section: its fields write at once, like the panels
        (ui/custom_fields/section.py)."""
        from ..custom_fields.section import CustomFieldsPanel
        panel = CustomFieldsPanel(self.catalogue)
        layout = QVBoxLayout(self._section("custom", "Champs personnalisés").body)
        layout.setContentsMargins(0, 2, 0, 8)
        layout.addWidget(panel)
        panel.changed.connect(self._on_panel_changed)
        return panel
