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

NAME_THRESHOLD = 92
BIG_BLOCK = 5000             # a block bigger than this is cut by the names' first letters
_CELLS_PER_CHUNK = 2_000_000  # scores computed at once (8 MB of float32)
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


def _blocks(data: Mapping) -> list[str]:
    keys = []
    postcode = str(data.get("postcode") or "").strip()
    if postcode:
        keys.append("p" + postcode)
    insee = str(data.get("insee_code") or "").strip()
    if insee:
        keys.append("i" + insee)
    commune = _commune_key(str(data.get("commune") or ""))
    if commune:
        keys.append("c" + commune)
    return keys


def _query_blocks(blocks: list[str]) -> list[str]:
    """The blocks a row is compared in: by the commune's name only when the INSEE code is
    missing (it says more, and the comparison is done once instead of twice)."""
    if any(b.startswith("i") for b in blocks):
        return [b for b in blocks if not b.startswith("c")]
    return blocks


def _siren_of(data: Mapping, siret: str) -> str:
    siren = str(data.get("siren") or "").strip()
    return siren or (siret[:9] if len(siret) == 14 else "")


class _Identifiers:
    """SIRET, SIREN and name-in-block lookups, first registration wins."""

    def __init__(self) -> None:
        self.by_siret: dict[str, Any] = {}
        self.by_siren: dict[str, list[tuple[Any, str]]] = {}
        self.exact: dict[tuple[str, str], Any] = {}

    def add(self, data: Mapping, key: str, blocks: list[str], ref: Any) -> None:
        siret = str(data.get("siret") or "").strip()
        siren = _siren_of(data, siret)
        if siret:
            self.by_siret.setdefault(siret, ref)
        if siren:
            self.by_siren.setdefault(siren, []).append((ref, siret))
        if key:
            for block in blocks:
                self.exact.setdefault((block, key), ref)

    def find(self, data: Mapping, key: str, blocks: list[str]) -> tuple[Any, str, float] | None:
        siret = str(data.get("siret") or "").strip()
        if siret and siret in self.by_siret:
            return self.by_siret[siret], "siret", 100.0
        siren = _siren_of(data, siret)
        if siren:
            for ref, other_siret in self.by_siren.get(siren, ()):
                if not (siret and other_siret and siret != other_siret):
                    return ref, "siren", 100.0
        if key:
            for block in blocks:
                ref = self.exact.get((block, key))
                if ref is not None:
                    return ref, "name", 100.0
        return None


