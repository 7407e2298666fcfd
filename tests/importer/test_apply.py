"""importer/apply.py (through plan_import): each fixture file, duplicates, merge, all or nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from eco_desktop.catalogue import OperationCancelled
from eco_desktop.errors import UserError
from eco_desktop.importer import (Mapping, apply_import, find_duplicates, merge_fill,
                                  merge_overwrite, plan_import, prepare, read_table)

from import_helpers import SIRET_A, by_name, fixture, new_catalogue, write_csv


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_round_trips(tmp_path, suffix):
    from eco_desktop import export
    catalogue = new_catalogue(tmp_path)
    actors = list(catalogue.iter_actors())
    path = tmp_path / f"export.{suffix}"
    writer = export.export_xlsx if suffix == "xlsx" else export.export_csv
    writer(path, actors, columns=list(export.ACTOR_COLUMNS))
    table = read_table(path)
    mapping = Mapping.auto(table.headers)
    # every column but the derived ones and the timestamps is recognised
    assert set(mapping.unmapped_headers()) == {
        "Métropole du Grand Paris", "EPT", "EPCI", "Hors Île-de-France", "Créé le",
        "Modifié le"}
    vocabularies = {n: catalogue.vocabulary(n) for n in ("kind", "domain", "activity")}
    candidates = prepare(table, mapping, vocabularies)
    assert all(c.ok for c in candidates)
    found = find_duplicates(candidates, actors)
    assert [d.actor_id if d else None for d in found] == [a["id"] for a in actors]
    for candidate, dup in zip(candidates, found):
        before = catalogue.get_actor(dup.actor_id)
        assert merge_overwrite(before, candidate.data) == before
        assert merge_fill(before, candidate.data) == before
    catalogue.close()


def snapshot(catalogue, tables=("actors", "contacts", "history_batches", "history_changes",
                                "relations", "vocabulary")) -> dict:
    """Every row of the tables an import could touch, for before/after comparisons."""
    with catalogue.lock:
        return {t: [tuple(r) for r in catalogue.conn.execute(f"SELECT * FROM [{t}] ORDER BY 1")]
                for t in tables}


def unique_word(i: int) -> str:
    """Names far enough apart not to be taken for duplicates of each other."""
    import hashlib
    return hashlib.sha1(str(i).encode()).hexdigest()[:12]


def test_cp1252_file_created_with_warnings_tags_and_outside_idf(catalogue):
    total = catalogue.total()
    plan = plan_import(catalogue, fixture("actors_cp1252.csv"))
    assert plan.kind == "actors"
    assert [(r.row_number, r.status, r.action) for r in plan.rows] == [
        (4, "new", "create"), (5, "warning", "create"), (7, "warning", "create")]
    assert any("pas-un-mail" in m for m in plan.rows[1].reasons)
    summary = apply_import(catalogue, plan)
    assert summary.counts() == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0,
                                "warnings": 2, "errors": 0}
    assert catalogue.total() == total + 3
    biothera = by_name(catalogue, "BioThéra Paris")
    assert biothera["siret"] == SIRET_A and biothera["kind"] == "biotech"
    assert biothera["domains"] == ["gene_therapy", "vaccines"]
    assert biothera["insee_code"] == "75113"
    cells = by_name(catalogue, "Cellule & Gènes SAS")
    assert cells["kind"] == "iphe" and cells["email"] == ""          # invalid e-mail dropped
    assert cells["commune"] == "Évry-Courcouronnes"
    lyon = by_name(catalogue, "Vectoria")
    assert lyon["outside_idf"] is True and lyon["departement"] == "69"  # imported and flagged
    assert "Nanobiotech" in lyon["tags"]                                # kept as a tag
    assert summary.outside_idf == 1
    assert summary.unmatched == {"domains": ["Nanobiotech"]}
    assert "Nanobiotech" in summary.message() and "Hors Île-de-France" in summary.message()


@pytest.mark.parametrize("name, created", [("actors_utf8_bom.csv", 3), ("actors_utf16.txt", 2),
                                           ("actors_title_merged.xlsx", 3)])
def test_other_fixture_files(catalogue, name, created):
    summary = apply_import(catalogue, plan_import(catalogue, fixture(name)))
    assert summary.created == created and summary.errors == 0


def test_formula_like_text_is_stored_literally(catalogue):
    apply_import(catalogue, plan_import(catalogue, fixture("actors_utf8_bom.csv")))
    hospital = by_name(catalogue, "Hôpital Exemple")
    assert hospital["description"] == '=HYPERLINK("http://evil.example","clic")'


def test_sirene_extract_without_kind_is_an_error_unless_it_merges(catalogue):
    # The catalogue's rules propose a kind from the NAF code (72.11Z: biotech) ...
    plan = plan_import(catalogue, fixture("sirene_extract.csv"))
    assert [r.status for r in plan.rows] == ["new", "new"]
    assert all("d'après le code NAF 72.11Z" in r.proposed for r in plan.rows)
    # ... and without that rule a row without a type is an error
    for rule in catalogue.kind_rules():
        if rule["pattern"] == "72.11Z":
            catalogue.delete_kind_rule(rule["id"])
    plan = plan_import(catalogue, fixture("sirene_extract.csv"))
    assert [r.status for r in plan.rows] == ["error", "error"]
    assert "type d'acteur" in plan.rows[0].errors[0]
    apply_import(catalogue, plan_import(catalogue, fixture("actors_cp1252.csv")))
    plan = plan_import(catalogue, fixture("sirene_extract.csv"), on_duplicate="merge")
    first = plan.rows[0]
    assert (first.status, first.rule, first.action) == ("duplicate", "siret", "update")
    assert first.duplicate_of == "BioThéra Paris"
    assert "Doublon de « BioThéra Paris » (même SIRET)" == first.status_text
    # the establishment's headcount band is not the firm's size
    assert {"naf", "founded"} <= set(first.changes) and "size" not in first.changes
    summary = apply_import(catalogue, plan)
    biothera = by_name(catalogue, "BioThéra Paris")
    assert (biothera["naf"], biothera["size"], biothera["founded"]) == ("72.11Z", "", 2016)
    assert biothera["kind"] == "biotech" and biothera["name"] == "BioThéra Paris"  # fill only
    assert summary.updated >= 1


def test_duplicates_against_the_catalogue_and_in_the_file(catalogue, tmp_path):
    catalogue.create_actor({"name": "Cellectis", "kind": "biotech", "postcode": "75013",
                            "commune": "Paris"})
    path = write_csv(tmp_path / "d.csv", [
        ["Nom", "Type", "SIRET", "Code postal", "Ville"],
        ["CELLECTIS SA", "Biotech", "", "75013", "Paris"],          # name, same postcode
        ["Nouvelle Bio", "Biotech", SIRET_A, "91000", "Évry"],
        ["Autre nom", "Biotech", SIRET_A, "", ""],                    # SIRET of the row above
        ["Nouvelle Bio SAS", "Biotech", "", "91000", "Évry-Courcouronnes"],  # name, row 3
    ])
    plan = plan_import(catalogue, path)
    statuses = [(r.status, r.rule, r.action) for r in plan.rows]
    assert statuses == [("duplicate", "name", "skip"), ("new", None, "create"),
                        ("duplicate", "siret", "skip"), ("duplicate", "name", "skip")]
    assert plan.rows[0].duplicate_of == "Cellectis" and plan.rows[0].actor_id is not None
    assert plan.rows[2].first_row == 3 and plan.rows[2].status_text.startswith(
        "Doublon de la ligne 3")
    total = catalogue.total()
    summary = apply_import(catalogue, plan)
    assert (summary.created, summary.skipped) == (1, 3)
    assert catalogue.total() == total + 1


def test_in_file_duplicates_merged_into_the_created_actor(catalogue, tmp_path):
    path = write_csv(tmp_path / "d.csv", [
        ["Nom", "Type", "Code postal", "Site web", "E-mail"],
        ["Nouvelle Bio", "Biotech", "91000", "", "info@nouvelle.example"],
        ["NOUVELLE BIO", "Biotech", "91000", "https://nouvelle.example", "autre@nouvelle.example"],
    ])
    plan = plan_import(catalogue, path, on_duplicate="merge")
    assert [r.action for r in plan.rows] == ["create", "merged"]
    apply_import(catalogue, plan)
    actor = by_name(catalogue, "Nouvelle Bio")
    assert (actor["website"], actor["email"]) == ("https://nouvelle.example",
                                                  "info@nouvelle.example")


def test_create_anyway(catalogue, tmp_path):
    apply_import(catalogue, plan_import(catalogue, fixture("actors_utf16.txt")))
    plan = plan_import(catalogue, fixture("actors_utf16.txt"), on_duplicate="create")
    assert [r.status for r in plan.rows] == ["duplicate", "duplicate"]
    assert apply_import(catalogue, plan).created == 2


@pytest.fixture
def existing(catalogue):
    actor_id = catalogue.create_actor({
        "name": "Helix Bio", "kind": "biotech", "siret": SIRET_A, "email": "old@helix.example",
        "domains": ["gene_therapy"], "tags": ["ancien"], "description": "Texte d'origine",
        "postcode": "91400", "commune": "Orsay"})
    return actor_id


def helix_file(tmp_path) -> Path:
    return write_csv(tmp_path / "helix.csv", [
        ["Nom", "Type", "SIRET", "E-mail", "Site web", "Domaines", "Étiquettes", "Description"],
        ["HELIX BIO SAS", "Pharma", SIRET_A, "new@helix.example", "https://helix.example",
         "Vaccins", "nouveau", ""],
    ])


def test_merge_fills_empty_fields_and_unites_lists(catalogue, existing, tmp_path):
    plan = plan_import(catalogue, helix_file(tmp_path), on_duplicate="merge")
    assert set(plan.rows[0].changes) == {"website", "domains", "tags", "siren"}
    apply_import(catalogue, plan)
    actor = catalogue.get_actor(existing)
    assert actor["name"] == "Helix Bio" and actor["kind"] == "biotech"
    assert actor["email"] == "old@helix.example" and actor["website"] == "https://helix.example"
    assert actor["domains"] == ["gene_therapy", "vaccines"] and actor["tags"] == ["ancien", "nouveau"]
    assert actor["description"] == "Texte d'origine"


def test_overwrite_replaces_with_non_empty_cells_only(catalogue, existing, tmp_path):
    plan = plan_import(catalogue, helix_file(tmp_path), on_duplicate="overwrite")
    assert "description" not in plan.rows[0].changes
    apply_import(catalogue, plan)
    actor = catalogue.get_actor(existing)
    assert actor["name"] == "HELIX BIO SAS" and actor["kind"] == "pharma"
    assert actor["email"] == "new@helix.example" and actor["domains"] == ["vaccines"]
    assert actor["description"] == "Texte d'origine"  # an empty cell never erases
    assert actor["source"] == ""                      # the import's default source is not forced


@pytest.mark.parametrize("policy", ["skip", "merge", "overwrite"])
def test_importing_the_same_file_twice_creates_nothing_the_second_time(catalogue, policy):
    for name in ("actors_cp1252.csv", "actors_title_merged.xlsx"):
        apply_import(catalogue, plan_import(catalogue, fixture(name), on_duplicate=policy))
        before = snapshot(catalogue)
        summary = apply_import(catalogue, plan_import(catalogue, fixture(name),
                                                      on_duplicate=policy))
        assert (summary.created, summary.updated) == (0, 0)
        assert snapshot(catalogue) == before  # not even a history entry


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("policy", ["merge", "overwrite"])
def test_export_then_import_changes_nothing(catalogue, tmp_path, suffix, policy):
    from eco_desktop import export
    actors = list(catalogue.iter_actors())
    path = tmp_path / f"vue.{suffix}"
    writer = export.export_xlsx if suffix == "xlsx" else export.export_csv
    writer(path, actors, columns=list(export.DEFAULT_COLUMNS))
    before = snapshot(catalogue)
    plan = plan_import(catalogue, path, on_duplicate=policy)
    assert all(r.status == "duplicate" for r in plan.rows)
    assert [r.action for r in plan.rows] == ["unchanged"] * len(actors), \
        [(r.name, r.changes) for r in plan.rows if r.changes][:3]
    summary = apply_import(catalogue, plan)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(actors))
    assert snapshot(catalogue) == before


def test_cancel_leaves_the_catalogue_as_it_was(catalogue, tmp_path):
    apply_import(catalogue, plan_import(catalogue, fixture("actors_cp1252.csv")))
    before = snapshot(catalogue)
    rows = [["Nom", "Type", "Code postal"]] + [[f"Société {unique_word(i)}", "Biotech", "75013"]
                                                for i in range(1200)]
    rows.append(["BioThéra Paris", "Pharma", "75013"])  # an update too
    path = write_csv(tmp_path / "big.csv", rows)
    plan = plan_import(catalogue, path, on_duplicate="overwrite")
    calls = []
    with pytest.raises(OperationCancelled):
        apply_import(catalogue, plan, progress=lambda d, t: calls.append(d),
                     cancelled=lambda: len(calls) > 1)
    assert snapshot(catalogue) == before
    # cancelled at the very end (after every write) also leaves nothing
    with pytest.raises(OperationCancelled):
        apply_import(catalogue, plan_import(catalogue, fixture("actors_utf16.txt")),
                     cancelled=lambda: True)
    assert snapshot(catalogue) == before
    assert catalogue.total() == len(catalogue.actor_ids())


def test_a_failure_midway_writes_nothing(catalogue, tmp_path, monkeypatch):
    existing_id = catalogue.create_actor({"name": "Helix Bio", "kind": "biotech",
                                          "siret": SIRET_A})
    before = snapshot(catalogue)
    plan = plan_import(catalogue, helix_file(tmp_path), on_duplicate="overwrite")
    plan.creates.append({"name": "Nouvelle", "kind": "biotech"})

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(catalogue, "update_actor", boom)
    with pytest.raises(RuntimeError):
        apply_import(catalogue, plan)
    assert snapshot(catalogue) == before
    assert catalogue.get_actor(existing_id)["name"] == "Helix Bio"


def test_one_history_entry_and_undo_removes_everything(catalogue, existing, tmp_path):
    tables = ("actors", "contacts")
    start = snapshot(catalogue, tables)
    batches = len(catalogue.history())
    path = write_csv(tmp_path / "mix.csv", [
        ["Nom", "Type", "SIRET", "E-mail", "Code postal"],
        ["Helix Bio", "Biotech", SIRET_A, "new@helix.example", ""],
        ["Toute Nouvelle", "Biotech", "", "", "75013"],
    ])
    apply_import(catalogue, plan_import(catalogue, path, on_duplicate="overwrite"))
    assert len(catalogue.history()) == batches + 1
    assert catalogue.undo_label() == "Importer « mix.csv »"
    assert catalogue.get_actor(existing)["email"] == "new@helix.example"
    assert catalogue.undo() == "Importer « mix.csv »"
    assert snapshot(catalogue, tables) == start
    catalogue.redo()
    assert catalogue.get_actor(existing)["email"] == "new@helix.example"


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv", "garbage.xlsx", "truncated.xlsx",
                                  "protected.xlsx", "image.png", "image.csv", "no_name_column.csv",
                                  "duplicate_columns.csv"])
def test_bad_files_raise_a_french_error_and_write_nothing(catalogue, name):
    before = snapshot(catalogue)
    with pytest.raises(UserError) as info:
        apply_import(catalogue, fixture(name))
    assert "«" in str(info.value) or "colonne" in str(info.value) or "ligne" in str(info.value)
    assert snapshot(catalogue) == before


def test_strict_mode_rejects_rows_with_invalid_values(catalogue):
    plan = plan_import(catalogue, fixture("actors_cp1252.csv"), strict=True)
    assert [r.status for r in plan.rows] == ["new", "error", "error"]
    summary = apply_import(catalogue, plan)
    assert (summary.created, summary.errors) == (1, 2)


def test_unknown_policy_is_refused(catalogue):
    with pytest.raises(UserError):
        plan_import(catalogue, fixture("actors_cp1252.csv"), on_duplicate="replace")


def test_bulk_import_through_a_path(catalogue, tmp_path):
    rows = [["Nom", "Type", "Code postal", "Commune"]] + [
        [f"Société {unique_word(i)}", "Biotech", "75013", "Paris"] for i in range(1500)]
    total = catalogue.total()
    summary = apply_import(catalogue, write_csv(tmp_path / "n.csv", rows))
    assert summary.created == 1500 and catalogue.total() == total + 1500
    assert len(catalogue.history()) >= 1 and catalogue.history()[0]["label"] == "Importer « n.csv »"


@pytest.mark.parametrize("change", ["append", "same-size-and-date"])
def test_a_file_changed_after_it_was_read_is_refused_and_nothing_written(catalogue, tmp_path,
                                                                         change):
    import os
    source = write_csv(tmp_path / "liste.csv", [["Nom", "Type", "Commune"],
                                                ["Alpha Biotech", "biotech", "Orsay"],
                                                ["Beta Cellules", "biotech", "Évry"]])
    plan = plan_import(catalogue, source)
    assert plan.summary().created == 2
    before = snapshot(catalogue)
    status = source.stat()
    if change == "append":       # an editor saving more rows meanwhile
        with source.open("a", encoding="utf-8") as fh:
            fh.write("Gamma Vecteurs;biotech;Paris\n")
    else:                         # rewritten in place, size and date kept (cp -p, rsync -t)
        source.write_bytes(source.read_bytes().replace(b"Alpha", b"Omega"))
        os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))
    with pytest.raises(UserError, match="« liste.csv » a été modifié pendant l'import .*rien "
                                        "n'a été importé"):
        apply_import(catalogue, plan)
    assert snapshot(catalogue) == before
    # The wizard plans from the table it read: planning again is refused too.
    with pytest.raises(UserError, match="a été modifié pendant l'import"):
        plan_import(catalogue, source, table=plan.table)


def test_a_file_deleted_after_it_was_read_is_refused(catalogue, tmp_path):
    source = write_csv(tmp_path / "liste.csv", [["Nom", "Type"], ["Alpha Biotech", "biotech"]])
    plan = plan_import(catalogue, source)
    source.unlink()
    before = snapshot(catalogue)
    with pytest.raises(UserError, match="a été modifié pendant l'import"):
        apply_import(catalogue, plan)
    assert snapshot(catalogue) == before


def test_an_sqlite_failure_while_applying_is_said_in_french(catalogue, tmp_path, monkeypatch):
    import sqlite3

    from eco_desktop.importer import apply as applying
    plan = plan_import(catalogue, write_csv(tmp_path / "neuf.csv", [["Nom", "Type"], ["Acteur neuf", "biotech"]]))

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(applying, "_apply_actors", full)
    with pytest.raises(UserError) as caught:
        apply_import(catalogue, plan)
    assert "disque est plein" in str(caught.value) and "database" not in str(caught.value)
    assert "Acteur neuf" not in {a["name"] for a in catalogue.actors_by_ids(catalogue.actor_ids())}
