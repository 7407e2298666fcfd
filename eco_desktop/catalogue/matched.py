"""Why an actor matched a search (issue 18): the words of a text that a search matches (the
list emphasises them in the names) and, when the name did not match, the fields that did
(« trouvé dans : domaine Thérapie génique »).

A :class:`Reading` is a typed text read as the full-text search reads it
(:func:`.search.match_expression`), but in Python, for one text at a time: each typed word
matches a folded word it begins or whose French stem it shares; a span of the synonyms table
matches its typed words or one of its group's members, a phrase matched on stems in order;
a SIREN or SIRET typed with spaces matches as its digits too. Nothing here runs for every
row of a list: the window asks for the rows it paints (:meth:`Reading.spans`, kept per text)
and for the actor under the pointer (:func:`match_reasons`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from .. import fields
from ..text import fold
from ..vocab import FACET_LABELS
from .identifiers import typed_identifiers
from .search import parse_query
from .stemming import stem_words
from .synonyms import LabelOf, Phrase, Synonyms, Value

# The most reasons a tooltip gives (an actor matching everywhere would fill the screen).
MAX_REASONS = 4
# Texts whose spans a reading keeps (the rows of a few screens of the list).
SPANS_KEPT = 2000


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    piece = fold(char)
    return piece if piece.isalnum() else ""


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is (``start``:``end``), folded, and the folded length
    each of its characters ends at (a ligature folds to two letters)."""

    start: int
    end: int
    word: str
    ends: tuple[int, ...]

    def length_of(self, folded_prefix: int) -> int:
        """How many characters of the text make the first ``folded_prefix`` folded letters."""
        for i, end in enumerate(self.ends):
            if end >= folded_prefix:
                return i + 1
        return len(self.ends)


def tokens(text: str) -> list[Token]:
    """The words of ``text`` as folding splits them, each placed in the text."""
    out: list[Token] = []
    start, word, ends = -1, "", []
    for i, char in enumerate(text + " "):
        piece = _folded_char(char) if i < len(text) else ""
        if piece:
            if start < 0:
                start, word, ends = i, "", []
            word += piece
            ends.append(len(word))
        elif start >= 0:
            out.append(Token(start, i, word, tuple(ends)))
            start = -1
    return out


@dataclass(frozen=True)
class Alternative:
    """Another member of a synonym's group: what it is called, and its words' stems."""

    text: str
    stems: tuple[str, ...]


@dataclass(frozen=True)
class Needle:
    """One required part of a query: typed words (each a prefix or a stem), or one of the
    alternatives (a phrase of stems, a number's digits)."""

    typed: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    alternatives: tuple[Alternative, ...] = ()
    digits: tuple[str, ...] = ()

    def word_hits(self, words: Sequence[str], stems: Sequence[str]) -> list[tuple[int, int]] | None:
        """(word index, folded letters matched) of each typed word, or None unless every
        typed word is found among ``words``."""
        hits = []
        for typed, typed_stem in zip(self.words, self.stems):
            found = [(i, len(typed) if word.startswith(typed) else len(word))
                     for i, (word, stem) in enumerate(zip(words, stems))
                     if word.startswith(typed) or stem == typed_stem]
            if not found:
                return None
            hits += found
        return hits

    def alternative_hits(self, words: Sequence[str], stems: Sequence[str]) -> tuple[str, list[int]] | None:
        """The first alternative found among ``words`` (its text, the indexes it covers)."""
        for digits in self.digits:
            found = [i for i, word in enumerate(words) if word.startswith(digits)]
            if found:
                return digits, found
        for alternative in self.alternatives:
            n = len(alternative.stems)
            found = [i + k for i in range(len(stems) - n + 1)
                     if tuple(stems[i:i + n]) == alternative.stems for k in range(n)]
            if found:
                return alternative.text, found
        return None


