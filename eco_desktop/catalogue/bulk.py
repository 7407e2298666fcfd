"""Many new actors in one write (imports, the bundled dataset, synthetic catalogues),
and the undo and redo of such a write, by SQL statements rather than row by row.

:class:`BulkMixin` gives the façade ``bulk_create_actors``; it relies on the façade's
``transaction()``, ``backend``, ``history_log`` (the history), ``vocabulary()`` and on
:func:`~eco_desktop.catalogue.actors.derive_geography`. The replay functions are
:meth:`History.replay`'s for batches of at least BULK_ROWS new actors.
"""
from __future__ import annotations

import json
import operator
import sqlite3
import threading
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..clock import now_iso
from ..errors import UserError
from ..text import fold, stored_text
from .actors import derive_geography
from .backend import Backend, chunks
from .columns import (ACTOR_COLUMN_DEFAULTS, BOOL, CLEANING, FLOAT, PLACE_KEYS, ROW_COLUMNS, ROW_DEFAULTS,
                      ROW_POSITION, SKIP, TEXT, clean_value)
from .derived import BULK_FTS_HASHSIZE, FACET_ROWS_OF_ACTORS, FTS_HASHSIZE, consecutive, fts_rows
from .search import BODY_FIELDS, actor_body, body_text

# Rows per executemany of a bulk insert, and the page cache meanwhile (KiB, negative).
BULK_CHUNK = 1000
BULK_CACHE_SIZE = -131072
# A write of this many new actors is handled in bulk: indexes built once at the end (when
# they outnumber the catalogue), WAL checkpointed in the background, undone by two
# statements, redone by one statement a chunk.
BULK_ROWS = 5000


class OperationCancelled(UserError):
    """The user cancelled a long operation; nothing was written."""


def _json_real(column: str) -> str:
    # SQLite writes 15 significant digits; a float that needs more keeps all 17.
    short, full = f"printf('%!.15g', {column})", f"printf('%!.17g', {column})"
    return (f"CASE WHEN {column} IS NULL THEN NULL WHEN CAST({short} AS REAL) = {column} "
            f"THEN json({short}) ELSE json({full}) END")


_ACTOR_JSON = ("json_object("
               + ", ".join(f"'{c}', {_json_real(c) if c in ('lat', 'lon') else c}" for c in ACTOR_COLUMN_DEFAULTS)
               + ")")
# History rows of the actors a bulk insert created. Their image ("after") is left empty:
# it is taken when the batch is undone (FILL_INSERT_IMAGES), when the rows are still
# exactly as the insert left them (this session's later batches are undone first; a row
# another session's batch changed since is kept by the undo, and gets no image). A
# 100k-row import thus writes no second copy of its rows.
HISTORY_OF_NEW_ACTORS = (
    "INSERT INTO history_changes (batch_id, tbl, row_id, action, before, after, actor_id) "
    "SELECT ?, 'actors', id, 'insert', NULL, NULL, id FROM actors WHERE {where} ORDER BY id")
# The missing images of a batch's inserted actors: the JSON of each whole row, as
# Backend.row() + json.dumps() would give it.
FILL_INSERT_IMAGES = (
    f"UPDATE history_changes SET after = (SELECT {_ACTOR_JSON} FROM actors "
    "WHERE actors.id = history_changes.row_id) "
    "WHERE batch_id = ? AND tbl = 'actors' AND action = 'insert' AND after IS NULL "
    "AND row_id NOT IN (SELECT value FROM json_each(?))")  # (rows the undo keeps)

_ABSENT = object()
_ABSENTS = (_ABSENT,) * len(PLACE_KEYS)
_PLACE_SET = frozenset(PLACE_KEYS)
_ROW_ID, _ROW_NAME, _ROW_KIND, _ROW_SORT_NAME, _ROW_CREATED_AT, _ROW_UPDATED_AT = map(
    ROW_POSITION.__getitem__, ("id", "name", "kind", "sort_name", "created_at", "updated_at"))

# Rows of a bulk insert share a few sets of keys: per set, in order, each key's
# (key, cleaning, column position, whether the geography reads it).
_ROW_LAYOUTS: dict[tuple[str, ...], tuple[tuple[str, str | None, int, bool], ...]] = {}


def _row_layout(keys: tuple[str, ...]) -> tuple[tuple[str, str | None, int, bool], ...]:
    layout = tuple((key, CLEANING.get(key), ROW_POSITION.get(key, -1), key in _PLACE_SET)
                   for key in keys)
    if len(_ROW_LAYOUTS) < 1000:
        _ROW_LAYOUTS[keys] = layout
    return layout


