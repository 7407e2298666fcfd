"""Team sync's figures (issue 19): a pull of 10,000 actors another member changed, and a
whole sync with nothing new, on copies of the benchmark's catalogue and a shared folder.

Set-up, not timed: Alice's copy starts the team's folder (its first snapshot), Bob
joins from it, Alice changes the actors (description and a tag each, one transaction)
and publishes them. Each ``sync_pull_10k`` sample is ``sync.run.sync`` of a fresh copy
of Bob's joined file, its index loaded first as in an open window; each ``sync_noop``
sample is a sync of Alice's catalogue once nothing is left to send or receive."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..catalogue import Catalogue
from ..filter import Filter
from ..sync import run
from ..sync.place import FolderPlace
from .figures import timed

CHANGED = 10_000


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        else:
            Path(f"{target}{suffix}").unlink(missing_ok=True)


class SyncBench:
    """The team's folder and the two members' files, made once for both figures."""

    def __init__(self, path: Path, folder: Path) -> None:
        root = folder / "sync-partage"
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        self.place = FolderPlace(root)
        self.alice_path, self.bob_path = folder / "sync-alice.sqlite", folder / "sync-bob.sqlite"
        for stale in (self.alice_path, self.bob_path):
            _copy(folder / "absent", stale)
        _copy(path, self.alice_path)
        alice = Catalogue.open(self.alice_path)
        try:
            alice.set_member("Alice")
            run.sync(alice, self.place)
            run.join(self.place, self.bob_path, member="Bob")
            ids = alice.actor_ids(Filter())[:CHANGED]
            self.changed = len(ids)
            with alice.transaction(f"Banc d'essai : {len(ids)} acteurs modifiés"):
                for i, actor_id in enumerate(ids):
                    actor = alice.get_actor(actor_id)
                    alice.update_actor(actor_id, {"description": f"{actor['description']} (révisé {i})",
                                                  "tags": [*actor["tags"], "revue-2026"]})
            self.sent = run.sync(alice, self.place).sent
        finally:
            alice.close()

    def pull(self, repeat: int) -> list[float]:
        samples = []
        target = self.bob_path.with_name("sync-bob-run.sqlite")
        for _ in range(repeat):
            _copy(self.bob_path, target)
            bob = Catalogue.open(target)
            try:
                bob.actor_ids(Filter())
                report = None

                def pull() -> None:
                    nonlocal report
                    report = run.sync(bob, self.place)
                samples.append(timed(pull))
                if report.rows < self.changed:
                    raise RuntimeError(f"sync_pull_10k: {report.rows} rows applied, {self.changed} expected")
            finally:
                bob.close()
        return samples

    def noop(self, repeat: int) -> list[float]:
        alice = Catalogue.open(self.alice_path)
        try:
            alice.actor_ids(Filter())
            run.sync(alice, self.place)  # Bob's runs sent nothing; this one settles any snapshot
            return [timed(lambda: run.sync(alice, self.place)) for _ in range(repeat)]
        finally:
            alice.close()
