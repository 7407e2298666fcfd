"""The map's geographic figures (issue 20): a geographic criterion evaluated, the counts by
territory of a filter."""
from __future__ import annotations

import math

from ..filter import Filter
from ..geo.area import Area
from .figures import FACET_FILTER, timed

LEVELS = ("commune", "ept", "epci", "departement")
POLYGON_VERTICES = 50


def drawn_polygon(shift: float, vertices: int = POLYGON_VERTICES) -> Area:
    """A concave zone of ``vertices`` vertices over the inner suburbs, as a person draws
    one (a star: every other vertex pulled in); ``shift`` moves it a little, so that each
    sample evaluates a new area."""
    lat0, lon0 = 48.80 + shift, 2.35 + shift
    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        reach = 0.18 if i % 2 == 0 else 0.11
        points.append((lat0 + reach * math.sin(angle), lon0 + 1.5 * reach * math.cos(angle)))
    return Area.polygon(points)


def bench_geo_filter(catalogue, repeat: int) -> list[float]:
    """``Catalogue.count`` of a filter whose area is new each time: a circle of 10 km, then
    a drawn polygon of 50 vertices (the index and its positions already read)."""
    catalogue.count(Filter(area=Area.circle(48.8, 2.35, 5, "Paris")))
    samples = []
    for i in range(repeat):
        shift = 0.001 * (i + 1)
        circle = Area.circle(48.6268 + shift, 2.4301, 10, "Évry-Courcouronnes")
        samples.append(timed(lambda: catalogue.count(Filter(area=circle))))
        polygon = drawn_polygon(shift)
        samples.append(timed(lambda: catalogue.count(Filter(area=polygon))))
    return samples


def bench_territory_counts(catalogue, repeat: int) -> list[float]:
    """The four levels' counts of the facets' filter (what the map's page carries)."""
    catalogue.territory_counts(FACET_FILTER, "commune")

    def run() -> None:
        for level in LEVELS:
            catalogue.territory_counts(FACET_FILTER, level)
    return [timed(run) for _ in range(repeat)]
