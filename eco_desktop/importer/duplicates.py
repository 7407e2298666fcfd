"""Which imported rows are already in the catalogue, or already earlier in the file.

Rules, in order: the same SIRET; else the same SIREN (unless both have a SIRET and they
differ: two sites of one company are two actors); else a close name in the same commune
(INSEE code or name) or with the same postcode — rapidfuzz ``token_sort_ratio`` >= 92 on
names folded (accents, case, punctuation) and stripped of legal forms ("CELLECTIS" =
"Cellectis" = "Cellectis SA"). A row carrying the catalogue id of our own export matches
that actor when the names are close too.

Names are compared within blocks (postcode, INSEE code, commune) only, so 100,000 rows
against 100,000 actors take seconds, not hours.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..text import fold
from ._gc import gc_paused

NAME_THRESHOLD = 92
BIG_BLOCK = 5000             # a block bigger than this is cut by the names' first letters
_CELLS_PER_CHUNK = 2_000_000  # scores computed at once (8 MB of float32)
_PARALLEL_CELLS = 200_000     # from this many scores, cdist uses every core
_TRIANGLE_ROWS = 256          # rows compared at once with the rows above them
LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "se", "sca", "gie", "gmbh", "ltd",
                         "inc", "eurl", "snc", "scop", "llc", "plc"})


_NON_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str | None) -> str:
    """text.fold() with a fast path for ASCII text (most names): same result."""
    if not text:
        return ""
    text = str(text)
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    return fold(text)


def name_key(name: str | None) -> str:
    """Folded name without legal forms, tokens sorted: 'Cellectis S.A.' -> 'cellectis'."""
    tokens = _fold(name).split()
    if any(len(t) == 1 for t in tokens):
        merged: list[str] = []
        run: list[str] = []
        for token in tokens + [""]:  # "s a s" (from "S.A.S.") -> "sas"
            if len(token) == 1:
                run.append(token)
                continue
            if len(run) > 1:
                merged.append("".join(run))
            else:
                merged.extend(run)
            run = []
            if token:
                merged.append(token)
        tokens = merged
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


def _fields(record: Any) -> tuple[dict, int | None, int | None]:
    """(data, id given in the file, row number) of a Candidate or a plain dict."""
    data = getattr(record, "data", None)
    if data is None:
        return record, record.get("id"), None
    link = getattr(record, "link", {}) or {}
    return data, link.get("id"), getattr(record, "row_number", None)


@lru_cache(maxsize=65536)
def _commune_key(commune: str) -> str:
    return fold(commune)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _blocks(data: Mapping) -> list[str]:
    keys = []
    postcode = _text(data.get("postcode"))
    if postcode:
        keys.append("p" + postcode)
    insee = _text(data.get("insee_code"))
    if insee:
        keys.append("i" + insee)
    commune = data.get("commune")
    if commune:
        commune = _commune_key(_text(commune))
        if commune:
            keys.append("c" + commune)
    return keys


def _query_blocks(blocks: list[str]) -> list[str]:
    """The blocks a row is compared in: by the commune's name only when the INSEE code is
    missing (it says more, and the comparison is done once instead of twice)."""
    if len(blocks) > 1 and blocks[-1][0] == "c" and any(b[0] == "i" for b in blocks):
        return blocks[:-1]
    return blocks


class _Record:
    """What the rules look at, computed once per row or actor."""

    __slots__ = ("siret", "siren", "key", "blocks")

    def __init__(self, data: Mapping):
        self.siret = siret = _text(data.get("siret"))
        self.siren = _text(data.get("siren")) or (siret[:9] if len(siret) == 14 else "")
        self.key = name_key(data.get("name"))
        self.blocks = _blocks(data)


class _Identifiers:
    """SIRET, SIREN and name-in-block lookups, first registration wins."""

    def __init__(self) -> None:
        self.by_siret: dict[str, Any] = {}
        self.by_siren: dict[str, list[tuple[Any, str]]] = {}
        self.exact: dict[tuple[str, str], Any] = {}

    def add(self, rec: _Record, ref: Any) -> None:
        if rec.siret:
            self.by_siret.setdefault(rec.siret, ref)
        if rec.siren:
            self.by_siren.setdefault(rec.siren, []).append((ref, rec.siret))
        if rec.key:
            exact, key = self.exact, rec.key
            for block in rec.blocks:
                exact.setdefault((block, key), ref)

    def find(self, rec: _Record) -> tuple[Any, str, float] | None:
        siret = rec.siret
        if siret:
            ref = self.by_siret.get(siret)
            if ref is not None:
                return ref, "siret", 100.0
        if rec.siren:
            for ref, other_siret in self.by_siren.get(rec.siren, ()):
                if not (siret and other_siret and siret != other_siret):
                    return ref, "siren", 100.0
        if rec.key:
            exact, key = self.exact, rec.key
            for block in rec.blocks:
                ref = exact.get((block, key))
                if ref is not None:
                    return ref, "name", 100.0
        return None


def _scores(queries: list[str], choices: list[str], threshold: float) -> np.ndarray:
    """Name similarity of every query with every choice (0 under ``threshold``); big
    matrices are computed on all cores."""
    cells = len(queries) * len(choices)
    return process.cdist(queries, choices, scorer=fuzz.ratio, processor=None,
                         score_cutoff=threshold, dtype=np.float32,
                         workers=-1 if cells >= _PARALLEL_CELLS else 1)


def _best_matches(queries: list[str], choices: list[str], threshold: float
                  ) -> list[tuple[float, int]]:
    """For each query, (best score >= threshold, index in choices) or (0.0, -1)."""
    out: list[tuple[float, int]] = []
    rows = max(1, _CELLS_PER_CHUNK // max(1, len(choices)))
    for start in range(0, len(queries), rows):
        chunk = queries[start:start + rows]
        # Keys hold sorted tokens, so ratio() here is token_sort_ratio of the names.
        matrix = _scores(chunk, choices, threshold)
        best = matrix.argmax(axis=1)
        scores = matrix[np.arange(len(chunk)), best]
        out.extend((float(sc), int(b)) if sc >= threshold else (0.0, -1)
                   for sc, b in zip(scores, best))
    return out


def _distinct_blocks(asking: dict[str, list[int]], members: Mapping[str, list]
                     ) -> list[tuple[str, list[int]]]:
    """(block, rows asking) without the comparisons another block already makes: the
    postcode and the INSEE code of one commune often hold the same actors, and comparing
    the same rows with the same names twice finds nothing new."""
    done: dict[tuple, set[int]] = {}
    out = []
    for block, rows in asking.items():
        key = tuple(members[block])
        seen = done.get(key)
        if seen is not None and seen.issuperset(rows):
            continue
        if seen is None:
            done[key] = set(rows)
        out.append((block, rows))
    return out


def _split_big_blocks(records: list[_Record], sizes: dict[str, int]) -> None:
    """Blocks too big to compare pairwise (a postcode of central Paris in a national file)
    are cut by the first two letters of the name key."""
    for rec in records:
        if any(sizes.get(b, 0) > BIG_BLOCK for b in rec.blocks):
            prefix = rec.key[:2]
            rec.blocks = [b + "/" + prefix if sizes.get(b, 0) > BIG_BLOCK else b
                          for b in rec.blocks]


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
    rows = [_fields(c) for c in candidates]
    row_recs = [_Record(data) for data, _id, _n in rows]
    actors = list(existing)
    actor_recs = [_Record(a) for a in actors]

    sizes: dict[str, int] = {}
    for rec in (*row_recs, *actor_recs):
        for block in rec.blocks:
            sizes[block] = sizes.get(block, 0) + 1
    if any(size > BIG_BLOCK for size in sizes.values()):
        _split_big_blocks(row_recs, sizes)
        _split_big_blocks(actor_recs, sizes)

    # -- against the catalogue ----------------------------------------------------------
    catalogue = _Identifiers()
    by_id: dict[int, str] = {}
    block_keys: dict[str, list[str]] = {}
    block_ids: dict[str, list[Any]] = {}
    for actor, rec in zip(actors, actor_recs):
        actor_id = actor.get("id")
        catalogue.add(rec, actor_id)
        if actor_id is not None:
            by_id.setdefault(int(actor_id), rec.key)
        if rec.key:
            for block in rec.blocks:
                if block in block_keys:
                    block_keys[block].append(rec.key)
                    block_ids[block].append(actor_id)
                else:
                    block_keys[block] = [rec.key]
                    block_ids[block] = [actor_id]

    found: list[tuple[Any, str, float] | None] = [None] * len(rows)
    pending: dict[str, list[int]] = {}
    for i, (data, given_id, _number) in enumerate(rows):
        rec = row_recs[i]
        key, blocks = rec.key, rec.blocks
        match = catalogue.find(rec)
        if match is None and given_id is not None and key and int(given_id) in by_id:
            score = fuzz.ratio(key, by_id[int(given_id)])
            if score >= threshold:
                match = (int(given_id), "id", float(score))
        if match is not None:
            found[i] = (("actor", match[0]), match[1], match[2])
        elif key:
            for block in _query_blocks(blocks):
                if block in block_keys:
                    pending.setdefault(block, []).append(i)
    fuzzy: dict[int, tuple[float, Any]] = {}
    for block, indexes in _distinct_blocks(pending, block_ids):
        results = _best_matches([row_recs[i].key for i in indexes], block_keys[block],
                                threshold)
        for i, (score, at) in zip(indexes, results):
            if at >= 0 and score > fuzzy.get(i, (0.0,))[0]:
                fuzzy[i] = (score, block_ids[block][at])
    for i, (score, actor_id) in fuzzy.items():
        found[i] = (("actor", actor_id), "name", score)

    # -- within the file: each row against the rows above it ----------------------------
    members: dict[str, list[int]] = {}   # rows in a block, in file order
    queries: dict[str, list[int]] = {}   # rows compared in that block
    for i, rec in enumerate(row_recs):
        if rec.key:
            for block in rec.blocks:
                members.setdefault(block, []).append(i)
            if found[i] is None:  # a row matching the catalogue is settled
                for block in _query_blocks(rec.blocks):
                    queries.setdefault(block, []).append(i)
    earlier: dict[int, tuple[float, int]] = {}
    for block, asking in _distinct_blocks(queries, members):
        choices = members[block]
        if len(choices) < 2:
            continue
        asking = [i for i in asking if i > choices[0]]
        choice_keys = [row_recs[j].key for j in choices]
        choices_array = np.asarray(choices)
        # Each row is compared with the rows above it only: a chunk of rows goes against
        # the choices before its last row (a lower triangle, not the whole square).
        start = 0
        while start < len(asking):
            first_limit = bisect_left(choices, asking[start])
            size = max(1, min(_TRIANGLE_ROWS, _CELLS_PER_CHUNK // max(1, first_limit)))
            chunk = asking[start:start + size]
            start += len(chunk)
            limit = bisect_left(choices, chunk[-1])
            if not limit:
                continue
            matrix = _scores([row_recs[i].key for i in chunk], choice_keys[:limit], threshold)
            # Only the rows before each row count.
            before = np.searchsorted(choices_array, chunk)
            matrix[np.arange(limit)[None, :] >= before[:, None]] = 0
            best = matrix.argmax(axis=1)
            scores = matrix[np.arange(len(chunk)), best]
            for r in np.flatnonzero(scores >= threshold).tolist():
                i, score = chunk[r], float(scores[r])
                if score > earlier.get(i, (0.0,))[0]:
                    earlier[i] = (score, choices[int(best[r])])

    seen = _Identifiers()
    refs: list[Any] = [None] * len(rows)
    out: list[Duplicate | None] = []
    for i, (data, _given_id, number) in enumerate(rows):
        match = found[i] or seen.find(row_recs[i])
        if match is None and i in earlier:
            score, j = earlier[i]
            match = (refs[j], "name", score)
        if match is None:
            refs[i] = ("row", i, number)
            out.append(None)
        else:
            ref, rule, score = match
            refs[i] = ref
            if ref[0] == "actor":
                out.append(Duplicate(i, number, rule, score, actor_id=ref[1]))
            else:
                out.append(Duplicate(i, number, rule, score, first_index=ref[1],
                                     first_row=ref[2]))
        seen.add(row_recs[i], refs[i])
    return out
