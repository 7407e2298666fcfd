"""What the gazetteer's parts share: the commune record, name keys, département codes."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..text import fold

PARIS = "75056"
IDF_DEPARTEMENTS = frozenset({"75", "77", "78", "91", "92", "93", "94", "95"})
# Communes split into municipal arrondissements: (commune, first three digits of theirs).
SPLIT_COMMUNES = {PARIS: "751", "69123": "6938", "13055": "132"}

# Abbreviations officers use, on folded tokens.
_TOKEN_EXPANSIONS = {
    "st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes",
    "s": "sur", "ss": "sous", "lez": "les", "mt": "mont", "gd": "grand",
}
_ARTICLES = frozenset({"le", "la", "les", "l"})


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    lat: float | None
    lon: float | None
    mgp: bool
    ept: str | None
    ept_name: str | None
    epci: str | None
    epci_name: str | None
    old_codes: tuple[str, ...] = ()
    old_names: tuple[str, ...] = ()
    arrondissement: bool = False

    @property
    def is_arrondissement(self) -> bool:
        """A municipal arrondissement of Paris (Lyon's and Marseille's: ``arrondissement``)."""
        return self.insee.startswith("751") and self.insee != PARIS and self.departement == "75"

    @property
    def in_idf(self) -> bool:
        return self.departement in IDF_DEPARTEMENTS

    def parent(self) -> str | None:
        """The INSEE code of the commune this arrondissement belongs to."""
        if not (self.arrondissement or self.is_arrondissement):
            return None
        return next((code for code, prefix in SPLIT_COMMUNES.items()
                     if self.insee.startswith(prefix)), None)


def name_key(text: str | None) -> str:
    """Folded name with abbreviations expanded: 'St-Denis' -> 'saint denis'."""
    return " ".join(_TOKEN_EXPANSIONS.get(t, t) for t in fold(text).split())


def strip_article(key: str) -> str:
    tokens = key.split()
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def digits(value) -> str:
    return re.sub(r"\D", "", str(value)) if value is not None else ""


def departement_of_code(code: str | None) -> str:
    """The département an INSEE code or a postcode names: three digits overseas (971–976,
    and the collectivities' 975, 977, 978, 98x), Corsica 2A/2B (postcodes 200xx–201xx are
    Corse-du-Sud), two digits elsewhere; "" when it names none."""
    code = (code or "").strip().upper()
    if len(code) != 5:
        return ""
    if code[:2] in ("2A", "2B"):
        return code[:2]
    if not code.isdigit():
        return ""
    if code.startswith("20"):  # a postcode (INSEE codes of Corsica start 2A/2B)
        return "2A" if code < "20200" else "2B"
    if code[:2] in ("97", "98"):
        return code[:3]
    if code.startswith("00"):
        return ""
    return code[:2]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
