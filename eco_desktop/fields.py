"""One table of the actor and contact fields: the one place their French labels are written.

The store takes its columns from here, the list its headers, the editor, the export, the
import's mapping, the history and the command line their labels, so that a field is named
the same everywhere (tests/test_fields.py fails when a label is written in another module).
The order of ACTOR is the order of the actors table's columns (``eco-desktop list --csv``).

kind — what the value is: text, list (a JSON list of strings or slugs), slug (a vocabulary
value), int, float, bool, date (ISO day), datetime (ISO moment).
cell — how the export writes it: text, id (a text cell, so that Excel keeps a SIREN's or a
postcode's leading zeros), wrap (long text), int, float, url / email (a hyperlink when
safe), datetime.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    short: str = ""       # for a narrow list column; the label when empty
    kind: str = "text"
    cell: str = "text"

    @property
    def short_label(self) -> str:
        return self.short or self.label


ACTOR: tuple[Field, ...] = (
    Field("id", "Identifiant", "N°", "int", "int"),
    Field("name", "Nom"),
    Field("aliases", "Autres noms", kind="list"),
    Field("kind", "Type", kind="slug"),
    Field("domains", "Domaines", kind="list"),
    Field("activities", "Activités", kind="list"),
    Field("tags", "Étiquettes", kind="list"),
    Field("description", "Description", cell="wrap"),
    Field("website", "Site web", cell="url"),
    Field("email", "E-mail", cell="email"),
    Field("phone", "Téléphone", cell="id"),
    Field("siren", "SIREN", cell="id"),
    Field("siret", "SIRET", cell="id"),
    Field("naf", "Code NAF", "NAF", cell="id"),
    Field("size", "Taille"),
    Field("founded", "Année de création", "Création", "int", "int"),
    Field("status", "Statut"),
    Field("street", "Adresse"),
    Field("postcode", "Code postal", cell="id"),
    Field("commune", "Commune"),
    Field("insee_code", "Code INSEE", cell="id"),
    Field("departement", "Département", "Dép.", cell="id"),
    Field("mgp", "Métropole du Grand Paris", "Grand Paris", "bool"),
    Field("ept", "EPT", cell="id"),
    Field("epci", "EPCI", cell="id"),
    Field("outside_idf", "Hors Île-de-France", kind="bool"),
    Field("lat", "Latitude", kind="float", cell="float"),
    Field("lon", "Longitude", kind="float", cell="float"),
    Field("geo_precision", "Précision de la position", "Précision"),
    Field("source", "Source"),
    Field("created_at", "Créé le", kind="datetime", cell="datetime"),
    Field("updated_at", "Modifié le", kind="datetime", cell="datetime"),
)

CONTACT: tuple[Field, ...] = (
    Field("civility", "Civilité"),
    Field("first_name", "Prénom"),
    Field("last_name", "Nom"),
    Field("role", "Fonction"),
    Field("email", "E-mail", cell="email"),
    Field("phone", "Téléphone", cell="id"),
    Field("legal_basis", "Base légale", kind="slug"),
    Field("basis_date", "Date de la base légale", "Date", kind="date"),
    Field("opt_out", "Opposition", kind="bool"),
    Field("notes", "Notes", cell="wrap"),
)

ACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in ACTOR)
CONTACT_KEYS: tuple[str, ...] = tuple(f.key for f in CONTACT)
_ACTOR = {f.key: f for f in ACTOR}
_CONTACT = {f.key: f for f in CONTACT}

#: key -> French label, for messages about an actor's fields.
ACTOR_LABELS: dict[str, str] = {f.key: f.label for f in ACTOR}
#: key -> French label, for messages about a contact's fields.
CONTACT_LABELS: dict[str, str] = {f.key: f.label for f in CONTACT}


def actor_field(key: str) -> Field:
    return _ACTOR[key]


def label(key: str) -> str:
    """The French label of an actor field (KeyError for a key that is not one)."""
    return _ACTOR[key].label


def short_label(key: str) -> str:
    """The label of an actor field for a narrow list column."""
    return _ACTOR[key].short_label


def contact_label(key: str) -> str:
    """The French label of a contact field."""
    return _CONTACT[key].label


def contact_short_label(key: str) -> str:
    return _CONTACT[key].short_label


def labels(*keys: str) -> dict[str, str]:
    """key -> label of these actor fields, in this order (a table's columns)."""
    return {key: _ACTOR[key].label for key in keys}


def contact_labels(*keys: str) -> dict[str, str]:
    return {key: _CONTACT[key].label for key in keys}
