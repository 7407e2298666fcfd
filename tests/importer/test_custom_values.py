"""Custom fields through the import: the mapping offers them, cells are read by type (a
bad value is the row's reason), and an export imports back."""
from __future__ import annotations

import shutil

import pytest

from eco_desktop.export import export_from_catalogue
from eco_desktop.filter import Filter
from eco_desktop.importer import Mapping, apply_import, plan_import

from import_helpers import write_csv


@pytest.fixture
def fielded(catalogue):
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.add_custom_field("actor", "Programme", "choice", choices=["PIA", "France 2030"])
    return catalogue


def test_mapping_offers_custom_fields(fielded):
    fields = fielded.custom_fields("actor")
    mapping = Mapping.auto(["Nom", "Montant levé (€)", "programme", "Autre"], custom=fields)
    assert mapping.custom_columns == {1: "custom.montant_leve", 2: "custom.programme"}
    assert mapping.unmapped_headers() == ["Autre"]
    mapping.set("Autre", "custom.programme")
    assert mapping.custom_columns[3] == "custom.programme" and 3 not in mapping.columns
    assert mapping.to_json()["columns"]["Autre"] == "custom.programme"
    again = Mapping.from_json(mapping.to_json(), mapping.headers, custom=fields)
    assert again.custom_columns == mapping.custom_columns


def test_bad_value_is_the_rows_reason(fielded, tmp_path):
    path = write_csv(tmp_path / "levees.csv", [["Nom", "Commune", "Montant levé", "Programme"],
                                               ["Alpha Bio", "Évry", "2,5 M", "PIA"],
                                               ["Beta Bio", "Évry", "beaucoup", "Inconnu"]])
    plan = plan_import(fielded, path, default_kind="biotech")
    reasons = {row.name: row.reasons for row in plan.rows}
    assert reasons["Alpha Bio"] == []
    assert any("« Montant levé » attend un nombre" in r and "valeur ignorée" in r for r in reasons["Beta Bio"])
    assert any("n'est pas un choix de « Programme »" in r for r in reasons["Beta Bio"])
    strict = plan_import(fielded, path, default_kind="biotech", strict=True)
    assert [r.status for r in strict.rows] == ["new", "error"]
    summary = apply_import(fielded, plan)
    alpha = summary.created_ids[0]
    assert fielded.custom_values(alpha) == {"montant_leve": [2500000], "programme": ["pia"]}
    assert fielded.undo().startswith("Importer")
    assert fielded.get_actor(alpha) is None


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_number_field_round_trips(fielded, tmp_path, catalogue_path, suffix):
    ids = fielded.actor_ids(Filter())[:3]
    for n, actor_id in enumerate(ids):
        fielded.set_custom_values(actor_id, {"montant_leve": 1_000_000 * (n + 1) + 0.5, "programme": "PIA"})
    path = tmp_path / f"export.{suffix}"
    export_from_catalogue(fielded, path, Filter(custom=[("montant_leve", ">=", "1")]), columns=["name", "id"])
    # the same catalogue elsewhere, with the same field but no values
    other = tmp_path / "other.sqlite"
    shutil.copyfile(catalogue_path, other)
    from eco_desktop.catalogue import Catalogue
    with Catalogue.open(other) as target:
        target.add_custom_field("actor", "Montant levé", "number", unit="€")
        target.add_custom_field("actor", "Programme", "choice", choices=["PIA", "France 2030"])
        apply_import(target, path, on_duplicate="merge")
        got = {a: target.custom_values(a) for a in ids}
    assert got == {a: {"montant_leve": [1_000_000 * (n + 1) + 0.5], "programme": ["pia"]} for n, a in enumerate(ids)}
