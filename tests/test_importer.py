"""Import, first half: reading files, mapping columns, values, candidates, duplicates, merge."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import Mapping, auto_map, field_for_header, read_table
from eco_desktop.importer import reading

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture(name: str) -> Path:
    return FIXTURES / name


# -- reading ----------------------------------------------------------------------------------

def test_cp1252_semicolon_with_title_lines():
    table = read_table(fixture("actors_cp1252.csv"))
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.header_row == 3  # title line and blank line skipped
    assert table.headers[:3] == ["Nom", "N° SIRET", "Type de structure"]
    assert [row[0] for row in table.rows] == ["BioThéra Paris", "Cellule & Gènes SAS",
                                              "Vectoria"]
    assert table.row_numbers == [4, 5, 7]  # the blank line 6 is ignored
    # a ';' inside a quoted cell stays in the cell
    assert table.rows[0][11] == "Équipe de 12 personnes ; levée de fonds en cours"
    assert all(len(row) == len(table.headers) for row in table.rows)


def test_utf8_bom_comma_quoted_line_break_and_formula_text():
    table = read_table(fixture("actors_utf8_bom.csv"))
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.headers[0] == "Name"  # no BOM left on the first header
    assert table.rows[0][8] == "Vecteurs viraux, lots cliniques\nSite pilote"
    assert table.rows[1][8] == '=HYPERLINK("http://evil.example","clic")'
    assert table.row_numbers == [2, 4, 5]  # the first record spans lines 2-3


def test_utf16_tab():
    table = read_table(fixture("actors_utf16.txt"))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.rows[1][0] == "Œuvre Cellulaire"
    assert table.rows[0][4] == "Évry-Courcouronnes"


def test_utf8_without_bom_and_latin1(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("Nom,Ville\nGénopole,Évry\n", encoding="utf-8")
    assert read_table(plain).encoding == "utf-8"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Nom;Ville;Commentaire\nGénopole;Évry;à côté\n".encode("latin-1"))
    table = read_table(latin)
    assert table.rows == [["Génopole", "Évry", "à côté"]]


def test_cells_trimmed_blank_lines_and_trailing_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Nom ; Ville ;;\n\n  Genopole  ;\u00a0Évry ;;\n;;;\nHelix;Orsay\n",
                    encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Nom", "Ville"]
    assert table.rows == [["Genopole", "Évry"], ["Helix", "Orsay"]]
    assert table.row_numbers == [3, 5]


def test_delimiter_detection_by_counting_fallback():
    assert reading.detect_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert reading.detect_delimiter("a\tb\n1\t2\n") == "\t"
    assert reading.detect_delimiter("Nom\nGenopole\n") == ","


def test_header_found_by_width_when_no_field_is_known(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Liste interne\nAlpha;Beta;Gamma\n1;2;3\n4;5;6\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Alpha", "Beta", "Gamma"]
    assert len(table) == 2


def test_xlsx_title_row_merged_header_numbers_and_dates():
    table = read_table(fixture("actors_title_merged.xlsx"))
    assert table.format == "xlsx"
    assert table.sheet == "Acteurs"
    assert table.sheet_names == ["Acteurs", "Contacts"]
    # "Type", "Date de création"… span two rows; "Identité"/"Localisation" are group titles
    assert table.headers == ["Dénomination", "SIRET", "Type", "Code postal", "Ville",
                             "Date de création", "Site web", "Effectif"]
    helix, cellgenes, trap = table.rows
    assert helix[1] == "44567890700038" and "." not in helix[1]  # float -> digits
    assert cellgenes[1] == "52345678800026"                       # int -> digits
    assert helix[3] == "91400"
    assert helix[5] == "2012-05-03" and cellgenes[5] == "2015-01-01"
    assert trap[6] == '=HYPERLINK("http://evil.example")'  # text, not a formula
    assert trap[7] == "3.5"
    assert table.row_numbers == [4, 5, 6]


def test_xlsx_named_sheet_and_missing_sheet():
    table = read_table(fixture("actors_title_merged.xlsx"), sheet="Contacts")
    assert table.headers == ["Organisation", "Prénom", "Nom"]
    with pytest.raises(UserError, match="ne contient pas de feuille « Nope »"):
        read_table(fixture("actors_title_merged.xlsx"), sheet="Nope")


def test_xlsx_formula_values_not_formulas(tmp_path):
    # The workbook is opened with data_only=True: a formula gives its value as cached by
    # Excel. openpyxl writes no cached value, so the cell reads empty; the formula text never
    # leaks out as data.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nom", "Ville"])
    ws.append(["Genopole", "=UPPER(\"evry\")"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.rows == [["Genopole", ""]]


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "est vide"),
    ("header_only.csv", "Le fichier ne contient aucune ligne de données."),
    ("garbage.xlsx", "n'est pas un classeur Excel lisible"),
    ("truncated.xlsx", "n'est pas un classeur Excel lisible"),
    ("protected.xlsx", "est protégé par un mot de passe"),
    ("image.png", "est une image"),
    ("image.csv", "est une image"),
    ("duplicate_columns.csv", "La colonne « nom » apparaît deux fois"),
])
def test_bad_files(name, message):
    with pytest.raises(UserError) as info:
        read_table(fixture(name))
    assert message in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        read_table(tmp_path / "absent.csv")
    with pytest.raises(UserError, match="dossier"):
        read_table(tmp_path)


def test_binary_text_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UserError, match="pas un fichier texte lisible"):
        read_table(path)


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 20, encoding="utf-8")
    with pytest.raises(UserError, match="dépasse la limite de"):
        read_table(path)


def test_row_limit(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 5, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_ROWS", 4)
    with pytest.raises(UserError, match="dépasse la limite de 4 lignes"):
        read_table(path)
    monkeypatch.setattr(reading, "MAX_ROWS", 1_000_000)
    assert len(read_table(path)) == 5


def test_row_limit_message_in_french_digits(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 3, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_ROWS", 1_000_000)
    table = read_table(path)
    assert len(table) == 3
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(UserError, match="2 lignes"):
        read_table(path)


def test_html_disguised_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>Nom</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(UserError, match="page web"):
        read_table(path)


# -- mapping ----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, field", [
    ("Nom", "name"), ("Raison sociale", "name"), ("DÉNOMINATION", "name"),
    ("Structure", "name"), ("Organisation", "name"), ("denominationUniteLegale", "name"),
    ("N° SIRET", "siret"), ("siret", "siret"), ("Numéro SIRET", "siret"), ("SIREN", "siren"),
    ("Adresse", "street"), ("CP", "postcode"), ("Code postal", "postcode"),
    ("Ville", "commune"), ("Commune", "commune"), ("Type", "kind"), ("Catégorie", "kind"),
    ("Type de structure", "kind"), ("Domaine(s)", "domains"), ("Domaines", "domains"),
    ("Activité(s)", "activities"), ("Étiquettes", "tags"), ("Tags", "tags"),
    ("Site", "website"), ("Site web", "website"), ("Site internet", "website"),
    ("Mail", "email"), ("E-mail", "email"), ("Courriel", "email"), ("Tél.", "phone"),
    ("Téléphone", "phone"), ("Description", "description"), ("Commentaire", "description"),
    ("NAF", "naf"), ("Code APE", "naf"), ("codePostalEtablissement", "postcode"),
    ("libelleCommuneEtablissement", "commune"),
    ("activitePrincipaleEtablissement", "naf"), ("numeroVoieEtablissement", "street"),
    ("typeVoieEtablissement", "street"), ("libelleVoieEtablissement", "street"),
    ("trancheEffectifsUniteLegale", "size"), ("Téléphone (standard)", "phone"),
    ("Unknown column", None), ("", None),
])
def test_actor_header_synonyms(header, field):
    assert field_for_header(header, "actors") == field


@pytest.mark.parametrize("header, field", [
    ("Organisation", "organisation"), ("Structure", "organisation"),
    ("Entreprise", "organisation"), ("Civilité", "civility"), ("Prénom", "first_name"),
    ("Nom", "last_name"), ("Fonction", "role"), ("Rôle", "role"), ("E-mail", "email"),
    ("Téléphone", "phone"), ("Consentement", "consent"), ("Base légale", "consent"),
    ("SIRET", "organisation_siret"), ("SIREN", "organisation_siren"),
])
def test_contact_header_synonyms(header, field):
    assert field_for_header(header, "contacts") == field


def test_auto_map_cp1252_and_sirene():
    table = read_table(fixture("actors_cp1252.csv"))
    mapping = auto_map(table.headers, "actors")
    assert mapping == {0: "name", 1: "siret", 2: "kind", 3: "domains", 4: "activities",
                       5: "street", 6: "postcode", 7: "commune", 8: "website", 9: "email",
                       10: "phone", 11: "description"}
    sirene = read_table(fixture("sirene_extract.csv"))
    m = Mapping.auto(sirene.headers, "actors")
    assert m.columns_for("street") == [8, 9, 10, 11]
    assert sirene.headers[1] in m.unmapped_headers()  # "nic"
    m.require_name()


def test_mapping_json_round_trip_and_corrections(tmp_path):
    headers = ["Structure", "Ville", "Remarques", "Code"]
    mapping = Mapping.auto(headers, "actors")
    assert mapping.columns == {0: "name", 1: "commune", 2: "description"}
    mapping.set("Code", "postcode")
    mapping.set(2, None)
    path = tmp_path / "m.json"
    mapping.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["columns"] == {"Structure": "name", "Ville": "commune", "Code": "postcode"}
    again = Mapping.load(path, headers, "actors", auto=False)
    assert again.columns == {0: "name", 1: "commune", 3: "postcode"}
    # over the automatic mapping, null unmaps a column
    over = Mapping.from_json({"columns": {"Remarques": None, "Code": "postcode"}},
                             headers)
    assert over.columns == {0: "name", 1: "commune", 3: "postcode"}


def test_mapping_errors(tmp_path):
    headers = ["Ville", "Code postal"]
    with pytest.raises(UserError, match="Aucune colonne ne correspond au nom de l'acteur"):
        Mapping.auto(headers).require_name()
    with pytest.raises(UserError, match="n'existe pas dans le fichier"):
        Mapping.from_json({"columns": {"Absente": "name"}}, headers)
    with pytest.raises(UserError, match="« nom_bidon » n'existe pas"):
        Mapping.from_json({"columns": {"Ville": "nom_bidon"}}, headers)
    with pytest.raises(UserError, match="objet « columns »"):
        Mapping.from_json({"Ville": "commune"}, headers)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="JSON lisible"):
        Mapping.load(bad, headers)


def test_no_name_column_file():
    table = read_table(fixture("no_name_column.csv"))
    with pytest.raises(UserError, match="Aucune colonne ne correspond au nom de l'acteur"):
        Mapping.auto(table.headers, "actors").require_name()
