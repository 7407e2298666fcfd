"""importer/duplicates/: rows already in the catalogue or earlier in the file."""
from __future__ import annotations

import pytest

from eco_desktop.importer import find_duplicates, name_key

from import_helpers import LIDL, STORES, prepared, siren_of, siret_of


def actor(id_, name, siret="", siren="", postcode="", insee="", commune="", aliases=None):
    return {"id": id_, "name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune, "aliases": aliases}


def row(name, siret="", siren="", postcode="", insee="", commune=""):
    return {"name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune}


def found_as(found) -> list:
    return [None if d is None else (d.actor_id if d.actor_id is not None else
                                    ("row", d.first_index), d.rule) for d in found]


def test_name_key_ignores_case_accents_punctuation_and_legal_forms():
    assert name_key("CELLECTIS") == name_key("Cellectis") == name_key("Cellectis SA") \
        == name_key("Cellectis S.A.") == "cellectis"
    assert name_key("Généthon") == name_key("GENETHON SAS")
    assert name_key("Thermo Fisher Scientific") == name_key("Scientific Thermo-Fisher")
    assert name_key("SAS") == "sas"  # nothing left: keep what there was


def test_duplicates_against_the_catalogue():
    existing = [
        actor(1, "Cellectis", siret="42885905200037", postcode="75013", insee="75113"),
        actor(2, "Genethon", siren="383420236", postcode="91000", insee="91228"),
        actor(3, "Yposkesi", postcode="91000", insee="91228", commune="Évry-Courcouronnes"),
        actor(4, "Institut Curie", postcode="75005", insee="75105"),
    ]
    rows = [
        row("Nom différent", siret="42885905200037"),                     # same SIRET
        row("Généthon", siret="38342023600011"),                          # same SIREN
        row("YPOSKESI SAS", postcode="91000"),                             # name, postcode
        row("Yposkési", commune="Évry-Courcouronnes"),                     # name, commune
        row("Yposkesi", postcode="75013"),                                 # other place
        row("Institut Curi", postcode="75005"),                           # close name
        row("Institut Pasteur", postcode="75005"),                        # a different one
    ]
    found = find_duplicates(rows, existing)
    assert [(d.actor_id, d.rule) if d else None for d in found] == [
        (1, "siret"), (2, "siren"), (3, "name"), (3, "name"), None, (4, "name"), None]
    assert found[5].score >= 92 and found[2].score == 100


def test_two_sites_of_one_company_are_not_duplicates():
    existing = [actor(1, "Sanofi", siret="39502581800016", postcode="75008")]
    other_site = row("Sanofi Vitry", siret="39502581800xxx".replace("xxx", "123"),
                     siren="395025818", postcode="94400")
    assert find_duplicates([other_site], existing) == [None]
    no_siret = row("Sanofi", siren="395025818")
    assert find_duplicates([no_siret], existing)[0].rule == "siren"


def test_duplicates_within_the_file():
    rows = [row("Cellectis", postcode="75013"),
            row("Genethon", siret="38342023600011"),
            row("CELLECTIS SA", postcode="75013"),
            row("Autre nom", siret="38342023600011"),
            row("Cellectis", postcode="94000"),
            row("Cellectiss", postcode="75013")]
    found = find_duplicates(rows, [])
    assert found[0] is None and found[1] is None and found[4] is None
    assert (found[2].first_index, found[2].rule, found[2].in_file) == (0, "name", True)
    assert (found[3].first_index, found[3].rule) == (1, "siret")
    assert found[5].first_index == 0


def test_in_file_duplicate_of_a_row_that_matches_the_catalogue_points_at_the_actor():
    existing = [actor(7, "Cellectis", postcode="75013")]
    rows = [row("Cellectis SA", siret="42885905200037", postcode="75013"),
            row("Autre", siret="42885905200037")]
    found = find_duplicates(rows, existing)
    assert found[0].actor_id == 7
    assert found[1].actor_id == 7 and found[1].rule == "siret"


def test_duplicates_accept_candidates_and_the_id_of_our_export():
    # Same name, but in Lyon: another place and no identifier (without any place, the
    # same name would be the same actor).
    existing = [actor(12, "BioThéra Paris", postcode="69001", commune="Lyon")]
    table_rows = prepared("actors_cp1252.csv")
    found = find_duplicates(table_rows, existing)
    assert found == [None, None, None]
    table_rows[0].link["id"] = 12
    assert find_duplicates(table_rows, existing)[0].actor_id == 12
    table_rows[1].link["id"] = 12  # an id with another name is not trusted
    assert find_duplicates(table_rows, existing)[1] is None


def test_duplicates_scale_by_blocks():
    # 3,000 rows against 3,000 actors spread over 300 postcodes: exercised, not timed.
    existing = [actor(i, f"Société {i} Alpha", postcode=f"75{i % 300:03d}")
                for i in range(3000)]
    rows = [row(f"SOCIETE {i} ALPHA", postcode=f"75{i % 300:03d}") for i in range(3000)]
    found = find_duplicates(rows, existing)
    assert all(d is not None and d.actor_id == i for i, d in enumerate(found))


def test_big_blocks_are_cut(monkeypatch):
    from eco_desktop.importer.duplicates import blocks
    monkeypatch.setattr(blocks, "BIG_BLOCK", 5)
    existing = [actor(i, f"Nom{i:03d} Bio", postcode="75013") for i in range(20)]
    rows = [row("NOM007 BIO", postcode="75013"), row("Nom008 Bioo", postcode="75013")]
    found = find_duplicates(rows, existing)
    assert found[0].actor_id == 7 and found[1].actor_id == 8


def _ratio(a: str, b: str) -> float:
    """The reference score of two name keys: names holding other numbers never match."""
    import re

    from rapidfuzz import fuzz
    if re.findall(r"[0-9]+", a) != re.findall(r"[0-9]+", b):
        return 0.0
    return fuzz.ratio(a, b)


def test_in_file_fuzzy_matches_equal_a_pairwise_reference(monkeypatch):
    # Two big blocks holding the same rows (postcode and INSEE code), cut into chunks of
    # a few rows: each row must still get the best close name among the rows above it.
    import random

    from eco_desktop.importer import duplicates
    from eco_desktop.importer.duplicates import scoring
    monkeypatch.setattr(scoring, "_TRIANGLE_ROWS", 7)
    monkeypatch.setattr(scoring, "_PARALLEL_CELLS", 50)
    rng = random.Random(3)
    words = ["bio", "cell", "gene", "thera", "vax", "pharma", "lab", "onco", "immuno"]
    names = []
    for i in range(400):
        if names and rng.random() < 0.3:  # a near copy of an earlier name
            base = rng.choice(names)
            names.append(base + rng.choice(["", "s", "x"]))
        else:
            names.append(" ".join(rng.choice(words) + str(rng.randrange(50)) for _ in range(3)))
    rows = [row(n, postcode="75013", insee="75113") for n in names]
    found = find_duplicates(rows, [])
    keys = [duplicates.name_key(n) for n in names]
    first: list[int] = []
    for i, key in enumerate(keys):
        exact = next((first[j] for j in range(i) if keys[j] == key), None)
        best, at = 0.0, None
        for j in range(i):
            score = _ratio(key, keys[j])
            if score >= duplicates.NAME_THRESHOLD and score > best:
                best, at = score, j
        expected = exact if exact is not None else (first[at] if at is not None else None)
        got = found[i]
        first.append(i if got is None else got.first_index)
        if expected is None:
            assert got is None, (i, names[i])
        else:
            assert got is not None and got.first_index == expected, (i, names[i])


def test_name_key_fast_path_equals_folding_the_text():
    from eco_desktop.importer.duplicates import LEGAL_FORMS
    from eco_desktop.text import fold

    def reference(name):  # fold, join runs of one-letter tokens, drop legal forms, sort
        tokens, merged, run = fold(name).split(), [], []
        for token in tokens + [""]:
            if len(token) == 1:
                run.append(token)
                continue
            merged.extend(["".join(run)] if len(run) > 1 else run)
            run = []
            if token:
                merged.append(token)
        kept = [t for t in merged if t not in LEGAL_FORMS]
        return " ".join(sorted(kept or merged))

    names = ["Cellectis S.A.", "S.A.S.", "A B C Conseil", "L'Oréal", "SA", "Groupe 3 i", "  ",
             "x", "Œuvre SAS", "ÉCOLE-PRATIQUE des Hautes", "a.b.c", "SARL GMBH", "Ltd. Inc.",
             "Laboratoire\nBio\tTech", "über S A", "Thermo Fisher Scientific", "été 2 A B",
             "B2B-Lab (SAS)", "sas sarl x", "ÆON", "ß", "1 2 3", "", 12, 1.0, 0, None]
    for name in names:
        assert name_key(name) == reference(name), name


def _near_names(rng, count):
    """Names of 3 to 40 letters, a third of them close to an earlier one."""
    words = ["bio", "cell", "gene", "thera", "vax", "pharma", "lab", "onco", "immuno", "x"]
    names: list[str] = []
    for _ in range(count):
        if names and rng.random() < 0.3:
            names.append(rng.choice(names) + rng.choice(["", "s", "x", "ab", " sa"]))
        else:
            names.append(" ".join(rng.choice(words) + str(rng.randrange(30))
                                  for _ in range(rng.randint(1, 4))))
    return names


PLACES = [("91000", "91228"), ("91000", "91174"), ("91080", "91228"), ("75013", "75113")]


def _share_a_block(a, b):
    return a[0] == b[0] or a[1] == b[1]


def _compare_in_chunks_by_lengths_on_all_cores(monkeypatch):
    from eco_desktop.importer.duplicates import scoring
    for name, value in (("_BAND_CELLS", 0), ("_CALL_CELLS", 5), ("_TRIANGLE_ROWS", 4),
                        ("_SHARED_CELLS", 0)):
        monkeypatch.setattr(scoring, name, value)


@pytest.mark.parametrize("threshold", [92, 75])
def test_close_names_in_overlapping_blocks_equal_a_pairwise_reference(monkeypatch, threshold):
    # Places sharing a postcode or an INSEE code, names of many lengths compared by bands of
    # lengths, in chunks of a few rows, on every core: each row gets the best score among
    # the rows above it in one of its blocks (a tie may go to any of them).
    import random

    _compare_in_chunks_by_lengths_on_all_cores(monkeypatch)
    rng = random.Random(5)
    names = _near_names(rng, 400)
    cells = [rng.choice(PLACES) for _ in names]
    found = find_duplicates([row(n, postcode=p, insee=c) for n, (p, c) in zip(names, cells)],
                            [], threshold=threshold)
    keys = [name_key(n) for n in names]
    first: list[int] = []
    for i, key in enumerate(keys):
        above = [j for j in range(i) if _share_a_block(cells[i], cells[j])]
        scores = {j: 100.0 if keys[j] == key else _ratio(key, keys[j]) for j in above}
        best = max([s for s in scores.values() if s >= threshold], default=None)
        got = found[i]
        first.append(i if got is None else got.first_index)
        if best is None:
            assert got is None, (i, names[i])
            continue
        assert got is not None and got.score == pytest.approx(best, abs=1e-4), (i, names[i])
        assert got.first_index in {first[j] for j in above if scores[j] == best}, (i, names[i])


def test_close_names_in_the_catalogue_equal_a_pairwise_reference(monkeypatch):
    import random

    _compare_in_chunks_by_lengths_on_all_cores(monkeypatch)
    rng = random.Random(8)
    names = _near_names(rng, 600)
    cells = [rng.choice(PLACES) for _ in names]
    existing = [actor(k + 1, n, postcode=p, insee=c)
                for k, (n, (p, c)) in enumerate(zip(names[:300], cells[:300]))]
    rows = [row(n, postcode=p, insee=c) for n, (p, c) in zip(names[300:], cells[300:])]
    found = find_duplicates(rows, existing)
    for i, got in enumerate(found):
        key, place = name_key(rows[i]["name"]), (rows[i]["postcode"], rows[i]["insee_code"])
        near = [a for a in existing
                if _share_a_block(place, (a["postcode"], a["insee_code"]))]
        scores = {a["id"]: 100.0 if name_key(a["name"]) == key
                  else _ratio(key, name_key(a["name"])) for a in near}
        best = max([s for s in scores.values() if s >= 92], default=None)
        if best is None:
            assert got is None or got.in_file, i
        else:
            assert got.actor_id in {a for a, s in scores.items() if s == best}, i
            assert got.score == pytest.approx(best, abs=1e-4), i


def test_names_differing_only_by_a_number_are_different_organisations():
    existing = [actor(1, "Acteur import 0", postcode="75013"),
                actor(2, "Cellectis", postcode="75013")]
    rows = [row(f"Acteur import {i}", postcode="75013") for i in range(1, 20)]
    rows += [row("Celectis", postcode="75013"),          # a typo: the same organisation
             row("Acteur import 12", postcode="75013"),   # the same name as a row above
             row("Acteur importt 5", postcode="75013"),   # a typo, the same number
             row("Site 2 Genopole", postcode="75013"), row("Site Genopole", postcode="75013")]
    found = find_duplicates(rows, existing)
    assert found[:19] == [None] * 19
    assert (found[19].actor_id, found[19].rule) == (2, "name")
    assert (found[20].first_index, found[20].score) == (11, 100.0)
    assert found[21].first_index == 4 and found[21].score >= 92
    assert found[22] is None and found[23] is None


def test_a_block_still_too_big_after_the_letters_cut_is_cut_by_the_numbers(monkeypatch):
    # « Acteur import 1000 » … « 1099 » in one commune: the keys all start with « 10 »;
    # comparing them pairwise could only find names with other numbers, never a match.
    from eco_desktop.importer.duplicates import blocks, scoring
    monkeypatch.setattr(blocks, "BIG_BLOCK", 5)
    cells = []
    scores = scoring._scores

    def counted(queries, choices, threshold, shared=False):
        cells.append(len(queries) * len(choices))
        return scores(queries, choices, threshold, shared)

    monkeypatch.setattr(scoring, "_scores", counted)
    rows = [row(f"Acteur import {n}", commune="Paris") for n in range(1000, 1100)]
    rows.append(row("Acteur importt 1050", commune="Paris"))
    found = find_duplicates(rows, [])
    assert found[:100] == [None] * 100
    assert found[100].first_index == 50
    assert sum(cells) <= 4


def _letters_names(count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(8, 14)))
            for _ in range(count)]


