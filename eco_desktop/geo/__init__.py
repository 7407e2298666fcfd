"""The gazetteer: the communes of Île-de-France (with Paris's arrondissements,
départements, EPT, EPCI and the région's outline) and, read when first needed, every
other commune of France (``france.py``).

Loaded once from ``resources/gazetteer.json`` (built by ``tools/build_resources.py``).
``match()`` turns what people type ("EVRY COURCOURONNES", "Paris 13e", "PARIS" + 75013,
"Gif sur Yvette", "Valence" + 26000, a postcode alone) into a :class:`Commune`, or None
when unsure. A name never takes a place into another département than the one its
postcode gives; each lookup is a dictionary lookup, and only a name matching no commune
exactly is compared loosely, within its postcode's département.
"""
from __future__ import annotations

import json
import re
import threading
from functools import cached_property

from rapidfuzz import fuzz, process

from .. import paths
from .france import France
from .model import IDF_DEPARTEMENTS, PARIS, SPLIT_COMMUNES, Commune, departement_of_code, \
    digits, distance_km, name_key, strip_article
from .region import RegionOutline

__all__ = ["IDF_DEPARTEMENTS", "PARIS", "Commune", "Gazetteer", "departement_of_code",
           "distance_km", "gazetteer"]

_key = name_key
_strip_article = strip_article
_digits = digits
_CEDEX = re.compile(r"\bcedex(?:\s+(\d{1,2}))?\b")
_POSTCODE_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16,
          "xvii": 17, "xviii": 18, "xix": 19, "xx": 20}
_PARIS_ARR = re.compile(
    r"^paris\s+(?:(\d{1,2})\s*(?:e|er|eme|ieme|em|me|ème)?|(" + "|".join(_ROMAN) + r")\s*e?)"
    r"(?:\s+arr\w*)?$")

FUZZY_CUTOFF_NEAR = 80      # among the communes of the given postcode
FUZZY_CUTOFF_ANYWHERE = 92  # among all communes
FUZZY_MARGIN = 4            # best must beat the second by this much


