"""An in-memory FTS5 table laid out like the catalogue's ``actors_fts`` (names, body, facets,
stems), filled from texts through the index side of the search: for tests of the stems and
synonyms without a catalogue."""
from __future__ import annotations

import sqlite3
from typing import Callable, Iterator, Mapping

from eco_desktop.catalogue.stemming import index_terms


def fts_of(texts: Mapping[int, str]) -> Iterator[Callable[[str], set[int]]]:
    """A function from an FTS5 expression to the matching rowids of ``texts``, for a fixture
    (``yield from fts_of(TEXTS)``): the connection is closed when the fixture ends."""
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE VIRTUAL TABLE t USING fts5 (names, body, facets, stems, '
                 'tokenize = "unicode61 remove_diacritics 2", prefix = \'1 2 3\')')
    for rowid, text in texts.items():
        terms = index_terms(text)
        conn.execute("INSERT INTO t (rowid, body, stems) VALUES (?, ?, ?)", (rowid, terms.body, terms.stems))
    yield lambda expr: {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,))}
    conn.close()
