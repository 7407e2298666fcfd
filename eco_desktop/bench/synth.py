"""A synthetic, reproducible catalogue of N actors for the benchmark and scale tests.

Actors get realistic Île-de-France communes (weighted towards the study's clusters:
Paris, Évry/Genopole, Saclay/Courtabœuf, Villejuif), kinds, domains, activities,
tags, identifiers, contacts, relations and three custom fields (a number, a date, a
choice: what the facets, ranges and full text of issue 21 hold). Same seed, same catalogue.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable, Iterator

from .. import vocab
from ..catalogue import Catalogue
from ..geo import gazetteer

_PREFIXES = ["Bio", "Gen", "Cell", "Immu", "Thera", "Vax", "Neo", "Cyto", "Onco", "Plasma", "Vita", "Myo",
             "Lympho", "Stem", "Muco", "Nano", "Ortho", "Hema", "Neuro", "Retina"]
_SUFFIXES = ["tech", "gen", "cell", "thera", "pharma", "logic", "vance", "nova", "lab", "medix", "cure",
             "sys", "gène", "bio", "vax", "prod", "scale", "quest", "tis", "ome"]
_FORMS = ["", "", "", " SAS", " SA", " SARL", " Biotech", " Therapeutics", " France"]
_WORDS = ["thérapie", "génique", "cellulaire", "vecteurs", "bioréacteurs", "plateforme", "anticorps",
          "vaccins", "production", "lots", "cliniques", "contrôle", "qualité", "séquençage", "cellules",
          "souches", "pluripotentes", "immunothérapie", "oncologie", "rétine", "Courtabœuf", "Genopole",
          "Saclay", "bioproduction", "données", "numérique", "formation", "incubateur"]
_FIRST = ["Camille", "Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Manon", "Arthur", "Zoé", "Nathan",
          "Emma", "Lucas", "Jade", "Paul", "Sarah"]
_LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Faure"]
_HOTSPOTS = ["75113", "75105", "75114", "75112", "75115", "91228", "91692", "91272", "94076", "94081",
             "92073", "78640", "91471", "91174"]


def synthetic_actors(n: int, seed: int = 42) -> Iterator[dict]:
    rng = random.Random(seed)
    gaz = gazetteer()
    communes = [c for c in gaz.communes if c.insee != "75056"]
    hotspots = [gaz.by_insee(code) for code in _HOTSPOTS if gaz.by_insee(code)]
    kinds = list(vocab.KINDS)
    kind_weights = [30, 25, 4, 5, 5, 2, 12, 5, 3, 4, 5]
    domains, activities = list(vocab.DOMAINS), list(vocab.ACTIVITIES)
    tags = ["genopole", "saclay", "courtaboeuf", "biopark", "paris-biotech-sante", "grand-defi", "medicen",
            "innovup", "pmup", "french-tech", "start-up", "cdmo"] + [f"cohorte-{i}" for i in range(40)]
    for i in range(n):
        commune = rng.choice(hotspots) if rng.random() < 0.45 else rng.choice(communes)
        name = f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)}{rng.choice(_FORMS)} {i}"
        yield {
            "name": name,
            "aliases": [name.upper()] if rng.random() < 0.1 else [],
            "kind": rng.choices(kinds, kind_weights)[0],
            "domains": rng.sample(domains, rng.randint(0, 3)),
            "activities": rng.sample(activities, rng.randint(1, 3)),
            "tags": rng.sample(tags, rng.randint(0, 2)),
            "description": " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 18))),
            "website": f"https://www.example-{i}.fr" if rng.random() < 0.7 else "",
            "postcode": commune.postcodes[0] if commune.postcodes else "",
            "insee_code": commune.insee,
            "commune": commune.name,
            "siren": "",
            "founded": rng.randint(1950, 2024) if rng.random() < 0.6 else None,
            "size": rng.choice(["TPE", "PME", "ETI", "grand groupe", ""]),
            "source": "Catalogue synthétique (banc d'essai)",
        }


def build_synthetic_catalogue(path: str | Path, n: int, *, seed: int = 42,
                              progress: Callable[[int], None] | None = None) -> Catalogue:
    """Create a catalogue of ``n`` synthetic actors with contacts and relations, written
    through the catalogue's API as an import and a user would (two undo steps)."""
    catalogue = Catalogue.create(path, seed=False)
    rng = random.Random(seed + 1)
    ids = catalogue.bulk_create_actors(list(synthetic_actors(n, seed)), label="Catalogue synthétique",
                                       progress=progress)
    with catalogue.transaction("Contacts et relations synthétiques"):
        for actor_id in ids:
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                catalogue.add_contact(actor_id, {
                    "civility": rng.choice(["Mme", "M."]), "first_name": first, "last_name": last,
                    "role": rng.choice(["Directrice", "Directeur R&D", "CEO", "Chargé d'affaires"]),
                    "email": f"{first.lower()}.{last.lower()}.{actor_id}@example.fr".replace("è", "e").replace("é", "e"),
                    "phone": "", "legal_basis": rng.choice(["", "legitimate_interest", "consent"]),
                    "basis_date": "2025-01-15", "opt_out": rng.random() < 0.05, "notes": ""})
        # a dict, not a set: insertion order (hence relation ids) must not depend on hash seeds
        relations: dict[tuple[int, str, int], None] = {}
        types = list(vocab.RELATION_TYPES)
        for _ in range(len(ids) // 3):
            a, b = rng.sample(ids, 2)
            relations[(a, rng.choice(types), b)] = None
        for a, t, b in relations:
            catalogue.add_relation(a, t, b)
    add_custom_fields(catalogue, ids, rng)
    catalogue.checkpoint()
    return catalogue


# custom fields of every synthetic actor: what the facets, ranges and full text then hold
CUSTOM_FIELDS = (("Montant levé", "number", "€", ()), ("Dernière visite", "date", "", ()),
                 ("Programme", "choice", "", ("France 2030", "PIA 4", "Horizon Europe", "Bpifrance Deeptech",
                                              "Paris Innovation Amorçage")))


def add_custom_fields(catalogue: Catalogue, ids: list[int], rng: random.Random) -> None:
    """Three custom fields (a number, a date, a choice), filled for every actor: one undo step."""
    with catalogue.transaction("Champs personnalisés synthétiques"):
        for label, kind, unit, choices in CUSTOM_FIELDS:
            catalogue.add_custom_field("actor", label, kind, unit=unit, choices=choices)
        programmes = [c["slug"] for c in catalogue.custom_field("programme")["choices"]]
        catalogue.set_custom_values_many({actor_id: {
            "montant_leve": rng.randint(0, 200) * 50_000,
            "derniere_visite": f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "programme": rng.choice(programmes)} for actor_id in ids})
