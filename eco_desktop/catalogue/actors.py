"""The actors part of the façade: reading them, and each write a user makes to them
(create, edit, edit many, trash, restore, purge, duplicate, merge).

:class:`ActorsMixin` relies on the façade's ``backend`` (reads and recorded row
writes), ``transaction()``, ``actor_ids()``, ``index()`` and ``vocabulary()``; every
public method takes the backend's lock. :func:`derive_geography` fills an actor's
place from the gazetteer, for single writes here and bulk ones (:mod:`.bulk`).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..clock import now_iso
from ..errors import UserError
from ..filter import Filter
from ..text import fold
from .backend import chunks, fits_sqlite
from .columns import (ACTOR_COLUMN_DEFAULTS, ACTOR_FIELDS, CLEANING, EDITABLE_ACTOR_FIELDS, LIST_FIELDS, SKIP,
                      actor_to_dict, clean_value)
from .index import mask_array


def derive_geography(values: dict[str, Any], previous: Mapping[str, Any] | None) -> None:
    """Fill INSEE code, département, MGP, EPT/EPCI, IDF flag and a commune-precision
    position from the gazetteer when the commune or postcode changed."""
    from ..geo import gazetteer
    merged = {**(previous or {}), **values}
    place_changed = previous is None or any(
        k in values and values[k] != previous.get(k) for k in ("commune", "postcode", "insee_code"))
    if not place_changed:
        return
    gaz = gazetteer()
    commune = None
    if merged.get("insee_code") and (previous is None or "insee_code" in values):
        commune = gaz.by_insee(merged["insee_code"])
    if commune is None and (merged.get("commune") or merged.get("postcode")):
        commune = gaz.match(commune=merged.get("commune") or None, postcode=merged.get("postcode") or None)
    if commune is None:
        if merged.get("departement"):
            values.setdefault("outside_idf", 0 if gaz.is_idf_departement(merged["departement"]) else 1)
        return
    values["insee_code"] = commune.insee
    values["commune"] = commune.name
    values["departement"] = commune.departement
    values["mgp"] = 1 if commune.mgp else 0
    values["ept"] = commune.ept or ""
    values["epci"] = commune.epci or ""
    values["outside_idf"] = 0 if commune.in_idf else 1  # the gazetteer knows all France
    if not merged.get("postcode") and len(commune.postcodes) == 1:
        values["postcode"] = commune.postcodes[0]
    manual = merged.get("geo_precision") in ("address", "manual") and "lat" not in values
    if commune.lat is not None and not manual and (
            "lat" not in values or values.get("lat") is None
            or merged.get("geo_precision") in ("", "commune")):
        values["lat"], values["lon"] = round(commune.lat, 6), round(commune.lon, 6)
        values["geo_precision"] = "commune"


class ActorsMixin:
    """Reading and writing actors (see the module)."""

    # ------------------------------------------------------------------ reading
    def get_actor(self, actor_id: int) -> dict[str, Any] | None:
        if not fits_sqlite(actor_id):
            return None
        with self.backend.lock:
            row = self.backend.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None:
            return None
        actor = actor_to_dict(row)
        actor["deleted_at"] = row["deleted_at"]
        return actor

    def actors_by_ids(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Actors in the order of ``ids`` (missing ids skipped)."""
        with self.backend.lock:
            found = {row["id"]: actor_to_dict(row)
                     for row in self.backend.rows_in("SELECT * FROM actors WHERE id IN ({ids})", ids)}
        return [found[i] for i in ids if i in found]

    def actors(self, flt: Filter | None = None, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        with self.backend.lock:
            ids = self.actor_ids(flt)
            ids = ids[offset:offset + limit] if limit is not None else ids[offset:]
            return self.actors_by_ids(ids)

    def iter_actors(self, flt: Filter | None = None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
        """Stream the matching actors in order, a chunk at a time (exports)."""
        ids = self.actor_ids(flt)
        for part in chunks(ids, chunk):
            yield from self.actors_by_ids(part)

    def actor_rows(self, select: str, ids: Sequence[int], *, check: Callable[[], None] | None = None,
                   chunk: int = 5000, scan_from: int | None = None) -> Iterator[list[tuple]]:
        """The rows of ``select`` (over ``actors AS a``, the id first) of the actors
        ``ids``, in that order, as plain tuples, a chunk at a time: for the export and
        the map, which read many actors into columns without a dict per actor (see
        :meth:`Backend.actor_rows` for ``check`` and ``scan_from``)."""
        return self.backend.actor_rows(select, ids, check=check, chunk=chunk, scan_from=scan_from)

    def actor_identities(self, columns: Sequence[str]) -> list[dict[str, Any]]:
        """``id`` and ``columns`` of every actor not in the trash, by id (what the import's
        duplicate rules compare)."""
        unknown = [c for c in columns if c not in ACTOR_COLUMN_DEFAULTS]
        if unknown:
            raise UserError(f"Champ inconnu : « {unknown[0]} ».")
        select = ", ".join(dict.fromkeys(["id", *columns]))
        with self.backend.lock:
            return [dict(r) for r in self.backend.execute(
                f"SELECT {select} FROM actors WHERE deleted_at IS NULL ORDER BY id")]

    def column_values(self, field: str, ids: Sequence[int] | None = None) -> dict[int, Any]:
        """One field of many actors, by id (sorting a table column)."""
        if field not in ACTOR_FIELDS:
            raise UserError(f"Champ inconnu : « {field} ».")
        with self.backend.lock:
            rows = self.backend.execute(f"SELECT id, [{field}] FROM actors").fetchall()
        if field in LIST_FIELDS:
            values = {r[0]: json.loads(r[1] or "[]") for r in rows}
        else:
            values = {r[0]: r[1] for r in rows}
        if ids is not None:
            return {i: values.get(i) for i in ids}
        return values

    def all_actor_names(self) -> list[tuple[int, str]]:
        """(id, name) of every actor not in the trash, by folded name (pickers)."""
        with self.backend.lock:
            index = self.index()
            alive = mask_array(index.base_mask(Filter()), index.size)
            return [(index.ids[p], index.names[p]) for p in index.name_order().tolist() if alive[p]]

    def all_tags(self) -> dict[str, int]:
        """Every tag with the number of (non-deleted) actors carrying it."""
        with self.backend.lock:
            index = self.index()
            alive = index.base_mask(Filter())
            return {tag: (bits & alive).bit_count() for tag, bits in sorted(index.bits["tag"].items())
                    if bits & alive}

    # ------------------------------------------------------------------ writing
    def _clean_actor(self, data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            how = CLEANING.get(key)
            if how is not SKIP:
                out[key] = clean_value(how, key, value)
        if not partial or "name" in out:
            if not out.get("name"):
                raise UserError("Le nom de l'acteur est obligatoire.")
            out["sort_name"] = fold(out["name"])
        if not partial or "kind" in out:
            kind = out.get("kind", "")
            if kind not in self.vocabulary("kind"):
                raise UserError(f"Type d'acteur inconnu : « {kind} ».")
        return out

    def create_actor(self, data: Mapping[str, Any], *, label: str | None = None) -> int:
        with self.backend.lock:
            stamp = now_iso()
            values = self._clean_actor(data, partial=False)
            derive_geography(values, None)
            values.setdefault("status", "active")
            values["created_at"] = data.get("created_at") or stamp
            values["updated_at"] = data.get("updated_at") or stamp
            if data.get("id") is not None:
                values["id"] = int(data["id"])
            with self.transaction(label or f"Créer « {values['name']} »"):
                return self.backend.insert("actors", values)

    def update_actor(self, actor_id: int, changes: Mapping[str, Any], *, label: str | None = None) -> bool:
        backend = self.backend
        with backend.lock:
            before = self.get_actor(actor_id)
            if before is None:
                raise UserError(f"L'acteur {actor_id} n'existe pas.")
            values = self._clean_actor(changes, partial=True)
            previous = backend.row("actors", actor_id)
            derive_geography(values, previous)
            values = {k: v for k, v in values.items() if previous.get(k) != v}
            if not values:
                return False
            values["updated_at"] = now_iso()
            with self.transaction(label or f"Modifier « {before['name']} »"):
                return backend.update("actors", actor_id, values)

    def bulk_update(self, ids: Sequence[int], *, set_values: Mapping[str, Any] | None = None,
                    add: Mapping[str, Iterable[str]] | None = None,
                    remove: Mapping[str, Iterable[str]] | None = None, label: str | None = None) -> int:
        """Set fields, add to or remove from list fields on many actors: one undo step."""
        backend = self.backend
        with backend.lock:
            set_values = self._clean_actor(set_values or {}, partial=True)
            changed = 0
            with self.transaction(label or f"Modification groupée de {len(ids)} acteur(s)"):
                for actor_id in ids:
                    row = backend.row("actors", actor_id)
                    if row is None:
                        continue
                    values = dict(set_values)
                    derive_geography(values, row)
                    for key, items in (add or {}).items():
                        current = json.loads(row[key])
                        values[key] = json.dumps(current + [i for i in items if i not in current],
                                                 ensure_ascii=False)
                    for key, items in (remove or {}).items():
                        drop = set(items)
                        current = json.loads(values.get(key, row[key]))
                        values[key] = json.dumps([i for i in current if i not in drop], ensure_ascii=False)
                    values = {k: v for k, v in values.items() if row.get(k) != v}
                    if values:
                        values["updated_at"] = now_iso()
                        backend.update("actors", actor_id, values)
                        changed += 1
            return changed

    def delete_actors(self, ids: Sequence[int], *, label: str | None = None) -> int:
        """Move actors to the trash (their relations, contacts and call entries stay, hidden)."""
        backend = self.backend
        with backend.lock:
            stamp = now_iso()
            count = 0
            names = [a["name"] for a in self.actors_by_ids(list(ids)[:1])]
            with self.transaction(label or (f"Supprimer « {names[0]} »" if len(ids) == 1 and names
                                            else f"Supprimer {len(ids)} acteurs")):
                for actor_id in ids:
                    row = backend.row("actors", actor_id)
                    if row and row["deleted_at"] is None:
                        backend.update("actors", actor_id, {"deleted_at": stamp})
                        count += 1
            return count

    def restore_actors(self, ids: Sequence[int]) -> int:
        backend = self.backend
        with backend.lock:
            count = 0
            with self.transaction(f"Restaurer {len(ids)} acteur(s) de la corbeille"):
                for actor_id in ids:
                    row = backend.row("actors", actor_id)
                    if row and row["deleted_at"] is not None:
                        backend.update("actors", actor_id, {"deleted_at": None})
                        count += 1
            return count

    def purge_actors(self, ids: Sequence[int]) -> int:
        """Delete actors for good, with their contacts, relations, exchanges and call entries."""
        backend = self.backend
        with backend.lock:
            count = 0
            with self.transaction(f"Supprimer définitivement {len(ids)} acteur(s)") as batch:
                for actor_id in ids:
                    if backend.row("actors", actor_id) is None:
                        continue
                    # custom values first: their ids (row_id) may be taken again
                    self.delete_custom_values_of([r[0] for r in backend.execute(
                        "SELECT id FROM contacts WHERE actor_id = ?", (actor_id,))], "contact")
                    self.delete_custom_values_of([actor_id], "actor")
                    for tbl, column in (("contacts", "actor_id"), ("exchanges", "actor_id"),
                                        ("call_entries", "actor_id"), ("relations", "source_id"),
                                        ("relations", "target_id")):
                        for (child,) in backend.execute(f"SELECT id FROM [{tbl}] WHERE {column} = ?",
                                                        (actor_id,)).fetchall():
                            backend.delete(tbl, child)
                    backend.delete("actors", actor_id)
                    batch.purged_ids.add(actor_id)
                    backend.execute("DELETE FROM actors_fts WHERE rowid = ?", (actor_id,))
                    count += 1
            return count

    def empty_trash(self) -> int:
        with self.backend.lock:
            ids = [r[0] for r in self.backend.execute("SELECT id FROM actors WHERE deleted_at IS NOT NULL")]
            return self.purge_actors(ids) if ids else 0

    def duplicate_actor(self, actor_id: int) -> int:
        with self.backend.lock:
            actor = self.get_actor(actor_id)
            if actor is None:
                raise UserError(f"L'acteur {actor_id} n'existe pas.")
            data = {k: v for k, v in actor.items() if k in EDITABLE_ACTOR_FIELDS}
            data["name"] = f"{actor['name']} (copie)"
            data["siret"] = ""
            return self.create_actor(data, label=f"Dupliquer « {actor['name']} »")

    def merge_actors(self, survivor_id: int, other_id: int, values: Mapping[str, Any] | None = None) -> None:
        """Merge ``other`` into ``survivor``: chosen field values, union of list fields,
        and the other's contacts, relations, exchanges and call entries moved over.
        The other actor goes to the trash. One undo step."""
        backend = self.backend
        execute = backend.execute
        with backend.lock:
            survivor, other = self.get_actor(survivor_id), self.get_actor(other_id)
            if survivor is None or other is None or survivor_id == other_id:
                raise UserError("Choisissez deux acteurs différents à fusionner.")
            updates = dict(values or {})
            for key in LIST_FIELDS:
                if key not in updates:
                    updates[key] = survivor[key] + [v for v in other[key] if v not in survivor[key]]
            if other["name"] not in updates["aliases"] and other["name"] != updates.get("name", survivor["name"]):
                updates["aliases"] = updates["aliases"] + [other["name"]]
            with self.transaction(f"Fusionner « {other['name']} » dans « {survivor['name']} »"):
                self.update_actor(survivor_id, updates)
                for (cid,) in execute("SELECT id FROM contacts WHERE actor_id = ?", (other_id,)).fetchall():
                    backend.update("contacts", cid, {"actor_id": survivor_id})
                for (eid,) in execute("SELECT id FROM exchanges WHERE actor_id = ?", (other_id,)).fetchall():
                    backend.update("exchanges", eid, {"actor_id": survivor_id})
                for entry in execute("SELECT * FROM call_entries WHERE actor_id = ?", (other_id,)).fetchall():
                    clash = execute("SELECT id FROM call_entries WHERE call_id = ? AND actor_id = ?",
                                    (entry["call_id"], survivor_id)).fetchone()
                    if clash:
                        backend.delete("call_entries", entry["id"])
                    else:
                        backend.update("call_entries", entry["id"], {"actor_id": survivor_id})
                for rel in execute("SELECT * FROM relations WHERE source_id = ? OR target_id = ?",
                                   (other_id, other_id)).fetchall():
                    source = survivor_id if rel["source_id"] == other_id else rel["source_id"]
                    target = survivor_id if rel["target_id"] == other_id else rel["target_id"]
                    clash = execute("SELECT id FROM relations WHERE source_id = ? AND type = ? AND target_id = ?",
                                    (source, rel["type"], target)).fetchone()
                    if source == target or clash:
                        backend.delete("relations", rel["id"])
                    else:
                        backend.update("relations", rel["id"], {"source_id": source, "target_id": target})
                backend.update("actors", other_id, {"deleted_at": now_iso()})
