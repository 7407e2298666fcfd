"""The record editor: one actor's fields, contacts, relations, follow-up and history.

Field edits only mark the editor dirty; *Enregistrer* writes every changed field in one
``update_actor`` call (one undo step). Contacts, relations and exchanges are written
at once through their dialogs (each its own undo step) and announced with ``changed``.
Validation runs on each edit (``validate.validate_actor``): errors block saving,
warnings do not.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QRegularExpression, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QRegularExpressionValidator, QStandardItem, \
    QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QTextEdit,
    QPushButton, QScrollArea, QSizePolicy, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from .. import validate, vocab
from ..errors import UserError
from ..geo import gazetteer
from .dialog_common import show_error
from .editor_panels import ContactsPanel, ExchangesPanel, HistoryPanel, RelationsPanel
from .editor_widgets import (
    EDITOR_STYLE, CheckGrid, FieldMessage, GrowingTextEdit, KindChip, Section, TokenCompleter, header_font, local_datetime,
    role_label, set_issue,
)
from .theme import chip_icon, icon

# Fields the form edits (GUIDE §8 keys); derived geography is shown, not edited.
FORM_FIELDS = ("name", "aliases", "kind", "domains", "activities", "status", "size", "founded", "description",
               "tags", "source", "siren", "siret", "naf", "street", "postcode", "commune", "insee_code", "lat",
               "lon", "geo_precision", "website", "email", "phone")
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


def _split(text: str, separators: str) -> list[str]:
    items = re.split("[" + re.escape(separators) + "]", text)
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def _number_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _parse_number(text: str) -> float | str | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # left as typed: validation reports it


class ActorEditor(QWidget):
    """Edit one actor. Call :meth:`maybe_leave` before :meth:`load`-ing another one."""

    saved = Signal(int)
    dirtyChanged = Signal(bool)  # noqa: N815 (Qt naming)
    actorActivated = Signal(int)  # noqa: N815
    changed = Signal()

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
        self.title = QLabel()
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
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e8c96b; border-radius: 4px;"
                                  " padding: 4px 6px; color: #5c4500; }")
        self.banner.hide()
        layout.addWidget(self.banner)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.save_button = QPushButton(icon("save"), "Enregistrer")
        self.save_button.setToolTip("Enregistrer les modifications de la fiche (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.save_button.setDefault(False)
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.setToolTip("Revenir aux valeurs enregistrées")
        self.revert_button.clicked.connect(self.revert)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        return header

    def _section(self, key: str, title: str, *, expanded: bool = True) -> Section:
        section = Section(title, expanded=expanded)
        self.sections[key] = section
        self.body_layout.addWidget(section)
        return section

    def _form(self, section: Section) -> QFormLayout:
        form = QFormLayout(section.body)
        form.setContentsMargins(0, 2, 0, 6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(5)
        return form

    def _row(self, form: QFormLayout, label: str, key: str, widget: QWidget | QHBoxLayout, *,
             register: QWidget | None = None, extra: QWidget | None = None) -> QWidget:
        """A form row: the input, then (hidden until needed) its message and an optional hint."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(widget, QHBoxLayout):
            column.addLayout(widget)
        else:
            column.addWidget(widget)
        if extra is not None:
            column.addWidget(extra)
        message = FieldMessage()
        column.addWidget(message)
        self.messages[key] = message
        if register is not None:
            self.inputs[key] = register
        elif isinstance(widget, QWidget):
            self.inputs[key] = widget
        caption = QLabel(label)
        caption.setProperty("role", "fieldlabel")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        caption.setContentsMargins(0, 5, 0, 0)
        if isinstance(widget, QWidget):
            caption.setBuddy(widget)
        self._labels.append(caption)
        form.addRow(caption, box)
        return box

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._on_edit)
        return edit

    def _combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.currentIndexChanged.connect(self._on_edit)
        return combo

    def _build_identity(self) -> None:
        form = self._form(self._section("identity", "Identité"))
        self.name_edit = self._line("Nom de l'organisation")
        self._row(form, "Nom", "name", self.name_edit)
        self.aliases_edit = self._line("Autres graphies, séparées par « ; »")
        self.aliases_edit.setToolTip("Autres noms ou graphies, séparés par un point-virgule.")
        self._row(form, "Autres noms", "aliases", self.aliases_edit)
        self.kind_combo = self._combo()
        self._row(form, "Type", "kind", self.kind_combo)
        self.domains_grid = CheckGrid()
        self.domains_grid.changed.connect(self._on_edit)
        self._row(form, "Domaines", "domains", self.domains_grid)
        self.activities_grid = CheckGrid()
        self.activities_grid.changed.connect(self._on_edit)
        self._row(form, "Activités", "activities", self.activities_grid)
        self.status_combo = self._combo()
        self.status_combo.addItem("—", "")
        for slug, label in vocab.STATUSES.items():
            self.status_combo.addItem(label, slug)
        self.size_combo = self._combo()
        self.size_combo.addItem("—", "")
        for slug, label in vocab.SIZES.items():
            self.size_combo.addItem(label, slug)
        self._row(form, "Statut", "status", self.status_combo)
        self._row(form, "Taille", "size", self.size_combo)
        self.founded_edit = self._line("AAAA")
        self.founded_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self))
        self.founded_edit.setMaximumWidth(90)
        self._row(form, "Création", "founded", self.founded_edit)
        self.description_edit = GrowingTextEdit(3, 14)
        self.description_edit.textChanged.connect(self._on_edit)
        self._row(form, "Description", "description", self.description_edit)
        self.tags_edit = self._line("étiquettes, séparées par des virgules")
        self.tags_completer = TokenCompleter([], self.tags_edit)
        self.tags_edit.setCompleter(self.tags_completer)
        self._row(form, "Étiquettes", "tags", self.tags_edit)
        self.source_edit = GrowingTextEdit(1, 5)
        self.source_edit.setPlaceholderText("D'où viennent ces informations")
        self.source_edit.textChanged.connect(self._on_edit)
        self._row(form, "Source", "source", self.source_edit)

    def _build_identifiers(self) -> None:
        form = self._form(self._section("identifiers", "Identifiants"))
        self.siren_edit = self._line("9 chiffres")
        self._row(form, "SIREN", "siren", self.siren_edit)
        self.siret_edit = self._line("14 chiffres")
        self._row(form, "SIRET", "siret", self.siret_edit)
        self.naf_edit = self._line("ex. 72.11Z")
        self.naf_label = role_label("")
        self.naf_label.hide()
        self._row(form, "Code NAF", "naf", self.naf_edit, extra=self.naf_label)

    def _build_location(self) -> None:
        form = self._form(self._section("location", "Localisation"))
        self.street_edit = self._line("Numéro et voie")
        self._row(form, "Adresse", "street", self.street_edit)
        self.postcode_edit = self._line("ex. 91000")
        self.postcode_edit.setMaxLength(10)
        self.commune_edit = self._line("Commune")
        self.postcode_completer = self._place_completer(self.postcode_edit)
        self.commune_completer = self._place_completer(self.commune_edit)
        self._row(form, "Code postal", "postcode", self.postcode_edit)
        self._row(form, "Commune", "commune", self.commune_edit)
        self.departement_value = role_label("", "readonly")
        self.mgp_value = role_label("", "readonly")
        self.ept_value = role_label("", "readonly")
        self._row(form, "Département", "departement", self.departement_value)
        self._row(form, "Grand Paris", "mgp", self.mgp_value)
        self._row(form, "EPT / EPCI", "ept", self.ept_value)
        self.lat_edit = self._line("latitude")
        self.lon_edit = self._line("longitude")
        for edit in (self.lat_edit, self.lon_edit):
            edit.textEdited.connect(self._on_position_typed)
        self.centre_button = QToolButton()
        self.centre_button.setText("Centre de la commune")
        self.centre_button.setToolTip("Placer l'acteur au centre de sa commune")
        self.centre_button.clicked.connect(self._use_commune_centre)
        position = QHBoxLayout()
        position.setContentsMargins(0, 0, 0, 0)
        position.setSpacing(6)
        for caption, edit in (("lat.", self.lat_edit), ("lon.", self.lon_edit)):
            small = role_label(caption, wrap=False)
            small.setBuddy(edit)
            position.addWidget(small)
            position.addWidget(edit, 1)
        self._row(form, "Position", "position", position, register=self.lat_edit)
        self.inputs["lat"], self.inputs["lon"] = self.lat_edit, self.lon_edit
        self.precision_combo = self._combo()
        self.precision_combo.addItem("—", "")
        for slug, label in vocab.GEO_PRECISIONS.items():
            self.precision_combo.addItem(label, slug)
        precision = QHBoxLayout()
        precision.setContentsMargins(0, 0, 0, 0)
        precision.addWidget(self.precision_combo, 1)
        precision.addWidget(self.centre_button)
        self._row(form, "Précision", "geo_precision", precision, register=self.precision_combo)

    def _build_coordinates(self) -> None:
        form = self._form(self._section("coordinates", "Coordonnées"))
        self.website_edit = self._line("https://…")
        self.open_site_button = QToolButton()
        self.open_site_button.setText("Ouvrir")
        self.open_site_button.setToolTip("Ouvrir le site dans le navigateur")
        self.open_site_button.clicked.connect(self._open_website)
        site = QHBoxLayout()
        site.setContentsMargins(0, 0, 0, 0)
        site.setSpacing(6)
        site.addWidget(self.website_edit, 1)
        site.addWidget(self.open_site_button)
        self._row(form, "Site web", "website", site, register=self.website_edit)
        self.email_edit = self._line("contact@exemple.fr")
        self._row(form, "E-mail", "email", self.email_edit)
        self.phone_edit = self._line("01 23 45 67 89")
        self._row(form, "Téléphone", "phone", self.phone_edit)

    def _build_lists(self) -> None:
        self.contacts_panel = ContactsPanel(self.catalogue)
        self.relations_panel = RelationsPanel(self.catalogue)
        self.exchanges_panel = ExchangesPanel(self.catalogue)
        self.history_panel = HistoryPanel(self.catalogue)
        for key, title, panel, expanded in (("contacts", "Contacts", self.contacts_panel, True),
                                            ("relations", "Relations", self.relations_panel, True),
                                            ("exchanges", "Suivi", self.exchanges_panel, True),
                                            ("history", "Historique", self.history_panel, False)):
            section = self._section(key, title, expanded=expanded)
            layout = QVBoxLayout(section.body)
            layout.setContentsMargins(0, 2, 0, 8)
            layout.addWidget(panel)
            if key != "history":
                panel.changed.connect(self._on_panel_changed)
        self.relations_panel.actorActivated.connect(self.actorActivated)

    def _align_labels(self) -> None:
        width = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:
            label.setFixedWidth(width)

    def _place_completer(self, edit: QLineEdit) -> QCompleter:
        model = QStandardItemModel(self)
        completer = QCompleter(model, edit)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCompletionRole(Qt.ItemDataRole.UserRole)
        completer.setMaxVisibleItems(10)
        completer.setWidget(edit)
        completer.activated[QModelIndex].connect(lambda index, e=edit: self._place_chosen(index))
        edit.textEdited.connect(lambda text, c=completer: self._update_place_completions(c, text))
        return completer

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
        self._actor_id = actor_id
        self._show(actor)

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
        self.changed.emit()
        return True

    def maybe_leave(self, parent: QWidget | None = None) -> bool:
        """Before showing something else: ask about unsaved edits. False means stay."""
        if not self._dirty:
            return True
        name = self.name_edit.text().strip() or (NEW_ACTOR_TITLE.lower() if self._creating else "cet acteur")
        box = QMessageBox(QMessageBox.Icon.Question, "Modifications non enregistrées",
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
        return (self.contacts_panel, self.relations_panel, self.exchanges_panel, self.history_panel)

    def _show(self, actor: dict[str, Any]) -> None:
        self._loading = True
        try:
            self._actor = dict(actor)
            self._fill_choices(actor)
            self.name_edit.setText(actor["name"] or "")
            self.aliases_edit.setText("; ".join(actor["aliases"] or []))
            index = self.kind_combo.findData(actor["kind"] or "")
            self.kind_combo.setCurrentIndex(max(index, 0))
            self.domains_grid.set_values(actor["domains"] or [])
            self.activities_grid.set_values(actor["activities"] or [])
            self._set_combo(self.status_combo, actor["status"])
            self._set_combo(self.size_combo, actor["size"])
            self.founded_edit.setText("" if actor["founded"] in (None, "") else str(actor["founded"]))
            self.description_edit.setPlainText(actor["description"] or "")
            self.tags_edit.setText(", ".join(actor["tags"] or []))
            self.source_edit.setPlainText(actor["source"] or "")
            self.siren_edit.setText(actor["siren"] or "")
            self.siret_edit.setText(actor["siret"] or "")
            self.naf_edit.setText(actor["naf"] or "")
            self.street_edit.setText(actor["street"] or "")
            self.postcode_edit.setText(actor["postcode"] or "")
            self.commune_edit.setText(actor["commune"] or "")
            self._insee = actor["insee_code"] or ""
            self._place_key = (self.postcode_edit.text(), self.commune_edit.text())
            self._last_place_key = self._place_key
            self.lat_edit.setText(_number_text(actor["lat"]))
            self.lon_edit.setText(_number_text(actor["lon"]))
            self._set_combo(self.precision_combo, actor["geo_precision"])
            self.website_edit.setText(actor["website"] or "")
            self.email_edit.setText(actor["email"] or "")
            self.phone_edit.setText(validate.format_phone(actor["phone"] or ""))
            for edit in self.findChildren(QLineEdit):
                edit.setCursorPosition(0)
        finally:
            self._loading = False
        self._baseline = self._form_values()
        self.stack.setCurrentIndex(1)
        for key in ("contacts", "relations", "exchanges", "history"):
            self.sections[key].setVisible(not self._creating)
        self._reload_panels()
        self._apply_editable()
        self._rebuild_tab_order()
        self._set_dirty(False)
        self._update_derived()
        self._revalidate()
        self._update_state()

    def _fill_choices(self, actor: dict[str, Any]) -> None:
        cat = self.catalogue
        kinds = cat.vocab_entries("kind")
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        if not actor.get("kind"):
            self.kind_combo.addItem("— choisir un type —", "")
        for entry in kinds:
            if entry["hidden"] and entry["slug"] != actor.get("kind"):
                continue
            self.kind_combo.addItem(chip_icon(entry["color"] or "#777777"), entry["label"], entry["slug"])
        self.kind_combo.blockSignals(False)
        for grid, name, key in ((self.domains_grid, "domain", "domains"),
                                (self.activities_grid, "activity", "activities")):
            mine = set(actor.get(key) or [])
            choices = {e["slug"]: e["label"] for e in cat.vocab_entries(name)
                       if not e["hidden"] or e["slug"] in mine}
            for slug in mine - set(choices):
                choices[slug] = slug  # a value no longer in the vocabulary stays visible
            grid.blockSignals(True)
            grid.set_choices(choices)
            grid.blockSignals(False)
        self.tags_completer.set_words(list(cat.all_tags()))

    @staticmethod
    def _set_combo(combo: QComboBox, value: Any) -> None:
        value = value or ""
        index = combo.findData(value)
        if index < 0:
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _reload_panels(self) -> None:
        name = self._actor.get("name") or ""
        for panel in self._panels():
            panel.load(self._actor_id, name)
        for key, panel in (("contacts", self.contacts_panel), ("relations", self.relations_panel),
                           ("exchanges", self.exchanges_panel)):
            self.sections[key].set_count(panel.count())

    def _editable(self) -> bool:
        return (self.catalogue is not None and not self.catalogue.read_only
                and not self._actor.get("deleted_at"))

    def _apply_editable(self) -> None:
        editable = self._editable()
        self.source_edit.setReadOnly(not editable)
        for edit in (self.name_edit, self.aliases_edit, self.founded_edit, self.tags_edit,
                     self.siren_edit, self.siret_edit, self.naf_edit, self.street_edit, self.postcode_edit,
                     self.commune_edit, self.lat_edit, self.lon_edit, self.website_edit, self.email_edit,
                     self.phone_edit):
            edit.setReadOnly(not editable)
        self.description_edit.setReadOnly(not editable)
        for widget in (self.kind_combo, self.status_combo, self.size_combo, self.precision_combo,
                       self.centre_button):
            widget.setEnabled(editable)
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

    def _rebuild_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.save_button, self.revert_button, self.name_edit, self.aliases_edit, self.kind_combo,
            *self.domains_grid.boxes(), *self.activities_grid.boxes(), self.status_combo, self.size_combo,
            self.founded_edit, self.description_edit, self.tags_edit, self.source_edit, self.siren_edit,
            self.siret_edit, self.naf_edit, self.street_edit, self.postcode_edit, self.commune_edit,
            self.lat_edit, self.lon_edit, self.precision_combo, self.centre_button, self.website_edit,
            self.open_site_button, self.email_edit, self.phone_edit,
            self.contacts_panel.table, self.contacts_panel.add_button, self.contacts_panel.edit_button,
            self.contacts_panel.delete_button, self.relations_panel.list, self.relations_panel.add_button,
            self.relations_panel.open_button, self.relations_panel.delete_button,
            self.exchanges_panel.add_button,
        ]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ reading the form
    def _form_values(self) -> dict[str, Any]:
        founded = self.founded_edit.text().strip()
        website = self.website_edit.text().strip()
        return {
            "name": self.name_edit.text().strip(),
            "aliases": _split(self.aliases_edit.text(), ";"),
            "kind": self.kind_combo.currentData() or "",
            "domains": self.domains_grid.values(),
            "activities": self.activities_grid.values(),
            "status": self.status_combo.currentData() or "",
            "size": self.size_combo.currentData() or "",
            "founded": int(founded) if founded.isdigit() else (founded or None),
            "description": self.description_edit.toPlainText().strip(),
            "tags": _split(self.tags_edit.text(), ",;"),
            "source": self.source_edit.toPlainText().strip(),
            "siren": validate.normalize_siren(self.siren_edit.text()),
            "siret": validate.normalize_siret(self.siret_edit.text()),
            "naf": validate.normalize_naf(self.naf_edit.text()) or self.naf_edit.text().strip(),
            "street": self.street_edit.text().strip(),
            "postcode": re.sub(r"\s+", "", self.postcode_edit.text()),
            "commune": self.commune_edit.text().strip(),
            "insee_code": self._insee,
            "lat": _parse_number(self.lat_edit.text()),
            "lon": _parse_number(self.lon_edit.text()),
            "geo_precision": self.precision_combo.currentData() or "",
            "website": validate.normalize_url(website) if website else "",
            "email": validate.normalize_email(self.email_edit.text()),
            "phone": validate.normalize_phone(self.phone_edit.text()),
        }

    # ------------------------------------------------------------------ reacting to edits
    def _on_edit(self, *_args) -> None:
        if self._loading:
            return
        self._update_derived()
        self._set_dirty(bool(self.changes()))
        self._revalidate()
        self._update_state()

    def _on_position_typed(self, _text: str) -> None:
        if self._loading:
            return
        index = self.precision_combo.findData("manual")
        if index >= 0 and self.precision_combo.currentIndex() != index:
            self.precision_combo.setCurrentIndex(index)

    def _on_panel_changed(self) -> None:
        for key, panel in (("contacts", self.contacts_panel), ("relations", self.relations_panel),
                           ("exchanges", self.exchanges_panel)):
            self.sections[key].set_count(panel.count())
        self.history_panel.reload()
        self.changed.emit()

    def _matched_commune(self):
        postcode = re.sub(r"\s+", "", self.postcode_edit.text())
        commune = self.commune_edit.text().strip()
        if not postcode and not commune:
            return None
        return gazetteer().match(commune or None, postcode or None)

    def _update_derived(self) -> None:
        """Département, Grand Paris and EPT/EPCI of the typed place (and its centre as
        position while the precision is the commune's)."""
        gaz = gazetteer()
        key = (self.postcode_edit.text(), self.commune_edit.text())
        just_edited = key != self._last_place_key
        self._last_place_key = key
        if key != self._place_key:
            place = self._matched_commune()
            self._insee = place.insee if place else ""
            if just_edited and place is not None and self.precision_combo.currentData() in ("", "commune"):
                self._set_position(place.lat, place.lon, "commune")
            departement = place.departement if place else ""
            mgp = place.mgp if place else None
            ept, epci = (place.ept, place.epci) if place else ("", "")
        else:
            self._insee = self._actor.get("insee_code") or ""
            if (just_edited and self._baseline.get("geo_precision") == "commune"
                    and self.precision_combo.currentData() == "commune"):
                # Back to the stored place: back to its stored position.
                self._set_position(self._actor.get("lat"), self._actor.get("lon"), "commune")
            departement, mgp = self._actor.get("departement") or "", self._actor.get("mgp")
            ept, epci = self._actor.get("ept") or "", self._actor.get("epci") or ""
            if not departement:
                mgp = None
        departements = gaz.departements()
        self.departement_value.setText(f"{departement} {departements.get(departement, '')}".strip() or "—")
        self.mgp_value.setText("—" if mgp is None else ("Oui (Métropole du Grand Paris)" if mgp else "Non"))
        names = [gaz.epts().get(ept, ept) if ept else "", gaz.epcis().get(epci, epci) if epci else ""]
        self.ept_value.setText("\n".join(n for n in names if n) or "—")
        self.centre_button.setEnabled(self._editable() and self._matched_commune() is not None)

    def _set_position(self, lat: Any, lon: Any, precision: str) -> None:
        was_loading, self._loading = self._loading, True
        try:
            self.lat_edit.setText(_number_text(None if lat is None else round(lat, 6)))
            self.lon_edit.setText(_number_text(None if lon is None else round(lon, 6)))
            self._set_combo(self.precision_combo, precision)
        finally:
            self._loading = was_loading

    def _use_commune_centre(self) -> None:
        place = self._matched_commune()
        if place is not None:
            self._set_position(place.lat, place.lon, "commune")
            self._on_edit()

    def _update_place_completions(self, completer: QCompleter, text: str) -> None:
        model: QStandardItemModel = completer.model()
        model.clear()
        text = text.strip()
        if len(text) < 2:
            completer.popup().hide()
            return
        digits = text.isdigit()
        for postcode, commune in gazetteer().completions(text, limit=15):
            item = QStandardItem(f"{postcode}  {commune.name}")
            item.setData(postcode if digits else commune.name, Qt.ItemDataRole.UserRole)
            item.setData(postcode, Qt.ItemDataRole.UserRole + 1)
            item.setData(commune.name, Qt.ItemDataRole.UserRole + 2)
            model.appendRow(item)
        if model.rowCount():
            completer.setCompletionPrefix("")
            completer.complete()
        else:
            completer.popup().hide()

    def _place_chosen(self, index: QModelIndex) -> None:
        postcode = index.data(Qt.ItemDataRole.UserRole + 1)
        commune = index.data(Qt.ItemDataRole.UserRole + 2)
        if postcode is None:
            return
        # The completer sets its own text after this signal: apply ours once it is done.
        QTimer.singleShot(0, lambda: self.set_place(postcode, commune))
        self.set_place(postcode, commune)

    def set_place(self, postcode: str, commune: str) -> None:
        """Fill postcode and commune together (what choosing a completion does)."""
        if self.postcode_edit.text() != postcode:
            self.postcode_edit.setText(postcode)
        if self.commune_edit.text() != commune:
            self.commune_edit.setText(commune)

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
            when = f"modifié le {local_datetime(self._actor['updated_at'])}"
        self.subtitle.setText(" · ".join(b for b in (where, when) if b))
        errors = validate.errors(self._issues)
        warnings = validate.warnings(self._issues)
        if errors:
            n = len(errors)
            text = f"<span style='color:#c62828'>{n} erreur{'s' if n > 1 else ''} à corriger</span>"
        elif self._dirty:
            text = "<span style='color:#2f6fd0'>Modifications non enregistrées</span>"
        elif warnings:
            n = len(warnings)
            text = f"<span style='color:#a86400'>{n} avertissement{'s' if n > 1 else ''}</span>"
        else:
            text = ""
        self.status.setText(text)

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

    def _open_website(self) -> None:
        url = validate.normalize_url(self.website_edit.text())
        bad = [i for i in validate.validate_actor({"name": "-", "website": url}) if i.field == "website"]
        if url and not bad:
            QDesktopServices.openUrl(QUrl(url))
