"""The catalogue: the single API the window, the CLI and the other modules use.

It owns the SQLite file (through sqlite-utils and :mod:`eco_desktop.db`), records
every write in the history (one batch per user action, undoable), keeps the
full-text index and the in-memory :class:`~eco_desktop.index.ActorIndex` in step,
and evaluates :class:`~eco_desktop.filter.Filter` objects. Its row operations
(``_insert``, ``_update``, ``_delete``) record each write and mark what to refresh;
the calls (:mod:`eco_desktop.calls`) and kind rules mixed into the class use them.
Three modules write SQL of their own, inside one of its transactions: the RGPD
erasure (``privacy.plan``, unrecorded: it must leave no image of what it removed),
its purge (``privacy.purge``, the full-text ``optimize``) and the synthetic
catalogue (``synth``, contacts and relations by sqlite-utils).

Public methods take a re-entrant lock, so a worker thread may read while the UI
thread waits (calibre's read/write API discipline, simplified to one lock).
"""
from __future__ import annotations

import functools
import json
import logging
import operator
import re
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

import sqlite_utils

from .. import db, fields, vocab
from .calls import CallsMixin
from ..clock import now_iso, os_user
from ..dataset import load_bundled_dataset
from .kind_rules import KindRulesMixin
from ..errors import ReadOnlyCatalogue, UserError, os_error_text
from ..filter import FACETS, Filter
from .index import INDEX_COLUMNS, ActorIndex, int_array, mask_array
from .search import BODY_FIELDS, actor_body, body_text, fts_query
from ..text import fold, storable, stored_text

log = logging.getLogger(__name__)

LIST_FIELDS = ("aliases", "domains", "activities", "tags")
BOOL_FIELDS = ("mgp", "outside_idf")
ACTOR_FIELDS = fields.ACTOR_KEYS
# Every column of the actors table with its default (the full row a bulk insert writes).
ACTOR_COLUMN_DEFAULTS: dict[str, Any] = {
    "id": None, "name": "", "aliases": "[]", "kind": "", "domains": "[]", "activities": "[]", "tags": "[]",
    "description": "", "website": "", "email": "", "phone": "", "siren": "", "siret": "", "naf": "",
    "size": "", "founded": None, "status": "active", "street": "", "postcode": "", "commune": "",
    "insee_code": "", "departement": "", "mgp": 0, "ept": "", "epci": "", "outside_idf": 0, "lat": None,
    "lon": None, "geo_precision": "", "source": "", "created_at": "", "updated_at": "", "deleted_at": None,
    "sort_name": "",
}
EDITABLE_ACTOR_FIELDS = tuple(f for f in ACTOR_FIELDS if f not in ("id", "created_at", "updated_at"))
CONTACT_FIELDS = fields.CONTACT_KEYS
USABLE_CONTACT_SQL = "legal_basis <> '' AND opt_out = 0"
# Above this many changed actors in one write, the in-memory index is rebuilt rather than patched.
BULK_REBUILD_THRESHOLD = 2000
# Text searches matching more actors than this are listed by name rather than by relevance.
RANK_LIMIT = 5000
# Tables whose rows are recorded in the history (each has an integer primary key `id`).
HISTORY_TABLES = ("actors", "contacts", "relations", "exchanges", "vocabulary", "saved_views",
                  "calls", "call_entries", "kind_rules")

# Rows that refer to a row of these tables (deleting it would take them along).
_DEPENDENTS = {
    "actors": (("contacts", "actor_id"), ("exchanges", "actor_id"), ("call_entries", "actor_id"),
               ("relations", "source_id"), ("relations", "target_id")),
    "calls": (("call_entries", "call_id"),),
}
# The rows a row of these tables refers to: (column, table).
_PARENTS = {
    "contacts": (("actor_id", "actors"),), "exchanges": (("actor_id", "actors"),),
    "call_entries": (("actor_id", "actors"), ("call_id", "calls")),
    "relations": (("source_id", "actors"), ("target_id", "actors")),
}
# Stamps an undo or redo brings back only with a row nobody else wrote since (a kept
# edit keeps its newer stamp).
_STAMPS = frozenset({"updated_at", "created_at"})


class OperationCancelled(UserError):
    """The user cancelled a long operation; nothing was written."""


def locked(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: "Catalogue", *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return wrapper


# What _derive_geography reads of a new actor (and may change).
_ABSENT = object()
_PLACE_KEYS = ("insee_code", "commune", "postcode", "departement", "geo_precision", "lat", "lon",
               "mgp", "ept", "epci", "outside_idf")
_ABSENTS = (_ABSENT,) * len(_PLACE_KEYS)
# How _clean_actor treats each key it accepts.
_TEXT, _LIST, _BOOL, _FLOAT, _INT, _SKIP = "text", "list", "bool", "float", "int", "skip"
_CLEANING: dict[str, str] = {
    **{key: _TEXT for key in ACTOR_FIELDS},
    **{key: _LIST for key in LIST_FIELDS},
    **{key: _BOOL for key in BOOL_FIELDS},
    "lat": _FLOAT, "lon": _FLOAT, "founded": _INT,
    "id": _SKIP, "created_at": _SKIP, "updated_at": _SKIP, "deleted_at": _SKIP,
}
_JSON_UNSAFE = re.compile(r'[\x00-\x1f"\\]')
# A new actor's row as bulk inserts write it: every column, in this order.
_ROW_COLUMNS = tuple(ACTOR_COLUMN_DEFAULTS)
_ROW_DEFAULTS = tuple(ACTOR_COLUMN_DEFAULTS.values())
_ROW_POSITION = {column: i for i, column in enumerate(_ROW_COLUMNS)}
_ROW_ID, _ROW_NAME, _ROW_KIND, _ROW_SORT_NAME, _ROW_CREATED_AT, _ROW_UPDATED_AT = map(
    _ROW_POSITION.__getitem__, ("id", "name", "kind", "sort_name", "created_at", "updated_at"))
_PLACE_SET = frozenset(_PLACE_KEYS)


# Rows of a bulk insert share a few sets of keys: per set, in order, each key's
# (key, cleaning, column position, whether the geography reads it).
_ROW_LAYOUTS: dict[tuple[str, ...], tuple[tuple[str, str | None, int, bool], ...]] = {}


def _row_layout(keys: tuple[str, ...]) -> tuple[tuple[str, str | None, int, bool], ...]:
    layout = tuple((key, _CLEANING.get(key), _ROW_POSITION.get(key, -1), key in _PLACE_SET)
                   for key in keys)
    if len(_ROW_LAYOUTS) < 1000:
        _ROW_LAYOUTS[keys] = layout
    return layout


def _fits_sqlite(row_id: Any) -> bool:
    """False for an integer beyond SQLite's 64 bits: no row has that id (binding it
    would raise OverflowError)."""
    return type(row_id) is not int or -2 ** 63 <= row_id < 2 ** 63


def _clean_value(how: str | None, key: str, value: Any) -> Any:
    """One value of an actor as the actors table stores it (``how``: from _CLEANING)."""
    if how is _TEXT:
        return stored_text(value)
    if how is _LIST:
        if isinstance(value, str):
            value = value.split(";")
        # Stripped, without empty items and repeats, in their first order.
        items = [stored_text(item) for item in value or ()]
        return json_list([item for item in dict.fromkeys(items) if item])
    if how is _BOOL:
        return 1 if value else 0
    if how is _FLOAT:
        return None if value is None or value == "" else float(value)
    if how is _INT:
        return None if value is None or value == "" else int(value)
    raise UserError(f"Champ inconnu : « {key} ».")


def json_list(items: list[str]) -> str:
    """json.dumps(items, ensure_ascii=False), without the encoder for plain strings."""
    if not items:
        return "[]"
    if _JSON_UNSAFE.search("".join(items)):
        return json.dumps(items, ensure_ascii=False)
    return '["' + '", "'.join(items) + '"]'


# Rows per executemany of a bulk insert, and the page cache meanwhile (KiB, negative).
BULK_CHUNK = 1000
BULK_CACHE_SIZE = -131072
# FTS5's in-memory term table (bytes): its default, and while a bulk insert runs.
FTS_HASHSIZE = 1024 * 1024
BULK_FTS_HASHSIZE = 16 * 1024 * 1024
# A write of this many new actors is handled in bulk: indexes built once at the end (when
# they outnumber the catalogue), WAL checkpointed in the background, undone by two
# statements, redone by one statement a chunk.
BULK_ROWS = 5000
# Full-text rows of many actors in one statement: a JSON array of bodies whose rowids
# follow one another from the first (?, ?), else a JSON array of [rowid, body] pairs.
_FTS_ROWS_FROM = "INSERT INTO actors_fts (rowid, body) SELECT ? + key, value FROM json_each(?)"
_FTS_ROWS_OF_PAIRS = ("INSERT INTO actors_fts (rowid, body) "
                      "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)")
# actor_values rows of the actors whose ids are in a JSON array (?, three times): the
# same rows facet_value_rows() gives, made by SQLite rather than by Python.
_FACET_ROWS_OF_ACTORS = " UNION ALL ".join(
    f"SELECT '{facet}', j.value, a.id FROM actors a, json_each(a.{column}) j WHERE a.{{where}}"
    for facet, column in (("domain", "domains"), ("activity", "activities"), ("tag", "tags")))
_FACET_ROWS_OF_ACTORS = f"INSERT OR IGNORE INTO actor_values (facet, value, actor_id) {_FACET_ROWS_OF_ACTORS}"


def _json_real(column: str) -> str:
    # SQLite writes 15 significant digits; a float that needs more keeps all 17.
    short, full = f"printf('%!.15g', {column})", f"printf('%!.17g', {column})"
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN CAST({short} AS REAL) = {column} "
            f"THEN json({short}) ELSE json({full}) END")


_ACTOR_JSON = ("json_object("
               + ", ".join(f"'{c}', {_json_real(c) if c in ('lat', 'lon') else c}" for c in ACTOR_COLUMN_DEFAULTS)
               + ")")