def test_duplicate_detector_computes_bounded_matrices(monkeypatch):
    # One block of 2,500 rows against 2,500 actors, and the rows against each other:
    # every score matrix stays within _CELLS_PER_CHUNK cells, however many names the
    # block holds, and finds what the unbounded comparison finds.
    from eco_desktop.importer.duplicates import scoring
    names = _letters_names(2500, 11)
    existing = [actor(k + 1, n, postcode="91000") for k, n in enumerate(names)]
    rows = [row(n + end, postcode="91000") for end in ("x", "xx") for n in names[:1250]]
    expected = find_duplicates(rows, existing) + find_duplicates(rows, [])
    shapes = []
    scores = scoring._scores

    def counted(queries, choices, threshold, shared=False):
        shapes.append((len(queries), len(choices)))
        return scores(queries, choices, threshold, shared)

    monkeypatch.setattr(scoring, "_scores", counted)
    monkeypatch.setattr(scoring, "_CELLS_PER_CHUNK", 1000)
    monkeypatch.setattr(scoring, "_BAND_CELLS", 10**12)   # one band: the whole block
    got = find_duplicates(rows, existing) + find_duplicates(rows, [])
    assert max(q * c for q, c in shapes) <= 1000
    assert max(c for _q, c in shapes) == 1000   # the choices were sliced, not only the rows
    assert got == expected
    assert sum(d is not None and not d.in_file for d in got) > 1250   # catalogue matches
    assert sum(d is not None and d.in_file for d in got) > 1000       # in-file matches


