"""Name similarity with rapidfuzz, in score matrices of bounded size, on every core.

Keys hold sorted tokens, so ``fuzz.ratio`` of two keys is ``token_sort_ratio`` of the
names. A block is compared by bands of name lengths that can reach the threshold, a row
of the file only with the rows above it, in matrices of at most _CELLS_PER_CHUNK cells
whatever the size of a block or the length of a name; the pairs reaching the threshold
are then checked for other numbers and conflicting identifiers.
"""
from __future__ import annotations

import math
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from rapidfuzz import fuzz, process

from .keys import conflicting, numbers_of

_CELLS_PER_CHUNK = 2_000_000  # scores computed at once (8 MB of float32)
_PARALLEL_CELLS = 200_000     # from this many scores, cdist uses every core
_SHARED_CELLS = 2_000_000     # from this many scores in all, blocks are shared by the cores
_TRIANGLE_ROWS = 256          # rows compared at once with the rows above them
_BAND_CELLS = 20_000          # from this many scores, a block is compared by name lengths
_CALL_CELLS = 3_000           # one more cdist call costs about as much as this many scores


def _scores(queries: list[str], choices: list[str], threshold: float,
            shared: bool = False) -> np.ndarray:
    """Name similarity of every query with every choice (0 under ``threshold``); big
    matrices are computed on all cores, unless the blocks are ``shared`` already."""
    cells = len(queries) * len(choices)
    return process.cdist(queries, choices, scorer=fuzz.ratio, processor=None,
                         score_cutoff=threshold, dtype=np.float32,
                         workers=-1 if cells >= _PARALLEL_CELLS and not shared else 1)


def best_matches(queries: list[str], choices: list[str], threshold: float,
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


def in_order(work: Callable[..., list], tasks: list[tuple], cells: list[float]
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


class Lengths:
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
            # sqrt(2 * cells * _CALL_CELLS) comparisons and calls (see earlier_matches).
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
    numbers = numbers_of
    if query_ids is None or choice_ids is None:
        other = [k for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))
                 if numbers(queries[r]) != numbers(choices[c])]
    else:
        other = [k for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))
                 if numbers(queries[r]) != numbers(choices[c])
                 or conflicting(query_ids[r], choice_ids[c])]
    if other:
        matrix[rows[other], cols[other]] = fill


def earlier_matches(asking: np.ndarray, choices: np.ndarray, shared: bool, *,
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
