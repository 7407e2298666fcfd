"""Places one can name on the map: communes and postcodes of the gazetteer, located actors
by name. What the map's search field and « À moins de … km de … » propose (no Qt here).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ...geo import gazetteer
from ...geo.model import distance_km
from ...text import fold

LIMIT = 12
ACTOR_COLUMNS = "a.id, a.name, a.lat, a.lon"


@dataclass(frozen=True)
class Place:
    """A suggestion: ``text`` shown in the list, ``name`` what an area is named after."""

    text: str
    name: str
    lat: float
    lon: float
    actor_id: int | None = None


class ActorNames:
    """The located actors' names (not in the trash), folded once, for prefix matching."""

    def __init__(self, rows: Sequence[tuple[int, str, float, float]]) -> None:
        self.rows = [(actor_id, name, lat, lon, fold(name)) for actor_id, name, lat, lon in rows]

    @classmethod
    def of(cls, catalogue) -> "ActorNames":
        from ...filter import Filter
        ids = catalogue.actor_ids(Filter())
        rows = [row for chunk in catalogue.actor_rows(ACTOR_COLUMNS, ids) for row in chunk
                if row[2] is not None and row[3] is not None]
        return cls(rows)

    def matching(self, text: str, limit: int = LIMIT) -> list[Place]:
        """Actors whose name starts with ``text``, then those with a word starting with it."""
        key = fold(text).strip()
        if not key:
            return []
        first, second = [], []
        spaced = " " + key
        for actor_id, name, lat, lon, folded in self.rows:
            if folded.startswith(key):
                first.append(Place(name, name, lat, lon, actor_id))
                if len(first) >= limit:
                    break
            elif len(second) < limit and spaced in folded:
                second.append(Place(name, name, lat, lon, actor_id))
        first.sort(key=lambda p: fold(p.name))
        return (first + second)[:limit]


def communes(text: str, limit: int = LIMIT) -> list[Place]:
    """Communes by name or postcode prefix, each once (its postcodes in its text)."""
    seen, out = set(), []
    digits = text.strip().isdigit()
    for postcode, commune in gazetteer().completions(text, limit=limit * 3):
        if commune.lat is None or commune.lon is None:
            continue
        key = (commune.insee, postcode) if digits else commune.insee
        if key in seen:
            continue
        seen.add(key)
        label = f"{postcode} {commune.name}" if digits else \
            f"{commune.name} ({', '.join(commune.postcodes[:3])}{'…' if len(commune.postcodes) > 3 else ''})"
        out.append(Place(label, commune.name, commune.lat, commune.lon))
        if len(out) >= limit:
            break
    return out


def find(text: str, actors: ActorNames | None, limit: int = LIMIT) -> list[Place]:
    """Communes first (a few), then actors, for the text typed."""
    places = communes(text, limit=limit // 2 if actors else limit)
    if actors is not None:
        places += actors.matching(text, limit=limit - len(places))
    return places


def nearest_commune(lat: float, lon: float) -> str:
    """The name of the Île-de-France commune whose centre is nearest the point (a drawn
    circle is named after it)."""
    best, name = None, ""
    for commune in gazetteer().communes:
        if commune.lat is None or commune.lon is None or not commune.in_idf or commune.is_arrondissement:
            continue
        d = distance_km(lat, lon, commune.lat, commune.lon)
        if best is None or d < best:
            best, name = d, commune.name
    return name
