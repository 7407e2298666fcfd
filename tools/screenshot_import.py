"""Render the import wizard's mapping and preview steps offscreen on a SIRENE file.

    QT_QPA_PLATFORM=offscreen python tools/screenshot_import.py [--out docs/screenshots]

Writes import-mapping.png and import-preview.png. A fresh catalogue from the bundled
dataset in a temporary folder, throwaway settings, and a small SIRENE v3 combined export
written here (every column of the real format; made-up firms but for Cellectis, whose
SIREN is public): a biotech, two establishments of one retail chain, an entrepreneur
individuel without a company name, a closed establishment, a laboratory outside
Île-de-France and a firm already in the catalogue.
"""
from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from screenshots import fresh_catalogue, output_folder, settle  # tools/ is this script's folder, first on sys.path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The columns of INSEE's SIRENE v3 « StockEtablissement » joined with « StockUniteLegale ».
SIRENE_COLUMNS = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,etatAdministratifUniteLegale,statutDiffusionUniteLegale,"
    "unitePurgeeUniteLegale,dateCreationUniteLegale,categorieJuridiqueUniteLegale,"
    "denominationUniteLegale,sigleUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,sexeUniteLegale,"
    "nomUniteLegale,nomUsageUniteLegale,prenom1UniteLegale,prenom2UniteLegale,"
    "prenom3UniteLegale,prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "activitePrincipaleUniteLegale,nomenclatureActivitePrincipaleUniteLegale,"
    "identifiantAssociationUniteLegale,economieSocialeSolidaireUniteLegale,"
    "caractereEmployeurUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "nicSiegeUniteLegale,dateDernierTraitementUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,complementAdresseEtablissement,numeroVoieEtablissement,"
    "indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,"
    "codePostalEtablissement,libelleCommuneEtablissement,libelleCommuneEtrangerEtablissement,"
    "distributionSpecialeEtablissement,codeCommuneEtablissement,codeCedexEtablissement,"
    "libelleCedexEtablissement,codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement,"
    "activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,"
    "caractereEmployeurEtablissement").split(",")

COMMON = {"statutDiffusionEtablissement": "O", "statutDiffusionUniteLegale": "O",
          "etatAdministratifUniteLegale": "A", "etatAdministratifEtablissement": "A",
          "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
          "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
          "dateDernierTraitementEtablissement": "2022-03-01T08:15:18",
          "dateDernierTraitementUniteLegale": "2022-03-01T08:15:18"}