# History rows of the actors a bulk insert created. Their image ("after") is left empty:
# it is taken when the batch is undone (_FILL_INSERT_IMAGES), when the rows are still
# exactly as the insert left them (this session's later batches are undone first; a row
# another session's batch changed since is kept by the undo, and gets no image). A
# 100k-row import thus writes no second copy of its rows.
_HISTORY_OF_NEW_ACTORS = (
    "INSERT INTO history_changes (batch_id, tbl, row_id, action, before, after, actor_id) "
    "SELECT ?, 'actors', id, 'insert', NULL, NULL, id FROM actors WHERE {where} ORDER BY id")
# The missing images of a batch's inserted actors: the JSON of each whole row, as _row()
# + json.dumps() would give it.
_FILL_INSERT_IMAGES = (
    f"UPDATE history_changes SET after = (SELECT {_ACTOR_JSON} FROM actors "
    "WHERE actors.id = history_changes.row_id) "
    "WHERE batch_id = ? AND tbl = 'actors' AND action = 'insert' AND after IS NULL "
    "AND row_id NOT IN (SELECT value FROM json_each(?))")  # (rows the undo keeps)


def _checkpoint(path: Path) -> None:
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


class _Background:
    """Runs SQL statements on ``conn`` in a thread, started at once. The caller does
    Python work meanwhile and leaves the connection alone until ``finish()`` (wait, and
    raise the statements' error if any) or ``join()`` (wait only)."""

    def __init__(self, conn: sqlite3.Connection, statements: list[tuple[str, tuple]]) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                for sql, args in statements:
                    conn.execute(sql, args)
            except BaseException as exc:  # raised again by finish()
                self._error = exc

        self._thread = threading.Thread(target=run, name="eco-bulk-sql", daemon=True)
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def join(self) -> None:
        self._thread.join()

    def finish(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _index_name(sql: str) -> str:
    """The name in 'CREATE INDEX name ON …' (as sqlite_master keeps it)."""
    return sql.split(None, 3)[2] if not sql.upper().startswith("CREATE UNIQUE") else sql.split(None, 4)[3]


def facet_value_rows(row: Mapping) -> list[tuple[str, str, int]]:
    """(facet, value, actor id) rows of actor_values for one actors row."""
    out = []
    for facet, column in (("domain", "domains"), ("activity", "activities"), ("tag", "tags")):
        value = row[column]
        for item in (value if isinstance(value, list) else json.loads(value or "[]")):
            out.append((facet, item, row["id"]))
    return out


def actor_to_dict(row: Mapping) -> dict[str, Any]:
    """An actors row in the JSON shape of GUIDE §8."""
    out: dict[str, Any] = {}
    for key in ACTOR_FIELDS:
        value = row[key]
        if key in LIST_FIELDS:
            value = json.loads(value or "[]")
        elif key in BOOL_FIELDS:
            value = bool(value)
        out[key] = value
    return out


def contact_to_dict(row: Mapping) -> dict[str, Any]:
    out = dict(row)
    out["opt_out"] = bool(out["opt_out"])
    out["usable"] = bool(out["legal_basis"]) and not out["opt_out"]
    return out


class _Batch:
    """The history batch of the transaction in progress."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.id: int | None = None
        self.actor_ids: set[int] = set()      # actors whose index/FTS entry must be refreshed
        self.purged_ids: set[int] = set()
        self.bulk_ids: set[int] = set()       # actors created by bulk_create_actors (FTS already written)
        self.changes = 0


class Catalogue(CallsMixin, KindRulesMixin):
    """One open catalogue file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._batch: _Batch | None = None
        self._record_history = True
        # Which open catalogue wrote a history batch: undo and redo only replay this
        # session's batches, never those another window or program wrote in the file.
        self.session = uuid.uuid4().hex
        self._replay_notes: list[str] = []
        self._index: ActorIndex | None = None
        self._text_memo: _TextMatch | None = None
        self._data_version = self._read_data_version()
        self.listeners: list[Callable[[str, bool], None]] = []
        self._kind_slugs: set[str] | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Catalogue":
        """Open an existing catalogue, migrating it to the current schema.

        A file from a newer version is refused and left untouched; a file that is not
        a catalogue raises a UserError. A read-only file or folder opens read-only.
        """
        path = Path(path)
        db.check_is_sqlite(path)
        import os
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if not writable:
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
                        raise UserError(f"Le fichier « {path.name} » est une base SQLite mais pas un catalogue eco_desktop.")
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
                raise UserError(f"Le fichier « {path.name} » est une base SQLite mais pas un catalogue eco_desktop.")
            if not read_only:
                db.migrate(conn, path)
            elif version < db.schema_version():
                raise UserError(f"Le catalogue « {path.name} » doit être mis à jour mais il est en lecture seule.")
            tables = set(sqlite_utils.Database(conn).table_names())
            if "actors" not in tables:
                raise UserError(f"Le fichier « {path.name} » est une base SQLite mais pas un catalogue eco_desktop.")
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise db.translate_error(exc, path) from exc
            raise
        return cls(path, conn, read_only=read_only)

    @classmethod
    def create(cls, path: str | Path, *, seed: bool = True, overwrite: bool = False) -> "Catalogue":
        """Create a new catalogue (with the bundled dataset unless ``seed`` is False)."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise UserError(f"Le fichier « {path} » existe déjà : il n'a pas été remplacé.")
        if not path.parent.is_dir():
            raise UserError(f"Le dossier « {path.parent} » n'existe pas.")
        tmp = path.with_name(path.name + ".creating")
        leftovers = (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"))
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        conn = None
        try:
            conn = db.connect(tmp)
            db.migrate(conn, tmp)
            catalogue = cls(tmp, conn)
            catalogue.set_meta("created_at", now_iso())
            if seed:
                load_bundled_dataset(catalogue)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        except BaseException as exc:
            # A failed creation leaves nothing: the connection's -wal and -shm go too.
            if conn is not None:
                conn.close()
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.DatabaseError):
                raise db.translate_error(exc, path) from exc
            if isinstance(exc, OSError):
                raise UserError(f"Impossible de créer « {path} » : {os_error_text(exc)}.") from exc
            raise
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
            # A replaced catalogue's log would be replayed into the new file.
            Path(str(path) + suffix).unlink(missing_ok=True)
        tmp.replace(path)
        return cls.open(path)

    @locked
    def save_copy(self, destination: str | Path) -> Path:
        """Copy the whole catalogue to another file with SQLite's online backup API."""
        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise UserError("Choisissez un autre fichier que le catalogue ouvert.")
        db.copy_database(self.conn, destination)
        return destination

    def _commit(self, *, big: bool) -> None:
        """COMMIT. After a big write the WAL is copied into the database file by a
        checkpoint in a background thread (SQLite's advice for applications that care
        about latency) instead of inside COMMIT: the data is committed either way."""
        if not big or self._journal_mode() != "wal":
            self.conn.execute("COMMIT")
            return
        every = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self.conn.execute("COMMIT")
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {every}")
        self._join_checkpoint()
        self._checkpoint = threading.Thread(target=_checkpoint, args=(self.path,),
                                            name="eco-checkpoint", daemon=True)
        self._checkpoint.start()

    def _journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def _join_checkpoint(self) -> None:
        thread, self._checkpoint = getattr(self, "_checkpoint", None), None
        if thread is not None:
            thread.join()

    def close(self) -> None:
        self._join_checkpoint()
        with self._lock:
            try:
                # Statistics go stale through writes only. (With a stat1 row missing,
                # e.g. for an empty partial index, optimize runs ANALYZE every time.)
                if not self.read_only and self.conn.total_changes:
                    # Nobody can redo this session's undone batches once it is closed.
                    self.conn.execute("DELETE FROM history_batches WHERE session = ? AND undone = 1",
                                      (self.session,))
                    self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.conn.close()

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    @locked
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @locked
    def set_meta(self, key: str, value: str) -> None:
        self._check_writable()
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @locked
    def schema_version(self) -> int:
        return db.user_version(self.conn)

    # ------------------------------------------------------------------ transactions
    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyCatalogue(
                f"Le catalogue « {self.path.name} » est ouvert en lecture seule : modification impossible.")

    @contextmanager
    def transaction(self, label: str) -> Iterator[_Batch]:
        """Group writes into one transaction and one history entry (one undo step).

        Nested calls join the outer transaction. On any exception nothing is written.
        """
        with self._lock:
            if self._batch is not None:
                yield self._batch
                return
            self._check_writable()
            batch = _Batch(label)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise db.translate_error(exc, self.path) from exc
            if self._read_data_version() != self._data_version:
                self._index = None  # another program wrote since we last looked: its changes too
            if self._index is not None:
                self._index.load_names()  # as they are before this write (see load_names)
            self._batch = batch
            try:
                yield batch
                self._refresh_fts(batch.actor_ids - batch.purged_ids)
                if batch.id is not None and self._record_history:
                    # A new action makes this session's undone batches unreachable: forget
                    # them (another session's stay redoable there).
                    self.conn.execute("DELETE FROM history_batches WHERE session = ? AND undone = 1 AND id <> ?",
                                      (self.session, batch.id))
                self._commit(big=len(batch.bulk_ids) >= BULK_ROWS)
            except BaseException as exc:
                self._batch = None
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._index = None  # may hold changes that were rolled back
                self._kind_slugs = None
                if isinstance(exc, sqlite3.Error):
                    raise db.translate_error(exc, self.path) from exc
                raise
            self._batch = None
            self._data_version = self._read_data_version()
            if batch.bulk_ids:
                self._index = None  # rebuilt on next use
            self._apply_to_index(batch)
            self._notify(batch.label, batch.id is not None and self._record_history)

    @contextmanager
    def _without_history(self) -> Iterator[None]:
        previous = self._record_history
        self._record_history = False
        try:
            yield
        finally:
            self._record_history = previous

    @contextmanager
    def unrecorded_transaction(self, label: str) -> Iterator[_Batch]:
        """A transaction that records no history batch, so it cannot be undone: for the
        RGPD erasure, which must leave no image of what it removed. Writers add the ids
        of the actors whose derived rows (full text, facets) must be recomputed to
        ``batch.actor_ids``."""
        with self._lock, self._without_history(), self.transaction(label) as batch:
            yield batch

    @property
    def lock(self) -> threading.RLock:
        """The lock of the shared connection, for core modules that read it directly."""
        return self._lock

    def _notify(self, label: str, undoable: bool) -> None:
        """Tell listeners (the window) that a write committed: its label, and whether it
        is a new undoable step (False for undo/redo replays and unrecorded loads)."""
        for listener in list(self.listeners):
            listener(label, undoable)

    # -- row operations: the only writers, each recorded in the batch --------
    def _record(self, tbl: str, row_id: int, action: str, before: Mapping | None, after: Mapping | None) -> None:
        batch = self._batch
        assert batch is not None, "writes happen inside transaction()"
        batch.changes += 1
        image = after or before or {}
        actor_id = other_actor_id = None
        if tbl == "vocabulary":
            self._kind_slugs = None
        elif tbl == "actors":
            batch.actor_ids.add(row_id)
            actor_id = row_id
        elif tbl == "contacts":
            # contact names are searchable and "has a usable contact" is a facet
            for img in (before, after):
                if img:
                    batch.actor_ids.add(img["actor_id"])
            actor_id = image.get("actor_id")
        elif tbl in ("exchanges", "call_entries"):
            actor_id = image.get("actor_id")
        elif tbl == "relations":
            actor_id, other_actor_id = image.get("source_id"), image.get("target_id")
        if not self._record_history:
            return
        self._ensure_batch_row(batch)
        self.conn.execute(
            "INSERT INTO history_changes (batch_id, tbl, row_id, action, before, after, actor_id, other_actor_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (batch.id, tbl, row_id, action,
             json.dumps(dict(before), ensure_ascii=False) if before else None,
             json.dumps(dict(after), ensure_ascii=False) if after else None,
             actor_id, other_actor_id))

    def _ensure_batch_row(self, batch: _Batch) -> None:
        if batch.id is None:
            batch.id = self.conn.execute(
                "INSERT INTO history_batches (at, user, label, session) VALUES (?, ?, ?, ?)",
                (now_iso(), os_user(), storable(batch.label), self.session)).lastrowid

    def _row(self, tbl: str, row_id: int) -> dict | None:
        if not _fits_sqlite(row_id):
            return None
        row = self.conn.execute(f"SELECT * FROM [{tbl}] WHERE id = ?", (row_id,)).fetchone()
        return dict(row) if row else None

    @staticmethod
    def _sql_value(value: Any) -> Any:
        # Texts not cleaned before (an exchange's text, a note) are made storable here,
        # where every row write passes.
        if isinstance(value, str):
            return storable(value)
        if isinstance(value, (list, tuple, dict)):
            return storable(json.dumps(value, ensure_ascii=False))
        if isinstance(value, bool):
            return int(value)
        return value

    def _insert(self, tbl: str, values: Mapping[str, Any]) -> int:
        columns = list(values)
        cursor = self.conn.execute(
            f"INSERT INTO [{tbl}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
            [self._sql_value(values[c]) for c in columns])
        row_id = cursor.lastrowid
        self._record(tbl, row_id, "insert", None, self._row(tbl, row_id))
        return row_id

    def _update(self, tbl: str, row_id: int, changes: Mapping[str, Any]) -> bool:
        before = self._row(tbl, row_id)
        if before is None:
            raise UserError(f"L'élément {row_id} n'existe plus.")
        changes = {k: self._sql_value(v) for k, v in changes.items()}
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if not changes:
            return False
        self.conn.execute(f"UPDATE [{tbl}] SET {', '.join(f'[{c}] = ?' for c in changes)} WHERE id = ?",
                          [*changes.values(), row_id])
        self._record(tbl, row_id, "update", before, self._row(tbl, row_id))
        return True

    def _delete(self, tbl: str, row_id: int) -> None:
        before = self._row(tbl, row_id)
        if before is None:
            return
        self.conn.execute(f"DELETE FROM [{tbl}] WHERE id = ?", (row_id,))
        self._record(tbl, row_id, "delete", before, None)

    # ------------------------------------------------------------------ index and FTS
    def _read_data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @locked
    def changed_elsewhere(self) -> bool:
        """True when another connection changed the file since we last looked."""
        version = self._read_data_version()
        if version != self._data_version:
            self._data_version = version
            self._index = None
            return True
        return False

    @locked
    def index(self) -> ActorIndex:
        if self._index is None or self.changed_elsewhere():
            self._index = ActorIndex.load(self.conn, USABLE_CONTACT_SQL)
        return self._index

    def _refresh_fts(self, actor_ids: Iterable[int]) -> None:
        """Recompute what is derived from these actors' rows: their full-text row and
        their multi-valued facet rows (actor_values)."""
        for actor_id in actor_ids:
            row = self.conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
            self.conn.execute("DELETE FROM actors_fts WHERE rowid = ?", (actor_id,))
            self.conn.execute("DELETE FROM actor_values WHERE actor_id = ?", (actor_id,))
            if row is None:
                continue
            names = [f"{c['first_name']} {c['last_name']}" for c in self.conn.execute(
                "SELECT first_name, last_name FROM contacts WHERE actor_id = ?", (actor_id,))]
            self.conn.execute("INSERT INTO actors_fts (rowid, body) VALUES (?, ?)",
                              (actor_id, actor_body(row, names)))
            self.conn.executemany("INSERT OR IGNORE INTO actor_values (facet, value, actor_id) VALUES (?, ?, ?)",
                                  facet_value_rows(row))

    def _apply_to_index(self, batch: _Batch) -> None:
        if self._index is None or not batch.actor_ids:
            return
        if len(batch.actor_ids) > BULK_REBUILD_THRESHOLD:
            self._index = None  # cheaper to rebuild on next use than to patch row by row
            return
        index = self._index
        ids = list(batch.actor_ids)
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            found = set()
            for row in self.conn.execute(f"SELECT {INDEX_COLUMNS} FROM actors WHERE id IN ({marks})", chunk):
                index.upsert(row)
                found.add(row["id"])
            usable = {r[0] for r in self.conn.execute(
                f"SELECT DISTINCT actor_id FROM contacts WHERE actor_id IN ({marks}) AND {USABLE_CONTACT_SQL}",
                chunk)}
            for actor_id in chunk:
                if actor_id in found:
                    index.set_has_contact(actor_id, actor_id in usable)
                else:
                    index.remove(actor_id)

    @locked
    def rebuild_search_index(self) -> None:
        """Recompute the full-text index and facet rows of every actor (a repair)."""
        with self.transaction("Reconstruction de l'index de recherche") as batch:
            self.conn.execute("DELETE FROM actors_fts")
            self.conn.execute("DELETE FROM actor_values")
            batch.actor_ids.update(r[0] for r in self.conn.execute("SELECT id FROM actors"))

    # ------------------------------------------------------------------ filtering
    def _text_key(self, query: str) -> tuple:
        """What the result of ``query`` depends on: the file as this connection sees it
        (data_version counts other programs' commits, total_changes our own writes, even
        rolled back ones)."""
        return query, self._data_version, self.conn.total_changes

    def _text_match(self, text: str, index: ActorIndex) -> _TextMatch | None:
        """The actors matching the text (None when it searches nothing), run once per
        state of the file: the window asks for the ids and then the facet counts of the
        same filter, and each would otherwise run the same full-text query."""
        query = fts_query(text)
        if query is None:
            return None
        key = self._text_key(query)
        memo = self._text_memo
        if memo is not None and memo.key == key and memo.index is index:
            return memo
        try:
            ids, ranked = _run_text_query(self.conn, query)
        except sqlite3.OperationalError:
            ids, ranked = [], []
        self._text_memo = _TextMatch(key, index, index.bits_for_ids(ids), ranked)
        return self._text_memo

    @locked
    def text_ready(self, text: str) -> bool:
        """True when filtering by this text runs no full-text query (none to run, or its
        result is kept for the file as it is now)."""
        query = fts_query(text)
        if query is None:
            return True
        index = self.index()  # notices other programs' commits
        memo = self._text_memo
        return memo is not None and memo.key == self._text_key(query) and memo.index is index

    def prefetch_text(self, text: str, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Run the full-text query of ``text`` ahead, for a worker thread: on a connection
        of its own and without holding the catalogue's lock, so the window's thread keeps
        using the catalogue meanwhile; the next actor_ids, count or facet_counts of that
        text take its result. Returns False, keeping nothing, when ``cancelled()`` became
        true first (checked while SQLite works). A result the file outdated meanwhile
        (a write here or elsewhere) is not kept: those calls run the query again."""
        query = fts_query(text)
        if query is None or cancelled():
            return query is None
        with self._lock:
            if self.text_ready(text):
                return True
            key = self._text_key(query)
        reader = None
        try:
            reader = db.connect(self.path, read_only=True)
            # SQLite calls this every 1,000 instructions: a superseded search stops there.
            reader.set_progress_handler(lambda: int(cancelled()), 1000)
            ids, ranked = _run_text_query(reader, query)
        except sqlite3.Error:
            if cancelled():
                return False
            # No second connection (a WAL file on a read-only medium…): this one will do.
            with self._lock:
                self._text_match(text, self.index())
            return True
        finally:
            if reader is not None:
                reader.close()
        if cancelled():
            return False
        with self._lock:
            index = self.index()
            if self._text_key(query) == key:
                self._text_memo = _TextMatch(key, index, index.bits_for_ids(ids), ranked)
        return True

    def _masks(self, flt: Filter) -> tuple[ActorIndex, int | None, int | None, list[int] | None]:
        index = self.index()
        match = self._text_match(flt.text, index) if flt.text else None
        text_bits = match.bits if match is not None else None
        ranked = match.ranked if match is not None else None
        call_bits = index.bits_for_ids(self._call_ids(flt.call)) if flt.call else None
        return index, text_bits, call_bits, ranked

    @locked
    def actor_ids(self, flt: Filter | None = None) -> list[int]:
        """Ids of the matching actors: by relevance when searching text, else by name."""
        flt = flt or Filter()
        index, text_bits, call_bits, ranked = self._masks(flt)
        mask = index.mask(flt, text_bits=text_bits, call_bits=call_bits)
        return index.ordered_ids(mask, ranked)

    @locked
    def count(self, flt: Filter | None = None) -> int:
        flt = flt or Filter()
        index, text_bits, call_bits, _ = self._masks(flt)
        return index.mask(flt, text_bits=text_bits, call_bits=call_bits).bit_count()

    @locked
    def total(self) -> int:
        """Number of actors not in the trash."""
        return self.index().base_mask(Filter()).bit_count()

    @locked
    def facet_counts(self, flt: Filter | None = None) -> dict[str, list[dict[str, Any]]]:
        """For each facet, its values with label and count, by decreasing count.

        A facet's counts apply every other facet's selection but not its own; values
        selected in the filter are listed even when their count is 0.
        """
        flt = flt or Filter()
        index, text_bits, call_bits, _ = self._masks(flt)
        raw = index.counts(flt, text_bits=text_bits, call_bits=call_bits)
        labels = self.facet_labels()
        out: dict[str, list[dict[str, Any]]] = {}
        for facet in FACETS:
            counts = dict(raw[facet])
            for value in flt.selection(facet):
                counts.setdefault(value, 0)
            names = labels.get(facet, {})
            items = [{"value": v, "label": names.get(v, v), "count": c} for v, c in counts.items()]
            items.sort(key=lambda item: (-item["count"], fold(item["label"])))
            out[facet] = items
        return out

    @locked
    def facet_labels(self) -> dict[str, dict[str, str]]:
        """Labels of every facet's values: vocabularies, départements, EPT/EPCI names."""
        from ..geo import gazetteer
        gaz = gazetteer()
        labels: dict[str, dict[str, str]] = {
            "kind": self.vocabulary("kind"),
            "domain": self.vocabulary("domain"),
            "activity": self.vocabulary("activity"),
            "mgp": {"1": "Dans la Métropole", "0": "Hors Métropole"},
            "departement": {**{code: f"{code} (hors Île-de-France)" for code in self._departements_in_use()},
                            **{code: f"{code} {name}" for code, name in gaz.departements().items()}},
            "ept": dict(gaz.epts()),
            "epci": dict(gaz.epcis()),
            "tag": {},
        }
        return labels

    def _departements_in_use(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT departement FROM actors WHERE departement <> ''")]

    @locked
    def describe(self, flt: Filter) -> list[str]:
        return flt.describe(self.facet_labels())

    # ------------------------------------------------------------------ actors: reading
    @locked
    def get_actor(self, actor_id: int) -> dict[str, Any] | None:
        if not _fits_sqlite(actor_id):
            return None
        row = self.conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None:
            return None
        actor = actor_to_dict(row)
        actor["deleted_at"] = row["deleted_at"]
        return actor

    @locked
    def actors_by_ids(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Actors in the order of ``ids`` (missing ids skipped)."""
        found: dict[int, dict] = {}
        for chunk in _chunks([i for i in ids if _fits_sqlite(i)], 900):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM actors WHERE id IN ({marks})", chunk):
                found[row["id"]] = actor_to_dict(row)
        return [found[i] for i in ids if i in found]

    @locked
    def actors(self, flt: Filter | None = None, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        ids = self.actor_ids(flt)
        ids = ids[offset:offset + limit] if limit is not None else ids[offset:]
        return self.actors_by_ids(ids)

    def iter_actors(self, flt: Filter | None = None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
        """Stream the matching actors in order, a chunk at a time (exports)."""
        ids = self.actor_ids(flt)
        for part in _chunks(ids, chunk):
            yield from self.actors_by_ids(part)

    @locked
    def column_values(self, field: str, ids: Sequence[int] | None = None) -> dict[int, Any]:
        """One field of many actors, by id (sorting a table column)."""
        if field not in ACTOR_FIELDS:
            raise UserError(f"Champ inconnu : « {field} ».")
        rows = self.conn.execute(f"SELECT id, [{field}] FROM actors")
        if field in LIST_FIELDS:
            values = {r[0]: json.loads(r[1] or "[]") for r in rows}
        else:
            values = {r[0]: r[1] for r in rows}
        if ids is not None:
            return {i: values.get(i) for i in ids}
        return values

    @locked
    def all_actor_names(self) -> list[tuple[int, str]]:
        """(id, name) of every actor not in the trash, by folded name (pickers)."""
        index = self.index()
        alive = mask_array(index.base_mask(Filter()), index.size)
        return [(index.ids[p], index.names[p]) for p in index.name_order().tolist() if alive[p]]

    @locked
    def all_tags(self) -> dict[str, int]:
        """Every tag with the number of (non-deleted) actors carrying it."""
        index = self.index()
        alive = index.base_mask(Filter())
        return {tag: (bits & alive).bit_count() for tag, bits in sorted(index.bits["tag"].items())
                if bits & alive}

    # ------------------------------------------------------------------ actors: writing
    def _clean_actor(self, data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        cleaning = _CLEANING
        for key, value in data.items():
            how = cleaning.get(key)
            if how is not _SKIP:
                out[key] = _clean_value(how, key, value)
        if not partial or "name" in out:
            if not out.get("name"):
                raise UserError("Le nom de l'acteur est obligatoire.")
            out["sort_name"] = fold(out["name"])
        if not partial or "kind" in out:
            self._check_kind(out.get("kind", ""))
        return out

    def _check_kind(self, kind: str) -> None:
        if self._kind_slugs is None:
            self._kind_slugs = set(self.vocabulary("kind", include_hidden=True))
        if kind not in self._kind_slugs:
            raise UserError(f"Type d'acteur inconnu : « {kind} ».")

    def _derive_geography(self, values: dict[str, Any], previous: Mapping[str, Any] | None) -> None:
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

    @locked
    def create_actor(self, data: Mapping[str, Any], *, label: str | None = None) -> int:
        values = self._new_actor_values(data, now_iso())
        with self.transaction(label or f"Créer « {values['name']} »"):
            return self._insert("actors", values)

    def _new_actor_values(self, data: Mapping[str, Any], stamp: str) -> dict[str, Any]:
        """The values of a new actor: ``data`` cleaned, its geography derived, stamped."""
        values = self._clean_actor(data, partial=False)
        self._derive_geography(values, None)
        values.setdefault("status", "active")
        values["created_at"] = data.get("created_at") or stamp
        values["updated_at"] = data.get("updated_at") or stamp
        if data.get("id") is not None:
            values["id"] = int(data["id"])
        return values

    def _new_actor_row(self, data: Mapping[str, Any], stamp: str,
                       places: dict[tuple, tuple[tuple[int, Any], ...]]) -> list[Any]:
        """Every column of a new actor (in _ROW_COLUMNS order, id None unless given): the
        values of :meth:`_new_actor_values` over the column defaults, without the
        intermediate dicts (bulk inserts make 100k of them). ``places``: the derived
        geography by place, kept by the caller across rows (files repeat their communes)."""
        row = list(_ROW_DEFAULTS)
        place: dict[str, Any] = {}
        keys = tuple(data)
        layout = _ROW_LAYOUTS.get(keys) or _row_layout(keys)
        for (key, how, at, in_place), value in zip(layout, data.values()):
            if how is _TEXT and type(value) is str:
                value = value.strip()
                if "\x00" in value or not value.isascii():  # (rare enough to test first)
                    value = stored_text(value)
            elif how is _FLOAT and type(value) is float:
                pass
            elif how is _BOOL and type(value) is bool:
                value = 1 if value else 0
            elif how is _SKIP:
                continue
            else:
                value = _clean_value(how, key, value)
            row[at] = value
            if in_place:
                place[key] = value
        name = row[_ROW_NAME]
        if not name:
            raise UserError("Le nom de l'acteur est obligatoire.")
        row[_ROW_SORT_NAME] = fold(name)
        self._check_kind(row[_ROW_KIND])
        key = tuple(map(place.get, _PLACE_KEYS, _ABSENTS))
        derived = places.get(key)
        if derived is None:
            self._derive_geography(place, None)
            derived = tuple((_ROW_POSITION[k], v) for k, v in place.items())
            if len(places) < 100_000:
                places[key] = derived
        for at, value in derived:
            row[at] = value
        row[_ROW_CREATED_AT] = data.get("created_at") or stamp
        row[_ROW_UPDATED_AT] = data.get("updated_at") or stamp
        if data.get("id") is not None:
            row[_ROW_ID] = int(data["id"])
        return row

    @locked
    def bulk_create_actors(self, rows: Iterable[Mapping[str, Any]], *, label: str,
                           progress: Callable[[int], None] | None = None,
                           cancelled: Callable[[], bool] | None = None) -> list[int]:
        """Create many actors in ONE transaction and ONE undo step (imports).

        Rows are cleaned like :meth:`create_actor` and their actors rows written in
        chunks; each chunk's full-text rows (from a JSON array of their texts), facet rows
        and history rows are written by SQL statements in a thread while the next chunk is
        cleaned. When
        more rows come than the catalogue holds, the actors' secondary indexes are dropped
        and built again at the end, in the same transaction (one sort instead of a random
        insertion per row and index).
        ``progress(n)`` is called every chunk; when ``cancelled()`` turns true the whole
        transaction is rolled back and :class:`OperationCancelled` raised.
        """
        stamp = now_iso()
        ids: list[int] = []
        insert_actor = (f"INSERT INTO actors ({', '.join(_ROW_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(_ROW_COLUMNS))})")
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # Indexes of a big table stay in memory while it grows (restored below).
        conn.execute(f"PRAGMA cache_size = {BULK_CACHE_SIZE}")
        try:
            with self.transaction(label) as batch:
                if self._record_history:
                    self._ensure_batch_row(batch)
                history = self._record_history
                next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM actors").fetchone()[0]
                total = len(rows) if isinstance(rows, Sequence) else -1
                rebuilt: list[str] = []
                if isinstance(rows, Sequence) and len(rows) >= BULK_ROWS:
                    held = conn.execute("SELECT count(*) FROM actors").fetchone()[0]
                    if len(rows) > held:
                        rebuilt = [sql for name, sql in conn.execute(
                            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                            "AND tbl_name = 'actors' AND sql IS NOT NULL")]
                        for sql in rebuilt:
                            conn.execute("DROP INDEX " + _index_name(sql))

                def derived(chunk_ids: list[int], bodies: list[str]) -> list[tuple[str, tuple]]:
                    """Statements making the full-text rows, facet rows and history rows of
                    a chunk."""
                    if _consecutive(chunk_ids):
                        where, args = "id BETWEEN ? AND ?", (chunk_ids[0], chunk_ids[-1])
                    else:
                        where, args = "id IN (SELECT value FROM json_each(?))", (json.dumps(chunk_ids),)
                    statements = [_fts_rows(chunk_ids, bodies),
                                  (_FACET_ROWS_OF_ACTORS.format(where=where), args * 3)]
                    if history:
                        statements.append((_HISTORY_OF_NEW_ACTORS.format(where=where), (batch.id, *args)))
                    return statements

                # Each chunk: its actors written here, then its full-text rows, facet rows
                # and history rows made by SQLite from them in a thread (without the GIL)
                # while the next chunk is cleaned here. The connection is used by one
                # thread at a time: a chunk due while the thread still writes is not
                # waited for but grows until the thread is done, so this thread never
                # idles and the thread's statements take bigger chunks when it lags.
                pending: _Background | None = None
                chunk: list[list[Any]] = []
                bodies: list[str] = []
                chunk_ids: list[int] = []
                places: dict[tuple, tuple[tuple[int, Any], ...]] = {}
                new_row = self._new_actor_row
                body_fields = operator.itemgetter(*(_ROW_POSITION[k] for k in BODY_FIELDS))
                # The full-text index gathers more terms in memory before writing a segment.
                conn.execute("INSERT INTO actors_fts (actors_fts, rank) VALUES ('hashsize', ?)",
                             (BULK_FTS_HASHSIZE,))

                def flush(wait: bool) -> bool:
                    """Write the chunk and start its derived rows, once the thread is done
                    with the previous chunk's: at once when ``wait`` is false and it is
                    not done (False: nothing written)."""
                    nonlocal pending, chunk, bodies, chunk_ids
                    if pending is not None:
                        if not wait and pending.running():
                            return False
                        pending.finish()
                        pending = None
                    conn.executemany(insert_actor, chunk)
                    pending = _Background(conn, derived(chunk_ids, bodies))
                    chunk, bodies, chunk_ids = [], [], []
                    return True

                try:
                    due = BULK_CHUNK
                    for n, data in enumerate(rows, 1):
                        row = new_row(data, stamp, places)
                        actor_id = row[_ROW_ID]
                        if actor_id is None:
                            row[_ROW_ID] = actor_id = next_id
                        next_id = max(next_id, actor_id) + 1
                        ids.append(actor_id)
                        chunk_ids.append(actor_id)
                        chunk.append(row)
                        bodies.append(body_text(*body_fields(row)))
                        if len(chunk) >= due or n == total:
                            due = BULK_CHUNK if flush(wait=n == total) else len(chunk) + BULK_CHUNK // 4
                            if progress is not None:
                                progress(n)
                            if cancelled is not None and cancelled():
                                raise OperationCancelled("Opération annulée : rien n'a été modifié.")
                    if chunk:  # rows given as an iterator: their number was not known
                        flush(wait=True)
                    if pending is not None:
                        pending.finish()
                finally:
                    if pending is not None:
                        pending.join()  # before any rollback
                for sql in rebuilt:
                    conn.execute(sql)
                conn.execute("INSERT INTO actors_fts (actors_fts, rank) VALUES ('hashsize', ?)",
                             (FTS_HASHSIZE,))
                batch.changes += len(ids)
                batch.bulk_ids.update(ids)
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")
        return ids

    @locked
    def update_actor(self, actor_id: int, changes: Mapping[str, Any], *, label: str | None = None) -> bool:
        before = self.get_actor(actor_id)
        if before is None:
            raise UserError(f"L'acteur {actor_id} n'existe pas.")
        values = self._clean_actor(changes, partial=True)
        previous = self._row("actors", actor_id)
        self._derive_geography(values, previous)
        values = {k: v for k, v in values.items() if previous.get(k) != v}
        if not values:
            return False
        values["updated_at"] = now_iso()
        with self.transaction(label or f"Modifier « {before['name']} »"):
            return self._update("actors", actor_id, values)

    @locked
    def bulk_update(self, ids: Sequence[int], *, set_values: Mapping[str, Any] | None = None,
                    add: Mapping[str, Iterable[str]] | None = None,
                    remove: Mapping[str, Iterable[str]] | None = None, label: str | None = None) -> int:
        """Set fields, add to or remove from list fields on many actors: one undo step."""
        set_values = self._clean_actor(set_values or {}, partial=True)
        changed = 0
        with self.transaction(label or f"Modification groupée de {len(ids)} acteur(s)"):
            for actor_id in ids:
                row = self._row("actors", actor_id)
                if row is None:
                    continue
                values = dict(set_values)
                self._derive_geography(values, row)
                for key, items in (add or {}).items():
                    current = json.loads(row[key])
                    values[key] = json.dumps(current + [i for i in items if i not in current], ensure_ascii=False)
                for key, items in (remove or {}).items():
                    drop = set(items)
                    current = json.loads(values.get(key, row[key]))
                    values[key] = json.dumps([i for i in current if i not in drop], ensure_ascii=False)
                values = {k: v for k, v in values.items() if row.get(k) != v}
                if values:
                    values["updated_at"] = now_iso()
                    self._update("actors", actor_id, values)
                    changed += 1
        return changed

    @locked
    def delete_actors(self, ids: Sequence[int], *, label: str | None = None) -> int:
        """Move actors to the trash (their relations, contacts and call entries stay, hidden)."""
        stamp = now_iso()
        count = 0
        names = [a["name"] for a in self.actors_by_ids(list(ids)[:1])]
        with self.transaction(label or (f"Supprimer « {names[0]} »" if len(ids) == 1 and names
                                        else f"Supprimer {len(ids)} acteurs")):
            for actor_id in ids:
                row = self._row("actors", actor_id)
                if row and row["deleted_at"] is None:
                    self._update("actors", actor_id, {"deleted_at": stamp})
                    count += 1
        return count

    @locked
    def restore_actors(self, ids: Sequence[int]) -> int:
        count = 0
        with self.transaction(f"Restaurer {len(ids)} acteur(s) de la corbeille"):
            for actor_id in ids:
                row = self._row("actors", actor_id)
                if row and row["deleted_at"] is not None:
                    self._update("actors", actor_id, {"deleted_at": None})
                    count += 1
        return count

    @locked
    def purge_actors(self, ids: Sequence[int]) -> int:
        """Delete actors for good, with their contacts, relations, exchanges and call entries."""
        count = 0
        with self.transaction(f"Supprimer définitivement {len(ids)} acteur(s)") as batch:
            for actor_id in ids:
                if self._row("actors", actor_id) is None:
                    continue
                for tbl, column in (("contacts", "actor_id"), ("exchanges", "actor_id"),
                                    ("call_entries", "actor_id"), ("relations", "source_id"),
                                    ("relations", "target_id")):
                    for (child,) in self.conn.execute(f"SELECT id FROM [{tbl}] WHERE {column} = ?",
                                                      (actor_id,)).fetchall():
                        self._delete(tbl, child)
                self._delete("actors", actor_id)
                batch.purged_ids.add(actor_id)
                self.conn.execute("DELETE FROM actors_fts WHERE rowid = ?", (actor_id,))
                count += 1
        return count

    @locked
    def empty_trash(self) -> int:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM actors WHERE deleted_at IS NOT NULL")]
        return self.purge_actors(ids) if ids else 0

    @locked
    def duplicate_actor(self, actor_id: int) -> int:
        actor = self.get_actor(actor_id)
        if actor is None:
            raise UserError(f"L'acteur {actor_id} n'existe pas.")
        data = {k: v for k, v in actor.items() if k in EDITABLE_ACTOR_FIELDS}
        data["name"] = f"{actor['name']} (copie)"
        data["siret"] = ""
        return self.create_actor(data, label=f"Dupliquer « {actor['name']} »")

    @locked
    def merge_actors(self, survivor_id: int, other_id: int, values: Mapping[str, Any] | None = None) -> None:
        """Merge ``other`` into ``survivor``: chosen field values, union of list fields,
        and the other's contacts, relations, exchanges and call entries moved over.
        The other actor goes to the trash. One undo step."""
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
            for (cid,) in self.conn.execute("SELECT id FROM contacts WHERE actor_id = ?", (other_id,)).fetchall():
                self._update("contacts", cid, {"actor_id": survivor_id})
            for (eid,) in self.conn.execute("SELECT id FROM exchanges WHERE actor_id = ?", (other_id,)).fetchall():
                self._update("exchanges", eid, {"actor_id": survivor_id})
            for entry in self.conn.execute("SELECT * FROM call_entries WHERE actor_id = ?", (other_id,)).fetchall():
                clash = self.conn.execute("SELECT id FROM call_entries WHERE call_id = ? AND actor_id = ?",
                                          (entry["call_id"], survivor_id)).fetchone()
                if clash:
                    self._delete("call_entries", entry["id"])
                else:
                    self._update("call_entries", entry["id"], {"actor_id": survivor_id})
            for rel in self.conn.execute("SELECT * FROM relations WHERE source_id = ? OR target_id = ?",
                                         (other_id, other_id)).fetchall():
                source = survivor_id if rel["source_id"] == other_id else rel["source_id"]
                target = survivor_id if rel["target_id"] == other_id else rel["target_id"]
                clash = self.conn.execute(
                    "SELECT id FROM relations WHERE source_id = ? AND type = ? AND target_id = ?",
                    (source, rel["type"], target)).fetchone()
                if source == target or clash:
                    self._delete("relations", rel["id"])
                else:
                    self._update("relations", rel["id"], {"source_id": source, "target_id": target})
            self._update("actors", other_id, {"deleted_at": now_iso()})

    # ------------------------------------------------------------------ contacts
    @locked
    def contacts(self, actor_id: int | None = None, *, actor_ids: Sequence[int] | None = None,
                 usable_only: bool = False) -> list[dict[str, Any]]:
        where, params = [], []
        if actor_id is not None:
            where.append("actor_id = ?")
            params.append(actor_id)
        if usable_only:
            where.append(USABLE_CONTACT_SQL)
        sql = "SELECT * FROM contacts" + (" WHERE " + " AND ".join(where) if where else "")
        if actor_ids is not None:
            out = []
            for chunk in _chunks(list(actor_ids), 900):
                marks = ",".join("?" * len(chunk))
                clause = (" AND " if where else " WHERE ") + f"actor_id IN ({marks})"
                out.extend(contact_to_dict(r) for r in self.conn.execute(sql + clause, params + chunk))
            order = {a: i for i, a in enumerate(actor_ids)}
            out.sort(key=lambda c: (order.get(c["actor_id"], 0), fold(c["last_name"]), fold(c["first_name"])))
            return out
        sql += " ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE"
        return [contact_to_dict(r) for r in self.conn.execute(sql, params)]

    @locked
    def get_contact(self, contact_id: int) -> dict[str, Any] | None:
        if not _fits_sqlite(contact_id):
            return None
        row = self.conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
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

    @locked
    def add_contact(self, actor_id: int, data: Mapping[str, Any]) -> int:
        if self._row("actors", actor_id) is None:
            raise UserError(f"L'acteur {actor_id} n'existe pas.")
        values = self._clean_contact(data)
        if not (values.get("last_name") or values.get("first_name") or values.get("email")):
            raise UserError("Un contact doit avoir au moins un nom ou un e-mail.")
        stamp = now_iso()
        values.update(actor_id=actor_id, created_at=stamp, updated_at=stamp)
        name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip() or values.get("email", "")
        with self.transaction(f"Ajouter le contact « {name} »"):
            return self._insert("contacts", values)

    @locked
    def update_contact(self, contact_id: int, changes: Mapping[str, Any]) -> bool:
        before = self._row("contacts", contact_id)
        if before is None:
            raise UserError("Ce contact n'existe plus.")
        values = self._clean_contact(changes)
        if "actor_id" in changes:
            values["actor_id"] = int(changes["actor_id"])
        values = {k: v for k, v in values.items() if before.get(k) != v}
        if not values:
            return False
        values["updated_at"] = now_iso()
        with self.transaction(f"Modifier le contact « {before['first_name']} {before['last_name']} »".replace("  ", " ")):
            return self._update("contacts", contact_id, values)

    @locked
    def delete_contact(self, contact_id: int) -> None:
        before = self._row("contacts", contact_id)
        if before is None:
            return
        with self.transaction(f"Supprimer le contact « {before['first_name']} {before['last_name']} »"):
            self._delete("contacts", contact_id)

    # ------------------------------------------------------------------ relations
    @locked
    def relations(self, actor_ids: Sequence[int] | None = None, *, include_deleted: bool = False) -> list[dict]:
        """Relations between actors (both ends in ``actor_ids`` when given)."""
        sql = ("SELECT r.* FROM relations r JOIN actors s ON s.id = r.source_id "
               "JOIN actors t ON t.id = r.target_id")
        if not include_deleted:
            sql += " WHERE s.deleted_at IS NULL AND t.deleted_at IS NULL"
        rows = [dict(r) for r in self.conn.execute(sql + " ORDER BY r.id")]
        if actor_ids is not None:
            keep = set(actor_ids)
            rows = [r for r in rows if r["source_id"] in keep and r["target_id"] in keep]
        return rows

    @locked
    def relations_of(self, actor_id: int) -> list[dict[str, Any]]:
        """Relations of one actor seen from it: type, direction, the other actor, French label."""
        out = []
        for row in self.conn.execute(
                "SELECT r.id, r.type, r.note, r.source_id, r.target_id, o.id AS other_id, o.name AS other_name, "
                "o.deleted_at AS other_deleted, CASE WHEN r.source_id = ? THEN 'out' ELSE 'in' END AS direction "
                "FROM relations r JOIN actors o ON o.id = CASE WHEN r.source_id = ? THEN r.target_id ELSE r.source_id END "
                "WHERE r.source_id = ? OR r.target_id = ? ORDER BY r.type, o.name COLLATE NOCASE",
                (actor_id,) * 4):
            if row["other_deleted"]:
                continue
            labels = vocab.RELATION_TYPES[row["type"]]
            out.append({"id": row["id"], "type": row["type"], "direction": row["direction"],
                        "other_id": row["other_id"], "other_name": row["other_name"], "note": row["note"],
                        "label": labels[0] if row["direction"] == "out" else labels[1]})
        return out

    @locked
    def add_relation(self, source_id: int, rel_type: str, target_id: int, note: str = "") -> int:
        if rel_type not in vocab.RELATION_TYPES:
            raise UserError(f"Type de relation inconnu : « {rel_type} ».")
        if source_id == target_id:
            raise UserError("Un acteur ne peut pas être en relation avec lui-même.")
        source, target = self._row("actors", source_id), self._row("actors", target_id)
        if source is None or target is None:
            raise UserError("Les deux acteurs de la relation doivent exister.")
        exists = self.conn.execute("SELECT id FROM relations WHERE source_id = ? AND type = ? AND target_id = ?",
                                   (source_id, rel_type, target_id)).fetchone()
        if exists:
            raise UserError("Cette relation existe déjà.")
        label = vocab.RELATION_TYPES[rel_type][0]
        with self.transaction(f"Relation : « {source['name']} » {label} « {target['name']} »"):
            return self._insert("relations", {"source_id": source_id, "type": rel_type, "target_id": target_id,
                                              "note": note or "", "created_at": now_iso()})

    @locked
    def delete_relation(self, relation_id: int) -> None:
        if self._row("relations", relation_id) is None:
            return
        with self.transaction("Supprimer une relation"):
            self._delete("relations", relation_id)

    # ------------------------------------------------------------------ exchanges (Suivi)
    @locked
    def exchanges(self, actor_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM exchanges WHERE actor_id = ? ORDER BY date DESC, id DESC", (actor_id,))]

    @locked
    def add_exchange(self, actor_id: int, *, date: str, kind: str, text: str, author: str | None = None) -> int:
        if kind not in vocab.EXCHANGE_KINDS:
            raise UserError(f"Type d'échange inconnu : « {kind} ».")
        try:
            datetime.fromisoformat(date)
        except (TypeError, ValueError) as exc:
            raise UserError(f"Date d'échange invalide : « {date} » (attendu AAAA-MM-JJ).") from exc
        if self._row("actors", actor_id) is None:
            raise UserError(f"L'acteur {actor_id} n'existe pas.")
        with self.transaction(f"Ajouter un échange ({vocab.EXCHANGE_KINDS[kind]})"):
            return self._insert("exchanges", {"actor_id": actor_id, "date": date, "kind": kind,
                                              "author": author if author is not None else os_user(),
                                              "text": text or "", "created_at": now_iso()})

    @locked
    def delete_exchange(self, exchange_id: int) -> None:
        if self._row("exchanges", exchange_id) is None:
            return
        with self.transaction("Supprimer un échange"):
            self._delete("exchanges", exchange_id)

    # ------------------------------------------------------------------ vocabularies
    @locked
    def vocab_entries(self, name: str, *, include_hidden: bool = True) -> list[dict[str, Any]]:
        sql = "SELECT * FROM vocabulary WHERE vocab = ?" + ("" if include_hidden else " AND hidden = 0")
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY position, label", (name,))]

    @locked
    def vocabulary(self, name: str, *, include_hidden: bool = True) -> dict[str, str]:
        return {e["slug"]: e["label"] for e in self.vocab_entries(name, include_hidden=include_hidden)}

    @locked
    def kind_colors(self) -> dict[str, str]:
        return {e["slug"]: e["color"] or "#777777" for e in self.vocab_entries("kind")}

    @locked
    def kinds(self) -> dict[str, tuple[str, str]]:
        """{slug: (label, colour)} — what the map and dashboard take."""
        return {e["slug"]: (e["label"], e["color"] or "#777777") for e in self.vocab_entries("kind")}

    @locked
    def set_vocab_entry(self, name: str, slug: str, *, label: str | None = None, hidden: bool | None = None,
                        color: str | None = None) -> None:
        row = self.conn.execute("SELECT * FROM vocabulary WHERE vocab = ? AND slug = ?", (name, slug)).fetchone()
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
            self._update("vocabulary", row["id"], changes)

    @locked
    def add_vocab_entry(self, name: str, label: str, slug: str | None = None, color: str = "") -> str:
        if name not in vocab.VOCABULARIES:
            raise UserError(f"Vocabulaire inconnu : « {name} ».")
        label = stored_text(label)
        if not label:
            raise UserError("Le libellé ne peut pas être vide.")
        slug = stored_text(slug) or fold(label).replace(" ", "_")
        if self.conn.execute("SELECT 1 FROM vocabulary WHERE vocab = ? AND slug = ?", (name, slug)).fetchone():
            raise UserError(f"La valeur « {label} » existe déjà.")
        position = self.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM vocabulary WHERE vocab = ?",
                                     (name,)).fetchone()[0]
        with self.transaction(f"Ajouter « {label} » au vocabulaire"):
            self._insert("vocabulary", {"vocab": name, "slug": slug, "label": label, "color": color,
                                        "position": position})
        return slug

    @locked
    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag on every actor (merging it into ``new`` when that tag exists)."""
        old, new = storable(old), stored_text(new)
        if not new:
            raise UserError("Le nom de l'étiquette ne peut pas être vide.")
        count = 0
        with self.transaction(f"Renommer l'étiquette « {old} » en « {new} »"):
            for row in self.conn.execute(
                    "SELECT id, tags FROM actors WHERE EXISTS (SELECT 1 FROM json_each(actors.tags) WHERE value = ?)",
                    (old,)).fetchall():
                tags = json.loads(row["tags"])
                tags = list(dict.fromkeys(new if t == old else t for t in tags))
                self._update("actors", row["id"], {"tags": json.dumps(tags, ensure_ascii=False),
                                                   "updated_at": now_iso()})
                count += 1
        return count

    # ------------------------------------------------------------------ saved views
    @locked
    def saved_views(self) -> list[dict[str, Any]]:
        return [{"id": r["id"], "name": r["name"], "filter": Filter.from_json(r["filter"])}
                for r in self.conn.execute("SELECT * FROM saved_views ORDER BY name COLLATE NOCASE")]

    @locked
    def save_view(self, name: str, flt: Filter) -> int:
        name = stored_text(name)
        if not name:
            raise UserError("Donnez un nom à la vue.")
        existing = self.conn.execute("SELECT id FROM saved_views WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
        with self.transaction(f"Enregistrer la vue « {name} »"):
            if existing:
                self._update("saved_views", existing[0], {"filter": flt.to_json(), "updated_at": now_iso()})
                return existing[0]
            stamp = now_iso()
            return self._insert("saved_views", {"name": name, "filter": flt.to_json(),
                                                "created_at": stamp, "updated_at": stamp})

    @locked
    def rename_view(self, view_id: int, name: str) -> None:
        name = stored_text(name)
        if not name:
            raise UserError("Donnez un nom à la vue.")
        clash = self.conn.execute("SELECT id FROM saved_views WHERE name = ? COLLATE NOCASE AND id <> ?",
                                  (name, view_id)).fetchone()
        if clash:
            raise UserError(f"Une vue s'appelle déjà « {name} ».")
        with self.transaction(f"Renommer la vue en « {name} »"):
            self._update("saved_views", view_id, {"name": name, "updated_at": now_iso()})

    @locked
    def delete_view(self, view_id: int) -> None:
        with self.transaction("Supprimer une vue"):
            self._delete("saved_views", view_id)

    # ------------------------------------------------------------------ history / undo
    def _next_batch(self, *, backwards: bool) -> sqlite3.Row | None:
        """The batch :meth:`undo` (``backwards``) or :meth:`redo` would replay (id, label):
        this session's only."""
        return self.conn.execute(
            "SELECT id, label FROM history_batches WHERE session = ? "
            + ("AND undone = 0 ORDER BY id DESC LIMIT 1" if backwards
               else "AND undone = 1 ORDER BY id LIMIT 1"), (self.session,)).fetchone()

    @locked
    def undo_label(self) -> str | None:
        row = self._next_batch(backwards=True)
        return row["label"] if row else None

    @locked
    def redo_label(self) -> str | None:
        row = self._next_batch(backwards=False)
        return row["label"] if row else None

    @locked
    def replay_size(self, *, backwards: bool) -> int:
        """How many recorded changes :meth:`undo` (``backwards``) or :meth:`redo` would
        replay: the window runs a big replay in a worker."""
        row = self._next_batch(backwards=backwards)
        if row is None:
            return 0
        return self.conn.execute("SELECT count(*) FROM history_changes WHERE batch_id = ?",
                                 (row["id"],)).fetchone()[0]

    @locked
    def undo(self) -> str | None:
        """Undo the last action; returns its label, or None when there is nothing to undo."""
        row = self._next_batch(backwards=True)
        if row is None:
            return None
        self._replay(row["id"], backwards=True)
        return row["label"]

    @locked
    def redo(self) -> str | None:
        row = self._next_batch(backwards=False)
        if row is None:
            return None
        self._replay(row["id"], backwards=False)
        return row["label"]

    @locked
    def replay_notes(self) -> list[str]:
        """What the last :meth:`undo` or :meth:`redo` left alone, in French sentences:
        the values and rows another window or program changed since this session wrote
        them (their newer state is kept, see :meth:`_replay_change`)."""
        return list(self._replay_notes)

    def _replay(self, batch_id: int, *, backwards: bool) -> None:
        changes = self.conn.execute("SELECT * FROM history_changes WHERE batch_id = ? ORDER BY id"
                                    + (" DESC" if backwards else ""), (batch_id,)).fetchall()
        label = self.conn.execute("SELECT label FROM history_batches WHERE id = ?", (batch_id,)).fetchone()[0]
        self._replay_notes = []
        notes = _ReplayNotes()
        with self._without_history(), self.transaction(("Annuler " if backwards else "Rétablir ") + label) as batch:
            # Deferring foreign keys lets rows come back in any order within the batch.
            self.conn.execute("PRAGMA defer_foreign_keys = ON")
            elsewhere: set[int] = set()
            if backwards:
                elsewhere = self._imported_changed_elsewhere(batch_id, changes)
                self.conn.execute(_FILL_INSERT_IMAGES, (batch_id, json.dumps(sorted(elsewhere))))
                changes = self._undo_bulk_inserts(batch_id, changes, batch, elsewhere)
            else:
                changes = self._redo_bulk_inserts(batch_id, changes, batch)
            for change in changes:
                self._replay_change(change, backwards, elsewhere, notes)
            self.conn.execute("UPDATE history_batches SET undone = ? WHERE id = ?", (1 if backwards else 0, batch_id))
        self._replay_notes = notes.sentences()

    def _replay_change(self, change: sqlite3.Row, backwards: bool, elsewhere: set[int],
                       notes: "_ReplayNotes") -> None:
        """Bring one recorded row back to its image before (undo) or after (redo) the batch.

        Another window or program may have written the row since this session did: only
        what is still as this batch left it is replayed. A field changed since keeps its
        newer value; a row changed or used since (a contact added to an actor this batch
        created) is not deleted; a row deleted since is not brought back; a row whose id
        was taken since is not overwritten. Each is told in ``notes``.
        ``elsewhere``: the imported actors (inserts whose image is taken only when
        undone) that another session's batches changed since."""
        tbl, row_id = change["tbl"], change["row_id"]
        if tbl not in HISTORY_TABLES:
            return
        before = json.loads(change["before"]) if change["before"] else None
        after = json.loads(change["after"]) if change["after"] else None
        expected, target = (after, before) if backwards else (before, after)
        if target is None and not backwards and change["action"] == "insert":
            return  # an image never taken: the row was gone when undone
        current = self._row(tbl, row_id)
        if target is None:
            if current is None:
                return
            if expected is None:  # an imported actor: its image was taken just now
                changed = row_id in elsewhere
            else:
                changed = any(current.get(k) != v for k, v in expected.items())
            if changed or self._in_use(tbl, row_id):
                notes.kept(tbl, current)
                return
            self._delete(tbl, row_id)
            if tbl == "actors":
                self._batch.purged_ids.add(row_id)
                self.conn.execute("DELETE FROM actors_fts WHERE rowid = ?", (row_id,))
        elif current is None:
            if expected is not None:
                notes.gone(tbl, target)
            elif any(self._gone(parent, target.get(column), notes) for column, parent in _PARENTS.get(tbl, ())):
                notes.orphan(tbl, target)  # (its actor or call is gone, or is another one now)
            else:
                self._insert(tbl, target)
        elif expected is None:
            if any(current.get(k) != v for k, v in target.items()):
                notes.taken(tbl, target)
        else:
            # A stamp (one second apart at best) cannot tell whether someone wrote since:
            # it comes back only with a row nobody else touched.
            touched = any(current.get(k) != v for k, v in expected.items() if k not in _STAMPS)
            values, clashes = {}, []
            for key, value in target.items():
                if key == "id" or expected.get(key) == value or current.get(key) == value:
                    continue  # not written by this batch, or already as wanted
                if key in _STAMPS:
                    if not touched:
                        values[key] = value
                elif current.get(key) == expected.get(key):
                    values[key] = value
                elif key != "sort_name":  # (follows the name)
                    clashes.append(key)
            if any(column in values and self._gone(parent, values[column], notes)
                   for column, parent in _PARENTS.get(tbl, ())):
                notes.orphan(tbl, current)  # (moved back to an actor gone since: a merge undone)
                return
            if values:
                self._update(tbl, row_id, values)
            if clashes:
                notes.fields(tbl, current, clashes)

    def _gone(self, tbl: str, row_id: Any, notes: "_ReplayNotes") -> bool:
        """Whether a row another one would refer to is missing, or is not the one this
        replay means (it did not bring it back)."""
        return (tbl, row_id) in notes.not_back or self._row(tbl, row_id) is None

    def _in_use(self, tbl: str, row_id: int) -> bool:
        """Whether other rows still refer to this one (deleting it would take them along)."""
        return any(self.conn.execute(f"SELECT 1 FROM [{child}] WHERE [{column}] = ? LIMIT 1",
                                     (row_id,)).fetchone()
                   for child, column in _DEPENDENTS.get(tbl, ()))

    def _imported_changed_elsewhere(self, batch_id: int, changes: list) -> set[int]:
        """The actors this batch imported (no image recorded, see _HISTORY_OF_NEW_ACTORS)
        that batches of other sessions, written since and not undone, changed."""
        imported = {c["row_id"] for c in changes
                    if c["tbl"] == "actors" and c["action"] == "insert" and c["after"] is None}
        if not imported:
            return set()
        later = self.conn.execute(
            "SELECT DISTINCT c.row_id FROM history_batches b JOIN history_changes c ON c.batch_id = b.id "
            "WHERE b.id > ? AND b.session <> ? AND b.undone = 0 AND c.tbl = 'actors'",
            (batch_id, self.session))
        return {row_id for (row_id,) in later if row_id in imported}

    def _undo_bulk_inserts(self, batch_id: int, changes: list, batch: _Batch, elsewhere: set[int]) -> list:
        """Undo of a big import: the actors it only created are deleted by two statements
        (their facet rows follow by cascade), not one by one — but for those another
        session changed or used since, left to _replay_change. Returns the other changes."""
        created = [c["row_id"] for c in self._only_created(changes)]
        if len(created) < BULK_ROWS:
            return changes
        kept = elsewhere | self._used_elsewhere(batch_id, created)
        created = [row_id for row_id in created if row_id not in kept]
        written = json.dumps(created)
        self.conn.execute("DELETE FROM actors_fts WHERE rowid IN (SELECT value FROM json_each(?))", (written,))
        self.conn.execute("DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?))", (written,))
        batch.changes += len(created)
        batch.actor_ids.update(created)
        batch.purged_ids.update(created)
        return _other_changes(changes, created)

    def _used_elsewhere(self, batch_id: int, actor_ids: list[int]) -> set[int]:
        """Those of ``actor_ids`` that rows not inserted by this batch refer to."""
        written = json.dumps(actor_ids)
        used: set[int] = set()
        for child, column in _DEPENDENTS["actors"]:
            used.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT [{column}] FROM [{child}] WHERE [{column}] IN (SELECT value FROM json_each(?)) "
                "AND id NOT IN (SELECT row_id FROM history_changes WHERE batch_id = ? AND tbl = ? "
                "AND action = 'insert')", (written, batch_id, child)))
        return used

    def _redo_bulk_inserts(self, batch_id: int, changes: list, batch: _Batch) -> list:
        """Redo of a big import: the actors it only created are written back from their
        images by one statement, and their facet rows and full-text rows by chunks, not
        one by one. Returns the other changes."""
        created = [c["row_id"] for c in self._only_created(changes) if c["after"]]
        if len(created) < BULK_ROWS:
            return changes
        # An id another session took since is left to _replay_change (which keeps that row).
        taken = {r[0] for r in self.conn.execute(
            "SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(created),))}
        created = [row_id for row_id in created if row_id not in taken]
        columns = ", ".join(_ROW_COLUMNS)
        values = ", ".join(f"json_extract(after, '$.{column}')" for column in _ROW_COLUMNS)
        conn = self.conn
        for chunk in _chunks(created, BULK_CHUNK):
            written = json.dumps(chunk)
            conn.execute(f"INSERT INTO actors ({columns}) SELECT {values} FROM history_changes "
                         "WHERE batch_id = ? AND tbl = 'actors' AND action = 'insert' "
                         "AND row_id IN (SELECT value FROM json_each(?)) ORDER BY row_id",
                         (batch_id, written))
            where = "id IN (SELECT value FROM json_each(?))"
            conn.execute(_FACET_ROWS_OF_ACTORS.format(where=where), (written,) * 3)
            rows = conn.execute(f"SELECT id, {', '.join(BODY_FIELDS)} FROM actors WHERE {where} "
                                "ORDER BY id", (written,)).fetchall()
            conn.execute(*_fts_rows([row["id"] for row in rows], [actor_body(row) for row in rows]))
        batch.changes += len(created)
        batch.bulk_ids.update(created)
        return _other_changes(changes, created)

    @staticmethod
    def _only_created(changes: list) -> list:
        """The insert changes of the actors a batch created and did nothing else to, in order."""
        seen: dict[int, int] = {}
        for change in changes:
            if change["tbl"] == "actors":
                seen[change["row_id"]] = seen.get(change["row_id"], 0) + 1
        return [c for c in changes if c["tbl"] == "actors" and c["action"] == "insert"
                and not c["before"] and seen[c["row_id"]] == 1]

    @locked
    def history(self, *, actor_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """History entries, newest first: when, who, what, and the fields that changed."""
        if actor_id is None:
            rows = self.conn.execute("SELECT * FROM history_batches ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            return [dict(r) for r in rows]
        out = []
        for row in self.conn.execute(
                "SELECT b.id AS batch_id, b.at, b.user, b.label, b.undone, c.action, c.before, c.after, c.tbl "
                "FROM history_changes c JOIN history_batches b ON b.id = c.batch_id "
                "WHERE c.id IN (SELECT id FROM history_changes WHERE actor_id = ? "
                "UNION SELECT id FROM history_changes WHERE other_actor_id = ?) "
                "ORDER BY c.id DESC LIMIT ?", (actor_id, actor_id, limit)):
            before = json.loads(row["before"]) if row["before"] else {}
            after = json.loads(row["after"]) if row["after"] else {}
            fields = sorted(k for k in set(before) | set(after)
                            if before.get(k) != after.get(k) and k not in ("updated_at", "created_at", "id"))
            out.append({"batch_id": row["batch_id"], "at": row["at"], "user": row["user"], "label": row["label"],
                        "undone": bool(row["undone"]), "table": row["tbl"], "action": row["action"],
                        "fields": fields, "before": before, "after": after})
        return out


# How a replay's notes name a row: (noun phrase, feminine, the column naming it).
_ROW_NAMES = {
    "actors": ("L'acteur", False, "name"), "contacts": ("Le contact", False, None),
    "relations": ("Une relation", True, None), "exchanges": ("Un échange", False, None),
    "vocabulary": ("La valeur de vocabulaire", True, "label"), "saved_views": ("La vue", True, "name"),
    "calls": ("L'appel à projets", False, "name"), "call_entries": ("Une présélection d'appel", True, None),
    "kind_rules": ("La règle de type proposé", True, "pattern"),
}
_ELSEWHERE = "dans une autre fenêtre ou un autre programme"
# The French names of the recorded tables' fields, for those notes.
_FIELD_NAMES = {
    **fields.ACTOR_LABELS, **fields.CONTACT_LABELS,
    "deleted_at": "Corbeille", "actor_id": "Acteur", "note": "Note", "text": "Texte",
    "date": "Date", "label": "Libellé", "hidden": "Masquée", "color": "Couleur", "filter": "Critères",
    "funder": "Financeur", "opens": "Ouverture", "closes": "Clôture", "url": "Adresse web",
    "state": "État", "eligibility": "Éligibilité", "changed_at": "Date du statut",
}


class _ReplayNotes:
    """What an undo or redo left as another session had written it, one French
    sentence per row (see Catalogue._replay_change)."""

    def __init__(self) -> None:
        self._sentences: dict[tuple[str, int], str] = {}
        self._fields: dict[tuple[str, int], tuple[Mapping, list[str]]] = {}
        self.not_back: set[tuple[str, int]] = set()   # rows the replay did not bring back

    @staticmethod
    def _what(tbl: str, row: Mapping) -> tuple[str, str]:
        noun, feminine, column = _ROW_NAMES.get(tbl, ("L'élément", False, None))
        if tbl == "contacts":
            name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip() or row.get("email")
        else:
            name = row.get(column) if column else None
        what = f"{noun} « {name} »" if name else f"{noun} n° {row.get('id')}"
        return what, "e" if feminine else ""

    def kept(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        pronoun = "elle" if e else "il"
        self._sentences[tbl, row["id"]] = (f"{what} a été modifié{e} ou complété{e} depuis {_ELSEWHERE} : "
                                           f"{pronoun} est conservé{e}.")

    def gone(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        pronoun = "elle" if e else "il"
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} a été supprimé{e} depuis {_ELSEWHERE} : "
                                           f"{pronoun} n'est pas rétabli{e}.")

    def taken(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} n'est pas rétabli{e} : son numéro ({row['id']}) est pris "
                                           f"par un élément créé depuis {_ELSEWHERE}.")

    def orphan(self, tbl: str, row: Mapping) -> None:
        what, e = self._what(tbl, row)
        self.not_back.add((tbl, row["id"]))
        self._sentences[tbl, row["id"]] = (f"{what} n'est pas rétabli{e} : l'élément auquel "
                                           f"{'elle' if e else 'il'} se rattache a été supprimé ou remplacé "
                                           f"depuis {_ELSEWHERE}.")

    def fields(self, tbl: str, row: Mapping, keys: list[str]) -> None:
        _, known = self._fields.get((tbl, row["id"]), (row, []))
        self._fields[tbl, row["id"]] = (row, known + [k for k in keys if k not in known])

    def sentences(self) -> list[str]:
        out = dict(self._sentences)
        for (tbl, row_id), (row, keys) in self._fields.items():
            if (tbl, row_id) in out:
                continue
            what, _ = self._what(tbl, row)
            names = ", ".join(f"« {_FIELD_NAMES.get(k, k)} »" for k in keys)
            out[tbl, row_id] = (f"{what} : {'les champs' if len(keys) > 1 else 'le champ'} {names} "
                                f"{'ont été modifiés' if len(keys) > 1 else 'a été modifié'} depuis {_ELSEWHERE} ; "
                                f"{'leurs valeurs actuelles sont conservées' if len(keys) > 1 else 'sa valeur actuelle est conservée'}.")
        return list(out.values())


def _other_changes(changes: list, actor_ids: list[int]) -> list:
    """The changes that are not about these actors (replayed one by one after them)."""
    done = set(actor_ids)
    return [c for c in changes if not (c["tbl"] == "actors" and c["row_id"] in done)]


def _consecutive(ids: list[int]) -> bool:
    """Whether ``ids`` are first, first + 1, first + 2…"""
    return ids == list(range(ids[0], ids[0] + len(ids)))


class _TextMatch(NamedTuple):
    """A full-text query's result, for one state of the file (key) and one index."""

    key: tuple
    index: ActorIndex
    bits: int                   # the matching actors' positions in index
    ranked: list[int] | None    # their ids by relevance, when few enough to rank


def _run_text_query(conn: sqlite3.Connection, query: str) -> tuple[Sequence[int], list[int] | None]:
    """The ids matching an FTS5 expression, and the same ids by relevance unless there
    are more than RANK_LIMIT (ranking thousands of matches of a one-letter prefix would
    cost more than it tells)."""
    # one string of ids parsed by numpy: no Python object per match
    ids = int_array(conn.execute(
        "SELECT group_concat(rowid) FROM actors_fts WHERE actors_fts MATCH ?", (query,)).fetchone()[0])
    if len(ids) > RANK_LIMIT:
        return ids, None
    ranked = [r[0] for r in conn.execute(
        "SELECT rowid FROM actors_fts WHERE actors_fts MATCH ? ORDER BY rank", (query,))]
    return ranked, ranked


def _fts_rows(ids: list[int], bodies: list[str]) -> tuple[str, tuple]:
    """The statement writing the full-text rows of these actors, one body each."""
    if _consecutive(ids):
        return _FTS_ROWS_FROM, (ids[0], json.dumps(bodies, ensure_ascii=False))
    return _FTS_ROWS_OF_PAIRS, (json.dumps(list(zip(ids, bodies)), ensure_ascii=False),)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
