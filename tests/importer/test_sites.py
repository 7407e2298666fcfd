"""importer/sites.py: a SIRENE file's establishments linked to their head office."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.importer import apply_import, plan_import

from cli_helpers import run_cli
from import_helpers import LIDL, STORES, siren_of, siret_of, write_csv


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
