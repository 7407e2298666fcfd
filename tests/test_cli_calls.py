"""eco-desktop calls …: a round trip through separate processes (GUIDE §8 shapes, exit codes)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eco_desktop.catalogue import Catalogue

from cli_helpers import ART_TG, GENSIGHT, catalogue_with_contacts, cli_env, run_cli

SANOFI = 1


@pytest.fixture
def db(tmp_path, catalogue_path) -> Path:
    return catalogue_with_contacts(catalogue_path, tmp_path / "aap.sqlite")


def run(db: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    return run_cli(["calls", *args, "--db", db], home=db.parent, expect=expect)


def test_calls_round_trip(db, tmp_path):
    out = run(db, "add", "Thérapie génique 2025", "--domain", "gene_therapy", "--funder", "Région Île-de-France",
              "--opens", "2025-01-15", "--closes", "2025-03-31", "--url", "https://www.iledefrance.fr/aap").stdout
    assert "« Thérapie génique 2025 » créé" in out and "7 acteur(s) présélectionné(s)" in out

    listed = run(db, "list").stdout
    assert "Thérapie génique 2025" in listed and "15/01/2025" in listed and "En préparation" in listed

    shown = json.loads(run(db, "show", "THÉRAPIE GÉNIQUE 2025", "--format", "json").stdout)
    assert {"name", "funder", "opens", "closes", "url", "description", "state", "eligibility",
            "shortlist"} <= set(shown)
    assert shown["name"] == "Thérapie génique 2025" and shown["state"] == "preparing"
    assert (shown["opens"], shown["closes"]) == ("2025-01-15", "2025-03-31")
    assert shown["eligibility"] == {"domains": ["gene_therapy"]}
    names = {e["name"] for e in shown["shortlist"]}
    assert {"GenSight Biologics", "ART-TG"} <= names and "Sanofi" not in names
    for entry in shown["shortlist"]:
        assert set(entry) == {"actor_id", "name", "status", "changed_at", "note"}
        assert isinstance(entry["actor_id"], int) and entry["status"] == "to_contact"

    out = run(db, "status", "thérapie génique 2025", GENSIGHT, "Candidat", "--note", "Dossier déposé").stdout
    assert "GenSight Biologics : « Candidat »" in out
    run(db, "status", "Thérapie génique 2025", ART_TG, "contacted")
    shown = json.loads(run(db, "show", "Thérapie génique 2025", "--format", "json").stdout)
    by_id = {e["actor_id"]: e for e in shown["shortlist"]}
    assert by_id[GENSIGHT]["status"] == "applied" and by_id[GENSIGHT]["note"] == "Dossier déposé"
    assert by_id[ART_TG]["status"] == "contacted"
    text = run(db, "show", "Thérapie génique 2025").stdout
    assert "Candidat" in text and "Éligibilité : Domaine : « Thérapie génique »" in text

    record = json.loads(subprocess.run(
        [sys.executable, "-m", "eco_desktop", "show", str(GENSIGHT), "--format", "json", "--db", str(db)],
        capture_output=True, text=True, encoding="utf-8", env=cli_env(db.parent), timeout=120).stdout)
    assert record["calls"] == [{"call": "Thérapie génique 2025", "status": "applied"}]

    target = tmp_path / "envoi.xlsx"
    out = run(db, "mailing", "Thérapie génique 2025", "-o", target).stdout
    assert "1 contact dans la liste" in out
    assert "2 contacts écartés" in out and "1 sans base légale" in out and "1 opposé(s)" in out
    assert "sans contact utilisable" in out
    rows = list(load_workbook(target).worksheets[0].values)
    assert rows[1][:3] == ("Mme", "Alice", "Martin")
    csv_target = tmp_path / "envoi.csv"
    run(db, "mailing", "Thérapie génique 2025", "-o", csv_target)
    assert csv_target.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Civilité;Prénom;Nom")


def test_calls_errors(db, tmp_path):
    run(db, "add", "PM'up", "--kind", "bioproduction")
    assert "s'appelle déjà" in run(db, "add", "pm'UP", expect=1).stderr
    assert "Date de clôture invalide" in run(db, "add", "B", "--closes", "31/03/2025", expect=1).stderr
    assert "http" in run(db, "add", "C", "--url", "javascript:alert(1)", expect=1).stderr
    assert "Valeur inconnue pour --kind" in run(db, "add", "D", "--kind", "licorne", expect=2).stderr
    assert "Aucun appel à projets ne s'appelle « Inconnu »." in run(db, "show", "Inconnu", expect=1).stderr
    assert "Statut inconnu" in run(db, "status", "PM'up", 6, "gagné", expect=1).stderr
    assert "pas dans la présélection" in run(db, "status", "PM'up", SANOFI, "contacted", expect=1).stderr
    assert "nombre entier" in run(db, "status", "PM'up", "six", "contacted", expect=2).stderr
    assert ".xlsx ou .csv" in run(db, "mailing", "PM'up", "-o", tmp_path / "x.pdf", expect=1).stderr
    run(db, "mailing", "PM'up", expect=2)  # -o is required


def test_mailing_merges_an_address_shared_by_two_actors(db, tmp_path):
    with Catalogue.open(db) as cat:
        for actor_id, email in ((GENSIGHT, "eve@conseil.example"), (ART_TG, " Eve@Conseil.example")):
            cat.add_contact(actor_id, {"first_name": "Eve", "last_name": "Laurent", "email": email,
                                       "legal_basis": "consent"})
    run(db, "add", "AAP", "--domain", "gene_therapy")
    target = tmp_path / "envoi.xlsx"
    out = run(db, "mailing", "AAP", "-o", target).stdout
    assert "2 contacts dans la liste" in out and "1 adresse en double fusionnée" in out
    rows = list(load_workbook(target).worksheets[0].values)
    assert rows[0][-1] == "Acteurs" and len(rows) == 3
    eve = next(r for r in rows[1:] if r[1] == "Eve")
    assert sorted(eve[-1].split("; ")) == ["ART-TG", "GenSight Biologics"]
