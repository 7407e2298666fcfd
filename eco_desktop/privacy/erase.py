"""Erasing a person (RGPD): a preview of every place that will change, then exactly
those changes, then the file rewritten so that no byte of the person is left.

What is searched and where:

* the contact row itself is deleted, with every history image of it; a history batch
  left without changes goes too (its label named the person);
* free text of every table (``FREE_TEXT``): notes of other contacts, of relations, of
  shortlists; exchanges; an actor's description, source and tags; saved views' names
  and filters; calls; history labels and images (redacted by the same rules as the
  live row they copy). The person is matched by ``matching.Person``: whole phrases of
  their name, their whole e-mail address, their phone number in any formatting;
* never touched (``NEVER_TOUCHED``): vocabularies and their slugs, places, actor names
  and identifiers, other contacts' identity columns — a namesake keeps their name;
* an e-mail or phone the contact shares with an organisation (switchboard, generic
  address) is the organisation's, not personal data: the organisation keeps it, it is
  not redacted in free text, and the preview and the report say so (``Plan.kept``).

The erasure is not undoable and not recorded in the history. After its transaction the
file is compacted (``secure_delete``, full-text ``optimize``, ``VACUUM``,
``wal_checkpoint(TRUNCATE)``). When that cannot finish — another connection is reading,
the disk is full — ``Erasure.purged`` is False with the reason, and ``purge_file`` is
the retry.

Backups made before the erasure still hold the person. ``backups_holding`` opens each
copy read-only and searches it the same way; ``erase_in_backups`` applies the same
erasure to a temporary copy of each one and renames it over the backup (a backup stays
a backup, restorable and dated; deleting it would also lose everyone else's data of
that day). A copy that cannot be read or rewritten is reported, never skipped silently.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from .. import backup, db
from ..errors import UserError, os_error_text
from ..text import fold
from .matching import REDACTED, Person, excerpt, normalized_email, normalized_phone

log = logging.getLogger(__name__)

LABEL = "Effacer une personne (RGPD)"
_MATCH_FN = "eco_privacy_mentions"
# Free-text columns, per table, where the person may be named.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "actors": ("description", "source", "tags"),
    "contacts": ("notes",),  # other contacts: their notes only
    "relations": ("note",),
    "exchanges": ("text", "author"),
    "saved_views": ("name", "filter"),
    "calls": ("name", "funder", "description", "eligibility"),
    "call_entries": ("note",),
    "history_batches": ("label",),
    "history_changes": ("before", "after"),
}
# Every other text column, and why it is left alone ("*": the whole table).
NEVER_TOUCHED: dict[str, Any] = {
    "meta": "*",                 # the application's own settings
    "vocabulary": "*",           # slugs and labels of kinds, domains, activities
    "actor_values": "*",         # derived from actors, recomputed for the actors changed
    "actors_fts": "*",           # derived (and its shadow tables), recomputed then optimized
    "actors": {"name", "aliases", "kind", "domains", "activities", "website", "email", "phone", "siren",
               "siret", "naf", "size", "status", "street", "postcode", "commune", "insee_code",
               "departement", "ept", "epci", "geo_precision", "sort_name", "created_at", "updated_at",
               "deleted_at"},
    "contacts": {"civility", "first_name", "last_name", "role", "email", "phone", "legal_basis",
                 "basis_date", "created_at", "updated_at"},
    "relations": {"type", "created_at"},
    "exchanges": {"date", "kind", "created_at"},
    "saved_views": {"created_at", "updated_at"},
    "calls": {"opens", "closes", "url", "state", "created_at", "updated_at"},
    "call_entries": {"status", "changed_at"},
    "history_batches": {"at", "user", "session"},   # session: which process wrote it
    "history_changes": {"tbl", "action"},
}
_JSON_FILTERS = {("saved_views", "filter"), ("calls", "eligibility")}
_UNIQUE_NAMES = {("saved_views", "name"), ("calls", "name")}
_TABLE_NAMES = {"actors": "Acteur", "contacts": "Contact", "relations": "Relation", "exchanges": "Échange",
                "saved_views": "Vue enregistrée", "calls": "Appel à projets", "call_entries": "Présélection",
                "history_batches": "Historique", "history_changes": "Historique"}
_FIELD_NAMES = {"description": "description", "source": "source", "tags": "étiquettes", "notes": "notes",
                "note": "note", "text": "texte", "author": "auteur", "name": "nom", "filter": "filtre",
                "funder": "financeur", "eligibility": "critères d'éligibilité", "label": "libellé",
                "before": "avant", "after": "après", "*": "ligne entière"}


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
        return f"{_TABLE_NAMES.get(self.table, self.table)} — {_FIELD_NAMES.get(self.field, self.field)}"

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
        what = "L'adresse e-mail" if self.field == "email" else "Le numéro de téléphone"
        return (f"{what} « {self.value} » est aussi celle de l'organisation « {self.actor_name} » : "
                "elle est conservée dans sa fiche et n'est pas effacée ailleurs." if self.field == "email" else
                f"{what} « {self.value} » est aussi celui de l'organisation « {self.actor_name} » : "
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


@dataclass
class BackupHolding:
    """A backup that still holds the person (``places`` > 0), or could not be searched."""
    path: Path
    when: datetime
    places: int
    error: str = ""

    def sentence(self) -> str:
        stamp = self.when.strftime("%d/%m/%Y %H:%M")
        if self.error:
            return f"Sauvegarde du {stamp} ({self.path.name}) : {self.error}"
        return f"Sauvegarde du {stamp} ({self.path.name}) : {self.places} endroit(s) à effacer."


@dataclass
class Purge:
    ok: bool
    reason: str = ""      # French, when not ok


@dataclass
class Erasure:
    """What erase_person did."""
    name: str
    history_deleted: int      # history changes of the contact row, deleted
    history_rewritten: int    # other history images and labels with the person redacted
    mentions_redacted: int    # live cells (notes, exchanges…) with the person redacted
    purged: bool              # the file was rewritten: no old bytes left
    purge_reason: str = ""
    kept: list[Kept] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    backups: list[tuple[Path, str]] = field(default_factory=list)   # (backup, "" or French error)

    def message(self) -> str:
        """The French report of the erasure."""
        if self.purged:
            lines = [f"« {self.name} » a été effacé(e) du catalogue ({len(self.places)} endroit(s) modifié(s)) ; "
                     "le fichier a été réécrit : plus aucune trace dans ses octets."]
        else:
            lines = [f"« {self.name} » a été retiré(e) du catalogue, mais le fichier n'a pas pu être réécrit "
                     f"({self.purge_reason}) : ses anciennes données restent lisibles dans le fichier tant que "
                     "la réécriture n'a pas réussi. Réessayez."]
        lines += [k.sentence() for k in self.kept]
        for path, error in self.backups:
            lines.append(f"Sauvegarde {path.name} : {error}" if error else f"Sauvegarde {path.name} : effacé(e).")
        return "\n".join(lines)


def display_name(contact: dict[str, Any]) -> str:
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
    return name or contact.get("email") or f"contact n° {contact.get('id')}"


# ---------------------------------------------------------------------------- planning

def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _json_strings(value: Any, redact) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_json_strings(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: _json_strings(v, redact) for k, v in value.items()}
    return value


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
        return f"Modification n° {row['id']} de l'historique ({_TABLE_NAMES.get(row['tbl'], row['tbl'])})"
    return f"{_TABLE_NAMES.get(table, table)} n° {row['id']}"


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
    if contact_ids:
        for row in conn.execute(f"SELECT * FROM contacts WHERE id IN ({marks})", contact_ids).fetchall():
            actor_ids.add(row["actor_id"])
            places.append(Place("contacts", row["id"], "*", display_name(dict(row)), None,
                                _where(conn, "contacts", row), display_name(dict(row)), "ligne supprimée"))
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
                old_text, new_text = shown or (before, after)
                spans = person.spans(old_text)
                places.append(Place(table, row["id"], column, before, after, _where(conn, table, row),
                                    excerpt(old_text, spans), excerpt(new_text, spans)))
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


# ---------------------------------------------------------------------------- the live catalogue

def preview_erasure(catalogue, contact_id: int) -> Plan:
    """Everything ``erase_person`` would change, without writing anything."""
    with catalogue.lock:
        contact = catalogue.get_contact(contact_id)
        if contact is None:
            raise UserError("Ce contact n'existe plus.")
        return build_plan(catalogue.conn, contact, [contact_id])


def erase_person(catalogue, contact_id: int, *, expected: Plan | None = None,
                 backups: bool = False) -> Erasure:
    """Remove a contact and purge the person from the whole catalogue, history included;
    with ``backups``, from the catalogue's backups too.

    ``expected``: the preview the user confirmed; when the catalogue no longer gives the
    same plan, nothing is written (UserError). Not undoable. Raises UserError when the
    catalogue is read-only or busy.
    """
    if catalogue.read_only:
        raise UserError(f"Le catalogue « {catalogue.path.name} » est ouvert en lecture seule : "
                        "modification impossible.")
    with catalogue.lock:
        conn = catalogue.conn
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with catalogue.unrecorded_transaction(LABEL) as batch:
                contact = catalogue.get_contact(contact_id)
                if contact is None:
                    raise UserError("Ce contact n'existe plus.")
                plan = build_plan(conn, contact, [contact_id])
                if expected is not None and plan.signature() != expected.signature():
                    raise UserError("Le catalogue a changé depuis l'aperçu : rien n'a été effacé. "
                                    "Relancez l'effacement pour voir le nouvel aperçu.")
                apply_plan(conn, plan)
                batch.actor_ids.update(plan.actor_ids)
            purge = purge_file(catalogue)
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
    result = _erasure(plan, purge)
    if backups:
        result.backups = erase_in_backups(catalogue.path, contact)
    return result


def _erasure(plan: Plan, purge: Purge) -> Erasure:
    history = [p for p in plan.places if p.table.startswith("history_")]
    deleted = sum(1 for p in history if p.table == "history_changes" and p.field == "*")
    rewritten = sum(1 for p in history if p.field != "*")
    live = sum(1 for p in plan.places if not p.table.startswith("history_") and p.field != "*")
    return Erasure(plan.name, deleted, rewritten, live, purge.ok, purge.reason, plan.kept, plan.places)


# Every statement of the compaction goes through here (tests make it fail like a full disk).
def _execute(conn: sqlite3.Connection, sql: str):
    return conn.execute(sql)


PURGE_BUSY_MS = 1000


def purge_file(catalogue) -> Purge:
    """Rewrite the catalogue file so that no freed page and no old page version is left:
    full-text optimize, VACUUM, WAL checkpoint and truncation. Safe to call again (the
    retry after a failure)."""
    with catalogue.lock:
        conn = catalogue.conn
        # Readers block the checkpoint: waiting the usual 5 s would only delay the answer.
        conn.execute(f"PRAGMA busy_timeout = {PURGE_BUSY_MS}")
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with catalogue.unrecorded_transaction(LABEL):
                # One segment: no older segment keeps the person's words.
                _execute(conn, "INSERT INTO actors_fts (actors_fts) VALUES ('optimize')")
            return _rewrite(conn, Path(catalogue.path))
        except UserError as exc:
            return Purge(False, _reason(str(exc)))
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
            conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")


def _reason(text: str) -> str:
    text = text.lower()
    if "full" in text or "plein" in text:
        return "le disque est plein : libérez de la place puis réessayez"
    if "busy" in text or "locked" in text or "utilisé par un autre programme" in text:
        return ("un autre programme lit ou modifie le catalogue (une autre fenêtre eco_desktop, un outil "
                "SQLite…) : fermez-le puis réessayez")
    return "erreur de la base de données"


def _rewrite(conn: sqlite3.Connection, path: Path) -> Purge:
    try:
        _execute(conn, "VACUUM")
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode == "wal":
            busy, _frames, _done = _execute(conn, "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                return Purge(False, _reason("busy"))
    except sqlite3.OperationalError as exc:
        log.info("purge of %s did not finish: %s", path, exc)
        return Purge(False, _reason(str(exc)))
    wal = Path(str(path) + "-wal")
    try:
        if wal.exists() and wal.stat().st_size:
            return Purge(False, _reason("busy"))
    except OSError as exc:
        return Purge(False, f"journal illisible ({os_error_text(exc)})")
    return Purge(True)


# ---------------------------------------------------------------------------- backups

def backups_holding(catalogue_path: str | os.PathLike, contact: dict[str, Any]) -> list[BackupHolding]:
    """The backups of the catalogue that still hold the person (or could not be searched)."""
    out = []
    for when, path in backup.backup_files(catalogue_path):
        try:
            with closing(backup.open_for_reading(path)) as conn:
                conn.row_factory = sqlite3.Row
                plan = build_plan(conn, contact, own_contact_ids(conn, contact))
        except (sqlite3.Error, UserError) as exc:
            out.append(BackupHolding(path, when, 0, "illisible : elle peut encore contenir cette personne "
                                     f"({_reason(str(exc))})"))
            continue
        if plan.places:
            out.append(BackupHolding(path, when, len(plan.places)))
    return out


def erase_in_backups(catalogue_path: str | os.PathLike, contact: dict[str, Any]) -> list[tuple[Path, str]]:
    """Erase the person from every backup holding them; [(backup, "" or French error)]."""
    results = []
    for holding in backups_holding(catalogue_path, contact):
        if holding.error:
            results.append((holding.path, holding.error))
            continue
        try:
            erase_in_backup(holding.path, contact)
            results.append((holding.path, ""))
        except UserError as exc:
            results.append((holding.path, str(exc)))
    return results


def erase_in_backup(path: Path, contact: dict[str, Any]) -> None:
    """The same erasure on a temporary copy of the backup, renamed over it when done."""
    from ..store import Catalogue  # the store imports nothing of ours; avoid a cycle at import

    path = Path(path)
    tmp = path.with_name(f".~efface-{path.name}")
    leftovers = [tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        with closing(backup.open_for_reading(path)) as source:
            db.copy_database(source, tmp)
        with Catalogue.open(tmp) as copy:
            copy.conn.execute("PRAGMA secure_delete = ON")
            with copy.unrecorded_transaction(LABEL) as batch:
                plan = build_plan(copy.conn, contact, own_contact_ids(copy.conn, contact))
                apply_plan(copy.conn, plan)
                batch.actor_ids.update(plan.actor_ids)
            purge = purge_file(copy)
            if not purge.ok:
                raise UserError(f"la sauvegarde n'a pas pu être réécrite ({purge.reason}).")
            copy.conn.execute("PRAGMA journal_mode = DELETE")  # a backup is one file
        os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise UserError(f"la sauvegarde n'a pas pu être réécrite ({_reason(str(exc))}).") from exc
    except OSError as exc:
        raise UserError(f"la sauvegarde n'a pas pu être réécrite ({os_error_text(exc)}).") from exc
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
