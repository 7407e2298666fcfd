"""importer/merge.py: filling or overwriting an actor with an imported row."""
from __future__ import annotations

import pytest

from eco_desktop.importer import merge_fill, merge_overwrite


EXISTING = {
    "id": 5, "name": "Cellectis", "kind": "biotech", "domains": ["gene_therapy"],
    "activities": [], "tags": ["cgt"], "aliases": ["Collectis"], "website": "",
    "email": "info@cellectis.example", "description": "", "siret": "", "founded": None,
    "street": "8 rue de la Croix Jarry", "postcode": "75013", "commune":
    "Paris 13e Arrondissement", "insee_code": "75113", "departement": "75", "mgp": True,
    "ept": "", "epci": "200054781", "outside_idf": False, "lat": 48.8301, "lon": 2.3789,
    "geo_precision": "address", "created_at": "2024-01-01T00:00:00+00:00",
    "updated_at": "2024-01-01T00:00:00+00:00",
}


INCOMING = {
    "name": "CELLECTIS SA", "kind": "pharma", "domains": ["gene_therapy", "cell_therapy"],
    "activities": ["research"], "tags": ["CGT", "nouveau"], "aliases": [],
    "website": "https://cellectis.example", "email": "", "description": "Édition du génome",
    "siret": "42885905200037", "founded": 1999, "street": "", "postcode": "75013",
    "commune": "Paris 13e Arrondissement", "insee_code": "75113", "departement": "75",
    "mgp": True, "ept": "", "epci": "200054781", "outside_idf": False, "lat": 48.83,
    "lon": 2.36, "geo_precision": "commune",
}


def test_merge_fill():
    merged = merge_fill(EXISTING, INCOMING)
    assert merged["name"] == "Cellectis" and merged["kind"] == "biotech"  # not empty: kept
    assert merged["website"] == "https://cellectis.example"               # empty: filled
    assert merged["email"] == "info@cellectis.example"
    assert merged["siret"] == "42885905200037" and merged["founded"] == 1999
    assert merged["domains"] == ["gene_therapy", "cell_therapy"]          # union
    assert merged["activities"] == ["research"]
    assert merged["tags"] == ["cgt", "nouveau"]                           # folded union
    assert merged["street"] == "8 rue de la Croix Jarry"
    assert (merged["lat"], merged["geo_precision"]) == (48.8301, "address")
    assert merged["id"] == 5 and merged["updated_at"] == EXISTING["updated_at"]
    assert EXISTING["domains"] == ["gene_therapy"]  # inputs untouched


def test_merge_overwrite():
    merged = merge_overwrite(EXISTING, INCOMING)
    assert merged["name"] == "CELLECTIS SA" and merged["kind"] == "pharma"
    assert merged["email"] == "info@cellectis.example"      # empty never erases
    assert merged["description"] == "Édition du génome"
    assert merged["domains"] == ["gene_therapy", "cell_therapy"]
    assert merged["aliases"] == ["Collectis"]                # empty list never erases
    assert merged["street"] == "8 rue de la Croix Jarry"     # same place, no street given
    # a precise position is not replaced by a commune centroid of the same place
    assert (merged["lat"], merged["lon"], merged["geo_precision"]) == (48.8301, 2.3789,
                                                                       "address")


def test_merge_overwrite_moves_the_whole_address():
    elsewhere = dict(INCOMING, street="", postcode="91000", commune="Évry-Courcouronnes",
                     insee_code="91228", departement="91", mgp=False, ept="",
                     epci="200059228", lat=48.63, lon=2.43, geo_precision="commune")
    merged = merge_overwrite(EXISTING, elsewhere)
    assert (merged["insee_code"], merged["mgp"], merged["epci"]) == ("91228", False,
                                                                    "200059228")
    assert merged["street"] == ""  # the street of the old place does not follow
    assert (merged["lat"], merged["geo_precision"]) == (48.63, "commune")


def test_merge_fill_takes_a_place_only_when_there_is_none():
    no_place = dict(EXISTING, street="", postcode="", commune="", insee_code="",
                    departement="", mgp=False, epci="", lat=None, lon=None,
                    geo_precision="")
    merged = merge_fill(no_place, INCOMING)
    assert merged["insee_code"] == "75113" and merged["lat"] == 48.83
    moved = dict(INCOMING, postcode="91000", commune="Évry-Courcouronnes",
                 insee_code="91228")
    assert merge_fill(EXISTING, moved)["insee_code"] == "75113"


@pytest.mark.parametrize("merge", [merge_fill, merge_overwrite])
def test_merges_are_idempotent(merge):
    once = merge(EXISTING, INCOMING)
    assert merge(once, INCOMING) == once
    elsewhere = dict(INCOMING, postcode="91000", commune="Évry-Courcouronnes",
                     insee_code="91228", lat=48.63, lon=2.43)
    once = merge(EXISTING, elsewhere)
    assert merge(once, elsewhere) == once


def test_merge_overwrite_with_a_prepared_row_leaving_out_empty_fields():
    moved = {"name": "Cellectis", "postcode": "91000", "commune": "Évry-Courcouronnes",
             "insee_code": "91228", "departement": "91", "mgp": False,
             "epci": "200059228", "outside_idf": False, "lat": 48.63, "lon": 2.43,
             "geo_precision": "commune"}  # no street: prepare leaves empty fields out
    merged = merge_overwrite(EXISTING, moved)
    assert merged["street"] == "" and merged["insee_code"] == "91228"
    assert merge_overwrite(merged, moved) == merged
