"""Integrity of the bundled dataset (db/dataset) and of a catalogue seeded from it."""
from __future__ import annotations

import csv
import shutil
import sqlite3

import pytest
from stdnum.fr import siren as stdnum_siren

from eco_desktop import paths, vocab
from eco_desktop.dataset import dataset_version, load_bundled_dataset, read_csv
from eco_desktop.filter import Filter
from eco_desktop.geo import gazetteer
from eco_desktop.catalogue import Catalogue

UNPLACED_TAG = "a-localiser"


@pytest.fixture(scope="module")
def rows():
    return read_csv(paths.dataset_dir() / "actors.csv")


@pytest.fixture(scope="module")
def relation_rows():
    return read_csv(paths.dataset_dir() / "relations.csv")


@pytest.fixture
def actors(catalogue):
    return catalogue.actors(Filter(include_deleted=True))


def test_version(catalogue):
    assert dataset_version() == "2021.2"
    assert catalogue.meta("dataset_version") == dataset_version()


def test_every_row_loaded_with_its_id(rows, relation_rows, catalogue, actors):
    assert len(actors) == len(rows) >= 40
    assert {a["id"] for a in actors} == {int(r["id"]) for r in rows}
    for row in rows:
        assert catalogue.get_actor(int(row["id"]))["name"] == row["name"]
    assert {r["id"] for r in catalogue.relations()} == {int(r["id"]) for r in relation_rows}
    assert catalogue.total() == len(rows)           # nothing in the trash
    assert catalogue.undo() is None                 # the load is not an undoable action


