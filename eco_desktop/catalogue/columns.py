"""The actors and contacts tables as the core writes them: their columns, how each
value an API call gives is cleaned, and the dicts the API returns for their rows.

The field table (:mod:`eco_desktop.fields`) says which fields there are and how they
are named; this module says how they are stored.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from .. import fields
from ..errors import UserError
from ..text import stored_text

# The catalogue's tables as French sentences name them (conflicts of team sync, the
# erasure's preview): one name each.
TABLE_LABELS = {
    "actors": "Acteur", "contacts": "Contact", "relations": "Relation", "exchanges": "Échange",
    "vocabulary": "Vocabulaire", "saved_views": "Vue enregistrée", "calls": "Appel à projets",
    "call_entries": "Présélection", "kind_rules": "Règle de type", "synonyms": "Synonyme",
    "custom_fields": "Champ personnalisé", "custom_choices": "Choix d'un champ personnalisé",
    "custom_values": "Champ personnalisé", "history_batches": "Historique", "history_changes": "Historique",
}

LIST_FIELDS = ("aliases", "domains", "activities", "tags")
BOOL_FIELDS = ("mgp", "outside_idf")
ACTOR_FIELDS = fields.ACTOR_KEYS
# Every column of the actors table with its default (the full row a bulk insert writes).
ACTOR_COLUMN_DEFAULTS: dict[str, Any] = {
    "id": None, "name": "", "aliases": "[]", "kind": "", "domains": "[]", "activities": "[]", "tags": "[]",
    "description": "", "website": "", "email": "", "phone": "", "siren": "", "siret": "", "naf": "",
    "size": "", "founded": None, "status": "active", "street": "", "postcode": "", "commune": "",
    "insee_code": "", "departement": "", "mgp": 0, "ept": "", "epci": "", "outside_idf": 0, "lat": None,
    "lon": None, "geo_precision": "", "source": "", "created_at": "", "updated_at": "", "deleted_at": None,
    "sort_name": "",
}
EDITABLE_ACTOR_FIELDS = tuple(f for f in ACTOR_FIELDS if f not in ("id", "created_at", "updated_at"))
CONTACT_FIELDS = fields.CONTACT_KEYS
USABLE_CONTACT_SQL = "legal_basis <> '' AND opt_out = 0"

# A new actor's row as bulk inserts write it: every column, in this order.
ROW_COLUMNS = tuple(ACTOR_COLUMN_DEFAULTS)
ROW_DEFAULTS = tuple(ACTOR_COLUMN_DEFAULTS.values())
ROW_POSITION = {column: i for i, column in enumerate(ROW_COLUMNS)}

# What the geography derivation reads of a new actor (and may change).
PLACE_KEYS = ("insee_code", "commune", "postcode", "departement", "geo_precision", "lat", "lon",
              "mgp", "ept", "epci", "outside_idf")

# How clean_value treats each key an actor write accepts.
TEXT, LIST, BOOL, FLOAT, INT, SKIP = "text", "list", "bool", "float", "int", "skip"
CLEANING: dict[str, str] = {
    **{key: TEXT for key in ACTOR_FIELDS},
    **{key: LIST for key in LIST_FIELDS},
    **{key: BOOL for key in BOOL_FIELDS},
    "lat": FLOAT, "lon": FLOAT, "founded": INT,
    "id": SKIP, "created_at": SKIP, "updated_at": SKIP, "deleted_at": SKIP,
}
_JSON_UNSAFE = re.compile(r'[\x00-\x1f"\\]')


def clean_value(how: str | None, key: str, value: Any) -> Any:
    """One value of an actor as the actors table stores it (``how``: from CLEANING)."""
    if how is TEXT:
        return stored_text(value)
    if how is LIST:
        if isinstance(value, str):
            value = value.split(";")
        # Stripped, without empty items and repeats, in their first order.
        items = [stored_text(item) for item in value or ()]
        return json_list([item for item in dict.fromkeys(items) if item])
    if how is BOOL:
        return 1 if value else 0
    if how is FLOAT:
        return None if value is None or value == "" else float(value)
    if how is INT:
        return None if value is None or value == "" else int(value)
    raise UserError(f"Champ inconnu : « {key} ».")


def json_list(items: list[str]) -> str:
    """json.dumps(items, ensure_ascii=False), without the encoder for plain strings."""
    if not items:
        return "[]"
    if _JSON_UNSAFE.search("".join(items)):
        return json.dumps(items, ensure_ascii=False)
    return '["' + '", "'.join(items) + '"]'


def actor_to_dict(row: Mapping) -> dict[str, Any]:
    """An actors row in the JSON shape of GUIDE §8."""
    out: dict[str, Any] = {}
    for key in ACTOR_FIELDS:
        value = row[key]
        if key in LIST_FIELDS:
            value = json.loads(value or "[]")
        elif key in BOOL_FIELDS:
            value = bool(value)
        out[key] = value
    return out


def contact_to_dict(row: Mapping) -> dict[str, Any]:
    out = dict(row)
    out["opt_out"] = bool(out["opt_out"])
    out["usable"] = bool(out["legal_basis"]) and not out["opt_out"]
    return out
