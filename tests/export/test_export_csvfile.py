"""The Excel-flavoured CSV files (export/csvfile.py)."""
from __future__ import annotations

import codecs
import csv


from eco_desktop.export import ACTOR_COLUMNS, export_csv

from export_helpers import local, make_actor


def test_csv_bom_separator_and_injection(tmp_path, actors, contacts):
    written = export_csv(tmp_path / "liste.csv", actors, columns=list(ACTOR_COLUMNS),
                         contacts=contacts)
    assert written == [tmp_path / "liste.csv", tmp_path / "liste-contacts.csv"]
    raw = (tmp_path / "liste.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nom;Autres noms;Type;")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert len(rows) == 3
    first, second, _third = rows
    assert first["Code postal"] == "01000" and first["SIREN"] == "012345678"
    assert first["Domaines"] == "Thérapie génique; Thérapie cellulaire"
    assert first["Latitude"] == "48,63"
    assert first["Créé le"] == local("2026-11-27T10:15:00+00:00").strftime("%d/%m/%Y %H:%M")
    assert second["Nom"] == "'=1+1"
    assert second["Description"] == "'+SUM(A1:A2)"
    assert second["Adresse"] == "'@cmd"
    assert second["Commune"] == "'-2+3"
    assert second["Métropole du Grand Paris"] == "oui"

    ctext = (tmp_path / "liste-contacts.csv").read_bytes()
    assert ctext.startswith(codecs.BOM_UTF8)
    crows = list(csv.DictReader(ctext.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert [r["Nom"] for r in crows] == ["Martin10", "Martin13"]


def test_csv_values_are_cleaned_like_the_xlsx(tmp_path):
    actors = [make_actor(1, name="\x01=cmd", description="x" * 40000), make_actor(2, name="Sain\x07t")]
    export_csv(tmp_path / "a.csv", actors)
    rows = list(csv.DictReader((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines(),
                               delimiter=";"))
    assert rows[0]["Nom"] == "'=cmd" and len(rows[0]["Description"]) == 32767
    assert rows[1]["Nom"] == "Saint"
