"""Full-text search: what is indexed for an actor, and how a typed query becomes FTS5.

Both sides are folded the same way (eco_desktop.text.fold: case, accents, œ→oe,
punctuation), and every typed word is a prefix: "thér gén" matches "thérapie génique".
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping

from .text import fold


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


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression, every folded word as a prefix; None when nothing to search."""
    words = fold(text).split()
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)
