"""How an imported row updates an actor already in the catalogue (pure functions).

- ``merge_fill``: only empty fields are filled; multi-valued fields (aliases, domains,
  activities, tags) get the union, existing values first.
- ``merge_overwrite``: a non-empty incoming value replaces the existing one (lists
  included); an empty incoming value never erases.

The address is one block (street, postcode, commune, INSEE code, département, MGP,
EPT/EPCI, outside_idf, position): fill takes the incoming block when the actor has no
place, and fills the gaps of its own block when both name the same place; overwrite
takes the incoming block when it names a place, keeping the actor's street and a precise
position (address, manual) when the place is the same and the file has nothing better.
Mixing the street of one town with the commune of another is what this avoids.

Both return a new dict and are idempotent: merging the same incoming twice changes
nothing the second time. ``id``, ``created_at``, ``updated_at``, ``deleted_at`` are never
touched.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..text import fold

LIST_FIELDS = ("aliases", "domains", "activities", "tags")
PLACE_FIELDS = ("street", "postcode", "commune", "insee_code", "departement", "mgp", "ept",
                "epci", "outside_idf", "lat", "lon", "geo_precision")
_POSITION = ("lat", "lon", "geo_precision")
_PRECISE = ("address", "manual")
PROTECTED = frozenset({"id", "created_at", "updated_at", "deleted_at"})


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


def _union(existing: Iterable | None, incoming: Iterable | None, folded: bool) -> list:
    out = list(existing or [])
    keys = {fold(v) if folded else v for v in out}
    for value in incoming or []:
        key = fold(value) if folded else value
        if not is_empty(value) and key not in keys:
            out.append(value)
            keys.add(key)
    return out


def _has_place(data: Mapping) -> bool:
    return any(not is_empty(data.get(k)) for k in ("commune", "postcode", "insee_code"))


def _same_place(a: Mapping, b: Mapping) -> bool:
    if a.get("insee_code") and b.get("insee_code"):
        return a["insee_code"] == b["insee_code"]
    if a.get("postcode") and b.get("postcode") and a["postcode"] != b["postcode"]:
        return False
    if a.get("commune") and b.get("commune"):
        return fold(a["commune"]) == fold(b["commune"])
    return bool(a.get("postcode")) and a.get("postcode") == b.get("postcode")


def merge_fill(existing: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """``existing`` with its empty fields filled and its lists extended from ``incoming``."""
    out = dict(existing)
    for key, value in incoming.items():
        if key in PROTECTED or key in PLACE_FIELDS:
            continue
        if key in LIST_FIELDS:
            out[key] = _union(out.get(key), value, folded=key in ("aliases", "tags"))
        elif is_empty(out.get(key)) and not is_empty(value):
            out[key] = value
    if not _has_place(incoming) and is_empty(incoming.get("lat")):
        return out
    if not _has_place(existing) and is_empty(existing.get("lat")):
        for key in PLACE_FIELDS:
            if key in incoming:
                out[key] = incoming[key]
    elif _same_place(existing, incoming):
        for key in PLACE_FIELDS:
            if key in _POSITION or key not in incoming:
                continue
            if is_empty(out.get(key)) and not is_empty(incoming[key]):
                out[key] = incoming[key]
        if is_empty(existing.get("lat")) and not is_empty(incoming.get("lat")):
            for key in _POSITION:
                if key in incoming:
                    out[key] = incoming[key]
    return out


def merge_overwrite(existing: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """``existing`` with every non-empty field of ``incoming`` taken over."""
    out = dict(existing)
    for key, value in incoming.items():
        if key in PROTECTED or key in PLACE_FIELDS:
            continue
        if not is_empty(value):
            out[key] = list(value) if key in LIST_FIELDS else value
    if not _has_place(incoming) and is_empty(incoming.get("lat")):
        return out
    same = _same_place(existing, incoming) if _has_place(incoming) else True
    for key in PLACE_FIELDS:
        if key in _POSITION:
            continue
        value = incoming.get(key)
        if not is_empty(value):
            out[key] = value
        elif not same and key in out:
            # A field of the old place (street, EPT…) must not stay with the new one.
            out[key] = False if key in ("mgp", "outside_idf") else ""
    if not is_empty(incoming.get("lat")):
        keep = (same and existing.get("geo_precision") in _PRECISE
                and incoming.get("geo_precision") not in _PRECISE
                and not is_empty(existing.get("lat")))
        if not keep:
            for key in _POSITION:
                if key in incoming:
                    out[key] = incoming[key]
    elif not same:
        for key in _POSITION:
            if key in out:
                out[key] = None if key != "geo_precision" else ""
    return out


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value differs, with their new value (for an update call)."""
    return {k: v for k, v in after.items() if k not in PROTECTED and before.get(k) != v}
