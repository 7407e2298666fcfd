"""The synonyms table: the bundled CSV, its checks, and queries it widens (on FTS5)."""

import pytest
from fts_helpers import fts_of

from eco_desktop import vocab
from eco_desktop.catalogue.synonyms import (Group, Phrase, Synonym, Synonyms, SynonymsError, Value,
                                            bundled_path, bundled_synonyms, read_synonyms)
from eco_desktop.text import fold

LABELS = {("kind", slug): label for slug, (label, _colour) in vocab.KINDS.items()}
LABELS.update({("domain", slug): label for slug, label in vocab.DOMAINS.items()})
LABELS.update({("activity", slug): label for slug, label in vocab.ACTIVITIES.items()})


def label_of(vocabulary, slug):
    return LABELS.get((vocabulary, slug))


# Actor texts as the integrated index will hold them: name, description, vocabulary labels.
TEXTS = {
    1: "Yposkesi. Bioproduction (CDMO, site de production). Thérapie génique",
    2: "Façonnier de vecteurs viraux",
    3: "Mnemo : lymphocytes CAR contre les cancers",
    4: "Plateforme de cellules CAR-T allogéniques",
    5: "Production de virus AAV à façon",
    6: "Cithera. Bio-ingénierie des cellules souches pluripotentes induites",
    7: "Centre Meary : médicaments de thérapie innovante",
    8: "Xentech, société de recherche sous contrat, à Genopole",
    9: "Biopark. Incubateur, pépinière, hôtel d'entreprises",
    10: "Sanofi. Grand laboratoire pharmaceutique",
    11: "Cellectis. Entreprise de biothérapie",
    12: "Genopole. Pôle, cluster, réseau",
    13: "Servier, groupe pharmaceutique",
}


@pytest.fixture(scope="module")
def fts():
    yield from fts_of(TEXTS)


def found(fts, typed, synonyms=None):
    expansion = (synonyms or bundled_synonyms()).expand(fold(typed).split())
    return fts(expansion.fts(label_of))


@pytest.mark.parametrize("typed, expected", [
    ("CDMO", {1, 2}),
    ("cmo", {1, 2}),
    ("façonniers", {1, 2}),
    ("CAR-T", {3, 4}),
    ("CAR T", {3, 4}),
    ("lymphocytes CAR", {3, 4}),
    ("AAV", {2, 5}),
    ("vecteur viral", {2, 5}),
    ("iPSC", {6}),
    ("ATMP", {7}),
    ("MTI", {7}),
    ("CRO", {8}),
    ("IPHE", {9}),
    ("incubateurs", {9}),
    ("Big pharma", {10, 13}),
    ("biotechs", {11}),
])
def test_the_issue_s_synonyms(fts, typed, expected):
    assert found(fts, typed) == expected


def test_the_other_words_stay_required(fts):
    assert found(fts, "CRO genopole") == {8}
    assert found(fts, "CDMO génique") == {1}
    assert found(fts, "CDMO cancers") == set()


@pytest.mark.parametrize("typed", [
    "CDMO", "AAV", "Big pharma", "incubateurs", "thérapie génique", "genopole", "car", "lymphocytes",
    "cellules souches", "CAR-T genopole", "sanofi pharma", "vir", "ip",
])
def test_a_synonym_widens_never_narrows(fts, typed):
    plain = Synonyms([]).expand(fold(typed).split())
    assert not plain.widened
    assert found(fts, typed) >= fts(plain.fts(label_of))


def test_short_words_are_matched_as_folded_only():
    synonyms = bundled_synonyms()
    assert not synonyms.expand(["ip"]).widened      # not « iPS »
    assert synonyms.expand(["ips"]).widened
    assert synonyms.expand(["incubateurs"]).widened  # stems from four letters


