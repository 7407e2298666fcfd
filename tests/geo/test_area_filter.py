"""A Filter's area evaluated by the catalogue (index positions, query, façade): against a
plain per-actor computation, at known places, kept in step with writes, in saved views
and calls, and the actors without a position it leaves out."""
from __future__ import annotations

import random

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.filter import Filter
from eco_desktop.geo import gazetteer
from eco_desktop.geo.area import Area

GENOPOLE, XENTECH, MAGENTA = 20, 14, 24


def _evry_circle(radius: float = 10) -> Area:
    evry = gazetteer().by_insee("91228")
    return Area.circle(evry.lat, evry.lon, radius, evry.name)


def test_genopoles_actors_are_within_10_km_of_evry_and_paris_is_not(catalogue):
    flt = Filter(area=_evry_circle())
    ids = set(catalogue.actor_ids(flt))
    assert {GENOPOLE, XENTECH, MAGENTA} <= ids
    paris = {a["id"] for a in catalogue.actors() if a["departement"] == "75"}
    assert paris and not paris & ids
    assert catalogue.count(flt) == len(ids)
    assert catalogue.describe(flt) == ["À moins de 10 km d'Évry-Courcouronnes"]


def test_unlocated_actors_are_left_out_and_counted(catalogue):
    everyone = catalogue.actors()
    unlocated = {a["id"] for a in everyone if a["lat"] is None}
    assert unlocated
    big = Filter(area=Area.circle(48.7, 2.4, 300, "la région"))
    assert set(catalogue.actor_ids(big)) == {a["id"] for a in everyone if a["id"] not in unlocated
                                             and big.area.contains_point(a["lat"], a["lon"])}
    assert catalogue.area_left_out(big) == len(unlocated)
    assert catalogue.area_left_out(Filter()) == 0
    kind = next(iter({a["kind"] for a in everyone if a["id"] in unlocated}))
    narrowed = Filter(kinds=(kind,), area=big.area)
    assert catalogue.area_left_out(narrowed) == len({a["id"] for a in everyone
                                                      if a["id"] in unlocated and a["kind"] == kind})


def test_facet_counts_apply_the_area(catalogue):
    flt = Filter(area=_evry_circle())
    inside = [catalogue.get_actor(i) for i in catalogue.actor_ids(flt)]
    kinds = {item["value"]: item["count"] for item in catalogue.facet_counts(flt)["kind"]}
    expected: dict[str, int] = {}
    for actor in inside:
        expected[actor["kind"]] = expected.get(actor["kind"], 0) + 1
    assert kinds == expected


def test_a_write_moves_an_actor_in_and_out(catalogue):
    flt = Filter(area=_evry_circle(3))
    before = set(catalogue.actor_ids(flt))
    outsider = next(a for a in catalogue.actors() if a["departement"] == "75")
    catalogue.update_actor(outsider["id"], {"lat": 48.6245, "lon": 2.4400, "geo_precision": "manual"})
    assert set(catalogue.actor_ids(flt)) == before | {outsider["id"]}
    catalogue.undo()
    assert set(catalogue.actor_ids(flt)) == before
    new = catalogue.create_actor({"name": "Nouvelle biotech d'Évry", "kind": "biotech",
                                  "lat": 48.63, "lon": 2.43})
    assert new in catalogue.actor_ids(flt)


def test_area_in_saved_views_and_calls(catalogue):
    area = Area.polygon([(48.55, 2.35), (48.55, 2.52), (48.70, 2.52), (48.70, 2.35)])
    flt = Filter(kinds=("biotech", "integrator", "iphe", "techprovider", "academic"), area=area)
    catalogue.save_view("Genopole dessinée", flt)
    saved = next(v for v in catalogue.saved_views() if v["name"] == "Genopole dessinée")
    assert saved["filter"] == flt
    catalogue.create_call("AAP zone", eligibility=flt)
    call = catalogue.get_call("AAP zone")
    assert call["eligibility"] == flt
    assert set(catalogue.call_ids("AAP zone")) == set(catalogue.actor_ids(flt))
    assert "Dans la zone dessinée" in catalogue.describe(call["eligibility"])


def test_random_catalogue_against_plain_computation(tmp_path):
    rng = random.Random(7)
    cat = Catalogue.create(tmp_path / "random.sqlite", seed=False)
    try:
        rows = []
        for i in range(400):
            located = rng.random() > 0.1
            rows.append({"name": f"Acteur {i}", "kind": rng.choice(["biotech", "pharma", "academic"]),
                         "lat": rng.uniform(48.2, 49.1) if located else None,
                         "lon": rng.uniform(1.6, 3.4) if located else None})
        cat.bulk_create_actors(rows, label="Acteurs au hasard")
        actors = cat.actors()
        for _ in range(10):
            if rng.random() < 0.5:
                area = Area.circle(rng.uniform(48.4, 48.9), rng.uniform(2.0, 2.8), rng.uniform(1, 40))
            else:
                clat, clon, r = rng.uniform(48.4, 48.9), rng.uniform(2.0, 2.8), rng.uniform(0.05, 0.4)
                area = Area.polygon([(clat + r * rng.uniform(0.3, 1) * dy, clon + r * rng.uniform(0.3, 1) * dx)
                                     for dy, dx in ((0, 1), (1, 1), (1, 0), (0.2, -0.5), (-1, -1), (-1, 0.3))])
            kind = rng.choice([None, "biotech"])
            flt = Filter(kinds=(kind,) if kind else (), area=area)
            expected = {a["id"] for a in actors
                        if (kind is None or a["kind"] == kind) and a["lat"] is not None
                        and area.contains_point(a["lat"], a["lon"])}
            assert set(cat.actor_ids(flt)) == expected
            assert cat.area_left_out(flt) == sum(1 for a in actors if a["lat"] is None
                                                 and (kind is None or a["kind"] == kind))
    finally:
        cat.close()


@pytest.mark.parametrize("level", ["commune", "ept", "epci", "departement"])
def test_territory_counts_match_the_actors(catalogue, level):
    from eco_desktop.geo import territories
    actors = catalogue.actors()
    expected: dict[str, int] = {}
    for a in actors:
        code = a["insee_code"] if level == "commune" else a[level]
        if not code:
            continue
        if level == "commune":
            code = territories.outline_code(code)
        expected[code] = expected.get(code, 0) + 1
    assert catalogue.territory_counts(Filter(), level) == expected


def test_territory_counts_of_a_filter_with_an_area(catalogue):
    flt = Filter(area=_evry_circle())
    counts = catalogue.territory_counts(flt, "departement")
    assert counts == {"91": catalogue.count(flt)}
    by_commune = catalogue.territory_counts(flt, "commune")
    assert by_commune.get("91228", 0) >= 3 and "75056" not in by_commune
