"""The full-text rows the catalogue derives from an actor (issue 18): its name and aliases,
its text, its vocabulary labels, places and calls, and their stems — kept in step when a
label or a call is renamed, and after an undo."""
from __future__ import annotations

from eco_desktop.catalogue.stemming import stems_of_body


def _row(cat, actor_id):
    return cat.conn.execute("SELECT names, body, facets, stems FROM actors_fts WHERE rowid = ?",
                            (actor_id,)).fetchone()


def test_row_holds_everything_an_actor_is(empty_catalogue):
    cat = empty_catalogue
    actor_id = cat.create_actor({"name": "Vectalys", "aliases": ["Flash Therapeutics"], "kind": "biotech",
                                 "domains": ["gene_therapy"], "activities": ["preclinical"],
                                 "naf": "72.11Z", "departement": "92", "ept": "200057982",
                                 "description": "Vecteurs lentiviraux."})
    names, body, facets, stems = _row(cat, actor_id)
    assert names == "vectalys flash therapeutics"
    assert "vecteurs lentiviraux" in body
    for words in ("biotech", "gene therapy", "therapie genique", "preclinical", "72 11z", "92 hauts de seine",
                  "paris ouest la defense"):
        assert words in facets, words
    assert stems == stems_of_body(f"{body} {facets}")


def test_renamed_label_is_searchable_and_undone(empty_catalogue):
    cat = empty_catalogue
    actor_id = cat.create_actor({"name": "Acteur", "kind": "biotech", "domains": ["gene_therapy"]})
    cat.set_vocab_entry("domain", "gene_therapy", label="Transfert de gènes")
    assert "transfert de genes" in _row(cat, actor_id)[2]
    assert "therapie genique" not in _row(cat, actor_id)[2]
    cat.set_vocab_entry("kind", "biotech", label="Jeune pousse")
    assert "jeune pousse" in _row(cat, actor_id)[2]
    cat.undo()
    cat.undo()
    assert "therapie genique" in _row(cat, actor_id)[2]


def test_a_renamed_label_remakes_the_facets_of_its_actors_only(catalogue):
    """Set-based (Derived.refresh_labels): every row of the value's actors as the catalogue
    writes them (the check compares all columns), the others untouched, the index kept."""
    from eco_desktop import check
    from eco_desktop.filter import Filter
    having = set(catalogue.actor_ids(Filter(activities=("preclinical",))))
    others = {i: _row(catalogue, i) for i in catalogue.actor_ids() if i not in having}
    index = catalogue.index()
    catalogue.set_vocab_entry("activity", "preclinical", label="Études précliniques sous contrat")
    assert set(catalogue.actor_ids(Filter(text="études précliniques"))) == having
    assert all(_row(catalogue, i) == row for i, row in others.items())
    assert catalogue.index() is index
    assert check.check(catalogue.path).ok
    catalogue.undo()
    assert catalogue.actor_ids(Filter(text="études précliniques")) == []
    assert check.check(catalogue.path).ok


def test_call_names_follow_entries_and_renames(empty_catalogue):
    cat = empty_catalogue
    actor_id = cat.create_actor({"name": "Acteur", "kind": "biotech"})
    call_id = cat.create_call("i-Nov vague 12")
    cat.add_to_call(call_id, [actor_id])
    assert "i nov vague 12" in _row(cat, actor_id)[2]
    cat.update_call(call_id, {"name": "France 2030 Biothérapies"})
    assert "france 2030 biotherapies" in _row(cat, actor_id)[2]
    cat.remove_from_call(call_id, [actor_id])
    assert "france 2030" not in _row(cat, actor_id)[2]


def test_many_actors_refreshed_at_once_get_the_rows_one_by_one_would(empty_catalogue):
    """Above BULK_REBUILD_THRESHOLD actors, Derived.refresh remakes the rows set-based
    (a big pull, an edit of thousands): the check, which recomputes each row as one
    actor's write makes it, finds them all as they should be, contacts' names included."""
    from eco_desktop import check
    from eco_desktop.catalogue.derived import BULK_REBUILD_THRESHOLD
    from eco_desktop.filter import Filter
    cat = empty_catalogue
    n = BULK_REBUILD_THRESHOLD + 300
    ids = cat.bulk_create_actors(({"name": f"Acteur {i}", "kind": "biotech", "tags": [f"t{i % 7}"],
                                   "domains": ["gene_therapy"] if i % 2 else []} for i in range(n)),
                                 label="Création")
    cat.add_contact(ids[5], {"first_name": "Jeanne", "last_name": "Durandière"})
    cat.bulk_update(ids, set_values={"description": "Vecteurs lentiviraux"}, add={"tags": ["lot"]})
    assert len(cat.actor_ids(Filter(text="lentiviraux"))) == n
    assert len(cat.actor_ids(Filter(tags=("lot",)))) == n
    assert cat.actor_ids(Filter(text="durandiere")) == [ids[5]]
    assert check.check(cat.path).ok
    cat.undo()
    assert cat.actor_ids(Filter(text="lentiviraux")) == []
    assert check.check(cat.path).ok
