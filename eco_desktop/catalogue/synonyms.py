"""Acronyms and synonyms of the field: what officers type for what the catalogue says.

Each catalogue keeps its table (``synonyms``, migration 8, edited in Outils →
Vocabulaires → « Synonymes »: :mod:`.synonym_table`), seeded from the one that ships with
the vocabulary, ``db/dataset/synonyms.csv`` (UTF-8, header ``term,means,note``), one row
per synonym:

- ``term``: what one types (« CDMO », « Big pharma », « cellules CAR-T »);
- ``means``: what it stands for: a vocabulary value written ``vocabulary:slug``
  (``kind:bioproduction``, ``domain:cell_therapy``, ``activity:preclinical``), or a
  phrase (« vecteur viral »), which cannot hold a colon;
- ``note``: where it comes from (the 2021 study's glossary, the field's usage).

Rows with the same ``means`` make one group: each of its terms, and the phrase it means,
stands for all the others. A vocabulary value is reached through its current label (so a
renamed label needs no edit here); a phrase ``means`` is also typed, and widens to its
terms. A word of a query matches a term's word when both fold to the same word, or, for
typed words of four letters or more, when they have the same stem (« incubateurs »,
« biotechs »): shorter words are acronyms, where a stem would make « IP » of « iPS ».

**A synonym widens a query, never narrows it.** The words of a query stay all required;
a span of them that is a term becomes « those words as typed, or any other member of the
group », each other member a phrase (matched on stems, in order). Terms are found left to
right, the longest first.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from .. import paths, vocab
from ..text import fold
from .stemming import phrase_fts, query_terms, stem_words

HEADER = ("term", "means", "note")
# A word shorter than this is matched as folded only (see the module's docstring).
STEMMED_FROM = 4

_VALUE = re.compile(r"^(kind|domain|activity):([a-z0-9_]+)$")

# A function giving the current label of a vocabulary value, None when it has none.
LabelOf = Callable[[str, str], "str | None"]


class SynonymsError(ValueError):
    """The synonyms table has a row that cannot be used (the message says which, in French)."""


@dataclass(frozen=True)
class Synonym:
    """One row of the table, as written."""

    term: str
    means: str
    note: str = ""

    @property
    def value(self) -> tuple[str, str] | None:
        """(vocabulary, slug) when ``means`` names a vocabulary value, else None."""
        match = _VALUE.match(self.means.strip())
        return (match.group(1), match.group(2)) if match else None


@dataclass(frozen=True)
class Phrase:
    """An alternative that is a phrase of folded words (``text``: as written, for the
    reasons a search gives; not part of what the phrase is)."""

    words: tuple[str, ...]
    text: str = field(default="", compare=False)

    def fts(self, label_of: LabelOf) -> str | None:
        return phrase_fts(self.words)


@dataclass(frozen=True)
class Value:
    """An alternative that is a vocabulary value, searched as its current label."""

    vocab: str
    slug: str

    def fts(self, label_of: LabelOf) -> str | None:
        words = fold(label_of(self.vocab, self.slug)).split()
        return phrase_fts(words) if words else None


Alternative = Phrase | Value


@dataclass(frozen=True)
class Group:
    """Consecutive query words and what else they may be (nothing for a plain word)."""

    words: tuple[str, ...]
    alternatives: tuple[Alternative, ...] = ()

    def fts(self, label_of: LabelOf) -> str:
        typed = " AND ".join(term.fts() for term in query_terms(self.words))
        others = [f for f in (alt.fts(label_of) for alt in self.alternatives) if f]
        if not others:
            return typed
        return "(" + " OR ".join([f"({typed})", *others]) + ")"


@dataclass(frozen=True)
class Expansion:
    """A query's words in groups; every group is required (AND), each widened (OR)."""

    groups: tuple[Group, ...]

    @property
    def widened(self) -> bool:
        return any(group.alternatives for group in self.groups)

    def fts(self, label_of: LabelOf) -> str | None:
        """The FTS5 MATCH expression over the stemming module's two columns."""
        return " AND ".join(group.fts(label_of) for group in self.groups) or None


def _default_vocabularies() -> dict[str, Iterable[str]]:
    return {"kind": vocab.KINDS, "domain": vocab.DOMAINS, "activity": vocab.ACTIVITIES}


