"""The header row: found, or known to be absent (a file of data from its first line), and
what the public files' column names mean in French."""
from __future__ import annotations

from openpyxl import Workbook

from eco_desktop.importer import read_table
from eco_desktop.importer.headers import HEADER_MEANINGS, guess_fields, header_meaning
from eco_desktop.importer.mapping import ACTOR_FIELDS


def write(tmp_path, text: str, name: str = "liste.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_without_header_keeps_its_first_row(tmp_path):
    path = write(tmp_path, "Cellule & Co;44306184100047;75013;Paris;contact@cellule.fr\n"
                           "Vectoria;55208131766522;91000;Évry;info@vectoria.fr\n")
    table = read_table(path)
    assert table.header_row == 0 and table.header_guessed
    assert table.headers == ["Colonne A", "Colonne B", "Colonne C", "Colonne D", "Colonne E"]
    assert [row[0] for row in table.rows] == ["Cellule & Co", "Vectoria"]
    assert table.row_numbers == [1, 2]


def test_the_caller_can_say_whether_there_is_a_header(tmp_path):
    data = write(tmp_path, "Cellule & Co;44306184100047;75013\nVectoria;55208131766522;91000\n")
    table = read_table(data, header=True)
    assert table.headers == ["Cellule & Co", "44306184100047", "75013"] and len(table) == 1
    words = write(tmp_path, "Orsay Biotech;Biotech;Orsay\nVectoria;Pharma;Évry\n", "mots.csv")
    assert len(read_table(words)) == 1       # words only: taken for a header unless told
    table = read_table(words, header=False)
    assert table.header_row == 0 and not table.header_guessed and len(table) == 2


def test_headers_that_look_like_numbers_are_still_headers(tmp_path):
    table = read_table(write(tmp_path, "Nom;2020;2021\nA;1;2\nB;3;4\n"))
    assert table.headers == ["Nom", "2020", "2021"] and table.header_row == 1
    table = read_table(write(tmp_path, "Libellé;Genre;Localité\nNouvelle Structure;Biotech;Orsay\n"))
    assert table.headers == ["Libellé", "Genre", "Localité"] and not table.header_guessed
    # a SIRENE header is words, its rows numbers: the header stays one
    table = read_table(write(tmp_path, "siren,siret,codePostalEtablissement\n"
                                       "428859052,42885905200052,75013\n", "sirene.csv"))
    assert table.headers[0] == "siren" and len(table) == 1


def test_a_workbook_without_header(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Cellule & Co", 44306184100047, "75013", "contact@cellule.fr"])
    sheet.append(["Vectoria", 55208131766522, "91000", "info@vectoria.fr"])
    workbook.save(tmp_path / "sans-entete.xlsx")
    table = read_table(tmp_path / "sans-entete.xlsx")
    assert table.header_guessed and len(table) == 2 and table.rows[1][1] == "55208131766522"


def test_sirene_headers_have_a_french_meaning():
    assert header_meaning("codeCommuneEtablissement") == "Code commune (INSEE) de l'établissement"
    assert "entreprise" in header_meaning("trancheEffectifsUniteLegale")
    assert "établissement" in header_meaning("trancheEffectifsEtablissement")
    assert header_meaning("Code postal") is None and header_meaning("") is None
    # every SIRENE column the import maps is explained
    sirene = {h for synonyms in ACTOR_FIELDS.values() for h in synonyms
              if h[:1].islower() and h[1:] != h[1:].lower()}
    assert sirene - set(HEADER_MEANINGS) == set()


def test_the_columns_of_a_file_without_header_are_guessed_from_their_cells(tmp_path):
    path = write(tmp_path, "Cellule & Co;443 061 841 00047;75013;Paris;01 45 67 89 10;contact@cellule.fr;"
                           "https://cellule.fr;72.11Z;3\n"
                           "Vectoria;55208131766522;91000;Évry;+33169000000;info@vectoria.fr;"
                           "www.vectoria.fr;7211Z;12\n")
    table = read_table(path)
    assert guess_fields(table.rows, len(table.headers)) == {
        0: "name", 1: "siret", 2: "postcode", 4: "phone", 5: "email", 6: "website", 7: "naf"}
    # the commune, the second column of words, and the numbers are left to the person
    mixed = [["Alpha", "123456789"], ["Beta", "pas un SIREN"]]
    assert guess_fields(mixed, 2) == {0: "name"}
