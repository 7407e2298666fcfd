"""Calls for projects: eligibility, shortlists, statuses, history, mailing and mailto."""
from __future__ import annotations

import csv
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from eco_desktop.catalogue.calls import MAILING_COLUMNS, export_mailing, mailto_batches, resolve_status
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter

from export_helpers import full_disk  # noqa: F401  (a fixture: a disk that fills up mid-file)

GENSIGHT, ART_TG, SANOFI, SERVIER = 17, 27, 1, 2
GENE = Filter(domains=("gene_therapy",))
# The calls a new catalogue starts with (db/dataset/calls.csv), in name order.
BUNDLED_CALLS = ["Grand Défi « Biomédicaments » : labellisation des intégrateurs industriels",
                 "Ingénierie de formations professionnelles et continues d'offres innovantes"]


def names(catalogue, call_id):
    return {row["name"] for row in catalogue.shortlist(call_id)}


@pytest.fixture
def gene_call(catalogue):
    return catalogue.create_call("Thérapie génique 2025", funder="Région Île-de-France", opens="2025-01-15",
                                 closes="2025-03-31", url="https://www.iledefrance.fr/aap", eligibility=GENE)


# ---------------------------------------------------------------------- calls

def test_gene_therapy_call_shortlists_the_gene_therapy_actors(catalogue, gene_call):
    shortlisted = names(catalogue, gene_call)
    assert {"GenSight Biologics", "ART-TG"} <= shortlisted
    assert "Sanofi" not in shortlisted
    assert {r["actor_id"] for r in catalogue.shortlist(gene_call)} == set(catalogue.actor_ids(GENE))
    assert all(r["status"] == "to_contact" for r in catalogue.shortlist(gene_call))


def test_call_fields_and_lookup_by_name_ignore_case(catalogue, gene_call):
    call = catalogue.get_call("THÉRAPIE GÉNIQUE 2025")
    assert call["id"] == gene_call
    assert catalogue.get_call("thérapie génique 2025")["id"] == gene_call
    assert catalogue.get_call(gene_call)["name"] == "Thérapie génique 2025"
    assert call["funder"] == "Région Île-de-France"
    assert (call["opens"], call["closes"]) == ("2025-01-15", "2025-03-31")
    assert call["eligibility"] == GENE
    assert call["state"] == "preparing" and call["state_label"] == "En préparation"
    with pytest.raises(UserError, match="Aucun appel à projets ne s'appelle « Inconnu »."):
        catalogue.get_call("Inconnu")


def test_a_call_is_found_by_the_same_rule_by_name_and_in_a_filter(catalogue):
    # Typed without accents, case or punctuation: the filter (--call) and get_call
    # (calls show) agree, both by fold(); get_call used to compare casefold() only.
    summer = catalogue.create_call("Été 2025 — bioproduction", eligibility=GENE)
    shortlisted = {row["actor_id"] for row in catalogue.shortlist(summer)}
    for typed in ("Été 2025 — bioproduction", "ete 2025 bioproduction", "ÉTÉ 2025 - BIOPRODUCTION"):
        assert catalogue.get_call(typed)["id"] == summer
        assert set(catalogue.actor_ids(Filter(call=typed))) == shortlisted
    for typed in ("ete", "Été 2026 bioproduction"):
        with pytest.raises(UserError, match=f"Aucun appel à projets ne s'appelle « {typed} »."):
            catalogue.get_call(typed)
        with pytest.raises(UserError, match=f"Aucun appel à projets ne s'appelle « {typed} »."):
            catalogue.actor_ids(Filter(call=typed))
    # Names that would be found for one another cannot both exist.
    with pytest.raises(UserError, match="s'appelle déjà"):
        catalogue.create_call("ete 2025 - bioproduction")

@pytest.mark.parametrize("kwargs, message", [
    ({"name": "thérapie GÉNIQUE 2025"}, "s'appelle déjà"),
    ({"name": "  "}, "Donnez un nom"),
    ({"name": "B", "opens": "2025-13-01"}, "Date d'ouverture invalide"),
    ({"name": "B", "closes": "31/03/2025"}, "Date de clôture invalide"),
    ({"name": "B", "opens": "2025-04-01", "closes": "2025-03-31"}, "postérieure"),
    ({"name": "B", "url": "javascript:alert(1)"}, "http"),
    ({"name": "B", "url": "ftp://example.org"}, "http"),
    ({"name": "B", "state": "bientôt"}, "État d'appel inconnu"),
])
def test_create_call_refuses_bad_values(catalogue, gene_call, kwargs, message):
    name = kwargs.pop("name")
    with pytest.raises(UserError, match=message):
        catalogue.create_call(name, **kwargs)


