"""The gazetteer: lookups, what officers type, memberships, the région outline."""
from __future__ import annotations

import pytest

from eco_desktop.geo import Commune, Gazetteer, gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return gazetteer()


def test_gazetteer_is_cached():
    assert gazetteer() is gazetteer()


def test_by_insee(gaz):
    evry = gaz.by_insee("91228")
    assert isinstance(evry, Commune)
    assert evry.name == "Évry-Courcouronnes"
    assert evry.departement == "91"
    assert "91000" in evry.postcodes
    assert gaz.by_insee("99999") is None
    assert gaz.by_insee(None) is None


def test_old_codes_resolve_to_absorbing_commune(gaz):
    assert gaz.by_insee("91182").insee == "91228"      # Courcouronnes
    assert gaz.by_insee("78524").insee == "78158"      # Rocquencourt -> Le Chesnay-Rocquencourt
    assert "91182" in gaz.by_insee("91228").old_codes


def test_paris_as_a_whole_has_a_position(gaz):
    paris = gaz.by_insee("75056")
    assert paris.name == "Paris"
    assert 48.80 < paris.lat < 48.91 and 2.25 < paris.lon < 2.42
    assert paris.mgp


def test_by_postcode(gaz):
    assert [c.insee for c in gaz.by_postcode("91000")] == ["91228"]
    assert [c.insee for c in gaz.by_postcode("75013")] == ["75113"]
    assert {c.insee for c in gaz.by_postcode("75116")} == {"75116"}
    assert {c.name for c in gaz.by_postcode("91940")} >= {"Les Ulis"}
    assert [c.insee for c in gaz.by_postcode("69003")] == ["69383"]   # Lyon 3e, outside IDF
    assert gaz.by_postcode("abc") == []


@pytest.mark.parametrize("commune, postcode, expected", [
    ("EVRY COURCOURONNES", None, "91228"),
    ("Évry-Courcouronnes", None, "91228"),
    ("Evry", "91000", "91228"),
    ("Evry", None, "91228"),
    ("Courcouronnes", None, "91228"),
    ("Paris 13e", None, "75113"),
    ("Paris 13", None, "75113"),
    ("PARIS 13EME ARRONDISSEMENT", None, "75113"),
    ("Paris 1er", None, "75101"),
    ("Paris XIII", None, "75113"),
    ("PARIS", "75013", "75113"),
    ("Paris", "75116", "75116"),
    ("PARIS", None, "75056"),
    ("Gif sur Yvette", None, "91272"),
    ("GIF-SUR-YVETTE", "91190", "91272"),
    ("St-Denis", None, "93066"),
    ("Saint Denis", None, "93066"),
    ("Boulogne", "92100", "92012"),
    (None, "91000", "91228"),
    (None, "75013", "75113"),
    ("Les Ulis", None, "91692"),
    ("Ulis", None, "91692"),
    ("LES ULIS", "91940", "91692"),
    ("Le Kremlin Bicetre", None, "94043"),
    ("Kremlin-Bicêtre", "94270", "94043"),
    ("L'Hay les Roses", None, "94038"),
    ("Ivry s/ Seine", None, "94041"),
    ("Paris cedex 15", "75740", "75115"),
    ("75740 Paris cedex 15", None, "75115"),
    ("Massy cedex", "91742", "91377"),
    ("Gif-sur-Yvete", None, "91272"),           # typo, close match
    ("Evry Courcouronne", None, "91228"),
    ("Villejuif", "94800", "94076"),
])
def test_match_what_officers_type(gaz, commune, postcode, expected):
    found = gaz.match(commune, postcode)
    assert found is not None, (commune, postcode)
    assert found.insee == expected


@pytest.mark.parametrize("commune, postcode", [
    (None, None),
    ("", ""),
    ("Marolles-en-Brie", None),      # one in 77, one in 94
    (None, "91940"),                 # several communes share it
    ("Saint", None),
    ("Valence", None),               # one in 26, one in 82: never Valence-en-Brie
    ("Paris", "91000"),
    ("Orsay", "75013"),              # name and postcode disagree on the département
])
def test_match_returns_none_when_unsure(gaz, commune, postcode):
    assert gaz.match(commune, postcode) is None


