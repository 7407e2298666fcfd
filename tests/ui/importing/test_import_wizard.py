"""The import wizard: a person chooses a file, keeps the mapping, reads the preview, imports,
reads the summary, finds the new actors in the list, and presses Ctrl+Z."""
from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWizard

from eco_desktop.ui import importing as import_wizard
from eco_desktop.ui.importing import PAGE_CONFIRM, PAGE_MAPPING, PAGE_PREVIEW, PAGE_SUMMARY

FIXTURES = Path(__file__).parents[2] / "fixtures" / "import"


def actors(window) -> list[dict]:
    return window.catalogue.actors_by_ids(window.model.ids)


def names(window) -> set[str]:
    return {a["name"] for a in actors(window)}


def open_wizard(window, path=None):
    feature = window.features["importing"]
    wizard = feature.open_wizard(path)
    return wizard


def next_page(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton if wizard.currentPage().isCommitPage()
                           else QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def mapping_step(qtbot, window, tmp_path, text: str):
    """The wizard on ``liste.csv`` holding ``text``, at its mapping step."""
    source = tmp_path / "liste.csv"
    source.write_text(text, encoding="utf-8")
    wizard = open_wizard(window, source)
    next_page(qtbot, wizard)
    return wizard


def test_menu_toolbar_buttons_and_drop_hook(window):
    feature = window.features["importing"]
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
    wizard = window.features["importing"].wizard
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
    # the same values: nothing would change, and « Importer » says so by being disabled
    assert "Rien ne changerait" in preview.nothing_label.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_CONFIRM
    assert "Rien ne changerait dans le catalogue" in wizard.confirm_page.text.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert wizard.summary is None


def test_corrected_mapping_saved_and_loaded(qtbot, window, tmp_path):
    wizard = mapping_step(qtbot, window, tmp_path, "Appellation;Genre;Localité\nNouvelle Structure;Biotech;Orsay\n")
    page = wizard.mapping_page
    next_page(qtbot, wizard)  # refused: no name column
    assert wizard.currentId() == PAGE_MAPPING
    assert "Aucune colonne ne correspond au nom" in page.error_label.text()
    for column, field in ((0, "name"), (1, "kind"), (2, "commune")):
        page.combos[column].setCurrentIndex(page.combos[column].findData(field))
    saved = page.save_mapping(str(tmp_path / "correspondance.json"))
    assert json.loads(saved.read_text(encoding="utf-8"))["columns"] == {
        "Appellation": "name", "Genre": "kind", "Localité": "commune"}
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


# --------------------------------------------------------------------------- issue 16

SIRENE_HEADER = ("siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
                 "trancheEffectifsEtablissement,anneeEffectifsEtablissement,etablissementSiege,"
                 "dateCreationUniteLegale,denominationUniteLegale,nomUniteLegale,prenom1UniteLegale,"
                 "activitePrincipaleUniteLegale,trancheEffectifsUniteLegale,categorieEntreprise,"
                 "numeroVoieEtablissement,typeVoieEtablissement,libelleVoieEtablissement,"
                 "codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,"
                 "etatAdministratifEtablissement,enseigne1Etablissement,activitePrincipaleEtablissement")
SIRENE_ROWS = (
    # a biotech firm, its NAF saying what it is
    "812345676,00017,81234567600017,O,2016-09-01,11,2019,true,2016-09-01,BIOTHERA PARIS,,,"
    "72.11Z,12,PME,12,RUE,DE L ECLUSE,75013,PARIS 13,75113,A,BIOTHERA,72.11Z",
    # an entrepreneur individuel: no company name, a NAF that proposes no kind
    "734567894,00013,73456789400013,O,2019-02-15,NN,,true,2019-02-15,,MARTIN,CLAIRE,"
    "70.22Z,NN,PME,7,AV,DE LA REPUBLIQUE,94800,VILLEJUIF,94076,A,,70.22Z",
)


def write_sirene(tmp_path, rows=SIRENE_ROWS, name="sirene-v3.csv"):
    path = tmp_path / name
    path.write_text(SIRENE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def cell(page, row: int, column: int) -> str:
    return page.table.item(row, column).text()


def test_mapping_step_marks_counts_meanings_and_precedence_of_a_sirene_file(qtbot, window, tmp_path):
    from eco_desktop.ui.importing.mapping_page import COL_MEANING, COL_NOTE, COL_STATE
    wizard = open_wizard(window, write_sirene(tmp_path))
    next_page(qtbot, wizard)
    page = wizard.mapping_page
    headers = wizard.table.headers
    mapped = len(wizard.mapping.columns)
    assert 0 < mapped < len(headers)
    assert page.counts_label.text() == (f"✔ {mapped} colonnes reconnues, "
                                        f"— {len(headers) - mapped} colonnes ignorées.")
    states = [cell(page, i, COL_STATE) for i in range(len(headers))]
    assert states == ["✔" if i in wizard.mapping.columns else "—" for i in range(len(headers))]
    assert states[headers.index("statutDiffusionEtablissement")] == "—"
    # camelCase headers with their French meaning
    assert cell(page, headers.index("codeCommuneEtablissement"), COL_MEANING) == \
        "Code commune (INSEE) de l'établissement"
    assert "entreprise" in cell(page, headers.index("trancheEffectifsUniteLegale"), COL_MEANING)
    # the required field is marked in every list and found
    name_column = headers.index("denominationUniteLegale")
    combo = page.combos[name_column]
    assert combo.currentText() == "Nom *"
    assert "« denominationUniteLegale »" in page.required_label.text()
    # two columns feed the NAF: the legal unit's wins, and the page says so
    unit, site = headers.index("activitePrincipaleUniteLegale"), headers.index("activitePrincipaleEtablissement")
    assert cell(page, unit, COL_NOTE).startswith("prioritaire sur « activitePrincipaleEtablissement »")
    assert cell(page, site, COL_NOTE).startswith("utilisée si « activitePrincipaleUniteLegale » est vide")
    # the person unmaps a column: marks and counts follow at once
    combo.setCurrentIndex(0)
    assert cell(page, name_column, COL_STATE) == "—"
    assert page.counts_label.text().startswith(f"✔ {mapped - 1} colonnes reconnues")
    wizard.close()


def test_the_required_field_missing_is_said_on_the_mapping_step(qtbot, window, tmp_path):
    wizard = mapping_step(qtbot, window, tmp_path, "Appellation;Localité\nNouvelle Structure;Orsay\n")
    page = wizard.mapping_page
    assert page.required_label.text().startswith("Champ obligatoire manquant")
    assert page.counts_label.text() == "✔ 1 colonne reconnue, — 1 colonne ignorée."
    page.combos[0].setCurrentIndex(page.combos[0].findData("name"))
    assert "« Appellation »" in page.required_label.text()
    wizard.close()


def test_preview_error_row_is_not_imported_and_the_default_kind_imports_it(qtbot, window, tmp_path):
    wizard = open_wizard(window, write_sirene(tmp_path))
    next_page(qtbot, wizard)
    page = wizard.mapping_page
    combo = page.default_kind_combo
    # a NAF column: each row's code proposes its kind, no default overrides them
    assert combo.isVisible() and combo.currentData() is None
    next_page(qtbot, wizard)
    preview = wizard.preview_page
    rows = {preview.proxy.index(r, 1).data(): r for r in range(preview.proxy.rowCount())}
    error = rows["Claire Martin"]            # the entrepreneur individuel, no kind for 70.22Z
    assert preview.proxy.index(error, 2).data() == "Erreur"
    details = preview.proxy.index(error, 4).data()
    assert details.startswith("Non importée : ")
    assert "importée et signalée" not in details
    assert "le type par défaut de l'étape Colonnes" in details   # where the person is
    assert "--kind" not in details
    preview.view.selectRow(error)
    pane = preview.detail.toPlainText()
    assert "Pourquoi elle n'est pas importée :" in pane and "Remarques" not in pane
    ok = rows["BIOTHERA PARIS"]
    assert preview.proxy.index(ok, 4).data() == \
        "Importée : Type proposé : « Entreprise de biothérapie » d'après le code NAF 72.11Z."
    # back to the mapping step: a default kind, and the row is imported
    wizard.back()
    combo.setCurrentIndex(combo.findData("techprovider"))
    combo.activated.emit(combo.currentIndex())
    assert wizard.default_kind == "techprovider" and wizard.plan is None
    next_page(qtbot, wizard)
    assert {row.status for row in wizard.plan.rows} <= {"new", "warning"}
    martin = next(row for row in wizard.plan.rows if row.name == "Claire Martin")
    assert martin.data["kind"] == "techprovider"
    preview.view.selectRow(martin.index)
    assert "Type par défaut de l'étape Colonnes." in preview.detail.toPlainText()
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.summary.created == 2


def test_the_default_kind_is_preset_from_the_files_types_when_no_naf_says_more(qtbot, window, tmp_path):
    wizard = mapping_step(qtbot, window, tmp_path, "Nom;Type\nAlpha Thérapies;Biotech\nBeta Cellules;Biotech\nGamma;\n")
    assert wizard.mapping_page.default_kind_combo.currentData() == "biotech"
    next_page(qtbot, wizard)
    gamma = next(row for row in wizard.plan.rows if row.name == "Gamma")
    assert gamma.status == "new" and gamma.data["kind"] == "biotech"
    assert wizard.preview_page.proxy.index(2, 4).data() == "Importée : Type par défaut de l'étape Colonnes."
    wizard.close()


def test_the_sites_of_a_firm_are_linked_to_its_head_office_unless_the_person_says_no(qtbot, window, tmp_path):
    rows = ("523456788,00018,52345678800018,O,2011-04-12,11,2019,true,1998-01-01,GENOCELL,,,"
            "72.11Z,42,ETI,3,AV,DU GENERAL DE GAULLE,94000,CRETEIL,94028,A,,72.11Z",
            "523456788,00026,52345678800026,O,2015-01-01,12,2019,false,1998-01-01,GENOCELL,,,"
            "72.11Z,42,ETI,20,BD,DE LA DEFENSE,92000,NANTERRE,92050,A,GENOCELL NANTERRE,72.11Z")
    wizard = open_wizard(window, write_sirene(tmp_path, rows, "chaine.csv"))
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    preview = wizard.preview_page
    assert [row.status for row in wizard.plan.rows] == ["new", "new"]   # two SIRETs: two actors
    assert preview.link_check.isVisible() and preview.link_check.isChecked()
    assert len(wizard.plan.site_links) == 1
    preview.view.selectRow(1)
    assert "relié à son siège" in preview.detail.toPlainText()
    preview.link_check.click()
    assert not wizard.plan.site_links and preview.link_check.isVisible()
    preview.link_check.click()
    next_page(qtbot, wizard)
    assert "1 établissement relié à son siège" in wizard.confirm_page.text.text()
    next_page(qtbot, wizard)
    created = {a["siret"]: a["id"] for a in window.catalogue.actors_by_ids(wizard.summary.created_ids)}
    assert wizard.summary.linked == 1
    links = [(r["source_id"], r["type"], r["target_id"]) for r in window.catalogue.relations(list(created.values()))]
    assert links == [(created["52345678800026"], "site_of", created["52345678800018"])]

def test_a_header_less_file_keeps_its_first_row_and_the_person_can_say_otherwise(qtbot, window, tmp_path):
    source = tmp_path / "sans-entete.csv"
    source.write_text("Cellule & Co;44306184100047;75013;contact@cellule.fr\n"
                      "Vectoria;55208131766522;91000;info@vectoria.fr\n", encoding="utf-8")
    wizard = open_wizard(window, source)
    page = wizard.file_page
    assert not page.header_check.isChecked()
    assert "sans ligne d'en-tête" in page.info_label.text()
    assert "La première ligne ressemble à des données" in page.header_note.text()
    assert len(wizard.table) == 2 and wizard.table.headers[0] == "Colonne A"
    page.header_check.click()                      # « it is a header »
    assert page.header_check.isChecked() and len(wizard.table) == 1
    assert wizard.table.headers[0] == "Cellule & Co" and page.header_note.text() == ""
    page.header_check.click()
    assert len(wizard.table) == 2
    next_page(qtbot, wizard)
    # no header to go by: the columns are mapped from what their cells look like
    mapping = wizard.mapping_page
    assert [combo.currentData() for combo in mapping.combos] == ["name", "siret", "postcode", "email"]
    next_page(qtbot, wizard)
    names_seen = [wizard.preview_page.proxy.index(r, 1).data() for r in range(2)]
    assert names_seen == ["Cellule & Co", "Vectoria"]
    wizard.close()


def test_mapping_saved_into_a_folder_is_refused_in_french(qtbot, window, tmp_path):
    wizard = open_wizard(window, FIXTURES / "actors_cp1252.csv")
    next_page(qtbot, wizard)
    page = wizard.mapping_page
    assert page.save_mapping(str(tmp_path)) is None
    text = page.error_label.text()
    assert "c'est un dossier" in text and "directory" not in text.lower()
    wizard.close()


def test_summary_lists_the_first_problems_and_names_the_wizards_report_button(qtbot, window, tmp_path):
    source = tmp_path / "mails.csv"
    source.write_text("Nom;Type;E-mail\n" + "".join(f"Structure {chr(65 + i)}{chr(65 + i)};Biotech;faux-{i}\n"
                                                   for i in range(12)), encoding="utf-8")
    wizard = open_wizard(window, source)
    for _ in range(4):
        next_page(qtbot, wizard)
    assert wizard.currentId() == PAGE_SUMMARY
    text = wizard.summary_page.details.text()
    assert "… et 4 autres problèmes (« Enregistrer le rapport… » les donne tous)." in text
    assert "--report" not in text


def test_a_mapping_that_cannot_be_read_is_refused_in_french(qtbot, window, tmp_path):
    wizard = open_wizard(window, FIXTURES / "actors_cp1252.csv")
    next_page(qtbot, wizard)
    page = wizard.mapping_page
    assert not page.load_mapping(str(tmp_path))                 # a folder
    assert "c'est un dossier" in page.error_label.text()
    assert "directory" not in page.error_label.text().lower()
    broken = tmp_path / "correspondance.json"
    broken.write_text('{"columns": ', encoding="utf-8")
    assert not page.load_mapping(str(broken))
    text = page.error_label.text()
    assert "n'est pas un JSON lisible" in text and "Expecting" not in text and "line" not in text
    wizard.close()
