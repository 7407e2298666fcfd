"""The export's workbook (export/sheets.py): its sheets, values, links, criteria, progress; read back with openpyxl (and once with LibreOffice)."""
from __future__ import annotations

import os
import zipfile
import shutil
import subprocess
from datetime import datetime

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from eco_desktop import __version__, export
from eco_desktop.export import (ACTOR_COLUMNS, DEFAULT_COLUMNS, ExportCancelled, export_csv,
                                export_xlsx, workbook)

from export_helpers import local, make_actor, sheet_dicts


def test_sheets_rows_and_header(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Acteurs", "Contacts", "Critères"]
    ws = wb["Acteurs"]
    assert ws.max_row == 4 and ws.max_column == len(DEFAULT_COLUMNS)
    header = [c.value for c in ws[1]]
    assert header == [ACTOR_COLUMNS[k] for k in DEFAULT_COLUMNS]
    assert header[0] == "Nom" and header[-1] == "Identifiant"
    assert all(c.font.b for c in ws[1])
    assert ws["A1"].fill.fgColor.rgb.endswith(workbook.HEADER_FILL)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:R4"
    assert not ws["A2"].font.b

    without = export_xlsx(tmp_path / "b.xlsx", actors)
    assert openpyxl.load_workbook(without).sheetnames == ["Acteurs", "Critères"]


def test_values_types_and_labels(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors, columns=list(ACTOR_COLUMNS))
    first, second, third = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])

    for key in ("Code postal", "SIREN", "SIRET", "Téléphone", "Code INSEE", "EPCI"):
        assert first[key].data_type == "s" and first[key].number_format == "@", key
    assert first["Code postal"].value == "01000"
    assert first["SIREN"].value == "012345678"
    assert first["SIRET"].value == "01234567800012"
    assert first["Code INSEE"].value == "01053"
    assert first["Téléphone"].value == "01 23 45 67 89"

    assert isinstance(first["Créé le"].value, datetime)
    assert first["Créé le"].value == local("2026-11-27T10:15:00+00:00")
    assert first["Modifié le"].value == local("2026-11-28T16:45:00+00:00")
    assert first["Créé le"].is_date
    assert first["Année de création"].value == 2015 and first["Identifiant"].value == 1
    assert first["Latitude"].value == pytest.approx(48.63)

    assert first["Type"].value == "Entreprise de biothérapie"
    assert first["Domaines"].value == "Thérapie génique; Thérapie cellulaire"
    assert first["Activités"].value == "R&D"
    assert first["Statut"].value == "En activité"
    assert first["Précision de la position"].value == "Adresse"
    assert first["Métropole du Grand Paris"].value == "non"
    assert second["Métropole du Grand Paris"].value == "oui"
    assert first["Hors Île-de-France"].value == "non"
    assert first["Étiquettes"].value == "pépite"
    assert second["Année de création"].value is None and second["Latitude"].value is None
    assert second["SIREN"].value is None
    # XML cannot hold \x01: removed; the tab is kept
    assert third["Nom"].value == "Tab\tcontrolchar"


def test_renamed_labels_are_used(tmp_path):
    labels = export.default_labels()
    labels["kind"]["biotech"] = "Biotech (renommé)"
    labels["domain"]["gene_therapy"] = "Génique"
    ws = openpyxl.load_workbook(export_xlsx(tmp_path / "a.xlsx", [make_actor(1)], labels=labels))["Acteurs"]
    row = sheet_dicts(ws)[0]
    assert row["Type"].value == "Biotech (renommé)"
    assert row["Domaines"].value == "Génique; Thérapie cellulaire"


def test_hyperlinks_only_for_safe_schemes(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors)
    first, second, third = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])
    assert first["Site web"].hyperlink.target == "https://www.acteur1.fr"
    assert first["Site web"].value == "https://www.acteur1.fr"
    assert first["E-mail"].hyperlink.target == "mailto:contact@acteur1.fr"
    assert first["E-mail"].value == "contact@acteur1.fr"
    assert second["Site web"].hyperlink is None
    assert second["Site web"].value == "javascript:alert(1)"
    assert second["E-mail"].hyperlink is None and second["E-mail"].value == "pas un e-mail"
    assert third["Site web"].hyperlink.target == "https://www.acteur3.fr"
    assert third["E-mail"].value is None


