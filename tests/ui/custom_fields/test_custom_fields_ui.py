"""Custom fields as a person uses them: define a number field in Outils → Champs
personnalisés…, fill it in a record, filter ≥ in the range bar, tick a choice facet,
export; rename and delete ask, a choice in use says how many have it, Ctrl+Z undoes."""
from __future__ import annotations

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from eco_desktop.ui.custom_fields import dialog as fields_dialog
from eco_desktop.ui.exporting.dialog import ExportDialog

CELLECTIS, GENOPOLE = 15, 20


def open_fields_dialog(window):
    feature = window.features["custom_fields"]
    assert feature.action in window.findChildren(type(feature.action))
    return feature.dialog()


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.clear()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()


def test_define_fill_filter_export(qtbot, window, tmp_path, monkeypatch):
    dialog = open_fields_dialog(window)
    qtbot.addWidget(dialog)
    field_id = dialog.create_field("Montant levé", "number", unit="€")
    assert dialog.fields_list.currentItem().text() == "Montant levé (€) — Un nombre"
    dialog.close()
    window.features["custom_fields"]._update()  # what closing the dialog opened from Outils does

    # fill it in Cellectis' record: « 2,5M » is read as 2 500 000
    window.select_actor(CELLECTIS)
    panel = window.editor.custom_panel
    qtbot.waitUntil(lambda: panel.row_id == CELLECTIS)
    edit = panel.inputs["montant_leve"]
    type_into(qtbot, edit, "beaucoup")
    qtbot.waitUntil(lambda: panel.messages["montant_leve"].isVisibleTo(panel))
    assert "attend un nombre" in panel.messages["montant_leve"].text()
    assert window.catalogue.custom_values(CELLECTIS) == {}
    type_into(qtbot, edit, "2,5M")
    assert window.catalogue.custom_values(CELLECTIS) == {"montant_leve": [2500000]}
    assert edit.text() == "2\u202f500\u202f000"
    window.select_actor(GENOPOLE)
    qtbot.waitUntil(lambda: panel.row_id == GENOPOLE)
    type_into(qtbot, panel.inputs["montant_leve"], "300000")

    # filter ≥ 1 M in the range bar: only Cellectis is listed
    ranges = window.features["custom_fields"].ranges
    qtbot.waitUntil(lambda: ranges.isVisibleTo(window))
    type_into(qtbot, ranges.edits["montant_leve", ">="], "1M")
    qtbot.waitUntil(lambda: window.model.ids == [CELLECTIS])
    assert window.filter.custom == (("montant_leve", ">=", "1000000"),)

    # export the list: the field is a column with its value, the criteria sheet says the range
    out = tmp_path / "levees.xlsx"
    export = window.features["exporting"].open_dialog(modal=False)
    assert isinstance(export, ExportDialog)
    export.set_path(out)
    qtbot.mouseClick(export.button_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: export.operation is None, timeout=20000)
    book = openpyxl.load_workbook(out)
    sheet = book["Acteurs"]
    headers = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][headers.index("Montant levé (€)")] == 2500000
    criteria = [r[1] for r in book["Critères"].iter_rows(values_only=True)]
    assert "Montant levé ≥ 1\u202f000\u202f000 €" in criteria

    # deleting the field asks, says how many records lose a value, and Ctrl+Z brings it back
    asked = []
    monkeypatch.setattr(fields_dialog.common, "confirm", lambda *a, **k: asked.append(k.get("informative")) or True)
    dialog.reload(field_id)
    dialog.delete_field()
    assert asked and "2 acteurs" in asked[0]
    assert window.catalogue.custom_fields("actor") == []
    window.catalogue.undo()
    assert window.catalogue.custom_values(CELLECTIS) == {"montant_leve": [2500000]}


def test_choice_facet_and_choice_in_use(qtbot, window, monkeypatch):
    catalogue = window.catalogue
    catalogue.add_custom_field("actor", "Programme", "choice", choices=["PIA", "France 2030"])
    catalogue.set_custom_values(CELLECTIS, {"programme": "PIA"})
    catalogue.set_custom_values(GENOPOLE, {"programme": "PIA"})
    window.refresh()
    facets = window.facets
    qtbot.waitUntil(lambda: "custom.programme" in facets.groups)
    assert facets.groups["custom.programme"].text(0) == "Programme"
    item = facets.value_item("custom.programme", "pia")
    assert item.text(1) == "2"
    item.setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: sorted(window.model.ids) == [CELLECTIS, GENOPOLE])

    dialog = open_fields_dialog(window)
    qtbot.addWidget(dialog)
    dialog.fields_list.setCurrentRow(0)
    dialog.choices_list.setCurrentRow(0)
    said = []
    monkeypatch.setattr(fields_dialog.common, "confirm", lambda *a, **k: said.append(k["informative"]) or False)
    dialog.delete_choice()
    assert said == ["Ce choix est utilisé par 2 acteurs : il sera retiré de leurs fiches. Ctrl+Z annule la suppression."]
    assert catalogue.custom_choice_usage(dialog.current_field()["id"], "pia") == 2  # refused: nothing changed
    monkeypatch.setattr(fields_dialog.common, "ask_text", lambda *a, **k: "PIA 4")
    monkeypatch.setattr(fields_dialog.common, "confirm", lambda *a, **k: True)
    dialog.rename_field()  # « PIA 4 » as the field's new label
    assert catalogue.custom_field("programme")["label"] == "PIA 4"


