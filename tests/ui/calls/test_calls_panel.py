"""The "Appels à projets" tab, driven as an officer would: the call dialog, the shortlist,
bulk status changes, undo, publipostage, e-mail, and "Ajouter à l'appel…" from the list."""
from __future__ import annotations

from datetime import date, timedelta  # the proposed followup's day
from urllib.parse import unquote

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue
from eco_desktop.ui import operations
from eco_desktop.ui.calls import call_dialog as calls_ui
from eco_desktop.ui.calls import common as calls_common
from eco_desktop.ui.calls import CallDialog, CallsOfActorWidget, CallsPanel
from eco_desktop.ui.calls.shortlist import NOTE_COLUMN
from eco_desktop.ui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
GENSIGHT, ART_TG, SANOFI = 17, 27, 1
# A new catalogue starts with the study's two calls (db/dataset/calls.csv), both closed.
BUNDLED_CALLS = ["Grand Défi « Biomédicaments » : labellisation des intégrateurs industriels",
                 "Ingénierie de formations professionnelles et continues d'offres innovantes"]


@pytest.fixture
def window(qtbot, tmp_path):
    catalogue = Catalogue.create(tmp_path / "c.sqlite")
    win = MainWindow(catalogue)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.set_catalogue(None)


@pytest.fixture
def panel(window) -> CallsPanel:
    panel = window.features["calls"]
    window.tabs.setCurrentIndex(panel.tab_index)
    panel.ask_followup = lambda call, count: None  # « contacté » proposes a follow-up: declined
    return panel


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(calls_ui, "show_error", lambda _parent, error, _title="": seen.append(str(error)))
    monkeypatch.setattr(operations, "show_error", lambda _parent, _title, error, **_kw: seen.append(str(error)))
    return seen


def fill_and_accept(dialog: CallDialog, *, name: str, funder: str = "", domain: str | None = None) -> int:
    dialog.name_edit.setText(name)
    dialog.funder_edit.setCurrentText(funder)
    dialog.opens_edit.setDate(dialog.opens_edit.date().fromString("2025-01-15", "yyyy-MM-dd"))
    dialog.closes_edit.setDate(dialog.closes_edit.date().fromString("2025-03-31", "yyyy-MM-dd"))
    if domain:
        item = dialog.facets.value_item("domain", domain)
        item.setCheckState(0, Qt.CheckState.Checked)  # as a click on the facet's box does
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    return dialog.result()


def create_gene_call(panel, qtbot) -> int:
    seen = {}

    def drive(dialog):
        seen["summary"] = None
        result = fill_and_accept(dialog, name="Thérapie génique 2025", funder="Région Île-de-France",
                                 domain="gene_therapy")
        seen["summary"] = dialog.summary.text()
        return result
    panel.exec_dialog = drive
    qtbot.mouseClick(panel.new_button, LEFT)
    assert "7 acteurs éligibles" in seen["summary"]
    return panel.current_call_id()


def call_row(panel, name: str = "Thérapie génique 2025") -> int:
    """The row of a call in the calls list (sorted by name, after the bundled calls)."""
    table = panel.calls_table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)


def shortlisted_names(panel) -> list[str]:
    return [row["name"] for row in panel.model.rows]


def select_names(panel, names: set[str]) -> None:
    selection = panel.table.selectionModel()
    selection.clearSelection()
    for row in range(panel.proxy.rowCount()):
        index = panel.proxy.index(row, 0)
        if index.data() in names:
            selection.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_create_a_call_through_the_dialog(panel, qtbot, window):
    assert window.tabs.tabText(panel.tab_index) == "Appels à projets"
    call_id = create_gene_call(panel, qtbot)
    call = window.catalogue.get_call(call_id)
    assert call["funder"] == "Région Île-de-France"
    assert (call["opens"], call["closes"]) == ("2025-01-15", "2025-03-31")
    assert call["eligibility"] == Filter(domains=("gene_therapy",))
    row = call_row(panel)
    assert panel.calls_table.currentRow() == row      # the new call is the one shown
    assert panel.calls_table.item(row, 2).text() == "15/01 → 31/03/2025"
    assert panel.calls_table.item(row, 3).text() == "En préparation"
    assert panel.calls_table.item(row, 4).text() == "7"
    assert {"GenSight Biologics", "ART-TG"} <= set(shortlisted_names(panel))
    assert panel.count_labels["to_contact"].text() == "À contacter : 7"
    assert panel.count_labels["contacted"].text() == "Contacté : 0"
    assert "Thérapie génique" in panel.call_info.text()
    assert window.undo_stack.count() == 1  # one undoable step


