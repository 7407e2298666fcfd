"""importer/actor_rows.py: an actors row from the public files (names, which column wins, kinds)."""
from __future__ import annotations

from pathlib import Path

import pytest

from eco_desktop import db
from eco_desktop.errors import UserError
from eco_desktop.importer import (KIND_HINT_CLI, KIND_HINT_WIZARD, Mapping, detect_kind,
                                  plan_import, prepare, read_table)
from eco_desktop.catalogue.kind_rules import DEFAULT_RULES, KindRules, default_rules

from import_helpers import RNSR, sirene_file, write_headed_csv


def prepared_file(path: Path, **options):
    table = read_table(path)
    return prepare(table, Mapping.auto(table.headers, detect_kind(table.headers)), **options)


def test_sirene_names_come_from_the_legal_unit_then_the_enseigne_then_the_person(tmp_path):
    firm, usual, shop, person, hidden = prepared_file(sirene_file(tmp_path / "sirene.csv"),
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
    path = write_headed_csv(tmp_path / "deux.csv", ["denominationUniteLegale",
                                             "denominationUsuelle1UniteLegale", "Type"],
                     [["ISERE DISTRIBUTION", "LECLERC", "biotech"]])
    (row,) = prepared_file(path)
    assert row.data["name"] == "ISERE DISTRIBUTION" and row.data["aliases"] == ["LECLERC"]


def test_sirene_v2_long_headers_and_its_person_names(tmp_path):
    headers = ["Nom ou raison sociale de l'entreprise", "Enseigne", "Code postal",
               "Libellé de la commune de localisation de l'établissement",
               "Activité principale de l'entreprise", "Tranche d'effectif salarié de l'entreprise",
               "Date de création de l'entreprise"]
    path = write_headed_csv(tmp_path / "v2.csv", headers, [
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
    path = write_headed_csv(tmp_path / "f.csv", [header, "Type"], [["Institut Exemple", "academic"]])
    (row,) = prepared_file(path)
    assert row.ok and row.data["name"] == "Institut Exemple"


def test_placeholders_are_no_value_and_a_placeholder_name_is_said(tmp_path):
    path = write_headed_csv(tmp_path / "p.csv", ["Nom", "Type", "Téléphone", "Site web", "SIRET",
                                          "Ville", "Domaines"], [
        ["Helix", "biotech", "-", "N/A", "?", "inconnu", "NC"],
        ["N/A", "biotech", "", "", "", "Orsay", ""],
        ["NON DIFFUSIBLE", "biotech", "", "", "", "Orsay", ""]])
    helix, blank, hidden = prepared_file(path)
    assert helix.ok and helix.warnings == []      # nothing to drop: no value was given
    assert {"phone", "website", "siret", "commune", "domains"}.isdisjoint(helix.data)
    assert "NC" not in helix.data.get("tags", [])
    assert blank.errors[0].message == ("Sans nom (« N/A » dans le fichier) : la ligne n'est pas "
                                       "importée.")
    assert hidden.errors[0].message.startswith("Nom non diffusible (« NON DIFFUSIBLE »")


def test_the_legal_unit_gives_creation_naf_and_size_the_establishment_its_status(tmp_path):
    firm, usual, shop, person, _hidden = prepared_file(sirene_file(tmp_path / "sirene.csv"),
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
    path = write_headed_csv(tmp_path / "c.csv", ["Nom", "Type", "trancheEffectifsUniteLegale",
                                          "categorieEntreprise"],
                     [["A", "biotech", "53", "PME"], ["B", "biotech", "53", ""],
                      ["C", "biotech", "12", "GE"]])
    a, b, c = prepared_file(path)
    assert (a.data["size"], b.data["size"], c.data["size"]) == ("PME", "grand groupe",
                                                                "grand groupe")


@pytest.mark.parametrize("band, size", [("00", "TPE"), ("01", "TPE"), ("03", "TPE"),
                                        ("11", "PME"), ("31", "PME"), ("32", "ETI"), ("41", "ETI"),
                                        ("51", "ETI"), ("52", "grand groupe"),
                                        ("53", "grand groupe")])
def test_insee_headcount_bands(tmp_path, band, size):
    path = write_headed_csv(tmp_path / "b.csv", ["Nom", "Type", "trancheEffectifsUniteLegale"],
                     [["A", "biotech", band]])
    assert prepared_file(path)[0].data["size"] == size


def rnsr_file(path: Path) -> Path:
    return write_headed_csv(path, RNSR, [
        ["200012345A", "Institut de biothérapies exemple", "IBE", "2001", "Unité mixte",
         "", "45 rue des Saints-Pères", "75270", "PARIS CEDEX 06", "DUPONT;MARTIN",
         "Jean;Anne", "DIR;DIR-ADJ", "Inserm;Université Paris Cité",
         "18003604800012;13002573000018"],
        ["200054321B", "Fédération de recherche exemple", "", "2010",
         "Structures Fédératives de Recherche", "", "", "91190", "GIF-SUR-YVETTE", "DURAND",
         "Paul", "DIR", "CNRS", "18008901303720"],
        ["200099999C", "Laboratoire privé exemple", "", "2015", "Société privée", "", "",
         "94800", "VILLEJUIF", "", "", "", "", ""]], ";")


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
    path = write_headed_csv(tmp_path / "etab.csv", ["uo_lib", "sigle", "type_d_etablissement", "com_nom",
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


def test_a_default_kind_fills_absent_empty_and_unknown_types(tmp_path):
    path = write_headed_csv(tmp_path / "k.csv", ["Nom", "Type"],
                     [["A", ""], ["B", "Plateforme technologique"], ["C", "Pharma"]])
    a, b, c = prepared_file(path, default_kind="techprovider")
    assert (a.data["kind"], b.data["kind"], c.data["kind"]) == ("techprovider", "techprovider",
                                                                "pharma")
    assert b.ok and "Plateforme technologique" in b.data["tags"]
    assert any("Plateforme technologique" in w.message for w in b.warnings)
    assert "kind" in a.defaults and "kind" not in c.defaults


def test_the_message_of_a_row_without_kind_names_what_exists_where_the_user_is(tmp_path):
    path = write_headed_csv(tmp_path / "k.csv", ["Nom", "Type"], [["A", ""], ["B", "Plateforme"]])
    cli = prepared_file(path, kind_hint=KIND_HINT_CLI)
    assert all("--kind" in c.errors[0].message for c in cli)
    wizard = prepared_file(path, kind_hint=KIND_HINT_WIZARD)
    assert all("étape Colonnes" in c.errors[0].message and "--kind" not in c.errors[0].message
               for c in wizard)
    neutral = prepared_file(path)
    assert all("--kind" not in c.errors[0].message and "défaut" not in c.errors[0].message
               for c in neutral)
