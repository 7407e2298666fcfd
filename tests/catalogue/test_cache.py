"""The Catalogue API: CRUD, derived geography, trash, history and undo/redo."""
from __future__ import annotations

import json
import sqlite3

import pytest

from eco_desktop.errors import ReadOnlyCatalogue, UserError
from eco_desktop.filter import Filter
from eco_desktop.catalogue import ACTOR_FIELDS, Catalogue, facet_value_rows

CELLECTIS, GENOPOLE = 15, 20


def _snapshot(cat: Catalogue) -> dict[str, list[dict]]:
    """Every data table's rows (what undo must restore exactly)."""
    out = {}
    for tbl in ("actors", "contacts", "relations", "exchanges", "vocabulary", "saved_views"):
        out[tbl] = [dict(r) for r in cat.conn.execute(f"SELECT * FROM [{tbl}] ORDER BY id")]
    return out


def _traced(cat: Catalogue, action) -> tuple:
    """(what ``action()`` returns, the SQL statements it ran)."""
    statements: list[str] = []
    cat.conn.set_trace_callback(statements.append)
    try:
        return action(), statements
    finally:
        cat.conn.set_trace_callback(None)


def _new_actor(cat: Catalogue, **fields) -> int:
    return cat.create_actor({"name": "Exemple Bio", "kind": "biotech", **fields})


# ---------------------------------------------------------------- actors
def test_create_and_read_actor(empty_catalogue):
    cat = empty_catalogue
    actor_id = _new_actor(cat, aliases="Ex; Exemple ;Ex", domains=["gene_therapy"], tags=["a", "b"],
                          description="Thérapie génique", founded="2015", website="https://ex.fr")
    actor = cat.get_actor(actor_id)
    assert set(ACTOR_FIELDS) <= set(actor)
    assert actor["name"] == "Exemple Bio"
    assert actor["aliases"] == ["Ex", "Exemple"]          # split, stripped, de-duplicated
    assert actor["domains"] == ["gene_therapy"]
    assert actor["tags"] == ["a", "b"]
    assert actor["founded"] == 2015
    assert actor["mgp"] is False and actor["outside_idf"] is False
    assert actor["status"] == "active"
    assert actor["created_at"] and actor["updated_at"]
    assert actor["deleted_at"] is None
    assert cat.total() == 1
    assert cat.actor_ids() == [actor_id]


@pytest.mark.parametrize("data, message", [
    ({"name": "", "kind": "biotech"}, "nom"),
    ({"name": "X", "kind": "nope"}, "Type d'acteur inconnu"),
    ({"name": "X", "kind": "biotech", "colour": "red"}, "Champ inconnu"),
])
def test_create_actor_refuses_bad_data(empty_catalogue, data, message):
    with pytest.raises(UserError, match=message):
        empty_catalogue.create_actor(data)
    assert empty_catalogue.total() == 0


def test_update_actor(catalogue):
    assert catalogue.update_actor(CELLECTIS, {"description": "Nouvelle description", "tags": ["x"]})
    actor = catalogue.get_actor(CELLECTIS)
    assert actor["description"] == "Nouvelle description"
    assert actor["tags"] == ["x"]
    # no change: nothing written, no history entry
    batches = len(catalogue.history())
    assert catalogue.update_actor(CELLECTIS, {"description": "Nouvelle description"}) is False
    assert len(catalogue.history()) == batches
    with pytest.raises(UserError):
        catalogue.update_actor(99999, {"name": "X"})


def test_derived_geography_evry(empty_catalogue):
    actor = empty_catalogue.get_actor(_new_actor(empty_catalogue, commune="EVRY COURCOURONNES"))
    assert actor["insee_code"] == "91228"
    assert actor["commune"] == "Évry-Courcouronnes"
    assert actor["departement"] == "91"
    assert actor["epci"] == "200059228"
    assert actor["mgp"] is False
    assert actor["outside_idf"] is False
    assert actor["geo_precision"] == "commune"
    assert actor["lat"] == pytest.approx(48.627, abs=0.01)
    assert actor["lon"] == pytest.approx(2.430, abs=0.01)


def test_derived_geography_paris_arrondissement(empty_catalogue):
    actor = empty_catalogue.get_actor(_new_actor(empty_catalogue, commune="PARIS", postcode="75013"))
    assert actor["insee_code"] == "75113"
    assert actor["departement"] == "75"
    assert actor["mgp"] is True
    assert actor["geo_precision"] == "commune"
    assert actor["lat"] is not None and actor["lon"] is not None


def test_geography_follows_a_commune_change(catalogue):
    catalogue.update_actor(CELLECTIS, {"commune": "Gif sur Yvette", "postcode": ""})
    actor = catalogue.get_actor(CELLECTIS)
    assert actor["insee_code"] == "91272"
    assert actor["departement"] == "91"
    assert actor["mgp"] is False


def test_duplicate_actor(catalogue):
    copy_id = catalogue.duplicate_actor(CELLECTIS)
    copy = catalogue.get_actor(copy_id)
    assert copy["name"] == "Cellectis (copie)"
    assert copy["kind"] == catalogue.get_actor(CELLECTIS)["kind"]


# ---------------------------------------------------------------- contacts, relations, exchanges
def test_contact_crud(catalogue):
    cid = catalogue.add_contact(CELLECTIS, {"first_name": "Marie", "last_name": "Curie",
                                            "email": "marie@exemple.fr", "legal_basis": "consent"})
    contact = catalogue.get_contact(cid)
    assert contact["actor_id"] == CELLECTIS and contact["usable"] is True and contact["opt_out"] is False
    assert [c["id"] for c in catalogue.contacts(CELLECTIS)] == [cid]
    assert catalogue.update_contact(cid, {"opt_out": True})
    assert catalogue.get_contact(cid)["usable"] is False
    assert catalogue.contacts(CELLECTIS, usable_only=True) == []
    catalogue.delete_contact(cid)
    assert catalogue.get_contact(cid) is None
    with pytest.raises(UserError):
        catalogue.add_contact(CELLECTIS, {"role": "sans nom"})
    with pytest.raises(UserError):
        catalogue.add_contact(CELLECTIS, {"last_name": "X", "legal_basis": "whim"})
    with pytest.raises(UserError):
        catalogue.add_contact(99999, {"last_name": "X"})


def test_relation_crud(catalogue):
    rid = catalogue.add_relation(CELLECTIS, "partner_of", GENOPOLE, "note")
    seen = {r["id"]: r for r in catalogue.relations_of(CELLECTIS)}
    assert seen[rid]["direction"] == "out" and seen[rid]["other_id"] == GENOPOLE
    assert seen[rid]["other_name"] == "Genopole"
    back = {r["id"]: r for r in catalogue.relations_of(GENOPOLE)}
    assert back[rid]["direction"] == "in" and back[rid]["other_id"] == CELLECTIS
    with pytest.raises(UserError, match="existe déjà"):
        catalogue.add_relation(CELLECTIS, "partner_of", GENOPOLE)
    with pytest.raises(UserError):
        catalogue.add_relation(CELLECTIS, "friend_of", GENOPOLE)
    with pytest.raises(UserError):
        catalogue.add_relation(CELLECTIS, "partner_of", CELLECTIS)
    with pytest.raises(UserError):
        catalogue.add_relation(CELLECTIS, "partner_of", 99999)
    catalogue.delete_relation(rid)
    assert rid not in {r["id"] for r in catalogue.relations()}