def _key(words: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(words), tuple(stem_words(words))


class Synonyms:
    """A checked synonyms table, ready to expand queries."""

    def __init__(self, rows: Iterable[Synonym],
                 vocabularies: Mapping[str, Iterable[str]] | None = None, *,
                 skip_unusable: bool = False) -> None:
        """``skip_unusable``: leave out the rows that cannot be used (a catalogue's table
        written by another program, a value removed from its vocabulary) rather than
        raising SynonymsError for the first."""
        self._known = {name: set(slugs) for name, slugs in (vocabularies or _default_vocabularies()).items()}
        kept: list[Synonym] = []
        members: dict[object, list[Alternative]] = {}   # group (its means) -> its members
        keys: dict[tuple[str, ...], list[object]] = {}  # folded words typed -> groups
        self._seen: set[tuple[tuple[str, ...], object]] = set()
        for row in rows:
            try:
                words, group = self.check(row)
            except SynonymsError:
                if skip_unusable:
                    continue
                raise
            kept.append(row)
            self._seen.add((words, group))
            if group not in members:
                members[group] = [group]
                if isinstance(group, Phrase):
                    keys.setdefault(group.words, []).append(group)
            members[group].append(Phrase(words, row.term))
            keys.setdefault(words, []).append(group)
        self.rows: tuple[Synonym, ...] = tuple(kept)
        self._members = {group: tuple(dict.fromkeys(alts)) for group, alts in members.items()}
        # By length, longest first: (folded words, their stems, groups).
        self._keys = sorted(((*_key(words), tuple(groups)) for words, groups in keys.items()),
                            key=lambda entry: -len(entry[0]))

    def check(self, row: Synonym) -> tuple[tuple[str, ...], "Phrase | Value"]:
        """The folded words of a row's term and the group it joins; SynonymsError (in
        French) when the row cannot be one of this table: an empty term, a value not in
        the vocabulary, a phrase that is the term itself (in any of its forms: it would
        widen to nothing), a row the table has already."""
        words = tuple(fold(row.term).split())
        if not words:
            raise SynonymsError(f"Un synonyme de « {row.means} » a un terme vide.")
        value = row.value
        if value is not None:
            if value[1] not in self._known.get(value[0], ()):
                raise SynonymsError(f"« {row.term} » : « {row.means} » n'est pas une valeur du vocabulaire.")
            group: Phrase | Value = Value(*value)
        elif ":" in row.means:
            raise SynonymsError(f"« {row.term} » : « {row.means} » n'est pas écrit vocabulaire:slug "
                                "(kind, domain ou activity, puis le slug de la valeur).")
        else:
            means = tuple(fold(row.means).split())
            if not means:
                raise SynonymsError(f"« {row.term} » ne dit pas ce qu'il signifie.")
            if stem_words(means) == stem_words(words):
                raise SynonymsError(f"« {row.term} » se signifie lui-même : il n'élargirait pas la recherche.")
            group = Phrase(means, row.means)
        if (words, group) in self._seen:
            raise SynonymsError(f"« {row.term} » → « {row.means} » est en double.")
        return words, group

    def terms(self) -> list[str]:
        """Every term as written (for suggestions)."""
        return [row.term for row in self.rows]

    def written(self, stems: Sequence[str]) -> str | None:
        """The term or phrase of the table whose words have these stems, as written."""
        stems = list(stems)
        for row in self.rows:
            for text in (row.term, row.means):
                if stem_words(fold(text).split()) == stems:
                    return text
        return None

    def expand(self, words: Sequence[str]) -> Expansion:
        """The widened form of a query's folded words (see the module's docstring)."""
        words = tuple(words)
        stems = tuple(stem_words(words))
        groups: list[Group] = []
        i = 0
        while i < len(words):
            found = self._match(words, stems, i)
            if found is None:
                groups.append(Group(words[i:i + 1]))
                i += 1
                continue
            length, typed_groups = found
            span = words[i:i + length]
            # The member typed (in any of its forms) is already the span itself.
            alternatives = [alt for group in typed_groups for alt in self._members[group]
                            if not (isinstance(alt, Phrase)
                                    and tuple(stem_words(alt.words)) == stems[i:i + length])]
            groups.append(Group(span, tuple(dict.fromkeys(alternatives))))
            i += length
        return Expansion(tuple(groups))

    def _match(self, words, stems, start) -> tuple[int, tuple[object, ...]] | None:
        for key_words, key_stems, groups in self._keys:
            end = start + len(key_words)
            if end <= len(words) and all(
                    typed == word or (len(typed) >= STEMMED_FROM and stem == key_stem)
                    for typed, stem, word, key_stem in zip(words[start:end], stems[start:end],
                                                           key_words, key_stems)):
                return len(key_words), groups
        return None


def read_synonyms(path: Path) -> list[Synonym]:
    """The rows of a synonyms CSV (header ``term,means,note``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, ()))
        if header != HEADER:
            raise SynonymsError(f"{path.name} : l'en-tête doit être « {','.join(HEADER)} ».")
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(HEADER):
                raise SynonymsError(f"{path.name}, ligne {line} : {len(HEADER)} colonnes attendues.")
            rows.append(Synonym(*(cell.strip() for cell in cells)))
        return rows


def bundled_path() -> Path:
    return paths.dataset_dir() / "synonyms.csv"


@cache
def bundled_synonyms() -> Synonyms:
    """The table shipped with the vocabulary, checked against the default vocabularies."""
    return Synonyms(read_synonyms(bundled_path()))


def bundled_rows_json() -> str:
    """The shipped table's rows as a JSON array of [term, means, note], the seed of a
    catalogue's table (SQL function eco_bundled_synonyms(), migration 8)."""
    return json.dumps([[row.term, row.means, row.note] for row in bundled_synonyms().rows],
                      ensure_ascii=False)