def test_a_name_of_millions_of_letters_costs_no_memory_of_its_length(monkeypatch):
    # The zip bomb held one name of a billion letters: numpy was asked for
    # 8.6 GiB, an array as long as the longest name. Now what is allocated does not
    # grow with it (the name itself aside).
    import tracemalloc
    names = _letters_names(3000, 12)
    huge = "a" * 3_000_000
    existing = [actor(k + 1, n, postcode="91000") for k, n in enumerate(names[:1500])]
    rows = [row(n + "x", postcode="91000") for n in names] + [row(huge, postcode="91000")]
    tracemalloc.start()
    try:
        found = find_duplicates(rows, existing)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found[0].actor_id == 1 and found[-1] is None
    assert peak < 40 * 1024 * 1024   # 300 MB before


def test_a_row_matched_by_its_siret_is_still_a_name_for_the_rows_below():
    rows = [row("Alpha Bio", siret="42885905200037", postcode="75013"),
            row("Beta Labs", siret="42885905200037", postcode="75013"),
            row("Beta Labss", postcode="75013")]
    found = find_duplicates(rows, [])
    assert (found[1].rule, found[1].first_index) == ("siret", 0)
    assert (found[2].rule, found[2].first_index) == ("name", 0)  # row 1, itself row 0


def test_names_and_places_given_as_numbers_are_their_text():
    existing = [actor(1, "Cellectis", postcode="75013"), actor(2, 1.0, postcode="75013"),
                actor(3, "1", postcode="75013")]
    rows = [row("Cellectis", postcode=75013), row("Cellectis", postcode=75013.0),
            row(1, postcode="75013")]
    found = find_duplicates(rows, existing)
    assert found[0].actor_id == 1 and found[1] is None  # "75013.0" is another postcode
    assert found[2].actor_id == 3  # 1.0 is "1 0"