def test_first_start_shows_the_studys_calls_and_their_laureates(panel, qtbot):
    assert [panel.calls_table.item(r, 0).text() for r in range(panel.calls_table.rowCount())] == BUNDLED_CALLS
    assert {panel.calls_table.item(r, 3).text() for r in range(len(BUNDLED_CALLS))} == {"Clos"}
    assert not panel.empty_hint.isVisible()
    assert panel.calls_table.currentRow() == 0        # the first call's shortlist is shown
    assert set(shortlisted_names(panel)) == {"Magenta", "Centre Meary"}
    assert panel.count_labels["selected"].text() == "Lauréat : 2"
    panel.calls_table.setCurrentCell(1, 0)
    assert shortlisted_names(panel) == ["Campus Biotech Digital"]


def test_an_empty_catalogue_shows_the_hint(qtbot, tmp_path):
    window = MainWindow(Catalogue.create(tmp_path / "vide.sqlite", seed=False))
    qtbot.addWidget(window)
    window.show()
    panel = window.features["calls"]
    window.tabs.setCurrentIndex(panel.tab_index)
    assert panel.calls_table.rowCount() == 0 and panel.empty_hint.isVisible()
    window.set_catalogue(None)


def test_dialog_refuses_a_duplicate_name_and_stays_open(panel, qtbot, window, errors):
    create_gene_call(panel, qtbot)
    dialog = CallDialog(window.catalogue, None, panel)
    qtbot.addWidget(dialog)
    assert fill_and_accept(dialog, name="THÉRAPIE GÉNIQUE 2025") != QDialog.DialogCode.Accepted
    assert errors and "s'appelle déjà" in errors[0]
    assert len(window.catalogue.calls()) == len(BUNDLED_CALLS) + 1


def test_edit_a_call_keeps_its_eligibility_ticked(panel, qtbot, window):
    call_id = create_gene_call(panel, qtbot)

    def drive(dialog):
        assert dialog.facets.value_item("domain", "gene_therapy").checkState(0) == Qt.CheckState.Checked
        dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("open"))
        dialog.url_edit.setText("https://www.iledefrance.fr/aap")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        return dialog.result()
    panel.exec_dialog = drive
    qtbot.mouseClick(panel.edit_button, LEFT)
    assert window.catalogue.get_call(call_id)["state"] == "open"
    assert panel.calls_table.item(call_row(panel), 3).text() == "Ouvert"
    assert "page de l'appel" in panel.call_info.text()


