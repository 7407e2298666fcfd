"""The shared place's layout: the append-only log of changesets, the snapshots, and the
rewrite that removes an erased person from both.

::

    changes/<catalogue id>/<sequence, 10 digits>.ecs   one file per push, never replaced
    snapshots/<created>-<catalogue id>.ecsnap          a whole catalogue's synced tables
    snapshots/<created>-<catalogue id>.json            which sequence of each catalogue it holds

A member pulls, for each other catalogue, the files above the sequence it has applied,
in order. A snapshot's manifest is written after its data: a snapshot without one is
unfinished and ignored (and removed by the next prune). Names that do not match (a
desktop client's « conflicted copy », a file someone dropped there) are left alone.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from ..catalogue import OperationCancelled
from .place import Place, PlaceError

__all__ = ["CHANGES", "SNAPSHOTS", "SNAPSHOT_EVERY", "SNAPSHOTS_KEPT", "Snapshot", "change_name", "log_index",
           "latest_snapshot", "parse_change", "prune_snapshots", "publish", "scrub_place", "snapshots",
           "to_pull", "write_snapshot"]

CHANGES = "changes"
SNAPSHOTS = "snapshots"
#: A new snapshot once this many changeset files were published after the latest one.
SNAPSHOT_EVERY = 50
#: Snapshots kept: the latest, and one before it for a member joining while it is replaced.
SNAPSHOTS_KEPT = 2

_CHANGE = re.compile(r"^changes/(?P<cid>[0-9a-f]{8,64})/(?P<seq>\d{10})\.ecs\Z")
_SNAPSHOT = re.compile(r"^snapshots/(?P<stem>(?P<created>\d{8}T\d{6}\d{0,6}Z)-(?P<cid>[0-9a-f]{8,64}))"
                       r"\.(?P<ext>ecsnap|json)\Z")


def change_name(catalogue_id: str, sequence: int) -> str:
    return f"{CHANGES}/{catalogue_id}/{sequence:010d}.ecs"


def parse_change(name: str) -> tuple[str, int] | None:
    """(catalogue id, sequence) of a changeset file's name; None for any other name."""
    match = _CHANGE.match(name)
    return (match["cid"], int(match["seq"])) if match else None


def log_index(place: Place) -> dict[str, list[int]]:
    """Every catalogue's published sequences, sorted."""
    index: dict[str, list[int]] = {}
    for name in place.list(CHANGES):
        parsed = parse_change(name)
        if parsed:
            index.setdefault(parsed[0], []).append(parsed[1])
    for sequences in index.values():
        sequences.sort()
    return index


def to_pull(index: dict[str, list[int]], applied: dict[str, int], own_id: str) -> list[tuple[str, int]]:
    """The files of the other catalogues above what has been applied of each, each
    catalogue's in order (a changeset builds on its predecessors from the same catalogue)
    and without a gap: a desktop client may bring file 5 before file 4, and 5 waits."""
    wanted = []
    for catalogue_id in sorted(index):
        if catalogue_id == own_id:
            continue
        expected = applied.get(catalogue_id, 0) + 1
        for seq in index[catalogue_id]:
            if seq < expected:
                continue
            if seq > expected:
                break
            wanted.append((catalogue_id, seq))
            expected += 1
    return wanted


def publish(place: Place, catalogue_id: str, sequence: int, data: bytes) -> str:
    """Write one changeset under its final name, never over another file; its name."""
    name = change_name(catalogue_id, sequence)
    place.write_atomic(name, data, replace=False)
    return name


@dataclass(frozen=True)
class Snapshot:
    stem: str
    created: str
    catalogue_id: str
    #: catalogue id -> the last sequence of that catalogue the snapshot holds
    includes: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0

    @property
    def data_name(self) -> str:
        return f"{SNAPSHOTS}/{self.stem}.ecsnap"

    @property
    def manifest_name(self) -> str:
        return f"{SNAPSHOTS}/{self.stem}.json"

    def published_since(self, index: dict[str, list[int]]) -> int:
        """How many changeset files of ``index`` the snapshot does not hold."""
        return sum(1 for cid, seqs in index.items() for seq in seqs if seq > self.includes.get(cid, 0))


def _stems(place: Place) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name in place.list(SNAPSHOTS):
        match = _SNAPSHOT.match(name)
        if match:
            found.setdefault(match["stem"], set()).add(match["ext"])
    return found


def snapshots(place: Place) -> list[Snapshot]:
    """The finished snapshots (manifest written), oldest first."""
    found = []
    for stem, exts in sorted(_stems(place).items()):
        if exts != {"ecsnap", "json"}:
            continue
        manifest_name = f"{SNAPSHOTS}/{stem}.json"
        try:
            manifest = json.loads(place.read(manifest_name))
            includes = {str(k): int(v) for k, v in manifest["includes"].items()}
            created, catalogue_id = stem.split("-", 1)
            found.append(Snapshot(stem, created, catalogue_id, includes, int(manifest.get("schema_version", 0))))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PlaceError(f"Le fichier « {manifest_name} » du dossier partagé est illisible.") from exc
    return sorted(found, key=lambda s: (s.created, s.catalogue_id))


def latest_snapshot(place: Place) -> Snapshot | None:
    found = snapshots(place)
    return found[-1] if found else None


def write_snapshot(place: Place, catalogue_id: str, data: bytes, includes: dict[str, int],
                   schema_version: int, *, now: datetime | None = None) -> Snapshot:
    """Publish a snapshot: its data, then the manifest that makes it visible."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    snapshot = Snapshot(f"{stamp}-{catalogue_id}", stamp, catalogue_id, dict(includes), schema_version)
    place.write_atomic(snapshot.data_name, data)
    manifest = {"catalogue_id": catalogue_id, "created": stamp, "schema_version": schema_version,
                "includes": dict(sorted(includes.items()))}
    place.write_atomic(snapshot.manifest_name, json.dumps(manifest, indent=1).encode("utf-8"))
    return snapshot


def prune_snapshots(place: Place, keep: int = SNAPSHOTS_KEPT) -> int:
    """Remove all but the ``keep`` latest finished snapshots, and the unfinished ones older
    than the latest finished; how many files went."""
    finished = snapshots(place)
    keep_stems = {s.stem for s in finished[-keep:]} if keep else set()
    newest = finished[-1].stem if finished else ""
    removed = 0
    for stem, exts in _stems(place).items():
        if stem in keep_stems or (exts != {"ecsnap", "json"} and stem >= newest):
            continue
        # the manifest first: a snapshot without one is invisible, never half there
        for ext in sorted(exts, key=lambda e: e != "json"):
            place.delete(f"{SNAPSHOTS}/{stem}.{ext}")
            removed += 1
    return removed


def scrub_place(place: Place, scrub: Callable[[bytes], bytes], *,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> int:
    """Rewrite every changeset and snapshot of the place through ``scrub`` (which removes
    an erased person's rows and values); how many files changed. Each file is replaced
    atomically; a run stopped midway (:class:`OperationCancelled`, a kill) is completed by
    the next one: the caller keeps the erasure pending until this returns."""
    names = [n for n in place.list(CHANGES) if parse_change(n)]
    names += [n for n in place.list(SNAPSHOTS) if n.endswith(".ecsnap") and _SNAPSHOT.match(n)]
    changed = 0
    for done, name in enumerate(names, 1):
        if cancel is not None and cancel():
            raise OperationCancelled()
        data = place.read(name)
        clean = scrub(data)
        if clean != data:
            place.write_atomic(name, clean)
            changed += 1
        if progress is not None:
            progress(done, len(names))
    return changed
