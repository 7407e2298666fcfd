"""The page's « Nombre d'acteurs par… » layers: a filter's counts by commune, EPT, EPCI and
département, their classes and colours, for ``static/territories.js``.

The counts come from ``Catalogue.territory_counts`` (each actor in its commune's
territories, a position or not). The classes are quantiles of the distinct counts of
the territories holding at least one actor (five classes, fewer when there are fewer
distinct counts). Such counts are very skewed — hundreds of communes with one actor,
Paris with most of them —: equal intervals would put nearly every territory in the
first class, and quantiles of the territories themselves would give the many ones
several classes and lump 50 with 3,000; over the distinct counts each class spans as
many of the levels seen. (Jenks' natural breaks separate such data as well but cost a
quadratic search over 1,300 communes.) A territory without actor is drawn uncoloured.

The EPT and EPCI outlines are the union of their communes' outlines, drawn by the page
from the communes' basemap and ``membership`` (no second copy of the outlines).
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from ..geo import territories

# Sequential ramp (ColorBrewer YlGnBu, 5 classes): light for few actors, dark for many.
COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
LEVEL_TITLES = {level: f"Nombre d'acteurs par {words[0]}" for level, words in territories.LEVELS.items()}
HEAT_LAYER_NAME = "Densité des acteurs (chaleur)"


def class_breaks(counts: Iterable[int], classes: int = len(COLOURS)) -> list[int]:
    """Upper bounds of the classes (ascending, the last the highest count): quantiles of
    the distinct positive counts; [] when no territory holds an actor."""
    values = sorted({int(c) for c in counts if c > 0})
    if len(values) <= classes:
        return values  # a class per count seen
    last = len(values) - 1
    # the k-th upper bound: the value at k/classes of the way, rounded up (numpy's
    # "higher" quantile, without its floating-point slips on exact positions)
    return sorted({values[min(last, math.ceil(k * last / classes - 1e-9))] for k in range(1, classes + 1)})


def class_colours(breaks: list[int]) -> list[str]:
    """A colour per class, spread over the ramp when there are fewer classes."""
    if not breaks:
        return []
    if len(breaks) == 1:
        return [COLOURS[-2]]
    picks = np.linspace(0, len(COLOURS) - 1, len(breaks)).round().astype(int)
    return [COLOURS[i] for i in picks.tolist()]


def territories_payload(catalogue, flt, total: int) -> dict:
    """The layers' data: per level its title, counts {code: n}, names (EPT, EPCI: the
    outlines of communes and départements carry theirs), class breaks and colours;
    the communes' membership; ``total``, the filter's actors (the legend tells how many
    are in no drawn territory)."""
    levels = {}
    drawn = _drawn_codes()
    for level in territories.LEVELS:
        counts = catalogue.territory_counts(flt, level)
        on_map = {code: n for code, n in counts.items() if code in drawn[level]}
        breaks = class_breaks(on_map.values())
        levels[level] = {
            "title": LEVEL_TITLES[level],
            "counts": on_map,
            "names": territories.names(level) if level in ("ept", "epci") else {},
            "breaks": breaks,
            "colours": class_colours(breaks),
            "elsewhere": total - sum(on_map.values()),
        }
    return {"levels": levels, "membership": territories.membership(), "total": total}


def _drawn_codes() -> Mapping[str, set[str]]:
    """Codes each level draws: the basemap's communes and départements, the EPT and
    EPCI of the région's communes."""
    membership = territories.membership()
    return {
        "commune": set(membership),
        "departement": {dep for dep, _ept, _epci in membership.values()},
        "ept": {ept for _dep, ept, _epci in membership.values() if ept},
        "epci": {epci for _dep, _ept, epci in membership.values() if epci},
    }
