"""The import wizard: a person chooses a file, keeps the mapping, reads the preview, imports,
reads the summary, finds the new actors in the list, and presses Ctrl+Z."""
from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWizard

from eco_desktop.ui import import_wizard
from eco_desktop.ui.import_wizard import PAGE_CONFIRM, PAGE_MAPPING, PAGE_PREVIEW, PAGE_SUMMARY

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def actors(window) -> list[dict]:
    return window.catalogue.actors_by_ids(window.model.ids)


def names(window) -> set[str]:
    return {a["name"] for a in actors(window)}


def open_wizard(window, path=None):
    feature = window.features["import_wizard"]
    wizard = feature.open_wizard(path)
    return wizard


def next_page(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton if wizard.currentPage().isCommitPage()
                           else QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_menu_toolbar_buttons_and_drop_hook(window):
    feature = window.features["import_wizard"]
    assert feature.action in window.menu_file.actions()
    assert window.menu_file.actions().index(feature.action) < \
        window.menu_file.actions().index(window.file_tools_anchor)
    assert feature.action in window.toolbar.actions()
    assert callable(window.import_file)
    wizard = open_wizard(window)
    texts = {wizard.buttonText(b) for b in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton,
                                            QWizard.WizardButton.CommitButton, QWizard.WizardButton.CancelButton,
                                            QWizard.WizardButton.FinishButton)}
    assert texts == {"Suivant >", "< Précédent", "Importer", "Annuler", "Terminer"}
    wizard.close()


def test_walk_through_import_summary_list_and_undo(qtbot, window, tmp_path):
    before = names(window)
    total = window.catalogue.total()
    window.import_file(str(FIXTURES / "actors_cp1252.csv"))  # what a drop does
    wizard = window.features["import_wizard"].wizard
    wizard.close()
    wizard = open_wizard(window, FIXTURES / "actors_cp1252.csv")
    assert "3 lignes de données" in wizard.file_page.info_label.text()
    assert not wizard.file_page.sheet_combo.isVisible()
    next_page(qtbot, wizard)

    # mapping kept as recognised
    assert wizard.currentId() == PAGE_MAPPING
    page = wizard.mapping_page
    assert page.radio_actors.isChecked()
    assert [c.currentData() for c in page.combos][:4] == ["name", "siret", "kind", "domains"]
    next_page(qtbot, wizard)

    # preview: every row with its status, filterable
    assert wizard.currentId() == PAGE_PREVIEW
    preview = wizard.preview_page
    assert wizard.plan is not None, preview.error_label.text()
    assert preview.proxy.rowCount() == 3
    statuses = [preview.proxy.index(r, 2).data() for r in range(3)]
    assert statuses == ["Nouveau", "Avertissement", "Avertissement"]
    assert "pas-un-mail" in preview.proxy.index(1, 4).data()
    preview.status_combo.setCurrentIndex(preview.status_combo.findData("new"))
    assert preview.proxy.rowCount() == 1
    preview.status_combo.setCurrentIndex(0)
    next_page(qtbot, wizard)

    # confirm, import, summary
    assert wizard.currentId() == PAGE_CONFIRM
    assert "3 acteurs à créer" in wizard.confirm_page.text.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_SUMMARY
    numbers = {k: label.text() for k, label in wizard.summary_page.numbers.items()}
    assert numbers == {"created": "3", "updated": "0", "unchanged": "0", "skipped": "0",
                       "warnings": "2", "errors": "0"}
    report = wizard.summary_page.save_report(str(tmp_path / "rapport"))
    assert report.suffix == ".xlsx" and report.exists()
    assert {r[0] for r in list(load_workbook(report)["Problèmes"].iter_rows(values_only=True))[1:]} == {5, 7}
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    # the list was refreshed
    assert window.catalogue.total() == total + 3
    assert {"BioThéra Paris", "Cellule & Gènes SAS", "Vectoria"} <= names(window)
    assert window.undo_stack.count() >= 1
    assert window.undo_stack.undoText() == "Importer « actors_cp1252.csv »"

    # one Ctrl+Z undoes the whole import
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.catalogue.total() == total)
    assert names(window) == before


