"""Blocks: the places (postcode, INSEE code, commune) names are compared within.

Each record is in the blocks of its place; each distinct place is worked out once, and a
block too big to compare pairwise is cut by the names' first letters, then by their
numbers. Rows are compared in the blocks of their place, never twice with the same
names (a postcode and the INSEE code of its commune often hold the same actors).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ...text import fold
from .keys import name_keys, numbers_of

BIG_BLOCK = 5000             # a block bigger than this is cut by the names' first letters


@lru_cache(maxsize=65536)
def _commune_key(commune: str) -> str:
    return fold(commune)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _blocks(postcode: Any, insee: Any, commune: Any) -> tuple[str, ...]:
    keys = []
    postcode = _text(postcode)
    if postcode:
        keys.append("p" + postcode)
    insee = _text(insee)
    if insee:
        keys.append("i" + insee)
    if commune:
        commune = _commune_key(_text(commune))
        if commune:
            keys.append("c" + commune)
    return tuple(keys)


def _query_blocks(blocks: list[str]) -> list[str]:
    """The blocks a row is compared in: by the commune's name only when the INSEE code is
    missing (it says more, and the comparison is done once instead of twice)."""
    if len(blocks) > 1 and blocks[-1][0] == "c" and any(b[0] == "i" for b in blocks):
        return blocks[:-1]
    return blocks


class Places:
    """The distinct places (sets of blocks) of the rows and actors, each worked out once:
    a file of 100,000 rows has a few thousand communes."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, ...]] = []   # place -> its blocks
        self.asked: list[tuple[str, ...]] = []    # place -> the blocks it is compared in
        self._ids: dict[tuple[str, ...], int] = {}
        self._cut: dict[tuple[int, str], int] = {}

    def _place(self, blocks: tuple[str, ...]) -> int:
        place = self._ids.get(blocks)
        if place is None:
            place = self._ids[blocks] = len(self.blocks)
            self.blocks.append(blocks)
            self.asked.append(tuple(_query_blocks(list(blocks))))
        return place

    def of(self, postcodes: Sequence[Any], insees: Sequence[Any], communes: Sequence[Any]
           ) -> list[int]:
        """The place of each (postcode, INSEE code, commune)."""
        try:
            distinct: dict[tuple, Any] | None = dict.fromkeys(zip(postcodes, insees, communes))
        except TypeError:  # unhashable cells
            distinct = None
        # Only text cells are grouped by value: 1 == 1.0 == True, their texts differ.
        if distinct is None or not all(c is None or type(c) is str
                                       for cell in distinct for c in cell):
            return [self._place(_blocks(*cell)) for cell in zip(postcodes, insees, communes)]
        for cell in distinct:
            distinct[cell] = self._place(_blocks(*cell))
        return list(map(distinct.__getitem__, zip(postcodes, insees, communes)))

    def cut(self, place: int, prefix: str, sizes: Mapping[str, int]) -> int:
        """The place with its big blocks cut by ``prefix`` (the name key's first letters)."""
        cut = self._cut.get((place, prefix))
        if cut is None:
            cut = self._cut[(place, prefix)] = self._place(tuple(
                b + "/" + prefix if sizes.get(b, 0) > BIG_BLOCK else b
                for b in self.blocks[place]))
        return cut


class Side:
    """What the rules look at in every row (or actor), worked out once."""

    def __init__(self, columns: Sequence[Sequence[Any]], places: Places,
                 known: Mapping[str, str] | None = None):
        """``columns``: names, SIRETs, SIRENs, postcodes, INSEE codes and communes;
        ``known``: name -> key already worked out."""
        self.names, sirets, sirens, postcodes, insees, communes = columns[:6]
        n = len(self.names)
        self.keys = name_keys(self.names, known)
        self.lengths = np.fromiter(map(len, self.keys), dtype=np.int64, count=n)
        self.sirets = [""] * n
        self.sirens = [""] * n
        # (SIRET, SIREN) of each record, None without either (most have neither).
        self.idents: list[tuple[str, str] | None] = [None] * n
        self.with_ids = []
        for i, (siret, siren) in enumerate(zip(sirets, sirens)):
            if siret is not None and siret != "" or siren is not None and siren != "":
                siret, siren = _text(siret), _text(siren)
                siren = siren or (siret[:9] if len(siret) == 14 else "")
                if siret or siren:
                    self.sirets[i], self.sirens[i] = siret, siren
                    self.idents[i] = (siret, siren)
                    self.with_ids.append(i)
        self.set_places(places.of(postcodes, insees, communes))

    def set_places(self, places: list[int]) -> None:
        self.place = places
        self.places = np.asarray(places, dtype=np.int64)

    def by_place(self, indexes: np.ndarray) -> dict[int, np.ndarray]:
        """place -> the given records in it, in order."""
        if not len(indexes):
            return {}
        places = self.places[indexes]
        order = np.argsort(places, kind="stable")
        places, indexes = places[order], indexes[order]
        starts = np.flatnonzero(np.diff(places)) + 1
        return dict(zip(places[np.r_[0, starts]].tolist(), np.split(indexes, starts)))


