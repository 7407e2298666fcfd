"""The team-sync methods of the :class:`~eco_desktop.catalogue.Catalogue` façade.

The engine makes and applies **bytes**; it knows nothing of folders or servers (that is
``eco_desktop.sync``). A sync round, as the place's code runs it::

    cat.sync_identity()                      # set up on first use (id, member, id block)
    for each other catalogue's file, in sequence order, above cat.applied_sequences():
        origin, payload = unpack(file)
        cat.apply_changes(payload, origin=origin)      # all or nothing; twice = no change
    payload = cat.local_changes()            # None: nothing to send (cheap)
    if payload is not None:
        origin = cat.next_origin()
        place.write_atomic(name_of(origin), pack(origin, payload))
        cat.mark_published(payload, origin)

A run killed between the write and ``mark_published`` finds its file in the place under
``next_origin()``'s sequence: it marks that file's payload published (``mark_published``
clears only the writes the payload held) and goes on. ``snapshot()`` /
``Catalogue.from_snapshot()`` make a new member's catalogue; ``conflicts()`` /
``resolve_conflict()`` are « Conflits à revoir »; an erasure syncs as a row of
``erasures`` (see :mod:`.erasure` for rewriting the files of the place).
"""
from __future__ import annotations

import json
import sqlite3
import tempfile
from typing import Callable
from pathlib import Path

from ... import __version__, db
from ...clock import now_iso
from ...errors import UserError
from . import identity as ids
from .apply import Applied, Applier, check
from .changes import make_payload, published_images, read_payload
from .conflicts import Conflict, listing, resolve
from .identity import Identity, Origin
from .tracking import Tracker

SNAPSHOT_MAGIC = b"SQLite format 3\x00"
PURGE_PENDING = "sync_purge_pending"   # meta: an erasure received, the file not rewritten yet


