"""An erasure (RGPD) on one catalogue erases the person on every catalogue of the team,
and the shared log's files can be rewritten without a byte of them."""
from __future__ import annotations

from eco_desktop.catalogue.privacy import erase_person
from eco_desktop.catalogue.sync import pack, people_in, scrub_changeset, unpack
from eco_desktop.filter import Filter


def test_erasure_propagates_and_older_changesets_are_scrubbed(team, tmp_path):
    (alice, bob, carol), (genethon, yposkesi) = team
    paul = bob.cat.add_contact(yposkesi, {"first_name": "Paul", "last_name": "Martinez",
                                          "email": "paul.martinez@example.org", "notes": "Directeur"})
    bob.cat.add_exchange(yposkesi, date="2026-03-02", kind="call", text="Appel avec Paul Martinez, rappeler")
    bob.cat.update_actor(yposkesi, {"description": "Voir paul.martinez@example.org"})
    old_file = bob.push()
    assert b"Martinez" in old_file and b"paul.martinez@example.org" in old_file
    alice.pull()
    carol.pull()
    assert [c["id"] for c in alice.cat.contacts(yposkesi)] == [paul]

    erasure = erase_person(alice.cat, paul)
    assert erasure.purged
    assert alice.cat.erasures()[0]["contact_id"] == paul
    erasure_file = alice.push()
    assert b"Martinez" not in erasure_file and b"paul.martinez" not in erasure_file
    for member in (bob, carol):
        [result] = [r for r in member.pull() if not r.skipped]
        assert result.erased == 1
        cat = member.cat
        assert cat.meta("sync_purge_pending") == "0"
        assert cat.get_contact(paul) is None
        assert "Martinez" not in cat.exchanges(yposkesi)[0]["text"]
        assert "paul.martinez" not in cat.get_actor(yposkesi)["description"]
        assert cat.count(Filter(text="martinez")) == 0
        cat.checkpoint()
        raw = cat.path.read_bytes()
        assert b"Martinez" not in raw and b"paul.martinez@example.org" not in raw
    assert b"Martinez" not in bob.cat.snapshot()

    # The file Bob published before the erasure, rewritten for the shared place.
    people = people_in(old_file, [paul])
    assert people and people[0]["last_name"] == "Martinez"
    scrubbed = scrub_changeset(old_file, [paul], people)
    assert b"Martinez" not in scrubbed and b"paul.martinez@example.org" not in scrubbed
    assert unpack(scrubbed)[0] == unpack(old_file)[0]
    assert scrub_changeset(erasure_file, [paul], people) == erasure_file   # nothing to remove
    # A member replaying the rewritten log never gets the person back.
    origin, payload = unpack(scrubbed)
    fresh = unpack(pack(origin, payload))[1]
    assert fresh == payload


def test_pending_images_lose_the_person(team):
    (alice, _, _), (genethon, _) = team
    jeanne = alice.cat.contacts(genethon)[0]["id"]
    alice.cat.update_contact(jeanne, {"notes": "à rappeler"})
    alice.cat.update_actor(genethon, {"description": "Contact : Jeanne Durand"})
    alice.cat.update_actor(genethon, {"description": "Contact : Mme Durand"})
    erase_person(alice.cat, jeanne)
    payload = alice.cat.local_changes()
    assert b"Durand" not in payload and b"jeanne" not in payload.lower()
    bases = [b for (b,) in alice.cat.conn.execute("SELECT base FROM sync_dirty WHERE base IS NOT NULL")]
    assert not any("Durand" in b for b in bases)


def test_a_file_not_rewritten_after_a_received_erasure_is_at_the_next_apply(team, monkeypatch):
    (alice, bob, _), (genethon, _) = team
    from eco_desktop.catalogue.privacy import purge
    jeanne = alice.cat.contacts(genethon)[0]["id"]
    erase_person(alice.cat, jeanne)
    alice.push()
    real = purge.purge_file
    monkeypatch.setattr(purge, "purge_file", lambda cat: purge.Purge(False, "le disque est plein"))
    bob.pull()
    assert bob.cat.get_contact(jeanne) is None and bob.cat.meta("sync_purge_pending") == "1"
    monkeypatch.setattr(purge, "purge_file", real)
    alice.cat.update_actor(genethon, {"website": "https://genethon.fr"})
    alice.push()
    bob.pull()
    assert bob.cat.meta("sync_purge_pending") == "0"
    bob.cat.checkpoint()
    assert b"Durand" not in bob.cat.path.read_bytes()
