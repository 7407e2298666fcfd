"""The territories actors are counted by (commune, EPT, EPCI, département): their names
from the gazetteer, their outlines from the bundled basemap.

``Catalogue.territory_counts`` counts the actors of a filter by each level's code; the
map draws them as « Nombre d'acteurs par… » layers. The basemap holds Paris as one
outline, so the arrondissements' actors are counted in Paris (75056) at commune level;
a former commune's code counts in the commune that absorbed it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Mapping

from .. import paths
from ..fields import label as field_label
from . import PARIS, gazetteer
from .area import Area

# Level -> (the words after « Nombre d'acteurs par », its plural in a sentence).
LEVELS: dict[str, tuple[str, str]] = {
    "commune": ("commune", "communes"),
    "ept": (field_label("ept"), field_label("ept")),
    "epci": (field_label("epci"), field_label("epci")),
    "departement": ("département", "départements"),
}


def check_level(level: str) -> str:
    if level not in LEVELS:
        from ..errors import UserError
        raise UserError(f"Niveau de territoire inconnu : « {str(level)[:20]} » "
                        f"(possibles : {', '.join(LEVELS)}).")
    return level


def names(level: str) -> dict[str, str]:
    """{code: name} of a level's territories (those of Île-de-France; other
    départements by the gazetteer of France when asked for one)."""
    gaz = gazetteer()
    check_level(level)
    if level == "commune":
        return {c.insee: c.name for c in gaz.communes if not c.is_arrondissement}
    if level == "ept":
        return gaz.epts()
    if level == "epci":
        return gaz.epcis()
    return gaz.departements()


def name_of(level: str, code: str) -> str:
    """A territory's name ('' when unknown), inside the région or not."""
    found = names(level).get(code)
    if found:
        return found
    gaz = gazetteer()
    if level == "commune":
        commune = gaz.by_insee(code)
        return commune.name if commune is not None else ""
    return gaz.departement_name(code) if level == "departement" else ""


def outline_code(code: str) -> str:
    """The commune outline an actor's INSEE code is drawn in (an arrondissement of Paris
    in Paris, a former commune in the one that absorbed it)."""
    if code.startswith("751") and len(code) == 5:
        return PARIS
    commune = gazetteer().by_insee(code) if code else None
    return commune.insee if commune is not None and commune.in_idf else code


def grouped(level: str, counts: Mapping[str, int]) -> dict[str, int]:
    """Raw counts by stored code as the level's territories are drawn (see the module);
    actors without a territory ('' code) are left out."""
    if level != "commune":
        return {code: n for code, n in counts.items() if code}
    out: dict[str, int] = {}
    for code, n in counts.items():
        if code:
            key = outline_code(code)
            out[key] = out.get(key, 0) + n
    return out


def membership() -> dict[str, list[str]]:
    """{commune outline code: [département, EPT or '', EPCI or '']}: how the map builds
    the EPT and EPCI layers out of the communes' outlines."""
    return {c.insee: [c.departement, c.ept or "", c.epci or ""]
            for c in gazetteer().communes if not c.is_arrondissement}


@lru_cache(maxsize=1)
def _commune_outlines() -> dict[str, dict]:
    with paths.resource("basemap", "communes.geojson").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return {f["properties"]["code"]: f["geometry"] for f in data["features"]}


def commune_area(code: str) -> Area | None:
    """The commune's outline as an Area (« Dans la zone « Évry-Courcouronnes » »), for
    a click on a commune of the map: no facet selects a commune. None when the basemap
    has no outline for it."""
    key = outline_code(code)
    geometry = _commune_outlines().get(key)
    if geometry is None:
        return None
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = [[(lat, lon) for lon, lat in ring] for polygon in polygons for ring in polygon]
    return Area.polygon(rings, label=name_of("commune", key) or key)
