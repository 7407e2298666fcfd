"""A :class:`~eco_desktop.filter.Filter` evaluated against a catalogue: the matching
ids, their number, the total and the facet counts.

Facets, the trash and the contacts are bitsets of the in-memory index; the text is one
FTS5 query whose result (:class:`TextMatch`) is kept for the state of the file it was
run on, so that the ids and then the facet counts of the same filter, asked for by the
window after each keystroke, run it once — or not at all when a worker ran it ahead
(:meth:`Query.prefetch_text`). A call criterion is the call's shortlist, given by the
façade (``call_ids``).
"""
from __future__ import annotations

import sqlite3
from typing import Callable, NamedTuple, Sequence

from .. import db
from ..filter import Filter
from .backend import Backend
from .custom_query import CustomQuery
from .derived import Derived
from .index import ActorIndex, int_array
from ..text import fold
from .search import match_expression, names_expression
from .synonym_table import SynonymTable

# Text searches matching more actors than this are listed by name rather than by relevance.
RANK_LIMIT = 5000


class TextMatch(NamedTuple):
    """A full-text query's result, for one state of the file (key) and one index."""

    key: tuple
    index: ActorIndex
    bits: int                   # the matching actors' positions in index
    ranked: list[int] | None    # their ids by relevance, when few enough to rank


class Masks(NamedTuple):
    """What a filter's evaluation needs beyond the index's own bitsets."""

    index: ActorIndex
    text_bits: int | None
    call_bits: int | None
    ranked: list[int] | None


def run_text_query(conn: sqlite3.Connection, query: str, exact: str = "",
                   in_names: str | None = None) -> tuple[Sequence[int], list[int] | None]:
    """The ids matching an FTS5 expression, and the same ids by relevance unless there
    are more than RANK_LIMIT (ranking thousands of matches of a one-letter prefix would
    cost more than it tells). Relevance: the actor whose folded name is ``exact`` first,
    then those whose name or aliases hold the words typed (``in_names``, an expression of
    the names column: search.names_expression), then BM25 (the table's rank weighs the
    name and aliases above the rest), then the name."""
    # one string of ids parsed by numpy: no Python object per match
    ids = int_array(conn.execute(
        "SELECT group_concat(rowid) FROM actors_fts WHERE actors_fts MATCH ?", (query,)).fetchone()[0])
    if len(ids) > RANK_LIMIT:
        return ids, None
    named = ("f.rowid IN (SELECT rowid FROM actors_fts WHERE actors_fts MATCH ?) DESC, "
             if in_names else "")
    ranked = [r[0] for r in conn.execute(
        "SELECT f.rowid FROM actors_fts f JOIN actors a ON a.id = f.rowid WHERE actors_fts MATCH ? "
        f"ORDER BY a.sort_name = ? DESC, {named}f.rank, a.sort_name, a.id",
        (query, exact, *((in_names,) if in_names else ())))]
    return ranked, ranked