def test_update_shortlist_adds_new_eligible_actors(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    window.catalogue.create_actor({"name": "Vectalys Île", "kind": "biotech", "domains": ["gene_therapy"],
                                   "commune": "Évry-Courcouronnes"})
    qtbot.mouseClick(panel.update_button, LEFT)
    assert "Vectalys Île" in shortlisted_names(panel)
    assert panel.count_labels["to_contact"].text() == "À contacter : 8"
    assert "1 acteur éligible ajouté" in window.statusBar().currentMessage()
    qtbot.mouseClick(panel.update_button, LEFT)
    assert "déjà tous" in window.statusBar().currentMessage()


def test_bulk_status_change_counts_and_undo(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    select_names(panel, {"GenSight Biologics", "ART-TG"})
    assert panel.status_button.isEnabled()
    assert panel.status_button.text() == "Changer le statut (2)"
    panel.status_actions["contacted"].trigger()
    assert panel.count_labels["contacted"].text() == "Contacté : 2"
    assert panel.count_labels["to_contact"].text() == "À contacter : 5"
    statuses = {row["name"]: row["status"] for row in panel.model.rows}
    assert statuses["GenSight Biologics"] == statuses["ART-TG"] == "contacted"
    assert set(panel.selected_actor_ids()) == {GENSIGHT, ART_TG}  # selection kept
    # the table shows the French label
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == "ART-TG")
    assert panel.proxy.index(row, 3).data() == "Contacté"

    window.undo_stack.undo()  # Ctrl+Z in the window
    qtbot.waitUntil(lambda: panel.count_labels["contacted"].text() == "Contacté : 0")
    assert panel.count_labels["to_contact"].text() == "À contacter : 7"


def test_note_edit_and_remove(panel, qtbot, window):
    call_id = create_gene_call(panel, qtbot)
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == "GenSight Biologics")
    index = panel.proxy.index(row, NOTE_COLUMN)
    assert panel.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
    panel.proxy.setData(index, "Rappeler après le comité")
    entry = window.catalogue.calls_of_actor(GENSIGHT)[0]
    assert entry["note"] == "Rappeler après le comité"
    select_names(panel, {"GenSight Biologics"})
    qtbot.mouseClick(panel.remove_button, LEFT)
    assert "GenSight Biologics" not in shortlisted_names(panel)
    assert window.catalogue.calls_of_actor(GENSIGHT) == []
    assert panel.calls_table.item(call_row(panel), 4).text() == "6"
    assert len(window.catalogue.shortlist(call_id)) == 6


def add_contacts(catalogue):
    catalogue.add_contact(GENSIGHT, {"first_name": "Alice", "last_name": "Martin", "email": "alice@gensight.example",
                                     "legal_basis": "legitimate_interest"})
    catalogue.add_contact(GENSIGHT, {"first_name": "Bruno", "last_name": "Petit", "email": "bruno@gensight.example"})
    catalogue.add_contact(ART_TG, {"first_name": "Chloé", "last_name": "Durand", "email": "chloe@art-tg.example",
                                   "legal_basis": "consent", "opt_out": True})
    catalogue.add_contact(ART_TG, {"first_name": "Denis", "last_name": "Roux", "email": "denis+aap@art-tg.example",
                                   "legal_basis": "consent"})