def test_the_longest_term_first_then_left_to_right():
    synonyms = Synonyms([Synonym("cellules CAR-T", "lymphocytes CAR"), Synonym("CAR-T", "lymphocytes CAR")])
    groups = synonyms.expand(["cellules", "car", "t", "genopole"]).groups
    assert [g.words for g in groups] == [("cellules", "car", "t"), ("genopole",)]
    assert set(groups[0].alternatives) == {Phrase(("lymphocytes", "car")), Phrase(("car", "t"))}


def test_a_phrase_means_is_typed_too():
    synonyms = Synonyms([Synonym("AAV", "vecteur viral")])
    [group] = synonyms.expand(["vecteurs", "viraux"]).groups
    assert group.alternatives == (Phrase(("aav",)),)


def test_a_value_is_searched_as_its_current_label(fts):
    synonyms = Synonyms([Synonym("CDMO", "kind:bioproduction")])
    [group] = synonyms.expand(["cdmo"]).groups
    assert group.alternatives == (Value("kind", "bioproduction"),)
    assert fts(group.fts(lambda v, s: "Entreprise de biothérapie")) == {1, 11}  # renamed label
    assert group.fts(lambda v, s: None) == Group(("cdmo",)).fts(label_of)       # value gone


def test_empty_query():
    assert bundled_synonyms().expand([]).fts(label_of) is None


def test_the_bundled_table_reads_and_names_existing_values():
    rows = read_synonyms(bundled_path())
    assert len(rows) == len(bundled_synonyms().rows) > 40
    assert all(row.note for row in rows)
    for row in rows:
        if row.value:
            assert label_of(*row.value), row
    assert "CDMO" in bundled_synonyms().terms()


@pytest.mark.parametrize("row, message", [
    (Synonym("CDMO", "kind:cdmo"), "n'est pas une valeur du vocabulaire"),
    (Synonym("CDMO", "planet:bioproduction"), "n'est pas écrit vocabulaire:slug"),
    (Synonym("CDMO", "kind:Bioproduction"), "n'est pas écrit vocabulaire:slug"),
    (Synonym("  ", "kind:pharma"), "terme vide"),
    (Synonym("AAV", " — "), "ne dit pas ce qu'il signifie"),
    (Synonym("Vecteur viral", "vecteur  VIRAL"), "se signifie lui-même"),
])
def test_rows_that_cannot_be_used(row, message):
    with pytest.raises(SynonymsError, match=message):
        Synonyms([row])


def test_a_row_twice_is_refused():
    with pytest.raises(SynonymsError, match="en double"):
        Synonyms([Synonym("CDMO", "kind:bioproduction"), Synonym("cdmo", "kind:bioproduction")])


def test_one_term_may_mean_two_things():
    synonyms = Synonyms([Synonym("incubateur", "kind:iphe"), Synonym("incubateur", "activity:incubation")])
    [group] = synonyms.expand(["incubateur"]).groups
    assert set(group.alternatives) == {Value("kind", "iphe"), Value("activity", "incubation")}


def test_vocabularies_of_a_catalogue_may_be_given():
    rows = [Synonym("ARN", "domain:rna")]
    with pytest.raises(SynonymsError):
        Synonyms(rows)
    assert Synonyms(rows, {"domain": ["rna"]}).expand(["arn"]).widened


def test_reading_a_csv(tmp_path):
    path = tmp_path / "synonyms.csv"
    path.write_text("\ufeffterm,means,note\nCDMO,kind:bioproduction,x\n\n", encoding="utf-8")
    assert read_synonyms(path) == [Synonym("CDMO", "kind:bioproduction", "x")]
    path.write_text("terme,sens\nCDMO,kind:bioproduction\n", encoding="utf-8")
    with pytest.raises(SynonymsError, match="en-tête"):
        read_synonyms(path)
    path.write_text("term,means,note\nCDMO,kind:bioproduction\n", encoding="utf-8")
    with pytest.raises(SynonymsError, match="ligne 2 : 3 colonnes"):
        read_synonyms(path)
