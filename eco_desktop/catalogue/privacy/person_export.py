"""Everything the catalogue holds about one person, as JSON and xlsx (RGPD right of access).

The mentions and history are found exactly as the erasure finds them (``plan.build_plan``),
so what a person is shown is what an erasure would remove. The xlsx follows the rules of
every other export (``export.set_safe_value``: strings as text cells, never formulas;
control characters removed); both files are written aside and renamed into place.
"""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ... import vocab
from ...errors import UserError
from ...atomic import atomic_files
from ...export import save_workbook, set_safe_value
from .plan import build_plan

_SURROGATE = re.compile("[\ud800-\udfff]")


def _history(conn: sqlite3.Connection, change_ids: set[int], batch_ids: set[int]) -> list[dict[str, Any]]:
    if not change_ids and not batch_ids:
        return []
    changes = sorted(change_ids)
    batches = sorted(batch_ids)
    rows = conn.execute(
        "SELECT c.*, b.at, b.user, b.label FROM history_changes c JOIN history_batches b ON b.id = c.batch_id "
        f"WHERE c.id IN ({','.join('?' * len(changes)) or 'NULL'}) "
        f"OR c.batch_id IN ({','.join('?' * len(batches)) or 'NULL'}) ORDER BY c.id",
        [*changes, *batches]).fetchall()
    return [{"date": r["at"], "utilisateur": r["user"], "action": r["label"], "table": r["tbl"],
             "opération": r["action"],
             "avant": json.loads(r["before"]) if r["before"] else None,
             "après": json.loads(r["after"]) if r["after"] else None} for r in rows]


def person_record(catalogue, contact_id: int) -> dict[str, Any]:
    """Everything the catalogue holds about a contact, history included."""
    with catalogue.lock:
        contact = catalogue.get_contact(contact_id)
        if contact is None:
            raise UserError("Ce contact n'existe plus.")
        actor = catalogue.get_actor(contact["actor_id"]) or {}
        plan = build_plan(catalogue.backend.conn, contact, [contact_id])
        mentions = [{"table": p.table, "id": p.row_id, "champ": p.field, "texte": p.before}
                    for p in plan.places if not p.table.startswith("history_") and p.field != "*"]
        history = _history(catalogue.backend.conn,
                           {p.row_id for p in plan.places if p.table == "history_changes"},
                           {p.row_id for p in plan.places if p.table == "history_batches"})
    return {
        "exporté_le": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "catalogue": catalogue.path.name,
        "personne": {**contact, "base_légale_libellé": vocab.LEGAL_BASES.get(contact["legal_basis"], "")},
        "organisation": {"id": actor.get("id"), "nom": actor.get("name")},
        "mentions": mentions,
        "historique": history,
        "valeurs_de_l_organisation": [{"acteur": k.actor_name, "champ": k.field, "valeur": k.value}
                                      for k in plan.kept],
    }


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)


def export_person(catalogue, contact_id: int, path_json: str | Path | None,
                  path_xlsx: str | Path | None) -> dict[str, Any]:
    """Write the person's data as JSON and/or xlsx; returns the record written.

    Both files are written aside and renamed into place only when both are complete."""
    record = person_record(catalogue, contact_id)
    # atomic.py: both files or neither, the user's umask, French errors.
    with atomic_files() as files:
        if path_json:
            files.open(path_json).write(_json_bytes(record))
        if path_xlsx:
            save_workbook(_workbook(record), files.open(path_xlsx))
    return record


def _json_bytes(record: dict[str, Any]) -> bytes:
    text = json.dumps(record, ensure_ascii=False, indent=2)
    # A lone surrogate (pasted from a broken source) cannot be encoded as UTF-8.
    return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _workbook(record: dict[str, Any]) -> Workbook:
    wb = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws = wb.active
    ws.title = "Personne"
    rows = [["Champ", "Valeur"], *([key, _cell(value)] for key, value in record["personne"].items()),
            ["organisation", record["organisation"]["nom"]], ["exporté le", record["exporté_le"]]]
    _fill(ws, rows, wrap)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    sheets = (("Mentions", ["table", "id", "champ", "texte"], record["mentions"]),
              ("Historique", ["date", "utilisateur", "action", "table", "opération", "avant", "après"],
               record["historique"]))
    for title, keys, items in sheets:
        sheet = wb.create_sheet(title)
        _fill(sheet, [keys, *([_cell(item.get(k)) for k in keys] for item in items)], wrap)
        for column in "ABCDEFG"[:len(keys)]:
            sheet.column_dimensions[column].width = 30
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = bold
    return wb


def _fill(ws, rows: list[list[Any]], wrap: Alignment) -> None:
    for r, values in enumerate(rows, 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c)
            set_safe_value(cell, value)
            if r > 1:
                cell.alignment = wrap