def test_match_disambiguates_by_postcode(gaz):
    assert gaz.match("Marolles-en-Brie", "94440").insee == "94048"
    assert gaz.match("Marolles en Brie", "77120").insee == "77278"


def test_memberships(gaz):
    evry = gaz.by_insee("91228")
    assert not evry.mgp
    assert evry.ept is None
    assert evry.epci_name == "CA Grand Paris Sud Seine Essonne Sénart"
    assert gaz.epcis()[evry.epci] == evry.epci_name

    villejuif = gaz.match("Villejuif")
    assert villejuif.mgp
    assert villejuif.ept_name == "Grand-Orly Seine Bièvre"
    assert villejuif.epci_name == "Métropole du Grand Paris"

    ulis = gaz.match("Les Ulis")
    assert not ulis.mgp
    assert "Paris-Saclay" in ulis.epci_name

    arr = gaz.match("Paris 13e")
    assert arr.mgp and arr.departement == "75"
    assert arr.name == "Paris 13e Arrondissement"
    assert arr.is_arrondissement and not gaz.by_insee("75056").is_arrondissement


def test_lists(gaz):
    deps = gaz.departements()
    assert deps["91"] == "Essonne" and len(deps) == 8
    assert len(gaz.epts()) == 11
    assert "Plaine Commune" in gaz.epts().values()
    assert "Métropole du Grand Paris" in gaz.epcis().values()
    assert gaz.is_idf_departement("93")
    assert gaz.is_idf_departement(" 75 ")
    assert not gaz.is_idf_departement("69")
    assert not gaz.is_idf_departement(None)


def test_inside_idf(gaz):
    assert gaz.inside_idf(48.8566, 2.3522)          # Paris
    assert gaz.inside_idf(48.6268, 2.4301)          # Évry
    assert not gaz.inside_idf(45.7640, 4.8357)      # Lyon
    assert not gaz.inside_idf(49.4944, 0.1079)      # Le Havre
    assert not gaz.inside_idf(49.4, 2.0)            # Beauvais area, just north
    assert not gaz.inside_idf(None, 2.3)


def test_completions_by_postcode(gaz):
    rows = gaz.completions("9194")
    assert rows and all(pc.startswith("9194") for pc, _ in rows)
    assert ("91940", gaz.by_insee("91692")) in rows
    assert len(gaz.completions("9", limit=5)) == 5


def test_completions_by_name(gaz):
    rows = gaz.completions("evry")
    assert rows[0] == ("91000", gaz.by_insee("91228"))
    assert ("91080", gaz.by_insee("91228")) in rows
    paris = gaz.completions("paris", limit=3)
    assert [pc for pc, _ in paris] == ["75001", "75002", "75003"]
    assert [c.insee for _, c in gaz.completions("ulis")] == ["91692"]
    assert any(c.insee == "91228" for _, c in gaz.completions("courcour"))  # former name
    assert gaz.completions("") == []


# -- every commune of France -------------------------------------------------------------------

@pytest.mark.parametrize("commune, postcode, expected", [
    # Names that look like an Île-de-France commune's stay in their own département.
    ("Valence", "26000", "26362"),              # not Valence-en-Brie (77)
    ("LIMOGES", "87000", "87085"),              # not Limoges-Fourches (77)
    ("Saint-Denis", "97400", "97411"),          # La Réunion, not Saint-Denis (93)
    ("Vienne", "38200", "38544"),               # not Vienne-en-Arthies (95)
    ("Colombe", "38690", "38118"),              # not Colombes (92)
    ("CHAMBERY", "73000", "73065"),             # not Chambry (77)
    ("Colombe", None, "38118"),                 # a name alone that is exactly a commune's
    ("Chambéry", None, "73065"),
    ("Lyon", "69003", "69383"),                 # the arrondissement of its postcode
    ("Lyon", None, "69123"),
    ("Ajaccio", "20000", "2A004"),              # Corsica: 20000 is in Corse-du-Sud
    ("Bastia", "20200", "2B033"),
    ("GRENOBLE CEDEX 9", "38042", "38185"),     # CEDEX: the name within the postcode's département
    ("Grenoble", "38042", "38185"),
    (None, "26000", "26362"),
    ("Chambery cedex", "73011", "73065"),
])
def test_match_outside_idf(gaz, commune, postcode, expected):
    found = gaz.match(commune, postcode)
    assert found is not None, (commune, postcode)
    assert found.insee == expected
    assert not found.in_idf and not found.mgp
    assert found.lat is not None


