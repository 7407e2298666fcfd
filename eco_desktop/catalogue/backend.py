"""The SQLite side of a catalogue: its connection and the documented internal API the
core's own modules (the façade, history, derived rows, calls, kind rules, privacy,
check, dataset) read and write it through.

Reads: :meth:`Backend.execute` (the shared connection, under :attr:`Backend.lock`),
:meth:`Backend.row`, :meth:`Backend.rows_in` (ids bound ``IN (…)`` in chunks SQLite
accepts) and :meth:`Backend.actor_rows` (many actors in the order asked, as tuples).
Writes: :meth:`Backend.insert`, :meth:`Backend.update`, :meth:`Backend.delete`, each
handed to the recorder (the history) with the row's images before and after. They
happen inside the façade's ``transaction()``, which begins and commits here.
Nothing outside :mod:`eco_desktop.catalogue` uses this module.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import sqlite_utils

from .. import db
from ..errors import ReadOnlyCatalogue, UserError
from ..text import storable

log = logging.getLogger(__name__)

# SQLite binds at most 999 parameters in older builds: ids go IN (…) by this many.
IN_CHUNK = 900

Recorder = Callable[[str, int, str, "Mapping | None", "Mapping | None"], None]


def fits_sqlite(row_id: Any) -> bool:
    """False for an integer beyond SQLite's 64 bits: no row has that id (binding it
    would raise OverflowError)."""
    return type(row_id) is not int or -2 ** 63 <= row_id < 2 ** 63


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def checkpoint(path: Path) -> None:
    """Copy the WAL into the database file, on a connection of its own (a background
    thread's work: readers and writers go on meanwhile, and a failure only leaves the
    copy to the next checkpoint)."""
    try:
        conn = sqlite3.connect(str(path), timeout=db.BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.info("background checkpoint of %s: %s", path, exc)


def _not_a_catalogue(path: Path) -> UserError:
    return UserError(f"Le fichier « {path.name} » est une base SQLite mais pas un catalogue eco_desktop.")


def sql_value(value: Any) -> Any:
    """A Python value as a row write stores it. Texts not cleaned before (an exchange's
    text, a note) are made storable here, where every row write passes."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, (list, tuple, dict)):
        return storable(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return int(value)
    return value


class Backend:
    """One open catalogue file: its connection, shared by the window's thread and
    workers under :attr:`lock` (re-entrant)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.read_only = read_only
        self.lock = threading.RLock()
        self.recorder: Recorder | None = None
        # Team sync's tracker (catalogue/sync/tracking.py, installed by the façade): what to
        # send, and the id block new rows take once sync is set up (by any program).
        self.tracker = None
        self.data_version = self.read_data_version()
        self._checkpoint_thread: threading.Thread | None = None

    # ------------------------------------------------------------------ opening
    @staticmethod
    def connect(path: Path, *, read_only: bool = False) -> tuple[sqlite3.Connection, bool]:
        """The connection of an existing catalogue, migrated to the current schema, and
        whether it is read-only.

        A file from a newer version is refused and left untouched; a file that is not
        a catalogue raises a UserError. A read-only file or folder opens read-only.
        """
        db.check_is_sqlite(path)
        if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            read_only = True
        conn = None
        try:
            if not read_only:
                # Look before writing anything (connect() switches the file to WAL, migrate()
                # adds tables): a newer catalogue or a foreign SQLite file stays untouched.
                probe = sqlite3.connect(db.file_uri(path, mode="rw"), uri=True)
                try:
                    version = db.check_version(probe, path)
                    if version == 0 or not probe.execute(
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actors'").fetchone():
                        raise _not_a_catalogue(path)
                finally:
                    probe.close()
            if read_only:
                try:
                    conn = db.connect(path, read_only=True)
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                except sqlite3.OperationalError:
                    conn = db.connect(path, read_only=True, immutable=True)
            else:
                conn = db.connect(path)
            version = db.check_version(conn, path)
            if version == 0:
                raise _not_a_catalogue(path)
            if not read_only:
                db.migrate(conn, path)
            elif version < db.schema_version():
                raise UserError(f"Le catalogue « {path.name} » doit être mis à jour mais il est en lecture seule.")
            if "actors" not in set(sqlite_utils.Database(conn).table_names()):
                raise _not_a_catalogue(path)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise db.translate_error(exc, path) from exc
            raise
        return conn, read_only

    # ------------------------------------------------------------------ reading
    def execute(self, sql: str, args: Sequence | Mapping = ()) -> sqlite3.Cursor:
        """A statement on the shared connection (the caller holds :attr:`lock`)."""
        return self.conn.execute(sql, args)

    def plain_cursor(self) -> sqlite3.Cursor:
        """A cursor giving plain tuples, not the connection's row objects (reads of many rows)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor

    def row(self, tbl: str, row_id: Any) -> dict | None:
        """One row of a table by id, as a dict (None when there is none)."""
        if not fits_sqlite(row_id):
            return None
        row = self.conn.execute(f"SELECT * FROM [{tbl}] WHERE id = ?", (row_id,)).fetchone()
        return dict(row) if row else None

    def rows_in(self, sql: str, ids: Sequence[Any], args: Sequence = (), *,
                plain: bool = False) -> Iterator[Any]:
        """The rows of ``sql`` whose ``{ids}`` placeholder is filled with ``IN (?, …)``
        of ``ids``, a chunk SQLite accepts at a time (ids beyond 64 bits skipped);
        ``args`` are bound before the ids. With ``plain``, rows are tuples."""
        cursor = self.plain_cursor() if plain else self.conn.cursor()
        try:
            for chunk in chunks([i for i in ids if fits_sqlite(i)], IN_CHUNK):
                yield from cursor.execute(sql.format(ids=",".join("?" * len(chunk))), [*args, *chunk])
        finally:
            cursor.close()

    def actor_rows(self, select: str, ids: Sequence[int], *, check: Callable[[], None] | None = None,
                   chunk: int = 5000, scan_from: int | None = None) -> Iterator[list[tuple]]:
        """The rows of ``select`` (over ``actors AS a``, the id first) of the actors
        ``ids``, in that order, as plain tuples, ``chunk`` ids at a time (ids that are not
        actors skipped). The ids go to SQLite as one JSON array a chunk rather than
        ``IN (…)`` of bound parameters. ``check()`` runs before each chunk (it may raise
        to stop); :attr:`lock` is held only while a chunk is read, so the window's thread
        gets the connection between two. From ``scan_from`` ids, the whole table is read
        in one scan instead and given as one list (faster than a lookup per id, but every
        row is then held at once: for a caller that holds them all anyway, as the map does)."""
        if scan_from is not None and len(ids) >= scan_from:
            if check is not None:
                check()
            with self.lock:
                cursor = self.plain_cursor()
                try:
                    found = {row[0]: row for row in cursor.execute(f"SELECT {select} FROM actors AS a")}
                finally:
                    cursor.close()
            yield [found[i] for i in ids if i in found]
            return
        wanted = [i for i in ids if isinstance(i, int) and fits_sqlite(i)]
        query = f"SELECT {select} FROM json_each(?) AS j JOIN actors AS a ON a.id = j.value ORDER BY j.key"
        for part in chunks(wanted, chunk):
            if check is not None:
                check()
            with self.lock:
                cursor = self.plain_cursor()
                try:
                    rows = cursor.execute(query, (json.dumps(part),)).fetchall()
                finally:
                    cursor.close()
            yield rows

    # ------------------------------------------------------------------ writing rows
    def next_id(self, tbl: str) -> int:
        """The id a new row of ``tbl`` gets: in this catalogue's block once sync is set up
        (rows created on two laptops never collide, see sync.identity), else after the largest."""
        block = self.tracker.block() if self.tracker is not None else None  # (team sync's)
        if block is None:
            return self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM [{tbl}]").fetchone()[0]
        first = block << 32
        top = self.conn.execute(f"SELECT max(id) FROM [{tbl}] WHERE id BETWEEN ? AND ?",
                                (first, first + 2 ** 32 - 1)).fetchone()[0]
        return (top or first) + 1

    def insert(self, tbl: str, values: Mapping[str, Any]) -> int:
        """Insert a row (recorded); its id."""
        if self.tracker is not None and values.get("id") is None and self.tracker.synced(tbl):
            values = {**values, "id": self.next_id(tbl)}  # (a synced catalogue's block)
        columns = list(values)
        cursor = self.conn.execute(
            f"INSERT INTO [{tbl}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
            [sql_value(values[c]) for c in columns])
        row_id = cursor.lastrowid
        self._record(tbl, row_id, "insert", None, self.row(tbl, row_id))
        return row_id

    def update(self, tbl: str, row_id: int, changes: Mapping[str, Any]) -> bool:
        """Change a row's values (recorded); False when none differed."""
        before = self.row(tbl, row_id)
        if before is None:
            raise UserError(f"L'élément {row_id} n'existe plus.")
        changes = {k: sql_value(v) for k, v in changes.items()}
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if not changes:
            return False
        self.conn.execute(f"UPDATE [{tbl}] SET {', '.join(f'[{c}] = ?' for c in changes)} WHERE id = ?",
                          [*changes.values(), row_id])
        self._record(tbl, row_id, "update", before, self.row(tbl, row_id))
        return True

    def delete(self, tbl: str, row_id: int) -> None:
        """Delete a row (recorded); nothing when it is gone already."""
        before = self.row(tbl, row_id)
        if before is None:
            return
        self.conn.execute(f"DELETE FROM [{tbl}] WHERE id = ?", (row_id,))
        self._record(tbl, row_id, "delete", before, None)

    def _record(self, tbl: str, row_id: int, action: str, before: Mapping | None, after: Mapping | None) -> None:
        assert self.recorder is not None, "row writes happen inside the catalogue's transaction()"
        self.recorder(tbl, row_id, action, before, after)
        if self.tracker is not None:
            self.tracker.row(tbl, row_id, before)  # what team sync will send

    # ------------------------------------------------------------------ transactions
    def check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyCatalogue(
                f"Le catalogue « {self.path.name} » est ouvert en lecture seule : modification impossible.")

    def begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise db.translate_error(exc, self.path) from exc

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def commit(self, *, big: bool) -> None:
        """COMMIT. After a big write the WAL is copied into the database file by a
        checkpoint in a background thread (SQLite's advice for applications that care
        about latency) instead of inside COMMIT: the data is committed either way."""
        if not big or self.journal_mode() != "wal":
            self.conn.execute("COMMIT")
            return
        every = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self.conn.execute("COMMIT")
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {every}")
        self.join_checkpoint()
        self._checkpoint_thread = threading.Thread(target=checkpoint, args=(self.path,),
                                                   name="eco-checkpoint", daemon=True)
        self._checkpoint_thread.start()

    def checkpoint_now(self) -> None:
        """Copy the whole WAL into the file and empty it (a file handed on as one file)."""
        with self.lock:
            self.join_checkpoint()
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def join_checkpoint(self) -> None:
        thread, self._checkpoint_thread = self._checkpoint_thread, None
        if thread is not None:
            thread.join()

    # ------------------------------------------------------------------ state of the file
    def read_data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def changed_elsewhere(self) -> bool:
        """True when another connection changed the file since we last looked."""
        version = self.read_data_version()
        if version != self.data_version:
            self.data_version = version
            return True
        return False

    def state(self) -> tuple[int, int]:
        """What a result read from the file depends on: the file as this connection sees
        it (data_version counts other programs' commits, total_changes our own writes,
        even rolled back ones)."""
        return self.data_version, self.conn.total_changes

    def stale_warning(self) -> str | None:
        """The French warning to show with what this catalogue reads (see db.stale_warning)."""
        return db.stale_warning(self.conn)

    # ------------------------------------------------------------------ meta, copies, closing
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.check_writable()
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def schema_version(self) -> int:
        return db.user_version(self.conn)

    def save_copy(self, destination: Path) -> Path:
        if destination.resolve() == self.path.resolve():
            raise UserError("Choisissez un autre fichier que le catalogue ouvert.")
        db.copy_database(self.conn, destination)
        return destination

    def close(self, before: Callable[[], None] | None = None) -> None:
        """Close the connection; ``before`` runs first (under the lock), when this
        session wrote, with a last ``PRAGMA optimize``: statistics go stale through
        writes only. (With a stat1 row missing, e.g. for an empty partial index,
        optimize runs ANALYZE every time.)"""
        self.join_checkpoint()
        with self.lock:
            try:
                if not self.read_only and self.conn.total_changes:
                    if before is not None:
                        before()
                    self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.conn.close()
