"""What the column names of the public files officers receive mean, in French.

SIRENE's exports (v3, « StockEtablissement » joined with « StockUniteLegale ») name their
columns in camelCase English-French (``codeCommuneEtablissement``), the RNSR in snake_case
(``code_de_type_de_structure``): an officer cannot tell from the name which column holds
the firm and which the establishment. The import wizard shows these meanings beside the
headers and the command line's report can quote them. The descriptions follow INSEE's
documentation of the SIRENE variables and the RNSR's field list.
"""
from __future__ import annotations

import re

from .mapping import header_key

# header -> French meaning. « unité légale » is the firm (SIREN), « établissement » one of
# its sites (SIRET): said in each meaning, since which one a column describes is the point.
HEADER_MEANINGS: dict[str, str] = {
    # -- SIRENE v3: the establishment -----------------------------------------------------
    "siren": "Numéro SIREN de l'unité légale (l'entreprise)",
    "nic": "Numéro interne de classement de l'établissement (fin du SIRET)",
    "siret": "Numéro SIRET de l'établissement",
    "statutDiffusionEtablissement": "Diffusion de l'établissement (O : diffusible, P : partiellement)",
    "dateCreationEtablissement": "Date de création de l'établissement",
    "trancheEffectifsEtablissement": "Tranche d'effectif salarié de l'établissement (code INSEE)",
    "anneeEffectifsEtablissement": "Année de la tranche d'effectif de l'établissement",
    "activitePrincipaleRegistreMetiersEtablissement": "Activité de l'établissement au répertoire des métiers",
    "dateDernierTraitementEtablissement": "Date de dernière mise à jour de l'établissement",
    "etablissementSiege": "Établissement siège de l'unité légale (true / false)",
    "nombrePeriodesEtablissement": "Nombre de périodes de l'établissement",
    "complementAdresseEtablissement": "Complément d'adresse de l'établissement",
    "numeroVoieEtablissement": "Numéro dans la voie de l'établissement",
    "indiceRepetitionEtablissement": "Indice de répétition (bis, ter…) de l'établissement",
    "typeVoieEtablissement": "Type de voie (rue, avenue…) de l'établissement",
    "libelleVoieEtablissement": "Nom de la voie de l'établissement",
    "codePostalEtablissement": "Code postal de l'établissement",
    "libelleCommuneEtablissement": "Commune de l'établissement",
    "libelleCommuneEtrangerEtablissement": "Ville de l'établissement situé à l'étranger",
    "distributionSpecialeEtablissement": "Distribution spéciale (boîte postale…) de l'établissement",
    "codeCommuneEtablissement": "Code commune (INSEE) de l'établissement",
    "codeCedexEtablissement": "Code CEDEX de l'établissement",
    "libelleCedexEtablissement": "Libellé CEDEX de l'établissement",
    "codePaysEtrangerEtablissement": "Code du pays de l'établissement situé à l'étranger",
    "libellePaysEtrangerEtablissement": "Pays de l'établissement situé à l'étranger",
    "identifiantAdresseEtablissement": "Identifiant de l'adresse (BAN) de l'établissement",
    "coordonneeLambertAbscisseEtablissement": "Position de l'établissement : X en Lambert-93",
    "coordonneeLambertOrdonneeEtablissement": "Position de l'établissement : Y en Lambert-93",
    "complementAdresse2Etablissement": "Complément de l'adresse secondaire de l'établissement",
    "numeroVoie2Etablissement": "Numéro de voie de l'adresse secondaire de l'établissement",
    "indiceRepetition2Etablissement": "Indice de répétition de l'adresse secondaire de l'établissement",
    "typeVoie2Etablissement": "Type de voie de l'adresse secondaire de l'établissement",
    "libelleVoie2Etablissement": "Voie de l'adresse secondaire de l'établissement",
    "codePostal2Etablissement": "Code postal de l'adresse secondaire de l'établissement",
    "libelleCommune2Etablissement": "Commune de l'adresse secondaire de l'établissement",
    "libelleCommuneEtranger2Etablissement": "Ville étrangère de l'adresse secondaire de l'établissement",
    "distributionSpeciale2Etablissement": "Distribution spéciale de l'adresse secondaire de l'établissement",
    "codeCommune2Etablissement": "Code commune (INSEE) de l'adresse secondaire de l'établissement",
    "codeCedex2Etablissement": "Code CEDEX de l'adresse secondaire de l'établissement",
    "libelleCedex2Etablissement": "Libellé CEDEX de l'adresse secondaire de l'établissement",
    "codePaysEtranger2Etablissement": "Code pays de l'adresse secondaire de l'établissement",
    "libellePaysEtranger2Etablissement": "Pays de l'adresse secondaire de l'établissement",
    "dateDebut": "Date de début de la période décrite",
    "etatAdministratifEtablissement": "État de l'établissement (A : actif, F : fermé)",
    "enseigne1Etablissement": "Enseigne de l'établissement",
    "enseigne2Etablissement": "Deuxième enseigne de l'établissement",
    "enseigne3Etablissement": "Troisième enseigne de l'établissement",
    "denominationUsuelleEtablissement": "Nom usuel de l'établissement",
    "activitePrincipaleEtablissement": "Activité principale (code NAF) de l'établissement",
    "nomenclatureActivitePrincipaleEtablissement": "Nomenclature du code d'activité de l'établissement",
    "caractereEmployeurEtablissement": "Établissement employeur (O / N)",
    # -- SIRENE v3: the legal unit (the firm) -----------------------------------------------
    "etatAdministratifUniteLegale": "État de l'entreprise (A : active, C : cessée)",
    "statutDiffusionUniteLegale": "Diffusion de l'entreprise (O : diffusible, P : partiellement)",
    "unitePurgeeUniteLegale": "Entreprise purgée du répertoire (true si oui)",
    "dateCreationUniteLegale": "Date de création de l'entreprise",
    "categorieJuridiqueUniteLegale": "Catégorie juridique de l'entreprise (code INSEE)",
    "denominationUniteLegale": "Raison sociale de l'entreprise",
    "sigleUniteLegale": "Sigle de l'entreprise",
    "denominationUsuelle1UniteLegale": "Nom usuel de l'entreprise",
    "denominationUsuelle2UniteLegale": "Deuxième nom usuel de l'entreprise",
    "denominationUsuelle3UniteLegale": "Troisième nom usuel de l'entreprise",
    "sexeUniteLegale": "Sexe de l'entrepreneur individuel",
    "nomUniteLegale": "Nom de naissance de l'entrepreneur individuel",
    "nomUsageUniteLegale": "Nom d'usage de l'entrepreneur individuel",
    "prenom1UniteLegale": "Premier prénom de l'entrepreneur individuel",
    "prenom2UniteLegale": "Deuxième prénom de l'entrepreneur individuel",
    "prenom3UniteLegale": "Troisième prénom de l'entrepreneur individuel",
    "prenom4UniteLegale": "Quatrième prénom de l'entrepreneur individuel",
    "prenomUsuelUniteLegale": "Prénom usuel de l'entrepreneur individuel",
    "pseudonymeUniteLegale": "Pseudonyme de l'entrepreneur individuel",
    "activitePrincipaleUniteLegale": "Activité principale (code NAF) de l'entreprise",
    "nomenclatureActivitePrincipaleUniteLegale": "Nomenclature du code d'activité de l'entreprise",
    "identifiantAssociationUniteLegale": "Numéro RNA de l'association",
    "economieSocialeSolidaireUniteLegale": "Entreprise de l'économie sociale et solidaire (O / N)",
    "societeMissionUniteLegale": "Société à mission (O / N)",
    "caractereEmployeurUniteLegale": "Entreprise employeuse (O / N)",
    "trancheEffectifsUniteLegale": "Tranche d'effectif salarié de l'entreprise (code INSEE)",
    "anneeEffectifsUniteLegale": "Année de la tranche d'effectif de l'entreprise",
    "nicSiegeUniteLegale": "NIC du siège de l'entreprise",
    "dateDernierTraitementUniteLegale": "Date de dernière mise à jour de l'entreprise",
    "categorieEntreprise": "Catégorie d'entreprise (PME, ETI, GE)",
    "anneeCategorieEntreprise": "Année de la catégorie d'entreprise",
    "nombrePeriodesUniteLegale": "Nombre de périodes de l'entreprise",
    # -- RNSR (répertoire national des structures de recherche) -----------------------------
    "numero_national_de_structure": "Numéro RNSR de la structure de recherche",
    "libelle": "Nom de la structure",
    "sigle": "Sigle de la structure",
    "annee_de_creation": "Année de création de la structure",
    "type_de_structure": "Type de structure (unité mixte, unité propre, équipe d'accueil…)",
    "code_de_type_de_structure": "Code du type de structure",
    "code_de_niveau_de_structure": "Niveau de la structure (code)",
    "nom_du_responsable": "Nom du ou des responsables de la structure",
    "prenom_du_responsable": "Prénom du ou des responsables de la structure",
    "titre_du_responsable": "Fonction du ou des responsables de la structure",
    "label_numero": "Label et numéro (UMR 1234…)",
    "tutelles": "Établissements de tutelle",
    "sigles_des_tutelles": "Sigles des établissements de tutelle",
    "siret_des_tutelles": "SIRET des établissements de tutelle",
    "uai_des_tutelles": "Code UAI des établissements de tutelle",
    "domaine_scientifique": "Domaine scientifique",
    "panel_erc": "Panel ERC (domaine de recherche européen)",
    "fiche_rnsr": "Adresse de la fiche RNSR",
}

