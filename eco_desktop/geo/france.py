"""The communes of France outside Île-de-France, read from
``resources/communes-france.json.gz`` (built by ``tools/build_resources.py``).

Read the first time a place outside the région is looked up (a file of Île-de-France
never pays for it): ~34,000 communes, indexed by code, postcode, name and département.
"""
from __future__ import annotations

import gzip
import json
import threading

from .. import paths
from ..gcpause import gc_paused
from .model import SPLIT_COMMUNES, Commune, name_key, strip_article

RESOURCE = "communes-france.json.gz"


class France:
    """Read-only indexes over the communes outside the région."""

    def __init__(self, data: dict | None = None):
        self._communes: list[Commune] = []
        self._names: tuple[dict, dict, dict] | None = None   # read on the first name lookup
        self._names_lock = threading.Lock()
        with gc_paused():
            if data is None:
                with paths.resource(RESOURCE).open("rb") as raw, gzip.open(raw) as fh:
                    data = json.load(fh)
            self._index(data)

    def _index(self, data: dict) -> None:
        self.departements: dict[str, str] = dict(data["departements"])
        self.by_insee: dict[str, Commune] = {}
        self.by_postcode: dict[str, list[Commune]] = {}
        self.by_departement: dict[str, list[Commune]] = {}
        arrondissement_postcodes: set[str] = set()
        old_codes: dict[str, Commune] = {}
        communes = self._communes
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
        for commune in communes:
            for pc in commune.postcodes:
                # Lyon's and Marseille's postcodes belong to their arrondissements.
                if commune.insee in SPLIT_COMMUNES and pc in arrondissement_postcodes:
                    continue
                _add(self.by_postcode, pc, commune)
        for code, commune in old_codes.items():
            self.by_insee.setdefault(code, commune)

    def _name_indexes(self) -> tuple[dict, dict, dict]:
        """(by full name key, by name key without article, INSEE code -> its keys), made
        the first time a name is looked up: a file giving INSEE codes never needs them."""
        if self._names is None:
            with self._names_lock, gc_paused():
                if self._names is None:
                    by_name: dict[str, list[Commune]] = {}
                    by_bare_name: dict[str, list[Commune]] = {}
                    name_keys: dict[str, tuple[str, ...]] = {}
                    for commune in self._communes:
                        keys: list[str] = []
                        for text in (commune.name, *commune.old_names):
                            key = name_key(text)
                            bare = strip_article(key)
                            _add(by_name, key, commune)
                            _add(by_bare_name, bare, commune)
                            keys.append(key)
                            if bare != key:
                                keys.append(bare)
                        name_keys[commune.insee] = tuple(dict.fromkeys(keys))
                    self._names = (by_name, by_bare_name, name_keys)
        return self._names

    @property
    def name_keys(self) -> dict[str, tuple[str, ...]]:
        """INSEE code -> folded keys of its current and former names."""
        return self._name_indexes()[2]

    def named(self, key: str, bare: bool = True) -> list[Commune]:
        """Communes whose current or former name is this key (with or without its article
        unless ``bare`` is false: "Saint" alone is not Le Saint)."""
        by_name, by_bare_name, _keys = self._name_indexes()
        found = by_name.get(key)
        if found or not bare:
            return found or []
        return by_bare_name.get(strip_article(key), [])


def _add(index: dict, key: str, commune: Commune) -> None:
    if not key:
        return
    bucket = index.get(key)
    if bucket is None:
        index[key] = [commune]
    elif not any(c is commune for c in bucket):  # (identity: field-wise == is slow)
        bucket.append(commune)
