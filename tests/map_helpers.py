"""Helpers of the map's tests (test_maps.py, tests/ui/map/): the actor dicts the page is built from."""
from __future__ import annotations


def map_actor(actor_id, name, kind="biotech", lat=48.6268, lon=2.4301, **extra) -> dict:
    """An actor as the map receives it; by default a gene-therapy firm in Évry."""
    data = {"id": actor_id, "name": name, "kind": kind, "domains": ["gene_therapy"],
            "commune": "Évry-Courcouronnes", "website": "", "lat": lat, "lon": lon,
            "description": ""}
    data.update(extra)
    return data