def new_actor_row(data: Mapping[str, Any], stamp: str, kinds: set[str],
                  places: dict[tuple, tuple[tuple[int, Any], ...]]) -> list[Any]:
    """Every column of a new actor (in ROW_COLUMNS order, id None unless given): the
    values ``create_actor`` would write over the column defaults, without the
    intermediate dicts (bulk inserts make 100k of them). ``kinds``: the known kinds;
    ``places``: the derived geography by place, kept by the caller across rows (files
    repeat their communes)."""
    row = list(ROW_DEFAULTS)
    place: dict[str, Any] = {}
    keys = tuple(data)
    layout = _ROW_LAYOUTS.get(keys) or _row_layout(keys)
    for (key, how, at, in_place), value in zip(layout, data.values()):
        if how is TEXT and type(value) is str:
            value = value.strip()
            if "\x00" in value or not value.isascii():  # (rare enough to test first)
                value = stored_text(value)
        elif how is FLOAT and type(value) is float:
            pass
        elif how is BOOL and type(value) is bool:
            value = 1 if value else 0
        elif how is SKIP:
            continue
        else:
            value = clean_value(how, key, value)
        row[at] = value
        if in_place:
            place[key] = value
    name = row[_ROW_NAME]
    if not name:
        raise UserError("Le nom de l'acteur est obligatoire.")
    row[_ROW_SORT_NAME] = fold(name)
    if row[_ROW_KIND] not in kinds:
        raise UserError(f"Type d'acteur inconnu : « {row[_ROW_KIND]} ».")
    key = tuple(map(place.get, PLACE_KEYS, _ABSENTS))
    derived = places.get(key)
    if derived is None:
        derive_geography(place, None)
        derived = tuple((ROW_POSITION[k], v) for k, v in place.items())
        if len(places) < 100_000:
            places[key] = derived
    for at, value in derived:
        row[at] = value
    row[_ROW_CREATED_AT] = data.get("created_at") or stamp
    row[_ROW_UPDATED_AT] = data.get("updated_at") or stamp
    if data.get("id") is not None:
        row[_ROW_ID] = int(data["id"])
    return row


class Background:
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


class BulkMixin:
    """``bulk_create_actors`` of the façade (see the module)."""

    def bulk_create_actors(self, rows: Iterable[Mapping[str, Any]], *, label: str,
                           progress: Callable[[int], None] | None = None,
                           cancelled: Callable[[], bool] | None = None) -> list[int]:
        """Create many actors in ONE transaction and ONE undo step (imports).

        Rows are cleaned like :meth:`create_actor` and their actors rows written in
        chunks; each chunk's full-text rows (from a JSON array of their texts), facet rows
        and history rows are written by SQL statements in a thread while the next chunk is
        cleaned. When more rows come than the catalogue holds, the actors' secondary
        indexes are dropped and built again at the end, in the same transaction (one sort
        instead of a random insertion per row and index).
        ``progress(n)`` is called every chunk; when ``cancelled()`` turns true the whole
        transaction is rolled back and :class:`OperationCancelled` raised.
        """
        backend = self.backend
        with backend.lock:
            stamp = now_iso()
            ids: list[int] = []
            insert_actor = (f"INSERT INTO actors ({', '.join(ROW_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(ROW_COLUMNS))})")
            conn = backend.conn
            cache = conn.execute("PRAGMA cache_size").fetchone()[0]
            # Indexes of a big table stay in memory while it grows (restored below).
            conn.execute(f"PRAGMA cache_size = {BULK_CACHE_SIZE}")
            try:
                with self.transaction(label) as batch:
                    kinds = set(self.vocabulary("kind"))
                    history = self.history_log.recording
                    if history:
                        self.history_log.batch_row(batch)
                    next_id = backend.next_id("actors")  # (in the id block once sync is set up)
                    # team sync's tracker, when the new rows are to be sent
                    tracker = backend.tracker if backend.tracker is not None and backend.tracker.active() else None
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
                        """Statements making the full-text rows, facet rows and history rows
                        of a chunk."""
                        if consecutive(chunk_ids):
                            where, args = "id BETWEEN ? AND ?", (chunk_ids[0], chunk_ids[-1])
                        else:
                            where, args = "id IN (SELECT value FROM json_each(?))", (json.dumps(chunk_ids),)
                        statements = [fts_rows(chunk_ids, bodies),
                                      (FACET_ROWS_OF_ACTORS.format(where=where), args * 3)]
                        if history:
                            statements.append((HISTORY_OF_NEW_ACTORS.format(where=where), (batch.id, *args)))
                        if tracker is not None:  # new rows for team sync to send
                            statements.append((tracker.rows_statement("actors", where), args))
                        return statements

                    # Each chunk: its actors written here, then its full-text rows, facet rows
                    # and history rows made by SQLite from them in a thread (without the GIL)
                    # while the next chunk is cleaned here. The connection is used by one
                    # thread at a time: a chunk due while the thread still writes is not
                    # waited for but grows until the thread is done, so this thread never
                    # idles and the thread's statements take bigger chunks when it lags.
                    pending: Background | None = None
                    chunk: list[list[Any]] = []
                    bodies: list[str] = []
                    chunk_ids: list[int] = []
                    places: dict[tuple, tuple[tuple[int, Any], ...]] = {}
                    body_fields = operator.itemgetter(*(ROW_POSITION[k] for k in BODY_FIELDS))
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
                        pending = Background(conn, derived(chunk_ids, bodies))
                        chunk, bodies, chunk_ids = [], [], []
                        return True

                    try:
                        due = BULK_CHUNK
                        for n, data in enumerate(rows, 1):
                            row = new_actor_row(data, stamp, kinds, places)
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
                    batch.tables.add("actors")
            finally:
                conn.execute(f"PRAGMA cache_size = {cache}")
            return ids