def _best_matches(queries: list[str], choices: list[str], threshold: float
                  ) -> list[tuple[float, int]]:
    """For each query, (best score >= threshold, index in choices) or (0.0, -1)."""
    out: list[tuple[float, int]] = []
    rows = max(1, _CELLS_PER_CHUNK // max(1, len(choices)))
    for start in range(0, len(queries), rows):
        chunk = queries[start:start + rows]
        # Keys hold sorted tokens, so ratio() here is token_sort_ratio of the names.
        matrix = process.cdist(chunk, choices, scorer=fuzz.ratio, processor=None,
                               score_cutoff=threshold, dtype=np.float32)
        best = matrix.argmax(axis=1)
        scores = matrix[np.arange(len(chunk)), best]
        out.extend((float(sc), int(b)) if sc >= threshold else (0.0, -1)
                   for sc, b in zip(scores, best))
    return out


def _split_big_blocks(blocks: list[list[str]], keys: list[str], sizes: dict[str, int]
                      ) -> None:
    """Blocks too big to compare pairwise (a postcode of central Paris in a national file)
    are cut by the first two letters of the name key."""
    for i, row_blocks in enumerate(blocks):
        if any(sizes.get(b, 0) > BIG_BLOCK for b in row_blocks):
            prefix = keys[i][:2]
            blocks[i] = [b + "/" + prefix if sizes.get(b, 0) > BIG_BLOCK else b
                         for b in row_blocks]


def find_duplicates(candidates: Iterable[Any], existing: Iterable[Mapping],
                    *, threshold: float = NAME_THRESHOLD) -> list[Duplicate | None]:
    """For each candidate (a Candidate or an actor dict), its Duplicate or None.

    ``existing``: actor dicts with at least ``id``, ``name``, ``siret``, ``siren``,
    ``postcode``, ``insee_code``, ``commune``. A row matching the catalogue points at the
    actor; otherwise a row matching an earlier row points at the first occurrence (or at
    the actor that first occurrence matched). Rules are tried in order (SIRET, SIREN, the
    catalogue id with a close name, the same name, a close name), the catalogue first.
    """
    rows = [_fields(c) for c in candidates]
    row_keys = [name_key(data.get("name")) for data, _id, _n in rows]
    row_blocks = [_blocks(data) for data, _id, _n in rows]
    actors = [a for a in existing]
    actor_keys = [name_key(a.get("name")) for a in actors]
    actor_blocks = [_blocks(a) for a in actors]

    sizes: dict[str, int] = {}
    for blocks in (*row_blocks, *actor_blocks):
        for block in blocks:
            sizes[block] = sizes.get(block, 0) + 1
    _split_big_blocks(row_blocks, row_keys, sizes)
    _split_big_blocks(actor_blocks, actor_keys, sizes)

    # -- against the catalogue ----------------------------------------------------------
    catalogue = _Identifiers()
    by_id: dict[int, str] = {}
    block_keys: dict[str, list[str]] = {}
    block_ids: dict[str, list[Any]] = {}
    for actor, key, blocks in zip(actors, actor_keys, actor_blocks):
        actor_id = actor.get("id")
        catalogue.add(actor, key, blocks, actor_id)
        if actor_id is not None:
            by_id.setdefault(int(actor_id), key)
        if key:
            for block in blocks:
                block_keys.setdefault(block, []).append(key)
                block_ids.setdefault(block, []).append(actor_id)

    found: list[tuple[Any, str, float] | None] = [None] * len(rows)
    pending: dict[str, list[int]] = {}
    for i, (data, given_id, _number) in enumerate(rows):
        key, blocks = row_keys[i], row_blocks[i]
        match = catalogue.find(data, key, blocks)
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
    for block, indexes in pending.items():
        results = _best_matches([row_keys[i] for i in indexes], block_keys[block], threshold)
        for i, (score, at) in zip(indexes, results):
            if at >= 0 and score > fuzzy.get(i, (0.0,))[0]:
                fuzzy[i] = (score, block_ids[block][at])
    for i, (score, actor_id) in fuzzy.items():
        found[i] = (("actor", actor_id), "name", score)

    # -- within the file: each row against the rows above it ----------------------------
    members: dict[str, list[int]] = {}   # rows in a block, in file order
    queries: dict[str, list[int]] = {}   # rows compared in that block
    for i, key in enumerate(row_keys):
        if key:
            for block in row_blocks[i]:
                members.setdefault(block, []).append(i)
            for block in _query_blocks(row_blocks[i]):
                queries.setdefault(block, []).append(i)
    earlier: dict[int, tuple[float, int]] = {}
    for block, asking in queries.items():
        choices = members[block]
        if len(choices) < 2:
            continue
        asking = [i for i in asking if i > choices[0]]
        choice_keys = [row_keys[j] for j in choices]
        rows_per_chunk = max(1, _CELLS_PER_CHUNK // len(choices))
        for start in range(0, len(asking), rows_per_chunk):
            chunk = asking[start:start + rows_per_chunk]
            matrix = process.cdist([row_keys[i] for i in chunk], choice_keys,
                                   scorer=fuzz.ratio, processor=None,
                                   score_cutoff=threshold, dtype=np.float32)
            for i, scores in zip(chunk, matrix):
                above = scores[:bisect_left(choices, i)]  # rows before this one
                if not len(above):
                    continue
                at = int(above.argmax())
                score = float(above[at])
                if score >= threshold and score > earlier.get(i, (0.0,))[0]:
                    earlier[i] = (score, choices[at])

    seen = _Identifiers()
    refs: list[Any] = [None] * len(rows)
    out: list[Duplicate | None] = []
    for i, (data, _given_id, number) in enumerate(rows):
        match = found[i] or seen.find(data, row_keys[i], row_blocks[i])
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
        seen.add(data, row_keys[i], row_blocks[i], refs[i])
    return out
