"""Follow-ups in the window: one created from the record's « Suivi », overdue the next
day with a frozen clock (banner, status bar, « Suivi » facet), then done from the
« Relances » list."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QDialog

from eco_desktop import clock
from eco_desktop.ui.editor import panels as editor_panels
from eco_desktop.ui.editor.dialogs import ExchangeDialog
from eco_desktop.ui.followups import overdue_text
from eco_desktop.ui.followups.relances import RelancesDialog

CELLECTIS = 15
TODAY = date(2026, 12, 2)


@pytest.fixture
def frozen(monkeypatch):
    class Day:
        value = TODAY

    monkeypatch.setattr(clock, "today", lambda: Day.value)
    return Day


def _accepting(monkeypatch):
    """Dialogs run by exec() accept at once (their commit runs)."""
    def exec_(dialog):
        dialog.accept()
        return dialog.result()
    monkeypatch.setattr(ExchangeDialog, "exec", exec_)


def _facet(window, value: str) -> int:
    item = window.facets.value_item("followup", value)
    return int(item.text(1)) if item is not None else 0


def test_followup_created_overdue_next_day_then_done(qtbot, window, frozen, monkeypatch):
    feature = window.features["followups"]
    assert not feature.banner.isVisibleTo(window)
    window.select_actor(CELLECTIS)
    panel = window.editor.exchanges_panel
    dialog = panel.make_dialog()
    dialog.text.setPlainText("Appel au sujet de l'AAP")
    dialog.followup.enabled.setChecked(True)
    dialog.followup.date.setDate(dialog.followup.date.date().addDays(-7))  # today (7 days ahead by default)
    dialog.followup.next_step.setText("Envoyer le dossier")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [item] = window.catalogue.followups()
    assert (item.actor_id, item.due, item.bucket) == (CELLECTIS, TODAY, "today")
    panel.reload()
    assert panel.count() == 1 and len(panel._followup_buttons) == 2

    # the next day: the banner, the status bar and the facet say it is overdue
    frozen.value = TODAY + timedelta(days=1)
    assert feature.check() == 1
    assert feature.banner.isVisibleTo(window)
    assert feature.banner_text.text() == "1 relance en retard."
    assert "1 relance en retard" in window.statusBar().currentMessage()
    assert _facet(window, "overdue") == 1
    assert overdue_text(3) == "3 relances en retard"
    feature.dismiss()
    assert not feature.banner.isVisibleTo(window) and feature.check() == 1
    assert not feature.banner.isVisibleTo(window)  # dismissed for the day

    # done from the « Relances » list: an exchange records it, and nothing is overdue
    relances = RelancesDialog(window)
    qtbot.addWidget(relances)
    assert relances.table.rowCount() == 1 and relances.summary.text() == "1 relance à faire, dont 1 en retard."
    relances.table.selectRow(0)
    _accepting(monkeypatch)
    relances.complete_selected()
    assert window.catalogue.followups() == []
    assert relances.table.rowCount() == 0 and relances.empty.isVisibleTo(relances)
    texts = [e["text"] for e in window.catalogue.exchanges(CELLECTIS)]
    assert "Relance faite : Envoyer le dossier" in texts
    assert feature.check() == 0 and _facet(window, "overdue") == 0
    # one undo step (Édition → Annuler) brings it back
    assert "Relance faite" in window.act_undo.text()
    window.act_undo.trigger()
    assert [f.bucket for f in window.catalogue.followups()] == ["overdue"]


def test_relances_list_opens_the_record_and_mails_usable_contacts(qtbot, window, frozen):
    cat = window.catalogue
    cat.add_contact(CELLECTIS, {"last_name": "Zoé", "email": "zoe@example.org", "legal_basis": "consent"})
    cat.add_exchange(CELLECTIS, date="2026-11-20", kind="call", text="", followup_on="2026-11-30",
                     followup_by="Claire", next_step="<b>Rappeler</b>")
    cat.add_exchange(20, date="2026-11-20", kind="note", text="n", followup_on="2027-01-10")
    relances = RelancesDialog(window)
    qtbot.addWidget(relances)
    assert relances.table.rowCount() == 2
    mail = relances.table.cellWidget(0, 6)
    assert "mailto:zoe@example.org" in mail.text()
    assert relances.table.cellWidget(1, 6) is None  # Genopole has no usable contact
    assert relances.table.item(0, 5).text() == "<b>Rappeler</b>"  # record text as text
    relances.late_only.setChecked(True)
    assert relances.table.rowCount() == 1
    window.select_actor(20)
    relances.table.cellWidget(0, 2).linkActivated.emit("actor:15")  # one click on the actor
    assert window.editor.current_id() == CELLECTIS


def test_exchange_done_from_the_record(qtbot, window, frozen, monkeypatch):
    exchange = window.catalogue.add_exchange(CELLECTIS, date="2026-11-20", kind="meeting", text="Comité",
                                             followup_on="2026-11-25")
    window.select_actor(CELLECTIS)
    panel = window.editor.exchanges_panel
    panel.reload()
    _accepting(monkeypatch)
    monkeypatch.setattr(editor_panels.ExchangeDialog, "exec", ExchangeDialog.exec)
    panel.complete(f"exchange:{exchange}", "meeting", "")
    done = [e for e in window.catalogue.exchanges(CELLECTIS) if e["id"] != exchange]
    assert [(e["kind"], e["text"]) for e in done] == [("meeting", "Relance faite")]
    assert window.catalogue.followups() == []
