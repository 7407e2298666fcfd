"""Alice, Bob and Carol syncing through a shared folder and through a real WebDAV server:
merged edits, conflicts, sets, the trash, relations and shortlists, a join from a
snapshot, an erasure gone from every file of the place, a newer schema refused, the same
changeset twice."""
from __future__ import annotations

import pytest

from eco_desktop import vocab
from eco_desktop.catalogue import Catalogue, OperationCancelled
from eco_desktop.catalogue.privacy import erase_person
from eco_desktop.catalogue.sync import Origin, pack, unpack
from eco_desktop.sync import log, run
from eco_desktop.sync.place import FolderPlace
from sync_helpers import Team, files_holding, shared_place

GENSIGHT, ART_TG = 17, 27


@pytest.fixture(params=["folder", "webdav"])
def team(request, tmp_path, catalogue_path):
    with shared_place(request.param, tmp_path) as (place, root):
        team = Team(place, root, tmp_path, catalogue_path)
        yield team
        team.close()


def test_the_first_sync_starts_the_team_with_a_snapshot(team):
    snapshot = log.latest_snapshot(team.place)
    assert snapshot is not None and snapshot.catalogue_id == team.alice.sync_identity().catalogue_id
    assert team.bob.total() == team.alice.total()
    assert team.bob.sync_identity().member == "Bob"
    assert team.bob.sync_identity().catalogue_id != team.alice.sync_identity().catalogue_id


def test_different_fields_of_one_actor_are_both_kept(team):
    team.alice.update_actor(GENSIGHT, {"website": "https://alice.example"})
    team.bob.update_actor(GENSIGHT, {"phone": "01 02 03 04 05"})
    alice_report, bob_report, _ = team.sync(team.alice, team.bob, team.alice)
    assert alice_report.sent == 1 and bob_report.received == 1 and bob_report.sent == 1
    assert GENSIGHT in bob_report.actor_ids
    for cat in (team.alice, team.bob):
        actor = cat.get_actor(GENSIGHT)
        assert (actor["website"], actor["phone"]) == ("https://alice.example", "01 02 03 04 05")
    assert team.alice.conflicts() == [] and team.bob.conflicts() == []
    history = team.alice.history(actor_id=GENSIGHT)
    assert any("Bob" in (entry.get("user") or "") + (entry.get("label") or "") for entry in history)


def test_the_same_field_is_a_listed_conflict(team):
    team.alice.update_actor(GENSIGHT, {"description": "Version d'Alice"})
    team.bob.update_actor(GENSIGHT, {"description": "Version de Bob"})
    team.sync(team.alice, team.bob, team.alice)
    kept = team.alice.get_actor(GENSIGHT)["description"]
    assert kept == team.bob.get_actor(GENSIGHT)["description"]  # one rule on both sides
    listed = team.bob.conflicts() + team.alice.conflicts()
    assert listed, "the conflict is listed"
    conflict = listed[0]
    assert {conflict.mine, conflict.theirs} == {"Version d'Alice", "Version de Bob"}
    assert conflict.member in ("Alice", "Bob") and conflict.field == "description"
    row = run.conflict_to_json(conflict)
    assert row["actor"] == team.alice.get_actor(GENSIGHT)["name"]


def test_tags_merge_as_sets(team):
    tags = team.alice.get_actor(GENSIGHT)["tags"]
    team.alice.update_actor(GENSIGHT, {"tags": [*tags, "aav", "retine"]})
    team.sync(team.alice, team.bob)
    team.alice.update_actor(GENSIGHT, {"tags": [t for t in team.alice.get_actor(GENSIGHT)["tags"] if t != "aav"]})
    team.bob.update_actor(GENSIGHT, {"tags": [*team.bob.get_actor(GENSIGHT)["tags"], "medicen"]})
    team.sync(team.alice, team.bob, team.alice)
    for cat in (team.alice, team.bob):
        got = set(cat.get_actor(GENSIGHT)["tags"])
        assert {"retine", "medicen"} <= got and "aav" not in got