def test_exchange_crud(catalogue):
    eid = catalogue.add_exchange(CELLECTIS, date="2024-03-01", kind="meeting", text="Visite", author="moi")
    later = catalogue.add_exchange(CELLECTIS, date="2024-05-01", kind="email", text="Suite")
    assert [e["id"] for e in catalogue.exchanges(CELLECTIS)] == [later, eid]   # newest first
    assert catalogue.exchanges(CELLECTIS)[1]["author"] == "moi"
    with pytest.raises(UserError):
        catalogue.add_exchange(CELLECTIS, date="01/03/2024", kind="meeting", text="")
    with pytest.raises(UserError):
        catalogue.add_exchange(CELLECTIS, date="2024-03-01", kind="telepathy", text="")
    catalogue.delete_exchange(eid)
    assert [e["id"] for e in catalogue.exchanges(CELLECTIS)] == [later]


def test_saved_views(catalogue):
    flt = Filter(kinds=("biotech",), text="gen")
    vid = catalogue.save_view("Biotechs", flt)
    assert catalogue.saved_views() == [{"id": vid, "name": "Biotechs", "filter": flt}]
    # same name (any case) overwrites
    assert catalogue.save_view("biotechs", Filter(mgp=True)) == vid
    assert catalogue.saved_views()[0]["filter"] == Filter(mgp=True)
    other = catalogue.save_view("Autre", Filter())
    with pytest.raises(UserError):
        catalogue.rename_view(other, "BIOTECHS")
    catalogue.rename_view(other, "Renommée")
    assert {v["name"] for v in catalogue.saved_views()} == {"Biotechs", "Renommée"}
    catalogue.delete_view(vid)
    assert [v["name"] for v in catalogue.saved_views()] == ["Renommée"]
    with pytest.raises(UserError):
        catalogue.save_view("  ", Filter())


def test_vocabulary(catalogue):
    assert catalogue.vocabulary("kind")["biotech"] == "Entreprise de biothérapie"
    slug = catalogue.add_vocab_entry("domain", "ARN messager")
    assert slug == "arn_messager"
    assert catalogue.vocabulary("domain")[slug] == "ARN messager"
    with pytest.raises(UserError):
        catalogue.add_vocab_entry("domain", "ARN messager")
    catalogue.set_vocab_entry("domain", slug, label="ARNm", hidden=True)
    assert catalogue.vocabulary("domain")[slug] == "ARNm"
    assert slug not in catalogue.vocabulary("domain", include_hidden=False)
    catalogue.set_vocab_entry("kind", "biotech", color="#000000")
    assert catalogue.kind_colors()["biotech"] == "#000000"
    assert catalogue.kinds()["biotech"] == ("Entreprise de biothérapie", "#000000")
    with pytest.raises(UserError):
        catalogue.set_vocab_entry("domain", slug, label=" ")
    with pytest.raises(UserError):
        catalogue.add_vocab_entry("colour", "Rouge")


def test_rename_tag(catalogue):
    carriers = catalogue.actor_ids(Filter(tags=("genopole",)))
    assert catalogue.rename_tag("genopole", "evry") == len(carriers)
    assert catalogue.actor_ids(Filter(tags=("genopole",))) == []
    assert sorted(catalogue.actor_ids(Filter(tags=("evry",)))) == sorted(carriers)
    assert "genopole" not in catalogue.all_tags()


# ---------------------------------------------------------------- trash
def test_trash_restore_purge(catalogue):
    rel_ids = {r["id"] for r in catalogue.relations() if GENOPOLE in (r["source_id"], r["target_id"])}
    assert rel_ids
    total = catalogue.total()
    assert catalogue.delete_actors([GENOPOLE]) == 1
    assert catalogue.total() == total - 1
    assert GENOPOLE not in catalogue.actor_ids()
    assert catalogue.actor_ids(Filter(only_deleted=True)) == [GENOPOLE]
    assert catalogue.get_actor(GENOPOLE)["deleted_at"]
    assert not rel_ids & {r["id"] for r in catalogue.relations()}               # hidden
    assert rel_ids <= {r["id"] for r in catalogue.relations(include_deleted=True)}
    partner = next(r for r in catalogue.relations(include_deleted=True) if r["id"] in rel_ids)
    other = partner["target_id"] if partner["source_id"] == GENOPOLE else partner["source_id"]
    assert GENOPOLE not in {r["other_id"] for r in catalogue.relations_of(other)}
    assert catalogue.restore_actors([GENOPOLE]) == 1
    assert catalogue.total() == total
    assert rel_ids <= {r["id"] for r in catalogue.relations()}                  # back
    catalogue.add_contact(GENOPOLE, {"last_name": "Dupont"})
    catalogue.delete_actors([GENOPOLE])
    assert catalogue.empty_trash() == 1
    assert catalogue.get_actor(GENOPOLE) is None
    assert not rel_ids & {r["id"] for r in catalogue.relations(include_deleted=True)}
    assert catalogue.contacts(GENOPOLE) == []


