"""In-memory index of the actors: a Filter's facets, trash and contacts as bitsets.

Like calibre's in-memory view, it keeps what filtering needs in normal form — one
bitset (a Python int) per facet value — so that filtering and facet counts at
100k actors cost microseconds: a facet's count is ``(mask & bits).bit_count()``.
SQLite stays the store of record; full-text search is SQLite FTS5, whose matches
enter here as one more bitset (:mod:`.query`). :mod:`.derived` updates the index row
by row after each write and rebuilds it when another program changed the file.

Loading reads only what the list needs (the ids in name order and the trash); each
facet's bitsets and the contact bits are read on first use, so that the first page
of a big catalogue does not wait for the facet queries.
"""
from __future__ import annotations

import bisect
import json
from typing import Callable, Iterable, Iterator, Mapping

import numpy as np

from ..filter import FACETS, Filter
from ..text import fold
from .positions import Positions  # an area's evaluation, counts by commune

# Facets whose actor column holds a JSON array (several values per actor).
MULTI = {"domain": "domains", "activity": "activities", "tag": "tags"}
SINGLE = {"kind": "kind", "departement": "departement", "ept": "ept", "epci": "epci"}

# lat, lon, insee_code: what an area and the counts by commune read of a written actor
INDEX_COLUMNS = ("id, name, sort_name, kind, domains, activities, tags, departement, mgp, ept, epci, deleted_at, "
                 "lat, lon, insee_code")


def int_array(id_list: str | None) -> np.ndarray:
    """'3,1,2' (an SQLite group_concat) as an int64 array, parsed in C."""
    if not id_list:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(id_list, dtype=np.int64, sep=",")