def test_create_trash_and_delete_propagate(team):
    new_id = team.alice.create_actor({"name": "Nouvelle Biotech", "kind": "biotech", "commune": "Évry-Courcouronnes"})
    bob_new = team.bob.create_actor({"name": "Autre Biotech", "kind": "biotech"})
    assert new_id != bob_new
    team.sync(team.alice, team.bob, team.alice)
    assert team.bob.get_actor(new_id)["name"] == "Nouvelle Biotech"
    assert team.alice.get_actor(bob_new)["name"] == "Autre Biotech"
    team.bob.delete_actors([new_id])
    team.sync(team.bob, team.alice)
    assert team.alice.get_actor(new_id)["deleted_at"]
    team.alice.restore_actors([new_id])
    team.sync(team.alice, team.bob)
    assert not team.bob.get_actor(new_id)["deleted_at"]
    team.alice.delete_actors([bob_new])
    team.alice.purge_actors([bob_new])
    team.sync(team.alice, team.bob)
    assert team.bob.get_actor(bob_new) is None


def test_relations_contacts_and_shortlists_sync(team):
    relation = team.alice.add_relation(GENSIGHT, next(iter(vocab.RELATION_TYPES)), ART_TG, note="partenaires")
    contact = team.alice.add_contact(GENSIGHT, {"first_name": "Inès", "last_name": "Roux", "email": "ines@example.fr"})
    call_id = team.alice.create_call("AAP Bioproduction 2027", funder="Région")
    team.alice.add_to_call(call_id, [GENSIGHT, ART_TG])
    team.alice.set_status(call_id, [GENSIGHT], "contacted", note="appel le 3")
    team.sync(team.alice, team.bob)
    assert any(r["id"] == relation for r in team.bob.relations_of(GENSIGHT))
    assert team.bob.get_contact(contact)["email"] == "ines@example.fr"
    call = team.bob.get_call("AAP Bioproduction 2027")
    entries = {e["actor_id"]: e for e in team.bob.shortlist(call["id"])}
    assert set(entries) == {GENSIGHT, ART_TG} and entries[GENSIGHT]["status"] == "contacted"
    team.bob.set_status(call["id"], [ART_TG], "applied")
    team.sync(team.bob, team.alice)
    assert {e["actor_id"]: e["status"] for e in team.alice.shortlist(call_id)}[ART_TG] == "applied"


def test_carol_joins_from_the_snapshot_without_replaying_the_log(team, monkeypatch):
    monkeypatch.setattr(log, "SNAPSHOT_EVERY", 3)
    for i in range(4):
        team.alice.update_actor(GENSIGHT, {"description": f"Version {i}"})
        team.sync(team.alice)
    team.bob.update_actor(ART_TG, {"phone": "01 99 99 99 99"})
    team.sync(team.bob)
    snapshot = log.latest_snapshot(team.place)
    assert snapshot.includes.get(team.alice.sync_identity().catalogue_id, 0) >= 3
    carol = team.join("Carol")
    assert team.last_join.received < 5  # only what the snapshot did not hold
    assert carol.get_actor(GENSIGHT)["description"] == "Version 3"
    assert carol.get_actor(ART_TG)["phone"] == "01 99 99 99 99"
    assert len(log.snapshots(team.place)) <= log.SNAPSHOTS_KEPT
    carol.update_actor(GENSIGHT, {"website": "https://carol.example"})
    team.sync(carol, team.alice)
    assert team.alice.get_actor(GENSIGHT)["website"] == "https://carol.example"


