"""importer/contacts.py: people attached to their organisation, updated not duplicated."""
from __future__ import annotations

import pytest

from eco_desktop.importer import apply_import, plan_import

from import_helpers import SIRET_A, by_name, fixture, write_csv


@pytest.fixture
def with_organisations(catalogue):
    apply_import(catalogue, plan_import(catalogue, fixture("actors_cp1252.csv")))
    return catalogue


def test_contacts_attached_by_siret_then_name_with_opt_out(with_organisations):
    catalogue = with_organisations
    plan = plan_import(catalogue, fixture("contacts.csv"))
    assert plan.kind == "contacts"
    assert [r.organisation for r in plan.rows] == ["BioThéra Paris", "BioThéra Paris", "Vectoria"]
    summary = apply_import(catalogue, plan)
    assert summary.created == 3
    people = {c["last_name"]: c for c in catalogue.contacts()}
    biothera = by_name(catalogue, "BioThéra Paris")["id"]
    assert people["Exemple"]["actor_id"] == biothera and people["Modèle"]["actor_id"] == biothera
    assert people["Témoin"]["actor_id"] == by_name(catalogue, "Vectoria")["id"]
    assert (people["Exemple"]["legal_basis"], people["Exemple"]["usable"]) == ("consent", True)
    assert people["Modèle"]["legal_basis"] == "legitimate_interest"
    assert people["Témoin"]["opt_out"] is True and people["Témoin"]["usable"] is False
    assert people["Exemple"]["phone"] == "+33612345678"


def test_a_person_already_at_the_actor_is_updated_not_duplicated(with_organisations, tmp_path):
    catalogue = with_organisations
    apply_import(catalogue, plan_import(catalogue, fixture("contacts.csv")))
    count = len(catalogue.contacts())
    again = apply_import(catalogue, plan_import(catalogue, fixture("contacts.csv")))
    assert (again.created, again.updated) == (0, 0) and len(catalogue.contacts()) == count
    path = write_csv(tmp_path / "c.csv", [
        ["Organisation", "SIRET", "Prénom", "Nom", "Fonction", "E-mail", "Consentement"],
        ["BioThéra Paris", SIRET_A, "Alice", "Exemple", "Directrice générale",
         "ALICE.EXEMPLE@biothera.example", "opposition"],          # same e-mail
        ["BioThéra Paris", "", "bruno", "MODELE", "Acheteur", "", ""],  # same names
    ])
    plan = plan_import(catalogue, path, on_duplicate="overwrite")
    assert [(r.status, r.rule, r.action) for r in plan.rows] == [
        ("duplicate", "email", "update"), ("duplicate", "person", "update")]
    apply_import(catalogue, plan)
    people = {c["first_name"].lower(): c for c in catalogue.contacts()}
    assert len(catalogue.contacts()) == count
    assert people["alice"]["role"] == "Directrice générale" and people["alice"]["opt_out"]
    assert people["bruno"]["role"] == "Acheteur" and people["bruno"]["last_name"] == "MODELE"
    assert people["bruno"]["email"] == "bruno.modele@biothera.example"  # empty never erases


def test_an_opposition_is_recorded_even_when_skipping_and_never_lifted(with_organisations, tmp_path):
    catalogue = with_organisations
    apply_import(catalogue, plan_import(catalogue, fixture("contacts.csv")))
    rows = [["Organisation", "Prénom", "Nom", "Consentement"],
            ["BioThéra Paris", "Alice", "Exemple", "non"],
            ["Vectoria", "Claude", "Témoin", "oui"]]
    plan = plan_import(catalogue, write_csv(tmp_path / "o.csv", rows))  # skip
    assert [r.action for r in plan.rows] == ["update", "skip"]
    apply_import(catalogue, plan)
    people = {c["last_name"]: c for c in catalogue.contacts()}
    assert people["Exemple"]["opt_out"] is True and people["Témoin"]["opt_out"] is True
    apply_import(catalogue, plan_import(catalogue, write_csv(tmp_path / "o.csv", rows),
                                        on_duplicate="overwrite"))
    assert {c["last_name"]: c for c in catalogue.contacts()}["Témoin"]["opt_out"] is True


def test_contact_of_an_unknown_organisation_is_an_error(catalogue, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Organisation", "Prénom", "Nom"],
                                          ["Inconnue SARL", "Jean", "Personne"]])
    plan = plan_import(catalogue, path)
    assert plan.rows[0].status == "error" and "introuvable" in plan.rows[0].errors[0]
    assert apply_import(catalogue, plan).errors == 1
