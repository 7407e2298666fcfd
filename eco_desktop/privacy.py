"""Personal data of contacts (RGPD): export everything held about a person, erase
a person (the contact, every mention of them and their trace in the history), and
list the contacts not updated for years.

A person is recognised in free text and history by their full name (both orders),
e-mail and phone number, case-insensitively. Erasure is not undoable and is not
recorded in the history; it overwrites freed pages (``secure_delete``), then
vacuums and checkpoints so the file no longer holds the old bytes. Backups made
before the erasure still hold the person until rotation removes them.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import vocab
from .errors import UserError
from .store import HISTORY_TABLES, Catalogue, contact_to_dict

REDACTED = "[personne effacée]"
MIN_TERM = 3
_MATCH_FN = "eco_privacy_mentions"
# Columns of *other* contacts never rewritten (a namesake keeps their name); only their notes are.
_IDENTITY_COLUMNS = {"civility", "first_name", "last_name", "role", "email", "phone", "legal_basis", "basis_date"}


def _terms(contact: dict[str, Any]) -> list[str]:
    first = (contact.get("first_name") or "").strip()
    last = (contact.get("last_name") or "").strip()
    terms = []
    if first and last:
        terms += [f"{first} {last}", f"{last} {first}"]
    elif first or last:
        terms.append(first or last)
    for key in ("email", "phone"):
        if (contact.get(key) or "").strip():
            terms.append(contact[key].strip())
    return sorted({t for t in terms if len(t) >= MIN_TERM}, key=len, reverse=True)


_VARIANTS = {"a": "aàâäáãå", "c": "cç", "e": "eéèêë", "i": "iîïíì", "n": "nñ", "o": "oôöóòõ",
             "u": "uùûüú", "y": "yÿý"}


def _letter(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch.lower())[:1]
    return f"[{_VARIANTS[base]}]" if base in _VARIANTS else re.escape(ch)


def _pattern(terms: Iterable[str]) -> re.Pattern | None:
    """Any of the terms, ignoring case, accents and the spacing between words."""
    terms = list(terms)
    if not terms:
        return None
    alternatives = [r"[\s\-]+".join("".join(_letter(ch) for ch in w) for w in t.split()) for t in terms]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _redact_value(value: Any, pattern: re.Pattern) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _redact_value(v, pattern) for k, v in value.items()}
    return value


def _text_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")
            if (r[2] or "").upper() == "TEXT" and r[1] not in ("created_at", "updated_at", "deleted_at")
            and not (table == "contacts" and r[1] in _IDENTITY_COLUMNS)]


def _redact_image(tbl: str, image: dict[str, Any], pattern: re.Pattern) -> dict[str, Any]:
    if tbl == "contacts":
        return {k: (v if k in _IDENTITY_COLUMNS else _redact_value(v, pattern)) for k, v in image.items()}
    return _redact_value(image, pattern)


def _with_matcher(conn: sqlite3.Connection, pattern: re.Pattern | None) -> None:
    def mentions(text):
        return 1 if pattern is not None and isinstance(text, str) and pattern.search(text) else 0
    conn.create_function(_MATCH_FN, 1, mentions, deterministic=True)


def _live_mentions(catalogue: Catalogue, contact_id: int) -> list[dict[str, Any]]:
    """Rows of the live tables (other than the contact itself) whose text names the person."""
    out = []
    tables = [t for t in HISTORY_TABLES if t in set(catalogue.db.table_names())]
    for table in tables:
        for column in _text_columns(catalogue.conn, table):
            for row in catalogue.conn.execute(
                    f"SELECT id, [{column}] FROM [{table}] WHERE {_MATCH_FN}([{column}])").fetchall():
                if table == "contacts" and row[0] == contact_id:
                    continue
                out.append({"table": table, "id": row[0], "champ": column, "texte": row[1]})
    return out


def _history_rows(catalogue: Catalogue, contact_id: int) -> list[sqlite3.Row]:
    return catalogue.conn.execute(
        "SELECT c.*, b.at, b.user, b.label FROM history_changes c JOIN history_batches b ON b.id = c.batch_id "
        f"WHERE (c.tbl = 'contacts' AND c.row_id = ?) OR {_MATCH_FN}(c.before) OR {_MATCH_FN}(c.after) "
        f"OR {_MATCH_FN}(b.label) ORDER BY c.id", (contact_id,)).fetchall()


def person_record(catalogue: Catalogue, contact_id: int) -> dict[str, Any]:
    """Everything the catalogue holds about a contact, history included."""
    with catalogue._lock:
        row = catalogue.conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        if row is None:
            raise UserError("Ce contact n'existe plus.")
        contact = contact_to_dict(row)
        actor = catalogue.get_actor(contact["actor_id"]) or {}
        _with_matcher(catalogue.conn, _pattern(_terms(contact)))
        mentions = _live_mentions(catalogue, contact_id)
        history = [{"date": r["at"], "utilisateur": r["user"], "action": r["label"], "table": r["tbl"],
                    "opération": r["action"],
                    "avant": json.loads(r["before"]) if r["before"] else None,
                    "après": json.loads(r["after"]) if r["after"] else None}
                   for r in _history_rows(catalogue, contact_id)]
    return {
        "exporté_le": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "catalogue": catalogue.path.name,
        "personne": {**contact, "base_légale_libellé": vocab.LEGAL_BASES.get(contact["legal_basis"], "")},
        "organisation": {"id": actor.get("id"), "nom": actor.get("name")},
        "mentions": mentions,
        "historique": history,
    }


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_person(catalogue: Catalogue, contact_id: int, path_json: str | Path | None,
                  path_xlsx: str | Path | None) -> dict[str, Any]:
    """Write the person's data as JSON and/or xlsx; returns the record written."""
    record = person_record(catalogue, contact_id)
    try:
        if path_json:
            Path(path_json).write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        if path_xlsx:
            _write_xlsx(Path(path_xlsx), record)
    except OSError as exc:
        target = path_json if path_json and not Path(path_json).exists() else path_xlsx
        raise UserError(f"Impossible d'écrire « {target} » : {exc.strerror}.") from exc
    return record


