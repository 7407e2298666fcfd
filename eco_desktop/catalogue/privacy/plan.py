"""What an erasure changes, computed before anything is written (``build_plan``), and
writing exactly that (``apply_plan``). Where the person is searched and what is never
touched: ``FREE_TEXT`` and ``NEVER_TOUCHED`` (a test checks that they cover every text
column of the schema); how they are recognised: ``matching.Person``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable

from ...errors import UserError
from ...text import fold
from ..columns import TABLE_LABELS
from .matching import REDACTED, Person, excerpt, normalized_email, normalized_phone

LABEL = "Effacer une personne (RGPD)"
_MATCH_FN = "eco_privacy_mentions"
# Free-text columns, per table, where the person may be named.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "actors": ("description", "source", "tags"),
    "contacts": ("notes",),  # other contacts: their notes only
    "relations": ("note",),
    "exchanges": ("text", "author", "followup_by", "next_step"),
    "saved_views": ("name", "filter"),
    "calls": ("name", "funder", "description", "eligibility"),
    "call_entries": ("note", "followup_by", "next_step"),
    "history_batches": ("label",),
    "history_changes": ("before", "after"),
    "sync_conflicts": ("mine", "theirs", "note"),   # team sync: both sides' values
    "custom_values": ("value",),   # custom fields: a text about an actor may name the person
}
# Every other text column, and why it is left alone ("*": the whole table).
NEVER_TOUCHED: dict[str, Any] = {
    "meta": "*",                 # the application's own settings
    "vocabulary": "*",           # slugs and labels of kinds, domains, activities
    "kind_rules": "*",           # NAF codes and types of structure -> kinds: settings
    "synonyms": "*",             # the search's synonyms (terms and what they mean): settings
    "custom_fields": "*",        # custom fields' definitions (keys, labels, units): settings
    "custom_choices": "*",       # their choices' slugs and labels: settings
    "actor_values": "*",         # derived from actors, recomputed for the actors changed
    "actors_fts": "*",           # derived (and its shadow tables), recomputed then optimized
    "actors": {"name", "aliases", "kind", "domains", "activities", "website", "email", "phone", "siren",
               "siret", "naf", "size", "status", "street", "postcode", "commune", "insee_code",
               "departement", "ept", "epci", "geo_precision", "sort_name", "created_at", "updated_at",
               "deleted_at"},
    "contacts": {"civility", "first_name", "last_name", "role", "email", "phone", "legal_basis",
                 "basis_date", "created_at", "updated_at"},
    "relations": {"type", "created_at"},
    "exchanges": {"date", "kind", "created_at", "followup_on", "followup_done_at"},
    "saved_views": {"created_at", "updated_at"},
    "calls": {"opens", "closes", "url", "state", "created_at", "updated_at"},
    "call_entries": {"status", "changed_at", "followup_on", "followup_done_at"},
    "history_batches": {"at", "user", "session"},   # session: which process wrote it
    "history_changes": {"tbl", "action"},
    # team sync's bookkeeping: pending images are cleaned by catalogue/sync/erasure.py,
    # the other tables hold ids, stamps and members' names only
    "sync_dirty": "*", "sync_applied": "*", "erasures": "*",
    "sync_conflicts": {"tbl", "field", "mine_at", "theirs_at", "member", "catalogue_id", "chosen", "at",
                       "resolved_at"},
}
_JSON_FILTERS = {("saved_views", "filter"), ("calls", "eligibility")}
_UNIQUE_NAMES = {("saved_views", "name"), ("calls", "name")}
_FIELD_NAMES = {"description": "description", "source": "source", "tags": "étiquettes", "notes": "notes",
                "note": "note", "text": "texte", "author": "auteur", "name": "nom", "filter": "filtre",
                "funder": "financeur", "eligibility": "critères d'éligibilité", "label": "libellé",
                "before": "avant", "after": "après", "*": "ligne entière",
                "followup_by": "relance par", "next_step": "prochaine étape"}

@dataclass(frozen=True)
class Place:
    """One cell the erasure changes, or one row it deletes (``field == "*"``)."""
    table: str
    row_id: int
    field: str
    before: Any
    after: Any            # the value written; None for a deleted row
    where: str            # French: which record
    before_excerpt: str
    after_excerpt: str

    @property
    def what(self) -> str:
        return f"{TABLE_LABELS.get(self.table, self.table)} — {_FIELD_NAMES.get(self.field, self.field)}"

    def key(self) -> tuple:
        return (self.table, self.row_id, self.field, self.after)


@dataclass(frozen=True)
class Kept:
    """An organisation's own value equal to the contact's, left in its record."""
    actor_id: int
    actor_name: str
    field: str            # "email" or "phone"
    value: str

    def sentence(self) -> str:
        if self.field == "email":
            return (f"L'adresse e-mail « {self.value} » est aussi celle de l'organisation « {self.actor_name} » : "
                    "elle est conservée dans sa fiche et n'est pas effacée ailleurs.")
        return (f"Le numéro de téléphone « {self.value} » est aussi celui de l'organisation « {self.actor_name} » : "
                "il est conservé dans sa fiche et n'est pas effacé ailleurs.")


@dataclass
class Plan:
    """What an erasure will do, computed before anything is written."""
    contact: dict[str, Any]
    name: str
    searched: list[str]
    places: list[Place]
    kept: list[Kept]
    actor_ids: set[int] = field(default_factory=set)   # actors whose derived rows change

    def signature(self) -> list[tuple]:
        return sorted(p.key() for p in self.places)

    @property
    def deleted_history(self) -> int:
        return sum(1 for p in self.places if p.table == "history_changes" and p.field == "*")

def display_name(contact: dict[str, Any]) -> str:
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
    return name or contact.get("email") or f"contact n° {contact.get('id')}"


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _redact_tags(tags: list, person: Person) -> list:
    out = []
    for tag in tags:
        new = person.redact(tag) if isinstance(tag, str) else tag
        if new != REDACTED and new not in out:  # a tag that was only the person goes
            out.append(new)
    return out


def _redact_filter(data: Any, person: Person) -> Any:
    """A Filter's JSON: only its typed text, tags and call name are free text."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key in ("text", "call"):
        if isinstance(out.get(key), str):
            out[key] = person.redact(out[key])
    if isinstance(out.get("tags"), list):
        out["tags"] = _redact_tags(out["tags"], person)
    return out


