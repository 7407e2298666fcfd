"""Three catalogues of one team — Alice, Bob, Carol — exchanging changeset bytes directly
(no shared place: tests/sync/ tests the place)."""
from __future__ import annotations

import itertools

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.catalogue.sync import pack, unpack


class Member:
    """One member's catalogue and the team's log (a list of changeset files)."""

    def __init__(self, cat: Catalogue, log: list[bytes]) -> None:
        self.cat = cat
        self.log = log

    def push(self) -> bytes | None:
        payload = self.cat.local_changes()
        if payload is None:
            return None
        origin = self.cat.next_origin()
        data = pack(origin, payload)
        self.log.append(data)
        self.cat.mark_published(payload, origin)
        return data

    def pull(self) -> list:
        results = []
        for data in list(self.log):
            origin, payload = unpack(data)
            results.append(self.cat.apply_changes(payload, origin=origin))
        return results

    def sync(self) -> None:
        self.pull()
        self.push()


@pytest.fixture
def stamps(monkeypatch):
    """Edits one second apart, in the order they are made (the later edit wins)."""
    counter = itertools.count(1)

    def now() -> str:
        n = next(counter)
        return f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}+00:00"
    from eco_desktop.catalogue import actors, records, calls
    for module in (actors, records, calls):
        if hasattr(module, "now_iso"):
            monkeypatch.setattr(module, "now_iso", now)
    return now


@pytest.fixture
def team(tmp_path, stamps):
    """Alice's catalogue (two actors with a contact), set up for sync; Bob and Carol
    joined from her snapshot."""
    log: list[bytes] = []
    alice = Catalogue.create(tmp_path / "alice.sqlite", seed=False)
    first = alice.create_actor({"name": "Genethon", "kind": "biotech", "commune": "Évry-Courcouronnes",
                                "tags": ["aav"], "description": "Thérapie génique"})
    second = alice.create_actor({"name": "Yposkesi", "kind": "bioproduction", "commune": "Corbeil-Essonnes"})
    alice.add_contact(first, {"first_name": "Jeanne", "last_name": "Durand", "email": "jeanne.durand@example.org"})
    alice.set_member("Alice")
    snapshot = alice.snapshot()
    bob = Catalogue.from_snapshot(snapshot, tmp_path / "bob.sqlite", member="Bob")
    carol = Catalogue.from_snapshot(snapshot, tmp_path / "carol.sqlite", member="Carol")
    members = [Member(c, log) for c in (alice, bob, carol)]
    yield members, (first, second)
    for member in members:
        member.cat.close()
