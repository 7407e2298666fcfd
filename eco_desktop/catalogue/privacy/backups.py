"""The person in the catalogue's backups: which copies still hold them (each opened
read-only and searched like the catalogue), and the same erasure applied to a temporary
copy of each one, renamed over it when done. A backup stays a backup, restorable and
dated (deleting it would also lose everyone else's data of that day); a copy that cannot
be read or rewritten is reported, never skipped silently. A copy from an older version
is migrated by the rewrite (as restoring it would).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ... import backup, db
from ...errors import UserError, os_error_text
from ..cache import Catalogue
from .plan import LABEL, apply_plan, build_plan, own_contact_ids
from .purge import failure_reason, purge_file


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
                                     f"({failure_reason(str(exc))})"))
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
    path = Path(path)
    tmp = path.with_name(f".~efface-{path.name}")
    leftovers = [tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        with closing(backup.open_for_reading(path)) as source:
            db.copy_database(source, tmp)
        with Catalogue.open(tmp) as copy:
            copy.backend.conn.execute("PRAGMA secure_delete = ON")
            with copy.unrecorded_transaction(LABEL) as batch:
                plan = build_plan(copy.backend.conn, contact, own_contact_ids(copy.backend.conn, contact))
                apply_plan(copy.backend.conn, plan)
                batch.actor_ids.update(plan.actor_ids)
            purge = purge_file(copy)
            if not purge.ok:
                raise UserError(f"la sauvegarde n'a pas pu être réécrite ({purge.reason}).")
            copy.backend.conn.execute("PRAGMA journal_mode = DELETE")  # a backup is one file
        os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise UserError(f"la sauvegarde n'a pas pu être réécrite ({failure_reason(str(exc))}).") from exc
    except OSError as exc:
        raise UserError(f"la sauvegarde n'a pas pu être réécrite ({os_error_text(exc)}).") from exc
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
