"""importer/table.py: the header row, merged headers, files without a header, limits per row."""
from __future__ import annotations

import pytest
from openpyxl import Workbook

from eco_desktop.errors import UserError
from eco_desktop.importer import limits, read_table

from import_helpers import write


def test_cells_trimmed_blank_lines_and_trailing_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Nom ; Ville ;;\n\n  Genopole  ;\u00a0Évry ;;\n;;;\nHelix;Orsay\n",
                    encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Nom", "Ville"]
    assert table.rows == [["Genopole", "Évry"], ["Helix", "Orsay"]]
    assert table.row_numbers == [3, 5]


def test_header_found_by_width_when_no_field_is_known(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Liste interne\nAlpha;Beta;Gamma\n1;2;3\n4;5;6\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Alpha", "Beta", "Gamma"]
    assert len(table) == 2


def test_row_limit(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 5, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_ROWS", 4)
    with pytest.raises(UserError, match="dépasse la limite de 4 lignes"):
        read_table(path)
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000_000)
    assert len(read_table(path)) == 5


def test_row_limit_message_in_french_digits(tmp_path, monkeypatch):
    path = tmp_path / "rows.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 3, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000_000)
    table = read_table(path)
    assert len(table) == 3
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    with pytest.raises(UserError, match="2 lignes"):
        read_table(path)


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
