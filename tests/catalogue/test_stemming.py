"""French word forms: the index side, the query side, and the two-column FTS5 layout
the module's docstring decides, checked on a real FTS5 table."""
import threading

import pytest
from fts_helpers import fts_of

from eco_desktop.catalogue.stemming import (IndexTerms, QueryTerm, index_terms, phrase_fts,
                                            query_terms, query_terms_of, stem, stem_words,
                                            stems_of_body)


@pytest.mark.parametrize("plural, singular", [
    ("thérapies géniques", "thérapie génique"),
    ("incubateurs", "incubateur"),
    ("biotechnologies", "biotechnologie"),
    ("cellulaires", "cellulaire"),
    ("vecteurs viraux", "vecteur viral"),
    ("biotechs", "biotech"),
])
def test_plural_and_singular_have_the_same_stems(plural, singular):
    assert index_terms(plural).stems == index_terms(singular).stems


def test_accents_typed_or_not_give_the_same_stems():
    assert index_terms("Pépinières").stems == index_terms("pepinieres").stems == "pepinier"


def test_index_terms_keep_folded_words_and_one_stem_each_in_order():
    terms = index_terms("Thérapies GÉNIQUES — Courtabœuf")
    assert terms == IndexTerms("therapies geniques courtaboeuf", "therap geniqu courtaboeuf")
    assert len(terms.body.split()) == len(terms.stems.split())
    assert stems_of_body(terms.body) == terms.stems


def test_empty_text():
    assert index_terms(None) == IndexTerms("", "")
    assert query_terms_of("  — ") == ()


def test_query_terms_and_their_fts():
    assert query_terms_of("Thérapies gén") == (QueryTerm("therapies", "therap"), QueryTerm("gen", "gen"))
    assert QueryTerm("therapies", "therap").fts() == '({names body facets} : "therapies"* OR stems : "therap")'
    assert query_terms(["cellulaires"]) == (QueryTerm("cellulaires", "cellulair"),)


def test_stem_and_stem_words_agree():
    assert stem_words(["incubateurs", "cellulaires"]) == [stem("incubateurs"), stem("cellulaires")]


def test_phrase_is_matched_on_stems():
    assert phrase_fts(["cellules", "souches"]) == 'stems : "cellul souch"'


def test_each_thread_has_its_own_stemmer():
    results = []
    threads = [threading.Thread(target=lambda: results.append(stem_words(["incubateurs"] * 1000)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [["incub"] * 1000] * 4


# -- the layout on FTS5 -------------------------------------------------------------

TEXTS = {
    1: "Yposkesi : thérapie génique, vecteurs viraux AAV",
    2: "Plateforme de thérapies cellulaires",
    3: "Incubateur de biotechnologies",
    4: "Laboratoire de produits thérapeutiques",
    5: "Cellules souches pluripotentes induites",
}


@pytest.fixture(scope="module")
def fts():
    yield from fts_of(TEXTS)


def search(fts, typed):
    return fts(" AND ".join(term.fts() for term in query_terms_of(typed)))


@pytest.mark.parametrize("typed, found", [
    ("thérapie génique", {1}),
    ("thérapies géniques", {1}),
    ("thér gén", {1}),           # prefixes as one types
    ("cellulaire", {2}),
    ("cellulaires", {2}),
    ("thérapie cellulaire", {2}),
    ("incubateurs", {3}),
    ("biotechnologie", {3}),
    ("viral", {1}),
    ("thérapie", {1, 2}),        # the stem is not a prefix: « thérapeutiques » is not found
    ("thérap", {1, 2, 4}),       # but a typed prefix is one
])
def test_typed_words_on_the_two_columns(fts, typed, found):
    assert search(fts, typed) == found


def test_a_phrase_matches_other_forms_in_order(fts):
    assert fts(phrase_fts("cellule souche pluripotente induite".split())) == {5}
    assert fts(phrase_fts("souche cellule".split())) == set()
