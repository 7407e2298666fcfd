"""The smaller records of a catalogue in the façade: contacts, relations between
actors, exchanges (« Suivi »), vocabularies (with their labels read once per state of
the file, :class:`Vocabularies`), tags and saved views.

:class:`RecordsMixin` relies on the façade's ``backend`` (reads and recorded row
writes), ``transaction()`` and ``vocabularies``; every public method takes the
backend's lock.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Sequence

from .. import vocab
from ..clock import now_iso, os_user
from ..errors import UserError
from ..filter import Filter
from ..text import fold, storable, stored_text
from .backend import Backend, fits_sqlite
from .columns import CONTACT_FIELDS, USABLE_CONTACT_SQL, contact_to_dict
from .followups import FollowupsMixin, parse_due
from .journal import JournalMixin


class Vocabularies:
    """The entries of each vocabulary, read once per state of the file (the list, the
    facets, the editor, the import and the export all ask for the same labels): kept
    while no write here or elsewhere changed the file."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._state: tuple[int, int] | None = None
        self._entries: dict[tuple[str, bool], list[dict[str, Any]]] = {}

    def entries(self, name: str, *, include_hidden: bool = True) -> list[dict[str, Any]]:
        """The entries of a vocabulary by position then label (the caller holds the lock)."""
        state = (self.backend.read_data_version(), self.backend.conn.total_changes)
        if state != self._state:
            self._state, self._entries = state, {}
        key = (name, include_hidden)
        found = self._entries.get(key)
        if found is None:
            sql = "SELECT * FROM vocabulary WHERE vocab = ?" + ("" if include_hidden else " AND hidden = 0")
            found = self._entries[key] = [dict(r) for r in self.backend.execute(
                sql + " ORDER BY position, label", (name,))]
        return found


