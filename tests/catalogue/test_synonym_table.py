"""A catalogue's synonyms table (migration 8): seeded from the bundled CSV, read by the
search at once after an edit, each edit checked and undoable."""
from __future__ import annotations

import pytest

from eco_desktop import db
from eco_desktop.catalogue import Catalogue
from eco_desktop.catalogue.synonyms import bundled_synonyms
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter


def _names(cat, text):
    return {cat.get_actor(actor_id)["name"] for actor_id in cat.actor_ids(Filter(text=text))}


def _table(cat):
    return [(row["term"], row["means"], row["note"]) for row in cat.synonyms()]


def test_a_new_catalogue_has_the_bundled_table(empty_catalogue):
    assert _table(empty_catalogue) == [(r.term, r.means, r.note) for r in bundled_synonyms().rows]
    assert [row["position"] for row in empty_catalogue.synonyms()] == list(range(1, len(bundled_synonyms().rows) + 1))


def test_migration_8_seeds_an_existing_version_7_catalogue(tmp_path):
    path = tmp_path / "v7.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=7)
    conn.execute("INSERT INTO actors (id, name, kind, created_at, updated_at) "
                 "VALUES (7, 'Usine à façon', 'bioproduction', '2020-01-01', '2020-01-01')")
    facets = "bioproduction bioproduction cdmo site de production"
    conn.execute("INSERT INTO actors_fts (rowid, names, body, facets, stems) VALUES (7, 'usine a facon', "
                 "'usine a facon', ?, eco_stems('usine a facon ' || ?))", (facets, facets))
    conn.commit()
    conn.close()
    with Catalogue.open(path) as cat:
        assert cat.schema_version() >= 8
        assert ("CDMO", "kind:bioproduction", "issue 18 (façonnier de biomédicaments)") in _table(cat)
        assert len(cat.synonyms()) == len(bundled_synonyms().rows)
        assert cat.actor_ids(Filter(text="façonnier")) == [7]


def test_an_added_synonym_widens_the_search_at_once_and_undoes(catalogue):
    assert _names(catalogue, "lentivirus") == set()
    synonym_id = catalogue.add_synonym("lentivirus", "domain:gene_therapy", "usage du domaine")
    assert {"Cellectis", "Yposkesi"} <= _names(catalogue, "lentivirus")
    assert catalogue.undo_label() == "Ajouter le synonyme « lentivirus »"
    catalogue.undo()
    assert _names(catalogue, "lentivirus") == set()
    assert synonym_id not in [row["id"] for row in catalogue.synonyms()]
    catalogue.redo()
    assert "Cellectis" in _names(catalogue, "lentivirus")
    assert "lentivirus" in [s.candidate.text for s in catalogue.suggestions("lentivirs")]


def test_an_edited_or_deleted_synonym_changes_the_search(catalogue):
    cdmo = next(row["id"] for row in catalogue.synonyms() if row["term"] == "façonnier")
    assert "Novasep" in _names(catalogue, "façonnier")
    assert catalogue.set_synonym(cdmo, means="domain:vaccines")
    assert "Novasep" not in _names(catalogue, "façonnier")
    assert catalogue.set_synonym(cdmo, means="domain:vaccines") is False   # nothing changed
    catalogue.undo()
    assert "Novasep" in _names(catalogue, "façonnier")
    catalogue.delete_synonym(cdmo)
    assert "Novasep" not in _names(catalogue, "façonnier")
    assert catalogue.undo_label() == "Supprimer le synonyme « façonnier »"
    catalogue.undo()
    assert "Novasep" in _names(catalogue, "façonnier")


def test_a_phrase_synonym(catalogue):
    catalogue.add_synonym("ARNm", "vaccins à ARN")
    catalogue.update_actor(catalogue.actor_ids(Filter(text="Cellectis"))[0], {"description": "Des vaccins à ARN."})
    assert "Cellectis" in _names(catalogue, "arnm")


@pytest.mark.parametrize("term, means, message", [
    ("  ", "kind:pharma", "ne peut pas être vide"),
    ("— ;", "kind:pharma", "terme vide"),
    ("AAV", "", "Dites ce que « AAV » signifie"),
    ("AAV", " — ", "ne dit pas ce qu'il signifie"),
    ("Vecteurs viraux", "vecteur viral", "se signifie lui-même"),
    ("Vaccin", "domain:vaccines", "est le libellé de la valeur"),
    ("CDMO", "kind:cdmo", "n'est pas une valeur du vocabulaire"),
    ("CDMO", "planet:mars", "vocabulaire:slug"),
    ("cdmo", "kind:bioproduction", "en double"),
])
def test_a_synonym_the_search_could_not_use_is_refused(catalogue, term, means, message):
    before = catalogue.synonyms()
    with pytest.raises(UserError, match=message):
        catalogue.add_synonym(term, means)
    assert catalogue.synonyms() == before


def test_a_row_may_be_edited_into_itself_but_not_into_another(catalogue):
    rows = {row["term"]: row["id"] for row in catalogue.synonyms()}
    assert catalogue.set_synonym(rows["CMO"], note="autre note")
    with pytest.raises(UserError, match="en double"):
        catalogue.set_synonym(rows["CMO"], term="CDMO")
    with pytest.raises(UserError, match="n'existe plus"):
        catalogue.set_synonym(10**6, term="x")


def test_a_custom_vocabulary_value_may_be_meant(catalogue):
    slug = catalogue.add_vocab_entry("domain", "Thérapies à ARN")
    catalogue.add_synonym("ARNm", f"domain:{slug}")
    actor_id = catalogue.create_actor({"name": "Messager SA", "kind": "biotech", "domains": [slug]})
    assert catalogue.actor_ids(Filter(text="arnm")) == [actor_id]


def test_a_row_written_elsewhere_that_cannot_be_used_is_left_out(catalogue):
    catalogue.conn.execute("INSERT INTO synonyms (term, means) VALUES ('XYZ', 'kind:nowhere')")
    catalogue.conn.commit()
    assert "Novasep" in _names(catalogue, "CDMO")
    assert _names(catalogue, "XYZ") == set()