def test_xlsx_sheet_choice_and_policy_merge(qtbot, window):
    wizard = open_wizard(window, FIXTURES / "actors_title_merged.xlsx")
    combo = wizard.file_page.sheet_combo
    assert combo.isVisible() and [combo.itemText(i) for i in range(combo.count())] == ["Acteurs", "Contacts"]
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert wizard.table.sheet == "Contacts"
    next_page(qtbot, wizard)
    assert wizard.mapping_page.radio_contacts.isChecked()  # a list of people
    wizard.back()
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert wizard.table.sheet == "Acteurs"
    next_page(qtbot, wizard)
    assert wizard.mapping_page.radio_actors.isChecked()
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.summary.created == 3
    # the same file again, with "Compléter l'existant": every row is a duplicate, nothing created
    wizard.close()
    wizard = open_wizard(window, FIXTURES / "actors_title_merged.xlsx")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    preview = wizard.preview_page
    preview.policy_combo.setCurrentIndex(preview.policy_combo.findData("merge"))
    preview.policy_combo.activated.emit(preview.policy_combo.currentIndex())
    assert wizard.plan.on_duplicate == "merge"
    assert all(preview.proxy.index(r, 2).data().startswith("Doublon de") for r in range(3))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.summary.created == 0


def test_corrected_mapping_saved_and_loaded(qtbot, window, tmp_path):
    source = tmp_path / "liste.csv"
    source.write_text("Libellé;Genre;Localité\nNouvelle Structure;Biotech;Orsay\n", encoding="utf-8")
    wizard = open_wizard(window, source)
    next_page(qtbot, wizard)
    page = wizard.mapping_page
    next_page(qtbot, wizard)  # refused: no name column
    assert wizard.currentId() == PAGE_MAPPING
    assert "Aucune colonne ne correspond au nom" in page.error_label.text()
    for column, field in ((0, "name"), (1, "kind"), (2, "commune")):
        page.combos[column].setCurrentIndex(page.combos[column].findData(field))
    saved = page.save_mapping(str(tmp_path / "correspondance.json"))
    assert json.loads(saved.read_text(encoding="utf-8"))["columns"] == {
        "Libellé": "name", "Genre": "kind", "Localité": "commune"}
    page.combos[0].setCurrentIndex(0)
    assert page.load_mapping(str(saved))
    assert page.combos[0].currentData() == "name"
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.summary.created == 1 and "Nouvelle Structure" in names(window)


def test_cancel_during_import_writes_nothing(qtbot, window):
    def snapshot():
        return [tuple(r) for r in window.catalogue.conn.execute("SELECT * FROM actors ORDER BY id")]
    before = snapshot()
    undo_steps = window.undo_stack.count()
    wizard = open_wizard(window, FIXTURES / "actors_utf8_bom.csv")
    for _ in range(3):
        next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_CONFIRM
    # the person presses the progress dialog's « Annuler »
    wizard.jobStarted.connect(lambda: wizard.progress.findChild(QPushButton).click())
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_CONFIRM
    assert "rien n'a été modifié" in wizard.confirm_page.error_label.text()
    assert snapshot() == before and window.undo_stack.count() == undo_steps


def test_unreadable_file_is_said_on_the_first_page(qtbot, window):
    wizard = open_wizard(window, FIXTURES / "garbage.xlsx")
    assert "n'est pas un classeur Excel lisible" in wizard.file_page.error_label.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_module_has_install():
    assert callable(import_wizard.install)


def test_a_file_whose_rows_all_fail_cannot_be_imported_and_the_wizard_says_why(qtbot, window, tmp_path):
    source = tmp_path / "sans-type.csv"
    source.write_text("Nom;Commune\nSans type;Orsay\nAutre sans type;Évry\n", encoding="utf-8")
    total = window.catalogue.total()
    wizard = open_wizard(window, source)
    next_page(qtbot, wizard)                     # the mapping
    next_page(qtbot, wizard)                     # the preview
    assert wizard.currentId() == PAGE_PREVIEW
    assert wizard.preview_page.error_label.text().startswith(
        "Aucune ligne de « sans-type.csv » n'a pu être importée : les 2 lignes sont en erreur.")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert window.catalogue.total() == total
    wizard.close()
