"""The place's layout: changeset names, what to pull, snapshots and their manifests,
pruning, the rewrite of every file."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from eco_desktop.catalogue import OperationCancelled
from eco_desktop.sync import log
from eco_desktop.sync.place import AlreadyThere, FolderPlace

A, B, C = "a" * 32, "b" * 32, "c" * 32


@pytest.fixture
def place(tmp_path):
    (tmp_path / "partage").mkdir()
    return FolderPlace(tmp_path / "partage")


def test_names_round_trip():
    assert log.change_name(A, 7) == f"changes/{A}/0000000007.ecs"
    assert log.parse_change(log.change_name(A, 7)) == (A, 7)
    for other in (f"changes/{A}/0000000007 (conflicted copy).ecs", f"changes/{A}/7.ecs", "changes/x/0000000001.ecs",
                  f"snapshots/{A}.ecsnap"):
        assert log.parse_change(other) is None


def test_pull_takes_the_others_files_above_what_was_applied(place):
    for cid, seq in ((A, 1), (A, 2), (B, 1), (B, 2), (B, 3), (C, 1)):
        log.publish(place, cid, seq, b"x")
    (place.root / "changes" / B / "0000000004 (copie en conflit).ecs").write_bytes(b"?")
    index = log.log_index(place)
    assert index == {A: [1, 2], B: [1, 2, 3], C: [1]}
    assert log.to_pull(index, {B: 2}, own_id=A) == [(B, 3), (C, 1)]
    assert log.to_pull(index, {B: 3, C: 1}, own_id=A) == []


def test_a_gap_in_a_members_files_makes_the_next_ones_wait(place):
    for seq in (1, 2, 4, 5):
        log.publish(place, B, seq, b"x")
    index = log.log_index(place)
    assert log.to_pull(index, {}, own_id=A) == [(B, 1), (B, 2)]
    assert log.to_pull(index, {B: 2}, own_id=A) == []
    log.publish(place, B, 3, b"x")  # the desktop client brought it at last
    assert log.to_pull(log.log_index(place), {B: 2}, own_id=A) == [(B, 3), (B, 4), (B, 5)]


def test_a_published_changeset_is_never_replaced(place):
    log.publish(place, A, 1, b"premier")
    with pytest.raises(AlreadyThere):
        log.publish(place, A, 1, b"autre")
    assert place.read(log.change_name(A, 1)) == b"premier"


def test_snapshots_latest_and_pruned(place):
    start = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)
    for i in range(4):
        log.write_snapshot(place, A, f"etat {i}".encode(), {A: i, B: 2 * i}, 9, now=start + timedelta(hours=i))
    # an unfinished one (killed before its manifest), older than the latest
    place.write_atomic("snapshots/20261202T103000000000Z-" + B + ".ecsnap", b"moitie")
    latest = log.latest_snapshot(place)
    assert latest.includes == {A: 3, B: 6} and latest.schema_version == 9
    assert place.read(latest.data_name) == b"etat 3"
    assert latest.published_since({A: [1, 2, 3, 4], B: [6, 7]}) == 2
    assert log.prune_snapshots(place) == 5
    assert [s.includes[A] for s in log.snapshots(place)] == [2, 3]
    assert len(place.list("snapshots")) == 4


def test_a_snapshot_without_manifest_is_invisible(place):
    place.write_atomic("snapshots/20261202T103000000000Z-" + B + ".ecsnap", b"moitie")
    assert log.latest_snapshot(place) is None


def test_scrub_rewrites_every_file_holding_the_name(place):
    log.publish(place, A, 1, b"Camille Martin, camille@example.fr")
    log.publish(place, B, 1, b"rien")
    log.write_snapshot(place, A, b"... Camille Martin ...", {A: 1}, 9)
    scrub = lambda data: data.replace(b"Camille Martin", b"").replace(b"camille@example.fr", b"")
    assert log.scrub_place(place, scrub) == 2
    for name in place.list("changes") + place.list("snapshots"):
        assert b"Camille" not in place.read(name)
    assert log.scrub_place(place, scrub) == 0


def test_scrub_cancelled_says_so(place):
    log.publish(place, A, 1, b"x")
    with pytest.raises(OperationCancelled):
        log.scrub_place(place, lambda d: d, cancel=lambda: True)