def test_calls_list_counts_update_archive_delete_and_undo(catalogue, gene_call):
    other = catalogue.create_call("PM'up", state="Ouvert")  # no criteria: empty shortlist
    assert catalogue.shortlist(other) == []
    listed = {c["name"]: c for c in catalogue.calls()}
    assert listed["PM'up"]["state"] == "open" and listed["PM'up"]["total"] == 0
    assert listed["Thérapie génique 2025"]["counts"]["to_contact"] == len(catalogue.actor_ids(GENE))

    assert catalogue.update_call(other, {"funder": "Bpifrance", "closes": "2025-06-30"})
    assert catalogue.get_call(other)["funder"] == "Bpifrance"
    with pytest.raises(UserError, match="s'appelle déjà"):
        catalogue.update_call(other, {"name": "THÉRAPIE génique 2025"})
    assert catalogue.update_call(other, {"name": "pm'UP"})  # its own name, other case: allowed

    catalogue.archive_call(other)
    assert [c["name"] for c in catalogue.calls(include_archived=False)] == [
        *BUNDLED_CALLS, "Thérapie génique 2025"]
    catalogue.undo()
    assert catalogue.get_call(other)["state"] == "open"

    before = catalogue.shortlist(gene_call)
    catalogue.delete_call(gene_call)
    with pytest.raises(UserError):
        catalogue.get_call("Thérapie génique 2025")
    assert catalogue.calls_of_actor(GENSIGHT) == []
    catalogue.undo()
    assert catalogue.shortlist(gene_call) == before


# ---------------------------------------------------------------------- shortlist

def test_manual_add_and_remove(catalogue, gene_call):
    assert catalogue.add_to_call(gene_call, [SANOFI, SERVIER, GENSIGHT]) == 2  # GenSight already in
    assert {"Sanofi", "Servier"} <= names(catalogue, gene_call)
    assert catalogue.remove_from_call(gene_call, [SANOFI, GENSIGHT]) == 2
    shortlisted = names(catalogue, gene_call)
    assert "Sanofi" not in shortlisted and "GenSight Biologics" not in shortlisted
    assert "Servier" in shortlisted
    catalogue.undo()  # the removal is one step
    assert {"Sanofi", "GenSight Biologics"} <= names(catalogue, gene_call)


def test_update_shortlist_adds_new_matches_and_never_removes(catalogue, gene_call):
    catalogue.add_to_call(gene_call, [SANOFI])
    catalogue.remove_from_call(gene_call, [GENSIGHT])
    new_id = catalogue.create_actor({"name": "Nouvelle Biotech", "kind": "biotech",
                                     "domains": ["gene_therapy"], "commune": "Évry-Courcouronnes"})
    assert catalogue.update_shortlist(gene_call) == 2  # GenSight back, the new actor in
    shortlisted = names(catalogue, gene_call)
    assert {"Nouvelle Biotech", "GenSight Biologics", "Sanofi"} <= shortlisted  # Sanofi kept
    assert catalogue.update_shortlist(gene_call) == 0
    assert new_id in {r["actor_id"] for r in catalogue.shortlist(gene_call)}


def test_trashed_actors_are_hidden_and_not_added(catalogue, gene_call):
    catalogue.delete_actors([GENSIGHT])
    assert "GenSight Biologics" not in names(catalogue, gene_call)
    assert catalogue.add_to_call(gene_call, [GENSIGHT]) == 0
    catalogue.restore_actors([GENSIGHT])
    assert "GenSight Biologics" in names(catalogue, gene_call)


