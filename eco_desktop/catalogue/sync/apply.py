"""Applying another catalogue's changeset: all of it or nothing, in one transaction of the
catalogue (one history batch « Reçu de … » by that member, derived rows refreshed for what
changed, the bookkeeping in the same transaction, so that a kill at any moment leaves
either everything or nothing).

The changeset is data: read through apsw's changeset iterator, its tables and columns
mapped by name against this file's schema (an unknown one refuses the whole changeset),
written with bound values through the backend's recorded row writes — never run as SQL.
What SQLite's conflict handler would report is decided here, row by row:

- **update** of a row here: field by field (:mod:`.merge`); a field changed on both sides
  is listed in ``sync_conflicts`` with both values, who and when, and the rule's choice;
- **update of a row deleted here**: when the deletion is not published yet, the row comes
  back, in the trash, with the other side's edit and a note; when it is, a note (the
  other side gets the deletion and sends the row back to the trash, see below);
- **delete** of a row edited here (or whose actor has rows added here): the row stays, in
  the trash, with a note, and is sent again to the team;
- **insert** of a row that exists (the same row sent again): merged as an update; an insert
  breaking a uniqueness here (a value created on both sides) is left out, with a note;
- a row of ``erasures``: the person is erased here too (:mod:`.erasure`).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ... import db
from ...clock import now_iso
from ...errors import UserError
from . import erasure
from .changes import changes as read_changes
from .identity import Origin
from .merge import merge_sets, theirs_wins
from .schema import FOLLOWING_COLUMNS, SET_COLUMNS, parents, stamp_column, synced_tables

_MISSING = object()


@dataclass
class Applied:
    """What an apply did."""
    rows: int = 0                                   # rows written here
    conflicts: int = 0                              # conflicts listed
    actor_ids: set[int] = field(default_factory=set)  # actors changed (the window refreshes them)
    erased: int = 0                                 # people erased
    skipped: bool = False                           # applied before, or this catalogue's own
    notes: list[str] = field(default_factory=list)


def newer_schema(version: int) -> UserError:
    return UserError(f"Ces modifications viennent d'une version plus récente d'eco-desktop (schéma {version}, "
                     f"celui de ce catalogue : {db.schema_version()}) : mettez à jour eco-desktop pour les recevoir.")


def check(conn: sqlite3.Connection, payload: bytes, origin: Origin) -> list[tuple]:
    """The changes of a payload, once checked against this file (UserError otherwise)."""
    if origin.schema_version > db.schema_version():
        raise newer_schema(origin.schema_version)
    tables = synced_tables(conn)
    rows = list(read_changes(payload))
    for tbl, _, _, old, new in rows:
        if tbl not in tables:
            raise UserError(f"Ces modifications touchent une table inconnue de ce catalogue (« {tbl} ») : "
                            "mettez à jour eco-desktop pour les recevoir.")
        unknown = sorted((set(old or {}) | set(new or {})) - set(tables[tbl]))
        if unknown:
            raise UserError(f"Ces modifications touchent une colonne inconnue de ce catalogue "
                            f"(« {tbl}.{unknown[0]} ») : mettez à jour eco-desktop pour les recevoir.")
    return rows


class Applier:
    """One changeset applied inside the catalogue's transaction (see the module)."""

    def __init__(self, catalogue, origin: Origin, batch) -> None:
        self.cat = catalogue
        self.backend = catalogue.backend
        self.tracker = catalogue.backend.tracker
        self.origin = origin
        self.batch = batch
        self.result = Applied()
        self.stamp = now_iso()
        self.tables = synced_tables(self.backend.conn)
        # Foreign keys between synced tables: (column, parent) of each, (child, column) to each.
        self.parents = {t: parents(self.backend.conn, t) for t in self.tables}
        self.children = {t: [(child, column) for child in self.tables for column, parent in self.parents[child]
                             if parent == t] for t in self.tables}
        self.dirty = {(t, r): (json.loads(b) if b is not None else None)
                      for t, r, b in self.backend.execute("SELECT tbl, row_id, base FROM sync_dirty")}
        self.erasures: list[int] = []

    # ------------------------------------------------------------------ rows
    def run(self, rows: list[tuple]) -> Applied:
        self.backend.execute("PRAGMA defer_foreign_keys = ON")
        # Deletions first, rows referring to others before them; then the rest, the rows
        # others refer to first (a changeset lists its tables in the order they were written).
        depth = self._depths()
        rows = sorted(rows, key=lambda r: (r[1] != "DELETE", -depth[r[0]] if r[1] == "DELETE" else depth[r[0]]))
        self.kept = {(tbl, row_id) for tbl, op, row_id, old, _ in rows
                     if op == "DELETE" and self._keeps(tbl, row_id, old)}
        for tbl, op, row_id, old, new in rows:
            if op == "INSERT":
                self.insert(tbl, row_id, new)
            elif op == "UPDATE":
                self.update(tbl, row_id, old, new)
            else:
                self.delete(tbl, row_id, old)
        for contact_id in self.erasures:
            self.result.erased += erasure.erase_here(self.cat, contact_id, self.batch)
        self.result.actor_ids = set(self.batch.actor_ids)
        return self.result

    def _write(self, what, *args) -> bool:
        """A row write in a savepoint: False, with nothing written, when it breaks a
        constraint here (a value both sides created, a row referring to one gone)."""
        self.backend.execute("SAVEPOINT sync_row")
        try:
            what(*args)
        except sqlite3.IntegrityError:
            self.backend.execute("ROLLBACK TO sync_row")
            self.backend.execute("RELEASE sync_row")
            return False
        self.backend.execute("RELEASE sync_row")
        self.result.rows += 1
        return True

    def insert(self, tbl: str, row_id: int, new: dict) -> None:
        current = self.backend.row(tbl, row_id)
        if current is not None:
            self.update(tbl, row_id, {}, {k: v for k, v in new.items() if k != "id"}, current=current)
            return
        if not self._parents_here(tbl, new):
            self.note(tbl, row_id, new, "L'élément créé par {member} se rattache à un élément supprimé ici : "
                                        "il n'a pas été ajouté.")
            return
        if self._write(self.backend.insert, tbl, new):
            if tbl == "erasures":
                self.erasures.append(new["contact_id"])
            elif new.get("deleted_at") and self.backend.execute(
                    "SELECT 1 FROM history_changes WHERE tbl = ? AND row_id = ? AND action = 'delete' LIMIT 1",
                    (tbl, row_id)).fetchone():
                self.note(tbl, row_id, new, "Supprimé ici mais modifié par {member} : remis dans la corbeille.")
        else:
            self.note(tbl, row_id, new, "L'élément créé par {member} existe déjà ici sous un autre numéro : "
                                        "il n'a pas été ajouté.")

    def update(self, tbl: str, row_id: int, old: dict, new: dict, *, current: dict | None = None) -> None:
        current = current or self.backend.row(tbl, row_id)
        if current is None:
            self._edited_but_gone(tbl, row_id, new)
            return
        # The edits' times, by the rows' stamps; a table without one decides by value alone.
        stamp = stamp_column(self.tables[tbl])
        mine_at = str(current.get(stamp) or "") if stamp else ""
        theirs_at = str(new.get(stamp) or "") if stamp else ""
        values: dict[str, Any] = {}
        rebased: dict[str, Any] = {}
        for column, theirs in new.items():
            if column == "id":
                continue
            mine, base = current.get(column), old.get(column, _MISSING)
            rebased[column] = theirs
            if mine == theirs:
                continue
            if base is not _MISSING and mine == base:
                values[column] = theirs
                continue
            if (tbl, column) in SET_COLUMNS:
                merged = merge_sets(None if base is _MISSING else base, mine, theirs)
                if merged is not None:
                    if merged != mine:
                        values[column] = merged
                    continue
            if column == stamp:
                values[column] = max(str(mine or ""), str(theirs or "")) or theirs
                continue
            win = theirs_wins(mine, mine_at, theirs, theirs_at)
            if win:
                values[column] = theirs
            else:
                del rebased[column]   # kept here: sent again, so the other side sees it too
            if column not in FOLLOWING_COLUMNS:
                self.conflict(tbl, row_id, column, mine, theirs, mine_at, theirs_at, win)
        gone = [column for column, parent in self.parents[tbl]
                if values.get(column) is not None and self.backend.row(parent, values[column]) is None]
        if gone:
            # Moved to a row deleted here (a merge there): it stays where it is here.
            for column in gone:
                del values[column]
                rebased.pop(column, None)
            self.note(tbl, row_id, current, "{member} l'a rattaché à un élément supprimé ici : "
                                            "il reste rattaché à l'élément d'ici.")
        if values and not self._write(self.backend.update, tbl, row_id, values):
            self.note(tbl, row_id, current, "La modification faite par {member} n'a pas pu être appliquée ici "
                                            "(une valeur en double) : la valeur d'ici est gardée.")
            return
        if (tbl, row_id) in self.dirty:
            base_image = self.dirty[tbl, row_id]
            if base_image is not None:
                base_image.update(rebased)
                if base_image == self.backend.row(tbl, row_id):
                    # every local change of the row gave way to the received one: nothing
                    # of it is left to send, so it is no longer counted as waiting
                    self.backend.execute("DELETE FROM sync_dirty WHERE tbl = ? AND row_id = ?", (tbl, row_id))
                    del self.dirty[tbl, row_id]
                else:
                    self.backend.execute("UPDATE sync_dirty SET base = ? WHERE tbl = ? AND row_id = ?",
                                         (json.dumps(base_image, ensure_ascii=False), tbl, row_id))

    def _depths(self) -> dict[str, int]:
        """How far each synced table is from the tables referring to no other."""
        refs = {t: {p for _, p in self.parents[t] if p != t and p in self.tables} for t in self.tables}
        depth: dict[str, int] = {}

        def of(table: str, seen: frozenset = frozenset()) -> int:
            if table not in depth:
                depth[table] = 1 + max((of(p, seen | {table}) for p in refs[table] if p not in seen), default=-1)
            return depth[table]
        for table in self.tables:
            of(table)
        return depth

    def _keeps(self, tbl: str, row_id: int, old: dict) -> bool:
        """Whether a row the other side deleted stays here: changed here since (it, or rows
        added to it), or a row it belongs to stays."""
        current = self.backend.row(tbl, row_id)
        if current is None:
            return False
        if (tbl, row_id) in self.dirty or any(current.get(k) != v for k, v in old.items() if k in current):
            return True
        return self._rows_added_here(tbl, row_id)

    def delete(self, tbl: str, row_id: int, old: dict) -> None:
        current = self.backend.row(tbl, row_id)
        if current is None:
            return
        belongs = any((parent, current.get(column)) in self.kept
                      for column, parent in self.parents[tbl])
        if (tbl, row_id) not in self.kept and not belongs:
            for child, column in self.children[tbl]:
                for (child_id,) in self.backend.execute(
                        f"SELECT id FROM [{child}] WHERE [{column}] = ?", (row_id,)).fetchall():
                    self._write(self.backend.delete, child, child_id)
            self._write(self.backend.delete, tbl, row_id)
            if tbl == "actors":
                self.batch.purged_ids.add(row_id)
                self.backend.execute("DELETE FROM actors_fts WHERE rowid = ?", (row_id,))
            return
        # Kept, in the trash when the table has one; sent again as a new row (the team
        # deleted it).
        if "deleted_at" in current and current["deleted_at"] is None:
            self._write(self.backend.update, tbl, row_id, {"deleted_at": self.stamp})
        self.tracker.set_base(tbl, row_id, None)
        if belongs and (tbl, row_id) not in self.kept:
            return  # (told with the row it belongs to)
        self.note(tbl, row_id, current, "Supprimé par {member} mais modifié ici : remis dans la corbeille."
                  if "deleted_at" in current else "Supprimé par {member} mais modifié ici : gardé.")

    def _edited_but_gone(self, tbl: str, row_id: int, new: dict) -> None:
        base = self.dirty.get((tbl, row_id), _MISSING)
        if isinstance(base, dict):
            # Deleted here, not published yet: the row comes back (in the trash) with their edit.
            image = {**base, **new}
            back = dict(image)
            if "deleted_at" in back and back["deleted_at"] is None:
                back["deleted_at"] = self.stamp
            if self._parents_here(tbl, back) and self._write(self.backend.insert, tbl, back):
                self.tracker.set_base(tbl, row_id, image)
                self.note(tbl, row_id, back, "Modifié par {member} mais supprimé ici : remis dans la corbeille."
                          if "deleted_at" in back else "Modifié par {member} mais supprimé ici : rétabli.")
                return
        self.note(tbl, row_id, new, "Modifié par {member} alors qu'il était supprimé ici : la modification "
                                    "reviendra avec l'élément s'il est remis dans la corbeille là-bas.")

    def _parents_here(self, tbl: str, image: dict) -> bool:
        return all(image.get(column) is None or self.backend.row(parent, image[column]) is not None
                   for column, parent in self.parents[tbl])

    def _rows_added_here(self, tbl: str, row_id: int) -> bool:
        """Whether rows referring to this one were created or changed here, not yet sent."""
        for child, column in self.children[tbl]:
            for (child_id,) in self.backend.execute(f"SELECT id FROM [{child}] WHERE [{column}] = ?", (row_id,)):
                if (child, child_id) in self.dirty:
                    return True
        return False

    # ------------------------------------------------------------------ conflicts
    def conflict(self, tbl: str, row_id: int, column: str, mine: Any, theirs: Any, mine_at: str,
                 theirs_at: str, win: bool) -> None:
        self.backend.execute(
            "INSERT INTO sync_conflicts (tbl, row_id, field, mine, theirs, mine_at, theirs_at, member, "
            "catalogue_id, sequence, chosen, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (tbl, row_id, column, json.dumps(mine, ensure_ascii=False), json.dumps(theirs, ensure_ascii=False),
             mine_at, theirs_at or self.origin.created, self.origin.member, self.origin.catalogue_id, self.origin.sequence,
             "theirs" if win else "mine", self.stamp))
        self.result.conflicts += 1

    def note(self, tbl: str, row_id: int, image: dict, sentence: str) -> None:
        """An edit met a deletion (or a value both sides created): listed for review."""
        text = sentence.format(member=self.origin.member)
        self.backend.execute(
            "INSERT INTO sync_conflicts (tbl, row_id, field, mine, theirs, member, catalogue_id, sequence, "
            "chosen, note, at) VALUES (?, ?, '*', NULL, ?, ?, ?, ?, 'mine', ?, ?)",
            (tbl, row_id, json.dumps(image, ensure_ascii=False), self.origin.member, self.origin.catalogue_id,
             self.origin.sequence, text, self.stamp))
        self.result.conflicts += 1
        self.result.notes.append(text)