class RecordsMixin(FollowupsMixin, JournalMixin):
    """Contacts, relations, exchanges (their follow-ups: :mod:`.followups`), vocabularies,
    tags and views (see the module), and each actor's journal (:mod:`.journal`)."""

    # ------------------------------------------------------------------ contacts
    def contacts(self, actor_id: int | None = None, *, actor_ids: Sequence[int] | None = None,
                 usable_only: bool = False) -> list[dict[str, Any]]:
        where, params = [], []
        if actor_id is not None:
            where.append("actor_id = ?")
            params.append(actor_id)
        if usable_only:
            where.append(USABLE_CONTACT_SQL)
        sql = "SELECT * FROM contacts" + (" WHERE " + " AND ".join(where) if where else "")
        with self.backend.lock:
            if actor_ids is not None:
                clause = (" AND " if where else " WHERE ") + "actor_id IN ({ids})"
                out = [contact_to_dict(r) for r in self.backend.rows_in(sql + clause, list(actor_ids), params)]
                order = {a: i for i, a in enumerate(actor_ids)}
                out.sort(key=lambda c: (order.get(c["actor_id"], 0), fold(c["last_name"]), fold(c["first_name"])))
                return out
            sql += " ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE"
            return [contact_to_dict(r) for r in self.backend.execute(sql, params)]

    def get_contact(self, contact_id: int) -> dict[str, Any] | None:
        if not fits_sqlite(contact_id):
            return None
        with self.backend.lock:
            row = self.backend.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return contact_to_dict(row) if row else None

    def _clean_contact(self, data: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(data) - set(CONTACT_FIELDS) - {"id", "actor_id", "usable", "created_at", "updated_at"}
        if unknown:
            raise UserError(f"Champ de contact inconnu : « {sorted(unknown)[0]} ».")
        out = {}
        for key in CONTACT_FIELDS:
            if key in data:
                value = data[key]
                out[key] = (1 if value else 0) if key == "opt_out" else stored_text(value)
        if out.get("legal_basis", "") not in ("", *vocab.LEGAL_BASES):
            raise UserError(f"Base légale inconnue : « {out['legal_basis']} ».")
        return out

    def add_contact(self, actor_id: int, data: Mapping[str, Any]) -> int:
        with self.backend.lock:
            if self.backend.row("actors", actor_id) is None:
                raise UserError(f"L'acteur {actor_id} n'existe pas.")
            values = self._clean_contact(data)
            if not (values.get("last_name") or values.get("first_name") or values.get("email")):
                raise UserError("Un contact doit avoir au moins un nom ou un e-mail.")
            stamp = now_iso()
            values.update(actor_id=actor_id, created_at=stamp, updated_at=stamp)
            name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip() or values.get("email", "")
            with self.transaction(f"Ajouter le contact « {name} »"):
                return self.backend.insert("contacts", values)

    def update_contact(self, contact_id: int, changes: Mapping[str, Any]) -> bool:
        with self.backend.lock:
            before = self.backend.row("contacts", contact_id)
            if before is None:
                raise UserError("Ce contact n'existe plus.")
            values = self._clean_contact(changes)
            if "actor_id" in changes:
                values["actor_id"] = int(changes["actor_id"])
            values = {k: v for k, v in values.items() if before.get(k) != v}
            if not values:
                return False
            values["updated_at"] = now_iso()
            label = f"Modifier le contact « {before['first_name']} {before['last_name']} »".replace("  ", " ")
            with self.transaction(label):
                return self.backend.update("contacts", contact_id, values)

    def delete_contact(self, contact_id: int) -> None:
        with self.backend.lock:
            before = self.backend.row("contacts", contact_id)
            if before is None:
                return
            with self.transaction(f"Supprimer le contact « {before['first_name']} {before['last_name']} »"):
                self.delete_custom_values_of([contact_id], "contact")  # custom fields' values
                self.backend.delete("contacts", contact_id)

    # ------------------------------------------------------------------ relations
    def relations(self, actor_ids: Sequence[int] | None = None, *, include_deleted: bool = False) -> list[dict]:
        """Relations between actors (both ends in ``actor_ids`` when given)."""
        sql = ("SELECT r.* FROM relations r JOIN actors s ON s.id = r.source_id "
               "JOIN actors t ON t.id = r.target_id")
        if not include_deleted:
            sql += " WHERE s.deleted_at IS NULL AND t.deleted_at IS NULL"
        with self.backend.lock:
            rows = [dict(r) for r in self.backend.execute(sql + " ORDER BY r.id")]
        if actor_ids is not None:
            keep = set(actor_ids)
            rows = [r for r in rows if r["source_id"] in keep and r["target_id"] in keep]
        return rows

    def relations_of(self, actor_id: int) -> list[dict[str, Any]]:
        """Relations of one actor seen from it: type, direction, the other actor, French label."""
        out = []
        with self.backend.lock:
            rows = self.backend.execute(
                "SELECT r.id, r.type, r.note, r.source_id, r.target_id, o.id AS other_id, o.name AS other_name, "
                "o.deleted_at AS other_deleted, CASE WHEN r.source_id = ? THEN 'out' ELSE 'in' END AS direction "
                "FROM relations r JOIN actors o ON o.id = CASE WHEN r.source_id = ? THEN r.target_id ELSE r.source_id END "
                "WHERE r.source_id = ? OR r.target_id = ? ORDER BY r.type, o.name COLLATE NOCASE",
                (actor_id,) * 4).fetchall()
        for row in rows:
            if row["other_deleted"]:
                continue
            labels = vocab.RELATION_TYPES[row["type"]]
            out.append({"id": row["id"], "type": row["type"], "direction": row["direction"],
                        "other_id": row["other_id"], "other_name": row["other_name"], "note": row["note"],
                        "label": labels[0] if row["direction"] == "out" else labels[1]})
        return out

    def add_relation(self, source_id: int, rel_type: str, target_id: int, note: str = "") -> int:
        if rel_type not in vocab.RELATION_TYPES:
            raise UserError(f"Type de relation inconnu : « {rel_type} ».")
        if source_id == target_id:
            raise UserError("Un acteur ne peut pas être en relation avec lui-même.")
        backend = self.backend
        with backend.lock:
            source, target = backend.row("actors", source_id), backend.row("actors", target_id)
            if source is None or target is None:
                raise UserError("Les deux acteurs de la relation doivent exister.")
            exists = backend.execute("SELECT id FROM relations WHERE source_id = ? AND type = ? AND target_id = ?",
                                     (source_id, rel_type, target_id)).fetchone()
            if exists:
                raise UserError("Cette relation existe déjà.")
            label = vocab.RELATION_TYPES[rel_type][0]
            with self.transaction(f"Relation : « {source['name']} » {label} « {target['name']} »"):
                return backend.insert("relations", {"source_id": source_id, "type": rel_type,
                                                    "target_id": target_id, "note": note or "",
                                                    "created_at": now_iso()})

    def delete_relation(self, relation_id: int) -> None:
        with self.backend.lock:
            if self.backend.row("relations", relation_id) is None:
                return
            with self.transaction("Supprimer une relation"):
                self.backend.delete("relations", relation_id)

    # ------------------------------------------------------------------ exchanges (Suivi)
    def exchanges(self, actor_id: int) -> list[dict[str, Any]]:
        with self.backend.lock:
            return [dict(r) for r in self.backend.execute(
                "SELECT * FROM exchanges WHERE actor_id = ? ORDER BY date DESC, id DESC", (actor_id,))]

    def add_exchange(self, actor_id: int, *, date: str, kind: str, text: str, author: str | None = None,
                     followup_on: Any = None, followup_by: str = "", next_step: str = "") -> int:
        """Record an exchange, with its follow-up when ``followup_on`` is given (see
        :mod:`.followups`)."""
        followup = {"followup_on": parse_due(followup_on), "followup_by": stored_text(followup_by),
                    "next_step": stored_text(next_step)} if followup_on else {}
        if kind not in vocab.EXCHANGE_KINDS:
            raise UserError(f"Type d'échange inconnu : « {kind} ».")
        try:
            datetime.fromisoformat(date)
        except (TypeError, ValueError) as exc:
            raise UserError(f"Date d'échange invalide : « {date} » (attendu AAAA-MM-JJ).") from exc
        with self.backend.lock:
            if self.backend.row("actors", actor_id) is None:
                raise UserError(f"L'acteur {actor_id} n'existe pas.")
            with self.transaction(f"Ajouter un échange ({vocab.EXCHANGE_KINDS[kind]})"):
                return self.backend.insert("exchanges", {"actor_id": actor_id, "date": date, "kind": kind,
                                                         "author": author if author is not None else os_user(),
                                                         "text": text or "", "created_at": now_iso(),
                                                         **followup})

    def delete_exchange(self, exchange_id: int) -> None:
        with self.backend.lock:
            if self.backend.row("exchanges", exchange_id) is None:
                return
            with self.transaction("Supprimer un échange"):
                self.backend.delete("exchanges", exchange_id)

    # ------------------------------------------------------------------ vocabularies
    def vocab_entries(self, name: str, *, include_hidden: bool = True) -> list[dict[str, Any]]:
        with self.backend.lock:
            return [dict(e) for e in self.vocabularies.entries(name, include_hidden=include_hidden)]

    def vocabulary(self, name: str, *, include_hidden: bool = True) -> dict[str, str]:
        """{slug: label} of a vocabulary, by position then label."""
        with self.backend.lock:
            return {e["slug"]: e["label"] for e in self.vocabularies.entries(name, include_hidden=include_hidden)}

    def value_labels(self, names: tuple[str, ...] = ("kind", "domain", "activity")) -> dict[str, dict[str, str]]:
        """{vocabulary: {slug: label}} of the vocabularies an actor's values come from (the
        list, the export, the import): read once per state of the file."""
        return {name: self.vocabulary(name) for name in names}

    def kind_colors(self) -> dict[str, str]:
        with self.backend.lock:
            return {e["slug"]: e["color"] or "#777777" for e in self.vocabularies.entries("kind")}

    def kinds(self) -> dict[str, tuple[str, str]]:
        """{slug: (label, colour)} — what the map and dashboard take."""
        with self.backend.lock:
            return {e["slug"]: (e["label"], e["color"] or "#777777") for e in self.vocabularies.entries("kind")}

    def set_vocab_entry(self, name: str, slug: str, *, label: str | None = None, hidden: bool | None = None,
                        color: str | None = None) -> None:
        with self.backend.lock:
            row = self.backend.execute("SELECT * FROM vocabulary WHERE vocab = ? AND slug = ?",
                                       (name, slug)).fetchone()
            if row is None:
                raise UserError(f"Valeur de vocabulaire inconnue : « {slug} ».")
            changes: dict[str, Any] = {}
            if label is not None:
                label = stored_text(label)
                if not label:
                    raise UserError("Le libellé ne peut pas être vide.")
                changes["label"] = label
            if hidden is not None:
                changes["hidden"] = 1 if hidden else 0
            if color is not None:
                changes["color"] = color
            with self.transaction(f"Modifier le vocabulaire « {row['label']} »"):
                self.backend.update("vocabulary", row["id"], changes)

    def add_vocab_entry(self, name: str, label: str, slug: str | None = None, color: str = "") -> str:
        if name not in vocab.VOCABULARIES:
            raise UserError(f"Vocabulaire inconnu : « {name} ».")
        label = stored_text(label)
        if not label:
            raise UserError("Le libellé ne peut pas être vide.")
        slug = stored_text(slug) or fold(label).replace(" ", "_")
        backend = self.backend
        with backend.lock:
            if backend.execute("SELECT 1 FROM vocabulary WHERE vocab = ? AND slug = ?", (name, slug)).fetchone():
                raise UserError(f"La valeur « {label} » existe déjà.")
            position = backend.execute("SELECT coalesce(max(position), 0) + 1 FROM vocabulary WHERE vocab = ?",
                                       (name,)).fetchone()[0]
            with self.transaction(f"Ajouter « {label} » au vocabulaire"):
                backend.insert("vocabulary", {"vocab": name, "slug": slug, "label": label, "color": color,
                                              "position": position})
            return slug

    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag on every actor (merging it into ``new`` when that tag exists)."""
        old, new = storable(old), stored_text(new)
        if not new:
            raise UserError("Le nom de l'étiquette ne peut pas être vide.")
        backend = self.backend
        with backend.lock:
            count = 0
            with self.transaction(f"Renommer l'étiquette « {old} » en « {new} »"):
                for row in backend.execute(
                        "SELECT id, tags FROM actors WHERE EXISTS "
                        "(SELECT 1 FROM json_each(actors.tags) WHERE value = ?)", (old,)).fetchall():
                    tags = json.loads(row["tags"])
                    tags = list(dict.fromkeys(new if t == old else t for t in tags))
                    backend.update("actors", row["id"], {"tags": json.dumps(tags, ensure_ascii=False),
                                                         "updated_at": now_iso()})
                    count += 1
            return count

    # ------------------------------------------------------------------ saved views
    def saved_views(self) -> list[dict[str, Any]]:
        with self.backend.lock:
            return [{"id": r["id"], "name": r["name"], "filter": Filter.from_json(r["filter"])}
                    for r in self.backend.execute("SELECT * FROM saved_views ORDER BY name COLLATE NOCASE")]

    def save_view(self, name: str, flt: Filter) -> int:
        name = stored_text(name)
        if not name:
            raise UserError("Donnez un nom à la vue.")
        backend = self.backend
        with backend.lock:
            existing = backend.execute("SELECT id FROM saved_views WHERE name = ? COLLATE NOCASE",
                                       (name,)).fetchone()
            with self.transaction(f"Enregistrer la vue « {name} »"):
                if existing:
                    backend.update("saved_views", existing[0], {"filter": flt.to_json(), "updated_at": now_iso()})
                    return existing[0]
                stamp = now_iso()
                return backend.insert("saved_views", {"name": name, "filter": flt.to_json(),
                                                      "created_at": stamp, "updated_at": stamp})

    def rename_view(self, view_id: int, name: str) -> None:
        name = stored_text(name)
        if not name:
            raise UserError("Donnez un nom à la vue.")
        backend = self.backend
        with backend.lock:
            clash = backend.execute("SELECT id FROM saved_views WHERE name = ? COLLATE NOCASE AND id <> ?",
                                    (name, view_id)).fetchone()
            if clash:
                raise UserError(f"Une vue s'appelle déjà « {name} ».")
            with self.transaction(f"Renommer la vue en « {name} »"):
                backend.update("saved_views", view_id, {"name": name, "updated_at": now_iso()})

    def delete_view(self, view_id: int) -> None:
        with self.backend.lock:
            with self.transaction("Supprimer une vue"):
                self.backend.delete("saved_views", view_id)