def test_formula_like_values_stay_text_in_xlsx(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors, columns=list(ACTOR_COLUMNS))
    second = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])[1]
    expected = {"Nom": "=1+1", "Description": "+SUM(A1:A2)", "Adresse": "@cmd",
                "Commune": "-2+3", "Autres noms": "=HYPERLINK(1)", "Code NAF": "#N/A"}
    for header, value in expected.items():
        assert second[header].value == value, header
        assert second[header].data_type == "s", header
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name)


def test_contacts_usable_only_by_default(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    ws = openpyxl.load_workbook(path)["Contacts"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Organisation", "Type", "Commune", "Code postal"]
    assert "Base légale" not in header and "Opposition" not in header
    rows = sheet_dicts(ws)
    assert [r["Nom"].value for r in rows] == ["Martin10", "Martin13"]
    assert rows[0]["Organisation"].value == "Acteur 1"
    assert rows[0]["Code postal"].value == "01000"
    assert rows[0]["E-mail"].hyperlink.target == "mailto:anne10@exemple.fr"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"


def test_contacts_all(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts, all_contacts=True)
    ws = openpyxl.load_workbook(path)["Contacts"]
    rows = sheet_dicts(ws)
    assert [r["Nom"].value for r in rows] == ["Martin10", "SansBase", "Oppose", "Martin13"]
    by_name = {r["Nom"].value: r for r in rows}
    assert by_name["Martin10"]["Base légale"].value == "Consentement"
    assert by_name["Martin10"]["Date de la base légale"].value == datetime(2026, 1, 15)
    assert by_name["Martin10"]["Utilisable"].value == "oui"
    assert by_name["SansBase"]["Base légale"].value is None
    assert by_name["SansBase"]["Utilisable"].value == "non"
    assert by_name["Oppose"]["Opposition"].value == "oui"
    assert by_name["Oppose"]["Organisation"].value == "=1+1"
    assert by_name["Oppose"]["Organisation"].data_type == "s"


def test_criteria_sheet(tmp_path, actors, contacts):
    when = datetime(2026, 11, 27, 14, 30)
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts, when=when, total=40,
                       catalogue="/data/catalogue.sqlite",
                       criteria=["Type d'acteur : Entreprise de biothérapie", "Département : 91"])
    ws = openpyxl.load_workbook(path)["Critères"]
    pairs = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2)]
    assert ws["A1"].value == "Élément" and ws["A1"].font.b
    assert ("Export", f"eco_desktop {__version__}") in pairs
    assert ("Date de l'export", "27/11/2026 à 14:30") in pairs
    assert ("Catalogue", "/data/catalogue.sqlite") in pairs
    assert ("Acteurs exportés", "3 sur 40") in pairs
    assert ("Contacts exportés", "2") in pairs
    assert ("Critère", "Type d'acteur : Entreprise de biothérapie") in pairs
    assert ("Critère", "Département : 91") in pairs

    plain = export_xlsx(tmp_path / "b.xlsx", actors)
    pairs = [(r[0].value, r[1].value) for r in openpyxl.load_workbook(plain)["Critères"].iter_rows(min_row=2)]
    assert ("Critère", "aucun : tout le catalogue") in pairs
    assert not any(k == "Contacts exportés" for k, _ in pairs)


def test_progress_and_cancel(tmp_path):
    many = [make_actor(i) for i in range(1, 1201)]
    calls = []
    export_xlsx(tmp_path / "ok.xlsx", many, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]

    temp_files = len(openpyxl_writer.ALL_TEMP_FILES)
    answers = iter([False, False, True])
    with pytest.raises(ExportCancelled):
        export_xlsx(tmp_path / "cancelled.xlsx", many, cancelled=lambda: next(answers))
    with pytest.raises(ExportCancelled):
        export_csv(tmp_path / "cancelled.csv", many, cancelled=lambda: True)
    assert sorted(os.listdir(tmp_path)) == ["ok.xlsx"]
    assert len(openpyxl_writer.ALL_TEMP_FILES) == temp_files


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_file(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", str(out),
                    str(path)], check=True, capture_output=True, timeout=180)
    text = (out / "a.csv").read_text(encoding="utf-8")
    assert "Acteur 1" in text and "01000" in text and "012345678" in text
    assert "=1+1" in text and ";2;" not in text  # the formula-like name was not computed
