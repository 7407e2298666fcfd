"""Full-text search: folding (accents, ligatures, case, punctuation), prefixes,
aliases, contact names, result order, bounded queries and one query per refresh."""
from __future__ import annotations

import random
import re
import string
import time

import pytest

from eco_desktop.filter import Filter
from eco_desktop.catalogue.synonyms import bundled_synonyms
from eco_desktop.catalogue.search import (MAX_QUERY_CHARS, MAX_QUERY_WORDS, Query, actor_body, match_expression,
                                          parse_query)
from eco_desktop.catalogue import Catalogue
from eco_desktop.text import fold

CELLECTIS, GENOPOLE = 15, 20

BUNDLED = bundled_synonyms()


def names(cat, text: str, **kw) -> list[str]:
    return [a["name"] for a in cat.actors(Filter(text=text, **kw))]


def no_label(vocab: str, slug: str) -> None:
    return None


def test_match_expression_quotes_folded_words():
    assert match_expression("Thér  Gén", no_label, BUNDLED) == ('({names body facets} : "ther"* OR stems : "ther") AND '
                                                       '({names body facets} : "gen"* OR stems : "gen")')
    assert match_expression("  ", no_label, BUNDLED) is None
    assert match_expression("— ,;", no_label, BUNDLED) is None
    assert parse_query('"NEAR( a* OR').words == ("near", "a", "or")
    assert '"near"*' in match_expression('"NEAR( a* OR', no_label, BUNDLED)


def test_actor_body_is_folded():
    body = actor_body({"name": "Parc de Courtabœuf", "aliases": '["ZA"]', "description": "Thérapie GÉNIQUE",
                       "commune": "Les Ulis", "tags": ["saclay"], "siren": "", "siret": "", "postcode": "91940"},
                      ["Émilie Lagardère"])
    assert body == "parc de courtaboeuf za therapie genique les ulis saclay 91940 emilie lagardere"


def test_courtaboeuf_finds_courtaboeuf_with_ligature(catalogue):
    assert "Parc d'activités de Courtabœuf" in names(catalogue, "courtaboeuf")
    assert "Parc d'activités de Courtabœuf" in names(catalogue, "COURTABŒUF")
    assert "Parc d'activités de Courtabœuf" in names(catalogue, "Courtabœuf")


def test_genetique_finds_genetique(catalogue):
    actor_id = catalogue.create_actor({"name": "Labo X", "kind": "academic",
                                       "description": "Recherche en thérapie génétique."})
    assert catalogue.actor_ids(Filter(text="genetique")) == [actor_id]
    assert catalogue.actor_ids(Filter(text="GÉNÉTIQUE")) == [actor_id]


def test_prefixes(catalogue):
    found = names(catalogue, "thér gén")
    assert {"ART-TG", "GenSight Biologics", "Centre Meary"} <= set(found)
    # every word must match (AND), each as a prefix
    assert set(found) >= set(names(catalogue, "thérapie génique"))
    assert names(catalogue, "thér zzz") == []


def test_alias(catalogue):
    assert names(catalogue, "collectis") == ["Cellectis"]
    assert catalogue.get_actor(CELLECTIS)["aliases"] == ["Collectis"]


def test_punctuation_and_case(catalogue):
    assert "ART-TG" in names(catalogue, "art-tg")
    assert "ART-TG" in names(catalogue, "ART TG")
    assert "Genopole" in names(catalogue, "  GENOPOLE!! ")


@pytest.mark.parametrize("text", ['"', "NEAR(", "a OR b", "*", "genopole AND", "-x", "(", "^"])
def test_odd_input_never_fails(catalogue, text):
    catalogue.actor_ids(Filter(text=text))


def test_blank_search_is_no_search(catalogue):
    assert catalogue.actor_ids(Filter(text="  ;  ")) == catalogue.actor_ids()


