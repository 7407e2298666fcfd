"""The record editor's form: building the identity, identifier, location and contact
fields, filling them from an actor, reading them back, and the place helpers
(postcode/commune completion from the gazetteer, derived département/MGP/EPT/EPCI,
position from the commune). Mixed into :class:`~eco_desktop.ui.editor.ActorEditor`.
"""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QRegularExpression, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QRegularExpressionValidator, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget,
)

from ... import fields, validate, vocab
from ...geo import gazetteer
from .widgets import (
    CheckGrid, FieldMessage, GrowingTextEdit, Section, TokenCompleter, role_label,
)
from ..theme import chip_icon


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



class ActorFormMixin:
    """The form part of the editor (expects ``catalogue``, ``body_layout``, ``sections``,
    ``inputs``, ``messages``, ``_labels``, ``_loading``, ``_actor`` and ``_on_edit``)."""

    def _fill_fields(self, actor: dict[str, Any]) -> None:
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
        self._row(form, fields.label("name"), "name", self.name_edit)
        self.aliases_edit = self._line("Autres graphies, séparées par « ; »")
        self.aliases_edit.setToolTip("Autres noms ou graphies, séparés par un point-virgule.")
        self._row(form, fields.label("aliases"), "aliases", self.aliases_edit)
        self.kind_combo = self._combo()
        self._row(form, fields.label("kind"), "kind", self.kind_combo)
        self.domains_grid = CheckGrid()
        self.domains_grid.changed.connect(self._on_edit)
        self._row(form, fields.label("domains"), "domains", self.domains_grid)
        self.activities_grid = CheckGrid()
        self.activities_grid.changed.connect(self._on_edit)
        self._row(form, fields.label("activities"), "activities", self.activities_grid)
        self.status_combo = self._combo()
        self.status_combo.addItem("—", "")
        for slug, label in vocab.STATUSES.items():
            self.status_combo.addItem(label, slug)
        self.size_combo = self._combo()
        self.size_combo.addItem("—", "")
        for slug, label in vocab.SIZES.items():
            self.size_combo.addItem(label, slug)
        self._row(form, fields.label("status"), "status", self.status_combo)
        self._row(form, fields.label("size"), "size", self.size_combo)
        self.founded_edit = self._line("AAAA")
        self.founded_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self))
        self.founded_edit.setMaximumWidth(90)
        self._row(form, fields.label("founded"), "founded", self.founded_edit)
        self.description_edit = GrowingTextEdit(3, 14)
        self.description_edit.textChanged.connect(self._on_edit)
        self._row(form, fields.label("description"), "description", self.description_edit)
        self.tags_edit = self._line("étiquettes, séparées par des virgules")
        self.tags_completer = TokenCompleter([], self.tags_edit)
        self.tags_completer.attach(self.tags_edit)
        self._row(form, fields.label("tags"), "tags", self.tags_edit)
        self.source_edit = GrowingTextEdit(1, 5)
        self.source_edit.setPlaceholderText("D'où viennent ces informations")
        self.source_edit.textChanged.connect(self._on_edit)
        self._row(form, fields.label("source"), "source", self.source_edit)

    def _build_identifiers(self) -> None:
        form = self._form(self._section("identifiers", "Identifiants"))
        self.siren_edit = self._line("9 chiffres")
        self._row(form, fields.label("siren"), "siren", self.siren_edit)
        self.siret_edit = self._line("14 chiffres")
        self._row(form, fields.label("siret"), "siret", self.siret_edit)
        self.naf_edit = self._line("ex. 72.11Z")
        self.naf_label = role_label("")
        self.naf_label.hide()
        self._row(form, fields.label("naf"), "naf", self.naf_edit, extra=self.naf_label)

    def _build_location(self) -> None:
        form = self._form(self._section("location", "Localisation"))
        self.street_edit = self._line("Numéro et voie")
        self._row(form, fields.label("street"), "street", self.street_edit)
        self.postcode_edit = self._line("ex. 91000")
        self.postcode_edit.setMaxLength(10)
        self.commune_edit = self._line(fields.label("commune"))
        self.postcode_completer = self._place_completer(self.postcode_edit)
        self.commune_completer = self._place_completer(self.commune_edit)
        self._row(form, fields.label("postcode"), "postcode", self.postcode_edit)
        self._row(form, fields.label("commune"), "commune", self.commune_edit)
        self.departement_value = role_label("", "readonly")
        self.mgp_value = role_label("", "readonly")
        self.ept_value = role_label("", "readonly")
        self._row(form, fields.label("departement"), "departement", self.departement_value)
        self._row(form, fields.short_label("mgp"), "mgp", self.mgp_value)
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
        # The map feature listens (window): the next click on the map places the actor.
        self.place_button = QToolButton()
        self.place_button.setText("Placer sur la carte")
        self.place_button.setToolTip("Afficher la carte et cliquer à l'emplacement de l'acteur "
                                   "(position « saisie manuelle »)")
        self.place_button.clicked.connect(self._place_on_map)
        # The two buttons under the precision, one above the other: side by side (or beside
        # the precision) the row is wider than the record's column at 1366 px, which then
        # cuts every section on its right.
        buttons = QWidget()
        column = QVBoxLayout(buttons)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for button in (self.centre_button, self.place_button):
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self._row(form, fields.label("geo_precision"), "geo_precision", self.precision_combo,
                  register=self.precision_combo, extra=buttons)

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
        self._row(form, fields.label("website"), "website", site, register=self.website_edit)
        self.email_edit = self._line("contact@exemple.fr")
        self._row(form, fields.label("email"), "email", self.email_edit)
        self.phone_edit = self._line("01 23 45 67 89")
        self._row(form, fields.label("phone"), "phone", self.phone_edit)

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

    def _on_position_typed(self, _text: str) -> None:
        if self._loading:
            return
        index = self.precision_combo.findData("manual")
        if index >= 0 and self.precision_combo.currentIndex() != index:
            self.precision_combo.setCurrentIndex(index)

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

    def _place_on_map(self) -> None:
        if self._actor_id is not None and not self._creating:
            self.placeOnMapRequested.emit(self._actor_id)

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

    def _website_url(self) -> str:
        """The website as an openable https URL, or "" when empty or invalid."""
        url = validate.normalize_url(self.website_edit.text())
        if not url or any(i.field == "website" for i in validate.validate_actor({"name": "-", "website": url})):
            return ""
        return url

    def _open_website(self) -> None:
        url = self._website_url()
        if url:
            QDesktopServices.openUrl(QUrl(url))
