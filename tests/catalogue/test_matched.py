"""Why an actor matched (issue 18): the words a search emphasises in a name, and where it
found an actor whose name does not say it (« trouvé dans : domaine Thérapie génique »)."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue.matched import Reading, found_in, tokens
from eco_desktop.catalogue.synonyms import bundled_synonyms
from eco_desktop.filter import Filter


def reading(text):
    labels = {("kind", "bioproduction"): "Bioproduction (CDMO, site de production)"}
    return Reading(text, lambda vocab, slug: labels.get((vocab, slug)), bundled_synonyms())


def emphasised(text, typed):
    return [text[start:start + length] for start, length in reading(typed).spans(text)]


def test_tokens_place_folded_words_in_the_text():
    found = tokens("L'Œuvre d'Évry-Courcouronnes")
    assert [t.word for t in found] == ["l", "oeuvre", "d", "evry", "courcouronnes"]
    assert [(t.start, t.end) for t in found] == [(0, 1), (2, 7), (8, 9), (10, 14), (15, 28)]
    assert found[1].length_of(2) == 1   # « oe » is the one letter « Œ »


@pytest.mark.parametrize("text, typed, expected", [
    ("Thérapie génique", "thér gén", ["Thér", "gén"]),               # prefixes as typed, accents
    ("Thérapie Génique", "THERAPIES GENIQUES", ["Thérapie", "Génique"]),  # stems: the whole word
    ("Institut de la Vision", "vision institut", ["Institut", "Vision"]),
    ("Œuvre commune", "oeu", ["Œu"]),
    ("Sous-traitant de production", "façonnier", ["Sous", "traitant", "de", "production"]),  # a synonym
    ("Genopole", "cellectis", []),
    ("<b>Gras</b> <img src=x>", "gras img", ["Gras", "img"]),         # markup is text
])
def test_spans_of_what_the_search_matches(text, typed, expected):
    assert emphasised(text, typed) == expected


def test_spans_are_kept_per_text():
    r = reading("gen")
    assert r.spans("Genopole") is r.spans("Genopole")
    assert not reading(" — ") and reading(" — ").spans("Genopole") == []


@pytest.mark.parametrize("typed, reasons", [
    ("thérapies géniques", ["domaine Thérapie génique"]),
    ("428 859 052", ["SIREN"]),
    ("42885905200014", ["SIREN"]),   # a SIRET searches its SIREN too
    ("cellectis", []),
    ("Collectis", ["autres noms « Collectis »"]),
])
def test_where_cellectis_was_found(catalogue, typed, reasons):
    cellectis = catalogue.actor_ids(Filter(text="Cellectis"))[0]
    assert cellectis in catalogue.actor_ids(Filter(text=typed)), typed
    assert catalogue.match_reasons(cellectis, typed) == reasons


def test_a_synonym_says_what_it_stands_for(catalogue):
    novasep = catalogue.actor_ids(Filter(text="Novasep"))[0]
    assert catalogue.match_reasons(novasep, "façonniers") == [
        "synonyme façonnier → Bioproduction (CDMO, site de production)"]
    assert catalogue.match_reasons(novasep, "CDMO") == ["type d'acteur Bioproduction (CDMO, site de production)"]
    assert catalogue.match_reasons(novasep, "novasep cdmo") == [
        "type d'acteur Bioproduction (CDMO, site de production)"]


def test_places_and_description(catalogue):
    genopole = catalogue.actor_ids(Filter(text="Genopole"))[0]
    assert catalogue.match_reasons(genopole, "Essonne")[0] == "département 91 Essonne"
    catalogue.update_actor(genopole, {"siret": "42885905200014"})
    assert catalogue.match_reasons(genopole, "428 859 052 00014") == ["SIRET"]
    assert catalogue.match_reasons(genopole, "Grand Paris Sud") == [
        "intercommunalité (EPCI) CA Grand Paris Sud Seine Essonne Sénart"]
    xentech = catalogue.actor_ids(Filter(text="Xentech"))[0]
    assert "description" in catalogue.match_reasons(xentech, "genopole")


def test_no_reasons_for_no_actor_or_no_text(catalogue):
    assert catalogue.match_reasons(10**6, "genopole") == []
    assert catalogue.match_reasons(catalogue.actor_ids()[0], "  ") == []


def test_found_in():
    assert found_in(["domaine Thérapie génique", "description"]) == (
        "trouvé dans : domaine Thérapie génique ; description")
    assert found_in([]) == ""