def test_searchable_fields(empty_catalogue):
    cat = empty_catalogue
    actor_id = cat.create_actor({"name": "Alpha", "kind": "biotech", "aliases": ["Bêta"],
                                 "description": "Gamma", "commune": "Évry-Courcouronnes", "postcode": "91000", "tags": ["delta"],
                                 "siren": "732829320"})
    for text in ("alpha", "beta", "gamma", "evry", "courcouronnes", "delta", "732829320", "91000"):
        assert cat.actor_ids(Filter(text=text)) == [actor_id], text
    cat.update_actor(actor_id, {"description": "Epsilon"})
    assert cat.actor_ids(Filter(text="gamma")) == []
    assert cat.actor_ids(Filter(text="epsilon")) == [actor_id]


def test_contact_names_searchable(catalogue):
    cid = catalogue.add_contact(GENOPOLE, {"first_name": "Émilie", "last_name": "Lagardère"})
    assert names(catalogue, "lagardere") == ["Genopole"]
    assert names(catalogue, "emilie lag") == ["Genopole"]
    catalogue.update_contact(cid, {"last_name": "Nguyễn"})
    assert names(catalogue, "lagardere") == []
    assert names(catalogue, "nguyen") == ["Genopole"]
    catalogue.update_contact(cid, {"actor_id": CELLECTIS})      # moved to another actor
    assert names(catalogue, "nguyen") == ["Cellectis"]
    catalogue.delete_contact(cid)
    assert names(catalogue, "nguyen") == []
    catalogue.undo()
    assert names(catalogue, "nguyen") == ["Cellectis"]


def test_trash_and_search(catalogue):
    catalogue.delete_actors([CELLECTIS])
    assert names(catalogue, "collectis") == []
    assert names(catalogue, "collectis", only_deleted=True) == ["Cellectis"]
    catalogue.restore_actors([CELLECTIS])
    assert names(catalogue, "collectis") == ["Cellectis"]


def test_relevance_order_when_searching(empty_catalogue):
    cat = empty_catalogue
    weak = cat.create_actor({"name": "Aaa", "kind": "biotech",
                             "description": "Une longue description qui parle de beaucoup de choses, "
                                            "dont une seule fois de vecteurs, parmi d'autres sujets variés."})
    strong = cat.create_actor({"name": "Zzz Vecteurs", "kind": "biotech", "tags": ["vecteurs"],
                               "description": "Vecteurs viraux."})
    assert cat.actor_ids(Filter(text="vecteurs")) == [strong, weak]
    # and by name when not searching
    assert cat.actor_ids() == [weak, strong]


def test_name_order_otherwise(empty_catalogue):
    cat = empty_catalogue
    for name in ("foxtrot", "Élan", "delta", "Écho", "alpha", "Bravo", "œuvre"):
        cat.create_actor({"name": name, "kind": "biotech"})
    assert [a["name"] for a in cat.actors()] == ["alpha", "Bravo", "delta", "Écho", "Élan", "foxtrot", "œuvre"]
    # a facet filter keeps the name order
    assert [a["name"] for a in cat.actors(Filter(kinds=("biotech",)))] == sorted(
        (a["name"] for a in cat.actors()), key=fold)


def test_genopole_first_on_bundled_dataset(catalogue):
    assert names(catalogue, "genopole")[0] == "Genopole"


# --------------------------------------------------------------------------- bounded queries

def random_words(n: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(n)]


def test_repeated_words_and_words_another_extends_are_dropped():
    assert parse_query("texte " * 150).words == ("texte",)
    assert parse_query("Génopole GENOPOLE genopole").words == ("genopole",)
    assert parse_query("gen genopole ge").words == ("genopole",)      # genopole* implies gen* and ge*
    assert parse_query("genopole gen").words == ("genopole",)
    assert parse_query("thér gén thérapie").words == ("gen", "therapie")
    assert parse_query("Évry évry") == Query(("evry",))


def test_a_query_is_capped_in_words_and_characters():
    words = random_words(10_000)
    query = parse_query(" ".join(words))
    assert query.truncated
    assert 0 < len(query.words) <= MAX_QUERY_WORDS
    assert len(" ".join(query.words)) <= MAX_QUERY_CHARS
    assert set(query.words) <= set(words[:4 * MAX_QUERY_WORDS])    # the first words of the paste
    assert parse_query("genopole " * 10_000) == Query(("genopole",))
    long_words = [f"{i:02d}" + "x" * 60 for i in range(10)]    # 62 characters each: 3 fit in 200
    assert parse_query(" ".join(long_words)) == Query(tuple(long_words[:3]), truncated=True)
    assert parse_query("a" * 5000) == Query(("a" * MAX_QUERY_CHARS,), truncated=True)
    assert parse_query("alpha beta") == Query(("alpha", "beta"), truncated=False)


