"""The exported columns: their French headers, how each is written, and the display
values of actor and contact rows (from actor dicts, or from the catalogue's stored rows)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .. import fields, vocab
from ..errors import UserError
from . import cells

# Column kinds understood by the table writers:
#   text   plain text                         id      text kept as typed (format "@")
#   wrap   long text, wrapped                 int / float   numbers
#   datetime / date   real Excel dates        url / email   hyperlink when safe
TEXT, ID, WRAP, INT, FLOAT, DATETIME, DATE, URL, EMAIL = (
    "text", "id", "wrap", "int", "float", "datetime", "date", "url", "email")

#: Every actor column, in display order: key (GUIDE.md §8) -> French header.
ACTOR_COLUMNS: dict[str, str] = fields.labels(
    "name", "aliases", "kind", "domains", "activities", "description", "website", "email", "phone",
    "siren", "siret", "naf", "size", "founded", "status", "street", "postcode", "commune",
    "insee_code", "departement", "mgp", "ept", "epci", "outside_idf", "lat", "lon", "geo_precision",
    "tags", "source", "created_at", "updated_at", "id",
)

_ACTOR_KINDS: dict[str, str] = {f.key: f.cell for f in fields.ACTOR if f.cell != TEXT}

#: What an officer usually needs: who, what, how to reach them, where; the identifier last
#: so that a re-import can match rows back.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "name", "kind", "domains", "activities", "description", "website", "email", "phone",
    "street", "postcode", "commune", "departement", "siren", "size", "status", "tags",
    "updated_at", "id",
)

#: Contact columns (mail-merge order: the organisation first), key -> French header.
CONTACT_COLUMNS: dict[str, str] = {
    "organisation": "Organisation",
    **fields.labels("kind", "commune", "postcode"),
    **fields.contact_labels("civility", "first_name", "last_name", "role", "email", "phone"),
}
#: Added only when every contact is exported (``all_contacts=True``).
CONTACT_LEGAL_COLUMNS: dict[str, str] = {
    **fields.contact_labels("legal_basis", "basis_date", "opt_out"),
    "usable": "Utilisable",
}
_CONTACT_TAIL: dict[str, str] = {"actor_id": "Identifiant de l'acteur", "id": "Identifiant du contact"}
_CONTACT_KINDS: dict[str, str] = {
    "postcode": ID, "phone": ID, "email": EMAIL, "basis_date": DATE, "actor_id": INT, "id": INT,
}

#: What the contacts sheet repeats of each contact's actor.
ORGANISATION = ("name", "kind", "commune", "postcode")

LIST_SEP = "; "


def default_labels() -> dict[str, dict[str, str]]:
    """The default French labels of the vocabularies (users may rename them)."""
    return {
        "kind": {slug: label for slug, (label, _colour) in vocab.KINDS.items()},
        "domain": dict(vocab.DOMAINS),
        "activity": dict(vocab.ACTIVITIES),
    }


def is_usable_contact(contact: Mapping[str, Any]) -> bool:
    """A contact may be used for a mailing: it has a legal basis and did not opt out."""
    return bool(contact.get("legal_basis")) and not contact.get("opt_out")


def check_columns(columns: Sequence[str]) -> list[str]:
    """``columns`` as a list; :class:`UserError` naming the valid keys for an unknown one."""
    columns = list(columns)
    unknown = [c for c in columns if c not in ACTOR_COLUMNS]
    if unknown:
        raise UserError(
            "Colonne inconnue : " + ", ".join(f"« {c} »" for c in unknown)
            + ". Colonnes possibles : " + ", ".join(ACTOR_COLUMNS) + ".")
    if not columns:
        raise UserError("Choisissez au moins une colonne à exporter.")
    return columns


def actor_kinds(columns: Sequence[str]) -> list[str]:
    """How each actor column is written (``TEXT``, ``ID``, ``URL``…)."""
    return [_ACTOR_KINDS.get(c, TEXT) for c in columns]


def value_converters(columns: Sequence[str], labels: Mapping[str, Mapping[str, str]], *,
                     stored: bool = False) -> list[Callable[[Any], Any]]:
    """One function per column: the column's value -> display value (str, int, float,
    datetime, None). With ``stored``, values are as SQLite holds them (lists as JSON
    text), so that the catalogue's rows go to the writer without becoming actor dicts."""
    kinds = labels.get("kind", {})
    domains = labels.get("domain", {})
    activities = labels.get("activity", {})
    loads = json.loads

    def listed(names: Mapping[str, str] | None = None):
        if names is None:
            def get(items):
                if stored:
                    items = loads(items) if items else None
                return LIST_SEP.join(str(x) for x in items if x) if items else None
        else:
            def get(items):
                if stored:
                    items = loads(items) if items else None
                return LIST_SEP.join(names.get(x, x) for x in items if x) if items else None
        return get

    def labelled(names: Mapping[str, str]):
        return lambda v: names.get(v, v) if v else None

    special: dict[str, Callable[[Any], Any]] = {
        "aliases": listed(),
        "tags": listed(),
        "domains": listed(domains),
        "activities": listed(activities),
        "kind": labelled(kinds),
        "status": labelled(vocab.STATUSES),
        "size": labelled(vocab.SIZES),
        "geo_precision": labelled(vocab.GEO_PRECISIONS),
        "mgp": cells.yes_no,
        "outside_idf": cells.yes_no,
        "founded": cells.as_int,
        "id": cells.as_int,
        "lat": cells.as_float,
        "lon": cells.as_float,
        "created_at": cells.local_datetime,
        "updated_at": cells.local_datetime,
    }
    return [special.get(c, cells.text_or_none) for c in columns]


