"""eco-desktop import: separate processes against a copy of the bundled catalogue."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eco_desktop.catalogue import Catalogue

from cli_helpers import run_cli
from import_helpers import sirene_file, write_headed_csv

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(["import", "--db", db, *args], home=tmp_path, cwd=Path.cwd(), expect=None)


def dump(path: Path) -> dict:
    with Catalogue.open(path, read_only=True) as cat:
        return {t: [tuple(r) for r in cat.conn.execute(f"SELECT * FROM [{t}] ORDER BY 1")]
                for t in ("actors", "contacts", "history_batches", "history_changes")}


def test_import_prints_the_summary_and_writes_one_undo_step(tmp_path, catalogue_path):
    done = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Import de « actors_cp1252.csv » terminé." in out
    assert "Créés : 3" in out and "Avertissements : 2" in out and "Erreurs : 0" in out
    assert "ligne 5 : L'adresse e-mail « pas-un-mail » n'est pas valide" in out
    assert "Hors Île-de-France" in out and "« Nanobiotech »" in out
    with Catalogue.open(catalogue_path) as cat:
        assert cat.history()[0]["label"] == "Importer « actors_cp1252.csv »"  # the newest batch
        assert cat.undo_label() is None    # made by another program: not undone from here
        assert sum(1 for a in cat.iter_actors() if a["name"] == "BioThéra Paris") == 1
    # a daily backup was made before writing, once
    backups = list((catalogue_path.parent / "backups").glob("*.sqlite"))
    assert len(backups) == 1
    again = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv")
    assert again.returncode == 0 and "Créés : 0" in again.stdout and "Ignorés : 3" in again.stdout
    assert len(list((catalogue_path.parent / "backups").glob("*.sqlite"))) == 1


def test_dry_run_changes_nothing(tmp_path, catalogue_path):
    before = dump(catalogue_path)
    done = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "rien n'a été écrit" in done.stdout and "À créer : 3" in done.stdout
    assert dump(catalogue_path) == before
    assert not (catalogue_path.parent / "backups").exists()


@pytest.mark.parametrize("name, words", [
    ("empty.csv", "est vide"), ("garbage.xlsx", "n'est pas un classeur Excel lisible"),
    ("truncated.xlsx", "n'est pas un classeur Excel lisible"), ("protected.xlsx", "mot de passe"),
    ("image.png", "est une image"), ("header_only.csv", "aucune ligne de données"),
    ("no_name_column.csv", "Aucune colonne ne correspond au nom"),
    ("duplicate_columns.csv", "apparaît deux fois"), ("absent.csv", "n'existe pas")])
def test_unreadable_files_exit_1_with_a_french_message_and_write_nothing(tmp_path, catalogue_path, name, words):
    before = dump(catalogue_path)
    done = run(tmp_path, catalogue_path, FIXTURES / name)
    assert done.returncode == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert dump(catalogue_path) == before


def test_on_duplicate_strict_and_sheet(tmp_path, catalogue_path):
    assert run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv").returncode == 0
    done = run(tmp_path, catalogue_path, FIXTURES / "sirene_extract.csv", "--on-duplicate", "merge")
    # BioThéra matches by SIRET; VECTORIA (Villejuif) is no actor yet: its NAF code (72.11Z)
    # proposes its kind
    assert done.returncode == 0 and "Mis à jour : 1" in done.stdout and "Créés : 1" in done.stdout
    assert "Erreurs : 0" in done.stdout and "Type proposé" in done.stdout
    strict = run(tmp_path, catalogue_path, FIXTURES / "actors_title_merged.xlsx", "--strict", "--dry-run")
    assert "Erreurs : 1" in strict.stdout
    other = run(tmp_path, catalogue_path, FIXTURES / "actors_title_merged.xlsx", "--sheet", "Absente")
    assert other.returncode == 1 and "ne contient pas de feuille « Absente »" in other.stderr
    bad = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv", "--on-duplicate", "remplacer")
    assert bad.returncode == 2


def test_mapping_file(tmp_path, catalogue_path):
    source = tmp_path / "liste.csv"
    source.write_text("Appellation;Genre;Localité\nNouvelle Structure;Biotech;Orsay\n", encoding="utf-8")
    unmapped = run(tmp_path, catalogue_path, source, "--dry-run")
    assert unmapped.returncode == 1 and "Aucune colonne ne correspond au nom" in unmapped.stderr
    mapping = tmp_path / "correspondance.json"
    mapping.write_text(json.dumps({"kind": "actors", "columns": {"Appellation": "name", "Genre": "kind",
                                                                  "Localité": "commune"}}), encoding="utf-8")
    done = run(tmp_path, catalogue_path, source, "--mapping", mapping)
    assert done.returncode == 0, done.stderr
    assert "Créés : 1" in done.stdout
    with Catalogue.open(catalogue_path) as cat:
        actor = next(a for a in cat.iter_actors() if a["name"] == "Nouvelle Structure")
        assert (actor["kind"], actor["commune"]) == ("biotech", "Orsay")
    broken = tmp_path / "cassé.json"
    broken.write_text("{", encoding="utf-8")
    failed = run(tmp_path, catalogue_path, source, "--mapping", broken)
    assert failed.returncode == 1 and "n'est pas un JSON lisible" in failed.stderr


def test_report_file(tmp_path, catalogue_path):
    report = tmp_path / "rapport.xlsx"
    done = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv", "--strict", "--report", report)
    assert done.returncode == 0 and f"Rapport enregistré : {report}" in done.stdout
    rows = list(load_workbook(report)["Problèmes"].iter_rows(values_only=True))
    assert rows[0] == ("Ligne", "Nom", "Niveau", "Problème")
    assert sorted({r[0] for r in rows[1:]}) == [5, 7]
    wrong = run(tmp_path, catalogue_path, FIXTURES / "actors_cp1252.csv", "--report", tmp_path / "r.txt")
    assert wrong.returncode == 1 and ".xlsx" in wrong.stderr


def test_contacts_file(tmp_path, catalogue_path):
    assert run(tmp_path, catalogue_path, FIXTURES / "actors_utf16.txt").returncode == 0
    done = run(tmp_path, catalogue_path, FIXTURES / "contacts.csv")
    assert done.returncode == 0 and "(contacts)" in done.stdout
    assert "Créés : 2" in done.stdout and "Erreurs : 1" in done.stdout
    assert "Organisation « Vectoria » introuvable" in done.stdout


def test_an_import_whose_rows_all_fail_exits_1_and_says_nothing_was_imported(tmp_path, catalogue_path):
    # The file: rows of quotes only, each one an error; it used to print
    # « terminé » and exit 0.
    source = tmp_path / "guillemets.csv"
    source.write_text("Nom;Commune\n" + '"""";""""\n' * 300, encoding="utf-8")
    before = dump(catalogue_path)
    for options in ((), ("--dry-run",)):
        done = run(tmp_path, catalogue_path, source, *options)
        assert done.returncode == 1, done.stdout
        assert "terminé" not in done.stdout and "Erreurs : 300" in done.stdout
        assert ("Aucune ligne de « guillemets.csv » n'a pu être importée : les 300 lignes sont "
                "en erreur.") in done.stderr
        assert "Traceback" not in done.stderr
    assert dump(catalogue_path) == before
    # One row imported is an import: exit 0.
    source.write_text("Nom;Commune;Type\n" + '"""";"""";\n' * 3 + "Nouvelle Bio;Orsay;biotech\n",
                      encoding="utf-8")
    done = run(tmp_path, catalogue_path, source)
    assert done.returncode == 0 and "Créés : 1" in done.stdout and "Erreurs : 3" in done.stdout


def test_a_hostile_workbook_is_refused_in_french_with_its_numbers(tmp_path, catalogue_path):
    import zipfile

    import openpyxl
    source = tmp_path / "bombe.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Liste"
    wb.save(source)
    original = zipfile.ZipFile(source)
    parts = {i.filename: original.read(i.filename) for i in original.infolist()}
    original.close()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for part, data in parts.items():
            if part == "xl/worksheets/sheet1.xml":
                with out.open(part, "w", force_zip64=True) as fh:
                    for _ in range(220):
                        fh.write(b" " * (1 << 20))
            else:
                out.writestr(part, data)
    before = dump(catalogue_path)
    done = run(tmp_path, catalogue_path, source)
    assert done.returncode == 1
    assert ("La feuille « Liste » de « bombe.xlsx » occupe 220 Mo une fois décompressée "
            "(limite : 200 Mo)") in done.stderr
    assert dump(catalogue_path) == before


def test_cli_kind_option(tmp_path, catalogue_path):
    path = write_headed_csv(tmp_path / "k.csv", ["Nom", "Type", "Ville"],
                     [["Plateforme A", "", "Orsay"], ["Plateforme B", "Plateforme", "Évry"]])
    without = run(tmp_path, catalogue_path, path, "--dry-run")
    assert without.returncode == 1
    assert "l'option --kind" in without.stdout and "étape Colonnes" not in without.stdout
    done = run(tmp_path, catalogue_path, path, "--kind", "techprovider")
    assert done.returncode == 0, done.stderr
    assert "Créés : 2" in done.stdout and "« Plateforme »" in done.stdout
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        b = next(a for a in cat.iter_actors() if a["name"] == "Plateforme B")
        assert b["kind"] == "techprovider" and "Plateforme" in b["tags"]
    wrong = run(tmp_path, catalogue_path, path, "--kind", "licorne")
    assert wrong.returncode == 1
    assert "--kind : type d'acteur inconnu « licorne »" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    label = run(tmp_path, catalogue_path, path, "--kind", "Formation", "--dry-run")
    assert label.returncode == 0 and "Créés" not in label.stderr


def test_cli_sirene_file_twice_exit_codes_and_tally(tmp_path, catalogue_path):
    path = sirene_file(tmp_path / "sirene.csv")
    first = run(tmp_path, catalogue_path, path)
    assert first.returncode == 0, first.stderr
    # Cellectis is in the bundled catalogue (same SIREN); the chemist's NAF code (47.73Z)
    # proposes no kind; the [ND] row has no name
    assert "Bilan : 2 créés, 0 mis à jour, 1 doublon, 2 rejetés — motifs : " in first.stdout
    assert "Nom non diffusible (« [ND] » dans le fichier)" in first.stdout
    again = run(tmp_path, catalogue_path, path)
    # nothing to create; two rows are still in error and nothing could be imported
    assert "Bilan : 0 créé, 0 mis à jour, 3 doublons, 2 rejetés" in again.stdout
    assert again.returncode == 1
    assert "2 lignes en erreur, les autres déjà dans le catalogue" in again.stderr
    clean = write_headed_csv(tmp_path / "propre.csv", ["Nom", "Type", "Ville"],
                      [["Acteur Propre", "biotech", "Orsay"]])
    assert run(tmp_path, catalogue_path, clean).returncode == 0
    twice = run(tmp_path, catalogue_path, clean)
    assert twice.returncode == 0 and "Bilan : 0 créé, 0 mis à jour, 1 doublon, 0 rejeté." in \
        twice.stdout