@pytest.mark.parametrize("commune, postcode", [
    ("Valence-en-Brie", "26000"),   # an IDF name with a Drôme postcode: not moved to 77
    ("Colombes", "38690"),
    ("Saint-Denis", "97499"),       # unknown CEDEX-like code of 974: no 93 fallback
    ("Evry", "89000"),              # Évry (89) is not at Auxerre's postcode... nor in 91
])
def test_a_name_never_moves_a_row_to_another_departement(gaz, commune, postcode):
    found = gaz.match(commune, postcode)
    dep = gaz.postcode_departement(postcode)
    assert found is None or found.departement == dep


def test_by_insee_knows_all_france(gaz):
    assert gaz.by_insee("97411").name == "Saint-Denis"
    assert gaz.by_insee("97411").departement == "974"
    assert gaz.by_insee("2A004").departement == "2A"
    assert gaz.by_insee("2a004").name == "Ajaccio"
    assert gaz.by_insee("26362").name == "Valence"
    assert gaz.by_insee("69232").insee == "69123"           # former code of a merged commune
    assert gaz.by_insee("99132") is None                    # a foreign country's code
    assert gaz.by_insee("1001").insee == "01001"            # leading zero lost by a spreadsheet


def test_split_communes_and_their_postcodes(gaz):
    assert gaz.by_insee_and_postcode("75056", "75013").insee == "75113"
    assert gaz.by_insee_and_postcode("69123", "69003").insee == "69383"
    assert gaz.by_insee_and_postcode("13055", "13013").insee == "13213"
    assert gaz.by_insee_and_postcode("13055", None).insee == "13055"
    assert gaz.by_insee_and_postcode("38185", "38000").insee == "38185"


@pytest.mark.parametrize("postcode, dep", [
    ("26000", "26"), ("20000", "2A"), ("20167", "2A"), ("20200", "2B"), ("20600", "2B"),
    ("97400", "974"), ("97499", "974"), ("97600", "976"), ("97100", "971"), ("91742", "91"),
    ("75634", "75"), ("1000", "01"),
])
def test_postcode_departement(gaz, postcode, dep):
    assert gaz.postcode_departement(postcode) == dep


def test_departement_names(gaz):
    assert gaz.departement_name("91") == "Essonne"
    assert gaz.departement_name("974") == "La Réunion"
    assert gaz.departement_name("2A") == "Corse-du-Sud"
    assert gaz.departement_name("") == ""


def test_france_is_read_only_when_needed():
    fresh = Gazetteer()
    assert fresh.match("Evry", "91000").insee == "91228"
    assert fresh.by_insee("91228") and fresh.by_postcode("75013")
    assert not fresh.france_loaded          # an Île-de-France lookup never reads it
    assert fresh.by_insee("26362").name == "Valence"
    assert fresh.france_loaded


def test_france_resource_is_small_and_complete():
    import gzip
    import json

    from eco_desktop import paths
    from eco_desktop.geo import departement_of_code
    path = paths.resource("communes-france.json.gz")
    assert path.stat().st_size < 1_500_000
    with path.open("rb") as raw, gzip.open(raw) as fh:
        data = json.load(fh)
    rows = data["communes"]
    idf = [r for r in gazetteer().communes if r.departement in ("75", "77", "78", "91", "92",
                                                                  "93", "94", "95")]
    # Every current commune of France (34,969) and the 45 arrondissements, IDF's included.
    assert len(rows) + len(idf) == 34_969 + 45
    assert len(data["departements"]) >= 101
    for code, _name, dep, _pcs, lat, lon, _kind, _old, _names in rows:
        assert departement_of_code(code) == dep
        assert dep not in ("75", "77", "78", "91", "92", "93", "94", "95")
        if lat is not None and len(dep) == 2:     # metropolitan France and Corsica
            assert 41.3 < lat < 51.2 and -5.2 < lon < 9.6, code
    assert sum(1 for r in rows if r[4] is None) <= 12
