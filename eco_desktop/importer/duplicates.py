"""Which imported rows are already in the catalogue, or already earlier in the file.

Rules, in order: the same SIRET; else the same SIREN (unless both have a SIRET and they
differ: two sites of one company are two actors); else the same name (or an actor's
alias) in the same commune (INSEE code or name) or with the same postcode, or anywhere
when the row or the actor has no place at all (a list of laureates gives no address);
else a close name in the same commune or postcode — rapidfuzz ``token_sort_ratio`` >= 92
on names folded (accents, case, punctuation) and stripped of legal forms ("CELLECTIS" =
"Cellectis" = "Cellectis SA"), holding the same numbers: names differing only by a number
are different organisations (« Acteur import 1 », « Acteur import 2 »). A row carrying the
catalogue id of our own export matches that actor when the names are close too.

Records whose identifiers conflict (two SIRETs that differ, two SIRENs that differ) are
different establishments, never duplicates, whatever their names: the 26 stores of a
chain in one file are 26 actors. A record without a SIRET (a firm known by its SIREN, a
row without identifier) is one establishment: the first row with a SIRET found to be it
gives it that SIRET, and the firm's other sites are not duplicates of it. The identifier
and exact-name rules are dictionary lookups over the whole file and catalogue.

Names are compared within blocks (postcode, INSEE code, commune) only, so 100,000 rows
against 100,000 actors take seconds, not hours. Within a block only names whose lengths
can reach the threshold are compared, a row only with the rows above it, never twice with
the same names (a postcode and the INSEE code of its commune), and rows already matched
by an identifier or by their exact name not at all; the comparisons run on every core,
in score matrices of bounded size (_CELLS_PER_CHUNK), whatever the size of a block or the
length of a name.
"""
from __future__ import annotations

import json
import math
import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..text import ASCII_FOLD_TABLE, fold
from ..gcpause import gc_paused

NAME_THRESHOLD = 92
BIG_BLOCK = 5000             # a block bigger than this is cut by the names' first letters
_CELLS_PER_CHUNK = 2_000_000  # scores computed at once (8 MB of float32)
_PARALLEL_CELLS = 200_000     # from this many scores, cdist uses every core
_SHARED_CELLS = 2_000_000     # from this many scores in all, blocks are shared by the cores
_TRIANGLE_ROWS = 256          # rows compared at once with the rows above them
_BAND_CELLS = 20_000          # from this many scores, a block is compared by name lengths
_CALL_CELLS = 3_000           # one more cdist call costs about as much as this many scores
LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "se", "sca", "gie", "gmbh", "ltd",
                         "inc", "eurl", "snc", "scop", "llc", "plc"})
_LEGAL_BYTES = frozenset(form.encode("ascii") for form in LEGAL_FORMS)


def _merge_letters(tokens: list, empty: Any) -> list:
    """"s a s" (from "S.A.S.") -> "sas": runs of one-letter tokens joined."""
    merged: list = []
    run: list = []
    for token in tokens + [empty]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            merged.append(empty.join(run))
        else:
            merged.extend(run)
        run = []
        if token:
            merged.append(token)
    return merged


def name_key(name: str | None) -> str:
    """Folded name without legal forms, tokens sorted: 'Cellectis S.A.' -> 'cellectis'."""
    if not name:
        return ""
    text = name if type(name) is str else str(name)
    if text.isascii():  # most names: folded and sorted as bytes, same result
        tokens = text.encode("ascii").translate(ASCII_FOLD_TABLE).split()
        if not tokens:
            return ""
        if min(map(len, tokens)) == 1:
            tokens = _merge_letters(tokens, b"")
        if not _LEGAL_BYTES.isdisjoint(tokens):
            tokens = [t for t in tokens if t not in _LEGAL_BYTES] or tokens
        tokens.sort()
        return b" ".join(tokens).decode("ascii")
    tokens = fold(text).split()
    if any(len(t) == 1 for t in tokens):
        tokens = _merge_letters(tokens, "")
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return " ".join(sorted(kept or tokens))


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


class _Places:
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


