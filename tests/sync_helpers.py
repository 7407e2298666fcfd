"""What the sync tests share: a real WebDAV server on 127.0.0.1 (wsgidav under cheroot,
in a thread, on a free port), the shared place as a folder or over that server, and a
keyring kept in memory."""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from eco_desktop.sync.place import FolderPlace
from eco_desktop.sync.webdav import WebDavPlace

DAV_USER, DAV_PASSWORD = "equipe", "mot-de-passe-secret"


@contextmanager
def webdav_server(root: Path, *, user: str = DAV_USER, password: str = DAV_PASSWORD) -> Iterator[str]:
    """Serve ``root`` over WebDAV with Basic authentication; yields the collection's URL."""
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    root.mkdir(parents=True, exist_ok=True)
    app = WsgiDAVApp({
        "provider_mapping": {"/dav": str(root)},
        "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
        "http_authenticator": {"accept_basic": True, "accept_digest": False, "default_to_digest": False,
                               "trusted_auth_header": None},
        "verbose": 0,
        "logging": {"enable": False},
        "dir_browser": {"enable": False},
        "lock_storage": True,
        "property_manager": True,
    })
    logging.getLogger("wsgidav").setLevel(logging.WARNING)
    server = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
    server.prepare()
    port = server.bind_addr[1]
    thread = threading.Thread(target=server.serve, name="wsgidav", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/dav/"
    finally:
        server.stop()
        thread.join(10)


@contextmanager
def shared_place(kind: str, tmp_path: Path) -> Iterator[tuple[object, Path]]:
    """(the place, the folder holding its files on disk) for ``kind`` "folder" or "webdav"."""
    root = tmp_path / "partage"
    if kind == "folder":
        root.mkdir()
        yield FolderPlace(root), root
        return
    with webdav_server(root) as url:
        place = WebDavPlace(url, DAV_USER, DAV_PASSWORD)
        try:
            yield place, root
        finally:
            place.close()


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, for the tests (this machine has none). Below the fail
    backend's priority: keyring's discovery, which considers every subclass defined,
    must never pick it on its own."""

    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("absent")


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def files_holding(root: Path, needle: bytes) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``needle``."""
    return [p for p in sorted(root.rglob("*")) if p.is_file() and needle in p.read_bytes()]


class Team:
    """Alice, who started the team's place from her catalogue, and Bob, who joined from
    its snapshot; Carol joins when a test calls :meth:`join`."""

    def __init__(self, place, root: Path, folder: Path, seed: Path) -> None:
        import shutil
        from eco_desktop.catalogue import Catalogue
        from eco_desktop.sync import run
        self.place, self.root, self.folder = place, root, folder
        shutil.copyfile(seed, folder / "alice.sqlite")
        self.alice = Catalogue.open(folder / "alice.sqlite")
        self.alice.set_member("Alice")
        run.sync(self.alice, place)
        self.opened = [self.alice]
        self.bob = self.join("Bob")

    def join(self, member: str):
        from eco_desktop.catalogue import Catalogue
        from eco_desktop.sync import run
        path = self.folder / f"{member.lower()}.sqlite"
        self.last_join = run.join(self.place, path, member=member)
        cat = Catalogue.open(path)
        self.opened.append(cat)
        return cat

    def sync(self, *members):
        from eco_desktop.sync import run
        return [run.sync(m, self.place) for m in members]

    def close(self) -> None:
        for cat in self.opened:
            cat.close()
