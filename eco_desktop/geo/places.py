"""What « à moins de N km de PLACE » and « dans la zone de FILE.geojson » name, for the CLI's
``--near`` / ``--within`` (and anything else that turns typed text into an Area).

A PLACE is a postcode (five digits), an actor's id (another number), a commune's name
(« Saint-Denis (93) » chooses among homonyms by département) — never a guess: a name
several communes bear, or a postcode several serve, is a French error that lists them.
A GeoJSON file is read within ``MAX_GEOJSON_BYTES`` and holds Polygon or MultiPolygon
geometries (a FeatureCollection, a Feature or a bare geometry), at most
``area.MAX_VERTICES`` vertices in all.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import UserError
from . import gazetteer
from .area import Area
from .model import Commune

DEFAULT_RADIUS_KM = 10.0
MAX_GEOJSON_BYTES = 5 * 1024 * 1024
MAX_LISTED = 8
_WITH_DEPARTEMENT = re.compile(r"^(.*?)\s*\(\s*(\d[\dAB]|\d{3})\s*\)\s*$", re.IGNORECASE)


def _listed(communes: list[Commune]) -> str:
    shown = ", ".join(f"{c.name} ({c.departement})" for c in communes[:MAX_LISTED])
    more = len(communes) - MAX_LISTED
    return shown + (f" et {more} autre(s)" if more > 0 else "")


def _located(commune: Commune) -> Commune:
    if commune.lat is None or commune.lon is None:
        raise UserError(f"La commune {commune.name} ({commune.departement}) n'a pas de position connue.")
    return commune


def commune_named(text: str) -> Commune:
    """The one commune ``text`` names (a name, « Name (dép.) » or a postcode)."""
    text = " ".join(str(text or "").split())
    if not text:
        raise UserError("Indiquez une commune, un code postal ou l'identifiant d'un acteur.")
    gaz = gazetteer()
    if re.fullmatch(r"\d{5}", text):
        served = gaz.by_postcode(text)
        if len(served) == 1:
            return _located(served[0])
        if served:
            raise UserError(f"Le code postal {text} dessert plusieurs communes : {_listed(served)}. "
                            "Indiquez la commune par son nom, par exemple « "
                            f"{served[0].name} ({served[0].departement}) ».")
        raise UserError(f"Aucune commune n'a le code postal {text}.")
    wanted_dep = None
    found = _WITH_DEPARTEMENT.match(text)
    if found:
        text, wanted_dep = found.group(1), found.group(2).upper()
    communes = gaz.named(text)
    if wanted_dep:
        communes = [c for c in communes if c.departement == wanted_dep]
    if not communes:
        guess = gaz.match(text)
        if guess is not None and (wanted_dep is None or guess.departement == wanted_dep):
            communes = [guess]
    if len(communes) == 1:
        return _located(communes[0])
    if communes:
        raise UserError(f"Plusieurs communes s'appellent « {text} » : {_listed(communes)}. "
                        f"Précisez le département, par exemple « {communes[0].name} ({communes[0].departement}) », "
                        "ou donnez le code postal.")
    raise UserError(f"Commune inconnue : « {text[:60]} ».")


def near_area(place: str, radius_km: float | None,
              actor: Callable[[int], Mapping[str, Any] | None] | None = None) -> Area:
    """The circle of ``radius_km`` (DEFAULT_RADIUS_KM if None) around ``place``: an actor
    when it is a number that is no postcode (``actor(id)`` gives its record), else a
    commune's centre."""
    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    text = str(place or "").strip()
    if re.fullmatch(r"\d+", text) and not (len(text) == 5 and gazetteer().by_postcode(text)):
        record = actor(int(text)) if actor is not None else None
        if record is None:
            raise UserError(f"Aucun acteur n'a l'identifiant {text}"
                            + (" et aucune commune ce code postal." if len(text) == 5 else "."))
        if record.get("lat") is None or record.get("lon") is None:
            raise UserError(f"L'acteur n° {text} (« {record.get('name', '')} ») n'a pas de position : "
                            "placez-le sur la carte ou choisissez une commune.")
        return Area.circle(record["lat"], record["lon"], radius, record.get("name") or f"l'acteur n° {text}")
    commune = commune_named(text)
    return Area.circle(commune.lat, commune.lon, radius, commune.name)


def _rings_of(geometry: Any) -> list[list[tuple[float, float]]]:
    if not isinstance(geometry, Mapping):
        raise UserError("Fichier GeoJSON invalide : une géométrie n'est pas un objet.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    elif kind == "GeometryCollection":
        return [ring for g in geometry.get("geometries") or [] for ring in _rings_of(g)]
    else:
        raise UserError(f"Fichier GeoJSON : géométrie « {str(kind)[:30]} » non prise en charge "
                        "(seulement Polygon et MultiPolygon).")
    rings = []
    try:
        for polygon in polygons:
            for ring in polygon:
                # GeoJSON gives longitude first (RFC 7946); a third value (altitude) is ignored
                rings.append([(float(p[1]), float(p[0])) for p in ring])
    except (TypeError, ValueError, IndexError, KeyError):
        raise UserError("Fichier GeoJSON invalide : des coordonnées ne sont pas des paires de nombres.") from None
    return rings


def area_from_geojson(data: Any, default_label: str) -> Area:
    """The Area of a parsed GeoJSON object (FeatureCollection, Feature or geometry),
    labelled by its first feature's « nom » or « name » property, else ``default_label``."""
    if not isinstance(data, Mapping):
        raise UserError("Fichier GeoJSON invalide : un objet JSON est attendu.")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise UserError("Fichier GeoJSON invalide : « features » doit être une liste.")
    elif kind == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    rings, names = [], []
    for feature in features:
        if not isinstance(feature, Mapping):
            raise UserError("Fichier GeoJSON invalide : un élément de « features » n'est pas un objet.")
        rings.extend(_rings_of(feature.get("geometry")))
        props = feature.get("properties") or {}
        if isinstance(props, Mapping):
            names.extend(str(props[k]) for k in ("nom", "name", "NOM", "Name") if props.get(k))
    if not rings:
        raise UserError("Fichier GeoJSON sans polygone.")
    return Area.polygon(rings, label=names[0] if names else default_label)


def read_geojson_area(path: str | Path) -> Area:
    """The Area of a GeoJSON file (see the module); a French UserError otherwise."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_GEOJSON_BYTES:
            raise UserError(f"Fichier GeoJSON trop gros ({size // 1024} Kio ; au plus "
                            f"{MAX_GEOJSON_BYTES // (1024 * 1024)} Mio) : simplifiez la zone.")
        with path.open("rb") as fh:
            raw = fh.read(MAX_GEOJSON_BYTES + 1)
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier GeoJSON « {path} » : {exc.strerror or exc}.") from None
    if len(raw) > MAX_GEOJSON_BYTES:
        raise UserError("Fichier GeoJSON trop gros : simplifiez la zone.")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise UserError(f"Fichier GeoJSON illisible (JSON invalide) : « {path.name} ».") from None
    return area_from_geojson(data, path.name)
