"""importer/prepare.py: rows to candidates, the default kind proposed for a file."""
from __future__ import annotations

import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import Mapping, auto_map, prepare, proposed_default_kind, read_table
from eco_desktop.catalogue.kind_rules import default_rules

from import_helpers import fixture, new_catalogue, prepared, sirene_file, write_headed_csv


def test_prepare_cp1252_file():
    thera, cellgenes, vectoria = prepared("actors_cp1252.csv")
    assert thera.row_number == 4 and thera.ok and thera.warnings == []
    d = thera.data
    assert d["name"] == "BioThéra Paris"
    assert d["siret"] == "81234567600017" and d["siren"] == "812345676"  # spaces removed
    assert d["kind"] == "biotech"
    assert d["domains"] == ["gene_therapy", "vaccines"]
    assert d["activities"] == ["research"]
    assert d["website"] == "https://www.biothera.example"
    assert d["phone"] == "+33145678910"
    assert (d["insee_code"], d["commune"], d["departement"]) == (
        "75113", "Paris 13e Arrondissement", "75")
    assert d["mgp"] is True and d["outside_idf"] is False
    assert d["geo_precision"] == "commune" and d["lat"] and d["lon"]

    # an invalid e-mail is dropped with a warning, the row stays importable
    assert cellgenes.ok and "email" not in cellgenes.data
    assert [w.field for w in cellgenes.warnings] == ["email"]
    assert "pas-un-mail" in cellgenes.warnings[0].message
    assert cellgenes.data["kind"] == "iphe"
    assert cellgenes.data["insee_code"] == "91228"  # "EVRY COURCOURONNES"

    # outside IDF: kept and flagged; unknown domain kept as a tag; bad SIRET dropped
    assert vectoria.ok
    assert vectoria.data["outside_idf"] is True and vectoria.data["departement"] == "69"
    assert vectoria.data["tags"] == ["Nanobiotech"]
    assert vectoria.unmatched == {"domains": ["Nanobiotech"]}
    assert "siret" not in vectoria.data
    assert {w.field for w in vectoria.warnings} == {"domains", "outside_idf", "siret"}
    assert any("ligne 7" in m and "SIRET" in m for m in vectoria.messages())


def test_prepare_strict_turns_dropped_values_into_errors():
    _thera, cellgenes, vectoria = prepared("actors_cp1252.csv", strict=True)
    assert [e.field for e in cellgenes.errors] == ["email"]
    assert cellgenes.data["email"] == "pas-un-mail"  # not applied anyway
    assert "siret" in {e.field for e in vectoria.errors}


def test_prepare_formula_text_kept_literally():
    _vectoria, hospital, lab = prepared("actors_utf8_bom.csv")
    assert hospital.data["description"] == '=HYPERLINK("http://evil.example","clic")'
    assert hospital.data["kind"] == "hospital"
    assert hospital.data["insee_code"] == "75112"  # "Paris" + 75012
    assert lab.data["kind"] == "academic"


def test_prepare_xlsx_numbers_dates_and_sizes():
    helix, cellgenes, trap = prepared("actors_title_merged.xlsx")
    assert helix.data["siret"] == "44567890700038" and helix.data["siren"] == "445678907"
    assert helix.data["founded"] == 2012 and cellgenes.data["founded"] == 2015
    assert helix.data["size"] == "PME"          # 45 people
    assert helix.data["kind"] == "techprovider"
    assert cellgenes.data["kind"] == "iphe"     # "Pépinière"
    assert "website" not in trap.data             # '=HYPERLINK(…)' is not a site
    assert [w.field for w in trap.warnings] == ["website"]


def test_prepare_sirene_extract():
    rows = prepared("sirene_extract.csv", default_kind="biotech", source="SIRENE")
    thera, vectoria = rows
    assert thera.ok and vectoria.ok
    assert thera.data["name"] == "BIOTHERA PARIS"
    assert thera.data["aliases"] == ["BIOTHERA"]
    assert thera.data["naf"] == "72.11Z" and vectoria.data["naf"] == "72.11Z"
    assert thera.data["street"] == "12 Rue DE L ECLUSE"
    assert vectoria.data["street"] == "7 bis Avenue DE LA REPUBLIQUE"
    assert thera.data["insee_code"] == "75113" and vectoria.data["insee_code"] == "94076"
    assert thera.data["status"] == "active" and vectoria.data["status"] == "closed"
    # trancheEffectifsEtablissement is one site's headcount, not the firm's size
    assert "size" not in thera.data and thera.data["founded"] == 2016
    assert thera.data["kind"] == "biotech" and thera.defaults == {"kind", "source"}
    assert thera.data["source"] == "SIRENE"


def test_prepare_without_kind_is_an_error_unless_defaulted():
    rows = prepared("sirene_extract.csv")
    assert all(not c.ok and c.errors[0].field == "kind" for c in rows)


def test_prepare_requires_a_name_column():
    table = read_table(fixture("no_name_column.csv"))
    with pytest.raises(UserError, match="Aucune colonne ne correspond au nom de l'acteur"):
        prepare(table, auto_map(table.headers))


def test_prepare_missing_name_and_leading_quote_of_our_csv_export(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Nom;Type;Téléphone;Description\n;Biotech;;\n"
                    "Genopole;Pôle;'+33 1 60 87 83 00;'=1+1\n", encoding="utf-8")
    missing, genopole = prepare(read_table(path), Mapping.auto(["Nom", "Type", "Téléphone",
                                                                "Description"]))
    assert [e.field for e in missing.errors] == ["name"]
    assert genopole.ok
    assert genopole.data["phone"] == "+33160878300"
    assert genopole.data["description"] == "=1+1"


def test_prepared_candidates_are_accepted_by_the_store(tmp_path):
    catalogue = new_catalogue(tmp_path)
    vocabularies = {n: catalogue.vocabulary(n) for n in ("kind", "domain", "activity")}
    for name in ("actors_cp1252.csv", "actors_utf8_bom.csv", "actors_title_merged.xlsx",
                 "actors_utf16.txt"):
        table = read_table(fixture(name))
        for candidate in prepare(table, Mapping.auto(table.headers), vocabularies):
            assert candidate.ok, candidate.messages()
            created = catalogue.get_actor(catalogue.create_actor(candidate.data))
            assert created["name"] == candidate.data["name"]
            assert created["kind"] == candidate.data["kind"]
            assert created["status"] == "active"  # the store's default: no empty value sent
            assert created["insee_code"] == candidate.data.get("insee_code", "")
    catalogue.close()


def test_proposed_default_kind_for_the_wizard(tmp_path):
    table = read_table(sirene_file(tmp_path / "sirene.csv"))
    mapping = Mapping.auto(table.headers)
    assert proposed_default_kind(table, mapping, kind_rules=default_rules()) == "biotech"
    assert proposed_default_kind(table, mapping) is None        # no rules, no type column
    typed = read_table(write_headed_csv(tmp_path / "t.csv", ["Nom", "Type"],
                                 [["A", "Pôle"], ["B", "Cluster"], ["C", "Biotech"]]))
    assert proposed_default_kind(typed, Mapping.auto(typed.headers)) == "cluster"
