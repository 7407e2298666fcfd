"""importer/mapping.py: header synonyms, automatic mapping, JSON, which column wins, the kind of file."""
from __future__ import annotations

import json

import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import Mapping, auto_map, detect_kind, field_for_header, read_table

from import_helpers import RNSR, fixture


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


def test_an_unreadable_mapping_file_is_said_in_french(tmp_path):
    # json's and the system's messages (« Expecting property name… », « Is a directory ») are English.
    headers = ["Nom", "Ville"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"columns":\n {oops}', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        Mapping.load(bad, headers)
    assert str(caught.value).endswith("n'est pas un JSON lisible (erreur ligne 2, colonne 3).")
    bad.write_bytes('{"columns": {"Nom": "name"}, "x": "é"}'.encode("latin-1"))
    with pytest.raises(UserError, match="pas encodé en UTF-8"):
        Mapping.load(bad, headers)
    with pytest.raises(UserError, match="n'a pas pu être lu : c'est un dossier"):
        Mapping.load(tmp_path, headers)


def test_kind_detection():
    assert detect_kind(["Organisation", "Prénom", "Nom", "E-mail"]) == "contacts"
    assert detect_kind(["Nom", "N° SIRET", "Courriel", "Ville"]) == "actors"


def test_the_establishment_headcount_is_not_mapped_to_the_size():
    mapping = Mapping.auto(["denominationUniteLegale", "trancheEffectifsEtablissement"])
    assert mapping.columns == {0: "name"}


def test_the_mapping_says_which_column_wins():
    mapping = Mapping.auto(["siret", "dateCreationEtablissement", "dateCreationUniteLegale",
                            "denominationUniteLegale", "Nom"])
    assert mapping.ranked("founded") == [2, 1]
    assert mapping.ranked("name") == [3, 4]
    assert mapping.precedence_note(2).startswith("prioritaire sur « dateCreationEtablissement »")
    assert mapping.precedence_note(1).startswith(
        "utilisée si « dateCreationUniteLegale » est vide")
    assert "unité légale" in mapping.precedence_note(1)
    assert mapping.precedence_note(0) == ""            # alone on its field


def test_files_of_organisations_naming_people_are_actors_files():
    assert detect_kind(RNSR) == "actors"
    assert detect_kind(["Nom du lauréat", "Prénom du lauréat", "Libellé entreprise", "SIREN",
                        "Région", "Année"]) == "actors"
    assert detect_kind(["Nom du lauréat", "Prénom du lauréat", "Nom de l'entreprise"]) == "actors"
    # and files of people stay contacts files
    assert detect_kind(["Organisation", "SIRET", "Civilité", "Prénom", "Nom", "E-mail"]) == \
        "contacts"
    assert detect_kind(["Raison sociale", "Prénom", "Nom", "Consentement"]) == "contacts"
    assert detect_kind(["Organisation", "Prénom", "Nom", "E-mail"]) == "contacts"