class _Side:
    """What the rules look at in every row (or actor), worked out once."""

    def __init__(self, columns: Sequence[Sequence[Any]], places: _Places,
                 known: Mapping[str, str] | None = None):
        """``columns``: names, SIRETs, SIRENs, postcodes, INSEE codes and communes;
        ``known``: name -> key already worked out."""
        self.names, sirets, sirens, postcodes, insees, communes = columns[:6]
        n = len(self.names)
        self.keys = _name_keys(self.names, known)
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


def conflicting(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """Whether two (SIRET, SIREN) say the records are different establishments: two
    SIRETs that differ (two sites of one firm, two stores of a chain) or two SIRENs that
    differ (two firms). Such records are never duplicates, whatever their names."""
    if a is None or b is None:
        return False
    return bool(a[0] and b[0] and a[0] != b[0] or a[1] and b[1] and a[1] != b[1])


def _name_keys(names: Sequence[Any], known: Mapping[str, str] | None = None) -> list[str]:
    """name_key() of each name; ``known``: name -> key already worked out (the rows'
    names, for the actors of a file imported again)."""
    if not known:
        return list(map(name_key, names))
    try:
        keys = list(map(known.get, names))
    except TypeError:  # an unhashable name
        return list(map(name_key, names))
    for i, (name, key) in enumerate(zip(names, keys)):
        # Only a text name is known by value: 1 == 1.0 == True, their keys differ.
        if key is None or type(name) is not str:
            keys[i] = name_key(name)
    return keys


def _block_places(by_place: Mapping[int, np.ndarray], blocks_of: list[tuple[str, ...]],
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


def _joined(by_place: Mapping[int, np.ndarray], in_block: list[int]) -> np.ndarray:
    """The records of the places of a block, in order."""
    if len(in_block) == 1:
        return by_place[in_block[0]]
    return np.sort(np.concatenate([by_place[place] for place in in_block]))


def _among(values: np.ndarray, wanted: list[int], size: int) -> np.ndarray:
    """np.isin() for small integers (< size)."""
    table = np.zeros(size, dtype=bool)
    table[wanted] = True
    return table[values]


def _compared_before(block: str, asking_places: list[int], asked: list[tuple[str, ...]],
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


def _scores(queries: list[str], choices: list[str], threshold: float,
            shared: bool = False) -> np.ndarray:
    """Name similarity of every query with every choice (0 under ``threshold``); big
    matrices are computed on all cores, unless the blocks are ``shared`` already."""
    cells = len(queries) * len(choices)
    return process.cdist(queries, choices, scorer=fuzz.ratio, processor=None,
                         score_cutoff=threshold, dtype=np.float32,
                         workers=-1 if cells >= _PARALLEL_CELLS and not shared else 1)


def _best_matches(queries: list[str], choices: list[str], threshold: float,
                  shared: bool = False, query_ids: list | None = None,
                  choice_ids: list | None = None) -> list[tuple[float, int]]:
    """For each query, (best score >= threshold, index in choices) or (0.0, -1), among
    the choices holding the same numbers and no conflicting identifier (``query_ids``,
    ``choice_ids``: the records' (SIRET, SIREN) or None, see conflicting()).

    Scores are computed in matrices of at most _CELLS_PER_CHUNK cells: a chunk of rows
    against a slice of the choices (many choices: one row against each slice in turn)."""
    out: list[tuple[float, int]] = []
    cols = min(len(choices), _CELLS_PER_CHUNK) or 1
    rows = max(1, _CELLS_PER_CHUNK // cols)
    for start in range(0, len(queries), rows):
        chunk = queries[start:start + rows]
        best_scores = np.full(len(chunk), -1.0, dtype=np.float32)
        best_at = np.full(len(chunk), -1, dtype=np.int64)
        for first in range(0, len(choices), cols):
            # Keys hold sorted tokens, so ratio() here is token_sort_ratio of the names.
            sliced = choices[first:first + cols]
            matrix = _scores(chunk, sliced, threshold, shared)
            _keep_best(matrix, chunk, sliced, first, threshold, 0, best_scores, best_at,
                       None if query_ids is None else query_ids[start:start + rows],
                       None if choice_ids is None else choice_ids[first:first + cols])
        out.extend((float(sc), int(b)) if b >= 0 and sc >= threshold else (0.0, -1)
                   for sc, b in zip(best_scores, best_at))
    return out


def _keep_best(matrix: np.ndarray, queries: list[str], choices: list[str], first: int,
               threshold: float, fill: float, best_scores: np.ndarray, best_at: np.ndarray,
               query_ids: list | None = None, choice_ids: list | None = None) -> None:
    """Fold the scores of ``queries`` against ``choices`` (from index ``first`` on) into
    each query's best score and choice so far; a tie counts for the choice met first.
    Only the rows reaching the threshold are looked at further (a few, most often)."""
    hits = np.flatnonzero(matrix.max(axis=1) >= threshold)
    if not len(hits):
        return
    matrix = matrix[hits]
    hit_list = hits.tolist()
    _drop_other_numbers(matrix, [queries[h] for h in hit_list], choices, threshold, fill,
                        None if query_ids is None else [query_ids[h] for h in hit_list],
                        choice_ids)
    best = matrix.argmax(axis=1)
    scores = matrix[np.arange(len(hits)), best]
    better = scores > best_scores[hits]
    best_scores[hits[better]] = scores[better]
    best_at[hits[better]] = best[better] + first


def _in_order(work: Callable[..., list], tasks: list[tuple], cells: list[float]
              ) -> Iterable[list]:
    """work(*task, shared) of each task, in order. With enough comparisons, the tasks
    are shared by the cores (cdist lets go of the GIL): consecutive tasks in batches of
    about the same number of comparisons."""
    workers = min(4, os.cpu_count() or 1)
    total = sum(cells)
    if workers < 2 or total < _SHARED_CELLS or len(tasks) < 2:
        return (work(*task, False) for task in tasks)
    batches: list[list[tuple]] = [[]]
    size, done = total / (workers * 8), 0.0
    for task, task_cells in zip(tasks, cells):
        if done >= size * len(batches) and batches[-1]:
            batches.append([])
        batches[-1].append(task)
        done += task_cells

    def run(batch: list[tuple]) -> list[list]:
        return [work(*task, True) for task in batch]

    with ThreadPoolExecutor(workers) as pool:
        return [result for results in pool.map(run, batches) for result in results]


def _distinct_blocks(asking: dict[str, Any], members: Mapping[str, Any], key: Any = tuple
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


class _Lengths:
    """Which name lengths can reach the threshold: ratio() is 100 * (1 - d / (a + b)) with
    an edit distance d >= |a - b|, so names of 20 letters only match names of 17 to 23
    letters at 92. Comparing a block by bands of lengths skips the rest.

    Nothing here is as long as the longest name: one name of a billion letters (a cell of
    a hostile file) once made this ask numpy for 8.6 GiB."""

    def __init__(self, threshold: float):
        self.on = 1 <= threshold <= 100
        self.t = threshold - 0.01  # a margin: a pair left out scores under threshold - 0.01

    def low(self, length: int) -> int:
        return math.ceil(self.t * length / (200 - self.t))

    def high(self, length: int) -> int:
        return math.floor(length * (200 - self.t) / self.t)

    def bands(self, asking: np.ndarray, asking_lengths: np.ndarray, choices: np.ndarray,
              choice_lengths: np.ndarray, triangle: bool
              ) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(rows asking, choices)] covering every pair that can reach the threshold: the
        asking rows are split by lengths where the comparisons saved pay for more calls."""
        if not len(asking) or not len(choices):
            return []
        if not self.on or len(asking) * len(choices) < _BAND_CELLS:
            return [(asking, choices)]
        lengths, counts = np.unique(asking_lengths, return_counts=True)
        lengths = lengths.tolist()
        asked_cum = [0, *np.cumsum(counts).tolist()]   # rows asking up to each length
        sorted_choices = np.sort(choice_lengths).tolist()
        at = {length: k for k, length in enumerate(lengths)}
        low, high = self.low, self.high
        factor = 0.5 if triangle else 1.0

        def cost(first: int, last: int) -> float:
            rows = asked_cum[at[last] + 1] - asked_cum[at[first]]
            cols = (bisect_right(sorted_choices, high(last))
                    - bisect_left(sorted_choices, low(first)))
            cells = rows * cols * factor
            # Rows compared in chunks with the rows above them waste about
            # sqrt(2 * cells * _CALL_CELLS) comparisons and calls (see _earlier_matches).
            return cells + _CALL_CELLS + (math.sqrt(2 * cells * _CALL_CELLS) if triangle
                                          else _CALL_CELLS * (cells // _CELLS_PER_CHUNK))

        spans = []
        first = last = lengths[0]
        current = cost(first, last)
        for length in lengths[1:]:
            merged, alone = cost(first, length), cost(length, length)
            if merged <= current + alone:
                last, current = length, merged
            else:
                spans.append((first, last))
                first = last = length
                current = alone
        spans.append((first, last))
        out = []
        for first, last in spans:
            rows = asking[(asking_lengths >= first) & (asking_lengths <= last)]
            cols = choices[(choice_lengths >= low(first)) & (choice_lengths <= high(last))]
            if len(cols):
                out.append((rows, cols))
        return out


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
    places = _Places()
    rows = _Side(list(zip(*fields)) or [()] * 6, places)
    actor_columns = list(zip(*actor_fields)) or [()] * 8
    known = None
    if actor_fields:  # a file imported again: its names are the catalogue's
        try:
            known = dict(zip(rows.names, rows.keys))
        except TypeError:  # an unhashable name
            pass
    cat = _Side(actor_columns, places, known)
    actor_ids = actor_columns[6]
    _cut_big_blocks(rows, cat, places)
    lengths = _Lengths(threshold)

    aliases = _alias_keys(actor_columns[7], cat.keys) if actor_ids else {}
    spread = _spread_names(rows, cat, aliases, places)
    found = _same_in_catalogue(rows, cat, actor_ids, places, aliases,
                               spread) if actor_ids else {}
    _given_ids(found, given, rows.keys, actor_ids, cat.keys, threshold)
    named = np.flatnonzero(rows.lengths)   # rows with a name
    unsettled = np.ones(len(numbers), dtype=bool)
    unsettled[list(found)] = False
    if actor_ids and unsettled[named].any():
        found.update(_close_in_catalogue(rows, named[unsettled[named]], cat, actor_ids,
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
    same = _same_in_file(rows, places, spread)
    unsettled[list(same)] = False
    earlier = _close_in_file(rows, named, unmatched, named[unsettled[named]], places,
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


def _object_array(values: list) -> np.ndarray:
    """A numpy array of Python objects (tuples stay elements, not rows)."""
    return np.fromiter(values, dtype=object, count=len(values))


_DIGITS = re.compile(r"[0-9]+")


@lru_cache(maxsize=65536)
def _numbers_of(key: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(key))


def _drop_other_numbers(matrix: np.ndarray, queries: list[str], choices: list[str],
                        threshold: float, fill: float, query_ids: list | None = None,
                        choice_ids: list | None = None) -> None:
    """Set to ``fill`` the scores reaching ``threshold`` of names holding other numbers,
    and of records with conflicting identifiers (two SIRETs: two establishments).

    Names differing only by a number are different organisations (« Acteur import 1 »
    and « Acteur import 2 », a « Site 2 » next to a « Site 3 »), however close they look;
    a typo (« Celectis ») changes no number. Only the pairs reaching the threshold are
    looked at: a few in an ordinary file, so this costs nothing on the way of 100k rows."""
    rows, cols = np.nonzero(matrix >= threshold)
    numbers = _numbers_of
    if query_ids is None or choice_ids is None:
        other = [k for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))
                 if numbers(queries[r]) != numbers(choices[c])]
    else:
        other = [k for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))
                 if numbers(queries[r]) != numbers(choices[c])
                 or conflicting(query_ids[r], choice_ids[c])]
    if other:
        matrix[rows[other], cols[other]] = fill


def _cut_big_blocks(rows: _Side, cat: _Side, places: _Places) -> None:
    """Blocks too big to compare pairwise (a postcode of central Paris in a national file)
    are cut by the first two letters of the name key; those still too big (« Acteur
    import 1 » … « 99999 » in one commune), by the numbers in the names, which must be the
    same for a match anyway."""
    for part in (lambda key: key[:2], lambda key: "#" + " ".join(_numbers_of(key))):
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


def _same_in_catalogue(rows: _Side, cat: _Side, actor_ids: Sequence[Any], places: _Places,
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
    more = _repeated(cat.keys, first)
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


def _spread_names(rows: _Side, cat: _Side, aliases: Mapping[str, list[int]],
                  places: _Places) -> frozenset[str]:
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


def _alias_keys(aliases: Sequence[Any], own_keys: list[str]) -> dict[str, list[int]]:
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

def _given_ids(found: dict[int, tuple[Any, str, float]], given: list[tuple[int, Any]],
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


def _close_in_catalogue(rows: _Side, asking: np.ndarray, cat: _Side,
                        actor_ids: Sequence[Any], places: _Places, lengths: _Lengths,
                        threshold: float) -> dict[int, tuple[Any, str, float]]:
    """row -> (actor id, "name", score) for the asking rows with a close name among the
    actors of their blocks."""
    actors_by_place = cat.by_place(np.flatnonzero(cat.lengths))
    actor_places = _block_places(actors_by_place, places.blocks)
    asking_by_place = rows.by_place(asking)
    pending_places = {block: in_block for block, in_block in
                      _block_places(asking_by_place, places.asked).items()
                      if block in actor_places}
    pending = {block: _joined(asking_by_place, in_block)
               for block, in_block in pending_places.items()}
    block_actors = {block: _joined(actors_by_place, actor_places[block])
                    for block in pending}
    block_ids = {block: [actor_ids[j] for j in block_actors[block].tolist()]
                 for block in pending}
    rank = {block: k for k, block in enumerate(pending)}
    member_places = {block: frozenset(actor_places[block]) for block in pending}
    tasks: list[tuple] = []
    for block, indexes in _distinct_blocks(pending, block_ids):
        done = _compared_before(block, pending_places[block], places.asked, rank,
                                member_places)
        if done:
            indexes = indexes[~_among(rows.places[indexes], done, len(places.blocks))]
        members = block_actors[block]
        for asking_rows, at in lengths.bands(indexes, rows.lengths[indexes],
                                             np.arange(len(members)),
                                             cat.lengths[members], False):
            tasks.append((asking_rows.tolist(), members[at], block_ids[block], at))
    row_keys = np.array(rows.keys, dtype=object)
    actor_keys = np.array(cat.keys, dtype=object)
    # Identifiers are looked at only when both sides have some.
    with_ids = bool(rows.with_ids and cat.with_ids)
    row_ids = _object_array(rows.idents) if with_ids else None
    actor_idents = _object_array(cat.idents) if with_ids else None

    def closest_actors(asking_rows: list[int], choices: np.ndarray, ids: list[Any],
                       at: np.ndarray, shared: bool) -> list[tuple[int, float, Any]]:
        results = _best_matches(
            row_keys[asking_rows].tolist(), actor_keys[choices].tolist(), threshold, shared,
            None if row_ids is None else row_ids[asking_rows].tolist(),
            None if actor_idents is None else actor_idents[choices].tolist())
        return [(i, score, ids[at[best]]) for i, (score, best)
                in zip(asking_rows, results) if best >= 0]

    fuzzy: dict[int, tuple[float, Any]] = {}
    for results in _in_order(closest_actors, tasks,
                             [len(task[0]) * len(task[1]) for task in tasks]):
        for i, score, actor_id in results:
            if score > fuzzy.get(i, (0.0,))[0]:
                fuzzy[i] = (score, actor_id)
    return {i: (actor_id, "name", score) for i, (score, actor_id) in fuzzy.items()}


def _same_in_file(rows: _Side, places: _Places, spread: frozenset[str] = frozenset()
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
    for key, group in _repeated(keys, first_row).items():
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


def _close_in_file(rows: _Side, named: np.ndarray, unmatched: np.ndarray,
                   asking: np.ndarray, places: _Places, lengths: _Lengths,
                   threshold: float) -> dict[int, tuple[float, int]]:
    """row -> (score, row above) for the asking rows with a close name among the rows
    above them in their blocks. ``named``: the rows with a name; ``unmatched``: those
    matching no actor, whose order of blocks counts (the first block to find a tie wins,
    as when every one of them asked); ``asking``: those matching nothing else."""
    first_places, first_rows = np.unique(rows.places[unmatched], return_index=True)
    asking_by_place = rows.by_place(asking)
    query_places = _block_places(asking_by_place, places.asked,
                                 order=first_places[np.argsort(first_rows)].tolist())
    queries = {block: _joined(asking_by_place, in_block)
               for block, in_block in query_places.items()}
    if not queries:
        return {}
    named_by_place = rows.by_place(named)
    row_places = _block_places(named_by_place, places.blocks)
    members = {block: _joined(named_by_place, row_places[block]) for block in queries}
    rank = {block: k for k, block in enumerate(queries)}
    member_places = {block: frozenset(row_places[block]) for block in queries}
    tasks = []
    for block, asking_rows in _distinct_blocks(queries, members,
                                               key=lambda rows: rows.tobytes()):
        choices = members[block]
        if len(choices) < 2:
            continue
        done = _compared_before(block, query_places[block], places.asked, rank,
                                member_places)
        if done:
            asking_rows = asking_rows[~_among(rows.places[asking_rows], done,
                                              len(places.blocks))]
        asking_rows = asking_rows[asking_rows > choices[0]]
        tasks.extend(lengths.bands(asking_rows, rows.lengths[asking_rows], choices,
                                   rows.lengths[choices], True))
    earlier: dict[int, tuple[float, int]] = {}
    keys = np.array(rows.keys, dtype=object)
    # Two rows of the file can only conflict when at least two have identifiers.
    idents = _object_array(rows.idents) if len(rows.with_ids) > 1 else None
    for results in _in_order(partial(_earlier_matches, keys=keys, threshold=threshold,
                                     idents=idents),
                             tasks, [len(task[0]) * len(task[1]) / 2 for task in tasks]):
        for i, score, at in results:
            if score > earlier.get(i, (0.0,))[0]:
                earlier[i] = (score, at)
    return earlier


def _repeated(keys: list[str], first: dict[str, int]) -> dict[str, list[int]]:
    """name key -> the records with it, for the keys of more than one record (``first``:
    key -> first record with it)."""
    if len(first) + (1 if "" in keys else 0) == len(keys):
        return {}
    out: dict[str, list[int]] = {}
    for key, count in Counter(keys).items():
        if count > 1 and key:
            out[key] = []
    for i, key in enumerate(keys):
        if key in out:
            out[key].append(i)
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


def _earlier_matches(asking: np.ndarray, choices: np.ndarray, shared: bool, *,
                     keys: np.ndarray, threshold: float, idents: np.ndarray | None = None
                     ) -> list[tuple[int, float, int]]:
    """(row, score, row matched) for the asking rows with a close name among the choices
    above them (rows in file order) holding the same numbers and no conflicting
    identifier (``idents``: each row's (SIRET, SIREN) or None), the best one."""
    out = []
    choice_keys = keys[choices].tolist()
    choice_ids = None if idents is None else idents[choices].tolist()
    above = np.searchsorted(choices, asking)   # choices above each asking row
    # Each row is compared with the rows above it only: a chunk of rows goes against the
    # choices before its last row (a lower triangle, not the whole square). Smaller chunks
    # waste fewer comparisons, at the cost of more calls.
    rows = min(_TRIANGLE_ROWS, max(8, int(math.sqrt(
        2 * len(asking) * _CALL_CELLS / max(1, len(choices))))))
    start = 0
    while start < len(asking):
        size = max(1, min(rows, _CELLS_PER_CHUNK // max(1, int(above[start]))))
        chunk, before = asking[start:start + size], above[start:start + size]
        start += len(chunk)
        limit = int(before[-1])
        if not limit:
            continue
        queries = keys[chunk].tolist()
        cols = max(1, _CELLS_PER_CHUNK // len(chunk))  # bounded matrices, however many above
        best_scores = np.full(len(chunk), -1.0, dtype=np.float32)
        best_at = np.full(len(chunk), -1, dtype=np.int64)
        for first in range(0, limit, cols):
            last = min(limit, first + cols)
            sliced = choice_keys[first:last]
            matrix = _scores(queries, sliced, threshold, shared)
            # A row may only match the rows above it (the row itself and the rows below it
            # are among the choices of the chunk's last row): only the columns from the
            # first row of the chunk on hold such cells.
            low = max(first, int(before[0]))
            if low < last:
                matrix[:, low - first:][np.arange(low, last)[None, :] >= before[:, None]] = -1
            _keep_best(matrix, queries, sliced, first, threshold, -1, best_scores, best_at,
                       None if idents is None else idents[chunk].tolist(),
                       None if choice_ids is None else choice_ids[first:last])
        for r in np.flatnonzero((best_scores >= threshold) & (best_at >= 0)).tolist():
            out.append((int(chunk[r]), float(best_scores[r]), int(choices[best_at[r]])))
    return out