def test_duplicates_made_without_the_dataclass_init_equal_the_dataclass():
    from dataclasses import fields

    from eco_desktop.importer.duplicates.matching import Duplicate, _duplicate
    made = _duplicate(3, 5, "name", 93.5, None, 1, 3)
    assert made == Duplicate(3, 5, "name", 93.5, first_index=1, first_row=3)
    assert list(vars(made)) == [f.name for f in fields(Duplicate)]
    assert made.in_file and hash(made) == hash(Duplicate(3, 5, "name", 93.5, None, 1, 3))


def test_the_same_name_without_any_address_is_a_duplicate():
    existing = [actor(1, "Cellectis", postcode="75013", insee="75113"),
                actor(2, "Everzom"),                                  # no place
                actor(3, "Institut Curie", postcode="75005", aliases='["Curie"]')]
    rows = [row("CELLECTIS SA"),                      # no address: the actor in Paris
            row("Everzom", postcode="75013"),         # the actor has no address
            row("curie")]                             # an alias, no address
    assert found_as(find_duplicates(rows, existing)) == [(1, "name"), (2, "name"), (3, "name")]
    rows = [row("Cellectis", postcode="69001"),       # elsewhere, both placed: not proven
            row("Curie", postcode="13001")]           # the alias, elsewhere
    assert find_duplicates(rows, existing) == [None, None]


