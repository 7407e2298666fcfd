"""The communes of France outside Île-de-France, read from
``resources/communes-france.json.gz`` (built by ``tools/build_resources.py``).

Read the first time a place outside the région is looked up (a file of Île-de-France
never pays for it): ~34,000 communes, indexed by code, postcode, name and département.
"""
from __future__ import annotations

import gc
import gzip
import json

from .. import paths
from .model import SPLIT_COMMUNES, Commune, name_key, strip_article

RESOURCE = "communes-france.json.gz"


class France:
    """Read-only indexes over the communes outside the région."""

    def __init__(self, data: dict | None = None):
        # ~200,000 objects made at once: collections scanning them again and again would
        # double the time; nothing here makes a reference cycle.
        enabled = gc.isenabled()
        gc.disable()
        try:
            if data is None:
                with paths.resource(RESOURCE).open("rb") as raw, gzip.open(raw) as fh:
                    data = json.load(fh)
            self._index(data)
        finally:
            if enabled:
                gc.freeze()     # what was made goes to the oldest generation, unscanned
                gc.unfreeze()
                gc.enable()

    def _index(self, data: dict) -> None:
        self.departements: dict[str, str] = dict(data["departements"])
        self.by_insee: dict[str, Commune] = {}
        self.by_postcode: dict[str, list[Commune]] = {}
        self.by_name: dict[str, list[Commune]] = {}
        self.by_bare_name: dict[str, list[Commune]] = {}
        self.by_departement: dict[str, list[Commune]] = {}
        self.name_keys: dict[str, tuple[str, ...]] = {}
        arrondissement_postcodes: set[str] = set()
        old_codes: dict[str, Commune] = {}
        communes = []
        for code, name, dep, postcodes, lat, lon, kind, former, names in data["communes"]:
            commune = Commune(
                insee=code, name=name, postcodes=tuple(postcodes.split()), departement=dep,
                lat=lat, lon=lon, mgp=False, ept=None, ept_name=None, epci=None,
                epci_name=None, old_codes=tuple(former.split()),
                old_names=tuple(names.split("|")) if names else (),
                arrondissement=kind == "a")
            communes.append(commune)
            self.by_insee[code] = commune
            for old in commune.old_codes:
                old_codes.setdefault(old, commune)
            if commune.arrondissement:
                arrondissement_postcodes.update(commune.postcodes)
            self.by_departement.setdefault(dep, []).append(commune)
            keys: list[str] = []
            for text in (name, *commune.old_names):
                key = name_key(text)
                bare = strip_article(key)
                _add(self.by_name, key, commune)
                _add(self.by_bare_name, bare, commune)
                keys.append(key)
                if bare != key:
                    keys.append(bare)
            self.name_keys[code] = tuple(dict.fromkeys(keys))
        for commune in communes:
            for pc in commune.postcodes:
                # Lyon's and Marseille's postcodes belong to their arrondissements.
                if commune.insee in SPLIT_COMMUNES and pc in arrondissement_postcodes:
                    continue
                _add(self.by_postcode, pc, commune)
        for code, commune in old_codes.items():
            self.by_insee.setdefault(code, commune)

    def named(self, key: str, bare: bool = True) -> list[Commune]:
        """Communes whose current or former name is this key (with or without its article
        unless ``bare`` is false: "Saint" alone is not Le Saint)."""
        found = self.by_name.get(key)
        if found or not bare:
            return found or []
        return self.by_bare_name.get(strip_article(key), [])


def _add(index: dict, key: str, commune: Commune) -> None:
    if not key:
        return
    bucket = index.get(key)
    if bucket is None:
        index[key] = [commune]
    elif not any(c is commune for c in bucket):  # (identity: field-wise == is slow)
        bucket.append(commune)
