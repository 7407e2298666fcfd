"""Create or edit a call for projects: its fields, state and eligibility (facet controls)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout, QSpinBox,
                               QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget)

from ... import french
from ...catalogue.calls import has_criteria
from ...errors import UserError
from ...filter import Filter
from ...text import fold
from .. import dates
from ..dialogs.common import SB, button_box, show_error
from ..window.facets import FacetPanel
from ..text_safety import escape_html
from . import common
from .common import NO_DATE, STATES, bold


class CallDialog(QDialog):
    """Create or edit a call: fields, state and eligibility (facet controls)."""

    def __init__(self, catalogue, call: dict[str, Any] | None = None, parent: QWidget | None = None, *,
                 host=None) -> None:
        """``host``: the window (:class:`~eco_desktop.ui.host.WindowHost`) that runs the
        creation of a call and its shortlist; without it the dialog writes directly."""
        super().__init__(parent)
        self.catalogue = catalogue
        self.host = host
        self.call = call
        self.call_id: int | None = call["id"] if call else None
        self.eligibility: Filter = call["eligibility"] if call else Filter()
        self.setWindowTitle("Modifier l'appel à projets" if call else "Nouvel appel à projets")
        self.setMinimumSize(880, 600)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("ex. Innov'up 2025 — biothérapies")
        self.funder_edit = QComboBox()
        self.funder_edit.setEditable(True)
        funders = sorted({c["funder"] for c in catalogue.calls() if c["funder"]}
                         | {"Région Île-de-France", "Bpifrance", "France 2030 — Grand Défi Biomédicaments"},
                         key=fold)
        self.funder_edit.addItems(funders)
        # A funder typed at any length must not widen the dialog.
        self.funder_edit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.funder_edit.setMinimumContentsLength(30)
        self.funder_edit.setCurrentText("")
        self.funder_edit.lineEdit().setPlaceholderText("ex. Région Île-de-France")
        self.opens_edit, self.closes_edit = self._date_edit(dates.FRENCH), self._date_edit(dates.FRENCH)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText("objet, montants, conditions…")
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.state_combo = QComboBox()
        for slug, label in STATES.items():
            self.state_combo.addItem(label, slug)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("mots à chercher dans les fiches (facultatif)")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(self._text_changed)
        self.match_check = QCheckBox("Présélectionner les acteurs éligibles")
        self.match_check.setChecked(True)
        self.match_check.setVisible(call is None)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Nom :", self.name_edit)
        form.addRow("Financeur :", self.funder_edit)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.opens_edit)
        dates_row.addWidget(QLabel("clôture :"))
        dates_row.addWidget(self.closes_edit)
        dates_row.addStretch(1)
        form.addRow("Ouverture :", dates_row)
        form.addRow("Page web :", self.url_edit)
        form.addRow("État :", self.state_combo)
        self.followup_days = QSpinBox()  # the follow-up proposed when an actor becomes « contacté »
        self.followup_days.setRange(1, 365)
        self.followup_days.setSuffix(" jours")
        self.followup_days.setValue(7)
        self.followup_days.setToolTip("Quand un acteur devient « contacté », une relance est proposée à ce délai")
        form.addRow("Relance après :", self.followup_days)
        form.addRow("Description :", self.description_edit)

        self.facets = FacetPanel()
        self.facets.views.hide()
        self.facets.clear_button.setText("Effacer les critères")
        for label in self.facets.findChildren(QLabel):
            if label.text() == "Filtres":
                label.setText("Critères d'éligibilité")
        self.facets.selectionChanged.connect(self._facet_changed)
        self.facets.clearRequested.connect(self._clear_eligibility)
        self.facets.set_kind_colors(catalogue.kind_colors())
        self.facets.setMinimumWidth(330)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("QLabel { background: #f4f6f9; border: 1px solid #dcdfe3; border-radius: 4px;"
                                   " padding: 6px; }")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addLayout(form)
        left_layout.addSpacing(10)
        title = QLabel("Éligibilité")
        title.setFont(bold(title.font()))
        left_layout.addWidget(title)
        hint = QLabel("Cochez à droite les critères : types, domaines, activités, territoires… "
                      "Plusieurs valeurs d'un critère : l'une ou l'autre ; critères différents : tous à la fois.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        left_layout.addWidget(hint)
        left_layout.addWidget(self.text_edit)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.match_check)
        left_layout.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(left, 3)
        body.addWidget(self.facets, 2)
        self.buttons = button_box(SB.Ok | SB.Cancel, self, Ok="Créer l'appel" if call is None else "Enregistrer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        if call is not None:
            self.name_edit.setText(call["name"])
            self.funder_edit.setCurrentText(call["funder"])
            self._set_date(self.opens_edit, call["opens"])
            self._set_date(self.closes_edit, call["closes"])
            self.url_edit.setText(call["url"])
            self.description_edit.setPlainText(call["description"])
            self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(call["state"])))
            self.followup_days.setValue(int(call.get("followup_days") or 7))
            self.text_edit.blockSignals(True)
            self.text_edit.setText(self.eligibility.text)
            self.text_edit.blockSignals(False)
        self._update_facets()

    @staticmethod
    def _date_edit(locale: QLocale) -> QDateEdit:
        edit = QDateEdit()
        edit.setLocale(locale)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("non fixée")
        edit.setDate(NO_DATE)
        edit.calendarWidget().setLocale(locale)
        edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        return edit

    @staticmethod
    def _set_date(edit: QDateEdit, iso: str) -> None:
        edit.setDate(QDate.fromString(iso, "yyyy-MM-dd") if iso else NO_DATE)

    @staticmethod
    def _iso(edit: QDateEdit) -> str:
        return "" if edit.date() == NO_DATE else edit.date().toString("yyyy-MM-dd")

    # -- eligibility ------------------------------------------------------------
    def _facet_changed(self, facet: str, values: list) -> None:
        self.eligibility = self.eligibility.with_selection(facet, values)
        self._update_facets()

    def _text_changed(self, text: str) -> None:
        from dataclasses import replace
        self.eligibility = replace(self.eligibility, text=text.strip())
        self._update_facets()

    def _clear_eligibility(self) -> None:
        self.eligibility = Filter()
        self.text_edit.blockSignals(True)
        self.text_edit.clear()
        self.text_edit.blockSignals(False)
        self._update_facets()

    def _update_facets(self) -> None:
        try:
            counts = self.catalogue.facet_counts(self.eligibility)
            eligible = self.catalogue.count(self.eligibility)
        except UserError as exc:
            self.summary.setText(escape_html(exc))
            return
        self.facets.update_counts(counts, self.eligibility)
        if not has_criteria(self.eligibility):
            self.summary.setText("<b>Aucun critère</b> : la présélection se fait à la main "
                                 "(liste → « Ajouter à l'appel… »).")
            return
        sentences = "<br>".join(escape_html(s) for s in self.catalogue.describe(self.eligibility))
        self.summary.setText(f"<b>{french.count(eligible, 'acteur éligible', 'acteurs éligibles')}</b><br>{sentences}")

    # -- values -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text(), "funder": self.funder_edit.currentText(),
                "opens": self._iso(self.opens_edit), "closes": self._iso(self.closes_edit),
                "url": self.url_edit.text(), "description": self.description_edit.toPlainText(),
                "state": self.state_combo.currentData(), "eligibility": self.eligibility,
                "followup_days": self.followup_days.value()}

    def accept(self) -> None:
        values = self.values()
        if self.call_id is None and self.host is not None:
            match = self.match_check.isChecked()
            size = self.catalogue.count(self.eligibility) if match and has_criteria(self.eligibility) else 0
            self.call_id = self.host.run_operation(
                lambda _progress, _cancelled: self.catalogue.create_call(values.pop("name"), shortlist_matching=match,
                                                                         **values),
                text="Création de l'appel et de sa présélection…", title="Appel à projets",
                background=size > common.BACKGROUND_THRESHOLD, parent=self)
            if self.call_id is None:  # refused (the error was shown): the dialog stays open
                return
            super().accept()
            return
        try:
            if self.call_id is None:
                self.call_id = self.catalogue.create_call(values.pop("name"), shortlist_matching=self.match_check.isChecked(),
                                                          **values)
            else:
                self.catalogue.update_call(self.call_id, values)
        except UserError as exc:
            show_error(self, exc, "Appel à projets")
            return
        super().accept()
