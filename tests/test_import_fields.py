"""Import of the files officers really have (issue 16, points 1, 2, 4, 7): kinds given by
--kind or proposed from the NAF code and the type of structure, names as SIRENE, the RNSR,
the ministry and i-Lab write them, placeholders, and which column wins when several feed
one field. Small files written here in those formats (never copies of the samples)."""
from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from eco_desktop import db
from eco_desktop.errors import UserError
from eco_desktop.importer import (KIND_HINT_CLI, KIND_HINT_WIZARD, Mapping, apply_import,
                                  detect_kind, plan_import, prepare, proposed_default_kind,
                                  read_table)
from eco_desktop.kind_rules import DEFAULT_RULES, KindRules, default_rules
from eco_desktop.store import Catalogue

from cli_helpers import run_cli

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


def write_csv(path: Path, headers: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def sirene_file(path: Path) -> Path:
    return write_csv(path, SIRENE_V3, [
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


def prepared(path: Path, **options):
    table = read_table(path)
    return prepare(table, Mapping.auto(table.headers, detect_kind(table.headers)), **options)


# -- names ----------------------------------------------------------------------------------

def test_sirene_names_come_from_the_legal_unit_then_the_enseigne_then_the_person(tmp_path):
    firm, usual, shop, person, hidden = prepared(sirene_file(tmp_path / "sirene.csv"),
                                                 default_kind="biotech")
    assert firm.data["name"] == "CELLECTIS"
    assert firm.data["aliases"] == ["CLS", "CELLECTIS PARIS"]     # sigle and enseigne
    assert usual.data["name"] == "BIOPROD USUEL"
    assert shop.data["name"] == "PHARMACIE DU PARC"
    assert person.data["name"] == "Marie-Claire Martin"            # usage names win
    assert person.ok and shop.ok and usual.ok and firm.ok
    assert not hidden.ok
    assert [e.message for e in hidden.errors] == [
        "Nom non diffusible (« [ND] » dans le fichier) : la ligne n'est pas importée."]


def test_the_other_name_columns_become_aliases(tmp_path):
    path = write_csv(tmp_path / "deux.csv", ["denominationUniteLegale",
                                             "denominationUsuelle1UniteLegale", "Type"],
                     [["ISERE DISTRIBUTION", "LECLERC", "biotech"]])
    (row,) = prepared(path)
    assert row.data["name"] == "ISERE DISTRIBUTION" and row.data["aliases"] == ["LECLERC"]


def test_sirene_v2_long_headers_and_its_person_names(tmp_path):
    headers = ["Nom ou raison sociale de l'entreprise", "Enseigne", "Code postal",
               "Libellé de la commune de localisation de l'établissement",
               "Activité principale de l'entreprise", "Tranche d'effectif salarié de l'entreprise",
               "Date de création de l'entreprise"]
    path = write_csv(tmp_path / "v2.csv", headers, [
        ["DUPONT*JEAN/", "", "91400", "ORSAY", "7211Z", "03", "12/05/2004"],
        ["MARTIN*DURAND/SOPHIE/", "", "75013", "PARIS 13", "7219Z", "", ""],
        ["GENOSCOPE SA", "GENO", "91000", "EVRY", "7211Z", "32", "1900-01-01"]], ";")
    table = read_table(path)
    mapping = Mapping.auto(table.headers)
    assert set(mapping.columns.values()) == {"name", "aliases", "postcode", "commune", "naf",
                                             "size", "founded"}
    jean, sophie, geno = prepare(table, mapping, default_kind="biotech")
    assert jean.data["name"] == "Jean Dupont" and jean.data["size"] == "TPE"
    assert jean.data["founded"] == 2004
    assert sophie.data["name"] == "Sophie Durand"
    assert geno.data["name"] == "GENOSCOPE SA" and geno.data["aliases"] == ["GENO"]
    assert geno.data["size"] == "ETI"                                # 250-499 people
    assert "founded" not in geno.data and not [w for w in geno.warnings if w.field == "founded"]


@pytest.mark.parametrize("header", ["libelle", "uo_lib", "Libellé entreprise",
                                    "Nom ou raison sociale de l'entreprise", "Enseigne"])
def test_name_headers_of_the_public_files(tmp_path, header):
    path = write_csv(tmp_path / "f.csv", [header, "Type"], [["Institut Exemple", "academic"]])
    (row,) = prepared(path)
    assert row.ok and row.data["name"] == "Institut Exemple"


def test_placeholders_are_no_value_and_a_placeholder_name_is_said(tmp_path):
    path = write_csv(tmp_path / "p.csv", ["Nom", "Type", "Téléphone", "Site web", "SIRET",
                                          "Ville", "Domaines"], [
        ["Helix", "biotech", "-", "N/A", "?", "inconnu", "NC"],
        ["N/A", "biotech", "", "", "", "Orsay", ""],
        ["NON DIFFUSIBLE", "biotech", "", "", "", "Orsay", ""]])
    helix, blank, hidden = prepared(path)
    assert helix.ok and helix.warnings == []      # nothing to drop: no value was given
    assert {"phone", "website", "siret", "commune", "domains"}.isdisjoint(helix.data)
    assert "NC" not in helix.data.get("tags", [])
    assert blank.errors[0].message == ("Sans nom (« N/A » dans le fichier) : la ligne n'est pas "
                                       "importée.")
    assert hidden.errors[0].message.startswith("Nom non diffusible (« NON DIFFUSIBLE »")


# -- which column wins ------------------------------------------------------------------------

def test_the_legal_unit_gives_creation_naf_and_size_the_establishment_its_status(tmp_path):
    firm, usual, shop, person, _hidden = prepared(sirene_file(tmp_path / "sirene.csv"),
                                                  default_kind="biotech")
    assert firm.data["founded"] == 1999 and firm.data["naf"] == "72.11Z"
    assert firm.data["size"] == "PME"           # categorieEntreprise, not the 10,000+ site
    assert firm.data["siret"] == "42885905200006" and firm.data["status"] == "active"
    assert usual.data["size"] == "ETI"          # 500-999 in the legal unit, 1-2 on the site
    assert "founded" not in usual.data          # 1900-01-01 is no date; the site's is not the firm's
    assert usual.data["status"] == "closed"     # the establishment is closed (F)
    assert usual.data["naf"] == "21.20Z"        # only the establishment's given
    assert "size" not in shop.data and shop.warnings == []   # NN: no headcount known
    assert person.data["size"] == "TPE"         # 00: no employee


def test_categorie_entreprise_wins_over_the_bands(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Nom", "Type", "trancheEffectifsUniteLegale",
                                          "categorieEntreprise"],
                     [["A", "biotech", "53", "PME"], ["B", "biotech", "53", ""],
                      ["C", "biotech", "12", "GE"]])
    a, b, c = prepared(path)
    assert (a.data["size"], b.data["size"], c.data["size"]) == ("PME", "grand groupe",
                                                                "grand groupe")


@pytest.mark.parametrize("band, size", [("00", "TPE"), ("01", "TPE"), ("03", "TPE"),
                                        ("11", "PME"), ("31", "PME"), ("32", "ETI"), ("41", "ETI"),
                                        ("51", "ETI"), ("52", "grand groupe"),
                                        ("53", "grand groupe")])
def test_insee_headcount_bands(tmp_path, band, size):
    path = write_csv(tmp_path / "b.csv", ["Nom", "Type", "trancheEffectifsUniteLegale"],
                     [["A", "biotech", band]])
    assert prepared(path)[0].data["size"] == size


def test_the_establishment_headcount_is_not_mapped_to_the_size():
    mapping = Mapping.auto(["denominationUniteLegale", "trancheEffectifsEtablissement"])
    assert mapping.columns == {0: "name"}


def test_the_mapping_says_which_column_wins():
    mapping = Mapping.auto(["siret", "dateCreationEtablissement", "dateCreationUniteLegale",
                            "denominationUniteLegale", "Nom"])
    assert mapping.ranked("founded") == [2, 1]
    assert mapping.ranked("name") == [3, 4]
    assert mapping.precedence_note(2).startswith("prioritaire sur « dateCreationEtablissement »")
    assert mapping.precedence_note(1).startswith(
        "utilisée si « dateCreationUniteLegale » est vide")
    assert "unité légale" in mapping.precedence_note(1)
    assert mapping.precedence_note(0) == ""            # alone on its field


# -- what kind of file ---------------------------------------------------------------------------

RNSR = ["numero_national_de_structure", "libelle", "sigle", "annee_de_creation",
        "type_de_structure", "site_web", "adresse", "code_postal", "commune",
        "nom_du_responsable", "prenom_du_responsable", "titre_du_responsable", "tutelles",
        "siret_des_tutelles"]


def rnsr_file(path: Path) -> Path:
    return write_csv(path, RNSR, [
        ["200012345A", "Institut de biothérapies exemple", "IBE", "2001", "Unité mixte",
         "", "45 rue des Saints-Pères", "75270", "PARIS CEDEX 06", "DUPONT;MARTIN",
         "Jean;Anne", "DIR;DIR-ADJ", "Inserm;Université Paris Cité",
         "18003604800012;13002573000018"],
        ["200054321B", "Fédération de recherche exemple", "", "2010",
         "Structures Fédératives de Recherche", "", "", "91190", "GIF-SUR-YVETTE", "DURAND",
         "Paul", "DIR", "CNRS", "18008901303720"],
        ["200099999C", "Laboratoire privé exemple", "", "2015", "Société privée", "", "",
         "94800", "VILLEJUIF", "", "", "", "", ""]], ";")


def test_files_of_organisations_naming_people_are_actors_files():
    assert detect_kind(RNSR) == "actors"
    assert detect_kind(["Nom du lauréat", "Prénom du lauréat", "Libellé entreprise", "SIREN",
                        "Région", "Année"]) == "actors"
    assert detect_kind(["Nom du lauréat", "Prénom du lauréat", "Nom de l'entreprise"]) == "actors"
    # and files of people stay contacts files
    assert detect_kind(["Organisation", "SIRET", "Civilité", "Prénom", "Nom", "E-mail"]) == \
        "contacts"
    assert detect_kind(["Raison sociale", "Prénom", "Nom", "Consentement"]) == "contacts"
    assert detect_kind(["Organisation", "Prénom", "Nom", "E-mail"]) == "contacts"


def test_rnsr_kinds_are_proposed_from_the_type_of_structure(tmp_path, catalogue):
    plan = plan_import(catalogue, rnsr_file(tmp_path / "rnsr.csv"))
    assert plan.kind == "actors"
    umr, federation, private = plan.rows
    assert umr.data["kind"] == "academic" and federation.data["kind"] == "academic"
    assert umr.proposed == ("Type proposé : « Centre de recherche académique » d'après le type "
                            "de structure « Unité mixte ».")
    assert "Unité mixte" in umr.data["tags"]          # the file's word is kept
    assert not [w for w in umr.warnings if "Type d'acteur" in w]   # and recognised: no warning
    assert umr.data["name"] == "Institut de biothérapies exemple"
    assert private.status == "error" and "Société privée" in private.errors[0]
    summary = plan.summary()
    assert summary.proposed == 2
    assert any(p.level == "Type proposé" and p.row_number == 2 for p in summary.problems)
    assert "Type proposé d'après le code NAF ou le type de structure : 2 lignes" in \
        summary.message()


def test_ministry_list_universities_and_schools(tmp_path, catalogue):
    path = write_csv(tmp_path / "etab.csv", ["uo_lib", "sigle", "type_d_etablissement", "com_nom",
                                             "com_code"], [
        ["Université Paris-Saclay", "UPSaclay", "Université", "Gif-sur-Yvette", "91272"],
        ["École exemple d'ingénieurs", "", "École d'ingénieurs", "Évry-Courcouronnes", "91228"],
        ["Institut exemple", "", "Grands établissements", "Paris", "75056"]], ";")
    plan = plan_import(catalogue, path)
    assert [r.data.get("kind") for r in plan.rows] == ["academic", "training", "academic"]
    assert plan.rows[0].data["aliases"] == ["UPSaclay"]


def test_naf_rules_prefixes_and_the_longest_wins():
    rules = default_rules()
    assert rules.for_naf("72.11Z") == "biotech" and rules.for_naf("72.19Z") == "academic"
    assert rules.for_naf("21.10Z") == "pharma" and rules.for_naf("21.20Z") == "pharma"
    assert rules.for_naf("86.10Z") == "hospital" and rules.for_naf("85.42Z") == "training"
    assert rules.for_naf("84.11Z") == "funder" and rules.for_naf("84.21Z") is None
    assert rules.for_naf("47.11F") is None
    mine = KindRules([("naf", "72", "academic"), ("naf", "7211z", "biotech")])
    assert mine.for_naf("72.11Z") == "biotech" and mine.for_naf("72.19Z") == "academic"
    assert rules.for_structure("STRUCTURES FÉDÉRATIVES DE RECHERCHE") == "academic"


def test_the_migration_seeds_the_documented_rules(empty_catalogue):
    rows = [(r["source"], r["pattern"], r["kind"]) for r in empty_catalogue.kind_rules()]
    assert sorted(rows) == sorted(DEFAULT_RULES)
    assert db.schema_version() >= 6


def test_kind_rules_are_edited_and_undone_like_the_vocabularies(empty_catalogue):
    cat = empty_catalogue
    rule = cat.add_kind_rule("naf", "7112b", "techprovider")
    assert cat.kind_rule_table().for_naf("71.12B") == "techprovider"
    cat.set_kind_rule(rule, kind="integrator")
    assert cat.kind_rule_table().for_naf("71.12B") == "integrator"
    cat.undo()
    assert cat.kind_rule_table().for_naf("71.12B") == "techprovider"
    with pytest.raises(UserError, match="n'est pas un code NAF"):
        cat.add_kind_rule("naf", "abc", "biotech")
    with pytest.raises(UserError, match="a déjà une règle"):
        cat.add_kind_rule("naf", "71.12B", "biotech")
    with pytest.raises(UserError, match="Type d'acteur inconnu"):
        cat.add_kind_rule("structure", "Plateforme", "inconnu")
    cat.delete_kind_rule(rule)
    assert cat.kind_rule_table().for_naf("71.12B") is None


def test_proposed_default_kind_for_the_wizard(tmp_path):
    table = read_table(sirene_file(tmp_path / "sirene.csv"))
    mapping = Mapping.auto(table.headers)
    assert proposed_default_kind(table, mapping, kind_rules=default_rules()) == "biotech"
    assert proposed_default_kind(table, mapping) is None        # no rules, no type column
    typed = read_table(write_csv(tmp_path / "t.csv", ["Nom", "Type"],
                                 [["A", "Pôle"], ["B", "Cluster"], ["C", "Biotech"]]))
    assert proposed_default_kind(typed, Mapping.auto(typed.headers)) == "cluster"


# -- default kind and its messages ---------------------------------------------------------------

def test_a_default_kind_fills_absent_empty_and_unknown_types(tmp_path):
    path = write_csv(tmp_path / "k.csv", ["Nom", "Type"],
                     [["A", ""], ["B", "Plateforme technologique"], ["C", "Pharma"]])
    a, b, c = prepared(path, default_kind="techprovider")
    assert (a.data["kind"], b.data["kind"], c.data["kind"]) == ("techprovider", "techprovider",
                                                                "pharma")
    assert b.ok and "Plateforme technologique" in b.data["tags"]
    assert any("Plateforme technologique" in w.message for w in b.warnings)
    assert "kind" in a.defaults and "kind" not in c.defaults


def test_the_message_of_a_row_without_kind_names_what_exists_where_the_user_is(tmp_path):
    path = write_csv(tmp_path / "k.csv", ["Nom", "Type"], [["A", ""], ["B", "Plateforme"]])
    cli = prepared(path, kind_hint=KIND_HINT_CLI)
    assert all("--kind" in c.errors[0].message for c in cli)
    wizard = prepared(path, kind_hint=KIND_HINT_WIZARD)
    assert all("étape Colonnes" in c.errors[0].message and "--kind" not in c.errors[0].message
               for c in wizard)
    neutral = prepared(path)
    assert all("--kind" not in c.errors[0].message and "défaut" not in c.errors[0].message
               for c in neutral)


# -- command line --------------------------------------------------------------------------------

def run(tmp_path: Path, db_path: Path, *args) -> subprocess.CompletedProcess:
    return run_cli(["import", "--db", db_path, *args], home=tmp_path, cwd=Path.cwd(), expect=None)


def test_cli_kind_option(tmp_path, catalogue_path):
    path = write_csv(tmp_path / "k.csv", ["Nom", "Type", "Ville"],
                     [["Plateforme A", "", "Orsay"], ["Plateforme B", "Plateforme", "Évry"]])
    without = run(tmp_path, catalogue_path, path, "--dry-run")
    assert without.returncode == 1
    assert "l'option --kind" in without.stdout and "étape Colonnes" not in without.stdout
    done = run(tmp_path, catalogue_path, path, "--kind", "techprovider")
    assert done.returncode == 0, done.stderr
    assert "Créés : 2" in done.stdout and "« Plateforme »" in done.stdout
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        b = next(a for a in cat.iter_actors() if a["name"] == "Plateforme B")
        assert b["kind"] == "techprovider" and "Plateforme" in b["tags"]
    wrong = run(tmp_path, catalogue_path, path, "--kind", "licorne")
    assert wrong.returncode == 1
    assert "--kind : type d'acteur inconnu « licorne »" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    label = run(tmp_path, catalogue_path, path, "--kind", "Formation", "--dry-run")
    assert label.returncode == 0 and "Créés" not in label.stderr


def test_cli_sirene_file_twice_exit_codes_and_tally(tmp_path, catalogue_path):
    path = sirene_file(tmp_path / "sirene.csv")
    first = run(tmp_path, catalogue_path, path)
    assert first.returncode == 0, first.stderr
    # Cellectis is in the bundled catalogue (same SIREN); the chemist's NAF code (47.73Z)
    # proposes no kind; the [ND] row has no name
    assert "Bilan : 2 créés, 0 mis à jour, 1 doublon, 2 rejetés — motifs : " in first.stdout
    assert "Nom non diffusible (« [ND] » dans le fichier)" in first.stdout
    again = run(tmp_path, catalogue_path, path)
    # nothing to create; two rows are still in error and nothing could be imported
    assert "Bilan : 0 créé, 0 mis à jour, 3 doublons, 2 rejetés" in again.stdout
    assert again.returncode == 1
    assert "2 lignes en erreur, les autres déjà dans le catalogue" in again.stderr
    clean = write_csv(tmp_path / "propre.csv", ["Nom", "Type", "Ville"],
                      [["Acteur Propre", "biotech", "Orsay"]])
    assert run(tmp_path, catalogue_path, clean).returncode == 0
    twice = run(tmp_path, catalogue_path, clean)
    assert twice.returncode == 0 and "Bilan : 0 créé, 0 mis à jour, 1 doublon, 0 rejeté." in \
        twice.stdout
