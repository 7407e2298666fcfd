"""Suggestions for a query that found too little, over the bundled catalogue's names."""
import pytest

from eco_desktop import paths, vocab
from eco_desktop.catalogue.suggest import (MAX_QUERY_CHARS, Candidate, Suggester, Suggestion,
                                           did_you_mean, suggest)
from eco_desktop.dataset import read_csv


@pytest.fixture(scope="module")
def suggester():
    candidates = []
    for row in read_csv(paths.dataset_dir() / "actors.csv"):
        actor = ("actor", int(row["id"]))
        candidates.append(Candidate(row["name"], "name", actor))
        for alias in filter(None, row["aliases"].split("|")):
            candidates.append(Candidate(alias, "alias", actor, f"{alias} ({row['name']})"))
    candidates += [Candidate(label, "domain", ("domain", slug)) for slug, label in vocab.DOMAINS.items()]
    candidates += [Candidate(label, "kind", ("kind", slug)) for slug, (label, _c) in vocab.KINDS.items()]
    return Suggester(candidates)


def shown(suggestions):
    return [s.candidate.shown for s in suggestions]


@pytest.mark.parametrize("typed, first", [
    ("cellectiss", "Cellectis"),
    ("genopol", "Genopole"),
    ("Yposkezi", "Yposkesi"),
    ("thérapie génétique", "Thérapie génique"),
    ("incubateur pepiniere hotel d entreprise", "Incubateur, pépinière, hôtel d'entreprises"),
])
def test_the_closest_comes_first(suggester, typed, first):
    assert shown(suggester.suggest(typed))[0] == first


def test_an_actor_is_proposed_once_by_its_closest_name(suggester):
    suggestions = suggester.suggest("Collectis")
    assert shown(suggestions)[0] == "Collectis (Cellectis)"
    assert [s.candidate.apply for s in suggestions].count(suggestions[0].candidate.apply) == 1


def test_what_applying_does_is_given_back(suggester):
    [best, *_] = suggester.suggest("therapie cellulair")
    assert best.candidate.apply == ("domain", "cell_therapy") and best.candidate.kind == "domain"


def test_nothing_close_nothing_proposed(suggester):
    assert suggester.suggest("zzzzqqqq") == []
    assert suggester.suggest("ce") == []          # too short to guess
    assert suggester.suggest("  — ") == []


def test_limit_and_cutoff(suggester):
    assert len(suggester.suggest("gen", limit=2, cutoff=0)) == 2
    assert suggester.suggest("cellectiss", limit=0) == []
    assert all(s.score >= 90 for s in suggester.suggest("cellectiss", cutoff=90))


def test_equal_scores_rank_names_before_values_then_by_label():
    candidates = [Candidate("Vaccins", "domain", "d"), Candidate("Vaccins", "name", 1),
                  Candidate("Vaccins", "alias", 2), Candidate("vaccins", "name", 0, "A Vaccins")]
    assert [s.candidate.apply for s in suggest("vacins", candidates)] == [0, 1, 2, "d"]


def test_a_long_text_is_cut():
    long_name = "a" * MAX_QUERY_CHARS
    [best] = suggest(long_name + " et la suite d'un document collé", [Candidate(long_name, "name", 1)])
    assert best.score == 100


def test_did_you_mean():
    one = Suggestion(Candidate("Cellectis", "name", 1), 95)
    two = Suggestion(Candidate("Genopole", "name", 2), 93)
    three = Suggestion(Candidate("Genethon", "name", 3), 80)
    assert did_you_mean([]) == ""
    assert did_you_mean([one]) == "Vouliez-vous dire : Cellectis ?"
    assert did_you_mean([one, two, three]) == "Vouliez-vous dire : Cellectis, Genopole ou Genethon ?"
