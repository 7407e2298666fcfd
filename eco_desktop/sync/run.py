"""A sync run: pull what the others published, push what changed here, keep the shared
place's snapshots and erasures in order; a new member's join; the status line.

**What survives a kill.** Each changeset is applied in one transaction of the catalogue
(the engine's), so a kill during a pull leaves each file applied or not, and the next
run applies the rest. A push writes its file under a temporary name and renames it
(:mod:`.place`); the catalogue marks it published only afterwards, so a kill in between
leaves a published file the catalogue still counts as pending: the next run finds it
under the sequence the catalogue would give next, marks it published, and goes on. A
person erased here or received is removed from every file of the place before the run
counts the erasure done; a run stopped midway does it again.
"""
from __future__ import annotations

import heapq
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .. import french
from ..catalogue import Catalogue, OperationCancelled
from ..catalogue.sync import Origin, pack, people_in, scrub_changeset, unpack
from ..clock import now_iso
from ..errors import UserError
from . import log
from .config import remembered
from .killpoints import pause_point
from .place import Place, PlaceError, TooLarge

__all__ = ["LAST_SYNC_KEY", "Report", "Status", "conflict_row", "conflict_to_json", "join", "status", "sync"]

logger = logging.getLogger(__name__)

LAST_SYNC_KEY = "sync_last_sync"
SCRUBBED_KEY = "sync_scrubbed_erasures"

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass
class Report:
    """What a run did, for the window and the command."""
    received: int = 0                     # changesets applied
    rows: int = 0                         # rows written here by them
    conflicts: int = 0                    # new conflicts listed
    members: list[str] = field(default_factory=list)  # who they came from
    actor_ids: set[int] = field(default_factory=set)  # actors changed (the window refreshes them)
    sent: int = 0                         # rows sent (0: nothing to send)
    sequence: int = 0                     # the changeset published, if any
    snapshot: bool = False                # a snapshot was written
    rewritten: int = 0                    # files of the place rewritten for an erasure
    refused: list[str] = field(default_factory=list)  # French sentences: files not applied
    path: Path | None = None              # join: the new catalogue
    finished_at: str = ""

    def lines(self) -> list[str]:
        out = [f"Catalogue créé : {self.path}"] if self.path else []
        if self.received:
            who = ", ".join(dict.fromkeys(self.members))
            out.append(f"Reçu : {french.count(self.received, 'envoi')} ({who} ; "
                       f"{french.count(self.rows, 'ligne modifiée', 'lignes modifiées')}).")
        else:
            out.append("Rien de nouveau dans le dossier partagé.")
        if self.conflicts:
            out.append(f"{french.count(self.conflicts, 'conflit')} à revoir (eco-desktop sync conflicts).")
        if self.sent:
            out.append(f"Envoyé : {french.count(self.sent, 'modification')} (envoi n° {self.sequence}).")
        else:
            out.append("Rien à envoyer.")
        if self.rewritten:
            out.append(f"Personne effacée retirée de {french.count(self.rewritten, 'fichier')} du dossier partagé.")
        out.extend(self.refused)
        return out


