"""The rules against the catalogue: same SIRET, SIREN, name or alias, catalogue id, close name."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from .blocks import Places, Side, among, block_places, compared_before, distinct_blocks, joined, object_array
from .keys import conflicting, name_key, repeated
from .scoring import Lengths, best_matches, in_order

def same_in_catalogue(rows: Side, cat: Side, actor_ids: Sequence[Any], places: Places,
                      aliases: Mapping[str, list[int]] | None = None,
                      spread: frozenset[str] = frozenset()
                       ) -> dict[int, tuple[Any, str, float]]:
    """row -> (actor id, rule, 100) for the same SIRET, SIREN, or name (or alias:
    ``aliases``, alias key -> the actors with it) in a block, or anywhere when the row or
    the actor has no place and the name is not ``spread`` over several places."""
    found: dict[int, tuple[Any, str, float]] = {}
    by_siret: dict[str, Any] = {}
    by_siren: dict[str, list[tuple[Any, str]]] = {}
    for j in cat.with_ids:
        siret, siren = cat.sirets[j], cat.sirens[j]
        if siret:
            by_siret.setdefault(siret, actor_ids[j])
        if siren:
            by_siren.setdefault(siren, []).append((actor_ids[j], siret))
    for i in rows.with_ids:
        siret, siren = rows.sirets[i], rows.sirens[i]
        if siret:
            ref = by_siret.get(siret)
            if ref is not None:
                found[i] = (ref, "siret", 100.0)
                continue
        if siren:
            for ref, other_siret in by_siren.get(siren, ()):
                if not (siret and other_siret and siret != other_siret):
                    found[i] = (ref, "siren", 100.0)
                    break

    # The same name in a block: the first actor with that name in that block.
    keys, blocks_of = rows.keys, places.blocks
    idents, actor_idents = rows.idents, cat.idents
    first = dict(zip(reversed(cat.keys), range(len(actor_ids) - 1, -1, -1)))
    first.pop("", None)
    more = repeated(cat.keys, first)
    named_by = np.array([-1 if at is None else at for at in map(first.get, keys)],
                        dtype=np.int64)
    rows_named = np.flatnonzero(named_by >= 0)
    # Most often: the one actor with that name, with an id, in the row's place.
    at = named_by[rows_named]
    with_id = np.array([actor_id is not None for actor_id in actor_ids], dtype=bool)
    has_blocks = np.array([bool(blocks) for blocks in blocks_of], dtype=bool)
    same_place = (cat.places[at] == rows.places[rows_named]) & with_id[at] & \
        has_blocks[rows.places[rows_named]]
    if more:
        same_place &= np.array([keys[i] not in more for i in rows_named.tolist()],
                               dtype=bool)
    settled = set(found)
    for k, (i, j) in enumerate(zip(rows_named.tolist(), at.tolist())):
        if same_place[k] and i not in settled:
            if conflicting(idents[i], actor_idents[j]):
                same_place[k] = False  # another establishment: looked at below
            else:
                found[i] = (actor_ids[j], "name", 100.0)
    asking = rows_named[~same_place].tolist()
    if aliases:
        asking += [i for i, key in enumerate(keys) if key in aliases and key not in first]
    for i in asking:
        if i in found:
            continue
        key, row_blocks, ident = keys[i], blocks_of[rows.place[i]], idents[i]
        holders = more.get(key) or ([first[key]] if key in first else [])
        if aliases and key in aliases:
            holders = holders + aliases[key]
        holders = [j for j in holders
                   if actor_ids[j] is not None and not conflicting(ident, actor_idents[j])]
        j = next((j for block in row_blocks for j in holders
                  if block in blocks_of[cat.place[j]]), None)
        if j is None:
            # A name without a place to tell them apart (the i-Lab list gives no address,
            # the bundled actors no SIRET once): the same organisation, unless the name
            # is found in several places (« Direction de la recherche clinique »).
            placeless = [j for j in holders if not blocks_of[cat.place[j]]]
            if not row_blocks and placeless:   # two records without a place: the same
                j = placeless[0]
            elif key not in spread:
                j = next((j for j in holders if not row_blocks or not blocks_of[cat.place[j]]),
                         None)
        if j is not None:
            found[i] = (actor_ids[j], "name", 100.0)
    return found


def spread_names(rows: Side, cat: Side, aliases: Mapping[str, list[int]],
                 places: Places) -> frozenset[str]:
    """The names (keys) held by records without a place whose records with a place, in
    the file and the catalogue, are not all in one place (sharing a block with the first
    one): a name alone cannot tell which of them a record without a place is."""
    blocks_of = places.blocks
    asked = {key for key, place in zip(rows.keys, rows.place) if key and not blocks_of[place]}
    asked.update(key for key, place in zip(cat.keys, cat.place) if key and not blocks_of[place])
    asked.update(key for key, holders in aliases.items()
                 if any(not blocks_of[cat.place[j]] for j in holders))
    if not asked:
        return frozenset()
    first: dict[str, tuple[str, ...]] = {}
    spread: set[str] = set()

    def see(key: str, place: int) -> None:
        blocks = blocks_of[place]
        if not blocks or key not in asked or key in spread:
            return
        seen = first.setdefault(key, blocks)
        if seen is not blocks and set(seen).isdisjoint(blocks):
            spread.add(key)

    for side in (rows, cat):
        for key, place in zip(side.keys, side.place):
            see(key, place)
    for key, holders in aliases.items():
        for j in holders:
            see(key, cat.place[j])
    return frozenset(spread)


def alias_keys(aliases: Sequence[Any], own_keys: list[str]) -> dict[str, list[int]]:
    """alias key -> the actors with that alias (other than their name), in order."""
    out: dict[str, list[int]] = {}
    for j, value in enumerate(aliases):
        if not value or value == "[]":
            continue
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
            if isinstance(value, str):
                value = [value]
        if not isinstance(value, (list, tuple)):
            continue
        for alias in value:
            key = name_key(alias) if isinstance(alias, str) else ""
            if key and key != own_keys[j]:
                holders = out.setdefault(key, [])
                if not holders or holders[-1] != j:
                    holders.append(j)
    return out


def given_ids(found: dict[int, tuple[Any, str, float]], given: list[tuple[int, Any]],
              keys: list[str], actor_ids: Sequence[Any], actor_keys: list[str],
              threshold: float) -> None:
    """Rows carrying the id of an actor with a close name, not matched yet: found."""
    by_id: dict[int, str] = {}   # actor id -> name key
    if None not in actor_ids:
        by_id = dict(zip(map(int, actor_ids), actor_keys))
    if len(by_id) < len(actor_ids):  # ids missing or repeated: the first one counts
        by_id = {}
        for actor_id, key in zip(actor_ids, actor_keys):
            if actor_id is not None:
                by_id.setdefault(int(actor_id), key)
    for i, given_id in given:
        key = keys[i]
        if i not in found and key and int(given_id) in by_id:
            score = fuzz.ratio(key, by_id[int(given_id)])
            if score >= threshold:
                found[i] = (int(given_id), "id", float(score))


def close_in_catalogue(rows: Side, asking: np.ndarray, cat: Side,
                       actor_ids: Sequence[Any], places: Places, lengths: Lengths,
                       threshold: float) -> dict[int, tuple[Any, str, float]]:
    """row -> (actor id, "name", score) for the asking rows with a close name among the
    actors of their blocks."""
    actors_by_place = cat.by_place(np.flatnonzero(cat.lengths))
    actor_places = block_places(actors_by_place, places.blocks)
    asking_by_place = rows.by_place(asking)
    pending_places = {block: in_block for block, in_block in
                      block_places(asking_by_place, places.asked).items()
                      if block in actor_places}
    pending = {block: joined(asking_by_place, in_block)
               for block, in_block in pending_places.items()}
    block_actors = {block: joined(actors_by_place, actor_places[block])
                    for block in pending}
    block_ids = {block: [actor_ids[j] for j in block_actors[block].tolist()]
                 for block in pending}
    rank = {block: k for k, block in enumerate(pending)}
    member_places = {block: frozenset(actor_places[block]) for block in pending}
    tasks: list[tuple] = []
    for block, indexes in distinct_blocks(pending, block_ids):
        done = compared_before(block, pending_places[block], places.asked, rank,
                               member_places)
        if done:
            indexes = indexes[~among(rows.places[indexes], done, len(places.blocks))]
        members = block_actors[block]
        for asking_rows, at in lengths.bands(indexes, rows.lengths[indexes],
                                             np.arange(len(members)),
                                             cat.lengths[members], False):
            tasks.append((asking_rows.tolist(), members[at], block_ids[block], at))
    row_keys = np.array(rows.keys, dtype=object)
    actor_keys = np.array(cat.keys, dtype=object)
    # Identifiers are looked at only when both sides have some.
    with_ids = bool(rows.with_ids and cat.with_ids)
    row_ids = object_array(rows.idents) if with_ids else None
    actor_idents = object_array(cat.idents) if with_ids else None

    def closest_actors(asking_rows: list[int], choices: np.ndarray, ids: list[Any],
                       at: np.ndarray, shared: bool) -> list[tuple[int, float, Any]]:
        results = best_matches(
            row_keys[asking_rows].tolist(), actor_keys[choices].tolist(), threshold, shared,
            None if row_ids is None else row_ids[asking_rows].tolist(),
            None if actor_idents is None else actor_idents[choices].tolist())
        return [(i, score, ids[at[best]]) for i, (score, best)
                in zip(asking_rows, results) if best >= 0]

    fuzzy: dict[int, tuple[float, Any]] = {}
    for results in in_order(closest_actors, tasks,
                            [len(task[0]) * len(task[1]) for task in tasks]):
        for i, score, actor_id in results:
            if score > fuzzy.get(i, (0.0,))[0]:
                fuzzy[i] = (score, actor_id)
    return {i: (actor_id, "name", score) for i, (score, actor_id) in fuzzy.items()}
