"""The geographic criterion (geo/area.py): building, checks, serialisation, words, and its
vectorised evaluation against the plain per-point computation on random data."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from eco_desktop.errors import UserError
from eco_desktop.geo import distance_km
from eco_desktop.geo.area import DRAWN_LABEL, MAX_RADIUS_KM, MAX_VERTICES, Area

SQUARE = [(48.6, 2.3), (48.6, 2.5), (48.8, 2.5), (48.8, 2.3)]


def test_circle_and_polygon_are_hashable_values():
    a = Area.circle(48.62, 2.43, 10, "Évry-Courcouronnes")
    assert a == Area.circle(48.62, 2.43, 10.0, "Évry-Courcouronnes")
    assert hash(a) == hash(Area.circle(48.62, 2.43, 10, "Évry-Courcouronnes"))
    p = Area.polygon(SQUARE)
    assert p.rings == (tuple(SQUARE),) and p.label == DRAWN_LABEL and p.vertex_count() == 4
    assert Area.polygon([SQUARE + [SQUARE[0]]]) == p  # a GeoJSON ring's closing vertex


@pytest.mark.parametrize("area", [
    Area.circle(48.62, 2.43, 10, "Évry-Courcouronnes"),
    Area.circle(-33.9, 151.2, 0.5),
    Area.polygon(SQUARE),
    Area.polygon([SQUARE, [(48.65, 2.35), (48.65, 2.4), (48.7, 2.4)]], label="Plateau"),
])
def test_dict_round_trip(area):
    assert Area.from_dict(area.to_dict()) == area


@pytest.mark.parametrize("build, message", [
    (lambda: Area.circle(48.6, 2.4, 0), "rayon"),
    (lambda: Area.circle(48.6, 2.4, MAX_RADIUS_KM + 1), "rayon"),
    (lambda: Area.circle(float("nan"), 2.4, 5), "nombre fini"),
    (lambda: Area.circle(91, 2.4, 5), "latitude"),
    (lambda: Area.circle(48, 181, 5), "longitude"),
    (lambda: Area.circle("abc", 2.4, 5), "nombre"),
    (lambda: Area.polygon([(48.6, 2.3), (48.7, 2.3)]), "moins de 3"),
    (lambda: Area.polygon([]), "aucun contour"),
    (lambda: Area.polygon([(48.6 + i * 1e-4, 2.3 + (i % 2) * 1e-3) for i in range(MAX_VERTICES + 1)]),
     "sommets"),
    (lambda: Area("square"), "forme inconnue"),
    (lambda: Area.from_dict({"kind": "circle", "lat": 48, "lon": 2, "radius_km": 5, "colour": 1}), "inconnu"),
    (lambda: Area.from_dict({"kind": "polygon", "rings": "x"}), "contours"),
    (lambda: Area.from_dict([1, 2]), "objet"),
])
def test_invalid_areas_are_french_errors(build, message):
    with pytest.raises(UserError, match=message):
        build()


def test_described_in_french():
    assert Area.circle(48.6, 2.4, 10, "Évry-Courcouronnes").describe() == "À moins de 10 km d'Évry-Courcouronnes"
    assert Area.circle(48.8, 2.3, 2.5, "Paris").describe() == "À moins de 2,5 km de Paris"
    assert Area.circle(48.8, 2.3, 1, "Hôpital Necker").describe() == "À moins de 1 km d'Hôpital Necker"
    assert Area.circle(48.8, 2.3, 3).describe() == "À moins de 3 km de 48,8000, 2,3000"
    assert Area.polygon(SQUARE).describe() == "Dans la zone dessinée"
    assert Area.polygon(SQUARE, label="Plateau de Saclay").describe() == "Dans la zone « Plateau de Saclay »"


def _random_points(rng: random.Random, n: int) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([rng.uniform(48.1, 49.2) for _ in range(n)])
    lon = np.array([rng.uniform(1.4, 3.6) for _ in range(n)])
    lat[rng.sample(range(n), n // 20)] = np.nan  # actors without a position
    return lat, lon


def _random_polygon(rng: random.Random, vertices: int) -> list[tuple[float, float]]:
    """A star-shaped (often concave) polygon around a random centre."""
    clat, clon = rng.uniform(48.5, 48.9), rng.uniform(2.0, 2.8)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(vertices))
    return [(clat + rng.uniform(0.02, 0.4) * math.sin(a), clon + rng.uniform(0.02, 0.6) * math.cos(a))
            for a in angles]


@pytest.mark.parametrize("seed", range(6))
def test_evaluation_matches_the_plain_computation(seed):
    rng = random.Random(seed)
    lat, lon = _random_points(rng, 3000)
    areas = [Area.circle(rng.uniform(48.5, 48.9), rng.uniform(2.0, 2.8), rng.uniform(0.5, 40)),
             Area.polygon(_random_polygon(rng, rng.randint(3, 60))),
             Area.polygon([_random_polygon(rng, 20), _random_polygon(rng, 12)], label="deux parties")]
    for area in areas:
        fast = area.contains(lat, lon)
        plain = [area.contains_point(a, b) for a, b in zip(lat.tolist(), lon.tolist())]
        assert fast.tolist() == plain
        assert not fast[np.isnan(lat)].any()  # no position: never inside
        assert fast.any() or not any(plain)


def test_circle_uses_the_haversine_distance():
    centre = (48.6268, 2.4301)  # Évry-Courcouronnes
    lat = np.array([48.8566, 48.6109, 48.7, np.nan])
    lon = np.array([2.3522, 2.4824, 2.43, 2.43])
    inside = Area.circle(*centre, 10).contains(lat, lon)
    assert inside.tolist() == [False, True, True, False]
    assert distance_km(*centre, 48.8566, 2.3522) > 25


def test_a_hole_is_outside():
    hole = [(48.65, 2.35), (48.65, 2.45), (48.75, 2.45), (48.75, 2.35)]
    area = Area.polygon([SQUARE, hole], label="anneau")
    assert area.contains(np.array([48.7, 48.62]), np.array([2.4, 2.4])).tolist() == [False, True]


def test_circle_over_the_antimeridian_takes_every_longitude():
    area = Area.circle(0.0, 179.95, 20)
    assert area.contains(np.array([0.0, 0.0]), np.array([-179.95, 179.0])).tolist() == [True, False]
