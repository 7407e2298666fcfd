"""French word forms for the full-text search: what is indexed and what is asked.

« thérapies géniques » must find what « thérapie génique » finds, so both sides are
reduced to Snowball French stems (PyStemmer, the Snowball project's own binding: its C
stemmer keeps a 100k-actor index build and every keystroke cheap where the pure-Python
``snowballstemmer`` is two orders of magnitude slower; docs/PERFORMANCE.md has the
figures). Words are folded first (eco_desktop.text.fold) and the folded word is stemmed,
so that a query typed without accents gets the stem of one typed with them.

How stems and prefixes coexist in FTS5 (the decision)
-----------------------------------------------------
The full-text table keeps the folded words (in three columns, ``names``, ``body`` and
``facets``, so that BM25 can weigh a name above a description) and their stems, in the
same word order:

- the folded words, as before; a typed word is searched as a *prefix* there,
  so that « thér gén » still finds « thérapie génique » while one types;
- ``stems``: the stem of each of those words; a typed word's stem is searched *exactly*
  there, so that a complete plural or another form finds the singular
  (« incubateurs » -> ``incub`` = the stem of « incubateur »).

A typed word matches when either does: ``({names body facets} : "w"* OR stems : "s")``. The prefix side
alone already finds longer forms (« cellulaire » finds « cellulaires »); the stem side
adds the shorter and irregular ones (« cellulaires » finds « cellulaire », « viraux »
finds « viral »). The stem is not a prefix there: a stem is already the common part of
the word's forms, and a stem prefix would let « thérapie » find every « thérapeutique ».
A phrase (a multi-word synonym) is searched in ``stems``, where the same word order holds,
so that « cellule souche » finds « cellules souches ».

Stems depend on the Snowball version; an index built with another version than the one
that asks would miss words, which is why the index side and the query side both come from
this module and only from it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterable, Sequence

import Stemmer

from ..text import fold

# The Snowball stemmer's version: the catalogue keeps the one its stems were made with
# (meta "stemmer") and remakes them when another asks (eco_desktop.db.restem).
STEMMER_VERSION = Stemmer.version()

# The columns a typed word is a prefix of (an FTS5 column set: the folded name and
# aliases, the rest of the folded text, the folded vocabulary labels and places), and the
# column of their stems (eco_desktop.catalogue.search writes them).
WORD_COLUMNS = "{names body facets}"
STEMS_COLUMN = "stems"

# A PyStemmer object is not safe to share between threads (the import indexes in a
# worker while the window searches), so each thread has its own, with its own cache.
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


def stem(word: str) -> str:
    """The stem of one folded word (``fold`` it first: the stemmer expects lower case)."""
    return _stemmer().stemWord(word)


def stem_words(words: Sequence[str]) -> list[str]:
    """The stems of folded words, in their order."""
    return _stemmer().stemWords(words)


def stems_of_body(body: str) -> str:
    """The ``stems`` column of an already folded ``body`` (one stem per word, same order)."""
    return " ".join(_stemmer().stemWords(body.split()))


@dataclass(frozen=True)
class IndexTerms:
    """What the full-text table holds for one text: its two columns."""

    body: str
    stems: str


def index_terms(text: str | None) -> IndexTerms:
    """The index side of a text: its folded words and their stems."""
    body = fold(text)
    return IndexTerms(body, stems_of_body(body))


@dataclass(frozen=True)
class QueryTerm:
    """One typed word: folded (searched as a prefix) and its stem (searched exactly)."""

    word: str
    stem: str

    def fts(self) -> str:
        """This word's FTS5 expression over the two columns."""
        return f'({WORD_COLUMNS} : "{self.word}"* OR {STEMS_COLUMN} : "{self.stem}")'


def query_terms(words: Iterable[str]) -> tuple[QueryTerm, ...]:
    """The query side of folded words (such as a parsed query's), one term per word."""
    words = list(words)
    return tuple(QueryTerm(w, s) for w, s in zip(words, stem_words(words)))


def query_terms_of(text: str | None) -> tuple[QueryTerm, ...]:
    """The query side of a typed text (folded, then one term per word)."""
    return query_terms(fold(text).split())


def phrase_fts(words: Sequence[str]) -> str:
    """The FTS5 expression of a phrase of folded words, matched on their stems in order."""
    return f'{STEMS_COLUMN} : "{" ".join(stem_words(words))}"'
