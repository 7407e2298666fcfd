"""Regenerate the bundled geography and nomenclature resources from the open data.

Usage: python tools/build_resources.py SHARED_DATA_DIR [--out resources]

Reads SHARED_DATA_DIR/geo/*.json|geojson and SHARED_DATA_DIR/nomenclatures/naf-rev2.json
(see their README.md) and writes:

- resources/gazetteer.json      communes + Paris arrondissements, départements, EPT, EPCI
- resources/communes-france.json.gz  every other commune of France (compact rows, gzip)
- resources/basemap/*.geojson   simplified outlines (région, départements, communes)
- resources/naf.json            NAF rév. 2, id -> label
- resources/DATA-SOURCES.md     sources and licences

Needs shapely (the ``data`` extra); the application itself never imports it.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

IDF_DEPARTEMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
PARIS = "75056"
METROPOLE_TYPE = "METRO"

# Simplification tolerances in degrees (1e-3 deg is about 75-110 m here).
TOL_REGION = 0.0015
TOL_DEPARTEMENTS = 0.0015
TOL_COMMUNES = 0.0025
DECIMALS = 4          # basemap coordinates (about 10 m)
POS_DECIMALS = 5      # gazetteer positions (about 1 m)
BASEMAP_BUDGET = 1_000_000


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _dump_compact(obj, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def _position(geom) -> tuple[float, float]:
    """(lat, lon): the centroid when it falls inside the outline, else a point inside it."""
    point = geom.centroid
    if not geom.contains(point):
        point = geom.representative_point()
    return round(point.y, POS_DECIMALS), round(point.x, POS_DECIMALS)


def _rounded(geom, decimals: int = DECIMALS):
    return shapely.set_precision(geom, 10 ** -decimals, mode="pointwise")


def _round_coords(obj, decimals: int = DECIMALS):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round_coords(v, decimals) for v in obj]
    return obj


def _feature(geom, properties: dict) -> dict:
    geo = mapping(geom)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])},
    }


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _simplify_coverage(geoms: list, tolerance: float) -> list:
    """Simplify polygons that share borders without opening gaps between them."""
    if hasattr(shapely, "coverage_simplify"):
        out = list(shapely.coverage_simplify(geoms, tolerance))
    else:  # shapely < 2.1
        out = [g.simplify(tolerance, preserve_topology=True) for g in geoms]
    fixed = []
    for original, simple in zip(geoms, out):
        simple = shapely.make_valid(_rounded(simple))
        if simple.is_empty or simple.area == 0:
            simple = _rounded(original.simplify(tolerance / 4, preserve_topology=True))
        fixed.append(_polygonal(simple))
    return fixed


def _polygonal(geom):
    """Drop stray lines/points make_valid may leave."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(polys)


FRANCE_FILE = "communes-france.json.gz"
FRANCE_COLUMNS = ("insee", "name", "departement", "postcodes", "lat", "lon", "type",
                  "old_codes", "old_names")


def _laposte_centroids(path: Path) -> dict[str, tuple[float, float]]:
    """INSEE code -> (lat, lon) of La Poste's table (the same centroid on each of its rows)."""
    out: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            lat, lon = row.get("latitude"), row.get("longitude")
            if lat and lon and row["Code_commune_INSEE"] not in out:
                out[row["Code_commune_INSEE"]] = (float(lat), float(lon))
    return out


