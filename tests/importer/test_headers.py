"""importer/headers.py: what SIRENE's and the RNSR's columns mean; a headerless file's fields."""
from __future__ import annotations

from eco_desktop.importer import read_table
from eco_desktop.importer.headers import HEADER_MEANINGS, guess_fields, header_meaning
from eco_desktop.importer.mapping import ACTOR_FIELDS

from import_helpers import write


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
