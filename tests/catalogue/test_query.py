"""Searching the bundled catalogue as officers type (issue 18): vocabulary labels, French
plurals, synonyms and acronyms, identifiers typed with spaces or dots, the order."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue.search import match_expression
from eco_desktop.filter import Filter
from eco_desktop.catalogue.synonyms import bundled_synonyms

GENE_THERAPY = {"ART-TG", "Cellectis", "Centre Meary", "GenSight Biologics", "Institut de la Vision", "Magenta",
                "Yposkesi"}

BUNDLED = bundled_synonyms()


def _names(cat, text):
    return [cat.get_actor(actor_id)["name"] for actor_id in cat.actor_ids(Filter(text=text))]


def test_the_domain_s_actors_are_found_by_its_label_and_its_plural(catalogue):
    with_domain = {catalogue.get_actor(i)["name"] for i in catalogue.actor_ids(Filter(domains=("gene_therapy",)))}
    assert with_domain == GENE_THERAPY
    for typed in ("thérapie génique", "thérapies géniques", "THERAPIES GENIQUES", "thér gén"):
        assert GENE_THERAPY <= set(_names(catalogue, typed)), typed


@pytest.mark.parametrize("typed, expected", [
    ("incubateurs", {"Genopole", "Biopark", "IPHE Paris-Saclay"}),   # plural of a kind's label
    ("biotechs", {"TreeFrog Therapeutics", "Cellectis"}),            # kind biotech, by stem
    ("CDMO", {"Novasep", "Yposkesi", "CellforCure"}),                # synonym of kind Bioproduction
    ("Essonne", {"Genopole", "Yposkesi"}),                           # département's name
    ("Grand Paris Sud", {"Genopole"}),                               # EPCI's name
])
def test_what_an_actor_is_finds_it(catalogue, typed, expected):
    assert expected <= set(_names(catalogue, typed))


@pytest.mark.parametrize("typed", ["428 859 052", "428859052", "428.859.052", "42885905200014",
                                   "428 859 052 00014", "428.859.052.00014", "428 859"])
def test_siren_and_siret_typed_with_spaces_or_dots(catalogue, typed):
    assert _names(catalogue, typed) == ["Cellectis"]


def test_car_t_and_its_synonyms(catalogue):
    actor_id = catalogue.create_actor({"name": "Lymphocytes SA", "kind": "biotech",
                                       "description": "Développe des lymphocytes CAR allogéniques."})
    for typed in ("CAR-T", "CAR T", "car-t", "cellules CAR-T", "lymphocytes car"):
        assert actor_id in catalogue.actor_ids(Filter(text=typed)), typed


def test_an_exact_name_comes_first_then_names_above_descriptions(catalogue):
    assert _names(catalogue, "Cellectis")[0] == "Cellectis"
    assert _names(catalogue, "genopole")[0] == "Genopole"
    first = catalogue.create_actor({"name": "Genopolex", "kind": "biotech"})
    described = catalogue.create_actor({"name": "Zz", "kind": "biotech", "description": "genopolex genopolex"})
    ranked = catalogue.actor_ids(Filter(text="genopolex"))
    assert ranked.index(first) < ranked.index(described)


def test_names_holding_the_words_typed_come_before_the_rest(catalogue):
    # BM25 alone put Cellectis (« gén… » all over its description and domains) above Genopole.
    ranked = _names(catalogue, "gén")
    assert max(ranked.index("Genopole"), ranked.index("GenSight Biologics")) < ranked.index("Cellectis")
    ranked = _names(catalogue, "institut vision")
    assert ranked[0] == "Institut de la Vision"


def test_a_renamed_label_is_searched_and_synonyms_follow_it(catalogue):
    catalogue.set_vocab_entry("kind", "bioproduction", label="Façonnage biologique")
    assert "Novasep" in _names(catalogue, "façonnage")
    assert "Novasep" in _names(catalogue, "CDMO")


def test_a_typo_finds_nothing_but_suggests_the_name(catalogue):
    assert _names(catalogue, "cellectiss") == []
    assert catalogue.suggestions("cellectiss")[0].candidate.apply == ("text", "Cellectis")
    assert catalogue.suggestions("genopol")[0].candidate.apply == ("text", "Genopole")
    assert catalogue.suggestions("thérapie génétiqe")[0].candidate.apply == ("facet", "domain", "gene_therapy")
    catalogue.delete_actors([catalogue.actor_ids(Filter(text="Cellectis"))[0]])
    assert ("text", "Cellectis") not in [s.candidate.apply for s in catalogue.suggestions("cellectiss")]


def test_match_expression_keeps_every_word_required():
    expression = match_expression("thér gén", lambda vocab, slug: None, BUNDLED)
    assert expression == ('({names body facets} : "ther"* OR stems : "ther") AND '
                          '({names body facets} : "gen"* OR stems : "gen")')
    assert match_expression(" — ", lambda vocab, slug: None, BUNDLED) is None
    # an identifier: its digits or its words, beside the rest of the query
    assert match_expression("Cellectis 428 859 052", lambda vocab, slug: None, BUNDLED) == (
        '(({names body facets} : "428859052"*) OR (({names body facets} : "428"* OR stems : "428") AND '
        '({names body facets} : "859"* OR stems : "859") AND ({names body facets} : "052"* OR stems : "052"))) '
        'AND ({names body facets} : "cellectis"* OR stems : "cellect")')