class Query:
    """Filters evaluated on one catalogue (see the module). Callers hold the backend's lock,
    but for :meth:`prefetch_text`."""

    def __init__(self, backend: Backend, derived: Derived, call_ids: Callable[[str], list[int]],
                 custom: CustomQuery) -> None:
        self.backend = backend
        self.derived = derived
        self.call_ids = call_ids
        self.custom = custom
        self.synonyms = SynonymTable(backend)
        self._memo: TextMatch | None = None

    def _key(self, query: str) -> tuple:
        return (query, *self.backend.state())

    def label(self, name: str, slug: str) -> str | None:
        """The current label of a vocabulary value in this file (None: no such value)."""
        row = self.backend.execute("SELECT label FROM vocabulary WHERE vocab = ? AND slug = ?",
                                   (name, slug)).fetchone()
        return row[0] if row is not None else None

    def expression(self, text: str) -> str | None:
        """The text's FTS5 expression (:func:`~.search.match_expression`), widened by this
        file's synonyms table, those naming vocabulary values through their labels here."""
        return match_expression(text, self.label, self.synonyms.current())

    def text_match(self, text: str, index: ActorIndex) -> TextMatch | None:
        """The actors matching the text (None when it searches nothing), run once per
        state of the file."""
        query = self.expression(text)
        if query is None:
            return None
        key = self._key(query)
        memo = self._memo
        if memo is not None and memo.key == key and memo.index is index:
            return memo
        try:
            ids, ranked = run_text_query(self.backend.conn, query, fold(text), names_expression(text))
        except sqlite3.OperationalError:
            ids, ranked = [], []
        self._memo = TextMatch(key, index, index.bits_for_ids(ids), ranked)
        return self._memo

    def text_ready(self, text: str) -> bool:
        """True when filtering by this text runs no full-text query (none to run, or its
        result is kept for the file as it is now)."""
        query = self.expression(text)
        if query is None:
            return True
        index = self.derived.index()  # notices other programs' commits
        memo = self._memo
        return memo is not None and memo.key == self._key(query) and memo.index is index

    def prefetch_text(self, text: str, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Run the full-text query of ``text`` ahead, for a worker thread: on a connection
        of its own and without holding the catalogue's lock, so the window's thread keeps
        using the catalogue meanwhile; the next evaluation of that text takes its result.
        Returns False, keeping nothing, when ``cancelled()`` became true first (checked
        while SQLite works). A result the file outdated meanwhile (a write here or
        elsewhere) is not kept: the evaluation runs the query again."""
        if cancelled():
            return False
        lock = self.backend.lock
        with lock:  # the expression reads the vocabulary's labels
            query = self.expression(text)
            if query is None or self.text_ready(text):
                return True
            key = self._key(query)
        reader = None
        try:
            reader = db.connect(self.backend.path, read_only=True)
            # SQLite calls this every 1,000 instructions: a superseded search stops there.
            reader.set_progress_handler(lambda: int(cancelled()), 1000)
            ids, ranked = run_text_query(reader, query, fold(text), names_expression(text))
        except sqlite3.Error:
            if cancelled():
                return False
            # No second connection (a WAL file on a read-only medium…): this one will do.
            with lock:
                self.text_match(text, self.derived.index())
            return True
        finally:
            if reader is not None:
                reader.close()
        if cancelled():
            return False
        with lock:
            index = self.derived.index()
            if self._key(query) == key:
                self._memo = TextMatch(key, index, index.bits_for_ids(ids), ranked)
        return True

    def masks(self, flt: Filter) -> Masks:
        index = self.derived.index()
        match = self.text_match(flt.text, index) if flt.text else None
        if flt.custom:  # custom fields' criteria, for index.mask
            index.custom_bits[flt.custom] = self.custom.bits(flt, index)
        return Masks(index, match.bits if match is not None else None,
                     index.bits_for_ids(self.call_ids(flt.call)) if flt.call else None,
                     match.ranked if match is not None else None)

    def actor_ids(self, flt: Filter) -> list[int]:
        """Ids of the matching actors: by relevance when searching text, else by name."""
        m = self.masks(flt)
        return m.index.ordered_ids(m.index.mask(flt, text_bits=m.text_bits, call_bits=m.call_bits), m.ranked)

    def count(self, flt: Filter) -> int:
        m = self.masks(flt)
        return m.index.mask(flt, text_bits=m.text_bits, call_bits=m.call_bits).bit_count()

    def _area_mask(self, flt: Filter) -> tuple[ActorIndex, int]:
        """The index and the filter's mask, for the area's and the territories' counts."""
        m = self.masks(flt)
        return m.index, m.index.mask(flt, text_bits=m.text_bits, call_bits=m.call_bits)

    def area_left_out(self, flt: Filter) -> int:
        """How many actors the filter would hold but for its area, having no position
        (0 without an area): the list says they are not counted."""
        if flt.area is None:
            return 0
        index, mask = self._area_mask(flt.without_area())
        return (mask & ~index.located_bits()).bit_count()

    def territory_counts(self, flt: Filter, level: str) -> dict[str, int]:
        """{code: number of matching actors} by commune (INSEE code), or by the facet
        ``departement``, ``ept`` or ``epci`` (an area's territories: geo/territories.py)."""
        index, mask = self._area_mask(flt)
        if level == "commune":
            return index.commune_counts(mask)
        return {value: c for value, bits in index.bits[level].items() if (c := (mask & bits).bit_count())}

    def total(self) -> int:
        """Number of actors not in the trash."""
        return self.derived.index().base_mask(Filter()).bit_count()

    def counts(self, flt: Filter) -> dict[str, dict[str, int]]:
        """Per facet, per value, the number of actors matching every other facet's selection
        (the custom facets' too: custom.KEY)."""
        m = self.masks(flt)
        out = m.index.counts(flt, text_bits=m.text_bits, call_bits=m.call_bits)
        out.update(self.custom.counts(flt, m.index, lambda facet: m.index.mask(
            flt, text_bits=m.text_bits, call_bits=m.call_bits, skip_facet=facet)))
        return out
