"""Full-text search: what is indexed for an actor, and how a typed query becomes FTS5.

Both sides are folded the same way (eco_desktop.text.fold: case, accents, œ→oe,
punctuation), and every typed word is a prefix or a French stem: "thér gén" and
"thérapies géniques" match "thérapie génique" (:func:`match_expression`).

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
from .custom_fields import TEXT_TYPES
from .identifiers import typed_identifiers
from .stemming import query_terms
from .synonyms import LabelOf, Synonyms

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


# The other columns of an actor's full-text row, made by SQLite from its actors row ``a``
# (and the vocabulary and calls it names), so that every path writing the row — one
# actor, a bulk import, an undo — writes the same: ``names`` (the folded name and aliases,
# ranked above the rest) and ``facets`` (the folded labels and slugs of the kind, domains
# and activities, the NAF code, the département's number and name, the EPT's and EPCI's names,
# the calls' names, the text of its custom fields: custom_fields.TEXT_TYPES). Migration 0007
# fills existing catalogues with the same expressions (but for custom fields, which came after).
NAMES_SQL = ("eco_fold(a.name || ' ' || coalesce("
             "(SELECT group_concat(value, ' ') FROM json_each(a.aliases)), ''))")
FACETS_SQL = f"""eco_fold(
    coalesce((SELECT group_concat(v.slug || ' ' || v.label, ' ') FROM (
        SELECT 'kind' AS vocab, a.kind AS slug
        UNION ALL SELECT 'domain', value FROM json_each(a.domains)
        UNION ALL SELECT 'activity', value FROM json_each(a.activities)) x
        JOIN vocabulary v ON v.vocab = x.vocab AND v.slug = x.slug), '')
    || ' ' || a.naf || ' ' || a.departement || ' ' || eco_place_name(a.departement)
    || ' ' || eco_place_name(a.ept) || ' ' || eco_place_name(a.epci) || ' '
    || coalesce((SELECT group_concat(c.name, ' ') FROM call_entries e JOIN calls c ON c.id = e.call_id
                 WHERE e.actor_id = a.id), '') || ' '
    || coalesce((SELECT group_concat(coalesce(ch.label, cv.value), ' ') FROM custom_values cv
                 JOIN custom_fields cf ON cf.id = cv.field_id AND cf.entity = 'actor'
                      AND cf.type IN ({", ".join(f"'{t}'" for t in TEXT_TYPES)})
                 LEFT JOIN custom_choices ch ON ch.field_id = cv.field_id AND ch.slug = cv.value
                 WHERE cv.row_id = a.id), ''))"""


def fts_insert(source: str) -> str:
    """The statement writing the full-text rows of the actors ``source`` (a SELECT of
    ``id, body`` pairs, its parameters the statement's) names. The row is materialised
    first: stems are made of body and facets, which would otherwise be computed twice."""
    return ("INSERT INTO actors_fts (rowid, names, body, facets, stems) "
            f"WITH r AS MATERIALIZED (SELECT s.id AS id, s.body AS body, {NAMES_SQL} AS names, "
            f"{FACETS_SQL} AS facets FROM ({source}) s JOIN actors a ON a.id = s.id) "
            "SELECT id, names, body, facets, eco_stems(body || ' ' || facets) FROM r")


@dataclass(frozen=True)
class Query:
    """The folded words a typed text searches for (each a prefix, all required), and
    whether words were left out by the limits."""

    words: tuple[str, ...]
    truncated: bool = False


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


def match_expression(text: str, label_of: LabelOf, synonyms: Synonyms) -> str | None:
    """The FTS5 MATCH expression of a typed text over the full-text table; None when it
    searches nothing. Every word stays required, each a prefix of a folded word or the
    same stem as one (:mod:`.stemming`); a SIREN or SIRET typed with spaces or dots is
    searched as its digits or as the words typed (:mod:`.identifiers`); a span that is a
    term of the synonyms table is widened to the other members of its group, vocabulary
    values through ``label_of`` (:mod:`.synonyms`). The bounds of :func:`parse_query` hold."""
    identifiers = typed_identifiers(text)
    parts = []
    rest = text
    for identifier in reversed(identifiers):
        typed = " AND ".join(term.fts() for term in query_terms(fold(identifier.typed).split()))
        parts.insert(0, f"({identifier.fts()} OR ({typed}))")
        rest = rest[:identifier.start] + " " + rest[identifier.end:]
    words = parse_query(rest).words
    if words:
        parts.append(synonyms.expand(words).fts(label_of))
    return " AND ".join(parts) or None


def names_expression(text: str) -> str | None:
    """The FTS5 expression of the actors whose name or an alias has a word beginning with
    each typed word: relevance puts them above those that only say it elsewhere (BM25 alone
    lets a long description full of « gén… » outrank « Genopole »)."""
    return " AND ".join(f'names : "{word}"*' for word in parse_query(text).words) or None