def test_optional_list_column(qtbot, window):
    from PySide6.QtWidgets import QMenu
    catalogue = window.catalogue
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.set_custom_values(CELLECTIS, {"montant_leve": 2_500_000})
    catalogue.set_custom_values(GENOPOLE, {"montant_leve": 400_000})
    from eco_desktop.ui.operations import Change
    window.apply_changes(Change.VOCABULARIES | Change.ACTORS)
    model, header = window.model, window.table.horizontalHeader()
    column = model.columnCount() - 1
    assert model.column_key(column) == "custom.montant_leve"
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Montant levé"
    assert header.isSectionHidden(column)  # optional: hidden until chosen
    menu = QMenu()
    window._fill_columns_menu(menu)
    action = next(a for a in menu.actions() if a.text() == "Montant levé")
    action.setChecked(True)
    assert not header.isSectionHidden(column)
    row = model.row_of(CELLECTIS)
    assert model.data(model.index(row, column)) == "2\u202f500\u202f000 €"
    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert model.ids[:2] == [CELLECTIS, GENOPOLE]
    window.refresh()
    assert not header.isSectionHidden(column)  # still shown after the list is filled again


def test_contact_fields_in_the_contact_dialog(qtbot, window, monkeypatch):
    from eco_desktop.ui.editor import panels
    catalogue = window.catalogue
    catalogue.add_custom_field("contact", "Rôle au comité", "choice", choices=["Président", "Membre"])
    contact_id = catalogue.add_contact(CELLECTIS, {"first_name": "Alice", "last_name": "Martin"})
    window.select_actor(CELLECTIS)
    contacts = window.editor.contacts_panel
    qtbot.waitUntil(lambda: contacts.count() == 1)
    seen = []

    def run(dialog):  # (the dialog would be modal: the person's choice is made here)
        from eco_desktop.ui.custom_fields.section import CustomFieldsPanel
        [custom] = dialog.findChildren(CustomFieldsPanel)
        combo = custom.inputs["role_au_comite"]
        combo.setCurrentIndex(combo.findData("president"))
        combo.activated.emit(combo.currentIndex())
        seen.append(dialog)
        return 0
    monkeypatch.setattr(panels.ContactDialog, "exec", run)
    contacts.table.selectRow(0)
    contacts.edit_selected()
    assert seen and catalogue.custom_values(contact_id, "contact") == {"role_au_comite": ["president"]}


def test_the_import_wizard_offers_custom_fields(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QWizard
    catalogue = window.catalogue
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.add_custom_field("actor", "Programme", "choice", choices=["PIA", "France 2030"])
    source = tmp_path / "levees.csv"
    source.write_text("Nom;Commune;Montant levé (€);Dispositif\nNouvelle Bio;Évry;1,5M;PIA\n", encoding="utf-8")
    wizard = window.features["importing"].open_wizard(source)

    def next_page():
        button = wizard.button(QWizard.WizardButton.CommitButton if wizard.currentPage().isCommitPage()
                               else QWizard.WizardButton.NextButton)
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    next_page()
    page = wizard.mapping_page
    assert page.combos[2].currentData() == "custom.montant_leve"  # the export's header, recognised
    labels = [page.combos[3].itemText(i) for i in range(page.combos[3].count())]
    assert "Programme (champ personnalisé)" in labels
    page.combos[3].setCurrentIndex(page.combos[3].findData("custom.programme"))
    assert page.table.item(3, 0).text() == "✔"
    wizard.default_kind = "biotech"
    next_page()
    next_page()
    next_page()
    qtbot.waitUntil(lambda: wizard.summary is not None, timeout=20000)
    [created] = wizard.summary.created_ids
    assert catalogue.custom_values(created) == {"montant_leve": [1500000], "programme": ["pia"]}
