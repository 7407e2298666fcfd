"""A geographic criterion of the Filter: a circle (« à moins de 10 km d'Évry-Courcouronnes »)
or a polygon (« dans la zone dessinée »), and its evaluation over numpy arrays of positions.

An ``Area`` is a frozen, hashable value: it lives inside ``Filter.area``, travels in saved
views and calls' eligibility as the dict of :meth:`Area.to_dict`, and is checked when
built (finite coordinates, a radius within ``MIN_RADIUS_KM``..``MAX_RADIUS_KM``, at most
``MAX_VERTICES`` vertices), so that a damaged saved view is a French error, not a
wrong list.

Evaluation (:meth:`Area.contains`) is vectorised: a circle by the haversine distance
on the sphere of :func:`~eco_desktop.geo.model.distance_km`; a polygon by the even-odd
rule over every ring (holes and several parts of a MultiPolygon included), in Web
Mercator coordinates — the projection of the map on which a zone is drawn, where its
edges are the straight lines the person saw (in plain latitude/longitude an edge of a
long zone bends a little away from the drawn one). A position that is NaN (an actor
without a position) is never inside.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..errors import UserError
from .model import distance_km

CIRCLE = "circle"
POLYGON = "polygon"
MIN_RADIUS_KM = 0.1
MAX_RADIUS_KM = 300.0
# Vertices of all rings together: a drawn zone has tens, a simplified commune or EPT
# outline a few hundred; beyond, a file is a detailed survey the map cannot show anyway.
MAX_VERTICES = 5000
MAX_LABEL = 120
DRAWN_LABEL = "zone dessinée"
EARTH_RADIUS_KM = 6371.0
# Digits kept of a coordinate (about 1 cm): a saved view gives back the same Area.
_DIGITS = 7

Point = tuple[float, float]  # (lat, lon) in degrees


def _error(detail: str) -> UserError:
    return UserError(f"Zone géographique invalide : {detail}.")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise _error(f"{what} n'est pas un nombre")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _error(f"{what} n'est pas un nombre") from None
    if not math.isfinite(number):
        raise _error(f"{what} n'est pas un nombre fini")
    return number


def _point(lat: Any, lon: Any) -> Point:
    lat, lon = _number(lat, "la latitude"), _number(lon, "la longitude")
    if not -90.0 <= lat <= 90.0:
        raise _error(f"latitude hors de [-90, 90] ({lat:g})")
    if not -180.0 <= lon <= 180.0:
        raise _error(f"longitude hors de [-180, 180] ({lon:g})")
    return round(lat, _DIGITS), round(lon, _DIGITS)


def _elided(label: str) -> str:
    """« d'Évry-Courcouronnes », « de Paris »: de elided before a vowel or a mute h."""
    from ..text import fold
    first = fold(label)[:1]
    return f"d'{label}" if first and first in "aeiouyh" else f"de {label}"


