"""« Conflits à revoir »: the fields both sides changed, and the edits that met a deletion,
as :class:`Conflict` values; choosing the other side's value is an edit of this catalogue
(recorded, undoable — undo also reopens the conflict — and sent to the team)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ... import fields
from ...clock import now_iso
from ...errors import UserError
from ...text import fold
from ..actors import derive_geography
from ..columns import TABLE_LABELS

# French names of the columns that are not fields of an actor or a contact (a shortlist's
# status is named like an actor's, from the table of fields).
_OTHER_LABELS = {"deleted_at": "Corbeille", "note": "Note", "text": "Texte", "date": "Date de l'échange",
                 "label": "Libellé", "hidden": "Masquée", "color": "Couleur", "filter": "Critères", "funder": "Financeur",
                 "opens": "Ouverture", "closes": "Clôture", "url": "Adresse web", "state": "État",
                 "eligibility": "Éligibilité", "type": "Type de relation",
                 "*": "Fiche entière"}


@dataclass(frozen=True)
class Conflict:
    id: int
    table: str
    table_label: str
    row_id: int
    actor_id: int | None
    actor_name: str
    field: str
    field_label: str
    mine: Any                # the value here before the apply (None for a note)
    theirs: Any              # the other side's value (a note: their image of the row)
    mine_at: str
    theirs_at: str
    member: str              # who the other side is
    chosen: str              # "mine" | "theirs": the value the file holds
    note: str                # an edit that met a deletion, in French ('' for a field)
    at: str
    resolved_at: str | None

    @property
    def is_note(self) -> bool:
        return self.field == "*"

    def sentence(self) -> str:
        """One French line for a list."""
        if self.is_note:
            return f"{self.table_label} « {self.actor_name} » : {self.note}"
        kept = "la sienne" if self.chosen == "theirs" else "la vôtre"
        return (f"{self.table_label} « {self.actor_name} », {self.field_label} : {self.member} a écrit "
                f"« {_shown(self.theirs)} », vous « {_shown(self.mine)} » — valeur gardée : {kept}.")


def _shown(value: Any) -> str:
    if isinstance(value, str) and value[:1] == "[":
        try:
            return ", ".join(str(v) for v in json.loads(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def field_label(table: str, column: str) -> str:
    labels = fields.CONTACT_LABELS if table == "contacts" else fields.ACTOR_LABELS
    return labels.get(column) or _OTHER_LABELS.get(column) or column


def _actor_of(backend, table: str, row_id: int, image: dict) -> tuple[int | None, str]:
    if table == "actors":
        actor_id = row_id
    else:
        actor_id = image.get("actor_id") or image.get("source_id")
        if actor_id is None:
            row = backend.row(table, row_id) or {}
            actor_id = row.get("actor_id") or row.get("source_id")
    if actor_id is None:
        row = backend.row(table, row_id) or image
        return None, str(row.get("name") or row.get("label") or row.get("pattern") or f"n° {row_id}")
    actor = backend.row("actors", actor_id)
    return actor_id, (actor or image).get("name") or f"n° {actor_id}"


def listing(backend, open_only: bool = True) -> list[Conflict]:
    sql = "SELECT * FROM sync_conflicts" + (" WHERE resolved_at IS NULL" if open_only else "") + " ORDER BY id"
    out = []
    for row in backend.execute(sql).fetchall():
        mine = json.loads(row["mine"]) if row["mine"] is not None else None
        theirs = json.loads(row["theirs"]) if row["theirs"] is not None else None
        image = theirs if row["field"] == "*" and isinstance(theirs, dict) else {}
        actor_id, name = _actor_of(backend, row["tbl"], row["row_id"], image)
        out.append(Conflict(row["id"], row["tbl"], TABLE_LABELS.get(row["tbl"], row["tbl"]), row["row_id"],
                            actor_id, name, row["field"], field_label(row["tbl"], row["field"]), mine, theirs,
                            row["mine_at"], row["theirs_at"], row["member"], row["chosen"], row["note"],
                            row["at"], row["resolved_at"]))
    return out


def resolve(catalogue, conflict_id: int, take: str) -> bool:
    """Keep ``take`` ("theirs" or "mine") for a conflict: the field written when it holds
    the other value (True), the conflict closed either way; one undoable step."""
    if take not in ("theirs", "mine"):
        raise UserError("Choix inconnu : « mine » ou « theirs ».")
    backend = catalogue.backend
    with backend.lock:
        row = backend.row("sync_conflicts", conflict_id)
        if row is None:
            raise UserError("Ce conflit n'existe plus.")
        table, row_id, column = row["tbl"], row["row_id"], row["field"]
        label = f"Conflit réglé : {field_label(table, column)}"
        with catalogue.transaction(label):
            backend.update("sync_conflicts", conflict_id, {"resolved_at": now_iso(), "chosen": take})
            if column == "*":
                return False
            value = json.loads(row[take])
            current = backend.row(table, row_id)
            if current is None or current.get(column) == value:
                return False
            values = {column: value}
            if table == "actors":
                if column == "name":
                    values["sort_name"] = fold(value)
                derive_geography(values, current)
                values = {k: v for k, v in values.items() if current.get(k) != v}
            if "updated_at" in current:
                values["updated_at"] = now_iso()
            backend.update(table, row_id, values)
            return True
