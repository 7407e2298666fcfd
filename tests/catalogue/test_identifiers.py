"""SIREN and SIRET typed with spaces, dots or dashes, and their beginnings while typing."""
import sqlite3

import pytest

from eco_desktop.catalogue.identifiers import TypedIdentifier, typed_identifiers

CELLECTIS_SIREN = "428859052"
CELLECTIS_SIRET = "42885905200014"   # a valid key for Cellectis' SIREN (python-stdnum)


@pytest.mark.parametrize("typed, kind, digits", [
    ("428 859 052", "siren", CELLECTIS_SIREN),
    ("428.859.052", "siren", CELLECTIS_SIREN),
    ("428-859-052", "siren", CELLECTIS_SIREN),
    ("428\u00a0859\u202f052", "siren", CELLECTIS_SIREN),
    ("428859052", "siren", CELLECTIS_SIREN),
    ("428.859.052.00014", "siret", CELLECTIS_SIRET),
    ("428 859 052 00014", "siret", CELLECTIS_SIRET),
    ("428 859 052 000 14", "siret", CELLECTIS_SIRET),   # any grouping of a valid number
    ("428 8590 52", "siren", CELLECTIS_SIREN),
    ("42885905200014", "siret", CELLECTIS_SIRET),
    ("356 000 000 00048", "siret", "35600000000048"),   # La Poste: its own key rule
    ("428 859", "prefix", "428859"),                    # being typed
    ("428 859 05", "prefix", "42885905"),
    ("428 859 052 000", "prefix", "428859052000"),
    ("428 859 053", "prefix", "428859053"),             # wrong key: still the layout of one
])
def test_numbers_as_people_type_them(typed, kind, digits):
    [found] = typed_identifiers(f"Cellectis {typed} Paris")
    assert (found.kind, found.digits, found.typed) == (kind, digits, typed)
    assert f"Cellectis {typed} Paris"[found.start:found.end] == typed


@pytest.mark.parametrize("typed", [
    "75 013", "91000 Évry", "2021 2022", "1 2 3", "428", "A428859052", "428859052B",
    "428 8590 53", "428 859 052 000289", "", None,
])
def test_other_numbers_are_left_to_the_word_search(typed):
    assert typed_identifiers(typed) == []


def test_several_in_one_text():
    found = typed_identifiers("428 859 052 ou 843.629.940")
    assert [(f.kind, f.digits) for f in found] == [("siren", "428859052"), ("siren", "843629940")]


def test_a_siret_also_searches_its_siren():
    [siret] = typed_identifiers("428 859 052 00014")
    assert siret.siren == CELLECTIS_SIREN
    assert siret.search_terms() == (CELLECTIS_SIRET, CELLECTIS_SIREN)
    [prefix] = typed_identifiers("428 85")
    assert prefix.siren is None and prefix.search_terms() == ("42885",)


def test_search_terms_on_fts5():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5 (names, body, facets, stems)")
    conn.executemany("INSERT INTO t (rowid, body, stems) VALUES (?, ?, '')", [
        (1, "cellectis 428859052"), (2, "cellectis site 42885905200071"), (3, "ipsirius 843629940")])

    def search(typed):
        [identifier] = typed_identifiers(typed)
        return {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (identifier.fts(),))}

    assert search("428 859 052") == {1, 2}
    assert search("428.859.052.00014") == {1, 2}   # another establishment of the same SIREN
    assert search("843 62") == {3}
    assert TypedIdentifier("prefix", "42", "4 2", 0, 3).fts() == '({names body facets} : "42"*)'