def _redact_cell(table: str, column: str, value: Any, person: Person) -> Any:
    """The new value of one free-text cell of a live row (or of a history image)."""
    if not isinstance(value, str) or not value:
        return value
    if (table, column) in _JSON_FILTERS or (table == "actors" and column == "tags"):
        try:
            data = json.loads(value)
        except ValueError:
            return person.redact(value)
        new = _redact_filter(data, person) if column != "tags" else (
            _redact_tags(data, person) if isinstance(data, list) else data)
        return value if new == data else json.dumps(new, ensure_ascii=False)
    return person.redact(value)


def _redact_image(table: str, image: dict[str, Any], person: Person) -> dict[str, Any]:
    """A history image redacted like the live row it copies: only its free-text columns."""
    columns = FREE_TEXT.get(table, ())
    out = dict(image)
    for column in columns:
        if column not in out:
            continue
        value = out[column]
        if isinstance(value, (list, dict)):  # images hold JSON columns as text, but be lenient
            new = _redact_cell(table, column, json.dumps(value, ensure_ascii=False), person)
            out[column] = json.loads(new)
        else:
            out[column] = _redact_cell(table, column, value, person)
    return out


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _mentions(person: Person):
    def mentions(text):
        if not isinstance(text, str):
            return 0
        if person.mentions(text):
            return 1
        if "\\" in text and text[:1] in "[{":
            # JSON escapes (« \n », « \u00e9 ») hide words from the raw text: read its strings.
            try:
                return 1 if any(person.mentions(s) for s in _strings(json.loads(text))) else 0
            except ValueError:
                return 0
        return 0
    return mentions


