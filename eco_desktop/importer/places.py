"""Where an imported row is: its commune, INSEE code, département, whether it lies
outside Île-de-France or abroad, and its position.

What the file says is believed in this order, and a weaker clue never overrides a
stronger one:

1. a foreign country (``codePaysEtrangerEtablissement``, a « Pays » column that is not
   France, an INSEE code 99xxx): outside the région, no French commune;
2. the INSEE code of the commune (authoritative; a former code gives the commune that
   absorbed it; Paris, Lyon or Marseille as a whole plus a postcode give the
   arrondissement);
3. the postcode, whose département bounds the name's matching (CEDEX codes included);
4. the commune's name alone.

A commune's name never moves a row into another département than its INSEE code,
postcode or département column gives (« Valence » 26000 is Valence, never
Valence-en-Brie). Each distinct place is worked out once (files repeat them) by
dictionary lookups in the gazetteer.

Positions given by the file (Lambert-93 columns of SIRENE, a « lat, lon » column,
latitude and longitude columns) are kept at precision "address" when they fall within
:data:`MAX_DISTANCE_KM` of their commune; SIRENE's coordinates are converted a whole
column at a time (:func:`lambert_positions`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property

from ..geo import IDF_DEPARTEMENTS as _IDF
from ..geo import Commune, departement_of_code, distance_km
from ..text import fold
from ..validate import Issue

# A position given by the file further than this from its commune's centre is a mistake
# (swapped columns, another projection): the commune's centre is used instead. The
# largest communes of metropolitan France are about 20 km across (Arles); French Guiana's
# are far larger, hence their own bound.
MAX_DISTANCE_KM = 30.0
MAX_DISTANCE_KM_GUYANE = 150.0

# What SIRENE and people write for France in a country column.
_FRANCE = frozenset({"france", "fr", "fra", "99100", "republique francaise",
                     "france metropolitaine"})

# SIRENE's coordinates: Lambert-93 in metropolitan France, a local projection overseas
# (INSEE, « Description des fichiers du stock des établissements »). Saint-Pierre-et-
# Miquelon and the collectivities have none: their rows keep the commune's centre.
PROJECTIONS = {"971": "EPSG:5490", "972": "EPSG:5490", "973": "EPSG:2972",
               "974": "EPSG:2975", "976": "EPSG:4471"}
LAMBERT_93 = "EPSG:2154"

log = logging.getLogger(__name__)

_LAT_LON = re.compile(r"^\s*\[?\s*(-?\d+(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d+(?:[.,]\d+)?)\s*\]?\s*$")


@dataclass
class Place:
    """What the gazetteer makes of a row's place."""

    commune: Commune | None = None
    departement: str = ""
    country: str = ""          # the foreign country as the file names it
    foreign: bool = False
    notes: list[Issue] = field(default_factory=list)

    @property
    def outside_idf(self) -> bool:
        if self.foreign:
            return True
        if self.commune is not None:
            return not self.commune.in_idf
        return bool(self.departement) and self.departement not in _IDF

    @cached_property
    def fields(self) -> dict:
        """The actor fields this place gives (position excluded; do not change it)."""
        commune = self.commune
        if commune is None:
            return {"departement": "" if self.foreign else self.departement,
                    "mgp": False, "ept": "", "epci": "", "outside_idf": self.outside_idf}
        return {"insee_code": commune.insee, "commune": commune.name,
                "departement": commune.departement, "mgp": bool(commune.mgp),
                "ept": commune.ept or "", "epci": commune.epci or "",
                "outside_idf": not commune.in_idf}


def is_foreign(country: str) -> bool:
    """Whether a country cell names another country than France."""
    key = fold(country)
    return bool(key) and key not in _FRANCE


