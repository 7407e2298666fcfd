"""Everything an actor has syncs, and so do the team's settings: contacts, relations,
exchanges, calls and their shortlists, saved views, vocabularies. What was received is
in the history, from whom; the derived data follows."""
from __future__ import annotations

from eco_desktop.filter import Filter


def test_relations_calls_shortlists_views_and_vocabularies_sync(team):
    (alice, bob, carol), (genethon, yposkesi) = team
    relation = alice.cat.add_relation(yposkesi, "spin_off_of", genethon, "créée en 2016")
    call = alice.cat.create_call("France 2030 biothérapies", funder="Bpifrance")
    alice.cat.add_to_call(call, [genethon, yposkesi])
    alice.cat.set_status(call, [genethon], "contacted", "appelé le 3 mars")
    alice.cat.add_exchange(genethon, date="2026-03-01", kind="meeting", text="Visite du site")
    view = alice.cat.save_view("Biotech d'Évry", Filter(kinds=("biotech",)))
    slug = alice.cat.add_vocab_entry("domain", "ARN messager")
    bob.cat.add_vocab_entry("activity", "Bioinformatique")
    for member in (alice, bob, carol, alice):
        member.sync()
    for member in (alice, bob, carol):
        cat = member.cat
        assert [(r["id"], r["type"]) for r in cat.relations([yposkesi, genethon])] == [(relation, "spin_off_of")]
        assert cat.get_call(call)["funder"] == "Bpifrance"
        statuses = {e["actor_id"]: e["status"] for e in cat.shortlist(call)}
        assert statuses[genethon] == "contacted" and yposkesi in statuses
        assert [e["text"] for e in cat.exchanges(genethon)] == ["Visite du site"]
        assert [v["id"] for v in cat.saved_views()] == [view]
        assert cat.vocabulary("domain")[slug] == "ARN messager"
        assert "Bioinformatique" in cat.vocabulary("activity").values()
    # Renaming a value reaches the others' search (its label is in the full-text rows).
    carol.cat.update_actor(genethon, {"domains": [slug]})
    carol.cat.set_vocab_entry("domain", slug, label="ARNm thérapeutique")
    carol.push()
    alice.pull()
    assert alice.cat.actor_ids(Filter(text="thérapeutique")) == [genethon]
    assert alice.cat.facet_counts(Filter())["domain"][0]["value"] == slug


def test_received_changes_are_in_the_history_by_the_member_and_searchable(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.set_member("Claire, Région")
    new = bob.cat.create_actor({"name": "Cellectis Évry", "kind": "biotech", "tags": ["car-t"]})
    bob.cat.update_actor(genethon, {"description": "Vecteurs viraux"})
    bob.push()
    [applied] = [r for r in alice.pull() if not r.skipped]
    assert applied.actor_ids == {new, genethon} and applied.rows == 2 and applied.conflicts == 0
    batch = alice.cat.history_log.entries()[0]
    assert (batch["label"], batch["user"]) == ("Reçu de Bob", "Bob")
    assert alice.cat.actor_ids(Filter(text="cellectis")) == [new]
    assert alice.cat.actor_ids(Filter(text="vecteurs")) == [genethon]
    assert alice.cat.count(Filter(tags=("car-t",))) == 1
    alice.cat.update_actor(genethon, {"phone": "01 60 00 00 00"})
    assert alice.cat.history_log.entries()[0]["user"] == "Claire, Région"


def test_bulk_import_and_its_undo_are_sent(team):
    (alice, bob, _), _ = team
    ids = alice.cat.bulk_create_actors([{"name": f"Import {n}", "kind": "biotech"} for n in range(30)],
                                       label="Importer")
    block = alice.cat.sync_identity().block
    assert all(i >> 32 == block for i in ids)
    alice.push()
    bob.pull()
    assert bob.cat.count(Filter(text="import")) == 30
    alice.cat.undo()
    alice.push()
    bob.pull()
    assert bob.cat.count(Filter(text="import")) == 0


def test_a_value_created_on_both_sides_is_not_doubled(team):
    (alice, bob, _), (genethon, _) = team
    slug = alice.cat.add_vocab_entry("domain", "ARN messager")
    assert bob.cat.add_vocab_entry("domain", "ARN messager") == slug
    alice.cat.update_actor(genethon, {"domains": [slug]})
    alice.push()
    bob.sync()
    alice.sync()
    for member in (alice, bob):
        assert list(member.cat.vocabulary("domain")).count(slug) == 1
        assert member.cat.get_actor(genethon)["domains"] == [slug]
    assert any("existe déjà" in c.note for c in bob.cat.conflicts())