class Reading:
    """A typed text read for matching in Python (see the module)."""

    def __init__(self, text: str, label_of: LabelOf, synonyms: Synonyms) -> None:
        needles: list[Needle] = []
        rest = text or ""
        for identifier in reversed(typed_identifiers(rest)):
            words = tuple(fold(identifier.typed).split())
            needles.insert(0, Needle(identifier.typed, words, tuple(stem_words(words)),
                                     digits=identifier.search_terms()))
            rest = rest[:identifier.start] + " " + rest[identifier.end:]
        words = parse_query(rest).words
        for group in (synonyms.expand(words).groups if words else ()):
            alternatives = []
            for alt in group.alternatives:
                if isinstance(alt, Value):
                    label = label_of(alt.vocab, alt.slug)
                    alt_words, alt_text = fold(label).split(), label or ""
                else:
                    assert isinstance(alt, Phrase)
                    alt_words, alt_text = list(alt.words), alt.text or " ".join(alt.words)
                if alt_words:
                    alternatives.append(Alternative(alt_text, tuple(stem_words(alt_words))))
            stems = tuple(stem_words(group.words))
            typed = synonyms.written(stems) if alternatives else None
            needles.append(Needle(typed or " ".join(group.words), group.words, stems, tuple(alternatives)))
        self.needles: tuple[Needle, ...] = tuple(needles)
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def __bool__(self) -> bool:
        return bool(self.needles)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of the parts of ``text`` the search matches, in order, not
        overlapping: a typed word's beginning as typed, a whole word matched by its stem,
        the words of a synonym found. Kept per text."""
        found = self._spans.get(text)
        if found is not None:
            return found
        marks: dict[int, int] = {}  # token index -> folded letters to emphasise
        toks = tokens(text)
        words = [t.word for t in toks]
        stems = stem_words(words)
        for needle in self.needles:
            for i, letters in needle.word_hits(words, stems) or ():
                marks[i] = max(marks.get(i, 0), letters)
            alternative = needle.alternative_hits(words, stems)
            for i in (alternative[1] if alternative else ()):
                marks[i] = len(words[i])
        found = [(toks[i].start, toks[i].length_of(letters)) for i, letters in sorted(marks.items())]
        if len(self._spans) >= SPANS_KEPT:
            self._spans.clear()
        self._spans[text] = found
        return found

    def reasons(self, places: Iterable[tuple[str, str]]) -> list[str]:
        """Where the search found an actor when its name does not say it: ``places`` are
        (what to call it, its text), the name first as ("", name); the French phrases of
        the places that matched what the name did not (« domaine Thérapie génique »,
        « synonyme CDMO → Bioproduction »), at most MAX_REASONS. Empty when the name
        matches every part of the query."""
        prepared = []
        for what, text in places:
            words = fold(text).split()
            prepared.append((what, words, stem_words(words)))
        per_needle: list[list[str]] = []
        for needle in self.needles:
            direct, through = [], []
            for what, words, stems in prepared:
                if needle.word_hits(words, stems) is not None:
                    direct.append(what)
                else:
                    alternative = needle.alternative_hits(words, stems)
                    if alternative is not None:
                        through.append(what if needle.digits else f"synonyme {needle.typed} → {alternative[0]}")
            if "" not in direct:  # else the name says it (and the list emphasises it)
                per_needle.append(direct or through)
        # The places that hold every part the name does not are the answer, when there are.
        common = [what for what in (per_needle[0] if per_needle else ())
                  if all(what in hits for hits in per_needle[1:])]
        reasons = common or [what for hits in per_needle for what in hits]
        return list(dict.fromkeys(reasons))[:MAX_REASONS]


def _named(label: str) -> str:
    """A label inside a sentence: « Domaine » -> « domaine », « SIRET » stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def actor_places(actor: Mapping, labels: Mapping[str, Mapping[str, str]], place_name,
                 contact_names: Iterable[str], call_names: Iterable[str]) -> list[tuple[str, str]]:
    """What the search reads of an actor (the full-text row's parts), each with the phrase
    naming it: the name first (named ""), aliases, description, commune, tags, numbers,
    contacts, kind, domains, activities, NAF code, département, EPT, EPCI, calls.
    ``actor`` is its actors row (lists as JSON), ``labels`` {vocabulary: {slug: label}},
    ``place_name(code)`` the name of a département, EPT or EPCI."""
    def listed(key: str) -> list[str]:
        value = actor[key]
        return value if isinstance(value, list) else json.loads(value or "[]")

    places: list[tuple[str, str]] = [("", actor["name"])]
    places += [(f"{_named(fields.label('aliases'))} « {alias} »", alias) for alias in listed("aliases")]
    places.append((_named(fields.label("description")), actor["description"] or ""))
    places.append((f"{_named(fields.label('commune'))} « {actor['commune']} »", actor["commune"] or ""))
    places += [(f"{_named(FACET_LABELS['tag'])} « {tag} »", tag) for tag in listed("tags")]
    for key in ("siren", "siret", "postcode"):
        places.append((_named(fields.label(key)), actor[key] or ""))
    places += [(f"contact « {name} »", name) for name in contact_names]
    values = [("kind", actor["kind"])] + [("domain", v) for v in listed("domains")] \
        + [("activity", v) for v in listed("activities")]
    for vocabulary, slug in values:
        label = labels.get(vocabulary, {}).get(slug)
        if label is not None:
            places.append((f"{_named(FACET_LABELS[vocabulary])} {label}", f"{label} {slug}"))
    if actor["naf"]:
        places.append((f"{_named(fields.label('naf'))} {actor['naf']}", actor["naf"]))
    if actor["departement"]:
        text = f"{actor['departement']} {place_name(actor['departement'])}".strip()
        places.append((f"{_named(FACET_LABELS['departement'])} {text}", text))
    for facet in ("ept", "epci"):
        name = place_name(actor[facet]) if actor[facet] else ""
        if name:
            places.append((f"{_named(FACET_LABELS[facet])} {name}", name))
    places += [(f"appel à projets « {name} »", name) for name in call_names]
    return places


def found_in(reasons: Sequence[str]) -> str:
    """The sentence telling them: « trouvé dans : domaine Thérapie génique ; description »."""
    return "trouvé dans : " + " ; ".join(reasons) if reasons else ""


class MatchedMixin:
    """The façade's part of this module (:class:`~eco_desktop.catalogue.Catalogue` inherits
    it), through its ``backend``, ``query`` and ``value_labels()``."""

    def search_reading(self, text: str) -> Reading:
        """The typed text read for matching in Python (the list's emphasis), with this
        file's synonyms and labels as they are now."""
        with self.backend.lock:
            return Reading(text, self.query.label, self.query.synonyms.current())

    def match_reasons(self, actor_id: int, text: str) -> list[str]:
        """Where a search for ``text`` found this actor when its name does not say it, in
        French phrases (:meth:`Reading.reasons`); [] when the name does, or no actor."""
        backend = self.backend
        with backend.lock:
            reading = self.search_reading(text)
            actor = backend.row("actors", actor_id) if reading else None
            if actor is None:
                return []
            contacts = [f"{first} {last}".strip() for first, last in backend.execute(
                "SELECT first_name, last_name FROM contacts WHERE actor_id = ?", (actor_id,))]
            calls = [r[0] for r in backend.execute(
                "SELECT c.name FROM call_entries e JOIN calls c ON c.id = e.call_id WHERE e.actor_id = ?",
                (actor_id,))]

            def place_name(code: str) -> str:
                return backend.execute("SELECT eco_place_name(?)", (code,)).fetchone()[0]

            return reading.reasons(actor_places(actor, self.value_labels(), place_name, contacts, calls))