def test_contacted_proposes_a_followup_in_the_calls_delay(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    call = panel.current_call()
    assert call["followup_days"] == 7
    asked = []
    due = (date.today() + timedelta(days=7)).isoformat()
    panel.ask_followup = lambda c, count: asked.append((c["name"], count)) or {
        "followup_on": due, "followup_by": "Claire", "next_step": "Envoyer le dossier"}
    select_names(panel, {"GenSight Biologics", "ART-TG"})
    panel.status_actions["contacted"].trigger()
    assert asked == [(call["name"], 2)]
    items = window.catalogue.followups()
    assert {f.actor_id for f in items} == {GENSIGHT, ART_TG}
    assert {(f.due.isoformat(), f.who, f.call) for f in items} == {(due, "Claire", call["name"])}
    window.undo_stack.undo()  # the follow-ups are one step, the status another
    qtbot.waitUntil(lambda: window.catalogue.followups() == [])
    assert panel.count_labels["contacted"].text() == "Contacté : 2"


def test_prepare_email_opens_bcc_mailto_and_marks_contacted(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    add_contacts(window.catalogue)
    opened = []
    panel.open_url = lambda url: opened.append(url.toString(url.ComponentFormattingOption.FullyEncoded)) or True
    asked = []
    panel.ask_mark_contacted = lambda count: asked.append(count) or True
    qtbot.mouseClick(panel.email_button, LEFT)
    assert len(opened) == 1
    url = opened[0]
    assert url.startswith("mailto:?subject=Th%C3%A9rapie%20g%C3%A9nique%202025&bcc=")
    recipients = [unquote(a) for a in url.split("&bcc=")[1].split(",")]
    assert recipients == ["denis+aap@art-tg.example", "alice@gensight.example"] or \
        sorted(recipients) == ["alice@gensight.example", "denis+aap@art-tg.example"]
    assert asked == [2]
    assert panel.count_labels["contacted"].text() == "Contacté : 2"


def test_one_address_serving_two_actors_marks_both_contacted(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    for actor_id, email in ((GENSIGHT, "eve@conseil.example"), (ART_TG, "EVE@conseil.example ")):
        window.catalogue.add_contact(actor_id, {"first_name": "Eve", "email": email, "legal_basis": "consent"})
    opened = []
    panel.open_url = lambda url: opened.append(url.toString(url.ComponentFormattingOption.FullyEncoded)) or True
    asked = []
    panel.ask_mark_contacted = lambda count: asked.append(count) or True
    qtbot.mouseClick(panel.email_button, LEFT)
    assert len(opened) == 1 and opened[0].casefold().endswith("&bcc=eve@conseil.example")  # one message
    assert asked == [2]  # the merged address reached both actors
    assert panel.count_labels["contacted"].text() == "Contacté : 2"


def test_publipostage_writes_the_file_and_reports_left_out(panel, qtbot, window, tmp_path):
    from openpyxl import load_workbook
    create_gene_call(panel, qtbot)
    add_contacts(window.catalogue)
    target = tmp_path / "envoi.xlsx"
    panel.ask_mailing_path = lambda call: str(target)
    reports = []
    panel.exec_dialog = lambda box: reports.append(box.text() + "\n" + box.informativeText()) or 0
    qtbot.mouseClick(panel.mailing_button, LEFT)
    assert target.exists()
    rows = list(load_workbook(target).worksheets[0].values)
    assert len(rows) == 1 + 2
    assert "2 contacts écartés" in reports[0]
    assert "1 sans base légale" in reports[0] and "1 opposé(s)" in reports[0]
    assert "sans contact utilisable" in reports[0]


def test_add_selected_actors_to_a_call_from_the_list(panel, qtbot, window):
    call_id = create_gene_call(panel, qtbot)
    window.tabs.setCurrentIndex(0)
    window.select_actors([SANOFI, GENSIGHT])
    assert set(window.selected_ids()) == {SANOFI, GENSIGHT}
    action = next(a for a in window.menu_edit.actions() if a.text() == "Ajouter à l'appel…")
    panel.choose_call = lambda count: call_id
    action.trigger()
    assert "Sanofi" in shortlisted_names(panel)
    assert "1 acteur ajouté" in window.statusBar().currentMessage()
    assert "1 y était déjà" in window.statusBar().currentMessage()


def test_archive_hides_the_call_unless_asked(panel, qtbot, window):
    create_gene_call(panel, qtbot)
    qtbot.mouseClick(panel.archive_button, LEFT)
    assert panel.calls_table.rowCount() == len(BUNDLED_CALLS)
    panel.archived_check.setChecked(True)
    assert panel.calls_table.rowCount() == len(BUNDLED_CALLS) + 1
    assert panel.calls_table.item(call_row(panel), 3).text() == "Archivé"


def test_calls_of_actor_widget(qtbot, window, panel):
    call_id = create_gene_call(panel, qtbot)
    window.catalogue.set_status(call_id, [GENSIGHT], "selected", note="Lauréat 2025")
    widget = CallsOfActorWidget(window.catalogue)
    qtbot.addWidget(widget)
    widget.load(GENSIGHT, "GenSight Biologics")
    assert widget.count() == 1
    assert [widget.table.item(0, c).text() for c in (0, 1, 3)] == ["Thérapie génique 2025", "Lauréat", "Lauréat 2025"]
    widget.load(SANOFI)
    assert widget.count() == 0 and not widget.empty.isHidden()


def test_large_writes_run_in_a_worker_and_stay_undoable(panel, qtbot, window, monkeypatch):
    call_id = create_gene_call(panel, qtbot)
    monkeypatch.setattr(calls_common, "BACKGROUND_THRESHOLD", 0)  # every write goes to the worker thread
    listeners = list(window.catalogue.listeners)
    steps = window.undo_stack.count()
    select_names(panel, {"GenSight Biologics", "ART-TG", "Magenta"})
    panel.status_actions["applied"].trigger()
    assert panel.count_labels["applied"].text() == "Candidat : 3"
    assert window.catalogue.listeners == listeners  # the relay is gone
    qtbot.waitUntil(lambda: window.undo_stack.count() == steps + 1)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.count_labels["applied"].text() == "Candidat : 0")
    assert window.catalogue.status_counts(call_id)["to_contact"] == 7
