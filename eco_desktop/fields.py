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

The import reads the same table (eco_desktop/importer/mapping.py derives its lookups):
headers — the other names of the field's column in the files officers receive (any
spelling: they are compared folded). A column's own label is recognised too, so that an
export imports back; short labels are not (« N° » is a row counter as often as an
identifier).
wins — when several columns feed the field, which one is taken, best first: the first
non-empty cell in this order (a placeholder such as « [ND] » is empty); "*" stands for
every column not listed, in file order. A combined SIRENE export gives each fact twice,
for the legal unit and for the establishment: what describes the firm (its name,
creation, activity, size) is the legal unit's, what describes the place (address,
position, SIRET, whether it is open) is the establishment's. why — that rule in French,
for the wizard's mapping step.
join — the separator of a field several columns feed together, in column order (SIRENE
splits the street into number, repetition index, type and name; a list takes every
column's values); "" for a field that takes one cell.
column — False for what only an import reads (an entrepreneur's name, a country, a
position in one cell or in Lambert-93, a contact's organisation): not a column of the
table. imported — False for what an import never feeds (the place's memberships, derived
from the gazetteer; the catalogue's stamps).
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
    headers: tuple[str, ...] = ()
    wins: tuple[str, ...] = ()
    why: str = ""
    join: str = ""
    column: bool = True
    imported: bool = True

    @property
    def short_label(self) -> str:
        return self.short or self.label


_EMAIL_HEADERS = ("Mail", "Email", "Courriel", "Adresse mail", "Adresse e-mail",
                  "Adresse électronique", "Mél")
_PHONE_HEADERS = ("Tél", "Tél.", "Tel", "Phone", "Telephone", "Numéro de téléphone")
_BY_THE_PLACE = "l'adresse de l'établissement prime"

# The person heading each row's organisation (a laureate, the head of a lab): a contacts
# field, but a file naming only such people beside its organisations is an actors file.
HEAD_FIRST_NAMES = ("Prénom du lauréat", "Prénom du responsable", "Prénom du dirigeant",
                    "Prénom du porteur", "Prénom du porteur de projet", "Prénom du directeur")
HEAD_LAST_NAMES = ("Nom du lauréat", "Nom du responsable", "Nom du dirigeant",
                   "Nom du porteur", "Nom du porteur de projet", "Nom du directeur")
HEAD_ROLES = ("Titre du responsable", "Fonction du responsable", "Qualité du dirigeant")

# Every field of an actor, and what an actors import reads, in one order: the table's
# columns (column=True) and the import's mapping step (imported=True) both follow it.
_ACTOR_FIELDS: tuple[Field, ...] = (
    Field("id", "Identifiant", "N°", "int", "int", headers=("id",)),
    Field("name", "Nom", headers=(
        "Nom de l'acteur", "Nom de la structure", "Nom de l'organisation",
        "Nom de l'entreprise", "Raison sociale", "Dénomination", "Dénomination sociale",
        "Structure", "Organisation", "Organization", "Organisme", "Entreprise", "Société",
        "Acteur", "Name", "Company", "Company name", "nom_complet", "nom_raison_sociale",
        "denominationUniteLegale", "denominationUsuelle1UniteLegale", "Libellé", "uo_lib",
        "uo_lib_officiel", "Libellé entreprise", "Libellé de l'entreprise",
        "Nom ou raison sociale de l'entreprise", "Raison sociale de l'entreprise",
        "Nom de l'établissement", "Libellé de l'établissement", "Nom du laboratoire",
        "Intitulé", "Nom de l'unité"),
        wins=("denominationUniteLegale", "Nom ou raison sociale de l'entreprise", "uo_lib",
              "*", "denominationUsuelle1UniteLegale", "uo_lib_officiel"),
        why="la dénomination de l'entreprise (unité légale) prime ; les autres noms "
            "deviennent des alias"),
    Field("aliases", "Autres noms", kind="list", join="; ", headers=(
        "Autre nom", "Alias", "Aliases", "Sigle", "Enseigne", "Nom commercial", "Nom usuel",
        "sigleUniteLegale", "denominationUsuelleEtablissement", "enseigne1Etablissement",
        "enseigne2Etablissement", "enseigne3Etablissement", "Sigle de l'entreprise",
        "Enseigne de l'établissement", "Enseigne ou nom de l'exploitation")),
    # An entrepreneur individuel's name (SIRENE): the actor's name when no company name
    # or enseigne is given.
    Field("holder_first_name", "Prénom (entrepreneur individuel)", column=False, headers=(
        "prenomUsuelUniteLegale", "prenom1UniteLegale", "Prénom usuel de la personne physique",
        "Premier prénom déclaré pour une personne physique"),
        wins=("prenomUsuelUniteLegale", "*", "prenom1UniteLegale"),
        why="le prénom usuel prime sur le premier prénom"),
    Field("holder_last_name", "Nom (entrepreneur individuel)", column=False, headers=(
        "nomUsageUniteLegale", "nomUniteLegale", "Nom d'usage de la personne physique",
        "Nom de naissance de la personne physique"),
        wins=("nomUsageUniteLegale", "*", "nomUniteLegale"),
        why="le nom d'usage prime sur le nom de naissance"),
    Field("kind", "Type", kind="slug", headers=(
        "Type d'acteur", "Type de structure", "Type d'organisation", "Catégorie",
        "Catégorie d'acteur", "Typologie", "Kind", "Category", "Type d'établissement",
        "Type de l'établissement", "Nature de la structure")),
    Field("domains", "Domaines", kind="list", join="; ", headers=(
        "Domaine", "Domaine thérapeutique", "Domaines thérapeutiques", "Domain", "Domains",
        "Therapeutic area", "Therapeutic areas")),
    Field("activities", "Activités", kind="list", join="; ", headers=(
        "Activité", "Activités (chaîne de valeur)", "Chaîne de valeur", "Maillon", "Maillons",
        "Activity", "Activities")),
    Field("tags", "Étiquettes", kind="list", join="; ", headers=(
        "Étiquette", "Tags", "Tag", "Mots-clés", "Mots clés", "Keywords")),
    Field("description", "Description", cell="wrap", join="\n", headers=(
        "Commentaire", "Commentaires", "Remarque", "Remarques", "Présentation", "Notes")),
    Field("website", "Site web", cell="url", headers=(
        "Site", "Site internet", "Site Internet", "Web", "URL", "Website")),
    Field("email", "E-mail", cell="email", headers=_EMAIL_HEADERS),
    Field("phone", "Téléphone", cell="id", headers=_PHONE_HEADERS),
    Field("siren", "SIREN", cell="id", headers=("N° SIREN", "Numéro SIREN", "siren")),
    Field("siret", "SIRET", cell="id", headers=("N° SIRET", "Numéro SIRET", "siret",
                                                "siret_siege"),
          wins=("siret", "*", "siret_siege"),
          why="le SIRET de l'établissement prime sur celui du siège"),
    Field("naf", "Code NAF", "NAF", cell="id", headers=(
        "NAF", "APE", "Code APE", "NAF/APE", "Code NAF/APE", "Code NAF (APE)",
        "Activité principale", "activitePrincipaleEtablissement",
        "activitePrincipaleUniteLegale", "activite_principale",
        "Activité principale de l'entreprise", "Activité principale de l'établissement"),
        wins=("activitePrincipaleUniteLegale", "Activité principale de l'entreprise", "*",
              "activitePrincipaleEtablissement", "Activité principale de l'établissement"),
        why="l'activité de l'entreprise (unité légale) prime sur celle de l'établissement"),
    # Not trancheEffectifsEtablissement: a firm's size is the legal unit's (a LIDL store
    # of 20 people belongs to a large company).
    Field("size", "Taille", headers=(
        "Catégorie d'entreprise", "Tranche d'effectifs", "Tranche d'effectif", "Effectif",
        "Effectifs", "Size", "categorieEntreprise", "trancheEffectifsUniteLegale",
        "Tranche d'effectif salarié de l'entreprise"),
        wins=("categorieEntreprise", "Catégorie d'entreprise", "trancheEffectifsUniteLegale",
              "Tranche d'effectif salarié de l'entreprise", "*",
              "trancheEffectifsEtablissement", "Tranche d'effectif salarié de l'établissement"),
        why="la catégorie d'entreprise prime, puis l'effectif de l'entreprise (unité "
            "légale) ; l'effectif de l'établissement ne dit pas la taille de l'entreprise"),
    Field("founded", "Année de création", "Création", "int", "int", headers=(
        "Date de création", "Création", "Année de fondation", "Fondation", "Founded",
        "Year founded", "dateCreationUniteLegale", "dateCreationEtablissement",
        "Date de création de l'entreprise", "Date de création de l'établissement"),
        wins=("dateCreationUniteLegale", "Date de création de l'entreprise", "*",
              "dateCreationEtablissement", "Date de création de l'établissement"),
        why="la création de l'entreprise (unité légale) prime sur celle de l'établissement"),
    Field("status", "Statut", headers=(
        "État", "Status", "etatAdministratifEtablissement", "etatAdministratifUniteLegale"),
        wins=("etatAdministratifEtablissement", "*", "etatAdministratifUniteLegale"),
        why="l'état de l'établissement prime sur celui de l'entreprise"),
    Field("street", "Adresse", join=" ", headers=(
        "Rue", "Voie", "Adresse postale", "Street", "Address", "numeroVoieEtablissement",
        "indiceRepetitionEtablissement", "typeVoieEtablissement",
        "libelleVoieEtablissement")),
    Field("postcode", "Code postal", cell="id", headers=(
        "CP", "Postcode", "Postal code", "Zip", "Zip code", "codePostalEtablissement",
        "code_postal", "codeCedexEtablissement", "Code postal de l'établissement"),
        wins=("codePostalEtablissement", "*", "codeCedexEtablissement",
              "codePostal2Etablissement"),
        why=_BY_THE_PLACE),
    Field("commune", "Commune", headers=(
        "Ville", "Localité", "City", "Town", "libelleCommuneEtablissement", "libelle_commune",
        "com_nom", "Nom commune", "Libellé de la commune de localisation de l'établissement",
        "libelleCommuneEtrangerEtablissement", "libelleCedexEtablissement"),
        wins=("libelleCommuneEtablissement", "*", "libelleCommuneEtrangerEtablissement",
              "libelleCedexEtablissement", "libelleCommune2Etablissement"),
        why=_BY_THE_PLACE),
    Field("insee_code", "Code INSEE", cell="id", headers=(
        "Code commune", "Code INSEE de la commune", "INSEE", "codeCommuneEtablissement",
        "commune_code", "com_code", "code_commune", "code_insee", "Code commune INSEE",
        "Code_commune_INSEE", "codgeo", "insee_com", "Code officiel commune",
        "Code de la commune de localisation de l'établissement"),
        wins=("codeCommuneEtablissement", "*", "codeCommune2Etablissement"),
        why=_BY_THE_PLACE),
    Field("departement", "Département", "Dép.", cell="id", headers=(
        "Dept", "Dép", "Dep", "Code département", "dep_code", "code_departement")),
    Field("country", "Pays (adresse à l'étranger)", column=False, headers=(
        "Pays", "Country", "codePaysEtrangerEtablissement",
        "libellePaysEtrangerEtablissement")),
    Field("mgp", "Métropole du Grand Paris", "Grand Paris", "bool", imported=False),
    Field("ept", "EPT", cell="id", imported=False),
    Field("epci", "EPCI", cell="id", imported=False),
    Field("outside_idf", "Hors Île-de-France", kind="bool", imported=False),
    Field("lat", "Latitude", kind="float", cell="float", headers=("Lat",)),
    Field("lon", "Longitude", kind="float", cell="float", headers=("Lon", "Lng", "Long")),
    Field("position", "Coordonnées (latitude, longitude)", column=False, headers=(
        "Coordonnées", "Coordonnées GPS", "Géolocalisation", "geo_point_2d",
        "Point géographique", "Géoloc", "lat_lon")),
    Field("x_lambert", "X Lambert-93 (SIRENE)", column=False, headers=(
        "coordonneeLambertAbscisseEtablissement", "X Lambert 93", "X Lambert", "Lambert X",
        "x_l93")),
    Field("y_lambert", "Y Lambert-93 (SIRENE)", column=False, headers=(
        "coordonneeLambertOrdonneeEtablissement", "Y Lambert 93", "Y Lambert", "Lambert Y",
        "y_l93")),
    Field("geo_precision", "Précision de la position", "Précision",
          headers=("Précision", "Précision géographique")),
    Field("source", "Source", headers=("Sources",)),
    Field("created_at", "Créé le", kind="datetime", cell="datetime", imported=False),
    Field("updated_at", "Modifié le", kind="datetime", cell="datetime", imported=False),
)

# Every field of a contact, and what a contacts import reads (its organisation first).
_CONTACT_FIELDS: tuple[Field, ...] = (
    Field("organisation", "Organisation", column=False, headers=(
        "Organisation", "Organization", "Structure", "Entreprise", "Société", "Acteur",
        "Organisme", "Employeur", "Raison sociale", "Company", "Nom de l'entreprise",
        "Libellé entreprise", "Nom de la structure")),
    Field("organisation_siret", "SIRET de l'organisation", column=False, headers=(
        "SIRET", "N° SIRET", "SIRET de l'organisation", "SIRET de la structure")),
    Field("actor_id", "Identifiant de l'acteur", column=False,
          headers=("Identifiant de l'acteur",)),
    Field("organisation_siren", "SIREN de l'organisation", column=False, headers=(
        "SIREN", "N° SIREN", "SIREN de l'organisation", "SIREN de la structure")),
    Field("civility", "Civilité", headers=("Civ", "Civ.", "Salutation")),
    Field("first_name", "Prénom", headers=(
        "First name", "Firstname", "Given name", "Prénom du contact", *HEAD_FIRST_NAMES)),
    Field("last_name", "Nom", headers=(
        "Nom de famille", "Last name", "Lastname", "Surname", "Family name", "Nom du contact",
        *HEAD_LAST_NAMES)),
    Field("role", "Fonction", headers=(
        "Rôle", "Poste", "Titre du poste", "Job title", "Role", "Position", *HEAD_ROLES)),
    Field("email", "E-mail", cell="email", headers=_EMAIL_HEADERS),
    Field("phone", "Téléphone", cell="id", headers=(*_PHONE_HEADERS, "Portable", "Mobile")),
    # What the file says of the consent feeds the legal basis (and may record an opposition).
    Field("legal_basis", "Base légale", kind="slug", imported=False),
    Field("consent", "Consentement / base légale", column=False, headers=(
        "Consentement", "Base légale", "Base légale RGPD", "RGPD", "Opt-in", "Optin",
        "Accord", "Consent", "Legal basis")),
    Field("basis_date", "Date de la base légale", "Date", kind="date", headers=(
        "Date du consentement", "Date de consentement", "Date consentement")),
    Field("opt_out", "Opposition", kind="bool", headers=(
        "Opt-out", "Optout", "Désinscrit", "Désinscription")),
    Field("notes", "Notes", cell="wrap", headers=(
        "Note", "Commentaire", "Commentaires", "Remarques")),
)

ACTOR: tuple[Field, ...] = tuple(f for f in _ACTOR_FIELDS if f.column)
CONTACT: tuple[Field, ...] = tuple(f for f in _CONTACT_FIELDS if f.column)
#: What an import can feed, in the order of its mapping step.
ACTOR_IMPORT: tuple[Field, ...] = tuple(f for f in _ACTOR_FIELDS if f.imported)
CONTACT_IMPORT: tuple[Field, ...] = tuple(f for f in _CONTACT_FIELDS if f.imported)

ACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in ACTOR)
CONTACT_KEYS: tuple[str, ...] = tuple(f.key for f in CONTACT)
#: The actor fields holding a list (JSON in the table).
LIST_KEYS: tuple[str, ...] = tuple(f.key for f in ACTOR if f.kind == "list")
_ACTOR = {f.key: f for f in ACTOR}
_CONTACT = {f.key: f for f in CONTACT}

#: key -> French label, for messages about an actor's fields.
ACTOR_LABELS: dict[str, str] = {f.key: f.label for f in ACTOR}
#: key -> French label, for messages about a contact's fields.
CONTACT_LABELS: dict[str, str] = {f.key: f.label for f in CONTACT}
#: key -> French label of every field an import may name (the mapping step, its messages).
IMPORT_LABELS: dict[str, str] = {f.key: f.label for f in _ACTOR_FIELDS + _CONTACT_FIELDS}


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
