"""The outline of the région (``resources/basemap/region.geojson``): is a point inside?"""
from __future__ import annotations

import json

from .. import paths


class RegionOutline:
    """Point-in-polygon over the simplified outline, read on first use."""

    def __init__(self):
        self._rings: list[list[tuple[float, float]]] | None = None
        self._cache: dict[tuple[float, float], bool] = {}
        self._bbox: tuple[float, float, float, float] | None = None

    def _load(self) -> None:
        with paths.resource("basemap", "region.geojson").open(encoding="utf-8") as fh:
            data = json.load(fh)
        rings: list[list[tuple[float, float]]] = []
        for feature in data["features"]:
            geometry = feature["geometry"]
            polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                        else [geometry["coordinates"]])
            for polygon in polygons:
                for ring in polygon:
                    rings.append([(float(x), float(y)) for x, y in ring])
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        self._bbox = (min(xs), min(ys), max(xs), max(ys))
        self._rings = rings

    def contains(self, lat, lon) -> bool:
        """Whether the point lies in the (simplified) outline of the région."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return False
        if self._rings is None:
            self._load()
        x0, y0, x1, y1 = self._bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return False
        key = (round(lat, 5), round(lon, 5))  # positions repeat (commune centres): remember them
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._ray_cast(lat, lon)
            if len(self._cache) > 100_000:
                self._cache.clear()
        return cached

    def _ray_cast(self, lat: float, lon: float) -> bool:
        inside = False  # even-odd rule over all rings (holes included)
        for ring in self._rings:
            n = len(ring)
            j = n - 1
            for i in range(n):
                xi, yi = ring[i]
                xj, yj = ring[j]
                if (yi > lat) != (yj > lat):
                    x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
                    if lon < x_cross:
                        inside = not inside
                j = i
        return inside