ROWS = (
    dict(siren="812345676", nic="00017", siret="81234567600017", etablissementSiege="true",
         dateCreationEtablissement="2016-09-01", dateCreationUniteLegale="2016-09-01",
         categorieJuridiqueUniteLegale="5710", denominationUniteLegale="BIOTHERA PARIS",
         activitePrincipaleUniteLegale="72.11Z", activitePrincipaleEtablissement="72.11Z",
         trancheEffectifsUniteLegale="12", trancheEffectifsEtablissement="12",
         categorieEntreprise="PME", numeroVoieEtablissement="12", typeVoieEtablissement="RUE",
         libelleVoieEtablissement="DE L ECLUSE", codePostalEtablissement="75013",
         libelleCommuneEtablissement="PARIS 13", codeCommuneEtablissement="75113"),
    # one retail chain, two establishments (two SIRETs): never duplicates of each other
    dict(siren="523456788", nic="00018", siret="52345678800018", etablissementSiege="false",
         dateCreationEtablissement="2011-04-12", dateCreationUniteLegale="1998-01-01",
         categorieJuridiqueUniteLegale="5710", denominationUniteLegale="MARCHE FRAIS DISTRIBUTION",
         activitePrincipaleUniteLegale="47.11F", activitePrincipaleEtablissement="47.11F",
         trancheEffectifsUniteLegale="42", trancheEffectifsEtablissement="11",
         categorieEntreprise="ETI", numeroVoieEtablissement="3", typeVoieEtablissement="AV",
         libelleVoieEtablissement="DU GENERAL DE GAULLE", codePostalEtablissement="94000",
         libelleCommuneEtablissement="CRETEIL", codeCommuneEtablissement="94028",
         enseigne1Etablissement="MARCHE FRAIS"),
    dict(siren="523456788", nic="00026", siret="52345678800026", etablissementSiege="true",
         dateCreationEtablissement="1998-01-01", dateCreationUniteLegale="1998-01-01",
         categorieJuridiqueUniteLegale="5710", denominationUniteLegale="MARCHE FRAIS DISTRIBUTION",
         activitePrincipaleUniteLegale="47.11F", activitePrincipaleEtablissement="70.10Z",
         trancheEffectifsUniteLegale="42", trancheEffectifsEtablissement="22",
         categorieEntreprise="ETI", numeroVoieEtablissement="20", typeVoieEtablissement="BD",
         libelleVoieEtablissement="DE LA DEFENSE", codePostalEtablissement="92000",
         libelleCommuneEtablissement="NANTERRE", codeCommuneEtablissement="92050"),
    # an entrepreneur individuel: a person's name, no company name
    dict(siren="734567894", nic="00013", siret="73456789400013", etablissementSiege="true",
         dateCreationEtablissement="2019-02-15", dateCreationUniteLegale="2019-02-15",
         categorieJuridiqueUniteLegale="1000", sexeUniteLegale="F", nomUniteLegale="MARTIN",
         prenom1UniteLegale="CLAIRE", prenomUsuelUniteLegale="CLAIRE",
         activitePrincipaleUniteLegale="70.22Z", activitePrincipaleEtablissement="70.22Z",
         trancheEffectifsUniteLegale="NN", trancheEffectifsEtablissement="NN",
         categorieEntreprise="PME", numeroVoieEtablissement="7", typeVoieEtablissement="AV",
         libelleVoieEtablissement="DE LA REPUBLIQUE", codePostalEtablissement="94800",
         libelleCommuneEtablissement="VILLEJUIF", codeCommuneEtablissement="94076"),
    dict(siren="901234567", nic="00013", siret="90123456700013", etablissementSiege="true",
         dateCreationEtablissement="2021-06-01", dateCreationUniteLegale="2021-06-01",
         categorieJuridiqueUniteLegale="5710", denominationUniteLegale="VECTORIA",
         activitePrincipaleUniteLegale="72.11Z", activitePrincipaleEtablissement="72.11Z",
         trancheEffectifsUniteLegale="03", categorieEntreprise="PME",
         numeroVoieEtablissement="1", typeVoieEtablissement="RUE",
         libelleVoieEtablissement="PIERRE FONTAINE", codePostalEtablissement="91000",
         libelleCommuneEtablissement="EVRY-COURCOURONNES", codeCommuneEtablissement="91228",
         etatAdministratifEtablissement="F"),
    # outside Île-de-France: kept, at its commune, and said
    dict(siren="387654320", nic="00010", siret="38765432000010", etablissementSiege="true",
         dateCreationEtablissement="1992-10-01", dateCreationUniteLegale="1992-10-01",
         categorieJuridiqueUniteLegale="7389", denominationUniteLegale="LABORATOIRE GENOMIQUE RHONE",
         activitePrincipaleUniteLegale="72.19Z", activitePrincipaleEtablissement="72.19Z",
         trancheEffectifsUniteLegale="21", categorieEntreprise="PME",
         numeroVoieEtablissement="50", typeVoieEtablissement="AV",
         libelleVoieEtablissement="TONY GARNIER", codePostalEtablissement="69007",
         libelleCommuneEtablissement="LYON 7E ARRONDISSEMENT", codeCommuneEtablissement="69387"),
    # already in the catalogue (its public SIREN)
    dict(siren="428859052", etablissementSiege="true", dateCreationUniteLegale="1999-08-30",
         categorieJuridiqueUniteLegale="5599", denominationUniteLegale="CELLECTIS",
         activitePrincipaleUniteLegale="72.11Z", trancheEffectifsUniteLegale="22",
         categorieEntreprise="PME", codePostalEtablissement="75013",
         libelleCommuneEtablissement="PARIS 13", codeCommuneEtablissement="75113"),
)


def write_sirene(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, SIRENE_COLUMNS, restval="")
        writer.writeheader()
        for row in ROWS:
            writer.writerow({**COMMON, **row})
    return path


def main() -> int:
    out = output_folder(__doc__)
    app, catalogue = fresh_catalogue("eco-shot-import-")
    from eco_desktop.ui.window import MainWindow

    window = MainWindow(catalogue)
    window.resize(1366, 768)
    window.show()
    settle(app)
    source = write_sirene(catalogue.path.parent / "sirene-etablissements-2022.csv")
    wizard = window.features["importing"].open_wizard(source)
    wizard.resize(1366, 768)
    settle(app)
    written = []
    wizard.next()
    settle(app)
    target = out / "import-mapping.png"
    if wizard.grab().save(str(target)):
        written.append(target)
    wizard.next()
    settle(app, 1.0)
    preview = wizard.preview_page
    errors = [r for r in range(preview.proxy.rowCount())
              if preview.proxy.index(r, 2).data() == "Erreur"]
    preview.view.selectRow(errors[0] if errors else 0)
    settle(app)
    target = out / "import-preview.png"
    if wizard.grab().save(str(target)):
        written.append(target)
    wizard.close()
    window.close()
    catalogue.close()
    for path in written:
        print(path)
    if len(written) != 2:
        print("capture impossible", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