def test_rows_without_an_address_are_compared_in_the_file_too():
    rows = [row("Nouvelle Bio"), row("NOUVELLE BIO", postcode="91000"),
            row("Nouvelle Bio", postcode="91000", insee="91228"), row("nouvelle bio")]
    assert found_as(find_duplicates(rows, [])) == [
        None, (("row", 0), "name"), (("row", 0), "name"), (("row", 0), "name")]


def test_a_name_found_in_several_places_does_not_match_a_record_without_a_place():
    # The research list's « Direction de la recherche clinique » of each hospital: a row
    # without an address cannot tell which one it is.
    rows = [row("Direction de la recherche clinique"),
            row("Direction de la Recherche Clinique", postcode="35042"),
            row("Direction de la recherche clinique", postcode="86021"),
            row("DIRECTION DE LA RECHERCHE CLINIQUE", postcode="86021")]
    assert found_as(find_duplicates(rows, [])) == [None, None, None, (("row", 2), "name")]
    # Imported again: each is itself, the one without a place too.
    existing = [actor(k, r["name"], postcode=r["postcode"]) for k, r in enumerate(rows[:3])]
    assert found_as(find_duplicates(rows, existing)) == [(0, "name"), (1, "name"),
                                                         (2, "name"), (2, "name")]
    existing = [actor(1, "LIDL", postcode="75013"), actor(2, "LIDL", postcode="38000"),
                actor(3, "Everzom")]
    rows = [row("Lidl"), row("Everzom", postcode="75013"), row("Everzom", postcode="91000")]
    # Everzom's two places are in the file: the actor without a place is neither.
    assert find_duplicates(rows, existing) == [None, None, None]


