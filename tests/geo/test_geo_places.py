"""What --near and --within name (geo/places.py): communes, postcodes, actors, homonyms,
GeoJSON files and their limits."""
from __future__ import annotations

import json
import re

import pytest

from eco_desktop.errors import UserError
from eco_desktop.geo import gazetteer
from eco_desktop.geo.places import MAX_GEOJSON_BYTES, commune_named, near_area, read_geojson_area

ACTORS = {20: {"id": 20, "name": "Genopole", "lat": 48.6245, "lon": 2.4414},
          9: {"id": 9, "name": "Sans position", "lat": None, "lon": None}}


@pytest.mark.parametrize("text, insee", [
    ("Évry-Courcouronnes", "91228"), ("evry courcouronnes", "91228"), ("Courcouronnes", "91228"),
    ("91000", "91228"), ("Saint-Denis (93)", "93066"), ("Paris", "75056"), ("Gif sur Yvette", "91272"),
])
def test_commune_named(text, insee):
    assert commune_named(text).insee == insee


@pytest.mark.parametrize("text, message", [
    ("Saint-Denis", "Plusieurs communes s'appellent « Saint-Denis » : Saint-Denis (93), "),
    ("Evry", "Évry-Courcouronnes (91), Évry (89)"),
    ("91940", "Le code postal 91940 dessert plusieurs communes"),
    ("99999", "Aucune commune n'a le code postal 99999"),
    ("Zzyzx-sur-Rien", "Commune inconnue"),
    ("", "Indiquez une commune"),
])
def test_commune_named_refuses_to_guess(text, message):
    with pytest.raises(UserError, match=re.escape(message)):
        commune_named(text)


def test_near_area_around_a_commune_or_an_actor():
    evry = gazetteer().by_insee("91228")
    area = near_area("Évry-Courcouronnes", 5, ACTORS.get)
    assert (area.lat, area.lon, area.radius_km, area.label) == (evry.lat, evry.lon, 5.0, evry.name)
    assert near_area("Evry-Courcouronnes", None).radius_km == 10.0
    genopole = near_area("20", 2.5, ACTORS.get)
    assert (genopole.lat, genopole.label) == (48.6245, "Genopole")
    assert genopole.describe() == "À moins de 2,5 km de Genopole"
    with pytest.raises(UserError, match="n'a pas de position"):
        near_area("9", 2, ACTORS.get)
    with pytest.raises(UserError, match="Aucun acteur n'a l'identifiant 12"):
        near_area("12", 2, ACTORS.get)
    with pytest.raises(UserError, match="rayon"):
        near_area("Paris", 0, ACTORS.get)


def _write(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


SQUARE = [[2.3, 48.6], [2.5, 48.6], [2.5, 48.8], [2.3, 48.8], [2.3, 48.6]]


def test_geojson_shapes(tmp_path):
    feature = {"type": "Feature", "properties": {"nom": "Secteur sud"},
               "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    area = read_geojson_area(_write(tmp_path / "a.geojson", {"type": "FeatureCollection", "features": [feature]}))
    assert area.label == "Secteur sud" and area.rings == (((48.6, 2.3), (48.6, 2.5), (48.8, 2.5), (48.8, 2.3)),)
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[2.0, 49.0], [2.1, 49.0], [2.1, 49.1]]]]}
    area = read_geojson_area(_write(tmp_path / "zone.geojson", multi))
    assert len(area.rings) == 2 and area.describe() == "Dans la zone « zone.geojson »"
    assert area.contains_point(49.02, 2.09) and area.contains_point(48.7, 2.4)


@pytest.mark.parametrize("content, message", [
    ("{", "illisible"),
    ("[1]", "un objet JSON"),
    ('{"type": "Point", "coordinates": [2.3, 48.8]}', "Point"),
    ('{"type": "Polygon", "coordinates": [[["a", 48.6], [2.5, 48.6], [2.5, 48.8]]]}', "paires de nombres"),
    ('{"type": "FeatureCollection", "features": []}', "sans polygone"),
    ('{"type": "Polygon", "coordinates": [[[2.3, 95], [2.5, 48.6], [2.5, 48.8]]]}', "latitude"),
])
def test_bad_geojson_is_a_french_error(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        read_geojson_area(path)


def test_geojson_size_and_vertices_are_bounded(tmp_path):
    big = tmp_path / "big.geojson"
    big.write_bytes(b" " * (MAX_GEOJSON_BYTES + 1))
    with pytest.raises(UserError, match="trop gros"):
        read_geojson_area(big)
    ring = [[2.0 + i * 1e-4, 48.0 + (i % 2) * 1e-3] for i in range(6000)]
    with pytest.raises(UserError, match="au plus 5000"):
        read_geojson_area(_write(tmp_path / "many.geojson", {"type": "Polygon", "coordinates": [ring]}))
    with pytest.raises(UserError, match="Impossible de lire"):
        read_geojson_area(tmp_path / "absent.geojson")