def test_status_changes_counts_notes_and_calls_of_actor(catalogue, gene_call):
    total = len(catalogue.shortlist(gene_call))
    assert catalogue.set_status(gene_call, [GENSIGHT, ART_TG], "contacté") == 2
    assert catalogue.set_status(gene_call, [GENSIGHT], "applied", note="Dossier déposé le 3 mars") == 1
    assert catalogue.set_status(gene_call, [GENSIGHT], "Candidat") == 0  # nothing changes
    counts = catalogue.status_counts(gene_call)
    assert list(counts) == ["to_contact", "contacted", "applied", "selected", "not_selected", "excluded"]
    assert counts == {"to_contact": total - 2, "contacted": 1, "applied": 1, "selected": 0,
                      "not_selected": 0, "excluded": 0}
    row = next(r for r in catalogue.shortlist(gene_call) if r["actor_id"] == GENSIGHT)
    assert row["status"] == "applied" and row["note"] == "Dossier déposé le 3 mars"
    assert row["changed_at"].startswith("20")
    assert catalogue.set_note(gene_call, ART_TG, "Rappeler en février")
    entry = catalogue.calls_of_actor(ART_TG)[0]
    assert entry["changed_at"] >= row["changed_at"]
    assert {k: v for k, v in entry.items() if k != "changed_at"} == {
        "call": "Thérapie génique 2025", "call_id": gene_call, "status": "contacted",
        "status_label": "Contacté", "note": "Rappeler en février", "state": "preparing"}
    with pytest.raises(UserError, match="Statut inconnu"):
        catalogue.set_status(gene_call, [GENSIGHT], "gagné")
    with pytest.raises(UserError, match="pas dans la présélection"):
        catalogue.set_status(gene_call, [SANOFI], "contacted")


def test_undo_of_a_bulk_status_change_is_one_step(catalogue, gene_call):
    ids = [r["actor_id"] for r in catalogue.shortlist(gene_call)]
    catalogue.set_status(gene_call, ids[:1], "excluded")
    assert catalogue.set_status(gene_call, ids, "contacted") == len(ids)
    assert catalogue.undo_label().startswith("Statut « Contacté »")
    catalogue.undo()
    counts = catalogue.status_counts(gene_call)
    assert counts["contacted"] == 0 and counts["excluded"] == 1 and counts["to_contact"] == len(ids) - 1
    catalogue.redo()
    assert catalogue.status_counts(gene_call)["contacted"] == len(ids)


@pytest.mark.parametrize("text, slug", [("to_contact", "to_contact"), ("À contacter", "to_contact"),
                                        ("a contacter", "to_contact"), ("LAURÉAT", "selected"),
                                        ("non retenu", "not_selected"), ("écarté", "excluded")])
def test_status_from_slug_or_french_label(text, slug):
    assert resolve_status(text) == slug


# ---------------------------------------------------------------------- mailing

@pytest.fixture
def with_contacts(catalogue, gene_call):
    add = catalogue.add_contact
    ids = {
        "ok": add(GENSIGHT, {"civility": "Mme", "first_name": "Alice", "last_name": "Martin", "role": "CEO",
                             "email": "alice@gensight.example", "legal_basis": "legitimate_interest"}),
        "no_basis": add(GENSIGHT, {"first_name": "Bruno", "last_name": "Petit", "email": "bruno@gensight.example"}),
        "opted_out": add(ART_TG, {"first_name": "Chloé", "last_name": "Durand", "email": "chloe@art-tg.example",
                                  "legal_basis": "consent", "opt_out": True}),
        "no_email": add(ART_TG, {"civility": "M.", "first_name": "Denis", "last_name": "Roux",
                                 "legal_basis": "consent"}),
        "formula": add(ART_TG, {"first_name": "=HYPERLINK(\"x\")", "last_name": "Test",
                                "email": "test@art-tg.example", "legal_basis": "consent"}),
    }
    return ids


def test_mailing_keeps_usable_contacts_and_reports_the_others(catalogue, gene_call, with_contacts):
    rows, report = catalogue.mailing_rows(gene_call)
    contact_ids = {r["contact_id"] for r in rows}
    assert contact_ids == {with_contacts["ok"], with_contacts["no_email"], with_contacts["formula"]}
    alice = next(r for r in rows if r["contact_id"] == with_contacts["ok"])
    assert {k: alice[k] for k in MAILING_COLUMNS} == {
        "civility": "Mme", "first_name": "Alice", "last_name": "Martin", "role": "CEO",
        "organisation": "GenSight Biologics", "email": "alice@gensight.example",
        "street": catalogue.get_actor(GENSIGHT)["street"], "postcode": catalogue.get_actor(GENSIGHT)["postcode"],
        "commune": "Paris 12e Arrondissement", "call": "Thérapie génique 2025", "closes": "2025-03-31",
        "actors": "GenSight Biologics"}
    assert [c["contact_id"] for c in report.no_legal_basis] == [with_contacts["no_basis"]]
    assert [c["contact_id"] for c in report.opted_out] == [with_contacts["opted_out"]]
    assert [c["contact_id"] for c in report.without_email] == [with_contacts["no_email"]]
    assert report.left_out == 2 and report.contacts == 3
    without = {a["name"] for a in report.actors_without_contact}
    assert "GenSight Biologics" not in without and "ART-TG" not in without
    assert without == names(catalogue, gene_call) - {"GenSight Biologics", "ART-TG"}
    text = "\n".join(report.lines())
    assert "2 contacts écartés" in text and "1 sans base légale" in text and "1 opposé(s)" in text
    assert "sans contact utilisable" in text


