"""find_duplicates: the rules in order, the catalogue first, and what a match is.

Rules are tried in order — SIRET, SIREN, the catalogue id with a close name, the same
name, a close name — against the catalogue (in_catalogue.py), then for the rows that
match no actor against the rows above them (in_file.py). A record without a SIRET is one
establishment: the first row with a SIRET found to be it gives it that SIRET.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...gcpause import gc_paused
from .blocks import Places, Side, cut_big_blocks
from .in_catalogue import alias_keys, close_in_catalogue, given_ids, same_in_catalogue, spread_names
from .in_file import close_in_file, same_in_file
from .keys import conflicting
from .scoring import Lengths

NAME_THRESHOLD = 92


@dataclass(frozen=True)
class Duplicate:
    """Row ``index`` (``row_number`` in the file) duplicates an actor or an earlier row.

    ``actor_id`` is set for a duplicate of the catalogue; ``first_index``/``first_row`` for
    a duplicate of an earlier row (the first occurrence) that is not in the catalogue.
    """

    index: int
    row_number: int | None
    rule: str                   # "siret", "siren", "name" or "id"
    score: float                # 100 for identifiers, the name similarity otherwise
    actor_id: int | None = None
    first_index: int | None = None
    first_row: int | None = None

    @property
    def in_file(self) -> bool:
        return self.actor_id is None


def find_duplicates(candidates: Iterable[Any], existing: Iterable[Mapping],
                    *, threshold: float = NAME_THRESHOLD) -> list[Duplicate | None]:
    """For each candidate (a Candidate or an actor dict), its Duplicate or None.

    ``existing``: actor dicts with at least ``id``, ``name``, ``siret``, ``siren``,
    ``postcode``, ``insee_code``, ``commune``. A row matching the catalogue points at the
    actor; otherwise a row matching an earlier row points at the first occurrence (or at
    the actor that first occurrence matched). Rules are tried in order (SIRET, SIREN, the
    catalogue id with a close name, the same name, a close name), the catalogue first.
    """
    with gc_paused():
        return _find_duplicates(candidates, existing, threshold)


def _find_duplicates(candidates: Iterable[Any], existing: Iterable[Mapping],
                     threshold: float) -> list[Duplicate | None]:
    # Each record's fields are read in one go (100,000 dicts: one visit each).
    fields: list[tuple] = []
    numbers: list[int | None] = []
    given: list[tuple[int, Any]] = []   # (row, catalogue id given in the file)
    for candidate in candidates:
        data = getattr(candidate, "data", None)
        if data is None:  # an actor dict
            data, given_id, number = candidate, candidate.get("id"), None
        else:
            link = getattr(candidate, "link", {}) or {}
            given_id, number = link.get("id"), getattr(candidate, "row_number", None)
        if given_id is not None:
            given.append((len(numbers), given_id))
        numbers.append(number)
        fields.append((data.get("name"), data.get("siret"), data.get("siren"),
                       data.get("postcode"), data.get("insee_code"), data.get("commune")))
    actor_fields = [(a.get("name"), a.get("siret"), a.get("siren"), a.get("postcode"),
                     a.get("insee_code"), a.get("commune"), a.get("id"), a.get("aliases"))
                    for a in existing]
    places = Places()
    rows = Side(list(zip(*fields)) or [()] * 6, places)
    actor_columns = list(zip(*actor_fields)) or [()] * 8
    known = None
    if actor_fields:  # a file imported again: its names are the catalogue's
        try:
            known = dict(zip(rows.names, rows.keys))
        except TypeError:  # an unhashable name
            pass
    cat = Side(actor_columns, places, known)
    actor_ids = actor_columns[6]
    cut_big_blocks(rows, cat, places)
    lengths = Lengths(threshold)

    aliases = alias_keys(actor_columns[7], cat.keys) if actor_ids else {}
    spread = spread_names(rows, cat, aliases, places)
    found = same_in_catalogue(rows, cat, actor_ids, places, aliases,
                              spread) if actor_ids else {}
    given_ids(found, given, rows.keys, actor_ids, cat.keys, threshold)
    named = np.flatnonzero(rows.lengths)   # rows with a name
    unsettled = np.ones(len(numbers), dtype=bool)
    unsettled[list(found)] = False
    if actor_ids and unsettled[named].any():
        found.update(close_in_catalogue(rows, named[unsettled[named]], cat, actor_ids,
                                        places, lengths, threshold))
    # What each actor is once the rows above have been found to be it (see _claimed).
    claimed: dict[tuple, tuple[str, str] | None] = {}
    ident_of: dict[Any, tuple[str, str] | None] = {}   # actor id -> (SIRET, SIREN)
    if rows.with_ids:
        for j in cat.with_ids:
            ident_of.setdefault(actor_ids[j], cat.idents[j])
        for i in sorted(found):
            ref = ("actor", found[i][0])
            if not _claimed(claimed, ref, ident_of.get(ref[1]), rows.idents[i]):
                del found[i]
    unsettled = np.ones(len(numbers), dtype=bool)
    unsettled[list(found)] = False
    unmatched = named[unsettled[named]]   # rows with a name matching no actor
    same = same_in_file(rows, places, spread)
    unsettled[list(same)] = False
    earlier = close_in_file(rows, named, unmatched, named[unsettled[named]], places,
                            lengths, threshold)

    out: list[Duplicate | None] = [None] * len(numbers)
    for i, (actor_id, rule, score) in found.items():
        out[i] = _duplicate(i, numbers[i], rule, score, actor_id, None, None)
    refs: dict[int, tuple] = {}   # row -> what it duplicates, for the rows in file order
    for i in sorted({*same, *earlier}.difference(found)):
        if i in same:
            at, rule = same[i]
            score = 100.0
        else:
            (score, at), rule = earlier[i], "name"
        if at in found:
            ref: tuple = ("actor", found[at][0])
        else:
            ref = refs.get(at) or ("row", at, numbers[at])
        if rows.with_ids:
            target = ref[:2]
            own = rows.idents[ref[1]] if ref[0] == "row" else ident_of.get(ref[1])
            if not _claimed(claimed, target, own, rows.idents[i]):
                continue   # another establishment than the one already found to be it
        refs[i] = ref
        if ref[0] == "actor":
            out[i] = _duplicate(i, numbers[i], rule, score, ref[1], None, None)
        else:
            out[i] = _duplicate(i, numbers[i], rule, score, None, ref[1], ref[2])
    return out


def _claimed(claimed: dict[tuple, tuple[str, str] | None], target: tuple,
             own: tuple[str, str] | None, ident: tuple[str, str] | None) -> bool:
    """Whether a row identified by ``ident`` may duplicate ``target`` (an actor or a first
    row, identified by ``own``), given the rows already found to be it (``claimed``:
    target -> what they made it). A record without a SIRET is one establishment: the first
    row with a SIRET found to be it gives it that SIRET, and a row with another SIRET is
    another establishment (a firm known by its SIREN, then a file of its sites)."""
    current = claimed[target] if target in claimed else own
    if conflicting(current, ident):
        return False
    if ident is not None and current != ident:
        claimed[target] = ident if current is None else (current[0] or ident[0],
                                                         current[1] or ident[1])
    elif target not in claimed:
        claimed[target] = current
    return True


_new_object, _set_attribute = object.__new__, object.__setattr__


def _duplicate(index: int, row_number: int | None, rule: str, score: float,
               actor_id: Any, first_index: int | None, first_row: int | None) -> Duplicate:
    """Duplicate(...) without the frozen dataclass' __init__, which sets the 7 fields one
    by one through object.__setattr__: a file imported again makes 100,000 of them."""
    dup = _new_object(Duplicate)
    _set_attribute(dup, "__dict__", {
        "index": index, "row_number": row_number, "rule": rule, "score": score,
        "actor_id": actor_id, "first_index": first_index, "first_row": first_row})
    return dup
