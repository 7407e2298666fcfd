"""The history of a catalogue: every row write recorded in a batch (one per user
action), and undo/redo replaying this session's batches.

:class:`History` is the backend's recorder: each :meth:`Backend.insert`/``update``/
``delete`` reaches :meth:`History.record` with the row's images, which marks what the
derived rows must refresh (:class:`Batch`) and, unless recording is off (an unrecorded
transaction, a replay), writes a ``history_changes`` row. A batch's ``history_batches``
row carries the session that wrote it: undo and redo only replay this session's batches,
never those another window or program wrote in the file, and keep what those changed
since (:meth:`History.replay`, told to the user by :class:`ReplayNotes`).
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator, Mapping

from .. import fields
from ..clock import now_iso, os_user
from ..text import storable
from . import bulk
from .backend import Backend

# Tables whose rows are recorded in the history (each has an integer primary key `id`).
HISTORY_TABLES = ("actors", "contacts", "relations", "exchanges", "vocabulary", "saved_views",
                  "calls", "call_entries", "kind_rules", "synonyms",
                  "custom_fields", "custom_choices", "custom_values")  # custom fields (migration 11)

# Rows that refer to a row of these tables (deleting it would take them along).
DEPENDENTS = {
    "actors": (("contacts", "actor_id"), ("exchanges", "actor_id"), ("call_entries", "actor_id"),
               ("relations", "source_id"), ("relations", "target_id")),
    "calls": (("call_entries", "call_id"),),
}
# The rows a row of these tables refers to: (column, table).
_PARENTS = {
    "contacts": (("actor_id", "actors"),), "exchanges": (("actor_id", "actors"),),
    "call_entries": (("actor_id", "actors"), ("call_id", "calls")),
    "relations": (("source_id", "actors"), ("target_id", "actors")),
}
# A team sync conflict's resolution is an undoable step (undo reopens the conflict).
HISTORY_TABLES += ("sync_conflicts",)
# Stamps an undo or redo brings back only with a row nobody else wrote since (a kept
# edit keeps its newer stamp).
_STAMPS = frozenset({"updated_at", "created_at"})


class Batch:
    """The history batch of the transaction in progress, and what its writes touched."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.id: int | None = None
        self.actor_ids: set[int] = set()      # actors whose index/FTS entry must be refreshed
        self.renamed_values: set[tuple[str, str]] = set()  # (vocabulary, slug) whose label changed
        self.purged_ids: set[int] = set()
        self.bulk_ids: set[int] = set()       # actors created in bulk (FTS already written)
        self.tables: set[str] = set()         # tables written
        self.changes = 0
        self.user: str | None = None          # who it is from, when not this catalogue's author (sync)


