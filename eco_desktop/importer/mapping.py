"""Which column of an imported table feeds which field: automatic guess, JSON, corrections.

Headers are compared folded (accents, case and punctuation ignored, spaces removed), so
"N° SIRET", "siret" and "Numéro SIRET" are one name, and SIRENE's camelCase names
("codePostalEtablissement") are recognised as they are.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..text import fold

KINDS = ("actors", "contacts")

# field -> header names (any spelling; folded before use). Order of fields = order of the
# mapping editor. French names of our own export are included so that export -> import
# round-trips.
ACTOR_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("Identifiant", "id"),
    "name": ("Nom", "Nom de l'acteur", "Nom de la structure", "Nom de l'organisation",
             "Nom de l'entreprise", "Raison sociale", "Dénomination", "Dénomination sociale",
             "Structure", "Organisation", "Organization", "Organisme", "Entreprise", "Société",
             "Acteur", "Name", "Company", "Company name", "nom_complet", "nom_raison_sociale",
             "denominationUniteLegale"),
    "aliases": ("Autres noms", "Autre nom", "Alias", "Aliases", "Sigle", "Enseigne",
                "Nom commercial", "Nom usuel", "sigleUniteLegale",
                "denominationUsuelleEtablissement", "enseigne1Etablissement"),
    "kind": ("Type", "Type d'acteur", "Type de structure", "Type d'organisation",
             "Catégorie", "Catégorie d'acteur", "Typologie", "Kind", "Category"),
    "domains": ("Domaine", "Domaines", "Domaine thérapeutique", "Domaines thérapeutiques",
                "Domain", "Domains", "Therapeutic area", "Therapeutic areas"),
    "activities": ("Activité", "Activités", "Activités (chaîne de valeur)", "Chaîne de valeur",
                   "Maillon", "Maillons", "Activity", "Activities"),
    "tags": ("Étiquettes", "Étiquette", "Tags", "Tag", "Mots-clés", "Mots clés", "Keywords"),
    "description": ("Description", "Commentaire", "Commentaires", "Remarque", "Remarques",
                    "Présentation", "Notes"),
    "website": ("Site", "Site web", "Site internet", "Site Internet", "Web", "URL", "Website"),
    "email": ("Mail", "E-mail", "Email", "Courriel", "Adresse mail", "Adresse e-mail",
              "Adresse électronique", "Mél"),
    "phone": ("Tél", "Tél.", "Téléphone", "Tel", "Phone", "Telephone", "Numéro de téléphone"),
    "siren": ("SIREN", "N° SIREN", "Numéro SIREN", "siren"),
    "siret": ("SIRET", "N° SIRET", "Numéro SIRET", "siret", "siret_siege"),
    "naf": ("NAF", "Code NAF", "APE", "Code APE", "NAF/APE", "Code NAF/APE", "Code NAF (APE)",
            "Activité principale", "activitePrincipaleEtablissement",
            "activitePrincipaleUniteLegale", "activite_principale"),
    "size": ("Taille", "Catégorie d'entreprise", "Tranche d'effectifs", "Tranche d'effectif",
             "Effectif", "Effectifs", "Size", "categorieEntreprise",
             "trancheEffectifsUniteLegale", "trancheEffectifsEtablissement"),
    "founded": ("Année de création", "Date de création", "Création", "Année de fondation",
                "Fondation", "Founded", "Year founded", "dateCreationUniteLegale",
                "dateCreationEtablissement"),
    "status": ("Statut", "État", "Status", "etatAdministratifEtablissement",
               "etatAdministratifUniteLegale"),
    "street": ("Adresse", "Rue", "Voie", "Adresse postale", "Street", "Address",
               "numeroVoieEtablissement", "indiceRepetitionEtablissement",
               "typeVoieEtablissement", "libelleVoieEtablissement"),
    "postcode": ("CP", "Code postal", "Postcode", "Postal code", "Zip", "Zip code",
                 "codePostalEtablissement", "code_postal", "codeCedexEtablissement",
                 "Code postal de l'établissement"),
    "commune": ("Ville", "Commune", "Localité", "City", "Town",
                "libelleCommuneEtablissement", "libelle_commune", "com_nom", "Nom commune",
                "Libellé de la commune de localisation de l'établissement",
                "libelleCommuneEtrangerEtablissement", "libelleCedexEtablissement"),
    "insee_code": ("Code INSEE", "Code commune", "Code INSEE de la commune", "INSEE",
                   "codeCommuneEtablissement", "commune_code", "com_code", "code_commune",
                   "code_insee", "Code commune INSEE", "Code_commune_INSEE", "codgeo",
                   "insee_com", "Code officiel commune",
                   "Code de la commune de localisation de l'établissement"),
    "departement": ("Département", "Dept", "Dép", "Dep", "Code département", "dep_code",
                    "code_departement"),
    "country": ("Pays", "Country", "codePaysEtrangerEtablissement",
                "libellePaysEtrangerEtablissement"),
    "lat": ("Latitude", "Lat"),
    "lon": ("Longitude", "Lon", "Lng", "Long"),
    "position": ("Coordonnées", "Coordonnées GPS", "Géolocalisation", "geo_point_2d",
                 "Point géographique", "Géoloc", "lat_lon"),
    "x_lambert": ("coordonneeLambertAbscisseEtablissement", "X Lambert 93", "X Lambert",
                  "Lambert X", "x_l93"),
    "y_lambert": ("coordonneeLambertOrdonneeEtablissement", "Y Lambert 93", "Y Lambert",
                  "Lambert Y", "y_l93"),
    "geo_precision": ("Précision", "Précision de la position", "Précision géographique"),
    "source": ("Source", "Sources"),
}

CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "organisation": ("Organisation", "Organization", "Structure", "Entreprise", "Société",
                     "Acteur", "Organisme", "Employeur", "Raison sociale", "Company"),
    "organisation_siret": ("SIRET", "N° SIRET", "SIRET de l'organisation",
                           "SIRET de la structure"),
    "actor_id": ("Identifiant de l'acteur",),
    "organisation_siren": ("SIREN", "N° SIREN", "SIREN de l'organisation",
                           "SIREN de la structure"),
    "civility": ("Civilité", "Civ", "Civ.", "Salutation"),
    "first_name": ("Prénom", "First name", "Firstname", "Given name"),
    "last_name": ("Nom", "Nom de famille", "Last name", "Lastname", "Surname", "Family name"),
    "role": ("Fonction", "Rôle", "Poste", "Titre du poste", "Job title", "Role", "Position"),
    "email": ACTOR_FIELDS["email"],
    "phone": ACTOR_FIELDS["phone"] + ("Portable", "Mobile"),
    "consent": ("Consentement", "Base légale", "Base légale RGPD", "RGPD", "Opt-in", "Optin",
                "Accord", "Consent", "Legal basis"),
    "opt_out": ("Opposition", "Opt-out", "Optout", "Désinscrit", "Désinscription"),
    "basis_date": ("Date du consentement", "Date de consentement", "Date consentement",
                   "Date de la base légale"),
    "notes": ("Notes", "Note", "Commentaire", "Commentaires", "Remarques"),
}

FIELDS = {"actors": ACTOR_FIELDS, "contacts": CONTACT_FIELDS}

# French labels of the fields, for the mapping editor and messages.
FIELD_LABELS: dict[str, str] = {
    "id": "Identifiant", "name": "Nom", "aliases": "Autres noms", "kind": "Type d'acteur",
    "domains": "Domaines", "activities": "Activités", "tags": "Étiquettes",
    "description": "Description", "website": "Site web", "email": "E-mail",
    "phone": "Téléphone", "siren": "SIREN", "siret": "SIRET", "naf": "Code NAF",
    "size": "Taille", "founded": "Année de création", "status": "Statut",
    "street": "Adresse", "postcode": "Code postal", "commune": "Commune",
    "insee_code": "Code INSEE", "departement": "Département", "lat": "Latitude",
    "lon": "Longitude", "geo_precision": "Précision de la position", "source": "Source",
    "country": "Pays (adresse à l'étranger)", "position": "Coordonnées (latitude, longitude)",
    "x_lambert": "X Lambert-93 (SIRENE)", "y_lambert": "Y Lambert-93 (SIRENE)",
    "organisation": "Organisation", "organisation_siret": "SIRET de l'organisation",
    "organisation_siren": "SIREN de l'organisation",
    "actor_id": "Identifiant de l'acteur", "civility": "Civilité",
    "first_name": "Prénom", "last_name": "Nom", "role": "Fonction",
    "consent": "Consentement / base légale", "opt_out": "Opposition",
    "basis_date": "Date de la base légale", "notes": "Notes",
}

# Fields several columns may feed: their cells are joined with a space in column order
# (SIRENE splits the street into number, repetition index, type and name). Any other field
# fed by several columns takes the first non-empty cell.
JOINED_FIELDS = frozenset({"street"})

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NUMBER_PREFIX = re.compile(r"^(?:n|no|num|numero)\s+(?=\w)")


def header_key(header: str | None) -> str:
    """Folded form of a header used for matching: 'N° SIRET' -> 'siret'."""
    key = fold(header)
    key = _NUMBER_PREFIX.sub("", key)
    return key.replace(" ", "")


def _loose_key(header: str | None) -> str:
    """Second chance: without bracketed remarks ('Téléphone (standard)') or '*' marks."""
    return header_key(_PARENS.sub(" ", str(header or "")))


def _index(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, synonyms in FIELDS[kind].items():
        for synonym in synonyms:
            out.setdefault(header_key(synonym), name)
        out.setdefault(header_key(name), name)
    return out


_INDEXES = {kind: _index(kind) for kind in KINDS}


def field_for_header(header: str | None, kind: str = "actors") -> str | None:
    """The field a header names, or None."""
    _check_kind(kind)
    index = _INDEXES[kind]
    key = header_key(header)
    if not key:
        return None
    if key in index:
        return index[key]
    loose = _loose_key(header)
    return index.get(loose) if loose else None


def is_known_header(header: str | None) -> bool:
    """True when the header names a field of any kind of import (header-row detection)."""
    return any(field_for_header(header, kind) for kind in KINDS)


def auto_map(headers: list[str], kind: str = "actors") -> dict[int, str]:
    """Column index -> field for the headers that name a known field."""
    _check_kind(kind)
    out: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = field_for_header(header, kind)
        if name:
            out[index] = name
    return out


def _check_kind(kind: str) -> None:
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")


@dataclass
class Mapping:
    """Column index -> field for one table, with the headers it was made for."""

    headers: list[str]
    kind: str = "actors"
    columns: dict[int, str] = field(default_factory=dict)

    @classmethod
    def auto(cls, headers: list[str], kind: str = "actors") -> "Mapping":
        return cls(list(headers), kind, auto_map(headers, kind))

    # -- corrections ------------------------------------------------------------------

    def set(self, column: int | str, field_name: str | None) -> None:
        """Map a column (index or header text) to a field, or unmap it with None."""
        index = self._column_index(column)
        if field_name in (None, ""):
            self.columns.pop(index, None)
            return
        if field_name not in FIELDS[self.kind]:
            raise UserError(f"Le champ « {field_name} » n'existe pas pour cet import.")
        self.columns[index] = field_name

    def _column_index(self, column: int | str) -> int:
        if isinstance(column, int):
            if not 0 <= column < len(self.headers):
                raise IndexError(column)
            return column
        key = header_key(column)
        for index, header in enumerate(self.headers):
            if header == column or (key and header_key(header) == key):
                return index
        raise UserError(f"La colonne « {column} » n'existe pas dans le fichier.")

    # -- queries ------------------------------------------------------------------------

    def fields(self) -> set[str]:
        return set(self.columns.values())

    def columns_for(self, field_name: str) -> list[int]:
        return sorted(i for i, f in self.columns.items() if f == field_name)

    def unmapped_headers(self) -> list[str]:
        return [h for i, h in enumerate(self.headers) if h and i not in self.columns]

    def require_name(self) -> None:
        """Raise a UserError when no column gives what identifies a row."""
        if self.kind == "actors":
            if "name" not in self.fields():
                raise UserError(
                    "Aucune colonne ne correspond au nom de l'acteur (« Nom », « Raison "
                    "sociale », « Dénomination »…) : indiquez-la dans la correspondance "
                    "des colonnes.")
        elif not self.fields() & {"last_name", "email"}:
            raise UserError(
                "Aucune colonne ne correspond au nom ou à l'e-mail du contact (« Nom », "
                "« E-mail »…) : indiquez-la dans la correspondance des colonnes.")

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self) -> dict:
        """{"kind": ..., "columns": {"Header text": "field"}} (unmapped columns left out)."""
        return {"kind": self.kind,
                "columns": {self.headers[i]: f for i, f in sorted(self.columns.items())}}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps() + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict, headers: list[str], kind: str = "actors",
                  auto: bool = True) -> "Mapping":
        """Apply ``{"columns": {"Header": "field" | null}}`` over the automatic mapping.

        With ``auto=False`` only the listed columns are mapped.
        """
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise UserError("Le fichier de correspondance doit contenir un objet « columns » "
                            "associant chaque en-tête de colonne à un champ.")
        kind = data.get("kind", kind)
        _check_kind(kind)
        mapping = cls.auto(headers, kind) if auto else cls(list(headers), kind)
        for header, field_name in data["columns"].items():
            mapping.set(str(header), field_name)
        return mapping

    @classmethod
    def load(cls, path: str | Path, headers: list[str], kind: str = "actors",
             auto: bool = True) -> "Mapping":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise UserError(f"Le fichier de correspondance « {path} » n'existe pas.") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"Le fichier de correspondance « {path.name} » n'est pas un "
                            f"JSON lisible ({exc}).") from None
        return cls.from_json(data, headers, kind, auto=auto)