def match_queries(cat) -> list[str]:
    """The MATCH statements the catalogue's connection runs from now on."""
    seen: list[str] = []
    cat.conn.set_trace_callback(lambda sql: seen.append(sql) if "MATCH" in sql else None)
    return seen


@pytest.mark.parametrize("paste", [" ".join(random_words(10_000)), "genopole " * 10_000],
                         ids=["10000-distinct-words", "10000-times-one-word"])
def test_a_pasted_document_runs_a_bounded_query_and_returns_fast(catalogue, paste):
    queries = match_queries(catalogue)
    start = time.perf_counter()
    ids = catalogue.actor_ids(Filter(text=paste))
    catalogue.facet_counts(Filter(text=paste))
    elapsed = time.perf_counter() - start
    assert queries
    for sql in queries:
        # (the ranking's statement holds the names' tier too: at most as many words again)
        assert 1 <= len(re.findall(r'"[^"]*"\*', sql)) <= 2 * MAX_QUERY_WORDS
    assert ids == catalogue.actor_ids(Filter(text=" ".join(parse_query(paste).words)))
    assert elapsed < 2.0    # sanity only: 10,000 x "genopole" took 4 s before the cap


def test_the_text_query_runs_once_per_refresh(catalogue):
    flt = Filter(text="genopole", departements=("91",))
    queries = match_queries(catalogue)
    ids = catalogue.actor_ids(flt)
    ran = len(queries)
    assert ran >= 1
    catalogue.facet_counts(flt)
    catalogue.count(flt)
    catalogue.actor_ids(Filter(text="genopole"))   # other facets, same text
    assert len(queries) == ran
    # a write here, then another program's write, are seen
    new = catalogue.create_actor({"name": "Nouveau", "kind": "biotech", "departement": "91",
                                  "description": "Hébergé à Genopole"})
    assert new in catalogue.actor_ids(flt) and len(ids) + 1 == len(catalogue.actor_ids(flt))
    with Catalogue.open(catalogue.path) as other:
        other.update_actor(new, {"description": "ailleurs"})
    assert catalogue.actor_ids(flt) == ids


def test_prefetch_runs_the_query_elsewhere_and_the_next_calls_use_it(catalogue):
    with Catalogue.open(catalogue.path) as fresh:
        expected = fresh.actor_ids(Filter(text="thér gén"))
    queries = match_queries(catalogue)
    assert not catalogue.text_ready("thér gén")
    assert catalogue.prefetch_text("thér gén")
    assert catalogue.text_ready("thér gén")
    assert catalogue.actor_ids(Filter(text="thér gén")) == expected
    catalogue.facet_counts(Filter(text="thér gén"))
    assert queries == []     # neither the prefetch nor the calls after it used this connection


def test_a_cancelled_prefetch_keeps_nothing(catalogue):
    calls = []
    assert not catalogue.prefetch_text("genopole", lambda: bool(calls.append(1)) or len(calls) > 1)
    assert not catalogue.text_ready("genopole")
    assert not catalogue.prefetch_text("genopole", lambda: True)


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_prefetch_outdated_by_a_write_meanwhile_is_not_kept(catalogue, where):
    target = catalogue.create_actor({"name": "Cible", "kind": "biotech"})

    def cancelled_and_write(calls=[]) -> bool:
        calls.append(1)
        if len(calls) == 2:     # the query has run: the file changes before it is kept
            if where == "here":
                catalogue.update_actor(target, {"description": "à Genopole"})
            else:
                with Catalogue.open(catalogue.path) as other:
                    other.update_actor(target, {"description": "à Genopole"})
        return False

    assert catalogue.prefetch_text("genopole", cancelled_and_write)
    assert not catalogue.text_ready("genopole")
    assert target in catalogue.actor_ids(Filter(text="genopole"))
