"""Full-text search: what is indexed for an actor, and how a typed query becomes FTS5.

Both sides are folded the same way (eco_desktop.text.fold: case, accents, œ→oe,
punctuation), and every typed word is a prefix: "thér gén" matches "thérapie génique".

A query is bounded before it reaches SQLite: FTS5's cost grows with every term, and a
paste of a whole document into the search field must not freeze the window. Repeated
words and words another word of the query already extends add nothing to an AND of
prefixes and are dropped; what is left is capped at MAX_QUERY_WORDS words and
MAX_QUERY_CHARS characters.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..text import fold

# The limits of a search (stated in the README): beyond them the first words are kept.
MAX_QUERY_WORDS = 16
MAX_QUERY_CHARS = 200

# The actors columns an actor's searchable text is made of, in order.
BODY_FIELDS = ("name", "aliases", "description", "commune", "tags", "siren", "siret", "postcode")


def _as_list(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return json.loads(value) if value and value != "[]" else []


def body_text(name, aliases, description, commune, tags, siren, siret, postcode,
              contact_names: Iterable[str] = ()) -> str:
    """The folded searchable text of an actor from its BODY_FIELDS (lists as lists or JSON)."""
    parts = [name, *_as_list(aliases), description, commune, *_as_list(tags), siren, siret,
             postcode, *contact_names]
    return fold(" ".join(p for p in parts if p))


def actor_body(actor: Mapping, contact_names: Iterable[str] = ()) -> str:
    """The folded searchable text of an actor (row from the actors table)."""
    return body_text(*(actor[k] for k in BODY_FIELDS), contact_names)


@dataclass(frozen=True)
class Query:
    """The folded words a typed text searches for (each a prefix, all required), and
    whether words were left out by the limits."""

    words: tuple[str, ...]
    truncated: bool = False

    def fts(self) -> str | None:
        """The FTS5 MATCH expression; None when there is nothing to search."""
        return " ".join(f'"{word}"*' for word in self.words) or None


def parse_query(text: str) -> Query:
    """The bounded query of a typed text (see the module's docstring)."""
    words: list[str] = []
    seen: set[str] = set()
    for word in fold(text).split():
        if word in seen:
            continue
        seen.add(word)
        if any(kept.startswith(word) for kept in words):
            continue
        # A longer form of kept words replaces them: "gen genopole" is "genopole".
        candidate = [kept for kept in words if not word.startswith(kept)] + [word]
        if len(candidate) > MAX_QUERY_WORDS or len(" ".join(candidate)) > MAX_QUERY_CHARS:
            if not words:  # one huge word: its beginning, still a prefix of it
                words.append(word[:MAX_QUERY_CHARS])
            return Query(tuple(words), truncated=True)
        words = candidate
    return Query(tuple(words))


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression, every folded word as a prefix; None when nothing to search."""
    return parse_query(text).fts()