def _where(conn: sqlite3.Connection, table: str, row: sqlite3.Row) -> str:
    def actor(actor_id) -> str:
        found = conn.execute("SELECT name FROM actors WHERE id = ?", (actor_id,)).fetchone()
        return f"« {found[0]} »" if found else f"n° {actor_id}"
    keys = row.keys()
    if table == "actors":
        return f"Acteur {actor(row['id'])}"
    if table == "contacts":
        return f"Contact n° {row['id']} de l'acteur {actor(row['actor_id'])}"
    if table == "exchanges":
        return f"Échange du {row['date']} avec l'acteur {actor(row['actor_id'])}"
    if table == "relations":
        return f"Relation n° {row['id']} de l'acteur {actor(row['source_id'])}"
    if table == "call_entries":
        return f"Présélection n° {row['id']} (acteur {actor(row['actor_id'])})"
    if table == "history_batches":
        return f"Action de l'historique du {row['at'][:10]}" if "at" in keys else "Action de l'historique"
    if table == "history_changes":
        return f"Modification n° {row['id']} de l'historique ({TABLE_LABELS.get(row['tbl'], row['tbl'])})"
    return f"{TABLE_LABELS.get(table, table)} n° {row['id']}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def own_contact_ids(conn: sqlite3.Connection, contact: dict[str, Any]) -> list[int]:
    """The rows of ``contacts`` that are this person in a copy of the catalogue (a backup):
    the same id with the same name, e-mail or phone (ids can be reused), or elsewhere the
    same full name with the same e-mail or phone."""
    name = fold(display_name(contact))
    out = []
    for row in conn.execute("SELECT id, first_name, last_name, email, phone FROM contacts"):
        same_name = fold(" ".join(p for p in (row[1], row[2]) if p)) == name and bool(name)
        same_email = bool(contact.get("email")) and normalized_email(row[3]) == normalized_email(contact["email"])
        same_phone = bool(contact.get("phone")) and normalized_phone(row[4]) == normalized_phone(contact["phone"])
        if row[0] == contact.get("id") and (same_name or same_email or same_phone):
            out.append(row[0])
        elif same_name and (same_email or same_phone):
            out.append(row[0])
    return out


def build_plan(conn: sqlite3.Connection, contact: dict[str, Any], contact_ids: Iterable[int]) -> Plan:
    """Every place an erasure of ``contact`` (rows ``contact_ids``) changes; writes nothing."""
    contact_ids = sorted(set(contact_ids))
    tables = _tables(conn)
    name = display_name(contact)
    kept: list[Kept] = []
    probe = Person(contact)
    for row in conn.execute("SELECT id, name, email, phone FROM actors WHERE email <> '' OR phone <> ''"):
        if probe.same_email(row["email"]):
            kept.append(Kept(row["id"], row["name"], "email", row["email"]))
        if probe.same_phone(row["phone"]):
            kept.append(Kept(row["id"], row["name"], "phone", row["phone"]))
    person = Person(contact, skip_email=any(k.field == "email" for k in kept),
                    skip_phone=any(k.field == "phone" for k in kept))
    places: list[Place] = []
    actor_ids: set[int] = set()
    marks = ",".join("?" * len(contact_ids))
    own_changes: set[int] = set()
    touched_batches: set[int] = set()
    custom_deleted: set[int] = set()  # the person's custom values (deleted, not redacted)
    if contact_ids:
        for row in conn.execute(f"SELECT * FROM contacts WHERE id IN ({marks})", contact_ids).fetchall():
            actor_ids.add(row["actor_id"])
            places.append(Place("contacts", row["id"], "*", display_name(dict(row)), None,
                                _where(conn, "contacts", row), display_name(dict(row)), "ligne supprimée"))
        # the person's custom fields' values (a role, a remark): deleted with the person, with
        # their history rows
        custom = conn.execute(f"SELECT v.* FROM custom_values v JOIN custom_fields f ON f.id = v.field_id "
                              f"WHERE f.entity = 'contact' AND v.row_id IN ({marks})", contact_ids).fetchall()
        for row in custom:
            places.append(Place("custom_values", row["id"], "*", str(row["value"]), None,
                                _where(conn, "custom_values", row), str(row["value"])[:60],
                                "ligne supprimée"))
        custom_deleted.update(r["id"] for r in custom)
        custom_marks = ",".join("?" * len(custom))
        for row in conn.execute(f"SELECT c.*, b.label FROM history_changes c JOIN history_batches b "
                                f"ON b.id = c.batch_id WHERE c.tbl = 'custom_values' AND c.row_id IN ({custom_marks})",
                                [r["id"] for r in custom]).fetchall() if custom else []:
            own_changes.add(row["id"])
            touched_batches.add(row["batch_id"])
            places.append(Place("history_changes", row["id"], "*", row["action"], None,
                                _where(conn, "history_changes", row), f"« {row['label']} » ({row['action']})",
                                "ligne supprimée"))
        for row in conn.execute(f"SELECT c.*, b.label FROM history_changes c JOIN history_batches b "
                                f"ON b.id = c.batch_id WHERE c.tbl = 'contacts' AND c.row_id IN ({marks})",
                                contact_ids).fetchall():
            own_changes.add(row["id"])
            touched_batches.add(row["batch_id"])
            places.append(Place("history_changes", row["id"], "*", row["action"], None,
                                _where(conn, "history_changes", row), f"« {row['label']} » ({row['action']})",
                                "ligne supprimée"))
    emptied: set[int] = set()
    if touched_batches:
        for batch_id in sorted(touched_batches):
            left = conn.execute("SELECT id FROM history_changes WHERE batch_id = ?", (batch_id,)).fetchall()
            if all(r[0] in own_changes for r in left):
                emptied.add(batch_id)
                row = conn.execute("SELECT * FROM history_batches WHERE id = ?", (batch_id,)).fetchone()
                places.append(Place("history_batches", batch_id, "*", row["label"], None,
                                    _where(conn, "history_batches", row), row["label"], "ligne supprimée"))
    conn.create_function(_MATCH_FN, 1, _mentions(person), deterministic=True)
    names = {name}
    try:
        for table, columns in FREE_TEXT.items():
            if table not in tables:
                continue
            present = {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}
            for column in columns:
                if column not in present:
                    continue
                where = f"{_MATCH_FN}([{column}])"
                params: list[Any] = []
                if table == "history_batches":
                    # A batch that changed the contact names them in its label as « display name ».
                    if touched_batches:
                        where += f" OR id IN ({','.join('?' * len(touched_batches))})"
                        params += sorted(touched_batches)
                for row in conn.execute(f"SELECT * FROM [{table}] WHERE {where}", params).fetchall():
                    if (table == "contacts" and row["id"] in contact_ids) or \
                            (table == "custom_values" and row["id"] in custom_deleted) or \
                            (table == "history_changes" and row["id"] in own_changes) or \
                            (table == "history_batches" and row["id"] in emptied):
                        continue
                    before = row[column]
                    shown = None
                    if table == "history_changes":
                        after = before
                        if before:
                            image = json.loads(before)
                            new_image = _redact_image(row["tbl"], image, person)
                            if new_image != image:
                                after = json.dumps(new_image, ensure_ascii=False)
                                # Show the changed value, not the JSON of the whole row.
                                key = next(k for k in image if image[k] != new_image.get(k))
                                shown = (_text(image[key]), _text(new_image[key]))
                    elif table == "history_batches":
                        after = person.redact_exact(before, names if row["id"] in touched_batches else ())
                    else:
                        after = _redact_cell(table, column, before, person)
                    if after == before:
                        continue
                    if table == "actors":
                        actor_ids.add(row["id"])
                    elif table == "custom_values":  # (an actor field's text is in its full-text row)
                        actor_ids.update(r[0] for r in conn.execute(
                            "SELECT v.row_id FROM custom_values v JOIN custom_fields f ON f.id = v.field_id "
                            "WHERE v.id = ? AND f.entity = 'actor'", (row["id"],)))
                    old_text, new_text = shown or (before, after)
                    spans = person.spans(old_text)
                    places.append(Place(table, row["id"], column, before, after, _where(conn, table, row),
                                        excerpt(old_text, spans), excerpt(new_text, spans)))
    finally:
        conn.create_function(_MATCH_FN, 1, None)  # it holds the person's terms
    places = _unique_names(conn, places)
    return Plan(contact, name, person.describe(), places, kept, actor_ids)


