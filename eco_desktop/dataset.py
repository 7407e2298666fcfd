"""The bundled default dataset (db/dataset/*.csv), loaded into a new catalogue.

Actors and relations keep the ids fixed in the files. Île-de-France actors get
their département, MGP/EPT/EPCI membership and a commune-precision position from
the gazetteer; partners outside the région carry their own position.
"""
from __future__ import annotations

import csv
from pathlib import Path

from . import paths
from .store import Catalogue, now_iso

LIST_SEPARATOR = "|"


def dataset_version(directory: Path | None = None) -> str:
    return ((directory or paths.dataset_dir()) / "VERSION").read_text(encoding="utf-8").strip()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEPARATOR) if v.strip()]


def load_bundled_dataset(catalogue: Catalogue, directory: Path | None = None) -> int:
    """Insert the dataset's actors and relations (one transaction, not undoable)."""
    directory = directory or paths.dataset_dir()
    actors = read_csv(directory / "actors.csv")
    relations = read_csv(directory / "relations.csv")
    stamp = now_iso()
    with catalogue._without_history(), catalogue.transaction("Jeu de données fourni"):
        for row in actors:
            data: dict = {key: row.get(key, "") for key in (
                "name", "kind", "description", "website", "siren", "naf", "size", "status",
                "commune", "insee_code", "postcode", "departement", "source")}
            for key in ("aliases", "domains", "activities", "tags"):
                data[key] = _split(row.get(key, ""))
            data["id"] = int(row["id"])
            data["founded"] = row.get("founded") or None
            data["status"] = data["status"] or "active"
            if row.get("lat") and row.get("lon"):
                data["lat"], data["lon"] = float(row["lat"]), float(row["lon"])
                data["geo_precision"] = "commune"
            data["created_at"] = data["updated_at"] = stamp
            catalogue.create_actor(data)
        for row in relations:
            catalogue._insert("relations", {
                "id": int(row["id"]), "source_id": int(row["source_id"]), "type": row["type"],
                "target_id": int(row["target_id"]), "note": row.get("note", ""), "created_at": stamp})
    catalogue.set_meta("dataset_version", dataset_version(directory))
    return len(actors)