def test_an_erasure_leaves_no_byte_of_the_person_in_the_place(team):
    contact = team.alice.add_contact(GENSIGHT, {"civility": "Mme", "first_name": "Camille", "last_name": "Lemaire",
                                                "email": "camille.lemaire@exemple.fr", "phone": "01 23 45 67 89"})
    team.sync(team.alice, team.bob)
    team.bob.add_exchange(GENSIGHT, date="2026-11-30", kind="call", text="Appel de Camille Lemaire sur l'AAP")
    team.bob.update_contact(contact, {"role": "Directrice"})
    team.sync(team.bob, team.alice)
    carol = team.join("Carol")
    team.sync(team.alice)  # a snapshot holding her may be in the place too
    assert files_holding(team.root, b"camille.lemaire@exemple.fr")
    erase_person(team.alice, contact)
    report = team.sync(team.alice)[0]
    assert report.rewritten
    team.sync(team.bob, carol)
    for cat in (team.alice, team.bob, carol):
        assert cat.get_contact(contact) is None
        assert all("Camille Lemaire" not in e["text"] for e in cat.exchanges(GENSIGHT))
    for needle in (b"camille.lemaire@exemple.fr", b"Lemaire", "Camille Lemaire".encode()):
        assert files_holding(team.root, needle) == [], needle
    dave = team.join("Dave")
    assert dave.get_contact(contact) is None


def test_a_changeset_of_a_newer_schema_is_refused_whole(team):
    team.bob.update_actor(GENSIGHT, {"phone": "01 11 11 11 11"})
    payload = team.bob.local_changes()
    mine = team.bob.next_origin()
    stranger = Origin("f" * 32, "Zoé", 1, mine.schema_version + 5, mine.created, 7, "9.0")
    team.place.write_atomic(log.change_name(stranger.catalogue_id, 1), pack(stranger, payload))
    team.alice.update_actor(ART_TG, {"phone": "01 22 22 22 22"})
    team.sync(team.alice)
    report = team.sync(team.bob)[0]
    assert any("mettez à jour eco-desktop" in line for line in report.refused)
    assert report.received == 1  # Alice's still came
    assert team.bob.get_actor(ART_TG)["phone"] == "01 22 22 22 22"
    assert stranger.catalogue_id not in team.bob.applied_sequences()


def test_the_same_changeset_twice_changes_nothing(team):
    team.alice.update_actor(GENSIGHT, {"website": "https://une-fois.example"})
    team.sync(team.alice, team.bob)
    name = log.change_name(team.alice.sync_identity().catalogue_id, 1)
    origin, payload = unpack(team.place.read(name))
    before = team.bob.history(limit=5)
    assert team.bob.apply_changes(payload, origin=origin).skipped
    assert team.bob.history(limit=5) == before
    again = team.sync(team.bob)[0]
    assert (again.received, again.sent) == (0, 0)


def test_a_catalogue_that_never_synced_cannot_join_by_syncing(team, tmp_path, catalogue_path):
    import shutil
    shutil.copyfile(catalogue_path, tmp_path / "eve.sqlite")
    with Catalogue.open(tmp_path / "eve.sqlite") as eve:
        with pytest.raises(Exception, match="sert déjà à une équipe"):
            run.sync(eve, team.place)


def test_a_cancelled_pull_keeps_what_it_applied_and_the_next_completes(team):
    carol = team.join("Carol")
    team.alice.update_actor(GENSIGHT, {"website": "https://alice.example"})
    team.bob.update_actor(ART_TG, {"website": "https://bob.example"})
    team.sync(team.alice, team.bob)
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1  # after the first file
    with pytest.raises(OperationCancelled):
        run.sync(carol, team.place, cancel=cancel)
    got = (carol.get_actor(GENSIGHT)["website"], carol.get_actor(ART_TG)["website"])
    assert sum(bool(v) and v.endswith(".example") for v in got) == 1
    assert run.sync(carol, team.place).received == 1
    assert carol.get_actor(ART_TG)["website"] == "https://bob.example"


def test_a_first_sync_stopped_after_its_snapshot_can_be_run_again(tmp_path, catalogue_path):
    import shutil
    shutil.copyfile(catalogue_path, tmp_path / "solo.sqlite")
    (tmp_path / "vide").mkdir()
    place = FolderPlace(tmp_path / "vide")
    with Catalogue.open(tmp_path / "solo.sqlite") as solo:
        run.sync(solo, place)
        solo.set_meta(run.LAST_SYNC_KEY, "")  # as if stopped before the end
        solo.update_actor(GENSIGHT, {"website": "https://solo.example"})
        assert run.sync(solo, place).sent == 1