def test_mailing_leaves_out_excluded_actors(catalogue, gene_call, with_contacts):
    catalogue.set_status(gene_call, [GENSIGHT], "écarté")
    rows, report = catalogue.mailing_rows(gene_call)
    assert all(r["actor_id"] != GENSIGHT for r in rows)
    assert report.excluded_actors == 1
    rows, _ = catalogue.mailing_rows(gene_call, statuses=["excluded"])
    assert {r["actor_id"] for r in rows} == {GENSIGHT}


def test_export_mailing_xlsx_and_csv(catalogue, gene_call, with_contacts, tmp_path):
    from openpyxl import load_workbook
    rows, _ = catalogue.mailing_rows(gene_call)
    path = export_mailing(tmp_path / "envoi.xlsx", rows)
    sheet = load_workbook(path).worksheets[0]
    values = list(sheet.values)
    assert list(values[0]) == list(MAILING_COLUMNS.values())
    assert len(values) == 1 + len(rows)
    formula_row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "Test")
    assert formula_row[1].data_type == "s"  # never a formula
    closes = values[1][list(MAILING_COLUMNS).index("closes")]
    assert closes.year == 2025 and closes.month == 3 and closes.day == 31

    csv_path = export_mailing(tmp_path / "envoi.csv", rows)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0] == list(MAILING_COLUMNS.values()) and len(lines) == 1 + len(rows)
    assert any(line[1].startswith("'=HYPERLINK") for line in lines[1:])
    with pytest.raises(UserError, match=".xlsx ou .csv"):
        export_mailing(tmp_path / "envoi.pdf", rows)


def test_mailing_has_each_address_once_and_says_whom_it_serves(catalogue, gene_call, tmp_path):
    from openpyxl import load_workbook
    basis = {"legal_basis": "consent"}
    add = catalogue.add_contact
    eve = [add(GENSIGHT, {"first_name": "Eve", "last_name": "Laurent", "email": "eve@conseil.example", **basis}),
           # the same person consulting for a second shortlisted actor…
           add(ART_TG, {"first_name": "Eve", "last_name": "Laurent", "email": "eve@conseil.example", **basis}),
           # … and typed again there with other capitals and a trailing space
           add(ART_TG, {"first_name": "Ève", "last_name": "Laurent", "email": "EVE@Conseil.example ", **basis})]
    yann = add(GENSIGHT, {"first_name": "Yann", "email": "yann@gensight.example", **basis})
    add(GENSIGHT, {"first_name": "Sans", "last_name": "Adresse", **basis})
    add(ART_TG, {"first_name": "Sans", "last_name": "Adresse", **basis})  # no address: a letter each

    rows, report = catalogue.mailing_rows(gene_call)
    same = [r for r in rows if r["email"].casefold() == "eve@conseil.example"]
    assert len(same) == 1
    assert sorted(same[0]["contact_ids"]) == sorted(eve) and same[0]["contact_id"] in eve
    assert sorted(same[0]["actor_ids"]) == sorted([GENSIGHT, ART_TG])
    assert sorted(same[0]["actors"].split("; ")) == ["ART-TG", "GenSight Biologics"]
    assert [r["actors"] for r in rows if r["contact_id"] == yann] == ["GenSight Biologics"]
    assert len(rows) == 4 and report.contacts == 4 and report.merged == 2
    assert len(report.without_email) == 2
    assert "2 adresses en double fusionnées" in "\n".join(report.lines())
    assert report.to_dict()["merged"] == 2
    without = {a["actor_id"] for a in report.actors_without_contact}
    assert GENSIGHT not in without and ART_TG not in without

    sheet = load_workbook(export_mailing(tmp_path / "envoi.xlsx", rows)).worksheets[0]
    values = list(sheet.values)
    assert values[0][-1] == "Acteurs"
    e_mail = list(MAILING_COLUMNS).index("email")
    assert sum(1 for v in values[1:] if (v[e_mail] or "").casefold() == "eve@conseil.example") == 1
    lines = list(csv.reader(export_mailing(tmp_path / "envoi.csv", rows).read_text(encoding="utf-8-sig")
                            .splitlines(), delimiter=";"))
    assert sum(1 for line in lines[1:] if line[e_mail].casefold() == "eve@conseil.example") == 1
    sent = sum((recipients(u) for u in mailto_batches([r["email"] for r in rows], "AAP")), [])
    assert sorted(a.casefold() for a in sent) == ["eve@conseil.example", "yann@gensight.example"]


