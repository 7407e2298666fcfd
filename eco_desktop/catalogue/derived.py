"""What the catalogue derives from its rows, kept in step with every write: each
actor's full-text row (``actors_fts``), its multi-valued facet rows (``actor_values``)
and the in-memory :class:`~eco_desktop.catalogue.index.ActorIndex`.

The façade's ``transaction()`` calls :meth:`Derived.before_write` when it begins,
:meth:`Derived.refresh` before COMMIT (the rows, in the same transaction) and
:meth:`Derived.apply` after it (the index, patched row by row, or dropped to be
rebuilt on next use when the write was big, rolled back, or made elsewhere).
Bulk writes make the same rows by SQL statements (FACET_ROWS_OF_ACTORS, fts_rows).
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping

from .. import clock
from .backend import Backend, chunks
from .columns import USABLE_CONTACT_SQL
from .followups import bucket_sql
from .index import INDEX_COLUMNS, ActorIndex
from .search import FACETS_SQL, actor_body, fts_insert

# Above this many changed actors in one write, the in-memory index is rebuilt rather than
# patched, and their derived rows are remade set-based (Derived.refresh).
BULK_REBUILD_THRESHOLD = 2000
# Actors whose derived rows are remade by one set of statements (bounds the JSON arrays).
REFRESH_CHUNK = 5000
# FTS5's in-memory term table (bytes): its default, and while many rows are written.
FTS_HASHSIZE = 1024 * 1024
BULK_FTS_HASHSIZE = 16 * 1024 * 1024

# Full-text rows of many actors in one statement: a JSON array of bodies whose rowids
# follow one another from the first (?, ?), else a JSON array of [rowid, body] pairs.
_FTS_ROWS_FROM = fts_insert("SELECT ? + key AS id, value AS body FROM json_each(?)")
_FTS_ROWS_OF_PAIRS = fts_insert("SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS body "
                                "FROM json_each(?)")
_FTS_ROW = fts_insert("SELECT ? AS id, ? AS body")
# actor_values rows of the actors whose ids are in a JSON array (?, three times): the
# same rows facet_value_rows() gives, made by SQLite rather than by Python.
FACET_ROWS_OF_ACTORS = "INSERT OR IGNORE INTO actor_values (facet, value, actor_id) " + " UNION ALL ".join(
    f"SELECT '{facet}', j.value, a.id FROM actors a, json_each(a.{column}) j WHERE a.{{where}}"
    for facet, column in (("domain", "domains"), ("activity", "activities"), ("tag", "tags")))


# The actors having a vocabulary value (its slug the parameter), by vocabulary.
ACTORS_WITH_VALUE = {
    "kind": "SELECT id FROM actors WHERE kind = ?",
    "domain": "SELECT actor_id FROM actor_values WHERE facet = 'domain' AND value = ?",
    "activity": "SELECT actor_id FROM actor_values WHERE facet = 'activity' AND value = ?",
}
# A renamed label changes only the facets (and their stems) of the full-text rows of the
# actors having the value: one statement remakes them all, by vocabulary.
_FACETS_OF_VALUE = {
    name: (f"WITH r AS MATERIALIZED (SELECT a.id AS id, {FACETS_SQL} AS facets FROM actors a "
           f"WHERE a.id IN ({actors})) "
           "UPDATE actors_fts SET facets = r.facets, stems = eco_stems(actors_fts.body || ' ' || r.facets) "
           "FROM r WHERE actors_fts.rowid = r.id")
    for name, actors in ACTORS_WITH_VALUE.items()}


def consecutive(ids: list[int]) -> bool:
    """Whether ``ids`` are first, first + 1, first + 2…"""
    return ids == list(range(ids[0], ids[0] + len(ids)))


def fts_rows(ids: list[int], bodies: list[str]) -> tuple[str, tuple]:
    """The statement writing the full-text rows of these actors, one body each."""
    if consecutive(ids):
        return _FTS_ROWS_FROM, (ids[0], json.dumps(bodies, ensure_ascii=False))
    return _FTS_ROWS_OF_PAIRS, (json.dumps(list(zip(ids, bodies)), ensure_ascii=False),)


def facet_value_rows(row: Mapping) -> list[tuple[str, str, int]]:
    """(facet, value, actor id) rows of actor_values for one actors row."""
    out = []
    for facet, column in (("domain", "domains"), ("activity", "activities"), ("tag", "tags")):
        value = row[column]
        for item in (value if isinstance(value, list) else json.loads(value or "[]")):
            out.append((facet, item, row["id"]))
    return out


class Derived:
    """The derived rows and the in-memory index of one catalogue (see the module)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._index: ActorIndex | None = None

    def index(self) -> ActorIndex:
        """The index of the file as it is now (reloaded when another program wrote)."""
        if self._index is None or self.backend.changed_elsewhere():
            self._index = ActorIndex.load(self.backend.conn, USABLE_CONTACT_SQL)
        # follow-ups are not the actors' rows, and fall due with the day
        day = clock.today()
        self._index.bits.expire("followup", (*self.backend.state(), day), bucket_sql(day))
        return self._index

    def loaded(self) -> ActorIndex | None:
        """The index if it is in memory (None: built on next use)."""
        return self._index

    def invalidate(self) -> None:
        """Drop the index: rebuilt on next use."""
        self._index = None

    def before_write(self) -> None:
        if self.backend.read_data_version() != self.backend.data_version:
            self._index = None  # another program wrote since we last looked: its changes too
        if self._index is not None:
            self._index.load_names()  # as they are before this write (see load_names)

    def refresh(self, actor_ids: Iterable[int]) -> None:
        """Recompute what is derived from these actors' rows: their full-text row and
        their multi-valued facet rows (actor_values)."""
        execute = self.backend.execute
        actor_ids = list(actor_ids)  # (counted below: a big refresh merges the full-text index)
        if len(actor_ids) > BULK_REBUILD_THRESHOLD:
            self._refresh_many(sorted(actor_ids))
        else:
            self._refresh_each(actor_ids)
        if len(actor_ids) > BULK_REBUILD_THRESHOLD and 2 * len(actor_ids) > execute(
                "SELECT count(*) FROM actors").fetchone()[0]:
            # Most rows rewritten (custom fields filled for every actor, a bulk edit of
            # all): the full-text index is left as many segments full of deleted entries,
            # which every search then reads through; merged into one again.
            execute("INSERT INTO actors_fts (actors_fts) VALUES ('optimize')")

    def _refresh_each(self, actor_ids: list[int]) -> None:
        execute = self.backend.execute
        for actor_id in actor_ids:
            row = execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
            execute("DELETE FROM actors_fts WHERE rowid = ?", (actor_id,))
            execute("DELETE FROM actor_values WHERE actor_id = ?", (actor_id,))
            if row is None:
                continue
            names = [f"{c['first_name']} {c['last_name']}" for c in execute(
                "SELECT first_name, last_name FROM contacts WHERE actor_id = ?", (actor_id,))]
            execute(_FTS_ROW, (actor_id, actor_body(row, names)))
            self.backend.conn.executemany(
                "INSERT OR IGNORE INTO actor_values (facet, value, actor_id) VALUES (?, ?, ?)",
                facet_value_rows(row))

    def _refresh_many(self, actor_ids: list[int]) -> None:
        """:meth:`refresh` of many actors (a big pull, an edit of thousands): each chunk's
        rows deleted, then written again by one statement each, in rowid order and with a
        bigger term table — row by row, FTS5 interleaves deletes and inserts into many
        small segments and grows worse than linearly."""
        execute = self.backend.execute
        execute("INSERT INTO actors_fts (actors_fts, rank) VALUES ('hashsize', ?)", (BULK_FTS_HASHSIZE,))
        try:
            for chunk in chunks(actor_ids, REFRESH_CHUNK):
                ids = json.dumps(chunk)
                execute("DELETE FROM actors_fts WHERE rowid IN (SELECT value FROM json_each(?))", (ids,))
                execute("DELETE FROM actor_values WHERE actor_id IN (SELECT value FROM json_each(?))", (ids,))
                names: dict[int, list[str]] = {}
                for actor_id, first, last in execute(
                        "SELECT actor_id, first_name, last_name FROM contacts "
                        "WHERE actor_id IN (SELECT value FROM json_each(?)) ORDER BY id", (ids,)):
                    names.setdefault(actor_id, []).append(f"{first} {last}")
                rows = execute("SELECT * FROM actors WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                               (ids,)).fetchall()
                if rows:
                    execute(*fts_rows([r["id"] for r in rows], [actor_body(r, names.get(r["id"], ())) for r in rows]))
                execute(FACET_ROWS_OF_ACTORS.format(where="id IN (SELECT value FROM json_each(?))"), (ids,) * 3)
        finally:
            execute("INSERT INTO actors_fts (actors_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,))

    def refresh_labels(self, values: Iterable[tuple[str, str]]) -> None:
        """Remake the full-text facets of the actors having these (vocabulary, slug) values,
        whose labels changed: one statement per value, whatever the number of actors."""
        for vocabulary, slug in values:
            if vocabulary in _FACETS_OF_VALUE:
                self.backend.execute(_FACETS_OF_VALUE[vocabulary], (slug,))

    def apply(self, batch) -> None:
        """Patch the index with a committed batch's actors (see the module)."""
        if batch.bulk_ids:
            self._index = None  # rebuilt on next use
        if self._index is None or not batch.actor_ids:
            return
        if len(batch.actor_ids) > BULK_REBUILD_THRESHOLD:
            self._index = None  # cheaper to rebuild on next use than to patch row by row
            return
        index = self._index
        execute = self.backend.execute
        for chunk in chunks(list(batch.actor_ids), 500):
            marks = ",".join("?" * len(chunk))
            found = set()
            for row in execute(f"SELECT {INDEX_COLUMNS} FROM actors WHERE id IN ({marks})", chunk):
                index.upsert(row)
                found.add(row["id"])
            usable = {r[0] for r in execute(
                f"SELECT DISTINCT actor_id FROM contacts WHERE actor_id IN ({marks}) AND {USABLE_CONTACT_SQL}",
                chunk)}
            for actor_id in chunk:
                if actor_id in found:
                    index.set_has_contact(actor_id, actor_id in usable)
                else:
                    index.remove(actor_id)

    def clear_all(self, batch) -> None:
        """Delete every derived row and mark every actor for :meth:`refresh` (a repair)."""
        execute = self.backend.execute
        execute("DELETE FROM actors_fts")
        execute("DELETE FROM actor_values")
        batch.actor_ids.update(r[0] for r in execute("SELECT id FROM actors"))
