"""The bundled default dataset (db/dataset/*.csv), loaded into a new catalogue.

Actors, relations and calls for projects keep the ids fixed in the files. Île-de-France
actors get their département, MGP/EPT/EPCI membership and a commune-precision position
from the gazetteer; partners outside the région carry their own position.

Only ``Catalogue.create`` loads it: a catalogue made from an older version of the
dataset is never brought up to date behind its user's back (the officers may have
edited, merged or deleted those rows since).
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .clock import now_iso

if TYPE_CHECKING:  # the store loads this module to seed a new catalogue
    from .catalogue import Catalogue

LIST_SEPARATOR = "|"


def dataset_version(directory: Path | None = None) -> str:
    return ((directory or paths.dataset_dir()) / "VERSION").read_text(encoding="utf-8").strip()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEPARATOR) if v.strip()]


def _read_optional(path: Path) -> list[dict[str, str]]:
    # A dataset directory of a test (or an older layout) may have no calls.
    return read_csv(path) if path.exists() else []


def _same_id(expected: str, got: int, what: str) -> None:
    # Relations and call entries of the files (and of later databases made from them)
    # refer to these ids: a gap in a file would silently shift every later row.
    if got != int(expected):
        raise ValueError(f"dataset {what} {expected} was stored as {got}: ids must run from 1 without gaps")


def load_bundled_dataset(catalogue: "Catalogue", directory: Path | None = None) -> int:
    """Insert the dataset's actors, relations and calls (one transaction, not undoable)."""
    directory = directory or paths.dataset_dir()
    actors = read_csv(directory / "actors.csv")
    relations = read_csv(directory / "relations.csv")
    calls = _read_optional(directory / "calls.csv")
    entries = _read_optional(directory / "call_entries.csv")
    stamp = now_iso()
    with catalogue.unrecorded_transaction("Jeu de données fourni"):
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
            _same_id(row["id"], catalogue.add_relation(
                int(row["source_id"]), row["type"], int(row["target_id"]), row.get("note", "")), "relation")
        for row in calls:
            # A call has no source field: its description ends with where its facts come from.
            description = row.get("description", "").strip()
            if row.get("source"):
                description = f"{description}\n\nSource : {row['source'].strip()}".strip()
            call_id = catalogue.create_call(
                row["name"], funder=row.get("funder", ""), opens=row.get("opens", ""),
                closes=row.get("closes", ""), url=row.get("url", ""), description=description,
                state=row.get("state") or "preparing", shortlist_matching=False)
            _same_id(row["id"], call_id, "call")
        for row in entries:
            call_id, actor_id = int(row["call_id"]), int(row["actor_id"])
            catalogue.add_to_call(call_id, [actor_id])
            catalogue.set_status(call_id, [actor_id], row.get("status") or "to_contact", row.get("note", ""))
    catalogue.set_meta("dataset_version", dataset_version(directory))
    return len(actors)
