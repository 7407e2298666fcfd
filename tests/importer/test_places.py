"""importer/places.py: where an imported row is."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eco_desktop.importer import Mapping, prepare, read_table
from eco_desktop.importer.places import parse_lat_lon


SIRENE = ["siren", "siret", "denominationUniteLegale", "codePostalEtablissement",
          "libelleCommuneEtablissement", "codeCommuneEtablissement",
          "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement",
          "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement"]


def _prepare(tmp_path: Path, headers: list[str], rows: list[list[str]]):
    path = tmp_path / "file.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    table = read_table(path)
    candidates = prepare(table, Mapping.auto(table.headers), default_kind="biotech")
    assert all(c.ok for c in candidates), [c.messages() for c in candidates]
    return [c.data for c in candidates]


def _sirene(name, postcode, commune, insee, country_code="", country="", x="", y=""):
    return ["", "", name, postcode, commune, insee, country_code, country, x, y]


# The six moves the importer used to make (issue 16): each row gives its INSEE code.
WRONG_MOVES = [
    ("Valence", "26000", "26362", "26", "77"),          # not Valence-en-Brie
    ("LIMOGES", "87000", "87085", "87", "77"),          # not Limoges-Fourches
    ("SAINT-DENIS", "97400", "97411", "974", "93"),     # not Saint-Denis (93)
    ("VIENNE", "38200", "38544", "38", "95"),           # not Vienne-en-Arthies
    ("COLOMBE", "38690", "38118", "38", "92"),          # not Colombes
    ("CHAMBERY", "73000", "73065", "73", "77"),         # not Chambry
]


@pytest.mark.parametrize("commune, postcode, insee, dep, wrong_dep", WRONG_MOVES)
@pytest.mark.parametrize("give_insee", [True, False])
def test_rows_outside_idf_stay_in_their_departement(tmp_path, commune, postcode, insee, dep,
                                                    wrong_dep, give_insee):
    [data] = _prepare(tmp_path, SIRENE,
                      [_sirene("Boulangerie", postcode, commune, insee if give_insee else "")])
    assert data["insee_code"] == insee
    assert data["departement"] == dep != wrong_dep
    assert data["outside_idf"] is True and data["mgp"] is False
    assert data["geo_precision"] == "commune" and data["lat"] and data["lon"]


def test_insee_code_is_authoritative_over_the_name(tmp_path):
    # A commune column that names an Île-de-France commune does not move the row.
    [data] = _prepare(tmp_path, ["Nom", "Commune", "Code commune"],
                      [["Labo", "Colombes", "38118"]])
    assert (data["insee_code"], data["commune"], data["departement"]) == (
        "38118", "Colombe", "38")


def test_a_name_alone_never_crosses_its_postcodes_departement(tmp_path):
    # Chambry (77) is the nearest Île-de-France name; the postcode says Savoie.
    [data] = _prepare(tmp_path, ["Nom", "Code postal", "Ville"],
                      [["Labo", "73099", "Chambryy"]])
    assert data.get("departement") == "73"
    assert data["outside_idf"] is True
    assert data.get("insee_code", "") in ("", "73065")


def test_idf_rows_and_cedex_as_before(tmp_path):
    rows = _prepare(tmp_path, ["Nom", "Code postal", "Commune"], [
        ["A", "75634", "PARIS CEDEX 13"],
        ["B", "91000", "EVRY COURCOURONNES"],
        ["C", "91190", "Gif sur Yvette"],
        ["D", "38042", "GRENOBLE CEDEX 9"],
    ])
    assert [r["insee_code"] for r in rows] == ["75113", "91228", "91272", "38185"]
    assert [r["outside_idf"] for r in rows] == [False, False, False, True]
    assert rows[0]["mgp"] is True


def test_paris_lyon_marseille_codes_with_a_postcode_give_the_arrondissement(tmp_path):
    rows = _prepare(tmp_path, ["Nom", "Code postal", "Code INSEE"], [
        ["A", "75013", "75056"], ["B", "69003", "69123"], ["C", "13013", "13055"]])
    assert [r["insee_code"] for r in rows] == ["75113", "69383", "13213"]


def test_corsica_and_overseas(tmp_path):
    rows = _prepare(tmp_path, ["Nom", "Code postal", "Commune"], [
        ["A", "20000", "AJACCIO"], ["B", "20200", "BASTIA"], ["C", "97200", "Fort-de-France"],
        ["D", "97600", "Mamoudzou"], ["E", "97300", "Cayenne"]])
    assert [r["departement"] for r in rows] == ["2A", "2B", "972", "976", "973"]
    assert [r["insee_code"] for r in rows] == ["2A004", "2B033", "97209", "97611", "97302"]
    assert all(r["outside_idf"] for r in rows)


def test_foreign_address_is_outside_idf_without_a_french_commune(tmp_path):
    path_rows = [_sirene("Acme Ltd", "", "LONDRES", "", "99132", "ROYAUME-UNI"),
                 _sirene("Autre", "", "MONTREAL", "99401",      # a country's INSEE code
                         x="658800.6", y="6836013.6")]          # in no French projection
    candidates_data = _prepare(tmp_path, SIRENE, path_rows)
    for data in candidates_data:
        assert data["outside_idf"] is True
        assert not data.get("insee_code") and not data.get("departement")
        assert data.get("lat") is None and not data.get("geo_precision")
    assert candidates_data[0]["commune"] == "LONDRES (ROYAUME-UNI)"


def test_foreign_row_is_reported_not_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Nom;Ville;Pays\nAcme;Berlin;Allemagne\nBio;Lyon;France\n",
                    encoding="utf-8")
    table = read_table(path)
    first, second = prepare(table, Mapping.auto(table.headers), default_kind="biotech")
    assert first.ok and any("étranger (Allemagne)" in w.message for w in first.warnings)
    assert second.data["insee_code"] == "69123"      # France is not abroad


def test_lambert93_position_is_converted(tmp_path):
    # A point of the Genopole campus at Évry, in Lambert-93.
    [data] = _prepare(tmp_path, SIRENE, [
        _sirene("Labo", "91000", "EVRY-COURCOURONNES", "91228", x="658800,6", y="6836013.6")])
    assert data["geo_precision"] == "address"
    assert data["lat"] == pytest.approx(48.6230, abs=1e-4)
    assert data["lon"] == pytest.approx(2.4410, abs=1e-4)
    assert data["outside_idf"] is False


def test_overseas_coordinates_use_their_own_projection(tmp_path):
    rows = _prepare(tmp_path, SIRENE, [
        # Saint-Denis (La Réunion), RGR92 / UTM 40S
        _sirene("A", "97400", "SAINT-DENIS", "97411", x="338777.8", y="7689248.6"),
        # Fort-de-France (Martinique), RGAF09 / UTM 20N
        _sirene("B", "97200", "FORT-DE-FRANCE", "97209", x="709096.3", y="1616759.7"),
        # Saint-Pierre-et-Miquelon: no projection known, the commune's centre is kept
        _sirene("C", "97500", "SAINT-PIERRE", "97502", x="563000", y="5180000"),
    ])
    assert rows[0]["geo_precision"] == "address"
    assert (rows[0]["lat"], rows[0]["lon"]) == (pytest.approx(-20.89, abs=1e-3),
                                               pytest.approx(55.45, abs=1e-3))
    assert rows[1]["geo_precision"] == "address"
    assert (rows[1]["lat"], rows[1]["lon"]) == (pytest.approx(14.6161, abs=1e-3),
                                               pytest.approx(-61.0588, abs=1e-3))
    assert rows[2]["geo_precision"] == "commune"


def test_lat_lon_column(tmp_path):
    rows = _prepare(tmp_path, ["Nom", "Code postal", "Commune", "geolocalisation"], [
        ["A", "91000", "Evry", "48.6230, 2.4410"],
        ["B", "91000", "Evry", "[48.6230,2.4410]"],
    ])
    for data in rows:
        assert (data["lat"], data["lon"], data["geo_precision"]) == (48.623, 2.441, "address")


def test_latitude_longitude_columns(tmp_path):
    [data] = _prepare(tmp_path, ["Nom", "Code postal", "Commune", "Latitude", "Longitude"],
                      [["A", "38000", "Grenoble", "45,1885", "5,7245"]])
    assert (data["lat"], data["lon"], data["geo_precision"]) == (45.1885, 5.7245, "address")
    assert data["departement"] == "38"


def test_a_position_far_from_its_commune_gives_way_to_the_commune(tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("Nom,Code postal,Commune,Latitude,Longitude\n"
                    "A,91000,Evry,45.1885,5.7245\n", encoding="utf-8")   # Grenoble's
    table = read_table(path)
    [candidate] = prepare(table, Mapping.auto(table.headers), default_kind="biotech")
    assert candidate.data["geo_precision"] == "commune"
    assert candidate.data["lat"] == pytest.approx(48.63, abs=0.05)
    assert any("km de Évry-Courcouronnes" in w.message for w in candidate.warnings)


def test_outside_idf_warning_names_the_place(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("Nom,Code commune\nA,26362\n", encoding="utf-8")
    table = read_table(path)
    [candidate] = prepare(table, Mapping.auto(table.headers), default_kind="biotech")
    messages = [w.message for w in candidate.warnings if w.field == "outside_idf"]
    assert messages == ["Hors Île-de-France : Valence (26 Drôme)."]


@pytest.mark.parametrize("text, expected", [
    ("48.62, 2.44", (48.62, 2.44)), ("48,62;2,44", (48.62, 2.44)),
    ("[48.62, 2.44]", (48.62, 2.44)), ("-20.9 55.4", (-20.9, 55.4)),
    ("abc", None), ("95, 2", None), ("", None),
])
def test_parse_lat_lon(text, expected):
    assert parse_lat_lon(text) == expected


def test_imported_outside_rows_are_stored_outside(tmp_path, catalogue):
    from eco_desktop.importer import apply_import, plan_import
    path = tmp_path / "s.csv"
    path.write_text("Nom,Type,Code postal,Commune,Code commune\n"
                    "Boulangerie de Valence,Biotech,26000,VALENCE,26362\n", encoding="utf-8")
    apply_import(catalogue, plan_import(catalogue, path))
    [actor] = [a for a in catalogue.actors() if a["name"] == "Boulangerie de Valence"]
    assert (actor["insee_code"], actor["departement"], actor["outside_idf"]) == (
        "26362", "26", True)


def test_benchmarks_national_file_is_spread_over_france(tmp_path, catalogue):
    from eco_desktop.bench.import_figures import write_national_csv
    path = tmp_path / "national.csv"
    write_national_csv(catalogue, path, 600)
    table = read_table(path)
    candidates = prepare(table, Mapping.auto(table.headers))
    assert len(candidates) == 600 and all(c.ok for c in candidates)
    data = [c.data for c in candidates]
    outside = [d for d in data if d["outside_idf"]]
    abroad = [d for d in outside if not d.get("departement")]
    overseas = [d for d in outside if len(d.get("departement", "")) == 3]
    assert len(outside) == 402                      # two thirds
    assert len(abroad) + len(overseas) == 30        # 5 %
    assert all(d["departement"] == d["insee_code"][:len(d["departement"])]
               for d in outside if d.get("insee_code"))


def test_coordinates_that_cannot_be_converted_leave_the_commune_centre(tmp_path, monkeypatch):
    from eco_desktop.importer import places

    def broken(crs):
        raise RuntimeError("proj.db introuvable")
    monkeypatch.setattr(places, "_transformer", broken)
    [data] = _prepare(tmp_path, SIRENE, [
        _sirene("Labo", "91000", "EVRY-COURCOURONNES", "91228", x="658800.6", y="6836013.6")])
    assert data["geo_precision"] == "commune" and data["insee_code"] == "91228"


def test_research_lists_places(tmp_path):
    # RNSR writes CEDEX offices and two places in one cell, and officers lose zeros.
    rows = _prepare(tmp_path, ["Nom", "code_postal", "commune"], [
        ["Lab A", "91191", "GIF SUR YVETTE CEDEX - ST AUBIN"],   # office, then commune
        ["Lab B", "77454", "MARNE LA VALLEE CEDEX 2 - CHAMPS SUR MARNE"],
        ["Lab C", "67401", "ILLKIRCH CEDEX - ILLKIRCH GRAFFENSTADEN"],
        ["Lab D", "9401", "Créteil"],          # 94010 with a digit lost, not Ariège (09)
        ["Lab E", "00186", "ROME"],            # a foreign postcode: no département
        ["Lab F", "1000", "Bourg-en-Bresse"],  # 01000 whose zero a spreadsheet dropped
    ])
    assert [r.get("insee_code", "") for r in rows] == [
        "91538", "77083", "67218", "94028", "", "01053"]
    assert rows[3]["departement"] == "94" and rows[3]["outside_idf"] is False
    assert not rows[4].get("departement") and rows[4]["outside_idf"] is False
    assert rows[5]["postcode"] == "01000"