class SyncMixin:
    """Team sync (see the module)."""

    def _attach_sync(self) -> None:
        """The tracker: once sync is set up, new rows take ids in this catalogue's block
        and writes are tracked to be sent; history batches name the member."""
        if self.backend.tracker is None:
            self.backend.tracker = Tracker(self.backend)
        found = ids.read(self.backend.meta)
        self.history_log.author = found.member if found is not None else None

    # ------------------------------------------------------------------ identity
    def sync_configured(self) -> bool:
        with self.lock:
            return ids.read(self.backend.meta) is not None

    def sync_identity(self) -> Identity:
        """This catalogue's identity in its team, set up on first call (the member named
        after the system's user until :meth:`set_member`)."""
        with self.lock:
            found = ids.read(self.backend.meta)
            if found is None:
                self._write_identity(ids.new_values())
                found = ids.read(self.backend.meta)
            return found

    def set_member(self, name: str) -> Identity:
        """The member's name shown in every catalogue's history (« Claire, Région »)."""
        name = " ".join(str(name or "").split())
        if not name:
            raise UserError("Indiquez votre nom (par exemple « Claire, Région »).")
        if len(name) > 80:
            raise UserError("Le nom du membre est trop long (80 caractères au plus).")
        with self.lock:
            self.sync_identity()
            self._write_identity({ids.KEY_MEMBER: name})
            return ids.read(self.backend.meta)

    def _write_identity(self, values: dict[str, str]) -> None:
        with self.transaction("Synchronisation : identité"):
            for key, value in values.items():
                self.backend.set_meta(key, value)
        self._attach_sync()

    def next_origin(self) -> Origin:
        """The header of the next changeset this catalogue publishes."""
        with self.lock:
            me = self.sync_identity()
            return Origin(me.catalogue_id, me.member, me.sequence + 1, self.schema_version(), now_iso(),
                          me.block, __version__)

    # ------------------------------------------------------------------ sending
    def local_changes(self) -> bytes | None:
        """Every change made here since the last publication, as a payload for
        :func:`~.changes.pack`; None when there is nothing to send (one indexed lookup)."""
        with self.lock:
            if self.backend.execute("SELECT 1 FROM sync_dirty LIMIT 1").fetchone() is None:
                return None
            return make_payload(self.backend)

    def pending_count(self) -> int:
        """Rows changed here and not sent yet (« 3 modifications à envoyer »)."""
        with self.lock:
            return self.backend.execute("SELECT count(*) FROM sync_dirty").fetchone()[0]

    def mark_published(self, payload: bytes, origin: Origin) -> None:
        """``payload`` is in the shared place as ``origin``'s changeset: its writes are
        sent (a write made since stays to send, from what was published)."""
        description, _ = read_payload(payload)
        upto = int(description.get("upto", 0))
        with self.lock, self.transaction("Synchronisation : modifications envoyées"):
            later = self.backend.execute("SELECT tbl, row_id FROM sync_dirty WHERE touched > ?", (upto,)).fetchall()
            if later:
                images = published_images(self.backend, payload, {(t, r) for t, r in later})
                for key, image in images.items():
                    self.backend.execute("UPDATE sync_dirty SET base = ? WHERE tbl = ? AND row_id = ?",
                                         (None if image is None else json.dumps(image, ensure_ascii=False), *key))
            self.backend.execute("DELETE FROM sync_dirty WHERE touched <= ?", (upto,))
            if origin.sequence > self.sync_identity().sequence:
                self.backend.set_meta(ids.KEY_SEQUENCE, str(origin.sequence))

    # ------------------------------------------------------------------ receiving
    def applied_sequences(self) -> dict[str, int]:
        """For each catalogue of the team, the last sequence this catalogue holds (its own
        published one included)."""
        with self.lock:
            out = {r[0]: r[1] for r in self.backend.execute(
                "SELECT catalogue_id, max(sequence) FROM sync_applied GROUP BY catalogue_id")}
            me = ids.read(self.backend.meta)
            if me is not None:
                out[me.catalogue_id] = me.sequence
            return out

    def is_applied(self, origin: Origin) -> bool:
        with self.lock:
            return self.backend.execute("SELECT 1 FROM sync_applied WHERE catalogue_id = ? AND sequence = ?",
                                        (origin.catalogue_id, origin.sequence)).fetchone() is not None

    def apply_changes(self, payload: bytes, *, origin: Origin,
                      written: Callable[[], None] | None = None) -> Applied:
        """Apply another catalogue's changeset: all or nothing, in one transaction; one
        applied before (or this catalogue's own) changes nothing. Refused (UserError, in
        French) when made by a newer schema or naming a table or column unknown here.
        ``written`` is called once the rows are written, before they are committed (the
        crash tests stop a sync there)."""
        with self.lock:
            me = self.sync_identity()
            if self.backend.meta(PURGE_PENDING) == "1":
                self._purge_after_erasure()   # a run killed after an erasure, before rewriting the file
            if origin.catalogue_id == me.catalogue_id or self.is_applied(origin):
                return Applied(skipped=True)
            rows = check(self.backend.conn, payload, origin)
            with self.transaction(f"Reçu de {origin.member}") as batch:
                batch.user = origin.member
                with self.backend.tracker.pause():
                    result = Applier(self, origin, batch).run(rows)
                if written is not None:
                    written()
                self.backend.execute(
                    "INSERT INTO sync_applied (catalogue_id, sequence, member, applied_at, batch_id) "
                    "VALUES (?, ?, ?, ?, ?)", (origin.catalogue_id, origin.sequence, origin.member, now_iso(),
                                               batch.id))
                if result.erased:
                    self.backend.set_meta(PURGE_PENDING, "1")
                if origin.block == me.block:
                    # Another catalogue draws ids in this block: new rows here take another.
                    self.backend.set_meta(ids.KEY_BLOCK, str(ids.draw_block(avoid=me.block)))
            self._attach_sync()
            if result.erased:
                self._purge_after_erasure()
            return result

    def _purge_after_erasure(self) -> None:
        """The file rewritten so that no byte of an erased person is left (retried at the
        next apply when it cannot be done now)."""
        from ..privacy.purge import purge_file  # (privacy's package imports the façade)
        if purge_file(self).ok:
            with self.transaction("Synchronisation : fichier réécrit"):
                self.backend.set_meta(PURGE_PENDING, "0")

    # ------------------------------------------------------------------ conflicts
    def conflicts(self, open_only: bool = True) -> list[Conflict]:
        """« Conflits à revoir »: fields both sides changed, edits that met a deletion."""
        with self.lock:
            return listing(self.backend, open_only)

    def resolve_conflict(self, conflict_id: int, take: str = "theirs") -> bool:
        """Keep the other side's value (``take="theirs"``) or this one's: an undoable edit,
        sent to the team; the conflict is closed. True when a field was written."""
        return resolve(self, conflict_id, take)

    def erasures(self) -> list[dict]:
        """The erasures known here (contact id, when): from this catalogue or the team."""
        with self.lock:
            return [dict(r) for r in self.backend.execute("SELECT id, contact_id, at FROM erasures ORDER BY id")]

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> bytes:
        """A new member's starting point: a copy of the catalogue without what is this
        catalogue's own (history, pending rows, conflicts, identity), saying in
        ``sync_applied`` which changesets it holds (``applied_sequences()``), compacted so
        that no deleted byte remains."""
        with self.lock:
            me = self.sync_identity()
            with tempfile.TemporaryDirectory(prefix="eco-snapshot-") as folder:
                path = Path(folder) / "snapshot.sqlite"
                self.backend.save_copy(path)
                conn = sqlite3.connect(path)
                try:
                    conn.execute("PRAGMA journal_mode = DELETE")
                    conn.execute("PRAGMA secure_delete = ON")
                    with conn:
                        for table in ("history_changes", "history_batches", "sync_dirty", "sync_conflicts"):
                            conn.execute(f"DELETE FROM [{table}]")
                        conn.execute("DELETE FROM meta WHERE key LIKE 'sync_%'")
                        conn.execute("INSERT OR REPLACE INTO sync_applied (catalogue_id, sequence, member, applied_at) "
                                     "VALUES (?, ?, ?, ?)", (me.catalogue_id, me.sequence, me.member, now_iso()))
                    conn.execute("VACUUM")
                finally:
                    conn.close()
                return path.read_bytes()

    @classmethod
    def from_snapshot(cls, data: bytes, path: str | Path, *, member: str | None = None):
        """A new member's catalogue at ``path`` from a snapshot's bytes, with an identity
        of its own (then apply the log's changesets above its ``applied_sequences()``)."""
        path = Path(path)
        if not data.startswith(SNAPSHOT_MAGIC):
            raise UserError("Cet instantané n'est pas un catalogue eco-desktop.")
        if path.exists():
            raise UserError(f"Le fichier « {path} » existe déjà : il n'a pas été remplacé.")
        tmp = path.with_name(path.name + ".joining")
        try:
            tmp.write_bytes(data)
            probe = sqlite3.connect(tmp)
            try:
                db.check_version(probe, tmp)
                if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise UserError("L'instantané est abîmé.")
            finally:
                probe.close()
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UserError(f"Impossible d'écrire « {path} » : {exc.strerror or exc}.") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        catalogue = cls.open(path)
        try:
            catalogue.sync_identity()
            if member:
                catalogue.set_member(member)
        except BaseException:
            catalogue.close()
            raise
        return catalogue
