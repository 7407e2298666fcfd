"""Duplicates an officer would see: identifiers, exact names without a place, chains and
the sites of one firm (linked to their head office), and a file imported again."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum import luhn
from stdnum.fr import siren as siren_module
from stdnum.fr import siret as siret_module

from eco_desktop.importer import apply_import, find_duplicates, plan_import
from eco_desktop.store import Catalogue

from cli_helpers import run_cli


def siren_of(eight: str) -> str:
    number = eight + luhn.calc_check_digit(eight)
    assert siren_module.is_valid(number)
    return number


def siret_of(siren: str, nic: int) -> str:
    """A valid SIRET of ``siren``: the NIC ``nic`` (four digits) and its key."""
    body = siren + f"{nic:04d}"
    number = body + luhn.calc_check_digit(body)
    assert siret_module.is_valid(number)
    return number


def actor(id_, name, siret="", siren="", postcode="", insee="", commune="", aliases=None):
    return {"id": id_, "name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune, "aliases": aliases}


def row(name, siret="", siren="", postcode="", insee="", commune=""):
    return {"name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune}


def found_as(found) -> list:
    return [None if d is None else (d.actor_id if d.actor_id is not None else
                                    ("row", d.first_index), d.rule) for d in found]


LIDL = siren_of("35012345")
STORES = [siret_of(LIDL, nic) for nic in range(1, 27)]


# -- find_duplicates ---------------------------------------------------------------------

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


# -- the import: a SIRENE-like file -------------------------------------------------------

HELIX = siren_of("81234567")
HEAD = siret_of(HELIX, 17)
HEADERS = ["siren", "siret", "etablissementSiege", "nicSiegeUniteLegale",
           "denominationUniteLegale", "nomUniteLegale", "prenom1UniteLegale", "Type",
           "codePostalEtablissement", "libelleCommuneEtablissement",
           "codeCommuneEtablissement"]


def sirene_rows() -> list[list[str]]:
    lidl_head = siret_of(LIDL, 30)
    rows = [HEADERS]
    # A chain: three stores in one arrondissement, their head office in the file.
    for s in STORES[:3]:
        rows.append([LIDL, s, "false", lidl_head[9:], "LIDL", "", "", "Pharma", "75013",
                     "PARIS 13", "75113"])
    rows.append([LIDL, lidl_head, "true", lidl_head[9:], "LIDL", "", "", "Pharma",
                 "92320", "CHATILLON", "92020"])
    # A firm's head office and one of its sites, told by nicSiegeUniteLegale alone.
    rows.append([HELIX, siret_of(HELIX, 25), "", HEAD[9:], "HELIX BIO", "", "", "Biotech",
                 "75013", "PARIS 13", "75113"])
    rows.append([HELIX, HEAD, "", HEAD[9:], "HELIX BIO", "", "", "Biotech", "91000",
                 "EVRY-COURCOURONNES", "91228"])
    # An entrepreneur individuel, alone.
    ei = siren_of("90012345")
    rows.append([ei, siret_of(ei, 14), "true", siret_of(ei, 14)[9:], "", "DURAND", "Marie",
                 "Biotech", "75011", "PARIS 11", "75111"])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def snapshot(catalogue) -> dict:
    with catalogue.lock:
        return {t: [tuple(r) for r in catalogue.conn.execute(f"SELECT * FROM [{t}] ORDER BY 1")]
                for t in ("actors", "relations", "history_batches", "history_changes")}


def site_links(catalogue) -> set[tuple[str, str]]:
    sirets = {a["id"]: a["siret"] for a in catalogue.iter_actors()}
    return {(sirets[r["source_id"]], sirets[r["target_id"]])
            for r in catalogue.relations() if r["type"] == "site_of"
            and sirets[r["source_id"]]}   # not the bundled groups' sites


@pytest.mark.parametrize("policy", ["skip", "merge", "overwrite"])
def test_a_sirene_file_imported_twice_creates_and_changes_nothing_the_second_time(
        catalogue, tmp_path, policy):
    path = write_csv(tmp_path / "sirene.csv", sirene_rows())
    plan = plan_import(catalogue, path, on_duplicate=policy)
    by_siret = {r.data.get("siret"): r for r in plan.rows}
    stores = [by_siret[s] for s in STORES[:3]]
    assert [r.action for r in stores] == ["create"] * 3   # no store is another's duplicate
    assert all(r.site_of == "LIDL" for r in stores)
    assert by_siret[siret_of(HELIX, 25)].site_of == "HELIX BIO"
    assert by_siret[HEAD].site_of == ""
    first = apply_import(catalogue, plan)
    created = first.created
    assert created >= 6 and first.linked == 4
    sirets = [a["siret"] for a in catalogue.iter_actors() if a["siret"]]
    assert len(sirets) == len(set(sirets))
    lidl_head = siret_of(LIDL, 30)
    assert site_links(catalogue) == {(s, lidl_head) for s in STORES[:3]} | {
        (siret_of(HELIX, 25), HEAD)}

    before = snapshot(catalogue)
    plan = plan_import(catalogue, path, on_duplicate=policy)
    assert plan.site_links == []
    again = apply_import(catalogue, plan)
    assert (again.created, again.updated, again.linked) == (0, 0, 0)
    assert snapshot(catalogue) == before   # not even a history entry


def test_site_links_go_with_the_import_and_its_undo(catalogue, tmp_path):
    path = write_csv(tmp_path / "sirene.csv", sirene_rows())
    before = snapshot(catalogue)
    apply_import(catalogue, plan_import(catalogue, path))
    assert len(site_links(catalogue)) == 4
    catalogue.undo()
    assert snapshot(catalogue)["relations"] == before["relations"]
    assert snapshot(catalogue)["actors"] == before["actors"]


def test_sites_are_not_linked_when_asked_not_to(catalogue, tmp_path):
    path = write_csv(tmp_path / "sirene.csv", sirene_rows())
    summary = apply_import(catalogue, plan_import(catalogue, path, link_sites=False))
    assert summary.created >= 6 and summary.linked == 0 and site_links(catalogue) == set()


def test_sites_of_a_head_office_already_in_the_catalogue(catalogue, tmp_path):
    head_id = catalogue.create_actor({"name": "Helix Bio", "kind": "biotech", "siret": HEAD,
                                      "postcode": "91000", "commune": "Évry-Courcouronnes"})
    rows = [r for r in sirene_rows() if r[0] in ("siren", HELIX) and r[1] != HEAD]
    path = write_csv(tmp_path / "sites.csv", rows)
    plan = plan_import(catalogue, path)
    assert "À relier à leur siège (relation « site de ») : 1 établissement." in \
        plan.summary().lines()
    assert ["À relier à leur siège (relation « site de »)", 1] in plan.summary().table_rows()
    summary = apply_import(catalogue, plan)
    assert (summary.created, summary.linked) == (1, 1)
    assert site_links(catalogue) == {(siret_of(HELIX, 25), HEAD)}
    assert catalogue.get_actor(head_id)["siret"] == HEAD


def test_the_bundled_biotechs_are_not_created_again_from_a_list_without_addresses(
        catalogue, tmp_path):
    # An i-Lab-like list: names and SIRENs, no address.
    path = write_csv(tmp_path / "laureats.csv", [
        ["Nom de l'entreprise", "Type", "SIREN"],
        ["CELLECTIS", "Biotech", "428859052"],
        ["Ipsirius", "Biotech", ""],
        ["EVERZOM", "Biotech", ""],
        ["Collectis", "Biotech", ""],                    # the bundled alias
    ])
    plan = plan_import(catalogue, path)
    assert [(r.status, r.action, r.duplicate_of) for r in plan.rows] == [
        ("duplicate", "skip", "Cellectis"), ("duplicate", "skip", "Ipsirius"),
        ("duplicate", "skip", "Everzom"), ("duplicate", "skip", "Cellectis")]
    assert [r.rule for r in plan.rows] == ["siren", "name", "name", "name"]


def test_the_command_line_links_sites_unless_told_not_to(tmp_path, catalogue_path):
    path = write_csv(tmp_path / "sirene.csv", sirene_rows())
    done = run_cli(["import", path, "--db", catalogue_path, "--no-link-sites", "--dry-run"],
                   home=tmp_path)
    assert "relier" not in done.stdout
    done = run_cli(["import", path, "--db", catalogue_path], home=tmp_path)
    assert "Reliés à leur siège (relation « site de ») : 4 établissements." in done.stdout
    with Catalogue.open(catalogue_path) as catalogue:
        assert len(site_links(catalogue)) == 4
    again = run_cli(["import", path, "--db", catalogue_path], home=tmp_path)
    assert "Créés : 0" in again.stdout and "Reliés" not in again.stdout