class Places:
    """Works out places for one import, remembering each distinct one."""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer
        self._known: dict[tuple[str, ...], Place] = {}

    def locate(self, commune: str = "", postcode: str = "", insee: str = "",
               departement: str = "", country: str = "", *,
               guessed_postcode: bool = False) -> Place:
        """``guessed_postcode``: the postcode had four digits and was given a leading zero
        (a spreadsheet drops it, but a typo or a foreign code looks the same): it then
        bounds nothing when the name does not fit it."""
        key = (commune, postcode, insee, departement, country, guessed_postcode)
        place = self._known.get(key)
        if place is None:
            place = self._locate(commune, postcode, insee, departement, country,
                                 guessed_postcode)
            if len(self._known) < 200_000:
                self._known[key] = place
        return place

    def _locate(self, commune: str, postcode: str, insee: str, departement: str,
                country: str, guessed_postcode: bool = False) -> Place:
        gaz = self.gazetteer
        if is_foreign(country) or insee.startswith("99"):
            shown = country if country and not country.isdigit() else ""
            where = f" ({shown})" if shown else ""
            return Place(country=shown, foreign=True, notes=[Issue(
                "outside_idf", "warning",
                f"Adresse à l'étranger{where} : hors Île-de-France, sans commune française.")])
        if insee:
            found = gaz.by_insee_and_postcode(insee, postcode)
            if found is not None:
                return self._found(found)
        # The strongest clue given bounds the others: INSEE code, postcode, column.
        bound = (departement_of_code(insee) if insee else "") \
            or (gaz.postcode_departement(postcode) if postcode else "") \
            or _departement_column(departement)
        found = None
        if commune or postcode:
            found = self._match(commune, postcode, bound)
            if found is None and insee and commune and postcode:
                found = self._match(commune, "", bound)  # an unknown INSEE code with a CEDEX
        if found is None and guessed_postcode:
            bound = (departement_of_code(insee) if insee else "") \
                or _departement_column(departement)
            found = self._match(commune, "", bound) if commune else None
        if found is not None:
            return self._found(found)
        place = Place(departement=bound)
        if bound and bound not in _IDF:
            place.notes.append(Issue("outside_idf", "warning", self._outside_text(None, bound)))
        return place

    def _match(self, commune: str, postcode: str, bound: str) -> Commune | None:
        """The gazetteer's match within ``bound`` (a département, or ""). A cell naming
        a CEDEX office then the commune (RNSR: « MARNE LA VALLEE CEDEX 2 - CHAMPS SUR
        MARNE », the postal address's last line) gives the commune, else the office's."""
        gaz = self.gazetteer
        candidates = [commune]
        if " - " in commune:
            candidates += [part for part in reversed(commune.split(" - ")) if part.strip()]
        for text in candidates:
            found = gaz.match(commune=text or None, postcode=postcode or None)
            if found is not None and (not bound or found.departement == bound):
                return found
        return None

    def _found(self, commune: Commune) -> Place:
        place = Place(commune=commune, departement=commune.departement)
        if not commune.in_idf:
            place.notes.append(Issue("outside_idf", "warning",
                                     self._outside_text(commune, commune.departement)))
        return place

    def _outside_text(self, commune: Commune | None, departement: str) -> str:
        name = self.gazetteer.departement_name(departement)
        where = f"{departement} {name}".strip()
        if commune is not None:
            return f"Hors Île-de-France : {commune.name} ({where})."
        return f"Hors Île-de-France (département {where})."

    def check_position(self, place: Place, lat: float, lon: float) -> Issue | None:
        """A warning when a position given by the file is too far from its commune."""
        commune = place.commune
        if commune is None or commune.lat is None:
            return None
        limit = MAX_DISTANCE_KM_GUYANE if commune.departement == "973" else MAX_DISTANCE_KM
        away = distance_km(lat, lon, commune.lat, commune.lon)
        if away <= limit:
            return None
        return Issue("position", "warning",
                     f"La position donnée ({lat:.5f} ; {lon:.5f}) est à {away:.0f} km de "
                     f"{commune.name} : la position de la commune est retenue.")


def _departement_column(text: str) -> str:
    found = re.match(r"^(\d{3}|\d{2}|2[AB])\b", (text or "").strip().upper())
    if not found:
        return ""
    code = found.group(1)
    return code if len(code) == 2 or code.startswith("97") else code[:2]


def parse_lat_lon(text: str) -> tuple[float, float] | None:
    """'48.62, 2.44' / '48,62;2,44' / '[48.62, 2.44]' -> (lat, lon); None otherwise."""
    found = _LAT_LON.match(text or "")
    if not found:
        return None
    lat, lon = (float(g.replace(",", ".")) for g in found.groups())
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (ValueError, AttributeError):
        return None


_transformers: dict[str, object] = {}


def _transformer(crs: str):
    found = _transformers.get(crs)
    if found is None:
        from pyproj import Transformer  # (PROJ's data ships in the wheel: offline)
        found = _transformers[crs] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return found


def lambert_positions(rows: list[tuple[int, list[str]]], x_column: int, y_column: int,
                      code_columns: list[int]) -> dict[int, tuple[float, float]]:
    """Row number -> (lat, lon) of SIRENE's projected coordinates, converted a whole
    projection at a time (pyproj transforms arrays in C: ~1 µs a point, against ~30 µs
    called point by point). The projection is chosen by the row's département, read from
    its INSEE code or postcode (``code_columns``, the first non-empty): Lambert-93 in
    metropolitan France, the local one overseas; a département with none gives no
    position."""
    import numpy as np

    groups: dict[str, tuple[list[int], list[float], list[float]]] = {}
    for number, row in rows:
        width = len(row)
        if x_column >= width or y_column >= width:
            continue
        x, y = _number(row[x_column]), _number(row[y_column])
        if x is None or y is None or (x == 0 and y == 0):
            continue
        code = next((row[i].strip() for i in code_columns if i < width and row[i].strip()), "")
        dep = departement_of_code(code.zfill(5) if code.isdigit() and len(code) == 4 else code)
        crs = PROJECTIONS.get(dep) if len(dep) == 3 else LAMBERT_93
        if crs is None or dep == "99":   # 99xxx: a foreign country, in no French projection
            continue
        numbers, xs, ys = groups.setdefault(crs, ([], [], []))
        numbers.append(number)
        xs.append(x)
        ys.append(y)
    out: dict[int, tuple[float, float]] = {}
    for crs, (numbers, xs, ys) in groups.items():
        try:
            lons, lats = _transformer(crs).transform(np.array(xs), np.array(ys))
        except Exception as exc:  # noqa: BLE001 - PROJ missing or broken: commune centres
            log.warning("coordinates in %s not converted (%s): commune centres kept", crs, exc)
            continue
        for number, lat, lon in zip(numbers, lats.tolist(), lons.tolist()):
            if lat == lat and lon == lon and abs(lat) <= 90 and abs(lon) <= 180:
                out[number] = (round(lat, 6), round(lon, 6))
    return out