# ---------------------------------------------------------------------- undo and redo

def only_created(changes: list) -> list:
    """The insert changes of the actors a batch created and did nothing else to, in order."""
    seen: dict[int, int] = {}
    for change in changes:
        if change["tbl"] == "actors":
            seen[change["row_id"]] = seen.get(change["row_id"], 0) + 1
    return [c for c in changes if c["tbl"] == "actors" and c["action"] == "insert"
            and not c["before"] and seen[c["row_id"]] == 1]


def _other_changes(changes: list, actor_ids: list[int]) -> list:
    """The changes that are not about these actors (replayed one by one after them)."""
    done = set(actor_ids)
    return [c for c in changes if not (c["tbl"] == "actors" and c["row_id"] in done)]


def undo_inserts(backend: Backend, batch_id: int, changes: list, batch, kept: set[int]) -> list:
    """Undo of a big import: the actors it only created are deleted by two statements
    (their facet rows follow by cascade), not one by one — but for those in ``kept``
    (another session changed or used them since), left to the row-by-row replay.
    Returns the other changes."""
    created = [c["row_id"] for c in only_created(changes)]
    if len(created) < BULK_ROWS:
        return changes
    created = [row_id for row_id in created if row_id not in kept]
    written = json.dumps(created)
    if backend.tracker is not None and backend.tracker.active():  # team sync sends the deletions (images)
        backend.execute(backend.tracker.rows_statement("actors", "id IN (SELECT value FROM json_each(?))",
                                                       _ACTOR_JSON), (written,))
    backend.execute("DELETE FROM actors_fts WHERE rowid IN (SELECT value FROM json_each(?))", (written,))
    backend.execute("DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?))", (written,))
    batch.changes += len(created)
    batch.actor_ids.update(created)
    batch.purged_ids.update(created)
    batch.tables.add("actors")
    return _other_changes(changes, created)


def redo_inserts(backend: Backend, batch_id: int, changes: list, batch) -> list:
    """Redo of a big import: the actors it only created are written back from their
    images by one statement, and their facet rows and full-text rows by chunks, not
    one by one. Returns the other changes."""
    created = [c["row_id"] for c in only_created(changes) if c["after"]]
    if len(created) < BULK_ROWS:
        return changes
    # An id another session took since is left to the row-by-row replay (which keeps that row).
    taken = {r[0] for r in backend.execute(
        "SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(created),))}
    created = [row_id for row_id in created if row_id not in taken]
    columns = ", ".join(ROW_COLUMNS)
    values = ", ".join(f"json_extract(after, '$.{column}')" for column in ROW_COLUMNS)
    for chunk in chunks(created, BULK_CHUNK):
        written = json.dumps(chunk)
        backend.execute(f"INSERT INTO actors ({columns}) SELECT {values} FROM history_changes "
                        "WHERE batch_id = ? AND tbl = 'actors' AND action = 'insert' "
                        "AND row_id IN (SELECT value FROM json_each(?)) ORDER BY row_id",
                        (batch_id, written))
        where = "id IN (SELECT value FROM json_each(?))"
        backend.execute(FACET_ROWS_OF_ACTORS.format(where=where), (written,) * 3)
        if backend.tracker is not None and backend.tracker.active():  # team sync sends them again
            backend.execute(backend.tracker.rows_statement("actors", where), (written,))
        rows = backend.execute(f"SELECT id, {', '.join(BODY_FIELDS)} FROM actors WHERE {where} "
                               "ORDER BY id", (written,)).fetchall()
        backend.execute(*fts_rows([row["id"] for row in rows], [actor_body(row) for row in rows]))
    batch.changes += len(created)
    batch.bulk_ids.update(created)
    batch.tables.add("actors")
    return _other_changes(changes, created)