def _km(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class Area:
    """A circle (``lat``, ``lon``, ``radius_km``) or a polygon (``rings``: tuples of
    (lat, lon) vertices, each ring closed implicitly), with the ``label`` its
    description names. Build one with :meth:`circle`, :meth:`polygon` or
    :meth:`from_dict`."""

    kind: str
    label: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    rings: tuple[tuple[Point, ...], ...] = ()

    def __post_init__(self) -> None:
        label = " ".join(str(self.label or "").split())[:MAX_LABEL]
        object.__setattr__(self, "label", label)
        if self.kind == CIRCLE:
            lat, lon = _point(self.lat, self.lon)
            radius = _number(self.radius_km, "le rayon")
            if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
                raise _error(f"le rayon doit être entre {_km(MIN_RADIUS_KM)} et {_km(MAX_RADIUS_KM)} km "
                             f"({_km(radius)} km donné)")
            object.__setattr__(self, "lat", lat)
            object.__setattr__(self, "lon", lon)
            object.__setattr__(self, "radius_km", round(radius, 3))
            if self.rings:
                raise _error("un cercle n'a pas de sommets")
        elif self.kind == POLYGON:
            if self.lat is not None or self.lon is not None or self.radius_km is not None:
                raise _error("un polygone n'a ni centre ni rayon")
            rings = []
            for ring in self.rings:
                points = [_point(*_pair(vertex)) for vertex in ring]
                if len(points) > 1 and points[0] == points[-1]:
                    points.pop()  # GeoJSON closes its rings by repeating the first vertex
                if len(points) < 3:
                    raise _error("un contour a moins de 3 sommets")
                rings.append(tuple(points))
            if not rings:
                raise _error("le polygone n'a aucun contour")
            total = sum(len(r) for r in rings)
            if total > MAX_VERTICES:
                raise _error(f"{total} sommets, au plus {MAX_VERTICES} acceptés")
            object.__setattr__(self, "rings", tuple(rings))
        else:
            raise _error(f"forme inconnue « {str(self.kind)[:20]} »")

    # -- building ------------------------------------------------------------
    @classmethod
    def circle(cls, lat: float, lon: float, radius_km: float, label: str = "") -> "Area":
        return cls(CIRCLE, label, lat, lon, radius_km)

    @classmethod
    def polygon(cls, rings: Iterable[Iterable[Sequence[float]]] | Iterable[Sequence[float]],
                label: str = DRAWN_LABEL) -> "Area":
        """A polygon from one ring of (lat, lon) vertices or from several rings."""
        rings = [list(r) for r in rings]
        if rings and all(_is_pair(v) for v in rings):
            rings = [rings]  # one ring given as its vertices
        return cls(POLYGON, label, rings=tuple(tuple(_pair(v) for v in r) for r in rings))

    @property
    def is_circle(self) -> bool:
        return self.kind == CIRCLE

    def vertex_count(self) -> int:
        return sum(len(r) for r in self.rings)

    # -- serialisation -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        if self.is_circle:
            return {"kind": CIRCLE, "label": self.label, "lat": self.lat, "lon": self.lon,
                    "radius_km": self.radius_km}
        return {"kind": POLYGON, "label": self.label,
                "rings": [[[lat, lon] for lat, lon in ring] for ring in self.rings]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Area":
        """The Area of :meth:`to_dict`; anything else is a French UserError."""
        if not isinstance(data, Mapping):
            raise UserError("Filtre enregistré illisible : la zone géographique n'est pas un objet.")
        known = {"kind", "label", "lat", "lon", "radius_km", "rings"}
        unknown = set(data) - known
        if unknown:
            raise UserError(f"Filtre enregistré illisible : zone géographique, champ inconnu "
                            f"« {sorted(map(str, unknown))[0][:40]} ».")
        kind = data.get("kind")
        if kind == CIRCLE:
            return cls.circle(data.get("lat"), data.get("lon"), data.get("radius_km"), data.get("label", ""))
        if kind == POLYGON:
            rings = data.get("rings")
            if not isinstance(rings, list) or not all(isinstance(r, list) for r in rings):
                raise _error("les contours doivent être des listes de sommets")
            return cls(POLYGON, data.get("label", DRAWN_LABEL),
                       rings=tuple(tuple(_pair(v) for v in r) for r in rings))
        raise _error(f"forme inconnue « {str(kind)[:20]} »")

    # -- words ---------------------------------------------------------------
    def describe(self) -> str:
        """« À moins de 10 km d'Évry-Courcouronnes », « Dans la zone dessinée »."""
        if self.is_circle:
            place = self.label or f"{self.lat:.4f}, {self.lon:.4f}".replace(".", ",")
            return f"À moins de {_km(self.radius_km)} km {_elided(place)}"
        if not self.label or self.label == DRAWN_LABEL:
            return f"Dans la {DRAWN_LABEL}"
        return f"Dans la zone « {self.label} »"

    # -- evaluation ----------------------------------------------------------
    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) in degrees, enclosing the area."""
        if self.is_circle:
            d = self.radius_km / EARTH_RADIUS_KM
            dlat = math.degrees(d) + 1e-9
            ratio = math.sin(d) / max(math.cos(math.radians(self.lat)), 1e-12)
            # the widest longitude of a spherical cap; a cap over a pole or the
            # antimeridian takes every longitude
            dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) + 1e-9
            if abs(self.lon) + dlon > 180.0:
                dlon = 360.0
            return self.lat - dlat, self.lon - dlon, self.lat + dlat, self.lon + dlon
        lats = [p[0] for r in self.rings for p in r]
        lons = [p[1] for r in self.rings for p in r]
        return min(lats), min(lons), max(lats), max(lons)

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Which of the positions (degrees, NaN for none) lie inside: a boolean array."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        south, west, north, east = self.bounds()
        with np.errstate(invalid="ignore"):  # NaN compares False: never inside
            near = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        out = np.zeros(lat.shape, dtype=bool)
        candidates = np.flatnonzero(near)
        if not candidates.size:
            return out
        if self.is_circle:
            out[candidates] = haversine_km(self.lat, self.lon, lat[candidates], lon[candidates]) <= self.radius_km
        else:
            out[candidates] = _even_odd(self.rings, lat[candidates], lon[candidates])
        return out

    def contains_point(self, lat: float, lon: float) -> bool:
        """The plain per-point computation (no numpy): what :meth:`contains` must agree with."""
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            return False
        if self.is_circle:
            return distance_km(self.lat, self.lon, lat, lon) <= self.radius_km
        y, x = mercator_y(lat), lon
        inside = False
        for ring in self.rings:
            j = len(ring) - 1
            for i in range(len(ring)):
                yi, xi = mercator_y(ring[i][0]), ring[i][1]
                yj, xj = mercator_y(ring[j][0]), ring[j][1]
                if (yi > y) != (yj > y) and x < xi + (y - yi) * (xj - xi) / (yj - yi):
                    inside = not inside
                j = i
        return inside


def _is_pair(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and \
        all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise _error("un sommet doit être une paire (latitude, longitude)")
    return value[0], value[1]


def haversine_km(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances from (lat0, lon0) to every position, in km."""
    p0, p = math.radians(lat0), np.radians(lat)
    a = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(np.radians(lon - lon0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


# Web Mercator stops short of the poles: latitudes are clamped to its square's edge.
_MERCATOR_LIMIT = 85.05112878


def mercator_y(lat):
    """Web Mercator's northing (unitless, radians of the sphere) of latitudes in degrees."""
    if isinstance(lat, np.ndarray):
        phi = np.radians(np.clip(lat, -_MERCATOR_LIMIT, _MERCATOR_LIMIT))
        return np.log(np.tan(np.pi / 4 + phi / 2))
    phi = math.radians(max(-_MERCATOR_LIMIT, min(_MERCATOR_LIMIT, lat)))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def _even_odd(rings: Sequence[Sequence[Point]], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon over all rings. The points are sorted by northing once,
    so that each edge tests only the points of its own band (a slice found by binary
    search): a zone of thousands of vertices costs about what its edges' bands hold."""
    y = mercator_y(lat)
    order = np.argsort(y, kind="stable")
    ys, xs = y[order], lon[order]
    inside = np.zeros(len(ys), dtype=bool)
    for ring in rings:
        vy = mercator_y(np.array([p[0] for p in ring], dtype=np.float64))
        vx = np.array([p[1] for p in ring], dtype=np.float64)
        wy, wx = np.roll(vy, 1), np.roll(vx, 1)  # the edge's other end (the previous vertex)
        for y0, x0, y1, x1 in zip(vy.tolist(), vx.tolist(), wy.tolist(), wx.tolist()):
            if y0 == y1:
                continue  # a horizontal edge crosses no ray (the even-odd rule's convention)
            low, high = (y0, y1) if y0 < y1 else (y1, y0)
            # points with low <= y < high, as (yi > y) != (yj > y) selects
            start, stop = np.searchsorted(ys, low, "left"), np.searchsorted(ys, high, "left")
            if start == stop:
                continue
            band_y = ys[start:stop]
            crossing = x0 + (band_y - y0) * ((x1 - x0) / (y1 - y0))
            inside[start:stop] ^= xs[start:stop] < crossing
    out = np.empty(len(ys), dtype=bool)
    out[order] = inside
    return out