def actor_rows(actors: Iterable[Mapping[str, Any]], columns: Sequence[str] = DEFAULT_COLUMNS,
               labels: Mapping[str, Mapping[str, str]] | None = None) -> list[list[Any]]:
    """The display values of the actor table (headers excluded), in ``columns`` order."""
    columns = check_columns(columns)
    converters = value_converters(columns, labels or default_labels())
    return [[convert(a.get(key)) for key, convert in zip(columns, converters)] for a in actors]


def contact_columns(all_contacts: bool) -> dict[str, str]:
    """The contacts sheet's columns, key -> French header."""
    cols = dict(CONTACT_COLUMNS)
    if all_contacts:
        cols.update(CONTACT_LEGAL_COLUMNS)
    cols.update(_CONTACT_TAIL)
    return cols


def contact_kinds(all_contacts: bool) -> list[str]:
    return [_CONTACT_KINDS.get(k, TEXT) for k in contact_columns(all_contacts)]


def contact_rows(actors: Sequence[Mapping[str, Any]], contacts: Iterable[Mapping[str, Any]],
                 *, all_contacts: bool = False,
                 labels: Mapping[str, Mapping[str, str]] | None = None) -> list[list[Any]]:
    """Contacts of the exported actors, grouped in the actors' order.

    Only usable contacts (legal basis, no opt-out) unless ``all_contacts``. Contacts whose
    actor is not among ``actors`` are left out.
    """
    order = {a.get("id"): i for i, a in enumerate(actors)}
    organisations = {a.get("id"): tuple(a.get(k) for k in ORGANISATION) for a in actors}
    return contact_table(order, organisations, contacts, all_contacts=all_contacts,
                         kinds=(labels or default_labels()).get("kind", {}))


def contact_table(order: Mapping[Any, int], organisations: Mapping[Any, Sequence[Any]],
                  contacts: Iterable[Mapping[str, Any]], *, all_contacts: bool,
                  kinds: Mapping[str, str]) -> list[list[Any]]:
    """:func:`contact_rows` from each actor's position and ``ORGANISATION`` values,
    which the catalogue's export reads straight from SQLite."""
    chosen = [c for c in contacts
              if c.get("actor_id") in order and (all_contacts or is_usable_contact(c))]
    chosen.sort(key=lambda c: order[c.get("actor_id")])  # stable: keeps the caller's order
    keys = list(contact_columns(all_contacts))
    rows = []
    for c in chosen:
        name, kind, commune, postcode = organisations[c.get("actor_id")]
        values = {
            "organisation": cells.text_or_none(name),
            "kind": kinds.get(kind, kind) or None,
            "commune": cells.text_or_none(commune),
            "postcode": cells.text_or_none(postcode),
            "legal_basis": vocab.LEGAL_BASES.get(c.get("legal_basis"), c.get("legal_basis")) or None,
            "basis_date": cells.as_date(c.get("basis_date")),
            "opt_out": cells.yes_no(c.get("opt_out")),
            "usable": cells.yes_no(is_usable_contact(c)),
            "actor_id": cells.as_int(c.get("actor_id")),
            "id": cells.as_int(c.get("id")),
        }
        rows.append([values[k] if k in values else cells.text_or_none(c.get(k)) for k in keys])
    return rows


# custom fields: how each type is written (header, cell kind, stored values -> cell value)
_CUSTOM_KINDS = {"number": FLOAT, "date": DATE, "url": URL, "long_text": WRAP}


def custom_columns(definitions: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, Callable[[list], Any]]]:
    """(header, kind, converter) of each custom field exported, after the actor columns:
    the label with its unit in brackets (the import maps it back), numbers and dates as
    real cells, yes/no as « oui »/« non », choices by their labels."""
    out = []
    for field in definitions:
        kind = field["type"]
        header = f"{field['label']} ({field['unit']})" if field["unit"] else field["label"]
        if kind == "number":
            def convert(values, _=None):
                return values[0] if values else None
        elif kind == "date":
            def convert(values, _=None):
                return cells.as_date(values[0]) if values else None
        elif kind == "bool":
            def convert(values, _=None):
                return cells.yes_no(bool(values))
        elif kind in ("choice", "choices"):
            def convert(values, names={c["slug"]: c["label"] for c in field["choices"]}):
                return LIST_SEP.join(names.get(v, v) for v in values) if values else None
        else:
            def convert(values, _=None):
                return cells.text_or_none(values[0]) if values else None
        out.append((header, _CUSTOM_KINDS.get(kind, TEXT), convert))
    return out
