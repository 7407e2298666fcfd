"""importer/values.py: vocabulary values, lists, consent."""
from __future__ import annotations

import pytest

from eco_desktop.importer import default_vocabularies, match_vocab, parse_consent
from eco_desktop.importer.values import SYNONYMS, parse_bool, split_values


VOCABS = default_vocabularies()


@pytest.mark.parametrize("cell, slugs", [
    ("Start-up biothérapie", ["biotech"]), ("Biotech", ["biotech"]),
    ("biotechnologie", ["biotech"]), ("BIOTECH", ["biotech"]),
    ("Incubateur", ["iphe"]), ("Pépinière", ["iphe"]), ("Hôtel d'entreprises", ["iphe"]),
    ("Incubateur, pépinière, hôtel d'entreprises", ["iphe"]),  # the label, commas and all
    ("CDMO", ["bioproduction"]), ("Big pharma", ["pharma"]),
    ("Laboratoire pharmaceutique", ["pharma"]), ("Hôpital", ["hospital"]), ("CHU", ["hospital"]),
    ("Laboratoire de recherche", ["academic"]), ("Unité Inserm", ["academic"]),
    ("Pôle de compétitivité", ["cluster"]), ("iphe", ["iphe"]),
    ("Entreprise de biothérapie", ["biotech"]), ("CHU de Bicêtre", ["hospital"]),
])
def test_match_kind(cell, slugs):
    assert match_vocab(cell, VOCABS["kind"], SYNONYMS["kind"]) == (slugs, [])


@pytest.mark.parametrize("cell, slugs, unmatched", [
    ("Thérapie génique, Vaccins", ["gene_therapy", "vaccines"], []),
    ("thérapie génique", ["gene_therapy"], []),
    ("gene therapy", ["gene_therapy"], []),
    ("Gene Therapy | Nanobiotech", ["gene_therapy"], ["Nanobiotech"]),
    ("Vaccins; Immunothérapie\nThérapie cellulaire",
     ["vaccines", "immunotherapy", "cell_therapy"], []),
    ("Anticorps et protéines thérapeutiques", ["antibodies_proteins"], []),
    ("Vaccins; vaccin", ["vaccines"], []),
    ("Astrologie, Vaccins", ["vaccines"], ["Astrologie"]),
    ("", [], []),
])
def test_match_domains_and_the_comma_rule(cell, slugs, unmatched):
    assert match_vocab(cell, VOCABS["domain"], SYNONYMS["domain"]) == (slugs, unmatched)


def test_match_activities_labels_with_commas():
    activities = VOCABS["activity"]
    assert match_vocab("Préclinique, CRO", activities, SYNONYMS["activity"]) == (
        ["preclinical"], [])
    assert match_vocab("R&D; Contrôle qualité, tests analytiques", activities,
                       SYNONYMS["activity"]) == (["research", "analytics_qc"], [])


def test_match_vocab_uses_the_catalogue_labels():
    renamed = dict(VOCABS["kind"], biotech="Jeune entreprise innovante")
    assert match_vocab("Jeune entreprise innovante", renamed) == (["biotech"], [])
    # a synonym of an entry the catalogue no longer has matches nothing
    without = {k: v for k, v in VOCABS["kind"].items() if k != "pharma"}
    assert match_vocab("Big pharma", without, SYNONYMS["kind"]) == ([], ["Big pharma"])


def test_split_values():
    assert split_values("a; b | c\nd\r\ne;;") == ["a", "b", "c", "d", "e"]
    assert split_values("a, b") == ["a, b"]


@pytest.mark.parametrize("cell, expected", [
    ("oui", ("consent", False)), ("Consentement", ("consent", False)),
    ("OUI", ("consent", False)), ("Intérêt légitime", ("legitimate_interest", False)),
    ("interet legitime", ("legitimate_interest", False)), ("non", (None, True)),
    ("Opposition", (None, True)), ("refus", (None, True)), ("", (None, False)),
])
def test_parse_consent(cell, expected):
    assert parse_consent(cell) == expected


def test_parse_consent_unknown_and_bool():
    with pytest.raises(ValueError):
        parse_consent("peut-être")
    assert parse_bool("Oui") is True and parse_bool("non") is False
    assert parse_bool("bof") is None


def test_matchers_are_cached_by_the_vocabulary_and_synonyms_they_hold():
    from eco_desktop.importer.values import matcher
    vocab = {"bioproduction": "Bioproduction", "preclinical": "Préclinique"}
    assert matcher(vocab, {"bioproduction": ["façonnier"]}) is matcher(vocab, {"bioproduction": ["façonnier"]})
    for word, slug in (("façonnier", "bioproduction"), ("CRO", "preclinical")):
        # a new mapping each time, the previous one freed: never the previous one's matcher
        assert matcher(vocab, {slug: [word]}).match(word)[0] == [slug]