def test_ids_stable_and_files_well_formed(rows, relation_rows):
    ids = [int(r["id"]) for r in rows]
    assert ids == list(range(1, len(ids) + 1))      # fixed, from 1, never reused
    rel_ids = [int(r["id"]) for r in relation_rows]
    assert rel_ids == list(range(1, len(rel_ids) + 1))
    with open(paths.dataset_dir() / "actors.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:2] == ["id", "name"] and "kind" in header and "source" in header
    for row in rows:
        assert None not in row, row["id"]           # no row with extra cells
    names = [r["name"] for r in rows]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("name, alias", [
    ("Genopole", None), ("Cellectis", "Collectis"), ("GenSight Biologics", None), ("ART-TG", None),
])
def test_key_actors_present(actors, name, alias):
    found = [a for a in actors if a["name"] == name]
    assert len(found) == 1, name
    if alias:
        assert alias in found[0]["aliases"]


def test_stable_ids_of_key_actors(catalogue):
    assert catalogue.get_actor(15)["name"] == "Cellectis"
    assert catalogue.get_actor(20)["name"] == "Genopole"
    assert catalogue.get_actor(17)["name"] == "GenSight Biologics"
    assert catalogue.get_actor(27)["name"] == "ART-TG"


def test_every_actor_has_kind_domains_activities_from_vocabularies(catalogue, actors):
    kinds, domains, activities = (catalogue.vocabulary(v) for v in ("kind", "domain", "activity"))
    assert set(kinds) == set(vocab.KINDS)
    for actor in actors:
        assert actor["kind"] in kinds, actor["name"]
        assert set(actor["domains"]) <= set(domains), actor["name"]
        assert set(actor["activities"]) <= set(activities), actor["name"]
        assert actor["status"] in vocab.STATUSES, actor["name"]
        assert actor["size"] in ("", *vocab.SIZES), actor["name"]
        assert actor["description"].strip(), actor["name"]
        assert "Note rapide" in actor["source"], actor["name"]


def test_every_actor_placed_or_marked(actors):
    gaz = gazetteer()
    unplaced = [a for a in actors if UNPLACED_TAG in a["tags"]]
    assert 0 < len(unplaced) < len(actors) / 4          # "the few the note does not place"
    for actor in actors:
        if UNPLACED_TAG in actor["tags"]:
            assert not actor["commune"], actor["name"]
            continue
        assert actor["commune"], actor["name"]
        assert actor["lat"] is not None and actor["lon"] is not None, actor["name"]
        assert actor["geo_precision"] == "commune", actor["name"]
        if actor["outside_idf"]:
            assert not gaz.inside_idf(actor["lat"], actor["lon"]), actor["name"]
            assert not gaz.is_idf_departement(actor["departement"]), actor["name"]
        else:
            assert gaz.inside_idf(actor["lat"], actor["lon"]), actor["name"]
            commune = gaz.by_insee(actor["insee_code"])
            assert commune is not None, actor["name"]
            assert actor["departement"] == commune.departement, actor["name"]
            assert actor["mgp"] is commune.mgp, actor["name"]


def test_outside_idf_partners_tagged(actors):
    outside = [a for a in actors if a["outside_idf"]]
    assert outside
    for actor in outside:
        assert "hors-idf" in actor["tags"], actor["name"]


def test_relations_valid(catalogue, relation_rows, actors):
    ids = {a["id"] for a in actors}
    seen = set()
    for row in relation_rows:
        source, target = int(row["source_id"]), int(row["target_id"])
        assert row["type"] in vocab.RELATION_TYPES, row
        assert source in ids and target in ids, row
        assert source != target, row
        key = (source, row["type"], target)
        assert key not in seen, row
        seen.add(key)
    assert len(catalogue.relations()) == len(relation_rows) >= 30


def test_relation_examples(catalogue):
    # GenSight Biologics is hosted by / linked to an Île-de-France structure the note names
    assert catalogue.relations_of(17)
    assert catalogue.relations_of(20)                # Genopole hosts companies
    assert all(r["other_name"] for r in catalogue.relations_of(20))


# Public SIRENs: the i-Lab laureates' list (companies) and the tutelles' SIRETs in the RNSR.
PUBLIC_SIRENS = {
    "Cellectis": "428859052", "Ipsirius": "843629940", "Everzom": "854006681",
    "Evora Biosciences": "882655699", "TreeFrog Therapeutics": "844370320", "Astraveus": "821427465",
    "Inserm": "180036048", "Institut Pasteur": "775684897", "Institut Curie": "784257164",
    "AP-HP": "267500452",
}


def by_name(actors):
    return {a["name"]: a for a in actors}


def test_every_siren_of_the_dataset_valid(rows):
    sirens = [r["siren"] for r in rows if r["siren"]]
    assert len(sirens) >= len(PUBLIC_SIRENS)
    for value in sirens:
        assert stdnum_siren.is_valid(value), value
    assert len(set(sirens)) == len(sirens)          # one legal unit, one row


@pytest.mark.parametrize("name, siren", sorted(PUBLIC_SIRENS.items()))
def test_public_sirens_present(actors, name, siren):
    actor = by_name(actors)[name]
    assert actor["siren"] == siren
    assert "SIREN : " in actor["source"]             # where the number comes from


def test_honing_biosciences_not_given_an_other_firms_siren(actors):
    # The i-Lab list's « Honing CellTune Regulation » (840896310) is not, on any source we
    # have, the note's Honing Biosciences.
    assert by_name(actors)["Honing Biosciences"]["siren"] == ""
    assert all(a["siren"] != "840896310" for a in actors)


def test_evora_keeps_the_notes_spelling_as_alias(catalogue):
    found = catalogue.actor_ids(Filter(text="Evora"))
    assert [catalogue.get_actor(i)["name"] for i in found] == ["Evora Biosciences"]
    assert catalogue.get_actor(42)["aliases"] == ["Evora"]


def test_art_tg_at_corbeil_essonnes(catalogue):
    art = catalogue.get_actor(27)
    commune = gazetteer().by_insee("91174")
    assert (art["name"], art["commune"], art["postcode"], art["insee_code"], art["departement"]) == \
        ("ART-TG", "Corbeil-Essonnes", "91100", "91174", "91")
    assert (art["lat"], art["lon"], art["geo_precision"]) == (commune.lat, commune.lon, "commune")
    assert "201822806R" in art["source"]


def test_campus_funders_and_their_relations(catalogue):
    funders = {a["name"]: a for a in catalogue.actors(Filter(kinds=("funder",)))}
    assert set(funders) == {"Caisse des Dépôts", "OPCO2i", "Région Île-de-France"}
    assert {a["id"] for a in funders.values()} == {50, 51, 52}
    campus = catalogue.get_actor(36)
    assert campus["name"] == "Campus Biotech Digital"
    linked = {(r["type"], r["direction"], r["other_name"]) for r in catalogue.relations_of(36)}
    for name, funder in funders.items():
        assert ("partner_of", "out", name) in linked
        assert "funding" in funder["activities"] and "campus-biotech-digital" in funder["tags"]
        assert "Note rapide" in funder["source"]
    assert funders["Région Île-de-France"]["departement"] == "93"
    assert "a-localiser" in funders["OPCO2i"]["tags"]   # no place the note or a sure source gives


def test_calls_and_their_laureates_in_a_fresh_catalogue(catalogue):
    calls = {c["name"]: c for c in catalogue.calls(include_archived=False)}   # what the tab shows
    grand_defi = calls["Grand Défi « Biomédicaments » : labellisation des intégrateurs industriels"]
    training = calls["Ingénierie de formations professionnelles et continues d'offres innovantes"]
    assert len(calls) == 2
    for call in (grand_defi, training):
        assert call["state"] == "closed"
        assert call["opens"] == call["closes"] == ""    # the note dates neither
        assert call["funder"] and "Source : Note rapide" in call["description"]
    assert "Caisse des Dépôts" in training["funder"]
    assert grand_defi["url"].startswith("https://www.gouvernement.fr/")
    shortlists = {name: {(e["name"], e["status"]) for e in catalogue.shortlist(call["id"])}
                  for name, call in calls.items()}
    assert shortlists[grand_defi["name"]] == {("Magenta", "selected"), ("Centre Meary", "selected")}
    assert shortlists[training["name"]] == {("Campus Biotech Digital", "selected")}
    assert [c["call"] for c in catalogue.calls_of_actor(25)] == [grand_defi["name"]]
    assert catalogue.undo() is None                   # part of the unrecorded load


def test_call_files_well_formed():
    calls = read_csv(paths.dataset_dir() / "calls.csv")
    entries = read_csv(paths.dataset_dir() / "call_entries.csv")
    actor_ids = {int(r["id"]) for r in read_csv(paths.dataset_dir() / "actors.csv")}
    assert [int(c["id"]) for c in calls] == list(range(1, len(calls) + 1))
    for call in calls:
        assert None not in call and call["state"] in vocab.CALL_STATES and call["source"], call["id"]
    for entry in entries:
        assert int(entry["call_id"]) in {int(c["id"]) for c in calls}, entry
        assert int(entry["actor_id"]) in actor_ids, entry
        assert entry["status"] in vocab.SHORTLIST_STATUSES, entry


def test_a_gap_in_the_ids_is_refused(tmp_path):
    directory = tmp_path / "dataset"
    shutil.copytree(paths.dataset_dir(), directory)
    relations = (directory / "relations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    del relations[1]                                  # relation 1 gone: 2 would be stored as 1
    (directory / "relations.csv").write_text("".join(relations), encoding="utf-8")
    cat = Catalogue.create(tmp_path / "c.sqlite", seed=False)
    with pytest.raises(ValueError):
        load_bundled_dataset(cat, directory)
    assert cat.total() == 0                           # one transaction: nothing half-loaded
    cat.close()


def _dump(path):
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_catalogue_made_from_an_older_dataset_is_not_changed_on_open(tmp_path):
    """Creating a catalogue takes the current dataset; opening one made from the previous
    version (49 actors, ART-TG at Évry, no SIREN, no calls) leaves every byte of its data."""
    old = tmp_path / "dataset-2021.1"
    shutil.copytree(paths.dataset_dir(), old)
    (old / "VERSION").write_text("2021.1\n", encoding="utf-8")
    (old / "calls.csv").unlink()
    (old / "call_entries.csv").unlink()
    with open(old / "actors.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, actor_rows = reader.fieldnames, [r for r in reader if int(r["id"]) <= 49]
    for row in actor_rows:
        row["siren"] = ""
        if row["name"] == "ART-TG":
            row.update(commune="Évry-Courcouronnes", insee_code="91228", postcode="")
    with open(old / "actors.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(actor_rows)
    relations = [r for r in read_csv(old / "relations.csv") if int(r["id"]) <= 42]
    with open(old / "relations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(relations[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(relations)

    path = tmp_path / "old.sqlite"
    cat = Catalogue.create(path, seed=False)
    load_bundled_dataset(cat, old)
    cat.close()
    before = _dump(path)

    cat = Catalogue.open(path)
    assert cat.meta("dataset_version") == "2021.1"
    assert cat.total() == 49 and cat.calls() == []
    assert cat.get_actor(27)["commune"] == "Évry-Courcouronnes"
    assert cat.get_actor(15)["siren"] == ""
    cat.close()
    assert _dump(path) == before

    fresh = Catalogue.create(tmp_path / "new.sqlite")
    assert fresh.meta("dataset_version") == dataset_version() != "2021.1"
    assert fresh.total() == len(read_csv(paths.dataset_dir() / "actors.csv")) == 52
    assert fresh.get_actor(27)["commune"] == "Corbeil-Essonnes" and len(fresh.calls()) == 2
    fresh.close()
