"""A follow-up's fields and dialog (issue 21): « À relancer le » (ticked to set one), who
does it, the next step. The record's exchange dialog, the « Relances » list's « Modifier… »
and the proposal when a shortlist entry becomes « contacté » share them."""
from __future__ import annotations

import datetime as _dt
from typing import Callable

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QCheckBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from ... import clock
from ...errors import UserError
from ..dialogs.common import SB, button_box, show_error
from ..text_safety import display_text, set_plain

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def qdate(day: _dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class FollowupFields:
    """The three fields, added to a form (see the module); :meth:`values` gives what
    ``Catalogue.add_exchange`` / ``set_followup`` take."""

    def __init__(self, form: QFormLayout, parent: QWidget, *, due: _dt.date | None = None, who: str = "",
                 next_step: str = "", checked: bool = False, in_days: int = 7) -> None:
        self.enabled = QCheckBox("À relancer le", parent)
        self.enabled.setChecked(checked)
        self.date = QDateEdit(qdate(due or clock.today() + _dt.timedelta(days=in_days)), parent)
        self.date.setLocale(FRENCH)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.calendarWidget().setLocale(FRENCH)
        self.who = QLineEdit(who, parent)
        self.who.setPlaceholderText("Qui relance (nom du membre de l'équipe)")
        self.next_step = QLineEdit(next_step, parent)
        self.next_step.setPlaceholderText("Prochaine étape : envoyer le dossier, rappeler après le comité…")
        self.next_step.setMaxLength(300)
        form.addRow(self.enabled, self.date)
        form.addRow("Par", self.who)
        form.addRow("Prochaine étape", self.next_step)
        self.enabled.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        on = self.enabled.isChecked()
        for widget in (self.date, self.who, self.next_step):
            widget.setEnabled(on)

    def values(self) -> dict:
        if not self.enabled.isChecked():
            return {"followup_on": None, "followup_by": "", "next_step": ""}
        return {"followup_on": self.date.date().toString("yyyy-MM-dd"), "followup_by": self.who.text().strip(),
                "next_step": self.next_step.text().strip()}


class FollowupDialog(QDialog):
    """« À relancer le », who, the next step; OK runs ``commit(values)`` (a UserError keeps
    the dialog open)."""

    def __init__(self, parent: QWidget | None, title: str, commit: Callable[[dict], object], *,
                 intro: str = "", due: _dt.date | None = None, who: str = "", next_step: str = "",
                 in_days: int = 7, checked: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(display_text(title, limit=120))
        self.setMinimumWidth(420)
        self._commit = commit
        form = QFormLayout()
        self.fields = FollowupFields(form, self, due=due, who=who, next_step=next_step, checked=checked,
                                     in_days=in_days)
        self.buttons = button_box(SB.Ok | SB.Cancel, self, Ok="Enregistrer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = set_plain(QLabel(), intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def accept(self) -> None:
        try:
            self._commit(self.fields.values())
        except UserError as exc:
            show_error(self, exc)
            return
        super().accept()

    @classmethod
    def edit(cls, parent: QWidget | None, catalogue, key: str, *, actor_name: str = "") -> bool:
        """Change (or, unticked, remove) the follow-up ``key``; True when saved."""
        try:
            row = catalogue.followup(key)
        except UserError as exc:
            show_error(parent, exc)
            return False
        due = _dt.date.fromisoformat(row["followup_on"]) if row.get("followup_on") else None
        dialog = cls(parent, "Relance" + (f" — {actor_name}" if actor_name else ""),
                     lambda v: catalogue.set_followup(key, due=v["followup_on"], who=v["followup_by"],
                                                      next_step=v["next_step"]),
                     due=due, who=row.get("followup_by") or "", next_step=row.get("next_step") or "",
                     checked=due is not None)
        return bool(dialog.exec())