def _unique_names(conn: sqlite3.Connection, places: list[Place]) -> list[Place]:
    """Two views (or calls) renamed alike would break their UNIQUE name: number them."""
    out = []
    for place in places:
        if (place.table, place.field) not in _UNIQUE_NAMES:
            out.append(place)
            continue
        taken = {fold(r[0]) for r in conn.execute(f"SELECT name FROM [{place.table}] WHERE id <> ?",
                                                   (place.row_id,))}
        taken |= {fold(p.after) for p in out if (p.table, p.field) == (place.table, place.field)}
        candidate, number = place.after, 2
        while fold(candidate) in taken or not candidate.strip():
            candidate = f"{place.after} ({number})"
            number += 1
        out.append(Place(place.table, place.row_id, place.field, place.before, candidate, place.where,
                         place.before_excerpt, excerpt(candidate)) if candidate != place.after else place)
    return out


def apply_plan(conn: sqlite3.Connection, plan: Plan) -> None:
    """Write the plan inside the caller's transaction; a cell that is no longer what the
    plan read means the catalogue changed meanwhile: UserError, nothing written."""
    for place in plan.places:
        if place.field == "*":
            conn.execute(f"DELETE FROM [{place.table}] WHERE id = ?", (place.row_id,))
            continue
        done = conn.execute(f"UPDATE [{place.table}] SET [{place.field}] = ? WHERE id = ? AND [{place.field}] IS ?",
                            (place.after, place.row_id, place.before)).rowcount
        if done != 1:
            raise UserError("Le catalogue a changé pendant l'effacement : rien n'a été effacé. Réessayez.")