class History:
    """Recording of one catalogue's writes, and replaying them (see the module)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.batch: Batch | None = None       # of the transaction in progress
        self.recording = True
        # Which open catalogue wrote a history batch (see the module).
        self.session = uuid.uuid4().hex
        self.notes: list[str] = []            # of the last replay
        # The member's name once team sync is set up (« modifié par Claire, Région »).
        self.author: str | None = None
        backend.recorder = self.record

    @contextmanager
    def off(self) -> Iterator[None]:
        """Writes meanwhile are not recorded (not undoable)."""
        previous = self.recording
        self.recording = False
        try:
            yield
        finally:
            self.recording = previous

    # ------------------------------------------------------------------ recording
    def record(self, tbl: str, row_id: int, action: str, before: Mapping | None, after: Mapping | None) -> None:
        batch = self.batch
        assert batch is not None, "writes happen inside transaction()"
        batch.changes += 1
        batch.tables.add(tbl)
        image = after or before or {}
        actor_id = other_actor_id = None
        if tbl == "actors":
            batch.actor_ids.add(row_id)
            actor_id = row_id
        elif tbl == "contacts":
            # contact names are searchable and "has a usable contact" is a facet
            for img in (before, after):
                if img:
                    batch.actor_ids.add(img["actor_id"])
            actor_id = image.get("actor_id")
        elif tbl == "exchanges":
            actor_id = image.get("actor_id")
        elif tbl == "call_entries":
            actor_id = image.get("actor_id")
            batch.actor_ids.add(actor_id)  # its calls' names are searchable
        elif tbl == "calls" and (before or {}).get("name") != (after or {}).get("name"):
            batch.actor_ids.update(r[0] for r in self.backend.execute(
                "SELECT actor_id FROM call_entries WHERE call_id = ?", (row_id,)))
        elif tbl == "vocabulary" and before and after and before["label"] != after["label"]:
            # the label is searchable in every actor that has the value (Derived.refresh_labels)
            batch.renamed_values.add((after["vocab"], after["slug"]))
        elif tbl == "relations":
            actor_id, other_actor_id = image.get("source_id"), image.get("target_id")
        elif tbl in ("custom_values", "custom_choices"):  # custom fields' text is searchable
            actor_id = self._custom_actor(tbl, before, after, batch)
        if not self.recording:
            return
        self.batch_row(batch)
        self.backend.execute(
            "INSERT INTO history_changes (batch_id, tbl, row_id, action, before, after, actor_id, other_actor_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (batch.id, tbl, row_id, action,
             json.dumps(dict(before), ensure_ascii=False) if before else None,
             json.dumps(dict(after), ensure_ascii=False) if after else None,
             actor_id, other_actor_id))

    def batch_row(self, batch: Batch) -> None:
        """Write the batch's history_batches row unless it is written (its id then set)."""
        if batch.id is None:
            batch.id = self.backend.execute(
                "INSERT INTO history_batches (at, user, label, session) VALUES (?, ?, ?, ?)",
                (now_iso(), storable(batch.user or self.author or os_user()), storable(batch.label),
                 self.session)).lastrowid  # (user: a sync member's name, see catalogue/sync/)

    def forget_undone(self, except_id: int | None = None) -> None:
        """Drop this session's undone batches: a new action makes them unreachable, and
        nobody can redo them once the session is closed (another session's stay
        redoable there)."""
        self.backend.execute("DELETE FROM history_batches WHERE session = ? AND undone = 1 AND id IS NOT ?",
                             (self.session, except_id))

    def _custom_actor(self, tbl: str, before: Mapping | None, after: Mapping | None, batch: Batch) -> int | None:
        """The actor whose full-text row a custom value (or a renamed choice) changes, marked
        for refresh; the actor a value is about (a contact's actor), for its journal."""
        image = after or before or {}
        execute = self.backend.execute
        if tbl == "custom_choices":
            if before and after and before["label"] != after["label"]:
                batch.actor_ids.update(r[0] for r in execute(
                    "SELECT v.row_id FROM custom_values v JOIN custom_fields f ON f.id = v.field_id "
                    "WHERE v.field_id = ? AND v.value = ? AND f.entity = 'actor'", (image["field_id"], image["slug"])))
            return None
        entity = execute("SELECT entity FROM custom_fields WHERE id = ?", (image["field_id"],)).fetchone()
        if entity is None or entity[0] == "actor":
            batch.actor_ids.add(image["row_id"])
            return image["row_id"]
        row = execute("SELECT actor_id FROM contacts WHERE id = ?", (image["row_id"],)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ reading
    def next_batch(self, *, backwards: bool) -> sqlite3.Row | None:
        """The batch an undo (``backwards``) or a redo would replay (id, label): this
        session's only."""
        return self.backend.execute(
            "SELECT id, label FROM history_batches WHERE session = ? "
            + ("AND undone = 0 ORDER BY id DESC LIMIT 1" if backwards
               else "AND undone = 1 ORDER BY id LIMIT 1"), (self.session,)).fetchone()

    def replay_size(self, *, backwards: bool) -> int:
        row = self.next_batch(backwards=backwards)
        if row is None:
            return 0
        return self.backend.execute("SELECT count(*) FROM history_changes WHERE batch_id = ?",
                                    (row["id"],)).fetchone()[0]

    def entries(self, *, actor_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """History entries, newest first: when, who, what, and the fields that changed."""
        execute = self.backend.execute
        if actor_id is None:
            return [dict(r) for r in execute("SELECT * FROM history_batches ORDER BY id DESC LIMIT ?", (limit,))]
        out = []
        for row in execute(
                "SELECT b.id AS batch_id, b.at, b.user, b.label, b.undone, c.action, c.before, c.after, c.tbl "
                "FROM history_changes c JOIN history_batches b ON b.id = c.batch_id "
                "WHERE c.id IN (SELECT id FROM history_changes WHERE actor_id = ? "
                "UNION SELECT id FROM history_changes WHERE other_actor_id = ?) "
                "ORDER BY c.id DESC LIMIT ?", (actor_id, actor_id, limit)):
            before = json.loads(row["before"]) if row["before"] else {}
            after = json.loads(row["after"]) if row["after"] else {}
            changed = sorted(k for k in set(before) | set(after)
                             if before.get(k) != after.get(k) and k not in ("updated_at", "created_at", "id"))
            out.append({"batch_id": row["batch_id"], "at": row["at"], "user": row["user"], "label": row["label"],
                        "undone": bool(row["undone"]), "table": row["tbl"], "action": row["action"],
                        "fields": changed, "before": before, "after": after})
        return out

    # ------------------------------------------------------------------ replaying
    def replay(self, batch_id: int, *, backwards: bool,
               transaction: Callable[[str], ContextManager[Batch]]) -> None:
        """Undo (``backwards``) or redo one batch, in a ``transaction`` of the catalogue."""
        execute = self.backend.execute
        changes = execute("SELECT * FROM history_changes WHERE batch_id = ? ORDER BY id"
                          + (" DESC" if backwards else ""), (batch_id,)).fetchall()
        label = execute("SELECT label FROM history_batches WHERE id = ?", (batch_id,)).fetchone()[0]
        self.notes = []
        notes = ReplayNotes()
        with self.off(), transaction(("Annuler " if backwards else "Rétablir ") + label) as batch:
            # Deferring foreign keys lets rows come back in any order within the batch.
            execute("PRAGMA defer_foreign_keys = ON")
            elsewhere: set[int] = set()
            if backwards:
                elsewhere = self._imported_changed_elsewhere(batch_id, changes)
                execute(bulk.FILL_INSERT_IMAGES, (batch_id, json.dumps(sorted(elsewhere))))
                changes = bulk.undo_inserts(self.backend, batch_id, changes, batch,
                                            elsewhere | self._used_elsewhere(batch_id, changes))
            else:
                changes = bulk.redo_inserts(self.backend, batch_id, changes, batch)
            for change in changes:
                self._replay_change(change, backwards, elsewhere, notes, batch)
            execute("UPDATE history_batches SET undone = ? WHERE id = ?", (1 if backwards else 0, batch_id))
        self.notes = notes.sentences()

    def _replay_change(self, change: sqlite3.Row, backwards: bool, elsewhere: set[int],
                       notes: "ReplayNotes", batch: Batch) -> None:
        """Bring one recorded row back to its image before (undo) or after (redo) the batch.

        Another window or program may have written the row since this session did: only
        what is still as this batch left it is replayed. A field changed since keeps its
        newer value; a row changed or used since (a contact added to an actor this batch
        created) is not deleted; a row deleted since is not brought back; a row whose id
        was taken since is not overwritten. Each is told in ``notes``.
        ``elsewhere``: the imported actors (inserts whose image is taken only when
        undone) that another session's batches changed since."""
        tbl, row_id = change["tbl"], change["row_id"]
        if tbl not in HISTORY_TABLES:
            return
        backend = self.backend
        before = json.loads(change["before"]) if change["before"] else None
        after = json.loads(change["after"]) if change["after"] else None
        expected, target = (after, before) if backwards else (before, after)
        if target is None and not backwards and change["action"] == "insert":
            return  # an image never taken: the row was gone when undone
        current = backend.row(tbl, row_id)
        if target is None:
            if current is None:
                return
            if expected is None:  # an imported actor: its image was taken just now
                changed = row_id in elsewhere
            else:
                changed = any(current.get(k) != v for k, v in expected.items())
            if changed or self._in_use(tbl, row_id):
                notes.kept(tbl, current)
                return
            backend.delete(tbl, row_id)
            if tbl == "actors":
                batch.purged_ids.add(row_id)
                backend.execute("DELETE FROM actors_fts WHERE rowid = ?", (row_id,))
        elif current is None:
            if expected is not None:
                notes.gone(tbl, target)
            elif any(self._gone(parent, target.get(column), notes) for column, parent in _PARENTS.get(tbl, ())):
                notes.orphan(tbl, target)  # (its actor or call is gone, or is another one now)
            else:
                backend.insert(tbl, target)
        elif expected is None:
            if any(current.get(k) != v for k, v in target.items()):
                notes.taken(tbl, target)
        else:
            # A stamp (one second apart at best) cannot tell whether someone wrote since:
            # it comes back only with a row nobody else touched.
            touched = any(current.get(k) != v for k, v in expected.items() if k not in _STAMPS)
            values, clashes = {}, []
            for key, value in target.items():
                if key == "id" or expected.get(key) == value or current.get(key) == value:
                    continue  # not written by this batch, or already as wanted
                if key in _STAMPS:
                    if not touched:
                        values[key] = value
                elif current.get(key) == expected.get(key):
                    values[key] = value
                elif key != "sort_name":  # (follows the name)
                    clashes.append(key)
            if any(column in values and self._gone(parent, values[column], notes)
                   for column, parent in _PARENTS.get(tbl, ())):
                notes.orphan(tbl, current)  # (moved back to an actor gone since: a merge undone)
                return
            if values:
                backend.update(tbl, row_id, values)
            if clashes:
                notes.fields(tbl, current, clashes)

    def _gone(self, tbl: str, row_id: Any, notes: "ReplayNotes") -> bool:
        """Whether a row another one would refer to is missing, or is not the one this
        replay means (it did not bring it back)."""
        return (tbl, row_id) in notes.not_back or self.backend.row(tbl, row_id) is None

    def _in_use(self, tbl: str, row_id: int) -> bool:
        """Whether other rows still refer to this one (deleting it would take them along)."""
        return any(self.backend.execute(f"SELECT 1 FROM [{child}] WHERE [{column}] = ? LIMIT 1",
                                        (row_id,)).fetchone()
                   for child, column in DEPENDENTS.get(tbl, ()))

    def _imported_changed_elsewhere(self, batch_id: int, changes: list) -> set[int]:
        """The actors this batch imported (no image recorded, see bulk.HISTORY_OF_NEW_ACTORS)
        that batches of other sessions, written since and not undone, changed."""
        imported = {c["row_id"] for c in changes
                    if c["tbl"] == "actors" and c["action"] == "insert" and c["after"] is None}
        if not imported:
            return set()
        later = self.backend.execute(
            "SELECT DISTINCT c.row_id FROM history_batches b JOIN history_changes c ON c.batch_id = b.id "
            "WHERE b.id > ? AND b.session <> ? AND b.undone = 0 AND c.tbl = 'actors'",
            (batch_id, self.session))
        return {row_id for (row_id,) in later if row_id in imported}

    def _used_elsewhere(self, batch_id: int, changes: list) -> set[int]:
        """The actors a big batch only created that rows not inserted by this batch refer
        to (an undo keeps them); nothing for a small batch, replayed row by row."""
        actor_ids = [c["row_id"] for c in bulk.only_created(changes)]
        if len(actor_ids) < bulk.BULK_ROWS:
            return set()
        written = json.dumps(actor_ids)
        used: set[int] = set()
        for child, column in DEPENDENTS["actors"]:
            used.update(r[0] for r in self.backend.execute(
                f"SELECT DISTINCT [{column}] FROM [{child}] WHERE [{column}] IN (SELECT value FROM json_each(?)) "
                "AND id NOT IN (SELECT row_id FROM history_changes WHERE batch_id = ? AND tbl = ? "
                "AND action = 'insert')", (written, batch_id, child)))
        return used


# How a replay's notes name a row: (noun phrase, feminine, the column naming it).
_ROW_NAMES = {
    "actors": ("L'acteur", False, "name"), "contacts": ("Le contact", False, None),
    "relations": ("Une relation", True, None), "exchanges": ("Un échange", False, None),
    "vocabulary": ("La valeur de vocabulaire", True, "label"), "saved_views": ("La vue", True, "name"),
    "calls": ("L'appel à projets", False, "name"), "call_entries": ("Une présélection d'appel", True, None),
    "kind_rules": ("La règle de type proposé", True, "pattern"), "synonyms": ("Le synonyme", False, "term"),
    "custom_fields": ("Le champ personnalisé", False, "label"), "custom_choices": ("Le choix", False, "label"),
    "custom_values": ("Une valeur de champ personnalisé", True, None),
}
_ELSEWHERE = "dans une autre fenêtre ou un autre programme"
# The French names of the recorded tables' fields, for those notes.
_FIELD_NAMES = {
    **fields.ACTOR_LABELS, **fields.CONTACT_LABELS,
    "deleted_at": "Corbeille", "actor_id": "Acteur", "note": "Note", "text": "Texte",
    "date": "Date", "label": "Libellé", "hidden": "Masquée", "color": "Couleur", "filter": "Critères",
    "funder": "Financeur", "opens": "Ouverture", "closes": "Clôture", "url": "Adresse web",
    "state": "État", "eligibility": "Éligibilité", "changed_at": "Date du statut",
    "value": "Valeur", "unit": "Unité", "position": "Ordre",  # (custom fields)
}


class ReplayNotes:
    """What an undo or redo left as another session had written it, one French
    sentence per row (see History._replay_change)."""

    def __init__(self) -> None:
        self._sentences: dict[tuple[str, int], str] = {}
        self._fields: dict[tuple[str, int], tuple[Mapping, list[str]]] = {}
        self.not_back: set[tuple[str, int]] = set()   # rows the replay did not bring back

    @staticmethod
    def _what(tbl: str, row: Mapping) -> tuple[str, str]:
        noun, feminine, column = _ROW_NAMES.get(tbl, ("L'élément", False, None))
        if tbl == "contacts":
            name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip() or row.get("email")
        else:
            name = row.get(column) if column else None
        what = f"{noun} « {name} »" if name else f"{noun} n° {row.get('id')}"
        return what, "e" if feminine else ""

    def kept(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        pronoun = "elle" if e else "il"
        self._sentences[tbl, row["id"]] = (f"{what} a été modifié{e} ou complété{e} depuis {_ELSEWHERE} : "
                                           f"{pronoun} est conservé{e}.")

    def gone(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        pronoun = "elle" if e else "il"
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} a été supprimé{e} depuis {_ELSEWHERE} : "
                                           f"{pronoun} n'est pas rétabli{e}.")

    def taken(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} n'est pas rétabli{e} : son numéro ({row['id']}) est pris "
                                           f"par un élément créé depuis {_ELSEWHERE}.")

    def orphan(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} n'est pas rétabli{e} : l'élément auquel "
                                           f"{'elle' if e else 'il'} se rattache a été supprimé ou remplacé "
                                           f"depuis {_ELSEWHERE}.")

    def fields(self, tbl: str, row: Mapping, keys: list[str]) -> None:
        _, known = self._fields.get((tbl, row["id"]), (row, []))
        self._fields[tbl, row["id"]] = (row, known + [k for k in keys if k not in known])

    def sentences(self) -> list[str]:
        out = dict(self._sentences)
        for (tbl, row_id), (row, keys) in self._fields.items():
            if (tbl, row_id) in out:
                continue
            what, _ = self._what(tbl, row)
            names = ", ".join(f"« {_FIELD_NAMES.get(k, k)} »" for k in keys)
            out[tbl, row_id] = (f"{what} : {'les champs' if len(keys) > 1 else 'le champ'} {names} "
                                f"{'ont été modifiés' if len(keys) > 1 else 'a été modifié'} depuis {_ELSEWHERE} ; "
                                f"{'leurs valeurs actuelles sont conservées' if len(keys) > 1 else 'sa valeur actuelle est conservée'}.")
        return list(out.values())