def _write_xlsx(path: Path, record: dict[str, Any]) -> None:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "Personne"
    ws.append(["Champ", "Valeur"])
    for key, value in record["personne"].items():
        ws.append([key, _cell(value)])
    ws.append(["organisation", record["organisation"]["nom"]])
    ws.append(["exporté le", record["exporté_le"]])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    sheets = (("Mentions", ["table", "id", "champ", "texte"], record["mentions"]),
              ("Historique", ["date", "utilisateur", "action", "table", "opération", "avant", "après"],
               record["historique"]))
    for title, keys, rows in sheets:
        sheet = wb.create_sheet(title)
        sheet.append(keys)
        for item in rows:
            sheet.append([_cell(item.get(k)) for k in keys])
        for column in "ABCDEFG"[:len(keys)]:
            sheet.column_dimensions[column].width = 30
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    tmp = path.with_name(path.name + ".tmp")
    try:
        wb.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass
class Erasure:
    """What erase_person did."""
    name: str
    history_deleted: int      # history changes of the contact row, deleted
    history_rewritten: int    # other history images and labels with the person redacted
    mentions_redacted: int    # live rows (notes, exchanges…) with the person redacted
    purged: bool              # the file was vacuumed and checkpointed: no old bytes left


def display_name(contact: dict[str, Any]) -> str:
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
    return name or contact.get("email") or f"contact n° {contact.get('id')}"