def _plain_rows(conn, sql: str) -> list[tuple]:
    """Rows as plain tuples (not the connection's row objects: 100k of them are read)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


def bits_from_positions(positions: Iterable[int] | np.ndarray, size: int) -> int:
    arr = np.zeros(max(size, 1), dtype=bool)
    idx = np.fromiter(positions, dtype=np.int64) if not isinstance(positions, np.ndarray) else positions
    if idx.size:
        arr[idx] = True
    return int.from_bytes(np.packbits(arr, bitorder="little").tobytes(), "little")


def mask_array(bits: int, size: int) -> np.ndarray:
    raw = bits.to_bytes((size + 7) // 8 or 1, "little")
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")[:size].astype(bool)


class FacetBits(Mapping):
    """facet -> {value: bitset}. A facet's table is built by ``load(facet)`` the first
    time it is asked for (every facet when iterated); :meth:`loaded` gives the tables
    built so far, the only ones the incremental updates need to patch: the others
    will be read from the database, which already holds the writes."""

    def __init__(self, load: Callable[[str], dict[str, int]] | None = None) -> None:
        self._load = load
        self._tables: dict[str, dict[str, int]] = {}
        self._keys: dict[str, tuple] = {}  # see expire (the followup facet)
        self.sources: dict[str, tuple[str, tuple]] = {}

    def __getitem__(self, facet: str) -> dict[str, int]:
        table = self._tables.get(facet)
        if table is None:
            if facet not in FACETS:
                raise KeyError(facet)
            table = self._tables[facet] = self._load(facet) if self._load is not None else {}
        return table

    def expire(self, facet: str, key: tuple, source: tuple[str, tuple]) -> None:
        """Drop a facet's table (the followup facet) when ``key`` (what it was read for: its state
        of the file and day) changed, to be read again on use by ``source`` (a statement
        and its parameters, in :attr:`sources`)."""
        if self._keys.get(facet) != key:
            self._tables.pop(facet, None)
            self._keys[facet] = key
            self.sources[facet] = source

    def __iter__(self) -> Iterator[str]:
        return iter(FACETS)

    def __len__(self) -> int:
        return len(FACETS)

    def loaded(self) -> dict[str, dict[str, int]]:
        return self._tables


class ActorIndex:
    """Bitsets per facet value over dense positions (position = order of loading)."""

    def __init__(self) -> None:
        # custom criteria (Filter.custom) -> {group: bits}, made for the state of the file
        # by Query.masks before each evaluation (custom_query.py)
        self.custom_bits: dict[tuple, dict[str, int]] = {}
        self.ids: list[int] = []
        self._pos: dict[int, int] | None = {}   # id -> position (None: not built yet)
        self._id_array: np.ndarray | None = None  # self.ids as an array (None: to make)
        self._names: list[str] | None = []
        self._sort_names: list[str] = []   # folded names (actors.sort_name)
        self._fetch_names = None
        self._dense_start: int | None = None  # ids are _dense_start + position
        self._order_list: list[int] | None = []  # positions sorted by (sort_name, id)
        self.bits = FacetBits()
        self.deleted = 0
        self.present = 0          # positions holding an actor (purged ones are cleared)
        self._contact_bits: int | None = 0  # actors with a usable contact (None: not read yet)
        self._fetch_contacts: Callable[[], int] | None = None
        self._name_order: np.ndarray | None = None  # the same as an array; one of them is set
        self._positions: Positions | None = None  # an area's positions (None: not read yet)
        self._fetch_positions: Callable[[], Positions] | None = None

    # -- building ------------------------------------------------------------
    @classmethod
    def load(cls, conn, usable_contact_sql: str) -> "ActorIndex":
        """Build from the database: the ids in name order and the trash now, each
        facet and the contacts on first use (:meth:`_read_facet`). SQLite groups the
        ids (covering indexes, GROUP BY) into one string per value and numpy parses
        it, so no Python loop runs per actor."""
        index = cls()
        id_list = conn.execute(
            "SELECT group_concat(id) FROM (SELECT id FROM actors ORDER BY sort_name, id)").fetchone()[0]
        by_name = int_array(id_list)
        id_array = np.sort(by_name)
        size = len(id_array)
        index.ids = id_array.tolist()
        index._id_array = id_array
        index._pos = None  # built on first use (writes, relevance order)
        dense = size > 0 and int(id_array[-1]) - int(id_array[0]) + 1 == size
        first = int(id_array[0]) if size else 0
        index._name_order = by_name - first if dense else np.searchsorted(id_array, by_name)
        index._order_list = None  # made from _name_order when a write moves an actor
        index._dense_start = first if dense else None
        index.present = (1 << size) - 1
        index.deleted = index._grouped(
            conn, "SELECT 'x', group_concat(id) FROM actors WHERE deleted_at IS NOT NULL").get("x", 0)
        # names are read on first use (pickers, incremental updates), not at open
        index._names = None
        index._fetch_names = lambda: _plain_rows(conn, "SELECT id, name, sort_name FROM actors")
        index.bits = FacetBits(lambda facet: index._read_facet(conn, facet))
        index._contact_bits = None
        index._fetch_positions = lambda: Positions.load(conn, index._ids_array())  # for an area
        index._fetch_contacts = lambda: index._grouped(
            conn, f"SELECT 'x', group_concat(DISTINCT actor_id) FROM contacts WHERE {usable_contact_sql}").get("x", 0)
        return index

    def _grouped(self, conn, sql: str) -> dict[str, int]:
        """{value: bitset} from rows (value, group_concat of ids); ids the index does
        not hold are left out."""
        out: dict[str, int] = {}
        locate = self._locator()
        for value, id_list in conn.execute(sql):
            if value in (None, "") or not id_list:
                continue
            bits = bits_from_positions(locate(int_array(id_list)), self.size)
            out[str(value)] = out.get(str(value), 0) | bits
        return out

    def _read_facet(self, conn, facet: str) -> dict[str, int]:
        if facet == "followup":
            return self._read_followups(conn)
        if facet in MULTI:
            return self._grouped(conn, "SELECT value, group_concat(actor_id) FROM actor_values "
                                       f"WHERE facet = '{facet}' GROUP BY value")
        column = SINGLE.get(facet, facet)  # mgp: its own column
        return self._grouped(conn, f"SELECT {column}, group_concat(id) FROM actors GROUP BY {column}")

    def _read_followups(self, conn) -> dict[str, int]:
        """The « Suivi » facet relative to today: the actors with a pending follow-up per
        bucket, every other actor « sans relance », by the statement for today
        (:func:`.followups.bucket_sql`) that :class:`.derived.Derived` sets when it expires
        the facet, on a new state of the file or a new day: writes do not patch it (they
        are not the actors' rows)."""
        table = {}
        locate = self._locator()
        source = self.bits.sources.get("followup")
        for value, id_list in (conn.execute(*source) if source else ()):
            table[value] = bits_from_positions(locate(int_array(id_list)), self.size)
        pending = 0
        for bits in table.values():
            pending |= bits
        table["none"] = self.present & ~pending
        return table

    @property
    def pos(self) -> dict[int, int]:
        if self._pos is None:
            self._pos = dict(zip(self.ids, range(len(self.ids))))
        return self._pos

    def _ids_array(self) -> np.ndarray:
        if self._id_array is None:
            self._id_array = np.asarray(self.ids, dtype=np.int64)
        return self._id_array

    @property
    def _order(self) -> list[int]:
        if self._order_list is None:
            self._order_list = self._name_order.tolist()
        return self._order_list

    @property
    def contact_bits(self) -> int:
        if self._contact_bits is None:
            self._contact_bits = self._fetch_contacts()
        return self._contact_bits

    @contact_bits.setter
    def contact_bits(self, bits: int) -> None:
        self._contact_bits = bits

    def positions(self) -> Positions:
        """The actors' positions and communes (read on first use: an area, a territory count)."""
        if self._positions is None:
            self._positions = (self._fetch_positions() if self._fetch_positions is not None
                               else Positions.empty(self.size))
        return self._positions

    def area_bits(self, area) -> int:
        """The actors inside the area (never one without a position)."""
        return bits_from_positions(np.flatnonzero(self.positions().inside(area)), self.size)

    def located_bits(self) -> int:
        """The actors with a position (those an area can hold)."""
        return bits_from_positions(np.flatnonzero(self.positions().located()), self.size)

    def commune_counts(self, mask: int) -> dict[str, int]:
        """{INSEE code: number of the mask's actors} (the counts by commune of an area's map)."""
        return self.positions().commune_counts(mask_array(mask, self.size))

    def load_names(self) -> None:
        """Read the names now if they are not read yet. The name order is patched after a
        write by each actor's name as the order knows it: call this before writing, so
        that names read lazily are not those after the write (a renamed or removed actor
        would then not be found in the order, and would stay in it twice or as a ghost)."""
        if self._names is None:
            names: list[str] = [""] * len(self.ids)
            sort_names: list[str] = [""] * len(self.ids)
            pos = self.pos
            for actor_id, name, sort_name in self._fetch_names():
                p = pos.get(actor_id)
                if p is not None:
                    names[p], sort_names[p] = name, sort_name
            self._names, self._sort_names = names, sort_names

    @property
    def names(self) -> list[str]:
        self.load_names()
        return self._names

    @property
    def sort_names(self) -> list[str]:
        self.load_names()
        return self._sort_names

    @staticmethod
    def _values(row: Mapping) -> dict[str, tuple[str, ...]]:
        def arr(value) -> tuple[str, ...]:
            if isinstance(value, (list, tuple)):
                return tuple(value)
            return tuple(json.loads(value or "[]"))

        return {
            "kind": (row["kind"],) if row["kind"] else (),
            "domain": arr(row["domains"]),
            "activity": arr(row["activities"]),
            "tag": arr(row["tags"]),
            "departement": (row["departement"],) if row["departement"] else (),
            "mgp": ("1" if row["mgp"] else "0",),
            "ept": (row["ept"],) if row["ept"] else (),
            "epci": (row["epci"],) if row["epci"] else (),
        }

    @property
    def size(self) -> int:
        return len(self.ids)

    def positions_of(self, ids: Iterable[int] | np.ndarray) -> np.ndarray:
        """Positions of the ids known to the index, in the order given."""
        arr = ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64)
        return self._locator()(arr)

    def _locator(self) -> Callable[[np.ndarray], np.ndarray]:
        """ids -> positions of those known (an offset when the ids are dense, else a
        binary search in the ids sorted once for the locator's lifetime)."""
        size, start = self.size, self._dense_start
        if start is not None:
            def offsets(arr: np.ndarray) -> np.ndarray:
                p = arr - start
                return p[(p >= 0) & (p < size)]
            return offsets
        known = self._ids_array()
        by_id = np.argsort(known, kind="stable")
        sorted_ids = known[by_id]

        def search(arr: np.ndarray) -> np.ndarray:
            if not size:
                return np.empty(0, dtype=np.int64)
            i = np.searchsorted(sorted_ids, arr)
            i[i == size] = 0
            return by_id[i[sorted_ids[i] == arr]]
        return search

    def bits_for_ids(self, ids: Iterable[int] | np.ndarray) -> int:
        return bits_from_positions(self.positions_of(ids), self.size)

    # -- incremental updates -------------------------------------------------
    def upsert(self, row: Mapping) -> None:
        """Insert or refresh one actor (row with INDEX_COLUMNS) after a write."""
        self.load_names()  # before the lists grow
        actor_id = row["id"]
        position = self.pos.get(actor_id)
        sort_name = row["sort_name"] if "sort_name" in row.keys() else fold(row["name"])
        if position is None:
            position = len(self.ids)
            if self._dense_start is not None and actor_id != self._dense_start + position:
                self._dense_start = None
            self.pos[actor_id] = position
            self.ids.append(actor_id)
            self._id_array = None
            self.names.append(row["name"])
            self.sort_names.append(sort_name)
        else:
            self._clear(position)
            self._unorder(position)
            self.names[position] = row["name"]
            self.sort_names[position] = sort_name
        if not self._ordered(position):
            self._insort(position)
        bit = 1 << position
        self.present |= bit  # also when the id comes back after remove() (undo of a purge)
        if self._positions is not None and "lat" in row.keys():  # an area's positions
            self._positions.set(position, row["lat"], row["lon"], row["insee_code"])
        tables = self.bits.loaded()
        for facet, values in self._values(row).items():
            table = tables.get(facet)
            if table is None:
                continue  # not read yet: will be read with this write in it
            for value in values:
                table[value] = table.get(value, 0) | bit
        if row["deleted_at"]:
            self.deleted |= bit
        self._name_order = None

    def remove(self, actor_id: int) -> None:
        position = self.pos.get(actor_id)
        if position is None:
            return
        self._clear(position)
        self._unorder(position)
        self.present &= ~(1 << position)
        if self._contact_bits is not None:
            self._contact_bits &= ~(1 << position)
        self._name_order = None

    def set_has_contact(self, actor_id: int, value: bool) -> None:
        position = self.pos.get(actor_id)
        if position is None or self._contact_bits is None:
            return  # not read yet: will be read with this write in it
        if value:
            self._contact_bits |= 1 << position
        else:
            self._contact_bits &= ~(1 << position)

    def _clear(self, position: int) -> None:
        bit = 1 << position
        mask = ~bit
        for table in self.bits.loaded().values():
            for value in [v for v, bits in table.items() if bits & bit]:
                remaining = table[value] & mask
                if remaining:
                    table[value] = remaining
                else:
                    del table[value]
        self.deleted &= mask

    # -- evaluation ----------------------------------------------------------
    def base_mask(self, flt: Filter) -> int:
        if flt.only_deleted:
            return self.present & self.deleted
        if flt.include_deleted:
            return self.present
        return self.present & ~self.deleted

    def facet_mask(self, facet: str, values: Iterable[str]) -> int:
        table = self.bits[facet]
        mask = 0
        for value in values:
            mask |= table.get(value, 0)
        return mask

    def mask(self, flt: Filter, *, text_bits: int | None = None, call_bits: int | None = None,
             skip_facet: str | None = None) -> int:
        mask = self.base_mask(flt)
        if flt.area is not None:
            mask &= self.area_bits(flt.area)
        for facet in FACETS:
            if facet == skip_facet:
                continue
            selected = flt.selection(facet)
            if selected:
                mask &= self.facet_mask(facet, selected)
        if text_bits is not None:
            mask &= text_bits
        if call_bits is not None:
            mask &= call_bits
        if flt.has_contact:
            mask &= self.contact_bits
        if flt.ids is not None:
            mask &= self.bits_for_ids(flt.ids)
        if flt.custom:  # custom fields' criteria: {group: bits}, set by Query.masks
            for group, bits in self.custom_bits[flt.custom].items():
                if group != skip_facet:  # (a custom facet's own counts skip its group)
                    mask &= bits
        return mask

    def counts(self, flt: Filter, *, text_bits: int | None = None,
               call_bits: int | None = None) -> dict[str, dict[str, int]]:
        """Per facet, per value, the number of actors matching every other facet's selection."""
        out: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            base = self.mask(flt, text_bits=text_bits, call_bits=call_bits, skip_facet=facet)
            out[facet] = {value: c for value, bits in self.bits[facet].items()
                          if (c := (base & bits).bit_count())}
        return out

    # -- order by name: a sorted list of positions kept up to date row by row --
    def _key(self, position: int) -> tuple[str, int]:
        return self.sort_names[position], self.ids[position]

    def _find(self, position: int) -> int:
        i = bisect.bisect_left(self._order, self._key(position), key=self._key)
        return i if i < len(self._order) and self._order[i] == position else -1

    def _ordered(self, position: int) -> bool:
        return self._find(position) >= 0

    def _unorder(self, position: int) -> None:
        i = self._find(position)
        if i >= 0:
            del self._order[i]

    def _insort(self, position: int) -> None:
        bisect.insort(self._order, position, key=self._key)

    def name_order(self) -> np.ndarray:
        """Positions by folded name (then id); purged positions are filtered by masks."""
        if self._name_order is None:
            self._name_order = np.asarray(self._order, dtype=np.int64)
        return self._name_order

    def ordered_ids(self, mask: int, ranked_ids: list[int] | None = None) -> list[int]:
        """Ids in the mask, by relevance (ranked_ids order) when given, else by name."""
        selected = mask_array(mask, self.size)
        if ranked_ids is not None:
            pos = self.pos
            return [i for i in ranked_ids if (p := pos.get(i)) is not None and selected[p]]
        order = self.name_order()
        return self._ids_array()[order[selected[order]]].tolist()

