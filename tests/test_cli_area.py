"""--near PLACE --radius-km N and --within FILE.geojson on the commands taking FILTERS
(cli_args.py): the area in the Filter, what is left out, French usage errors (exit 2)."""
from __future__ import annotations

import json

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.filter import Filter
from eco_desktop.geo import gazetteer
from eco_desktop.geo.area import Area

from cli_helpers import run_cli

GENOPOLE = 20


def listed(db, *args, expect=0):
    proc = run_cli(["list", "--db", db, "--format", "json", *args], home=db.parent, expect=expect)
    return proc, (json.loads(proc.stdout) if expect == 0 else None)


def ids_of(rows) -> set[int]:
    return {row["id"] for row in rows}


def test_near_a_commune(catalogue_path):
    evry = gazetteer().by_insee("91228")
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        flt = Filter(area=Area.circle(evry.lat, evry.lon, 10, evry.name))
        expected = set(cat.actor_ids(flt))
        left = cat.area_left_out(flt)
    proc, rows = listed(catalogue_path, "--near", "Évry-Courcouronnes", "--radius-km", "10")
    assert ids_of(rows) == expected and GENOPOLE in expected
    assert left > 0
    assert (f"{left} acteurs sans position ne sont pas comptés dans la zone "
            "(à moins de 10 km d'Évry-Courcouronnes)") in proc.stderr
    _, by_postcode = listed(catalogue_path, "--near", "91000", "--radius-km", "10")
    assert ids_of(by_postcode) == expected


def test_near_an_actor_with_a_comma_radius(catalogue_path):
    _, rows = listed(catalogue_path, "--near", str(GENOPOLE), "--radius-km", "0,5")
    assert GENOPOLE in ids_of(rows)
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        genopole = cat.get_actor(GENOPOLE)
        flt = Filter(area=Area.circle(genopole["lat"], genopole["lon"], 0.5, genopole["name"]))
        assert ids_of(rows) == set(cat.actor_ids(flt))


def test_within_a_geojson_file(catalogue_path, tmp_path):
    zone = tmp_path / "essonne-nord.geojson"
    square = [[2.3, 48.55], [2.55, 48.55], [2.55, 48.7], [2.3, 48.7], [2.3, 48.55]]
    zone.write_text(json.dumps({"type": "Feature", "properties": {"nom": "Nord Essonne"},
                                "geometry": {"type": "Polygon", "coordinates": [square]}}), encoding="utf-8")
    _, rows = listed(catalogue_path, "--within", zone, "--kind", "iphe")
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        area = Area.polygon([(lat, lon) for lon, lat in square], label="Nord Essonne")
        assert ids_of(rows) == set(cat.actor_ids(Filter(kinds=("iphe",), area=area)))
    assert GENOPOLE in ids_of(rows)


@pytest.mark.parametrize("args, message", [
    (["--near", "Saint-Denis"], "Plusieurs communes s'appellent « Saint-Denis » : Saint-Denis (93)"),
    (["--near", "Zzyzx"], "Commune inconnue"),
    (["--near", "424242"], "Aucun acteur n'a l'identifiant 424242"),
    (["--near", "Paris", "--radius-km", "dix"], "--radius-km attend un nombre"),
    (["--near", "Paris", "--radius-km", "1000"], "rayon"),
    (["--radius-km", "5"], "--radius-km va avec --near"),
    (["--near", "Paris", "--within", "x.geojson"], "pas les deux"),
    (["--within", "absent.geojson"], "Impossible de lire le fichier GeoJSON"),
])
def test_usage_errors_in_french(catalogue_path, args, message):
    proc, _ = listed(catalogue_path, *args, expect=2)
    assert message in proc.stderr


def test_bad_geojson_file_exits_2(catalogue_path, tmp_path):
    bad = tmp_path / "zone.geojson"
    bad.write_text('{"type": "Point", "coordinates": [2.3, 48.8]}', encoding="utf-8")
    proc, _ = listed(catalogue_path, "--within", bad, expect=2)
    assert "seulement Polygon et MultiPolygon" in proc.stderr


def test_every_filters_command_takes_the_area_options():
    from eco_desktop.cli import build_parser
    parser = build_parser()
    for command in ("list", "export", "map", "stats"):
        args = parser.parse_args([command, "--near", "Paris", "--radius-km", "3"]
                                 + (["-o", "x.html"] if command == "map" else [])
                                 + (["-o", "x.xlsx"] if command == "export" else []))
        assert args.near == "Paris" and args.radius_km == "3" and args.within is None


def test_export_says_the_area_in_its_criteria_sheet(catalogue_path, tmp_path):
    from openpyxl import load_workbook
    out = tmp_path / "evry.xlsx"
    run_cli(["export", "--db", catalogue_path, "--near", "Évry-Courcouronnes", "--radius-km", "10", "-o", out],
            home=catalogue_path.parent)
    book = load_workbook(out, read_only=True)
    sheet = next(name for name in book.sheetnames if name.startswith("Crit"))
    cells = [str(c) for row in book[sheet].iter_rows(values_only=True) for c in row if c]
    assert "À moins de 10 km d'Évry-Courcouronnes" in cells