def erase_person(catalogue: Catalogue, contact_id: int) -> Erasure:
    """Remove a contact and purge the person from the whole catalogue, history included.

    Not undoable. Raises UserError when the catalogue is read-only or busy.
    """
    catalogue._check_writable()
    with catalogue._lock:
        contact = catalogue.get_contact(contact_id)
        if contact is None:
            raise UserError("Ce contact n'existe plus.")
        pattern = _pattern(_terms(contact))
        _with_matcher(catalogue.conn, pattern)
        conn = catalogue.conn
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with catalogue._without_history(), catalogue.transaction("Effacer une personne (RGPD)"):
                deleted, rewritten, touched_batches = _purge_history(catalogue, contact_id, pattern)
                catalogue._delete("contacts", contact_id)
                redacted = 0
                for mention in _live_mentions(catalogue, contact_id):
                    value = catalogue._row(mention["table"], mention["id"])[mention["champ"]]
                    catalogue._update(mention["table"], mention["id"],
                                      {mention["champ"]: _redact_value(value, pattern)})
                    redacted += 1
                if touched_batches:
                    marks = ",".join("?" * len(touched_batches))
                    conn.execute(f"DELETE FROM history_batches WHERE id IN ({marks}) AND NOT EXISTS "
                                 "(SELECT 1 FROM history_changes c WHERE c.batch_id = history_batches.id)",
                                 sorted(touched_batches))
            with catalogue._without_history(), catalogue.transaction("Effacer une personne (RGPD)"):
                # Merge the full-text index so no segment keeps the person's words.
                conn.execute("INSERT INTO actors_fts (actors_fts) VALUES ('optimize')")
            purged = _compact(conn)
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
    return Erasure(display_name(contact), deleted, rewritten, redacted, purged)


def _purge_history(catalogue: Catalogue, contact_id: int, pattern: re.Pattern | None) -> tuple[int, int, set[int]]:
    conn = catalogue.conn
    touched = {r[0] for r in conn.execute(
        "SELECT DISTINCT batch_id FROM history_changes WHERE tbl = 'contacts' AND row_id = ?", (contact_id,))}
    deleted = conn.execute("DELETE FROM history_changes WHERE tbl = 'contacts' AND row_id = ?",
                           (contact_id,)).rowcount
    rewritten = 0
    if pattern is None:
        return deleted, rewritten, touched
    for row in conn.execute(f"SELECT id, tbl, before, after FROM history_changes "
                            f"WHERE {_MATCH_FN}(before) OR {_MATCH_FN}(after)").fetchall():
        images = []
        for raw in (row["before"], row["after"]):
            images.append(None if raw is None else
                          json.dumps(_redact_image(row["tbl"], json.loads(raw), pattern), ensure_ascii=False))
        conn.execute("UPDATE history_changes SET before = ?, after = ? WHERE id = ?", (*images, row["id"]))
        rewritten += 1
    for row in conn.execute(f"SELECT id, label FROM history_batches WHERE {_MATCH_FN}(label)").fetchall():
        conn.execute("UPDATE history_batches SET label = ? WHERE id = ?", (pattern.sub(REDACTED, row[1]), row[0]))
        rewritten += 1
    return deleted, rewritten, touched


def _compact(conn: sqlite3.Connection) -> bool:
    """VACUUM and truncate the WAL so freed pages and old page versions are gone."""
    try:
        conn.execute("VACUUM")
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return busy == 0


def contacts_to_review(catalogue: Catalogue, years: int = 3, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Contacts not updated for ``years`` years, oldest first, with their organisation's name."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    limit = (now - timedelta(days=round(365.25 * years))).replace(microsecond=0).isoformat()
    with catalogue._lock:
        rows = catalogue.conn.execute(
            "SELECT c.*, a.name AS actor_name FROM contacts c JOIN actors a ON a.id = c.actor_id "
            "WHERE c.updated_at < ? ORDER BY c.updated_at, c.id", (limit,)).fetchall()
    out = []
    for row in rows:
        contact = contact_to_dict({k: row[k] for k in row.keys() if k != "actor_name"})
        contact["actor_name"] = row["actor_name"]
        out.append(contact)
    return out
