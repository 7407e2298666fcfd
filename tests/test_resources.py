"""The bundled resources built by tools/build_resources.py."""
from __future__ import annotations

import json

from eco_desktop import paths
from eco_desktop.geo import gazetteer

BASEMAP = ("region.geojson", "departements.geojson", "communes.geojson")


def _load(*parts):
    with paths.resource(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)


def test_basemap_under_one_megabyte():
    total = sum(paths.resource("basemap", name).stat().st_size for name in BASEMAP)
    assert total < 1_000_000


def test_basemap_shapes():
    region = _load("basemap", "region.geojson")
    assert region["type"] == "FeatureCollection" and len(region["features"]) == 1
    deps = _load("basemap", "departements.geojson")["features"]
    assert sorted(f["properties"]["code"] for f in deps) == [
        "75", "77", "78", "91", "92", "93", "94", "95"]
    assert all(f["properties"]["nom"] for f in deps)
    communes = _load("basemap", "communes.geojson")["features"]
    codes = {f["properties"]["code"] for f in communes}
    assert len(communes) >= 1266 and "91228" in codes and "75056" in codes
    for feature in communes:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_basemap_coordinates_rounded():
    text = paths.resource("basemap", "communes.geojson").read_text(encoding="utf-8")
    first = json.loads(text)["features"][0]["geometry"]["coordinates"]
    while isinstance(first[0], list):
        first = first[0]
    for value in first:
        assert len(repr(value).split(".")[-1]) <= 5


def test_gazetteer_counts():
    data = _load("gazetteer.json")
    rows = data["communes"]
    communes = [r for r in rows if r["type"] == "commune"]
    arrondissements = [r for r in rows if r["type"] == "arrondissement"]
    assert len(communes) >= 1266          # current communes (1,268 in 2018, some merged since)
    assert len(rows) >= 1268
    assert sorted(r["insee"] for r in arrondissements) == [f"751{n:02d}" for n in range(1, 21)]
    assert len({r["insee"] for r in rows}) == len(rows)
    assert set(data["departements"]) == {"75", "77", "78", "91", "92", "93", "94", "95"}
    for row in rows:
        assert row["postcodes"] and all(len(pc) == 5 for pc in row["postcodes"])
        assert row["epci"] in data["epcis"]
        assert row["ept"] is None or row["ept"] in data["epts"]


def test_mgp_is_paris_and_the_epts():
    rows = _load("gazetteer.json")["communes"]
    mgp = [r for r in rows if r["mgp"] and r["type"] == "commune"]
    assert len(mgp) == 130               # Paris + the 129 communes of the 11 EPT
    assert all(r["ept"] or r["insee"] == "75056" for r in mgp)
    assert {r["departement"] for r in mgp} >= {"75", "92", "93", "94"}


def test_every_commune_is_inside_idf():
    gaz = gazetteer()
    outside = [c.insee for c in gaz.communes if not gaz.inside_idf(c.lat, c.lon)]
    assert outside == []


def test_naf():
    naf = _load("naf.json")
    assert naf["72.11Z"] == "Recherche-développement en biotechnologie"
    assert "21.20Z" in naf and "72" in naf


def test_data_sources_states_licences():
    text = paths.resource("DATA-SOURCES.md").read_text(encoding="utf-8")
    for needle in ("Etalab 2.0", "ODbL", "Apache-2.0", "tools/build_resources.py"):
        assert needle in text


def test_build_script_reproduces_the_bundled_files(tmp_path):
    """The committed resources are what the script makes from ../shared/data."""
    import importlib.util
    from pathlib import Path

    import pytest

    pytest.importorskip("shapely")
    root = Path(__file__).resolve().parent.parent
    data_dir = root.parent / "shared" / "data"
    if not (data_dir / "geo").is_dir():
        pytest.skip("shared open data not available")
    spec = importlib.util.spec_from_file_location("build_resources", root / "tools" / "build_resources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(data_dir, tmp_path)
    for name in ("gazetteer.json", "communes-france.json.gz", "naf.json", "basemap/communes.geojson",
                 "DATA-SOURCES.md"):
        assert (tmp_path / name).read_bytes() == paths.resource(name).read_bytes(), name
