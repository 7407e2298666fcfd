"""Rewriting the catalogue file after an erasure so that no byte of the person is left:
full-text optimize, ``VACUUM``, WAL checkpoint and truncation, with ``secure_delete``.
It fails — and says why, in French — when another connection is reading (the
checkpoint cannot reset the WAL) or the disk is full (VACUUM needs room); calling
``purge_file`` again is the retry.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ... import db
from ...errors import UserError, os_error_text
from .plan import LABEL

log = logging.getLogger(__name__)


@dataclass
class Purge:
    ok: bool
    reason: str = ""      # French, when not ok

# Every statement of the compaction goes through here (tests make it fail like a full disk).
def _execute(conn: sqlite3.Connection, sql: str):
    return conn.execute(sql)


PURGE_BUSY_MS = 1000


def purge_file(catalogue) -> Purge:
    """Rewrite the catalogue file so that no freed page and no old page version is left:
    full-text optimize, VACUUM, WAL checkpoint and truncation. Safe to call again (the
    retry after a failure)."""
    with catalogue.lock:
        conn = catalogue.backend.conn
        # Readers block the checkpoint: waiting the usual 5 s would only delay the answer.
        conn.execute(f"PRAGMA busy_timeout = {PURGE_BUSY_MS}")
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with catalogue.unrecorded_transaction(LABEL):
                # One segment: no older segment keeps the person's words.
                _execute(conn, "INSERT INTO actors_fts (actors_fts) VALUES ('optimize')")
            return _rewrite(conn, Path(catalogue.path))
        except UserError as exc:
            return Purge(False, failure_reason(str(exc)))
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
            conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")


def failure_reason(text: str) -> str:
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
                return Purge(False, failure_reason("busy"))
    except sqlite3.OperationalError as exc:
        log.info("purge of %s did not finish: %s", path, exc)
        return Purge(False, failure_reason(str(exc)))
    wal = Path(str(path) + "-wal")
    try:
        if wal.exists() and wal.stat().st_size:
            return Purge(False, failure_reason("busy"))
    except OSError as exc:
        return Purge(False, f"journal illisible ({os_error_text(exc)})")
    return Purge(True)