def _check(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise OperationCancelled("Synchronisation interrompue : ce qui a été reçu est gardé, la suite viendra "
                                 "à la prochaine synchronisation.")


# ---------------------------------------------------------------------- pull

def _read_change(place: Place, catalogue_id: str, sequence: int) -> tuple[Origin, bytes]:
    name = log.change_name(catalogue_id, sequence)
    origin, payload = unpack(place.read(name))
    if (origin.catalogue_id, origin.sequence) != (catalogue_id, sequence):
        raise UserError(f"Le fichier « {name} » du dossier partagé ne correspond pas à son nom.")
    return origin, payload


def _place_failure(exc: UserError) -> bool:
    """Whether the place failed (the run stops), rather than one file being unusable."""
    return isinstance(exc, PlaceError) and not isinstance(exc, TooLarge)


def _readable(place: Place, name: str) -> bytes | None:
    """A changeset file's bytes, None when it is no changeset this version reads."""
    data = place.read(name)
    try:
        unpack(data)
    except UserError:
        return None
    return data


def _pull(catalogue: Catalogue, place: Place, index: dict[str, list[int]], own_id: str, report: Report,
          progress: Progress | None, cancel: Cancel | None) -> None:
    """Apply the others' files: each catalogue's in sequence, the catalogues interleaved by
    when the files were made, so that a change reaches here after what it built on."""
    wanted = log.to_pull(index, catalogue.applied_sequences(), own_id)
    queues: dict[str, list[int]] = {}
    for catalogue_id, sequence in wanted:
        queues.setdefault(catalogue_id, []).append(sequence)
    heads: list[tuple[str, str, int, Origin, bytes]] = []
    refused: set[str] = set()

    def advance(catalogue_id: str) -> None:
        """Read the member's next file into ``heads`` (one file of each member at a time)."""
        if not queues.get(catalogue_id) or catalogue_id in refused:
            return
        sequence = queues[catalogue_id].pop(0)
        try:
            origin, payload = _read_change(place, catalogue_id, sequence)
        except UserError as exc:
            if _place_failure(exc):
                raise
            refuse(catalogue_id, sequence, exc)
            return
        heapq.heappush(heads, (origin.created, catalogue_id, sequence, origin, payload))

    def refuse(catalogue_id: str, sequence: int, exc: UserError, member: str = "") -> None:
        refused.add(catalogue_id)
        report.refused.append(f"Envoi n° {sequence} de {member or catalogue_id[:8]} non appliqué : {exc} "
                              "Les suivants de ce membre attendent.")

    for catalogue_id in queues:
        advance(catalogue_id)
    done = 0
    while heads:
        _check(cancel)
        _created, catalogue_id, sequence, origin, payload = heapq.heappop(heads)
        pause_point("before-apply")
        try:
            applied = catalogue.apply_changes(payload, origin=origin, written=lambda: pause_point("mid-apply"))
        except UserError as exc:
            refuse(catalogue_id, sequence, exc, origin.member)
            continue
        done += 1
        if progress is not None:
            progress(done, len(wanted))
        if not applied.skipped:
            report.received += 1
            report.rows += applied.rows
            report.conflicts += applied.conflicts
            report.actor_ids |= applied.actor_ids
            report.members.append(origin.member or catalogue_id[:8])
        advance(catalogue_id)


# ---------------------------------------------------------------------- push

def _push(catalogue: Catalogue, place: Place, report: Report) -> None:
    origin = catalogue.next_origin()
    name = log.change_name(origin.catalogue_id, origin.sequence)
    if place.exists(name):
        # A run killed after publishing, before telling the catalogue: what that file held is sent.
        published, payload = _read_change(place, origin.catalogue_id, origin.sequence)
        catalogue.mark_published(payload, published)
        origin = catalogue.next_origin()
    payload = catalogue.local_changes()
    if payload is None:
        return
    sent = catalogue.pending_count()
    log.publish(place, origin.catalogue_id, origin.sequence, pack(origin, payload))
    pause_point("before-mark")
    catalogue.mark_published(payload, origin)
    report.sent, report.sequence = sent, origin.sequence


# ---------------------------------------------------------------------- snapshots and erasures

def _write_snapshot(catalogue: Catalogue, place: Place) -> bool:
    """A snapshot of this catalogue, when it holds nothing unpublished (a new member
    would otherwise get changes the log does not have)."""
    if catalogue.pending_count():
        return False
    log.write_snapshot(place, catalogue.sync_identity().catalogue_id, catalogue.snapshot(),
                       catalogue.applied_sequences(), catalogue.schema_version())
    return True


def _scrubbed(catalogue: Catalogue) -> set[int]:
    try:
        return set(json.loads(catalogue.meta(SCRUBBED_KEY) or "[]"))
    except ValueError:
        return set()


def _erase_from_place(catalogue: Catalogue, place: Place, report: Report, progress: Progress | None,
                      cancel: Cancel | None) -> None:
    """Remove the people erased (here or by the team) from every file of the place, once
    per erasure: their rows and their values out of each changeset; the snapshots replaced
    by one of this catalogue, which no longer holds them."""
    erasures = catalogue.erasures()
    done = _scrubbed(catalogue)
    todo = [e for e in erasures if e["id"] not in done]
    if not todo:
        return
    contact_ids = {e["contact_id"] for e in todo}
    names = [n for n in place.list(log.CHANGES) if log.parse_change(n)]
    people: list[dict[str, Any]] = []
    holding: list[str] = []
    for name in names:
        _check(cancel)
        data = _readable(place, name)
        found = people_in(data, contact_ids) if data is not None else []
        if found:
            people.extend(found)
            holding.append(name)
    # The files holding the people's own rows last: a run stopped midway still finds
    # their values next time, to redact them from what is left.
    ordered = [n for n in names if n not in holding] + holding
    total = len(ordered)
    for position, name in enumerate(ordered, 1):
        _check(cancel)
        data = _readable(place, name)
        if data is None:
            continue
        clean = scrub_changeset(data, contact_ids, people)
        if clean != data:
            place.write_atomic(name, clean)
            report.rewritten += 1
        if progress is not None:
            progress(position, total)
    if log.snapshots(place):
        if not _write_snapshot(catalogue, place):
            return  # the old snapshots still hold the people: the next run replaces them
        report.snapshot = True
        report.rewritten += log.prune_snapshots(place, keep=1)
    catalogue.set_meta(SCRUBBED_KEY, json.dumps(sorted(done | {e["id"] for e in erasures})))


def _maybe_snapshot(catalogue: Catalogue, place: Place, report: Report) -> None:
    index = log.log_index(place)
    latest = log.latest_snapshot(place)
    if latest is None or latest.published_since(index) >= log.SNAPSHOT_EVERY:
        if _write_snapshot(catalogue, place):
            report.snapshot = True
            log.prune_snapshots(place)


# ---------------------------------------------------------------------- the runs

def _check_first_sync(catalogue: Catalogue, place: Place, index: dict[str, list[int]], own_id: str) -> None:
    """A catalogue that never synced may only start a team in an empty place: rows it
    created before sync was set up would collide with the team's."""
    if catalogue.meta(LAST_SYNC_KEY) or set(catalogue.applied_sequences()) - {own_id}:
        return  # it synced before, or joined from a snapshot
    # (its own snapshot may be there: a first sync stopped after writing it)
    if set(index) - {own_id} or any(s.catalogue_id != own_id for s in log.snapshots(place)):
        raise UserError(f"Le dossier partagé {place.description} sert déjà à une équipe : ce catalogue ne peut pas "
                        "s'y ajouter tel quel. Rejoignez l'équipe avec un nouveau catalogue (« eco-desktop sync "
                        "join » ou Fichier → Synchronisation… › Rejoindre).")


def sync(catalogue: Catalogue, place: Place, progress: Progress | None = None,
         cancel: Cancel | None = None) -> Report:
    """Pull, then push, then keep the place's snapshots and erasures up to date.

    Raises :class:`~.place.Offline` when the place is out of reach (nothing changed),
    :class:`OperationCancelled` when ``cancel()`` turned true (what was applied stays)."""
    report = Report()
    own_id = catalogue.sync_identity().catalogue_id
    index = log.log_index(place)
    _check_first_sync(catalogue, place, index, own_id)
    _pull(catalogue, place, index, own_id, report, progress, cancel)
    _check(cancel)
    _push(catalogue, place, report)
    _erase_from_place(catalogue, place, report, progress, cancel)
    _maybe_snapshot(catalogue, place, report)
    report.finished_at = now_iso()
    catalogue.set_meta(LAST_SYNC_KEY, report.finished_at)
    return report


def join(place: Place, new_path: str | Path, *, member: str = "", progress: Progress | None = None,
         cancel: Cancel | None = None) -> Report:
    """A new member's catalogue at ``new_path``: the place's latest snapshot, then every
    changeset published since. A join stopped midway leaves a catalogue that the next
    sync completes."""
    snapshot = log.latest_snapshot(place)
    if snapshot is None:
        raise PlaceError(f"Le dossier partagé {place.description} ne contient pas encore d'instantané : le premier "
                         "membre de l'équipe doit y synchroniser son catalogue une première fois.")
    catalogue = Catalogue.from_snapshot(place.read(snapshot.data_name), new_path, member=member or None)
    try:
        # The snapshot's maker had removed these people from the place already.
        catalogue.set_meta(SCRUBBED_KEY, json.dumps(sorted(e["id"] for e in catalogue.erasures())))
        report = sync(catalogue, place, progress, cancel)
    finally:
        catalogue.close()
    report.path = Path(new_path)
    return report


@dataclass(frozen=True)
class Status:
    configured: bool
    member: str = ""
    catalogue_id: str = ""
    pending: int = 0
    last_sync: str = ""
    place: str = ""
    conflicts: int = 0
    sequence: int = 0

    def lines(self) -> list[str]:
        if not self.configured:
            return ["Ce catalogue n'est pas synchronisé (eco-desktop sync --folder DOSSIER ou --url URL --user NOM)."]
        when = _local_time(self.last_sync) if self.last_sync else "jamais"
        out = [f"Dossier partagé : {self.place or 'non indiqué'}",
               f"Membre : {self.member} (catalogue {self.catalogue_id[:8]}, {french.count(self.sequence, 'envoi')})",
               f"Dernière synchronisation : {when}",
               f"{french.count(self.pending, 'modification')} à envoyer."]
        if self.conflicts:
            out.append(f"{french.count(self.conflicts, 'conflit')} à revoir (eco-desktop sync conflicts).")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"configured": self.configured, "member": self.member, "catalogue_id": self.catalogue_id,
                "pending": self.pending, "last_sync": self.last_sync or None, "place": self.place or None,
                "conflicts": self.conflicts, "sequence": self.sequence}


