"""importer/planning.py: what an import decides for each row."""
from __future__ import annotations

from eco_desktop.importer import plan_import

from import_helpers import write_csv


def test_the_bundled_biotechs_are_not_created_again_from_a_list_without_addresses(
        catalogue, tmp_path):
    # An i-Lab-like list: names and SIRENs, no address.
    path = write_csv(tmp_path / "laureats.csv", [
        ["Nom de l'entreprise", "Type", "SIREN"],
        ["CELLECTIS", "Biotech", "428859052"],
        ["Ipsirius", "Biotech", ""],
        ["EVERZOM", "Biotech", ""],
        ["Collectis", "Biotech", ""],                    # the bundled alias
    ])
    plan = plan_import(catalogue, path)
    assert [(r.status, r.action, r.duplicate_of) for r in plan.rows] == [
        ("duplicate", "skip", "Cellectis"), ("duplicate", "skip", "Ipsirius"),
        ("duplicate", "skip", "Everzom"), ("duplicate", "skip", "Cellectis")]
    assert [r.rule for r in plan.rows] == ["siren", "name", "name", "name"]