def test_an_address_opted_out_anywhere_is_left_out_everywhere(catalogue, gene_call):
    basis = {"legal_basis": "consent"}
    add = catalogue.add_contact
    usable = [add(GENSIGHT, {"first_name": "Zoé", "email": "zoe@exemple.fr", **basis}),
              add(GENSIGHT, {"first_name": "Max", "email": "Max@Exemple.fr", **basis})]
    refused = add(ART_TG, {"first_name": "Zoé", "email": " ZOE@exemple.fr", "opt_out": True, **basis})
    add(SANOFI, {"first_name": "Max", "email": "max@exemple.fr", "opt_out": True})  # not even shortlisted
    rows, report = catalogue.mailing_rows(gene_call)
    assert not [r for r in rows if r["email"].casefold() in ("zoe@exemple.fr", "max@exemple.fr")]
    assert [c["contact_id"] for c in report.opted_out] == [refused]
    assert sorted(c["contact_id"] for c in report.opted_out_elsewhere) == sorted(usable)
    assert report.left_out == 3
    text = "\n".join(report.lines())
    assert "3 contacts écartés" in text and "2 dont l'adresse e-mail s'est opposée" in text


@pytest.mark.parametrize("name", ["envoi.xlsx", "envoi.csv"])
def test_mailing_file_follows_the_umask(catalogue, gene_call, with_contacts, tmp_path, name):
    import os
    rows, _ = catalogue.mailing_rows(gene_call)
    folder = tmp_path / "envois"
    folder.mkdir()
    old = os.umask(0o022)
    try:
        path = export_mailing(folder / name, rows)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    assert os.listdir(folder) == [name]


def test_mailing_on_a_full_disk_says_so_and_nothing_else(catalogue, gene_call, with_contacts, tmp_path,
                                                         full_disk):
    import gc
    rows, _ = catalogue.mailing_rows(gene_call)
    folder = tmp_path / "envois"
    folder.mkdir()
    with pytest.raises(UserError, match="le disque est plein") as caught:
        export_mailing(folder / "envoi.xlsx", rows * 100)
    del caught
    gc.collect()
    assert full_disk == [] and list(folder.iterdir()) == []


# ---------------------------------------------------------------------- mailto

def recipients(url: str) -> list[str]:
    query = urlsplit(url).query
    bcc = next(part for part in query.split("&") if part.startswith("bcc="))[4:]
    return [unquote(a) for a in bcc.split(",")]


def test_mailto_batches_split_under_the_limit_with_every_address_once():
    emails = [f"personne.{i}+aap@laboratoire-{i % 7}.example.fr" for i in range(300)]
    emails += ["PERSONNE.0+aap@laboratoire-0.example.fr", ""]  # duplicate (other case), empty
    subject = "Appel « Thérapie génique » 2025 & co"
    urls = mailto_batches(emails, subject)
    assert len(urls) > 1
    seen = []
    for url in urls:
        assert len(url) <= 2000
        assert url.startswith("mailto:?")
        assert " " not in url and "«" not in url
        assert parse_qs(urlsplit(url).query)["subject"] == [subject]
        seen += recipients(url)
    assert seen == emails[:300]  # each once, in order, "+" survived
    assert mailto_batches([], "x") == []
    assert mailto_batches(["a@b.fr"], "Sujet") == ["mailto:?subject=Sujet&bcc=a@b.fr"]


def test_mailto_batches_honour_a_small_limit():
    emails = [f"user{i}@example.org" for i in range(20)]
    urls = mailto_batches(emails, "AAP", limit=120)
    assert all(len(u) <= 120 for u in urls)
    assert sum((recipients(u) for u in urls), []) == emails
    with pytest.raises(UserError):
        mailto_batches(["a" * 200 + "@example.org"], "AAP", limit=120)