def _local_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return f"{french.date(moment.date())} à {moment:%H:%M}"


def status(catalogue: Catalogue) -> Status:
    """The sync's state, read only (nothing is set up by asking)."""
    if not catalogue.sync_configured():
        return Status(False)
    me = catalogue.sync_identity()
    spec = remembered(catalogue)
    return Status(True, me.member, me.catalogue_id, catalogue.pending_count(), catalogue.meta(LAST_SYNC_KEY) or "",
                  spec.describe() if spec else "", len(catalogue.conflicts()), me.sequence)


def conflict_to_json(conflict) -> dict[str, Any]:
    return {"id": conflict.id, "table": conflict.table, "row_id": conflict.row_id, "actor_id": conflict.actor_id,
            "actor": conflict.actor_name, "field": conflict.field, "field_label": conflict.field_label,
            "mine": conflict.mine, "theirs": conflict.theirs, "mine_at": conflict.mine_at,
            "theirs_at": conflict.theirs_at, "member": conflict.member, "chosen": conflict.chosen,
            "note": conflict.note, "at": conflict.at, "resolved_at": conflict.resolved_at}


def conflict_row(conflict) -> tuple[str, ...]:
    """The conflict as a row of the command's table."""
    def shown(value: Any) -> str:
        if isinstance(value, str) and value.startswith("["):
            try:
                return ", ".join(map(str, json.loads(value)))
            except ValueError:
                return value
        return "" if value is None else str(value)
    if conflict.is_note:
        return (str(conflict.id), conflict.actor_name, conflict.field_label, conflict.note, "", conflict.member,
                conflict.at[:10], "")
    return (str(conflict.id), conflict.actor_name, conflict.field_label, shown(conflict.mine), shown(conflict.theirs),
            conflict.member, conflict.theirs_at[:10] or conflict.at[:10],
            "la leur" if conflict.chosen == "theirs" else "la mienne")
