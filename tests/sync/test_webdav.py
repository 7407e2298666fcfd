"""The WebDAV place against a real wsgidav server: https required off the loopback,
refusals and an unreachable server in French."""
from __future__ import annotations

import socket

import pytest

from eco_desktop.errors import UserError
from eco_desktop.sync.place import Offline, PlaceError
from eco_desktop.sync.webdav import WebDavPlace, check_url
from sync_helpers import DAV_PASSWORD, DAV_USER, webdav_server


def test_https_required_except_on_the_loopback():
    assert check_url("https://cloud.example.fr/remote.php/dav/files/claire/eco") == \
        "https://cloud.example.fr/remote.php/dav/files/claire/eco/"
    for url in ("http://127.0.0.1:8080/dav", "http://localhost/dav/", "http://[::1]:9000/"):
        assert check_url(url).startswith("http://")
    with pytest.raises(UserError, match="https://"):
        check_url("http://cloud.example.fr/dav")
    with pytest.raises(UserError, match="n'est pas une adresse WebDAV"):
        check_url("ftp://cloud.example.fr/dav")
    with pytest.raises(UserError):
        WebDavPlace("http://192.168.1.10/dav", "u", "p")


def test_wrong_password_is_refused_in_french(tmp_path):
    with webdav_server(tmp_path / "dav") as url:
        place = WebDavPlace(url, DAV_USER, "faux")
        with pytest.raises(PlaceError, match=r"refusé l'accès \(401\)"):
            place.list("changes")
        place.close()


def test_unknown_collection_is_said(tmp_path):
    with webdav_server(tmp_path / "dav") as url:
        place = WebDavPlace(url + "absent/", DAV_USER, DAV_PASSWORD)
        with pytest.raises(PlaceError, match=r"\(404\)"):
            place.probe()
        place.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_does_not_answer_is_offline():
    place = WebDavPlace(f"http://127.0.0.1:{_free_port()}/dav/", DAV_USER, DAV_PASSWORD, timeout=2)
    with pytest.raises(Offline, match="Hors ligne"):
        place.list("changes")


def test_a_server_gone_midway_is_offline(tmp_path):
    with webdav_server(tmp_path / "dav") as url:
        place = WebDavPlace(url, DAV_USER, DAV_PASSWORD, timeout=2)
        place.write_atomic("changes/a/0000000001.ecs", b"un")
    with pytest.raises(Offline):
        place.read("changes/a/0000000001.ecs")


def test_names_are_quoted(tmp_path):
    with webdav_server(tmp_path / "dav") as url:
        place = WebDavPlace(url, DAV_USER, DAV_PASSWORD)
        place.write_atomic("snapshots/20261202T101500Z-ab~c.json", b"{}")
        assert place.list("snapshots") == ["snapshots/20261202T101500Z-ab~c.json"]
        place.close()


def test_a_collection_whose_name_has_spaces_and_accents(tmp_path):
    (tmp_path / "dav" / "Équipe biothérapies").mkdir(parents=True)
    with webdav_server(tmp_path / "dav") as url:
        place = WebDavPlace(url + "Équipe biothérapies", DAV_USER, DAV_PASSWORD)
        place.write_atomic("changes/ab12cd34/0000000001.ecs", b"un")
        assert place.list("changes") == ["changes/ab12cd34/0000000001.ecs"]
        assert place.read("changes/ab12cd34/0000000001.ecs") == b"un"
        place.close()
    assert (tmp_path / "dav" / "Équipe biothérapies" / "changes" / "ab12cd34" / "0000000001.ecs").exists()
