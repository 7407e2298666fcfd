"""Applying is all or nothing, idempotent, and refuses what it does not understand; what
is sent is exactly what changed since the last publication."""
from __future__ import annotations

from dataclasses import replace

import pytest

from eco_desktop import db
from eco_desktop.catalogue import Catalogue
from eco_desktop.catalogue.sync import pack, unpack
from eco_desktop.catalogue.sync.changes import diff, write_payload
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter


def _state(cat: Catalogue) -> tuple:
    return ([(a["id"], a["name"], a["description"], tuple(a["tags"])) for a in cat.actors()],
            cat.pending_count(), len(cat.conflicts(open_only=False)),
            cat.conn.execute("SELECT count(*) FROM history_batches").fetchone()[0])


def test_nothing_to_send_is_cheap_and_none(team):
    (alice, _, _), (genethon, _) = team
    assert alice.cat.local_changes() is None and alice.cat.pending_count() == 0
    alice.cat.update_actor(genethon, {"description": "x"})
    alice.cat.update_actor(genethon, {"description": "Thérapie génique"})   # back as it was
    assert alice.cat.pending_count() == 1
    assert alice.cat.local_changes() is None            # nothing differs from what was published


def test_a_write_made_while_publishing_stays_to_send(team):
    (alice, bob, _), (genethon, yposkesi) = team
    alice.cat.update_actor(genethon, {"description": "Première"})
    payload = alice.cat.local_changes()
    origin = alice.cat.next_origin()
    alice.cat.update_actor(genethon, {"website": "https://genethon.fr"})   # after the payload was made
    alice.cat.update_actor(yposkesi, {"description": "Autre"})
    alice.log.append(pack(origin, payload))
    alice.cat.mark_published(payload, origin)
    assert alice.cat.pending_count() == 2
    assert alice.cat.sync_identity().sequence == origin.sequence
    alice.push()
    bob.pull()
    assert bob.cat.get_actor(genethon)["description"] == "Première"
    assert bob.cat.get_actor(genethon)["website"] == "https://genethon.fr"
    assert bob.cat.get_actor(yposkesi)["description"] == "Autre"
    assert bob.cat.conflicts() == []