def test_a_chain_of_stores_with_their_own_sirets_is_no_duplicate():
    # 26 stores, one name, one postcode: 26 establishments, whatever their names say.
    rows = [row("LIDL", siret=s, postcode="75013", insee="75113") for s in STORES]
    rows.append(row("LIDLL", siret=siret_of(LIDL, 99), postcode="75013"))  # close, other SIRET
    assert find_duplicates(rows, []) == [None] * 27
    # Against the catalogue: only the store already there.
    existing = [actor(5, "Lidl", siret=STORES[3], postcode="75013", insee="75113")]
    found = find_duplicates(rows[:26], existing)
    assert found_as(found) == [None] * 3 + [(5, "siret")] + [None] * 22
    # The same SIRET twice in the file is one establishment.
    again = find_duplicates(rows[:2] + rows[:1], [])
    assert found_as(again) == [None, None, (("row", 0), "siret")]


def test_a_firm_known_by_its_siren_only_is_one_establishment():
    existing = [actor(7, "Helix Bio", siren=LIDL, postcode="91000")]
    rows = [row("Helix Bio", siret=STORES[0], postcode="91000"),   # the firm's first site
            row("Helix Bio", siret=STORES[1], postcode="91000"),   # another one
            row("Helix Bio", siren=LIDL)]                          # the firm itself
    assert found_as(find_duplicates(rows, existing)) == [(7, "siren"), None, (7, "siren")]
    # The same in the file: a row without a SIRET takes the first SIRET found to be it.
    rows = [row("Helix Bio", siren=LIDL, postcode="91000"),
            row("Helix Bio", siret=STORES[0], postcode="91000"),
            row("Helix Bio SAS", siret=STORES[1], postcode="91000"),
            row("Helix Bio", siret=STORES[1], postcode="91000")]
    assert found_as(find_duplicates(rows, [])) == [
        None, (("row", 0), "siren"), None, (("row", 2), "siret")]


def test_close_names_with_other_sirets_are_not_duplicates():
    other = siren_of("44012345")
    existing = [actor(1, "Genethon", siret=siret_of(other, 11), postcode="91000")]
    rows = [row("Généthon SA", siret=siret_of(other, 12), postcode="91000"),   # its site
            row("Genethonn", siret=siret_of(LIDL, 11), postcode="91000"),      # another firm
            row("Genethonn", postcode="91000")]                                # no SIRET
    assert found_as(find_duplicates(rows, existing)) == [None, None, (1, "name")]
