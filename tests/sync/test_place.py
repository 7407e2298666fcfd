"""The shared place, as a folder and over a real WebDAV server: atomic writes, listing,
bounded sizes, a place out of reach."""
from __future__ import annotations

import pytest

from eco_desktop.sync import place as place_module
from eco_desktop.sync.place import AlreadyThere, FolderPlace, Offline, TooLarge, check_name
from sync_helpers import shared_place


@pytest.fixture(params=["folder", "webdav"])
def place(request, tmp_path):
    with shared_place(request.param, tmp_path) as (place, root):
        yield place, root


def test_write_read_list_delete(place):
    place, root = place
    assert place.list("changes") == []
    place.write_atomic("changes/aaa/0000000001.ecs", b"un")
    place.write_atomic("changes/bbb/0000000002.ecs", b"deux")
    place.write_atomic("snapshots/s.json", b"{}")
    assert place.list("changes") == ["changes/aaa/0000000001.ecs", "changes/bbb/0000000002.ecs"]
    assert place.read("changes/bbb/0000000002.ecs") == b"deux"
    assert place.exists("snapshots/s.json") and not place.exists("snapshots/t.json")
    place.delete("snapshots/s.json")
    place.delete("snapshots/s.json")  # already gone: nothing
    assert place.list("snapshots") == []
    assert (root / "changes" / "aaa" / "0000000001.ecs").read_bytes() == b"un"


def test_no_replace_keeps_the_first_file(place):
    place, root = place
    place.write_atomic("changes/aaa/0000000001.ecs", b"premier", replace=False)
    with pytest.raises(AlreadyThere):
        place.write_atomic("changes/aaa/0000000001.ecs", b"second", replace=False)
    assert place.read("changes/aaa/0000000001.ecs") == b"premier"
    place.write_atomic("changes/aaa/0000000001.ecs", b"reecrit")
    assert place.read("changes/aaa/0000000001.ecs") == b"reecrit"
    assert [p.name for p in (root / "changes" / "aaa").iterdir()] == ["0000000001.ecs"]  # no temporary left


def test_hidden_and_temporary_files_are_not_listed(place):
    place, root = place
    place.write_atomic("changes/aaa/0000000001.ecs", b"un")
    (root / "changes" / "aaa" / ".~0000000002.ecs.1234.tmp").write_bytes(b"moitie")
    (root / "changes" / "aaa" / "notes.tmp").write_bytes(b"x")
    (root / "changes" / ".cache").mkdir()
    (root / "changes" / ".cache" / "x.ecs").write_bytes(b"x")
    assert place.list("changes") == ["changes/aaa/0000000001.ecs"]


def test_sizes_are_bounded(place, monkeypatch):
    place, _root = place
    place.write_atomic("changes/aaa/0000000001.ecs", b"x" * 2000)
    monkeypatch.setattr(place_module, "MAX_CHANGESET_BYTES", 1000)
    with pytest.raises(TooLarge, match="limite"):
        place.write_atomic("changes/aaa/0000000002.ecs", b"x" * 2000)
    with pytest.raises(TooLarge, match="limite"):
        place.read("changes/aaa/0000000001.ecs")
    place.write_atomic("snapshots/s.ecsnap", b"x" * 2000)  # snapshots have their own bound


def test_names_stay_inside_the_place():
    for bad in ("../x", "a/../../x", "/etc/passwd", "a//b", "", "a/./b"):
        with pytest.raises(ValueError):
            check_name(bad)
    assert check_name("changes/0a1b/0000000001.ecs")


def test_a_missing_folder_is_offline(tmp_path):
    place = FolderPlace(tmp_path / "cle-usb")
    with pytest.raises(Offline, match="Hors ligne"):
        place.list("changes")
    with pytest.raises(Offline):
        place.write_atomic("changes/a/0000000001.ecs", b"x")


def test_probe(place, tmp_path):
    place, _root = place
    place.probe()
    if isinstance(place, FolderPlace):
        with pytest.raises(Offline):
            FolderPlace(tmp_path / "absent").probe()
