"""The command line's --field criteria and the custom fields in list/show --format json."""
from __future__ import annotations

import json
import shutil

import pytest

from eco_desktop.catalogue import Catalogue

from cli_helpers import run_cli

CELLECTIS, GENOPOLE = 15, 20


@pytest.fixture
def db(catalogue_path, tmp_path):
    path = tmp_path / "champs.sqlite"
    shutil.copyfile(catalogue_path, path)
    with Catalogue.open(path) as cat:
        cat.add_custom_field("actor", "Montant levé", "number", unit="€")
        cat.add_custom_field("actor", "Dernière visite", "date")
        cat.add_custom_field("actor", "Programme", "choices", choices=["France 2030", "PIA"])
        cat.add_custom_field("actor", "Membre Medicen", "bool")
        cat.set_custom_values(CELLECTIS, {"montant_leve": "2M", "derniere_visite": "2024-10-02",
                                          "programme": "PIA", "membre_medicen": True})
        cat.set_custom_values(GENOPOLE, {"montant_leve": 300_000, "derniere_visite": "2025-03-01"})
    return path


def ids(tmp_path, db, *args):
    proc = run_cli(["list", "--db", db, "--format", "json", *args], home=tmp_path)
    return [a["id"] for a in json.loads(proc.stdout)]


def test_field_ranges_and_values(tmp_path, db):
    assert ids(tmp_path, db, "--field", "montant_leve>=1M") == [CELLECTIS]
    assert sorted(ids(tmp_path, db, "--field", "montant_leve>=100000")) == [CELLECTIS, GENOPOLE]
    assert ids(tmp_path, db, "--field", "derniere_visite<2025") == [CELLECTIS]
    assert ids(tmp_path, db, "--field", "Programme=pia") == [CELLECTIS]
    assert ids(tmp_path, db, "--field", "membre_medicen=oui", "--field", "montant_leve<1000000") == []


def test_list_json_carries_custom(tmp_path, db):
    proc = run_cli(["list", "--db", db, "--format", "json", "--field", "montant_leve>=1"], home=tmp_path)
    by_id = {a["id"]: a["custom"] for a in json.loads(proc.stdout)}
    assert by_id[CELLECTIS] == {"montant_leve": 2000000, "derniere_visite": "2024-10-02", "programme": ["pia"],
                                "membre_medicen": True}
    assert by_id[GENOPOLE]["programme"] == [] and by_id[GENOPOLE]["membre_medicen"] is False
    shown = json.loads(run_cli(["show", "--db", db, CELLECTIS, "--format", "json"], home=tmp_path).stdout)
    assert shown["custom"]["montant_leve"] == 2000000
    text = run_cli(["show", "--db", db, CELLECTIS], home=tmp_path).stdout
    assert "Montant levé : 2\u202f000\u202f000 €" in text


def test_bad_field_criteria_are_usage_errors(tmp_path, db):
    proc = run_cli(["list", "--db", db, "--field", "inconnu=1"], home=tmp_path, expect=2)
    assert "Champ personnalisé inconnu : « inconnu »" in proc.stderr and "montant_leve" in proc.stderr
    proc = run_cli(["list", "--db", db, "--field", "montant_leve>=beaucoup"], home=tmp_path, expect=2)
    assert "attend un nombre" in proc.stderr
    proc = run_cli(["list", "--db", db, "--field", "programme>=pia"], home=tmp_path, expect=2)
    assert "se compare avec = seulement" in proc.stderr
