"""The import's figures: a CSV of N new actors, and a national SIRENE-style file of the
same actors against it."""
from __future__ import annotations

import csv
import random
from pathlib import Path

from .. import fields
from ..catalogue import Catalogue
from ..geo import gazetteer
from ..importer import apply_import
from . import synth
from .figures import timed


def write_import_csv(catalogue, path: Path, n: int) -> None:
    """N actors of the synthetic catalogue as an officer's CSV (the fields' French labels as
    headers, ';')."""
    labels = catalogue.value_labels()
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(fields.labels("name", "kind", "domains", "activities", "website", "postcode", "commune",
                                   "description").values())
        for actor in synth.synthetic_actors(n, seed=7):
            out.writerow([actor["name"] + " import", labels["kind"].get(actor["kind"], actor["kind"]),
                          ", ".join(labels["domain"].get(d, d) for d in actor["domains"]),
                          ", ".join(labels["activity"].get(a, a) for a in actor["activities"]),
                          actor["website"], actor["postcode"], actor["commune"], actor["description"]])


# Abroad rows of the national file: (INSEE code of the country, its name, a city).
_ABROAD = (("99132", "ROYAUME-UNI", "LONDRES"), ("99109", "ALLEMAGNE", "BERLIN"),
           ("99131", "BELGIQUE", "BRUXELLES"), ("99140", "SUISSE", "GENEVE"),
           ("99404", "ETATS-UNIS", "BOSTON"))


def write_national_csv(catalogue, path: Path, n: int) -> None:
    """The actors of :func:`write_import_csv` as a SIRENE-style export (camelCase
    headers, ',', INSEE code column) whose places are spread over France: a third keep
    their Île-de-France commune, 3 % go overseas (971-976), 2 % abroad, the rest to
    communes drawn among all those of metropolitan France outside the région."""

    france = gazetteer().france()
    communes = sorted({c.insee: c for group in france.by_departement.values() for c in group}.values(),
                      key=lambda c: c.insee)
    metropolitan = [c for c in communes if len(c.departement) == 2]
    overseas = [c for c in communes if c.departement in ("971", "972", "973", "974", "976")]
    labels = catalogue.value_labels()
    draw = random.Random(16)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        head = fields.labels("kind", "domains", "activities", "website", "description")
        out.writerow(["denominationUniteLegale", head["kind"], head["domains"], head["activities"], head["website"],
                      "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
                      "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement", head["description"]])
        for i, actor in enumerate(synth.synthetic_actors(n, seed=7)):
            postcode, commune, insee, country_code, country = actor["postcode"], actor["commune"], "", "", ""
            place = None
            slot = i % 100
            if slot < 2:
                country_code, country, commune = _ABROAD[draw.randrange(len(_ABROAD))]
                postcode = ""
            elif slot < 5:
                place = overseas[draw.randrange(len(overseas))]
            elif slot < 5 + 62:
                place = metropolitan[draw.randrange(len(metropolitan))]
            if place is not None:
                postcode, commune, insee = place.postcodes[0] if place.postcodes else "", place.name.upper(), place.insee
            out.writerow([actor["name"] + " import", labels["kind"].get(actor["kind"], actor["kind"]),
                          ", ".join(labels["domain"].get(d, d) for d in actor["domains"]),
                          ", ".join(labels["activity"].get(a, a) for a in actor["activities"]),
                          actor["website"], postcode, commune, insee, country_code, country, actor["description"]])


def bench_import_national(catalogue, folder: Path, n: int, repeat: int) -> list[float]:
    """National file / Île-de-France file, each pair imported one after the other into
    empty catalogues (the machine's load changes less within a pair than across a run)."""
    idf_path, national_path = folder / "import.csv", folder / "import-national.csv"
    if not idf_path.exists():
        write_import_csv(catalogue, idf_path, n)
    write_national_csv(catalogue, national_path, n)
    ratios = []
    for _ in range(repeat):
        idf = _timed_import(folder, idf_path)
        ratios.append(_timed_import(folder, national_path) / idf)
    return ratios


def bench_import(catalogue, folder: Path, n: int, repeat: int) -> list[float]:
    """Import a CSV of N new actors into an empty catalogue, ``repeat`` times."""
    csv_path = folder / "import.csv"
    write_import_csv(catalogue, csv_path, n)
    return [_timed_import(folder, csv_path) for _ in range(repeat)]


def _timed_import(folder: Path, source: Path) -> float:
    """Seconds to import ``source`` into a new empty catalogue (its creation not counted)."""
    target = folder / "import-target.sqlite"
    Catalogue.create(target, seed=False, overwrite=True).close()
    into = Catalogue.open(target)
    try:
        return timed(lambda: apply_import(into, source))
    finally:
        into.close()
