"""« Vouliez-vous dire … ? »: the closest names and values to a query that found too little.

A pure computation over candidates the caller gives (actors' names and aliases,
vocabulary labels, synonyms' terms), each saying what it is and what applying it does;
this module only ranks them. Texts are compared folded (eco_desktop.text.fold) with
rapidfuzz's ``ratio`` (an edit distance in C: « cellectiss » is 95 from « cellectis »).
Its cost grows with the number of candidates and with the query's length, so the folded
candidates are prepared once (:class:`Suggester`) and the query is cut to
MAX_QUERY_CHARS: a suggestion at 100k names stays within a keystroke's budget
(docs/PERFORMANCE.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

from rapidfuzz import fuzz, process

from ..text import fold

# Beyond this a typed text is no misspelt name (and comparing it costs more).
MAX_QUERY_CHARS = 60
# Shorter typed texts are too close to too many names to suggest any.
MIN_QUERY_CHARS = 3
# rapidfuzz's ratio (0-100) under which a candidate is not proposed.
DEFAULT_CUTOFF = 75.0
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class Candidate:
    """Something a query may have meant.

    ``text`` is compared with the query, ``label`` is shown (``text`` when empty),
    ``kind`` says what it is (``name``, ``alias``, ``kind``, ``domain``…: ``KIND_ORDER``
    ranks equal scores) and ``apply`` is what choosing it does, opaque here (the text to
    search, a facet value to select)."""

    text: str
    kind: str
    apply: Hashable
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.text


# Among equal scores: an actor's name before its other names, before vocabulary values.
KIND_ORDER = ("name", "alias", "kind", "domain", "activity", "synonym")


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float


class Suggester:
    """Candidates folded once, to be asked many times (one per keystroke that finds little)."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        by_text: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            folded = fold(candidate.text)
            if folded:
                by_text.setdefault(folded, []).append(candidate)
        self._texts: list[str] = list(by_text)
        self._candidates: list[list[Candidate]] = list(by_text.values())

    def __len__(self) -> int:
        return len(self._texts)

    def suggest(self, typed: str, *, limit: int = DEFAULT_LIMIT,
                cutoff: float = DEFAULT_CUTOFF) -> list[Suggestion]:
        """The closest candidates to ``typed``, best first, at most ``limit``, each at
        least ``cutoff``; the same ``apply`` is proposed once."""
        query = fold(typed)[:MAX_QUERY_CHARS].strip()
        if len(query) < MIN_QUERY_CHARS or limit <= 0:
            return []
        # More texts than wanted: several may apply the same way (a name and its alias).
        matches = process.extract(query, self._texts, scorer=fuzz.ratio, processor=None,
                                  score_cutoff=cutoff, limit=limit * 4)
        found = [Suggestion(candidate, score)
                 for _text, score, position in matches for candidate in self._candidates[position]]
        found.sort(key=lambda s: (-s.score, _kind_rank(s.candidate.kind), fold(s.candidate.shown)))
        seen: set[Hashable] = set()
        best: list[Suggestion] = []
        for suggestion in found:
            if suggestion.candidate.apply in seen:
                continue
            seen.add(suggestion.candidate.apply)
            best.append(suggestion)
            if len(best) == limit:
                break
        return best


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def suggest(typed: str, candidates: Iterable[Candidate], *, limit: int = DEFAULT_LIMIT,
            cutoff: float = DEFAULT_CUTOFF) -> list[Suggestion]:
    """:meth:`Suggester.suggest` over candidates given once (folds them all: for repeated
    queries over the same candidates keep a :class:`Suggester`)."""
    return Suggester(candidates).suggest(typed, limit=limit, cutoff=cutoff)


def did_you_mean(suggestions: Sequence[Suggestion]) -> str:
    """« Vouliez-vous dire : Cellectis ? », « … : Genopole ou Genethon ? »; "" for none."""
    shown = [s.candidate.shown for s in suggestions]
    if not shown:
        return ""
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " ou " + shown[-1]
    return f"Vouliez-vous dire : {listed} ?"