_BY_KEY = {header_key(header): meaning for header, meaning in HEADER_MEANINGS.items()}


def header_meaning(header: str | None) -> str | None:
    """The French meaning of a column name of SIRENE or the RNSR, None for any other.

    A header already in plain French (« Code postal ») has no entry: it says what it is."""
    if not header:
        return None
    return _BY_KEY.get(header_key(header))


# -- a file without a header: what its cells look like -----------------------------------

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("siret", re.compile(r"\d{14}")),
    ("siren", re.compile(r"\d{9}")),
    ("postcode", re.compile(r"\d{5}")),
    ("phone", re.compile(r"(?:\+33|0)\d{9}")),
    ("naf", re.compile(r"\d{2}\.?\d{2}[A-Z]", re.IGNORECASE)),
    ("email", re.compile(r"[^@\s]+@[^@\s]+\.\w+")),
    ("website", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)),
)
_SPACES = re.compile(r"[\s.\-]")
_WORDS = re.compile(r"[^\W\d_]{2,}")


def _shape(cell: str) -> str | None:
    compact = _SPACES.sub("", cell)
    for name, pattern in _SHAPES:
        target = cell if name in ("email", "website", "naf") else compact
        if pattern.fullmatch(target):
            return name
    return None


def guess_fields(rows: list[list[str]], width: int, sample: int = 50) -> dict[int, str]:
    """Column index -> field for a table without a header, from what its cells look like:
    14 digits a SIRET, 9 a SIREN, 5 a postcode, an e-mail, a web address, a phone, a NAF
    code (in nine cells out of ten of the column's first ``sample``), and the first column
    of words the name. Each field once; the person corrects the rest on the mapping step."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    wordy: list[int] = []
    for column in range(width):
        cells = [row[column] for row in rows[:sample * 4] if column < len(row) and row[column]][:sample]
        if not cells:
            continue
        counts: dict[str, int] = {}
        for cell in cells:
            shape = _shape(cell)
            if shape:
                counts[shape] = counts.get(shape, 0) + 1
        best = max(counts, key=counts.get) if counts else None
        if best and counts[best] * 10 >= len(cells) * 9 and best not in taken:
            out[column] = best
            taken.add(best)
        elif not counts and sum(1 for c in cells if _WORDS.search(c)) * 10 >= len(cells) * 9:
            wordy.append(column)
    if wordy:
        out[wordy[0]] = "name"
    return out
