"""Merging what two members changed: different fields both kept, the same field by the
later edit with the conflict listed, sets merged, creations never colliding."""
from __future__ import annotations

import json

from eco_desktop.catalogue.sync.merge import merge_sets, theirs_wins


def test_sets_keep_both_sides_additions_and_removals():
    merged = merge_sets(json.dumps(["a", "b", "c"]), json.dumps(["a", "c", "mine"]), json.dumps(["a", "b", "theirs"]))
    assert json.loads(merged) == ["a", "mine", "theirs"]
    assert merge_sets(None, '["x"]', '["y"]') == '["x", "y"]'
    assert merge_sets('[]', 'pas une liste', '[]') is None


def test_later_edit_wins_and_ties_are_decided_alike_everywhere():
    assert theirs_wins("a", "2026-01-01T10:00:00", "b", "2026-01-01T10:00:01")
    assert not theirs_wins("a", "2026-01-01T10:00:02", "b", "2026-01-01T10:00:01")
    assert theirs_wins("a", "t", "b", "t") != theirs_wins("b", "t", "a", "t")


def test_different_fields_of_one_actor_both_kept(team):
    (alice, bob, carol), (genethon, _) = team
    alice.cat.update_actor(genethon, {"description": "Thérapie génique, AAV"})
    bob.cat.update_actor(genethon, {"website": "https://www.genethon.fr"})
    carol.cat.update_actor(genethon, {"phone": "01 69 47 28 28"})
    for member in (alice, bob, carol, alice, bob):
        member.sync()
    for member in (alice, bob, carol):
        actor = member.cat.get_actor(genethon)
        assert (actor["description"], actor["website"], actor["phone"]) == (
            "Thérapie génique, AAV", "https://www.genethon.fr", "01 69 47 28 28")
        assert member.cat.conflicts() == []


def test_same_field_later_edit_wins_conflict_listed_and_resolved(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.update_actor(genethon, {"description": "Version d'Alice"})
    bob.cat.update_actor(genethon, {"description": "Version de Bob"})   # later
    alice.push()
    bob.sync()
    alice.sync()
    for member in (alice, bob):
        assert member.cat.get_actor(genethon)["description"] == "Version de Bob"
    [conflict] = alice.cat.conflicts()
    assert (conflict.actor_name, conflict.field, conflict.field_label) == ("Genethon", "description", "Description")
    assert (conflict.mine, conflict.theirs, conflict.member, conflict.chosen) == (
        "Version d'Alice", "Version de Bob", "Bob", "theirs")
    assert conflict.mine_at < conflict.theirs_at
    assert "Bob" in conflict.sentence() and "Version d'Alice" in conflict.sentence()
    [seen_by_bob] = bob.cat.conflicts()
    assert (seen_by_bob.mine, seen_by_bob.theirs, seen_by_bob.member, seen_by_bob.chosen) == (
        "Version de Bob", "Version d'Alice", "Alice", "mine")

    # One click takes the other value: an edit, undoable, sent to the team.
    assert alice.cat.resolve_conflict(conflict.id, take="mine")
    assert alice.cat.get_actor(genethon)["description"] == "Version d'Alice"
    assert alice.cat.conflicts() == []
    alice.cat.undo()
    assert alice.cat.get_actor(genethon)["description"] == "Version de Bob"
    assert [c.id for c in alice.cat.conflicts()] == [conflict.id]
    alice.cat.redo()
    alice.push()
    bob.pull()
    assert bob.cat.get_actor(genethon)["description"] == "Version d'Alice"


def test_tags_merged_as_sets(team):
    (alice, bob, carol), (genethon, _) = team
    alice.cat.update_actor(genethon, {"tags": ["aav", "essonne"]})   # adds
    bob.cat.update_actor(genethon, {"tags": []})                      # removes "aav"
    carol.cat.update_actor(genethon, {"aliases": ["AFM Généthon"]})
    for member in (alice, bob, carol, alice, bob):
        member.sync()
    for member in (alice, bob, carol):
        actor = member.cat.get_actor(genethon)
        assert actor["tags"] == ["essonne"]
        assert actor["aliases"] == ["AFM Généthon"]
        assert member.cat.conflicts() == []


def test_rows_created_offline_on_both_sides_never_collide(team):
    (alice, bob, carol), _ = team
    made = {m.cat.sync_identity().member: m.cat.create_actor({"name": f"Start-up de {m.cat.sync_identity().member}",
                                                               "kind": "biotech"})
            for m in (alice, bob, carol)}
    assert len(set(made.values())) == 3
    assert all(i < 2 ** 53 for i in made.values())          # exact in JavaScript (the map)
    blocks = {m.cat.sync_identity().block for m in (alice, bob, carol)}
    assert len(blocks) == 3
    for member in (alice, bob, carol, alice, bob):
        member.sync()
    for member in (alice, bob, carol):
        names = {a["name"] for a in member.cat.actors()}
        assert {"Start-up de Alice", "Start-up de Bob", "Start-up de Carol"} <= names
        assert member.cat.get_actor(made["Bob"])["name"] == "Start-up de Bob"


def test_same_field_of_a_row_without_stamp_converges(team):
    (alice, bob, _), _ = team
    alice.cat.set_vocab_entry("domain", "vaccines", label="Vaccins (Alice)")
    bob.cat.set_vocab_entry("domain", "vaccines", label="Vaccins (Bob)")
    alice.push()
    bob.sync()
    alice.sync()
    labels = {m.cat.vocabulary("domain")["vaccines"] for m in (alice, bob)}
    assert len(labels) == 1
    assert [c.field for c in alice.cat.conflicts()] == [c.field for c in bob.cat.conflicts()] == ["label"]


def test_an_edit_lost_to_a_later_one_is_no_longer_waiting_to_be_sent(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.update_actor(genethon, {"phone": "01 60 00 00 01"})
    bob.cat.update_actor(genethon, {"phone": "01 60 00 00 02"})   # later: wins
    bob.sync()
    assert alice.cat.pending_count() == 1
    alice.pull()
    assert alice.cat.get_actor(genethon)["phone"] == "01 60 00 00 02"
    assert alice.cat.local_changes() is None
    assert alice.cat.pending_count() == 0
    assert len(alice.cat.conflicts()) == 1


def test_an_edit_partly_kept_stays_waiting_to_be_sent(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.update_actor(genethon, {"phone": "01 60 00 00 01", "website": "https://alice.example"})
    bob.cat.update_actor(genethon, {"phone": "01 60 00 00 02"})
    bob.sync()
    alice.pull()
    assert alice.cat.pending_count() == 1
    alice.push()
    bob.pull()
    assert bob.cat.get_actor(genethon)["website"] == "https://alice.example"
