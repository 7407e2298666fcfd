"""The rules within the file: a row repeating a row above it (same SIRET, SIREN, name, close name)."""
from __future__ import annotations

from functools import partial

import numpy as np

from .blocks import Places, Side, among, block_places, compared_before, distinct_blocks, joined, object_array
from .keys import conflicting, repeated
from .scoring import Lengths, earlier_matches, in_order

def same_in_file(rows: Side, places: Places, spread: frozenset[str] = frozenset()
                 ) -> dict[int, tuple[int, str]]:
    """row -> (first row, rule) for the same SIRET, SIREN or name in a block as a row
    above it (first registration wins); a row without a place and a row with one, for
    the same name, unless that name is ``spread`` over several places."""
    same: dict[int, tuple[int, str]] = {}
    first_siret: dict[str, int] = {}
    first_siren: dict[str, list[tuple[int, str]]] = {}
    for i in rows.with_ids:
        siret, siren = rows.sirets[i], rows.sirens[i]
        if siret:
            at = first_siret.setdefault(siret, i)
            if at != i:
                same[i] = (at, "siret")
        if siren:
            sirens = first_siren.get(siren)
            if sirens is None:
                first_siren[siren] = [(i, siret)]
                continue
            if i not in same:
                for at, other_siret in sirens:
                    if not (siret and other_siret and siret != other_siret):
                        same[i] = (at, "siren")
                        break
            sirens.append((i, siret))
    keys, idents = rows.keys, rows.idents
    first_row = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))
    first_row.pop("", None)
    for key, group in repeated(keys, first_row).items():
        in_block: dict[str, _FirstRows] = {}
        anywhere = _FirstRows()   # the group's rows, for a row without a place
        placeless = _FirstRows()  # its rows without a place, for a row with one
        for i in group:
            blocks, ident = places.blocks[rows.place[i]], idents[i]
            if i not in same:
                at = None
                if not blocks:
                    at = (placeless if key in spread else anywhere).find(ident)
                for block in blocks:
                    earlier = in_block.get(block)
                    at = None if earlier is None else earlier.find(ident)
                    if at is not None:
                        break
                if at is None and blocks and key not in spread:
                    at = placeless.find(ident)
                if at is not None:
                    same[i] = (at, "name")
            for block in blocks:
                earlier = in_block.get(block)
                if earlier is None:
                    earlier = in_block[block] = _FirstRows()
                earlier.add(i, ident)
            anywhere.add(i, ident)
            if not blocks:
                placeless.add(i, ident)
    return same


class _FirstRows:
    """The first rows of a name in a block, by what identifies them: the first one a row
    may duplicate is found by dictionary lookups, not by a scan of the rows above it
    (26 stores of a chain with one name: none is a duplicate of another)."""

    __slots__ = ("rows", "first", "plain", "by_siret", "by_siren", "siren_only",
                 "first_siren_only", "first_siret_only")

    def __init__(self) -> None:
        self.rows: dict[int, tuple[str, str] | None] = {}
        self.first = self.plain = self.first_siren_only = self.first_siret_only = None
        self.by_siret: dict[str, int] = {}
        self.by_siren: dict[str, int] = {}
        self.siren_only: dict[str, int] = {}

    def add(self, i: int, ident: tuple[str, str] | None) -> None:
        self.rows.setdefault(i, ident)
        if self.first is None:
            self.first = i
        if ident is None:
            if self.plain is None:
                self.plain = i
            return
        siret, siren = ident
        if siret:
            self.by_siret.setdefault(siret, i)
            if not siren and self.first_siret_only is None:
                self.first_siret_only = i
        if siren:
            self.by_siren.setdefault(siren, i)
            if not siret:
                self.siren_only.setdefault(siren, i)
                if self.first_siren_only is None:
                    self.first_siren_only = i

    def find(self, ident: tuple[str, str] | None) -> int | None:
        """The first row added that ``ident`` does not conflict with (see conflicting())."""
        if ident is None:
            return self.first
        siret, siren = ident
        found = [self.plain]
        if siret:
            found.append(self.by_siret.get(siret))
            found.append(self.siren_only.get(siren) if siren else self.first_siren_only)
        else:
            found.append(self.by_siren.get(siren))
            found.append(self.first_siret_only)
        at = min((f for f in found if f is not None), default=None)
        # A SIRET given with another firm's SIREN: only in a hand-made file.
        return None if at is None or conflicting(ident, self.rows[at]) else at


def close_in_file(rows: Side, named: np.ndarray, unmatched: np.ndarray,
                  asking: np.ndarray, places: Places, lengths: Lengths,
                  threshold: float) -> dict[int, tuple[float, int]]:
    """row -> (score, row above) for the asking rows with a close name among the rows
    above them in their blocks. ``named``: the rows with a name; ``unmatched``: those
    matching no actor, whose order of blocks counts (the first block to find a tie wins,
    as when every one of them asked); ``asking``: those matching nothing else."""
    first_places, first_rows = np.unique(rows.places[unmatched], return_index=True)
    asking_by_place = rows.by_place(asking)
    query_places = block_places(asking_by_place, places.asked,
                                order=first_places[np.argsort(first_rows)].tolist())
    queries = {block: joined(asking_by_place, in_block)
               for block, in_block in query_places.items()}
    if not queries:
        return {}
    named_by_place = rows.by_place(named)
    row_places = block_places(named_by_place, places.blocks)
    members = {block: joined(named_by_place, row_places[block]) for block in queries}
    rank = {block: k for k, block in enumerate(queries)}
    member_places = {block: frozenset(row_places[block]) for block in queries}
    tasks = []
    for block, asking_rows in distinct_blocks(queries, members,
                                              key=lambda rows: rows.tobytes()):
        choices = members[block]
        if len(choices) < 2:
            continue
        done = compared_before(block, query_places[block], places.asked, rank,
                               member_places)
        if done:
            asking_rows = asking_rows[~among(rows.places[asking_rows], done,
                                             len(places.blocks))]
        asking_rows = asking_rows[asking_rows > choices[0]]
        tasks.extend(lengths.bands(asking_rows, rows.lengths[asking_rows], choices,
                                   rows.lengths[choices], True))
    earlier: dict[int, tuple[float, int]] = {}
    keys = np.array(rows.keys, dtype=object)
    # Two rows of the file can only conflict when at least two have identifiers.
    idents = object_array(rows.idents) if len(rows.with_ids) > 1 else None
    for results in in_order(partial(earlier_matches, keys=keys, threshold=threshold,
                                     idents=idents),
                             tasks, [len(task[0]) * len(task[1]) / 2 for task in tasks]):
        for i, score, at in results:
            if score > earlier.get(i, (0.0,))[0]:
                earlier[i] = (score, at)
    return earlier
