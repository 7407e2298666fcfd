"""Helpers of the importer's tests (tests/importer/ and test_cli_import.py): fixture files,
rows and actors for the duplicate rules, small CSV and SIRENE files."""
from __future__ import annotations

import csv
from pathlib import Path

from stdnum import luhn
from stdnum.fr import siren as siren_module, siret as siret_module

from eco_desktop.importer import Candidate, Mapping, prepare, read_table


FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture(name: str) -> Path:
    return FIXTURES / name


def prepared(name: str, kind: str = "actors", **options) -> list[Candidate]:
    table = read_table(fixture(name))
    return prepare(table, Mapping.auto(table.headers, kind), **options)


def new_catalogue(tmp_path):
    from eco_desktop.catalogue import Catalogue
    return Catalogue.create(tmp_path / "c.sqlite", seed=True)


SIRET_A = "81234567600017"   # BioThéra Paris in the fixtures


def by_name(catalogue, name: str) -> dict:
    found = [a for a in catalogue.iter_actors() if a["name"] == name]
    assert len(found) == 1, (name, len(found))
    return found[0]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def siren_of(eight: str) -> str:
    number = eight + luhn.calc_check_digit(eight)
    assert siren_module.is_valid(number)
    return number


def siret_of(siren: str, nic: int) -> str:
    """A valid SIRET of ``siren``: the NIC ``nic`` (four digits) and its key."""
    body = siren + f"{nic:04d}"
    number = body + luhn.calc_check_digit(body)
    assert siret_module.is_valid(number)
    return number


LIDL = siren_of("35012345")


STORES = [siret_of(LIDL, nic) for nic in range(1, 27)]


# A SIRENE v3 combined export (legal unit + establishment columns), as sirene.fr gives it.
SIRENE_V3 = ["siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
             "trancheEffectifsEtablissement", "etablissementSiege", "dateCreationUniteLegale",
             "denominationUniteLegale", "sigleUniteLegale", "denominationUsuelle1UniteLegale",
             "nomUniteLegale", "nomUsageUniteLegale", "prenom1UniteLegale",
             "prenomUsuelUniteLegale", "activitePrincipaleUniteLegale",
             "trancheEffectifsUniteLegale", "categorieEntreprise", "etatAdministratifUniteLegale",
             "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
             "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
             "etatAdministratifEtablissement", "enseigne1Etablissement",
             "denominationUsuelleEtablissement", "activitePrincipaleEtablissement"]


def sirene_row(**cells) -> list[str]:
    return [cells.get(h, "") for h in SIRENE_V3]


def write_headed_csv(path: Path, headers: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def sirene_file(path: Path) -> Path:
    return write_headed_csv(path, SIRENE_V3, [
        # a firm: its name, creation, NAF and size are the legal unit's
        sirene_row(siren="428859052", nic="00006", siret="42885905200006",
                   dateCreationEtablissement="2011-05-02", trancheEffectifsEtablissement="53",
                   dateCreationUniteLegale="1999-12-01", denominationUniteLegale="CELLECTIS",
                   sigleUniteLegale="CLS", activitePrincipaleUniteLegale="72.11Z",
                   trancheEffectifsUniteLegale="22", categorieEntreprise="PME",
                   etatAdministratifUniteLegale="A", numeroVoieEtablissement="8",
                   typeVoieEtablissement="RUE", libelleVoieEtablissement="DE LA CROIX JARRY",
                   codePostalEtablissement="75013", libelleCommuneEtablissement="PARIS 13",
                   codeCommuneEtablissement="75113", etatAdministratifEtablissement="A",
                   enseigne1Etablissement="CELLECTIS PARIS",
                   activitePrincipaleEtablissement="70.10Z"),
        # only a usual name; the legal unit's headcount band, not the establishment's
        sirene_row(siret="", dateCreationUniteLegale="1900-01-01",
                   dateCreationEtablissement="2015-03-01",
                   denominationUsuelle1UniteLegale="BIOPROD USUEL",
                   activitePrincipaleEtablissement="21.20Z", trancheEffectifsUniteLegale="41",
                   trancheEffectifsEtablissement="01", codePostalEtablissement="91000",
                   libelleCommuneEtablissement="EVRY-COURCOURONNES",
                   codeCommuneEtablissement="91228", etatAdministratifUniteLegale="A",
                   etatAdministratifEtablissement="F"),
        # only an enseigne
        sirene_row(enseigne1Etablissement="PHARMACIE DU PARC", trancheEffectifsUniteLegale="NN",
                   activitePrincipaleUniteLegale="47.73Z", codePostalEtablissement="94000",
                   libelleCommuneEtablissement="CRETEIL", codeCommuneEtablissement="94028"),
        # an entrepreneur individuel: first name and usage name
        sirene_row(nomUniteLegale="DURAND", nomUsageUniteLegale="MARTIN",
                   prenom1UniteLegale="MARIE", prenomUsuelUniteLegale="MARIE-CLAIRE",
                   activitePrincipaleUniteLegale="72.19Z", trancheEffectifsUniteLegale="00",
                   codePostalEtablissement="91400", libelleCommuneEtablissement="ORSAY",
                   codeCommuneEtablissement="91471"),
        # a person who refused diffusion: SIRENE's [ND]
        sirene_row(statutDiffusionEtablissement="P", nomUniteLegale="[ND]",
                   prenom1UniteLegale="[ND]", activitePrincipaleUniteLegale="72.11Z",
                   codePostalEtablissement="75011", libelleCommuneEtablissement="PARIS 11",
                   codeCommuneEtablissement="75111"),
    ])


RNSR = ["numero_national_de_structure", "libelle", "sigle", "annee_de_creation",
        "type_de_structure", "site_web", "adresse", "code_postal", "commune",
        "nom_du_responsable", "prenom_du_responsable", "titre_du_responsable", "tutelles",
        "siret_des_tutelles"]


def write(tmp_path, text: str, name: str = "liste.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
