"""The record editor (ActorEditor): what an officer does with one actor's record."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from eco_desktop.catalogue import Catalogue
from eco_desktop.ui.editor import editor as editor_module
from eco_desktop.ui.editor import panels as editor_panels
from eco_desktop.ui.editor import ActorEditor
from eco_desktop.ui.editor.dialogs import ContactDialog, ExchangeDialog, RelationDialog


def actor_id(catalogue, name: str) -> int:
    return next(i for i, n in catalogue.all_actor_names() if n == name)


@pytest.fixture
def errors_shown(monkeypatch):
    """Error boxes are recorded instead of shown (they would block the test)."""
    shown: list[str] = []
    monkeypatch.setattr(editor_module, "show_error", lambda parent, error, title="": shown.append(str(error)))
    monkeypatch.setattr(editor_panels, "show_error", lambda parent, error, title="": shown.append(str(error)))
    return shown


@pytest.fixture
def editor(qtbot, catalogue, errors_shown):
    widget = ActorEditor(catalogue)
    qtbot.addWidget(widget)
    widget.resize(480, 900)
    widget.show()
    widget.activateWindow()  # shortcuts (Ctrl+S) only reach the active window
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def test_empty_state_then_genopole(editor, catalogue):
    assert editor.current_id() is None
    assert editor.stack.currentIndex() == 0
    assert "Aucun acteur sélectionné" in editor.empty_label.text()
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)
    assert editor.current_id() == genopole
    assert editor.title.text() == "Genopole"
    assert editor.kind_chip.text() == "Incubateur, pépinière, hôtel d'entreprises"
    assert editor.name_edit.text() == "Genopole"
    assert editor.aliases_edit.text() == "Genopole d'Évry"
    assert editor.activities_grid.values() == ["incubation"]
    assert editor.departement_value.text() == "91 Essonne"
    assert {"héberge Xentech", "héberge Magenta"} <= set(editor.relations_panel.texts())
    assert not editor.is_dirty()
    assert not editor.save_button.isEnabled() and not editor.revert_button.isEnabled()


def test_edit_then_save_persists_in_one_undo_step(qtbot, editor, catalogue, catalogue_path):
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)
    with qtbot.waitSignal(editor.dirtyChanged) as dirty:
        editor.website_edit.clear()
        qtbot.keyClicks(editor.website_edit, "www.genopole.com")
    assert dirty.args == [True] and editor.is_dirty()
    editor.founded_edit.setText("1998")
    editor.activities_grid.box("research").click()
    assert editor.save_button.isEnabled()
    assert editor.changes() == {"website": "https://www.genopole.com", "founded": 1998,
                                "activities": ["research", "incubation"]}
    with qtbot.waitSignal(editor.saved) as saved:
        editor.website_edit.setFocus()
        qtbot.keyClick(editor.website_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [genopole]
    assert not editor.is_dirty()
    assert catalogue.undo_label() == "Modifier « Genopole »"

    reopened = Catalogue.open(catalogue_path)
    try:
        actor = reopened.get_actor(genopole)
    finally:
        reopened.close()
    assert actor["website"] == "https://www.genopole.com"
    assert actor["founded"] == 1998
    assert actor["activities"] == ["research", "incubation"]

    catalogue.undo()  # one step undoes the three fields
    editor.refresh()
    assert editor.website_edit.text() == "https://www.genopole.fr"
    assert editor.founded_edit.text() == ""


def test_invalid_siret_blocks_saving(qtbot, editor, catalogue, errors_shown):
    # An actor without a SIREN: Cellectis' (428859052) would make any other firm's SIRET wrong.
    gensight = actor_id(catalogue, "GenSight Biologics")
    editor.load(gensight)
    qtbot.keyClicks(editor.siret_edit, "732 829 320 00075")
    message = editor.message_for("siret")
    assert message.isVisible()
    assert "clé de contrôle incorrecte" in message.text()
    assert editor.siret_edit.property("issue") == "error"
    assert editor.is_dirty() and editor.has_errors()
    assert not editor.save_button.isEnabled()
    assert editor.save() is False
    assert errors_shown and "SIRET" in errors_shown[0]
    assert catalogue.get_actor(gensight)["siret"] == ""

    editor.siret_edit.setText("732 829 320 00074")  # valid: the message goes away
    assert not message.isVisible() and editor.siret_edit.property("issue") == ""
    assert editor.save_button.isEnabled()
    assert editor.save() is True
    assert catalogue.get_actor(gensight)["siret"] == "73282932000074"


def test_warning_does_not_block_saving(editor, catalogue):
    editor.load(actor_id(catalogue, "Genopole"))
    editor.lat_edit.setText("2.43013")  # swapped with the longitude: outside the région
    editor.lon_edit.setText("48.62684")
    message = editor.message_for("position")
    assert message.isVisible() and "inversées" in message.text()
    assert editor.lat_edit.property("issue") == "warning"
    assert editor.save_button.isEnabled()


def test_naf_label_shown_live(qtbot, editor, catalogue):
    editor.load(actor_id(catalogue, "Cellectis"))
    qtbot.keyClicks(editor.naf_edit, "7211z")
    assert editor.naf_label.isVisible()
    assert "biotechnologie" in editor.naf_label.text()
    assert editor.changes()["naf"] == "72.11Z"


def test_postcode_completion_fills_commune(qtbot, editor, catalogue):
    editor.load(actor_id(catalogue, "Genopole"))
    editor.commune_edit.clear()
    editor.postcode_edit.clear()
    qtbot.keyClicks(editor.postcode_edit, "9100")
    completer = editor.postcode_completer
    rows = [completer.model().index(r, 0).data() for r in range(completer.model().rowCount())]
    assert any("Évry-Courcouronnes" in row for row in rows)
    row = next(r for r, text in enumerate(rows) if text.startswith("91000"))
    completer.popup().setCurrentIndex(completer.completionModel().index(row, 0))
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.commune_edit.text() == "Évry-Courcouronnes")
    assert editor.postcode_edit.text() == "91000"
    assert editor.departement_value.text() == "91 Essonne"
    assert not editor.has_errors()


def test_commune_typed_then_postcode_checked(qtbot, editor, catalogue):
    editor.load(actor_id(catalogue, "Cellectis"))
    editor.postcode_edit.setText("91000")  # Paris 13e with an Essonne postcode
    assert editor.has_errors()
    assert "ne correspond pas" in editor.message_for("postcode").text()
    editor.set_place("91000", "EVRY COURCOURONNES")
    assert not editor.has_errors()
    assert editor.departement_value.text() == "91 Essonne"
    assert editor.mgp_value.text() == "Non"
    assert editor.precision_combo.currentData() == "commune"
    assert editor.lat_edit.text().startswith("48.62")  # the commune's centre
    assert editor.save()
    saved = catalogue.get_actor(actor_id(catalogue, "Cellectis"))
    assert (saved["commune"], saved["insee_code"], saved["departement"], saved["mgp"]) == \
        ("Évry-Courcouronnes", "91228", "91", False)


def test_typing_a_position_makes_it_manual(qtbot, editor, catalogue):
    editor.load(actor_id(catalogue, "Genopole"))
    editor.lat_edit.clear()
    qtbot.keyClicks(editor.lat_edit, "48.6301")
    assert editor.precision_combo.currentData() == "manual"
    assert editor.save()
    actor = catalogue.get_actor(actor_id(catalogue, "Genopole"))
    assert (actor["lat"], actor["geo_precision"]) == (48.6301, "manual")


def fake_exec(fill):
    def run(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()
    return run


def test_add_edit_delete_contact(qtbot, editor, catalogue, monkeypatch):
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)

    def fill(dialog: ContactDialog):
        dialog.email.setText("pas-une-adresse")
        assert not dialog.ok_button().isEnabled()
        assert "n'est pas valide" in dialog.messages["email"].text()
        dialog.civility.setCurrentText("Mme")
        dialog.first_name.setText("Claire")
        dialog.last_name.setText("Martin")
        dialog.role.setText("Chargée d'affaires")
        dialog.email.setText("claire.martin@genopole.fr")
        dialog.phone.setText("01 60 87 83 00")
        dialog.legal_basis.setCurrentIndex(dialog.legal_basis.findData("legitimate_interest"))
        dialog.basis_date.setText("2024-03-01")
        assert dialog.ok_button().isEnabled()

    monkeypatch.setattr(ContactDialog, "exec", fake_exec(fill))
    with qtbot.waitSignal(editor.changed):
        editor.contacts_panel.add_button.click()
    contacts = catalogue.contacts(genopole)
    assert [(c["first_name"], c["last_name"], c["phone"], c["usable"]) for c in contacts] == \
        [("Claire", "Martin", "+33160878300", True)]
    model = editor.contacts_panel.model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(model.columnCount())] == \
        ["Mme", "Claire", "Martin", "Chargée d'affaires", "claire.martin@genopole.fr", "01 60 87 83 00",
         "Intérêt légitime", "01/03/2024", "Non"]
    assert editor.sections["contacts"].header.text() == "Contacts (1)"
    assert not editor.is_dirty()  # written at once, not part of the form

    editor.contacts_panel.select_row(0)
    monkeypatch.setattr(ContactDialog, "exec", fake_exec(lambda d: d.opt_out.setChecked(True)))
    editor.contacts_panel.edit_button.click()
    assert catalogue.contacts(genopole)[0]["opt_out"] is True

    editor.contacts_panel.select_row(0)
    monkeypatch.setattr(editor_panels, "confirm", lambda *a, **k: True)
    editor.contacts_panel.delete_button.click()
    assert catalogue.contacts(genopole) == []
    assert editor.contacts_panel.model.rowCount() == 0


def test_add_relation_with_picker_both_directions_then_remove(qtbot, editor, catalogue, monkeypatch):
    genopole, cellectis = actor_id(catalogue, "Genopole"), actor_id(catalogue, "Cellectis")
    editor.load(genopole)

    def fill(dialog: RelationDialog):
        assert dialog.set_type("hosted_by", "in")  # « Genopole » héberge …
        qtbot.keyClicks(dialog.picker.search, "CELLECT")
        assert dialog.picker.visible_names() == ["Cellectis"]
        assert dialog.picker.selected_id() == cellectis
        assert "hébergé par « Genopole »" in dialog.summary.text()

    monkeypatch.setattr(RelationDialog, "exec", fake_exec(fill))
    with qtbot.waitSignal(editor.changed):
        editor.relations_panel.add_button.click()
    assert "héberge Cellectis" in editor.relations_panel.texts()
    assert any(r["type"] == "hosted_by" and r["other_id"] == genopole
               for r in catalogue.relations_of(cellectis))

    editor.load(cellectis)
    texts = editor.relations_panel.texts()
    assert "hébergé par Genopole" in texts and "hébergé par Biopark" in texts

    # Double-click on a relation opens the other actor.
    item = next(editor.relations_panel.list.item(r) for r in range(editor.relations_panel.list.count())
                if editor.relations_panel.list.item(r).text() == "hébergé par Genopole")
    with qtbot.waitSignal(editor.actorActivated) as activated:
        editor.relations_panel.list.itemActivated.emit(item)
    assert activated.args == [genopole]

    editor.relations_panel.list.setCurrentItem(item)
    monkeypatch.setattr(editor_panels, "confirm", lambda *a, **k: True)
    editor.relations_panel.delete_button.click()
    assert "hébergé par Genopole" not in editor.relations_panel.texts()
    assert not any(r["other_id"] == genopole for r in catalogue.relations_of(cellectis))


def test_accent_insensitive_picker(qtbot, catalogue):
    dialog = RelationDialog(1, "X", [(1, "X"), (2, "Hôpital Saint-Louis"), (3, "Genopole")])
    qtbot.addWidget(dialog)
    assert dialog.picker.visible_names() == ["Hôpital Saint-Louis", "Genopole"]  # not the actor itself
    qtbot.keyClicks(dialog.picker.search, "hopital louis")
    assert dialog.picker.visible_names() == ["Hôpital Saint-Louis"]
    assert dialog.picker.selected_id() == 2


def test_add_and_delete_exchange(qtbot, editor, catalogue, monkeypatch):
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)

    def fill(dialog: ExchangeDialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("note"))
        assert not dialog.ok_button().isEnabled()  # a note needs a text
        dialog.text.setPlainText("Intéressé par l'appel à projets 2025.")
        dialog.author.setText("agent")

    monkeypatch.setattr(ExchangeDialog, "exec", fake_exec(fill))
    with qtbot.waitSignal(editor.changed):
        editor.exchanges_panel.add_button.click()
    [exchange] = catalogue.exchanges(genopole)
    assert (exchange["kind"], exchange["author"], exchange["text"]) == \
        ("note", "agent", "Intéressé par l'appel à projets 2025.")
    assert editor.exchanges_panel.count() == 1
    assert editor.sections["exchanges"].header.text() == "Suivi (1)"

    monkeypatch.setattr(editor_panels, "confirm", lambda *a, **k: True)
    editor.exchanges_panel.delete(exchange["id"])
    assert catalogue.exchanges(genopole) == []


def test_history_lists_the_edit(editor, catalogue):
    editor.load(actor_id(catalogue, "Genopole"))
    editor.phone_edit.setText("01 60 87 83 00")
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("closed"))
    assert editor.save()
    assert not editor.sections["history"].is_expanded()  # loaded when opened
    editor.sections["history"].header.click()
    [entry] = editor.history_panel.entries()  # the record's journal
    assert (entry.title, entry.kind) == ("Modifier « Genopole »", "change")
    text = editor.history_panel.text()
    assert "Modifier « Genopole »" in text
    assert "Téléphone : (vide) → +33160878300" in text
    assert "Statut : En activité → Fermé" in text


def test_maybe_leave_discard_and_cancel(editor, catalogue, monkeypatch):
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)
    editor.name_edit.setText("Genopole Évry")
    asked: list[str] = []

    def answer(button):
        def exec_(box):
            asked.append(box.text())
            return button
        return exec_

    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Cancel))
    assert editor.maybe_leave(None) is False
    assert editor.is_dirty() and editor.name_edit.text() == "Genopole Évry"
    assert asked == ["Enregistrer les modifications de « Genopole Évry » ?"]

    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Discard))
    assert editor.maybe_leave(None) is True
    assert not editor.is_dirty()
    assert editor.name_edit.text() == "Genopole"
    assert catalogue.get_actor(genopole)["name"] == "Genopole"

    editor.name_edit.setText("Genopole Évry")
    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Save))
    assert editor.maybe_leave(None) is True
    assert catalogue.get_actor(genopole)["name"] == "Genopole Évry"


def test_new_actor_created_on_save(qtbot, editor, catalogue):
    editor.new_actor()
    assert editor.is_creating() and not editor.is_dirty()
    assert editor.title.text() == "Nouvel acteur"
    assert not editor.sections["contacts"].isVisible()
    qtbot.keyClicks(editor.name_edit, "Therapies Nouvelles SAS")  # (QTest types ASCII only)
    assert editor.has_errors()  # no kind yet
    assert "type" in editor.message_for("kind").text()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("biotech"))
    editor.set_place("94800", "Villejuif")
    assert not editor.has_errors()
    with qtbot.waitSignal(editor.saved) as saved:
        assert editor.save()
    new_id = saved.args[0]
    assert editor.current_id() == new_id and not editor.is_creating()
    actor = catalogue.get_actor(new_id)
    assert (actor["name"], actor["kind"], actor["departement"], actor["mgp"]) == \
        ("Therapies Nouvelles SAS", "biotech", "94", True)
    assert editor.sections["contacts"].isVisible()


def test_refresh_keeps_unsaved_edits(editor, catalogue):
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)
    editor.email_edit.setText("contact@genopole.fr")
    catalogue.add_contact(genopole, {"last_name": "Durand"})  # written elsewhere
    editor.refresh()
    assert editor.email_edit.text() == "contact@genopole.fr" and editor.is_dirty()
    assert editor.contacts_panel.count() == 1


def test_read_only_catalogue_disables_inputs(qtbot, catalogue_path, errors_shown):
    read_only = Catalogue.open(catalogue_path, read_only=True)
    try:
        widget = ActorEditor(read_only)
        qtbot.addWidget(widget)
        widget.load(actor_id(read_only, "Genopole"))
        assert widget.name_edit.isReadOnly() and widget.description_edit.isReadOnly()
        assert not widget.kind_combo.isEnabled()
        assert not any(box.isEnabled() for box in widget.domains_grid.boxes())
        assert not widget.contacts_panel.add_button.isEnabled()
        assert not widget.relations_panel.add_button.isEnabled()
        assert not widget.exchanges_panel.add_button.isEnabled()
        assert "lecture seule" in widget.banner.text()
        assert widget.save() is True  # nothing to save
    finally:
        read_only.close()


def test_keyboard_order_and_tag_completion(qtbot, editor, catalogue):
    editor.load(actor_id(catalogue, "Cellectis"))
    editor.name_edit.setFocus()
    order = [editor.name_edit]
    for _ in range(3):
        order.append(order[-1].nextInFocusChain())
    assert order[1:3] == [editor.aliases_edit, editor.kind_combo]
    assert order[3] is editor.domains_grid.boxes()[0]  # then the domain chips, Space toggles them

    editor.tags_edit.setFocus()
    editor.tags_edit.end(False)
    qtbot.keyClicks(editor.tags_edit, ", geno")
    completer = editor.tags_completer
    found = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert found == ["genopole"]
    completer.popup().setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.tags_edit.text() == "biopark, genopole, ")
    assert editor.changes() == {"tags": ["biopark", "genopole"]}


def test_trashed_actor_is_shown_read_only(editor, catalogue):
    cellectis = actor_id(catalogue, "Cellectis")
    catalogue.delete_actors([cellectis])
    editor.load(cellectis)
    assert "corbeille" in editor.banner.text()
    assert editor.name_edit.isReadOnly()
    assert [b.text() for b in editor.domains_grid.boxes() if b.isVisible()] == \
        ["Thérapie génique", "Immunothérapie"]  # read-only: only the chosen values


def test_calls_section_lists_the_calls_the_actor_is_in(qtbot, editor, catalogue):
    from eco_desktop.filter import Filter
    genopole = actor_id(catalogue, "Genopole")
    editor.load(genopole)
    assert editor.calls_panel.count() == 0
    call_id = catalogue.create_call("Innov'up 2026", funder="Région Île-de-France", eligibility=Filter())
    catalogue.add_to_call(call_id, [genopole])
    catalogue.set_status(call_id, [genopole], "contacted")
    qtbot.waitUntil(lambda: editor.calls_panel.count() == 1)
    assert editor.calls_panel.table.item(0, 0).text() == "Innov'up 2026"
    assert editor.calls_panel.table.item(0, 1).text() == "Contacté"


def test_the_record_fits_its_column_without_sideways_cut(qtbot, window, catalogue):
    """At 1366 px (the README's screenshot size), no section of the record is wider than its
    column: the column does not scroll sideways, so a wider section would be cut off."""
    window.resize(1366, 768)
    window.show()
    genopole = actor_id(catalogue, "Genopole")
    window.select_actor(genopole)
    qtbot.waitUntil(lambda: window.editor.scroll.viewport().width() > 0)
    scroll = window.editor.scroll
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