def test_the_same_changeset_twice_changes_nothing(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.update_actor(genethon, {"tags": ["aav", "essonne"]})
    data = alice.push()
    origin, payload = unpack(data)
    first = bob.cat.apply_changes(payload, origin=origin)
    assert first.rows == 1 and not first.skipped
    before = _state(bob.cat)
    again = bob.cat.apply_changes(payload, origin=origin)
    assert again.skipped and _state(bob.cat) == before
    assert alice.cat.apply_changes(payload, origin=origin).skipped      # its own
    assert bob.cat.applied_sequences()[origin.catalogue_id] == origin.sequence


def test_newer_schema_refused_in_french(team):
    (alice, bob, _), (genethon, _) = team
    alice.cat.update_actor(genethon, {"description": "Nouveau"})
    origin, payload = unpack(alice.push())
    newer = replace(origin, schema_version=db.schema_version() + 1)
    with pytest.raises(UserError, match="mettez à jour eco-desktop"):
        bob.cat.apply_changes(payload, origin=newer)
    assert bob.cat.get_actor(genethon)["description"] == "Thérapie génique"
    assert not bob.cat.is_applied(newer)
    with pytest.raises(UserError, match="mettez à jour eco-desktop"):
        unpack(b"ECOSYNC2" + b"\0" * 10)
    with pytest.raises(UserError, match="pas un fichier de synchronisation"):
        unpack(b"PK\x03\x04 un zip")
    with pytest.raises(UserError, match="tronqué"):
        unpack(pack(origin, payload)[:12])


def _forged(origin, tables: dict, rows: list) -> bytes:
    return pack(origin, write_payload({"tables": tables, "upto": 1}, diff(tables, rows)))


def test_unknown_table_or_column_refused(team):
    (alice, bob, _), (genethon, _) = team
    origin = alice.cat.next_origin()
    columns = ["id", "name", "couleur_preferee"]
    base = {"id": genethon, "name": "Genethon", "couleur_preferee": ""}
    forged = _forged(origin, {"actors": columns}, [("actors", genethon, base, {**base, "couleur_preferee": "bleu"})])
    with pytest.raises(UserError, match="colonne inconnue.*couleur_preferee.*mettez à jour eco-desktop"):
        bob.cat.apply_changes(unpack(forged)[1], origin=origin)
    forged = _forged(origin, {"secrets": ["id", "x"]}, [("secrets", 1, None, {"id": 1, "x": "DROP TABLE actors"})])
    with pytest.raises(UserError, match="table inconnue.*secrets"):
        bob.cat.apply_changes(unpack(forged)[1], origin=origin)
    assert bob.cat.get_actor(genethon)["name"] == "Genethon" and not bob.cat.is_applied(origin)


def test_a_failure_midway_leaves_nothing_applied(team, monkeypatch):
    (alice, bob, _), (genethon, yposkesi) = team
    alice.cat.update_actor(genethon, {"description": "Un"})
    alice.cat.update_actor(yposkesi, {"description": "Deux"})
    alice.cat.create_actor({"name": "Trois", "kind": "biotech"})
    origin, payload = unpack(alice.push())
    before = _state(bob.cat)
    real = bob.cat.backend.update
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disque arraché")
        return real(*args, **kwargs)
    monkeypatch.setattr(bob.cat.backend, "update", failing)
    with pytest.raises(OSError):
        bob.cat.apply_changes(payload, origin=origin)
    monkeypatch.undo()
    assert _state(bob.cat) == before and not bob.cat.is_applied(origin)
    assert bob.cat.count(Filter(text="trois")) == 0
    result = bob.cat.apply_changes(payload, origin=origin)   # the next sync completes
    assert result.rows == 3 and bob.cat.count(Filter(text="trois")) == 1


def test_a_new_member_joins_from_a_snapshot_and_the_log_above_it(team, tmp_path):
    (alice, bob, _), (genethon, _) = team
    bob.cat.update_actor(genethon, {"description": "Avant l'instantané"})
    bob.push()
    alice.sync()
    snapshot = alice.cat.snapshot()
    assert b"history_changes" in snapshot and alice.cat.sync_identity().catalogue_id.encode() in snapshot
    bob.cat.update_actor(genethon, {"website": "https://après.example"})
    bob.push()
    dave = Catalogue.from_snapshot(snapshot, tmp_path / "dave.sqlite", member="Dave")
    try:
        held = dave.applied_sequences()
        assert held[bob.cat.sync_identity().catalogue_id] == 1
        assert dave.sync_identity().catalogue_id not in {m.cat.sync_identity().catalogue_id for m in team[0]}
        assert dave.conn.execute("SELECT count(*) FROM history_batches").fetchone()[0] == 0
        for data in alice.log:
            origin, payload = unpack(data)
            if origin.sequence > held.get(origin.catalogue_id, 0):
                dave.apply_changes(payload, origin=origin)
        actor = dave.get_actor(genethon)
        assert (actor["description"], actor["website"]) == ("Avant l'instantané", "https://après.example")
        assert dave.actor_ids(Filter(text="instantané")) == [genethon]
    finally:
        dave.close()
    with pytest.raises(UserError):
        Catalogue.from_snapshot(b"pas un catalogue", tmp_path / "eve.sqlite")


def test_a_catalogue_open_elsewhere_follows_the_set_up(tmp_path):
    path = tmp_path / "seul.sqlite"
    Catalogue.create(path, seed=False).close()
    with Catalogue.open(path) as window, Catalogue.open(path) as command:
        first = window.create_actor({"name": "Avant", "kind": "biotech"})
        assert window.pending_count() == 0 and first == 1
        command.set_member("Claire, Région")          # `eco-desktop sync` while the window is open
        later = window.create_actor({"name": "Après", "kind": "biotech"})
        assert later >> 32 == command.sync_identity().block
        assert window.pending_count() == 1