# ---------------------------------------------------------------- history and undo/redo
WRITES = {
    "create_actor": lambda c: _new_actor(c, commune="Évry-Courcouronnes"),
    "update_actor": lambda c: c.update_actor(CELLECTIS, {"name": "Cellectis SA", "commune": "Paris 13e"}),
    "bulk_update": lambda c: c.bulk_update([CELLECTIS, GENOPOLE, 17], set_values={"status": "closed"},
                                           add={"tags": ["suivi"]}),
    "delete_actors": lambda c: c.delete_actors([CELLECTIS, GENOPOLE]),
    "purge_actors": lambda c: c.purge_actors([GENOPOLE]),
    "duplicate_actor": lambda c: c.duplicate_actor(CELLECTIS),
    "add_contact": lambda c: c.add_contact(CELLECTIS, {"last_name": "Dupont", "legal_basis": "consent"}),
    "add_relation": lambda c: c.add_relation(CELLECTIS, "partner_of", GENOPOLE),
    "delete_relation": lambda c: c.delete_relation(c.relations()[0]["id"]),
    "add_exchange": lambda c: c.add_exchange(CELLECTIS, date="2024-01-02", kind="call", text="x"),
    "save_view": lambda c: c.save_view("Vue", Filter(kinds=("biotech",))),
    "add_vocab_entry": lambda c: c.add_vocab_entry("domain", "ARN messager"),
    "set_vocab_entry": lambda c: c.set_vocab_entry("kind", "biotech", label="Biotech"),
    "rename_tag": lambda c: c.rename_tag("genopole", "evry"),
    "merge_actors": lambda c: c.merge_actors(CELLECTIS, 17),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_undo_redo_each_write(catalogue, name):
    before = _snapshot(catalogue)
    ids_before = catalogue.actor_ids()
    WRITES[name](catalogue)
    after = _snapshot(catalogue)
    ids_after = catalogue.actor_ids()
    assert after != before
    assert catalogue.undo_label()
    label = catalogue.undo()
    assert label
    assert _snapshot(catalogue) == before
    assert catalogue.actor_ids() == ids_before
    assert catalogue.redo_label() == label
    assert catalogue.redo() == label
    assert _snapshot(catalogue) == after
    assert catalogue.actor_ids() == ids_after
    assert catalogue.undo() == label
    assert _snapshot(catalogue) == before


def test_bulk_update_is_one_undo_step(catalogue):
    ids = catalogue.actor_ids(Filter(kinds=("biotech",)))
    before = _snapshot(catalogue)
    assert catalogue.bulk_update(ids, add={"tags": ["appel-2024"]}, remove={"tags": ["saclay"]}) == len(ids)
    assert catalogue.actor_ids(Filter(tags=("appel-2024",))) == ids
    assert len([h for h in catalogue.history() if not h["undone"]]) == 1
    catalogue.undo()
    assert _snapshot(catalogue) == before
    assert catalogue.actor_ids(Filter(tags=("appel-2024",))) == []
    assert catalogue.undo() is None            # the dataset load is not undoable



def test_bulk_create_writes_what_create_actor_writes(catalogue, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_CHUNK", 2)  # several chunks
    rows = [
        {"name": "Alpha Bio", "kind": "biotech", "domains": ["gene_therapy", "cell_therapy"],
         "tags": ["AAP 2025", 'guillemet "x"'], "aliases": ["Alpha"], "commune": "Évry-Courcouronnes"},
        {"name": "Bêta Thérapies", "kind": "biotech", "activities": ["research"],
         "lat": 48.12345678901234, "lon": 2.3333333333333335, "geo_precision": "address",
         "description": "ligne 1\nligne 2 \\ fin", "founded": 2012, "mgp": True},
        {"name": "Gamma", "kind": "pharma", "postcode": "75013"},
    ]
    before = _snapshot(catalogue)
    ids = catalogue.bulk_create_actors(rows, label="Import de test")
    after = _snapshot(catalogue)

    def images():
        return {c["row_id"]: c["after"] and json.loads(c["after"]) for c in catalogue.conn.execute(
            "SELECT row_id, after FROM history_changes WHERE row_id IN (?, ?, ?) AND tbl = 'actors' "
            "AND action = 'insert'", ids)}

    assert images() == dict.fromkeys(ids)  # taken when undone
    for actor_id in ids:
        row = dict(catalogue.conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone())
        facet_rows = sorted(tuple(r) for r in catalogue.conn.execute(
            "SELECT facet, value, actor_id FROM actor_values WHERE actor_id = ?", (actor_id,)))
        assert facet_rows == sorted(facet_value_rows(row))
    alpha = catalogue.get_actor(ids[0])
    assert alpha["tags"] == ["AAP 2025", 'guillemet "x"'] and alpha["departement"] == "91"
    assert catalogue.get_actor(ids[1])["lat"] == 48.12345678901234
    assert catalogue.actor_ids(Filter(text="beta therapies")) == [ids[1]]
    assert catalogue.actor_ids(Filter(tags=("AAP 2025",))) == [ids[0]]
    assert catalogue.undo() == "Import de test"
    assert _snapshot(catalogue) == before
    assert images() == {row["id"]: row for row in after["actors"] if row["id"] in ids}  # floats exact
    assert catalogue.redo() == "Import de test"
    assert _snapshot(catalogue) == after
    assert catalogue.actor_ids(Filter(text="beta therapies")) == [ids[1]]
    assert catalogue.undo() == "Import de test" and _snapshot(catalogue) == before


def test_new_action_clears_redo(catalogue):
    catalogue.update_actor(CELLECTIS, {"description": "un"})
    catalogue.undo()
    assert catalogue.redo_label()
    catalogue.update_actor(CELLECTIS, {"description": "deux"})
    assert catalogue.redo_label() is None
    assert catalogue.redo() is None
    assert catalogue.undo()
    assert catalogue.undo() is None


def test_several_undos_then_redos_in_order(catalogue):
    for text in ("un", "deux", "trois"):
        catalogue.update_actor(CELLECTIS, {"description": text})
    catalogue.undo()
    catalogue.undo()
    assert catalogue.get_actor(CELLECTIS)["description"] == "un"
    catalogue.redo()
    assert catalogue.get_actor(CELLECTIS)["description"] == "deux"
    catalogue.redo()
    assert catalogue.get_actor(CELLECTIS)["description"] == "trois"
    assert catalogue.redo() is None


def test_merge_actors(catalogue):
    other = 17  # GenSight Biologics
    contact = catalogue.add_contact(other, {"last_name": "Martin"})
    exchange = catalogue.add_exchange(other, date="2024-02-02", kind="note", text="x")
    rel = catalogue.add_relation(other, "partner_of", GENOPOLE)
    before = _snapshot(catalogue)
    catalogue.merge_actors(CELLECTIS, other)
    assert catalogue.get_contact(contact)["actor_id"] == CELLECTIS
    assert [e["id"] for e in catalogue.exchanges(CELLECTIS)] == [exchange]
    moved = next(r for r in catalogue.relations() if r["id"] == rel)
    assert moved["source_id"] == CELLECTIS
    assert "GenSight Biologics" in catalogue.get_actor(CELLECTIS)["aliases"]
    assert catalogue.get_actor(other)["deleted_at"]
    assert catalogue.actor_ids(Filter(text="gensight")) == [CELLECTIS]
    assert catalogue.undo() == "Fusionner « GenSight Biologics » dans « Cellectis »"
    assert _snapshot(catalogue) == before
    with pytest.raises(UserError):
        catalogue.merge_actors(CELLECTIS, CELLECTIS)


def test_history_of_one_actor(catalogue):
    catalogue.update_actor(CELLECTIS, {"description": "Nouveau"})
    cid = catalogue.add_contact(CELLECTIS, {"last_name": "Dupont"})
    catalogue.add_relation(GENOPOLE, "hosted_by", CELLECTIS)
    catalogue.update_actor(GENOPOLE, {"description": "Autre"})
    entries = catalogue.history(actor_id=CELLECTIS)
    assert [(e["table"], e["action"]) for e in entries] == [
        ("relations", "insert"), ("contacts", "insert"), ("actors", "update")]
    assert entries[2]["fields"] == ["description"]
    assert entries[2]["before"]["description"] != "Nouveau" and entries[2]["after"]["description"] == "Nouveau"
    assert entries[1]["after"]["id"] == cid
    for entry in entries:
        assert entry["at"] and entry["user"] and entry["label"] and entry["undone"] is False
    catalogue.undo()  # Genopole's update
    assert catalogue.history(actor_id=CELLECTIS)[0]["undone"] is False
    catalogue.undo()  # the relation
    assert catalogue.history(actor_id=CELLECTIS)[0]["undone"] is True
    general = catalogue.history()
    assert general[0]["label"].startswith("Modifier")


# ---------------------------------------------------------------- read-only, transactions
def test_read_only_refuses_writes(catalogue_path):
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        assert cat.read_only
        assert cat.get_actor(CELLECTIS)["name"] == "Cellectis"
        for write in (lambda: cat.update_actor(CELLECTIS, {"description": "x"}),
                      lambda: _new_actor(cat),
                      lambda: cat.delete_actors([CELLECTIS]),
                      lambda: cat.add_contact(CELLECTIS, {"last_name": "X"}),
                      lambda: cat.set_meta("k", "v")):
            with pytest.raises(ReadOnlyCatalogue, match="lecture seule"):
                write()
        assert cat.get_actor(CELLECTIS)["description"] != "x"


def test_failure_inside_transaction_leaves_nothing(catalogue):
    before = _snapshot(catalogue)
    history = catalogue.history()
    ids = catalogue.actor_ids()
    with pytest.raises(RuntimeError):
        with catalogue.transaction("Lot"):
            catalogue.update_actor(CELLECTIS, {"description": "x"})
            _new_actor(catalogue)
            catalogue.add_contact(GENOPOLE, {"last_name": "X"})
            raise RuntimeError("boom")
    assert _snapshot(catalogue) == before
    assert catalogue.history() == history
    assert catalogue.actor_ids() == ids
    assert catalogue.actor_ids(Filter(text="exemple")) == []
    # still usable afterwards
    catalogue.update_actor(CELLECTIS, {"description": "y"})
    assert catalogue.get_actor(CELLECTIS)["description"] == "y"


def test_sqlite_failure_inside_transaction_is_a_user_error(catalogue):
    before = _snapshot(catalogue)
    with pytest.raises(UserError):
        with catalogue.transaction("Lot"):
            catalogue.update_actor(CELLECTIS, {"description": "x"})
            catalogue.conn.execute("INSERT INTO actors (name, kind) VALUES ('', 'biotech')")
    assert _snapshot(catalogue) == before


def test_nested_transaction_is_one_history_entry(catalogue):
    with catalogue.transaction("Deux modifications"):
        catalogue.update_actor(CELLECTIS, {"description": "x"})
        catalogue.update_actor(GENOPOLE, {"description": "y"})
    assert catalogue.undo_label() == "Deux modifications"
    catalogue.undo()
    assert catalogue.get_actor(CELLECTIS)["description"] != "x"
    assert catalogue.get_actor(GENOPOLE)["description"] != "y"


def test_listeners_notified_after_commit(catalogue):
    calls = []
    catalogue.listeners.append(lambda label, undoable: calls.append((label, undoable)))
    catalogue.update_actor(CELLECTIS, {"description": "x"})
    assert calls == [("Modifier « Cellectis »", True)]
    catalogue.undo()
    assert calls[1] == ("Annuler Modifier « Cellectis »", False)


def test_changes_from_another_connection_are_seen(catalogue):
    assert catalogue.count(Filter(kinds=("biotech",)))
    other = sqlite3.connect(catalogue.path)
    other.execute("UPDATE actors SET kind = 'academic' WHERE kind = 'biotech'")
    other.commit()
    other.close()
    assert catalogue.count(Filter(kinds=("biotech",))) == 0


def test_meta(catalogue):
    assert catalogue.meta("dataset_version") == "2021.2"
    catalogue.set_meta("k", "v")
    assert catalogue.meta("k") == "v"
    assert catalogue.meta("absent", "d") == "d"
    assert json.loads(json.dumps(catalogue.get_actor(CELLECTIS)))  # JSON-serialisable


def test_undo_of_purge_brings_back_search_and_relations(catalogue):
    rels = {r["id"] for r in catalogue.relations() if GENOPOLE in (r["source_id"], r["target_id"])}
    catalogue.add_contact(GENOPOLE, {"last_name": "Lagardère", "legal_basis": "consent"})
    catalogue.purge_actors([GENOPOLE])
    assert GENOPOLE not in catalogue.actor_ids(Filter(text="genopole"))
    assert catalogue.actor_ids(Filter(text="lagardere")) == []
    catalogue.undo()
    assert catalogue.actor_ids(Filter(text="lagardere")) == [GENOPOLE]
    assert GENOPOLE in catalogue.actor_ids(Filter(text="genopole", has_contact=True))
    assert rels <= {r["id"] for r in catalogue.relations()}


@pytest.mark.parametrize("items", [
    [], ["a"], ["thérapie génique", "ARNm"], ['gui"llemet'], ["anti\\slash"], ["tab\there"],
    ["\u2028ligne", "\x7f", "😀"], ["", " "],
])
def test_json_list_is_json_dumps(items):
    from eco_desktop.catalogue import json_list
    assert json_list(items) == json.dumps(items, ensure_ascii=False)


def _indexes(cat: Catalogue) -> list[tuple[str, str]]:
    return sorted(tuple(r) for r in cat.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_bulk_create_into_an_empty_catalogue_builds_the_indexes_again(empty_catalogue, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_CHUNK", 3)
    monkeypatch.setattr(store, "BULK_ROWS", 5)
    cat = empty_catalogue
    indexes = _indexes(cat)
    rows = [{"name": f"Acteur {i}", "kind": "biotech", "postcode": "91000", "siret": ""} for i in range(10)]
    ids = cat.bulk_create_actors(rows, label="Import")
    assert _indexes(cat) == indexes
    assert cat.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    plan = " ".join(r[-1] for r in cat.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM actors WHERE postcode = '91000'"))
    assert "actors_postcode" in plan
    assert cat.actor_ids(Filter(text="acteur 7")) == [ids[7]]


def test_bulk_create_chunks_grow_while_the_thread_writes(empty_catalogue, monkeypatch):
    """A chunk due while the thread still writes the previous one's derived rows is not
    waited for: it grows until the thread is done, and every row ends up written."""
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_CHUNK", 4)
    busy = iter([True] * 5)  # the thread still writing the first five times it is asked
    monkeypatch.setattr(store.Background, "running", lambda self: next(busy, False))
    batches = []
    start = store.Background.__init__

    def spy(self, conn, statements):
        sql, args = statements[0]
        assert sql.startswith("INSERT INTO actors_fts")
        batches.append(len(json.loads(args[-1])))
        start(self, conn, statements)

    monkeypatch.setattr(store.Background, "__init__", spy)
    cat = empty_catalogue
    rows = [{"name": f"Acteur {i}", "kind": "biotech", "domains": ["gene_therapy"],
             "tags": [("lot-a", "lot-b", "lot-c")[i % 3]]} for i in range(30)]
    seen = []
    ids = cat.bulk_create_actors(rows, label="Import", progress=seen.append)
    assert batches == [4, 9, 4, 4, 4, 4, 1]
    assert seen == sorted(seen) and seen[-1] == 30
    assert cat.actor_ids(Filter()) == sorted(ids, key=lambda i: f"acteur {i - ids[0]}")
    assert [cat.actor_ids(Filter(text=f"acteur {i}")) for i in (0, 7, 29)] == [[ids[0]], [ids[7]], [ids[29]]]
    assert len(cat.actor_ids(Filter(domains=("gene_therapy",)))) == 30
    assert len(cat.actor_ids(Filter(tags=("lot-b",)))) == 10
    assert cat.conn.execute("SELECT count(*) FROM history_changes WHERE tbl = 'actors'").fetchone()[0] == 30


def test_bulk_create_with_ids_out_of_order(empty_catalogue, monkeypatch):
    """Ids given out of order in a chunk: the chunk's derived rows are not those of an id range."""
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_CHUNK", 3)
    cat = empty_catalogue
    rows = [{"id": 50, "name": "Cinquante", "kind": "biotech", "tags": ["a"]},
            {"id": 20, "name": "Vingt", "kind": "biotech", "tags": ["a"]},
            {"name": "Sans numéro", "kind": "biotech"},
            {"id": 7, "name": "Sept", "kind": "biotech"}]
    assert cat.bulk_create_actors(rows, label="Import") == [50, 20, 52, 7]
    assert [cat.actor_ids(Filter(text=w)) for w in ("cinquante", "vingt", "numero", "sept")] == \
        [[50], [20], [52], [7]]
    assert cat.actor_ids(Filter(tags=("a",))) == [50, 20]


def test_bulk_create_failure_or_cancel_writes_nothing(empty_catalogue, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    from eco_desktop.catalogue import OperationCancelled
    monkeypatch.setattr(store, "BULK_CHUNK", 2)
    monkeypatch.setattr(store, "BULK_ROWS", 2)
    cat = empty_catalogue
    before, indexes = _snapshot(cat), _indexes(cat)
    rows = [{"name": f"Acteur {i}", "kind": "biotech"} for i in range(8)]
    # The second chunk fails (an id already taken).
    clash = rows[:3] + [{"id": 1, "name": "Doublon", "kind": "biotech"}] + rows[3:]
    with pytest.raises(UserError):
        cat.bulk_create_actors(clash, label="Import")
    assert _snapshot(cat) == before and _indexes(cat) == indexes
    seen = []
    with pytest.raises(OperationCancelled):
        cat.bulk_create_actors(rows, label="Import", progress=seen.append,
                               cancelled=lambda: len(seen) >= 2)
    assert _snapshot(cat) == before and _indexes(cat) == indexes
    assert cat.undo_label() is None



def test_bulk_create_gives_the_rows_create_actor_gives(empty_catalogue, tmp_path, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_CHUNK", 2)
    rows = [
        {"name": "A", "kind": "biotech", "commune": "Évry-Courcouronnes"},
        {"name": "B", "kind": "biotech", "commune": "Évry-Courcouronnes", "geo_precision": "address"},
        {"name": "C", "kind": "biotech", "commune": "Évry-Courcouronnes", "lat": None},
        {"name": "D", "kind": "biotech", "commune": "Évry-Courcouronnes", "lat": 48.6, "lon": 2.44,
         "geo_precision": "address"},
        {"name": "E", "kind": "biotech", "postcode": "75013"},
        {"name": "F", "kind": "biotech", "postcode": "75013", "commune": "Paris"},
        {"name": "G", "kind": "biotech", "departement": "69"},
        {"name": "H", "kind": "biotech", "insee_code": "91228"},
        {"name": "I", "kind": "biotech", "commune": "Évry-Courcouronnes"},
        {"name": " J ", "kind": "biotech", "departement": "69", "outside_idf": 0, "status": "closed"},
        {"name": "K", "kind": "biotech", "departement": "75", "tags": "a; b;a ;", "founded": "",
         "website": None, "mgp": "", "aliases": ("K1", " K1", 7), "lat": "", "siren": 552100554},
        {"name": "L", "kind": "biotech", "postcode": "91000", "commune": "EVRY", "outside_idf": 1,
         "insee_code": "", "geo_precision": ""},
        {"name": "M", "kind": "biotech", "commune": "Lyon", "postcode": "69001", "id": None},
    ]
    one_by_one = Catalogue.create(tmp_path / "un-par-un.sqlite", seed=False)
    try:
        for data in rows:
            one_by_one.create_actor(data)
        expected = [{k: v for k, v in r.items() if not k.endswith("_at")} for r in _snapshot(one_by_one)["actors"]]
    finally:
        one_by_one.close()
    empty_catalogue.bulk_create_actors(rows, label="Import")
    got = [{k: v for k, v in r.items() if not k.endswith("_at")} for r in _snapshot(empty_catalogue)["actors"]]
    assert got == expected


@pytest.mark.parametrize("bad, message", [
    ({"kind": "biotech"}, "Le nom de l'acteur est obligatoire."),
    ({"name": "  ", "kind": "biotech"}, "Le nom de l'acteur est obligatoire."),
    ({"name": "X"}, "Type d'acteur inconnu : «  »."),
    ({"name": "X", "kind": "licorne"}, "Type d'acteur inconnu : « licorne »."),
    ({"name": "X", "kind": "biotech", "couleur": "bleu"}, "Champ inconnu : « couleur »."),
])
def test_bulk_create_refuses_what_create_actor_refuses(empty_catalogue, bad, message):
    with pytest.raises(UserError) as single:
        empty_catalogue.create_actor(bad)
    with pytest.raises(UserError) as bulk:
        empty_catalogue.bulk_create_actors([{"name": "Bon", "kind": "biotech"}, bad], label="Import")
    assert str(single.value) == str(bulk.value) == message
    assert _snapshot(empty_catalogue)["actors"] == []


def test_bulk_insert_images_follow_later_edits_undone_first(empty_catalogue):
    cat = empty_catalogue
    ids = cat.bulk_create_actors([{"name": "Alpha", "kind": "biotech"}, {"name": "Beta", "kind": "biotech"}],
                                 label="Import")
    imported = _snapshot(cat)
    cat.update_actor(ids[0], {"description": "modifiée ensuite"})
    edited = _snapshot(cat)
    assert [h["action"] for h in cat.history(actor_id=ids[0])] == ["update", "insert"]
    assert cat.undo() and cat.undo() == "Import"
    assert cat.actor_ids() == []
    assert cat.redo() == "Import" and _snapshot(cat) == imported
    assert cat.redo() and _snapshot(cat) == edited


def test_a_big_bulk_insert_is_checkpointed_in_the_background(empty_catalogue, monkeypatch):
    import sqlite3

    from eco_desktop.catalogue import backend, bulk as store
    monkeypatch.setattr(store, "BULK_ROWS", 5)
    cat = empty_catalogue
    started = []
    real = backend.checkpoint
    monkeypatch.setattr(backend, "checkpoint", lambda path: (started.append(path), real(path)))
    cat.bulk_create_actors([{"name": f"Acteur {i}", "kind": "biotech"} for i in range(20)], label="Import")
    assert started == [cat.path]
    assert cat.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # restored
    cat.backend.join_checkpoint()
    other = sqlite3.connect(cat.path)
    try:
        assert other.execute("SELECT count(*) FROM actors").fetchone()[0] == 20
        busy, frames, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied
    finally:
        other.close()
    cat.create_actor({"name": "Un seul", "kind": "biotech"})  # a small write: no thread
    assert started == [cat.path]


def test_undo_of_a_big_import_deletes_its_actors_at_once(catalogue, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_ROWS", 5)
    before = _snapshot(catalogue)
    facet_rows = catalogue.conn.execute("SELECT count(*) FROM actor_values").fetchone()[0]
    fts_rows = catalogue.conn.execute("SELECT count(*) FROM actors_fts").fetchone()[0]
    rows = [{"name": f"Importé {i}", "kind": "biotech", "domains": ["gene_therapy"], "tags": ["lot"]}
            for i in range(12)]
    ids = catalogue.bulk_create_actors(rows, label="Import")
    after = _snapshot(catalogue)
    label, statements = _traced(catalogue, catalogue.undo)
    assert label == "Import"
    assert any(s.startswith("DELETE FROM actors WHERE id IN (SELECT") for s in statements)
    assert not any(s.startswith("DELETE FROM actors WHERE id = ") for s in statements)  # not row by row
    assert _snapshot(catalogue) == before
    assert catalogue.conn.execute("SELECT count(*) FROM actor_values").fetchone()[0] == facet_rows
    assert catalogue.conn.execute("SELECT count(*) FROM actors_fts").fetchone()[0] == fts_rows
    assert catalogue.actor_ids(Filter(tags=("lot",))) == []
    assert catalogue.redo() == "Import" and _snapshot(catalogue) == after
    assert set(catalogue.actor_ids(Filter(tags=("lot",)))) == set(ids)


def test_redo_of_a_big_import_writes_its_actors_back_at_once(catalogue, monkeypatch):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_ROWS", 5)
    monkeypatch.setattr(store, "BULK_CHUNK", 4)          # several chunks
    rows = [{"name": f"Importé {i}", "kind": "biotech", "domains": ["gene_therapy", "vaccines"],
             "activities": ["research"], "tags": ["lot", f"t{i}"], "aliases": [f"Alias {i}"],
             "description": "Thérapie génique « œuvre »", "postcode": "91000", "lat": 48.123456789012345,
             "siret": "", "founded": 2000 + i} for i in range(11)]
    ids = catalogue.bulk_create_actors(rows, label="Import")

    def derived():
        return (sorted(tuple(r) for r in catalogue.conn.execute("SELECT * FROM actor_values")),
                sorted(tuple(r) for r in catalogue.conn.execute("SELECT rowid, body FROM actors_fts")))

    after, after_derived = _snapshot(catalogue), derived()
    catalogue.update_actor(ids[0], {"name": "Renommé ensuite"})   # a later batch, undone first
    renamed, renamed_derived = _snapshot(catalogue), derived()
    assert catalogue.undo() and catalogue.undo() == "Import"
    label, statements = _traced(catalogue, catalogue.redo)
    assert label == "Import"
    assert sum(s.startswith("INSERT INTO actors (id, name,") and "json_extract" in s for s in statements) == 3
    assert not any(s.startswith("INSERT INTO [actors]") for s in statements)   # not row by row
    assert _snapshot(catalogue) == after and derived() == after_derived
    assert set(catalogue.actor_ids(Filter(text="oeuvre", tags=("lot",)))) == set(ids)
    assert catalogue.redo() and _snapshot(catalogue) == renamed and derived() == renamed_derived
    assert catalogue.undo() and catalogue.undo() == "Import" and catalogue.actor_ids(Filter(tags=("lot",))) == []


def test_renaming_right_after_opening_lists_the_actor_once(catalogue_path):
    cat = Catalogue.open(catalogue_path)      # the names of the list order are not read yet
    try:
        ids = cat.actor_ids(Filter())
        renamed = ids[5]
        cat.update_actor(renamed, {"name": "Zzz renommé"})
        after = cat.actor_ids(Filter())
        assert len(after) == len(ids) == len(set(after)) and after[-1] == renamed
    finally:
        cat.close()


def test_undo_and_redo_of_a_bulk_create_keep_the_list_right(catalogue):
    before = catalogue.actor_ids(Filter())
    ids = catalogue.bulk_create_actors([{"name": f"Importé {i}", "kind": "biotech"} for i in range(12)],
                                       label="Import")
    assert len(catalogue.actor_ids(Filter())) == len(before) + 12   # index read again, without names
    catalogue.undo()
    assert catalogue.actor_ids(Filter()) == before
    catalogue.redo()
    after = catalogue.actor_ids(Filter())
    assert len(after) == len(set(after)) == len(before) + 12 and set(after) == set(before) | set(ids)


# ---------------------------------------------------------------- undo is per session
@pytest.fixture
def two_sessions(catalogue_path):
    """Two catalogues open on one file, as two windows or two programs would have them."""
    ours, theirs = Catalogue.open(catalogue_path), Catalogue.open(catalogue_path)
    yield ours, theirs
    ours.close()
    theirs.close()


def _description(cat: Catalogue, actor_id: int) -> str:
    return cat.get_actor(actor_id)["description"]


def test_undo_only_replays_this_sessions_batches(two_sessions):
    ours, theirs = two_sessions
    original = _description(ours, CELLECTIS), _description(ours, GENOPOLE)
    ours.update_actor(CELLECTIS, {"description": "ici"})
    theirs.update_actor(GENOPOLE, {"description": "ailleurs"})
    assert ours.undo_label() == "Modifier « Cellectis »" and theirs.undo_label() == "Modifier « Genopole »"
    assert ours.undo() == "Modifier « Cellectis »"
    assert _description(ours, CELLECTIS) == original[0]
    assert _description(ours, GENOPOLE) == "ailleurs"            # their edit stays
    assert ours.undo() is None and ours.replay_notes() == []
    assert [b["label"] for b in ours.history()[:2]] == ["Modifier « Genopole »", "Modifier « Cellectis »"]
    assert theirs.redo_label() is None                          # our undone batch is not theirs to redo
    assert theirs.undo() == "Modifier « Genopole »" and _description(theirs, GENOPOLE) == original[1]
    assert ours.redo() == "Modifier « Cellectis »" and _description(ours, CELLECTIS) == "ici"


def test_another_sessions_new_action_keeps_this_sessions_redo(two_sessions):
    ours, theirs = two_sessions
    ours.update_actor(CELLECTIS, {"description": "ici"})
    ours.undo()
    theirs.update_actor(GENOPOLE, {"description": "ailleurs"})   # forgets their own undone batches only
    assert ours.redo_label() == "Modifier « Cellectis »"
    assert ours.redo() and _description(ours, CELLECTIS) == "ici"
    assert _description(ours, GENOPOLE) == "ailleurs"


def test_undo_of_another_process_is_never_done_here(catalogue):
    """A real second process writes between our write and our undo."""
    import subprocess
    import sys
    original = _description(catalogue, CELLECTIS)
    catalogue.update_actor(CELLECTIS, {"description": "ici"})
    script = ("import sys; from eco_desktop.catalogue import Catalogue\n"
              "with Catalogue.open(sys.argv[1]) as cat:\n"
              f"    cat.update_actor({GENOPOLE}, {{'description': 'autre processus'}})\n"
              f"    cat.update_actor({CELLECTIS}, {{'name': 'Cellectis SA'}})\n")
    done = subprocess.run([sys.executable, "-c", script, str(catalogue.path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert catalogue.undo() == "Modifier « Cellectis »"
    assert catalogue.undo() is None
    cellectis = catalogue.get_actor(CELLECTIS)
    assert cellectis["description"] == original                  # our edit undone
    assert cellectis["name"] == "Cellectis SA"                   # their edit of another field kept
    assert _description(catalogue, GENOPOLE) == "autre processus"
    assert catalogue.replay_notes() == []                        # nothing of ours was in the way
    assert catalogue.actor_ids(Filter(text="cellectis sa")) == [CELLECTIS]


def test_undo_keeps_a_field_another_session_changed_since(two_sessions):
    ours, theirs = two_sessions
    original = ours.get_actor(CELLECTIS)
    ours.update_actor(CELLECTIS, {"description": "ici", "website": "https://ici.fr"})
    theirs.update_actor(CELLECTIS, {"description": "plus récent"})
    theirs_stamp = theirs.get_actor(CELLECTIS)["updated_at"]
    assert ours.undo() == "Modifier « Cellectis »"
    now = ours.get_actor(CELLECTIS)
    assert now["description"] == "plus récent"                   # their newer value is not overwritten
    assert now["website"] == original["website"]                 # what only we changed is undone
    assert now["updated_at"] == theirs_stamp
    assert ours.replay_notes() == [
        "L'acteur « Cellectis » : le champ « Description » a été modifié depuis dans une autre fenêtre "
        "ou un autre programme ; sa valeur actuelle est conservée."]
    assert ours.redo() and ours.get_actor(CELLECTIS)["description"] == "plus récent"   # still theirs
    assert ours.get_actor(CELLECTIS)["website"] == "https://ici.fr"
    assert len(ours.replay_notes()) == 1
    ours.update_actor(GENOPOLE, {"description": "x"})
    ours.undo()                                                  # each replay has its own notes
    assert ours.replay_notes() == []


def test_undo_of_a_creation_keeps_what_another_session_added_to_it(two_sessions):
    ours, theirs = two_sessions
    new = _new_actor(ours)
    contact = theirs.add_contact(new, {"last_name": "Dupont"})
    assert ours.undo() == "Créer « Exemple Bio »"
    assert ours.get_actor(new)["name"] == "Exemple Bio"          # not deleted with their contact
    assert ours.get_contact(contact)["actor_id"] == new
    assert ours.replay_notes() == ["L'acteur « Exemple Bio » a été modifié ou complété depuis dans une autre "
                                   "fenêtre ou un autre programme : il est conservé."]
    assert ours.actor_ids(Filter(text="exemple")) == [new]


def test_undo_does_not_bring_back_a_row_over_one_made_since_with_its_id(two_sessions):
    ours, theirs = two_sessions
    mine = _new_actor(ours, name="Le mien")
    ours.purge_actors([mine])
    theirs_id = _new_actor(theirs, name="Le leur")
    assert theirs_id == mine                                     # SQLite gives the free id again
    assert ours.undo().startswith("Supprimer définitivement")
    assert ours.get_actor(mine)["name"] == "Le leur"
    assert ours.replay_notes() == [f"L'acteur « Le mien » n'est pas rétabli : son numéro ({mine}) est pris "
                                   "par un élément créé depuis dans une autre fenêtre ou un autre programme."]
    assert ours.undo() == "Créer « Le mien »"                    # their actor is not deleted either
    assert ours.get_actor(mine)["name"] == "Le leur" and len(ours.replay_notes()) == 1


def test_undo_does_not_bring_back_a_row_deleted_since(two_sessions):
    ours, theirs = two_sessions
    cid = ours.add_contact(CELLECTIS, {"last_name": "Dupont"})
    ours.update_contact(cid, {"role": "Directeur"})
    theirs.delete_contact(cid)
    assert ours.undo().startswith("Modifier le contact")
    assert ours.get_contact(cid) is None
    assert ours.replay_notes() == ["Le contact « Dupont » a été supprimé depuis dans une autre fenêtre ou un "
                                   "autre programme : il n'est pas rétabli."]


def test_undo_does_not_attach_a_row_to_an_actor_gone_or_replaced_since(two_sessions):
    ours, theirs = two_sessions
    mine = _new_actor(ours, name="Le mien")
    ours.add_contact(mine, {"last_name": "Dupont"})
    ours.purge_actors([mine])                          # the contact, then the actor
    assert _new_actor(theirs, name="Le leur") == mine  # its id given again
    assert ours.undo().startswith("Supprimer définitivement")
    assert ours.contacts(mine) == []                   # not attached to their actor
    assert ours.replay_notes()[1] == ("Le contact « Dupont » n'est pas rétabli : l'élément auquel il se rattache "
                                      "a été supprimé ou remplacé depuis dans une autre fenêtre ou un autre programme.")
    cid = ours.add_contact(CELLECTIS, {"last_name": "Martin"})
    ours.delete_contact(cid)
    theirs.purge_actors([CELLECTIS])
    assert ours.undo().startswith("Supprimer le contact")   # no foreign-key failure
    assert ours.get_contact(cid) is None and len(ours.replay_notes()) == 1


def test_undo_of_a_merge_whose_other_actor_was_purged_since(two_sessions):
    ours, theirs = two_sessions
    other = 17  # GenSight Biologics
    contact = ours.add_contact(other, {"last_name": "Martin"})
    ours.merge_actors(CELLECTIS, other)                # the contact moves to Cellectis, GenSight to the trash
    theirs.empty_trash()
    assert ours.undo().startswith("Fusionner")         # no foreign-key failure
    assert ours.get_contact(contact)["actor_id"] == CELLECTIS and ours.get_actor(other) is None
    assert "GenSight Biologics" not in ours.get_actor(CELLECTIS)["aliases"]
    assert "Le contact « Martin » n'est pas rétabli : l'élément auquel il se rattache a été supprimé" in " ".join(
        ours.replay_notes())


@pytest.mark.parametrize("bulk_rows", [5, 10_000])   # undone by two statements, or row by row
def test_undo_of_an_import_keeps_the_actors_another_session_changed(two_sessions, monkeypatch, bulk_rows):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_ROWS", bulk_rows)
    ours, theirs = two_sessions
    rows = [{"name": f"Importé {i}", "kind": "biotech", "tags": ["lot"]} for i in range(12)]
    ids = ours.bulk_create_actors(rows, label="Import")
    theirs.update_actor(ids[3], {"description": "complété ailleurs"})
    theirs.add_exchange(ids[7], date="2024-01-02", kind="call", text="appel")
    assert ours.undo() == "Import"
    assert sorted(ours.actor_ids(Filter(tags=("lot",)))) == [ids[3], ids[7]]
    assert _description(ours, ids[3]) == "complété ailleurs" and len(ours.exchanges(ids[7])) == 1
    assert len(ours.replay_notes()) == 2 and "« Importé 3 »" in ours.replay_notes()[0] + ours.replay_notes()[1]
    assert ours.redo() == "Import"
    assert sorted(ours.actor_ids(Filter(tags=("lot",)))) == sorted(ids)
    assert _description(ours, ids[3]) == "complété ailleurs" and ours.replay_notes() == []
    assert ours.undo() == "Import" and sorted(ours.actor_ids(Filter(tags=("lot",)))) == [ids[3], ids[7]]


@pytest.mark.parametrize("bulk_rows", [5, 10_000])
def test_redo_of_an_import_leaves_an_id_taken_since_to_its_new_row(two_sessions, monkeypatch, bulk_rows):
    from eco_desktop.catalogue import bulk as store
    monkeypatch.setattr(store, "BULK_ROWS", bulk_rows)
    ours, theirs = two_sessions
    ids = ours.bulk_create_actors([{"name": f"Importé {i}", "kind": "biotech"} for i in range(12)],
                                  label="Import")
    assert ours.undo() == "Import"
    assert _new_actor(theirs, name="Le leur") == ids[0]
    assert ours.redo() == "Import"                           # (a UNIQUE failure before, at 5 rows)
    assert ours.get_actor(ids[0])["name"] == "Le leur"
    assert [ours.get_actor(i)["name"] for i in ids[1:]] == [f"Importé {i}" for i in range(1, 12)]
    assert ours.replay_notes() == [f"L'acteur « Importé 0 » n'est pas rétabli : son numéro ({ids[0]}) est pris "
                                   "par un élément créé depuis dans une autre fenêtre ou un autre programme."]
    assert sorted(ours.actor_ids(Filter(text="importe"))) == ids[1:]


def test_a_closed_sessions_batches_are_not_undone_after_reopening(catalogue_path):
    with Catalogue.open(catalogue_path) as first:
        first.update_actor(CELLECTIS, {"description": "un"})
        first.update_actor(GENOPOLE, {"description": "deux"})
        first.undo()
    with Catalogue.open(catalogue_path) as second:
        assert second.undo_label() is None and second.redo_label() is None
        assert second.undo() is None and _description(second, CELLECTIS) == "un"
        # still in the history; the undone one, which nobody can redo any more, is gone
        assert (second.history()[0]["label"], second.history()[0]["undone"]) == ("Modifier « Cellectis »", 0)
        assert "Modifier « Genopole »" not in [b["label"] for b in second.history()]


# ---------------------------------------------------------------- text the API is given
BAD = "Nom \udc80 mal\x00 formé"          # a lone surrogate (undecodable bytes) and a NUL
GOOD = "Nom \ufffd mal formé"


def test_lone_surrogates_and_nul_are_cleaned_not_refused(catalogue):
    cat = catalogue
    actor = cat.create_actor({"name": BAD, "kind": "biotech", "description": f"« {BAD} »\n",
                              "tags": [BAD, "ok"], "aliases": BAD + ";\udcff"})
    got = cat.get_actor(actor)
    assert got["name"] == GOOD and got["description"] == f"« {GOOD} »"
    assert got["tags"] == [GOOD, "ok"] and got["aliases"] == [GOOD, "\ufffd"]
    assert cat.actor_ids(Filter(text="mal forme")) == [actor]
    assert cat.update_actor(actor, {"street": BAD}) and cat.get_actor(actor)["street"] == GOOD
    contact = cat.add_contact(actor, {"first_name": BAD, "last_name": "X\udc00", "notes": BAD})
    assert (cat.get_contact(contact)["first_name"], cat.get_contact(contact)["last_name"]) == (GOOD, "X\ufffd")
    cat.update_contact(contact, {"role": BAD})
    assert cat.get_contact(contact)["role"] == GOOD
    exchange = cat.add_exchange(actor, date="2024-01-02", kind="call", text=BAD)
    assert [e["text"] for e in cat.exchanges(actor) if e["id"] == exchange] == [GOOD]
    cat.add_relation(actor, "partner_of", GENOPOLE, note=BAD)
    assert cat.relations_of(actor)[0]["note"] == GOOD
    cat.save_view(BAD, Filter(text=BAD))
    assert [v["name"] for v in cat.saved_views()] == [GOOD]
    cat.add_vocab_entry("domain", BAD)
    assert GOOD in cat.vocabulary("domain").values()
    assert cat.rename_tag(GOOD, BAD) == 1 and cat.get_actor(actor)["tags"] == [GOOD, "ok"]
    call = cat.create_call(BAD)
    assert cat.get_call(BAD)["id"] == call and cat.get_call(call)["name"] == GOOD
    [bulk] = cat.bulk_create_actors([{"name": BAD, "kind": "biotech", "street": "\udc80 rue"}], label="Import")
    assert cat.get_actor(bulk)["name"] == GOOD and cat.get_actor(bulk)["street"] == "\ufffd rue"
    for label in [b["label"] for b in cat.history()]:
        assert "\x00" not in label and "\udc80" not in label
    assert cat.undo() == "Import" and cat.get_actor(bulk) is None


def test_an_id_beyond_sqlite_integers_names_no_row(catalogue):
    huge = 99999999999999999999999
    assert catalogue.get_actor(huge) is None and catalogue.get_contact(huge) is None
    assert catalogue.get_actor(-huge) is None
    assert catalogue.actors_by_ids([huge, CELLECTIS])[0]["id"] == CELLECTIS
    with pytest.raises(UserError, match=f"L'acteur {huge} n'existe pas"):
        catalogue.update_actor(huge, {"description": "x"})
    with pytest.raises(UserError, match="n'existe pas"):
        catalogue.add_contact(huge, {"last_name": "X"})


def test_create_says_a_file_failure_in_french(tmp_path, monkeypatch):
    # The reason came from strerror (« No space left on device »): the system's English.
    import errno

    from eco_desktop.catalogue import cache

    def full(catalogue):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(cache, "load_bundled_dataset", full)
    with pytest.raises(UserError) as caught:
        Catalogue.create(tmp_path / "neuf.sqlite")
    assert "disque plein" in str(caught.value) and "space" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
