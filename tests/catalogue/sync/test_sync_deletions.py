"""Trash and deletions propagate; an edit meeting a deletion brings the record back to
the trash with a note, never silently lost."""
from __future__ import annotations


def test_trash_restore_and_purge_propagate(team):
    (alice, bob, carol), (genethon, yposkesi) = team
    alice.cat.delete_actors([genethon])
    alice.push()
    bob.pull()
    carol.pull()
    assert bob.cat.get_actor(genethon)["deleted_at"] is not None
    bob.cat.restore_actors([genethon])
    bob.push()
    alice.pull()
    assert alice.cat.get_actor(genethon)["deleted_at"] is None
    carol.cat.purge_actors([yposkesi])
    carol.sync()
    alice.sync()
    bob.sync()
    for member in (alice, bob, carol):
        assert member.cat.get_actor(yposkesi) is None
        assert member.cat.get_actor(genethon)["deleted_at"] is None
        assert member.cat.conflicts() == []


def test_edit_against_a_purge_comes_back_to_the_trash(team):
    (alice, bob, _), (genethon, _) = team
    contact = alice.cat.contacts(genethon)[0]["id"]
    alice.cat.purge_actors([genethon])
    bob.cat.update_actor(genethon, {"description": "Mise à jour de Bob"})
    alice.push()
    bob.sync()      # Bob receives the purge of the actor he edited: kept, in the trash
    kept = bob.cat.get_actor(genethon)
    assert kept["description"] == "Mise à jour de Bob" and kept["deleted_at"] is not None
    [note] = bob.cat.conflicts()
    assert note.is_note and "Alice" in note.note and "corbeille" in note.note
    alice.sync()    # ... and sends it back to Alice, in the trash too
    back = alice.cat.get_actor(genethon)
    assert back is not None and back["deleted_at"] is not None
    assert back["description"] == "Mise à jour de Bob"
    assert alice.cat.contacts(genethon)[0]["id"] == contact
    assert any(c.is_note for c in alice.cat.conflicts())


def test_purge_not_sent_yet_meets_an_edit(team):
    (alice, bob, _), (genethon, _) = team
    bob.cat.update_actor(genethon, {"website": "https://genethon.fr"})
    bob.push()
    alice.cat.purge_actors([genethon])
    alice.sync()    # Alice's purge is not published when Bob's edit arrives
    back = alice.cat.get_actor(genethon)
    assert back is not None and back["website"] == "https://genethon.fr" and back["deleted_at"] is not None
    bob.pull()
    assert bob.cat.get_actor(genethon)["deleted_at"] is not None   # in the trash everywhere


def test_contact_added_to_an_actor_purged_elsewhere_is_not_lost(team):
    (alice, bob, _), (_, yposkesi) = team
    bob.cat.add_contact(yposkesi, {"first_name": "Marc", "last_name": "Petit"})
    alice.cat.purge_actors([yposkesi])
    alice.push()
    bob.sync()
    assert bob.cat.get_actor(yposkesi)["deleted_at"] is not None
    assert [c["last_name"] for c in bob.cat.contacts(yposkesi)] == ["Petit"]
    alice.pull()
    assert alice.cat.get_actor(yposkesi)["deleted_at"] is not None
    assert [c["last_name"] for c in alice.cat.contacts(yposkesi)] == ["Petit"]
