"""The actors' positions and communes in index order, for geographic criteria and
territory counts.

Numpy columns over the index's positions: ``lat``/``lon`` in degrees (NaN for an actor
without a position) and each actor's commune as a code into ``communes`` (INSEE codes,
"" for none). Read in one query the first time an area or a count by commune needs
them — not when the catalogue opens —, then patched by the index after each write
(:meth:`set`). An area's evaluation is kept until a position changes, so the facet
counts of a filter with an area (one mask per facet) evaluate it once.
"""
from __future__ import annotations

import numpy as np

from ..geo.area import Area


class Positions:
    def __init__(self, lat: np.ndarray, lon: np.ndarray, commune: np.ndarray, communes: list[str]) -> None:
        self.lat = lat
        self.lon = lon
        self.commune = commune  # int32 codes into communes
        self.communes = communes
        self._codes = {code: i for i, code in enumerate(communes)}
        self._memo: tuple[Area, np.ndarray] | None = None

    @classmethod
    def empty(cls, size: int) -> "Positions":
        """``size`` actors without a position nor a commune (an index not read from a file)."""
        return cls(np.full(size, np.nan), np.full(size, np.nan), np.zeros(size, dtype=np.int32), [""])

    @classmethod
    def load(cls, conn, index_ids: np.ndarray) -> "Positions":
        """From the actors table; ``index_ids[p]`` is the id at index position ``p``.
        SQLite joins each column into one string in a single pass (the same row order
        for every column) that numpy parses: no Python object per actor but its
        commune's code."""
        size = len(index_ids)
        lat = np.full(size, np.nan)
        lon = np.full(size, np.nan)
        commune = np.zeros(size, dtype=np.int32)
        codes_of: dict[str, int] = {"": 0}
        id_text, lat_text, lon_text, code_text = conn.execute(
            "SELECT group_concat(id), group_concat(ifnull(lat, 'nan')), group_concat(ifnull(lon, 'nan')), "
            "group_concat(insee_code) FROM actors").fetchone()
        if id_text and size:
            ids = np.fromstring(id_text, dtype=np.int64, sep=",")
            by_id = np.argsort(index_ids, kind="stable")
            sorted_ids = index_ids[by_id]
            found = np.minimum(np.searchsorted(sorted_ids, ids), size - 1)
            known = sorted_ids[found] == ids  # rows the index does not hold are left out
            positions = by_id[found[known]]
            lat[positions] = np.fromstring(lat_text, sep=",")[known]
            lon[positions] = np.fromstring(lon_text, sep=",")[known]
            codes = code_text.split(",")
            commune[positions] = np.fromiter((codes_of.setdefault(c, len(codes_of)) for c in codes),
                                             dtype=np.int32, count=len(codes))[known]
        return cls(lat, lon, commune, list(codes_of))

    def set(self, position: int, lat, lon, insee_code: str | None) -> None:
        """One actor's position and commune after a write (``position`` may be the next one)."""
        if position >= len(self.lat):
            grow = position + 1 - len(self.lat)
            self.lat = np.concatenate([self.lat, np.full(grow, np.nan)])
            self.lon = np.concatenate([self.lon, np.full(grow, np.nan)])
            self.commune = np.concatenate([self.commune, np.zeros(grow, dtype=np.int32)])
        self.lat[position] = np.nan if lat is None else float(lat)
        self.lon[position] = np.nan if lon is None else float(lon)
        code = insee_code or ""
        if code not in self._codes:
            self._codes[code] = len(self.communes)
            self.communes.append(code)
        self.commune[position] = self._codes[code]
        self._memo = None

    def located(self) -> np.ndarray:
        """Which positions hold an actor with a position."""
        return ~(np.isnan(self.lat) | np.isnan(self.lon))

    def inside(self, area: Area) -> np.ndarray:
        """Which positions lie inside ``area`` (kept until a position changes)."""
        memo = self._memo
        if memo is not None and memo[0] == area:
            return memo[1]
        inside = area.contains(self.lat, self.lon)
        self._memo = (area, inside)
        return inside

    def commune_counts(self, selected: np.ndarray) -> dict[str, int]:
        """{INSEE code: number of selected positions} ("" for actors with no commune)."""
        counts = np.bincount(self.commune[selected], minlength=len(self.communes))
        return {self.communes[i]: int(n) for i in np.flatnonzero(counts).tolist() for n in (counts[i],)}