def build_france(geo: Path, path: Path) -> int:
    """Every commune of France outside Île-de-France (the région's own stay in
    gazetteer.json with their outlines, MGP, EPT and EPCI), plus the arrondissements of
    Lyon and Marseille, as arrays rather than objects and gzipped: the application reads
    it only when a row names a place outside the région.

    A row: code, name, département, postcodes (space-separated), lat, lon (La Poste's
    centroid, else the mean of the centroids of its former communes or arrondissements;
    null when none is known), type ("c" commune, "a" arrondissement), former codes
    (space-separated: anciensCodes and its delegated/associated communes), former names
    ("|"-separated)."""
    cog = _load(geo / "cog-communes-france.json")
    departements = _load(geo / "cog-departements-france.json")
    centroids = _laposte_centroids(geo / "laposte-hexasmal.csv")
    old_codes: dict[str, set[str]] = {}
    old_names: dict[str, set[str]] = {}
    for entry in cog:
        owner = entry.get("chefLieu") or entry.get("commune")
        if entry["type"] in ("commune-deleguee", "commune-associee") and owner:
            old_codes.setdefault(owner, set()).add(entry["code"])
            old_names.setdefault(owner, set()).add(entry["nom"])
    arrondissements: dict[str, list[str]] = {}
    for entry in cog:
        if entry["type"] == "arrondissement-municipal":
            arrondissements.setdefault(entry["commune"], []).append(entry["code"])

    rows = []
    for entry in cog:
        if entry["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        if entry["departement"] in IDF_DEPARTEMENTS:
            continue
        code = entry["code"]
        former = sorted((set(entry.get("anciensCodes", [])) | old_codes.get(code, set()))
                        - {code})
        position = centroids.get(code)
        if position is None:
            near = [centroids[c] for c in former + arrondissements.get(code, [])
                    if c in centroids]
            if near:
                position = (sum(p[0] for p in near) / len(near),
                            sum(p[1] for p in near) / len(near))
        lat, lon = ((round(position[0], POS_DECIMALS), round(position[1], POS_DECIMALS))
                    if position else (None, None))
        names = sorted(old_names.get(code, set()) - {entry["nom"]})
        rows.append([code, entry["nom"], entry["departement"],
                     " ".join(sorted(entry.get("codesPostaux", []))), lat, lon,
                     "a" if entry["type"] == "arrondissement-municipal" else "c",
                     " ".join(former), "|".join(names)])
    data = {
        "version": 1,
        "columns": list(FRANCE_COLUMNS),
        "departements": {d["code"]: d["nom"] for d in departements},
        "communes": rows,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same data gives the same bytes (no spurious change to commit).
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                 filename="") as fh:
        fh.write(text.encode("utf-8"))
    return path.stat().st_size


def build(data_dir: Path, out_dir: Path) -> dict:
    geo = data_dir / "geo"
    cog = _load(geo / "cog-communes-idf.json")
    deps = _load(geo / "cog-departements-idf.json")
    epts = _load(geo / "ept-grand-paris.json")
    epcis = _load(geo / "epci-idf.json")
    outlines_2018 = _load(geo / "communes-idf-2018.geojson")["features"]
    arr_features = _load(geo / "paris-arrondissements.geojson")["features"]
    region = _load(geo / "region-idf.geojson")
    dep_features = _load(geo / "departements-idf.geojson")["features"]

    outline = {f["properties"]["code"]: shape(f["geometry"]) for f in outlines_2018}
    name_2018 = {f["properties"]["code"]: f["properties"]["nom"] for f in outlines_2018}
    arr_by_code = {str(f["properties"]["c_arinsee"]): f for f in arr_features}

    ept_of: dict[str, tuple[str, str]] = {}
    for ept in epts:
        for member in ept["membres"]:
            ept_of[member["code"]] = (ept["code"], ept["nom"])
    epci_of: dict[str, tuple[str, str]] = {}
    for epci in epcis:
        for member in epci["membres"]:
            epci_of.setdefault(member["code"], (epci["code"], epci["nom"]))
    metropole = next((e for e in epcis if e.get("type") == METROPOLE_TYPE), None)
    metropole_members = {m["code"] for m in metropole["membres"]} if metropole else set()

    # Delegated / associated communes give old names of merged communes.
    delegated_names: dict[str, set[str]] = {}
    for entry in cog:
        if entry["type"] in ("commune-deleguee", "commune-associee") and entry.get("chefLieu"):
            delegated_names.setdefault(entry["chefLieu"], set()).add(entry["nom"])

    communes: list[dict] = []
    geoms_current: dict[str, object] = {}
    names_current: dict[str, str] = {}
    for entry in cog:
        if entry["type"] != "commune-actuelle":
            continue
        code = entry["code"]
        old_codes = sorted(c for c in entry.get("anciensCodes", []) if c != code)
        parts = [outline[c] for c in [code, *old_codes] if c in outline]
        if not parts:
            raise SystemExit(f"no outline for commune {code} {entry['nom']}")
        geom = unary_union(parts) if len(parts) > 1 else parts[0]
        geoms_current[code] = geom
        names_current[code] = entry["nom"]
        lat, lon = _position(geom)
        old_names = set(delegated_names.get(code, set()))
        for c in [code, *old_codes]:
            if c in name_2018:
                old_names.add(name_2018[c])
        old_names.discard(entry["nom"])
        ept = ept_of.get(code)
        epci = epci_of.get(code)
        is_mgp = code in ept_of or code == PARIS or code in metropole_members
        communes.append({
            "insee": code,
            "name": entry["nom"],
            "type": "commune",
            "postcodes": sorted(entry.get("codesPostaux", [])),
            "departement": entry["departement"],
            "lat": lat,
            "lon": lon,
            "mgp": is_mgp,
            "ept": ept[0] if ept else None,
            "ept_name": ept[1] if ept else None,
            "epci": epci[0] if epci else None,
            "epci_name": epci[1] if epci else None,
            "old_codes": old_codes,
            "old_names": sorted(old_names),
        })

    paris_epci = epci_of.get(PARIS)
    for entry in cog:
        if entry["type"] != "arrondissement-municipal":
            continue
        code = entry["code"]
        feature = arr_by_code.get(code)
        if feature is None:
            raise SystemExit(f"no outline for arrondissement {code}")
        xy = feature["properties"].get("geom_x_y")
        if xy:
            lat, lon = round(xy[0], POS_DECIMALS), round(xy[1], POS_DECIMALS)
        else:
            lat, lon = _position(shape(feature["geometry"]))
        communes.append({
            "insee": code,
            "name": entry["nom"],
            "type": "arrondissement",
            "postcodes": sorted(entry.get("codesPostaux", [])),
            "departement": "75",
            "lat": lat,
            "lon": lon,
            "mgp": True,
            "ept": None,
            "ept_name": None,
            "epci": paris_epci[0] if paris_epci else None,
            "epci_name": paris_epci[1] if paris_epci else None,
            "old_codes": [],
            "old_names": [],
        })

    gazetteer = {
        "version": 1,
        "departements": {d["code"]: d["nom"] for d in deps},
        "epts": {e["code"]: e["nom"] for e in epts},
        "epcis": {e["code"]: e["nom"] for e in epcis},
        "metropole": metropole["code"] if metropole else None,
        "communes": communes,
    }
    sizes = {"gazetteer.json": _dump_compact(gazetteer, out_dir / "gazetteer.json")}
    sizes[FRANCE_FILE] = build_france(geo, out_dir / FRANCE_FILE)

    # Basemap.
    basemap = out_dir / "basemap"
    region_geom = shape(region["geometry"])
    region_simple = _polygonal(shapely.make_valid(_rounded(
        region_geom.simplify(TOL_REGION, preserve_topology=True))))
    sizes["basemap/region.geojson"] = _dump_compact(
        _collection([_feature(region_simple, {"code": region["properties"]["code"],
                                              "nom": region["properties"]["nom"]})]),
        basemap / "region.geojson")

    dep_geoms = [shape(f["geometry"]) for f in dep_features]
    dep_simple = _simplify_coverage(dep_geoms, TOL_DEPARTEMENTS)
    sizes["basemap/departements.geojson"] = _dump_compact(_collection([
        _feature(g, {"code": f["properties"]["code"], "nom": f["properties"]["nom"]})
        for f, g in zip(dep_features, dep_simple)]), basemap / "departements.geojson")

    codes = list(geoms_current)
    com_simple = _simplify_coverage([geoms_current[c] for c in codes], TOL_COMMUNES)
    sizes["basemap/communes.geojson"] = _dump_compact(_collection([
        _feature(g, {"code": c, "nom": names_current[c]}) for c, g in zip(codes, com_simple)]),
        basemap / "communes.geojson")

    naf = _load(data_dir / "nomenclatures" / "naf-rev2.json")
    sizes["naf.json"] = _dump_compact({item["id"]: item["label"] for item in naf},
                                      out_dir / "naf.json")

    (out_dir / "DATA-SOURCES.md").write_text(DATA_SOURCES, encoding="utf-8")

    basemap_total = sum(v for k, v in sizes.items() if k.startswith("basemap/"))
    if basemap_total >= BASEMAP_BUDGET:
        raise SystemExit(f"basemap too large: {basemap_total} bytes")
    return {"sizes": sizes, "basemap_total": basemap_total, "communes": len(communes)}


DATA_SOURCES = """# Sources des données fournies

Chaque fichier ci-dessous est produit par `tools/build_resources.py` à partir des données
ouvertes de `../shared/data` (voir son README.md). Pour tout régénérer :

    python tools/build_resources.py ../shared/data

(le script a besoin de shapely : `pip install -e .[data]` ; l'application, non).

| fichier | contenu | sources | licence |
|---|---|---|---|
| `gazetteer.json` | les communes d'Île-de-France (code INSEE, nom officiel, codes postaux, département, position, anciens codes et noms, appartenance à la Métropole du Grand Paris, EPT et EPCI) et les 20 arrondissements municipaux de Paris (75101–75120) ; listes des départements, EPT et EPCI avec leurs noms | `cog-communes-idf.json`, `cog-departements-idf.json`, `ept-grand-paris.json`, `epci-idf.json` (paquet @etalab/decoupage-administratif 6.0.0, Code officiel géographique de l'INSEE) ; positions calculées à partir de `communes-idf-2018.geojson` (IGN Admin Express COG 2018, via gregoiredavid/france-geojson) et, pour les arrondissements, de `paris-arrondissements.geojson` (données ouvertes de la Ville de Paris) | Licence Ouverte / Etalab 2.0 ; positions des arrondissements : ODbL (Ville de Paris) |
| `communes-france.json.gz` | toutes les autres communes de France (métropole, départements et collectivités d'outre-mer) et les arrondissements de Lyon et Marseille : code INSEE, nom, département, codes postaux, position, anciens codes (`anciensCodes`, communes déléguées et associées) et anciens noms ; noms des 101 départements et des collectivités. Lu seulement quand une ligne nomme un lieu hors de la région | `cog-communes-france.json`, `cog-departements-france.json` (paquet @etalab/decoupage-administratif 6.0.0, Code officiel géographique de l'INSEE) ; positions : centroïdes de `laposte-hexasmal.csv` (La Poste, Base officielle des codes postaux, data.gouv.fr), à défaut la moyenne de ceux des anciennes communes ou des arrondissements (12 communes sans aucune position) | Licence Ouverte / Etalab 2.0 |
| `basemap/region.geojson` | contour simplifié de la région | `region-idf.geojson` (IGN Admin Express COG 2018, via gregoiredavid/france-geojson) | Licence Ouverte / Etalab 2.0 |
| `basemap/departements.geojson` | contours simplifiés des 8 départements (`code`, `nom`) | `departements-idf.geojson` (idem) | Licence Ouverte / Etalab 2.0 |
| `basemap/communes.geojson` | contours grossiers des communes actuelles (`code`, `nom`) ; une commune qui en a absorbé d'autres depuis 2018 reçoit l'union de leurs contours | `communes-idf-2018.geojson` (idem) et `cog-communes-idf.json` (`anciensCodes`) | Licence Ouverte / Etalab 2.0 |
| `naf.json` | nomenclature NAF rév. 2, tous niveaux, code (ex. `72.11Z`) → libellé français | `naf-rev2.json` (paquet @socialgouv/codes-naf 1.1.1, données INSEE) | Apache-2.0 (données : INSEE) |

Le jeu de données fourni (`db/dataset/`) reprend les organisations citées par la note de
L'Institut Paris Region « Biothérapies et bioproduction : structurer et renforcer
l'écosystème » (Note rapide Économie, septembre 2021) ; les descriptions sont des
résumés rédigés pour le catalogue.

Remarques :
- Les positions sont le centroïde du contour, ou un point intérieur quand le centroïde
  tombe dehors (formes irrégulières) ; elles représentent un acteur dont l'adresse
  précise est inconnue (« précision : commune »). Hors de la région, c'est le centroïde
  donné par La Poste.
- Paris (75056) appartient à la Métropole du Grand Paris mais à aucun EPT ; son EPCI,
  comme celui de toutes les communes de la Métropole, est la Métropole du Grand Paris.
- Les contours sont simplifiés (quelques centaines de mètres pour les communes) pour la
  carte hors ligne, pas pour mesurer.
- Les fonds de carte OpenStreetMap, proposés en option quand on est en ligne, sont
  © les contributeurs d'OpenStreetMap (ODbL) ; ils ne sont jamais téléchargés par défaut.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="the shared data directory (with geo/ and nomenclatures/)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "resources")
    args = parser.parse_args(argv)
    report = build(args.data_dir, args.out)
    for name, size in report["sizes"].items():
        print(f"{name}: {size:,} bytes")
    print(f"basemap total: {report['basemap_total']:,} bytes; gazetteer entries: {report['communes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