def block_places(by_place: Mapping[int, np.ndarray], blocks_of: list[tuple[str, ...]],
                 order: Iterable[int] | None = None) -> dict[str, list[int]]:
    """block -> the places of ``by_place`` in it. Blocks come in the order of ``order``
    (places), by default of the places' first records: the order the blocks are first met
    in, record by record."""
    out: dict[str, list[int]] = {}
    if order is None:
        order = sorted(by_place, key=lambda place: by_place[place][0])
    for place in order:
        for block in blocks_of[place]:
            in_block = out.get(block)
            if in_block is None:
                in_block = out[block] = []
            if place in by_place:
                in_block.append(place)
    return {block: in_block for block, in_block in out.items() if in_block}


def joined(by_place: Mapping[int, np.ndarray], in_block: list[int]) -> np.ndarray:
    """The records of the places of a block, in order."""
    if len(in_block) == 1:
        return by_place[in_block[0]]
    return np.sort(np.concatenate([by_place[place] for place in in_block]))


def among(values: np.ndarray, wanted: list[int], size: int) -> np.ndarray:
    """np.isin() for small integers (< size)."""
    table = np.zeros(size, dtype=bool)
    table[wanted] = True
    return table[values]


def compared_before(block: str, asking_places: list[int], asked: list[tuple[str, ...]],
                    rank: Mapping[str, int], members: Mapping[str, frozenset[int]]
                    ) -> list[int]:
    """The asking places whose rows met all the names of ``block`` in a block compared
    before (ranks: the order blocks are compared in; members: their places). Comparing
    them again can only find scores that are already there: a better score would have to
    come from a name not met yet, and a tie counts for the block compared first."""
    out = []
    for place in asking_places:
        for other in asked[place]:
            if rank.get(other, len(rank)) < rank[block] and \
                    members[block] <= members[other]:
                out.append(place)
                break
    return out


def distinct_blocks(asking: dict[str, Any], members: Mapping[str, Any], key: Any = tuple
                    ) -> list[tuple[str, Any]]:
    """(block, rows asking) without the comparisons another block already makes: the
    postcode and the INSEE code of one commune often hold the same actors, and comparing
    the same rows with the same names twice finds nothing new."""
    done: dict[Any, set[int]] = {}
    out = []
    for block, rows in asking.items():
        members_key = key(members[block])
        seen = done.get(members_key)
        listed = rows.tolist() if isinstance(rows, np.ndarray) else rows
        if seen is not None and seen.issuperset(listed):
            continue
        if seen is None:
            done[members_key] = set(listed)
        out.append((block, rows))
    return out


def object_array(values: list) -> np.ndarray:
    """A numpy array of Python objects (tuples stay elements, not rows)."""
    return np.fromiter(values, dtype=object, count=len(values))


def cut_big_blocks(rows: Side, cat: Side, places: Places) -> None:
    """Blocks too big to compare pairwise (a postcode of central Paris in a national file)
    are cut by the first two letters of the name key; those still too big (« Acteur
    import 1 » … « 99999 » in one commune), by the numbers in the names, which must be the
    same for a match anyway."""
    for part in (lambda key: key[:2], lambda key: "#" + " ".join(numbers_of(key))):
        counts = Counter(rows.place)
        counts.update(cat.place)
        sizes: dict[str, int] = {}
        for place, count in counts.items():
            for block in places.blocks[place]:
                sizes[block] = sizes.get(block, 0) + count
        if not any(size > BIG_BLOCK for size in sizes.values()):
            return
        big = {place for place in counts
               if any(sizes[b] > BIG_BLOCK for b in places.blocks[place])}
        for side in (rows, cat):
            side.set_places([places.cut(place, part(side.keys[i]), sizes) if place in big
                             else place for i, place in enumerate(side.place)])