def _natural(key: str) -> str:
    """Sort key putting 'paris 2e' before 'paris 10e'."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(3), key)


class Gazetteer:
    """Read-only indexes over the bundled gazetteer."""

    def __init__(self, data: dict | None = None):
        if data is None:
            with paths.resource("gazetteer.json").open(encoding="utf-8") as fh:
                data = json.load(fh)
        self._departements: dict[str, str] = dict(data["departements"])
        self._epts: dict[str, str] = dict(data["epts"])
        self._epcis: dict[str, str] = dict(data["epcis"])
        self._communes: list[Commune] = []
        self._by_insee: dict[str, Commune] = {}
        self._by_postcode: dict[str, list[Commune]] = {}
        self._by_name: dict[str, list[Commune]] = {}       # full folded key
        self._by_bare_name: dict[str, list[Commune]] = {}  # key without leading article
        self._arrondissements: dict[int, Commune] = {}
        self._name_keys: dict[str, tuple[str, ...]] = {}
        old_codes: dict[str, Commune] = {}

        for row in data["communes"]:
            commune = Commune(
                insee=row["insee"], name=row["name"], postcodes=tuple(row["postcodes"]),
                departement=row["departement"], lat=row["lat"], lon=row["lon"],
                mgp=bool(row["mgp"]), ept=row.get("ept"), ept_name=row.get("ept_name"),
                epci=row.get("epci"), epci_name=row.get("epci_name"),
                old_codes=tuple(row.get("old_codes", ())),
                old_names=tuple(row.get("old_names", ())),
            )
            self._communes.append(commune)
            self._by_insee[commune.insee] = commune
            for code in commune.old_codes:
                old_codes.setdefault(code, commune)
            if commune.is_arrondissement:
                self._arrondissements[int(commune.insee[3:])] = commune
            name_keys = []
            for name in (commune.name, *commune.old_names):
                key = _key(name)
                self._add(self._by_name, key, commune)
                self._add(self._by_bare_name, _strip_article(key), commune)
                name_keys.extend(k for k in (key, _strip_article(key)) if k not in name_keys)
            self._name_keys[commune.insee] = tuple(name_keys)

        arr_postcodes = {pc for c in self._arrondissements.values() for pc in c.postcodes}
        for commune in self._communes:
            for pc in commune.postcodes:
                # Paris's postcodes belong to its arrondissements.
                if commune.insee == PARIS and pc in arr_postcodes:
                    continue
                self._add(self._by_postcode, pc, commune)
        for code, commune in old_codes.items():
            self._by_insee.setdefault(code, commune)

        self._france: France | None = None
        self._france_lock = threading.Lock()
        self._region = RegionOutline()

    @staticmethod
    def _add(index: dict, key: str, commune: Commune) -> None:
        if not key:
            return
        bucket = index.setdefault(key, [])
        if commune not in bucket:
            bucket.append(commune)

    # -- lookups -------------------------------------------------------------------

    @property
    def communes(self) -> list[Commune]:
        """Every commune and arrondissement (a copy)."""
        return list(self._communes)

    def france(self) -> France:
        """The communes outside the région, read on first use."""
        if self._france is None:
            with self._france_lock:
                if self._france is None:
                    self._france = France()
        return self._france

    @property
    def france_loaded(self) -> bool:
        """Whether the communes outside the région have been read (a start-up check)."""
        return self._france is not None

    def by_insee(self, code) -> Commune | None:
        """The commune with this INSEE code, anywhere in France; a former code gives the
        commune that absorbed it."""
        if code is None:
            return None
        code = str(code).strip().upper()
        if len(code) == 4 and code.isdigit():
            code = "0" + code
        found = self._by_insee.get(code)
        if found is None and len(code) == 5 and code[:2] not in IDF_DEPARTEMENTS \
                and not code.startswith("99"):  # 99xxx: a foreign country's code
            found = self.france().by_insee.get(code)
        return found

    def by_insee_and_postcode(self, code, postcode=None) -> Commune | None:
        """:meth:`by_insee`, with Paris, Lyon or Marseille as a whole (75056, 69123, 13055)
        narrowed to the arrondissement its postcode serves."""
        commune = self.by_insee(code)
        if commune is None or commune.insee not in SPLIT_COMMUNES:
            return commune
        arrondissements = [c for c in self.by_postcode(postcode) if c.parent() == commune.insee]
        return arrondissements[0] if len(arrondissements) == 1 else commune

    def by_postcode(self, postcode) -> list[Commune]:
        """Communes served by this postcode, anywhere in France (Paris, Lyon and Marseille
        postcodes give their arrondissement)."""
        pc = _digits(postcode)
        if len(pc) != 5:
            return []
        found = self._by_postcode.get(pc)
        if found is None:
            found = self.france().by_postcode.get(pc, ())
        return list(found)

    def postcode_departement(self, postcode) -> str:
        """The département of a postcode: that of the communes it serves, else what its
        digits say (a CEDEX code: 91742 -> 91, 20167 -> 2A, 97411 -> 974)."""
        pc = _digits(postcode)
        if len(pc) == 4:
            pc = "0" + pc
        served = {c.departement for c in self.by_postcode(pc)}
        return served.pop() if len(served) == 1 else departement_of_code(pc)

    def departement_name(self, code) -> str:
        """The name of a département of France ("" when unknown)."""
        code = str(code or "").strip().upper()
        if code in self._departements:
            return self._departements[code]
        return self.france().departements.get(code, "") if code else ""

    def paris(self) -> Commune:
        return self._by_insee[PARIS]

    def arrondissement(self, number: int) -> Commune | None:
        return self._arrondissements.get(number)

    def departements(self) -> dict[str, str]:
        return dict(self._departements)

    def epts(self) -> dict[str, str]:
        return dict(self._epts)

    def epcis(self) -> dict[str, str]:
        return dict(self._epcis)

    @staticmethod
    def is_idf_departement(code) -> bool:
        return code is not None and str(code).strip() in IDF_DEPARTEMENTS

    # -- matching ------------------------------------------------------------------

    def match(self, commune: str | None = None, postcode: str | None = None) -> Commune | None:
        """Best commune for a typed name and/or postcode; None when absent or ambiguous."""
        text = str(commune or "")
        pc = _digits(postcode)
        if len(pc) == 4:
            pc = "0" + pc
        if len(pc) != 5:
            pc = ""
        found = _POSTCODE_IN_TEXT.search(text)
        if found:  # "75740 Paris cedex 15", "Les Ulis 91940"
            pc = pc or found.group(1)
            text = text[:found.start()] + " " + text[found.end():]
        key = _key(text)
        cedex_number = None
        cedex = _CEDEX.search(key)
        if cedex:
            cedex_number = int(cedex.group(1)) if cedex.group(1) else None
            key = _CEDEX.sub(" ", key)
            key = " ".join(key.split())
        if pc:
            dep = self.postcode_departement(pc)
            if dep not in IDF_DEPARTEMENTS:
                return self._match_outside(key, pc, dep)
        near = self._by_postcode.get(pc, []) if pc else []

        if not key:
            return near[0] if len(near) == 1 else None

        paris = self._match_paris(key, pc, near, cedex_number)
        if paris is not None:
            return paris

        exact = self._by_name.get(key) or self._by_bare_name.get(_strip_article(key), [])
        if exact:
            if pc:
                both = [c for c in exact if c in near]
                if len(both) == 1:
                    return both[0]
                if both:
                    return None
                # Postcode of a neighbouring delivery office or a CEDEX: trust the name
                # if it sits in the postcode's département.
                same_dep = [c for c in exact if self.postcode_departement(pc) == c.departement]
                return same_dep[0] if len(same_dep) == 1 else None
            return exact[0] if len(exact) == 1 else None

        if near:
            prefixed = self._prefixed(key, near)
            if len(prefixed) == 1:
                return prefixed[0]
            return self._fuzzy(key, near, FUZZY_CUTOFF_NEAR)
        if not pc:
            # A name alone that is exactly a commune's elsewhere in France is that commune
            # ("Valence", "Colombe"), never an Île-de-France commune it looks like.
            elsewhere = self.france().named(key, bare=False)
            if elsewhere:
                return elsewhere[0] if len(elsewhere) == 1 else None
        pool = self._communes
        if pc:  # an unknown (CEDEX) postcode still tells the département
            dep = self.postcode_departement(pc)
            pool = [c for c in self._communes if c.departement == dep]
        prefixed = self._prefixed(key, pool)
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            return None
        return self._fuzzy(key, pool, FUZZY_CUTOFF_ANYWHERE)

    def _match_outside(self, key: str, pc: str, dep: str) -> Commune | None:
        """A name and a postcode outside the région: only communes of the postcode's
        département, loosely only when no name is exact."""
        france = self.france()
        near = france.by_postcode.get(pc, [])
        if not key:
            return near[0] if len(near) == 1 else None
        exact = france.named(key)
        if exact:
            both = [c for c in exact if c in near]
            if len(both) == 1:
                return both[0]
            if both:
                return None
            # "Lyon" + 69003: the arrondissement of the commune named.
            named = {c.insee for c in exact}
            arrondissements = [c for c in near if c.parent() in named]
            if len(arrondissements) == 1:
                return arrondissements[0]
            same_dep = [c for c in exact if c.departement == dep]
            return same_dep[0] if len(same_dep) == 1 else None
        if near:
            prefixed = self._prefixed(key, near, france.name_keys)
            if len(prefixed) == 1:
                return prefixed[0]
            found = self._fuzzy(key, near, FUZZY_CUTOFF_NEAR, france.name_keys)
            if found is not None:
                return found
        pool = france.by_departement.get(dep, [])
        prefixed = self._prefixed(key, pool, france.name_keys)
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            return None
        return self._fuzzy(key, pool, FUZZY_CUTOFF_ANYWHERE, france.name_keys)

    def _match_paris(self, key: str, pc: str, near: list[Commune],
                     cedex_number: int | None) -> Commune | None:
        arr = _PARIS_ARR.match(key)
        if arr:
            number = int(arr.group(1)) if arr.group(1) else _ROMAN[arr.group(2)]
            return self._arrondissements.get(number)
        if key not in ("paris", "ville de paris"):
            return None
        if cedex_number and cedex_number in self._arrondissements:
            return self._arrondissements[cedex_number]
        arrs = [c for c in near if c.is_arrondissement]
        if len(arrs) == 1:
            return arrs[0]
        if pc and not pc.startswith("75"):
            return None
        return self._by_insee[PARIS]

    def _names(self, commune: Commune) -> tuple[str, ...]:
        """Folded keys of the current and former names, with and without article."""
        return self._name_keys[commune.insee]

    def _prefixed(self, key: str, pool: list[Commune],
                  name_keys: dict[str, tuple[str, ...]] | None = None) -> list[Commune]:
        """Communes one of whose names starts with the typed words ('Boulogne' ...)."""
        name_keys = name_keys or self._name_keys
        start = key + " "
        return [commune for commune in pool
                if any(n == key or n.startswith(start) for n in name_keys[commune.insee])]

    def _fuzzy(self, key: str, pool: list[Commune], cutoff: int,
               name_keys: dict[str, tuple[str, ...]] | None = None) -> Commune | None:
        name_keys = name_keys or self._name_keys
        choices: dict[int, str] = {}
        owners: list[Commune] = []
        for commune in pool:
            for name in set(name_keys[commune.insee]):
                choices[len(owners)] = name
                owners.append(commune)
        if not choices:
            return None
        results = process.extract(key, choices, scorer=fuzz.ratio, limit=8)
        best_by_commune: dict[str, tuple[float, Commune]] = {}
        for _name, score, index in results:
            commune = owners[index]
            if score > best_by_commune.get(commune.insee, (-1, None))[0]:
                best_by_commune[commune.insee] = (score, commune)
        ranked = sorted(best_by_commune.values(), key=lambda sc: -sc[0])
        if not ranked or ranked[0][0] < cutoff:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < FUZZY_MARGIN:
            return None
        return ranked[0][1]

    def named(self, text: str) -> list[Commune]:
        """Every commune whose current or former name is ``text`` (folded, abbreviations
        expanded, with or without its article), in the région first, then elsewhere in
        France: homonyms for a person to choose from (arrondissements left out)."""
        key = _key(text)
        if not key:
            return []
        found = list(self._by_name.get(key) or self._by_bare_name.get(_strip_article(key), []))
        found += [c for c in self.france().named(key) if c not in found]
        return [c for c in found if not c.is_arrondissement and not c.arrondissement]

    # -- completion ----------------------------------------------------------------

    @cached_property
    def _completion_rows(self) -> list[tuple[str, str, Commune]]:
        """(postcode, sort key, commune) for every postcode of every commune."""
        rows = []
        for pc, communes in self._by_postcode.items():
            for commune in communes:
                rows.append((pc, self._name_keys[commune.insee][0], commune))
        rows.sort(key=lambda r: (_natural(r[1]), r[0]))
        return rows

    def completions(self, prefix: str, limit: int = 20) -> list[tuple[str, Commune]]:
        """(postcode, commune) pairs for a postcode prefix or a commune-name prefix."""
        prefix = (prefix or "").strip()
        if not prefix:
            return []
        if prefix.isdigit():
            rows = sorted((r for r in self._completion_rows if r[0].startswith(prefix)),
                          key=lambda r: (r[0], r[1]))
            return [(pc, c) for pc, _k, c in rows[:limit]]
        key = _key(prefix)
        if not key:
            return []
        first, second = [], []
        for pc, sort_key, commune in self._completion_rows:
            if sort_key.startswith(key) or _strip_article(sort_key).startswith(key):
                first.append((pc, commune))
            elif any(n.startswith(key) for n in self._names(commune)):
                second.append((pc, commune))  # former names: "Evry", "Courcouronnes"
            if len(first) >= limit:
                break
        return (first + second)[:limit]

    # -- inside the région ---------------------------------------------------------

    def inside_idf(self, lat, lon) -> bool:
        """Whether the point lies in the (simplified) outline of the région."""
        return self._region.contains(lat, lon)


_instance: Gazetteer | None = None
_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Gazetteer()
    return _instance
