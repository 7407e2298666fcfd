"""eco-desktop export: separate processes, files read back with openpyxl / csv."""
from __future__ import annotations

import codecs
import csv
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eco_desktop.export import ACTOR_COLUMNS, DEFAULT_COLUMNS
from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue

from cli_helpers import catalogue_with_contacts, run_cli


@pytest.fixture
def db(tmp_path, catalogue_path) -> Path:
    """The bundled catalogue with three contacts: one usable, one without legal basis, one opted out."""
    return catalogue_with_contacts(catalogue_path, tmp_path / "export.sqlite", basis_date="2026-03-02")


def run(db: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    return run_cli(["export", "--db", db, *args], home=db.parent, expect=expect)


def expected_names(db: Path, flt: Filter) -> list[str]:
    with Catalogue.open(db, read_only=True) as cat:
        return [a["name"] for a in cat.iter_actors(flt)]


def column(ws, header: str) -> list:
    headers = [c.value for c in ws[1]]
    i = headers.index(header)
    return [row[i] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_filtered_xlsx_rows_in_list_order(db, tmp_path):
    out = tmp_path / "biotech.xlsx"
    proc = run(db, "--kind", "biotech", "--domain", "gene_therapy", "-o", out)
    names = expected_names(db, Filter(kinds=("biotech",), domains=("gene_therapy",)))
    assert 1 < len(names) < 52
    assert proc.stdout.strip() == f"{len(names)} acteurs exportés dans {out}."
    wb = load_workbook(out)
    assert wb.sheetnames == ["Acteurs", "Critères"]
    ws = wb["Acteurs"]
    assert ws.max_row == len(names) + 1
    assert [c.value for c in ws[1]] == [ACTOR_COLUMNS[k] for k in DEFAULT_COLUMNS]
    assert column(ws, "Nom") == names
    assert set(column(ws, "Type")) == {"Entreprise de biothérapie"}
    criteria = {row[1] for row in wb["Critères"].iter_rows(min_row=2, values_only=True)}
    assert any("Entreprise de biothérapie" in str(v) for v in criteria)
    assert f"{len(names)} sur 52" in criteria
    assert str(db) in criteria
    # exactly what was asked, in the catalogue's own words, nothing else
    asked = [value for key, value in wb["Critères"].iter_rows(min_row=2, values_only=True) if key == "Critère"]
    with Catalogue.open(db, read_only=True) as cat:
        assert asked == cat.describe(Filter(kinds=("biotech",), domains=("gene_therapy",)))


def test_search_keeps_relevance_order(db, tmp_path):
    out = tmp_path / "search.xlsx"
    run(db, "--search", "thérapie génique", "-o", out)
    names = expected_names(db, Filter(text="thérapie génique"))
    assert names and column(load_workbook(out)["Acteurs"], "Nom") == names


def test_columns_chosen_in_order(db, tmp_path):
    out = tmp_path / "cols.xlsx"
    run(db, "--columns", "siren, name,postcode,id", "-o", out)
    ws = load_workbook(out)["Acteurs"]
    assert [c.value for c in ws[1]] == ["SIREN", "Nom", "Code postal", "Identifiant"]
    assert ws.max_row == 53
    postcodes = [v for v in column(ws, "Code postal") if v]
    assert postcodes and all(isinstance(v, str) and len(v) == 5 for v in postcodes)
    with Catalogue.open(db, read_only=True) as cat:
        assert column(ws, "Identifiant") == cat.actor_ids(Filter())


def test_contacts_usable_only_then_all(db, tmp_path):
    out = tmp_path / "contacts.xlsx"
    proc = run(db, "--contacts", "-o", out)
    assert "52 acteurs et 1 contact exportés" in proc.stdout
    ws = load_workbook(out)["Contacts"]
    assert ws.max_row == 2
    headers = [c.value for c in ws[1]]
    assert "Base légale" not in headers and "Opposition" not in headers
    assert column(ws, "Nom") == ["Martin"] and column(ws, "Organisation") == ["GenSight Biologics"]

    everything = tmp_path / "tous.xlsx"
    proc = run(db, "--all-contacts", "-o", everything)
    assert "52 acteurs et 3 contacts exportés" in proc.stdout
    ws = load_workbook(everything)["Contacts"]
    assert ws.max_row == 4
    assert sorted(column(ws, "Nom")) == ["Durand", "Martin", "Petit"]
    assert {"Base légale", "Opposition", "Utilisable"} <= {c.value for c in ws[1]}
    by_name = dict(zip(column(ws, "Nom"), column(ws, "Utilisable")))
    assert by_name == {"Martin": "oui", "Petit": "non", "Durand": "non"}
    assert dict(zip(column(ws, "Nom"), column(ws, "Opposition")))["Durand"] == "oui"


def test_contacts_follow_the_filter(db, tmp_path):
    out = tmp_path / "pharma.xlsx"
    proc = run(db, "--kind", "pharma", "--all-contacts", "-o", out)
    assert "et 0 contact exporté" in proc.stdout
    assert load_workbook(out)["Contacts"].max_row == 1


def test_csv_with_contacts_file_beside(db, tmp_path):
    out = tmp_path / "liste.csv"
    proc = run(db, "--kind", "biotech", "--contacts", "-o", out)
    companion = tmp_path / "liste-contacts.csv"
    assert proc.stdout.strip().endswith(f"dans {out} et {companion}.")
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == [ACTOR_COLUMNS[k] for k in DEFAULT_COLUMNS]
    assert [r[0] for r in rows[1:]] == expected_names(db, Filter(kinds=("biotech",)))
    contacts = list(csv.reader(companion.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(contacts) == 2 and contacts[1][0] == "GenSight Biologics"


def test_csv_without_contacts_writes_one_file(db, tmp_path):
    out = tmp_path / "seul.CSV"
    run(db, "-o", out)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix.lower() == ".csv") == ["seul.CSV"]


@pytest.mark.parametrize("name", ["liste.txt", "liste.xls", "liste"])
def test_other_extension_is_a_usage_error(db, tmp_path, name):
    proc = run(db, "-o", tmp_path / name, expect=2)
    assert "utilisez l'extension .xlsx" in proc.stderr
    assert not (tmp_path / name).exists()


def test_unknown_column_lists_the_valid_keys(db, tmp_path):
    proc = run(db, "--columns", "name,nom,ville", "-o", tmp_path / "x.xlsx", expect=2)
    assert "« nom »" in proc.stderr and "« ville »" in proc.stderr
    assert "Colonnes possibles : " + ", ".join(ACTOR_COLUMNS) in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_output_is_required(db):
    proc = run(db, expect=2)
    assert "obligatoires" in proc.stderr


def test_missing_folder_is_an_error_and_leaves_nothing(db, tmp_path):
    proc = run(db, "-o", tmp_path / "absent" / "x.xlsx", expect=1)
    assert "n'existe pas" in proc.stderr
    assert not (tmp_path / "absent").exists()


def test_unknown_kind_is_a_usage_error(db, tmp_path):
    run(db, "--kind", "licorne", "-o", tmp_path / "x.xlsx", expect=2)
    assert not (tmp_path / "x.xlsx").exists()


# The command in a subprocess whose zip archives fill the disk after 3,000 bytes.
FULL_DISK = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from export_helpers import fill_zip_disks
fill_zip_disks()
from eco_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_full_disk_gives_the_sentence_and_nothing_else(db, tmp_path):
    import sys

    from cli_helpers import cli_env
    out = tmp_path / "plein" / "liste.xlsx"
    out.parent.mkdir()
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, "export", "--db", str(db), "--contacts",
                           "-o", str(out)], capture_output=True, text=True, encoding="utf-8",
                          env=cli_env(tmp_path), cwd=tmp_path, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == f"eco-desktop : Impossible d'écrire « {out} » : le disque est plein.\n"
    assert list(out.parent.iterdir()) == []
